/*
 * form.h - GOV.UK form fields beyond the text input of page.h: the form
 * group (label, hint, error message), a select, a textarea, and reading
 * a whole number from a path or a form.
 *
 * Every value goes through html.h's escapers; an option's value and label
 * are escaped like any text from the store.
 */
#ifndef SAFER_WEB_FORM_H
#define SAFER_WEB_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "safer/action.h"
#include "safer/buf.h"

/* Open a form group for field `name`: the label (or, with `legend`, the
 * label's text as a page-level heading is not used), hint and error
 * message. Returns the error message, or NULL, for the control's class. */
const char *web_group_begin(struct safer_buf *b, const struct safer_field_errors *fe,
                            const char *name, const char *label, const char *hint);
/* Close it. */
void web_group_end(struct safer_buf *b);

/* The attributes every control of a group shares: id, name and the
 * aria-describedby of its hint and error. */
void web_control_attrs(struct safer_buf *b, const char *name, bool hint, bool error);

/* A select of `n` options (values[i] shown as labels[i]); `blank` adds a
 * first option with value "" showing it ("None"). `selected` may be NULL. */
void web_select(struct safer_buf *b, const struct safer_field_errors *fe, const char *name,
                const char *label, const char *hint, const char *const *values,
                const char *const *labels, size_t n, const char *blank, const char *selected);

/* A textarea of `rows` rows holding `value` (may be NULL). */
void web_textarea(struct safer_buf *b, const struct safer_field_errors *fe, const char *name,
                  const char *label, const char *hint, int rows, const char *value);

/* The options of the workspace's forms: the plan's priorities and groups,
 * the partnership's people (those not disabled), the action statuses;
 * arrays and strings in the request's arena. */
struct web_choices {
    const char **prio_keys, **prio_titles;
    size_t nprio;
    const char **group_keys, **group_names;
    size_t ngroup;
    const char **person_ids, **person_names;
    size_t npeople;
    const char **status_values, **status_labels;
    size_t nstatus;
};
struct web_req;
int web_choices_load(struct web_req *req, struct web_choices *c, struct safer_err *err);

/* groups: checkboxes named `name`, one per value of the NULL-terminated
 * `values`, those in `on` (n of them) ticked; the group's error from fe. */
void web_checkboxes(struct safer_buf *b, const struct safer_field_errors *fe, const char *name,
                    const char *legend, const char *hint, const char *const *values,
                    const char *const *on, size_t n);

/* A decimal id from a path segment or form value: > 0, or 0 when `s` is
 * not one (leading zeros, signs, spaces and overflow included). */
int64_t web_id(const char *s);

#endif
