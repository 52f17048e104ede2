/*
 * store.c - opening a store on either engine, its transactions, settings,
 * and the digest of its content.
 */
#include "util/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xxhash.h>

#include "store/store_impl.h"
#include "util/internal.h"

const char *safer__base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

int safer__run_id(struct safer_store *st, const char *sql, int64_t id, struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st, sql, &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, id);
    rc = safer__step_done(s, err);
    safer__stmt_finalize(s);
    return rc;
}

void safer__now_iso(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int store_open(struct safer_store **out, const char *target, int must_exist,
                      struct safer_err *err)
{
    *out = NULL;
    struct safer__db *db;
    int rc = safer__db_open(&db, target, must_exist, err);
    if (rc < 0)
        return rc;
    struct safer_store *st = safer__xcalloc(1, sizeof(*st));
    st->db = db;
    rc = must_exist ? safer__schema_exists(st, err) : 0;
    if (rc == 0)
        rc = safer__schema_migrate(st, err);
    if (rc < 0) {
        safer_store_close(st);
        return rc;
    }
    *out = st;
    return 0;
}

int safer_store_open(struct safer_store **out, const char *target, struct safer_err *err)
{
    return store_open(out, target, 0, err);
}

int safer_store_open_existing(struct safer_store **out, const char *target,
                              struct safer_err *err)
{
    return store_open(out, target, 1, err);
}

void safer_store_close(struct safer_store *st)
{
    if (!st)
        return;
    safer__store_rollback(st);
    safer__ind_cache_free(st);
    safer__plan_cache_free(st);
    safer__people_free(st);
    safer__keep_free(st);
    safer__db_close(st->db);
    free(st);
}

void safer_store_set_client(struct safer_store *st, const char *addr)
{
    snprintf(st->client, sizeof(st->client), "%s", addr ? addr : "");
}

const char *safer_store_engine(const struct safer_store *st)
{
    return st->db->engine == SAFER__SQLITE ? "sqlite" : "postgresql";
}

const char *safer_store_name(const struct safer_store *st) { return st->db->name; }

int safer__store_begin_write(struct safer_store *st, struct safer_err *err)
{
    return safer__db_begin(st->db, SAFER__TX_WRITE, err);
}

int safer__store_begin_bookkeeping(struct safer_store *st, struct safer_err *err)
{
    return safer__db_begin(st->db, SAFER__TX_BOOKKEEPING, err);
}

int safer__store_begin_read(struct safer_store *st, struct safer_err *err)
{
    return safer__db_begin(st->db, SAFER__TX_READ, err);
}

int safer__store_commit(struct safer_store *st, struct safer_err *err)
{
    return safer__db_commit(st->db, err);
}

void safer__store_rollback(struct safer_store *st) { safer__db_rollback(st->db); }

int safer__store_read_done(struct safer_store *st, int rc, struct safer_err *err)
{
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0)
        safer__store_rollback(st);
    return rc;
}

bool safer__store_in_tx(const struct safer_store *st)
{
    /* A read scope's transaction is joined by begin_read: not the caller's. */
    return st->db->in_tx != 0 && !safer__db_in_scope(st->db);
}

int safer_store_read_begin(struct safer_store *st, struct safer_err *err)
{
    return safer__db_scope_begin(st->db, err);
}

void safer_store_read_end(struct safer_store *st) { safer__db_scope_end(st->db); }

/* The generation's text as meta holds it: -1 when it is none. */
int64_t safer__generation_of(const char *v)
{
    char *end = NULL;
    long long g = v ? strtoll(v, &end, 10) : -1;
    return v && *v && !*end && g >= 0 ? g : -1;
}

void safer__generation_learnt(struct safer_store *st, const char *text)
{
    if (!(st->db->in_tx && st->db->tx == SAFER__TX_READ))
        return;
    st->tx_memo.gen_serial = st->db->serial;
    st->tx_memo.gen = safer__generation_of(text);
}

