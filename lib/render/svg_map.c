/*
 * svg_map.c - choropleth and hot spot maps from British National Grid
 * geometry (see include/safer/svg.h).
 *
 * Projection. EPSG:27700 is already a plane in metres (transverse Mercator,
 * scale factor 0.9996 on the central meridian, within 0.04% across England),
 * so a map is one uniform scale k px/m and a flip of the y axis, since
 * northing grows upwards and SVG y downwards:
 *     px = ox + (E - minE) * k,    py = oy + (maxN - N) * k.
 * Up is grid north; the north arrow says so. The scale bar measures grid
 * metres, which differ from ground metres by less than the width of its line.
 *
 * Size. Coordinates are rounded to 0.1 px and written relative to the
 * previous vertex. Vertices closer than 0.3 px to the last one kept are
 * dropped, then Douglas-Peucker at 0.2 px removes those that lie within
 * 0.2 px of the chord that replaces them, and rings that end up with fewer
 * than three vertices are left out: at that scale they cannot be seen. Adjacent polygons may then differ
 * by up to 0.3 px along a shared edge; their 0.5 px outlines cover it.
 * Small multiples, six maps at a time, use 0.5 px for both (SIMPLIFY_COARSE):
 * a third fewer bytes, and still nothing a reader can see.
 *
 * Layout: the map on the left, fitted to its box at one scale; a legend
 * column on the right (legend, then north arrow and scale bar at the
 * bottom); caption and attribution wrapped across the full width underneath.
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/internal.h"
#include "safer/html.h"
#include "safer/svg.h"

#define NODATA_FILL "#f3f2f1"
#define HIDDEN_FILL "#fff"    /* under the cross-hatching of an area not published */
#define HIDDEN_STROKE "#505a5f"
#define SIMPLIFY_RADIAL 3 /* tenths of a px: 0.3 px */
#define SIMPLIFY_CHORD 2.0 /* tenths of a px: 0.2 px, the Douglas-Peucker tolerance */
#define SIMPLIFY_COARSE 5 /* tenths of a px: both tolerances of small multiples' panels,
                           * where six maps at a time make the bytes add up */

/* ColorBrewer YlOrRd (Brewer, Harrower; Apache-2.0 colours), sequential, colour-blind safe. */
static const char *const ylorrd[SAFER_SVG_MAX_CLASSES][SAFER_SVG_MAX_CLASSES] = {
    {"#fd8d3c"},
    {"#fecc5c", "#e31a1c"},
    {"#ffeda0", "#feb24c", "#f03b20"},
    {"#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"},
    {"#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"},
    {"#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"},
    {"#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"},
};

/* Gi* classes: ColorBrewer RdBu (diverging, colour-blind safe); NULL = hatched. */
static const struct {
    const char *name;   /* as accepted by safer_svg_gi_class_from_name */
    const char *label;  /* legend text */
    const char *fill;
} gi[SAFER_SVG_GI_NCLASSES] = {
    [SAFER_SVG_GI_HOT99] = {"hot99", "Hot spot, 99% confidence", "#b2182b"},
    [SAFER_SVG_GI_HOT95] = {"hot95", "Hot spot, 95% confidence", "#d6604d"},
    [SAFER_SVG_GI_HOT90] = {"hot90", "Hot spot, 90% confidence", "#f4a582"},
    [SAFER_SVG_GI_NONE] = {"none", "Not significant", "#f0f0f0"},
    [SAFER_SVG_GI_COLD90] = {"cold90", "Cold spot, 90% confidence", "#92c5de"},
    [SAFER_SVG_GI_COLD95] = {"cold95", "Cold spot, 95% confidence", "#4393c3"},
    [SAFER_SVG_GI_COLD99] = {"cold99", "Cold spot, 99% confidence", "#2166ac"},
    [SAFER_SVG_GI_NO_SCORE] = {"no_score", "No score", NULL},
};

int safer_svg_gi_class_from_name(const char *name)
{
    if (!name)
        return SAFER_EINVAL;
    for (int i = 0; i < SAFER_SVG_GI_NCLASSES; i++) {
        if (strcmp(name, gi[i].name) == 0)
            return i;
    }
    return SAFER_EINVAL;
}

const char *safer_svg_gi_class_name(enum safer_svg_gi_class cls)
{
    if ((int)cls < 0 || cls >= SAFER_SVG_GI_NCLASSES)
        return NULL;
    return gi[cls].name;
}

const char *safer_svg_gi_class_label(enum safer_svg_gi_class cls)
{
    if ((int)cls < 0 || cls >= SAFER_SVG_GI_NCLASSES)
        return NULL;
    return gi[cls].label;
}

/* ------------------------------------------------------------- geometry */

struct bbox {
    double minx, miny, maxx, maxy;
    bool any;
};

static void bbox_add(struct bbox *bb, double x, double y)
{
    if (!bb->any) {
        bb->minx = bb->maxx = x;
        bb->miny = bb->maxy = y;
        bb->any = true;
        return;
    }
    bb->minx = fmin(bb->minx, x);
    bb->maxx = fmax(bb->maxx, x);
    bb->miny = fmin(bb->miny, y);
    bb->maxy = fmax(bb->maxy, y);
}

/* Check the invariants of geom.h that reading the arrays relies on, and the coordinates. */
static int check_geom(const struct safer_geom *g, const char *what, size_t i, struct safer_err *err)
{
    if ((g->npoints && !g->xy) || (g->nrings && !g->ring_start) ||
        (g->nparts && !g->part_start))
        return safer_err_set(err, SAFER_EINVAL, "%s %zu has counts but no arrays", what, i);
    if (g->nrings) {
        for (uint32_t r = 0; r < g->nrings; r++) {
            if (g->ring_start[r] > g->ring_start[r + 1])
                return safer_err_set(err, SAFER_EINVAL, "%s %zu: ring %u starts after its end",
                                     what, i, r);
        }
        if (g->ring_start[g->nrings] > g->npoints)
            return safer_err_set(err, SAFER_EINVAL, "%s %zu: rings run past the last point",
                                 what, i);
    }
    if (g->nparts) {
        for (uint32_t p = 0; p < g->nparts; p++) {
            if (g->part_start[p] > g->part_start[p + 1])
                return safer_err_set(err, SAFER_EINVAL, "%s %zu: part %u starts after its end",
                                     what, i, p);
        }
        if (g->part_start[g->nparts] > g->nrings)
            return safer_err_set(err, SAFER_EINVAL, "%s %zu: parts run past the last ring", what,
                                 i);
    }
    for (size_t k = 0; k < 2 * (size_t)g->npoints; k++) {
        if (!isfinite(g->xy[k]))
            return safer_err_set(err, SAFER_EINVAL, "%s %zu has a non-finite coordinate", what, i);
    }
    return 0;
}

static void bbox_add_geom(struct bbox *bb, const struct safer_geom *g)
{
    uint32_t end = g->nrings ? g->ring_start[g->nrings] : 0;
    for (uint32_t k = g->nrings ? g->ring_start[0] : 0; k < end; k++)
        bbox_add(bb, g->xy[2 * k], g->xy[2 * k + 1]);
}

struct proj {
    double minx, maxy; /* metres */
    double k;          /* px per metre */
    double ox, oy;     /* px of (minx, maxy) */
};

static double proj_x(const struct proj *p, double e) { return p->ox + (e - p->minx) * p->k; }
static double proj_y(const struct proj *p, double n) { return p->oy + (p->maxy - n) * p->k; }

/* Reusable scratch memory for one render. */
struct scratch {
    long long *pts; /* projected ring, tenths: x0, y0, x1, y1 ... */
    size_t cap;
    double *xs; /* crossings for label placement */
    size_t xcap;
    unsigned char *keep; /* Douglas-Peucker: vertex kept */
    size_t kcap;
    size_t *stack; /* Douglas-Peucker: pending (start, end) pairs */
    size_t scap;
    bool coarse; /* SIMPLIFY_COARSE for both tolerances */
};

static void scratch_release(struct scratch *s)
{
    free(s->pts);
    free(s->xs);
    free(s->keep);
    free(s->stack);
}

/* Squared distance in tenths between points a and b of `p`. */
static double dist2(const long long *a, const long long *b)
{
    double dx = (double)(a[0] - b[0]), dy = (double)(a[1] - b[1]);
    return dx * dx + dy * dy;
}

/* Squared distance in tenths from v to the segment a-b. */
static double seg_dist2(const long long *v, const long long *a, const long long *b)
{
    double dx = (double)(b[0] - a[0]), dy = (double)(b[1] - a[1]);
    double len2 = dx * dx + dy * dy;
    double t = 0;
    if (len2 > 0) {
        t = (dx * (double)(v[0] - a[0]) + dy * (double)(v[1] - a[1])) / len2;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
    }
    double px = (double)a[0] + t * dx - (double)v[0], py = (double)a[1] + t * dy - (double)v[1];
    return px * px + py * py;
}

/*
 * Douglas-Peucker on the closed ring of `k` (>= 3) points in sc->pts, at
 * SIMPLIFY_CHORD: split at the vertex farthest from the first, keep every
 * vertex that lies farther than the tolerance from the chord that would
 * replace it. Iterative (an explicit stack) so a long ring cannot exhaust the
 * C stack. Compacts sc->pts and returns how many vertices remain.
 */
static size_t ring_douglas_peucker(struct scratch *sc, size_t k)
{
    const long long *p = sc->pts;
    size_t far = 0;
    double dmax = -1;
    for (size_t i = 1; i < k; i++) {
        double d = dist2(p + 2 * i, p);
        if (d > dmax) {
            dmax = d;
            far = i;
        }
    }
    SAFER__GROW(sc->keep, sc->kcap, k + 1);
    SAFER__GROW(sc->stack, sc->scap, 2 * (k + 1));
    memset(sc->keep, 0, k + 1);
    sc->keep[0] = sc->keep[far] = sc->keep[k] = 1;
    size_t top = 0;
    sc->stack[top++] = 0;
    sc->stack[top++] = far;
    sc->stack[top++] = far;
    sc->stack[top++] = k; /* index k is vertex 0 again: the ring closes */
    while (top) {
        size_t e = sc->stack[--top], s = sc->stack[--top];
        if (e - s < 2)
            continue;
        const long long *a = p + 2 * s, *b = p + 2 * (e % k);
        size_t imax = 0;
        double best = -1;
        for (size_t i = s + 1; i < e; i++) {
            double d = seg_dist2(p + 2 * i, a, b);
            if (d > best) {
                best = d;
                imax = i;
            }
        }
        if (best <= (sc->coarse ? SIMPLIFY_COARSE * SIMPLIFY_COARSE : SIMPLIFY_CHORD * SIMPLIFY_CHORD))
            continue;
        sc->keep[imax] = 1;
        sc->stack[top++] = s;
        sc->stack[top++] = imax;
        sc->stack[top++] = imax;
        sc->stack[top++] = e;
    }
    size_t out = 0;
    for (size_t i = 0; i < k; i++) {
        if (!sc->keep[i])
            continue;
        sc->pts[2 * out] = sc->pts[2 * i];
        sc->pts[2 * out + 1] = sc->pts[2 * i + 1];
        out++;
    }
    return out;
}

/*
 * Project ring [s, e) of `g` into sc->pts and simplify it; returns the
 * number of vertices kept (the closing duplicate is never kept).
 */
