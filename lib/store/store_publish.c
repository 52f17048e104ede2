/*
 * store_publish.c - published assessments: the editions, their inputs and
 * their files (publish.h; schema version 4).
 */
#include "util/compat.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

#include "safer/output.h"
#include "safer/publish.h"
#include "store/store_impl.h"
#include "util/internal.h"

/* The partnership a call is about, read in the open transaction. */
struct partnership {
    int64_t id;
    const char *code, *name; /* in the caller's arena */
};

/*
 * Resolve `code` (or the actor's partnership, or for the operator the
 * store's only one) into *p; an actor may only name its own partnership
 * (another is SAFER_ENOTFOUND, as if it did not exist). *as gets the actor
 * bound to that partnership, for the access decision.
 */
static int find_partnership(struct safer_store *st, const struct safer_actor *actor,
                            const char *code, struct safer_arena *arena, struct partnership *p,
                            struct safer_actor *as, struct safer_err *err)
{
    struct safer__stmt *s;
    int rc;
    if (code)
        rc = safer__prep(st, "SELECT id, code, name FROM partnership WHERE code = ?", &s, err);
    else if (!actor->operator)
        rc = safer__prep(st, "SELECT id, code, name FROM partnership WHERE id = ?", &s, err);
    else
        rc = safer__prep(st, "SELECT id, code, name FROM partnership ORDER BY code LIMIT 2", &s,
                         err);
    if (rc < 0)
        return rc;
    if (code)
        safer__bind_text(s, 1, code);
    else if (!actor->operator)
        safer__bind_int64(s, 1, actor->partnership_id);
    rc = safer__step(s, err);
    if (rc == 1) {
        p->id = safer__col_int64(s, 0);
        p->code = safer_arena_strdup(arena, safer__col_text(s, 1));
        p->name = safer_arena_strdup(arena, safer__col_text(s, 2));
        if (!code && actor->operator && safer__step(s, err) == 1)
            rc = safer_err_set(err, SAFER_EINVAL,
                               "the store holds more than one partnership: name one (its code)");
    }
    safer__stmt_finalize(s);
    if (rc == 0 || (rc == 1 && !actor->operator && p->id != actor->partnership_id)) {
        if (code)
            return safer_err_set(err, SAFER_ENOTFOUND, "no partnership '%s' in the store", code);
        return safer_err_set(err, SAFER_ENOTFOUND,
                             "the store holds no partnership: import a plan first");
    }
    if (rc < 0)
        return rc;
    *as = *actor;
    as->partnership_id = p->id;
    return 0;
}

static const char *col(struct safer__stmt *s, int i, struct safer_arena *arena)
{
    const char *v = safer__col_text(s, i);
    return v ? safer_arena_strdup(arena, v) : NULL;
}

/* Decide, in the open transaction; a refusal is audited in its own. */
static int decide(struct safer_store *st, const struct safer_actor *as, enum safer_perm perm,
                  const char *record_id, int64_t now, struct safer_err *err)
{
    int rc = safer__access(st, as, perm, NULL, err);
    if (rc == SAFER_EDENIED) {
        safer__store_rollback(st);
        return safer__audit_denied(st, as, perm, "assessment", record_id, now, err);
    }
    return rc;
}

/* A group of the partnership's plan: its name into *name (arena). */
static int group_name(struct safer_store *st, int64_t pid, const char *key,
                      struct safer_arena *arena, const char **name, struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "SELECT name FROM partnership_group WHERE partnership_id = ? AND key = ?",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, pid);
    safer__bind_text(s, 2, key);
    rc = safer__step(s, err);
    if (rc == 1)
        *name = safer_arena_strdup(arena, safer__col_text(s, 0));
    safer__stmt_finalize(s);
    return rc;
}

static void hash_files(XXH3_state_t *h, const struct safer_output *o, int public_edition)
{
    for (size_t i = 0; i < o->nfiles; i++) {
        unsigned char tag = (unsigned char)public_edition;
        uint64_t len = o->files[i].len;
        XXH3_128bits_update(h, &tag, 1);
        XXH3_128bits_update(h, o->files[i].name, strlen(o->files[i].name) + 1);
        XXH3_128bits_update(h, &len, sizeof(len));
        XXH3_128bits_update(h, o->files[i].data, o->files[i].len);
    }
}

