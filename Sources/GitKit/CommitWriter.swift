import CGit2

/// Writes commits as loose objects at the level the composition root chose
/// (``Libgit2Settings/setCommitCompression(level:)``, letswork: 1), straight to a loose backend
/// of the repository's object folder.
///
/// Why not libgit2's commit creation: it compresses at level 6 and, before each write, looks
/// the new object up in every pack and rescans `objects/pack/` when it is not found (always,
/// for a commit that is new). The ledger's commits carry the pending queue's state, which grows
/// with the queue and is worth compressing faster; git reads objects of any level alike
/// (docs/architecture.md, "The write path").
final class CommitWriter {
    private let repository: OpaquePointer
    private var backend: UnsafeMutablePointer<git_odb_backend>?

    init(repository: OpaquePointer) {
        self.repository = repository
    }

    deinit {
        if let backend { letswork_backend_free(backend) }
    }

    /// Stores `bytes` (an object's content, without git's header) as an object of `type`.
    func write(_ bytes: [UInt8], as type: git_object_t, operation: String) throws -> ObjectID {
        var oid = git_oid()
        try bytes.withUnsafeBytes { buffer in
            try git(operation) { git_odb_hash(&oid, buffer.baseAddress, buffer.count, type) }
            var odb: OpaquePointer?
            try git(operation) { git_repository_odb(&odb, repository) }
            defer { git_odb_free(odb) }
            // An identical object may exist (the same commit made twice in one second).
            if git_odb_exists_ext(odb, &oid, UInt32(GIT_ODB_LOOKUP_NO_REFRESH.rawValue)) == 1 { return }
            let backend = try self.looseBackend(operation)
            try git(operation) { letswork_backend_write(backend, &oid, buffer.baseAddress, buffer.count, type) }
        }
        return ObjectID(oid)
    }

    private func looseBackend(_ operation: String) throws -> UnsafeMutablePointer<git_odb_backend> {
        if let backend { return backend }
        var folder = git_buf()
        defer { git_buf_dispose(&folder) }
        try git(operation) { git_repository_item_path(&folder, repository, GIT_REPOSITORY_ITEM_OBJECTS) }
        var made: UnsafeMutablePointer<git_odb_backend>?
        try git(operation) { git_odb_backend_loose(&made, folder.ptr, Libgit2Settings.commitCompression.load(ordering: .relaxed), 0, 0, 0) }
        backend = made
        return made!
    }
}
