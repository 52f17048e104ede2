/*
 * store_counts.c - the count table: records per (force, month, ward, crime
 * type), kept in step with the publications, the wards and the LSOA to
 * ward lookup, so that an indicator is one query that never decodes a
 * publication.
 *
 * Assignment follows the assessment exactly (docs/assessment.md): the
 * stored ward whose polygon interior holds the point (the point locator,
 * lowest code on overlaps), else for a record without coordinates the ward
 * its LSOA maps to when that ward is stored, else "" (unassigned).
 *
 * A tally takes publications one at a time as an import writes them (the
 * writing thread has time to spare while the parsing threads work): it
 * finds each record's map point among those met so far, and keeps six
 * bytes a record, not the publication. At the end each distinct point is
 * placed in its ward once, the records are counted (both on the threads
 * the import may use), and the rows written in the table's key order.
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
#include "util/tasks.h"

/* One publication taken, then counted. */
struct tallied {
    char *force; /* owned */
    int32_t month;
    uint32_t ntypes;
    char **types;    /* owned: sorted by byte order */
    uint32_t n;      /* records */
    int32_t *at;     /* owned: per record, its point (>= 0), or without one
                        -2 - its LSOA's ward, or -1 (no ward); freed once counted */
    uint16_t *type;  /* owned: per record, index into types; freed once counted */
    uint64_t *count; /* owned: [(nwards + 1) * ntypes]; row 0 is unassigned ("" sorts
                        first), row w + 1 ward w */
};

/*
 * The distinct positions met so far, and their wards. police.uk moves
 * records to a fixed set of anonymous map points and uses them month after
 * month (five records a point on the real Kent files). Open addressing on
 * the position's bits; a slot holds the upper half of the hash and index +
 * 1 (0 empty), so a probe reads one word and compares coordinates only when
 * the hashes agree. Grows at 70% full.
 */
struct safer__tally {
    struct safer_area *wards; /* sorted by code */
    size_t nwards;
    struct safer_geom *geoms;
    struct safer_locator *loc;
    struct safer_pairs lsoa_ward; /* LSOA -> ward, sorted by LSOA */
    char **codes;
    uint64_t *slot;
    size_t nslots, npos, cappos;
    double *pos;   /* x, y of position k */
    int32_t *ward; /* of position k, -1 none */
    struct tallied *pubs;
    size_t npubs, cappubs;
};

void safer__tally_free(struct safer__tally *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->npubs; i++) {
        struct tallied *p = &t->pubs[i];
        free(p->force);
        for (uint32_t k = 0; k < p->ntypes; k++)
            free(p->types[k]);
        free(p->types);
        free(p->at);
        free(p->type);
        free(p->count);
    }
    free(t->pubs);
    free(t->slot);
    free(t->pos);
    free(t->ward);
    safer_locator_free(t->loc);
    free(t->geoms);
    free(t->codes);
    safer_areas_free(t->wards, t->nwards);
    safer_pairs_release(&t->lsoa_ward);
    free(t);
}

int safer__tally_new(struct safer_store *st, struct safer__tally **out, struct safer_err *err)
{
    struct safer__tally *t = safer__xcalloc(1, sizeof(*t));
    *out = NULL;
    int rc = safer_areas_load(st, "ward", &t->wards, &t->nwards, err);
    if (rc == 0)
        rc = safer_lookup_lsoa_wards(st, &t->lsoa_ward, err);
    if (rc < 0) {
        safer__tally_free(t);
        return rc;
    }
    size_t n = t->nwards ? t->nwards : 1;
    t->geoms = safer__xmalloc(sizeof(*t->geoms) * n);
    t->codes = safer__xmalloc(sizeof(char *) * n);
    for (size_t i = 0; i < t->nwards; i++) {
        t->geoms[i] = t->wards[i].geom;
        t->codes[i] = t->wards[i].code;
    }
    t->loc = safer_locator_new(t->geoms, t->nwards);
    *out = t;
    return 0;
}

