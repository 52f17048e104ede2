/*
 * test_report.c - the HTML report's structure, on a small assessment built
 * by hand: the sections in order, a caption and a header row on every
 * table, each in a scrolling box, a text alternative on every figure, each
 * figure at two widths, the rules' numbers in the method notes, the
 * version and licence lines, the printed footer, and data escaped.
 *
 * The assessment: three wards side by side (1 km squares on the British
 * National Grid), three categories over 30 months up to January 2019, one
 * force with a partial and a missing month in the windows, change tests,
 * a 2 x 2 grid of hot spot cells and both Moran's I rows.
 */
#include "util/compat.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "safer/assess.h"
#include "safer/buf.h"
#include "safer/lib.h"
#include "safer/limits.h"
#include "safer/report.h"
#include "safer/rules.h"
#include "safer/stats.h"
#include "safer/svg.h"

#define NWARDS 3
#define NTYPES 3
#define LATEST (2019 * 12) /* January 2019 */
#define FIRST (LATEST - 29)

static const char *const WARD_NAMES[NWARDS] = {"Allington", "<script>alert(1)</script>",
                                               "Bearsted & Thurnham"};
static const char *const TYPES[NTYPES] = {"Anti-social behaviour", "Burglary",
                                          "Violence and sexual offences"};

static char *dup(const char *s)
{
    char *d = strdup(s);
    assert_non_null(d);
    return d;
}

static void *zalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    assert_non_null(p);
    return p;
}

/* A closed square ring with corners (x, y) and (x + side, y + side). */
static void square(struct safer_geom *g, double x, double y, double side)
{
    const double xy[10] = {x, y, x + side, y, x + side, y + side, x, y + side, x, y};
    safer_geom_init(g);
    g->npoints = 5;
    g->nrings = 1;
    g->nparts = 1;
    g->xy = zalloc(10, sizeof(double));
    memcpy(g->xy, xy, sizeof(xy));
    g->ring_start = zalloc(2, sizeof(uint32_t));
    g->ring_start[1] = 5;
    g->part_start = zalloc(2, sizeof(uint32_t));
    g->part_start[1] = 1;
    safer_geom_update_bbox(g);
}

static void build(struct safer_assessment *a, const struct safer_rules *rules, int year)
{
    memset(a, 0, sizeof(*a));
    a->latest = LATEST;
    a->l12_start = LATEST - 11;
    a->p12_start = LATEST - 23;
    a->p12_end = LATEST - 12;
    a->first_month = FIRST;
    a->nmonths = LATEST - FIRST + 1;
    a->title = dup("Safer <Testborough> & 'Co'");

    a->nwards = NWARDS;
    a->wards = zalloc(NWARDS, sizeof(*a->wards));
    a->wards_bng = zalloc(NWARDS, sizeof(*a->wards_bng));
    for (size_t w = 0; w < NWARDS; w++) {
        char code[16];
        snprintf(code, sizeof(code), "E0500000%zu", w + 1);
        a->wards[w].code = dup(code);
        a->wards[w].name = dup(WARD_NAMES[w]);
        a->wards[w].level = dup("ward");
        safer_geom_init(&a->wards[w].geom);
        square(&a->wards_bng[w], 575000.0 + 1000.0 * (double)w, 155000.0, 1000.0);
    }
    a->ntypes = NTYPES;
    a->types = zalloc(NTYPES, sizeof(char *));
    for (size_t t = 0; t < NTYPES; t++)
        a->types[t] = dup(TYPES[t]);

    /* Counts rising through the months; the window totals follow from them. */
    a->counts = zalloc((size_t)NWARDS * NTYPES * (size_t)a->nmonths, sizeof(uint32_t));
    a->ward_prev = zalloc(NWARDS, sizeof(int64_t));
    a->ward_latest = zalloc(NWARDS, sizeof(int64_t));
    a->type_prev = zalloc(NTYPES, sizeof(int64_t));
    a->type_latest = zalloc(NTYPES, sizeof(int64_t));
    for (size_t w = 0; w < NWARDS; w++) {
        for (size_t t = 0; t < NTYPES; t++) {
            for (int32_t m = FIRST; m <= LATEST; m++) {
                uint32_t n = (uint32_t)(1 + w + 2 * t + (size_t)(m - FIRST) / 6);
                a->counts[(w * NTYPES + t) * (size_t)a->nmonths + (size_t)(m - FIRST)] = n;
                if (m >= a->l12_start) {
                    a->ward_latest[w] += n;
                    a->type_latest[t] += n;
                } else if (m >= a->p12_start) {
                    a->ward_prev[w] += n;
                    a->type_prev[t] += n;
                }
            }
        }
    }
    a->rows_total = 1000;
    a->rows_assigned = 990;
    a->rows_assigned_by_lsoa = 5;
    a->rows_no_coords = 6;
    a->rows_outside_wards = 4;

    /* One force, every month from the previous window on: 2018-03 partial
     * (its crime low, its ASB as usual, its rows low), 2018-07 missing,
     * 2018-11 partial on its crime alone. */
    a->ncoverage = (size_t)(LATEST - a->p12_start + 1);
    a->coverage = zalloc(a->ncoverage, sizeof(*a->coverage));
    for (size_t i = 0; i < a->ncoverage; i++) {
        struct safer_coverage *c = &a->coverage[i];
        c->force = dup("Kent Police");
        c->month = a->p12_start + (int32_t)i;
        c->rows = 1000;
        c->crime = 800;
        c->asb = 200;
        c->crime_usual = 12800;
        c->asb_usual = 200;
        c->status = SAFER_COVERAGE_OK;
        if (c->month == 2018 * 12 + 2) {
            c->rows = 300;
            c->crime = 100;
            c->reason = SAFER_COVERAGE_CRIME_LOW | SAFER_COVERAGE_ROWS_LOW;
            c->status = SAFER_COVERAGE_PARTIAL;
        } else if (c->month == 2018 * 12 + 10) {
            c->rows = 700;
            c->crime = 500;
            c->reason = SAFER_COVERAGE_CRIME_LOW;
            c->status = SAFER_COVERAGE_PARTIAL;
        } else if (c->month == 2018 * 12 + 6) {
            c->rows = c->crime = c->asb = 0;
            c->crime_usual = c->asb_usual = NAN;
            c->status = SAFER_COVERAGE_MISSING;
        }
    }
    a->latest12_complete = 0;
    a->prev12_complete = 1;

    a->ntests = NTYPES + NWARDS;
    a->tests = zalloc(a->ntests, sizeof(*a->tests));
    for (size_t k = 0; k < a->ntests; k++) {
        struct safer_change_test *t = &a->tests[k];
        int is_type = k < NTYPES;
        size_t i = is_type ? k : k - NTYPES;
        t->scope = is_type ? "type" : "ward";
        t->key = dup(is_type ? TYPES[i] : a->wards[i].code);
        t->prev = is_type ? a->type_prev[i] : a->ward_prev[i];
        t->latest = is_type ? a->type_latest[i] : a->ward_latest[i];
        t->p = 0.001 * (double)(k + 1);
        t->p_adj = 0.002 * (double)(k + 1);
        t->comparable = 0;
    }

    a->cell = 500;
    a->ncells = 4;
    a->cells = zalloc(a->ncells, sizeof(*a->cells));
    for (size_t k = 0; k < a->ncells; k++) {
        struct safer_hotcell *c = &a->cells[k];
        c->i = 1150 + (int32_t)(k % 2);
        c->j = 310 + (int32_t)(k / 2);
        c->e = ((double)c->i + 0.5) * a->cell;
        c->n = ((double)c->j + 0.5) * a->cell;
        c->count = (int64_t)(10 * k);
        c->neighbours = 3;
        c->z = k == 3 ? 2.9 : -0.5;
        c->p = k == 3 ? 0.004 : 0.6;
        c->p_adj = k == 3 ? 0.008 : 0.8;
        c->cls = k == 3 ? SAFER_GI_HOT99 : SAFER_GI_NONE;
    }
    a->nmoran = 2;
    for (size_t i = 0; i < 2; i++) {
        struct safer_moran_row *m = &a->moran[i];
        m->variable = "total_latest12";
        m->style = i == 0 ? "W" : "B";
        m->n = NWARDS;
        m->I = 0.25;
        m->expectation = -0.5;
        m->variance = 0.1;
        m->z = 2.37;
        m->p = 0.0089;
    }
    a->population = zalloc(NWARDS, sizeof(double));
    for (size_t w = 0; w < NWARDS; w++)
        a->population[w] = 5000.0 + 1000.0 * (double)w;
    a->population_basis = dup("Mid-2015 population");
    a->npublications = 1;
    a->publications = zalloc(1, sizeof(*a->publications));
    snprintf(a->publications[0].force, sizeof(a->publications[0].force), "Kent Police");
    a->publications[0].month = LATEST;
    a->publications[0].rows = a->publications[0].rows_read = 1000;
    snprintf(a->publications[0].file, sizeof(a->publications[0].file), "2019-01-kent-street.csv");
    snprintf(a->publications[0].checksum, sizeof(a->publications[0].checksum), "%032x", 7u);
    if (rules)
        a->rules = *rules;
    else
        safer_rules_init(&a->rules);
    a->boundary_year = year;
}

