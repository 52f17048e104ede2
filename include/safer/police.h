/*
 * police.h - police.uk street-level crime: import, read back, export.
 *
 * A police.uk street file is one force's publication for one month. Rows are
 * grouped by (Reported by, Month); importing a group that the store already
 * holds replaces it in the same transaction (police.uk republishes months),
 * and a group whose stored copy came from a byte-identical file is left
 * alone. A malformed row is rejected, counted and reported as FILE:LINE:
 * reason; a missing header column or an input over a named limit fails the
 * whole import, which then changes nothing.
 */
#ifndef SAFER_POLICE_H
#define SAFER_POLICE_H

#include <stddef.h>
#include <stdint.h>

#include "safer/error.h"

struct safer_store;

enum safer_import_flags {
    SAFER_IMPORT_STRICT = 1 << 0, /* the first rejected row fails the import */
};

struct safer_import_opts {
    unsigned flags;   /* enum safer_import_flags */
    unsigned threads; /* parsing threads besides the calling one, which writes
                         to the store (0: everything on the calling thread) */
    /* Called now and then on the calling thread with rows parsed so far. */
    void (*progress)(void *ctx, uint64_t rows, uint64_t bytes);
    /* Called once per rejected row with "file:line: reason". */
    void (*reject)(void *ctx, const char *msg);
    void *ctx;
};

struct safer_import_stats {
    uint64_t files;           /* files read */
    uint64_t files_unchanged; /* byte-identical to what the store holds */
    uint64_t files_skipped;   /* in folders: police.uk outcomes and stop-and-search files */
    uint64_t rows_read;       /* data rows read, rejected included */
    uint64_t rows_imported;
    uint64_t rows_rejected;
    uint64_t rows_replaced; /* stored rows removed because a newer file replaced them */
    uint64_t bytes;
};

/*
 * Import the police.uk street-level CSV files named by `paths` (files, or
 * folders searched recursively for *.csv in name order) in one transaction.
 */
int safer_police_import(struct safer_store *st, const char *const *paths, size_t npaths,
                        const struct safer_import_opts *opts, struct safer_import_stats *stats,
                        struct safer_err *err);

/*
 * The crime records the assessment reads, decoded from the store. police.uk
 * moves every record to one of a limited set of anonymous map points, so
 * records refer to distinct locations, found while loading; force and month
 * belong to the publication, so they are held once per batch. Strings are
 * interned and sorted by byte order: type[i] indexes types[], and so on.
 */
struct safer_crime_batch {
    uint16_t force;      /* index into forces */
    int32_t month;       /* month index year*12 + month-1 */
    size_t first, count; /* its records: [first, first + count) */
};

struct safer_crimes {
    size_t n;           /* records */
    int32_t *loc;       /* owned; per record: its location k >= 0, or for a
                           record with no location -1 - (index into lsoas) */
    uint16_t *type;     /* owned; per record: index into types */
    size_t nlocs;
    double *xy;         /* owned; location k's longitude xy[2k] and latitude xy[2k+1] */
    struct safer_crime_batch *batches; /* owned; by force, then month */
    size_t nbatches;
    char **forces, **types, **lsoas; /* owned; sorted by byte order; lsoas holds "" */
    size_t nforces, ntypes, nlsoas;
};

void safer_crimes_release(struct safer_crimes *c);

/* Read every stored record. */
int safer_crimes_load(struct safer_store *st, struct safer_crimes *out, struct safer_err *err);

/* One stored (force, month) publication and the file it came from. */
struct safer_publication {
    char force[128];
    int32_t month;
    int64_t rows;      /* records stored */
    int64_t rows_read; /* data rows read from its file, rejected included */
    int64_t rejected;  /* rows of its file that were rejected */
    char file[256];
    char checksum[40];
    char imported_at[32];
};

/* All stored publications, by force then month; caller frees *out. */
int safer_publications_list(struct safer_store *st, struct safer_publication **out, size_t *n,
                            struct safer_err *err);

/*
 * Call `row` once per stored record, in (force, month, file order), with its
 * 12 police.uk fields (Crime ID ... Context) as NUL-terminated strings.
 * Stops and returns the callback's value when it is negative.
 */
typedef int (*safer_police_row_fn)(void *ctx, const char *const fields[12], double lon,
                                   double lat);
int safer_police_each(struct safer_store *st, safer_police_row_fn row, void *ctx,
                      struct safer_err *err);

#endif
