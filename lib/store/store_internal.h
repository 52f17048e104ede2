/*
 * store_internal.h - what lib/store*.c files share. Only files that include
 * this header talk to SQLite.
 */
#ifndef SAFER_STORE_INTERNAL_H
#define SAFER_STORE_INTERNAL_H

#include <sqlite3.h>

#include "safer/store.h"

/* Reads go through a memory map of up to this many bytes (PRAGMA mmap_size). */
#define SAFER__STORE_MMAP "1073741824"

struct safer_store {
    sqlite3 *db;
    char *path; /* owned */
    int in_tx;
    int bulk; /* in bulk mode: a rollback journal instead of WAL */
};

/* Prepare `sql`; on failure record the SQLite message in err and return SAFER_EDB. */
int safer__store_prepare(struct safer_store *st, const char *sql, sqlite3_stmt **out,
                         struct safer_err *err);

/* Run SQL without results (several statements allowed). */
int safer__store_exec(struct safer_store *st, const char *sql, struct safer_err *err);

/* Record SQLite's last message as SAFER_EDB. */
int safer__store_fail(struct safer_store *st, struct safer_err *err, const char *what);

/* Bind text (len may be -1 for NUL-terminated) with SQLITE_TRANSIENT. */
int safer__bind_text(sqlite3_stmt *s, int i, const char *p, int len);

/* Current time as "YYYY-MM-DDTHH:MM:SSZ". */
void safer__now_iso(char out[32]);

#endif
