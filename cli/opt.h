/*
 * opt.h - the one option parser of the safer command, driven by a table.
 *
 * Each subcommand describes its options in a table (long name, the value's
 * name or none, a line of help); the usage line, --help text and errors
 * come from it. GNU style: options and arguments mix in any order
 * ("import police FILE --strict"); "--name=value" and "--name value" both
 * give a value; a name may be shortened to any prefix that names one option
 * ("--ou" for "--out"); "--" ends the options; "-" alone is an argument;
 * "-h" is "--help", which every command understands. An unknown or
 * ambiguous option, a missing value or a value given to a flag is a usage
 * error. Nothing here exits: the caller returns the status it is given.
 */
#ifndef SAFER_CLI_OPT_H
#define SAFER_CLI_OPT_H

#include <stdio.h>

#include "safer/error.h"

struct cli_opt {
    const char *name; /* long name, without "--" */
    const char *arg;  /* the value's name in the help ("DIR"), or NULL for a flag */
    const char *help; /* for --help; '\n' starts another line; NULL: a test
                         option, left out of the help */
};

struct cli_spec {
    const char *usage;          /* "usage: ..." line(s), each ending in '\n' */
    const char *about;          /* text between the usage and the options, or NULL */
    const struct cli_opt *opts; /* ends with an entry whose name is NULL */
    int stop_at_arg;            /* options only before the first argument (the
                                   global ones, and a command before its kind) */
    int min_args, max_args;     /* for cli_parse(): arguments allowed (max -1: any) */
    const char *need;           /* for cli_parse(): the usage error for too few or
                                   too many ("import areas needs one GeoJSON file") */
};

/* Options in one table, at most. */
#define CLI_MAX_OPTS 16

struct cli_args {
    /* OUT: per option of the table, its value ("" for a flag), or NULL when
     * not given. The last one given wins. */
    const char *val[CLI_MAX_OPTS];
    char **args; /* OUT: the arguments, in order (borrowed from argv) */
    int nargs;
    char msg[256]; /* OUT: what is wrong, after CLI_OPT_USAGE */
};

enum { CLI_OPT_OK = 0, CLI_OPT_HELP = 1, CLI_OPT_USAGE = -1 };

/*
 * Parse argv[1] to argv[argc - 1] (argv[0] names the command) against
 * `spec`. Returns CLI_OPT_OK with `out` filled, CLI_OPT_HELP when --help
 * was given, or CLI_OPT_USAGE with out->msg saying what is wrong. The
 * arguments are moved to the front of argv, after argv[0]; out->args
 * points there.
 */
int cli_opt_parse(const struct cli_spec *spec, int argc, char **argv, struct cli_args *out);

/* Print the usage, the about text and the options with their help. */
void cli_opt_help(const struct cli_spec *spec, FILE *f);

/* Print "safer: <message>" and the usage to standard error; returns 2. */
int cli_usage_error(const struct cli_spec *spec, const char *fmt, ...) SAFER_PRINTF(2, 3);

/*
 * cli_opt_parse() for a command, then a check of the number of arguments
 * against spec->min_args and max_args ("unexpected argument 'x'" where
 * none is allowed, else spec->need). Prints the help to standard output,
 * or a usage error. Returns -1 to go on, or the exit status to return.
 */
int cli_parse(const struct cli_spec *spec, int argc, char **argv, struct cli_args *out);

/* A command whose first argument is a kind: "import police ...". */
struct cli_kind {
    const char *name;
    const struct cli_spec *spec;
    /* Runs the kind: argv[0] is the kind's name; `spec` is the entry's. */
    int (*run)(const struct cli_spec *spec, int argc, char **argv);
};

/*
 * Run command `cmd` (argv[0]) by the kind its first argument names. Its
 * --help prints the help of every kind; no kind, an unknown kind or an
 * option before the kind is a usage error. Returns the exit status.
 */
int cli_run_kind(const char *cmd, const struct cli_kind *kinds, size_t nkinds, int argc,
                 char **argv);

#endif
