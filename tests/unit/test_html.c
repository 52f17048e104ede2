/*
 * test_html.c - the HTML escapers: markup characters, ill-formed UTF-8,
 * control characters, attribute whitespace, percent-encoding and the
 * sticky buffer error.
 */
#include "util/compat.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "safer/buf.h"
#include "safer/html.h"

#define FFFD "\xEF\xBF\xBD"

struct esc_case {
    const char *in;
    size_t len;       /* bytes of `in` to escape (inputs may hold NULs) */
    const char *text; /* expected from safer_html_textn */
    const char *attr; /* expected from safer_html_attrn; NULL = same as text */
};

#define C(s) s, sizeof(s) - 1

static const struct esc_case cases[] = {
    {C(""), "", NULL},
    {C("Allington"), "Allington", NULL},
    {C("a & b"), "a &amp; b", NULL},
    {C("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;", NULL},
    {C("\"quoted\" 'single'"), "&quot;quoted&quot; &#39;single&#39;", NULL},
    {C("&amp;"), "&amp;amp;", NULL},
    {C("x\" onload=\"alert(1)"), "x&quot; onload=&quot;alert(1)", NULL},
    /* Valid multi-byte UTF-8 passes through: é, €, 𝄞, Welsh ŵ. */
    {C("caf\xC3\xA9 \xE2\x82\xAC" "5 \xF0\x9D\x84\x9E Tyw\xC5\xB5ydd"),
     "caf\xC3\xA9 \xE2\x82\xAC" "5 \xF0\x9D\x84\x9E Tyw\xC5\xB5ydd", NULL},
    {C("\xC2\xA9 Crown copyright"), "\xC2\xA9 Crown copyright", NULL},
    /* Whitespace: kept in text, encoded in attributes. */
    {C("a\tb\nc\rd"), "a\tb\nc\rd", "a&#9;b&#10;c&#13;d"},
    /* Control characters and NUL become U+FFFD. */
    {C("a\0b"), "a" FFFD "b", NULL},
    {C("\x01\x1F\x7F"), FFFD FFFD FFFD, NULL},
    {C("\xC2\x80\xC2\x9F"), FFFD FFFD, NULL},  /* C1 controls */
    {C("\xEF\xBF\xBE\xEF\xBF\xBF"), FFFD FFFD, NULL}, /* U+FFFE, U+FFFF */
    /* Ill-formed UTF-8: one U+FFFD per maximal subpart. */
    {C("\x80"), FFFD, NULL},                       /* lone continuation */
    {C("\xBF\x80"), FFFD FFFD, NULL},              /* two of them */
    {C("\xC0\xAF"), FFFD FFFD, NULL},              /* overlong '/' */
    {C("\xC1\xBF"), FFFD FFFD, NULL},
    {C("\xE0\x80\xAF"), FFFD FFFD FFFD, NULL},     /* overlong 3-byte */
    {C("\xED\xA0\x80"), FFFD FFFD FFFD, NULL},     /* surrogate U+D800 */
    {C("\xF0\x80\x80\xAF"), FFFD FFFD FFFD FFFD, NULL},
    {C("\xF4\x90\x80\x80"), FFFD FFFD FFFD FFFD, NULL}, /* above U+10FFFF */
    {C("\xF5\x80"), FFFD FFFD, NULL},
    {C("\xFF"), FFFD, NULL},
    {C("\xE2\x82"), FFFD, NULL},                   /* truncated at end */
    {C("\xE2\x82<"), FFFD "&lt;", NULL},           /* truncated before '<' */
    {C("\xF0\x9D\x84"), FFFD, NULL},
    {C("\xC3"), FFFD, NULL},
    {C("ok\xC3(\xA9)"), "ok" FFFD "(" FFFD ")", NULL},
    {C("\xF4\x8F\xBF\xBD"), "\xF4\x8F\xBF\xBD", NULL}, /* U+10FFFD is fine */
};

static void test_html_escape_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct esc_case *c = &cases[i];
        struct safer_buf b;

        safer_buf_init(&b, 1 << 16);
        safer_html_textn(&b, c->in, c->len);
        assert_int_equal(safer_buf_error(&b), 0);
        if (strcmp(b.ptr, c->text) != 0)
            fail_msg("case %zu text: got '%s' want '%s'", i, b.ptr, c->text);
        assert_int_equal(b.len, strlen(b.ptr)); /* invariant: no NUL inside */
        safer_buf_release(&b);

        const char *want = c->attr ? c->attr : c->text;
        safer_buf_init(&b, 1 << 16);
        safer_html_attrn(&b, c->in, c->len);
        if (strcmp(b.ptr, want) != 0)
            fail_msg("case %zu attr: got '%s' want '%s'", i, b.ptr, want);
        safer_buf_release(&b);
    }
}

