/*
 * report_data.c - section 2, the data used and its coverage.
 *
 * What went in and how complete it is, so that a reader can judge every
 * later figure: the records and where they were placed, every input file
 * with its checksum, and each force's months, partial or missing, that the
 * windows depend on. The rest of the report points here whenever a gap
 * affects a figure.
 */
#include "util/compat.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/report_internal.h"
#include "util/internal.h"
#include "safer/html.h"
#include "safer/police.h"

/* ---- records: where they were placed ---- */

struct count_row {
    const char *label;
    uint64_t v;
    bool hidden; /* the public edition's mark in place of v */
};

static void count_label(struct safer_buf *h, const void *rows, size_t i)
{
    safer_html_text(h, ((const struct count_row *)rows)[i].label);
}

static void count_value(struct safer_buf *h, const void *rows, size_t i)
{
    const struct count_row *r = (const struct count_row *)rows + i;
    safer__report_count(h, (long long)r->v, r->hidden);
}

static const struct safer__report_col RECORDS[] = {
    {.heading = "Records", .cell = count_label},
    {.heading = "Count", .numeric = true, .cell = count_value},
};

/* The area's records: those assigned to its wards, by location or through
 * their LSOA, and those of the files that contributed to it which have no
 * location and no LSOA a lookup places (they may lie in the area or not).
 * Totals of the whole store are in summary.csv, not here: the report is
 * the area's. */
static void records_table(struct safer_buf *h, const struct safer_assessment *a)
{
    struct count_row rows[4];
    size_t n = 0;
    int64_t unplaced = 0;
    for (size_t i = 0; a->pub_unplaced && i < a->npublications; i++) {
        if (safer_assessment_pub_in_area(a, i))
            unplaced += a->pub_unplaced[i];
    }
    const struct safer_hidden *hid = &a->hidden;
    rows[n++] = (struct count_row){"Placed in a ward of the area by their location",
                                   a->rows_assigned - a->rows_assigned_by_lsoa, hid->by_location};
    rows[n++] = (struct count_row){"Placed in a ward through their LSOA (no location published)",
                                   a->rows_assigned_by_lsoa, hid->by_lsoa};
    rows[n++] = (struct count_row){"All records of the area's wards", a->rows_assigned,
                                   hid->assigned};
    if (a->pub_unplaced)
        rows[n++] = (struct count_row){"In the files below, without a location or an LSOA a "
                                       "lookup places (perhaps in the area, perhaps not)",
                                       (uint64_t)unplaced, false};

    char caption[64];
    snprintf(caption, sizeof(caption), "The area's records up to %s %d",
             safer__report_month_name(a->latest), (int)(a->latest / 12));
    safer__report_table(h, SAFER__REPORT_TEXT(caption), RECORDS, SAFER__NELEM(RECORDS), rows, n);
    if (hid->by_location || hid->by_lsoa || hid->assigned)
        safer__report_hidden_note(h, a);
}

/* ---- input files ---- */

#define PUB(rows, i) ((const struct safer_publication *)(rows) + (i))

static void pub_force(struct safer_buf *h, const void *rows, size_t i)
{
    safer_html_text(h, PUB(rows, i)->force);
}

static void pub_month(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_month(h, PUB(rows, i)->month);
}

static void pub_file(struct safer_buf *h, const void *rows, size_t i)
{
    safer_html_text(h, PUB(rows, i)->file);
}

static void pub_read(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_int(h, PUB(rows, i)->rows_read);
}

static void pub_rejected(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_int(h, PUB(rows, i)->rejected);
}

static void pub_stored(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_int(h, PUB(rows, i)->rows);
}

static void pub_checksum(struct safer_buf *h, const void *rows, size_t i)
{
    safer_html_raw(h, "<code>");
    safer_html_text(h, PUB(rows, i)->checksum);
    safer_html_raw(h, "</code>");
}

static const struct safer__report_col INPUT_FILES[] = {
    {.heading = "Force", .cell = pub_force},
    {.heading = "Month", .cell = pub_month},
    {.heading = "File", .cell = pub_file},
    {.heading = "Rows read", .numeric = true, .cell = pub_read},
    {.heading = "Rejected", .numeric = true, .cell = pub_rejected},
    {.heading = "Stored", .numeric = true, .cell = pub_stored},
    {.heading = "Checksum (XXH3-128)", .cell = pub_checksum},
};

/* The files that contributed records to the area, with their checksums:
 * the audit trail of every figure. */
