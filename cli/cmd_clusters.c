/*
 * cmd_clusters.c - `safer clusters --attributes FILE.csv --max-size M
 * --clusters K [--standardise] --out FILE.csv [--summary FILE]`: stored
 * wards grouped into K connected clusters of similar neighbours, with the
 * least within-cluster sum of squares (include/safer/clusters.h).
 */
#include "util/compat.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "safer/assess.h"
#include "safer/buf.h"
#include "safer/clusters.h"
#include "safer/lib.h"
#include "safer/output.h"
#include "safer/stats.h"
#include "safer/store.h"

enum { O_ATTR, O_MAX, O_K, O_STD, O_OUT, O_SUMMARY, O_NODES, O_AREA };
static const struct cli_opt opts[] = {
    [O_ATTR] = {"attributes", "FILE.csv",
                "the areas: a header, then an area code and numbers a row"},
    [O_MAX] = {"max-size", "M", "areas in a cluster at most (1 to 8)"},
    [O_K] = {"clusters", "K", "clusters wanted"},
    [O_STD] = {"standardise", NULL, "turn each attribute into z-scores (divisor n) first"},
    [O_OUT] = {"out", "FILE.csv", "each area's cluster (area_code,cluster), put in place whole"},
    [O_SUMMARY] = {"summary", "FILE", "the summary (default: standard output)"},
    [O_NODES] = {"max-nodes", "N", "search nodes before giving up the proof (default 1e8 / n,\n"
                                   "from 50000 to 20000000)"},
    [O_AREA] = {"area", "CODE", "instead of --attributes: the wards of a district or CSP on\n"
                                "the default attributes (the assessment's: rates of the major\n"
                                "categories and the mean IMD decile), as z-scores"},
    {NULL, NULL, NULL},
};
static const struct cli_spec spec = {
    "usage: safer [--db PATH|URL] clusters --attributes FILE.csv --max-size M --clusters K\n"
    "                                      [--standardise] --out FILE.csv [--summary FILE]\n"
    "       safer [--db PATH|URL] clusters --area CODE --max-size M --clusters K\n"
    "                                      --out FILE.csv [--summary FILE]\n",
    "Groups the areas of the attribute file (stored wards, with boundaries)\n"
    "into exactly K clusters, each connected under queen contiguity and of 1\n"
    "to M areas, with the least sum of squared distances of the areas'\n"
    "attributes from their cluster's mean. The summary lists each cluster's\n"
    "areas and cost, the total, and whether it is proved the least or is the\n"
    "best found with a lower bound (docs/statistics.md, Ward clusters).\n",
    opts, 0, 0, 0, NULL};

static int parse_count(const char *s, unsigned long long max, unsigned long long *out)
{
    if (!s || *s < '0' || *s > '9')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return -1;
    *out = v;
    return 0;
}

/* Write `b` to `path` whole, or to standard output for NULL or "-". */
static int write_out(const char *path, const struct safer_buf *b, struct safer_err *err)
{
    struct safer_stream out;
    int rc = 0;
    if (!path || strcmp(path, "-") == 0)
        safer_stream_init_fd(&out, STDOUT_FILENO, "standard output");
    else
        rc = safer_stream_open(&out, path, err);
    if (rc == 0)
        rc = safer_buf_add(&out.buf, b->ptr, b->len);
    if (rc < 0)
        rc = safer_err_set(err, rc, "%s: too large to write", path ? path : "standard output");
    if (rc == 0)
        rc = safer_stream_commit(&out, err);
    safer_stream_release(&out);
    return rc;
}

/* The default attributes of the study wards of area `code`. */
static int area_attributes(struct safer_store *st, const char *code, struct safer_attributes *a,
                           struct safer_err *err)
{
    struct safer_assess_opts o = {.to = -1, .area = code, .cell = 250, .threads = safer_cores()};
    struct safer_assessment as;
    safer_attributes_init(a);
    int rc = safer_assess_compute(st, &o, &as, err);
    if (rc < 0)
        return rc;
    rc = safer_ward_cluster_attributes(&as, a, err);
    safer_assessment_release(&as);
    return rc;
}

