/*
 * report_partner.c - the unnumbered section "Partner agencies' data".
 *
 * The Crime and Disorder (Formulation and Implementation of Strategy)
 * Regulations 2007 (SI 2007/1831) make the other responsible authorities
 * share data with the partnership. The section lists each partner data
 * set the store holds with its agency, source, licence or sharing
 * agreement and threshold; its counts by ward in the assessment's latest
 * and previous windows with the change test; and the series beside the
 * police.uk category its mapping names, by ward and by month, with
 * Pearson's r and Spearman's rho (docs/statistics.md, Partner data).
 *
 * Partner figures are suppressed under the data set's threshold in both
 * editions of the report: a report is passed on, and the agency shared
 * its data on that condition. The police.uk figures beside them are
 * published open data, shown as the rest of the report shows them.
 * With no data set stored the section says so plainly.
 */
#include "util/compat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render/report_internal.h"
#include "safer/html.h"
#include "safer/partner.h"
#include "util/internal.h"

static const struct safer__report_col WARD_COLS[] = {
    {"Ward", false, NULL, NULL, NULL},
    {"Police.uk, latest window", true, NULL, NULL, NULL},
    {"Partner, previous window", true, NULL, NULL, NULL},
    {"Partner, latest window", true, NULL, NULL, NULL},
    {"Partner per 1,000 residents, latest", true, NULL, NULL, NULL},
    {"Change p (adjusted)", true, NULL, NULL, NULL},
};

static const struct safer__report_col MONTH_COLS[] = {
    {"Month", false, NULL, NULL, NULL},
    {"Police.uk", true, NULL, NULL, NULL},
    {"Partner", true, NULL, NULL, NULL},
};

static void dd_text(struct safer_buf *h, const char *term, const char *v)
{
    safer_html_raw(h, "<dt>");
    safer_html_text(h, term);
    safer_html_raw(h, "</dt><dd>");
    safer_html_text(h, v && *v ? v : "not given");
    safer_html_raw(h, "</dd>");
}

static void corr(struct safer_buf *h, double v)
{
    if (isnan(v))
        safer_html_raw(h, "none (too few figures shown, or no spread)");
    else
        safer__report_dec(h, v, 2, false);
}

