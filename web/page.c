/*
 * page.c - the GOV.UK page template and the patterns pages share (page.h).
 *
 * The markup follows the GOV.UK Design System (govuk-frontend 6): service
 * navigation rather than the GOV.UK header (safer is not a GOV.UK
 * service, so no crown or GOV.UK logotype), a phase banner, the error
 * summary and field error pattern, summary lists and tags. The script is
 * loaded as a module from /assets/safer.js, which marks the body
 * `govuk-frontend-supported` and starts the components: no inline script,
 * so the Content-Security-Policy holds, and every page works without it.
 */
#include "util/compat.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "assets.h"
#include "form.h"
#include "page.h"
#include "safer/lib.h"
#include "safer/partnership.h"

/* The links of the navigation, each shown to a role that may use it. */
struct nav_item {
    const char *href, *label;
    enum safer_perm perm;
    int who; /* 0: everyone; 1: signed in only; -1: visitors only */
};

static const struct nav_item NAV[] = {
    {"/", "Dashboard", SAFER_PERM_VIEW_AGGREGATE, 1},
    {"/priorities", "Priorities", SAFER_PERM_VIEW_AGGREGATE, 1},
    {"/actions", "Actions", SAFER_PERM_VIEW_PLAN, 1},
    {"/projects", "Projects", SAFER_PERM_VIEW_PLAN, 1},
    {"/indicators", "Indicators", SAFER_PERM_VIEW_AGGREGATE, 1},
    /* Ward profiles and the focus area (page_wards.c). */
    {"/wards", "Wards", SAFER_PERM_VIEW_AGGREGATE, 1},
    {"/groups", "Groups", SAFER_PERM_VIEW_AGGREGATE, 1},
    {"/assessments", "Assessments", SAFER_PERM_VIEW_AGGREGATE, 1},
    /* Equality and money. */
    {"/equality", "Equality", SAFER_PERM_VIEW_AGGREGATE, 1},
    {"/funding", "Funding", SAFER_PERM_VIEW_AGGREGATE, 1},
    {"/public", "Public summary", SAFER_PERM_VIEW_PUBLIC, 0},
    {"/account/sessions", "Your sessions", SAFER_PERM_OWN_ACCOUNT, 1},
    /* area: accounts */
    {"/people", "People", SAFER_PERM_MANAGE_USERS, 1},
    {"/account/password", "Change password", SAFER_PERM_OWN_ACCOUNT, 1},
    {"/sign-in", "Sign in", SAFER_PERM_VIEW_PUBLIC, -1},
};

void web_format_time(int64_t t, char *out, size_t size)
{
    static const char *const months[] = {"January", "February", "March",     "April",
                                         "May",     "June",     "July",      "August",
                                         "September", "October", "November", "December"};
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm)) {
        snprintf(out, size, "?");
        return;
    }
    snprintf(out, size, "%d %s %d %02d:%02d", tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
             tm.tm_hour, tm.tm_min);
}

static void nav(struct web_req *req, struct web_resp *resp, struct safer_buf *b)
{
    safer_html_raw(b, "<nav aria-label=\"Menu\" class=\"govuk-service-navigation__wrapper\">"
                      "<button type=\"button\" class=\"govuk-service-navigation__toggle "
                      "govuk-js-service-navigation-toggle\" aria-controls=\"navigation\" hidden>"
                      "Menu</button><ul class=\"govuk-service-navigation__list\" "
                      "id=\"navigation\">");
    for (size_t i = 0; i < sizeof(NAV) / sizeof(NAV[0]); i++) {
        const struct nav_item *n = &NAV[i];
        if ((n->who == 1 && !req->signed_in) || (n->who == -1 && req->signed_in) ||
            !safer_actor_may(&req->actor, n->perm))
            continue;
        bool here = strcmp(req->path, n->href) == 0;
        safer_html_raw(b, "<li class=\"govuk-service-navigation__item");
        if (here)
            safer_html_raw(b, " govuk-service-navigation__item--active");
        safer_html_raw(b, "\"><a class=\"govuk-service-navigation__link\" href=\"");
        safer_html_attr(b, n->href);
        safer_html_raw(b, "\"");
        if (here)
            safer_html_raw(b, " aria-current=\"page\"");
        safer_html_raw(b, ">");
        safer_html_text(b, n->label);
        safer_html_raw(b, "</a></li>");
    }
    if (req->signed_in && safer_actor_may(&req->actor, SAFER_PERM_OWN_ACCOUNT)) {
        /* Signing out changes state: a form that posts, never a link. */
        safer_html_raw(b, "<li class=\"govuk-service-navigation__item\">"
                          "<form method=\"post\" action=\"/sign-out\" class=\"safer-nav-form\">");
        web_csrf_input(req, resp);
        safer_html_raw(b, "<button type=\"submit\" class=\"govuk-service-navigation__link "
                          "safer-nav-button\">Sign out</button></form></li>");
    }
    safer_html_raw(b, "</ul></nav>");
}

