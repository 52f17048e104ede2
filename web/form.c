/*
 * form.c - GOV.UK form fields: the form group, select and textarea.
 */
#include "util/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "page.h"
#include "safer/partnership.h"
#include "safer/plan.h"

const char *web_group_begin(struct safer_buf *b, const struct safer_field_errors *fe,
                            const char *name, const char *label, const char *hint)
{
    const char *msg = web_field_message(fe, name);
    safer_html_raw(b, "<div class=\"govuk-form-group");
    if (msg)
        safer_html_raw(b, " govuk-form-group--error");
    safer_html_raw(b, "\"><label class=\"govuk-label\" for=\"");
    safer_html_attr(b, name);
    safer_html_raw(b, "\">");
    safer_html_text(b, label);
    safer_html_raw(b, "</label>");
    if (hint) {
        safer_html_raw(b, "<div class=\"govuk-hint\" id=\"");
        safer_html_attr(b, name);
        safer_html_raw(b, "-hint\">");
        safer_html_text(b, hint);
        safer_html_raw(b, "</div>");
    }
    if (msg) {
        safer_html_raw(b, "<p class=\"govuk-error-message\" id=\"");
        safer_html_attr(b, name);
        safer_html_raw(b, "-error\"><span class=\"govuk-visually-hidden\">Error:</span> ");
        safer_html_text(b, msg);
        safer_html_raw(b, "</p>");
    }
    return msg;
}

void web_group_end(struct safer_buf *b)
{
    safer_html_raw(b, "</div>");
}

void web_control_attrs(struct safer_buf *b, const char *name, bool hint, bool error)
{
    safer_html_raw(b, " id=\"");
    safer_html_attr(b, name);
    safer_html_raw(b, "\" name=\"");
    safer_html_attr(b, name);
    safer_html_raw(b, "\"");
    if (hint || error) {
        safer_html_raw(b, " aria-describedby=\"");
        if (hint) {
            safer_html_attr(b, name);
            safer_html_raw(b, "-hint");
        }
        if (hint && error)
            safer_html_raw(b, " ");
        if (error) {
            safer_html_attr(b, name);
            safer_html_raw(b, "-error");
        }
        safer_html_raw(b, "\"");
    }
}

static void option(struct safer_buf *b, const char *value, const char *label, bool selected)
{
    safer_html_raw(b, "<option value=\"");
    safer_html_attr(b, value);
    safer_html_raw(b, "\"");
    if (selected)
        safer_html_raw(b, " selected");
    safer_html_raw(b, ">");
    safer_html_text(b, label);
    safer_html_raw(b, "</option>");
}

void web_select(struct safer_buf *b, const struct safer_field_errors *fe, const char *name,
                const char *label, const char *hint, const char *const *values,
                const char *const *labels, size_t n, const char *blank, const char *selected)
{
    const char *msg = web_group_begin(b, fe, name, label, hint);
    safer_html_raw(b, "<select class=\"govuk-select");
    if (msg)
        safer_html_raw(b, " govuk-select--error");
    safer_html_raw(b, "\"");
    web_control_attrs(b, name, hint != NULL, msg != NULL);
    safer_html_raw(b, ">");
    if (blank)
        option(b, "", blank, !selected || !*selected);
    for (size_t i = 0; i < n; i++)
        option(b, values[i], labels[i], selected && strcmp(selected, values[i]) == 0);
    safer_html_raw(b, "</select>");
    web_group_end(b);
}

void web_textarea(struct safer_buf *b, const struct safer_field_errors *fe, const char *name,
                  const char *label, const char *hint, int rows, const char *value)
{
    const char *msg = web_group_begin(b, fe, name, label, hint);
    safer_html_raw(b, "<textarea class=\"govuk-textarea");
    if (msg)
        safer_html_raw(b, " govuk-textarea--error");
    safer_html_raw(b, "\"");
    web_control_attrs(b, name, hint != NULL, msg != NULL);
    safer_buf_putf(b, " rows=\"%d\">", rows > 0 && rows < 50 ? rows : 5);
    safer_html_text(b, value);
    safer_html_raw(b, "</textarea>");
    web_group_end(b);
}

int64_t web_id(const char *s)
{
    if (!s || *s < '1' || *s > '9')
        return 0;
    int64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (INT64_MAX - 9) / 10)
            return 0;
        v = v * 10 + (*s - '0');
    }
    return v;
}

