/*
 * page_signin.c - GET and POST /sign-in, POST /sign-out.
 *
 * Every failed sign-in reads the same ("The e-mail, password or code is
 * not right"), whatever the library found (unknown person, wrong password,
 * locked out, disabled): account.h's safer_login() makes them one error
 * and costs them the same time, and the page must not undo that. A
 * success starts a new session (a new id every time: no fixation), sets
 * its cookie, drops the pre-session form token, and answers 303 to "/"
 * (a person in several partnerships to /account/partnership, to choose).
 */
#include "util/compat.h"

#include <stdlib.h>
#include <string.h>

#include "page.h"
#include "safer/account.h"
#include "safer/store.h"

static void form(struct web_req *req, struct web_resp *resp, const struct safer_field_errors *fe,
                 const char *email, const char *notice)
{
    struct safer_buf *b = &resp->body;
    web_page_begin(req, resp, "Sign in", fe);
    safer_html_raw(b, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-two-thirds\">");
    if (notice)
        web_notice(b, notice);
    web_error_summary(b, fe);
    safer_html_raw(b, "<h1 class=\"govuk-heading-l\">Sign in</h1>"
                      "<form method=\"post\" action=\"/sign-in\" novalidate>");
    web_csrf_input(req, resp);
    web_input(b, fe, "email", "E-mail address", NULL, "email", email, "username");
    web_input(b, fe, "password", "Password", NULL, "password", NULL, "current-password");
    web_input(b, fe, "code", "Code from your authenticator app",
              "Only if your account uses one: the 6 digits it shows now", "text", NULL,
              "one-time-code");
    safer_html_raw(b, "<button type=\"submit\" class=\"govuk-button\" data-module=\"govuk-button\">"
                      "Sign in</button></form></div></div>");
    web_page_end(req, resp);
}

int page_signin_get(struct web_req *req, struct web_resp *resp)
{
    if (req->signed_in) {
        web_redirect(resp, "/");
        return 0;
    }
    const char *set = web_param(&req->query, "set");
    form(req, resp, NULL, NULL,
         set && strcmp(set, "1") == 0 ? "Your password is set: sign in with it." : NULL);
    return 0;
}

int page_signin_post(struct web_req *req, struct web_resp *resp)
{
    const char *email = web_param(&req->form, "email");
    const char *password = web_param(&req->form, "password");
    const char *code = web_param(&req->form, "code");
    struct safer_field_errors fe = {.n = 0};
    if (!email || !*email)
        web_field_error_add(&fe, "email", "Enter your e-mail address");
    if (!password || !*password)
        web_field_error_add(&fe, "password", "Enter your password");
    if (fe.n) {
        resp->status = 400;
        form(req, resp, &fe, email, NULL);
        return 0;
    }
    char token[SAFER_TOKEN_SIZE];
    struct safer_actor actor;
    /* The demo store (and only it: safer demo sets this) lets its
     * administrator in without the second factor (docs/workspace.md). */
    char *waive = NULL;
    int rc = safer_store_get_meta(req->st, "demo_waive_totp", &waive, &req->err);
    if (rc < 0)
        return rc;
    bool waive_totp = waive && strcmp(waive, "1") == 0;
    free(waive);
    rc = safer_login(req->st, email, password, strlen(password), code && *code ? code : NULL,
                     waive_totp, NULL, req->now, token, &actor, &req->err);
    if (rc == SAFER_EAUTH) {
        resp->status = 400;
        web_field_error_add(&fe, "email", "The e-mail, password or code is not right");
        form(req, resp, &fe, email, NULL);
        return 0;
    }
    if (rc < 0)
        return rc;
    web_set_cookie(req, resp, WEB_COOKIE_SESSION, safer_arena_strdup(req->arena, token), -1);
    web_set_cookie(req, resp, WEB_COOKIE_CSRF, "", 0);
    /* In the first of their partnerships; one of several chooses. */
    struct safer_membership *m = NULL;
    size_t n = 0;
    rc = safer_membership_list(req->st, &actor, &m, &n, &req->err);
    free(m);
    if (rc < 0)
        return rc;
    web_redirect(resp, n > 1 ? "/account/partnership" : "/");
    return 0;
}

int page_signout_post(struct web_req *req, struct web_resp *resp)
{
    int rc = safer_session_end(req->st, &req->actor, req->actor.session_id, req->now, &req->err);
    if (rc < 0 && rc != SAFER_ENOTFOUND)
        return rc;
    web_set_cookie(req, resp, WEB_COOKIE_SESSION, "", 0);
    resp->clear_site = true;
    web_redirect(resp, "/sign-in");
    return 0;
}
