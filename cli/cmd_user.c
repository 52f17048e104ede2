/*
 * cmd_user.c - `safer user add|join|role|leave|reset|disable|sign-out|list`:
 * the people of the
 * workspace (account.h, docs/workspace.md), as the operator of the
 * machine. No password passes through the command line: add and reset
 * print a one-time link where the person chooses one.
 */
#include "util/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "safer/account.h"
#include "safer/store.h"

/* Where links point when the store has no `public_url` setting. */
#define DEFAULT_BASE "http://127.0.0.1:8080"

enum { A_EMAIL, A_NAME, A_ORG, A_ROLE, A_PARTNERSHIP };
static const struct cli_opt add_opts[] = {
    [A_EMAIL] = {"email", "EMAIL", "the person's e-mail address: how they sign in"},
    [A_NAME] = {"name", "NAME", "their name, as others see it"},
    [A_ORG] = {"org", "ORG", "the organisation they work for (added when new)"},
    [A_ROLE] = {"role", "ROLE", "member, executive, practitioner, analyst, coordinator or\n"
                                "administrator (docs/workspace.md says what each may do)"},
    [A_PARTNERSHIP] = {"partnership", "CODE", "the partnership's code (default: the store's only\n"
                                              "one)"},
    {NULL, NULL, NULL},
};
static const struct cli_spec add_spec = {
    "usage: safer [--db PATH|URL] user add --email EMAIL --name NAME --org ORG --role ROLE\n"
    "                                       [--partnership CODE]\n",
    "Adds a person to a partnership's workspace and prints a one-time set-up\n"
    "link (valid for 72 hours) where they choose their password; an\n"
    "administrator also enrols an authenticator app there. Links start with\n"
    "the store's setting public_url, else " DEFAULT_BASE ".\n",
    add_opts, 0, 0, 0, NULL};

enum { E_EMAIL, E_ENABLE };
static const struct cli_opt email_opts[] = {
    [E_EMAIL] = {"email", "EMAIL", "the person's e-mail address"},
    {NULL, NULL, NULL},
};
static const struct cli_spec reset_spec = {
    "usage: safer [--db PATH|URL] user reset --email EMAIL\n",
    "Prints a new one-time link (valid for 72 hours) where the person chooses\n"
    "a new password; their earlier links stop working, and choosing the\n"
    "password ends their sessions.\n",
    email_opts, 0, 0, 0, NULL};

static const struct cli_opt disable_opts[] = {
    [E_EMAIL] = {"email", "EMAIL", "the person's e-mail address"},
    [E_ENABLE] = {"enable", NULL, "enable them again instead"},
    {NULL, NULL, NULL},
};
static const struct cli_spec disable_spec = {
    "usage: safer [--db PATH|URL] user disable --email EMAIL [--enable]\n",
    "Disables a person: every session of theirs ends at once and they cannot\n"
    "sign in. Their name stays on what they wrote and in the audit log.\n",
    disable_opts, 0, 0, 0, NULL};

static const struct cli_spec signout_spec = {
    "usage: safer [--db PATH|URL] user sign-out --email EMAIL\n",
    "Ends every session of a person at once (a lost laptop, a shared\n"
    "screen): they stay enabled and may sign in again.\n",
    email_opts, 0, 0, 0, NULL};

/* Memberships (area: accounts). */
enum { M_EMAIL, M_ROLE, M_PARTNERSHIP };
static const struct cli_opt member_opts[] = {
    [M_EMAIL] = {"email", "EMAIL", "the person's e-mail address"},
    [M_ROLE] = {"role", "ROLE", "member, executive, practitioner, analyst, coordinator or\n"
                                "administrator"},
    [M_PARTNERSHIP] = {"partnership", "CODE", "the partnership's code (default: the store's only\n"
                                              "one)"},
    {NULL, NULL, NULL},
};
static const struct cli_spec join_spec = {
    "usage: safer [--db PATH|URL] user join --email EMAIL --role ROLE --partnership CODE\n",
    "Adds a person who is already in one partnership to another, with a role\n"
    "there (a county's server for all its districts). They sign in with the\n"
    "password they have, and choose the partnership in the workspace.\n",
    member_opts, 0, 0, 0, NULL};
static const struct cli_spec role_spec = {
    "usage: safer [--db PATH|URL] user role --email EMAIL --role ROLE [--partnership CODE]\n",
    "Changes a person's role in a partnership. It counts at once, for the\n"
    "sessions they have too. Made an administrator without an authenticator\n"
    "app, they get a reset link to enrol one (printed), and their sessions end.\n",
    member_opts, 0, 0, 0, NULL};
