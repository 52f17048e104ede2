/*
 * harm.c - the harm weights file (harm.h): the built-in default and a
 * partnership's own, parsed the same way, and the classes of hot spots
 * over time (docs/statistics.md, Harm and Hot spots over time).
 *
 * The default is data/harm/weights.csv, whose bytes CMakeLists.txt builds
 * into the program as safer__harm_default_csv, so the program reads no file
 * for it and the file in the repository is the one documented.
 */
#include "util/compat.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "safer/csv.h"
#include "safer/harm.h"
#include "util/internal.h"

extern const unsigned char safer__harm_default_csv[];
extern const size_t safer__harm_default_csv_len;

const char *const safer_harm_categories[SAFER_HARM_NCATS] = {
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
};

int safer_harm_category(const char *name)
{
    for (int i = 0; i < SAFER_HARM_NCATS; i++) {
        if (strcmp(safer_harm_categories[i], name) == 0)
            return i;
    }
    return -1;
}

static int category_n(const char *p, size_t len)
{
    for (int i = 0; i < SAFER_HARM_NCATS; i++) {
        if (strlen(safer_harm_categories[i]) == len &&
            memcmp(safer_harm_categories[i], p, len) == 0)
            return i;
    }
    return -1;
}

const char *safer_harm_default_csv(size_t *len)
{
    *len = safer__harm_default_csv_len;
    return (const char *)safer__harm_default_csv;
}

static void clear(struct safer_harm_weights *w)
{
    memset(w, 0, sizeof(*w));
    for (int i = 0; i < SAFER_HARM_NCATS; i++) {
        w->weight[i] = NAN;
        w->traced[i] = -1;
    }
}

/* A weight: a plain decimal number, no sign, no thousands separator. */
static int parse_weight(const struct safer_csv_field *f, double *out)
{
    char tmp[64];
    if (f->len == 0 || f->len >= sizeof(tmp))
        return -1;
    for (size_t i = 0; i < f->len; i++) {
        char ch = f->ptr[i];
        if (!((ch >= '0' && ch <= '9') || ch == '.' || ch == 'e' || ch == 'E' || ch == '-' ||
              ch == '+'))
            return -1;
    }
    memcpy(tmp, f->ptr, f->len);
    tmp[f->len] = '\0';
    char *end;
    errno = 0;
    double v = strtod(tmp, &end);
    if (*end || errno || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

static int column(const struct safer_csv *c, const char *name)
{
    for (size_t i = 0; i < c->nfields; i++) {
        if (safer_csv_eq(&c->fields[i], name))
            return (int)i;
    }
    return -1;
}

#define SHOW(f) (int)((f)->len < 60 ? (f)->len : 60), (f)->ptr

int safer_harm_parse(const char *data, size_t len, const char *path,
                     enum safer_harm_origin origin, struct safer_harm_weights *out,
                     struct safer_err *err)
{
    clear(out);
    struct safer_csv c;
    safer_csv_init(&c, data, len, path);
    int rc = safer_csv_next(&c, err);
    int ct = -1, wt = -1, src = -1, tr = -1, rows = 0;
    if (rc == 0)
        rc = safer_err_set(err, SAFER_EPARSE, "%s:1: empty file: expected a header row", path);
    if (rc < 0)
        goto out;
    ct = column(&c, "crime_type");
    wt = column(&c, "weight");
    src = column(&c, "source");
    tr = column(&c, "traced");
    if (ct < 0 || wt < 0 || src < 0) {
        rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: %s: the header must name the columns "
                                              "crime_type, weight and source",
                           path, c.row_line,
                           ct < 0 ? "crime_type" : wt < 0 ? "weight" : "source");
        goto out;
    }
    while ((rc = safer_csv_next(&c, err)) == 1) {
        size_t line = c.row_line;
        int need = ct > wt ? ct : wt;
        need = need > src ? need : src;
        if ((int)c.nfields <= need) {
            rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: row has %zu fields, the header %d",
                               path, line, c.nfields, need + 1);
            goto out;
        }
        const struct safer_csv_field *fc = &c.fields[ct], *fw = &c.fields[wt],
                                     *fs = &c.fields[src];
        int k = category_n(fc->ptr, fc->len);
        if (k < 0) {
            rc = safer_err_set(err, SAFER_EPARSE,
                               "%s:%zu: crime_type: '%.*s' is not a police.uk category", path,
                               line, SHOW(fc));
            goto out;
        }
        if (out->origin[k] != SAFER_HARM_NONE) {
            rc = safer_err_set(err, SAFER_EPARSE,
                               "%s:%zu: crime_type: '%s' is given twice (first on line %zu)",
                               path, line, safer_harm_categories[k], out->lines[k]);
            goto out;
        }
        double w;
        if (parse_weight(fw, &w) < 0) {
            rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: weight: '%.*s' is not a number", path,
                               line, SHOW(fw));
            goto out;
        }
        if (w < 0 || w > SAFER_HARM_WEIGHT_MAX) {
            rc = safer_err_set(err, SAFER_EPARSE,
                               "%s:%zu: weight: '%.*s' is not from 0 to 1000000000", path, line,
                               SHOW(fw));
            goto out;
        }
        if (fs->len == 0 || fs->len >= SAFER_HARM_TEXT_MAX) {
            rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: source: %s", path, line,
                               fs->len ? "longer than 1023 bytes" : "empty: say where the weight "
                                                                    "comes from");
            goto out;
        }
        out->weight[k] = w == 0 ? 0 : w; /* no -0 */
        out->origin[k] = origin;
        out->lines[k] = line;
        memcpy(out->source[k], fs->ptr, fs->len);
        out->source[k][fs->len] = '\0';
        if (tr >= 0 && (size_t)tr < c.nfields) {
            if (safer_csv_eq(&c.fields[tr], "yes"))
                out->traced[k] = 1;
            else if (safer_csv_eq(&c.fields[tr], "no"))
                out->traced[k] = 0;
        }
        rows++;
    }
