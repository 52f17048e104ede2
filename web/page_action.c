/*
 * page_action.c - the partnership's actions: the list (GET /actions), one
 * action with its updates (GET /actions/{id}), posting an update (POST
 * /actions/update/{id}), adding (GET and POST /actions/new) and changing
 * one (GET and POST /actions/edit/{id}).
 *
 * The library decides: every call takes the actor and refuses what its
 * role may not do (action.h). A page only chooses which forms to draw for
 * the role it was given, so that nobody is offered a button that would be
 * refused. A form that fails comes back with the GOV.UK error summary,
 * each field's message and what was typed; nothing is saved half-way.
 */
#include "util/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "page.h"
#include "safer/partnership.h"
#include "safer/plan.h"

/* ---- shared pieces ---- */

/* "12 days overdue", "Due 2026-03-31", "No due date". */
static void due_text(const struct safer_action *a, char *out, size_t size)
{
    if (a->days_overdue > 0)
        snprintf(out, size, "%s (%lld day%s overdue)", a->due_date, (long long)a->days_overdue,
                 a->days_overdue == 1 ? "" : "s");
    else
        snprintf(out, size, "%s", a->due_date ? a->due_date : "No due date");
}

/* The table of actions, each linking to its page. Shared with the
 * dashboard and a person's own page through web_action_table(). */
