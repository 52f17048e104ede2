/*
 * police.c - parsing police.uk street-level CSV files into column blobs, and
 * the import that runs the parsing on worker threads while the calling
 * thread writes finished files to the store in input order.
 */
#include "util/compat.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <time.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "store/colblob.h"
#include "util/internal.h"
#include "import/police_internal.h"
#include "safer/csv.h"
#include "safer/limits.h"

enum col {
    C_ID, C_MONTH, C_REPORTED, C_FALLS, C_LON, C_LAT, C_LOCATION, C_LSOA, C_LSOA_NAME,
    C_TYPE, C_OUTCOME, C_CONTEXT, NCOLS
};

static const char *const col_names[NCOLS] = {
    "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude",
    "Location", "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context",
};

/* A group under construction: columns appended row by row. */
struct gbuild {
    char *force;
    int32_t month;
    size_t n, cap;
    double *lon, *lat;
    uint32_t *idx[7]; /* type, lsoa, falls, location, lsoa name, outcome, context */
    struct safer__dict dict[7];
    struct safer_buf ids;
    /* An LSOA code nearly always comes with the same name: per code, the
     * index + 1 of the name it came with last (0 none), tried first. */
    uint32_t *name_of;
    size_t name_cap;
};

enum { D_TYPE, D_LSOA, D_FALLS, D_LOC, D_LNAME, D_OUTCOME, D_CONTEXT };

/*
 * What a parsing thread keeps from one file to the next: its groups'
 * columns and dictionaries, reset rather than freed, so every file reuses
 * the same memory instead of touching fresh pages, which costs more here
 * than the parsing.
 */
struct safer__pscratch {
    struct gbuild *groups;
    size_t nalloc; /* groups set up so far */
};

struct safer__pscratch *safer__pscratch_new(void)
{
    return safer__xcalloc(1, sizeof(struct safer__pscratch));
}

static void gbuild_release(struct gbuild *g);

void safer__pscratch_free(struct safer__pscratch *sc)
{
    if (!sc)
        return;
    for (size_t i = 0; i < sc->nalloc; i++)
        gbuild_release(&sc->groups[i]);
    free(sc->groups);
    free(sc);
}

static void gbuild_init(struct gbuild *g, const char *force, size_t flen, int32_t month,
                        size_t rows_hint)
{
    memset(g, 0, sizeof(*g));
    g->cap = rows_hint < 1024 ? 1024 : rows_hint;
    g->lon = safer__xmalloc(sizeof(double) * g->cap);
    g->lat = safer__xmalloc(sizeof(double) * g->cap);
    for (int i = 0; i < 7; i++)
        g->idx[i] = safer__xmalloc(sizeof(uint32_t) * g->cap);
    g->force = safer__xstrndup(force, flen);
    g->month = month;
    for (int i = 0; i < 7; i++)
        safer__dict_init(&g->dict[i]);
    safer_buf_init(&g->ids, (size_t)UINT32_MAX);
    if (safer_buf_grow(&g->ids, g->cap * 33 + 64) < 0)
        g->ids.err = SAFER_ETOOBIG;
}

/* Start a new group in a gbuild used before, keeping its memory. */
static void gbuild_reset(struct gbuild *g, const char *force, size_t flen, int32_t month)
{
    free(g->force);
    g->force = safer__xstrndup(force, flen);
    g->month = month;
    g->n = 0;
    for (int i = 0; i < 7; i++)
        safer__dict_clear(&g->dict[i]);
    safer_buf_reset(&g->ids);
    if (g->name_cap)
        memset(g->name_of, 0, g->name_cap * sizeof(uint32_t));
}

static void gbuild_release(struct gbuild *g)
{
    free(g->force);
    free(g->lon);
    free(g->lat);
    for (int i = 0; i < 7; i++) {
        free(g->idx[i]);
        safer__dict_release(&g->dict[i]);
    }
    safer_buf_release(&g->ids);
    free(g->name_of);
}

/*
 * Pack 64 lowercase hexadecimal digits into 32 bytes; 0 when they all are
 * such digits, -1 otherwise.
 */
#if defined(__SSE2__)
#include <emmintrin.h>

