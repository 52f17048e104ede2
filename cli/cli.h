/*
 * cli.h - what the subcommands of the `safer` command share.
 */
#ifndef SAFER_CLI_H
#define SAFER_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "opt.h"
#include "safer/error.h"

struct safer_assessment;
struct safer_store;

/* Exit statuses. */
#define EXIT_OK 0
#define EXIT_FAILED 1
#define EXIT_USAGE 2

/* The store path: --db, else $SAFER_DB, else ./safer.db. */
extern const char *cli_db_path;

/* Open the store or print why not; returns NULL on failure. A command that
 * only reads opens an existing store: a mistyped path makes no new one. */
enum cli_store { CLI_STORE_CREATE, CLI_STORE_EXISTING };
struct safer_store *cli_open_store(enum cli_store how);

/* Print "safer: <message>" for a failed library call; returns EXIT_FAILED. */
int cli_fail(const struct safer_err *err, int rc);

/* The partnership of `code`, or with NULL the store's only one (else
 * an error saying to name one with --partnership), and in *op the
 * operator acting in it. Strings in `arena`. */
struct safer_actor;
struct safer_arena;
struct safer_partnership;
int cli_find_partnership(struct safer_store *st, const char *code, struct safer_arena *arena,
                         struct safer_partnership *p, struct safer_actor *op,
                         struct safer_err *err);

/* Parse "YYYY-MM" into a month index, or -1. */
int cli_parse_month(const char *s);

/* The window of --from and --to (each NULL when not given): set *first and
 * *last to the months given, leaving the others as they are, and return
 * 0; or print the usage error (a month not YYYY-MM, from after to) and
 * return its exit status. */
int cli_parse_window(const struct cli_spec *spec, const char *from, const char *to,
                     int32_t *first, int32_t *last);

/* Print the summary of an assessment written into folder `out`. */
void cli_print_assessed(const struct safer_assessment *a, const char *out);

int cmd_import(int argc, char **argv);
int cmd_assess(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_store(int argc, char **argv);
int cmd_publish(int argc, char **argv);
int cmd_published(int argc, char **argv);
int cmd_serve(int argc, char **argv);

/* Serve store `db` as `safer serve` does (listen: "HOST:PORT" or NULL for
 * 127.0.0.1:8080) until SIGTERM or SIGINT; the exit status. */
int cli_serve(const char *db, const char *listen, bool behind_proxy, unsigned threads,
              const char *clock_file);
int cmd_user(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_digest(int argc, char **argv);
int cmd_template(int argc, char **argv);
/* packs (pack.h) */
int cmd_pack(int argc, char **argv);
/* near repeats (nearrepeat.h) */
int cmd_nearrepeat(int argc, char **argv);
/* ward clusters (clusters.h) */
int cmd_clusters(int argc, char **argv);
/* `safer pack clusters`: the ward-cluster members' packs */
int cli_pack_clusters(int argc, char **argv);
/* projects (project.h) */
int cmd_project(int argc, char **argv);
/* focus areas (profile.h) */
int cmd_focus(int argc, char **argv);
int cmd_hotspots(int argc, char **argv);
/* surveys (survey.h) */
extern const struct cli_spec cli_survey_import_spec;
int cli_import_survey(const struct cli_spec *spec, int argc, char **argv);
int cmd_survey(int argc, char **argv);
/* cli: surveys */
/* service usage and pop-up sites (visits.h) */
struct cli_spec;
extern const struct cli_spec cli_visits_import_spec, cli_venues_import_spec;
int cli_import_visits(const struct cli_spec *spec, int argc, char **argv);
int cli_import_venues(const struct cli_spec *spec, int argc, char **argv);
int cmd_visits(int argc, char **argv);
/* cli: visits */
/* partner agencies' data (partner.h): `safer import partner`, `safer partner` */
extern const struct cli_spec cli_partner_import_spec;
int cli_import_partner(const struct cli_spec *spec, int argc, char **argv);
int cmd_partner(int argc, char **argv);
/* `safer pack data-share`: the quarterly data-share pack */
int cli_pack_datashare(int argc, char **argv);
/* cli: partner */

#endif
