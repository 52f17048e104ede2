/*
 * partner_map.c - reading a partner data set's mapping (partner.h; the
 * format in docs/partner-data.md).
 *
 * A mapping is a small flat JSON object, so yajl's tree parser reads it
 * whole; its checks name the key at fault ("MAP.json: key 'place': ...").
 * A key the format does not have is an error, so that a typo ("licence"
 * as "license") fails rather than leaving the data set without one.
 */
#include "util/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yajl/yajl_tree.h>

#include "safer/partner.h"
#include "safer/place.h"
#include "util/internal.h"

void safer_partner_map_init(struct safer_partner_map *m) { memset(m, 0, sizeof(*m)); }

void safer_partner_map_release(struct safer_partner_map *m)
{
    char **s[] = {&m->key,       &m->title,    &m->agency,       &m->source,
                  &m->licence,   &m->col_month, &m->col_date,    &m->col_place,
                  &m->col_lon,   &m->col_lat,  &m->col_category, &m->col_count,
                  &m->category,  &m->police_category};
    for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
        free(*s[i]);
    safer_partner_map_init(m);
}

/* A string member `key` of object `o`: 0 and *out (a malloc'd copy, or
 * NULL when absent and not `required`), or SAFER_EPARSE. */
static int get_str(yajl_val o, const char *key, int required, const char *name, char **out,
                   struct safer_err *err)
{
    const char *path[] = {key, NULL};
    yajl_val v = yajl_tree_get(o, path, yajl_t_any);
    *out = NULL;
    if (!v) {
        if (required)
            return safer_err_set(err, SAFER_EPARSE, "%s: key '%s' is missing", name, key);
        return 0;
    }
    if (!YAJL_IS_STRING(v))
        return safer_err_set(err, SAFER_EPARSE, "%s: key '%s' must be a string", name, key);
    const char *s = YAJL_GET_STRING(v);
    size_t n = strlen(s);
    if (n == 0 || n > 1000)
        return safer_err_set(err, SAFER_EPARSE, "%s: key '%s' must hold 1 to 1000 bytes", name,
                             key);
    *out = safer__xstrdup(s);
    return 0;
}

/* The place kinds of place.h, read here without the resolver. */
static int kind_parse(const char *s)
{
    static const char *const names[] = {"ward", "lsoa", "postcode", "point"};
    static const int kinds[] = {SAFER_PLACE_WARD, SAFER_PLACE_LSOA, SAFER_PLACE_POSTCODE,
                                SAFER_PLACE_POINT};
    for (size_t i = 0; i < 4; i++)
        if (strcasecmp(s, names[i]) == 0)
            return kinds[i];
    return 0;
}

static const char *const KEYS[] = {
    "key",   "title",    "agency",   "source",       "licence", "threshold", "month",
    "date",  "place",    "place_kind", "longitude",  "latitude", "category", "category_value",
    "count", "police_category", NULL,
};

int safer_partner_map_parse(const char *json, size_t len, const char *name,
                            struct safer_partner_map *m, struct safer_err *err)
{
    safer_partner_map_release(m);
    if (len > SAFER_PARTNER_MAP_MAX)
        return safer_err_set(err, SAFER_ETOOBIG, "%s: a mapping holds at most %u bytes", name,
                             SAFER_PARTNER_MAP_MAX);
    /* yajl_tree_parse wants a NUL-terminated text. */
    char *text = safer__xstrndup(json, len);
    if (strlen(text) != len) {
        free(text);
        return safer_err_set(err, SAFER_EPARSE, "%s: the mapping holds a NUL byte", name);
    }
    char why[256] = "";
    yajl_val root = yajl_tree_parse(text, why, sizeof(why));
    free(text);
    if (!root) {
        /* yajl's message runs over lines: keep its first. */
        why[strcspn(why, "\n")] = '\0';
        return safer_err_set(err, SAFER_EPARSE, "%s: not JSON: %s", name,
                             why[0] ? why : "parse error");
    }
    int rc = 0;
    if (!YAJL_IS_OBJECT(root)) {
        rc = safer_err_set(err, SAFER_EPARSE, "%s: a mapping is one JSON object", name);
        goto out;
    }
    for (size_t i = 0; i < root->u.object.len; i++) {
        const char *k = root->u.object.keys[i];
        size_t j = 0;
        while (KEYS[j] && strcmp(KEYS[j], k) != 0)
            j++;
        if (!KEYS[j]) {
            rc = safer_err_set(err, SAFER_EPARSE, "%s: unknown key '%s'", name, k);
            goto out;
        }
        for (size_t l = 0; l < i; l++) {
            if (strcmp(root->u.object.keys[l], k) == 0) {
                rc = safer_err_set(err, SAFER_EPARSE, "%s: key '%s' given twice", name, k);
                goto out;
            }
        }
    }
    char *kind = NULL;
    if ((rc = get_str(root, "key", 1, name, &m->key, err)) < 0 ||
        (rc = get_str(root, "title", 1, name, &m->title, err)) < 0 ||
        (rc = get_str(root, "agency", 1, name, &m->agency, err)) < 0 ||
        (rc = get_str(root, "source", 1, name, &m->source, err)) < 0 ||
        (rc = get_str(root, "licence", 1, name, &m->licence, err)) < 0 ||
        (rc = get_str(root, "month", 0, name, &m->col_month, err)) < 0 ||
        (rc = get_str(root, "date", 0, name, &m->col_date, err)) < 0 ||
        (rc = get_str(root, "place_kind", 1, name, &kind, err)) < 0 ||
        (rc = get_str(root, "place", 0, name, &m->col_place, err)) < 0 ||
        (rc = get_str(root, "longitude", 0, name, &m->col_lon, err)) < 0 ||
        (rc = get_str(root, "latitude", 0, name, &m->col_lat, err)) < 0 ||
        (rc = get_str(root, "category", 0, name, &m->col_category, err)) < 0 ||
        (rc = get_str(root, "category_value", 0, name, &m->category, err)) < 0 ||
        (rc = get_str(root, "count", 0, name, &m->col_count, err)) < 0 ||
        (rc = get_str(root, "police_category", 0, name, &m->police_category, err)) < 0)
        goto out_kind;

