/*
 * publish.h - published strategic assessments: an assessment as a group of
 * the partnership approved it, frozen in the store.
 *
 * Publishing runs the assessment twice (the members' edition and the public
 * edition, assess.h) and keeps every file of both exactly as written (the
 * report, index.html, and the CSV files), the police.uk files it was
 * computed from with their checksums, the window, the group that approved
 * it and the date it did, who published it and when. Editions are numbered
 * 1, 2... per partnership; a later import or a new plan changes none of an
 * edition's bytes, so earlier editions stay readable beside the live
 * report. Nothing here edits or removes an edition.
 *
 * Access (auth.h): publishing needs SAFER_PERM_EDIT_PLAN; reading the
 * members' edition SAFER_PERM_VIEW_PLAN; the list and the public edition
 * SAFER_PERM_VIEW_PUBLIC. Each call decides inside its own transaction; a
 * publication writes its audit row ("assessment-publish") in the same
 * transaction as the edition. An edition of another partnership is
 * SAFER_ENOTFOUND.
 *
 * `partnership` names the partnership by its code; NULL means the actor's
 * (actor->partnership_id), or for the operator the store's only one.
 */
#ifndef SAFER_PUBLISH_H
#define SAFER_PUBLISH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "safer/account.h"
#include "safer/arena.h"
#include "safer/assess.h"
#include "safer/error.h"

struct safer_output;

/* One police.uk file an edition was computed from. */
struct safer_published_input {
    const char *force;
    const char *month; /* "YYYY-MM" */
    const char *file;
    const char *checksum; /* XXH3-128, hex, as the import log has it */
    int64_t records;      /* its records in the assessed area */
};

struct safer_published {
    int edition;
    const char *partnership_code, *partnership_name;
    const char *title;
    const char *area;                    /* the district or CSP code assessed, or NULL */
    const char *period_from, *period_to; /* the latest window, "YYYY-MM" */
    const char *approved_by;             /* the group's key in the plan */
    const char *approved_by_name;        /* its name, or the key if the plan has it no more */
    const char *approved_on;             /* "YYYY-MM-DD" */
    const char *published_at;            /* UTC, ISO 8601 */
    const char *published_by;            /* e-mail, or "operator" */
    int64_t records;                     /* records assessed in the latest window's area */
    const char *digest;                  /* XXH3-128 of every file of both editions */
    /* From safer_published_get() only: */
    struct safer_published_input *inputs;
    size_t ninputs;
    const char **files; /* the members' edition's file names, index.html first */
    size_t nfiles;
};

struct safer_publish_opts {
    const char *partnership; /* as above */
    const char *approved_by; /* a group of the partnership's plan (its key) */
    const char *approved_on; /* "YYYY-MM-DD", not after today */
    /* The window, cell, thread count of the assessment; area and title
     * default to the partnership's (its one district, else its CSP code;
     * its name). public_edition is ignored: both editions are made. */
    struct safer_assess_opts assess;
};

/*
 * Publish a new edition; *edition gets its number. SAFER_EINVAL, saying
 * which, for a missing or unknown group or a malformed or future date;
 * the assessment's own errors otherwise. Nothing is stored on failure.
 */
int safer_publish(struct safer_store *st, const struct safer_actor *actor,
                  const struct safer_publish_opts *opts, int64_t now, int *edition,
                  struct safer_err *err);

/*
 * The partnership an assessment would be of (as `partnership` above), when
 * the actor may `perm` there (decided and, if refused, audited here): its
 * code and name, and the area its assessment covers: its one district,
 * else its CSP code (which needs the district to CSP lookup). SAFER_EINVAL
 * when it has no district, or several and no CSP code. Strings in `arena`.
 */
int safer_publish_target(struct safer_store *st, const struct safer_actor *actor,
                         const char *partnership, enum safer_perm perm, struct safer_arena *arena,
                         const char **code, const char **name, const char **area,
                         struct safer_err *err);

/*
 * The live assessment of the actor's partnership, as `safer assess` would
 * write it now for the partnership's area under its name, into output set
 * `out` (in memory): the members' edition for a role that may
 * SAFER_PERM_VIEW_PLAN, the public edition (public_edition true) for any.
 * `opts` gives the window and threads (area and title as safer_publish()).
 */
int safer_report_live(struct safer_store *st, const struct safer_actor *actor,
                      bool public_edition, const struct safer_assess_opts *opts,
                      struct safer_output *out, struct safer_err *err);

/*
 * Store an edition made by the caller (safer_publish() does this): `meta`
 * gives title, area, period, approval and records (the rest is set here),
 * `inputs` the files it came from, `members` and `public_edition` the two
 * output sets in memory.
 */
int safer_published_add(struct safer_store *st, const struct safer_actor *actor,
                        const char *partnership, const struct safer_published *meta,
                        const struct safer_published_input *inputs, size_t ninputs,
                        const struct safer_output *members,
                        const struct safer_output *public_edition, int64_t now, int *edition,
                        struct safer_err *err);

/* The partnership's editions, newest first; strings live in `arena`. */
int safer_published_list(struct safer_store *st, const struct safer_actor *actor,
                         const char *partnership, struct safer_arena *arena,
                         struct safer_published **out, size_t *n, struct safer_err *err);

/* One edition with its inputs and file names. */
int safer_published_get(struct safer_store *st, const struct safer_actor *actor,
                        const char *partnership, int edition, struct safer_arena *arena,
                        struct safer_published *out, struct safer_err *err);

/* One file of an edition: the members' (public_edition false) or the
 * public one. *data lives in `arena` (NUL-terminated after *len bytes). */
int safer_published_file(struct safer_store *st, const struct safer_actor *actor,
                         const char *partnership, int edition, bool public_edition,
                         const char *name, struct safer_arena *arena, const char **data,
                         size_t *len, struct safer_err *err);

#endif
