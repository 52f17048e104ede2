/*
 * demo.c - the demo partnership from nothing (see safer/demo.h): generate,
 * import, assess, all inside the fresh folder of one output set, which is
 * then put in place.
 */
#include "util/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/internal.h"
#include "safer/area.h"
#include "safer/assess.h"
#include "safer/demo.h"
#include "safer/lookup.h"
#include "safer/output.h"
#include "safer/police.h"
#include "safer/store.h"
#include "safer/synth.h"

/* The demo partnership: the Safer Maidstone Partnership's plan, synthetic data. */
#define DEMO_TITLE "Safer Maidstone Partnership: strategic assessment (synthetic demo data)"
#define DEMO_CSP "E22900001" /* the synthetic Community Safety Partnership */
#define DEMO_STORE "demo.db"

static void report(const struct safer_demo_opts *opts, struct safer_demo_progress *p,
                   enum safer_demo_step step)
{
    p->step = step;
    if (opts->progress)
        opts->progress(opts->ctx, p);
}

/* `dir`/`name`, malloc'd. */
static char *path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = safer__xmalloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* Import the generated tables and police files in `data` into `st`. */
static int import_all(struct safer_store *st, const char *data, const struct safer_demo_opts *opts,
                      struct safer_demo_progress *p, struct safer_err *err)
{
    static const char *const lookups[] = {"lookup.csv", "csp_lookup.csv"};
    struct safer_areas_opts ao = {"ward", NULL, NULL, 0};
    struct safer_areas_stats as;
    char *path = path_in(data, "wards.geojson");
    int rc = safer_areas_import(st, path, &ao, &as, err);
    free(path);
    if (rc < 0)
        return rc;
    p->wards = as.features;
    report(opts, p, SAFER_DEMO_WARDS);

    for (size_t i = 0; i < 2 && rc == 0; i++) {
        struct safer_lookup_stats ls;
        path = path_in(data, lookups[i]);
        rc = safer_lookup_import(st, path, &ls, err);
        free(path);
    }
    struct safer_population_stats ps;
    if (rc == 0) {
        path = path_in(data, "population.csv");
        rc = safer_population_import(st, path, &ps, err);
        free(path);
    }
    if (rc == 0) {
        struct safer_deprivation_stats ds;
        path = path_in(data, "deprivation.csv");
        rc = safer_deprivation_import(st, path, &ds, err);
        free(path);
    }
    if (rc < 0)
        return rc;
    p->lsoas = ps.rows;
    report(opts, p, SAFER_DEMO_TABLES);

    path = path_in(data, "police");
    const char *paths[1] = {path};
    struct safer_import_opts io = {.threads = opts->threads};
    rc = safer_police_import(st, paths, 1, &io, &p->police, err);
    free(path);
    if (rc == 0)
        report(opts, p, SAFER_DEMO_POLICE);
    return rc;
}

int safer_demo_run(const char *dir, const struct safer_demo_opts *opts, struct safer_assessment *a,
                   struct safer_err *err)
{
    memset(a, 0, sizeof(*a));
    struct safer_output out;
    int rc = safer_output_init_dir(&out, dir, SAFER_OUTPUT_REPLACE_STORE, err);
    if (rc < 0)
        return rc;
    struct safer_demo_progress p;
    memset(&p, 0, sizeof(p));
    char *data = path_in(safer_output_path(&out), "data");
    char *db = path_in(safer_output_path(&out), DEMO_STORE);

    struct safer_synth_opts so;
    safer_synth_opts_init(&so);
    so.nwards = 26;
    so.rows = 60000; /* about Maidstone's volume: 1,700 records a month */
    so.district_name = "Maidstone (synthetic)";
    struct safer_synth_result res = {0};
    rc = safer_synth_write(data, &so, &res, err);
    safer_synth_result_release(&res);
    if (rc < 0)
        goto out;
    report(opts, &p, SAFER_DEMO_GENERATED);

    struct safer_store *st;
    rc = safer_store_open(&st, db, err);
    if (rc < 0)
        goto out;
    /* Nothing in it is real: no licence or copyright line may claim otherwise. */
    rc = safer_store_set_meta(st, "synthetic", "yes", err);
    if (rc == 0)
        rc = import_all(st, data, opts, &p, err);
    if (rc == 0) {
        struct safer_assess_opts ao = {
            .to = -1, .area = DEMO_CSP, .cell = 250, .title = DEMO_TITLE, .threads = opts->threads};
        rc = safer_assess_run(st, &ao, &out, a, err);
    }
    safer_store_close(st);
    if (rc == 0)
        rc = safer_output_add_store(&out, DEMO_STORE, err);
    if (rc == 0)
        rc = safer_output_commit(&out, err);
    if (rc < 0)
        safer_assessment_release(a);
out:
    free(data);
    free(db);
    safer_output_release(&out);
    return rc;
}
