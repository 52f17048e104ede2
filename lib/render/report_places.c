/*
 * report_places.c - section 5, places: wards, categories, hot spots and
 * clustering.
 *
 * Where records concentrate, for a reader without an analyst beside them:
 * a ward map whose wards carry numbers keyed to the ward table (rates per
 * 1,000 residents with their 95% intervals, and deprivation, when those
 * are loaded; counts otherwise); the same map for each major category as
 * small multiples; the Getis-Ord Gi* hot and cold spots on the grid, with
 * the densest cluster enlarged and the strongest squares named by their
 * ward and the police.uk Locations of their records; and Moran's I on
 * ward counts and rates.
 *
 * Rates say their basis (docs/assessment.md, Rates): records over the
 * months of the latest 12 that hold data, never annualised, labelled with
 * those months in every title, caption and table of the section.
 *
 * The public edition (safer_assessment_hide()) shows "[c]" for a hidden
 * count and for everything worked out from it: rate, interval, the
 * few-records flag, Moran's I. The maps cross-hatch a ward whose count is
 * hidden and take their classes from the wards shown, and the table of
 * hot spot squares with the police.uk Locations of their records is left
 * out.
 */
#include "util/compat.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>

#include "render/report_internal.h"
#include "util/internal.h"
#include "safer/geom.h"
#include "safer/html.h"
#include "safer/stats.h"
#include "safer/svg.h"

/* What the section shares: the wards' numbers (their order in the tables,
 * which is by code) and names, and the basis of its rates. */
struct places {
    const struct safer_assessment *a;
    int rates;               /* a population is loaded */
    char (*num)[24];         /* ward w's number, "1" ... */
    const char **nums;       /* pointers into num, for the maps */
    const char **names;      /* ward names, for the maps' tooltips */
    char months[160];        /* "October 2018 to February 2019 (5 of the 12 months)" */
};

/* Titles and captions made at run time hold names from the data, so they
 * are built whole in a buffer (capped at SAFER_TEXT_MAX) rather than cut to
 * a fixed array. */
#define SAFER_TEXT_MAX 65536

static void text_init(struct safer_buf *b) { safer_buf_init(b, SAFER_TEXT_MAX); }

/* Reset `b`, format into it, and return the text. */
static const char *text(struct safer_buf *b, const char *fmt, ...) SAFER_PRINTF(2, 3);
static const char *text(struct safer_buf *b, const char *fmt, ...)
{
    va_list ap;
    safer_buf_reset(b);
    va_start(ap, fmt);
    if (safer_buf_vaddf(b, fmt, ap) < 0)
        safer_buf_reset(b); /* over the cap: no text rather than part of one */
    va_end(ap);
    return b->ptr;
}

/*
 * The months of the latest 12 that hold data (a record in the study
 * wards), the basis of every rate and count of the section: "the 12
 * months to February 2019" when all 12 do, else the first and last of them
 * and how many hold data, "October 2018 to February 2019 (5 of the 12
 * months)". A range never starts or ends on a month without data.
 */
static void data_months(const struct safer_assessment *a, char *out, size_t outsz)
{
    int32_t first = -1, last = -1, with = 0;
    for (int32_t m = a->l12_start; m <= a->latest; m++) {
        if (m < a->first_month)
            continue;
        uint64_t n = 0;
        for (size_t w = 0; w < a->nwards && !n; w++)
            for (size_t t = 0; t < a->ntypes && !n; t++)
                n += a->counts[(w * a->ntypes + t) * (size_t)a->nmonths +
                               (size_t)(m - a->first_month)];
        if (!n)
            continue;
        if (first < 0)
            first = m;
        last = m;
        with++;
    }
    if (with == 12 || first < 0)
        snprintf(out, outsz, "the 12 months to %s %d", safer__report_month_name(a->latest),
                 (int)(a->latest / 12));
    else if (first == last)
        snprintf(out, outsz, "%s %d (1 of the 12 months)", safer__report_month_name(first),
                 (int)(first / 12));
    else
        snprintf(out, outsz, "%s %d to %s %d (%d of the 12 months)",
                 safer__report_month_name(first), (int)(first / 12),
                 safer__report_month_name(last), (int)(last / 12), (int)with);
}

/* Records of type t in ward w over the latest 12 months. */
static int64_t type_latest(const struct safer_assessment *a, size_t w, size_t t)
{
    int64_t n = 0;
    const uint32_t *row = a->counts + (w * a->ntypes + t) * (size_t)a->nmonths;
    for (int32_t m = a->l12_start; m <= a->latest; m++) {
        if (m >= a->first_month)
            n += row[m - a->first_month];
    }
    return n;
}

/* What a ward's map shades: its rate per 1,000 with a population, NaN
 * without one; its count when no population is loaded at all. */
static double shade(const struct safer_assessment *a, int rates, size_t w, int64_t count)
{
    if (!rates)
        return (double)count;
    return a->population[w] > 0 ? 1000.0 * (double)count / a->population[w] : NAN;
}

/* "Under 22.0; 22.0 to under 28.4; ...; 39.5 and over", as the legend has them. */
static void class_list(struct safer_buf *h, const double *breaks, size_t nbreaks,
                       const double *v, size_t n, int decimals)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (isfinite(v[i])) {
            lo = fmin(lo, v[i]);
            hi = fmax(hi, v[i]);
        }
    }
    for (size_t k = 0; k <= nbreaks; k++) {
        char lab[100];
        safer_svg_class_label(lab, sizeof(lab), breaks, nbreaks, k, lo, hi, decimals);
        if (k)
            safer_html_raw(h, "; ");
        safer_html_text(h, lab);
    }
}

/* ---- wards ---- */

struct ward_rows {
    const struct places *pl;
    const double *value; /* per ward: the rate with a population, else the count */
};

#define WR(rows) ((const struct ward_rows *)(rows))
#define WA(rows) (WR(rows)->pl->a)

static void ward_number(struct safer_buf *h, const void *rows, size_t i)
{
    safer_html_text(h, WR(rows)->pl->num[i]);
}

static void ward_name(struct safer_buf *h, const void *rows, size_t i)
{
    safer_html_text(h, WA(rows)->wards[i].name);
}