/* The report of the test assessment; the caller frees it. */
static char *render(const struct safer_rules *rules, int year)
{
    struct safer_assessment a;
    struct safer_buf b;
    struct safer_err err = {0};
    build(&a, rules, year);
    safer_buf_init(&b, SAFER_LIMIT_REPORT);
    assert_int_equal(safer_report_render(&a, &b, &err), 0);
    safer_assessment_release(&a);
    return safer_buf_detach(&b, NULL);
}

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = strstr(s, what); p; p = strstr(p + 1, what))
        n++;
    return n;
}

/* The text of section `id` of the page: from its heading to the next one. */
static char *section(const char *html, const char *id)
{
    char open[64];
    snprintf(open, sizeof(open), "<h2 id=\"%s\">", id);
    const char *from = strstr(html, open);
    assert_non_null(from);
    const char *to = strstr(from + 1, "<h2 id=");
    if (!to)
        to = from + strlen(from);
    char *s = strndup(from, (size_t)(to - from));
    assert_non_null(s);
    return s;
}

static void test_report_sections_in_order(void **state)
{
    static const char *const headings[] = {
        "<h2 id=\"summary\">1. Summary of findings</h2>",
        "<h2 id=\"data\">2. Data used and its coverage</h2>",
        "<h2 id=\"levels\">3. Levels and patterns</h2>",
        "<h2 id=\"change\">4. Change</h2>",
        "<h2 id=\"places\">5. Places</h2>",
        "<h2 id=\"peers\">6. How the area compares</h2>",
        "<h2 id=\"outcomes\">7. What became of the crimes</h2>",
        "<h2 id=\"partner\">Partner agencies' data</h2>",
        "<h2 id=\"public\">8. The public's views</h2>",
        "<h2 id=\"services\">Services and who uses them</h2>",
        "<h2 id=\"candidates\">9. Matters to prioritise</h2>",
        "<h2 id=\"priorities\">10. The partnership's priorities</h2>",
        "<h2 id=\"progress\">11. Changes since the last assessment</h2>",
        "<h2 id=\"caveats\">12. Caveats</h2>",
        "<h2 id=\"method\">13. Method notes</h2>",
    };
    const char *html = *state;
    const char *at = html;
    for (size_t i = 0; i < sizeof(headings) / sizeof(headings[0]); i++) {
        const char *p = strstr(at, headings[i]);
        if (!p)
            fail_msg("'%s' missing, or not after the heading before it", headings[i]);
        at = p + strlen(headings[i]);
    }
    /* Nothing but the contents' heading besides these. */
    assert_int_equal(count(html, "<h2"), 1 + sizeof(headings) / sizeof(headings[0]));
    assert_int_equal(strncmp(html, "<!DOCTYPE html>\n", 16), 0);
    assert_non_null(strstr(html, "</main></body></html>\n"));
}

static void test_report_tables_have_caption_and_header_row(void **state)
{
    const char *html = *state;
    size_t n = 0;
    for (const char *t = strstr(html, "<table"); t; t = strstr(t + 1, "<table")) {
        const char *end = strstr(t, "</table>");
        assert_non_null(end);
        const char *cap = strstr(t, "<caption>");
        const char *cap_end = strstr(t, "</caption>");
        if (!cap || cap != t + strlen("<table>") || !cap_end || cap_end > end ||
            cap_end == cap + strlen("<caption>"))
            fail_msg("table %zu has no caption right after <table>", n + 1);
        const char *head = cap_end + strlen("</caption>");
        if (strncmp(head, "<thead><tr><th scope=\"col\"", 26) != 0)
            fail_msg("table %zu has no header row after its caption", n + 1);
        const char *body = strstr(head, "</tr></thead><tbody>");
        assert_true(body && body < end);
        /* Each column heading has text. */
        for (const char *th = strstr(head, "<th scope=\"col\""); th && th < body;
             th = strstr(th + 1, "<th scope=\"col\"")) {
            const char *gt = strchr(th, '>');
            assert_non_null(gt);
            assert_true(strncmp(gt + 1, "</th>", 5) != 0);
        }
        n++;
    }
    /* Records, input files, two coverage tables, records by month and by
     * category, two change tables, wards, wards by category, hot spots,
     * Moran's I, the scoring's weights and candidates (no plan: no
     * priorities table). */
    assert_int_equal(n, 14);
    /* Every element the writer opens, it closes. */
    static const char *const pairs[][2] = {
        {"<table>", "</table>"},     {"<thead>", "</thead>"},   {"<tbody>", "</tbody>"},
        {"<tr>", "</tr>"},           {"<th ", "</th>"},         {"<td", "</td>"},
        {"<caption>", "</caption>"}, {"<figure>", "</figure>"}, {"<details>", "</details>"},
    };
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        if (count(html, pairs[i][0]) != count(html, pairs[i][1]))
            fail_msg("%zu %s but %zu %s", count(html, pairs[i][0]), pairs[i][0],
                     count(html, pairs[i][1]), pairs[i][1]);
    }
}

static void test_report_figures_have_text_alternatives(void **state)
{
    const char *html = *state;
    size_t n = 0;
    for (const char *s = strstr(html, "<svg"); s; s = strstr(s + 1, "<svg")) {
        const char *gt = strchr(s, '>');
        assert_non_null(gt);
        char tag[1024];
        assert_true((size_t)(gt - s) < sizeof(tag));
        memcpy(tag, s, (size_t)(gt - s));
        tag[gt - s] = '\0';
        if (!strstr(tag, "role=\"img\""))
            fail_msg("figure %zu has no role=\"img\"", n + 1);
        const char *lab = strstr(tag, "aria-labelledby=\"");
        if (!lab)
            fail_msg("figure %zu has no aria-labelledby", n + 1);
        lab += strlen("aria-labelledby=\"");
        char title[128];
        int len = (int)(strchr(lab, '"') - lab);
        snprintf(title, sizeof(title), "<title id=\"%.*s\">", len, lab);
        /* The title it names is the figure's own, and says something. */
        const char *t = strstr(gt, title);
        const char *svg_end = strstr(gt, "</svg>");
        if (!t || t > svg_end)
            fail_msg("figure %zu: no %s inside it", n + 1, title);
        assert_true(strncmp(t + strlen(title), "</title>", 8) != 0);
        n++;
    }
    /* Six figures drawn wide and narrow, and the small multiples drawn
     * once: all crime and the three categories of the test, and their key. */
    assert_int_equal(n, 12 + 5);
    assert_int_equal(count(html, "<svg"), count(html, "</svg>"));
}