static int insert_files(struct safer_store *st, int64_t aid, const struct safer_output *o,
                        int public_edition, struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "INSERT INTO published_file(assessment_id, public, name, data)"
                         " VALUES(?, ?, ?, ?)",
                         &s, err);
    for (size_t i = 0; rc == 0 && i < o->nfiles; i++) {
        if (!o->files[i].data) {
            rc = safer_err_set(err, SAFER_EINVAL, "an edition's files must be kept in memory");
            break;
        }
        safer__stmt_reset(s);
        safer__bind_int64(s, 1, aid);
        safer__bind_int64(s, 2, public_edition);
        safer__bind_text(s, 3, o->files[i].name);
        safer__bind_blob(s, 4, o->files[i].data, o->files[i].len);
        rc = safer__step_done(s, err);
    }
    safer__stmt_finalize(s);
    return rc;
}

static int insert_edition(struct safer_store *st, const struct safer_actor *as,
                          const struct partnership *p, const struct safer_published *m,
                          const struct safer_published_input *in, size_t nin,
                          const struct safer_output *members, const struct safer_output *pub,
                          int64_t now, int *edition, struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "SELECT COALESCE(MAX(edition), 0) + 1 FROM published_assessment"
                         " WHERE partnership_id = ?",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, p->id);
    rc = safer__step(s, err);
    int64_t next = rc == 1 ? safer__col_int64(s, 0) : 0;
    safer__stmt_finalize(s);
    if (rc < 0)
        return rc;

    XXH3_state_t *h = XXH3_createState();
    if (!h)
        return safer_err_set(err, SAFER_ENOMEM, "out of memory");
    XXH3_128bits_reset(h);
    hash_files(h, members, 0);
    hash_files(h, pub, 1);
    XXH128_hash_t d = XXH3_128bits_digest(h);
    XXH3_freeState(h);
    char digest[33], at[32];
    snprintf(digest, sizeof(digest), "%016llx%016llx", (unsigned long long)d.high64,
             (unsigned long long)d.low64);
    safer__iso_at(now, at);
    const char *by = as->operator ? "operator" : as->email;

    rc = safer__prep(st,
                     "INSERT INTO published_assessment(partnership_id, edition, title, area,"
                     " period_from, period_to, approved_by, approved_on, published_at,"
                     " published_by, records, digest) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                     " RETURNING id",
                     &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, p->id);
    safer__bind_int64(s, 2, next);
    safer__bind_text(s, 3, m->title);
    safer__bind_text(s, 4, m->area);
    safer__bind_text(s, 5, m->period_from);
    safer__bind_text(s, 6, m->period_to);
    safer__bind_text(s, 7, m->approved_by);
    safer__bind_text(s, 8, m->approved_on);
    safer__bind_text(s, 9, at);
    safer__bind_text(s, 10, by);
    safer__bind_int64(s, 11, m->records);
    safer__bind_text(s, 12, digest);
    rc = safer__step(s, err);
    int64_t aid = rc == 1 ? safer__col_int64(s, 0) : 0;
    safer__stmt_finalize(s);
    if (rc == 0)
        rc = safer_err_set(err, SAFER_EDB, "%s: the new edition has no id", safer_store_name(st));
    if (rc < 0)
        return rc;

    rc = safer__prep(st,
                     "INSERT INTO published_input(assessment_id, seq, force, month, file, checksum,"
                     " records) VALUES(?, ?, ?, ?, ?, ?, ?)",
                     &s, err);
    for (size_t i = 0; rc == 0 && i < nin; i++) {
        safer__stmt_reset(s);
        safer__bind_int64(s, 1, aid);
        safer__bind_int64(s, 2, (int64_t)i);
        safer__bind_text(s, 3, in[i].force);
        safer__bind_text(s, 4, in[i].month);
        safer__bind_text(s, 5, in[i].file);
        safer__bind_text(s, 6, in[i].checksum);
        safer__bind_int64(s, 7, in[i].records);
        rc = safer__step_done(s, err);
    }
    safer__stmt_finalize(s);
    if (rc == 0)
        rc = insert_files(st, aid, members, 0, err);
    if (rc == 0)
        rc = insert_files(st, aid, pub, 1, err);
    if (rc < 0)
        return rc;

    char id[24], after[512];
    snprintf(id, sizeof(id), "%lld", (long long)aid);
    /* The audit row's after: the edition and its approval (codes and
     * dates only; no free text of a person's). */
    snprintf(after, sizeof(after),
             "{\"edition\":%lld,\"period_from\":\"%s\",\"period_to\":\"%s\",\"approved_by\":"
             "\"%s\",\"approved_on\":\"%s\",\"digest\":\"%s\"}",
             (long long)next, m->period_from, m->period_to, m->approved_by, m->approved_on,
             digest);
    rc = safer__audit(st, as, "assessment-publish", "assessment", id, NULL, after, NULL, now, err);
    if (rc == 0)
        *edition = (int)next;
    return rc;
}

