/*
 * page_dashboard.c - GET /: the signed-in person's partnership at a glance:
 * its name and plan; its priorities as the plan states them, each with
 * the status of its indicators (RAG: the worst latest status, and how many
 * are red, amber and green); the indicators off target; and for a role
 * that may see the plan's actions (SAFER_PERM_VIEW_PLAN) the overdue
 * actions and a count of actions by status for each priority. A visitor
 * not signed in never gets here: the server sends them to /sign-in (the
 * route needs SAFER_PERM_VIEW_AGGREGATE). An elected member sees the
 * priorities only: the library lists actions to those who may see them.
 */
#include "util/compat.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "page.h"
#include "safer/action.h"
#include "safer/indicator.h"
#include "safer/partnership.h"
#include "safer/plan.h"

#define NSTATUS 6

static size_t status_index(const char *status)
{
    for (size_t k = 0; k < NSTATUS && safer_action_statuses[k]; k++) {
        if (status && strcmp(status, safer_action_statuses[k]) == 0)
            return k;
    }
    return 0;
}

/* The indicators of priority `key` (NULL: those of none) by latest
 * status: [SAFER_RAG_NONE..SAFER_RAG_RED]. */
static void rag_counts(const struct safer_indicator *v, size_t n, const char *key,
                       size_t count[4])
{
    memset(count, 0, 4 * sizeof(count[0]));
    for (size_t i = 0; i < n; i++) {
        const char *k = v[i].priority_key;
        if (key ? !(k && strcmp(k, key) == 0) : k != NULL)
            continue;
        enum safer_rag r = v[i].has_latest ? v[i].latest.rag : SAFER_RAG_NONE;
        count[r]++;
    }
}

/* A priority's status: its worst indicator's, in a GOV.UK tag, and the
 * counts in words. */
static void rag_cells(struct safer_buf *b, const size_t count[4])
{
    enum safer_rag worst = count[SAFER_RAG_RED]     ? SAFER_RAG_RED
                           : count[SAFER_RAG_AMBER] ? SAFER_RAG_AMBER
                           : count[SAFER_RAG_GREEN] ? SAFER_RAG_GREEN
                                                    : SAFER_RAG_NONE;
    safer_html_raw(b, "<td class=\"govuk-table__cell\">");
    web_rag_tag(b, worst, NULL);
    safer_html_raw(b, "</td><td class=\"govuk-table__cell\">");
    size_t total = count[0] + count[1] + count[2] + count[3];
    if (total == 0) {
        safer_html_raw(b, "None");
    } else {
        static const char *const word[4] = {"no status", "green", "amber", "red"};
        bool first = true;
        for (int r = SAFER_RAG_RED; r >= SAFER_RAG_NONE; r--) {
            if (!count[r])
                continue;
            safer_buf_putf(b, "%s%zu %s", first ? "" : ", ", count[r], word[r]);
            first = false;
        }
    }
    safer_html_raw(b, "</td>");
}

