/*
 * demo_visits.c - the demo's one-stop-shop (docs/services.md): a small
 * synthetic extract of the ONS Postcode Directory for the demo's wards, a
 * year of visits to a town-centre venue, and candidate pop-up venues,
 * written under the demo's data folder and stored through the real
 * importers (safer_postcodes_import, safer_visits_import,
 * safer_venues_import).
 *
 * Everything is fictional. The postcodes are in the area "ZZ", which no
 * UK postcode uses, so none can be mistaken for a real address; their
 * shape is a valid one. Visits peak on weekday mornings and early
 * afternoons; home wards are drawn in proportion to residents times
 * exp(-d / 2500 m), d the distance from the ward's centroid to the venue,
 * so that the wards far from the town centre come less (what the pop-up
 * analysis is for). About a third of visits are by returning visitors.
 */
#include "util/compat.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "run/demo_internal.h"
#include "safer/arena.h"
#include "safer/buf.h"
#include "safer/place.h"
#include "safer/proj.h"
#include "safer/visits.h"
#include "util/civil.h"
#include "util/internal.h"

#define PER_WARD 12   /* postcodes written for each ward */
#define VISITS 3000   /* visits in the year */
#define CANDIDATES 20 /* candidate pop-up venues */

struct rng {
    uint64_t s;
};

static uint64_t next(struct rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double unif(struct rng *r)
{
    return (double)(next(r) >> 11) / 9007199254740992.0;
}

/* The ONSPD's columns before 2025, in its order. */
static const char *const ONSPD[] = {
    "pcd", "pcd2", "pcds", "dointr", "doterm", "oscty", "ced", "oslaua", "osward", "parish",
    "usertype", "oseast1m", "osnrth1m", "osgrdind", "oshlthau", "nhser", "ctry", "rgn",
    "streg", "pcon", "eer", "teclec", "ttwa", "pct", "itl", "statsward", "oa01", "casward",
    "npark", "lsoa01", "msoa01", "ur01ind", "oac01", "oa11", "lsoa11", "msoa11", "wz11",
    "sicbl", "bua24", "ru11ind", "oac11", "lat", "long", "lep1", "lep2", "pfa", "imd",
    "calncv", "icb", "oa21", "lsoa21", "msoa21"};
#define NONSPD (sizeof(ONSPD) / sizeof(ONSPD[0]))

struct pc {
    char code[9];
    size_t ward;
    double lon, lat, x, y;
};

static int write_file(const char *dir, const char *name, const struct safer_buf *b, char **path,
                      struct safer_err *err)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    *path = safer__xmalloc(n);
    snprintf(*path, n, "%s/%s", dir, name);
    if (safer_buf_error(b) < 0)
        return safer_err_set(err, safer_buf_error(b), "%s: %s", *path,
                             safer_strerror(safer_buf_error(b)));
    FILE *f = fopen(*path, "wb");
    if (!f)
        return safer_err_set(err, SAFER_EIO, "%s: cannot be created", *path);
    size_t w = fwrite(b->ptr, 1, b->len, f);
    int bad = fclose(f);
    if (w != b->len || bad)
        return safer_err_set(err, SAFER_EIO, "%s: cannot be written", *path);
    return 0;
}

/* Inward codes use digits and the letters Royal Mail allows there. */
static const char INWARD_LETTERS[] = "ABDEFGHJLNPQRSTUWXYZ";

static void onspd_row(struct safer_buf *b, const struct pc *p,
                      const struct safer_visits_geo_ward *w)
{
    for (size_t c = 0; c < NONSPD; c++) {
        const char *k = ONSPD[c];
        char v[40] = "";
        if (!strcmp(k, "pcd") || !strcmp(k, "pcd2") || !strcmp(k, "pcds"))
            snprintf(v, sizeof(v), "%s", p->code);
        else if (!strcmp(k, "dointr"))
            snprintf(v, sizeof(v), "198001");
        else if (!strcmp(k, "oslaua"))
            snprintf(v, sizeof(v), "%s", w->district ? w->district : "");
        else if (!strcmp(k, "osward"))
            snprintf(v, sizeof(v), "%s", w->code);
        else if (!strcmp(k, "oseast1m"))
            snprintf(v, sizeof(v), "%.0f", p->x);
        else if (!strcmp(k, "osnrth1m"))
            snprintf(v, sizeof(v), "%.0f", p->y);
        else if (!strcmp(k, "lat"))
            snprintf(v, sizeof(v), "%.6f", p->lat);
        else if (!strcmp(k, "long"))
            snprintf(v, sizeof(v), "%.6f", p->lon);
        else if (!strcmp(k, "lsoa21") || !strcmp(k, "lsoa11"))
            snprintf(v, sizeof(v), "%s", w->lsoa ? w->lsoa : "");
        else if (!strcmp(k, "ctry"))
            snprintf(v, sizeof(v), "E92000001");
        else if (!strcmp(k, "usertype") || !strcmp(k, "osgrdind"))
            snprintf(v, sizeof(v), "%s", !strcmp(k, "usertype") ? "0" : "1");
        safer_buf_putf(b, "%s\"%s\"", c ? "," : "", v);
    }
    safer_buf_puts(b, "\n");
}

