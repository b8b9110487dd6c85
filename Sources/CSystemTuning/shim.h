#ifndef LETSWORK_CSYSTEMTUNING_SHIM_H
#define LETSWORK_CSYSTEMTUNING_SHIM_H

// The C library's allocator controls, which Swift's Glibc module does not declare (they are in
// malloc.h). glibc has them; other C libraries (macOS, musl) have no such knobs and need none,
// so there the wrappers do nothing and say so by returning 0.
#include <stdlib.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

/// mallopt(M_ARENA_MAX, count): the most arenas glibc makes for threads. 1 when set, else 0.
static inline int letswork_set_malloc_arena_max(int count) {
#if defined(__GLIBC__)
    return mallopt(M_ARENA_MAX, count);
#else
    (void)count;
    return 0;
#endif
}

/// malloc_trim(0): gives memory glibc holds free back to the system. 1 if some was, else 0.
static inline int letswork_malloc_trim(void) {
#if defined(__GLIBC__)
    return malloc_trim(0);
#else
    return 0;
#endif
}

#endif
