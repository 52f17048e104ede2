/*
 * harm_write.c - the CSV files of harm and of hot spots over time
 * (docs/assessment.md lists them; docs/statistics.md defines them):
 * harm_by_ward.csv, harm_hotspots.csv and hotspot_persistence.csv. The
 * assessment adds them to its output set; `safer hotspots` writes one.
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "assess/assess_internal.h"
#include "safer/csv.h"
#include "safer/harm.h"
#include "safer/output.h"
#include "util/internal.h"

static void put_text(struct safer_buf *b, const char *s) { safer_csv_put_text(b, s, strlen(s)); }

/* A real with 17 significant digits, as every CSV file of the
 * assessment; nothing for NaN. */
static void put_real(struct safer_buf *b, double v)
{
    if (!isnan(v))
        safer_buf_putf(b, "%.17g", v);
}

static void put_month(struct safer_buf *b, int32_t m)
{
    char s[8];
    safer__format_month(m, s);
    safer_buf_puts(b, s);
}

static const char *origin_name(enum safer_harm_origin o)
{
    return o == SAFER_HARM_PARTNERSHIP ? "partnership" : o == SAFER_HARM_DEFAULT ? "default" : "";
}

int safer_harm_csv_by_ward(const struct safer_assessment *a, struct safer_buf *b)
{
    safer_buf_puts(b, "ward_code,ward_name,crime_type,count_latest,weight,weight_origin,harm\n");
    for (size_t w = 0; w < a->nwards; w++) {
        for (size_t t = 0; t < a->ntypes; t++) {
            int64_t n = safer_assessment_ward_type_latest(a, w, t);
            int k = safer_harm_category(a->types[t]);
            double wt = a->type_weight ? a->type_weight[t] : NAN;
            bool hidden = safer_hidden(a->hidden.ward_type, w * a->ntypes + t);
            put_text(b, a->wards[w].code);
            safer_buf_puts(b, ",");
            put_text(b, a->wards[w].name);
            safer_buf_puts(b, ",");
            put_text(b, a->types[t]);
            if (hidden)
                safer_buf_puts(b, ",[c],");
            else
                safer_buf_putf(b, ",%lld,", (long long)n);
            put_real(b, wt);
            safer_buf_puts(b, ",");
            safer_buf_puts(b, k >= 0 && a->harm ? origin_name(a->harm->origin[k]) : "");
            safer_buf_puts(b, ",");
            if (hidden)
                safer_buf_puts(b, "[c]");
            else
                put_real(b, safer_assessment_harm(a, w, t));
            safer_buf_puts(b, "\n");
        }
    }
    return safer_buf_error(b);
}

int safer_harm_csv_cells(const struct safer_assessment *a, struct safer_buf *b)
{
    safer_buf_puts(b, "cell_i,cell_j,e_centre,n_centre,count,harm,gi_z,p_value,p_adjusted,class\n");
    for (size_t k = 0; k < a->ncells; k++) {
        const struct safer_hotcell *h = &a->cells[k];
        safer_buf_putf(b, "%d,%d,", h->i, h->j);
        put_real(b, h->e);
        safer_buf_puts(b, ",");
        put_real(b, h->n);
        safer_buf_putf(b, ",%lld,", (long long)h->count);
        put_real(b, h->harm);
        safer_buf_puts(b, ",");
        put_real(b, h->harm_z);
        safer_buf_puts(b, ",");
        put_real(b, h->harm_p);
        safer_buf_puts(b, ",");
        put_real(b, h->harm_p_adj);
        safer_buf_putf(b, ",%s\n", safer_gi_class_name(h->harm_cls));
    }
    return safer_buf_error(b);
}

int safer_persistence_csv(const struct safer_assessment *a, struct safer_buf *b)
{
    size_t np = a->nperiods;
    safer_buf_puts(b, "cell_i,cell_j,e_centre,n_centre,persistence,hot_periods");
    for (size_t p = 0; p < np; p++) {
        for (int pass = 0; pass < 2; pass++) {
            safer_buf_puts(b, pass ? ",class_" : ",count_");
            put_month(b, a->period_first[p]);
            safer_buf_puts(b, "_");
            put_month(b, a->period_first[p] + a->period_months - 1);
        }
    }
    safer_buf_puts(b, "\n");
    for (size_t k = 0; np && k < a->ncells; k++) {
        const struct safer_hotcell *h = &a->cells[k];
        size_t hot = 0;
        for (size_t p = 0; p < np; p++) {
            int c = a->period_cls[k * np + p];
            hot += c == SAFER_GI_HOT95 || c == SAFER_GI_HOT99;
        }
        safer_buf_putf(b, "%d,%d,", h->i, h->j);
        put_real(b, h->e);
        safer_buf_puts(b, ",");
        put_real(b, h->n);
        safer_buf_putf(b, ",%s,%zu", safer_persist_class_name((enum safer_persist_class)h->persist),
                       hot);
        for (size_t p = 0; p < np; p++)
            safer_buf_putf(b, ",%lld,%s", (long long)a->period_count[k * np + p],
                           safer_gi_class_name((enum safer_gi_class)a->period_cls[k * np + p]));
        safer_buf_puts(b, "\n");
    }
    return safer_buf_error(b);
}

int safer__harm_write(const struct safer_assessment *a, struct safer_buf *b,
                      struct safer_output *out, struct safer_err *err)
{
    safer_buf_reset(b);
    int rc = safer_harm_csv_by_ward(a, b);
    if (rc == 0)
        rc = safer_output_add(out, "harm_by_ward.csv", b, err);
    else
        return safer_err_set(err, rc, "harm_by_ward.csv: %s", safer_strerror(rc));
    /* Squares are single places: the public edition leaves them out, as
     * it does hotspots.csv. */
    if (rc < 0 || a->hidden.min > 0)
        return rc;
    safer_buf_reset(b);
    rc = safer_harm_csv_cells(a, b);
    if (rc == 0)
        rc = safer_output_add(out, "harm_hotspots.csv", b, err);
    else
        return safer_err_set(err, rc, "harm_hotspots.csv: %s", safer_strerror(rc));
    if (rc < 0 || !a->nperiods)
        return rc;
    safer_buf_reset(b);
    rc = safer_persistence_csv(a, b);
    if (rc == 0)
        rc = safer_output_add(out, "hotspot_persistence.csv", b, err);
    else
        return safer_err_set(err, rc, "hotspot_persistence.csv: %s", safer_strerror(rc));
    return rc;
}