static void ward_code(struct safer_buf *h, const void *rows, size_t i)
{
    safer_html_text(h, WA(rows)->wards[i].code);
}

/* Is ward i's count of the latest 12 months hidden (the public edition)? */
static bool ward_hidden(const struct safer_assessment *a, size_t i)
{
    return safer_hidden(a->hidden.ward_latest, i);
}

static void ward_latest(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_count(h, WA(rows)->ward_latest[i], ward_hidden(WA(rows), i));
}

static void ward_population(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_dec(h, WA(rows)->population[i], 0, false);
}

static void ward_rate(struct safer_buf *h, const void *rows, size_t i)
{
    if (ward_hidden(WA(rows), i))
        safer_html_raw(h, SAFER__REPORT_HIDDEN);
    else
        safer__report_dec(h, WR(rows)->value[i], 1, false);
}

static void ward_interval(struct safer_buf *h, const void *rows, size_t i)
{
    const struct safer_assessment *a = WA(rows);
    if (ward_hidden(a, i)) {
        safer_html_raw(h, SAFER__REPORT_HIDDEN);
        return;
    }
    if (!a->rate_lower || !isfinite(a->rate_lower[i])) {
        safer_html_raw(h, "n/a");
        return;
    }
    safer__report_dec(h, a->rate_lower[i], 1, false);
    safer_html_raw(h, "&#160;to&#160;"); /* one line: "18.6 to 25.7" */
    safer__report_dec(h, a->rate_upper[i], 1, false);
}

static void ward_note(struct safer_buf *h, const void *rows, size_t i)
{
    const struct safer_assessment *a = WA(rows);
    if (!(a->population[i] > 0))
        safer_html_raw(h, "no population figure");
    else if (ward_hidden(a, i))
        safer_html_raw(h, SAFER__REPORT_HIDDEN); /* "few records" would bound the count */
    else if (a->ward_latest[i] < a->rules.rate_few_records)
        safer_html_raw(h, "few records");
}

static void ward_deprived(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_int(h, WA(rows)->imd_most_deprived[i]);
    safer_html_raw(h, " of ");
    safer__report_int(h, WA(rows)->imd_lsoas[i]);
}

static void ward_decile(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_dec(h, WA(rows)->imd_mean_decile[i], 1, false);
}

static const struct safer__report_col WARDS[] = {
    {.heading = "No.", .numeric = true, .cell = ward_number},
    {.heading = "Ward", .cell = ward_name},
    {.heading = "Code", .cell = ward_code},
    {.heading = "Records", .numeric = true, .cell = ward_latest},
};

static const struct safer__report_col WARD_RATES[] = {
    {.heading = "Population", .numeric = true, .cell = ward_population},
    {.heading = "Per 1,000", .numeric = true, .cell = ward_rate},
    {.heading = "95% interval", .numeric = true, .cell = ward_interval},
};

/* Only when some ward has a note. */
static const struct safer__report_col WARD_NOTE = {.heading = "Note", .cell = ward_note};

static const struct safer__report_col WARD_DEPRIVATION[] = {
    {.heading = "LSOAs in the most deprived 20%", .numeric = true, .cell = ward_deprived},
    {.heading = "Mean IMD decile", .numeric = true, .cell = ward_decile},
};

static void wards(struct safer_buf *h, const struct places *pl)
{
    const struct safer_assessment *a = pl->a;
    int rates = pl->rates;
    /* A hidden ward's value is never worked out: the map, its classes and
     * the caption's class list see the wards shown only. */
    double *v = safer__xmalloc(sizeof(double) * (a->nwards ? a->nwards : 1));
    bool hidden = false;
    for (size_t w = 0; w < a->nwards; w++) {
        hidden |= ward_hidden(a, w);
        v[w] = ward_hidden(a, w) ? NAN : shade(a, rates, w, a->ward_latest[w]);
    }

    safer_html_raw(h, "<h3>Wards</h3>");
    if (rates) {
        safer_html_raw(h, "<p>Rates are records per 1,000 residents over ");
        safer_html_text(h, pl->months);
        safer_html_raw(h, ". They are not annualised: compare them only with rates over the same "
                          "months. Population: ");
        safer_html_text(h, a->population_basis ? a->population_basis : "as imported");
        safer_html_raw(h, ". Each rate has a 95% interval, the range of underlying rates that "
                          "could well have given the count seen (exact Poisson): where two wards' "
                          "intervals overlap, the difference between them may be chance. A rate "
                          "from fewer than ");
        safer__report_int(h, a->rules.rate_few_records);
        safer_html_raw(h, " records is marked &#8220;few records&#8221;: one record more or less "
                          "moves it a long way. Town-centre wards with few residents and many "
                          "visitors have high rates that say more about footfall than about "
                          "residents' risk.</p>");
        if (a->imd_lsoas)
            safer_html_raw(h, "<p>Deprivation: the English Indices of Deprivation 2019 (IMD) of "
                              "each ward's LSOAs; decile 1 is the most deprived tenth of "
                              "England.</p>");
    } else {
        safer_html_raw(h, "<p>No population is loaded, so wards are shaded by count, not rate "
                          "(load one with <code>safer import population</code>). Counts cover ");
        safer_html_text(h, pl->months);
        safer_html_raw(h, ".</p>");
    }

    double breaks[SAFER_SVG_MAX_CLASSES - 1];
    size_t nbreaks = safer_svg_quantile_breaks(v, a->nwards, breaks);
    int decimals = rates ? 1 : 0;
    if (a->wards_bng) {
        char licence[SAFER__REPORT_LICENCE_MAX];
        struct safer_buf caption, title;
        text_init(&caption);
        text_init(&title);
        safer__report_licence(a, licence);
        text(&caption, "%s, %s, by ward; numbers as in the ward table.",
             rates ? "Records per 1,000 residents" : "Records", pl->months);
        text(&title, "Figure 5: %s by ward, %s", rates ? "records per 1,000 residents" : "records",
             pl->months);
        struct safer_svg_choropleth map = {
            .areas = a->wards_bng,
            .values = v,
            .names = pl->names,
            .labels = pl->nums,
            .n = a->nwards,
            .breaks = nbreaks ? breaks : NULL,
            .nbreaks = nbreaks,
            .decimals = decimals,
            .unit = rates ? " per 1,000" : NULL,
            .frame = {.legend_title = rates ? "Records per 1,000 residents" : "Records",
                      .caption = caption.ptr,
                      .attribution = licence},
            .hidden = a->hidden.ward_latest};
        struct safer_svg_opts o = {.id = "ward-map", .title = title.ptr};
        safer_html_raw(h, "<figure>");
        safer__report_figure(h, &o, (struct safer__report_fig){.choropleth = &map});
        safer_html_raw(h, "<figcaption>Figure 5: wards shaded by ");
        safer_html_text(h, rates ? "rate per 1,000 residents" : "count");
        safer_html_raw(h, ", ");
        safer_html_text(h, pl->months);
        safer_html_raw(h, ", in classes of about equal numbers of wards (quintiles): ");
        class_list(h, breaks, nbreaks, v, a->nwards, decimals);
        safer_html_raw(h, ". The numbers on the map are the wards' numbers in the table.");
        if (hidden)
            safer_html_raw(h, " A cross-hatched ward's records are not published "
                              "(" SAFER__REPORT_HIDDEN "), and the classes are those of the "
                              "wards shown.");
        safer_html_raw(h, "</figcaption></figure>");
        safer_buf_release(&caption);
        safer_buf_release(&title);
    }

    /* The rate and deprivation columns only when their data is loaded. */
    struct safer__report_col cols[SAFER__NELEM(WARDS) + SAFER__NELEM(WARD_RATES) + 1 +
                                  SAFER__NELEM(WARD_DEPRIVATION)];
    size_t ncols = 0;
    memcpy(cols, WARDS, sizeof(WARDS));
    ncols += SAFER__NELEM(WARDS);
    if (rates) {
        memcpy(cols + ncols, WARD_RATES, sizeof(WARD_RATES));
        ncols += SAFER__NELEM(WARD_RATES);
        bool notes = false;
        for (size_t w = 0; w < a->nwards; w++)
            notes |= !(a->population[w] > 0) || ward_hidden(a, w) ||
                     a->ward_latest[w] < a->rules.rate_few_records;
        if (notes)
            cols[ncols++] = WARD_NOTE;
    }
    if (a->imd_lsoas) {
        memcpy(cols + ncols, WARD_DEPRIVATION, sizeof(WARD_DEPRIVATION));
        ncols += SAFER__NELEM(WARD_DEPRIVATION);
    }
    struct safer_buf caption;
    text_init(&caption);
    text(&caption, "Wards: records%s, %s (figures 5 and 6)",
         rates ? " and rates per 1,000 residents" : "", pl->months);
    struct ward_rows rows = {pl, v};
    safer__report_table(h, SAFER__REPORT_TEXT(caption.ptr), cols, ncols, &rows, a->nwards);
    if (hidden)
        safer__report_hidden_note(h, a);
    safer_buf_release(&caption);
    free(v);
}

