/*
 * police.c - parsing police.uk files (street-level crimes and outcomes)
 * into column blobs, and the import that runs the parsing on worker threads
 * while the calling thread writes finished files to the store in input
 * order.
 *
 * A police.uk file is one force's publication for one month, and importing
 * it replaces the stored copy of that publication, so a file may replace
 * only the publication it is (police.h has the rules). Which one that is
 * comes from its rows: the force and month of more than half of them. The
 * first row's force and month are taken as the file's, each row is checked
 * against them (one comparison), rows of another force or month are
 * rejected and tallied, and in the rare file whose first row was of the
 * minority the file is read again with the majority's.
 */
#include "util/compat.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <time.h>
#include <stdarg.h>
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

/* The columns of each kind of file, by enum col (NULL: the kind has none).
 * An outcomes file's 'Outcome type' takes the place of a street file's
 * 'Last outcome category', so one path reads the rows of both. */
static const char *const street_cols[NCOLS] = {
    "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude",
    "Location", "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context",
};
static const char *const outcome_cols[NCOLS] = {
    "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude",
    "Location", "LSOA code", "LSOA name", NULL, "Outcome type", NULL,
};

/* Each kind of file's name and what it holds, for messages. */
static const struct {
    const char *name, *holds;
} KINDS[] = {
    [SAFER__PK_NONE] = {"unknown", "nothing known"},
    [SAFER__PK_STREET] = {"street", "street-level crimes"},
    [SAFER__PK_OUTCOMES] = {"outcomes", "outcomes"},
    [SAFER__PK_STOP_SEARCH] = {"stop-and-search", "stop and searches"},
};

