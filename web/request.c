/*
 * request.c - percent-decoding, urlencoded forms and query strings,
 * cookies and the form Content-Type (request.h). Strict on purpose: a
 * request we would have to guess at is refused with 400.
 */
#include "util/compat.h"

#include <string.h>
#include <strings.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "request.h"
#include "safer/error.h"

bool web_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        unsigned c = *p;
        size_t len;
        unsigned cp;
        if (c < 0x80) {
            p++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            len = 2;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            len = 3;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if ((size_t)(end - p) < len)
            return false;
        for (size_t i = 1; i < len; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        p += len;
    }
    return true;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int web_decode(struct safer_arena *arena, const char *p, size_t n, bool plus_space, size_t max,
               char **out, size_t *outlen)
{
    /* Decoding never lengthens: n bytes of room are enough. Check the cap
     * on the decoded length as it grows. */
    char *d = safer_arena_alloc(arena, n + 1);
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '%') {
            int hi = i + 1 < n ? hexval(p[i + 1]) : -1;
            int lo = i + 2 < n ? hexval(p[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return SAFER_EPARSE;
            c = (unsigned char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_space) {
            c = ' ';
        }
        /* No NUL, and no control character but TAB, LF and CR: nothing we
         * keep or show has a use for one. */
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
            return SAFER_EPARSE;
        if (len >= max)
            return SAFER_ETOOBIG;
        d[len++] = (char)c;
    }
    d[len] = '\0';
    if (!web_utf8_valid(d, len))
        return SAFER_EPARSE;
    *out = d;
    if (outlen)
        *outlen = len;
    return 0;
}

int web_params_parse(struct safer_arena *arena, const char *p, size_t n, struct web_params *out)
{
    out->v = NULL;
    out->n = 0;
    /* Count the pieces first, so that the array is allocated once, and
     * refuse too many before decoding any. */
    size_t pieces = 0;
    for (size_t i = 0, start = 0; i <= n; i++) {
        if (i == n || p[i] == '&') {
            if (i > start)
                pieces++;
            start = i + 1;
        }
    }
    if (pieces > WEB_LIMIT_PARAMS)
        return SAFER_ETOOBIG;
    if (pieces == 0)
        return 0;
    out->v = safer_arena_alloc(arena, pieces * sizeof(*out->v));
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && p[i] != '&')
            continue;
        if (i > start) {
            const char *s = p + start, *eq = memchr(s, '=', i - start);
            size_t nlen = eq ? (size_t)(eq - s) : i - start;
            char *name, *value;
            int rc = web_decode(arena, s, nlen, true, WEB_LIMIT_PARAM, &name, NULL);
            if (rc == 0)
                rc = eq ? web_decode(arena, eq + 1, (size_t)(p + i - eq - 1), true,
                                     WEB_LIMIT_PARAM, &value, NULL)
                        : web_decode(arena, "", 0, true, WEB_LIMIT_PARAM, &value, NULL);
            if (rc < 0) {
                out->n = 0;
                return rc;
            }
            out->v[out->n].name = name;
            out->v[out->n].value = value;
            out->n++;
        }
        start = i + 1;
    }
    return 0;
}

const char *web_param(const struct web_params *ps, const char *name)
{
    for (size_t i = 0; i < ps->n; i++) {
        if (strcmp(ps->v[i].name, name) == 0)
            return ps->v[i].value;
    }
    return NULL;
}

size_t web_param_count(const struct web_params *ps, const char *name)
{
    size_t k = 0;
    for (size_t i = 0; i < ps->n; i++)
        k += strcmp(ps->v[i].name, name) == 0;
    return k;
}

const char *web_cookie_get(struct safer_arena *arena, const char *header, const char *name)
{
    if (!header)
        return NULL;
    size_t nlen = strlen(name);
    const char *found = NULL, *p = header;
    size_t flen = 0;
    while (*p) {
        while (*p == ' ' || *p == ';' || *p == '\t')
            p++;
        const char *end = strchr(p, ';');
        if (!end)
            end = p + strlen(p);
        const char *eq = memchr(p, '=', (size_t)(end - p));
        if (eq && (size_t)(eq - p) == nlen && memcmp(p, name, nlen) == 0) {
            if (found)
                return NULL;
            found = eq + 1;
            flen = (size_t)(end - found);
            while (flen && (found[flen - 1] == ' ' || found[flen - 1] == '\t'))
                flen--;
        }
        p = end;
    }
    if (!found || flen == 0)
        return NULL;
    /* Our cookies hold hex tokens: anything else is not ours. */
    for (size_t i = 0; i < flen; i++) {
        char c = found[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return NULL;
    }
    return safer_arena_strndup(arena, found, flen);
}

bool web_is_form_type(const char *ct)
{
    static const char form[] = "application/x-www-form-urlencoded";
    if (!ct || strncasecmp(ct, form, sizeof(form) - 1) != 0)
        return false;
    const char *p = ct + sizeof(form) - 1;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '\0')
        return true;
    if (*p != ';')
        return false;
    p++;
    while (*p == ' ' || *p == '\t')
        p++;
    return strcasecmp(p, "charset=utf-8") == 0 || strcasecmp(p, "charset=\"utf-8\"") == 0;
}

/* ---- the client's address ---- */

static bool loopback(const struct sockaddr *peer)
{
    if (peer->sa_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)(const void *)peer;
        return (ntohl(a->sin_addr.s_addr) >> 24) == 127;
    }
    const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)(const void *)peer;
    const unsigned char *b = a->sin6_addr.s6_addr;
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (memcmp(b, mapped, 12) == 0)
        return b[12] == 127;
    return IN6_IS_ADDR_LOOPBACK(&a->sin6_addr);
}

/* The last comma-separated entry of `xff`, as the canonical text of a
 * valid address, into out; false when there is none. */
static bool forwarded(const char *xff, char out[WEB_CLIENT_ADDR_SIZE])
{
    const char *end = xff + strlen(xff);
    while (end > xff && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    const char *start = end;
    while (start > xff && start[-1] != ',')
        start--;
    while (start < end && (*start == ' ' || *start == '\t'))
        start++;
    size_t n = (size_t)(end - start);
    if (n == 0 || n >= INET6_ADDRSTRLEN)
        return false;
    char text[INET6_ADDRSTRLEN];
    memcpy(text, start, n);
    text[n] = '\0';
    unsigned char bin[sizeof(struct in6_addr)];
    int family = strchr(text, ':') ? AF_INET6 : AF_INET;
    if (inet_pton(family, text, bin) != 1)
        return false;
    return inet_ntop(family, bin, out, WEB_CLIENT_ADDR_SIZE) != NULL;
}

void web_client_addr(const struct sockaddr *peer, const char *xff, bool behind_proxy,
                     char out[WEB_CLIENT_ADDR_SIZE])
{
    memcpy(out, "-", 2);
    if (!peer || (peer->sa_family != AF_INET && peer->sa_family != AF_INET6))
        return;
    if (behind_proxy && xff && loopback(peer) && forwarded(xff, out))
        return;
    const void *bin = peer->sa_family == AF_INET
                          ? (const void *)&((const struct sockaddr_in *)(const void *)peer)->sin_addr
                          : (const void *)&((const struct sockaddr_in6 *)(const void *)peer)->sin6_addr;
    if (!inet_ntop(peer->sa_family, bin, out, WEB_CLIENT_ADDR_SIZE))
        memcpy(out, "-", 2);
}
