import CGit2

/// libgit2's cache of parsed objects: one per process, shared by every repository handle.
public enum ObjectCache {
    /// Sets the largest tree libgit2 keeps parsed and the size of the whole cache (libgit2
    /// counts raw object bytes; a parsed tree takes about twice that on the heap). Takes effect
    /// for objects read afterwards; call it once, before the first repository is opened.
    /// - Throws: ``GitError`` when libgit2 refuses a value.
    public static func setLimits(largestTree: Int, total: Int) throws {
        _ = libgit2Initialized
        try git("set the cache limit for trees") { letswork_set_cache_object_limit(GIT_OBJECT_TREE, largestTree) }
        try git("set the object cache's size") { letswork_set_cache_max_size(total) }
    }
}
