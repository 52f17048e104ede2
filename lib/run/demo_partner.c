/*
 * demo_partner.c - the demo's partner data sets (partner.h), fictional
 * through and through, written as CSV files with their mappings under
 * the demo's data folder (data/partner/) and stored by the real importer:
 *
 * - deliberate fires from the fire and rescue service: one record a row,
 *   with a date and a point (record-level, place_kind "point");
 * - hospital admissions for assault: counts by ward and month
 *   (aggregated), threshold 5, drawn as Poisson counts whose mean is a
 *   fixed share of the synthetic police "Violence and sexual offences" of
 *   the same ward and month, so that the two series are related as real
 *   ones are, and not equal;
 * - council ASB reports: counts by ward, month and type, threshold 3.
 *
 * Everything is a pure function of the store's synthetic data and a
 * fixed seed, so the demo's bytes do not change from run to run.
 */
#include "util/compat.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "run/demo_internal.h"
#include "safer/buf.h"
#include "safer/partner.h"
#include "safer/place.h"
#include "util/internal.h"

/* splitmix64: a small generator of our own, never rand(). */
static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double unif(uint64_t *s) { return (double)(next(s) >> 11) / 9007199254740992.0; }

/* A Poisson draw by multiplying uniforms (Knuth): means here are under 30. */
static int64_t poisson(uint64_t *s, double mean)
{
    double l = exp(-mean), p = 1;
    int64_t k = -1;
    do {
        k++;
        p *= unif(s);
    } while (p > l && k < 1000);
    return k;
}

static char *path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = safer__xmalloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static int write_text(const char *path, const char *text, struct safer_err *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return safer_err_set(err, SAFER_EIO, "%s: cannot write: %s", path, strerror(errno));
    fputs(text, f);
    if (fclose(f) != 0)
        return safer_err_set(err, SAFER_EIO, "%s: cannot write: %s", path, strerror(errno));
    return 0;
}

static const char MAP_FIRES[] =
    "{\n"
    "  \"key\": \"deliberate-fires\",\n"
    "  \"title\": \"Deliberate fires\",\n"
    "  \"agency\": \"Kent Fire and Rescue Service (synthetic: not its data)\",\n"
    "  \"source\": \"Incident Recording System extract (synthetic)\",\n"
    "  \"licence\": \"Data sharing agreement DSA-FIRE-01 (fictional)\",\n"
    "  \"threshold\": 3,\n"
    "  \"date\": \"Incident date\",\n"
    "  \"place_kind\": \"point\",\n"
    "  \"longitude\": \"Longitude\",\n"
    "  \"latitude\": \"Latitude\",\n"
    "  \"category\": \"Property type\",\n"
    "  \"police_category\": \"Criminal damage and arson\"\n"
    "}\n";

static const char MAP_ADMISSIONS[] =
    "{\n"
    "  \"key\": \"assault-admissions\",\n"
    "  \"title\": \"Hospital admissions for assault\",\n"
    "  \"agency\": \"Maidstone and Tunbridge Wells NHS Trust (synthetic: not its data)\",\n"
    "  \"source\": \"Emergency department assault data, ISTV (synthetic)\",\n"
    "  \"licence\": \"Information sharing agreement ISA-HEALTH-07 (fictional)\",\n"
    "  \"threshold\": 5,\n"
    "  \"month\": \"Month\",\n"
    "  \"place_kind\": \"ward\",\n"
    "  \"place\": \"Ward code\",\n"
    "  \"category_value\": \"Assault\",\n"
    "  \"count\": \"Admissions\",\n"
    "  \"police_category\": \"Violence and sexual offences\"\n"
    "}\n";

static const char MAP_ASB[] =
    "{\n"
    "  \"key\": \"council-asb\",\n"
    "  \"title\": \"Council ASB reports\",\n"
    "  \"agency\": \"Maidstone Borough Council (synthetic: not its data)\",\n"
    "  \"source\": \"ASB case management extract (synthetic)\",\n"
    "  \"licence\": \"Data sharing agreement DSA-ASB-02 (fictional)\",\n"
    "  \"threshold\": 3,\n"
    "  \"month\": \"Month\",\n"
    "  \"place_kind\": \"ward\",\n"
    "  \"place\": \"Ward code\",\n"
    "  \"category\": \"Type\",\n"
    "  \"count\": \"Reports\",\n"
    "  \"police_category\": \"Anti-social behaviour\"\n"
    "}\n";

/* Write and import one data set: FILE.csv from `csv`, FILE.json from `map`. */
static int import_one(struct safer_store *st, const char *dir, const char *name,
                      const struct safer_buf *csv, const char *map, struct safer_err *err)
{
    char fn[64];
    snprintf(fn, sizeof(fn), "%s.csv", name);
    char *cpath = path_in(dir, fn);
    snprintf(fn, sizeof(fn), "%s.json", name);
    char *mpath = path_in(dir, fn);
    struct safer_partner_map m;
    safer_partner_map_init(&m);
    struct safer_partner_stats *stats = safer__xcalloc(1, sizeof(*stats));
    int rc = safer_buf_error(csv) ? safer_err_set(err, SAFER_ETOOBIG, "%s: too large", cpath)
                                  : write_text(cpath, csv->ptr, err);
    if (rc == 0)
        rc = write_text(mpath, map, err);
    if (rc == 0)
        rc = safer_partner_map_load(mpath, &m, err);
    if (rc == 0)
        rc = safer_partner_import(st, cpath, &m, stats, err);
    safer_partner_map_release(&m);
    free(stats);
    free(cpath);
    free(mpath);
    return rc;
}

