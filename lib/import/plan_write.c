/*
 * plan_write.c - a plan as a plan file (plan.h's safer_plan_write(); the
 * format is docs/plan.md's, and safer_plan_parse() reads it back).
 *
 * Members are written in the order the importer knows them, every string
 * through safer__json_quote() (escaped as RFC 8259 asks), numbers with
 * "%.17g" so that a weight reads back to the same double. What a plan does
 * not state (a NULL string, an empty list) is left out, as a hand-written
 * file leaves it out.
 */
#include "util/compat.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "safer/plan.h"
#include "util/jsonobj.h"

struct jw {
    struct safer_buf *b;
    int depth;    /* indentation, in steps of two spaces */
    bool first;   /* no member written yet at this level */
};

static void raw(struct jw *w, const char *s)
{
    safer_buf_puts(w->b, s);
}

static void newline(struct jw *w)
{
    raw(w, "\n");
    for (int i = 0; i < w->depth; i++)
        raw(w, "  ");
}

/* Start a member (`key` NULL: an element of a list). */
static void member(struct jw *w, const char *key)
{
    if (!w->first)
        raw(w, ",");
    w->first = false;
    if (w->b->len)
        newline(w);
    if (key) {
        safer__json_quote(w->b, key, strlen(key));
        raw(w, ": ");
    }
}

static void open_(struct jw *w, const char *key, const char *bracket)
{
    member(w, key);
    raw(w, bracket);
    w->depth++;
    w->first = true;
}

static void close_(struct jw *w, const char *bracket)
{
    bool empty = w->first;
    w->depth--;
    if (!empty)
        newline(w);
    raw(w, bracket);
    w->first = false;
}

static void str(struct jw *w, const char *key, const char *v)
{
    if (!v)
        return;
    member(w, key);
    safer__json_quote(w->b, v, strlen(v));
}

static void num(struct jw *w, const char *key, double v)
{
    member(w, key);
    safer_buf_putf(w->b, "%.17g", v);
}

static void strs(struct jw *w, const char *key, const char *const *v, size_t n)
{
    if (n == 0)
        return;
    open_(w, key, "[");
    for (size_t i = 0; i < n; i++)
        str(w, NULL, v[i]);
    close_(w, "]");
}

static void group(struct jw *w, const struct safer_plan_group *g)
{
    open_(w, NULL, "{");
    str(w, "id", g->key);
    str(w, "name", g->name);
    str(w, "kind", g->kind);
    str(w, "reports_to", g->parent);
    str(w, "terms", g->terms);
    strs(w, "remit", g->remit, g->nremit);
    str(w, "meets", g->meets);
    if (g->nmembers) {
        open_(w, "members", "[");
        for (size_t k = 0; k < g->nmembers; k++) {
            const struct safer_plan_member *m = &g->members[k];
            open_(w, NULL, "{");
            str(w, "name", m->name);
            str(w, "organisation", m->organisation);
            str(w, "role", m->role);
            str(w, "account", m->account);
            close_(w, "}");
        }
        close_(w, "]");
    }
    if (g->nplans) {
        open_(w, "plans", "[");
        for (size_t k = 0; k < g->nplans; k++) {
            open_(w, NULL, "{");
            num(w, "year", g->plans[k].year);
            str(w, "outcome", g->plans[k].outcome);
            close_(w, "}");
        }
        close_(w, "]");
    }
    str(w, "source", g->source);
    close_(w, "}");
}

static void priority(struct jw *w, const struct safer_plan_priority *r)
{
    open_(w, NULL, "{");
    str(w, "id", r->key);
    str(w, "title", r->title);
    if (r->cross_cutting) {
        member(w, "cross_cutting");
        raw(w, "true");
    }
    str(w, "objective", r->objective);
    str(w, "description", r->description);
    strs(w, "categories", r->categories, r->ncategories);
    str(w, "police_uk_cannot_show", r->cannot_show);
    strs(w, "groups", r->groups, r->ngroups);
    if (r->nlinks) {
        open_(w, "links", "[");
        for (size_t k = 0; k < r->nlinks; k++) {
            open_(w, NULL, "{");
            str(w, "kind", r->links[k].kind);
            str(w, "title", r->links[k].title);
            close_(w, "}");
        }
        close_(w, "]");
    }
    str(w, "source", r->source);
    close_(w, "}");
}

int safer_plan_write(const struct safer_plan *p, struct safer_buf *out, struct safer_err *err)
{
    struct jw w = {out, 0, true};
    open_(&w, NULL, "{");
    num(&w, "safer_plan", SAFER_PLAN_FORMAT);
    str(&w, "about", p->about);

    open_(&w, "partnership", "{");
    str(&w, "name", p->name);
    str(&w, "code", p->csp_code);
    strs(&w, "districts", p->districts, p->ndistricts);
    str(&w, "note", p->note);
    close_(&w, "}");

    open_(&w, "plan", "{");
    str(&w, "title", p->title);
    open_(&w, "period", "{");
    str(&w, "from", p->period_from);
    str(&w, "to", p->period_to);
    close_(&w, "}");
    str(&w, "updated", p->updated);
    str(&w, "source", p->source);
    close_(&w, "}");

    if (p->ngroups) {
        open_(&w, "groups", "[");
        for (size_t i = 0; i < p->ngroups; i++)
            group(&w, &p->groups[i]);
        close_(&w, "]");
    }
    open_(&w, "priorities", "[");
    for (size_t i = 0; i < p->npriorities; i++)
        priority(&w, &p->priorities[i]);
    close_(&w, "]");

    open_(&w, "scoring", "{");
    num(&w, "volume", p->weights.volume);
    num(&w, "rate", p->weights.rate);
    num(&w, "trend", p->weights.trend);
    num(&w, "harm", p->weights.harm);
    num(&w, "public_concern", p->weights.concern);
    close_(&w, "}");
    if (p->harm.source && p->harm.n) {
        open_(&w, "harm_weights", "{");
        str(&w, "source", p->harm.source);
        open_(&w, "weights", "{");
        for (size_t i = 0; i < p->harm.n; i++)
            num(&w, p->harm.categories[i], p->harm.weights[i]);
        close_(&w, "}");
        close_(&w, "}");
    }
    if (p->npeers) {
        open_(&w, "peers", "[");
        for (size_t i = 0; i < p->npeers; i++) {
            open_(&w, NULL, "{");
            str(&w, "code", p->peers[i].code);
            str(&w, "name", p->peers[i].name);
            close_(&w, "}");
        }
        close_(&w, "]");
    }
    close_(&w, "}");
    raw(&w, "\n");
    int rc = safer_buf_error(out);
    if (rc < 0)
        return safer_err_set(err, rc, "cannot write the plan: %s", safer_strerror(rc));
    return 0;
}
