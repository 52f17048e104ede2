/*
 * test_colblob.c - the column-blob encoding of crime records
 * (lib/store/colblob.c): dictionaries, the blob cursor, points, indexes and
 * the hot blob decoder. The encoders are checked by decoding what they
 * wrote; the decoders by every truncation of a valid blob and by record
 * counts no blob of that length could hold.
 */
#include "util/compat.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "safer/buf.h"
#include "safer/error.h"
#include "safer/lib.h"
#include "safer/limits.h"
#include "store/colblob.h"

/* A copy of b's bytes in a block of exactly `len` bytes, so that ASan
 * catches a read one byte past the end. */
static unsigned char *exact_copy(const void *p, size_t len)
{
    unsigned char *c = malloc(len ? len : 1);
    assert_non_null(c);
    memcpy(c, p, len);
    return c;
}

/* ---- dictionaries ---- */

/* Intern the `n` strings s (lengths len), check their indexes, write the dictionary and
 * read it back as views. */
static void dict_round_trip(const char *const *s, const size_t *len, uint32_t n,
                            uint32_t want_count)
{
    struct safer__dict d;
    safer__dict_init(&d);
    int64_t *idx = malloc(sizeof(int64_t) * (n ? n : 1));
    for (uint32_t i = 0; i < n; i++) {
        idx[i] = safer__dict_intern(&d, s[i], len[i]);
        assert_true(idx[i] >= 0);
    }
    assert_int_equal(d.count, want_count);
    /* Interning again gives the same index, and the dictionary holds it. */
    for (uint32_t i = 0; i < n; i++) {
        assert_int_equal(safer__dict_intern(&d, s[i], len[i]), idx[i]);
        assert_true(safer__dict_is(&d, (uint32_t)idx[i], s[i], len[i]));
        size_t l;
        const char *p = safer__dict_str(&d, (uint32_t)idx[i], &l);
        assert_int_equal(l, len[i]);
        if (len[i])
            assert_memory_equal(p, s[i], len[i]);
    }
    assert_int_equal(d.count, want_count);

    struct safer_buf b;
    safer_buf_init(&b, SIZE_MAX);
    safer__dict_put(&b, &d);
    assert_int_equal(safer_buf_error(&b), 0);
    unsigned char *blob = exact_copy(b.ptr, b.len);
    struct safer__blobrd r = {blob, blob + b.len, 0};
    uint32_t count = 12345;
    struct safer__strview *v = safer__rd_dict(&r, &count);
    assert_non_null(v);
    assert_false(r.bad);
    assert_ptr_equal(r.p, r.end);
    assert_int_equal(count, want_count);
    for (uint32_t i = 0; i < n; i++) {
        assert_int_equal(v[idx[i]].len, len[i]);
        if (len[i])
            assert_memory_equal(v[idx[i]].ptr, s[i], len[i]);
    }
    free(v);
    free(blob);
    safer_buf_release(&b);
    free(idx);
    safer__dict_release(&d);
}

static void test_colblob_dictionary_round_trips_small_cases(void **state)
{
    (void)state;
    /* { strings, count of distinct ones } */
    static const struct {
        const char *s[6];
        uint32_t n, distinct;
    } cases[] = {
        {{NULL}, 0, 0},             /* empty */
        {{""}, 1, 1},               /* only the empty string */
        {{"", "a", "", "a"}, 4, 2}, /* repeats */
        {{"Burglary", "Drugs", "Burglary", ""}, 4, 3},
        {{"12345678", "123456789", "1234567", "12345678"}, 4, 3}, /* around the 8-byte compare */
        {{"abcdefgh-same-tail", "zbcdefgh-same-tail", "abcdefgh-same-tail"}, 3, 2},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        size_t len[6];
        for (uint32_t i = 0; i < cases[k].n; i++)
            len[i] = strlen(cases[k].s[i]);
        dict_round_trip(cases[k].s, len, cases[k].n, cases[k].distinct);
    }
}

static void test_colblob_dictionary_round_trips_long_strings(void **state)
{
    (void)state;
    /* Longer than a CSV field may be, with NUL bytes inside: the dictionary
     * counts bytes, it never looks for a terminator. */
    enum { L = 70000 };
    char *a = malloc(L), *b = malloc(L);
    for (size_t i = 0; i < L; i++)
        a[i] = b[i] = (char)(i * 7);
    b[L / 2] ^= 1; /* same length, same first and last eight bytes */
    const char *s[4] = {a, b, a, b};
    size_t len[4] = {L, L, L, L - 1};
    dict_round_trip(s, len, 4, 3);
    free(a);
    free(b);
}

