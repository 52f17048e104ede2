/*
 * store_keep.c - records a store handle keeps while the store's generation
 * (db.h) stays: a partnership's name, its actions, its indicators'
 * definitions. A page that shows them on every request (the dashboard,
 * the navigation) then reads one row, the generation, instead of the
 * records; any change to the plan or the evidence moves the generation on
 * and the next read reads the records again.
 */
#include "util/compat.h"

#include <stdlib.h>
#include <string.h>

#include "store/store_impl.h"
#include "util/internal.h"

#define KEPT 64 /* entries a handle keeps: a few kinds and views for a few partnerships */

struct safer__keep {
    struct safer__kept e[KEPT];
    bool in_use[KEPT];
    uint64_t used[KEPT]; /* when last found, for eviction */
    uint64_t clock;
};

struct safer__kept *safer__keep_find(struct safer_store *st, int kind, int64_t key, int64_t sub,
                                     int64_t gen)
{
    struct safer__keep *k = st->keep;
    if (!k || gen < 0)
        return NULL;
    for (size_t i = 0; i < KEPT; i++) {
        struct safer__kept *e = &k->e[i];
        if (k->in_use[i] && e->kind == kind && e->key == key && e->sub == sub &&
            e->generation == gen) {
            k->used[i] = ++k->clock;
            return e;
        }
    }
    return NULL;
}

struct safer__kept *safer__keep_put(struct safer_store *st, int kind, int64_t key, int64_t sub,
                                    int64_t gen)
{
    if (gen < 0)
        return NULL;
    if (!st->keep)
        st->keep = safer__xcalloc(1, sizeof(*st->keep));
    struct safer__keep *k = st->keep;
    /* The older copy of the same records, else a free entry, else the one
     * found longest ago. */
    size_t slot = KEPT;
    for (size_t i = 0; i < KEPT && slot == KEPT; i++) {
        if (k->in_use[i] && k->e[i].kind == kind && k->e[i].key == key && k->e[i].sub == sub)
            slot = i;
    }
    for (size_t i = 0; i < KEPT && slot == KEPT; i++) {
        if (!k->in_use[i])
            slot = i;
    }
    if (slot == KEPT) {
        slot = 0;
        for (size_t i = 1; i < KEPT; i++) {
            if (k->used[i] < k->used[slot])
                slot = i;
        }
    }
    struct safer__kept *e = &k->e[slot];
    if (k->in_use[slot])
        safer_arena_release(&e->arena);
    memset(e, 0, sizeof(*e));
    safer_arena_init(&e->arena);
    e->kind = kind;
    e->key = key;
    e->sub = sub;
    e->generation = gen;
    k->in_use[slot] = true;
    k->used[slot] = ++k->clock;
    return e;
}

void safer__keep_free(struct safer_store *st)
{
    struct safer__keep *k = st->keep;
    if (!k)
        return;
    for (size_t i = 0; i < KEPT; i++) {
        if (k->in_use[i])
            safer_arena_release(&k->e[i].arena);
    }
    free(k);
    st->keep = NULL;
}

const char *safer__keep_str(struct safer_arena *a, const char *s)
{
    return s ? safer_arena_strdup(a, s) : NULL;
}
