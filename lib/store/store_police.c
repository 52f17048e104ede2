/*
 * store_police.c - crime and outcome publications in the store: writing
 * parsed files, reading the records back for the assessment and for
 * export, and the outcomes for whoever joins them to crimes.
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/colblob.h"
#include "util/internal.h"
#include "safer/limits.h"
#include "store/store_impl.h"

/* Is the stored copy of (force, month) from a file with this checksum? */
static int publication_unchanged(struct safer__stmt *q, const struct safer__pub *g,
                                 const char *checksum, struct safer_err *err)
{
    safer__stmt_reset(q);
    safer__bind_text(q, 1, g->force);
    safer__bind_int64(q, 2, g->month);
    int rc = safer__step(q, err);
    if (rc == 1)
        rc = strcmp(safer__col_text(q, 0), checksum) == 0;
    return rc;
}

/* Write the new row of a publication, and its blobs (an outcomes
 * publication has one, in g->hot, bound to parameter 7 of `ins`). */
static int insert_publication(struct safer_store *st, struct safer__stmt *ins,
                              const struct safer__pub *g, int outcomes, int64_t log_id,
                              const char *checksum, struct safer_err *err)
{
    int sqlite = st->db->engine == SAFER__SQLITE;
    const char *table = outcomes ? "outcome_batch" : "crime_batch";
    safer__stmt_reset(ins);
    safer__bind_text(ins, 1, g->force);
    safer__bind_int64(ins, 2, g->month);
    safer__bind_int64(ins, 3, (int64_t)g->rows);
    safer__bind_int64(ins, 4, (int64_t)g->rows_read);
    safer__bind_int64(ins, 5, log_id);
    safer__bind_text(ins, 6, checksum);
    if (sqlite) {
        /* Room for the blobs, then the blobs written into it: SQLite does
         * not assemble a megabyte-long record first. */
        safer__sqlite_bind_zeroblob(ins, 7, g->hot.len);
        if (!outcomes)
            safer__sqlite_bind_zeroblob(ins, 8, g->cold.len);
    } else {
        safer__bind_blob(ins, 7, g->hot.ptr, g->hot.len);
        if (!outcomes)
            safer__bind_blob(ins, 8, g->cold.ptr, g->cold.len);
    }
    int rc = safer__step(ins, err);
    if (rc == 0)
        rc = safer__db_fail(st->db, err, "cannot store crime records", "no row id");
    if (rc < 0)
        return rc;
    int64_t row = safer__col_int64(ins, 0);
    rc = safer__step_done(ins, err);
    if (rc == 0 && sqlite)
        rc = safer__sqlite_blob_write(st->db, table, outcomes ? "data" : "hot", row, g->hot.ptr,
                                      g->hot.len, err);
    if (rc == 0 && sqlite && !outcomes)
        rc = safer__sqlite_blob_write(st->db, table, "cold", row, g->cold.ptr, g->cold.len, err);
    return rc;
}

static int log_file(struct safer_store *st, const struct safer__pubfile *f, int64_t *log_id,
                    struct safer_err *err)
{
    int32_t mfirst = INT32_MAX, mlast = INT32_MIN;
    const char *force = NULL;
    int several = 0;
    for (size_t i = 0; i < f->npubs; i++) {
        const struct safer__pub *g = &f->pubs[i];
        if (g->month < mfirst)
            mfirst = g->month;
        if (g->month > mlast)
            mlast = g->month;
        if (force && strcmp(force, g->force))
            several = 1;
        force = g->force;
    }
    char m1[8] = "", m2[8] = "", now[32];
    if (f->npubs) {
        safer__format_month(mfirst, m1);
        safer__format_month(mlast, m2);
    }
    safer__now_iso(now);
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "INSERT INTO import_log(kind, file, checksum, force, month_first,"
                         " month_last, rows_read, imported, rejected, replaced, imported_at)"
                         " VALUES(?, ?, ?, ?, ?, ?, ?, 0, ?, 0, ?) RETURNING id",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_text(s, 1, f->outcomes ? "police-outcomes" : "police");
    safer__bind_text(s, 2, safer__base_name(f->path));
    safer__bind_text(s, 3, f->checksum);
    safer__bind_text(s, 4, several ? "(several)" : force);
    safer__bind_text(s, 5, f->npubs ? m1 : NULL);
    safer__bind_text(s, 6, f->npubs ? m2 : NULL);
    safer__bind_int64(s, 7, (int64_t)f->rows_read);
    safer__bind_int64(s, 8, (int64_t)f->rejected);
    safer__bind_text(s, 9, now);
    rc = safer__step(s, err);
    if (rc == 1) {
        *log_id = safer__col_int64(s, 0);
        rc = safer__step_done(s, err);
    } else if (rc == 0) {
        rc = safer__db_fail(st->db, err, "cannot write the import log", "no row id");
    }
    safer__stmt_finalize(s);
    return rc;
}

