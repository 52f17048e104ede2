/*
 * cmd_pack_clusters.c - `safer pack clusters [--area CODE] [--from YYYY-MM]
 * [--to YYYY-MM] --out FILE.html`: the ward-cluster members' packs, a
 * printed A4 page a cluster (safer_cluster_packs_render(), clusters.h).
 */
#include "util/compat.h"

#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "safer/assess.h"
#include "safer/clusters.h"
#include "safer/lib.h"
#include "safer/output.h"
#include "safer/store.h"

enum { O_AREA, O_FROM, O_TO, O_OUT };
static const struct cli_opt opts[] = {
    [O_AREA] = {"area", "CODE", "the district (LAD) or Community Safety Partnership (CSP)"},
    [O_FROM] = {"from", "YYYY-MM", "first month of the window (default: 12 months to --to)"},
    [O_TO] = {"to", "YYYY-MM", "last month (default: the latest with data)"},
    [O_OUT] = {"out", "FILE", "where to write the packs (HTML); required"},
    {NULL, NULL, NULL},
};
static const struct cli_spec spec = {
    "usage: safer [--db PATH|URL] pack clusters [--area CODE] [--from YYYY-MM] [--to YYYY-MM]\n"
    "                                           --out FILE.html\n",
    "Writes the ward-cluster members' packs as one HTML file that prints on A4,\n"
    "a page a cluster: the assessment's wards grouped into the fewest\n"
    "clusters of up to 4 similar neighbours (as in its report), each with its\n"
    "wards' key figures, its rates of the major categories beside the\n"
    "area's, and its priorities.\n",
    opts, 0, 0, 0, NULL};

int cli_pack_clusters(int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(&spec, argc, argv, &args);
    if (status >= 0)
        return status;
    const char *path = args.val[O_OUT], *from = args.val[O_FROM], *to = args.val[O_TO];
    if (!path || !*path)
        return cli_usage_error(&spec, "pack clusters needs --out FILE.html");
    struct safer_assess_opts o = {
        .to = -1, .area = args.val[O_AREA], .cell = 250, .threads = safer_cores()};
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
    if (rc == 0) {
        /* Written beside the file and renamed over it. */
        struct safer_stream out;
        rc = safer_stream_open(&out, path, &err);
        if (rc == 0)
            rc = safer_cluster_packs_render(&a, &out.buf, &err);
        if (rc == 0)
            rc = safer_stream_commit(&out, &err);
        safer_stream_release(&out);
        safer_assessment_release(&a);
    }
    if (rc < 0)
        return cli_fail(&err, rc);
    printf("ward cluster packs: %s\n", path);
    return EXIT_OK;
}
