/*
 * buf.c - the growable byte buffer (see include/safer/buf.h).
 */
#include "util/compat.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/internal.h"
#include "safer/buf.h"

static char empty[1];

void safer_buf_init(struct safer_buf *b, size_t max)
{
    b->ptr = empty;
    b->len = 0;
    b->cap = 0;
    b->max = max;
    b->err = 0;
}

void safer_buf_release(struct safer_buf *b)
{
    if (b->cap)
        free(b->ptr);
    safer_buf_init(b, b->max);
}

void safer_buf_reset(struct safer_buf *b)
{
    b->len = 0;
    b->err = 0;
    if (b->cap)
        b->ptr[0] = '\0';
}

int safer_buf_grow(struct safer_buf *b, size_t n)
{
    size_t need;
    if (!safer__size_add(b->len, n, &need) || need > b->max)
        return SAFER_ETOOBIG;
    if (!safer__size_add(need, 1, &need))
        return SAFER_ETOOBIG;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) {
        if (!safer__size_mul(cap, 2, &cap))
            return SAFER_ETOOBIG;
    }
    if (b->cap) {
        b->ptr = safer__xrealloc(b->ptr, cap);
    } else {
        b->ptr = safer__xmalloc(cap);
        b->ptr[0] = '\0';
    }
    b->cap = cap;
    return 0;
}

int safer_buf_add(struct safer_buf *b, const void *p, size_t n)
{
    int rc = safer_buf_grow(b, n);
    if (rc < 0)
        return rc;
    if (n)
        memcpy(b->ptr + b->len, p, n);
    b->len += n;
    b->ptr[b->len] = '\0';
    return 0;
}

int safer_buf_adds(struct safer_buf *b, const char *s) { return safer_buf_add(b, s, strlen(s)); }

int safer_buf_addc(struct safer_buf *b, char c) { return safer_buf_add(b, &c, 1); }

int safer_buf_vaddf(struct safer_buf *b, const char *fmt, va_list ap)
{
    char small[256];
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(small, sizeof(small), fmt, cp);
    va_end(cp);
    if (n < 0)
        return SAFER_EINVAL;
    if ((size_t)n < sizeof(small))
        return safer_buf_add(b, small, (size_t)n);
    int rc = safer_buf_grow(b, (size_t)n);
    if (rc < 0)
        return rc;
    vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int safer_buf_addf(struct safer_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = safer_buf_vaddf(b, fmt, ap);
    va_end(ap);
    return rc;
}

void safer_buf_put(struct safer_buf *b, const void *p, size_t n)
{
    if (b->err)
        return;
    int rc = safer_buf_add(b, p, n);
    if (rc < 0)
        b->err = rc;
}

void safer_buf_puts(struct safer_buf *b, const char *s) { safer_buf_put(b, s, strlen(s)); }

void safer_buf_putf(struct safer_buf *b, const char *fmt, ...)
{
    if (b->err)
        return;
    va_list ap;
    va_start(ap, fmt);
    int rc = safer_buf_vaddf(b, fmt, ap);
    va_end(ap);
    if (rc < 0)
        b->err = rc;
}

char *safer_buf_detach(struct safer_buf *b, size_t *len)
{
    char *p = b->cap ? b->ptr : safer__xstrdup("");
    if (len)
        *len = b->len;
    safer_buf_init(b, b->max);
    return p;
}
