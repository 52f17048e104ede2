/*
 * cli.h - what the subcommands of the `safer` command share.
 */
#ifndef SAFER_CLI_H
#define SAFER_CLI_H

#include "safer/error.h"

struct safer_store;

/* Exit statuses. */
#define EXIT_OK 0
#define EXIT_FAILED 1
#define EXIT_USAGE 2

/* The store path: --db, else $SAFER_DB, else ./safer.db. */
extern const char *cli_db_path;

/* Open the store or print why not; returns NULL on failure. */
struct safer_store *cli_open_store(void);

/* Print "safer: <message>" for a failed library call; returns EXIT_FAILED. */
int cli_fail(const struct safer_err *err, int rc);

/* Print "safer: <message>" and the usage hint; returns EXIT_USAGE. */
int cli_usage_error(const char *usage, const char *fmt, ...) SAFER_PRINTF(2, 3);

/*
 * Parse the only options of a command that takes `--out PATH` and `--help`
 * and no arguments. Returns -1 to go on (with *out set when given), or the
 * exit status to return (after --help, or a usage error).
 */
int cli_parse_out_only(int argc, char **argv, const char *usage, const char *help,
                       const char **out);

/* Parse "YYYY-MM" into a month index, or -1. */
int cli_parse_month(const char *s);

/* Print the summary of an assessment written into folder `out`. */
struct safer_assessment;
void cli_print_assessed(const struct safer_assessment *a, const char *out);

int cmd_import(int argc, char **argv);
int cmd_assess(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_demo(int argc, char **argv);

#endif
