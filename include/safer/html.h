/*
 * html.h - escaping for HTML (and inline SVG) output.
 *
 * Pick the escaper by where the bytes go (cgit's html.c): element content
 * gets safer_html_text(), a quoted attribute value gets safer_html_attr(), a
 * query-string value gets safer_html_urlarg(). Fixed markup goes through
 * safer_html_raw(), which only accepts a string literal, so data can never be
 * written unescaped by accident:
 *
 *     safer_html_raw(b, "<td class=\"num\">");
 *     safer_html_text(b, ward->name);
 *     safer_html_raw(b, "</td>");
 *
 * Every function appends with the sticky safer_buf_put(): the first failure
 * (SAFER_ETOOBIG when the buffer's cap is reached) is kept in the buffer and
 * later appends are ignored, so a whole page is checked once at the end with
 * safer_buf_error().
 *
 * Input is taken as UTF-8. The output is always valid UTF-8 that is also
 * well-formed XML character data, so the same bytes work in HTML, in inline
 * SVG and in a stand-alone .svg file:
 *   - each maximal ill-formed subsequence (WHATWG / Unicode "maximal subpart"
 *     practice: overlong forms, surrogates, code points above U+10FFFF,
 *     truncated sequences, stray continuation bytes) becomes one U+FFFD;
 *   - control characters other than TAB, LF and CR (U+0000-U+001F, U+007F,
 *     U+0080-U+009F) and the noncharacters U+FFFE and U+FFFF become U+FFFD,
 *     since they are parse errors in HTML and illegal in XML;
 *   - & < > " ' become &amp; &lt; &gt; &quot; &#39;.
 * A NULL string is written as nothing.
 */
#ifndef SAFER_HTML_H
#define SAFER_HTML_H

#include <stddef.h>

#include "safer/buf.h"

/*
 * Append fixed markup. `s` must be a string literal: the "" concatenation
 * refuses anything else at compile time.
 */
#define safer_html_raw(b, s) safer_buf_put((b), "" s, sizeof(s) - 1)

/* Append NUL-terminated `s` escaped for element content. */
void safer_html_text(struct safer_buf *b, const char *s);

/*
 * Append the `n` bytes at `p` escaped for element content. `p` need not be
 * NUL-terminated and may contain NUL bytes (each becomes U+FFFD).
 */
void safer_html_textn(struct safer_buf *b, const char *p, size_t n);

/*
 * Append `s` escaped for a quoted attribute value (either quote style). As
 * for text, and TAB, LF and CR also become &#9; &#10; &#13; so that an XML
 * parser's attribute-value normalisation keeps them.
 */
void safer_html_attr(struct safer_buf *b, const char *s);
void safer_html_attrn(struct safer_buf *b, const char *p, size_t n);

/*
 * Append `s` percent-encoded for a query-string value: every byte except
 * A-Z a-z 0-9 - . _ ~ becomes %XX (so a space is %20), after ill-formed
 * UTF-8 has been replaced by U+FFFD. The result is also safe inside an
 * attribute value without further escaping.
 */
void safer_html_urlarg(struct safer_buf *b, const char *s);

/*
 * Append the `n` bytes at `p` as a quoted JSON string that is also safe
 * inside an HTML page or a script: '"', '\\' and control characters
 * escaped (\n, \t... or \u00XX), and '<', '>', '&', U+2028 and U+2029 as
 * \u003c...; ill-formed UTF-8 becomes \ufffd.
 */
void safer_json_string(struct safer_buf *b, const char *p, size_t n);

#endif
