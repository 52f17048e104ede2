/*
 * report_profiles.c - the report's ward profiles and focus area: the wards
 * ranked by the focus index with the default weights (docs/statistics.md,
 * "Focus index"), how often each stays in the top k when the weights vary,
 * the proposed focus area, and a compact profile of every ward. In the
 * public edition the records and rates of a ward whose count is hidden are
 * hidden too (a rate and a population give the count away).
 */
#include "util/compat.h"

#include <math.h>
#include <string.h>

#include "render/report_internal.h"
#include "safer/assess.h"
#include "safer/html.h"
#include "safer/profile.h"

static const struct safer__report_col RANK_COLS[] = {
    {.heading = "Rank", .numeric = true},
    {.heading = "Ward"},
    {.heading = "Index", .numeric = true},
    {.heading = "In the top k of the draws", .numeric = true},
    {.heading = "Ranks over the draws", .numeric = true},
    {.heading = "Focus group", .numeric = true},
};

static const struct safer__report_col PROFILE_COLS[] = {
    {.heading = "Ward"},
    {.heading = "Residents", .numeric = true},
    {.heading = "Records", .numeric = true},
    {.heading = "Per 1,000", .numeric = true},
    {.heading = "Previous", .numeric = true},
    {.heading = "Hot cells", .numeric = true},
    {.heading = "IMD rank", .numeric = true},
    {.heading = "Income rank", .numeric = true},
    {.heading = "Health rank", .numeric = true},
    {.heading = "Crime rank", .numeric = true},
    {.heading = "Neighbours", .numeric = true},
};

static void ward_name(struct safer_buf *h, const struct safer_ward_profile *w)
{
    safer_html_text(h, w->name && *w->name ? w->name : w->code);
}

static void rank_or_dash(struct safer_buf *h, double v)
{
    if (isfinite(v))
        safer__report_int(h, (long long)llround(v));
    else
        safer_html_raw(h, "–");
}

static void focus_area_sentence(struct safer_buf *h, const struct safer_profiles *p,
                                const struct safer_focus *f)
{
    safer_html_raw(h, "<p><strong>Proposed focus area:</strong> ");
    if (!f->proposed) {
        safer_html_raw(h, "none. No two of the top ");
        safer__report_int(h, (long long)f->top);
        safer_html_raw(h, " wards are neighbours.</p>");
        return;
    }
    size_t k = 0, n = 0;
    for (size_t r = 0; r < f->nranked; r++)
        n += f->group[f->order[r]] == f->proposed;
    for (size_t r = 0; r < f->nranked; r++) {
        const size_t i = f->order[r];
        if (f->group[i] != f->proposed)
            continue;
        if (k)
            safer_html_text(h, k + 1 == n ? " and " : ", ");
        ward_name(h, &p->ward[i]);
        k++;
    }
    safer_html_raw(h, ": the neighbouring wards of the top ");
    safer__report_int(h, (long long)f->top);
    safer_html_raw(h, " with the highest mean index, proposed to be worked as one area.</p>");
}

static void ranking(struct safer_buf *h, const struct safer_assessment *a)
{
    const struct safer_profiles *p = a->profiles;
    const struct safer_focus *f = a->focus;
    size_t nw = 0;
    const struct safer_focus_weight *w = safer_focus_default_weights(&nw);
    safer_html_raw(h, "<p>The focus index ranks the wards by crime and disorder, social and "
                      "economic deprivation and health together: for each ward, the weighted "
                      "mean of its z-scores (its distance from the wards' mean in standard "
                      "deviations, turned so that higher is worse) of ");
    for (size_t j = 0; j < nw; j++) {
        if (j)
            safer_html_text(h, j + 1 == nw ? " and " : ", ");
        safer_html_text(h, w[j].indicator);
        safer_html_raw(h, " (weight ");
        safer__report_level(h, w[j].weight);
        safer_html_raw(h, ")");
    }
    safer_html_raw(h, ". Rates are records per 1,000 residents of the latest window; domains "
                      "are the IoD2019 ranks of the ward's LSOAs, weighted by population. To see "
                      "how much the ranking rests on the weights, every weight was varied at "
                      "random within 25% of itself ");
    safer__report_int(h, (long long)f->draws);
    safer_html_raw(h, " times: the share of those draws in which a ward stays in the top ");
    safer__report_int(h, (long long)f->top);
    safer_html_raw(h, " is its stability (docs/statistics.md, Focus index).</p>");
    focus_area_sentence(h, p, f);

    safer__report_table_head(h, SAFER__REPORT_LITERAL("The wards ranked by the focus index"),
                             RANK_COLS, SAFER__NELEM(RANK_COLS));
    size_t show = f->nranked < 10 ? f->nranked : 10;
    for (size_t r = 0; r < show; r++) {
        const size_t i = f->order[r];
        safer_html_raw(h, "<tr><td class=\"n\">");
        safer__report_int(h, (long long)(r + 1));
        safer_html_raw(h, "</td><td>");
        ward_name(h, &p->ward[i]);
        safer_html_raw(h, "</td><td class=\"n\">");
        if (!safer__report_public_edition(a))
            safer__report_dec(h, f->index[i], 2, true);
        safer_html_raw(h, "</td><td class=\"n\">");
        if (isfinite(f->top_share[i])) {
            safer__report_dec(h, 100 * f->top_share[i], 0, false);
            safer_html_raw(h, "%");
        }
        safer_html_raw(h, "</td><td class=\"n\">");
        if (f->rank_min[i]) {
            safer__report_int(h, (long long)f->rank_min[i]);
            if (f->rank_max[i] != f->rank_min[i]) {
                safer_html_raw(h, "–");
                safer__report_int(h, (long long)f->rank_max[i]);
            }
        }
        safer_html_raw(h, "</td><td class=\"n\">");
        if (f->group[i])
            safer__report_int(h, f->group[i]);
        safer_html_raw(h, "</td></tr>");
    }
    safer__report_table_end(h);
    if (safer__report_public_edition(a))
        safer_html_raw(h, "<p class=\"note\">The index values are left out of the public "
                          "edition: with the populations and the domains they could give small "
                          "counts away.</p>");
    if (f->nranked > show) {
        safer_html_raw(h, "<p>The other ");
        safer__report_int(h, (long long)(f->nranked - show));
        safer_html_raw(h, " wards are ranked in the file 'safer focus' writes.</p>");
    }
}

