/*
 * page_project.c - the partnership's problem-solving projects (project.h):
 * the list (GET /projects), one project's OSARA record with its computed
 * assessment (GET /projects/{id}), adding a response (POST
 * /projects/responses/{id}: the router takes one {id} as the last segment,
 * as /actions/update/{id} does), adding (GET and POST /projects/new) and
 * changing one (GET and POST /projects/edit/{id}).
 *
 * The library decides who may read and change; a page only leaves out the
 * forms the role would be refused. A form that fails comes back with the
 * GOV.UK error summary, each field's message and what was typed.
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "page.h"
#include "safer/plan.h"
#include "safer/project.h"
#include "safer/svg.h"

static void stage_tag(struct safer_buf *b, const char *stage)
{
    if (strcmp(stage, "closed") == 0)
        safer_html_raw(b, "<strong class=\"govuk-tag govuk-tag--grey\">");
    else if (strcmp(stage, "assessment") == 0)
        safer_html_raw(b, "<strong class=\"govuk-tag govuk-tag--green\">");
    else
        safer_html_raw(b, "<strong class=\"govuk-tag govuk-tag--blue\">");
    safer_html_text(b, safer_project_stage_label(stage));
    safer_html_raw(b, "</strong>");
}

/* "Shepway North, Shepway South", or what the drawn polygon is, into the arena. */
static const char *ward_names(struct web_req *req, const struct safer_project *p)
{
    if (p->place) {
        size_t corners = 0;
        for (const char *c = p->place; *c; c++)
            corners += *c == '\n';
        char *s = safer_arena_alloc(req->arena, 64);
        if (p->place[0] == '{')
            snprintf(s, 64, "A drawn polygon with holes");
        else
            snprintf(s, 64, "A drawn polygon of %zu corners", corners);
        return s;
    }
    size_t len = 1;
    for (size_t i = 0; i < p->nwards; i++)
        len += strlen(p->wards[i].name) + 2;
    char *s = safer_arena_alloc(req->arena, len);
    s[0] = '\0';
    for (size_t i = 0; i < p->nwards; i++) {
        if (i)
            strcat(s, ", ");
        strcat(s, p->wards[i].name);
    }
    return s;
}

/* ---- GET /projects ---- */

