/*
 * jsonobj.c - flat JSON objects for the audit log (jsonobj.h).
 */
#include "util/compat.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "safer/html.h"
#include "util/jsonobj.h"

/* The length of the UTF-8 sequence at s[0..n), or 0 when it is not one
 * (overlong forms, surrogates and code points past U+10FFFF are not);
 * *cp gets its code point. */
static size_t utf8_len(const unsigned char *s, size_t n, uint32_t *cp_out)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t cp;
    if (c < 0x80) {
        *cp_out = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t k = 1; k < len; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[k] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    *cp_out = cp;
    return len;
}

static void quote(struct safer_buf *b, const char *s, size_t n, bool html)
{
    const unsigned char *p = (const unsigned char *)s;
    safer_buf_put(b, "\"", 1);
    size_t run = 0; /* bytes at p[i - run .. i) that need no escape */
    size_t i = 0;
    while (i < n) {
        unsigned char c = p[i];
        const char *esc = NULL;
        char hex[8];
        size_t len = 1;
        uint32_t cp = c;
        if (c == '"')
            esc = "\\\"";
        else if (c == '\\')
            esc = "\\\\";
        else if (c == '\n')
            esc = "\\n";
        else if (c == '\r')
            esc = "\\r";
        else if (c == '\t')
            esc = "\\t";
        else if (c == '\b')
            esc = "\\b";
        else if (c == '\f')
            esc = "\\f";
        else if (c < 0x20 || (html && (c == '<' || c == '>' || c == '&'))) {
            snprintf(hex, sizeof(hex), "\\u%04x", c);
            esc = hex;
        } else if (c >= 0x80) {
            len = utf8_len(p + i, n - i, &cp);
            if (len == 0) {
                esc = "\\ufffd";
                len = 1;
            } else if (html && (cp == 0x2028 || cp == 0x2029)) {
                esc = cp == 0x2028 ? "\\u2028" : "\\u2029";
            }
        }
        if (esc) {
            safer_buf_put(b, p + i - run, run);
            safer_buf_puts(b, esc);
            run = 0;
        } else {
            run += len;
        }
        i += len;
    }
    safer_buf_put(b, p + i - run, run);
    safer_buf_put(b, "\"", 1);
}

void safer__json_quote(struct safer_buf *b, const char *s, size_t n) { quote(b, s, n, false); }

void safer_json_string(struct safer_buf *b, const char *s, size_t n) { quote(b, s, n, true); }

void safer__jobj_init(struct safer__jobj *o)
{
    safer_buf_init(&o->b, SAFER__JOBJ_MAX);
    safer_buf_put(&o->b, "{", 1);
    o->n = 0;
}

static void key(struct safer__jobj *o, const char *k)
{
    if (o->n++)
        safer_buf_put(&o->b, ", ", 2);
    safer__json_quote(&o->b, k, strlen(k));
    safer_buf_put(&o->b, ": ", 2);
}

void safer__jobj_str(struct safer__jobj *o, const char *k, const char *v)
{
    key(o, k);
    if (v)
        safer__json_quote(&o->b, v, strlen(v));
    else
        safer_buf_puts(&o->b, "null");
}

void safer__jobj_int(struct safer__jobj *o, const char *k, int64_t v)
{
    key(o, k);
    safer_buf_putf(&o->b, "%" PRId64, v);
}

void safer__jobj_null(struct safer__jobj *o, const char *k)
{
    key(o, k);
    safer_buf_puts(&o->b, "null");
}

int safer__jobj_finish(struct safer__jobj *o, char **out, struct safer_err *err)
{
    *out = NULL;
    safer_buf_put(&o->b, "}", 1);
    int rc = safer_buf_error(&o->b);
    if (rc < 0) {
        safer__jobj_release(o);
        return safer_err_set(err, rc, "a change too large to record (limit SAFER__JOBJ_MAX)");
    }
    *out = safer_buf_detach(&o->b, NULL);
    safer__jobj_release(o);
    return 0;
}

void safer__jobj_release(struct safer__jobj *o)
{
    safer_buf_release(&o->b);
    o->n = 0;
}
