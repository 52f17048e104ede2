/*
 * cmd_export.c - `safer export police [--area CODE] [--out FILE]`: stored
 * records with their 12 police.uk fields, the ward each was assigned to and
 * how; `safer export counts`: the count table; `safer export partnership`:
 * the partnership's whole plan as CSV files or one JSON document; `safer
 * export plan`: a partnership's strategy as a plan file.
 */
#include "util/compat.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "safer/counts.h"
#include "safer/exchange.h"
#include "safer/export.h"
#include "safer/limits.h"
#include "safer/output.h"
#include "safer/partnership.h"
#include "safer/plan.h"
#include "safer/store.h"

enum { O_OUT, O_AREA };
static const struct cli_opt opts[] = {
    [O_OUT] = {"out", "FILE", "file to write, put in place whole (default, or '-': standard\n"
                              "output)"},
    [O_AREA] = {"area", "CODE", "only the records of a district (LAD code) or Community\n"
                                "Safety Partnership (CSP code): those its assessment counts"},
    {NULL, NULL, NULL},
};
static const struct cli_spec police_spec = {
    "usage: safer [--db PATH] export police [--area CODE] [--out FILE.csv]\n",
    "Writes the stored police.uk records as CSV: the 12 police.uk columns,\n"
    "then ward_code (empty when unassigned) and assigned_by (point, lsoa or\n"
    "none), assigned against every stored ward. Text that a spreadsheet would\n"
    "run as a formula starts with an apostrophe.\n",
    opts, 0, 0, 0, NULL};

/* Open the store and the output (FILE, or standard output for none or '-'),
 * write with `write`, and put the file in place only when all went well. */
static int export_to(const char *path,
                     int (*write)(struct safer_store *st, const void *arg,
                                  struct safer_stream *out, struct safer_err *err),
                     const void *arg)
{
    struct safer_store *st = cli_open_store(CLI_STORE_EXISTING);
    if (!st)
        return EXIT_FAILED;
    struct safer_err err = {0};
    struct safer_stream out;
    int rc = 0;
    if (!path || strcmp(path, "-") == 0)
        safer_stream_init_fd(&out, STDOUT_FILENO, "standard output");
    else
        rc = safer_stream_open(&out, path, &err);
    if (rc == 0)
        rc = write(st, arg, &out, &err);
    if (rc == 0)
        rc = safer_stream_commit(&out, &err);
    safer_stream_release(&out);
    safer_store_close(st);
    return rc < 0 ? cli_fail(&err, rc) : EXIT_OK;
}

static int write_police(struct safer_store *st, const void *arg, struct safer_stream *out,
                        struct safer_err *err)
{
    return safer_export_police_csv(st, arg, out, err);
}

static int export_police(const struct cli_spec *sp, int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(sp, argc, argv, &args);
    if (status >= 0)
        return status;
    return export_to(args.val[O_OUT], write_police, args.val[O_AREA]);
}

enum { C_OUT, C_WARD, C_TYPE, C_FROM, C_TO };
static const struct cli_opt counts_opts[] = {
    [C_OUT] = {"out", "FILE", "file to write, put in place whole (default, or '-': standard\n"
                              "output)"},
    [C_WARD] = {"ward", "CODE", "one ward (\"\" for records in no stored ward)"},
    [C_TYPE] = {"type", "TYPE", "one crime type, as police.uk names it"},
    [C_FROM] = {"from", "YYYY-MM", "first month"},
    [C_TO] = {"to", "YYYY-MM", "last month"},
    {NULL, NULL, NULL},
};
static const struct cli_spec counts_spec = {
    "usage: safer [--db PATH] export counts [--out FILE.csv] [--ward CODE] [--type TYPE]\n"
    "                                       [--from YYYY-MM] [--to YYYY-MM]\n",
    "Writes records per ward, crime type and month from the store's count\n"
    "table, kept up to date at every import: the columns of the assessment's\n"
    "counts_ward_type_month.csv, all forces together, every stored ward, and\n"
    "an empty ward_code for records in no stored ward.\n",
    counts_opts, 0, 0, 0, NULL};

static int write_counts(struct safer_store *st, const void *arg, struct safer_stream *out,
                        struct safer_err *err)
{
    return safer_export_counts_csv(st, arg, out, err);
}

static int export_counts(const struct cli_spec *sp, int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(sp, argc, argv, &args);
    if (status >= 0)
        return status;
    struct safer_counts_query q = {args.val[C_WARD], args.val[C_TYPE], -1, -1};
    const char *months[2] = {args.val[C_FROM], args.val[C_TO]};
    int32_t *dst[2] = {&q.from, &q.to};
    for (int k = 0; k < 2; k++) {
        if (months[k] && (*dst[k] = cli_parse_month(months[k])) < 0)
            return cli_usage_error(sp, "--%s '%s' is not a month (YYYY-MM)", k ? "to" : "from",
                                   months[k]);
    }
    return export_to(args.val[C_OUT], write_counts, &q);
}

/* ---- csvio: the partnership's plan as CSV files or JSON (docs/exchange.md) ---- */

