/*
 * page_setup.c - GET and POST /account/setup?token=...: the one-time link
 * an administrator's `safer user add` (or a reset) gives a person. The GET
 * shows whose link it is and the form, and changes nothing; the POST sets
 * the password and, for an administrator, checks a first code from the
 * authenticator app enrolled with the secret shown here as text (and as an
 * otpauth:// URI to paste). The token travels in the form's hidden field,
 * never in a log line (the request log drops the query).
 */
#include "util/compat.h"

#include <string.h>

#include "page.h"
#include "safer/account.h"

static void form(struct web_req *req, struct web_resp *resp, const char *token,
                 const struct safer_link_info *info, const struct safer_field_errors *fe)
{
    struct safer_buf *b = &resp->body;
    web_page_begin(req, resp, "Set up your account", fe);
    safer_html_raw(b, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-two-thirds\">");
    web_error_summary(b, fe);
    safer_html_raw(b, "<h1 class=\"govuk-heading-l\">Set up your account</h1>");
    web_summary_begin(b);
    web_summary_row(b, "Name", info->name);
    web_summary_row(b, "E-mail address", info->email);
    web_summary_end(b);
    safer_html_raw(b, "<form method=\"post\" action=\"/account/setup\" novalidate>");
    web_csrf_input(req, resp);
    safer_html_raw(b, "<input type=\"hidden\" name=\"token\" value=\"");
    safer_html_attr(b, token);
    safer_html_raw(b, "\">");
    web_input(b, fe, "password", "Choose a password",
              "At least 12 characters. A few unrelated words make a good one.", "password", NULL,
              "new-password");
    web_input(b, fe, "password_confirm", "Type the password again", NULL, "password", NULL,
              "new-password");
    if (info->needs_totp) {
        char uri[512];
        safer_html_raw(b, "<h2 class=\"govuk-heading-m\">Your authenticator app</h2>"
                          "<p class=\"govuk-body\">As an administrator you sign in with a code "
                          "from an authenticator app too. Add an account to the app with this "
                          "secret key (time-based, 6 digits):</p><p class=\"safer-secret\">");
        safer_html_text(b, info->totp_secret);
        safer_html_raw(b, "</p>");
        if (safer_totp_uri(info->totp_secret, "safer", info->email, uri, sizeof(uri)) >= 0) {
            safer_html_raw(b, "<p class=\"govuk-body\">or paste this address into it:</p>"
                              "<p class=\"safer-secret\">");
            safer_html_text(b, uri);
            safer_html_raw(b, "</p>");
        }
        web_input(b, fe, "code", "Code from your authenticator app",
                  "The 6 digits it shows now", "text", NULL, "one-time-code");
    }
    safer_html_raw(b, "<button type=\"submit\" class=\"govuk-button\" data-module=\"govuk-button\">"
                      "Save and continue</button></form></div></div>");
    web_page_end(req, resp);
}

static int gone(struct web_req *req, struct web_resp *resp)
{
    struct safer_buf *b = &resp->body;
    resp->status = 404;
    web_page_begin(req, resp, "This link does not work", NULL);
    safer_html_raw(b, "<h1 class=\"govuk-heading-l\">This link does not work</h1><p "
                      "class=\"govuk-body\">It may have been used already, or be more than 3 days "
                      "old. Ask your partnership's administrator for a new one.</p>");
    web_page_end(req, resp);
    return 0;
}

int page_setup_get(struct web_req *req, struct web_resp *resp)
{
    const char *token = web_param(&req->query, "token");
    struct safer_link_info info;
    if (!token || !*token)
        return gone(req, resp);
    int rc = safer_link_info(req->st, token, req->now, &info, &req->err);
    if (rc == SAFER_ENOTFOUND)
        return gone(req, resp);
    if (rc < 0)
        return rc;
    form(req, resp, token, &info, NULL);
    return 0;
}

int page_setup_post(struct web_req *req, struct web_resp *resp)
{
    const char *token = web_param(&req->form, "token");
    const char *pw = web_param(&req->form, "password");
    const char *again = web_param(&req->form, "password_confirm");
    const char *code = web_param(&req->form, "code");
    struct safer_link_info info;
    struct safer_field_errors fe = {.n = 0};
    if (!token || !*token)
        return gone(req, resp);
    int rc = safer_link_info(req->st, token, req->now, &info, &req->err);
    if (rc == SAFER_ENOTFOUND)
        return gone(req, resp);
    if (rc < 0)
        return rc;
    web_new_password_check(&fe, pw, again, "Enter a password");
    if (info.needs_totp && (!code || !*code))
        web_field_error_add(&fe, "code", "Enter the code from your authenticator app");
    if (fe.n == 0) {
        safer_err_clear(&req->err);
        rc = safer_link_use(req->st, token, pw, strlen(pw), info.needs_totp ? code : NULL,
                            req->now, &req->err);
        if (rc == 0) {
            web_redirect(resp, "/sign-in?set=1");
            return 0;
        }
        if (rc == SAFER_EAUTH && info.needs_totp)
            web_field_error_add(&fe, "code", "The code is not right: enter the one it shows now");
        else if (rc == SAFER_EINVAL)
            web_field_error_add(&fe, "password", safer_err_msg(&req->err, rc));
        else if (rc == SAFER_ENOTFOUND)
            return gone(req, resp);
        else
            return rc;
    }
    resp->status = 400;
    form(req, resp, token, &info, &fe);
    return 0;
}
