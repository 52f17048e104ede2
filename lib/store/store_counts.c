/*
 * store_counts.c - the count table: records per (force, month, ward, crime
 * type), kept in step with the publications, the wards and the LSOA to
 * ward lookup, so that an indicator is one indexed query.
 *
 * Assignment follows the assessment exactly (docs/assessment.md): the
 * stored ward whose polygon interior holds the point (the point locator,
 * lowest code on overlaps), else for a record without coordinates the ward
 * its LSOA maps to when that ward is stored, else "" (unassigned).
 */
#include "util/compat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "safer/area.h"
#include "safer/counts.h"
#include "safer/locate.h"
#include "safer/lookup.h"
#include "store/colblob.h"
#include "store/store_impl.h"
#include "util/internal.h"

/* What assignment needs, read once per write transaction. */
struct safer__counter {
    struct safer_area *wards; /* sorted by code */
    size_t nwards;
    struct safer_geom *geoms;
    struct safer_locator *loc;
    struct safer_pairs lsoa_ward; /* LSOA -> ward, sorted by LSOA */
    char **codes;
};

static void counter_free(struct safer__counter *c)
{
    if (!c)
        return;
    safer_locator_free(c->loc);
    free(c->geoms);
    free(c->codes);
    safer_areas_free(c->wards, c->nwards);
    safer_pairs_release(&c->lsoa_ward);
    free(c);
}

static int counter_get(struct safer_store *st, struct safer__counter **out, struct safer_err *err)
{
    if (st->counter) {
        *out = st->counter;
        return 0;
    }
    struct safer__counter *c = safer__xcalloc(1, sizeof(*c));
    int rc = safer_areas_load(st, "ward", &c->wards, &c->nwards, err);
    if (rc == 0)
        rc = safer_lookup_lsoa_wards(st, &c->lsoa_ward, err);
    if (rc < 0) {
        counter_free(c);
        return rc;
    }
    size_t n = c->nwards ? c->nwards : 1;
    c->geoms = safer__xmalloc(sizeof(*c->geoms) * n);
    c->codes = safer__xmalloc(sizeof(char *) * n);
    for (size_t i = 0; i < c->nwards; i++) {
        c->geoms[i] = c->wards[i].geom;
        c->codes[i] = c->wards[i].code;
    }
    c->loc = safer_locator_new(c->geoms, c->nwards);
    st->counter = c;
    *out = c;
    return 0;
}

void safer__counter_drop(struct safer_store *st)
{
    counter_free(st->counter);
    st->counter = NULL;
}

/* The ward (index into c->wards) of each LSOA string of a publication, -1 none. */
static int32_t lsoa_ward(const struct safer__counter *c, const struct safer__strview *v)
{
    if (v->len == 0)
        return -1;
    char *code = safer__xstrndup(v->ptr, v->len);
    long k = safer__find_str(c->lsoa_ward.a, c->lsoa_ward.n, code);
    free(code);
    if (k < 0)
        return -1;
    long w = safer__find_str(c->codes, c->nwards, c->lsoa_ward.b[k]);
    return (int32_t)w;
}

/* Count one publication's records by (ward, type) and write its rows. */
static int count_publication(struct safer_store *st, struct safer__counter *c, const char *force,
                             int32_t month, const void *hot, size_t hlen,
                             struct safer__stmt *ins, struct safer_err *err)
{
    struct safer__hot h;
    int rc = safer__hot_decode(hot, hlen, &h);
    if (rc < 0)
        return safer_err_set(err, SAFER_EDB, "%s: stored records of '%s' are damaged",
                             safer_store_name(st), force);
    size_t nw = c->nwards + 1; /* the last: unassigned */
    uint64_t *count = safer__xcalloc(nw * (h.ntypes ? h.ntypes : 1), sizeof(uint64_t));
    int32_t *by_lsoa = safer__xmalloc(sizeof(int32_t) * (h.nlsoas ? h.nlsoas : 1));
    for (uint32_t i = 0; i < h.nlsoas; i++)
        by_lsoa[i] = lsoa_ward(c, &h.lsoas[i]);
    /* Points repeat (police.uk's anonymous map points): the last one's ward is kept. */
    double lx = NAN, ly = NAN;
    int32_t lw = -1;
    for (uint32_t i = 0; i < h.n; i++) {
        double x, y;
        safer__hot_point(&h, i, &x, &y);
        int32_t w;
        if (isnan(x)) {
            w = by_lsoa[h.lsoa[i]];
        } else {
            if (!(x == lx && y == ly)) {
                lw = safer_locator_find(c->loc, x, y);
                lx = x;
                ly = y;
            }
            w = lw;
        }
        size_t row = w < 0 ? c->nwards : (size_t)w;
        count[row * h.ntypes + h.type[i]]++;
    }
    for (size_t w = 0; rc == 0 && w < nw; w++) {
        for (uint32_t t = 0; rc == 0 && t < h.ntypes; t++) {
            uint64_t n = count[w * h.ntypes + t];
            if (!n)
                continue;
            safer__stmt_reset(ins);
            safer__bind_text(ins, 1, force);
            safer__bind_int64(ins, 2, month);
            safer__bind_text(ins, 3, w < c->nwards ? c->codes[w] : "");
            safer__bind_textn(ins, 4, h.types[t].ptr, h.types[t].len);
            safer__bind_int64(ins, 5, (int64_t)n);
            rc = safer__step_done(ins, err);
        }
    }
    free(count);
    free(by_lsoa);
    safer__hot_release(&h);
    return rc;
}

