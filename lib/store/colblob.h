/*
 * colblob.h - the column-blob encoding of crime records and outcomes
 * (internal).
 *
 * A (force, month) street publication is stored as two blobs. Integers are
 * little-endian, arrays are unaligned (read with memcpy):
 *
 *   hot:  "SHB2" u32 n | dict types | dict lsoa codes | points |
 *         index type | index lsoa
 *   cold: "SCB2" u32 n | dict falls_within | dict location | dict lsoa name |
 *         dict outcome | dict context | 5 × index | crime ids
 *
 * A (force, month) outcomes publication is one blob, outcome_batch.data:
 *
 *   data: "SOB1" u32 n | dict outcome type | dict falls_within |
 *         dict location | dict lsoa code | dict lsoa name | points |
 *         5 × index (in the dicts' order) | crime ids
 *
 * Outcome type comes first: with the crime ids it is what readers join to
 * the street records; the rest keeps every field of the file, so it can be
 * written back out. Force and month belong to the row of the table, as for
 * street records. police.uk gives every outcome a Crime ID (64 hex digits),
 * so ids take 33 bytes and the rest of a record 6 to 14.
 *
 * A dict is u32 count, then count × (u32 len, bytes); no string holds a NUL
 * byte (the importer rejects such rows). An index is a width
 * byte w (1, 2 or 4: the narrowest that holds the dict's indexes) and n
 * w-byte little-endian integers. Points are a kind byte and two arrays:
 * kind 0 holds i32 longitude[n] and latitude[n] in millionths of a degree,
 * used only when every value v satisfies (double)i / 1e6 == v exactly (as
 * police.uk's six decimals do), with INT32_MIN for "no location"; kind 1
 * holds f64 arrays with NaN for "no location". Each crime id is a tag byte:
 * 0 empty, 1 followed by 32 bytes (a 64-character lowercase hexadecimal id,
 * packed), 2 followed by u32 len and the bytes.
 */
#ifndef SAFER_COLBLOB_H
#define SAFER_COLBLOB_H

#include <stddef.h>
#include <stdint.h>

#include "safer/buf.h"

/* Blobs are little-endian and read with memcpy: the build refuses other hosts. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "safer's stored blobs are little-endian, read with memcpy: build on a little-endian host"
#endif

/* A string dictionary: distinct strings in first-seen order. */
#define SAFER__DICT_CACHE 256
struct safer__dict {
    struct safer_buf bytes; /* all strings, back to back */
    uint32_t *off;          /* owned: start of string i in bytes; count + 1 entries */
    uint32_t count, off_cap;
    uint32_t *slots; /* owned: open-addressing table of index + 1, 0 empty */
    uint32_t nslots;
    /* A direct-mapped cache in front of the table, on a cheap hash of the
     * length and the first and last eight bytes: index + 1, 0 empty. */
    uint32_t cache[SAFER__DICT_CACHE];
};

void safer__dict_init(struct safer__dict *d);
void safer__dict_release(struct safer__dict *d);
/* Empty the dictionary, keeping its memory. */
void safer__dict_clear(struct safer__dict *d);
/* Index of (p, len), adding it when new; negative SAFER_ETOOBIG past SAFER_LIMIT_DICT. */
int64_t safer__dict_intern(struct safer__dict *d, const char *p, size_t len);
/* The same for text from a file: a new string holding a NUL byte is not
 * added, and gives SAFER_EPARSE (costing nothing more for a string the
 * dictionary holds already, which cannot hold one); a string it adds comes
 * back as its index + SAFER__DICT_NEW, so one test (v > UINT32_MAX) finds
 * both the rare cases. */
#define SAFER__DICT_NEW ((int64_t)1 << 32)
int64_t safer__dict_intern_text(struct safer__dict *d, const char *p, size_t len);
/* Remove the strings added after the dictionary held `count` (the most
 * recent ones: a rejected row's), as if they had never been added. */
void safer__dict_truncate(struct safer__dict *d, uint32_t count);
/* Is string i of the dictionary exactly (p, len)? */
int safer__dict_is(const struct safer__dict *d, uint32_t i, const char *p, size_t len);
static inline const char *safer__dict_str(const struct safer__dict *d, uint32_t i, size_t *len)
{
    *len = d->off[i + 1] - d->off[i];
    return d->bytes.ptr + d->off[i];
}
void safer__dict_put(struct safer_buf *out, const struct safer__dict *d);

/* A cursor over a blob; reads past the end set `bad` and return zeros. */
struct safer__blobrd {
    const unsigned char *p, *end;
    int bad;
};
uint32_t safer__rd_u32(struct safer__blobrd *r);
/* Read a dict as an array of (ptr, len) views into the blob. */
struct safer__strview {
    const char *ptr;
    uint32_t len;
};
struct safer__strview *safer__rd_dict(struct safer__blobrd *r, uint32_t *count);
const unsigned char *safer__rd_bytes(struct safer__blobrd *r, size_t n);

/* Append points (see above): the compact kind when it is exact. */
void safer__put_points(struct safer_buf *b, const double *lon, const double *lat, size_t n);
/* Append an index of n values below `count`, as narrow as `count` allows. */
void safer__put_index(struct safer_buf *b, const uint32_t *v, size_t n, uint32_t count);
/* Read n points into lon/lat (NaN for no location); -1 when malformed. */
int safer__rd_points(struct safer__blobrd *r, size_t n, double *lon, double *lat);
/* Read an index of n values into out; -1 when malformed. Values are not range-checked. */
int safer__rd_index(struct safer__blobrd *r, size_t n, uint32_t *out);
/* Read one crime id as a NUL-terminated string: in `buf` when it fits,
 * else in *heap (malloc'd; the caller frees it, NULL otherwise). NULL when
 * the blob is damaged. */
const char *safer__rd_crime_id(struct safer__blobrd *r, char buf[65], char **heap);

/* A hot blob, decoded: dictionaries and points are views into the blob
 * (which must outlive it), the indexes are decoded and range-checked. */
struct safer__hot {
    uint32_t n;
    struct safer__strview *types, *lsoas; /* owned arrays of views */
    uint32_t ntypes, nlsoas;
    size_t width;                /* 4: i32 millionths of a degree; 8: f64 */
    const unsigned char *px, *py; /* the point arrays, in the blob */
    uint32_t *type, *lsoa;        /* owned: per record, indexes into types, lsoas */
};

/* Decode a hot blob; -1 when it is damaged (then `out` holds nothing). The
 * record count is checked against the blob's length first, so a damaged
 * count cannot ask for more memory than the blob could describe. */
int safer__hot_decode(const void *blob, size_t len, struct safer__hot *out);
void safer__hot_release(struct safer__hot *h);

/* Record i's longitude and latitude (NaN, NaN when it has no location). */
void safer__hot_point(const struct safer__hot *h, uint32_t i, double *x, double *y);

/* The smallest hot blob that could hold n records: two 4-byte coordinates
 * and two index bytes each. */
#define SAFER__HOT_MIN_RECORD 10

static inline void safer__put_u32(struct safer_buf *b, uint32_t v)
{
    unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    safer_buf_put(b, x, 4);
}

#endif
