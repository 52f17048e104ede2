/*
 * main.c - the `safer` command: global options and the command table.
 */
#include "util/compat.h"

#include <stdio.h>
#if defined(__GLIBC__)
#include <malloc.h> /* mallopt(): glibc only */
#endif
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "safer/account.h"
#include "safer/lib.h"
#include "safer/partnership.h"
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
    {"publish", cmd_publish, "publish the assessment as a group approved it, frozen in the store"},
    {"published", cmd_published, "list the published assessments, or write one out"},
    {"store", cmd_store, "the store's engine and schema version, and a digest of its content"},
    {"serve", cmd_serve, "serve the partnership workspace and its JSON API over HTTP"},
    {"user", cmd_user, "add people to the workspace, reset, disable and list them"},
    {"digest", cmd_digest, "each lead's actions overdue or due soon, for a mailer or a meeting"},
    {"audit", cmd_audit, "the workspace's audit log, or a check of its hash chain"},
    /* csvio: plans in and out as CSV and JSON */
    {"template", cmd_template, "print the CSV template of actions or indicators to import"},
    /* packs */
    {"pack", cmd_pack, "the executive group's or the scrutiny committee's pack, for A4"},
    /* near repeats */
    {"nearrepeat", cmd_nearrepeat, "the near-repeat (Knox) test of events in space and time"},
    {"clusters", cmd_clusters, "group neighbouring, similar wards into K clusters, proved least"},
    /* projects */
    {"project", cmd_project, "list the problem-solving projects, or assess one"},
    {"focus", cmd_focus, "rank the wards by a focus index and propose a focus area"},
    {"hotspots", cmd_hotspots, "harm, harm hot spots or hot spots over time, as CSV"},
    {"survey", cmd_survey, "survey estimates: weighted % with 95% intervals, by ward and wave"},
    /* commands: surveys */
    {"visits", cmd_visits, "service usage by time and home ward, and pop-up sites, as CSV"},
    /* commands: visits */
    {"partner", cmd_partner, "partner agencies' data: list, counts, change, beside police.uk"},
    /* commands: partner */
};

enum { G_DB, G_VERSION };
static const struct cli_opt global_opts[] = {
    [G_DB] = {"db", "PATH|URL", "the store: a SQLite file, or postgresql://USER@HOST:PORT/DB\n"
                                "(default: $SAFER_DB, else ./safer.db)"},
    [G_VERSION] = {"version", NULL, "print the version"},
    {NULL, NULL, NULL},
};
static const struct cli_spec global = {
    "usage: safer [--db PATH|URL] COMMAND [ARGS]\n",
    "Exit status: 0 done, 1 failed (safer: what went wrong), 2 usage error.\n",
    global_opts, 1, 0, -1, NULL};

static void usage(FILE *out)
{
    cli_opt_help(&global, out);
    fputs("\ncommands:\n", out);
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].help);
    fputs("\nRun 'safer COMMAND --help' for a command's options.\n", out);
}

struct safer_store *cli_open_store(enum cli_store how)
{
    struct safer_store *st;
    struct safer_err err = {0};
    int rc = how == CLI_STORE_EXISTING ? safer_store_open_existing(&st, cli_db_path, &err)
                                       : safer_store_open(&st, cli_db_path, &err);
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

static int find_partnership(struct safer_store *st, const char *code, struct safer_arena *arena,
                            struct safer_partnership *p, struct safer_err *err);

int cli_find_partnership(struct safer_store *st, const char *code, struct safer_arena *arena,
                         struct safer_partnership *p, struct safer_actor *op,
                         struct safer_err *err)
{
    safer_actor_operator(op);
    int rc = find_partnership(st, code, arena, p, err);
    if (rc == 0)
        op->partnership_id = p->id;
    return rc;
}

static int find_partnership(struct safer_store *st, const char *code, struct safer_arena *arena,
                            struct safer_partnership *p, struct safer_err *err)
{
    if (code)
        return safer_partnership_find(st, code, arena, p, err);
    struct safer_partnership *all;
    size_t n;
    int rc = safer_partnership_list(st, arena, &all, &n, err);
    if (rc < 0)
        return rc;
    if (n != 1)
        return safer_err_set(err, n ? SAFER_EINVAL : SAFER_ENOTFOUND,
                             n ? "the store holds %zu partnerships: name one with --partnership"
                               : "the store holds no partnership: import a plan first",
                             n);
    *p = all[0];
    return 0;
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

int cli_parse_window(const struct cli_spec *spec, const char *from, const char *to,
                     int32_t *first, int32_t *last)
{
    if (to && (*last = cli_parse_month(to)) < 0)
        return cli_usage_error(spec, "--to '%s' is not a month (YYYY-MM)", to);
    if (from && (*first = cli_parse_month(from)) < 0)
        return cli_usage_error(spec, "--from '%s' is not a month (YYYY-MM)", from);
    if (from && to && *first > *last)
        return cli_usage_error(spec, "--from '%s' is after --to '%s'", from, to);
    return 0;
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
    /* Imports allocate and free column buffers of a few megabytes per file: keep
     * them on the heap for reuse rather than mapping fresh zeroed pages each time. */
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
    struct cli_args a;
    int rc = cli_opt_parse(&global, argc, argv, &a);
    if (rc == CLI_OPT_HELP) {
        usage(stdout);
        return EXIT_OK;
    }
    if (rc == CLI_OPT_USAGE) {
        fprintf(stderr, "safer: %s\n", a.msg);
        usage(stderr);
        return EXIT_USAGE;
    }
    if (a.val[G_VERSION]) {
        printf("safer %s\n", safer_version());
        return EXIT_OK;
    }
    if (a.val[G_DB] && !*a.val[G_DB])
        return cli_usage_error(&global, "--db needs a path");
    cli_db_path = a.val[G_DB];
    if (!cli_db_path)
        cli_db_path = getenv("SAFER_DB");
    if (!cli_db_path || !*cli_db_path)
        cli_db_path = "safer.db";
    if (a.nargs == 0) {
        fputs("safer: no command given\n", stderr);
        usage(stderr);
        return EXIT_USAGE;
    }
    for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++) {
        if (strcmp(a.args[0], commands[k].name) == 0) {
            fault_arm();
            return fault_report(commands[k].fn(a.nargs, a.args));
        }
    }
    fprintf(stderr, "safer: unknown command '%s'\n", a.args[0]);
    usage(stderr);
    return EXIT_USAGE;
}
