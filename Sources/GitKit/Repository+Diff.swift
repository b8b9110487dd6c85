import CGit2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One file's part of a diff between two trees, with git's unified patch text.
public struct FileDiff: Sendable, Equatable {
    public enum Status: String, Sendable { case added, deleted, modified, renamed, typeChanged = "type changed" }
    public let path: String
    public let oldPath: String
    public let status: Status
    public let additions: Int
    public let deletions: Int
    public let isBinary: Bool
    /// `diff --git` headers, hunk headers and lines, as `git diff` prints them.
    public let patch: String

    public init(path: String, oldPath: String, status: Status, additions: Int, deletions: Int, isBinary: Bool, patch: String) {
        self.path = path
        self.oldPath = oldPath
        self.status = status
        self.additions = additions
        self.deletions = deletions
        self.isBinary = isBinary
        self.patch = patch
    }
}

extension Repository {
    /// The diff from tree `old` (nil: the empty tree) to tree `new`, limited to `paths` when
    /// given (exact paths, no patterns), so the cost follows the change rather than the repository.
    /// Without `patchText` each file's `patch` is empty: its counts alone are computed.
    /// - Throws: ``GitError`` when a tree cannot be read or the diff fails.
    public func diff(from old: ObjectID?, to new: ObjectID, paths: [String]? = nil, patchText: Bool = true) throws -> [FileDiff] {
        let oldTree: OpaquePointer? = try old.flatMap(lookupTree)
        defer { git_tree_free(oldTree) }
        let newTree = try lookupTree(new)
        defer { git_tree_free(newTree) }

        var options = git_diff_options()
        git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION))
        let cPaths = (paths ?? []).map { strdup($0) }
        defer { cPaths.forEach { free($0) } }
        var pathPointers = cPaths
        var handle: OpaquePointer?
        try pathPointers.withUnsafeMutableBufferPointer { buffer in
            if paths != nil {
                options.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH.rawValue
                options.pathspec = git_strarray(strings: buffer.baseAddress, count: buffer.count)
            }
            try git("diff \(old?.short() ?? "empty tree")..\(new.short())") {
                git_diff_tree_to_tree(&handle, pointer, oldTree, newTree, &options)
            }
        }
        defer { git_diff_free(handle) }
        return try (0..<git_diff_num_deltas(handle)).map { index in try fileDiff(handle, index, patchText: patchText) }
    }

    private func lookupTree(_ id: ObjectID) throws -> OpaquePointer? {
        var tree: OpaquePointer?
        var oid = id.raw
        try git("read tree \(id.short())") { git_tree_lookup(&tree, pointer, &oid) }
        return tree
    }

    private func fileDiff(_ diff: OpaquePointer?, _ index: Int, patchText: Bool) throws -> FileDiff {
        var patch: OpaquePointer?
        try git("make patch") { git_patch_from_diff(&patch, diff, index) }
        defer { git_patch_free(patch) }
        var context = 0, additions = 0, deletions = 0
        git_patch_line_stats(&context, &additions, &deletions, patch)
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        if patchText { try git("print patch") { git_patch_to_buf(&buffer, patch) } }
        let delta = git_patch_get_delta(patch)!.pointee
        let status: FileDiff.Status
        switch delta.status {
        case GIT_DELTA_ADDED: status = .added
        case GIT_DELTA_DELETED: status = .deleted
        case GIT_DELTA_RENAMED: status = .renamed
        case GIT_DELTA_TYPECHANGE: status = .typeChanged
        default: status = .modified
        }
        let text = buffer.ptr.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: buffer.size), as: UTF8.self) } ?? ""
        return FileDiff(path: String(cString: delta.new_file.path), oldPath: String(cString: delta.old_file.path),
                        status: status, additions: additions, deletions: deletions,
                        isBinary: delta.flags & GIT_DIFF_FLAG_BINARY.rawValue != 0, patch: text)
    }
}
