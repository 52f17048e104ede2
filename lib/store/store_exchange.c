/*
 * store_exchange.c - actions and indicators imported from the CSV
 * templates (exchange.h, docs/exchange.md).
 *
 * The file is read whole, then every row in ONE write transaction: the
 * access decision, then per row the words a spreadsheet holds turned into
 * what the store keeps (a priority's title into its key, a person's e-mail
 * into their account, a UK date into ISO, a status's label into its name),
 * then the record added or changed by the same in-transaction calls as the
 * workspace's forms (safer__action_put, safer__indicator_put), which check
 * the rest and write the audit row. A row with a mistake writes nothing,
 * and the next row is still checked, so that one run lists every mistake
 * of the file; at the end, any mistake (or a dry run) rolls the whole
 * transaction back. A mistake is "FILE:LINE: column: what", LINE the line
 * the row starts on.
 */
#include "util/compat.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "safer/action.h"
#include "safer/csv.h"
#include "safer/exchange.h"
#include "safer/indicator.h"
#include "safer/plan.h"
#include "store/store_impl.h"
#include "util/internal.h"

/* A template's column: its name in the file, and the library's name for
 * the field (the form's), which its mistakes carry. */
struct column {
    const char *name, *field;
};

enum { A_KEY, A_TITLE, A_DESCRIPTION, A_PRIORITY, A_GROUP, A_ORG, A_PERSON, A_START, A_DUE,
       A_STATUS, A_PROGRESS, A_NCOLS };
static const struct column ACTION_COLUMNS[A_NCOLS] = {
    [A_KEY] = {"key", "key"},
    [A_TITLE] = {"title", "title"},
    [A_DESCRIPTION] = {"description", "description"},
    [A_PRIORITY] = {"priority", "priority_key"},
    [A_GROUP] = {"group", "group_key"},
    [A_ORG] = {"lead_organisation", "lead_org"},
    [A_PERSON] = {"lead_person", "lead_user_id"},
    [A_START] = {"start", "start_date"},
    [A_DUE] = {"due", "due_date"},
    [A_STATUS] = {"status", "status"},
    [A_PROGRESS] = {"progress", "progress"},
};

enum { I_KEY, I_TITLE, I_PRIORITY, I_GROUP, I_KIND, I_CATEGORIES, I_WARD, I_MEASURE, I_PERIOD,
       I_GOOD, I_TARGET, I_AMBER, I_RED, I_UNIT, I_QUESTION, I_NCOLS };
static const struct column INDICATOR_COLUMNS[I_NCOLS] = {
    [I_KEY] = {"key", "key"},
    [I_TITLE] = {"title", "title"},
    [I_PRIORITY] = {"priority", "priority_key"},
    [I_GROUP] = {"group", "group_key"},
    [I_KIND] = {"kind", "kind"},
    [I_CATEGORIES] = {"categories", "categories"},
    [I_WARD] = {"ward", "ward"},
    [I_MEASURE] = {"measure", "measure"},
    [I_PERIOD] = {"period", "period"},
    [I_GOOD] = {"good", "good"},
    [I_TARGET] = {"target", "target"},
    [I_AMBER] = {"amber", "amber"},
    [I_RED] = {"red", "red"},
    [I_UNIT] = {"unit", "unit"},
    [I_QUESTION] = {"question", "question"},
};

/* The templates: the header, then example rows from the Safer Maidstone
 * plan of 2021 (docs/exchange.md says to replace them). */
static const char ACTION_TEMPLATE[] =
    "key,title,description,priority,group,lead_organisation,lead_person,start,due,status,"
    "progress\r\n"
    "da-awareness,Run a domestic abuse awareness campaign,\"Posters, social media and a "
    "stall at the county show\",domestic-abuse,Domestic Abuse Forum,Maidstone Borough Council,,"
    "01/04/2021,31/03/2022,On track,25\r\n"
    "asb-night-time,Patrol the town centre's night-time economy,,anti-social-behaviour,"
    "community-safety-unit,Kent Police,,2021-04-01,2021-09-30,not-started,0\r\n";

