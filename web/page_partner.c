/*
 * page_partner.c - partner agencies' data in the workspace (partner.h,
 * docs/partner-data.md): the data sets (GET /partners), one data set's
 * figures by ward and by month beside its police.uk category (GET
 * /partners/{key}), the same as CSV (GET /partners/csv/{key}, with
 * ?by=month by ward and month), and the quarterly data-share pack (GET
 * /packs/data-share?quarter=YYYY-QN).
 *
 * The library decides who may read (SAFER_PERM_VIEW_AGGREGATE) and
 * whether the role sees counts under a data set's threshold; a page
 * renders what it is given, through safer_partner_publish() when not.
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "page.h"
#include "safer/partner.h"

static const char *month_name(int32_t m, char out[16])
{
    snprintf(out, 16, "%04d-%02d", (int)(m / 12), (int)(m % 12 + 1));
    return out;
}

static void count_td(struct safer_buf *b, int64_t v, bool hidden)
{
    char s[32];
    if (hidden)
        snprintf(s, sizeof(s), "[c]");
    else
        snprintf(s, sizeof(s), "%lld", (long long)v);
    web_td(b, s, true);
}

static void rate_td(struct safer_buf *b, int64_t v, double pop, bool hidden)
{
    char s[32];
    if (hidden)
        snprintf(s, sizeof(s), "[c]");
    else if (isfinite(pop) && pop > 0)
        snprintf(s, sizeof(s), "%.2f", (double)v * 1000.0 / pop);
    else
        snprintf(s, sizeof(s), "not known");
    web_td(b, s, true);
}

static void table_begin(struct safer_buf *b, const char *caption)
{
    safer_html_raw(b, "<div class=\"safer-table-scroll\" tabindex=\"0\" role=\"region\" "
                      "aria-label=\"");
    safer_html_attr(b, caption);
    safer_html_raw(b, "\"><table class=\"govuk-table\"><caption class=\"govuk-table__caption "
                      "govuk-table__caption--m\">");
    safer_html_text(b, caption);
    safer_html_raw(b, "</caption><thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">");
}

static void table_body(struct safer_buf *b)
{
    safer_html_raw(b, "</tr></thead><tbody class=\"govuk-table__body\">");
}

static void table_end(struct safer_buf *b) { safer_html_raw(b, "</tbody></table></div>"); }

/* ---- GET /partners ---- */

static void quarter_form(struct safer_buf *b, const struct safer_field_errors *fe, const char *q)
{
    safer_html_raw(b, "<form method=\"get\" action=\"/packs/data-share\" novalidate>");
    web_input(b, fe, "quarter", "Quarter", "For example, 2019-Q1", "text", q, NULL);
    safer_html_raw(b, "<button type=\"submit\" class=\"govuk-button govuk-button--secondary\" "
                      "data-module=\"govuk-button\">Open the data-share pack</button></form>");
}

