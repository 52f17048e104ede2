/*
 * cmd_pack.c - `safer pack executive|scrutiny [--partnership CODE] --out
 * FILE.html`: the executive group's or the scrutiny committee's pack
 * (pack.h) as one HTML file to print on A4 or send. The command line acts
 * as the operator; the scrutiny pack suppresses small counts all the same.
 */
#include "util/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "safer/arena.h"
#include "safer/output.h"
#include "safer/pack.h"
#include "safer/partnership.h"
#include "safer/store.h"

enum { O_PARTNERSHIP, O_OUT };
static const struct cli_opt opts[] = {
    [O_PARTNERSHIP] = {"partnership", "CODE", "the partnership (default: the store's only one)"},
    [O_OUT] = {"out", "FILE", "where to write the pack (HTML); required"},
    {NULL, NULL, NULL},
};
static const struct cli_spec spec = {
    "usage: safer [--db PATH|URL] pack executive|scrutiny [--partnership CODE] --out FILE.html\n"
    "       safer [--db PATH|URL] pack clusters --help\n"
    "       safer [--db PATH|URL] pack data-share --help\n",
    "Writes a partnership's pack as one HTML file that prints on A4: a cover,\n"
    "then a section a priority. executive: the status of each priority, the\n"
    "decisions asked of the executive group, indicators off target with their\n"
    "trends, overdue actions with their leads, the updates of the last 90\n"
    "days. scrutiny: for elected members, a summary in plain words, each\n"
    "indicator with its status and trend (small counts suppressed) and the\n"
    "actions of each priority counted by status; it names no one.\n",
    opts, 0, 1, 1, "pack needs its kind: executive or scrutiny"};

int cmd_pack(int argc, char **argv)
{
    /* The ward-cluster packs come from the assessment, not a plan. */
    if (argc > 1 && strcmp(argv[1], "clusters") == 0)
        return cli_pack_clusters(argc - 1, argv + 1);
    /* The data-share pack comes from the partners' data, by quarter. */
    if (argc > 1 && strcmp(argv[1], "data-share") == 0)
        return cli_pack_datashare(argc - 1, argv + 1);
    struct cli_args args;
    int status = cli_parse(&spec, argc, argv, &args);
    if (status >= 0)
        return status;
    enum safer_pack_kind kind;
    struct safer_err err = {0};
    if (safer_pack_parse(args.args[0], &kind, &err) < 0)
        return cli_usage_error(&spec, "%s", err.msg);
    const char *path = args.val[O_OUT];
    if (!path || !*path)
        return cli_usage_error(&spec, "pack needs --out FILE.html");
    struct safer_store *st = cli_open_store(CLI_STORE_EXISTING);
    if (!st)
        return EXIT_FAILED;
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_partnership p;
    struct safer_actor op;
    int rc = cli_find_partnership(st, args.val[O_PARTNERSHIP], &arena, &p, &op, &err);
    if (rc == 0) {
        /* Written beside the file and renamed over it: FILE holds the old
         * file or the whole pack, never a part. */
        struct safer_stream out;
        rc = safer_stream_open(&out, path, &err);
        if (rc == 0)
            rc = safer_pack_render(st, &op, kind, (int64_t)time(NULL), &out.buf, &err);
        if (rc == 0)
            rc = safer_stream_commit(&out, &err);
        safer_stream_release(&out);
    }
    safer_store_close(st);
    if (rc < 0) {
        safer_arena_release(&arena);
        return cli_fail(&err, rc);
    }
    printf("%s pack of %s: %s\n", safer_pack_name(kind), p.code, path);
    safer_arena_release(&arena);
    return EXIT_OK;
}
