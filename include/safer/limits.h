/*
 * limits.h - every input-driven size has a named limit here. Going over one
 * fails the operation with SAFER_ETOOBIG and a message naming the limit.
 */
#ifndef SAFER_LIMITS_H
#define SAFER_LIMITS_H

/* CSV input (police.uk files, lookups, populations). */
#define SAFER_LIMIT_CSV_FIELD 4096          /* bytes in one field */
#define SAFER_LIMIT_CSV_ROW 65536           /* bytes in one row, line breaks included */
#define SAFER_LIMIT_CSV_FIELDS 512          /* fields in one row: ONS estimates by age have 187 */
#define SAFER_LIMIT_CSV_FILE (4ULL << 30)   /* bytes in one input file: 4 GiB */
#define SAFER_LIMIT_IMPORT_FILES 100000     /* files in one import command */
#define SAFER_LIMIT_DICT 16777216           /* distinct values of one column in one file */
#define SAFER_LIMIT_FILE_PUBLICATIONS 1000  /* distinct (force, month) pairs named by the rows
                                               of one police.uk file (it is one publication;
                                               the others' rows are counted, then rejected) */
#define SAFER_LIMIT_TABLE_ROWS 10000000     /* rows in one lookup, population or deprivation file */

/* GeoJSON boundaries. */
#define SAFER_LIMIT_GEOJSON_FILE (1ULL << 30) /* bytes in one GeoJSON file: 1 GiB */
#define SAFER_LIMIT_GEOJSON_DEPTH 32          /* nesting depth of JSON values */
#define SAFER_LIMIT_POLYGON_POINTS 10000000   /* positions in one area's geometry */
#define SAFER_LIMIT_AREAS 100000              /* features in one GeoJSON file */
#define SAFER_LIMIT_CODE 64                   /* bytes in an area, LSOA or ward code */

/* A partnership's plan (safer import plan, docs/plan.md). */
#define SAFER_LIMIT_PLAN_FILE (1ULL << 20) /* bytes in one plan file: 1 MiB */
#define SAFER_LIMIT_PLAN_DEPTH 8           /* nesting depth of a plan's JSON values */
#define SAFER_LIMIT_PLAN_ITEMS 500         /* entries in one list or object of a plan
                                              (priorities, groups, a group's remit...) */
#define SAFER_LIMIT_PLAN_TEXT 8192         /* bytes in one text value of a plan */

/* Outputs. */
#define SAFER_LIMIT_REPORT (512ULL << 20) /* bytes in one HTML report */
#define SAFER_LIMIT_REJECTS_KEPT 1000     /* rejected-row reasons kept per file */

/* The store. */
#define SAFER_LIMIT_STORE_WAIT 120        /* seconds a writer waits for another writer */
#define SAFER_LIMIT_BLOB ((1ULL << 30) - 1) /* bytes in one stored value (PostgreSQL's bound) */

/* The assessment's windows. */
#define SAFER_LIMIT_WINDOW_MONTHS 120 /* months in the latest window (--from to --to) */

/* The assessment grid. */
#define SAFER_LIMIT_GRID_CELLS 20000000 /* cells in the study grid */

/* The near-repeat (Knox) test (nearrepeat.h). */
#define SAFER_LIMIT_KNOX_EVENTS 1000000      /* events in one test */
#define SAFER_LIMIT_KNOX_BREAKS 32           /* breaks on each axis */
#define SAFER_LIMIT_KNOX_PERMS 99999         /* permutations */
#define SAFER_LIMIT_KNOX_PAIRS 200000000LL   /* pairs within the largest distance */

#endif
