/*
 * cmd_partner.c - `safer import partner FILE.csv --map MAP.json` and
 * `safer partner list|counts|change|compare|hotspots`: partner agencies' data
 * (partner.h, docs/partner-data.md) in and out as CSV.
 *
 * Every figure written is suppressed with the data set's threshold
 * unless --unsuppressed is given, as an analyst's own working copy may
 * be: the files are meant to be passed on.
 */
#include "util/compat.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "safer/arena.h"
#include "safer/buf.h"
#include "safer/account.h"
#include "safer/output.h"
#include "safer/partnership.h"
#include "safer/partner.h"
#include "safer/store.h"

/* ---- import ---- */

enum { I_MAP };
static const struct cli_opt import_opts[] = {
    [I_MAP] = {"map", "MAP.json", "the mapping of the file's columns (docs/partner-data.md)"},
    {NULL, NULL, NULL},
};
const struct cli_spec cli_partner_import_spec = {
    "usage: safer [--db PATH] import partner FILE.csv --map MAP.json\n",
    "A partner agency's data (SI 2007/1831): fire and rescue, health, probation,\n"
    "council or housing records, one a row or counted by month and place. The\n"
    "mapping names the columns (month or date; point, postcode, LSOA or ward;\n"
    "category; count), the agency, the source, the licence or sharing agreement\n"
    "and the suppression threshold. Every row is placed in a stored ward; a row\n"
    "that cannot be read or placed is listed as FILE:LINE: column: what, and\n"
    "fails the file. A data set of the same key is replaced.\n"
    "Every import is one transaction: a failed import changes nothing.\n",
    import_opts, 0, 1, 1, "import partner needs exactly one CSV file"};

int cli_import_partner(const struct cli_spec *spec, int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(spec, argc, argv, &args);
    if (status >= 0)
        return status;
    const char *map_path = args.val[I_MAP];
    if (!map_path || !*map_path)
        return cli_usage_error(spec, "import partner needs --map MAP.json");
    struct safer_err err = {0};
    struct safer_partner_map map;
    safer_partner_map_init(&map);
    int rc = safer_partner_map_load(map_path, &map, &err);
    if (rc < 0)
        return cli_fail(&err, rc);
    struct safer_store *st = cli_open_store(CLI_STORE_EXISTING);
    if (!st) {
        safer_partner_map_release(&map);
        return EXIT_FAILED;
    }
    struct safer_partner_stats *s = calloc(1, sizeof(*s));
    if (!s) {
        safer_store_close(st);
        safer_partner_map_release(&map);
        fputs("safer: out of memory\n", stderr);
        return EXIT_FAILED;
    }
    rc = safer_partner_import(st, args.args[0], &map, s, &err);
    safer_store_close(st);
    if (rc < 0) {
        if (s->rejected) {
            for (size_t i = 0; i < s->nrejects; i++)
                fprintf(stderr, "%s\n", s->rejects[i]);
            if (s->rejected > s->nrejects)
                fprintf(stderr, "... and %zu more\n", s->rejected - s->nrejects);
            fprintf(stderr, "safer: %zu rows read, %zu rejected: nothing was imported\n",
                    s->rows, s->rejected);
        } else {
            cli_fail(&err, rc);
        }
        free(s);
        safer_partner_map_release(&map);
        return EXIT_FAILED;
    }
    char f[16] = "", l[16] = "";
    if (s->first >= 0) {
        snprintf(f, sizeof(f), "%04d-%02d", s->first / 12, s->first % 12 + 1);
        snprintf(l, sizeof(l), "%04d-%02d", s->last / 12, s->last % 12 + 1);
    }
    printf("imported partner data set '%s' (%s, %s) from %s: %zu rows, %lld records in %zu "
           "wards, %s to %s, 0 rejected%s\n",
           map.key, map.title, map.agency, args.args[0], s->rows, (long long)s->records,
           s->wards, f, l, s->replaced ? "; it replaces the data set of that key" : "");
    free(s);
    safer_partner_map_release(&map);
    return EXIT_OK;
}

