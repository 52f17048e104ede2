/*
 * report_harm.c - the end of section 5: harm, and hot spots over time
 * (docs/statistics.md, Harm and Hot spots over time).
 *
 * Harm: the weights in force and where each came from, the harm of each
 * category and of the wards that bear most, and the hot spots of harm on
 * the count hot spots' grid (figure 9). Hot spots over time: the periods,
 * the rules, the squares of each class on a map (figure 10), and the
 * squares that are persistent or emerging with their class in each
 * period. The public edition keeps the maps and the category table (its
 * hidden counts shown as hidden, with their harm) and leaves out the
 * tables of wards and of single squares, as section 5 does.
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/report_internal.h"
#include "safer/harm.h"
#include "safer/html.h"
#include "safer/stats.h"
#include "safer/svg.h"
#include "util/internal.h"

/* Squares listed in the table of lasting hot spots, at most. */
#define LASTING_SHOWN 15
/* Wards listed by harm, at most. */
#define WARDS_SHOWN 10

/* A share as a percentage to one decimal: 76.7%. */
static void share(struct safer_buf *h, double fraction)
{
    safer__report_dec(h, 100 * fraction, 1, false);
    safer_html_raw(h, "%");
}

static double type_harm(const struct safer_assessment *a, size_t t)
{
    double s = 0;
    for (size_t w = 0; w < a->nwards; w++)
        s += safer_assessment_harm(a, w, t);
    return s;
}

static double ward_harm(const struct safer_assessment *a, size_t w)
{
    double s = 0;
    for (size_t t = 0; t < a->ntypes; t++) {
        double v = safer_assessment_harm(a, w, t);
        if (!isnan(v))
            s += v;
    }
    return s;
}

/* ---- the category table ---- */

struct cat_rows {
    const struct safer_assessment *a;
    size_t *t; /* types, most harm first */
    double *harm, total;
};

static void cat_name(struct safer_buf *h, const void *d, size_t i)
{
    const struct cat_rows *r = d;
    safer_html_text(h, r->a->types[r->t[i]]);
}

static bool cat_hidden(const struct cat_rows *r, size_t i)
{
    return safer_hidden(r->a->hidden.type_latest, r->t[i]);
}

static void cat_count(struct safer_buf *h, const void *d, size_t i)
{
    const struct cat_rows *r = d;
    safer__report_count(h, r->a->type_latest[r->t[i]], cat_hidden(r, i));
}

static void cat_weight(struct safer_buf *h, const void *d, size_t i)
{
    const struct cat_rows *r = d;
    double w = r->a->type_weight[r->t[i]];
    if (isnan(w))
        safer_html_raw(h, "none");
    else
        safer__report_dec(h, w, safer__report_decimals(w), false);
}

static void cat_origin(struct safer_buf *h, const void *d, size_t i)
{
    const struct cat_rows *r = d;
    int k = safer_harm_category(r->a->types[r->t[i]]);
    if (k < 0 || !r->a->harm) {
        safer_html_raw(h, "not a police.uk category: no weight");
        return;
    }
    if (r->a->harm->origin[k] == SAFER_HARM_PARTNERSHIP) {
        safer_html_raw(h, "the partnership's: ");
        safer_html_text(h, r->a->harm->source[k]);
    } else if (r->a->harm->traced[k] == 1) {
        safer_html_raw(h, "built in, traced to the source");
    } else {
        safer_html_raw(h, "built in, an estimate (untraced)");
    }
}

static void cat_harm(struct safer_buf *h, const void *d, size_t i)
{
    const struct cat_rows *r = d;
    if (cat_hidden(r, i))
        safer_html_raw(h, SAFER__REPORT_HIDDEN);
    else if (isnan(r->harm[i]))
        safer_html_raw(h, "&#8212;");
    else
        safer__report_dec(h, r->harm[i], 0, false);
}

static void cat_share(struct safer_buf *h, const void *d, size_t i)
{
    const struct cat_rows *r = d;
    if (cat_hidden(r, i))
        safer_html_raw(h, SAFER__REPORT_HIDDEN);
    else if (isnan(r->harm[i]) || !(r->total > 0))
        safer_html_raw(h, "&#8212;");
    else
        share(h, r->harm[i] / r->total);
}

/* ---- the ward table ---- */

