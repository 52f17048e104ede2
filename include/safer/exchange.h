/*
 * exchange.h - a partnership's plan in and out of the store: actions and
 * indicators imported from the CSV templates that partnerships keep in
 * spreadsheets, and the whole partnership exported as CSV files or one
 * JSON document (docs/exchange.md).
 *
 * An import reads one CSV file: a header row of the template's plain
 * column names (in any order, case and spaces as a spreadsheet leaves
 * them; every column of the template present, none other), UTF-8 with or
 * without a byte-order mark, CRLF or LF line ends, quoted fields with
 * commas, quotes and line breaks. A row whose key matches a record of the
 * same key in the partnership changes it; any other row adds one. Every
 * row is checked in full, against the partnership's plan and people and
 * by the same checks as the workspace's forms (action.h, indicator.h), and
 * written with its audit row by the actor, all inside ONE write
 * transaction: one mistake anywhere, and nothing at all is kept. Each
 * mistake is reported as "FILE:LINE: column: what is wrong".
 *
 * An export reads the partnership in one read transaction. Its actions
 * and indicators files have the columns of the import templates, so an
 * exported file imports back unchanged. Text that a spreadsheet would run
 * as a formula is written with a leading apostrophe (csv.h), which an
 * import takes off again.
 *
 * Access: importing actions needs SAFER_PERM_EDIT_PLAN, indicators
 * SAFER_PERM_EDIT_INDICATOR; exporting SAFER_PERM_VIEW_PLAN. The actor's
 * partnership is the one imported into or exported.
 */
#ifndef SAFER_EXCHANGE_H
#define SAFER_EXCHANGE_H

#include <stddef.h>
#include <stdint.h>

#include "safer/account.h"
#include "safer/buf.h"
#include "safer/error.h"
#include "safer/output.h"

/* Bytes in one imported file, and rows in it. */
#define SAFER_LIMIT_EXCHANGE_FILE (16ULL << 20)
#define SAFER_LIMIT_EXCHANGE_ROWS 20000

enum safer_exchange_kind { SAFER_EXCHANGE_ACTIONS, SAFER_EXCHANGE_INDICATORS };

enum safer_exchange_flags {
    /* Check and write every row as for real, then roll it all back. */
    SAFER_EXCHANGE_DRY_RUN = 1 << 0,
};

struct safer_exchange_stats {
    size_t rows;      /* data rows read */
    size_t empty;     /* rows of empty cells only, skipped (not in rows) */
    size_t added, updated, unchanged;
    size_t rejected;  /* rows with at least one mistake */
    size_t mistakes;  /* mistakes reported */
};

/* Called with each mistake, "FILE:LINE: column: what is wrong". */
typedef void (*safer_exchange_mistake_fn)(void *ctx, const char *msg);

/*
 * Import the CSV file at `path` into the actor's partnership. Returns 0
 * when every row was good and all were written (with
 * SAFER_EXCHANGE_DRY_RUN: checked, then rolled back); SAFER_EPARSE when
 * any row or the header had a mistake (each one passed to `mistake`, and
 * counted in `stats`), with nothing written; SAFER_EDENIED for an actor
 * that may not (the refusal audited); SAFER_ETOOBIG past the limits above;
 * or the file's or the store's error. `stats` is filled in either way.
 */
int safer_exchange_import(struct safer_store *st, const struct safer_actor *actor,
                          enum safer_exchange_kind kind, const char *path, unsigned flags,
                          int64_t now, struct safer_exchange_stats *stats,
                          safer_exchange_mistake_fn mistake, void *ctx, struct safer_err *err);

/* The template of `kind` as CSV text: the header row and two example rows
 * (static storage). */
const char *safer_exchange_template(enum safer_exchange_kind kind);

/*
 * The actor's partnership as CSV files added to `out` (a folder, or a set
 * in memory): one a record kind, named in docs/exchange.md. Returns 0,
 * SAFER_EDENIED, or the store's or the output's error.
 */
int safer_exchange_export_csv(struct safer_store *st, const struct safer_actor *actor,
                              int64_t now, struct safer_output *out, struct safer_err *err);

/* The same as one JSON document appended to `b`, nested: partnership,
 * then its groups, priorities, plans, actions with their updates,
 * indicators with their values and comments, equality assessments and
 * funding. */
int safer_exchange_export_json(struct safer_store *st, const struct safer_actor *actor,
                               int64_t now, struct safer_buf *b, struct safer_err *err);

#endif