static void grow_slots(struct safer__tally *t)
{
    size_t n = t->nslots ? t->nslots * 2 : 1 << 14;
    uint64_t *slot = safer__xcalloc(n, sizeof(uint64_t));
    for (size_t k = 0; k < t->npos; k++) {
        uint64_t h = safer__position_hash(t->pos[2 * k], t->pos[2 * k + 1]);
        size_t q = (size_t)h & (n - 1);
        while (slot[q])
            q = (q + 1) & (n - 1);
        slot[q] = (h & 0xFFFFFFFF00000000ULL) | (uint64_t)(k + 1);
    }
    free(t->slot);
    t->slot = slot;
    t->nslots = n;
}

/* The index of point (x, y) among those met, added when new. */
static int32_t point_index(struct safer__tally *t, double x, double y)
{
    if (10 * (t->npos + 1) > 7 * t->nslots)
        grow_slots(t);
    uint64_t h = safer__position_hash(x, y), tag = h & 0xFFFFFFFF00000000ULL;
    size_t mask = t->nslots - 1, q = (size_t)h & mask;
    for (uint64_t v; (v = t->slot[q]) != 0; q = (q + 1) & mask) {
        if ((v & 0xFFFFFFFF00000000ULL) == tag) {
            uint32_t k = (uint32_t)v - 1;
            if (t->pos[2 * k] == x && t->pos[2 * k + 1] == y)
                return (int32_t)k;
        }
    }
    if (t->npos == t->cappos) {
        t->cappos = t->cappos ? 2 * t->cappos : 1 << 14;
        t->pos = safer__xreallocarray(t->pos, t->cappos, 2 * sizeof(double));
    }
    t->pos[2 * t->npos] = x;
    t->pos[2 * t->npos + 1] = y;
    t->slot[q] = tag | (uint64_t)(t->npos + 1);
    return (int32_t)t->npos++;
}

/* The ward of an LSOA code (index into t->wards), -1 none. */
static int32_t lsoa_ward(const struct safer__tally *t, const struct safer__strview *v)
{
    if (v->len == 0)
        return -1;
    char *code = safer__xstrndup(v->ptr, v->len);
    long k = safer__find_str(t->lsoa_ward.a, t->lsoa_ward.n, code);
    free(code);
    if (k < 0)
        return -1;
    return (int32_t)safer__find_str(t->codes, t->nwards, t->lsoa_ward.b[k]);
}

struct type_order {
    const struct safer__strview *v;
    uint32_t i;
};

static int cmp_type(const void *a, const void *b)
{
    const struct safer__strview *x = ((const struct type_order *)a)->v;
    const struct safer__strview *y = ((const struct type_order *)b)->v;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->ptr, y->ptr, n);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