static void overdue(struct safer_buf *b, const struct safer_action *v, size_t n)
{
    size_t late = 0;
    for (size_t i = 0; i < n; i++)
        late += v[i].days_overdue > 0;
    safer_html_raw(b, "<h2 class=\"govuk-heading-m\">Overdue actions</h2>");
    if (late == 0) {
        safer_html_raw(b, "<p class=\"govuk-body\">No action is overdue.</p>");
        return;
    }
    safer_html_raw(b, "<div class=\"safer-table-scroll\" tabindex=\"0\" role=\"region\" "
                      "aria-label=\"Overdue actions\"><table class=\"govuk-table\"><caption "
                      "class=\"govuk-table__caption govuk-visually-hidden\">Overdue actions"
                      "</caption><thead "
                      "class=\"govuk-table__head\"><tr class=\"govuk-table__row\">"
                      "<th scope=\"col\" class=\"govuk-table__header\">Action</th>"
                      "<th scope=\"col\" class=\"govuk-table__header\">Lead</th>"
                      "<th scope=\"col\" class=\"govuk-table__header\">Due</th>"
                      "<th scope=\"col\" class=\"govuk-table__header "
                      "govuk-table__header--numeric\">Days overdue</th>"
                      "<th scope=\"col\" class=\"govuk-table__header\">Status</th>"
                      "</tr></thead><tbody class=\"govuk-table__body\">");
    for (size_t i = 0; i < n; i++) {
        const struct safer_action *a = &v[i];
        if (a->days_overdue <= 0)
            continue;
        safer_html_raw(b, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">");
        safer_html_text(b, a->title);
        if (a->priority_title) {
            safer_html_raw(b, "<br><span class=\"govuk-body-s\">");
            safer_html_text(b, a->priority_title);
            safer_html_raw(b, "</span>");
        }
        safer_html_raw(b, "</td><td class=\"govuk-table__cell\">");
        safer_html_text(b, a->lead_name ? a->lead_name : a->lead_org ? a->lead_org : "None");
        safer_html_raw(b, "</td><td class=\"govuk-table__cell\">");
        safer_html_text(b, a->due_date);
        safer_html_raw(b, "</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">");
        safer_buf_putf(b, "%" PRId64, a->days_overdue);
        safer_html_raw(b, "</td><td class=\"govuk-table__cell\">");
        web_status_tag(b, a->status, safer_action_status_label(a->status));
        safer_html_raw(b, "</td></tr>");
    }
    safer_html_raw(b, "</tbody></table></div>");
}

/* One row of the status table: `title` (NULL: "No priority") and counts. */
static void count_row(struct safer_buf *b, const char *title, const size_t c[NSTATUS])
{
    size_t total = 0;
    safer_html_raw(b, "<tr class=\"govuk-table__row\"><th scope=\"row\" "
                      "class=\"govuk-table__header\">");
    safer_html_text(b, title ? title : "No priority");
    safer_html_raw(b, "</th>");
    for (size_t k = 0; k < NSTATUS; k++) {
        safer_html_raw(b, "<td class=\"govuk-table__cell govuk-table__cell--numeric\">");
        safer_buf_putf(b, "%zu", c[k]);
        safer_html_raw(b, "</td>");
        total += c[k];
    }
    safer_html_raw(b, "<td class=\"govuk-table__cell govuk-table__cell--numeric\"><strong>");
    safer_buf_putf(b, "%zu", total);
    safer_html_raw(b, "</strong></td></tr>");
}

static void by_priority(struct web_req *req, struct safer_buf *b, const struct safer_plan *plan,
                        const struct safer_action *v, size_t n)
{
    size_t np = plan ? plan->npriorities : 0;
    /* One row per priority and one for actions of none (or of a priority
     * the plan no longer has), a column per status. */
    size_t(*c)[NSTATUS] = safer_arena_alloc(req->arena, (np + 1) * sizeof(*c));
    memset(c, 0, (np + 1) * sizeof(*c));
    for (size_t i = 0; i < n; i++) {
        size_t row = np;
        for (size_t p = 0; p < np && v[i].priority_key; p++) {
            if (strcmp(plan->priorities[p].key, v[i].priority_key) == 0)
                row = p;
        }
        c[row][status_index(v[i].status)]++;
    }
    safer_html_raw(b, "<h2 class=\"govuk-heading-m\">Actions by priority</h2>"
                      "<div class=\"safer-table-scroll\" tabindex=\"0\" role=\"region\" "
                      "aria-label=\"Actions by priority\"><table class=\"govuk-table\">"
                      "<caption class=\"govuk-table__caption "
                      "govuk-visually-hidden\">Actions by priority and status</caption><thead "
                      "class=\"govuk-table__head\"><tr class=\"govuk-table__row\">"
                      "<th scope=\"col\" class=\"govuk-table__header\">Priority</th>");
    for (size_t k = 0; k < NSTATUS; k++) {
        safer_html_raw(b, "<th scope=\"col\" class=\"govuk-table__header "
                          "govuk-table__header--numeric\">");
        web_status_tag(b, safer_action_statuses[k],
                       safer_action_status_label(safer_action_statuses[k]));
        safer_html_raw(b, "</th>");
    }
    safer_html_raw(b, "<th scope=\"col\" class=\"govuk-table__header "
                      "govuk-table__header--numeric\">All</th></tr></thead>"
                      "<tbody class=\"govuk-table__body\">");
    for (size_t p = 0; p < np; p++)
        count_row(b, plan->priorities[p].title, c[p]);
    size_t rest = 0;
    for (size_t k = 0; k < NSTATUS; k++)
        rest += c[np][k];
    if (rest)
        count_row(b, NULL, c[np]);
    safer_html_raw(b, "</tbody></table></div>");
}

/* The dashboard below the header: drawn from the store's records only. */
static int dashboard(struct web_req *req, const struct safer_partnership *p, struct safer_buf *b)
{
    int rc;
    const struct safer_plan *plan;
    rc = web_plan(req, &plan);
    if (rc < 0)
        return rc;
    struct safer_indicator *ind = NULL;
    size_t nind = 0;
    rc = safer_indicator_list(req->st, &req->actor, NULL, req->now, req->arena, &ind, &nind,
                              &req->err);
    if (rc < 0)
        return rc;
    safer_html_raw(b, "<span class=\"govuk-caption-l\">Dashboard</span><h1 "
                      "class=\"govuk-heading-l\">");
    safer_html_text(b, p->name);
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
                          "<div class=\"safer-table-scroll\" tabindex=\"0\" role=\"region\" "
                          "aria-label=\"Priorities\"><table class=\"govuk-table\">"
                          "<caption class=\"govuk-table__caption govuk-visually-hidden\">"
                          "Priorities, with the status of their indicators</caption>"
                          "<thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">");
        web_th(b, "Priority", false);
        web_th(b, "Objective", false);
        web_th(b, "Status", false);
        web_th(b, "Indicators", false);
        safer_html_raw(b, "</tr></thead><tbody class=\"govuk-table__body\">");
        for (size_t i = 0; i < plan->npriorities; i++) {
            const struct safer_plan_priority *r = &plan->priorities[i];
            safer_html_raw(b, "<tr class=\"govuk-table__row\"><th scope=\"row\" "
                              "class=\"govuk-table__header\">");
            /* groups: each priority links to its page. */
            safer_html_raw(b, "<a class=\"govuk-link\" href=\"/priorities/");
            safer_html_urlarg(b, r->key);
            safer_html_raw(b, "\">");
            safer_html_text(b, r->title);
            safer_html_raw(b, "</a>");
            if (r->cross_cutting)
                safer_html_raw(b, " <strong class=\"govuk-tag govuk-tag--grey\">Cross-cutting"
                                  "</strong>");
            safer_html_raw(b, "</th><td class=\"govuk-table__cell\">");
            safer_html_text(b, r->objective ? r->objective : "");
            safer_html_raw(b, "</td>");
            size_t count[4];
            rag_counts(ind, nind, r->key, count);
            rag_cells(b, count);
            safer_html_raw(b, "</tr>");
        }
        safer_html_raw(b, "</tbody></table></div>");
    }
    /* The indicators whose latest status is amber or red. */
    size_t noff = 0;
    for (size_t i = 0; i < nind; i++) {
        if (ind[i].has_latest &&
            (ind[i].latest.rag == SAFER_RAG_AMBER || ind[i].latest.rag == SAFER_RAG_RED))
            ind[noff++] = ind[i];
    }
    web_indicator_table(b, "Indicators off target", ind, noff);
    if (safer_role_may(req->actor.role, SAFER_PERM_VIEW_PLAN)) {
        struct safer_action_query q = {0};
        struct safer_action *v = NULL;
        size_t n = 0;
        rc = safer_action_list(req->st, &req->actor, &q, req->now, req->arena, &v, &n, &req->err);
        if (rc < 0)
            return rc;
        overdue(b, v, n);
        by_priority(req, b, plan, v, n);
    }
    /* packs: the papers for the executive group and the scrutiny
     * committee, each a document to print on A4. */
    safer_html_raw(b, "<h2 class=\"govuk-heading-m\">Packs for meetings</h2>"
                      "<ul class=\"govuk-list\">");
    if (safer_actor_may(&req->actor, SAFER_PERM_VIEW_PLAN))
        safer_html_raw(b, "<li><a class=\"govuk-link\" href=\"/packs/executive\">The executive "
                          "group's pack</a> (names leads)</li>");
    safer_html_raw(b, "<li><a class=\"govuk-link\" href=\"/packs/scrutiny\">The scrutiny "
                      "committee's pack</a> (figures only, small counts hidden)</li></ul>");
    /* analysis: area intelligence (page_analysis.c). */
    safer_html_raw(b, "<h2 class=\"govuk-heading-m\">Area intelligence</h2><p "
                      "class=\"govuk-body\"><a class=\"govuk-link\" href=\"/analysis\">Near "
                      "repeats, ward clusters and the other analyses</a> of the partnership's "
                      "area.</p>");
    return 0;
}

