/*
 * main.c - the `safer` command: global options and the command table.
 */
#include "util/compat.h"

#include <getopt.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "safer/lib.h"
#include "safer/store.h"

const char *cli_db_path;

struct cmd {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
};

static const struct cmd commands[] = {
    {"demo", cmd_demo, "build the demo partnership from nothing and write its assessment"},
    {"import", cmd_import, "load police.uk files, boundaries, lookups or populations"},
    {"assess", cmd_assess, "write the strategic assessment (CSV files and an HTML report)"},
    {"export", cmd_export, "write stored records, with their wards, as CSV"},
    {"store", cmd_store, "the store's engine and schema version, and a digest of its content"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: safer [--db PATH] COMMAND [ARGS]\n\n"
                 "The store is --db PATH (a SQLite file) or --db postgresql://USER@HOST:PORT/DB,\n"
                 "else $SAFER_DB, else ./safer.db.\n\ncommands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].help);
    fprintf(out, "\nRun 'safer COMMAND --help' for a command's options.\n");
}

struct safer_store *cli_open_store(void)
{
    struct safer_store *st;
    struct safer_err err = {0};
    int rc = safer_store_open(&st, cli_db_path, &err);
    if (rc < 0) {
        cli_fail(&err, rc);
        return NULL;
    }
    return st;
}

int cli_fail(const struct safer_err *err, int rc)
{
    fprintf(stderr, "safer: %s\n", safer_err_msg(err, rc));
    return EXIT_FAILED;
}

int cli_usage_error(const char *use, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("safer: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    if (use)
        fprintf(stderr, "%s", use);
    return EXIT_USAGE;
}

int cli_parse_out_only(int argc, char **argv, const char *usage, const char *help,
                       const char **out)
{
    static const struct option longopts[] = {
        {"out", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            *out = optarg;
            break;
        case 'h':
            printf("%s%s", usage, help);
            return EXIT_OK;
        default:
            return cli_usage_error(usage, "bad option");
        }
    }
    if (optind != argc)
        return cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
    return -1;
}

int cli_parse_month(const char *s)
{
    if (strlen(s) != 7 || s[4] != '-')
        return -1;
    for (int i = 0; i < 7; i++) {
        if (i != 4 && (s[i] < '0' || s[i] > '9'))
            return -1;
    }
    int y = (int)strtol(s, NULL, 10), m = (int)strtol(s + 5, NULL, 10);
    if (m < 1 || m > 12 || y < 1900)
        return -1;
    return y * 12 + m - 1;
}

/*
 * Fault injection for the tests: SAFER_FAULT=KIND:N (KIND db, alloc or
 * write) fails the Nth such call of this command; with it set, the counts
 * of calls made are printed on standard error at the end, so a test can
 * walk a command through every call it makes (tests/cli/t0300-faults.sh).
 */
static int fault_armed;

static void fault_arm(void)
{
    const char *spec = getenv("SAFER_FAULT");
    if (!spec || !*spec)
        return;
    fault_armed = 1;
    for (int k = 0; k < SAFER_FAULT_KINDS; k++) {
        const char *name = safer_fault_name(k);
        size_t n = strlen(name);
        if (strncmp(spec, name, n) == 0 && spec[n] == ':')
            safer_fault_arm(k, strtoul(spec + n + 1, NULL, 10));
    }
}

static int fault_report(int status)
{
    if (fault_armed)
        fprintf(stderr, "safer: fault calls: db=%lu alloc=%lu write=%lu\n",
                safer_fault_calls(SAFER_FAULT_DB), safer_fault_calls(SAFER_FAULT_ALLOC),
                safer_fault_calls(SAFER_FAULT_WRITE));
    return status;
}

int main(int argc, char **argv)
{
    int i = 1;
    /* Imports allocate and free column buffers of a few megabytes per file: keep
     * them on the heap for reuse rather than mapping fresh zeroed pages each time. */
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    cli_db_path = getenv("SAFER_DB");
    if (!cli_db_path || !*cli_db_path)
        cli_db_path = "safer.db";
    while (i < argc && argv[i][0] == '-') {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            cli_db_path = argv[i + 1];
            i += 2;
        } else if (strncmp(argv[i], "--db=", 5) == 0) {
            cli_db_path = argv[i] + 5;
            i++;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return EXIT_OK;
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("safer %s\n", safer_version());
            return EXIT_OK;
        } else {
            usage(stderr);
            return cli_usage_error(NULL, "unknown option '%s'", argv[i]);
        }
    }
    if (i >= argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++) {
        if (strcmp(argv[i], commands[k].name) == 0) {
            fault_arm();
            return fault_report(commands[k].fn(argc - i, argv + i));
        }
    }
    usage(stderr);
    return cli_usage_error(NULL, "unknown command '%s'", argv[i]);
}
