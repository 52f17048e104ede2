/*
 * plan.c - reading a partnership's plan from JSON (format in docs/plan.md).
 *
 * A plan is a few kilobytes, so the file is read whole, in one pass of
 * yajl's event parser, into a small tree of our own in which every value
 * remembers the line it is on; the tree is then checked against the format
 * and copied into a struct safer_plan. yajl's own tree (yajl_tree) would be
 * shorter, but it keeps no line numbers, and "priority 3 has an unknown
 * key" without a line sends the analyst hunting through the file.
 *
 * Every check fails the whole file ("PATH:LINE: what", or "PATH: what" when
 * something is missing from the file as a whole): a key the format does not
 * have (a typo must not pass silently), a value of the wrong type, an
 * unknown police.uk category or group kind, an id used twice or naming
 * nothing. No SQL here: safer_plan_store() (lib/store/store_plan.c) writes
 * a checked plan.
 */
#include "util/compat.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>
#include <yajl/yajl_parse.h>

#include "util/internal.h"
#include "safer/action.h"
#include "safer/limits.h"
#include "safer/plan.h"

const char *const safer_plan_group_kinds[] = {
    "executive",    /* the executive group: strategy, funding, statutory duties */
    "partnership",  /* the partnership that delivers the plan */
    "scrutiny",     /* the council's crime and disorder (scrutiny) committee */
    "subgroup",     /* a sub-group with its own action plan */
    "working-group",
    "task-force",
    "meeting",      /* a case or operational meeting (CSVG, MARAC, CARM...) */
    "ward-cluster",
    "linked-board", /* a board of another partnership the plan links to */
    "team",         /* a team or service that delivers part of the plan */
    NULL,
};

const char *const safer_plan_member_roles[] = {"chair", "vice-chair", "member", "secretary",
                                              NULL};
const char *const safer_plan_link_kinds[] = {"county", "commissioner", "national", NULL};

const char *const safer_plan_categories[] = {
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
    /* Categories of files before May 2013. */
    "Public disorder and weapons",
    "Violent crime",
    NULL,
};

void safer_plan_init(struct safer_plan *p)
{
    memset(p, 0, sizeof(*p));
    safer_arena_init(&p->arena);
}

void safer_plan_release(struct safer_plan *p)
{
    safer_arena_release(&p->arena);
    safer_plan_init(p);
}

void safer_plan_free(struct safer_plan *p)
{
    if (!p)
        return;
    safer_plan_release(p);
    free(p);
}

const struct safer_plan_group *safer_plan_group(const struct safer_plan *p, const char *key)
{
    for (size_t i = 0; key && i < p->ngroups; i++) {
        if (strcmp(p->groups[i].key, key) == 0)
            return &p->groups[i];
    }
    return NULL;
}

/* ---- the tree ---- */

enum jtype { J_NULL, J_BOOL, J_NUMBER, J_STRING, J_ARRAY, J_OBJECT };

struct jnode {
    enum jtype type;
    size_t line;
    const char *key; /* its name, when it is a member of an object */
    size_t keylen;
    const char *s;   /* a string's bytes (NUL-terminated copy) or a number's text */
    size_t len;
    bool b;
    long first, last, next; /* children and the next sibling: indexes, -1 for none */
    size_t n;               /* children */
};

struct jdoc {
    struct jnode *nodes;
    size_t n, cap;
    long stack[SAFER_LIMIT_PLAN_DEPTH];
    int depth;
    const char *key; /* the member name just read, for the next value */
    size_t keylen;
    struct safer_arena strings;
    /* Line numbers: the parser's offset is after the token it just read. */
    const unsigned char *data;
    size_t off, line;
    yajl_handle h;
    const char *path;
    struct safer_err *err;
    int rc;
};

static size_t cur_line(struct jdoc *d)
{
    size_t off = yajl_get_bytes_consumed(d->h);
    for (; d->off < off; d->off++)
        d->line += d->data[d->off] == '\n';
    return d->line;
}

static const char *type_name(enum jtype t)
{
    static const char *const names[] = {"null", "true or false", "a number", "a string",
                                        "a list", "an object"};
    return names[t];
}

/* Add a value under the open container (or as the root); -1 on failure. */
static long add(struct jdoc *d, enum jtype type)
{
    size_t line = cur_line(d);
    long parent = d->depth ? d->stack[d->depth - 1] : -1;
    if (parent >= 0 && d->nodes[parent].n >= SAFER_LIMIT_PLAN_ITEMS) {
        d->rc = safer_err_set(d->err, SAFER_ETOOBIG,
                              "%s:%zu: more than %d entries in one list or object (limit "
                              "SAFER_LIMIT_PLAN_ITEMS)",
                              d->path, line, SAFER_LIMIT_PLAN_ITEMS);
        return -1;
    }
    SAFER__GROW(d->nodes, d->cap, d->n + 1);
    long i = (long)d->n++;
    struct jnode *j = &d->nodes[i];
    memset(j, 0, sizeof(*j));
    j->type = type;
    j->line = line;
    j->first = j->last = j->next = -1;
    if (parent >= 0) {
        struct jnode *p = &d->nodes[parent];
        if (p->type == J_OBJECT) {
            j->key = d->key;
            j->keylen = d->keylen;
        }
        if (p->last >= 0)
            d->nodes[p->last].next = i;
        else
            p->first = i;
        p->last = i;
        p->n++;
    }
    return i;
}

static int on_null(void *ctx) { return add(ctx, J_NULL) >= 0; }

static int on_boolean(void *ctx, int v)
{
    struct jdoc *d = ctx;
    long i = add(d, J_BOOL);
    if (i >= 0)
        d->nodes[i].b = v != 0;
    return i >= 0;
}

static int on_scalar(struct jdoc *d, enum jtype type, const char *s, size_t len)
{
    if (len > SAFER_LIMIT_PLAN_TEXT) {
        d->rc = safer_err_set(d->err, SAFER_ETOOBIG,
                              "%s:%zu: a value longer than %d bytes (limit SAFER_LIMIT_PLAN_TEXT)",
                              d->path, cur_line(d), SAFER_LIMIT_PLAN_TEXT);
        return 0;
    }
    long i = add(d, type);
    if (i < 0)
        return 0;
    d->nodes[i].s = safer_arena_strndup(&d->strings, s, len);
    d->nodes[i].len = len;
    return 1;
}

static int on_number(void *ctx, const char *s, size_t len)
{
    return on_scalar(ctx, J_NUMBER, s, len);
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
    return on_scalar(ctx, J_STRING, (const char *)s, len);
}

static int on_key(void *ctx, const unsigned char *s, size_t len)
{
    struct jdoc *d = ctx;
    if (len > SAFER_LIMIT_PLAN_TEXT) {
        d->rc = safer_err_set(d->err, SAFER_ETOOBIG,
                              "%s:%zu: a key longer than %d bytes (limit SAFER_LIMIT_PLAN_TEXT)",
                              d->path, cur_line(d), SAFER_LIMIT_PLAN_TEXT);
        return 0;
    }
    d->key = safer_arena_strndup(&d->strings, (const char *)s, len);
    d->keylen = len;
    return 1;
}

