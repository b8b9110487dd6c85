/// A commit read out of the object database.
public struct Commit: Sendable, Equatable {
    public let id: ObjectID
    public let tree: ObjectID
    public let parents: [ObjectID]
    public let author: Signature
    public let committer: Signature
    public let message: String

    /// The first line of the message.
    public var subject: String {
        String(message.prefix { $0 != "\n" })
    }

    /// The values of trailer `key` (`Key: value` lines in the message's last paragraph).
    public func trailer(_ key: String) -> [String] {
        let paragraphs = message.split(separator: "\n\n", omittingEmptySubsequences: true)
        guard let last = paragraphs.last, paragraphs.count > 1 else { return [] }
        let prefix = key + ": "
        return last.split(separator: "\n").compactMap { line in
            line.hasPrefix(prefix) ? String(line.dropFirst(prefix.count)) : nil
        }
    }
}

/// One entry of a tree: a file (blob), a folder (tree) or a submodule (commit).
public struct TreeEntry: Sendable, Equatable {
    public enum Kind: Sendable { case blob, tree, commit }
    public let id: ObjectID
    /// The git file mode: 0o100644, 0o100755, 0o120000 (symbolic link), 0o040000, 0o160000.
    public let mode: UInt32
    public let kind: Kind

    public static let regularMode: UInt32 = 0o100644
    public static let executableMode: UInt32 = 0o100755
    public static let symlinkMode: UInt32 = 0o120000

    public var isExecutable: Bool { mode == Self.executableMode }
    public var isSymlink: Bool { mode == Self.symlinkMode }
}

/// A change to one path of a tree, for ``Repository/updateTree(_:with:)``.
public enum TreeUpdate: Sendable, Equatable {
    /// Put blob `id` at `path` with `mode`, creating folders as needed.
    case upsert(path: String, id: ObjectID, mode: UInt32)
    /// Remove `path`; nothing happens if it is absent.
    case remove(path: String)

    public var path: String {
        switch self {
        case .upsert(let path, _, _), .remove(let path): path
        }
    }
}