int web_partnership(struct web_req *req, const struct safer_partnership **out)
{
    if (!req->have_partnership) {
        int rc = safer_partnership_info(req->st, req->actor.partnership_id, req->arena,
                                        &req->partnership, &req->err);
        if (rc < 0)
            return rc;
        req->have_partnership = true;
    }
    *out = &req->partnership;
    return 0;
}

int web_plan(struct web_req *req, const struct safer_plan **out)
{
    if (!req->have_plan) {
        const struct safer_partnership *p;
        int rc = web_partnership(req, &p);
        if (rc == 0)
            rc = safer_plan_current(req->st, p->code, &req->plan, &req->err);
        if (rc < 0)
            return rc;
        req->have_plan = true;
    }
    *out = req->plan;
    return 0;
}

void web_page_begin(struct web_req *req, struct web_resp *resp, const char *title,
                    const struct safer_field_errors *fe)
{
    struct safer_buf *b = &resp->body;
    const char *pname = NULL;
    const struct safer_partnership *p;
    if (req->signed_in && req->actor.partnership_id && req->st && web_partnership(req, &p) == 0)
        pname = p->name;
    resp->content_type = "text/html; charset=utf-8";
    safer_html_raw(b, "<!DOCTYPE html>\n<html lang=\"en-GB\" class=\"govuk-template\">"
                      "<head><meta charset=\"utf-8\"><title>");
    if (fe && fe->n)
        safer_html_raw(b, "Error: ");
    safer_html_text(b, title);
    safer_html_raw(b, " - safer</title><meta name=\"viewport\" content=\"width=device-width, "
                      "initial-scale=1, viewport-fit=cover\"><meta name=\"theme-color\" "
                      "content=\"#0b0c0c\"><link rel=\"icon\" sizes=\"48x48\" "
                      "href=\"/assets/images/favicon.ico\"><link rel=\"icon\" sizes=\"any\" "
                      "href=\"/assets/images/favicon.svg\" type=\"image/svg+xml\">"
                      "<link rel=\"stylesheet\" href=\"/assets/govuk-frontend.min.css?v=");
    safer_html_attr(b, web_assets_version);
    safer_html_raw(b, "\"><link rel=\"stylesheet\" href=\"/assets/safer.css?v=");
    safer_html_attr(b, web_assets_version);
    safer_html_raw(b, "\"></head><body class=\"govuk-template__body\">"
                      "<a href=\"#main-content\" class=\"govuk-skip-link\" "
                      "data-module=\"govuk-skip-link\">Skip to main content</a>"
                      "<section aria-label=\"Service information\" "
                      "class=\"govuk-service-navigation\" data-module=\"govuk-service-navigation\">"
                      "<div class=\"govuk-width-container\"><div "
                      "class=\"govuk-service-navigation__container\">"
                      "<span class=\"govuk-service-navigation__service-name\">"
                      "<a href=\"/\" class=\"govuk-service-navigation__link\">safer</a></span>");
    if (pname) {
        /* The partnership's name leads to choosing another (area: accounts). */
        safer_html_raw(b, "<span class=\"safer-partnership-name\"><a class=\"govuk-link\" "
                          "href=\"/account/partnership\">");
        safer_html_text(b, pname);
        safer_html_raw(b, "</a></span>");
    }
    nav(req, resp, b);
    safer_html_raw(b, "</div></div></section><div class=\"govuk-width-container\">"
                      "<div class=\"govuk-phase-banner\"><p class=\"govuk-phase-banner__content\">"
                      "<strong class=\"govuk-tag govuk-phase-banner__content__tag\">Alpha</strong>"
                      "<span class=\"govuk-phase-banner__text\">This is a new service: it may "
                      "change as partnerships use it.</span></p></div>"
                      "<main class=\"govuk-main-wrapper\" id=\"main-content\">");
}