int safer__store_police_file(struct safer_store *st, struct safer__pubfile *f,
                             struct safer_import_stats *stats, struct safer_err *err)
{
    struct safer__stmt *q = NULL, *del = NULL, *ins = NULL, *s = NULL;
    size_t changed = 0;
    int64_t log_id = 0;
    uint64_t imported = 0, replaced = 0;
    /* Which of the file's publications are stored already from this very file. */
    unsigned char *same = safer__xcalloc(f->npubs ? f->npubs : 1, 1);
    int rc = safer__prep(st,
                         f->outcomes
                             ? "SELECT checksum FROM outcome_batch WHERE force = ? AND month = ?"
                             : "SELECT checksum FROM crime_batch WHERE force = ? AND month = ?",
                         &q, err);
    for (size_t i = 0; rc == 0 && i < f->npubs; i++) {
        rc = publication_unchanged(q, &f->pubs[i], f->checksum, err);
        if (rc >= 0) {
            same[i] = (unsigned char)rc;
            changed += !rc;
            rc = 0;
        }
    }
    if (rc < 0)
        goto out;
    if (f->npubs && !changed) {
        stats->files_unchanged++;
        goto out;
    }
    rc = log_file(st, f, &log_id, err);
    if (rc == 0)
        rc = safer__prep(st,
                         f->outcomes ? "DELETE FROM outcome_batch WHERE force = ? AND month = ?"
                                       " RETURNING rows"
                                     : "DELETE FROM crime_batch WHERE force = ? AND month = ?"
                                       " RETURNING rows",
                         &del, err);
    if (rc == 0)
        rc = safer__prep(st,
                         f->outcomes
                             ? "INSERT INTO outcome_batch(force, month, rows, rows_read, log_id,"
                               " checksum, data) VALUES(?, ?, ?, ?, ?, ?, ?) RETURNING id"
                             : "INSERT INTO crime_batch(force, month, rows, rows_read, log_id,"
                               " checksum, hot, cold) VALUES(?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                         &ins, err);
    for (size_t i = 0; rc == 0 && i < f->npubs; i++) {
        const struct safer__pub *g = &f->pubs[i];
        if (same[i])
            continue;
        safer__stmt_reset(del);
        safer__bind_text(del, 1, g->force);
        safer__bind_int64(del, 2, g->month);
        while ((rc = safer__step(del, err)) == 1)
            replaced += (uint64_t)safer__col_int64(del, 0);
        if (rc == 0)
            rc = insert_publication(st, ins, g, f->outcomes, log_id, f->checksum, err);
        if (rc == 0) {
            f->pubs[i].stored = 1;
            imported += g->rows;
        }
    }
    if (rc < 0)
        goto out;

    rc = safer__prep(st, "UPDATE import_log SET imported = ?, replaced = ? WHERE id = ?", &s, err);
    if (rc == 0) {
        safer__bind_int64(s, 1, (int64_t)imported);
        safer__bind_int64(s, 2, (int64_t)replaced);
        safer__bind_int64(s, 3, log_id);
        rc = safer__step_done(s, err);
    }
    safer__stmt_finalize(s);
    s = NULL;
    if (rc == 0 && f->nrejects)
        rc = safer__prep(st, "INSERT INTO import_reject(log_id, line, reason) VALUES(?, ?, ?)", &s,
                         err);
    for (size_t i = 0; rc == 0 && i < f->nrejects; i++) {
        safer__stmt_reset(s);
        safer__bind_int64(s, 1, log_id);
        safer__bind_int64(s, 2, (int64_t)f->rejects[i].line);
        safer__bind_text(s, 3, f->rejects[i].msg);
        rc = safer__step_done(s, err);
    }
    if (rc == 0) {
        stats->rows_imported += imported;
        stats->rows_replaced += replaced;
    }
out:
    safer__stmt_finalize(q);
    safer__stmt_finalize(del);
    safer__stmt_finalize(ins);
    safer__stmt_finalize(s);
    free(same);
    return rc;
}

/* ---- reading back ---- */


void safer_crimes_release(struct safer_crimes *c)
{
    free(c->loc);
    free(c->type);
    free(c->xy);
    free(c->batches);
    for (size_t i = 0; i < c->nforces; i++)
        free(c->forces[i]);
    for (size_t i = 0; i < c->ntypes; i++)
        free(c->types[i]);
    for (size_t i = 0; i < c->nlsoas; i++)
        free(c->lsoas[i]);
    free(c->forces);
    free(c->types);
    free(c->lsoas);
    free(c->where);
    free(c->outcome);
    for (size_t i = 0; i < c->nwheres; i++)
        free(c->wheres[i]);
    for (size_t i = 0; i < c->noutcomes; i++)
        free(c->outcomes[i]);
    free(c->wheres);
    free(c->outcomes);
    memset(c, 0, sizeof(*c));
}

/* A dictionary string and its index, sorted by the string's bytes. */
struct ranked {
    const char *s;
    size_t len;
    uint32_t i;
};

static int cmp_ranked(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->s, y->s, n);
    if (c)
        return c;
    return x->len < y->len ? -1 : x->len > y->len;
}

/* Sort the dictionary's strings; (*rank)[i] is string i's rank. Returns the sorted copies. */
static char **sorted_strings(const struct safer__dict *d, uint32_t **rank)
{
    size_t n = d->count ? d->count : 1;
    struct ranked *v = safer__xmalloc(sizeof(*v) * n);
    for (uint32_t i = 0; i < d->count; i++) {
        v[i].s = safer__dict_str(d, i, &v[i].len);
        v[i].i = i;
    }
    qsort(v, d->count, sizeof(*v), cmp_ranked);
    char **out = safer__xmalloc(sizeof(char *) * n);
    *rank = safer__xmalloc(sizeof(uint32_t) * n);
    for (uint32_t i = 0; i < d->count; i++) {
        out[i] = safer__xstrndup(v[i].s, v[i].len);
        (*rank)[v[i].i] = i;
    }
    free(v);
    return out;
}

