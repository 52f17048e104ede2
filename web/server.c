/*
 * server.c - the HTTP server (server.h): libmicrohttpd's daemon and its
 * limits, the life of one request (parse, route, session, form token,
 * permission, handler, response), the security headers, the request log,
 * the store handle of each worker thread, and the graceful stop.
 *
 * The order of checks on a request is fixed, so that a bad request costs
 * little and learns nothing:
 *   1. method: anything but GET, HEAD and POST is 405 (TRACE included);
 *   2. the raw path is percent-decoded strictly: malformed is 400;
 *   3. headers over WEB_LIMIT_HEADERS bytes: 431;
 *   4. the route: 404, or 405 with Allow;
 *   5. POST: a Content-Type other than a urlencoded form is 415, a body
 *      over WEB_LIMIT_BODY 413 (before it is read when Content-Length says
 *      so; a chunked body over the cap closes the connection);
 *   6. the body parsed (400 when malformed), the session found from its
 *      cookie, and for a POST the form token checked: 403 before any
 *      handler sees a field;
 *   7. the route's permission asked of the library (safer_role_may): a
 *      visitor not signed in is sent to /sign-in (API: 401), a person
 *      without it gets 403;
 *   8. the handler; its error code becomes the status of web_error_status().
 *
 * libmicrohttpd answers a few malformed requests itself before any of this
 * (a request line it cannot parse, headers over its memory limit): those
 * answers carry its short fixed bodies and none of our headers.
 *
 * Threads: libmicrohttpd's one thread reads and writes every connection
 * and never waits for the store. A request read whole (steps 1-5) is
 * suspended and queued; a pool of workers, one store handle each, takes
 * the queue in order of arrival (steps 6-8) and resumes the connection
 * with its answer, which the connection's thread sends. So a request
 * waits behind the requests that came before it, not behind the ones that
 * happen to share its connection's thread, and a slow one (a sign-in's
 * password hash) holds one worker, not every connection of a thread.
 *
 * State: the server object holds everything (settings, the daemon, the
 * workers and their store handles, the queue, the count of requests in
 * flight); there is no global variable. Signals are taken synchronously
 * with sigwait().
 */
#include "util/compat.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "page.h"
#include "router.h"
#include "safer/auth.h"
#include "safer/lib.h"
#include "safer/store.h"
#include "server.h"

#define CSP                                                                                    \
    "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; "             \
    "frame-ancestors 'none'; form-action 'self'"

struct store_slot {
    pthread_t thread;
    struct safer_store *st; /* owned; NULL when it could not be opened */
};

struct conn;

struct web_server {
    const struct web_config *cfg; /* borrowed */
    struct MHD_Daemon *daemon;
    unsigned port;
    unsigned threads;   /* workers */
    pthread_mutex_t mu; /* guards slots and nslots */
    struct store_slot slots[WEB_THREADS_MAX + 1];
    size_t nslots;
    atomic_int inflight; /* requests begun and not yet completed */
    sigset_t sigs;       /* SIGTERM, SIGINT */
    /* The requests read whole, oldest first, for the workers. */
    pthread_mutex_t qmu; /* guards the queue and stopping */
    pthread_cond_t qcv;
    struct conn *qhead, *qtail;
    bool stopping; /* the workers finish the queue and end */
    pthread_t workers[WEB_THREADS_MAX];
    unsigned nworkers; /* started */
};

/* One request, from its URI to its completion. */
struct conn {
    struct web_server *srv;
    struct safer_arena arena;
    char *uri;               /* raw, as sent: path and query */
    char method[8];
    struct timespec start;
    int status;              /* what was answered; 0: nothing yet */
    bool begun;              /* the first call of the access handler is done */
    bool body_too_big;
    const struct web_route *route;
    const char *arg;
    struct safer_buf body;   /* POST: the form, up to WEB_LIMIT_BODY */
    struct web_req req;
    char client[WEB_CLIENT_ADDR_SIZE]; /* for the audit log: web_client_addr() */
    /* Handed to a worker: the headers it reads (libmicrohttpd's, which stay
     * while the connection is suspended), the queue's link, and the answer
     * it leaves for the connection's thread to send. */
    struct MHD_Connection *mc;
    const char *cookie, *fetch_site, *origin, *host;
    bool queued;
    struct conn *next;
    struct web_resp out;
    atomic_bool answered;
};