void web_page_end(struct web_req *req, struct web_resp *resp)
{
    (void)req;
    struct safer_buf *b = &resp->body;
    safer_html_raw(b, "</main></div><footer class=\"govuk-footer\"><div "
                      "class=\"govuk-width-container\"><div class=\"govuk-footer__meta\"><div "
                      "class=\"govuk-footer__meta-item govuk-footer__meta-item--grow\">"
                      "<p class=\"govuk-body-s\">safer ");
    safer_html_text(b, safer_version());
    safer_html_raw(b, ": open-source software for Community Safety Partnerships.</p></div>"
                      "</div></div></footer><script type=\"module\" src=\"/assets/safer.js?v=");
    safer_html_attr(b, web_assets_version);
    safer_html_raw(b, "\"></script></body></html>\n");
}

int web_view_find(struct web_req *req, struct web_resp *resp, enum safer_view_page page,
                  const char *item, enum safer_perm perm)
{
    const char *kept;
    size_t n;
    int rc = safer_view_find(req->st, &req->actor, page, item, perm, req->now, &kept, &n,
                             &req->err);
    if (rc != 1)
        return rc;
    /* The title, its NUL, the body (web_view_keep()). */
    const char *end = memchr(kept, '\0', n);
    if (!end)
        return 0;
    web_page_begin(req, resp, kept, NULL);
    safer_buf_put(&resp->body, end + 1, n - (size_t)(end + 1 - kept));
    web_page_end(req, resp);
    return 1;
}

void web_view_keep(struct web_req *req, struct web_resp *resp, enum safer_view_page page,
                   const char *item, const char *title, size_t from)
{
    struct safer_buf *b = &resp->body;
    if (resp->status != 200 || safer_buf_error(b) || from > b->len)
        return;
    struct safer_buf v;
    safer_buf_init(&v, WEB_LIMIT_PAGE);
    safer_buf_put(&v, title, strlen(title) + 1);
    safer_buf_put(&v, b->ptr + from, b->len - from);
    if (!safer_buf_error(&v))
        safer_view_keep(req->st, &req->actor, page, item, req->now, v.ptr, v.len);
    safer_buf_release(&v);
}

const char *web_field_message(const struct safer_field_errors *fe, const char *field)
{
    if (!fe)
        return NULL;
    for (size_t i = 0; i < fe->n; i++) {
        if (fe->e[i].field && strcmp(fe->e[i].field, field) == 0)
            return fe->e[i].message;
    }
    return NULL;
}

void web_field_error_add(struct safer_field_errors *fe, const char *field, const char *message)
{
    if (fe->n >= SAFER_FIELD_ERRORS_MAX)
        return;
    fe->e[fe->n].field = field;
    snprintf(fe->e[fe->n].message, sizeof(fe->e[fe->n].message), "%s", message);
    fe->n++;
}

void web_error_summary(struct safer_buf *b, const struct safer_field_errors *fe)
{
    if (!fe || fe->n == 0)
        return;
    safer_html_raw(b, "<div class=\"govuk-error-summary\" data-module=\"govuk-error-summary\">"
                      "<div role=\"alert\"><h2 class=\"govuk-error-summary__title\">There is a "
                      "problem</h2><div class=\"govuk-error-summary__body\"><ul "
                      "class=\"govuk-list govuk-error-summary__list\">");
    for (size_t i = 0; i < fe->n; i++) {
        safer_html_raw(b, "<li>");
        if (fe->e[i].field) {
            safer_html_raw(b, "<a href=\"#");
            safer_html_attr(b, fe->e[i].field);
            safer_html_raw(b, "\">");
            safer_html_text(b, fe->e[i].message);
            safer_html_raw(b, "</a>");
        } else {
            safer_html_text(b, fe->e[i].message);
        }
        safer_html_raw(b, "</li>");
    }
    safer_html_raw(b, "</ul></div></div></div>");
}