/* A publication under construction: columns appended row by row. */
struct gbuild {
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
 * What a parsing thread keeps from one file to the next: the columns and
 * dictionaries of a publication, reset rather than freed, so every file
 * reuses the same memory instead of touching fresh pages, which costs more
 * here than the parsing.
 */
struct safer__pscratch {
    struct gbuild g;
    int ready; /* g is set up */
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
    if (sc->ready)
        gbuild_release(&sc->g);
    free(sc);
}

static void gbuild_init(struct gbuild *g, size_t rows_hint)
{
    memset(g, 0, sizeof(*g));
    g->cap = rows_hint < 1024 ? 1024 : rows_hint;
    g->lon = safer__xmalloc(sizeof(double) * g->cap);
    g->lat = safer__xmalloc(sizeof(double) * g->cap);
    for (int i = 0; i < 7; i++)
        g->idx[i] = safer__xmalloc(sizeof(uint32_t) * g->cap);
    for (int i = 0; i < 7; i++)
        safer__dict_init(&g->dict[i]);
    safer_buf_init(&g->ids, (size_t)UINT32_MAX);
    if (safer_buf_grow(&g->ids, g->cap * 33 + 64) < 0)
        g->ids.err = SAFER_ETOOBIG;
}

/* Start a new publication in a gbuild used before, keeping its memory. */
static void gbuild_reset(struct gbuild *g)
{
    g->n = 0;
    for (int i = 0; i < 7; i++)
        safer__dict_clear(&g->dict[i]);
    safer_buf_reset(&g->ids);
    if (g->name_cap)
        memset(g->name_of, 0, g->name_cap * sizeof(uint32_t));
}

static void gbuild_release(struct gbuild *g)
{
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

/*
 * How a crime id is stored (see colblob.h): 0 empty, 1 packed into the 32
 * bytes of `packed` (64 lowercase hex digits), 2 as it is; -1 when it
 * holds a NUL byte (the row is rejected). Only an id that is not police.uk's
 * 64 hex digits is searched for a NUL: a packed one cannot hold one.
 */
static int crime_id_form(const struct safer_csv_field *f, unsigned char packed[32])
{
    if (f->len == 0)
        return 0;
    if (f->len == 64 && pack_hex64(f->ptr, packed) == 0)
        return 1;
    return memchr(f->ptr, 0, f->len) ? -1 : 2;
}

static void put_crime_id(struct safer_buf *b, const struct safer_csv_field *f, int form,
                         const unsigned char packed[32])
{
    if (form == 0) {
        safer_buf_put(b, "\0", 1);
    } else if (form == 1) {
        if (safer_buf_grow(b, 33) < 0) {
            b->err = SAFER_ETOOBIG;
            return;
        }
        unsigned char *out = (unsigned char *)b->ptr + b->len;
        out[0] = 1;
        memcpy(out + 1, packed, 32);
        b->len += 33;
        b->ptr[b->len] = '\0';
    } else {
        safer_buf_put(b, "\2", 1);
        safer__put_u32(b, (uint32_t)f->len);
        safer_buf_put(b, f->ptr, f->len);
    }
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

/*
 * One reading of a file: its kind and columns, and the publication its rows
 * are checked against with the tally of the rows of others.
 */
struct pass {
    enum safer__pkind kind;
    const char *const *cols; /* street_cols or outcome_cols */
    size_t ncols;
    int map[SAFER_LIMIT_CSV_FIELDS]; /* header position -> enum col */
    /* The file's publication: the first row's force and month, or, read
     * again, the majority's (forced). */
    char *force; /* owned */
    size_t flen;
    int32_t month;
    int have_key, forced;
    uint64_t key_rows;   /* rows of the publication */
    uint64_t other_rows; /* rows naming another force or month */
    /* Those others, as month (4 bytes) and force: at most
     * SAFER_LIMIT_FILE_PUBLICATIONS - 1, each with its count of rows. */
    struct safer__dict others;
    uint64_t *other_count;
    size_t other_cap;
    int others_ready;
    uint64_t first_stray; /* line of the first row of another publication */
    struct gbuild *g;
};

static const struct safer_csv_field empty_field = {"", 0};

static const char *col_name(const struct pass *ps, int k)
{
    return ps->cols[k] ? ps->cols[k] : street_cols[k];
}

/* The LSOA name of the row being added, after its LSOA code: the name that
 * code came with last when it is the same, else through the dictionary
 * (as safer__dict_intern_text returns). The hint is checked against the
 * dictionary's count, which a rejected row may have cut back. */
static int64_t lsoa_name(struct gbuild *g, const struct safer_csv_field *f)
{
    uint32_t lsoa = g->idx[D_LSOA][g->n];
    if (lsoa < g->name_cap && g->name_of[lsoa] &&
        g->name_of[lsoa] <= g->dict[D_LNAME].count &&
        safer__dict_is(&g->dict[D_LNAME], g->name_of[lsoa] - 1, f->ptr, f->len))
        return g->name_of[lsoa] - 1;
    int64_t v = safer__dict_intern_text(&g->dict[D_LNAME], f->ptr, f->len);
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

enum { ROW_OK = 0, ROW_REJECTED = -1, ROW_FATAL = -2, ROW_STRAY = -3 };

/* A row of another force or month than the file's: tally it, say so. */
static int other_publication(struct safer__pfile *f, const struct safer_csv *c, struct pass *ps,
                             const struct safer_csv_field *rf, int32_t month, char *msg,
                             size_t msgcap)
{
    char pv[80], mine[80], m1[8], m2[8];
    if (memchr(rf->ptr, 0, rf->len)) {
        snprintf(msg, msgcap, "%s:%zu: 'Reported by' holds a NUL byte", f->path, c->row_line);
        return ROW_REJECTED;
    }
    if (!ps->others_ready) {
        safer__dict_init(&ps->others);
        ps->others_ready = 1;
    }
    char key[4 + SAFER_LIMIT_CSV_FIELD];
    size_t klen = rf->len < SAFER_LIMIT_CSV_FIELD ? rf->len : SAFER_LIMIT_CSV_FIELD;
    uint32_t um = (uint32_t)month;
    memcpy(key, &um, 4);
    memcpy(key + 4, rf->ptr, klen);
    uint32_t had = ps->others.count;
    int64_t k = safer__dict_intern(&ps->others, key, 4 + klen);
    if (k < 0 || (k >= had && (size_t)k + 2 > SAFER_LIMIT_FILE_PUBLICATIONS)) {
        snprintf(msg, msgcap,
                 "%s:%zu: rows of more than %d forces and months (limit "
                 "SAFER_LIMIT_FILE_PUBLICATIONS): a police.uk file is one force's publication "
                 "for one month",
                 f->path, c->row_line, SAFER_LIMIT_FILE_PUBLICATIONS);
        return ROW_FATAL;
    }
    SAFER__GROW(ps->other_count, ps->other_cap, (size_t)k + 1);
    if (k >= had)
        ps->other_count[k] = 0;
    ps->other_count[k]++;
    if (!ps->other_rows)
        ps->first_stray = c->row_line;
    ps->other_rows++;
    struct safer_csv_field kf = {ps->force, ps->flen};
    field_preview(rf, pv, sizeof(pv));
    field_preview(&kf, mine, sizeof(mine));
    safer__format_month(month, m1);
    safer__format_month(ps->month, m2);
    snprintf(msg, msgcap,
             "%s:%zu: a row of '%s' for %s in the file of '%s' for %s (a police.uk file is one "
             "force's publication for one month)",
             f->path, c->row_line, pv, m1, mine, m2);
    return ROW_STRAY;
}

/* Check one row; on success append it to the publication. Returns ROW_OK,
 * or another ROW_ value with msg set. */
static int take_row(struct safer__pfile *f, struct safer_csv *c, struct pass *ps, char *msg,
                    size_t msgcap)
{
    const struct safer_csv_field *fl[NCOLS];
    const size_t ncols = ps->ncols;
    const int *map = ps->map;
    if (c->nfields != ncols) {
        if (c->line - 1 > c->row_line)
            snprintf(msg, msgcap,
                     "%s:%zu: expected %zu fields, found %zu in a row that a quoted field runs "
                     "on to line %zu (a stray quote?)",
                     f->path, c->row_line, ncols, c->nfields, c->line - 1);
        else
            snprintf(msg, msgcap, "%s:%zu: expected %zu fields, found %zu", f->path, c->row_line,
                     ncols, c->nfields);
        return ROW_REJECTED;
    }
    fl[C_TYPE] = fl[C_CONTEXT] = &empty_field; /* an outcomes file has neither */
    for (size_t i = 0; i < ncols; i++)
        fl[map[i]] = &c->fields[i];

    char pv[80];
    int32_t month = safer__parse_month(fl[C_MONTH]->ptr, fl[C_MONTH]->len);
    if (month < 0) {
        field_preview(fl[C_MONTH], pv, sizeof(pv));
        snprintf(msg, msgcap, "%s:%zu: bad month '%s' (expected YYYY-MM)", f->path, c->row_line,
                 pv);
        return ROW_REJECTED;
    }
    if (f->last_month && month > f->last_month) {
        char lm[8];
        field_preview(fl[C_MONTH], pv, sizeof(pv));
        safer__format_month(f->last_month, lm);
        snprintf(msg, msgcap, "%s:%zu: month '%s' is after the month of this import (%s)",
                 f->path, c->row_line, pv, lm);
        return ROW_REJECTED;
    }
    const struct safer_csv_field *rf = fl[C_REPORTED];
    if (rf->len == 0) {
        snprintf(msg, msgcap, "%s:%zu: empty 'Reported by'", f->path, c->row_line);
        return ROW_REJECTED;
    }
    if (!ps->have_key) {
        if (memchr(rf->ptr, 0, rf->len)) {
            snprintf(msg, msgcap, "%s:%zu: 'Reported by' holds a NUL byte", f->path, c->row_line);
            return ROW_REJECTED;
        }
        ps->force = safer__xstrndup(rf->ptr, rf->len);
        ps->flen = rf->len;
        ps->month = month;
        ps->have_key = 1;
    }
    /* The one check a row costs to keep other publications out. */
    if (month != ps->month || rf->len != ps->flen || memcmp(rf->ptr, ps->force, rf->len) != 0)
        return other_publication(f, c, ps, rf, month, msg, msgcap);
    ps->key_rows++;

    if (ps->kind == SAFER__PK_STREET && fl[C_TYPE]->len == 0) {
        snprintf(msg, msgcap, "%s:%zu: empty 'Crime type'", f->path, c->row_line);
        return ROW_REJECTED;
    }
    if (ps->kind == SAFER__PK_OUTCOMES && fl[C_ID]->len == 0) {
        snprintf(msg, msgcap, "%s:%zu: empty 'Crime ID' (an outcome belongs to a crime)",
                 f->path, c->row_line);
        return ROW_REJECTED;
    }
    if (ps->kind == SAFER__PK_OUTCOMES && fl[C_OUTCOME]->len == 0) {
        snprintf(msg, msgcap, "%s:%zu: empty 'Outcome type'", f->path, c->row_line);
        return ROW_REJECTED;
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
                return ROW_REJECTED;
            }
        }
    }
    unsigned char packed[32];
    int idform = crime_id_form(fl[C_ID], packed);
    if (idform < 0) {
        snprintf(msg, msgcap, "%s:%zu: 'Crime ID' holds a NUL byte", f->path, c->row_line);
        return ROW_REJECTED;
    }

    struct gbuild *g = ps->g;
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 4096;
        g->lon = safer__xreallocarray(g->lon, g->cap, sizeof(double));
        g->lat = safer__xreallocarray(g->lat, g->cap, sizeof(double));
        for (int i = 0; i < 7; i++)
            g->idx[i] = safer__xreallocarray(g->idx[i], g->cap, sizeof(uint32_t));
    }
    /* A NUL byte can only come in with a string new to its dictionary; the
     * row is then rejected, and the strings it added (`added`, one per
     * dictionary at most, each the last) taken out again. */
    static const int dcol[7] = {C_TYPE, C_LSOA, C_FALLS, C_LOCATION, C_LSOA_NAME, C_OUTCOME,
                                C_CONTEXT};
    unsigned added = 0;
    for (int i = 0; i < 7; i++) {
        const struct safer_csv_field *fv = fl[dcol[i]];
        int64_t v = i == D_LNAME ? lsoa_name(g, fv)
                                 : safer__dict_intern_text(&g->dict[i], fv->ptr, fv->len);
        if ((uint64_t)v > UINT32_MAX) {
            if (v == SAFER_EPARSE) {
                for (int k = 0; k < i; k++) {
                    if (added & (1u << k))
                        safer__dict_truncate(&g->dict[k], g->idx[k][g->n]);
                }
                snprintf(msg, msgcap, "%s:%zu: '%s' holds a NUL byte", f->path, c->row_line,
                         col_name(ps, dcol[i]));
                return ROW_REJECTED;
            }
            if (v < 0) {
                snprintf(msg, msgcap,
                         "%s:%zu: too many distinct values of '%s' (limit SAFER_LIMIT_DICT)",
                         f->path, c->row_line, col_name(ps, dcol[i]));
                return ROW_FATAL;
            }
            added |= 1u << i;
            v -= SAFER__DICT_NEW;
        }
        g->idx[i][g->n] = (uint32_t)v;
    }
    g->lon[g->n] = lon;
    g->lat[g->n] = lat;
    put_crime_id(&g->ids, fl[C_ID], idform, packed);
    g->n++;
    return ROW_OK;
}

static void pub_init(struct safer__pub *out, const struct pass *ps, size_t n)
{
    memset(out, 0, sizeof(*out));
    out->force = safer__xstrndup(ps->force, ps->flen);
    out->month = ps->month;
    out->rows = n;
    safer_buf_init(&out->hot, SIZE_MAX);
    safer_buf_init(&out->cold, SIZE_MAX);
}

static void encode_street(struct gbuild *g, const struct pass *ps, struct safer__pub *out)
{
    pub_init(out, ps, g->n);
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

/* An outcomes publication: one blob, "SOB1" (colblob.h), in out->hot. */
static void encode_outcomes(struct gbuild *g, const struct pass *ps, struct safer__pub *out)
{
    static const int order[5] = {D_OUTCOME, D_FALLS, D_LOC, D_LSOA, D_LNAME};
    pub_init(out, ps, g->n);
    struct safer_buf *b = &out->hot;
    size_t need = 16 + g->n * 28 + g->ids.len;
    for (int i = 0; i < 5; i++)
        need += 5 + g->dict[order[i]].bytes.len + 4 * (size_t)g->dict[order[i]].count;
    if (safer_buf_grow(b, need) < 0)
        b->err = SAFER_ETOOBIG;
    safer_buf_put(b, "SOB1", 4);
    safer__put_u32(b, (uint32_t)g->n);
    for (int i = 0; i < 5; i++)
        safer__dict_put(b, &g->dict[order[i]]);
    safer__put_points(b, g->lon, g->lat, g->n);
    for (int i = 0; i < 5; i++)
        safer__put_index(b, g->idx[order[i]], g->n, g->dict[order[i]].count);
    safer_buf_put(b, g->ids.ptr, g->ids.len);
}

/* The kind of file a header row is: outcomes and stop-and-search files
 * have a column no street file has; anything else is read as a street
 * file, whose columns map_header then checks. */
static enum safer__pkind header_kind(const struct safer_csv *c)
{
    for (size_t i = 0; i < c->nfields; i++) {
        if (safer_csv_eq(&c->fields[i], "Outcome type"))
            return SAFER__PK_OUTCOMES;
        if (safer_csv_eq(&c->fields[i], "Object of search"))
            return SAFER__PK_STOP_SEARCH;
    }
    return SAFER__PK_STREET;
}

static int map_header(struct safer__pfile *f, struct safer_csv *c, struct pass *ps)
{
    int seen[NCOLS] = {0};
    for (size_t i = 0; i < c->nfields; i++) {
        int found = -1;
        for (int k = 0; k < NCOLS; k++) {
            if (ps->cols[k] && safer_csv_eq(&c->fields[i], ps->cols[k])) {
                found = k;
                break;
            }
        }
        char pv[80];
        field_preview(&c->fields[i], pv, sizeof(pv));
        if (found < 0)
            return safer_err_set(&f->err, SAFER_EPARSE,
                                 "%s:%zu: unexpected column '%s' in a police.uk %s file", f->path,
                                 c->row_line, pv, KINDS[ps->kind].name);
        if (seen[found])
            return safer_err_set(&f->err, SAFER_EPARSE, "%s:%zu: column '%s' appears twice",
                                 f->path, c->row_line, pv);
        seen[found] = 1;
        ps->map[i] = found;
    }
    for (int k = 0; k < NCOLS; k++) {
        if (ps->cols[k] && !seen[k])
            return safer_err_set(&f->err, SAFER_EPARSE, "%s:%zu: missing column '%s'", f->path,
                                 c->row_line, ps->cols[k]);
    }
    ps->ncols = c->nfields;
    return 0;
}

/* ---- what a file's name says ---- */

/* police.uk's name of a file: "YYYY-MM-<force>-<kind>.csv". */
struct pname {
    int32_t month;
    const char *force; /* the force's part, e.g. "kent", "devon-and-cornwall" */
    size_t flen;
    enum safer__pkind kind;
};

/* 0 when the base name of `path` is police.uk's, -1 otherwise. */
static int parse_name(const char *path, struct pname *out)
{
    static const struct {
        const char *suffix;
        enum safer__pkind kind;
    } kinds[] = {{"-street.csv", SAFER__PK_STREET},
                 {"-outcomes.csv", SAFER__PK_OUTCOMES},
                 {"-stop-and-search.csv", SAFER__PK_STOP_SEARCH}};
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t n = strlen(b);
    if (n < 9 || b[7] != '-')
        return -1;
    out->month = safer__parse_month(b, 7);
    if (out->month < 0)
        return -1;
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        size_t sl = strlen(kinds[i].suffix);
        if (n <= 8 + sl || strcmp(b + n - sl, kinds[i].suffix) != 0)
            continue;
        out->force = b + 8;
        out->flen = n - sl - 8;
        out->kind = kinds[i].kind;
        for (size_t k = 0; k < out->flen; k++) {
            char ch = out->force[k];
            if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-'))
                return -1;
        }
        return 0;
    }
    return -1;
}

static int has_suffix(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/*
 * Is `slug` (from a file's name) police.uk's name for force `force` (its
 * rows' 'Reported by')? police.uk's names are the force's name in lowercase
 * with '&' as "and", other runs of punctuation as '-', and "Police",
 * "Constabulary", "Police Service" and "Police Service of" left out
 * ("Devon & Cornwall Police": devon-and-cornwall; "Police Service of
 * Northern Ireland": northern-ireland), but for British Transport Police.
 */
static int slug_matches(const char *slug, size_t slen, const char *force, size_t flen)
{
    if (slen == 3 && memcmp(slug, "btp", 3) == 0)
        return flen == 24 && memcmp(force, "British Transport Police", 24) == 0;
    char s[SAFER_LIMIT_CSV_FIELD * 3 + 8];
    size_t n = 0;
    for (size_t i = 0; i < flen && n + 5 < sizeof(s); i++) {
        unsigned char ch = (unsigned char)force[i];
        if (ch >= 'A' && ch <= 'Z')
            ch = (unsigned char)(ch - 'A' + 'a');
        if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
            s[n++] = (char)ch;
            continue;
        }
        if (n && s[n - 1] != '-')
            s[n++] = '-';
        if (ch == '&') {
            memcpy(s + n, "and-", 4);
            n += 4;
        }
    }
    while (n && s[n - 1] == '-')
        n--;
    const char *p = s;
    if (n > 18 && memcmp(p, "police-service-of-", 18) == 0) {
        p += 18;
        n -= 18;
    }
    static const char *const tails[] = {"-police-service", "-police", "-constabulary"};
    for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
        if (has_suffix(p, n, tails[i]) && n > strlen(tails[i])) {
            n -= strlen(tails[i]);
            break;
        }
    }
    return n == slen && memcmp(p, slug, n) == 0;
}