/* Digit values of 16 characters; *bad gets a lane set for each non-digit. */
static __m128i hex16(const char *p, __m128i *bad)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i d = _mm_sub_epi8(v, _mm_set1_epi8('0'));
    __m128i a = _mm_sub_epi8(v, _mm_set1_epi8('a'));
    __m128i is_d = _mm_and_si128(_mm_cmpgt_epi8(d, _mm_set1_epi8(-1)),
                                 _mm_cmplt_epi8(d, _mm_set1_epi8(10)));
    __m128i is_a = _mm_and_si128(_mm_cmpgt_epi8(a, _mm_set1_epi8(-1)),
                                 _mm_cmplt_epi8(a, _mm_set1_epi8(6)));
    *bad = _mm_or_si128(*bad, _mm_andnot_si128(_mm_or_si128(is_d, is_a), _mm_set1_epi8(-1)));
    __m128i val = _mm_or_si128(_mm_and_si128(is_d, d),
                               _mm_and_si128(is_a, _mm_add_epi8(a, _mm_set1_epi8(10))));
    /* Each 16-bit lane holds (high digit, low digit): make it one byte value. */
    return _mm_or_si128(_mm_slli_epi16(_mm_and_si128(val, _mm_set1_epi16(0x00FF)), 4),
                        _mm_srli_epi16(val, 8));
}