static void input_files(struct safer_buf *h, const struct safer_assessment *a)
{
    long long rejected = 0, read = 0;
    size_t n = 0;
    struct safer_publication *pubs =
        safer__xcalloc(a->npublications ? a->npublications : 1, sizeof(*pubs));
    for (size_t i = 0; i < a->npublications; i++) {
        if (!safer_assessment_pub_in_area(a, i))
            continue;
        pubs[n++] = a->publications[i];
        rejected += a->publications[i].rejected;
        read += a->publications[i].rows_read;
    }
    safer_html_raw(h, "<p>");
    safer__report_int(h, (long long)n);
    if (n == 1)
        safer_html_raw(h, " police.uk file holds records of the area, with ");
    else
        safer_html_raw(h, " police.uk files hold records of the area, with ");
    safer__report_int(h, read);
    safer_html_raw(h, " data rows read in all and ");
    safer__report_int(h, rejected);
    safer_html_raw(h, " rows rejected as malformed (the import log lists each by file and "
                      "line).");
    if (n < a->npublications) {
        safer_html_raw(h, " Files in the store with no record in the area's wards are not "
                          "listed.");
    }
    safer_html_raw(h, "</p><details><summary>Every file of the area</summary>");
    safer__report_table(h, SAFER__REPORT_LITERAL("Input files"), INPUT_FILES,
                        SAFER__NELEM(INPUT_FILES), pubs, n);
    safer_html_raw(h, "</details>");
    free(pubs);
}

/* ---- coverage: why a month is partial ---- */

/* One series' part of the reason: "crime 11,690 against a usual 15,144",
 * or "ASB as usual"; nothing when the series was not judged. */
static void series_words(struct safer_buf *h, const char *name, int64_t value, double usual,
                         int low, int *n)
{
    if (isnan(usual))
        return;
    if ((*n)++)
        safer_html_raw(h, "; ");
    safer_html_text(h, name);
    if (low) {
        safer_html_raw(h, " ");
        safer__report_int(h, value);
        safer_html_raw(h, " against a usual ");
        safer__report_int(h, (long long)usual);
    } else {
        safer_html_raw(h, " as usual");
    }
}

/* Why partial month `c` is partial, in a coordinator's words: each series
 * judged, low or as usual, and the rows when they are under the force's
 * median month. */
static void partial_words(struct safer_buf *h, const struct safer_coverage *c,
                          const struct safer_rules *r)
{
    int n = 0;
    series_words(h, "crime", c->crime, c->crime_usual, c->reason & SAFER_COVERAGE_CRIME_LOW, &n);
    series_words(h, "ASB", c->asb, c->asb_usual, c->reason & SAFER_COVERAGE_ASB_LOW, &n);
    if (c->reason & SAFER_COVERAGE_ROWS_LOW || n == 0) {
        if (n++)
            safer_html_raw(h, "; ");
        safer__report_int(h, c->crime + c->asb);
        safer_html_raw(h, " records in all, under ");
        safer__report_percent(h, r->coverage_partial);
        safer_html_raw(h, " of the force's median month");
    }
}

/* ---- coverage, one line per force ---- */

/* One force's run of coverage rows, [first, end) (the list is sorted by force). */
struct force_row {
    const struct safer_assessment *a; /* borrowed */
    const struct safer_coverage *cov; /* borrowed: the assessment's coverage */
    const struct safer_rules *rules;  /* borrowed: the assessment's rules */
    size_t first, end;
    int published;
    int32_t first_month, last_month; /* -1 when nothing was published */
};

#define FORCE(rows, i) ((const struct force_row *)(rows) + (i))

static void force_name(struct safer_buf *h, const void *rows, size_t i)
{
    safer_html_text(h, FORCE(rows, i)->cov[FORCE(rows, i)->first].force);
}

static void force_published(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_int(h, FORCE(rows, i)->published);
}

static void force_first(struct safer_buf *h, const void *rows, size_t i)
{
    if (FORCE(rows, i)->first_month >= 0)
        safer__report_month(h, FORCE(rows, i)->first_month);
}

static void force_last(struct safer_buf *h, const void *rows, size_t i)
{
    if (FORCE(rows, i)->last_month >= 0)
        safer__report_month(h, FORCE(rows, i)->last_month);
}