/* A file whose police.uk name disagrees with its rows fails: it was
 * mislabelled or edited, and only the analyst can say which is right. */
static int check_name_rows(struct safer__pfile *f, const struct pass *ps)
{
    struct pname pn;
    if (parse_name(f->path, &pn) < 0)
        return 0;
    char m1[8], m2[8], pv[80];
    struct safer_csv_field kf = {ps->force, ps->flen};
    field_preview(&kf, pv, sizeof(pv));
    if (pn.month != ps->month) {
        safer__format_month(pn.month, m1);
        safer__format_month(ps->month, m2);
        return safer_err_set(&f->err, SAFER_EPARSE,
                             "%s: the name says %s but the rows are of %s ('%s'): rename the file "
                             "if its rows are right",
                             f->path, m1, m2, pv);
    }
    if (!slug_matches(pn.force, pn.flen, ps->force, ps->flen))
        return safer_err_set(&f->err, SAFER_EPARSE,
                             "%s: the name says force '%.*s' but the rows are of '%s': rename the "
                             "file if its rows are right",
                             f->path, (int)pn.flen, pn.force, pv);
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

/*
 * After a reading: 0 when the publication holds more than half of the rows
 * naming a force and a month; 1 when another holds more rows than it (its
 * key is then the pass's, to read the file again); SAFER_EPARSE when none
 * holds more than half.
 */
static int decide(struct safer__pfile *f, struct pass *ps)
{
    uint64_t keyed = ps->key_rows + ps->other_rows;
    if (!keyed)
        return 0;
    size_t best = 0;
    uint64_t bestn = 0;
    for (size_t i = 0; i < ps->others.count; i++) {
        if (ps->other_count[i] > bestn) {
            best = i;
            bestn = ps->other_count[i];
        }
    }
    if (bestn > ps->key_rows && !ps->forced) {
        size_t len;
        const char *k = safer__dict_str(&ps->others, (uint32_t)best, &len);
        uint32_t um;
        memcpy(&um, k, 4);
        free(ps->force);
        ps->force = safer__xstrndup(k + 4, len - 4);
        ps->flen = len - 4;
        ps->month = (int32_t)um;
        ps->forced = 1;
        return 1;
    }
    if (ps->key_rows * 2 > keyed)
        return 0;
    /* Name the two largest and count the rest. */
    char pv[80], pv2[80], m[8], m2[8], more[80] = "";
    struct safer_csv_field kf = {ps->force, ps->flen};
    field_preview(&kf, pv, sizeof(pv));
    safer__format_month(ps->month, m);
    size_t len;
    const char *k = safer__dict_str(&ps->others, (uint32_t)best, &len);
    uint32_t um;
    memcpy(&um, k, 4);
    struct safer_csv_field of = {k + 4, len - 4};
    field_preview(&of, pv2, sizeof(pv2));
    safer__format_month((int32_t)um, m2);
    uint64_t rest = keyed - ps->key_rows - bestn;
    if (rest)
        snprintf(more, sizeof(more), ", and %llu of %u others", (unsigned long long)rest,
                 ps->others.count - 1);
    return safer_err_set(&f->err, SAFER_EPARSE,
                         "%s: no force and month has more than half of its %llu rows: %llu are "
                         "of '%s' for %s, %llu of '%s' for %s%s (a police.uk file is one force's "
                         "publication for one month)",
                         f->path, (unsigned long long)keyed, (unsigned long long)ps->key_rows, pv,
                         m, (unsigned long long)bestn, pv2, m2, more);
}

static int parse_stream(struct safer__pfile *f, struct safer_csv *cp, size_t len, unsigned flags,
                        uint64_t *volatile progress_rows, struct safer__pscratch *sc,
                        struct pass *ps)
{
    struct safer_csv c = *cp;
    int rc;
    char msg[600];
    struct pname pn;

    rc = safer_csv_next(&c, &f->err);
    if (rc == 0) {
        rc = safer_err_set(&f->err, SAFER_EPARSE, "%s: empty file: no header row", f->path);
        goto out;
    }
    if (rc < 0)
        goto out;
    if (c.nfields < 2) {
        rc = safer_err_set(&f->err, SAFER_EPARSE,
                           "%s:1: not a police.uk file: the header has %zu column(s)", f->path,
                           c.nfields);
        goto out;
    }
    ps->kind = f->kind = header_kind(&c);
    if (parse_name(f->path, &pn) == 0 && pn.kind != ps->kind) {
        rc = safer_err_set(&f->err, SAFER_EPARSE,
                           "%s: the name says it holds %s but its header is that of %s: "
                           "rename the file if its header is right",
                           f->path, KINDS[pn.kind].holds, KINDS[ps->kind].holds);
        goto out;
    }
    if (ps->kind == SAFER__PK_STOP_SEARCH) {
        rc = 0; /* skipped: not read further */
        goto out;
    }
    ps->cols = ps->kind == SAFER__PK_OUTCOMES ? outcome_cols : street_cols;
    rc = map_header(f, &c, ps);
    if (rc < 0)
        goto out;
    /* police.uk rows are 150-250 bytes: size the columns once. */
    if (!sc->ready) {
        gbuild_init(&sc->g, len / 100 + 16);
        sc->ready = 1;
    } else {
        gbuild_reset(&sc->g);
    }
    ps->g = &sc->g;
    uint64_t since = 0;
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
        int t;
        if (rc == SAFER_EPARSE) {
            snprintf(msg, sizeof(msg), "%s", rerr.msg);
            t = ROW_REJECTED;
        } else {
            t = take_row(f, &c, ps, msg, sizeof(msg));
        }
        if (t == ROW_FATAL) {
            rc = safer_err_set(&f->err, SAFER_ETOOBIG, "%s", msg);
            goto out;
        }
        if (t != ROW_OK) {
            add_reject(f, c.row_line, msg);
            /* --strict: the first rejected row fails the file; but a row of
             * another publication only once the file's is known for sure. */
            if ((flags & SAFER_IMPORT_STRICT) && (t != ROW_STRAY || ps->forced)) {
                rc = safer_err_set(&f->err, SAFER_EPARSE, "%s (rejected in --strict mode)", msg);
                goto out;
            }
        }
        if (++since == 16384) {
            __atomic_fetch_add(progress_rows, since, __ATOMIC_RELAXED);
            since = 0;
        }
    }
    __atomic_fetch_add(progress_rows, since, __ATOMIC_RELAXED);
    rc = decide(f, ps);
    if (rc != 0)
        goto out;
    if ((flags & SAFER_IMPORT_STRICT) && ps->other_rows) {
        rc = safer_err_set(&f->err, SAFER_EPARSE, "%s (rejected in --strict mode)",
                           f->rejects[0].msg);
        goto out;
    }
    if (ps->key_rows) {
        rc = check_name_rows(f, ps);
        if (rc < 0)
            goto out;
    }
    if (ps->g->n) {
        if (ps->kind == SAFER__PK_OUTCOMES)
            encode_outcomes(ps->g, ps, &f->pub);
        else
            encode_street(ps->g, ps, &f->pub);
        f->has_pub = 1;
        if (safer_buf_error(&f->pub.hot) || safer_buf_error(&f->pub.cold)) {
            rc = safer_err_set(&f->err, SAFER_ETOOBIG, "%s: too much data in one file", f->path);
            goto out;
        }
    }
    rc = 0;
out:
    *cp = c;
    return rc;
}

