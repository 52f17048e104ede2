/*
 * page_people.c - the people of the administrator's partnership: the list
 * (GET /people), adding one (GET and POST /people/new: the one-time set-up
 * link is shown on the page, to hand over), one person (GET /people/{id})
 * and what may be done to them (POST /people/{reset,disable,enable,role,
 * sign-out}/{id}). Disabling asks first: the POST without confirm=yes only
 * shows what it will do.
 *
 * Every route needs MANAGE_USERS; the library decides again, within the
 * administrator's own partnership (account.h): a person of another
 * partnership is not found (404).
 */
#include "util/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "page.h"
#include "safer/account.h"
#include "safer/partnership.h"
#include "safer/store.h"

/* The roles a person may be given, as a select's values and labels. */
static const char *const ROLES[] = {"member",  "executive",   "practitioner", "analyst",
                                    "coordinator", "administrator", "public"};
static const char *const ROLE_LABELS[] = {
    "Member (an elected councillor: aggregates only)",
    "Executive (reads the whole plan, changes nothing)",
    "Practitioner (updates the actions they lead)",
    "Analyst (reads everything, keeps indicators)",
    "Coordinator (keeps the plan)",
    "Administrator (people and the audit log too)",
    "Public (sees the public summary)"};
#define NROLES (sizeof(ROLES) / sizeof(ROLES[0]))

static const char *status_of(const struct safer_person *p)
{
    return p->disabled ? "Disabled" : p->set_up ? "Set up" : "Not set up";
}

static void when(int64_t t, char *out, size_t size)
{
    if (t > 0)
        web_format_time(t, out, size);
    else
        snprintf(out, size, "Never");
}

/* A page showing a one-time link to hand over. */
static int link_page(struct web_req *req, struct web_resp *resp, const char *title,
                     const char *lead, const char *token, int64_t back)
{
    char *base = NULL;
    int rc = safer_store_get_meta(req->st, "public_url", &base, &req->err);
    if (rc < 0)
        return rc;
    size_t n = base ? strlen(base) : 0;
    while (n > 0 && base[n - 1] == '/')
        n--;
    char link[512];
    snprintf(link, sizeof(link), "%.*s/account/setup?token=%s", (int)n, base ? base : "", token);
    free(base);
    struct safer_buf *b = &resp->body;
    web_page_begin(req, resp, title, NULL);
    safer_html_raw(b, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-two-thirds\">"
                      "<div class=\"govuk-panel govuk-panel--confirmation\"><h1 "
                      "class=\"govuk-panel__title\">");
    safer_html_text(b, title);
    safer_html_raw(b, "</h1></div><p class=\"govuk-body\">");
    safer_html_text(b, lead);
    safer_html_raw(b, "</p><p class=\"govuk-body\">");
    safer_html_text(b, n ? "Their one-time link (it works for 3 days, once):"
                         : "Their one-time link: this server's address followed by");
    safer_html_raw(b, "</p><p class=\"safer-secret\">");
    safer_html_text(b, link);
    safer_html_raw(b, "</p><p class=\"govuk-body\">Give it to them yourself, or by a channel "
                      "only they read: whoever has it can choose their password. It is not "
                      "shown again.</p><p class=\"govuk-body\"><a class=\"govuk-link\" href=\"");
    char href[48];
    snprintf(href, sizeof(href), "/people/%lld", (long long)back);
    safer_html_attr(b, back ? href : "/people");
    safer_html_raw(b, "\">Back to ");
    safer_html_text(b, back ? "the person" : "people");
    safer_html_raw(b, "</a></p></div></div>");
    web_page_end(req, resp);
    return 0;
}

/* ---- GET /people ---- */

