/*
 * test_concurrency.c - many threads, each with its own store handle on one
 * database (SQLite, or PostgreSQL with SAFER_TEST_PG): imports,
 * assessments and exports at once. Every result must equal a single
 * thread's: a reader running while a writer imports sees the store as it
 * was before the import or after it, never between; imports running at
 * once end as if run one after the other; and an assessment's result does
 * not depend on its thread count. Run under ThreadSanitizer in CI.
 */
#include "util/compat.h"

#include <dirent.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <xxhash.h>

#include "safer/area.h"
#include "safer/assess.h"
#include "safer/export.h"
#include "safer/lookup.h"
#include "safer/police.h"
#include "safer/store.h"
#include "safer/synth.h"
#include "testdb.h"

static char dir[256];          /* the synthetic partnership's files */
static char *files[64];        /* its police.uk files, by name */
static size_t nfiles;
/* {assessment, export} of the store holding the first half of the files and
 * k more, one import each: states[0] before the second half, states[nstates - 1]
 * after it. */
static uint64_t states[64][2];
static size_t nstates;
#define h_before states[0]
#define h_after states[nstates - 1]

/* ---- fingerprints of what a reader gets ---- */

static void put(XXH3_state_t *h, const void *p, size_t n) { XXH3_64bits_update(h, p, n); }

static uint64_t assessment_hash(struct safer_store *st, unsigned threads)
{
    struct safer_assess_opts o = {.to = -1, .cell = 250, .threads = threads};
    struct safer_assessment a;
    struct safer_err err = {0};
    int rc = safer_assess_compute(st, &o, &a, &err);
    if (rc < 0)
        fail_msg("assess: %s", err.msg);
    XXH3_state_t *h = XXH3_createState();
    XXH3_64bits_reset(h);
    put(h, &a.latest, sizeof(a.latest));
    put(h, &a.rows_total, sizeof(a.rows_total));
    put(h, &a.rows_assigned, sizeof(a.rows_assigned));
    put(h, &a.rows_assigned_by_lsoa, sizeof(a.rows_assigned_by_lsoa));
    put(h, a.counts, sizeof(uint32_t) * a.nwards * a.ntypes * (size_t)a.nmonths);
    put(h, a.ward_latest, sizeof(int64_t) * a.nwards);
    for (size_t i = 0; i < a.ntests; i++)
        put(h, &a.tests[i].p_adj, sizeof(double));
    for (size_t i = 0; i < a.ncells; i++) {
        put(h, &a.cells[i].count, sizeof(int64_t));
        put(h, &a.cells[i].z, sizeof(double));
    }
    for (size_t i = 0; i < a.nmoran; i++)
        put(h, &a.moran[i].I, sizeof(double));
    for (size_t i = 0; i < a.ncoverage; i++)
        put(h, &a.coverage[i].status, sizeof(a.coverage[i].status));
    uint64_t v = XXH3_64bits_digest(h);
    XXH3_freeState(h);
    safer_assessment_release(&a);
    return v;
}

static int export_row(void *ctx, const char *const fields[14])
{
    for (int i = 0; i < 14; i++)
        put(ctx, fields[i], strlen(fields[i]) + 1);
    return 0;
}

static uint64_t export_hash(struct safer_store *st)
{
    XXH3_state_t *h = XXH3_createState();
    XXH3_64bits_reset(h);
    struct safer_err err = {0};
    int rc = safer_export_police(st, NULL, export_row, h, &err);
    if (rc < 0)
        fail_msg("export: %s", err.msg);
    uint64_t v = XXH3_64bits_digest(h);
    XXH3_freeState(h);
    return v;
}

/* ---- building stores ---- */

static struct safer_store *open_store(const char *target)
{
    struct safer_store *st;
    struct safer_err err = {0};
    if (safer_store_open(&st, target, &err) < 0)
        fail_msg("open %s: %s", target, err.msg);
    return st;
}

/* Import police files [from, to) of the list. */
static void import_files(struct safer_store *st, size_t from, size_t to, unsigned threads)
{
    struct safer_import_opts io = {.threads = threads};
    struct safer_import_stats s;
    struct safer_err err = {0};
    if (safer_police_import(st, (const char *const *)files + from, to - from, &io, &s, &err) < 0)
        fail_msg("import: %s", err.msg);
}

