/*
 * account.h - people, organisations, memberships, sessions and the audit
 * log, kept in the store (schema version 4; docs/workspace.md).
 *
 * Every call that reads or changes something about people takes the actor
 * doing it, re-reads the actor's role in the partnership inside its own
 * transaction, refuses with SAFER_EDENIED when the role may not (and writes
 * a refusal row to the audit log), and writes the audit row of a change in
 * the same transaction as the change. No front end can skip either.
 *
 * Times are Unix seconds passed in by the caller (`now`), so that a test
 * can run the clock forward; the audit log records them as UTC ISO 8601.
 */
#ifndef SAFER_ACCOUNT_H
#define SAFER_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "safer/auth.h"
#include "safer/error.h"

struct safer_store;

/* Sessions: 30 minutes idle, 12 hours at most. */
#define SAFER_SESSION_IDLE (30 * 60)
#define SAFER_SESSION_MAX (12 * 60 * 60)
/* Sign-in lock-out: after this many failures within the window, every
 * attempt is refused (the right password too) until the window has passed. */
#define SAFER_LOGIN_FAILURES 10
#define SAFER_LOGIN_WINDOW (5 * 60)
/* And at most this many failures an hour, however they are spaced (ten
 * every five minutes would otherwise allow 120). */
#define SAFER_LOGIN_FAILURES_HOUR 50
/* How long a set-up or reset link works. */
#define SAFER_LINK_LIFE (72 * 60 * 60)

/*
 * Who is acting. The command line acts as the operator of the machine
 * (SAFER_ACTOR_OPERATOR: user_id 0, every permission; the audit log names
 * it "operator"); a web request acts as the person of its session, or as
 * the public (user_id 0, role SAFER_ROLE_PUBLIC, operator false).
 * `role` is what the session found; the store's calls re-read it.
 */
struct safer_actor {
    int64_t user_id;        /* 0: the operator or the public */
    int64_t partnership_id; /* the partnership the request is about; 0: none yet */
    int64_t session_id;     /* 0: none */
    enum safer_role role;
    bool operator;          /* the command line */
    char email[256];        /* "" for the public */
    char name[256];
    char csrf[SAFER_TOKEN_SIZE]; /* the session's form token; "" without a session */
};

/*
 * What the actor may do, as a request's front end asks before it draws a
 * page or runs a handler: its role's permissions (safer_role_may()), and
 * for anyone signed in, whatever their role, SAFER_PERM_OWN_ACCOUNT (a
 * person whose role is the public's may still see and end their sessions).
 * The store's calls decide again inside their transactions.
 */
bool safer_actor_may(const struct safer_actor *actor, enum safer_perm perm);

/* The operator: the command line's actor. */
void safer_actor_operator(struct safer_actor *out);
/* The public in partnership `partnership_id`. */
void safer_actor_public(struct safer_actor *out, int64_t partnership_id);

/* ---- organisations and people (operator or SAFER_PERM_MANAGE_USERS) ---- */

/* Add an organisation; an existing one of that name is kept (its id given). */
int safer_org_add(struct safer_store *st, const struct safer_actor *actor, const char *name,
                  const char *kind, int64_t *id, struct safer_err *err);

/*
 * Add a person to partnership `partnership_code` (the partnership's code,
 * "E22000142"; NULL or "": the store's only partnership, SAFER_EINVAL
 * naming them when there are several) with `role`, working for organisation `org` (added if
 * new). Writes a one-time set-up link's token into `token` (valid for
 * SAFER_LINK_LIFE): the person opens /account/setup?token=... (a GET that
 * changes nothing) and chooses a password there. An administrator's set-up
 * also gives a TOTP secret. SAFER_EINVAL for a malformed e-mail or an
 * e-mail already present (say which); SAFER_ENOTFOUND for an unknown
 * partnership.
 */
int safer_user_add(struct safer_store *st, const struct safer_actor *actor, const char *email,
                   const char *name, const char *org, const char *partnership_code,
                   enum safer_role role, int64_t now, char token[SAFER_TOKEN_SIZE],
                   struct safer_err *err);

/* A new one-time reset link for `email` (earlier links stop working). */
int safer_user_reset(struct safer_store *st, const struct safer_actor *actor, const char *email,
                     int64_t now, char token[SAFER_TOKEN_SIZE], struct safer_err *err);

/* Disable (or, with enable, re-enable) `email`: every session of theirs
 * ends at once. */
int safer_user_disable(struct safer_store *st, const struct safer_actor *actor,
                       const char *email, bool enable, int64_t now, struct safer_err *err);

/* End every live session of `email` now (they stay enabled and may sign
 * in again); *ended (may be NULL) counts them. Logged as sessions-end. */
