/*
 * page_wards.c - the wards of the partnership's area (GET /wards: key
 * figures and focus rank) and one ward's profile (GET /wards/{code}). The
 * library computes everything (profile.h, safer_wards_live()) and decides
 * the edition: a role that may not see small counts gets them hidden, and
 * every figure made from them with them.
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "page.h"
#include "safer/assess.h"
#include "safer/profile.h"

/* The live assessment, or a page saying why there is none (returns 1). */
static int load(struct web_req *req, struct web_resp *resp, struct safer_assessment *a)
{
    struct safer_assess_opts o = {.to = -1, .cell = 250, .threads = 1};
    int rc = safer_wards_live(req->st, &req->actor, &o, a, &req->err);
    if (rc == SAFER_EINVAL || rc == SAFER_ENOTFOUND) {
        resp->status = 404;
        struct safer_buf *b = &resp->body;
        web_page_begin(req, resp, "No ward profiles yet", NULL);
        safer_html_raw(b, "<h1 class=\"govuk-heading-l\">No ward profiles yet</h1>"
                          "<p class=\"govuk-body\">The wards cannot be profiled from what the "
                          "store holds: ");
        safer_html_text(b, safer_err_msg(&req->err, rc));
        safer_html_raw(b, ".</p>");
        web_page_end(req, resp);
        return 1;
    }
    if (rc == 0 && !a->profiles) {
        safer_assessment_release(a);
        return SAFER_ENOTFOUND;
    }
    return rc;
}

static void num(struct safer_buf *b, double v, int decimals)
{
    char t[64];
    if (!isfinite(v))
        snprintf(t, sizeof(t), "–");
    else
        snprintf(t, sizeof(t), "%.*f", decimals, v);
    web_td(b, t, true);
}

static void count(struct safer_buf *b, int64_t v, bool hidden)
{
    char t[32];
    if (hidden)
        snprintf(t, sizeof(t), "[c]");
    else
        snprintf(t, sizeof(t), "%lld", (long long)v);
    web_td(b, t, true);
}

