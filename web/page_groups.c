/*
 * page_groups.c - how the partnership is run and what it aims at (group.h):
 *
 *   GET  /groups                   every group, with its chair and cadence
 *   GET  /groups/{key}             one group: terms of reference, parent,
 *                                  chair and members, cadence, remit, the
 *                                  priorities it delivers, its plans by year
 *   GET  /groups/edit/{key}        change it (and POST)
 *   GET  /priorities               every priority
 *   GET  /priorities/{key}         one priority: objective, focus,
 *                                  categories, links, groups, its indicators
 *                                  with their status, and its actions
 *   GET  /priorities/edit/{key}    change it (and POST)
 *   GET  /plans/{group}/{year}     a group's plan for a year: its outcome,
 *                                  indicators with status, actions with
 *                                  status and days overdue
 *   GET  /plans/edit/{group}/{year} set the outcome (and POST)
 *   GET  /api/groups               the groups as JSON
 *
 * The library decides who may read and change what; a page only chooses
 * which buttons to draw for the role it was given. A form that fails comes
 * back with the GOV.UK error summary and what was typed; nothing is saved
 * half-way. A stale form (someone changed the record meanwhile) comes back
 * as the record is now, with status 409.
 */
#include "util/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "json.h"
#include "page.h"
#include "safer/group.h"
#include "safer/indicator.h"
#include "safer/partnership.h"
#include "safer/plan.h"

/* Rows a form offers beyond those filled in. */
#define SPARE_ROWS 2

static const char *const KIND_LABELS[] = {
    "Executive group", "Partnership", "Scrutiny committee", "Sub-group", "Working group",
    "Task force", "Meeting", "Ward cluster", "Linked board", "Team",
};
static const char *const ROLE_LABELS[] = {"Chair", "Vice-chair", "Member", "Secretary"};
static const char *const LINK_LABELS[] = {"County (Kent Community Safety Agreement)",
                                          "Police and Crime Commissioner",
                                          "National"};

static const char *label_of(const char *const *values, const char *const *labels,
                            const char *v)
{
    for (size_t i = 0; v && values[i]; i++) {
        if (strcmp(values[i], v) == 0)
            return labels[i];
    }
    return v;
}

static const char *kind_label(const char *k)
{
    return label_of(safer_plan_group_kinds, KIND_LABELS, k);
}

static const char *role_label(const char *r)
{
    return label_of(safer_plan_member_roles, ROLE_LABELS, r);
}

static const char *link_label(const char *k)
{
    return label_of(safer_plan_link_kinds, LINK_LABELS, k);
}

static size_t count(const char *const *v)
{
    size_t n = 0;
    while (v[n])
        n++;
    return n;
}

/* The strategy, or 404 when the partnership has no plan. */
static int load(struct web_req *req, struct safer_plan **plan)
{
    int rc = safer_strategy_get(req->st, &req->actor, req->now, plan, &req->err);
    if (rc == 0 && !*plan)
        rc = safer_err_set(&req->err, SAFER_ENOTFOUND, "the partnership has no plan");
    return rc;
}

static const struct safer_plan_priority *priority_of(const struct safer_plan *p,
                                                     const char *key)
{
    for (size_t i = 0; key && i < p->npriorities; i++) {
        if (strcmp(p->priorities[i].key, key) == 0)
            return &p->priorities[i];
    }
    return NULL;
}

static void link(struct safer_buf *b, const char *prefix, const char *key, const char *text)
{
    safer_html_raw(b, "<a class=\"govuk-link\" href=\"");
    safer_html_attr(b, prefix);
    safer_html_urlarg(b, key);
    safer_html_raw(b, "\">");
    safer_html_text(b, text);
    safer_html_raw(b, "</a>");
}

static void button(struct safer_buf *b, const char *href, const char *text)
{
    safer_html_raw(b, "<p class=\"govuk-body\"><a class=\"govuk-button govuk-button--secondary\" "
                      "href=\"");
    safer_html_attr(b, href);
    safer_html_raw(b, "\">");
    safer_html_text(b, text);
    safer_html_raw(b, "</a></p>");
}

/* Text with line breaks as paragraphs. */
static void paragraphs(struct safer_buf *b, const char *text)
{
    for (const char *p = text; p && *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n) {
            safer_html_raw(b, "<p class=\"govuk-body\">");
            safer_html_textn(b, p, n);
            safer_html_raw(b, "</p>");
        }
        p = e ? e + 1 : p + n;
    }
}

static void heading(struct safer_buf *b, const char *caption, const char *h1)
{
    safer_html_raw(b, "<span class=\"govuk-caption-l\">");
    safer_html_text(b, caption);
    safer_html_raw(b, "</span><h1 class=\"govuk-heading-l\">");
    safer_html_text(b, h1);
    safer_html_raw(b, "</h1>");
}

static void notice(struct safer_buf *b, const char *text)
{
    if (!text)
        return;
    safer_html_raw(b, "<div class=\"govuk-warning-text\"><span class=\"govuk-warning-text__icon\" "
                      "aria-hidden=\"true\">!</span><strong class=\"govuk-warning-text__text\">"
                      "<span class=\"govuk-visually-hidden\">Warning</span>");
    safer_html_text(b, text);
    safer_html_raw(b, "</strong></div>");
}

static void form_open(struct web_req *req, struct web_resp *resp, const char *action,
                      int64_t version)
{
    struct safer_buf *b = &resp->body;
    safer_html_raw(b, "<form method=\"post\" novalidate action=\"");
    safer_html_attr(b, action);
    safer_html_raw(b, "\">");
    web_csrf_input(req, resp);
    char v[24];
    snprintf(v, sizeof(v), "%lld", (long long)version);
    safer_html_raw(b, "<input type=\"hidden\" name=\"version\" value=\"");
    safer_html_attr(b, v);
    safer_html_raw(b, "\">");
}

static void form_close(struct safer_buf *b)
{
    safer_html_raw(b, "<button type=\"submit\" class=\"govuk-button\" "
                      "data-module=\"govuk-button\">Save</button></form>");
}