int safer_user_end_sessions(struct safer_store *st, const struct safer_actor *actor,
                            const char *email, int64_t now, size_t *ended,
                            struct safer_err *err);

/* What a set-up or reset link shows before it is used: whose it is, and for
 * an administrator the TOTP secret to enrol (shown until a code from it has
 * been used once: a reset link of an enrolled administrator has needs_totp
 * and an empty secret, and asks for a code from the app). SAFER_ENOTFOUND
 * when the token is unknown, used or expired, or its person disabled. */
struct safer_link_info {
    char email[256];
    char name[256];
    bool needs_totp;
    char totp_secret[SAFER_TOTP_SECRET_SIZE]; /* "" unless needs_totp */
};
int safer_link_info(struct safer_store *st, const char *token, int64_t now,
                    struct safer_link_info *out, struct safer_err *err);

/* Use a link: set the password (after safer_password_policy), and for an
 * administrator check a TOTP code from the enrolled secret. The link stops
 * working; the person's other sessions end. SAFER_EINVAL with the policy's
 * message; SAFER_ENOTFOUND as safer_link_info; SAFER_EAUTH for a wrong
 * code (logged as password-set-failed); SAFER_EBUSY as safer_password_hash. */
int safer_link_use(struct safer_store *st, const char *token, const char *password, size_t len,
                   const char *totp_code, int64_t now, struct safer_err *err);

/* ---- signing in ---- */

/*
 * Sign in. On success a new session (a new id every time) for the person's
 * partnership `partnership_code` (NULL: their first, by partnership code)
 * and `out` filled; `token` receives the session id for the cookie (the
 * store keeps only its hash). Every failure is the same SAFER_EAUTH
 * "the e-mail, password or code is not right" whatever the cause (unknown
 * e-mail, wrong password, locked, disabled, not set up), and costs the same
 * time; the audit log says which (login-failed with the reason, login-locked).
 * Administrators need `totp_code` unless `waive_totp` (the demo only).
 * SAFER_EBUSY (not EAUTH) when too many passwords are being checked at
 * once in the process (a server answers 503); the store's error when it
 * fails. `out->csrf` is the session's form token.
 */
int safer_login(struct safer_store *st, const char *email, const char *password, size_t len,
                const char *totp_code, bool waive_totp, const char *partnership_code,
                int64_t now, char token[SAFER_TOKEN_SIZE], struct safer_actor *out,
                struct safer_err *err);

/* The actor of a session id from a cookie: SAFER_EAUTH when unknown, ended,
 * idle too long, too old, or its person disabled or no longer a member.
 * Touches last_seen, at most once a minute (so most requests only read);
 * a session found out of date is ended for good. */
int safer_session_find(struct safer_store *st, const char *token, int64_t now,
                       struct safer_actor *out, struct safer_err *err);

/* End one session (the actor's own, or anyone's with MANAGE_USERS). */
int safer_session_end(struct safer_store *st, const struct safer_actor *actor, int64_t session_id,
                      int64_t now, struct safer_err *err);

struct safer_session_info {
    int64_t id;
    int64_t created, last_seen;
    bool current;
};
/* The actor's own live sessions, newest first: *out malloc'd, caller frees. */
int safer_session_list(struct safer_store *st, const struct safer_actor *actor, int64_t now,
                       struct safer_session_info **out, size_t *n, struct safer_err *err);

/* ---- people, for pages ---- */

struct safer_person {
    int64_t id;
    char email[256];
    char name[256];
    char org[256];
    enum safer_role role;
    bool disabled;
    bool set_up; /* has chosen a password */
    char partnership[64]; /* the code of the partnership `role` is in */
    int64_t last_login; /* when their latest session began; 0: never (or not
                           shown: only to MANAGE_USERS) */
};
/* The people of the actor's partnership, by name (MANAGE_USERS or
 * VIEW_PLAN). *out malloc'd. The operator with partnership_id 0 gets every
 * partnership's, a row per membership. */
int safer_people_list(struct safer_store *st, const struct safer_actor *actor,
                      struct safer_person **out, size_t *n, struct safer_err *err);

/* ---- memberships, one's own password, the partnership of a session ----
 * (area: accounts) */

/*
 * Change the role of `email` in partnership `partnership_code` (NULL or
 * "": the actor's partnership, or for the operator the store's only one)
 * to `role` (operator or MANAGE_USERS there). The change counts at once:
 * every call re-reads the role. An administrator cannot change their own
 * role. Made an administrator without an enrolled authenticator app, the
 * person gets a secret, their sessions end, and `token` receives a reset
 * link's token to enrol it (else token is ""). Logged as user-role with
 * the partnership and role before and after (nothing is written when the
 * role is the same). SAFER_ENOTFOUND when they are not in the partnership.
 */
