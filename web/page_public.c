/*
 * page_public.c - GET /public and /public/{code}: the public summary of
 * each partnership of the deployment: who it is and its plan's priorities,
 * as its published plan states them. Nothing personal is shown (no
 * people, no actions' leads); the same for every visitor.
 */
#include "util/compat.h"

#include <stdio.h>

#include "page.h"
#include "safer/partnership.h"
#include "safer/plan.h"

int page_public_get(struct web_req *req, struct web_resp *resp)
{
    struct safer_partnership *ps;
    size_t n;
    int rc = safer_partnership_list(req->st, req->arena, &ps, &n, &req->err);
    if (rc < 0)
        return rc;
    struct safer_buf *b = &resp->body;
    web_page_begin(req, resp, "Community Safety Partnerships", NULL);
    safer_html_raw(b, "<h1 class=\"govuk-heading-l\">Community Safety Partnerships</h1>");
    if (n == 0) {
        safer_html_raw(b, "<p class=\"govuk-body\">No partnership has been set up yet.</p>");
    } else {
        safer_html_raw(b, "<p class=\"govuk-body\">The public summary of each partnership: what "
                          "it has chosen to work on.</p><ul class=\"govuk-list\">");
        for (size_t i = 0; i < n; i++) {
            safer_html_raw(b, "<li><a class=\"govuk-link\" href=\"/public/");
            safer_html_urlarg(b, ps[i].code);
            safer_html_raw(b, "\">");
            safer_html_text(b, ps[i].name);
            safer_html_raw(b, "</a></li>");
        }
        safer_html_raw(b, "</ul>");
    }
    web_page_end(req, resp);
    return 0;
}

int page_public_one_get(struct web_req *req, struct web_resp *resp)
{
    struct safer_partnership p;
    int rc = safer_partnership_find(req->st, req->arg, req->arena, &p, &req->err);
    if (rc < 0)
        return rc;
    const struct safer_plan *plan;
    rc = safer_plan_current(req->st, p.code, &plan, &req->err);
    if (rc < 0)
        return rc;
    struct safer_buf *b = &resp->body;
    web_page_begin(req, resp, p.name, NULL);
    safer_html_raw(b, "<span class=\"govuk-caption-l\">Public summary</span>"
                      "<h1 class=\"govuk-heading-l\">");
    safer_html_text(b, p.name);
    safer_html_raw(b, "</h1>");
    if (plan) {
        web_summary_begin(b);
        web_summary_row(b, "Plan", plan->title);
        char period[64];
        snprintf(period, sizeof(period), "%s to %s", plan->period_from, plan->period_to);
        web_summary_row(b, "Period", period);
        if (plan->updated)
            web_summary_row(b, "Last updated", plan->updated);
        web_summary_end(b);
        safer_html_raw(b, "<h2 class=\"govuk-heading-m\">Priorities</h2>");
        for (size_t i = 0; i < plan->npriorities; i++) {
            const struct safer_plan_priority *r = &plan->priorities[i];
            safer_html_raw(b, "<h3 class=\"govuk-heading-s\">");
            safer_html_text(b, r->title);
            if (r->cross_cutting)
                safer_html_raw(b, " <strong class=\"govuk-tag govuk-tag--grey\">Cross-cutting"
                                  "</strong>");
            safer_html_raw(b, "</h3>");
            if (r->objective) {
                safer_html_raw(b, "<p class=\"govuk-body\">");
                safer_html_text(b, r->objective);
                safer_html_raw(b, "</p>");
            }
        }
    } else {
        safer_html_raw(b, "<p class=\"govuk-body\">This partnership has not published a plan "
                          "here yet.</p>");
    }
    web_page_end(req, resp);
    return 0;
}
