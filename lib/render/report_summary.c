/*
 * report_summary.c - section 1, the summary of findings.
 *
 * Plain English for the executive group and councillors, in five short
 * paragraphs: what was recorded (over the months that hold data, and per
 * month with data), what changed (only where the two windows can be
 * compared like for like), where (the ward with the most records or the
 * highest rate, the places where records cluster), and what the gaps in
 * the data mean. The statistics behind it (the binomial tests, Gi*, the
 * false discovery rate, Moran's I) are named in the sections it points to
 * and in the method notes, not here; "99% confidence" means what the hot
 * spot map's legend means by it.
 */
#include "util/compat.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render/report_internal.h"
#include "util/internal.h"
#include "safer/geom.h"
#include "safer/html.h"
#include "safer/stats.h"

/* "about 1,358 a month" for `count` over the window's months with data. */
static void per_month(struct safer_buf *h, const struct safer_assessment *a, int64_t count)
{
    double v = safer__report_per_month(a, count, 0);
    if (isnan(v))
        return;
    safer__report_dec(h, v, 0, false);
    safer_html_raw(h, " a month");
}

/* The months a rate of the latest window is over: "the 12 months to
 * February 2019" when all of them hold data, else the months that do,
 * "October 2018 to February 2019 (5 of the 12 months)". */
static void rate_months(struct safer_buf *h, const struct safer_assessment *a)
{
    int len = safer__report_window_len(a), n = safer__report_window_data(a, 0);
    if (n == len) {
        safer__report_window_name(h, a, 0);
        return;
    }
    safer__report_data_runs(h, a, 0);
    safer_buf_putf(h, " (%d of the %d months)", n, len);
}

/* What a rate of `count` records is over, and how sure it is: " over
 * <months>, not annualised, with a 95% interval of 18.6 to 25.7", and
 * "(few records)" under the rules' threshold. The interval is the exact
 * Poisson interval of the count per 1,000 of the population, as the ward
 * rates' (a->rate_lower, a->rate_upper). */
static void rate_basis(struct safer_buf *h, const struct safer_assessment *a, int64_t count,
                       double lower, double upper)
{
    safer_html_raw(h, " over ");
    rate_months(h, a);
    safer_html_raw(h, ", not annualised, with a ");
    safer__report_dec(h, 100.0 * SAFER_RATE_CONF, 0, false);
    safer_html_raw(h, "% interval of ");
    safer__report_dec(h, lower, 1, false);
    safer_html_raw(h, " to ");
    safer__report_dec(h, upper, 1, false);
    if (count < a->rules.rate_few_records)
        safer_html_raw(h, " (few records)");
}

/* The rate of the whole area, when every ward has a population: records
 * per 1,000 of the wards' summed population. */
static void area_rate(struct safer_buf *h, const struct safer_assessment *a, int64_t total)
{
    double pop = safer_assessment_area_population(a);
    if (isnan(pop))
        return;
    double lo, up;
    safer_poisson_ci(total, SAFER_RATE_CONF, &lo, &up);
    safer_html_raw(h, " That is ");
    safer__report_dec(h, 1000.0 * (double)total / pop, 1, false);
    safer_html_raw(h, " records per 1,000 residents");
    rate_basis(h, a, total, 1000.0 * lo / pop, 1000.0 * up / pop);
    safer_html_raw(h, ".");
}

/* What was recorded: the total over the months with data, a month's worth
 * and the area's rate; then the largest categories. In the public edition
 * a hidden total is not stated, nor anything worked out from it, and the
 * categories named are those whose counts are shown. */
