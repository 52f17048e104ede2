/*
 * test_fuzz_regress.c - replays the fuzzers' seed corpora and every input
 * that once crashed one (tests/data/fuzz-regress/) without a fuzzer, so CI
 * runs them under the sanitizers, and checks what came out, not only that
 * nothing crashed:
 *
 * - police.uk CSV, through the public import into one SQLite store: an
 *   import fails with an input error naming the file and changes nothing,
 *   or every row read is imported or rejected, every rejected row is
 *   reported as FILE:LINE: reason, and every stored publication reads back
 *   (safer_police_each, safer_crimes_load and the count table) as exactly
 *   its stored number of records;
 * - GeoJSON: parsing fails with a message naming the file, or gives areas
 *   whose geometry keeps the invariants of include/safer/geom.h;
 * - plans: reading fails with a message naming the file and leaves the plan
 *   empty, or gives a plan that keeps the promises of include/safer/plan.h
 *   (every id unique and every reference resolved, categories and kinds
 *   from the lists, weights in range).
 */
#include "util/compat.h"

#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "safer/area.h"
#include "safer/counts.h"
#include "safer/limits.h"
#include "safer/plan.h"
#include "safer/police.h"
#include "safer/store.h"
#include "util/internal.h"

/* Run `fn` on every regular file of `dir`, in name order; returns how many. */
static size_t each_file(const char *dir, void (*fn)(const char *path, void *ctx), void *ctx)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, alphasort);
    if (n < 0)
        return 0;
    size_t done = 0;
    for (int i = 0; i < n; i++) {
        if (names[i]->d_name[0] != '.') {
            char path[4096];
            snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
            fn(path, ctx);
            done++;
        }
        free(names[i]);
    }
    free(names);
    return done;
}

/* ---- police.uk CSV ---- */

struct police_run {
    struct safer_store *st;
    const char *path;
    uint64_t listed, more; /* rejected rows listed, and those counted as "N more" */
    size_t inputs, imported, failed;
};

/* A rejected row's message: "PATH:LINE: reason", or once at the end
 * "PATH: N more rejected rows not listed". */
static void on_reject(void *ctx, const char *msg)
{
    struct police_run *r = ctx;
    size_t n = strlen(r->path);
    if (strncmp(msg, r->path, n) != 0 || msg[n] != ':')
        fail_msg("%s: rejected row reported as '%s'", r->path, msg);
    const char *p = msg + n + 1;
    char *end;
    if (*p == ' ') {
        unsigned long long more = strtoull(p + 1, &end, 10);
        if (end == p + 1 || strcmp(end, " more rejected rows not listed") != 0 || r->more)
            fail_msg("%s: rejected row reported as '%s'", r->path, msg);
        r->more = more;
        return;
    }
    unsigned long line = strtoul(p, &end, 10);
    if (end == p || line < 2 || end[0] != ':' || end[1] != ' ' || !end[2])
        fail_msg("%s: rejected row reported as '%s'", r->path, msg);
    r->listed++;
}

struct tally {
    struct safer_publication *pubs;
    size_t npubs, at, in_pub;
    uint64_t records;
};

/* police_each gives records by force, then month: follow the publications. */
static int tally_row(void *ctx, const char *const f[12], double lon, double lat)
{
    struct tally *t = ctx;
    while (t->at < t->npubs && t->in_pub == (size_t)t->pubs[t->at].rows) {
        t->at++;
        t->in_pub = 0;
    }
    assert_true(t->at < t->npubs);
    const struct safer_publication *p = &t->pubs[t->at];
    char month[32];
    snprintf(month, sizeof(month), "%04d-%02d", p->month / 12, p->month % 12 + 1);
    if (strcmp(f[2], p->force) != 0 || strcmp(f[1], month) != 0)
        fail_msg("record %zu of %s %s came back as one of %s %s", t->in_pub, p->force, month, f[2],
                 f[1]);
    assert_true(isnan(lon) == isnan(lat));
    assert_true(isnan(lon) || (fabs(lon) <= 180 && fabs(lat) <= 90));
    t->in_pub++;
    t->records++;
    return 0;
}

