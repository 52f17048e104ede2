/*
 * test_report_places.c - section 5 of the report, places, on an assessment
 * built by hand: the months its rates cover, never a month without data at
 * either end; ward numbers on the map keyed to the ward table; the classes
 * stated; rates with their 95% intervals and the few-records flag; a map
 * per major category; the hot spot table naming each square's ward and
 * places, a square without records of its own saying so; the inset of the
 * densest cluster, marked on the whole map; Moran's I saying which variable
 * each row tests.
 *
 * The assessment: three wards, 5 km squares side by side on the British
 * National Grid; four categories over the 12 months to February 2019, of
 * which only October 2018 to February 2019 hold records; a grid of 250 m
 * squares (60 x 20) with a cluster of nine hot squares in the middle ward,
 * one of them without records of its own.
 */
#include "util/compat.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "safer/assess.h"
#include "safer/buf.h"
#include "safer/limits.h"
#include "safer/report.h"
#include "safer/rules.h"
#include "safer/stats.h"

#define NWARDS 3
#define NTYPES 4
#define LATEST (2019 * 12 + 1) /* February 2019 */
#define SIDE 5000.0
#define CELL 250.0
#define NX 60
#define NY 20

static const char *const WARD_NAMES[NWARDS] = {"Allington", "High Street", "Shepway North"};
static const char *const TYPES[NTYPES] = {"Anti-social behaviour", "Burglary",
                                          "Criminal damage and arson", "Shoplifting"};

static void *zalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    assert_non_null(p);
    return p;
}

static char *dup(const char *s)
{
    char *d = strdup(s);
    assert_non_null(d);
    return d;
}

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

/* The hot squares: a 3 x 3 block in the middle ward; (31, 10) has no records. */
static int hot_square(int i, int j)
{
    return i >= 30 && i <= 32 && j >= 9 && j <= 11;
}

static void build(struct safer_assessment *a)
{
    memset(a, 0, sizeof(*a));
    safer_rules_init(&a->rules);
    a->latest = LATEST;
    a->l12_start = LATEST - 11;
    a->p12_start = LATEST - 23;
    a->p12_end = LATEST - 12;
    a->first_month = LATEST - 11;
    a->nmonths = 12;
    a->title = dup("Safer Testborough");
    a->boundary_year = 2019;

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
        square(&a->wards_bng[w], 570000.0 + SIDE * (double)w, 150000.0, SIDE);
    }
    a->ntypes = NTYPES;
    a->types = zalloc(NTYPES, sizeof(char *));
    for (size_t t = 0; t < NTYPES; t++)
        a->types[t] = dup(TYPES[t]);

    /* Records in the last five months only; Allington has one a month. */
    a->counts = zalloc((size_t)NWARDS * NTYPES * 12, sizeof(uint32_t));
    a->ward_prev = zalloc(NWARDS, sizeof(int64_t));
    a->ward_latest = zalloc(NWARDS, sizeof(int64_t));
    a->type_prev = zalloc(NTYPES, sizeof(int64_t));
    a->type_latest = zalloc(NTYPES, sizeof(int64_t));
    for (size_t w = 0; w < NWARDS; w++) {
        for (size_t t = 0; t < NTYPES; t++) {
            for (size_t m = 7; m < 12; m++) {
                uint32_t n = w == 0 ? (t == 1) : (uint32_t)(10 * w + 3 * t + m);
                a->counts[(w * NTYPES + t) * 12 + m] = n;
                a->ward_latest[w] += n;
                a->type_latest[t] += n;
            }
        }
    }
    a->population = zalloc(NWARDS, sizeof(double));
    a->rate_lower = zalloc(NWARDS, sizeof(double));
    a->rate_upper = zalloc(NWARDS, sizeof(double));
    for (size_t w = 0; w < NWARDS; w++) {
        double lo, up;
        a->population[w] = 4000.0 + 1000.0 * (double)w;
        safer_poisson_ci(a->ward_latest[w], SAFER_RATE_CONF, &lo, &up);
        a->rate_lower[w] = 1000.0 * lo / a->population[w];
        a->rate_upper[w] = 1000.0 * up / a->population[w];
    }
    a->population_basis = dup("Mid-2015 population");

    /* The grid: every square "none" but the hot block. */
    a->cell = CELL;
    a->ncells = NX * NY;
    a->cells = zalloc(a->ncells, sizeof(*a->cells));
    for (int j = 0; j < NY; j++) {
        for (int i = 0; i < NX; i++) {
            struct safer_hotcell *c = &a->cells[j * NX + i];
            c->i = 2280 + i;
            c->j = 600 + j;
            c->e = ((double)c->i + 0.5) * CELL;
            c->n = ((double)c->j + 0.5) * CELL;
            c->neighbours = 9;
            c->z = 0.1;
            c->p = c->p_adj = 0.9;
            c->cls = SAFER_GI_NONE;
            if (hot_square(i, j)) {
                c->count = i == 31 && j == 10 ? 0 : 20 + i + j;
                c->z = 5.0 + (double)(i + j) / 100;
                c->p = c->p_adj = 0.0001;
                c->cls = SAFER_GI_HOT99;
            }
        }
    }
    /* The hot squares' places: two Locations each, the first in two wards. */
    static const char *const where[3] = {"On or near Shopping Area", "On or near Station Road",
                                         "On or near Week Street"};
    a->nplace_names = 3;
    a->place_names = zalloc(3, sizeof(char *));
    for (size_t k = 0; k < 3; k++)
        a->place_names[k] = dup(where[k]);
    a->places = zalloc(a->ncells * 3, sizeof(*a->places));
    a->place_start = zalloc(a->ncells + 1, sizeof(size_t));
    for (size_t k = 0; k < a->ncells; k++) {
        const struct safer_hotcell *c = &a->cells[k];
        if (c->count) {
            int64_t rest = c->count - 5 - 3;
            a->places[a->nplaces++] = (struct safer_cell_place){k, 1, a->place_names[0], rest};
            a->places[a->nplaces++] = (struct safer_cell_place){k, 1, a->place_names[2], 5};
            a->places[a->nplaces++] = (struct safer_cell_place){k, 2, a->place_names[0], 3};
        }
        a->place_start[k + 1] = a->nplaces;
    }

    a->nmoran = 4;
    static const char *const vars[2] = {"total_latest12", "rate_latest12"};
    for (size_t i = 0; i < 4; i++) {
        struct safer_moran_row *m = &a->moran[i];
        m->variable = vars[i / 2];
        m->style = i % 2 ? "B" : "W";
        m->n = NWARDS;
        m->I = 0.25;
        m->expectation = -0.5;
        m->variance = NAN;
        m->z = NAN;
        m->p = NAN;
    }
}

