/*
 * store_form.h - what the store's workspace records share in checking a
 * form and writing its audit row (store_form.c): field errors, trimmed
 * plain text, dates, money in pence, the access decision with its logged
 * refusal, and the before and after of a change.
 *
 * Only lib/store/ includes it. Everything works inside the caller's open
 * transaction; strings it gives live in the caller's arena.
 */
#ifndef SAFER_STORE_FORM_H
#define SAFER_STORE_FORM_H

#include <stdbool.h>
#include <stdint.h>

#include "safer/action.h"
#include "safer/arena.h"
#include "safer/auth.h"
#include "store/store_impl.h"
#include "util/jsonobj.h"

/* Point *fe at `local` when the caller gave none, and empty it. */
void safer__fe_init(struct safer_field_errors **fe, struct safer_field_errors *local);

/* Add one mistake of form field `field` (ignored past SAFER_FIELD_ERRORS_MAX). */
void safer__fe_add(struct safer_field_errors *fe, const char *field, const char *fmt, ...)
    SAFER_PRINTF(3, 4);

/* SAFER_EINVAL naming how many mistakes `what` ("the grant's form") has. */
int safer__fe_fail(const struct safer_field_errors *fe, const char *what, struct safer_err *err);

/* `s` without the spaces and line breaks around it, in `a`; NULL when
 * nothing is left (or `s` is NULL). */
const char *safer__trimmed(struct safer_arena *a, const char *s);

/* A text field, trimmed: when empty, `missing` if `required`; otherwise at
 * most `max` characters of UTF-8 without control characters (line breaks
 * and tabs allowed when `multiline`). Returns the trimmed text or NULL. */
const char *safer__text_field(struct safer_arena *a, struct safer_field_errors *fe,
                              const char *field, const char *label, const char *v,
                              bool required, const char *missing, long max, bool multiline);

/* A real date "YYYY-MM-DD", years 1900 to 2999: true with its day number
 * (days since 1970-01-01) in *days. */
bool safer__parse_date(const char *s, int64_t *days);

/* A date field, trimmed: NULL when empty or wrong (a mistake added). */
const char *safer__date_field(struct safer_arena *a, struct safer_field_errors *fe,
                              const char *field, const char *label, const char *v,
                              int64_t *days);

/* The UTC day number of Unix time `now`. */
int64_t safer__day_of(int64_t now);

/* 0 when the actor may `perm`; SAFER_EDENIED (nothing logged yet); or the
 * store's error. *role (when not NULL) gets the actor's role. */
/*
 * Give a record added without a key (in the workspace) the key
 * "PREFIX-ID" (`action-17`), so that it exports with one and a file
 * exported and imported again changes it instead of adding it twice;
 * unless a record of the partnership has that key already, when it stays
 * without one. `table` is "action" or "indicator". The key, or NULL, is
 * written to out (at least 48 bytes) and *key.
 */
int safer__auto_key(struct safer_store *st, const char *table, int64_t pid, int64_t id,
                    char *out, const char **key, struct safer_err *err);

/*
 * End a call that reads a list inside its own read transaction: `v` (on
 * the heap: k records of `size` bytes; freed here) is copied into `arena`
 * as *out with *n = k, and the transaction commits; on a failure (rc < 0,
 * or the commit's) it rolls back, *out is NULL and *n 0, and rc is returned.
 */
int safer__list_done(struct safer_store *st, int rc, void *v, size_t k, size_t size,
                     struct safer_arena *arena, void **out, size_t *n, struct safer_err *err);

int safer__may(struct safer_store *st, const struct safer_actor *actor, enum safer_perm perm,
               enum safer_role *role, struct safer_err *err);

/* A refusal: roll back the caller's transaction, then log "denied" for
 * record `type` `id` (0: none) in one of its own. Returns SAFER_EDENIED or
 * the store's error. */
int safer__refuse(struct safer_store *st, const struct safer_actor *actor, enum safer_perm perm,
                  const char *type, int64_t id, int64_t now, struct safer_err *err);

/* Add `key` to before and after when its value changed (before may be
 * NULL: an addition). */
void safer__diff_str(struct safer__jobj *before, struct safer__jobj *after, const char *key,
                     const char *old, const char *now);
void safer__diff_int(struct safer__jobj *before, struct safer__jobj *after, const char *key,
                     int64_t old, int64_t now);

/* Write the audit row `what` of record `type` `id` from the two objects
 * (before may be NULL), inside the open transaction, and release them. */
int safer__audit_change(struct safer_store *st, const struct safer_actor *actor,
                        const char *what, const char *type, int64_t id,
                        struct safer__jobj *before, struct safer__jobj *after, int64_t now,
                        struct safer_err *err);

/*
 * A record a form keeps (an equality impact assessment, a grant, a
 * project): what differs between kinds. Adding and changing one are the
 * same steps for every kind (safer__form_add, safer__form_change): one
 * write transaction; the access decided (SAFER_PERM_EDIT_PLAN), a refusal
 * logged; the form checked, every mistake into `fe` and nothing written;
 * a change checked against the version the form was opened at; the row
 * written and its audit row ("TYPE-add", "TYPE-change") beside it. A change
 * that changes nothing writes and logs nothing.
 */
struct safer__form_kind {
    const char *type;   /* the audit's record type: "equality" */
    const char *noun;   /* "equality impact assessment", for a stale change */
    const char *form;   /* "the assessment's form" */
    const char *orphan; /* "no partnership to add the assessment to" */
    size_t size;        /* of the kind's checked fields (`clean`) */
    /* Check `fields` into `clean`, in the arena; id 0 when adding. */
    int (*check)(struct safer_store *st, int64_t pid, int64_t id, const void *fields,
                 struct safer_arena *a, void *clean, struct safer_field_errors *fe,
                 struct safer_err *err);
    /* The stored record as check gives it, and its version. */
    int (*read)(struct safer_store *st, int64_t pid, int64_t id, struct safer_arena *a,
                void *clean, int64_t *version, struct safer_err *err);
    /* What changed, into the two objects (old NULL when adding). */
    void (*diff)(struct safer__jobj *before, struct safer__jobj *after, const void *old,
                 const void *clean);
    /* Insert (*id 0: set it) or update record *id at `version`. */
    int (*write)(struct safer_store *st, int64_t pid, int64_t *id, int64_t version,
                 const void *clean, const char *at, struct safer_err *err);
};

/* Step an INSERT ... RETURNING id to its end: *id the new row's. */
int safer__insert_id(struct safer_store *st, struct safer__stmt *s, const char *what, int64_t *id,
                     struct safer_err *err);

int safer__form_add(struct safer_store *st, const struct safer_actor *actor,
                    const struct safer__form_kind *kind, const void *fields, int64_t now,
                    int64_t *id, struct safer_field_errors *fe, struct safer_err *err);
int safer__form_change(struct safer_store *st, const struct safer_actor *actor,
                       const struct safer__form_kind *kind, int64_t id, int64_t version,
                       const void *fields, int64_t now, struct safer_field_errors *fe,
                       struct safer_err *err);

#endif