/*
 * The distinct locations, found by open addressing on the coordinates' bits.
 * A slot holds the upper half of the hash and the location's index + 1 (0
 * empty), so a probe reads one word and compares coordinates only when the
 * hashes agree; a location's two coordinates sit side by side, so that
 * comparison reads one cache line. With a million records the table and
 * the coordinates outgrow the CPU's caches, so each block of points is
 * looked up in three passes: hash and prefetch the slots, prefetch the
 * coordinates the slots name, then probe. The table grows at 70% full.
 */
struct locations {
    uint64_t *slot;
    size_t nslots, n, cap;
    double *xy;
};

static void locations_init(struct locations *t, size_t rows)
{
    memset(t, 0, sizeof(*t));
    t->nslots = 1 << 12;
    while (t->nslots < rows / 2)
        t->nslots *= 2;
    t->slot = safer__xcalloc(t->nslots, sizeof(uint64_t));
    /* Room for a location per record, so the coordinates never move: only
     * the pages used are ever touched. */
    t->cap = rows > (1 << 12) ? rows : (1 << 12);
    t->xy = safer__xmalloc(2 * sizeof(double) * t->cap);
}

static void locations_grow(struct locations *t)
{
    size_t n = t->nslots * 2;
    free(t->slot);
    t->slot = safer__xcalloc(n, sizeof(uint64_t));
    t->nslots = n;
    for (size_t q = 0; q < t->n; q++) {
        uint64_t h = safer__position_hash(t->xy[2 * q], t->xy[2 * q + 1]);
        size_t k = (size_t)h & (n - 1);
        while (t->slot[k])
            k = (k + 1) & (n - 1);
        t->slot[k] = (h & 0xFFFFFFFF00000000ULL) | (uint64_t)(q + 1);
    }
}

static int32_t locations_find(struct locations *t, double x, double y, uint64_t h)
{
    uint64_t tag = h & 0xFFFFFFFF00000000ULL;
    size_t mask = t->nslots - 1, k = (size_t)h & mask;
    for (;;) {
        uint64_t v = t->slot[k];
        if (v == 0)
            break;
        if ((v & 0xFFFFFFFF00000000ULL) == tag) {
            uint32_t i = (uint32_t)v - 1;
            if (t->xy[2 * i] == x && t->xy[2 * i + 1] == y)
                return (int32_t)i;
        }
        k = (k + 1) & mask;
    }
    if (t->n >= (size_t)INT32_MAX)
        return -1;
    if (t->n == t->cap) {
        t->cap *= 2;
        t->xy = safer__xreallocarray(t->xy, t->cap, 2 * sizeof(double));
    }
    t->xy[2 * t->n] = x;
    t->xy[2 * t->n + 1] = y;
    t->slot[k] = tag | (uint64_t)(t->n + 1);
    int32_t i = (int32_t)t->n++;
    if (10 * t->n > 7 * t->nslots)
        locations_grow(t);
    return i;
}

/* Decode one batch's points into locations; records without one get -1 for now. */
static int batch_points(struct safer__blobrd *r, uint32_t n, struct locations *t, int32_t *loc)
{
    enum { BLOCK = 32 };
    const unsigned char *kind = safer__rd_bytes(r, 1);
    if (!kind || *kind > 1)
        return -1;
    size_t width = *kind == 0 ? 4 : 8;
    const unsigned char *px = safer__rd_bytes(r, n * width);
    const unsigned char *py = safer__rd_bytes(r, n * width);
    if (!px || !py)
        return -1;
    double bx[BLOCK], by[BLOCK];
    uint64_t bh[BLOCK];
    for (uint32_t base = 0; base < n; base += BLOCK) {
        uint32_t m = n - base < BLOCK ? n - base : BLOCK;
        for (uint32_t j = 0; j < m; j++) {
            size_t i = (size_t)base + j;
            if (width == 4) {
                int32_t mx, my;
                memcpy(&mx, px + 4 * i, 4);
                memcpy(&my, py + 4 * i, 4);
                bx[j] = mx == INT32_MIN ? NAN : (double)mx / 1e6;
                by[j] = (double)my / 1e6;
            } else {
                memcpy(&bx[j], px + 8 * i, 8);
                memcpy(&by[j], py + 8 * i, 8);
            }
            bh[j] = safer__position_hash(bx[j], by[j]);
            __builtin_prefetch(&t->slot[(size_t)bh[j] & (t->nslots - 1)]);
        }
        for (uint32_t j = 0; j < m; j++) {
            uint64_t v = t->slot[(size_t)bh[j] & (t->nslots - 1)];
            if (v)
                __builtin_prefetch(&t->xy[2 * (size_t)((uint32_t)v - 1)]);
        }
        for (uint32_t j = 0; j < m; j++) {
            int32_t *out = &loc[base + j];
            if (isnan(bx[j])) {
                *out = -1;
                continue;
            }
            *out = locations_find(t, bx[j], by[j], bh[j]);
            if (*out < 0)
                return -1;
        }
    }
    return 0;
}