void web_action_table(struct safer_buf *b, const char *caption, const struct safer_action *list,
                      size_t n)
{
    safer_html_raw(b, "<div class=\"safer-table-scroll\" tabindex=\"0\" role=\"region\" "
                      "aria-label=\"");
    safer_html_attr(b, caption);
    safer_html_raw(b, "\"><table class=\"govuk-table\"><caption class=\"govuk-table__caption "
                      "govuk-table__caption--m\">");
    safer_html_text(b, caption);
    safer_html_raw(b, "</caption><thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">");
    web_th(b, "Action", false);
    web_th(b, "Group", false);
    web_th(b, "Lead", false);
    web_th(b, "Due", false);
    web_th(b, "Status", false);
    web_th(b, "Progress", true);
    safer_html_raw(b, "</tr></thead><tbody class=\"govuk-table__body\">");
    for (size_t i = 0; i < n; i++) {
        const struct safer_action *a = &list[i];
        char href[48], due[80], progress[16];
        snprintf(href, sizeof(href), "/actions/%lld", (long long)a->id);
        due_text(a, due, sizeof(due));
        snprintf(progress, sizeof(progress), "%d%%", a->progress);
        safer_html_raw(b, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">"
                          "<a class=\"govuk-link\" href=\"");
        safer_html_attr(b, href);
        safer_html_raw(b, "\">");
        safer_html_text(b, a->title);
        safer_html_raw(b, "</a></td>");
        web_td(b, a->group_name ? a->group_name : a->group_key, false);
        web_td(b, a->lead_name ? a->lead_name : a->lead_org, false);
        web_td(b, due, false);
        safer_html_raw(b, "<td class=\"govuk-table__cell\">");
        web_status_tag(b, a->days_overdue > 0 && strcmp(a->status, "off-track") != 0
                              ? "off-track"
                              : a->status,
                       a->days_overdue > 0 ? "Overdue" : safer_action_status_label(a->status));
        safer_html_raw(b, "</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">");
        safer_html_text(b, progress);
        safer_html_raw(b, "</td></tr>");
    }
    if (n == 0)
        safer_html_raw(b, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\" "
                          "colspan=\"6\">None.</td></tr>");
    safer_html_raw(b, "</tbody></table></div>");
}

/* ---- GET /actions ---- */

int page_actions_get(struct web_req *req, struct web_resp *resp)
{
    struct safer_action_query q = {
        .priority_key = web_param(&req->query, "priority"),
        .group_key = web_param(&req->query, "group"),
    };
    if (q.priority_key && !*q.priority_key)
        q.priority_key = NULL;
    if (q.group_key && !*q.group_key)
        q.group_key = NULL;
    const char *mine = web_param(&req->query, "mine");
    if (mine && strcmp(mine, "1") == 0)
        q.lead_user_id = req->actor.user_id;
    struct safer_err err = {0};
    struct web_choices c;
    int rc = web_choices_load(req, &c, &err);
    struct safer_action *list = NULL;
    size_t n = 0;
    if (rc == 0)
        rc = safer_action_list(req->st, &req->actor, &q, req->now, req->arena, &list, &n, &err);
    if (rc < 0)
        return rc;
    resp->private_page = true;
    struct safer_buf *b = &resp->body;
    web_page_begin(req, resp, "Actions", NULL);
    safer_html_raw(b, "<h1 class=\"govuk-heading-l\">Actions</h1>");
    if (safer_role_may(req->actor.role, SAFER_PERM_EDIT_PLAN))
        safer_html_raw(b, "<p class=\"govuk-body\"><a class=\"govuk-button\" "
                          "href=\"/actions/new\">Add an action</a></p>");
    /* Filters: a GET form, so the list's address can be shared. */
    safer_html_raw(b, "<form method=\"get\" action=\"/actions\" class=\"safer-filters\">"
                      "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-one-half\">");
    web_select(b, NULL, "priority", "Priority", NULL, c.prio_keys, c.prio_titles, c.nprio,
               "All priorities", q.priority_key);
    safer_html_raw(b, "</div><div class=\"govuk-grid-column-one-half\">");
    web_select(b, NULL, "group", "Group", NULL, c.group_keys, c.group_names, c.ngroup,
               "All groups", q.group_key);
    safer_html_raw(b, "</div></div><div class=\"govuk-checkboxes govuk-checkboxes--small "
                      "govuk-form-group\"><div class=\"govuk-checkboxes__item\">"
                      "<input class=\"govuk-checkboxes__input\" id=\"mine\" name=\"mine\" "
                      "type=\"checkbox\" value=\"1\"");
    if (q.lead_user_id)
        safer_html_raw(b, " checked");
    safer_html_raw(b, "><label class=\"govuk-label govuk-checkboxes__label\" for=\"mine\">"
                      "Only actions I lead</label></div></div>"
                      "<button type=\"submit\" class=\"govuk-button govuk-button--secondary\" "
                      "data-module=\"govuk-button\">Show actions</button></form>");
    char caption[64];
    snprintf(caption, sizeof(caption), "%zu action%s", n, n == 1 ? "" : "s");
    web_action_table(b, caption, list, n);
    web_page_end(req, resp);
    return 0;
}

/* ---- GET /actions/{id}, and the update form ---- */

/* What the update form holds after a failed post, so nothing typed is lost. */
struct update_form {
    const char *on_date, *status, *progress, *note;
};

static bool may_update(const struct web_req *req, const struct safer_action *a)
{
    return safer_role_may(req->actor.role, SAFER_PERM_UPDATE_ACTION) ||
           (safer_role_may(req->actor.role, SAFER_PERM_UPDATE_OWN_ACTION) &&
            a->lead_user_id == req->actor.user_id && req->actor.user_id != 0);
}

static int action_page(struct web_req *req, struct web_resp *resp, int64_t id,
                       const struct safer_field_errors *fe, const struct update_form *typed)
{
    struct safer_err err = {0};
    struct safer_action a;
    struct safer_action_update *ups = NULL;
    size_t nups = 0;
    int rc = safer_action_get(req->st, &req->actor, id, req->now, req->arena, &a, &ups, &nups,
                              &err);
    if (rc < 0)
        return rc;
    struct web_choices c;
    rc = web_choices_load(req, &c, &err);
    if (rc < 0)
        return rc;
    resp->private_page = true;
    struct safer_buf *b = &resp->body;
    web_page_begin(req, resp, a.title, fe);
    web_error_summary(b, fe);
    safer_html_raw(b, "<span class=\"govuk-caption-l\">Action</span><h1 "
                      "class=\"govuk-heading-l\">");
    safer_html_text(b, a.title);
    safer_html_raw(b, "</h1><p class=\"govuk-body\">");
    web_status_tag(b, a.status, NULL);
    if (a.days_overdue > 0) {
        char od[48];
        snprintf(od, sizeof(od), "%lld day%s overdue", (long long)a.days_overdue,
                 a.days_overdue == 1 ? "" : "s");
        safer_html_raw(b, " ");
        web_status_tag(b, "off-track", od);
    }
    safer_html_raw(b, "</p>");
    char progress[16], due[80];
    snprintf(progress, sizeof(progress), "%d%%", a.progress);
    due_text(&a, due, sizeof(due));
    web_summary_begin(b);
    web_summary_row(b, "Description", a.description ? a.description : "None given");
    web_summary_row(b, "Priority", a.priority_title ? a.priority_title : a.priority_key);
    web_summary_row(b, "Group", a.group_name ? a.group_name : a.group_key);
    web_summary_row(b, "Lead organisation", a.lead_org ? a.lead_org : "None given");
    web_summary_row(b, "Lead person", a.lead_name ? a.lead_name : "None given");
    web_summary_row(b, "Start", a.start_date ? a.start_date : "None given");
    web_summary_row(b, "Due", due);
    web_summary_row(b, "Progress", progress);
    web_summary_row(b, "Last changed", a.updated_at);
    web_summary_end(b);
    if (safer_role_may(req->actor.role, SAFER_PERM_EDIT_PLAN)) {
        char href[48];
        snprintf(href, sizeof(href), "/actions/edit/%lld", (long long)a.id);
        safer_html_raw(b, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"");
        safer_html_attr(b, href);
        safer_html_raw(b, "\">Change this action</a></p>");
    }

    if (may_update(req, &a)) {
        char action[48], pct[16];
        snprintf(action, sizeof(action), "/actions/update/%lld", (long long)a.id);
        snprintf(pct, sizeof(pct), "%d", a.progress);
        safer_html_raw(b, "<h2 class=\"govuk-heading-m\">Post an update</h2>"
                          "<form method=\"post\" novalidate action=\"");
        safer_html_attr(b, action);
        safer_html_raw(b, "\">");
        web_csrf_input(req, resp);
        /* In the order the library checks them, so that the error
         * summary lists them as the page shows them. */
        web_input(b, fe, "on_date", "Date of the update",
                  "The day it is about, for example 2026-03-31. Leave it empty for today",
                  "text", typed ? typed->on_date : NULL, NULL);
        web_select(b, fe, "status", "Status", NULL, c.status_values, c.status_labels, c.nstatus,
                   NULL, typed ? typed->status : a.status);
        web_input(b, fe, "progress", "Progress (per cent)", "A whole number from 0 to 100",
                  "text", typed ? typed->progress : pct, NULL);
        web_textarea(b, fe, "note", "What has happened", NULL, 4, typed ? typed->note : NULL);
        safer_html_raw(b, "<button type=\"submit\" class=\"govuk-button\" "
                          "data-module=\"govuk-button\">Post update</button></form>");
    }

    safer_html_raw(b, "<h2 class=\"govuk-heading-m\">Updates</h2>");
    if (nups == 0)
        safer_html_raw(b, "<p class=\"govuk-body\">No updates yet.</p>");
    for (size_t i = 0; i < nups; i++) {
        const struct safer_action_update *u = &ups[i];
        char line[160];
        snprintf(line, sizeof(line), "%s, by %s: %s, %d%%", u->on_date,
                 u->author ? u->author : "someone", safer_action_status_label(u->status),
                 u->progress);
        safer_html_raw(b, "<div class=\"govuk-inset-text\"><p class=\"govuk-body-s\">");
        safer_html_text(b, line);
        safer_html_raw(b, "</p><p class=\"govuk-body\">");
        safer_html_text(b, u->note);
        safer_html_raw(b, "</p></div>");
    }
    web_page_end(req, resp);
    return 0;
}

int page_action_get(struct web_req *req, struct web_resp *resp)
{
    int64_t id = web_id(req->arg);
    if (!id)
        return SAFER_ENOTFOUND;
    return action_page(req, resp, id, NULL, NULL);
}

int page_action_update_post(struct web_req *req, struct web_resp *resp)
{
    int64_t id = web_id(req->arg);
    if (!id)
        return SAFER_ENOTFOUND;
    struct update_form t = {
        .on_date = web_param(&req->form, "on_date"),
        .status = web_param(&req->form, "status"),
        .progress = web_param(&req->form, "progress"),
        .note = web_param(&req->form, "note"),
    };
    struct safer_field_errors fe = {.n = 0};
    struct safer_err err = {0};
    int rc = safer_action_post_update(req->st, &req->actor, id, t.on_date, t.status, t.progress,
                                      t.note ? t.note : "", req->now, &fe, &err);
    if (rc == SAFER_EINVAL && fe.n) {
        resp->status = 400;
        return action_page(req, resp, id, &fe, &t);
    }
    if (rc < 0)
        return rc;
    char to[48];
    snprintf(to, sizeof(to), "/actions/%lld", (long long)id);
    web_redirect(resp, safer_arena_strdup(req->arena, to));
    return 0;
}

/* ---- adding and changing ---- */

/* The form's fields as the action stands. */
static struct safer_action_fields fields_of(const struct safer_action *a)
{
    struct safer_action_fields f = {
        .title = a->title,
        .description = a->description,
        .priority_key = a->priority_key,
        .group_key = a->group_key,
        .lead_org = a->lead_org,
        .lead_user_id = a->lead_user_id,
        .start_date = a->start_date,
        .due_date = a->due_date,
        .status = a->status,
    };
    return f;
}

static void fields_from_form(struct web_req *req, struct safer_action_fields *f)
{
    memset(f, 0, sizeof(*f));
    f->title = web_param(&req->form, "title");
    f->description = web_param(&req->form, "description");
    f->priority_key = web_param(&req->form, "priority_key");
    f->group_key = web_param(&req->form, "group_key");
    f->lead_org = web_param(&req->form, "lead_org");
    f->lead_user_id = web_id(web_param(&req->form, "lead_user_id"));
    f->start_date = web_param(&req->form, "start_date");
    f->due_date = web_param(&req->form, "due_date");
    f->status = web_param(&req->form, "status");
    if (!f->title)
        f->title = "";
}

/* The form of an action's fields; `a` gives the values when there was no
 * post (a change), `f` the ones typed (after a failed post). */
static int action_form(struct web_req *req, struct web_resp *resp, const char *heading,
                       const char *post_to, const struct safer_action_fields *f,
                       int64_t version, const struct safer_field_errors *fe, const char *notice)
{
    struct safer_err err = {0};
    struct web_choices c;
    int rc = web_choices_load(req, &c, &err);
    if (rc < 0)
        return rc;
    resp->private_page = true;
    struct safer_buf *b = &resp->body;
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
    if (version > 0) {
        char v[24];
        snprintf(v, sizeof(v), "%lld", (long long)version);
        safer_html_raw(b, "<input type=\"hidden\" name=\"version\" value=\"");
        safer_html_attr(b, v);
        safer_html_raw(b, "\">");
    }
    web_input(b, fe, "title", "Title", "What will be done, in a line", "text", f->title, NULL);
    web_textarea(b, fe, "description", "Description", "Optional", 4, f->description);
    web_select(b, fe, "priority_key", "Priority", NULL, c.prio_keys, c.prio_titles, c.nprio,
               "None", f->priority_key);
    web_select(b, fe, "group_key", "Group that delivers it", NULL, c.group_keys, c.group_names,
               c.ngroup, "None", f->group_key);
    web_input(b, fe, "lead_org", "Lead organisation", "For example, Maidstone Borough Council",
              "text", f->lead_org, "organization");
    char lead[24] = "";
    if (f->lead_user_id)
        snprintf(lead, sizeof(lead), "%lld", (long long)f->lead_user_id);
    web_select(b, fe, "lead_user_id", "Lead person", NULL, c.person_ids, c.person_names,
               c.npeople, "None", lead);
    web_input(b, fe, "start_date", "Start date", "For example, 2026-04-01", "text",
              f->start_date, NULL);
    web_input(b, fe, "due_date", "Due date", "For example, 2027-03-31", "text", f->due_date,
              NULL);
    web_select(b, fe, "status", "Status", NULL, c.status_values, c.status_labels, c.nstatus,
               NULL, f->status ? f->status : "not-started");
    safer_html_raw(b, "<button type=\"submit\" class=\"govuk-button\" "
                      "data-module=\"govuk-button\">Save</button></form>");
    web_page_end(req, resp);
    return 0;
}

int page_action_new_get(struct web_req *req, struct web_resp *resp)
{
    struct safer_action_fields f = {.title = NULL};
    return action_form(req, resp, "Add an action", "/actions/new", &f, 0, NULL, NULL);
}

int page_action_new_post(struct web_req *req, struct web_resp *resp)
{
    struct safer_action_fields f;
    fields_from_form(req, &f);
    struct safer_field_errors fe = {.n = 0};
    struct safer_err err = {0};
    int64_t id = 0;
    int rc = safer_action_add(req->st, &req->actor, &f, req->now, &id, &fe, &err);
    if (rc == SAFER_EINVAL && fe.n) {
        resp->status = 400;
        return action_form(req, resp, "Add an action", "/actions/new", &f, 0, &fe, NULL);
    }
    if (rc < 0)
        return rc;
    char to[48];
    snprintf(to, sizeof(to), "/actions/%lld", (long long)id);
    web_redirect(resp, safer_arena_strdup(req->arena, to));
    return 0;
}

int page_action_edit_get(struct web_req *req, struct web_resp *resp)
{
    int64_t id = web_id(req->arg);
    if (!id)
        return SAFER_ENOTFOUND;
    struct safer_err err = {0};
    struct safer_action a;
    struct safer_action_update *ups;
    size_t nups;
    int rc = safer_action_get(req->st, &req->actor, id, req->now, req->arena, &a, &ups, &nups,
                              &err);
    if (rc < 0)
        return rc;
    struct safer_action_fields f = fields_of(&a);
    char to[48];
    snprintf(to, sizeof(to), "/actions/edit/%lld", (long long)id);
    return action_form(req, resp, "Change the action", to, &f, a.version, NULL, NULL);
}

int page_action_edit_post(struct web_req *req, struct web_resp *resp)
{
    int64_t id = web_id(req->arg);
    if (!id)
        return SAFER_ENOTFOUND;
    struct safer_action_fields f;
    fields_from_form(req, &f);
    int64_t version = web_id(web_param(&req->form, "version"));
    struct safer_field_errors fe = {.n = 0};
    struct safer_err err = {0};
    int rc = safer_action_change(req->st, &req->actor, id, version, &f, req->now, &fe, &err);
    char to[48];
    snprintf(to, sizeof(to), "/actions/edit/%lld", (long long)id);
    if (rc == SAFER_EINVAL && fe.n) {
        resp->status = 400;
        return action_form(req, resp, "Change the action", to, &f, version, &fe, NULL);
    }
    if (rc == SAFER_ECONFLICT) {
        /* Someone changed it since the form was drawn: show theirs, say so. */
        struct safer_action a;
        struct safer_action_update *ups;
        size_t nups;
        rc = safer_action_get(req->st, &req->actor, id, req->now, req->arena, &a, &ups, &nups,
                              &err);
        if (rc < 0)
            return rc;
        struct safer_action_fields now = fields_of(&a);
        resp->status = 409;
        return action_form(req, resp, "Change the action", to, &now, a.version, NULL,
                           "Someone else changed this action while you were editing it. "
                           "This is the action as it is now: make your change again.");
    }
    if (rc < 0)
        return rc;
    snprintf(to, sizeof(to), "/actions/%lld", (long long)id);
    web_redirect(resp, safer_arena_strdup(req->arena, to));
    return 0;
}
