/*
 * error.c - the code table and the caller-owned error message.
 */
#include "util/compat.h"

#include <stdarg.h>
#include <stdio.h>

#include "safer/error.h"

const char *safer_strerror(int rc)
{
    switch (rc) {
#define SAFER__ERRNO_MSG(name, val, msg)                                                           \
    case val:                                                                                      \
        return msg;
        SAFER_ERRNO_MAP(SAFER__ERRNO_MSG)
#undef SAFER__ERRNO_MSG
    }
    return "unknown error";
}

const char *safer_errname(int rc)
{
    switch (rc) {
#define SAFER__ERRNO_NAME(name, val, msg)                                                          \
    case val:                                                                                      \
        return #name;
        SAFER_ERRNO_MAP(SAFER__ERRNO_NAME)
#undef SAFER__ERRNO_NAME
    }
    return "UNKNOWN";
}

int safer_err_set(struct safer_err *err, int code, const char *fmt, ...)
{
    if (!err || err->code)
        return code;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return code;
}

void safer_err_clear(struct safer_err *err)
{
    if (!err)
        return;
    err->code = 0;
    err->msg[0] = '\0';
}

const char *safer_err_msg(const struct safer_err *err, int rc)
{
    if (err && err->code && err->msg[0])
        return err->msg;
    return safer_strerror(rc);
}
