/*
 * equality.h - equality impact assessments (EIAs) of the partnership's
 * plans: which protected characteristics of the Equality Act 2010 were
 * considered, on what evidence, what was found, what mitigates it, and
 * when it is next reviewed (docs/workspace.md).
 *
 * An assessment belongs to one partnership and one plan year (2021 for
 * April 2021 to March 2022), for the partnership's own plan (group key
 * NULL or "") or one of its groups' plans (by the group's key); there is
 * at most one for each. The characteristics are stored one a line, in
 * the Act's order, from safer_equality_characteristics only.
 *
 * Access (auth.h): an EIA is a public document of the partnership, so
 * reading needs SAFER_PERM_VIEW_AGGREGATE; adding and changing one
 * SAFER_PERM_EDIT_PLAN. Each call decides inside its transaction and
 * writes the audit row (record type "equality": "equality-add",
 * "equality-change", or the refusal "denied") there. A stale `version` is
 * SAFER_ECONFLICT; another partnership's assessment is SAFER_ENOTFOUND.
 */
#ifndef SAFER_EQUALITY_H
#define SAFER_EQUALITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "safer/account.h"
#include "safer/action.h"
#include "safer/arena.h"
#include "safer/error.h"

/* The nine protected characteristics (Equality Act 2010, s. 4), as
 * stored: "age", "disability", "gender reassignment", "marriage and civil
 * partnership", "pregnancy and maternity", "race", "religion or belief",
 * "sex", "sexual orientation"; NULL-terminated. */
extern const char *const safer_equality_characteristics[];
/* The words a page shows for one: "Age", "Marriage and civil partnership". */
const char *safer_equality_characteristic_label(const char *c);

#define SAFER_EQUALITY_TEXT_MAX 20000

/* What a person fills in. `year` is text as typed ("2021"). */
struct safer_equality_fields {
    const char *group_key; /* NULL or "": the partnership's own plan */
    const char *year;
    const char *const *characteristics; /* ticked, any order */
    size_t ncharacteristics;
    const char *evidence, *findings, *mitigations;
    const char *review_date; /* "YYYY-MM-DD" */
};

struct safer_equality {
    int64_t id;
    const char *group_key;  /* NULL: the partnership's own plan */
    const char *group_name; /* or NULL */
    int year;
    const char **characteristics; /* in the Act's order */
    size_t ncharacteristics;
    const char *evidence, *findings, *mitigations, *review_date;
    bool review_overdue; /* review date before today */
    int64_t version;
    const char *updated_at;
};

/* Add an assessment: every mistake into `fe` (form order) with
 * SAFER_EINVAL and nothing saved; *id gets the new one's id. */
int safer_equality_add(struct safer_store *st, const struct safer_actor *actor,
                       const struct safer_equality_fields *f, int64_t now, int64_t *id,
                       struct safer_field_errors *fe, struct safer_err *err);

/* Change assessment `id`, built from `version`. */
int safer_equality_change(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                          int64_t version, const struct safer_equality_fields *f, int64_t now,
                          struct safer_field_errors *fe, struct safer_err *err);

/* One assessment; strings in `arena`. */
int safer_equality_get(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                       int64_t now, struct safer_arena *arena, struct safer_equality *out,
                       struct safer_err *err);

/* The partnership's assessments, newest year first, the partnership's own
 * plan before its groups'. */
int safer_equality_list(struct safer_store *st, const struct safer_actor *actor, int64_t now,
                        struct safer_arena *arena, struct safer_equality **out, size_t *n,
                        struct safer_err *err);

#endif
