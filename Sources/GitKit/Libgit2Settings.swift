import CGit2
import Synchronization

/// libgit2's process-wide settings: one set per process, shared by every repository handle.
/// Which values to use is the composition root's choice (`Tuning` in the `letswork` target);
/// call these once, before the first repository is opened.
public enum Libgit2Settings {
    /// Sets the largest tree libgit2 keeps parsed and the size of the whole object cache
    /// (libgit2 counts raw object bytes; a parsed tree takes about twice that on the heap).
    /// - Throws: ``GitError`` when libgit2 refuses a value.
    public static func setCacheLimits(largestTree: Int, total: Int) throws {
        _ = libgit2Initialized
        try git("set the cache limit for trees") { letswork_set_cache_object_limit(GIT_OBJECT_TREE, largestTree) }
        try git("set the object cache's size") { letswork_set_cache_max_size(total) }
    }

    /// libgit2's two object checks, both on by default:
    /// - `verifyHashes`: hash every object read again and compare it with its id;
    /// - `checkReferences`: before writing a tree or commit, look up every object it names
    ///   (a commit's parents, a tree's entries) and refuse one that does not exist.
    /// - Throws: ``GitError`` when libgit2 refuses a value.
    public static func setObjectChecks(verifyHashes: Bool, checkReferences: Bool) throws {
        _ = libgit2Initialized
        try git("set hash verification") { letswork_set_strict_hash_verification(verifyHashes ? 1 : 0) }
        try git("set the reference check of new objects") { letswork_set_strict_object_creation(checkReferences ? 1 : 0) }
    }

    /// The zlib level (1–9; -1: libgit2's default for loose objects, the fastest) at which
    /// repositories opened after this call write loose objects. Not 0: libgit2's loose backend
    /// takes 0 as "do not deflate" and writes objects git cannot read.
    /// - Throws: ``GitError`` for any other level.
    public static func setLooseObjectCompression(level: Int32) throws {
        guard level == -1 || (1...9).contains(level) else {
            throw GitError(code: -1, category: 0, message: "loose objects take zlib levels 1 to 9 (or -1, libgit2's default), not \(level)", operation: "set the loose objects' compression")
        }
        looseObjectCompression.store(level, ordering: .relaxed)
    }

    static let looseObjectCompression = Atomic<Int32>(-1)
}
