/*
 * report_caveats.c - section 12, caveats.
 *
 * What a reader must keep in mind when reading the figures: the pandemic
 * when the windows overlap it, partial and missing months when there are
 * any, and the limits of police.uk data that always apply (anonymised
 * locations, records without one, boundaries, recording practice).
 */
#include "util/compat.h"

#include "render/report_internal.h"
#include "safer/html.h"

/* The months of Covid-19 restrictions the caveat names, as month indexes
 * (year * 12 + month - 1): the test and the text both read them. */
#define PANDEMIC_FIRST (2020 * 12 + 2) /* March 2020 */
#define PANDEMIC_LAST (2021 * 12 + 5)  /* June 2021 */

void safer__report_caveats(struct safer_buf *h, const struct safer_assessment *a)
{
    safer_html_raw(h, "<h2 id=\"caveats\">12. Caveats</h2><ul>");
    /* The pandemic, when it overlaps either window. */
    if (a->latest >= PANDEMIC_FIRST && a->p12_start <= PANDEMIC_LAST) {
        safer_html_raw(h, "<li><strong>The pandemic.</strong> The windows overlap the Covid-19 "
                          "restrictions (");
        safer__report_window(h, PANDEMIC_FIRST, PANDEMIC_LAST);
        safer_html_raw(h, "), when recorded crime and anti-social behaviour moved for reasons "
                          "that say little about the underlying trend.</li>");
    }
    struct safer__report_gaps g = safer__report_window_gaps(a);
    if (g.partial_latest || g.partial_prev)
        safer_html_raw(h, "<li><strong>Partial months.</strong> At least one force's file for a "
                          "month in the windows holds far less notifiable crime or anti-social "
                          "behaviour than the same force's usual months, or far fewer rows "
                          "(section 2). A month can be short of crime while its rows look "
                          "normal: its anti-social behaviour fills the file as usual, so only "
                          "judging crime and ASB apart shows the gap. police.uk sometimes "
                          "publishes incomplete months and corrects them later; importing the "
                          "republished file replaces the month.</li>");
    if (g.missing_latest || g.missing_prev)
        safer_html_raw(h, "<li><strong>Missing months.</strong> Some months of the windows have "
                          "no file from a force. What that force recorded then is not in the "
                          "totals, which is no real fall; a month for which no force has a file "
                          "holds no data, is a gap in the figures and is left out of every "
                          "average.</li>");
    if (safer__report_public_edition(a)) {
        safer_html_raw(h, "<li><strong>Hidden counts.</strong> This public edition shows counts "
                          "from 1 to ");
        safer__report_int(h, a->hidden.min - 1);
        safer_html_raw(h, " as " SAFER__REPORT_HIDDEN ", and the counts that would give them "
                          "away, so that no one can be picked out. Totals still include them: "
                          "the parts of a total that are shown can add up to less than it "
                          "(section 13).</li>");
    }
    safer_html_raw(h, "<li><strong>Anonymised locations.</strong> police.uk moves each record to "
                      "the nearest of a set of anonymous map points (a street segment or a "
                      "public place), so records cluster on those points and a few land in a "
                      "neighbouring ward. Hot spots are therefore drawn on squares, not "
                      "addresses.</li>");
    safer_html_raw(h, "<li><strong>Records without a location</strong> are placed through "
                      "their LSOA when a lookup is loaded; they count in the ward figures but "
                      "not in the hot spot grid.</li>");
    safer_html_raw(h, "<li><strong>Boundaries.</strong> A record exactly on a ward boundary "
                      "belongs to no ward (the interior rule of ST_Contains) and is counted as "
                      "outside.</li>");
    safer_html_raw(h, "<li><strong>Recording practice.</strong> Police-recorded figures move "
                      "with reporting and recording as well as with crime; for hidden crimes "
                      "such as domestic abuse, a rise can mean more confidence to report.</li>");
    safer_html_raw(h, "</ul>");
}