/* ---- store handles: one per worker thread ---- */

static struct safer_store *thread_store(struct web_server *s, struct safer_err *err)
{
    pthread_t self = pthread_self();
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; i < s->nslots; i++) {
        if (pthread_equal(s->slots[i].thread, self) && s->slots[i].st) {
            struct safer_store *st = s->slots[i].st;
            pthread_mutex_unlock(&s->mu);
            return st;
        }
    }
    pthread_mutex_unlock(&s->mu);
    /* Open outside the lock: opening a PostgreSQL connection takes a while. */
    struct safer_store *st = NULL;
    if (safer_store_open_existing(&st, s->cfg->db, err) < 0)
        return NULL;
    pthread_mutex_lock(&s->mu);
    size_t i = 0;
    while (i < s->nslots && !pthread_equal(s->slots[i].thread, self))
        i++;
    if (i == s->nslots && s->nslots < sizeof(s->slots) / sizeof(s->slots[0])) {
        s->slots[i].thread = self;
        s->nslots++;
    } else if (i == s->nslots) {
        /* More threads than the pool was made for: cannot happen, as the
         * daemon runs s->threads workers; refuse rather than share. */
        pthread_mutex_unlock(&s->mu);
        safer_store_close(st);
        safer_err_set(err, SAFER_EBUSY, "no store slot for this thread");
        return NULL;
    }
    s->slots[i].st = st;
    pthread_mutex_unlock(&s->mu);
    return st;
}

/* ---- the clock ---- */

int64_t web_now(const struct web_config *cfg)
{
    int64_t now = (int64_t)time(NULL);
    if (!cfg->clock_offset_file)
        return now;
    FILE *f = fopen(cfg->clock_offset_file, "r");
    if (!f)
        return now;
    char line[32] = "";
    if (fgets(line, sizeof(line), f)) {
        char *end;
        errno = 0;
        long long off = strtoll(line, &end, 10);
        if (errno == 0 && end != line && off > -(1LL << 40) && off < (1LL << 40))
            now += off;
    }
    fclose(f);
    return now;
}

/* ---- responses ---- */

void web_redirect(struct web_resp *resp, const char *path)
{
    resp->status = 303;
    resp->location = path;
}

const char *web_cookie_name(const struct web_req *req, const char *which)
{
    /* Behind the TLS proxy the cookies are Secure, and so may carry the
     * __Host- prefix (the browser then refuses them from elsewhere). */
    bool session = strcmp(which, WEB_COOKIE_SESSION) == 0;
    if (req->cfg->behind_proxy)
        return session ? "__Host-safer-session" : "__Host-safer-csrf";
    return session ? "safer-session" : "safer-csrf";
}

void web_set_cookie(struct web_req *req, struct web_resp *resp, const char *which,
                    const char *value, long max_age)
{
    if (resp->ncookies >= WEB_RESP_COOKIES)
        return;
    resp->cookies[resp->ncookies].name = web_cookie_name(req, which);
    resp->cookies[resp->ncookies].value = value;
    resp->cookies[resp->ncookies].max_age = max_age;
    resp->ncookies++;
}

int web_error_status(int rc)
{
    switch (rc) {
    case SAFER_EDENIED:
        return 403;
    case SAFER_ENOTFOUND:
        return 404;
    case SAFER_EBUSY:
        return 503;
    case SAFER_ECONFLICT:
        return 409;
    case SAFER_EINVAL:
    case SAFER_EPARSE:
        return 400;
    case SAFER_ETOOBIG:
        return 413;
    default:
        return 500;
    }
}

