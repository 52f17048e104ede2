/*
 * cmd_import.c - `safer import police|areas|lookup|population|deprivation|plan`,
 * `safer import harm-weights`,
 * and `safer import actions|indicators` (the CSV templates, docs/exchange.md).
 */
#include "util/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "safer/place.h"
#include "safer/lib.h"
#include "safer/area.h"
#include "safer/exchange.h"
#include "safer/harm.h"
#include "safer/partnership.h"
#include "safer/lookup.h"
#include "safer/plan.h"
#include "safer/police.h"
#include "safer/store.h"

#define ONE_TRANSACTION "Every import is one transaction: a failed import changes nothing.\n"

enum { P_STRICT };
static const struct cli_opt police_opts[] = {
    [P_STRICT] = {"strict", NULL, "fail the whole import at the first rejected row"},
    {NULL, NULL, NULL},
};
static const struct cli_spec police_spec = {
    "usage: safer [--db PATH] import police [--strict] PATH...\n",
    "police.uk street-level and outcomes CSV files, or folders searched for\n"
    "*.csv (stop-and-search files are skipped with a note). A file replaces the\n"
    "stored rows of its force and month; a byte-identical file changes nothing.\n"
    "Rows of another force or month than most of the file's, and malformed\n"
    "rows, are rejected and listed as FILE:LINE: reason.\n" ONE_TRANSACTION,
    police_opts, 0, 1, -1, "import police needs at least one file or folder"};

enum { A_LEVEL, A_CODE, A_NAME, A_REPLACE };
static const struct cli_opt areas_opts[] = {
    [A_LEVEL] = {"level", "L", "what the areas are (default ward)"},
    [A_CODE] = {"code-field", "F", "property holding the code (default: the ONS ..NNCD one)"},
    [A_NAME] = {"name-field", "F", "property holding the name (default: the matching ..NNNM)"},
    [A_REPLACE] = {"replace-level", NULL, "remove every stored area of this level first"},
    {NULL, NULL, NULL},
};
static const struct cli_spec areas_spec = {
    "usage: safer [--db PATH] import areas PATH.geojson [--level L] [--code-field F]\n"
    "                                      [--name-field F] [--replace-level]\n",
    "A GeoJSON FeatureCollection of Polygon/MultiPolygon in lon/lat.\n" ONE_TRANSACTION,
    areas_opts, 0, 1, 1, "import areas needs exactly one GeoJSON file"};

static const struct cli_opt no_opts[] = {{NULL, NULL, NULL}};
static const struct cli_spec lookup_spec = {
    "usage: safer [--db PATH] import lookup PATH.csv\n",
    "An ONS lookup: LSOA to ward (to district), ward to district, or district\n"
    "to Community Safety Partnership.\n" ONE_TRANSACTION,
    no_opts, 0, 1, 1, "import lookup needs exactly one CSV file"};
static const struct cli_spec population_spec = {
    "usage: safer [--db PATH] import population PATH.csv\n",
    "Population by LSOA or ward (e.g. the IoD2019 denominators). An ONS\n"
    "mid-year estimate by single year of age (columns F0..F90, M0..M90) is\n"
    "kept by age and sex too, to weight residents' surveys to.\n" ONE_TRANSACTION, no_opts, 0,
    1, 1, "import population needs exactly one CSV file"};
static const struct cli_spec deprivation_spec = {
    "usage: safer [--db PATH] import deprivation PATH.csv\n",
    "IMD rank and decile by LSOA (IoD2019 File 1), or with the rank and decile\n"
    "of each domain of deprivation (IoD2019 File 2, recognised by its header).\n" ONE_TRANSACTION, no_opts, 0, 1, 1,
    "import deprivation needs exactly one CSV file"};

static const struct cli_spec plan_spec = {
    "usage: safer [--db PATH] import plan PLAN.json\n",
    "A Community Safety Partnership's plan (format in docs/plan.md): the\n"
    "partnership and its districts, its priorities and the police.uk categories\n"
    "that inform each, its groups and their remits, the weights of the\n"
    "assessment's scoring of candidate priorities, its peers and its groups'\n"
    "actions. It replaces everything stored for that partnership but the\n"
    "actions: those the partnership does not have yet are added, and the\n"
    "others are left as its workspace keeps them. The assessment of its area\n"
    "then reports on it.\n" ONE_TRANSACTION,
    no_opts, 0, 1, 1, "import plan needs exactly one JSON file"};

