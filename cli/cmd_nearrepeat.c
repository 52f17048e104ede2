/*
 * cmd_nearrepeat.c - `safer nearrepeat --events FILE.csv --space BREAKS --time BREAKS
 * [--perms N] [--seed N] --out FILE.csv`: the near-repeat (Knox) test
 * (nearrepeat.h) of events read from a file, with no store opened; or of
 * one category's records in the store (--category NAME [--area CODE]
 * [--from YYYY-MM] [--to YYYY-MM]), taken as the assessment takes them
 * (safer_assess_compute(), docs/assessment.md, Near repeats).
 */
#include "util/compat.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "safer/assess.h"
#include "safer/lib.h"
#include "safer/limits.h"
#include "safer/nearrepeat.h"
#include "safer/store.h"

enum { O_EVENTS, O_SPACE, O_TIME, O_PERMS, O_SEED, O_OUT, O_CATEGORY, O_AREA, O_FROM, O_TO };
static const struct cli_opt opts[] = {
    [O_EVENTS] = {"events", "FILE.csv",
                  "the events: columns id,x,y,t (x, y metres on the British National\n"
                  "Grid; t a whole number in any unit)"},
    [O_SPACE] = {"space", "BREAKS", "distance breaks in metres, increasing: 0,1,200,400"},
    [O_TIME] = {"time", "BREAKS", "time-difference breaks in t's unit, increasing: 0,1,2,3"},
    [O_PERMS] = {"perms", "N", "permutations of the times (default 999)"},
    [O_SEED] = {"seed", "N", "seed of the permutations (default 1)"},
    [O_OUT] = {"out", "FILE.csv", "the table to write, one row per cell"},
    [O_CATEGORY] = {"category", "NAME",
                    "instead of --events: the store's records of this police.uk category\n"
                    "(Burglary) with a location, t their month, as the assessment takes them"},
    [O_AREA] = {"area", "CODE", "with --category: the wards of one district or CSP"},
    [O_FROM] = {"from", "YYYY-MM", "with --category: the first month (default: 12 months to --to)"},
    [O_TO] = {"to", "YYYY-MM", "with --category: the last month (default: the latest in the data)"},
    {NULL, NULL, NULL},
};
static const struct cli_spec spec = {
    "usage: safer nearrepeat --events FILE.csv --space BREAKS --time BREAKS [--perms N]\n"
    "                        [--seed N] --out FILE.csv\n"
    "       safer [--db PATH] nearrepeat --category NAME [--area CODE] [--from YYYY-MM]\n"
    "                        [--to YYYY-MM] [--space BREAKS] [--time BREAKS] [--perms N]\n"
    "                        [--seed N] --out FILE.csv\n",
    "The near-repeat (Knox) test: every pair of events counted once by its\n"
    "distance band and time-difference band, [lo, hi) on both axes, against\n"
    "the times permuted over the places (docs/statistics.md). The same seed\n"
    "gives the same table on any machine and with any number of threads.\n"
    "With --category the breaks default to 0,1,200,400,600,800,1000 m and\n"
    "0,1,2,3,4 months.\n",
    opts, 0, 0, 0, NULL};

static int parse_u64(const char *s, unsigned long long max, unsigned long long *out)
{
    if (!*s || *s == '-' || *s == '+')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || errno || v > max)
        return -1;
    *out = v;
    return 0;
}

/* Write the table to `out`: 0, a negative code in err, or 1 when the file
 * cannot be opened (said here). */
static int write_table(const struct safer_knox *k, const char *out, struct safer_err *err)
{
    FILE *f = fopen(out, "wb");
    if (!f) {
        fprintf(stderr, "safer: cannot write '%s': %s\n", out, strerror(errno));
        return 1;
    }
    int rc = safer_knox_write_csv(k, f, out, err);
    if (fclose(f) != 0 && rc == 0)
        rc = safer_err_set(err, SAFER_EIO, "%s: write error", out);
    return rc;
}