static int pack_hex64(const char *p, unsigned char *out)
{
    __m128i bad = _mm_setzero_si128();
    __m128i w0 = hex16(p, &bad), w1 = hex16(p + 16, &bad);
    __m128i w2 = hex16(p + 32, &bad), w3 = hex16(p + 48, &bad);
    _mm_storeu_si128((__m128i *)(void *)out, _mm_packus_epi16(w0, w1));
    _mm_storeu_si128((__m128i *)(void *)(out + 16), _mm_packus_epi16(w2, w3));
    return _mm_movemask_epi8(bad) ? -1 : 0;
}
#else
static int hex_digit(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static int pack_hex64(const char *p, unsigned char *out)
{
    int bad = 0;
    for (size_t i = 0; i < 32; i++) {
        int hi = hex_digit((unsigned char)p[2 * i]), lo = hex_digit((unsigned char)p[2 * i + 1]);
        bad |= hi | lo;
        out[i] = (unsigned char)(hi << 4 | (lo & 15));
    }
    return bad < 0 ? -1 : 0;
}
#endif

/* Append a crime id (see colblob.h): a 64-digit lowercase hex id packs into 32 bytes. */
static void put_crime_id(struct safer_buf *b, const char *p, size_t len)
{
    if (len == 0) {
        safer_buf_put(b, "\0", 1);
        return;
    }
    if (len == 64 && safer_buf_grow(b, 33) == 0) {
        unsigned char *out = (unsigned char *)b->ptr + b->len;
        out[0] = 1;
        if (pack_hex64(p, out + 1) == 0) {
            b->len += 33;
            b->ptr[b->len] = '\0';
            return;
        }
    }
    safer_buf_put(b, "\2", 1);
    safer__put_u32(b, (uint32_t)len);
    safer_buf_put(b, p, len);
}

/* Strict decimal number: the whole field, finite. */
static int parse_coord(const struct safer_csv_field *f, double lo, double hi, double *out)
{
    char tmp[64];
    double fv;
    if (f->len && safer__fast_decimal(f->ptr, f->len, &fv) == 0) {
        if (fv < lo || fv > hi)
            return -2;
        *out = fv;
        return 0;
    }
    if (f->len == 0 || f->len >= sizeof(tmp))
        return -1;
    memcpy(tmp, f->ptr, f->len);
    tmp[f->len] = '\0';
    for (size_t i = 0; i < f->len; i++) {
        char c = tmp[i];
        if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'))
            return -1;
    }
    char *end;
    errno = 0;
    double v = strtod(tmp, &end);
    if (end != tmp + f->len || errno == ERANGE || !isfinite(v))
        return -1;
    if (v < lo || v > hi)
        return -2;
    *out = v;
    return 0;
}

static void add_reject(struct safer__pfile *f, uint64_t line, const char *msg)
{
    f->rejected++;
    if (f->nrejects >= SAFER_LIMIT_REJECTS_KEPT)
        return;
    if (!f->rejects)
        f->rejects = safer__xcalloc(SAFER_LIMIT_REJECTS_KEPT, sizeof(*f->rejects));
    f->rejects[f->nrejects].line = line;
    f->rejects[f->nrejects].msg = safer__xstrdup(msg);
    f->nrejects++;
}

static void field_preview(const struct safer_csv_field *fl, char *out, size_t cap)
{
    size_t n = fl->len < cap - 4 ? fl->len : cap - 4;
    size_t j = 0;
    for (size_t i = 0; i < n; i++)
        out[j++] = (fl->ptr[i] >= 0x20 && fl->ptr[i] != 0x7f) ? fl->ptr[i] : '?';
    if (n < fl->len) {
        memcpy(out + j, "...", 3);
        j += 3;
    }
    out[j] = '\0';
}

/* The LSOA name of the row being added, after its LSOA code: the name that
 * code came with last when it is the same, else through the dictionary. */
static int64_t lsoa_name(struct gbuild *g, const struct safer_csv_field *f)
{
    uint32_t lsoa = g->idx[D_LSOA][g->n];
    if (lsoa < g->name_cap && g->name_of[lsoa] &&
        safer__dict_is(&g->dict[D_LNAME], g->name_of[lsoa] - 1, f->ptr, f->len))
        return g->name_of[lsoa] - 1;
    int64_t v = safer__dict_intern(&g->dict[D_LNAME], f->ptr, f->len);
    if (v < 0)
        return v;
    if (lsoa >= g->name_cap) {
        size_t cap = g->name_cap ? g->name_cap : 1024;
        while (cap <= lsoa)
            cap *= 2;
        g->name_of = safer__xreallocarray(g->name_of, cap, sizeof(uint32_t));
        memset(g->name_of + g->name_cap, 0, (cap - g->name_cap) * sizeof(uint32_t));
        g->name_cap = cap;
    }
    g->name_of[lsoa] = (uint32_t)v + 1;
    return v;
}

/* Check one row; on success append it to its group. Returns 0, or -1 with msg set. */
static int take_row(struct safer__pfile *f, struct safer_csv *c, const int *map,
                    struct safer__pscratch *sc, size_t *ngroups, size_t rows_hint, char *msg,
                    size_t msgcap)
{
    const struct safer_csv_field *fl[NCOLS];
    if (c->nfields != NCOLS) {
        if (c->line - 1 > c->row_line)
            snprintf(msg, msgcap,
                     "%s:%zu: expected %d fields, found %zu in a row that a quoted field runs "
                     "on to line %zu (a stray quote?)",
                     f->path, c->row_line, NCOLS, c->nfields, c->line - 1);
        else
            snprintf(msg, msgcap, "%s:%zu: expected %d fields, found %zu", f->path, c->row_line,
                     NCOLS, c->nfields);
        return -1;
    }
    for (int i = 0; i < NCOLS; i++)
        fl[map[i]] = &c->fields[i];

    char pv[80];
    int32_t month = safer__parse_month(fl[C_MONTH]->ptr, fl[C_MONTH]->len);
    if (month < 0) {
        field_preview(fl[C_MONTH], pv, sizeof(pv));
        snprintf(msg, msgcap, "%s:%zu: bad month '%s' (expected YYYY-MM)", f->path, c->row_line,
                 pv);
        return -1;
    }
    if (fl[C_REPORTED]->len == 0) {
        snprintf(msg, msgcap, "%s:%zu: empty 'Reported by'", f->path, c->row_line);
        return -1;
    }
    if (fl[C_TYPE]->len == 0) {
        snprintf(msg, msgcap, "%s:%zu: empty 'Crime type'", f->path, c->row_line);
        return -1;
    }
    double lon = NAN, lat = NAN;
    if (fl[C_LON]->len || fl[C_LAT]->len) {
        static const char *const names[2] = {"Longitude", "Latitude"};
        const struct safer_csv_field *cf[2] = {fl[C_LON], fl[C_LAT]};
        double *dst[2] = {&lon, &lat};
        double lim[2] = {180.0, 90.0};
        for (int k = 0; k < 2; k++) {
            int rc = parse_coord(cf[k], -lim[k], lim[k], dst[k]);
            if (rc < 0) {
                field_preview(cf[k], pv, sizeof(pv));
                if (cf[k]->len == 0)
                    snprintf(msg, msgcap, "%s:%zu: '%s' is empty but '%s' is not", f->path,
                             c->row_line, names[k], names[1 - k]);
                else if (rc == -1)
                    snprintf(msg, msgcap, "%s:%zu: '%s' is not a number: '%s'", f->path,
                             c->row_line, names[k], pv);
                else
                    snprintf(msg, msgcap, "%s:%zu: '%s' out of range: '%s'", f->path,
                             c->row_line, names[k], pv);
                return -1;
            }
        }
    }

    struct gbuild *g = NULL;
    for (size_t i = 0; i < *ngroups; i++) {
        struct gbuild *h = &sc->groups[i];
        if (h->month == month && strlen(h->force) == fl[C_REPORTED]->len &&
            memcmp(h->force, fl[C_REPORTED]->ptr, fl[C_REPORTED]->len) == 0) {
            g = h;
            break;
        }
    }
    if (!g) {
        if (*ngroups < sc->nalloc) {
            g = &sc->groups[(*ngroups)++];
            gbuild_reset(g, fl[C_REPORTED]->ptr, fl[C_REPORTED]->len, month);
        } else {
            sc->groups = safer__xreallocarray(sc->groups, sc->nalloc + 1, sizeof(*sc->groups));
            g = &sc->groups[sc->nalloc++];
            (*ngroups)++;
            gbuild_init(g, fl[C_REPORTED]->ptr, fl[C_REPORTED]->len, month,
                        *ngroups == 1 ? rows_hint : 0);
        }
    }
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 4096;
        g->lon = safer__xreallocarray(g->lon, g->cap, sizeof(double));
        g->lat = safer__xreallocarray(g->lat, g->cap, sizeof(double));
        for (int i = 0; i < 7; i++)
            g->idx[i] = safer__xreallocarray(g->idx[i], g->cap, sizeof(uint32_t));
    }
    static const int dcol[7] = {C_TYPE, C_LSOA, C_FALLS, C_LOCATION, C_LSOA_NAME, C_OUTCOME,
                                C_CONTEXT};
    for (int i = 0; i < 7; i++) {
        const struct safer_csv_field *fv = fl[dcol[i]];
        int64_t v = i == D_LNAME ? lsoa_name(g, fv)
                                 : safer__dict_intern(&g->dict[i], fv->ptr, fv->len);
        if (v < 0) {
            snprintf(msg, msgcap, "%s:%zu: too many distinct values of '%s' (limit SAFER_LIMIT_DICT)",
                     f->path, c->row_line, col_names[dcol[i]]);
            return -2;
        }
        g->idx[i][g->n] = (uint32_t)v;
    }
    g->lon[g->n] = lon;
    g->lat[g->n] = lat;
    put_crime_id(&g->ids, fl[C_ID]->ptr, fl[C_ID]->len);
    g->n++;
    return 0;
}