static const struct cli_spec harm_spec = {
    "usage: safer [--db PATH] import harm-weights FILE.csv\n",
    "The partnership's own harm weights (docs/statistics.md, Harm): a CSV file\n"
    "with columns crime_type, weight and source, one row per police.uk category\n"
    "it weights. They replace the built-in default of those categories, and\n"
    "every weight imported before; the other categories keep the default. A\n"
    "mistake is reported as FILE:LINE: column: what is wrong.\n" ONE_TRANSACTION,
    no_opts, 0, 1, 1, "import harm-weights needs exactly one CSV file"};

static const struct cli_spec postcodes_spec = {
    "usage: safer [--db PATH] import postcodes ONSPD.csv\n",
    "The ONS Postcode Directory (ONSPD) as ONS publishes it, whole or any extract\n"
    "with its header: columns pcds (or pcd), doterm, osward, lsoa21 (or lsoa11),\n"
    "oseast1m, osnrth1m, lat and long are read; the others are left. Each\n"
    "postcode is stored with its ward, LSOA and grid reference, replacing the one\n"
    "held; surveys, visits and partner data then place a postcode by it. A\n"
    "mistake is reported as FILE:LINE: column: what is wrong.\n" ONE_TRANSACTION,
    no_opts, 0, 1, 1, "import postcodes needs exactly one CSV file"};

/* Every import is one transaction: say so when one fails. */
static int import_failed(const struct safer_err *err, int rc)
{
    cli_fail(err, rc);
    fprintf(stderr, "safer: nothing was imported\n");
    return EXIT_FAILED;
}

struct progress {
    int tty;
    struct timespec start;
    int shown;
    int nrejects;
};

