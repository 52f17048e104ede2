/*
 * csv.c - the RFC 4180 row reader and field writer (see safer/csv.h).
 */
#include "util/compat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/internal.h"
#include "safer/buf.h"
#include "safer/csv.h"

void safer_csv_init(struct safer_csv *c, const char *data, size_t len, const char *path)
{
    memset(c, 0, sizeof(*c));
    c->p = data;
    c->end = data + len;
    c->path = path;
    c->line = 1;
    if (len >= 3 && (unsigned char)data[0] == 0xEF && (unsigned char)data[1] == 0xBB &&
        (unsigned char)data[2] == 0xBF)
        c->p += 3;
    c->scratch = safer__xmalloc(SAFER_LIMIT_CSV_ROW);
}

#define BUF_CAP (SAFER_CSV_CHUNK + SAFER_LIMIT_CSV_ROW + 2)

void safer_csv_init_stream(struct safer_csv *c, safer_csv_read_fn read, void *ctx,
                           const char *path)
{
    memset(c, 0, sizeof(*c));
    c->path = path;
    c->line = 1;
    c->scratch = safer__xmalloc(SAFER_LIMIT_CSV_ROW);
    c->read = read;
    c->read_ctx = ctx;
    c->buf = safer__xmalloc(BUF_CAP);
    c->p = c->end = c->buf;
    c->more = 1;
}

void safer_csv_release(struct safer_csv *c)
{
    free(c->scratch);
    free(c->buf);
    c->scratch = NULL;
    c->buf = NULL;
}

/*
 * Before the general reader looks at a row of a stream with more to come,
 * the buffer holds more than a whole row from its start: so a row is always
 * read from memory in one piece, and running into `end` with more to come
 * means the row is over the limit. The common case, a whole line without
 * quotes already in the buffer, is read without refilling, so the bytes
 * kept from one chunk to the next are a partial line, not a row limit.
 */
static int need_more(const struct safer_csv *c)
{
    return c->more && (size_t)(c->end - c->p) < SAFER_LIMIT_CSV_ROW + 2;
}

static int refill(struct safer_csv *c, struct safer_err *err)
{
    size_t have = (size_t)(c->end - c->p);
    memmove(c->buf, c->p, have);
    while (c->more && have < BUF_CAP) {
        long n = c->read(c->read_ctx, c->buf + have, BUF_CAP - have, err);
        if (n < 0)
            return (int)n;
        if (n == 0)
            c->more = 0;
        have += (size_t)n;
    }
    c->p = c->buf;
    c->end = c->buf + have;
    if (!c->started) {
        c->started = 1;
        if (have >= 3 && (unsigned char)c->p[0] == 0xEF && (unsigned char)c->p[1] == 0xBB &&
            (unsigned char)c->p[2] == 0xBF)
            c->p += 3;
    }
    return 0;
}

/* Skip to just past the end of the physical line that `from` is on. */
static int skip_line(struct safer_csv *c, const char *from, struct safer_err *err)
{
    for (;;) {
        const char *nl = memchr(from, '\n', (size_t)(c->end - from));
        if (nl) {
            c->p = nl + 1;
            return 0;
        }
        c->p = c->end;
        if (!c->more)
            return 0;
        int rc = refill(c, err);
        if (rc < 0)
            return rc;
        from = c->p;
    }
}

/* A row that cannot be read: skip its line, say why; `code` is SAFER_EPARSE or SAFER_ETOOBIG. */
static int row_error(struct safer_csv *c, const char *from, struct safer_err *err, int code,
                     const char *why)
{
    int rc = skip_line(c, from, err);
    if (rc < 0)
        return rc;
    return safer_err_set(err, code, "%s:%zu: %s", c->path, c->row_line, why);
}

static int too_many_fields(struct safer_csv *c, const char *from, struct safer_err *err)
{
    char why[100];
    snprintf(why, sizeof(why), "row has more than %d fields (limit SAFER_LIMIT_CSV_FIELDS)",
             SAFER_LIMIT_CSV_FIELDS);
    return row_error(c, from, err, SAFER_ETOOBIG, why);
}

static int field_too_long(struct safer_csv *c, const char *from, struct safer_err *err)
{
    char why[100];
    snprintf(why, sizeof(why), "field %zu is longer than %d bytes (limit SAFER_LIMIT_CSV_FIELD)",
             c->nfields, SAFER_LIMIT_CSV_FIELD);
    return row_error(c, from, err, SAFER_ETOOBIG, why);
}

/*
 * Split a line without quotes at its commas, for the common case. Returns
 * where the line ends (its '\n', or `end` at the end of input) with the
 * fields set, or NULL when the line needs the general reader: it holds a
 * quote, goes over a limit, or runs past what is in memory.
 */
#if defined(__SSE2__)
#include <emmintrin.h>