int safer_crimes_load(struct safer_store *st, struct safer_crimes *out, struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    struct safer__stmt *s = NULL;
    /* The arrays are sized from the stored row counts, each checked against
     * its blob's length first: a damaged count cannot ask for more memory
     * than the blobs could describe. */
    int rc = safer__prep(st, "SELECT force, rows, length(hot) FROM crime_batch", &s, err);
    if (rc < 0)
        return rc;
    size_t total = 0, nbatches = 0;
    while ((rc = safer__step(s, err)) == 1) {
        int64_t rows = safer__col_int64(s, 1), len = safer__col_int64(s, 2);
        if (rows < 0 || len < 0 || rows > len / SAFER__HOT_MIN_RECORD) {
            rc = safer_err_set(err, SAFER_EDB, "%s: stored records of '%s' are damaged",
                               safer_store_name(st), safer__col_text(s, 0));
            break;
        }
        total += (size_t)rows;
        nbatches++;
    }
    safer__stmt_finalize(s);
    s = NULL;
    if (rc < 0)
        return rc;

    size_t cap = total ? total : 1;
    out->loc = safer__xmalloc(sizeof(int32_t) * cap);
    out->type = safer__xmalloc(sizeof(uint16_t) * cap);
    out->batches = safer__xcalloc(nbatches ? nbatches : 1, sizeof(*out->batches));

    struct safer__dict forces, types, lsoas;
    safer__dict_init(&forces);
    safer__dict_init(&types);
    safer__dict_init(&lsoas);
    struct locations t;
    locations_init(&t, total);
    uint32_t *map = NULL, *scratch = NULL;
    size_t mapcap = 0, scratchcap = 0;

    rc = safer__prep(st, "SELECT force, month, rows, hot FROM crime_batch ORDER BY force, month",
                     &s, err);
    if (rc < 0)
        goto fail;
    size_t n = 0, nb = 0;
    while ((rc = safer__step(s, err)) == 1) {
        const char *force = safer__col_text(s, 0);
        int32_t month = (int32_t)safer__col_int64(s, 1);
        int64_t rows = safer__col_int64(s, 2);
        int64_t fidx = safer__dict_intern(&forces, force, strlen(force));
        size_t blen;
        const void *blob = safer__col_blob(s, 3, &blen);
        struct safer__blobrd r = {blob, (const unsigned char *)blob + blen, 0};
        const unsigned char *magic = safer__rd_bytes(&r, 4);
        uint32_t bn = safer__rd_u32(&r);
        uint32_t nt = 0, nl = 0;
        struct safer__strview *tv = safer__rd_dict(&r, &nt);
        struct safer__strview *lv = safer__rd_dict(&r, &nl);
        /* The blob's own count must be the row's, and is checked (against
         * the blob's length too) before anything is sized from it. */
        int bad = r.bad || !magic || memcmp(magic, "SHB2", 4) || (int64_t)bn != rows ||
                  (size_t)bn > blen / SAFER__HOT_MIN_RECORD || n + bn > total ||
                  nb >= nbatches || fidx < 0 || fidx > UINT16_MAX;
        if (!bad)
            bad = batch_points(&r, bn, &t, out->loc + n) < 0;
        if (!bad) {
            SAFER__GROW(map, mapcap, (size_t)nt + nl + 1);
            SAFER__GROW(scratch, scratchcap, 2 * (size_t)bn + 1);
            bad = safer__rd_index(&r, bn, scratch) < 0 || safer__rd_index(&r, bn, scratch + bn) < 0;
        }
        for (uint32_t i = 0; !bad && i < nt; i++) {
            int64_t v = safer__dict_intern(&types, tv[i].ptr, tv[i].len);
            map[i] = v < 0 ? 0 : (uint32_t)v;
        }
        for (uint32_t i = 0; !bad && i < nl; i++) {
            int64_t v = safer__dict_intern(&lsoas, lv[i].ptr, lv[i].len);
            map[nt + i] = v < 0 ? 0 : (uint32_t)v;
        }
        bad |= types.count > UINT16_MAX || lsoas.count > (uint32_t)INT32_MAX;
        for (uint32_t i = 0; i < bn && !bad; i++) {
            uint32_t ty = scratch[i], l = scratch[bn + i];
            if (ty >= nt || l >= nl) {
                bad = 1;
                break;
            }
            out->type[n + i] = (uint16_t)map[ty];
            /* Until the LSOA codes are sorted: -1 - unsorted index. */
            if (out->loc[n + i] < 0)
                out->loc[n + i] = -1 - (int32_t)map[nt + l];
        }
        free(tv);
        free(lv);
        if (bad) {
            rc = safer_err_set(err, SAFER_EDB, "%s: stored records of '%s' are damaged",
                               safer_store_name(st), force);
            goto fail;
        }
        out->batches[nb++] = (struct safer_crime_batch){(uint16_t)fidx, month, n, bn};
        n += bn;
    }
    if (rc < 0)
        goto fail;
    safer__stmt_finalize(s);
    s = NULL;
    out->n = n;
    out->nbatches = nb;
    out->nlocs = t.n;
    out->xy = t.xy;
    t.xy = NULL;

    /* Give every dictionary byte order, so outputs sort by index. */
    uint32_t *rank;
    out->forces = sorted_strings(&forces, &rank);
    out->nforces = forces.count;
    for (size_t b = 0; b < nb; b++)
        out->batches[b].force = (uint16_t)rank[out->batches[b].force];
    free(rank);
    out->types = sorted_strings(&types, &rank);
    out->ntypes = types.count;
    for (size_t i = 0; i < n; i++)
        out->type[i] = (uint16_t)rank[out->type[i]];
    free(rank);
    if (lsoas.count == 0)
        safer__dict_intern(&lsoas, "", 0);
    out->lsoas = sorted_strings(&lsoas, &rank);
    out->nlsoas = lsoas.count;
    for (size_t i = 0; i < n; i++) {
        if (out->loc[i] < 0)
            out->loc[i] = -1 - (int32_t)rank[-1 - out->loc[i]];
    }
    free(rank);
    rc = 0;
    goto done;
fail:
    safer_crimes_release(out);
done:
    safer__stmt_finalize(s);
    free(t.slot);
    free(t.xy);
    free(map);
    free(scratch);
    safer__dict_release(&forces);
    safer__dict_release(&types);
    safer__dict_release(&lsoas);
    return rc;
}

