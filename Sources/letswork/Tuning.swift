import CSystemTuning
import GitKit
import LetsworkTools

/// Every setting of this process that trades memory or a check for speed, in one place, each with the
/// reason for it. The measurements that chose the values are in docs/performance.md ("Tuning").
struct Tuning {
    /// The largest tree libgit2 keeps parsed. libgit2's default (4 KiB) is smaller than a
    /// folder of a hundred files, so every path lookup through such a folder inflated and
    /// parsed it again.
    var largestCachedTree = 1 << 20
    /// libgit2's whole object cache. Every proposal and decision reads trees and commits that
    /// are never needed again (the ledger's, the view's, the records'), and libgit2 evicts at
    /// random, not least-recently-used: a large cache fills with them and a long session's heap
    /// grows with it. This size still holds the hot trees of a 100,000-file HEAD.
    var objectCache = 4 << 20
    /// Whether libgit2 hashes every object it reads again. git itself does not on a normal read
    /// (only `git fsck` does); every operation reads the ledger, the view and HEAD's trees, so
    /// the check was paid many times per proposal for a corruption git would not catch either.
    var verifyObjectHashes = false
    /// Whether libgit2 looks up every object a new tree or commit names before writing it. The
    /// engine names only objects it has just written or read, and the pending view's merge
    /// commit names every pending change: under 100 of them that was 101 lookups per operation,
    /// and it was most of what a deep queue cost.
    var checkObjectReferences = false
    /// The zlib level of the loose objects over 64 KiB that letswork writes (smaller ones are
    /// stored, not deflated: `loose_writer.h` in CGit2 says why): the fastest, as libgit2's loose
    /// backend chooses by default, said here so that no change of that default moves the write
    /// path's cost. A ledger commit carries the pending queue's state, tens of kilobytes under a
    /// deep queue, written on every operation; level 1 compresses it in well under half the
    /// time level 6 takes, and git reads any level alike.
    var looseObjectCompression: Int32 = 1
    /// The most glibc arenas, for a long-running server (nil: glibc's default, eight per core).
    /// Each thread that runs a search or a large listing otherwise gets an arena of its own,
    /// which keeps its free fragments, and the process grows while its live heap does not.
    /// A fixed mapping threshold was tried too and is not set: it made large edits slower.
    var mallocArenas: Int32?
    /// Recursive listings and `find_files` over at least this many files, and every content
    /// search, hand the memory they freed back to the system afterwards (glibc's `malloc_trim`;
    /// nil: never). glibc otherwise keeps what a scan of a large tree freed (about 70 MB at
    /// 100,000 files) and what a search's threads freed in their arenas; `malloc_trim` walks the
    /// whole heap, so smaller scans skip it and glibc reuses their memory.
    var returnMemoryAfterScansOf: Int?

    /// For `letswork start`.
    static let server = Tuning(mallocArenas: 2, returnMemoryAfterScansOf: 20_000)
    /// For the short review commands (pending, approve, …): no allocator setting pays off in
    /// a process that lives for milliseconds.
    static let command = Tuning(mallocArenas: nil, returnMemoryAfterScansOf: nil)

    /// When the tools hand a scan's freed memory back, for the session's ``Collaboration``.
    var memoryReturn: MemoryReturn {
        guard let threshold = returnMemoryAfterScansOf else { return .never }
        return MemoryReturn(largeScan: threshold) { _ = letswork_malloc_trim() }
    }

    /// Applies the settings to this process. Call before the first repository is opened.
    func apply() {
        if let mallocArenas { _ = letswork_set_malloc_arena_max(mallocArenas) }
        // libgit2 refuses only negative sizes and unknown options; these are constants and
        // options of the libgit2 the package is built with.
        try? Libgit2Settings.setCacheLimits(largestTree: largestCachedTree, total: objectCache)
        try? Libgit2Settings.setObjectChecks(verifyHashes: verifyObjectHashes, checkReferences: checkObjectReferences)
        try? Libgit2Settings.setLooseObjectCompression(level: looseObjectCompression)
    }
}