static int on_start(struct jdoc *d, enum jtype type)
{
    if (d->depth >= SAFER_LIMIT_PLAN_DEPTH) {
        d->rc = safer_err_set(d->err, SAFER_ETOOBIG,
                              "%s:%zu: values nested more than %d deep (limit "
                              "SAFER_LIMIT_PLAN_DEPTH)",
                              d->path, cur_line(d), SAFER_LIMIT_PLAN_DEPTH);
        return 0;
    }
    long i = add(d, type);
    if (i < 0)
        return 0;
    d->stack[d->depth++] = i;
    return 1;
}

static int on_start_map(void *ctx) { return on_start(ctx, J_OBJECT); }
static int on_start_array(void *ctx) { return on_start(ctx, J_ARRAY); }

static int on_end(void *ctx)
{
    struct jdoc *d = ctx;
    d->depth--;
    return 1;
}

static const yajl_callbacks CALLBACKS = {
    .yajl_null = on_null,
    .yajl_boolean = on_boolean,
    .yajl_number = on_number,
    .yajl_string = on_string,
    .yajl_start_map = on_start_map,
    .yajl_map_key = on_key,
    .yajl_end_map = on_end,
    .yajl_start_array = on_start_array,
    .yajl_end_array = on_end,
};

static void jdoc_release(struct jdoc *d)
{
    free(d->nodes);
    safer_arena_release(&d->strings);
    if (d->h)
        yajl_free(d->h);
    memset(d, 0, sizeof(*d));
}

/* Parse `data` into the tree; its root is node 0. */
static int jdoc_parse(struct jdoc *d, const char *data, size_t len, const char *path,
                      struct safer_err *err)
{
    memset(d, 0, sizeof(*d));
    safer_arena_init(&d->strings);
    d->path = path;
    d->err = err;
    d->line = 1;
    d->data = (const unsigned char *)data;
    d->h = yajl_alloc(&CALLBACKS, NULL, d);
    if (!d->h)
        return safer_err_set(err, SAFER_ENOMEM, "%s: cannot start the JSON parser", path);
    yajl_status st = yajl_parse(d->h, d->data, len);
    if (st == yajl_status_ok)
        st = yajl_complete_parse(d->h);
    if (d->rc < 0)
        return d->rc;
    if (st != yajl_status_ok) {
        size_t off = yajl_get_bytes_consumed(d->h);
        if (off > len)
            off = len;
        for (; d->off < off; d->off++)
            d->line += d->data[d->off] == '\n';
        unsigned char *msg = yajl_get_error(d->h, 0, d->data, len);
        char text[200];
        snprintf(text, sizeof(text), "%s", msg ? (const char *)msg : "error");
        if (msg)
            yajl_free_error(d->h, msg);
        size_t n = strlen(text);
        while (n && (text[n - 1] == '\n' || text[n - 1] == ' '))
            text[--n] = '\0';
        return safer_err_set(err, SAFER_EPARSE, "%s:%zu: not valid JSON: %s", path, d->line,
                             text);
    }
    return 0;
}

/* ---- checking the tree against the format ---- */

struct walk {
    const char *path;
    const struct jdoc *d;
    struct safer_plan *p;
    struct safer_err *err;
};

static const struct jnode *node(const struct walk *w, long i)
{
    return i >= 0 ? &w->d->nodes[i] : NULL;
}

/* A member the format knows: its name, the type its value must have, and
 * (after members()) the member found, or -1. */
struct field {
    const char *name;
    enum jtype type;
    bool required;
    long at;
};

/*
 * Match the members of object `obj` (described in messages as `what`) to
 * `f`: every member must be one of them, once, of its type; every required
 * one must be there.
 */
static int members(const struct walk *w, long obj, const char *what, struct field *f, size_t nf)
{
    const struct jnode *o = node(w, obj);
    for (size_t k = 0; k < nf; k++)
        f[k].at = -1;
    for (long i = o->first; i >= 0; i = node(w, i)->next) {
        const struct jnode *m = node(w, i);
        size_t k = 0;
        while (k < nf &&
               !(strlen(f[k].name) == m->keylen && memcmp(f[k].name, m->key, m->keylen) == 0))
            k++;
        if (k == nf) {
            char known[400] = "";
            size_t at = 0;
            for (size_t j = 0; j < nf && at < sizeof(known); j++)
                at += (size_t)snprintf(known + at, sizeof(known) - at, "%s%s", j ? ", " : "",
                                       f[j].name);
            return safer_err_set(w->err, SAFER_EPARSE,
                                 "%s:%zu: unknown key '%.*s' in %s (the format has: %s)", w->path,
                                 m->line, (int)(m->keylen > 80 ? 80 : m->keylen), m->key, what,
                                 known);
        }
        if (f[k].at >= 0)
            return safer_err_set(w->err, SAFER_EPARSE, "%s:%zu: key '%s' appears twice in %s",
                                 w->path, m->line, f[k].name, what);
        if (m->type != f[k].type)
            return safer_err_set(w->err, SAFER_EPARSE, "%s:%zu: '%s' in %s must be %s, not %s",
                                 w->path, m->line, f[k].name, what, type_name(f[k].type),
                                 type_name(m->type));
        f[k].at = i;
    }
    for (size_t k = 0; k < nf; k++) {
        if (f[k].required && f[k].at < 0)
            return safer_err_set(w->err, SAFER_EPARSE, "%s:%zu: %s has no '%s'", w->path, o->line,
                                 what, f[k].name);
    }
    return 0;
}

/*
 * Text: not empty (nor only spaces), no control character but a line
 * break. yajl has checked that it is UTF-8. Copied into the plan.
 */
static int text_of(const struct walk *w, const struct jnode *j, const char *name,
                   const char *what, const char **out)
{
    bool blank = true;
    for (size_t k = 0; k < j->len; k++) {
        unsigned char c = (unsigned char)j->s[k];
        if ((c < 0x20 && c != '\n') || c == 0x7f)
            return safer_err_set(w->err, SAFER_EPARSE,
                                 "%s:%zu: '%s' in %s holds a control character", w->path, j->line,
                                 name, what);
        if (c != ' ' && c != '\n')
            blank = false;
    }
    if (blank)
        return safer_err_set(w->err, SAFER_EPARSE, "%s:%zu: '%s' in %s is empty", w->path, j->line,
                             name, what);
    *out = safer_arena_strndup(&w->p->arena, j->s, j->len);
    return 0;
}

/* An optional text member: *out is NULL when it is absent. */
static int text(const struct walk *w, long i, const char *name, const char *what, const char **out)
{
    *out = NULL;
    return i >= 0 ? text_of(w, node(w, i), name, what, out) : 0;
}

/* A survey question's key, as the survey mapping names it: letters,
 * digits, '_' and '-' (64 at most), beginning with a letter or digit. */
static int question_key(const struct walk *w, const struct jnode *j, const char *what,
                        const char **out)
{
    bool ok = j->type == J_STRING && j->len >= 1 && j->len <= 64;
    for (size_t k = 0; ok && k < j->len; k++) {
        char c = j->s[k];
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             (k > 0 && (c == '-' || c == '_'));
    }
    if (!ok)
        return safer_err_set(w->err, SAFER_EPARSE,
                             "%s:%zu: 'question' in %s must be a survey question's key of "
                             "letters, digits, '_' and '-' (64 at most), like 'safe_night'",
                             w->path, j->line, what);
    *out = safer_arena_strndup(&w->p->arena, j->s, j->len);
    return 0;
}