static void add_headers(struct conn *c, struct MHD_Response *r, const struct web_resp *resp)
{
    MHD_add_response_header(r, "Content-Security-Policy", resp->csp ? resp->csp : CSP);
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
    MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
    if (c->srv->cfg->behind_proxy)
        MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
    MHD_add_response_header(r, "Content-Type",
                            resp->content_type ? resp->content_type : "text/html; charset=utf-8");
    MHD_add_response_header(r, "Cache-Control", resp->cache ? resp->cache : "no-store");
    if (resp->location)
        MHD_add_response_header(r, "Location", resp->location);
    if (resp->allow)
        MHD_add_response_header(r, "Allow", resp->allow);
    if (resp->attachment) {
        /* Names are the handlers' own, plain ASCII: no quoting needed. */
        char cd[160];
        snprintf(cd, sizeof(cd), "attachment; filename=\"%s\"", resp->attachment);
        MHD_add_response_header(r, "Content-Disposition", cd);
    }
    if (resp->clear_site)
        MHD_add_response_header(r, "Clear-Site-Data", "\"cache\", \"cookies\", \"storage\"");
    for (size_t i = 0; i < resp->ncookies; i++) {
        const struct web_cookie *k = &resp->cookies[i];
        char line[256];
        char age[40] = "";
        if (k->max_age >= 0)
            snprintf(age, sizeof(age), "; Max-Age=%ld", k->max_age);
        int n = snprintf(line, sizeof(line), "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s",
                         k->name, k->value, c->srv->cfg->behind_proxy ? "; Secure" : "", age);
        if (n > 0 && (size_t)n < sizeof(line))
            MHD_add_response_header(r, "Set-Cookie", line);
    }
}

/* Send `resp`; it is released. */
static enum MHD_Result send_resp(struct conn *c, struct MHD_Connection *mc, struct web_resp *resp)
{
    struct MHD_Response *r;
    if (resp->static_body) {
        r = MHD_create_response_from_buffer(resp->static_len, (void *)resp->static_body,
                                            MHD_RESPMEM_PERSISTENT);
    } else {
        size_t len = 0;
        char *p = safer_buf_detach(&resp->body, &len);
        r = MHD_create_response_from_buffer(len, p, MHD_RESPMEM_MUST_FREE);
        if (!r)
            free(p);
    }
    safer_buf_release(&resp->body);
    if (!r)
        return MHD_NO;
    add_headers(c, r, resp);
    c->status = resp->status;
    enum MHD_Result ok = MHD_queue_response(mc, (unsigned)resp->status, r);
    MHD_destroy_response(r);
    return ok;
}

static void resp_init(struct web_resp *resp)
{
    memset(resp, 0, sizeof(*resp));
    resp->status = 200;
    safer_buf_init(&resp->body, WEB_LIMIT_PAGE);
}

static bool is_api(const struct conn *c)
{
    if (c->route)
        return (c->route->flags & WEB_ROUTE_API) != 0;
    return c->req.path && strncmp(c->req.path, "/api/", 5) == 0;
}

/* An error answer: a JSON object for the API, else the error page. */
static void error_resp(struct conn *c, struct web_resp *resp, int status, const char *allow)
{
    resp_init(resp);
    if (is_api(c)) {
        resp->status = status;
        resp->content_type = "application/json";
        safer_buf_putf(&resp->body, "{\"error\":%d}\n", status);
    } else {
        web_error_page(&c->req, resp, status);
        if (safer_buf_error(&resp->body)) {
            safer_buf_reset(&resp->body);
            resp->body.err = 0;
            resp->content_type = "text/plain; charset=utf-8";
            safer_buf_putf(&resp->body, "error %d\n", status);
        }
    }
    resp->status = status;
    resp->allow = allow;
}

static enum MHD_Result send_error(struct conn *c, struct MHD_Connection *mc, int status,
                                  const char *allow)
{
    struct web_resp resp;
    error_resp(c, &resp, status, allow);
    return send_resp(c, mc, &resp);
}

