import CGit2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Repository {
    /// The blob staged at `path` (stage 0), or nil when the index has no such entry.
    /// - Throws: ``GitError`` when the index cannot be read.
    public func stagedBlob(at path: String) throws -> ObjectID? {
        try withIndex { index in
            guard let entry = git_index_get_bypath(index, path, 0) else { return nil }
            return ObjectID(entry.pointee.id)
        }
    }

    /// The paths the index tracks (stage 0) that start with `prefix`, in the index's order
    /// (sorted bytewise, as git sorts them).
    /// - Throws: ``GitError`` when the index cannot be read.
    public func trackedPaths(under prefix: String = "") throws -> [String] {
        // A copy of the index of its own, freed on return: the repository's index would stay
        // loaded with this handle (about 20 MB at 100,000 files) through a whole working-tree
        // scan, on top of the scan's own memory.
        var index: OpaquePointer?
        try git("read the index") { git_index_open(&index, gitDirectory + "index") }
        defer { git_index_free(index) }
        var paths: [String] = []
        var position = 0
        if !prefix.isEmpty {
            // The index is sorted: start at the first entry at or after the prefix.
            var found = 0
            if git_index_find_prefix(&found, index, prefix) != 0 { return [] }
            position = found
        }
        let count = git_index_entrycount(index)
        while position < count, let entry = git_index_get_byindex(index, position) {
            position += 1
            let path = String(cString: entry.pointee.path)
            guard prefix.isEmpty || path.hasPrefix(prefix) else { break }
            // Bits 12-13 of the flags hold the stage; conflict stages (1-3) are not files.
            guard (Int(entry.pointee.flags) >> 12) & 0x3 == 0 else { continue }
            paths.append(path)
        }
        return paths
    }

    /// Whether the index has conflict entries (an unfinished merge).
    public func indexHasConflicts() throws -> Bool {
        try withIndex { git_index_has_conflicts($0) == 1 }
    }

    /// Stages every file of the working tree that `.gitignore` does not exclude, writes the
    /// index, and returns the tree it describes (for a repository's first commit).
    /// - Throws: ``GitError`` when files cannot be staged.
    public func stageAllFiles() throws -> ObjectID {
        try withIndex { index in
            let star = strdup("*")
            defer { free(star) }
            var patterns: [UnsafeMutablePointer<CChar>?] = [star]
            try patterns.withUnsafeMutableBufferPointer { buffer in
                var spec = git_strarray(strings: buffer.baseAddress, count: 1)
                try git("stage the folder's files") {
                    git_index_add_all(index, &spec, GIT_INDEX_ADD_DEFAULT.rawValue, nil, nil)
                }
            }
            try git("write the index") { git_index_write(index) }
            var oid = git_oid()
            try git("write the index's tree") { git_index_write_tree(&oid, index) }
            return ObjectID(oid)
        }
    }

    /// Sets the index entries of `entries` to the given blobs (nil removes the entry) and writes
    /// the index, leaving every other entry as it was. Stat data is left empty, so git compares
    /// those files by content the next time it looks.
    /// - Throws: ``GitError`` when the index cannot be updated or written.
    public func setIndexEntries(_ entries: [(path: String, blob: ObjectID?, mode: UInt32)]) throws {
        try withIndex { index in
            for item in entries {
                if let blob = item.blob {
                    var entry = git_index_entry()
                    entry.mode = item.mode
                    entry.id = blob.raw
                    try item.path.withCString { cPath in
                        entry.path = cPath
                        try git("stage \(item.path)") { git_index_add(index, &entry) }
                    }
                } else {
                    let status = git_index_remove_bypath(index, item.path)
                    if status < 0 && status != GIT_ENOTFOUND.rawValue {
                        throw GitError.last(status: status, operation: "unstage \(item.path)")
                    }
                }
            }
            try git("write the index") { git_index_write(index) }
        }
    }

    /// Lends the repository's index, re-read from disk if another process changed it.
    private func withIndex<T>(_ body: (OpaquePointer?) throws -> T) throws -> T {
        var index: OpaquePointer?
        try git("open the index") { git_repository_index(&index, pointer) }
        defer { git_index_free(index) }
        try git("read the index") { git_index_read(index, 0) }
        return try body(index)
    }
}
