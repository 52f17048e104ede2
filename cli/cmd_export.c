/*
 * cmd_export.c - `safer export police [--out FILE]`: every stored record
 * with its 12 police.uk fields, the ward it was assigned to and how.
 */
#include "util/compat.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "safer/buf.h"
#include "safer/csv.h"
#include "safer/export.h"
#include "safer/store.h"

static const char USAGE[] = "usage: safer [--db PATH] export police [--out FILE.csv]\n";

static const char HELP[] =
    "\n"
    "Writes every stored police.uk record as CSV (to standard output without\n"
    "--out): the 12 police.uk columns, then ward_code (empty when unassigned)\n"
    "and assigned_by (point, lsoa or none), assigned against every stored ward.\n";

struct out {
    FILE *f;
    struct safer_buf b;
};

static int row(void *ctx, const char *const fields[14])
{
    struct out *o = ctx;
    for (int i = 0; i < 14; i++) {
        if (i)
            safer_buf_put(&o->b, ",", 1);
        safer_csv_put_field(&o->b, fields[i], strlen(fields[i]));
    }
    safer_buf_put(&o->b, "\n", 1);
    if (o->b.len > (1 << 20)) {
        if (fwrite(o->b.ptr, 1, o->b.len, o->f) != o->b.len)
            return SAFER_EIO;
        safer_buf_reset(&o->b);
    }
    return safer_buf_error(&o->b);
}

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
    struct out o = {stdout, {0}};
    safer_buf_init(&o.b, (size_t)1 << 30);
    if (path && strcmp(path, "-") != 0) {
        o.f = fopen(path, "wb");
        if (!o.f) {
            fprintf(stderr, "safer: %s: cannot write: %s\n", path, strerror(errno));
            safer_store_close(st);
            return EXIT_FAILED;
        }
    }
    safer_buf_puts(&o.b, "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
                         "LSOA code,LSOA name,Crime type,Last outcome category,Context,ward_code,"
                         "assigned_by\n");
    struct safer_err err = {0};
    int rc = safer_export_police(st, row, &o, &err);
    if (rc == 0 && o.b.len && fwrite(o.b.ptr, 1, o.b.len, o.f) != o.b.len)
        rc = safer_err_set(&err, SAFER_EIO, "%s: write failed", path ? path : "standard output");
    if (o.f != stdout && fclose(o.f) != 0 && rc == 0)
        rc = safer_err_set(&err, SAFER_EIO, "%s: write failed", path);
    safer_buf_release(&o.b);
    safer_store_close(st);
    if (rc < 0)
        return cli_fail(&err, rc);
    return EXIT_OK;
}
