/*
 * test_web.c - the server's pure parts, compiled from web/: the route
 * table's checks and matching (web/router.c), percent-decoding, forms,
 * cookies and the form Content-Type (web/request.c), and the JSON string
 * escaper (web/json.c). The server itself is tested over HTTP
 * (tests/http/).
 */
#include "util/compat.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "json.h"
#include "request.h"
#include "router.h"

/* The router's table lives in web/routes.c, which names every page: the
 * tests bring their own. */
const struct web_route web_routes[] = {{"GET", "/", 1, NULL, 0}};
const size_t web_nroutes = 1;

static int h1(struct web_req *req, struct web_resp *resp)
{
    (void)req;
    (void)resp;
    return 0;
}
static int h2(struct web_req *req, struct web_resp *resp)
{
    (void)req;
    (void)resp;
    return 1;
}

#define PUB WEB_NEED(SAFER_PERM_VIEW_PUBLIC)
static const struct web_route table[] = {
    {"GET", "/", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), h1, 0},
    {"GET", "/health", PUB, h1, 0},
    {"GET", "/assets/*", PUB, h2, 0},
    {"GET", "/public/{code}", PUB, h2, 0},
    {"GET", "/sign-in", PUB, h1, 0},
    {"POST", "/sign-in", PUB, h2, 0},
    {"POST", "/sign-out", WEB_NEED(SAFER_PERM_OWN_ACCOUNT), h1, 0},
};
#define NTABLE (sizeof(table) / sizeof(table[0]))

static void test_routes_check_accepts_a_good_table(void **state)
{
    (void)state;
    struct safer_err err = {0};
    assert_int_equal(web_routes_check(table, NTABLE, &err), 0);
}

static void test_routes_check_refuses_a_route_without_a_permission(void **state)
{
    (void)state;
    static const struct {
        struct web_route r;
        const char *msg;
    } bad[] = {
        {{"GET", "/x", 0, h1, 0}, "route 'GET /x' declares no permission"},
        {{"GET", "/x", WEB_NEED(SAFER_PERM_COUNT), h1, 0}, "declares no permission"},
        {{"GET", "/x", -5, h1, 0}, "declares no permission"},
        {{"PUT", "/x", PUB, h1, 0}, "method other than GET or POST"},
        {{NULL, "/x", PUB, h1, 0}, "method other than GET or POST"},
        {{"GET", "x", PUB, h1, 0}, "malformed path pattern"},
        {{"GET", "/a/*/b", PUB, h1, 0}, "malformed path pattern"},
        {{"GET", "/a*", PUB, h1, 0}, "malformed path pattern"},
        {{"GET", "/{a}/b", PUB, h1, 0}, "malformed path pattern"},
        {{"GET", "/{}", PUB, h1, 0}, "malformed path pattern"},
        {{"GET", "/a}", PUB, h1, 0}, "malformed path pattern"},
        {{"GET", "/x", PUB, NULL, 0}, "has no handler"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct safer_err err = {0};
        assert_int_equal(web_routes_check(&bad[i].r, 1, &err), SAFER_EINVAL);
        if (!strstr(err.msg, bad[i].msg))
            fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, bad[i].msg);
    }
    /* A route declared twice. */
    struct web_route two[] = {table[1], table[1]};
    struct safer_err err = {0};
    assert_int_equal(web_routes_check(two, 2, &err), SAFER_EINVAL);
    assert_non_null(strstr(err.msg, "declared twice"));
}

/* A route written without its permission is refused: the field that holds
 * it is 0 when left out. */
static void test_routes_check_refuses_a_route_that_omits_the_field(void **state)
{
    (void)state;
    static const struct web_route omitted[] = {{.method = "GET", .pattern = "/x", .fn = h1}};
    struct safer_err err = {0};
    assert_int_equal(web_routes_check(omitted, 1, &err), SAFER_EINVAL);
}