int safer_crimes_load_text(struct safer_store *st, struct safer_crimes *c, struct safer_err *err)
{
    struct safer__stmt *s = NULL;
    struct safer__dict wheres, outcomes;
    safer__dict_init(&wheres);
    safer__dict_init(&outcomes);
    uint32_t *map = NULL, *idx = NULL;
    size_t mapcap = 0, idxcap = 0;
    c->where = safer__xmalloc(sizeof(uint32_t) * (c->n ? c->n : 1));
    c->outcome = safer__xmalloc(sizeof(uint16_t) * (c->n ? c->n : 1));
    int rc = safer__prep(st, "SELECT force, rows, cold FROM crime_batch ORDER BY force, month", &s,
                         err);
    size_t b = 0;
    while (rc == 0 && (rc = safer__step(s, err)) == 1) {
        rc = 0;
        size_t len;
        const void *blob = safer__col_blob(s, 2, &len);
        int64_t rows = safer__col_int64(s, 1);
        struct safer__blobrd r = {blob, blob ? (const unsigned char *)blob + len : NULL, 0};
        const unsigned char *magic = safer__rd_bytes(&r, 4);
        uint32_t n = safer__rd_u32(&r);
        uint32_t cnt[5] = {0};
        struct safer__strview *dv[5] = {NULL};
        for (int k = 0; k < 5; k++)
            dv[k] = safer__rd_dict(&r, &cnt[k]);
        /* dictionaries: 0 falls within, 1 location, 2 LSOA name, 3 outcome, 4 context */
        int bad = !blob || !magic || memcmp(magic, "SCB2", 4) || (int64_t)n != rows ||
                  b >= c->nbatches || n != c->batches[b].count || n > len / 5;
        SAFER__GROW(idx, idxcap, 5 * (size_t)n + 1);
        for (int k = 0; !bad && k < 5; k++)
            bad = safer__rd_index(&r, n, idx + (size_t)k * n) < 0;
        SAFER__GROW(map, mapcap, (size_t)cnt[1] + cnt[3] + 1);
        for (uint32_t i = 0; !bad && i < cnt[1]; i++) {
            int64_t v = safer__dict_intern(&wheres, dv[1][i].ptr, dv[1][i].len);
            bad = v < 0;
            map[i] = (uint32_t)v;
        }
        for (uint32_t i = 0; !bad && i < cnt[3]; i++) {
            int64_t v = safer__dict_intern(&outcomes, dv[3][i].ptr, dv[3][i].len);
            bad = v < 0 || v > UINT16_MAX;
            map[cnt[1] + i] = (uint32_t)v;
        }
        size_t first = bad ? 0 : c->batches[b].first;
        for (uint32_t i = 0; !bad && i < n; i++) {
            uint32_t w = idx[(size_t)n + i], o = idx[3 * (size_t)n + i];
            bad = w >= cnt[1] || o >= cnt[3];
            if (!bad) {
                c->where[first + i] = map[w];
                c->outcome[first + i] = (uint16_t)map[cnt[1] + o];
            }
        }
        for (int k = 0; k < 5; k++)
            free(dv[k]);
        if (bad || r.bad)
            rc = safer_err_set(err, SAFER_EDB, "%s: stored records of '%s' are damaged",
                               safer_store_name(st), safer__col_text(s, 0));
        b++;
    }
    safer__stmt_finalize(s);
    if (rc == 0 && b != c->nbatches)
        rc = safer_err_set(err, SAFER_EDB, "%s: the stored records changed while being read",
                           safer_store_name(st));
    if (rc == 0) {
        /* Byte order, so outputs sort by index; "" present in both. */
        safer__dict_intern(&wheres, "", 0);
        safer__dict_intern(&outcomes, "", 0);
        uint32_t *rank;
        c->wheres = sorted_strings(&wheres, &rank);
        c->nwheres = wheres.count;
        for (size_t i = 0; i < c->n; i++)
            c->where[i] = rank[c->where[i]];
        free(rank);
        c->outcomes = sorted_strings(&outcomes, &rank);
        c->noutcomes = outcomes.count;
        for (size_t i = 0; i < c->n; i++)
            c->outcome[i] = (uint16_t)rank[c->outcome[i]];
        free(rank);
    } else {
        free(c->where);
        free(c->outcome);
        c->where = NULL;
        c->outcome = NULL;
    }
    free(map);
    free(idx);
    safer__dict_release(&wheres);
    safer__dict_release(&outcomes);
    return rc;
}

