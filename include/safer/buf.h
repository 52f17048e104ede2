/*
 * buf.h - a growable, always NUL-terminated byte buffer with a per-use cap.
 *
 * Invariants (git strbuf): after safer_buf_init, `ptr` is never NULL and
 * ptr[len] == '\0'. `max` is the hard limit for this use; growing past it
 * returns SAFER_ETOOBIG and leaves the buffer unchanged. Renderers built on it
 * may record the first error in `err` and carry on, so a long run of appends
 * is checked once at the end with safer_buf_error().
 */
#ifndef SAFER_BUF_H
#define SAFER_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "safer/error.h"

struct safer_buf {
    char *ptr;  /* owned; never NULL after init; always NUL-terminated */
    size_t len; /* bytes used, excluding the NUL */
    size_t cap; /* bytes allocated (0 while ptr is the shared empty string) */
    size_t max; /* hard limit on len for this use */
    int err;    /* first error of a sticky append, 0 if none */
};

void safer_buf_init(struct safer_buf *b, size_t max);
void safer_buf_release(struct safer_buf *b);
void safer_buf_reset(struct safer_buf *b);

/* Make room for `n` more bytes. */
int safer_buf_grow(struct safer_buf *b, size_t n) SAFER_MUST_CHECK;
int safer_buf_add(struct safer_buf *b, const void *p, size_t n) SAFER_MUST_CHECK;
int safer_buf_adds(struct safer_buf *b, const char *s) SAFER_MUST_CHECK;
int safer_buf_addc(struct safer_buf *b, char c) SAFER_MUST_CHECK;
int safer_buf_addf(struct safer_buf *b, const char *fmt, ...) SAFER_PRINTF(2, 3) SAFER_MUST_CHECK;
int safer_buf_vaddf(struct safer_buf *b, const char *fmt, va_list ap) SAFER_PRINTF(2, 0) SAFER_MUST_CHECK;

/*
 * Sticky variants for renderers: they record the first failure in b->err and
 * ignore later appends. Check safer_buf_error() once at the end.
 */
void safer_buf_put(struct safer_buf *b, const void *p, size_t n);
void safer_buf_puts(struct safer_buf *b, const char *s);
void safer_buf_putf(struct safer_buf *b, const char *fmt, ...) SAFER_PRINTF(2, 3);
static inline int safer_buf_error(const struct safer_buf *b) { return b->err; }

/* Hand the bytes to the caller, who frees them with free(); `b` is empty after. */
char *safer_buf_detach(struct safer_buf *b, size_t *len);

#endif