int page_projects_get(struct web_req *req, struct web_resp *resp)
{
    struct safer_project *v = NULL;
    size_t n = 0;
    int rc = safer_project_list(req->st, &req->actor, req->arena, &v, &n, &req->err);
    if (rc < 0)
        return rc;
    resp->private_page = true;
    struct safer_buf *b = &resp->body;
    web_page_begin(req, resp, "Problem-solving projects", NULL);
    safer_html_raw(b, "<h1 class=\"govuk-heading-l\">Problem-solving projects</h1>"
                      "<p class=\"govuk-body\">Each project works one problem through "
                      "objective, scanning, analysis, response and assessment (OSARA); its "
                      "assessment compares the project area with similar wards.</p>");
    if (safer_role_may(req->actor.role, SAFER_PERM_EDIT_PLAN))
        safer_html_raw(b, "<p class=\"govuk-body\"><a class=\"govuk-button\" "
                          "href=\"/projects/new\">Add a project</a></p>");
    safer_html_raw(b, "<div class=\"safer-table-scroll\" tabindex=\"0\" role=\"region\" "
                      "aria-label=\"Projects\"><table class=\"govuk-table\"><caption "
                      "class=\"govuk-table__caption govuk-table__caption--m\">Projects</caption>"
                      "<thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">");
    web_th(b, "Project", false);
    web_th(b, "Problem", false);
    web_th(b, "Place", false);
    web_th(b, "Started", false);
    web_th(b, "Stage", false);
    safer_html_raw(b, "</tr></thead><tbody class=\"govuk-table__body\">");
    for (size_t i = 0; i < n; i++) {
        char href[48];
        snprintf(href, sizeof(href), "/projects/%lld", (long long)v[i].id);
        safer_html_raw(b, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">"
                          "<a class=\"govuk-link\" href=\"");
        safer_html_attr(b, href);
        safer_html_raw(b, "\">");
        safer_html_text(b, v[i].title);
        safer_html_raw(b, "</a></td>");
        web_td(b, v[i].category, false);
        web_td(b, ward_names(req, &v[i]), false);
        web_td(b, v[i].start_date, false);
        safer_html_raw(b, "<td class=\"govuk-table__cell\">");
        stage_tag(b, v[i].stage);
        safer_html_raw(b, "</td></tr>");
    }
    if (n == 0)
        safer_html_raw(b, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\" "
                          "colspan=\"5\">None yet.</td></tr>");
    safer_html_raw(b, "</tbody></table></div>");
    web_page_end(req, resp);
    return 0;
}

/* ---- GET /projects/{id} ---- */

struct response_form {
    const char *on_date, *partners, *what;
};

static void fmt(char *out, size_t size, double v)
{
    if (isnan(v))
        snprintf(out, size, "not defined");
    else
        snprintf(out, size, "%.1f", v);
}

/* The computed assessment: the plot, the estimate and the method. */
static int assessment_section(struct web_req *req, struct safer_buf *b,
                              const struct safer_project *p)
{
    struct safer_project_assessment pa;
    struct safer_err err = {0};
    int rc = safer_project_assess(req->st, &req->actor, p->id, 0, req->arena, &pa, &err);
    safer_html_raw(b, "<h3 class=\"govuk-heading-s\">Computed change</h3>");
    if (rc == SAFER_EINVAL) {
        safer_html_raw(b, "<div class=\"govuk-inset-text\">The change cannot be computed "
                          "yet: ");
        safer_html_text(b, err.msg);
        safer_html_raw(b, ".</div>");
        return 0;
    }
    if (rc < 0)
        return rc;
    const struct safer_did *d = &pa.did;
    char est[48], lo[32], hi[32], pct[48], line[600];
    fmt(est, sizeof(est), d->estimate);
    fmt(lo, sizeof(lo), d->lower);
    fmt(hi, sizeof(hi), d->upper);
    if (isnan(d->percent))
        snprintf(pct, sizeof(pct), "not defined");
    else
        snprintf(pct, sizeof(pct), "%+.0f%%", d->percent);
    const char *verdict = d->upper < 0.0   ? "fell more than in the comparison wards"
                          : d->lower > 0.0 ? "rose more than in the comparison wards"
                                           : "did not change clearly differently from the "
                                             "comparison wards";
    snprintf(line, sizeof(line),
             "From the start, %s in the project area %s: %s crimes a month (95%% interval %s "
             "to %s), %s against what the comparison wards predict.",
             p->category, verdict, est, lo, hi, pct);
    safer_html_raw(b, "<p class=\"govuk-body\">");
    safer_html_text(b, line);
    safer_html_raw(b, "</p>");

    /* The plot: the project area and the scaled comparison, the start marked. */
    double *cmp = safer_arena_alloc(req->arena, sizeof(double) * pa.nmonths);
    memcpy(cmp, d->comparison, sizeof(double) * pa.nmonths);
    struct safer_svg_series series[2] = {
        {.name = "Project area", .values = pa.project},
        {.name = "Comparison wards (scaled)", .values = cmp},
    };
    struct safer_svg_marker marker = {.month = d->npre, .label = "Start"};
    struct safer_svg_line_chart chart = {
        .months = pa.months, .nmonths = pa.nmonths, .series = series, .nseries = 2,
        .y_label = "Crimes per month", .markers = &marker, .nmarkers = d->npre < pa.nmonths};
    char title[400];
    snprintf(title, sizeof(title), "%s by month: the project area and its comparison wards",
             p->category);
    struct safer_svg_opts so = {.id = "did", .title = title};
    safer_html_raw(b, "<figure class=\"safer-figure\">");
    rc = safer_svg_line_chart(b, &so, &chart, &req->err);
    safer_html_raw(b, "</figure>");
    if (rc < 0) {
        safer_did_release(&pa.did);
        return rc;
    }

    char v[6][48];
    fmt(v[0], sizeof(v[0]), d->pre_project);
    fmt(v[1], sizeof(v[1]), d->post_project);
    fmt(v[2], sizeof(v[2]), d->pre_comparison);
    fmt(v[3], sizeof(v[3]), d->post_comparison);
    snprintf(v[4], sizeof(v[4]), "%zu before, %zu from the start", d->npre, d->npost);
    snprintf(v[5], sizeof(v[5]), "%.2f", d->se);
    web_summary_begin(b);
    web_summary_row(b, "Months", v[4]);
    web_summary_row(b, "Project area, monthly mean before", v[0]);
    web_summary_row(b, "Project area, monthly mean from the start", v[1]);
    web_summary_row(b, "Comparison (scaled), monthly mean before", v[2]);
    web_summary_row(b, "Comparison (scaled), monthly mean from the start", v[3]);
    web_summary_row(b, "Difference in differences", est);
    web_summary_row(b, "Standard error", v[5]);
    size_t len = 1;
    for (size_t i = 0; i < d->k; i++)
        len += strlen(pa.comparison_names[i]) + 2;
    char *names = safer_arena_alloc(req->arena, len);
    names[0] = '\0';
    for (size_t i = 0; i < d->k; i++) {
        if (i)
            strcat(names, ", ");
        strcat(names, pa.comparison_names[i]);
    }
    web_summary_row(b, "Comparison wards", names);
    web_summary_end(b);

    char method[1200];
    snprintf(method, sizeof(method),
             "How this is computed. The comparison wards are the %zu of the partnership's "
             "other %zu wards, leaving out the %zu that touch the project area, whose monthly "
             "counts before the start, each divided by its own mean, are nearest (Euclidean "
             "distance) to the project area's. Their counts are added up and scaled so that "
             "their mean before the start equals the project area's. The estimate is the mean "
             "monthly difference between the project area and the comparison from the start, "
             "less the same before it: the coefficient of a before/after indicator in an "
             "ordinary least squares fit of the monthly differences, with a 95%% interval "
             "from Student's t on %.0f degrees of freedom.",
             d->k, pa.ncandidates, pa.nexcluded_adjacent, d->df);
    safer_html_raw(b, "<details class=\"govuk-details\"><summary class=\"govuk-details__summary\">"
                      "<span class=\"govuk-details__summary-text\">Method and assumptions"
                      "</span></summary><div class=\"govuk-details__text\">"
                      "<p class=\"govuk-body\">");
    safer_html_text(b, method);
    if (p->place)
        safer_html_raw(b, " The project area is the drawn polygon: its counts are the records "
                          "whose point lies inside it or on its edge (records without a point "
                          "are in no polygon). The wards it meets are not comparison wards, "
                          "and the wards touching those are left out as neighbours.");
    safer_html_raw(b, "</p><p class=\"govuk-body\">It assumes that without the project the "
                      "two series would have moved in parallel (after scaling); that the "
                      "response did not move crime into the comparison wards (neighbours are "
                      "left out for this reason, but displacement further away is not ruled "
                      "out); that nothing else changed in the project area at the start; and "
                      "that months are independent with equal variance. Crime counts from "
                      "month to month are often correlated, which makes the interval too "
                      "narrow, so read a result near the edge of its interval with care. A "
                      "project chosen because its counts were unusually high may fall back "
                      "on its own (regression to the mean).</p></div></details>");
    safer_did_release(&pa.did);
    return 0;
}

static int project_page(struct web_req *req, struct web_resp *resp, int64_t id,
                        const struct safer_field_errors *fe, const struct response_form *typed)
{
    struct safer_project p;
    struct safer_project_response *r = NULL;
    size_t nr = 0;
    int rc = safer_project_get(req->st, &req->actor, id, req->arena, &p, &r, &nr, &req->err);
    if (rc < 0)
        return rc;
    resp->private_page = true;
    struct safer_buf *b = &resp->body;
    web_page_begin(req, resp, p.title, fe);
    web_error_summary(b, fe);
    safer_html_raw(b, "<span class=\"govuk-caption-l\">Problem-solving project</span><h1 "
                      "class=\"govuk-heading-l\">");
    safer_html_text(b, p.title);
    safer_html_raw(b, "</h1><p class=\"govuk-body\">");
    stage_tag(b, p.stage);
    safer_html_raw(b, "</p>");
    web_summary_begin(b);
    web_summary_row(b, "Problem", p.category);
    web_summary_row(b, "Place", ward_names(req, &p));
    web_summary_row(b, "Response started", p.start_date);
    web_summary_row(b, "Last changed", p.updated_at);
    web_summary_end(b);
    if (p.place) {
        safer_html_raw(b, "<details class=\"govuk-details\"><summary "
                          "class=\"govuk-details__summary\"><span "
                          "class=\"govuk-details__summary-text\">The polygon's corners"
                          "</span></summary><div class=\"govuk-details__text\"><pre "
                          "class=\"govuk-body\">");
        safer_html_text(b, p.place);
        safer_html_raw(b, "</pre></div></details>");
    }
    if (safer_role_may(req->actor.role, SAFER_PERM_EDIT_PLAN)) {
        char href[48];
        snprintf(href, sizeof(href), "/projects/edit/%lld", (long long)p.id);
        safer_html_raw(b, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"");
        safer_html_attr(b, href);
        safer_html_raw(b, "\">Change this project</a></p>");
    }

    safer_html_raw(b, "<h2 class=\"govuk-heading-m\">Objective</h2>");
    web_summary_begin(b);
    web_summary_text(b, "Objective", p.objective, "None given");
    web_summary_end(b);
    safer_html_raw(b, "<h2 class=\"govuk-heading-m\">Scanning</h2>");
    web_summary_begin(b);
    web_summary_text(b, "Notes", p.scanning, "None yet");
    web_summary_end(b);
    safer_html_raw(b, "<h2 class=\"govuk-heading-m\">Analysis</h2>");
    web_summary_begin(b);
    web_summary_text(b, "Notes", p.analysis, "None yet");
    web_summary_end(b);

    safer_html_raw(b, "<h2 class=\"govuk-heading-m\">Response</h2>");
    if (nr == 0)
        safer_html_raw(b, "<p class=\"govuk-body\">No responses recorded yet.</p>");
    for (size_t i = 0; i < nr; i++) {
        char head[700];
        snprintf(head, sizeof(head), "%s, %s (recorded by %s)", r[i].on_date, r[i].partners,
                 r[i].author ? r[i].author : "someone");
        safer_html_raw(b, "<div class=\"govuk-inset-text\"><p class=\"govuk-body-s\">");
        safer_html_text(b, head);
        safer_html_raw(b, "</p><p class=\"govuk-body\">");
        safer_html_text(b, r[i].what);
        safer_html_raw(b, "</p></div>");
    }
    if (safer_role_may(req->actor.role, SAFER_PERM_EDIT_PLAN)) {
        char action[48];
        snprintf(action, sizeof(action), "/projects/responses/%lld", (long long)p.id);
        safer_html_raw(b, "<h3 class=\"govuk-heading-s\">Add a response</h3>"
                          "<form method=\"post\" novalidate action=\"");
        safer_html_attr(b, action);
        safer_html_raw(b, "\">");
        web_csrf_input(req, resp);
        web_input(b, fe, "on_date", "Date it began",
                  "For example, 2026-03-31. Leave it empty for today", "text",
                  typed ? typed->on_date : NULL, NULL);
        web_input(b, fe, "partners", "Partners", "Who gave it, for example Kent Police, "
                  "Maidstone Borough Council", "text", typed ? typed->partners : NULL,
                  "organization");
        web_textarea(b, fe, "what", "What was done", NULL, 4, typed ? typed->what : NULL);
        safer_html_raw(b, "<button type=\"submit\" class=\"govuk-button\" "
                          "data-module=\"govuk-button\">Add response</button></form>");
    }

    safer_html_raw(b, "<h2 class=\"govuk-heading-m\">Assessment</h2>");
    rc = assessment_section(req, b, &p);
    if (rc < 0)
        return rc;
    web_summary_begin(b);
    web_summary_text(b, "Notes", p.assessment, "None yet");
    web_summary_end(b);
    web_page_end(req, resp);
    return 0;
}

int page_project_get(struct web_req *req, struct web_resp *resp)
{
    int64_t id = web_id(req->arg);
    if (!id)
        return SAFER_ENOTFOUND;
    return project_page(req, resp, id, NULL, NULL);
}

int page_project_response_post(struct web_req *req, struct web_resp *resp)
{
    int64_t id = web_id(req->arg);
    if (!id)
        return SAFER_ENOTFOUND;
    struct response_form t = {
        .on_date = web_param(&req->form, "on_date"),
        .partners = web_param(&req->form, "partners"),
        .what = web_param(&req->form, "what"),
    };
    struct safer_field_errors fe = {.n = 0};
    int rc = safer_project_response_add(req->st, &req->actor, id, t.on_date, t.partners, t.what,
                                        req->now, &fe, &req->err);
    if (rc == SAFER_EINVAL && fe.n) {
        resp->status = 400;
        return project_page(req, resp, id, &fe, &t);
    }
    if (rc < 0)
        return rc;
    char to[48];
    snprintf(to, sizeof(to), "/projects/%lld", (long long)id);
    web_redirect(resp, safer_arena_strdup(req->arena, to));
    return 0;
}

/* ---- adding and changing ---- */

static void fields_of(const struct safer_project *p, struct web_req *req,
                      struct safer_project_fields *f)
{
    memset(f, 0, sizeof(*f));
    f->title = p->title;
    f->objective = p->objective;
    f->category = p->category;
    const char **w = safer_arena_alloc(req->arena, (p->nwards + 1) * sizeof(char *));
    for (size_t i = 0; i < p->nwards; i++)
        w[i] = p->wards[i].code;
    f->wards = w;
    f->nwards = p->nwards;
    f->place = p->place;
    f->start_date = p->start_date;
    f->stage = p->stage;
    f->scanning = p->scanning;
    f->analysis = p->analysis;
    f->assessment = p->assessment;
}

static void fields_from_form(struct web_req *req, struct safer_project_fields *f)
{
    memset(f, 0, sizeof(*f));
    f->title = web_param(&req->form, "title");
    f->objective = web_param(&req->form, "objective");
    f->category = web_param(&req->form, "category");
    f->wards = web_param_all(req, "wards", &f->nwards);
    f->place = web_param(&req->form, "place");
    f->start_date = web_param(&req->form, "start_date");
    f->stage = web_param(&req->form, "stage");
    f->scanning = web_param(&req->form, "scanning");
    f->analysis = web_param(&req->form, "analysis");
    f->assessment = web_param(&req->form, "assessment");
}

static int project_form(struct web_req *req, struct web_resp *resp, const char *heading,
                        const char *post_to, const struct safer_project_fields *f,
                        int64_t version, const struct safer_field_errors *fe, const char *notice)
{
    struct safer_project_ward *w = NULL;
    size_t nw = 0;
    int rc = safer_project_ward_choices(req->st, &req->actor, req->arena, &w, &nw, &req->err);
    if (rc < 0)
        return rc;
    const char **codes = safer_arena_alloc(req->arena, (nw + 1) * sizeof(char *));
    const char **names = safer_arena_alloc(req->arena, (nw + 1) * sizeof(char *));
    for (size_t i = 0; i < nw; i++) {
        codes[i] = w[i].code;
        names[i] = w[i].name;
    }
    size_t ncat = 0;
    while (safer_plan_categories[ncat])
        ncat++;
    const char *stage_labels[5];
    for (size_t i = 0; i < 5; i++)
        stage_labels[i] = safer_project_stage_label(safer_project_stages[i]);
    struct safer_buf *b = &resp->body;
    web_form_page_begin(req, resp, heading, post_to, version, fe, notice);
    /* In the order the library checks them. */
    web_input(b, fe, "title", "Title", "The project's name, in a line", "text", f->title, NULL);
    web_textarea(b, fe, "objective", "Objective", "What the project sets out to achieve", 3,
                 f->objective);
    web_select(b, fe, "category", "Problem", "The police.uk category the assessment counts",
               safer_plan_categories, safer_plan_categories, ncat, "Choose a category",
               f->category);
    web_checkboxes(b, fe, "wards", "Place", "The wards the project works in", codes, names, nw,
                   f->wards, f->nwards);
    web_textarea(b, fe, "place", "Or draw the place as a polygon",
                 "Instead of wards: the polygon's corners, one \"longitude, latitude\" a line "
                 "(for example 0.5221, 51.2716), or a GeoJSON Polygon from a map tool. The "
                 "assessment then counts the records inside it.",
                 6, f->place);
    web_input(b, fe, "start_date", "Start date",
              "The day the response began, for example 2026-04-01", "text", f->start_date, NULL);
    web_select(b, fe, "stage", "Stage", NULL, safer_project_stages, stage_labels, 5, NULL,
               f->stage ? f->stage : "scanning");
    web_textarea(b, fe, "scanning", "Scanning", "How the problem was found; optional", 4,
                 f->scanning);
    web_textarea(b, fe, "analysis", "Analysis", "What drives it; optional", 4, f->analysis);
    web_textarea(b, fe, "assessment", "Assessment notes", "What the partners concluded; optional",
                 4, f->assessment);
    safer_html_raw(b, "<button type=\"submit\" class=\"govuk-button\" "
                      "data-module=\"govuk-button\">Save</button></form>");
    web_page_end(req, resp);
    return 0;
}

int page_project_new_get(struct web_req *req, struct web_resp *resp)
{
    struct safer_project_fields f;
    memset(&f, 0, sizeof(f));
    return project_form(req, resp, "Add a project", "/projects/new", &f, 0, NULL, NULL);
}

int page_project_new_post(struct web_req *req, struct web_resp *resp)
{
    struct safer_project_fields f;
    fields_from_form(req, &f);
    struct safer_field_errors fe = {.n = 0};
    int64_t id = 0;
    int rc = safer_project_add(req->st, &req->actor, &f, req->now, &id, &fe, &req->err);
    if (rc == SAFER_EINVAL && fe.n) {
        resp->status = 400;
        return project_form(req, resp, "Add a project", "/projects/new", &f, 0, &fe, NULL);
    }
    if (rc < 0)
        return rc;
    char to[48];
    snprintf(to, sizeof(to), "/projects/%lld", (long long)id);
    web_redirect(resp, safer_arena_strdup(req->arena, to));
    return 0;
}

int page_project_edit_get(struct web_req *req, struct web_resp *resp)
{
    int64_t id = web_id(req->arg);
    if (!id)
        return SAFER_ENOTFOUND;
    struct safer_project p;
    int rc = safer_project_get(req->st, &req->actor, id, req->arena, &p, NULL, NULL, &req->err);
    if (rc < 0)
        return rc;
    struct safer_project_fields f;
    fields_of(&p, req, &f);
    char to[48];
    snprintf(to, sizeof(to), "/projects/edit/%lld", (long long)id);
    return project_form(req, resp, "Change the project", to, &f, p.version, NULL, NULL);
}

int page_project_edit_post(struct web_req *req, struct web_resp *resp)
{
    int64_t id = web_id(req->arg);
    if (!id)
        return SAFER_ENOTFOUND;
    struct safer_project_fields f;
    fields_from_form(req, &f);
    int64_t version = web_id(web_param(&req->form, "version"));
    struct safer_field_errors fe = {.n = 0};
    int rc = safer_project_change(req->st, &req->actor, id, version, &f, req->now, &fe,
                                  &req->err);
    char to[48];
    snprintf(to, sizeof(to), "/projects/edit/%lld", (long long)id);
    if (rc == SAFER_EINVAL && fe.n) {
        resp->status = 400;
        return project_form(req, resp, "Change the project", to, &f, version, &fe, NULL);
    }
    if (rc == SAFER_ECONFLICT) {
        struct safer_project p;
        rc = safer_project_get(req->st, &req->actor, id, req->arena, &p, NULL, NULL, &req->err);
        if (rc < 0)
            return rc;
        struct safer_project_fields now;
        fields_of(&p, req, &now);
        resp->status = 409;
        return project_form(req, resp, "Change the project", to, &now, p.version, NULL,
                            "Someone else changed this project while you were editing it. "
                            "This is the project as it is now: make your change again.");
    }
    if (rc < 0)
        return rc;
    snprintf(to, sizeof(to), "/projects/%lld", (long long)id);
    web_redirect(resp, safer_arena_strdup(req->arena, to));
    return 0;
}