static void profiles_table(struct safer_buf *h, const struct safer_assessment *a)
{
    const struct safer_profiles *p = a->profiles;
    bool any_hidden = false;
    safer__report_table_head(h, SAFER__REPORT_LITERAL("Ward profiles"), PROFILE_COLS,
                             SAFER__NELEM(PROFILE_COLS));
    for (size_t i = 0; i < p->n; i++) {
        const struct safer_ward_profile *w = &p->ward[i];
        bool hid = safer_hidden(a->hidden.ward_latest, i);
        bool hidp = safer_hidden(a->hidden.ward_prev, i);
        any_hidden |= hid || hidp;
        safer_html_raw(h, "<tr><td>");
        ward_name(h, w);
        safer_html_raw(h, "</td><td class=\"n\">");
        rank_or_dash(h, w->population);
        safer_html_raw(h, "</td><td class=\"n\">");
        safer__report_count(h, w->latest, hid);
        safer_html_raw(h, "</td><td class=\"n\">");
        if (hid)
            safer_html_raw(h, "[c]");
        else if (isfinite(w->rate))
            safer__report_dec(h, w->rate, 1, false);
        else
            safer_html_raw(h, "–");
        safer_html_raw(h, "</td><td class=\"n\">");
        safer__report_count(h, w->prev, hidp);
        safer_html_raw(h, "</td><td class=\"n\">");
        safer__report_int(h, (long long)w->hot_cells);
        static const int doms[] = {SAFER_DOMAIN_IMD, SAFER_DOMAIN_INCOME, SAFER_DOMAIN_HEALTH,
                                   SAFER_DOMAIN_CRIME};
        for (size_t d = 0; d < SAFER__NELEM(doms); d++) {
            safer_html_raw(h, "</td><td class=\"n\">");
            rank_or_dash(h, w->dom_rank[doms[d]]);
        }
        safer_html_raw(h, "</td><td class=\"n\">");
        safer__report_int(h, (long long)w->nneighbours);
        safer_html_raw(h, "</td></tr>");
    }
    safer__report_table_end(h);
    if (any_hidden)
        safer__report_hidden_note(h, a);
}

void safer__report_profiles(struct safer_buf *h, const struct safer_assessment *a)
{
    const struct safer_profiles *p = a->profiles;
    if (!p || p->n == 0)
        return;
    safer_html_raw(h, "<h2 id=\"wards\">Ward profiles and the focus area</h2>");
    if (a->focus && a->focus->nranked) {
        ranking(h, a);
    } else {
        safer_html_raw(h, "<p>No focus index: it needs the wards' populations and the IoD2019 "
                          "domains of deprivation (File 2, 'safer import deprivation').</p>");
    }
    safer_html_raw(h, "<p>Each ward's residents, its records in the latest and the previous "
                      "window, its rate per 1,000 residents, the hot spot cells holding its "
                      "records, and its deprivation: the population-weighted mean national "
                      "rank of its LSOAs (1 is the most deprived of England's ");
    safer__report_int(h, SAFER_IOD_LSOAS);
    safer_html_raw(h, "), and its queen neighbours.</p>");
    profiles_table(h, a);
}