static void test_colblob_dictionary_round_trips_many_entries(void **state)
{
    (void)state;
    /* Enough to grow the table many times over and to need four-byte indexes. */
    enum { N = 70000 };
    char(*text)[16] = malloc(sizeof(*text) * N);
    const char **s = malloc(sizeof(char *) * N);
    size_t *len = malloc(sizeof(size_t) * N);
    for (uint32_t i = 0; i < N; i++) {
        len[i] = (size_t)snprintf(text[i], sizeof(text[i]), "E0%07u", i % 65537);
        s[i] = text[i];
    }
    dict_round_trip(s, len, N, 65537);
    free(text);
    free(s);
    free(len);
}

static void test_colblob_dictionary_clear_starts_again(void **state)
{
    (void)state;
    struct safer__dict d;
    safer__dict_init(&d);
    assert_int_equal(safer__dict_intern(&d, "one", 3), 0);
    assert_int_equal(safer__dict_intern(&d, "two", 3), 1);
    safer__dict_clear(&d);
    assert_int_equal(d.count, 0);
    /* Neither the table nor the cache remembers the old strings. */
    assert_int_equal(safer__dict_intern(&d, "two", 3), 0);
    assert_int_equal(safer__dict_intern(&d, "one", 3), 1);
    assert_int_equal(safer__dict_intern(&d, "two", 3), 0);
    safer__dict_release(&d);
    /* Released twice is harmless: the struct is left empty. */
    safer__dict_release(&d);
}

static void test_colblob_dictionary_refuses_more_than_the_limit(void **state)
{
    (void)state;
    /* Filling SAFER_LIMIT_DICT (16M) entries would take seconds and
     * hundreds of megabytes; the check looks only at the count, so the
     * count is set to the limit (and put back before release). */
    struct safer__dict d;
    safer__dict_init(&d);
    assert_int_equal(safer__dict_intern(&d, "old", 3), 0);
    uint32_t real = d.count;
    d.count = SAFER_LIMIT_DICT;
    assert_int_equal(safer__dict_intern(&d, "new", 3), SAFER_ETOOBIG);
    /* A string it already holds is still found. */
    assert_int_equal(safer__dict_intern(&d, "old", 3), 0);
    d.count = real;
    assert_int_equal(safer__dict_intern(&d, "new", 3), 1);
    safer__dict_release(&d);
}

/* ---- the cursor ---- */

static void test_colblob_cursor_reads_little_endian_and_stops_at_the_end(void **state)
{
    (void)state;
    static const unsigned char bytes[] = {0x78, 0x56, 0x34, 0x12, 0xff, 0xff, 0xff};
    unsigned char *blob = exact_copy(bytes, sizeof(bytes));
    struct safer__blobrd r = {blob, blob + sizeof(bytes), 0};
    assert_int_equal(safer__rd_u32(&r), 0x12345678u);
    assert_false(r.bad);
    /* Three bytes left: a u32 is refused, reads zero, and the cursor stays bad. */
    assert_int_equal(safer__rd_u32(&r), 0);
    assert_true(r.bad);
    assert_null(safer__rd_bytes(&r, 1));
    assert_null(safer__rd_bytes(&r, 0));
    free(blob);

    /* A length that would wrap the pointer is refused too. */
    blob = exact_copy(bytes, sizeof(bytes));
    r = (struct safer__blobrd){blob, blob + sizeof(bytes), 0};
    assert_null(safer__rd_bytes(&r, SIZE_MAX));
    assert_true(r.bad);
    free(blob);
}

static void test_colblob_rejects_truncated_dictionary(void **state)
{
    (void)state;
    struct safer__dict d;
    safer__dict_init(&d);
    assert_true(safer__dict_intern(&d, "Anti-social behaviour", 21) >= 0);
    assert_true(safer__dict_intern(&d, "", 0) >= 0);
    assert_true(safer__dict_intern(&d, "Drugs", 5) >= 0);
    struct safer_buf b;
    safer_buf_init(&b, SIZE_MAX);
    safer__dict_put(&b, &d);
    for (size_t cut = 0; cut < b.len; cut++) {
        unsigned char *blob = exact_copy(b.ptr, cut);
        struct safer__blobrd r = {blob, blob + cut, 0};
        uint32_t count = 99;
        assert_null(safer__rd_dict(&r, &count));
        assert_true(r.bad);
        assert_int_equal(count, 0);
        free(blob);
    }
    safer_buf_release(&b);
    safer__dict_release(&d);
}

