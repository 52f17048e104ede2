/*
 * report_outcomes.c - section 7, what became of the area's crimes.
 *
 * For each crime type, the share of the area's crimes of the 12 months to
 * the latest month by latest outcome (docs/assessment.md, Outcomes): in
 * sentences for the largest categories ("Violence and sexual offences: of
 * 2,462 crimes, 41% were closed with no suspect identified"), a table of each
 * category's most common outcome, and every outcome in a table below. It
 * says where the outcomes come from: the street files' Last outcome
 * category alone, or police.uk's outcomes files too.
 *
 * In the public edition a hidden outcome count shows "[c]", and so does
 * its share; a category's total is hidden as safer_assessment_hide() hid
 * it. The order of rows never depends on a hidden count: hidden outcomes
 * come after the shown ones (by outcome), categories with a hidden total
 * after the others (by name), and a category's most common outcome is
 * named only when the published counts prove it.
 */
#include "util/compat.h"

#include <stdlib.h>
#include <string.h>

#include "render/report_internal.h"
#include "util/internal.h"
#include "safer/html.h"

/*
 * police.uk's outcome categories (its street files' and its outcomes
 * files'), as what happened to the crimes: "41% <were closed with no
 * suspect identified>". An outcome not listed is quoted as police.uk words
 * it.
 */
static const struct {
    const char *outcome, *words;
} WORDS[] = {
    {"", "had no outcome published"},
    {"Action to be taken by another organisation", "were passed to another organisation to act on"},
    {"Awaiting court outcome", "were awaiting a court outcome"},
    {"Court case unable to proceed", "went to court but the case could not proceed"},
    {"Court result unavailable", "went to court with no result published"},
    {"Defendant found not guilty", "ended with the defendant found not guilty"},
    {"Defendant sent to Crown Court", "were sent to the Crown Court"},
    {"Formal action is not in the public interest",
     "ended without formal action, as it was not in the public interest"},
    {"Further action is not in the public interest",
     "ended without further action, as it was not in the public interest"},
    {"Further investigation is not in the public interest",
     "were not investigated further, as it was not in the public interest"},
    {"Investigation complete; no suspect identified", "were closed with no suspect identified"},
    {"Local resolution", "were resolved locally"},
    {"Offender deprived of property", "ended with the offender deprived of property"},
    {"Offender fined", "ended in a fine"},
    {"Offender given a caution", "ended in a caution"},
    {"Offender given a drugs possession warning", "ended in a drugs possession warning"},
    {"Offender given absolute discharge", "ended in an absolute discharge"},
    {"Offender given community sentence", "ended in a community sentence"},
    {"Offender given conditional discharge", "ended in a conditional discharge"},
    {"Offender given penalty notice", "ended in a penalty notice"},
    {"Offender given suspended prison sentence", "ended in a suspended prison sentence"},
    {"Offender ordered to pay compensation", "ended in an order to pay compensation"},
    {"Offender otherwise dealt with", "ended with the offender otherwise dealt with"},
    {"Offender sent to prison", "ended with the offender sent to prison"},
    {"Status update unavailable", "had no status update published"},
    {"Suspect charged", "ended with the suspect charged"},
    {"Suspect charged as part of another case", "had the suspect charged as part of another case"},
    {"Unable to prosecute suspect", "were closed as the suspect could not be prosecuted"},
    {"Under investigation", "were still under investigation"},
};

static void outcome_words(struct safer_buf *h, const char *outcome)
{
    for (size_t k = 0; k < SAFER__NELEM(WORDS); k++) {
        if (strcmp(WORDS[k].outcome, outcome) == 0) {
            safer_html_text(h, WORDS[k].words);
            return;
        }
    }
    safer_html_raw(h, "had the outcome \u201c");
    safer_html_text(h, outcome);
    safer_html_raw(h, "\u201d");
}

/* One type's rows of a->outcomes: [first, end), and their total. */
struct type_rows {
    size_t type, first, end;
    int64_t total;
    bool total_hidden; /* the public edition hides the total */
    size_t *order;     /* owned: the rows by count, largest first (ties by outcome);
                          in the public edition, the hidden ones last, by outcome */
    size_t nshown;     /* the first nshown of order[] have their count shown */
};