void web_input(struct safer_buf *b, const struct safer_field_errors *fe, const char *name,
               const char *label, const char *hint, const char *type, const char *value,
               const char *autocomplete)
{
    const char *msg = web_group_begin(b, fe, name, label, hint);
    safer_html_raw(b, "<input class=\"govuk-input");
    if (msg)
        safer_html_raw(b, " govuk-input--error");
    safer_html_raw(b, "\"");
    web_control_attrs(b, name, hint != NULL, msg != NULL);
    safer_html_raw(b, " type=\"");
    safer_html_attr(b, type);
    safer_html_raw(b, "\" spellcheck=\"false\"");
    if (autocomplete) {
        safer_html_raw(b, " autocomplete=\"");
        safer_html_attr(b, autocomplete);
        safer_html_raw(b, "\"");
    }
    if (value) {
        safer_html_raw(b, " value=\"");
        safer_html_attr(b, value);
        safer_html_raw(b, "\"");
    }
    safer_html_raw(b, ">");
    web_group_end(b);
}

void web_th(struct safer_buf *b, const char *text, bool numeric)
{
    if (numeric)
        safer_html_raw(b, "<th scope=\"col\" class=\"govuk-table__header "
                          "govuk-table__header--numeric\">");
    else
        safer_html_raw(b, "<th scope=\"col\" class=\"govuk-table__header\">");
    safer_html_text(b, text);
    safer_html_raw(b, "</th>");
}

void web_td(struct safer_buf *b, const char *text, bool numeric)
{
    if (numeric)
        safer_html_raw(b, "<td class=\"govuk-table__cell govuk-table__cell--numeric\">");
    else
        safer_html_raw(b, "<td class=\"govuk-table__cell\">");
    safer_html_text(b, text ? text : "");
    safer_html_raw(b, "</td>");
}

void web_summary_begin(struct safer_buf *b)
{
    safer_html_raw(b, "<dl class=\"govuk-summary-list\">");
}

void web_summary_row(struct safer_buf *b, const char *key, const char *value)
{
    safer_html_raw(b, "<div class=\"govuk-summary-list__row\"><dt "
                      "class=\"govuk-summary-list__key\">");
    safer_html_text(b, key);
    safer_html_raw(b, "</dt><dd class=\"govuk-summary-list__value\">");
    safer_html_text(b, value);
    safer_html_raw(b, "</dd></div>");
}

void web_summary_end(struct safer_buf *b)
{
    safer_html_raw(b, "</dl>");
}

void web_rag_tag(struct safer_buf *b, enum safer_rag rag, const char *label)
{
    if (rag == SAFER_RAG_GREEN)
        safer_html_raw(b, "<strong class=\"govuk-tag govuk-tag--green\">");
    else if (rag == SAFER_RAG_AMBER)
        safer_html_raw(b, "<strong class=\"govuk-tag govuk-tag--yellow\">");
    else if (rag == SAFER_RAG_RED)
        safer_html_raw(b, "<strong class=\"govuk-tag govuk-tag--red\">");
    else
        safer_html_raw(b, "<strong class=\"govuk-tag govuk-tag--grey\">");
    safer_html_text(b, label ? label : safer_rag_label(rag));
    safer_html_raw(b, "</strong>");
}

void web_warning(struct safer_buf *b, const char *text)
{
    safer_html_raw(b, "<div class=\"govuk-warning-text\"><span class=\"govuk-warning-text__icon\" "
                      "aria-hidden=\"true\">!</span><strong class=\"govuk-warning-text__text\">"
                      "<span class=\"govuk-visually-hidden\">Warning</span>");
    safer_html_text(b, text);
    safer_html_raw(b, "</strong></div>");
}

