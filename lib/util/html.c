/*
 * html.c - escaping for HTML and inline SVG output (see include/safer/html.h).
 *
 * One scanner walks the input as UTF-8 and copies runs of bytes that need no
 * change in a single append, so plain text costs one memcpy. Anything that
 * is not allowed through verbatim is replaced in place: markup characters by
 * entities, ill-formed UTF-8 and control characters by U+FFFD.
 */
#include "util/compat.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "safer/html.h"

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD in UTF-8 */
#define BAD_CP UINT32_MAX

/*
 * Decode one code point of the `n` (>= 1) bytes at `p`. Returns how many
 * bytes it used and sets *cp, or BAD_CP for a maximal ill-formed
 * subsequence (Unicode 15, table 3-7 and "U+FFFD substitution of maximal
 * subparts"), which then counts as one replacement character.
 */
static size_t utf8_next(const unsigned char *p, size_t n, uint32_t *cp)
{
    unsigned c = p[0];
    size_t len;
    unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        else if (c == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90; /* overlong */
        else if (c == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    } else {
        *cp = BAD_CP; /* continuation byte, C0, C1 or F5..FF */
        return 1;
    }

    uint32_t v = c & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        unsigned t = i < n ? p[i] : 0; /* 0 fails the range check: truncated */
        if (i == 1 ? (t < lo || t > hi) : (t < 0x80 || t > 0xBF)) {
            *cp = BAD_CP;
            return i;
        }
        v = (v << 6) | (t & 0x3F);
    }
    *cp = v;
    return len;
}

/* Code points that must not reach HTML or XML output as they are. */
static bool cp_forbidden(uint32_t cp)
{
    if (cp == '\t' || cp == '\n' || cp == '\r')
        return false;
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0xFFFE || cp == 0xFFFF;
}

static void escape(struct safer_buf *b, const char *s, size_t n, bool attr)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t run = 0; /* start of the pending verbatim run */
    size_t i = 0;

    while (i < n) {
        const char *rep = NULL;
        uint32_t cp;
        size_t len;

        if (p[i] >= 0x20 && p[i] < 0x7F) {
            switch (p[i]) {
            case '&': rep = "&amp;"; break;
            case '<': rep = "&lt;"; break;
            case '>': rep = "&gt;"; break;
            case '"': rep = "&quot;"; break;
            case '\'': rep = "&#39;"; break;
            default:
                i++;
                continue;
            }
            len = 1;
        } else {
            len = utf8_next(p + i, n - i, &cp);
            if (cp == BAD_CP || cp_forbidden(cp))
                rep = REPLACEMENT;
            else if (attr && cp == '\t')
                rep = "&#9;";
            else if (attr && cp == '\n')
                rep = "&#10;";
            else if (attr && cp == '\r')
                rep = "&#13;";
            if (!rep) {
                i += len;
                continue;
            }
        }
        safer_buf_put(b, s + run, i - run);
        safer_buf_puts(b, rep);
        i += len;
        run = i;
    }
    safer_buf_put(b, s + run, n - run);
}

void safer_html_textn(struct safer_buf *b, const char *p, size_t n)
{
    if (p)
        escape(b, p, n, false);
}

void safer_html_text(struct safer_buf *b, const char *s)
{
    if (s)
        escape(b, s, strlen(s), false);
}

void safer_html_attrn(struct safer_buf *b, const char *p, size_t n)
{
    if (p)
        escape(b, p, n, true);
}

void safer_html_attr(struct safer_buf *b, const char *s)
{
    if (s)
        escape(b, s, strlen(s), true);
}

void safer_html_urlarg(struct safer_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    if (!s)
        return;
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    size_t i = 0;

    while (i < n) {
        uint32_t cp;
        size_t len = utf8_next(p + i, n - i, &cp);
        if (cp == BAD_CP) {
            safer_buf_puts(b, "%EF%BF%BD");
            i += len;
            continue;
        }
        for (size_t k = 0; k < len; k++) {
            unsigned c = p[i + k];
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '.' || c == '_' || c == '~') {
                char ch = (char)c;
                safer_buf_put(b, &ch, 1);
            } else {
                char enc[3] = {'%', hex[c >> 4], hex[c & 15]};
                safer_buf_put(b, enc, 3);
            }
        }
        i += len;
    }
}