int safer_user_role(struct safer_store *st, const struct safer_actor *actor, const char *email,
                    const char *partnership_code, enum safer_role role, int64_t now,
                    char token[SAFER_TOKEN_SIZE], struct safer_err *err);

/*
 * Add the existing person `email` to another partnership with `role`
 * (operator or MANAGE_USERS in that partnership). SAFER_EINVAL when they
 * are in it already; SAFER_ENOTFOUND for an unknown e-mail or
 * partnership. `token` as safer_user_role (an administrator's second
 * factor). Logged as user-join.
 */
int safer_user_join(struct safer_store *st, const struct safer_actor *actor, const char *email,
                    const char *partnership_code, enum safer_role role, int64_t now,
                    char token[SAFER_TOKEN_SIZE], struct safer_err *err);

/*
 * Take `email` out of a partnership: their sessions in it end. Refused
 * (SAFER_EINVAL) for their only partnership (disable them instead) and
 * for an administrator's own membership. Logged as user-leave.
 */
int safer_user_leave(struct safer_store *st, const struct safer_actor *actor, const char *email,
                     const char *partnership_code, int64_t now, struct safer_err *err);

/* One person of the actor's partnership by id (MANAGE_USERS): the fields
 * of safer_people_list, last_login included. SAFER_ENOTFOUND for anyone
 * outside it. */
int safer_person_get(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                     struct safer_person *out, struct safer_err *err);

/* The partnerships the actor belongs to, by code (OWN_ACCOUNT): *out
 * malloc'd, caller frees. */
struct safer_membership {
    int64_t partnership_id;
    char code[64];
    char name[256];
    enum safer_role role;
    bool current; /* the session's */
};
int safer_membership_list(struct safer_store *st, const struct safer_actor *actor,
                          struct safer_membership **out, size_t *n, struct safer_err *err);

/*
 * Move the actor's session to partnership `partnership_id`, one they
 * belong to (SAFER_ENOTFOUND otherwise, and for no session); `out` gets
 * the actor as the session now is. Logged as partnership-switch with the
 * codes before and after (nothing is written for the one it is in).
 */
int safer_session_switch(struct safer_store *st, const struct safer_actor *actor,
                         int64_t partnership_id, int64_t now, struct safer_actor *out,
                         struct safer_err *err);

/*
 * Change one's own password (OWN_ACCOUNT, a session needed): `current` must
 * be right (a wrong one counts towards the sign-in lock-out, and while
 * locked even the right one is refused: SAFER_EAUTH, logged as
 * password-change-failed), `password` must pass safer_password_policy
 * (SAFER_EINVAL with its message). Then every session of the person ends,
 * unused links stop working, and a new session in the same partnership
 * begins: `token` gets its id for the cookie and `out` the actor with its
 * new session and form token. Logged as password-changed. SAFER_EBUSY as
 * safer_password_hash.
 */
int safer_password_change(struct safer_store *st, const struct safer_actor *actor,
                          const char *current, size_t curlen, const char *password, size_t len,
                          int64_t now, char token[SAFER_TOKEN_SIZE], struct safer_actor *out,
                          struct safer_err *err);

/* ---- the audit log ---- */

struct safer_audit_filter {
    const char *since;  /* "YYYY-MM-DD" or an ISO time, or NULL */
    const char *email;  /* the actor's e-mail, or NULL */
    const char *record; /* "action/12", or a record type "action", or NULL */
};
struct safer_audit_row {
    int64_t id;
    const char *at;          /* "2026-12-02T10:00:00Z" */
    const char *actor_email; /* "operator", "public", or the person's e-mail */
    const char *action;      /* login, login-failed, login-locked, logout, denied,
                                org-add, user-add, user-reset, user-disable,
                                user-enable, password-set, password-set-failed,
                                session-end, sessions-end, action-add, action-change,
                                action-update, user-role, user-join, user-leave,
                                password-changed, partnership-switch...
                                (docs/workspace.md) */
    const char *record_type, *record_id; /* or NULL */
    const char *before, *after;          /* JSON, or NULL */
    const char *detail;                  /* or NULL */
};
/* Call `fn` for each row in order (operator or VIEW_AUDIT). A negative
 * return from fn stops and is returned. */
int safer_audit_each(struct safer_store *st, const struct safer_actor *actor,
                     const struct safer_audit_filter *f,
                     int (*fn)(const struct safer_audit_row *row, void *ctx), void *ctx,
                     struct safer_err *err);
/* Check the hash chain: 0 when whole, else SAFER_EDB naming the first row
 * that does not match. */
int safer_audit_verify(struct safer_store *st, struct safer_err *err);

#endif