/* Every stored publication reads back as exactly its stored row count. */
static void check_store(struct safer_store *st, const char *after)
{
    struct safer_err err = {0};
    struct tally t = {0};
    if (safer_publications_list(st, &t.pubs, &t.npubs, &err) < 0)
        fail_msg("after %s: %s", after, err.msg);
    uint64_t total = 0;
    for (size_t i = 0; i < t.npubs; i++) {
        assert_true(t.pubs[i].rows > 0 && t.pubs[i].rows <= t.pubs[i].rows_read);
        total += (uint64_t)t.pubs[i].rows;
    }
    if (safer_police_each(st, tally_row, &t, &err) < 0)
        fail_msg("after %s: %s", after, err.msg);
    if (t.records != total)
        fail_msg("after %s: %llu records read back, %llu stored", after,
                 (unsigned long long)t.records, (unsigned long long)total);

    struct safer_crimes c;
    if (safer_crimes_load(st, &c, &err) < 0)
        fail_msg("after %s: %s", after, err.msg);
    assert_int_equal(c.n, total);
    assert_int_equal(c.nbatches, t.npubs);
    for (size_t b = 0; b < c.nbatches; b++)
        assert_int_equal(c.batches[b].count, (size_t)t.pubs[b].rows);
    safer_crimes_release(&c);

    /* The count table holds every record once. */
    struct safer_counts k;
    if (safer_counts_query(st, NULL, &k, &err) < 0)
        fail_msg("after %s: %s", after, err.msg);
    int64_t counted = 0;
    for (size_t i = 0; i < k.n; i++)
        counted += k.rows[i].count;
    safer_counts_release(&k);
    assert_int_equal(counted, (int64_t)total);
    free(t.pubs);
}

static void police(const char *path, void *ctx)
{
    struct police_run *r = ctx;
    r->path = path;
    r->listed = r->more = 0;
    r->inputs++;
    struct safer_err err = {0};
    struct safer_publication *before = NULL;
    size_t nbefore = 0;
    assert_int_equal(safer_publications_list(r->st, &before, &nbefore, &err), 0);

    struct safer_import_opts io = {.reject = on_reject, .ctx = r};
    struct safer_import_stats s;
    const char *paths[1] = {path};
    int rc = safer_police_import(r->st, paths, 1, &io, &s, &err);
    if (rc < 0) {
        /* An input error, naming the file; nothing changed. */
        if (rc != SAFER_EPARSE && rc != SAFER_ETOOBIG && rc != SAFER_EIO && rc != SAFER_EINVAL)
            fail_msg("%s: %s: %s", path, safer_errname(rc), err.msg);
        if (!strstr(err.msg, path))
            fail_msg("%s: the message does not name the file: %s", path, err.msg);
        struct safer_publication *after = NULL;
        size_t nafter = 0;
        assert_int_equal(safer_publications_list(r->st, &after, &nafter, &err), 0);
        assert_int_equal(nafter, nbefore);
        assert_true(nafter == 0 || memcmp(after, before, sizeof(*after) * nafter) == 0);
        free(after);
        free(before);
        r->failed++;
        return;
    }
    free(before);
    /* Read, or skipped as a kind of file the store does not keep. */
    assert_int_equal(s.files + s.files_skipped, 1);
    if (s.files_unchanged) {
        /* Byte-identical to what the store holds: nothing written. */
        assert_int_equal(s.rows_imported, 0);
    } else if (s.rows_read != s.rows_imported + s.rows_rejected) {
        fail_msg("%s: %llu rows read, %llu imported, %llu rejected", path,
                 (unsigned long long)s.rows_read, (unsigned long long)s.rows_imported,
                 (unsigned long long)s.rows_rejected);
    }
    if (r->listed + r->more != s.rows_rejected)
        fail_msg("%s: %llu rows rejected, %llu reported", path, (unsigned long long)s.rows_rejected,
                 (unsigned long long)(r->listed + r->more));
    check_store(r->st, path);
    r->imported++;
}

static void test_replay_police_csv(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    char target[600];
    snprintf(target, sizeof(target), "%s/safer-fuzz-regress-%ld.db", tmp && *tmp ? tmp : "/tmp",
             (long)getpid());
    static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
    char p[700];
    for (int i = 0; i < 4; i++) {
        snprintf(p, sizeof(p), "%s%s", target, sfx[i]);
        unlink(p);
    }
    struct police_run r = {0};
    struct safer_err err = {0};
    if (safer_store_open(&r.st, target, &err) < 0)
        fail_msg("%s", err.msg);
    assert_true(each_file(SAFER_FUZZ_CORPUS "/csv", police, &r) > 0);
    each_file(SAFER_TEST_DATA "/fuzz-regress", police, &r);
    /* The corpus holds both kinds. */
    assert_true(r.imported > 0);
    assert_true(r.failed > 0);
    safer_store_close(r.st);
    for (int i = 0; i < 4; i++) {
        snprintf(p, sizeof(p), "%s%s", target, sfx[i]);
        unlink(p);
    }
}

