/*
 * web.h - what the files of web/ share: the server's settings, one request
 * as a handler sees it, and the response a handler fills in.
 *
 * A handler never touches libmicrohttpd: it reads a `struct web_req`
 * (method, decoded path, query and form parameters, the actor of the
 * session, the request's arena and this thread's store handle) and fills a
 * `struct web_resp` (status, body, cookies, a redirect). server.c turns
 * that into the HTTP response and adds the security headers to every one,
 * errors included. Every page scopes what it shows to the actor's
 * partnership (actor.partnership_id), and asks the library for it with the
 * actor: the library decides who may see what, web/ only renders.
 */
#ifndef SAFER_WEB_H
#define SAFER_WEB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "safer/account.h"
#include "safer/arena.h"
#include "safer/buf.h"
#include "safer/error.h"
#include "safer/partnership.h"
#include "safer/plan.h"

#include "request.h"

struct safer_store;
struct web_route;

/* Limits of the HTTP layer (IN-03, LOAD-03). */
#define WEB_LIMIT_HEADERS 8192         /* bytes of all request headers, names and values: 431 */
#define WEB_LIMIT_BODY 65536           /* bytes of a form body: 413 */
#define WEB_LIMIT_PAGE (4u << 20)      /* bytes of one rendered page or API answer */
#define WEB_CONNECTIONS 256            /* connections at once */
#define WEB_CONNECTIONS_PER_IP 128     /* connections at once from one address (no proxy) */
#define WEB_TIMEOUT 30                 /* seconds an idle connection is kept */
#define WEB_CONNECTION_MEMORY 32768    /* bytes libmicrohttpd may use per connection */
#define WEB_THREADS_MAX 64             /* worker threads at most */
#define WEB_SHUTDOWN_WAIT 10           /* seconds requests in flight get to finish on SIGTERM */

/* How `safer serve` runs. */
struct web_config {
    const char *db;                /* the store's target (path or URL) */
    const char *host;              /* an IPv4 address to listen on: "127.0.0.1" */
    unsigned port;                 /* 0: any free port */
    bool behind_proxy;             /* cookies Secure; X-Forwarded-For from loopback */
    const char *clock_offset_file; /* tests: seconds added to time(NULL), read per request */
    unsigned threads;              /* worker threads; 0: one per core */
};

enum web_method { WEB_GET = 1, WEB_HEAD, WEB_POST };

/* One request, as a handler sees it. Everything lives in `arena`. */
struct web_req {
    struct safer_arena *arena;
    struct safer_store *st;        /* this worker thread's store handle */
    const struct web_config *cfg;
    enum web_method method;
    const char *path;              /* percent-decoded, checked UTF-8, no NUL */
    const char *arg;               /* what the route's {…} or * matched, or NULL */
    struct web_params query;
    struct web_params form;        /* POST: the urlencoded body */
    struct safer_actor actor;      /* the session's person, or the public */
    bool signed_in;
    const char *session_token;     /* the cookie's session id, or NULL */
    const char *pre_csrf;          /* the pre-session form token cookie, or NULL */
    int64_t now;                   /* Unix seconds (time(NULL) plus the test offset) */
    struct safer_err err;          /* a handler's library calls report here: the server
                                      logs it with the request's id on a 500 */
    char request_id[13];           /* a correlation id for the log and error pages */
    /* Looked up at most once a request: web_partnership(), web_plan(). */
    bool have_partnership, have_plan;
    struct safer_partnership partnership;
    const struct safer_plan *plan; /* borrowed from the store handle */
};

/*
 * The signed-in person's current partnership, and its plan (NULL when it
 * has none: borrowed from the store handle, which keeps it while the store
 * is unchanged, safer_plan_current). Read once a request; the page's
 * header and its body share them.
 */
int web_partnership(struct web_req *req, const struct safer_partnership **out);
int web_plan(struct web_req *req, const struct safer_plan **out);

/* A cookie to set; value "" with max_age 0 clears it. */
struct web_cookie {
    const char *name, *value;
    long max_age; /* seconds; -1: a session cookie */
};

#define WEB_RESP_COOKIES 4

/* What a handler answers. */
struct web_resp {
    int status;
    const char *content_type;      /* default "text/html; charset=utf-8" */
    struct safer_buf body;         /* capped at WEB_LIMIT_PAGE */
    const unsigned char *static_body; /* instead of body: bytes that outlive the request */
    size_t static_len;
    const char *location;          /* a path, for 303 */
    const char *cache;             /* Cache-Control, or NULL for the default */
    const char *csp;               /* Content-Security-Policy, or NULL for the site's */
    bool private_page;             /* personal: Cache-Control no-store */
    bool clear_site;               /* sign-out: Clear-Site-Data */
    const char *allow;             /* 405: the Allow header */
    const char *attachment;        /* a download: its file name (Content-Disposition) */
    struct web_cookie cookies[WEB_RESP_COOKIES];
    size_t ncookies;
};

/* A handler: 0, or a negative code that server.c answers with an error
 * page (web_error_status() maps it). */
