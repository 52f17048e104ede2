/*
 * places.c - the police.uk Locations behind each hot spot square.
 *
 * A grid square is a number to a reader until it is named: "On or near
 * Week Street, High Street ward" says where to send a patrol, "576125,
 * 155875" does not. police.uk moves every record to one of a fixed set of
 * anonymous map points, each with a Location text ("On or near Shopping
 * Area", "On or near Station Road"), so the records a square counts carry
 * the names of the points they were moved to.
 *
 * Two steps, because the per-record arrays are freed before the grid
 * exists. While they are loaded, safer__places_tally() counts the records
 * the hot spots count (located, in a study ward, in the latest 12 months)
 * per (map point, Location), keeping copies of the Location texts it uses.
 * Once the hot spots have put each map point in its square,
 * safer__places_cells() adds the tallies up per (square, ward, Location)
 * into the assessment, with its own copies of the texts.
 */
#include "util/compat.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "assess/assess_internal.h"
#include "util/internal.h"

static int cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return (a > b) - (a < b);
}

/* Sort a short run in place: most map points hold a handful of records. */
static void sort_u32(uint32_t *v, size_t n)
{
    if (n > 16) {
        qsort(v, n, sizeof(*v), cmp_u32);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        uint32_t x = v[i];
        size_t j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

/* Does record i count in a square? In the window, at a point in a study
 * ward: a map point lies in one ward, and uses[l] > 0 only for a point in
 * a study ward with records in the latest 12 months. */
#define COUNTED(c, uses, i) ((c)->loc[i] >= 0 && (uses)[(c)->loc[i]])

void safer__places_tally(struct safer__places *pl, const struct safer_crimes *c,
                         const struct safer_assessment *a, const uint32_t *uses,
                         const int32_t *lward, const int32_t *study_of)
{
    memset(pl, 0, sizeof(*pl));
    if (!c->where)
        return;
    /* The records' Locations grouped by map point, a counting sort: uses[l]
     * is the number of records point l holds in the window, so start[l]
     * is where its group begins. Then each (short) group is sorted, and a
     * run of one Location in it is that Location's count at the point. */
    size_t *start = safer__xmalloc(sizeof(size_t) * (c->nlocs + 1));
    start[0] = 0;
    for (size_t l = 0; l < c->nlocs; l++)
        start[l + 1] = start[l] + uses[l];
    size_t n = start[c->nlocs];
    uint32_t *names = safer__xmalloc(sizeof(uint32_t) * (n ? n : 1));
    size_t *fill = safer__xmalloc(sizeof(size_t) * (c->nlocs ? c->nlocs : 1));
    memcpy(fill, start, sizeof(size_t) * c->nlocs);
    for (size_t b = 0; b < c->nbatches; b++) {
        const struct safer_crime_batch *bt = &c->batches[b];
        if (bt->month < a->l12_start || bt->month > a->latest)
            continue;
        for (size_t i = bt->first; i < bt->first + bt->count; i++) {
            if (!COUNTED(c, uses, i))
                continue;
            /* uses[] counted the same records, so a group never overflows;
             * the check keeps it so should the two ever disagree. */
            size_t *f = &fill[c->loc[i]];
            assert(*f < start[c->loc[i] + 1]);
            if (*f < start[c->loc[i] + 1])
                names[(*f)++] = c->where[i];
        }
    }

    /* The Location texts used get new numbers in the order of c->wheres,
     * which is byte order, so that comparing numbers compares texts. */
    uint32_t *renumber = safer__xmalloc(sizeof(uint32_t) * (c->nwheres ? c->nwheres : 1));
    for (size_t w = 0; w < c->nwheres; w++)
        renumber[w] = UINT32_MAX;
    pl->t = safer__xmalloc(sizeof(*pl->t) * (n ? n : 1));
    for (size_t l = 0; l < c->nlocs; l++) {
        uint32_t *g = names + start[l];
        size_t len = fill[l] - start[l];
        sort_u32(g, len);
        for (size_t i = 0; i < len;) {
            size_t j = i + 1;
            while (j < len && g[j] == g[i])
                j++;
            pl->t[pl->n++] = (struct safer__place_tally){.loc = (uint32_t)l,
                                                         .name = g[i],
                                                         .ward = study_of[lward[l]],
                                                         .count = (uint32_t)(j - i)};
            assert(pl->t[pl->n - 1].ward >= 0);
            renumber[g[i]] = 0;
            i = j;
        }
    }
    free(names);
    free(fill);
    free(start);
    for (size_t w = 0; w < c->nwheres; w++) {
        if (renumber[w] == 0)
            renumber[w] = (uint32_t)pl->nnames++;
    }
    pl->names = safer__xmalloc(sizeof(char *) * (pl->nnames ? pl->nnames : 1));
    for (size_t w = 0, m = 0; w < c->nwheres; w++) {
        if (renumber[w] != UINT32_MAX)
            pl->names[m++] = safer__xstrdup(c->wheres[w]);
    }
    for (size_t t = 0; t < pl->n; t++)
        pl->t[t].name = renumber[pl->t[t].name];
    free(renumber);
}

/* A cell's tallies while they are merged: ward and Location (its number,
 * byte order) and count. */
struct entry {
    uint32_t ward, name;
    int64_t count;
};

static int cmp_ward_name(const void *x, const void *y)
{
    const struct entry *p = x, *q = y;
    if (p->ward != q->ward)
        return (p->ward > q->ward) - (p->ward < q->ward);
    return (p->name > q->name) - (p->name < q->name);
}

/* The order within a cell: count, largest first, then ward, then Location. */
static int cmp_count(const void *x, const void *y)
{
    const struct entry *p = x, *q = y;
    if (p->count != q->count)
        return (p->count < q->count) - (p->count > q->count);
    return cmp_ward_name(x, y);
}

void safer__places_cells(const struct safer__places *pl, const int32_t *loc_cell,
                         struct safer_assessment *a)
{
    if (!pl->names || !a->ncells)
        return;
    /* The assessment's own copies of the texts; places point into them. */
    a->place_names = safer__xmalloc(sizeof(char *) * (pl->nnames ? pl->nnames : 1));
    for (size_t i = 0; i < pl->nnames; i++)
        a->place_names[i] = safer__xstrdup(pl->names[i]);
    a->nplace_names = pl->nnames;

    /* The tallies grouped by cell (a counting sort, as by map point), then
     * each cell's merged per ward and Location (map points of one cell
     * may share them) and put in order. */
    size_t *start = safer__xcalloc(a->ncells + 1, sizeof(size_t));
    for (size_t t = 0; t < pl->n; t++) {
        int32_t k = loc_cell[pl->t[t].loc];
        if (k >= 0) /* else outside the study grid: in no square */
            start[k + 1]++;
    }
    for (size_t k = 0; k < a->ncells; k++)
        start[k + 1] += start[k];
    size_t n = start[a->ncells];
    struct entry *e = safer__xmalloc(sizeof(*e) * (n ? n : 1));
    size_t *fill = safer__xmalloc(sizeof(size_t) * a->ncells);
    memcpy(fill, start, sizeof(size_t) * a->ncells);
    for (size_t t = 0; t < pl->n; t++) {
        int32_t k = loc_cell[pl->t[t].loc];
        if (k >= 0)
            e[fill[k]++] = (struct entry){(uint32_t)pl->t[t].ward, pl->t[t].name, pl->t[t].count};
    }
    free(fill);

    a->places = safer__xmalloc(sizeof(*a->places) * (n ? n : 1));
    a->place_start = safer__xcalloc(a->ncells + 1, sizeof(size_t));
    size_t m = 0;
    for (size_t k = 0; k < a->ncells; k++) {
        struct entry *g = e + start[k];
        size_t len = start[k + 1] - start[k], merged = 0;
        qsort(g, len, sizeof(*g), cmp_ward_name);
        for (size_t i = 0; i < len;) {
            size_t j = i + 1;
            int64_t sum = g[i].count;
            while (j < len && cmp_ward_name(&g[j], &g[i]) == 0)
                sum += g[j++].count;
            g[merged] = g[i];
            g[merged++].count = sum;
            i = j;
        }
        qsort(g, merged, sizeof(*g), cmp_count);
        for (size_t i = 0; i < merged; i++)
            a->places[m++] = (struct safer_cell_place){.cell = k,
                                                       .ward = g[i].ward,
                                                       .location = a->place_names[g[i].name],
                                                       .count = g[i].count};
        a->place_start[k + 1] = m;
    }
    a->nplaces = m;
    free(e);
    free(start);
}

void safer__places_release(struct safer__places *pl)
{
    free(pl->t);
    for (size_t i = 0; i < pl->nnames; i++)
        free(pl->names[i]);
    free(pl->names);
    memset(pl, 0, sizeof(*pl));
}

void safer__crimes_drop_text(struct safer_crimes *c)
{
    free(c->where);
    free(c->outcome);
    for (size_t i = 0; i < c->nwheres; i++)
        free(c->wheres[i]);
    free(c->wheres);
    for (size_t i = 0; i < c->noutcomes; i++)
        free(c->outcomes[i]);
    free(c->outcomes);
    c->where = NULL;
    c->outcome = NULL;
    c->wheres = c->outcomes = NULL;
    c->nwheres = c->noutcomes = 0;
}
