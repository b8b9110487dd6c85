#ifndef LETSWORK_CGIT2_SHIM_H
#define LETSWORK_CGIT2_SHIM_H

#include <git2.h>
#include <git2/sys/commit.h>

#endif