int page_people_get(struct web_req *req, struct web_resp *resp)
{
    struct safer_person *v = NULL;
    size_t n = 0;
    int rc = safer_people_list(req->st, &req->actor, &v, &n, &req->err);
    if (rc < 0)
        return rc;
    struct safer_buf *b = &resp->body;
    web_page_begin(req, resp, "People", NULL);
    const char *joined = web_param(&req->query, "joined");
    if (joined && strcmp(joined, "1") == 0)
        web_notice(b, "They are added to this partnership, under the name and organisation "
                      "their account has: they sign in with the password they have.");
    safer_html_raw(b, "<h1 class=\"govuk-heading-l\">People</h1><p class=\"govuk-body\">"
                      "<a class=\"govuk-button\" href=\"/people/new\">Add a person</a></p>"
                      "<div class=\"safer-table-scroll\" tabindex=\"0\" role=\"region\" "
                      "aria-label=\"People of the partnership\"><table class=\"govuk-table\">"
                      "<caption class=\"govuk-table__caption govuk-table__caption--m\">");
    char caption[64];
    snprintf(caption, sizeof(caption), "%zu %s", n, n == 1 ? "person" : "people");
    safer_html_text(b, caption);
    safer_html_raw(b, "</caption><thead class=\"govuk-table__head\">"
                      "<tr class=\"govuk-table__row\">");
    web_th(b, "Name", false);
    web_th(b, "E-mail address", false);
    web_th(b, "Organisation", false);
    web_th(b, "Role", false);
    web_th(b, "Status", false);
    web_th(b, "Last signed in (UTC)", false);
    safer_html_raw(b, "</tr></thead><tbody class=\"govuk-table__body\">");
    for (size_t i = 0; i < n; i++) {
        char href[48], last[64];
        snprintf(href, sizeof(href), "/people/%lld", (long long)v[i].id);
        when(v[i].last_login, last, sizeof(last));
        safer_html_raw(b, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">"
                          "<a class=\"govuk-link\" href=\"");
        safer_html_attr(b, href);
        safer_html_raw(b, "\">");
        safer_html_text(b, v[i].name);
        safer_html_raw(b, "</a></td>");
        web_td(b, v[i].email, false);
        web_td(b, v[i].org, false);
        web_td(b, safer_role_name(v[i].role), false);
        web_td(b, status_of(&v[i]), false);
        web_td(b, last, false);
        safer_html_raw(b, "</tr>");
    }
    safer_html_raw(b, "</tbody></table></div>");
    web_page_end(req, resp);
    free(v);
    return 0;
}

/* ---- /people/new ---- */

struct person_form {
    const char *name, *email, *org, *role;
};

static void new_form(struct web_req *req, struct web_resp *resp, const struct person_form *f,
                     const struct safer_field_errors *fe)
{
    struct safer_buf *b = &resp->body;
    web_page_begin(req, resp, "Add a person", fe);
    safer_html_raw(b, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-two-thirds\">");
    web_error_summary(b, fe);
    safer_html_raw(b, "<h1 class=\"govuk-heading-l\">Add a person</h1><p class=\"govuk-body\">"
                      "They get a one-time link, shown on the next page, where they choose "
                      "their password. Someone already in another partnership is added to "
                      "this one with the role you choose, under the name and organisation "
                      "their account has.</p>"
                      "<form method=\"post\" action=\"/people/new\" novalidate>");
    web_csrf_input(req, resp);
    web_input(b, fe, "name", "Name", "As others will see it", "text", f->name, "off");
    web_input(b, fe, "email", "E-mail address", "How they sign in", "email", f->email, "off");
    web_input(b, fe, "org", "Organisation", "For example, Kent Police", "text", f->org,
              "off");
    web_select(b, fe, "role", "Role", NULL, ROLES, ROLE_LABELS, NROLES, NULL,
               f->role ? f->role : "practitioner");
    safer_html_raw(b, "<button type=\"submit\" class=\"govuk-button\" data-module=\"govuk-button\">"
                      "Add the person</button></form></div></div>");
    web_page_end(req, resp);
}

int page_person_new_get(struct web_req *req, struct web_resp *resp)
{
    struct person_form f = {NULL, NULL, NULL, NULL};
    new_form(req, resp, &f, NULL);
    return 0;
}

/* Which field a library message is about. */
static const char *field_of(const char *msg)
{
    if (strstr(msg, "e-mail"))
        return "email";
    if (strstr(msg, "organisation"))
        return "org";
    if (strstr(msg, "role"))
        return "role";
    return "name";
}