enum { L_EMAIL, L_PARTNERSHIP };
static const struct cli_opt leave_opts[] = {
    [L_EMAIL] = {"email", "EMAIL", "the person's e-mail address"},
    [L_PARTNERSHIP] = {"partnership", "CODE", "the partnership's code (default: the store's only\n"
                                              "one)"},
    {NULL, NULL, NULL},
};
static const struct cli_spec leave_spec = {
    "usage: safer [--db PATH|URL] user leave --email EMAIL [--partnership CODE]\n",
    "Takes a person out of one of their partnerships: their sessions in it\n"
    "end. Their only partnership cannot be left: disable them instead.\n",
    leave_opts, 0, 0, 0, NULL};

static const struct cli_opt no_opts[] = {{NULL, NULL, NULL}};
static const struct cli_spec list_spec = {
    "usage: safer [--db PATH|URL] user list\n",
    "Lists the people of every partnership in the store: e-mail, name,\n"
    "organisation, partnership, role, and whether they are set up or disabled.\n",
    no_opts, 0, 0, 0, NULL};

/* A role a person may hold, or a usage error listing them. */
static int parse_role(const struct cli_spec *sp, const char *name, enum safer_role *out)
{
    if (safer_role_parse(name, out, NULL) == 0)
        return -1;
    char list[256] = "";
    size_t n = 0;
    for (int r = SAFER_ROLE_PUBLIC; r < SAFER_ROLE_COUNT && n < sizeof(list); r++)
        n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", r > SAFER_ROLE_PUBLIC ? ", " : "",
                              safer_role_name((enum safer_role)r));
    return cli_usage_error(sp, "unknown role '%s' (a person's role is one of: %s)", name, list);
}

/* Print "WHAT link: BASE/account/setup?token=TOKEN". */
static int print_link(struct safer_store *st, const char *what, const char *token)
{
    char *base = NULL;
    struct safer_err err = {0};
    int rc = safer_store_get_meta(st, "public_url", &base, &err);
    if (rc < 0)
        return cli_fail(&err, rc);
    const char *b = base && *base ? base : DEFAULT_BASE;
    size_t n = strlen(b);
    while (n > 0 && b[n - 1] == '/')
        n--;
    printf("%s link: %.*s/account/setup?token=%s\n", what, (int)n, b, token);
    free(base);
    return EXIT_OK;
}

static int run(const struct cli_spec *sp, int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(sp, argc, argv, &args);
    if (status >= 0)
        return status;
    enum safer_role role = SAFER_ROLE_PUBLIC;
    if (sp == &add_spec) {
        static const char *const need[] = {"--email", "--name", "--org", "--role"};
        for (int k = 0; k < 4; k++) {
            if (!args.val[k] || !*args.val[k])
                return cli_usage_error(sp, "user add needs %s", need[k]);
        }
        status = parse_role(sp, args.val[A_ROLE], &role);
        if (status >= 0)
            return status;
    } else if (sp != &list_spec && (!args.val[E_EMAIL] || !*args.val[E_EMAIL])) {
        return cli_usage_error(sp, "user %s needs --email", argv[0]);
    }
    struct safer_store *st = cli_open_store(CLI_STORE_EXISTING);
    if (!st)
        return EXIT_FAILED;
    struct safer_actor op;
    safer_actor_operator(&op);
    struct safer_err err = {0};
    int64_t now = (int64_t)time(NULL);
    char token[SAFER_TOKEN_SIZE];
    int rc = safer_auth_init(&err);
    if (rc < 0) {
        status = cli_fail(&err, rc);
    } else if (sp == &add_spec) {
        const char *code = args.val[A_PARTNERSHIP];
        rc = safer_user_add(st, &op, args.val[A_EMAIL], args.val[A_NAME], args.val[A_ORG], code,
                            role, now, token, &err);
        if (rc == SAFER_EINVAL && !(code && *code) && strstr(err.msg, "partnerships ("))
            fputs("safer: choose one with --partnership CODE\n", stderr);
        bool taken = rc == SAFER_EINVAL && strstr(err.msg, "someone's e-mail already");
        status = rc < 0 ? cli_fail(&err, rc) : print_link(st, "set-up", token);
        if (taken)
            fputs("safer: to add them to another partnership: safer user join\n", stderr);
    } else if (sp == &reset_spec) {
        rc = safer_user_reset(st, &op, args.val[E_EMAIL], now, token, &err);
        status = rc < 0 ? cli_fail(&err, rc) : print_link(st, "reset", token);
    } else if (sp == &signout_spec) {
        size_t n = 0;
        rc = safer_user_end_sessions(st, &op, args.val[E_EMAIL], now, &n, &err);
        if (rc == 0)
            printf("ended %zu session%s of %s\n", n, n == 1 ? "" : "s", args.val[E_EMAIL]);
        status = rc < 0 ? cli_fail(&err, rc) : EXIT_OK;
    } else if (sp == &disable_spec) {
        bool enable = args.val[E_ENABLE] != NULL;
        rc = safer_user_disable(st, &op, args.val[E_EMAIL], enable, now, &err);
        if (rc == 0)
            printf("%s %s\n", enable ? "enabled" : "disabled (their sessions ended)",
                   args.val[E_EMAIL]);
        status = rc < 0 ? cli_fail(&err, rc) : EXIT_OK;
    } else {
        struct safer_person *p = NULL;
        size_t n = 0;
        rc = safer_people_list(st, &op, &p, &n, &err);
        for (size_t i = 0; rc == 0 && i < n; i++)
            printf("%s\t%s\t%s\t%s\t%s\t%s\n", p[i].email, p[i].name, p[i].org, p[i].partnership,
                   safer_role_name(p[i].role), p[i].disabled ? "disabled"
                                               : p[i].set_up ? "set up"
                                                             : "not set up");
        if (rc == 0 && n == 0)
            fputs("no people yet (add them with: safer user add)\n", stderr);
        free(p);
        status = rc < 0 ? cli_fail(&err, rc) : EXIT_OK;
    }
    explicit_bzero(token, sizeof(token));
    safer_store_close(st);
    return status;
}

