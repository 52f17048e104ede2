/*
 * area.c - the wards of an area: a district (LAD code) or a Community
 * Safety Partnership (CSP code, through the district to CSP lookup). The
 * assessment and the export choose their wards the same way.
 */
#include "util/compat.h"

#include <stdlib.h>
#include <string.h>

#include "assess/assess_internal.h"
#include "safer/lookup.h"
#include "util/internal.h"

int safer__area_wards(struct safer_store *st, const char *area, const struct safer_area *all,
                      size_t n, unsigned char *keep, char **name, struct safer_err *err)
{
    *name = NULL;
    if (!area) {
        memset(keep, 1, n);
        return 0;
    }
    struct safer_pairs wd = {0}, csp = {0};
    char *csp_name = NULL;
    int rc = safer_lookup_ward_districts(st, &wd, err);
    if (rc == 0)
        rc = safer_lookup_csp_districts(st, area, &csp, &csp_name, err);
    if (rc < 0)
        goto out;
    /* The districts that make up the area: a CSP's, or the code itself. A
     * ward's district comes from its boundary file, else the lookups. */
    size_t ndist = csp.n ? csp.n : 1;
    const char *self[1] = {area};
    char *const *dists = csp.n ? csp.a : (char *const *)self;
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        const char *d = all[i].district;
        if (!d) {
            long k = safer__find_str(wd.a, wd.n, all[i].code);
            d = k >= 0 ? wd.b[k] : NULL;
        }
        keep[i] = 0;
        for (size_t k = 0; d && k < ndist; k++) {
            if (strcmp(d, dists[k]) == 0) {
                keep[i] = 1;
                kept++;
                break;
            }
        }
    }
    if (!kept) {
        rc = safer_err_set(err, SAFER_ENOTFOUND,
                           "no stored ward lies in area '%s' (a district code, or a Community "
                           "Safety Partnership code with the district to CSP lookup loaded)",
                           area);
        goto out;
    }
    if (csp_name) {
        *name = csp_name;
        csp_name = NULL;
    } else {
        rc = safer_lookup_district_name(st, area, name, err);
    }
out:
    free(csp_name);
    safer_pairs_release(&wd);
    safer_pairs_release(&csp);
    return rc;
}
