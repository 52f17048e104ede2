/*
 * json.c - the JSON string escaper and helpers of the API (json.h).
 */
#include "util/compat.h"

#include <inttypes.h>
#include <string.h>

#include "json.h"
#include "safer/html.h"

void web_json_strn(struct safer_buf *b, const char *s, size_t n) { safer_json_string(b, s, n); }

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
    /* Digits by hand: an API answer writes hundreds of numbers. */
    char t[24];
    size_t i = sizeof(t);
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        t[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        t[--i] = '-';
    safer_buf_put(b, t + i, sizeof(t) - i);
}

void web_json_bool(struct safer_buf *b, bool v)
{
    if (v)
        safer_buf_put(b, "true", 4);
    else
        safer_buf_put(b, "false", 5);
}