/* join, role and leave: a person's memberships (area: accounts). */
static int run_member(const struct cli_spec *sp, int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(sp, argc, argv, &args);
    if (status >= 0)
        return status;
    bool leave = sp == &leave_spec;
    const char *email = args.val[leave ? L_EMAIL : M_EMAIL];
    const char *code = args.val[leave ? L_PARTNERSHIP : M_PARTNERSHIP];
    enum safer_role role = SAFER_ROLE_PUBLIC;
    if (!email || !*email)
        return cli_usage_error(sp, "user %s needs --email", argv[0]);
    if (!leave && (!args.val[M_ROLE] || !*args.val[M_ROLE]))
        return cli_usage_error(sp, "user %s needs --role", argv[0]);
    if (sp == &join_spec && (!code || !*code))
        return cli_usage_error(sp, "user join needs --partnership");
    if (!leave) {
        status = parse_role(sp, args.val[M_ROLE], &role);
        if (status >= 0)
            return status;
    }
    struct safer_store *st = cli_open_store(CLI_STORE_EXISTING);
    if (!st)
        return EXIT_FAILED;
    struct safer_actor op;
    safer_actor_operator(&op);
    struct safer_err err = {0};
    int64_t now = (int64_t)time(NULL);
    char token[SAFER_TOKEN_SIZE] = "";
    int rc;
    if (leave)
        rc = safer_user_leave(st, &op, email, code, now, &err);
    else if (sp == &join_spec)
        rc = safer_user_join(st, &op, email, code, role, now, token, &err);
    else
        rc = safer_user_role(st, &op, email, code, role, now, token, &err);
    if (rc == SAFER_EINVAL && !(code && *code) && strstr(err.msg, "partnerships ("))
        fputs("safer: choose one with --partnership CODE\n", stderr);
    if (rc < 0) {
        status = cli_fail(&err, rc);
    } else {
        if (leave)
            printf("%s left %s (their sessions there ended)\n", email,
                   code && *code ? code : "the partnership");
        else
            printf("%s is %s in %s\n", email, safer_role_name(role),
                   code && *code ? code : "the partnership");
        status = EXIT_OK;
        if (token[0]) {
            puts("as an administrator they sign in with an authenticator app: their sessions "
                 "ended, and this link enrols one");
            status = print_link(st, "reset", token);
        }
    }
    explicit_bzero(token, sizeof(token));
    safer_store_close(st);
    return status;
}

static const struct cli_kind kinds[] = {
    {"add", &add_spec, run},
    {"join", &join_spec, run_member},
    {"role", &role_spec, run_member},
    {"leave", &leave_spec, run_member},
    {"reset", &reset_spec, run},
    {"disable", &disable_spec, run},
    {"sign-out", &signout_spec, run},
    {"list", &list_spec, run},
};

int cmd_user(int argc, char **argv)
{
    return cli_run_kind("user", kinds, sizeof(kinds) / sizeof(kinds[0]), argc, argv);
}
