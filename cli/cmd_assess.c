/*
 * cmd_assess.c - `safer assess --out DIR [--from YYYY-MM] [--to YYYY-MM] [--area CODE] ...`.
 */
#include "util/compat.h"

#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "safer/lib.h"
#include "safer/assess.h"
#include "safer/output.h"
#include "safer/store.h"

enum { O_OUT, O_FROM, O_TO, O_AREA, O_CELL, O_TITLE, O_PUBLIC };
static const struct cli_opt opts[] = {
    [O_OUT] = {"out", "DIR", "folder to write: new, empty, or written by safer before"},
    [O_FROM] = {"from", "YYYY-MM",
                "first month of the period assessed; the previous period is as long,\n"
                "just before it (default: the 12 months to --to)"},
    [O_TO] = {"to", "YYYY-MM", "latest month of the assessment (default: the latest in the data)"},
    [O_AREA] = {"area", "CODE",
                "keep the wards of one district (LAD code) or Community Safety\n"
                "Partnership (CSP code, with the district to CSP lookup loaded)"},
    [O_CELL] = {"cell", "METRES", "hotspot grid cell size in metres (default 250)"},
    [O_TITLE] = {"title", "TEXT", "the report's title (default: the area's name)"},
    [O_PUBLIC] = {"public", NULL,
                  "the public edition: counts from 1 to 4 hidden, with the counts that\n"
                  "would give them away, and no tables of single places or months by ward"},
    {NULL, NULL, NULL},
};
static const struct cli_spec spec = {
    "usage: safer [--db PATH] assess --out DIR [--from YYYY-MM] [--to YYYY-MM] [--area CODE]\n"
    "                               [--cell METRES] [--title TEXT] [--public]\n",
    "Writes the strategic assessment into DIR: index.html (the report) and the\n"
    "CSV files behind every figure. The files are put in place together: DIR\n"
    "holds the whole earlier set or the whole new one, never a mixture. A\n"
    "folder holding anything safer did not write is refused.\n",
    opts, 0, 0, 0, NULL};

void cli_print_assessed(const struct safer_assessment *a, const char *out)
{
    printf("assessed %llu records in %zu wards up to %04d-%02d: %llu assigned (%llu by LSOA), "
           "%llu without coordinates, %llu outside the wards",
           (unsigned long long)a->rows_total, a->nwards, a->latest / 12, a->latest % 12 + 1,
           (unsigned long long)a->rows_assigned, (unsigned long long)a->rows_assigned_by_lsoa,
           (unsigned long long)a->rows_no_coords, (unsigned long long)a->rows_outside_wards);
    if (a->area_code)
        printf(", %llu outside %s", (unsigned long long)a->rows_outside_area, a->area_code);
    if (a->hidden.min > 0)
        printf("\npublic edition: %zu counts hidden (%zu from 1 to %lld, %zu that would give "
               "them away)",
               a->hidden.small + a->hidden.others, a->hidden.small, (long long)a->hidden.min - 1,
               a->hidden.others);
    printf("\nreport: %s/index.html\n", out);
}

int cmd_assess(int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(&spec, argc, argv, &args);
    if (status >= 0)
        return status;
    const char *dir = args.val[O_OUT], *from = args.val[O_FROM], *to = args.val[O_TO],
               *cell = args.val[O_CELL];
    if (!dir)
        return cli_usage_error(&spec, "assess needs --out DIR");
    struct safer_assess_opts o = {.to = -1,
                                  .area = args.val[O_AREA],
                                  .cell = 250,
                                  .title = args.val[O_TITLE],
                                  .threads = safer_cores(),
                                  .public_edition = args.val[O_PUBLIC] != NULL};
    int bad = cli_parse_window(&spec, from, to, &o.from, &o.to);
    if (bad)
        return bad;
    if (cell) {
        char *end;
        o.cell = strtod(cell, &end);
        if (*end || !(o.cell >= 10 && o.cell <= 100000))
            return cli_usage_error(&spec, "--cell '%s' must be metres between 10 and 100000", cell);
    }

    struct safer_err err = {0};
    struct safer_output out;
    int rc = safer_output_init_dir(&out, dir, 0, &err);
    if (rc < 0)
        return cli_fail(&err, rc);
    struct safer_store *st = cli_open_store(CLI_STORE_EXISTING);
    if (!st) {
        safer_output_release(&out);
        return EXIT_FAILED;
    }
    struct safer_assessment a;
    rc = safer_assess_run(st, &o, &out, &a, &err);
    safer_store_close(st);
    if (rc == 0)
        rc = safer_output_commit(&out, &err);
    safer_output_release(&out);
    if (rc == 0)
        cli_print_assessed(&a, dir);
    safer_assessment_release(&a);
    return rc < 0 ? cli_fail(&err, rc) : EXIT_OK;
}