static void test_route_find(void **state)
{
    (void)state;
    static const struct {
        const char *method, *path;
        int status;
        int index;       /* of the route found, or -1 */
        const char *arg; /* or NULL */
        const char *allow;
    } cases[] = {
        {"GET", "/", 200, 0, NULL, NULL},
        {"HEAD", "/", 200, 0, NULL, NULL},
        {"GET", "/health", 200, 1, NULL, NULL},
        {"GET", "/health/", 404, -1, NULL, NULL},
        {"GET", "/Health", 404, -1, NULL, NULL},
        {"GET", "//health", 404, -1, NULL, NULL},
        {"POST", "/health", 405, -1, NULL, "GET, HEAD"},
        {"TRACE", "/health", 405, -1, NULL, "GET, HEAD"},
        {"GET", "/assets/safer.css", 200, 2, "safer.css", NULL},
        {"GET", "/assets/fonts/a.woff2", 200, 2, "fonts/a.woff2", NULL},
        {"GET", "/assets/", 404, -1, NULL, NULL},
        {"GET", "/assets", 404, -1, NULL, NULL},
        {"GET", "/public/E22000142", 200, 3, "E22000142", NULL},
        {"GET", "/public/", 404, -1, NULL, NULL},
        {"GET", "/public/a/b", 404, -1, NULL, NULL},
        {"GET", "/sign-in", 200, 4, NULL, NULL},
        {"POST", "/sign-in", 200, 5, NULL, NULL},
        {"PUT", "/sign-in", 405, -1, NULL, "GET, HEAD, POST"},
        {"GET", "/sign-out", 405, -1, NULL, "POST"},
        {"GET", "/nope", 404, -1, NULL, NULL},
        {"GET", "", 404, -1, NULL, NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *arg;
        size_t arglen;
        int status = 0;
        char allow[32] = "";
        const struct web_route *r = web_route_find(table, NTABLE, cases[i].method, cases[i].path,
                                                   &arg, &arglen, &status, allow, sizeof(allow));
        if (status != cases[i].status)
            fail_msg("case %zu (%s %s): status %d", i, cases[i].method, cases[i].path, status);
        if (cases[i].index < 0) {
            assert_null(r);
        } else {
            assert_ptr_equal(r, &table[cases[i].index]);
        }
        if (cases[i].arg) {
            assert_non_null(arg);
            assert_int_equal(arglen, strlen(cases[i].arg));
            assert_memory_equal(arg, cases[i].arg, arglen);
        } else {
            assert_null(arg);
        }
        if (cases[i].allow)
            assert_string_equal(allow, cases[i].allow);
    }
}

static void test_decode(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        int plus;
        int rc;
        const char *out;
    } cases[] = {
        {"abc", 0, 0, "abc"},
        {"", 0, 0, ""},
        {"a%20b", 0, 0, "a b"},
        {"a+b", 1, 0, "a b"},
        {"a+b", 0, 0, "a+b"},
        {"%2e%2E", 0, 0, ".."},
        {"%C3%A9", 0, 0, "\xc3\xa9"},
        {"\xc3\xa9", 0, 0, "\xc3\xa9"},
        {"%", 0, SAFER_EPARSE, NULL},
        {"%4", 0, SAFER_EPARSE, NULL},
        {"%zz", 0, SAFER_EPARSE, NULL},
        {"%G0", 0, SAFER_EPARSE, NULL},
        {"a%00b", 0, SAFER_EPARSE, NULL},
        {"%01", 0, SAFER_EPARSE, NULL},
        {"%7f", 0, SAFER_EPARSE, NULL},
        {"%0a%09%0d", 0, 0, "\n\t\r"},
        {"%C0%AF", 0, SAFER_EPARSE, NULL},       /* overlong '/' */
        {"%ED%A0%80", 0, SAFER_EPARSE, NULL},    /* a surrogate */
        {"%F4%90%80%80", 0, SAFER_EPARSE, NULL}, /* past U+10FFFF */
        {"%ff", 0, SAFER_EPARSE, NULL},
        {"%C3", 0, SAFER_EPARSE, NULL},          /* truncated */
        {"\x01", 0, SAFER_EPARSE, NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct safer_arena a = SAFER_ARENA_INIT;
        char *out = NULL;
        size_t len = 0;
        int rc = web_decode(&a, cases[i].in, strlen(cases[i].in), cases[i].plus, 100, &out, &len);
        if (rc != cases[i].rc)
            fail_msg("case %zu ('%s'): rc %d", i, cases[i].in, rc);
        if (cases[i].out) {
            assert_string_equal(out, cases[i].out);
            assert_int_equal(len, strlen(cases[i].out));
        }
        safer_arena_release(&a);
    }
    /* The cap is on decoded bytes. */
    struct safer_arena a = SAFER_ARENA_INIT;
    char *out;
    assert_int_equal(web_decode(&a, "%41%41%41", 9, false, 3, &out, NULL), 0);
    assert_int_equal(web_decode(&a, "%41%41%41%41", 12, false, 3, &out, NULL), SAFER_ETOOBIG);
    safer_arena_release(&a);
}

static void test_params_parse(void **state)
{
    (void)state;
    struct safer_arena a = SAFER_ARENA_INIT;
    struct web_params ps;
    const char *q = "email=a%40b.c&password=p+w%26&&code=&flag&email=second";
    assert_int_equal(web_params_parse(&a, q, strlen(q), &ps), 0);
    assert_int_equal(ps.n, 5);
    assert_string_equal(web_param(&ps, "email"), "a@b.c");
    assert_string_equal(web_param(&ps, "password"), "p w&");
    assert_string_equal(web_param(&ps, "code"), "");
    assert_string_equal(web_param(&ps, "flag"), "");
    assert_null(web_param(&ps, "nope"));
    assert_int_equal(web_param_count(&ps, "email"), 2);
    assert_int_equal(web_params_parse(&a, "", 0, &ps), 0);
    assert_int_equal(ps.n, 0);
    assert_int_equal(web_params_parse(&a, "a=%zz", 5, &ps), SAFER_EPARSE);
    assert_int_equal(web_params_parse(&a, "a%00=1", 6, &ps), SAFER_EPARSE);
    /* Too many parameters, and one too long. */
    char many[(WEB_LIMIT_PARAMS + 1) * 4];
    for (int i = 0; i <= WEB_LIMIT_PARAMS; i++)
        memcpy(many + 4 * i, "a=1&", 4);
    assert_int_equal(web_params_parse(&a, many, sizeof(many), &ps), SAFER_ETOOBIG);
    assert_int_equal(web_params_parse(&a, many, sizeof(many) - 4, &ps), 0);
    assert_int_equal(ps.n, WEB_LIMIT_PARAMS);
    size_t n = WEB_LIMIT_PARAM + 3;
    char *big = malloc(n);
    assert_non_null(big);
    memcpy(big, "a=", 2);
    memset(big + 2, 'x', n - 2);
    assert_int_equal(web_params_parse(&a, big, n, &ps), SAFER_ETOOBIG);
    free(big);
    safer_arena_release(&a);
}

static void test_cookie_get(void **state)
{
    (void)state;
    struct safer_arena a = SAFER_ARENA_INIT;
    static const struct {
        const char *header, *name, *want;
    } cases[] = {
        {"safer-session=0a1b", "safer-session", "0a1b"},
        {"x=1; safer-session=0a1b; y=2", "safer-session", "0a1b"},
        {"x=1;safer-session=0a1b ", "safer-session", "0a1b"},
        {"safer-session=0a1b; safer-session=0a1c", "safer-session", NULL}, /* two: neither */
        {"safer-session=", "safer-session", NULL},
        {"safer-session=0A1B", "safer-session", NULL}, /* not our hex */
        {"safer-session=0a;b", "safer-session", "0a"},
        {"xsafer-session=0a1b", "safer-session", NULL},
        {"safer-session-x=0a1b", "safer-session", NULL},
        {"", "safer-session", NULL},
        {NULL, "safer-session", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *got = web_cookie_get(&a, cases[i].header, cases[i].name);
        if (cases[i].want ? !got || strcmp(got, cases[i].want) != 0 : got != NULL)
            fail_msg("case %zu: '%s'", i, got ? got : "(null)");
    }
    safer_arena_release(&a);
}

static void test_is_form_type(void **state)
{
    (void)state;
    assert_true(web_is_form_type("application/x-www-form-urlencoded"));
    assert_true(web_is_form_type("Application/X-WWW-Form-Urlencoded"));
    assert_true(web_is_form_type("application/x-www-form-urlencoded; charset=UTF-8"));
    assert_true(web_is_form_type("application/x-www-form-urlencoded;charset=utf-8"));
    assert_false(web_is_form_type("application/x-www-form-urlencoded; charset=latin1"));
    assert_false(web_is_form_type("application/x-www-form-urlencodedx"));
    assert_false(web_is_form_type("application/json"));
    assert_false(web_is_form_type("multipart/form-data; boundary=x"));
    assert_false(web_is_form_type("text/plain"));
    assert_false(web_is_form_type(""));
    assert_false(web_is_form_type(NULL));
}

static void test_json_escapes_strings(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        size_t n; /* 0: strlen */
        const char *out;
    } cases[] = {
        {"plain", 0, "\"plain\""},
        {"", 0, "\"\""},
        {"a\"b\\c", 0, "\"a\\\"b\\\\c\""},
        {"line\nnext\ttab\rret", 0, "\"line\\nnext\\ttab\\rret\""},
        {"\x01\x1f\x7f", 0, "\"\\u0001\\u001f\x7f\""},
        {"</script><!--&", 0, "\"\\u003c/script\\u003e\\u003c!--\\u0026\""},
        {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 0, "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\""},
        {"\xe2\x80\xa8\xe2\x80\xa9", 0, "\"\\u2028\\u2029\""},
        {"a\xff" "b", 0, "\"a\\ufffdb\""},
        {"\xc0\xaf", 0, "\"\\ufffd\\ufffd\""},
        {"\xed\xa0\x80", 0, "\"\\ufffd\\ufffd\\ufffd\""},
        {"\xc3", 0, "\"\\ufffd\""},
        {"a\0b", 3, "\"a\\u0000b\""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct safer_buf b;
        safer_buf_init(&b, 1000);
        web_json_strn(&b, cases[i].in, cases[i].n ? cases[i].n : strlen(cases[i].in));
        assert_int_equal(safer_buf_error(&b), 0);
        if (strcmp(b.ptr, cases[i].out) != 0)
            fail_msg("case %zu: %s, not %s", i, b.ptr, cases[i].out);
        safer_buf_release(&b);
    }
    struct safer_buf b;
    safer_buf_init(&b, 1000);
    safer_buf_puts(&b, "{");
    web_json_key(&b, "k\"");
    web_json_str(&b, NULL);
    safer_buf_puts(&b, ",");
    web_json_key(&b, "n");
    web_json_int(&b, -9007199254740993LL);
    safer_buf_puts(&b, ",");
    web_json_key(&b, "t");
    web_json_bool(&b, true);
    safer_buf_puts(&b, "}");
    assert_string_equal(b.ptr, "{\"k\\\"\":null,\"n\":-9007199254740993,\"t\":true}");
    safer_buf_release(&b);
    /* The cap holds: the first failure sticks. */
    safer_buf_init(&b, 4);
    web_json_str(&b, "longer than four");
    assert_int_equal(safer_buf_error(&b), SAFER_ETOOBIG);
    safer_buf_release(&b);
}

/* The fuzzer's seeds (fuzz/corpus/request/), replayed without a fuzzer:
 * each parses or is refused, and what parses is clean. */
static void test_request_corpus(void **state)
{
    (void)state;
    DIR *d = opendir(SAFER_FUZZ_CORPUS "/request");
    assert_non_null(d);
    struct dirent *e;
    size_t files = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof(path), "%s/request/%s", SAFER_FUZZ_CORPUS, e->d_name);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        char buf[8192];
        size_t n = fread(buf, 1, sizeof(buf), f);
        fclose(f);
        struct safer_arena a = SAFER_ARENA_INIT;
        struct web_params ps;
        if (web_params_parse(&a, buf, n, &ps) == 0) {
            for (size_t i = 0; i < ps.n; i++)
                assert_true(web_utf8_valid(ps.v[i].value, strlen(ps.v[i].value)));
        }
        char *out;
        size_t len;
        if (web_decode(&a, buf, n, false, WEB_LIMIT_PATH, &out, &len) == 0)
            assert_true(len <= n && web_utf8_valid(out, len));
        safer_arena_release(&a);
        files++;
    }
    closedir(d);
    assert_true(files >= 5);
}

