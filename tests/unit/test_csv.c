/*
 * test_csv.c - the RFC 4180 row reader and field writer.
 */
#include "util/compat.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "safer/buf.h"
#include "safer/csv.h"

/* Render every row of `c` as "f1|f2@line;", "!line;" for a rejected row. */
static void render(struct safer_csv *c, struct safer_buf *out)
{
    char tmp[64];
    for (;;) {
        struct safer_err err = {0};
        int rc = safer_csv_next(c, &err);
        if (rc == 0)
            break;
        if (rc < 0) {
            snprintf(tmp, sizeof(tmp), "!%zu;", c->row_line);
            safer_buf_puts(out, tmp);
            if (rc == SAFER_ETOOBIG)
                break;
            continue;
        }
        for (size_t i = 0; i < c->nfields; i++) {
            if (i)
                safer_buf_put(out, "|", 1);
            safer_buf_put(out, c->fields[i].ptr, c->fields[i].len);
        }
        snprintf(tmp, sizeof(tmp), "@%zu;", c->row_line);
        safer_buf_puts(out, tmp);
    }
}

static void read_all(const char *in, size_t len, char *out, size_t cap)
{
    struct safer_csv c;
    struct safer_buf b;
    safer_buf_init(&b, SIZE_MAX);
    safer_csv_init(&c, in, len, "t.csv");
    render(&c, &b);
    safer_csv_release(&c);
    snprintf(out, cap, "%s", b.ptr);
    safer_buf_release(&b);
}

/* A stream over memory that hands out pieces of awkward, varying sizes. */
struct pieces {
    const char *data;
    size_t len, pos, max;
    unsigned seed;
};

static long read_pieces(void *ctx, char *dst, size_t cap, struct safer_err *err)
{
    (void)err;
    struct pieces *p = ctx;
    p->seed = p->seed * 1103515245u + 12345u;
    size_t n = 1 + (p->seed >> 8) % p->max;
    if (n > cap)
        n = cap;
    if (n > p->len - p->pos)
        n = p->len - p->pos;
    memcpy(dst, p->data + p->pos, n);
    p->pos += n;
    return (long)n;
}

static void read_all_stream(const char *in, size_t len, size_t max, struct safer_buf *out)
{
    struct pieces src = {in, len, 0, max, 7};
    struct safer_csv c;
    safer_csv_init_stream(&c, read_pieces, &src, "t.csv");
    render(&c, out);
    safer_csv_release(&c);
}

static void test_csv_rows(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"a,b\n", "a|b@1;"},
        {"a,b", "a|b@1;"},
        {"a,b\r\nc,d\r\n", "a|b@1;c|d@2;"},
        {"\xEF\xBB\xBFx,y\n", "x|y@1;"},
        {"a,,c\n", "a||c@1;"},
        {",\n", "|@1;"},
        {"\"a,b\",c\n", "a,b|c@1;"},
        {"\"say \"\"hi\"\"\",z\n", "say \"hi\"|z@1;"},
        {"\"\"\n", "@1;"},
        {"\"two\nlines\",x\ny\n", "two\nlines|x@1;y@3;"},
        {"a\n\n\nb\n", "a@1;b@4;"},
        {"a\r\n\r\nb\r\n", "a@1;b@3;"},
        {"\"open,x\nnext,row\n", "!1;next|row@2;"},
        {"\"ab\"c,d\nok\n", "!1;ok@2;"},
        {"a,b\r", "a|b@1;"},
        {"", ""},
    };
    char out[512];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        read_all(cases[i].in, strlen(cases[i].in), out, sizeof(out));
        if (strcmp(out, cases[i].want) != 0)
            fail_msg("case %zu: got '%s', want '%s'", i, out, cases[i].want);
        /* The same rows from a stream, one byte and a few bytes at a time. */
        for (size_t max = 1; max <= 3; max += 2) {
            struct safer_buf b;
            safer_buf_init(&b, SIZE_MAX);
            read_all_stream(cases[i].in, strlen(cases[i].in), max, &b);
            if (strcmp(b.ptr, cases[i].want) != 0)
                fail_msg("case %zu from a stream: got '%s', want '%s'", i, b.ptr, cases[i].want);
            safer_buf_release(&b);
        }
    }
}

/*
 * Megabytes of every kind of row, with a stray quote whose next quote is far
 * past the row limit: a stream read in pieces of any size gives the rows the
 * in-memory reader gives, and the stray quote costs one row.
 */
