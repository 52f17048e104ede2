/*
 * fuzz_request.c - what the server reads from a client (web/request.c and
 * web/router.c): the bytes as a query string or form, as a path to decode
 * and route, and as a Cookie header. Oracles beyond "no crash": a decoded
 * string is valid UTF-8 without NUL or control bytes but TAB, LF and CR,
 * and is no longer than its input; a form has at most WEB_LIMIT_PARAMS
 * parameters.
 */
#include "util/compat.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The router's table lives in web/routes.c with every page: a small one. */
static int handler(struct web_req *req, struct web_resp *resp)
{
    (void)req;
    (void)resp;
    return 0;
}
const struct web_route web_routes[] = {
    {"GET", "/", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), handler, 0},
    {"GET", "/assets/*", WEB_NEED(SAFER_PERM_VIEW_PUBLIC), handler, 0},
    {"GET", "/public/{code}", WEB_NEED(SAFER_PERM_VIEW_PUBLIC), handler, 0},
    {"POST", "/sign-in", WEB_NEED(SAFER_PERM_VIEW_PUBLIC), handler, 0},
};
const size_t web_nroutes = sizeof(web_routes) / sizeof(web_routes[0]);

static void check_string(const char *s, size_t len, size_t in)
{
    if (len > in || strlen(s) != len || !web_utf8_valid(s, len))
        abort();
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct safer_arena a = SAFER_ARENA_INIT;
    const char *p = (const char *)data;
    struct web_params ps;
    if (web_params_parse(&a, p, size, &ps) == 0) {
        if (ps.n > WEB_LIMIT_PARAMS)
            abort();
        for (size_t i = 0; i < ps.n; i++) {
            check_string(ps.v[i].name, strlen(ps.v[i].name), size);
            check_string(ps.v[i].value, strlen(ps.v[i].value), size);
        }
    }
    char *path;
    size_t len;
    if (web_decode(&a, p, size, false, WEB_LIMIT_PATH, &path, &len) == 0) {
        check_string(path, len, size);
        const char *arg;
        size_t arglen;
        int status;
        char allow[32];
        const struct web_route *r = web_route_find(web_routes, web_nroutes, "GET", path, &arg,
                                                   &arglen, &status, allow, sizeof(allow));
        if ((r != NULL) != (status == 200) || (arg && arglen == 0))
            abort();
    }
    char *header = safer_arena_strndup(&a, p, size);
    const char *v = web_cookie_get(&a, header, "safer-session");
    if (v)
        check_string(v, strlen(v), size);
    safer_arena_release(&a);
    return 0;
}