void web_status_tag(struct safer_buf *b, const char *status, const char *label)
{
    if (!status)
        status = "";
    if (strcmp(status, "on-track") == 0)
        safer_html_raw(b, "<strong class=\"govuk-tag govuk-tag--green\">");
    else if (strcmp(status, "at-risk") == 0)
        safer_html_raw(b, "<strong class=\"govuk-tag govuk-tag--yellow\">");
    else if (strcmp(status, "off-track") == 0)
        safer_html_raw(b, "<strong class=\"govuk-tag govuk-tag--red\">");
    else if (strcmp(status, "complete") == 0)
        safer_html_raw(b, "<strong class=\"govuk-tag govuk-tag--blue\">");
    else
        safer_html_raw(b, "<strong class=\"govuk-tag govuk-tag--grey\">");
    safer_html_text(b, label ? label : status);
    safer_html_raw(b, "</strong>");
}

void web_new_password_check(struct safer_field_errors *fe, const char *pw, const char *again,
                            const char *empty)
{
    struct safer_err perr = {0};
    if (!pw || !*pw)
        web_field_error_add(fe, "password", empty);
    else if (safer_password_policy(pw, strlen(pw), &perr) < 0)
        web_field_error_add(fe, "password", safer_err_msg(&perr, SAFER_EINVAL));
    else if (!again || strcmp(pw, again) != 0)
        web_field_error_add(fe, "password_confirm", "The two passwords are not the same");
}

void web_notice(struct safer_buf *b, const char *text)
{
    safer_html_raw(b, "<div class=\"govuk-notification-banner govuk-notification-banner--success\" "
                      "role=\"alert\" data-module=\"govuk-notification-banner\">"
                      "<div class=\"govuk-notification-banner__header\"><h2 "
                      "class=\"govuk-notification-banner__title\">Success</h2></div>"
                      "<div class=\"govuk-notification-banner__content\"><p "
                      "class=\"govuk-notification-banner__heading\">");
    safer_html_text(b, text);
    safer_html_raw(b, "</p></div></div>");
}

void web_csrf_input(struct web_req *req, struct web_resp *resp)
{
    safer_html_raw(&resp->body, "<input type=\"hidden\" name=\"csrf_token\" value=\"");
    safer_html_attr(&resp->body, web_csrf_token(req, resp));
    safer_html_raw(&resp->body, "\">");
}

void web_error_page(struct web_req *req, struct web_resp *resp, int status)
{
    const char *title, *text;
    switch (status) {
    case 400:
        title = "The request could not be understood";
        text = "Check the address or the form, then try again.";
        break;
    case 401:
    case 403:
        title = "You do not have permission to see this page";
        text = "If you think you should, ask your partnership's administrator.";
        break;
    case 404:
        title = "Page not found";
        text = "If you typed the web address, check it is correct.";
        break;
    case 405:
        title = "This page cannot be used that way";
        text = "Go back and try again from the page you were on.";
        break;
    case 409:
        title = "Someone else changed this meanwhile";
        text = "Go back, look at the latest version, then make your change again.";
        break;
    case 413:
    case 431:
        title = "The request was too large";
        text = "Send less at once, then try again.";
        break;
    case 415:
        title = "The form was sent in a way this service does not accept";
        text = "Go back and send the form from the page again.";
        break;
    case 503:
        title = "The service is busy";
        text = "Try again in a few moments.";
        break;
    default:
        status = 500;
        title = "Sorry, there is a problem with the service";
        text = "Try again later.";
        break;
    }
    resp->status = status;
    safer_buf_reset(&resp->body);
    resp->ncookies = 0;
    resp->location = NULL;
    web_page_begin(req, resp, title, NULL);
    struct safer_buf *b = &resp->body;
    safer_html_raw(b, "<h1 class=\"govuk-heading-l\">");
    safer_html_text(b, title);
    safer_html_raw(b, "</h1><p class=\"govuk-body\">");
    safer_html_text(b, text);
    safer_html_raw(b, "</p>");
    if (status == 500) {
        safer_html_raw(b, "<p class=\"govuk-body\">If you contact the partnership about it, "
                          "quote this reference: <strong>");
        safer_html_text(b, req->request_id);
        safer_html_raw(b, "</strong>.</p>");
    }
    web_page_end(req, resp);
}