/* ---- the request log ---- */

static void log_request(struct conn *c)
{
    struct timespec end;
    clock_gettime(CLOCK_MONOTONIC, &end);
    long ms = (long)((end.tv_sec - c->start.tv_sec) * 1000 +
                     (end.tv_nsec - c->start.tv_nsec) / 1000000);
    /* The path as sent, without its query (which may hold a set-up token),
     * cut at 200 bytes, anything but printable ASCII written %XX so that a
     * request cannot forge a log line. */
    char path[256];
    size_t n = 0;
    for (const char *p = c->uri ? c->uri : "-"; *p && *p != '?' && n < 200; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch > 0x20 && ch < 0x7f) {
            path[n++] = (char)ch;
        } else {
            snprintf(path + n, sizeof(path) - n, "%%%02X", ch);
            n += 3;
        }
    }
    path[n] = '\0';
    char at[32] = "-";
    time_t t = time(NULL);
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm);
    char status[8] = "-";
    if (c->status)
        snprintf(status, sizeof(status), "%d", c->status);
    fprintf(stderr, "%s %s %s %s %ldms\n", at, c->method[0] ? c->method : "-", path, status, ms);
}

/* The client's address for the audit log: the peer's, and behind the
 * proxy the one it forwards (web_client_addr() decides whom to believe). */
static void client_addr(struct conn *c, struct MHD_Connection *mc, const char *xff)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    web_client_addr(ci ? ci->client_addr : NULL, xff, c->srv->cfg->behind_proxy, c->client);
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *mc)
{
    struct web_server *s = cls;
    struct conn *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->srv = s;
    safer_arena_init(&c->arena);
    c->uri = safer_arena_strdup(&c->arena, uri ? uri : "");
    client_addr(c, mc, NULL); /* the headers are read later (begin()) */
    clock_gettime(CLOCK_MONOTONIC, &c->start);
    safer_buf_init(&c->body, WEB_LIMIT_BODY);
    atomic_fetch_add(&s->inflight, 1);
    return c;
}

static void on_completed(void *cls, struct MHD_Connection *mc, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)mc;
    (void)toe;
    struct web_server *s = cls;
    struct conn *c = *con_cls;
    if (!c)
        return;
    log_request(c);
    safer_buf_release(&c->body);
    safer_buf_release(&c->out.body); /* a worker's answer never sent */
    safer_arena_release(&c->arena);
    free(c);
    *con_cls = NULL;
    atomic_fetch_sub(&s->inflight, 1);
}

/* ---- reading the request ---- */

struct header_sum {
    size_t bytes;
};

static enum MHD_Result sum_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                  size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    (void)key;
    (void)value;
    struct header_sum *h = cls;
    h->bytes += key_size + value_size + 4;
    return MHD_YES;
}

static void make_request_id(struct conn *c)
{
    char t[SAFER_TOKEN_SIZE];
    safer_token_new(t);
    memcpy(c->req.request_id, t, sizeof(c->req.request_id) - 1);
    c->req.request_id[sizeof(c->req.request_id) - 1] = '\0';
}

/* Decode the raw URI into req.path and req.query: SAFER_EPARSE (400) or
 * SAFER_ETOOBIG (414, answered 400 here) when it is not a clean path. */
static int parse_uri(struct conn *c)
{
    const char *uri = c->uri, *q = strchr(uri, '?');
    size_t plen = q ? (size_t)(q - uri) : strlen(uri);
    if (plen == 0 || uri[0] != '/' || plen > WEB_LIMIT_PATH)
        return SAFER_EPARSE;
    char *path;
    size_t len;
    int rc = web_decode(&c->arena, uri, plen, false, WEB_LIMIT_PATH, &path, &len);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)path[i] < 0x20)
            return SAFER_EPARSE;
    }
    c->req.path = path;
    if (q)
        rc = web_params_parse(&c->arena, q + 1, strlen(q + 1), &c->req.query);
    return rc;
}

