/*
 * json.c - the JSON string escaper and helpers of the API (json.h).
 */
#include "util/compat.h"

#include <inttypes.h>
#include <string.h>

#include "json.h"

/* The length of the well-formed UTF-8 sequence at p (at most n bytes), or
 * 0 when it is ill-formed. */
static size_t utf8_len(const unsigned char *p, size_t n, unsigned *cp_out)
{
    unsigned c = p[0], cp;
    size_t len;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    *cp_out = cp;
    return len;
}

void web_json_strn(struct safer_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    safer_buf_put(b, "\"", 1);
    while (p < end) {
        const unsigned char *run = p;
        while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\' && *p != '<' &&
               *p != '>' && *p != '&')
            p++;
        if (p > run)
            safer_buf_put(b, run, (size_t)(p - run));
        if (p == end)
            break;
        unsigned c = *p;
        if (c < 0x80) {
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            if (c == '"' || c == '\\') {
                e[1] = (char)c;
                safer_buf_put(b, e, 2);
            } else if (c == '\n') {
                safer_buf_put(b, "\\n", 2);
            } else if (c == '\t') {
                safer_buf_put(b, "\\t", 2);
            } else if (c == '\r') {
                safer_buf_put(b, "\\r", 2);
            } else {
                safer_buf_put(b, e, 6);
            }
            p++;
            continue;
        }
        unsigned cp = 0;
        size_t len = utf8_len(p, (size_t)(end - p), &cp);
        if (len == 0) {
            safer_buf_put(b, "\\ufffd", 6);
            p++;
        } else if (cp == 0x2028 || cp == 0x2029) {
            safer_buf_put(b, cp == 0x2028 ? "\\u2028" : "\\u2029", 6);
            p += len;
        } else {
            safer_buf_put(b, p, len);
            p += len;
        }
    }
    safer_buf_put(b, "\"", 1);
}

void web_json_str(struct safer_buf *b, const char *s)
{
    if (!s)
        safer_buf_put(b, "null", 4);
    else
        web_json_strn(b, s, strlen(s));
}

void web_json_key(struct safer_buf *b, const char *key)
{
    web_json_str(b, key);
    safer_buf_put(b, ":", 1);
}

void web_json_int(struct safer_buf *b, int64_t v)
{
    safer_buf_putf(b, "%" PRId64, v);
}

void web_json_bool(struct safer_buf *b, bool v)
{
    if (v)
        safer_buf_put(b, "true", 4);
    else
        safer_buf_put(b, "false", 5);
}