int cmd_clusters(int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(&spec, argc, argv, &args);
    if (status >= 0)
        return status;
    unsigned long long k, m, nodes = 0;
    if (!args.val[O_ATTR] == !args.val[O_AREA])
        return cli_usage_error(&spec, "clusters needs --attributes FILE.csv or --area CODE");
    if (!args.val[O_OUT])
        return cli_usage_error(&spec, "clusters needs --out FILE.csv");
    if (parse_count(args.val[O_MAX], SAFER_CLUSTERS_MAX_SIZE, &m) < 0 || m == 0)
        return cli_usage_error(&spec, "--max-size needs a whole number from 1 to %d",
                               SAFER_CLUSTERS_MAX_SIZE);
    if (parse_count(args.val[O_K], SAFER_CLUSTERS_MAX_AREAS, &k) < 0 || k == 0)
        return cli_usage_error(&spec, "--clusters needs a whole number from 1 to %d",
                               SAFER_CLUSTERS_MAX_AREAS);
    if (args.val[O_NODES] && (parse_count(args.val[O_NODES], UINT64_MAX, &nodes) < 0 || !nodes))
        return cli_usage_error(&spec, "--max-nodes needs a positive whole number");
    /* The default attributes are of different units: always z-scores. */
    bool standardise = args.val[O_STD] != NULL || args.val[O_AREA] != NULL;

    struct safer_err err = {0};
    struct safer_attributes a;
    struct safer_store *st = NULL;
    int rc;
    if (args.val[O_AREA]) {
        st = cli_open_store(CLI_STORE_EXISTING);
        if (!st)
            return EXIT_FAILED;
        rc = area_attributes(st, args.val[O_AREA], &a, &err);
    } else {
        rc = safer_attributes_read(args.val[O_ATTR], &a, &err);
    }
    if (rc < 0) {
        safer_store_close(st);
        return cli_fail(&err, rc);
    }
    if (standardise)
        rc = safer_clusters_standardise(a.x, a.n, a.d, (const char *const *)a.name, &err);
    if (rc == 0 && !st) {
        st = cli_open_store(CLI_STORE_EXISTING);
        if (!st) {
            safer_attributes_release(&a);
            return EXIT_FAILED;
        }
    }
    struct safer_nb nb;
    safer_nb_init(&nb);
    char **names = NULL;
    if (rc == 0)
        rc = safer_clusters_contiguity(st, &a, &nb, &names, &err);
    safer_store_close(st);
    struct safer_clusters c;
    safer_clusters_init(&c);
    struct safer_clusters_opts o = {.k = (size_t)k, .max_size = (size_t)m, .max_nodes = nodes};
    if (rc == 0)
        rc = safer_clusters_solve(a.x, a.d, &nb, &o, &c, &err);
    struct safer_buf csv, sum;
    safer_buf_init(&csv, (size_t)64 << 20);
    safer_buf_init(&sum, (size_t)64 << 20);
    if (rc == 0) {
        safer_clusters_csv(&csv, &a, &c);
        safer_clusters_summary(&sum, &a, names, &c, &o, standardise);
        rc = safer_buf_error(&csv) ? safer_buf_error(&csv) : safer_buf_error(&sum);
        if (rc < 0)
            rc = safer_err_set(&err, rc, "the output is too large");
    }
    if (rc == 0)
        rc = write_out(args.val[O_OUT], &csv, &err);
    if (rc == 0)
        rc = write_out(args.val[O_SUMMARY], &sum, &err);
    safer_buf_release(&csv);
    safer_buf_release(&sum);
    if (names) {
        for (size_t i = 0; i < a.n; i++)
            free(names[i]);
        free(names);
    }
    safer_clusters_release(&c);
    safer_nb_release(&nb);
    safer_attributes_release(&a);
    return rc < 0 ? cli_fail(&err, rc) : EXIT_OK;
}
