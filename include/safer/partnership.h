/*
 * partnership.h - who the partnerships of a store are: their row id, code
 * and name, for a front end that knows a partnership only by the id a
 * session carries (account.h's safer_actor.partnership_id) and needs the
 * code that plan.h's calls take, or the name a page shows.
 *
 * A partnership's code and name are public (its plan is a public
 * document), so these calls take no actor and write no audit row.
 * Strings live in the caller's arena.
 */
#ifndef SAFER_PARTNERSHIP_H
#define SAFER_PARTNERSHIP_H

#include <stddef.h>
#include <stdint.h>

#include "safer/arena.h"
#include "safer/error.h"

struct safer_store;

struct safer_partnership {
    int64_t id;
    const char *code; /* its key: the CSP code, or its first district's (plan.h) */
    const char *name; /* "Safer Maidstone Partnership" */
};

/* The partnership of row id `id`: SAFER_ENOTFOUND when there is none. */
int safer_partnership_info(struct safer_store *st, int64_t id, struct safer_arena *arena,
                           struct safer_partnership *out, struct safer_err *err);

/* The partnership known by `code`: SAFER_ENOTFOUND when there is none. */
int safer_partnership_find(struct safer_store *st, const char *code, struct safer_arena *arena,
                           struct safer_partnership *out, struct safer_err *err);

/* Every partnership of the store, by name then code: *out is an array in
 * `arena` (NULL when there are none), *n its length. */
int safer_partnership_list(struct safer_store *st, struct safer_arena *arena,
                           struct safer_partnership **out, size_t *n, struct safer_err *err);

#endif
