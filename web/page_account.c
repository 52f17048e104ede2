/*
 * page_account.c - one's own account beyond the sessions page: changing
 * one's password (GET and POST /account/password) and choosing which of
 * one's partnerships the session is in (GET and POST /account/partnership;
 * sign-in sends a person with two or more here).
 *
 * The library decides (account.h): safer_password_change() checks the
 * current password against the lock-out, applies the password policy, ends
 * every other session and starts this browser's anew; safer_session_switch()
 * moves the session only to a partnership the person is in.
 */
#include "util/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "page.h"
#include "safer/account.h"

/* ---- /account/password ---- */

static void password_form(struct web_req *req, struct web_resp *resp,
                          const struct safer_field_errors *fe)
{
    struct safer_buf *b = &resp->body;
    web_page_begin(req, resp, "Change your password", fe);
    safer_html_raw(b, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-two-thirds\">");
    web_error_summary(b, fe);
    safer_html_raw(b, "<h1 class=\"govuk-heading-l\">Change your password</h1>"
                      "<p class=\"govuk-body\">When it is changed, every other session of yours "
                      "ends: anyone signed in as you elsewhere is signed out.</p>"
                      "<form method=\"post\" action=\"/account/password\" novalidate>");
    web_csrf_input(req, resp);
    /* A hidden username lets a password manager file the new password. */
    safer_html_raw(b, "<input type=\"hidden\" name=\"username\" autocomplete=\"username\" "
                      "value=\"");
    safer_html_attr(b, req->actor.email);
    safer_html_raw(b, "\">");
    web_input(b, fe, "current_password", "Your current password", NULL, "password", NULL,
              "current-password");
    web_input(b, fe, "password", "New password",
              "At least 12 characters. A few unrelated words make a good one.", "password", NULL,
              "new-password");
    web_input(b, fe, "password_confirm", "Type the new password again", NULL, "password", NULL,
              "new-password");
    safer_html_raw(b, "<button type=\"submit\" class=\"govuk-button\" data-module=\"govuk-button\">"
                      "Change password</button></form>"
                      "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/account/sessions\">"
                      "Your sessions</a></p></div></div>");
    web_page_end(req, resp);
}

int page_password_get(struct web_req *req, struct web_resp *resp)
{
    password_form(req, resp, NULL);
    return 0;
}

int page_password_post(struct web_req *req, struct web_resp *resp)
{
    const char *current = web_param(&req->form, "current_password");
    const char *pw = web_param(&req->form, "password");
    const char *again = web_param(&req->form, "password_confirm");
    struct safer_field_errors fe = {.n = 0};
    if (!current || !*current)
        web_field_error_add(&fe, "current_password", "Enter your current password");
    web_new_password_check(&fe, pw, again, "Enter a new password");
    if (fe.n == 0) {
        char token[SAFER_TOKEN_SIZE];
        struct safer_actor now_as;
        int rc = safer_password_change(req->st, &req->actor, current, strlen(current), pw,
                                       strlen(pw), req->now, token, &now_as, &req->err);
        if (rc == 0) {
            web_set_cookie(req, resp, WEB_COOKIE_SESSION, safer_arena_strdup(req->arena, token),
                           -1);
            explicit_bzero(token, sizeof(token));
            web_redirect(resp, "/account/sessions?changed=1");
            return 0;
        }
        if (rc == SAFER_EAUTH)
            web_field_error_add(&fe, "current_password", "Your current password is not right");
        else if (rc == SAFER_EINVAL)
            web_field_error_add(&fe, "password", safer_err_msg(&req->err, rc));
        else
            return rc;
    }
    resp->status = 400;
    password_form(req, resp, &fe);
    return 0;
}

/* ---- /account/partnership ---- */

int page_partnership_get(struct web_req *req, struct web_resp *resp)
{
    struct safer_membership *v = NULL;
    size_t n = 0;
    int rc = safer_membership_list(req->st, &req->actor, &v, &n, &req->err);
    if (rc < 0)
        return rc;
    struct safer_buf *b = &resp->body;
    web_page_begin(req, resp, "Your partnerships", NULL);
    safer_html_raw(b, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-two-thirds\">");
    if (n < 2) {
        safer_html_raw(b, "<h1 class=\"govuk-heading-l\">Your partnership</h1>"
                          "<p class=\"govuk-body\">You are in one partnership");
        if (n == 1) {
            safer_html_raw(b, ", ");
            safer_html_text(b, v[0].name);
            safer_html_raw(b, ", as ");
            safer_html_text(b, safer_role_name(v[0].role));
        }
        safer_html_raw(b, ".</p>");
    } else {
        safer_html_raw(b, "<form method=\"post\" action=\"/account/partnership\" novalidate>");
        web_csrf_input(req, resp);
        safer_html_raw(b, "<div class=\"govuk-form-group\"><fieldset class=\"govuk-fieldset\">"
                          "<legend class=\"govuk-fieldset__legend govuk-fieldset__legend--l\">"
                          "<h1 class=\"govuk-fieldset__heading\">Which partnership are you "
                          "working in?</h1></legend><div class=\"govuk-radios\" "
                          "data-module=\"govuk-radios\">");
        for (size_t i = 0; i < n; i++) {
            char id[24], label[400];
            snprintf(id, sizeof(id), "p-%zu", i);
            snprintf(label, sizeof(label), "%s (%s), as %s", v[i].name, v[i].code,
                     safer_role_name(v[i].role));
            safer_html_raw(b, "<div class=\"govuk-radios__item\"><input "
                              "class=\"govuk-radios__input\" type=\"radio\" "
                              "name=\"partnership_id\" id=\"");
            safer_html_attr(b, id);
            safer_html_raw(b, "\" value=\"");
            safer_buf_putf(b, "%lld", (long long)v[i].partnership_id);
            safer_html_raw(b, "\"");
            if (v[i].current)
                safer_html_raw(b, " checked");
            safer_html_raw(b, "><label class=\"govuk-label govuk-radios__label\" for=\"");
            safer_html_attr(b, id);
            safer_html_raw(b, "\">");
            safer_html_text(b, label);
            safer_html_raw(b, "</label></div>");
        }
        safer_html_raw(b, "</div></fieldset></div><button type=\"submit\" class=\"govuk-button\" "
                          "data-module=\"govuk-button\">Continue</button></form>");
    }
    safer_html_raw(b, "</div></div>");
    web_page_end(req, resp);
    free(v);
    return 0;
}

int page_partnership_post(struct web_req *req, struct web_resp *resp)
{
    int64_t id = web_id(web_param(&req->form, "partnership_id"));
    if (!id)
        return SAFER_EINVAL;
    struct safer_actor now_as;
    int rc = safer_session_switch(req->st, &req->actor, id, req->now, &now_as, &req->err);
    if (rc < 0)
        return rc;
    web_redirect(resp, "/");
    return 0;
}