/* The force's months of one status, each marked in the status's colour. */
static void force_months(struct safer_buf *h, const struct force_row *f,
                         enum safer_coverage_status st, const struct safer_rules *r)
{
    int n = 0;
    for (size_t k = f->first; k < f->end; k++) {
        const struct safer_coverage *c = &f->cov[k];
        if (c->status != st)
            continue;
        if (n++)
            safer_html_raw(h, ", ");
        if (st == SAFER_COVERAGE_PARTIAL)
            safer_html_raw(h, "<span class=\"s-partial\">");
        else
            safer_html_raw(h, "<span class=\"s-missing\">");
        safer__report_month(h, c->month);
        if (st == SAFER_COVERAGE_PARTIAL) {
            safer_html_raw(h, " (");
            partial_words(h, c, r);
            safer_html_raw(h, ")");
        }
        safer_html_raw(h, "</span>");
    }
    if (!n)
        safer_html_raw(h, "none");
}

static void force_partial(struct safer_buf *h, const void *rows, size_t i)
{
    force_months(h, FORCE(rows, i), SAFER_COVERAGE_PARTIAL, FORCE(rows, i)->rules);
}

/* For one force's run of coverage rows: has it a file for month m? */
static int force_has_file(const void *ctx, int32_t m)
{
    const struct force_row *f = ctx;
    for (size_t k = f->first; k < f->end; k++) {
        if (f->cov[k].month == m)
            return f->cov[k].status != SAFER_COVERAGE_MISSING;
    }
    return 0;
}

/* The missing months of the windows: a few are listed; many are told by
 * the months that have a file, so that no span is written whose ends lack
 * data. */
static void force_missing(struct safer_buf *h, const void *rows, size_t i)
{
    const struct force_row *f = FORCE(rows, i);
    int missing = 0;
    for (size_t k = f->first; k < f->end; k++)
        missing += f->cov[k].status == SAFER_COVERAGE_MISSING;
    if (missing <= 4) {
        force_months(h, f, SAFER_COVERAGE_MISSING, f->rules);
        return;
    }
    int len = (int)(f->a->latest - f->a->p12_start + 1);
    safer_html_raw(h, "<span class=\"s-missing\">");
    safer__report_int(h, missing);
    safer_buf_putf(h, " of the %d months</span>", len);
    if (missing < len) {
        safer_html_raw(h, ": it has files for ");
        safer__report_runs(h, f->a->p12_start, f->a->latest, force_has_file, f);
        safer_html_raw(h, " only");
    }
}

static const struct safer__report_col COVERAGE_BY_FORCE[] = {
    {.heading = "Force", .cell = force_name},
    {.heading = "Months published", .numeric = true, .cell = force_published},
    {.heading = "First", .cell = force_first},
    {.heading = "Last", .cell = force_last},
    {.heading = "Partial months", .cell = force_partial},
    {.heading = "Missing months in the windows", .cell = force_missing},
};

static void coverage_by_force(struct safer_buf *h, const struct safer_assessment *a)
{
    struct force_row *rows = safer__xcalloc(a->ncoverage ? a->ncoverage : 1, sizeof(*rows));
    size_t n = 0;
    for (size_t i = 0; i < a->ncoverage;) {
        struct force_row *f = &rows[n++];
        *f = (struct force_row){a, a->coverage, &a->rules, i, i, 0, -1, -1};
        while (f->end < a->ncoverage &&
               strcmp(a->coverage[f->end].force, a->coverage[i].force) == 0) {
            const struct safer_coverage *c = &a->coverage[f->end];
            if (c->status != SAFER_COVERAGE_MISSING) {
                f->published++;
                if (f->first_month < 0)
                    f->first_month = c->month;
                f->last_month = c->month;
            }
            f->end++;
        }
        i = f->end;
    }
    safer__report_table(h, SAFER__REPORT_LITERAL("Coverage by force"), COVERAGE_BY_FORCE,
                        SAFER__NELEM(COVERAGE_BY_FORCE), rows, n);
    free(rows);
}

/* ---- coverage, every force and month ---- */

#define COV(rows, i) (&((const struct safer_assessment *)(rows))->coverage[i])

static void cov_force(struct safer_buf *h, const void *rows, size_t i)
{
    safer_html_text(h, COV(rows, i)->force);
}

static void cov_month(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_month(h, COV(rows, i)->month);
}

static void cov_rows(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_int(h, COV(rows, i)->rows);
}

static const char *const STATUS_NAMES[] = {
    [SAFER_COVERAGE_OK] = "ok",
    [SAFER_COVERAGE_PARTIAL] = "partial",
    [SAFER_COVERAGE_MISSING] = "missing",
};