static void recorded(struct safer_buf *h, const struct safer_assessment *a)
{
    int64_t total = safer__report_total_latest(a);
    bool total_hidden = a->hidden.total_latest;
    int len = safer__report_window_len(a), n = safer__report_window_data(a, 0);
    safer_html_raw(h, "<li><strong>What was recorded.</strong> ");
    if (n == 0) {
        safer_html_raw(h, "No month of ");
        safer__report_window_name(h, a, 0);
        safer_html_raw(h, " holds data: no force with records in the area has a file for "
                          "it, so this report cannot say what was recorded (section 2).</li>");
        return;
    }
    if (total_hidden) {
        safer_html_raw(h, "The number of crimes and incidents of anti-social behaviour the "
                          "police recorded in the area's ");
    } else {
        safer_html_raw(h, "The police recorded ");
        safer__report_int(h, total);
        safer_html_raw(h, " crimes and incidents of anti-social behaviour in the area's ");
    }
    safer__report_int(h, (long long)a->nwards);
    safer_html_raw(h, " wards in ");
    safer__report_window_name(h, a, 0);
    if (n < len) {
        safer_buf_putf(h, ", of which %d hold%s data (", n, n == 1 ? "s" : "");
        safer__report_data_runs(h, a, 0);
        safer_html_raw(h, ")");
    }
    if (total_hidden) {
        safer_html_raw(h, " is not published (" SAFER__REPORT_HIDDEN ").");
    } else {
        safer_html_raw(h, ": about ");
        per_month(h, a, total);
        if (n < len)
            safer_html_raw(h, " with data");
        safer_html_raw(h, ".");
        area_rate(h, a, total);
    }

    size_t *order = safer__report_types_by_volume(a);
    size_t top[3], shown = 0;
    bool some_hidden = false;
    for (size_t i = 0; i < a->ntypes; i++) {
        size_t t = order[i];
        if (safer_hidden(a->hidden.type_latest, t))
            some_hidden = true;
        else if (shown < 3 && a->type_latest[t] > 0)
            top[shown++] = t;
    }
    for (size_t i = 0; i < shown; i++) {
        size_t t = top[i];
        if (i == 0 && some_hidden)
            safer_html_raw(h, " The largest categories whose counts are published were ");
        else if (i == 0)
            safer_html_raw(h, " The largest categories were ");
        else if (i + 1 == shown)
            safer_html_raw(h, " and ");
        else
            safer_html_raw(h, ", ");
        safer_html_text(h, a->types[t]);
        safer_html_raw(h, " (");
        safer__report_int(h, a->type_latest[t]);
        safer_html_raw(h, ", ");
        if (!total_hidden) {
            safer__report_dec(h, total ? 100.0 * (double)a->type_latest[t] / (double)total : 0,
                              0, false);
            safer_html_raw(h, "% of the total, ");
        }
        safer_html_raw(h, "about ");
        per_month(h, a, a->type_latest[t]);
        safer_html_raw(h, ")");
    }
    if (shown)
        safer_html_raw(h, ".");
    free(order);
    safer_html_raw(h, "</li>");
}

/* The tests of one scope that found a change larger than chance, rises
 * (dir > 0) or falls: "Shoplifting (+40.0%), Burglary (-20.0%)". */
static int significant(struct safer_buf *h, const struct safer_assessment *a, const char *scope,
                       int dir)
{
    int n = 0;
    for (size_t i = 0; i < a->ntests; i++) {
        const struct safer_change_test *t = &a->tests[i];
        if (strcmp(t->scope, scope) != 0 || !t->significant ||
            (dir > 0) != (t->latest > t->prev) || safer__report_test_hidden(a, t))
            continue;
        if (n++)
            safer_html_raw(h, ", ");
        if (strcmp(scope, "ward") == 0) {
            for (size_t w = 0; w < a->nwards; w++) {
                if (strcmp(a->wards[w].code, t->key) == 0)
                    safer_html_text(h, a->wards[w].name);
            }
        } else {
            safer_html_text(h, t->key);
        }
        safer_html_raw(h, " (");
        safer__report_pct(h, t->prev, t->latest);
        safer_html_raw(h, ")");
    }
    return n;
}

/* The significant changes in direction `dir` that are published: in the
 * public edition a test of a hidden count is not (its verdict is worked
 * out from the count). */
static int count_significant(const struct safer_assessment *a, int dir)
{
    int n = 0;
    for (size_t i = 0; i < a->ntests; i++)
        n += a->tests[i].significant && (dir > 0) == (a->tests[i].latest > a->tests[i].prev) &&
             !safer__report_test_hidden(a, &a->tests[i]);
    return n;
}

static bool any_test_hidden(const struct safer_assessment *a)
{
    for (size_t i = 0; i < a->ntests; i++) {
        if (safer__report_test_hidden(a, &a->tests[i]))
            return true;
    }
    return false;
}