int safer__tally_add(struct safer_store *st, struct safer__tally *t, const char *force,
                     int32_t month, const void *hot, size_t hlen, int64_t rows,
                     struct safer_err *err)
{
    struct safer__hot h;
    int bad = !hot || safer__hot_decode(hot, hlen, &h) < 0;
    if (!bad && (int64_t)h.n != rows) {
        safer__hot_release(&h);
        bad = 1;
    }
    if (bad)
        return safer_err_set(err, SAFER_EDB, "%s: stored records of '%s' are damaged",
                             safer_store_name(st), force);
    /* The types in byte order, so the rows go in in the table's key order. */
    uint32_t nt = h.ntypes;
    struct type_order *order = safer__xmalloc(sizeof(*order) * (nt ? nt : 1));
    uint32_t *rank = safer__xmalloc(sizeof(uint32_t) * (nt ? nt : 1));
    for (uint32_t k = 0; k < nt; k++)
        order[k] = (struct type_order){&h.types[k], k};
    qsort(order, nt, sizeof(*order), cmp_type);
    SAFER__GROW(t->pubs, t->cappubs, t->npubs + 1);
    struct tallied *p = &t->pubs[t->npubs++];
    memset(p, 0, sizeof(*p));
    p->force = safer__xstrdup(force);
    p->month = month;
    p->ntypes = nt;
    p->types = safer__xmalloc(sizeof(char *) * (nt ? nt : 1));
    for (uint32_t k = 0; k < nt; k++) {
        rank[order[k].i] = k;
        p->types[k] = safer__xstrndup(order[k].v->ptr, order[k].v->len);
    }
    if (nt > UINT16_MAX || h.n >= (uint32_t)INT32_MAX || t->npos >= (size_t)INT32_MAX - h.n) {
        free(order);
        free(rank);
        safer__hot_release(&h);
        return safer_err_set(err, SAFER_ETOOBIG, "%s: too many records or crime types to count",
                             force);
    }
    p->n = h.n;
    p->at = safer__xmalloc(sizeof(int32_t) * ((size_t)h.n + 1));
    p->type = safer__xmalloc(sizeof(uint16_t) * ((size_t)h.n + 1));
    int32_t *by_lsoa = safer__xmalloc(sizeof(int32_t) * (h.nlsoas ? h.nlsoas : 1));
    for (uint32_t i = 0; i < h.nlsoas; i++)
        by_lsoa[i] = lsoa_ward(t, &h.lsoas[i]);
    /* With a million records the table of points outgrows the CPU's caches:
     * each block of records is looked up in two passes, the first hashing
     * and prefetching the slots, as safer_crimes_load does. */
    enum { BLOCK = 32 };
    for (uint32_t base = 0; base < h.n; base += BLOCK) {
        uint32_t m = h.n - base < BLOCK ? h.n - base : BLOCK;
        double bx[BLOCK], by[BLOCK];
        for (uint32_t j = 0; j < m; j++) {
            safer__hot_point(&h, base + j, &bx[j], &by[j]);
            if (t->nslots && !isnan(bx[j]))
                __builtin_prefetch(
                    &t->slot[(size_t)safer__position_hash(bx[j], by[j]) & (t->nslots - 1)]);
        }
        for (uint32_t j = 0; j < m; j++) {
            uint32_t i = base + j;
            int32_t w = by_lsoa[h.lsoa[i]];
            p->at[i] = isnan(bx[j]) ? (w < 0 ? -1 : -2 - w) : point_index(t, bx[j], by[j]);
            p->type[i] = (uint16_t)rank[h.type[i]];
        }
    }
    free(by_lsoa);
    free(order);
    free(rank);
    safer__hot_release(&h);
    return 0;
}

/* Rows go to the count table in statements of up to BATCH rows: one round
 * trip per batch on PostgreSQL, one statement instead of many on SQLite. */
#define BATCH 200

struct writer {
    struct safer_store *st;
    struct safer__stmt *full; /* prepared for BATCH rows */
    const char *force;
    int32_t month;
    const char *ward[BATCH];
    const char *type[BATCH];
    int64_t n[BATCH];
    size_t used;
};

static char *insert_sql(size_t rows)
{
    struct safer_buf b;
    safer_buf_init(&b, 1 << 20);
    safer_buf_puts(&b, "INSERT INTO crime_count(force, month, area_code, crime_type, count) VALUES");
    for (size_t i = 0; i < rows; i++)
        safer_buf_puts(&b, i ? ",(?,?,?,?,?)" : "(?,?,?,?,?)");
    return safer_buf_detach(&b, NULL);
}

static int flush(struct writer *w, struct safer_err *err)
{
    if (!w->used)
        return 0;
    struct safer__stmt *s = NULL;
    int rc = 0;
    if (w->used == BATCH && w->full) {
        s = w->full;
    } else {
        char *sql = insert_sql(w->used);
        rc = safer__prep(w->st, sql, &s, err);
        free(sql);
        if (rc == 0 && w->used == BATCH)
            w->full = s;
    }
    if (rc < 0)
        return rc;
    safer__stmt_reset(s);
    for (size_t i = 0; i < w->used; i++) {
        int p = (int)(5 * i);
        safer__bind_text(s, p + 1, w->force);
        safer__bind_int64(s, p + 2, w->month);
        safer__bind_text(s, p + 3, w->ward[i]);
        safer__bind_text(s, p + 4, w->type[i]);
        safer__bind_int64(s, p + 5, w->n[i]);
    }
    rc = safer__step_done(s, err);
    if (s != w->full)
        safer__stmt_finalize(s);
    w->used = 0;
    return rc;
}

