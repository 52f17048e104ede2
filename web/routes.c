/*
 * routes.c - the server's one table of routes (router.h): every path the
 * server answers, the method, the permission it needs, and its handler.
 * Nothing is served that is not here (AC-09); `safer serve --list-routes`
 * prints it, and tests/http/routes.json must name every row.
 */
#include "util/compat.h"

#include "router.h"

#define PUBLIC WEB_NEED(SAFER_PERM_VIEW_PUBLIC)

const struct web_route web_routes[] = {
    /* Static and health: no session is looked up. */
    {"GET", "/health", PUBLIC, page_health_get, WEB_ROUTE_PUBLIC},
    {"GET", "/assets/*", PUBLIC, assets_get, WEB_ROUTE_PUBLIC},

    /* The public summary. */
    {"GET", "/public", PUBLIC, page_public_get, 0},
    {"GET", "/public/{code}", PUBLIC, page_public_one_get, 0},

    /* Signing in and out, and one's own account. */
    {"GET", "/sign-in", PUBLIC, page_signin_get, 0},
    {"POST", "/sign-in", PUBLIC, page_signin_post, 0},
    {"POST", "/sign-out", WEB_NEED(SAFER_PERM_OWN_ACCOUNT), page_signout_post, 0},
    {"GET", "/account/setup", PUBLIC, page_setup_get, 0},
    {"POST", "/account/setup", PUBLIC, page_setup_post, 0},
    {"GET", "/account/sessions", WEB_NEED(SAFER_PERM_OWN_ACCOUNT), page_sessions_get, 0},
    {"POST", "/account/sessions/end", WEB_NEED(SAFER_PERM_OWN_ACCOUNT), page_sessions_end_post,
     0},

    /* The partnership's workspace. */
    {"GET", "/", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), page_dashboard_get, 0},

    /* The read-only API. */
    {"GET", "/api/priorities", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), api_priorities_get,
     WEB_ROUTE_API},
    {"GET", "/api/actions", WEB_NEED(SAFER_PERM_VIEW_PLAN), api_actions_get, WEB_ROUTE_API},
};

const size_t web_nroutes = sizeof(web_routes) / sizeof(web_routes[0]);
