/*
 * polygon.c - a polygon a person draws or pastes: a problem-solving
 * project's place. It is read into the same geometry as a stored area and
 * checked by the same rules (lib/geo/area.c): closed, at least three
 * corners, no ring that crosses itself, longitude first, in Great Britain.
 */
#include "util/compat.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "safer/area.h"
#include "safer/buf.h"
#include "util/internal.h"

#define PREFIX "the polygon: feature 1 ('place'): "

/* The corners as written: "lon, lat" or "lon lat", one pair a line. */
static int read_lines(const char *text, double **xy, size_t *n, struct safer_err *err)
{
    size_t cap = 0, line = 0;
    *xy = NULL;
    *n = 0;
    const char *p = text;
    while (*p) {
        line++;
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char buf[128];
        if (len >= sizeof(buf))
            return safer_err_set(err, SAFER_EINVAL, "line %zu is too long for a corner", line);
        memcpy(buf, p, len);
        buf[len] = '\0';
        p = end ? end + 1 : p + len;
        char *s = buf;
        while (isspace((unsigned char)*s))
            s++;
        if (!*s)
            continue;
        double v[2];
        for (int k = 0; k < 2; k++) {
            char *e;
            errno = 0;
            v[k] = strtod(s, &e);
            if (e == s || errno || !isfinite(v[k]))
                return safer_err_set(err, SAFER_EINVAL,
                                     "line %zu is not a corner: write its longitude and latitude, "
                                     "as in 0.5221, 51.2716",
                                     line);
            s = e;
            while (isspace((unsigned char)*s) || (k == 0 && *s == ','))
                s++;
        }
        if (*s)
            return safer_err_set(err, SAFER_EINVAL,
                                 "line %zu holds more than a longitude and a latitude", line);
        if (*n >= 1000)
            return safer_err_set(err, SAFER_ETOOBIG, "more than 1,000 corners");
        SAFER__GROW(*xy, cap, 2 * (*n + 1));
        (*xy)[2 * *n] = v[0];
        (*xy)[2 * *n + 1] = v[1];
        (*n)++;
    }
    return 0;
}

int safer_area_polygon_parse(const char *text, struct safer_geom *out, char **canon,
                             struct safer_err *err)
{
    safer_geom_init(out);
    *canon = NULL;
    while (text && isspace((unsigned char)*text))
        text++;
    if (!text || !*text)
        return safer_err_set(err, SAFER_EINVAL, "no corners given");
    struct safer_buf fc;
    safer_buf_init(&fc, 1u << 20);
    safer_buf_putf(&fc, "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
                        "\"properties\":{\"code\":\"place\"},\"geometry\":");
    double *xy = NULL;
    size_t n = 0;
    int rc = 0;
    if (*text == '{') {
        /* A GeoJSON geometry, as a GIS or geojson.io gives it. */
        safer_buf_puts(&fc, text);
    } else {
        rc = read_lines(text, &xy, &n, err);
        if (rc == 0 && n < 3)
            rc = safer_err_set(err, SAFER_EINVAL, "a polygon needs at least 3 corners");
        /* Closed for the reader: the first corner again, unless it is. */
        bool closed = n > 0 && xy[0] == xy[2 * n - 2] && xy[1] == xy[2 * n - 1];
        safer_buf_putf(&fc, "{\"type\":\"Polygon\",\"coordinates\":[[");
        for (size_t i = 0; rc == 0 && i <= n; i++) {
            if (i == n && closed)
                break;
            size_t k = i == n ? 0 : i;
            safer_buf_putf(&fc, "%s[%.17g,%.17g]", i ? "," : "", xy[2 * k], xy[2 * k + 1]);
        }
        safer_buf_putf(&fc, "]]}");
    }
    safer_buf_putf(&fc, "}]}");
    free(xy);
    if (rc == 0 && safer_buf_error(&fc))
        rc = safer_err_set(err, SAFER_ETOOBIG, "the polygon is larger than 1 MiB");
    struct safer_area *areas = NULL;
    size_t na = 0;
    if (rc == 0) {
        struct safer_areas_opts o = {.code_field = "code"};
        struct safer_areas_stats stats;
        rc = safer_areas_parse(fc.ptr, fc.len, "the polygon", &o, &areas, &na, &stats, err);
        if (rc < 0 && strncmp(err->msg, PREFIX, strlen(PREFIX)) == 0)
            memmove(err->msg, err->msg + strlen(PREFIX), strlen(err->msg + strlen(PREFIX)) + 1);
        else if (rc < 0 && strncmp(err->msg, "the polygon: ", 13) == 0)
            memmove(err->msg, err->msg + 13, strlen(err->msg + 13) + 1);
    }
    safer_buf_release(&fc);
    if (rc == 0 && (na != 1 || areas[0].geom.nparts != 1))
        rc = safer_err_set(err, SAFER_EINVAL, "give one polygon, not %s",
                           na != 1 ? "several features" : "a MultiPolygon");
    if (rc == 0) {
        /* The canonical text: the shell's corners, one "lon, lat" a line,
         * to 6 decimals (about 0.1 m); holes are kept only in GeoJSON. */
        const struct safer_geom *g = &areas[0].geom;
        struct safer_buf t;
        safer_buf_init(&t, 1u << 20);
        if (g->nrings > 1) {
            safer_buf_putf(&t, "{\"type\":\"Polygon\",\"coordinates\":[");
            for (uint32_t r = 0; r < g->nrings; r++) {
                safer_buf_putf(&t, "%s[", r ? "," : "");
                for (uint32_t i = g->ring_start[r]; i < g->ring_start[r + 1]; i++)
                    safer_buf_putf(&t, "%s[%.6f,%.6f]", i > g->ring_start[r] ? "," : "",
                                   g->xy[2 * i], g->xy[2 * i + 1]);
                safer_buf_putf(&t, "]");
            }
            safer_buf_putf(&t, "]}");
        } else {
            for (uint32_t i = 0; i + 1 < g->ring_start[1]; i++)
                safer_buf_putf(&t, "%.6f, %.6f\n", g->xy[2 * i], g->xy[2 * i + 1]);
        }
        if (safer_buf_error(&t))
            rc = safer_err_set(err, SAFER_ETOOBIG, "the polygon is larger than 1 MiB");
        else
            *canon = safer__xstrndup(t.ptr, t.len);
        safer_buf_release(&t);
    }
    if (rc == 0) {
        *out = areas[0].geom;
        safer_geom_init(&areas[0].geom);
    }
    safer_areas_free(areas, na);
    return rc;
}
