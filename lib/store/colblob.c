/*
 * colblob.c - dictionaries and blob cursors for the crime and outcome
 * column blobs.
 */
#include "util/compat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "store/colblob.h"
#include "util/internal.h"
#include "safer/limits.h"

void safer__dict_init(struct safer__dict *d)
{
    memset(d, 0, sizeof(*d));
    safer_buf_init(&d->bytes, (size_t)UINT32_MAX - 1);
    d->off_cap = 64;
    d->off = safer__xmalloc(sizeof(uint32_t) * d->off_cap);
    d->off[0] = 0;
    d->nslots = 64;
    d->slots = safer__xcalloc(d->nslots, sizeof(uint32_t));
}

void safer__dict_release(struct safer__dict *d)
{
    safer_buf_release(&d->bytes);
    free(d->off);
    free(d->slots);
    memset(d, 0, sizeof(*d));
}

void safer__dict_clear(struct safer__dict *d)
{
    safer_buf_reset(&d->bytes);
    d->count = 0;
    d->off[0] = 0;
    memset(d->slots, 0, sizeof(uint32_t) * d->nslots);
    memset(d->cache, 0, sizeof(d->cache));
}

static void rehash(struct safer__dict *d)
{
    uint32_t n = d->nslots * 2;
    uint32_t *slots = safer__xcalloc(n, sizeof(uint32_t));
    for (uint32_t i = 0; i < d->count; i++) {
        size_t len;
        const char *s = safer__dict_str(d, i, &len);
        uint32_t h = (uint32_t)XXH3_64bits(s, len) & (n - 1);
        while (slots[h])
            h = (h + 1) & (n - 1);
        slots[h] = i + 1;
    }
    free(d->slots);
    d->slots = slots;
    d->nslots = n;
}

/*
 * police.uk columns repeat a few hundred to a few thousand values per file,
 * so most lookups are answered by the cache, on a cheap hash of the length
 * and the first and last eight bytes; the table behind it hashes the whole
 * string (XXH3), so no input can make it slow.
 */
static inline int same_bytes(const char *a, const char *b, size_t n)
{
    uint64_t x = 0, y = 0;
    if (n < 8) {
        for (size_t i = 0; i < n; i++)
            if (a[i] != b[i])
                return 0;
        return 1;
    }
    for (size_t i = 0; i + 8 <= n; i += 8) {
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        if (x != y)
            return 0;
    }
    memcpy(&x, a + n - 8, 8);
    memcpy(&y, b + n - 8, 8);
    return x == y;
}

static inline int same(const struct safer__dict *d, uint32_t i, const char *p, size_t len)
{
    size_t l;
    const char *s = safer__dict_str(d, i, &l);
    return l == len && same_bytes(s, p, len);
}

int safer__dict_is(const struct safer__dict *d, uint32_t i, const char *p, size_t len)
{
    return same(d, i, p, len);
}

/* Inlined into both entry points: the lookup runs for every field of every row. */
static inline __attribute__((always_inline)) int64_t intern(struct safer__dict *d, const char *p,
                                                            size_t len, int text)
{
    uint64_t head = 0, tail = 0;
    if (len >= 8) {
        memcpy(&head, p, 8);
        memcpy(&tail, p + len - 8, 8);
    } else {
        memcpy(&head, p, len);
    }
    uint64_t hh = (head ^ (tail * 0x9E3779B97F4A7C15ULL) ^ len) * 0xC2B2AE3D27D4EB4FULL;
    unsigned cs = (unsigned)(hh >> 32) & (SAFER__DICT_CACHE - 1);
    uint32_t c = d->cache[cs];
    if (c && same(d, c - 1, p, len))
        return c - 1;
    uint32_t mask = d->nslots - 1;
    uint32_t h = (uint32_t)XXH3_64bits(p, len) & mask;
    for (;;) {
        uint32_t v = d->slots[h];
        if (!v)
            break;
        if (same(d, v - 1, p, len)) {
            d->cache[cs] = v;
            return v - 1;
        }
        h = (h + 1) & mask;
    }
    if (text && memchr(p, 0, len))
        return SAFER_EPARSE;
    if (d->count >= SAFER_LIMIT_DICT)
        return SAFER_ETOOBIG;
    int rc = safer_buf_add(&d->bytes, p, len);
    if (rc < 0)
        return rc;
    if (d->count + 2 > d->off_cap) {
        d->off_cap *= 2;
        d->off = safer__xreallocarray(d->off, d->off_cap, sizeof(uint32_t));
    }
    uint32_t idx = d->count++;
    d->off[d->count] = (uint32_t)d->bytes.len;
    d->slots[h] = idx + 1;
    d->cache[cs] = idx + 1;
    if (d->count * 2 > d->nslots)
        rehash(d);
    return text ? idx + SAFER__DICT_NEW : idx;
}

int64_t safer__dict_intern(struct safer__dict *d, const char *p, size_t len)
{
    return intern(d, p, len, 0);
}

int64_t safer__dict_intern_text(struct safer__dict *d, const char *p, size_t len)
{
    return intern(d, p, len, 1);
}