static const char INDICATOR_TEMPLATE[] =
    "key,title,priority,group,kind,categories,ward,measure,period,good,target,amber,red,unit,"
    "question\r\n"
    "asb-quarter,Anti-social behaviour and criminal damage,anti-social-behaviour,,computed,"
    "Anti-social behaviour;Criminal damage and arson,,count,quarter,down,400,5,10,,\r\n"
    "da-referrals,Referrals to the domestic abuse one-stop shop,domestic-abuse,"
    "domestic-abuse-forum,manual,,,count,quarter,up,120,5,15,referrals,\r\n";

const char *safer_exchange_template(enum safer_exchange_kind kind)
{
    return kind == SAFER_EXCHANGE_ACTIONS ? ACTION_TEMPLATE : INDICATOR_TEMPLATE;
}

int safer__id_of_key(struct safer_store *st, const char *sql, int64_t pid, const char *key,
                     int64_t *id, struct safer_err *err)
{
    *id = 0;
    if (!key)
        return 0;
    struct safer__stmt *s;
    int rc = safer__prep(st, sql, &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, pid);
    safer__bind_text(s, 2, key);
    rc = safer__step(s, err);
    if (rc == 1)
        *id = safer__col_int64(s, 0);
    safer__stmt_finalize(s);
    return rc < 0 ? rc : 0;
}

/* ---- what the partnership has, to turn a spreadsheet's words into keys ---- */

struct named {
    const char *key, *name; /* in the import's arena */
    int64_t id;
};

struct names {
    struct named *v; /* malloc'd */
    size_t n, cap;
};

static int load_names(struct safer_store *st, const char *sql, int64_t pid, struct safer_arena *a,
                      struct names *out, struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st, sql, &s, err);
    if (rc < 0)
        return rc;
    if (strstr(sql, "?1"))
        safer__bind_int64(s, 1, pid);
    while ((rc = safer__step(s, err)) == 1) {
        SAFER__GROW(out->v, out->cap, out->n + 1);
        struct named *x = &out->v[out->n++];
        const char *k = safer__col_text(s, 0), *nm = safer__col_text(s, 1);
        x->key = safer_arena_strdup(a, k ? k : "");
        x->name = safer_arena_strdup(a, nm ? nm : "");
        x->id = safer__col_int64(s, 2);
    }
    safer__stmt_finalize(s);
    return rc;
}

/* The entry whose key is `v` exactly, else whose name is `v` whatever its
 * case; NULL when none. */
static const struct named *find_name(const struct names *ns, const char *v)
{
    for (size_t i = 0; i < ns->n; i++) {
        if (strcmp(ns->v[i].key, v) == 0)
            return &ns->v[i];
    }
    for (size_t i = 0; i < ns->n; i++) {
        if (strcasecmp(ns->v[i].name, v) == 0)
            return &ns->v[i];
    }
    return NULL;
}

/* ---- an import's state ---- */

struct imp {
    const char *path;
    enum safer_exchange_kind kind;
    const struct column *cols;
    size_t ncols;
    int at[SAFER_LIMIT_CSV_FIELDS]; /* the template column of each field of the file */
    size_t nfields;                 /* fields in the header */
    struct safer_csv csv;
    struct safer_arena a;
    struct safer_exchange_stats *stats;
    safer_exchange_mistake_fn fn;
    void *ctx;
    size_t line;
    bool row_bad;
    struct names priorities, groups, people, wards, orgs;
    struct named *keys; /* keys of the rows so far, with their lines in id */
    size_t nkeys, keycap;
};

