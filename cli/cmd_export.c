/*
 * cmd_export.c - `safer export police [--out FILE]`: every stored record
 * with its 12 police.uk fields, the ward it was assigned to and how.
 */
#include "util/compat.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "safer/export.h"
#include "safer/output.h"
#include "safer/store.h"

static const char USAGE[] = "usage: safer [--db PATH] export police [--out FILE.csv]\n";

static const char HELP[] =
    "\n"
    "Writes every stored police.uk record as CSV (to standard output without\n"
    "--out, or with --out -): the 12 police.uk columns, then ward_code (empty\n"
    "when unassigned) and assigned_by (point, lsoa or none), assigned against\n"
    "every stored ward. FILE is put in place whole. Text that a spreadsheet\n"
    "would run as a formula starts with an apostrophe.\n";

int cmd_export(int argc, char **argv)
{
    const char *path = NULL;
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("%s%s", USAGE, HELP);
        return EXIT_OK;
    }
    if (argc < 2 || strcmp(argv[1], "police") != 0)
        return cli_usage_error(USAGE, "export needs a kind: police");
    int status = cli_parse_out_only(argc - 1, argv + 1, USAGE, HELP, &path);
    if (status >= 0)
        return status;
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
    if (rc < 0)
        return cli_fail(&err, rc);
    return EXIT_OK;
}