int page_partners_get(struct web_req *req, struct web_resp *resp)
{
    struct safer_partner_data *d;
    bool unsuppressed;
    int rc = safer_partner_live(req->st, &req->actor, -1, -1, &d, &unsuppressed, &req->err);
    if (rc < 0)
        return rc;
    struct safer_buf *b = &resp->body;
    char s[64], f[16], l[16];
    resp->private_page = true;
    web_page_begin(req, resp, "Partner agencies' data", NULL);
    safer_html_raw(b, "<span class=\"govuk-caption-l\">Area intelligence</span>"
                      "<h1 class=\"govuk-heading-l\">Partner agencies' data</h1>"
                      "<p class=\"govuk-body\">Data the responsible authorities share with the "
                      "partnership under the Crime and Disorder (Formulation and Implementation "
                      "of Strategy) Regulations 2007 (SI 2007/1831): fire and rescue, health, "
                      "probation, the council and housing.</p>");
    if (!unsuppressed)
        safer_html_raw(b, "<p class=\"govuk-body\">Counts under each data set's threshold are "
                          "shown as [c], with the others that would give them away.</p>");
    if (d->n == 0) {
        safer_html_raw(b, "<p class=\"govuk-body\">No partner data set is loaded. An analyst "
                          "loads one with <code>safer import partner FILE.csv --map "
                          "MAP.json</code>.</p>");
    } else {
        table_begin(b, "Data sets");
        web_th(b, "Data set", false);
        web_th(b, "Shared by", false);
        web_th(b, "Licence or agreement", false);
        web_th(b, "Threshold", true);
        web_th(b, "Records", true);
        web_th(b, "Months", false);
        table_body(b);
        for (size_t i = 0; i < d->n; i++) {
            const struct safer_partner_set *p = &d->sets[i];
            safer_html_raw(b, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">"
                              "<a class=\"govuk-link\" href=\"/partners/");
            safer_html_urlarg(b, p->key);
            safer_html_raw(b, "\">");
            safer_html_text(b, p->title);
            safer_html_raw(b, "</a></td>");
            web_td(b, p->agency, false);
            web_td(b, p->licence, false);
            snprintf(s, sizeof(s), "%lld", (long long)p->threshold);
            web_td(b, s, true);
            /* The total is a sum of many counts; it is shown, as the
             * tables' "All wards" row is unless suppression hides it. */
            struct safer_partner_table t;
            safer_partner_slice(&d->table[i], d->table[i].first,
                                d->table[i].first + (int32_t)d->table[i].nmonths - 1, NULL, 0,
                                &t);
            struct safer_err e = {0};
            rc = safer_partner_publish(&t, unsuppressed ? 0 : p->threshold, 0, &e);
            count_td(b, t.total, rc < 0 || t.hid_total);
            safer_partner_table_release(&t);
            rc = 0;
            if (p->first >= 0)
                snprintf(s, sizeof(s), "%s to %s", month_name(p->first, f), month_name(p->last, l));
            else
                snprintf(s, sizeof(s), "none");
            web_td(b, s, false);
            safer_html_raw(b, "</tr>");
        }
        table_end(b);
    }
    safer_html_raw(b, "<h2 class=\"govuk-heading-m\">Quarterly data-share pack</h2>"
                      "<p class=\"govuk-body\">Every partner's figures for a quarter by ward "
                      "and month, and the police.uk figures for the same months, as one "
                      "document to print on A4.</p>");
    quarter_form(b, NULL, NULL);
    web_page_end(req, resp);
    safer_partner_data_free(d);
    return 0;
}

/* ---- GET /partners/{key} ---- */

/* The data set of the request's key, its table ready to show, and its
 * police table; SAFER_ENOTFOUND for an unknown key. */
static int one_set(struct web_req *req, struct safer_partner_data **d, size_t *i,
                   struct safer_partner_table *t, bool *unsuppressed)
{
    memset(t, 0, sizeof(*t));
    int rc = safer_partner_live(req->st, &req->actor, -1, -1, d, unsuppressed, &req->err);
    if (rc < 0)
        return rc;
    const char *key = req->arg ? req->arg : "";
    for (*i = 0; *i < (*d)->n; (*i)++)
        if (strcmp((*d)->sets[*i].key, key) == 0)
            break;
    if (*i == (*d)->n || (*d)->sets[*i].first < 0) {
        safer_partner_data_free(*d);
        *d = NULL;
        return SAFER_ENOTFOUND;
    }
    const struct safer_partner_table *src = &(*d)->table[*i];
    safer_partner_slice(src, src->first, src->first + (int32_t)src->nmonths - 1, NULL, 0, t);
    rc = safer_partner_publish(t, *unsuppressed ? 0 : (*d)->sets[*i].threshold, 0, &req->err);
    if (rc < 0) {
        safer_partner_table_release(t);
        safer_partner_data_free(*d);
        *d = NULL;
    }
    return rc;
}

