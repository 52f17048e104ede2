/*
 * peers.c - the peer comparison: the area's records per 1,000 residents by
 * category beside those of its police force area, of England and Wales
 * and of similar partnerships (docs/assessment.md, Peers).
 *
 * Every place is counted the same way, the area included: a record belongs
 * to a place when its police.uk LSOA code does, through the ONS lookups
 * (LSOA -> district -> Community Safety Partnership -> police force area),
 * and a place's residents are its LSOAs' populations summed. Only the
 * study area has boundaries in the store, so records are placed by their
 * LSOA code, not by their point, for every place alike. All places are
 * counted over the same months, the months compared: those of the latest
 * 12 for which the store holds a file of a force with records in the study
 * wards. A place's rates are shown only when the force of every police
 * force area it lies in has a file for each of those months: a missing
 * file would make its rate look low.
 */
#include "util/compat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assess/assess_internal.h"
#include "util/internal.h"
#include "safer/lookup.h"
#include "safer/police.h"

int safer__peers_read(struct safer_store *st, const struct safer_crimes *c,
                      struct safer__inputs *in, struct safer_err *err)
{
    int rc = safer_lookup_lsoa_districts(st, &in->lsoa_district, err);
    if (rc == 0)
        rc = safer_lookup_districts(st, &in->districts, err);
    if (rc == 0)
        rc = safer_crimes_load_lsoa(st, c, &in->record_lsoa, err);
    return rc;
}

/*
 * A force's or a police force area's name as a key to match them by:
 * its words (letters and digits, lowercase; '&' is "and"; a note in
 * brackets left out) joined by '-',
 * without "Police Service of" in front or "Police Service", "Police" or
 * "Constabulary" at the end, which is how police.uk shortens forces' names
 * in its file names. "Devon & Cornwall Police" and the police force area
 * "Devon and Cornwall" are both devon-and-cornwall; "Metropolitan Police
 * Service" and "Metropolitan Police" both metropolitan; "City of London
 * Police" and ONS's inverted "London, City of" both city-of-london.
 */