static void mistake(struct imp *m, const char *column, const char *fmt, ...) SAFER_PRINTF(3, 4);
static void mistake(struct imp *m, const char *column, const char *fmt, ...)
{
    char what[512], msg[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    snprintf(msg, sizeof(msg), "%s:%zu: %s: %s", m->path, m->line, column, what);
    if (m->fn)
        m->fn(m->ctx, msg);
    m->stats->mistakes++;
    m->row_bad = true;
}

/* A header's name as the template writes it: lower case, spaces and
 * hyphens as underscores, without the spaces around it. */
static void header_name(const struct safer_csv_field *f, char *out, size_t cap)
{
    size_t i = 0, k = 0, n = f->len;
    while (i < n && isspace((unsigned char)f->ptr[i]))
        i++;
    while (n > i && isspace((unsigned char)f->ptr[n - 1]))
        n--;
    for (; i < n && k + 1 < cap; i++) {
        char c = (char)tolower((unsigned char)f->ptr[i]);
        out[k++] = c == ' ' || c == '-' ? '_' : c;
    }
    out[k] = '\0';
}

static int read_header(struct imp *m, struct safer_err *err)
{
    int rc = safer_csv_next(&m->csv, err);
    if (rc == 0)
        return safer_err_set(err, SAFER_EPARSE, "%s: the file is empty: it needs the template's "
                                                "header row",
                             m->path);
    if (rc < 0)
        return rc;
    m->line = m->csv.row_line;
    m->nfields = m->csv.nfields;
    bool seen[SAFER_LIMIT_CSV_FIELDS] = {false};
    for (size_t i = 0; i < m->csv.nfields; i++) {
        char name[64];
        header_name(&m->csv.fields[i], name, sizeof(name));
        m->at[i] = -1;
        for (size_t c = 0; c < m->ncols; c++) {
            if (strcmp(name, m->cols[c].name) == 0)
                m->at[i] = (int)c;
        }
        if (m->at[i] < 0)
            mistake(m, "header", "'%.*s' is not a column of the %s template", (int)(m->csv.fields[i].len > 60 ? 60 : m->csv.fields[i].len),
                    m->csv.fields[i].ptr, m->kind == SAFER_EXCHANGE_ACTIONS ? "actions" : "indicators");
        else if (seen[m->at[i]])
            mistake(m, "header", "column '%s' is there twice", m->cols[m->at[i]].name);
        else
            seen[m->at[i]] = true;
    }
    for (size_t c = 0; c < m->ncols; c++) {
        /* A file from before survey indicators has no question column. */
        bool optional = m->kind == SAFER_EXCHANGE_INDICATORS && c == I_QUESTION;
        if (!seen[c] && !optional)
            mistake(m, "header", "no column '%s'", m->cols[c].name);
    }
    return 0;
}

/*
 * The row's values by template column, trimmed, in the arena; NULL for a
 * blank one. A leading apostrophe that a CSV writer put before text a
 * spreadsheet would run as a formula (csv.h) is taken off.
 */
static void row_values(struct imp *m, const char **v)
{
    for (size_t c = 0; c < m->ncols; c++)
        v[c] = NULL;
    for (size_t i = 0; i < m->csv.nfields && i < m->nfields; i++) {
        if (m->at[i] < 0)
            continue;
        const char *p = m->csv.fields[i].ptr;
        size_t n = m->csv.fields[i].len;
        while (n && isspace((unsigned char)*p)) {
            p++;
            n--;
        }
        while (n && isspace((unsigned char)p[n - 1]))
            n--;
        if (n >= 2 && p[0] == '\'' && strchr("=+-@", p[1])) {
            p++;
            n--;
        }
        v[m->at[i]] = n ? safer_arena_strndup(&m->a, p, n) : NULL;
    }
}

/* A date as YYYY-MM-DD, or as a UK spreadsheet writes it, DD/MM/YYYY
 * (D/M/YYYY too): ISO in `out`, false when neither. Whether the date is
 * real is the library's check. */
static bool iso_date(const char *s, char out[11])
{
    if (strlen(s) == 10 && s[4] == '-' && s[7] == '-') {
        snprintf(out, 11, "%s", s);
        return true;
    }
    /* D/M/YYYY or DD/MM/YYYY: one or two digits, one or two, four. */
    unsigned part[3] = {0, 0, 0};
    size_t digits[3] = {0, 0, 0};
    int k = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '/' && k < 2 && digits[k]) {
            k++;
        } else if (isdigit((unsigned char)*p) && digits[k] < 4) {
            part[k] = part[k] * 10 + (unsigned)(*p - '0');
            digits[k]++;
        } else {
            return false;
        }
    }
    if (k != 2 || digits[0] > 2 || digits[1] > 2 || digits[2] != 4)
        return false;
    snprintf(out, 11, "%04u-%02u-%02u", part[2] % 10000, part[1] % 100, part[0] % 100);
    return true;
}

/* The key of a row, checked against the rows before it. */
static const char *row_key(struct imp *m, const char *key)
{
    if (!key)
        return NULL;
    for (size_t i = 0; i < m->nkeys; i++) {
        if (strcmp(m->keys[i].key, key) == 0) {
            mistake(m, "key", "'%s' is also the key of the row on line %lld", key,
                    (long long)m->keys[i].id);
            return key;
        }
    }
    if (strlen(key) > 100)
        mistake(m, "key", "a key must be 100 characters or fewer");
    SAFER__GROW(m->keys, m->keycap, m->nkeys + 1);
    m->keys[m->nkeys++] = (struct named){key, NULL, (int64_t)m->line};
    return key;
}

