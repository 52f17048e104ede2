/*
 * internal.h - helpers shared inside the library (never installed).
 * Names are safer__<name>.
 */
#ifndef SAFER_INTERNAL_H
#define SAFER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "safer/error.h"
#include "safer/lib.h"

/* Should this call of `kind` (enum safer_fault_kind, safer/lib.h) fail?
 * Counts the call; true only for the armed one (tests). */
bool safer__fault(enum safer_fault_kind kind);

/* Allocation that never returns NULL: it aborts with a message on failure.
 * Acceptable only because every input-driven size is capped first. */
void *safer__xmalloc(size_t n);
void *safer__xcalloc(size_t n, size_t size);
void *safer__xrealloc(void *p, size_t n);
void *safer__xreallocarray(void *p, size_t n, size_t size);
char *safer__xstrndup(const char *s, size_t n);
char *safer__xstrdup(const char *s);

static inline bool safer__size_mul(size_t a, size_t b, size_t *out)
{
    return !__builtin_mul_overflow(a, b, out);
}
static inline bool safer__size_add(size_t a, size_t b, size_t *out)
{
    return !__builtin_add_overflow(a, b, out);
}

/* Grow `*items` (of `size`-byte elements, `*cap` allocated) to hold `need`. */
void safer__grow(void **items, size_t size, size_t *cap, size_t need);
#define SAFER__GROW(arr, cap, need) safer__grow((void **)&(arr), sizeof(*(arr)), &(cap), (need))

/* A plain decimal ("-0.513191", at most 15 digits) read exactly as strtod
 * would; -1 when the text is not of that form (then use strtod). */
int safer__fast_decimal(const char *p, size_t n, double *out);

/* Index of `key` in the byte-ordered array `v` of `n` strings, or -1. */
long safer__find_str(char *const *v, size_t n, const char *key);

/* Month as a count of months since year 0: 2019-01 -> 2019*12 + 0. */
static inline int safer__month_index(int year, int month) { return year * 12 + (month - 1); }

/* A hash of a position's exact bits, for tables of distinct positions. */
static inline uint64_t safer__position_hash(double x, double y)
{
    uint64_t bx, by;
    memcpy(&bx, &x, 8);
    memcpy(&by, &y, 8);
    uint64_t h = (bx * 0x9E3779B97F4A7C15ULL) ^ (by * 0xC2B2AE3D27D4EB4FULL);
    return h ^ (h >> 29);
}

/* Parse "YYYY-MM" (exactly) into a month index; -1 when malformed. */
int safer__parse_month(const char *p, size_t n);

/* Write a month index as "YYYY-MM" into `out` (8 bytes). */
void safer__format_month(int mi, char out[8]);

/* An indicator's periods (period.c): a month, a calendar quarter, or
 * rolling 12 months named by their last month. */
enum { SAFER__PERIOD_MONTH = 0, SAFER__PERIOD_QUARTER = 1, SAFER__PERIOD_ROLLING12 = 2 };
#define SAFER__PERIOD_LABEL 16
/* "month", "quarter", "rolling12" to the kind; -1 for anything else. */
int safer__period_kind(const char *name);
const char *safer__period_kind_name(int kind);
/* The months a period covers, from the month that names it (a quarter's
 * first month, rolling 12 months' last). */
void safer__period_span(int kind, int32_t month, int32_t *first, int32_t *last);
/* "2019-04", "2019-Q2" (month: the quarter's first). */
void safer__period_label(int kind, int32_t month, char out[SAFER__PERIOD_LABEL]);
/* A period's name, or a date "YYYY-MM-DD" in it, to the month that names
 * it; -1 when neither (or outside 1990 to 2100). */
int safer__period_parse(int kind, const char *text, int32_t *month);

/* Open `path` for reading if it is a regular file, without ever blocking
 * (a FIFO's open waits for a writer): stat, open with O_NONBLOCK, fstat.
 * Returns the descriptor (close-on-exec; *sb is its fstat), or SAFER_EIO
 * with `err` naming the path. */
struct stat;
int safer__open_regular(const char *path, struct stat *sb, struct safer_err *err);

/* Read a whole regular file (NUL-terminated copy; caller frees *out),
 * opened as safer__open_regular does. Files over `limit` bytes fail with
 * SAFER_ETOOBIG naming `limit_name`. */
int safer__read_file(const char *path, unsigned long long limit, const char *limit_name,
                     char **out, size_t *len, struct safer_err *err);

/* Print `v` with the fewest significant digits that read back as the same
 * double ("%.17g" at most); `out` must hold 32 bytes. */
void safer__fmt_double(double v, char out[32]);

#endif