/* The client's address: the peer's, and the forwarded one only behind the
 * proxy and only from a loopback peer (docs/deploy.md, The TLS front). */
static void client(const char *peer, const char *xff, bool behind, const char *want)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    if (strchr(peer, ':')) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        assert_int_equal(inet_pton(AF_INET6, peer, &a->sin6_addr), 1);
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        assert_int_equal(inet_pton(AF_INET, peer, &a->sin_addr), 1);
    }
    char out[WEB_CLIENT_ADDR_SIZE];
    web_client_addr((const struct sockaddr *)&ss, xff, behind, out);
    if (strcmp(out, want) != 0)
        fail_msg("peer %s, X-Forwarded-For '%s', %s: '%s', expected '%s'", peer,
                 xff ? xff : "(none)", behind ? "behind the proxy" : "alone", out, want);
}

static void test_client_addr(void **state)
{
    (void)state;
    /* Alone: the peer, whatever the header says. */
    client("127.0.0.1", "203.0.113.5", false, "127.0.0.1");
    client("192.0.2.10", NULL, false, "192.0.2.10");
    /* Behind the proxy, from loopback: the address the proxy wrote. */
    client("127.0.0.1", "203.0.113.5", true, "203.0.113.5");
    client("127.0.0.1", " 198.51.100.1 , 203.0.113.5 ", true, "203.0.113.5");
    client("127.9.8.7", "2001:DB8::1", true, "2001:db8::1");
    client("::1", "203.0.113.5", true, "203.0.113.5");
    client("::ffff:127.0.0.1", "203.0.113.5", true, "203.0.113.5");
    /* Behind the proxy, from any other peer: the header is not believed. */
    client("192.0.2.10", "203.0.113.5", true, "192.0.2.10");
    client("10.0.0.1", "127.0.0.1", true, "10.0.0.1");
    client("::ffff:192.0.2.10", "203.0.113.5", true, "::ffff:192.0.2.10");
    client("2001:db8::2", "203.0.113.5", true, "2001:db8::2");
    /* A header that is not an address: the peer. */
    client("127.0.0.1", "", true, "127.0.0.1");
    client("127.0.0.1", "evil\n2026-01-01T00:00:00Z 1.2.3.4 GET /", true, "127.0.0.1");
    client("127.0.0.1", "203.0.113.5, unknown", true, "127.0.0.1");
    client("127.0.0.1", "203.0.113.256", true, "127.0.0.1");
    client("127.0.0.1", "1111:2222:3333:4444:5555:6666:7777:8888:9999", true, "127.0.0.1");
    /* No peer, or another family. */
    char out[WEB_CLIENT_ADDR_SIZE];
    web_client_addr(NULL, "203.0.113.5", true, out);
    assert_string_equal(out, "-");
    struct sockaddr un = {.sa_family = AF_UNIX};
    web_client_addr(&un, "203.0.113.5", true, out);
    assert_string_equal(out, "-");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_routes_check_accepts_a_good_table),
        cmocka_unit_test(test_routes_check_refuses_a_route_without_a_permission),
        cmocka_unit_test(test_routes_check_refuses_a_route_that_omits_the_field),
        cmocka_unit_test(test_route_find),
        cmocka_unit_test(test_decode),
        cmocka_unit_test(test_params_parse),
        cmocka_unit_test(test_cookie_get),
        cmocka_unit_test(test_is_form_type),
        cmocka_unit_test(test_json_escapes_strings),
        cmocka_unit_test(test_request_corpus),
        cmocka_unit_test(test_client_addr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