static void encode_group(struct gbuild *g, struct safer__pub *out)
{
    memset(out, 0, sizeof(*out));
    out->force = g->force;
    g->force = NULL;
    out->month = g->month;
    out->rows = g->n;
    out->rows_read = g->n;
    safer_buf_init(&out->hot, SIZE_MAX);
    safer_buf_init(&out->cold, SIZE_MAX);

    struct safer_buf *h = &out->hot;
    if (safer_buf_grow(h, 16 + g->n * 20 + g->dict[D_TYPE].bytes.len + g->dict[D_LSOA].bytes.len +
                              4 * (g->dict[D_TYPE].count + g->dict[D_LSOA].count)) < 0)
        h->err = SAFER_ETOOBIG;
    size_t cold = 8 + g->n * 20 + g->ids.len;
    for (int i = D_FALLS; i <= D_CONTEXT; i++)
        cold += 5 + g->dict[i].bytes.len + 4 * (size_t)g->dict[i].count;
    if (safer_buf_grow(&out->cold, cold) < 0)
        out->cold.err = SAFER_ETOOBIG;
    safer_buf_put(h, "SHB2", 4);
    safer__put_u32(h, (uint32_t)g->n);
    safer__dict_put(h, &g->dict[D_TYPE]);
    safer__dict_put(h, &g->dict[D_LSOA]);
    safer__put_points(h, g->lon, g->lat, g->n);
    safer__put_index(h, g->idx[D_TYPE], g->n, g->dict[D_TYPE].count);
    safer__put_index(h, g->idx[D_LSOA], g->n, g->dict[D_LSOA].count);

    struct safer_buf *c = &out->cold;
    safer_buf_put(c, "SCB2", 4);
    safer__put_u32(c, (uint32_t)g->n);
    for (int i = D_FALLS; i <= D_CONTEXT; i++)
        safer__dict_put(c, &g->dict[i]);
    for (int i = D_FALLS; i <= D_CONTEXT; i++)
        safer__put_index(c, g->idx[i], g->n, g->dict[i].count);
    safer_buf_put(c, g->ids.ptr, g->ids.len);
}

