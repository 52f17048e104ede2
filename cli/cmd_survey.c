/*
 * cmd_survey.c - `safer import survey` and `safer survey` (survey.h,
 * docs/surveys.md).
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "safer/buf.h"
#include "safer/store.h"
#include "safer/survey.h"

enum { S_MAP, S_MARGINS, S_TRIM };
static const struct cli_opt import_opts[] = {
    [S_MAP] = {"map", "MAP.json", "the mapping of the file's columns and answers (required)"},
    [S_MARGINS] = {"margins", "FILE.csv",
                   "population margins: columns sex, age_band, ward, population\n"
                   "(default: the store's ward populations)"},
    [S_TRIM] = {"trim", "LOW:HIGH",
                "trim the weights to LOW..HIGH times the mean weight (e.g. 0.2:5;\n"
                "default: no trimming)"},
    {NULL, NULL, NULL},
};
const struct cli_spec cli_survey_import_spec = {
    "usage: safer [--db PATH] import survey FILE.csv --map MAP.json [--margins FILE.csv]\n"
    "                                       [--trim LOW:HIGH]\n",
    "A survey export, read through its mapping (docs/surveys.md). Each wave is\n"
    "raked as a whole to the population margins (age band x sex, and ward) and\n"
    "replaces a stored wave of its name. An unknown answer, age band or sex fails\n"
    "the import (FILE:LINE); rows without an area, age band or sex to weight by\n"
    "are rejected and counted.\n"
    "Every import is one transaction: a failed import changes nothing.\n",
    import_opts, 0, 1, 1, "import survey needs exactly one CSV file"};

static int parse_trim(const char *s, double *lo, double *hi)
{
    char *end;
    *lo = strtod(s, &end);
    if (end == s || *end != ':')
        return -1;
    const char *h = end + 1;
    *hi = strtod(h, &end);
    if (end == h || *end || !isfinite(*lo) || !isfinite(*hi) || *lo < 0 || *lo >= 1 || *hi <= 1)
        return -1;
    return 0;
}

int cli_import_survey(const struct cli_spec *spec, int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(spec, argc, argv, &args);
    if (status >= 0)
        return status;
    if (!args.val[S_MAP])
        return cli_usage_error(spec, "import survey needs --map MAP.json");
    struct safer_survey_import_opts o = {.map = args.val[S_MAP], .margins = args.val[S_MARGINS]};
    if (args.val[S_TRIM] && parse_trim(args.val[S_TRIM], &o.trim_lo, &o.trim_hi) < 0)
        return cli_usage_error(spec, "--trim '%s': give LOW:HIGH with LOW in [0, 1) and HIGH "
                                     "above 1, as multiples of the mean weight",
                               args.val[S_TRIM]);
    const char *path = args.args[0];
    struct safer_store *st = cli_open_store(CLI_STORE_CREATE);
    if (!st)
        return EXIT_FAILED;
    struct safer_err err = {0};
    struct safer_survey_import_stats s;
    int rc = safer_survey_import(st, path, &o, &s, &err);
    safer_store_close(st);
    if (rc < 0) {
        cli_fail(&err, rc);
        fprintf(stderr, "safer: nothing was imported\n");
        return EXIT_FAILED;
    }
    printf("imported survey %s: %zu rows, %zu respondents, %zu rejected", path, s.rows,
           s.imported, s.rejected);
    if (s.rejected)
        printf(" (%zu without an area that resolves, %zu without an age band or sex; first: %s)",
               s.rejected_area, s.rejected_age_sex, s.first_rejected);
    printf("; %zu blank answer%s left out of the base\n", s.no_answer,
           s.no_answer == 1 ? "" : "s");
    printf("weighted by raking to %s", s.margins);
    if (o.trim_lo > 0 || o.trim_hi > 0)
        printf(", weights trimmed to %g..%g times the mean", o.trim_lo, o.trim_hi);
    else
        printf(", no trimming");
    printf("\n");
    for (size_t k = 0; k < s.nwaves; k++) {
        const struct safer_survey_wave_stats *w = &s.waves[k];
        printf("wave %s: %zu respondents, raked in %d pass%s, design effect %.3f", w->name,
               w->respondents, w->iterations, w->iterations == 1 ? "" : "es", w->deff);
        if (o.trim_lo > 0 || o.trim_hi > 0)
            printf(", %zu weights trimmed", w->trimmed);
        printf("%s\n", w->replaced ? " (replaces the stored wave)" : "");
    }
    return EXIT_OK;
}

enum { V_CHANGES, V_PUBLIC, V_EXACT, V_CLUSTERS, V_AREA };
static const struct cli_opt survey_opts[] = {
    [V_CHANGES] = {"changes", NULL, "the change between the last two waves, with its test"},
    [V_PUBLIC] = {"public", NULL,
                  "as members and the public see it: no ward (or cluster) estimate on a\n"
                  "base under 50"},
    [V_EXACT] = {"exact", NULL, "percentages to 17 significant figures"},
    [V_CLUSTERS] = {"clusters", NULL,
                    "by ward cluster instead of by ward: the clusters of the report of\n"
                    "--area (domain cluster-K, as the report numbers them)"},
    [V_AREA] = {"area", "CODE", "with --clusters: the district or CSP whose wards are clustered"},
    {NULL, NULL, NULL},
};
static const struct cli_spec survey_spec = {
    "usage: safer [--db PATH] survey [--changes] [--public] [--exact]\n"
    "       safer [--db PATH] survey --clusters --area CODE [--changes] [--public] [--exact]\n",
    "The stored survey waves' estimates as CSV: each question's weighted percentage\n"
    "with its 95% confidence interval, overall and by ward (or, with --clusters, by\n"
    "ward cluster, each a domain of the wave's one raked design), and small_base\n"
    "'yes' for a base under 50 respondents (docs/surveys.md).\n",
    survey_opts, 0, 0, 0, "survey takes no arguments"};

int cmd_survey(int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(&survey_spec, argc, argv, &args);
    if (status >= 0)
        return status;
    bool by_cluster = args.val[V_CLUSTERS] != NULL;
    if (by_cluster && !args.val[V_AREA])
        return cli_usage_error(&survey_spec, "survey --clusters needs --area CODE");
    if (!by_cluster && args.val[V_AREA])
        return cli_usage_error(&survey_spec, "--area goes with --clusters");
    struct safer_store *st = cli_open_store(CLI_STORE_EXISTING);
    if (!st)
        return EXIT_FAILED;
    struct safer_err err = {0};
    struct safer_survey_results r;
    bool pub = args.val[V_PUBLIC] != NULL;
    int rc = by_cluster ? safer_survey_results_clusters(st, args.val[V_AREA], pub, &r, &err)
                        : safer_survey_results_load(st, pub, &r, &err);
    safer_store_close(st);
    if (rc < 0)
        return cli_fail(&err, rc);
    if (r.nwaves == 0) {
        safer_survey_results_release(&r);
        fprintf(stderr, "safer: no survey is loaded (safer import survey)\n");
        return EXIT_FAILED;
    }
    struct safer_buf b;
    safer_buf_init(&b, (size_t)1 << 30);
    bool exact = args.val[V_EXACT] != NULL;
    rc = args.val[V_CHANGES] ? safer_survey_changes_csv(&r, exact, &b)
                             : safer_survey_results_csv(&r, exact, &b);
    if (rc == 0)
        fwrite(b.ptr, 1, b.len, stdout);
    safer_buf_release(&b);
    safer_survey_results_release(&r);
    if (rc < 0) {
        fprintf(stderr, "safer: %s\n", safer_strerror(rc));
        return EXIT_FAILED;
    }
    return EXIT_OK;
}
