/*
 * page_equality.c - equality impact assessments of the partnership's plans:
 * the list (GET /equality), one assessment (GET /equality/{id}), adding
 * (GET and POST /equality/new) and changing one (GET and POST
 * /equality/edit/{id}).
 *
 * The library decides who may read and change (equality.h); a page only
 * chooses which links to draw for the role. A form that fails comes back
 * with the GOV.UK error summary, each field's message and what was typed;
 * nothing is saved half-way. A review date in the past shows "Review
 * overdue".
 */
#include "util/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "page.h"
#include "safer/equality.h"

/* "2021 to 2022": a plan year runs from April to March. */
static void year_text(int year, char *out, size_t size)
{
    snprintf(out, size, "%d to %d", year, year + 1);
}

/* The plan an assessment is of. */
static const char *plan_name(const struct safer_equality *e)
{
    if (!e->group_key)
        return "The partnership's plan";
    return e->group_name ? e->group_name : e->group_key;
}

static void overdue_tag(struct safer_buf *b)
{
    safer_html_raw(b, "<strong class=\"govuk-tag govuk-tag--red\">Review overdue</strong>");
}

/* ---- GET /equality ---- */

int page_equality_list_get(struct web_req *req, struct web_resp *resp)
{
    struct safer_equality *v = NULL;
    size_t n = 0;
    int rc = safer_equality_list(req->st, &req->actor, req->now, req->arena, &v, &n, &req->err);
    if (rc < 0)
        return rc;
    resp->private_page = true;
    struct safer_buf *b = &resp->body;
    web_page_begin(req, resp, "Equality impact assessments", NULL);
    safer_html_raw(b, "<h1 class=\"govuk-heading-l\">Equality impact assessments</h1>"
                      "<p class=\"govuk-body\">How the partnership's plans were checked against "
                      "its duties under the Equality Act 2010: the protected characteristics "
                      "considered, the evidence, what was found and what mitigates it.</p>");
    if (safer_role_may(req->actor.role, SAFER_PERM_EDIT_PLAN))
        safer_html_raw(b, "<p class=\"govuk-body\"><a class=\"govuk-button\" "
                          "href=\"/equality/new\">Add an assessment</a></p>");
    safer_html_raw(b, "<div class=\"safer-table-scroll\" tabindex=\"0\" role=\"region\" "
                      "aria-label=\"Assessments\"><table class=\"govuk-table\">"
                      "<caption class=\"govuk-table__caption govuk-table__caption--m\">"
                      "Assessments</caption><thead class=\"govuk-table__head\">"
                      "<tr class=\"govuk-table__row\">");
    web_th(b, "Plan", false);
    web_th(b, "Plan year", false);
    web_th(b, "Characteristics considered", true);
    web_th(b, "Review", false);
    safer_html_raw(b, "</tr></thead><tbody class=\"govuk-table__body\">");
    for (size_t i = 0; i < n; i++) {
        const struct safer_equality *e = &v[i];
        char href[48], year[32], nchars[16];
        snprintf(href, sizeof(href), "/equality/%lld", (long long)e->id);
        year_text(e->year, year, sizeof(year));
        snprintf(nchars, sizeof(nchars), "%zu of 9", e->ncharacteristics);
        safer_html_raw(b, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">"
                          "<a class=\"govuk-link\" href=\"");
        safer_html_attr(b, href);
        safer_html_raw(b, "\">");
        safer_html_text(b, plan_name(e));
        safer_html_raw(b, "</a></td>");
        web_td(b, year, false);
        web_td(b, nchars, true);
        safer_html_raw(b, "<td class=\"govuk-table__cell\">");
        safer_html_text(b, e->review_date);
        if (e->review_overdue) {
            safer_html_raw(b, " ");
            overdue_tag(b);
        }
        safer_html_raw(b, "</td></tr>");
    }
    if (n == 0)
        safer_html_raw(b, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\" "
                          "colspan=\"4\">None yet.</td></tr>");
    safer_html_raw(b, "</tbody></table></div>");
    web_page_end(req, resp);
    return 0;
}

/* ---- GET /equality/{id} ---- */

