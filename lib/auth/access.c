/*
 * access.c - the one table of who may do what: each role against each
 * permission (auth.h), and the names of both. docs/workspace.md prints the
 * same table for people; tests/unit/test_auth.c checks the two agree row by
 * row.
 *
 * The roles do not nest strictly: an analyst may see counts under the
 * suppression threshold and keep the indicators, but update no action; a
 * practitioner may update the actions they lead but see only suppressed
 * counts. Everyone signed in may see and end their own sessions
 * (OWN_ACCOUNT); the public may not, having none.
 */
#include "util/compat.h"

#include <stdio.h>
#include <string.h>

#include "safer/auth.h"

static const char *const ROLE_NAMES[SAFER_ROLE_COUNT] = {
    [SAFER_ROLE_PUBLIC] = "public",
    [SAFER_ROLE_MEMBER] = "member",
    [SAFER_ROLE_EXECUTIVE] = "executive",
    [SAFER_ROLE_PRACTITIONER] = "practitioner",
    [SAFER_ROLE_ANALYST] = "analyst",
    [SAFER_ROLE_COORDINATOR] = "coordinator",
    [SAFER_ROLE_ADMINISTRATOR] = "administrator",
};

static const char *const PERM_NAMES[SAFER_PERM_COUNT] = {
    [SAFER_PERM_VIEW_PUBLIC] = "view-public",
    [SAFER_PERM_VIEW_AGGREGATE] = "view-aggregate",
    [SAFER_PERM_VIEW_PLAN] = "view-plan",
    [SAFER_PERM_VIEW_UNSUPPRESSED] = "view-unsuppressed",
    [SAFER_PERM_UPDATE_OWN_ACTION] = "update-own-action",
    [SAFER_PERM_UPDATE_ACTION] = "update-action",
    [SAFER_PERM_EDIT_PLAN] = "edit-plan",
    [SAFER_PERM_MANAGE_USERS] = "manage-users",
    [SAFER_PERM_VIEW_AUDIT] = "view-audit",
    [SAFER_PERM_OWN_ACCOUNT] = "own-account",
    [SAFER_PERM_EDIT_INDICATOR] = "edit-indicator",
};

/* Bits of permissions, one word a role. */
#define P(x) (1u << SAFER_PERM_##x)
#define SIGNED_IN (P(VIEW_PUBLIC) | P(VIEW_AGGREGATE) | P(OWN_ACCOUNT))

static const unsigned MAY[SAFER_ROLE_COUNT] = {
    [SAFER_ROLE_PUBLIC] = P(VIEW_PUBLIC),
    [SAFER_ROLE_MEMBER] = SIGNED_IN,
    [SAFER_ROLE_EXECUTIVE] = SIGNED_IN | P(VIEW_PLAN),
    [SAFER_ROLE_PRACTITIONER] = SIGNED_IN | P(VIEW_PLAN) | P(UPDATE_OWN_ACTION),
    [SAFER_ROLE_ANALYST] = SIGNED_IN | P(VIEW_PLAN) | P(VIEW_UNSUPPRESSED) | P(EDIT_INDICATOR),
    [SAFER_ROLE_COORDINATOR] = SIGNED_IN | P(VIEW_PLAN) | P(VIEW_UNSUPPRESSED) |
                               P(UPDATE_OWN_ACTION) | P(UPDATE_ACTION) | P(EDIT_PLAN) |
                               P(EDIT_INDICATOR),
    [SAFER_ROLE_ADMINISTRATOR] = (1u << SAFER_PERM_COUNT) - 1,
};
#undef SIGNED_IN
#undef P

_Static_assert(SAFER_PERM_COUNT <= 32, "a role's permissions fit in one word");

const char *safer_role_name(enum safer_role role)
{
    return (unsigned)role < SAFER_ROLE_COUNT ? ROLE_NAMES[role] : NULL;
}

int safer_role_parse(const char *name, enum safer_role *out, struct safer_err *err)
{
    for (int r = 0; name && r < SAFER_ROLE_COUNT; r++) {
        if (strcmp(name, ROLE_NAMES[r]) == 0) {
            *out = (enum safer_role)r;
            return 0;
        }
    }
    char list[256] = "";
    size_t n = 0;
    for (int r = 0; r < SAFER_ROLE_COUNT && n < sizeof(list); r++)
        n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", r ? ", " : "", ROLE_NAMES[r]);
    return safer_err_set(err, SAFER_EINVAL, "unknown role '%s' (the roles are: %s)",
                         name ? name : "", list);
}

const char *safer_perm_name(enum safer_perm perm)
{
    return (unsigned)perm < SAFER_PERM_COUNT ? PERM_NAMES[perm] : NULL;
}

bool safer_role_may(enum safer_role role, enum safer_perm perm)
{
    if ((unsigned)role >= SAFER_ROLE_COUNT || (unsigned)perm >= SAFER_PERM_COUNT)
        return false;
    return (MAY[role] >> perm) & 1u;
}
