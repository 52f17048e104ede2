/*
 * test_visits.c - service visits (visits.h) on either engine
 * (SAFER_TEST_PG selects PostgreSQL): random visits written as a CSV file,
 * imported through a mapping, read back as a snapshot, and the heat map,
 * trend and repeat-visitor figures compared with direct counts of what was
 * written, made with the C library's own calendar (timegm, gmtime_r) rather
 * than ours. Also the dates against timegm, the hiding of small counts and
 * its secondary cell, and the import's errors.
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
#include <time.h>

#include "safer/area.h"
#include "safer/lookup.h"
#include "safer/store.h"
#include "safer/visits.h"
#include "util/civil.h"
#include "testdb.h"

#define DATA SAFER_TEST_DATA

static uint64_t rng_state;
static uint32_t rnd(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(rng_state >> 33);
}

/* Days since the epoch as the C library counts them. */
static long libc_days(int y, int m, int d)
{
    struct tm t = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12};
    return (long)(timegm(&t) / 86400);
}

static void test_civil_dates_match_libc(void **state)
{
    (void)state;
    for (long z = libc_days(1900, 1, 1); z <= libc_days(2100, 12, 31); z += 1) {
        time_t t = (time_t)z * 86400 + 43200;
        struct tm tm;
        gmtime_r(&t, &tm);
        int y, m, d;
        safer__civil_from_days((int32_t)z, &y, &m, &d);
        if (y != tm.tm_year + 1900 || m != tm.tm_mon + 1 || d != tm.tm_mday)
            fail_msg("day %ld: %d-%d-%d, libc %d-%d-%d", z, y, m, d, tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday);
        assert_int_equal(safer__days_from_civil(y, m, d), z);
        assert_int_equal(safer__weekday((int32_t)z), (tm.tm_wday + 6) % 7);
    }
}

