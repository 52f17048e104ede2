/*
 * report_summary.c - section 1, the summary of findings.
 *
 * A handful of sentences a board member can read on their own: the total
 * and its change, the largest categories, the changes larger than chance,
 * the ward with the most records (or the highest rate), hot spots,
 * clustering, and the data gaps that limit all of it. Each sentence points
 * to the section that shows the figures behind it.
 */
#include "util/compat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render/report_internal.h"
#include "safer/html.h"
#include "safer/stats.h"

void safer__report_summary(struct safer_buf *h, const struct safer_assessment *a)
{
    int64_t tl = safer__report_total_latest(a), tp = safer__report_total_prev(a);
    int comparable = a->latest12_complete && a->prev12_complete;
    safer_html_raw(h, "<h2 id=\"summary\">1. Summary of findings</h2><ul>");

    safer_html_raw(h, "<li>");
    safer__report_int(h, tl);
    safer_html_raw(h, " crimes and incidents of anti-social behaviour were recorded by the police "
                      "in the area's ");
    safer__report_int(h, (long long)a->nwards);
    safer_html_raw(h, " wards in the latest 12 months (");
    safer__report_window(h, a->l12_start, a->latest);
    safer_html_raw(h, "), against ");
    safer__report_int(h, tp);
    safer_html_raw(h, " in the previous 12 months");
    if (tp) {
        safer_html_raw(h, ": ");
        safer__report_pct(h, tp, tl);
    }
    if (!comparable)
        safer_html_raw(h, ", <strong>not comparable</strong> because a window has missing or "
                          "partial months (section 2)");
    safer_html_raw(h, ".</li>");

    /* The largest types and their changes. */
    size_t *order = safer__report_types_by_volume(a);
    safer_html_raw(h, "<li>The largest categories were ");
    for (size_t i = 0; i < a->ntypes && i < 3; i++) {
        size_t t = order[i];
        int last = i + 1 == a->ntypes || i == 2;
        if (i && last)
            safer_html_raw(h, " and ");
        else if (i)
            safer_html_raw(h, ", ");
        safer_html_text(h, a->types[t]);
        safer_html_raw(h, " (");
        safer__report_int(h, a->type_latest[t]);
        safer_html_raw(h, ", ");
        safer__report_dec(h, tl ? 100.0 * (double)a->type_latest[t] / (double)tl : 0, 0, false);
        safer_html_raw(h, "% of the total)");
    }
    safer_html_raw(h, ".</li>");
    free(order);

    /* Significant changes. */
    int nsig = 0;
    for (size_t i = 0; i < a->ntests; i++) {
        const struct safer_change_test *t = &a->tests[i];
        if (strcmp(t->scope, "type") != 0 || !t->significant)
            continue;
        if (!nsig++) {
            safer_html_raw(h, "<li>Changes larger than chance (adjusted p &lt; ");
            safer__report_level(h, a->rules.change_alpha);
            safer_html_raw(h, "): ");
        } else {
            safer_html_raw(h, "; ");
        }
        safer_html_text(h, t->key);
        safer_html_raw(h, " ");
        safer__report_pct(h, t->prev, t->latest);
    }
    if (nsig) {
        safer_html_raw(h, ".</li>");
    } else if (comparable) {
        safer_html_raw(h, "<li>No crime type changed by more than chance would explain "
                          "(adjusted p &lt; ");
        safer__report_level(h, a->rules.change_alpha);
        safer_html_raw(h, ").</li>");
    } else {
        safer_html_raw(h, "<li>No change is marked significant: the windows have missing or "
                          "partial months, so the figures of the two years are not comparable. "
                          "Treat every change in this report with caution.</li>");
    }

    /* Wards: the highest rate among the wards that have one, else the most
     * records. A ward without a population has no rate, and no rate is
     * ever made up for it. */
    if (a->nwards) {
        size_t best = 0, rated = 0;
        double bestv = 0;
        for (size_t w = 0; a->population && w < a->nwards; w++) {
            if (!(a->population[w] > 0))
                continue;
            double v = 1000.0 * (double)a->ward_latest[w] / a->population[w];
            if (!rated++ || v > bestv) {
                bestv = v;
                best = w;
            }
        }
        if (!rated) {
            for (size_t w = 1; w < a->nwards; w++) {
                if (a->ward_latest[w] > a->ward_latest[best])
                    best = w;
            }
        }
        safer_html_raw(h, "<li>");
        safer_html_text(h, a->wards[best].name);
        safer_html_raw(h, " had the ");
        if (rated) {
            safer_html_raw(h, "highest rate, ");
            safer__report_dec(h, bestv, 1, false);
            safer_html_raw(h, " per 1,000 residents (");
            safer__report_int(h, a->ward_latest[best]);
            safer_html_raw(h, " records)");
            if (rated < a->nwards) {
                safer_html_raw(h, "; ");
                safer__report_int(h, (long long)(a->nwards - rated));
                if (rated + 1 == a->nwards)
                    safer_html_raw(h, " ward has no population figure, so no rate");
                else
                    safer_html_raw(h, " wards have no population figure, so no rate");
            }
        } else {
            safer_html_raw(h, "most records, ");
            safer__report_int(h, a->ward_latest[best]);
            if (a->population)
                safer_html_raw(h, " (no ward of the area has a population figure, so there "
                                  "are no rates)");
        }
        safer_html_raw(h, ".</li>");
    }

    /* Hotspots. */
    if (a->ncells) {
        size_t hot = 0, cold = 0;
        for (size_t k = 0; k < a->ncells; k++) {
            hot += a->cells[k].cls > 0 && a->cells[k].cls <= SAFER_GI_HOT99;
            cold += a->cells[k].cls < 0;
        }
        safer_html_raw(h, "<li>");
        if (a->gi_no_score) {
            safer_html_raw(h, "No hotspot analysis was possible: every grid cell held the same "
                              "count.");
        } else {
            safer__report_int(h, (long long)hot);
            safer_html_raw(h, " of ");
            safer__report_int(h, (long long)a->ncells);
            safer_html_raw(h, " ");
            safer__report_dec(h, a->cell, 0, false);
            safer_html_raw(h, "-metre grid cells are statistically significant hot spots");
            if (cold) {
                safer_html_raw(h, " and ");
                safer__report_int(h, (long long)cold);
                safer_html_raw(h, " cold spots");
            }
            /* Hot spots of every class are counted, so the false discovery
             * rate is the level of the weakest class, hot90. */
            safer_html_raw(h, " (Getis-Ord Gi*, false discovery rate ");
            safer__report_percent(h, SAFER_GI_P90);
            safer_html_raw(h, ").");
        }
        safer_html_raw(h, "</li>");
    }
    if (a->nmoran) {
        const struct safer_moran_row *m = &a->moran[0];
        safer_html_raw(h, "<li>");
        if (isnan(m->p)) {
            safer_html_raw(h, "Spatial clustering of ward totals could not be tested.");
        } else if (m->p < a->rules.clustering_alpha) {
            safer_html_raw(h, "Ward totals cluster in space: neighbouring wards are more alike "
                              "than chance would give (Moran's I ");
            safer__report_dec(h, m->I, 3, false);
            safer_html_raw(h, ", p ");
            safer__report_p(h, m->p);
            safer_html_raw(h, ").");
        } else {
            safer_html_raw(h, "Ward totals show no significant spatial clustering (Moran's I ");
            safer__report_dec(h, m->I, 3, false);
            safer_html_raw(h, ", p ");
            safer__report_p(h, m->p);
            safer_html_raw(h, ").");
        }
        safer_html_raw(h, "</li>");
    }
    struct safer__report_gaps g = safer__report_window_gaps(a);
    if (g.missing_latest + g.partial_latest + g.missing_prev + g.partial_prev) {
        safer_html_raw(h, "<li><strong>Data gaps:</strong> ");
        safer__report_int(h, g.missing_latest + g.missing_prev);
        if (g.missing_latest + g.missing_prev == 1)
            safer_html_raw(h, " force-month is missing and ");
        else
            safer_html_raw(h, " force-months are missing and ");
        safer__report_int(h, g.partial_latest + g.partial_prev);
        if (g.partial_latest + g.partial_prev == 1)
            safer_html_raw(h, " looks partial in the two windows (section 2).</li>");
        else
            safer_html_raw(h, " look partial in the two windows (section 2).</li>");
    }
    safer_html_raw(h, "</ul>");
}
