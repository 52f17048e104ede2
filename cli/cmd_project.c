/*
 * cmd_project.c - `safer project`: the partnership's problem-solving
 * projects (project.h), listed, or one project's computed assessment: its
 * monthly series as CSV and the difference in differences
 * (docs/statistics.md, section 10).
 */
#include "util/compat.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "safer/arena.h"
#include "safer/partnership.h"
#include "safer/project.h"
#include "safer/store.h"

enum { O_PARTNERSHIP, O_ID, O_K, O_OUT };
static const struct cli_opt opts[] = {
    [O_PARTNERSHIP] = {"partnership", "CODE", "the partnership (default: the store's only one)"},
    [O_ID] = {"id", "N", "assess project N (without it: list the projects)"},
    [O_K] = {"k", "K", "comparison wards, 1 to 50 (default 5)"},
    [O_OUT] = {"out", "FILE", "with --id: write the monthly series as CSV to FILE"},
    {NULL, NULL, NULL},
};
static const struct cli_spec spec = {
    "usage: safer [--db PATH|URL] project [--partnership CODE] [--id N [--k K] [--out FILE]]\n",
    "Without --id, lists the projects: id, start date, stage, category, wards\n"
    "and title, tab-separated. With --id, computes the project's assessment:\n"
    "the comparison wards, the difference in differences and its 95%\n"
    "interval; --out writes the series (month, period, project, comparison,\n"
    "difference) with reals printed to 17 significant digits.\n",
    opts, 0, 0, 0, NULL};

/* A whole number from lo to hi, or -1. */
static long whole(const char *s, long lo, long hi)
{
    if (!s || !*s)
        return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*end || errno || v < lo || v > hi || *s == '+' || *s == '-' || *s == ' ')
        return -1;
    return v;
}

static int list(struct safer_store *st, const struct safer_actor *op, struct safer_arena *a,
                struct safer_err *err)
{
    struct safer_project *v;
    size_t n;
    int rc = safer_project_list(st, op, a, &v, &n, err);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        printf("%" PRId64 "\t%s\t%s\t%s\t", v[i].id, v[i].start_date, v[i].stage, v[i].category);
        for (size_t j = 0; j < v[i].nwards; j++)
            printf("%s%s", j ? "," : "", v[i].wards[j].code);
        printf("\t%s\n", v[i].title);
    }
    if (n == 0)
        printf("no projects\n");
    return 0;
}

static int assess(struct safer_store *st, const struct safer_actor *op, int64_t id, size_t k,
                  const char *out, struct safer_arena *a, struct safer_err *err)
{
    struct safer_project p;
    int rc = safer_project_get(st, op, id, a, &p, NULL, NULL, err);
    struct safer_project_assessment pa;
    if (rc == 0)
        rc = safer_project_assess(st, op, id, k, a, &pa, err);
    if (rc < 0)
        return rc;
    const struct safer_did *d = &pa.did;
    if (out) {
        FILE *f = fopen(out, "w");
        if (!f) {
            rc = safer_err_set(err, SAFER_EIO, "cannot write '%s': %s", out, strerror(errno));
            safer_did_release(&pa.did);
            return rc;
        }
        fprintf(f, "month,period,project,comparison,difference\n");
        for (size_t t = 0; t < pa.nmonths; t++)
            fprintf(f, "%s,%s,%.17g,%.17g,%.17g\n", pa.months[t],
                    t < d->npre ? "before" : "after", pa.project[t], d->comparison[t],
                    pa.project[t] - d->comparison[t]);
        if (fclose(f) != 0) {
            rc = safer_err_set(err, SAFER_EIO, "cannot write '%s': %s", out, strerror(errno));
            safer_did_release(&pa.did);
            return rc;
        }
    }
    printf("project %" PRId64 ": %s in", p.id, p.category);
    for (size_t j = 0; j < p.nwards; j++)
        printf("%s %s (%s)", j ? "," : "", p.wards[j].name, p.wards[j].code);
    printf(", from %s\n", p.start_date);
    printf("months: %zu before the start, %zu from it (%s to %s)\n", d->npre, d->npost,
           pa.months[0], pa.months[pa.nmonths - 1]);
    printf("candidates: %zu other wards, %zu left out as neighbours\n", pa.ncandidates,
           pa.nexcluded_adjacent);
    for (size_t j = 0; j < d->k; j++)
        printf("comparison: %s (%s), distance %.17g\n", pa.comparison_names[j],
               pa.comparison_codes[j], d->distance[j]);
    printf("scale: %.17g\n", d->scale);
    printf("estimate: %.17g\n", d->estimate);
    printf("se: %.17g\n", d->se);
    printf("df: %.0f\n", d->df);
    printf("interval: %.17g %.17g\n", d->lower, d->upper);
    safer_did_release(&pa.did);
    return 0;
}

int cmd_project(int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(&spec, argc, argv, &args);
    if (status >= 0)
        return status;
    long id = 0, k = 0;
    if (args.val[O_ID] && (id = whole(args.val[O_ID], 1, 0x7fffffffL)) < 0)
        return cli_usage_error(&spec, "--id needs a project's number, not '%s'", args.val[O_ID]);
    if (args.val[O_K] && (k = whole(args.val[O_K], 1, 50)) < 0)
        return cli_usage_error(&spec, "--k needs a whole number from 1 to 50, not '%s'",
                               args.val[O_K]);
    if (!args.val[O_ID] && (args.val[O_K] || args.val[O_OUT]))
        return cli_usage_error(&spec, "--k and --out need --id");
    struct safer_store *st = cli_open_store(CLI_STORE_EXISTING);
    if (!st)
        return EXIT_FAILED;
    struct safer_err err = {0};
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_partnership p;
    struct safer_actor op;
    int rc = cli_find_partnership(st, args.val[O_PARTNERSHIP], &arena, &p, &op, &err);
    if (rc == 0)
        rc = id ? assess(st, &op, id, (size_t)k, args.val[O_OUT], &arena, &err)
                : list(st, &op, &arena, &err);
    safer_store_close(st);
    safer_arena_release(&arena);
    return rc < 0 ? cli_fail(&err, rc) : EXIT_OK;
}
