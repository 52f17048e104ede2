/*
 * test_peers.c - the peer comparison (lib/assess/peers.c) on either engine
 * (SAFER_TEST_PG selects PostgreSQL), through safer_assess_compute, the
 * CSV writer and the report.
 *
 * The tests build a small England and Wales in testfix_dir/nation/: the
 * fixture wards Alpha and Beta (district E07000001, partnership
 * E22000001) and Gamma (E07000002, partnership E22000002), both districts
 * in police force area Kent (Kent Police); and 42 more districts, k = 1 ..
 * 42, each its own partnership and police force area "Force k" (force
 * "Force k Police"), with one LSOA each. Every force has two months,
 * 2019-01 and 2019-02:
 *
 *   Kent Police, a month: 2 burglaries in Alpha (LSOA E01000001), 1 other
 *   theft in Beta (E01000002), 3 vehicle crimes in Gamma (E01000003), and 1
 *   burglary whose point is in Gamma but whose LSOA is Alpha's.
 *   Force k Police, a month: 1 burglary far from the wards, in its LSOA.
 *
 * Residents: Alpha's and Beta's LSOAs 1,000 each (IMD deciles 4 and 6, so
 * the area's mean is 5), Gamma's 2,000 (decile 5), district k's 2,000 +
 * 100 k (decile 5, but 9 for k = 1).
 */
#include "util/compat.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "assess/assess_internal.h"
#include "safer/assess.h"
#include "safer/buf.h"
#include "safer/lookup.h"
#include "safer/output.h"
#include "safer/police.h"
#include "safer/report.h"
#include "safer/store.h"
#include "testfix.h"

#define MONTH(y, m) ((y)*12 + (m)-1)
#define NOTHER 42

/* ---- the generated nation ---- */

