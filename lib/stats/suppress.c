/*
 * suppress.c - cell suppression: which published counts to hide so that
 * no count under the threshold can be recovered from the others.
 *
 * The small counts are hidden first (primary suppression). A reader who
 * knows a total and every part but one recovers that one by subtraction,
 * so each relation with a single hidden cell gets a second (secondary
 * suppression). That is not always enough when relations share cells: in
 * a table with row and column totals, hidden cells that meet in a chain
 * rather than a cycle can still be solved for. The test that settles it is
 * linear algebra: with the shown cells' values known, hidden cell c is
 * determined exactly when its unit vector lies in the row space of the
 * relations restricted to the hidden cells. Each connected group of hidden
 * cells is reduced to row echelon form, and a row left with one non-zero
 * entry names a determined cell, which gets one more hidden cell beside
 * it. The loop ends when no relation has one hidden cell and no hidden
 * cell is determined; every round hides at least one more cell, so it
 * ends.
 */
#include "util/compat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/internal.h"
#include "safer/stats.h"

/* Entries of magnitude below this count as 0 in the elimination: the
 * coefficients start as 0 and +-1, and stay small rationals. */
#define ZERO_TOL 1e-9

struct suppress {
    const int64_t *values;
    size_t ncells;
    const struct safer_sums *sums;
    unsigned char *hidden;
    /* Which relations each cell is in: of_cell[of_start[i] .. of_start[i + 1]). */
    size_t *of_start, *of_cell;
    /* Per cell, its group of hidden cells (union-find), and the groups' roots. */
    size_t *parent, *roots;
};

/* Is a better than b as the next cell to hide? Parts before the total,
 * counts that are not 0 first, then the smaller count, then the lower index. */
static bool better(const struct suppress *s, size_t a, bool a_total, size_t b, bool b_total)
{
    if (a_total != b_total)
        return !a_total;
    int64_t va = s->values[a], vb = s->values[b];
    if ((va == 0) != (vb == 0))
        return va != 0;
    if (va != vb)
        return va < vb;
    return a < b;
}

/* The best shown cell of relation k to hide, or SIZE_MAX when none is shown. */
static size_t pick(const struct suppress *s, size_t k, size_t best, bool *best_total)
{
    const struct safer_sums *r = s->sums;
    for (size_t j = r->start[k]; j < r->start[k + 1]; j++) {
        size_t c = r->cells[j];
        bool total = j == r->start[k];
        if (s->hidden[c] != SAFER_SHOWN)
            continue;
        if (best == SIZE_MAX || better(s, c, total, best, *best_total)) {
            best = c;
            *best_total = total;
        }
    }
    return best;
}

static size_t hidden_in(const struct suppress *s, size_t k)
{
    size_t n = 0;
    for (size_t j = s->sums->start[k]; j < s->sums->start[k + 1]; j++)
        n += s->hidden[s->sums->cells[j]] != SAFER_SHOWN;
    return n;
}

/* Rule 1: no relation with exactly one hidden cell. Returns cells hidden. */
static size_t pairs(struct suppress *s)
{
    size_t added = 0;
    bool again = true;
    while (again) {
        again = false;
        for (size_t k = 0; k < s->sums->n; k++) {
            if (hidden_in(s, k) != 1)
                continue;
            bool total = false;
            size_t c = pick(s, k, SIZE_MAX, &total);
            if (c == SIZE_MAX)
                continue; /* cannot happen: a relation has two cells */
            s->hidden[c] = SAFER_HIDDEN_OTHERS;
            added++;
            again = true;
        }
    }
    return added;
}

