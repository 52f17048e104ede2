/*
 * page_indicator.c - the plan's indicators: the list with each one's
 * latest value and status (GET /indicators), one indicator with its trend
 * chart, the table of its periods and their comments (GET
 * /indicators/{id}), entering a value by hand (POST /indicators/value/{id})
 * and commenting on a period (POST /indicators/comment/{id}).
 *
 * The numbers are the library's (indicator.h): computed live from the
 * store's count table or the residents' survey estimates, suppressed for
 * roles that may only see aggregates.
 * The chart is a picture of the table beside it, which carries every
 * number for a screen reader and for print.
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "form.h"
#include "page.h"
#include "safer/indicator.h"
#include "safer/plan.h"
#include "safer/survey.h"

/* A value as a page shows it: whole numbers without decimals, rates to one
 * decimal place; "[c]" when suppressed, "No data" without one. */
static bool is_survey(const struct safer_indicator *ind)
{
    return strcmp(ind->kind, "survey") == 0;
}

static void value_text(const struct safer_indicator *ind, const struct safer_indicator_point *p,
                       char *out, size_t size)
{
    if (p->suppressed)
        snprintf(out, size, "[c]");
    else if (isnan(p->value))
        snprintf(out, size, "No data");
    else if (is_survey(ind))
        snprintf(out, size, "%.1f%%", p->value);
    else if (strcmp(ind->measure, "rate") == 0)
        snprintf(out, size, "%.1f per 1,000", p->value);
    else if (p->value == floor(p->value) && fabs(p->value) < 1e15)
        snprintf(out, size, "%.0f%s%s", p->value, ind->unit ? " " : "", ind->unit ? ind->unit : "");
    else
        snprintf(out, size, "%.2f%s%s", p->value, ind->unit ? " " : "", ind->unit ? ind->unit : "");
}

static void target_text(const struct safer_indicator *ind, char *out, size_t size)
{
    if (!ind->has_target)
        snprintf(out, size, "No target");
    else if (is_survey(ind))
        snprintf(out, size, "%g%% (%s is better)", ind->target, ind->good);
    else if (strcmp(ind->measure, "rate") == 0)
        snprintf(out, size, "%.1f per 1,000 (%s is better)", ind->target, ind->good);
    else
        snprintf(out, size, "%g (%s is better)", ind->target, ind->good);
}

/* The RAG tag of a point: a GOV.UK tag with the status in words. */
static void rag_tag(struct safer_buf *b, const struct safer_indicator_point *p)
{
    const char *label = p->partial      ? "Partial period"
                        : p->suppressed ? "Not shown"
                                        : NULL;
    web_rag_tag(b, label ? SAFER_RAG_NONE : p->rag, label);
}