int web_choices_load(struct web_req *req, struct web_choices *c, struct safer_err *err)
{
    memset(c, 0, sizeof(*c));
    const struct safer_plan *plan;
    int rc = web_plan(req, &plan);
    if (rc < 0) {
        *err = req->err;
        return rc;
    }
    struct safer_arena *a = req->arena;
    if (plan) {
        c->prio_keys = safer_arena_alloc(a, (plan->npriorities + 1) * sizeof(char *));
        c->prio_titles = safer_arena_alloc(a, (plan->npriorities + 1) * sizeof(char *));
        for (size_t i = 0; i < plan->npriorities; i++) {
            c->prio_keys[c->nprio] = safer_arena_strdup(a, plan->priorities[i].key);
            c->prio_titles[c->nprio++] = safer_arena_strdup(a, plan->priorities[i].title);
        }
        c->group_keys = safer_arena_alloc(a, (plan->ngroups + 1) * sizeof(char *));
        c->group_names = safer_arena_alloc(a, (plan->ngroups + 1) * sizeof(char *));
        for (size_t i = 0; i < plan->ngroups; i++) {
            c->group_keys[c->ngroup] = safer_arena_strdup(a, plan->groups[i].key);
            c->group_names[c->ngroup++] = safer_arena_strdup(a, plan->groups[i].name);
        }
    }
    struct safer_person *people = NULL;
    size_t n = 0;
    rc = safer_people_list(req->st, &req->actor, &people, &n, err);
    if (rc < 0)
        return rc;
    c->person_ids = safer_arena_alloc(a, (n + 1) * sizeof(char *));
    c->person_names = safer_arena_alloc(a, (n + 1) * sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        if (people[i].disabled)
            continue;
        char id[24], label[600];
        snprintf(id, sizeof(id), "%lld", (long long)people[i].id);
        snprintf(label, sizeof(label), "%s (%s)", people[i].name, people[i].org);
        c->person_ids[c->npeople] = safer_arena_strdup(a, id);
        c->person_names[c->npeople++] = safer_arena_strdup(a, label);
    }
    free(people);
    size_t ns = 0;
    while (safer_action_statuses[ns])
        ns++;
    c->status_values = safer_arena_alloc(a, (ns + 1) * sizeof(char *));
    c->status_labels = safer_arena_alloc(a, (ns + 1) * sizeof(char *));
    for (size_t i = 0; i < ns; i++) {
        c->status_values[i] = safer_action_statuses[i];
        c->status_labels[i] = safer_action_status_label(safer_action_statuses[i]);
    }
    c->nstatus = ns;
    return 0;
}

/* ---- equality and money (page_equality.c, page_funding.c) ---- */

