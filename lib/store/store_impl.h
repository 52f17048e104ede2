/*
 * store_impl.h - what the files of lib/store/ share (only they include it).
 */
#ifndef SAFER_STORE_IMPL_H
#define SAFER_STORE_IMPL_H

#include "store/db.h"
#include "store/store_internal.h"

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

/* The file name part of a path. */
const char *safer__base_name(const char *path);

/* Current time as "YYYY-MM-DDTHH:MM:SSZ". */
void safer__now_iso(char out[32]);

#endif
