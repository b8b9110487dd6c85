#ifndef LETSWORK_CGIT2_SHIM_H
#define LETSWORK_CGIT2_SHIM_H

#include <git2.h>
#include <git2/sys/commit.h>
#include <git2/sys/repository.h>
#include <git2/sys/odb_backend.h>
#include "loose_writer.h"

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

/// A backend's free is a function pointer in its struct: called through this.
static inline void letswork_backend_free(git_odb_backend *backend) {
    backend->free(backend);
}

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/// libgit2's pack backend behind a gate on its refresh.
///
/// Why: libgit2 refreshes every backend of an object database whenever an object is not found,
/// and a write looks its new object up first, so each new object rescanned `objects/pack/`
/// (six system calls) to learn what a stat of the folder tells: nothing changed. The gate
/// rescans only when the folder's times or inode differ from the last rescan's, or when that
/// rescan was less than two seconds after the folder last changed (file times are coarser than
/// the clock: a pack renamed in the same tick as the rescan would otherwise go unseen).
typedef struct {
    git_odb_backend parent;
    git_odb_backend *packs;
    char *folder;
    int scanned;
    struct stat seen;
    struct timespec scanned_at;
} letswork_pack_gate;

static inline letswork_pack_gate *letswork_gate(git_odb_backend *backend) {
    return (letswork_pack_gate *)backend;
}

static inline int letswork_gate_read(void **out, size_t *size, git_object_t *type, git_odb_backend *b, const git_oid *id) {
    return letswork_gate(b)->packs->read(out, size, type, letswork_gate(b)->packs, id);
}

static inline int letswork_gate_read_prefix(git_oid *full, void **out, size_t *size, git_object_t *type,
                                            git_odb_backend *b, const git_oid *prefix, size_t length) {
    return letswork_gate(b)->packs->read_prefix(full, out, size, type, letswork_gate(b)->packs, prefix, length);
}

static inline int letswork_gate_read_header(size_t *size, git_object_t *type, git_odb_backend *b, const git_oid *id) {
    return letswork_gate(b)->packs->read_header(size, type, letswork_gate(b)->packs, id);
}

static inline int letswork_gate_exists(git_odb_backend *b, const git_oid *id) {
    return letswork_gate(b)->packs->exists(letswork_gate(b)->packs, id);
}

static inline int letswork_gate_exists_prefix(git_oid *full, git_odb_backend *b, const git_oid *prefix, size_t length) {
    return letswork_gate(b)->packs->exists_prefix(full, letswork_gate(b)->packs, prefix, length);
}

static inline int letswork_gate_foreach(git_odb_backend *b, git_odb_foreach_cb callback, void *payload) {
    return letswork_gate(b)->packs->foreach(letswork_gate(b)->packs, callback, payload);
}

static inline int letswork_gate_writepack(git_odb_writepack **out, git_odb_backend *b, git_odb *odb,
                                          git_indexer_progress_cb progress, void *payload) {
    return letswork_gate(b)->packs->writepack(out, letswork_gate(b)->packs, odb, progress, payload);
}

static inline int letswork_gate_writemidx(git_odb_backend *b) {
    return letswork_gate(b)->packs->writemidx(letswork_gate(b)->packs);
}

static inline int letswork_gate_freshen(git_odb_backend *b, const git_oid *id) {
    return letswork_gate(b)->packs->freshen(letswork_gate(b)->packs, id);
}

static inline int letswork_same_time(struct timespec a, struct timespec b) {
    return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

static inline int letswork_gate_refresh(git_odb_backend *b) {
    letswork_pack_gate *gate = letswork_gate(b);
    struct stat now;
    int known = stat(gate->folder, &now) == 0;
    if (known && gate->scanned && now.st_ino == gate->seen.st_ino &&
        letswork_same_time(now.st_mtim, gate->seen.st_mtim) && letswork_same_time(now.st_ctim, gate->seen.st_ctim) &&
        gate->scanned_at.tv_sec - now.st_mtim.tv_sec >= 2) {
        return 0;
    }
    int error = gate->packs->refresh(gate->packs);
    gate->scanned = error == 0 && known;
    if (gate->scanned) {
        gate->seen = now;
        clock_gettime(CLOCK_REALTIME, &gate->scanned_at);
    }
    return error;
}

static inline void letswork_gate_free(git_odb_backend *b) {
    letswork_pack_gate *gate = letswork_gate(b);
    gate->packs->free(gate->packs);
    free(gate->folder);
    free(gate);
}

/// The pack backend of `objects_dir` behind the gate (see letswork_pack_gate).
static inline int letswork_gated_pack_backend(git_odb_backend **out, const char *objects_dir) {
    git_odb_backend *packs = NULL;
    int error = git_odb_backend_pack(&packs, objects_dir);
    if (error < 0) return error;
    letswork_pack_gate *gate = (letswork_pack_gate *)calloc(1, sizeof(letswork_pack_gate));
    size_t length = strlen(objects_dir);
    char *folder = (char *)malloc(length + 6);
    if (gate == NULL || folder == NULL) {
        free(gate);
        free(folder);
        packs->free(packs);
        return -1;
    }
    memcpy(folder, objects_dir, length);
    strcpy(folder + length, length > 0 && objects_dir[length - 1] == '/' ? "pack" : "/pack");
    git_odb_init_backend(&gate->parent, GIT_ODB_BACKEND_VERSION);
    gate->packs = packs;
    gate->folder = folder;
    gate->parent.read = packs->read ? letswork_gate_read : NULL;
    gate->parent.read_prefix = packs->read_prefix ? letswork_gate_read_prefix : NULL;
    gate->parent.read_header = packs->read_header ? letswork_gate_read_header : NULL;
    gate->parent.exists = packs->exists ? letswork_gate_exists : NULL;
    gate->parent.exists_prefix = packs->exists_prefix ? letswork_gate_exists_prefix : NULL;
    gate->parent.refresh = packs->refresh ? letswork_gate_refresh : NULL;
    gate->parent.foreach = packs->foreach ? letswork_gate_foreach : NULL;
    gate->parent.writepack = packs->writepack ? letswork_gate_writepack : NULL;
    gate->parent.writemidx = packs->writemidx ? letswork_gate_writemidx : NULL;
    gate->parent.freshen = packs->freshen ? letswork_gate_freshen : NULL;
    gate->parent.free = letswork_gate_free;
    *out = &gate->parent;
    return 0;
}

/// Tells a wrapped backend which database it belongs to, as git_odb_add_backend tells the wrapper.
static inline void letswork_gate_adopted(git_odb_backend *b) {
    letswork_gate(b)->packs->odb = b->odb;
}

#endif
