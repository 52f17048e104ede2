/*
 * store_partnership.c - the partnerships of a store by id, by code, and all
 * of them (partnership.h; the table is migration 3 of schema.c). A front
 * end's session knows its partnership by row id; plan.h's calls and pages
 * want its code and name.
 */
#include "util/compat.h"

#include <stdlib.h>
#include <string.h>

#include "safer/partnership.h"
#include "store/store_impl.h"
#include "util/internal.h"

static void row(struct safer__stmt *s, struct safer_arena *arena, struct safer_partnership *out)
{
    const char *code = safer__col_text(s, 1), *name = safer__col_text(s, 2);
    out->id = safer__col_int64(s, 0);
    out->code = safer_arena_strdup(arena, code ? code : "");
    out->name = safer_arena_strdup(arena, name ? name : "");
}

/* One partnership by `sql` with one bound value (an id, or a code). */
static int one(struct safer_store *st, const char *sql, int64_t id, const char *code,
               struct safer_arena *arena, struct safer_partnership *out, struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st, sql, &s, err);
    if (rc < 0)
        return rc;
    if (code)
        safer__bind_text(s, 1, code);
    else
        safer__bind_int64(s, 1, id);
    rc = safer__step(s, err);
    if (rc == 1) {
        row(s, arena, out);
        rc = 0;
    } else if (rc == 0) {
        rc = code ? safer_err_set(err, SAFER_ENOTFOUND, "no partnership '%s'", code)
                  : safer_err_set(err, SAFER_ENOTFOUND, "no partnership %lld", (long long)id);
    }
    safer__stmt_finalize(s);
    return rc;
}

int safer_partnership_info(struct safer_store *st, int64_t id, struct safer_arena *arena,
                           struct safer_partnership *out, struct safer_err *err)
{
    /* In a read transaction (a server's request), the handle's copy while
     * the generation stays: every page names its partnership. */
    int64_t gen = -1;
    bool snapshot = st->db->in_tx && st->db->tx == SAFER__TX_READ;
    int rc = snapshot ? safer__store_generation(st, &gen, err) : 0;
    if (rc < 0)
        return rc;
    struct safer__kept *k = safer__keep_find(st, SAFER__KEEP_PARTNERSHIP, id, 0, gen);
    if (k) {
        const struct safer_partnership *p = k->data;
        out->id = p->id;
        out->code = safer_arena_strdup(arena, p->code);
        out->name = safer_arena_strdup(arena, p->name);
        return 0;
    }
    rc = one(st, "SELECT id, code, name FROM partnership WHERE id = ?", id, NULL, arena, out,
             err);
    if (rc == 0 && snapshot && (k = safer__keep_put(st, SAFER__KEEP_PARTNERSHIP, id, 0, gen))) {
        struct safer_partnership *p = safer_arena_alloc(&k->arena, sizeof(*p));
        p->id = out->id;
        p->code = safer_arena_strdup(&k->arena, out->code);
        p->name = safer_arena_strdup(&k->arena, out->name);
        k->data = p;
        k->n = 1;
    }
    return rc;
}

int safer_partnership_find(struct safer_store *st, const char *code, struct safer_arena *arena,
                           struct safer_partnership *out, struct safer_err *err)
{
    if (!code)
        return safer_err_set(err, SAFER_EINVAL, "no partnership code given");
    return one(st, "SELECT id, code, name FROM partnership WHERE code = ?", 0, code, arena, out,
               err);
}

int safer_partnership_list(struct safer_store *st, struct safer_arena *arena,
                           struct safer_partnership **out, size_t *n, struct safer_err *err)
{
    *out = NULL;
    *n = 0;
    struct safer__stmt *s;
    int rc = safer__prep(st, "SELECT id, code, name FROM partnership ORDER BY name, code", &s, err);
    if (rc < 0)
        return rc;
    struct safer_partnership *v = NULL;
    size_t cap = 0, len = 0;
    while ((rc = safer__step(s, err)) == 1) {
        SAFER__GROW(v, cap, len + 1);
        row(s, arena, &v[len++]);
    }
    safer__stmt_finalize(s);
    if (rc == 0 && len) {
        *out = safer_arena_alloc(arena, sizeof(*v) * len);
        memcpy(*out, v, sizeof(*v) * len);
        *n = len;
    }
    free(v);
    return rc < 0 ? rc : 0;
}