/* Each figure is drawn twice, for wide screens and print and for phones, with ids of its own. */
static void test_report_figures_wide_and_narrow(void **state)
{
    const char *html = *state;
    assert_int_equal(count(html, "<div class=\"fig-wide\"><svg"), 6);
    assert_int_equal(count(html, "<div class=\"fig-narrow\"><svg"), 6);
    for (const char *w = strstr(html, "<div class=\"fig-wide\">"); w;
         w = strstr(w + 1, "<div class=\"fig-wide\">")) {
        const char *nar = strstr(w, "<div class=\"fig-narrow\">");
        assert_non_null(nar);
        assert_non_null(strstr(w, "width=\"680\""));
        assert_true(strstr(w, "width=\"680\"") < nar);
        assert_true(strncmp(strstr(nar, "width=\""), "width=\"320\"", 11) == 0);
        /* The narrow copy's ids are the wide one's with "-n". */
        const char *id = strstr(w, "aria-labelledby=\"") + strlen("aria-labelledby=\"");
        int len = (int)(strstr(id, "-title\"") - id);
        char want[80];
        snprintf(want, sizeof(want), "aria-labelledby=\"%.*s-n-title\"", len, id);
        assert_non_null(strstr(nar, want));
    }
}

/* A table sits in a box that scrolls sideways, focusable and named after its caption. */
static void test_report_tables_scroll_in_a_named_box(void **state)
{
    const char *html = *state;
    assert_int_equal(count(html, "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" "
                                 "aria-label=\""),
                     count(html, "<table>"));
    assert_non_null(strstr(html, "aria-label=\"Records by month\"><table><caption>Records by "
                                 "month</caption>"));
    assert_int_equal(count(html, "</table></div>"), count(html, "<table>"));
}

/* The printed footer: the title escaped as a CSS string, and page numbers. */
static void test_report_print_footer(void **state)
{
    const char *html = *state;
    assert_non_null(strstr(html, "@bottom-left{content:\"Safer \\3c Testborough\\3e  \\26  "
                                 "\\27 Co\\27 \" \", strategic assessment, \" \"12 months to "
                                 "January 2019\";"));
    assert_non_null(strstr(html, "content:\"Page \" counter(page) \" of \" counter(pages)"));
}

static void test_report_method_states_the_rules(void **state)
{
    (void)state;
    /* The defaults give the text the report always had. */
    char *html = render(NULL, 0);
    char *method = section(html, "method");
    assert_non_null(strstr(method, "under 60% of the median rows"));
    assert_non_null(strstr(method, "significant below 0.05, and only when both windows"));
    assert_non_null(strstr(method, "classes at adjusted p below 0.01, 0.05 and 0.10."));
    assert_non_null(strstr(method, "boundary point within 1.49e-8 degrees"));
    char *data = section(html, "data");
    assert_non_null(strstr(data, "under 60% of the median rows"));
    assert_non_null(strstr(data, "(up to 3 on each side, within 6 months; a month without a "
                                 "file is skipped, never a 0)"));
    assert_non_null(strstr(data, "when its crime is under 80% of its usual level or its ASB"));
    assert_non_null(strstr(data, "under 50%, by more than chance would explain (3 standard"));
    assert_non_null(strstr(data, "a series with fewer than 3 such months"));
    /* Each partial month says why, in words. */
    assert_non_null(strstr(data, "March 2018 (crime 100 against a usual 12,800; ASB as usual; "
                                 "300 records in all, under 60% of the force's median month)"));
    assert_non_null(strstr(data, "November 2018 (crime 500 against a usual 12,800; ASB as "
                                 "usual)"));
    /* The coverage rule as it is: crime and ASB judged apart. */
    assert_non_null(strstr(method, "<dt>Coverage</dt><dd>Notifiable crime and anti-social "
                                   "behaviour (ASB) are judged apart"));
    assert_non_null(strstr(method, "when its crime is under 80% of its usual level or its ASB, "
                                   "which rises and falls with the season, under 50%, by more "
                                   "than chance would explain (3 standard deviations"));
    assert_non_null(strstr(method, "(up to 3 on each side, within 6 months;"));
    assert_non_null(strstr(method, "a series with fewer than 3 such months"));
    /* "99%" means what the map's legend means. */
    assert_non_null(strstr(method, "A hot spot at 99% confidence, as the map's legend and the "
                                   "summary say, is a square whose adjusted p is below 0.01"));
    char *change = section(html, "change");
    assert_non_null(strstr(change, "(adjusted p &lt; 0.05), and both windows"));
    free(change);
    free(data);
    free(method);
    free(html);

    /* Other rules: the text follows them. */
    struct safer_rules r;
    safer_rules_init(&r);
    r.coverage_partial = 0.55;
    r.coverage_crime = 0.7;
    r.coverage_asb = 0.45;
    r.coverage_neighbours = 4;
    r.coverage_window = 8;
    r.coverage_min_months = 2;
    r.coverage_noise = 2.5;
    r.change_alpha = 0.1;
    r.clustering_alpha = 0.005; /* Moran's p is 0.0089: no clustering */
    html = render(&r, 0);
    method = section(html, "method");
    assert_non_null(strstr(method, "under 55% of the median rows"));
    assert_non_null(strstr(method, "significant below 0.1, and only when both windows"));
    assert_non_null(strstr(method, "when its crime is under 70% of its usual level or its ASB, "
                                   "which rises and falls with the season, under 45%, by more "
                                   "than chance would explain (2.5 standard deviations"));
    assert_non_null(strstr(method, "(up to 4 on each side, within 8 months;"));
    assert_non_null(strstr(method, "a series with fewer than 2 such months"));
    assert_null(strstr(method, "60%"));
    data = section(html, "data");
    assert_non_null(strstr(data, "(up to 4 on each side, within 8 months;"));
    assert_non_null(strstr(data, "when its crime is under 70% of its usual level or its ASB"));
    assert_non_null(strstr(data, "under 45%, by more than chance would explain (2.5 standard"));
    assert_non_null(strstr(data, "a series with fewer than 2 such months"));
    assert_non_null(strstr(data, "300 records in all, under 55% of the force"));
    assert_null(strstr(data, "80%"));
    free(data);
    char *summary = section(html, "summary");
    assert_non_null(strstr(summary, "Wards with many records are not more likely than chance to "
                                    "lie next to each other."));
    free(summary);
    free(method);
    free(html);

    r.clustering_alpha = 0.01;
    html = render(&r, 0);
    summary = section(html, "summary");
    assert_non_null(strstr(summary, "Wards with many records tend to lie next to each other."));
    free(summary);
    free(html);
}

static void test_report_version_and_licence_lines(void **state)
{
    (void)state;
    char line[128];
    snprintf(line, sizeof(line), "Produced by safer %s from the files listed in section 2.",
             safer_version());

    char *html = render(NULL, 0);
    assert_non_null(strstr(html, line));
    /* No boundary year: the OGL statement, and no OS copyright. */
    assert_non_null(strstr(html, "<dt>Licence</dt><dd>Contains public sector information "
                                 "licensed under the Open Government Licence v3.0. Police "
                                 "data: data.police.uk.</dd>"));
    assert_null(strstr(html, "Crown copyright"));
    free(html);

    /* With the year, the licence note and both maps state it. */
    html = render(NULL, 2019);
    assert_non_null(strstr(html, "<dt>Licence</dt><dd>Contains public sector information "
                                 "licensed under the Open Government Licence v3.0. Contains OS "
                                 "data \xC2\xA9 Crown copyright and database right 2019. Police "
                                 "data: data.police.uk.</dd>"));
    /* The licence note, both maps twice (wide and narrow), and the small
     * multiples' key once. */
    assert_int_equal(count(html, "database right 2019."), 6);
    free(html);
}

static void test_report_escapes_data(void **state)
{
    const char *html = *state;
    /* The ward called <script>...: in the tables and in the maps' tooltips. */
    assert_null(strstr(html, "<script"));
    assert_non_null(strstr(html, "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>"));
    assert_non_null(strstr(html, "<td>Bearsted &amp; Thurnham</td>"));
    assert_non_null(strstr(html, "<title>Safer &lt;Testborough&gt; &amp; &#39;Co&#39;</title>"));
    assert_non_null(strstr(html, "<h1>Safer &lt;Testborough&gt; &amp; &#39;Co&#39;</h1>"));
}

/* ---- months with data ---- */

/*
 * The test assessment as the real Maidstone data give it: data for the
 * last 5 months only (September 2018 to January 2019, November 2018
 * partial), none in the previous window, so no change is tested; and two
 * files, one of a force with no record in the area.
 */