/* ---- categories ---- */

/* The major categories mapped one by one, after all crime; then the
 * largest of the others. */
static const char *const MAJOR[] = {"Anti-social behaviour", "Violence and sexual offences",
                                    "Burglary", "Criminal damage and arson"};
#define PANELS_MAX (SAFER__NELEM(MAJOR) + 2)

/* A panel's category: a type's name, or all crime (type -1). */
static const char *type_name(const struct safer_assessment *a, long t)
{
    return t >= 0 ? a->types[t] : "All crime (not anti-social behaviour)";
}

struct panel_col {
    const double *v;
    int decimals;
    const unsigned char *hidden; /* per ward, or NULL */
};

static void panel_value(struct safer_buf *h, const void *data, size_t i)
{
    const struct panel_col *c = data;
    if (safer_hidden(c->hidden, i))
        safer_html_raw(h, SAFER__REPORT_HIDDEN);
    else
        safer__report_dec(h, c->v[i], c->decimals, false);
}

static void categories(struct safer_buf *h, const struct places *pl)
{
    const struct safer_assessment *a = pl->a;
    if (!a->nwards || !a->ntypes)
        return;
    size_t nw = a->nwards;
    /* Per ward and type, the latest 12 months' records. */
    int64_t *cnt = safer__xcalloc(nw * a->ntypes, sizeof(int64_t));
    for (size_t w = 0; w < nw; w++)
        for (size_t t = 0; t < a->ntypes; t++)
            cnt[w * a->ntypes + t] = type_latest(a, w, t);
    long asb = safer__find_str(a->types, a->ntypes, SAFER_ASB_TYPE);
    const struct safer_hidden *hd = &a->hidden;

    /* The panels: all crime (every type but ASB), the major categories
     * present, and the largest other category with any record. In the
     * public edition a major category whose count is hidden is mapped
     * whatever that count, and the other category is the largest of those
     * shown, so that which maps are drawn says nothing of a hidden count. */
    struct safer_svg_panel panels[PANELS_MAX];
    struct safer_buf titles[PANELS_MAX];
    double *values = safer__xmalloc(sizeof(double) * nw * PANELS_MAX);
    size_t np = 0;
    long types[PANELS_MAX];
    types[np++] = -1;
    for (size_t k = 0; k < SAFER__NELEM(MAJOR); k++) {
        long t = safer__find_str(a->types, a->ntypes, MAJOR[k]);
        if (t >= 0 && (a->type_latest[t] > 0 || safer_hidden(hd->type_latest, (size_t)t)))
            types[np++] = t;
    }
    long other = -1;
    for (size_t t = 0; t < a->ntypes; t++) {
        int major = (long)t == asb;
        for (size_t k = 0; k < SAFER__NELEM(MAJOR); k++)
            major |= strcmp(a->types[t], MAJOR[k]) == 0;
        if (!major && !safer_hidden(hd->type_latest, t) && a->type_latest[t] > 0 &&
            (other < 0 || a->type_latest[t] > a->type_latest[other]))
            other = (long)t;
    }
    if (other >= 0)
        types[np++] = other;
    /*
     * Which wards of each panel are hidden: a category's, its ward_type
     * mask; all crime's, the ward's count less its anti-social behaviour,
     * hidden when either is (shown, it would give the other away). NULL
     * in the members' edition.
     */
    unsigned char *hmask = NULL;
    if (safer__report_public_edition(a))
        hmask = safer__xcalloc(nw * PANELS_MAX, 1);
    bool hidden = false;
    for (size_t p = 0; p < np; p++) {
        double *v = values + p * nw;
        unsigned char *hm = hmask ? hmask + p * nw : NULL;
        int64_t total = 0;
        for (size_t w = 0; w < nw; w++) {
            int64_t n = 0;
            bool hide;
            if (types[p] >= 0) {
                n = cnt[w * a->ntypes + (size_t)types[p]];
                hide = safer_hidden(hd->ward_type, w * a->ntypes + (size_t)types[p]);
            } else {
                for (size_t t = 0; t < a->ntypes; t++)
                    n += (long)t == asb ? 0 : cnt[w * a->ntypes + t];
                hide = safer_hidden(hd->ward_latest, w) ||
                       (asb >= 0 && safer_hidden(hd->ward_type, w * a->ntypes + (size_t)asb));
            }
            total += n;
            if (hm)
                hm[w] = hide;
            hidden |= hide;
            v[w] = hide ? NAN : shade(a, pl->rates, w, n);
        }
        bool total_hidden = types[p] >= 0
                                ? safer_hidden(hd->type_latest, (size_t)types[p])
                                : hd->total_latest ||
                                      (asb >= 0 && safer_hidden(hd->type_latest, (size_t)asb));
        hidden |= total_hidden;
        char num[40];
        safer_svg_format_number(num, sizeof(num), (double)total, 0, false);
        text_init(&titles[p]);
        if (total_hidden)
            text(&titles[p], "%s: " SAFER__REPORT_HIDDEN " records", type_name(a, types[p]));
        else
            text(&titles[p], "%s: %s record%s", type_name(a, types[p]), num,
                 total == 1 ? "" : "s");
        panels[p] = (struct safer_svg_panel){.title = titles[p].ptr, .values = v, .hidden = hm};
    }
    free(cnt);

    int decimals = pl->rates ? 1 : 0;
    safer_html_raw(h, "<h3>Categories by ward</h3><p>The same map for all crime and for each "
                      "major category. Each map has its own classes (fifths of its wards), "
                      "written under it, so its colours show where that category is high; a "
                      "colour does not mean the same number on two maps.</p>");
    if (a->wards_bng) {
        char licence[SAFER__REPORT_LICENCE_MAX];
        struct safer_buf head, ptitle;
        text_init(&head);
        text_init(&ptitle);
        safer__report_licence(a, licence);
        text(&head, "%s, %s", pl->rates ? "Records per 1,000 residents" : "Records", pl->months);
        struct safer_svg_small_multiples map = {.areas = a->wards_bng,
                                                .names = pl->names,
                                                .labels = pl->nums,
                                                .n = nw,
                                                .panels = panels,
                                                .npanels = np,
                                                .decimals = decimals,
                                                .unit = pl->rates ? " per 1,000" : NULL,
                                                .frame = {.legend_title = head.ptr,
                                                          .caption = "Wards numbered as in the "
                                                                     "ward table. Classes are "
                                                                     "fifths of the wards "
                                                                     "(quintiles) of each map.",
                                                          .attribution = licence}};
        /* Each panel is its own figure of SAFER__REPORT_FIGURE_NARROW px,
         * never scaled: the page puts two side by side where they fit (wide
         * screens, print) and one a row on a phone, so one copy serves every
         * width. The frame (north arrow, scale, sources) follows them. */
        safer_html_raw(h, "<figure><p class=\"figure-head\">");
        safer_html_text(h, head.ptr);
        safer_html_raw(h, "</p><div class=\"multiples\">");
        for (size_t p = 0; p <= np; p++) {
            char id[SAFER_SVG_ID_MAX + 1];
            struct safer_err e = {0};
            if (p < np) {
                snprintf(id, sizeof(id), "category-map-%u", (unsigned)(p + 1));
                text(&ptitle, "Figure 6%c: %s by ward, %s, %s", (char)('a' + p),
                     type_name(a, types[p]), pl->rates ? "records per 1,000 residents" : "records",
                     pl->months);
            } else {
                snprintf(id, sizeof(id), "category-maps-key");
                text(&ptitle, "Figure 6: scale, north arrow and sources");
                safer_html_raw(h, "</div>");
            }
            struct safer_svg_opts o = {.id = id,
                                       .title = ptitle.ptr,
                                       .width = SAFER__REPORT_FIGURE_NARROW};
            int rc = safer_svg_small_multiple(h, &o, &map, p, &e);
            safer__report_figure_drawn(h, rc, &e);
        }
        safer_html_raw(h, "<figcaption>Figure 6: ");
        safer_html_text(h, pl->rates ? "rates per 1,000 residents" : "records");
        safer_html_raw(h, " by ward for all crime and the major categories, ");
        safer_html_text(h, pl->months);
        safer_html_raw(h, ", each map in its own classes.");
        if (hidden)
            safer_html_raw(h, " A cross-hatched ward's records are not published "
                              "(" SAFER__REPORT_HIDDEN "), and each map's classes are those of "
                              "the wards it shows.");
        safer_html_raw(h, "</figcaption></figure>");
        safer_buf_release(&head);
        safer_buf_release(&ptitle);
    }

    /* The table behind the maps. */
    struct safer__report_col cols[2 + PANELS_MAX];
    struct panel_col pc[PANELS_MAX];
    cols[0] = WARDS[0];
    cols[1] = WARDS[1];
    for (size_t p = 0; p < np; p++) {
        pc[p] = (struct panel_col){values + p * nw, decimals, hmask ? hmask + p * nw : NULL};
        cols[2 + p] = (struct safer__report_col){
            .heading = types[p] >= 0 ? a->types[types[p]] : "All crime (not ASB)",
            .numeric = true,
            .cell = panel_value,
            .data = &pc[p]};
    }
    struct safer_buf caption;
    text_init(&caption);
    text(&caption, "%s by ward and category, %s (figure 6)",
         pl->rates ? "Records per 1,000 residents" : "Records", pl->months);
    struct ward_rows rows = {pl, NULL};
    safer_html_raw(h, "<details><summary>Table behind figure 6</summary>");
    safer__report_table(h, SAFER__REPORT_TEXT(caption.ptr), cols, 2 + np, &rows, nw);
    safer_html_raw(h, "</details>");
    if (hidden)
        safer__report_hidden_note(h, a);
    safer_buf_release(&caption);
    for (size_t p = 0; p < np; p++)
        safer_buf_release(&titles[p]);
    free(values);
    free(hmask);
}

