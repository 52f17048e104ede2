/*
 * store_partner.c - partner data sets (partner.h; tables partner_dataset
 * and partner_record of schema 7): stored a file at a time, and read back
 * as a table of counts by ward and month beside the police.uk count
 * table's.
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "safer/account.h"
#include "safer/arena.h"
#include "safer/auth.h"
#include "safer/partner.h"
#include "safer/place.h"
#include "safer/publish.h"
#include "store/store_impl.h"
#include "store/store_internal.h"
#include "util/internal.h"

int safer__partner_store(struct safer_store *st, const struct safer_partner_map *map,
                         const char *path, const char *checksum,
                         const struct safer__partner_rec *recs, size_t n,
                         struct safer_partner_stats *stats, struct safer_err *err)
{
    struct safer__stmt *s = NULL;
    int64_t id = -1;
    int rc = safer__store_begin_write(st, err);
    if (rc < 0)
        return rc;
    rc = safer__prep(st, "SELECT id FROM partner_dataset WHERE key = ?", &s, err);
    if (rc == 0) {
        safer__bind_text(s, 1, map->key);
        rc = safer__step(s, err);
        if (rc == 1) {
            id = safer__col_int64(s, 0);
            rc = 0;
        }
    }
    safer__stmt_finalize(s);
    s = NULL;
    if (rc == 0 && id >= 0) {
        stats->replaced = 1;
        rc = safer__run_id(st, "DELETE FROM partner_record WHERE dataset_id = ?", id, err);
        if (rc == 0)
            rc = safer__run_id(st, "DELETE FROM partner_dataset WHERE id = ?", id, err);
    }
    char now[32];
    safer__now_iso(now);
    if (rc == 0)
        rc = safer__prep(st,
                         "INSERT INTO partner_dataset(key, title, agency, source, licence,"
                         " threshold, place_kind, police_category, file, checksum, rows,"
                         " imported_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                         &s, err);
    if (rc == 0) {
        safer__bind_text(s, 1, map->key);
        safer__bind_text(s, 2, map->title);
        safer__bind_text(s, 3, map->agency);
        safer__bind_text(s, 4, map->source);
        safer__bind_text(s, 5, map->licence);
        safer__bind_int64(s, 6, map->threshold);
        safer__bind_text(s, 7, safer_place_kind_name((enum safer_place_kind)map->place_kind));
        safer__bind_text(s, 8, map->police_category);
        safer__bind_text(s, 9, safer__base_name(path));
        safer__bind_text(s, 10, checksum);
        safer__bind_int64(s, 11, (int64_t)n);
        safer__bind_text(s, 12, now);
        rc = safer__step(s, err);
        if (rc == 1) {
            id = safer__col_int64(s, 0);
            rc = 0;
        } else if (rc == 0) {
            rc = safer_err_set(err, SAFER_EDB, "%s: the data set was not stored", path);
        }
    }
    safer__stmt_finalize(s);
    s = NULL;
    if (rc == 0)
        rc = safer__prep(st,
                         "INSERT INTO partner_record(dataset_id, line, month, ward_code,"
                         " lsoa_code, x, y, category, count) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         &s, err);
    /* The wards the records fall in: the rows come in file order, so
     * count distinct codes with a small sorted list. */
    char(*seen)[SAFER_LIMIT_CODE + 1] = NULL;
    size_t nseen = 0, capseen = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const struct safer__partner_rec *r = &recs[i];
        safer__stmt_reset(s);
        safer__bind_int64(s, 1, id);
        safer__bind_int64(s, 2, r->line);
        safer__bind_int64(s, 3, r->month);
        safer__bind_text(s, 4, r->ward);
        safer__bind_text(s, 5, r->lsoa[0] ? r->lsoa : NULL);
        safer__bind_point(s, 6, r->x, r->y);
        safer__bind_text(s, 8, r->category);
        safer__bind_int64(s, 9, r->count);
        rc = safer__step_done(s, err);
        stats->records += r->count;
        if (stats->first < 0 || r->month < stats->first)
            stats->first = r->month;
        if (r->month > stats->last)
            stats->last = r->month;
        size_t lo = 0, hi = nseen;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (strcmp(seen[mid], r->ward) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == nseen || strcmp(seen[lo], r->ward) != 0) {
            safer__grow((void **)&seen, sizeof(*seen), &capseen, nseen + 1);
            memmove(&seen[lo + 1], &seen[lo], (nseen - lo) * sizeof(*seen));
            memcpy(seen[lo], r->ward, sizeof(seen[lo]));
            nseen++;
        }
    }
    free(seen);
    stats->wards = nseen;
    safer__stmt_finalize(s);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0)
        safer__store_rollback(st);
    return rc;
}

