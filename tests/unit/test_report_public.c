/*
 * test_report_public.c - the public edition of sections 5 (places), 6
 * (peers) and 7 (outcomes), on an assessment built by hand and hidden by
 * safer_assessment_hide() with the usual minimum of 5: every hidden count
 * and every figure worked out from it shows "[c]"; a ward whose count is
 * hidden is cross-hatched on the maps, its value in no tooltip, class
 * limit or text alternative; the note on "[c]" stands beside what shows
 * it; the hot spot table with its police.uk Locations is left out; hidden
 * outcomes come after the shown ones. The members' edition of the same
 * assessment shows none of this.
 *
 * The assessment: three wards, 5 km squares side by side on the British
 * National Grid; four categories over the 12 months to February 2019, of
 * which October 2018 to February 2019 hold records. Allington has two
 * records (one anti-social behaviour, one burglary), hidden as small, so
 * another ward's count is hidden to protect it. A grid of 250 m squares
 * with a block of hot squares in High Street, named by their Locations.
 * The area's shoplifting among the peers is 3 records; one burglary
 * outcome is 2 crimes.
 */
#include "util/compat.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
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
#define HIDDEN "[c]"

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

/* Ward w's records of type t in month m (0-11 of the window). */
static uint32_t records(size_t w, size_t t, size_t m)
{
    if (m < 7)
        return 0;
    if (w == 0)
        return (t == 0 && m == 9) || (t == 1 && m == 10);
    return (uint32_t)(10 * w + 3 * t + m);
}

static void add_peer(struct safer_assessment *a, enum safer_peer_role role, const char *code,
                     const char *name, double population, enum safer_peer_status status,
                     const int64_t count[NTYPES])
{
    struct safer_peer *p = &a->peers[a->npeers++];
    p->role = role;
    p->code = dup(code);
    p->name = dup(name);
    p->population = population;
    p->imd_decile = 6.0;
    p->distance = NAN;
    p->status = status;
    p->force_areas = 1;
    p->count = zalloc(NTYPES, sizeof(int64_t));
    for (size_t t = 0; t < NTYPES; t++) {
        p->count[t] = count[t];
        p->total += count[t];
    }
    if (status == SAFER_PEER_FILES_MISSING) {
        p->force_areas = 43;
        p->missing = 3;
        p->missing_force = dup("Metropolitan Police");
        p->missing_month = LATEST - 4;
    }
}