/* ---- hot spots ---- */

/* Hot spots at any level: classes hot90 to hot99. */
static int is_hot(const struct safer_hotcell *c)
{
    return c->cls > 0 && c->cls <= SAFER_GI_HOT99;
}

/* The map's class of a cell, from the assessment's. */
static enum safer_svg_gi_class svg_class(const struct safer_hotcell *c)
{
    int cls = safer_svg_gi_class_from_name(safer_gi_class_name(c->cls));
    return cls < 0 ? SAFER_SVG_GI_NO_SCORE : (enum safer_svg_gi_class)cls;
}

struct hot_rows {
    const struct safer_assessment *a;
    const size_t *cell; /* cell indexes, strongest first */
};

static const struct safer_hotcell *hot(const void *rows, size_t i)
{
    const struct hot_rows *r = rows;
    return &r->a->cells[r->cell[i]];
}

static void hot_number(struct safer_buf *h, const void *rows, size_t i)
{
    (void)rows;
    safer__report_int(h, (long long)i + 1);
}

static void hot_square(struct safer_buf *h, const void *rows, size_t i)
{
    char s[64];
    snprintf(s, sizeof(s), "%.0f, %.0f", hot(rows, i)->e, hot(rows, i)->n);
    safer_html_text(h, s);
}

/* The places of cell k: [*from, *to) of a->places (empty without them). */
static void cell_places(const struct safer_assessment *a, size_t k, size_t *from, size_t *to)
{
    *from = *to = 0;
    if (a->place_start) {
        *from = a->place_start[k];
        *to = a->place_start[k + 1];
    }
}

