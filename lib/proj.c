/*
 * proj.c - WGS84 lon/lat to British National Grid through PROJ.
 *
 * PROJ is loaded when the first transformation is set up, not when safer
 * starts: with its thirty-odd dependencies (libcurl, GnuTLS, libtiff,
 * Kerberos...) loading it takes about 25 ms, which every command paid,
 * though only the assessment uses it. SAFER_PROJ_SONAME is the library's
 * soname, found when safer is configured.
 */
#include "compat.h"

#include <dlfcn.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <proj.h>

#include "internal.h"
#include "safer/proj.h"

static struct {
    PJ_CONTEXT *(*context_create)(void);
    PJ_CONTEXT *(*context_destroy)(PJ_CONTEXT *ctx);
    int (*context_set_enable_network)(PJ_CONTEXT *ctx, int enabled);
    int (*context_errno)(PJ_CONTEXT *ctx);
    const char *(*context_errno_string)(PJ_CONTEXT *ctx, int err);
    PJ *(*create_crs_to_crs)(PJ_CONTEXT *ctx, const char *src, const char *dst, PJ_AREA *area);
    PJ *(*normalize_for_visualization)(PJ_CONTEXT *ctx, const PJ *obj);
    PJ *(*clone)(PJ_CONTEXT *ctx, const PJ *obj);
    PJ *(*destroy)(PJ *pj);
    PJ_COORD (*trans)(PJ *pj, PJ_DIRECTION dir, PJ_COORD c);
    PJ *(*trans_get_last_used_operation)(PJ *pj);
    size_t (*trans_generic)(PJ *pj, PJ_DIRECTION dir, double *x, size_t sx, size_t nx, double *y,
                            size_t sy, size_t ny, double *z, size_t sz, size_t nz, double *t,
                            size_t st, size_t nt);
    PJ_PROJ_INFO (*pj_info)(PJ *pj);
} P;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static char load_error[512];

static void load_proj(void)
{
    void *h = dlopen(SAFER_PROJ_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(load_error, sizeof(load_error), "%s", e ? e : "unknown error");
        return;
    }
    static const char *const names[] = {
        "proj_context_create",       "proj_context_destroy",
        "proj_context_set_enable_network", "proj_context_errno",
        "proj_context_errno_string", "proj_create_crs_to_crs",
        "proj_normalize_for_visualization", "proj_clone",
        "proj_destroy",              "proj_trans",
        "proj_trans_get_last_used_operation", "proj_trans_generic",
        "proj_pj_info",
    };
    void *sym[sizeof(names) / sizeof(names[0])];
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        sym[i] = dlsym(h, names[i]);
        if (!sym[i]) {
            snprintf(load_error, sizeof(load_error), "%s has no %s", SAFER_PROJ_SONAME, names[i]);
            return;
        }
    }
    /* POSIX guarantees that a function pointer survives the trip through void *. */
    memcpy(&P.context_create, &sym[0], sizeof(void *));
    memcpy(&P.context_destroy, &sym[1], sizeof(void *));
    memcpy(&P.context_set_enable_network, &sym[2], sizeof(void *));
    memcpy(&P.context_errno, &sym[3], sizeof(void *));
    memcpy(&P.context_errno_string, &sym[4], sizeof(void *));
    memcpy(&P.create_crs_to_crs, &sym[5], sizeof(void *));
    memcpy(&P.normalize_for_visualization, &sym[6], sizeof(void *));
    memcpy(&P.clone, &sym[7], sizeof(void *));
    memcpy(&P.destroy, &sym[8], sizeof(void *));
    memcpy(&P.trans, &sym[9], sizeof(void *));
    memcpy(&P.trans_get_last_used_operation, &sym[10], sizeof(void *));
    memcpy(&P.trans_generic, &sym[11], sizeof(void *));
    memcpy(&P.pj_info, &sym[12], sizeof(void *));
}

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
    pthread_once(&load_once, load_proj);
    if (load_error[0])
        return safer_err_set(err, SAFER_EPROJ,
                             "cannot load PROJ (%s): %s (is the PROJ library installed? "
                             "scripts/setup.sh installs it)",
                             SAFER_PROJ_SONAME, load_error);
    struct safer_bng *t = safer__xcalloc(1, sizeof(*t));
    t->ctx = P.context_create();
    if (!t->ctx) {
        free(t);
        return safer_err_set(err, SAFER_EPROJ, "cannot start PROJ");
    }
    /* Never reach for the network for grids: the assessment works offline. */
    P.context_set_enable_network(t->ctx, 0);
    PJ *raw = P.create_crs_to_crs(t->ctx, "EPSG:4326", "EPSG:27700", NULL);
    PJ *pj = raw ? P.normalize_for_visualization(t->ctx, raw) : NULL;
    P.destroy(raw);
    if (!pj) {
        int e = P.context_errno(t->ctx);
        int rc = safer_err_set(err, SAFER_EPROJ,
                               "PROJ cannot transform EPSG:4326 to EPSG:27700: %s (is proj-data "
                               "installed?)",
                               P.context_errno_string(t->ctx, e));
        P.context_destroy(t->ctx);
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
    P.destroy(t->pj2);
    if (t->ctx2)
        P.context_destroy(t->ctx2);
    P.destroy(t->pj);
    P.context_destroy(t->ctx);
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
    P.trans_generic(h->pj, PJ_FWD, h->x, sizeof(double), h->n, h->y, sizeof(double), h->n, NULL,
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
        PJ_COORD c = {{x[0], y[0], 0, 0}};
        PJ_COORD r = P.trans(t->pj, PJ_FWD, c);
        PJ *used = P.trans_get_last_used_operation(t->pj);
        if (used) {
            PJ_PROJ_INFO info = P.pj_info(used);
            snprintf(t->op, sizeof(t->op), "%s", info.description ? info.description : "unnamed");
            P.destroy(used);
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
            t->ctx2 = P.context_create();
            if (t->ctx2) {
                P.context_set_enable_network(t->ctx2, 0);
                t->pj2 = P.clone(t->ctx2, t->pj);
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
