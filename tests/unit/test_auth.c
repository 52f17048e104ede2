/*
 * test_auth.c - the pure parts of access (lib/auth/): the role table as
 * docs/workspace.md prints it; TOTP against RFC 6238's test vectors, its
 * window and its refusal of a used step; base32; tokens; the password
 * policy as a table of cases; argon2id's parameters, salts, the dummy
 * verification and the bound on hashes at once.
 */
#include "util/compat.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "safer/auth.h"

#ifndef SAFER_DOCS
#define SAFER_DOCS SAFER_TEST_DATA "/../../docs"
#endif

/* ---- roles ---- */

/* The table of docs/workspace.md, one row a role: the permissions in the
 * order of enum safer_perm, 'x' for may. */
static const char *const TABLE[SAFER_ROLE_COUNT] = {
    /*                        pub agg plan uns own upd edit mng aud acct ind */
    [SAFER_ROLE_PUBLIC] = "x..........",
    [SAFER_ROLE_MEMBER] = "xx.......x.",
    [SAFER_ROLE_EXECUTIVE] = "xxx......x.",
    [SAFER_ROLE_PRACTITIONER] = "xxx.x....x.",
    [SAFER_ROLE_ANALYST] = "xxxx.....xx",
    [SAFER_ROLE_COORDINATOR] = "xxxxxxx..xx",
    [SAFER_ROLE_ADMINISTRATOR] = "xxxxxxxxxxx",
};

static void test_auth_role_table(void **state)
{
    (void)state;
    for (int r = 0; r < SAFER_ROLE_COUNT; r++) {
        assert_int_equal(strlen(TABLE[r]), SAFER_PERM_COUNT);
        for (int p = 0; p < SAFER_PERM_COUNT; p++) {
            if (safer_role_may((enum safer_role)r, (enum safer_perm)p) != (TABLE[r][p] == 'x'))
                fail_msg("%s may %s: expected %s", safer_role_name((enum safer_role)r),
                         safer_perm_name((enum safer_perm)p), TABLE[r][p] == 'x' ? "yes" : "no");
        }
    }
    /* Out of range is never allowed. */
    assert_false(safer_role_may(SAFER_ROLE_COUNT, SAFER_PERM_VIEW_PUBLIC));
    assert_false(safer_role_may(SAFER_ROLE_ADMINISTRATOR, SAFER_PERM_COUNT));
    assert_false(safer_role_may((enum safer_role)-1, SAFER_PERM_VIEW_PUBLIC));
}

static void test_auth_role_names(void **state)
{
    (void)state;
    for (int r = 0; r < SAFER_ROLE_COUNT; r++) {
        enum safer_role got;
        assert_int_equal(safer_role_parse(safer_role_name((enum safer_role)r), &got, NULL), 0);
        assert_int_equal(got, r);
    }
    assert_null(safer_role_name(SAFER_ROLE_COUNT));
    assert_null(safer_perm_name(SAFER_PERM_COUNT));
    assert_string_equal(safer_perm_name(SAFER_PERM_MANAGE_USERS), "manage-users");
    struct safer_err err = {0};
    enum safer_role got;
    assert_int_equal(safer_role_parse("admin", &got, &err), SAFER_EINVAL);
    assert_string_equal(err.msg, "unknown role 'admin' (the roles are: public, member, "
                                 "executive, practitioner, analyst, coordinator, administrator)");
}

