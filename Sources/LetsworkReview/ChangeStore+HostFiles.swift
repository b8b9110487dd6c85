/// A file as read from the working tree by a tool, within the engine's rules.
public struct WorkingFile: Sendable, Equatable {
    public let path: RepoPath
    public let content: [UInt8]
    public let executable: Bool
}

extension ChangeStore {
    /// Reads a regular file of the working tree without following symbolic links on the way.
    /// - Throws: ``ReviewError`` when it is absent, a link, a folder, or under a linked folder.
    public func readWorkingFile(_ path: RepoPath) throws -> WorkingFile {
        switch try workingTree.entry(at: path) {
        case .file(let bytes, let executable, _): return WorkingFile(path: path, content: bytes, executable: executable)
        case .absent: throw ReviewError.unsafeOnDisk(path, reason: "no such file in the repository")
        case .symlink: throw ReviewError.unsafeOnDisk(path, reason: "it is a symbolic link; letswork does not follow links")
        case .folder: throw ReviewError.unsafeOnDisk(path, reason: "it is a folder; list it with list_files")
        case .other: throw ReviewError.unsafeOnDisk(path, reason: "it is not a regular file")
        }
    }

    /// The host's own write: straight into the working tree, atomically (temporary file +
    /// rename), keeping the file's permissions, never through a symbolic link. No review.
    /// - Throws: ``ReviewError`` for binary or oversized content, or an unsafe path on disk.
    public func writeAsHost(_ path: RepoPath, content: [UInt8]) throws {
        try ContentPolicy.check(content, for: path)
        try withLock {
            let existing = try workingTree.entry(at: path)
            switch existing {
            case .symlink: throw ReviewError.unsafeOnDisk(path, reason: "it is a symbolic link; letswork does not write through links")
            case .folder: throw ReviewError.unsafeOnDisk(path, reason: "it is a folder")
            case .other: throw ReviewError.unsafeOnDisk(path, reason: "it is not a regular file")
            case .absent, .file: break
            }
            let executable = if case .file(_, let executable, _) = existing { executable } else { false }
            try workingTree.commit(workingTree.prepare([WorkingTree.Write(path: path, content: content, executable: executable)]))
        }
    }

    /// The repository's folder name, safe to show a guest (never the absolute path).
    public var displayName: String {
        String(root.dropLast().split(separator: "/").last ?? "repository")
    }

    /// The branch HEAD is on (`main`), nil when detached.
    public func currentBranch() throws -> String? {
        try withLock { try repository.headBranch().map { String($0.dropFirst("refs/heads/".count)) } }
    }

    /// Whether `.gitignore` rules exclude `path` (a file or, with a trailing "/", a folder).
    public func isIgnored(_ path: String) throws -> Bool {
        try withLock { try repository.isIgnored(path) }
    }
}