static void add_outcome(struct safer_assessment *a, size_t type, const char *outcome,
                        int64_t count)
{
    a->outcomes[a->noutcomes++] = (struct safer_outcome_count){type, dup(outcome), count};
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

    a->counts = zalloc((size_t)NWARDS * NTYPES * 12, sizeof(uint32_t));
    a->ward_prev = zalloc(NWARDS, sizeof(int64_t));
    a->ward_latest = zalloc(NWARDS, sizeof(int64_t));
    a->type_prev = zalloc(NTYPES, sizeof(int64_t));
    a->type_latest = zalloc(NTYPES, sizeof(int64_t));
    for (size_t w = 0; w < NWARDS; w++) {
        for (size_t t = 0; t < NTYPES; t++) {
            for (size_t m = 0; m < 12; m++) {
                uint32_t n = records(w, t, m);
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

    /* The grid: every square "none" but a hot block in High Street. */
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
            if (i >= 30 && i <= 32 && j >= 9 && j <= 11) {
                c->count = 20 + i + j;
                c->z = 5.0 + (double)(i + j) / 100;
                c->p = c->p_adj = 0.0001;
                c->cls = SAFER_GI_HOT99;
            }
        }
    }
    a->nplace_names = 2;
    a->place_names = zalloc(2, sizeof(char *));
    a->place_names[0] = dup("On or near Shopping Area");
    a->place_names[1] = dup("On or near Week Street");
    a->places = zalloc(a->ncells * 2, sizeof(*a->places));
    a->place_start = zalloc(a->ncells + 1, sizeof(size_t));
    for (size_t k = 0; k < a->ncells; k++) {
        const struct safer_hotcell *c = &a->cells[k];
        if (c->count) {
            a->places[a->nplaces++] =
                (struct safer_cell_place){k, 1, a->place_names[0], c->count - 5};
            a->places[a->nplaces++] = (struct safer_cell_place){k, 1, a->place_names[1], 5};
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
        m->I = 0.3125;
        m->expectation = -0.5;
        m->variance = 0.04321;
        m->z = 4.062;
        m->p = 0.00002;
    }

    /* Peers over the five months with data; the area's shoplifting is 3. */
    a->npeer_months = 5;
    a->peer_months = zalloc(5, sizeof(int32_t));
    for (size_t k = 0; k < 5; k++)
        a->peer_months[k] = LATEST - 4 + (int32_t)k;
    for (size_t w = 0; w < NWARDS; w++)
        a->peer_ward_total += a->ward_latest[w];
    a->peers = zalloc(4, sizeof(*a->peers));
    a->peer_basis = SAFER_PEERS_SIMILAR;
    a->area_force_areas = 1;
    a->peer_population_basis = dup("Mid-2015 population");
    static const int64_t area[NTYPES] = {240, 270, 300, 3};
    static const int64_t kent[NTYPES] = {9000, 4100, 7300, 4200};
    static const int64_t none[NTYPES] = {0, 0, 0, 0};
    static const int64_t like[NTYPES] = {210, 300, 280, 150};
    add_peer(a, SAFER_PEER_AREA, "E07000999", "Testborough", 15000, SAFER_PEER_OK, area);
    add_peer(a, SAFER_PEER_FORCE_AREA, "E23000032", "Kent", 1800000, SAFER_PEER_OK, kent);
    add_peer(a, SAFER_PEER_NATION, "K04000001", "England and Wales", NAN,
             SAFER_PEER_FILES_MISSING, none);
    add_peer(a, SAFER_PEER_SIMILAR, "E07000998", "Likeborough", 16000, SAFER_PEER_OK, like);

    /* Outcomes: burglary's add up to its 271 records, one of them 2;
     * criminal damage's to its 300; shoplifting's to 323 of its 330. */
    a->outcomes = zalloc(16, sizeof(*a->outcomes));
    add_outcome(a, 1, "Investigation complete; no suspect identified", 200);
    add_outcome(a, 1, "Offender given a caution", 2);
    add_outcome(a, 1, "Unable to prosecute suspect", 60);
    add_outcome(a, 1, "Under investigation", 9);
    add_outcome(a, 2, "Investigation complete; no suspect identified", 250);
    add_outcome(a, 2, "Status update unavailable", 50);
    add_outcome(a, 3, "Investigation complete; no suspect identified", 300);
    add_outcome(a, 3, "Local resolution", 20);
    add_outcome(a, 3, "Offender fined", 3);
}

/* The assessment (hidden), its public edition and its members' edition. */
struct editions {
    struct safer_assessment a;
    char *members, *public_edition;
};

static char *render(const struct safer_assessment *a)
{
    struct safer_buf b;
    struct safer_err err = {0};
    safer_buf_init(&b, SAFER_LIMIT_REPORT);
    if (safer_report_render(a, &b, &err) < 0)
        fail_msg("%s", err.msg);
    return safer_buf_detach(&b, NULL);
}

static int setup(void **state)
{
    struct editions *e = zalloc(1, sizeof(*e));
    struct safer_err err = {0};
    build(&e->a);
    e->members = render(&e->a);
    if (safer_assessment_hide(&e->a, 5, &err) < 0)
        return -1;
    e->public_edition = render(&e->a);
    *state = e;
    return 0;
}

static int teardown(void **state)
{
    struct editions *e = *state;
    safer_assessment_release(&e->a);
    free(e->members);
    free(e->public_edition);
    free(e);
    return 0;
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

/* The part of `s` from `start` to the end of the first `end` after it. */
static char *part(const char *s, const char *start, const char *end)
{
    const char *from = strstr(s, start);
    assert_non_null(from);
    const char *to = strstr(from, end);
    assert_non_null(to);
    char *p = strndup(from, (size_t)(to + strlen(end) - from));
    assert_non_null(p);
    return p;
}

/* The figure whose root is labelled by `id`-title, to its </svg>. */
static char *figure(const char *s, const char *id)
{
    char start[96];
    snprintf(start, sizeof(start), "aria-labelledby=\"%s-title\"", id);
    return part(s, start, "</svg>");
}

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = strstr(s, what); p; p = strstr(p + 1, what))
        n++;
    return n;
}

/*
 * Does the number `num` stand as a number (not part of a longer one) in
 * the words of figure `svg`: its <text>, <title> and <desc> contents, not
 * its coordinates?
 */
static bool says(const char *svg, const char *num)
{
    size_t n = strlen(num);
    for (const char *p = strchr(svg, '>'); p; p = strchr(p + 1, '>')) {
        const char *end = strchr(p, '<');
        if (!end)
            break;
        for (const char *q = strstr(p + 1, num); q && q + n <= end; q = strstr(q + 1, num)) {
            char before = q[-1], after = q[n];
            if (!(before >= '0' && before <= '9') && before != '.' && before != ',' &&
                !(after >= '0' && after <= '9') && !(after == '.' && q[n + 1] >= '0' &&
                                                     q[n + 1] <= '9'))
                return true;
        }
        p = end;
    }
    return false;
}

/* Ward w's rate per 1,000 as the report writes it. */
static void rate_text(const struct safer_assessment *a, size_t w, int64_t n, char *out,
                      size_t outsz)
{
    snprintf(out, outsz, "%.1f", 1000.0 * (double)n / a->population[w]);
}

/* Allington's two records are hidden as small, and another ward to protect them. */
static void test_public_hides_a_small_ward_and_one_more(void **state)
{
    const struct safer_assessment *a = &((struct editions *)*state)->a;
    assert_int_equal(a->ward_latest[0], 2);
    assert_int_equal(a->hidden.ward_latest[0], SAFER_HIDDEN_SMALL);
    size_t n = 0;
    for (size_t w = 0; w < NWARDS; w++)
        n += a->hidden.ward_latest[w] != 0;
    assert_int_equal(n, 2);
}

/* The ward table: a hidden ward's records, rate, interval and note show
 * the mark, never the figure; the note on the mark follows the table. */
static void test_public_ward_table_shows_the_mark(void **state)
{
    const struct editions *e = *state;
    const struct safer_assessment *a = &e->a;
    char *s = section(e->public_edition, "places");
    char *table = part(s, "<caption>Wards: records", "</table>");
    for (size_t w = 0; w < NWARDS; w++) {
        char start[128], want[64];
        snprintf(start, sizeof(start), "<tr><td class=\"n\">%zu</td><td>%s</td>", w + 1,
                 WARD_NAMES[w]);
        char *row = part(table, start, "</tr>");
        snprintf(want, sizeof(want), "<td class=\"n\">%lld</td>", (long long)a->ward_latest[w]);
        char rate[32];
        rate_text(a, w, a->ward_latest[w], rate, sizeof(rate));
        if (a->hidden.ward_latest[w]) {
            /* Records, per 1,000, interval; then the note. */
            assert_int_equal(count(row, "<td class=\"n\">" HIDDEN "</td>"), 3);
            assert_non_null(strstr(row, "<td>" HIDDEN "</td></tr>"));
            assert_null(strstr(row, want));
            assert_null(strstr(row, rate));
            assert_null(strstr(row, "few records"));
        } else {
            assert_non_null(strstr(row, want));
            assert_null(strstr(row, HIDDEN));
        }
        free(row);
    }
    const char *note = strstr(s, "<p class=\"note\">" HIDDEN ": a count from 1 to 4, or one "
                                 "hidden so that those cannot be worked out from the others");
    assert_non_null(note);
    assert_true(note > strstr(s, "<caption>Wards: records"));
    free(table);
    free(s);
}

/*
 * A hidden ward is cross-hatched on the ward map, wide and narrow, with
 * "[c] not published" in its tooltip and the legend; its rate is in no
 * tooltip, class limit or text alternative. So on every category map,
 * where Allington's counts are hidden.
 */
static void test_public_maps_cross_hatch_hidden_wards(void **state)
{
    const struct editions *e = *state;
    const struct safer_assessment *a = &e->a;
    char *s = section(e->public_edition, "places");
    static const char *const maps[] = {"ward-map", "ward-map-n"};
    for (size_t k = 0; k < 2; k++) {
        char *svg = figure(s, maps[k]);
        char fill[64];
        snprintf(fill, sizeof(fill), "<path fill=\"url(#%s-hidden)\"", maps[k]);
        size_t hidden = 0;
        for (size_t w = 0; w < NWARDS; w++) {
            char title[96], rate[32];
            snprintf(title, sizeof(title), "<title>%s: " HIDDEN " not published</title>",
                     WARD_NAMES[w]);
            rate_text(a, w, a->ward_latest[w], rate, sizeof(rate));
            if (!a->hidden.ward_latest[w]) {
                assert_null(strstr(svg, title));
                assert_true(says(svg, rate));
                continue;
            }
            hidden++;
            const char *t = strstr(svg, title);
            assert_non_null(t);
            /* The title belongs to the path just before it. */
            const char *path = t;
            while (path > svg && strncmp(path, "<path fill=", 11) != 0)
                path--;
            assert_memory_equal(path, fill, strlen(fill));
            assert_false(says(svg, rate));
        }
        assert_int_equal(count(svg, fill), hidden);
        assert_non_null(strstr(svg, ">" HIDDEN " not published</text>"));
        assert_non_null(strstr(svg, " 2 not published (" HIDDEN ").</desc>"));
        free(svg);
    }
    assert_non_null(strstr(s, "A cross-hatched ward&#39;s records are not published (" HIDDEN
                              ")") ||
                    strstr(s, "A cross-hatched ward's records are not published (" HIDDEN ")"));

    /* Category maps: Allington's all crime (1 burglary), anti-social
     * behaviour and burglary (maps a to c) are hidden; its value on none
     * of them. */
    for (int p = 1; p <= 3; p++) {
        char id[32];
        snprintf(id, sizeof(id), "category-map-%d", p);
        char *svg = figure(s, id);
        assert_non_null(strstr(svg, "<title>Allington: " HIDDEN " not published</title>"));
        assert_non_null(strstr(svg, ">" HIDDEN " not published</text>"));
        assert_false(says(svg, "0.3")); /* 1 per 4,000 residents */
        assert_false(says(svg, "0.25"));
        free(svg);
    }
    /* The table behind them: Allington's all crime, ASB and burglary. */
    char *table = part(s, "<caption>Records per 1,000 residents by ward and category", "</table>");
    char *row = part(table, "<tr><td class=\"n\">1</td><td>Allington</td>", "</tr>");
    assert_int_equal(count(row, "<td class=\"n\">" HIDDEN "</td>"), 3);
    free(row);
    free(table);
    /* Moran's I is worked out from every ward's count. */
    table = part(s, "<caption>Moran&#39;s I", "</table>");
    assert_int_equal(count(table, "<td class=\"n\">" HIDDEN "</td>"), 4 * 4);
    assert_int_equal(count(table, "<td class=\"n\">-0.5000</td>"), 4);
    assert_null(strstr(table, "0.3125"));
    free(table);
    free(s);
}

/* No table of hot spot squares, their records and Locations; the maps stay,
 * the inset without numbers keyed to a table; the section says so. */
static void test_public_leaves_out_hot_spot_squares(void **state)
{
    const struct editions *e = *state;
    char *s = section(e->public_edition, "places");
    assert_null(strstr(s, "The strongest hot spots"));
    assert_null(strstr(s, "Most frequent places"));
    assert_null(strstr(s, "On or near"));
    assert_null(strstr(s, "safer-cell-labels"));
    assert_null(strstr(s, "numbers as in the table"));
    assert_null(strstr(s, "squares of the table below numbered"));
    assert_non_null(strstr(s, "<p>This public edition leaves out the table of the strongest hot "
                              "spot squares, with their records and the places police.uk gives "
                              "for them.</p>"));
    char *whole = figure(s, "hotspot-map");
    char *inset = figure(s, "hotspot-inset");
    assert_non_null(strstr(whole, "<g class=\"safer-inset-mark\">"));
    /* The squares hold 59 to 65 records: no map says one. */
    for (int n = 59; n <= 65; n++) {
        char num[8];
        snprintf(num, sizeof(num), "%d", n);
        assert_false(says(whole, num));
        assert_false(says(inset, num));
    }
    free(whole);
    free(inset);
    free(s);
}

/* Peers: the area's hidden categories show the mark for their rates. */
static void test_public_peer_rates_show_the_mark(void **state)
{
    const struct editions *e = *state;
    const struct safer_assessment *a = &e->a;
    assert_int_equal(a->hidden.peer[0 * (NTYPES + 1) + 3], SAFER_HIDDEN_SMALL);
    char *s = section(e->public_edition, "peers");
    char *table = part(s, "<caption>Records per 1,000 residents by category", "</table>");
    for (size_t t = 0; t < NTYPES; t++) {
        char start[96];
        snprintf(start, sizeof(start), "<tr><td>%s</td><td class=\"n\">", TYPES[t]);
        const char *cell = strstr(table, start);
        assert_non_null(cell);
        cell += strlen(start) - strlen("<td class=\"n\">");
        bool shows = strncmp(cell, "<td class=\"n\">" HIDDEN "</td>", 21) == 0;
        assert_int_equal(shows, a->hidden.peer[t] != 0);
    }
    /* 3 in 15,000 residents: 0.20 per 1,000, nowhere. */
    assert_null(strstr(table, ">0.20<"));
    assert_non_null(strstr(s, "</table></div><p class=\"note\">" HIDDEN ": a count"));
    /* The totals are shown, and the places table has no mark. */
    char *places = part(s, "<caption>The places compared", "</table>");
    assert_null(strstr(places, HIDDEN));
    assert_non_null(strstr(places, "<td class=\"n\">813</td>"));
    free(places);
    free(table);
    free(s);
}

/* Outcomes: a hidden count and its share show the mark, after the shown
 * outcomes of their category; the category's most common outcome is
 * still named, the hidden ones being too few to beat it. */
static void test_public_outcomes_show_the_mark(void **state)
{
    const struct editions *e = *state;
    const struct safer_assessment *a = &e->a;
    assert_int_equal(a->hidden.outcome[1], SAFER_HIDDEN_SMALL); /* burglary, a caution: 2 */
    char *s = section(e->public_edition, "outcomes");
    char *table = part(s, "<caption>Crimes by category and latest outcome", "</table>");
    assert_non_null(strstr(table, "<tr><td>Burglary</td><td>Offender given a caution</td>"
                                  "<td class=\"n\">" HIDDEN "</td><td class=\"n\">" HIDDEN
                                  "</td></tr>"));
    /* Every hidden row of a category after every shown one. */
    for (size_t t = 1; t < NTYPES; t++) {
        const char *last_shown = NULL, *first_hidden = NULL;
        for (size_t i = 0; i < a->noutcomes; i++) {
            if (a->outcomes[i].type != t)
                continue;
            char start[160];
            snprintf(start, sizeof(start), "<tr><td>%s</td><td>%s</td>", TYPES[t],
                     a->outcomes[i].outcome);
            const char *row = strstr(table, start);
            assert_non_null(row);
            if (a->hidden.outcome[i]) {
                assert_int_equal(strncmp(row + strlen(start), "<td class=\"n\">" HIDDEN, 17),
                                 0);
                if (!first_hidden || row < first_hidden)
                    first_hidden = row;
            } else if (!last_shown || row > last_shown) {
                last_shown = row;
            }
        }
        if (first_hidden && last_shown)
            assert_true(last_shown < first_hidden);
    }
    assert_non_null(strstr(s, "</table></div><p class=\"note\">" HIDDEN ": a count"));
    assert_non_null(strstr(s, "<tr><td>Burglary</td><td class=\"n\">271</td><td>Investigation "
                              "complete; no suspect identified</td><td class=\"n\">74%</td>"));
    /* The sentence gives the shares of shown outcomes only. */
    assert_non_null(strstr(s, "<li><strong>Burglary:</strong> of 271 crimes, 74% were closed "
                              "with no suspect identified and 22% were closed as the suspect "
                              "could not be prosecuted.</li>"));
    free(table);
    free(s);
}

/* The members' edition of the same assessment: no mark, no hatching of
 * hidden wards, the hot spot table with its Locations. */
static void test_members_edition_shows_everything(void **state)
{
    const struct editions *e = *state;
    assert_null(strstr(e->members, HIDDEN));
    assert_null(strstr(e->members, "-hidden"));
    assert_null(strstr(e->members, "not published"));
    assert_non_null(strstr(e->members, "The strongest hot spots"));
    assert_non_null(strstr(e->members, "On or near Shopping Area"));
    assert_non_null(strstr(e->members, "<title>Allington: 0.5 per 1,000</title>"));
    assert_non_null(strstr(e->members, "<tr><td>Shoplifting</td><td class=\"n\">0.20</td>"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_public_hides_a_small_ward_and_one_more),
        cmocka_unit_test(test_public_ward_table_shows_the_mark),
        cmocka_unit_test(test_public_maps_cross_hatch_hidden_wards),
        cmocka_unit_test(test_public_leaves_out_hot_spot_squares),
        cmocka_unit_test(test_public_peer_rates_show_the_mark),
        cmocka_unit_test(test_public_outcomes_show_the_mark),
        cmocka_unit_test(test_members_edition_shows_everything),
    };
    return cmocka_run_group_tests_name("report public edition", tests, setup, teardown);
}