/*
 * The wards of the square's records, most records first; a square without
 * records of its own gets the ward that holds its centre.
 */
static void hot_ward(struct safer_buf *h, const void *rows, size_t i)
{
    const struct safer_assessment *a = ((const struct hot_rows *)rows)->a;
    size_t k = ((const struct hot_rows *)rows)->cell[i], from, to;
    cell_places(a, k, &from, &to);
    if (from < to) {
        /* The square's wards with their records (a square meets a few at
         * most), then written largest first. */
        enum { MAXW = 8 };
        size_t ward[MAXW];
        int64_t n[MAXW];
        size_t nw = 0;
        for (size_t p = from; p < to; p++) {
            size_t j = 0;
            while (j < nw && ward[j] != a->places[p].ward)
                j++;
            if (j == nw) {
                if (nw == MAXW)
                    continue;
                ward[nw] = a->places[p].ward;
                n[nw++] = 0;
            }
            n[j] += a->places[p].count;
        }
        bool done[MAXW] = {false};
        for (size_t x = 0; x < nw; x++) {
            size_t best = SIZE_MAX;
            for (size_t y = 0; y < nw; y++)
                if (!done[y] && (best == SIZE_MAX || n[y] > n[best]))
                    best = y;
            done[best] = true;
            if (x)
                safer_html_raw(h, ", ");
            safer_html_text(h, a->wards[ward[best]].name);
        }
        return;
    }
    const struct safer_hotcell *c = &a->cells[k];
    for (size_t w = 0; a->wards_bng && w < a->nwards; w++) {
        if (safer_geom_locate(&a->wards_bng[w], c->e, c->n) >= 0) {
            safer_html_text(h, a->wards[w].name);
            return;
        }
    }
}

/* A square's Location and its records, in whichever ward. */
struct shown_place {
    const char *location; /* interned: one pointer a text */
    int64_t count;
};

static int cmp_shown(const void *x, const void *y)
{
    const struct shown_place *p = x, *q = y;
    if (p->count != q->count)
        return (p->count < q->count) - (p->count > q->count);
    return strcmp(p->location, q->location);
}

/*
 * The square's most frequent police.uk Locations, three at most, each on
 * its own line with its records; a Location of two wards of the square is
 * one line.
 */
#define PLACES_SHOWN 3
static void hot_places(struct safer_buf *h, const void *rows, size_t i)
{
    const struct safer_assessment *a = ((const struct hot_rows *)rows)->a;
    size_t k = ((const struct hot_rows *)rows)->cell[i], from, to;
    if (hot(rows, i)->count == 0) {
        safer_html_raw(h, "No records of its own: a hot spot because of the squares around it");
        return;
    }
    cell_places(a, k, &from, &to);
    if (from == to) {
        safer_html_raw(h, "n/a");
        return;
    }
    struct shown_place *v = safer__xmalloc(sizeof(*v) * (to - from));
    size_t n = 0;
    for (size_t p = from; p < to; p++) {
        size_t j = 0;
        while (j < n && v[j].location != a->places[p].location)
            j++;
        if (j == n)
            v[n++] = (struct shown_place){a->places[p].location, 0};
        v[j].count += a->places[p].count;
    }
    qsort(v, n, sizeof(*v), cmp_shown);
    for (size_t p = 0; p < n && p < PLACES_SHOWN; p++) {
        if (p)
            safer_html_raw(h, "<br>");
        if (v[p].location[0])
            safer_html_text(h, v[p].location);
        else
            safer_html_raw(h, "(no location published)");
        safer_html_raw(h, " (");
        safer__report_int(h, v[p].count);
        safer_html_raw(h, ")");
    }
    if (n > PLACES_SHOWN) {
        safer_html_raw(h, "<br>and ");
        safer__report_int(h, (long long)(n - PLACES_SHOWN));
        if (n - PLACES_SHOWN == 1)
            safer_html_raw(h, " other place");
        else
            safer_html_raw(h, " other places");
    }
    free(v);
}

static void hot_count(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_int(h, hot(rows, i)->count);
}

/* The class in the map legend's words, so that table and map agree. */
static void hot_class(struct safer_buf *h, const void *rows, size_t i)
{
    safer_html_text(h, safer_svg_gi_class_label(svg_class(hot(rows, i))));
}