int safer__store_generation(struct safer_store *st, int64_t *gen, struct safer_err *err)
{
    /* Read once a snapshot. */
    bool snapshot = st->db->in_tx && st->db->tx == SAFER__TX_READ;
    if (snapshot && st->tx_memo.gen_serial == st->db->serial) {
        *gen = st->tx_memo.gen;
        return 0;
    }
    struct safer__stmt *s;
    int rc = safer__prep(st, "SELECT value FROM meta WHERE key = 'generation'", &s, err);
    if (rc < 0)
        return rc;
    *gen = -1;
    rc = safer__step(s, err);
    if (rc == 1) {
        *gen = safer__generation_of(safer__col_text(s, 0));
        rc = 0;
    }
    safer__stmt_finalize(s);
    if (rc == 0 && snapshot) {
        st->tx_memo.gen_serial = st->db->serial;
        st->tx_memo.gen = *gen;
    }
    return rc;
}

void safer__store_large_writes(struct safer_store *st, int on)
{
    if (st->db->engine == SAFER__SQLITE)
        safer__sqlite_large_writes(st->db, on);
}

int safer_store_set_meta(struct safer_store *st, const char *key, const char *value,
                         struct safer_err *err)
{
    /* A writer's transaction of its own, unless the caller has one. */
    bool own = !safer__store_in_tx(st);
    int rc = own ? safer__store_begin_write(st, err) : 0;
    struct safer__stmt *s = NULL;
    if (rc == 0)
        rc = safer__prep(st,
                         "INSERT INTO meta(key, value) VALUES(?, ?)"
                         " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                         &s, err);
    if (rc == 0) {
        safer__bind_text(s, 1, key);
        safer__bind_text(s, 2, value);
        rc = safer__step_done(s, err);
        safer__stmt_finalize(s);
    }
    if (own && rc == 0)
        rc = safer__store_commit(st, err);
    if (own && rc < 0)
        safer__store_rollback(st);
    return rc;
}

int safer_store_get_meta(struct safer_store *st, const char *key, char **out,
                         struct safer_err *err)
{
    *out = NULL;
    struct safer__stmt *s;
    int rc = safer__prep(st, "SELECT value FROM meta WHERE key = ?", &s, err);
    if (rc < 0)
        return rc;
    safer__bind_text(s, 1, key);
    rc = safer__step(s, err);
    if (rc == 1)
        *out = safer__xstrdup(safer__col_text(s, 0));
    safer__stmt_finalize(s);
    return rc < 0 ? rc : 0;
}

/* ---- the digest ---- */

/* Each table's columns as kinds: I integer, R real, T text, B blob. */
struct digest_table {
    const char *sql; /* every row, in key order */
    const char *kinds;
};

static const struct digest_table DIGEST[] = {
    {"SELECT key, value FROM meta WHERE key <> 'generation' ORDER BY key", "TT"},
    {"SELECT id, kind, file, checksum, force, month_first, month_last, rows_read, imported,"
     " rejected, replaced FROM import_log ORDER BY id",
     "ITTTTTTIIII"},
    {"SELECT log_id, line, reason FROM import_reject ORDER BY log_id, line, reason", "IIT"},
    {"SELECT force, month, rows, rows_read, log_id, checksum, hot, cold FROM crime_batch"
     " ORDER BY force, month",
     "TIIIITBB"},
    {"SELECT force, month, rows, rows_read, log_id, checksum, data FROM outcome_batch"
     " ORDER BY force, month",
     "TIIIITB"},
    {"SELECT force, month, area_code, crime_type, count FROM crime_count"
     " ORDER BY force, month, area_code, crime_type",
     "TITTI"},
    {"SELECT code, name, level, district_code, source, code_field, geom FROM area ORDER BY code",
     "TTTTTTB"},
    {"SELECT lsoa_code, lsoa_name, ward_code, ward_name, district_code, district_name"
     " FROM lookup_lsoa ORDER BY lsoa_code",
     "TTTTTT"},
    {"SELECT ward_code, ward_name, district_code, district_name FROM lookup_ward"
     " ORDER BY ward_code",
     "TTTT"},
    {"SELECT district_code, district_name, csp_code, csp_name, pfa_code, pfa_name"
     " FROM lookup_district ORDER BY district_code",
     "TTTTTT"},
    {"SELECT code, level, population, basis, source FROM population ORDER BY code, level",
     "TTRTT"},
    {"SELECT lsoa_code, score, rank, decile, source FROM deprivation ORDER BY lsoa_code",
     "TRIIT"},
    /* Partnerships and their plans, by their keys rather than row ids, which
     * an engine may number differently (a PostgreSQL identity is not given
     * back by a rollback); the import time is left out. */
    {"SELECT code, csp_code, name, note FROM partnership ORDER BY code", "TTTT"},
    {"SELECT p.code, d.seq, d.district_code FROM partnership_district d"
     " JOIN partnership p ON p.id = d.partnership_id ORDER BY p.code, d.seq",
     "TIT"},
    {"SELECT p.code, e.seq, e.code, e.name FROM partnership_peer e"
     " JOIN partnership p ON p.id = e.partnership_id ORDER BY p.code, e.seq",
     "TITT"},
    {"SELECT p.code, g.seq, g.key, g.name, g.kind, u.key, g.meets, g.source"
     " FROM partnership_group g JOIN partnership p ON p.id = g.partnership_id"
     " LEFT JOIN partnership_group u ON u.id = g.parent_id ORDER BY p.code, g.seq",
     "TITTTTTT"},
    {"SELECT p.code, g.key, r.seq, r.duty FROM group_remit r"
     " JOIN partnership_group g ON g.id = r.group_id"
     " JOIN partnership p ON p.id = g.partnership_id ORDER BY p.code, g.key, r.seq",
     "TTIT"},
    {"SELECT p.code, l.title, l.period_from, l.period_to, l.updated, l.source, l.about, l.file,"
     " l.checksum, l.weight_volume, l.weight_rate, l.weight_trend, l.weight_harm,"
     " l.weight_concern, l.harm_source FROM partnership_plan l"
     " JOIN partnership p ON p.id = l.partnership_id ORDER BY p.code, l.title",
     "TTTTTTTTTRRRRRT"},
    {"SELECT p.code, h.crime_type, h.weight FROM plan_harm_weight h"
     " JOIN partnership_plan l ON l.id = h.plan_id"
     " JOIN partnership p ON p.id = l.partnership_id ORDER BY p.code, h.crime_type",
     "TTR"},
    {"SELECT p.code, r.seq, r.key, r.title, r.cross_cutting, r.objective, r.description,"
     " r.cannot_show, r.source FROM plan_priority r JOIN partnership_plan l ON l.id = r.plan_id"
     " JOIN partnership p ON p.id = l.partnership_id ORDER BY p.code, r.seq",
     "TITTITTTT"},
    {"SELECT p.code, r.key, c.seq, c.crime_type FROM priority_category c"
     " JOIN plan_priority r ON r.id = c.priority_id JOIN partnership_plan l ON l.id = r.plan_id"
     " JOIN partnership p ON p.id = l.partnership_id ORDER BY p.code, r.key, c.seq",
     "TTIT"},
    {"SELECT p.code, r.key, q.seq, g.key FROM priority_group q"
     " JOIN plan_priority r ON r.id = q.priority_id JOIN partnership_group g ON g.id = q.group_id"
     " JOIN partnership_plan l ON l.id = r.plan_id JOIN partnership p ON p.id = l.partnership_id"
     " ORDER BY p.code, r.key, q.seq",
     "TTIT"},
    /* The partnership's own harm weights (harm.h). */
    {"SELECT crime_type, weight, source FROM harm_weight ORDER BY crime_type", "TRT"},
};

/*
 * The workspace (schema version 4), each table only when it has rows.
 * People, their organisations and partnerships, and actions with their
 * updates are content, known by e-mail, name and key. Left out:
 * credentials (password hashes change at a sign-in that brings one up
 * to date, TOTP steps at every administrator's sign-in), sessions,
 * links and sign-in failures (who happens to be signed in is not what
 * the store holds), and every time of writing (created_at, updated_at,
 * an update's `at`, the audit log's `at` and the hashes that chain
 * them), as the import log's times are. The audit log's rows are kept
 * without their record ids, which are row ids a PostgreSQL rollback
 * does not give back. (NULL keys sort last on both engines.)
 *
 * Each of these tables is hashed only when it has rows, so that a store
 * without any keeps the digest it had before they existed.
 */
static const struct digest_table DIGEST_IF_ROWS[] = {
    {"SELECT name, kind FROM organisation ORDER BY name", "TT"},
    {"SELECT u.email, u.name, o.name, u.disabled,"
     " CASE WHEN u.password_hash IS NULL THEN 0 ELSE 1 END FROM app_user u"
     " JOIN organisation o ON o.id = u.organisation_id ORDER BY u.email",
     "TTTII"},
    {"SELECT u.email, p.code, m.role FROM membership m JOIN app_user u ON u.id = m.user_id"
     " JOIN partnership p ON p.id = m.partnership_id ORDER BY u.email, p.code",
     "TTT"},
    {"SELECT p.code, a.key, a.priority_key, a.group_key, a.title, a.description, o.name,"
     " u.email, a.start_date, a.due_date, a.status, a.progress, a.source, a.version"
     " FROM action a JOIN partnership p ON p.id = a.partnership_id"
     " LEFT JOIN organisation o ON o.id = a.lead_org_id"
     " LEFT JOIN app_user u ON u.id = a.lead_user_id"
     " ORDER BY p.code, a.key IS NULL, a.key, a.title, a.created_at",
     "TTTTTTTTTTTITI"},
    {"SELECT p.code, a.key, a.title, d.on_date, w.email, d.status, d.progress, d.note"
     " FROM action_update d JOIN action a ON a.id = d.action_id"
     " JOIN partnership p ON p.id = a.partnership_id"
     " LEFT JOIN app_user w ON w.id = d.author_id"
     " ORDER BY p.code, a.key IS NULL, a.key, a.title, d.on_date, d.at, d.note",
     "TTTTTTIT"},
    {"SELECT id, actor_email, action, record_type, before, after, detail FROM audit_log"
     " ORDER BY id",
     "ITTTTTT"},
    /* Indicators, their values and comments, by the partnership's code and
     * the indicator's key (or title, for one defined in the workspace). */
    {"SELECT p.code, i.key, i.priority_key, i.group_key, i.title, i.kind, i.categories, i.ward,"
     " i.measure, i.period, i.good, i.target, i.amber, i.red, i.unit, i.version"
     " FROM indicator i JOIN partnership p ON p.id = i.partnership_id"
     " ORDER BY p.code, i.key IS NULL, i.key, i.title, i.created_at",
     "TTTTTTTTTTTRRRTI"},
    {"SELECT p.code, i.key, i.title, v.period, v.value, u.email FROM indicator_value v"
     " JOIN indicator i ON i.id = v.indicator_id JOIN partnership p ON p.id = i.partnership_id"
     " LEFT JOIN app_user u ON u.id = v.author_id"
     " ORDER BY p.code, i.key IS NULL, i.key, i.title, v.period",
     "TTTTRT"},
    {"SELECT p.code, i.key, i.title, c.period, u.email, c.note FROM indicator_comment c"
     " JOIN indicator i ON i.id = c.indicator_id JOIN partnership p ON p.id = i.partnership_id"
     " LEFT JOIN app_user u ON u.id = c.author_id"
     " ORDER BY p.code, i.key IS NULL, i.key, i.title, c.period, c.at, c.note",
     "TTTTTT"},
    /* Equality and money: equality impact assessments by partnership, plan
     * and year; grants by their content (they have no key), and the
     * actions each pays for by the action's key or title. */
    {"SELECT p.code, e.group_key, e.year, e.characteristics, e.evidence, e.findings,"
     " e.mitigations, e.review_date, e.version FROM equality_assessment e"
     " JOIN partnership p ON p.id = e.partnership_id ORDER BY p.code, e.group_key, e.year",
     "TTITTTTTI"},
    {"SELECT p.code, f.funder, f.scheme, f.amount, f.spent, f.period_from, f.period_to,"
     " f.priority_key, f.status, f.delivered, f.version FROM funding f"
     " JOIN partnership p ON p.id = f.partnership_id"
     " ORDER BY p.code, f.funder, f.scheme IS NULL, f.scheme, f.period_from, f.period_to,"
     " f.amount, f.created_at",
     "TTTIITTTTTI"},
    {"SELECT p.code, f.funder, f.scheme, f.period_from, a.key, a.title FROM funding_action j"
     " JOIN funding f ON f.id = j.funding_id JOIN action a ON a.id = j.action_id"
     " JOIN partnership p ON p.id = f.partnership_id"
     " ORDER BY p.code, f.funder, f.scheme IS NULL, f.scheme, f.period_from, f.created_at,"
     " a.key IS NULL, a.key, a.title",
     "TTTTTT"},
    /* groups: what the workspace keeps of the strategy (group.h), by the
     * partnership's code and the group's or priority's key. A group's
     * terms and version, and a priority's version, only once set or
     * changed, so that a plan as imported before they existed hashes as
     * it did. */
    {"SELECT p.code, g.key, g.terms, g.version FROM partnership_group g"
     " JOIN partnership p ON p.id = g.partnership_id"
     " WHERE g.terms IS NOT NULL OR g.version <> 1 ORDER BY p.code, g.key",
     "TTTI"},
    {"SELECT p.code, r.key, r.version FROM plan_priority r"
     " JOIN partnership_plan l ON l.id = r.plan_id JOIN partnership p ON p.id = l.partnership_id"
     " WHERE r.version <> 1 ORDER BY p.code, r.key",
     "TTI"},
    {"SELECT p.code, g.key, m.seq, m.name, o.name, u.email, m.role FROM group_member m"
     " JOIN partnership_group g ON g.id = m.group_id JOIN partnership p ON p.id = g.partnership_id"
     " LEFT JOIN organisation o ON o.id = m.organisation_id"
     " LEFT JOIN app_user u ON u.id = m.user_id ORDER BY p.code, g.key, m.seq",
     "TTITTTT"},
    {"SELECT p.code, r.key, k.seq, k.kind, k.title FROM priority_link k"
     " JOIN plan_priority r ON r.id = k.priority_id JOIN partnership_plan l ON l.id = r.plan_id"
     " JOIN partnership p ON p.id = l.partnership_id ORDER BY p.code, r.key, k.seq",
     "TTITT"},
    {"SELECT p.code, x.group_key, x.year, x.outcome, x.version FROM group_plan x"
     " JOIN partnership p ON p.id = x.partnership_id ORDER BY p.code, x.group_key, x.year",
     "TTITI"},
    /* projects: problem-solving projects by their content (they have no
     * key), their wards and their responses. */
    {"SELECT p.code, j.title, j.objective, j.category, j.start_date, j.stage, j.scanning,"
     " j.analysis, j.assessment, j.version FROM project j"
     " JOIN partnership p ON p.id = j.partnership_id"
     " ORDER BY p.code, j.title, j.start_date, j.category, j.objective, j.created_at",
     "TTTTTTTTTI"},
    {"SELECT p.code, j.title, j.start_date, w.area_code FROM project_ward w"
     " JOIN project j ON j.id = w.project_id JOIN partnership p ON p.id = j.partnership_id"
     " ORDER BY p.code, j.title, j.start_date, j.category, j.objective, j.created_at,"
     " w.area_code",
     "TTTT"},
    {"SELECT p.code, j.title, j.start_date, r.on_date, r.partners, r.what, u.email"
     " FROM project_response r JOIN project j ON j.id = r.project_id"
     " JOIN partnership p ON p.id = j.partnership_id LEFT JOIN app_user u ON u.id = r.author_id"
     " ORDER BY p.code, j.title, j.start_date, j.category, j.objective, j.created_at,"
     " r.on_date, r.at, r.what, r.partners",
     "TTTTTTT"},
    /* focus: the IoD2019 domains by LSOA (schema 6, profile.h). */
    {"SELECT lsoa_code, domain, score, rank, decile, source FROM deprivation_domain"
     " ORDER BY lsoa_code, domain",
     "TTRIIT"},
    /* partner: the partner agencies' data sets (schema 7, partner.h), less
     * the time of their import. */
    {"SELECT key, title, agency, source, licence, threshold, place_kind, police_category, file,"
     " checksum, rows FROM partner_dataset ORDER BY key",
     "TTTTTITTTTI"},
    {"SELECT d.key, r.line, r.month, r.ward_code, r.lsoa_code, r.x, r.y, r.category, r.count"
     " FROM partner_record r JOIN partner_dataset d ON d.id = r.dataset_id ORDER BY d.key, r.line",
     "TIITTRRTI"},
    /* places: the ONS Postcode Directory's postcodes (schema 7, place.h). */
    {"SELECT postcode, ward_code, lsoa_code, district_code, lon, lat, x, y, terminated, source"
     " FROM postcode ORDER BY postcode",
     "TTTTRRRRTT"},
    /* surveys: each wave by its name, less the time of its import, with
     * its questions, margins and weighted respondents (survey.h). */
    {"SELECT name, file, respondents, iterations, deff, trim_lo, trim_hi, margins"
     " FROM survey_wave ORDER BY name",
     "TTIIRRRT"},
    {"SELECT w.name, q.seq, q.key, q.label, q.text, q.concern FROM survey_question q"
     " JOIN survey_wave w ON w.id = q.wave_id ORDER BY w.name, q.seq",
     "TITTTT"},
    {"SELECT w.name, m.margin, m.seq, m.category, m.population FROM survey_margin m"
     " JOIN survey_wave w ON w.id = m.wave_id ORDER BY w.name, m.margin, m.seq",
     "TTITR"},
    {"SELECT w.name, r.seq, r.ward_code, r.age_sex, r.weight, r.answers"
     " FROM survey_respondent r JOIN survey_wave w ON w.id = r.wave_id ORDER BY w.name, r.seq",
     "TITTRT"},
    /* visits: services' visits and venues (visits.h), less the time of
     * their import. */
    {"SELECT source, file, rows, unresolved FROM visit_source ORDER BY source", "TTII"},
    {"SELECT source, line, day, minute, home_kind, home, ward_code, lsoa_code, x, y, service,"
     " venue, visitor FROM visit ORDER BY source, line",
     "TIIITTTTRRTTT"},
    {"SELECT name, kind, x, y, lon, lat, postcode, source FROM venue ORDER BY name", "TTRRRRTT"},
    /* A project's drawn place and a survey indicator's question (schemas
     * 7 and 8), only where set, so that a store without them hashes as it
     * did before the columns existed. */
    {"SELECT p.code, j.title, j.start_date, j.place FROM project j"
     " JOIN partnership p ON p.id = j.partnership_id WHERE j.place IS NOT NULL"
     " ORDER BY p.code, j.title, j.start_date, j.category, j.objective, j.created_at",
     "TTTT"},
    {"SELECT p.code, i.key, i.title, i.question FROM indicator i"
     " JOIN partnership p ON p.id = i.partnership_id WHERE i.question IS NOT NULL"
     " ORDER BY p.code, i.key IS NULL, i.key, i.title, i.created_at",
     "TTTT"},
    /* Populations by sex and single year of age (schema 8, lookup.h). */
    {"SELECT code, level, ages, source FROM population_age ORDER BY code, level", "TTBT"},
    /* Published assessments: what was published, by partnership and
     * edition, less the time of publishing (publish.h). */
    {"SELECT p.code, a.edition, a.title, a.area, a.period_from, a.period_to, a.approved_by,"
     " a.approved_on, a.published_by, a.records, a.digest FROM published_assessment a"
     " JOIN partnership p ON p.id = a.partnership_id ORDER BY p.code, a.edition",
     "TITTTTTTTIT"},
    {"SELECT p.code, a.edition, i.seq, i.force, i.month, i.file, i.checksum, i.records"
     " FROM published_input i JOIN published_assessment a ON a.id = i.assessment_id"
     " JOIN partnership p ON p.id = a.partnership_id ORDER BY p.code, a.edition, i.seq",
     "TIITTTTI"},
    {"SELECT p.code, a.edition, f.public, f.name, f.data FROM published_file f"
     " JOIN published_assessment a ON a.id = f.assessment_id"
     " JOIN partnership p ON p.id = a.partnership_id ORDER BY p.code, a.edition, f.public, f.name",
     "TIITB"},
};

static void hash_value(XXH3_state_t *h, struct safer__stmt *s, int col, char kind)
{
    unsigned char tag = safer__col_is_null(s, col) ? 0 : (unsigned char)kind;
    XXH3_128bits_update(h, &tag, 1);
    if (!tag)
        return;
    unsigned char le[8];
    uint64_t u;
    const void *p;
    size_t len;
    switch (kind) {
    case 'I':
        u = (uint64_t)safer__col_int64(s, col);
        break;
    case 'R': {
        double d = safer__col_double(s, col);
        memcpy(&u, &d, 8);
        break;
    }
    default:
        p = kind == 'B' ? safer__col_blob(s, col, &len) : safer__col_textn(s, col, &len);
        u = len;
        for (int k = 0; k < 8; k++)
            le[k] = (unsigned char)(u >> (8 * k));
        XXH3_128bits_update(h, le, 8);
        if (len)
            XXH3_128bits_update(h, p, len);
        return;
    }
    for (int k = 0; k < 8; k++)
        le[k] = (unsigned char)(u >> (8 * k));
    XXH3_128bits_update(h, le, 8);
}

/* Hash every row of `t`; with `if_rows`, nothing at all for a table
 * without rows, else a tag of the table's place `n` before them. */
static int digest_table(struct safer_store *st, XXH3_state_t *h, const struct digest_table *t,
                        bool if_rows, size_t n, struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st, t->sql, &s, err);
    if (rc < 0)
        return rc;
    unsigned char sep = 0xff;
    if (!if_rows)
        XXH3_128bits_update(h, &sep, 1);
    int ncol = (int)strlen(t->kinds);
    bool first = true;
    while ((rc = safer__step(s, err)) == 1) {
        if (if_rows && first) {
            unsigned char tag[2] = {0xfe, (unsigned char)n};
            XXH3_128bits_update(h, tag, 2);
        }
        first = false;
        for (int c = 0; c < ncol; c++)
            hash_value(h, s, c, t->kinds[c]);
    }
    safer__stmt_finalize(s);
    return rc;
}

int safer_store_digest(struct safer_store *st, char out[33], struct safer_err *err)
{
    out[0] = '\0';
    XXH3_state_t *h = XXH3_createState();
    if (!h)
        return safer_err_set(err, SAFER_ENOMEM, "out of memory");
    XXH3_128bits_reset(h);
    int rc = safer__store_begin_read(st, err);
    for (size_t t = 0; rc == 0 && t < sizeof(DIGEST) / sizeof(DIGEST[0]); t++)
        rc = digest_table(st, h, &DIGEST[t], false, t, err);
    for (size_t t = 0; rc == 0 && t < sizeof(DIGEST_IF_ROWS) / sizeof(DIGEST_IF_ROWS[0]); t++)
        rc = digest_table(st, h, &DIGEST_IF_ROWS[t], true, t, err);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0) {
        safer__store_rollback(st);
    } else {
        XXH128_hash_t d = XXH3_128bits_digest(h);
        snprintf(out, 33, "%016llx%016llx", (unsigned long long)d.high64,
                 (unsigned long long)d.low64);
    }
    XXH3_freeState(h);
    return rc;
}