/* Only keys of the plan's form reach the audit row unescaped: a group key
 * is letters, digits and '-' (docs/plan.md); dates and months are checked
 * by the caller. */
static int plain_key(const char *k)
{
    if (!k || !*k)
        return 0;
    for (; *k; k++) {
        if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9') ||
              *k == '-' || *k == '_'))
            return 0;
    }
    return 1;
}

int safer_published_add(struct safer_store *st, const struct safer_actor *actor,
                        const char *partnership, const struct safer_published *meta,
                        const struct safer_published_input *inputs, size_t ninputs,
                        const struct safer_output *members,
                        const struct safer_output *public_edition, int64_t now, int *edition,
                        struct safer_err *err)
{
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct partnership p;
    struct safer_actor as;
    int rc = safer__store_begin_write(st, err);
    if (rc == 0)
        rc = find_partnership(st, actor, partnership, &arena, &p, &as, err);
    if (rc == 0)
        rc = decide(st, &as, SAFER_PERM_EDIT_PLAN, NULL, now, err);
    if (rc == 0 && !plain_key(meta->approved_by))
        rc = safer_err_set(err, SAFER_EINVAL,
                           "say which group approved the assessment (the key of a group of "
                           "the plan)");
    if (rc == 0) {
        const char *name = NULL;
        rc = group_name(st, p.id, meta->approved_by, &arena, &name, err);
        if (rc == 0)
            rc = safer_err_set(err, SAFER_EINVAL,
                               "the plan of %s has no group '%s' to approve the assessment",
                               p.code, meta->approved_by);
        else if (rc == 1)
            rc = 0;
    }
    if (rc == 0)
        rc = insert_edition(st, &as, &p, meta, inputs, ninputs, members, public_edition, now,
                            edition, err);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    else
        safer__store_rollback(st);
    safer_arena_release(&arena);
    return rc;
}

int safer_publish_target(struct safer_store *st, const struct safer_actor *actor,
                         const char *partnership, enum safer_perm perm, struct safer_arena *arena,
                         const char **code, const char **name, const char **area,
                         struct safer_err *err)
{
    struct partnership p;
    struct safer_actor as;
    struct safer__stmt *s = NULL;
    const char *csp = NULL, *district = NULL;
    size_t ndistricts = 0;
    int rc = safer__store_begin_read(st, err);
    if (rc == 0)
        rc = find_partnership(st, actor, partnership, arena, &p, &as, err);
    if (rc == 0)
        rc = decide(st, &as, perm, NULL, (int64_t)time(NULL), err);
    if (rc == 0)
        rc = safer__prep(st,
                         "SELECT p.csp_code, d.district_code FROM partnership p"
                         " LEFT JOIN partnership_district d ON d.partnership_id = p.id"
                         " WHERE p.id = ? ORDER BY d.seq",
                         &s, err);
    if (rc == 0) {
        safer__bind_int64(s, 1, p.id);
        while ((rc = safer__step(s, err)) == 1) {
            if (!csp)
                csp = col(s, 0, arena);
            if (!safer__col_is_null(s, 1) && ndistricts++ == 0)
                district = col(s, 1, arena);
        }
    }
    safer__stmt_finalize(s);
    rc = safer__store_read_done(st, rc, err);
    if (rc < 0)
        return rc;
    *code = p.code;
    *name = p.name;
    *area = ndistricts == 1 ? district : csp;
    if (ndistricts == 0)
        return safer_err_set(err, SAFER_EINVAL,
                             "the plan of %s names no district, so there is no area to assess",
                             p.code);
    if (!*area)
        return safer_err_set(err, SAFER_EINVAL,
                             "the plan of %s names %zu districts and no CSP code: the assessment "
                             "needs one area",
                             p.code, ndistricts);
    return 0;
}

