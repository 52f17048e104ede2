/*
 * wards.c - the ward profiles of the workspace (profile.h): the live
 * assessment of the actor's partnership, in the edition the actor's role
 * may see.
 */
#include "util/compat.h"

#include <string.h>

#include "safer/account.h"
#include "safer/arena.h"
#include "safer/assess.h"
#include "safer/auth.h"
#include "safer/clusters.h"
#include "safer/profile.h"
#include "safer/publish.h"

int safer_wards_live(struct safer_store *st, const struct safer_actor *actor,
                     const struct safer_assess_opts *opts, struct safer_assessment *a,
                     struct safer_err *err)
{
    memset(a, 0, sizeof(*a));
    struct safer_arena arena;
    safer_arena_init(&arena);
    const char *code, *name, *area;
    int rc = safer_publish_target(st, actor, NULL, SAFER_PERM_VIEW_AGGREGATE, &arena, &code,
                                  &name, &area, err);
    if (rc == 0) {
        struct safer_assess_opts o = *opts;
        if (!o.area)
            o.area = area;
        if (!o.title)
            o.title = name;
        /* Small counts are hidden unless the role may see them, as the
         * indicators hide them. */
        o.public_edition =
            !(actor->operator || safer_role_may(actor->role, SAFER_PERM_VIEW_UNSUPPRESSED));
        rc = safer_assess_compute(st, &o, a, err);
    }
    /* Each ward's cluster of up to four similar neighbours, as the report
     * and the members' packs form them; wards that cannot be clustered
     * (no population, fewer than two) stay without one. */
    if (rc == 0 && a->profiles) {
        struct safer_ward_clusters wc;
        struct safer_err scratch = {0};
        if (safer_ward_clusters(a, SAFER_CLUSTERS_WARD_SIZE, &wc, &scratch) == 0) {
            for (size_t i = 0; i < wc.attr.n && i < wc.result.n; i++) {
                long w = safer_profiles_find(a->profiles, wc.attr.code[i]);
                if (w >= 0)
                    a->profiles->ward[w].cluster = (int)wc.result.cluster[i];
            }
        }
        safer_ward_clusters_release(&wc);
    }
    safer_arena_release(&arena);
    return rc;
}
