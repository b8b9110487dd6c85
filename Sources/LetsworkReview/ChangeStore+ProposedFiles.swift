import GitKit

/// A file as a proposer's own pending change has it (what they see of their own work).
public struct ProposedFile: Sendable, Equatable {
    public let path: RepoPath
    public let changeID: String
    public let revision: Int
    /// The proposed bytes; nil when the change deletes the file.
    public let content: [UInt8]?
    public let executable: Bool
    /// The file as the change's base holds it (what the proposer started from: the host's
    /// version when they first touched it); nil when the change creates it. The change's diff
    /// runs from this to `content`.
    public let base: [UInt8]?
}

extension ChangeStore {
    /// The version of `path` in `proposerID`'s own pending change, or nil when none of their
    /// pending changes touches it (then the host's working tree is what they see).
    /// - Throws: ``ReviewError`` when git cannot be read.
    public func proposedFile(_ path: RepoPath, by proposerID: String) throws -> ProposedFile? {
        try withLock {
            guard let record = try ledger.read().state.pending.first(where: { $0.proposer.id == proposerID && $0.paths.contains(path.value) }) else {
                return nil
            }
            let revision = try repository.commit(ObjectID(hex: record.revisions.last!)!)
            let baseTree = try repository.tree(ofCommit: revision.parents[0])
            let base = try repository.entry(at: path.value, inTree: baseTree).flatMap { $0.kind == .blob ? try repository.readBlob($0.id) : nil }
            guard let entry = try repository.entry(at: path.value, inTree: revision.tree), entry.kind == .blob else {
                return ProposedFile(path: path, changeID: record.id, revision: record.revisionNumber, content: nil, executable: false, base: base)
            }
            return ProposedFile(path: path, changeID: record.id, revision: record.revisionNumber,
                                content: try repository.readBlob(entry.id), executable: entry.isExecutable, base: base)
        }
    }

    /// The unified diff of `path` from `old` to `new` (nil: absent), made by the same libgit2
    /// tree diff as a change's diff, so a preview shows exactly what the change will show.
    /// Writes the two blobs and two one-file trees (unreferenced; `git gc` prunes them).
    /// - Throws: ``ReviewError`` when git cannot write or diff them.
    public func previewDiff(of path: RepoPath, from old: [UInt8]?, to new: [UInt8]?, executable: Bool) throws -> FileDiff? {
        try withLock {
            let mode = executable ? TreeEntry.executableMode : TreeEntry.regularMode
            func tree(_ content: [UInt8]?) throws -> ObjectID {
                guard let content else { return try repository.emptyTree() }
                return try repository.updateTree(nil, with: [.upsert(path: path.value, id: try repository.writeBlob(content), mode: mode)])
            }
            return try repository.diff(from: tree(old), to: tree(new), paths: [path.value]).first
        }
    }
}