/* The data sets, inside the open read transaction. */
static int list_tx(struct safer_store *st, struct safer_arena *arena,
                   struct safer_partner_set **out, size_t *n, struct safer_err *err)
{
    *out = NULL;
    *n = 0;
    struct safer__stmt *s = NULL, *m = NULL;
    size_t cap = 0;
    struct safer_partner_set *v = NULL;
    int rc = safer__prep(st,
                     "SELECT d.id, d.key, d.title, d.agency, d.source, d.licence, d.file,"
                     " d.police_category, d.place_kind, d.threshold, d.rows,"
                     " (SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM partner_record r"
                     "  WHERE r.dataset_id = d.id)"
                     " FROM partner_dataset d ORDER BY d.key",
                     &s, err);
    if (rc == 0)
        rc = safer__prep(st,
                         "SELECT DISTINCT month FROM partner_record WHERE dataset_id = ?"
                         " ORDER BY month",
                         &m, err);
    while (rc == 0 && (rc = safer__step(s, err)) == 1) {
        safer__grow((void **)&v, sizeof(*v), &cap, *n + 1);
        struct safer_partner_set *p = &v[(*n)++];
        memset(p, 0, sizeof(*p));
        p->id = safer__col_int64(s, 0);
        const char **strs[] = {&p->key,  &p->title, &p->agency,          &p->source,
                               &p->licence, &p->file, &p->police_category, &p->place_kind};
        for (int i = 0; i < 8; i++) {
            const char *t = safer__col_text(s, i + 1);
            *strs[i] = safer_arena_strdup(arena, t ? t : "");
        }
        p->threshold = safer__col_int64(s, 9);
        p->rows = safer__col_int64(s, 10);
        p->records = safer__col_int64(s, 11);
        p->first = p->last = -1;
        safer__stmt_reset(m);
        safer__bind_int64(m, 1, p->id);
        int32_t months = 0;
        while ((rc = safer__step(m, err)) == 1) {
            int32_t mo = (int32_t)safer__col_int64(m, 0);
            if (p->first < 0)
                p->first = mo;
            p->last = mo;
            months++;
        }
        if (rc < 0)
            break;
        rc = 0;
        p->months_missing = p->first < 0 ? 0 : p->last - p->first + 1 - months;
    }
    safer__stmt_finalize(s);
    safer__stmt_finalize(m);
    if (rc < 0) {
        free(v);
        *n = 0;
        return rc;
    }
    if (*n) {
        *out = safer_arena_alloc(arena, *n * sizeof(*v));
        memcpy(*out, v, *n * sizeof(*v));
    }
    free(v);
    return 0;
}

int safer_partner_list(struct safer_store *st, struct safer_arena *arena,
                       struct safer_partner_set **out, size_t *n, struct safer_err *err)
{
    int rc = safer__store_begin_read(st, err);
    if (rc < 0)
        return rc;
    rc = list_tx(st, arena, out, n, err);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    else
        safer__store_rollback(st);
    return rc;
}

int safer_partner_find(struct safer_store *st, const char *key, struct safer_arena *arena,
                       struct safer_partner_set *out, struct safer_err *err)
{
    struct safer_partner_set *v;
    size_t n;
    int rc = safer_partner_list(st, arena, &v, &n, err);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(v[i].key, key) == 0) {
            *out = v[i];
            return 0;
        }
    }
    return safer_err_set(err, SAFER_ENOTFOUND,
                         "no partner data set '%s' in the store (safer partner list names "
                         "those held)",
                         key);
}