out:
    safer_csv_release(&c);
    if (rc < 0) {
        clear(out);
        return rc;
    }
    return rows;
}

void safer_harm_default(struct safer_harm_weights *out)
{
    size_t len;
    const char *csv = safer_harm_default_csv(&len);
    int rc = safer_harm_parse(csv, len, "data/harm/weights.csv", SAFER_HARM_DEFAULT, out, NULL);
    /* The built-in file is checked by the tests: every category, no mistake. */
    if (rc != SAFER_HARM_NCATS)
        abort();
}

/* ---- Hot spots over time ---- */

size_t safer_persist_recent(size_t nperiods)
{
    size_t r = nperiods / 5;
    return r < 1 ? 1 : r;
}

enum safer_persist_class safer_persist_classify(const unsigned char *hot, size_t nperiods)
{
    if (nperiods < 2)
        return SAFER_PERSIST_NEVER;
    size_t r = safer_persist_recent(nperiods), h = 0, older = 0, recent = 0;
    for (size_t p = 0; p < nperiods; p++) {
        if (!hot[p])
            continue;
        h++;
        if (p < nperiods - r)
            older++;
        else
            recent++;
    }
    if (5 * h >= 4 * nperiods)
        return SAFER_PERSIST_PERSISTENT;
    if (older == 0 && recent >= 1)
        return SAFER_PERSIST_EMERGING;
    if (older >= 1 && recent == 0)
        return SAFER_PERSIST_FORMER;
    if (h >= 1)
        return SAFER_PERSIST_INTERMITTENT;
    return SAFER_PERSIST_NEVER;
}

const char *safer_persist_class_name(enum safer_persist_class c)
{
    static const char *const names[SAFER_PERSIST_NCLASSES] = {
        [SAFER_PERSIST_NEVER] = "never",
        [SAFER_PERSIST_INTERMITTENT] = "intermittent",
        [SAFER_PERSIST_FORMER] = "former",
        [SAFER_PERSIST_EMERGING] = "emerging",
        [SAFER_PERSIST_PERSISTENT] = "persistent",
    };
    if ((int)c < 0 || c >= SAFER_PERSIST_NCLASSES)
        return NULL;
    return names[c];
}
