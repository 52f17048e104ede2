/*
 * cmd_visits.c - `safer import visits FILE.csv --map MAP.json`, `safer
 * import venues FILE.csv`, and `safer visits`: the analyses of service
 * usage and the pop-up proposal as CSV (visits.h; docs/services.md).
 */
#include "util/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "safer/output.h"
#include "safer/store.h"
#include "safer/visits.h"

enum { V_MAP };
static const struct cli_opt visits_import_opts[] = {
    [V_MAP] = {"map", "MAP.json", "the mapping: which columns hold what (docs/services.md)"},
    {NULL, NULL, NULL},
};
const struct cli_spec cli_visits_import_spec = {
    "usage: safer [--db PATH|URL] import visits FILE.csv --map MAP.json\n",
    "A service's visits (a one-stop-shop's, say): the date and time of each, the\n"
    "visitor's home area (postcode, LSOA or ward), the service, the venue and an\n"
    "optional pseudonymous visitor id. Only the columns the mapping names are read\n"
    "and stored: names and every other column of the export are never read.\n"
    "A home postcode is placed through the ONS Postcode Directory held (safer\n"
    "import postcodes); one that does not resolve is kept without a ward,\n"
    "reported as FILE:LINE and counted. A malformed row fails the file. The\n"
    "visits replace those stored before under the same source.\n"
    "Every import is one transaction: a failed import changes nothing.\n",
    visits_import_opts, 0, 1, 1, "import visits needs exactly one CSV file"};

static const struct cli_opt no_opts[] = {{NULL, NULL, NULL}};
const struct cli_spec cli_venues_import_spec = {
    "usage: safer [--db PATH|URL] import venues FILE.csv\n",
    "A service's venues: columns name, kind (existing or candidate) and a place,\n"
    "as lon and lat (WGS84), easting and northing (British National Grid) or\n"
    "postcode. A venue of a name stored before is replaced.\n"
    "Every import is one transaction: a failed import changes nothing.\n",
    no_opts, 0, 1, 1, "import venues needs exactly one CSV file"};

int cli_import_visits(const struct cli_spec *spec, int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(spec, argc, argv, &args);
    if (status >= 0)
        return status;
    if (!args.val[V_MAP] || !*args.val[V_MAP])
        return cli_usage_error(spec, "import visits needs --map MAP.json");
    struct safer_store *st = cli_open_store(CLI_STORE_CREATE);
    if (!st)
        return EXIT_FAILED;
    struct safer_err err = {0};
    struct safer_visits_import_stats *s = malloc(sizeof(*s));
    if (!s) {
        safer_store_close(st);
        return EXIT_FAILED;
    }
    int rc = safer_visits_import(st, args.args[0], args.val[V_MAP], s, &err);
    safer_store_close(st);
    if (rc < 0) {
        cli_fail(&err, rc);
        fprintf(stderr, "safer: nothing was imported\n");
        free(s);
        return EXIT_FAILED;
    }
    for (size_t i = 0; i < s->nnotes; i++)
        fprintf(stderr, "safer: %s\n", s->notes[i]);
    if (s->unresolved > s->nnotes)
        fprintf(stderr, "safer: ... and %zu more visits without a ward\n",
                s->unresolved - s->nnotes);
    printf("imported %zu visits of source '%s' from %s: %zu without a ward (home area not "
           "placed), %zu with a visitor id, %zu replaced\n",
           s->rows, s->source, args.args[0], s->unresolved, s->with_id, s->replaced);
    free(s);
    return EXIT_OK;
}

