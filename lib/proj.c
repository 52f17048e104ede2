/*
 * proj.c - WGS84 lon/lat to British National Grid through PROJ.
 */
#include "compat.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <proj.h>

#include "internal.h"
#include "safer/proj.h"

struct safer_bng {
    PJ_CONTEXT *ctx;
    PJ *pj;
    PJ_CONTEXT *ctx2; /* a second thread's own context and copy of pj, made on demand */
    PJ *pj2;
    char op[256];
};

int safer_bng_new(struct safer_bng **out, struct safer_err *err)
{
    *out = NULL;
    struct safer_bng *t = safer__xcalloc(1, sizeof(*t));
    t->ctx = proj_context_create();
    if (!t->ctx) {
        free(t);
        return safer_err_set(err, SAFER_EPROJ, "cannot start PROJ");
    }
    /* Never reach for the network for grids: the assessment works offline. */
    proj_context_set_enable_network(t->ctx, 0);
    PJ *raw = proj_create_crs_to_crs(t->ctx, "EPSG:4326", "EPSG:27700", NULL);
    PJ *pj = raw ? proj_normalize_for_visualization(t->ctx, raw) : NULL;
    proj_destroy(raw);
    if (!pj) {
        int e = proj_context_errno(t->ctx);
        int rc = safer_err_set(err, SAFER_EPROJ,
                               "PROJ cannot transform EPSG:4326 to EPSG:27700: %s (is proj-data "
                               "installed?)",
                               proj_context_errno_string(t->ctx, e));
        proj_context_destroy(t->ctx);
        free(t);
        return rc;
    }
    t->pj = pj;
    *out = t;
    return 0;
}

void safer_bng_free(struct safer_bng *t)
{
    if (!t)
        return;
    proj_destroy(t->pj2);
    if (t->ctx2)
        proj_context_destroy(t->ctx2);
    proj_destroy(t->pj);
    proj_context_destroy(t->ctx);
    free(t);
}

struct half {
    PJ *pj;
    double *x, *y;
    size_t n;
};

static void *run_half(void *arg)
{
    struct half *h = arg;
    proj_trans_generic(h->pj, PJ_FWD, h->x, sizeof(double), h->n, h->y, sizeof(double), h->n, NULL,
                       0, 0, NULL, 0, 0);
    return NULL;
}

long safer_bng_transform(struct safer_bng *t, double *x, double *y, size_t n,
                         struct safer_err *err)
{
    (void)err;
    if (n == 0)
        return 0;
    if (!t->op[0]) {
        /* Transform the first point alone to learn which operation PROJ uses. */
        PJ_COORD c = proj_coord(x[0], y[0], 0, 0);
        PJ_COORD r = proj_trans(t->pj, PJ_FWD, c);
        PJ *used = proj_trans_get_last_used_operation(t->pj);
        if (used) {
            PJ_PROJ_INFO info = proj_pj_info(used);
            snprintf(t->op, sizeof(t->op), "%s", info.description ? info.description : "unnamed");
            proj_destroy(used);
        } else {
            snprintf(t->op, sizeof(t->op), "%s", "unnamed");
        }
        (void)r;
    }
    /* PROJ objects are not shared between threads: a second thread gets its own
     * context and a clone of the operation, and takes the second half. */
    struct half h2 = {NULL, x + n / 2, y + n / 2, n - n / 2};
    pthread_t tid;
    int threaded = 0;
    if (n >= 20000) {
        if (!t->pj2) {
            t->ctx2 = proj_context_create();
            if (t->ctx2) {
                proj_context_set_enable_network(t->ctx2, 0);
                t->pj2 = proj_clone(t->ctx2, t->pj);
            }
        }
        h2.pj = t->pj2;
        threaded = h2.pj && pthread_create(&tid, NULL, run_half, &h2) == 0;
    }
    struct half h1 = {t->pj, x, y, threaded ? n / 2 : n};
    run_half(&h1);
    if (threaded)
        pthread_join(tid, NULL);
    long bad = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i]) || x[i] == HUGE_VAL) {
            x[i] = y[i] = NAN;
            bad++;
        }
    }
    return bad;
}

const char *safer_bng_operation(const struct safer_bng *t) { return t->op; }
