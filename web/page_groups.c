/*
 * page_groups.c - GET /groups: how the partnership is run, as its plan
 * states it: each group (executive, partnership, scrutiny, sub-groups,
 * working groups...) with the group it reports to, how often it meets, its
 * remit, and the priorities it delivers.
 */
#include "util/compat.h"

#include <string.h>

#include "page.h"
#include "safer/partnership.h"
#include "safer/plan.h"

/* The name of group `key` in the plan, or the key itself. */
static const char *group_name(const struct safer_plan *plan, const char *key)
{
    const struct safer_plan_group *g = safer_plan_group(plan, key);
    return g ? g->name : key;
}

int page_groups_get(struct web_req *req, struct web_resp *resp)
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
    web_page_begin(req, resp, "Groups", NULL);
    safer_html_raw(b, "<span class=\"govuk-caption-l\">");
    safer_html_text(b, p.name);
    safer_html_raw(b, "</span><h1 class=\"govuk-heading-l\">Groups</h1>");
    if (!plan || plan->ngroups == 0) {
        safer_html_raw(b, "<p class=\"govuk-body\">The partnership's plan names no groups.</p>");
        web_page_end(req, resp);
        safer_plan_free(plan);
        return 0;
    }
    safer_html_raw(b, "<p class=\"govuk-body\">As the plan states them: who reports to whom, "
                      "how often each meets, and what each is for.</p>");
    for (size_t i = 0; i < plan->ngroups; i++) {
        const struct safer_plan_group *g = &plan->groups[i];
        safer_html_raw(b, "<h2 class=\"govuk-heading-m\">");
        safer_html_text(b, g->name);
        safer_html_raw(b, "</h2>");
        web_summary_begin(b);
        web_summary_row(b, "Kind", g->kind);
        web_summary_row(b, "Reports to", g->parent ? group_name(plan, g->parent) : "None");
        web_summary_row(b, "Meets", g->meets ? g->meets : "Not stated in the plan");
        web_summary_end(b);
        /* The priorities it delivers. */
        size_t n = 0;
        for (size_t k = 0; k < plan->npriorities; k++) {
            const struct safer_plan_priority *r = &plan->priorities[k];
            for (size_t j = 0; j < r->ngroups; j++) {
                if (strcmp(r->groups[j], g->key) != 0)
                    continue;
                if (n++ == 0)
                    safer_html_raw(b, "<h3 class=\"govuk-heading-s\">Priorities it delivers</h3>"
                                      "<ul class=\"govuk-list govuk-list--bullet\">");
                safer_html_raw(b, "<li>");
                safer_html_text(b, r->title);
                safer_html_raw(b, "</li>");
                break;
            }
        }
        if (n)
            safer_html_raw(b, "</ul>");
        if (g->nremit) {
            safer_html_raw(b, "<h3 class=\"govuk-heading-s\">Remit</h3>"
                              "<ul class=\"govuk-list govuk-list--bullet\">");
            for (size_t k = 0; k < g->nremit; k++) {
                safer_html_raw(b, "<li>");
                safer_html_text(b, g->remit[k]);
                safer_html_raw(b, "</li>");
            }
            safer_html_raw(b, "</ul>");
        }
        if (g->source) {
            safer_html_raw(b, "<p class=\"govuk-body-s\">Source: ");
            safer_html_text(b, g->source);
            safer_html_raw(b, "</p>");
        }
    }
    web_page_end(req, resp);
    safer_plan_free(plan);
    return 0;
}