int page_equality_get(struct web_req *req, struct web_resp *resp)
{
    int64_t id = web_id(req->arg);
    if (!id)
        return SAFER_ENOTFOUND;
    struct safer_equality e;
    int rc = safer_equality_get(req->st, &req->actor, id, req->now, req->arena, &e, &req->err);
    if (rc < 0)
        return rc;
    resp->private_page = true;
    struct safer_buf *b = &resp->body;
    char year[32], title[300];
    year_text(e.year, year, sizeof(year));
    snprintf(title, sizeof(title), "%s, %s", plan_name(&e), year);
    web_page_begin(req, resp, title, NULL);
    safer_html_raw(b, "<span class=\"govuk-caption-l\">Equality impact assessment</span>"
                      "<h1 class=\"govuk-heading-l\">");
    safer_html_text(b, title);
    safer_html_raw(b, "</h1>");
    if (e.review_overdue) {
        safer_html_raw(b, "<p class=\"govuk-body\">");
        overdue_tag(b);
        safer_html_raw(b, "</p>");
    }
    web_summary_begin(b);
    web_summary_row(b, "Plan", plan_name(&e));
    web_summary_row(b, "Plan year", year);
    safer_html_raw(b, "<div class=\"govuk-summary-list__row\"><dt "
                      "class=\"govuk-summary-list__key\">Protected characteristics considered</dt>"
                      "<dd class=\"govuk-summary-list__value\"><ul class=\"govuk-list "
                      "govuk-list--bullet\">");
    for (size_t i = 0; i < e.ncharacteristics; i++) {
        safer_html_raw(b, "<li>");
        safer_html_text(b, safer_equality_characteristic_label(e.characteristics[i]));
        safer_html_raw(b, "</li>");
    }
    safer_html_raw(b, "</ul></dd></div>");
    web_summary_text(b, "Evidence", e.evidence, "None given");
    web_summary_text(b, "Findings", e.findings, "None given");
    web_summary_text(b, "Mitigating actions", e.mitigations, "None given");
    web_summary_row(b, "Review date", e.review_date);
    web_summary_row(b, "Last changed", e.updated_at);
    web_summary_end(b);
    if (safer_role_may(req->actor.role, SAFER_PERM_EDIT_PLAN)) {
        char href[48];
        snprintf(href, sizeof(href), "/equality/edit/%lld", (long long)e.id);
        safer_html_raw(b, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"");
        safer_html_attr(b, href);
        safer_html_raw(b, "\">Change this assessment</a></p>");
    }
    safer_html_raw(b, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/equality\">"
                      "All equality impact assessments</a></p>");
    web_page_end(req, resp);
    return 0;
}

/* ---- adding and changing ---- */

static struct safer_equality_fields fields_of(struct web_req *req, const struct safer_equality *e)
{
    char *year = safer_arena_alloc(req->arena, 16);
    snprintf(year, 16, "%d", e->year);
    struct safer_equality_fields f = {
        .group_key = e->group_key,
        .year = year,
        .characteristics = (const char *const *)e->characteristics,
        .ncharacteristics = e->ncharacteristics,
        .evidence = e->evidence,
        .findings = e->findings,
        .mitigations = e->mitigations,
        .review_date = e->review_date,
    };
    return f;
}

static void fields_from_form(struct web_req *req, struct safer_equality_fields *f)
{
    memset(f, 0, sizeof(*f));
    f->group_key = web_param(&req->form, "group_key");
    f->year = web_param(&req->form, "year");
    f->characteristics = web_param_all(req, "characteristics", &f->ncharacteristics);
    f->evidence = web_param(&req->form, "evidence");
    f->findings = web_param(&req->form, "findings");
    f->mitigations = web_param(&req->form, "mitigations");
    f->review_date = web_param(&req->form, "review_date");
}