static const struct safer__report_col HOTSPOTS[] = {
    {.heading = "No.", .numeric = true, .cell = hot_number},
    {.heading = "Ward", .cell = hot_ward},
    {.heading = "Most frequent places (records)", .cell = hot_places},
    {.heading = "Records", .numeric = true, .cell = hot_count},
    {.heading = "Class", .cell = hot_class},
    {.heading = "Square's centre (easting, northing)", .cell = hot_square},
};

/* The table lists this many of the strongest; hotspots.csv has them all. */
#define STRONGEST_HOTSPOTS 15

/* The hot squares, strongest (largest z) first; *n gets their number. */
static size_t *strongest(const struct safer_assessment *a, size_t *n)
{
    size_t m = 0;
    size_t *top = safer__xmalloc(sizeof(size_t) * (a->ncells ? a->ncells : 1));
    for (size_t k = 0; k < a->ncells; k++) {
        if (is_hot(&a->cells[k]))
            top[m++] = k;
    }
    /* By z, largest first; a stable insertion sort keeps grid order in ties. */
    for (size_t i = 1; i < m; i++) {
        size_t x = top[i], j = i;
        while (j > 0 && a->cells[top[j - 1]].z < a->cells[x].z) {
            top[j] = top[j - 1];
            j--;
        }
        top[j] = x;
    }
    *n = m;
    return top;
}

/* The cell at column i, row j, or -1 (cells are ordered by row, then column). */
static long cell_at(const struct safer_assessment *a, int32_t i, int32_t j)
{
    size_t lo = 0, hi = a->ncells;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct safer_hotcell *c = &a->cells[mid];
        if (c->j < j || (c->j == j && c->i < i))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < a->ncells && a->cells[lo].i == i && a->cells[lo].j == j ? (long)lo : -1;
}

/* The inset shows at least this many squares a side, for the streets around. */
#define INSET_MIN_CELLS 8

/*
 * The densest cluster of hot spots: of the groups of hot squares that touch
 * (sides or corners), the one holding the most records. Sets *view to its
 * squares and one more all round, widened to INSET_MIN_CELLS squares a side
 * and to no narrower than 3:4 either way, and *ward to the ward of most of
 * its records (SIZE_MAX when unknown). False when there is no hot spot, or
 * when the cluster's view would not be much smaller than the whole map.
 */
static bool densest_cluster(const struct safer_assessment *a, struct safer_svg_extent *view,
                            size_t *ward)
{
    size_t n = a->ncells;
    long *comp = safer__xmalloc(sizeof(long) * (n ? n : 1));
    size_t *queue = safer__xmalloc(sizeof(size_t) * (n ? n : 1));
    for (size_t k = 0; k < n; k++)
        comp[k] = -1;
    long best = -1;
    int64_t best_total = -1;
    int32_t bi0 = 0, bi1 = 0, bj0 = 0, bj1 = 0;
    for (size_t s = 0; s < n; s++) {
        if (comp[s] >= 0 || !is_hot(&a->cells[s]))
            continue;
        size_t head = 0, tail = 0;
        queue[tail++] = s;
        comp[s] = (long)s;
        int64_t total = 0;
        int32_t i0 = a->cells[s].i, i1 = i0, j0 = a->cells[s].j, j1 = j0;
        while (head < tail) {
            const struct safer_hotcell *c = &a->cells[queue[head++]];
            total += c->count;
            i0 = c->i < i0 ? c->i : i0;
            i1 = c->i > i1 ? c->i : i1;
            j0 = c->j < j0 ? c->j : j0;
            j1 = c->j > j1 ? c->j : j1;
            for (int dj = -1; dj <= 1; dj++) {
                for (int di = -1; di <= 1; di++) {
                    long q = cell_at(a, c->i + di, c->j + dj);
                    if (q >= 0 && comp[q] < 0 && is_hot(&a->cells[q])) {
                        comp[q] = (long)s;
                        queue[tail++] = (size_t)q;
                    }
                }
            }
        }
        if (total > best_total) {
            best_total = total;
            best = (long)s;
            bi0 = i0;
            bi1 = i1;
            bj0 = j0;
            bj1 = j1;
        }
    }
    *ward = SIZE_MAX;
    if (best >= 0 && a->place_start) {
        /* The ward of most of the cluster's records. */
        int64_t *by = safer__xcalloc(a->nwards ? a->nwards : 1, sizeof(int64_t));
        for (size_t k = 0; k < n; k++) {
            if (comp[k] != best)
                continue;
            for (size_t p = a->place_start[k]; p < a->place_start[k + 1]; p++)
                by[a->places[p].ward] += a->places[p].count;
        }
        for (size_t w = 0; w < a->nwards; w++)
            if (by[w] > 0 && (*ward == SIZE_MAX || by[w] > by[*ward]))
                *ward = w;
        free(by);
    }
    free(comp);
    free(queue);
    if (best < 0)
        return false;

    const double S = a->cell;
    double cx = ((double)bi0 + (double)bi1 + 1) * S / 2, cy = ((double)bj0 + (double)bj1 + 1) * S / 2;
    double w = ((double)(bi1 - bi0) + 3) * S, hgt = ((double)(bj1 - bj0) + 3) * S;
    w = fmax(w, INSET_MIN_CELLS * S);
    hgt = fmax(hgt, INSET_MIN_CELLS * S);
    w = fmax(w, 0.75 * hgt);
    hgt = fmax(hgt, 0.75 * w);
    *view = (struct safer_svg_extent){cx - w / 2, cy - hgt / 2, cx + w / 2, cy + hgt / 2};

    /* Worth it only when it enlarges: the view under a quarter of the grid's area. */
    double gi0 = INFINITY, gi1 = -INFINITY, gj0 = INFINITY, gj1 = -INFINITY;
    for (size_t k = 0; k < n; k++) {
        gi0 = fmin(gi0, a->cells[k].i);
        gi1 = fmax(gi1, a->cells[k].i);
        gj0 = fmin(gj0, a->cells[k].j);
        gj1 = fmax(gj1, a->cells[k].j);
    }
    double grid_area = (gi1 - gi0 + 1) * S * (gj1 - gj0 + 1) * S;
    return w * hgt < 0.25 * grid_area;
}