/* A GSS code, as the ONS writes them: a capital letter and eight digits. */
static int code(const struct walk *w, const struct jnode *j, const char *name, const char *what,
                const char **out)
{
    bool ok = j->type == J_STRING && j->len == 9 && j->s[0] >= 'A' && j->s[0] <= 'Z';
    for (size_t k = 1; ok && k < 9; k++)
        ok = j->s[k] >= '0' && j->s[k] <= '9';
    if (!ok)
        return safer_err_set(w->err, SAFER_EPARSE,
                             "%s:%zu: '%s' in %s is not an area code like 'E22000142' (a capital "
                             "letter and eight digits)",
                             w->path, j->line, name, what);
    *out = safer_arena_strndup(&w->p->arena, j->s, j->len);
    return 0;
}

/* An id: a small letter or digit, then letters, digits and '-', 64 at most. */
static int ident(const struct walk *w, const struct jnode *j, const char *name, const char *what,
                 const char **out)
{
    bool ok = j->type == J_STRING && j->len >= 1 && j->len <= 64;
    for (size_t k = 0; ok && k < j->len; k++) {
        char c = j->s[k];
        ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (k > 0 && c == '-');
    }
    if (!ok)
        return safer_err_set(w->err, SAFER_EPARSE,
                             "%s:%zu: '%s' in %s must be an id of small letters, digits and '-' "
                             "(64 at most), like 'domestic-abuse'",
                             w->path, j->line, name, what);
    *out = safer_arena_strndup(&w->p->arena, j->s, j->len);
    return 0;
}

/* "2019" or "2019-04". */
static int year_month(const struct walk *w, long i, const char *name, const char *what,
                      const char **out)
{
    const struct jnode *j = node(w, i);
    if (!j) {
        *out = NULL;
        return 0;
    }
    bool ok = j->len == 4 || (j->len == 7 && j->s[4] == '-');
    for (size_t k = 0; ok && k < j->len; k++)
        ok = k == 4 || (j->s[k] >= '0' && j->s[k] <= '9');
    if (ok && j->len == 7) {
        int m = (j->s[5] - '0') * 10 + (j->s[6] - '0');
        ok = m >= 1 && m <= 12;
    }
    if (ok) {
        int y = (j->s[0] - '0') * 1000 + (j->s[1] - '0') * 100 + (j->s[2] - '0') * 10 +
                (j->s[3] - '0');
        ok = y >= 1990 && y <= 2100;
    }
    if (!ok)
        return safer_err_set(w->err, SAFER_EPARSE,
                             "%s:%zu: '%s' in %s must be a year (1990 to 2100) or a month, like "
                             "'2019' or '2019-04'",
                             w->path, j->line, name, what);
    *out = safer_arena_strndup(&w->p->arena, j->s, j->len);
    return 0;
}

/* A number from lo to hi. safer__fast_decimal reads "1.5" whatever the
 * locale; strtod only the rarer forms (an exponent). */
static int number(const struct walk *w, long i, const char *name, const char *what, double lo,
                  double hi, double *out)
{
    const struct jnode *j = node(w, i);
    double v;
    if (safer__fast_decimal(j->s, j->len, &v) < 0) {
        char *end;
        errno = 0;
        v = strtod(j->s, &end);
        if (*end || errno == ERANGE)
            v = NAN;
    }
    if (!isfinite(v) || v < lo || v > hi)
        return safer_err_set(w->err, SAFER_EPARSE, "%s:%zu: '%s' in %s must be a number from %g "
                             "to %g, not %s",
                             w->path, j->line, name, what, lo, hi, j->s);
    *out = v;
    return 0;
}

/* A police.uk category: one of safer_plan_categories, exactly. */
static int category(const struct walk *w, const struct jnode *j, const char *name,
                    const char *what, const char **out)
{
    for (size_t k = 0; safer_plan_categories[k]; k++) {
        if (strlen(safer_plan_categories[k]) == j->len &&
            memcmp(safer_plan_categories[k], j->s, j->len) == 0) {
            *out = safer_arena_strndup(&w->p->arena, j->s, j->len);
            return 0;
        }
    }
    return safer_err_set(w->err, SAFER_EPARSE,
                         "%s:%zu: '%.*s' in '%s' of %s is not a police.uk crime category (they "
                         "are written as in the street files' 'Crime type', like 'Burglary' or "
                         "'Violence and sexual offences': docs/plan.md lists them)",
                         w->path, j->line, (int)(j->len > 80 ? 80 : j->len), j->s, name, what);
}

typedef int (*one_fn)(const struct walk *w, const struct jnode *j, const char *name,
                      const char *what, const char **out);

/* A list of strings, each checked by `one`, none twice. Absent: none. */
static int strings(const struct walk *w, long i, const char *name, const char *what, one_fn one,
                   const char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    const struct jnode *l = node(w, i);
    if (!l)
        return 0;
    const char **v = safer_arena_alloc(&w->p->arena, sizeof(char *) * (l->n ? l->n : 1));
    for (long e = l->first; e >= 0; e = node(w, e)->next) {
        const struct jnode *j = node(w, e);
        if (j->type != J_STRING)
            return safer_err_set(w->err, SAFER_EPARSE,
                                 "%s:%zu: '%s' in %s must be a list of strings, not hold %s",
                                 w->path, j->line, name, what, type_name(j->type));
        int rc = one(w, j, name, what, &v[*n]);
        if (rc < 0)
            return rc;
        for (size_t k = 0; k < *n; k++) {
            if (strcmp(v[k], v[*n]) == 0)
                return safer_err_set(w->err, SAFER_EPARSE, "%s:%zu: '%s' in %s names '%s' twice",
                                     w->path, j->line, name, what, v[k]);
        }
        (*n)++;
    }
    *out = v;
    return 0;
}

/* Elements of a list that must all be objects. */
static int objects_only(const struct walk *w, long i, const char *name)
{
    const struct jnode *l = node(w, i);
    for (long e = l ? l->first : -1; e >= 0; e = node(w, e)->next) {
        if (node(w, e)->type != J_OBJECT)
            return safer_err_set(w->err, SAFER_EPARSE,
                                 "%s:%zu: each entry of '%s' must be an object ({...}), not %s",
                                 w->path, node(w, e)->line, name, type_name(node(w, e)->type));
    }
    return 0;
}

/* ---- the sections of the file ---- */

static int partnership(const struct walk *w, long i)
{
    struct field f[] = {{"name", J_STRING, true, -1},
                        {"code", J_STRING, false, -1},
                        {"districts", J_ARRAY, false, -1},
                        {"note", J_STRING, false, -1}};
    struct safer_plan *p = w->p;
    int rc = members(w, i, "'partnership'", f, 4);
    if (rc == 0)
        rc = text(w, f[0].at, "name", "'partnership'", &p->name);
    if (rc == 0 && f[1].at >= 0)
        rc = code(w, node(w, f[1].at), "code", "'partnership'", &p->csp_code);
    if (rc == 0)
        rc = strings(w, f[2].at, "districts", "'partnership'", code, &p->districts,
                     &p->ndistricts);
    if (rc == 0)
        rc = text(w, f[3].at, "note", "'partnership'", &p->note);
    if (rc < 0)
        return rc;
    if (!p->csp_code && p->ndistricts == 0)
        return safer_err_set(w->err, SAFER_EPARSE,
                             "%s:%zu: 'partnership' needs its 'code' (the Community Safety "
                             "Partnership's, like 'E22000142') or its 'districts', or both",
                             w->path, node(w, i)->line);
    p->code = p->csp_code ? p->csp_code : p->districts[0];
    return 0;
}