/* The table in docs/workspace.md says the same as the code. */
static void test_auth_role_table_documented(void **state)
{
    (void)state;
    FILE *f = fopen(SAFER_DOCS "/workspace.md", "r");
    if (!f)
        fail_msg("cannot open %s", SAFER_DOCS "/workspace.md");
    char line[512];
    int rows = 0;
    while (fgets(line, sizeof(line), f)) {
        for (int r = 0; r < SAFER_ROLE_COUNT; r++) {
            char head[64];
            snprintf(head, sizeof(head), "| %s |", safer_role_name((enum safer_role)r));
            if (strncmp(line, head, strlen(head)) != 0)
                continue;
            /* The cells after the name: "yes" or "-" per permission. */
            const char *p = line + strlen(head);
            for (int k = 0; k < SAFER_PERM_COUNT; k++) {
                while (*p == ' ')
                    p++;
                bool yes = strncmp(p, "yes", 3) == 0;
                if (yes != safer_role_may((enum safer_role)r, (enum safer_perm)k))
                    fail_msg("docs/workspace.md: %s, %s says %s", safer_role_name(r),
                             safer_perm_name(k), yes ? "yes" : "no");
                p = strchr(p, '|');
                assert_non_null(p);
                p++;
            }
            rows++;
        }
    }
    fclose(f);
    assert_int_equal(rows, SAFER_ROLE_COUNT);
}

/* ---- TOTP ---- */

/* "12345678901234567890" in base32. */
static const char RFC_SECRET[] = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

static void test_auth_totp_rfc6238_vectors(void **state)
{
    (void)state;
    static const struct {
        int64_t t, code;
    } v[] = {
        {59, 94287082},         {1111111109, 7081804},  {1111111111, 14050471},
        {1234567890, 89005924}, {2000000000, 69279037}, {20000000000LL, 65353130},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
        assert_int_equal(safer_totp_code(RFC_SECRET, v[i].t / 30, 8), v[i].code);
    /* Six digits are the last six. */
    assert_int_equal(safer_totp_code(RFC_SECRET, 59 / 30, 6), 287082);
    /* Lower case and padding read the same; junk and other digit counts do not. */
    assert_int_equal(safer_totp_code("gezdgnbvgy3tqojqgezdgnbvgy3tqojq====", 1, 8), 94287082);
    assert_true(safer_totp_code("not base32!", 1, 6) < 0);
    assert_true(safer_totp_code(RFC_SECRET, 1, 7) < 0);
    assert_true(safer_totp_code("", 1, 6) < 0);
}

static void test_auth_totp_window_and_reuse(void **state)
{
    (void)state;
    char secret[SAFER_TOTP_SECRET_SIZE];
    safer_totp_secret_new(secret);
    assert_int_equal(strlen(secret), 32);
    int64_t now = 1700000000, step = now / 30;
    char code[16];
    for (int d = -2; d <= 2; d++) {
        snprintf(code, sizeof(code), "%06lld", (long long)safer_totp_code(secret, step + d, 6));
        int64_t got = safer_totp_match(secret, code, now, 0);
        if (d >= -1 && d <= 1)
            assert_int_equal(got, step + d);
        else
            assert_int_equal(got, 0);
    }
    /* A code works once: not at or before the last step used. */
    snprintf(code, sizeof(code), "%06lld", (long long)safer_totp_code(secret, step, 6));
    assert_int_equal(safer_totp_match(secret, code, now, step), 0);
    assert_int_equal(safer_totp_match(secret, code, now, step + 1), 0);
    assert_int_equal(safer_totp_match(secret, code, now, step - 1), step);
    /* As an app shows it, with a space in the middle. */
    char spaced[16];
    snprintf(spaced, sizeof(spaced), " %.3s %.3s ", code, code + 3);
    assert_int_equal(safer_totp_match(secret, spaced, now, step - 1), step);
    /* Malformed codes. */
    assert_int_equal(safer_totp_match(secret, "", now, 0), 0);
    assert_int_equal(safer_totp_match(secret, "   ", now, 0), 0);
    assert_int_equal(safer_totp_match(secret, "12345", now, 0), 0);
    assert_int_equal(safer_totp_match(secret, "1234567", now, 0), 0);
    assert_int_equal(safer_totp_match(secret, "123456789012345", now, 0), 0);
    assert_int_equal(safer_totp_match(secret, "12-456", now, 0), 0);
    assert_int_equal(safer_totp_match(secret, "12a456", now, 0), 0);
    assert_int_equal(safer_totp_match(secret, NULL, now, 0), 0);
    /* Two secrets differ. */
    char other[SAFER_TOTP_SECRET_SIZE];
    safer_totp_secret_new(other);
    assert_string_not_equal(secret, other);
}

static void test_auth_totp_uri(void **state)
{
    (void)state;
    char uri[256];
    assert_int_equal(
        safer_totp_uri(RFC_SECRET, "safer Maidstone", "a.b@kent.gov.uk", uri, sizeof(uri)), 0);
    assert_string_equal(uri, "otpauth://totp/safer%20Maidstone:a.b%40kent.gov.uk?secret="
                             "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=safer%20Maidstone"
                             "&algorithm=SHA1&digits=6&period=30");
    assert_int_equal(safer_totp_uri(RFC_SECRET, "safer", "x@y", uri, 20), SAFER_ETOOBIG);
    assert_string_equal(uri, "");
    assert_int_equal(safer_totp_uri("!!", "safer", "x@y", uri, sizeof(uri)), SAFER_EINVAL);
}

/* Base32 round trip through secrets: every byte value survives. */
static void test_auth_base32_round_trip(void **state)
{
    (void)state;
    /* A secret's code equals the code of the same secret re-encoded in lower
     * case with spaces, and 1000 new secrets are all distinct and all 32
     * characters of the alphabet. */
    char prev[SAFER_TOTP_SECRET_SIZE] = "";
    for (int i = 0; i < 1000; i++) {
        char s[SAFER_TOTP_SECRET_SIZE], t[64];
        safer_totp_secret_new(s);
        assert_int_equal(strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), 32);
        assert_string_not_equal(s, prev);
        size_t k = 0;
        for (int j = 0; j < 32; j++) {
            t[k++] = (char)(s[j] >= 'A' && s[j] <= 'Z' ? s[j] + 32 : s[j]);
            if (j % 4 == 3)
                t[k++] = ' ';
        }
        t[k] = '\0';
        assert_int_equal(safer_totp_code(s, 12345, 6), safer_totp_code(t, 12345, 6));
        memcpy(prev, s, sizeof(prev));
    }
}

