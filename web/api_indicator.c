/*
 * api_indicator.c - GET /api/indicators (each indicator with its latest
 * period) and GET /api/indicators/{id} (one indicator and its whole
 * series), read-only JSON for analysts' own tools.
 *
 * Numbers as the library computed them: %.17g, so they read back as the
 * same doubles; a value there is none of (no data, suppressed, no target)
 * is null, never NaN. A suppressed point says so and carries no count.
 * A survey indicator's points add the 95% confidence interval (lo, hi, in
 * per cent), the base (respondents; null when suppressed) and small (the
 * small-base warning).
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "form.h"
#include "json.h"
#include "safer/indicator.h"
#include "safer/view.h"
#include "web.h"

static void number(struct safer_buf *b, double v)
{
    if (isnan(v) || isinf(v))
        safer_buf_puts(b, "null");
    else if (fabs(v) < 1e15 && v == (double)(int64_t)v && !(v == 0 && signbit(v)))
        web_json_int(b, (int64_t)v); /* what %.17g writes for a whole number */
    else
        safer_buf_putf(b, "%.17g", v);
}

/* ,"key": and a number or a string (NULL: null); `k` a string literal. */
#define MEMBER(b, k) safer_buf_put((b), ",\"" k "\":", sizeof(",\"" k "\":") - 1)
#define MEMBER_NUM(b, k, v) (MEMBER(b, k), number((b), (v)))
#define MEMBER_STR(b, k, v) (MEMBER(b, k), web_json_str((b), (v)))

static void point(struct safer_buf *b, const struct safer_indicator_point *p, bool survey)
{
    safer_buf_puts(b, "{");
    web_json_name(b, "period");
    web_json_str(b, p->period);
    safer_buf_puts(b, ",");
    web_json_name(b, "months");
    web_json_int(b, p->months);
    safer_buf_puts(b, ",");
    web_json_name(b, "months_with_data");
    web_json_int(b, p->months_with_data);
    safer_buf_puts(b, ",");
    web_json_name(b, "partial");
    web_json_bool(b, p->partial);
    safer_buf_puts(b, ",");
    web_json_name(b, "suppressed");
    web_json_bool(b, p->suppressed);
    safer_buf_puts(b, ",");
    web_json_name(b, "count");
    if (p->suppressed)
        safer_buf_puts(b, "null");
    else
        web_json_int(b, p->count);
    MEMBER_NUM(b, "population", p->population);
    MEMBER_NUM(b, "value", p->value);
    MEMBER_NUM(b, "variance", p->variance);
    MEMBER_STR(b, "status", p->rag == SAFER_RAG_NONE ? NULL : safer_rag_name(p->rag));
    if (survey) {
        MEMBER_NUM(b, "lo", p->suppressed ? NAN : p->lo);
        MEMBER_NUM(b, "hi", p->suppressed ? NAN : p->hi);
        MEMBER(b, "base");
        if (p->suppressed)
            safer_buf_puts(b, "null");
        else
            web_json_int(b, p->base);
        MEMBER(b, "small");
        web_json_bool(b, p->small);
    }
    safer_buf_puts(b, "}");
}

static bool is_survey(const struct safer_indicator *ind)
{
    return strcmp(ind->kind, "survey") == 0;
}

