/*
 * page.h - the GOV.UK Design System page around every HTML answer, and the
 * patterns pages share: error summary and field errors, summary list,
 * tags, the form token input, and the error pages.
 *
 * Everything goes through html.h: fixed markup with safer_html_raw() (a
 * string literal only), values with safer_html_text() or
 * safer_html_attr(). A value from a person or the store reaches a page no
 * other way. Pages work without JavaScript; govuk-frontend's script, when
 * it runs, only adds behaviour.
 */
#ifndef SAFER_WEB_PAGE_H
#define SAFER_WEB_PAGE_H

#include "safer/action.h"
#include "safer/html.h"
#include "safer/indicator.h"
#include "safer/view.h"
#include "web.h"

/*
 * Start a page titled `title` into resp->body: the head, the service
 * navigation (service name "safer", the partnership's name, links for what
 * the actor's role may do), the phase banner and the opening of <main>.
 * With `fe` holding errors the title starts with "Error: ".
 */
void web_page_begin(struct web_req *req, struct web_resp *resp, const char *title,
                    const struct safer_field_errors *fe);

/* Close <main> and write the footer. */
void web_page_end(struct web_req *req, struct web_resp *resp);

/*
 * A page the store keeps as a view (safer/view.h): its title and its body
 * below the header, the same for everyone of the actor's role in the
 * partnership that day until the store changes. web_view_find() answers
 * the page from the view (1), or returns 0 for the handler to draw it:
 * after web_page_begin() it notes resp->body's length, and before
 * web_page_end() it calls web_view_keep() with it. Or an error (the
 * store's access decision for `perm` included).
 */
int web_view_find(struct web_req *req, struct web_resp *resp, enum safer_view_page page,
                  const char *item, enum safer_perm perm);
void web_view_keep(struct web_req *req, struct web_resp *resp, enum safer_view_page page,
                   const char *item, const char *title, size_t from);

/* The error summary of a form, linking to each field ("#title"); nothing
 * when `fe` is NULL or empty. */
void web_error_summary(struct safer_buf *b, const struct safer_field_errors *fe);

/* The message for `field` in `fe`, or NULL. */
const char *web_field_message(const struct safer_field_errors *fe, const char *field);

/* Add one error to `fe` (ignored past SAFER_FIELD_ERRORS_MAX). */
void web_field_error_add(struct safer_field_errors *fe, const char *field, const char *message);

/*
 * A text input with its label, hint and error (GOV.UK form group):
 * `type` "text", "email", "password"; `value` may be NULL; `autocomplete`
 * may be NULL.
 */
void web_input(struct safer_buf *b, const struct safer_field_errors *fe, const char *name,
               const char *label, const char *hint, const char *type, const char *value,
               const char *autocomplete);

/* A summary list: web_summary_begin, rows, web_summary_end. */
void web_summary_begin(struct safer_buf *b);
void web_summary_row(struct safer_buf *b, const char *key, const char *value);
void web_summary_end(struct safer_buf *b);

/* A table's header cell (scope col) and data cell holding `text`,
 * right-aligned for numbers (GOV.UK's --numeric). */
void web_th(struct safer_buf *b, const char *text, bool numeric);
void web_td(struct safer_buf *b, const char *text, bool numeric);

/* A status (RAG) as a GOV.UK tag: grey without one, green, yellow for
 * amber, red; `label` the words (NULL: safer_rag_label()). */
void web_rag_tag(struct safer_buf *b, enum safer_rag rag, const char *label);

/* A GOV.UK warning: "!" and the text, as a page says a form was refused. */
void web_warning(struct safer_buf *b, const char *text);

/* A tag for an action's status (`label`: what to show, NULL: the status
 * itself), coloured for RAG: on-track green, at-risk yellow, off-track
 * red, complete blue, not-started and withdrawn grey. */
void web_status_tag(struct safer_buf *b, const char *status, const char *label);

/* The checks of a new password typed twice (fields "password" and
 * "password_confirm"): `empty` when none was typed, the policy's message
 * (auth.h), or that the two differ (area: accounts). */
void web_new_password_check(struct safer_field_errors *fe, const char *pw, const char *again,
                            const char *empty);

/* A GOV.UK success notification banner saying `text` (area: accounts). */
void web_notice(struct safer_buf *b, const char *text);

/* The hidden form token input (csrf.c gives the token). */
void web_csrf_input(struct web_req *req, struct web_resp *resp);

/*
 * An error page for `status` (403, 404, 405, 409, 413, 415, 431, 500,
 * 503...): a plain explanation, and for 500 the request's id to quote. No
 * detail of the failure: that goes to the log.
 */
void web_error_page(struct web_req *req, struct web_resp *resp, int status);

/* "2 December 2026 10:04" (UTC) for Unix seconds `t`, into `out`. */
void web_format_time(int64_t t, char *out, size_t size);

#endif