int page_person_new_post(struct web_req *req, struct web_resp *resp)
{
    struct person_form f = {
        .name = web_param(&req->form, "name"),
        .email = web_param(&req->form, "email"),
        .org = web_param(&req->form, "org"),
        .role = web_param(&req->form, "role"),
    };
    struct safer_field_errors fe = {.n = 0};
    enum safer_role role = SAFER_ROLE_PUBLIC;
    if (!f.name || !*f.name)
        web_field_error_add(&fe, "name", "Enter their name");
    if (!f.email || !*f.email)
        web_field_error_add(&fe, "email", "Enter their e-mail address");
    if (!f.org || !*f.org)
        web_field_error_add(&fe, "org", "Enter the organisation they work for");
    if (safer_role_parse(f.role, &role, NULL) < 0)
        web_field_error_add(&fe, "role", "Choose a role");
    if (fe.n == 0) {
        struct safer_partnership p;
        int rc = safer_partnership_info(req->st, req->actor.partnership_id, req->arena, &p,
                                        &req->err);
        if (rc < 0)
            return rc;
        char token[SAFER_TOKEN_SIZE];
        struct safer_err err = {0};
        rc = safer_user_add(req->st, &req->actor, f.email, f.name, f.org, p.code, role, req->now,
                            token, &err);
        bool joined = false;
        /* Someone of another partnership: add them to this one. */
        if (rc == SAFER_EINVAL && strstr(err.msg, "someone's e-mail already")) {
            safer_err_clear(&err);
            rc = safer_user_join(req->st, &req->actor, f.email, p.code, role, req->now, token,
                                 &err);
            joined = rc == 0;
        }
        if (rc == 0 && joined && !token[0]) {
            web_redirect(resp, "/people?joined=1");
            return 0;
        }
        if (rc == 0) {
            rc = link_page(req, resp, joined ? "Added to the partnership" : "Person added",
                           joined ? "They are an administrator here: they enrol an "
                                    "authenticator app through this link (their sessions "
                                    "have ended)."
                                  : "They choose their password through this link.",
                           token, 0);
            explicit_bzero(token, sizeof(token));
            return rc;
        }
        if (rc != SAFER_EINVAL) {
            req->err = err;
            return rc;
        }
        web_field_error_add(&fe, field_of(err.msg), err.msg);
    }
    resp->status = 400;
    new_form(req, resp, &f, &fe);
    return 0;
}

/* ---- GET /people/{id} ---- */

/* What a finished action says on the person's page (?done=...). */
static const char *done_text(const char *done)
{
    static const struct {
        const char *key, *text;
    } T[] = {
        {"role", "Their role is changed."},
        {"disabled", "They are disabled: their sessions have ended."},
        {"enabled", "They are enabled: they may sign in again."},
        {"signed-out", "Their sessions have ended."},
    };
    for (size_t i = 0; done && i < sizeof(T) / sizeof(T[0]); i++)
        if (strcmp(done, T[i].key) == 0)
            return T[i].text;
    return NULL;
}

/* A form of one button posting to /people/WHAT/ID, with hidden fields. */
static void button_form(struct web_req *req, struct web_resp *resp, const char *what, int64_t id,
                        const char *label, bool warning, const char *hidden_name,
                        const char *hidden_value)
{
    struct safer_buf *b = &resp->body;
    char action[64];
    snprintf(action, sizeof(action), "/people/%s/%lld", what, (long long)id);
    safer_html_raw(b, "<form method=\"post\" novalidate action=\"");
    safer_html_attr(b, action);
    safer_html_raw(b, "\">");
    web_csrf_input(req, resp);
    if (hidden_name) {
        safer_html_raw(b, "<input type=\"hidden\" name=\"");
        safer_html_attr(b, hidden_name);
        safer_html_raw(b, "\" value=\"");
        safer_html_attr(b, hidden_value);
        safer_html_raw(b, "\">");
    }
    if (warning)
        safer_html_raw(b, "<button type=\"submit\" class=\"govuk-button govuk-button--warning\" "
                          "data-module=\"govuk-button\">");
    else
        safer_html_raw(b, "<button type=\"submit\" class=\"govuk-button "
                          "govuk-button--secondary\" data-module=\"govuk-button\">");
    safer_html_text(b, label);
    safer_html_raw(b, "</button></form>");
}

