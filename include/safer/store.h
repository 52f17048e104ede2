/*
 * store.h - the store: SQLite by default, PostgreSQL for larger deployments.
 *
 * One store holds everything: the import log, crime records (kept per
 * (force, month) publication as compact column blobs, see
 * docs/internals/store.md), a count table kept up to date for indicators,
 * area polygons, lookups, populations and deprivation, and partnerships
 * with their plans (plan.h).
 *
 * `target` names the store: a postgresql:// (or postgres://) URL selects
 * PostgreSQL through libpq; anything else is the path of a SQLite file
 * (created if missing; "" and ":memory:" are refused, since an in-memory
 * store would lose every import when the command ends).
 *
 * The store's schema has a version. Opening a store written by an older
 * safer migrates it, forward only, in one transaction; a store newer than
 * this program is refused with a message; an empty SQLite file or an empty
 * PostgreSQL database gets the whole schema.
 *
 * Concurrency: any number of handles, in any threads or processes, may
 * read while one writes. Every import is one transaction, and writers take
 * turns: a second writer waits for the first (up to SAFER_LIMIT_STORE_WAIT
 * seconds, then fails naming it where the engine can). A reader sees the
 * store as it was before or after an import, never between. One handle
 * belongs to one thread at a time.
 */
#ifndef SAFER_STORE_H
#define SAFER_STORE_H

#include <stdint.h>

#include "safer/error.h"

struct safer_store;

/* The schema version this program writes. */
#define SAFER_STORE_SCHEMA 8

/* Open (creating or migrating as needed) the store `target`; *out is freed
 * with safer_store_close(). */
int safer_store_open(struct safer_store **out, const char *target, struct safer_err *err);

/* Open a store that must exist already (migrating it as needed), for a
 * command that only reads: a mistyped path must not quietly make an empty
 * store and report on it. No SQLite file there, or a PostgreSQL database
 * without safer's tables, is SAFER_ENOTFOUND. */
int safer_store_open_existing(struct safer_store **out, const char *target,
                              struct safer_err *err);

/* Close the store; NULL does nothing. An open transaction is rolled back. */
void safer_store_close(struct safer_store *st);

/*
 * The network address of the person the handle acts for now, or NULL for
 * none: a server sets it for each request (the peer's, or behind its proxy
 * the address the proxy forwards), and every audit row written through
 * the handle meanwhile ends its detail with "from ADDR". The request log
 * names no one; the audit log says who did what from where.
 */
void safer_store_set_client(struct safer_store *st, const char *addr);

/*
 * A request's reads in one transaction. Between safer_store_read_begin()
 * and safer_store_read_end() every call that reads the store joins one
 * read transaction (one snapshot; one BEGIN and COMMIT for the lot), and
 * what a call learnt in it (the store's generation, an actor's role) is
 * not asked again. A call that changes the store, or writes an audit row
 * (a refusal included), ends the snapshot first and writes in its own
 * transaction, as it would outside; the reads after it take a new one.
 * read_begin fails inside a transaction; read_end never fails.
 */
int safer_store_read_begin(struct safer_store *st, struct safer_err *err);
void safer_store_read_end(struct safer_store *st);

/* "sqlite" or "postgresql". */
const char *safer_store_engine(const struct safer_store *st);

/* The store's name for messages: its path, or its URL without a password. */
const char *safer_store_name(const struct safer_store *st);

/* Set a text setting (key/value), e.g. the partnership's name. */
int safer_store_set_meta(struct safer_store *st, const char *key, const char *value,
                         struct safer_err *err);

/* Read a setting: *out is a malloc'd copy (caller frees), or NULL when the
 * key is unset. */
int safer_store_get_meta(struct safer_store *st, const char *key, char **out,
                         struct safer_err *err);

/*
 * A digest of everything the store holds: every table's rows in key order,
 * hashed (XXH3-128, 32 hexadecimal digits into `out`). Two stores with the
 * same content have the same digest, whichever engine holds them; the
 * import log's times are left out. For tests and for checking a copy.
 */
int safer_store_digest(struct safer_store *st, char out[33], struct safer_err *err);

#endif
