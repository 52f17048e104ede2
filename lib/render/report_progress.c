/*
 * report_progress.c - section 11, changes since the last assessment.
 *
 * Regulation 5 of the Crime and Disorder (Formulation and Implementation of
 * Strategy) Regulations 2007 asks the assessment to set out the changes
 * since the last one, including progress against the partnership plan.
 * The change in recorded crime is section 4's; progress against the plan
 * is its indicators as the partnership's workspace keeps them
 * (indicator.h, read in the assessment's snapshot): each with its latest
 * period, value, target and status. The public edition hides a count from
 * 1 to the threshold less one, and the value and status worked out from
 * it, as the workspace hides them from members. With no plan loaded the
 * section says that there is nothing to track.
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "render/report_internal.h"
#include "safer/html.h"
#include "safer/indicator.h"
#include "safer/plan.h"

/* Is the latest point of indicator `d` hidden in this edition? */
static bool point_hidden(const struct safer_assessment *a, const struct safer_indicator *d)
{
    const struct safer_indicator_point *p = &d->latest;
    if (!safer__report_public_edition(a))
        return false;
    /* A ward's survey estimate on a small base, as the survey section
     * leaves it out of this edition. */
    if (strcmp(d->kind, "survey") == 0)
        return d->ward[0] && (p->small || p->suppressed);
    return strcmp(d->kind, "computed") == 0 && p->count >= 1 && p->count < a->hidden.min;
}

static const char *priority_title(const struct safer_plan *p, const char *key)
{
    for (size_t i = 0; key && i < p->npriorities; i++) {
        if (strcmp(p->priorities[i].key, key) == 0)
            return p->priorities[i].title;
    }
    return "\u2014";
}

static void value_cell(struct safer_buf *h, const struct safer_indicator *d, double v)
{
    char t[64];
    if (isnan(v))
        snprintf(t, sizeof(t), "\u2014");
    else if (strcmp(d->measure, "rate") == 0)
        snprintf(t, sizeof(t), "%.1f per 1,000", v);
    else if (strcmp(d->kind, "survey") == 0)
        snprintf(t, sizeof(t), "%.1f%%", v); /* a survey's weighted per cent */
    else if (v == floor(v) && fabs(v) < 1e15)
        snprintf(t, sizeof(t), "%.0f%s%s", v, d->unit ? " " : "", d->unit ? d->unit : "");
    else
        snprintf(t, sizeof(t), "%.2f%s%s", v, d->unit ? " " : "", d->unit ? d->unit : "");
    safer_html_text(h, t);
}

static void indicator_table(struct safer_buf *h, const struct safer_assessment *a)
{
    static const struct safer__report_col cols[] = {
        {.heading = "Indicator"},          {.heading = "Priority"},
        {.heading = "Latest period"},      {.heading = "Value", .numeric = true},
        {.heading = "Target", .numeric = true}, {.heading = "Status"},
    };
    safer__report_table_head(
        h, SAFER__REPORT_LITERAL("The plan's indicators: the latest period of each, against its "
                                 "target"),
        cols, SAFER__NELEM(cols));
    bool hidden = false;
    size_t count[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < a->nindicators; i++) {
        const struct safer_indicator *d = &a->indicators[i];
        const struct safer_indicator_point *p = &d->latest;
        bool hide = d->has_latest && point_hidden(a, d);
        hidden |= hide;
        safer_html_raw(h, "<tr><th scope=\"row\">");
        safer_html_text(h, d->title);
        safer_html_raw(h, "</th><td>");
        safer_html_text(h, priority_title(a->plan, d->priority_key));
        safer_html_raw(h, "</td><td>");
        safer_html_text(h, d->has_latest ? p->period : "no period yet");
        if (d->has_latest && p->partial)
            safer_html_raw(h, " (partial)");
        safer_html_raw(h, "</td><td class=\"n\">");
        if (hide)
            safer_html_raw(h, SAFER__REPORT_HIDDEN);
        else if (d->has_latest)
            value_cell(h, d, p->value);
        safer_html_raw(h, "</td><td class=\"n\">");
        value_cell(h, d, d->has_target ? d->target : NAN);
        if (d->has_target)
            safer_html_text(h, strcmp(d->good, "up") == 0 ? " (up is better)"
                                                           : " (down is better)");
        safer_html_raw(h, "</td><td>");
        enum safer_rag rag = d->has_latest && !hide ? p->rag : SAFER_RAG_NONE;
        count[rag]++;
        safer_html_text(h, hide ? SAFER__REPORT_HIDDEN : safer_rag_label(rag));
        safer_html_raw(h, "</td></tr>");
    }
    safer__report_table_end(h);
    if (hidden)
        safer__report_hidden_note(h, a);
    safer_buf_putf(h, "<p>The plan has %zu indicator%s: %zu red, %zu amber and %zu green at "
                      "the latest period, and %zu without a status (no target, a partial "
                      "period, or no data yet).</p>",
                   a->nindicators, a->nindicators == 1 ? "" : "s", count[SAFER_RAG_RED],
                   count[SAFER_RAG_AMBER], count[SAFER_RAG_GREEN], count[SAFER_RAG_NONE]);
}

void safer__report_progress(struct safer_buf *h, const struct safer_assessment *a)
{
    safer_html_raw(h, "<h2 id=\"progress\">11. Changes since the last assessment</h2><p>"
                      "Regulation 5 also asks what has changed since the last assessment. "
                      "Section 4 compares police-recorded crime and anti-social behaviour with ");
    safer__report_window_name(h, a, 1);
    safer_html_raw(h, ".</p>");
    if (!a->plan) {
        safer_html_raw(h, "<div class=\"inset\"><p><strong>No plan loaded.</strong> With no "
                          "partnership plan for this area (section 8) there are no plan "
                          "indicators to report progress against.</p></div>");
        return;
    }
    safer_html_raw(h, "<p>Progress against the plan <cite>");
    safer_html_text(h, a->plan->title);
    safer_html_raw(h, "</cite> is measured by its indicators, which the partnership keeps in "
                      "its workspace (computed from the same police.uk records as this "
                      "assessment, or entered by hand with a date). Each one's status is "
                      "against its target: green within the amber threshold, amber beyond "
                      "it, red beyond the red threshold.</p>");
    if (a->nindicators == 0) {
        safer_html_raw(h, "<div class=\"inset\"><p><strong>No indicators yet.</strong> The "
                          "plan has no indicators to report progress against.</p></div>");
        return;
    }
    indicator_table(h, a);
}