struct ward_rows {
    const struct safer_assessment *a;
    size_t *w;
    double *harm;
};

static void ward_name(struct safer_buf *h, const void *d, size_t i)
{
    const struct ward_rows *r = d;
    safer_html_text(h, r->a->wards[r->w[i]].name);
}

static void ward_total(struct safer_buf *h, const void *d, size_t i)
{
    const struct ward_rows *r = d;
    safer__report_dec(h, r->harm[i], 0, false);
}

static void ward_count(struct safer_buf *h, const void *d, size_t i)
{
    const struct ward_rows *r = d;
    safer__report_int(h, r->a->ward_latest[r->w[i]]);
}

static void ward_lead(struct safer_buf *h, const void *d, size_t i)
{
    const struct ward_rows *r = d;
    size_t best = SIZE_MAX;
    double bv = 0;
    for (size_t t = 0; t < r->a->ntypes; t++) {
        double v = safer_assessment_harm(r->a, r->w[i], t);
        if (!isnan(v) && v > bv) {
            bv = v;
            best = t;
        }
    }
    if (best == SIZE_MAX) {
        safer_html_raw(h, "&#8212;");
        return;
    }
    safer_html_text(h, r->a->types[best]);
    safer_html_raw(h, " (");
    share(h, r->harm[i] > 0 ? bv / r->harm[i] : 0);
    safer_html_raw(h, ")");
}

/* Sort indexes by a value, largest first, then by index. */
struct by_value {
    size_t i;
    double v;
};

static int cmp_by_value(const void *x, const void *y)
{
    const struct by_value *p = x, *q = y;
    double a = isnan(p->v) ? -1 : p->v, b = isnan(q->v) ? -1 : q->v;
    if (a != b)
        return a < b ? 1 : -1;
    return (p->i > q->i) - (p->i < q->i);
}

static size_t *order_by(const double *v, size_t n)
{
    struct by_value *s = safer__xmalloc(sizeof(*s) * (n ? n : 1));
    for (size_t i = 0; i < n; i++)
        s[i] = (struct by_value){i, v[i]};
    qsort(s, n, sizeof(*s), cmp_by_value);
    size_t *o = safer__xmalloc(sizeof(size_t) * (n ? n : 1));
    for (size_t i = 0; i < n; i++)
        o[i] = s[i].i;
    free(s);
    return o;
}

/* The map's Gi* class of a cell's harm. */
static enum safer_svg_gi_class svg_class(int cls)
{
    int c = safer_svg_gi_class_from_name(safer_gi_class_name((enum safer_gi_class)cls));
    return c < 0 ? SAFER_SVG_GI_NO_SCORE : (enum safer_svg_gi_class)c;
}

static const char **ward_names(const struct safer_assessment *a)
{
    const char **n = safer__xmalloc(sizeof(char *) * (a->nwards ? a->nwards : 1));
    for (size_t w = 0; w < a->nwards; w++)
        n[w] = a->wards[w].name;
    return n;
}