static FILE *open_file(const char *name, char *path, size_t cap)
{
    char dir[300];
    snprintf(dir, sizeof(dir), "%s/nation", testfix_dir);
    mkdir(dir, 0755);
    snprintf(path, cap, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    return f;
}

static void lookups(struct safer_store *st, int with_districts)
{
    char path[512];
    FILE *f = open_file("lsoa.csv", path, sizeof(path));
    fputs("LSOA11CD,LSOA11NM,WD19CD,WD19NM,LAD19CD,LAD19NM\n"
          "E01000001,Test 001A,E05000001,Alpha,E07000001,Testborough\n"
          "E01000002,Test 001B,E05000002,\"Beta, the island\",E07000001,Testborough\n"
          "E01000003,Test 002A,E05000003,Gamma,E07000002,Otherborough\n",
          f);
    for (int k = 1; k <= NOTHER; k++)
        fprintf(f, "E01%06d,Other %d,E05%06d,Ward %d,E07%06d,District %d\n", 100 + k, k, 100 + k, k,
                100 + k, k);
    assert_int_equal(fclose(f), 0);
    testfix_lookup(st, path);
    if (!with_districts)
        return;
    f = open_file("districts.csv", path, sizeof(path));
    fputs("FID,LAD19CD,LAD19NM,CSP19CD,CSP19NM,PFA19CD,PFA19NM\n"
          "1,E07000001,Testborough,E22000001,Safer Test Partnership,E23000032,Kent\n"
          "2,E07000002,Otherborough,E22000002,Other Partnership,E23000032,Kent\n",
          f);
    for (int k = 1; k <= NOTHER; k++)
        fprintf(f, "%d,E07%06d,District %d,E22%06d,Partnership %d,E23%06d,Force %d\n", k + 2,
                100 + k, k, 100 + k, k, 100 + k, k);
    assert_int_equal(fclose(f), 0);
    testfix_lookup(st, path);
}

static void population(struct safer_store *st, int with_deprivation)
{
    char path[512];
    FILE *f = open_file("population.csv", path, sizeof(path));
    fputs("LSOA code (2011),Total population: mid 2015 (excluding prisoners)\n"
          "E01000001,1000\nE01000002,1000\nE01000003,2000\n",
          f);
    for (int k = 1; k <= NOTHER; k++)
        fprintf(f, "E01%06d,%d\n", 100 + k, 2000 + 100 * k);
    assert_int_equal(fclose(f), 0);
    struct safer_population_stats ps;
    struct safer_err err = {0};
    if (safer_population_import(st, path, &ps, &err) < 0)
        fail_msg("%s", err.msg);
    if (!with_deprivation)
        return;
    f = open_file("imd.csv", path, sizeof(path));
    fputs("LSOA code (2011),Index of Multiple Deprivation (IMD) Rank,"
          "Index of Multiple Deprivation (IMD) Decile\n"
          "E01000001,10000,4\nE01000002,20000,6\nE01000003,15000,5\n",
          f);
    for (int k = 1; k <= NOTHER; k++)
        fprintf(f, "E01%06d,15000,%d\n", 100 + k, k == 1 ? 9 : 5);
    assert_int_equal(fclose(f), 0);
    struct safer_deprivation_stats ds;
    if (safer_deprivation_import(st, path, &ds, &err) < 0)
        fail_msg("%s", err.msg);
}

static void record(FILE *f, const char *ym, const char *force, const char *pos, const char *lsoa,
                   const char *type)
{
    fprintf(f, ",%s,%s,%s,%s,On or near Somewhere,%s,Somewhere,%s,Under investigation,\n", ym,
            force, force, pos, lsoa, type);
}

/* The police files; force `skip` (0: none) has no file for 2019-02. */
static void police(struct safer_store *st, int skip)
{
    static char paths[2 * (NOTHER + 1)][512];
    const char *p[2 * (NOTHER + 1)];
    size_t n = 0;
    for (int m = 1; m <= 2; m++) {
        char ym[8], name[64];
        snprintf(ym, sizeof(ym), "2019-%02d", m);
        for (int k = 0; k <= NOTHER; k++) {
            if (k && k == skip && m == 2)
                continue;
            snprintf(name, sizeof(name), "%s-force%d.csv", ym, k);
            FILE *f = open_file(name, paths[n], sizeof(paths[n]));
            fputs("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA "
                  "code,LSOA name,Crime type,Last outcome category,Context\n",
                  f);
            if (k == 0) {
                const char *force = "Kent Police";
                record(f, ym, force, "0.501,51.201", "E01000001", "Burglary");
                record(f, ym, force, "0.501,51.201", "E01000001", "Burglary");
                record(f, ym, force, "0.507,51.207", "E01000002", "Other theft");
                for (int i = 0; i < 3; i++)
                    record(f, ym, force, "0.53,51.21", "E01000003", "Vehicle crime");
                record(f, ym, force, "0.53,51.21", "E01000001", "Burglary");
            } else {
                char force[32], lsoa[16];
                snprintf(force, sizeof(force), "Force %d Police", k);
                snprintf(lsoa, sizeof(lsoa), "E01%06d", 100 + k);
                record(f, ym, force, "1.5,52.5", lsoa, "Burglary");
            }
            assert_int_equal(fclose(f), 0);
            p[n] = paths[n];
            n++;
        }
    }
    testfix_police(st, p, n);
}

enum { DISTRICTS = 1 << 0, DEPRIVATION = 1 << 1 };

static struct safer_store *nation(const char *name, unsigned what, int skip, char *target,
                                  size_t cap)
{
    struct safer_store *st = testfix_store(name, TESTFIX_WARDS, target, cap);
    lookups(st, (what & DISTRICTS) != 0);
    population(st, (what & DEPRIVATION) != 0);
    police(st, skip);
    return st;
}

static void compute(struct safer_store *st, const struct safer_assess_opts *o,
                    struct safer_assessment *a)
{
    struct safer_err err = {0};
    int rc = safer_assess_compute(st, o, a, &err);
    if (rc < 0)
        fail_msg("%s: %s", safer_errname(rc), err.msg);
}

static const struct safer_peer *peer(const struct safer_assessment *a, const char *code)
{
    for (size_t k = 0; k < a->npeers; k++)
        if (strcmp(a->peers[k].code, code) == 0)
            return &a->peers[k];
    fail_msg("no place '%s' compared", code);
    return NULL;
}

static int64_t count_of(const struct safer_assessment *a, const struct safer_peer *p,
                        const char *type)
{
    for (size_t t = 0; t < a->ntypes; t++)
        if (strcmp(a->types[t], type) == 0)
            return p->count[t];
    return 0;
}

static char *render(const struct safer_assessment *a)
{
    struct safer_buf h;
    safer_buf_init(&h, (size_t)1 << 26);
    struct safer_err err = {0};
    if (safer_report_render(a, &h, &err) < 0)
        fail_msg("%s", err.msg);
    return safer_buf_detach(&h, NULL);
}

/* The text of the report's section 6, to the next heading, without its markup. */
static char *section_text(const char *html)
{
    const char *from = strstr(html, "<h2 id=\"peers\">");
    assert_non_null(from);
    const char *to = strstr(from + 1, "<h2");
    assert_non_null(to);
    char *s = malloc((size_t)(to - from) + 1);
    assert_non_null(s);
    size_t n = 0;
    int tag = 0;
    for (const char *p = from; p < to; p++) {
        if (*p == '<')
            tag = 1;
        else if (*p == '>')
            tag = 0;
        else if (!tag)
            s[n++] = *p;
    }
    s[n] = '\0';
    return s;
}

/* ---- tests ---- */

static void test_peers_force_key_matches_police_uk_names(void **state)
{
    (void)state;
    static const struct {
        const char *force, *pfa;
        int same;
    } cases[] = {
        {"Kent Police", "Kent", 1},
        {"Devon & Cornwall Police", "Devon and Cornwall", 1},
        {"Devon & Cornwall Police", "Devon & Cornwall", 1},
        {"Metropolitan Police Service", "Metropolitan Police", 1},
        {"City of London Police", "London, City of", 1},
        {"City of London Police", "City of London", 1},
        {"Police Service of Northern Ireland", "Northern Ireland", 1},
        {"Avon and Somerset Constabulary", "Avon and Somerset", 1},
        {"Dyfed-Powys Police", "Dyfed-Powys", 1},
        {"Kent Police", "Kent (synthetic)", 1},
        {"Kent Police", "Essex", 0},
        {"British Transport Police", "Kent", 0},
        {"West Midlands Police", "West Mercia", 0},
        {"Police", "", 0},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        char a[SAFER__PEERS_KEY_MAX], b[SAFER__PEERS_KEY_MAX];
        safer__peers_force_key(cases[k].force, a);
        safer__peers_force_key(cases[k].pfa, b);
        if ((strcmp(a, b) == 0) != cases[k].same)
            fail_msg("'%s' (%s) and '%s' (%s): expected %s", cases[k].force, a, cases[k].pfa, b,
                     cases[k].same ? "the same" : "different");
    }
    char key[SAFER__PEERS_KEY_MAX];
    safer__peers_force_key("Devon & Cornwall Police", key);
    assert_string_equal(key, "devon-and-cornwall");
    safer__peers_force_key("London, City of", key);
    assert_string_equal(key, "city-of-london");
}

static void test_peers_area_force_area_nation_and_similar(void **state)
{
    (void)state;
    char target[512];
    struct safer_store *st = nation("all", DISTRICTS | DEPRIVATION, 0, target, sizeof(target));
    struct safer_assess_opts o = {.to = -1, .area = "E07000001"};
    struct safer_assessment a;
    compute(st, &o, &a);

    /* The months compared: both, the area's force having a file for each. */
    assert_int_equal(a.npeer_months, 2);
    assert_int_equal(a.peer_months[0], MONTH(2019, 1));
    assert_int_equal(a.peer_months[1], MONTH(2019, 2));

    /* The area by LSOA: Alpha's and Beta's LSOAs, so the burglary placed in
     * Gamma by its point counts here by its LSOA; by ward it does not. */
    const struct safer_peer *area = &a.peers[0];
    assert_int_equal(area->role, SAFER_PEER_AREA);
    assert_string_equal(area->code, "E07000001");
    assert_string_equal(area->name, "Testborough");
    assert_int_equal(area->status, SAFER_PEER_OK);
    assert_int_equal(area->lsoas, 2);
    assert_true(area->population == 2000);
    assert_true(area->imd_decile == 5);
    assert_int_equal(count_of(&a, area, "Burglary"), 6);
    assert_int_equal(count_of(&a, area, "Other theft"), 2);
    assert_int_equal(area->total, 8);
    assert_int_equal(a.peer_ward_total, 6);
    assert_int_equal(a.area_force_areas, 1);

    /* Kent: both districts. */
    const struct safer_peer *kent = &a.peers[1];
    assert_int_equal(kent->role, SAFER_PEER_FORCE_AREA);
    assert_string_equal(kent->code, "E23000032");
    assert_string_equal(kent->name, "Kent");
    assert_int_equal(kent->status, SAFER_PEER_OK);
    assert_int_equal(kent->force_areas, 1);
    assert_true(kent->population == 4000);
    assert_int_equal(kent->total, 14);

    /* England and Wales: the 43 force areas, every file loaded. */
    const struct safer_peer *ew = &a.peers[2];
    assert_int_equal(ew->role, SAFER_PEER_NATION);
    assert_string_equal(ew->code, "K04000001");
    assert_int_equal(ew->force_areas, 43);
    assert_int_equal(ew->status, SAFER_PEER_OK);
    assert_int_equal(ew->missing, 0);
    assert_true(ew->population == 4000 + 2000 * NOTHER + 100 * (NOTHER * (NOTHER + 1) / 2));
    assert_int_equal(ew->total, 14 + 2 * NOTHER);

    /* The most similar: Other Partnership (the same residents and decile:
     * distance 0), then the districts nearest 2,000 residents, but for
     * Force 1's, whose decile is 9. The area's own partnership is not one. */
    assert_int_equal(a.peer_basis, SAFER_PEERS_SIMILAR);
    assert_int_equal(a.npeers, 3 + SAFER_PEERS_NEAREST);
    static const char *const similar[SAFER_PEERS_NEAREST] = {"E22000002", "E22000102", "E22000103",
                                                             "E22000104", "E22000105"};
    for (size_t k = 0; k < SAFER_PEERS_NEAREST; k++) {
        const struct safer_peer *p = &a.peers[3 + k];
        assert_int_equal(p->role, SAFER_PEER_SIMILAR);
        assert_string_equal(p->code, similar[k]);
        assert_int_equal(p->status, SAFER_PEER_OK);
        if (k)
            assert_true(p->distance > a.peers[2 + k].distance);
    }
    assert_true(a.peers[3].distance == 0);
    assert_string_equal(a.peers[3].name, "Other Partnership");
    assert_int_equal(count_of(&a, &a.peers[3], "Vehicle crime"), 6);
    /* One standard deviation of the log residents over the candidates (Other
     * Partnership and the 42) is one unit of distance. */
    double m = 0, v = 0, x[NOTHER + 1];
    size_t n = 0;
    x[n++] = log(2000);
    for (int k = 1; k <= NOTHER; k++)
        x[n++] = log(2000 + 100 * k);
    for (size_t i = 0; i < n; i++)
        m += x[i] / (double)n;
    for (size_t i = 0; i < n; i++)
        v += (x[i] - m) * (x[i] - m) / (double)n;
    assert_true(fabs(a.peers[4].distance - (log(2200) - log(2000)) / sqrt(v)) < 1e-12);

    /* peers.csv: the area's rows and England and Wales's. */
    struct safer_output out;
    safer_output_init(&out);
    struct safer_err err = {0};
    assert_int_equal(safer_assess_write_csv(&a, &out, &err), 0);
    const struct safer_output_file *f = safer_output_find(&out, "peers.csv");
    assert_non_null(f);
    assert_int_equal(strncmp(f->data,
                             "role,code,name,population,imd_decile,distance,crime_type,count,"
                             "rate_per_1000,status\n",
                             84),
                     0);
    assert_non_null(strstr(f->data, "area,E07000001,Testborough,2000,5,,Burglary,6,3,ok\n"
                                    "area,E07000001,Testborough,2000,5,,Other theft,2,1,ok\n"
                                    "area,E07000001,Testborough,2000,5,,Vehicle crime,0,0,ok\n"
                                    "force_area,E23000032,Kent,4000,5,,Burglary,6,1.5,ok\n"));
    assert_non_null(strstr(f->data, "\nsimilar,E22000002,Other Partnership,2000,5,0,Vehicle "
                                    "crime,6,3,ok\n"));
    safer_output_release(&out);

    char *html = render(&a);
    char *text = section_text(html);
    assert_non_null(strstr(text, "Testborough recorded 4.0 crimes and incidents of anti-social "
                                 "behaviour per 1,000 residents, against 3.5 across Kent and "));
    assert_non_null(strstr(text, "Counted by LSOA, the area has 8 records in these months"));
    assert_non_null(strstr(text, "counts 6."));
    assert_null(strstr(text, "not complete"));
    free(text);
    free(html);
    safer_assessment_release(&a);
    testfix_done(st, target);
}

static void test_peers_nation_not_complete_without_every_forces_months(void **state)
{
    (void)state;
    char target[512];
    /* Force 7 has no file for 2019-02. */
    struct safer_store *st = nation("gap", DISTRICTS | DEPRIVATION, 7, target, sizeof(target));
    struct safer_assess_opts o = {.to = -1, .area = "E07000001"};
    struct safer_assessment a;
    compute(st, &o, &a);
    assert_int_equal(a.npeer_months, 2);
    assert_int_equal(a.peers[0].status, SAFER_PEER_OK);
    assert_int_equal(a.peers[1].status, SAFER_PEER_OK);
    const struct safer_peer *ew = &a.peers[2];
    assert_int_equal(ew->status, SAFER_PEER_FILES_MISSING);
    assert_int_equal(ew->missing, 1);
    assert_string_equal(ew->missing_force, "Force 7 Police");
    assert_int_equal(ew->missing_month, MONTH(2019, 2));

    struct safer_output out;
    safer_output_init(&out);
    struct safer_err err = {0};
    assert_int_equal(safer_assess_write_csv(&a, &out, &err), 0);
    const struct safer_output_file *f = safer_output_find(&out, "peers.csv");
    assert_non_null(f);
    assert_non_null(strstr(f->data, "\nengland_and_wales,K04000001,England and Wales,"));
    assert_non_null(strstr(f->data, ",Burglary,,,files_missing\n"));
    safer_output_release(&out);

    char *html = render(&a);
    char *text = section_text(html);
    assert_non_null(strstr(text, "England and Wales is not compared (not complete: 1 of the 86 "
                                 "monthly files of its 43 police force areas' forces is missing: "
                                 "Force 7 Police's for February 2019)"));
    free(text);
    free(html);
    safer_assessment_release(&a);

    /* Partnership 7, listed: its force lacks a month, so it is not loaded. */
    const char *list[3] = {"E22000107", "E07000102", "E99999999"};
    o.peers = list;
    o.npeers = 3;
    compute(st, &o, &a);
    assert_int_equal(a.peer_basis, SAFER_PEERS_LIST);
    assert_int_equal(a.npeers, 6);
    const struct safer_peer *p7 = peer(&a, "E22000107");
    assert_string_equal(p7->name, "Partnership 7");
    assert_int_equal(p7->status, SAFER_PEER_FILES_MISSING);
    assert_int_equal(p7->force_areas, 1);
    const struct safer_peer *d2 = peer(&a, "E07000102");
    assert_string_equal(d2->name, "District 2");
    assert_int_equal(d2->status, SAFER_PEER_OK);
    assert_int_equal(d2->total, 2);
    const struct safer_peer *none = peer(&a, "E99999999");
    assert_string_equal(none->name, "E99999999");
    assert_int_equal(none->status, SAFER_PEER_UNKNOWN);
    safer_assessment_release(&a);
    testfix_done(st, target);
}

static void test_peers_say_why_none_is_similar(void **state)
{
    (void)state;
    char target[512];
    /* No deprivation: the area's similarity cannot be measured. */
    struct safer_store *st = nation("nodep", DISTRICTS, 0, target, sizeof(target));
    struct safer_assess_opts o = {.to = -1, .area = "E07000001"};
    struct safer_assessment a;
    compute(st, &o, &a);
    assert_int_equal(a.peer_basis, SAFER_PEERS_NO_MEASURES);
    assert_int_equal(a.npeers, 3);
    assert_true(isnan(a.peers[0].imd_decile));
    assert_int_equal(a.peers[0].status, SAFER_PEER_OK);
    char *html = render(&a);
    assert_non_null(strstr(html, "No similar partnership is shown: some of the area's LSOAs"));
    free(html);
    safer_assessment_release(&a);
    testfix_done(st, target);

    /* No district lookup: the area alone, by LSOA. */
    st = nation("nodist", DEPRIVATION, 0, target, sizeof(target));
    compute(st, &o, &a);
    assert_int_equal(a.peer_basis, SAFER_PEERS_NO_DISTRICTS);
    assert_int_equal(a.npeers, 1);
    assert_int_equal(a.peers[0].status, SAFER_PEER_OK);
    assert_int_equal(a.peers[0].force_areas, 0);
    assert_int_equal(a.area_force_areas, 0);
    safer_assessment_release(&a);
    testfix_done(st, target);
}

static void test_peers_nation_needs_every_force_area_in_the_lookup(void **state)
{
    (void)state;
    char target[512];
    /* The fixtures' district lookup names Kent alone. */
    struct safer_store *st =
        testfix_store("kentonly", TESTFIX_WARDS | TESTFIX_LOOKUP | TESTFIX_CSP | TESTFIX_KENT_2019,
                      target, sizeof(target));
    struct safer_assess_opts o = {.to = -1, .area = "E22000001"};
    struct safer_assessment a;
    compute(st, &o, &a);
    assert_int_equal(a.npeer_months, 1);
    assert_int_equal(a.npeers, 3);
    assert_int_equal(a.peers[1].status, SAFER_PEER_NO_POPULATION);
    assert_int_equal(a.peers[2].status, SAFER_PEER_LOOKUP_PARTIAL);
    assert_int_equal(a.peers[2].force_areas, 1);
    safer_assessment_release(&a);
    testfix_done(st, target);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_peers_force_key_matches_police_uk_names),
        cmocka_unit_test(test_peers_area_force_area_nation_and_similar),
        cmocka_unit_test(test_peers_nation_not_complete_without_every_forces_months),
        cmocka_unit_test(test_peers_say_why_none_is_similar),
        cmocka_unit_test(test_peers_nation_needs_every_force_area_in_the_lookup),
    };
    return cmocka_run_group_tests_name("peers", tests, testfix_setup, testfix_teardown);
}
