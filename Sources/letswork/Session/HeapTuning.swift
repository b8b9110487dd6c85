#if canImport(Glibc)
import Glibc
#endif

/// Settles glibc's allocator for a long-running server before it starts.
///
/// Why: a soak (bench/soak.py) showed the heap's live data level off while the process kept
/// growing, by the free memory glibc held: each thread that ran a search or a large listing got
/// its own arena (up to eight per core), and the threshold above which blocks are mapped
/// directly rises after the first large block is freed, so later large blocks (file contents,
/// search results) came from those arenas and left them fragmented. Two arenas and a fixed
/// 256 KiB mapping threshold keep large blocks out of the arenas, so freeing one returns it.
enum HeapTuning {
    static func applyForServer() {
        #if canImport(Glibc)
        // mallopt is in malloc.h, which Swift's Glibc module does not import; RTLD_DEFAULT is a
        // null handle in glibc.
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
        let arenaMaximum: Int32 = -8, mappingThreshold: Int32 = -3  // M_ARENA_MAX, M_MMAP_THRESHOLD
        _ = mallopt(arenaMaximum, 2)
        _ = mallopt(mappingThreshold, 256 * 1024)
        #endif
    }
}
