/*
 * cmd_store.c - `safer store init|info|digest`: make or migrate a store,
 * say what a store is, and a digest of what it holds (two stores with the
 * same content have the same digest).
 */
#include "util/compat.h"

#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "safer/store.h"

static const struct cli_opt none[] = {{NULL, NULL, NULL}};

static const struct cli_spec init_spec = {
    "usage: safer [--db PATH|URL] store init\n",
    "Make the store when there is none (a new SQLite file, or safer's tables in\n"
    "an empty PostgreSQL database), or migrate an older one; then say what it\n"
    "is, as info does. Imports make the store too; commands that only read\n"
    "never do.\n",
    none, 0, 0, 0, NULL};

static const struct cli_spec info_spec = {
    "usage: safer [--db PATH|URL] store info\n",
    "The store's engine, name and schema version (opening an older store\n"
    "migrates it).\n",
    none, 0, 0, 0, NULL};

static const struct cli_spec digest_spec = {
    "usage: safer [--db PATH|URL] store digest\n",
    "A hash of everything the store holds, table by table in key order: equal\n"
    "stores give equal digests, on either engine (the import log's times are\n"
    "left out). For checking a copy, or that a failed command changed nothing.\n",
    none, 0, 0, 0, NULL};

static int run(const struct cli_spec *sp, int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(sp, argc, argv, &args);
    if (status >= 0)
        return status;
    struct safer_store *st =
        cli_open_store(sp == &init_spec ? CLI_STORE_CREATE : CLI_STORE_EXISTING);
    if (!st)
        return EXIT_FAILED;
    struct safer_err err = {0};
    int rc;
    if (sp == &digest_spec) {
        char d[33];
        rc = safer_store_digest(st, d, &err);
        if (rc == 0)
            printf("%s\n", d);
    } else {
        char *v = NULL;
        rc = safer_store_get_meta(st, "schema_version", &v, &err);
        if (rc == 0)
            printf("engine: %s\nstore: %s\nschema version: %s\n", safer_store_engine(st),
                   safer_store_name(st), v ? v : "?");
        free(v);
    }
    safer_store_close(st);
    return rc < 0 ? cli_fail(&err, rc) : EXIT_OK;
}

static const struct cli_kind kinds[] = {
    {"init", &init_spec, run}, {"info", &info_spec, run}, {"digest", &digest_spec, run}};

int cmd_store(int argc, char **argv)
{
    return cli_run_kind("store", kinds, sizeof(kinds) / sizeof(kinds[0]), argc, argv);
}