static int plan_part(const struct walk *w, long i)
{
    struct field f[] = {{"title", J_STRING, true, -1},
                        {"period", J_OBJECT, true, -1},
                        {"updated", J_STRING, false, -1},
                        {"source", J_STRING, true, -1}};
    struct field per[] = {{"from", J_STRING, true, -1}, {"to", J_STRING, true, -1}};
    struct safer_plan *p = w->p;
    int rc = members(w, i, "'plan'", f, 4);
    if (rc == 0)
        rc = text(w, f[0].at, "title", "'plan'", &p->title);
    if (rc == 0)
        rc = members(w, f[1].at, "'period'", per, 2);
    if (rc == 0)
        rc = year_month(w, per[0].at, "from", "'period'", &p->period_from);
    if (rc == 0)
        rc = year_month(w, per[1].at, "to", "'period'", &p->period_to);
    if (rc == 0)
        rc = year_month(w, f[2].at, "updated", "'plan'", &p->updated);
    if (rc == 0)
        rc = text(w, f[3].at, "source", "'plan'", &p->source);
    if (rc < 0)
        return rc;
    /* "2019" sorts before "2019-04", and years and months sort as text. */
    if (strncmp(p->period_from, p->period_to, 4) > 0 ||
        (strlen(p->period_from) == 7 && strlen(p->period_to) == 7 &&
         strcmp(p->period_from, p->period_to) > 0))
        return safer_err_set(w->err, SAFER_EPARSE,
                             "%s:%zu: the plan's period runs from '%s' to '%s': backwards",
                             w->path, node(w, f[1].at)->line, p->period_from, p->period_to);
    return 0;
}

static int kind(const struct walk *w, const struct jnode *j, const char *what, const char **out)
{
    for (size_t k = 0; safer_plan_group_kinds[k]; k++) {
        if (strlen(safer_plan_group_kinds[k]) == j->len &&
            memcmp(safer_plan_group_kinds[k], j->s, j->len) == 0) {
            *out = safer_arena_strndup(&w->p->arena, j->s, j->len);
            return 0;
        }
    }
    char known[300] = "";
    size_t at = 0;
    for (size_t k = 0; safer_plan_group_kinds[k] && at < sizeof(known); k++)
        at += (size_t)snprintf(known + at, sizeof(known) - at, "%s%s", k ? ", " : "",
                               safer_plan_group_kinds[k]);
    return safer_err_set(w->err, SAFER_EPARSE, "%s:%zu: 'kind' of %s is '%.*s', not one of: %s",
                         w->path, j->line, what, (int)(j->len > 80 ? 80 : j->len), j->s, known);
}

static int one_of(const struct walk *w, long i, const char *name, const char *what,
                  const char *const *allowed, const char **out);
static int number(const struct walk *w, long i, const char *name, const char *what, double lo,
                  double hi, double *out);

/* A group's members: {"name", "organisation", "role", "account"}. */
static int group_members(const struct walk *w, long list, const char *gwhat,
                         struct safer_plan_group *g)
{
    const struct jnode *l = node(w, list);
    int rc = objects_only(w, list, "members");
    if (rc < 0 || !l || l->n == 0)
        return rc;
    g->members = safer_arena_alloc(&w->p->arena, sizeof(*g->members) * l->n);
    for (long e = l->first; rc == 0 && e >= 0; e = node(w, e)->next) {
        char what[64];
        snprintf(what, sizeof(what), "member %zu of %s", g->nmembers + 1, gwhat);
        struct field f[] = {{"name", J_STRING, true, -1},
                            {"organisation", J_STRING, false, -1},
                            {"role", J_STRING, true, -1},
                            {"account", J_STRING, false, -1}};
        struct safer_plan_member *m = &g->members[g->nmembers];
        memset(m, 0, sizeof(*m));
        rc = members(w, e, what, f, 4);
        if (rc == 0)
            rc = text(w, f[0].at, "name", what, &m->name);
        if (rc == 0)
            rc = text(w, f[1].at, "organisation", what, &m->organisation);
        if (rc == 0)
            rc = one_of(w, f[2].at, "role", what, safer_plan_member_roles, &m->role);
        if (rc == 0)
            rc = text(w, f[3].at, "account", what, &m->account);
        if (rc == 0 && m->account && (!strchr(m->account, '@') || strchr(m->account, ' ')))
            rc = safer_err_set(w->err, SAFER_EPARSE,
                               "%s:%zu: 'account' of %s must be an e-mail address, not '%.80s'",
                               w->path, node(w, f[3].at)->line, what, m->account);
        if (rc == 0)
            g->nmembers++;
    }
    return rc;
}

/* A group's annual plans: {"year", "outcome"}, one a year. */
static int group_plans(const struct walk *w, long list, const char *gwhat,
                       struct safer_plan_group *g)
{
    const struct jnode *l = node(w, list);
    int rc = objects_only(w, list, "plans");
    if (rc < 0 || !l || l->n == 0)
        return rc;
    g->plans = safer_arena_alloc(&w->p->arena, sizeof(*g->plans) * l->n);
    for (long e = l->first; rc == 0 && e >= 0; e = node(w, e)->next) {
        char what[64];
        snprintf(what, sizeof(what), "plan %zu of %s", g->nplans + 1, gwhat);
        struct field f[] = {{"year", J_NUMBER, true, -1}, {"outcome", J_STRING, true, -1}};
        struct safer_plan_outcome *o = &g->plans[g->nplans];
        memset(o, 0, sizeof(*o));
        double y = 0;
        rc = members(w, e, what, f, 2);
        if (rc == 0)
            rc = number(w, f[0].at, "year", what, 1990, 2100, &y);
        if (rc == 0 && y != (int)y)
            rc = safer_err_set(w->err, SAFER_EPARSE,
                               "%s:%zu: 'year' of %s must be a whole year, like 2021",
                               w->path, node(w, f[0].at)->line, what);
        o->year = (int)y;
        for (size_t k = 0; rc == 0 && k < g->nplans; k++) {
            if (g->plans[k].year == o->year)
                rc = safer_err_set(w->err, SAFER_EPARSE, "%s:%zu: %s has two plans for %d",
                                   w->path, node(w, f[0].at)->line, gwhat, o->year);
        }
        if (rc == 0)
            rc = text(w, f[1].at, "outcome", what, &o->outcome);
        if (rc == 0)
            g->nplans++;
    }
    return rc;
}

/* A priority's links: {"kind", "title"}. */
static int priority_links(const struct walk *w, long list, const char *pwhat,
                          struct safer_plan_priority *r)
{
    const struct jnode *l = node(w, list);
    int rc = objects_only(w, list, "links");
    if (rc < 0 || !l || l->n == 0)
        return rc;
    r->links = safer_arena_alloc(&w->p->arena, sizeof(*r->links) * l->n);
    for (long e = l->first; rc == 0 && e >= 0; e = node(w, e)->next) {
        char what[64];
        snprintf(what, sizeof(what), "link %zu of %s", r->nlinks + 1, pwhat);
        struct field f[] = {{"kind", J_STRING, true, -1}, {"title", J_STRING, true, -1}};
        struct safer_plan_link *k = &r->links[r->nlinks];
        rc = members(w, e, what, f, 2);
        if (rc == 0)
            rc = one_of(w, f[0].at, "kind", what, safer_plan_link_kinds, &k->kind);
        if (rc == 0)
            rc = text(w, f[1].at, "title", what, &k->title);
        if (rc == 0)
            r->nlinks++;
    }
    return rc;
}