/* Forget what a reading of the file found, before reading it again. */
static void pfile_reset(struct safer__pfile *f)
{
    safer__pfile_release(f);
    f->rows_read = f->rejected = f->bytes = 0;
    f->kind = SAFER__PK_NONE;
}

/* Read and parse the file once: 0, 1 to read it again (see decide), or a
 * negative code with f->err set. */
static int parse_once(struct safer__pfile *f, unsigned flags, uint64_t *volatile progress_rows,
                      struct safer__pscratch *sc, struct pass *ps)
{
    struct stat sb;
    int fd = safer__open_regular(f->path, &sb, &f->err);
    if (fd < 0)
        return fd;
    if ((f->dev || f->ino) && ((uint64_t)sb.st_dev != f->dev || (uint64_t)sb.st_ino != f->ino)) {
        close(fd);
        return safer_err_set(&f->err, SAFER_EIO, "%s: replaced by another file during the import",
                             f->path);
    }
    if ((unsigned long long)sb.st_size > SAFER_LIMIT_CSV_FILE) {
        close(fd);
        return safer_err_set(&f->err, SAFER_ETOOBIG,
                             "%s: file is larger than %llu bytes (limit SAFER_LIMIT_CSV_FILE)",
                             f->path, (unsigned long long)SAFER_LIMIT_CSV_FILE);
    }
    size_t len = (size_t)sb.st_size;
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    struct source src = {fd, f->path, XXH3_createState(), 0};
    if (!src.st) {
        close(fd);
        return safer_err_set(&f->err, SAFER_ENOMEM, "%s: out of memory", f->path);
    }
    XXH3_128bits_reset(src.st);
    struct safer_csv c;
    safer_csv_init_stream(&c, read_chunk, &src, f->path);
    int rc = parse_stream(f, &c, len, flags, progress_rows, sc, ps);
    /* The rest, after a failure or trailing blank lines, still counts in the
     * checksum; a skipped file is not read further. */
    char *rest = c.buf;
    long n = 0;
    while (f->kind != SAFER__PK_STOP_SEARCH && n >= 0 && c.more &&
           (n = read_chunk(&src, rest, SAFER_CSV_CHUNK, &f->err)) > 0)
        ;
    if (n < 0 && rc >= 0)
        rc = (int)n;
    safer_csv_release(&c);
    close(fd);
    f->bytes = src.bytes;
    XXH128_hash_t h = XXH3_128bits_digest(src.st);
    XXH3_freeState(src.st);
    snprintf(f->checksum, sizeof(f->checksum), "%016llx%016llx", (unsigned long long)h.high64,
             (unsigned long long)h.low64);
    return rc;
}