/* ---- safer pack data-share ---- */

enum { D_QUARTER, D_OUT, D_PARTNERSHIP, D_UNSUPPRESSED };
static const struct cli_opt ds_opts[] = {
    [D_QUARTER] = {"quarter", "YYYY-QN", "the quarter, e.g. 2024-Q2; required"},
    [D_OUT] = {"out", "FILE.html", "where to write the pack; required"},
    [D_PARTNERSHIP] = {"partnership", "CODE", "the partnership (default: the store's only one)"},
    [D_UNSUPPRESSED] = {"unsuppressed", NULL,
                        "show the counts under each data set's threshold (not for\n"
                        "passing on)"},
    {NULL, NULL, NULL},
};
static const struct cli_spec ds_spec = {
    "usage: safer [--db PATH|URL] pack data-share --quarter YYYY-QN --out FILE.html\n"
    "                                          [--partnership CODE] [--unsuppressed]\n",
    "The quarterly data-share pack (docs/partner-data.md): one HTML file that\n"
    "prints on A4, with every partner data set's figures by ward and month of\n"
    "the quarter beside its police.uk category, and the police.uk figures of the\n"
    "quarter by category. Counts under each data set's threshold are suppressed.\n",
    ds_opts, 0, 0, 0, NULL};

int cli_pack_datashare(int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(&ds_spec, argc, argv, &args);
    if (status >= 0)
        return status;
    const char *qs = args.val[D_QUARTER], *path = args.val[D_OUT];
    if (!qs)
        return cli_usage_error(&ds_spec, "pack data-share needs --quarter YYYY-QN");
    int32_t q = safer_quarter_parse(qs);
    if (q < 0)
        return cli_usage_error(&ds_spec, "--quarter '%s' is not a quarter such as 2024-Q2", qs);
    if (!path || !*path)
        return cli_usage_error(&ds_spec, "pack data-share needs --out FILE.html");
    struct safer_store *st = cli_open_store(CLI_STORE_EXISTING);
    if (!st)
        return EXIT_FAILED;
    struct safer_err err = {0};
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_partnership p;
    struct safer_actor op;
    int rc = cli_find_partnership(st, args.val[D_PARTNERSHIP], &arena, &p, &op, &err);
    if (rc == 0) {
        struct safer_stream out;
        rc = safer_stream_open(&out, path, &err);
        if (rc == 0)
            rc = safer_pack_datashare(st, &op, q, !args.val[D_UNSUPPRESSED], (int64_t)time(NULL),
                                      &out.buf, &err);
        if (rc == 0)
            rc = safer_stream_commit(&out, &err);
        safer_stream_release(&out);
    }
    safer_store_close(st);
    if (rc == 0)
        printf("data-share pack of %s for %s: %s\n", p.code, qs, path);
    safer_arena_release(&arena);
    return rc < 0 ? cli_fail(&err, rc) : EXIT_OK;
}

/* ---- safer partner ---- */

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

static bool to_stdout(const char *path) { return !path || strcmp(path, "-") == 0; }