int page_partner_get(struct web_req *req, struct web_resp *resp)
{
    struct safer_partner_data *d;
    struct safer_partner_table t;
    size_t i;
    bool unsuppressed;
    int rc = one_set(req, &d, &i, &t, &unsuppressed);
    if (rc < 0)
        return rc;
    const struct safer_partner_set *p = &d->sets[i];
    const struct safer_partner_table *po = &d->police[i];
    bool police = po->nwards == t.nwards && po->nwards > 0;
    struct safer_buf *b = &resp->body;
    char s[128], f[16], l[16];
    resp->private_page = true;
    web_page_begin(req, resp, p->title, NULL);
    safer_html_raw(b, "<span class=\"govuk-caption-l\">Partner agencies' data</span>"
                      "<h1 class=\"govuk-heading-l\">");
    safer_html_text(b, p->title);
    safer_html_raw(b, "</h1>");
    web_summary_begin(b);
    web_summary_row(b, "Shared by", p->agency);
    web_summary_row(b, "Source", p->source);
    web_summary_row(b, "Licence or sharing agreement", p->licence);
    snprintf(s, sizeof(s), "%lld (counts from 1 to %lld are suppressed for members)",
             (long long)p->threshold, (long long)(p->threshold - 1));
    web_summary_row(b, "Threshold", p->threshold > 1 ? s : "1 (nothing is suppressed)");
    snprintf(s, sizeof(s), "%s to %s", month_name(p->first, f), month_name(p->last, l));
    web_summary_row(b, "Months", s);
    snprintf(s, sizeof(s), "%d", (int)p->months_missing);
    web_summary_row(b, "Months without a record", s);
    web_summary_row(b, "Placed by", p->place_kind);
    web_summary_row(b, "Beside police.uk", p->police_category[0] ? p->police_category : "none");
    web_summary_end(b);
    if (!unsuppressed)
        safer_html_raw(b, "<p class=\"govuk-body\">[c]: a count under the threshold, or one "
                          "hidden so that those cannot be worked out from the others, and the "
                          "rates worked out from them.</p>");
    safer_html_raw(b, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/partners/csv/");
    safer_html_urlarg(b, p->key);
    safer_html_raw(b, "\">Download the counts by ward (CSV)</a> or <a class=\"govuk-link\" "
                      "href=\"/partners/csv/");
    safer_html_urlarg(b, p->key);
    safer_html_raw(b, "?by=month\">by ward and month (CSV)</a>.</p>");

    /* By ward, beside the police. */
    double *x = calloc(t.nwards + t.nmonths + 1, sizeof(*x));
    double *y = calloc(t.nwards + t.nmonths + 1, sizeof(*y));
    size_t k = 0;
    table_begin(b, "By ward, all months held");
    web_th(b, "Ward", false);
    web_th(b, "Records", true);
    web_th(b, "Per 1,000 residents", true);
    if (police) {
        web_th(b, "Police.uk records", true);
        web_th(b, "Police.uk per 1,000", true);
    }
    table_body(b);
    for (size_t w = 0; w <= t.nwards; w++) {
        bool last = w == t.nwards;
        bool h = last ? t.hid_total : (t.hid_ward && t.hid_ward[w]);
        int64_t v = last ? t.total : t.ward_total[w];
        double pop = 0;
        if (last)
            for (size_t ww = 0; ww < t.nwards; ww++)
                pop += t.population[ww];
        else
            pop = t.population[w];
        safer_html_raw(b, "<tr class=\"govuk-table__row\">");
        web_td(b, last ? "All wards" : t.ward_name[w], false);
        count_td(b, v, h);
        rate_td(b, v, pop, h);
        if (police) {
            int64_t pv = last ? po->total : po->ward_total[w];
            count_td(b, pv, false);
            rate_td(b, pv, pop, false);
            if (!last && !h && x && y) {
                x[k] = (double)pv;
                y[k] = (double)v;
                k++;
            }
        }
        safer_html_raw(b, "</tr>");
    }
    table_end(b);
    if (police && x && y) {
        double r = safer_pearson(x, y, k), rho = safer_spearman(x, y, k);
        if (isnan(r))
            snprintf(s, sizeof(s), "No correlation by ward: too few wards shown, or no spread.");
        else
            snprintf(s, sizeof(s),
                     "By ward, over the %zu wards shown: Pearson's r %.4f, Spearman's rho %.4f.",
                     k, r, rho);
        safer_html_raw(b, "<p class=\"govuk-body\">");
        safer_html_text(b, s);
        safer_html_raw(b, "</p>");
    }

    /* By month. */
    k = 0;
    table_begin(b, "By month, all wards");
    web_th(b, "Month", false);
    web_th(b, "Records", true);
    if (police)
        web_th(b, "Police.uk records", true);
    table_body(b);
    for (size_t m = 0; m < t.nmonths; m++) {
        bool h = t.hid_month && t.hid_month[m];
        safer_html_raw(b, "<tr class=\"govuk-table__row\">");
        web_td(b, month_name(t.first + (int32_t)m, f), false);
        count_td(b, t.month_total[m], h);
        if (police) {
            count_td(b, po->month_total[m], false);
            if (!h && x && y) {
                x[k] = (double)po->month_total[m];
                y[k] = (double)t.month_total[m];
                k++;
            }
        }
        safer_html_raw(b, "</tr>");
    }
    table_end(b);
    if (police && x && y) {
        double r = safer_pearson(x, y, k), rho = safer_spearman(x, y, k);
        if (isnan(r))
            snprintf(s, sizeof(s), "No correlation by month: too few months shown, or no spread.");
        else
            snprintf(s, sizeof(s),
                     "By month, over the %zu months shown: Pearson's r %.4f, Spearman's rho "
                     "%.4f.",
                     k, r, rho);
        safer_html_raw(b, "<p class=\"govuk-body\">");
        safer_html_text(b, s);
        safer_html_raw(b, "</p>");
    }
    free(x);
    free(y);
    web_page_end(req, resp);
    safer_partner_table_release(&t);
    safer_partner_data_free(d);
    return 0;
}

/* ---- GET /partners/csv/{key} ---- */

int page_partner_csv_get(struct web_req *req, struct web_resp *resp)
{
    const char *by = web_param(&req->query, "by");
    if (by && *by && strcmp(by, "month") != 0 && strcmp(by, "ward") != 0)
        return SAFER_EINVAL;
    struct safer_partner_data *d;
    struct safer_partner_table t;
    size_t i;
    bool unsuppressed;
    int rc = one_set(req, &d, &i, &t, &unsuppressed);
    if (rc < 0)
        return rc;
    rc = safer_partner_csv_table(&t, by && strcmp(by, "month") == 0, &resp->body);
    safer_partner_table_release(&t);
    safer_partner_data_free(d);
    resp->content_type = "text/csv; charset=utf-8";
    resp->attachment = "partner.csv";
    resp->private_page = true;
    return rc < 0 ? SAFER_ETOOBIG : 0;
}

/* ---- GET /packs/data-share ---- */

int page_pack_datashare_get(struct web_req *req, struct web_resp *resp)
{
    const char *q = web_param(&req->query, "quarter");
    int32_t quarter = q && *q ? safer_quarter_parse(q) : -1;
    if (quarter < 0) {
        /* No quarter, or not one: the form, with the error when one was given. */
        struct safer_field_errors fe = {0};
        bool bad = q && *q;
        if (bad)
            web_field_error_add(&fe, "quarter", "Enter the quarter as a year and quarter, like "
                                                "2019-Q1");
        struct safer_buf *b = &resp->body;
        resp->status = bad ? 400 : 200;
        resp->private_page = true;
        web_page_begin(req, resp, "Data-share pack", bad ? &fe : NULL);
        if (bad)
            web_error_summary(b, &fe);
        safer_html_raw(b, "<h1 class=\"govuk-heading-l\">Data-share pack</h1><p "
                          "class=\"govuk-body\">Every partner's figures for a quarter, and the "
                          "police.uk figures for the same months.</p>");
        quarter_form(b, bad ? &fe : NULL, q);
        web_page_end(req, resp);
        return 0;
    }
    int rc = safer_pack_datashare(req->st, &req->actor, quarter, true, req->now, &resp->body,
                                  &req->err);
    if (rc < 0) {
        safer_buf_reset(&resp->body);
        resp->body.err = 0;
        return rc;
    }
    resp->content_type = "text/html; charset=utf-8";
    resp->csp = WEB_DOCUMENT_CSP;
    resp->private_page = true;
    return 0;
}
