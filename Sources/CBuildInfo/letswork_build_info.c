#include "letswork_build_info.h"

#ifndef LETSWORK_COMMIT
#define LETSWORK_COMMIT "unknown"
#endif

const char *letswork_build_commit(void) {
    return LETSWORK_COMMIT;
}
