/*
 * store_impl.h - what the files of lib/store/ share (only they include it).
 */
#ifndef SAFER_STORE_IMPL_H
#define SAFER_STORE_IMPL_H

#include "store/db.h"
#include "store/store_internal.h"
#include "safer/auth.h"

struct safer_store {
    struct safer__db *db; /* owned */
};

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

/* A form's text as the workspace's forms check it (store_action.c):
 * `s` without the blanks around it, in `a` (NULL when nothing is left);
 * and a text field trimmed and checked, its mistake into `fe` under
 * `field` (which must outlive fe): required when `missing` (the message)
 * is given, plain UTF-8 without control characters (line breaks and tabs
 * allowed when `multiline`), at most `max` characters. */
struct safer_field_errors;
/* Add a mistake to `fe` (ignored past SAFER_FIELD_ERRORS_MAX). */
void safer__form_error(struct safer_field_errors *fe, const char *field, const char *fmt, ...)
    SAFER_PRINTF(3, 4);
const char *safer__form_trim(struct safer_arena *a, const char *s);
const char *safer__form_text(struct safer_arena *a, struct safer_field_errors *fe,
                             const char *field, const char *label, const char *v,
                             const char *missing, long max, bool multiline);

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

#endif