#define DATA_FROM (LATEST - 4)
static void build_gappy(struct safer_assessment *a)
{
    build(a, NULL, 0);
    for (size_t i = 0; i < a->ncoverage; i++) {
        struct safer_coverage *c = &a->coverage[i];
        if (c->month >= DATA_FROM)
            continue;
        c->rows = c->crime = c->asb = 0;
        c->crime_usual = c->asb_usual = NAN;
        c->reason = 0;
        c->status = SAFER_COVERAGE_MISSING;
    }
    memset(a->ward_prev, 0, NWARDS * sizeof(int64_t));
    memset(a->ward_latest, 0, NWARDS * sizeof(int64_t));
    memset(a->type_prev, 0, NTYPES * sizeof(int64_t));
    memset(a->type_latest, 0, NTYPES * sizeof(int64_t));
    for (size_t w = 0; w < NWARDS; w++) {
        for (size_t t = 0; t < NTYPES; t++) {
            for (int32_t m = FIRST; m <= LATEST; m++) {
                size_t at = (w * NTYPES + t) * (size_t)a->nmonths + (size_t)(m - FIRST);
                uint32_t *n = &a->counts[at];
                if (m < DATA_FROM)
                    *n = 0;
                a->ward_latest[w] += m >= a->l12_start ? *n : 0;
                a->type_latest[t] += m >= a->l12_start ? *n : 0;
            }
        }
    }
    for (size_t k = 0; k < a->ntests; k++) {
        struct safer_change_test *t = &a->tests[k];
        int is_type = k < NTYPES;
        size_t i = is_type ? k : k - NTYPES;
        t->prev = 0;
        t->latest = is_type ? a->type_latest[i] : a->ward_latest[i];
        t->p = t->p_adj = NAN;
        t->comparable = t->significant = 0;
    }
    a->latest12_complete = a->prev12_complete = 0;
    a->npublications = 2;
    a->publications = realloc(a->publications, 2 * sizeof(*a->publications));
    assert_non_null(a->publications);
    a->publications[1] = a->publications[0];
    snprintf(a->publications[0].force, sizeof(a->publications[0].force), "Essex Police");
    snprintf(a->publications[0].file, sizeof(a->publications[0].file), "2019-01-essex-street.csv");
    a->pub_area = zalloc(2, sizeof(int64_t));
    a->pub_unplaced = zalloc(2, sizeof(int64_t));
    a->pub_area[1] = 990;
    a->pub_unplaced[0] = 40;
    a->pub_unplaced[1] = 6;
}

static char *render_a(const struct safer_assessment *a)
{
    struct safer_buf b;
    struct safer_err err = {0};
    safer_buf_init(&b, SAFER_LIMIT_REPORT);
    assert_int_equal(safer_report_render(a, &b, &err), 0);
    return safer_buf_detach(&b, NULL);
}

static const char *const MONTHS[12] = {"January", "February", "March",     "April",
                                       "May",     "June",     "July",      "August",
                                       "September", "October", "November", "December"};

/* "October 2018" at p: its month index, and its length in *len; -1 if none. */
static long month_at(const char *p, size_t *len)
{
    for (int k = 0; k < 12; k++) {
        size_t n = strlen(MONTHS[k]);
        if (strncmp(p, MONTHS[k], n) != 0 || p[n] != ' ')
            continue;
        const char *y = p + n + 1;
        if (y[0] < '0' || y[0] > '9' || y[1] < '0' || y[1] > '9' || y[2] < '0' || y[2] > '9' ||
            y[3] < '0' || y[3] > '9')
            return -1;
        *len = n + 5;
        return strtol(y, NULL, 10) * 12 + k;
    }
    return -1;
}

/* Every "Month YYYY to Month YYYY" in the page, text alternatives
 * included, starts and ends on a month that holds data. */
static void assert_spans_hold_data(const char *html, const struct safer_assessment *a)
{
    size_t spans = 0;
    for (const char *p = html; *p; p++) {
        size_t l1, l2;
        long m1 = month_at(p, &l1);
        if (m1 < 0 || strncmp(p + l1, " to ", 4) != 0)
            continue;
        long m2 = month_at(p + l1 + 4, &l2);
        if (m2 < 0)
            continue;
        if (!safer_assessment_has_data(a, (int32_t)m1) ||
            !safer_assessment_has_data(a, (int32_t)m2))
            fail_msg("a span on a month without data: '%.*s'", (int)(l1 + 4 + l2), p);
        spans++;
    }
    assert_true(spans > 0);
}

/* Months are "October 2018" with an ordinary space: never 2018-10 in the
 * text (a file name such as 2019-01-kent-street.csv aside), never a
 * no-break space. */
static void assert_months_written_out(const char *html)
{
    assert_null(strstr(html, "\xC2\xA0"));
    assert_null(strstr(html, "&nbsp;"));
    const char *style_end = strstr(html, "</style>");
    assert_non_null(style_end);
    int in_tag = 0;
    for (const char *p = style_end; *p; p++) {
        if (*p == '<')
            in_tag = 1;
        else if (*p == '>')
            in_tag = 0;
        if (in_tag || p == style_end || (p[-1] >= '0' && p[-1] <= '9'))
            continue;
        int digits = 1;
        for (int i = 0; i < 7 && digits; i++)
            digits = i == 4 ? p[i] == '-' : p[i] >= '0' && p[i] <= '9';
        if (digits && !(p[7] >= '0' && p[7] <= '9') && p[7] != '-')
            fail_msg("a month written as YYYY-MM: '%.20s'", p);
    }
}

static void test_report_period_names_months_with_data(void **state)
{
    (void)state;
    struct safer_assessment a;
    build(&a, NULL, 0);
    char *html = render_a(&a);
    /* 2018-07 has no file: the latest window's months with data are two runs. */
    assert_non_null(strstr(html, "<strong>Months with data:</strong> February 2018 to June 2018 "
                                 "and August 2018 to January 2019: 11 of the 12 months; the 12 "
                                 "months to January 2018: all 12 months.</p>"));
    /* 11 months against 12: no test, and the verdict says why. */
    assert_non_null(strstr(html, "<td>no test: data for 12 months against 11</td>"));
    assert_non_null(strstr(html, "Police-recorded crime and anti-social behaviour in the 12 "
                                 "months to January 2019, compared with the 12 months to January "
                                 "2018."));
    assert_spans_hold_data(html, &a);
    assert_months_written_out(html);
    free(html);
    safer_assessment_release(&a);

    build_gappy(&a);
    html = render_a(&a);
    assert_non_null(strstr(html, "<strong>Months with data:</strong> September 2018 to January "
                                 "2019: 5 of the 12 months. The 12 months to January 2018 hold no "
                                 "data, so no change can be measured.</p>"));
    /* Never a span from a month without data: not "February 2018 to". */
    assert_null(strstr(html, "February 2018 to"));
    assert_null(strstr(html, "February 2017 to"));
    assert_spans_hold_data(html, &a);
    assert_months_written_out(html);
    char *method = section(html, "method");
    assert_non_null(strstr(method, "The latest window is the 12 months to January 2019 (months "
                                   "with data: September 2018 to January 2019: 5 of the 12 "
                                   "months); the previous window is as many months just before "
                                   "it, the 12 months to January 2018 (months with data: none)."));
    free(method);
    free(html);
    safer_assessment_release(&a);
}