static void test_csv_stream_matches_memory(void **state)
{
    (void)state;
    struct safer_buf in;
    safer_buf_init(&in, SIZE_MAX);
    safer_buf_puts(&in, "\xEF\xBB\xBF" "Crime ID,Month,Location\r\n");
    char row[200];
    unsigned seed = 1;
    size_t stray_line = 0, line = 2;
    for (int i = 0; i < 30000; i++, line++) {
        seed = seed * 1103515245u + 12345u;
        switch ((seed >> 16) % 7) {
        case 0:
            snprintf(row, sizeof(row), "%08x,2019-%02d,On or near High Street\n", seed, i % 12 + 1);
            break;
        case 1:
            snprintf(row, sizeof(row), "%d,\"a, quoted\",\"say \"\"%d\"\"\"\r\n", i, i);
            break;
        case 2:
            snprintf(row, sizeof(row), "\"two\nlines %d\",,x\n", i);
            line++;
            break;
        case 3:
            snprintf(row, sizeof(row), "\n%d,,\n", i);
            line++;
            break;
        default:
            snprintf(row, sizeof(row), "%d,%d,%.*s\n", i, i * 7, (int)(seed % 150),
                     "................................................................"
                     "................................................................"
                     "......................");
            break;
        }
        if (i % 197 == 0) {
            /* A long row of 14 fields near the field limit: about 55 KB. */
            for (int k = 0; k < 14; k++) {
                for (int j = 0; j < 39; j++)
                    safer_buf_puts(&in, "..........................................................."
                                        ".........................................");
                safer_buf_puts(&in, k < 13 ? "," : "\n");
            }
            line++;
        }
        if (i == 20000) {
            snprintf(row, sizeof(row), "\"stray,%d\n", i);
            stray_line = line;
        }
        if (i > 20000 && i < 21000 && strchr(row, '"'))
            snprintf(row, sizeof(row), "%d,no quotes here,just text to pass the row limit\n", i);
        safer_buf_puts(&in, row);
    }
    assert_int_equal(safer_buf_error(&in), 0);

    struct safer_buf mem, str;
    safer_buf_init(&mem, SIZE_MAX);
    struct safer_csv c;
    safer_csv_init(&c, in.ptr, in.len, "t.csv");
    render(&c, &mem);
    safer_csv_release(&c);
    char want[40];
    snprintf(want, sizeof(want), ";!%zu;", stray_line);
    assert_non_null(strstr(mem.ptr, want));
    for (size_t max = 100; max <= 1000000; max *= 10) {
        safer_buf_init(&str, SIZE_MAX);
        read_all_stream(in.ptr, in.len, max, &str);
        assert_int_equal(str.len, mem.len);
        assert_memory_equal(str.ptr, mem.ptr, mem.len);
        safer_buf_release(&str);
    }
    safer_buf_release(&mem);
    safer_buf_release(&in);
}

/* From a stream, a line longer than the row limit is over the limit, wherever the chunks fall. */
static void test_csv_stream_rejects_overlong_row(void **state)
{
    (void)state;
    size_t n = 3 * SAFER_CSV_CHUNK;
    char *in = malloc(n + 20);
    memcpy(in, "a,b\n", 4);
    for (size_t i = 4; i < n; i++)
        in[i] = i % 100 == 0 ? ',' : 'x';
    memcpy(in + n, "\nlast,row\n", 10);
    struct pieces src = {in, n + 10, 0, 70000, 3};
    struct safer_csv c;
    safer_csv_init_stream(&c, read_pieces, &src, "long.csv");
    struct safer_err err = {0};
    assert_int_equal(safer_csv_next(&c, &err), 1);
    assert_int_equal(safer_csv_next(&c, &err), SAFER_ETOOBIG);
    assert_non_null(strstr(err.msg, "long.csv:2: "));
    assert_non_null(strstr(err.msg, "limit SAFER_LIMIT_CSV_"));
    safer_csv_release(&c);
    free(in);
}

static void test_csv_rejects_overlong_field(void **state)
{
    (void)state;
    size_t n = SAFER_LIMIT_CSV_FIELD + 10;
    char *in = malloc(n + 1);
    memset(in, 'x', n);
    in[n] = '\n';
    struct safer_csv c;
    safer_csv_init(&c, in, n + 1, "big.csv");
    struct safer_err err = {0};
    assert_int_equal(safer_csv_next(&c, &err), SAFER_ETOOBIG);
    assert_non_null(strstr(err.msg, "SAFER_LIMIT_CSV_FIELD"));
    assert_non_null(strstr(err.msg, "big.csv:1:"));
    safer_csv_release(&c);
    free(in);
}

