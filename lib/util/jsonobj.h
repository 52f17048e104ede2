/*
 * jsonobj.h - a small writer of flat JSON objects, for the audit log's
 * before and after of a change ({"title": "...", "progress": 40}).
 *
 * Keys and strings are escaped as RFC 8259 asks: '"' and '\' with a
 * backslash, control characters as \n, \t... or \u00XX, and bytes that are
 * not UTF-8 as \ufffd, so that whatever a form held, the result is valid
 * JSON. Members appear in the order they are added. Errors are sticky (the
 * buffer's): check once, at safer__jobj_finish().
 */
#ifndef SAFER_UTIL_JSONOBJ_H
#define SAFER_UTIL_JSONOBJ_H

#include <stdint.h>

#include "safer/buf.h"
#include "safer/error.h"

/* The largest object written: a change of every field of an action. */
#define SAFER__JOBJ_MAX (256 * 1024)

struct safer__jobj {
    struct safer_buf b; /* "{" and the members so far */
    size_t n;           /* members */
};

void safer__jobj_init(struct safer__jobj *o);
/* A string member; `v` NULL writes null. */
void safer__jobj_str(struct safer__jobj *o, const char *key, const char *v);
void safer__jobj_int(struct safer__jobj *o, const char *key, int64_t v);
void safer__jobj_null(struct safer__jobj *o, const char *key);
/* Members so far. */
static inline size_t safer__jobj_count(const struct safer__jobj *o) { return o->n; }

/* Close the object: *out is a malloc'd NUL-terminated string the caller
 * frees. SAFER_ETOOBIG past SAFER__JOBJ_MAX. `o` is released either way. */
int safer__jobj_finish(struct safer__jobj *o, char **out, struct safer_err *err);
void safer__jobj_release(struct safer__jobj *o);

/* Append `s` (`n` bytes) as a quoted, escaped JSON string to `b` (sticky):
 * '"', '\\' and control characters escaped, ill-formed UTF-8 as U+FFFD.
 * (safer_json_string() in html.h also escapes what HTML would read.) */
void safer__json_quote(struct safer_buf *b, const char *s, size_t n);

#endif