static size_t ring_project(const struct safer_geom *g, uint32_t s, uint32_t e,
                           const struct proj *pj, struct scratch *sc)
{
    size_t cnt = e - s;
    if (cnt >= 2 && g->xy[2 * s] == g->xy[2 * (e - 1)] && g->xy[2 * s + 1] == g->xy[2 * (e - 1) + 1])
        cnt--;
    if (cnt == 0)
        return 0;
    SAFER__GROW(sc->pts, sc->cap, 2 * cnt);
    long long *p = sc->pts;

    /* Radial pass: drop a vertex within 0.3 px of the last one kept. */
    double radial = sc->coarse ? SIMPLIFY_COARSE : SIMPLIFY_RADIAL;
    size_t k = 0;
    for (size_t i = 0; i < cnt; i++) {
        long long x = safer_svg_tenths(proj_x(pj, g->xy[2 * (s + i)]));
        long long y = safer_svg_tenths(proj_y(pj, g->xy[2 * (s + i) + 1]));
        long long q[2] = {x, y};
        if (k > 0 && dist2(q, p + 2 * (k - 1)) < radial * radial)
            continue;
        p[2 * k] = x;
        p[2 * k + 1] = y;
        k++;
    }
    while (k > 1 && dist2(p + 2 * (k - 1), p) < radial * radial)
        k--;
    if (k < 3)
        return k;

    return ring_douglas_peucker(sc, k);
}

/* Write the "d" of all rings of `g`. Returns the number of rings drawn. */
static size_t geom_path(struct safer_buf *b, const struct safer_geom *g, const struct proj *pj,
                        struct scratch *sc)
{
    struct safer_svg_path path;
    size_t drawn = 0;
    safer_svg_path_init(&path, b);
    for (uint32_t r = 0; r < g->nrings; r++) {
        size_t k = ring_project(g, g->ring_start[r], g->ring_start[r + 1], pj, sc);
        if (k < 3)
            continue;
        safer_svg_path_move(&path, sc->pts[0], sc->pts[1]);
        for (size_t i = 1; i < k; i++)
            safer_svg_path_line(&path, sc->pts[2 * i], sc->pts[2 * i + 1]);
        safer_svg_path_close(&path);
        drawn++;
    }
    return drawn;
}

/* Signed area and centroid of ring [s, e) (shoelace). */
static double ring_centroid(const struct safer_geom *g, uint32_t s, uint32_t e, double *cx,
                            double *cy)
{
    double a = 0, x = 0, y = 0;
    if (e - s < 3)
        return 0;
    /* Relative to the first vertex: BNG coordinates are large, products lose digits. */
    double x0 = g->xy[2 * s], y0 = g->xy[2 * s + 1];
    for (uint32_t i = s; i + 1 < e; i++) {
        double xa = g->xy[2 * i] - x0, ya = g->xy[2 * i + 1] - y0;
        double xb = g->xy[2 * i + 2] - x0, yb = g->xy[2 * i + 3] - y0;
        double cr = xa * yb - xb * ya;
        a += cr;
        x += (xa + xb) * cr;
        y += (ya + yb) * cr;
    }
    if (a != 0) {
        *cx = x0 + x / (3 * a);
        *cy = y0 + y / (3 * a);
    }
    return a / 2;
}