/* The wards of points [k * SLICE, (k + 1) * SLICE). */
#define SLICE 4096
static void place_slice(void *arg, size_t k)
{
    struct safer__tally *t = arg;
    size_t to = (k + 1) * SLICE < t->npos ? (k + 1) * SLICE : t->npos;
    for (size_t i = k * SLICE; i < to; i++)
        t->ward[i] = safer_locator_find(t->loc, t->pos[2 * i], t->pos[2 * i + 1]);
}

/* Count publication k's records by (ward, type). */
static void count_one(void *arg, size_t k)
{
    struct safer__tally *t = arg;
    struct tallied *p = &t->pubs[k];
    size_t nt = p->ntypes ? p->ntypes : 1;
    p->count = safer__xcalloc((t->nwards + 1) * nt, sizeof(uint64_t));
    for (uint32_t i = 0; i < p->n; i++) {
        int32_t a = p->at[i];
        int32_t w = a >= 0 ? t->ward[a] : -2 - a;
        p->count[(size_t)(w + 1) * nt + p->type[i]]++;
    }
    free(p->at);
    free(p->type);
    p->at = NULL;
    p->type = NULL;
}

int safer__tally_write(struct safer_store *st, struct safer__tally *t, unsigned threads,
                       struct safer_err *err)
{
    struct safer__tasks g;
    safer__tasks_init(&g, threads);
    t->ward = safer__xmalloc(sizeof(int32_t) * (t->npos + 1));
    safer__parallel_for(&g, (t->npos + SLICE - 1) / SLICE, place_slice, t);
    safer__parallel_for(&g, t->npubs, count_one, t);

    struct writer w = {st, NULL, NULL, 0, {0}, {0}, {0}, 0};
    struct safer__stmt *del = NULL;
    int rc = safer__prep(st, "DELETE FROM crime_count WHERE force = ? AND month = ?", &del, err);
    for (size_t i = 0; rc == 0 && i < t->npubs; i++) {
        const struct tallied *p = &t->pubs[i];
        safer__stmt_reset(del);
        safer__bind_text(del, 1, p->force);
        safer__bind_int64(del, 2, p->month);
        rc = safer__step_done(del, err);
        w.force = p->force;
        w.month = p->month;
        for (size_t r = 0; rc == 0 && r <= t->nwards; r++) {
            for (uint32_t k = 0; rc == 0 && k < p->ntypes; k++) {
                uint64_t n = p->count[r * p->ntypes + k];
                if (!n)
                    continue;
                w.ward[w.used] = r ? t->codes[r - 1] : "";
                w.type[w.used] = p->types[k];
                w.n[w.used] = (int64_t)n;
                if (++w.used == BATCH)
                    rc = flush(&w, err);
            }
        }
        if (rc == 0)
            rc = flush(&w, err);
    }
    safer__stmt_finalize(del);
    safer__stmt_finalize(w.full);
    return rc;
}

int safer__store_recount(struct safer_store *st, struct safer_err *err)
{
    struct safer__tally *t;
    int rc = safer__tally_new(st, &t, err);
    if (rc < 0)
        return rc;
    struct safer__stmt *s = NULL;
    rc = safer__db_exec(st->db, "DELETE FROM crime_count", err);
    if (rc == 0)
        rc = safer__prep(st, "SELECT force, month, rows, hot FROM crime_batch ORDER BY force, month",
                         &s, err);
    while (rc == 0 && (rc = safer__step(s, err)) == 1) {
        size_t len;
        const void *hot = safer__col_blob(s, 3, &len);
        rc = safer__tally_add(st, t, safer__col_text(s, 0), (int32_t)safer__col_int64(s, 1), hot,
                              len, safer__col_int64(s, 2), err);
    }
    safer__stmt_finalize(s);
    if (rc == 0)
        rc = safer__tally_write(st, t, 1, err);
    safer__tally_free(t);
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
                         " WHERE (CAST(?1 AS TEXT) IS NULL OR area_code = ?1)"
                         " AND (CAST(?2 AS TEXT) IS NULL OR crime_type = ?2)"
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