static int groups(const struct walk *w, long list)
{
    struct safer_plan *p = w->p;
    const struct jnode *l = node(w, list);
    int rc = objects_only(w, list, "groups");
    if (rc < 0 || !l)
        return rc;
    p->groups = safer_arena_alloc(&p->arena, sizeof(*p->groups) * (l->n ? l->n : 1));
    long *parent_at = safer__xcalloc(l->n ? l->n : 1, sizeof(long));
    size_t n = 0;
    for (long e = l->first; rc == 0 && e >= 0; e = node(w, e)->next) {
        char what[32];
        snprintf(what, sizeof(what), "group %zu", n + 1);
        struct field f[] = {{"id", J_STRING, true, -1},        {"name", J_STRING, true, -1},
                            {"kind", J_STRING, true, -1},      {"reports_to", J_STRING, false, -1},
                            {"remit", J_ARRAY, false, -1},     {"meets", J_STRING, false, -1},
                            {"source", J_STRING, false, -1},   {"terms", J_STRING, false, -1},
                            {"members", J_ARRAY, false, -1},   {"plans", J_ARRAY, false, -1}};
        struct safer_plan_group *g = &p->groups[n];
        memset(g, 0, sizeof(*g));
        rc = members(w, e, what, f, 10);
        if (rc == 0)
            rc = ident(w, node(w, f[0].at), "id", what, &g->key);
        if (rc == 0 && safer_plan_group(p, g->key))
            rc = safer_err_set(w->err, SAFER_EPARSE, "%s:%zu: two groups have the id '%s'",
                               w->path, node(w, f[0].at)->line, g->key);
        if (rc == 0)
            rc = text(w, f[1].at, "name", what, &g->name);
        if (rc == 0)
            rc = kind(w, node(w, f[2].at), what, &g->kind);
        if (rc == 0 && f[3].at >= 0)
            rc = ident(w, node(w, f[3].at), "reports_to", what, &g->parent);
        if (rc == 0)
            rc = strings(w, f[4].at, "remit", what, text_of, &g->remit, &g->nremit);
        if (rc == 0)
            rc = text(w, f[5].at, "meets", what, &g->meets);
        if (rc == 0)
            rc = text(w, f[6].at, "source", what, &g->source);
        if (rc == 0)
            rc = text(w, f[7].at, "terms", what, &g->terms);
        if (rc == 0)
            rc = group_members(w, f[8].at, what, g);
        if (rc == 0)
            rc = group_plans(w, f[9].at, what, g);
        parent_at[n] = f[3].at;
        if (rc == 0)
            p->ngroups = ++n;
    }
    /* Every group it reports to exists, and no chain of them comes back. */
    for (size_t k = 0; rc == 0 && k < p->ngroups; k++) {
        const struct safer_plan_group *g = &p->groups[k];
        if (!g->parent)
            continue;
        if (!safer_plan_group(p, g->parent)) {
            rc = safer_err_set(w->err, SAFER_EPARSE,
                               "%s:%zu: group '%s' reports to '%s', which is no group's id",
                               w->path, node(w, parent_at[k])->line, g->key, g->parent);
            break;
        }
        const struct safer_plan_group *up = g;
        for (size_t steps = 0; up && up->parent && rc == 0; steps++) {
            up = safer_plan_group(p, up->parent);
            if (up == g || steps > p->ngroups)
                rc = safer_err_set(w->err, SAFER_EPARSE,
                                   "%s:%zu: group '%s' reports to itself (through 'reports_to')",
                                   w->path, node(w, parent_at[k])->line, g->key);
        }
    }
    free(parent_at);
    return rc;
}

/* A group's id, named by a priority: it must be one. */
static int group_ref(const struct walk *w, const struct jnode *j, const char *name,
                     const char *what, const char **out)
{
    int rc = ident(w, j, name, what, out);
    if (rc == 0 && !safer_plan_group(w->p, *out))
        rc = safer_err_set(w->err, SAFER_EPARSE,
                           "%s:%zu: '%s' in '%s' of %s is no group's id (the groups are listed "
                           "under 'groups')",
                           w->path, j->line, *out, name, what);
    return rc;
}

static int priorities(const struct walk *w, long list)
{
    struct safer_plan *p = w->p;
    const struct jnode *l = node(w, list);
    int rc = objects_only(w, list, "priorities");
    if (rc < 0)
        return rc;
    if (l->n == 0)
        return safer_err_set(w->err, SAFER_EPARSE, "%s:%zu: 'priorities' is empty: a plan has at "
                             "least one priority",
                             w->path, l->line);
    p->priorities = safer_arena_alloc(&p->arena, sizeof(*p->priorities) * l->n);
    size_t n = 0;
    for (long e = l->first; rc == 0 && e >= 0; e = node(w, e)->next) {
        char what[32];
        snprintf(what, sizeof(what), "priority %zu", n + 1);
        struct field f[] = {{"id", J_STRING, true, -1},
                            {"title", J_STRING, true, -1},
                            {"cross_cutting", J_BOOL, false, -1},
                            {"objective", J_STRING, false, -1},
                            {"description", J_STRING, false, -1},
                            {"categories", J_ARRAY, false, -1},
                            {"police_uk_cannot_show", J_STRING, false, -1},
                            {"groups", J_ARRAY, false, -1},
                            {"source", J_STRING, false, -1},
                            {"links", J_ARRAY, false, -1}};
        struct safer_plan_priority *r = &p->priorities[n];
        memset(r, 0, sizeof(*r));
        rc = members(w, e, what, f, 10);
        if (rc == 0)
            rc = ident(w, node(w, f[0].at), "id", what, &r->key);
        for (size_t k = 0; rc == 0 && k < n; k++) {
            if (strcmp(p->priorities[k].key, r->key) == 0)
                rc = safer_err_set(w->err, SAFER_EPARSE, "%s:%zu: two priorities have the id '%s'",
                                   w->path, node(w, f[0].at)->line, r->key);
        }
        if (rc == 0)
            rc = text(w, f[1].at, "title", what, &r->title);
        if (rc == 0 && f[2].at >= 0)
            r->cross_cutting = node(w, f[2].at)->b;
        if (rc == 0)
            rc = text(w, f[3].at, "objective", what, &r->objective);
        if (rc == 0)
            rc = text(w, f[4].at, "description", what, &r->description);
        if (rc == 0)
            rc = strings(w, f[5].at, "categories", what, category, &r->categories,
                         &r->ncategories);
        if (rc == 0)
            rc = text(w, f[6].at, "police_uk_cannot_show", what, &r->cannot_show);
        if (rc == 0)
            rc = strings(w, f[7].at, "groups", what, group_ref, &r->groups, &r->ngroups);
        if (rc == 0)
            rc = text(w, f[8].at, "source", what, &r->source);
        if (rc == 0)
            rc = priority_links(w, f[9].at, what, r);
        if (rc == 0)
            p->npriorities = ++n;
    }
    return rc;
}

