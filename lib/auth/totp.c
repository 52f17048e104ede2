/*
 * totp.c - time-based one-time codes (RFC 6238 over RFC 4226): HMAC-SHA1
 * of the 30-second time step, dynamically truncated to 6 (or 8) digits;
 * base32 secrets (RFC 4648, no padding) as authenticator apps expect; the
 * otpauth:// URI they read.
 *
 * HMAC-SHA1 comes from nettle: libsodium has no SHA-1. SHA-1's weaknesses
 * (collisions) do not touch HMAC-SHA1 as a pseudo-random function, and
 * every authenticator app speaks it.
 */
#include "util/compat.h"

#include <stdio.h>
#include <string.h>

#include <nettle/hmac.h>
#include <sodium.h>

#include "safer/auth.h"

#define STEP 30 /* seconds */
#define SECRET_BYTES 20

static const char B32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/* Base32 of `n` bytes into `out` (room for ceil(8n/5) + 1), no padding. */
static void base32_encode(const unsigned char *p, size_t n, char *out)
{
    unsigned buf = 0;
    int bits = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        buf = (buf << 8) | p[i];
        bits += 8;
        while (bits >= 5) {
            out[k++] = B32[(buf >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0)
        out[k++] = B32[(buf << (5 - bits)) & 31];
    out[k] = '\0';
}

/* Decode base32 (either case; '=' padding, spaces and '-' ignored) into at
 * most `cap` bytes: the count, or -1 when malformed or too long. */
static long base32_decode(const char *s, unsigned char *out, size_t cap)
{
    unsigned buf = 0;
    int bits = 0;
    size_t n = 0;
    for (; *s; s++) {
        int c = (unsigned char)*s, v;
        if (c == '=' || c == ' ' || c == '-')
            continue;
        if (c >= 'a' && c <= 'z')
            c -= 'a' - 'A';
        if (c >= 'A' && c <= 'Z')
            v = c - 'A';
        else if (c >= '2' && c <= '7')
            v = c - '2' + 26;
        else
            return -1;
        buf = (buf << 5) | (unsigned)v;
        bits += 5;
        if (bits >= 8) {
            if (n == cap)
                return -1;
            out[n++] = (unsigned char)(buf >> (bits - 8));
            bits -= 8;
        }
    }
    return (long)n;
}

void safer_totp_secret_new(char out[SAFER_TOTP_SECRET_SIZE])
{
    unsigned char b[SECRET_BYTES];
    _Static_assert(SAFER_TOTP_SECRET_SIZE == SECRET_BYTES * 8 / 5 + 1,
                   "20 bytes are 32 base32 digits");
    randombytes_buf(b, sizeof(b));
    base32_encode(b, sizeof(b), out);
    sodium_memzero(b, sizeof(b));
}

int64_t safer_totp_code(const char *secret_b32, int64_t step, int digits)
{
    unsigned char key[64];
    long klen = secret_b32 ? base32_decode(secret_b32, key, sizeof(key)) : -1;
    if (klen <= 0 || (digits != 6 && digits != 8) || step < 0)
        return -1;
    unsigned char msg[8];
    for (int i = 7; i >= 0; i--) {
        msg[i] = (unsigned char)(step & 0xff);
        step >>= 8;
    }
    struct hmac_sha1_ctx ctx;
    unsigned char mac[SHA1_DIGEST_SIZE];
    hmac_sha1_set_key(&ctx, (size_t)klen, key);
    hmac_sha1_update(&ctx, sizeof(msg), msg);
    hmac_sha1_digest(&ctx, sizeof(mac), mac);
    sodium_memzero(&ctx, sizeof(ctx));
    sodium_memzero(key, sizeof(key));
    /* RFC 4226 section 5.3: dynamic truncation. */
    int off = mac[sizeof(mac) - 1] & 0x0f;
    uint32_t bin = ((uint32_t)(mac[off] & 0x7f) << 24) | ((uint32_t)mac[off + 1] << 16) |
                   ((uint32_t)mac[off + 2] << 8) | (uint32_t)mac[off + 3];
    return (int64_t)(bin % (digits == 6 ? 1000000u : 100000000u));
}

/* The six digits of a code as typed, spaces (apps show "123 456") and
 * the spaces around it left out, into out[7]; false when it is not that. */
static bool six_digits(const char *code, char out[7])
{
    size_t n = 0;
    for (; code && *code && n <= 6; code++) {
        if (*code == ' ')
            continue;
        if (*code < '0' || *code > '9')
            return false;
        if (n < 6)
            out[n] = *code;
        n++;
    }
    out[n < 6 ? n : 6] = '\0';
    return n == 6 && (!code || !*code);
}

int64_t safer_totp_match(const char *secret_b32, const char *typed, int64_t now, int64_t last_step)
{
    char code[7];
    if (!six_digits(typed, code) || now < 0)
        return 0;
    int64_t step = now / STEP;
    int64_t found = 0;
    /* Every candidate is computed and compared, whichever matches, so the
     * time taken does not say which step (if any) did. */
    for (int64_t d = -1; d <= 1; d++) {
        int64_t c = safer_totp_code(secret_b32, step + d, 6);
        if (c < 0)
            return 0;
        char want[24];
        snprintf(want, sizeof(want), "%06lld", (long long)c);
        if (sodium_memcmp(want, code, 6) == 0 && step + d > last_step && !found)
            found = step + d;
    }
    return found;
}

/* Append `s` to out[*n..size) percent-encoded as a URI component; false
 * when it does not fit. */
static bool add_escaped(char *out, size_t size, size_t *n, const char *s)
{
    static const char HEX[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                     c == '-' || c == '.' || c == '_' || c == '~';
        size_t need = plain ? 1 : 3;
        if (*n + need >= size)
            return false;
        if (plain) {
            out[(*n)++] = (char)c;
        } else {
            out[(*n)++] = '%';
            out[(*n)++] = HEX[c >> 4];
            out[(*n)++] = HEX[c & 15];
        }
    }
    out[*n] = '\0';
    return true;
}

static bool add_plain(char *out, size_t size, size_t *n, const char *s)
{
    size_t len = strlen(s);
    if (*n + len >= size)
        return false;
    memcpy(out + *n, s, len + 1);
    *n += len;
    return true;
}

int safer_totp_uri(const char *secret_b32, const char *issuer, const char *account, char *out,
                   size_t size)
{
    if (!out || size == 0)
        return SAFER_EINVAL;
    out[0] = '\0';
    unsigned char key[64];
    if (!secret_b32 || base32_decode(secret_b32, key, sizeof(key)) <= 0 || !issuer || !account)
        return SAFER_EINVAL;
    sodium_memzero(key, sizeof(key));
    /* Key URI format (Google Authenticator's): the label is issuer:account,
     * and the issuer is repeated as a parameter. */
    size_t n = 0;
    bool ok = add_plain(out, size, &n, "otpauth://totp/") && add_escaped(out, size, &n, issuer) &&
              add_plain(out, size, &n, ":") && add_escaped(out, size, &n, account) &&
              add_plain(out, size, &n, "?secret=") && add_escaped(out, size, &n, secret_b32) &&
              add_plain(out, size, &n, "&issuer=") && add_escaped(out, size, &n, issuer) &&
              add_plain(out, size, &n, "&algorithm=SHA1&digits=6&period=30");
    if (!ok) {
        out[0] = '\0';
        return SAFER_ETOOBIG;
    }
    return 0;
}