static const char *plan_key(struct imp *m, const struct names *ns, const char *column,
                            const char *what, const char *v)
{
    if (!v)
        return NULL;
    const struct named *x = find_name(ns, v);
    if (x)
        return x->key;
    mistake(m, column, "'%.100s' is not a %s of the partnership's plan (by key or %s)", v, what,
            ns == &m->groups ? "name" : "title");
    return NULL;
}

/* A row's key (checked against the rows before it), and its priority and
 * group as keys of the plan; *told_* says a mistake was reported for one. */
static const char *plan_refs(struct imp *m, const char *key, const char *priority,
                             const char *group, const char **priority_key,
                             const char **group_key, bool *told_priority, bool *told_group)
{
    key = row_key(m, key);
    size_t before = m->stats->mistakes;
    *priority_key = plan_key(m, &m->priorities, "priority", "priority", priority);
    *told_priority = m->stats->mistakes > before;
    before = m->stats->mistakes;
    *group_key = plan_key(m, &m->groups, "group", "group", group);
    *told_group = m->stats->mistakes > before;
    return key;
}

/* The library's mistakes of a row, under the template's column names. */
static void form_mistakes(struct imp *m, const struct safer_field_errors *fe, const bool *told)
{
    for (size_t i = 0; i < fe->n; i++) {
        const char *column = fe->e[i].field;
        size_t c;
        for (c = 0; c < m->ncols; c++) {
            if (strcmp(m->cols[c].field, fe->e[i].field) == 0) {
                column = m->cols[c].name;
                break;
            }
        }
        if (c < m->ncols && told[c])
            continue; /* said already, in the file's words */
        mistake(m, column, "%s", fe->e[i].message);
    }
}

/* Count what a row did; a failure other than the form's mistakes is the
 * import's (its message from `rerr` into `err`). */
static int count(struct imp *m, int rc, int outcome, const struct safer_field_errors *fe,
                 const bool *told, const struct safer_err *rerr, struct safer_err *err)
{
    if (rc == SAFER_EINVAL && fe->n) {
        form_mistakes(m, fe, told);
        return 0;
    }
    if (rc < 0)
        return safer_err_set(err, rc, "%s:%zu: %s", m->path, m->line, rerr->msg);
    if (outcome == SAFER__PUT_ADDED)
        m->stats->added++;
    else if (outcome == SAFER__PUT_UPDATED)
        m->stats->updated++;
    else
        m->stats->unchanged++;
    return 0;
}

