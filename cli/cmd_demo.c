/*
 * cmd_demo.c - `safer demo [--out DIR]`: the main job (safer/demo.h). It
 * builds a synthetic partnership from nothing into DIR, never ./safer.db.
 */
#include "util/compat.h"

#include <stdio.h>

#include "cli.h"
#include "safer/lib.h"
#include "safer/assess.h"
#include "safer/auth.h"
#include "safer/demo.h"

enum { O_OUT, O_STORE, O_SERVE, O_LISTEN };
static const struct cli_opt opts[] = {
    [O_OUT] = {"out", "DIR", "folder to write (default ./demo): new, empty, or written by\n"
                             "safer before"},
    [O_STORE] = {"store", "PATH|URL",
                 "build the demo's store there instead of DIR/demo.db: a\n"
                 "postgresql:// URL (or a SQLite file) holding nothing yet"},
    [O_SERVE] = {"serve", NULL, "then serve its workspace (as safer serve) until SIGTERM"},
    [O_LISTEN] = {"listen", "HOST:PORT", "with --serve: where (default 127.0.0.1:8080)"},
    {NULL, NULL, NULL},
};
static const struct cli_spec spec = {
    "usage: safer demo [--out DIR] [--store PATH|URL] [--serve [--listen HOST:PORT]]\n",
    "Builds the demo partnership from nothing: a synthetic borough of 26 wards\n"
    "placed in Kent with 36 months of police.uk-format records (trends,\n"
    "hotspots, a partial month), lookups and a population, imports it through\n"
    "the real importers into DIR/demo.db and writes the assessment into DIR,\n"
    "with the generated files in DIR/data. Needs no network and no files\n"
    "outside the program.\n"
    "\n"
    "DIR/demo.db is also the partnership's workspace: its partner\n"
    "organisations, the plan's actions under way, and one account a role\n"
    "(the public's sees what anyone not signed in sees), printed last as\n"
    "'login: EMAIL PASSWORD ROLE' (new passwords each run).\n"
    "The demo administrator's second factor is waived, in the demo database\n"
    "only.\n",
    opts, 0, 0, 0, NULL};

static void on_progress(void *ctx, const struct safer_demo_progress *p)
{
    const char *dir = ctx;
    switch (p->step) {
    case SAFER_DEMO_GENERATED:
        printf("generated a synthetic borough in %s/data/\n", dir);
        break;
    case SAFER_DEMO_WARDS:
        printf("imported %zu wards\n", p->wards);
        break;
    case SAFER_DEMO_TABLES:
        printf("imported the lookups, and the population and deprivation of %zu LSOAs\n",
               p->lsoas);
        break;
    case SAFER_DEMO_POLICE:
        printf("imported %llu police.uk files: %llu rows, %llu rejected\n",
               (unsigned long long)p->police.files, (unsigned long long)p->police.rows_imported,
               (unsigned long long)p->police.rows_rejected);
        break;
    }
}

int cmd_demo(int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(&spec, argc, argv, &args);
    if (status >= 0)
        return status;
    const char *dir = args.val[O_OUT] ? args.val[O_OUT] : "demo";
    if (args.val[O_LISTEN] && !args.val[O_SERVE])
        return cli_usage_error(&spec, "--listen goes with --serve");
    struct safer_demo_login logins[SAFER_DEMO_LOGINS];
    struct safer_demo_opts o = {safer_cores(), on_progress, (void *)dir, logins,
                                args.val[O_STORE]};
    struct safer_assessment a;
    struct safer_err err = {0};
    int rc = safer_demo_run(dir, &o, &a, &err);
    if (rc < 0)
        return cli_fail(&err, rc);
    cli_print_assessed(&a, dir);
    safer_assessment_release(&a);
    /* The demo's accounts, to sign in to `safer serve --db DIR/demo.db`. */
    for (size_t i = 0; i < SAFER_DEMO_LOGINS; i++)
        printf("login: %s %s %s\n", logins[i].email, logins[i].password,
               safer_role_name(logins[i].role));
    printf("the demo administrator's second factor is waived: demo database only\n");
    if (!args.val[O_SERVE])
        return EXIT_OK;
    char db[4096];
    if (args.val[O_STORE])
        snprintf(db, sizeof(db), "%s", args.val[O_STORE]);
    else if ((size_t)snprintf(db, sizeof(db), "%s/demo.db", dir) >= sizeof(db))
        return cli_usage_error(&spec, "--out DIR is too long");
    fflush(stdout);
    return cli_serve(db, args.val[O_LISTEN], false, 0, NULL);
}
