/*
 * password.c - the password policy, and argon2id hashing through libsodium
 * with a bound on how many hashes run at once.
 *
 * Policy (docs/workspace.md, requirement AUTH-05): at least
 * SAFER_PASSWORD_MIN characters (code points, so a passphrase in any
 * script counts its letters, not its bytes), at most SAFER_PASSWORD_MAX
 * bytes (argon2 reads every byte: the cap bounds the work a request can
 * ask for), valid UTF-8, no composition rules, nothing trimmed. Refused as
 * guessable: a password on the list of common passwords built in from
 * data/auth/common-passwords.txt, also once lower-cased and stripped of the
 * digits and punctuation around it ("Password1234!" is "password"); one
 * character repeated; a run of consecutive letters or digits
 * ("abcdefghijkl", "123456789012").
 *
 * Hashing: argon2id at libsodium's INTERACTIVE limits (t=2, m=64 MiB,
 * p=1), above OWASP's minimum (m=19 MiB, t=2). Each hash holds 64 MiB
 * while it runs, so a process-wide counting semaphore admits at most
 * SAFER_AUTH_HASHING at once (AUTH-02): two hundred sign-ins at once would
 * otherwise ask for 12.8 GiB. A caller that finds it full waits up to a
 * second and then gets SAFER_EBUSY, which a server answers with 503. The
 * semaphore is the library's one piece of mutable process-wide state
 * (docs/internals/layout.md, "Threads and state"): a mutex, a condition
 * and a count, initialised statically.
 */
#include "util/compat.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "safer/auth.h"

/* data/auth/common-passwords.txt, built in by CMakeLists.txt. */
extern const unsigned char safer__common_passwords[];
extern const size_t safer__common_passwords_len;

#define OPS crypto_pwhash_OPSLIMIT_INTERACTIVE
#define MEM crypto_pwhash_MEMLIMIT_INTERACTIVE

_Static_assert(SAFER_PASSWORD_HASH_SIZE >= crypto_pwhash_STRBYTES,
               "room for libsodium's argon2id string");

/* ---- the policy ---- */

/* Code points in a valid UTF-8 string (no overlong forms, surrogates or
 * values past U+10FFFF, no NUL), or -1. */
