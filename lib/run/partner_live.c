/*
 * partner_live.c - partner data for the workspace (partner.h): the access
 * decision, then every data set read in one snapshot.
 */
#include "util/compat.h"

#include <stdio.h>
#include <string.h>

#include "import/partner_internal.h"
#include "safer/account.h"
#include "safer/arena.h"
#include "safer/auth.h"
#include "safer/partner.h"
#include "safer/publish.h"
#include "store/store_internal.h"

int safer_partner_live(struct safer_store *st, const struct safer_actor *actor,
                       struct safer_partner_data **out, bool *unsuppressed,
                       struct safer_err *err)
{
    *out = NULL;
    struct safer_arena arena;
    safer_arena_init(&arena);
    const char *code, *name, *area;
    int rc = safer_publish_target(st, actor, NULL, SAFER_PERM_VIEW_AGGREGATE, &arena, &code,
                                  &name, &area, err);
    if (rc == 0)
        rc = safer__store_begin_read(st, err);
    if (rc == 0) {
        rc = safer__partner_data_read(st, out, err);
        if (rc == 0)
            rc = safer__store_commit(st, err);
        else
            safer__store_rollback(st);
        if (rc < 0 && *out) {
            safer_partner_data_free(*out);
            *out = NULL;
        }
    }
    if (rc == 0)
        (*out)->partnership = safer_arena_strdup(&(*out)->arena, name ? name : code);
    *unsuppressed = actor->operator || safer_role_may(actor->role, SAFER_PERM_VIEW_UNSUPPRESSED);
    safer_arena_release(&arena);
    return rc;
}

int32_t safer_quarter_parse(const char *s)
{
    if (strlen(s) != 7 || s[4] != '-' || (s[5] != 'Q' && s[5] != 'q') || s[6] < '1' ||
        s[6] > '4')
        return -1;
    int y = 0;
    for (int i = 0; i < 4; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        y = y * 10 + (s[i] - '0');
    }
    if (y < 1900)
        return -1;
    return (int32_t)(y * 12 + (s[6] - '1') * 3);
}
