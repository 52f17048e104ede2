/*
 * store_view.c - pages drawn once for everyone who would be shown the same
 * (view.h), kept with the records a handle keeps (store_keep.c).
 */
#include "util/compat.h"

#include <stdio.h>
#include <string.h>

#include "safer/view.h"
#include "store/store_form.h"
#include "store/store_impl.h"
#include "util/internal.h"

/* What an entry holds besides the generation it was drawn at: the bytes,
 * then the record's name and its NUL. */
struct view {
    int64_t day; /* safer__day_of(now) when it was drawn */
    size_t len;
    char bytes[];
};

/* The entry's sub-key of a record's name (FNV-1a; 0 for none): entries of
 * names that collide replace each other, and a find checks the name. */
static int64_t item_key(const char *item)
{
    if (!item || !*item)
        return 0;
    uint64_t h = 14695981039346656037u;
    for (const unsigned char *p = (const unsigned char *)item; *p; p++)
        h = (h ^ *p) * 1099511628211u;
    return (int64_t)(h >> 1) | 1;
}

static const char *item_of(const struct view *v) { return v->bytes + v->len; }

static const char *page_name(enum safer_view_page page)
{
    switch (page) {
    case SAFER_VIEW_DASHBOARD:
        return "dashboard";
    case SAFER_VIEW_INDICATOR_JSON:
        return "indicator";
    case SAFER_VIEW_WARDS:
        return "ward";
    case SAFER_VIEW_SURVEYS:
        return "survey";
    }
    return "page";
}

static int view_kind(enum safer_view_page page, enum safer_role role, bool operator)
{
    return SAFER__KEEP_VIEWS + ((int)page * 64 + (int)role) * 2 + (operator ? 1 : 0);
}

/* The generation of the open read transaction, or -1 when there is none
 * (outside one, nothing is kept: the snapshot would not be the page's). */
static int64_t snapshot_generation(struct safer_store *st)
{
    if (!st->db->in_tx || st->db->tx != SAFER__TX_READ)
        return -1;
    int64_t gen = -1;
    struct safer_err scratch = {0};
    return safer__store_generation(st, &gen, &scratch) < 0 ? -1 : gen;
}

int safer_view_find(struct safer_store *st, const struct safer_actor *actor,
                    enum safer_view_page page, const char *item, enum safer_perm perm,
                    int64_t now, const char **bytes, size_t *len, struct safer_err *err)
{
    *bytes = NULL;
    *len = 0;
    st->view_missed.serial = 0;
    bool own = !safer__store_in_tx(st);
    int rc = own ? safer__store_begin_read(st, err) : 0;
    if (rc < 0)
        return rc;
    enum safer_role role = SAFER_ROLE_PUBLIC;
    rc = safer__access(st, actor, perm, &role, err);
    if (rc == SAFER_EDENIED && !own)
        return safer_err_set(err, SAFER_EDENIED, "not permitted");
    if (rc == SAFER_EDENIED) {
        safer__store_rollback(st);
        return safer__audit_denied(st, actor, perm, page_name(page), item && *item ? item : NULL,
                                   now, err);
    }
    if (rc < 0) {
        if (own)
            safer__store_rollback(st);
        return rc;
    }
    int64_t gen = snapshot_generation(st);
    struct safer__kept *k =
        gen >= 0 ? safer__keep_find(st, view_kind(page, role, actor->operator),
                                    actor->partnership_id, item_key(item), gen)
                 : NULL;
    const struct view *v = k ? k->data : NULL;
    if (v && v->day == safer__day_of(now) && strcmp(item_of(v), item ? item : "") == 0) {
        *bytes = v->bytes;
        *len = v->len;
        rc = 1;
    } else if (gen >= 0) {
        st->view_missed.serial = st->db->serial;
        st->view_missed.page = (int)page;
        st->view_missed.item = item_key(item);
        st->view_missed.role = (int)role;
    }
    if (own) {
        int c = safer__store_commit(st, err);
        if (c < 0) {
            safer__store_rollback(st);
            return c;
        }
    }
    return rc;
}

void safer_view_keep(struct safer_store *st, const struct safer_actor *actor,
                     enum safer_view_page page, const char *item, int64_t now,
                     const char *bytes, size_t len)
{
    /* Only in the snapshot the find missed in: a view drawn from another
     * would not be the generation's. */
    bool same = st->view_missed.serial && st->view_missed.serial == st->db->serial &&
                st->view_missed.page == (int)page && st->view_missed.item == item_key(item) &&
                st->db->in_tx &&
                st->db->tx == SAFER__TX_READ;
    st->view_missed.serial = 0;
    int64_t gen = same ? snapshot_generation(st) : -1;
    if (gen < 0)
        return;
    struct safer__kept *k =
        safer__keep_put(st, view_kind(page, (enum safer_role)st->view_missed.role,
                                      actor->operator),
                        actor->partnership_id, item_key(item), gen);
    if (!k)
        return;
    size_t ilen = item ? strlen(item) : 0;
    struct view *v = safer_arena_alloc(&k->arena, sizeof(*v) + len + ilen + 1);
    v->day = safer__day_of(now);
    v->len = len;
    memcpy(v->bytes, bytes, len);
    memcpy(v->bytes + len, item ? item : "", ilen + 1);
    k->data = v;
    k->n = 1;
}