static int eia_form(struct web_req *req, struct web_resp *resp, const char *heading,
                    const char *post_to, const struct safer_equality_fields *f, int64_t version,
                    const struct safer_field_errors *fe, const char *notice)
{
    struct web_choices c;
    int rc = web_choices_load(req, &c, &req->err);
    if (rc < 0)
        return rc;
    struct safer_buf *b = &resp->body;
    web_form_page_begin(req, resp, heading, post_to, version, fe, notice);
    /* In the order the library checks them, so that the error summary
     * lists them as the page shows them. */
    web_select(b, fe, "group_key", "Plan", "The partnership's own plan, or a group's",
               c.group_keys, c.group_names, c.ngroup, "The partnership's plan", f->group_key);
    web_input(b, fe, "year", "Plan year", "The year it starts in April, for example 2021",
              "text", f->year, NULL);
    size_t nchar = 0;
    while (safer_equality_characteristics[nchar])
        nchar++;
    const char **labels = safer_arena_alloc(req->arena, (nchar + 1) * sizeof(char *));
    for (size_t i = 0; i < nchar; i++)
        labels[i] = safer_equality_characteristic_label(safer_equality_characteristics[i]);
    web_checkboxes(b, fe, "characteristics", "Protected characteristics considered",
                   "The nine of the Equality Act 2010. Select all that apply",
                   safer_equality_characteristics, labels, nchar, f->characteristics,
                   f->ncharacteristics);
    web_textarea(b, fe, "evidence", "Evidence", "What the assessment drew on", 5, f->evidence);
    web_textarea(b, fe, "findings", "Findings", "Who the plan may affect differently, and how",
                 5, f->findings);
    web_textarea(b, fe, "mitigations", "Mitigating actions",
                 "What the partnership will do about it", 5, f->mitigations);
    web_input(b, fe, "review_date", "Review date", "For example, 2027-03-31", "text",
              f->review_date, NULL);
    safer_html_raw(b, "<button type=\"submit\" class=\"govuk-button\" "
                      "data-module=\"govuk-button\">Save</button></form>");
    web_page_end(req, resp);
    return 0;
}

int page_equality_new_get(struct web_req *req, struct web_resp *resp)
{
    struct safer_equality_fields f = {.year = NULL};
    return eia_form(req, resp, "Add an equality impact assessment", "/equality/new", &f, 0, NULL,
                    NULL);
}

int page_equality_new_post(struct web_req *req, struct web_resp *resp)
{
    struct safer_equality_fields f;
    fields_from_form(req, &f);
    struct safer_field_errors fe = {.n = 0};
    int64_t id = 0;
    int rc = safer_equality_add(req->st, &req->actor, &f, req->now, &id, &fe, &req->err);
    if (rc == SAFER_EINVAL && fe.n) {
        resp->status = 400;
        return eia_form(req, resp, "Add an equality impact assessment", "/equality/new", &f, 0,
                        &fe, NULL);
    }
    if (rc < 0)
        return rc;
    char to[48];
    snprintf(to, sizeof(to), "/equality/%lld", (long long)id);
    web_redirect(resp, safer_arena_strdup(req->arena, to));
    return 0;
}

int page_equality_edit_get(struct web_req *req, struct web_resp *resp)
{
    int64_t id = web_id(req->arg);
    if (!id)
        return SAFER_ENOTFOUND;
    struct safer_equality e;
    int rc = safer_equality_get(req->st, &req->actor, id, req->now, req->arena, &e, &req->err);
    if (rc < 0)
        return rc;
    struct safer_equality_fields f = fields_of(req, &e);
    char to[48];
    snprintf(to, sizeof(to), "/equality/edit/%lld", (long long)id);
    return eia_form(req, resp, "Change the equality impact assessment", to, &f, e.version, NULL,
                    NULL);
}

int page_equality_edit_post(struct web_req *req, struct web_resp *resp)
{
    int64_t id = web_id(req->arg);
    if (!id)
        return SAFER_ENOTFOUND;
    struct safer_equality_fields f;
    fields_from_form(req, &f);
    int64_t version = web_id(web_param(&req->form, "version"));
    struct safer_field_errors fe = {.n = 0};
    int rc = safer_equality_change(req->st, &req->actor, id, version, &f, req->now, &fe,
                                   &req->err);
    char to[48];
    snprintf(to, sizeof(to), "/equality/edit/%lld", (long long)id);
    if (rc == SAFER_EINVAL && fe.n) {
        resp->status = 400;
        return eia_form(req, resp, "Change the equality impact assessment", to, &f, version, &fe,
                        NULL);
    }
    if (rc == SAFER_ECONFLICT) {
        /* Someone changed it since the form was drawn: show theirs, say so. */
        struct safer_equality e;
        rc = safer_equality_get(req->st, &req->actor, id, req->now, req->arena, &e, &req->err);
        if (rc < 0)
            return rc;
        struct safer_equality_fields now = fields_of(req, &e);
        resp->status = 409;
        return eia_form(req, resp, "Change the equality impact assessment", to, &now, e.version,
                        NULL,
                        "Someone else changed this assessment while you were editing it. "
                        "This is the assessment as it is now: make your change again.");
    }
    if (rc < 0)
        return rc;
    snprintf(to, sizeof(to), "/equality/%lld", (long long)id);
    web_redirect(resp, safer_arena_strdup(req->arena, to));
    return 0;
}
