/*
 * csv.c - the RFC 4180 row reader and field writer (see safer/csv.h).
 */
#include "compat.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"
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

void safer_csv_release(struct safer_csv *c)
{
    free(c->scratch);
    c->scratch = NULL;
}

/* Skip to just past the end of the current physical line. */
static void skip_line(struct safer_csv *c, const char *from)
{
    const char *nl = memchr(from, '\n', (size_t)(c->end - from));
    c->p = nl ? nl + 1 : c->end;
}

int safer_csv_next(struct safer_csv *c, struct safer_err *err)
{
    /* Blank lines are not rows. */
    while (c->p < c->end && (*c->p == '\n' || (*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n'))) {
        c->p += *c->p == '\r' ? 2 : 1;
        c->line++;
    }
    if (c->p >= c->end)
        return 0;

    const char *start = c->p, *p = c->p, *end = c->end;
    size_t scratch_used = 0;
    size_t lines = 0;
    c->row_line = c->line;
    c->nfields = 0;

    /* The common case: a line without quotes, split at commas (memchr is vectorised). */
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *eol = nl ? nl : end;
    if ((size_t)(eol - p) <= SAFER_LIMIT_CSV_ROW && !memchr(p, '"', (size_t)(eol - p))) {
        const char *stop = eol > p && eol[-1] == '\r' ? eol - 1 : eol;
        for (;;) {
            if (c->nfields == SAFER_LIMIT_CSV_FIELDS) {
                c->p = nl ? nl + 1 : end;
                c->line++;
                return safer_err_set(err, SAFER_ETOOBIG,
                                     "%s:%zu: row has more than %d fields (limit SAFER_LIMIT_CSV_FIELDS)",
                                     c->path, c->row_line, SAFER_LIMIT_CSV_FIELDS);
            }
            const char *comma = memchr(p, ',', (size_t)(stop - p));
            const char *fe = comma ? comma : stop;
            struct safer_csv_field *f = &c->fields[c->nfields++];
            f->ptr = p;
            f->len = (size_t)(fe - p);
            if (f->len > SAFER_LIMIT_CSV_FIELD) {
                c->p = nl ? nl + 1 : end;
                c->line++;
                return safer_err_set(err, SAFER_ETOOBIG,
                                     "%s:%zu: field %zu is longer than %d bytes (limit SAFER_LIMIT_CSV_FIELD)",
                                     c->path, c->row_line, c->nfields, SAFER_LIMIT_CSV_FIELD);
            }
            if (!comma)
                break;
            p = comma + 1;
        }
        c->p = nl ? nl + 1 : end;
        c->line++;
        return 1;
    }

    for (;;) {
        if (c->nfields == SAFER_LIMIT_CSV_FIELDS) {
            skip_line(c, p);
            c->line++;
            return safer_err_set(err, SAFER_ETOOBIG,
                                 "%s:%zu: row has more than %d fields (limit SAFER_LIMIT_CSV_FIELDS)",
                                 c->path, c->row_line, SAFER_LIMIT_CSV_FIELDS);
        }
        struct safer_csv_field *f = &c->fields[c->nfields++];
        if (p < end && *p == '"') {
            /* Quoted field: find the closing quote, noting doubled quotes. */
            const char *q = p + 1;
            int doubled = 0;
            for (;;) {
                const char *quote = memchr(q, '"', (size_t)(end - q));
                if (!quote) {
                    /* Unterminated: reject the row, resume on the next line. */
                    c->line = c->row_line + 1;
                    skip_line(c, start);
                    return safer_err_set(err, SAFER_EPARSE, "%s:%zu: unterminated quoted field",
                                         c->path, c->row_line);
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
                skip_line(c, p);
                return safer_err_set(err, SAFER_EPARSE,
                                     "%s:%zu: unexpected text after a closing quote in field %zu",
                                     c->path, c->row_line, c->nfields);
            }
        } else {
            const char *q = p;
            while (q < end && *q != ',' && *q != '\n')
                q++;
            f->ptr = p;
            f->len = (size_t)(q - p);
            if (q < end && *q == '\n' && f->len && q[-1] == '\r')
                f->len--;
            else if (q == end && f->len && q[-1] == '\r')
                f->len--;
            p = q;
        }
        if (f->len > SAFER_LIMIT_CSV_FIELD) {
            skip_line(c, p);
            c->line += lines + 1;
            return safer_err_set(err, SAFER_ETOOBIG,
                                 "%s:%zu: field %zu is longer than %d bytes (limit SAFER_LIMIT_CSV_FIELD)",
                                 c->path, c->row_line, c->nfields, SAFER_LIMIT_CSV_FIELD);
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
    if ((size_t)(p - start) > SAFER_LIMIT_CSV_ROW) {
        c->p = p;
        c->line += lines + 1;
        return safer_err_set(err, SAFER_ETOOBIG,
                             "%s:%zu: row is longer than %d bytes (limit SAFER_LIMIT_CSV_ROW)", c->path,
                             c->row_line, SAFER_LIMIT_CSV_ROW);
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

void safer_csv_put_field(struct safer_buf *b, const char *s, size_t len)
{
    int quote = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r') {
            quote = 1;
            break;
        }
    }
    if (!quote) {
        safer_buf_put(b, s, len);
        return;
    }
    safer_buf_put(b, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            safer_buf_put(b, "\"", 1);
        safer_buf_put(b, &s[i], 1);
    }
    safer_buf_put(b, "\"", 1);
}