/* "Alison Broom (Maidstone Borough Council)" of the group's chairs. */
static const char *chairs(struct web_req *req, const struct safer_plan_group *g)
{
    struct safer_buf t;
    safer_buf_init(&t, 4096);
    for (size_t k = 0; k < g->nmembers; k++) {
        const struct safer_plan_member *m = &g->members[k];
        if (strcmp(m->role, "chair") != 0)
            continue;
        safer_buf_putf(&t, "%s%s%s%s%s", t.len ? "; " : "", m->name,
                       m->organisation ? " (" : "", m->organisation ? m->organisation : "",
                       m->organisation ? ")" : "");
    }
    const char *r = t.len && !safer_buf_error(&t) ? safer_arena_strdup(req->arena, t.ptr) : NULL;
    safer_buf_release(&t);
    return r;
}

/* ---- GET /groups ---- */

int page_groups_get(struct web_req *req, struct web_resp *resp)
{
    struct safer_partnership p;
    int rc = safer_partnership_info(req->st, req->actor.partnership_id, req->arena, &p,
                                    &req->err);
    struct safer_plan *plan = NULL;
    if (rc == 0)
        rc = safer_strategy_get(req->st, &req->actor, req->now, &plan, &req->err);
    if (rc < 0)
        return rc;
    struct safer_buf *b = &resp->body;
    web_page_begin(req, resp, "Groups", NULL);
    heading(b, p.name, "Groups");
    if (!plan || plan->ngroups == 0) {
        safer_html_raw(b, "<p class=\"govuk-body\">The partnership's plan names no groups.</p>");
        web_page_end(req, resp);
        safer_plan_free(plan);
        return 0;
    }
    safer_html_raw(b, "<p class=\"govuk-body\">Who reports to whom, who chairs each group and "
                      "how often it meets. See also the partnership's <a class=\"govuk-link\" "
                      "href=\"/priorities\">priorities</a>.</p>"
                      "<div class=\"safer-table-scroll\" tabindex=\"0\" role=\"region\" "
                      "aria-label=\"Groups\"><table class=\"govuk-table\"><caption "
                      "class=\"govuk-table__caption govuk-visually-hidden\">Groups</caption>"
                      "<thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">");
    web_th(b, "Group", false);
    web_th(b, "Kind", false);
    web_th(b, "Reports to", false);
    web_th(b, "Chair", false);
    web_th(b, "Meets", false);
    safer_html_raw(b, "</tr></thead><tbody class=\"govuk-table__body\">");
    for (size_t i = 0; i < plan->ngroups; i++) {
        const struct safer_plan_group *g = &plan->groups[i];
        const struct safer_plan_group *up = safer_plan_group(plan, g->parent);
        safer_html_raw(b, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">");
        link(b, "/groups/", g->key, g->name);
        safer_html_raw(b, "</td>");
        web_td(b, kind_label(g->kind), false);
        safer_html_raw(b, "<td class=\"govuk-table__cell\">");
        if (up)
            link(b, "/groups/", up->key, up->name);
        else
            safer_html_raw(b, "None");
        safer_html_raw(b, "</td>");
        const char *c = chairs(req, g);
        web_td(b, c ? c : "Not stated", false);
        web_td(b, g->meets ? g->meets : "Not stated", false);
        safer_html_raw(b, "</tr>");
    }
    safer_html_raw(b, "</tbody></table></div>");
    web_page_end(req, resp);
    safer_plan_free(plan);
    return 0;
}

/* ---- GET /groups/{key} ---- */

int page_group_get(struct web_req *req, struct web_resp *resp)
{
    struct safer_plan *plan = NULL;
    int rc = load(req, &plan);
    if (rc < 0)
        return rc;
    const struct safer_plan_group *g = safer_plan_group(plan, req->arg);
    if (!g) {
        safer_plan_free(plan);
        return SAFER_ENOTFOUND;
    }
    struct safer_buf *b = &resp->body;
    web_page_begin(req, resp, g->name, NULL);
    heading(b, kind_label(g->kind), g->name);
    bool edit = safer_role_may(req->actor.role, SAFER_PERM_EDIT_PLAN);
    if (edit) {
        char href[120];
        snprintf(href, sizeof(href), "/groups/edit/%s", g->key);
        button(b, href, "Change this group");
    }
    const struct safer_plan_group *up = safer_plan_group(plan, g->parent);
    web_summary_begin(b);
    safer_html_raw(b,
                   "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">"
                   "Reports to</dt><dd class=\"govuk-summary-list__value\">");
    if (up)
        link(b, "/groups/", up->key, up->name);
    else
        safer_html_raw(b, "None");
    safer_html_raw(b, "</dd></div>");
    const char *c = chairs(req, g);
    web_summary_row(b, "Chair", c ? c : "Not stated");
    web_summary_row(b, "Meets", g->meets ? g->meets : "Not stated");
    web_summary_end(b);

    safer_html_raw(b, "<h2 class=\"govuk-heading-m\">Terms of reference</h2>");
    if (g->terms)
        paragraphs(b, g->terms);
    else
        safer_html_raw(b, "<p class=\"govuk-body\">None recorded.</p>");
    if (g->nremit) {
        safer_html_raw(b, "<h2 class=\"govuk-heading-m\">Remit</h2>"
                          "<ul class=\"govuk-list govuk-list--bullet\">");
        for (size_t k = 0; k < g->nremit; k++) {
            safer_html_raw(b, "<li>");
            safer_html_text(b, g->remit[k]);
            safer_html_raw(b, "</li>");
        }
        safer_html_raw(b, "</ul>");
    }

    safer_html_raw(b, "<h2 class=\"govuk-heading-m\">Members</h2>");
    if (g->nmembers == 0) {
        safer_html_raw(b, "<p class=\"govuk-body\">None recorded.</p>");
    } else {
        safer_html_raw(
            b, "<table class=\"govuk-table\"><caption class=\"govuk-table__caption "
               "govuk-visually-hidden\">Members</caption><thead class=\"govuk-table__head\">"
               "<tr class=\"govuk-table__row\">");
        web_th(b, "Name", false);
        web_th(b, "Organisation", false);
        web_th(b, "Role", false);
        safer_html_raw(b, "</tr></thead><tbody class=\"govuk-table__body\">");
        for (size_t k = 0; k < g->nmembers; k++) {
            safer_html_raw(b, "<tr class=\"govuk-table__row\">");
            web_td(b, g->members[k].name, false);
            web_td(b, g->members[k].organisation ? g->members[k].organisation : "", false);
            web_td(b, role_label(g->members[k].role), false);
            safer_html_raw(b, "</tr>");
        }
        safer_html_raw(b, "</tbody></table>");
    }

    /* The priorities it delivers, and the groups reporting to it. */
    size_t n = 0;
    for (size_t k = 0; k < plan->npriorities; k++) {
        const struct safer_plan_priority *r = &plan->priorities[k];
        for (size_t j = 0; j < r->ngroups; j++) {
            if (strcmp(r->groups[j], g->key) != 0)
                continue;
            if (n++ == 0)
                safer_html_raw(b, "<h2 class=\"govuk-heading-m\">Priorities it delivers</h2>"
                                  "<ul class=\"govuk-list govuk-list--bullet\">");
            safer_html_raw(b, "<li>");
            link(b, "/priorities/", r->key, r->title);
            safer_html_raw(b, "</li>");
            break;
        }
    }
    if (n)
        safer_html_raw(b, "</ul>");
    n = 0;
    for (size_t k = 0; k < plan->ngroups; k++) {
        const struct safer_plan_group *d = &plan->groups[k];
        if (!d->parent || strcmp(d->parent, g->key) != 0)
            continue;
        if (n++ == 0)
            safer_html_raw(b, "<h2 class=\"govuk-heading-m\">Groups reporting to it</h2>"
                              "<ul class=\"govuk-list govuk-list--bullet\">");
        safer_html_raw(b, "<li>");
        link(b, "/groups/", d->key, d->name);
        safer_html_raw(b, "</li>");
    }
    if (n)
        safer_html_raw(b, "</ul>");

    safer_html_raw(b, "<h2 class=\"govuk-heading-m\">Annual plans</h2>");
    if (g->nplans == 0)
        safer_html_raw(b, "<p class=\"govuk-body\">No plan recorded yet.</p>");
    else
        safer_html_raw(b, "<ul class=\"govuk-list\">");
    for (size_t k = 0; k < g->nplans; k++) {
        char href[120], text[64];
        snprintf(href, sizeof(href), "/plans/%s/%d", g->key, g->plans[k].year);
        snprintf(text, sizeof(text), "April %d to March %d", g->plans[k].year,
                 g->plans[k].year + 1);
        safer_html_raw(b, "<li><a class=\"govuk-link\" href=\"");
        safer_html_attr(b, href);
        safer_html_raw(b, "\">");
        safer_html_text(b, text);
        safer_html_raw(b, "</a></li>");
    }
    if (g->nplans)
        safer_html_raw(b, "</ul>");
    int year = safer_plan_year_of(req->now);
    bool has_year = false;
    for (size_t k = 0; k < g->nplans; k++)
        has_year |= g->plans[k].year == year;
    if (edit && !has_year) {
        char href[120];
        snprintf(href, sizeof(href), "/plans/edit/%s/%d", g->key, year);
        button(b, href, "Set this year's outcome");
    }
    if (g->source) {
        safer_html_raw(b, "<p class=\"govuk-body-s\">Source: ");
        safer_html_text(b, g->source);
        safer_html_raw(b, "</p>");
    }
    web_page_end(req, resp);
    safer_plan_free(plan);
    return 0;
}

/* ---- /groups/edit/{key} ---- */

/* The form's members from a posted form: rows 1 to member_rows. */
static void group_from_form(struct web_req *req, struct safer_group_fields *f)
{
    memset(f, 0, sizeof(*f));
    f->name = web_param(&req->form, "name");
    f->kind = web_param(&req->form, "kind");
    f->parent = web_param(&req->form, "parent");
    f->meets = web_param(&req->form, "meets");
    f->terms = web_param(&req->form, "terms");
    f->remit = web_param(&req->form, "remit");
    int64_t rows = web_id(web_param(&req->form, "member_rows"));
    if (rows > SAFER_GROUP_MEMBERS_MAX + SPARE_ROWS)
        rows = SAFER_GROUP_MEMBERS_MAX + SPARE_ROWS;
    struct safer_group_member_fields *m =
        safer_arena_alloc(req->arena, sizeof(*m) * (size_t)(rows ? rows : 1));
    for (int64_t i = 0; i < rows; i++) {
        char k[48];
        snprintf(k, sizeof(k), "member_name_%lld", (long long)i + 1);
        m[i].name = web_param(&req->form, k);
        snprintf(k, sizeof(k), "member_org_%lld", (long long)i + 1);
        m[i].organisation = web_param(&req->form, k);
        snprintf(k, sizeof(k), "member_role_%lld", (long long)i + 1);
        m[i].role = web_param(&req->form, k);
        snprintf(k, sizeof(k), "member_account_%lld", (long long)i + 1);
        m[i].account = web_id(web_param(&req->form, k));
    }
    f->members = m;
    f->nmembers = (size_t)rows;
}

static void group_from_store(struct web_req *req, const struct safer_plan_group *g,
                             struct safer_group_fields *f)
{
    memset(f, 0, sizeof(*f));
    f->name = g->name;
    f->kind = g->kind;
    f->parent = g->parent;
    f->meets = g->meets;
    f->terms = g->terms;
    struct safer_buf t;
    safer_buf_init(&t, 1 << 20);
    for (size_t k = 0; k < g->nremit; k++)
        safer_buf_putf(&t, "%s%s", k ? "\n" : "", g->remit[k]);
    f->remit = safer_buf_error(&t) ? NULL : safer_arena_strdup(req->arena, t.ptr);
    safer_buf_release(&t);
    struct safer_group_member_fields *m =
        safer_arena_alloc(req->arena, sizeof(*m) * (g->nmembers ? g->nmembers : 1));
    for (size_t k = 0; k < g->nmembers; k++) {
        m[k].name = g->members[k].name;
        m[k].organisation = g->members[k].organisation;
        m[k].role = g->members[k].role;
        m[k].account = g->members[k].user_id;
    }
    f->members = m;
    f->nmembers = g->nmembers;
}

static int group_form(struct web_req *req, struct web_resp *resp, const struct safer_plan *plan,
                      const struct safer_plan_group *g, const struct safer_group_fields *f,
                      int64_t version, const struct safer_field_errors *fe, const char *warn)
{
    struct web_choices c;
    int rc = web_choices_load(req, &c, &req->err);
    if (rc < 0)
        return rc;
    resp->private_page = true;
    struct safer_buf *b = &resp->body;
    web_page_begin(req, resp, "Change the group", fe);
    web_error_summary(b, fe);
    notice(b, warn);
    heading(b, g->name, "Change the group");
    char action[120];
    snprintf(action, sizeof(action), "/groups/edit/%s", g->key);
    form_open(req, resp, action, version);
    web_input(b, fe, "name", "Name", NULL, "text", f->name, NULL);
    web_select(b, fe, "kind", "Kind of group", NULL, safer_plan_group_kinds, KIND_LABELS,
               count(safer_plan_group_kinds), NULL, f->kind);
    /* Any other group may be its parent; the library refuses a cycle. */
    const char **pk = safer_arena_alloc(req->arena, sizeof(char *) * (plan->ngroups + 1));
    const char **pn = safer_arena_alloc(req->arena, sizeof(char *) * (plan->ngroups + 1));
    size_t np = 0;
    for (size_t i = 0; i < plan->ngroups; i++) {
        if (strcmp(plan->groups[i].key, g->key) == 0)
            continue;
        pk[np] = plan->groups[i].key;
        pn[np++] = plan->groups[i].name;
    }
    web_select(b, fe, "parent", "Reports to", NULL, pk, pn, np, "None", f->parent);
    web_input(b, fe, "meets", "How often it meets", "For example, monthly, or quarterly",
              "text", f->meets, NULL);
    web_textarea(b, fe, "terms", "Terms of reference", "Its purpose, authority and how it works",
                 8, f->terms);
    web_textarea(b, fe, "remit", "Remit", "Its duties, one a line", 6, f->remit);

    size_t rows = f->nmembers + SPARE_ROWS;
    char nrows[24];
    snprintf(nrows, sizeof(nrows), "%zu", rows);
    safer_html_raw(b, "<h2 class=\"govuk-heading-m\">Members</h2><p class=\"govuk-body\">"
                      "Leave a row's name empty to remove the member.</p>"
                      "<input type=\"hidden\" name=\"member_rows\" value=\"");
    safer_html_attr(b, nrows);
    safer_html_raw(b, "\">");
    for (size_t i = 0; i < rows; i++) {
        const struct safer_group_member_fields *m = i < f->nmembers ? &f->members[i] : NULL;
        char legend[32], kn[40], ko[40], kr[40], ka[40], acc[24] = "";
        snprintf(legend, sizeof(legend), "Member %zu", i + 1);
        snprintf(kn, sizeof(kn), "member_name_%zu", i + 1);
        snprintf(ko, sizeof(ko), "member_org_%zu", i + 1);
        snprintf(kr, sizeof(kr), "member_role_%zu", i + 1);
        snprintf(ka, sizeof(ka), "member_account_%zu", i + 1);
        if (m && m->account)
            snprintf(acc, sizeof(acc), "%lld", (long long)m->account);
        safer_html_raw(b,
                       "<fieldset class=\"govuk-fieldset\"><legend class=\"govuk-fieldset__legend "
                       "govuk-fieldset__legend--s\">");
        safer_html_text(b, legend);
        safer_html_raw(b, "</legend>");
        web_input(b, fe, kn, "Name", NULL, "text", m ? m->name : NULL, NULL);
        web_input(b, fe, ko, "Organisation", NULL, "text", m ? m->organisation : NULL, NULL);
        web_select(b, fe, kr, "Role", NULL, safer_plan_member_roles, ROLE_LABELS,
                   count(safer_plan_member_roles), NULL, m && m->role ? m->role : "member");
        web_select(b, fe, ka, "Account", "When they use safer", c.person_ids, c.person_names,
                   c.npeople, "None", acc);
        safer_html_raw(b, "</fieldset>");
    }
    form_close(b);
    web_page_end(req, resp);
    return 0;
}

static const struct safer_plan_group *group_or_404(const struct safer_plan *plan,
                                                   const char *key, int *rc)
{
    const struct safer_plan_group *g = safer_plan_group(plan, key);
    *rc = g ? 0 : SAFER_ENOTFOUND;
    return g;
}

int page_group_edit_get(struct web_req *req, struct web_resp *resp)
{
    struct safer_plan *plan = NULL;
    int rc = load(req, &plan);
    const struct safer_plan_group *g = rc == 0 ? group_or_404(plan, req->arg, &rc) : NULL;
    if (rc == 0) {
        struct safer_group_fields f;
        group_from_store(req, g, &f);
        rc = group_form(req, resp, plan, g, &f, g->version, NULL, NULL);
    }
    safer_plan_free(plan);
    return rc;
}

int page_group_edit_post(struct web_req *req, struct web_resp *resp)
{
    struct safer_group_fields f;
    group_from_form(req, &f);
    int64_t version = web_id(web_param(&req->form, "version"));
    struct safer_field_errors fe = {.n = 0};
    int rc = safer_group_change(req->st, &req->actor, req->arg, version, &f, req->now, &fe,
                                &req->err);
    if (rc == SAFER_EINVAL && fe.n) {
        struct safer_plan *plan = NULL;
        rc = load(req, &plan);
        const struct safer_plan_group *g = rc == 0 ? group_or_404(plan, req->arg, &rc) : NULL;
        if (rc == 0) {
            resp->status = 400;
            rc = group_form(req, resp, plan, g, &f, version, &fe, NULL);
        }
        safer_plan_free(plan);
        return rc;
    }
    if (rc == SAFER_ECONFLICT) {
        struct safer_plan *plan = NULL;
        rc = load(req, &plan);
        const struct safer_plan_group *g = rc == 0 ? group_or_404(plan, req->arg, &rc) : NULL;
        if (rc == 0) {
            struct safer_group_fields now;
            group_from_store(req, g, &now);
            resp->status = 409;
            rc = group_form(req, resp, plan, g, &now, g->version, NULL,
                            "Someone else changed this group while you were editing it. This "
                            "is the group as it is now: make your change again.");
        }
        safer_plan_free(plan);
        return rc;
    }
    if (rc < 0)
        return rc;
    char to[120];
    snprintf(to, sizeof(to), "/groups/%s", req->arg);
    web_redirect(resp, safer_arena_strdup(req->arena, to));
    return 0;
}

/* ---- GET /priorities and /priorities/{key} ---- */

int page_priorities_get(struct web_req *req, struct web_resp *resp)
{
    struct safer_plan *plan = NULL;
    int rc = load(req, &plan);
    if (rc < 0)
        return rc;
    struct safer_buf *b = &resp->body;
    web_page_begin(req, resp, "Priorities", NULL);
    heading(b, plan->name, "Priorities");
    safer_html_raw(b, "<div class=\"safer-table-scroll\" tabindex=\"0\" role=\"region\" "
                      "aria-label=\"Priorities\"><table class=\"govuk-table\"><caption "
                      "class=\"govuk-table__caption govuk-visually-hidden\">Priorities</caption>"
                      "<thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">");
    web_th(b, "Priority", false);
    web_th(b, "Objective", false);
    safer_html_raw(b, "</tr></thead><tbody class=\"govuk-table__body\">");
    for (size_t i = 0; i < plan->npriorities; i++) {
        const struct safer_plan_priority *r = &plan->priorities[i];
        safer_html_raw(b, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">");
        link(b, "/priorities/", r->key, r->title);
        if (r->cross_cutting)
            safer_html_raw(b,
                           " <strong class=\"govuk-tag govuk-tag--grey\">Cross-cutting</strong>");
        safer_html_raw(b, "</td>");
        web_td(b, r->objective ? r->objective : "", false);
        safer_html_raw(b, "</tr>");
    }
    safer_html_raw(b, "</tbody></table></div>");
    web_page_end(req, resp);
    safer_plan_free(plan);
    return 0;
}

int page_priority_get(struct web_req *req, struct web_resp *resp)
{
    struct safer_plan *plan = NULL;
    int rc = load(req, &plan);
    if (rc < 0)
        return rc;
    const struct safer_plan_priority *r = priority_of(plan, req->arg);
    struct safer_indicator_query iq = {.priority_key = req->arg};
    struct safer_indicator *ind = NULL;
    size_t nind = 0;
    struct safer_action *act = NULL;
    size_t nact = 0;
    bool actions = safer_role_may(req->actor.role, SAFER_PERM_VIEW_PLAN);
    if (!r)
        rc = SAFER_ENOTFOUND;
    if (rc == 0)
        rc = safer_indicator_list(req->st, &req->actor, &iq, req->now, req->arena, &ind, &nind,
                                  &req->err);
    if (rc == 0 && actions) {
        struct safer_action_query aq = {.priority_key = req->arg};
        rc = safer_action_list(req->st, &req->actor, &aq, req->now, req->arena, &act, &nact,
                               &req->err);
    }
    if (rc < 0) {
        safer_plan_free(plan);
        return rc;
    }
    resp->private_page = actions;
    struct safer_buf *b = &resp->body;
    web_page_begin(req, resp, r->title, NULL);
    heading(b, r->cross_cutting ? "Cross-cutting theme" : "Priority", r->title);
    if (safer_role_may(req->actor.role, SAFER_PERM_EDIT_PLAN)) {
        char href[120];
        snprintf(href, sizeof(href), "/priorities/edit/%s", r->key);
        button(b, href, "Change this priority");
    }
    web_summary_begin(b);
    web_summary_row(b, "Objective", r->objective ? r->objective : "Not stated");
    web_summary_row(b, "Focus", r->description ? r->description : "Not stated");
    struct safer_buf t;
    safer_buf_init(&t, 4096);
    for (size_t k = 0; k < r->ncategories; k++)
        safer_buf_putf(&t, "%s%s", k ? ", " : "", r->categories[k]);
    web_summary_row(b, "police.uk categories", t.len ? t.ptr : "None");
    safer_buf_release(&t);
    web_summary_end(b);
    if (r->cannot_show) {
        safer_html_raw(b, "<p class=\"govuk-body-s\">What police.uk cannot show of it: ");
        safer_html_text(b, r->cannot_show);
        safer_html_raw(b, "</p>");
    }
    safer_html_raw(b, "<h2 class=\"govuk-heading-m\">County and commissioner priorities it "
                      "serves</h2>");
    if (r->nlinks == 0)
        safer_html_raw(b, "<p class=\"govuk-body\">None recorded.</p>");
    else
        safer_html_raw(b, "<ul class=\"govuk-list govuk-list--bullet\">");
    for (size_t k = 0; k < r->nlinks; k++) {
        safer_html_raw(b, "<li>");
        safer_html_text(b, link_label(r->links[k].kind));
        safer_html_raw(b, ": ");
        safer_html_text(b, r->links[k].title);
        safer_html_raw(b, "</li>");
    }
    if (r->nlinks)
        safer_html_raw(b, "</ul>");
    safer_html_raw(b, "<h2 class=\"govuk-heading-m\">Groups that deliver it</h2>");
    if (r->ngroups == 0)
        safer_html_raw(b, "<p class=\"govuk-body\">None named.</p>");
    else
        safer_html_raw(b, "<ul class=\"govuk-list govuk-list--bullet\">");
    for (size_t k = 0; k < r->ngroups; k++) {
        const struct safer_plan_group *g = safer_plan_group(plan, r->groups[k]);
        safer_html_raw(b, "<li>");
        link(b, "/groups/", r->groups[k], g ? g->name : r->groups[k]);
        safer_html_raw(b, "</li>");
    }
    if (r->ngroups)
        safer_html_raw(b, "</ul>");
    web_indicator_table(b, "Indicators", ind, nind);
    if (actions)
        web_action_table(b, "Actions", act, nact);
    web_page_end(req, resp);
    safer_plan_free(plan);
    return 0;
}

/* ---- /priorities/edit/{key} ---- */

static void priority_from_store(struct web_req *req, const struct safer_plan_priority *r,
                                struct safer_priority_fields *f)
{
    memset(f, 0, sizeof(*f));
    f->title = r->title;
    f->objective = r->objective;
    f->focus = r->description;
    f->cross_cutting = r->cross_cutting;
    f->categories = r->categories;
    f->ncategories = r->ncategories;
    struct safer_priority_link_fields *l =
        safer_arena_alloc(req->arena, sizeof(*l) * (r->nlinks ? r->nlinks : 1));
    for (size_t k = 0; k < r->nlinks; k++) {
        l[k].kind = r->links[k].kind;
        l[k].title = r->links[k].title;
    }
    f->links = l;
    f->nlinks = r->nlinks;
}

static void priority_from_form(struct web_req *req, struct safer_priority_fields *f)
{
    memset(f, 0, sizeof(*f));
    f->title = web_param(&req->form, "title");
    f->objective = web_param(&req->form, "objective");
    f->focus = web_param(&req->form, "focus");
    const char *cc = web_param(&req->form, "cross_cutting");
    f->cross_cutting = cc && strcmp(cc, "yes") == 0;
    size_t ncat = web_param_count(&req->form, "categories");
    const char **cats = safer_arena_alloc(req->arena, sizeof(char *) * (ncat ? ncat : 1));
    size_t k = 0;
    for (size_t i = 0; i < req->form.n && k < ncat; i++) {
        if (strcmp(req->form.v[i].name, "categories") == 0)
            cats[k++] = req->form.v[i].value;
    }
    f->categories = cats;
    f->ncategories = k;
    int64_t rows = web_id(web_param(&req->form, "link_rows"));
    if (rows > SAFER_PRIORITY_LINKS_MAX + SPARE_ROWS)
        rows = SAFER_PRIORITY_LINKS_MAX + SPARE_ROWS;
    struct safer_priority_link_fields *l =
        safer_arena_alloc(req->arena, sizeof(*l) * (size_t)(rows ? rows : 1));
    for (int64_t i = 0; i < rows; i++) {
        char key[40];
        snprintf(key, sizeof(key), "link_kind_%lld", (long long)i + 1);
        l[i].kind = web_param(&req->form, key);
        snprintf(key, sizeof(key), "link_title_%lld", (long long)i + 1);
        l[i].title = web_param(&req->form, key);
    }
    f->links = l;
    f->nlinks = (size_t)rows;
}

static int priority_form(struct web_req *req, struct web_resp *resp,
                         const struct safer_plan_priority *r, const struct safer_priority_fields *f,
                         int64_t version, const struct safer_field_errors *fe, const char *warn)
{
    resp->private_page = true;
    struct safer_buf *b = &resp->body;
    web_page_begin(req, resp, "Change the priority", fe);
    web_error_summary(b, fe);
    notice(b, warn);
    heading(b, r->title, "Change the priority");
    char action[120];
    snprintf(action, sizeof(action), "/priorities/edit/%s", r->key);
    form_open(req, resp, action, version);
    web_input(b, fe, "title", "Title", NULL, "text", f->title, NULL);
    web_textarea(b, fe, "objective", "Objective", "What the partnership will achieve", 3,
                 f->objective);
    web_textarea(b, fe, "focus", "Focus", "What the work concentrates on, and why", 6, f->focus);
    safer_html_raw(b, "<div class=\"govuk-form-group\"><div class=\"govuk-checkboxes "
                      "govuk-checkboxes--small\"><div class=\"govuk-checkboxes__item\"><input "
                      "class=\"govuk-checkboxes__input\" type=\"checkbox\" id=\"cross_cutting\" "
                      "name=\"cross_cutting\" value=\"yes\"");
    if (f->cross_cutting)
        safer_html_raw(b, " checked");
    safer_html_raw(b, "><label class=\"govuk-label govuk-checkboxes__label\" "
                      "for=\"cross_cutting\">A cross-cutting theme (such as Prevent, ASB or "
                      "reducing reoffending) that runs through the other priorities</label>"
                      "</div></div></div>");
    size_t ncat = 0;
    while (safer_plan_categories[ncat])
        ncat++;
    web_checkboxes(b, fe, "categories", "police.uk categories it maps to",
                   "Tick none when police.uk data does not measure it", safer_plan_categories,
                   safer_plan_categories, ncat, f->categories, f->ncategories);
    size_t rows = f->nlinks + SPARE_ROWS;
    char nrows[24];
    snprintf(nrows, sizeof(nrows), "%zu", rows);
    safer_html_raw(b, "<h2 class=\"govuk-heading-m\">County and commissioner priorities it "
                      "serves</h2><p class=\"govuk-body\">Only those the plan states. Leave a "
                      "title empty to remove the link.</p>"
                      "<input type=\"hidden\" name=\"link_rows\" value=\"");
    safer_html_attr(b, nrows);
    safer_html_raw(b, "\">");
    for (size_t i = 0; i < rows; i++) {
        const struct safer_priority_link_fields *l = i < f->nlinks ? &f->links[i] : NULL;
        char legend[32], kk[40], kt[40];
        snprintf(legend, sizeof(legend), "Link %zu", i + 1);
        snprintf(kk, sizeof(kk), "link_kind_%zu", i + 1);
        snprintf(kt, sizeof(kt), "link_title_%zu", i + 1);
        safer_html_raw(b,
                       "<fieldset class=\"govuk-fieldset\"><legend class=\"govuk-fieldset__legend "
                       "govuk-fieldset__legend--s\">");
        safer_html_text(b, legend);
        safer_html_raw(b, "</legend>");
        web_select(b, fe, kk, "Whose priority", NULL, safer_plan_link_kinds, LINK_LABELS,
                   count(safer_plan_link_kinds), NULL, l && l->kind ? l->kind : "county");
        web_input(b, fe, kt, "Title", "In its own words", "text", l ? l->title : NULL, NULL);
        safer_html_raw(b, "</fieldset>");
    }
    form_close(b);
    web_page_end(req, resp);
    return 0;
}

int page_priority_edit_get(struct web_req *req, struct web_resp *resp)
{
    struct safer_plan *plan = NULL;
    int rc = load(req, &plan);
    const struct safer_plan_priority *r = rc == 0 ? priority_of(plan, req->arg) : NULL;
    if (rc == 0 && !r)
        rc = SAFER_ENOTFOUND;
    if (rc == 0) {
        struct safer_priority_fields f;
        priority_from_store(req, r, &f);
        rc = priority_form(req, resp, r, &f, r->version, NULL, NULL);
    }
    safer_plan_free(plan);
    return rc;
}

int page_priority_edit_post(struct web_req *req, struct web_resp *resp)
{
    struct safer_priority_fields f;
    priority_from_form(req, &f);
    int64_t version = web_id(web_param(&req->form, "version"));
    struct safer_field_errors fe = {.n = 0};
    int rc = safer_priority_change(req->st, &req->actor, req->arg, version, &f, req->now, &fe,
                                   &req->err);
    if ((rc == SAFER_EINVAL && fe.n) || rc == SAFER_ECONFLICT) {
        bool conflict = rc == SAFER_ECONFLICT;
        struct safer_plan *plan = NULL;
        rc = load(req, &plan);
        const struct safer_plan_priority *r = rc == 0 ? priority_of(plan, req->arg) : NULL;
        if (rc == 0 && !r)
            rc = SAFER_ENOTFOUND;
        if (rc == 0 && conflict) {
            struct safer_priority_fields now;
            priority_from_store(req, r, &now);
            resp->status = 409;
            rc = priority_form(req, resp, r, &now, r->version, NULL,
                               "Someone else changed this priority while you were editing it. "
                               "This is the priority as it is now: make your change again.");
        } else if (rc == 0) {
            resp->status = 400;
            rc = priority_form(req, resp, r, &f, version, &fe, NULL);
        }
        safer_plan_free(plan);
        return rc;
    }
    if (rc < 0)
        return rc;
    char to[120];
    snprintf(to, sizeof(to), "/priorities/%s", req->arg);
    web_redirect(resp, safer_arena_strdup(req->arena, to));
    return 0;
}

/* ---- /plans/{group}/{year} ---- */

/* "smpeg/2021" into the group and the year; false when it is not one. */
static bool plan_arg(struct web_req *req, const char **key, int *year)
{
    const char *slash = req->arg ? strrchr(req->arg, '/') : NULL;
    if (!slash || slash == req->arg || strlen(slash + 1) != 4)
        return false;
    int y = 0;
    for (const char *p = slash + 1; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        y = y * 10 + (*p - '0');
    }
    if (y < SAFER_PLAN_YEAR_MIN || y > SAFER_PLAN_YEAR_MAX)
        return false;
    *key = safer_arena_strndup(req->arena, req->arg, (size_t)(slash - req->arg));
    *year = y;
    return !strchr(*key, '/');
}

static const struct safer_plan_outcome *outcome_of(const struct safer_plan_group *g, int year)
{
    for (size_t k = 0; k < g->nplans; k++) {
        if (g->plans[k].year == year)
            return &g->plans[k];
    }
    return NULL;
}

int page_plan_get(struct web_req *req, struct web_resp *resp)
{
    const char *key;
    int year;
    if (!plan_arg(req, &key, &year))
        return SAFER_ENOTFOUND;
    struct safer_plan *plan = NULL;
    int rc = load(req, &plan);
    const struct safer_plan_group *g = rc == 0 ? group_or_404(plan, key, &rc) : NULL;
    struct safer_indicator_query iq = {.group_key = key};
    struct safer_indicator *ind = NULL;
    size_t nind = 0;
    struct safer_action *act = NULL;
    size_t nact = 0;
    bool actions = safer_role_may(req->actor.role, SAFER_PERM_VIEW_PLAN);
    if (rc == 0)
        rc = safer_indicator_list(req->st, &req->actor, &iq, req->now, req->arena, &ind, &nind,
                                  &req->err);
    if (rc == 0 && actions) {
        struct safer_action_query aq = {.group_key = key};
        rc = safer_action_list(req->st, &req->actor, &aq, req->now, req->arena, &act, &nact,
                               &req->err);
    }
    if (rc < 0) {
        safer_plan_free(plan);
        return rc;
    }
    /* The year's actions: due or started in it, or still open. */
    size_t n = 0;
    for (size_t i = 0; i < nact; i++) {
        if (safer_action_in_plan_year(&act[i], year))
            act[n++] = act[i];
    }
    resp->private_page = actions;
    const struct safer_plan_outcome *o = outcome_of(g, year);
    char title[96];
    snprintf(title, sizeof(title), "Plan for April %d to March %d", year, year + 1);
    struct safer_buf *b = &resp->body;
    web_page_begin(req, resp, title, NULL);
    heading(b, g->name, title);
    safer_html_raw(b, "<p class=\"govuk-body\">");
    link(b, "/groups/", g->key, "About the group");
    safer_html_raw(b, "</p><h2 class=\"govuk-heading-m\">Outcome</h2>");
    if (o)
        paragraphs(b, o->outcome);
    else
        safer_html_raw(b, "<p class=\"govuk-body\">No outcome set for this year.</p>");
    if (safer_role_may(req->actor.role, SAFER_PERM_EDIT_PLAN)) {
        char href[120];
        snprintf(href, sizeof(href), "/plans/edit/%s/%d", g->key, year);
        button(b, href, o ? "Change the outcome" : "Set the outcome");
    }
    web_indicator_table(b, "Indicators", ind, nind);
    if (actions)
        web_action_table(b, "Actions", act, n);
    web_page_end(req, resp);
    safer_plan_free(plan);
    return 0;
}

static int plan_form(struct web_req *req, struct web_resp *resp,
                     const struct safer_plan_group *g, int year, const char *outcome,
                     int64_t version, const struct safer_field_errors *fe, const char *warn)
{
    resp->private_page = true;
    char title[96];
    snprintf(title, sizeof(title), "Outcome for April %d to March %d", year, year + 1);
    struct safer_buf *b = &resp->body;
    web_page_begin(req, resp, title, fe);
    web_error_summary(b, fe);
    notice(b, warn);
    heading(b, g->name, title);
    char action[120];
    snprintf(action, sizeof(action), "/plans/edit/%s/%d", g->key, year);
    form_open(req, resp, action, version);
    web_textarea(b, fe, "outcome", "Outcome",
                 "The high-level outcome the group aims at this year", 6, outcome);
    form_close(b);
    web_page_end(req, resp);
    return 0;
}

int page_plan_edit_get(struct web_req *req, struct web_resp *resp)
{
    const char *key;
    int year;
    if (!plan_arg(req, &key, &year))
        return SAFER_ENOTFOUND;
    struct safer_plan *plan = NULL;
    int rc = load(req, &plan);
    const struct safer_plan_group *g = rc == 0 ? group_or_404(plan, key, &rc) : NULL;
    if (rc == 0) {
        const struct safer_plan_outcome *o = outcome_of(g, year);
        rc = plan_form(req, resp, g, year, o ? o->outcome : NULL, o ? o->version : 0, NULL,
                       NULL);
    }
    safer_plan_free(plan);
    return rc;
}

int page_plan_edit_post(struct web_req *req, struct web_resp *resp)
{
    const char *key;
    int year;
    if (!plan_arg(req, &key, &year))
        return SAFER_ENOTFOUND;
    const char *outcome = web_param(&req->form, "outcome");
    const char *vs = web_param(&req->form, "version");
    int64_t version = vs && strcmp(vs, "0") == 0 ? 0 : web_id(vs);
    struct safer_field_errors fe = {.n = 0};
    int rc = safer_group_plan_set(req->st, &req->actor, key, year, version, outcome, req->now,
                                  &fe, &req->err);
    if ((rc == SAFER_EINVAL && fe.n) || rc == SAFER_ECONFLICT) {
        bool conflict = rc == SAFER_ECONFLICT;
        struct safer_plan *plan = NULL;
        rc = load(req, &plan);
        const struct safer_plan_group *g = rc == 0 ? group_or_404(plan, key, &rc) : NULL;
        if (rc == 0 && conflict) {
            const struct safer_plan_outcome *o = outcome_of(g, year);
            resp->status = 409;
            rc = plan_form(req, resp, g, year, o ? o->outcome : NULL, o ? o->version : 0, NULL,
                           "Someone else changed this plan while you were editing it. This is "
                           "the plan as it is now: make your change again.");
        } else if (rc == 0) {
            resp->status = 400;
            rc = plan_form(req, resp, g, year, outcome, version, &fe, NULL);
        }
        safer_plan_free(plan);
        return rc;
    }
    if (rc < 0)
        return rc;
    char to[120];
    snprintf(to, sizeof(to), "/plans/%s/%d", key, year);
    web_redirect(resp, safer_arena_strdup(req->arena, to));
    return 0;
}

/* ---- GET /api/groups ---- */

static void jstr(struct safer_buf *b, const char *key, const char *v, bool first)
{
    if (!first)
        safer_buf_puts(b, ",");
    web_json_key(b, key);
    web_json_str(b, v);
}

int api_groups_get(struct web_req *req, struct web_resp *resp)
{
    struct safer_plan *plan = NULL;
    int rc = safer_strategy_get(req->st, &req->actor, req->now, &plan, &req->err);
    if (rc < 0)
        return rc;
    struct safer_buf *b = &resp->body;
    resp->content_type = "application/json";
    safer_buf_puts(b, "{");
    web_json_key(b, "groups");
    safer_buf_puts(b, "[");
    for (size_t i = 0; plan && i < plan->ngroups; i++) {
        const struct safer_plan_group *g = &plan->groups[i];
        safer_buf_puts(b, i ? ",{" : "{");
        jstr(b, "key", g->key, true);
        jstr(b, "name", g->name, false);
        jstr(b, "kind", g->kind, false);
        jstr(b, "reports_to", g->parent, false);
        jstr(b, "meets", g->meets, false);
        jstr(b, "terms", g->terms, false);
        safer_buf_puts(b, ",");
        web_json_key(b, "remit");
        safer_buf_puts(b, "[");
        for (size_t k = 0; k < g->nremit; k++) {
            if (k)
                safer_buf_puts(b, ",");
            web_json_str(b, g->remit[k]);
        }
        safer_buf_puts(b, "],");
        web_json_key(b, "members");
        safer_buf_puts(b, "[");
        for (size_t k = 0; k < g->nmembers; k++) {
            safer_buf_puts(b, k ? ",{" : "{");
            jstr(b, "name", g->members[k].name, true);
            jstr(b, "organisation", g->members[k].organisation, false);
            jstr(b, "role", g->members[k].role, false);
            safer_buf_puts(b, "}");
        }
        safer_buf_puts(b, "],");
        web_json_key(b, "plans");
        safer_buf_puts(b, "[");
        for (size_t k = 0; k < g->nplans; k++) {
            safer_buf_puts(b, k ? ",{" : "{");
            web_json_key(b, "year");
            web_json_int(b, g->plans[k].year);
            jstr(b, "outcome", g->plans[k].outcome, false);
            safer_buf_puts(b, "}");
        }
        safer_buf_puts(b, "],");
        web_json_key(b, "priorities");
        safer_buf_puts(b, "[");
        size_t n = 0;
        for (size_t k = 0; k < plan->npriorities; k++) {
            const struct safer_plan_priority *r = &plan->priorities[k];
            for (size_t j = 0; j < r->ngroups; j++) {
                if (strcmp(r->groups[j], g->key) == 0) {
                    if (n++)
                        safer_buf_puts(b, ",");
                    web_json_str(b, r->key);
                    break;
                }
            }
        }
        safer_buf_puts(b, "],");
        web_json_key(b, "version");
        web_json_int(b, g->version);
        safer_buf_puts(b, "}");
    }
    safer_buf_puts(b, "]}\n");
    safer_plan_free(plan);
    return 0;
}