/* The first call: everything that can be decided from the headers. 0 to go
 * on, or an error status to answer. */
static int begin(struct conn *c, struct MHD_Connection *mc, const char *method, char *allow,
                 size_t allow_size)
{
    /* The method goes into the log: only a short upper-case word does. */
    size_t mlen = strspn(method, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
    snprintf(c->method, sizeof(c->method), "%s",
             method[mlen] == '\0' && mlen && mlen < sizeof(c->method) ? method : "OTHER");
    client_addr(c, mc, MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "X-Forwarded-For"));
    c->req.arena = &c->arena;
    c->req.cfg = c->srv->cfg;
    c->req.path = "/"; /* for an error page drawn before the path is read */
    make_request_id(c);
    safer_actor_public(&c->req.actor, 0);
    if (strcmp(method, "GET") == 0)
        c->req.method = WEB_GET;
    else if (strcmp(method, "HEAD") == 0)
        c->req.method = WEB_HEAD;
    else if (strcmp(method, "POST") == 0)
        c->req.method = WEB_POST;
    else
        return 405;
    int rc = parse_uri(c);
    if (rc < 0)
        return 400;
    struct header_sum h = {0};
    MHD_get_connection_values_n(mc, MHD_HEADER_KIND, sum_header, &h);
    if (h.bytes > WEB_LIMIT_HEADERS)
        return 431;
    int status = 0;
    const char *arg;
    size_t arglen;
    c->route = web_route_find(web_routes, web_nroutes, method, c->req.path, &arg, &arglen,
                              &status, allow, allow_size);
    if (!c->route)
        return status;
    if (arg)
        c->req.arg = safer_arena_strndup(&c->arena, arg, arglen);
    if (c->req.method == WEB_POST) {
        const char *ct = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Content-Type");
        if (!web_is_form_type(ct))
            return 415;
        const char *cl = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Content-Length");
        if (cl) {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(cl, &end, 10);
            if (errno || end == cl || *end || v > WEB_LIMIT_BODY)
                return 413;
        }
    }
    return 0;
}

/* Is the request a cross-site one (WEB-02)? A browser says so in
 * Sec-Fetch-Site, and when it sends that, it decides. Without it (an older
 * browser), an Origin naming another host than Host says so. "Origin:
 * null" proves nothing either way: browsers send it for every form post
 * from a page with Referrer-Policy: no-referrer, as ours are. The form
 * token and SameSite=Strict cookies stay the defence; this is one more. */
static bool cross_site(const struct conn *c)
{
    const char *sfs = c->fetch_site, *origin = c->origin, *host = c->host;
    if (sfs)
        return strcasecmp(sfs, "same-origin") != 0 && strcasecmp(sfs, "none") != 0;
    if (!origin || strcmp(origin, "null") == 0)
        return false;
    const char *sep = strstr(origin, "://");
    if (!sep || !host)
        return true;
    return strcasecmp(sep + 3, host) != 0;
}

/* The session of the request's cookie, if any: 0 (signed in or not), or an
 * error status when the store cannot say. */
static int find_session(struct conn *c, struct web_resp *resp)
{
    struct web_req *req = &c->req;
    const char *cookie = c->cookie;
    req->pre_csrf = web_cookie_get(&c->arena, cookie, web_cookie_name(req, WEB_COOKIE_CSRF));
    const char *token =
        web_cookie_get(&c->arena, cookie, web_cookie_name(req, WEB_COOKIE_SESSION));
    if (!token)
        return 0;
    struct safer_err err = {0};
    int rc = safer_session_find(req->st, token, req->now, &req->actor, &err);
    if (rc == 0) {
        req->signed_in = true;
        req->session_token = token;
        return 0;
    }
    safer_actor_public(&req->actor, 0);
    if (rc == SAFER_EAUTH) {
        /* Ended, expired or never ours: forget it. */
        web_set_cookie(req, resp, WEB_COOKIE_SESSION, "", 0);
        return 0;
    }
    fprintf(stderr, "request %s: session: %s\n", req->request_id, safer_err_msg(&err, rc));
    return web_error_status(rc);
}

