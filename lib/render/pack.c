/*
 * pack.c - the executive group's pack and the scrutiny committee's pack
 * (pack.h): one self-contained HTML document each, read through the
 * library's calls (action.h, indicator.h, plan.h), which decide who may
 * read what and suppress small counts, so this file decides nothing of
 * access: it lays out what the calls give.
 *
 * Print: A4 with 15 mm margins, the cover on a page of its own, each
 * priority from a new page, no table row split across pages, table heads
 * repeated, headings kept with what follows them, a running footer naming
 * the partnership, the pack and its date, and "Page n of m" (CSS Paged
 * Media margin boxes, which Chromium prints).
 */
#include "util/compat.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render/report_internal.h"
#include "safer/action.h"
#include "safer/html.h"
#include "safer/indicator.h"
#include "safer/lib.h"
#include "safer/pack.h"
#include "safer/partnership.h"
#include "safer/plan.h"
#include "safer/rules.h"
#include "safer/svg.h"

/* The points of a series a table shows: the latest ones. */
#define PACK_POINTS 6

static const char *const KIND_NAMES[] = {"executive", "scrutiny"};

const char *safer_pack_name(enum safer_pack_kind kind)
{
    return kind == SAFER_PACK_SCRUTINY ? KIND_NAMES[1] : KIND_NAMES[0];
}

int safer_pack_parse(const char *name, enum safer_pack_kind *out, struct safer_err *err)
{
    for (int k = 0; k < 2; k++) {
        if (name && strcmp(name, KIND_NAMES[k]) == 0) {
            *out = (enum safer_pack_kind)k;
            return 0;
        }
    }
    return safer_err_set(err, SAFER_EINVAL, "unknown pack '%s': executive or scrutiny",
                         name ? name : "");
}

/*
 * The style sheet. Screen: a column of at most 60em, wide tables in their
 * own scrolling box. Print: see the file's comment. Status tags carry
 * their word, never colour alone, in GOV.UK's tag colours (AA contrast),
 * printed in colour.
 */
static const char CSS[] =
    "body{font-family:Arial,Helvetica,'Liberation Sans',sans-serif;color:#0b0c0c;"
    "max-width:60em;margin:0 auto;padding:1em 1.5em;line-height:1.4;font-size:16px;"
    "overflow-wrap:break-word}"
    "h1{font-size:2em;margin:.5em 0 .2em}h2{font-size:1.5em;margin-top:1.6em;"
    "border-top:2px solid #0b0c0c;padding-top:.4em}h3{font-size:1.2em;margin-top:1.2em}"
    "h4{font-size:1em;margin:1em 0 .3em}"
    ".lede{font-size:1.2em}.meta{color:#505a5f}"
    ".cover dl{display:grid;grid-template-columns:max-content 1fr;gap:.3em 1em}"
    ".cover dt{font-weight:bold}.cover dd{margin:0}"
    ".table-wrap{overflow-x:auto;margin:.6em 0 1.2em}"
    ".table-wrap:focus{outline:3px solid #fd0;outline-offset:0;box-shadow:0 0 0 6px #0b0c0c}"
    "table{border-collapse:collapse;margin:0;font-size:.9em;width:100%}"
    "caption{text-align:left;font-weight:bold;padding:.3em 0}"
    "th,td{border-bottom:1px solid #b1b4b6;padding:.25em .5em;text-align:left;vertical-align:top}"
    "th{background:#f3f2f1}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".tag{display:inline-block;padding:0 .35em;font-weight:bold;white-space:nowrap;"
    "-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    ".rag-red{background:#f4cdc6;color:#2a0b06}.rag-amber{background:#fcd6c3;color:#6e3619}"
    ".rag-green{background:#cce2d8;color:#005a30}.rag-none{background:#e5e6e7;color:#282d30}"
    ".inset{border-left:5px solid #b1b4b6;padding:.4em .7em;margin:.6em 0}"
    "figure{margin:1em 0}figcaption{font-size:.9em;color:#505a5f}"
    "ol.decisions li{margin:.4em 0}"
    "@media print{body{max-width:none;padding:0;font-size:10.5pt}"
    ".cover{break-after:page}section.priority{break-before:page}"
    "h2{border-top:0}h1,h2,h3,h4{break-after:avoid}"
    "tr,figure,.inset,li{break-inside:avoid}thead{display:table-header-group}"
    ".table-wrap{overflow:visible}}";

/* ---- small writers ---- */

/* "2 December 2026" of unix time `t` (UTC); "YYYY-MM-DD" into `day`. */
static void date_words(int64_t t, char words[40], char day[11])
{
    static const char *const MONTHS[] = {"January", "February", "March",     "April",
                                         "May",     "June",     "July",      "August",
                                         "September", "October", "November", "December"};
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm))
        memset(&tm, 0, sizeof(tm));
    snprintf(words, 40, "%d %s %d", tm.tm_mday, MONTHS[(unsigned)tm.tm_mon % 12],
             tm.tm_year + 1900);
    if (strftime(day, 11, "%Y-%m-%d", &tm) != 10)
        memcpy(day, "1970-01-01", 11);
}

