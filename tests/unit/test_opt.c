/*
 * test_opt.c - the command's option parser (cli/opt.c): GNU-style options
 * from a table, and the help made from it.
 */
#include "util/compat.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "opt.h"

enum { O_OUT, O_TO, O_TITLE, O_STRICT, O_CELL };
static const struct cli_opt opts[] = {
    [O_OUT] = {"out", "DIR", "folder to write"},
    [O_TO] = {"to", "YYYY-MM", "latest month"},
    [O_TITLE] = {"title", "TEXT", "the title,\non two lines"},
    [O_STRICT] = {"strict", NULL, "stop at the first bad row"},
    [O_CELL] = {"cell", "M", "cell size"},
    {NULL, NULL, NULL},
};
static const struct cli_spec spec = {
    "usage: safer thing [--out DIR] ARG...\n", "Does a thing.\n", opts, 0, 0, -1, NULL};

#define MAX_ARGV 8

static const struct {
    const char *argv[MAX_ARGV]; /* after "thing", NULL-terminated */
    int rc;
    const char *out, *to, *title, *cell; /* NULL: not given */
    int strict;
    const char *args; /* the arguments joined by '|' */
    const char *msg;  /* what a usage error says */
} cases[] = {
    {{NULL}, CLI_OPT_OK, NULL, NULL, NULL, NULL, 0, "", NULL},
    {{"--out", "r"}, CLI_OPT_OK, "r", NULL, NULL, NULL, 0, "", NULL},
    {{"--out=r"}, CLI_OPT_OK, "r", NULL, NULL, NULL, 0, "", NULL},
    {{"--out="}, CLI_OPT_OK, "", NULL, NULL, NULL, 0, "", NULL},
    {{"--out=a=b"}, CLI_OPT_OK, "a=b", NULL, NULL, NULL, 0, "", NULL},
    /* Options after arguments, and arguments kept in order. */
    {{"FILE", "--strict"}, CLI_OPT_OK, NULL, NULL, NULL, NULL, 1, "FILE", NULL},
    {{"a", "--out", "r", "b", "--strict", "c"}, CLI_OPT_OK, "r", NULL, NULL, NULL, 1, "a|b|c", NULL},
    /* "--" ends the options; "-" is an argument. */
    {{"--", "--out", "-x"}, CLI_OPT_OK, NULL, NULL, NULL, NULL, 0, "--out|-x", NULL},
    {{"a", "--", "--strict"}, CLI_OPT_OK, NULL, NULL, NULL, NULL, 0, "a|--strict", NULL},
    {{"-", "--out", "-"}, CLI_OPT_OK, "-", NULL, NULL, NULL, 0, "-", NULL},
    /* A value is the next word whatever it looks like. */
    {{"--out", "--strict"}, CLI_OPT_OK, "--strict", NULL, NULL, NULL, 0, "", NULL},
    {{"--cell", "-5"}, CLI_OPT_OK, NULL, NULL, NULL, "-5", 0, "", NULL},
    /* The last one given wins. */
    {{"--to", "2019-01", "--to=2019-02"}, CLI_OPT_OK, NULL, "2019-02", NULL, NULL, 0, "", NULL},
    /* Unambiguous prefixes. */
    {{"--ou", "r", "--ti", "T", "--s"}, CLI_OPT_OK, "r", NULL, "T", NULL, 1, "", NULL},
    {{"--t", "x"}, CLI_OPT_USAGE, NULL, NULL, NULL, NULL, 0, "", "option '--t' is ambiguous"},
    /* Help, however asked for. */
    {{"--help"}, CLI_OPT_HELP, NULL, NULL, NULL, NULL, 0, "", NULL},
    {{"x", "-h"}, CLI_OPT_HELP, NULL, NULL, NULL, NULL, 0, "", NULL},
    {{"--he"}, CLI_OPT_HELP, NULL, NULL, NULL, NULL, 0, "", NULL},
    {{"--", "--help"}, CLI_OPT_OK, NULL, NULL, NULL, NULL, 0, "--help", NULL},
    /* Usage errors. */
    {{"--nope"}, CLI_OPT_USAGE, NULL, NULL, NULL, NULL, 0, "", "unknown option '--nope'"},
    {{"--nope=1"}, CLI_OPT_USAGE, NULL, NULL, NULL, NULL, 0, "", "unknown option '--nope'"},
    {{"-x"}, CLI_OPT_USAGE, NULL, NULL, NULL, NULL, 0, "", "unknown option '-x'"},
    {{"--=x"}, CLI_OPT_USAGE, NULL, NULL, NULL, NULL, 0, "", "unknown option '--=x'"},
    {{"a", "--out"}, CLI_OPT_USAGE, NULL, NULL, NULL, NULL, 0, "", "option '--out' needs a value (DIR)"},
    {{"--strict=yes"}, CLI_OPT_USAGE, NULL, NULL, NULL, NULL, 0, "", "option '--strict' takes no value"},
    {{"--help=1"}, CLI_OPT_USAGE, NULL, NULL, NULL, NULL, 0, "", "option '--help' takes no value"},
};

/* Copy NULL-terminated `words` into `argv` (the parser reorders it); returns argc. */
static int fill(char **argv, const char *const *words)
{
    int n = 0;
    for (; words[n]; n++)
        argv[n] = (char *)words[n];
    argv[n] = NULL;
    return n;
}

static void check_val(const char *got, const char *want, size_t i)
{
    if (!want) {
        if (got)
            fail_msg("case %zu: got '%s', expected nothing", i, got);
        return;
    }
    if (!got || strcmp(got, want) != 0)
        fail_msg("case %zu: got '%s', expected '%s'", i, got ? got : "(none)", want);
}