int page_dashboard_get(struct web_req *req, struct web_resp *resp)
{
    if (!req->signed_in) {
        web_redirect(resp, "/sign-in");
        return 0;
    }
    const struct safer_partnership *p;
    int rc = web_partnership(req, &p);
    if (rc < 0)
        return rc;
    if (!safer_actor_may(&req->actor, SAFER_PERM_VIEW_AGGREGATE)) {
        /* A person whose role is the public's: their dashboard is what the
         * public sees of their partnership. */
        char to[128];
        snprintf(to, sizeof(to), "/public/%s", p->code);
        web_redirect(resp, safer_arena_strdup(req->arena, to));
        return 0;
    }
    /* The page below the header is the same for everyone of the actor's
     * role in the partnership that day, until the store changes: the store
     * keeps it (view.h). */
    rc = web_view_find(req, resp, SAFER_VIEW_DASHBOARD, NULL, SAFER_PERM_VIEW_AGGREGATE);
    if (rc != 0)
        return rc < 0 ? rc : 0;
    struct safer_buf *b = &resp->body;
    web_page_begin(req, resp, "Dashboard", NULL);
    size_t from = b->len;
    rc = dashboard(req, p, b);
    if (rc < 0)
        return rc;
    web_view_keep(req, resp, SAFER_VIEW_DASHBOARD, NULL, "Dashboard", from);
    web_page_end(req, resp);
    return 0;
}