static void test_colblob_dictionary_count_beyond_the_blob_allocates_nothing(void **state)
{
    (void)state;
    /* Counts of 2^32 - 1 and of one more entry than the bytes could hold
     * (each entry takes at least its 4-byte length). */
    static const unsigned char huge[] = {0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0};
    static const unsigned char three[] = {3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    const struct {
        const unsigned char *p;
        size_t len;
    } cases[] = {{huge, sizeof(huge)}, {three, sizeof(three)}};
    for (size_t k = 0; k < 2; k++) {
        unsigned char *blob = exact_copy(cases[k].p, cases[k].len);
        struct safer__blobrd r = {blob, blob + cases[k].len, 0};
        uint32_t count = 99;
        safer_fault_arm(SAFER_FAULT_ALLOC, 0); /* restarts the count of allocations */
        assert_null(safer__rd_dict(&r, &count));
        assert_int_equal(safer_fault_calls(SAFER_FAULT_ALLOC), 0);
        assert_true(r.bad);
        assert_int_equal(count, 0);
        free(blob);
    }
}

/* ---- points ---- */

static int same_double(double a, double b) { return (isnan(a) && isnan(b)) || a == b; }

static void test_colblob_points_round_trip(void **state)
{
    (void)state;
    /* { lon, lat, kind: 0 when every value is whole millionths } */
    static const struct {
        double lon[3], lat[3];
        size_t n;
        int kind;
    } cases[] = {
        {{0.501, -0.123456, 0}, {51.201, 51.5, -0.000001}, 3, 0},
        {{-180, 180, 0.5}, {-90, 90, 0.25}, 3, 0},
        {{NAN, 0.501, NAN}, {NAN, 51.201, NAN}, 3, 0}, /* no location */
        {{NAN}, {NAN}, 1, 0},
        {{0}, {0}, 0, 0},                       /* no records */
        {{0.1234567, 0.5}, {51.2, 51.3}, 2, 1}, /* seventh decimal */
        {{0.5, NAN}, {1.0 / 3.0, NAN}, 2, 1},   /* not exact, with no location */
        {{2147.483648, 0}, {0, 0}, 2, 1},       /* past a 32-bit integer of millionths */
        {{-2147.483648, 0}, {0, 0}, 2, 1},
        {{2147.483646}, {-2147.483646}, 1, 0}, /* just inside */
        {{1e-7}, {0}, 1, 1},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        size_t n = cases[k].n;
        size_t width = cases[k].kind == 0 ? 4 : 8;
        struct safer_buf b;
        safer_buf_init(&b, SIZE_MAX);
        safer__put_points(&b, cases[k].lon, cases[k].lat, n);
        assert_int_equal(safer_buf_error(&b), 0);
        assert_int_equal(b.len, 1 + 2 * n * width);
        assert_int_equal((unsigned char)b.ptr[0], cases[k].kind);
        unsigned char *blob = exact_copy(b.ptr, b.len);
        struct safer__blobrd r = {blob, blob + b.len, 0};
        double lon[3] = {-1, -1, -1}, lat[3] = {-1, -1, -1};
        assert_int_equal(safer__rd_points(&r, n, lon, lat), 0);
        assert_ptr_equal(r.p, r.end);
        for (size_t i = 0; i < n; i++) {
            if (!same_double(lon[i], cases[k].lon[i]) || !same_double(lat[i], cases[k].lat[i]))
                fail_msg("case %zu record %zu: (%.17g, %.17g) came back as (%.17g, %.17g)", k, i,
                         cases[k].lon[i], cases[k].lat[i], lon[i], lat[i]);
        }
        /* Every truncation is refused. */
        for (size_t cut = 0; cut < b.len; cut++) {
            unsigned char *t = exact_copy(b.ptr, cut);
            struct safer__blobrd rt = {t, t + cut, 0};
            assert_int_equal(safer__rd_points(&rt, n, lon, lat), -1);
            free(t);
        }
        free(blob);
        safer_buf_release(&b);
    }
}

static void test_colblob_points_refuse_an_unknown_kind(void **state)
{
    (void)state;
    static const unsigned char bytes[] = {2, 0, 0, 0, 0, 0, 0, 0, 0};
    unsigned char *blob = exact_copy(bytes, sizeof(bytes));
    struct safer__blobrd r = {blob, blob + sizeof(bytes), 0};
    double lon, lat;
    assert_int_equal(safer__rd_points(&r, 1, &lon, &lat), -1);
    free(blob);
}

/* ---- indexes ---- */

static void test_colblob_index_width_follows_dictionary_size(void **state)
{
    (void)state;
    /* { dictionary size, width } */
    static const struct {
        uint32_t count;
        unsigned width;
    } cases[] = {
        {1, 1}, {2, 1}, {256, 1}, {257, 2}, {65536, 2}, {65537, 4}, {SAFER_LIMIT_DICT, 4},
    };
    enum { N = 5 };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        uint32_t c = cases[k].count;
        /* The first and last values the dictionary allows, and some between. */
        uint32_t v[N] = {0, c - 1, c / 2, c > 1 ? 1 : 0, c - 1};
        struct safer_buf b;
        safer_buf_init(&b, SIZE_MAX);
        safer__put_index(&b, v, N, c);
        assert_int_equal(safer_buf_error(&b), 0);
        assert_int_equal(b.len, 1 + N * cases[k].width);
        assert_int_equal((unsigned char)b.ptr[0], cases[k].width);
        unsigned char *blob = exact_copy(b.ptr, b.len);
        struct safer__blobrd r = {blob, blob + b.len, 0};
        uint32_t out[N];
        assert_int_equal(safer__rd_index(&r, N, out), 0);
        assert_ptr_equal(r.p, r.end);
        assert_memory_equal(out, v, sizeof(v));
        for (size_t cut = 0; cut < b.len; cut++) {
            unsigned char *t = exact_copy(b.ptr, cut);
            struct safer__blobrd rt = {t, t + cut, 0};
            assert_int_equal(safer__rd_index(&rt, N, out), -1);
            free(t);
        }
        free(blob);
        safer_buf_release(&b);
    }
}