enum { O_OUT, O_FROM, O_TO, O_BY_MONTH, O_UNSUPPRESSED, O_WINDOW, O_POLICE, O_CELL };
static const struct cli_opt list_opts[] = {
    [O_OUT] = {"out", "FILE.csv", "the file to write (default: standard output)"},
    {NULL, NULL, NULL},
};
static const struct cli_opt table_opts[] = {
    [O_OUT] = {"out", "FILE.csv", "the file to write (default: standard output)"},
    [O_FROM] = {"from", "YYYY-MM", "first month (default: the data set's first)"},
    [O_TO] = {"to", "YYYY-MM", "last month (default: the data set's last)"},
    [O_BY_MONTH] = {"by-month", NULL, "by ward and month (counts) or by month (compare)"},
    [O_UNSUPPRESSED] = {"unsuppressed", NULL,
                        "show the counts under the data set's threshold (not for\n"
                        "passing on)"},
    [O_WINDOW] = {"window", "MONTHS",
                  "change: months in each window (default 12, or half the\n"
                  "months held when fewer than 24)"},
    [O_POLICE] = {"police-category", "NAME",
                  "compare: the police.uk category (default: the mapping's;\n"
                  "'all' for every category)"},
    [O_CELL] = {"cell", "METRES", "hotspots: grid cell size in metres (default 250)"},
    {NULL, NULL, NULL},
};
static const struct cli_spec list_spec = {
    "usage: safer [--db PATH|URL] partner list [--out FILE.csv]\n",
    "The partner data sets stored: agency, source, licence, threshold, rows,\n"
    "records, months covered and months without a record inside them.\n",
    list_opts, 0, 0, 0, NULL};
static const struct cli_spec counts_spec = {
    "usage: safer [--db PATH|URL] partner counts KEY [--by-month] [--from YYYY-MM]\n"
    "                                     [--to YYYY-MM] [--unsuppressed] [--out FILE.csv]\n",
    "Data set KEY's counts and rates per 1,000 residents by ward, or by ward and\n"
    "month, with the totals.\n",
    table_opts, 0, 1, 1, "partner counts needs the data set's key"};
static const struct cli_spec change_spec = {
    "usage: safer [--db PATH|URL] partner change KEY [--window MONTHS] [--to YYYY-MM]\n"
    "                                     [--unsuppressed] [--out FILE.csv]\n",
    "The change test by ward: the latest window of MONTHS months against the\n"
    "one before it, binom.test(latest, prev + latest, 0.5), p-values adjusted\n"
    "by Benjamini-Hochberg over the wards (as for police.uk counts).\n",
    table_opts, 0, 1, 1, "partner change needs the data set's key"};
static const struct cli_spec compare_spec = {
    "usage: safer [--db PATH|URL] partner compare KEY [--police-category NAME] [--by-month]\n"
    "                                     [--from YYYY-MM] [--to YYYY-MM] [--unsuppressed]\n"
    "                                     [--out FILE.csv]\n",
    "Data set KEY beside a police.uk category over the same months, by ward\n"
    "(counts and rates per 1,000) or by month, with Pearson's r and Spearman's\n"
    "rho of the two (docs/statistics.md, Partner data).\n",
    table_opts, 0, 1, 1, "partner compare needs the data set's key"};

static const struct cli_spec hotspots_spec = {
    "usage: safer [--db PATH|URL] partner hotspots KEY [--cell METRES] [--from YYYY-MM]\n"
    "                                     [--to YYYY-MM] [--unsuppressed] [--out FILE.csv]\n",
    "Gi* hot spots of record-level data set KEY (its points, or its postcodes'\n"
    "grid references) on squares of METRES over the points' bounding box, as\n"
    "the assessment finds police.uk hot spots. Suppressed, only the hot squares\n"
    "are listed, without z or p, and their counts under the threshold as [c].\n",
    table_opts, 0, 1, 1, "partner hotspots needs the data set's key"};