static int map_header(struct safer__pfile *f, struct safer_csv *c, int *map)
{
    int seen[NCOLS] = {0};
    for (size_t i = 0; i < c->nfields; i++) {
        int found = -1;
        for (int k = 0; k < NCOLS; k++) {
            if (safer_csv_eq(&c->fields[i], col_names[k])) {
                found = k;
                break;
            }
        }
        char pv[80];
        field_preview(&c->fields[i], pv, sizeof(pv));
        if (found < 0)
            return safer_err_set(&f->err, SAFER_EPARSE,
                                 "%s:%zu: unexpected column '%s' in a police.uk street file",
                                 f->path, c->row_line, pv);
        if (seen[found])
            return safer_err_set(&f->err, SAFER_EPARSE, "%s:%zu: column '%s' appears twice",
                                 f->path, c->row_line, pv);
        seen[found] = 1;
        map[i] = found;
    }
    for (int k = 0; k < NCOLS; k++) {
        if (!seen[k])
            return safer_err_set(&f->err, SAFER_EPARSE, "%s:%zu: missing column '%s'", f->path,
                                 c->row_line, col_names[k]);
    }
    return 0;
}

/*
 * A file is read a chunk at a time into the CSV reader's buffer, which is
 * used again for the next chunk, and hashed as it arrives, while the chunk
 * is in the cache. Reading through one small buffer touches few pages of
 * memory, which is what costs most here, not the copying.
 */
struct source {
    int fd;
    const char *path;
    XXH3_state_t *st;
    uint64_t bytes;
};

static long read_chunk(void *ctx, char *dst, size_t cap, struct safer_err *err)
{
    struct source *s = ctx;
    for (;;) {
        ssize_t n = read(s->fd, dst, cap);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return safer_err_set(err, SAFER_EIO, "%s: cannot read: %s", s->path, strerror(errno));
        if (s->bytes + (uint64_t)n > SAFER_LIMIT_CSV_FILE)
            return safer_err_set(err, SAFER_ETOOBIG,
                                 "%s: file is larger than %llu bytes (limit SAFER_LIMIT_CSV_FILE)",
                                 s->path, (unsigned long long)SAFER_LIMIT_CSV_FILE);
        XXH3_128bits_update(s->st, dst, (size_t)n);
        s->bytes += (uint64_t)n;
        return (long)n;
    }
}

static int parse_stream(struct safer__pfile *f, struct safer_csv *cp, size_t len, unsigned flags,
                        uint64_t *volatile progress_rows, struct safer__pscratch *sc)
{
    struct safer_csv c = *cp;
    size_t ngroups = 0;
    int map[NCOLS];
    int rc;
    char msg[600];

    rc = safer_csv_next(&c, &f->err);
    if (rc == 0) {
        rc = safer_err_set(&f->err, SAFER_EPARSE, "%s: empty file: no header row", f->path);
        goto out;
    }
    if (rc < 0)
        goto out;
    if (c.nfields != NCOLS && c.nfields < 2) {
        rc = safer_err_set(&f->err, SAFER_EPARSE,
                           "%s:1: not a police.uk street file: the header has %zu column(s)",
                           f->path, c.nfields);
        goto out;
    }
    rc = map_header(f, &c, map);
    if (rc < 0)
        goto out;
    uint64_t since = 0;
    /* police.uk rows are 150-250 bytes: size the first group's columns once. */
    size_t rows_hint = len / 100 + 16;
    struct safer_err rerr;
    for (;;) {
        rerr.code = 0; /* not the whole message buffer: this runs once a row */
        rerr.msg[0] = '\0';
        rc = safer_csv_next(&c, &rerr);
        if (rc == 0)
            break;
        if (rc < 0 && rc != SAFER_EPARSE) {
            safer_err_set(&f->err, rc, "%s", rerr.msg);
            goto out;
        }
        f->rows_read++;
        if (rc == SAFER_EPARSE) {
            snprintf(msg, sizeof(msg), "%s", rerr.msg);
            add_reject(f, c.row_line, msg);
        } else {
            int t = take_row(f, &c, map, sc, &ngroups, rows_hint, msg, sizeof(msg));
            if (t == -2) {
                rc = safer_err_set(&f->err, SAFER_ETOOBIG, "%s", msg);
                goto out;
            }
            if (t < 0)
                add_reject(f, c.row_line, msg);
        }
        if ((flags & SAFER_IMPORT_STRICT) && f->rejected) {
            rc = safer_err_set(&f->err, SAFER_EPARSE, "%s (rejected in --strict mode)",
                               f->rejects[0].msg);
            goto out;
        }
        if (++since == 16384) {
            __atomic_fetch_add(progress_rows, since, __ATOMIC_RELAXED);
            since = 0;
        }
    }
    __atomic_fetch_add(progress_rows, since, __ATOMIC_RELAXED);
    if (ngroups == 0 && f->rows_read == 0) {
        rc = 0; /* a header alone: nothing to store */
        goto out;
    }
    f->groups = safer__xcalloc(ngroups ? ngroups : 1, sizeof(*f->groups));
    for (size_t i = 0; i < ngroups; i++) {
        encode_group(&sc->groups[i], &f->groups[i]);
        if (safer_buf_error(&f->groups[i].hot) || safer_buf_error(&f->groups[i].cold)) {
            f->ngroups = i + 1;
            rc = safer_err_set(&f->err, SAFER_ETOOBIG, "%s: too much data in one file", f->path);
            goto out;
        }
    }
    f->ngroups = ngroups;
    /* Rejected rows cannot always say their month; they count as read in the
     * file's largest group, so coverage sees every row the force published. */
    if (ngroups) {
        size_t big = 0;
        for (size_t i = 1; i < ngroups; i++)
            if (f->groups[i].rows > f->groups[big].rows)
                big = i;
        f->groups[big].rows_read += f->rejected;
    }
    rc = 0;
out:
    *cp = c;
    return rc;
}