int safer__demo_partner(struct safer_store *st, const char *data, struct safer_err *err)
{
    char *dir = path_in(data, "partner");
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        int rc = safer_err_set(err, SAFER_EIO, "%s: cannot make the folder: %s", dir,
                               strerror(errno));
        free(dir);
        return rc;
    }
    struct safer_partner_table v, a;
    memset(&a, 0, sizeof(a));
    struct safer_places *pl = NULL;
    struct safer_buf b;
    safer_buf_init(&b, (size_t)64 << 20);
    uint64_t seed = 20070831; /* SI 2007/1831 */
    char mo[8];
    int rc = safer_partner_read(st, "Violence and sexual offences", true, -1, -1, &v, err);
    if (rc < 0)
        goto out;

    /* Hospital admissions for assault: about a quarter of the police
     * violence of the ward and month, with Poisson noise, and a small
     * floor (assaults that are never reported to the police). */
    safer_buf_puts(&b, "Month,Ward code,Admissions\n");
    for (size_t m = 0; m < v.nmonths; m++) {
        safer__format_month(v.first + (int)m, mo);
        for (size_t w = 0; w < v.nwards; w++) {
            double mean = 0.25 * (double)v.cell[w * v.nmonths + m] + 0.4;
            safer_buf_putf(&b, "%s,%s,%lld\n", mo, v.ward[w], (long long)poisson(&seed, mean));
        }
    }
    rc = import_one(st, dir, "hospital-assault-admissions", &b, MAP_ADMISSIONS, err);
    if (rc < 0)
        goto out;

    /* Council ASB reports by ward, month and type: a share of the police
     * ASB of the ward, split over three types. */
    rc = safer_partner_read(st, "Anti-social behaviour", true, v.first,
                            v.first + (int32_t)v.nmonths - 1, &a, err);
    if (rc < 0)
        goto out;
    static const char *const types[] = {"Neighbour nuisance", "Noise", "Littering and fly-tipping"};
    static const double share[] = {0.12, 0.08, 0.05};
    safer_buf_reset(&b);
    safer_buf_puts(&b, "Month,Ward code,Type,Reports\n");
    for (size_t m = 0; m < a.nmonths; m++) {
        safer__format_month(a.first + (int)m, mo);
        for (size_t w = 0; w < a.nwards; w++) {
            for (int k = 0; k < 3; k++) {
                double mean = share[k] * (double)a.cell[w * a.nmonths + m] + 0.2;
                int64_t c = poisson(&seed, mean);
                if (c > 0)
                    safer_buf_putf(&b, "%s,%s,%s,%lld\n", mo, a.ward[w], types[k], (long long)c);
            }
        }
    }
    rc = import_one(st, dir, "council-asb-reports", &b, MAP_ASB, err);
    if (rc < 0)
        goto out;

    /* Deliberate fires: points about the demo's area (0.52 E, 51.27 N,
     * 0.35 by 0.2 degrees), a third of them near two estates, each kept
     * only where the resolver places it in a ward, on a day of the month. */
    rc = safer_places_open(st, &pl, err);
    if (rc < 0)
        goto out;
    safer_buf_reset(&b);
    safer_buf_puts(&b, "Incident ID,Incident date,Longitude,Latitude,Property type\n");
    static const char *const props[] = {"Refuse", "Grassland", "Vehicle", "Derelict building"};
    static const double centre[2][2] = {{0.535, 51.285}, {0.47, 51.25}};
    long id = 0;
    for (size_t m = 0; m < v.nmonths; m++) {
        safer__format_month(v.first + (int)m, mo);
        int mon = (v.first + (int)m) % 12;
        /* More in spring and summer: grass and refuse fires. */
        double mean = 14 + (mon >= 3 && mon <= 7 ? 8 : 0);
        int64_t n = poisson(&seed, mean);
        for (int64_t i = 0; i < n; i++) {
            double lon, lat;
            struct safer_place p;
            char why[160];
            int tries = 0;
            do {
                if (unif(&seed) < 0.35) {
                    const double *c = centre[next(&seed) % 2];
                    lon = c[0] + (unif(&seed) - 0.5) * 0.012;
                    lat = c[1] + (unif(&seed) - 0.5) * 0.008;
                } else {
                    lon = 0.52 + (unif(&seed) - 0.5) * 0.3;
                    lat = 51.27 + (unif(&seed) - 0.5) * 0.17;
                }
                lon = floor(lon * 1e5 + 0.5) / 1e5;
                lat = floor(lat * 1e5 + 0.5) / 1e5;
            } while (safer_places_point(pl, lon, lat, &p, why) != 0 && ++tries < 50);
            if (tries >= 50)
                continue;
            int day = 1 + (int)(next(&seed) % 28);
            safer_buf_putf(&b, "DF%05ld,%s-%02d,%.5f,%.5f,%s\n", ++id, mo, day, lon, lat,
                           props[next(&seed) % 4]);
        }
    }
    safer_places_close(pl);
    pl = NULL;
    rc = import_one(st, dir, "deliberate-fires", &b, MAP_FIRES, err);
out:
    if (pl)
        safer_places_close(pl);
    safer_buf_release(&b);
    safer_partner_table_release(&v);
    safer_partner_table_release(&a);
    free(dir);
    return rc;
}
