/*
 * store.h - the embedded SQLite store.
 *
 * One file holds everything: the import log, crime records (kept per
 * (force, month) publication as compact column blobs, see
 * docs/internals/store.md), area polygons, lookups and populations. The
 * database runs in WAL mode. Every importer runs as one transaction: a failed
 * import leaves the store exactly as it was.
 */
#ifndef SAFER_STORE_H
#define SAFER_STORE_H

#include <stdint.h>

#include "safer/error.h"

struct safer_store;

/* Open (creating if needed) the store at `path`; *out is freed with safer_store_close(). */
int safer_store_open(struct safer_store **out, const char *path, struct safer_err *err);

/* Close the store; NULL does nothing. An open transaction is rolled back. */
void safer_store_close(struct safer_store *st);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. Rollback never fails. */
int safer_store_begin(struct safer_store *st, struct safer_err *err);
int safer_store_commit(struct safer_store *st, struct safer_err *err);
void safer_store_rollback(struct safer_store *st);

/*
 * Bulk mode, for one large import. When no other connection has the
 * database open, the store leaves WAL for a rollback journal
 * (journal_mode=TRUNCATE, synchronous=FULL): new pages are then written
 * once, instead of to the WAL and again at the checkpoint, which takes a
 * fifth off importing a million police.uk rows. safer_store_bulk_end()
 * returns to WAL (closing the store does too). While another connection
 * holds the database, the switch is refused and the store stays in WAL, so
 * readers are never locked out. Call both outside a transaction.
 */
void safer_store_bulk_begin(struct safer_store *st);
void safer_store_bulk_end(struct safer_store *st);

/* Set and read a text setting (key/value), e.g. the partnership's name. */
int safer_store_set_meta(struct safer_store *st, const char *key, const char *value,
                         struct safer_err *err);
/* Returns a malloc'd copy (caller frees) or NULL when the key is unset. */
char *safer_store_get_meta(struct safer_store *st, const char *key);

#endif
