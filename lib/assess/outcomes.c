/*
 * outcomes.c - what became of the area's crimes: each record's latest
 * outcome, counted by crime type (docs/assessment.md, Outcomes).
 *
 * A street record carries police.uk's "Last outcome category", the latest
 * outcome when its file was published. police.uk's outcomes files list
 * the outcomes recorded each month against the Crime ID of the crime, so
 * an outcome stored from one replaces the street file's: the one of the
 * latest month, and of two in one month the one read last (the store reads
 * publications by force, then month, each in file order). Anti-social
 * behaviour has no Crime ID and no outcome, and is left out.
 */
#include "util/compat.h"

#include <stdlib.h>
#include <string.h>

#include "assess/assess_internal.h"
#include "util/internal.h"
#include "safer/buf.h"
#include "safer/police.h"

/* ---- reading: the outcomes files joined to the records by Crime ID ---- */

/* An outcome per Crime ID, in an open-addressing table keyed by the id. */
struct later_slot {
    uint64_t hash;
    size_t id;     /* offset of the NUL-terminated id in ids; SIZE_MAX: empty */
    int32_t month; /* the outcome's month */
    uint16_t name; /* index into names */
};

struct later_read {
    struct safer_buf ids;
    struct later_slot *slot;
    size_t nslots, n;
    char **names; /* owned: the outcome types met, in the order met */
    size_t nnames, capnames;
    uint16_t *later; /* per record: 0, or 1 + index into names */
    struct safer_err *err;
};