static void test_opt_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *argv[MAX_ARGV + 2] = {(char *)"thing"};
        int argc = 1 + fill(argv + 1, cases[i].argv);
        struct cli_args a;
        int rc = cli_opt_parse(&spec, argc, argv, &a);
        if (rc != cases[i].rc)
            fail_msg("case %zu: returned %d, expected %d (%s)", i, rc, cases[i].rc, a.msg);
        if (rc == CLI_OPT_USAGE) {
            if (!strstr(a.msg, cases[i].msg))
                fail_msg("case %zu: said '%s', expected '%s'", i, a.msg, cases[i].msg);
            continue;
        }
        if (rc == CLI_OPT_HELP)
            continue;
        check_val(a.val[O_OUT], cases[i].out, i);
        check_val(a.val[O_TO], cases[i].to, i);
        check_val(a.val[O_TITLE], cases[i].title, i);
        check_val(a.val[O_CELL], cases[i].cell, i);
        check_val(a.val[O_STRICT], cases[i].strict ? "" : NULL, i);
        char joined[200] = "";
        for (int k = 0; k < a.nargs; k++)
            snprintf(joined + strlen(joined), sizeof(joined) - strlen(joined), "%s%s",
                     k ? "|" : "", a.args[k]);
        if (strcmp(joined, cases[i].args) != 0)
            fail_msg("case %zu: arguments '%s', expected '%s'", i, joined, cases[i].args);
        assert_ptr_equal(a.args, argv + 1);
    }
}

/* Global options come before the command; the rest is the command's. */
static void test_opt_stops_at_the_command(void **state)
{
    (void)state;
    static const struct cli_opt gopts[] = {{"db", "PATH", "the store"}, {NULL, NULL, NULL}};
    static const struct cli_spec global = {"usage: safer [--db PATH] COMMAND\n", NULL, gopts, 1,
                                           0, -1, NULL};
    static const char *const w1[] = {"safer", "--db", "x.db", "assess", "--out",
                                     "r",     "--",   "--db", NULL};
    static const char *const w2[] = {"safer", "--db=y.db", "import", "--help", NULL};
    static const char *const w3[] = {"safer", "assess", "--db", "z", NULL};
    static const char *const w4[] = {"safer", "--db", NULL};
    char *argv[10];
    struct cli_args a;
    assert_int_equal(cli_opt_parse(&global, fill(argv, w1), argv, &a), CLI_OPT_OK);
    assert_string_equal(a.val[0], "x.db");
    assert_int_equal(a.nargs, 5);
    assert_string_equal(a.args[0], "assess");
    assert_string_equal(a.args[1], "--out");
    assert_string_equal(a.args[3], "--");
    assert_string_equal(a.args[4], "--db");

    assert_int_equal(cli_opt_parse(&global, fill(argv, w2), argv, &a), CLI_OPT_OK);
    assert_string_equal(a.val[0], "y.db");
    assert_int_equal(a.nargs, 2);
    assert_string_equal(a.args[1], "--help");

    assert_int_equal(cli_opt_parse(&global, fill(argv, w3), argv, &a), CLI_OPT_OK);
    assert_null(a.val[0]);
    assert_int_equal(a.nargs, 3);

    assert_int_equal(cli_opt_parse(&global, fill(argv, w4), argv, &a), CLI_OPT_USAGE);
    assert_string_equal(a.msg, "option '--db' needs a value (PATH)");
}

/* cli_parse() checks the number of arguments (and says why on stderr). */
static void test_opt_counts_arguments(void **state)
{
    (void)state;
    static const struct cli_spec one = {"usage: one FILE\n", NULL, opts, 0, 1, 1, "one needs a file"};
    static const struct cli_spec none = {"usage: none\n", NULL, opts, 0, 0, 0, NULL};
    static const struct cli_spec many = {"usage: many FILE...\n", NULL, opts, 0, 1, -1, "many"};
    static const char *const w0[] = {"x", "--strict", NULL};
    static const char *const w1[] = {"x", "a", NULL};
    static const char *const w2[] = {"x", "a", "--strict", "b", NULL};
    static const struct {
        const struct cli_spec *spec;
        const char *const *words;
        int status;
    } counts[] = {
        {&one, w0, 2}, {&one, w1, -1},  {&one, w2, 2},   {&none, w0, -1}, {&none, w1, 2},
        {&many, w0, 2}, {&many, w1, -1}, {&many, w2, -1},
    };
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
        char *argv[8];
        struct cli_args a;
        int status = cli_parse(counts[i].spec, fill(argv, counts[i].words), argv, &a);
        if (status != counts[i].status)
            fail_msg("case %zu: status %d, expected %d", i, status, counts[i].status);
    }
}

static void test_opt_help_comes_from_the_table(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    cli_opt_help(&spec, f);
    fclose(f);
    assert_string_equal(text, "usage: safer thing [--out DIR] ARG...\n"
                              "\n"
                              "Does a thing.\n"
                              "\n"
                              "options:\n"
                              "  --out DIR     folder to write\n"
                              "  --to YYYY-MM  latest month\n"
                              "  --title TEXT  the title,\n"
                              "                on two lines\n"
                              "  --strict      stop at the first bad row\n"
                              "  --cell M      cell size\n"
                              "  --help        show this help\n");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_opt_cases),
        cmocka_unit_test(test_opt_stops_at_the_command),
        cmocka_unit_test(test_opt_counts_arguments),
        cmocka_unit_test(test_opt_help_comes_from_the_table),
    };
    return cmocka_run_group_tests_name("opt", tests, NULL, NULL);
}
