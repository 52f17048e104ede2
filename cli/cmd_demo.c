/*
 * cmd_demo.c - `safer demo [--out DIR]`: the main job. It generates a
 * synthetic borough (wards placed in Kent, three years of police.uk-format
 * crime, lookups and a population), imports it through the real importers
 * into DIR/demo.db (never ./safer.db) and writes the assessment into DIR.
 * The same options always give the same files.
 */
#include "util/compat.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "safer/lib.h"
#include "safer/lib.h"
#include "safer/area.h"
#include "safer/assess.h"
#include "safer/lookup.h"
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

int cmd_demo(int argc, char **argv)
{
    const char *out = "demo";
    int status = cli_parse_out_only(argc, argv, USAGE, HELP, &out);
    if (status >= 0)
        return status;
    if (cli_make_dir(out) < 0)
        return EXIT_FAILED;

    char data[4096], db[4096], path[4200];
    snprintf(data, sizeof(data), "%s/data", out);
    snprintf(db, sizeof(db), "%s/demo.db", out);
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "%s%s", db, suffixes[i]);
        unlink(path);
    }

    struct safer_err err = {0};
    struct safer_synth_opts so;
    safer_synth_opts_init(&so);
    so.nwards = 26;
    so.rows = 60000; /* about Maidstone's volume: 1,700 records a month */
    so.district_name = "Maidstone (synthetic)";
    struct safer_synth_result res = {0};
    int rc = safer_synth_write(data, &so, &res, &err);
    safer_synth_result_release(&res);
    if (rc < 0)
        return cli_fail(&err, rc);
    printf("generated a synthetic borough in %s/\n", data);

    struct safer_store *st;
    rc = safer_store_open(&st, db, &err);
    if (rc < 0)
        return cli_fail(&err, rc);

    struct safer_areas_opts ao = {"ward", NULL, NULL, 0};
    struct safer_areas_stats as;
    snprintf(path, sizeof(path), "%s/wards.geojson", data);
    rc = safer_areas_import(st, path, &ao, &as, &err);
    struct safer_lookup_stats ls;
    if (rc == 0) {
        printf("imported %zu wards\n", as.features);
        snprintf(path, sizeof(path), "%s/lookup.csv", data);
        rc = safer_lookup_import(st, path, &ls, &err);
    }
    if (rc == 0) {
        snprintf(path, sizeof(path), "%s/csp_lookup.csv", data);
        rc = safer_lookup_import(st, path, &ls, &err);
    }
    struct safer_population_stats ps;
    if (rc == 0) {
        snprintf(path, sizeof(path), "%s/population.csv", data);
        rc = safer_population_import(st, path, &ps, &err);
    }
    struct safer_deprivation_stats ds;
    if (rc == 0) {
        snprintf(path, sizeof(path), "%s/deprivation.csv", data);
        rc = safer_deprivation_import(st, path, &ds, &err);
    }
    struct safer_import_stats is;
    if (rc == 0) {
        printf("imported the lookups, and the population and deprivation of %zu LSOAs\n",
               ps.rows);
        snprintf(path, sizeof(path), "%s/police", data);
        const char *paths[1] = {path};
        struct safer_import_opts io = {.threads = safer_cores()};
        rc = safer_police_import(st, paths, 1, &io, &is, &err);
    }
    if (rc < 0) {
        safer_store_close(st);
        return cli_fail(&err, rc);
    }
    printf("imported %llu police.uk files: %llu rows, %llu rejected\n",
           (unsigned long long)is.files, (unsigned long long)is.rows_imported,
           (unsigned long long)is.rows_rejected);

    struct safer_assess_opts o = {-1, "E22900001", 250, DEMO_TITLE, safer_cores()};
    rc = cli_assess(st, &o, out);
    safer_store_close(st);
    return rc;
}
