/*
 * cmd_focus.c - `safer focus --out FILE.csv [--area CODE] [--weights FILE]
 * [--top K] [--draws N] [--spread X] [--seed N]`: the focus index of the
 * wards (profile.h, docs/statistics.md "Focus index"), its CSV and a summary.
 */
#include "util/compat.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "safer/arena.h"
#include "safer/assess.h"
#include "safer/lib.h"
#include "safer/output.h"
#include "safer/profile.h"
#include "safer/store.h"

enum { O_OUT, O_AREA, O_FROM, O_TO, O_WEIGHTS, O_TOP, O_DRAWS, O_SPREAD, O_SEED };
static const struct cli_opt opts[] = {
    [O_OUT] = {"out", "FILE", "CSV file to write, put in place whole ('-': standard output)"},
    [O_AREA] = {"area", "CODE", "keep the wards of one district (LAD) or partnership (CSP)"},
    [O_FROM] = {"from", "YYYY-MM", "first month of the latest window (default: 12 months to --to)"},
    [O_TO] = {"to", "YYYY-MM", "latest month (default: the latest in the data)"},
    [O_WEIGHTS] = {"weights", "FILE",
                   "CSV 'indicator,weight': rate, rate:CATEGORY, domain:KEY (imd,\n"
                   "income, employment, education, health, crime, barriers, living)\n"
                   "(default: rate 1, rate:Violence and sexual offences 0.5,\n"
                   "rate:Anti-social behaviour 0.5, domain:income 0.5,\n"
                   "domain:employment 0.5, domain:health 1)"},
    [O_TOP] = {"top", "K", "the top k of the stability and the focus area (default 5)"},
    [O_DRAWS] = {"draws", "N", "weight draws for the rank stability (default 1000)"},
    [O_SPREAD] = {"spread", "X", "each weight varies within +-X of itself (default 0.25)"},
    [O_SEED] = {"seed", "N", "seed of the draws (default 1)"},
    {NULL, NULL, NULL},
};
static const struct cli_spec spec = {
    "usage: safer [--db PATH] focus --out FILE.csv [--area CODE] [--from YYYY-MM] [--to YYYY-MM]\n"
    "                              [--weights FILE] [--top K] [--draws N] [--spread X] [--seed N]\n",
    "Ranks the wards by a composite index of crime rates and deprivation\n"
    "domains (docs/statistics.md, Focus index), says how often each ward stays\n"
    "in the top k when the weights vary, and proposes as a focus area the\n"
    "adjacent wards of the top k that rank high together.\n",
    opts, 0, 0, 0, NULL};

/* A whole number from lo to hi, or -1. */
static long long parse_whole(const char *s, long long lo, long long hi)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || errno || v < lo || v > hi)
        return -1;
    return v;
}

static void summary(const struct safer_profiles *p, const struct safer_focus *f, size_t m,
                    const struct safer_focus_opts *o, const char *out)
{
    printf("focus index of %zu wards (%zu ranked) from %zu indicators; stability: %zu draws "
           "of +-%g%% per weight, seed %" PRIu64 "\n",
           p->n, f->nranked, m, f->draws, o->spread * 100, o->seed);
    printf("%4s  %-10s %-32s %8s  %s\n", "rank", "code", "ward", "index", "in top k");
    size_t k = f->top < f->nranked ? f->top : f->nranked;
    for (size_t r = 0; r < f->nranked && r < k + 5; r++) {
        size_t i = f->order[r];
        printf("%4zu  %-10s %-32.32s %8.3f  ", r + 1, p->ward[i].code,
               p->ward[i].name ? p->ward[i].name : "", f->index[i]);
        if (isfinite(f->top_share[i]))
            printf("%5.1f%%", 100 * f->top_share[i]);
        printf("%s\n", f->group[i] && f->group[i] == f->proposed ? "  focus area" : "");
    }
    if (f->proposed) {
        printf("proposed focus area:");
        const char *sep = " ";
        for (size_t r = 0; r < f->nranked; r++) {
            size_t i = f->order[r];
            if (f->group[i] == f->proposed) {
                printf("%s%s", sep, p->ward[i].name ? p->ward[i].name : p->ward[i].code);
                sep = " + ";
            }
        }
        printf("\n");
    } else {
        printf("proposed focus area: none (no two wards of the top %zu are neighbours)\n", k);
    }
    for (size_t j = 0; j < m; j++)
        if (f->flat[j])
            printf("note: indicator %zu is the same in every ranked ward and counts for nothing\n",
                   j + 1);
    if (f->nranked < p->n)
        printf("note: %zu wards lack an indicator and are not ranked\n", p->n - f->nranked);
    if (strcmp(out, "-") != 0)
        printf("wrote %s\n", out);
}