void safer__peers_force_key(const char *name, char out[SAFER__PEERS_KEY_MAX])
{
    char words[24][SAFER__PEERS_KEY_MAX];
    size_t nw = 0, len = 0, comma = 0;
    int note = 0;
    for (const char *p = name;; p++) {
        char ch = *p;
        if (ch == ',' && !comma)
            comma = nw + (len > 0);
        /* A note in brackets is not part of the name: "Kent (synthetic)". */
        note += ch == '(';
        note -= ch == ')' && note > 0;
        if (note || ch == ')')
            ch = ' ';
        int alnum =
            (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
        if (alnum && nw < 24 && len + 1 < SAFER__PEERS_KEY_MAX) {
            words[nw][len++] = (char)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
            continue;
        }
        if (len && nw < 24) {
            words[nw++][len] = '\0';
            len = 0;
        }
        if (ch == '&' && nw < 24)
            memcpy(words[nw++], "and", 4);
        if (!*p)
            break;
    }
    /* ONS writes some names inverted: "London, City of" is City of London. */
    if (comma && comma < nw && !strcmp(words[nw - 1], "of")) {
        char turned[24][SAFER__PEERS_KEY_MAX];
        for (size_t w = 0; w < nw; w++)
            memcpy(turned[w], words[(w + comma) % nw], strlen(words[(w + comma) % nw]) + 1);
        memcpy(words, turned, sizeof(turned));
    }
    size_t from = 0, to = nw;
    if (nw > 3 && !strcmp(words[0], "police") && !strcmp(words[1], "service") &&
        !strcmp(words[2], "of"))
        from = 3;
    if (to - from > 2 && !strcmp(words[to - 2], "police") && !strcmp(words[to - 1], "service"))
        to -= 2;
    else if (to - from > 1 &&
             (!strcmp(words[to - 1], "police") || !strcmp(words[to - 1], "constabulary")))
        to -= 1;
    size_t n = 0;
    out[0] = '\0';
    for (size_t w = from; w < to; w++) {
        size_t wl = strlen(words[w]);
        if (n + wl + 2 > SAFER__PEERS_KEY_MAX)
            break;
        if (n)
            out[n++] = '-';
        memcpy(out + n, words[w], wl + 1);
        n += wl;
    }
}

/* What a place's LSOAs add up to. */
struct acc {
    size_t lsoas, no_pop, no_imd;
    double pop, imd_weighted; /* the populations, and each times its IMD decile */
};

static void acc_add(struct acc *x, const struct acc *y)
{
    x->lsoas += y->lsoas;
    x->no_pop += y->no_pop;
    x->no_imd += y->no_imd;
    x->pop += y->pop;
    x->imd_weighted += y->imd_weighted;
}

static void acc_lsoa(struct acc *x, const struct safer__inputs *in, const char *lsoa)
{
    long p = safer__find_str(in->pop_lsoa.code, in->pop_lsoa.n, lsoa);
    long d = safer__find_str(in->deprivation.code, in->deprivation.n, lsoa);
    x->lsoas++;
    if (p < 0) {
        x->no_pop++;
        return;
    }
    x->pop += in->pop_lsoa.value[p];
    if (d < 0 || !(in->deprivation.value[d] >= 1))
        x->no_imd++;
    else
        x->imd_weighted += in->pop_lsoa.value[p] * in->deprivation.value[d];
}

static double acc_population(const struct acc *x)
{
    return x->lsoas && !x->no_pop && x->pop > 0 ? x->pop : NAN;
}

static double acc_decile(const struct acc *x)
{
    return isnan(acc_population(x)) || x->no_imd ? NAN : x->imd_weighted / x->pop;
}

/* Everything the places are made from. */
struct ctx {
    const struct safer__inputs *in;
    const struct safer_districts *d;
    struct safer_assessment *a;
    size_t nt;        /* crime types */
    struct acc *dacc; /* per district */
    int64_t *dcount;  /* per district and type */
    /* Police force areas: their codes (sorted; into the lookup's strings),
     * names, and the stored force that is each one's (or -1). */
    char **pfa;
    const char **pfa_name;
    long *pfa_force;
    size_t npfa;
    /* has[f * 12 + k]: force f has a file for month l12_start + k */
    unsigned char *has;
    unsigned char compared[12]; /* month l12_start + k is compared */
};

/*
 * The files a place needs: for each police force area it lies in (pfas[k]
 * set), its force's file for each month compared. Sets force_areas,
 * missing and the first missing file.
 */
static void needs(const struct ctx *x, const unsigned char *pfas, const struct safer_crimes *c,
                  struct safer_peer *p)
{
    for (size_t k = 0; k < x->npfa; k++) {
        if (!pfas[k])
            continue;
        p->force_areas++;
        for (int m = 0; m < 12; m++) {
            long f = x->pfa_force[k];
            if (!x->compared[m] || (f >= 0 && x->has[(size_t)f * 12 + (size_t)m]))
                continue;
            if (!p->missing++) {
                p->missing_force = safer__xstrdup(f >= 0 ? c->forces[f] : x->pfa_name[k]);
                p->missing_month = x->a->l12_start + m;
            }
        }
    }
}

static void set_status(struct safer_peer *p, const struct acc *x)
{
    p->lsoas = x->lsoas;
    p->population = acc_population(x);
    p->imd_decile = acc_decile(x);
    if (!p->lsoas)
        p->status = SAFER_PEER_UNKNOWN;
    else if (p->missing)
        p->status = SAFER_PEER_FILES_MISSING;
    else if (isnan(p->population))
        p->status = SAFER_PEER_NO_POPULATION;
    else
        p->status = SAFER_PEER_OK;
}

static struct safer_peer *add_peer(struct safer_assessment *a, size_t *cap,
                                   enum safer_peer_role role, const char *code, const char *name,
                                   size_t nt)
{
    SAFER__GROW(a->peers, *cap, a->npeers + 1);
    struct safer_peer *p = &a->peers[a->npeers++];
    memset(p, 0, sizeof(*p));
    p->role = role;
    p->code = safer__xstrdup(code);
    p->name = safer__xstrdup(name);
    p->distance = NAN;
    p->count = safer__xcalloc(nt ? nt : 1, sizeof(int64_t));
    return p;
}

/* A place made of the districts marked in `in_set`. */
static void district_place(const struct ctx *x, const unsigned char *in_set,
                           const struct safer_crimes *c, struct safer_peer *p)
{
    struct acc sum = {0};
    unsigned char *pfas = safer__xcalloc(x->npfa ? x->npfa : 1, 1);
    for (size_t i = 0; i < x->d->n; i++) {
        if (!in_set[i])
            continue;
        acc_add(&sum, &x->dacc[i]);
        for (size_t t = 0; t < x->nt; t++)
            p->count[t] += x->dcount[i * x->nt + t];
        long k = safer__find_str(x->pfa, x->npfa, x->d->pfa[i]);
        if (k >= 0)
            pfas[k] = 1;
    }
    for (size_t t = 0; t < x->nt; t++)
        p->total += p->count[t];
    needs(x, pfas, c, p);
    set_status(p, &sum);
    free(pfas);
}

/* The districts of partnership or district `code`: 0 when it is neither. */
static size_t districts_of(const struct safer_districts *d, const char *code, unsigned char *in_set,
                           const char **name)
{
    size_t n = 0;
    *name = NULL;
    for (size_t i = 0; i < d->n; i++) {
        in_set[i] = strcmp(d->csp[i], code) == 0 || strcmp(d->code[i], code) == 0;
        if (in_set[i] && !*name)
            *name = strcmp(d->csp[i], code) == 0 ? d->csp_name[i] : d->name[i];
        n += in_set[i];
    }
    if (*name && !**name)
        *name = NULL;
    return n;
}

struct candidate {
    size_t first; /* its first district */
    double x1, x2, distance;
};

static int cmp_candidate(const void *p, const void *q)
{
    const struct candidate *u = p, *v = q;
    if (u->distance != v->distance)
        return u->distance < v->distance ? -1 : 1;
    return (u->first > v->first) - (u->first < v->first);
}

/*
 * The partnerships most like the area: of every partnership of the lookup
 * but those the area lies in, whose every LSOA has a population and an IMD
 * decile (the English ones: the Indices of Deprivation cover England), the
 * SAFER_PEERS_NEAREST nearest in (log population, population-weighted
 * mean IMD decile), each measure divided by its standard deviation over
 * those partnerships. Ties go to the lower code. Returns the basis.
 */
static enum safer_peer_basis similar(const struct ctx *x, const unsigned char *area_dist,
                                     const struct safer_peer *area, const struct safer_crimes *c,
                                     size_t *cap)
{
    const struct safer_districts *d = x->d;
    if (d->n == 0)
        return SAFER_PEERS_NO_DISTRICTS;
    if (isnan(area->population) || isnan(area->imd_decile))
        return SAFER_PEERS_NO_MEASURES;
    /* Partnerships in order of their codes, each with its districts summed. */
    size_t *order = safer__xmalloc(sizeof(size_t) * d->n);
    for (size_t i = 0; i < d->n; i++)
        order[i] = i;
    for (size_t i = 1; i < d->n; i++) { /* insertion sort by CSP code: a few hundred */
        size_t v = order[i], j = i;
        while (j > 0 && strcmp(d->csp[order[j - 1]], d->csp[v]) > 0) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = v;
    }
    struct candidate *cand = safer__xmalloc(sizeof(*cand) * d->n);
    size_t nc = 0;
    for (size_t i = 0; i < d->n;) {
        size_t j = i;
        struct acc sum = {0};
        int excluded = 0;
        while (j < d->n && strcmp(d->csp[order[j]], d->csp[order[i]]) == 0) {
            acc_add(&sum, &x->dacc[order[j]]);
            excluded |= area_dist[order[j]];
            j++;
        }
        double pop = acc_population(&sum), dec = acc_decile(&sum);
        if (!excluded && !isnan(pop) && !isnan(dec))
            cand[nc++] = (struct candidate){order[i], log(pop), dec, 0};
        i = j;
    }
    free(order);
    if (nc == 0) {
        free(cand);
        return SAFER_PEERS_NO_CANDIDATES;
    }
    double m1 = 0, m2 = 0, v1 = 0, v2 = 0;
    for (size_t k = 0; k < nc; k++) {
        m1 += cand[k].x1;
        m2 += cand[k].x2;
    }
    m1 /= (double)nc;
    m2 /= (double)nc;
    for (size_t k = 0; k < nc; k++) {
        v1 += (cand[k].x1 - m1) * (cand[k].x1 - m1);
        v2 += (cand[k].x2 - m2) * (cand[k].x2 - m2);
    }
    double s1 = sqrt(v1 / (double)nc), s2 = sqrt(v2 / (double)nc);
    double a1 = log(area->population), a2 = area->imd_decile;
    for (size_t k = 0; k < nc; k++) {
        double z1 = s1 > 0 ? (cand[k].x1 - a1) / s1 : 0, z2 = s2 > 0 ? (cand[k].x2 - a2) / s2 : 0;
        cand[k].distance = sqrt(z1 * z1 + z2 * z2);
    }
    qsort(cand, nc, sizeof(*cand), cmp_candidate);
    unsigned char *in_set = safer__xcalloc(d->n, 1);
    for (size_t k = 0; k < nc && k < SAFER_PEERS_NEAREST; k++) {
        const char *name;
        const char *code = d->csp[cand[k].first];
        districts_of(d, code, in_set, &name);
        struct safer_peer *p =
            add_peer(x->a, cap, SAFER_PEER_SIMILAR, code, name ? name : code, x->nt);
        district_place(x, in_set, c, p);
        p->distance = cand[k].distance;
    }
    free(in_set);
    free(cand);
    return SAFER_PEERS_SIMILAR;
}

static int cmp_str(const void *p, const void *q)
{
    return strcmp(*(char *const *)p, *(char *const *)q);
}

void safer__peers_compute(const struct safer__inputs *in, const struct safer_crimes *c,
                          const unsigned char *force_in, const char *const *list, size_t nlist,
                          struct safer_assessment *a)
{
    const struct safer_districts *d = &in->districts;
    struct ctx x = {.in = in, .d = d, .a = a, .nt = c->ntypes};
    a->peer_basis = SAFER_PEERS_NO_DISTRICTS;
    if (in->basis_lsoa)
        a->peer_population_basis = safer__xstrdup(in->basis_lsoa);

    /* The months compared: of the latest 12, those with a file of a force
     * with records in the study wards. */
    x.has = safer__xcalloc((c->nforces ? c->nforces : 1) * 12, 1);
    for (size_t b = 0; b < c->nbatches; b++) {
        int32_t k = c->batches[b].month - a->l12_start;
        if (k < 0 || k >= 12 || c->batches[b].month > a->latest)
            continue;
        x.has[(size_t)c->batches[b].force * 12 + (size_t)k] = 1;
        if (force_in[c->batches[b].force])
            x.compared[k] = 1;
    }
    for (int k = 0; k < 12; k++) {
        if (!x.compared[k])
            continue;
        a->peer_months = safer__xreallocarray(a->peer_months, a->npeer_months + 1, sizeof(int32_t));
        a->peer_months[a->npeer_months++] = a->l12_start + k;
        for (size_t w = 0; w < a->nwards; w++)
            for (size_t t = 0; t < a->ntypes; t++)
                a->peer_ward_total += a->counts[(w * a->ntypes + t) * (size_t)a->nmonths +
                                                (size_t)(a->l12_start + k - a->first_month)];
    }
    if (!a->npeer_months) {
        free(x.has);
        return;
    }

    /* Police force areas, and the stored force that is each one's. */
    x.pfa = safer__xmalloc(sizeof(char *) * (d->n ? d->n : 1));
    for (size_t i = 0; i < d->n; i++) {
        if (d->pfa[i][0])
            x.pfa[x.npfa++] = d->pfa[i];
    }
    qsort(x.pfa, x.npfa, sizeof(char *), cmp_str);
    size_t np = 0;
    for (size_t k = 0; k < x.npfa; k++) {
        if (np == 0 || strcmp(x.pfa[np - 1], x.pfa[k]) != 0)
            x.pfa[np++] = x.pfa[k];
    }
    x.npfa = np;
    x.pfa_name = safer__xmalloc(sizeof(char *) * (np ? np : 1));
    x.pfa_force = safer__xmalloc(sizeof(long) * (np ? np : 1));
    char(*fkeys)[SAFER__PEERS_KEY_MAX] =
        safer__xmalloc(sizeof(*fkeys) * (c->nforces ? c->nforces : 1));
    for (size_t f = 0; f < c->nforces; f++)
        safer__peers_force_key(c->forces[f], fkeys[f]);
    for (size_t k = 0; k < np; k++) {
        x.pfa_name[k] = x.pfa[k];
        for (size_t i = 0; i < d->n; i++) {
            if (strcmp(d->pfa[i], x.pfa[k]) == 0 && d->pfa_name[i][0]) {
                x.pfa_name[k] = d->pfa_name[i];
                break;
            }
        }
        char key[SAFER__PEERS_KEY_MAX];
        safer__peers_force_key(x.pfa_name[k], key);
        x.pfa_force[k] = -1;
        for (size_t f = 0; key[0] && f < c->nforces; f++) {
            if (strcmp(fkeys[f], key) == 0)
                x.pfa_force[k] = (long)f;
        }
    }
    free(fkeys);

    /* Each LSOA of the records: its district, and whether it is the area's
     * (its ward in the LSOA to ward lookup is a study ward). */
    int32_t *lsoa_dist = safer__xmalloc(sizeof(int32_t) * (c->nlsoas ? c->nlsoas : 1));
    unsigned char *lsoa_area = safer__xcalloc(c->nlsoas ? c->nlsoas : 1, 1);
    char **wcodes = safer__xmalloc(sizeof(char *) * (a->nwards ? a->nwards : 1));
    for (size_t w = 0; w < a->nwards; w++)
        wcodes[w] = a->wards[w].code;
    for (size_t l = 0; l < c->nlsoas; l++) {
        long k = safer__find_str(in->lsoa_district.a, in->lsoa_district.n, c->lsoas[l]);
        lsoa_dist[l] =
            k >= 0 ? (int32_t)safer__find_str(d->code, d->n, in->lsoa_district.b[k]) : -1;
        k = safer__find_str(in->lsoa_ward.a, in->lsoa_ward.n, c->lsoas[l]);
        lsoa_area[l] = k >= 0 && safer__find_str(wcodes, a->nwards, in->lsoa_ward.b[k]) >= 0;
    }

    /* Residents and deprivation: per district, and of the area's LSOAs. */
    x.dacc = safer__xcalloc(d->n ? d->n : 1, sizeof(*x.dacc));
    for (size_t k = 0; k < in->lsoa_district.n; k++) {
        long i = safer__find_str(d->code, d->n, in->lsoa_district.b[k]);
        if (i >= 0)
            acc_lsoa(&x.dacc[i], in, in->lsoa_district.a[k]);
    }
    struct acc area_acc = {0};
    unsigned char *area_dist = safer__xcalloc(d->n ? d->n : 1, 1);
    unsigned char *area_pfas = safer__xcalloc(np ? np : 1, 1);
    for (size_t k = 0; k < in->lsoa_ward.n; k++) {
        if (safer__find_str(wcodes, a->nwards, in->lsoa_ward.b[k]) < 0)
            continue;
        acc_lsoa(&area_acc, in, in->lsoa_ward.a[k]);
        long j = safer__find_str(in->lsoa_district.a, in->lsoa_district.n, in->lsoa_ward.a[k]);
        long i = j >= 0 ? safer__find_str(d->code, d->n, in->lsoa_district.b[j]) : -1;
        if (i < 0)
            continue;
        area_dist[i] = 1;
        long p = safer__find_str(x.pfa, np, d->pfa[i]);
        if (p >= 0)
            area_pfas[p] = 1;
    }
    free(wcodes);

    /* The records of the months compared, by district and by the area. */
    size_t nt = c->ntypes;
    x.dcount = safer__xcalloc((d->n ? d->n : 1) * (nt ? nt : 1), sizeof(int64_t));
    size_t cap = 0;
    struct safer_peer *area = add_peer(a, &cap, SAFER_PEER_AREA, a->area_code ? a->area_code : "",
                                       a->area_name ? a->area_name : a->title, nt);
    for (size_t b = 0; b < c->nbatches; b++) {
        const struct safer_crime_batch *bt = &c->batches[b];
        int32_t k = bt->month - a->l12_start;
        if (k < 0 || k >= 12 || !x.compared[k])
            continue;
        for (size_t i = bt->first; i < bt->first + bt->count; i++) {
            uint32_t l = in->record_lsoa[i];
            if (lsoa_area[l])
                area->count[c->type[i]]++;
            if (lsoa_dist[l] >= 0)
                x.dcount[(size_t)lsoa_dist[l] * nt + c->type[i]]++;
        }
    }
    for (size_t t = 0; t < nt; t++)
        area->total += area->count[t];
    needs(&x, area_pfas, c, area);
    set_status(area, &area_acc);

    /* The police force area, when the area lies in one. */
    unsigned char *in_set = safer__xcalloc(d->n ? d->n : 1, 1);
    for (size_t k = 0; k < np; k++)
        a->area_force_areas += area_pfas[k];
    for (size_t k = 0; a->area_force_areas == 1 && k < np; k++) {
        if (!area_pfas[k])
            continue;
        for (size_t i = 0; i < d->n; i++)
            in_set[i] = strcmp(d->pfa[i], x.pfa[k]) == 0;
        struct safer_peer *p =
            add_peer(a, &cap, SAFER_PEER_FORCE_AREA, x.pfa[k], x.pfa_name[k], nt);
        district_place(&x, in_set, c, p);
    }
    /* England and Wales: every police force area of the lookup. */
    if (np) {
        for (size_t i = 0; i < d->n; i++)
            in_set[i] = d->pfa[i][0] != '\0';
        struct safer_peer *p = add_peer(a, &cap, SAFER_PEER_NATION, SAFER_PEERS_NATION_CODE,
                                        SAFER_PEERS_NATION_NAME, nt);
        district_place(&x, in_set, c, p);
        /* Only a lookup of every police force area is England and Wales. */
        if (p->force_areas < SAFER_PEERS_NATION_FORCE_AREAS && p->status != SAFER_PEER_UNKNOWN)
            p->status = SAFER_PEER_LOOKUP_PARTIAL;
    }
    /* The similar partnerships: the list given, else the most similar. */
    if (nlist) {
        a->peer_basis = SAFER_PEERS_LIST;
        for (size_t k = 0; k < nlist; k++) {
            const char *name;
            size_t n = districts_of(d, list[k], in_set, &name);
            struct safer_peer *p =
                add_peer(a, &cap, SAFER_PEER_SIMILAR, list[k], name ? name : list[k], nt);
            if (n)
                district_place(&x, in_set, c, p);
            else
                set_status(p, &(struct acc){0});
        }
    } else {
        a->peer_basis = similar(&x, area_dist, &a->peers[0], c, &cap);
    }
    free(in_set);
    free(area_dist);
    free(area_pfas);
    free(lsoa_dist);
    free(lsoa_area);
    free(x.dacc);
    free(x.dcount);
    free(x.pfa);
    free(x.pfa_name);
    free(x.pfa_force);
    free(x.has);
}
