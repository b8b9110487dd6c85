#ifndef LETSWORK_CGIT2_SHIM_H
#define LETSWORK_CGIT2_SHIM_H

#include <git2.h>
#include <git2/sys/commit.h>
#include <git2/sys/repository.h>
#include <git2/sys/odb_backend.h>

/// git_libgit2_opts is variadic, which Swift cannot call: one wrapper per option used.
static inline int letswork_set_cache_object_limit(git_object_t type, size_t bytes) {
    return git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, (int)type, bytes);
}

static inline int letswork_set_cache_max_size(ssize_t bytes) {
    return git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, bytes);
}

static inline int letswork_set_strict_hash_verification(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, enabled);
}

static inline int letswork_set_strict_object_creation(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, enabled);
}

/// A backend's write and free are function pointers in its struct: called through these.
static inline int letswork_backend_write(git_odb_backend *backend, const git_oid *id, const void *data,
                                         size_t length, git_object_t type) {
    return backend->write(backend, id, data, length, type);
}

static inline void letswork_backend_free(git_odb_backend *backend) {
    backend->free(backend);
}

#endif
