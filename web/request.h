/*
 * request.h - reading what a client sent: percent-decoding, urlencoded
 * forms and query strings, cookies, and the Content-Type of a form.
 *
 * Everything is parsed as (pointer, length) from bytes the client chose, and
 * every size has a limit: a malformed request is refused (SAFER_EPARSE,
 * which the server answers 400) rather than half understood. Decoded
 * strings are copied into the request's arena, NUL-terminated, and are
 * valid UTF-8 without NUL bytes.
 */
#ifndef SAFER_WEB_REQUEST_H
#define SAFER_WEB_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "safer/arena.h"

#define WEB_LIMIT_PARAMS 64     /* parameters in one query string or form */
#define WEB_LIMIT_PARAM 16384   /* bytes of one decoded name or value */
#define WEB_LIMIT_PATH 2048     /* bytes of a request's path */

struct web_param {
    const char *name;  /* in the arena */
    const char *value; /* in the arena; "" for "name" or "name=" */
};

struct web_params {
    struct web_param *v; /* in the arena */
    size_t n;
};

/*
 * Percent-decode `n` bytes at `p` into a new string in `arena` (*out, with
 * its length in *outlen, which may be NULL). With `plus_space` (forms and
 * query strings) '+' is a space. SAFER_EPARSE for a '%' not followed by two
 * hex digits, a decoded NUL or control character other than TAB, LF or CR,
 * or bytes that are not UTF-8; SAFER_ETOOBIG past `max` decoded bytes.
 */
int web_decode(struct safer_arena *arena, const char *p, size_t n, bool plus_space, size_t max,
               char **out, size_t *outlen);

/*
 * Parse "a=1&b=two" (a query string or an application/x-www-form-urlencoded
 * body, `n` bytes at `p`) into `out`. Empty pieces ("a=1&&b") are skipped.
 * SAFER_EPARSE as for web_decode(); SAFER_ETOOBIG past WEB_LIMIT_PARAMS
 * parameters or WEB_LIMIT_PARAM bytes in one.
 */
int web_params_parse(struct safer_arena *arena, const char *p, size_t n, struct web_params *out);

/* The value of the first parameter named `name`, or NULL. */
const char *web_param(const struct web_params *ps, const char *name);

/* How many parameters are named `name`. */
size_t web_param_count(const struct web_params *ps, const char *name);

/*
 * The value of cookie `name` in a Cookie header (RFC 6265: "a=1; b=2"),
 * copied into `arena`, or NULL when absent, empty or given more than once
 * (two values for one name are someone's attempt at fixation: neither is
 * believed).
 */
const char *web_cookie_get(struct safer_arena *arena, const char *header, const char *name);

/* Is `ct` (a Content-Type header, or NULL) a urlencoded form, with at most
 * a charset parameter of UTF-8? */
bool web_is_form_type(const char *ct);

/* Is `s` (`n` bytes) well-formed UTF-8 (no overlong forms, surrogates or
 * code points past U+10FFFF)? */
bool web_utf8_valid(const char *s, size_t n);

/* ---- the client's address (the TLS front, docs/deploy.md) ---- */

struct sockaddr;

/* Room for any address web_client_addr() writes, NUL included. */
#define WEB_CLIENT_ADDR_SIZE 64

/*
 * The address a request is logged with, as text into `out`: the peer's
 * (`peer`, AF_INET or AF_INET6; NULL or another family gives "-"). With
 * `behind_proxy` and a peer on loopback (127.0.0.0/8, ::1, or 127.x as an
 * IPv4-mapped IPv6 address: the proxy on the same machine), the last
 * address of `xff` (an X-Forwarded-For header, or NULL), the one the proxy
 * wrote, when it is a valid IPv4 or IPv6 address; anything else in the
 * header, or the header from any other peer, or without `behind_proxy`, is
 * ignored, so that a client cannot choose the address it is logged with.
 */
void web_client_addr(const struct sockaddr *peer, const char *xff, bool behind_proxy,
                     char out[WEB_CLIENT_ADDR_SIZE]);

#endif