static void test_colblob_index_refuses_a_bad_width(void **state)
{
    (void)state;
    static const unsigned char widths[] = {0, 3, 5, 8, 255};
    for (size_t k = 0; k < sizeof(widths); k++) {
        unsigned char bytes[1 + 8 * 2] = {widths[k]};
        unsigned char *blob = exact_copy(bytes, sizeof(bytes));
        struct safer__blobrd r = {blob, blob + sizeof(bytes), 0};
        uint32_t out[2];
        assert_int_equal(safer__rd_index(&r, 2, out), -1);
        free(blob);
    }
}

/* ---- hot blobs ---- */

/* A hot blob as the importer writes one (lib/import/police.c). */
static void put_hot(struct safer_buf *b, uint32_t n, const struct safer__dict *types,
                    const struct safer__dict *lsoas, const double *lon, const double *lat,
                    const uint32_t *ty, const uint32_t *ls)
{
    safer_buf_put(b, "SHB2", 4);
    safer__put_u32(b, n);
    safer__dict_put(b, types);
    safer__dict_put(b, lsoas);
    safer__put_points(b, lon, lat, n);
    safer__put_index(b, ty, n, types->count);
    safer__put_index(b, ls, n, lsoas->count);
}

/* A hot blob of `n` records with `nlsoas` distinct LSOA codes (setting the
 * index width); `exact` picks the points' kind. */
