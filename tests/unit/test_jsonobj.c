/*
 * test_jsonobj.c - the audit log's flat JSON objects (lib/util/jsonobj.c):
 * members in order, every string escaped so that the result is valid JSON
 * (checked by Jansson, independently), bytes that are not UTF-8 replaced,
 * and an object past the limit refused.
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
#include <jansson.h>

#include "util/jsonobj.h"

static void test_jobj_members_in_order(void **state)
{
    (void)state;
    struct safer__jobj o;
    safer__jobj_init(&o);
    safer__jobj_str(&o, "title", "Cradle to Grave");
    safer__jobj_int(&o, "progress", 40);
    safer__jobj_int(&o, "lead_user_id", -3);
    safer__jobj_str(&o, "due_date", NULL);
    safer__jobj_null(&o, "start_date");
    assert_int_equal(safer__jobj_count(&o), 5);
    char *s;
    assert_int_equal(safer__jobj_finish(&o, &s, NULL), 0);
    assert_string_equal(s, "{\"title\": \"Cradle to Grave\", \"progress\": 40, "
                           "\"lead_user_id\": -3, \"due_date\": null, \"start_date\": null}");
    free(s);
}

static void test_jobj_empty(void **state)
{
    (void)state;
    struct safer__jobj o;
    safer__jobj_init(&o);
    char *s;
    assert_int_equal(safer__jobj_finish(&o, &s, NULL), 0);
    assert_string_equal(s, "{}");
    free(s);
}

/* { input, its length, what is written } */
static const struct {
    const char *in;
    size_t len;
    const char *out;
} QUOTE[] = {
    {"plain", 5, "\"plain\""},
    {"", 0, "\"\""},
    {"say \"no\"", 8, "\"say \\\"no\\\"\""},
    {"a\\b", 3, "\"a\\\\b\""},
    {"line\nbreak\r\ttab", 15, "\"line\\nbreak\\r\\ttab\""},
    {"\b\f", 2, "\"\\b\\f\""},
    {"\x01\x1f", 2, "\"\\u0001\\u001f\""},
    {"nul\0in", 6, "\"nul\\u0000in\""},
    {"\x7f", 1, "\"\x7f\""},
    {"caf\xc3\xa9 \xe2\x80\x99 \xf0\x9f\x98\x80", 14, "\"caf\xc3\xa9 \xe2\x80\x99 \xf0\x9f\x98\x80\""},
    {"bad \xff byte", 10, "\"bad \\ufffd byte\""},
    {"cut \xe2\x80", 6, "\"cut \\ufffd\\ufffd\""},
    {"overlong \xc0\xaf", 11, "\"overlong \\ufffd\\ufffd\""},
    {"surrogate \xed\xa0\x80", 13, "\"surrogate \\ufffd\\ufffd\\ufffd\""},
    {"</script>", 9, "\"</script>\""},
};

static void test_json_quote_escapes(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(QUOTE) / sizeof(QUOTE[0]); i++) {
        struct safer_buf b;
        safer_buf_init(&b, 1024);
        safer__json_quote(&b, QUOTE[i].in, QUOTE[i].len);
        assert_int_equal(safer_buf_error(&b), 0);
        if (strcmp(b.ptr, QUOTE[i].out) != 0)
            fail_msg("case %zu: got %s, want %s", i, b.ptr, QUOTE[i].out);
        safer_buf_release(&b);
    }
}

/* Every byte value in keys and values still gives JSON a parser reads back
 * to the same text (where it was UTF-8). */
static void test_jobj_is_valid_json(void **state)
{
    (void)state;
    char all[256];
    for (int i = 0; i < 255; i++)
        all[i] = (char)(i + 1);
    all[255] = '\0';
    struct safer__jobj o;
    safer__jobj_init(&o);
    safer__jobj_str(&o, "all\"bytes\n", all);
    safer__jobj_str(&o, "note", "Hello \"world\"\n\\ \xe2\x80\x98quoted\xe2\x80\x99");
    char *s;
    assert_int_equal(safer__jobj_finish(&o, &s, NULL), 0);
    json_error_t je;
    json_t *j = json_loads(s, 0, &je);
    if (!j)
        fail_msg("not JSON: %s: %s", je.text, s);
    assert_true(json_is_object(j));
    assert_int_equal(json_object_size(j), 2);
    assert_string_equal(json_string_value(json_object_get(j, "note")),
                        "Hello \"world\"\n\\ \xe2\x80\x98quoted\xe2\x80\x99");
    const char *a = json_string_value(json_object_get(j, "all\"bytes\n"));
    assert_non_null(a);
    /* The ASCII part reads back exactly. */
    assert_memory_equal(a, all, 127);
    json_decref(j);
    free(s);
}

static void test_jobj_too_big(void **state)
{
    (void)state;
    size_t n = SAFER__JOBJ_MAX;
    char *big = malloc(n + 1);
    assert_non_null(big);
    memset(big, 'x', n);
    big[n] = '\0';
    struct safer__jobj o;
    safer__jobj_init(&o);
    safer__jobj_str(&o, "description", big);
    safer__jobj_int(&o, "progress", 1);
    char *s = (char *)1;
    struct safer_err err = {0};
    assert_int_equal(safer__jobj_finish(&o, &s, &err), SAFER_ETOOBIG);
    assert_null(s);
    assert_non_null(strstr(err.msg, "SAFER__JOBJ_MAX"));
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jobj_members_in_order),
        cmocka_unit_test(test_jobj_empty),
        cmocka_unit_test(test_json_quote_escapes),
        cmocka_unit_test(test_jobj_is_valid_json),
        cmocka_unit_test(test_jobj_too_big),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
