/*
 * page_assessment.c - the strategic assessment served from the store: the
 * live report (GET /report/{file}, /report/public/{file}), the published
 * editions (GET /assessments, /assessments/{n}) and their files exactly as
 * they were approved (GET /assessments/files/N/members/NAME and
 * /assessments/files/N/public/NAME).
 *
 * The report is a document of its own (lib/render/): its styles are inline
 * and it runs no script, so it is served with a policy that allows inline
 * style and nothing else (no script, no form, no frame), not with the
 * site's. Who may read which edition the library decides (publish.h).
 */
#include "util/compat.h"

#include <stdio.h>
#include <string.h>

#include "form.h"
#include "page.h"
#include "safer/lib.h"
#include "safer/output.h"
#include "safer/publish.h"


/* Send one file of a report: HTML under the report's policy, CSV as a
 * download. */
static int send_file(struct web_req *req, struct web_resp *resp, const char *name,
                     const char *data, size_t len)
{
    size_t n = strlen(name);
    if (n > 5 && strcmp(name + n - 5, ".html") == 0) {
        resp->content_type = "text/html; charset=utf-8";
        resp->csp = WEB_DOCUMENT_CSP;
    } else if (n > 4 && strcmp(name + n - 4, ".csv") == 0) {
        resp->content_type = "text/csv; charset=utf-8";
    } else {
        return SAFER_ENOTFOUND;
    }
    (void)req;
    resp->private_page = true;
    if (safer_buf_add(&resp->body, data, len) < 0)
        return SAFER_ETOOBIG;
    return 0;
}

/* ---- the live report ---- */

int page_report_get(struct web_req *req, struct web_resp *resp)
{
    /* The route's * is "index.html", "summary.csv"..., or "public/NAME". */
    const char *name = req->arg ? req->arg : "";
    bool pub = strncmp(name, "public/", 7) == 0;
    if (pub)
        name += 7;
    if (!*name || strchr(name, '/'))
        return SAFER_ENOTFOUND;
    struct safer_assess_opts o = {.to = -1, .cell = 250, .threads = 1};
    struct safer_output out;
    safer_output_init(&out);
    struct safer_err err = {0};
    int rc = safer_report_live(req->st, &req->actor, pub, &o, &out, &err);
    if (rc == SAFER_EINVAL || rc == SAFER_ENOTFOUND) {
        /* Nothing to assess yet (no wards, no records): say what is
         * missing, in the library's words, which name no file or store. */
        safer_output_release(&out);
        resp->status = 404;
        struct safer_buf *b = &resp->body;
        web_page_begin(req, resp, "No assessment yet", NULL);
        safer_html_raw(b, "<h1 class=\"govuk-heading-l\">No assessment yet</h1>"
                          "<p class=\"govuk-body\">The assessment cannot be made from what the "
                          "store holds: ");
        safer_html_text(b, safer_err_msg(&err, rc));
        safer_html_raw(b, ".</p>");
        web_page_end(req, resp);
        return 0;
    }
    if (rc == 0) {
        const struct safer_output_file *f = safer_output_find(&out, name);
        rc = f ? send_file(req, resp, name, f->data, f->len) : SAFER_ENOTFOUND;
    }
    safer_output_release(&out);
    return rc;
}

/* ---- published editions ---- */

static void link(struct safer_buf *b, const char *href, const char *text)
{
    safer_html_raw(b, "<a class=\"govuk-link\" href=\"");
    safer_html_attr(b, href);
    safer_html_raw(b, "\">");
    safer_html_text(b, text);
    safer_html_raw(b, "</a>");
}