/* ---- GeoJSON ---- */

struct geo_run {
    size_t parsed, failed;
};

/* include/safer/geom.h: rings closed and of four positions or more, ring
 * and part offsets consistent, the bounding box that of the positions. */
static void check_geom(const char *path, const struct safer_area *a)
{
    const struct safer_geom *g = &a->geom;
    if (g->nparts < 1 || g->nrings < g->nparts || g->npoints < 4 * (uint64_t)g->nrings)
        fail_msg("%s: '%s' has %u parts, %u rings, %u positions", path, a->code, g->nparts,
                 g->nrings, g->npoints);
    assert_int_equal(g->part_start[0], 0);
    assert_int_equal(g->part_start[g->nparts], g->nrings);
    for (uint32_t p = 0; p < g->nparts; p++)
        assert_true(g->part_start[p] < g->part_start[p + 1]);
    assert_int_equal(g->ring_start[0], 0);
    assert_int_equal(g->ring_start[g->nrings], g->npoints);
    for (uint32_t r = 0; r < g->nrings; r++) {
        uint32_t s = g->ring_start[r], e = g->ring_start[r + 1];
        if (e < s + 4)
            fail_msg("%s: '%s' ring %u has %u positions", path, a->code, r, e - s);
        if (g->xy[2 * s] != g->xy[2 * (e - 1)] || g->xy[2 * s + 1] != g->xy[2 * (e - 1) + 1])
            fail_msg("%s: '%s' ring %u is not closed", path, a->code, r);
    }
    double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
    for (uint32_t i = 0; i < g->npoints; i++) {
        double x = g->xy[2 * i], y = g->xy[2 * i + 1];
        if (!isfinite(x) || !isfinite(y))
            fail_msg("%s: '%s' position %u is (%g, %g)", path, a->code, i, x, y);
        minx = fmin(minx, x);
        miny = fmin(miny, y);
        maxx = fmax(maxx, x);
        maxy = fmax(maxy, y);
    }
    if (g->minx != minx || g->miny != miny || g->maxx != maxx || g->maxy != maxy)
        fail_msg("%s: '%s' box (%g %g, %g %g) is not its positions' (%g %g, %g %g)", path, a->code,
                 g->minx, g->miny, g->maxx, g->maxy, minx, miny, maxx, maxy);
}

static void geojson(const char *path, void *ctx)
{
    struct geo_run *r = ctx;
    char *data;
    size_t len;
    struct safer_err err = {0};
    if (safer__read_file(path, 1u << 30, "limit", &data, &len, &err) < 0)
        fail_msg("%s", err.msg);
    struct safer_area *a = NULL;
    size_t n = 0;
    struct safer_areas_stats st;
    int rc = safer_areas_parse(data, len, path, NULL, &a, &n, &st, &err);
    free(data);
    if (rc < 0) {
        if (rc != SAFER_EPARSE && rc != SAFER_ETOOBIG)
            fail_msg("%s: %s: %s", path, safer_errname(rc), err.msg);
        if (!strstr(err.msg, path))
            fail_msg("%s: the message does not name the file: %s", path, err.msg);
        assert_null(a);
        r->failed++;
        return;
    }
    assert_int_equal(st.features, n);
    uint64_t points = 0;
    for (size_t i = 0; i < n; i++) {
        assert_non_null(a[i].code);
        assert_true(a[i].code[0] != '\0');
        assert_non_null(a[i].name);
        assert_string_equal(a[i].level, "ward");
        check_geom(path, &a[i]);
        points += a[i].geom.npoints;
    }
    assert_int_equal(st.points, points);
    safer_areas_free(a, n);
    r->parsed++;
}

static void test_replay_geojson(void **state)
{
    (void)state;
    struct geo_run r = {0};
    assert_true(each_file(SAFER_FUZZ_CORPUS "/geojson", geojson, &r) > 0);
    each_file(SAFER_TEST_DATA "/fuzz-regress", geojson, &r);
    assert_true(r.parsed > 0);
    assert_true(r.failed > 0);
}

