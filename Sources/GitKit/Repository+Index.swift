import CGit2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Repository {
    /// What the index stages for `paths` (stage 0; a path it lacks is absent from `blobs`) and
    /// whether it has conflict entries (an unfinished merge), from one reading of the index.
    /// - Throws: ``GitError`` when the index cannot be read.
    public func stagedState(of paths: [String]) throws -> StagedState {
        try withIndex { index in
            var blobs: [String: ObjectID] = [:]
            for path in paths {
                if let entry = git_index_get_bypath(index, path, 0) { blobs[path] = ObjectID(entry.pointee.id) }
            }
            return StagedState(hasConflicts: git_index_has_conflicts(index) == 1, blobs: blobs)
        }
    }

    /// The paths the index tracks (stage 0) that start with `prefix`, in the index's order
    /// (sorted bytewise, as git sorts them).
    /// - Throws: ``GitError`` when the index cannot be read.
    public func trackedPaths(under prefix: String = "") throws -> [String] {
        try withIndex { index in
            trackedPaths(in: index, under: prefix)
        }
    }

    private func trackedPaths(in index: OpaquePointer?, under prefix: String) -> [String] {
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

    /// Stages every file of the working tree that `.gitignore` does not exclude, writes the
    /// index, and returns the tree it describes (for a repository's first commit).
    /// - Throws: ``GitError`` when files cannot be staged.
    public func stageAllFiles() throws -> ObjectID {
        try withAttachedIndex { index in
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

    /// Lends the repository's index, read from its file for this call and freed after it (the
    /// handle itself holds an empty one: see ``installPlaceholderIndex()``).
    private func withIndex<T>(_ body: (OpaquePointer?) throws -> T) throws -> T {
        var index: OpaquePointer?
        try git("read the index") { git_index_open(&index, gitDirectory + "index") }
        defer { git_index_free(index) }
        return try body(index)
    }

    /// Like ``withIndex(_:)``, with the index attached to the handle for the call: libgit2's
    /// calls that read the working tree (adding files) need an index that knows its repository.
    private func withAttachedIndex<T>(_ body: (OpaquePointer?) throws -> T) throws -> T {
        try withIndex { index in
            git_repository_set_index(pointer, index)
            defer { installPlaceholderIndex() }
            return try body(index)
        }
    }
}

/// The index's view of some paths: see ``Repository/stagedState(of:)``.
public struct StagedState: Sendable {
    public let hasConflicts: Bool
    /// Stage-0 blob of each asked-for path the index has.
    public let blobs: [String: ObjectID]
}
