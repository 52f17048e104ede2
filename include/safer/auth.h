/*
 * auth.h - the pure parts of access: roles and what each may do, password
 * hashing and policy, random tokens and their hashes, and time-based
 * one-time codes (RFC 6238). Nothing here reads or writes the store: the
 * store's calls (account.h, action.h) use these inside their transactions.
 *
 * Libraries: libsodium (argon2id, SHA-256, the CSPRNG, constant-time
 * comparison) and nettle (HMAC-SHA1 for TOTP, which libsodium lacks).
 * Call safer_auth_init() once before the rest (it is idempotent and
 * thread-safe: it initialises libsodium).
 */
#ifndef SAFER_AUTH_H
#define SAFER_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "safer/error.h"

int safer_auth_init(struct safer_err *err);

/* ---- roles and permissions ---- */

/* The roles a person may hold in a partnership, least to most trusted in
 * what they may change. SAFER_ROLE_PUBLIC is also a visitor not signed in. */
enum safer_role {
    SAFER_ROLE_PUBLIC = 0,
    SAFER_ROLE_MEMBER,       /* an elected councillor: aggregates only */
    SAFER_ROLE_EXECUTIVE,    /* reads everything of the plan; changes nothing */
    SAFER_ROLE_PRACTITIONER, /* updates the actions they lead */
    SAFER_ROLE_ANALYST,      /* reads everything; keeps indicators */
    SAFER_ROLE_COORDINATOR,  /* keeps the plan: groups, priorities, actions */
    SAFER_ROLE_ADMINISTRATOR,/* people and their access; reads the audit log */
    SAFER_ROLE_COUNT
};

/* "public", "member", "executive", "practitioner", "analyst", "coordinator",
 * "administrator"; NULL for a value out of range. */
const char *safer_role_name(enum safer_role role);
/* SAFER_EINVAL (with the list of names in err) for an unknown name. */
int safer_role_parse(const char *name, enum safer_role *out, struct safer_err *err);

/* What a request or a call may do. Every web route declares one; every
 * store call checks one against the role it reads inside its transaction. */
enum safer_perm {
    SAFER_PERM_VIEW_PUBLIC = 0,  /* the public summary: aggregates, suppressed */
    SAFER_PERM_VIEW_AGGREGATE,   /* dashboards and indicators, small counts suppressed */
    SAFER_PERM_VIEW_PLAN,        /* the plan in full: actions, leads, updates, names */
    SAFER_PERM_VIEW_UNSUPPRESSED,/* counts under the threshold */
    SAFER_PERM_UPDATE_OWN_ACTION,/* post an update on an action one leads */
    SAFER_PERM_UPDATE_ACTION,    /* post an update on any action */
    SAFER_PERM_EDIT_PLAN,        /* add and change actions, groups, priorities */
    SAFER_PERM_MANAGE_USERS,     /* add, reset and disable people, change their roles and
                                    memberships; end their sessions */
    SAFER_PERM_VIEW_AUDIT,       /* read the audit log */
    SAFER_PERM_OWN_ACCOUNT,      /* one's own sessions, password and partnership; sign out */
    SAFER_PERM_EDIT_INDICATOR,   /* define indicators, enter values and comments */
    SAFER_PERM_COUNT
};

const char *safer_perm_name(enum safer_perm perm);

/* The one table of who may do what (lib/auth/access.c; docs/workspace.md
 * prints it). */
bool safer_role_may(enum safer_role role, enum safer_perm perm);

/* ---- passwords ---- */

/* The longest password accepted, in bytes; the shortest, in characters
 * (UTF-8 code points). No composition rules. */
#define SAFER_PASSWORD_MAX 1023
#define SAFER_PASSWORD_MIN 12
/* Room for libsodium's argon2id string, NUL included. */
#define SAFER_PASSWORD_HASH_SIZE 128

/* SAFER_EINVAL with a message a person can act on when `pw` is too short,
 * too long, not UTF-8, or on the deny-list of common passwords. */
int safer_password_policy(const char *pw, size_t len, struct safer_err *err);

/* argon2id with OWASP's parameters (libsodium's INTERACTIVE limits: t=2,
 * m=64 MiB, p=1) and a random salt. At most SAFER_AUTH_HASHING hashes run at
 * once in the process; a call that would exceed it waits up to a second,
 * then fails with SAFER_EBUSY. */
#define SAFER_AUTH_HASHING 4
int safer_password_hash(const char *pw, size_t len, char out[SAFER_PASSWORD_HASH_SIZE],
                        struct safer_err *err);

/* 1 when `pw` matches `hash`, 0 when not, SAFER_EBUSY as above. With
 * hash NULL it spends the same time and answers 0 (an unknown account must
 * not answer faster). *rehash (may be NULL) is set when the hash's
 * parameters are older than today's. */
int safer_password_verify(const char *hash, const char *pw, size_t len, bool *rehash,
                          struct safer_err *err);

/* ---- tokens ---- */

/* A new random token: 128 bits from the CSPRNG, as 32 lower-case hex digits. */
#define SAFER_TOKEN_SIZE 33
void safer_token_new(char out[SAFER_TOKEN_SIZE]);
/* The SHA-256 of a token, as 64 hex digits: what the store keeps. */
#define SAFER_TOKEN_HASH_SIZE 65
void safer_token_hash(const char *token, char out[SAFER_TOKEN_HASH_SIZE]);
/* Constant-time equality of two NUL-terminated strings. */
bool safer_token_equal(const char *a, const char *b);

/* ---- TOTP (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits) ---- */

#define SAFER_TOTP_SECRET_SIZE 33 /* 20 random bytes in base32 (32 chars) + NUL */
void safer_totp_secret_new(char out[SAFER_TOTP_SECRET_SIZE]);
/* The code for time step `step` (unix seconds / 30) of a base32 secret;
 * digits is 6 or 8. Negative on a malformed secret. */
int64_t safer_totp_code(const char *secret_b32, int64_t step, int digits);
/* The step at which `code` (6 digits; spaces in it, as apps show them,
 * are ignored) is valid within one step of `now`, and later than
 * `last_step` (a code works once); 0 when none. */
int64_t safer_totp_match(const char *secret_b32, const char *code, int64_t now,
                         int64_t last_step);
/* The otpauth:// URI an authenticator app reads (for a QR code or typing). */
int safer_totp_uri(const char *secret_b32, const char *issuer, const char *account, char *out,
                   size_t size);

#endif
