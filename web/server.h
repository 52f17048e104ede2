/*
 * server.h - `safer serve`'s HTTP server on libmicrohttpd.
 *
 * A pool of worker threads (one per core unless told), each opening its
 * own store handle on its first request and keeping it (a handle belongs
 * to one thread: store.h). SIGTERM and SIGINT are blocked in every thread
 * and taken by web_server_wait() with sigwait(): no signal handler, no
 * global flag. On either, the server stops accepting, lets the requests in
 * flight finish (WEB_SHUTDOWN_WAIT seconds at most), closes the handles
 * and returns 0.
 *
 * Every response carries the security headers (WEB-03); one line per
 * request goes to standard error: time, method, path without its query,
 * status, milliseconds; nothing personal.
 */
#ifndef SAFER_WEB_SERVER_H
#define SAFER_WEB_SERVER_H

#include "web.h"

struct web_server;

/*
 * Check the route table, block SIGTERM and SIGINT in the calling thread
 * (the workers inherit the mask), and start listening on cfg->host and
 * cfg->port. `cfg` is borrowed until web_server_free(). SAFER_EINVAL for a
 * bad route table or address, SAFER_EIO when the port cannot be had.
 */
int web_server_start(struct web_server **out, const struct web_config *cfg,
                     struct safer_err *err);

/* The port it listens on (the one chosen when cfg->port was 0). */
unsigned web_server_port(const struct web_server *s);

/* Wait for SIGTERM or SIGINT, then stop as above. Returns 0. */
int web_server_wait(struct web_server *s);

/* Stop (if running) and free; NULL does nothing. */
void web_server_free(struct web_server *s);

#endif
