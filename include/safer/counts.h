/*
 * counts.h - records per ward, crime type and month, from the count table
 * the store keeps up to date at every import and every change of wards or
 * of the LSOA to ward lookup. An indicator on a page costs one indexed
 * query, and never decodes a publication.
 *
 * A record counts in the ward the assessment assigns it to: the stored ward
 * whose polygon interior holds its point, else (no coordinates) the ward
 * its LSOA maps to through the lookup when that ward is stored; the rest
 * count under ward "" (unassigned). See docs/assessment.md.
 */
#ifndef SAFER_COUNTS_H
#define SAFER_COUNTS_H

#include <stddef.h>
#include <stdint.h>

#include "safer/error.h"

struct safer_store;

struct safer_count_row {
    char *ward;       /* owned: ward code, "" for records in no stored ward */
    char *crime_type; /* owned */
    int32_t month;    /* month index (year * 12 + month - 1) */
    int64_t count;    /* summed over forces; never 0 */
};

struct safer_counts {
    struct safer_count_row *rows; /* owned; by ward, crime type, month (byte order) */
    size_t n;
};

void safer_counts_release(struct safer_counts *c);

struct safer_counts_query {
    const char *ward;       /* one ward code, or NULL for every ward ("" included) */
    const char *crime_type; /* one type, or NULL for all */
    int32_t from, to;       /* months, inclusive; -1 leaves that end open */
};

int safer_counts_query(struct safer_store *st, const struct safer_counts_query *q,
                       struct safer_counts *out, struct safer_err *err);

#endif
