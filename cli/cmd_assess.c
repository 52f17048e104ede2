/*
 * cmd_assess.c - `safer assess --out DIR [--to YYYY-MM] [--area CODE]`.
 */
#include "util/compat.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "safer/lib.h"
#include "safer/assess.h"
#include "safer/report.h"
#include "safer/store.h"

static const char USAGE[] =
    "usage: safer [--db PATH] assess --out DIR [--to YYYY-MM] [--area CODE] [--cell METRES]\n"
    "                               [--title TEXT]\n";

static const char HELP[] =
    "\n"
    "Writes the strategic assessment into DIR: index.html (the report) and the\n"
    "CSV files behind every figure.\n"
    "  --out DIR      folder to write (created if missing)\n"
    "  --to YYYY-MM   latest month of the assessment (default: the latest in the data)\n"
    "  --area CODE    keep the wards of one district (LAD code) or Community Safety\n"
    "                 Partnership (CSP code, with the district to CSP lookup loaded)\n"
    "  --cell METRES  hotspot grid cell size in metres (default 250)\n"
    "  --title TEXT   the report's title (default: the area's name)\n";

int cli_make_dir(const char *dir)
{
    if (mkdir(dir, 0777) == 0 || errno == EEXIST) {
        struct stat sb;
        if (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode))
            return 0;
    }
    fprintf(stderr, "safer: %s: cannot create the folder: %s\n", dir, strerror(errno));
    return -1;
}

struct report_job {
    const struct safer_assessment *a;
    const char *out;
    int rc;
    struct safer_err err;
};

static void *write_report(void *arg)
{
    struct report_job *j = arg;
    j->rc = safer_report_write(j->a, j->out, &j->err);
    return NULL;
}

int cli_assess(struct safer_store *st, const struct safer_assess_opts *o, const char *out)
{
    struct safer_assessment a;
    struct safer_err err = {0};
    int rc = safer_assess_compute(st, o, &a, &err);
    if (rc < 0)
        return cli_fail(&err, rc);
    /* The report and the CSV files only read the assessment: write both at once. */
    struct report_job rj = {&a, out, 0, {0}};
    pthread_t tid;
    int threaded = pthread_create(&tid, NULL, write_report, &rj) == 0;
    rc = safer_assess_write_csv(&a, out, &err);
    if (threaded)
        pthread_join(tid, NULL);
    else
        write_report(&rj);
    if (rc == 0 && rj.rc < 0) {
        rc = rj.rc;
        err = rj.err;
    }
    if (rc < 0) {
        safer_assessment_release(&a);
        return cli_fail(&err, rc);
    }
    printf("assessed %llu records in %zu wards up to %04d-%02d: %llu assigned (%llu by LSOA), "
           "%llu without coordinates, %llu outside the wards",
           (unsigned long long)a.rows_total, a.nwards, a.latest / 12, a.latest % 12 + 1,
           (unsigned long long)a.rows_assigned, (unsigned long long)a.rows_assigned_by_lsoa,
           (unsigned long long)a.rows_no_coords, (unsigned long long)a.rows_outside_wards);
    if (a.area_code)
        printf(", %llu outside %s", (unsigned long long)a.rows_outside_area, a.area_code);
    printf("\nreport: %s/index.html\n", out);
    safer_assessment_release(&a);
    return EXIT_OK;
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
    if (cli_make_dir(out) < 0)
        return EXIT_FAILED;
    struct safer_store *st = cli_open_store();
    if (!st)
        return EXIT_FAILED;
    int rc = cli_assess(st, &o, out);
    safer_store_close(st);
    return rc;
}