/*
 * In a table with linear probing, the string added last sits in a slot that
 * was empty when every other string was placed, so no other string's probe
 * sequence passes through it: emptying that slot is an exact undo. (A
 * rehash places the strings again in index order, so that still holds.)
 * Undoing the last ones in reverse order therefore gives back the table of
 * the first `count`.
 */
void safer__dict_truncate(struct safer__dict *d, uint32_t count)
{
    if (count >= d->count)
        return;
    uint32_t mask = d->nslots - 1;
    while (d->count > count) {
        uint32_t i = d->count - 1;
        size_t len;
        const char *s = safer__dict_str(d, i, &len);
        uint32_t h = (uint32_t)XXH3_64bits(s, len) & mask;
        while (d->slots[h] != i + 1)
            h = (h + 1) & mask;
        d->slots[h] = 0;
        d->count = i;
    }
    d->bytes.len = d->off[count];
    if (d->bytes.cap)
        d->bytes.ptr[d->bytes.len] = '\0';
    for (unsigned k = 0; k < SAFER__DICT_CACHE; k++) {
        if (d->cache[k] > count)
            d->cache[k] = 0;
    }
}

void safer__dict_put(struct safer_buf *out, const struct safer__dict *d)
{
    safer__put_u32(out, d->count);
    for (uint32_t i = 0; i < d->count; i++) {
        size_t len;
        const char *s = safer__dict_str(d, i, &len);
        safer__put_u32(out, (uint32_t)len);
        safer_buf_put(out, s, len);
    }
}

const unsigned char *safer__rd_bytes(struct safer__blobrd *r, size_t n)
{
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = 1;
        return NULL;
    }
    const unsigned char *p = r->p;
    r->p += n;
    return p;
}

uint32_t safer__rd_u32(struct safer__blobrd *r)
{
    const unsigned char *x = safer__rd_bytes(r, 4);
    if (!x)
        return 0;
    return (uint32_t)x[0] | (uint32_t)x[1] << 8 | (uint32_t)x[2] << 16 | (uint32_t)x[3] << 24;
}

struct safer__strview *safer__rd_dict(struct safer__blobrd *r, uint32_t *count)
{
    uint32_t n = safer__rd_u32(r);
    if (r->bad || n > (size_t)(r->end - r->p) / 4) {
        r->bad = 1;
        *count = 0;
        return NULL;
    }
    struct safer__strview *v = safer__xcalloc(n ? n : 1, sizeof(*v));
    for (uint32_t i = 0; i < n; i++) {
        uint32_t len = safer__rd_u32(r);
        const unsigned char *s = safer__rd_bytes(r, len);
        if (!s) {
            free(v);
            *count = 0;
            return NULL;
        }
        v[i].ptr = (const char *)s;
        v[i].len = len;
    }
    *count = n;
    return v;
}

void safer__put_points(struct safer_buf *b, const double *lon, const double *lat, size_t n)
{
    int exact = 1;
    for (size_t i = 0; i < n && exact; i++) {
        const double *v[2] = {&lon[i], &lat[i]};
        for (int k = 0; k < 2; k++) {
            double x = *v[k];
            if (isnan(x))
                continue;
            double m = nearbyint(x * 1e6);
            if (!(fabs(m) < 2147483647.0) || m / 1e6 != x)
                exact = 0;
        }
    }
    size_t width = exact ? 4 : 8;
    if (safer_buf_grow(b, 1 + 2 * n * width) < 0) {
        b->err = SAFER_ETOOBIG;
        return;
    }
    b->ptr[b->len++] = exact ? 0 : 1;
    const double *src[2] = {lon, lat};
    for (int k = 0; k < 2; k++) {
        unsigned char *out = (unsigned char *)b->ptr + b->len;
        for (size_t i = 0; i < n; i++) {
            double x = src[k][i];
            if (exact) {
                int32_t m = isnan(x) ? INT32_MIN : (int32_t)nearbyint(x * 1e6);
                memcpy(out + 4 * i, &m, 4);
            } else {
                memcpy(out + 8 * i, &x, 8);
            }
        }
        b->len += n * width;
    }
    b->ptr[b->len] = '\0';
}

void safer__put_index(struct safer_buf *b, const uint32_t *v, size_t n, uint32_t count)
{
    unsigned w = count <= 256 ? 1 : count <= 65536 ? 2 : 4;
    if (safer_buf_grow(b, 1 + n * w) < 0) {
        b->err = SAFER_ETOOBIG;
        return;
    }
    unsigned char *out = (unsigned char *)b->ptr + b->len;
    *out++ = (unsigned char)w;
    if (w == 1) {
        for (size_t i = 0; i < n; i++)
            out[i] = (unsigned char)v[i];
    } else if (w == 2) {
        for (size_t i = 0; i < n; i++) {
            out[2 * i] = (unsigned char)v[i];
            out[2 * i + 1] = (unsigned char)(v[i] >> 8);
        }
    } else {
        memcpy(out, v, n * 4);
    }
    b->len += 1 + n * w;
    b->ptr[b->len] = '\0';
}