static int action_row(struct safer_store *st, const struct safer_actor *actor, struct imp *m,
                      int64_t now, struct safer_err *err)
{
    const char *v[A_NCOLS];
    bool told[A_NCOLS] = {false};
    row_values(m, v);
    struct safer_action_fields f = {
        .title = v[A_TITLE],
        .description = v[A_DESCRIPTION],
        .lead_org = v[A_ORG],
    };
    const char *key = plan_refs(m, v[A_KEY], v[A_PRIORITY], v[A_GROUP], &f.priority_key,
                                &f.group_key, &told[A_PRIORITY], &told[A_GROUP]);
    if (v[A_ORG]) {
        const struct named *o = find_name(&m->orgs, v[A_ORG]);
        if (o) {
            f.lead_org = o->name;
        } else {
            mistake(m, "lead_organisation",
                    "'%.100s' is not an organisation of the workspace: add it with the lead's "
                    "account ('safer user add --org'), or leave it blank",
                    v[A_ORG]);
            told[A_ORG] = true;
        }
    }
    if (v[A_PERSON]) {
        const struct named *p = NULL;
        for (size_t i = 0; i < m->people.n && !p; i++) {
            if (strcasecmp(m->people.v[i].key, v[A_PERSON]) == 0)
                p = &m->people.v[i];
        }
        if (p)
            f.lead_user_id = p->id;
        else
            mistake(m, "lead_person", "no person of the partnership has the e-mail '%.100s'",
                    v[A_PERSON]);
        told[A_PERSON] = !p;
    }
    char start[11], due[11];
    const char *dates[2] = {v[A_START], v[A_DUE]};
    char *iso[2] = {start, due};
    const int cols[2] = {A_START, A_DUE};
    for (int k = 0; k < 2; k++) {
        if (!dates[k])
            continue;
        if (iso_date(dates[k], iso[k])) {
            if (k == 0)
                f.start_date = start;
            else
                f.due_date = due;
        } else {
            mistake(m, m->cols[cols[k]].name,
                    "'%.40s' is not a date: write it as 2026-03-31 or 31/03/2026", dates[k]);
            told[cols[k]] = true;
        }
    }
    if (v[A_STATUS]) {
        for (size_t i = 0; safer_action_statuses[i]; i++) {
            const char *name = safer_action_statuses[i];
            if (strcasecmp(v[A_STATUS], name) == 0 ||
                strcasecmp(v[A_STATUS], safer_action_status_label(name)) == 0)
                f.status = name;
        }
        if (!f.status) {
            mistake(m, "status",
                    "'%.60s' is not a status: write not-started, on-track, at-risk, off-track, "
                    "complete or withdrawn",
                    v[A_STATUS]);
            told[A_STATUS] = true;
            f.status = "not-started";
        }
    }
    int progress = -1;
    if (v[A_PROGRESS]) {
        const char *p = v[A_PROGRESS];
        size_t n = strlen(p);
        bool ok = n >= 1 && n <= 3;
        int pct = 0;
        for (size_t i = 0; ok && i < n; i++) {
            ok = isdigit((unsigned char)p[i]);
            pct = pct * 10 + (p[i] - '0');
        }
        if (ok && pct <= 100)
            progress = pct;
        else
            mistake(m, "progress", "'%.20s' is not a whole number of per cent from 0 to 100", p);
    }
    struct safer_field_errors fe = {.n = 0};
    int outcome = 0;
    struct safer_err rerr = {0};
    int rc = safer__action_put(st, actor, key, &f, progress, now, &outcome, &fe, &rerr);
    return count(m, rc, outcome, &fe, told, &rerr, err);
}

/* The categories of a cell, separated by ';', each as police.uk names it
 * whatever its case (an unknown one is left for the library to name). */
static void categories(struct imp *m, const char *cell, const char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!cell)
        return;
    size_t cap = 1;
    for (const char *p = cell; *p; p++)
        cap += *p == ';';
    const char **v = safer_arena_alloc(&m->a, cap * sizeof(*v));
    const char *p = cell;
    for (;;) {
        const char *e = strchr(p, ';');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        while (len && isspace((unsigned char)*p)) {
            p++;
            len--;
        }
        while (len && isspace((unsigned char)p[len - 1]))
            len--;
        if (len) {
            const char *c = safer_arena_strndup(&m->a, p, len);
            for (size_t k = 0; safer_plan_categories[k]; k++) {
                if (strcasecmp(c, safer_plan_categories[k]) == 0)
                    c = safer_plan_categories[k];
            }
            v[(*n)++] = c;
        }
        if (!e)
            break;
        p = e + 1;
    }
    *out = v;
}

/* A word of a closed list, in lower case with spaces as written
 * ("Rolling 12" is rolling12). */
static const char *word(struct imp *m, const char *v)
{
    if (!v)
        return NULL;
    char *w = safer_arena_strdup(&m->a, v);
    size_t k = 0;
    for (size_t i = 0; w[i]; i++) {
        if (w[i] != ' ')
            w[k++] = (char)tolower((unsigned char)w[i]);
    }
    w[k] = '\0';
    return w;
}

