/*
 * form.c - GOV.UK form fields: the form group, select and textarea.
 */
#include "util/compat.h"

#include <string.h>

#include "form.h"
#include "page.h"

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
