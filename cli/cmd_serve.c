/*
 * cmd_serve.c - `safer serve`: the partnership workspace over HTTP
 * (web/server.h), until SIGTERM or SIGINT, then exit 0 once the requests
 * in flight have finished.
 */
#include "util/compat.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "router.h"
#include "safer/arena.h"
#include "safer/auth.h"
#include "safer/partnership.h"
#include "safer/store.h"
#include "server.h"

enum { O_LISTEN, O_BEHIND_PROXY, O_THREADS, O_CLOCK_OFFSET_FILE, O_LIST_ROUTES };
static const struct cli_opt opts[] = {
    [O_LISTEN] = {"listen", "HOST:PORT", "the IPv4 address and port to listen on (default\n"
                                         "127.0.0.1:8080; port 0: any free port)"},
    [O_BEHIND_PROXY] = {"behind-proxy", NULL,
                        "a TLS proxy forwards to it: cookies are Secure (__Host-),\n"
                        "HSTS is sent, and connections are not limited per address"},
    [O_THREADS] = {"threads", "N", "worker threads, 1 to 64 (default one per core)"},
    /* Test options, left out of the help. */
    [O_CLOCK_OFFSET_FILE] = {"clock-offset-file", "PATH", NULL},
    [O_LIST_ROUTES] = {"list-routes", NULL, NULL},
    {NULL, NULL, NULL},
};
static const struct cli_spec spec = {
    "usage: safer [--db PATH|URL] serve [--listen HOST:PORT] [--behind-proxy] [--threads N]\n",
    "Serves the partnerships of the store to their people in a web browser,\n"
    "and a read-only JSON API under /api/, until SIGTERM or SIGINT. Put a TLS\n"
    "proxy in front of it for anything but this machine (docs/deploy.md).\n"
    "One line per request goes to standard error.\n",
    opts, 0, 0, 0, NULL};

/* "HOST:PORT" into its parts; -1 when malformed. */
static int parse_listen(const char *s, char *host, size_t hsize, unsigned *port)
{
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s || (size_t)(colon - s) >= hsize)
        return -1;
    char *end;
    errno = 0;
    unsigned long p = strtoul(colon + 1, &end, 10);
    if (errno || end == colon + 1 || *end || p > 65535)
        return -1;
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    *port = (unsigned)p;
    return 0;
}

static int list_routes(void)
{
    struct safer_err err = {0};
    int rc = web_routes_check(web_routes, web_nroutes, &err);
    if (rc < 0)
        return cli_fail(&err, rc);
    for (size_t i = 0; i < web_nroutes; i++)
        printf("%s %s %s\n", web_routes[i].method, web_routes[i].pattern,
               safer_perm_name(web_route_perm(&web_routes[i])));
    return EXIT_OK;
}

int cli_serve(const char *db, const char *listen, bool behind_proxy, unsigned threads,
              const char *clock_file)
{
    char host[64] = "127.0.0.1";
    unsigned port = 8080;
    if (listen && parse_listen(listen, host, sizeof(host), &port) < 0)
        return cli_usage_error(&spec, "--listen needs HOST:PORT, e.g. 127.0.0.1:8080");
    struct safer_err err = {0};
    int rc = safer_auth_init(&err);
    if (rc < 0)
        return cli_fail(&err, rc);
    /* Open the store once here, so that a wrong --db fails now, and count
     * its partnerships for the banner; the workers open their own. */
    struct safer_store *st;
    rc = safer_store_open_existing(&st, db, &err);
    if (rc < 0)
        return cli_fail(&err, rc);
    struct safer_arena arena = SAFER_ARENA_INIT;
    struct safer_partnership *ps;
    size_t n = 0;
    rc = safer_partnership_list(st, &arena, &ps, &n, &err);
    safer_arena_release(&arena);
    safer_store_close(st);
    if (rc < 0)
        return cli_fail(&err, rc);
    struct web_config cfg = {
        .db = db,
        .host = host,
        .port = port,
        .behind_proxy = behind_proxy,
        .threads = threads,
        .clock_offset_file = clock_file,
    };
    struct web_server *srv;
    rc = web_server_start(&srv, &cfg, &err);
    if (rc < 0)
        return cli_fail(&err, rc);
    printf("serving %zu partnership(s) at http://%s:%u/\n", n, host, web_server_port(srv));
    fflush(stdout);
    web_server_wait(srv);
    web_server_free(srv);
    fprintf(stderr, "stopped\n");
    return EXIT_OK;
}

int cmd_serve(int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(&spec, argc, argv, &args);
    if (status >= 0)
        return status;
    if (args.val[O_LIST_ROUTES])
        return list_routes();
    unsigned threads = 0;
    if (args.val[O_THREADS]) {
        char *end;
        errno = 0;
        unsigned long t = strtoul(args.val[O_THREADS], &end, 10);
        if (errno || end == args.val[O_THREADS] || *end || t < 1 || t > WEB_THREADS_MAX)
            return cli_usage_error(&spec, "--threads '%s' must be a whole number from 1 to %d",
                                   args.val[O_THREADS], WEB_THREADS_MAX);
        threads = (unsigned)t;
    }
    return cli_serve(cli_db_path, args.val[O_LISTEN], args.val[O_BEHIND_PROXY] != NULL, threads,
                     args.val[O_CLOCK_OFFSET_FILE]);
}