static struct safer_store *geography(char *target, size_t cap, const char *name)
{
    testdb_new(name, target, cap);
    struct safer_store *st = NULL;
    struct safer_err err = {0};
    assert_int_equal(safer_store_open(&st, target, &err), 0);
    struct safer_areas_opts ao = {0};
    struct safer_areas_stats as;
    assert_int_equal(safer_areas_import(st, DATA "/areas/wards.geojson", &ao, &as, &err), 0);
    struct safer_lookup_stats ls;
    assert_int_equal(safer_lookup_import(st, DATA "/lookup_lsoa_ward.csv", &ls, &err), 0);
    return st;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

#define NV 600
#define NIDS 60

struct gen {
    int y, m, d, hour, minute, ward, id; /* id -1: none */
};

static void test_random_visits_against_direct_counts(void **state)
{
    (void)state;
    char target[600], csv[700], map[700];
    struct safer_store *st = geography(target, sizeof(target), "visits_random");
    snprintf(csv, sizeof(csv), "%s.visits.csv", target[0] == '/' ? target : "/tmp/safer-visits");
    snprintf(map, sizeof(map), "%s.map.json", target[0] == '/' ? target : "/tmp/safer-visits");
    static struct gen g[NV];
    rng_state = 7;
    FILE *f = fopen(csv, "w");
    assert_non_null(f);
    fputs("Name,When,At,Ward,Ref\n", f);
    static const char *const wards[] = {"E05000001", "E05000002", "E05000003", "E05000099"};
    for (int i = 0; i < NV; i++) {
        struct gen *v = &g[i];
        v->y = 2023 + (int)(rnd() % 2);
        v->m = 1 + (int)(rnd() % 12);
        v->d = 1 + (int)(rnd() % 28);
        v->hour = (int)(rnd() % 24);
        v->minute = (int)(rnd() % 60);
        v->ward = (int)(rnd() % 4); /* 3: a ward the store does not hold */
        v->id = rnd() % 5 == 0 ? -1 : (int)(rnd() % NIDS);
        fprintf(f, "Someone %d,%02d/%02d/%04d,%d:%02d,%s,", i, v->d, v->m, v->y, v->hour,
                v->minute, wards[v->ward]);
        if (v->id >= 0)
            fprintf(f, "id%03d", v->id);
        fputc('\n', f);
    }
    assert_int_equal(fclose(f), 0);
    write_text(map, "{\"date\": \"When\", \"date_format\": \"DD/MM/YYYY\", \"time\": \"At\","
                    " \"home\": \"Ward\", \"home_kind\": \"ward\", \"visitor\": \"Ref\","
                    " \"service_value\": \"Advice\", \"venue_value\": \"Hub\"}\n");
    struct safer_err err = {0};
    struct safer_visits_import_stats *s = malloc(sizeof(*s));
    assert_non_null(s);
    int rc = safer_visits_import(st, csv, map, s, &err);
    if (rc < 0)
        fail_msg("%s", err.msg);
    assert_int_equal(s->rows, NV);
    size_t unplaced = 0;
    for (int i = 0; i < NV; i++)
        unplaced += g[i].ward == 3;
    assert_int_equal(s->unresolved, unplaced);
    free(s);

    struct safer_visits v;
    assert_int_equal(safer_visits_load(st, &v, &err), 0);
    assert_int_equal(v.n, NV);
    assert_int_equal(v.unresolved, unplaced);

    /* The heat map, by the C library's weekday. */
    int64_t heat[7][24], want[7][24];
    memset(want, 0, sizeof(want));
    for (int i = 0; i < NV; i++) {
        time_t t = (time_t)libc_days(g[i].y, g[i].m, g[i].d) * 86400 + 43200;
        struct tm tm;
        gmtime_r(&t, &tm);
        want[(tm.tm_wday + 6) % 7][g[i].hour]++;
    }
    safer_visits_heatmap(&v, heat);
    assert_memory_equal(heat, want, sizeof(heat));

    /* The trend: 24 months of 2023 and 2024 (every month is near certain
     * to have a visit; the first and last are whatever was drawn). */
    int32_t first;
    int64_t *c;
    size_t n;
    assert_int_equal(safer_visits_trend(&v, &first, &c, &n), 0);
    int64_t months[24] = {0};
    int lo = 24, hi = -1;
    for (int i = 0; i < NV; i++) {
        int k = (g[i].y - 2023) * 12 + g[i].m - 1;
        months[k]++;
        lo = k < lo ? k : lo;
        hi = k > hi ? k : hi;
    }
    assert_int_equal(first, 2023 * 12 + lo);
    assert_int_equal(n, (size_t)(hi - lo + 1));
    for (size_t k = 0; k < n; k++)
        assert_int_equal(c[k], months[lo + (int)k]);
    free(c);

    /* Wards: the held ones with their visits. */
    int64_t per_ward[3] = {0};
    for (int i = 0; i < NV; i++)
        if (g[i].ward < 3)
            per_ward[g[i].ward]++;
    assert_int_equal(v.nwards, 3);
    for (int w = 0; w < 3; w++) {
        assert_string_equal(v.wards[w].code, wards[w]);
        assert_int_equal(v.wards[w].visits, per_ward[w]);
    }

    /* Repeat visitors, over the window of 28 and of 100 days. */
    long last = 0;
    for (int i = 0; i < NV; i++) {
        long z = libc_days(g[i].y, g[i].m, g[i].d);
        last = z > last ? z : last;
    }
    for (int window = 28; window <= 100; window += 72) {
        size_t visitors = 0, with = 0, eligible = 0, returned = 0, once = 0;
        for (int id = 0; id < NIDS; id++) {
            long firstday = -1;
            size_t k = 0;
            for (int i = 0; i < NV; i++) {
                if (g[i].id != id)
                    continue;
                long z = libc_days(g[i].y, g[i].m, g[i].d);
                if (firstday < 0 || z < firstday)
                    firstday = z;
                k++;
            }
            if (!k)
                continue;
            visitors++;
            with += k;
            once += k == 1;
            if (last - firstday < window)
                continue;
            eligible++;
            bool back = false;
            for (int i = 0; i < NV; i++) {
                long z = libc_days(g[i].y, g[i].m, g[i].d);
                if (g[i].id == id && z > firstday && z - firstday <= window)
                    back = true;
            }
            returned += back;
        }
        struct safer_visits_repeat r;
        safer_visits_repeat(&v, window, &r);
        assert_int_equal(r.visitors, visitors);
        assert_int_equal(r.visits_with_id, with);
        assert_int_equal(r.by_count[0], once);
        assert_int_equal(r.eligible, eligible);
        assert_int_equal(r.returned, returned);
        assert_true(fabs(r.share - (double)returned / (double)eligible) < 1e-15);
    }
    safer_visits_release(&v);
    safer_store_close(st);
    testdb_drop(target);
    remove(csv);
    remove(map);
}

static void test_hide_small_counts_and_the_one_that_gives_them_away(void **state)
{
    (void)state;
    static char codes[5][2] = {"A", "B", "C", "D", "E"};
    static const int64_t counts[5] = {10, 3, 7, 0, 12};
    struct safer_visit_ward w[5];
    memset(w, 0, sizeof(w));
    for (int i = 0; i < 5; i++)
        w[i].code = w[i].name = codes[i], w[i].visits = counts[i];
    struct safer_visits v = {.wards = w, .nwards = 5};
    bool hidden[5];
    /* One small count: the smallest other count above 0 (C, 7) goes too. */
    assert_int_equal(safer_visits_hide(&v, 5, hidden), 2);
    assert_false(hidden[0]);
    assert_true(hidden[1]);
    assert_true(hidden[2]);
    assert_false(hidden[3]);
    assert_false(hidden[4]);
    /* Two small counts protect each other. */
    w[2].visits = 2;
    assert_int_equal(safer_visits_hide(&v, 5, hidden), 2);
    assert_true(hidden[1] && hidden[2] && !hidden[0] && !hidden[4]);
    /* No threshold: nothing. */
    assert_int_equal(safer_visits_hide(&v, 0, hidden), 0);
    /* Bands: a band holding a hidden ward is hidden. */
    for (int i = 0; i < 5; i++)
        w[i].distance = 500 + 2500.0 * i, w[i].residents = 1000;
    safer_visits_hide(&v, 5, hidden);
    struct safer_visits_band b[SAFER_VISITS_NBANDS];
    safer_visits_bands(&v, hidden, b);
    assert_false(b[0].hidden); /* A, 500 m */
    assert_true(b[1].hidden);  /* B, 3000 m */
    assert_true(b[2].hidden);  /* C, 5500 m */
    assert_false(b[4].hidden); /* D, 8000 m, no visits */
    assert_false(b[5].hidden); /* E, 10500 m */
}

static void test_import_errors(void **state)
{
    (void)state;
    char target[600];
    struct safer_store *st = geography(target, sizeof(target), "visits_errors");
    struct safer_err err = {0};
    struct safer_visits_import_stats *s = malloc(sizeof(*s));
    assert_non_null(s);
    /* An invalid mapping: EINVAL naming the mapping file. */
    safer_err_clear(&err);
    assert_int_equal(safer_visits_import(st, DATA "/visits/visits.csv",
                                         DATA "/visits/map-unknown-key.json", s, &err),
                     SAFER_EINVAL);
    assert_non_null(strstr(err.msg, "map-unknown-key.json: unknown key 'name'"));
    safer_err_clear(&err);
    assert_int_equal(safer_visits_import(st, DATA "/visits/visits.csv",
                                         DATA "/visits/map-not-json.json", s, &err),
                     SAFER_EINVAL);
    /* Postcodes with no directory held. */
    safer_err_clear(&err);
    assert_int_equal(safer_visits_import(st, DATA "/visits/visits.csv", DATA "/visits/map.json",
                                         s, &err),
                     SAFER_ENOTFOUND);
    /* A malformed row, by FILE:LINE: column. */
    safer_err_clear(&err);
    assert_int_equal(safer_visits_import(st, DATA "/visits/visits-uk.csv",
                                         DATA "/visits/map.json", s, &err),
                     SAFER_EINVAL); /* its header has no column Date */
    char csv[700];
    snprintf(csv, sizeof(csv), "%s.bad.csv", target[0] == '/' ? target : "/tmp/safer-visits");
    write_text(csv, "When,At,Ward\n3/1/2024,10:30,E05000003\n4/1/2024,25:00,E05000001\n");
    safer_err_clear(&err);
    assert_int_equal(safer_visits_import(st, csv, DATA "/visits/map-uk.json", s, &err),
                     SAFER_EPARSE);
    if (!strstr(err.msg, ".bad.csv:3: At: '25:00' is not a time"))
        fail_msg("%s", err.msg);
    /* Nothing was stored. */
    struct safer_visits v;
    safer_err_clear(&err);
    assert_int_equal(safer_visits_load(st, &v, &err), 0);
    assert_int_equal(v.n, 0);
    safer_visits_release(&v);
    free(s);
    remove(csv);
    safer_store_close(st);
    testdb_drop(target);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_civil_dates_match_libc),
        cmocka_unit_test(test_random_visits_against_direct_counts),
        cmocka_unit_test(test_hide_small_counts_and_the_one_that_gives_them_away),
        cmocka_unit_test(test_import_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
