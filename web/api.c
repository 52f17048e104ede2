/*
 * api.c - the read-only JSON API under /api/, for the signed-in person's
 * partnership only (actor.partnership_id): the same library calls as the
 * pages, the same permission checks, written with json.h.
 *
 *   GET /api/priorities  the partnership and its plan's priorities
 *                        (SAFER_PERM_VIEW_AGGREGATE)
 *   GET /api/actions     its actions (SAFER_PERM_VIEW_PLAN), filtered by
 *                        ?priority=KEY, ?group=KEY, ?due=1 (overdue or due
 *                        within 30 days, not finished)
 */
#include "util/compat.h"

#include <string.h>

#include "json.h"
#include "safer/action.h"
#include "safer/partnership.h"
#include "safer/plan.h"
#include "web.h"

int api_priorities_get(struct web_req *req, struct web_resp *resp)
{
    const struct safer_partnership *p;
    const struct safer_plan *plan;
    int rc = web_partnership(req, &p);
    if (rc == 0)
        rc = web_plan(req, &plan);
    if (rc < 0)
        return rc;
    struct safer_buf *b = &resp->body;
    resp->content_type = "application/json";
    safer_buf_puts(b, "{");
    web_json_key(b, "partnership");
    safer_buf_puts(b, "{");
    web_json_key(b, "code");
    web_json_str(b, p->code);
    safer_buf_puts(b, ",");
    web_json_key(b, "name");
    web_json_str(b, p->name);
    safer_buf_puts(b, "},");
    web_json_key(b, "plan");
    if (!plan) {
        safer_buf_puts(b, "null,");
    } else {
        safer_buf_puts(b, "{");
        web_json_key(b, "title");
        web_json_str(b, plan->title);
        safer_buf_puts(b, ",");
        web_json_key(b, "period_from");
        web_json_str(b, plan->period_from);
        safer_buf_puts(b, ",");
        web_json_key(b, "period_to");
        web_json_str(b, plan->period_to);
        safer_buf_puts(b, "},");
    }
    web_json_key(b, "priorities");
    safer_buf_puts(b, "[");
    for (size_t i = 0; plan && i < plan->npriorities; i++) {
        const struct safer_plan_priority *r = &plan->priorities[i];
        if (i)
            safer_buf_puts(b, ",");
        safer_buf_puts(b, "{");
        web_json_key(b, "key");
        web_json_str(b, r->key);
        safer_buf_puts(b, ",");
        web_json_key(b, "title");
        web_json_str(b, r->title);
        safer_buf_puts(b, ",");
        web_json_key(b, "cross_cutting");
        web_json_bool(b, r->cross_cutting);
        safer_buf_puts(b, ",");
        web_json_key(b, "objective");
        web_json_str(b, r->objective);
        safer_buf_puts(b, ",");
        web_json_key(b, "groups");
        safer_buf_puts(b, "[");
        for (size_t g = 0; g < r->ngroups; g++) {
            if (g)
                safer_buf_puts(b, ",");
            web_json_str(b, r->groups[g]);
        }
        safer_buf_puts(b, "]}");
    }
    safer_buf_puts(b, "]}\n");
    return 0;
}

static void member_str(struct safer_buf *b, const char *key, const char *v)
{
    safer_buf_puts(b, ",");
    web_json_key(b, key);
    web_json_str(b, v);
}

static void member_int(struct safer_buf *b, const char *key, int64_t v)
{
    safer_buf_puts(b, ",");
    web_json_key(b, key);
    web_json_int(b, v);
}

int api_actions_get(struct web_req *req, struct web_resp *resp)
{
    const char *due = web_param(&req->query, "due");
    struct safer_action_query q = {
        .priority_key = web_param(&req->query, "priority"),
        .group_key = web_param(&req->query, "group"),
        .due_only = due && strcmp(due, "1") == 0,
    };
    struct safer_action *v = NULL;
    size_t n = 0;
    int rc = safer_action_list(req->st, &req->actor, &q, req->now, req->arena, &v, &n, &req->err);
    if (rc < 0)
        return rc;
    struct safer_buf *b = &resp->body;
    resp->content_type = "application/json";
    safer_buf_puts(b, "{");
    web_json_key(b, "actions");
    safer_buf_puts(b, "[");
    for (size_t i = 0; i < n; i++) {
        const struct safer_action *a = &v[i];
        safer_buf_puts(b, i ? ",{" : "{");
        web_json_key(b, "id");
        web_json_int(b, a->id);
        member_str(b, "title", a->title);
        member_str(b, "priority_key", a->priority_key);
        member_str(b, "priority_title", a->priority_title);
        member_str(b, "group_key", a->group_key);
        member_str(b, "group_name", a->group_name);
        member_str(b, "lead_org", a->lead_org);
        member_str(b, "lead_name", a->lead_name);
        member_str(b, "start_date", a->start_date);
        member_str(b, "due_date", a->due_date);
        member_str(b, "status", a->status);
        member_int(b, "progress", a->progress);
        member_int(b, "days_overdue", a->days_overdue > 0 ? a->days_overdue : 0);
        member_int(b, "version", a->version);
        member_str(b, "updated_at", a->updated_at);
        safer_buf_puts(b, "}");
    }
    safer_buf_puts(b, "]}\n");
    return 0;
}