int safer_publications_list(struct safer_store *st, struct safer_publication **out, size_t *n,
                            struct safer_err *err)
{
    *out = NULL;
    *n = 0;
    struct safer__stmt *s;
    int rc = safer__prep(
        st,
        "SELECT b.force, b.month, b.rows, b.rows_read, l.file, b.checksum, l.imported_at,"
        " l.rejected"
        " FROM crime_batch b JOIN import_log l ON l.id = b.log_id ORDER BY b.force, b.month",
        &s, err);
    if (rc < 0)
        return rc;
    size_t cap = 0;
    struct safer_publication *v = NULL;
    while ((rc = safer__step(s, err)) == 1) {
        SAFER__GROW(v, cap, *n + 1);
        struct safer_publication *p = &v[*n];
        memset(p, 0, sizeof(*p));
        snprintf(p->force, sizeof(p->force), "%s", safer__col_text(s, 0));
        p->month = (int32_t)safer__col_int64(s, 1);
        p->rows = safer__col_int64(s, 2);
        p->rows_read = safer__col_int64(s, 3);
        snprintf(p->file, sizeof(p->file), "%s", safer__col_text(s, 4));
        snprintf(p->checksum, sizeof(p->checksum), "%s", safer__col_text(s, 5));
        snprintf(p->imported_at, sizeof(p->imported_at), "%s", safer__col_text(s, 6));
        p->rejected = safer__col_int64(s, 7);
        (*n)++;
    }
    safer__stmt_finalize(s);
    if (rc < 0) {
        free(v);
        *n = 0;
        v = NULL;
    }
    *out = v;
    return rc;
}

static char *viewdup(const struct safer__strview *v) { return safer__xstrndup(v->ptr, v->len); }

/*
 * Record i's text, as police.uk writes it: its coordinates ("" when it has
 * none) in x and y, and copies of its `ndict` dictionary strings (a view
 * into a blob is not NUL-terminated) in str, which free_texts frees. The
 * indexes are column by column: dictionary k's of record i is idx[k*n + i].
 */
static void record_texts(double lon, double lat, char x[32], char y[32],
                         struct safer__strview *const *dv, const uint32_t *idx, size_t n,
                         size_t i, int ndict, char **str)
{
    x[0] = y[0] = '\0';
    if (!isnan(lon)) {
        safer__fmt_double(lon, x);
        safer__fmt_double(lat, y);
    }
    for (int k = 0; k < ndict; k++)
        str[k] = viewdup(&dv[k][idx[(size_t)k * n + i]]);
}

static void free_texts(char **str, int ndict)
{
    for (int k = 0; k < ndict; k++)
        free(str[k]);
}

int safer_police_each(struct safer_store *st, safer_police_row_fn row, void *ctx,
                      struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(
        st, "SELECT force, month, rows, hot, cold FROM crime_batch ORDER BY force, month", &s, err);
    if (rc < 0)
        return rc;
    while (rc == 0 && (rc = safer__step(s, err)) == 1) {
        rc = 0;
        const char *force = safer__col_text(s, 0);
        char month[8];
        safer__format_month((int)safer__col_int64(s, 1), month);
        size_t hl, cl;
        const void *hb = safer__col_blob(s, 3, &hl);
        const void *cb = safer__col_blob(s, 4, &cl);
        struct safer__blobrd h = {hb, (const unsigned char *)hb + hl, 0};
        struct safer__blobrd c = {cb, (const unsigned char *)cb + cl, 0};
        const unsigned char *hm = safer__rd_bytes(&h, 4);
        uint32_t n = safer__rd_u32(&h);
        /* Checked before anything is sized from it: against the blob's
         * length, and against the publication's stored row count. */
        if ((size_t)n > hl / SAFER__HOT_MIN_RECORD || (int64_t)n != safer__col_int64(s, 2)) {
            rc = safer_err_set(err, SAFER_EDB, "%s: stored records of '%s' are damaged",
                               safer_store_name(st), force);
            break;
        }
        uint32_t cnt[7] = {0};
        struct safer__strview *dv[7] = {NULL};
        dv[0] = safer__rd_dict(&h, &cnt[0]);
        dv[1] = safer__rd_dict(&h, &cnt[1]);
        double *lons = safer__xmalloc(sizeof(double) * ((size_t)n + 1));
        double *lats = safer__xmalloc(sizeof(double) * ((size_t)n + 1));
        uint32_t *idx = safer__xmalloc(sizeof(uint32_t) * (7 * (size_t)n + 1));
        int bad = !hm || memcmp(hm, "SHB2", 4) || safer__rd_points(&h, n, lons, lats) < 0 ||
                  safer__rd_index(&h, n, idx) < 0 || safer__rd_index(&h, n, idx + n) < 0;
        const unsigned char *cm = safer__rd_bytes(&c, 4);
        uint32_t cn = safer__rd_u32(&c);
        for (int k = 2; k < 7; k++)
            dv[k] = safer__rd_dict(&c, &cnt[k]);
        bad |= !cm || memcmp(cm, "SCB2", 4) || cn != n;
        for (int k = 2; k < 7 && !bad; k++)
            bad |= safer__rd_index(&c, n, idx + (size_t)k * n) < 0;
        if (h.bad || c.bad || bad) {
            rc = safer_err_set(err, SAFER_EDB, "%s: stored records of '%s' are damaged", safer_store_name(st),
                               force);
        }
        /* dictionary index k: 0 type, 1 lsoa, 2 falls, 3 location, 4 lsoa name, 5 outcome, 6 context */
        for (uint32_t i = 0; rc == 0 && i < n; i++) {
            int out_of_range = 0;
            for (int k = 0; k < 7; k++)
                out_of_range |= idx[(size_t)k * n + i] >= cnt[k];
            char id[65];
            char *idheap = NULL;
            const char *idp = out_of_range ? NULL : safer__rd_crime_id(&c, id, &idheap);
            if (!idp) {
                rc = safer_err_set(err, SAFER_EDB, "%s: stored records of '%s' are damaged",
                                   safer_store_name(st), force);
                break;
            }
            char lonbuf[32], latbuf[32], *str[7];
            record_texts(lons[i], lats[i], lonbuf, latbuf, dv, idx, n, i, 7, str);
            const char *fields[12] = {idp,    month,  force,  str[2], lonbuf, latbuf,
                                      str[3], str[1], str[4], str[0], str[5], str[6]};
            int r = row(ctx, fields, lons[i], lats[i]);
            free_texts(str, 7);
            free(idheap);
            if (r < 0)
                rc = r;
        }
        for (int k = 0; k < 7; k++)
            free(dv[k]);
        free(lons);
        free(lats);
        free(idx);
    }
    safer__stmt_finalize(s);
    return rc;
}