/* A monthly average is over the months with data: 5 here, not 12. */
static void test_report_averages_over_months_with_data(void **state)
{
    (void)state;
    struct safer_assessment a;
    build_gappy(&a);
    char *html = render_a(&a);
    char *levels = section(html, "levels");
    for (size_t t = 0; t < NTYPES; t++) {
        char want[256], num[40];
        safer_svg_format_number(num, sizeof(num), (double)a.type_latest[t] / 5.0, 1, false);
        snprintf(want, sizeof(want), "<td>%s</td><td class=\"n\">%lld</td>", TYPES[t],
                 (long long)a.type_latest[t]);
        const char *row = strstr(levels, want);
        assert_non_null(row);
        snprintf(want, sizeof(want), "%%</td><td class=\"n\">%s</td></tr>", num);
        const char *avg = strstr(row, want);
        if (!avg || avg > strstr(row, "</tr>") + 5)
            fail_msg("%s: no average %s a month with data", TYPES[t], num);
    }
    /* The months with no data are gaps, not zeros, in the table behind figure 1. */
    assert_non_null(strstr(levels, "<td>August 2018</td><td class=\"n\">no data</td>"));
    /* The summary: the largest category, about N a month. */
    size_t big = 0;
    for (size_t t = 1; t < NTYPES; t++)
        big = a.type_latest[t] > a.type_latest[big] ? t : big;
    char want[160], num[40];
    safer_svg_format_number(num, sizeof(num), (double)a.type_latest[big] / 5.0, 0, false);
    snprintf(want, sizeof(want), "%% of the total, about %s a month)", num);
    char *summary = section(html, "summary");
    assert_non_null(strstr(summary, want));
    assert_non_null(strstr(summary, "of which 5 hold data (September 2018 to January 2019)"));
    free(summary);
    free(levels);
    free(html);
    safer_assessment_release(&a);
}

/* With no data in the previous window there is no test, and the page says
 * why rather than compare with 0. */
static void test_report_no_test_without_data(void **state)
{
    (void)state;
    struct safer_assessment a;
    build_gappy(&a);
    char *html = render_a(&a);
    assert_null(strstr(html, "against 0"));
    char *change = section(html, "change");
    assert_non_null(strstr(change, "<td>no test: no data for the 12 months to January "
                                   "2018</td>"));
    assert_null(strstr(change, "within chance"));
    assert_null(strstr(change, "significant rise"));
    assert_null(strstr(change, "significant fall"));
    /* p and adjusted p are dashes; no change is shown. */
    assert_non_null(strstr(change, "<td class=\"n\">\xE2\x80\x94</td><td class=\"n\">\xE2\x80\x94"
                                   "</td><td>no test"));
    assert_non_null(strstr(change, "No change to show: no data for the 12 months to January "
                                   "2018"));
    assert_int_equal(count(change, "\xE2\x80\x94 no test and no change: the two windows are not "
                                   "like for like (no data for the 12 months to January 2018)"),
                     2);
    char *summary = section(html, "summary");
    assert_non_null(strstr(summary, "No change can be measured: the 12 months to January 2018 "
                                    "hold no data."));
    free(summary);
    free(change);
    free(html);
    safer_assessment_release(&a);
}

/* What the change tables of `html` mark, and that each says what the mark
 * means right after it. */
static void assert_marks_explained(const char *html, const char *mark, const char *meaning)
{
    char *change = section(html, "change");
    size_t tables = 0;
    for (const char *t = strstr(change, "<table>"); t; t = strstr(t + 1, "<table>")) {
        const char *end = strstr(t, "</table>");
        assert_non_null(end);
        const char *next = strstr(end, "<table>");
        const char *fig = strstr(end, "<figure>");
        if (!next || (fig && fig < next))
            next = fig;
        char *note = strndup(end, next ? (size_t)(next - end) : strlen(end));
        char *body = strndup(t, (size_t)(end - t));
        assert_true(note && body);
        if (!strstr(body, mark))
            fail_msg("change table %zu has no '%s'", tables + 1, mark);
        if (!strstr(note, meaning))
            fail_msg("change table %zu: '%s' not explained beside it", tables + 1, mark);
        free(body);
        free(note);
        tables++;
    }
    assert_int_equal(tables, 2);
    free(change);
}

/* Each change table that uses a mark says what it means right after it. */
static void test_report_marks_explained_beside_tables(void **state)
{
    (void)state;
    struct safer_assessment a;
    /* Every month has a file but two are partial: tested, not comparable. */
    build(&a, NULL, 0);
    for (size_t i = 0; i < a.ncoverage; i++) {
        if (a.coverage[i].status == SAFER_COVERAGE_MISSING)
            a.coverage[i].status = SAFER_COVERAGE_OK;
    }
    char *html = render_a(&a);
    assert_marks_explained(html, " \xE2\x80\xA0</td>",
                           "\xE2\x80\xA0 not comparable: a window has a missing or partial month");
    free(html);
    /* Complete windows, one change significant in each table. */
    for (size_t i = 0; i < a.ncoverage; i++)
        a.coverage[i].status = SAFER_COVERAGE_OK;
    a.latest12_complete = a.prev12_complete = 1;
    for (size_t k = 0; k < a.ntests; k++)
        a.tests[k].comparable = 1;
    a.tests[0].significant = 1;
    a.tests[NTYPES].significant = 1;
    html = render_a(&a);
    assert_marks_explained(html, " *</td>", "* significant: an exact binomial test");
    assert_null(strstr(html, "\xE2\x80\xA0"));
    free(html);
    safer_assessment_release(&a);
}

/* Section 2 shows the area's records and the files that contributed to
 * it, not the whole store's. */
static void test_report_area_figures_only(void **state)
{
    (void)state;
    struct safer_assessment a;
    build_gappy(&a);
    char *html = render_a(&a);
    char *data = section(html, "data");
    assert_null(strstr(data, "All records in the store"));
    assert_null(strstr(data, "2019-01-essex-street.csv"));
    assert_non_null(strstr(data, "<td>2019-01-kent-street.csv</td>"));
    assert_non_null(strstr(data, "<p>1 police.uk file holds records of the area"));
    assert_non_null(
        strstr(data, "<td>All records of the area&#39;s wards</td><td class=\"n\">990"));
    /* Only the area's files' unplaced records: 6, not the other file's 40. */
    assert_non_null(strstr(data, "(perhaps in the area, perhaps not)</td><td class=\"n\">6</td>"));
    free(data);
    free(html);
    safer_assessment_release(&a);
}

/* ---- rates ---- */

/* " over <months>, not annualised, with a 95% interval of L to U" of a
 * rate of `count` records among `pop` residents, as the summary words it. */
static void rate_basis(char *out, size_t outsz, const char *months, int64_t count, double pop,
                       bool few)
{
    double lo, up;
    char l[40], u[40];
    safer_poisson_ci(count, SAFER_RATE_CONF, &lo, &up);
    safer_svg_format_number(l, sizeof(l), 1000.0 * lo / pop, 1, false);
    safer_svg_format_number(u, sizeof(u), 1000.0 * up / pop, 1, false);
    snprintf(out, outsz, " over %s, not annualised, with a 95%% interval of %s to %s%s.", months,
             l, u, few ? " (few records)" : "");
}

/* The summary's rates, the area's and the highest ward's, name the months
 * they are over, give their 95% interval and say when they rest on few
 * records. */
static void test_report_summary_rates_say_their_basis(void **state)
{
    (void)state;
    /* July 2018 has no file: the rates are over the other 11 months. */
    static const char OVER[] = "February 2018 to June 2018 and August 2018 to January 2019 (11 "
                               "of the 12 months)";
    for (int few = 0; few < 2; few++) {
        struct safer_rules r;
        safer_rules_init(&r);
        if (few)
            r.rate_few_records = 1000000;
        struct safer_assessment a;
        build(&a, &r, 0);
        char *html = render_a(&a);
        char *summary = section(html, "summary");

        int64_t total = 0;
        double pop = 0, bestv = -1;
        size_t best = 0;
        for (size_t w = 0; w < NWARDS; w++) {
            total += a.ward_latest[w];
            pop += a.population[w];
            double v = 1000.0 * (double)a.ward_latest[w] / a.population[w];
            if (v > bestv) {
                bestv = v;
                best = w;
            }
        }
        char basis[256], want[512], rate[40], n[40];
        safer_svg_format_number(rate, sizeof(rate), 1000.0 * (double)total / pop, 1, false);
        rate_basis(basis, sizeof(basis), OVER, total, pop, few);
        snprintf(want, sizeof(want), "That is %s records per 1,000 residents%s", rate, basis);
        if (!strstr(summary, want))
            fail_msg("the area's rate: no '%s'", want);

        safer_svg_format_number(rate, sizeof(rate), bestv, 1, false);
        safer_svg_format_number(n, sizeof(n), (double)a.ward_latest[best], 0, false);
        rate_basis(basis, sizeof(basis), OVER, a.ward_latest[best], a.population[best], few);
        snprintf(want, sizeof(want),
                 " had the highest rate, %s per 1,000 residents (%s records in 11 months with "
                 "data). The rate is%s",
                 rate, n, basis);
        if (!strstr(summary, want))
            fail_msg("the highest ward rate: no '%s'", want);
        assert_int_equal(count(summary, "(few records)"), few ? 2 : 0);
        free(summary);
        free(html);
        safer_assessment_release(&a);
    }
}

