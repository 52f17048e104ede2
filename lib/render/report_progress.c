/*
 * report_progress.c - section 11, changes since the last assessment.
 *
 * Regulation 5 of the Crime and Disorder (Formulation and Implementation of
 * Strategy) Regulations 2007 asks the assessment to set out the changes
 * since the last one, including progress against the partnership plan.
 * The change in recorded crime is section 4's; the plan's indicators and
 * their progress will be kept in the partnership's workspace, which this
 * version does not have: the section says so, and with no plan loaded
 * says that there is nothing to track.
 */
#include "util/compat.h"

#include "render/report_internal.h"
#include "safer/html.h"
#include "safer/plan.h"

void safer__report_progress(struct safer_buf *h, const struct safer_assessment *a)
{
    safer_html_raw(h, "<h2 id=\"progress\">11. Changes since the last assessment</h2><p>"
                      "Regulation 5 also asks what has changed since the last assessment. "
                      "Section 4 compares police-recorded crime and anti-social behaviour with ");
    safer__report_window_name(h, a, 1);
    safer_html_raw(h, "; no earlier assessment is stored to compare this one with.</p>"
                      "<div class=\"inset\"><p>");
    if (a->plan) {
        safer_html_raw(h, "<strong>Not yet available.</strong> Progress against the indicators "
                          "of the plan <cite>");
        safer_html_text(h, a->plan->title);
        safer_html_raw(h, "</cite> is held in the partnership's workspace, which this version "
                          "of safer does not have yet, so no progress against the plan can be "
                          "shown here.");
    } else {
        safer_html_raw(h, "<strong>No plan loaded.</strong> With no partnership plan for this "
                          "area (section 8) there are no plan indicators to report progress "
                          "against.");
    }
    safer_html_raw(h, "</p></div>");
}