int page_assessments_get(struct web_req *req, struct web_resp *resp)
{
    struct safer_published *list = NULL;
    size_t n = 0;
    struct safer_err err = {0};
    int rc = safer_published_list(req->st, &req->actor, NULL, req->arena, &list, &n, &err);
    if (rc < 0)
        return rc;
    bool members = safer_role_may(req->actor.role, SAFER_PERM_VIEW_PLAN);
    struct safer_buf *b = &resp->body;
    web_page_begin(req, resp, "Strategic assessments", NULL);
    safer_html_raw(b, "<h1 class=\"govuk-heading-l\">Strategic assessments</h1>"
                      "<h2 class=\"govuk-heading-m\">The live report</h2><p class=\"govuk-body\">"
                      "Computed from the store now: it changes with every import.</p>"
                      "<ul class=\"govuk-list\">");
    if (members) {
        safer_html_raw(b, "<li>");
        link(b, "/report/index.html", "The report (members' edition)");
        safer_html_raw(b, "</li>");
    }
    safer_html_raw(b, "<li>");
    link(b, "/report/public/index.html", "The report (public edition: counts from 1 to 4 hidden)");
    safer_html_raw(b, "</li></ul><h2 class=\"govuk-heading-m\">Published editions</h2>");
    if (n == 0) {
        safer_html_raw(b, "<p class=\"govuk-body\">None yet. An assessment is published with "
                          "<code>safer publish</code> once a group has approved it.</p>");
    } else {
        safer_html_raw(b, "<table class=\"govuk-table\"><caption class=\"govuk-table__caption "
                          "govuk-visually-hidden\">Published editions, newest first</caption>"
                          "<thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">");
        web_th(b, "Edition", false);
        web_th(b, "Period", false);
        web_th(b, "Approved by", false);
        web_th(b, "Approved on", false);
        safer_html_raw(b, "</tr></thead><tbody class=\"govuk-table__body\">");
        for (size_t i = 0; i < n; i++) {
            char href[48], ed[32], period[40];
            snprintf(href, sizeof(href), "/assessments/%d", list[i].edition);
            snprintf(ed, sizeof(ed), "Edition %d", list[i].edition);
            snprintf(period, sizeof(period), "%s to %s", list[i].period_from,
                     list[i].period_to);
            safer_html_raw(b, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">");
            link(b, href, ed);
            safer_html_raw(b, "</td>");
            web_td(b, period, false);
            web_td(b, list[i].approved_by_name, false);
            web_td(b, list[i].approved_on, false);
            safer_html_raw(b, "</tr>");
        }
        safer_html_raw(b, "</tbody></table>");
    }
    web_page_end(req, resp);
    return 0;
}

int page_assessment_get(struct web_req *req, struct web_resp *resp)
{
    int64_t n = web_id(req->arg);
    if (!n || n > 1000000)
        return SAFER_ENOTFOUND;
    struct safer_published e;
    struct safer_err err = {0};
    int rc = safer_published_get(req->st, &req->actor, NULL, (int)n, req->arena, &e, &err);
    if (rc < 0)
        return rc;
    bool members = safer_role_may(req->actor.role, SAFER_PERM_VIEW_PLAN);
    struct safer_buf *b = &resp->body;
    char title[64], period[40], records[32], href[96];
    snprintf(title, sizeof(title), "Strategic assessment, edition %d", e.edition);
    snprintf(period, sizeof(period), "%s to %s", e.period_from, e.period_to);
    snprintf(records, sizeof(records), "%lld", (long long)e.records);
    web_page_begin(req, resp, title, NULL);
    safer_html_raw(b, "<span class=\"govuk-caption-l\">");
    safer_html_text(b, e.title);
    safer_html_raw(b, "</span><h1 class=\"govuk-heading-l\">");
    safer_html_text(b, title);
    safer_html_raw(b, "</h1>");
    web_summary_begin(b);
    web_summary_row(b, "Period", period);
    web_summary_row(b, "Approved by", e.approved_by_name);
    web_summary_row(b, "Approved on", e.approved_on);
    web_summary_row(b, "Published", e.published_at);
    web_summary_row(b, "Records in the period", records);
    web_summary_row(b, "Digest of its files (XXH3-128)", e.digest);
    web_summary_end(b);
    safer_html_raw(b, "<h2 class=\"govuk-heading-m\">Read it</h2><ul class=\"govuk-list\">");
    if (members) {
        snprintf(href, sizeof(href), "/assessments/files/%d/members/index.html", e.edition);
        safer_html_raw(b, "<li>");
        link(b, href, "The report (members' edition)");
        safer_html_raw(b, "</li>");
    }
    snprintf(href, sizeof(href), "/assessments/files/%d/public/index.html", e.edition);
    safer_html_raw(b, "<li>");
    link(b, href, "The report (public edition)");
    safer_html_raw(b, "</li></ul>");
    if (members) {
        safer_html_raw(b, "<h2 class=\"govuk-heading-m\">Its CSV files</h2>"
                          "<ul class=\"govuk-list\">");
        for (size_t i = 0; i < e.nfiles; i++) {
            if (strcmp(e.files[i], "index.html") == 0)
                continue;
            snprintf(href, sizeof(href), "/assessments/files/%d/members/%s", e.edition,
                     e.files[i]);
            safer_html_raw(b, "<li>");
            link(b, href, e.files[i]);
            safer_html_raw(b, "</li>");
        }
        safer_html_raw(b, "</ul>");
    }
    safer_html_raw(b, "<h2 class=\"govuk-heading-m\">The police.uk files it came from</h2>"
                      "<table class=\"govuk-table\"><caption class=\"govuk-table__caption "
                      "govuk-visually-hidden\">Input files and their checksums</caption>"
                      "<thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">");
    web_th(b, "Force", false);
    web_th(b, "Month", false);
    web_th(b, "File", false);
    web_th(b, "Checksum (XXH3-128)", false);
    safer_html_raw(b, "</tr></thead><tbody class=\"govuk-table__body\">");
    for (size_t i = 0; i < e.ninputs; i++) {
        safer_html_raw(b, "<tr class=\"govuk-table__row\">");
        web_td(b, e.inputs[i].force, false);
        web_td(b, e.inputs[i].month, false);
        web_td(b, e.inputs[i].file, false);
        web_td(b, e.inputs[i].checksum, false);
        safer_html_raw(b, "</tr>");
    }
    safer_html_raw(b, "</tbody></table>");
    web_page_end(req, resp);
    return 0;
}

int page_assessment_file_get(struct web_req *req, struct web_resp *resp)
{
    /* N/members/NAME or N/public/NAME */
    const char *s = req->arg ? req->arg : "";
    const char *slash = strchr(s, '/');
    if (!slash || slash - s > 7)
        return SAFER_ENOTFOUND;
    char num[8];
    memcpy(num, s, (size_t)(slash - s));
    num[slash - s] = '\0';
    int64_t n = web_id(num);
    const char *rest = slash + 1;
    bool pub;
    if (strncmp(rest, "members/", 8) == 0)
        pub = false;
    else if (strncmp(rest, "public/", 7) == 0)
        pub = true;
    else
        return SAFER_ENOTFOUND;
    const char *name = rest + (pub ? 7 : 8);
    if (!n || !*name || strchr(name, '/'))
        return SAFER_ENOTFOUND;
    const char *data;
    size_t len;
    struct safer_err err = {0};
    int rc = safer_published_file(req->st, &req->actor, NULL, (int)n, pub, name, req->arena, &data,
                                  &len, &err);
    if (rc < 0)
        return rc;
    return send_file(req, resp, name, data, len);
}
