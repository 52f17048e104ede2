/*
 * visits_run.c - service usage as the workspace shows it (visits.h):
 * the access decision for the actor, then the one snapshot.
 */
#include "util/compat.h"

#include <string.h>

#include "safer/account.h"
#include "safer/arena.h"
#include "safer/auth.h"
#include "safer/publish.h"
#include "safer/rules.h"
#include "safer/visits.h"

int safer_visits_live(struct safer_store *st, const struct safer_actor *actor,
                      struct safer_visits *out, int64_t *hide_min, struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    safer_arena_init(&out->arena);
    *hide_min = 0;
    struct safer_arena arena;
    safer_arena_init(&arena);
    const char *code, *name, *area;
    int rc = safer_publish_target(st, actor, NULL, SAFER_PERM_VIEW_AGGREGATE, &arena, &code,
                                  &name, &area, err);
    safer_arena_release(&arena);
    /* SAFER_EINVAL comes after the decision (a partnership without a
     * district: its visits may still be read, the area is not needed
     * here), or for the operator, who may do everything. */
    if (rc < 0 && rc != SAFER_EINVAL)
        return rc;
    safer_err_clear(err);
    if (!(actor->operator || safer_role_may(actor->role, SAFER_PERM_VIEW_UNSUPPRESSED))) {
        struct safer_rules r;
        safer_rules_init(&r);
        *hide_min = r.public_min;
    }
    return safer_visits_load(st, out, err);
}