/* Is outcomes row i's count hidden? */
static bool row_hidden(const struct safer_assessment *a, size_t i)
{
    return safer_hidden(a->hidden.outcome, i);
}

/* Does outcomes row r come before row q in its type's order? */
static bool row_before(const struct safer_assessment *a, size_t r, size_t q)
{
    if (row_hidden(a, r) != row_hidden(a, q))
        return row_hidden(a, q);
    return !row_hidden(a, r) && a->outcomes[r].count > a->outcomes[q].count;
}

/* Is the total of a type's outcomes hidden? It is the sum of the type's
 * outcome counts, a cell of safer_assessment_hide()'s own (the type's
 * count when the two agree). */
static bool total_hidden(const struct safer_assessment *a, const struct type_rows *t)
{
    return safer_hidden(a->hidden.outcome_total, t->type);
}

/* Does type row x come before y: shown totals first, largest first? */
static bool type_before(const struct type_rows *x, const struct type_rows *y)
{
    if (x->total_hidden != y->total_hidden)
        return y->total_hidden;
    return !x->total_hidden && x->total > y->total;
}

/* `n` of `total` as a whole percentage; "under 1%" when it rounds to 0. */
static void share(struct safer_buf *h, int64_t n, int64_t total)
{
    double v = 100.0 * (double)n / (double)total;
    if (v < 0.5) {
        safer_html_raw(h, "under 1%");
        return;
    }
    safer__report_dec(h, v, 0, false);
    safer_html_raw(h, "%");
}

