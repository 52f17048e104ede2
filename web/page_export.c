/*
 * page_export.c - GET /export/partnership.json: the signed-in person's
 * partnership as one JSON document (docs/exchange.md), downloaded as a
 * file. The library decides who may (SAFER_PERM_VIEW_PLAN) and reads it in
 * one transaction; this only names the file.
 */
#include "util/compat.h"

#include <stdio.h>

#include "safer/exchange.h"
#include "safer/partnership.h"
#include "web.h"

int page_export_partnership_get(struct web_req *req, struct web_resp *resp)
{
    struct safer_partnership p;
    int rc = safer_partnership_info(req->st, req->actor.partnership_id, req->arena, &p, &req->err);
    if (rc < 0)
        return rc;
    /* A whole plan may be larger than a page. */
    resp->body.max = 64u << 20;
    rc = safer_exchange_export_json(req->st, &req->actor, req->now, &resp->body, &req->err);
    if (rc < 0)
        return rc;
    /* "safer-E22000142.json": a code is letters and digits. */
    char *name = safer_arena_alloc(req->arena, 96);
    snprintf(name, 96, "safer-%.64s.json", p.code);
    for (char *c = name; *c; c++) {
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '.' || *c == '-'))
            *c = '_';
    }
    resp->content_type = "application/json";
    resp->attachment = name;
    resp->private_page = true;
    return 0;
}
