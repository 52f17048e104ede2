/*
 * police.h - police.uk street-level crime and outcomes: import, read back,
 * export.
 *
 * A police.uk file is one force's publication of one kind for one month:
 * street-level crimes ("YYYY-MM-<force>-street.csv"), outcomes
 * ("-outcomes.csv") or stop and searches ("-stop-and-search.csv"). The
 * store keeps one copy of each (force, month) street and outcomes
 * publication, and importing a file replaces the stored copy of its
 * publication in the same transaction (police.uk republishes months); a
 * publication whose stored copy came from a byte-identical file is left
 * alone. Only a file that is a publication replaces it:
 *
 * - A file's kind comes from its header row, not its name. Stop-and-search
 *   files are skipped with a notice.
 * - A file's publication is the (Reported by, Month) of more than half of
 *   its rows; rows of another force or month are rejected and replace
 *   nothing. A file with no such majority fails the import.
 * - A file named as police.uk names them whose name disagrees with its
 *   header or its rows (another month or force) fails the import: it was
 *   mislabelled or edited, and the analyst must say which is right, by
 *   renaming it. A file named otherwise is judged by its rows alone.
 * - Two files of one publication in one command fail the import, naming
 *   both, unless they are byte-identical (then the second is skipped).
 * - Rows of a month after the month of the import are rejected.
 *
 * A malformed row is rejected, counted and reported as FILE:LINE: reason;
 * a file with some rejected rows still replaces its publication with its
 * other rows (not with SAFER_IMPORT_STRICT). A file with no row left
 * replaces nothing; a command in which no file has a row to import fails.
 * A missing header column or an input over a named limit fails the whole
 * import, which then changes nothing.
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
    /* Called on the calling thread with a note on a file that is neither a
     * failure nor a rejected row: "file: skipped: ..." for a file not read
     * (stop-and-search, or a byte-identical copy of another file of the
     * command), "file: no row imported: ..." for a file with none to keep. */
    void (*notice)(void *ctx, const char *msg);
    /* The time of the import in seconds since 1970 (0: read the clock,
     * once): rows of a later month (UTC) are rejected. */
    int64_t now;
};

struct safer_import_stats {
    uint64_t files;           /* street and outcomes files read */
    uint64_t files_outcomes;  /* of which outcomes files */
    uint64_t files_unchanged; /* of which byte-identical to what the store holds */
    uint64_t files_skipped;   /* not read: stop-and-search files, and byte-identical
                                 copies of another file of the same command */
    uint64_t rows_read;       /* data rows read, rejected included */
    uint64_t rows_imported;
    uint64_t rows_rejected;
    uint64_t rows_replaced; /* stored rows removed because a newer file replaced them */
    uint64_t bytes;
};

/*
 * Import the police.uk CSV files named by `paths` (files, or folders
 * searched recursively for *.csv in name order) in one transaction, under
 * the rules above. Every input must be a regular file: each is checked,
 * without blocking, before the store's write lock is taken.
 *
 * Fails with SAFER_EINVAL when the paths hold no CSV file, SAFER_EIO when
 * one cannot be read or is not a regular file, SAFER_EPARSE for a header
 * that is none of police.uk's, a file with no majority publication, a name
 * that disagrees with the contents, two files of one publication, a
 * command with no row to import, or any rejected row under
 * SAFER_IMPORT_STRICT, SAFER_ETOOBIG over a named limit, SAFER_EDB from
 * the store. A failed import changes nothing; `stats` is then zero but for
 * files_skipped.
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
    /* With safer_crimes_load_text() only (else NULL): per record, its
     * police.uk Location ("On or near Station Road") and Last outcome
     * category as indexes into wheres[] and outcomes[] (sorted by byte
     * order; each holds "" for an empty field). */
    uint32_t *where;  /* owned */
    uint16_t *outcome; /* owned */
    char **wheres, **outcomes; /* owned */
    size_t nwheres, noutcomes;
};

void safer_crimes_release(struct safer_crimes *c);

/* Read every stored record. */
int safer_crimes_load(struct safer_store *st, struct safer_crimes *out, struct safer_err *err);

/*
 * Add each record's Location and Last outcome category to `c`, which
 * safer_crimes_load() filled from the same store in the same read
 * transaction (the records must be the same: a batch whose count differs
 * is SAFER_EDB). Reads the cold blobs, which the assessment's counts do
 * not need: call it only for what uses these texts.
 */
int safer_crimes_load_text(struct safer_store *st, struct safer_crimes *c, struct safer_err *err);

/*
 * Each record's police.uk LSOA code, for the records of `c`, which
 * safer_crimes_load() filled from the same store in the same read
 * transaction: on success *lsoa (malloc'd, the caller frees it) holds, per
 * record, an index into c->lsoas ("" for a record without one), whether or
 * not the record has a location. SAFER_EDB when a stored publication is
 * damaged or its records are not those of `c`. Reads the hot blobs again:
 * call it only for what needs the codes of located records.
 */
int safer_crimes_load_lsoa(struct safer_store *st, const struct safer_crimes *c, uint32_t **lsoa,
                           struct safer_err *err);

/*
 * Call `fn` once per record of `c` (filled by safer_crimes_load() in the
 * same read transaction), in record order, with the record's index and
 * its Crime ID ("" when it has none, as anti-social behaviour never has) as
 * a NUL-terminated string that lives until fn returns. Stops and returns
 * fn's value when it is negative; SAFER_EDB when a stored publication is
 * damaged or its records are not those of `c`. Reads the cold blobs.
 */
typedef int (*safer_crime_id_fn)(void *ctx, size_t record, const char *crime_id);
int safer_crimes_each_id(struct safer_store *st, const struct safer_crimes *c,
                         safer_crime_id_fn fn, void *ctx, struct safer_err *err);

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

/*
 * Call `row` once per stored outcome, in (force, month, file order), with
 * its 10 police.uk fields (Crime ID, Month, Reported by, Falls within,
 * Longitude, Latitude, Location, LSOA code, LSOA name, Outcome type) as
 * NUL-terminated strings; lon and lat are NaN when it has no location.
 * The Crime ID links an outcome to its crime in the street records (an
 * outcome's month is the month of the outcome, not of the crime). Stops and
 * returns the callback's value when it is negative; SAFER_EDB when a stored
 * publication is damaged.
 */
typedef int (*safer_outcome_row_fn)(void *ctx, const char *const fields[10], double lon,
                                    double lat);
int safer_outcomes_each(struct safer_store *st, safer_outcome_row_fn row, void *ctx,
                        struct safer_err *err);

#endif