void safer__police_parse_file(struct safer__pfile *f, unsigned flags,
                              uint64_t *volatile progress_rows, struct safer__pscratch *scratch)
{
    int fd = open(f->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        f->rc = safer_err_set(&f->err, SAFER_EIO, "%s: cannot open: %s", f->path, strerror(errno));
        return;
    }
    struct stat sb;
    if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        f->rc = safer_err_set(&f->err, SAFER_EIO, "%s: not a regular file", f->path);
        close(fd);
        return;
    }
    if ((unsigned long long)sb.st_size > SAFER_LIMIT_CSV_FILE) {
        f->rc = safer_err_set(&f->err, SAFER_ETOOBIG,
                              "%s: file is larger than %llu bytes (limit SAFER_LIMIT_CSV_FILE)",
                              f->path, (unsigned long long)SAFER_LIMIT_CSV_FILE);
        close(fd);
        return;
    }
    size_t len = (size_t)sb.st_size;
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    struct source src = {fd, f->path, XXH3_createState(), 0};
    if (!src.st) {
        f->rc = safer_err_set(&f->err, SAFER_ENOMEM, "%s: out of memory", f->path);
        close(fd);
        return;
    }
    XXH3_128bits_reset(src.st);
    struct safer_csv c;
    safer_csv_init_stream(&c, read_chunk, &src, f->path);
    struct safer__pscratch *sc = scratch ? scratch : safer__pscratch_new();
    f->rc = parse_stream(f, &c, len, flags, progress_rows, sc);
    if (!scratch)
        safer__pscratch_free(sc);
    /* The rest, after a failure or trailing blank lines, still counts in the checksum. */
    char *rest = c.buf;
    long n = 0;
    while (n >= 0 && c.more && (n = read_chunk(&src, rest, SAFER_CSV_CHUNK, &f->err)) > 0)
        ;
    if (n < 0 && f->rc == 0)
        f->rc = (int)n;
    safer_csv_release(&c);
    close(fd);
    f->bytes = src.bytes;
    XXH128_hash_t h = XXH3_128bits_digest(src.st);
    XXH3_freeState(src.st);
    snprintf(f->checksum, sizeof(f->checksum), "%016llx%016llx", (unsigned long long)h.high64,
             (unsigned long long)h.low64);
}

void safer__pfile_release(struct safer__pfile *f)
{
    for (size_t i = 0; i < f->ngroups; i++) {
        free(f->groups[i].force);
        safer_buf_release(&f->groups[i].hot);
        safer_buf_release(&f->groups[i].cold);
    }
    free(f->groups);
    for (size_t i = 0; i < f->nrejects; i++)
        free(f->rejects[i].msg);
    free(f->rejects);
    f->groups = NULL;
    f->rejects = NULL;
    f->ngroups = f->nrejects = 0;
}

/* ---- finding the files ---- */