static void rag_tag(struct safer_buf *h, enum safer_rag rag)
{
    safer_html_raw(h, "<span class=\"tag rag-");
    safer_buf_puts(h, safer_rag_name(rag));
    safer_html_raw(h, "\">");
    safer_html_text(h, safer_rag_label(rag));
    safer_html_raw(h, "</span>");
}

static void text_cell(struct safer_buf *h, const char *s)
{
    safer_html_raw(h, "<td>");
    safer_html_text(h, s ? s : "");
    safer_html_raw(h, "</td>");
}

static void count_cell(struct safer_buf *h, long long v)
{
    safer_html_raw(h, "<td class=\"n\">");
    safer__report_int(h, v);
    safer_html_raw(h, "</td>");
}

/* A table in its own scrolling box (a phone), captioned; the head's
 * cells are `heads`, a '#' first marking a numeric column. */
static void table_begin(struct safer_buf *h, const char *caption, const char *const *heads,
                        size_t n)
{
    safer_html_raw(h, "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"");
    safer_html_attr(h, caption);
    safer_html_raw(h, "\"><table><caption>");
    safer_html_text(h, caption);
    safer_html_raw(h, "</caption><thead><tr>");
    for (size_t i = 0; i < n; i++) {
        bool num = heads[i][0] == '#';
        safer_buf_puts(h, num ? "<th scope=\"col\" class=\"n\">" : "<th scope=\"col\">");
        safer_html_text(h, heads[i] + num);
        safer_html_raw(h, "</th>");
    }
    safer_html_raw(h, "</tr></thead><tbody>");
}

static void table_end(struct safer_buf *h)
{
    safer_html_raw(h, "</tbody></table></div>");
}

/* A point's value as the workspace shows it: whole numbers without
 * decimals, rates to one decimal place per 1,000 residents, a manual
 * value with its unit; "[c]" when suppressed. */
static void point_value(struct safer_buf *h, const struct safer_indicator *ind,
                        const struct safer_indicator_point *p)
{
    if (p->suppressed) {
        safer_html_raw(h, "[c]");
    } else if (isnan(p->value)) {
        safer_html_raw(h, "No data");
    } else if (strcmp(ind->measure, "rate") == 0 && strcmp(ind->kind, "computed") == 0) {
        safer__report_dec(h, p->value, 1, false);
        safer_html_raw(h, " per 1,000");
    } else if (strcmp(ind->kind, "survey") == 0) {
        /* A survey's weighted per cent, as its page gives it. */
        safer__report_dec(h, p->value, 1, false);
        safer_html_raw(h, "%");
    } else {
        safer__report_dec(h, p->value, p->value == floor(p->value) ? 0 : 2, false);
        if (ind->unit) {
            safer_html_raw(h, " ");
            safer_html_text(h, ind->unit);
        }
    }
}

static void target_text(struct safer_buf *h, const struct safer_indicator *ind)
{
    if (!ind->has_target) {
        safer_html_raw(h, "None");
        return;
    }
    safer__report_dec(h, ind->target, ind->target == floor(ind->target) ? 0 : 2, false);
    if (strcmp(ind->measure, "rate") == 0 && strcmp(ind->kind, "computed") == 0) {
        safer_html_raw(h, " per 1,000");
    } else if (strcmp(ind->kind, "survey") == 0) {
        safer_html_raw(h, "%");
    } else if (ind->unit) {
        safer_html_raw(h, " ");
        safer_html_text(h, ind->unit);
    }
    safer_buf_puts(h, strcmp(ind->good, "up") == 0 ? " or more" : " or fewer");
}

/* ---- what a pack reads ---- */

struct pack {
    struct safer_store *st;
    const struct safer_actor *actor;
    enum safer_pack_kind kind;
    int64_t now;
    struct safer_arena *arena;
    struct safer_partnership p;
    struct safer_plan *plan;
    char date[40], today[11], since[11];
    struct safer_indicator *inds;
    size_t ninds;
    struct safer_action *actions; /* executive */
    size_t nactions;
    struct safer_action_recent *recent; /* executive */
    size_t nrecent;
    struct safer_action_count *counts; /* scrutiny */
    size_t ncounts;
    const char *group; /* the plan's group the pack is for, or NULL */
    int64_t public_min;
};

/* Is `key` one of the plan's priorities? */
static bool planned(const struct pack *k, const char *key)
{
    for (size_t i = 0; key && i < k->plan->npriorities; i++) {
        if (strcmp(k->plan->priorities[i].key, key) == 0)
            return true;
    }
    return false;
}

/* Does a record of priority `key` belong in the section of `section`
 * (NULL: the section of records of no priority the plan has)? */
static bool under(const struct pack *k, const char *key, const char *section)
{
    if (section)
        return key && strcmp(key, section) == 0;
    return !planned(k, key);
}

/* The worst latest status of the indicators of a section. */
static enum safer_rag section_rag(const struct pack *k, const char *section, size_t rags[4])
{
    enum safer_rag worst = SAFER_RAG_NONE;
    memset(rags, 0, 4 * sizeof(rags[0]));
    for (size_t i = 0; i < k->ninds; i++) {
        const struct safer_indicator *d = &k->inds[i];
        if (!under(k, d->priority_key, section))
            continue;
        enum safer_rag r = d->has_latest ? d->latest.rag : SAFER_RAG_NONE;
        rags[r]++;
        if (r > worst)
            worst = r;
    }
    return worst;
}

static int status_of(const char *status)
{
    for (int s = 0; s < SAFER_ACTION_NSTATUS; s++) {
        if (status && strcmp(status, safer_action_statuses[s]) == 0)
            return s;
    }
    return -1;
}

/* Actions of a section counted by status, with the overdue; from the
 * executive's list or the scrutiny's counts. */
static size_t section_actions(const struct pack *k, const char *section,
                              size_t by[SAFER_ACTION_NSTATUS], size_t *overdue)
{
    size_t total = 0;
    memset(by, 0, SAFER_ACTION_NSTATUS * sizeof(by[0]));
    *overdue = 0;
    for (size_t i = 0; i < k->nactions; i++) {
        const struct safer_action *a = &k->actions[i];
        int s = status_of(a->status);
        if (!under(k, a->priority_key, section))
            continue;
        if (s >= 0)
            by[s]++;
        *overdue += a->days_overdue > 0;
        total++;
    }
    for (size_t i = 0; i < k->ncounts; i++) {
        const struct safer_action_count *c = &k->counts[i];
        if (!under(k, c->priority_key, section))
            continue;
        for (int s = 0; s < SAFER_ACTION_NSTATUS; s++)
            by[s] += c->by_status[s];
        *overdue += c->overdue;
        total += c->total;
    }
    return total;
}

static bool open_status(const char *status)
{
    return status && strcmp(status, "complete") != 0 && strcmp(status, "withdrawn") != 0;
}

/* Are there records of no priority the plan has (the last section)? */
static bool has_unplanned(const struct pack *k)
{
    size_t rags[4], by[SAFER_ACTION_NSTATUS], overdue;
    section_rag(k, NULL, rags);
    return rags[0] + rags[1] + rags[2] + rags[3] + section_actions(k, NULL, by, &overdue) > 0;
}

static int read_pack(struct pack *k, struct safer_err *err)
{
    int rc = safer_partnership_info(k->st, k->actor->partnership_id, k->arena, &k->p, err);
    if (rc < 0)
        return rc;
    bool exec = k->kind == SAFER_PACK_EXECUTIVE;
    /* The calls that decide access first, so that a refusal comes before
     * anything else is read. */
    if (exec) {
        rc = safer_action_list(k->st, k->actor, NULL, k->now, k->arena, &k->actions,
                               &k->nactions, err);
        if (rc == 0)
            rc = safer_action_updates_since(k->st, k->actor, k->since, k->now, k->arena,
                                            &k->recent, &k->nrecent, err);
    } else {
        rc = safer_action_counts(k->st, k->actor, k->now, k->arena, &k->counts, &k->ncounts, err);
    }
    struct safer_indicator_query q = {.suppress = !exec, .public_min = k->public_min};
    if (rc == 0)
        rc = safer_indicator_list(k->st, k->actor, &q, k->now, k->arena, &k->inds, &k->ninds,
                                  err);
    if (rc == 0)
        rc = safer_plan_load(k->st, k->p.code, &k->plan, err);
    if (rc == 0 && !k->plan)
        rc = safer_err_set(err, SAFER_ENOTFOUND, "%s has no plan: import one first", k->p.code);
    if (rc < 0)
        return rc;
    const char *want = exec ? "executive" : "scrutiny";
    for (size_t i = 0; i < k->plan->ngroups && !k->group; i++) {
        if (strcmp(k->plan->groups[i].kind, want) == 0)
            k->group = k->plan->groups[i].name;
    }
    return 0;
}

/* ---- the frame ---- */

static void head(struct safer_buf *h, const struct pack *k, const char *title)
{
    bool exec = k->kind == SAFER_PACK_EXECUTIVE;
    safer_html_raw(h, "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                      "style-src 'unsafe-inline'; img-src data:\"><title>");
    safer_html_text(h, title);
    safer_html_raw(h, ": ");
    safer_html_text(h, k->p.name);
    safer_html_raw(h, "</title><style>");
    safer_buf_put(h, CSS, sizeof(CSS) - 1);
    safer_html_raw(h, "@page{size:A4;margin:15mm 15mm 18mm;@bottom-left{content:");
    safer__report_css_string(h, k->p.name);
    safer_buf_puts(h, exec ? " \", executive pack, \" " : " \", scrutiny pack, \" ");
    safer__report_css_string(h, k->date);
    safer_html_raw(h, ";font:8pt Arial,Helvetica,sans-serif;color:#505a5f}"
                      "@bottom-right{content:\"Page \" counter(page) \" of \" counter(pages);"
                      "font:8pt Arial,Helvetica,sans-serif;color:#505a5f}}"
                      "</style></head><body>");
}

static void cover(struct safer_buf *h, const struct pack *k, const char *title, const char *lede)
{
    safer_html_raw(h, "<header class=\"cover\"><p class=\"meta\">");
    safer_html_text(h, title);
    safer_html_raw(h, "</p><h1>");
    safer_html_text(h, k->p.name);
    safer_html_raw(h, "</h1><p class=\"lede\">");
    safer_html_text(h, lede);
    safer_html_raw(h, "</p><dl><dt>For</dt><dd>");
    if (k->group)
        safer_html_text(h, k->group);
    else
        safer_buf_puts(h, k->kind == SAFER_PACK_EXECUTIVE
                              ? "The executive group"
                              : "The crime and disorder (scrutiny) committee");
    safer_html_raw(h, "</dd><dt>Partnership</dt><dd>");
    safer_html_text(h, k->p.name);
    safer_html_raw(h, " (");
    safer_html_text(h, k->p.code);
    safer_html_raw(h, ")</dd><dt>Plan</dt><dd>");
    safer_html_text(h, k->plan->title);
    safer_html_raw(h, "</dd><dt>Period of the plan</dt><dd>");
    safer_html_text(h, k->plan->period_from);
    safer_html_raw(h, " to ");
    safer_html_text(h, k->plan->period_to);
    safer_html_raw(h, "</dd><dt>Date</dt><dd>");
    safer_html_text(h, k->date);
    safer_html_raw(h, "</dd>");
    if (k->kind == SAFER_PACK_EXECUTIVE) {
        safer_html_raw(h, "<dt>Updates</dt><dd>Dated ");
        safer_html_text(h, k->since);
        safer_html_raw(h, " to ");
        safer_html_text(h, k->today);
        safer_html_raw(h, "</dd>");
    }
    safer_html_raw(h, "<dt>Produced by</dt><dd>safer ");
    safer_html_text(h, safer_version());
    safer_html_raw(h, ", from the partnership's workspace as it stood on that date</dd></dl>"
                      "</header>");
}

/* A priority's section heading and its objective; NULL: the records of
 * no priority the plan has. */
static void section_head(struct safer_buf *h, const struct safer_plan_priority *r)
{
    safer_html_raw(h, "<section class=\"priority\"><h2>");
    if (!r) {
        safer_html_raw(h, "Not under a priority of the plan</h2><p>Actions and indicators "
                          "whose priority the plan does not have, or that have none.</p>");
        return;
    }
    safer_html_raw(h, "Priority: ");
    safer_html_text(h, r->title);
    safer_html_raw(h, "</h2>");
    if (r->objective) {
        safer_html_raw(h, "<p><strong>Objective:</strong> ");
        safer_html_text(h, r->objective);
        safer_html_raw(h, "</p>");
    }
}

/* ---- indicators ---- */

/* One indicator: its trend chart and its latest points. */
static int indicator(struct safer_buf *h, const struct pack *k, const struct safer_indicator *d,
                     struct safer_err *err)
{
    struct safer_indicator ind;
    struct safer_indicator_point *pts = NULL;
    size_t npts = 0;
    struct safer_indicator_query q = {.suppress = k->kind == SAFER_PACK_SCRUTINY,
                                      .public_min = k->public_min};
    int rc = safer_indicator_get(k->st, k->actor, d->id, &q, k->now, k->arena, &ind, &pts, &npts,
                                 NULL, NULL, err);
    if (rc < 0)
        return rc;
    safer_html_raw(h, "<h4>");
    safer_html_text(h, ind.title);
    safer_html_raw(h, "</h4><p>Latest status: ");
    rag_tag(h, d->has_latest ? d->latest.rag : SAFER_RAG_NONE);
    if (d->has_latest) {
        safer_html_raw(h, " (");
        safer_html_text(h, d->latest.period);
        safer_html_raw(h, ")");
    }
    safer_html_raw(h, ". Target: ");
    target_text(h, &ind);
    safer_html_raw(h, ".</p>");
    char id[24], title[SAFER_INDICATOR_TITLE_MAX + 32];
    snprintf(id, sizeof(id), "ind%" PRId64, ind.id);
    snprintf(title, sizeof(title), "Trend: %s", ind.title);
    struct safer_svg_opts so = {.id = id, .title = title};
    safer_html_raw(h, "<figure>");
    rc = safer_indicator_svg(h, &ind, pts, npts, &so, err);
    safer_html_raw(h, "<figcaption>Each dot is a period, coloured by its status; the dashed "
                      "line is the target. The table gives the latest periods.</figcaption>"
                      "</figure>");
    if (rc < 0)
        return rc;
    static const char *const heads[] = {"Period", "#Value", "#Variance", "Status"};
    char caption[SAFER_INDICATOR_TITLE_MAX + 40];
    snprintf(caption, sizeof(caption), "%s: the latest periods", ind.title);
    table_begin(h, caption, heads, 4);
    size_t from = npts > PACK_POINTS ? npts - PACK_POINTS : 0;
    for (size_t i = from; i < npts; i++) {
        const struct safer_indicator_point *p = &pts[i];
        safer_html_raw(h, "<tr>");
        text_cell(h, p->period);
        safer_html_raw(h, "<td class=\"n\">");
        point_value(h, &ind, p);
        if (p->partial)
            safer_html_raw(h, " (partial)");
        safer_html_raw(h, "</td><td class=\"n\">");
        if (isnan(p->variance)) {
            safer_html_raw(h, "-");
        } else {
            safer__report_dec(h, p->variance, 1, true);
            safer_html_raw(h, "%");
        }
        safer_html_raw(h, "</td><td>");
        rag_tag(h, p->rag);
        safer_html_raw(h, "</td></tr>");
    }
    if (npts == 0)
        safer_html_raw(h, "<tr><td colspan=\"4\">No periods yet.</td></tr>");
    table_end(h);
    return 0;
}

/* The indicators of a section; `off_only`: amber and red only. */
static int indicators(struct safer_buf *h, const struct pack *k, const char *section,
                      bool off_only, struct safer_err *err)
{
    size_t shown = 0;
    safer_buf_puts(h, off_only ? "<h3>Indicators off target</h3>" : "<h3>Indicators</h3>");
    for (size_t i = 0; i < k->ninds; i++) {
        const struct safer_indicator *d = &k->inds[i];
        bool off = d->has_latest && (d->latest.rag == SAFER_RAG_AMBER ||
                                     d->latest.rag == SAFER_RAG_RED);
        if (!under(k, d->priority_key, section) || (off_only && !off))
            continue;
        int rc = indicator(h, k, d, err);
        if (rc < 0)
            return rc;
        shown++;
    }
    if (shown == 0)
        safer_buf_puts(h, off_only ? "<p>No indicator of this priority is off target.</p>"
                                   : "<p>This priority has no indicator yet.</p>");
    return 0;
}

/* ---- the executive pack ---- */

static void lead_text(struct safer_buf *h, const struct safer_action *a)
{
    if (a->lead_name) {
        safer_html_text(h, a->lead_name);
        if (a->lead_org) {
            safer_html_raw(h, ", ");
            safer_html_text(h, a->lead_org);
        }
    } else {
        safer_html_text(h, a->lead_org ? a->lead_org : "No lead");
    }
}

static void rag_summary(struct safer_buf *h, const struct pack *k)
{
    static const char *const heads[] = {"Priority",   "Status",  "#Red",    "#Amber", "#Green",
                                        "#Actions",   "#Overdue", "#At risk", "#Off track"};
    safer_html_raw(h, "<h2>Status of each priority</h2><p>A priority's status is the worst "
                      "latest status of its indicators (red, then amber, then green); "
                      "\"No status\" when none of them has one. The columns Red, Amber and "
                      "Green count its indicators; the rest count its actions.</p>");
    table_begin(h, "Status of each priority, its indicators and its actions", heads, 9);
    size_t np = k->plan->npriorities;
    bool rest = has_unplanned(k);
    for (size_t i = 0; i < np + rest; i++) {
        const char *key = i < np ? k->plan->priorities[i].key : NULL;
        size_t rags[4], by[SAFER_ACTION_NSTATUS], overdue;
        enum safer_rag worst = section_rag(k, key, rags);
        size_t total = section_actions(k, key, by, &overdue);
        safer_html_raw(h, "<tr><th scope=\"row\">");
        safer_html_text(h, i < np ? k->plan->priorities[i].title : "Not under a priority");
        safer_html_raw(h, "</th><td>");
        rag_tag(h, worst);
        safer_html_raw(h, "</td>");
        count_cell(h, (long long)rags[SAFER_RAG_RED]);
        count_cell(h, (long long)rags[SAFER_RAG_AMBER]);
        count_cell(h, (long long)rags[SAFER_RAG_GREEN]);
        count_cell(h, (long long)total);
        count_cell(h, (long long)overdue);
        count_cell(h, (long long)by[2]);
        count_cell(h, (long long)by[3]);
        safer_html_raw(h, "</tr>");
    }
    table_end(h);
}

/*
 * The decisions asked of the group, each from a rule (docs/workspace.md,
 * Packs): an action off track; an open action overdue by more than
 * SAFER_PACK_LONG_OVERDUE days; a priority whose status is red with no
 * open action.
 */
static void decisions(struct safer_buf *h, const struct pack *k)
{
    size_t n = 0;
    safer_html_raw(h, "<h2>Decisions asked of the group</h2><ol class=\"decisions\">");
    for (size_t i = 0; i < k->nactions; i++) {
        const struct safer_action *a = &k->actions[i];
        bool off = a->status && strcmp(a->status, "off-track") == 0;
        bool late = a->days_overdue > SAFER_PACK_LONG_OVERDUE;
        if (!off && !late)
            continue;
        safer_html_raw(h, "<li><strong>");
        safer_html_text(h, a->title);
        safer_html_raw(h, "</strong> (");
        lead_text(h, a);
        if (a->priority_title) {
            safer_html_raw(h, "; ");
            safer_html_text(h, a->priority_title);
        }
        safer_html_raw(h, ") is ");
        if (off)
            safer_html_raw(h, "off track");
        if (off && a->days_overdue > 0)
            safer_html_raw(h, " and ");
        if (a->days_overdue > 0) {
            safer__report_int(h, (long long)a->days_overdue);
            safer_buf_puts(h, a->days_overdue == 1 ? " day overdue" : " days overdue");
        }
        safer_buf_puts(h, off ? ". Decide how to bring it back on track, with what support, "
                                "or whether to withdraw it.</li>"
                              : ". Agree a new due date, or withdraw it.</li>");
        n++;
    }
    for (size_t i = 0; i < k->plan->npriorities; i++) {
        const struct safer_plan_priority *r = &k->plan->priorities[i];
        size_t rags[4];
        if (section_rag(k, r->key, rags) != SAFER_RAG_RED)
            continue;
        bool open = false;
        for (size_t j = 0; j < k->nactions && !open; j++)
            open = under(k, k->actions[j].priority_key, r->key) &&
                   open_status(k->actions[j].status);
        if (open)
            continue;
        safer_html_raw(h, "<li><strong>");
        safer_html_text(h, r->title);
        safer_html_raw(h, "</strong> has an indicator at red and no open action. Decide "
                          "what the partnership will do, and who will lead it.</li>");
        n++;
    }
    safer_html_raw(h, "</ol>");
    if (n == 0)
        safer_html_raw(h, "<p>None: no action is off track or more than 90 days overdue, and "
                          "every priority with an indicator at red has an open action.</p>");
}

static void overdue_table(struct safer_buf *h, const struct pack *k, const char *section)
{
    static const char *const heads[] = {"Action", "Lead", "Due", "#Days overdue", "Status"};
    size_t n = 0;
    safer_html_raw(h, "<h3>Overdue actions</h3>");
    for (size_t i = 0; i < k->nactions; i++) {
        const struct safer_action *a = &k->actions[i];
        if (a->days_overdue <= 0 || !under(k, a->priority_key, section))
            continue;
        if (n++ == 0)
            table_begin(h, "Overdue actions, most overdue first", heads, 5);
        safer_html_raw(h, "<tr>");
        text_cell(h, a->title);
        safer_html_raw(h, "<td>");
        lead_text(h, a);
        safer_html_raw(h, "</td>");
        text_cell(h, a->due_date);
        count_cell(h, (long long)a->days_overdue);
        text_cell(h, safer_action_status_label(a->status));
        safer_html_raw(h, "</tr>");
    }
    if (n)
        table_end(h);
    else
        safer_html_raw(h, "<p>No action of this priority is overdue.</p>");
}

static void recent_table(struct safer_buf *h, const struct pack *k, const char *section)
{
    static const char *const heads[] = {"Day", "Action", "By", "Status", "#Progress", "Note"};
    size_t n = 0;
    safer_html_raw(h, "<h3>Recent updates</h3>");
    for (size_t i = 0; i < k->nrecent; i++) {
        const struct safer_action_recent *r = &k->recent[i];
        if (!under(k, r->priority_key, section))
            continue;
        if (n++ == 0)
            table_begin(h, "Updates of the last 90 days, newest first", heads, 6);
        safer_html_raw(h, "<tr>");
        text_cell(h, r->update.on_date);
        text_cell(h, r->action_title);
        text_cell(h, r->update.author);
        text_cell(h, safer_action_status_label(r->update.status));
        safer_html_raw(h, "<td class=\"n\">");
        safer__report_int(h, r->update.progress);
        safer_html_raw(h, "%</td>");
        text_cell(h, r->update.note);
        safer_html_raw(h, "</tr>");
    }
    if (n)
        table_end(h);
    else
        safer_html_raw(h, "<p>No update in the last 90 days.</p>");
}

/* ---- the scrutiny pack ---- */

static void plural(struct safer_buf *h, size_t n, const char *one, const char *many)
{
    safer__report_int(h, (long long)n);
    safer_html_raw(h, " ");
    safer_buf_puts(h, n == 1 ? one : many);
}

/* What the pack says, in plain words, from the same counts as its tables. */
static void plain_summary(struct safer_buf *h, const struct pack *k)
{
    size_t rags[4] = {0}, by[SAFER_ACTION_NSTATUS] = {0}, overdue = 0, total = 0;
    for (size_t i = 0; i < k->ninds; i++)
        rags[k->inds[i].has_latest ? k->inds[i].latest.rag : SAFER_RAG_NONE]++;
    for (size_t i = 0; i < k->ncounts; i++) {
        for (int s = 0; s < SAFER_ACTION_NSTATUS; s++)
            by[s] += k->counts[i].by_status[s];
        overdue += k->counts[i].overdue;
        total += k->counts[i].total;
    }
    safer_html_raw(h, "<h2>Summary</h2><ul><li>The plan has ");
    plural(h, k->plan->npriorities, "priority.", "priorities.");
    safer_html_raw(h, "</li><li>The partnership tracks its progress by ");
    plural(h, k->ninds, "indicator", "indicators");
    safer_html_raw(h, ". In the latest period with a status, ");
    plural(h, rags[SAFER_RAG_GREEN], "is", "are");
    safer_html_raw(h, " on target (green), ");
    plural(h, rags[SAFER_RAG_AMBER], "is", "are");
    safer_html_raw(h, " a little off target (amber) and ");
    plural(h, rags[SAFER_RAG_RED], "is", "are");
    safer_html_raw(h, " off target (red); ");
    plural(h, rags[SAFER_RAG_NONE], "has", "have");
    safer_html_raw(h, " no status (no target, a period without all its data, or a figure "
                      "too small to publish).</li><li>The partnership has ");
    plural(h, total, "action", "actions");
    safer_html_raw(h, ": ");
    for (int s = 0; s < SAFER_ACTION_NSTATUS; s++) {
        safer__report_int(h, (long long)by[s]);
        safer_html_raw(h, " ");
        const char *label = safer_action_status_label(safer_action_statuses[s]);
        /* "Not started" reads "not started" inside a sentence. */
        char lower[32];
        snprintf(lower, sizeof(lower), "%s", label);
        lower[0] = (char)(lower[0] >= 'A' && lower[0] <= 'Z' ? lower[0] - 'A' + 'a' : lower[0]);
        safer_html_text(h, lower);
        safer_buf_puts(h, s + 2 < SAFER_ACTION_NSTATUS ? ", " : s + 1 < SAFER_ACTION_NSTATUS ? " and " : ".");
    }
    safer_html_raw(h, " ");
    plural(h, overdue, "is", "are");
    safer_html_raw(h, " overdue.</li>");
    size_t red = 0;
    for (size_t i = 0; i < k->plan->npriorities; i++) {
        size_t r4[4];
        if (section_rag(k, k->plan->priorities[i].key, r4) != SAFER_RAG_RED)
            continue;
        safer_buf_puts(h, red++ ? "; " : "<li>Priorities with an indicator off target (red): ");
        safer_html_text(h, k->plan->priorities[i].title);
    }
    if (red)
        safer_html_raw(h, ".</li>");
    safer_html_raw(h, "</ul><p class=\"inset\">Figures from police records counting 1 to ");
    safer__report_int(h, (long long)k->public_min - 1);
    safer_html_raw(h, " are not shown ([c]), so that no one can be recognised from them. "
                      "This pack names no one: it counts actions, not the people who lead "
                      "them.</p>");
}

static void priorities_table(struct safer_buf *h, const struct pack *k)
{
    static const char *const heads[] = {"Priority", "Objective", "Status"};
    safer_html_raw(h, "<h2>The priorities</h2>");
    table_begin(h, "The plan's priorities and their status", heads, 3);
    for (size_t i = 0; i < k->plan->npriorities; i++) {
        const struct safer_plan_priority *r = &k->plan->priorities[i];
        size_t rags[4];
        safer_html_raw(h, "<tr><th scope=\"row\">");
        safer_html_text(h, r->title);
        safer_html_raw(h, "</th>");
        text_cell(h, r->objective);
        safer_html_raw(h, "<td>");
        rag_tag(h, section_rag(k, r->key, rags));
        safer_html_raw(h, "</td></tr>");
    }
    table_end(h);
    safer_html_raw(h, "<p>A priority's status is the worst latest status of its indicators.</p>");
}

static void action_counts(struct safer_buf *h, const struct pack *k, const char *section)
{
    size_t by[SAFER_ACTION_NSTATUS], overdue;
    size_t total = section_actions(k, section, by, &overdue);
    safer_html_raw(h, "<h3>Actions by status</h3>");
    if (total == 0) {
        safer_html_raw(h, "<p>This priority has no action yet.</p>");
        return;
    }
    static const char *const heads[] = {"Status", "#Actions"};
    table_begin(h, "Actions of this priority by status", heads, 2);
    for (int s = 0; s < SAFER_ACTION_NSTATUS; s++) {
        safer_html_raw(h, "<tr><th scope=\"row\">");
        safer_html_text(h, safer_action_status_label(safer_action_statuses[s]));
        safer_html_raw(h, "</th>");
        count_cell(h, (long long)by[s]);
        safer_html_raw(h, "</tr>");
    }
    safer_html_raw(h, "<tr><th scope=\"row\">All</th>");
    count_cell(h, (long long)total);
    safer_html_raw(h, "</tr><tr><th scope=\"row\">Of those, overdue</th>");
    count_cell(h, (long long)overdue);
    safer_html_raw(h, "</tr>");
    table_end(h);
}

/* ---- the document ---- */

static int document(struct safer_buf *h, const struct pack *k, struct safer_err *err)
{
    bool exec = k->kind == SAFER_PACK_EXECUTIVE;
    const char *title = exec ? "Executive pack" : "Scrutiny pack";
    head(h, k, title);
    cover(h, k, title,
          exec ? "For the executive group's meeting: where each priority stands, the decisions "
                 "asked of the group, and under each priority its indicators off target, its "
                 "overdue actions and the latest updates."
               : "For the committee that scrutinises the partnership's work on crime and "
                 "disorder: its priorities, how its indicators stand and how its actions are "
                 "going, in figures that name no one.");
    safer_html_raw(h, "<main>");
    if (exec) {
        rag_summary(h, k);
        decisions(h, k);
    } else {
        plain_summary(h, k);
        priorities_table(h, k);
    }
    size_t np = k->plan->npriorities;
    bool rest = has_unplanned(k);
    for (size_t i = 0; i < np + rest; i++) {
        const struct safer_plan_priority *r = i < np ? &k->plan->priorities[i] : NULL;
        const char *key = r ? r->key : NULL;
        section_head(h, r);
        int rc = indicators(h, k, key, exec, err);
        if (rc < 0)
            return rc;
        if (exec) {
            overdue_table(h, k, key);
            recent_table(h, k, key);
        } else {
            action_counts(h, k, key);
        }
        safer_html_raw(h, "</section>");
    }
    safer_html_raw(h, "</main></body></html>\n");
    return 0;
}

int safer_pack_render(struct safer_store *st, const struct safer_actor *actor,
                      enum safer_pack_kind kind, int64_t now, struct safer_buf *out,
                      struct safer_err *err)
{
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct pack k = {.st = st, .actor = actor, .kind = kind, .now = now, .arena = &arena};
    char words[40];
    date_words(now, k.date, k.today);
    date_words(now - (int64_t)SAFER_PACK_RECENT_DAYS * 86400, words, k.since);
    /* The threshold the indicator calls use by default, for the pack's
     * note on suppression. */
    struct safer_rules rules;
    safer_rules_init(&rules);
    k.public_min = rules.public_min;
    int rc = read_pack(&k, err);
    if (rc == 0)
        rc = document(out, &k, err);
    if (rc == 0 && safer_buf_error(out))
        rc = safer_err_set(err, safer_buf_error(out), "the pack is larger than the buffer allows");
    safer_plan_free(k.plan);
    safer_arena_release(&arena);
    return rc;
}
