/*
 * cmd_import.c - `safer import police|areas|lookup|population`.
 */
#include "util/compat.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "safer/lib.h"
#include "safer/area.h"
#include "safer/lookup.h"
#include "safer/police.h"
#include "safer/store.h"

static const char USAGE[] =
    "usage: safer [--db PATH] import police [--strict] PATH...\n"
    "       safer [--db PATH] import areas PATH.geojson [--level ward] [--code-field F]\n"
    "                                      [--name-field F] [--replace-level]\n"
    "       safer [--db PATH] import lookup PATH.csv\n"
    "       safer [--db PATH] import population PATH.csv\n"
    "       safer [--db PATH] import deprivation PATH.csv\n";

static const char HELP[] =
    "\n"
    "police      police.uk street-level and outcomes CSV files, or folders\n"
    "            searched for *.csv (stop-and-search files are skipped).\n"
    "            A file replaces the stored rows of its force and month; a\n"
    "            byte-identical file changes nothing. Rows of another force\n"
    "            or month than most of the file's, and malformed rows, are\n"
    "            rejected and listed as FILE:LINE: reason.\n"
    "  --strict  fail the whole import at the first rejected row\n"
    "areas       GeoJSON FeatureCollection of Polygon/MultiPolygon in lon/lat\n"
    "  --level L         what the areas are (default ward)\n"
    "  --code-field F    property holding the code (default: the ONS ..NNCD one)\n"
    "  --name-field F    property holding the name (default: the matching ..NNNM)\n"
    "  --replace-level   remove every stored area of this level first\n"
    "lookup      ONS lookup: LSOA to ward (to district), ward to district, or\n"
    "            district to Community Safety Partnership\n"
    "population  population by LSOA or ward (e.g. the IoD2019 denominators)\n"
    "deprivation IMD rank and decile by LSOA (IoD2019 File 1)\n"
    "\nEvery import is one transaction: a failed import changes nothing.\n";

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

static int import_police(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"strict", no_argument, NULL, 's'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    unsigned flags = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 's':
            flags |= SAFER_IMPORT_STRICT;
            break;
        case 'h':
            printf("%s%s", USAGE, HELP);
            return EXIT_OK;
        default:
            return cli_usage_error(USAGE, "bad option");
        }
    }
    if (optind >= argc)
        return cli_usage_error(USAGE, "import police needs at least one file or folder");
    struct safer_store *st = cli_open_store();
    if (!st)
        return EXIT_FAILED;
    struct progress prog = {isatty(2), {0, 0}, 0, 0};
    clock_gettime(CLOCK_MONOTONIC, &prog.start);
    struct safer_import_opts opts = {.flags = flags, .threads = safer_cores(),
                                     .progress = on_progress, .reject = on_reject,
                                     .notice = on_notice, .ctx = &prog};
    struct safer_import_stats s;
    struct safer_err err = {0};
    int rc = safer_police_import(st, (const char *const *)argv + optind, (size_t)(argc - optind),
                                 &opts, &s, &err);
    if (prog.shown)
        fputs("\r\033[K", stderr);
    safer_store_close(st);
    if (rc < 0) {
        cli_fail(&err, rc);
        fprintf(stderr, "safer: nothing was imported\n");
        return EXIT_FAILED;
    }
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

static int import_areas(int argc, char **argv)
{
    static const struct option longopts[] = {{"level", required_argument, NULL, 'l'},
                                              {"code-field", required_argument, NULL, 'c'},
                                              {"name-field", required_argument, NULL, 'n'},
                                              {"replace-level", no_argument, NULL, 'r'},
                                              {"help", no_argument, NULL, 'h'},
                                              {NULL, 0, NULL, 0}};
    struct safer_areas_opts o = {"ward", NULL, NULL, 0};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'l':
            o.level = optarg;
            break;
        case 'c':
            o.code_field = optarg;
            break;
        case 'n':
            o.name_field = optarg;
            break;
        case 'r':
            o.replace_level = 1;
            break;
        case 'h':
            printf("%s%s", USAGE, HELP);
            return EXIT_OK;
        default:
            return cli_usage_error(USAGE, "bad option");
        }
    }
    if (optind != argc - 1)
        return cli_usage_error(USAGE, "import areas needs exactly one GeoJSON file");
    struct safer_store *st = cli_open_store();
    if (!st)
        return EXIT_FAILED;
    struct safer_areas_stats s;
    struct safer_err err = {0};
    int rc = safer_areas_import(st, argv[optind], &o, &s, &err);
    safer_store_close(st);
    if (rc < 0) {
        cli_fail(&err, rc);
        fprintf(stderr, "safer: nothing was imported\n");
        return EXIT_FAILED;
    }
    printf("imported %zu %s areas (%zu replaced, %zu positions) from %s; code '%s', name '%s'%s%s\n",
           s.features, o.level, s.replaced, s.points, argv[optind], s.code_field, s.name_field,
           s.district_field[0] ? ", district " : "", s.district_field);
    return EXIT_OK;
}

enum simple_kind { KIND_LOOKUP, KIND_POPULATION, KIND_DEPRIVATION };

static int import_simple(int argc, char **argv, enum simple_kind kind)
{
    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        printf("%s%s", USAGE, HELP);
        return EXIT_OK;
    }
    if (argc != 2 || argv[1][0] == '-')
        return cli_usage_error(USAGE, "import %s needs exactly one CSV file", argv[0]);
    struct safer_store *st = cli_open_store();
    if (!st)
        return EXIT_FAILED;
    struct safer_err err = {0};
    int rc;
    if (kind == KIND_DEPRIVATION) {
        struct safer_deprivation_stats s;
        rc = safer_deprivation_import(st, argv[1], &s, &err);
        if (rc == 0)
            printf("imported deprivation of %zu LSOAs from %s\n", s.rows, argv[1]);
    } else if (kind == KIND_POPULATION) {
        struct safer_population_stats s;
        rc = safer_population_import(st, argv[1], &s, &err);
        if (rc == 0)
            printf("imported population of %zu %s areas (total %.0f) from %s; basis '%s'\n", s.rows,
                   s.level, s.total, argv[1], s.basis);
    } else {
        struct safer_lookup_stats s;
        rc = safer_lookup_import(st, argv[1], &s, &err);
        if (rc == 0)
            printf("imported %zu %s lookup rows (%zu replaced) from %s\n", s.rows, s.kind,
                   s.replaced, argv[1]);
    }
    safer_store_close(st);
    if (rc < 0) {
        cli_fail(&err, rc);
        fprintf(stderr, "safer: nothing was imported\n");
        return EXIT_FAILED;
    }
    return EXIT_OK;
}

int cmd_import(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error(USAGE, "import needs a kind: police, areas, lookup, population or "
                                      "deprivation");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        printf("%s%s", USAGE, HELP);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "police") == 0)
        return import_police(argc - 1, argv + 1);
    if (strcmp(argv[1], "areas") == 0)
        return import_areas(argc - 1, argv + 1);
    if (strcmp(argv[1], "lookup") == 0)
        return import_simple(argc - 1, argv + 1, KIND_LOOKUP);
    if (strcmp(argv[1], "population") == 0)
        return import_simple(argc - 1, argv + 1, KIND_POPULATION);
    if (strcmp(argv[1], "deprivation") == 0)
        return import_simple(argc - 1, argv + 1, KIND_DEPRIVATION);
    return cli_usage_error(USAGE, "unknown import kind '%s'", argv[1]);
}