typedef int (*web_handler)(struct web_req *req, struct web_resp *resp);

/* ---- responses (server.c) ---- */

/* Redirect with 303 to `path` (a path on this site, never a full URL). */
void web_redirect(struct web_resp *resp, const char *path);

/* Add a cookie; the name and attributes come from server.c (HttpOnly,
 * SameSite=Strict, Path=/, Secure and __Host- behind a proxy). */
void web_set_cookie(struct web_req *req, struct web_resp *resp, const char *which,
                    const char *value, long max_age);

/* The names of our cookies, as this server sends them. */
const char *web_cookie_name(const struct web_req *req, const char *which);
#define WEB_COOKIE_SESSION "session"
#define WEB_COOKIE_CSRF "csrf"

/* The HTTP status of a library error: SAFER_EDENIED 403, SAFER_ENOTFOUND
 * 404, SAFER_EBUSY 503, SAFER_ECONFLICT 409, SAFER_EINVAL and SAFER_EPARSE
 * 400, SAFER_ETOOBIG 413, anything else 500. */
int web_error_status(int rc);

/* ---- the form token (csrf.c) ---- */

/* The token a form of this request must carry: the session's, or for a
 * visitor not signed in the pre-session token of the csrf cookie (made and
 * set on `resp` when there is none yet). */
const char *web_csrf_token(struct web_req *req, struct web_resp *resp);

/* Does the POST carry the right token (field csrf_token)? */
bool web_csrf_ok(const struct web_req *req);

/* A new random token (SAFER_TOKEN_SIZE bytes with the NUL) in the arena. */
char *web_random_token(struct web_req *req);

/* ---- the clock ---- */

/* time(NULL) plus the offset in cfg->clock_offset_file when there is one. */
int64_t web_now(const struct web_config *cfg);

/* The policy of a document of its own (the assessment report, a pack):
 * inline style and nothing else, no script, no form, no frame. */
#define WEB_DOCUMENT_CSP                                                                       \
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; object-src 'none'; " \
    "base-uri 'none'; frame-ancestors 'none'; form-action 'none'"

/* ---- pages and the API, one file each: the route table (routes.c) names
 * these ---- */