/* What changed, only where the windows can be compared; else why not. */
static void changed(struct safer_buf *h, const struct safer_assessment *a)
{
    int nl = safer__report_window_data(a, 0), np = safer__report_window_data(a, 1);
    int comparable = nl > 0 && nl == np && a->latest12_complete && a->prev12_complete;
    safer_html_raw(h, "<li><strong>What changed.</strong> ");
    if (nl == 0 || np == 0) {
        safer_html_raw(h, "No change can be measured: ");
        safer__report_window_name(h, a, np == 0 ? 1 : 0);
        if (safer__report_window_len(a) > 1)
            safer_html_raw(h, " hold no data. ");
        else
            safer_html_raw(h, " holds no data. ");
        safer_html_raw(h, "Loading the police.uk files for those months would allow a "
                          "comparison.</li>");
        return;
    }
    if (nl != np) {
        safer_html_raw(h, "No change is measured: ");
        safer__report_window_name(h, a, 1);
        safer_buf_putf(h, " hold data for %d month%s and ", np, np == 1 ? "" : "s");
        safer__report_window_name(h, a, 0);
        safer_buf_putf(h, " for %d, so their totals are not like for like (section 4).</li>",
                       nl);
        return;
    }
    if (!comparable) {
        safer_html_raw(h, "Changes are not compared: some forces' files in the two periods "
                          "are missing or partial, so their totals are not like for like "
                          "(sections 2 and 4). Treat any difference between them with "
                          "caution.</li>");
        return;
    }
    int64_t tl = safer__report_total_latest(a), tp = safer__report_total_prev(a);
    if (a->hidden.total_latest || a->hidden.total_prev) {
        safer_html_raw(h, "The totals of the two windows are not published (" SAFER__REPORT_HIDDEN
                          "), nor their change");
    } else if (tl == tp) {
        safer_html_raw(h, "Records stayed level on ");
        safer__report_window_name(h, a, 1);
        safer_html_raw(h, ", at ");
        safer__report_int(h, tl);
    } else {
        if (tl > tp)
            safer_html_raw(h, "Records rose by ");
        else
            safer_html_raw(h, "Records fell by ");
        safer__report_dec(h, tp ? 100.0 * fabs((double)(tl - tp)) / (double)tp : 0, 0, false);
        safer_html_raw(h, "% on ");
        safer__report_window_name(h, a, 1);
        safer_html_raw(h, ", from ");
        safer__report_int(h, tp);
        safer_html_raw(h, " to ");
        safer__report_int(h, tl);
    }
    safer_html_raw(h, ". ");
    bool hidden = any_test_hidden(a);
    if (count_significant(a, 1) + count_significant(a, -1) == 0) {
        if (hidden)
            safer_html_raw(h, "No category or ward whose counts are published changed by more "
                              "than chance would explain.</li>");
        else
            safer_html_raw(h, "No category or ward changed by more than chance would "
                              "explain.</li>");
        return;
    }
    for (int dir = 1; dir >= -1; dir -= 2) {
        if (!count_significant(a, dir))
            continue;
        if (dir > 0)
            safer_html_raw(h, "Rises larger than chance would explain: ");
        else
            safer_html_raw(h, "Falls larger than chance would explain: ");
        int n = significant(h, a, "type", dir);
        struct safer_buf wards;
        safer_buf_init(&wards, 4096);
        int nw = significant(&wards, a, "ward", dir);
        if (nw) {
            if (n)
                safer_html_raw(h, "; ");
            safer_html_raw(h, "by ward, ");
            safer_buf_put(h, wards.ptr, wards.len);
        }
        safer_buf_release(&wards);
        safer_html_raw(h, ". ");
    }
    if (hidden)
        safer_html_raw(h, "The changes of categories and wards whose counts are hidden are not "
                          "published. ");
    safer_html_raw(h, "(Section 4.)</li>");
}

/* Which ward holds most of the hot spot squares (by their centres): its
 * index, or -1. */
static long hot_ward(const struct safer_assessment *a, size_t *in_it)
{
    size_t *n = safer__xcalloc(a->nwards ? a->nwards : 1, sizeof(size_t));
    for (size_t k = 0; a->wards_bng && k < a->ncells; k++) {
        const struct safer_hotcell *c = &a->cells[k];
        if (!(c->cls > 0 && c->cls <= SAFER_GI_HOT99))
            continue;
        for (size_t w = 0; w < a->nwards; w++) {
            if (safer_geom_locate(&a->wards_bng[w], c->e, c->n) >= 0) {
                n[w]++;
                break;
            }
        }
    }
    long best = -1;
    for (size_t w = 0; w < a->nwards; w++) {
        if (n[w] && (best < 0 || n[w] > n[best]))
            best = (long)w;
    }
    *in_it = best >= 0 ? n[best] : 0;
    free(n);
    return best;
}

/* Where: the ward with the highest rate (or the most records), the places
 * where records cluster, and whether neighbouring wards are alike. */
