/*
 * cmd_publish.c - `safer publish --approved-by GROUP --approved-on DATE` and
 * `safer published [EDITION [--out DIR] [--public]]`.
 */
#include "util/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "safer/buf.h"
#include "safer/lib.h"
#include "safer/output.h"
#include "safer/publish.h"
#include "safer/store.h"

enum { P_BY, P_ON, P_PARTNERSHIP, P_FROM, P_TO, P_CELL };
static const struct cli_opt publish_opts[] = {
    [P_BY] = {"approved-by", "GROUP", "the group that approved it: a group's id in the plan\n"
                                      "(e.g. smpeg)"},
    [P_ON] = {"approved-on", "YYYY-MM-DD", "the date it approved it"},
    [P_PARTNERSHIP] = {"partnership", "CODE",
                       "the partnership (default: the store's only one)"},
    [P_FROM] = {"from", "YYYY-MM", "first month of the period assessed (as for assess)"},
    [P_TO] = {"to", "YYYY-MM", "latest month of the assessment (as for assess)"},
    [P_CELL] = {"cell", "METRES", "hotspot grid cell size in metres (default 250)"},
    {NULL, NULL, NULL},
};
static const struct cli_spec publish_spec = {
    "usage: safer [--db PATH] publish --approved-by GROUP --approved-on YYYY-MM-DD\n"
    "                                [--partnership CODE] [--from YYYY-MM] [--to YYYY-MM]\n",
    "Publishes the partnership's strategic assessment as a group approved it:\n"
    "both editions (members' and public) are computed and kept in the store,\n"
    "frozen, with the police.uk files they came from and their checksums.\n"
    "Earlier editions stay as they were. 'safer published' lists them.\n",
    publish_opts, 0, 0, 0, NULL};

int cmd_publish(int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(&publish_spec, argc, argv, &args);
    if (status >= 0)
        return status;
    if (!args.val[P_BY])
        return cli_usage_error(&publish_spec, "publish needs --approved-by GROUP");
    if (!args.val[P_ON])
        return cli_usage_error(&publish_spec, "publish needs --approved-on YYYY-MM-DD");
    struct safer_publish_opts o = {
        .partnership = args.val[P_PARTNERSHIP],
        .approved_by = args.val[P_BY],
        .approved_on = args.val[P_ON],
        .assess = {.to = -1, .cell = 250, .threads = safer_cores()},
    };
    const char *from = args.val[P_FROM], *to = args.val[P_TO], *cell = args.val[P_CELL];
    int bad = cli_parse_window(&publish_spec, from, to, &o.assess.from, &o.assess.to);
    if (bad)
        return bad;
    if (cell) {
        char *end;
        o.assess.cell = strtod(cell, &end);
        if (*end || !(o.assess.cell >= 10 && o.assess.cell <= 100000))
            return cli_usage_error(&publish_spec, "--cell '%s' must be metres between 10 and 100000",
                                   cell);
    }
    struct safer_store *st = cli_open_store(CLI_STORE_EXISTING);
    if (!st)
        return EXIT_FAILED;
    struct safer_actor op;
    safer_actor_operator(&op);
    struct safer_err err = {0};
    int edition = 0;
    int rc = safer_publish(st, &op, &o, (int64_t)time(NULL), &edition, &err);
    safer_store_close(st);
    if (rc < 0)
        return cli_fail(&err, rc);
    printf("published edition %d (approved by %s on %s)\n", edition, o.approved_by,
           o.approved_on);
    return EXIT_OK;
}

enum { L_PARTNERSHIP, L_OUT, L_PUBLIC };
static const struct cli_opt published_opts[] = {
    [L_PARTNERSHIP] = {"partnership", "CODE", "the partnership (default: the store's only one)"},
    [L_OUT] = {"out", "DIR", "write the edition's files into DIR (as assess does)"},
    [L_PUBLIC] = {"public", NULL, "with --out: the public edition's files"},
    {NULL, NULL, NULL},
};
static const struct cli_spec published_spec = {
    "usage: safer [--db PATH] published [--partnership CODE]\n"
    "       safer [--db PATH] published EDITION [--out DIR [--public]] [--partnership CODE]\n",
    "Lists the published assessments, newest first; with EDITION, one of them:\n"
    "its approval, window and the files it was computed from, or with --out\n"
    "its report and CSV files exactly as they were published.\n",
    published_opts, 0, 0, 1, NULL};