struct pathlist {
    char **v;
    size_t n, cap;
};

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int collect(const char *path, int top, struct pathlist *out, uint64_t *skipped,
                   struct safer_err *err)
{
    struct stat sb;
    if (stat(path, &sb) < 0)
        return safer_err_set(err, SAFER_EIO, "%s: %s", path, strerror(errno));
    if (!S_ISDIR(sb.st_mode)) {
        if (!top && !ends_with(path, ".csv"))
            return 0;
        if (!top && (ends_with(path, "-outcomes.csv") || ends_with(path, "-stop-and-search.csv"))) {
            (*skipped)++;
            return 0;
        }
        if (out->n >= SAFER_LIMIT_IMPORT_FILES)
            return safer_err_set(err, SAFER_ETOOBIG,
                                 "more than %d files in one import (limit SAFER_LIMIT_IMPORT_FILES)",
                                 SAFER_LIMIT_IMPORT_FILES);
        SAFER__GROW(out->v, out->cap, out->n + 1);
        out->v[out->n++] = safer__xstrdup(path);
        return 0;
    }
    DIR *d = opendir(path);
    if (!d)
        return safer_err_set(err, SAFER_EIO, "%s: %s", path, strerror(errno));
    struct pathlist here = {0};
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        SAFER__GROW(here.v, here.cap, here.n + 1);
        size_t n = strlen(path) + strlen(e->d_name) + 2;
        here.v[here.n] = safer__xmalloc(n);
        snprintf(here.v[here.n], n, "%s/%s", path, e->d_name);
        here.n++;
    }
    closedir(d);
    qsort(here.v, here.n, sizeof(char *), cmp_str);
    int rc = 0;
    for (size_t i = 0; i < here.n; i++) {
        if (rc == 0)
            rc = collect(here.v[i], 0, out, skipped, err);
        free(here.v[i]);
    }
    free(here.v);
    return rc;
}

/* ---- the import: parse on workers, write in order ---- */

struct job {
    struct safer__pfile *files;
    size_t nfiles;
    unsigned flags;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t next;    /* next file to parse */
    size_t written; /* files written so far (the writer's position) */
    size_t window;  /* at most this many parsed files wait for the writer */
    int stop;
    unsigned char *done;
    uint64_t rows;
};

static void *worker(void *arg)
{
    struct job *j = arg;
    struct safer__pscratch *sc = safer__pscratch_new();
    for (;;) {
        pthread_mutex_lock(&j->mu);
        while (!j->stop && j->next < j->nfiles && j->next >= j->written + j->window)
            pthread_cond_wait(&j->cv, &j->mu);
        if (j->stop || j->next >= j->nfiles) {
            pthread_mutex_unlock(&j->mu);
            safer__pscratch_free(sc);
            return NULL;
        }
        size_t i = j->next++;
        pthread_mutex_unlock(&j->mu);

        safer__police_parse_file(&j->files[i], j->flags, &j->rows, sc);

        pthread_mutex_lock(&j->mu);
        j->done[i] = 1;
        pthread_cond_broadcast(&j->cv);
        pthread_mutex_unlock(&j->mu);
    }
}

/* Parsing threads: as many as the caller allows, no more than there are files. */
static int nworkers(unsigned threads, size_t nfiles)
{
    size_t n = threads > 64 ? 64 : threads;
    return (int)(n < nfiles ? n : nfiles);
}

int safer_police_import(struct safer_store *st, const char *const *paths, size_t npaths,
                        const struct safer_import_opts *opts, struct safer_import_stats *stats,
                        struct safer_err *err)
{
    static const struct safer_import_opts none;
    if (!opts)
        opts = &none;
    memset(stats, 0, sizeof(*stats));
    struct pathlist list = {0};
    int rc = 0;
    for (size_t i = 0; i < npaths && rc == 0; i++)
        rc = collect(paths[i], 1, &list, &stats->files_skipped, err);
    if (rc == 0 && list.n == 0)
        rc = safer_err_set(err, SAFER_EINVAL, "no police.uk CSV files found in the given paths");
    if (rc < 0)
        goto free_list;

    struct safer__pub *kept = NULL;
    size_t nkept = 0, capkept = 0;
    struct job j = {0};
    j.files = safer__xcalloc(list.n, sizeof(*j.files));
    j.nfiles = list.n;
    j.flags = opts->flags;
    j.done = safer__xcalloc(list.n, 1);
    pthread_mutex_init(&j.mu, NULL);
    pthread_cond_init(&j.cv, NULL);
    int nw = nworkers(opts->threads, list.n);
    j.window = (size_t)nw + 1;
    for (size_t i = 0; i < list.n; i++)
        j.files[i].path = list.v[i];

    /* Parsing needs nothing from the store: it starts first. */
    pthread_t tids[64];
    int started = 0;
    for (int i = 0; i < nw; i++) {
        if (pthread_create(&tids[i], NULL, worker, &j) == 0)
            started++;
    }
    if (!started) {
        /* No threads to be had: parse on this thread, one file at a time. */
        j.window = list.n;
    }

