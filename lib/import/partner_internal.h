/*
 * partner_internal.h - what the partner importer hands the store
 * (lib/import/partner.c to lib/store/store_partner.c).
 */
#ifndef SAFER_IMPORT_PARTNER_INTERNAL_H
#define SAFER_IMPORT_PARTNER_INTERNAL_H

#include <stdint.h>

#include "safer/limits.h"
#include "safer/partner.h"

/* One row of a partner file, placed. */
struct safer__partner_rec {
    int64_t line;
    int32_t month;
    char ward[SAFER_LIMIT_CODE + 1];
    char lsoa[SAFER_LIMIT_CODE + 1]; /* "" when none */
    double x, y;                     /* BNG metres, NaN when not a point */
    char *category;                  /* owned */
    int64_t count;
};

/* Store a checked file's records as data set map->key in one write
 * transaction, replacing a data set of the same key (stats->replaced). */
int safer__partner_store(struct safer_store *st, const struct safer_partner_map *map,
                         const char *path, const char *checksum,
                         const struct safer__partner_rec *recs, size_t n,
                         struct safer_partner_stats *stats, struct safer_err *err);

/* Every data set with its tables (safer_partner_data), read inside the
 * open read transaction: the assessment's snapshot. *out is freed with
 * safer_partner_data_free(). */
int safer__partner_data_read(struct safer_store *st, struct safer_partner_data **out,
                             struct safer_err *err);

/* Police.uk records by category and month over months first..last, all
 * wards (the count table), inside the open read transaction: *types
 * (malloc'd, each malloc'd) and counts[t * (last - first + 1) + m]. */
int safer__partner_police_types(struct safer_store *st, int32_t first, int32_t last,
                                char ***types, size_t *ntypes, int64_t **counts,
                                struct safer_err *err);

#endif