/* The method notes say what a rate is, how sure it is and when it is
 * flagged; what Moran's I is computed on; and the files written. */
static void test_report_method_states_rates_and_files(void **state)
{
    (void)state;
    struct safer_rules r;
    safer_rules_init(&r);
    r.rate_few_records = 7;
    struct safer_assessment a;
    build(&a, &r, 0);
    char *html = render_a(&a);
    char *method = section(html, "method");
    assert_non_null(strstr(method, "<dt>Rates</dt><dd>Records per 1,000 residents over the months "
                                   "named with each rate: the months of the latest window that "
                                   "hold data (February 2018 to June 2018 and August 2018 to "
                                   "January 2019: 11 of the 12 months). A rate is never "
                                   "annualised"));
    assert_non_null(strstr(method, "Its 95% interval is the exact Poisson interval of its count "
                                   "(Garwood's, as R poisson.test gives it)"));
    assert_non_null(strstr(method, "A rate from fewer than 7 records is marked &#8220;few "
                                   "records&#8221;"));
    assert_non_null(strstr(method, "<dt>Clustering</dt><dd>Moran's I of the wards in the latest "
                                   "window, on their counts and, when a population is loaded, on "
                                   "their rates per 1,000 residents"));
    assert_non_null(strstr(method, "moran.csv holds the rows on counts (total_latest12), then "
                                   "those on rates (rate_latest12)"));
    /* The files the assessment writes: no hot spot Locations were read,
     * there are no peers. */
    assert_non_null(strstr(method, "<dt>Files</dt><dd>Every figure is in the CSV files beside "
                                   "this report: counts_ward_type_month.csv, change_by_type.csv, "
                                   "change_by_ward.csv, change_tests.csv, coverage.csv, "
                                   "hotspots.csv, moran.csv, outcomes_by_type.csv, summary.csv, "
                                   "rates_by_ward.csv.</dd>"));
    assert_null(strstr(method, "Public edition"));
    free(method);
    free(html);

    /* With the Locations of the hot spots' records and a peer comparison. */
    a.place_start = zalloc(a.ncells + 1, sizeof(size_t));
    a.npeers = 1;
    a.peers = zalloc(1, sizeof(*a.peers));
    a.peers[0].code = dup("");
    a.peers[0].name = dup("The area");
    a.peers[0].count = zalloc(NTYPES, sizeof(int64_t));
    html = render_a(&a);
    method = section(html, "method");
    assert_non_null(strstr(method, "hotspots.csv, hotspot_locations.csv, moran.csv, "
                                   "outcomes_by_type.csv, summary.csv, peers.csv, "
                                   "rates_by_ward.csv.</dd>"));
    free(method);
    free(html);
    safer_assessment_release(&a);
}

/* The candidates' count and rate name the window, as every table does. */
static void test_report_candidates_name_the_window(void **state)
{
    (void)state;
    struct safer_assessment a;
    build(&a, NULL, 0);
    char *html = render_a(&a);
    char *cand = section(html, "candidates");
    assert_non_null(strstr(cand, "<th scope=\"col\" class=\"n\">12 months to January 2019</th>"
                                 "<th scope=\"col\" class=\"n\">Volume</th><th scope=\"col\" "
                                 "class=\"n\">Rate per 1,000, 12 months to January 2019</th>"));
    assert_null(strstr(cand, "Latest 12"));
    assert_null(strstr(cand, "latest 12 months)"));
    free(cand);
    free(html);
    safer_assessment_release(&a);
}

/* ---- the public edition ---- */

/* Window totals, and the change tests' counts, from a->counts. */
static void recount(struct safer_assessment *a)
{
    memset(a->ward_prev, 0, NWARDS * sizeof(int64_t));
    memset(a->ward_latest, 0, NWARDS * sizeof(int64_t));
    memset(a->type_prev, 0, NTYPES * sizeof(int64_t));
    memset(a->type_latest, 0, NTYPES * sizeof(int64_t));
    for (size_t w = 0; w < NWARDS; w++) {
        for (size_t t = 0; t < NTYPES; t++) {
            for (int32_t m = a->p12_start; m <= LATEST; m++) {
                uint32_t n = a->counts[(w * NTYPES + t) * (size_t)a->nmonths + (size_t)(m - FIRST)];
                int64_t *ward = m >= a->l12_start ? a->ward_latest : a->ward_prev;
                int64_t *type = m >= a->l12_start ? a->type_latest : a->type_prev;
                ward[w] += n;
                type[t] += n;
            }
        }
    }
    for (size_t k = 0; k < a->ntests; k++) {
        struct safer_change_test *t = &a->tests[k];
        size_t i = k < NTYPES ? k : k - NTYPES;
        t->prev = k < NTYPES ? a->type_prev[i] : a->ward_prev[i];
        t->latest = k < NTYPES ? a->type_latest[i] : a->ward_latest[i];
    }
}

/*
 * The test assessment with a rare category: Burglary has 3 records in the
 * latest window (Allington: 2 in August 2018, 1 in December 2018) and 2
 * in the previous (the second ward, December 2017); 3 records are placed
 * through their LSOA. Every month of the windows has a file, so changes
 * are tested: Burglary's and the first ward's are significant.
 */
#define BURGLARY 1
static void build_rare(struct safer_assessment *a)
{
    build(a, NULL, 0);
    size_t nm = (size_t)a->nmonths;
    for (size_t w = 0; w < NWARDS; w++)
        memset(&a->counts[(w * NTYPES + BURGLARY) * nm], 0, nm * sizeof(uint32_t));
    a->counts[BURGLARY * nm + (size_t)(LATEST - 5 - FIRST)] = 2;
    a->counts[BURGLARY * nm + (size_t)(LATEST - 1 - FIRST)] = 1;
    a->counts[(NTYPES + BURGLARY) * nm + (size_t)(LATEST - 13 - FIRST)] = 2;
    recount(a);
    a->rows_assigned_by_lsoa = 3;
    for (size_t i = 0; i < a->ncoverage; i++) {
        a->coverage[i].status = SAFER_COVERAGE_OK;
        a->coverage[i].reason = 0;
    }
    a->latest12_complete = a->prev12_complete = 1;
    for (size_t k = 0; k < a->ntests; k++) {
        a->tests[k].comparable = 1;
        a->tests[k].significant = k == BURGLARY || k == NTYPES;
    }
}

static void hide(struct safer_assessment *a)
{
    struct safer_err err = {0};
    if (safer_assessment_hide(a, 5, &err) < 0)
        fail_msg("%s", err.msg);
}

/* A table of the page read back: its column headings and each row's
 * cells, as the HTML between the tags. */
struct table {
    size_t ncols, nrows;
    char *head[16];
    char **cells;      /* nrows * ncols */
    const char *after; /* the page after the table */
};

static void table_read(const char *html, const char *caption, struct table *t)
{
    char want[256];
    snprintf(want, sizeof(want), "<caption>%s</caption>", caption);
    const char *p = strstr(html, want);
    if (!p)
        fail_msg("no table '%s'", caption);
    const char *end = strstr(p, "</table>");
    const char *body = strstr(p, "<tbody>");
    assert_true(end && body && body < end);
    memset(t, 0, sizeof(*t));
    for (const char *th = strstr(p, "<th scope=\"col\""); th && th < body;
         th = strstr(th + 1, "<th scope=\"col\"")) {
        assert_true(t->ncols < 16);
        const char *gt = strchr(th, '>') + 1;
        t->head[t->ncols++] = strndup(gt, (size_t)(strstr(gt, "</th>") - gt));
    }
    for (const char *tr = strstr(body, "<tr>"); tr && tr < end; tr = strstr(tr + 1, "<tr>")) {
        t->cells = realloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(char *));
        assert_non_null(t->cells);
        const char *td = tr;
        for (size_t c = 0; c < t->ncols; c++) {
            td = strstr(td, "<td");
            assert_true(td && td < end);
            const char *gt = strchr(td, '>') + 1;
            const char *close = strstr(gt, "</td>");
            t->cells[t->nrows * t->ncols + c] = strndup(gt, (size_t)(close - gt));
            td = close;
        }
        t->nrows++;
    }
    t->after = end;
}