/* Even-odd test of (x, y) against rings [r0, r1) of `g`. */
static bool inside_rings(const struct safer_geom *g, uint32_t r0, uint32_t r1, double x, double y)
{
    bool in = false;
    for (uint32_t r = r0; r < r1; r++) {
        uint32_t s = g->ring_start[r], e = g->ring_start[r + 1];
        for (uint32_t i = s; i + 1 < e; i++) {
            double xa = g->xy[2 * i], ya = g->xy[2 * i + 1];
            double xb = g->xy[2 * i + 2], yb = g->xy[2 * i + 3];
            if ((ya > y) != (yb > y) && x < xa + (y - ya) * (xb - xa) / (yb - ya))
                in = !in;
        }
    }
    return in;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/*
 * A point inside the largest part of `g` for its label: the centroid of the
 * part's shell when that lies inside the part, else the middle of the
 * widest inside span on seven horizontal lines across it. Sets *area to the
 * part's area (m^2). False when `g` has no area.
 */
static bool label_point(const struct safer_geom *g, struct scratch *sc, double *lx, double *ly,
                        double *area)
{
    uint32_t best_r0 = 0, best_r1 = 0;
    double best_a = 0, cx = 0, cy = 0;
    uint32_t nparts = g->nparts ? g->nparts : g->nrings; /* no parts: every ring a shell */
    for (uint32_t p = 0; p < nparts; p++) {
        uint32_t r0 = g->nparts ? g->part_start[p] : p;
        uint32_t r1 = g->nparts ? g->part_start[p + 1] : p + 1;
        if (r0 >= r1)
            continue;
        double x = 0, y = 0;
        double a = fabs(ring_centroid(g, g->ring_start[r0], g->ring_start[r0 + 1], &x, &y));
        if (a > best_a) {
            best_a = a;
            best_r0 = r0;
            best_r1 = r1;
            cx = x;
            cy = y;
        }
    }
    if (!(best_a > 0))
        return false;
    *area = best_a;
    if (inside_rings(g, best_r0, best_r1, cx, cy)) {
        *lx = cx;
        *ly = cy;
        return true;
    }
    struct bbox bb = {0};
    for (uint32_t k = g->ring_start[best_r0]; k < g->ring_start[best_r0 + 1]; k++)
        bbox_add(&bb, g->xy[2 * k], g->xy[2 * k + 1]);
    double best_w = -1;
    for (int line = 1; line <= 7; line++) {
        double y = bb.miny + (bb.maxy - bb.miny) * line / 8.0;
        size_t nx = 0;
        for (uint32_t r = best_r0; r < best_r1; r++) {
            for (uint32_t i = g->ring_start[r]; i + 1 < g->ring_start[r + 1]; i++) {
                double xa = g->xy[2 * i], ya = g->xy[2 * i + 1];
                double xb = g->xy[2 * i + 2], yb = g->xy[2 * i + 3];
                if ((ya > y) != (yb > y)) {
                    SAFER__GROW(sc->xs, sc->xcap, nx + 1);
                    sc->xs[nx++] = xa + (y - ya) * (xb - xa) / (yb - ya);
                }
            }
        }
        qsort(sc->xs, nx, sizeof(double), cmp_double);
        for (size_t i = 0; i + 1 < nx; i += 2) {
            if (sc->xs[i + 1] - sc->xs[i] > best_w) {
                best_w = sc->xs[i + 1] - sc->xs[i];
                *lx = (sc->xs[i] + sc->xs[i + 1]) / 2;
                *ly = y;
            }
        }
    }
    if (best_w < 0) {
        *lx = (bb.minx + bb.maxx) / 2;
        *ly = (bb.miny + bb.maxy) / 2;
    }
    return true;
}

/* ---------------------------------------------------------------- frame */

struct layout {
    double W, H, sc, pad;
    double fs, fts, ftn;
    double map_x0, map_y0, map_x1, map_y1; /* box the map is fitted into */
    double col_x, col_w;                   /* legend column (stacked: the legend block) */
    double leg_y0;                         /* top of the legend */
    double north_x, north_top;             /* north arrow: centre, top */
    double bar_x, bar_top, bar_max;        /* scale bar: left, top, longest px */
    double text_y;                         /* first caption baseline */
    size_t ncap, nattr;
    struct proj pj;
};

#define CAPTION_LINES 6
#define ATTRIBUTION_LINES 4
#define NORTH_H 40.0 /* px at scale 1, arrow and its "N" */
#define SCALE_H 34.0 /* px at scale 1, bar and its labels */
#define LEGEND_ROW 21.0 /* px at scale 1 */

static int check_frame(const struct safer_svg_map_frame *f, struct safer_err *err)
{
    if (!f->attribution || !f->attribution[0])
        return safer_err_set(err, SAFER_EINVAL,
                             "map has no attribution (the OS and OGL notices are required)");
    return 0;
}

/* Height at scale 1 of the legend title's lines, wrapped to `width` px at scale 1. */
static double legend_title_h(const char *title, double width)
{
    size_t st[3], ln[3];
    size_t nl = safer_svg_wrap(title, SAFER_SVG_FONT, width, st, ln, 3);
    return (double)nl * SAFER_SVG_FONT * 1.25 + 6;
}

/*
 * Lay out a map of extent `bb` with a legend of `title` and `nentries` rows,
 * following opts (height 0 = from the extent's aspect ratio). A figure of
 * SAFER_SVG_STACK_BELOW px or more puts the legend in a column right of the
 * map, north arrow and scale bar at its foot; a narrower one gives the map
 * the whole width and stacks the legend, then the north arrow beside the
 * scale bar, under it.
 */
static void layout_map(struct layout *L, const struct safer_svg_opts *opts,
                       const struct safer_svg_map_frame *f, const struct bbox *bb,
                       const char *title, size_t nentries)
{
    size_t st[CAPTION_LINES], ln[CAPTION_LINES];
    L->W = opts->width ? opts->width : SAFER_SVG_DEFAULT_WIDTH;
    L->sc = safer_svg_scale(L->W);
    L->pad = 10 * L->sc;
    L->fs = SAFER_SVG_FONT * L->sc;
    L->fts = SAFER_SVG_FONT_SMALL * L->sc;
    L->ftn = SAFER_SVG_FONT_TINY * L->sc;
    bool stacked = L->W < SAFER_SVG_STACK_BELOW;
    if (stacked) {
        L->col_w = L->W - 2 * L->pad;
        L->col_x = L->pad;
    } else {
        L->col_w = fmax(180 * L->sc, fmin(0.3 * L->W, 230 * L->sc));
        L->col_x = L->W - L->pad - L->col_w;
    }
    L->ncap = safer_svg_wrap(f->caption, L->fts, L->W - 2 * L->pad, st, ln, CAPTION_LINES);
    L->nattr = safer_svg_wrap(f->attribution, L->ftn, L->W - 2 * L->pad, st, ln, ATTRIBUTION_LINES);
    double bottom_h = (double)L->ncap * L->fts * 1.35 + (double)L->nattr * L->ftn * 1.3 +
                      (L->ncap ? L->ftn * 0.5 : 0);
    double gap = 12 * L->sc;
    double mw = stacked ? L->W - 2 * L->pad : L->col_x - gap - L->pad;
    /* The legend's height: in a column, estimated with the narrowest column. */
    double legend_h = (legend_title_h(title, stacked ? L->col_w / L->sc : 180) +
                       LEGEND_ROW * (double)nentries) * L->sc;
    double furniture_h = (stacked ? NORTH_H : NORTH_H + SCALE_H + 16) * L->sc;
    double below = stacked ? gap + legend_h + gap + furniture_h : 0; /* under the map box */
    double col_h = legend_h + furniture_h;
    double dx = fmax(bb->maxx - bb->minx, 1.0), dy = fmax(bb->maxy - bb->miny, 1.0);
    double mh;
    if (opts->height) {
        L->H = opts->height;
        mh = L->H - 2 * L->pad - gap - bottom_h - below;
    } else {
        mh = fmin(fmax(mw * dy / dx, 0.5 * mw), 1.6 * mw);
        if (!stacked)
            mh = fmax(mh, col_h);
        L->H = ceil(2 * L->pad + mh + below + gap + bottom_h);
        if (L->H > SAFER_SVG_MAX_SIDE) {
            L->H = SAFER_SVG_MAX_SIDE;
            mh = L->H - 2 * L->pad - gap - bottom_h - below;
        }
    }
    if (mh < 40 * L->sc)
        mh = 40 * L->sc;
    L->map_x0 = L->pad;
    L->map_y0 = L->pad;
    L->map_x1 = L->pad + mw;
    L->map_y1 = L->pad + mh;
    L->text_y = L->map_y1 + below + gap + L->fts;

    /* Furniture: the widest scale bar that leaves room for its end label,
     * "20 km" at most in practice (centred on the bar's end). */
    double s = L->sc, end_label = safer_svg_text_width("500 km", L->fts) / 2 + 4 * s;
    if (stacked) {
        L->leg_y0 = L->map_y1 + gap;
        double top = L->leg_y0 + legend_h + gap;
        L->north_x = L->col_x + 12 * s;
        L->north_top = top;
        L->bar_x = L->col_x + 40 * s;
        L->bar_top = top + 14 * s;
        L->bar_max = fmin(L->col_x + L->col_w - L->bar_x - end_label, 0.5 * mw);
    } else {
        L->leg_y0 = L->map_y0;
        L->bar_x = L->col_x + 8 * s;
        L->bar_top = L->map_y1 - SCALE_H * s + 4 * s;
        L->bar_max = L->col_w - 8 * s - end_label;
        L->north_x = L->bar_x + 4 * s;
        L->north_top = L->bar_top - NORTH_H * s - 4 * s;
    }

    /* One scale for both axes, centred; 2 px in from the box so outlines are whole. */
    double iw = mw - 4, ih = mh - 4;
    L->pj.k = fmin(iw / dx, ih / dy);
    L->pj.minx = bb->minx;
    L->pj.maxy = bb->maxy;
    L->pj.ox = L->map_x0 + 2 + (iw - dx * L->pj.k) / 2;
    L->pj.oy = L->map_y0 + 2 + (ih - dy * L->pj.k) / 2;
}

/*
 * The patterns: grey hatching for "no data" / "no score", distinct from
 * every class colour; with `hidden`, a darker cross-hatching on white for
 * areas not published, distinct from both (and in print from "no data",
 * whose lines run one way only).
 */
/* One hatching pattern, 6 px square turned 45 degrees: `fill` behind
 * lines along one side, or along two (`cross`). */
static void put_hatch(struct safer_buf *b, const char *id, const char *suffix, double sc,
                      const char *fill, bool cross, const char *stroke, double width)
{
    safer_html_raw(b, "<pattern id=\"");
    safer_buf_puts(b, id);
    safer_buf_puts(b, suffix);
    safer_html_raw(b, "\" patternUnits=\"userSpaceOnUse\" width=\"");
    safer_svg_num(b, 6 * sc);
    safer_html_raw(b, "\" height=\"");
    safer_svg_num(b, 6 * sc);
    safer_html_raw(b, "\" patternTransform=\"rotate(45)\"><rect width=\"");
    safer_svg_num(b, 6 * sc);
    safer_html_raw(b, "\" height=\"");
    safer_svg_num(b, 6 * sc);
    safer_html_raw(b, "\" fill=\"");
    safer_buf_puts(b, fill);
    safer_html_raw(b, "\"/><path d=\"M0 0V");
    safer_svg_num(b, 6 * sc);
    if (cross) {
        safer_html_raw(b, "M0 0H");
        safer_svg_num(b, 6 * sc);
    }
    safer_html_raw(b, "\" stroke=\"");
    safer_buf_puts(b, stroke);
    safer_html_raw(b, "\" stroke-width=\"");
    safer_svg_num(b, width * sc);
    safer_html_raw(b, "\"/></pattern>");
}

static void put_defs(struct safer_buf *b, const char *id, double sc, bool hidden)
{
    safer_html_raw(b, "<defs>");
    put_hatch(b, id, "-nodata", sc, NODATA_FILL, false, "#8a8f91", 1.6);
    if (hidden)
        put_hatch(b, id, "-hidden", sc, HIDDEN_FILL, true, HIDDEN_STROKE, 1.2);
    safer_html_raw(b, "</defs>\n");
}

static void put_nodata_fill(struct safer_buf *b, const char *id)
{
    safer_html_raw(b, "url(#");
    safer_buf_puts(b, id);
    safer_html_raw(b, "-nodata)");
}

static void put_hidden_fill(struct safer_buf *b, const char *id)
{
    safer_html_raw(b, "url(#");
    safer_buf_puts(b, id);
    safer_html_raw(b, "-hidden)");
}

/* The start of a rectangle, "<rect x=.. y=.. width=.. height=..", with
 * the caller's further attributes and its end to follow. */
static void rect_open(struct safer_buf *b, double x, double y, double w, double h)
{
    safer_html_raw(b, "<rect x=\"");
    safer_svg_num(b, x);
    safer_html_raw(b, "\" y=\"");
    safer_svg_num(b, y);
    safer_html_raw(b, "\" width=\"");
    safer_svg_num(b, w);
    safer_html_raw(b, "\" height=\"");
    safer_svg_num(b, h);
    safer_html_raw(b, "\"");
}

/* A legend swatch at (x, y) top-left: `fill` colour, or the hatching when NULL. */
static void swatch(struct safer_buf *b, const struct layout *L, const char *id, double x, double y,
                   const char *fill)
{
    rect_open(b, x, y, 22 * L->sc, 14 * L->sc);
    safer_html_raw(b, " fill=\"");
    if (fill)
        safer_buf_puts(b, fill); /* from our palettes */
    else
        put_nodata_fill(b, id);
    safer_html_raw(b, "\" stroke=\"#505a5f\" stroke-width=\"0.5\"/>\n");
}

/* The swatch of an area not published, with its words beside it (at most
 * `w` px wide). */
static void hidden_entry(struct safer_buf *b, const struct layout *L, const char *id, double x,
                         double y, double w)
{
    rect_open(b, x, y, 22 * L->sc, 14 * L->sc);
    safer_html_raw(b, " fill=\"");
    put_hidden_fill(b, id);
    safer_html_raw(b, "\" stroke=\"#505a5f\" stroke-width=\"0.5\"/>\n");
    safer_svg_text_lines(b, x + 30 * L->sc, y + 11.5 * L->sc, L->fs, L->fs, w - 30 * L->sc, 1,
                         "start", NULL, SAFER_SVG_HIDDEN_LABEL);
}

/* Legend title lines; returns the y below them. */
static double legend_title(struct safer_buf *b, const struct layout *L, const char *title)
{
    double y = L->leg_y0 + L->fs * 0.9;
    if (!title)
        return L->leg_y0;
    safer_html_raw(b, "<g font-weight=\"bold\">");
    size_t nl = safer_svg_text_lines(b, L->col_x, y, L->fs, L->fs * 1.25, L->col_w, 3, "start",
                                     NULL, title);
    safer_html_raw(b, "</g>\n");
    return L->leg_y0 + (double)nl * L->fs * 1.25 + 6 * L->sc;
}

static void north_arrow(struct safer_buf *b, const struct layout *L, double cx, double top)
{
    double s = L->sc;
    safer_html_raw(b, "<g class=\"safer-north-arrow\"><title>North arrow: up is grid north</title>"
                      "<text font-weight=\"bold\" text-anchor=\"middle\" x=\"");
    safer_svg_num(b, cx);
    safer_html_raw(b, "\" y=\"");
    safer_svg_num(b, top + 12 * s);
    safer_html_raw(b, "\" font-size=\"");
    safer_svg_num(b, L->fts);
    safer_html_raw(b, "\">N</text><path fill=\"#0b0c0c\" stroke=\"#0b0c0c\" stroke-width=\"1\" "
                      "stroke-linejoin=\"round\" d=\"M");
    safer_svg_num(b, cx);
    safer_html_raw(b, " ");
    safer_svg_num(b, top + 15 * s);
    safer_html_raw(b, "l");
    safer_svg_num(b, -8 * s);
    safer_html_raw(b, " ");
    safer_svg_num(b, 23 * s);
    safer_html_raw(b, "l");
    safer_svg_num(b, 8 * s);
    safer_html_raw(b, " ");
    safer_svg_num(b, -6 * s);
    safer_html_raw(b, "z\"/><path fill=\"#fff\" stroke=\"#0b0c0c\" stroke-width=\"1\" "
                      "stroke-linejoin=\"round\" d=\"M");
    safer_svg_num(b, cx);
    safer_html_raw(b, " ");
    safer_svg_num(b, top + 15 * s);
    safer_html_raw(b, "l");
    safer_svg_num(b, 8 * s);
    safer_html_raw(b, " ");
    safer_svg_num(b, 23 * s);
    safer_html_raw(b, "l");
    safer_svg_num(b, -8 * s);
    safer_html_raw(b, " ");
    safer_svg_num(b, -6 * s);
    safer_html_raw(b, "z\"/></g>\n");
}

/*
 * A scale bar of a round length (1, 2 or 5 x 10^n metres) no longer than
 * `max_px`, in four alternating segments, "0" under its left end and the
 * length with its unit under the right end.
 */
/* The scale bar's length in metres for at most `max_px` at `k` px/m, and its label. */
static double scale_length(double k, double max_px, char lab[48])
{
    double max_m = max_px / k;
    double mag = pow(10.0, floor(log10(max_m)));
    double len_m = mag;
    if (5 * mag <= max_m)
        len_m = 5 * mag;
    else if (2 * mag <= max_m)
        len_m = 2 * mag;
    char num[40];
    if (len_m >= 1000)
        snprintf(lab, 48, "%s km", safer_svg_format_number(num, sizeof(num), len_m / 1000, 0, false));
    else if (len_m >= 1)
        snprintf(lab, 48, "%s m", safer_svg_format_number(num, sizeof(num), len_m, 0, false));
    else
        snprintf(lab, 48, "%s m", safer_svg_format_number(num, sizeof(num), len_m, 2, false));
    return len_m;
}

static void scale_bar(struct safer_buf *b, const struct layout *L, double x, double top,
                      double max_px)
{
    double s = L->sc, k = L->pj.k;
    char lab[48];
    double len_m = scale_length(k, max_px, lab);
    double len = len_m * k, h = 6 * s;

    safer_html_raw(b, "<g class=\"safer-scale-bar\"><title>Scale bar: ");
    safer_html_text(b, lab);
    safer_html_raw(b, "</title>\n");
    for (int i = 0; i < 4; i++) {
        rect_open(b, x + len * i / 4, top, len / 4, h);
        safer_buf_puts(b, i % 2 ? " fill=\"#fff\"" : " fill=\"#0b0c0c\"");
        safer_html_raw(b, " stroke=\"#0b0c0c\" stroke-width=\"0.75\"/>\n");
    }
    safer_svg_text_lines(b, x, top + h + L->fts * 1.15, L->fts, L->fts, L->col_w, 1, "middle", NULL,
                         "0");
    safer_svg_text_lines(b, x + len, top + h + L->fts * 1.15, L->fts, L->fts, L->col_w, 1, "middle",
                         NULL, lab);
    safer_html_raw(b, "</g>\n");
}

/* North arrow and scale bar where the layout put them. */
static void map_furniture(struct safer_buf *b, const struct layout *L)
{
    north_arrow(b, L, L->north_x, L->north_top);
    scale_bar(b, L, L->bar_x, L->bar_top, L->bar_max);
}

static void map_texts(struct safer_buf *b, const struct layout *L,
                      const struct safer_svg_map_frame *f)
{
    double y = L->text_y;
    if (L->ncap) {
        safer_svg_text_lines(b, L->pad, y, L->fts, L->fts * 1.35, L->W - 2 * L->pad, CAPTION_LINES,
                             "start", "safer-caption", f->caption);
        y += (double)L->ncap * L->fts * 1.35 + L->ftn * 0.5;
    }
    safer_html_raw(b, "<g fill=\"#505a5f\">\n");
    safer_svg_text_lines(b, L->pad, y, L->ftn, L->ftn * 1.3, L->W - 2 * L->pad, ATTRIBUTION_LINES,
                         "start", "safer-attribution", f->attribution);
    safer_html_raw(b, "</g>\n");
}

/* ----------------------------------------------------------- choropleth */

struct classes {
    size_t n;                                  /* 0 when no value is finite */
    double lim[SAFER_SVG_MAX_CLASSES - 1];     /* n - 1 ascending inner limits */
    double min, max;                           /* of the finite values */
    size_t nnan;                               /* shown areas without a value */
    size_t nhidden;                            /* areas not published */
};

/* Is area i not published? */
static bool hidden_at(const unsigned char *hidden, size_t i) { return hidden && hidden[i]; }

static size_t class_of(const struct classes *cl, double v)
{
    size_t i = 0;
    while (i + 1 < cl->n && v >= cl->lim[i])
        i++;
    return i;
}

/* Sorted copy of the finite values of the areas shown (`hidden` NULL: of
 * all); *nf gets their number. The caller frees it. */
static double *finite_sorted(const double *values, const unsigned char *hidden, size_t n,
                             size_t *nf)
{
    double *v = safer__xmalloc((n ? n : 1) * sizeof(double));
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!hidden_at(hidden, i) && isfinite(values[i]))
            v[k++] = values[i];
    }
    qsort(v, k, sizeof(double), cmp_double);
    *nf = k;
    return v;
}