static long ward_index(const struct safer_partner_table *t, const char *code)
{
    size_t lo = 0, hi = t->nwards;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(t->ward[mid], code);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* The rows of (ward, month, count) of the data set or police category. */
static int read_counts(struct safer_store *st, const char *key, bool police, int64_t id,
                       int32_t first, int32_t last, struct safer_partner_table *t,
                       struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = police ? safer__prep(st,
                                  "SELECT area_code, month, CAST(SUM(count) AS BIGINT)"
                                  " FROM crime_count WHERE (?1 = '' OR crime_type = ?1)"
                                  " AND month >= ?2 AND month <= ?3 GROUP BY area_code, month",
                                  &s, err)
                    : safer__prep(st,
                                  "SELECT ward_code, month, CAST(SUM(count) AS BIGINT)"
                                  " FROM partner_record WHERE dataset_id = ?1"
                                  " AND month >= ?2 AND month <= ?3 GROUP BY ward_code, month",
                                  &s, err);
    if (rc < 0)
        return rc;
    if (police)
        safer__bind_text(s, 1, key);
    else
        safer__bind_int64(s, 1, id);
    safer__bind_int64(s, 2, first);
    safer__bind_int64(s, 3, last);
    while ((rc = safer__step(s, err)) == 1) {
        const char *w = safer__col_text(s, 0);
        int32_t m = (int32_t)safer__col_int64(s, 1);
        int64_t c = safer__col_int64(s, 2);
        long wi = w ? ward_index(t, w) : -1;
        if (wi < 0) {
            t->unplaced += c;
            continue;
        }
        t->cell[(size_t)wi * t->nmonths + (size_t)(m - t->first)] += c;
    }
    safer__stmt_finalize(s);
    return rc < 0 ? rc : 0;
}

/* The table, inside the open read transaction. */
static int read_tx(struct safer_store *st, const char *key, bool police, int32_t first,
                   int32_t last, struct safer_partner_table *t, struct safer_err *err)
{
    memset(t, 0, sizeof(*t));
    struct safer__stmt *s = NULL;
    int64_t id = -1;
    int rc = 0;
    /* The months: those given, else the data's own. */
    if (police)
        rc = safer__prep(st,
                         "SELECT MIN(month), MAX(month) FROM crime_count"
                         " WHERE (?1 = '' OR crime_type = ?1)",
                         &s, err);
    else
        rc = safer__prep(st,
                         "SELECT MIN(r.month), MAX(r.month), d.id FROM partner_dataset d"
                         " LEFT JOIN partner_record r ON r.dataset_id = d.id WHERE d.key = ?1"
                         " GROUP BY d.id",
                         &s, err);
    if (rc == 0) {
        safer__bind_text(s, 1, key);
        rc = safer__step(s, err);
        if (rc == 0 && !police)
            rc = safer_err_set(err, SAFER_ENOTFOUND,
                               "no partner data set '%s' in the store (safer partner list "
                               "names those held)",
                               key);
        else if (rc == 1) {
            if (!police)
                id = safer__col_int64(s, 2);
            if (first < 0)
                first = safer__col_is_null(s, 0) ? -1 : (int32_t)safer__col_int64(s, 0);
            if (last < 0)
                last = safer__col_is_null(s, 1) ? -1 : (int32_t)safer__col_int64(s, 1);
            rc = 0;
        }
    }
    safer__stmt_finalize(s);
    s = NULL;
    if (rc == 0 && (first < 0 || last < 0))
        rc = safer_err_set(err, SAFER_ENOTFOUND, "%s '%s' holds no records",
                           police ? "police.uk category" : "partner data set",
                           police && !*key ? "(all)" : key);
    if (rc == 0 && last < first)
        rc = safer_err_set(err, SAFER_EINVAL, "the window ends before it starts");
    if (rc == 0 && last - first + 1 > SAFER_LIMIT_WINDOW_MONTHS * 4)
        rc = safer_err_set(err, SAFER_ETOOBIG, "a partner table spans at most %d months",
                           SAFER_LIMIT_WINDOW_MONTHS * 4);
    /* The wards: every stored ward, with its population (the ward's own,
     * else the sum of its LSOAs' through the lookup). */
    if (rc == 0)
        rc = safer__prep(st,
                         "SELECT a.code, a.name,"
                         " COALESCE((SELECT population FROM population p"
                         "   WHERE p.code = a.code AND p.level = 'ward'),"
                         "  (SELECT SUM(p.population) FROM population p"
                         "   JOIN lookup_lsoa l ON l.lsoa_code = p.code"
                         "   WHERE p.level = 'lsoa' AND l.ward_code = a.code))"
                         " FROM area a WHERE a.level = 'ward' ORDER BY a.code",
                         &s, err);
    size_t cap = 0, capn = 0, capp = 0;
    while (rc == 0 && (rc = safer__step(s, err)) == 1) {
        safer__grow((void **)&t->ward, sizeof(*t->ward), &cap, t->nwards + 1);
        safer__grow((void **)&t->ward_name, sizeof(*t->ward_name), &capn, t->nwards + 1);
        safer__grow((void **)&t->population, sizeof(*t->population), &capp, t->nwards + 1);
        const char *c = safer__col_text(s, 0), *nm = safer__col_text(s, 1);
        snprintf(t->ward[t->nwards], sizeof(t->ward[0]), "%s", c ? c : "");
        t->ward_name[t->nwards] = safer__xstrdup(nm ? nm : "");
        t->population[t->nwards] = safer__col_is_null(s, 2) ? NAN : safer__col_double(s, 2);
        t->nwards++;
        rc = 0;
    }
    safer__stmt_finalize(s);
    if (rc == 0) {
        t->first = first;
        t->nmonths = (size_t)(last - first + 1);
        t->cell = safer__xcalloc(t->nwards * t->nmonths + 1, sizeof(*t->cell));
        rc = read_counts(st, key, police, id, first, last, t, err);
    }
    if (rc < 0) {
        safer_partner_table_release(t);
        return rc;
    }
    t->ward_total = safer__xcalloc(t->nwards + 1, sizeof(*t->ward_total));
    t->month_total = safer__xcalloc(t->nmonths + 1, sizeof(*t->month_total));
    for (size_t w = 0; w < t->nwards; w++) {
        for (size_t m = 0; m < t->nmonths; m++) {
            int64_t c = t->cell[w * t->nmonths + m];
            t->ward_total[w] += c;
            t->month_total[m] += c;
            t->total += c;
        }
    }
    return 0;
}

int safer_partner_read(struct safer_store *st, const char *key, bool police, int32_t first,
                       int32_t last, struct safer_partner_table *t, struct safer_err *err)
{
    int rc = safer__store_begin_read(st, err);
    if (rc < 0) {
        memset(t, 0, sizeof(*t));
        return rc;
    }
    rc = read_tx(st, key, police, first, last, t, err);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    else
        safer__store_rollback(st);
    if (rc < 0)
        safer_partner_table_release(t);
    return rc;
}

void safer_partner_data_free(struct safer_partner_data *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++) {
        safer_partner_table_release(&d->table[i]);
        safer_partner_table_release(&d->police[i]);
    }
    free(d->table);
    free(d->police);
    free(d->type_count);
    safer_arena_release(&d->arena);
    free(d);
}