static void hotspots(struct safer_buf *h, const struct places *pl)
{
    const struct safer_assessment *a = pl->a;
    /* The public edition publishes no square's records: no table of the
     * strongest squares with their counts and police.uk Locations, and no
     * numbers in the inset that would key squares to it. The maps give
     * each square's class only. */
    bool pub = safer__report_public_edition(a);
    safer_html_raw(h, "<h3>Hot spots</h3><p>The area is covered by a grid of ");
    safer__report_dec(h, a->cell, 0, false);
    safer_html_raw(h, "-metre squares on the British National Grid. Each square's count of "
                      "located records over ");
    safer_html_text(h, pl->months);
    safer_html_raw(h, " is compared with its neighbours' (Getis-Ord Gi*): a hot spot is a square "
                      "that, with its neighbours, holds more records than chance would give, "
                      "after controlling the false discovery rate over all squares. &#8220;Hot "
                      "spot, 99% confidence&#8221; means that fewer than 1 in 100 of the squares "
                      "so classed would be so by chance (adjusted p below ");
    safer__report_level(h, SAFER_GI_P99);
    safer_html_raw(h, "); 95% and 90% likewise.</p>");
    if (pub)
        safer_html_raw(h, "<p>This public edition leaves out the table of the strongest hot spot "
                          "squares, with their records and the places police.uk gives for "
                          "them.</p>");
    if (a->gi_no_score)
        safer_html_raw(h, "<p class=\"warn\">No z-score exists for this grid: every square holds "
                          "the same count, so there is no hot or cold spot to find.</p>");

    size_t nhot = 0;
    size_t *top = strongest(a, &nhot);
    size_t shown = nhot < STRONGEST_HOTSPOTS ? nhot : STRONGEST_HOTSPOTS;
    struct safer_svg_extent view;
    size_t cluster_ward = SIZE_MAX;
    bool inset = a->ncells && a->wards_bng && densest_cluster(a, &view, &cluster_ward);

    if (a->ncells && a->wards_bng) {
        char licence[SAFER__REPORT_LICENCE_MAX];
        safer__report_licence(a, licence);
        struct safer_svg_cell *cells = safer__xmalloc(sizeof(*cells) * a->ncells);
        for (size_t k = 0; k < a->ncells; k++) {
            const struct safer_hotcell *c = &a->cells[k];
            cells[k].x = (double)c->i * a->cell;
            cells[k].y = (double)c->j * a->cell;
            cells[k].cls = svg_class(c);
        }
        struct safer_svg_hotspot_map map = {
            .cells = cells,
            .ncells = a->ncells,
            .cell_size = a->cell,
            .wards = a->wards_bng,
            .ward_names = pl->names,
            .nwards = a->nwards,
            .frame = {.caption = "Gi* classes by Benjamini-Hochberg adjusted p-value; ward "
                                 "boundaries on top.",
                      .attribution = licence},
            .mark = inset ? &view : NULL,
            .mark_label = inset ? "Figure 8" : NULL};
        struct safer_buf title, caption, where;
        text_init(&title);
        text_init(&caption);
        text_init(&where);
        text(&title, "Figure 7: hot and cold spots (Gi*), %s", pl->months);
        struct safer_svg_opts o = {.id = "hotspot-map", .title = title.ptr};
        safer_html_raw(h, "<figure>");
        safer__report_figure(h, &o, (struct safer__report_fig){.hotspots = &map});
        safer_html_raw(h, "<figcaption>Figure 7: hot and cold spots, ");
        safer_html_text(h, pl->months);
        if (inset)
            safer_html_raw(h, "; the black frame is enlarged in figure 8");
        safer_html_raw(h, ".</figcaption></figure>");

        if (inset) {
            /* The inset: the table's squares inside it carry their numbers. */
            struct safer_svg_cell_label *labels =
                safer__xmalloc(sizeof(*labels) * (shown ? shown : 1));
            char (*num)[24] = safer__xmalloc(sizeof(*num) * (shown ? shown : 1));
            size_t nl = 0;
            for (size_t r = 0; r < shown && !pub; r++) {
                const struct safer_hotcell *c = &a->cells[top[r]];
                if (c->e < view.minx || c->e > view.maxx || c->n < view.miny || c->n > view.maxy)
                    continue;
                snprintf(num[nl], sizeof(num[nl]), "%u", (unsigned)(r + 1));
                labels[nl] = (struct safer_svg_cell_label){(double)c->i * a->cell,
                                                           (double)c->j * a->cell, num[nl]};
                nl++;
            }
            if (cluster_ward != SIZE_MAX)
                text(&where, ", around %s ward", a->wards[cluster_ward].name);
            if (pub)
                text(&caption, "The densest cluster of hot spots%s, enlarged: each square is "
                               "%.0f m a side.",
                     where.ptr, a->cell);
            else
                text(&caption,
                     "The densest cluster of hot spots%s, enlarged: each square is %.0f m a "
                     "side; numbers as in the table of the strongest hot spots.",
                     where.ptr, a->cell);
            map.view = &view;
            map.mark = NULL;
            map.mark_label = NULL;
            map.labels = labels;
            map.nlabels = nl;
            map.frame.caption = caption.ptr;
            text(&title, "Figure 8: the densest cluster of hot spots%s, enlarged", where.ptr);
            struct safer_svg_opts oi = {.id = "hotspot-inset", .title = title.ptr};
            safer_html_raw(h, "<figure>");
            safer__report_figure(h, &oi, (struct safer__report_fig){.hotspots = &map});
            safer_html_raw(h, "<figcaption>");
            safer_html_text(h, title.ptr);
            if (pub)
                safer_html_raw(h, ".</figcaption></figure>");
            else
                safer_html_raw(h, ", with the squares of the table below numbered.</figcaption>"
                                  "</figure>");
            free(labels);
            free(num);
        }
        safer_buf_release(&title);
        safer_buf_release(&caption);
        safer_buf_release(&where);
        free(cells);
    }

    if (shown && !pub) {
        struct hot_rows rows = {a, top};
        safer__report_table(h,
                            SAFER__REPORT_LITERAL("The strongest hot spots, with the places "
                                                  "police.uk gives for their records (all are "
                                                  "in hotspots.csv and hotspot_locations.csv)"),
                            HOTSPOTS, SAFER__NELEM(HOTSPOTS), &rows, shown);
        safer_html_raw(h, "<p class=\"meta\">police.uk publishes each record at one of a fixed "
                          "set of map points near where it happened, named by a street or a "
                          "kind of place (&#8220;On or near Shopping Area&#8221;), never the "
                          "exact address.</p>");
    }
    free(top);
    if (a->points_outside_grid) {
        safer_html_raw(h, "<p class=\"meta\">");
        safer__report_count(h, (long long)a->points_outside_grid, a->hidden.outside_grid);
        safer_html_raw(h, " located records fell outside the study grid after conversion to "
                          "the British National Grid and are not in the hot spot counts.</p>");
    }
}

