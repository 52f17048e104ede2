/*
 * police_internal.h - a parsed police.uk file between the parsing threads
 * and the thread that writes to the store.
 */
#ifndef SAFER_POLICE_INTERNAL_H
#define SAFER_POLICE_INTERNAL_H

#include <stdint.h>

#include "safer/buf.h"
#include "safer/police.h"
#include "store/store_internal.h"

/* What a file is, by its header row. */
enum safer__pkind {
    SAFER__PK_NONE,        /* not known yet: the file failed before its header */
    SAFER__PK_STREET,      /* street-level crimes */
    SAFER__PK_OUTCOMES,    /* outcomes */
    SAFER__PK_STOP_SEARCH, /* stop and search: not read further */
};

struct safer__pfile {
    const char *path; /* borrowed */
    /* Set by the caller; zero means no check. */
    int32_t last_month; /* month index: rows of a later month are rejected */
    uint64_t dev, ino;  /* the file as checked before the import began */

    /* Set by safer__police_parse_file. */
    enum safer__pkind kind;
    char checksum[40]; /* XXH3-128 of the file's bytes, hex */
    /* The file's publication, when it has a row to keep (has_pub): force and
     * month of most of its rows; rows_read is every row the file holds. */
    struct safer__pub pub;
    int has_pub;
    uint64_t rows_read, rejected, bytes;
    struct safer__reject *rejects; /* the first SAFER_LIMIT_REJECTS_KEPT */
    size_t nrejects;
    int rc; /* < 0: the file failed; err says why */
    struct safer_err err;
};

/* A parsing thread's memory, kept from one file to the next. */
struct safer__pscratch;
struct safer__pscratch *safer__pscratch_new(void);
void safer__pscratch_free(struct safer__pscratch *sc);

/*
 * Parse and encode one file (thread-safe; touches no shared state but the
 * scratch, which may be NULL, and belongs to one thread at a time). The
 * file is opened without blocking and must be a regular file (the one
 * checked, when dev and ino are set). Its publication is decided from its
 * rows, reading it a second time when the first row was not of the
 * majority's publication, and checked against its name.
 */
void safer__police_parse_file(struct safer__pfile *f, unsigned flags,
                              uint64_t *volatile progress_rows, struct safer__pscratch *scratch);
void safer__pfile_release(struct safer__pfile *f);

#endif
