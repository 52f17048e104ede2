/*
 * error.h - error codes and the caller-owned error detail.
 *
 * A fallible function returns 0 (or a count >= 0) on success and a negative
 * SAFER_E* code on failure. Detail, when the caller wants it, goes into a
 * struct safer_err the caller owns; it may always be NULL. Messages are
 * lowercase, name the subject in single quotes and put "file:line: " first
 * for input problems.
 */
#ifndef SAFER_ERROR_H
#define SAFER_ERROR_H

#include <stddef.h>

#if defined(__GNUC__)
#define SAFER_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define SAFER_MUST_CHECK __attribute__((warn_unused_result))
#else
#define SAFER_PRINTF(f, a)
#define SAFER_MUST_CHECK
#endif

#define SAFER_ERRNO_MAP(X)                                                     \
    X(ENOMEM, -1, "out of memory")                                             \
    X(EINVAL, -2, "invalid argument")                                          \
    X(EPARSE, -3, "malformed input")                                           \
    X(ETOOBIG, -4, "input exceeds a configured limit")                         \
    X(ENOTFOUND, -5, "no such record")                                         \
    X(EIO, -6, "input/output error")                                           \
    X(EDB, -7, "database error")                                               \
    X(EPROJ, -8, "coordinate transformation error")                           \
    X(EDENIED, -9, "not permitted")                                            \
    X(EAUTH, -10, "sign-in failed")                                            \
    X(ECONFLICT, -11, "changed by someone else meanwhile")                     \
    X(EBUSY, -12, "too busy: try again shortly")

enum safer_errno {
#define SAFER__ERRNO_ENUM(name, val, msg) SAFER_##name = val,
    SAFER_ERRNO_MAP(SAFER__ERRNO_ENUM)
#undef SAFER__ERRNO_ENUM
};

/* A message for the caller: the first failure recorded wins. */
struct safer_err {
    int code;
    char msg[512];
};

/* The fixed message of code `rc` ("unknown error" for anything else). */
const char *safer_strerror(int rc);

/* The symbolic name of code `rc` ("EPARSE"), "UNKNOWN" for anything else. */
const char *safer_errname(int rc);

/*
 * Record `code` and a formatted message in `err` (which may be NULL) unless
 * an earlier message is already there, and return `code`, so that one line
 * reports and returns.
 */
int safer_err_set(struct safer_err *err, int code, const char *fmt, ...) SAFER_PRINTF(3, 4);

/* Forget any recorded message. */
void safer_err_clear(struct safer_err *err);

/* The recorded message, or the fixed message of `rc` when none was recorded. */
const char *safer_err_msg(const struct safer_err *err, int rc);

#endif
