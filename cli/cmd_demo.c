/*
 * cmd_demo.c - `safer demo [--out DIR]`: the main job. It generates a
 * synthetic borough (wards placed in Kent, three years of police.uk-format
 * crime, lookups and a population), imports it through the real importers
 * into DIR/demo.db (never ./safer.db) and writes the assessment into DIR,
 * all put in place as a unit. The same options always give the same files.
 */
#include "util/compat.h"

#include <stdio.h>

#include "cli.h"
#include "safer/lib.h"
#include "safer/area.h"
#include "safer/assess.h"
#include "safer/lookup.h"
#include "safer/output.h"
#include "safer/police.h"
#include "safer/store.h"
#include "safer/synth.h"

static const char USAGE[] = "usage: safer demo [--out DIR]\n";
static const char HELP[] =
    "\n"
    "Builds the demo partnership from nothing: a synthetic borough of 26 wards\n"
    "placed in Kent with 36 months of police.uk-format records (trends,\n"
    "hotspots, a partial month), lookups and a population, imports it through\n"
    "the real importers into DIR/demo.db and writes the assessment into DIR\n"
    "(default ./demo). Needs no network and no files outside the program.\n";

/* The demo partnership: the Safer Maidstone Partnership's plan, synthetic data. */
#define DEMO_TITLE "Safer Maidstone Partnership: strategic assessment (synthetic demo data)"

/* `dir`/`name` into `out`. */
static void path_in(char *out, size_t n, const char *dir, const char *name)
{
    snprintf(out, n, "%s/%s", dir, name);
}

int cmd_demo(int argc, char **argv)
{
    const char *out = "demo";
    int status = cli_parse_out_only(argc, argv, USAGE, HELP, &out);
    if (status >= 0)
        return status;

    /* Everything goes into a fresh folder put in place as a unit; the
     * store is rebuilt there from nothing every run. */
    struct safer_err err = {0};
    struct safer_output dir;
    int rc = safer_output_init_dir(&dir, out, SAFER_OUTPUT_REPLACE_STORE, &err);
    if (rc < 0)
        return cli_fail(&err, rc);
    char data[4096], db[4096], path[4200];
    path_in(data, sizeof(data), safer_output_path(&dir), "data");
    path_in(db, sizeof(db), safer_output_path(&dir), "demo.db");

    struct safer_synth_opts so;
    safer_synth_opts_init(&so);
    so.nwards = 26;
    so.rows = 60000; /* about Maidstone's volume: 1,700 records a month */
    so.district_name = "Maidstone (synthetic)";
    struct safer_synth_result res = {0};
    rc = safer_synth_write(data, &so, &res, &err);
    safer_synth_result_release(&res);
    if (rc < 0)
        goto fail;
    printf("generated a synthetic borough in %s/data/\n", out);

    struct safer_store *st;
    rc = safer_store_open(&st, db, &err);
    if (rc < 0)
        goto fail;

    struct safer_areas_opts ao = {"ward", NULL, NULL, 0};
    struct safer_areas_stats as;
    path_in(path, sizeof(path), data, "wards.geojson");
    rc = safer_areas_import(st, path, &ao, &as, &err);
    struct safer_lookup_stats ls;
    if (rc == 0) {
        printf("imported %zu wards\n", as.features);
        path_in(path, sizeof(path), data, "lookup.csv");
        rc = safer_lookup_import(st, path, &ls, &err);
    }
    if (rc == 0) {
        path_in(path, sizeof(path), data, "csp_lookup.csv");
        rc = safer_lookup_import(st, path, &ls, &err);
    }
    struct safer_population_stats ps;
    if (rc == 0) {
        path_in(path, sizeof(path), data, "population.csv");
        rc = safer_population_import(st, path, &ps, &err);
    }
    struct safer_deprivation_stats ds;
    if (rc == 0) {
        path_in(path, sizeof(path), data, "deprivation.csv");
        rc = safer_deprivation_import(st, path, &ds, &err);
    }
    struct safer_import_stats is;
    if (rc == 0) {
        printf("imported the lookups, and the population and deprivation of %zu LSOAs\n",
               ps.rows);
        path_in(path, sizeof(path), data, "police");
        const char *paths[1] = {path};
        struct safer_import_opts io = {0, safer_cores(), NULL, NULL, NULL};
        rc = safer_police_import(st, paths, 1, &io, &is, &err);
    }
    struct safer_assessment a = {0};
    if (rc == 0) {
        printf("imported %llu police.uk files: %llu rows, %llu rejected\n",
               (unsigned long long)is.files, (unsigned long long)is.rows_imported,
               (unsigned long long)is.rows_rejected);
        struct safer_assess_opts o = {-1, "E22900001", 250, DEMO_TITLE, safer_cores()};
        rc = safer_assess_run(st, &o, &dir, &a, &err);
    }
    safer_store_close(st);
    if (rc == 0)
        rc = safer_output_add_store(&dir, "demo.db", &err);
    if (rc == 0)
        rc = safer_output_commit(&dir, &err);
    if (rc == 0)
        cli_print_assessed(&a, out);
    safer_assessment_release(&a);
fail:
    safer_output_release(&dir);
    return rc < 0 ? cli_fail(&err, rc) : EXIT_OK;
}