int safer__rd_points(struct safer__blobrd *r, size_t n, double *lon, double *lat)
{
    const unsigned char *kind = safer__rd_bytes(r, 1);
    if (!kind || *kind > 1)
        return -1;
    size_t width = *kind == 0 ? 4 : 8;
    double *dst[2] = {lon, lat};
    for (int k = 0; k < 2; k++) {
        const unsigned char *p = safer__rd_bytes(r, n * width);
        if (!p)
            return -1;
        if (width == 8) {
            memcpy(dst[k], p, n * 8);
            continue;
        }
        for (size_t i = 0; i < n; i++) {
            int32_t m;
            memcpy(&m, p + 4 * i, 4);
            dst[k][i] = m == INT32_MIN ? NAN : (double)m / 1e6;
        }
    }
    return 0;
}

int safer__rd_index(struct safer__blobrd *r, size_t n, uint32_t *out)
{
    const unsigned char *w = safer__rd_bytes(r, 1);
    if (!w || (*w != 1 && *w != 2 && *w != 4))
        return -1;
    const unsigned char *p = safer__rd_bytes(r, n * *w);
    if (!p)
        return -1;
    if (*w == 1) {
        for (size_t i = 0; i < n; i++)
            out[i] = p[i];
    } else if (*w == 2) {
        for (size_t i = 0; i < n; i++)
            out[i] = (uint32_t)p[2 * i] | (uint32_t)p[2 * i + 1] << 8;
    } else {
        memcpy(out, p, n * 4);
    }
    return 0;
}

const char *safer__rd_crime_id(struct safer__blobrd *r, char buf[65], char **heap)
{
    *heap = NULL;
    const unsigned char *tag = safer__rd_bytes(r, 1);
    if (!tag || *tag > 2)
        return NULL;
    buf[0] = '\0';
    if (*tag == 1) {
        static const char hex[] = "0123456789abcdef";
        const unsigned char *b = safer__rd_bytes(r, 32);
        if (!b)
            return NULL;
        for (int k = 0; k < 32; k++) {
            buf[2 * k] = hex[b[k] >> 4];
            buf[2 * k + 1] = hex[b[k] & 15];
        }
        buf[64] = '\0';
    } else if (*tag == 2) {
        uint32_t len = safer__rd_u32(r);
        const unsigned char *b = safer__rd_bytes(r, len);
        if (!b)
            return NULL;
        if (len < 65) {
            memcpy(buf, b, len);
            buf[len] = '\0';
        } else {
            return *heap = safer__xstrndup((const char *)b, len);
        }
    }
    return buf;
}

int safer__hot_decode(const void *blob, size_t len, struct safer__hot *out)
{
    memset(out, 0, sizeof(*out));
    struct safer__blobrd r = {blob, (const unsigned char *)blob + len, 0};
    const unsigned char *magic = safer__rd_bytes(&r, 4);
    uint32_t n = safer__rd_u32(&r);
    if (!magic || memcmp(magic, "SHB2", 4) || (size_t)n > len / SAFER__HOT_MIN_RECORD)
        return -1;
    out->n = n;
    out->types = safer__rd_dict(&r, &out->ntypes);
    out->lsoas = safer__rd_dict(&r, &out->nlsoas);
    const unsigned char *kind = safer__rd_bytes(&r, 1);
    if (r.bad || !kind || *kind > 1)
        goto bad;
    out->width = *kind == 0 ? 4 : 8;
    out->px = safer__rd_bytes(&r, n * out->width);
    out->py = safer__rd_bytes(&r, n * out->width);
    out->type = safer__xmalloc(sizeof(uint32_t) * ((size_t)n + 1));
    out->lsoa = safer__xmalloc(sizeof(uint32_t) * ((size_t)n + 1));
    if (r.bad || safer__rd_index(&r, n, out->type) < 0 || safer__rd_index(&r, n, out->lsoa) < 0)
        goto bad;
    for (uint32_t i = 0; i < n; i++) {
        if (out->type[i] >= out->ntypes || out->lsoa[i] >= out->nlsoas)
            goto bad;
    }
    return 0;
bad:
    safer__hot_release(out);
    return -1;
}

void safer__hot_release(struct safer__hot *h)
{
    free(h->types);
    free(h->lsoas);
    free(h->type);
    free(h->lsoa);
    memset(h, 0, sizeof(*h));
}

void safer__hot_point(const struct safer__hot *h, uint32_t i, double *x, double *y)
{
    if (h->width == 4) {
        int32_t mx, my;
        memcpy(&mx, h->px + 4 * (size_t)i, 4);
        memcpy(&my, h->py + 4 * (size_t)i, 4);
        *x = mx == INT32_MIN ? NAN : (double)mx / 1e6;
        *y = mx == INT32_MIN ? NAN : (double)my / 1e6;
    } else {
        memcpy(x, h->px + 8 * (size_t)i, 8);
        memcpy(y, h->py + 8 * (size_t)i, 8);
    }
}