/* ---- tokens ---- */

static int cmp_token(const void *a, const void *b) { return strcmp(a, b); }

static void test_auth_tokens(void **state)
{
    (void)state;
    assert_int_equal(safer_auth_init(NULL), 0);
    char a[SAFER_TOKEN_SIZE], b[SAFER_TOKEN_SIZE];
    safer_token_new(a);
    safer_token_new(b);
    assert_int_equal(strlen(a), 32);
    assert_int_equal(strspn(a, "0123456789abcdef"), 32);
    assert_string_not_equal(a, b);
    /* Ten thousand tokens, all different (SES-01). */
    enum { N = 10000 };
    char(*many)[SAFER_TOKEN_SIZE] = calloc(N, SAFER_TOKEN_SIZE);
    assert_non_null(many);
    for (int i = 0; i < N; i++)
        safer_token_new(many[i]);
    qsort(many, N, SAFER_TOKEN_SIZE, cmp_token);
    for (int i = 1; i < N; i++)
        assert_string_not_equal(many[i - 1], many[i]);
    free(many);
    assert_true(safer_token_equal(a, a));
    assert_false(safer_token_equal(a, b));
    assert_false(safer_token_equal(a, ""));
    char h[SAFER_TOKEN_HASH_SIZE];
    /* SHA-256("abc"), FIPS 180-2's example. */
    safer_token_hash("abc", h);
    assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    safer_token_hash(a, h);
    assert_int_equal(strlen(h), 64);
    assert_string_not_equal(h, a);
}

/* ---- passwords ---- */