static double elapsed(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void on_progress(void *ctx, uint64_t rows, uint64_t bytes)
{
    struct progress *p = ctx;
    (void)bytes;
    if (!p->tty)
        return;
    double s = elapsed(&p->start);
    if (s < 0.5)
        return;
    fprintf(stderr, "\r%llu rows, %.0f rows/s ", (unsigned long long)rows, rows / (s > 0 ? s : 1));
    p->shown = 1;
}

static void on_reject(void *ctx, const char *msg)
{
    struct progress *p = ctx;
    if (p->shown) {
        fputs("\r\033[K", stderr);
        p->shown = 0;
    }
    p->nrejects++;
    fprintf(stderr, "safer: rejected: %s\n", msg);
}

static void on_notice(void *ctx, const char *msg)
{
    struct progress *p = ctx;
    if (p->shown) {
        fputs("\r\033[K", stderr);
        p->shown = 0;
    }
    fprintf(stderr, "safer: note: %s\n", msg);
}

static int import_police(const struct cli_spec *spec, int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(spec, argc, argv, &args);
    if (status >= 0)
        return status;
    unsigned flags = args.val[P_STRICT] ? SAFER_IMPORT_STRICT : 0;
    struct safer_store *st = cli_open_store(CLI_STORE_CREATE);
    if (!st)
        return EXIT_FAILED;
    struct progress prog = {isatty(2), {0, 0}, 0, 0};
    clock_gettime(CLOCK_MONOTONIC, &prog.start);
    struct safer_import_opts opts = {.flags = flags, .threads = safer_cores(),
                                     .progress = on_progress, .reject = on_reject,
                                     .notice = on_notice, .ctx = &prog};
    struct safer_import_stats s;
    struct safer_err err = {0};
    int rc = safer_police_import(st, (const char *const *)args.args, (size_t)args.nargs, &opts, &s,
                                 &err);
    if (prog.shown)
        fputs("\r\033[K", stderr);
    safer_store_close(st);
    if (rc < 0)
        return import_failed(&err, rc);
    char outcomes[48] = "";
    if (s.files_outcomes)
        snprintf(outcomes, sizeof(outcomes), ", %llu of outcomes",
                 (unsigned long long)s.files_outcomes);
    printf("imported %llu files%s (%llu unchanged, %llu skipped): %llu rows read, %llu imported, "
           "%llu rejected, %llu replaced in %.2f s\n",
           (unsigned long long)s.files, outcomes, (unsigned long long)s.files_unchanged,
           (unsigned long long)s.files_skipped, (unsigned long long)s.rows_read,
           (unsigned long long)s.rows_imported,
           (unsigned long long)s.rows_rejected, (unsigned long long)s.rows_replaced,
           elapsed(&prog.start));
    return EXIT_OK;
}

static int import_areas(const struct cli_spec *spec, int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(spec, argc, argv, &args);
    if (status >= 0)
        return status;
    struct safer_areas_opts o = {args.val[A_LEVEL] ? args.val[A_LEVEL] : "ward",
                                 args.val[A_CODE], args.val[A_NAME], args.val[A_REPLACE] != NULL};
    const char *path = args.args[0];
    struct safer_store *st = cli_open_store(CLI_STORE_CREATE);
    if (!st)
        return EXIT_FAILED;
    struct safer_areas_stats s;
    struct safer_err err = {0};
    int rc = safer_areas_import(st, path, &o, &s, &err);
    safer_store_close(st);
    if (rc < 0)
        return import_failed(&err, rc);
    printf("imported %zu %s areas (%zu replaced, %zu positions) from %s; code '%s', name '%s'%s%s\n",
           s.features, o.level, s.replaced, s.points, path, s.code_field, s.name_field,
           s.district_field[0] ? ", district " : "", s.district_field);
    return EXIT_OK;
}

/* lookup, population, deprivation and plan: one file, no options. */
static int import_table(const struct cli_spec *spec, int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(spec, argc, argv, &args);
    if (status >= 0)
        return status;
    const char *path = args.args[0];
    struct safer_store *st = cli_open_store(CLI_STORE_CREATE);
    if (!st)
        return EXIT_FAILED;
    struct safer_err err = {0};
    int rc;
    if (spec == &deprivation_spec) {
        struct safer_deprivation_stats s;
        rc = safer_deprivation_import(st, path, &s, &err);
        if (rc == 0 && s.domains)
            printf("imported deprivation of %zu LSOAs from %s, with %d domains\n", s.rows, path,
                   s.domains);
        else if (rc == 0)
            printf("imported deprivation of %zu LSOAs from %s\n", s.rows, path);
    } else if (spec == &population_spec) {
        struct safer_population_stats s;
        rc = safer_population_import(st, path, &s, &err);
        if (rc == 0)
            printf("imported population of %zu %s areas (total %.0f) from %s; basis '%s'%s\n",
                   s.rows, s.level, s.total, path, s.basis,
                   s.by_age_sex ? "; by sex and single year of age" : "");
    } else if (spec == &plan_spec) {
        struct safer_plan_stats s;
        char *code = NULL;
        rc = safer_plan_import(st, path, &s, &code, &err);
        if (rc == 0) {
            printf("imported the plan of partnership %s from %s: %zu priorities, %zu groups",
                   code, path, s.priorities, s.groups);
            if (s.actions)
                printf(", %zu new action%s", s.actions, s.actions == 1 ? "" : "s");
            printf("%s\n", s.replaced ? " (its stored plan replaced)" : "");
        }
        free(code);
    } else if (spec == &harm_spec) {
        rc = safer_harm_import(st, path, &err);
        if (rc >= 0) {
            printf("imported harm weights of %d categor%s from %s; the other categories keep "
                   "the built-in default\n",
                   rc, rc == 1 ? "y" : "ies", path);
            rc = 0;
        }
    } else if (spec == &postcodes_spec) {
        struct safer_postcode_stats s;
        rc = safer_postcodes_import(st, path, &s, &err);
        if (rc == 0)
            printf("imported %zu postcodes (%zu replaced, %zu terminated) from %s; LSOAs from "
                   "column %s; %zu rows without a ward not stored\n",
                   s.rows, s.replaced, s.terminated, path, s.lsoa_column, s.skipped);
    } else {
        struct safer_lookup_stats s;
        rc = safer_lookup_import(st, path, &s, &err);
        if (rc == 0)
            printf("imported %zu %s lookup rows (%zu replaced) from %s\n", s.rows, s.kind,
                   s.replaced, path);
    }
    safer_store_close(st);
    if (rc < 0)
        return import_failed(&err, rc);
    return EXIT_OK;
}

/* ---- actions and indicators from the CSV templates (docs/exchange.md) ---- */

enum { R_PARTNERSHIP, R_DRY_RUN };
static const struct cli_opt records_opts[] = {
    [R_PARTNERSHIP] = {"partnership", "CODE", "the partnership (default: the store's only one)"},
    [R_DRY_RUN] = {"dry-run", NULL, "check every row and say what would change; change nothing"},
    {NULL, NULL, NULL},
};
static const struct cli_spec actions_spec = {
    "usage: safer [--db PATH|URL] import actions FILE.csv [--partnership CODE] [--dry-run]\n",
    "A CSV file of the partnership's actions, in the template's columns\n"
    "('safer template actions' prints it; docs/exchange.md).\n"
    "A row whose key matches one of the partnership's actions changes it; any\n"
    "other row adds one. Every row is checked first; any mistake is listed as\n"
    "FILE:LINE: column: what is wrong, and then nothing at all is imported.\n" ONE_TRANSACTION,
    records_opts, 0, 1, 1, "import actions needs exactly one CSV file"};
static const struct cli_spec indicators_spec = {
    "usage: safer [--db PATH|URL] import indicators FILE.csv [--partnership CODE] [--dry-run]\n",
    "A CSV file of the partnership's indicators, in the template's columns\n"
    "('safer template indicators' prints it; docs/exchange.md). A row whose key\n"
    "matches one of the partnership's indicators changes it; any other row adds\n"
    "one. Every row is checked first; any mistake is listed as\n"
    "FILE:LINE: column: what is wrong, and then nothing at all is imported.\n" ONE_TRANSACTION,
    records_opts, 0, 1, 1, "import indicators needs exactly one CSV file"};

static void on_mistake(void *ctx, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "%s\n", msg);
}