static int partner_hotspots(const struct cli_spec *spec, int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(spec, argc, argv, &args);
    if (status >= 0)
        return status;
    int32_t first = -1, last = -1;
    status = cli_parse_window(spec, args.val[O_FROM], args.val[O_TO], &first, &last);
    if (status)
        return status;
    double cell = 250;
    if (args.val[O_CELL]) {
        char *end;
        cell = strtod(args.val[O_CELL], &end);
        if (*end || !(cell >= 10 && cell <= 100000))
            return cli_usage_error(spec, "--cell '%s' must be metres between 10 and 100000",
                                   args.val[O_CELL]);
    }
    struct safer_store *st = cli_open_store(CLI_STORE_EXISTING);
    if (!st)
        return EXIT_FAILED;
    struct safer_err err = {0};
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_partner_set set;
    double *x = NULL, *y = NULL;
    int64_t *w = NULL;
    size_t n = 0;
    struct safer_partner_hot h;
    memset(&h, 0, sizeof(h));
    struct safer_buf b;
    safer_buf_init(&b, (size_t)1 << 30);
    const char *key = args.args[0];
    int rc = safer_partner_find(st, key, &arena, &set, &err);
    if (rc == 0)
        rc = safer_partner_points(st, key, first, last, &x, &y, &w, &n, &err);
    safer_store_close(st);
    if (rc == 0 && n == 0)
        rc = safer_err_set(&err, SAFER_EINVAL,
                           "data set '%s' holds no points in the window: hot spots need "
                           "record-level data placed by point or postcode",
                           key);
    if (rc == 0)
        rc = safer_partner_hotspots(x, y, w, n, cell, &h, &err);
    int64_t min = args.val[O_UNSUPPRESSED] ? 0 : set.threshold;
    if (rc == 0 && safer_partner_csv_hotspots(&h, min, &b) < 0)
        rc = safer_err_set(&err, SAFER_ETOOBIG, "the hot spots are too large to write");
    if (rc == 0)
        rc = write_out(args.val[O_OUT], &b, &err);
    if (rc == 0) {
        size_t hot = 0;
        for (size_t k = 0; k < h.n; k++)
            hot += h.cls[k] >= 1 && h.cls[k] <= 3;
        fprintf(to_stdout(args.val[O_OUT]) ? stderr : stdout,
                "%s: %zu points on %zu squares of %g m, %zu hot spots (Gi*, BH-adjusted p < "
                "0.10)%s\n",
                key, n, h.n, cell, hot, h.no_score ? "; no score: every count alike" : "");
    }
    safer_partner_hot_release(&h);
    free(x);
    free(y);
    free(w);
    safer_buf_release(&b);
    safer_arena_release(&arena);
    return rc < 0 ? cli_fail(&err, rc) : EXIT_OK;
}

static int partner_list(const struct cli_spec *spec, int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(spec, argc, argv, &args);
    if (status >= 0)
        return status;
    struct safer_store *st = cli_open_store(CLI_STORE_EXISTING);
    if (!st)
        return EXIT_FAILED;
    struct safer_err err = {0};
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_partner_set *sets;
    size_t n;
    int rc = safer_partner_list(st, &arena, &sets, &n, &err);
    safer_store_close(st);
    struct safer_buf b;
    safer_buf_init(&b, (size_t)1 << 28);
    if (rc == 0 && safer_partner_csv_list(sets, n, &b) < 0)
        rc = safer_err_set(&err, SAFER_ETOOBIG, "the list is too large");
    if (rc == 0)
        rc = write_out(args.val[O_OUT], &b, &err);
    if (rc == 0 && !to_stdout(args.val[O_OUT]))
        printf("%zu partner data set%s: %s\n", n, n == 1 ? "" : "s", args.val[O_OUT]);
    safer_buf_release(&b);
    safer_arena_release(&arena);
    return rc < 0 ? cli_fail(&err, rc) : EXIT_OK;
}

