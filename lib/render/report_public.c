/*
 * report_public.c - section 8, the public's views.
 *
 * The Crime and Disorder (Formulation and Implementation of Strategy)
 * Regulations 2007, regulation 5, ask a strategic assessment to cover the
 * views of the public. Their views come from residents' surveys, which
 * safer cannot import yet: until it can, the section says plainly that
 * none are loaded, rather than leave the regulation's matter out unseen.
 */
#include "util/compat.h"

#include "render/report_internal.h"
#include "safer/html.h"

void safer__report_public(struct safer_buf *h, const struct safer_assessment *a)
{
    (void)a;
    safer_html_raw(h, "<h2 id=\"public\">8. The public's views</h2><p>The Crime and Disorder "
                      "(Formulation and Implementation of Strategy) Regulations 2007 (regulation "
                      "5) ask the strategic assessment to cover the views of the public on the "
                      "levels and patterns of crime, disorder and substance misuse.</p>"
                      "<div class=\"inset\"><p><strong>Not loaded.</strong> No survey results "
                      "are loaded: this version of safer cannot import residents' survey "
                      "results yet. Until it can, this report holds nothing of what the public "
                      "said, and public concern is left out of the scoring of candidate "
                      "priorities (section 9). Take the public's views from the partnership's "
                      "own surveys and consultations.</p></div>");
}
