/*
 * store_visits.c - service visits and venues in the store (visits.h;
 * tables visit_source, visit and venue of schema 7), and the one snapshot
 * the analyses read.
 *
 * A source's visits are replaced as a whole; a venue by its name. The
 * snapshot reads the visits, the venues, the wards of the districts the
 * visitors live in with their residents, and the wards' centroids (through
 * the place resolver) in one read scope.
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "safer/assess.h"
#include "safer/place.h"
#include "safer/visits.h"
#include "store/db.h"
#include "store/store_impl.h"
#include "store/store_internal.h"
#include "util/internal.h"

int safer__store_visits(struct safer_store *st, const char *source, const char *file,
                        const struct safer__visit_row *rows, size_t n, size_t unresolved,
                        size_t *replaced, struct safer_err *err)
{
    *replaced = 0;
    struct safer__stmt *s = NULL;
    char now[32];
    safer__now_iso(now);
    int rc = safer__store_begin_write(st, err);
    if (rc < 0)
        return rc;
    rc = safer__prep(st, "SELECT COUNT(*) FROM visit WHERE source = ?", &s, err);
    if (rc == 0) {
        safer__bind_text(s, 1, source);
        rc = safer__step(s, err);
        if (rc == 1) {
            *replaced = (size_t)safer__col_int64(s, 0);
            rc = 0;
        }
    }
    safer__stmt_finalize(s);
    s = NULL;
    if (rc == 0)
        rc = safer__prep(st, "DELETE FROM visit WHERE source = ?", &s, err);
    if (rc == 0) {
        safer__bind_text(s, 1, source);
        rc = safer__step_done(s, err);
    }
    safer__stmt_finalize(s);
    s = NULL;
    if (rc == 0)
        rc = safer__prep(st, "DELETE FROM visit_source WHERE source = ?", &s, err);
    if (rc == 0) {
        safer__bind_text(s, 1, source);
        rc = safer__step_done(s, err);
    }
    safer__stmt_finalize(s);
    s = NULL;
    if (rc == 0)
        rc = safer__prep(st, "INSERT INTO visit_source(source, file, rows, unresolved, imported_at)"
                             " VALUES(?, ?, ?, ?, ?)",
                         &s, err);
    if (rc == 0) {
        safer__bind_text(s, 1, source);
        safer__bind_text(s, 2, file);
        safer__bind_int64(s, 3, (int64_t)n);
        safer__bind_int64(s, 4, (int64_t)unresolved);
        safer__bind_text(s, 5, now);
        rc = safer__step_done(s, err);
    }
    safer__stmt_finalize(s);
    s = NULL;
    if (rc == 0)
        rc = safer__prep(st,
                         "INSERT INTO visit(source, line, day, minute, home_kind, home, ward_code,"
                         " lsoa_code, x, y, service, venue, visitor)"
                         " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         &s, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const struct safer__visit_row *r = &rows[i];
        safer__stmt_reset(s);
        safer__bind_text(s, 1, source);
        safer__bind_int64(s, 2, r->line);
        safer__bind_int64(s, 3, r->day);
        safer__bind_int64(s, 4, r->minute);
        safer__bind_text(s, 5, r->home_kind);
        safer__bind_text(s, 6, r->home);
        safer__bind_text(s, 7, r->ward);
        safer__bind_text(s, 8, r->lsoa);
        safer__bind_point(s, 9, r->x, r->y);
        safer__bind_text(s, 11, r->service);
        safer__bind_text(s, 12, r->venue);
        safer__bind_text(s, 13, r->visitor);
        rc = safer__step_done(s, err);
    }
    safer__stmt_finalize(s);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0)
        safer__store_rollback(st);
    return rc;
}

int safer__store_venues(struct safer_store *st, const char *source,
                        const struct safer__venue_row *rows, size_t n, size_t *replaced,
                        struct safer_err *err)
{
    *replaced = 0;
    struct safer__stmt *del = NULL, *ins = NULL;
    int rc = safer__store_begin_write(st, err);
    if (rc < 0)
        return rc;
    rc = safer__prep(st, "DELETE FROM venue WHERE name = ? RETURNING name", &del, err);
    if (rc == 0)
        rc = safer__prep(st,
                         "INSERT INTO venue(name, kind, x, y, lon, lat, postcode, source)"
                         " VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
                         &ins, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const struct safer__venue_row *r = &rows[i];
        safer__stmt_reset(del);
        safer__bind_text(del, 1, r->name);
        while ((rc = safer__step(del, err)) == 1)
            (*replaced)++;
        if (rc < 0)
            break;
        safer__stmt_reset(ins);
        safer__bind_text(ins, 1, r->name);
        safer__bind_text(ins, 2, r->kind);
        safer__bind_double(ins, 3, r->x);
        safer__bind_double(ins, 4, r->y);
        safer__bind_point(ins, 5, r->lon, r->lat);
        safer__bind_text(ins, 7, r->postcode);
        safer__bind_text(ins, 8, source);
        rc = safer__step_done(ins, err);
    }
    safer__stmt_finalize(del);
    safer__stmt_finalize(ins);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0)
        safer__store_rollback(st);
    return rc;
}

/* ---- the snapshot ---- */