static void where(struct safer_buf *h, const struct safer_assessment *a)
{
    if (!a->nwards)
        return;
    safer_html_raw(h, "<li><strong>Where.</strong> ");
    /* The highest rate among the wards that have one, else the most
     * records. A ward without a population has no rate, and no rate is
     * ever made up for it. In the public edition a ward whose count is
     * hidden is not compared: its rate is worked out from the count. */
    size_t best = SIZE_MAX, rated = 0;
    bool some_hidden = false;
    double bestv = 0;
    for (size_t w = 0; w < a->nwards; w++)
        some_hidden |= safer_hidden(a->hidden.ward_latest, w) != 0;
    for (size_t w = 0; a->population && w < a->nwards; w++) {
        if (!(a->population[w] > 0))
            continue;
        rated++;
        if (safer_hidden(a->hidden.ward_latest, w))
            continue;
        double v = 1000.0 * (double)a->ward_latest[w] / a->population[w];
        if (best == SIZE_MAX || v > bestv) {
            bestv = v;
            best = w;
        }
    }
    bool by_rate = best != SIZE_MAX;
    for (size_t w = 0; !by_rate && w < a->nwards; w++) {
        if (safer_hidden(a->hidden.ward_latest, w))
            continue;
        if (best == SIZE_MAX || a->ward_latest[w] > a->ward_latest[best])
            best = w;
    }
    if (best == SIZE_MAX) {
        safer_html_raw(h, "No ward's count is published (" SAFER__REPORT_HIDDEN ").");
    } else {
        int n = safer__report_window_data(a, 0);
        if (some_hidden)
            safer_html_raw(h, "Of the wards whose counts are published, ");
        safer_html_text(h, a->wards[best].name);
        safer_html_raw(h, " had the ");
        if (by_rate) {
            safer_html_raw(h, "highest rate, ");
            safer__report_dec(h, bestv, 1, false);
            safer_html_raw(h, " per 1,000 residents (");
            safer__report_int(h, a->ward_latest[best]);
            safer_buf_putf(h, " records in %d month%s with data)", n, n == 1 ? "" : "s");
            if (rated < a->nwards) {
                safer_html_raw(h, "; ");
                safer__report_int(h, (long long)(a->nwards - rated));
                if (rated + 1 == a->nwards)
                    safer_html_raw(h, " ward has no population figure, so no rate");
                else
                    safer_html_raw(h, " wards have no population figure, so no rate");
            }
            double lo = NAN, up = NAN;
            if (a->rate_lower && a->rate_upper) {
                lo = a->rate_lower[best];
                up = a->rate_upper[best];
            } else {
                safer_poisson_ci(a->ward_latest[best], SAFER_RATE_CONF, &lo, &up);
                lo *= 1000.0 / a->population[best];
                up *= 1000.0 / a->population[best];
            }
            safer_html_raw(h, ". The rate is");
            rate_basis(h, a, a->ward_latest[best], lo, up);
        } else {
            safer_html_raw(h, "most records, ");
            safer__report_int(h, a->ward_latest[best]);
            if (a->population && !rated)
                safer_html_raw(h, " (no ward of the area has a population figure, so there "
                                  "are no rates)");
        }
        safer_html_raw(h, ".");
    }

    /* Hot spots, at the confidence levels of the map's legend. */
    if (a->ncells && !a->gi_no_score) {
        size_t hot = 0, hot99 = 0;
        for (size_t k = 0; k < a->ncells; k++) {
            hot += a->cells[k].cls > 0 && a->cells[k].cls <= SAFER_GI_HOT99;
            hot99 += a->cells[k].cls == SAFER_GI_HOT99;
        }
        if (hot) {
            safer_html_raw(h, " Records cluster in ");
            safer__report_int(h, (long long)hot);
            if (hot == 1)
                safer_html_raw(h, " square of ");
            else
                safer_html_raw(h, " squares of ");
            safer__report_dec(h, a->cell, 0, false);
            safer_html_raw(h, " metres (hot spots at ");
            safer__report_dec(h, 100.0 * (1.0 - SAFER_GI_P90), 0, false);
            safer_html_raw(h, "% confidence or more, ");
            safer__report_int(h, (long long)hot99);
            safer_html_raw(h, " of them at ");
            safer__report_dec(h, 100.0 * (1.0 - SAFER_GI_P99), 0, false);
            safer_html_raw(h, "%)");
            size_t in_it = 0;
            long w = hot_ward(a, &in_it);
            if (w >= 0) {
                safer_html_raw(h, ", ");
                if (in_it == hot)
                    safer_html_raw(h, "all");
                else if (2 * in_it > hot)
                    safer_html_raw(h, "most");
                else
                    safer__report_int(h, (long long)in_it);
                safer_html_raw(h, " of them in ");
                safer_html_text(h, a->wards[w].name);
            }
            safer_html_raw(h, " (section 5).");
        } else {
            safer_html_raw(h, " No place stands out: no square holds clearly more records "
                              "than chance would give (section 5).");
        }
    }
    if (a->nmoran && !isnan(a->moran[0].p)) {
        if (a->moran[0].p < a->rules.clustering_alpha)
            safer_html_raw(h, " Wards with many records tend to lie next to each other.");
        else
            safer_html_raw(h, " Wards with many records are not more likely than chance to lie "
                              "next to each other.");
    }
    safer_html_raw(h, "</li>");
}