void safer__police_parse_file(struct safer__pfile *f, unsigned flags,
                              uint64_t *volatile progress_rows, struct safer__pscratch *scratch)
{
    struct safer__pscratch *sc = scratch ? scratch : safer__pscratch_new();
    struct pass ps;
    memset(&ps, 0, sizeof(ps));
    int rc = parse_once(f, flags, progress_rows, sc, &ps);
    if (rc == 1) {
        /* The first row was not of the file's publication: read it again
         * with the majority's, so its rows are kept and the others'
         * rejected. The bytes must be the same both times. */
        char first[sizeof(f->checksum)];
        memcpy(first, f->checksum, sizeof(first));
        pfile_reset(f);
        ps.key_rows = ps.other_rows = 0;
        if (ps.others_ready)
            safer__dict_clear(&ps.others);
        rc = parse_once(f, flags, progress_rows, sc, &ps);
        if (rc == 0 && memcmp(first, f->checksum, sizeof(first)) != 0)
            rc = safer_err_set(&f->err, SAFER_EIO, "%s: changed while it was read", f->path);
    }
    if (rc > 0) /* cannot happen: a second reading never asks for a third */
        rc = safer_err_set(&f->err, SAFER_EPARSE, "%s: changed while it was read", f->path);
    f->rc = rc;
    if (rc == 0 && f->has_pub)
        f->pub.rows_read = f->rows_read; /* every row of the file, rejected included */
    free(ps.force);
    if (ps.others_ready)
        safer__dict_release(&ps.others);
    free(ps.other_count);
    if (!scratch)
        safer__pscratch_free(sc);
}