void safer_visits_release(struct safer_visits *v)
{
    if (!v)
        return;
    free(v->v);
    free(v->venues);
    free(v->wards);
    safer_arena_release(&v->arena);
    memset(v, 0, sizeof(*v));
    safer_arena_init(&v->arena);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

struct ward_row {
    char *code, *name, *district; /* in the arena; district may be NULL */
};

static int read_snapshot(struct safer_store *st, struct safer_visits *out, struct safer_err *err)
{
    struct safer_arena *ar = &out->arena;
    struct safer__stmt *s = NULL;
    char **visitors = NULL, **vwards = NULL;
    size_t nvis = 0, capvis = 0, nvw = 0, capvw = 0;
    struct ward_row *all = NULL;
    size_t nall = 0, capall = 0;
    char **vcodes = NULL; /* per visit: its ward code, or NULL */
    size_t capv = 0, capc = 0;
    int rc;

    /* Visitor ids, in byte order (both engines compare them so). */
    rc = safer__prep(st,
                     "SELECT DISTINCT visitor FROM visit WHERE visitor IS NOT NULL"
                     " ORDER BY visitor",
                     &s, err);
    while (rc == 0 && (rc = safer__step(s, err)) == 1) {
        SAFER__GROW(visitors, capvis, nvis + 1);
        visitors[nvis++] = safer_arena_strdup(ar, safer__col_text(s, 0));
        rc = 0;
    }
    safer__stmt_finalize(s);
    s = NULL;
    if (rc < 0)
        goto out;
    /* The same order on both engines: by day, minute, source and line. */
    rc = safer__prep(st,
                     "SELECT day, minute, ward_code, x, y, visitor FROM visit"
                     " ORDER BY day, minute, source, line",
                     &s, err);
    while (rc == 0 && (rc = safer__step(s, err)) == 1) {
        SAFER__GROW(out->v, capv, out->n + 1);
        SAFER__GROW(vcodes, capc, out->n + 1);
        struct safer_visit *v = &out->v[out->n];
        v->day = (int32_t)safer__col_int64(s, 0);
        v->minute = (int16_t)safer__col_int64(s, 1);
        const char *w = safer__col_text(s, 2);
        vcodes[out->n] = w ? safer_arena_strdup(ar, w) : NULL;
        v->ward = -1;
        v->x = safer__col_is_null(s, 3) ? NAN : safer__col_double(s, 3);
        v->y = safer__col_is_null(s, 4) ? NAN : safer__col_double(s, 4);
        const char *id = safer__col_text(s, 5);
        v->visitor = id ? (int32_t)safer__find_str(visitors, nvis, id) : -1;
        if (!w)
            out->unresolved++;
        else {
            SAFER__GROW(vwards, capvw, nvw + 1);
            vwards[nvw++] = vcodes[out->n];
        }
        out->n++;
        rc = 0;
    }
    safer__stmt_finalize(s);
    s = NULL;
    if (rc < 0)
        goto out;
    out->nvisitors = nvis;
    if (out->n) {
        out->first_day = out->v[0].day;
        out->last_day = out->v[out->n - 1].day;
    } else {
        out->first_day = 0;
        out->last_day = -1;
    }
    /* The distinct wards visitors came from. */
    if (nvw)
        qsort(vwards, nvw, sizeof(*vwards), cmp_str);
    size_t u = 0;
    for (size_t i = 0; i < nvw; i++)
        if (u == 0 || strcmp(vwards[u - 1], vwards[i]))
            vwards[u++] = vwards[i];
    nvw = u;

    /* Venues: the existing ones first. */
    size_t capven = 0;
    rc = safer__prep(st, "SELECT name, kind, x, y FROM venue ORDER BY kind DESC, name", &s, err);
    while (rc == 0 && (rc = safer__step(s, err)) == 1) {
        SAFER__GROW(out->venues, capven, out->nvenues + 1);
        struct safer_venue *ve = &out->venues[out->nvenues++];
        ve->name = safer_arena_strdup(ar, safer__col_text(s, 0));
        const char *k = safer__col_text(s, 1);
        ve->existing = k && !strcmp(k, "existing");
        ve->x = safer__col_double(s, 2);
        ve->y = safer__col_double(s, 3);
        rc = 0;
    }
    safer__stmt_finalize(s);
    s = NULL;
    if (rc < 0)
        goto out;

    /* Stored wards with their districts. */
    rc = safer__prep(st,
                     "SELECT a.code, a.name, COALESCE(a.district_code, l.district_code)"
                     " FROM area a LEFT JOIN lookup_ward l ON l.ward_code = a.code"
                     " WHERE a.level = 'ward' ORDER BY a.code",
                     &s, err);
    while (rc == 0 && (rc = safer__step(s, err)) == 1) {
        SAFER__GROW(all, capall, nall + 1);
        const char *d = safer__col_text(s, 2);
        all[nall].code = safer_arena_strdup(ar, safer__col_text(s, 0));
        all[nall].name = safer_arena_strdup(ar, safer__col_text(s, 1));
        all[nall].district = d && *d ? safer_arena_strdup(ar, d) : NULL;
        nall++;
        rc = 0;
    }
    safer__stmt_finalize(s);
    s = NULL;
    if (rc < 0)
        goto out;
    /* Keep the wards of the visitors' districts, and every visited ward;
     * with no visit placed, every stored ward (the residents a pop-up
     * choice weighs before any visit is loaded). */
    size_t capw = 0;
    for (size_t i = 0; i < nall; i++) {
        bool keep = nvw == 0 || safer__find_str(vwards, nvw, all[i].code) >= 0;
        for (size_t j = 0; !keep && all[i].district && j < nall; j++)
            keep = all[j].district && !strcmp(all[j].district, all[i].district) &&
                   safer__find_str(vwards, nvw, all[j].code) >= 0;
        if (!keep)
            continue;
        SAFER__GROW(out->wards, capw, out->nwards + 1);
        struct safer_visit_ward *w = &out->wards[out->nwards++];
        memset(w, 0, sizeof(*w));
        w->code = all[i].code;
        w->name = all[i].name;
    }
    for (size_t i = 0; i < nvw; i++) {
        bool stored = false;
        for (size_t j = 0; j < out->nwards && !stored; j++)
            stored = !strcmp(out->wards[j].code, vwards[i]);
        if (stored)
            continue;
        SAFER__GROW(out->wards, capw, out->nwards + 1);
        struct safer_visit_ward *w = &out->wards[out->nwards++];
        memset(w, 0, sizeof(*w));
        w->code = vwards[i];
        w->name = vwards[i];
    }
    for (size_t i = 0; i < out->nwards; i++) {
        out->wards[i].residents = NAN;
        out->wards[i].x = out->wards[i].y = out->wards[i].distance = NAN;
    }
    if (out->nwards > 1)
        qsort(out->wards, out->nwards, sizeof(*out->wards), cmp_str);

    /* Residents: the ward's own population, else the sum of its LSOAs'. */
    static const char *const POP[2] = {
        "SELECT code, population FROM population WHERE level = 'ward'",
        "SELECT l.ward_code, SUM(p.population) FROM lookup_lsoa l JOIN population p"
        " ON p.code = l.lsoa_code AND p.level = 'lsoa' GROUP BY l.ward_code"};
    for (int q = 0; q < 2 && rc == 0; q++) {
        rc = safer__prep(st, POP[q], &s, err);
        while (rc == 0 && (rc = safer__step(s, err)) == 1) {
            rc = 0;
            const char *code = safer__col_text(s, 0);
            for (size_t i = 0; code && i < out->nwards; i++)
                if (!strcmp(out->wards[i].code, code) && isnan(out->wards[i].residents))
                    out->wards[i].residents = safer__col_double(s, 1);
        }
        safer__stmt_finalize(s);
        s = NULL;
    }
    if (rc < 0)
        goto out;
    /* police.uk records of the category in the 12 months to the latest
     * month held (crime_count: per force, month, ward and category). */
    out->records_last = -1;
    rc = safer__prep(st, "SELECT MAX(month) FROM crime_count", &s, err);
    if (rc == 0 && (rc = safer__step(s, err)) == 1) {
        if (!safer__col_is_null(s, 0))
            out->records_last = (int32_t)safer__col_int64(s, 0);
        rc = 0;
    }
    safer__stmt_finalize(s);
    s = NULL;
    if (rc == 0 && out->records_last >= 0) {
        rc = safer__prep(st,
                         "SELECT area_code, CAST(SUM(count) AS BIGINT) FROM crime_count"
                         " WHERE crime_type = ? AND month > ? GROUP BY area_code",
                         &s, err);
        if (rc == 0) {
            safer__bind_text(s, 1, SAFER_POPUP_RECORDS_CATEGORY);
            safer__bind_int64(s, 2, (int64_t)out->records_last - 12);
        }
        while (rc == 0 && (rc = safer__step(s, err)) == 1) {
            rc = 0;
            const char *code = safer__col_text(s, 0);
            for (size_t i = 0; code && i < out->nwards; i++)
                if (!strcmp(out->wards[i].code, code))
                    out->wards[i].records = safer__col_int64(s, 1);
        }
        safer__stmt_finalize(s);
        s = NULL;
    }
    if (rc < 0)
        goto out;
    /* Each visit's ward index. */
    for (size_t i = 0; i < out->n; i++) {
        if (!vcodes[i])
            continue;
        size_t lo = 0, hi = out->nwards;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            int c = strcmp(out->wards[mid].code, vcodes[i]);
            if (c == 0) {
                out->v[i].ward = (int32_t)mid;
                out->wards[mid].visits++;
                break;
            }
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
    }
out:
    safer__stmt_finalize(s);
    free(visitors);
    free(vwards);
    free(vcodes);
    free(all);
    return rc;
}

/* The reads of a snapshot; inside a read scope (safer_visits_load) or the
 * assessment's transaction joined (safer__visits_assess_read). */
static int load(struct safer_store *st, struct safer_visits *out, struct safer_err *err)
{
    int rc = safer__store_begin_read(st, err);
    if (rc == 0) {
        rc = read_snapshot(st, out, err);
        if (rc == 0)
            rc = safer__store_commit(st, err);
        else
            safer__store_rollback(st);
    }
    /* The wards' centroids, from the same snapshot. */
    struct safer_places *pl = NULL;
    if (rc == 0 && out->nwards)
        rc = safer_places_open(st, &pl, err);
    for (size_t i = 0; rc == 0 && i < out->nwards; i++) {
        struct safer_visit_ward *w = &out->wards[i];
        struct safer_place p;
        char why[160];
        if (safer_places_find(pl, SAFER_PLACE_WARD, w->code, strlen(w->code), &p, why) == 0) {
            w->x = p.x;
            w->y = p.y;
        }
        for (size_t j = 0; j < out->nvenues; j++) {
            const struct safer_venue *ve = &out->venues[j];
            if (!ve->existing || !isfinite(w->x))
                continue;
            double d = hypot(ve->x - w->x, ve->y - w->y);
            if (isnan(w->distance) || d < w->distance)
                w->distance = d;
        }
    }
    if (pl)
        safer_places_close(pl);
    return rc;
}

int safer_visits_load(struct safer_store *st, struct safer_visits *out, struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    safer_arena_init(&out->arena);
    out->last_day = -1;
    bool scoped = !safer__store_in_tx(st) && !safer__db_in_scope(st->db);
    int rc = scoped ? safer_store_read_begin(st, err) : 0;
    if (rc < 0)
        return rc;
    rc = load(st, out, err);
    if (scoped)
        safer_store_read_end(st);
    if (rc < 0)
        safer_visits_release(out);
    return rc;
}

int safer__visits_assess_read(struct safer_store *st, struct safer_assessment *a,
                              struct safer_err *err)
{
    a->visits = safer__xcalloc(1, sizeof(*a->visits));
    safer_arena_init(&a->visits->arena);
    a->visits->last_day = -1;
    /*
     * The assessment holds a read transaction open. Its reads here (the
     * place resolver's among them) join it as the reads of a read scope
     * do, so the section's figures come from the assessment's snapshot;
     * the assessment's own commit ends it.
     */
    int joined = safer__db_scope_join(st->db);
    int rc = load(st, a->visits, err);
    if (joined)
        safer__db_scope_leave(st->db);
    if (rc < 0)
        return rc;
    if (a->visits->n == 0)
        return 0;
    struct safer_popup_opts o = {.p = 2, .distance = 3000, .objective = SAFER_POPUP_COVER,
                                 .demand = SAFER_POPUP_RESIDENTS};
    a->popup = safer__xcalloc(1, sizeof(*a->popup));
    struct safer_err why = {0};
    if (safer_visits_popup(a->visits, &o, a->popup, &why) < 0) {
        snprintf(a->popup_why, sizeof(a->popup_why), "%.200s", why.msg);
        free(a->popup);
        a->popup = NULL;
    }
    return 0;
}

void safer__visits_assess_release(struct safer_assessment *a)
{
    if (a->visits) {
        safer_visits_release(a->visits);
        free(a->visits);
    }
    free(a->popup);
    a->visits = NULL;
    a->popup = NULL;
}

int safer_visits_geography(struct safer_store *st, struct safer_arena *arena,
                            struct safer_visits_geo_ward **out, size_t *n, struct safer_err *err)
{
    *out = NULL;
    *n = 0;
    size_t cap = 0;
    struct safer__stmt *s = NULL;
    int rc = safer__store_begin_read(st, err);
    if (rc < 0)
        return rc;
    rc = safer__prep(st,
                     "SELECT a.code, a.name, COALESCE(a.district_code, w.district_code),"
                     " (SELECT MIN(l.lsoa_code) FROM lookup_lsoa l WHERE l.ward_code = a.code),"
                     " (SELECT SUM(p.population) FROM lookup_lsoa l JOIN population p"
                     "  ON p.code = l.lsoa_code AND p.level = 'lsoa' WHERE l.ward_code = a.code)"
                     " FROM area a LEFT JOIN lookup_ward w ON w.ward_code = a.code"
                     " WHERE a.level = 'ward' ORDER BY a.code",
                     &s, err);
    while (rc == 0 && (rc = safer__step(s, err)) == 1) {
        rc = 0;
        SAFER__GROW(*out, cap, *n + 1);
        struct safer_visits_geo_ward *w = &(*out)[(*n)++];
        const char *d = safer__col_text(s, 2), *l = safer__col_text(s, 3);
        w->code = safer_arena_strdup(arena, safer__col_text(s, 0));
        w->name = safer_arena_strdup(arena, safer__col_text(s, 1));
        w->district = d ? safer_arena_strdup(arena, d) : NULL;
        w->lsoa = l ? safer_arena_strdup(arena, l) : NULL;
        w->residents = safer__col_is_null(s, 4) ? NAN : safer__col_double(s, 4);
        w->lon = w->lat = w->x = w->y = NAN;
    }
    safer__stmt_finalize(s);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    else
        safer__store_rollback(st);
    struct safer_places *pl = NULL;
    if (rc == 0 && *n)
        rc = safer_places_open(st, &pl, err);
    for (size_t i = 0; rc == 0 && i < *n; i++) {
        struct safer_visits_geo_ward *w = &(*out)[i];
        struct safer_place p;
        char why[160];
        if (safer_places_find(pl, SAFER_PLACE_WARD, w->code, strlen(w->code), &p, why) == 0) {
            w->lon = p.lon, w->lat = p.lat, w->x = p.x, w->y = p.y;
        }
    }
    if (pl)
        safer_places_close(pl);
    if (rc < 0) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}