/* The columns every listing reads, and how they fill a struct. */
#define EDITION_COLUMNS                                                                        \
    "a.id, a.edition, a.title, a.area, a.period_from, a.period_to, a.approved_by,"            \
    " g.name, a.approved_on, a.published_at, a.published_by, a.records, a.digest"
#define EDITION_FROM                                                                           \
    " FROM published_assessment a LEFT JOIN partnership_group g"                              \
    " ON g.partnership_id = a.partnership_id AND g.key = a.approved_by"

static void edition_row(struct safer__stmt *s, const struct partnership *p,
                        struct safer_arena *arena, struct safer_published *e)
{
    memset(e, 0, sizeof(*e));
    e->edition = (int)safer__col_int64(s, 1);
    e->partnership_code = p->code;
    e->partnership_name = p->name;
    e->title = col(s, 2, arena);
    e->area = col(s, 3, arena);
    e->period_from = col(s, 4, arena);
    e->period_to = col(s, 5, arena);
    e->approved_by = col(s, 6, arena);
    e->approved_by_name = safer__col_is_null(s, 7) ? e->approved_by : col(s, 7, arena);
    e->approved_on = col(s, 8, arena);
    e->published_at = col(s, 9, arena);
    e->published_by = col(s, 10, arena);
    e->records = safer__col_int64(s, 11);
    e->digest = col(s, 12, arena);
}

int safer_published_list(struct safer_store *st, const struct safer_actor *actor,
                         const char *partnership, struct safer_arena *arena,
                         struct safer_published **out, size_t *n, struct safer_err *err)
{
    *out = NULL;
    *n = 0;
    struct partnership p;
    struct safer_actor as;
    int rc = safer__store_begin_read(st, err);
    if (rc == 0)
        rc = find_partnership(st, actor, partnership, arena, &p, &as, err);
    if (rc == 0)
        rc = decide(st, &as, SAFER_PERM_VIEW_PUBLIC, NULL, 0, err);
    struct safer__stmt *s = NULL;
    if (rc == 0)
        rc = safer__prep(st,
                         "SELECT " EDITION_COLUMNS EDITION_FROM
                         " WHERE a.partnership_id = ? ORDER BY a.edition DESC",
                         &s, err);
    size_t cap = 0;
    if (rc == 0) {
        safer__bind_int64(s, 1, p.id);
        while ((rc = safer__step(s, err)) == 1) {
            if (*n == cap) {
                size_t ncap = cap ? cap * 2 : 8;
                struct safer_published *grown =
                    safer_arena_alloc(arena, ncap * sizeof(struct safer_published));
                if (*n)
                    memcpy(grown, *out, *n * sizeof(struct safer_published));
                *out = grown;
                cap = ncap;
            }
            edition_row(s, &p, arena, &(*out)[(*n)++]);
        }
    }
    safer__stmt_finalize(s);
    rc = safer__store_read_done(st, rc, err);
    return rc < 0 ? rc : 0;
}

/* The edition's row id, in the open transaction; SAFER_ENOTFOUND if none. */
static int edition_id(struct safer_store *st, const struct partnership *p, int edition,
                      struct safer_arena *arena, struct safer_published *e, int64_t *id,
                      struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "SELECT " EDITION_COLUMNS EDITION_FROM
                         " WHERE a.partnership_id = ? AND a.edition = ?",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, p->id);
    safer__bind_int64(s, 2, edition);
    rc = safer__step(s, err);
    if (rc == 1) {
        *id = safer__col_int64(s, 0);
        if (e)
            edition_row(s, p, arena, e);
        rc = 0;
    } else if (rc == 0) {
        rc = safer_err_set(err, SAFER_ENOTFOUND, "%s has no published assessment %d", p->code,
                           edition);
    }
    safer__stmt_finalize(s);
    return rc;
}