static void make_hot(struct safer_buf *b, uint32_t n, uint32_t nlsoas, int exact)
{
    static const char *const types[] = {"Burglary", "Drugs", "", "Vehicle crime"};
    struct safer__dict td, ld;
    safer__dict_init(&td);
    safer__dict_init(&ld);
    double *lon = malloc(sizeof(double) * (n + 1)), *lat = malloc(sizeof(double) * (n + 1));
    uint32_t *ty = malloc(sizeof(uint32_t) * (n + 1)), *ls = malloc(sizeof(uint32_t) * (n + 1));
    char code[16];
    for (uint32_t i = 0; i < nlsoas; i++) {
        int len = snprintf(code, sizeof(code), "E0%07u", i);
        assert_true(safer__dict_intern(&ld, code, (size_t)len) >= 0);
    }
    for (uint32_t i = 0; i < n; i++) {
        const char *t = types[i % 4];
        ty[i] = (uint32_t)safer__dict_intern(&td, t, strlen(t));
        ls[i] = nlsoas ? (i * 7919u) % nlsoas : 0;
        if (i % 5 == 4) {
            lon[i] = lat[i] = NAN; /* no location */
        } else {
            /* Whole millionths, computed as the decoder computes them. */
            lon[i] = (double)(500000 + i) / 1e6;
            lat[i] = (double)(51200000 - i) / 1e6;
            if (!exact)
                lon[i] += 1e-9;
        }
    }
    safer_buf_init(b, SIZE_MAX);
    put_hot(b, n, &td, &ld, lon, lat, ty, ls);
    assert_int_equal(safer_buf_error(b), 0);
    free(lon);
    free(lat);
    free(ty);
    free(ls);
    safer__dict_release(&td);
    safer__dict_release(&ld);
}

static void check_hot(const struct safer__hot *h, uint32_t n, uint32_t nlsoas, int exact)
{
    static const char *const types[] = {"Burglary", "Drugs", "", "Vehicle crime"};
    assert_int_equal(h->n, n);
    assert_int_equal(h->ntypes, n < 4 ? n : 4);
    assert_int_equal(h->nlsoas, nlsoas);
    assert_int_equal(h->width, exact ? 4 : 8);
    for (uint32_t i = 0; i < n; i++) {
        const struct safer__strview *t = &h->types[h->type[i]];
        assert_int_equal(t->len, strlen(types[i % 4]));
        if (t->len)
            assert_memory_equal(t->ptr, types[i % 4], t->len);
        uint32_t want_lsoa = nlsoas ? (i * 7919u) % nlsoas : 0;
        char code[16];
        int len = snprintf(code, sizeof(code), "E0%07u", want_lsoa);
        assert_int_equal(h->lsoas[h->lsoa[i]].len, (uint32_t)len);
        assert_memory_equal(h->lsoas[h->lsoa[i]].ptr, code, (size_t)len);
        double x, y;
        safer__hot_point(h, i, &x, &y);
        if (i % 5 == 4) {
            assert_true(isnan(x) && isnan(y));
        } else {
            double wx = (double)(500000 + i) / 1e6, wy = (double)(51200000 - i) / 1e6;
            if (!exact)
                wx += 1e-9;
            assert_true(x == wx && y == wy);
        }
    }
}

static void test_colblob_hot_blob_round_trips(void **state)
{
    (void)state;
    /* { records, distinct LSOAs (so index width 1, 2, 4), exact points } */
    static const struct {
        uint32_t n, nlsoas;
        int exact;
    } cases[] = {
        {0, 0, 1}, {1, 1, 1}, {10, 3, 1}, {10, 3, 0}, {600, 300, 1}, {70000, 65537, 0},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        struct safer_buf b;
        make_hot(&b, cases[k].n, cases[k].nlsoas, cases[k].exact);
        unsigned char *blob = exact_copy(b.ptr, b.len);
        struct safer__hot h;
        assert_int_equal(safer__hot_decode(blob, b.len, &h), 0);
        check_hot(&h, cases[k].n, cases[k].nlsoas, cases[k].exact);
        safer__hot_release(&h);
        assert_null(h.type);
        free(blob);
        safer_buf_release(&b);
    }
}

static void test_colblob_hot_blob_refuses_every_truncation(void **state)
{
    (void)state;
    /* Both kinds of point and two index widths; each prefix is copied into
     * a block of its own length, so ASan sees any read past it. */
    static const struct {
        uint32_t n, nlsoas;
        int exact;
    } cases[] = {{0, 0, 1}, {7, 3, 1}, {7, 3, 0}, {20, 300, 1}};
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        struct safer_buf b;
        make_hot(&b, cases[k].n, cases[k].nlsoas, cases[k].exact);
        for (size_t cut = 0; cut < b.len; cut++) {
            unsigned char *blob = exact_copy(b.ptr, cut);
            struct safer__hot h;
            memset(&h, 0x5a, sizeof(h));
            if (safer__hot_decode(blob, cut, &h) != -1)
                fail_msg("case %zu: a hot blob cut to %zu of %zu bytes was accepted", k, cut,
                         b.len);
            /* Nothing is left to release. */
            assert_null(h.types);
            assert_null(h.type);
            assert_int_equal(h.n, 0);
            free(blob);
        }
        safer_buf_release(&b);
    }
}