/* A real day, "YYYY-MM-DD" (1990 to 2100, as the plan's period). */
static int day(const struct walk *w, long i, const char *name, const char *what, const char **out)
{
    const struct jnode *j = node(w, i);
    *out = NULL;
    if (!j)
        return 0;
    bool ok = j->len == 10 && j->s[4] == '-' && j->s[7] == '-';
    for (size_t k = 0; ok && k < 10; k++)
        ok = k == 4 || k == 7 || (j->s[k] >= '0' && j->s[k] <= '9');
    if (ok) {
        static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int y = (j->s[0] - '0') * 1000 + (j->s[1] - '0') * 100 + (j->s[2] - '0') * 10 +
                (j->s[3] - '0');
        int m = (j->s[5] - '0') * 10 + (j->s[6] - '0');
        int d = (j->s[8] - '0') * 10 + (j->s[9] - '0');
        bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        ok = y >= 1990 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 &&
             d <= mdays[m - 1] + (m == 2 && leap);
    }
    if (!ok)
        return safer_err_set(w->err, SAFER_EPARSE,
                             "%s:%zu: '%s' in %s must be a real day (1990 to 2100), like "
                             "'2022-03-31'",
                             w->path, j->line, name, what);
    *out = safer_arena_strndup(&w->p->arena, j->s, j->len);
    return 0;
}

/* A priority's id, named by an action: it must be one. */
static int priority_ref(const struct walk *w, long i, const char *what, const char **out)
{
    const struct jnode *j = node(w, i);
    int rc = ident(w, j, "priority", what, out);
    for (size_t k = 0; rc == 0 && k < w->p->npriorities; k++) {
        if (strcmp(w->p->priorities[k].key, *out) == 0)
            return 0;
    }
    if (rc == 0)
        rc = safer_err_set(w->err, SAFER_EPARSE,
                           "%s:%zu: 'priority' of %s is '%s', which is no priority's id (the "
                           "priorities are listed under 'priorities')",
                           w->path, j->line, what, *out);
    return rc;
}

/*
 * The actions the plan says its groups will take. Each names the priority
 * it serves and the group that delivers it; its title must fit the
 * workspace's form (SAFER_ACTION_TITLE_MAX characters), since the action
 * is edited there once stored.
 */
static int actions(const struct walk *w, long list)
{
    struct safer_plan *p = w->p;
    const struct jnode *l = node(w, list);
    int rc = objects_only(w, list, "actions");
    if (rc < 0 || !l)
        return rc;
    p->actions = safer_arena_alloc(&p->arena, sizeof(*p->actions) * (l->n ? l->n : 1));
    for (long e = l->first; rc == 0 && e >= 0; e = node(w, e)->next) {
        char what[32];
        snprintf(what, sizeof(what), "action %zu", p->nactions + 1);
        struct field f[] = {{"id", J_STRING, true, -1},       {"title", J_STRING, true, -1},
                            {"priority", J_STRING, true, -1}, {"group", J_STRING, true, -1},
                            {"lead", J_STRING, false, -1},    {"due", J_STRING, false, -1},
                            {"source", J_STRING, false, -1}};
        struct safer_plan_action *x = &p->actions[p->nactions];
        memset(x, 0, sizeof(*x));
        rc = members(w, e, what, f, 7);
        if (rc == 0)
            rc = ident(w, node(w, f[0].at), "id", what, &x->key);
        for (size_t k = 0; rc == 0 && k < p->nactions; k++) {
            if (strcmp(p->actions[k].key, x->key) == 0)
                rc = safer_err_set(w->err, SAFER_EPARSE, "%s:%zu: two actions have the id '%s'",
                                   w->path, node(w, f[0].at)->line, x->key);
        }
        if (rc == 0)
            rc = text(w, f[1].at, "title", what, &x->title);
        if (rc == 0) {
            size_t chars = 0;
            for (const char *c = x->title; *c; c++)
                chars += ((unsigned char)*c & 0xC0) != 0x80;
            if (chars > SAFER_ACTION_TITLE_MAX || strchr(x->title, '\n'))
                rc = safer_err_set(w->err, SAFER_EPARSE,
                                   "%s:%zu: 'title' of %s must be one line of at most %d "
                                   "characters (the workspace's limit)",
                                   w->path, node(w, f[1].at)->line, what, SAFER_ACTION_TITLE_MAX);
        }
        if (rc == 0)
            rc = priority_ref(w, f[2].at, what, &x->priority);
        if (rc == 0)
            rc = group_ref(w, node(w, f[3].at), "group", what, &x->group);
        if (rc == 0)
            rc = text(w, f[4].at, "lead", what, &x->lead);
        if (rc == 0)
            rc = day(w, f[5].at, "due", what, &x->due);
        if (rc == 0)
            rc = text(w, f[6].at, "source", what, &x->source);
        if (rc == 0)
            p->nactions++;
    }
    return rc;
}

static int scoring(const struct walk *w, long i)
{
    struct safer_plan_weights *wt = &w->p->weights;
    struct field f[] = {{"volume", J_NUMBER, false, -1},
                        {"rate", J_NUMBER, false, -1},
                        {"trend", J_NUMBER, false, -1},
                        {"harm", J_NUMBER, false, -1},
                        {"public_concern", J_NUMBER, false, -1}};
    double *v[] = {&wt->volume, &wt->rate, &wt->trend, &wt->harm, &wt->concern};
    int rc = members(w, i, "'scoring'", f, 5);
    for (size_t k = 0; rc == 0 && k < 5; k++) {
        if (f[k].at >= 0)
            rc = number(w, f[k].at, f[k].name, "'scoring'", 0, SAFER_PLAN_WEIGHT_MAX, v[k]);
    }
    if (rc == 0 && wt->volume + wt->rate + wt->trend + wt->harm + wt->concern == 0)
        rc = safer_err_set(w->err, SAFER_EPARSE,
                           "%s:%zu: every weight in 'scoring' is 0: nothing would be scored",
                           w->path, node(w, i)->line);
    return rc;
}

static int harm_weights(const struct walk *w, long i)
{
    struct safer_plan_harm *h = &w->p->harm;
    struct field f[] = {{"source", J_STRING, true, -1}, {"weights", J_OBJECT, true, -1}};
    int rc = members(w, i, "'harm_weights'", f, 2);
    if (rc == 0)
        rc = text(w, f[0].at, "source", "'harm_weights'", &h->source);
    if (rc < 0)
        return rc;
    const struct jnode *o = node(w, f[1].at);
    if (o->n == 0)
        return safer_err_set(w->err, SAFER_EPARSE, "%s:%zu: 'weights' in 'harm_weights' is empty",
                             w->path, o->line);
    h->categories = safer_arena_alloc(&w->p->arena, sizeof(char *) * o->n);
    h->weights = safer_arena_alloc(&w->p->arena, sizeof(double) * o->n);
    for (long e = o->first; rc == 0 && e >= 0; e = node(w, e)->next) {
        const struct jnode *m = node(w, e);
        struct jnode key = *m;
        key.s = m->key;
        key.len = m->keylen;
        rc = category(w, &key, "weights", "'harm_weights'", &h->categories[h->n]);
        for (size_t k = 0; rc == 0 && k < h->n; k++) {
            if (strcmp(h->categories[k], h->categories[h->n]) == 0)
                rc = safer_err_set(w->err, SAFER_EPARSE,
                                   "%s:%zu: key '%s' appears twice in 'weights'", w->path,
                                   m->line, h->categories[k]);
        }
        if (rc == 0 && m->type != J_NUMBER)
            rc = safer_err_set(w->err, SAFER_EPARSE,
                               "%s:%zu: the weight of '%s' must be a number, not %s", w->path,
                               m->line, h->categories[h->n], type_name(m->type));
        if (rc == 0)
            rc = number(w, e, h->categories[h->n], "'harm_weights'", 0, 1e9, &h->weights[h->n]);
        if (rc == 0)
            h->n++;
    }
    return rc;
}