/* ---- clustering ---- */

/* Moran's I is worked out from every ward's count: in the public edition,
 * when one is hidden, so are I and what follows from it (its variance
 * under randomisation depends on the values too; the expectation, -1 /
 * (n - 1), does not). */
struct moran_rows {
    const struct safer_moran_row *row;
    bool hidden;
};

#define MORAN(rows, i) (((const struct moran_rows *)(rows))->row + (i))

/* The mark in place of a figure worked out from a hidden count: true when
 * written. */
static bool moran_hidden(struct safer_buf *h, const void *rows)
{
    if (!((const struct moran_rows *)rows)->hidden)
        return false;
    safer_html_raw(h, SAFER__REPORT_HIDDEN);
    return true;
}

static void moran_variable(struct safer_buf *h, const void *rows, size_t i)
{
    safer_html_text(h, strcmp(MORAN(rows, i)->variable, "rate_latest12") == 0
                           ? "Rate per 1,000 residents"
                           : "Records");
}

static void moran_weights(struct safer_buf *h, const void *rows, size_t i)
{
    safer_html_text(h, strcmp(MORAN(rows, i)->style, "W") == 0 ? "row-standardised (W)"
                                                               : "binary (B)");
}

static void moran_n(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_int(h, (long long)MORAN(rows, i)->n);
}

static void moran_i(struct safer_buf *h, const void *rows, size_t i)
{
    if (!moran_hidden(h, rows))
        safer__report_dec(h, MORAN(rows, i)->I, 4, false);
}

static void moran_expectation(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_dec(h, MORAN(rows, i)->expectation, 4, false);
}

static void moran_variance(struct safer_buf *h, const void *rows, size_t i)
{
    if (!moran_hidden(h, rows))
        safer__report_dec(h, MORAN(rows, i)->variance, 5, false);
}

static void moran_z(struct safer_buf *h, const void *rows, size_t i)
{
    if (!moran_hidden(h, rows))
        safer__report_dec(h, MORAN(rows, i)->z, 3, false);
}

static void moran_p(struct safer_buf *h, const void *rows, size_t i)
{
    if (!moran_hidden(h, rows))
        safer__report_p(h, MORAN(rows, i)->p);
}

static const struct safer__report_col MORAN_TABLE[] = {
    {.heading = "Variable", .cell = moran_variable},
    {.heading = "Weights", .cell = moran_weights},
    {.heading = "Wards", .numeric = true, .cell = moran_n},
    {.heading = "I", .numeric = true, .cell = moran_i},
    {.heading = "Expected", .numeric = true, .cell = moran_expectation},
    {.heading = "Variance", .numeric = true, .cell = moran_variance},
    {.heading = "z", .numeric = true, .cell = moran_z},
    {.heading = "p (one-sided)", .numeric = true, .cell = moran_p},
};

static void clustering(struct safer_buf *h, const struct places *pl)
{
    const struct safer_assessment *a = pl->a;
    safer_html_raw(h, "<h3>Spatial clustering of wards</h3><p>Moran's I asks whether wards with "
                      "high values sit next to other wards with high values: on the wards' "
                      "records (where records are) and, with a population, on their rates per "
                      "1,000 residents (whether wards where residents' risk is high sit "
                      "together). Neighbours are wards that share at least one boundary point "
                      "(queen contiguity).</p>");
    if (!a->nmoran) {
        safer_html_raw(h, "<p>Not computed: the area has fewer than two wards.</p>");
        return;
    }
    struct moran_rows rows = {a->moran, false};
    for (size_t w = 0; w < a->nwards; w++)
        rows.hidden |= ward_hidden(a, w);
    struct safer_buf caption;
    text_init(&caption);
    text(&caption, "Moran's I of ward records%s, %s", a->nmoran > 2 ? " and rates" : "",
         pl->months);
    safer__report_table(h, SAFER__REPORT_TEXT(caption.ptr), MORAN_TABLE,
                        SAFER__NELEM(MORAN_TABLE), &rows, a->nmoran);
    if (rows.hidden)
        safer__report_hidden_note(h, a);
    safer_buf_release(&caption);
    if (a->moran[0].islands) {
        safer_html_raw(h, "<p class=\"meta\">");
        safer__report_int(h, (long long)a->moran[0].islands);
        safer_html_raw(h, " ward(s) touch no other ward and are left out of the test.</p>");
    }
    if (a->nmoran > 2 && a->moran[2].n + a->moran[2].islands < a->nwards) {
        safer_html_raw(h, "<p class=\"meta\">The test on rates leaves out ");
        safer__report_int(h, (long long)(a->nwards - a->moran[2].n - a->moran[2].islands));
        safer_html_raw(h, " ward(s) without a population figure.</p>");
    }
}

void safer__report_places(struct safer_buf *h, const struct safer_assessment *a)
{
    safer_html_raw(h, "<h2 id=\"places\">5. Places</h2>");
    safer__report_gap_flag(h, a, 0);
    size_t n = a->nwards ? a->nwards : 1;
    struct places pl = {.a = a, .rates = a->population != NULL};
    pl.num = safer__xmalloc(sizeof(*pl.num) * n);
    pl.nums = safer__xmalloc(sizeof(char *) * n);
    pl.names = safer__xmalloc(sizeof(char *) * n);
    for (size_t w = 0; w < a->nwards; w++) {
        snprintf(pl.num[w], sizeof(pl.num[w]), "%u", (unsigned)(w + 1));
        pl.nums[w] = pl.num[w];
        pl.names[w] = a->wards[w].name;
    }
    data_months(a, pl.months, sizeof(pl.months));
    wards(h, &pl);
    categories(h, &pl);
    hotspots(h, &pl);
    clustering(h, &pl);
    free(pl.num);
    free(pl.nums);
    free(pl.names);
}
