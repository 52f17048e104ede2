/*
 * gen.c - write a synthetic data set with safer_synth_write() for the
 * benchmarks (and the demo, with --demo).
 *
 *   gen --out DIR [--rows N] [--wards W] [--vertices V] [--months M]
 *       [--seed S] [--first-month YYYY-MM] [--demo] [--no-multipart]
 *       [--hotspots H] [--centre LON,LAT] [--size W,H]
 *
 * Without --demo the months are alike (no trends, no partial month, no
 * second force, no LSOA-only rows), which is what a like-for-like
 * comparison of tools wants. Prints what it wrote and how long it took.
 */
#include "util/compat.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/internal.h"
#include "safer/synth.h"

static void usage(FILE *f)
{
    fputs("usage: gen --out DIR [--rows N] [--wards W] [--vertices V] [--months M]\n"
          "           [--seed S] [--first-month YYYY-MM] [--demo] [--no-multipart]\n"
          "           [--hotspots H] [--centre LON,LAT] [--size W,H]\n",
          f);
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (*s < '0' || *s > '9')
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

static int parse_pair(const char *s, double *a, double *b)
{
    char *end;
    *a = strtod(s, &end);
    if (end == s || *end != ',')
        return -1;
    s = end + 1;
    *b = strtod(s, &end);
    return (end == s || *end) ? -1 : 0;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"out", required_argument, NULL, 'o'},      {"rows", required_argument, NULL, 'r'},
        {"wards", required_argument, NULL, 'w'},    {"vertices", required_argument, NULL, 'v'},
        {"months", required_argument, NULL, 'm'},   {"seed", required_argument, NULL, 's'},
        {"first-month", required_argument, NULL, 'f'}, {"demo", no_argument, NULL, 'd'},
        {"no-multipart", no_argument, NULL, 'n'},   {"hotspots", required_argument, NULL, 'H'},
        {"centre", required_argument, NULL, 'c'},   {"size", required_argument, NULL, 'z'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
    };
    struct safer_synth_opts o;
    struct safer_synth_result res;
    struct safer_err err = {0};
    const char *out = NULL;
    bool demo = false, multipart = true;
    uint64_t v;
    int c;

    safer_synth_opts_init(&o);
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            out = optarg;
            break;
        case 'r':
            if (parse_u64(optarg, &o.rows) < 0)
                goto bad;
            break;
        case 'w':
            if (parse_u64(optarg, &v) < 0 || v > 100000)
                goto bad;
            o.nwards = (unsigned)v;
            break;
        case 'v':
            if (parse_u64(optarg, &v) < 0 || v > 10000000)
                goto bad;
            o.vertices_per_ward = (unsigned)v;
            break;
        case 'm':
            if (parse_u64(optarg, &v) < 0 || v > 10000)
                goto bad;
            o.months = (int)v;
            break;
        case 's':
            if (parse_u64(optarg, &o.seed) < 0)
                goto bad;
            break;
        case 'f':
            o.first_month = safer__parse_month(optarg, strlen(optarg));
            if (o.first_month < 0)
                goto bad;
            break;
        case 'd':
            demo = true;
            break;
        case 'n':
            multipart = false;
            break;
        case 'H':
            if (parse_u64(optarg, &v) < 0 || v > 1000)
                goto bad;
            o.nhotspots = (unsigned)v;
            break;
        case 'c':
            if (parse_pair(optarg, &o.centre_lon, &o.centre_lat) < 0)
                goto bad;
            break;
        case 'z':
            if (parse_pair(optarg, &o.width_deg, &o.height_deg) < 0)
                goto bad;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (!out || optind != argc) {
        usage(stderr);
        return 2;
    }
    o.flags = (demo ? SAFER_SYNTH_DEMO : 0) | (multipart ? SAFER_SYNTH_MULTIPART : 0);

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = safer_synth_write(out, &o, &res, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rc < 0) {
        fprintf(stderr, "gen: %s\n", safer_err_msg(&err, rc));
        safer_synth_result_release(&res);
        return 1;
    }
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("files %zu rows %" PRIu64 " no_location %" PRIu64 " lsoa_only %" PRIu64
           " second_force %" PRIu64 "\n",
           res.nfiles, res.rows, res.no_location_rows, res.lsoa_only_rows, res.second_force_rows);
    printf("wards %u lsoas %u multipolygons %u holes %u vertices %" PRIu64 " (min %u max %u)\n",
           res.nwards, res.nlsoas, res.nmultipolygons, res.nholes, res.vertices,
           res.vertices_min, res.vertices_max);
    printf("seconds %.3f\n", secs);
    safer_synth_result_release(&res);
    return 0;
bad:
    fprintf(stderr, "gen: bad value '%s'\n", optarg);
    usage(stderr);
    return 2;
}
