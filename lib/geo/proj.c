/*
 * proj.c - WGS84 lon/lat to British National Grid through PROJ.
 *
 * PROJ is loaded when the first transformation is set up, not when safer
 * starts: with its thirty-odd dependencies (libcurl, GnuTLS, libtiff,
 * Kerberos...) loading it takes about 25 ms, which every command paid,
 * though only the assessment uses it. SAFER_PROJ_SONAME is the library's
 * soname, found when safer is configured.
 */
#include "util/compat.h"

#include <dlfcn.h>
#include <math.h>
#include <stddef.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <proj.h>

#include "geo/geo_internal.h"
#include "util/internal.h"
#include "util/tasks.h"
#include "safer/proj.h"

static struct proj_api {
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
#define API(f) {"proj_" #f, offsetof(struct proj_api, f)}
    static const struct {
        const char *name;
        size_t at;
    } api[] = {
        API(context_create),    API(context_destroy),
        API(context_set_enable_network), API(context_errno),
        API(context_errno_string), API(create_crs_to_crs),
        API(normalize_for_visualization), API(clone),
        API(destroy),           API(trans),
        API(trans_get_last_used_operation), API(trans_generic),
        API(pj_info),
    };
#undef API
    for (size_t i = 0; i < sizeof(api) / sizeof(api[0]); i++) {
        void *sym = dlsym(h, api[i].name);
        if (!sym) {
            snprintf(load_error, sizeof(load_error), "%s has no %s", SAFER_PROJ_SONAME, api[i].name);
            return;
        }
        /* POSIX guarantees that a function pointer survives the trip through void *. */
        memcpy((char *)&P + api[i].at, &sym, sizeof(void *));
    }
}