static const char *cell(const struct table *t, size_t r, size_t c)
{
    assert_true(r < t->nrows && c < t->ncols);
    return t->cells[r * t->ncols + c];
}

static void table_free(struct table *t)
{
    for (size_t c = 0; c < t->ncols; c++)
        free(t->head[c]);
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
}

static size_t type_named(const char *name)
{
    for (size_t t = 0; t < NTYPES; t++) {
        if (strcmp(TYPES[t], name) == 0)
            return t;
    }
    fail_msg("no category '%s'", name);
    return 0;
}

/* `v` as the report writes a count. */
static const char *num(char buf[40], int64_t v)
{
    return safer_svg_format_number(buf, 40, (double)v, 0, false);
}

#define MARK "[c]"
#define HIDDEN_NOTE "<p class=\"note\">[c]: a count from 1 to 4, or one hidden so that"

/* Every table that shows the mark has the note beside it: after the table,
 * before the next table, figure or heading. Returns how many do. */
static size_t assert_marked_tables_noted(const char *html)
{
    size_t marked = 0;
    for (const char *t = strstr(html, "<table>"); t; t = strstr(t + 1, "<table>")) {
        const char *end = strstr(t, "</table>");
        assert_non_null(end);
        char *body = strndup(t, (size_t)(end - t));
        assert_non_null(body);
        if (strstr(body, MARK)) {
            const char *next = end + strlen(end);
            static const char *const stops[] = {"<table>", "<figure>", "<h2", "<h3"};
            for (size_t k = 0; k < sizeof(stops) / sizeof(stops[0]); k++) {
                const char *s = strstr(end, stops[k]);
                if (s && s < next)
                    next = s;
            }
            const char *note = strstr(end, HIDDEN_NOTE);
            if (!note || note > next)
                fail_msg("a table showing [c] has no note beside it: %.80s", body);
            marked++;
        }
        free(body);
    }
    return marked;
}

/* The public edition says so, states its rule, and lists only the files
 * it writes; the members' edition of the same assessment shows no mark. */
static void test_report_public_edition_says_so(void **state)
{
    (void)state;
    struct safer_assessment a;
    build_rare(&a);
    a.place_start = zalloc(a.ncells + 1, sizeof(size_t));
    char *members = render_a(&a);
    assert_null(strstr(members, MARK));
    assert_null(strstr(members, "public edition"));
    assert_null(strstr(members, "Public edition"));
    assert_null(strstr(members, "class=\"note\""));

    hide(&a);
    char *html = render_a(&a);
    assert_non_null(strstr(html, "<header><p class=\"meta\">Strategic assessment: public "
                                 "edition</p><h1>"));
    assert_non_null(strstr(html, "<p class=\"inset\"><strong>Public edition.</strong> Counts "
                                 "from 1 to 4 are shown as [c], and so are the counts that would "
                                 "give them away"));
    assert_non_null(strstr(html, "Tables of single places, the hot spot squares and the "
                                 "police.uk locations of their records, are left out."));
    assert_non_null(strstr(html, "\", strategic assessment, public edition, \" \"12 months to "
                                 "January 2019\""));
    char *method = section(html, "method");
    assert_non_null(strstr(method, "<dt>Public edition</dt><dd>Every count from 1 to 4 that "
                                   "this report or its CSV files would publish is hidden"));
    assert_non_null(strstr(method, "every sum a reader can form keeps two or more hidden "
                                   "counts, or none"));
    assert_non_null(strstr(method, "checked by linear algebra"));
    /* Neither the files of single places nor the counts by ward, category
     * and month are written. */
    assert_non_null(strstr(method, "<dt>Files</dt><dd>Every figure is in the CSV files beside "
                                   "this report: change_by_type.csv, change_by_ward.csv, "
                                   "change_tests.csv, coverage.csv, moran.csv, "
                                   "outcomes_by_type.csv, summary.csv, rates_by_ward.csv.</dd>"));
    char *caveats = section(html, "caveats");
    assert_non_null(strstr(caveats, "<strong>Hidden counts.</strong>"));
    free(caveats);
    free(method);
    free(html);
    free(members);
    safer_assessment_release(&a);
}

/* In the public edition each hidden count, and each figure worked out from
 * one, is the mark in its cell, and each table showing it has the note. */
static void test_report_public_hides_counts_in_tables(void **state)
{
    (void)state;
    struct safer_assessment a;
    build_rare(&a);
    hide(&a);
    /* Burglary's counts are small; Anti-social behaviour, the smallest
     * other category, is hidden to protect them. */
    assert_int_equal(a.hidden.type_latest[BURGLARY], SAFER_HIDDEN_SMALL);
    assert_int_equal(a.hidden.type_prev[BURGLARY], SAFER_HIDDEN_SMALL);
    assert_int_equal(a.hidden.type_latest[0], SAFER_HIDDEN_OTHERS);
    assert_int_equal(a.hidden.type_latest[2], SAFER_SHOWN);
    assert_int_equal(a.hidden.by_lsoa, SAFER_HIDDEN_SMALL);
    assert_int_equal(a.hidden.by_location, SAFER_HIDDEN_OTHERS);
    char *html = render_a(&a);
    char b[40];

    /* Records by category: count, share and average go together; the
     * hidden categories after the others. */
    struct table t;
    table_read(html, "Records by category, the 12 months to January 2019", &t);
    assert_int_equal(t.nrows, NTYPES);
    bool seen_hidden = false;
    for (size_t r = 0; r < t.nrows; r++) {
        size_t k = type_named(cell(&t, r, 0));
        if (a.hidden.type_latest[k]) {
            seen_hidden = true;
            for (size_t c = 1; c < 4; c++)
                assert_string_equal(cell(&t, r, c), MARK);
        } else {
            assert_false(seen_hidden);
            assert_string_equal(cell(&t, r, 1), num(b, a.type_latest[k]));
            assert_non_null(strstr(cell(&t, r, 2), "%"));
        }
    }
    table_free(&t);

    /* Change by category: a hidden pair has no change, no p and no verdict. */
    table_read(html, "Change by category (figure 3)", &t);
    assert_int_equal(t.nrows, NTYPES);
    for (size_t r = 0; r < t.nrows; r++) {
        size_t k = type_named(cell(&t, r, 0));
        bool hp = a.hidden.type_prev[k], hl = a.hidden.type_latest[k];
        assert_string_equal(cell(&t, r, 1), hp ? MARK : num(b, a.type_prev[k]));
        assert_string_equal(cell(&t, r, 2), hl ? MARK : num(b, a.type_latest[k]));
        if (hp || hl) {
            assert_string_equal(cell(&t, r, 3), MARK);
            assert_string_equal(cell(&t, r, 4), MARK);
            assert_string_equal(cell(&t, r, 5), "\xE2\x80\x94");
            assert_string_equal(cell(&t, r, 6), "\xE2\x80\x94");
            assert_string_equal(cell(&t, r, 7), "[c]: not published");
        } else {
            assert_null(strstr(cell(&t, r, 3), MARK));
            assert_string_not_equal(cell(&t, r, 5), "\xE2\x80\x94");
            assert_null(strstr(cell(&t, r, 7), MARK));
        }
    }
    table_free(&t);

    /* Records by month: a hidden month is the mark, not "no data" and not
     * its count, in every series. */
    table_read(html, "Records by month", &t);
    size_t hidden_months = 0;
    for (size_t r = 0; r < t.nrows; r++) {
        size_t len;
        long m = month_at(cell(&t, r, 0), &len);
        assert_true(m >= FIRST && m <= LATEST);
        size_t mi = (size_t)(m - FIRST);
        for (size_t c = 1; c < t.ncols; c++) {
            size_t row = c == 1 ? NTYPES : type_named(t.head[c]);
            int64_t v = 0;
            for (size_t w = 0; w < NWARDS; w++) {
                for (size_t k = 0; k < NTYPES; k++) {
                    if (k == row || row == NTYPES)
                        v += a.counts[(w * NTYPES + k) * (size_t)a.nmonths + mi];
                }
            }
            if (a.hidden.month[row * (size_t)a.nmonths + mi]) {
                assert_string_equal(cell(&t, r, c), MARK);
                hidden_months++;
            } else if (!safer_assessment_has_data(&a, (int32_t)m)) {
                assert_string_equal(cell(&t, r, c), "no data");
            } else {
                assert_string_equal(cell(&t, r, c), num(b, v));
            }
        }
    }
    assert_true(hidden_months >= 3);
    table_free(&t);

    /* Candidates: the hidden categories unranked, after the others, with
     * nothing worked out from their counts. */
    table_read(html, "Candidate priorities, highest score first", &t);
    assert_int_equal(t.nrows, NTYPES);
    seen_hidden = false;
    for (size_t r = 0; r < t.nrows; r++) {
        size_t k = type_named(cell(&t, r, 1));
        if (a.hidden.type_latest[k] || a.hidden.type_prev[k]) {
            seen_hidden = true;
            for (size_t c = 0; c < t.ncols; c++) {
                if (c != 1)
                    assert_string_equal(cell(&t, r, c), MARK);
            }
        } else {
            assert_false(seen_hidden);
            assert_string_equal(cell(&t, r, 0), num(b, (int64_t)r + 1));
            assert_string_equal(cell(&t, r, 2), num(b, a.type_latest[k]));
        }
    }
    assert_true(seen_hidden);
    table_free(&t);

    /* Section 2's records: by location and through the LSOA hidden, all
     * of them shown. */
    table_read(html, "The area&#39;s records up to January 2019", &t);
    assert_string_equal(cell(&t, 0, 1), MARK);
    assert_string_equal(cell(&t, 1, 1), MARK);
    assert_string_equal(cell(&t, 2, 1), "990");
    table_free(&t);

    assert_true(assert_marked_tables_noted(html) >= 5);
    free(html);
    safer_assessment_release(&a);
}