static void answer(struct conn *c);

/* The worker's answer to a request read whole: c->out. */
static void error_out(struct conn *c, int status)
{
    error_resp(c, &c->out, status, NULL);
}

/* A worker's part: the request is whole. */
static void dispatch(struct conn *c)
{
    struct web_req *req = &c->req;
    struct safer_err err = {0};
    req->now = web_now(c->srv->cfg);
    if (c->req.method == WEB_POST) {
        int rc = web_params_parse(&c->arena, c->body.ptr, c->body.len, &req->form);
        if (rc < 0) {
            error_out(c, rc == SAFER_ETOOBIG ? 413 : 400);
            return;
        }
    }
    req->st = thread_store(c->srv, &err);
    if (!req->st) {
        fprintf(stderr, "request %s: store: %s\n", req->request_id,
                safer_err_msg(&err, SAFER_EDB));
        error_out(c, 503);
        return;
    }
    safer_store_set_client(req->st, c->client);
    /* A signed-in GET's reads take one snapshot (and one BEGIN and
     * COMMIT): the session, the access decisions and the page's records.
     * A public route (health, assets, sign-in) reads a row or none. */
    bool scope = req->method != WEB_POST && !(c->route->flags & WEB_ROUTE_PUBLIC);
    if (scope && safer_store_read_begin(req->st, &err) < 0) {
        fprintf(stderr, "request %s: store: %s\n", req->request_id,
                safer_err_msg(&err, SAFER_EDB));
        error_out(c, 503);
        return;
    }
    answer(c);
    if (scope)
        safer_store_read_end(req->st);
}

/* dispatch(), once the request has its store. */
static void answer(struct conn *c)
{
    struct web_req *req = &c->req;
    struct web_resp resp;
    resp_init(&resp);
    if (!(c->route->flags & WEB_ROUTE_PUBLIC)) {
        int status = find_session(c, &resp);
        if (status) {
            safer_buf_release(&resp.body);
            error_out(c, status);
            return;
        }
    }
    if (req->method == WEB_POST && (cross_site(c) || !web_csrf_ok(req))) {
        safer_buf_release(&resp.body);
        error_out(c, 403);
        return;
    }
    if (!safer_actor_may(&req->actor, web_route_perm(c->route))) {
        if (req->signed_in || req->method == WEB_POST || is_api(c)) {
            safer_buf_release(&resp.body);
            error_out(c, req->signed_in || req->method == WEB_POST ? 403 : 401);
        } else {
            web_redirect(&resp, "/sign-in");
            c->out = resp;
        }
        return;
    }
    if (req->signed_in)
        resp.private_page = true;
    int rc = c->route->fn(req, &resp);
    if (rc == SAFER_EAUTH && !is_api(c)) {
        safer_buf_reset(&resp.body);
        web_redirect(&resp, "/sign-in");
        rc = 0;
    }
    if (rc == 0 && safer_buf_error(&resp.body))
        rc = safer_buf_error(&resp.body);
    if (rc < 0) {
        int status = web_error_status(rc);
        if (status == 500)
            fprintf(stderr, "request %s: %s %s: %s\n", req->request_id, c->method,
                    c->route->pattern, safer_err_msg(&req->err, rc));
        struct web_cookie keep[WEB_RESP_COOKIES];
        size_t nkeep = resp.ncookies;
        memcpy(keep, resp.cookies, sizeof(keep));
        safer_buf_release(&resp.body);
        resp_init(&resp);
        if (is_api(c)) {
            resp.content_type = "application/json";
            safer_buf_putf(&resp.body, "{\"error\":%d}\n", status);
        } else {
            web_error_page(req, &resp, status);
        }
        resp.status = status;
        memcpy(resp.cookies, keep, sizeof(keep));
        resp.ncookies = nkeep;
    }
    if (resp.private_page && !resp.cache)
        resp.cache = "no-store";
    c->out = resp;
}