/* Bit i set where the 16 bytes at p equal ch. */
static unsigned eq16(__m128i v, char ch) { return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(ch))); }
#endif

/* The first ',' or '\n' in [p, end), or end. */
static const char *field_end(const char *p, const char *end)
{
#if defined(__SSE2__)
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        unsigned m = eq16(v, ',') | eq16(v, '\n');
        if (m)
            return p + __builtin_ctz(m);
        p += 16;
    }
#endif
    while (p < end && *p != ',' && *p != '\n')
        p++;
    return p;
}

/* Bit i of each mask set where byte i of the n (<= 64) bytes at q is a line
 * break, a quote or a comma. */
static void classify(const char *q, unsigned n, uint64_t *nl, uint64_t *quote, uint64_t *comma)
{
    *nl = *quote = *comma = 0;
#if defined(__SSE2__)
    if (n == 64) {
        for (unsigned k = 0; k < 64; k += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(q + k));
            *nl |= (uint64_t)eq16(v, '\n') << k;
            *quote |= (uint64_t)eq16(v, '"') << k;
            *comma |= (uint64_t)eq16(v, ',') << k;
        }
        return;
    }
#endif
    for (unsigned i = 0; i < n; i++) {
        *nl |= (uint64_t)(q[i] == '\n') << i;
        *quote |= (uint64_t)(q[i] == '"') << i;
        *comma |= (uint64_t)(q[i] == ',') << i;
    }
}

static const char *split_plain(struct safer_csv *c, const char *p, const char *end)
{
    const char *start = p, *field = p, *q = p, *eol = NULL;
    size_t nf = 0;
    while (!eol) {
        unsigned n = end - q >= 64 ? 64 : (unsigned)(end - q);
        uint64_t nl, quote, comma;
        classify(q, n, &nl, &quote, &comma);
        uint64_t in_line = n == 64 ? ~(uint64_t)0 : ((uint64_t)1 << n) - 1;
        if (nl) {
            in_line = (nl & -nl) - 1;
            eol = q + __builtin_ctzll(nl);
        } else if (n < 64) {
            if (c->more)
                return NULL;
            eol = end;
        }
        if (quote & in_line)
            return NULL;
        for (comma &= in_line; comma; comma &= comma - 1) {
            const char *at = q + __builtin_ctzll(comma);
            if (nf == SAFER_LIMIT_CSV_FIELDS - 1 || (size_t)(at - field) > SAFER_LIMIT_CSV_FIELD)
                return NULL;
            c->fields[nf].ptr = field;
            c->fields[nf++].len = (size_t)(at - field);
            field = at + 1;
        }
        q += n;
        if ((size_t)(q - start) > SAFER_LIMIT_CSV_ROW + 64)
            return NULL;
    }
    const char *stop = eol > start && eol[-1] == '\r' ? eol - 1 : eol;
    if ((size_t)(eol - start) > SAFER_LIMIT_CSV_ROW || stop < field ||
        (size_t)(stop - field) > SAFER_LIMIT_CSV_FIELD)
        return NULL;
    c->fields[nf].ptr = field;
    c->fields[nf++].len = (size_t)(stop - field);
    c->nfields = nf;
    return eol;
}

