/*
 * cmd_store.c - `safer store info|digest`: what a store is, and a digest of
 * what it holds (two stores with the same content have the same digest).
 */
#include "util/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "safer/store.h"

static const char USAGE[] = "usage: safer [--db PATH|URL] store info\n"
                            "       safer [--db PATH|URL] store digest\n";
static const char HELP[] =
    "\n"
    "info    the store's engine, name and schema version (migrating an older one)\n"
    "digest  a hash of everything the store holds, in key order: equal stores\n"
    "        give equal digests, on either engine (the import log's times are\n"
    "        left out). For checking a copy, or that a failed command changed nothing.\n";

int cmd_store(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("%s%s", USAGE, HELP);
        return EXIT_OK;
    }
    if (argc != 2 || (strcmp(argv[1], "info") != 0 && strcmp(argv[1], "digest") != 0))
        return cli_usage_error(USAGE, "store needs one of: info, digest");
    struct safer_store *st = cli_open_store();
    if (!st)
        return EXIT_FAILED;
    struct safer_err err = {0};
    int rc = 0;
    if (strcmp(argv[1], "digest") == 0) {
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