int safer_outcomes_each(struct safer_store *st, safer_outcome_row_fn row, void *ctx,
                        struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st, "SELECT force, month, data FROM outcome_batch ORDER BY force, month",
                         &s, err);
    if (rc < 0)
        return rc;
    /* dictionary k: 0 outcome type, 1 falls within, 2 location, 3 lsoa code, 4 lsoa name */
    enum { NDICT = 5 };
    while (rc == 0 && (rc = safer__step(s, err)) == 1) {
        rc = 0;
        const char *force = safer__col_text(s, 0);
        char month[8];
        safer__format_month((int)safer__col_int64(s, 1), month);
        size_t len;
        const void *blob = safer__col_blob(s, 2, &len);
        struct safer__blobrd r = {blob, (const unsigned char *)blob + len, 0};
        const unsigned char *magic = safer__rd_bytes(&r, 4);
        uint32_t n = safer__rd_u32(&r);
        /* Checked before anything is sized from it: a record takes at least
         * a crime id's tag, five index bytes and two 4-byte coordinates. */
        if (!magic || memcmp(magic, "SOB1", 4) || (size_t)n > len / 14) {
            rc = safer_err_set(err, SAFER_EDB, "%s: stored outcomes of '%s' are damaged",
                               safer_store_name(st), force);
            break;
        }
        uint32_t cnt[NDICT] = {0};
        struct safer__strview *dv[NDICT] = {NULL};
        for (int k = 0; k < NDICT; k++)
            dv[k] = safer__rd_dict(&r, &cnt[k]);
        double *lons = safer__xmalloc(sizeof(double) * ((size_t)n + 1));
        double *lats = safer__xmalloc(sizeof(double) * ((size_t)n + 1));
        uint32_t *idx = safer__xmalloc(sizeof(uint32_t) * (NDICT * (size_t)n + 1));
        int bad = r.bad || safer__rd_points(&r, n, lons, lats) < 0;
        for (int k = 0; k < NDICT && !bad; k++)
            bad = safer__rd_index(&r, n, idx + (size_t)k * n) < 0;
        for (size_t i = 0; i < NDICT * (size_t)n && !bad; i++)
            bad = idx[i] >= cnt[i / n];
        if (bad)
            rc = safer_err_set(err, SAFER_EDB, "%s: stored outcomes of '%s' are damaged",
                               safer_store_name(st), force);
        for (uint32_t i = 0; rc == 0 && i < n; i++) {
            char id[65];
            char *idheap = NULL;
            const char *idp = safer__rd_crime_id(&r, id, &idheap);
            if (!idp) {
                rc = safer_err_set(err, SAFER_EDB, "%s: stored outcomes of '%s' are damaged",
                                   safer_store_name(st), force);
                break;
            }
            char lonbuf[32], latbuf[32], *str[NDICT];
            record_texts(lons[i], lats[i], lonbuf, latbuf, dv, idx, n, i, NDICT, str);
            const char *fields[10] = {idp,    month,  force,  str[1], lonbuf,
                                      latbuf, str[2], str[3], str[4], str[0]};
            int cb = row(ctx, fields, lons[i], lats[i]);
            free_texts(str, NDICT);
            free(idheap);
            if (cb < 0)
                rc = cb;
        }
        for (int k = 0; k < NDICT; k++)
            free(dv[k]);
        free(lons);
        free(lats);
        free(idx);
    }
    safer__stmt_finalize(s);
    return rc;
}

/* Index of (p, len) in the sorted strings v[0..n), or -1. */
static long find_view(char *const *v, size_t n, const char *p, size_t len)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        size_t ml = strlen(v[mid]);
        int c = memcmp(v[mid], p, ml < len ? ml : len);
        if (c == 0)
            c = ml < len ? -1 : ml > len;
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/*
 * Call `fn` with each stored street publication's hot or cold blob, in the
 * order safer_crimes_load() reads them, and its batch of `c`. fn returns 0,
 * 1 when the blob is damaged, or a negative code to stop with. A
 * publication whose row count is not its batch's, or a store holding more
 * or fewer publications than `c`, is SAFER_EDB: they are not c's records.
 */
