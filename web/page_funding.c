/*
 * page_funding.c - the partnership's grants: the list with its totals and
 * money by priority (GET /funding), one grant with what it pays for (GET
 * /funding/{id}), adding (GET and POST /funding/new) and changing one,
 * spend included (GET and POST /funding/edit/{id}).
 *
 * The library decides who may read and change (funding.h): grant totals
 * are the partnership's public documents, and the actions a grant pays for
 * come by title and status only. A page links an action to its own page
 * only for a role that may read the plan in full. A form that fails comes
 * back with the GOV.UK error summary, each field's message and what was
 * typed; nothing is saved half-way. Money is printed by safer_money_format.
 */
#include "util/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "page.h"
#include "safer/funding.h"

/* A grant's status as a tag: awarded green, applied blue, declined red,
 * closed grey. */
static void funding_tag(struct safer_buf *b, const char *status)
{
    if (strcmp(status, "awarded") == 0)
        safer_html_raw(b, "<strong class=\"govuk-tag govuk-tag--green\">");
    else if (strcmp(status, "applied") == 0)
        safer_html_raw(b, "<strong class=\"govuk-tag govuk-tag--blue\">");
    else if (strcmp(status, "declined") == 0)
        safer_html_raw(b, "<strong class=\"govuk-tag govuk-tag--red\">");
    else
        safer_html_raw(b, "<strong class=\"govuk-tag govuk-tag--grey\">");
    safer_html_text(b, safer_funding_status_label(status));
    safer_html_raw(b, "</strong>");
}

static void money_td(struct safer_buf *b, int64_t pence)
{
    char m[SAFER_MONEY_TEXT];
    safer_money_format(pence, m);
    web_td(b, m, true);
}

/* "2021-04-01 to 2022-03-31" */
static void period_text(const struct safer_funding *g, char *out, size_t size)
{
    snprintf(out, size, "%s to %s", g->period_from, g->period_to);
}

/* ---- GET /funding ---- */

