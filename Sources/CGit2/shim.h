#ifndef LETSWORK_CGIT2_SHIM_H
#define LETSWORK_CGIT2_SHIM_H

#include <git2.h>
#include <git2/sys/commit.h>

// git_libgit2_opts is variadic, which Swift cannot call: one typed wrapper per option we use.

/// Whether libgit2 fsyncs objects and refs it writes (off by default; letswork wants durability).
static inline int letswork_git_enable_fsync(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, enabled);
}

/// Whether libgit2 refuses repositories owned by another user (on by default, like git).
static inline int letswork_git_set_owner_validation(int enabled) {
    return git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, enabled);
}

#endif