static int partner_table(const struct cli_spec *spec, int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(spec, argc, argv, &args);
    if (status >= 0)
        return status;
    int32_t first = -1, last = -1;
    status = cli_parse_window(spec, args.val[O_FROM], args.val[O_TO], &first, &last);
    if (status)
        return status;
    int window = 0;
    if (args.val[O_WINDOW]) {
        char *end;
        errno = 0;
        long v = strtol(args.val[O_WINDOW], &end, 10);
        if (errno || *end || v < 1 || v > 60)
            return cli_usage_error(spec, "--window '%s' must be months from 1 to 60",
                                   args.val[O_WINDOW]);
        window = (int)v;
    }
    const char *key = args.args[0];
    bool suppress = !args.val[O_UNSUPPRESSED];
    struct safer_store *st = cli_open_store(CLI_STORE_EXISTING);
    if (!st)
        return EXIT_FAILED;
    struct safer_err err = {0};
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_partner_set set;
    struct safer_partner_table t, po;
    memset(&t, 0, sizeof(t));
    memset(&po, 0, sizeof(po));
    struct safer_buf b;
    safer_buf_init(&b, (size_t)1 << 30);
    double r = 0, rho = 0;
    const char *police = NULL;
    int rc = safer_partner_find(st, key, &arena, &set, &err);
    if (rc == 0)
        rc = safer_partner_read(st, key, false, first, last, &t, &err);
    if (rc == 0)
        rc = safer_partner_publish(&t, suppress ? set.threshold : 0,
                                   spec == &change_spec ? window : 0, &err);
    if (rc == 0 && spec == &compare_spec) {
        police = args.val[O_POLICE] ? args.val[O_POLICE] : set.police_category;
        if (!*police)
            rc = safer_err_set(&err, SAFER_EINVAL,
                               "data set '%s' names no police.uk category to compare with: "
                               "give --police-category NAME (or 'all')",
                               key);
        else
            rc = safer_partner_read(st, strcmp(police, "all") == 0 ? "" : police, true, t.first,
                                    t.first + (int32_t)t.nmonths - 1, &po, &err);
    }
    safer_store_close(st);
    if (rc == 0) {
        int w = spec == &counts_spec    ? safer_partner_csv_table(&t, args.val[O_BY_MONTH], &b)
                : spec == &change_spec ? safer_partner_csv_change(&t, &b)
                                       : safer_partner_csv_compare(&t, &po, args.val[O_BY_MONTH],
                                                                   &b, &r, &rho);
        if (w < 0)
            rc = safer_err_set(&err, w, "the table is too large to write");
    }
    if (rc == 0)
        rc = write_out(args.val[O_OUT], &b, &err);
    if (rc == 0) {
        FILE *f = to_stdout(args.val[O_OUT]) ? stderr : stdout;
        char a[16], z[16];
        snprintf(a, sizeof(a), "%04d-%02d", t.first / 12, t.first % 12 + 1);
        int32_t lm = t.first + (int32_t)t.nmonths - 1;
        snprintf(z, sizeof(z), "%04d-%02d", lm / 12, lm % 12 + 1);
        if (spec == &compare_spec)
        {
            char rs[32] = "none", rhos[32] = "none";
            if (r == r)
                snprintf(rs, sizeof(rs), "%.4f", r);
            if (rho == rho)
                snprintf(rhos, sizeof(rhos), "%.4f", rho);
            fprintf(f, "%s against police.uk '%s', %s to %s, by %s: Pearson r = %s, "
                       "Spearman rho = %s%s\n",
                    key, police, a, z, args.val[O_BY_MONTH] ? "month" : "ward", rs, rhos,
                    suppress ? " (over the figures shown)" : "");
        }
        else
            fprintf(f, "%s, %s to %s: %lld records in %zu wards%s%s\n", key, a, z,
                    (long long)t.total, t.nwards,
                    t.unplaced ? " (and some in no stored ward)" : "",
                    suppress ? ", suppressed under the data set's threshold" : "");
    }
    safer_buf_release(&b);
    safer_partner_table_release(&t);
    safer_partner_table_release(&po);
    safer_arena_release(&arena);
    return rc < 0 ? cli_fail(&err, rc) : EXIT_OK;
}

static const struct cli_kind kinds[] = {
    {"list", &list_spec, partner_list},
    {"counts", &counts_spec, partner_table},
    {"change", &change_spec, partner_table},
    {"compare", &compare_spec, partner_table},
    {"hotspots", &hotspots_spec, partner_hotspots},
};

int cmd_partner(int argc, char **argv)
{
    return cli_run_kind("partner", kinds, sizeof(kinds) / sizeof(kinds[0]), argc, argv);
}