static void test_colblob_hot_blob_refuses_a_count_it_cannot_hold(void **state)
{
    (void)state;
    struct safer_buf b;
    make_hot(&b, 10, 3, 1);
    /* 2^32 - 1, and the first count above what the length allows
     * (SAFER__HOT_MIN_RECORD bytes per record at least). */
    const uint32_t counts[] = {UINT32_MAX, (uint32_t)(b.len / SAFER__HOT_MIN_RECORD) + 1,
                               UINT32_MAX / SAFER__HOT_MIN_RECORD};
    for (size_t k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
        unsigned char *blob = exact_copy(b.ptr, b.len);
        memcpy(blob + 4, &counts[k], 4);
        struct safer__hot h;
        safer_fault_arm(SAFER_FAULT_ALLOC, 0); /* restarts the count of allocations */
        assert_int_equal(safer__hot_decode(blob, b.len, &h), -1);
        /* Refused before anything was allocated from the count. */
        assert_int_equal(safer_fault_calls(SAFER_FAULT_ALLOC), 0);
        free(blob);
    }
    safer_buf_release(&b);
}

static void test_colblob_hot_blob_refuses_damage(void **state)
{
    (void)state;
    struct safer_buf b;
    make_hot(&b, 10, 3, 1);
    size_t len = b.len;
    /* The blob ends with the two indexes: 1 width byte + 10 values each. */
    size_t type_index = len - 22, lsoa_index = len - 11;
    /* { offset, new byte } */
    const struct {
        size_t at;
        unsigned char v;
        const char *what;
    } cases[] = {
        {0, 'X', "magic"},
        {3, '1', "magic version"},
        {type_index, 3, "type index width"},
        {type_index + 1, 4, "type index past the dictionary"},
        {lsoa_index + 10, 3, "LSOA index past the dictionary"},
        {lsoa_index, 0, "LSOA index width"},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        unsigned char *blob = exact_copy(b.ptr, len);
        blob[cases[k].at] = cases[k].v;
        struct safer__hot h;
        if (safer__hot_decode(blob, len, &h) != -1)
            fail_msg("damaged %s was accepted", cases[k].what);
        free(blob);
    }
    /* The kind byte of the points: it follows the two dictionaries. */
    unsigned char *blob = exact_copy(b.ptr, len);
    size_t kind = len - 22 - 2 * 10 * 4 - 1;
    assert_int_equal(blob[kind], 0);
    blob[kind] = 2;
    struct safer__hot h;
    assert_int_equal(safer__hot_decode(blob, len, &h), -1);
    free(blob);
    safer_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_colblob_dictionary_round_trips_small_cases),
        cmocka_unit_test(test_colblob_dictionary_round_trips_long_strings),
        cmocka_unit_test(test_colblob_dictionary_round_trips_many_entries),
        cmocka_unit_test(test_colblob_dictionary_clear_starts_again),
        cmocka_unit_test(test_colblob_dictionary_refuses_more_than_the_limit),
        cmocka_unit_test(test_colblob_cursor_reads_little_endian_and_stops_at_the_end),
        cmocka_unit_test(test_colblob_rejects_truncated_dictionary),
        cmocka_unit_test(test_colblob_dictionary_count_beyond_the_blob_allocates_nothing),
        cmocka_unit_test(test_colblob_points_round_trip),
        cmocka_unit_test(test_colblob_points_refuse_an_unknown_kind),
        cmocka_unit_test(test_colblob_index_width_follows_dictionary_size),
        cmocka_unit_test(test_colblob_index_refuses_a_bad_width),
        cmocka_unit_test(test_colblob_hot_blob_round_trips),
        cmocka_unit_test(test_colblob_hot_blob_refuses_every_truncation),
        cmocka_unit_test(test_colblob_hot_blob_refuses_a_count_it_cannot_hold),
        cmocka_unit_test(test_colblob_hot_blob_refuses_damage),
    };
    return cmocka_run_group_tests_name("colblob", tests, NULL, NULL);
}
