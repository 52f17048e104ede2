/*
 * csv.h - an RFC 4180 row reader over a byte range in memory, or over a
 * stream read a chunk at a time into one buffer that is used again.
 *
 * Fields are (ptr, len) views; they stay valid until the next call. A quoted
 * field is unquoted in place when it holds no doubled quote, else copied to
 * the reader's scratch space (sized once for the longest allowed row, so it
 * never moves). LF or CRLF line ends; a UTF-8 byte-order mark at the very
 * start is skipped. Blank lines are not rows. A quoted field must close
 * within SAFER_LIMIT_CSV_ROW bytes of the row's start; one that does not is
 * an unterminated quote, so a stray quote costs one rejected row however
 * much input follows it.
 */
#ifndef SAFER_CSV_H
#define SAFER_CSV_H

#include <stddef.h>

#include "safer/error.h"
#include "safer/limits.h"

struct safer_csv_field {
    const char *ptr; /* borrowed from the input or the scratch space */
    size_t len;
};

/*
 * A stream: read up to `cap` bytes into `dst`; return how many (0 at the end
 * of input), or a negative SAFER_E code with `err` set.
 */
typedef long (*safer_csv_read_fn)(void *ctx, char *dst, size_t cap, struct safer_err *err);

struct safer_csv {
    const char *p, *end; /* the unread input in memory (borrowed, or in buf) */
    const char *path;    /* borrowed: for messages */
    size_t line;         /* line number of the next unread byte (1-based) */
    size_t row_line;     /* OUT: first line of the row just read */
    size_t nfields;      /* OUT: fields in the row just read */
    struct safer_csv_field fields[SAFER_LIMIT_CSV_FIELDS];
    char *scratch; /* owned: SAFER_LIMIT_CSV_ROW bytes */
    /* A stream's state: more input follows `end` while `more` is set. */
    safer_csv_read_fn read;
    void *read_ctx;
    char *buf; /* owned: SAFER_CSV_CHUNK + SAFER_LIMIT_CSV_ROW + 2 bytes */
    int more, started;
};

/* Bytes a stream reads at a time: small enough to stay in the CPU's cache. */
#define SAFER_CSV_CHUNK (256u << 10)

void safer_csv_init(struct safer_csv *c, const char *data, size_t len, const char *path);
void safer_csv_init_stream(struct safer_csv *c, safer_csv_read_fn read, void *ctx,
                           const char *path);
void safer_csv_release(struct safer_csv *c);

/*
 * Read the next row. Returns 1 when a row was read, 0 at the end of input,
 * SAFER_EPARSE for a malformed row (unterminated quote, text after a closing
 * quote) — the row is skipped, the reader is ready for the next one, and
 * `err` says "path:line: what" — and SAFER_ETOOBIG when a row goes over a
 * named limit, or the stream's error, which the caller must treat as fatal
 * for the file.
 */
int safer_csv_next(struct safer_csv *c, struct safer_err *err);

/* Does the field hold exactly the NUL-terminated string `s`? */
int safer_csv_eq(const struct safer_csv_field *f, const char *s);

/*
 * Append `len` bytes of `s` as one CSV field to `b`: quoted (with doubled
 * quotes) only when it holds a comma, a quote or a line break.
 */
struct safer_buf;
void safer_csv_put_field(struct safer_buf *b, const char *s, size_t len);

/*
 * Append text field `s` as safer_csv_put_field() does, made safe for a
 * spreadsheet first: text starting with '=', '+', '-', '@', a tab or a
 * carriage return, which a spreadsheet would run as a formula, gets a
 * leading apostrophe ("=1+1" is written '=1+1, "-x,y" is written
 * "'-x,y"). Every CSV writer of the library puts names, codes and other
 * text from its inputs through this, and numbers through
 * safer_csv_put_field() or a format: "-0.5" is a number, not a formula.
 */
void safer_csv_put_text(struct safer_buf *b, const char *s, size_t len);

#endif
