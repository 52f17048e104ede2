/*
 * page_dashboard.c - GET /: the signed-in person's partnership at a glance:
 * its name and plan, and its priorities as the plan states them. A
 * visitor not signed in never gets here: the server sends them to
 * /sign-in (the route needs SAFER_PERM_VIEW_AGGREGATE).
 */
#include "util/compat.h"

#include <stdio.h>

#include "page.h"
#include "safer/partnership.h"
#include "safer/plan.h"

int page_dashboard_get(struct web_req *req, struct web_resp *resp)
{
    struct safer_partnership p;
    struct safer_err err = {0};
    int rc = safer_partnership_info(req->st, req->actor.partnership_id, req->arena, &p, &err);
    if (rc < 0)
        return rc;
    struct safer_plan *plan = NULL;
    rc = safer_plan_load(req->st, p.code, &plan, &err);
    if (rc < 0)
        return rc;
    struct safer_buf *b = &resp->body;
    web_page_begin(req, resp, "Dashboard", NULL);
    safer_html_raw(b, "<span class=\"govuk-caption-l\">Dashboard</span><h1 "
                      "class=\"govuk-heading-l\">");
    safer_html_text(b, p.name);
    safer_html_raw(b, "</h1>");
    if (!plan) {
        safer_html_raw(b, "<p class=\"govuk-body\">No plan has been imported for this "
                          "partnership yet.</p>");
    } else {
        web_summary_begin(b);
        web_summary_row(b, "Plan", plan->title);
        char period[64];
        snprintf(period, sizeof(period), "%s to %s", plan->period_from, plan->period_to);
        web_summary_row(b, "Period", period);
        web_summary_end(b);
        safer_html_raw(b, "<h2 class=\"govuk-heading-m\">Priorities</h2>"
                          "<table class=\"govuk-table\"><caption class=\"govuk-table__caption "
                          "govuk-visually-hidden\">Priorities</caption><thead "
                          "class=\"govuk-table__head\"><tr class=\"govuk-table__row\">"
                          "<th scope=\"col\" class=\"govuk-table__header\">Priority</th>"
                          "<th scope=\"col\" class=\"govuk-table__header\">Objective</th>"
                          "</tr></thead><tbody class=\"govuk-table__body\">");
        for (size_t i = 0; i < plan->npriorities; i++) {
            const struct safer_plan_priority *r = &plan->priorities[i];
            safer_html_raw(b, "<tr class=\"govuk-table__row\"><th scope=\"row\" "
                              "class=\"govuk-table__header\">");
            safer_html_text(b, r->title);
            if (r->cross_cutting)
                safer_html_raw(b, " <strong class=\"govuk-tag govuk-tag--grey\">Cross-cutting"
                                  "</strong>");
            safer_html_raw(b, "</th><td class=\"govuk-table__cell\">");
            safer_html_text(b, r->objective ? r->objective : "");
            safer_html_raw(b, "</td></tr>");
        }
        safer_html_raw(b, "</tbody></table>");
    }
    web_page_end(req, resp);
    safer_plan_free(plan);
    return 0;
}