/* The types with outcomes, largest first (ties by name). */
static struct type_rows *by_type(const struct safer_assessment *a, size_t *n)
{
    struct type_rows *v = safer__xmalloc(sizeof(*v) * (a->noutcomes ? a->noutcomes : 1));
    *n = 0;
    for (size_t i = 0; i < a->noutcomes;) {
        struct type_rows *t = &v[(*n)++];
        t->type = a->outcomes[i].type;
        t->first = i;
        t->total = 0;
        while (i < a->noutcomes && a->outcomes[i].type == t->type)
            t->total += a->outcomes[i++].count;
        t->end = i;
        t->total_hidden = total_hidden(a, t);
        size_t m = t->end - t->first;
        t->order = safer__xmalloc(sizeof(size_t) * m);
        t->nshown = 0;
        for (size_t k = 0; k < m; k++) {
            size_t r = t->first + k, j = k;
            t->nshown += !row_hidden(a, r);
            while (j > 0 && row_before(a, r, t->order[j - 1])) {
                t->order[j] = t->order[j - 1];
                j--;
            }
            t->order[j] = r;
        }
    }
    for (size_t i = 1; i < *n; i++) {
        struct type_rows x = v[i];
        size_t j = i;
        while (j > 0 && type_before(&x, &v[j - 1])) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
    return v;
}

/* Does the sentence of `t` show the mark? */
static bool sentence_hidden(const struct type_rows *t)
{
    return t->total_hidden || t->nshown == 0;
}

/* "Violence and sexual offences: of 2,462 crimes, 41% were ..., 30% ... and 8% ...",
 * the largest of the outcomes shown. */
static void sentence(struct safer_buf *h, const struct safer_assessment *a,
                     const struct type_rows *t)
{
    safer_html_raw(h, "<li><strong>");
    safer_html_text(h, a->types[t->type]);
    safer_html_raw(h, ":</strong> of ");
    safer__report_count(h, t->total, t->total_hidden);
    safer_html_text(h, t->total == 1 && !t->total_hidden ? " crime, " : " crimes, ");
    size_t shown = t->nshown < 3 ? t->nshown : 3;
    if (!shown)
        safer_html_raw(h, "every outcome's count is " SAFER__REPORT_HIDDEN);
    for (size_t k = 0; k < shown; k++) {
        const struct safer_outcome_count *o = &a->outcomes[t->order[k]];
        if (k)
            safer_html_text(h, k + 1 == shown ? " and " : ", ");
        if (t->total_hidden)
            safer_html_raw(h, SAFER__REPORT_HIDDEN);
        else
            share(h, o->count, t->total);
        safer_html_raw(h, " ");
        outcome_words(h, o->outcome);
    }
    safer_html_raw(h, ".</li>");
}

/*
 * Is the first outcome of `t` shown its most common? Always, when none is
 * hidden; else only when the counts published prove it: the total is shown
 * and the hidden ones, which add up to what the shown ones leave of it,
 * cannot exceed it. So whether it is named says nothing of a hidden count.
 */
static bool most_known(const struct safer_assessment *a, const struct type_rows *t)
{
    size_t m = t->end - t->first;
    if (t->nshown == m)
        return true;
    if (t->nshown == 0 || t->total_hidden)
        return false;
    int64_t rest = t->total;
    for (size_t k = 0; k < t->nshown; k++)
        rest -= a->outcomes[t->order[k]].count;
    return a->outcomes[t->order[0]].count >= rest;
}

/* ---- the tables ---- */

struct most_rows {
    const struct safer_assessment *a;
    const struct type_rows *t;
};

#define MR(rows) ((const struct most_rows *)(rows))

static void most_type(struct safer_buf *h, const void *rows, size_t i)
{
    safer_html_text(h, MR(rows)->a->types[MR(rows)->t[i].type]);
}

static void most_total(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_count(h, MR(rows)->t[i].total, MR(rows)->t[i].total_hidden);
}

static void most_outcome(struct safer_buf *h, const void *rows, size_t i)
{
    if (!most_known(MR(rows)->a, &MR(rows)->t[i])) {
        safer_html_raw(h, SAFER__REPORT_HIDDEN);
        return;
    }
    const char *o = MR(rows)->a->outcomes[MR(rows)->t[i].order[0]].outcome;
    safer_html_text(h, o[0] ? o : "none published");
}

static void most_share(struct safer_buf *h, const void *rows, size_t i)
{
    const struct type_rows *t = &MR(rows)->t[i];
    if (!most_known(MR(rows)->a, t) || t->total_hidden)
        safer_html_raw(h, SAFER__REPORT_HIDDEN);
    else
        share(h, MR(rows)->a->outcomes[t->order[0]].count, t->total);
}

static const struct safer__report_col MOST[] = {
    {.heading = "Category", .cell = most_type},
    {.heading = "Crimes", .numeric = true, .cell = most_total},
    {.heading = "Most common latest outcome", .cell = most_outcome},
    {.heading = "Share", .numeric = true, .cell = most_share},
};

/* Every outcome: one row per (type, outcome), types by volume. */
struct all_rows {
    const struct safer_assessment *a;
    const struct type_rows *t;
    size_t (*at)[2]; /* row i: type row, rank within it */
};

#define AR(rows) ((const struct all_rows *)(rows))
#define AR_ROW(rows, i)                                                                            \
    (&AR(rows)->a->outcomes[AR(rows)->t[AR(rows)->at[i][0]].order[AR(rows)->at[i][1]]])

static void all_type(struct safer_buf *h, const void *rows, size_t i)
{
    safer_html_text(h, AR(rows)->a->types[AR_ROW(rows, i)->type]);
}

static void all_outcome(struct safer_buf *h, const void *rows, size_t i)
{
    const char *o = AR_ROW(rows, i)->outcome;
    safer_html_text(h, o[0] ? o : "none published");
}

/* Row i's outcomes row: its index in a->outcomes. */
static size_t all_index(const void *rows, size_t i)
{
    return (size_t)(AR_ROW(rows, i) - AR(rows)->a->outcomes);
}

static void all_count(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_count(h, AR_ROW(rows, i)->count, row_hidden(AR(rows)->a, all_index(rows, i)));
}

static void all_share(struct safer_buf *h, const void *rows, size_t i)
{
    const struct type_rows *t = &AR(rows)->t[AR(rows)->at[i][0]];
    if (t->total_hidden || row_hidden(AR(rows)->a, all_index(rows, i))) {
        safer_html_raw(h, SAFER__REPORT_HIDDEN);
        return;
    }
    double v = 100.0 * (double)AR_ROW(rows, i)->count / (double)t->total;
    if (v < 0.05) {
        safer_html_raw(h, "under 0.1%");
        return;
    }
    safer__report_dec(h, v, 1, false);
    safer_html_raw(h, "%");
}

static const struct safer__report_col ALL[] = {
    {.heading = "Category", .cell = all_type},
    {.heading = "Latest outcome", .cell = all_outcome},
    {.heading = "Crimes", .numeric = true, .cell = all_count},
    {.heading = "Share of the category", .numeric = true, .cell = all_share},
};

void safer__report_outcomes(struct safer_buf *h, const struct safer_assessment *a)
{
    safer_html_raw(h, "<h2 id=\"outcomes\">7. What became of the crimes</h2><p>The latest "
                      "outcome police.uk gives each crime recorded in the area's wards in ");
    safer__report_window_name(h, a, 0);
    safer_html_raw(h, ", by category. Anti-social behaviour has no outcomes and is left out. ");
    if (a->outcome_rows == 0) {
        safer_html_raw(h, "No police.uk outcomes files are loaded, so each crime's outcome is "
                          "the <q>Last outcome category</q> of the street file it came from, as "
                          "it stood when that file was published; an outcome recorded since "
                          "then is not shown (load the force's <code>-outcomes.csv</code> "
                          "files with <code>safer import police</code> to see it).");
    } else {
        safer__report_int(h, (long long)a->outcome_rows);
        safer_html_raw(h, " crimes have an outcome in the police.uk outcomes files loaded; ");
        safer__report_count(h, a->outcomes_from_files, a->hidden.from_files);
        safer_html_raw(h, " of the crimes here take their latest outcome from them, the others "
                          "the <q>Last outcome category</q> of their street file.");
    }
    safer_html_raw(h, " Crimes of recent months often have no final outcome yet.</p>");
    if (a->noutcomes == 0) {
        safer_html_raw(h, "<p>No crime of the area's wards in these months.</p>");
        return;
    }
    size_t nt;
    struct type_rows *t = by_type(a, &nt);
    bool hidden = false;
    safer_html_raw(h, "<ul>");
    for (size_t k = 0; k < nt && k < 5; k++) {
        sentence(h, a, &t[k]);
        hidden |= sentence_hidden(&t[k]);
    }
    safer_html_raw(h, "</ul>");
    if (hidden)
        safer__report_hidden_note(h, a);

    struct most_rows mr = {a, t};
    safer__report_table(h, SAFER__REPORT_LITERAL("The most common latest outcome of each category"),
                        MOST, SAFER__NELEM(MOST), &mr, nt);
    hidden = false;
    for (size_t k = 0; k < nt; k++)
        hidden |= t[k].total_hidden || !most_known(a, &t[k]);
    if (hidden)
        safer__report_hidden_note(h, a);

    size_t(*at)[2] = safer__xmalloc(sizeof(*at) * a->noutcomes);
    size_t n = 0;
    for (size_t k = 0; k < nt; k++) {
        for (size_t r = 0; r < t[k].end - t[k].first; r++) {
            at[n][0] = k;
            at[n][1] = r;
            n++;
        }
    }
    struct all_rows ar = {a, t, at};
    safer_html_raw(h, "<details><summary>Every category's outcomes</summary>");
    safer__report_table(h, SAFER__REPORT_LITERAL("Crimes by category and latest outcome"), ALL,
                        SAFER__NELEM(ALL), &ar, n);
    hidden = false;
    for (size_t k = 0; k < nt; k++)
        hidden |= t[k].total_hidden || t[k].nshown < t[k].end - t[k].first;
    if (hidden)
        safer__report_hidden_note(h, a);
    safer_html_raw(h, "</details>");
    free(at);
    for (size_t k = 0; k < nt; k++)
        free(t[k].order);
    free(t);
}