enum { X_PARTNERSHIP, X_FORMAT, X_OUT };
static const struct cli_opt partnership_opts[] = {
    [X_PARTNERSHIP] = {"partnership", "CODE", "the partnership (default: the store's only one)"},
    [X_FORMAT] = {"format", "csv|json", "CSV files, one a record kind, into a folder; or one\n"
                                        "JSON document"},
    [X_OUT] = {"out", "DIR|FILE", "csv: the folder, replaced whole; json: the file ('-' or\n"
                                  "none: standard output)"},
    {NULL, NULL, NULL},
};
static const struct cli_spec partnership_spec = {
    "usage: safer [--db PATH|URL] export partnership --format csv --out DIR [--partnership CODE]\n"
    "       safer [--db PATH|URL] export partnership --format json [--out FILE]\n"
    "                                                [--partnership CODE]\n",
    "Writes the partnership's plan: its groups and their members, priorities,\n"
    "plans, actions and their updates, indicators with their values and\n"
    "comments, equality assessments, funding, organisations and people (no\n"
    "credentials). actions.csv and indicators.csv have the columns of the\n"
    "import templates: edit them and import them back. Formats in\n"
    "docs/exchange.md.\n",
    partnership_opts, 0, 0, 0, NULL};

static int export_partnership(const struct cli_spec *sp, int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(sp, argc, argv, &args);
    if (status >= 0)
        return status;
    const char *format = args.val[X_FORMAT], *path = args.val[X_OUT];
    if (!format || (strcmp(format, "csv") != 0 && strcmp(format, "json") != 0))
        return cli_usage_error(sp, "export partnership needs --format csv or --format json");
    bool csv = strcmp(format, "csv") == 0;
    if (csv && (!path || strcmp(path, "-") == 0))
        return cli_usage_error(sp, "--format csv needs --out DIR, a folder for its files");
    struct safer_store *st = cli_open_store(CLI_STORE_EXISTING);
    if (!st)
        return EXIT_FAILED;
    struct safer_err err = {0};
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_partnership p;
    struct safer_actor op;
    int rc = cli_find_partnership(st, args.val[X_PARTNERSHIP], &arena, &p, &op, &err);
    int64_t now = (int64_t)time(NULL);
    if (rc == 0 && csv) {
        struct safer_output out;
        rc = safer_output_init_dir(&out, path, 0, &err);
        if (rc == 0)
            rc = safer_exchange_export_csv(st, &op, now, &out, &err);
        if (rc == 0)
            rc = safer_output_commit(&out, &err);
        if (rc == 0)
            printf("wrote %zu CSV files of partnership %s into %s\n", out.nfiles, p.code, path);
        safer_output_release(&out);
    } else if (rc == 0) {
        struct safer_stream out;
        if (!path || strcmp(path, "-") == 0)
            safer_stream_init_fd(&out, STDOUT_FILENO, "standard output");
        else
            rc = safer_stream_open(&out, path, &err);
        struct safer_buf b;
        safer_buf_init(&b, SAFER_LIMIT_BLOB);
        if (rc == 0)
            rc = safer_exchange_export_json(st, &op, now, &b, &err);
        if (rc == 0) {
            safer_buf_put(&out.buf, b.ptr, b.len);
            rc = safer_stream_commit(&out, &err);
        }
        safer_buf_release(&b);
        safer_stream_release(&out);
    }
    safer_store_close(st);
    safer_arena_release(&arena);
    return rc < 0 ? cli_fail(&err, rc) : EXIT_OK;
}

/* ---- groups: the partnership's strategy as a plan file ---- */

enum { P_OUT, P_AREA };
static const struct cli_opt plan_opts[] = {
    [P_OUT] = {"out", "FILE", "file to write, put in place whole (default, or '-': standard\n"
                              "output)"},
    [P_AREA] = {"area", "CODE", "the partnership's CSP or district code (needed when the\n"
                                "store holds more than one partnership)"},
    {NULL, NULL, NULL},
};
static const struct cli_spec plan_spec = {
    "usage: safer [--db PATH] export plan [--area CODE] [--out FILE.json]\n",
    "Writes a partnership's strategy as the store holds it now, edits made\n"
    "in the workspace included, as a plan file (docs/plan.md) that `safer\n"
    "import plan` reads back: the partnership, its groups with their terms\n"
    "of reference, members and annual outcomes, its priorities with their\n"
    "categories and links, scoring weights and peers. Actions and indicators\n"
    "are the workspace's records and are not written.\n",
    plan_opts, 0, 0, 0, NULL};

static int write_plan(struct safer_store *st, const void *arg, struct safer_stream *out,
                      struct safer_err *err)
{
    const char *area = arg;
    struct safer_arena a;
    safer_arena_init(&a);
    int rc = 0;
    if (!area) {
        struct safer_partnership *v;
        size_t n;
        rc = safer_partnership_list(st, &a, &v, &n, err);
        if (rc == 0 && n != 1)
            rc = safer_err_set(err, SAFER_EINVAL,
                               n ? "the store holds %zu partnerships: name one with --area"
                                 : "the store holds no partnership: import a plan first (%zu)",
                               n);
        if (rc == 0)
            area = v[0].code;
    }
    struct safer_plan *plan = NULL;
    if (rc == 0)
        rc = safer_plan_load(st, area, &plan, err);
    if (rc == 0 && !plan)
        rc = safer_err_set(err, SAFER_ENOTFOUND, "no stored plan applies to '%s'", area);
    if (rc == 0)
        rc = safer_plan_write(plan, &out->buf, err);
    safer_plan_free(plan);
    safer_arena_release(&a);
    return rc;
}

static int export_plan(const struct cli_spec *sp, int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(sp, argc, argv, &args);
    if (status >= 0)
        return status;
    return export_to(args.val[P_OUT], write_plan, args.val[P_AREA]);
}

static const struct cli_kind kinds[] = {{"police", &police_spec, export_police},
                                        {"counts", &counts_spec, export_counts},
                                        {"partnership", &partnership_spec, export_partnership},
                                        {"plan", &plan_spec, export_plan}};

int cmd_export(int argc, char **argv)
{
    return cli_run_kind("export", kinds, sizeof(kinds) / sizeof(kinds[0]), argc, argv);
}
