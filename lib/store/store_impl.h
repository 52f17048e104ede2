/*
 * store_impl.h - what the files of lib/store/ share (only they include it).
 */
#ifndef SAFER_STORE_IMPL_H
#define SAFER_STORE_IMPL_H

#include "store/db.h"
#include "store/store_internal.h"
#include "safer/auth.h"

struct safer__ind_cache;
struct safer__plan_cache;
struct safer__people;

/* What a handle keeps of one kind of record of one partnership, read at
 * one generation (store_keep.c). */
enum {
    SAFER__KEEP_PARTNERSHIP = 1,
    SAFER__KEEP_ACTIONS,
    SAFER__KEEP_INDICATORS,
    SAFER__KEEP_COMMENTS, /* every indicator's comments */
    /* From here on, views (store_view.c): one kind for each page, role and
     * operator flag, so that one entry holds one view of a partnership. */
    SAFER__KEEP_VIEWS = 256,
};
struct safer__kept {
    int kind;           /* SAFER__KEEP_* */
    int64_t key;        /* the partnership */
    int64_t sub;        /* within it: a view's record (store_view.c); 0 */
    int64_t generation; /* the store's, when it was read */
    struct safer_arena arena; /* what is kept lives here */
    void *data;               /* an array of n records of the kind's type */
    size_t n;
};

struct safer_store {
    struct safer__db *db; /* owned */
    struct safer__keep *keep;             /* owned: store_keep.c */
    /* What the handle keeps while the store's generation (db.h) stays. */
    struct safer__ind_cache *ind_cache;   /* owned: store_indicator.c */
    struct safer__plan_cache *plan_cache; /* owned: store_plan.c */
    struct safer__people *people;         /* owned: store_account.c */
    char client[64]; /* safer_store_set_client(): "" when none */
    /* What a transaction learnt, good while db->serial is `serial`. */
    struct {
        uint64_t gen_serial;
        int64_t gen;
        uint64_t role_serial; /* safer__access()'s answer for: */
        int64_t user_id, partnership_id, session_id;
        int found;
        int role; /* enum safer_role */
    } tx_memo;
    /* Where safer_view_find() last found no view: safer_view_keep() keeps
     * one only for that page, in that read transaction (db->serial; 0:
     * none), for the role the access decision found. */
    struct {
        uint64_t serial;
        int page;
        int64_t item;
        int role; /* enum safer_role */
    } view_missed;
};

/* The entry kept of (kind, key, sub) at generation `gen` (the caller read
 * it in its transaction), or NULL. */
struct safer__kept *safer__keep_find(struct safer_store *st, int kind, int64_t key, int64_t sub,
                                     int64_t gen);
/* A new empty entry for (kind, key, gen) for the caller to fill, replacing
 * the older one of (kind, key), else the one found longest ago; NULL when
 * gen < 0 (a store without a generation: nothing is kept). */
struct safer__kept *safer__keep_put(struct safer_store *st, int kind, int64_t key, int64_t sub,
                                    int64_t gen);
void safer__keep_free(struct safer_store *st);
/* A copy of `s` in `a`, NULL for NULL. */
const char *safer__keep_str(struct safer_arena *a, const char *s);

/* The generation as meta holds it in text (NULL: none): -1 when none. */
int64_t safer__generation_of(const char *text);
/* Free what a handle keeps of people's accounts (store_account.c). */
void safer__people_free(struct safer_store *st);
/* Free a handle's kept plans (store_plan.c). */
void safer__plan_cache_free(struct safer_store *st);

/* SAFER_ENOTFOUND unless the store holds safer's tables (schema.c). */
int safer__schema_exists(struct safer_store *st, struct safer_err *err);

/* Bring the schema up to SAFER_STORE_SCHEMA (schema.c). */
int safer__schema_migrate(struct safer_store *st, struct safer_err *err);

/* Prepare, or fail with the message. A shorthand for the store's files. */
static inline int safer__prep(struct safer_store *st, const char *sql, struct safer__stmt **out,
                              struct safer_err *err)
{
    return safer__db_prepare(st->db, sql, out, err);
}

/* Run `sql`, whose one parameter is the integer `id`, to its end. */
int safer__run_id(struct safer_store *st, const char *sql, int64_t id, struct safer_err *err);

/* The file name part of a path. */
const char *safer__base_name(const char *path);

/* Inside the open write transaction of storing plan `p` for partnership
 * `pid`: add the plan's actions whose key the partnership has no action of,
 * each with its audit row by `actor` (store_action.c). *added counts them. */
struct safer_plan;
struct safer_actor;
int safer__action_import(struct safer_store *st, const struct safer_actor *actor, int64_t pid,
                         const struct safer_plan *p, int64_t now, size_t *added,
                         struct safer_err *err);