int safer__partner_data_read(struct safer_store *st, struct safer_partner_data **out,
                             struct safer_err *err)
{
    struct safer_partner_data *d = safer__xcalloc(1, sizeof(*d));
    safer_arena_init(&d->arena);
    d->partnership = "";
    int rc = list_tx(st, &d->arena, &d->sets, &d->n, err);
    if (rc == 0) {
        d->table = safer__xcalloc(d->n + 1, sizeof(*d->table));
        d->police = safer__xcalloc(d->n + 1, sizeof(*d->police));
    }
    for (size_t i = 0; rc == 0 && i < d->n; i++) {
        const struct safer_partner_set *p = &d->sets[i];
        if (p->first < 0)
            continue; /* no records: an empty table */
        rc = read_tx(st, p->key, false, p->first, p->last, &d->table[i], err);
        if (rc == 0 && p->police_category[0]) {
            struct safer_err e2 = {0};
            /* No police records of the category: no police series. */
            int r2 = read_tx(st, p->police_category, true, p->first, p->last, &d->police[i], &e2);
            if (r2 < 0 && r2 != SAFER_ENOTFOUND)
                rc = safer_err_set(err, r2, "%s", e2.msg);
        }
    }
    if (rc < 0) {
        /* Tables not read are zeroed: release them all. */
        safer_partner_data_free(d);
        return rc;
    }
    *out = d;
    return 0;
}

/* Police.uk records by category and month over months first..last, all
 * wards (the count table), inside the open read transaction, into d. */
static int police_types(struct safer_store *st, int32_t first, int32_t last,
                        struct safer_partner_data *d, struct safer_err *err)
{
    char **tmp = NULL;
    char ***types = &tmp;
    size_t *ntypes = &d->ntypes;
    int64_t **counts = &d->type_count;
    *ntypes = 0;
    *counts = NULL;
    d->type_first = first;
    d->type_months = (size_t)(last - first + 1);
    size_t M = (size_t)(last - first + 1), cap = 0;
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "SELECT crime_type, month, CAST(SUM(count) AS BIGINT) FROM crime_count"
                         " WHERE month >= ? AND month <= ? GROUP BY crime_type, month"
                         " ORDER BY crime_type, month",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, first);
    safer__bind_int64(s, 2, last);
    while ((rc = safer__step(s, err)) == 1) {
        const char *t = safer__col_text(s, 0);
        int32_t m = (int32_t)safer__col_int64(s, 1);
        if (!t)
            continue;
        if (*ntypes == 0 || strcmp((*types)[*ntypes - 1], t) != 0) {
            size_t c2 = cap;
            safer__grow((void **)types, sizeof(**types), &cap, *ntypes + 1);
            safer__grow((void **)counts, M * sizeof(**counts), &c2, *ntypes + 1);
            (*types)[*ntypes] = safer__xstrdup(t);
            memset(*counts + *ntypes * M, 0, M * sizeof(**counts));
            (*ntypes)++;
        }
        if (m >= first && m <= last)
            (*counts)[(*ntypes - 1) * M + (size_t)(m - first)] = safer__col_int64(s, 2);
    }
    safer__stmt_finalize(s);
    /* The names move to the data's arena. */
    d->type_name = safer_arena_alloc(&d->arena, (*ntypes + 1) * sizeof(*d->type_name));
    for (size_t i = 0; i < *ntypes; i++) {
        d->type_name[i] = safer_arena_strdup(&d->arena, tmp[i]);
        free(tmp[i]);
    }
    free(tmp);
    if (rc < 0) {
        free(*counts);
        *counts = NULL;
        *ntypes = 0;
    }
    return rc < 0 ? rc : 0;
}