static void harm_section(struct safer_buf *h, const struct safer_assessment *a)
{
    bool pub = safer__report_public_edition(a);
    safer_html_raw(h, "<h3 id=\"harm\">Harm</h3><p>A count treats every crime alike. Harm weighs "
                      "each record by how serious its category is: the harm of a set of records "
                      "is the sum of their categories' weights (docs/statistics.md, Harm). The "
                      "built-in weights follow the method of the Office for National "
                      "Statistics' Crime Severity Score (a weight per offence from the "
                      "sentences it draws); police.uk publishes categories, not offences, and "
                      "a weight per category that cannot be traced to that publication is an "
                      "estimate and is marked so. A partnership replaces any of them with its "
                      "own (<code>safer import harm-weights</code>).</p>");
    if (!a->type_weight || !a->ntypes) {
        safer_html_raw(h, "<p>No harm weights were read for this assessment.</p>");
        return;
    }
    struct cat_rows cr = {.a = a};
    double *th = safer__xmalloc(sizeof(double) * a->ntypes);
    for (size_t t = 0; t < a->ntypes; t++) {
        th[t] = type_harm(a, t);
        if (!isnan(th[t]))
            cr.total += th[t];
    }
    cr.t = order_by(th, a->ntypes);
    cr.harm = safer__xmalloc(sizeof(double) * a->ntypes);
    for (size_t i = 0; i < a->ntypes; i++)
        cr.harm[i] = th[cr.t[i]];
    static const struct safer__report_col cat_cols[] = {
        {.heading = "Category", .cell = cat_name},
        {.heading = "Records", .numeric = true, .cell = cat_count},
        {.heading = "Weight", .numeric = true, .cell = cat_weight},
        {.heading = "Harm", .numeric = true, .cell = cat_harm},
        {.heading = "Share of harm", .numeric = true, .cell = cat_share},
        {.heading = "Weight from", .cell = cat_origin},
    };
    safer__report_table(h, SAFER__REPORT_LITERAL("Harm by category, study wards, latest window"),
                        cat_cols, SAFER__NELEM(cat_cols), &cr, a->ntypes);
    free(th);
    free(cr.t);
    free(cr.harm);

    if (pub) {
        safer_html_raw(h, "<p>This public edition leaves out the wards' harm, which would "
                          "give away small counts.</p>");
    } else if (a->nwards) {
        double *wh = safer__xmalloc(sizeof(double) * a->nwards);
        for (size_t w = 0; w < a->nwards; w++)
            wh[w] = ward_harm(a, w);
        struct ward_rows wr = {.a = a, .w = order_by(wh, a->nwards)};
        wr.harm = safer__xmalloc(sizeof(double) * a->nwards);
        for (size_t i = 0; i < a->nwards; i++)
            wr.harm[i] = wh[wr.w[i]];
        static const struct safer__report_col ward_cols[] = {
            {.heading = "Ward", .cell = ward_name},
            {.heading = "Harm", .numeric = true, .cell = ward_total},
            {.heading = "Records", .numeric = true, .cell = ward_count},
            {.heading = "Most harm from", .cell = ward_lead},
        };
        safer__report_table(h, SAFER__REPORT_LITERAL("The wards that bear the most harm"),
                            ward_cols, SAFER__NELEM(ward_cols), &wr,
                            a->nwards < WARDS_SHOWN ? a->nwards : WARDS_SHOWN);
        free(wh);
        free(wr.w);
        free(wr.harm);
    }

    if (!a->ncells || !a->wards_bng)
        return;
    safer_html_raw(h, "<p>Figure 9 finds the hot spots of harm the way figure 7 finds those of "
                      "the count: Gi* on the same grid, over each square's harm instead of its "
                      "records. A square can be a hot spot of harm and not of the count where "
                      "fewer but more serious crimes are recorded.</p>");
    if (a->harm_no_score)
        safer_html_raw(h, "<p class=\"warn\">No z-score exists for the harm: every square "
                          "holds the same harm.</p>");
    char licence[SAFER__REPORT_LICENCE_MAX];
    safer__report_licence(a, licence);
    struct safer_svg_cell *cells = safer__xmalloc(sizeof(*cells) * a->ncells);
    for (size_t k = 0; k < a->ncells; k++) {
        const struct safer_hotcell *c = &a->cells[k];
        cells[k] = (struct safer_svg_cell){(double)c->i * a->cell, (double)c->j * a->cell,
                                           svg_class(c->harm_cls)};
    }
    const char **names = ward_names(a);
    struct safer_svg_hotspot_map map = {
        .cells = cells,
        .ncells = a->ncells,
        .cell_size = a->cell,
        .wards = a->wards_bng,
        .ward_names = names,
        .nwards = a->nwards,
        .frame = {.legend_title = "Hot and cold spots of harm (Gi*)",
                  .caption = "Gi* of each square's harm-weighted records, classes by "
                             "Benjamini-Hochberg adjusted p-value; ward boundaries on top.",
                  .attribution = licence}};
    struct safer_svg_opts o = {.id = "harm-map", .title = "Figure 9: hot and cold spots of harm"};
    safer_html_raw(h, "<figure>");
    safer__report_figure(h, &o, (struct safer__report_fig){.hotspots = &map});
    safer_html_raw(h, "<figcaption>Figure 9: hot and cold spots of harm, latest window."
                      "</figcaption></figure>");
    free(cells);
    free(names);
}

/* ---- hot spots over time ---- */