static int read_inputs(struct safer_store *st, int64_t aid, struct safer_arena *arena,
                       struct safer_published *e, struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st, "SELECT COUNT(*) FROM published_input WHERE assessment_id = ?", &s,
                         err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, aid);
    rc = safer__step(s, err);
    size_t n = rc == 1 ? (size_t)safer__col_int64(s, 0) : 0;
    safer__stmt_finalize(s);
    if (rc < 0)
        return rc;
    e->inputs = safer_arena_alloc(arena, (n ? n : 1) * sizeof(*e->inputs));
    rc = safer__prep(st,
                     "SELECT force, month, file, checksum, records FROM published_input"
                     " WHERE assessment_id = ? ORDER BY seq",
                     &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, aid);
    while (e->ninputs < n && (rc = safer__step(s, err)) == 1) {
        struct safer_published_input *in = &e->inputs[e->ninputs++];
        in->force = col(s, 0, arena);
        in->month = col(s, 1, arena);
        in->file = col(s, 2, arena);
        in->checksum = col(s, 3, arena);
        in->records = safer__col_int64(s, 4);
    }
    safer__stmt_finalize(s);
    if (rc < 0)
        return rc;

    rc = safer__prep(st, "SELECT COUNT(*) FROM published_file WHERE assessment_id = ? AND public = 0",
                     &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, aid);
    rc = safer__step(s, err);
    n = rc == 1 ? (size_t)safer__col_int64(s, 0) : 0;
    safer__stmt_finalize(s);
    if (rc < 0)
        return rc;
    e->files = safer_arena_alloc(arena, (n ? n : 1) * sizeof(*e->files));
    /* index.html first, then the CSV files by name. */
    rc = safer__prep(st,
                     "SELECT name FROM published_file WHERE assessment_id = ? AND public = 0"
                     " ORDER BY name <> 'index.html', name",
                     &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, aid);
    while (e->nfiles < n && (rc = safer__step(s, err)) == 1)
        e->files[e->nfiles++] = col(s, 0, arena);
    safer__stmt_finalize(s);
    return rc < 0 ? rc : 0;
}

int safer_published_get(struct safer_store *st, const struct safer_actor *actor,
                        const char *partnership, int edition, struct safer_arena *arena,
                        struct safer_published *out, struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    struct partnership p;
    struct safer_actor as;
    int64_t aid = 0;
    int rc = safer__store_begin_read(st, err);
    if (rc == 0)
        rc = find_partnership(st, actor, partnership, arena, &p, &as, err);
    if (rc == 0)
        rc = decide(st, &as, SAFER_PERM_VIEW_PUBLIC, NULL, 0, err);
    if (rc == 0)
        rc = edition_id(st, &p, edition, arena, out, &aid, err);
    if (rc == 0)
        rc = read_inputs(st, aid, arena, out, err);
    rc = safer__store_read_done(st, rc, err);
    return rc;
}

int safer_published_file(struct safer_store *st, const struct safer_actor *actor,
                         const char *partnership, int edition, bool public_edition,
                         const char *name, struct safer_arena *arena, const char **data,
                         size_t *len, struct safer_err *err)
{
    *data = NULL;
    *len = 0;
    struct partnership p;
    struct safer_actor as;
    int64_t aid = 0;
    int rc = safer__store_begin_read(st, err);
    if (rc == 0)
        rc = find_partnership(st, actor, partnership, arena, &p, &as, err);
    if (rc == 0)
        rc = decide(st, &as, public_edition ? SAFER_PERM_VIEW_PUBLIC : SAFER_PERM_VIEW_PLAN, NULL,
                    0, err);
    if (rc == 0)
        rc = edition_id(st, &p, edition, arena, NULL, &aid, err);
    struct safer__stmt *s = NULL;
    if (rc == 0)
        rc = safer__prep(st,
                         "SELECT data FROM published_file WHERE assessment_id = ? AND public = ?"
                         " AND name = ?",
                         &s, err);
    if (rc == 0) {
        safer__bind_int64(s, 1, aid);
        safer__bind_int64(s, 2, public_edition);
        safer__bind_text(s, 3, name);
        rc = safer__step(s, err);
        if (rc == 1) {
            size_t n;
            const void *b = safer__col_blob(s, 0, &n);
            char *copy = safer_arena_alloc(arena, n + 1);
            if (n)
                memcpy(copy, b, n);
            copy[n] = '\0';
            *data = copy;
            *len = n;
            rc = 0;
        } else if (rc == 0) {
            rc = safer_err_set(err, SAFER_ENOTFOUND, "published assessment %d has no file '%s'",
                               edition, name);
        }
    }
    safer__stmt_finalize(s);
    rc = safer__store_read_done(st, rc, err);
    return rc;
}