static int indicator_row(struct safer_store *st, const struct safer_actor *actor, struct imp *m,
                         int64_t now, struct safer_err *err)
{
    const char *v[I_NCOLS];
    bool told[I_NCOLS] = {false};
    row_values(m, v);
    struct safer_indicator_fields f = {
        .title = v[I_TITLE],
        .kind = word(m, v[I_KIND]),
        .measure = word(m, v[I_MEASURE]),
        .period = word(m, v[I_PERIOD]),
        .good = word(m, v[I_GOOD]),
        .target = v[I_TARGET],
        .amber = v[I_AMBER],
        .red = v[I_RED],
        .unit = v[I_UNIT],
        .question = v[I_QUESTION],
    };
    const char *key = plan_refs(m, v[I_KEY], v[I_PRIORITY], v[I_GROUP], &f.priority_key,
                                &f.group_key, &told[I_PRIORITY], &told[I_GROUP]);
    categories(m, v[I_CATEGORIES], (const char ***)&f.categories, &f.ncategories);
    if (v[I_WARD]) {
        const struct named *w = find_name(&m->wards, v[I_WARD]);
        f.ward = w ? w->key : v[I_WARD];
    }
    if (f.kind && strcmp(f.kind, "manual") == 0) {
        /* A manual indicator has none of these: say so rather than drop them. */
        if (f.ncategories)
            mistake(m, "categories", "a manual indicator has no categories: leave it blank");
        if (v[I_WARD])
            mistake(m, "ward", "a manual indicator has no ward: leave it blank");
        if (f.measure && strcmp(f.measure, "count") != 0)
            mistake(m, "measure", "a manual indicator's measure is count");
    } else if (f.kind && strcmp(f.kind, "survey") == 0) {
        /* Its unit is the survey's per cent: say so rather than drop another. */
        if (v[I_UNIT] && strcmp(v[I_UNIT], "%") != 0)
            mistake(m, "unit", "a survey indicator's unit is %%: leave it blank");
    } else if (v[I_UNIT]) {
        mistake(m, "unit", "only a manual indicator has a unit: leave it blank");
    }
    if (v[I_QUESTION] && !(f.kind && strcmp(f.kind, "survey") == 0))
        mistake(m, "question", "only a survey indicator has a question: leave it blank");
    struct safer_field_errors fe = {.n = 0};
    int outcome = 0;
    struct safer_err rerr = {0};
    int rc = safer__indicator_put(st, actor, key, &f, now, &outcome, &fe, &rerr);
    return count(m, rc, outcome, &fe, told, &rerr, err);
}

static const char SQL_PRIORITIES[] =
    "SELECT r.key, r.title, r.id FROM plan_priority r JOIN partnership_plan l ON l.id = r.plan_id"
    " WHERE l.partnership_id = ?1 ORDER BY r.seq";
static const char SQL_GROUPS[] =
    "SELECT key, name, id FROM partnership_group WHERE partnership_id = ?1 ORDER BY seq";
static const char SQL_PEOPLE[] =
    "SELECT u.email, u.name, u.id FROM app_user u JOIN membership m ON m.user_id = u.id"
    " WHERE m.partnership_id = ?1 ORDER BY u.email";
/* Wards by code and name (the library checks that one is in the area). */
static const char SQL_WARDS[] =
    "SELECT code, name, 0 FROM area WHERE level = 'ward' ORDER BY code";

static const char SQL_ORGS[] =
    "SELECT name, name, id FROM organisation ORDER BY name";

static void names_free(struct names *ns) { free(ns->v); }