struct visit {
    int32_t day;
    int minute;
    size_t pc;      /* postcode index, or SIZE_MAX: a postcode the directory does not hold */
    int visitor;
    int service;
};

static int cmp_visit(const void *a, const void *b)
{
    const struct visit *x = a, *y = b;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    if (x->minute != y->minute)
        return x->minute < y->minute ? -1 : 1;
    return (x->visitor > y->visitor) - (x->visitor < y->visitor);
}

int safer__demo_visits(struct safer_store *st, const char *data, int32_t first_month,
                       struct safer_err *err)
{
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_visits_geo_ward *w = NULL;
    size_t nw = 0;
    struct safer_places *pl = NULL;
    struct safer_bng *bng = NULL;
    struct pc *pcs = NULL;
    size_t npc = 0;
    struct visit *vs = NULL;
    size_t *pc_of_visitor = NULL, *first_pc = NULL, *order = NULL;
    double *weight = NULL;
    char *dir = NULL, *path = NULL, *map = NULL;
    struct safer_buf b;
    safer_buf_init(&b, 16u << 20);
    struct rng r = {20210611};

    int rc = safer_visits_geography(st, &arena, &w, &nw, err);
    if (rc < 0)
        goto out;
    if (nw == 0) {
        rc = safer_err_set(err, SAFER_ENOTFOUND, "the demo's store holds no wards");
        goto out;
    }
    size_t ndir = strlen(data) + 8;
    dir = safer__xmalloc(ndir);
    snprintf(dir, ndir, "%s/visits", data);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        rc = safer_err_set(err, SAFER_EIO, "%s: cannot be created", dir);
        goto out;
    }
    rc = safer_places_open(st, &pl, err);
    if (rc == 0)
        rc = safer_bng_new(&bng, err);
    if (rc < 0)
        goto out;

    /* Postcodes: PER_WARD points in each ward, near its centroid. */
    pcs = safer__xcalloc(nw * PER_WARD, sizeof(*pcs));
    for (size_t i = 0; i < nw; i++) {
        /* Outward codes ZZ1 to ZZ99: a demo has a few dozen wards. */
        if (!isfinite(w[i].lon) || !w[i].lsoa || i >= 99)
            continue;
        for (int k = 0; k < PER_WARD; k++) {
            struct pc *p = &pcs[npc];
            p->ward = i;
            p->lon = w[i].lon, p->lat = w[i].lat;
            for (int t = 0; t < 40; t++) {
                double lon = w[i].lon + (unif(&r) - 0.5) * 0.024;
                double lat = w[i].lat + (unif(&r) - 0.5) * 0.016;
                struct safer_place at;
                char why[160];
                if (safer_places_point(pl, lon, lat, &at, why) == 0 &&
                    !strcmp(at.ward, w[i].code)) {
                    p->lon = lon, p->lat = lat;
                    break;
                }
            }
            p->x = p->lon, p->y = p->lat;
            if (safer_bng_transform(bng, &p->x, &p->y, 1, err) != 0 || !isfinite(p->x)) {
                rc = safer_err_set(err, SAFER_EINVAL, "a demo postcode is outside the grid");
                goto out;
            }
            snprintf(p->code, sizeof(p->code), "ZZ%d %d%c%c", (int)(i + 1) % 100, k % 10,
                     INWARD_LETTERS[(k / 10 + i) % 20], INWARD_LETTERS[(k * 7 + i * 3) % 20]);
            npc++;
        }
    }
    for (size_t c = 0; c < NONSPD; c++)
        safer_buf_putf(&b, "%s%s", c ? "," : "", ONSPD[c]);
    safer_buf_puts(&b, "\n");
    for (size_t i = 0; i < npc; i++)
        onspd_row(&b, &pcs[i], &w[pcs[i].ward]);
    rc = write_file(dir, "onspd-demo.csv", &b, &path, err);
    struct safer_postcode_stats ps;
    if (rc == 0)
        rc = safer_postcodes_import(st, path, &ps, err);
    if (rc < 0)
        goto out;

    /* The town-centre venue: the first postcode of the ward nearest the
     * middle of the area. Candidates: the first postcode of each of the
     * CANDIDATES wards farthest from it. */
    double mx = 0, my = 0;
    size_t nplaced = 0;
    for (size_t i = 0; i < nw; i++)
        if (isfinite(w[i].x))
            mx += w[i].x, my += w[i].y, nplaced++;
    mx /= (double)(nplaced ? nplaced : 1);
    my /= (double)(nplaced ? nplaced : 1);
    size_t centre = SIZE_MAX;
    first_pc = safer__xcalloc(nw, sizeof(size_t));
    order = safer__xcalloc(nw, sizeof(size_t));
    for (size_t i = 0; i < nw; i++)
        first_pc[i] = SIZE_MAX;
    for (size_t j = npc; j-- > 0;)
        first_pc[pcs[j].ward] = j;
    double best = INFINITY;
    for (size_t i = 0; i < nw; i++) {
        double d = hypot(w[i].x - mx, w[i].y - my);
        if (first_pc[i] != SIZE_MAX && d < best)
            best = d, centre = i;
    }
    if (centre == SIZE_MAX) {
        rc = safer_err_set(err, SAFER_ENOTFOUND, "the demo's wards have no centroids");
        goto out;
    }
    const struct pc *venue = &pcs[first_pc[centre]];
    safer_buf_release(&b);
    safer_buf_init(&b, 1u << 20);
    safer_buf_puts(&b, "name,kind,easting,northing,postcode\n");
    safer_buf_putf(&b, "One-stop-shop (fictional town centre),existing,,,%s\n", venue->code);
    {
        size_t no = 0;
        for (size_t i = 0; i < nw; i++)
            if (i != centre && first_pc[i] != SIZE_MAX)
                order[no++] = i;
        /* Farthest first (insertion sort: a few dozen wards). */
        for (size_t a = 1; a < no; a++) {
            size_t t = order[a], q = a;
            double dt = hypot(w[t].x - venue->x, w[t].y - venue->y);
            while (q > 0 &&
                   hypot(w[order[q - 1]].x - venue->x, w[order[q - 1]].y - venue->y) < dt) {
                order[q] = order[q - 1];
                q--;
            }
            order[q] = t;
        }
        for (size_t k = 0; k < no && k < CANDIDATES; k++) {
            /* The ward's second postcode: not the one its visitors' first is. */
            const struct pc *p = &pcs[first_pc[order[k]] + 1];
            safer_buf_putf(&b, "Community hall %zu (%s),candidate,%.0f,%.0f,\n", k + 1,
                           w[order[k]].name, p->x, p->y);
        }
    }
    free(path);
    path = NULL;
    rc = write_file(dir, "venues.csv", &b, &path, err);
    struct safer_venues_import_stats vst;
    if (rc == 0)
        rc = safer_venues_import(st, path, &vst, err);
    if (rc < 0)
        goto out;

    /* Visits. Each ward weighs residents x exp(-d / 2500 m). */
    weight = safer__xcalloc(nw, sizeof(double));
    double wsum = 0;
    for (size_t i = 0; i < nw; i++) {
        if (first_pc[i] == SIZE_MAX)
            continue;
        double res = isfinite(w[i].residents) ? w[i].residents : 1000;
        weight[i] = res * exp(-hypot(w[i].x - venue->x, w[i].y - venue->y) / 2500.0);
        wsum += weight[i];
    }
    int y, m, d;
    int32_t day0 = safer__days_from_civil(first_month / 12, first_month % 12 + 1, 1);
    safer__civil_from_days(day0, &y, &m, &d);
    int32_t day1 = safer__days_from_civil(y + 1, m, 1); /* a year on */
    static const double WEEKDAY[7] = {1.0, 1.1, 1.0, 1.2, 0.9, 0.25, 0.0}; /* Monday first */
    static const double HOUR[24] = {0, 0, 0, 0, 0, 0, 0, 0, 0.3, 1.0, 1.2, 1.1,
                                    0.6, 0.8, 1.1, 1.0, 0.7, 0.3, 0.15, 0, 0, 0, 0, 0};
    vs = safer__xcalloc(VISITS, sizeof(*vs));
    pc_of_visitor = safer__xcalloc(VISITS, sizeof(size_t));
    int nvisitors = 0;
    for (size_t v = 0; v < VISITS; v++) {
        struct visit *x = &vs[v];
        int32_t day;
        do
            day = day0 + (int32_t)(unif(&r) * (double)(day1 - day0));
        while (unif(&r) * 1.2 >= WEEKDAY[((day + 3) % 7 + 7) % 7]);
        int hour;
        do
            hour = (int)(unif(&r) * 24);
        while (unif(&r) * 1.2 >= HOUR[hour]);
        x->day = day;
        x->minute = hour * 60 + (int)(unif(&r) * 12) * 5;
        double u = unif(&r);
        x->service = u < 0.5 ? 0 : u < 0.75 ? 1 : u < 0.9 ? 2 : 3;
        if (nvisitors > 0 && unif(&r) < 0.33) {
            x->visitor = (int)(unif(&r) * nvisitors);
        } else {
            x->visitor = nvisitors++;
            double pick = unif(&r) * wsum;
            size_t i = 0;
            while (i + 1 < nw && pick >= weight[i])
                pick -= weight[i++];
            /* One visitor in fifty gives a postcode the directory lacks. */
            bool lacking = unif(&r) < 0.02 || first_pc[i] == SIZE_MAX;
            /* A ward's PER_WARD postcodes follow its first. */
            pc_of_visitor[x->visitor] =
                lacking ? SIZE_MAX : first_pc[i] + (size_t)(unif(&r) * PER_WARD);
        }
        x->pc = pc_of_visitor[x->visitor];
    }
    qsort(vs, VISITS, sizeof(*vs), cmp_visit);
    static const char *const SERVICES[4] = {"Advice", "IDVA appointment", "Housing options",
                                            "Legal clinic"};
    safer_buf_release(&b);
    safer_buf_init(&b, 16u << 20);
    safer_buf_puts(&b, "Date,Time,Home postcode,Service,Venue,Client ref\n");
    for (size_t v = 0; v < VISITS; v++) {
        const struct visit *x = &vs[v];
        safer__civil_from_days(x->day, &y, &m, &d);
        safer_buf_putf(&b, "%04d-%02d-%02d,%02d:%02d,%s,%s,One-stop-shop (fictional town centre),"
                           "OSS%05d\n",
                       y, m, d, x->minute / 60, x->minute % 60,
                       x->pc == SIZE_MAX ? "ZZ0 0ZZ" : pcs[x->pc].code, SERVICES[x->service],
                       x->visitor + 1);
    }
    free(path);
    path = NULL;
    rc = write_file(dir, "one-stop-shop.csv", &b, &path, err);
    if (rc < 0)
        goto out;
    safer_buf_release(&b);
    safer_buf_init(&b, 1u << 16);
    safer_buf_puts(&b, "{\n  \"source\": \"One-stop-shop (fictional)\",\n  \"date\": \"Date\",\n"
                       "  \"time\": \"Time\",\n  \"home\": \"Home postcode\",\n"
                       "  \"home_kind\": \"postcode\",\n  \"service\": \"Service\",\n"
                       "  \"venue\": \"Venue\",\n  \"visitor\": \"Client ref\"\n}\n");
    rc = write_file(dir, "one-stop-shop-map.json", &b, &map, err);
    struct safer_visits_import_stats *vis = safer__xmalloc(sizeof(*vis));
    if (rc == 0)
        rc = safer_visits_import(st, path, map, vis, err);
    free(vis);
out:
    safer_buf_release(&b);
    if (pl)
        safer_places_close(pl);
    safer_bng_free(bng);
    free(w);
    free(pcs);
    free(vs);
    free(pc_of_visitor);
    free(first_pc);
    free(order);
    free(weight);
    free(dir);
    free(path);
    free(map);
    safer_arena_release(&arena);
    return rc;
}