/* The text of section `id` of the page, from its heading to the next. */
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

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = strstr(s, what); p; p = strstr(p + 1, what))
        n++;
    return n;
}

static int setup(void **state)
{
    struct safer_assessment a;
    struct safer_buf b;
    struct safer_err err = {0};
    build(&a);
    safer_buf_init(&b, SAFER_LIMIT_REPORT);
    if (safer_report_render(&a, &b, &err) < 0)
        return -1;
    safer_assessment_release(&a);
    char *html = safer_buf_detach(&b, NULL);
    *state = section(html, "places");
    free(html);
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

/* Rates and counts say the months they cover, the months holding data. */
static void test_places_name_the_months_of_their_rates(void **state)
{
    const char *s = *state;
    const char *months = "October 2018 to February 2019 (5 of the 12 months)";
    assert_non_null(strstr(s, "Rates are records per 1,000 residents over October 2018 to "
                              "February 2019 (5 of the 12 months). They are not annualised"));
    assert_non_null(strstr(s, "<caption>Wards: records and rates per 1,000 residents, October "
                              "2018 to February 2019 (5 of the 12 months) (figures 5 and 6)"));
    /* Every figure and table of the section names them. */
    assert_true(count(s, months) >= 10);
    /* March 2018, the window's first month, holds no data: never named. */
    assert_null(strstr(s, "March 2018"));
    assert_null(strstr(s, "nan"));
}

/* The ward map numbers its wards, as the table does, and states its classes. */
static void test_places_ward_map_numbers_and_classes(void **state)
{
    const char *s = *state;
    const char *map = strstr(s, "aria-labelledby=\"ward-map-title\"");
    assert_non_null(map);
    const char *labels = strstr(map, "<g class=\"safer-map-labels\">");
    assert_non_null(labels);
    assert_true(labels < strstr(map, "</svg>"));
    for (int w = 1; w <= NWARDS; w++) {
        char want[64];
        snprintf(want, sizeof(want), "text-anchor=\"middle\">%d</text>", w);
        assert_non_null(strstr(labels, want));
        snprintf(want, sizeof(want), "<tr><td class=\"n\">%d</td><td>%s</td>", w, WARD_NAMES[w - 1]);
        assert_non_null(strstr(s, want));
    }
    /* Quintiles of three rates: two limits, the three classes named in the caption. */
    const char *cap = strstr(s, "<figcaption>Figure 5:");
    assert_non_null(cap);
    assert_non_null(strstr(cap, "in classes of about equal numbers of wards (quintiles): Under "));
    assert_non_null(strstr(cap, " and over. The numbers on the map are the wards' numbers in "
                                "the table."));
}

/* Each rate with its exact Poisson interval; a rate from few records flagged. */
static void test_places_rates_have_intervals_and_flags(void **state)
{
    const char *s = *state;
    assert_non_null(strstr(s, "<th scope=\"col\" class=\"n\">95% interval</th>"));
    assert_non_null(strstr(s, "<th scope=\"col\">Note</th>"));
    /* Allington: 5 records (one burglary a month), 4,000 residents. */
    double lo, up;
    safer_poisson_ci(5, 0.95, &lo, &up);
    char want[160];
    snprintf(want, sizeof(want), "<td class=\"n\">1.3</td><td class=\"n\">%.1f&#160;to&#160;%.1f"
                                 "</td><td>few records</td>",
             1000 * lo / 4000, 1000 * up / 4000);
    assert_non_null(strstr(s, want));
    assert_int_equal(count(s, "<td>few records</td>"), 1);
    assert_non_null(strstr(s, "A rate from fewer than 10 records is marked"));
}

/* One map per major category, as separate panels, and the table behind them. */
static void test_places_map_each_major_category(void **state)
{
    const char *s = *state;
    assert_non_null(strstr(s, "<div class=\"multiples\">"));
    /* All crime, ASB, burglary, criminal damage, and the largest other:
     * shoplifting; then the key. */
    static const char *const panels[] = {
        "All crime (not anti-social behaviour)", "Anti-social behaviour", "Burglary",
        "Criminal damage and arson", "Shoplifting"};
    for (size_t p = 0; p < 5; p++) {
        char want[200];
        snprintf(want, sizeof(want), "aria-labelledby=\"category-map-%zu-title\"", p + 1);
        assert_non_null(strstr(s, want));
        snprintf(want, sizeof(want), "Figure 6%c: %s by ward", (char)('a' + p), panels[p]);
        assert_non_null(strstr(s, want));
    }
    assert_null(strstr(s, "category-map-6-title"));
    assert_non_null(strstr(s, "aria-labelledby=\"category-maps-key-title\""));
    assert_non_null(strstr(s, "<summary>Table behind figure 6</summary>"));
    assert_non_null(strstr(s, "<th scope=\"col\" class=\"n\">Shoplifting</th>"));
}

/* The hot spot table names each square's ward and places, in the map's words. */
static void test_places_hot_spot_table_names_places(void **state)
{
    const char *s = *state;
    const char *t = strstr(s, "<caption>The strongest hot spots, with the places police.uk "
                              "gives for their records");
    assert_non_null(t);
    assert_non_null(strstr(t, "<th scope=\"col\">Most frequent places (records)</th>"));
    /* The strongest, (32, 11): 20 + 32 + 11 = 63 records, 55 + 3 of them
     * at Shopping Area in two wards, shown as one line, then Week Street. */
    assert_non_null(strstr(t, "<tr><td class=\"n\">1</td><td>High Street, Shepway North</td>"
                              "<td>On or near Shopping Area (58)<br>On or near Week Street (5)"
                              "</td><td class=\"n\">63</td><td>Hot spot, 99% confidence</td>"));
    /* The square without records of its own says so. */
    assert_int_equal(count(t, "No records of its own: a hot spot because of the squares around "
                              "it"),
                     1);
    assert_int_equal(count(t, "<td>Hot spot, 99% confidence</td>"), 9);
}

/* The densest cluster is enlarged, its squares numbered, and marked on the whole map. */
static void test_places_inset_of_the_densest_cluster(void **state)
{
    const char *s = *state;
    const char *whole = strstr(s, "aria-labelledby=\"hotspot-map-title\"");
    const char *inset = strstr(s, "aria-labelledby=\"hotspot-inset-title\"");
    assert_non_null(whole);
    assert_non_null(inset);
    assert_true(whole < inset);
    assert_non_null(strstr(whole, "<g class=\"safer-inset-mark\">"));
    assert_true(strstr(whole, ">Figure 8</text>") < inset);
    assert_non_null(strstr(s, "Figure 8: the densest cluster of hot spots, around High Street "
                              "ward, enlarged"));
    const char *cells = strstr(inset, "<g class=\"safer-cell-labels\"");
    assert_non_null(cells);
    const char *end = strstr(cells, "</g>");
    for (int r = 1; r <= 9; r++) {
        char want[48];
        snprintf(want, sizeof(want), "text-anchor=\"middle\">%d</text>", r);
        const char *at = strstr(cells, want);
        assert_true(at && at < end);
    }
    assert_non_null(strstr(s, "<figcaption>Figure 7: hot and cold spots, October 2018 to "
                              "February 2019 (5 of the 12 months); the black frame is "
                              "enlarged in figure 8.</figcaption>"));
}

/* Moran's I says which variable each row tests. */
static void test_places_moran_says_which_variable(void **state)
{
    const char *s = *state;
    assert_non_null(strstr(s, "<caption>Moran&#39;s I of ward records and rates, October 2018 to "
                              "February 2019 (5 of the 12 months)</caption>"));
    assert_non_null(strstr(s, "<th scope=\"col\">Variable</th>"));
    assert_int_equal(count(s, "<tr><td>Records</td>"), 2);
    assert_int_equal(count(s, "<tr><td>Rate per 1,000 residents</td>"), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_places_name_the_months_of_their_rates),
        cmocka_unit_test(test_places_ward_map_numbers_and_classes),
        cmocka_unit_test(test_places_rates_have_intervals_and_flags),
        cmocka_unit_test(test_places_map_each_major_category),
        cmocka_unit_test(test_places_hot_spot_table_names_places),
        cmocka_unit_test(test_places_inset_of_the_densest_cluster),
        cmocka_unit_test(test_places_moran_says_which_variable),
    };
    return cmocka_run_group_tests_name("report places", tests, setup, teardown);
}
