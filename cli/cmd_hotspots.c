/*
 * cmd_hotspots.c - `safer hotspots --harm|--harm-by-ward|--persistence
 * --out FILE.csv [--area CODE] [--from YYYY-MM] [--to YYYY-MM] [--cell M]`:
 * one of the assessment's CSV files of harm and hot spots over time
 * (docs/statistics.md, Harm and Hot spots over time), computed as the
 * assessment computes it.
 */
#include "util/compat.h"

#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "safer/lib.h"
#include "safer/assess.h"
#include "safer/output.h"
#include "safer/store.h"

enum { O_HARM, O_BY_WARD, O_PERSIST, O_OUT, O_AREA, O_FROM, O_TO, O_CELL };
static const struct cli_opt opts[] = {
    [O_HARM] = {"harm", NULL, "harm hot spots: Gi* of the harm-weighted records per square"},
    [O_BY_WARD] = {"harm-by-ward", NULL, "harm by ward and category"},
    [O_PERSIST] = {"persistence", NULL,
                   "hot spots over time: each square's Gi* class per quarter (or\n"
                   "year) and its class: persistent, emerging, former, intermittent, never"},
    [O_OUT] = {"out", "FILE.csv", "the file to write"},
    [O_AREA] = {"area", "CODE", "keep the wards of one district or Community Safety Partnership"},
    [O_FROM] = {"from", "YYYY-MM", "first month of the window (default: the 12 months to --to)"},
    [O_TO] = {"to", "YYYY-MM", "latest month (default: the latest in the data)"},
    [O_CELL] = {"cell", "METRES", "grid cell size in metres (default 250)"},
    {NULL, NULL, NULL},
};
static const struct cli_spec spec = {
    "usage: safer [--db PATH|URL] hotspots --harm|--harm-by-ward|--persistence --out FILE.csv\n"
    "                                      [--area CODE] [--from YYYY-MM] [--to YYYY-MM]\n"
    "                                      [--cell METRES]\n",
    "Writes one CSV file of the assessment (docs/assessment.md): harm_hotspots.csv,\n"
    "harm_by_ward.csv or hotspot_persistence.csv. The window's periods are its\n"
    "quarters, or its years when it holds 36 months or more, the last ending at\n"
    "the latest month. Harm uses the built-in weights, replaced by those of\n"
    "'safer import harm-weights'.\n",
    opts, 0, 0, 0, NULL};

int cmd_hotspots(int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(&spec, argc, argv, &args);
    if (status >= 0)
        return status;
    int which = -1, nwhich = 0;
    for (int k = O_HARM; k <= O_PERSIST; k++) {
        if (args.val[k]) {
            which = k;
            nwhich++;
        }
    }
    if (nwhich != 1)
        return cli_usage_error(&spec,
                               "hotspots needs one of --harm, --harm-by-ward, --persistence");
    const char *path = args.val[O_OUT], *from = args.val[O_FROM], *to = args.val[O_TO],
               *cell = args.val[O_CELL];
    if (!path || !*path)
        return cli_usage_error(&spec, "hotspots needs --out FILE.csv");
    struct safer_assess_opts o = {
        .to = -1, .area = args.val[O_AREA], .cell = 250, .threads = safer_cores()};
    int bad = cli_parse_window(&spec, from, to, &o.from, &o.to);
    if (bad)
        return bad;
    if (cell) {
        char *end;
        o.cell = strtod(cell, &end);
        if (*end || !(o.cell >= 10 && o.cell <= 100000))
            return cli_usage_error(&spec, "--cell '%s' must be metres between 10 and 100000", cell);
    }
    struct safer_store *st = cli_open_store(CLI_STORE_EXISTING);
    if (!st)
        return EXIT_FAILED;
    struct safer_err err = {0};
    struct safer_assessment a;
    int rc = safer_assess_compute(st, &o, &a, &err);
    safer_store_close(st);
    if (rc < 0)
        return cli_fail(&err, rc);
    /* Written beside the file and renamed over it: FILE holds the old file
     * or the whole new one, never a part. */
    struct safer_stream out;
    rc = safer_stream_open(&out, path, &err);
    if (rc == 0) {
        rc = which == O_HARM      ? safer_harm_csv_cells(&a, &out.buf)
             : which == O_BY_WARD ? safer_harm_csv_by_ward(&a, &out.buf)
                                  : safer_persistence_csv(&a, &out.buf);
        if (rc < 0)
            rc = safer_err_set(&err, rc, "%s: %s", path, safer_strerror(rc));
    }
    if (rc == 0)
        rc = safer_stream_commit(&out, &err);
    safer_stream_release(&out);
    if (rc == 0) {
        if (which == O_PERSIST)
            printf("%zu squares over %zu periods of %d months to %04d-%02d: %s\n", a.ncells,
                   a.nperiods, a.period_months, a.latest / 12, a.latest % 12 + 1, path);
        else if (which == O_HARM)
            printf("%zu squares, harm to %04d-%02d: %s\n", a.ncells, a.latest / 12,
                   a.latest % 12 + 1, path);
        else
            printf("%zu wards by %zu categories, harm to %04d-%02d: %s\n", a.nwards, a.ntypes,
                   a.latest / 12, a.latest % 12 + 1, path);
    }
    safer_assessment_release(&a);
    return rc < 0 ? cli_fail(&err, rc) : EXIT_OK;
}
