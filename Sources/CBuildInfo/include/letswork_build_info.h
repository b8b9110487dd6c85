#ifndef LETSWORK_BUILD_INFO_H
#define LETSWORK_BUILD_INFO_H

/// The git commit this binary was built from, as scripts/install passes it
/// (LETSWORK_COMMIT in the build's environment, read by Package.swift), or "unknown" for a
/// plain `swift build`. A compile-time constant: nothing is generated, committed or run.
const char *letswork_build_commit(void);

#endif