    safer__store_large_writes(st, 1);
    rc = safer__store_begin_write(st, err);
    if (rc < 0) {
        pthread_mutex_lock(&j.mu);
        j.stop = 1;
        pthread_cond_broadcast(&j.cv);
        pthread_mutex_unlock(&j.mu);
        for (int i = 0; i < started; i++)
            pthread_join(tids[i], NULL);
        goto free_job;
    }

    for (size_t i = 0; i < list.n; i++) {
        if (!started) {
            safer__police_parse_file(&j.files[i], j.flags, &j.rows, NULL);
            j.done[i] = 1;
        }
        pthread_mutex_lock(&j.mu);
        while (!j.done[i]) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += 200 * 1000000L;
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&j.cv, &j.mu, &ts);
            if (!j.done[i] && opts->progress) {
                uint64_t rows = __atomic_load_n(&j.rows, __ATOMIC_RELAXED);
                pthread_mutex_unlock(&j.mu);
                opts->progress(opts->ctx, rows, stats->bytes);
                pthread_mutex_lock(&j.mu);
            }
        }
        pthread_mutex_unlock(&j.mu);

        struct safer__pfile *f = &j.files[i];
        if (f->rc < 0) {
            rc = safer_err_set(err, f->rc, "%s", safer_err_msg(&f->err, f->rc));
        } else {
            stats->files++;
            stats->bytes += f->bytes;
            stats->rows_read += f->rows_read;
            stats->rows_rejected += f->rejected;
            if (opts->reject) {
                for (size_t k = 0; k < f->nrejects; k++)
                    opts->reject(opts->ctx, f->rejects[k].msg);
                if (f->rejected > f->nrejects) {
                    char m[300];
                    snprintf(m, sizeof(m), "%s: %llu more rejected rows not listed", f->path,
                             (unsigned long long)(f->rejected - f->nrejects));
                    opts->reject(opts->ctx, m);
                }
            }
            struct safer__pubfile pf = {f->path,   "",         f->groups,  f->ngroups,
                                        f->rows_read, f->rejected, f->bytes, f->rejects,
                                        f->nrejects};
            memcpy(pf.checksum, f->checksum, sizeof(pf.checksum));
            rc = safer__store_police_file(st, &pf, stats, err);
            /* The publications written are counted at the end: keep their hot blobs. */
            for (size_t k = 0; rc == 0 && k < f->ngroups; k++) {
                struct safer__pub *g = &f->groups[k];
                if (!g->stored)
                    continue;
                SAFER__GROW(kept, capkept, nkept + 1);
                kept[nkept] = *g;
                safer_buf_release(&kept[nkept].cold);
                nkept++;
                g->force = NULL;
                safer_buf_init(&g->hot, 0);
                safer_buf_init(&g->cold, 0);
            }
        }
        safer__pfile_release(f);
        pthread_mutex_lock(&j.mu);
        j.written = i + 1;
        if (rc < 0)
            j.stop = 1;
        pthread_cond_broadcast(&j.cv);
        pthread_mutex_unlock(&j.mu);
        if (opts->progress)
            opts->progress(opts->ctx, __atomic_load_n(&j.rows, __ATOMIC_RELAXED), stats->bytes);
        if (rc < 0)
            break;
    }
    for (int i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    /* The count table, on the threads the parsing had. */
    if (rc == 0 && nkept) {
        const struct safer__pub **kp = safer__xmalloc(sizeof(*kp) * nkept);
        for (size_t k = 0; k < nkept; k++)
            kp[k] = &kept[k];
        rc = safer__store_count(st, kp, nkept, opts->threads ? opts->threads : 1, err);
        free(kp);
    }
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0) {
        safer__store_rollback(st);
        uint64_t skipped = stats->files_skipped;
        memset(stats, 0, sizeof(*stats));
        stats->files_skipped = skipped;
    }
free_job:
    safer__store_large_writes(st, 0);
    for (size_t k = 0; k < nkept; k++) {
        free(kept[k].force);
        safer_buf_release(&kept[k].hot);
    }
    free(kept);
    for (size_t i = 0; i < list.n; i++)
        safer__pfile_release(&j.files[i]);
    free(j.files);
    free(j.done);
    pthread_mutex_destroy(&j.mu);
    pthread_cond_destroy(&j.cv);
free_list:
    for (size_t i = 0; i < list.n; i++)
        free(list.v[i]);
    free(list.v);
    return rc;
}