/* ---- the workers ---- */

static void *worker(void *arg)
{
    struct web_server *s = arg;
    pthread_mutex_lock(&s->qmu);
    for (;;) {
        while (!s->qhead && !s->stopping)
            pthread_cond_wait(&s->qcv, &s->qmu);
        struct conn *c = s->qhead;
        if (!c)
            break; /* stopping, and the queue done */
        s->qhead = c->next;
        if (!s->qhead)
            s->qtail = NULL;
        pthread_mutex_unlock(&s->qmu);
        dispatch(c);
        atomic_store_explicit(&c->answered, true, memory_order_release);
        MHD_resume_connection(c->mc);
        pthread_mutex_lock(&s->qmu);
    }
    pthread_mutex_unlock(&s->qmu);
    return NULL;
}

/* Hand a request read whole to the workers: suspended first, so that a
 * worker's resume always finds it so. False when the workers have been
 * told to stop (a request still being read when the stop's wait ran out):
 * it is answered 503 on the spot, not left suspended with no worker. */
static bool enqueue(struct conn *c, struct MHD_Connection *mc)
{
    struct web_server *s = c->srv;
    c->mc = mc;
    c->cookie = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Cookie");
    c->fetch_site = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Sec-Fetch-Site");
    c->origin = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Origin");
    c->host = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Host");
    pthread_mutex_lock(&s->qmu);
    bool open = !s->stopping;
    if (open) {
        c->queued = true;
        MHD_suspend_connection(mc);
        if (s->qtail)
            s->qtail->next = c;
        else
            s->qhead = c;
        s->qtail = c;
        pthread_cond_signal(&s->qcv);
    }
    pthread_mutex_unlock(&s->qmu);
    return open;
}


static enum MHD_Result on_request(void *cls, struct MHD_Connection *mc, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)cls;
    (void)url;
    (void)version;
    struct conn *c = *con_cls;
    if (!c)
        return MHD_NO;
    if (!c->begun) {
        c->begun = true;
        char allow[32] = "";
        int status = begin(c, mc, method, allow, sizeof(allow));
        if (status)
            return send_error(c, mc, status, status == 405 ? (allow[0] ? allow : "GET, HEAD, POST")
                                                           : NULL);
        /* Answer on the next call, when libmicrohttpd has read the whole
         * request (a body, for a POST): a response queued on the first
         * call would cost the connection its keep-alive. */
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (c->body.len + *upload_data_size > WEB_LIMIT_BODY) {
            /* A body longer than it said, or chunked: libmicrohttpd cannot
             * answer in the middle of one, so close the connection rather
             * than read on. */
            return MHD_NO;
        }
        if (safer_buf_add(&c->body, upload_data, *upload_data_size) < 0)
            return MHD_NO;
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (c->status)
        return MHD_YES;
    if (!c->queued)
        return enqueue(c, mc) ? MHD_YES : send_error(c, mc, 503, NULL);
    /* Resumed: the worker's answer. */
    if (!atomic_load_explicit(&c->answered, memory_order_acquire))
        return MHD_YES;
    return send_resp(c, mc, &c->out);
}

/* ---- the daemon ---- */