/* Wards, lookups and population: what every store here starts with. */
static void import_geography(struct safer_store *st)
{
    char path[512];
    struct safer_err err = {0};
    struct safer_areas_opts ao = {"ward", NULL, NULL, 0};
    struct safer_areas_stats as;
    struct safer_lookup_stats ls;
    struct safer_population_stats ps;
    snprintf(path, sizeof(path), "%s/wards.geojson", dir);
    if (safer_areas_import(st, path, &ao, &as, &err) < 0)
        fail_msg("%s", err.msg);
    snprintf(path, sizeof(path), "%s/lookup.csv", dir);
    if (safer_lookup_import(st, path, &ls, &err) < 0)
        fail_msg("%s", err.msg);
    snprintf(path, sizeof(path), "%s/population.csv", dir);
    if (safer_population_import(st, path, &ps, &err) < 0)
        fail_msg("%s", err.msg);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int setup(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/safer-conc-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return -1;
    struct safer_synth_opts so;
    safer_synth_opts_init(&so);
    so.rows = 6000;
    so.months = 12;
    so.nwards = 8;
    so.vertices_per_ward = 40;
    struct safer_synth_result res = {0};
    struct safer_err err = {0};
    if (safer_synth_write(dir, &so, &res, &err) < 0) {
        fprintf(stderr, "synth: %s\n", err.msg);
        return -1;
    }
    safer_synth_result_release(&res);
    char pdir[300];
    snprintf(pdir, sizeof(pdir), "%s/police", dir);
    DIR *d = opendir(pdir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL && nfiles < 64) {
        if (e->d_name[0] == '.')
            continue;
        size_t n = strlen(pdir) + strlen(e->d_name) + 2;
        files[nfiles] = malloc(n);
        snprintf(files[nfiles++], n, "%s/%s", pdir, e->d_name);
    }
    if (d)
        closedir(d);
    qsort(files, nfiles, sizeof(char *), cmp_str);
    return nfiles >= 4 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < nfiles; i++)
        free(files[i]);
    char cmd[400];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- the tests ---- */

/* One thread: the fingerprints before and after the second half of the
 * files, and the same assessment on one thread and on four. */
static void test_single_thread_reference(void **state)
{
    (void)state;
    char target[512];
    testdb_new("reference", target, sizeof(target));
    struct safer_store *st = open_store(target);
    import_geography(st);
    import_files(st, 0, nfiles / 2, 0);
    nstates = 0;
    for (size_t k = nfiles / 2; k <= nfiles; k++) {
        if (k > nfiles / 2)
            import_files(st, k - 1, k, 0);
        states[nstates][0] = assessment_hash(st, 1);
        states[nstates][1] = export_hash(st);
        nstates++;
    }
    assert_true(h_before[0] != h_after[0]);
    assert_true(h_before[1] != h_after[1]);
    assert_true(assessment_hash(st, 4) == h_after[0]);
    assert_true(assessment_hash(st, 2) == h_after[0]);
    safer_store_close(st);
    testdb_drop(target);
}

struct reader {
    const char *target;
    volatile int *stop; /* set by the writer when it is done (read under the mutex) */
    pthread_mutex_t *mu;
    int iterations, bad;
    int seen_first, seen_last; /* saw the state before any import, and after all */
};

/* The state k whose fingerprint this is, or -1. */
static long state_of(uint64_t a, uint64_t e)
{
    for (size_t k = 0; k < nstates; k++) {
        if (states[k][0] == a && states[k][1] == e)
            return (long)k;
    }
    return -1;
}

static int stopped(struct reader *r)
{
    pthread_mutex_lock(r->mu);
    int s = *r->stop;
    pthread_mutex_unlock(r->mu);
    return s;
}

static void *read_loop(void *arg)
{
    struct reader *r = arg;
    struct safer_store *st = open_store(r->target);
    do {
        uint64_t a = assessment_hash(st, 2);
        uint64_t e = export_hash(st);
        long k = state_of(a, e);
        if (k < 0) {
            /* The two reads may straddle an import: each must still be a state. */
            int ok_a = 0, ok_e = 0;
            for (size_t j = 0; j < nstates; j++) {
                ok_a |= states[j][0] == a;
                ok_e |= states[j][1] == e;
            }
            r->bad += !ok_a + !ok_e;
        }
        r->seen_first |= k == 0;
        r->seen_last |= k == (long)nstates - 1;
        r->iterations++;
    } while (!stopped(r) || r->iterations < 2);
    safer_store_close(st);
    return NULL;
}

/* Readers see the store before or after the writer's import, never between. */
static void test_readers_while_a_writer_imports(void **state)
{
    (void)state;
    char target[512];
    testdb_new("readers", target, sizeof(target));
    struct safer_store *w = open_store(target);
    import_geography(w);
    import_files(w, 0, nfiles / 2, 0);
    enum { NR = 3 };
    volatile int stop = 0;
    pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    struct reader rd[NR];
    pthread_t tid[NR];
    for (int i = 0; i < NR; i++) {
        rd[i] = (struct reader){target, &stop, &mu, 0, 0, 0, 0};
        assert_int_equal(pthread_create(&tid[i], NULL, read_loop, &rd[i]), 0);
    }
    /* One import per file: a reader may see any whole number of them. */
    for (size_t k = nfiles / 2; k < nfiles; k++)
        import_files(w, k, k + 1, 2);
    pthread_mutex_lock(&mu);
    stop = 1;
    pthread_mutex_unlock(&mu);
    for (int i = 0; i < NR; i++) {
        pthread_join(tid[i], NULL);
        assert_int_equal(rd[i].bad, 0);
        assert_true(rd[i].iterations >= 2);
        assert_true(rd[i].seen_last);
    }
    assert_true(assessment_hash(w, 1) == h_after[0]);
    safer_store_close(w);
    testdb_drop(target);
}

struct importer {
    const char *target;
    size_t from, to;
};

static void *import_run(void *arg)
{
    struct importer *im = arg;
    struct safer_store *st = open_store(im->target);
    import_files(st, im->from, im->to, 2);
    safer_store_close(st);
    return NULL;
}

/* Imports at once wait for each other and end as if run in turn. */
static void test_imports_at_once(void **state)
{
    (void)state;
    char target[512];
    testdb_new("imports", target, sizeof(target));
    struct safer_store *st = open_store(target);
    import_geography(st);
    struct importer im[3] = {
        {target, 0, nfiles / 2},
        {target, nfiles / 2, nfiles},
        {target, 0, nfiles / 2}, /* the same files again: unchanged, or first */
    };
    pthread_t tid[3];
    for (int i = 0; i < 3; i++)
        assert_int_equal(pthread_create(&tid[i], NULL, import_run, &im[i]), 0);
    for (int i = 0; i < 3; i++)
        pthread_join(tid[i], NULL);
    assert_true(assessment_hash(st, 2) == h_after[0]);
    assert_true(export_hash(st) == h_after[1]);
    safer_store_close(st);
    testdb_drop(target);
}

/* An import gives the same store on the calling thread alone and on four. */
static void test_import_thread_count_does_not_matter(void **state)
{
    (void)state;
    char a[512], b[512], da[33], db[33];
    testdb_new("threads1", a, sizeof(a));
    testdb_new("threads4", b, sizeof(b));
    struct safer_store *sa = open_store(a), *sb = open_store(b);
    import_geography(sa);
    import_geography(sb);
    import_files(sa, 0, nfiles, 0);
    import_files(sb, 0, nfiles, 4);
    struct safer_err err = {0};
    assert_int_equal(safer_store_digest(sa, da, &err), 0);
    assert_int_equal(safer_store_digest(sb, db, &err), 0);
    assert_string_equal(da, db);
    safer_store_close(sa);
    safer_store_close(sb);
    testdb_drop(a);
    testdb_drop(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_thread_reference),
        cmocka_unit_test(test_readers_while_a_writer_imports),
        cmocka_unit_test(test_imports_at_once),
        cmocka_unit_test(test_import_thread_count_does_not_matter),
    };
    return cmocka_run_group_tests_name("concurrency", tests, setup, teardown);
}
