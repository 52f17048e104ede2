/*
 * cmd_assess.c - `safer assess --out DIR [--to YYYY-MM] [--area CODE]`.
 */
#include "util/compat.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "safer/lib.h"
#include "safer/assess.h"
#include "safer/output.h"
#include "safer/store.h"

static const char USAGE[] =
    "usage: safer [--db PATH] assess --out DIR [--to YYYY-MM] [--area CODE] [--cell METRES]\n"
    "                               [--title TEXT]\n";

static const char HELP[] =
    "\n"
    "Writes the strategic assessment into DIR: index.html (the report) and the\n"
    "CSV files behind every figure. The files are put in place together: DIR\n"
    "holds the whole earlier set or the whole new one, never a mixture. A\n"
    "folder holding anything safer did not write is refused.\n"
    "  --out DIR      folder to write: new, empty, or written by safer before\n"
    "  --to YYYY-MM   latest month of the assessment (default: the latest in the data)\n"
    "  --area CODE    keep the wards of one district (LAD code) or Community Safety\n"
    "                 Partnership (CSP code, with the district to CSP lookup loaded)\n"
    "  --cell METRES  hotspot grid cell size in metres (default 250)\n"
    "  --title TEXT   the report's title (default: the area's name)\n";

void cli_print_assessed(const struct safer_assessment *a, const char *out)
{
    printf("assessed %llu records in %zu wards up to %04d-%02d: %llu assigned (%llu by LSOA), "
           "%llu without coordinates, %llu outside the wards",
           (unsigned long long)a->rows_total, a->nwards, a->latest / 12, a->latest % 12 + 1,
           (unsigned long long)a->rows_assigned, (unsigned long long)a->rows_assigned_by_lsoa,
           (unsigned long long)a->rows_no_coords, (unsigned long long)a->rows_outside_wards);
    if (a->area_code)
        printf(", %llu outside %s", (unsigned long long)a->rows_outside_area, a->area_code);
    printf("\nreport: %s/index.html\n", out);
}

int cmd_assess(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"out", required_argument, NULL, 'o'},  {"to", required_argument, NULL, 't'},
        {"area", required_argument, NULL, 'a'}, {"cell", required_argument, NULL, 'c'},
        {"title", required_argument, NULL, 'T'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    struct safer_assess_opts o = {-1, NULL, 250, NULL, safer_cores()};
    const char *out = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            out = optarg;
            break;
        case 't':
            o.to = cli_parse_month(optarg);
            if (o.to < 0)
                return cli_usage_error(USAGE, "--to '%s' is not a month (YYYY-MM)", optarg);
            break;
        case 'a':
            o.area = optarg;
            break;
        case 'c': {
            char *end;
            o.cell = strtod(optarg, &end);
            if (*end || !(o.cell >= 10 && o.cell <= 100000))
                return cli_usage_error(USAGE, "--cell '%s' must be metres between 10 and 100000",
                                       optarg);
            break;
        }
        case 'T':
            o.title = optarg;
            break;
        case 'h':
            printf("%s%s", USAGE, HELP);
            return EXIT_OK;
        default:
            return cli_usage_error(USAGE, "bad option");
        }
    }
    if (!out)
        return cli_usage_error(USAGE, "assess needs --out DIR");
    if (optind != argc)
        return cli_usage_error(USAGE, "unexpected argument '%s'", argv[optind]);
    struct safer_err err = {0};
    struct safer_output dir;
    int rc = safer_output_init_dir(&dir, out, 0, &err);
    if (rc < 0)
        return cli_fail(&err, rc);
    struct safer_store *st = cli_open_store();
    if (!st) {
        safer_output_release(&dir);
        return EXIT_FAILED;
    }
    struct safer_assessment a;
    rc = safer_assess_run(st, &o, &dir, &a, &err);
    safer_store_close(st);
    if (rc == 0)
        rc = safer_output_commit(&dir, &err);
    safer_output_release(&dir);
    if (rc == 0)
        cli_print_assessed(&a, out);
    safer_assessment_release(&a);
    return rc < 0 ? cli_fail(&err, rc) : EXIT_OK;
}