static int from_store(const char *category, const struct cli_args *args,
                      const struct safer_knox_opts *ko, const char *out)
{
    const char *from = args->val[O_FROM], *to = args->val[O_TO];
    struct safer_assess_opts o = {.to = -1,
                                  .area = args->val[O_AREA],
                                  .threads = ko->threads,
                                  .nearrepeat_category = category,
                                  .nearrepeat = ko};
    int bad = cli_parse_window(&spec, from, to, &o.from, &o.to);
    if (bad)
        return bad;
    struct safer_store *st = cli_open_store(CLI_STORE_EXISTING);
    if (!st)
        return EXIT_FAILED;
    struct safer_err err = {0};
    struct safer_assessment a;
    int rc = safer_assess_compute(st, &o, &a, &err);
    safer_store_close(st);
    if (rc < 0) /* the assessment is released */
        return cli_fail(&err, rc);
    if (!a.nr.cells)
        rc = safer_err_set(&err, SAFER_ENOTFOUND,
                           "no '%s' record with a location in the study wards from "
                           "%04d-%02d to %04d-%02d",
                           category, a.l12_start / 12, a.l12_start % 12 + 1, a.latest / 12,
                           a.latest % 12 + 1);
    if (rc == 0)
        rc = write_table(&a.nr, out, &err);
    if (rc == 0)
        printf("%zu '%s' records with a location (%zu without), %llu pairs within %g m, %u "
               "permutations: %s\n",
               a.nr_events, category, a.nr_no_point, (unsigned long long)a.nr.close_pairs,
               ko->space[ko->nspace - 1], a.nr.perms, out);
    safer_assessment_release(&a);
    return rc == 1 ? EXIT_FAILED : rc < 0 ? cli_fail(&err, rc) : EXIT_OK;
}

int cmd_nearrepeat(int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(&spec, argc, argv, &args);
    if (status >= 0)
        return status;
    const char *events = args.val[O_EVENTS], *space = args.val[O_SPACE],
               *time = args.val[O_TIME], *out = args.val[O_OUT];
    const char *category = args.val[O_CATEGORY];
    if (!events == !category)
        return cli_usage_error(&spec, "nearrepeat needs --events FILE.csv or --category NAME");
    if (events && (args.val[O_AREA] || args.val[O_FROM] || args.val[O_TO]))
        return cli_usage_error(&spec, "--area, --from and --to go with --category, not --events");
    if (events && (!space || !time))
        return cli_usage_error(&spec, "nearrepeat needs --space and --time breaks");
    if (!out || !*out)
        return cli_usage_error(&spec, "nearrepeat needs --out FILE.csv");
    struct safer_err err = {0};
    static const double dspace[] = SAFER_KNOX_DEFAULT_SPACE, dtime[] = SAFER_KNOX_DEFAULT_TIME;
    double sb[SAFER_LIMIT_KNOX_BREAKS], tb[SAFER_LIMIT_KNOX_BREAKS];
    size_t ns = sizeof(dspace) / sizeof(dspace[0]), nt = sizeof(dtime) / sizeof(dtime[0]);
    memcpy(sb, dspace, sizeof(dspace));
    memcpy(tb, dtime, sizeof(dtime));
    if (space && safer_knox_parse_breaks(space, sb, SAFER_LIMIT_KNOX_BREAKS, &ns, &err) < 0)
        return cli_usage_error(&spec, "--space %s", err.msg);
    err = (struct safer_err){0};
    if (time && safer_knox_parse_breaks(time, tb, SAFER_LIMIT_KNOX_BREAKS, &nt, &err) < 0)
        return cli_usage_error(&spec, "--time %s", err.msg);
    unsigned long long perms = 999, seed = 1;
    if (args.val[O_PERMS] && parse_u64(args.val[O_PERMS], SAFER_LIMIT_KNOX_PERMS, &perms) < 0)
        return cli_usage_error(&spec, "--perms '%s' must be a whole number from 0 to %d",
                               args.val[O_PERMS], SAFER_LIMIT_KNOX_PERMS);
    if (args.val[O_SEED] && parse_u64(args.val[O_SEED], UINT64_MAX, &seed) < 0)
        return cli_usage_error(&spec, "--seed '%s' must be a whole number", args.val[O_SEED]);

    err = (struct safer_err){0};
    struct safer_knox_opts o = {sb, ns, tb, nt, (unsigned)perms, seed, safer_cores()};
    if (category)
        return from_store(category, &args, &o, out);
    FILE *in = fopen(events, "rb");
    if (!in) {
        fprintf(stderr, "safer: cannot open '%s': %s\n", events, strerror(errno));
        return EXIT_FAILED;
    }
    double *x, *y;
    int64_t *t;
    size_t n;
    int rc = safer_knox_read_events(in, events, &x, &y, &t, &n, &err);
    fclose(in);
    if (rc < 0)
        return cli_fail(&err, rc);
    struct safer_knox k;
    rc = safer_knox_compute(x, y, t, n, &o, &k, &err);
    free(x);
    free(y);
    free(t);
    if (rc == 0)
        rc = write_table(&k, out, &err);
    if (rc == 0)
        printf("%zu events, %llu pairs within %g m, %u permutations: %s\n", k.n,
               (unsigned long long)k.close_pairs, sb[ns - 1], k.perms, out);
    safer_knox_release(&k);
    return rc == 1 ? EXIT_FAILED : rc < 0 ? cli_fail(&err, rc) : EXIT_OK;
}