void web_checkboxes(struct safer_buf *b, const struct safer_field_errors *fe, const char *name,
                    const char *legend, const char *hint, const char *const *values,
                    const char *const *labels, size_t n, const char *const *checked,
                    size_t nchecked)
{
    const char *msg = web_field_message(fe, name);
    safer_html_raw(b, "<div class=\"govuk-form-group");
    if (msg)
        safer_html_raw(b, " govuk-form-group--error");
    safer_html_raw(b, "\"><fieldset class=\"govuk-fieldset\"");
    if (hint || msg) {
        safer_html_raw(b, " aria-describedby=\"");
        if (hint) {
            safer_html_attr(b, name);
            safer_html_raw(b, "-hint");
        }
        if (msg) {
            if (hint)
                safer_html_raw(b, " ");
            safer_html_attr(b, name);
            safer_html_raw(b, "-error");
        }
        safer_html_raw(b, "\"");
    }
    safer_html_raw(b, "><legend class=\"govuk-fieldset__legend govuk-fieldset__legend--s\">");
    safer_html_text(b, legend);
    safer_html_raw(b, "</legend>");
    if (hint) {
        safer_html_raw(b, "<div class=\"govuk-hint\" id=\"");
        safer_html_attr(b, name);
        safer_html_raw(b, "-hint\">");
        safer_html_text(b, hint);
        safer_html_raw(b, "</div>");
    }
    if (msg) {
        safer_html_raw(b, "<p class=\"govuk-error-message\" id=\"");
        safer_html_attr(b, name);
        safer_html_raw(b, "-error\"><span class=\"govuk-visually-hidden\">Error:</span> ");
        safer_html_text(b, msg);
        safer_html_raw(b, "</p>");
    }
    safer_html_raw(b, "<div class=\"govuk-checkboxes govuk-checkboxes--small\" "
                      "data-module=\"govuk-checkboxes\">");
    for (size_t i = 0; i < n; i++) {
        bool on = false;
        for (size_t k = 0; k < nchecked && !on; k++)
            on = checked[k] && strcmp(checked[k], values[i]) == 0;
        char id[80];
        if (i)
            snprintf(id, sizeof(id), "%s-%zu", name, i);
        else
            snprintf(id, sizeof(id), "%s", name);
        safer_html_raw(b, "<div class=\"govuk-checkboxes__item\"><input "
                          "class=\"govuk-checkboxes__input\" type=\"checkbox\" id=\"");
        safer_html_attr(b, id);
        safer_html_raw(b, "\" name=\"");
        safer_html_attr(b, name);
        safer_html_raw(b, "\" value=\"");
        safer_html_attr(b, values[i]);
        safer_html_raw(b, "\"");
        if (on)
            safer_html_raw(b, " checked");
        safer_html_raw(b, "><label class=\"govuk-label govuk-checkboxes__label\" for=\"");
        safer_html_attr(b, id);
        safer_html_raw(b, "\">");
        safer_html_text(b, labels[i]);
        safer_html_raw(b, "</label></div>");
    }
    safer_html_raw(b, "</div></fieldset></div>");
}

void web_summary_text(struct safer_buf *b, const char *key, const char *text, const char *none)
{
    safer_html_raw(b, "<div class=\"govuk-summary-list__row\"><dt "
                      "class=\"govuk-summary-list__key\">");
    safer_html_text(b, key);
    safer_html_raw(b, "</dt><dd class=\"govuk-summary-list__value\">");
    bool any = false;
    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        size_t m = n;
        while (m && (p[m - 1] == '\r' || p[m - 1] == ' '))
            m--;
        if (m) {
            safer_html_raw(b, "<p class=\"govuk-body\">");
            safer_html_textn(b, p, m);
            safer_html_raw(b, "</p>");
            any = true;
        }
        p = nl ? nl + 1 : p + n;
    }
    if (!any)
        safer_html_text(b, none);
    safer_html_raw(b, "</dd></div>");
}

const char **web_param_all(struct web_req *req, const char *name, size_t *n)
{
    size_t count = web_param_count(&req->form, name);
    const char **v = safer_arena_alloc(req->arena, (count + 1) * sizeof(char *));
    size_t k = 0;
    for (size_t i = 0; i < req->form.n && k < count; i++) {
        if (strcmp(req->form.v[i].name, name) == 0)
            v[k++] = req->form.v[i].value;
    }
    *n = k;
    return v;
}

void web_form_page_begin(struct web_req *req, struct web_resp *resp, const char *heading,
                         const char *post_to, int64_t version,
                         const struct safer_field_errors *fe, const char *notice)
{
    resp->private_page = true;
    struct safer_buf *b = &resp->body;
    web_page_begin(req, resp, heading, fe);
    web_error_summary(b, fe);
    if (notice) {
        safer_html_raw(b, "<div class=\"govuk-warning-text\"><span "
                          "class=\"govuk-warning-text__icon\" aria-hidden=\"true\">!</span>"
                          "<strong class=\"govuk-warning-text__text\"><span "
                          "class=\"govuk-visually-hidden\">Warning</span>");
        safer_html_text(b, notice);
        safer_html_raw(b, "</strong></div>");
    }
    safer_html_raw(b, "<h1 class=\"govuk-heading-l\">");
    safer_html_text(b, heading);
    safer_html_raw(b, "</h1><form method=\"post\" novalidate action=\"");
    safer_html_attr(b, post_to);
    safer_html_raw(b, "\">");
    web_csrf_input(req, resp);
    if (version > 0) {
        char v[24];
        snprintf(v, sizeof(v), "%lld", (long long)version);
        safer_html_raw(b, "<input type=\"hidden\" name=\"version\" value=\"");
        safer_html_attr(b, v);
        safer_html_raw(b, "\">");
    }
}
