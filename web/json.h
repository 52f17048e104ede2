/*
 * json.h - writing JSON for the read-only API: a string escaper and a few
 * helpers over the sticky safer_buf appends (buf.h), so an answer is
 * checked once at the end with safer_buf_error().
 *
 * Strings are written as UTF-8 JSON strings: '"' and '\\' and the control
 * characters are escaped (\n, \t... or \u00XX), and so are '<', '>', '&',
 * U+2028 and U+2029 (\u003c...), so that the text is also safe inside an
 * HTML page or a script; ill-formed UTF-8 becomes U+FFFD (\ufffd).
 */
#ifndef SAFER_WEB_JSON_H
#define SAFER_WEB_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "safer/buf.h"

/* Append `n` bytes at `s` as a quoted JSON string. */
void web_json_strn(struct safer_buf *b, const char *s, size_t n);
/* The same for a NUL-terminated string; NULL is written as null. */
void web_json_str(struct safer_buf *b, const char *s);
/* "key": as an object's member name (escaped the same way). */
void web_json_key(struct safer_buf *b, const char *key);
/* The same for a name written in the program: `k` must be a string
 * literal of plain characters (the "" concatenation refuses anything
 * else), put as it is. */
#define web_json_name(b, k) safer_buf_put((b), "\"" k "\":", sizeof("\"" k "\":") - 1)
void web_json_int(struct safer_buf *b, int64_t v);
void web_json_bool(struct safer_buf *b, bool v);

#endif