int web_server_start(struct web_server **out, const struct web_config *cfg,
                     struct safer_err *err)
{
    *out = NULL;
    int rc = web_routes_check(web_routes, web_nroutes, err);
    if (rc < 0)
        return rc;
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)cfg->port);
    if (cfg->port > 65535 || inet_pton(AF_INET, cfg->host, &addr.sin_addr) != 1)
        return safer_err_set(err, SAFER_EINVAL, "cannot listen on '%s:%u': give an IPv4 "
                             "address and a port", cfg->host, cfg->port);
    struct web_server *s = calloc(1, sizeof(*s));
    if (!s)
        return safer_err_set(err, SAFER_ENOMEM, "out of memory");
    s->cfg = cfg;
    /* One worker a core, and on PostgreSQL one more: a worker there
     * spends part of each request waiting for its round trip, and another
     * then has the core. Many more only queue for the cores (wrk on the
     * demo, 2 cores: 3 workers on PostgreSQL, 10-13k dashboards a second;
     * docs/benchmarks.md). */
    bool pg = strncmp(cfg->db, "postgres", 8) == 0;
    s->threads = cfg->threads ? cfg->threads : safer_cores() + (pg ? 1u : 0u);
    if (s->threads > WEB_THREADS_MAX)
        s->threads = WEB_THREADS_MAX;
    if (s->threads < 1)
        s->threads = 1;
    pthread_mutex_init(&s->mu, NULL);
    pthread_mutex_init(&s->qmu, NULL);
    pthread_cond_init(&s->qcv, NULL);
    atomic_init(&s->inflight, 0);
    sigemptyset(&s->sigs);
    sigaddset(&s->sigs, SIGTERM);
    sigaddset(&s->sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &s->sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* The workers block the signals too (they inherit the mask). */
    for (; s->nworkers < s->threads; s->nworkers++) {
        int e = pthread_create(&s->workers[s->nworkers], NULL, worker, s);
        if (e) {
            web_server_free(s);
            return safer_err_set(err, SAFER_EIO, "cannot start a worker: %s", strerror(e));
        }
    }
    s->daemon = MHD_start_daemon(
        MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | MHD_ALLOW_SUSPEND_RESUME, 0, NULL,
        NULL, on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)WEB_CONNECTIONS,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        /* Behind the proxy every connection comes from its address: a limit
         * per address would be a limit on everyone. The proxy limits. */
        (unsigned int)(cfg->behind_proxy ? WEB_CONNECTIONS : WEB_CONNECTIONS_PER_IP),
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)WEB_TIMEOUT,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)WEB_CONNECTION_MEMORY,
        MHD_OPTION_STRICT_FOR_CLIENT, (int)1, MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_END);
    if (!s->daemon) {
        int e = errno;
        web_server_free(s);
        return safer_err_set(err, SAFER_EIO, "cannot listen on '%s:%u': %s", cfg->host,
                             cfg->port, e ? strerror(e) : "libmicrohttpd refused");
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : cfg->port;
    *out = s;
    return 0;
}

unsigned web_server_port(const struct web_server *s)
{
    return s->port;
}

/* The workers finish what is queued and end. */
static void stop_workers(struct web_server *s)
{
    pthread_mutex_lock(&s->qmu);
    s->stopping = true;
    pthread_cond_broadcast(&s->qcv);
    pthread_mutex_unlock(&s->qmu);
    for (unsigned i = 0; i < s->nworkers; i++)
        pthread_join(s->workers[i], NULL);
    s->nworkers = 0;
}

static void stop(struct web_server *s)
{
    if (!s->daemon)
        return;
    /* Stop accepting; let the requests in flight finish, for a while. */
    MHD_socket listen = MHD_quiesce_daemon(s->daemon);
    for (int i = 0; i < WEB_SHUTDOWN_WAIT * 100 && atomic_load(&s->inflight) > 0; i++) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    /* A request still with a worker is waited for: libmicrohttpd may not
     * stop with a connection suspended. */
    stop_workers(s);
    MHD_stop_daemon(s->daemon);
    s->daemon = NULL;
    /* After MHD_quiesce_daemon() the listening socket is ours to close. */
    if (listen != MHD_INVALID_SOCKET)
        close(listen);
}

int web_server_wait(struct web_server *s)
{
    int sig = 0;
    while (sigwait(&s->sigs, &sig) != 0)
        ;
    stop(s);
    return 0;
}

void web_server_free(struct web_server *s)
{
    if (!s)
        return;
    stop(s);
    stop_workers(s);
    for (size_t i = 0; i < s->nslots; i++)
        safer_store_close(s->slots[i].st);
    pthread_mutex_destroy(&s->mu);
    pthread_mutex_destroy(&s->qmu);
    pthread_cond_destroy(&s->qcv);
    free(s);
}
