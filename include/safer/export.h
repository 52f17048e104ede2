/*
 * export.h - stored records with their ward assignment.
 */
#ifndef SAFER_EXPORT_H
#define SAFER_EXPORT_H

#include "safer/error.h"

struct safer_store;

/*
 * Call `row` for every stored record with 14 NUL-terminated fields: the 12
 * police.uk columns (coordinates printed as the shortest decimal that reads
 * back as the stored number), the ward code (empty when unassigned) and how
 * it was assigned ("point", "lsoa" or "none"), against every stored ward,
 * with the rules of the assessment. With `area` (a district or Community
 * Safety Partnership code, as `safer assess --area` takes; NULL for all),
 * only the records assigned to the area's wards: the records its assessment
 * counts. A negative return from `row` stops the export and is returned.
 */
typedef int (*safer_export_row_fn)(void *ctx, const char *const fields[14]);
int safer_export_police(struct safer_store *st, const char *area, safer_export_row_fn row,
                        void *ctx, struct safer_err *err);

/*
 * The same records as CSV, written to `out` (flushed every
 * SAFER_STREAM_CHUNK bytes; not committed): a header row with the 12
 * police.uk column names, ward_code and assigned_by, then a row per record,
 * quoted as RFC 4180 needs, text fields guarded against spreadsheet
 * formulas (safer_csv_put_text(); the coordinates are numbers and never
 * touched). Returns 0, or the store's or the stream's error.
 */
struct safer_stream;
int safer_export_police_csv(struct safer_store *st, const char *area, struct safer_stream *out,
                            struct safer_err *err);

/*
 * Records per ward, crime type and month from the store's count table
 * (include/safer/counts.h), as CSV with the columns of the assessment's
 * counts_ward_type_month.csv: ward_code (empty for records in no stored
 * ward), crime_type, month (YYYY-MM), count. `q` filters (NULL: all).
 */
struct safer_counts_query;
int safer_export_counts_csv(struct safer_store *st, const struct safer_counts_query *q,
                            struct safer_stream *out, struct safer_err *err);

#endif