static int peers(const struct walk *w, long list)
{
    struct safer_plan *p = w->p;
    const struct jnode *l = node(w, list);
    int rc = objects_only(w, list, "peers");
    if (rc < 0 || !l)
        return rc;
    p->peers = safer_arena_alloc(&p->arena, sizeof(*p->peers) * (l->n ? l->n : 1));
    for (long e = l->first; rc == 0 && e >= 0; e = node(w, e)->next) {
        char what[32];
        snprintf(what, sizeof(what), "peer %zu", p->npeers + 1);
        struct field f[] = {{"code", J_STRING, true, -1}, {"name", J_STRING, false, -1}};
        struct safer_plan_peer *q = &p->peers[p->npeers];
        rc = members(w, e, what, f, 2);
        if (rc == 0)
            rc = code(w, node(w, f[0].at), "code", what, &q->code);
        if (rc == 0)
            rc = text(w, f[1].at, "name", what, &q->name);
        if (rc == 0 && strcmp(q->code, p->code) == 0)
            rc = safer_err_set(w->err, SAFER_EPARSE,
                               "%s:%zu: peer '%s' is the partnership itself", w->path,
                               node(w, f[0].at)->line, q->code);
        for (size_t k = 0; rc == 0 && k < p->npeers; k++) {
            if (strcmp(p->peers[k].code, q->code) == 0)
                rc = safer_err_set(w->err, SAFER_EPARSE, "%s:%zu: peer '%s' is listed twice",
                                   w->path, node(w, f[0].at)->line, q->code);
        }
        if (rc == 0)
            p->npeers++;
    }
    return rc;
}

/* One of `allowed` (NULL-terminated), for the indicators' words. */
static int one_of(const struct walk *w, long i, const char *name, const char *what,
                  const char *const *allowed, const char **out)
{
    const struct jnode *j = node(w, i);
    for (size_t k = 0; allowed[k]; k++) {
        if (strlen(allowed[k]) == j->len && memcmp(allowed[k], j->s, j->len) == 0) {
            *out = allowed[k];
            return 0;
        }
    }
    char known[200] = "";
    size_t at = 0;
    for (size_t k = 0; allowed[k] && at < sizeof(known); k++)
        at += (size_t)snprintf(known + at, sizeof(known) - at, "%s'%s'", k ? ", " : "",
                               allowed[k]);
    return safer_err_set(w->err, SAFER_EPARSE, "%s:%zu: '%s' of %s is '%.*s', not one of: %s",
                         w->path, j->line, name, what, (int)(j->len > 80 ? 80 : j->len), j->s,
                         known);
}

/*
 * The plan's indicators (docs/plan.md, indicators): measures computed from
 * police.uk records, or from the residents' survey ("kind": "survey", a
 * question's key), each tied to one of the plan's priorities and groups.
 * Storing the plan adds those whose id the partnership does not have yet.
 */
static int indicators(const struct walk *w, long list)
{
    static const char *const kinds[] = {"computed", "survey", NULL};
    static const char *const measures[] = {"count", "rate", NULL};
    static const char *const periods[] = {"month", "quarter", "rolling12", NULL};
    static const char *const survey_measures[] = {"percent", NULL};
    static const char *const survey_periods[] = {"wave", NULL};
    static const char *const goods[] = {"down", "up", NULL};
    struct safer_plan *p = w->p;
    const struct jnode *l = node(w, list);
    int rc = objects_only(w, list, "indicators");
    if (rc < 0 || !l)
        return rc;
    p->indicators = safer_arena_alloc(&p->arena, sizeof(*p->indicators) * (l->n ? l->n : 1));
    for (long e = l->first; rc == 0 && e >= 0; e = node(w, e)->next) {
        char what[32];
        snprintf(what, sizeof(what), "indicator %zu", p->nindicators + 1);
        struct field f[] = {{"id", J_STRING, true, -1},       {"title", J_STRING, true, -1},
                            {"priority", J_STRING, false, -1}, {"group", J_STRING, false, -1},
                            {"categories", J_ARRAY, false, -1}, {"ward", J_STRING, false, -1},
                            {"measure", J_STRING, false, -1}, {"period", J_STRING, false, -1},
                            {"good", J_STRING, true, -1},     {"target", J_NUMBER, false, -1},
                            {"amber", J_NUMBER, true, -1},    {"red", J_NUMBER, true, -1},
                            {"kind", J_STRING, false, -1},    {"question", J_STRING, false, -1}};
        struct safer_plan_indicator *r = &p->indicators[p->nindicators];
        memset(r, 0, sizeof(*r));
        rc = members(w, e, what, f, 14);
        r->kind = "computed";
        if (rc == 0 && f[12].at >= 0)
            rc = one_of(w, f[12].at, "kind", what, kinds, &r->kind);
        bool survey = strcmp(r->kind, "survey") == 0;
        if (rc == 0)
            rc = ident(w, node(w, f[0].at), "id", what, &r->key);
        for (size_t k = 0; rc == 0 && k < p->nindicators; k++) {
            if (strcmp(p->indicators[k].key, r->key) == 0)
                rc = safer_err_set(w->err, SAFER_EPARSE, "%s:%zu: two indicators have the id '%s'",
                                   w->path, node(w, f[0].at)->line, r->key);
        }
        if (rc == 0)
            rc = text(w, f[1].at, "title", what, &r->title);
        if (rc == 0 && r->title && strlen(r->title) > 300)
            rc = safer_err_set(w->err, SAFER_EPARSE,
                               "%s:%zu: 'title' of %s is longer than 300 bytes", w->path,
                               node(w, f[1].at)->line, what);
        if (rc == 0 && f[2].at >= 0) {
            rc = ident(w, node(w, f[2].at), "priority", what, &r->priority);
            bool known = false;
            for (size_t k = 0; rc == 0 && k < p->npriorities; k++)
                known = known || strcmp(p->priorities[k].key, r->priority) == 0;
            if (rc == 0 && !known)
                rc = safer_err_set(w->err, SAFER_EPARSE,
                                   "%s:%zu: 'priority' of %s is '%s', which is no priority's id",
                                   w->path, node(w, f[2].at)->line, what, r->priority);
        }
        if (rc == 0 && f[3].at >= 0)
            rc = group_ref(w, node(w, f[3].at), "group", what, &r->group);
        if (rc == 0)
            rc = strings(w, f[4].at, "categories", what, category, &r->categories,
                         &r->ncategories);
        if (rc == 0 && survey && r->ncategories)
            rc = safer_err_set(w->err, SAFER_EPARSE,
                               "%s:%zu: %s is a survey indicator: it has no 'categories'",
                               w->path, node(w, f[4].at)->line, what);
        if (rc == 0 && f[5].at >= 0)
            rc = code(w, node(w, f[5].at), "ward", what, &r->ward);
        /* A computed indicator names its measure and period; a survey
         * one's are "percent" and "wave", which it may say. */
        for (int k = 6; rc == 0 && k <= 7 && !survey; k++) {
            if (f[k].at < 0)
                rc = safer_err_set(w->err, SAFER_EPARSE, "%s: %s has no '%s'", w->path, what,
                                   f[k].name);
        }
        r->measure = survey ? "percent" : NULL;
        r->period = survey ? "wave" : NULL;
        if (rc == 0 && f[6].at >= 0)
            rc = one_of(w, f[6].at, "measure", what, survey ? survey_measures : measures,
                        &r->measure);
        if (rc == 0 && f[7].at >= 0)
            rc = one_of(w, f[7].at, "period", what, survey ? survey_periods : periods,
                        &r->period);
        if (rc == 0 && survey && f[13].at < 0)
            rc = safer_err_set(w->err, SAFER_EPARSE,
                               "%s: %s is a survey indicator: it needs a 'question' (the key "
                               "of a question of the survey mapping, like 'safe_night')",
                               w->path, what);
        if (rc == 0 && f[13].at >= 0 && !survey)
            rc = safer_err_set(w->err, SAFER_EPARSE,
                               "%s:%zu: only a survey indicator (\"kind\": \"survey\") has a "
                               "'question'",
                               w->path, node(w, f[13].at)->line);
        if (rc == 0 && survey)
            rc = question_key(w, node(w, f[13].at), what, &r->question);
        if (rc == 0)
            rc = one_of(w, f[8].at, "good", what, goods, &r->good);
        if (rc == 0 && f[9].at >= 0) {
            r->has_target = true;
            rc = number(w, f[9].at, "target", what, 0, 1e12, &r->target);
            if (rc == 0 && !(r->target > 0))
                rc = safer_err_set(w->err, SAFER_EPARSE,
                                   "%s:%zu: 'target' of %s must be more than 0", w->path,
                                   node(w, f[9].at)->line, what);
            if (rc == 0 && survey && r->target > 100)
                rc = safer_err_set(w->err, SAFER_EPARSE,
                                   "%s:%zu: 'target' of %s is a per cent: at most 100", w->path,
                                   node(w, f[9].at)->line, what);
        }
        if (rc == 0)
            rc = number(w, f[10].at, "amber", what, -1000, 1000, &r->amber);
        if (rc == 0)
            rc = number(w, f[11].at, "red", what, -1000, 1000, &r->red);
        if (rc == 0 && !(r->red > r->amber))
            rc = safer_err_set(w->err, SAFER_EPARSE,
                               "%s:%zu: 'red' of %s must be more than 'amber' (the variances "
                               "from target, in per cent, at which the status turns red and "
                               "amber)",
                               w->path, node(w, f[11].at)->line, what);
        if (rc == 0)
            p->nindicators++;
    }
    return rc;
}

