/*
 * compat.h - included first by every file of the library, the CLI and the
 * tests. It fixes the feature-test macros (POSIX 2008 on top of C11) so that
 * every translation unit sees the same declarations.
 */
#ifndef SAFER_COMPAT_H
#define SAFER_COMPAT_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1
#endif

#endif
