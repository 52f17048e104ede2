/*
 * version.c - the version the build gives (CMake's project version).
 */
#include "util/compat.h"

#include "safer/lib.h"

#ifndef SAFER_VERSION
#error "SAFER_VERSION must be set by the build (CMakeLists.txt)"
#endif

const char *safer_version(void) { return SAFER_VERSION; }
