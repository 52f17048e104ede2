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

struct safer__pfile {
    const char *path;   /* borrowed */
    char checksum[40];  /* XXH3-128 of the file's bytes, hex */
    struct safer__pub *groups; /* the file's publications (store/store_internal.h) */
    size_t ngroups;
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

/* Parse and encode one file (thread-safe; touches no shared state but the
 * scratch, which may be NULL, and belongs to one thread at a time). */
void safer__police_parse_file(struct safer__pfile *f, unsigned flags,
                              uint64_t *volatile progress_rows, struct safer__pscratch *scratch);
void safer__pfile_release(struct safer__pfile *f);

#endif