static void test_auth_password_policy(void **state)
{
    (void)state;
    char long64[65], long1024[1025], long1023[1024];
    memset(long64, 0, sizeof(long64));
    /* 64 characters of a passphrase. */
    snprintf(long64, sizeof(long64), "%s",
             "correct horse battery staple, then tea at the Maidstone library.");
    assert_int_equal(strlen(long64), 64);
    memset(long1024, 'q', 1024);
    long1024[1024] = '\0';
    for (int i = 0; i < 1023; i++)
        long1023[i] = "abcdefghijklmnopqrstuvwxyz"[(i * 7) % 26];
    long1023[1023] = '\0';
    static const char *const too_short = "Choose a longer password: at least 12 characters";
    static const char *const common = "This is a commonly used password: choose another";
    static const char *const pattern = "This password is one character repeated or a run like "
                                       "'abcdef' or '123456': choose another";
    const struct {
        const char *pw;
        const char *msg; /* NULL: accepted */
    } cases[] = {
        {"Password1234", common},
        {"password1234", common},
        {"!!Football2024!!", common},
        {"iloveyou12345", common},
        {"qwertyuiop12", common},
        {"quiet harbour", NULL},
        {"abcdefghijk", too_short}, /* 11 */
        {"", too_short},
        {"aaaaaaaaaaaaaaaa", pattern},
        {"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
         "\xc3\xa9\xc3\xa9",
         pattern},
        {"123456789012", pattern},
        {"abcdefghijkl", pattern},
        {"ZYXWVUTSRQPONM", pattern},
        {"0987654321098", pattern},
        {long64, NULL},
        {long1023, NULL},
        {long1024, "Choose a shorter password: at most 1023 bytes (about as many letters)"},
        {"tea-at-four-o'clock", NULL},
        {"Gardens of Leeds Castle", NULL},
        /* Twelve characters, more bytes: code points count. */
        {"\xc3\xa9t\xc3\xa9 \xc3\xa0 Maidstone", NULL},
        /* Eleven characters in 22 bytes. */
        {"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
         "\xc3\xa9",
         too_short},
        /* Invalid UTF-8: a lone continuation byte, an overlong '/'. */
        {"abcdefghijk\x80xyz", "This password has characters that cannot be read (it is not "
                               "valid UTF-8): type it again"},
        {"abcdefghijk\xc0\xafxyz", "This password has characters that cannot be read (it is not "
                                   "valid UTF-8): type it again"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct safer_err err = {0};
        int rc = safer_password_policy(cases[i].pw, strlen(cases[i].pw), &err);
        const char *want = cases[i].msg;
        if (!want) {
            if (rc != 0)
                fail_msg("'%.40s' refused: %s", cases[i].pw, err.msg);
        } else {
            if (rc != SAFER_EINVAL)
                fail_msg("'%.40s' accepted", cases[i].pw);
            assert_string_equal(err.msg, want);
        }
    }
    /* A NUL inside is not a password. */
    struct safer_err err = {0};
    assert_int_equal(safer_password_policy("abcdefgh\0ijklmnop", 17, &err), SAFER_EINVAL);
}

/* The PHC string of a hash: $argon2id$v=19$m=M,t=T,p=P$salt$hash */
static void phc_params(const char *h, long *m, long *t, long *p)
{
    assert_int_equal(strncmp(h, "$argon2id$v=19$", 15), 0);
    assert_int_equal(sscanf(h + 15, "m=%ld,t=%ld,p=%ld$", m, t, p), 3);
}

static void test_auth_password_hash(void **state)
{
    (void)state;
    assert_int_equal(safer_auth_init(NULL), 0);
    /* 65 bytes of UTF-8 ending in a space: verified exactly as typed. */
    const char *pw = "caf\xc3\xa9 au lait with the Maidstone partnership at a quarter to two ";
    size_t len = strlen(pw);
    assert_int_equal(len, 65);
    assert_int_equal(safer_password_policy(pw, len, NULL), 0);
    char h1[SAFER_PASSWORD_HASH_SIZE], h2[SAFER_PASSWORD_HASH_SIZE];
    struct safer_err err = {0};
    assert_int_equal(safer_password_hash(pw, len, h1, &err), 0);
    assert_int_equal(safer_password_hash(pw, len, h2, &err), 0);
    /* A new salt each time. */
    assert_string_not_equal(h1, h2);
    long m, t, p;
    phc_params(h1, &m, &t, &p);
    assert_true(m >= 19456);
    assert_true(t >= 2);
    assert_int_equal(p, 1);

    bool rehash = true;
    assert_int_equal(safer_password_verify(h1, pw, len, &rehash, &err), 1);
    assert_false(rehash);
    assert_int_equal(safer_password_verify(h2, pw, len, NULL, &err), 1);
    /* Not trimmed: without the trailing space, or with one more, it fails. */
    assert_int_equal(safer_password_verify(h1, pw, len - 1, NULL, &err), 0);
    char more[80];
    snprintf(more, sizeof(more), "%s ", pw);
    assert_int_equal(safer_password_verify(h1, more, len + 1, NULL, &err), 0);
    /* No hash: a dummy verification, answering no. */
    assert_int_equal(safer_password_verify(NULL, pw, len, NULL, &err), 0);
    /* A garbled hash is no match. */
    assert_int_equal(safer_password_verify("$argon2id$nonsense", pw, len, NULL, &err), 0);
    /* Too long to have been set: no. */
    char big[SAFER_PASSWORD_MAX + 2];
    memset(big, 'x', sizeof(big));
    assert_int_equal(safer_password_verify(h1, big, sizeof(big), NULL, &err), 0);
    assert_int_equal(safer_password_hash(big, sizeof(big), h2, &err), SAFER_EINVAL);
}

/* A hash with weaker parameters than today's asks to be redone. */
static void test_auth_password_rehash(void **state)
{
    (void)state;
    /* argon2id at t=1, m=8 MiB, made with libsodium directly. */
    static const char OLD_PW[] = "an old password";
    char weak[SAFER_PASSWORD_HASH_SIZE];
    assert_int_equal(crypto_pwhash_str_alg(weak, OLD_PW, strlen(OLD_PW), 1, 8u << 20,
                                           crypto_pwhash_ALG_ARGON2ID13),
                     0);
    bool rehash = false;
    assert_int_equal(safer_password_verify(weak, OLD_PW, strlen(OLD_PW), &rehash, NULL), 1);
    assert_true(rehash);
}

/* At most SAFER_AUTH_HASHING hashes at once: with that many threads
 * hashing, one more waits; with many more, some give up with EBUSY after
 * a second, and every hash that ran was right. */
struct hasher {
    int rc;
    char hash[SAFER_PASSWORD_HASH_SIZE];
};

static void *hash_thread(void *arg)
{
    struct hasher *h = arg;
    const char *pw = "a long enough password";
    h->rc = safer_password_hash(pw, strlen(pw), h->hash, NULL);
    return NULL;
}

static void test_auth_password_bounded(void **state)
{
    (void)state;
    /* A hash takes a tenth of a second or so at 64 MiB: two hundred at
     * once, four at a time, cannot all start within the one-second wait. */
    enum { N = 200 };
    pthread_t th[N];
    struct hasher *h = calloc(N, sizeof(*h));
    assert_non_null(h);
    for (int i = 0; i < N; i++)
        assert_int_equal(pthread_create(&th[i], NULL, hash_thread, &h[i]), 0);
    int busy = 0, done = 0;
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        if (h[i].rc == SAFER_EBUSY)
            busy++;
        else if (h[i].rc == 0 && strncmp(h[i].hash, "$argon2id$", 10) == 0)
            done++;
    }
    assert_int_equal(busy + done, N);
    assert_true(done >= SAFER_AUTH_HASHING);
    assert_true(busy > 0);
    free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auth_role_table),
        cmocka_unit_test(test_auth_role_names),
        cmocka_unit_test(test_auth_role_table_documented),
        cmocka_unit_test(test_auth_totp_rfc6238_vectors),
        cmocka_unit_test(test_auth_totp_window_and_reuse),
        cmocka_unit_test(test_auth_totp_uri),
        cmocka_unit_test(test_auth_base32_round_trip),
        cmocka_unit_test(test_auth_tokens),
        cmocka_unit_test(test_auth_password_policy),
        cmocka_unit_test(test_auth_password_hash),
        cmocka_unit_test(test_auth_password_rehash),
        cmocka_unit_test(test_auth_password_bounded),
    };
    return cmocka_run_group_tests_name("auth", tests, NULL, NULL);
}