static int whole(const struct walk *w)
{
    const struct jnode *root = node(w, 0);
    if (root->type != J_OBJECT)
        return safer_err_set(w->err, SAFER_EPARSE,
                             "%s:%zu: a plan is one JSON object ({...}), not %s", w->path,
                             root->line, type_name(root->type));
    struct field f[] = {{"safer_plan", J_NUMBER, true, -1}, {"about", J_STRING, false, -1},
                        {"partnership", J_OBJECT, true, -1}, {"plan", J_OBJECT, true, -1},
                        {"priorities", J_ARRAY, true, -1},  {"groups", J_ARRAY, false, -1},
                        {"scoring", J_OBJECT, false, -1},   {"harm_weights", J_OBJECT, false, -1},
                        {"peers", J_ARRAY, false, -1},      {"indicators", J_ARRAY, false, -1},
                        {"actions", J_ARRAY, false, -1}};
    int rc = members(w, 0, "the plan", f, sizeof(f) / sizeof(f[0]));
    if (rc < 0)
        return rc;
    const struct jnode *v = node(w, f[0].at);
    if (!(v->len == 1 && v->s[0] == '0' + SAFER_PLAN_FORMAT))
        return safer_err_set(w->err, SAFER_EPARSE,
                             "%s:%zu: 'safer_plan' is %s, a format this program does not read "
                             "(it reads %d)",
                             w->path, v->line, v->s, SAFER_PLAN_FORMAT);
    rc = text(w, f[1].at, "about", "the plan", &w->p->about);
    if (rc == 0)
        rc = partnership(w, f[2].at);
    if (rc == 0)
        rc = plan_part(w, f[3].at);
    /* Groups first: priorities name them. */
    if (rc == 0)
        rc = groups(w, f[5].at);
    if (rc == 0)
        rc = priorities(w, f[4].at);
    if (rc == 0 && f[6].at >= 0)
        rc = scoring(w, f[6].at);
    if (rc == 0 && f[7].at >= 0)
        rc = harm_weights(w, f[7].at);
    if (rc == 0)
        rc = peers(w, f[8].at);
    if (rc == 0)
        rc = indicators(w, f[9].at);
    /* Last: actions name priorities and groups. */
    if (rc == 0)
        rc = actions(w, f[10].at);
    return rc;
}

int safer_plan_parse(const char *data, size_t len, const char *path, struct safer_plan *out,
                     struct safer_err *err)
{
    safer_plan_init(out);
    if (len > SAFER_LIMIT_PLAN_FILE)
        return safer_err_set(err, SAFER_ETOOBIG,
                             "%s: larger than %llu bytes (limit SAFER_LIMIT_PLAN_FILE)", path,
                             (unsigned long long)SAFER_LIMIT_PLAN_FILE);
    XXH128_hash_t h = XXH3_128bits(data, len);
    /* A byte-order mark, as some editors write one, is not JSON. */
    size_t skip = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    size_t k = skip;
    while (k < len && (data[k] == ' ' || data[k] == '\t' || data[k] == '\r' || data[k] == '\n'))
        k++;
    if (k == len)
        return safer_err_set(err, SAFER_EPARSE, "%s: empty file: no plan in it", path);

    struct jdoc d;
    int rc = jdoc_parse(&d, data + skip, len - skip, path, err);
    if (rc == 0) {
        struct walk w = {path, &d, out, err};
        out->weights = (struct safer_plan_weights){
            SAFER_PLAN_WEIGHT_DEFAULT, SAFER_PLAN_WEIGHT_DEFAULT, SAFER_PLAN_WEIGHT_DEFAULT,
            SAFER_PLAN_WEIGHT_DEFAULT, SAFER_PLAN_WEIGHT_DEFAULT};
        rc = whole(&w);
    }
    jdoc_release(&d);
    if (rc < 0) {
        safer_plan_release(out);
        return rc;
    }
    const char *slash = strrchr(path, '/');
    out->file = safer_arena_strdup(&out->arena, slash ? slash + 1 : path);
    snprintf(out->checksum, sizeof(out->checksum), "%016llx%016llx", (unsigned long long)h.high64,
             (unsigned long long)h.low64);
    return 0;
}

int safer_plan_import(struct safer_store *st, const char *path, struct safer_plan_stats *stats,
                      char **plan_code, struct safer_err *err)
{
    memset(stats, 0, sizeof(*stats));
    if (plan_code)
        *plan_code = NULL;
    char *data;
    size_t len;
    int rc = safer__read_file(path, SAFER_LIMIT_PLAN_FILE, "SAFER_LIMIT_PLAN_FILE", &data, &len,
                              err);
    if (rc < 0)
        return rc;
    struct safer_plan p;
    rc = safer_plan_parse(data, len, path, &p, err);
    free(data);
    /* Everything allocated before the store commits: nothing may fail after. */
    char *code = rc == 0 && plan_code ? safer__xstrdup(p.code) : NULL;
    if (rc == 0)
        rc = safer_plan_store(st, &p, stats, err);
    safer_plan_release(&p);
    if (rc == 0 && plan_code)
        *plan_code = code;
    else
        free(code);
    return rc;
}
