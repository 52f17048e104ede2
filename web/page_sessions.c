/*
 * page_sessions.c - GET /account/sessions: the signed-in person's own live
 * sessions (when each began, when it was last used), each but this one
 * with a button to end it; POST /account/sessions/end ends one. Ending the
 * current one is signing out.
 */
#include "util/compat.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "page.h"
#include "safer/account.h"

int page_sessions_get(struct web_req *req, struct web_resp *resp)
{
    struct safer_session_info *v = NULL;
    size_t n = 0;
    int rc = safer_session_list(req->st, &req->actor, req->now, &v, &n, &req->err);
    if (rc < 0)
        return rc;
    struct safer_buf *b = &resp->body;
    web_page_begin(req, resp, "Your sessions", NULL);
    const char *changed = web_param(&req->query, "changed");
    if (changed && strcmp(changed, "1") == 0)
        web_notice(b, "Your password is changed. Your other sessions have ended.");
    safer_html_raw(b, "<h1 class=\"govuk-heading-l\">Your sessions</h1><p class=\"govuk-body\">"
                      "Where you are signed in now. End any you do not recognise, then change "
                      "your password.</p><table class=\"govuk-table\"><caption "
                      "class=\"govuk-table__caption govuk-visually-hidden\">Your sessions"
                      "</caption><thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">"
                      "<th scope=\"col\" class=\"govuk-table__header\">Signed in (UTC)</th>"
                      "<th scope=\"col\" class=\"govuk-table__header\">Last used (UTC)</th>"
                      "<th scope=\"col\" class=\"govuk-table__header\"><span "
                      "class=\"govuk-visually-hidden\">Action</span></th></tr></thead>"
                      "<tbody class=\"govuk-table__body\">");
    for (size_t i = 0; i < n; i++) {
        char created[64], seen[64];
        web_format_time(v[i].created, created, sizeof(created));
        web_format_time(v[i].last_seen, seen, sizeof(seen));
        safer_html_raw(b, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">");
        safer_html_text(b, created);
        safer_html_raw(b, "</td><td class=\"govuk-table__cell\">");
        safer_html_text(b, seen);
        safer_html_raw(b, "</td><td class=\"govuk-table__cell\">");
        if (v[i].current) {
            safer_html_raw(b, "<strong class=\"govuk-tag govuk-tag--blue\">This session</strong>");
        } else {
            safer_html_raw(b, "<form method=\"post\" action=\"/account/sessions/end\" "
                              "class=\"safer-inline-form\">");
            web_csrf_input(req, resp);
            safer_html_raw(b, "<input type=\"hidden\" name=\"session_id\" value=\"");
            safer_buf_putf(b, "%lld", (long long)v[i].id);
            safer_html_raw(b, "\"><button type=\"submit\" class=\"govuk-button "
                              "govuk-button--secondary\" data-module=\"govuk-button\">End"
                              "<span class=\"govuk-visually-hidden\"> this session</span>"
                              "</button></form>");
        }
        safer_html_raw(b, "</td></tr>");
    }
    safer_html_raw(b, "</tbody></table><p class=\"govuk-body\"><a class=\"govuk-link\" "
                      "href=\"/account/password\">Change your password</a></p>");
    web_page_end(req, resp);
    free(v);
    return 0;
}

int page_sessions_end_post(struct web_req *req, struct web_resp *resp)
{
    const char *s = web_param(&req->form, "session_id");
    if (!s || !*s)
        return SAFER_EINVAL;
    char *end;
    errno = 0;
    long long id = strtoll(s, &end, 10);
    if (errno || *end || id <= 0)
        return SAFER_EINVAL;
    int rc = safer_session_end(req->st, &req->actor, (int64_t)id, req->now, &req->err);
    if (rc < 0)
        return rc;
    if (id == req->actor.session_id) {
        web_set_cookie(req, resp, WEB_COOKIE_SESSION, "", 0);
        resp->clear_site = true;
        web_redirect(resp, "/sign-in");
    } else {
        web_redirect(resp, "/account/sessions");
    }
    return 0;
}