static long utf8_count(const unsigned char *p, size_t len)
{
    long n = 0;
    size_t i = 0;
    while (i < len) {
        unsigned c = p[i];
        size_t k;
        uint32_t cp, min;
        if (c == 0)
            return -1;
        if (c < 0x80) {
            i++;
            n++;
            continue;
        }
        if ((c & 0xe0) == 0xc0) {
            k = 1, cp = c & 0x1f, min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            k = 2, cp = c & 0x0f, min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            k = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return -1;
        }
        if (len - i <= k)
            return -1;
        for (size_t j = 1; j <= k; j++) {
            if ((p[i + j] & 0xc0) != 0x80)
                return -1;
            cp = (cp << 6) | (p[i + j] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return -1;
        i += k + 1;
        n++;
    }
    return n;
}

/* Is the `len` bytes at `w` a line of the built-in list? The list is in
 * order of frequency, not sorted: one pass over 30,000 short lines costs
 * far less than the argon2 hash that follows, and keeps no index in
 * memory. */
static bool on_list(const char *w, size_t len)
{
    if (len == 0)
        return false;
    const char *p = (const char *)safer__common_passwords;
    const char *end = p + safer__common_passwords_len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        if (*p != '#' && (size_t)(e - p) == len && memcmp(p, w, len) == 0)
            return true;
        p = e + 1;
    }
    return false;
}

static bool digit_or_punct(unsigned char c)
{
    return (c >= '0' && c <= '9') ||
           (c >= 0x20 && c < 0x7f && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')));
}

/* On the list as typed, or lower-cased and stripped of the digits,
 * punctuation and spaces around it. */
static bool common(const char *pw, size_t len)
{
    char low[SAFER_PASSWORD_MAX + 1];
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)pw[i];
        low[i] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
    size_t a = 0, b = len;
    while (a < b && digit_or_punct((unsigned char)low[a]))
        a++;
    while (b > a && digit_or_punct((unsigned char)low[b - 1]))
        b--;
    bool hit = on_list(low, len) || ((a > 0 || b < len) && on_list(low + a, b - a));
    sodium_memzero(low, len);
    return hit;
}

/* One character repeated, or a run up or down the letters or digits (with
 * wrap-around: "890123", "xyzabc"). */
static bool pattern(const unsigned char *p, size_t len)
{
    if (len < 2)
        return false;
    /* The first character's bytes (valid UTF-8 by now), repeated. */
    size_t k = p[0] < 0x80 ? 1 : p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : 4;
    bool same = len % k == 0;
    for (size_t i = k; i < len && same; i += k)
        same = memcmp(p + i, p, k) == 0;
    if (same)
        return true;
    for (int dir = -1; dir <= 1; dir += 2) {
        bool run = true;
        for (size_t i = 0; i < len && run; i++) {
            int c = p[i] >= 'A' && p[i] <= 'Z' ? p[i] + ('a' - 'A') : p[i];
            int c0 = p[0] >= 'A' && p[0] <= 'Z' ? p[0] + ('a' - 'A') : p[0];
            if (c0 >= '0' && c0 <= '9')
                run = c >= '0' && c <= '9' &&
                      (c - '0') == ((c0 - '0') + dir * (int)(i % 10) + 100) % 10;
            else if (c0 >= 'a' && c0 <= 'z')
                run = c >= 'a' && c <= 'z' &&
                      (c - 'a') == ((c0 - 'a') + dir * (int)(i % 26) + 260) % 26;
            else
                run = false;
        }
        if (run)
            return true;
    }
    return false;
}

int safer_password_policy(const char *pw, size_t len, struct safer_err *err)
{
    if (!pw)
        return safer_err_set(err, SAFER_EINVAL, "Choose a password");
    if (len > SAFER_PASSWORD_MAX)
        return safer_err_set(err, SAFER_EINVAL,
                             "Choose a shorter password: at most %d bytes (about as many "
                             "letters)",
                             SAFER_PASSWORD_MAX);
    long n = utf8_count((const unsigned char *)pw, len);
    if (n < 0)
        return safer_err_set(err, SAFER_EINVAL,
                             "This password has characters that cannot be read (it is not "
                             "valid UTF-8): type it again");
    if (n < SAFER_PASSWORD_MIN)
        return safer_err_set(err, SAFER_EINVAL, "Choose a longer password: at least %d characters",
                             SAFER_PASSWORD_MIN);
    if (pattern((const unsigned char *)pw, len))
        return safer_err_set(err, SAFER_EINVAL,
                             "This password is one character repeated or a run like "
                             "'abcdef' or '123456': choose another");
    if (common(pw, len))
        return safer_err_set(err, SAFER_EINVAL, "This is a commonly used password: choose another");
    return 0;
}

/* ---- the semaphore ---- */

static pthread_mutex_t hashing_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hashing_free = PTHREAD_COND_INITIALIZER;
static int hashing; /* hashes running now, at most SAFER_AUTH_HASHING */

static int hashing_enter(struct safer_err *err)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until); /* the condition's default clock */
    until.tv_sec += 1;
    int rc = 0;
    pthread_mutex_lock(&hashing_lock);
    while (hashing >= SAFER_AUTH_HASHING && rc == 0)
        rc = pthread_cond_timedwait(&hashing_free, &hashing_lock, &until);
    if (hashing < SAFER_AUTH_HASHING) {
        hashing++;
        rc = 0;
    }
    pthread_mutex_unlock(&hashing_lock);
    if (rc != 0)
        return safer_err_set(err, SAFER_EBUSY,
                             "too many sign-ins at once (%d passwords being checked): try "
                             "again shortly",
                             SAFER_AUTH_HASHING);
    return 0;
}

static void hashing_leave(void)
{
    pthread_mutex_lock(&hashing_lock);
    hashing--;
    pthread_cond_signal(&hashing_free);
    pthread_mutex_unlock(&hashing_lock);
}

/* ---- hashing ---- */

int safer_password_hash(const char *pw, size_t len, char out[SAFER_PASSWORD_HASH_SIZE],
                        struct safer_err *err)
{
    out[0] = '\0';
    if (!pw || len > SAFER_PASSWORD_MAX)
        return safer_err_set(err, SAFER_EINVAL, "a password is at most %d bytes",
                             SAFER_PASSWORD_MAX);
    int rc = hashing_enter(err);
    if (rc < 0)
        return rc;
    rc = crypto_pwhash_str(out, pw, len, OPS, MEM);
    hashing_leave();
    if (rc != 0) {
        out[0] = '\0';
        return safer_err_set(err, SAFER_ENOMEM,
                             "out of memory hashing a password (argon2id "
                             "needs 64 MiB)");
    }
    return 0;
}

int safer_password_verify(const char *hash, const char *pw, size_t len, bool *rehash,
                          struct safer_err *err)
{
    if (rehash)
        *rehash = false;
    /* Longer than any password set: no work, whoever asks. */
    if (!pw || len > SAFER_PASSWORD_MAX)
        return 0;
    int rc = hashing_enter(err);
    if (rc < 0)
        return rc;
    if (!hash) {
        /* No account, or none set up: spend what a verification spends (a
         * hash at today's parameters) and answer no. */
        char dummy[crypto_pwhash_STRBYTES];
        rc = crypto_pwhash_str(dummy, pw, len, OPS, MEM);
        hashing_leave();
        sodium_memzero(dummy, sizeof(dummy));
        if (rc != 0)
            return safer_err_set(err, SAFER_ENOMEM, "out of memory checking a password");
        return 0;
    }
    rc = crypto_pwhash_str_verify(hash, pw, len);
    hashing_leave();
    if (rc != 0)
        return 0;
    if (rehash)
        *rehash = crypto_pwhash_str_needs_rehash(hash, OPS, MEM) != 0;
    return 1;
}