/* FNV-1a, 64 bits: ids are police.uk's hashes already, so anything spreads them. */
static uint64_t id_hash(const char *s)
{
    uint64_t h = 14695981039346656037ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* The slot of `id`: its own, or the empty one where it would go. */
static struct later_slot *later_find(struct later_read *t, const char *id, uint64_t h)
{
    size_t q = (size_t)h & (t->nslots - 1);
    while (t->slot[q].id != SIZE_MAX &&
           !(t->slot[q].hash == h && strcmp(t->ids.ptr + t->slot[q].id, id) == 0))
        q = (q + 1) & (t->nslots - 1);
    return &t->slot[q];
}

static void later_grow(struct later_read *t)
{
    struct later_slot *old = t->slot;
    size_t nold = t->nslots;
    t->nslots = nold ? 2 * nold : 1024;
    t->slot = safer__xmalloc(sizeof(*t->slot) * t->nslots);
    for (size_t q = 0; q < t->nslots; q++)
        t->slot[q].id = SIZE_MAX;
    for (size_t q = 0; q < nold; q++) {
        if (old[q].id == SIZE_MAX)
            continue;
        size_t k = (size_t)old[q].hash & (t->nslots - 1);
        while (t->slot[k].id != SIZE_MAX)
            k = (k + 1) & (t->nslots - 1);
        t->slot[k] = old[q];
    }
    free(old);
}

/* One stored outcome: keep it when its month is the latest seen for its id. */
static int later_outcome(void *ctx, const char *const f[10], double lon, double lat)
{
    (void)lon;
    (void)lat;
    struct later_read *t = ctx;
    const char *id = f[0], *type = f[9];
    int month = safer__parse_month(f[1], strlen(f[1]));
    if (!id[0] || month < 0)
        return 0; /* the import keeps no such row */
    size_t k = 0;
    while (k < t->nnames && strcmp(t->names[k], type) != 0)
        k++;
    if (k == t->nnames) {
        if (k >= UINT16_MAX - 1)
            return safer_err_set(t->err, SAFER_ETOOBIG,
                                 "the stored outcomes name more than %d outcome types",
                                 UINT16_MAX - 2);
        SAFER__GROW(t->names, t->capnames, k + 1);
        t->names[t->nnames++] = safer__xstrdup(type);
    }
    if (2 * (t->n + 1) > t->nslots)
        later_grow(t);
    uint64_t h = id_hash(id);
    struct later_slot *s = later_find(t, id, h);
    if (s->id == SIZE_MAX) {
        s->hash = h;
        s->id = t->ids.len;
        if (safer_buf_add(&t->ids, id, strlen(id) + 1) < 0)
            return safer_err_set(t->err, SAFER_ETOOBIG,
                                 "the stored outcomes' Crime IDs are too "
                                 "many to hold");
        s->month = month;
        s->name = (uint16_t)k;
        t->n++;
    } else if (month >= s->month) {
        s->month = month;
        s->name = (uint16_t)k;
    }
    return 0;
}

/* One street record's Crime ID: does an outcomes file give it an outcome? */
static int later_record(void *ctx, size_t record, const char *id)
{
    struct later_read *t = ctx;
    if (!id[0])
        return 0;
    struct later_slot *s = later_find(t, id, id_hash(id));
    if (s->id != SIZE_MAX)
        t->later[record] = (uint16_t)(s->name + 1);
    return 0;
}

int safer__outcomes_read(struct safer_store *st, const struct safer_crimes *c,
                         struct safer__inputs *in, struct safer_err *err)
{
    struct later_read t;
    memset(&t, 0, sizeof(t));
    safer_buf_init(&t.ids, SIZE_MAX / 2);
    t.err = err;
    int rc = safer_outcomes_each(st, later_outcome, &t, err);
    /* No outcomes file stored: the street files' outcomes stand, and the
     * cold blobs need no second reading. */
    if (rc == 0 && t.n > 0) {
        t.later = safer__xcalloc(c->n ? c->n : 1, sizeof(uint16_t));
        rc = safer_crimes_each_id(st, c, later_record, &t, err);
    }
    if (rc == 0) {
        in->outcome_rows = t.n;
        in->later = t.later;
        in->later_names = t.names;
        in->nlater_names = t.nnames;
    } else {
        free(t.later);
        for (size_t k = 0; k < t.nnames; k++)
            free(t.names[k]);
        free(t.names);
    }
    free(t.slot);
    safer_buf_release(&t.ids);
    return rc;
}

/* ---- counting ---- */

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

void safer__outcomes_compute(const struct safer__inputs *in, const struct safer_crimes *c,
                             const int32_t *ward_of_loc, const int32_t *ward_of_lsoa,
                             const int32_t *study_of, struct safer_assessment *a)
{
    a->outcome_rows = in->outcome_rows;
    if (!c->outcome)
        return;
    /* Every outcome's words, street files' and outcomes files' together,
     * once each in byte order: the columns of the count table. */
    size_t nall = c->noutcomes + in->nlater_names;
    char **all = safer__xmalloc(sizeof(char *) * (nall ? nall : 1));
    for (size_t k = 0; k < c->noutcomes; k++)
        all[k] = c->outcomes[k];
    for (size_t k = 0; k < in->nlater_names; k++)
        all[c->noutcomes + k] = in->later_names[k];
    qsort(all, nall, sizeof(char *), cmp_str);
    size_t nu = 0;
    for (size_t k = 0; k < nall; k++) {
        if (nu == 0 || strcmp(all[nu - 1], all[k]) != 0)
            all[nu++] = all[k];
    }
    size_t *of_street = safer__xmalloc(sizeof(size_t) * (c->noutcomes + 1));
    size_t *of_file = safer__xmalloc(sizeof(size_t) * (in->nlater_names + 1));
    for (size_t k = 0; k < c->noutcomes; k++)
        of_street[k] = (size_t)safer__find_str(all, nu, c->outcomes[k]);
    for (size_t k = 0; k < in->nlater_names; k++)
        of_file[k] = (size_t)safer__find_str(all, nu, in->later_names[k]);

    long asb = safer__find_str(c->types, c->ntypes, SAFER_ASB_TYPE);
    int64_t *count = safer__xcalloc((c->ntypes ? c->ntypes : 1) * (nu ? nu : 1), sizeof(int64_t));
    for (size_t b = 0; b < c->nbatches; b++) {
        const struct safer_crime_batch *bt = &c->batches[b];
        if (bt->month < a->l12_start || bt->month > a->latest)
            continue;
        for (size_t i = bt->first; i < bt->first + bt->count; i++) {
            int32_t l = c->loc[i];
            int32_t w = l >= 0 ? ward_of_loc[l] : ward_of_lsoa[-1 - l];
            if (w < 0 || study_of[w] < 0 || (asb >= 0 && c->type[i] == (size_t)asb))
                continue;
            size_t o =
                in->later && in->later[i] ? of_file[in->later[i] - 1] : of_street[c->outcome[i]];
            a->outcomes_from_files += in->later && in->later[i];
            count[(size_t)c->type[i] * nu + o]++;
        }
    }
    size_t cap = 0;
    for (size_t t = 0; t < c->ntypes; t++) {
        for (size_t o = 0; o < nu; o++) {
            int64_t n = count[t * nu + o];
            if (!n)
                continue;
            SAFER__GROW(a->outcomes, cap, a->noutcomes + 1);
            a->outcomes[a->noutcomes++] = (struct safer_outcome_count){
                .type = t, .outcome = safer__xstrdup(all[o]), .count = n};
        }
    }
    free(count);
    free(of_street);
    free(of_file);
    free(all);
}