static void test_csv_rejects_too_many_fields(void **state)
{
    (void)state;
    char in[SAFER_LIMIT_CSV_FIELDS + 16];
    size_t n = 0;
    for (int i = 0; i < SAFER_LIMIT_CSV_FIELDS + 5; i++)
        in[n++] = ',';
    in[n++] = '\n';
    struct safer_csv c;
    safer_csv_init(&c, in, n, "wide.csv");
    struct safer_err err = {0};
    assert_int_equal(safer_csv_next(&c, &err), SAFER_ETOOBIG);
    assert_non_null(strstr(err.msg, "SAFER_LIMIT_CSV_FIELDS"));
    safer_csv_release(&c);
}

static void test_csv_put_field_quotes_only_when_needed(void **state)
{
    (void)state;
    struct safer_buf b;
    safer_buf_init(&b, 1024);
    safer_csv_put_field(&b, "plain", 5);
    safer_buf_put(&b, ";", 1);
    safer_csv_put_field(&b, "a,b", 3);
    safer_buf_put(&b, ";", 1);
    safer_csv_put_field(&b, "say \"hi\"", 8);
    safer_buf_put(&b, ";", 1);
    safer_csv_put_field(&b, "two\nlines", 9);
    safer_buf_put(&b, ";", 1);
    safer_csv_put_field(&b, "", 0);
    assert_string_equal(b.ptr, "plain;\"a,b\";\"say \"\"hi\"\"\";\"two\nlines\";");
    assert_int_equal(safer_buf_error(&b), 0);
    safer_buf_release(&b);
}

/* Text that a spreadsheet would run gets an apostrophe, then quotes as usual. */
static void test_csv_put_text_guards_formulas(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"", ""},
        {"plain", "plain"},
        {"=1+1", "'=1+1"},
        {"+44 1622", "'+44 1622"},
        {"-0.5", "'-0.5"}, /* as text; numbers go through safer_csv_put_field */
        {"@SUM(A1:A9)", "'@SUM(A1:A9)"},
        {"\tTAB", "'\tTAB"},
        {"\rCR", "\"'\rCR\""},
        {"=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""},
        {"-a,b", "\"'-a,b\""},
        {"=\nnext", "\"'=\nnext\""},
        {"a=b", "a=b"},
        {" =x", " =x"},
        {"'=x", "'=x"},
        {"On or near A, B", "\"On or near A, B\""},
        {"say \"hi\"", "\"say \"\"hi\"\"\""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct safer_buf b;
        safer_buf_init(&b, 1024);
        safer_csv_put_text(&b, cases[i].in, strlen(cases[i].in));
        assert_string_equal(b.ptr, cases[i].out);
        assert_int_equal(safer_buf_error(&b), 0);
        safer_buf_release(&b);
    }
    /* A NUL inside the field is data, not an end. */
    struct safer_buf b;
    safer_buf_init(&b, 1024);
    safer_csv_put_text(&b, "=\0x", 3);
    assert_int_equal(b.len, 4);
    assert_memory_equal(b.ptr, "'=\0x", 4);
    /* Numbers are never touched by the plain writer. */
    safer_buf_reset(&b);
    safer_csv_put_field(&b, "-12.5", 5);
    assert_string_equal(b.ptr, "-12.5");
    safer_buf_release(&b);
}

static void test_buf_cap_is_sticky(void **state)
{
    (void)state;
    struct safer_buf b;
    safer_buf_init(&b, 8);
    assert_int_equal(safer_buf_add(&b, "12345678", 8), 0);
    assert_int_equal(safer_buf_add(&b, "9", 1), SAFER_ETOOBIG);
    assert_int_equal(b.len, 8);
    safer_buf_puts(&b, "x");
    safer_buf_puts(&b, "");
    assert_int_equal(safer_buf_error(&b), SAFER_ETOOBIG);
    assert_string_equal(b.ptr, "12345678");
    safer_buf_release(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.ptr, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_rows),
        cmocka_unit_test(test_csv_stream_matches_memory),
        cmocka_unit_test(test_csv_stream_rejects_overlong_row),
        cmocka_unit_test(test_csv_rejects_overlong_field),
        cmocka_unit_test(test_csv_rejects_too_many_fields),
        cmocka_unit_test(test_csv_put_field_quotes_only_when_needed),
        cmocka_unit_test(test_csv_put_text_guards_formulas),
        cmocka_unit_test(test_buf_cap_is_sticky),
    };
    return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
