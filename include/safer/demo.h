/*
 * demo.h - the demo partnership, built from nothing.
 *
 * A synthetic borough (26 wards placed in Kent, 36 months and 60,000
 * police.uk-format records with trends, hotspots and a partial month, the
 * lookups, a population and deprivation; see synth.h) is generated, imported
 * through the real importers into a store of its own and assessed for the
 * Safer Maidstone Partnership's plan. Everything lands in one output folder
 * DIR, put in place as a unit (output.h):
 *
 *   DIR/data/      the generated input files
 *   DIR/demo.db    the store (never the caller's), rebuilt every run
 *   DIR/index.html and the CSV files of the assessment (docs/assessment.md)
 *
 * The same call always gives the same data, report and CSV files.
 *
 * The store is also a workspace to try `safer serve` on: the partner
 * organisations the plan names, one account a role (but the public, which
 * is anyone not signed in) with a random password
 * (set up through its link, as a person would), and the plan's actions with
 * leads, due dates around today (some overdue) and dated updates; the
 * demo practitioner leads some. The demo administrator's second factor is
 * enrolled, but sign-in to the demo store waives it (the store's meta
 * `demo_waive_totp` is 1): the demo database only, never a real one.
 * Passwords and the workspace's dates differ from run to run; the
 * assessment does not read them.
 */
#ifndef SAFER_DEMO_H
#define SAFER_DEMO_H

#include <stddef.h>

#include "safer/auth.h"
#include "safer/error.h"
#include "safer/police.h"

struct safer_assessment;

/* The steps the demo reports as it goes, in this order. */
enum safer_demo_step {
    SAFER_DEMO_GENERATED, /* the input files are written */
    SAFER_DEMO_WARDS,     /* `wards` wards imported */
    SAFER_DEMO_TABLES,    /* the lookups, and population and deprivation of `lsoas` LSOAs */
    SAFER_DEMO_POLICE,    /* the police.uk files imported: `police` */
};

struct safer_demo_progress {
    enum safer_demo_step step;
    size_t wards;                     /* from SAFER_DEMO_WARDS on */
    size_t lsoas;                     /* from SAFER_DEMO_TABLES on */
    struct safer_import_stats police; /* at SAFER_DEMO_POLICE */
};

/* One demo account a role, administrator to the public (the
 * public is anyone not signed in; its account sees what they see). */
#define SAFER_DEMO_LOGINS 7
struct safer_demo_login {
    char email[64];    /* "practitioner@demo.example": no spaces */
    char password[64]; /* random, no spaces, passes safer_password_policy() */
    enum safer_role role;
};

struct safer_demo_opts {
    unsigned threads; /* given to the police.uk import (its parsing threads,
                         safer_import_opts) and to the assessment (its thread
                         budget, safer_assess_opts); 0 uses the calling
                         thread only */
    /* Called on the calling thread after each step; may be NULL. */
    void (*progress)(void *ctx, const struct safer_demo_progress *p);
    void *ctx;
    /* OUT, may be NULL: SAFER_DEMO_LOGINS entries, the demo's accounts in
     * safer_role order from administrator down, filled on success. */
    struct safer_demo_login *logins;
    /* The store to build the demo in, or NULL for DIR/demo.db: a
     * PostgreSQL URL (or a SQLite path) of a store that holds nothing yet
     * (no partnership and no police.uk records: SAFER_EINVAL otherwise,
     * before anything is written), so that the demo never overwrites a
     * partnership's data. */
    const char *store;
};

/*
 * Build the demo into folder `dir`, which must be new, empty or written by
 * safer (see safer_output_init_dir(): an earlier demo's store is replaced).
 * On success *a holds the assessment, for the caller's summary; release it
 * with safer_assessment_release(). On failure *a is empty, `dir` is as it
 * was, and the error names the step's file or the folder.
 */
int safer_demo_run(const char *dir, const struct safer_demo_opts *opts, struct safer_assessment *a,
                   struct safer_err *err);

#endif