/* One force's partial months, for safer__report_runs(). */
struct partial_of {
    const struct safer_assessment *a;
    const char *force;
};

static int is_partial(const void *ctx, int32_t m)
{
    const struct partial_of *p = ctx;
    for (size_t i = 0; i < p->a->ncoverage; i++) {
        const struct safer_coverage *c = &p->a->coverage[i];
        if (c->month == m && c->status == SAFER_COVERAGE_PARTIAL && strcmp(c->force, p->force) == 0)
            return 1;
    }
    return 0;
}

/* "Kent Police's files for November 2018 and December 2018 are
 * incomplete: ...", for the latest window's partial months. */
static void partial_files(struct safer_buf *h, const struct safer_assessment *a)
{
    int nforces = 0, nmonths = 0;
    for (size_t i = 0; i < a->ncoverage; i++) {
        const struct safer_coverage *c = &a->coverage[i];
        if (c->status != SAFER_COVERAGE_PARTIAL || c->month < a->l12_start || c->month > a->latest)
            continue;
        nmonths++;
        /* Once per force: the list is sorted by force, then month. */
        int seen = 0;
        for (size_t k = 0; k < i && !seen; k++)
            seen = strcmp(a->coverage[k].force, c->force) == 0 &&
                   a->coverage[k].status == SAFER_COVERAGE_PARTIAL &&
                   a->coverage[k].month >= a->l12_start;
        if (seen)
            continue;
        if (nforces++)
            safer_html_raw(h, "; ");
        safer_html_text(h, c->force);
        safer_html_raw(h, "'s files for ");
        struct partial_of p = {a, c->force};
        safer__report_runs(h, a->l12_start, a->latest, is_partial, &p);
    }
    if (nmonths > 1)
        safer_html_raw(h, " are incomplete: they are well short of the force's usual months, so "
                          "those months understate what was recorded. ");
    else
        safer_html_raw(h, " is incomplete: it is well short of the force's usual months, so "
                          "that month understates what was recorded. ");
}

/* What the gaps in the data mean for all of the above. */
static void gaps(struct safer_buf *h, const struct safer_assessment *a)
{
    struct safer__report_gaps g = safer__report_window_gaps(a);
    int len = safer__report_window_len(a);
    int nl = safer__report_window_data(a, 0), np = safer__report_window_data(a, 1);
    if (!(g.missing_latest + g.partial_latest + g.missing_prev + g.partial_prev))
        return;
    safer_html_raw(h, "<li><strong>What the gaps in the data mean.</strong> ");
    if (nl < len && nl > 0)
        safer_buf_putf(h, "Only %d of the %d months hold data, so the totals cover those months, "
                          "not the whole period, and averages are per month with data. ",
                       nl, len);
    if (g.missing_latest && nl == len)
        safer_html_raw(h, "Some forces have no file for some months, so the totals leave out "
                          "what those forces recorded then. ");
    if (g.partial_latest)
        partial_files(h, a);
    if (np == 0 && nl > 0) {
        safer_html_raw(h, "There are no data for ");
        safer__report_window_name(h, a, 1);
        safer_html_raw(h, ", so nothing can be said about change. ");
    } else if (g.missing_prev || g.partial_prev) {
        safer_html_raw(h, "Files are missing or incomplete in ");
        safer__report_window_name(h, a, 1);
        safer_html_raw(h, " too. ");
    }
    safer_html_raw(h, "Section 2 lists every force and month.</li>");
}

void safer__report_summary(struct safer_buf *h, const struct safer_assessment *a)
{
    safer_html_raw(h, "<h2 id=\"summary\">1. Summary of findings</h2><ul>");
    recorded(h, a);
    changed(h, a);
    where(h, a);
    gaps(h, a);
    safer_html_raw(h, "</ul>");
}