static int person_page(struct web_req *req, struct web_resp *resp, int64_t id,
                       const struct safer_field_errors *fe)
{
    struct safer_person p;
    int rc = safer_person_get(req->st, &req->actor, id, &p, &req->err);
    if (rc < 0)
        return rc;
    struct safer_buf *b = &resp->body;
    web_page_begin(req, resp, p.name, fe);
    const char *done = done_text(web_param(&req->query, "done"));
    if (done)
        web_notice(b, done);
    web_error_summary(b, fe);
    safer_html_raw(b, "<span class=\"govuk-caption-l\">Person</span><h1 "
                      "class=\"govuk-heading-l\">");
    safer_html_text(b, p.name);
    safer_html_raw(b, "</h1>");
    char last[64];
    when(p.last_login, last, sizeof(last));
    web_summary_begin(b);
    web_summary_row(b, "E-mail address", p.email);
    web_summary_row(b, "Organisation", p.org);
    web_summary_row(b, "Role", safer_role_name(p.role));
    web_summary_row(b, "Status", status_of(&p));
    web_summary_row(b, "Last signed in (UTC)", last);
    web_summary_end(b);
    if (p.id == req->actor.user_id) {
        safer_html_raw(b, "<p class=\"govuk-body\">This is you: another administrator changes "
                          "your role or access. <a class=\"govuk-link\" "
                          "href=\"/account/password\">Change your password</a>.</p>");
        web_page_end(req, resp);
        return 0;
    }
    char action[64];
    snprintf(action, sizeof(action), "/people/role/%lld", (long long)id);
    safer_html_raw(b, "<h2 class=\"govuk-heading-m\">Role</h2><form method=\"post\" novalidate "
                      "action=\"");
    safer_html_attr(b, action);
    safer_html_raw(b, "\">");
    web_csrf_input(req, resp);
    web_select(b, fe, "role", "Their role in this partnership", "It counts at once", ROLES,
               ROLE_LABELS, NROLES, NULL, safer_role_name(p.role));
    safer_html_raw(b, "<button type=\"submit\" class=\"govuk-button govuk-button--secondary\" "
                      "data-module=\"govuk-button\">Change role</button></form>"
                      "<h2 class=\"govuk-heading-m\">Access</h2><p class=\"govuk-body\">A reset "
                      "link lets them choose a new password (their earlier links stop "
                      "working).</p>");
    button_form(req, resp, "reset", id, "Make a reset link", false, NULL, NULL);
    safer_html_raw(b, "<p class=\"govuk-body\">Ending their sessions signs them out everywhere; "
                      "they may sign in again.</p>");
    button_form(req, resp, "sign-out", id, "End their sessions", false, NULL, NULL);
    if (p.disabled)
        button_form(req, resp, "enable", id, "Enable them", false, NULL, NULL);
    else
        button_form(req, resp, "disable", id, "Disable them", true, NULL, NULL);
    safer_html_raw(b, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/people\">"
                      "All people</a></p>");
    web_page_end(req, resp);
    return 0;
}

int page_person_get(struct web_req *req, struct web_resp *resp)
{
    int64_t id = web_id(req->arg);
    if (!id)
        return SAFER_ENOTFOUND;
    return person_page(req, resp, id, NULL);
}

/* ---- the POSTs on a person ---- */

/* The person of the path, found within the actor's partnership. */
static int person_of(struct web_req *req, struct safer_person *p)
{
    int64_t id = web_id(req->arg);
    if (!id)
        return SAFER_ENOTFOUND;
    return safer_person_get(req->st, &req->actor, id, p, &req->err);
}

static void back_to(struct web_req *req, struct web_resp *resp, int64_t id, const char *done)
{
    char to[80];
    snprintf(to, sizeof(to), "/people/%lld?done=%s", (long long)id, done);
    web_redirect(resp, safer_arena_strdup(req->arena, to));
}