/* One data set. */
static void one(struct safer_buf *h, const struct safer_assessment *a, const char *const *keep,
                size_t nkeep, size_t i)
{
    const struct safer_partner_data *d = a->partner;
    const struct safer_partner_set *s = &d->sets[i];
    safer_html_raw(h, "<h3>");
    safer_html_text(h, s->title);
    safer_html_raw(h, "</h3><dl>");
    dd_text(h, "Shared by", s->agency);
    dd_text(h, "Source", s->source);
    dd_text(h, "Licence or sharing agreement", s->licence);
    safer_html_raw(h, "<dt>Held</dt><dd>");
    safer__report_int(h, s->records);
    safer_html_raw(h, " records in ");
    safer__report_int(h, s->rows);
    safer_html_raw(h, " rows of <code>");
    safer_html_text(h, s->file);
    safer_html_raw(h, "</code>");
    if (s->first >= 0) {
        safer_html_raw(h, ", ");
        safer__report_month(h, s->first);
        safer_html_raw(h, " to ");
        safer__report_month(h, s->last);
        if (s->months_missing) {
            safer_html_raw(h, ", with ");
            safer__report_int(h, s->months_missing);
            safer_html_raw(h, " months inside that span holding no record");
        }
    }
    safer_html_raw(h, "</dd><dt>Suppression</dt><dd>");
    if (s->threshold > 1) {
        safer_html_raw(h, "counts from 1 to ");
        safer__report_int(h, s->threshold - 1);
        safer_html_raw(h, " are shown as " SAFER__REPORT_HIDDEN ", with the others that would "
                          "give them away");
    } else {
        safer_html_raw(h, "none: the agency publishes every count");
    }
    safer_html_raw(h, "</dd></dl>");

    /* The assessment's windows, if they are consecutive and of one length. */
    int32_t len = a->latest - a->l12_start + 1;
    if (s->first < 0 || len < 1 || a->p12_end + 1 != a->l12_start ||
        a->p12_end - a->p12_start + 1 != len) {
        safer_html_raw(h, "<p>No figures for the assessment's windows: the data set holds "
                          "no records.</p>");
        return;
    }
    if (s->last < a->p12_start || s->first > a->latest) {
        safer_html_raw(h, "<p>The data set holds no month of the assessment's windows (");
        safer__report_window(h, a->p12_start, a->latest);
        safer_html_raw(h, "), so none of its figures are shown here.</p>");
        return;
    }
    struct safer_partner_table t, p;
    memset(&p, 0, sizeof(p));
    safer_partner_slice(&d->table[i], a->p12_start, a->latest, keep, nkeep, &t);
    struct safer_err err = {0};
    int rc = safer_partner_publish(&t, s->threshold, len, &err);
    bool police = d->police[i].nwards > 0;
    if (police)
        safer_partner_slice(&d->police[i], a->p12_start, a->latest, keep, nkeep, &p);
    if (rc < 0) {
        safer_html_raw(h, "<p class=\"warn\">The figures cannot be shown: ");
        safer_html_text(h, err.msg);
        safer_html_raw(h, ".</p>");
        goto out;
    }
    if (s->first > a->p12_start || s->last < a->latest) {
        safer_html_raw(h, "<p class=\"flag\">The data set covers only part of the windows ");
        safer__report_window(h, a->p12_start, a->latest);
        safer_html_raw(h, ": months it does not hold count 0 below, so the change test "
                          "compares unlike periods.</p>");
    }
    struct safer_partner_change *c = safer__xcalloc(t.nwards + 1, sizeof(*c));
    safer_partner_change(&t, c);
    size_t W = t.nwards, M = t.nmonths, L = (size_t)len;
    /* The latest window of each ward: the police's, and the partner's. */
    double *x = safer__xcalloc(W + M + 1, sizeof(*x)), *y = safer__xcalloc(W + M + 1, sizeof(*y));
    size_t k = 0;
    for (size_t w = 0; w < W; w++) {
        if (!police || (t.hid_latest && t.hid_latest[w]))
            continue;
        int64_t pl = 0;
        for (size_t m = M - L; m < M; m++)
            pl += p.cell[w * M + m];
        x[k] = (double)pl;
        y[k] = (double)t.win_latest[w];
        k++;
    }
    double r_w = safer_pearson(x, y, k), rho_w = safer_spearman(x, y, k);
    k = 0;
    for (size_t m = M - L; m < M; m++) {
        if (!police || (t.hid_month && t.hid_month[m]))
            continue;
        x[k] = (double)p.month_total[m];
        y[k] = (double)t.month_total[m];
        k++;
    }
    double r_m = safer_pearson(x, y, k), rho_m = safer_spearman(x, y, k);
    free(x);
    free(y);

    safer_html_raw(h, "<p>In the latest window the data set holds ");
    safer__report_count(h, t.win_latest[W], t.hid_latest && t.hid_latest[W]);
    safer_html_raw(h, " records in the area's wards against ");
    safer__report_count(h, t.win_prev[W], t.hid_prev && t.hid_prev[W]);
    safer_html_raw(h, " in the previous one (");
    if (t.hid_latest && (t.hid_latest[W] || t.hid_prev[W]))
        safer_html_raw(h, "p " SAFER__REPORT_HIDDEN);
    else {
        safer_html_raw(h, "exact binomial test, p ");
        safer__report_p(h, c[W].p);
    }
    safer_html_raw(h, ").");
    if (police) {
        safer_html_raw(h, " Beside police.uk's <q>");
        safer_html_text(h, s->police_category);
        safer_html_raw(h, "</q> in the latest window, Pearson's r by ward is ");
        corr(h, r_w);
        safer_html_raw(h, " and Spearman's rho ");
        corr(h, rho_w);
        safer_html_raw(h, "; by month, r is ");
        corr(h, r_m);
        safer_html_raw(h, " and rho ");
        corr(h, rho_m);
        safer_html_raw(h, ". Both are computed over the figures shown.");
    } else {
        safer_html_raw(h, " Its mapping names no police.uk category to set it beside.");
    }
    safer_html_raw(h, "</p>");

    safer__report_table_head(h, SAFER__REPORT_TEXT(s->title), WARD_COLS,
                             SAFER__NELEM(WARD_COLS));
    for (size_t w = 0; w <= W; w++) {
        bool hp = t.hid_prev && t.hid_prev[w], hl = t.hid_latest && t.hid_latest[w];
        safer_html_raw(h, "<tr><td>");
        safer_html_text(h, w < W ? t.ward_name[w] : "All wards");
        safer_html_raw(h, "</td><td class=\"n\">");
        if (police) {
            int64_t pl = 0;
            for (size_t ww = (w < W ? w : 0); ww < (w < W ? w + 1 : W); ww++)
                for (size_t m = M - L; m < M; m++)
                    pl += p.cell[ww * M + m];
            safer__report_int(h, pl);
        } else {
            safer_html_raw(h, "&ndash;");
        }
        safer_html_raw(h, "</td><td class=\"n\">");
        safer__report_count(h, t.win_prev[w], hp);
        safer_html_raw(h, "</td><td class=\"n\">");
        safer__report_count(h, t.win_latest[w], hl);
        safer_html_raw(h, "</td><td class=\"n\">");
        double pop = 0;
        if (w < W)
            pop = t.population[w];
        else
            for (size_t ww = 0; ww < W; ww++)
                pop += isfinite(t.population[ww]) ? t.population[ww] : NAN;
        if (hl)
            safer_html_raw(h, SAFER__REPORT_HIDDEN);
        else if (isfinite(pop) && pop > 0)
            safer__report_dec(h, (double)t.win_latest[w] * 1000.0 / pop, 2, false);
        else
            safer_html_raw(h, "n/a");
        safer_html_raw(h, "</td><td class=\"n\">");
        if (hp || hl)
            safer_html_raw(h, SAFER__REPORT_HIDDEN);
        else
            safer__report_p(h, w < W ? c[w].p_adj : c[w].p);
        safer_html_raw(h, "</td></tr>");
    }
    safer__report_table_end(h);

    if (police) {
        safer__report_table_head(h, SAFER__REPORT_LITERAL("By month, latest window"), MONTH_COLS,
                                 SAFER__NELEM(MONTH_COLS));
        for (size_t m = M - L; m < M; m++) {
            safer_html_raw(h, "<tr><td>");
            safer__report_month(h, t.first + (int32_t)m);
            safer_html_raw(h, "</td><td class=\"n\">");
            safer__report_int(h, p.month_total[m]);
            safer_html_raw(h, "</td><td class=\"n\">");
            safer__report_count(h, t.month_total[m], t.hid_month && t.hid_month[m]);
            safer_html_raw(h, "</td></tr>");
        }
        safer__report_table_end(h);
    }
    free(c);
out:
    safer_partner_table_release(&t);
    safer_partner_table_release(&p);
}