static void ward_link(struct safer_buf *b, const struct safer_ward_profile *w)
{
    safer_html_raw(b, "<a class=\"govuk-link\" href=\"/wards/");
    safer_html_urlarg(b, w->code);
    safer_html_raw(b, "\">");
    safer_html_text(b, w->name && *w->name ? w->name : w->code);
    safer_html_raw(b, "</a>");
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

static void table_end(struct safer_buf *b)
{
    safer_html_raw(b, "</tbody></table></div>");
}

static void hidden_note(struct safer_buf *b, const struct safer_assessment *a)
{
    if (a->hidden.min <= 0)
        return;
    char t[200];
    snprintf(t, sizeof(t),
             "[c]: a count from 1 to %lld, or one hidden so that those cannot be worked out, "
             "and every figure made from it.",
             (long long)a->hidden.min - 1);
    safer_html_raw(b, "<p class=\"govuk-body-s\">");
    safer_html_text(b, t);
    safer_html_raw(b, "</p>");
}

/* The proposed focus area as a sentence with links. */
static void focus_area(struct safer_buf *b, const struct safer_assessment *a)
{
    const struct safer_focus *f = a->focus;
    const struct safer_profiles *p = a->profiles;
    safer_html_raw(b, "<div class=\"govuk-inset-text\"><strong>Proposed focus area:</strong> ");
    if (!f->proposed) {
        safer_html_raw(b, "none: no two wards of the top five are neighbours.</div>");
        return;
    }
    const char *sep = "";
    for (size_t r = 0; r < f->nranked; r++) {
        size_t i = f->order[r];
        if (f->group[i] != f->proposed)
            continue;
        safer_html_text(b, sep);
        ward_link(b, &p->ward[i]);
        sep = ", ";
    }
    safer_html_raw(b, ". The neighbouring wards of the top five by the focus index with the "
                      "highest mean index, proposed to be worked as one area.</div>");
}

int page_wards_get(struct web_req *req, struct web_resp *resp)
{
    /* The live assessment takes a quarter of a second: the store keeps
     * the page (view.h). */
    int rc = web_view_find(req, resp, SAFER_VIEW_WARDS, NULL, SAFER_PERM_VIEW_AGGREGATE);
    if (rc != 0)
        return rc < 0 ? rc : 0;
    struct safer_assessment a;
    rc = load(req, resp, &a);
    if (rc != 0)
        return rc < 0 ? rc : 0;
    const struct safer_profiles *p = a.profiles;
    const struct safer_focus *f = a.focus;
    struct safer_buf *b = &resp->body;
    web_page_begin(req, resp, "Wards", NULL);
    size_t from = b->len;
    safer_html_raw(b, "<span class=\"govuk-caption-l\">");
    safer_html_text(b, a.title);
    safer_html_raw(b, "</span><h1 class=\"govuk-heading-l\">Wards</h1>"
                      "<p class=\"govuk-body\">Each ward's residents, its records in the latest "
                      "12 months and their rate per 1,000 residents, and its place in the focus "
                      "index: crime and disorder, income and employment deprivation and health "
                      "together, with the weights and definitions in the documentation "
                      "(statistics, Focus index).</p>");
    if (f && f->nranked)
        focus_area(b, &a);
    else
        safer_html_raw(b, "<p class=\"govuk-body\">No focus index: it needs the wards' "
                          "populations and the IoD2019 domains of deprivation.</p>");
    table_begin(b, "Wards and their focus rank");
    web_th(b, "Ward", false);
    web_th(b, "Residents", true);
    web_th(b, "Records", true);
    web_th(b, "Per 1,000", true);
    web_th(b, "Focus rank", true);
    web_th(b, "In the top five of the draws", true);
    table_body(b);
    /* Ranked wards in rank order, then the others by code. */
    for (size_t r = 0; r < p->n; r++) {
        size_t i = r;
        if (f && r < f->nranked) {
            i = f->order[r];
        } else if (f) {
            size_t k = f->nranked;
            for (size_t w = 0; w < p->n; w++)
                if (f->rank[w] == 0 && k++ == r)
                    i = w;
        }
        const struct safer_ward_profile *w = &p->ward[i];
        bool hid = safer_hidden(a.hidden.ward_latest, i);
        safer_html_raw(b, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">");
        ward_link(b, w);
        safer_html_raw(b, "</td>");
        num(b, w->population, 0);
        count(b, w->latest, hid);
        if (hid)
            web_td(b, "[c]", true);
        else
            num(b, w->rate, 1);
        num(b, f && f->rank[i] ? (double)f->rank[i] : NAN, 0);
        num(b, f && isfinite(f->top_share[i]) ? 100 * f->top_share[i] : NAN, 0);
        safer_html_raw(b, "</tr>");
    }
    table_end(b);
    hidden_note(b, &a);
    web_view_keep(req, resp, SAFER_VIEW_WARDS, NULL, "Wards", from);
    web_page_end(req, resp);
    safer_assessment_release(&a);
    return 0;
}

int page_ward_get(struct web_req *req, struct web_resp *resp)
{
    const char *code = req->arg ? req->arg : "";
    int rc = web_view_find(req, resp, SAFER_VIEW_WARDS, code, SAFER_PERM_VIEW_AGGREGATE);
    if (rc != 0)
        return rc < 0 ? rc : 0;
    struct safer_assessment a;
    rc = load(req, resp, &a);
    if (rc != 0)
        return rc < 0 ? rc : 0;
    const struct safer_profiles *p = a.profiles;
    const struct safer_focus *f = a.focus;
    long wi = safer_profiles_find(p, code);
    if (wi < 0) {
        safer_assessment_release(&a);
        return SAFER_ENOTFOUND;
    }
    size_t i = (size_t)wi;
    const struct safer_ward_profile *w = &p->ward[i];
    bool hid = safer_hidden(a.hidden.ward_latest, i), hidp = safer_hidden(a.hidden.ward_prev, i);
    struct safer_buf *b = &resp->body;
    char t[160];
    const char *title = w->name && *w->name ? w->name : w->code;
    web_page_begin(req, resp, title, NULL);
    size_t from = b->len;
    safer_html_raw(b, "<span class=\"govuk-caption-l\">Ward profile</span>"
                      "<h1 class=\"govuk-heading-l\">");
    safer_html_text(b, w->name && *w->name ? w->name : w->code);
    safer_html_raw(b, "</h1>");

    web_summary_begin(b);
    web_summary_row(b, "Code", w->code);
    snprintf(t, sizeof(t), "%.0f", w->population);
    web_summary_row(b, "Residents", isfinite(w->population) ? t : "Not known");
    snprintf(t, sizeof(t), "%lld", (long long)w->latest);
    web_summary_row(b, "Records, latest 12 months", hid ? "[c]" : t);
    snprintf(t, sizeof(t), "%lld", (long long)w->prev);
    web_summary_row(b, "Records, the 12 months before", hidp ? "[c]" : t);
    snprintf(t, sizeof(t), "%.1f", w->rate);
    web_summary_row(b, "Per 1,000 residents", hid ? "[c]" : isfinite(w->rate) ? t : "Not known");
    snprintf(t, sizeof(t), "%zu", w->hot_cells);
    web_summary_row(b, "Hot spot cells holding its records", t);
    if (f && f->rank[i]) {
        snprintf(t, sizeof(t), "%zu of %zu", f->rank[i], f->nranked);
        web_summary_row(b, "Focus rank", t);
        snprintf(t, sizeof(t), "%.0f%% of %zu draws (ranks %zu to %zu)", 100 * f->top_share[i],
                 f->draws, f->rank_min[i], f->rank_max[i]);
        web_summary_row(b, "In the top five when the weights vary", t);
        web_summary_row(b, "In the proposed focus area",
                        f->proposed && f->group[i] == f->proposed ? "Yes" : "No");
    }
    /* Harm: the latest window's records weighted by the harm weights
     * (docs/statistics.md, Harm), hidden with the records it weighs. */
    snprintf(t, sizeof(t), "%.0f (%.1f per 1,000 residents)", w->harm,
             1000.0 * w->harm / w->population);
    if (!isfinite(w->population))
        snprintf(t, sizeof(t), "%.0f", w->harm);
    web_summary_row(b, "Harm, latest 12 months",
                    hid ? "[c]" : isfinite(w->harm) ? t : "No harm weights");
    /* The ward cluster (numbered from 1, as the report's map labels it). */
    snprintf(t, sizeof(t), "Cluster %d, as in the report", w->cluster + 1);
    web_summary_row(b, "Ward cluster", w->cluster >= 0 ? t : "None formed");
    web_summary_end(b);

    /* By category: the latest window, and the previous one where counts
     * are not hidden (the public edition hides by ward and category only
     * in the latest window, so the previous is not shown there). */
    bool pub = a.hidden.min > 0;
    table_begin(b, "Records by category");
    web_th(b, "Category", false);
    web_th(b, "Latest 12 months", true);
    web_th(b, "Per 1,000", true);
    if (!pub) {
        web_th(b, "The 12 months before", true);
        web_th(b, "Per 1,000", true);
    }
    table_body(b);
    for (size_t k = 0; k < p->ntypes; k++) {
        bool h = safer_hidden(a.hidden.ward_type, i * p->ntypes + k);
        safer_html_raw(b, "<tr class=\"govuk-table__row\">");
        web_td(b, p->types[k], false);
        count(b, w->type_latest[k], h);
        if (h)
            web_td(b, "[c]", true);
        else
            num(b, w->type_rate[k], 1);
        if (!pub) {
            count(b, w->type_prev[k], false);
            num(b, w->type_rate_prev[k], 1);
        }
        safer_html_raw(b, "</tr>");
    }
    table_end(b);
    hidden_note(b, &a);

    table_begin(b, "Deprivation (IoD2019)");
    web_th(b, "Domain", false);
    web_th(b, "Mean national rank of its LSOAs", true);
    web_th(b, "Residents in the most deprived 20%", true);
    table_body(b);
    for (int d = 0; d < SAFER_NDOMAINS; d++) {
        safer_html_raw(b, "<tr class=\"govuk-table__row\">");
        web_td(b, safer_domain_title(d), false);
        num(b, w->dom_rank[d], 0);
        num(b, 100 * w->dom_deprived20[d], 0);
        safer_html_raw(b, "</tr>");
    }
    table_end(b);
    safer_html_raw(b, "<p class=\"govuk-body-s\">Rank 1 is the most deprived of England's "
                      "32,844 LSOAs; a ward's figure is the mean over its LSOAs weighted by "
                      "their residents, and the last column is in per cent.</p>");

    safer_html_raw(b, "<h2 class=\"govuk-heading-m\">Neighbouring wards</h2>");
    if (w->nneighbours == 0) {
        safer_html_raw(b, "<p class=\"govuk-body\">None among the area's wards.</p>");
    } else {
        safer_html_raw(b, "<ul class=\"govuk-list\">");
        for (size_t k = 0; k < w->nneighbours; k++) {
            safer_html_raw(b, "<li>");
            ward_link(b, &p->ward[w->neighbours[k]]);
            safer_html_raw(b, "</li>");
        }
        safer_html_raw(b, "</ul>");
    }
    if (w->cluster >= 0) {
        /* Its cluster: the wards whose members meet together. */
        size_t mates = 0;
        for (size_t k = 0; k < p->n; k++)
            mates += k != i && p->ward[k].cluster == w->cluster;
        safer_html_raw(b, "<h2 class=\"govuk-heading-m\">Its ward cluster</h2>");
        if (mates == 0)
            safer_html_raw(b, "<p class=\"govuk-body\">It is a cluster of its own.</p>");
        else
            safer_html_raw(b, "<p class=\"govuk-body\">The neighbouring wards most like it, "
                              "for a ward cluster meeting of their elected members:</p>"
                              "<ul class=\"govuk-list\">");
        for (size_t k = 0; mates && k < p->n; k++) {
            if (k == i || p->ward[k].cluster != w->cluster)
                continue;
            safer_html_raw(b, "<li>");
            ward_link(b, &p->ward[k]);
            safer_html_raw(b, "</li>");
        }
        if (mates)
            safer_html_raw(b, "</ul>");
    }
    safer_html_raw(b, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/wards\">"
                      "All wards</a></p>");
    web_view_keep(req, resp, SAFER_VIEW_WARDS, code, title, from);
    web_page_end(req, resp);
    safer_assessment_release(&a);
    return 0;
}
