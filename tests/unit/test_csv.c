/*
 * test_csv.c - the RFC 4180 row reader and field writer.
 */
#include "compat.h"

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

/* Read every row of `in`; render rows as "f1|f2;" with "!" for a rejected row. */
static void read_all(const char *in, size_t len, char *out, size_t cap)
{
    struct safer_csv c;
    safer_csv_init(&c, in, len, "t.csv");
    size_t n = 0;
    out[0] = '\0';
    for (;;) {
        struct safer_err err = {0};
        int rc = safer_csv_next(&c, &err);
        if (rc == 0)
            break;
        if (rc < 0) {
            n += (size_t)snprintf(out + n, cap - n, "!%zu;", c.row_line);
            if (rc == SAFER_ETOOBIG)
                break;
            continue;
        }
        for (size_t i = 0; i < c.nfields; i++)
            n += (size_t)snprintf(out + n, cap - n, "%s%.*s", i ? "|" : "", (int)c.fields[i].len,
                                  c.fields[i].ptr);
        n += (size_t)snprintf(out + n, cap - n, "@%zu;", c.row_line);
    }
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
    }
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
    char in[400];
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
        cmocka_unit_test(test_csv_rejects_overlong_field),
        cmocka_unit_test(test_csv_rejects_too_many_fields),
        cmocka_unit_test(test_csv_put_field_quotes_only_when_needed),
        cmocka_unit_test(test_buf_cap_is_sticky),
    };
    return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
