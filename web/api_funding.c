/*
 * api_funding.c - GET /api/funding: the partnership's grants as JSON, with
 * their totals and money by priority (SAFER_PERM_VIEW_AGGREGATE, as the
 * /funding page). Money is whole pence in members named *_pence, never a
 * floating-point number; the actions a grant pays for come by id, title
 * and status only (funding.h).
 */
#include "util/compat.h"

#include "json.h"
#include "safer/funding.h"
#include "web.h"

/* ,"key":value members, the first member of an object written by hand. */
static void str(struct safer_buf *b, const char *key, const char *v)
{
    safer_buf_puts(b, ",");
    web_json_key(b, key);
    web_json_str(b, v);
}

static void num(struct safer_buf *b, const char *key, int64_t v)
{
    safer_buf_puts(b, ",");
    web_json_key(b, key);
    web_json_int(b, v);
}

int api_funding_get(struct web_req *req, struct web_resp *resp)
{
    struct safer_funding *v = NULL;
    size_t n = 0;
    struct safer_funding_totals t;
    int rc = safer_funding_list(req->st, &req->actor, req->now, req->arena, &v, &n, &t,
                                &req->err);
    if (rc < 0)
        return rc;
    struct safer_buf *b = &resp->body;
    resp->content_type = "application/json";
    safer_buf_puts(b, "{");
    web_json_key(b, "grants");
    safer_buf_puts(b, "[");
    for (size_t i = 0; i < n; i++) {
        const struct safer_funding *g = &v[i];
        safer_buf_puts(b, i ? ",{" : "{");
        web_json_key(b, "id");
        web_json_int(b, g->id);
        str(b, "funder", g->funder);
        str(b, "scheme", g->scheme);
        num(b, "amount_pence", g->amount);
        num(b, "spent_pence", g->spent);
        num(b, "remaining_pence", g->remaining);
        str(b, "period_from", g->period_from);
        str(b, "period_to", g->period_to);
        str(b, "priority_key", g->priority_key);
        str(b, "priority_title", g->priority_title);
        str(b, "status", g->status);
        str(b, "delivered", g->delivered);
        num(b, "version", g->version);
        str(b, "updated_at", g->updated_at);
        safer_buf_puts(b, ",");
        web_json_key(b, "actions");
        safer_buf_puts(b, "[");
        for (size_t k = 0; k < g->nactions; k++) {
            safer_buf_puts(b, k ? ",{" : "{");
            web_json_key(b, "id");
            web_json_int(b, g->actions[k].id);
            str(b, "title", g->actions[k].title);
            str(b, "status", g->actions[k].status);
            safer_buf_puts(b, "}");
        }
        safer_buf_puts(b, "]}");
    }
    safer_buf_puts(b, "],");
    web_json_key(b, "totals");
    safer_buf_puts(b, "{");
    web_json_key(b, "grants");
    web_json_int(b, (int64_t)t.grants);
    num(b, "amount_pence", t.amount);
    num(b, "spent_pence", t.spent);
    num(b, "remaining_pence", t.remaining);
    num(b, "applications", (int64_t)t.applications);
    num(b, "applied_pence", t.applied);
    safer_buf_puts(b, ",");
    web_json_key(b, "by_priority");
    safer_buf_puts(b, "[");
    for (size_t i = 0; i < t.npriorities; i++) {
        const struct safer_funding_priority *p = &t.by_priority[i];
        safer_buf_puts(b, i ? ",{" : "{");
        web_json_key(b, "priority_key");
        web_json_str(b, p->key);
        str(b, "priority_title", p->title);
        num(b, "grants", (int64_t)p->grants);
        num(b, "amount_pence", p->amount);
        num(b, "spent_pence", p->spent);
        safer_buf_puts(b, "}");
    }
    safer_buf_puts(b, "]}}\n");
    return 0;
}