void safer__pfile_release(struct safer__pfile *f)
{
    if (f->has_pub) {
        free(f->pub.force);
        safer_buf_release(&f->pub.hot);
        safer_buf_release(&f->pub.cold);
    }
    memset(&f->pub, 0, sizeof(f->pub));
    f->has_pub = 0;
    for (size_t i = 0; i < f->nrejects; i++)
        free(f->rejects[i].msg);
    free(f->rejects);
    f->rejects = NULL;
    f->nrejects = 0;
}

/* ---- finding the files ---- */

struct input {
    char *path; /* owned */
    uint64_t dev, ino;
};

struct pathlist {
    struct input *v;
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

/*
 * Add `path` (a file, or a folder searched for *.csv in name order). Each
 * file is opened and checked here, without blocking, before the store is
 * locked; the parsing opens it the same way and checks it is the same file.
 */
static int collect(const char *path, int top, struct pathlist *out, struct safer_err *err)
{
    struct stat sb;
    if (stat(path, &sb) < 0)
        return safer_err_set(err, SAFER_EIO, "%s: %s", path, strerror(errno));
    if (!S_ISDIR(sb.st_mode)) {
        if (!top && !ends_with(path, ".csv"))
            return 0;
        if (out->n >= SAFER_LIMIT_IMPORT_FILES)
            return safer_err_set(err, SAFER_ETOOBIG,
                                 "more than %d files in one import (limit SAFER_LIMIT_IMPORT_FILES)",
                                 SAFER_LIMIT_IMPORT_FILES);
        int fd = safer__open_regular(path, &sb, err);
        if (fd < 0)
            return fd;
        close(fd);
        SAFER__GROW(out->v, out->cap, out->n + 1);
        out->v[out->n++] = (struct input){safer__xstrdup(path), (uint64_t)sb.st_dev,
                                          (uint64_t)sb.st_ino};
        return 0;
    }
    DIR *d = opendir(path);
    if (!d)
        return safer_err_set(err, SAFER_EIO, "%s: %s", path, strerror(errno));
    char **here = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        SAFER__GROW(here, cap, n + 1);
        size_t len = strlen(path) + strlen(e->d_name) + 2;
        here[n] = safer__xmalloc(len);
        snprintf(here[n], len, "%s/%s", path, e->d_name);
        n++;
    }
    closedir(d);
    if (n > 1) /* an empty folder has no array to sort */
        qsort(here, n, sizeof(char *), cmp_str);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (rc == 0)
            rc = collect(here[i], 0, out, err);
        free(here[i]);
    }
    free(here);
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