/* ---- plans ---- */

struct plan_run {
    size_t parsed, failed;
};

static bool listed(const char *const *list, const char *s)
{
    for (size_t i = 0; list[i]; i++) {
        if (strcmp(list[i], s) == 0)
            return true;
    }
    return false;
}

static void check_plan(const char *path, const struct safer_plan *p)
{
    assert_non_null(p->code);
    assert_non_null(p->name);
    assert_true(p->csp_code ? strcmp(p->code, p->csp_code) == 0
                            : p->ndistricts > 0 && strcmp(p->code, p->districts[0]) == 0);
    assert_non_null(p->title);
    assert_non_null(p->source);
    assert_true(strcmp(p->period_from, p->period_to) <= 0 ||
                strncmp(p->period_from, p->period_to, 4) == 0);
    assert_int_equal(strlen(p->checksum), 32);
    if (p->npriorities < 1)
        fail_msg("%s: a plan with no priority", path);
    for (size_t i = 0; i < p->npriorities; i++) {
        const struct safer_plan_priority *r = &p->priorities[i];
        for (size_t k = 0; k < i; k++)
            assert_true(strcmp(p->priorities[k].key, r->key) != 0);
        assert_non_null(r->title);
        for (size_t k = 0; k < r->ncategories; k++)
            assert_true(listed(safer_plan_categories, r->categories[k]));
        for (size_t k = 0; k < r->ngroups; k++)
            assert_non_null(safer_plan_group(p, r->groups[k]));
    }
    for (size_t i = 0; i < p->ngroups; i++) {
        const struct safer_plan_group *g = &p->groups[i];
        assert_ptr_equal(safer_plan_group(p, g->key), g);
        assert_true(listed(safer_plan_group_kinds, g->kind));
        /* Reporting lines end. */
        size_t steps = 0;
        for (const struct safer_plan_group *up = g; up->parent; steps++) {
            up = safer_plan_group(p, up->parent);
            assert_non_null(up);
            assert_true(steps <= p->ngroups);
        }
    }
    const double w[5] = {p->weights.volume, p->weights.rate, p->weights.trend, p->weights.harm,
                         p->weights.concern};
    double sum = 0;
    for (int k = 0; k < 5; k++) {
        assert_true(w[k] >= 0 && w[k] <= SAFER_PLAN_WEIGHT_MAX);
        sum += w[k];
    }
    assert_true(sum > 0);
    assert_true((p->harm.source != NULL) == (p->harm.n > 0));
    for (size_t k = 0; k < p->harm.n; k++)
        assert_true(listed(safer_plan_categories, p->harm.categories[k]) &&
                    p->harm.weights[k] >= 0);
}

static void plan(const char *path, void *ctx)
{
    struct plan_run *r = ctx;
    char *data;
    size_t len;
    struct safer_err err = {0};
    if (safer__read_file(path, 1u << 30, "limit", &data, &len, &err) < 0)
        fail_msg("%s", err.msg);
    struct safer_plan p;
    int rc = safer_plan_parse(data, len, path, &p, &err);
    free(data);
    if (rc < 0) {
        if (rc != SAFER_EPARSE && rc != SAFER_ETOOBIG)
            fail_msg("%s: %s: %s", path, safer_errname(rc), err.msg);
        if (strncmp(err.msg, path, strlen(path)) != 0 || err.msg[strlen(path)] != ':')
            fail_msg("%s: the message does not start with the file: %s", path, err.msg);
        assert_null(p.code);
        assert_null(p.arena.head);
        r->failed++;
        return;
    }
    check_plan(path, &p);
    safer_plan_release(&p);
    r->parsed++;
}

static void test_replay_plan(void **state)
{
    (void)state;
    struct plan_run r = {0};
    assert_true(each_file(SAFER_FUZZ_CORPUS "/plan", plan, &r) > 0);
    each_file(SAFER_TEST_DATA "/fuzz-regress", plan, &r);
    assert_true(r.parsed > 0);
    assert_true(r.failed > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replay_police_csv),
        cmocka_unit_test(test_replay_geojson),
        cmocka_unit_test(test_replay_plan),
    };
    return cmocka_run_group_tests_name("fuzz-regress", tests, NULL, NULL);
}