int cli_import_venues(const struct cli_spec *spec, int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(spec, argc, argv, &args);
    if (status >= 0)
        return status;
    struct safer_store *st = cli_open_store(CLI_STORE_CREATE);
    if (!st)
        return EXIT_FAILED;
    struct safer_err err = {0};
    struct safer_venues_import_stats s;
    int rc = safer_venues_import(st, args.args[0], &s, &err);
    safer_store_close(st);
    if (rc < 0) {
        cli_fail(&err, rc);
        fprintf(stderr, "safer: nothing was imported\n");
        return EXIT_FAILED;
    }
    printf("imported %zu venues (%zu existing, %zu candidates, %zu replaced) from %s\n", s.rows,
           s.existing, s.candidates, s.replaced, args.args[0]);
    return EXIT_OK;
}

/* ---- safer visits ---- */

enum { O_HEATMAP, O_TREND, O_WARDS, O_DISTANCE, O_REPEAT, O_POPUP, O_OUT, O_WINDOW, O_P,
       O_WITHIN, O_OBJECTIVE, O_DEMAND, O_HIDE };
static const struct cli_opt opts[] = {
    [O_HEATMAP] = {"heatmap", NULL, "visits by weekday and hour"},
    [O_TREND] = {"trend", NULL, "visits by month"},
    [O_WARDS] = {"wards", NULL, "visits by home ward, per 1,000 residents, with the distance\n"
                                "from the ward's centroid to the nearest existing venue"},
    [O_DISTANCE] = {"distance", NULL, "visits per 1,000 residents by distance band"},
    [O_REPEAT] = {"repeat", NULL, "repeat visitors (exports with a visitor id)"},
    [O_POPUP] = {"popup", NULL, "choose pop-up sites among the candidate venues"},
    [O_OUT] = {"out", "FILE.csv", "write there (default: standard output)"},
    [O_WINDOW] = {"window", "DAYS",
                  "--repeat: a return within DAYS of the first visit (default 28)"},
    [O_P] = {"p", "N", "--popup: sites to choose, 1 to 4 (default 2)"},
    [O_WITHIN] = {"within", "METRES", "--popup cover: the travel distance (default 3000)"},
    [O_OBJECTIVE] = {"objective", "cover|median",
                     "--popup: demand within the distance (default), or p-median"},
    [O_DEMAND] = {"demand", "residents|visitors|records",
                  "--popup: what is weighed (default residents); records: police.uk\n"
                  "Violence and sexual offences by ward, the latest 12 months"},
    [O_HIDE] = {"hide-below", "N", "--wards, --distance: leave out a ward's count of 1 to N - 1,\n"
                                   "and what would give it away (default 0: none)"},
    {NULL, NULL, NULL},
};
static const struct cli_spec spec = {
    "usage: safer [--db PATH|URL] visits --heatmap|--trend|--wards|--distance|--repeat|--popup\n"
    "                                    [--out FILE.csv] [--window DAYS] [--p N]\n"
    "                                    [--within METRES] [--objective cover|median]\n"
    "                                    [--demand residents|visitors|records]\n"
    "                                    [--hide-below N]\n",
    "Service usage from the visits and venues imported (docs/services.md;\n"
    "definitions in docs/statistics.md, Service usage and Pop-up sites).\n"
    "Distances are straight lines in British National Grid metres. The pop-up\n"
    "choice is exact: every set of p candidates is evaluated.\n",
    opts, 0, 0, 0, NULL};

