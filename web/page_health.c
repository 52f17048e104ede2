/*
 * page_health.c - GET /health: "ok" when this worker's store handle answers
 * a one-row read, for a load balancer or a test waiting for the server.
 * It reads no session and writes nothing.
 */
#include "util/compat.h"

#include <stdlib.h>

#include "safer/store.h"
#include "web.h"

int page_health_get(struct web_req *req, struct web_resp *resp)
{
    char *v = NULL;
    int rc = safer_store_get_meta(req->st, "schema_version", &v, NULL);
    free(v);
    resp->content_type = "text/plain; charset=utf-8";
    if (rc < 0) {
        resp->status = 503;
        safer_buf_puts(&resp->body, "unavailable\n");
        return 0;
    }
    safer_buf_puts(&resp->body, "ok\n");
    return 0;
}