static int write_edition(struct safer_store *st, const struct safer_actor *op, const char *code,
                         const struct safer_published *e, const char *dir, bool pub,
                         struct safer_arena *arena, struct safer_err *err)
{
    struct safer_output out;
    int rc = safer_output_init_dir(&out, dir, 0, err);
    if (rc < 0)
        return rc;
    struct safer_buf b;
    safer_buf_init(&b, (size_t)1 << 31);
    for (size_t i = 0; rc == 0 && i < e->nfiles; i++) {
        const char *data;
        size_t len;
        rc = safer_published_file(st, op, code, e->edition, pub, e->files[i], arena, &data, &len,
                                  err);
        if (rc == SAFER_ENOTFOUND && pub) {
            rc = 0; /* the public edition leaves out the record-level files */
            continue;
        }
        if (rc == 0)
            rc = safer_buf_add(&b, data, len);
        if (rc == 0)
            rc = safer_output_add(&out, e->files[i], &b, err);
    }
    safer_buf_release(&b);
    if (rc == 0)
        rc = safer_output_commit(&out, err);
    safer_output_release(&out);
    return rc;
}

int cmd_published(int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(&published_spec, argc, argv, &args);
    if (status >= 0)
        return status;
    const char *code = args.val[L_PARTNERSHIP], *dir = args.val[L_OUT];
    int edition = 0;
    if (args.nargs == 1) {
        char *end;
        long v = strtol(args.args[0], &end, 10);
        if (*end || v < 1 || v > 1000000)
            return cli_usage_error(&published_spec, "'%s' is not an edition number",
                                   args.args[0]);
        edition = (int)v;
    } else if (dir || args.val[L_PUBLIC]) {
        return cli_usage_error(&published_spec, "--out and --public need an EDITION");
    }
    if (args.val[L_PUBLIC] && !dir)
        return cli_usage_error(&published_spec, "--public goes with --out DIR");
    struct safer_store *st = cli_open_store(CLI_STORE_EXISTING);
    if (!st)
        return EXIT_FAILED;
    struct safer_actor op;
    safer_actor_operator(&op);
    struct safer_err err = {0};
    struct safer_arena arena;
    safer_arena_init(&arena);
    int rc;
    if (!edition) {
        struct safer_published *list;
        size_t n;
        rc = safer_published_list(st, &op, code, &arena, &list, &n, &err);
        if (rc == 0 && n == 0)
            printf("no published assessments\n");
        for (size_t i = 0; rc == 0 && i < n; i++)
            printf("%d  %s to %s  approved by %s on %s  published %s by %s  %lld records\n",
                   list[i].edition, list[i].period_from, list[i].period_to,
                   list[i].approved_by_name, list[i].approved_on, list[i].published_at,
                   list[i].published_by, (long long)list[i].records);
    } else {
        struct safer_published e;
        rc = safer_published_get(st, &op, code, edition, &arena, &e, &err);
        if (rc == 0 && dir) {
            rc = write_edition(st, &op, code, &e, dir, args.val[L_PUBLIC] != NULL, &arena, &err);
            if (rc == 0)
                printf("edition %d (%s): %s/index.html\n", e.edition,
                       args.val[L_PUBLIC] ? "public" : "members'", dir);
        } else if (rc == 0) {
            printf("edition %d: %s\nperiod: %s to %s\napproved by: %s (%s) on %s\n"
                   "published: %s by %s\nrecords: %lld\ndigest: %s\nfiles:",
                   e.edition, e.title, e.period_from, e.period_to, e.approved_by_name,
                   e.approved_by, e.approved_on, e.published_at, e.published_by,
                   (long long)e.records, e.digest);
            for (size_t i = 0; i < e.nfiles; i++)
                printf(" %s", e.files[i]);
            printf("\ninputs (%zu police.uk files):\n", e.ninputs);
            for (size_t i = 0; i < e.ninputs; i++)
                printf("  %s  %s  %s  %s  %lld records\n", e.inputs[i].force, e.inputs[i].month,
                       e.inputs[i].file, e.inputs[i].checksum, (long long)e.inputs[i].records);
        }
    }
    safer_arena_release(&arena);
    safer_store_close(st);
    return rc < 0 ? cli_fail(&err, rc) : EXIT_OK;
}