int page_person_reset_post(struct web_req *req, struct web_resp *resp)
{
    struct safer_person p;
    int rc = person_of(req, &p);
    char token[SAFER_TOKEN_SIZE];
    if (rc == 0)
        rc = safer_user_reset(req->st, &req->actor, p.email, req->now, token, &req->err);
    if (rc < 0)
        return rc;
    rc = link_page(req, resp, "Reset link made",
                   "They choose a new password through this link; their sessions end when "
                   "they do.",
                   token, p.id);
    explicit_bzero(token, sizeof(token));
    return rc;
}

int page_person_disable_post(struct web_req *req, struct web_resp *resp)
{
    struct safer_person p;
    int rc = person_of(req, &p);
    if (rc < 0)
        return rc;
    const char *confirm = web_param(&req->form, "confirm");
    if (!confirm || strcmp(confirm, "yes") != 0) {
        /* Ask first: this changes nothing. */
        struct safer_buf *b = &resp->body;
        web_page_begin(req, resp, "Disable this person?", NULL);
        safer_html_raw(b, "<div class=\"govuk-grid-row\"><div "
                          "class=\"govuk-grid-column-two-thirds\"><h1 class=\"govuk-heading-l\">"
                          "Disable ");
        safer_html_text(b, p.name);
        safer_html_raw(b, "?</h1>");
        web_warning(b, "Every session of theirs ends now and they cannot sign in, in any "
                       "partnership, until they are enabled again. What they wrote keeps "
                       "their name.");
        button_form(req, resp, "disable", p.id, "Yes, disable them", true, "confirm", "yes");
        char href[48];
        snprintf(href, sizeof(href), "/people/%lld", (long long)p.id);
        safer_html_raw(b, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"");
        safer_html_attr(b, href);
        safer_html_raw(b, "\">No, go back</a></p></div></div>");
        web_page_end(req, resp);
        return 0;
    }
    rc = safer_user_disable(req->st, &req->actor, p.email, false, req->now, &req->err);
    if (rc < 0)
        return rc;
    back_to(req, resp, p.id, "disabled");
    return 0;
}

int page_person_enable_post(struct web_req *req, struct web_resp *resp)
{
    struct safer_person p;
    int rc = person_of(req, &p);
    if (rc == 0)
        rc = safer_user_disable(req->st, &req->actor, p.email, true, req->now, &req->err);
    if (rc < 0)
        return rc;
    back_to(req, resp, p.id, "enabled");
    return 0;
}

int page_person_signout_post(struct web_req *req, struct web_resp *resp)
{
    struct safer_person p;
    int rc = person_of(req, &p);
    if (rc == 0)
        rc = safer_user_end_sessions(req->st, &req->actor, p.email, req->now, NULL, &req->err);
    if (rc < 0)
        return rc;
    back_to(req, resp, p.id, "signed-out");
    return 0;
}

int page_person_role_post(struct web_req *req, struct web_resp *resp)
{
    struct safer_person p;
    int rc = person_of(req, &p);
    if (rc < 0)
        return rc;
    enum safer_role role;
    if (safer_role_parse(web_param(&req->form, "role"), &role, NULL) < 0) {
        struct safer_field_errors fe = {.n = 0};
        web_field_error_add(&fe, "role", "Choose a role");
        resp->status = 400;
        return person_page(req, resp, p.id, &fe);
    }
    struct safer_partnership pp;
    rc = safer_partnership_info(req->st, req->actor.partnership_id, req->arena, &pp, &req->err);
    char token[SAFER_TOKEN_SIZE] = "";
    if (rc == 0)
        rc = safer_user_role(req->st, &req->actor, p.email, pp.code, role, req->now, token,
                             &req->err);
    if (rc < 0)
        return rc;
    if (token[0]) {
        rc = link_page(req, resp, "Role changed",
                       "As an administrator they sign in with an authenticator app: they "
                       "enrol one through this link (their sessions have ended).",
                       token, p.id);
        explicit_bzero(token, sizeof(token));
        return rc;
    }
    back_to(req, resp, p.id, "role");
    return 0;
}