/* The month of the import (UTC): rows of a later month are rejected. */
static int32_t import_month(int64_t now)
{
    time_t t = now ? (time_t)now : time(NULL);
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        return 0;
    return safer__month_index(tm.tm_year + 1900, tm.tm_mon + 1);
}

static void notice(const struct safer_import_opts *o, const char *fmt, ...) SAFER_PRINTF(2, 3);
static void notice(const struct safer_import_opts *o, const char *fmt, ...)
{
    if (!o->notice)
        return;
    char m[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m, sizeof(m), fmt, ap);
    va_end(ap);
    o->notice(o->ctx, m);
}

/* The publications of the files written so far, to find two files of one. */
struct seen {
    struct safer__dict keys; /* kind (1 byte), month (4), force */
    struct seen_file {
        const char *path; /* borrowed: the file the key came from */
        char checksum[40];
    } *v;
    size_t cap;
};

/* Write one parsed file inside the transaction, by the rules of police.h. */
static int write_file(struct safer_store *st, struct safer__pfile *f,
                      const struct safer_import_opts *opts, struct safer_import_stats *stats,
                      struct seen *seen, struct safer__tally **tally, uint64_t *rows_kept,
                      struct safer_err *err)
{
    if (f->kind == SAFER__PK_STOP_SEARCH) {
        stats->files_skipped++;
        notice(opts, "%s: skipped: a stop-and-search file", f->path);
        return 0;
    }
    if (f->has_pub) {
        char key[5 + SAFER_LIMIT_CSV_FIELD];
        size_t flen = strlen(f->pub.force);
        if (flen > SAFER_LIMIT_CSV_FIELD)
            flen = SAFER_LIMIT_CSV_FIELD;
        uint32_t um = (uint32_t)f->pub.month;
        key[0] = (char)f->kind;
        memcpy(key + 1, &um, 4);
        memcpy(key + 5, f->pub.force, flen);
        uint32_t had = seen->keys.count;
        int64_t k = safer__dict_intern(&seen->keys, key, 5 + flen);
        if (k < 0)
            return safer_err_set(err, (int)k, "too many publications in one import");
        if (k < had) {
            char m[8];
            safer__format_month(f->pub.month, m);
            if (memcmp(seen->v[k].checksum, f->checksum, sizeof(f->checksum)) == 0) {
                stats->files_skipped++;
                notice(opts, "%s: skipped: byte-identical to %s", f->path, seen->v[k].path);
                *rows_kept += f->pub.rows;
                return 0;
            }
            return safer_err_set(err, SAFER_EPARSE,
                                 "%s and %s are both the %s publication of '%s' for %s: import "
                                 "one of them",
                                 seen->v[k].path, f->path, KINDS[f->kind].name, f->pub.force, m);
        }
        SAFER__GROW(seen->v, seen->cap, (size_t)k + 1);
        seen->v[k].path = f->path;
        memcpy(seen->v[k].checksum, f->checksum, sizeof(f->checksum));
    }
    stats->files++;
    stats->files_outcomes += f->kind == SAFER__PK_OUTCOMES;
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
    if (!f->has_pub) {
        if (f->rows_read)
            notice(opts, "%s: no row imported: all its %llu rows were rejected", f->path,
                   (unsigned long long)f->rows_read);
        else
            notice(opts, "%s: no row imported: it has no data rows", f->path);
    } else {
        *rows_kept += f->pub.rows;
    }
    struct safer__pubfile pf = {
        .path = f->path,
        .outcomes = f->kind == SAFER__PK_OUTCOMES,
        .pubs = f->has_pub ? &f->pub : NULL,
        .npubs = f->has_pub ? 1 : 0,
        .rows_read = f->rows_read,
        .rejected = f->rejected,
        .bytes = f->bytes,
        .rejects = f->rejects,
        .nrejects = f->nrejects,
    };
    memcpy(pf.checksum, f->checksum, sizeof(pf.checksum));
    int rc = safer__store_police_file(st, &pf, stats, err);
    /* The street publications written are counted now, while the parsing
     * threads work; the rows go in at the end. */
    if (rc == 0 && f->has_pub && f->pub.stored && f->kind == SAFER__PK_STREET) {
        if (!*tally)
            rc = safer__tally_new(st, tally, err);
        if (rc == 0)
            rc = safer__tally_add(st, *tally, f->pub.force, f->pub.month, f->pub.hot.ptr,
                                  f->pub.hot.len, (int64_t)f->pub.rows, err);
    }
    return rc;
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
        rc = collect(paths[i], 1, &list, err);
    if (rc == 0 && list.n == 0)
        rc = safer_err_set(err, SAFER_EINVAL, "no police.uk CSV files found in the given paths");
    if (rc < 0)
        goto free_list;

