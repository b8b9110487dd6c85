/// One file operation of a proposed change.
public enum FileOperation: Sendable, Equatable {
    /// Replace (or create) the file with exactly these bytes.
    case write(RepoPath, content: [UInt8])
    /// Delete the file.
    case delete(RepoPath)

    public var path: RepoPath {
        switch self {
        case .write(let path, _), .delete(let path): path
        }
    }
}

/// Limits on what a change may carry. Text only, as in the original letswork.
public enum ContentPolicy {
    /// The largest file a change may write: 1 MiB.
    public static let maximumFileSize = 1 << 20

    /// Refuses content letswork does not handle: over 1 MiB, or binary (a NUL byte, or not UTF-8).
    /// - Throws: ``ReviewError/contentRefused(_:reason:)``.
    public static func check(_ content: [UInt8], for path: RepoPath) throws {
        if content.count > maximumFileSize {
            throw ReviewError.contentRefused(path, reason: "it is \(content.count) bytes; letswork handles files up to \(maximumFileSize) bytes (1 MiB)")
        }
        if content.contains(0) || String(validating: content, as: UTF8.self) == nil {
            throw ReviewError.contentRefused(path, reason: "it is binary (not UTF-8 text); letswork only proposes text files")
        }
    }
}
