import CGit2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Repository {
    /// Stores `bytes` as a blob and returns its id.
    /// - Throws: ``GitError`` when the object database cannot be written.
    public func writeBlob(_ bytes: [UInt8]) throws -> ObjectID {
        try writeObject(bytes, as: GIT_OBJECT_BLOB, operation: "write a blob")
    }

    /// Stores `bytes` (an object's content, without git's header) as an object of `type`, in
    /// one write (libgit2's blob creation streams: it opens a temporary file before it knows
    /// whether the object exists).
    func writeObject(_ bytes: [UInt8], as type: git_object_t, operation: String) throws -> ObjectID {
        var oid = git_oid()
        var odb: OpaquePointer?
        try git(operation) { git_repository_odb(&odb, pointer) }
        defer { git_odb_free(odb) }
        _ = try bytes.withUnsafeBytes { buffer in
            try git(operation) { git_odb_write(&oid, odb, buffer.baseAddress, buffer.count, type) }
        }
        return ObjectID(oid)
    }

    /// The bytes of blob `id`.
    /// - Throws: ``GitError`` when the blob does not exist.
    public func readBlob(_ id: ObjectID) throws -> [UInt8] {
        var blob: OpaquePointer?
        var oid = id.raw
        try git("read blob \(id.short())") { git_blob_lookup(&blob, pointer, &oid) }
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let content = git_blob_rawcontent(blob) else { return [] }
        return Array(UnsafeRawBufferPointer(start: content, count: size))
    }

    /// The id of the empty tree (written if needed).
    public func emptyTree() throws -> ObjectID {
        var builder: OpaquePointer?
        try git("create a tree builder") { git_treebuilder_new(&builder, pointer, nil) }
        defer { git_treebuilder_free(builder) }
        var oid = git_oid()
        try git("write the empty tree") { git_treebuilder_write(&oid, builder) }
        return ObjectID(oid)
    }

    /// A tree of the given files, all at its top level (no folders).
    /// - Throws: ``GitError`` when a name is invalid or the tree cannot be written.
    public func makeTree(_ entries: [(name: String, id: ObjectID, mode: UInt32)]) throws -> ObjectID {
        var builder: OpaquePointer?
        try git("create a tree builder") { git_treebuilder_new(&builder, pointer, nil) }
        defer { git_treebuilder_free(builder) }
        for entry in entries {
            var oid = entry.id.raw
            try git("add \(entry.name) to a tree") {
                git_treebuilder_insert(nil, builder, entry.name, &oid, git_filemode_t(rawValue: entry.mode))
            }
        }
        var oid = git_oid()
        try git("write a tree") { git_treebuilder_write(&oid, builder) }
        return ObjectID(oid)
    }

    /// The entry at `path` (slash-separated) inside tree `tree`, or nil when there is none.
    /// - Throws: ``GitError`` when the tree cannot be read.
    public func entry(at path: String, inTree tree: ObjectID) throws -> TreeEntry? {
        var treeHandle: OpaquePointer?
        var oid = tree.raw
        try git("read tree \(tree.short())") { git_tree_lookup(&treeHandle, pointer, &oid) }
        defer { git_tree_free(treeHandle) }
        var entry: OpaquePointer?
        let status = git_tree_entry_bypath(&entry, treeHandle, path)
        if status == GIT_ENOTFOUND.rawValue { return nil }
        if status < 0 { throw GitError.last(status: status, operation: "look up \(path)") }
        defer { git_tree_entry_free(entry) }
        let kind: TreeEntry.Kind
        switch git_tree_entry_type(entry) {
        case GIT_OBJECT_TREE: kind = .tree
        case GIT_OBJECT_COMMIT: kind = .commit
        default: kind = .blob
        }
        return TreeEntry(id: ObjectID(git_tree_entry_id(entry).pointee),
                         mode: git_tree_entry_filemode(entry).rawValue, kind: kind)
    }

    /// Writes a commit object (no reference moves) and returns its id.
    /// - Throws: ``GitError`` when the commit cannot be written.
    public func createCommit(tree: ObjectID, parents: [ObjectID], author: Signature,
                             committer: Signature, message: String) throws -> ObjectID {
        try createCommit(tree: tree, parents: parents, author: author, committer: committer, message: Array(message.utf8))
    }

    /// The same, with the message in bytes as it is to be stored (a ledger commit's message is
    /// its state, tens of kilobytes under a deep queue, made as bytes).
    public func createCommit(tree: ObjectID, parents: [ObjectID], author: Signature,
                             committer: Signature, message: [UInt8]) throws -> ObjectID {
        // libgit2 checks and normalises the signatures as it would for its own commits.
        let (author, committer) = try author.withGitSignature { author in
            try committer.withGitSignature { committer in (Signature(author), Signature(committer)) }
        }
        let signatures = "author \(author.header)\ncommitter \(committer.header)\n\n"
        var bytes: [UInt8] = []
        bytes.reserveCapacity(46 + 48 * parents.count + signatures.utf8.count + message.count)
        bytes.append(contentsOf: "tree ".utf8)
        tree.appendHex(to: &bytes)
        bytes.append(0x0A)
        for parent in parents {
            bytes.append(contentsOf: "parent ".utf8)
            parent.appendHex(to: &bytes)
            bytes.append(0x0A)
        }
        bytes.append(contentsOf: signatures.utf8)
        bytes.append(contentsOf: message)
        return try writeObject(bytes, as: GIT_OBJECT_COMMIT, operation: "write a commit")
    }

    /// The parents of commit `id`, without copying its message out (a ledger commit's is tens of
    /// kilobytes).
    /// - Throws: ``GitError`` when it does not exist or is not a commit.
    public func parents(of id: ObjectID) throws -> [ObjectID] {
        var handle: OpaquePointer?
        var oid = id.raw
        try git("read commit \(id.short())") { git_commit_lookup(&handle, pointer, &oid) }
        defer { git_commit_free(handle) }
        return (0..<git_commit_parentcount(handle)).map { ObjectID(git_commit_parent_id(handle, $0).pointee) }
    }

    /// The tree of commit `id`, without reading its parents, people or message (the pending
    /// view's merge commit names a parent per pending change).
    /// - Throws: ``GitError`` when it does not exist or is not a commit.
    public func tree(ofCommit id: ObjectID) throws -> ObjectID {
        var handle: OpaquePointer?
        var oid = id.raw
        try git("read commit \(id.short())") { git_commit_lookup(&handle, pointer, &oid) }
        defer { git_commit_free(handle) }
        return ObjectID(git_commit_tree_id(handle).pointee)
    }

    /// Reads commit `id`.
    /// - Throws: ``GitError`` when it does not exist or is not a commit.
    public func commit(_ id: ObjectID) throws -> Commit {
        var handle: OpaquePointer?
        var oid = id.raw
        try git("read commit \(id.short())") { git_commit_lookup(&handle, pointer, &oid) }
        defer { git_commit_free(handle) }
        let parents = (0..<git_commit_parentcount(handle)).map { ObjectID(git_commit_parent_id(handle, $0).pointee) }
        return Commit(
            id: id,
            tree: ObjectID(git_commit_tree_id(handle).pointee),
            parents: parents,
            author: Signature(git_commit_author(handle)),
            committer: Signature(git_commit_committer(handle)),
            message: String(cString: git_commit_message(handle))
        )
    }
}
