/*
 * pending/auth.c - stand-ins for the parts of auth.h and account.h that the
 * library does not implement yet (lib/auth/ and the store's accounts are
 * being written beside the server). CMakeLists.txt compiles this file only
 * while lib/auth/ is missing; it goes when they arrive.
 *
 * Until then nobody can sign in: every session and sign-in is SAFER_EAUTH,
 * every link SAFER_ENOTFOUND, and the public may only view the public
 * summary. Tokens are real random ones (getrandom), so the pre-session
 * form token is as strong as it will be.
 */
#include "util/compat.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "safer/account.h"

int safer_auth_init(struct safer_err *err)
{
    (void)err;
    return 0;
}

bool safer_role_may(enum safer_role role, enum safer_perm perm)
{
    if (role == SAFER_ROLE_PUBLIC)
        return perm == SAFER_PERM_VIEW_PUBLIC;
    return role > SAFER_ROLE_PUBLIC && role < SAFER_ROLE_COUNT && perm < SAFER_PERM_COUNT;
}

void safer_actor_public(struct safer_actor *out, int64_t partnership_id)
{
    memset(out, 0, sizeof(*out));
    out->partnership_id = partnership_id;
    out->role = SAFER_ROLE_PUBLIC;
}

void safer_token_new(char out[SAFER_TOKEN_SIZE])
{
    unsigned char r[16];
    size_t got = 0;
    while (got < sizeof(r)) {
        ssize_t n = getrandom(r + got, sizeof(r) - got, 0);
        if (n > 0)
            got += (size_t)n;
    }
    for (size_t i = 0; i < sizeof(r); i++)
        snprintf(out + 2 * i, 3, "%02x", r[i]);
}

bool safer_token_equal(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    unsigned char d = (unsigned char)(na != nb);
    for (size_t i = 0; i < na && i < nb; i++)
        d |= (unsigned char)(a[i] ^ b[i]);
    return d == 0;
}

int safer_password_policy(const char *pw, size_t len, struct safer_err *err)
{
    (void)pw;
    if (len < SAFER_PASSWORD_MIN)
        return safer_err_set(err, SAFER_EINVAL, "password must be at least 12 characters");
    return 0;
}

int safer_totp_uri(const char *secret_b32, const char *issuer, const char *account, char *out,
                   size_t size)
{
    int n = snprintf(out, size, "otpauth://totp/%s:%s?secret=%s&issuer=%s", issuer, account,
                     secret_b32, issuer);
    return n < 0 || (size_t)n >= size ? SAFER_ETOOBIG : 0;
}

int safer_login(struct safer_store *st, const char *email, const char *password, size_t len,
                const char *totp_code, bool waive_totp, const char *partnership_code,
                int64_t now, char token[SAFER_TOKEN_SIZE], struct safer_actor *out,
                struct safer_err *err)
{
    (void)st, (void)email, (void)password, (void)len, (void)totp_code, (void)waive_totp;
    (void)partnership_code, (void)now, (void)token, (void)out;
    return safer_err_set(err, SAFER_EAUTH, "the e-mail, password or code is not right");
}

int safer_session_find(struct safer_store *st, const char *token, int64_t now,
                       struct safer_actor *out, struct safer_err *err)
{
    (void)st, (void)token, (void)now, (void)out;
    return safer_err_set(err, SAFER_EAUTH, "no such session");
}

int safer_session_end(struct safer_store *st, const struct safer_actor *actor, int64_t session_id,
                      int64_t now, struct safer_err *err)
{
    (void)st, (void)actor, (void)session_id, (void)now;
    return safer_err_set(err, SAFER_ENOTFOUND, "no such session");
}

int safer_session_list(struct safer_store *st, const struct safer_actor *actor, int64_t now,
                       struct safer_session_info **out, size_t *n, struct safer_err *err)
{
    (void)st, (void)actor, (void)now, (void)err;
    *out = NULL;
    *n = 0;
    return 0;
}

int safer_link_info(struct safer_store *st, const char *token, int64_t now,
                    struct safer_link_info *out, struct safer_err *err)
{
    (void)st, (void)token, (void)now, (void)out;
    return safer_err_set(err, SAFER_ENOTFOUND, "no such link");
}

int safer_link_use(struct safer_store *st, const char *token, const char *password, size_t len,
                   const char *totp_code, int64_t now, struct safer_err *err)
{
    (void)st, (void)token, (void)password, (void)len, (void)totp_code, (void)now;
    return safer_err_set(err, SAFER_ENOTFOUND, "no such link");
}

const char *safer_perm_name(enum safer_perm perm)
{
    static const char *const names[] = {"view-public",    "view-aggregate", "view-plan",
                                        "view-unsuppressed", "update-own-action",
                                        "update-action",  "edit-plan",      "manage-users",
                                        "view-audit",     "own-account"};
    return perm < SAFER_PERM_COUNT ? names[perm] : NULL;
}