void safer__report_partner(struct safer_buf *h, const struct safer_assessment *a)
{
    safer_html_raw(h, "<h2 id=\"partner\">Partner agencies' data</h2><p>The Crime and Disorder "
                      "(Formulation and Implementation of Strategy) Regulations 2007 (SI "
                      "2007/1831) make the responsible authorities (police, council, fire and "
                      "rescue, health, probation) share the information the strategic "
                      "assessment needs.</p>");
    if (!a->partner || a->partner->n == 0) {
        safer_html_raw(h, "<div class=\"inset\"><p><strong>None loaded.</strong> No partner "
                          "agency's data is loaded, so this report rests on police.uk data "
                          "alone. A partnership loads its partners' data with <code>safer "
                          "import partner FILE.csv --map MAP.json</code> "
                          "(docs/partner-data.md).</p></div>");
        return;
    }
    safer_html_raw(h, "<p>Counts are of the area's wards; the windows are the assessment's ("
                      "previous and latest). Partner figures from 1 to under each data set's "
                      "threshold are shown as " SAFER__REPORT_HIDDEN
                      " in every edition of this report, together with the figures that "
                      "would let them be worked out; rates, tests and correlations use only "
                      "what is shown.</p>");
    size_t nkeep = a->nwards;
    const char **keep = safer__xcalloc(nkeep + 1, sizeof(*keep));
    for (size_t w = 0; w < nkeep; w++)
        keep[w] = a->wards[w].code;
    for (size_t i = 0; i < a->partner->n; i++)
        one(h, a, a->wards ? keep : NULL, nkeep, i);
    free(keep);
}