struct safer_bng {
    PJ_CONTEXT *ctx;
    PJ *pj;
    PJ_CONTEXT *ctx2; /* a second thread's own context and copy of pj, made on demand */
    PJ *pj2;
    struct safer__tasks *tasks; /* borrowed: threads a transformation may use, or NULL */
    char op[256];
    size_t exact; /* points the last safer_bng_cells sent through PROJ */
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
    struct safer__task task = {0};
    int split = 0;
    if (n >= 20000 && t->tasks && atomic_load(&t->tasks->budget) > 0) {
        if (!t->pj2) {
            t->ctx2 = P.context_create();
            if (t->ctx2) {
                P.context_set_enable_network(t->ctx2, 0);
                t->pj2 = P.clone(t->ctx2, t->pj);
            }
        }
        h2.pj = t->pj2;
        split = h2.pj != NULL;
        if (split)
            safer__tasks_start(t->tasks, &task, run_half, &h2);
    }
    struct half h1 = {t->pj, x, y, split ? n / 2 : n};
    run_half(&h1);
    if (split)
        safer__tasks_join(t->tasks, &task);
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

void safer__bng_set_tasks(struct safer_bng *t, struct safer__tasks *g) { t->tasks = g; }

/*
 * Cells through a lattice. PROJ's operation for Great Britain (a Helmert
 * datum shift and a transverse Mercator projection) costs about half a
 * microsecond a point, and a hot spot grid needs only each point's cell.
 * So PROJ transforms the nodes of a lattice of LATTICE_STEP degrees over
 * the points; a point's easting and northing are interpolated bilinearly
 * from the four nodes around it, which is accurate to the bilinear error
 * bound (h^2 / 8) (|f_xx| + |f_yy|). The lattice's own second differences
 * measure h^2 |f_xx| and h^2 |f_yy|; their largest, four times over, bound
 * the error here. A point whose interpolated position is within
 * LATTICE_MARGIN of a cell line -- ten times that bound or more -- is
 * transformed by PROJ itself, so every cell is the one PROJ's own
 * coordinates give. The lattice is used only over Great Britain and its
 * waters, where the projection's second derivatives are small and smooth,
 * and only when it saves work; otherwise every point goes through PROJ.
 */
#define LATTICE_STEP 0.01
#define LATTICE_MARGIN 1.0

static void exact_cells(struct safer_bng *t, const double *lon, const double *lat,
                        const size_t *which, size_t n, double cell, int64_t *ci, int64_t *cj,
                        long *bad, struct safer_err *err)
{
    t->exact = n;
    double *x = safer__xmalloc(sizeof(double) * (n ? n : 1));
    double *y = safer__xmalloc(sizeof(double) * (n ? n : 1));
    for (size_t k = 0; k < n; k++) {
        size_t i = which ? which[k] : k;
        x[k] = lon[i];
        y[k] = lat[i];
    }
    safer_bng_transform(t, x, y, n, err);
    for (size_t k = 0; k < n; k++) {
        size_t i = which ? which[k] : k;
        if (isnan(x[k])) {
            ci[i] = cj[i] = SAFER_BNG_NO_CELL;
            (*bad)++;
        } else {
            ci[i] = (int64_t)floor(x[k] / cell);
            cj[i] = (int64_t)floor(y[k] / cell);
        }
    }
    free(x);
    free(y);
}

/* Distance from v to the nearest multiple of cell, and floor(v / cell). */
static double line_gap(double v, double cell, int64_t *k)
{
    double f = floor(v / cell);
    *k = (int64_t)f;
    double d = v - f * cell;
    return d < cell - d ? d : cell - d;
}

long safer_bng_cells(struct safer_bng *t, const double *lon, const double *lat, size_t n,
                     double cell, int64_t *ci, int64_t *cj, struct safer_err *err)
{
    long bad = 0;
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    int finite = 1;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(lon[i]) || !isfinite(lat[i])) {
            finite = 0;
            break;
        }
        x0 = fmin(x0, lon[i]);
        x1 = fmax(x1, lon[i]);
        y0 = fmin(y0, lat[i]);
        y1 = fmax(y1, lat[i]);
    }
    size_t nx = 0, ny = 0;
    if (finite && n && x0 >= -9.0 && x1 <= 3.0 && y0 >= 49.0 && y1 <= 61.0 &&
        cell >= 8 * LATTICE_MARGIN) {
        nx = (size_t)floor((x1 - x0) / LATTICE_STEP) + 2;
        ny = (size_t)floor((y1 - y0) / LATTICE_STEP) + 2;
    }
    /* Worth it only when the lattice is much smaller than the points. */
    if (nx < 3 || ny < 3 || nx * ny > n / 8) {
        exact_cells(t, lon, lat, NULL, n, cell, ci, cj, &bad, err);
        return bad;
    }
    size_t nn = nx * ny;
    double *e = safer__xmalloc(sizeof(double) * nn);
    double *no = safer__xmalloc(sizeof(double) * nn);
    for (size_t r = 0; r < ny; r++) {
        for (size_t q = 0; q < nx; q++) {
            e[r * nx + q] = x0 + (double)q * LATTICE_STEP;
            no[r * nx + q] = y0 + (double)r * LATTICE_STEP;
        }
    }
    long lost = safer_bng_transform(t, e, no, nn, err);
    /* The error bound from the lattice's second differences. */
    double dxx = 0, dyy = 0;
    for (size_t r = 0; lost == 0 && r < ny; r++) {
        for (size_t q = 0; q < nx; q++) {
            size_t k = r * nx + q;
            if (q > 0 && q + 1 < nx) {
                dxx = fmax(dxx, fabs(e[k - 1] - 2 * e[k] + e[k + 1]));
                dxx = fmax(dxx, fabs(no[k - 1] - 2 * no[k] + no[k + 1]));
            }
            if (r > 0 && r + 1 < ny) {
                dyy = fmax(dyy, fabs(e[k - nx] - 2 * e[k] + e[k + nx]));
                dyy = fmax(dyy, fabs(no[k - nx] - 2 * no[k] + no[k + nx]));
            }
        }
    }
    if (lost != 0 || !(4.0 * (dxx + dyy) / 8.0 <= LATTICE_MARGIN / 10.0)) {
        free(e);
        free(no);
        exact_cells(t, lon, lat, NULL, n, cell, ci, cj, &bad, err);
        return bad;
    }
    size_t *near = safer__xmalloc(sizeof(size_t) * n);
    size_t nnear = 0;
    for (size_t i = 0; i < n; i++) {
        double fx = (lon[i] - x0) / LATTICE_STEP, fy = (lat[i] - y0) / LATTICE_STEP;
        size_t q = (size_t)fx, r = (size_t)fy;
        if (q > nx - 2)
            q = nx - 2;
        if (r > ny - 2)
            r = ny - 2;
        double u = fx - (double)q, v = fy - (double)r;
        size_t k = r * nx + q;
        double ie = (1 - v) * ((1 - u) * e[k] + u * e[k + 1]) +
                    v * ((1 - u) * e[k + nx] + u * e[k + nx + 1]);
        double in = (1 - v) * ((1 - u) * no[k] + u * no[k + 1]) +
                    v * ((1 - u) * no[k + nx] + u * no[k + nx + 1]);
        if (line_gap(ie, cell, &ci[i]) <= LATTICE_MARGIN ||
            line_gap(in, cell, &cj[i]) <= LATTICE_MARGIN)
            near[nnear++] = i;
    }
    free(e);
    free(no);
    exact_cells(t, lon, lat, near, nnear, cell, ci, cj, &bad, err);
    free(near);
    return bad;
}

size_t safer_bng_exact_count(const struct safer_bng *t) { return t->exact; }