/* Quantiles of the nf sorted values v: the k-th limit is the first value of
 * the k-th fifth; a limit equal to the one before is dropped. */
static size_t quantile_limits(const double *v, size_t nf, double *lim)
{
    size_t nb = 0;
    if (nf == 0)
        return 0;
    double prev = v[0];
    for (size_t k = 1; k < 5; k++) {
        double t = v[k * nf / 5];
        if (t > prev) {
            lim[nb++] = t;
            prev = t;
        }
    }
    return nb;
}

size_t safer_svg_quantile_breaks(const double *values, size_t n,
                                 double breaks[SAFER_SVG_MAX_CLASSES - 1])
{
    size_t nf;
    double *v = finite_sorted(values, NULL, n, &nf);
    size_t nb = quantile_limits(v, nf, breaks);
    free(v);
    return nb;
}

/* The classes of the values of the areas shown: the given limits, or
 * quantiles when NULL. A hidden area's value is not read. */
static void classify_values(const double *values, const unsigned char *hidden, size_t n,
                            const double *breaks, size_t nbreaks, struct classes *cl)
{
    size_t nf;
    double *v = finite_sorted(values, hidden, n, &nf);
    memset(cl, 0, sizeof(*cl));
    for (size_t i = 0; i < n; i++)
        cl->nhidden += hidden_at(hidden, i);
    cl->nnan = n - nf - cl->nhidden;
    if (nf == 0) {
        free(v);
        return;
    }
    cl->min = v[0];
    cl->max = v[nf - 1];
    if (breaks) {
        cl->n = nbreaks + 1;
        for (size_t i = 0; i < nbreaks; i++)
            cl->lim[i] = breaks[i];
    } else {
        cl->n = quantile_limits(v, nf, cl->lim) + 1;
    }
    free(v);
}

static void classify(const struct safer_svg_choropleth *m, struct classes *cl)
{
    classify_values(m->values, m->hidden, m->n, m->breaks, m->nbreaks, cl);
}

char *safer_svg_class_label(char *out, size_t outsz, const double *breaks, size_t nbreaks,
                            size_t i, double lo, double hi, int dec)
{
    char a[40], z[40];
    if (!out || outsz == 0)
        return out;
    dec = dec < 0 ? 0 : dec > 6 ? 6 : dec;
    if (nbreaks == 0) {
        snprintf(out, outsz, "%s to %s", safer_svg_format_number(a, sizeof(a), lo, dec, false),
                 safer_svg_format_number(z, sizeof(z), hi, dec, false));
    } else if (i == 0) {
        snprintf(out, outsz, "Under %s", safer_svg_format_number(a, sizeof(a), breaks[0], dec, false));
    } else if (i >= nbreaks) {
        snprintf(out, outsz, "%s and over",
                 safer_svg_format_number(a, sizeof(a), breaks[nbreaks - 1], dec, false));
    } else {
        snprintf(out, outsz, "%s to under %s",
                 safer_svg_format_number(a, sizeof(a), breaks[i - 1], dec, false),
                 safer_svg_format_number(z, sizeof(z), breaks[i], dec, false));
    }
    return out;
}

static void class_label(char *out, size_t outsz, const struct classes *cl, size_t i, int dec)
{
    safer_svg_class_label(out, outsz, cl->lim, cl->n ? cl->n - 1 : 0, i, cl->min, cl->max, dec);
}