static const char *const STATUS_CLASSES[] = {
    [SAFER_COVERAGE_OK] = "s-ok",
    [SAFER_COVERAGE_PARTIAL] = "s-partial",
    [SAFER_COVERAGE_MISSING] = "s-missing",
};

static void cov_status(struct safer_buf *h, const void *rows, size_t i)
{
    safer_html_text(h, STATUS_NAMES[COV(rows, i)->status]);
}

static const char *cov_status_class(const void *rows, size_t i)
{
    return STATUS_CLASSES[COV(rows, i)->status];
}

static void cov_window(struct safer_buf *h, const void *rows, size_t i)
{
    const struct safer_assessment *a = rows;
    int32_t m = COV(rows, i)->month;
    if (m >= a->l12_start)
        safer_html_text(h, "latest");
    else if (m >= a->p12_start)
        safer_html_text(h, "previous");
    else
        safer_html_text(h, "earlier");
}

static void cov_why(struct safer_buf *h, const void *rows, size_t i)
{
    const struct safer_assessment *a = rows;
    if (COV(rows, i)->status == SAFER_COVERAGE_PARTIAL)
        partial_words(h, COV(rows, i), &a->rules);
}

static const struct safer__report_col COVERAGE_BY_MONTH[] = {
    {.heading = "Force", .cell = cov_force},
    {.heading = "Month", .cell = cov_month},
    {.heading = "Rows published", .numeric = true, .cell = cov_rows},
    {.heading = "Status", .cell = cov_status, .cls = cov_status_class},
    {.heading = "Why partial", .cell = cov_why},
    {.heading = "Window", .cell = cov_window},
};

void safer__report_coverage_rule(struct safer_buf *h, const struct safer_rules *r)
{
    safer_html_raw(h, "Notifiable crime and anti-social behaviour (ASB) are judged apart, each "
                      "against its usual level: the median per day of the same force's nearest "
                      "months with a file (up to ");
    safer__report_int(h, r->coverage_neighbours);
    safer_html_raw(h, " on each side, within ");
    safer__report_int(h, r->coverage_window);
    safer_html_raw(h, " months; a month without a file is skipped, never a 0), scaled to the "
                      "month's days. A month is <strong>partial</strong> when its crime is under ");
    safer__report_percent(h, r->coverage_crime);
    safer_html_raw(h, " of its usual level or its ASB, which rises and falls with the season, "
                      "under ");
    safer__report_percent(h, r->coverage_asb);
    safer_html_raw(h, ", by more than chance would explain (");
    safer__report_level(h, r->coverage_noise);
    safer_html_raw(h, " standard deviations of a Poisson count); a series with fewer than ");
    safer__report_int(h, r->coverage_min_months);
    safer_html_raw(h, " such months, or one the force does not publish, is not judged. A month is "
                      "also partial when its file has under ");
    safer__report_percent(h, r->coverage_partial);
    safer_html_raw(h, " of the median rows of that force's months, and <strong>missing</strong> "
                      "when there is no file.");
}

void safer__report_data(struct safer_buf *h, const struct safer_assessment *a)
{
    safer_html_raw(h, "<h2 id=\"data\">2. Data used and its coverage</h2>");
    safer_html_raw(h, "<p>Police-recorded crime and anti-social behaviour come from the police.uk "
                      "street-level files listed below, one file per force and month, imported "
                      "unchanged. Each record is placed in the ward whose boundary contains its "
                      "published (anonymised) location.</p>");
    safer_html_raw(h, "<p>A month holds data when a force with records in the area has a file "
                      "for it. The latest window is ");
    safer__report_window_held(h, a, 0);
    safer_html_raw(h, "; the previous window is ");
    safer__report_window_held(h, a, 1);
    safer_html_raw(h, ".</p>");
    records_table(h, a);
    input_files(h, a);

    safer_html_raw(h, "<h3>Coverage by force and month</h3><p>For each force with records in the "
                      "area, every month it published up to the latest month, and every month of "
                      "the two windows it did not publish. ");
    safer__report_coverage_rule(h, &a->rules);
    safer_html_raw(h, "</p>");
    safer__report_gap_flag(h, a, 1);
    /* One line per force, then every force-month in a table that folds away. */
    coverage_by_force(h, a);
    safer_html_raw(h, "<details><summary>Every force and month</summary>");
    safer__report_table(h, SAFER__REPORT_LITERAL("Coverage by force and month"), COVERAGE_BY_MONTH,
                        SAFER__NELEM(COVERAGE_BY_MONTH), a, a->ncoverage);
    safer_html_raw(h, "</details>");
}