int safer_partner_live(struct safer_store *st, const struct safer_actor *actor,
                       int32_t types_first, int32_t types_last, struct safer_partner_data **out,
                       bool *unsuppressed, struct safer_err *err)
{
    *out = NULL;
    *unsuppressed = false;
    struct safer_arena arena;
    safer_arena_init(&arena);
    const char *code, *name, *area;
    int rc = safer_publish_target(st, actor, NULL, SAFER_PERM_VIEW_AGGREGATE, &arena, &code,
                                  &name, &area, err);
    if (rc == 0 && types_first >= 0 &&
        (types_last < types_first || types_last - types_first >= SAFER_LIMIT_WINDOW_MONTHS))
        rc = safer_err_set(err, SAFER_EINVAL, "police.uk months %d to %d: not a window",
                           (int)types_first, (int)types_last);
    if (rc == 0)
        rc = safer__store_begin_read(st, err);
    if (rc == 0) {
        rc = safer__partner_data_read(st, out, err);
        if (rc == 0 && types_first >= 0)
            rc = police_types(st, types_first, types_last, *out, err);
        if (rc == 0)
            rc = safer__store_commit(st, err);
        else
            safer__store_rollback(st);
        if (rc < 0 && *out) {
            safer_partner_data_free(*out);
            *out = NULL;
        }
    }
    if (rc == 0) {
        (*out)->partnership = safer_arena_strdup(&(*out)->arena, name ? name : code);
        *unsuppressed =
            actor->operator || safer_role_may(actor->role, SAFER_PERM_VIEW_UNSUPPRESSED);
    }
    safer_arena_release(&arena);
    return rc;
}

int safer_partner_points(struct safer_store *st, const char *key, int32_t first, int32_t last,
                         double **x, double **y, int64_t **w, size_t *n, struct safer_err *err)
{
    *x = *y = NULL;
    *w = NULL;
    *n = 0;
    size_t cx = 0, cy = 0, cw = 0;
    struct safer__stmt *s;
    int rc = safer__store_begin_read(st, err);
    if (rc < 0)
        return rc;
    rc = safer__prep(st,
                     "SELECT r.x, r.y, r.count FROM partner_record r"
                     " JOIN partner_dataset d ON d.id = r.dataset_id WHERE d.key = ?"
                     " AND r.x IS NOT NULL AND r.y IS NOT NULL AND (? < 0 OR r.month >= ?)"
                     " AND (? < 0 OR r.month <= ?) ORDER BY r.line",
                     &s, err);
    if (rc == 0) {
        safer__bind_text(s, 1, key);
        safer__bind_int64(s, 2, first);
        safer__bind_int64(s, 3, first);
        safer__bind_int64(s, 4, last);
        safer__bind_int64(s, 5, last);
        while ((rc = safer__step(s, err)) == 1) {
            safer__grow((void **)x, sizeof(**x), &cx, *n + 1);
            safer__grow((void **)y, sizeof(**y), &cy, *n + 1);
            safer__grow((void **)w, sizeof(**w), &cw, *n + 1);
            (*x)[*n] = safer__col_double(s, 0);
            (*y)[*n] = safer__col_double(s, 1);
            (*w)[*n] = safer__col_int64(s, 2);
            (*n)++;
        }
        safer__stmt_finalize(s);
    }
    if (rc == 0)
        rc = safer__store_commit(st, err);
    else
        safer__store_rollback(st);
    if (rc < 0) {
        free(*x);
        free(*y);
        free(*w);
        *x = *y = NULL;
        *w = NULL;
        *n = 0;
    }
    return rc;
}