static void definition(struct safer_buf *b, const struct safer_indicator *ind)
{
    web_json_name(b, "id");
    web_json_int(b, ind->id);
    MEMBER_STR(b, "key", ind->key);
    MEMBER_STR(b, "title", ind->title);
    MEMBER_STR(b, "kind", ind->kind);
    MEMBER_STR(b, "priority_key", ind->priority_key);
    MEMBER_STR(b, "group_key", ind->group_key);
    safer_buf_puts(b, ",");
    web_json_name(b, "categories");
    safer_buf_puts(b, "[");
    for (size_t i = 0; i < ind->ncategories; i++) {
        if (i)
            safer_buf_puts(b, ",");
        web_json_str(b, ind->categories[i]);
    }
    safer_buf_puts(b, "]");
    MEMBER_STR(b, "ward", *ind->ward ? ind->ward : NULL);
    MEMBER_STR(b, "measure", ind->measure);
    MEMBER_STR(b, "period", ind->period);
    MEMBER_STR(b, "good", ind->good);
    MEMBER_NUM(b, "target", ind->has_target ? ind->target : NAN);
    MEMBER_NUM(b, "amber", ind->amber);
    MEMBER_NUM(b, "red", ind->red);
    MEMBER_STR(b, "unit", ind->unit);
    if (is_survey(ind)) {
        MEMBER_STR(b, "question", ind->question);
        MEMBER_STR(b, "question_label", ind->question_label);
    }
}

int api_indicators_get(struct web_req *req, struct web_resp *resp)
{
    struct safer_indicator_query q = {.priority_key = web_param(&req->query, "priority")};
    const char *off = web_param(&req->query, "off_target");
    q.off_target = off && strcmp(off, "1") == 0;
    if (q.priority_key && !*q.priority_key)
        q.priority_key = NULL;
    struct safer_indicator *list = NULL;
    size_t n = 0;
    struct safer_err err = {0};
    int rc = safer_indicator_list(req->st, &req->actor, &q, req->now, req->arena, &list, &n,
                                  &err);
    if (rc < 0)
        return rc;
    struct safer_buf *b = &resp->body;
    resp->content_type = "application/json";
    safer_buf_puts(b, "{");
    web_json_name(b, "indicators");
    safer_buf_puts(b, "[");
    for (size_t i = 0; i < n; i++) {
        safer_buf_puts(b, i ? ",{" : "{");
        definition(b, &list[i]);
        safer_buf_puts(b, ",");
        web_json_name(b, "latest");
        if (list[i].has_latest)
            point(b, &list[i].latest, is_survey(&list[i]));
        else
            safer_buf_puts(b, "null");
        safer_buf_puts(b, "}");
    }
    safer_buf_puts(b, "]}\n");
    return 0;
}

int api_indicator_get(struct web_req *req, struct web_resp *resp)
{
    int64_t id = web_id(req->arg);
    if (!id)
        return SAFER_ENOTFOUND;
    /* The same for everyone of the actor's role in the partnership that
     * day, until the store changes: the store keeps it (view.h). */
    const char *kept;
    size_t nkept;
    struct safer_buf *b = &resp->body;
    resp->content_type = "application/json";
    int rc = safer_view_find(req->st, &req->actor, SAFER_VIEW_INDICATOR_JSON, req->arg,
                             SAFER_PERM_VIEW_AGGREGATE, req->now, &kept, &nkept, &req->err);
    if (rc < 0)
        return rc;
    if (rc == 1) {
        safer_buf_put(b, kept, nkept);
        return 0;
    }
    struct safer_indicator ind;
    struct safer_indicator_point *pts = NULL;
    size_t npts = 0;
    struct safer_indicator_query q = {.priority_key = NULL};
    rc = safer_indicator_get(req->st, &req->actor, id, &q, req->now, req->arena, &ind, &pts,
                             &npts, NULL, NULL, &req->err);
    if (rc < 0)
        return rc;
    safer_buf_puts(b, "{");
    definition(b, &ind);
    safer_buf_puts(b, ",");
    web_json_name(b, "series");
    safer_buf_puts(b, "[");
    for (size_t i = 0; i < npts; i++) {
        if (i)
            safer_buf_puts(b, ",");
        point(b, &pts[i], is_survey(&ind));
    }
    safer_buf_puts(b, "]}\n");
    if (!safer_buf_error(b))
        safer_view_keep(req->st, &req->actor, SAFER_VIEW_INDICATOR_JSON, req->arg, req->now,
                        b->ptr, b->len);
    return 0;
}