static int import_records(const struct cli_spec *spec, int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(spec, argc, argv, &args);
    if (status >= 0)
        return status;
    bool actions = spec == &actions_spec;
    bool dry = args.val[R_DRY_RUN] != NULL;
    const char *path = args.args[0];
    struct safer_store *st = cli_open_store(CLI_STORE_EXISTING);
    if (!st)
        return EXIT_FAILED;
    struct safer_err err = {0};
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_partnership p;
    struct safer_exchange_stats s;
    memset(&s, 0, sizeof(s));
    struct safer_actor op;
    int rc = cli_find_partnership(st, args.val[R_PARTNERSHIP], &arena, &p, &op, &err);
    if (rc == 0)
        rc = safer_exchange_import(st, &op, actions ? SAFER_EXCHANGE_ACTIONS
                                                    : SAFER_EXCHANGE_INDICATORS,
                                   path, dry ? SAFER_EXCHANGE_DRY_RUN : 0, (int64_t)time(NULL),
                                   &s, on_mistake, NULL, &err);
    safer_store_close(st);
    const char *what = actions ? "actions" : "indicators";
    if (rc < 0) {
        safer_arena_release(&arena);
        cli_fail(&err, rc);
        if (s.rows)
            fprintf(stderr, "safer: %zu rows read, %zu rejected (%zu mistake%s): no %s were "
                            "imported\n",
                    s.rows, s.rejected, s.mistakes, s.mistakes == 1 ? "" : "s", what);
        else
            fprintf(stderr, "safer: nothing was imported\n");
        return EXIT_FAILED;
    }
    char empty[64] = "";
    if (s.empty)
        snprintf(empty, sizeof(empty), " (%zu empty row%s skipped)", s.empty,
                 s.empty == 1 ? "" : "s");
    printf("%s %s of partnership %s from %s: %zu rows%s, %zu added, %zu updated, %zu unchanged, "
           "%zu rejected%s\n",
           dry ? "checked" : "imported", what, p.code, path, s.rows, empty, s.added, s.updated,
           s.unchanged, s.rejected, dry ? " (a dry run: nothing was changed)" : "");
    safer_arena_release(&arena);
    return EXIT_OK;
}

static const struct cli_kind kinds[] = {
    {"police", &police_spec, import_police},
    {"areas", &areas_spec, import_areas},
    {"lookup", &lookup_spec, import_table},
    {"population", &population_spec, import_table},
    {"deprivation", &deprivation_spec, import_table},
    {"plan", &plan_spec, import_table},
    {"actions", &actions_spec, import_records},
    {"indicators", &indicators_spec, import_records},
    {"harm-weights", &harm_spec, import_table},
    {"postcodes", &postcodes_spec, import_table},
    {"survey", &cli_survey_import_spec, cli_import_survey},
    /* import: surveys */
    {"visits", &cli_visits_import_spec, cli_import_visits},
    {"venues", &cli_venues_import_spec, cli_import_venues},
    /* import: visits */
    {"partner", &cli_partner_import_spec, cli_import_partner},
    /* import: partner */
};

int cmd_import(int argc, char **argv)
{
    return cli_run_kind("import", kinds, sizeof(kinds) / sizeof(kinds[0]), argc, argv);
}