/* Prose and figures state no hidden count and nothing worked out from one:
 * the summary names no hidden category, lists no hidden change, and a
 * hidden month is a gap in the lines. */
static void test_report_public_prose_and_figures(void **state)
{
    (void)state;
    struct safer_assessment a;
    build_rare(&a);
    char *members = render_a(&a);
    char *summary = section(members, "summary");
    /* Without hiding, Burglary's rise is named. */
    assert_non_null(strstr(summary, "Rises larger than chance would explain: Burglary (+50.0%)"));
    free(summary);
    free(members);

    hide(&a);
    char *html = render_a(&a);
    summary = section(html, "summary");
    for (size_t t = 0; t < NTYPES; t++) {
        if (a.hidden.type_latest[t] && strstr(summary, TYPES[t]))
            fail_msg("the summary names '%s', whose count is hidden", TYPES[t]);
    }
    assert_non_null(strstr(summary, "The largest categories whose counts are published were "
                                    "Violence and sexual offences ("));
    assert_non_null(strstr(summary, "The changes of categories and wards whose counts are "
                                    "hidden are not published."));
    free(summary);

    /* Figure 2's Burglary line has no value where its months are hidden,
     * as where they hold no data (the 6 months before the previous
     * window). */
    size_t gaps = 0;
    for (int32_t m = FIRST; m <= LATEST; m++)
        gaps += !safer_assessment_has_data(&a, m) ||
                a.hidden.month[BURGLARY * (size_t)a.nmonths + (size_t)(m - FIRST)];
    assert_int_equal(gaps, 6 + 3);
    char want[160];
    snprintf(want, sizeof(want), "Burglary was 0 in both February 2017 and January 2019; highest "
                                 "0 in February 2017, lowest 0 in February 2017; no value for %zu "
                                 "of the 30 months.",
             gaps);
    const char *fig2 = strstr(html, "<desc id=\"trend-types-desc\">");
    assert_non_null(fig2);
    const char *fig2_end = strstr(fig2, "</desc>");
    const char *line = strstr(fig2, want);
    if (!line || line > fig2_end)
        fail_msg("figure 2 does not say '%s'", want);
    /* Caption: the hidden months are gaps. */
    assert_non_null(strstr(html, "A month whose count is hidden ([c]) is a gap as well, and is "
                                 "not shaded."));
    /* Figure 3 draws no bar of a hidden change. */
    const char *fig3 = strstr(html, "<desc id=\"change-type-desc\">");
    assert_non_null(fig3);
    const char *fig3_end = strstr(fig3, "</desc>");
    for (size_t t = 0; t < NTYPES; t++) {
        const char *name = strstr(fig3, TYPES[t]);
        bool drawn = name && name < fig3_end;
        assert_true(drawn == !(a.hidden.type_latest[t] || a.hidden.type_prev[t]));
    }
    free(html);
    safer_assessment_release(&a);
}

/* Totals hidden: the summary says so and states nothing worked out from
 * them. */
static void test_report_public_hidden_totals(void **state)
{
    (void)state;
    struct safer_assessment a;
    build_rare(&a);
    memset(a.counts, 0, (size_t)NWARDS * NTYPES * (size_t)a.nmonths * sizeof(uint32_t));
    a.counts[(size_t)(LATEST - 1 - FIRST)] = 1;
    a.counts[(size_t)(LATEST - 2 - FIRST)] = 1;
    a.counts[(size_t)(LATEST - 13 - FIRST)] = 3;
    recount(&a);
    for (size_t k = 0; k < a.ntests; k++)
        a.tests[k].significant = 0;
    hide(&a);
    assert_true(a.hidden.total_latest && a.hidden.total_prev);
    char *html = render_a(&a);
    char *summary = section(html, "summary");
    assert_non_null(strstr(summary, "The number of crimes and incidents of anti-social behaviour "
                                    "the police recorded in the area's 3 wards in the 12 "
                                    "months to January 2019 is not published ([c])."));
    assert_null(strstr(summary, "a month"));
    assert_null(strstr(summary, "records per 1,000 residents over"));
    assert_non_null(strstr(summary, "The totals of the two windows are not published ([c]), nor "
                                    "their change."));
    free(summary);
    char *change = section(html, "change");
    assert_null(strstr(change, "No change to show"));
    free(change);
    assert_marked_tables_noted(html);
    free(html);
    safer_assessment_release(&a);
}

/* The page of the default assessment, shared by the tests that only read it. */
static int render_default(void **state)
{
    *state = render(NULL, 0);
    return 0;
}

static int free_default(void **state)
{
    free(*state);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_sections_in_order),
        cmocka_unit_test(test_report_tables_have_caption_and_header_row),
        cmocka_unit_test(test_report_figures_have_text_alternatives),
        cmocka_unit_test(test_report_figures_wide_and_narrow),
        cmocka_unit_test(test_report_tables_scroll_in_a_named_box),
        cmocka_unit_test(test_report_print_footer),
        cmocka_unit_test(test_report_method_states_the_rules),
        cmocka_unit_test(test_report_version_and_licence_lines),
        cmocka_unit_test(test_report_escapes_data),
        cmocka_unit_test(test_report_period_names_months_with_data),
        cmocka_unit_test(test_report_averages_over_months_with_data),
        cmocka_unit_test(test_report_no_test_without_data),
        cmocka_unit_test(test_report_marks_explained_beside_tables),
        cmocka_unit_test(test_report_area_figures_only),
        cmocka_unit_test(test_report_summary_rates_say_their_basis),
        cmocka_unit_test(test_report_method_states_rates_and_files),
        cmocka_unit_test(test_report_candidates_name_the_window),
        cmocka_unit_test(test_report_public_edition_says_so),
        cmocka_unit_test(test_report_public_hides_counts_in_tables),
        cmocka_unit_test(test_report_public_prose_and_figures),
        cmocka_unit_test(test_report_public_hidden_totals),
    };
    return cmocka_run_group_tests_name("report", tests, render_default, free_default);
}