static size_t find(size_t *parent, size_t i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

/*
 * Reduce the relations of one group (root `g`) to row echelon form over its
 * hidden cells; *out gets a determined cell, or SIZE_MAX when there is none.
 * `col` maps a cell to its column (scratch, ncells entries). Returns 0 or
 * SAFER_ETOOBIG.
 */
static int determined_in(struct suppress *s, size_t g, size_t *col, size_t *out,
                         struct safer_err *err)
{
    const struct safer_sums *r = s->sums;
    size_t ncols = 0, nrows = 0;
    for (size_t i = 0; i < s->ncells; i++)
        if (s->hidden[i] != SAFER_SHOWN && find(s->parent, i) == g)
            col[i] = ncols++;
    size_t *cell_of = safer__xmalloc(ncols * sizeof(*cell_of));
    for (size_t i = 0; i < s->ncells; i++)
        if (s->hidden[i] != SAFER_SHOWN && find(s->parent, i) == g)
            cell_of[col[i]] = i;
    size_t *rows = safer__xmalloc((r->n ? r->n : 1) * sizeof(*rows));
    for (size_t k = 0; k < r->n; k++) {
        for (size_t j = r->start[k]; j < r->start[k + 1]; j++) {
            size_t c = r->cells[j];
            if (s->hidden[c] != SAFER_SHOWN && find(s->parent, c) == g) {
                rows[nrows++] = k;
                break;
            }
        }
    }
    size_t entries;
    if (!safer__size_mul(nrows, ncols, &entries) || entries > SAFER_SUPPRESS_MAX_ENTRIES) {
        free(cell_of);
        free(rows);
        return safer_err_set(err, SAFER_ETOOBIG,
                             "suppression: %zu hidden counts in %zu sums are too many to check "
                             "at once (at most %zu entries); publish a smaller area",
                             ncols, nrows, SAFER_SUPPRESS_MAX_ENTRIES);
    }
    double *m = safer__xcalloc(entries ? entries : 1, sizeof(*m));
    for (size_t i = 0; i < nrows; i++) {
        size_t k = rows[i];
        for (size_t j = r->start[k]; j < r->start[k + 1]; j++) {
            size_t c = r->cells[j];
            if (s->hidden[c] != SAFER_SHOWN && find(s->parent, c) == g)
                m[i * ncols + col[c]] += j == r->start[k] ? 1.0 : -1.0;
        }
    }
    /* Gauss-Jordan with partial pivoting: reduced row echelon form. */
    size_t rank = 0;
    for (size_t c = 0; c < ncols && rank < nrows; c++) {
        size_t p = rank;
        for (size_t i = rank + 1; i < nrows; i++)
            if (fabs(m[i * ncols + c]) > fabs(m[p * ncols + c]))
                p = i;
        if (fabs(m[p * ncols + c]) < ZERO_TOL)
            continue;
        if (p != rank)
            for (size_t j = 0; j < ncols; j++) {
                double t = m[p * ncols + j];
                m[p * ncols + j] = m[rank * ncols + j];
                m[rank * ncols + j] = t;
            }
        double piv = m[rank * ncols + c];
        for (size_t j = c; j < ncols; j++)
            m[rank * ncols + j] /= piv;
        for (size_t i = 0; i < nrows; i++) {
            double f = m[i * ncols + c];
            if (i == rank || fabs(f) < ZERO_TOL)
                continue;
            for (size_t j = c; j < ncols; j++)
                m[i * ncols + j] -= f * m[rank * ncols + j];
        }
        rank++;
    }
    *out = SIZE_MAX;
    for (size_t i = 0; i < rank && *out == SIZE_MAX; i++) {
        size_t nz = 0, at = 0;
        for (size_t j = 0; j < ncols && nz < 2; j++)
            if (fabs(m[i * ncols + j]) >= ZERO_TOL) {
                nz++;
                at = j;
            }
        if (nz == 1)
            *out = cell_of[at];
    }
    free(m);
    free(rows);
    free(cell_of);
    return 0;
}

/* Hide one more cell next to determined cell c: the best shown cell of its
 * relations, else of any relation of its group. Returns whether one was. */
static bool widen(struct suppress *s, size_t c)
{
    size_t best = SIZE_MAX;
    bool total = false;
    for (size_t j = s->of_start[c]; j < s->of_start[c + 1]; j++)
        best = pick(s, s->of_cell[j], best, &total);
    if (best == SIZE_MAX) {
        size_t g = find(s->parent, c);
        for (size_t k = 0; k < s->sums->n; k++) {
            bool in = false;
            for (size_t j = s->sums->start[k]; j < s->sums->start[k + 1] && !in; j++) {
                size_t d = s->sums->cells[j];
                in = s->hidden[d] != SAFER_SHOWN && find(s->parent, d) == g;
            }
            if (in)
                best = pick(s, k, best, &total);
        }
    }
    if (best == SIZE_MAX)
        return false;
    s->hidden[best] = SAFER_HIDDEN_OTHERS;
    return true;
}

/* Rule 2: one round over the groups of hidden cells. Returns cells hidden,
 * or a negative error. */
static long exact(struct suppress *s, size_t *col, struct safer_err *err)
{
    const struct safer_sums *r = s->sums;
    for (size_t i = 0; i < s->ncells; i++)
        s->parent[i] = i;
    for (size_t k = 0; k < r->n; k++) {
        size_t first = SIZE_MAX;
        for (size_t j = r->start[k]; j < r->start[k + 1]; j++) {
            size_t c = r->cells[j];
            if (s->hidden[c] == SAFER_SHOWN)
                continue;
            if (first == SIZE_MAX)
                first = c;
            else
                s->parent[find(s->parent, c)] = find(s->parent, first);
        }
    }
    /* The groups as they stand before this round hides anything: a cell
     * hidden below joins its group in the next round. */
    size_t ngroups = 0;
    for (size_t i = 0; i < s->ncells; i++)
        if (s->hidden[i] != SAFER_SHOWN && find(s->parent, i) == i)
            s->roots[ngroups++] = i;
    long added = 0;
    for (size_t q = 0; q < ngroups; q++) {
        size_t g = s->roots[q], c = SIZE_MAX;
        int rc = determined_in(s, g, col, &c, err);
        if (rc < 0)
            return rc;
        if (c != SIZE_MAX && widen(s, c))
            added++;
    }
    return added;
}

int safer_suppress(const int64_t *values, size_t ncells, const struct safer_sums *sums,
                   int64_t min, unsigned char *hidden, struct safer_err *err)
{
    for (size_t k = 0; k < sums->n; k++) {
        if (sums->start[k + 1] < sums->start[k] + 2)
            return safer_err_set(err, SAFER_EINVAL, "suppression: sum %zu has fewer than two cells",
                                 k);
        for (size_t j = sums->start[k]; j < sums->start[k + 1]; j++)
            if (sums->cells[j] >= ncells)
                return safer_err_set(err, SAFER_EINVAL,
                                     "suppression: sum %zu names cell %zu of %zu", k,
                                     sums->cells[j], ncells);
    }
    for (size_t i = 0; i < ncells; i++)
        if (values[i] > 0 && values[i] < min)
            hidden[i] = SAFER_HIDDEN_SMALL;

    struct suppress s = {.values = values, .ncells = ncells, .sums = sums, .hidden = hidden};
    s.of_start = safer__xcalloc(ncells + 1, sizeof(*s.of_start));
    size_t nref = sums->n ? sums->start[sums->n] : 0;
    s.of_cell = safer__xmalloc((nref ? nref : 1) * sizeof(*s.of_cell));
    for (size_t j = 0; j < nref; j++)
        s.of_start[sums->cells[j] + 1]++;
    for (size_t i = 0; i < ncells; i++)
        s.of_start[i + 1] += s.of_start[i];
    size_t *fill = safer__xmalloc((ncells ? ncells : 1) * sizeof(*fill));
    memcpy(fill, s.of_start, ncells * sizeof(*fill));
    for (size_t k = 0; k < sums->n; k++)
        for (size_t j = sums->start[k]; j < sums->start[k + 1]; j++)
            s.of_cell[fill[sums->cells[j]]++] = k;
    s.parent = safer__xmalloc((ncells ? ncells : 1) * sizeof(*s.parent));
    s.roots = safer__xmalloc((ncells ? ncells : 1) * sizeof(*s.roots));

    int rc = 0;
    for (;;) {
        pairs(&s);
        long added = exact(&s, fill, err);
        if (added < 0) {
            rc = (int)added;
            break;
        }
        if (added == 0)
            break;
    }
    free(fill);
    free(s.parent);
    free(s.roots);
    free(s.of_cell);
    free(s.of_start);
    return rc;
}