/* Drawn oldest story first, so the lasting ones sit on top. */
static const struct safer_svg_class_style persist_style[SAFER_PERSIST_NCLASSES] = {
    [SAFER_PERSIST_NEVER] = {"Never a hot spot", "#f0f0f0"},
    [SAFER_PERSIST_INTERMITTENT] = {"Intermittent", "#fdb863"},
    [SAFER_PERSIST_FORMER] = {"Former", "#92c5de"},
    [SAFER_PERSIST_EMERGING] = {"Emerging", "#e66101"},
    [SAFER_PERSIST_PERSISTENT] = {"Persistent", "#b2182b"},
};

struct lasting_rows {
    const struct safer_assessment *a;
    size_t *cell;
};

static void last_num(struct safer_buf *h, const void *d, size_t i)
{
    (void)d;
    safer__report_int(h, (long long)i + 1);
}

static void last_where(struct safer_buf *h, const void *d, size_t i)
{
    const struct lasting_rows *r = d;
    const struct safer_hotcell *c = &r->a->cells[r->cell[i]];
    char t[64];
    snprintf(t, sizeof(t), "%.0f, %.0f", c->e, c->n);
    safer_html_text(h, t);
}

static void last_class(struct safer_buf *h, const void *d, size_t i)
{
    const struct lasting_rows *r = d;
    const struct safer_hotcell *c = &r->a->cells[r->cell[i]];
    safer_html_text(h, persist_style[c->persist].label);
}

static void last_periods(struct safer_buf *h, const void *d, size_t i)
{
    const struct lasting_rows *r = d;
    const struct safer_assessment *a = r->a;
    size_t k = r->cell[i];
    for (size_t p = 0; p < a->nperiods; p++) {
        int cl = a->period_cls[k * a->nperiods + p];
        if (p)
            safer_html_raw(h, " &#183; ");
        safer__report_int(h, a->period_count[k * a->nperiods + p]);
        if (cl == SAFER_GI_HOT95 || cl == SAFER_GI_HOT99)
            safer_html_raw(h, " hot");
    }
}