int cmd_focus(int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(&spec, argc, argv, &args);
    if (status >= 0)
        return status;
    const char *path = args.val[O_OUT], *from = args.val[O_FROM], *to = args.val[O_TO];
    if (!path)
        return cli_usage_error(&spec, "focus needs --out FILE.csv");
    struct safer_assess_opts ao = {.to = -1, .area = args.val[O_AREA], .cell = 250,
                                   .threads = safer_cores()};
    if (to) {
        ao.to = cli_parse_month(to);
        if (ao.to < 0)
            return cli_usage_error(&spec, "--to '%s' is not a month (YYYY-MM)", to);
    }
    if (from) {
        ao.from = cli_parse_month(from);
        if (ao.from < 0)
            return cli_usage_error(&spec, "--from '%s' is not a month (YYYY-MM)", from);
    }
    struct safer_focus_opts fo = {.top = SAFER_FOCUS_TOP, .draws = SAFER_FOCUS_DRAWS,
                                  .spread = SAFER_FOCUS_SPREAD, .seed = SAFER_FOCUS_SEED};
    if (args.val[O_TOP]) {
        long long v = parse_whole(args.val[O_TOP], 1, 100000);
        if (v < 0)
            return cli_usage_error(&spec, "--top '%s' is not a whole number from 1",
                                   args.val[O_TOP]);
        fo.top = (size_t)v;
    }
    if (args.val[O_DRAWS]) {
        long long v = parse_whole(args.val[O_DRAWS], 0, SAFER_LIMIT_FOCUS_DRAWS);
        if (v < 0)
            return cli_usage_error(&spec, "--draws '%s' is not a whole number from 0 to %d",
                                   args.val[O_DRAWS], SAFER_LIMIT_FOCUS_DRAWS);
        fo.draws = (size_t)v;
    }
    if (args.val[O_SPREAD]) {
        char *end;
        fo.spread = strtod(args.val[O_SPREAD], &end);
        if (!*args.val[O_SPREAD] || *end || !(fo.spread >= 0 && fo.spread <= 1))
            return cli_usage_error(&spec, "--spread '%s' is not a number from 0 to 1",
                                   args.val[O_SPREAD]);
    }
    if (args.val[O_SEED]) {
        long long v = parse_whole(args.val[O_SEED], 0, INT64_MAX);
        if (v < 0)
            return cli_usage_error(&spec, "--seed '%s' is not a whole number from 0",
                                   args.val[O_SEED]);
        fo.seed = (uint64_t)v;
    }

    struct safer_err err = {0};
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_focus_weight *w = NULL;
    int rc = 0;
    if (args.val[O_WEIGHTS]) {
        rc = safer_focus_weights_read(args.val[O_WEIGHTS], &arena, &w, &fo.nweights, &err);
        fo.weights = w;
    }
    struct safer_store *st = NULL;
    if (rc == 0) {
        st = cli_open_store(CLI_STORE_EXISTING);
        if (!st) {
            free(w);
            safer_arena_release(&arena);
            return EXIT_FAILED;
        }
    }
    struct safer_assessment a;
    memset(&a, 0, sizeof(a));
    struct safer_focus f;
    memset(&f, 0, sizeof(f));
    double *values = NULL;
    if (rc == 0)
        rc = safer_assess_compute(st, &ao, &a, &err);
    if (st)
        safer_store_close(st);
    /* The profiles come with the assessment, from the same snapshot. */
    if (rc == 0 && !a.profiles)
        rc = safer_err_set(&err, SAFER_ENOTFOUND, "no wards to rank: import ward boundaries");
    if (rc == 0)
        rc = safer_focus_compute(a.profiles, &fo, &f, &values, &err);
    struct safer_stream out;
    int opened = 0;
    if (rc == 0) {
        opened = 1;
        if (strcmp(path, "-") == 0)
            safer_stream_init_fd(&out, STDOUT_FILENO, "standard output");
        else
            rc = safer_stream_open(&out, path, &err);
    }
    if (rc == 0) {
        rc = safer_focus_write_csv(a.profiles, &fo, &f, values, &out.buf);
        if (rc < 0)
            rc = safer_err_set(&err, rc, "%s: the CSV is too large", path);
    }
    if (rc == 0)
        rc = safer_stream_commit(&out, &err);
    if (opened)
        safer_stream_release(&out);
    size_t m = fo.nweights;
    if (!fo.weights)
        safer_focus_default_weights(&m);
    if (rc == 0 && strcmp(path, "-") != 0)
        summary(a.profiles, &f, m, &fo, path);
    free(values);
    safer_focus_release(&f);
    safer_assessment_release(&a);
    free(w);
    safer_arena_release(&arena);
    return rc < 0 ? cli_fail(&err, rc) : EXIT_OK;
}