int safer_csv_next(struct safer_csv *c, struct safer_err *err)
{
    /* Blank lines are not rows. */
    for (;;) {
        if (c->more && c->end - c->p < 2) {
            int rc = refill(c, err);
            if (rc < 0)
                return rc;
        }
        if (c->p < c->end && *c->p == '\n') {
            c->p++;
        } else if (c->end - c->p >= 2 && c->p[0] == '\r' && c->p[1] == '\n') {
            c->p += 2;
        } else {
            break;
        }
        c->line++;
    }
    if (c->p >= c->end)
        return 0;

    const char *start = c->p, *p = c->p, *end = c->end;
    size_t scratch_used = 0;
    size_t lines = 0;
    c->row_line = c->line;
    c->nfields = 0;

    /* The common case: a whole line without quotes, split at commas in one pass. */
    const char *eol = split_plain(c, p, end);
    if (eol) {
        c->p = eol < end ? eol + 1 : end;
        c->line++;
        return 1;
    }
    c->nfields = 0;
    if (need_more(c)) {
        int rc = refill(c, err);
        if (rc < 0)
            return rc;
        return safer_csv_next(c, err);
    }

    /* A closing quote is looked for within the row limit only. */
    const char *qlim = (size_t)(end - start) > SAFER_LIMIT_CSV_ROW + 1
                           ? start + SAFER_LIMIT_CSV_ROW + 1
                           : end;
    for (;;) {
        if (c->nfields == SAFER_LIMIT_CSV_FIELDS) {
            c->line += lines + 1;
            return too_many_fields(c, p, err);
        }
        struct safer_csv_field *f = &c->fields[c->nfields++];
        if (p < end && *p == '"') {
            /* Quoted field: find the closing quote, noting doubled quotes. */
            const char *q = p + 1;
            int doubled = 0;
            for (;;) {
                const char *quote = q < qlim ? memchr(q, '"', (size_t)(qlim - q)) : NULL;
                if (!quote) {
                    /* Unterminated: reject the row, resume on the next line. */
                    c->line = c->row_line + 1;
                    return row_error(c, start, err, SAFER_EPARSE, "unterminated quoted field");
                }
                if (quote + 1 < end && quote[1] == '"') {
                    doubled = 1;
                    q = quote + 2;
                    continue;
                }
                for (const char *s = p + 1; s < quote; s++)
                    lines += *s == '\n';
                if (!doubled) {
                    f->ptr = p + 1;
                    f->len = (size_t)(quote - p - 1);
                } else {
                    char *dst = c->scratch + scratch_used;
                    size_t n = 0;
                    for (const char *s = p + 1; s < quote; s++) {
                        if (scratch_used + n >= SAFER_LIMIT_CSV_ROW)
                            break;
                        dst[n++] = *s;
                        if (*s == '"')
                            s++;
                    }
                    f->ptr = dst;
                    f->len = n;
                    scratch_used += n;
                }
                p = quote + 1;
                break;
            }
            if (p < end && *p != ',' && *p != '\n' && !(*p == '\r' && p + 1 < end && p[1] == '\n') &&
                !(*p == '\r' && p + 1 == end)) {
                c->line += lines + 1;
                char why[100];
                snprintf(why, sizeof(why), "unexpected text after a closing quote in field %zu",
                         c->nfields);
                return row_error(c, p, err, SAFER_EPARSE, why);
            }
        } else {
            const char *q = field_end(p, end);
            f->ptr = p;
            f->len = (size_t)(q - p);
            if (q < end && *q == '\n' && f->len && q[-1] == '\r')
                f->len--;
            else if (q == end && f->len && q[-1] == '\r')
                f->len--;
            p = q;
        }
        if (f->len > SAFER_LIMIT_CSV_FIELD) {
            c->line += lines + 1;
            return field_too_long(c, p, err);
        }
        if (p < end && *p == ',') {
            p++;
            continue;
        }
        /* End of row: at a line break (maybe after CR) or the end of input. */
        if (p < end && *p == '\r')
            p++;
        if (p < end && *p == '\n')
            p++;
        break;
    }
    /* With more input to come, reaching `end` puts the row over the limit. */
    if ((size_t)(p - start) > SAFER_LIMIT_CSV_ROW) {
        c->line += lines + 1;
        char why[100];
        snprintf(why, sizeof(why), "row is longer than %d bytes (limit SAFER_LIMIT_CSV_ROW)",
                 SAFER_LIMIT_CSV_ROW);
        return row_error(c, p == end ? p : p - 1, err, SAFER_ETOOBIG, why);
    }
    c->p = p;
    c->line += lines + 1;
    return 1;
}

int safer_csv_eq(const struct safer_csv_field *f, const char *s)
{
    size_t n = strlen(s);
    return f->len == n && memcmp(f->ptr, s, n) == 0;
}

/* Append a field: `lead` (a formula guard, or nothing) then `s`, quoted
 * (with doubled quotes) only when it holds a comma, a quote or a line break. */
static void put_field(struct safer_buf *b, const char *lead, size_t nlead, const char *s,
                      size_t len)
{
    int quote = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r') {
            quote = 1;
            break;
        }
    }
    if (quote)
        safer_buf_put(b, "\"", 1);
    if (nlead)
        safer_buf_put(b, lead, nlead);
    if (!quote) {
        safer_buf_put(b, s, len);
        return;
    }
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            safer_buf_put(b, "\"", 1);
        safer_buf_put(b, &s[i], 1);
    }
    safer_buf_put(b, "\"", 1);
}

void safer_csv_put_field(struct safer_buf *b, const char *s, size_t len)
{
    put_field(b, "", 0, s, len);
}

/*
 * The one rule for spreadsheet formulas ("CSV injection", OWASP): Excel,
 * LibreOffice and Google Sheets take a cell starting with '=', '+', '-' or
 * '@' as a formula, and some skip a leading tab or carriage return before
 * looking. A leading apostrophe makes them show the text as it is.
 */
void safer_csv_put_text(struct safer_buf *b, const char *s, size_t len)
{
    int formula = 0;
    if (len > 0) {
        switch (s[0]) {
        case '=':
        case '+':
        case '-':
        case '@':
        case '\t':
        case '\r':
            formula = 1;
            break;
        default:
            break;
        }
    }
    put_field(b, "'", (size_t)formula, s, len);
}
