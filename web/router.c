/*
 * router.c - checking the route table and finding a request's route
 * (router.h). Linear matching: the table has a few dozen rows.
 */
#include "util/compat.h"

#include <stdio.h>
#include <string.h>

#include "router.h"

static bool pattern_ok(const char *p)
{
    if (p[0] != '/')
        return false;
    const char *brace = strchr(p, '{'), *star = strchr(p, '*');
    if (brace && star)
        return false;
    if (star)
        return star[1] == '\0' && star[-1] == '/';
    if (brace) {
        const char *close = strchr(brace, '}');
        return brace[-1] == '/' && close && close > brace + 1 && close[1] == '\0' &&
               !memchr(brace + 1, '/', (size_t)(close - brace - 1));
    }
    return !strchr(p, '}');
}

int web_routes_check(const struct web_route *t, size_t n, struct safer_err *err)
{
    for (size_t i = 0; i < n; i++) {
        const struct web_route *r = &t[i];
        const char *m = r->method ? r->method : "?", *p = r->pattern ? r->pattern : "?";
        if (!r->method || (strcmp(r->method, "GET") != 0 && strcmp(r->method, "POST") != 0))
            return safer_err_set(err, SAFER_EINVAL, "route '%s %s' has a method other than GET "
                                 "or POST", m, p);
        if (!r->pattern || !pattern_ok(r->pattern))
            return safer_err_set(err, SAFER_EINVAL, "route '%s %s' has a malformed path pattern",
                                 m, p);
        if (r->need < WEB_NEED(0) || r->need > WEB_NEED(SAFER_PERM_COUNT - 1))
            return safer_err_set(err, SAFER_EINVAL, "route '%s %s' declares no permission", m, p);
        if (!r->fn)
            return safer_err_set(err, SAFER_EINVAL, "route '%s %s' has no handler", m, p);
        for (size_t j = 0; j < i; j++) {
            if (strcmp(t[j].method, m) == 0 && strcmp(t[j].pattern, p) == 0)
                return safer_err_set(err, SAFER_EINVAL, "route '%s %s' is declared twice", m, p);
        }
    }
    return 0;
}

/* Does `path` match `pattern`? *arg, *arglen: what {…} or * matched. */
static bool match(const char *pattern, const char *path, const char **arg, size_t *arglen)
{
    const char *brace = strchr(pattern, '{'), *star = strchr(pattern, '*');
    const char *wild = brace ? brace : star;
    if (!wild) {
        *arg = NULL;
        *arglen = 0;
        return strcmp(pattern, path) == 0;
    }
    size_t prefix = (size_t)(wild - pattern);
    if (strncmp(pattern, path, prefix) != 0)
        return false;
    const char *rest = path + prefix;
    size_t len = strlen(rest);
    if (len == 0 || (brace && strchr(rest, '/')))
        return false;
    *arg = rest;
    *arglen = len;
    return true;
}

const struct web_route *web_route_find(const struct web_route *t, size_t n, const char *method,
                                       const char *path, const char **arg, size_t *arglen,
                                       int *status, char *allow, size_t allow_size)
{
    bool get = false, post = false;
    const char *want = strcmp(method, "HEAD") == 0 ? "GET" : method;
    *arg = NULL;
    *arglen = 0;
    for (size_t i = 0; i < n; i++) {
        const char *a;
        size_t alen;
        if (!match(t[i].pattern, path, &a, &alen))
            continue;
        if (strcmp(t[i].method, want) == 0) {
            *arg = a;
            *arglen = alen;
            *status = 200;
            return &t[i];
        }
        get |= strcmp(t[i].method, "GET") == 0;
        post |= strcmp(t[i].method, "POST") == 0;
    }
    if (!get && !post) {
        *status = 404;
        return NULL;
    }
    *status = 405;
    snprintf(allow, allow_size, "%s%s%s", get ? "GET, HEAD" : "", get && post ? ", " : "",
             post ? "POST" : "");
    return NULL;
}