static void persistence_section(struct safer_buf *h, const struct safer_assessment *a)
{
    bool pub = safer__report_public_edition(a);
    safer_html_raw(h, "<h3 id=\"persistence\">Hot spots over time</h3>");
    if (!a->nperiods || !a->ncells) {
        safer_html_raw(h, "<p>The window is too short to split into two periods, so no square "
                          "can be followed over time.</p>");
        return;
    }
    safer_html_raw(h, "<p>The window is split into ");
    safer__report_int(h, (long long)a->nperiods);
    safer_html_raw(h, " periods");
    /* Only the periods that hold data are named: a report never dates a
     * span with no stored month as if it had figures. */
    safer_html_raw(h, " of ");
    safer__report_int(h, a->period_months);
    safer_html_raw(h, " months, the last ending with the latest month");
    size_t named = 0;
    for (size_t p = 0; p < a->nperiods; p++) {
        if (a->period_no_score[p])
            continue;
        if (named++)
            safer_html_raw(h, ", ");
        else
            safer_html_raw(h, " (");
        safer__report_window(h, a->period_first[p], a->period_first[p] + a->period_months - 1);
    }
    if (named)
        safer_html_raw(h, ")");
    safer_html_raw(h, ", and the hot spots of each are found as in figure 7. A square that was a "
                      "hot spot (95% confidence or more) in at least 80% of the periods is "
                      "<em>persistent</em>; one that was a hot spot in the latest ");
    size_t r = safer_persist_recent(a->nperiods);
    if (r == 1)
        safer_html_raw(h, "period");
    else {
        safer__report_int(h, (long long)r);
        safer_html_raw(h, " periods");
    }
    safer_html_raw(h, " and never before, <em>emerging</em>; one that was a hot spot before "
                      "but not lately, <em>former</em>; any other that was a hot spot at some "
                      "time, <em>intermittent</em>. Persistent squares are where a lasting "
                      "response belongs; emerging ones are where to look first.</p>");
    size_t count[SAFER_PERSIST_NCLASSES] = {0};
    for (size_t k = 0; k < a->ncells; k++)
        count[a->cells[k].persist]++;
    safer_html_raw(h, "<p>Of ");
    safer__report_int(h, (long long)a->ncells);
    safer_html_raw(h, " squares, ");
    static const int listed[] = {SAFER_PERSIST_PERSISTENT, SAFER_PERSIST_EMERGING,
                                 SAFER_PERSIST_FORMER, SAFER_PERSIST_INTERMITTENT};
    for (size_t i = 0; i < SAFER__NELEM(listed); i++) {
        if (i + 1 == SAFER__NELEM(listed))
            safer_html_raw(h, " and ");
        else if (i)
            safer_html_raw(h, ", ");
        safer__report_int(h, (long long)count[listed[i]]);
        safer_html_raw(h, " ");
        safer_html_text(h, safer_persist_class_name((enum safer_persist_class)listed[i]));
    }
    safer_html_raw(h, ".</p>");
    size_t scored = 0;
    for (size_t p = 0; p < a->nperiods; p++)
        scored += !a->period_no_score[p];
    if (scored < a->nperiods) {
        safer_html_raw(h, "<p class=\"warn\">");
        safer__report_int(h, (long long)(a->nperiods - scored));
        safer_html_raw(h, " of the periods have no z-score (every square holds the same count, "
                          "as when no records are stored for them) and are left out of the "
                          "classes");
        if (scored < 2)
            safer_html_raw(h, "; with fewer than two periods left, no square can be followed "
                              "over time and every one is shown as never a hot spot");
        safer_html_raw(h, ".</p>");
    }

    if (a->wards_bng) {
        char licence[SAFER__REPORT_LICENCE_MAX];
        safer__report_licence(a, licence);
        struct safer_svg_cell *cells = safer__xmalloc(sizeof(*cells) * a->ncells);
        for (size_t k = 0; k < a->ncells; k++) {
            const struct safer_hotcell *c = &a->cells[k];
            cells[k] = (struct safer_svg_cell){(double)c->i * a->cell, (double)c->j * a->cell,
                                               (enum safer_svg_gi_class)c->persist};
        }
        const char **names = ward_names(a);
        struct safer_svg_hotspot_map map = {
            .cells = cells,
            .ncells = a->ncells,
            .cell_size = a->cell,
            .wards = a->wards_bng,
            .ward_names = names,
            .nwards = a->nwards,
            .frame = {.legend_title = "Hot spots over time",
                      .caption = "Each square's class over the periods (docs/statistics.md, Hot "
                                 "spots over time); ward boundaries on top.",
                      .attribution = licence},
            .styles = persist_style,
            .nstyles = SAFER_PERSIST_NCLASSES};
        struct safer_svg_opts o = {.id = "persistence-map",
                                   .title = "Figure 10: hot spots over time"};
        safer_html_raw(h, "<figure>");
        safer__report_figure(h, &o, (struct safer__report_fig){.hotspots = &map});
        safer_html_raw(h, "<figcaption>Figure 10: hot spots over time.</figcaption></figure>");
        free(cells);
        free(names);
    }
    if (pub) {
        safer_html_raw(h, "<p>This public edition leaves out the table of single squares.</p>");
        return;
    }
    /* Persistent then emerging squares, most records first. */
    double *key = safer__xmalloc(sizeof(double) * a->ncells);
    size_t n = 0;
    for (size_t k = 0; k < a->ncells; k++) {
        int c = a->cells[k].persist;
        if (c == SAFER_PERSIST_PERSISTENT || c == SAFER_PERSIST_EMERGING) {
            key[k] = (c == SAFER_PERSIST_PERSISTENT ? 1e15 : 0) + (double)a->cells[k].count;
            n++;
        } else {
            key[k] = NAN;
        }
    }
    if (!n) {
        safer_html_raw(h, "<p>No square is a persistent or emerging hot spot.</p>");
        free(key);
        return;
    }
    struct lasting_rows lr = {.a = a, .cell = order_by(key, a->ncells)};
    static const struct safer__report_col cols[] = {
        {.heading = "", .numeric = true, .cell = last_num},
        {.heading = "Square centre (easting, northing)", .cell = last_where},
        {.heading = "Class", .cell = last_class},
        {.heading = "Records each period, oldest first (hot: a hot spot)", .cell = last_periods},
    };
    safer__report_table(h, SAFER__REPORT_LITERAL("Persistent and emerging hot spot squares"),
                        cols, SAFER__NELEM(cols), &lr, n < LASTING_SHOWN ? n : LASTING_SHOWN);
    free(lr.cell);
    free(key);
}

void safer__report_harm(struct safer_buf *h, const struct safer_assessment *a)
{
    harm_section(h, a);
    persistence_section(h, a);
}
