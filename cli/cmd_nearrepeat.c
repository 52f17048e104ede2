/*
 * cmd_nearrepeat.c - `safer nearrepeat --events FILE.csv --space BREAKS --time BREAKS
 * [--perms N] [--seed N] --out FILE.csv`: the near-repeat (Knox) test
 * (nearrepeat.h) of events read from a file; no store is opened.
 */
#include "util/compat.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "safer/lib.h"
#include "safer/limits.h"
#include "safer/nearrepeat.h"

enum { O_EVENTS, O_SPACE, O_TIME, O_PERMS, O_SEED, O_OUT };
static const struct cli_opt opts[] = {
    [O_EVENTS] = {"events", "FILE.csv",
                  "the events: columns id,x,y,t (x, y metres on the British National\n"
                  "Grid; t a whole number in any unit)"},
    [O_SPACE] = {"space", "BREAKS", "distance breaks in metres, increasing: 0,1,200,400"},
    [O_TIME] = {"time", "BREAKS", "time-difference breaks in t's unit, increasing: 0,1,2,3"},
    [O_PERMS] = {"perms", "N", "permutations of the times (default 999)"},
    [O_SEED] = {"seed", "N", "seed of the permutations (default 1)"},
    [O_OUT] = {"out", "FILE.csv", "the table to write, one row per cell"},
    {NULL, NULL, NULL},
};
static const struct cli_spec spec = {
    "usage: safer nearrepeat --events FILE.csv --space BREAKS --time BREAKS [--perms N]\n"
    "                        [--seed N] --out FILE.csv\n",
    "The near-repeat (Knox) test: every pair of events counted once by its\n"
    "distance band and time-difference band, [lo, hi) on both axes, against\n"
    "the times permuted over the places (docs/statistics.md). The same seed\n"
    "gives the same table on any machine and with any number of threads.\n",
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

int cmd_nearrepeat(int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(&spec, argc, argv, &args);
    if (status >= 0)
        return status;
    const char *events = args.val[O_EVENTS], *space = args.val[O_SPACE],
               *time = args.val[O_TIME], *out = args.val[O_OUT];
    if (!events)
        return cli_usage_error(&spec, "nearrepeat needs --events FILE.csv");
    if (!space || !time)
        return cli_usage_error(&spec, "nearrepeat needs --space and --time breaks");
    if (!out || !*out)
        return cli_usage_error(&spec, "nearrepeat needs --out FILE.csv");
    struct safer_err err = {0};
    double sb[SAFER_LIMIT_KNOX_BREAKS], tb[SAFER_LIMIT_KNOX_BREAKS];
    size_t ns, nt;
    if (safer_knox_parse_breaks(space, sb, SAFER_LIMIT_KNOX_BREAKS, &ns, &err) < 0)
        return cli_usage_error(&spec, "--space %s", err.msg);
    err = (struct safer_err){0};
    if (safer_knox_parse_breaks(time, tb, SAFER_LIMIT_KNOX_BREAKS, &nt, &err) < 0)
        return cli_usage_error(&spec, "--time %s", err.msg);
    unsigned long long perms = 999, seed = 1;
    if (args.val[O_PERMS] && parse_u64(args.val[O_PERMS], SAFER_LIMIT_KNOX_PERMS, &perms) < 0)
        return cli_usage_error(&spec, "--perms '%s' must be a whole number from 0 to %d",
                               args.val[O_PERMS], SAFER_LIMIT_KNOX_PERMS);
    if (args.val[O_SEED] && parse_u64(args.val[O_SEED], UINT64_MAX, &seed) < 0)
        return cli_usage_error(&spec, "--seed '%s' must be a whole number", args.val[O_SEED]);

    err = (struct safer_err){0};
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
    struct safer_knox_opts o = {sb, ns, tb, nt, (unsigned)perms, seed, safer_cores()};
    struct safer_knox k;
    rc = safer_knox_compute(x, y, t, n, &o, &k, &err);
    free(x);
    free(y);
    free(t);
    if (rc == 0) {
        FILE *f = fopen(out, "wb");
        if (!f) {
            fprintf(stderr, "safer: cannot write '%s': %s\n", out, strerror(errno));
            safer_knox_release(&k);
            return EXIT_FAILED;
        }
        rc = safer_knox_write_csv(&k, f, out, &err);
        if (fclose(f) != 0 && rc == 0)
            rc = safer_err_set(&err, SAFER_EIO, "%s: write error", out);
    }
    if (rc == 0)
        printf("%zu events, %llu pairs within %g m, %u permutations: %s\n", k.n,
               (unsigned long long)k.close_pairs, sb[ns - 1], k.perms, out);
    safer_knox_release(&k);
    return rc < 0 ? cli_fail(&err, rc) : EXIT_OK;
}