static void test_html_text_and_attr_use_strlen(void **state)
{
    (void)state;
    struct safer_buf b;
    safer_buf_init(&b, 1024);
    safer_html_text(&b, "<b>");
    safer_html_attr(&b, "a\nb");
    safer_html_text(&b, NULL); /* writes nothing */
    safer_html_attr(&b, NULL);
    assert_string_equal(b.ptr, "&lt;b&gt;a&#10;b");
    safer_buf_release(&b);
}

static void test_html_raw_appends_literal(void **state)
{
    (void)state;
    struct safer_buf b;
    safer_buf_init(&b, 1024);
    safer_html_raw(&b, "<td class=\"num\">");
    safer_html_text(&b, "1 < 2");
    safer_html_raw(&b, "</td>");
    assert_string_equal(b.ptr, "<td class=\"num\">1 &lt; 2</td>");
    safer_buf_release(&b);
}

static void test_html_urlarg_percent_encodes(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } rows[] = {
        {"", ""},
        {"Maidstone-East_1.2~x", "Maidstone-East_1.2~x"},
        {"a b&c=d", "a%20b%26c%3Dd"},
        {"\"<'>", "%22%3C%27%3E"},
        {"caf\xC3\xA9", "caf%C3%A9"},
        {"x\xFFy", "x%EF%BF%BDy"},
        {"/?#%+", "%2F%3F%23%25%2B"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct safer_buf b;
        safer_buf_init(&b, 1024);
        safer_html_urlarg(&b, rows[i].in);
        assert_string_equal(b.ptr, rows[i].out);
        safer_buf_release(&b);
    }
}

static void test_html_escape_respects_buffer_cap(void **state)
{
    (void)state;
    struct safer_buf b;
    safer_buf_init(&b, 12);
    safer_html_text(&b, "<<<<"); /* 16 bytes of output: over the cap */
    assert_int_equal(safer_buf_error(&b), SAFER_ETOOBIG);
    assert_true(b.len <= 12);
    size_t len = b.len;
    safer_html_text(&b, "x"); /* sticky: ignored */
    assert_int_equal(b.len, len);
    safer_buf_release(&b);
}

static void test_html_long_input_single_runs(void **state)
{
    (void)state;
    /* 10 000 bytes with a markup character every 100: exercises run splits. */
    char in[10000];
    for (size_t i = 0; i < sizeof(in); i++)
        in[i] = (i % 100 == 99) ? '<' : 'a';
    struct safer_buf b;
    safer_buf_init(&b, 1 << 20);
    safer_html_textn(&b, in, sizeof(in));
    assert_int_equal(safer_buf_error(&b), 0);
    assert_int_equal(b.len, 9900 + 100 * 4);
    assert_memory_equal(b.ptr + 99, "&lt;", 4);
    safer_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_html_escape_table),
        cmocka_unit_test(test_html_text_and_attr_use_strlen),
        cmocka_unit_test(test_html_raw_appends_literal),
        cmocka_unit_test(test_html_urlarg_percent_encodes),
        cmocka_unit_test(test_html_escape_respects_buffer_cap),
        cmocka_unit_test(test_html_long_input_single_runs),
    };
    return cmocka_run_group_tests_name("html", tests, NULL, NULL);
}