int safer_exchange_import(struct safer_store *st, const struct safer_actor *actor,
                          enum safer_exchange_kind kind, const char *path, unsigned flags,
                          int64_t now, struct safer_exchange_stats *stats,
                          safer_exchange_mistake_fn fn, void *ctx, struct safer_err *err)
{
    memset(stats, 0, sizeof(*stats));
    char *data = NULL;
    size_t len = 0;
    int rc = safer__read_file(path, SAFER_LIMIT_EXCHANGE_FILE, "SAFER_LIMIT_EXCHANGE_FILE", &data,
                              &len, err);
    if (rc < 0)
        return rc;
    struct imp m;
    memset(&m, 0, sizeof(m));
    m.path = path;
    m.kind = kind;
    m.cols = kind == SAFER_EXCHANGE_ACTIONS ? ACTION_COLUMNS : INDICATOR_COLUMNS;
    m.ncols = kind == SAFER_EXCHANGE_ACTIONS ? A_NCOLS : I_NCOLS;
    m.stats = stats;
    m.fn = fn;
    m.ctx = ctx;
    safer_arena_init(&m.a);
    safer_csv_init(&m.csv, data, len, path);
    enum safer_perm perm =
        kind == SAFER_EXCHANGE_ACTIONS ? SAFER_PERM_EDIT_PLAN : SAFER_PERM_EDIT_INDICATOR;
    rc = safer__store_begin_write(st, err);
    if (rc < 0)
        goto out;
    rc = safer__access(st, actor, perm, NULL, err);
    if (rc == SAFER_EDENIED) {
        safer__store_rollback(st);
        rc = safer__audit_denied(st, actor, perm, kind == SAFER_EXCHANGE_ACTIONS ? "action"
                                                                                 : "indicator",
                                 NULL, now, err);
        goto out;
    }
    if (rc == 0 && actor->partnership_id <= 0)
        rc = safer_err_set(err, SAFER_EINVAL, "no partnership to import into");
    if (rc == 0)
        rc = load_names(st, SQL_PRIORITIES, actor->partnership_id, &m.a, &m.priorities, err);
    if (rc == 0)
        rc = load_names(st, SQL_GROUPS, actor->partnership_id, &m.a, &m.groups, err);
    if (rc == 0)
        rc = load_names(st, SQL_PEOPLE, actor->partnership_id, &m.a, &m.people, err);
    if (rc == 0)
        rc = load_names(st, SQL_WARDS, actor->partnership_id, &m.a, &m.wards, err);
    if (rc == 0)
        rc = load_names(st, SQL_ORGS, actor->partnership_id, &m.a, &m.orgs, err);
    if (rc == 0)
        rc = read_header(&m, err);
    /* A header with a mistake names no columns to read the rows by. */
    bool header_bad = stats->mistakes > 0;
    while (rc == 0 && !header_bad) {
        struct safer_err cerr = {0};
        rc = safer_csv_next(&m.csv, &cerr);
        if (rc == 0)
            break;
        m.line = m.csv.row_line;
        m.row_bad = false;
        if (rc == SAFER_EPARSE) {
            /* "path:line: what" from the reader: the row is skipped */
            const char *what = cerr.msg;
            size_t pl = strlen(path);
            if (strncmp(what, path, pl) == 0 && what[pl] == ':') {
                what = strchr(what + pl + 1, ':');
                what = what ? what + 1 : cerr.msg;
                while (*what == ' ')
                    what++;
            }
            mistake(&m, "row", "%s", what);
            stats->rows++;
            stats->rejected++;
            rc = 0;
            continue;
        }
        if (rc < 0) {
            safer_err_set(err, rc, "%s", cerr.msg);
            break;
        }
        rc = 0;
        /* A row of empty cells, which a spreadsheet leaves below a table
         * (",,,,"), is no record: counted, not read. */
        bool empty = true;
        for (size_t i = 0; empty && i < m.csv.nfields; i++) {
            for (size_t k = 0; empty && k < m.csv.fields[i].len; k++)
                empty = isspace((unsigned char)m.csv.fields[i].ptr[k]);
        }
        if (empty) {
            stats->empty++;
            continue;
        }
        if (++stats->rows > SAFER_LIMIT_EXCHANGE_ROWS) {
            rc = safer_err_set(err, SAFER_ETOOBIG, "%s: more than %d rows (SAFER_LIMIT_EXCHANGE_ROWS)",
                               path, SAFER_LIMIT_EXCHANGE_ROWS);
            break;
        }
        if (m.csv.nfields != m.nfields) {
            mistake(&m, "row", "%zu field%s, but the header has %zu columns", m.csv.nfields,
                    m.csv.nfields == 1 ? "" : "s", m.nfields);
            stats->rejected++;
            continue;
        }
        rc = kind == SAFER_EXCHANGE_ACTIONS ? action_row(st, actor, &m, now, err)
                                            : indicator_row(st, actor, &m, now, err);
        if (m.row_bad)
            stats->rejected++;
    }
    if (rc == 0 && stats->mistakes) {
        rc = stats->rejected
                 ? safer_err_set(err, SAFER_EPARSE, "%s: %zu of %zu rows rejected", path,
                                 stats->rejected, stats->rows)
                 : safer_err_set(err, SAFER_EPARSE, "%s: the header is not the template's", path);
    }
    if (rc == 0 && !(flags & SAFER_EXCHANGE_DRY_RUN))
        rc = safer__store_commit(st, err);
    else
        safer__store_rollback(st);
out:
    if (rc < 0) {
        stats->added = stats->updated = stats->unchanged = 0;
    }
    safer_csv_release(&m.csv);
    names_free(&m.priorities);
    names_free(&m.groups);
    names_free(&m.people);
    names_free(&m.wards);
    names_free(&m.orgs);
    free(m.keys);
    safer_arena_release(&m.a);
    free(data);
    return rc;
}