static int check_choropleth(const struct safer_svg_choropleth *m, struct safer_err *err)
{
    if (!m)
        return safer_err_set(err, SAFER_EINVAL, "map missing");
    int rc = check_frame(&m->frame, err);
    if (rc < 0)
        return rc;
    if (m->n && (!m->areas || !m->values))
        return safer_err_set(err, SAFER_EINVAL, "map has %zu areas but no geometry or values", m->n);
    if (m->decimals < 0 || m->decimals > 6)
        return safer_err_set(err, SAFER_EINVAL, "map decimals %d outside 0..6", m->decimals);
    if (m->breaks || m->nbreaks) {
        if (!m->breaks)
            return safer_err_set(err, SAFER_EINVAL, "map has %zu breaks but no array", m->nbreaks);
        if (m->nbreaks + 1 > SAFER_SVG_MAX_CLASSES)
            return safer_err_set(err, SAFER_ETOOBIG, "map has %zu classes, over the limit of %d",
                                 m->nbreaks + 1, SAFER_SVG_MAX_CLASSES);
        for (size_t i = 0; i < m->nbreaks; i++) {
            if (!isfinite(m->breaks[i]) || (i > 0 && !(m->breaks[i] > m->breaks[i - 1])))
                return safer_err_set(err, SAFER_EINVAL,
                                     "map break %zu is not finite or not above the one before", i);
        }
    }
    for (size_t i = 0; i < m->n; i++) {
        rc = check_geom(&m->areas[i], "area", i, err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

struct label {
    double x, y, w; /* px: the centre of the text's box, and its width */
    double ax, ay;  /* px: the point inside the polygon it names */
    double area;    /* m^2 of the polygon's largest part: smaller areas go first */
    size_t i;
    bool leader;    /* placed outside its polygon: a line joins it to ax, ay */
};

static int cmp_label(const void *a, const void *b)
{
    const struct label *p = a, *q = b;
    if (p->area != q->area)
        return p->area > q->area ? 1 : -1;
    return (p->i > q->i) - (p->i < q->i);
}

/* Is the point (px, py) in px inside `g`? (Even-odd over all its rings.) */
static bool inside_px(const struct safer_geom *g, const struct layout *L, double px, double py)
{
    double e = L->pj.minx + (px - L->pj.ox) / L->pj.k;
    double n = L->pj.maxy - (py - L->pj.oy) / L->pj.k;
    return inside_rings(g, 0, g->nrings, e, n);
}

/* Where a label may go, in label heights from its polygon's point: the
 * point itself, then eight directions on rings further and further out. */
#define LABEL_RINGS 9
static const double label_dir[8][2] = {{1, 0},  {-1, 0},   {0, -1},     {0, 1},
                                        {1, -1}, {-1, -1}, {1, 1}, {-1, 1}};

/*
 * Short labels (a number with a key, say) naming each polygon. Placement is
 * greedy, smallest area first, since a small polygon has the least room:
 * each label takes the first spot, from its polygon's inside point outwards,
 * that overlaps no label already placed and stays in the map box, first
 * among spots inside its polygon, then anywhere within LABEL_RINGS label
 * heights, where a thin leader line joins it to the polygon. A label with
 * no such spot is left out (its name is still in the tooltip and, as for
 * everything on a map, in the caller's table).
 */
/* A box in px a label must not cover (another text of the map). */
struct pxbox {
    double x0, y0, x1, y1;
};

static void map_labels(struct safer_buf *b, const struct safer_geom *areas,
                       const char *const *labels, size_t n, const struct layout *L,
                       struct scratch *sc, const struct pxbox *avoid, size_t navoid)
{
    struct label *lab = safer__xmalloc((n ? n : 1) * sizeof(*lab));
    size_t nl = 0, nkept = 0;
    double h = L->ftn, gap = 2 * L->sc;
    for (size_t i = 0; i < n; i++) {
        double lx = 0, ly = 0, area = 0;
        if (!labels[i] || !labels[i][0] || !label_point(&areas[i], sc, &lx, &ly, &area))
            continue;
        lab[nl].ax = proj_x(&L->pj, lx);
        lab[nl].ay = proj_y(&L->pj, ly);
        lab[nl].w = safer_svg_text_width(labels[i], h);
        lab[nl].area = area;
        lab[nl].i = i;
        lab[nl].leader = false;
        nl++;
    }
    qsort(lab, nl, sizeof(*lab), cmp_label);
    for (size_t k = 0; k < nl; k++) {
        struct label *a = &lab[k];
        bool placed = false;
        for (int pass = 0; pass < 2 && !placed; pass++) {
            for (int r = 0; r <= LABEL_RINGS && !placed; r++) {
                for (int d = 0; d < (r ? 8 : 1) && !placed; d++) {
                    double x = a->ax + r * h * label_dir[d][0] * (1 + a->w / (2 * h));
                    double y = a->ay + r * h * label_dir[d][1];
                    double x0 = x - a->w / 2 - gap, x1 = x + a->w / 2 + gap;
                    double y0 = y - h * 0.55 - gap, y1 = y + h * 0.5 + gap;
                    if (x0 < L->map_x0 || x1 > L->map_x1 || y0 < L->map_y0 || y1 > L->map_y1)
                        continue;
                    bool in = r == 0 || inside_px(&areas[a->i], L, x, y);
                    if (pass == 0 && !in)
                        continue;
                    bool clash = false;
                    for (size_t j = 0; j < navoid && !clash; j++)
                        clash = x0 < avoid[j].x1 && avoid[j].x0 < x1 && y0 < avoid[j].y1 &&
                                avoid[j].y0 < y1;
                    for (size_t j = 0; j < nkept && !clash; j++) {
                        const struct label *q = &lab[j];
                        clash = x0 < q->x + q->w / 2 + gap && q->x - q->w / 2 - gap < x1 &&
                                y0 < q->y + h * 0.5 + gap && q->y - h * 0.55 - gap < y1;
                    }
                    if (clash)
                        continue;
                    a->x = x;
                    a->y = y;
                    a->leader = !in;
                    placed = true;
                }
            }
        }
        if (placed) {
            struct label t = *a;
            lab[nkept++] = t; /* kept labels are compacted to the front */
        }
    }
    safer_html_raw(b, "<g class=\"safer-map-labels\">\n");
    /* Leaders under the labels: from a dot at the polygon's point to the
     * nearest point of the label's box. */
    for (size_t k = 0; k < nkept; k++) {
        const struct label *a = &lab[k];
        if (!a->leader)
            continue;
        double bx = fmin(fmax(a->ax, a->x - a->w / 2), a->x + a->w / 2);
        double by = fmin(fmax(a->ay, a->y - h * 0.55), a->y + h * 0.5);
        safer_html_raw(b, "<path stroke=\"#0b0c0c\" stroke-width=\"");
        safer_svg_num(b, 0.8 * L->sc);
        safer_html_raw(b, "\" d=\"M");
        safer_svg_num(b, a->ax);
        safer_html_raw(b, " ");
        safer_svg_num(b, a->ay);
        safer_html_raw(b, "L");
        safer_svg_num(b, bx);
        safer_html_raw(b, " ");
        safer_svg_num(b, by);
        safer_html_raw(b, "\"/><circle fill=\"#0b0c0c\" r=\"");
        safer_svg_num(b, 1.6 * L->sc);
        safer_html_raw(b, "\" cx=\"");
        safer_svg_num(b, a->ax);
        safer_html_raw(b, "\" cy=\"");
        safer_svg_num(b, a->ay);
        safer_html_raw(b, "\"/>\n");
    }
    safer_html_raw(b, "<g stroke=\"#fff\" stroke-width=\"");
    safer_svg_num(b, 3 * L->sc);
    safer_html_raw(b, "\" stroke-linejoin=\"round\" paint-order=\"stroke\">\n");
    for (size_t k = 0; k < nkept; k++) {
        const struct label *a = &lab[k];
        safer_svg_text_lines(b, a->x, a->y + h * 0.35, h, h, L->map_x1 - L->map_x0, 1, "middle",
                             NULL, labels[a->i]);
    }
    safer_html_raw(b, "</g></g>\n");
    free(lab);
}

/*
 * The areas of a choropleth or a panel, each one <path> filled by its class
 * (hatched for no data) with a "name: value" tooltip, in the layout's
 * projection; an area not published is cross-hatched, its value unread.
 */
static void area_paths(struct safer_buf *b, const struct safer_geom *areas, const double *values,
                       const unsigned char *hidden, const char *const *names, size_t n,
                       const struct classes *cl, int decimals, const char *unit,
                       const struct layout *L, const char *id, struct scratch *sc)
{
    const char *const *pal = cl->n ? ylorrd[cl->n - 1] : NULL;
    /* Hairlines: thinner when there are many areas, or small ones turn grey. */
    safer_html_raw(b, "<g class=\"safer-areas\" stroke=\"#505a5f\" stroke-width=\"");
    safer_svg_num(b, (n > 150 ? 0.3 : 0.5) * L->sc);
    safer_html_raw(b, "\" stroke-linejoin=\"round\" fill-rule=\"evenodd\">\n");
    for (size_t i = 0; i < n; i++) {
        bool hide = hidden_at(hidden, i);
        double v = hide ? NAN : values[i];
        char num[40];
        safer_html_raw(b, "<path fill=\"");
        if (hide)
            put_hidden_fill(b, id);
        else if (isfinite(v))
            safer_buf_puts(b, pal[class_of(cl, v)]);
        else
            put_nodata_fill(b, id);
        safer_html_raw(b, "\" d=\"");
        geom_path(b, &areas[i], &L->pj, sc);
        safer_html_raw(b, "\"><title>");
        if (names && names[i]) {
            safer_html_text(b, names[i]);
            safer_html_raw(b, ": ");
        }
        if (hide) {
            safer_html_raw(b, SAFER_SVG_HIDDEN_LABEL);
        } else if (isfinite(v)) {
            safer_html_text(b, safer_svg_format_number(num, sizeof(num), v, decimals, false));
            safer_html_text(b, unit);
        } else {
            safer_html_raw(b, "no data");
        }
        safer_html_raw(b, "</title></path>\n");
    }
    safer_html_raw(b, "</g>\n");
}

/*
 * The classes of `values` and its lowest and highest area shown: "5
 * classes: Under 22.0; ...; 39.5 and over. Lowest 7.7 per 1,000 in
 * Barming. Highest ... 2 with no data. 1 not published ([c])."
 */
static void describe_values(struct safer_buf *d, const double *values,
                            const unsigned char *hidden, const char *const *names, size_t n,
                            const struct classes *cl, int decimals, const char *unit)
{
    char num[40], lab[100];
    safer_buf_putf(d, "%zu class%s", cl->n, cl->n == 1 ? "" : "es");
    for (size_t i = 0; i < cl->n; i++) {
        class_label(lab, sizeof(lab), cl, i, decimals);
        safer_buf_puts(d, i ? "; " : ": ");
        safer_buf_puts(d, lab);
    }
    safer_buf_puts(d, ".");
    size_t lo = SIZE_MAX, hi = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        if (hidden_at(hidden, i) || !isfinite(values[i]))
            continue;
        if (lo == SIZE_MAX || values[i] < values[lo])
            lo = i;
        if (hi == SIZE_MAX || values[i] > values[hi])
            hi = i;
    }
    for (int k = 0; k < 2 && lo != SIZE_MAX && lo != hi; k++) {
        size_t i = k ? hi : lo;
        safer_buf_puts(d, k ? " Highest " : " Lowest ");
        safer_buf_puts(d, safer_svg_format_number(num, sizeof(num), values[i], decimals, false));
        if (unit)
            safer_buf_puts(d, unit);
        if (names && names[i]) {
            safer_buf_puts(d, " in ");
            safer_buf_puts(d, names[i]);
        }
        safer_buf_puts(d, ".");
    }
    if (cl->nnan)
        safer_buf_putf(d, " %zu with no data.", cl->nnan);
    if (cl->nhidden)
        safer_buf_putf(d, " %zu not published ([c]).", cl->nhidden);
}

/*
 * What the map shows, from the values it shades: how many areas, shaded by
 * what in which classes, the lowest and the highest area, and how many
 * have no data.
 */
static void describe_choropleth(struct safer_buf *d, const struct safer_svg_choropleth *m,
                                const struct classes *cl)
{
    safer_buf_putf(d, "Map of %zu areas", m->n);
    if (m->frame.legend_title) {
        safer_buf_puts(d, " shaded by ");
        safer_buf_puts(d, m->frame.legend_title);
    }
    safer_buf_puts(d, " in ");
    describe_values(d, m->values, m->hidden, m->names, m->n, cl, m->decimals, m->unit);
}

int safer_svg_choropleth(struct safer_buf *b, const struct safer_svg_opts *opts,
                         const struct safer_svg_choropleth *m, struct safer_err *err)
{
    int rc = safer_svg_check_opts(opts, err);
    if (rc < 0)
        return rc;
    rc = check_choropleth(m, err);
    if (rc < 0)
        return rc;

    struct bbox bb = {0};
    for (size_t i = 0; i < m->n; i++)
        bbox_add_geom(&bb, &m->areas[i]);
    if (!bb.any)
        return safer_svg_placeholder(b, opts, "No areas to show", err);

    struct classes cl;
    classify(m, &cl);
    const char *id = opts->id ? opts->id : "svg";
    size_t nentries = cl.n + (cl.nnan ? 1 : 0) + (cl.nhidden ? 1 : 0);
    struct layout L;
    layout_map(&L, opts, &m->frame, &bb, m->frame.legend_title, nentries);

    struct safer_buf desc;
    safer_buf_init(&desc, 16384);
    describe_choropleth(&desc, m, &cl);
    rc = safer_svg_begin(b, opts, L.W, L.H, desc.ptr, err);
    safer_buf_release(&desc);
    if (rc < 0)
        return rc;
    put_defs(b, id, L.sc, cl.nhidden > 0);

    struct scratch sc = {0};
    const char *const *pal = cl.n ? ylorrd[cl.n - 1] : NULL;
    area_paths(b, m->areas, m->values, m->hidden, m->names, m->n, &cl, m->decimals, m->unit, &L,
               id, &sc);

    if (m->labels)
        map_labels(b, m->areas, m->labels, m->n, &L, &sc, NULL, 0);

    /* Legend. */
    safer_html_raw(b, "<g class=\"safer-legend\">\n");
    double y = legend_title(b, &L, m->frame.legend_title);
    for (size_t i = 0; i < nentries; i++) {
        char lab[100];
        if (i == cl.n + (cl.nnan ? 1 : 0)) {
            hidden_entry(b, &L, id, L.col_x, y, L.col_w);
            break; /* the last row */
        }
        bool nodata = i == cl.n;
        if (nodata)
            snprintf(lab, sizeof(lab), "No data");
        else
            class_label(lab, sizeof(lab), &cl, i, m->decimals);
        swatch(b, &L, id, L.col_x, y, nodata ? NULL : pal[i]);
        safer_svg_text_lines(b, L.col_x + 30 * L.sc, y + 11.5 * L.sc, L.fs, L.fs,
                             L.col_w - 30 * L.sc, 1, "start", NULL, lab);
        y += LEGEND_ROW * L.sc;
    }
    safer_html_raw(b, "</g>\n");
    map_furniture(b, &L);
    map_texts(b, &L, &m->frame);
    safer_svg_end(b);
    scratch_release(&sc);
    return safer_buf_error(b);
}

/* ----------------------------------------------------- small multiples */

static int check_small_multiples(const struct safer_svg_small_multiples *m, struct safer_err *err)
{
    if (!m)
        return safer_err_set(err, SAFER_EINVAL, "map missing");
    int rc = check_frame(&m->frame, err);
    if (rc < 0)
        return rc;
    if (m->n && !m->areas)
        return safer_err_set(err, SAFER_EINVAL, "map has %zu areas but no geometry", m->n);
    if (m->npanels && !m->panels)
        return safer_err_set(err, SAFER_EINVAL, "map has %zu panels but no array", m->npanels);
    if (m->npanels > SAFER_SVG_MAX_PANELS)
        return safer_err_set(err, SAFER_ETOOBIG, "map has %zu panels, over the limit of %d",
                             m->npanels, SAFER_SVG_MAX_PANELS);
    if (m->decimals < 0 || m->decimals > 6)
        return safer_err_set(err, SAFER_EINVAL, "map decimals %d outside 0..6", m->decimals);
    for (size_t p = 0; p < m->npanels; p++) {
        if (!m->panels[p].title || (m->n && !m->panels[p].values))
            return safer_err_set(err, SAFER_EINVAL, "panel %zu has no title or no values", p);
    }
    for (size_t i = 0; i < m->n; i++) {
        rc = check_geom(&m->areas[i], "area", i, err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* The limits of a panel's stepped colour bar: need they two rows, the odd
 * ones under the even ones, to stay clear of each other? */
static bool bar_labels_stagger(const struct classes *cl, double seg, double fts, int decimals)
{
    char num[40];
    double prev_right = -INFINITY;
    for (size_t i = 1; i < cl->n; i++) {
        double w = safer_svg_text_width(
            safer_svg_format_number(num, sizeof(num), cl->lim[i - 1], decimals, false), fts);
        double x = seg * (double)i;
        if (x - w / 2 < prev_right + 4)
            return true;
        prev_right = x + w / 2;
    }
    return false;
}

/*
 * The layout of small multiples `cols` panels across (1 for one panel or
 * the frame drawn alone): panels in a grid of equal cells under an
 * optional heading, then north arrow and scale bar side by side, then
 * caption and attribution. Every panel has the same size and scale,
 * whatever the part drawn, so that separate panel figures and their
 * frame agree.
 */
struct mlayout {
    struct layout L;     /* frame, fonts, furniture, texts; pj.k the common scale */
    size_t cols, rows;
    double gap, pw, th, mh, leg_h, ph, head, panels_y, iw, ih, dx, dy, bar_h;
    bool stagger, nodata;
};

static void multiples_layout(struct mlayout *ml, const struct safer_svg_opts *opts,
                             const struct safer_svg_small_multiples *m, const struct bbox *bb,
                             const struct classes *cl, size_t cols, bool head)
{
    struct layout *L = &ml->L;
    memset(ml, 0, sizeof(*ml));
    L->W = opts->width ? opts->width : SAFER_SVG_DEFAULT_WIDTH;
    L->sc = safer_svg_scale(L->W);
    L->pad = 10 * L->sc;
    L->fs = SAFER_SVG_FONT * L->sc;
    L->fts = SAFER_SVG_FONT_SMALL * L->sc;
    L->ftn = SAFER_SVG_FONT_TINY * L->sc;
    double s = L->sc;
    ml->gap = 12 * s;
    ml->cols = cols;
    ml->rows = (m->npanels + cols - 1) / cols;
    ml->pw = (L->W - 2 * L->pad - (double)(cols - 1) * ml->gap) / (double)cols;
    size_t st[CAPTION_LINES], ln[CAPTION_LINES];
    size_t tl = 1;
    for (size_t p = 0; p < m->npanels; p++) {
        size_t k = safer_svg_wrap(m->panels[p].title, L->fs, ml->pw, st, ln, 2);
        tl = k > tl ? k : tl;
    }
    ml->head = head && m->frame.legend_title
                   ? (double)safer_svg_wrap(m->frame.legend_title, L->fs, L->W - 2 * L->pad, st,
                                            ln, 2) * L->fs * 1.25 + 6 * s
                   : 0;
    ml->th = (double)tl * L->fs * 1.25;
    ml->dx = fmax(bb->maxx - bb->minx, 1.0);
    ml->dy = fmax(bb->maxy - bb->miny, 1.0);
    ml->mh = fmin(fmax(ml->pw * ml->dy / ml->dx, 0.5 * ml->pw), 1.2 * ml->pw);
    ml->bar_h = 12 * s;
    for (size_t p = 0; p < m->npanels; p++) {
        ml->stagger |= cl[p].n > 1 && bar_labels_stagger(&cl[p], ml->pw / (double)cl[p].n,
                                                         L->fts, m->decimals);
        ml->nodata |= cl[p].nnan > 0 || cl[p].nhidden > 0;
    }
    ml->leg_h = ml->bar_h + 3 * s + (ml->stagger ? 2 : 1) * L->fts * 1.2 + (ml->nodata ? 20 * s : 0);
    ml->ph = ml->th + 4 * s + ml->mh + 6 * s + ml->leg_h;
    L->ncap = safer_svg_wrap(m->frame.caption, L->fts, L->W - 2 * L->pad, st, ln, CAPTION_LINES);
    L->nattr = safer_svg_wrap(m->frame.attribution, L->ftn, L->W - 2 * L->pad, st, ln,
                              ATTRIBUTION_LINES);
    ml->panels_y = L->pad + ml->head;
    /* The common scale, 2 px in from each panel's map box. */
    ml->iw = ml->pw - 4;
    ml->ih = ml->mh - 4;
    L->pj.k = fmin(ml->iw / ml->dx, ml->ih / ml->dy);
    L->pj.minx = bb->minx;
    L->pj.maxy = bb->maxy;
    L->col_x = L->pad;
    L->col_w = L->W - 2 * L->pad;
}

/* Put the furniture and texts below `top` (px); returns the figure's height. */
static double multiples_frame_at(struct mlayout *ml, double top)
{
    struct layout *L = &ml->L;
    double s = L->sc;
    double bottom_h = (double)L->ncap * L->fts * 1.35 + (double)L->nattr * L->ftn * 1.3 +
                      (L->ncap ? L->ftn * 0.5 : 0);
    L->north_x = L->pad + 12 * s;
    L->north_top = top;
    L->bar_x = L->pad + 40 * s;
    L->bar_top = top + 14 * s;
    L->bar_max = fmin(0.4 * ml->pw, L->W - 2 * L->pad - 40 * s);
    L->text_y = top + NORTH_H * s + ml->gap + L->fts;
    return ceil(top + NORTH_H * s + ml->gap + bottom_h + L->pad);
}

/* One panel with its top-left corner at (x0, y0): title, map, labels and
 * its stepped colour bar with the class limits at the steps. */
static void draw_panel(struct safer_buf *b, const struct mlayout *ml,
                       const struct safer_svg_small_multiples *m, size_t p,
                       const struct classes *c, double x0, double y0, const char *id,
                       struct scratch *sc)
{
    const struct layout *L = &ml->L;
    double s = L->sc, pw = ml->pw;
    const char *const *pal = c->n ? ylorrd[c->n - 1] : NULL;
    struct layout P = *L;
    P.map_x0 = x0;
    P.map_x1 = x0 + pw;
    P.map_y0 = y0 + ml->th + 4 * s;
    P.map_y1 = P.map_y0 + ml->mh;
    P.pj.ox = P.map_x0 + 2 + (ml->iw - ml->dx * L->pj.k) / 2;
    P.pj.oy = P.map_y0 + 2 + (ml->ih - ml->dy * L->pj.k) / 2;

    safer_html_raw(b, "<g class=\"safer-panel\"><g font-weight=\"bold\">");
    safer_svg_text_lines(b, x0, y0 + L->fs * 0.9, L->fs, L->fs * 1.25, pw, 2, "start", NULL,
                         m->panels[p].title);
    safer_html_raw(b, "</g>\n");
    area_paths(b, m->areas, m->panels[p].values, m->panels[p].hidden, m->names, m->n, c,
               m->decimals, m->unit, &P, id, sc);
    if (m->labels)
        map_labels(b, m->areas, m->labels, m->n, &P, sc, NULL, 0);

    /* The stepped colour bar: a class a step, its limits at the steps. */
    double by = P.map_y1 + 6 * s, seg = c->n ? pw / (double)c->n : pw;
    safer_html_raw(b, "<g class=\"safer-legend\">\n");
    for (size_t k = 0; k < c->n; k++) {
        char lab[100];
        rect_open(b, x0 + seg * (double)k, by, seg, ml->bar_h);
        safer_html_raw(b, " fill=\"");
        safer_buf_puts(b, pal[k]);
        safer_html_raw(b, "\" stroke=\"#505a5f\" stroke-width=\"0.5\"><title>");
        class_label(lab, sizeof(lab), c, k, m->decimals);
        safer_html_text(b, lab);
        safer_html_raw(b, "</title></rect>\n");
    }
    double ty = by + ml->bar_h + 3 * s + L->fts * 0.9;
    if (c->n == 1) {
        char lab[100];
        class_label(lab, sizeof(lab), c, 0, m->decimals);
        safer_svg_text_lines(b, x0 + pw / 2, ty, L->fts, L->fts, pw, 1, "middle", NULL, lab);
    } else if (c->n == 0) {
        safer_svg_text_lines(b, x0, ty, L->fts, L->fts, pw, 1, "start", NULL,
                             c->nhidden ? "No value shown" : "No data for any area");
    }
    bool two = c->n > 1 && bar_labels_stagger(c, seg, L->fts, m->decimals);
    for (size_t k = 1; k < c->n; k++) {
        char num[40];
        double x = x0 + seg * (double)k;
        const char *t = safer_svg_format_number(num, sizeof(num), c->lim[k - 1], m->decimals,
                                                false);
        double w = safer_svg_text_width(t, L->fts), y = ty + (two && k % 2 == 0 ? L->fts * 1.2 : 0);
        /* A limit near an end of the bar is kept inside the panel. */
        if (x - w / 2 < x0)
            safer_svg_text_lines(b, x0, y, L->fts, L->fts, pw, 1, "start", NULL, t);
        else if (x + w / 2 > x0 + pw)
            safer_svg_text_lines(b, x0 + pw, y, L->fts, L->fts, pw, 1, "end", NULL, t);
        else
            safer_svg_text_lines(b, x, y, L->fts, L->fts, pw, 1, "middle", NULL, t);
    }
    /* "No data" and the areas not published share a row under the bar. */
    double ny = by + ml->bar_h + 3 * s + (ml->stagger ? 2 : 1) * L->fts * 1.2 + 4 * s, nx = x0;
    if (c->nnan) {
        swatch(b, L, id, x0, ny, NULL);
        safer_svg_text_lines(b, x0 + 30 * s, ny + 11.5 * s, L->fs, L->fs, pw - 30 * s, 1, "start",
                             NULL, "No data");
        nx += 30 * s + safer_svg_text_width("No data", L->fs) + 14 * s;
    }
    if (c->nhidden)
        hidden_entry(b, L, id, nx, ny, x0 + pw - nx);
    safer_html_raw(b, "</g></g>\n");
}

/* The whole figure (part SIZE_MAX), one panel (part < npanels) or the
 * frame alone (part == npanels). */
static int small_multiples(struct safer_buf *b, const struct safer_svg_opts *opts,
                           const struct safer_svg_small_multiples *m, size_t part,
                           struct safer_err *err)
{
    int rc = safer_svg_check_opts(opts, err);
    if (rc < 0)
        return rc;
    rc = check_small_multiples(m, err);
    if (rc < 0)
        return rc;
    if (part != SIZE_MAX && part > m->npanels)
        return safer_err_set(err, SAFER_EINVAL, "no panel %zu of %zu", part, m->npanels);
    struct bbox bb = {0};
    for (size_t i = 0; i < m->n; i++)
        bbox_add_geom(&bb, &m->areas[i]);
    if (!bb.any || m->npanels == 0)
        return safer_svg_placeholder(b, opts, "No areas to show", err);

    const char *id = opts->id ? opts->id : "svg";
    struct classes *cl = safer__xmalloc(sizeof(*cl) * m->npanels);
    for (size_t p = 0; p < m->npanels; p++)
        classify_values(m->panels[p].values, m->panels[p].hidden, m->n, NULL, 0, &cl[p]);
    double W = opts->width ? opts->width : SAFER_SVG_DEFAULT_WIDTH;
    size_t cols = part == SIZE_MAX && W >= SAFER_SVG_STACK_BELOW && m->npanels > 1 ? 2 : 1;
    struct mlayout ml;
    multiples_layout(&ml, opts, m, &bb, cl, cols, part == SIZE_MAX);
    struct layout *L = &ml.L;
    if (part == SIZE_MAX)
        L->H = multiples_frame_at(&ml, ml.panels_y + (double)ml.rows * ml.ph +
                                           (double)(ml.rows - 1) * 1.5 * ml.gap + ml.gap);
    else if (part == m->npanels)
        L->H = multiples_frame_at(&ml, L->pad);
    else
        L->H = ceil(ml.panels_y + ml.ph + L->pad);

    /* Description: each panel's classes and extremes, or the frame's
     * scale. */
    struct safer_buf desc;
    safer_buf_init(&desc, 65536);
    if (part == m->npanels) {
        char lab[48];
        scale_length(L->pj.k, L->bar_max, lab);
        safer_buf_putf(&desc, "North arrow, and a scale bar of %s, for the %zu maps", lab,
                       m->npanels);
        if (m->frame.caption) {
            safer_buf_puts(&desc, ". ");
            safer_buf_puts(&desc, m->frame.caption);
        }
    } else {
        size_t p0 = part == SIZE_MAX ? 0 : part, p1 = part == SIZE_MAX ? m->npanels : part + 1;
        if (part == SIZE_MAX) {
            safer_buf_putf(&desc, "%zu maps of %zu areas", m->npanels, m->n);
            if (m->frame.legend_title) {
                safer_buf_puts(&desc, " shaded by ");
                safer_buf_puts(&desc, m->frame.legend_title);
            }
            safer_buf_puts(&desc, ", each in its own classes. ");
        } else {
            safer_buf_putf(&desc, "Map of %zu areas", m->n);
            if (m->frame.legend_title) {
                safer_buf_puts(&desc, " shaded by ");
                safer_buf_puts(&desc, m->frame.legend_title);
            }
            safer_buf_puts(&desc, ". ");
        }
        for (size_t p = p0; p < p1; p++) {
            safer_buf_puts(&desc, p > p0 ? " " : "");
            safer_buf_puts(&desc, m->panels[p].title);
            safer_buf_puts(&desc, ": ");
            describe_values(&desc, m->panels[p].values, m->panels[p].hidden, m->names, m->n,
                            &cl[p], m->decimals, m->unit);
        }
    }
    rc = safer_svg_begin(b, opts, L->W, L->H, desc.ptr, err);
    safer_buf_release(&desc);
    if (rc < 0) {
        free(cl);
        return rc;
    }
    /* The cross-hatching only where a panel drawn has an area not published. */
    bool hidden = false;
    for (size_t p = 0; p < m->npanels && part != m->npanels; p++)
        hidden |= (part == SIZE_MAX || p == part) && cl[p].nhidden > 0;
    put_defs(b, id, L->sc, hidden);
    if (ml.head > 0) {
        safer_html_raw(b, "<g font-weight=\"bold\">");
        safer_svg_text_lines(b, L->pad, L->pad + L->fs * 0.9, L->fs, L->fs * 1.25,
                             L->W - 2 * L->pad, 2, "start", NULL, m->frame.legend_title);
        safer_html_raw(b, "</g>\n");
    }
    struct scratch sc = {.coarse = true};
    for (size_t p = 0; p < m->npanels && part != m->npanels; p++) {
        if (part != SIZE_MAX && p != part)
            continue;
        size_t at = part == SIZE_MAX ? p : 0;
        double x0 = L->pad + (double)(at % ml.cols) * (ml.pw + ml.gap);
        double y0 = ml.panels_y + (double)(at / ml.cols) * (ml.ph + 1.5 * ml.gap);
        draw_panel(b, &ml, m, p, &cl[p], x0, y0, id, &sc);
    }
    scratch_release(&sc);
    free(cl);
    if (part == SIZE_MAX || part == m->npanels) {
        map_furniture(b, L);
        map_texts(b, L, &m->frame);
    }
    safer_svg_end(b);
    return safer_buf_error(b);
}

int safer_svg_small_multiples(struct safer_buf *b, const struct safer_svg_opts *opts,
                              const struct safer_svg_small_multiples *m, struct safer_err *err)
{
    return small_multiples(b, opts, m, SIZE_MAX, err);
}

int safer_svg_small_multiple(struct safer_buf *b, const struct safer_svg_opts *opts,
                             const struct safer_svg_small_multiples *m, size_t part,
                             struct safer_err *err)
{
    if (part == SIZE_MAX)
        return safer_err_set(err, SAFER_EINVAL, "no panel %zu", part);
    return small_multiples(b, opts, m, part, err);
}

/* ---------------------------------------------------------- hot spots */

struct cellpx {
    long long x0, x1, y0, y1; /* tenths; y0 top, y1 bottom */
    int cls;
};

static int cmp_cellpx(const void *a, const void *b)
{
    const struct cellpx *p = a, *q = b;
    if (p->cls != q->cls)
        return (p->cls > q->cls) - (p->cls < q->cls);
    if (p->y0 != q->y0)
        return (p->y0 > q->y0) - (p->y0 < q->y0);
    if (p->x0 != q->x0)
        return (p->x0 > q->x0) - (p->x0 < q->x0);
    if (p->x1 != q->x1)
        return (p->x1 > q->x1) - (p->x1 < q->x1);
    return (p->y1 > q->y1) - (p->y1 < q->y1);
}

static int check_hotspot(const struct safer_svg_hotspot_map *m, struct safer_err *err)
{
    if (!m)
        return safer_err_set(err, SAFER_EINVAL, "map missing");
    int rc = check_frame(&m->frame, err);
    if (rc < 0)
        return rc;
    if (m->ncells && !m->cells)
        return safer_err_set(err, SAFER_EINVAL, "map has %zu cells but no array", m->ncells);
    if (m->nwards && !m->wards)
        return safer_err_set(err, SAFER_EINVAL, "map has %zu wards but no array", m->nwards);
    if (!isfinite(m->cell_size) || !(m->cell_size > 0))
        return safer_err_set(err, SAFER_EINVAL, "cell size must be a positive number of metres");
    for (size_t i = 0; i < m->ncells; i++) {
        const struct safer_svg_cell *c = &m->cells[i];
        if (!isfinite(c->x) || !isfinite(c->y))
            return safer_err_set(err, SAFER_EINVAL, "cell %zu has a non-finite corner", i);
        if ((int)c->cls < 0 ||
            (size_t)c->cls >= (m->styles ? m->nstyles : (size_t)SAFER_SVG_GI_NCLASSES))
            return safer_err_set(err, SAFER_EINVAL, "cell %zu has unknown class %d", i,
                                 (int)c->cls);
    }
    for (size_t i = 0; i < m->nwards; i++) {
        rc = check_geom(&m->wards[i], "ward", i, err);
        if (rc < 0)
            return rc;
    }
    const struct safer_svg_extent *ext[2] = {m->view, m->mark};
    for (int k = 0; k < 2; k++) {
        const struct safer_svg_extent *e = ext[k];
        if (e && !(isfinite(e->minx) && isfinite(e->miny) && isfinite(e->maxx) &&
                   isfinite(e->maxy) && e->maxx > e->minx && e->maxy > e->miny))
            return safer_err_set(err, SAFER_EINVAL, "map %s is not a finite rectangle with area",
                                 k ? "mark" : "view");
    }
    if (m->nlabels && !m->labels)
        return safer_err_set(err, SAFER_EINVAL, "map has %zu labels but no array", m->nlabels);
    if (m->styles && (m->nstyles < 1 || m->nstyles > SAFER_SVG_GI_NCLASSES))
        return safer_err_set(err, SAFER_EINVAL, "map has %zu class styles, not 1 to %d",
                             m->nstyles, (int)SAFER_SVG_GI_NCLASSES);
    for (size_t i = 0; m->styles && i < m->nstyles; i++) {
        if (!m->styles[i].label)
            return safer_err_set(err, SAFER_EINVAL, "class style %zu has no label", i);
    }
    for (size_t i = 0; i < m->nlabels; i++) {
        if (!m->labels[i].text || !isfinite(m->labels[i].x) || !isfinite(m->labels[i].y))
            return safer_err_set(err, SAFER_EINVAL, "label %zu has no text or no place", i);
    }
    return 0;
}

/* The rectangle `e` in px, through the map's projection. */
static void extent_px(const struct layout *L, const struct safer_svg_extent *e, double *x0,
                      double *y0, double *x1, double *y1)
{
    *x0 = proj_x(&L->pj, e->minx);
    *x1 = proj_x(&L->pj, e->maxx);
    *y0 = proj_y(&L->pj, e->maxy);
    *y1 = proj_y(&L->pj, e->miny);
}

/* Drawing order: the faint "not significant" first, then no score, then cold to hot. */
static const int gi_order[SAFER_SVG_GI_NCLASSES] = {
    SAFER_SVG_GI_NONE,   SAFER_SVG_GI_NO_SCORE, SAFER_SVG_GI_COLD90, SAFER_SVG_GI_COLD95,
    SAFER_SVG_GI_COLD99, SAFER_SVG_GI_HOT90,    SAFER_SVG_GI_HOT95,  SAFER_SVG_GI_HOT99,
};

int safer_svg_hotspot_map(struct safer_buf *b, const struct safer_svg_opts *opts,
                          const struct safer_svg_hotspot_map *m, struct safer_err *err)
{
    int rc = safer_svg_check_opts(opts, err);
    if (rc < 0)
        return rc;
    rc = check_hotspot(m, err);
    if (rc < 0)
        return rc;

    struct bbox bb = {0};
    size_t count[SAFER_SVG_GI_NCLASSES] = {0};
    for (size_t i = 0; i < m->ncells; i++) {
        bbox_add(&bb, m->cells[i].x, m->cells[i].y);
        bbox_add(&bb, m->cells[i].x + m->cell_size, m->cells[i].y + m->cell_size);
        count[m->cells[i].cls]++;
    }
    for (size_t i = 0; i < m->nwards; i++)
        bbox_add_geom(&bb, &m->wards[i]);
    if (!bb.any || m->ncells == 0)
        return safer_svg_placeholder(b, opts, "No hot spot results to show", err);
    if (m->view) {
        /* An inset: its extent alone sets the scale. */
        bb = (struct bbox){m->view->minx, m->view->miny, m->view->maxx, m->view->maxy, true};
    }

    const char *id = opts->id ? opts->id : "svg";
    const char *title = m->frame.legend_title ? m->frame.legend_title : "Hot and cold spots (Gi*)";
    size_t nentries = (m->styles ? m->nstyles
                                 : (size_t)SAFER_SVG_GI_NO_SCORE +
                                       (count[SAFER_SVG_GI_NO_SCORE] ? 1 : 0)) +
                      (m->nwards ? 1 : 0);
    struct layout L;
    layout_map(&L, opts, &m->frame, &bb, title, nentries);

    struct safer_buf desc;
    char size[40], ncells[40];
    safer_buf_init(&desc, 4096);
    if (m->styles) {
        /* The classes by their legend's words, with their counts. */
        safer_buf_putf(&desc, "Map of %s grid cells of %s m by class:",
                       safer_svg_format_number(ncells, sizeof(ncells), (double)m->ncells, 0, false),
                       safer_svg_format_number(size, sizeof(size), m->cell_size, 0, false));
        for (size_t k = 0; k < m->nstyles; k++)
            safer_buf_putf(&desc, "%s %s %zu", k ? "," : "", m->styles[k].label, count[k]);
    } else {
        safer_buf_putf(&desc,
                       "Hot spot map of %s grid cells of %s m: %zu hot spots (%zu at 99%% "
                       "confidence) and %zu cold spots (%zu at 99%%) at 90%% confidence or more",
                       safer_svg_format_number(ncells, sizeof(ncells), (double)m->ncells, 0, false),
                       safer_svg_format_number(size, sizeof(size), m->cell_size, 0, false),
                       count[0] + count[1] + count[2], count[SAFER_SVG_GI_HOT99],
                       count[4] + count[5] + count[6], count[SAFER_SVG_GI_COLD99]);
    }
    if (m->nwards)
        safer_buf_putf(&desc, ", under %zu ward outlines", m->nwards);
    safer_buf_puts(&desc, ".");
    if (m->view) {
        safer_buf_putf(&desc, " Enlarged: %s by ",
                       safer_svg_format_number(size, sizeof(size),
                                               m->view->maxx - m->view->minx, 0, false));
        safer_buf_putf(&desc, "%s m, with its squares at full size",
                       safer_svg_format_number(size, sizeof(size),
                                               m->view->maxy - m->view->miny, 0, false));
        if (m->nlabels)
            safer_buf_putf(&desc, " and %zu of them numbered", m->nlabels);
        safer_buf_puts(&desc, ".");
    }
    if (m->mark && m->mark_label)
        safer_buf_putf(&desc, " A black frame marks the part %s enlarges.", m->mark_label);

    /* Cells as projected rectangles, sorted by class, then row, then column. */
    /* The cells' texts: where they go, so that ward names keep clear of
     * them. The size of labels, unless a cell is too small for it, when
     * the smallest size is used. */
    double cell_px = m->cell_size * L.pj.k, lfs = L.fs;
    for (size_t i = 0; i < m->nlabels; i++) {
        if (safer_svg_text_width(m->labels[i].text, L.fs) + 4 * L.sc > cell_px)
            lfs = L.ftn;
    }
    struct pxbox *lbox = safer__xmalloc(sizeof(*lbox) * (m->nlabels ? m->nlabels : 1));
    size_t *lbox_of = safer__xmalloc(sizeof(size_t) * (m->nlabels ? m->nlabels : 1));
    size_t nlbox = 0;
    for (size_t i = 0; i < m->nlabels; i++) {
        double cx = proj_x(&L.pj, m->labels[i].x + m->cell_size / 2);
        double cy = proj_y(&L.pj, m->labels[i].y + m->cell_size / 2);
        double w = safer_svg_text_width(m->labels[i].text, lfs);
        struct pxbox q = {cx - w / 2, cy - lfs * 0.55, cx + w / 2, cy + lfs * 0.55};
        if (q.x0 < L.map_x0 || q.x1 > L.map_x1 || q.y0 < L.map_y0 || q.y1 > L.map_y1)
            continue;
        lbox_of[nlbox] = i;
        lbox[nlbox++] = q;
    }

    /* An inset leaves out the cells wholly outside its map box. */
    struct cellpx *cp = safer__xmalloc(m->ncells * sizeof(*cp));
    size_t ncp = 0;
    for (size_t i = 0; i < m->ncells; i++) {
        const struct safer_svg_cell *c = &m->cells[i];
        struct cellpx q = {.x0 = safer_svg_tenths(proj_x(&L.pj, c->x)),
                           .x1 = safer_svg_tenths(proj_x(&L.pj, c->x + m->cell_size)),
                           .y0 = safer_svg_tenths(proj_y(&L.pj, c->y + m->cell_size)),
                           .y1 = safer_svg_tenths(proj_y(&L.pj, c->y)),
                           .cls = (int)c->cls};
        if (m->view && ((double)q.x1 < 10 * L.map_x0 || (double)q.x0 > 10 * L.map_x1 ||
                        (double)q.y1 < 10 * L.map_y0 || (double)q.y0 > 10 * L.map_y1))
            continue;
        cp[ncp++] = q;
    }
    qsort(cp, ncp, sizeof(*cp), cmp_cellpx);
    size_t drawn[SAFER_SVG_GI_NCLASSES] = {0};
    for (size_t i = 0; i < ncp; i++)
        drawn[cp[i].cls]++;

    rc = safer_svg_begin(b, opts, L.W, L.H, desc.ptr, err);
    safer_buf_release(&desc);
    if (rc < 0)
        goto out;
    put_defs(b, id, L.sc, false);
    /* An inset shows its view only: everything is clipped to the map box. */
    if (m->view) {
        safer_html_raw(b, "<clipPath id=\"");
        safer_buf_puts(b, id);
        safer_html_raw(b, "-clip\">");
        rect_open(b, L.map_x0, L.map_y0, L.map_x1 - L.map_x0, L.map_y1 - L.map_y0);
        safer_html_raw(b, "/></clipPath>\n<g clip-path=\"url(#");
        safer_buf_puts(b, id);
        safer_html_raw(b, "-clip)\">\n");
    }

    /* One path per class; cells that touch along a row merge into one rectangle. */
    safer_html_raw(b, "<g class=\"safer-cells\">\n");
    int nclasses = m->styles ? (int)m->nstyles : SAFER_SVG_GI_NCLASSES;
    for (int o = 0; o < nclasses; o++) {
        int cls = m->styles ? o : gi_order[o];
        const char *fill = m->styles ? m->styles[cls].fill : gi[cls].fill;
        if (!drawn[cls])
            continue;
        safer_html_raw(b, "<path fill=\"");
        if (fill)
            safer_buf_puts(b, fill);
        else
            put_nodata_fill(b, id);
        /* A hairline of the same colour hides anti-aliasing seams between cells. */
        if (fill) {
            safer_html_raw(b, "\" stroke=\"");
            safer_buf_puts(b, fill);
            safer_html_raw(b, "\" stroke-width=\"0.4");
        }
        safer_html_raw(b, "\" d=\"");
        struct safer_svg_path p;
        safer_svg_path_init(&p, b);
        size_t i = 0;
        while (i < ncp) {
            if (cp[i].cls != cls) {
                i++;
                continue;
            }
            size_t j = i;
            while (j + 1 < ncp && cp[j + 1].cls == cls && cp[j + 1].y0 == cp[i].y0 &&
                   cp[j + 1].y1 == cp[i].y1 && cp[j + 1].x0 <= cp[j].x1)
                j++;
            long long x1 = cp[i].x1;
            for (size_t k = i; k <= j; k++)
                x1 = cp[k].x1 > x1 ? cp[k].x1 : x1;
            safer_svg_path_move(&p, cp[i].x0, cp[i].y0);
            safer_svg_path_line(&p, x1, cp[i].y0);
            safer_svg_path_line(&p, x1, cp[i].y1);
            safer_svg_path_line(&p, cp[i].x0, cp[i].y1);
            safer_svg_path_close(&p);
            i = j + 1;
        }
        safer_html_raw(b, "\"><title>");
        safer_html_text(b, m->styles ? m->styles[cls].label : gi[cls].label);
        safer_html_raw(b, "</title></path>\n");
    }
    safer_html_raw(b, "</g>\n");

    /* Ward outlines on top. */
    if (m->nwards) {
        struct scratch sc = {0};
        safer_html_raw(b, "<g class=\"safer-wards\" fill=\"none\" stroke=\"#0b0c0c\" "
                          "stroke-width=\"0.8\" stroke-linejoin=\"round\">\n");
        for (size_t i = 0; i < m->nwards; i++) {
            safer_html_raw(b, "<path d=\"");
            geom_path(b, &m->wards[i], &L.pj, &sc);
            safer_html_raw(b, "\">");
            if (m->ward_names && m->ward_names[i]) {
                safer_html_raw(b, "<title>");
                safer_html_text(b, m->ward_names[i]);
                safer_html_raw(b, "</title>");
            }
            safer_html_raw(b, "</path>\n");
        }
        safer_html_raw(b, "</g>\n");
        /* An inset names the wards whose inside point it shows, clear of
         * the cells' texts. */
        if (m->view && m->ward_names) {
            const char **names = safer__xmalloc(sizeof(char *) * m->nwards);
            for (size_t i = 0; i < m->nwards; i++) {
                double lx, ly, area;
                bool in = label_point(&m->wards[i], &sc, &lx, &ly, &area) &&
                          lx >= m->view->minx && lx <= m->view->maxx && ly >= m->view->miny &&
                          ly <= m->view->maxy;
                names[i] = in ? m->ward_names[i] : NULL;
            }
            map_labels(b, m->wards, names, m->nwards, &L, &sc, lbox, nlbox);
            free(names);
        }
        scratch_release(&sc);
    }
    if (m->view)
        safer_html_raw(b, "</g>\n");

    /* The part an inset enlarges, framed and named. */
    if (m->mark) {
        double x0, y0, x1, y1;
        extent_px(&L, m->mark, &x0, &y0, &x1, &y1);
        safer_html_raw(b, "<g class=\"safer-inset-mark\">");
        rect_open(b, x0, y0, x1 - x0, y1 - y0);
        safer_html_raw(b, " fill=\"none\" stroke=\"#0b0c0c\" stroke-width=\"");
        safer_svg_num(b, 1.5 * L.sc);
        safer_html_raw(b, "\"/>");
        if (m->mark_label) {
            /* Above the frame, or below it when the frame is at the top. */
            double w = safer_svg_text_width(m->mark_label, L.fs);
            double ty = y0 - 4 * L.sc >= L.map_y0 + L.fs ? y0 - 4 * L.sc : y1 + L.fs;
            double tx = fmin(fmax(x0, L.map_x0), L.map_x1 - w);
            safer_html_raw(b, "<g font-weight=\"bold\" stroke=\"#fff\" stroke-width=\"");
            safer_svg_num(b, 3 * L.sc);
            safer_html_raw(b, "\" stroke-linejoin=\"round\" paint-order=\"stroke\">");
            safer_svg_text_lines(b, tx, ty, L.fs, L.fs, L.map_x1 - L.map_x0, 1, "start", NULL,
                                 m->mark_label);
            safer_html_raw(b, "</g>");
        }
        safer_html_raw(b, "</g>\n");
    }

    /* Texts in cells: bold, on a white halo, those inside the map box. */
    if (nlbox) {
        safer_html_raw(b, "<g class=\"safer-cell-labels\" font-weight=\"bold\" stroke=\"#fff\" "
                          "stroke-width=\"");
        safer_svg_num(b, 3 * L.sc);
        safer_html_raw(b, "\" stroke-linejoin=\"round\" paint-order=\"stroke\">\n");
        for (size_t i = 0; i < nlbox; i++) {
            const struct pxbox *q = &lbox[i];
            safer_svg_text_lines(b, (q->x0 + q->x1) / 2, q->y1 - lfs * 0.2, lfs, lfs,
                                 L.map_x1 - L.map_x0, 1, "middle", NULL,
                                 m->labels[lbox_of[i]].text);
        }
        safer_html_raw(b, "</g>\n");
    }

    /* Legend. */
    safer_html_raw(b, "<g class=\"safer-legend\">\n");
    double y = legend_title(b, &L, title);
    for (int cls = 0; cls < nclasses; cls++) {
        if (!m->styles && cls == SAFER_SVG_GI_NO_SCORE && !count[cls])
            continue;
        swatch(b, &L, id, L.col_x, y, m->styles ? m->styles[cls].fill : gi[cls].fill);
        safer_svg_text_lines(b, L.col_x + 30 * L.sc, y + 11.5 * L.sc, L.fs, L.fs,
                             L.col_w - 30 * L.sc, 1, "start", NULL,
                             m->styles ? m->styles[cls].label : gi[cls].label);
        y += LEGEND_ROW * L.sc;
    }
    if (m->nwards) {
        safer_html_raw(b, "<path stroke=\"#0b0c0c\" stroke-width=\"0.8\" d=\"M");
        safer_svg_num(b, L.col_x);
        safer_html_raw(b, " ");
        safer_svg_num(b, y + 7 * L.sc);
        safer_html_raw(b, "h");
        safer_svg_num(b, 22 * L.sc);
        safer_html_raw(b, "\"/>\n");
        safer_svg_text_lines(b, L.col_x + 30 * L.sc, y + 11.5 * L.sc, L.fs, L.fs,
                             L.col_w - 30 * L.sc, 1, "start", NULL, "Ward boundary");
    }
    safer_html_raw(b, "</g>\n");
    map_furniture(b, &L);
    map_texts(b, &L, &m->frame);
    safer_svg_end(b);
    rc = safer_buf_error(b);
out:
    free(cp);
    free(lbox);
    free(lbox_of);
    return rc;
}