/* The table of indicators, shared with the dashboard. */
void web_indicator_table(struct safer_buf *b, const char *caption,
                         const struct safer_indicator *list, size_t n)
{
    safer_html_raw(b, "<div class=\"safer-table-scroll\" tabindex=\"0\" role=\"region\" "
                      "aria-label=\"");
    safer_html_attr(b, caption);
    safer_html_raw(b, "\"><table class=\"govuk-table\"><caption class=\"govuk-table__caption "
                      "govuk-table__caption--m\">");
    safer_html_text(b, caption);
    safer_html_raw(b, "</caption><thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">");
    web_th(b, "Indicator", false);
    web_th(b, "Latest period", false);
    web_th(b, "Value", true);
    web_th(b, "Target", true);
    web_th(b, "Status", false);
    safer_html_raw(b, "</tr></thead><tbody class=\"govuk-table__body\">");
    for (size_t i = 0; i < n; i++) {
        const struct safer_indicator *ind = &list[i];
        char href[48], value[64], target[96];
        snprintf(href, sizeof(href), "/indicators/%lld", (long long)ind->id);
        safer_html_raw(b, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">"
                          "<a class=\"govuk-link\" href=\"");
        safer_html_attr(b, href);
        safer_html_raw(b, "\">");
        safer_html_text(b, ind->title);
        safer_html_raw(b, "</a></td>");
        if (ind->has_latest) {
            value_text(ind, &ind->latest, value, sizeof(value));
            web_td(b, ind->latest.period, false);
            web_td(b, value, true);
        } else {
            web_td(b, "None yet", false);
            web_td(b, "", true);
        }
        target_text(ind, target, sizeof(target));
        web_td(b, target, true);
        safer_html_raw(b, "<td class=\"govuk-table__cell\">");
        if (ind->has_latest)
            rag_tag(b, &ind->latest);
        safer_html_raw(b, "</td></tr>");
    }
    if (n == 0)
        safer_html_raw(b, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\" "
                          "colspan=\"5\">None.</td></tr>");
    safer_html_raw(b, "</tbody></table></div>");
}

int page_indicators_get(struct web_req *req, struct web_resp *resp)
{
    struct safer_indicator_query q = {.priority_key = NULL};
    const char *off = web_param(&req->query, "off_target");
    q.off_target = off && strcmp(off, "1") == 0;
    struct safer_indicator *list = NULL;
    size_t n = 0;
    struct safer_err err = {0};
    int rc = safer_indicator_list(req->st, &req->actor, &q, req->now, req->arena, &list, &n,
                                  &err);
    if (rc < 0)
        return rc;
    struct safer_buf *b = &resp->body;
    web_page_begin(req, resp, "Indicators", NULL);
    safer_html_raw(b, "<h1 class=\"govuk-heading-l\">Indicators</h1>");
    if (safer_actor_may(&req->actor, SAFER_PERM_EDIT_INDICATOR))
        safer_html_raw(b, "<p class=\"govuk-body\"><a class=\"govuk-button\" "
                          "href=\"/indicators/new\">Add an indicator</a></p>");
    safer_html_raw(b, "<p class=\"govuk-body\">"
                      "Computed from the police.uk records in the store when the page is "
                      "drawn, from the residents' survey, or entered by hand. A period without "
                      "data for all its months is partial and has no status. ");
    if (!safer_role_may(req->actor.role, SAFER_PERM_VIEW_UNSUPPRESSED))
        safer_html_raw(b, "Counts from 1 to 4, and a ward's survey results from fewer than 50 "
                          "respondents, are not shown ([c]).");
    safer_html_raw(b, "</p><p class=\"govuk-body\">");
    if (q.off_target)
        safer_html_raw(b, "Showing those off target. <a class=\"govuk-link\" href=\"/indicators\">"
                          "Show all indicators</a>");
    else
        safer_html_raw(b, "<a class=\"govuk-link\" href=\"/indicators?off_target=1\">Show only "
                          "those off target</a>");
    safer_html_raw(b, "</p>");
    char caption[64];
    snprintf(caption, sizeof(caption), "%zu indicator%s", n, n == 1 ? "" : "s");
    web_indicator_table(b, caption, list, n);
    web_page_end(req, resp);
    return 0;
}

struct typed {
    const char *period, *value, *note, *comment_period;
};

static int indicator_page(struct web_req *req, struct web_resp *resp, int64_t id,
                          const struct safer_field_errors *fe, const struct typed *t)
{
    struct safer_indicator ind;
    struct safer_indicator_point *pts = NULL;
    struct safer_indicator_comment *comments = NULL;
    size_t npts = 0, ncomments = 0;
    struct safer_err err = {0};
    struct safer_indicator_query q = {.priority_key = NULL};
    int rc = safer_indicator_get(req->st, &req->actor, id, &q, req->now, req->arena, &ind, &pts,
                                 &npts, &comments, &ncomments, &err);
    if (rc < 0)
        return rc;
    struct safer_buf *b = &resp->body;
    web_page_begin(req, resp, ind.title, fe);
    web_error_summary(b, fe);
    safer_html_raw(b, "<span class=\"govuk-caption-l\">Indicator</span><h1 "
                      "class=\"govuk-heading-l\">");
    safer_html_text(b, ind.title);
    safer_html_raw(b, "</h1>");

    char target[96], thresholds[96], what[400] = "";
    target_text(&ind, target, sizeof(target));
    snprintf(thresholds, sizeof(thresholds), "Amber beyond %g%%, red beyond %g%% from target",
             ind.amber, ind.red);
    if (strcmp(ind.kind, "computed") == 0) {
        size_t len = 0;
        len += (size_t)snprintf(what + len, sizeof(what) - len, "%s of ",
                                strcmp(ind.measure, "rate") == 0 ? "Records per 1,000 residents"
                                                                  : "Records");
        if (ind.ncategories == 0)
            len += (size_t)snprintf(what + len, sizeof(what) - len, "every category");
        for (size_t i = 0; i < ind.ncategories && len < sizeof(what); i++)
            len += (size_t)snprintf(what + len, sizeof(what) - len, "%s%s", i ? ", " : "",
                                    ind.categories[i]);
        if (len < sizeof(what))
            snprintf(what + len, sizeof(what) - len, ", %s",
                     *ind.ward ? ind.ward : "the whole area");
    } else if (is_survey(&ind)) {
        /* "% who feel safe in their area at night, residents' survey
         * (question safe_night), the whole area". */
        const char *where = *ind.ward ? ind.ward : "the whole area";
        struct safer_indicator_ward *wards;
        size_t nwards;
        if (*ind.ward && safer_indicator_wards(req->st, &req->actor, req->now, req->arena, &wards,
                                               &nwards, &err) == 0) {
            for (size_t i = 0; i < nwards; i++)
                if (strcmp(wards[i].code, ind.ward) == 0)
                    where = wards[i].name;
        }
        if (ind.question_label)
            snprintf(what, sizeof(what), "%% who %s, residents' survey (question %s), %s",
                     ind.question_label, ind.question, where);
        else
            snprintf(what, sizeof(what), "Residents' survey, question %s, %s", ind.question,
                     where);
    } else {
        snprintf(what, sizeof(what), "Entered by hand%s%s", ind.unit ? ", in " : "",
                 ind.unit ? ind.unit : "");
    }
    const char *period = strcmp(ind.period, "rolling12") == 0 ? "Rolling 12 months"
                         : strcmp(ind.period, "quarter") == 0 ? "Quarterly"
                         : strcmp(ind.period, "wave") == 0    ? "Each wave of the survey"
                                                              : "Monthly";
    web_summary_begin(b);
    web_summary_row(b, "Measures", what);
    web_summary_row(b, "Period", period);
    web_summary_row(b, "Target", target);
    web_summary_row(b, "Status", thresholds);
    web_summary_end(b);
    if (is_survey(&ind) && npts == 0)
        safer_html_raw(b, "<div class=\"govuk-inset-text\">No stored wave of the residents' "
                          "survey asks this question yet. Its results will show here once a "
                          "wave that asks it is imported.</div>");
    else if (is_survey(&ind))
        safer_html_raw(b, "<p class=\"govuk-body\">Each value is the weighted percentage of "
                          "the respondents who answered, with its 95% confidence interval: the "
                          "range the true figure for all residents is likely to be in. A base "
                          "under 50 respondents is a small base: read it with care.</p>");

    if (npts > 0) {
        char title[400];
        snprintf(title, sizeof(title), "Trend of %s", ind.title);
        struct safer_svg_opts so = {.id = "trend", .title = title};
        safer_html_raw(b, "<figure class=\"safer-figure\">");
        rc = safer_indicator_svg(b, &ind, pts, npts, &so, &err);
        safer_html_raw(b, "</figure>");
        if (rc < 0)
            return rc;
    }

    bool survey = is_survey(&ind);
    /* Six columns for a survey: wider than a phone, so it scrolls in its
     * own box, as the dashboard's table does. */
    safer_html_raw(b, "<div class=\"safer-table-scroll\" tabindex=\"0\" role=\"region\" "
                      "aria-label=\"Periods\"><table class=\"govuk-table\"><caption "
                      "class=\"govuk-table__caption govuk-table__caption--m\">");
    safer_html_raw(b, "Periods");
    safer_html_raw(b, "</caption><thead class=\"govuk-table__head\"><tr "
                      "class=\"govuk-table__row\">");
    web_th(b, survey ? "Wave" : "Period", false);
    web_th(b, survey ? "%" : "Value", true);
    if (survey) {
        web_th(b, "95% confidence interval", true);
        web_th(b, "Base (respondents)", true);
    }
    web_th(b, "Variance from target", true);
    web_th(b, "Status", false);
    safer_html_raw(b, "</tr></thead><tbody class=\"govuk-table__body\">");
    /* Newest first: what a meeting asks about. */
    for (size_t k = npts; k-- > 0;) {
        const struct safer_indicator_point *p = &pts[k];
        char value[64], variance[32] = "";
        value_text(&ind, p, value, sizeof(value));
        if (!isnan(p->variance))
            snprintf(variance, sizeof(variance), "%+.1f%%", p->variance);
        safer_html_raw(b, "<tr class=\"govuk-table__row\">");
        web_td(b, p->period, false);
        web_td(b, value, true);
        if (survey) {
            char ci[64] = "", base[64] = "";
            if (p->suppressed) {
                snprintf(base, sizeof(base), "Fewer than %d", SAFER_SURVEY_SMALL_BASE);
            } else {
                if (isfinite(p->lo) && isfinite(p->hi))
                    snprintf(ci, sizeof(ci), "%.1f%% to %.1f%%", p->lo, p->hi);
                snprintf(base, sizeof(base), "%lld%s", (long long)p->base,
                         p->small ? " (small base)" : "");
            }
            web_td(b, ci, true);
            web_td(b, base, true);
        }
        web_td(b, variance, true);
        safer_html_raw(b, "<td class=\"govuk-table__cell\">");
        rag_tag(b, p);
        safer_html_raw(b, "</td></tr>");
    }
    if (npts == 0 && survey)
        safer_html_raw(b, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\" "
                          "colspan=\"6\">No waves yet.</td></tr>");
    else if (npts == 0)
        safer_html_raw(b, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\" "
                          "colspan=\"4\">No periods yet.</td></tr>");
    safer_html_raw(b, "</tbody></table></div>");

    bool may_edit = safer_role_may(req->actor.role, SAFER_PERM_EDIT_INDICATOR);
    char action[64];
    if (may_edit) {
        snprintf(action, sizeof(action), "/indicators/edit/%lld", (long long)ind.id);
        safer_html_raw(b, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"");
        safer_html_attr(b, action);
        safer_html_raw(b, "\">Change the indicator's definition</a></p>");
    }
    if (may_edit && strcmp(ind.kind, "manual") == 0) {
        snprintf(action, sizeof(action), "/indicators/value/%lld", (long long)ind.id);
        safer_html_raw(b, "<h2 class=\"govuk-heading-m\">Enter a value</h2><form method=\"post\" "
                          "novalidate action=\"");
        safer_html_attr(b, action);
        safer_html_raw(b, "\">");
        web_csrf_input(req, resp);
        web_input(b, fe, "period", "Period", "A month (2026-04), a quarter (2026-Q2) or a date in it",
                  "text", t ? t->period : NULL, NULL);
        web_input(b, fe, "value", "Value", NULL, "text", t ? t->value : NULL, NULL);
        safer_html_raw(b, "<button type=\"submit\" class=\"govuk-button\" "
                          "data-module=\"govuk-button\">Save value</button></form>");
    }

    safer_html_raw(b, "<h2 class=\"govuk-heading-m\">Comments</h2>");
    if (ncomments == 0)
        safer_html_raw(b, "<p class=\"govuk-body\">No comments yet.</p>");
    for (size_t i = 0; i < ncomments; i++) {
        char line[200];
        snprintf(line, sizeof(line), "%s%s%s", comments[i].period,
                 comments[i].author ? ", by " : "", comments[i].author ? comments[i].author : "");
        safer_html_raw(b, "<div class=\"govuk-inset-text\"><p class=\"govuk-body-s\">");
        safer_html_text(b, line);
        safer_html_raw(b, "</p><p class=\"govuk-body\">");
        safer_html_text(b, comments[i].note);
        safer_html_raw(b, "</p></div>");
    }
    if (may_edit) {
        snprintf(action, sizeof(action), "/indicators/comment/%lld", (long long)ind.id);
        safer_html_raw(b, "<form method=\"post\" novalidate action=\"");
        safer_html_attr(b, action);
        safer_html_raw(b, "\">");
        web_csrf_input(req, resp);
        web_input(b, fe, "comment_period", survey ? "Wave the comment is about"
                                                  : "Period the comment is about",
                  survey ? "The wave's name, as the table gives it"
                         : "For example, 2026-04 or 2026-Q2",
                  "text",
                  t ? t->comment_period : (npts ? pts[npts - 1].period : NULL), NULL);
        web_textarea(b, fe, "note", "Comment", NULL, 3, t ? t->note : NULL);
        safer_html_raw(b, "<button type=\"submit\" class=\"govuk-button govuk-button--secondary\" "
                          "data-module=\"govuk-button\">Add comment</button></form>");
    }
    web_page_end(req, resp);
    return 0;
}

int page_indicator_get(struct web_req *req, struct web_resp *resp)
{
    int64_t id = web_id(req->arg);
    if (!id)
        return SAFER_ENOTFOUND;
    return indicator_page(req, resp, id, NULL, NULL);
}

int page_indicator_value_post(struct web_req *req, struct web_resp *resp)
{
    int64_t id = web_id(req->arg);
    if (!id)
        return SAFER_ENOTFOUND;
    struct typed t = {.period = web_param(&req->form, "period"),
                      .value = web_param(&req->form, "value")};
    struct safer_field_errors fe = {.n = 0};
    struct safer_err err = {0};
    int rc = safer_indicator_set_value(req->st, &req->actor, id, t.period, t.value, req->now, &fe,
                                       &err);
    if (rc == SAFER_EINVAL && fe.n) {
        resp->status = 400;
        return indicator_page(req, resp, id, &fe, &t);
    }
    if (rc < 0)
        return rc;
    char to[48];
    snprintf(to, sizeof(to), "/indicators/%lld", (long long)id);
    web_redirect(resp, safer_arena_strdup(req->arena, to));
    return 0;
}

int page_indicator_comment_post(struct web_req *req, struct web_resp *resp)
{
    int64_t id = web_id(req->arg);
    if (!id)
        return SAFER_ENOTFOUND;
    struct typed t = {.comment_period = web_param(&req->form, "comment_period"),
                      .note = web_param(&req->form, "note")};
    struct safer_field_errors fe = {.n = 0};
    struct safer_err err = {0};
    int rc = safer_indicator_comment(req->st, &req->actor, id, t.comment_period, t.note, req->now,
                                     &fe, &err);
    if (rc == SAFER_EINVAL && fe.n) {
        /* The library names the field "period"; this form calls it
         * comment_period, beside the value form's own period. */
        for (size_t i = 0; i < fe.n; i++) {
            if (strcmp(fe.e[i].field, "period") == 0)
                fe.e[i].field = "comment_period";
        }
        resp->status = 400;
        return indicator_page(req, resp, id, &fe, &t);
    }
    if (rc < 0)
        return rc;
    char to[48];
    snprintf(to, sizeof(to), "/indicators/%lld", (long long)id);
    web_redirect(resp, safer_arena_strdup(req->arena, to));
    return 0;
}

/* ---- adding an indicator (GET and POST /indicators/new) and changing
 * one (/indicators/edit/{id}) ---- */

static void radios(struct safer_buf *b, const struct safer_field_errors *fe, const char *name,
                   const char *legend, const char *const *values, const char *const *labels,
                   size_t n, const char *checked)
{
    const char *msg = web_field_message(fe, name);
    safer_html_raw(b, "<div class=\"govuk-form-group");
    if (msg)
        safer_html_raw(b, " govuk-form-group--error");
    safer_html_raw(b, "\"><fieldset class=\"govuk-fieldset\"><legend class=\"govuk-fieldset__legend "
                      "govuk-fieldset__legend--s\">");
    safer_html_text(b, legend);
    safer_html_raw(b, "</legend>");
    if (msg) {
        safer_html_raw(b, "<p class=\"govuk-error-message\" id=\"");
        safer_html_attr(b, name);
        safer_html_raw(b, "-error\"><span class=\"govuk-visually-hidden\">Error:</span> ");
        safer_html_text(b, msg);
        safer_html_raw(b, "</p>");
    }
    safer_html_raw(b, "<div class=\"govuk-radios govuk-radios--small govuk-radios--inline\">");
    for (size_t i = 0; i < n; i++) {
        /* The first one carries the field's own id, which the error
         * summary links to. */
        char id[80];
        if (i)
            snprintf(id, sizeof(id), "%s-%zu", name, i);
        else
            snprintf(id, sizeof(id), "%s", name);
        safer_html_raw(b, "<div class=\"govuk-radios__item\"><input class=\"govuk-radios__input\" "
                          "type=\"radio\" id=\"");
        safer_html_attr(b, id);
        safer_html_raw(b, "\" name=\"");
        safer_html_attr(b, name);
        safer_html_raw(b, "\" value=\"");
        safer_html_attr(b, values[i]);
        safer_html_raw(b, "\"");
        if (checked && strcmp(checked, values[i]) == 0)
            safer_html_raw(b, " checked");
        safer_html_raw(b, "><label class=\"govuk-label govuk-radios__label\" for=\"");
        safer_html_attr(b, id);
        safer_html_raw(b, "\">");
        safer_html_text(b, labels[i]);
        safer_html_raw(b, "</label></div>");
    }
    safer_html_raw(b, "</div></fieldset></div>");
}

/* The form of an indicator's definition: `f` the values (the stored ones,
 * or those typed in a failed post). A change (version > 0) keeps the kind. */
static int indicator_form(struct web_req *req, struct web_resp *resp, const char *heading,
                          const char *post_to, const struct safer_indicator_fields *f,
                          int64_t version, const struct safer_field_errors *fe,
                          const char *notice)
{
    struct safer_err err = {0};
    struct web_choices c;
    int rc = web_choices_load(req, &c, &err);
    struct safer_indicator_ward *wards = NULL;
    size_t nwards = 0;
    if (rc == 0)
        rc = safer_indicator_wards(req->st, &req->actor, req->now, req->arena, &wards, &nwards,
                                   &err);
    if (rc < 0)
        return rc;
    struct safer_indicator_question *qs = NULL;
    size_t nq = 0;
    rc = safer_indicator_questions(req->st, &req->actor, req->now, req->arena, &qs, &nq, &err);
    if (rc < 0)
        return rc;
    /* The stored questions by label, and the form's own when no stored
     * wave asks it yet (a plan loaded before its survey). */
    const char **qkeys = safer_arena_alloc(req->arena, (nq + 2) * sizeof(char *));
    const char **qlabels = safer_arena_alloc(req->arena, (nq + 2) * sizeof(char *));
    bool have_q = false;
    for (size_t i = 0; i < nq; i++) {
        qkeys[i] = qs[i].key;
        size_t len = strlen(qs[i].label) + 12;
        char *label = safer_arena_alloc(req->arena, len);
        snprintf(label, len, "%% who %s", qs[i].label);
        qlabels[i] = label;
        have_q = have_q || (f->question && strcmp(f->question, qs[i].key) == 0);
    }
    if (f->question && *f->question && !have_q) {
        qkeys[nq] = f->question;
        size_t len = strlen(f->question) + 64;
        char *label = safer_arena_alloc(req->arena, len);
        snprintf(label, len, "%s (no stored wave asks it yet)", f->question);
        qlabels[nq++] = label;
    }
    const char **wcodes = safer_arena_alloc(req->arena, (nwards + 1) * sizeof(char *));
    const char **wnames = safer_arena_alloc(req->arena, (nwards + 1) * sizeof(char *));
    for (size_t i = 0; i < nwards; i++) {
        wcodes[i] = wards[i].code;
        wnames[i] = wards[i].name;
    }
    struct safer_buf *b = &resp->body;
    resp->private_page = true;
    web_page_begin(req, resp, heading, fe);
    web_error_summary(b, fe);
    if (notice)
        web_warning(b, notice);
    safer_html_raw(b, "<h1 class=\"govuk-heading-l\">");
    safer_html_text(b, heading);
    safer_html_raw(b, "</h1><form method=\"post\" novalidate action=\"");
    safer_html_attr(b, post_to);
    safer_html_raw(b, "\">");
    web_csrf_input(req, resp);
    web_input(b, fe, "title", "Title", "What it measures, as a page heads it", "text", f->title,
              NULL);
    static const char *const kinds[] = {"computed", "survey", "manual"};
    static const char *const kind_labels[] = {"Computed from police.uk records",
                                              "From the residents' survey", "Entered by hand"};
    if (version > 0) {
        /* A definition keeps its kind: its values are of that kind. */
        char v[24];
        snprintf(v, sizeof(v), "%lld", (long long)version);
        safer_html_raw(b, "<input type=\"hidden\" name=\"version\" value=\"");
        safer_html_attr(b, v);
        safer_html_raw(b, "\"><input type=\"hidden\" name=\"kind\" value=\"");
        safer_html_attr(b, f->kind ? f->kind : "");
        safer_html_raw(b, "\"><p class=\"govuk-body\">How it is measured: ");
        size_t kk = 0;
        for (size_t i = 0; i < 3; i++)
            if (f->kind && strcmp(f->kind, kinds[i]) == 0)
                kk = i;
        safer_html_text(b, kind_labels[kk]);
        safer_html_raw(b, "</p>");
    } else {
        radios(b, fe, "kind", "How it is measured", kinds, kind_labels, 3,
               f->kind ? f->kind : "computed");
    }
    web_select(b, fe, "priority_key", "Priority", NULL, c.prio_keys, c.prio_titles, c.nprio,
               "None", f->priority_key);
    web_select(b, fe, "group_key", "Group that answers for it", NULL, c.group_keys,
               c.group_names, c.ngroup, "None", f->group_key);

    /* Categories: checkboxes, none ticked for every category. */
    const char *msg = web_field_message(fe, "categories");
    safer_html_raw(b, "<div class=\"govuk-form-group");
    if (msg)
        safer_html_raw(b, " govuk-form-group--error");
    safer_html_raw(b, "\"><fieldset class=\"govuk-fieldset\" aria-describedby=\"categories-hint\">"
                      "<legend class=\"govuk-fieldset__legend govuk-fieldset__legend--s\">"
                      "police.uk categories it counts</legend><div class=\"govuk-hint\" "
                      "id=\"categories-hint\">Computed indicators only. Tick none for every "
                      "category</div>");
    if (msg) {
        safer_html_raw(b, "<p class=\"govuk-error-message\" id=\"categories-error\"><span "
                          "class=\"govuk-visually-hidden\">Error:</span> ");
        safer_html_text(b, msg);
        safer_html_raw(b, "</p>");
    }
    safer_html_raw(b, "<div class=\"govuk-checkboxes govuk-checkboxes--small\">");
    for (size_t i = 0; safer_plan_categories[i]; i++) {
        const char *cat = safer_plan_categories[i];
        bool on = false;
        for (size_t k = 0; k < f->ncategories; k++)
            on |= strcmp(f->categories[k], cat) == 0;
        char id[40];
        snprintf(id, sizeof(id), i ? "categories-%zu" : "categories", i);
        safer_html_raw(b, "<div class=\"govuk-checkboxes__item\"><input "
                          "class=\"govuk-checkboxes__input\" type=\"checkbox\" name=\"categories\" "
                          "id=\"");
        safer_html_attr(b, id);
        safer_html_raw(b, "\" value=\"");
        safer_html_attr(b, cat);
        safer_html_raw(b, "\"");
        if (on)
            safer_html_raw(b, " checked");
        safer_html_raw(b, "><label class=\"govuk-label govuk-checkboxes__label\" for=\"");
        safer_html_attr(b, id);
        safer_html_raw(b, "\">");
        safer_html_text(b, cat);
        safer_html_raw(b, "</label></div>");
    }
    safer_html_raw(b, "</div></fieldset></div>");

    web_select(b, fe, "question", "Survey question",
               "From the residents' survey only: the stored waves' questions", qkeys, qlabels,
               nq, "None", f->question);
    web_select(b, fe, "ward", "Ward",
               "Computed and survey indicators only. A ward's survey results from fewer than "
               "50 respondents are not shown to members or the public",
               wcodes, wnames, nwards, "The whole area", f->ward);
    static const char *const measures[] = {"count", "rate"};
    static const char *const measure_labels[] = {"Count of records",
                                                 "Records per 1,000 residents"};
    radios(b, fe, "measure", "Measure (computed indicators)", measures, measure_labels, 2,
           f->measure ? f->measure : "count");
    static const char *const periods[] = {"month", "quarter", "rolling12"};
    static const char *const period_labels[] = {"Monthly", "Quarterly", "Rolling 12 months"};
    radios(b, fe, "period", "Period (survey indicators: each wave)", periods, period_labels, 3,
           f->period ? f->period : "rolling12");
    static const char *const goods[] = {"down", "up"};
    static const char *const good_labels[] = {"Down is better", "Up is better"};
    radios(b, fe, "good", "Which way is better", goods, good_labels, 2,
           f->good ? f->good : "down");
    web_input(b, fe, "target", "Target",
              "A number above 0 (for a survey indicator, a per cent up to 100); leave empty "
              "for no status",
              "text", f->target, NULL);
    web_input(b, fe, "amber", "Amber beyond (per cent from target)", NULL, "text",
              f->amber ? f->amber : "5", NULL);
    web_input(b, fe, "red", "Red beyond (per cent from target)", NULL, "text",
              f->red ? f->red : "15", NULL);
    web_input(b, fe, "unit", "Unit", "Entered by hand only: what the values are, like %", "text",
              f->unit, NULL);
    safer_html_raw(b, "<button type=\"submit\" class=\"govuk-button\" "
                      "data-module=\"govuk-button\">Save</button></form>");
    web_page_end(req, resp);
    return 0;
}

int page_indicator_new_get(struct web_req *req, struct web_resp *resp)
{
    struct safer_indicator_fields f = {.title = NULL};
    return indicator_form(req, resp, "Add an indicator", "/indicators/new", &f, 0, NULL, NULL);
}

/* The fields the form posted (strings in the request). */
static void fields_from_form(struct web_req *req, struct safer_indicator_fields *f)
{
    size_t ncat = web_param_count(&req->form, "categories");
    const char **cats = safer_arena_alloc(req->arena, (ncat + 1) * sizeof(char *));
    size_t k = 0;
    for (size_t i = 0; i < req->form.n && k < ncat; i++) {
        if (strcmp(req->form.v[i].name, "categories") == 0)
            cats[k++] = req->form.v[i].value;
    }
    *f = (struct safer_indicator_fields){
        .title = web_param(&req->form, "title"),
        .kind = web_param(&req->form, "kind"),
        .priority_key = web_param(&req->form, "priority_key"),
        .group_key = web_param(&req->form, "group_key"),
        .categories = cats,
        .ncategories = k,
        .ward = web_param(&req->form, "ward"),
        .measure = web_param(&req->form, "measure"),
        .period = web_param(&req->form, "period"),
        .good = web_param(&req->form, "good"),
        .target = web_param(&req->form, "target"),
        .amber = web_param(&req->form, "amber"),
        .red = web_param(&req->form, "red"),
        .unit = web_param(&req->form, "unit"),
        .question = web_param(&req->form, "question"),
    };
    /* The form's measure and period radios are a computed indicator's:
     * a survey one's are its waves' per cent, whatever they say. */
    if (f->kind && strcmp(f->kind, "survey") == 0) {
        f->measure = NULL;
        f->period = NULL;
        f->unit = NULL;
    } else {
        f->question = NULL;
    }
}

/* The stored definition as the form shows it. */
static void fields_of(struct web_req *req, const struct safer_indicator *ind,
                      struct safer_indicator_fields *f)
{
    char *num[3] = {NULL, NULL, NULL};
    double v[3] = {ind->target, ind->amber, ind->red};
    for (size_t i = 0; i < 3; i++) {
        if (i == 0 && !ind->has_target)
            continue;
        char t[40];
        snprintf(t, sizeof(t), "%.15g", v[i]);
        num[i] = safer_arena_strdup(req->arena, t);
    }
    *f = (struct safer_indicator_fields){
        .title = ind->title,
        .kind = ind->kind,
        .priority_key = ind->priority_key,
        .group_key = ind->group_key,
        .categories = ind->categories,
        .ncategories = ind->ncategories,
        .ward = ind->ward,
        .measure = ind->measure,
        .period = ind->period,
        .good = ind->good,
        .target = num[0],
        .amber = num[1],
        .red = num[2],
        .unit = ind->unit,
        .question = ind->question,
    };
}

int page_indicator_new_post(struct web_req *req, struct web_resp *resp)
{
    struct safer_indicator_fields f;
    fields_from_form(req, &f);
    struct safer_field_errors fe = {.n = 0};
    struct safer_err err = {0};
    int64_t id = 0;
    int rc = safer_indicator_add(req->st, &req->actor, &f, req->now, &id, &fe, &err);
    if (rc == SAFER_EINVAL && fe.n) {
        resp->status = 400;
        return indicator_form(req, resp, "Add an indicator", "/indicators/new", &f, 0, &fe,
                              NULL);
    }
    if (rc < 0)
        return rc;
    char to[48];
    snprintf(to, sizeof(to), "/indicators/%lld", (long long)id);
    web_redirect(resp, safer_arena_strdup(req->arena, to));
    return 0;
}

/* The stored definition of indicator `id` (SAFER_ENOTFOUND when the
 * partnership has none), without its series' comments. */
static int stored(struct web_req *req, int64_t id, struct safer_indicator *ind)
{
    struct safer_indicator_point *pts;
    size_t npts;
    struct safer_indicator_query q = {.priority_key = NULL};
    return safer_indicator_get(req->st, &req->actor, id, &q, req->now, req->arena, ind, &pts,
                               &npts, NULL, NULL, &req->err);
}

int page_indicator_edit_get(struct web_req *req, struct web_resp *resp)
{
    int64_t id = web_id(req->arg);
    if (!id)
        return SAFER_ENOTFOUND;
    struct safer_indicator ind;
    int rc = stored(req, id, &ind);
    if (rc < 0)
        return rc;
    struct safer_indicator_fields f;
    fields_of(req, &ind, &f);
    char to[48];
    snprintf(to, sizeof(to), "/indicators/edit/%lld", (long long)id);
    return indicator_form(req, resp, "Change the indicator", to, &f, ind.version, NULL, NULL);
}

int page_indicator_edit_post(struct web_req *req, struct web_resp *resp)
{
    int64_t id = web_id(req->arg);
    if (!id)
        return SAFER_ENOTFOUND;
    struct safer_indicator_fields f;
    fields_from_form(req, &f);
    int64_t version = web_id(web_param(&req->form, "version"));
    struct safer_field_errors fe = {.n = 0};
    struct safer_err err = {0};
    int rc = safer_indicator_change(req->st, &req->actor, id, version, &f, req->now, &fe, &err);
    char to[48];
    snprintf(to, sizeof(to), "/indicators/edit/%lld", (long long)id);
    if (rc == SAFER_EINVAL && fe.n) {
        resp->status = 400;
        return indicator_form(req, resp, "Change the indicator", to, &f, version, &fe, NULL);
    }
    if (rc == SAFER_ECONFLICT) {
        /* Someone changed it since the form was drawn: show theirs, say so. */
        struct safer_indicator ind;
        rc = stored(req, id, &ind);
        if (rc < 0)
            return rc;
        struct safer_indicator_fields now;
        fields_of(req, &ind, &now);
        resp->status = 409;
        return indicator_form(req, resp, "Change the indicator", to, &now, ind.version, NULL,
                              "Someone else changed this indicator while you were editing "
                              "it. This is the indicator as it is now: make your change "
                              "again.");
    }
    if (rc < 0) {
        req->err = err;
        return rc;
    }
    snprintf(to, sizeof(to), "/indicators/%lld", (long long)id);
    web_redirect(resp, safer_arena_strdup(req->arena, to));
    return 0;
}