typedef int (*batch_blob_fn)(void *ctx, const struct safer_crime_batch *bt, const void *blob,
                             size_t len);

static int each_batch_blob(struct safer_store *st, const struct safer_crimes *c, int cold,
                           batch_blob_fn fn, void *ctx, struct safer_err *err)
{
    struct safer__stmt *s = NULL;
    int rc = safer__prep(st,
                         cold ? "SELECT force, rows, cold FROM crime_batch ORDER BY force, month"
                              : "SELECT force, rows, hot FROM crime_batch ORDER BY force, month",
                         &s, err);
    size_t b = 0;
    while (rc == 0 && (rc = safer__step(s, err)) == 1) {
        size_t len;
        const void *blob = safer__col_blob(s, 2, &len);
        rc = !blob || b >= c->nbatches || safer__col_int64(s, 1) != (int64_t)c->batches[b].count
                 ? 1
                 : fn(ctx, &c->batches[b], blob, len);
        if (rc == 1)
            rc = safer_err_set(err, SAFER_EDB, "%s: stored records of '%s' are damaged",
                               safer_store_name(st), safer__col_text(s, 0));
        b++;
    }
    safer__stmt_finalize(s);
    if (rc == 0 && b != c->nbatches)
        rc = safer_err_set(err, SAFER_EDB, "%s: the stored records changed while being read",
                           safer_store_name(st));
    return rc;
}

struct lsoa_read {
    const struct safer_crimes *c;
    uint32_t *out, *map;
    size_t mapcap;
};

static int lsoa_batch(void *ctx, const struct safer_crime_batch *bt, const void *blob, size_t len)
{
    struct lsoa_read *t = ctx;
    struct safer__hot hot;
    if (safer__hot_decode(blob, len, &hot) < 0)
        return 1;
    int bad = hot.n != bt->count;
    if (!bad)
        SAFER__GROW(t->map, t->mapcap, (size_t)hot.nlsoas + 1);
    for (uint32_t k = 0; !bad && k < hot.nlsoas; k++) {
        long v = find_view(t->c->lsoas, t->c->nlsoas, hot.lsoas[k].ptr, hot.lsoas[k].len);
        bad = v < 0;
        t->map[k] = (uint32_t)v;
    }
    for (uint32_t i = 0; !bad && i < hot.n; i++)
        t->out[bt->first + i] = t->map[hot.lsoa[i]];
    safer__hot_release(&hot);
    return bad;
}

int safer_crimes_load_lsoa(struct safer_store *st, const struct safer_crimes *c, uint32_t **lsoa,
                           struct safer_err *err)
{
    struct lsoa_read t = {c, safer__xmalloc(sizeof(uint32_t) * (c->n ? c->n : 1)), NULL, 0};
    int rc = each_batch_blob(st, c, 0, lsoa_batch, &t, err);
    free(t.map);
    if (rc < 0) {
        free(t.out);
        t.out = NULL;
    }
    *lsoa = t.out;
    return rc;
}

struct id_read {
    safer_crime_id_fn fn;
    void *ctx;
    uint32_t *idx;
    size_t idxcap;
};

static int id_batch(void *ctx, const struct safer_crime_batch *bt, const void *blob, size_t len)
{
    struct id_read *t = ctx;
    struct safer__blobrd r = {blob, (const unsigned char *)blob + len, 0};
    const unsigned char *magic = safer__rd_bytes(&r, 4);
    uint32_t n = safer__rd_u32(&r);
    /* The ids follow five dictionaries and five indexes, which are read
     * past (and checked, as every reader checks what it reads). */
    uint32_t cnt[5] = {0};
    struct safer__strview *dv[5] = {NULL};
    for (int k = 0; k < 5; k++)
        dv[k] = safer__rd_dict(&r, &cnt[k]);
    int bad = !magic || memcmp(magic, "SCB2", 4) || n != bt->count || n > len / 5;
    if (!bad)
        SAFER__GROW(t->idx, t->idxcap, (size_t)n + 1);
    for (int k = 0; !bad && k < 5; k++) {
        bad = safer__rd_index(&r, n, t->idx) < 0;
        for (uint32_t i = 0; !bad && i < n; i++)
            bad = t->idx[i] >= cnt[k];
    }
    int rc = 0;
    for (uint32_t i = 0; !bad && rc == 0 && i < n; i++) {
        char id[65];
        char *heap = NULL;
        const char *p = safer__rd_crime_id(&r, id, &heap);
        if (!p)
            bad = 1;
        else if ((rc = t->fn(t->ctx, bt->first + i, p)) > 0)
            rc = 0; /* only a negative value stops */
        free(heap);
    }
    for (int k = 0; k < 5; k++)
        free(dv[k]);
    return rc < 0 ? rc : bad || r.bad;
}

int safer_crimes_each_id(struct safer_store *st, const struct safer_crimes *c,
                         safer_crime_id_fn fn, void *ctx, struct safer_err *err)
{
    struct id_read t = {fn, ctx, NULL, 0};
    int rc = each_batch_blob(st, c, 1, id_batch, &t, err);
    free(t.idx);
    return rc;
}