int page_signin_get(struct web_req *req, struct web_resp *resp);
int page_signin_post(struct web_req *req, struct web_resp *resp);
int page_signout_post(struct web_req *req, struct web_resp *resp);
int page_setup_get(struct web_req *req, struct web_resp *resp);
int page_setup_post(struct web_req *req, struct web_resp *resp);
int page_sessions_get(struct web_req *req, struct web_resp *resp);
int page_sessions_end_post(struct web_req *req, struct web_resp *resp);
int page_dashboard_get(struct web_req *req, struct web_resp *resp);
int page_public_get(struct web_req *req, struct web_resp *resp);
int page_public_one_get(struct web_req *req, struct web_resp *resp);
int page_health_get(struct web_req *req, struct web_resp *resp);
int api_priorities_get(struct web_req *req, struct web_resp *resp);
int api_actions_get(struct web_req *req, struct web_resp *resp);
int assets_get(struct web_req *req, struct web_resp *resp);
int page_actions_get(struct web_req *req, struct web_resp *resp);
int page_action_get(struct web_req *req, struct web_resp *resp);
int page_action_update_post(struct web_req *req, struct web_resp *resp);
int page_action_new_get(struct web_req *req, struct web_resp *resp);
int page_action_new_post(struct web_req *req, struct web_resp *resp);
int page_action_edit_get(struct web_req *req, struct web_resp *resp);
int page_action_edit_post(struct web_req *req, struct web_resp *resp);
int page_indicators_get(struct web_req *req, struct web_resp *resp);
int page_indicator_get(struct web_req *req, struct web_resp *resp);
int page_indicator_value_post(struct web_req *req, struct web_resp *resp);
int page_indicator_comment_post(struct web_req *req, struct web_resp *resp);
int page_assessments_get(struct web_req *req, struct web_resp *resp);
int page_assessment_get(struct web_req *req, struct web_resp *resp);
int page_assessment_file_get(struct web_req *req, struct web_resp *resp);
int page_report_get(struct web_req *req, struct web_resp *resp);
int page_groups_get(struct web_req *req, struct web_resp *resp);
/* groups: page_groups.c */
int page_group_get(struct web_req *req, struct web_resp *resp);
int page_group_edit_get(struct web_req *req, struct web_resp *resp);
int page_group_edit_post(struct web_req *req, struct web_resp *resp);
int page_priorities_get(struct web_req *req, struct web_resp *resp);
int page_priority_get(struct web_req *req, struct web_resp *resp);
int page_priority_edit_get(struct web_req *req, struct web_resp *resp);
int page_priority_edit_post(struct web_req *req, struct web_resp *resp);
int page_plan_get(struct web_req *req, struct web_resp *resp);
int page_plan_edit_get(struct web_req *req, struct web_resp *resp);
int page_plan_edit_post(struct web_req *req, struct web_resp *resp);
int api_groups_get(struct web_req *req, struct web_resp *resp);
int page_indicator_new_get(struct web_req *req, struct web_resp *resp);
int page_indicator_new_post(struct web_req *req, struct web_resp *resp);
int page_indicator_edit_get(struct web_req *req, struct web_resp *resp);
int page_indicator_edit_post(struct web_req *req, struct web_resp *resp);
int api_indicators_get(struct web_req *req, struct web_resp *resp);
int api_indicator_get(struct web_req *req, struct web_resp *resp);
/* csvio: the partnership's plan as one JSON document (page_export.c). */
int page_export_partnership_get(struct web_req *req, struct web_resp *resp);
/* Equality and money (page_equality.c, page_funding.c, api_funding.c). */
int page_equality_list_get(struct web_req *req, struct web_resp *resp);
int page_equality_get(struct web_req *req, struct web_resp *resp);
int page_equality_new_get(struct web_req *req, struct web_resp *resp);
int page_equality_new_post(struct web_req *req, struct web_resp *resp);
int page_equality_edit_get(struct web_req *req, struct web_resp *resp);
int page_equality_edit_post(struct web_req *req, struct web_resp *resp);
int page_funding_list_get(struct web_req *req, struct web_resp *resp);
int page_funding_get(struct web_req *req, struct web_resp *resp);
int page_funding_new_get(struct web_req *req, struct web_resp *resp);
int page_funding_new_post(struct web_req *req, struct web_resp *resp);
int page_funding_edit_get(struct web_req *req, struct web_resp *resp);
int page_funding_edit_post(struct web_req *req, struct web_resp *resp);
int api_funding_get(struct web_req *req, struct web_resp *resp);
/* area: accounts */
int page_password_get(struct web_req *req, struct web_resp *resp);
int page_password_post(struct web_req *req, struct web_resp *resp);
int page_partnership_get(struct web_req *req, struct web_resp *resp);
int page_partnership_post(struct web_req *req, struct web_resp *resp);
int page_people_get(struct web_req *req, struct web_resp *resp);
int page_person_new_get(struct web_req *req, struct web_resp *resp);
int page_person_new_post(struct web_req *req, struct web_resp *resp);
int page_person_get(struct web_req *req, struct web_resp *resp);
int page_person_reset_post(struct web_req *req, struct web_resp *resp);
int page_person_disable_post(struct web_req *req, struct web_resp *resp);
int page_person_enable_post(struct web_req *req, struct web_resp *resp);
int page_person_role_post(struct web_req *req, struct web_resp *resp);
int page_person_signout_post(struct web_req *req, struct web_resp *resp);
/* packs (page_pack.c) */
int page_pack_executive_get(struct web_req *req, struct web_resp *resp);
int page_pack_scrutiny_get(struct web_req *req, struct web_resp *resp);
/* projects (page_project.c) */
int page_projects_get(struct web_req *req, struct web_resp *resp);
int page_project_get(struct web_req *req, struct web_resp *resp);
int page_project_new_get(struct web_req *req, struct web_resp *resp);
int page_project_new_post(struct web_req *req, struct web_resp *resp);
int page_project_edit_get(struct web_req *req, struct web_resp *resp);
int page_project_edit_post(struct web_req *req, struct web_resp *resp);
int page_project_response_post(struct web_req *req, struct web_resp *resp);
/* ward profiles and the focus area (page_wards.c) */
int page_wards_get(struct web_req *req, struct web_resp *resp);
int page_ward_get(struct web_req *req, struct web_resp *resp);
/* analysis (page_analysis.c) */
int page_analysis_get(struct web_req *req, struct web_resp *resp);
int page_analysis_nearrepeat_get(struct web_req *req, struct web_resp *resp);
int page_analysis_nearrepeat_csv_get(struct web_req *req, struct web_resp *resp);
int page_analysis_clusters_get(struct web_req *req, struct web_resp *resp);
int page_analysis_clusters_csv_get(struct web_req *req, struct web_resp *resp);
int page_analysis_hotspots_get(struct web_req *req, struct web_resp *resp);
/* residents' surveys: page_surveys.c */
int page_surveys_get(struct web_req *req, struct web_resp *resp);
/* web: surveys */
/* service usage and pop-up sites (page_services.c) */
int page_services_get(struct web_req *req, struct web_resp *resp);
int page_services_popup_get(struct web_req *req, struct web_resp *resp);
/* web: visits */
/* partner agencies' data (page_partner.c) */
int page_partners_get(struct web_req *req, struct web_resp *resp);
int page_partner_get(struct web_req *req, struct web_resp *resp);
int page_partner_csv_get(struct web_req *req, struct web_resp *resp);
int page_pack_datashare_get(struct web_req *req, struct web_resp *resp);
/* web: partner */

/* Tables other pages share: the actions (page_action.c) and the
 * indicators (page_indicator.c), each row linking to its page. */
struct safer_action;
struct safer_indicator;
void web_action_table(struct safer_buf *b, const char *caption, const struct safer_action *list,
                      size_t n);
void web_indicator_table(struct safer_buf *b, const char *caption,
                         const struct safer_indicator *list, size_t n);

#endif