static int int_opt(const char *s, long lo, long hi, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int cmd_visits(int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(&spec, argc, argv, &args);
    if (status >= 0)
        return status;
    int which = -1, nwhich = 0;
    for (int k = O_HEATMAP; k <= O_POPUP; k++)
        if (args.val[k])
            which = k, nwhich++;
    if (nwhich != 1)
        return cli_usage_error(&spec, "visits needs one of --heatmap, --trend, --wards, "
                                      "--distance, --repeat, --popup");
    long window = 28, p = 2, hide = 0;
    if (args.val[O_WINDOW] && int_opt(args.val[O_WINDOW], 1, 3660, &window) < 0)
        return cli_usage_error(&spec, "--window '%s' must be days from 1 to 3660",
                               args.val[O_WINDOW]);
    if (args.val[O_P] && int_opt(args.val[O_P], 1, SAFER_POPUP_MAX_P, &p) < 0)
        return cli_usage_error(&spec, "--p '%s' must be 1 to %d", args.val[O_P],
                               SAFER_POPUP_MAX_P);
    if (args.val[O_HIDE] && int_opt(args.val[O_HIDE], 0, 1000, &hide) < 0)
        return cli_usage_error(&spec, "--hide-below '%s' must be 0 to 1000", args.val[O_HIDE]);
    struct safer_popup_opts po = {.p = (int)p, .distance = 3000, .objective = SAFER_POPUP_COVER,
                                  .demand = SAFER_POPUP_RESIDENTS};
    if (args.val[O_WITHIN]) {
        long d;
        if (int_opt(args.val[O_WITHIN], 1, 100000, &d) < 0)
            return cli_usage_error(&spec, "--within '%s' must be metres from 1 to 100000",
                                   args.val[O_WITHIN]);
        po.distance = (double)d;
    }
    if (args.val[O_OBJECTIVE])
        po.objective = safer_popup_objective_parse(args.val[O_OBJECTIVE]);
    if (args.val[O_DEMAND])
        po.demand = safer_popup_demand_parse(args.val[O_DEMAND]);
    if (!po.objective)
        return cli_usage_error(&spec, "--objective '%s' must be cover or median",
                               args.val[O_OBJECTIVE]);
    if (!po.demand)
        return cli_usage_error(&spec, "--demand '%s' must be residents, visitors or records",
                               args.val[O_DEMAND]);
    struct safer_store *st = cli_open_store(CLI_STORE_EXISTING);
    if (!st)
        return EXIT_FAILED;
    struct safer_err err = {0};
    struct safer_visits v;
    int rc = safer_visits_load(st, &v, &err);
    safer_store_close(st);
    if (rc < 0)
        return cli_fail(&err, rc);
    struct safer_popup_answer ans;
    if (which == O_POPUP) {
        rc = safer_visits_popup(&v, &po, &ans, &err);
        if (rc < 0) {
            safer_visits_release(&v);
            return cli_fail(&err, rc);
        }
    }
    const char *path = args.val[O_OUT];
    struct safer_stream out;
    struct safer_buf b;
    safer_buf_init(&b, 64u << 20);
    switch (which) {
    case O_HEATMAP: rc = safer_visits_csv_heatmap(&v, &b); break;
    case O_TREND: rc = safer_visits_csv_trend(&v, &b); break;
    case O_WARDS: rc = safer_visits_csv_wards(&v, (int)hide, &b); break;
    case O_DISTANCE: rc = safer_visits_csv_bands(&v, (int)hide, &b); break;
    case O_REPEAT: rc = safer_visits_csv_repeat(&v, (int)window, &b); break;
    default: rc = safer_visits_csv_popup(&v, &po, &ans, &b); break;
    }
    if (rc < 0)
        rc = safer_err_set(&err, rc, "%s", safer_strerror(rc));
    if (rc == 0 && path && *path) {
        rc = safer_stream_open(&out, path, &err);
        if (rc == 0) {
            safer_buf_put(&out.buf, b.ptr, b.len);
            rc = safer_buf_error(&out.buf);
            if (rc < 0)
                rc = safer_err_set(&err, rc, "%s: %s", path, safer_strerror(rc));
            if (rc == 0)
                rc = safer_stream_commit(&out, &err);
            safer_stream_release(&out);
        }
        if (rc == 0)
            fprintf(stderr, "%zu visits (%zu without a ward): %s\n", v.n, v.unresolved, path);
    } else if (rc == 0) {
        fwrite(b.ptr, 1, b.len, stdout);
    }
    safer_buf_release(&b);
    safer_visits_release(&v);
    return rc < 0 ? cli_fail(&err, rc) : EXIT_OK;
}