static void grants_table(struct safer_buf *b, const struct safer_funding *v, size_t n,
                         const struct safer_funding_totals *t)
{
    safer_html_raw(b, "<div class=\"safer-table-scroll\" tabindex=\"0\" role=\"region\" "
                      "aria-label=\"Grants\"><table class=\"govuk-table\"><caption "
                      "class=\"govuk-table__caption govuk-table__caption--m\">Grants</caption>"
                      "<thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">");
    web_th(b, "Funder", false);
    web_th(b, "Scheme", false);
    web_th(b, "Amount", true);
    web_th(b, "Spent", true);
    web_th(b, "Remaining", true);
    web_th(b, "Status", false);
    web_th(b, "Period", false);
    safer_html_raw(b, "</tr></thead><tbody class=\"govuk-table__body\">");
    for (size_t i = 0; i < n; i++) {
        const struct safer_funding *g = &v[i];
        char href[48], period[40];
        snprintf(href, sizeof(href), "/funding/%lld", (long long)g->id);
        period_text(g, period, sizeof(period));
        safer_html_raw(b, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">"
                          "<a class=\"govuk-link\" href=\"");
        safer_html_attr(b, href);
        safer_html_raw(b, "\">");
        safer_html_text(b, g->funder);
        safer_html_raw(b, "</a></td>");
        web_td(b, g->scheme ? g->scheme : "", false);
        money_td(b, g->amount);
        money_td(b, g->spent);
        money_td(b, g->remaining);
        safer_html_raw(b, "<td class=\"govuk-table__cell\">");
        funding_tag(b, g->status);
        safer_html_raw(b, "</td>");
        web_td(b, period, false);
        safer_html_raw(b, "</tr>");
    }
    if (n == 0)
        safer_html_raw(b, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\" "
                          "colspan=\"7\">None yet.</td></tr>");
    safer_html_raw(b, "</tbody><tfoot><tr class=\"govuk-table__row\"><th scope=\"row\" "
                      "class=\"govuk-table__header\" colspan=\"2\">Total awarded</th>");
    money_td(b, t->amount);
    money_td(b, t->spent);
    money_td(b, t->remaining);
    safer_html_raw(b, "<td class=\"govuk-table__cell\" colspan=\"2\"></td></tr></tfoot>"
                      "</table></div>");
}

static void priority_table(struct safer_buf *b, const struct safer_funding_totals *t)
{
    safer_html_raw(b, "<div class=\"safer-table-scroll\" tabindex=\"0\" role=\"region\" "
                      "aria-label=\"Money by priority\"><table class=\"govuk-table\"><caption "
                      "class=\"govuk-table__caption govuk-table__caption--m\">Money by "
                      "priority</caption><thead class=\"govuk-table__head\">"
                      "<tr class=\"govuk-table__row\">");
    web_th(b, "Priority", false);
    web_th(b, "Grants", true);
    web_th(b, "Amount", true);
    web_th(b, "Spent", true);
    web_th(b, "Remaining", true);
    safer_html_raw(b, "</tr></thead><tbody class=\"govuk-table__body\">");
    for (size_t i = 0; i < t->npriorities; i++) {
        const struct safer_funding_priority *p = &t->by_priority[i];
        char grants[24];
        snprintf(grants, sizeof(grants), "%zu", p->grants);
        safer_html_raw(b, "<tr class=\"govuk-table__row\">");
        web_td(b, p->key ? (p->title ? p->title : p->key) : "No priority named", false);
        web_td(b, grants, true);
        money_td(b, p->amount);
        money_td(b, p->spent);
        money_td(b, p->amount - p->spent);
        safer_html_raw(b, "</tr>");
    }
    if (t->npriorities == 0)
        safer_html_raw(b, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\" "
                          "colspan=\"5\">No grants awarded yet.</td></tr>");
    safer_html_raw(b, "</tbody></table></div>");
}

int page_funding_list_get(struct web_req *req, struct web_resp *resp)
{
    struct safer_funding *v = NULL;
    size_t n = 0;
    struct safer_funding_totals t;
    int rc = safer_funding_list(req->st, &req->actor, req->now, req->arena, &v, &n, &t,
                                &req->err);
    if (rc < 0)
        return rc;
    resp->private_page = true;
    struct safer_buf *b = &resp->body;
    web_page_begin(req, resp, "Funding", NULL);
    safer_html_raw(b, "<h1 class=\"govuk-heading-l\">Funding</h1><p class=\"govuk-body\">The "
                      "grants the partnership has applied for and received, what has been spent "
                      "and what remains. Totals count grants awarded or closed.</p>");
    if (safer_role_may(req->actor.role, SAFER_PERM_EDIT_PLAN))
        safer_html_raw(b, "<p class=\"govuk-body\"><a class=\"govuk-button\" "
                          "href=\"/funding/new\">Add a grant</a></p>");
    grants_table(b, v, n, &t);
    if (t.applications) {
        char m[SAFER_MONEY_TEXT], line[120];
        safer_money_format(t.applied, m);
        snprintf(line, sizeof(line), "Applied for and not yet decided: %s in %zu application%s.",
                 m, t.applications, t.applications == 1 ? "" : "s");
        safer_html_raw(b, "<p class=\"govuk-body\">");
        safer_html_text(b, line);
        safer_html_raw(b, "</p>");
    }
    priority_table(b, &t);
    web_page_end(req, resp);
    return 0;
}

/* ---- GET /funding/{id} ---- */

int page_funding_get(struct web_req *req, struct web_resp *resp)
{
    int64_t id = web_id(req->arg);
    if (!id)
        return SAFER_ENOTFOUND;
    struct safer_funding g;
    int rc = safer_funding_get(req->st, &req->actor, id, req->now, req->arena, &g, &req->err);
    if (rc < 0)
        return rc;
    resp->private_page = true;
    struct safer_buf *b = &resp->body;
    web_page_begin(req, resp, g.funder, NULL);
    safer_html_raw(b, "<span class=\"govuk-caption-l\">Grant</span><h1 "
                      "class=\"govuk-heading-l\">");
    safer_html_text(b, g.funder);
    safer_html_raw(b, "</h1><p class=\"govuk-body\">");
    funding_tag(b, g.status);
    safer_html_raw(b, "</p>");
    char amount[SAFER_MONEY_TEXT], spent[SAFER_MONEY_TEXT], left[SAFER_MONEY_TEXT], period[40];
    safer_money_format(g.amount, amount);
    safer_money_format(g.spent, spent);
    safer_money_format(g.remaining, left);
    period_text(&g, period, sizeof(period));
    web_summary_begin(b);
    web_summary_row(b, "Funder", g.funder);
    web_summary_row(b, "Scheme", g.scheme ? g.scheme : "None given");
    web_summary_row(b, "Amount", amount);
    web_summary_row(b, "Spent", spent);
    web_summary_row(b, "Remaining", left);
    web_summary_row(b, "Period", period);
    web_summary_row(b, "Priority", g.priority_key ? (g.priority_title ? g.priority_title
                                                                        : g.priority_key)
                                                  : "None named");
    web_summary_text(b, "What it delivered", g.delivered, "Nothing recorded yet");
    web_summary_row(b, "Last changed", g.updated_at);
    web_summary_end(b);
    if (safer_role_may(req->actor.role, SAFER_PERM_EDIT_PLAN)) {
        char href[48];
        snprintf(href, sizeof(href), "/funding/edit/%lld", (long long)g.id);
        safer_html_raw(b, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"");
        safer_html_attr(b, href);
        safer_html_raw(b, "\">Change this grant or record spend</a></p>");
    }

    safer_html_raw(b, "<h2 class=\"govuk-heading-m\">What it pays for</h2>");
    if (g.nactions == 0)
        safer_html_raw(b, "<p class=\"govuk-body\">No actions linked.</p>");
    else
        safer_html_raw(b, "<ul class=\"govuk-list\">");
    bool links = safer_role_may(req->actor.role, SAFER_PERM_VIEW_PLAN);
    for (size_t i = 0; i < g.nactions; i++) {
        const struct safer_funding_action *x = &g.actions[i];
        safer_html_raw(b, "<li>");
        if (links) {
            char href[48];
            snprintf(href, sizeof(href), "/actions/%lld", (long long)x->id);
            safer_html_raw(b, "<a class=\"govuk-link\" href=\"");
            safer_html_attr(b, href);
            safer_html_raw(b, "\">");
            safer_html_text(b, x->title);
            safer_html_raw(b, "</a>");
        } else {
            safer_html_text(b, x->title);
        }
        safer_html_raw(b, " ");
        web_status_tag(b, x->status, safer_action_status_label(x->status));
        safer_html_raw(b, "</li>");
    }
    if (g.nactions)
        safer_html_raw(b, "</ul>");
    safer_html_raw(b, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/funding\">"
                      "All funding</a></p>");
    web_page_end(req, resp);
    return 0;
}

/* ---- adding and changing ---- */

/* A form's fields, and the actions ticked as the form sent them. */
struct grant_form {
    struct safer_funding_fields f;
    const char **ticked;
    size_t nticked;
};

static void form_of(struct web_req *req, const struct safer_funding *g, struct grant_form *out)
{
    memset(out, 0, sizeof(*out));
    char *amount = safer_arena_alloc(req->arena, SAFER_MONEY_TEXT);
    char *spent = safer_arena_alloc(req->arena, SAFER_MONEY_TEXT);
    safer_money_format(g->amount, amount);
    safer_money_format(g->spent, spent);
    out->f = (struct safer_funding_fields){
        .funder = g->funder,
        .scheme = g->scheme,
        .amount = amount,
        .spent = spent,
        .period_from = g->period_from,
        .period_to = g->period_to,
        .priority_key = g->priority_key,
        .status = g->status,
        .delivered = g->delivered,
    };
    out->ticked = safer_arena_alloc(req->arena, (g->nactions + 1) * sizeof(char *));
    for (size_t i = 0; i < g->nactions; i++) {
        char id[24];
        snprintf(id, sizeof(id), "%lld", (long long)g->actions[i].id);
        out->ticked[out->nticked++] = safer_arena_strdup(req->arena, id);
    }
}

static void form_from_post(struct web_req *req, struct grant_form *out)
{
    memset(out, 0, sizeof(*out));
    struct safer_funding_fields *f = &out->f;
    f->funder = web_param(&req->form, "funder");
    f->scheme = web_param(&req->form, "scheme");
    f->amount = web_param(&req->form, "amount");
    f->spent = web_param(&req->form, "spent");
    f->period_from = web_param(&req->form, "period_from");
    f->period_to = web_param(&req->form, "period_to");
    f->status = web_param(&req->form, "status");
    f->priority_key = web_param(&req->form, "priority_key");
    f->delivered = web_param(&req->form, "delivered");
    out->ticked = web_param_all(req, "actions", &out->nticked);
    int64_t *ids = safer_arena_alloc(req->arena, (out->nticked + 1) * sizeof(int64_t));
    for (size_t i = 0; i < out->nticked; i++)
        ids[i] = web_id(out->ticked[i]); /* 0 for junk: the library says so */
    f->action_ids = ids;
    f->nactions = out->nticked;
}

static int grant_form(struct web_req *req, struct web_resp *resp, const char *heading,
                      const char *post_to, const struct grant_form *gf, int64_t version,
                      const struct safer_field_errors *fe, const char *notice)
{
    struct web_choices c;
    int rc = web_choices_load(req, &c, &req->err);
    struct safer_action *acts = NULL;
    size_t nacts = 0;
    if (rc == 0)
        rc = safer_action_list(req->st, &req->actor, NULL, req->now, req->arena, &acts, &nacts,
                               &req->err);
    if (rc < 0)
        return rc;
    const char **ids = safer_arena_alloc(req->arena, (nacts + 1) * sizeof(char *));
    const char **titles = safer_arena_alloc(req->arena, (nacts + 1) * sizeof(char *));
    for (size_t i = 0; i < nacts; i++) {
        char id[24];
        snprintf(id, sizeof(id), "%lld", (long long)acts[i].id);
        ids[i] = safer_arena_strdup(req->arena, id);
        titles[i] = acts[i].title;
    }
    const struct safer_funding_fields *f = &gf->f;
    struct safer_buf *b = &resp->body;
    web_form_page_begin(req, resp, heading, post_to, version, fe, notice);
    /* In the order the library checks them. */
    web_input(b, fe, "funder", "Funder", "Who gives the grant, for example Kent Police and "
              "Crime Commissioner", "text", f->funder, "organization");
    web_input(b, fe, "scheme", "Scheme", "Optional: the fund or grant's name", "text", f->scheme,
              NULL);
    web_input(b, fe, "amount", "Amount", "For example, £12,500 or 12500.50", "text", f->amount,
              NULL);
    web_input(b, fe, "spent", "Spent so far", "Leave empty for nothing yet", "text", f->spent,
              NULL);
    web_input(b, fe, "period_from", "Start of the period", "For example, 2021-04-01", "text",
              f->period_from, NULL);
    web_input(b, fe, "period_to", "End of the period", "For example, 2022-03-31", "text",
              f->period_to, NULL);
    const char *labels[4];
    for (size_t i = 0; i < 4; i++)
        labels[i] = safer_funding_status_label(safer_funding_statuses[i]);
    web_select(b, fe, "status", "Status", NULL, safer_funding_statuses, labels, 4, NULL,
               f->status ? f->status : "applied");
    web_select(b, fe, "priority_key", "Priority it serves", NULL, c.prio_keys, c.prio_titles,
               c.nprio, "None", f->priority_key);
    web_checkboxes(b, fe, "actions", "Actions it pays for", "Select all that apply", ids, titles,
                   nacts, gf->ticked, gf->nticked);
    web_textarea(b, fe, "delivered", "What it delivered", "Optional", 4, f->delivered);
    safer_html_raw(b, "<button type=\"submit\" class=\"govuk-button\" "
                      "data-module=\"govuk-button\">Save</button></form>");
    web_page_end(req, resp);
    return 0;
}

int page_funding_new_get(struct web_req *req, struct web_resp *resp)
{
    struct grant_form gf;
    memset(&gf, 0, sizeof(gf));
    return grant_form(req, resp, "Add a grant", "/funding/new", &gf, 0, NULL, NULL);
}

int page_funding_new_post(struct web_req *req, struct web_resp *resp)
{
    struct grant_form gf;
    form_from_post(req, &gf);
    struct safer_field_errors fe = {.n = 0};
    int64_t id = 0;
    int rc = safer_funding_add(req->st, &req->actor, &gf.f, req->now, &id, &fe, &req->err);
    if (rc == SAFER_EINVAL && fe.n) {
        resp->status = 400;
        return grant_form(req, resp, "Add a grant", "/funding/new", &gf, 0, &fe, NULL);
    }
    if (rc < 0)
        return rc;
    char to[48];
    snprintf(to, sizeof(to), "/funding/%lld", (long long)id);
    web_redirect(resp, safer_arena_strdup(req->arena, to));
    return 0;
}

int page_funding_edit_get(struct web_req *req, struct web_resp *resp)
{
    int64_t id = web_id(req->arg);
    if (!id)
        return SAFER_ENOTFOUND;
    struct safer_funding g;
    int rc = safer_funding_get(req->st, &req->actor, id, req->now, req->arena, &g, &req->err);
    if (rc < 0)
        return rc;
    struct grant_form gf;
    form_of(req, &g, &gf);
    char to[48];
    snprintf(to, sizeof(to), "/funding/edit/%lld", (long long)id);
    return grant_form(req, resp, "Change the grant", to, &gf, g.version, NULL, NULL);
}

int page_funding_edit_post(struct web_req *req, struct web_resp *resp)
{
    int64_t id = web_id(req->arg);
    if (!id)
        return SAFER_ENOTFOUND;
    struct grant_form gf;
    form_from_post(req, &gf);
    int64_t version = web_id(web_param(&req->form, "version"));
    struct safer_field_errors fe = {.n = 0};
    int rc = safer_funding_change(req->st, &req->actor, id, version, &gf.f, req->now, &fe,
                                  &req->err);
    char to[48];
    snprintf(to, sizeof(to), "/funding/edit/%lld", (long long)id);
    if (rc == SAFER_EINVAL && fe.n) {
        resp->status = 400;
        return grant_form(req, resp, "Change the grant", to, &gf, version, &fe, NULL);
    }
    if (rc == SAFER_ECONFLICT) {
        struct safer_funding g;
        rc = safer_funding_get(req->st, &req->actor, id, req->now, req->arena, &g, &req->err);
        if (rc < 0)
            return rc;
        struct grant_form now;
        form_of(req, &g, &now);
        resp->status = 409;
        return grant_form(req, resp, "Change the grant", to, &now, g.version, NULL,
                          "Someone else changed this grant while you were editing it. "
                          "This is the grant as it is now: make your change again.");
    }
    if (rc < 0)
        return rc;
    snprintf(to, sizeof(to), "/funding/%lld", (long long)id);
    web_redirect(resp, safer_arena_strdup(req->arena, to));
    return 0;
}