/* ---- workspace records an import brings (store_exchange.c) ---- */

/* What a put did to a record. */
enum { SAFER__PUT_UNCHANGED = 0, SAFER__PUT_ADDED, SAFER__PUT_UPDATED };

struct safer_action_fields;
struct safer_indicator_fields;
struct safer_field_errors;

/*
 * Inside the caller's open write transaction, the access already decided
 * (SAFER_PERM_EDIT_PLAN): the action of the actor's partnership with key
 * `key` is changed to `f`, or, when there is none (or `key` is NULL), an
 * action with that key is added, each checked, written and audited as
 * safer_action_add() and safer_action_change() do. `progress` from 0 to
 * 100, or < 0 to keep the stored one (0 for a new action); a blank status
 * keeps the stored one. *outcome is one of SAFER__PUT_*. The form's
 * mistakes go into `fe` with SAFER_EINVAL, and nothing of the row is
 * written (store_action.c).
 */
int safer__action_put(struct safer_store *st, const struct safer_actor *actor, const char *key,
                      const struct safer_action_fields *f, int progress, int64_t now,
                      int *outcome, struct safer_field_errors *fe, struct safer_err *err);

/* The id of the record `sql` finds by partnership ?1 and key ?2 in *id, 0
 * when none or `key` is NULL; 0, or the store's error (store_exchange.c). */
int safer__id_of_key(struct safer_store *st, const char *sql, int64_t pid, const char *key,
                     int64_t *id, struct safer_err *err);

/* The same for an indicator (SAFER_PERM_EDIT_INDICATOR; store_indicator.c):
 * a matching indicator's kind must be `f`'s. */
int safer__indicator_put(struct safer_store *st, const struct safer_actor *actor,
                         const char *key, const struct safer_indicator_fields *f, int64_t now,
                         int *outcome, struct safer_field_errors *fe, struct safer_err *err);
/* The stored plan of partnership `pid` (safer_plan_load() by row id), in
 * the caller's transaction: *out NULL when it has none. */
int safer__plan_load_pid(struct safer_store *st, int64_t pid, struct safer_plan **out,
                         struct safer_err *err);

/* The organisation called `name`, added (kind "partner") when new with its
 * "org-add" audit row by `actor`, inside the open write transaction
 * (store_action.c). */
int safer__org_id(struct safer_store *st, const struct safer_actor *actor, const char *name,
                  int64_t now, int64_t *id, struct safer_err *err);

/* ---- access and audit, for the store's calls about people and plans
 * (store_audit.c) ---- */

struct safer_actor;

/*
 * The access decision, made inside the caller's open transaction: read the
 * actor's role in actor->partnership_id now (a disabled person, or one no
 * longer a member, has none: SAFER_ROLE_PUBLIC), and answer 0 when it may
 * `perm`, SAFER_EDENIED otherwise (*role, when not NULL, gets the role).
 * The operator may do everything.
 */
int safer__access(struct safer_store *st, const struct safer_actor *actor, enum safer_perm perm,
                  enum safer_role *role, struct safer_err *err);
/* What a read of the actor's membership found in the open read transaction
 * (found 1 with role `r`, or 0: none), so that safer__access() need not
 * ask again in it: safer_session_find() knows it from the session's row. */
void safer__role_learnt(struct safer_store *st, const struct safer_actor *actor, int found,
                        enum safer_role r);

/*
 * Append one row to the audit log inside the caller's open write
 * transaction, chained to the row before it. `action` is a plain word
 * ("login-failed", "action-change"); record type and id, before and after
 * (JSON objects of the changed fields) and detail may be NULL.
 */
int safer__audit(struct safer_store *st, const struct safer_actor *actor, const char *action,
                 const char *record_type, const char *record_id, const char *before,
                 const char *after, const char *detail, int64_t now, struct safer_err *err);

/* A refusal: in a write transaction of its own (the refused call has rolled
 * back), the audit row "denied" naming the permission and record. Returns
 * SAFER_EDENIED with the message "not permitted", or the store's error. */
int safer__audit_denied(struct safer_store *st, const struct safer_actor *actor,
                        enum safer_perm perm, const char *record_type, const char *record_id,
                        int64_t now, struct safer_err *err);

/* Current time as "YYYY-MM-DDTHH:MM:SSZ". */
void safer__now_iso(char out[32]);
/* Unix time `t` as "YYYY-MM-DDTHH:MM:SSZ" (UTC). */
void safer__iso_at(int64_t t, char out[32]);

/* projects: decode a boundary as the area table stores it (store_area.c);
 * 0, or -1 when the blob is damaged. The caller releases `g`. */
struct safer_geom;
int safer__area_geom_decode(const void *blob, size_t len, struct safer_geom *g);

#endif