/* The types of one publication may repeat in its dictionary only if it is
 * damaged; the primary key would then refuse the second row, and the
 * import fails with the store unchanged. */
static const char INSERT_COUNT[] =
    "INSERT INTO crime_count(force, month, area_code, crime_type, count) VALUES(?, ?, ?, ?, ?)";

int safer__counts_put(struct safer_store *st, const char *force, int32_t month, const void *hot,
                      size_t hlen, struct safer_err *err)
{
    struct safer__counter *c;
    int rc = counter_get(st, &c, err);
    if (rc < 0)
        return rc;
    struct safer__stmt *del = NULL, *ins = NULL;
    rc = safer__prep(st, "DELETE FROM crime_count WHERE force = ? AND month = ?", &del, err);
    if (rc == 0) {
        safer__bind_text(del, 1, force);
        safer__bind_int64(del, 2, month);
        rc = safer__step_done(del, err);
    }
    if (rc == 0 && hot)
        rc = safer__prep(st, INSERT_COUNT, &ins, err);
    if (rc == 0 && hot)
        rc = count_publication(st, c, force, month, hot, hlen, ins, err);
    safer__stmt_finalize(del);
    safer__stmt_finalize(ins);
    return rc;
}

int safer__store_recount(struct safer_store *st, struct safer_err *err)
{
    safer__counter_drop(st); /* the wards or the lookup have just changed */
    struct safer__counter *c;
    int rc = counter_get(st, &c, err);
    if (rc < 0)
        return rc;
    struct safer__stmt *s = NULL, *ins = NULL;
    rc = safer__db_exec(st->db, "DELETE FROM crime_count", err);
    if (rc == 0)
        rc = safer__prep(st, INSERT_COUNT, &ins, err);
    if (rc == 0)
        rc = safer__prep(st, "SELECT force, month, hot FROM crime_batch ORDER BY force, month", &s,
                         err);
    while (rc == 0 && (rc = safer__step(s, err)) == 1) {
        size_t len;
        const void *hot = safer__col_blob(s, 2, &len);
        char *force = safer__xstrdup(safer__col_text(s, 0));
        rc = count_publication(st, c, force, (int32_t)safer__col_int64(s, 1), hot, len, ins, err);
        free(force);
    }
    safer__stmt_finalize(s);
    safer__stmt_finalize(ins);
    return rc;
}

/* ---- reading ---- */

void safer_counts_release(struct safer_counts *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->rows[i].ward);
        free(c->rows[i].crime_type);
    }
    free(c->rows);
    memset(c, 0, sizeof(*c));
}

int safer_counts_query(struct safer_store *st, const struct safer_counts_query *q,
                       struct safer_counts *out, struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "SELECT area_code, crime_type, month, CAST(SUM(count) AS BIGINT)"
                         " FROM crime_count"
                         " WHERE (?1 IS NULL OR area_code = ?1) AND (?2 IS NULL OR crime_type = ?2)"
                         " AND (?3 < 0 OR month >= ?3) AND (?4 < 0 OR month <= ?4)"
                         " GROUP BY area_code, crime_type, month"
                         " ORDER BY area_code, crime_type, month",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_text(s, 1, q ? q->ward : NULL);
    safer__bind_text(s, 2, q ? q->crime_type : NULL);
    safer__bind_int64(s, 3, q ? q->from : -1);
    safer__bind_int64(s, 4, q ? q->to : -1);
    size_t cap = 0;
    while ((rc = safer__step(s, err)) == 1) {
        SAFER__GROW(out->rows, cap, out->n + 1);
        struct safer_count_row *r = &out->rows[out->n++];
        r->ward = safer__xstrdup(safer__col_text(s, 0));
        r->crime_type = safer__xstrdup(safer__col_text(s, 1));
        r->month = (int32_t)safer__col_int64(s, 2);
        r->count = safer__col_int64(s, 3);
    }
    safer__stmt_finalize(s);
    if (rc < 0)
        safer_counts_release(out);
    return rc;
}
