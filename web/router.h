/*
 * router.h - the one table of routes: method, path pattern, the permission
 * a request needs (auth.h's enum safer_perm), and the handler.
 *
 * Deny by default (AC-01): a route must declare its permission. The field
 * holds WEB_NEED(perm), so a route written without one holds 0 and
 * web_routes_check() refuses the table, and `safer serve` refuses to start
 * (exit 1). The server asks safer_role_may(actor.role, perm) before any
 * handler runs; the library's calls check again inside their transactions.
 *
 * Patterns are literal paths ("/account/sessions"), a literal prefix and
 * one last segment "{name}" ("/public/{code}": one non-empty segment
 * without '/'), or a literal prefix ending in '/' and then "*" (the rest
 * of the path, not empty). Matching is on the decoded path, byte for byte: no
 * folding of case, of "//" or of "/.."; such paths simply match nothing.
 */
#ifndef SAFER_WEB_ROUTER_H
#define SAFER_WEB_ROUTER_H

#include <stddef.h>

#include "safer/auth.h"
#include "web.h"

#define WEB_NEED(perm) ((int)(perm) + 1)

enum web_route_flags {
    WEB_ROUTE_API = 1 << 0,    /* answers JSON, errors too; 401 when not signed in */
    WEB_ROUTE_PUBLIC = 1 << 1, /* the same for everyone (health, assets): no session is
                                  looked up, so it costs no store write */
};

struct web_route {
    const char *method;  /* "GET" or "POST" (a GET route answers HEAD too) */
    const char *pattern;
    int need;            /* WEB_NEED(SAFER_PERM_...); 0: none declared, refused */
    web_handler fn;
    unsigned flags;      /* enum web_route_flags */
};

/* The server's table (routes.c). */
extern const struct web_route web_routes[];
extern const size_t web_nroutes;

/* The permission route `r` declares (after web_routes_check()). */
static inline enum safer_perm web_route_perm(const struct web_route *r)
{
    return (enum safer_perm)(r->need - 1);
}

/*
 * Check a table: every route has a method of GET or POST, a pattern of the
 * forms above starting with '/', a declared permission in range, and a
 * handler, and no two routes have the same method and pattern. 0, or
 * SAFER_EINVAL with the first problem in `err` ("route 'GET /x' declares
 * no permission").
 */
int web_routes_check(const struct web_route *t, size_t n, struct safer_err *err);

/*
 * The route for `method` ("GET", "HEAD", "POST") and decoded `path`:
 * *status 200 with the route (and *arg, *arglen what its {…} or * matched,
 * NULL when it has none); 404 (NULL) when no route has that path; 405
 * (NULL) when some do but not for this method, with `allow` (at least 32
 * bytes) set to the methods that would do ("GET, HEAD").
 */
const struct web_route *web_route_find(const struct web_route *t, size_t n, const char *method,
                                       const char *path, const char **arg, size_t *arglen,
                                       int *status, char *allow, size_t allow_size);

#endif
