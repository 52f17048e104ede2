/*
 * store_internal.h - what the rest of the library may ask of the store
 * (never installed). No database type appears here: only lib/store/ talks
 * to an engine (store/db.h).
 */
#ifndef SAFER_STORE_INTERNAL_H
#define SAFER_STORE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "safer/buf.h"
#include "safer/police.h"
#include "safer/store.h"

/* Transactions. A write transaction makes the caller the store's one writer
 * (it waits for another); a read transaction is one snapshot for all the
 * reads inside it. Rollback never fails and does nothing outside one. */
int safer__store_begin_write(struct safer_store *st, struct safer_err *err);
int safer__store_begin_read(struct safer_store *st, struct safer_err *err);
int safer__store_commit(struct safer_store *st, struct safer_err *err);
void safer__store_rollback(struct safer_store *st);

/* For the length of a large import (SQLite: no memory map while blobs are
 * written, see docs/internals/store.md). */
void safer__store_large_writes(struct safer_store *st, int on);

/* ---- police.uk publications, as the importer hands them over ---- */

/* One (force, month) publication parsed from a file. */
struct safer__pub {
    char *force;        /* owned: Reported by */
    int32_t month;      /* month index */
    uint64_t rows;      /* records */
    uint64_t rows_read; /* records plus the file's rejected rows attributed here */
    struct safer_buf hot, cold; /* the encoded blobs, see store/colblob.h (an
                                   outcomes publication: its data in hot) */
    int stored; /* set by safer__store_police_file: 1 when it was written
                   (0: the store holds it from a byte-identical file) */
};

struct safer__reject {
    uint64_t line;
    char *msg; /* owned: "file:line: reason" */
};

/* A parsed file: its publications, and what was rejected. */
struct safer__pubfile {
    const char *path;  /* borrowed */
    char checksum[40]; /* XXH3-128 of the file's bytes, hex */
    int outcomes;      /* 1: police.uk outcomes (outcome_batch), 0: street (crime_batch) */
    struct safer__pub *pubs;
    size_t npubs;
    uint64_t rows_read, rejected, bytes;
    struct safer__reject *rejects; /* the first SAFER_LIMIT_REJECTS_KEPT */
    size_t nrejects;
};

/* Store one parsed file inside the open write transaction: log it, and
 * replace each of its publications unless the stored copy came from a
 * byte-identical file (pubs[i].stored says which were written). The count
 * table is brought up to date afterwards, through a tally. */
int safer__store_police_file(struct safer_store *st, struct safer__pubfile *f,
                             struct safer_import_stats *stats, struct safer_err *err);

/* The count table's rows of the publications an import writes: start a
 * tally inside the write transaction, add each street publication as it is
 * written (its hot blob may be freed after), and write them all before the
 * commit, counting on up to `threads` threads. */
struct safer__tally;
int safer__tally_new(struct safer_store *st, struct safer__tally **out, struct safer_err *err);
int safer__tally_add(struct safer_store *st, struct safer__tally *t, const char *force,
                     int32_t month, const void *hot, size_t hlen, int64_t rows,
                     struct safer_err *err);
int safer__tally_write(struct safer_store *st, struct safer__tally *t, unsigned threads,
                       struct safer_err *err);
void safer__tally_free(struct safer__tally *t);

/* Bring the count table up to date with every stored record (after the
 * wards or the LSOA to ward lookup changed), inside the open write
 * transaction. */
int safer__store_recount(struct safer_store *st, struct safer_err *err);

/* ---- reference tables, read and checked by lib/import/reference.c ---- */

enum safer__lookup_kind {
    SAFER__LOOKUP_LSOA_WARD,     /* lsoa, lsoa name, ward, ward name, district, district name */
    SAFER__LOOKUP_WARD_DISTRICT, /* ward, ward name, district, district name, -, - */
    SAFER__LOOKUP_DISTRICT_CSP,  /* district, name, csp, csp name, pfa, pfa name */
};

struct safer__lookup_rows {
    const char *path; /* borrowed */
    enum safer__lookup_kind kind;
    char **cells; /* owned: 6 per row, NULL where absent */
    size_t *lines;
    size_t n, cap, capl;
};
void safer__lookup_rows_release(struct safer__lookup_rows *r);

/* Codes with a number (population) or two (deprivation: decile, rank). */
struct safer__value_rows {
    const char *path; /* borrowed */
    char level[16];   /* population: "lsoa" or "ward" */
    char basis[256];  /* population: the column's heading */
    double total;
    char **code; /* owned */
    double *value, *value2;
    size_t *lines;
    size_t n, cap, capv, capv2, capl;
};
void safer__value_rows_release(struct safer__value_rows *r);

/* Write a checked file's rows in one write transaction; a row whose key is
 * stored replaces it (*replaced counts those). */
int safer__store_lookup(struct safer_store *st, const struct safer__lookup_rows *rows,
                        size_t *replaced, struct safer_err *err);
int safer__store_population(struct safer_store *st, const struct safer__value_rows *rows,
                            struct safer_err *err);
int safer__store_deprivation(struct safer_store *st, const struct safer__value_rows *rows,
                             struct safer_err *err);

/* The property the codes of most stored areas of `level` came from
 * ("WD19CD"), which dates the boundaries: *code_field is malloc'd, or NULL
 * when unknown (stores made before the store kept it). */
int safer__areas_vintage(struct safer_store *st, const char *level, char **code_field,
                         struct safer_err *err);

#endif