    size_t klen = strlen(m->key);
    if (klen > SAFER_PARTNER_KEY_MAX || strspn(m->key, "abcdefghijklmnopqrstuvwxyz0123456789-") !=
                                            klen) {
        rc = safer_err_set(err, SAFER_EPARSE,
                           "%s: key 'key': '%s' must be 1 to %d lower-case letters, digits and "
                           "hyphens",
                           name, m->key, SAFER_PARTNER_KEY_MAX);
        goto out_kind;
    }
    const char *tpath[] = {"threshold", NULL};
    yajl_val t = yajl_tree_get(root, tpath, yajl_t_any);
    if (!t) {
        rc = safer_err_set(err, SAFER_EPARSE,
                           "%s: key 'threshold' is missing (the smallest count that may be "
                           "published; 1 publishes every count)",
                           name);
        goto out_kind;
    }
    if (!YAJL_IS_INTEGER(t) || YAJL_GET_INTEGER(t) < 1 || YAJL_GET_INTEGER(t) > 1000) {
        rc = safer_err_set(err, SAFER_EPARSE, "%s: key 'threshold' must be a whole number from 1 "
                                              "to 1000",
                           name);
        goto out_kind;
    }
    m->threshold = YAJL_GET_INTEGER(t);
    m->place_kind = kind_parse(kind);
    if (!m->place_kind) {
        rc = safer_err_set(err, SAFER_EPARSE,
                           "%s: key 'place_kind': '%s' is not one of point, postcode, lsoa, ward",
                           name, kind);
        goto out_kind;
    }
    if (!m->col_month == !m->col_date) {
        rc = safer_err_set(err, SAFER_EPARSE, "%s: give one of the keys 'month' and 'date'", name);
        goto out_kind;
    }
    if (m->place_kind == SAFER_PLACE_POINT) {
        if (!m->col_lon || !m->col_lat || m->col_place) {
            rc = safer_err_set(err, SAFER_EPARSE,
                               "%s: place_kind 'point' needs keys 'longitude' and 'latitude' "
                               "(and no 'place')",
                               name);
            goto out_kind;
        }
    } else if (!m->col_place || m->col_lon || m->col_lat) {
        rc = safer_err_set(err, SAFER_EPARSE,
                           "%s: place_kind '%s' needs key 'place' (and no 'longitude' or "
                           "'latitude')",
                           name, kind);
        goto out_kind;
    }
    if (!m->col_category == !m->category) {
        rc = safer_err_set(err, SAFER_EPARSE,
                           "%s: give one of the keys 'category' (a column) and 'category_value' "
                           "(one category for every row)",
                           name);
        goto out_kind;
    }
out_kind:
    free(kind);
out:
    yajl_tree_free(root);
    if (rc < 0)
        safer_partner_map_release(m);
    return rc;
}

int safer_partner_map_load(const char *path, struct safer_partner_map *m, struct safer_err *err)
{
    char *data = NULL;
    size_t len = 0;
    safer_partner_map_release(m);
    int rc = safer__read_file(path, SAFER_PARTNER_MAP_MAX, "64 KiB for a partner data mapping",
                              &data, &len, err);
    if (rc < 0)
        return rc;
    rc = safer_partner_map_parse(data, len, path, m, err);
    free(data);
    return rc;
}
