/*
 * cmd_audit.c - `safer audit [--since DATE] [--user EMAIL] [--record
 * TYPE[/ID]] [--verify]`: the workspace's audit log, a row a line, or a
 * check of its hash chain (account.h, docs/workspace.md). It only reads,
 * so it runs while a server or another command holds the store.
 */
#include "util/compat.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "safer/account.h"
#include "safer/store.h"

enum { O_SINCE, O_USER, O_RECORD, O_VERIFY };
static const struct cli_opt opts[] = {
    [O_SINCE] = {"since", "DATE", "rows from this day on (YYYY-MM-DD, UTC), or from a time\n"
                                  "(YYYY-MM-DDTHH:MM:SS)"},
    [O_USER] = {"user", "EMAIL", "rows of what this person did (\"operator\" for the\n"
                                 "command line, \"public\" for no one signed in)"},
    [O_RECORD] = {"record", "TYPE[/ID]", "rows about one record (user/12, session/40) or a\n"
                                         "kind of record (user, session, action)"},
    [O_VERIFY] = {"verify", NULL, "check the hash chain instead: names the first row changed or\n"
                                  "removed outside safer"},
    {NULL, NULL, NULL},
};
static const struct cli_spec spec = {
    "usage: safer [--db PATH|URL] audit [--since DATE] [--user EMAIL] [--record TYPE[/ID]]\n"
    "       safer [--db PATH|URL] audit --verify\n",
    "Prints the audit log, oldest first, a row a line: when (UTC), who, what\n"
    "(the log's word and what it means: 'login-failed (sign-in refused)'),\n"
    "the record, and the detail or the change (before → after,\n"
    "as JSON). Every change, sign-in, sign-out, failed sign-in and refusal is\n"
    "there. Only reads the store.\n",
    opts, 0, 0, 0, NULL};

/* The log's action words, in plain words. A word not here (a newer
 * program's) is printed as it is. */
static const struct {
    const char *action, *words;
} PLAIN[] = {
    {"login", "signed in"},
    {"login-failed", "sign-in refused"},
    {"login-locked", "sign-in refused, account locked"},
    {"logout", "signed out"},
    {"session-end", "ended a session"},
    {"sessions-end", "signed a person out everywhere"},
    {"denied", "refused"},
    {"org-add", "added an organisation"},
    {"user-add", "added a person"},
    {"user-reset", "made a reset link"},
    {"user-disable", "disabled a person"},
    {"user-enable", "enabled a person"},
    {"password-set", "set their password"},
    {"password-set-failed", "password not set"},
    {"action-add", "added an action"},
    {"action-change", "changed an action"},
    {"action-update", "posted an update"},
    {"assessment-publish", "published an assessment"},
    /* groups */
    {"group-change", "changed a group"},
    {"priority-change", "changed a priority"},
    {"plan-add", "set a group's outcome for a year"},
    {"plan-change", "changed a group's outcome for a year"},
    /* area: accounts */
    {"user-role", "changed a person's role"},
    {"user-join", "added a person to a partnership"},
    {"user-leave", "took a person out of a partnership"},
    {"password-changed", "changed their password"},
    {"password-change-failed", "password not changed"},
    {"partnership-switch", "switched partnership"},
};

static const char *plain(const char *action)
{
    for (size_t i = 0; action && i < sizeof(PLAIN) / sizeof(PLAIN[0]); i++) {
        if (strcmp(action, PLAIN[i].action) == 0)
            return PLAIN[i].words;
    }
    return action ? action : "?";
}

/* Print `s` with control characters shown as '?': a row changed behind
 * the program must not drive the terminal. */
static void put(const char *s)
{
    for (; s && *s; s++)
        putchar((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

static int print_row(const struct safer_audit_row *r, void *ctx)
{
    size_t *n = ctx;
    (*n)++;
    put(r->at);
    fputs("  ", stdout);
    put(r->actor_email);
    fputs("  ", stdout);
    /* The log's own word, which --record and scripts match, then what it
     * means: "login-failed (sign-in refused)". */
    put(r->action);
    if (plain(r->action) != r->action) {
        fputs(" (", stdout);
        put(plain(r->action));
        putchar(')');
    }
    fputs("  ", stdout);
    if (r->record_type) {
        put(r->record_type);
        if (r->record_id) {
            putchar('/');
            put(r->record_id);
        }
    } else {
        putchar('-');
    }
    if (r->detail) {
        fputs("  ", stdout);
        put(r->detail);
    }
    if (r->before || r->after) {
        fputs("  ", stdout);
        put(r->before);
        if (r->before)
            fputs(" \xe2\x86\x92 ", stdout); /* → */
        put(r->after);
    }
    putchar('\n');
    return ferror(stdout) ? SAFER_EIO : 0;
}

static int print_row_count(const struct safer_audit_row *r, void *ctx)
{
    (void)r;
    (*(size_t *)ctx)++;
    return 0;
}

int cmd_audit(int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(&spec, argc, argv, &args);
    if (status >= 0)
        return status;
    bool verify = args.val[O_VERIFY] != NULL;
    if (verify && (args.val[O_SINCE] || args.val[O_USER] || args.val[O_RECORD]))
        return cli_usage_error(&spec, "--verify checks the whole log: it takes no other option");
    struct safer_store *st = cli_open_store(CLI_STORE_EXISTING);
    if (!st)
        return EXIT_FAILED;
    struct safer_actor op;
    safer_actor_operator(&op);
    struct safer_err err = {0};
    size_t n = 0;
    int rc;
    if (verify) {
        rc = safer_audit_verify(st, &err);
        if (rc == 0)
            rc = safer_audit_each(st, &op, NULL, print_row_count, &n, &err);
        if (rc == 0)
            printf("the audit log is whole: %zu rows, each matching its hash\n", n);
    } else {
        struct safer_audit_filter f = {args.val[O_SINCE], args.val[O_USER], args.val[O_RECORD]};
        rc = safer_audit_each(st, &op, &f, print_row, &n, &err);
        if (rc == 0 && fflush(stdout) != 0)
            rc = safer_err_set(&err, SAFER_EIO, "cannot write to standard output");
    }
    safer_store_close(st);
    return rc < 0 ? cli_fail(&err, rc) : EXIT_OK;
}
