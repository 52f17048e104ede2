/*
 * cmd_export.c - `safer export police [--out FILE]`: every stored record
 * with its 12 police.uk fields, the ward it was assigned to and how.
 */
#include "util/compat.h"

#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "safer/export.h"
#include "safer/output.h"
#include "safer/store.h"

enum { O_OUT };
static const struct cli_opt opts[] = {
    [O_OUT] = {"out", "FILE", "file to write, put in place whole (default, or '-': standard\n"
                              "output)"},
    {NULL, NULL, NULL},
};
static const struct cli_spec police_spec = {
    "usage: safer [--db PATH] export police [--out FILE.csv]\n",
    "Writes every stored police.uk record as CSV: the 12 police.uk columns,\n"
    "then ward_code (empty when unassigned) and assigned_by (point, lsoa or\n"
    "none), assigned against every stored ward. Text that a spreadsheet would\n"
    "run as a formula starts with an apostrophe.\n",
    opts, 0, 0, 0, NULL};

static int export_police(const struct cli_spec *sp, int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(sp, argc, argv, &args);
    if (status >= 0)
        return status;
    const char *path = args.val[O_OUT];
    struct safer_store *st = cli_open_store();
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
        rc = safer_export_police_csv(st, &out, &err);
    if (rc == 0)
        rc = safer_stream_commit(&out, &err);
    safer_stream_release(&out);
    safer_store_close(st);
    return rc < 0 ? cli_fail(&err, rc) : EXIT_OK;
}

static const struct cli_kind kinds[] = {{"police", &police_spec, export_police}};

int cmd_export(int argc, char **argv)
{
    return cli_run_kind("export", kinds, sizeof(kinds) / sizeof(kinds[0]), argc, argv);
}
