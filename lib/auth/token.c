/*
 * token.c - random tokens (session ids, set-up links, form tokens), the
 * SHA-256 the store keeps of them, and their comparison in constant time;
 * safer_auth_init().
 *
 * A token is 128 bits from libsodium's CSPRNG (getrandom(2) underneath),
 * written as 32 lower-case hex digits. The store never holds a token that
 * signs someone in, only its SHA-256: a copy of the store opens no session.
 */
#include "util/compat.h"

#include <string.h>

#include <sodium.h>

#include "safer/auth.h"

int safer_auth_init(struct safer_err *err)
{
    /* 0: done now, 1: done before; both fine. It locks internally. */
    if (sodium_init() < 0)
        return safer_err_set(err, SAFER_EIO, "cannot initialise libsodium");
    return 0;
}

void safer_token_new(char out[SAFER_TOKEN_SIZE])
{
    unsigned char b[16];
    _Static_assert(SAFER_TOKEN_SIZE == 2 * sizeof(b) + 1, "a token is 16 bytes in hex");
    randombytes_buf(b, sizeof(b));
    sodium_bin2hex(out, SAFER_TOKEN_SIZE, b, sizeof(b));
    sodium_memzero(b, sizeof(b));
}

void safer_token_hash(const char *token, char out[SAFER_TOKEN_HASH_SIZE])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    _Static_assert(SAFER_TOKEN_HASH_SIZE == 2 * crypto_hash_sha256_BYTES + 1,
                   "a token's hash is SHA-256 in hex");
    crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
    sodium_bin2hex(out, SAFER_TOKEN_HASH_SIZE, h, sizeof(h));
}

bool safer_token_equal(const char *a, const char *b)
{
    /* The lengths are not secret (every token has the same); the bytes are. */
    size_t n = strlen(a);
    if (n != strlen(b))
        return false;
    return n == 0 || sodium_memcmp(a, b, n) == 0;
}