    struct safer__tally *tally = NULL;
    struct seen seen = {0};
    safer__dict_init(&seen.keys);
    uint64_t rows_kept = 0;
    int32_t last_month = import_month(opts->now);
    struct job j = {0};
    j.files = safer__xcalloc(list.n, sizeof(*j.files));
    j.nfiles = list.n;
    j.flags = opts->flags;
    j.done = safer__xcalloc(list.n, 1);
    pthread_mutex_init(&j.mu, NULL);
    pthread_cond_init(&j.cv, NULL);
    int nw = nworkers(opts->threads, list.n);
    j.window = (size_t)nw + 1;
    for (size_t i = 0; i < list.n; i++) {
        j.files[i].path = list.v[i].path;
        j.files[i].dev = list.v[i].dev;
        j.files[i].ino = list.v[i].ino;
        j.files[i].last_month = last_month;
    }

    /* Every input is checked by now. Parsing needs nothing from the store:
     * it starts first, and never blocks (each file is opened as checked). */
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
        if (f->rc < 0)
            rc = safer_err_set(err, f->rc, "%s", safer_err_msg(&f->err, f->rc));
        else
            rc = write_file(st, f, opts, stats, &seen, &tally, &rows_kept, err);
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
    /* A command that has no row to keep, for all its files, fails: an empty
     * or wholly rejected input is a mistake to report, not a success. */
    if (rc == 0 && rows_kept == 0) {
        /* Name the file, or how many there were. */
        char what[300];
        if (list.n == 1)
            snprintf(what, sizeof(what), "%s", list.v[0].path);
        else
            snprintf(what, sizeof(what), "%zu files", list.n);
        if (stats->rows_read)
            rc = safer_err_set(err, SAFER_EPARSE,
                               "%s: no row was imported: all %llu rows read were rejected", what,
                               (unsigned long long)stats->rows_read);
        else if (stats->files)
            rc = safer_err_set(err, SAFER_EPARSE, "%s: no row was imported: no data rows", what);
        else
            rc = safer_err_set(err, SAFER_EINVAL,
                               "%s: no row was imported: no police.uk street or outcomes file "
                               "among them",
                               what);
    }
    /* The count table's rows of what was written. */
    if (rc == 0 && tally)
        rc = safer__tally_write(st, tally, opts->threads ? opts->threads : 1, err);
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
    safer__tally_free(tally);
    safer__dict_release(&seen.keys);
    free(seen.v);
    for (size_t i = 0; i < list.n; i++)
        safer__pfile_release(&j.files[i]);
    free(j.files);
    free(j.done);
    pthread_mutex_destroy(&j.mu);
    pthread_cond_destroy(&j.cv);
free_list:
    for (size_t i = 0; i < list.n; i++)
        free(list.v[i].path);
    free(list.v);
    return rc;
}
