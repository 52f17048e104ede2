/*
 * test_money.c - equality impact assessments (lib/store/store_equality.c)
 * and grants (lib/store/store_funding.c) on either engine (SAFER_TEST_PG
 * selects PostgreSQL): money read and printed in pence; adding, changing
 * (a stale form is a conflict), each change's audit row; every message a
 * form can get, with nothing saved; who may do what, each refusal
 * logged; another partnership's records not found; totals and spend.
 */
#include "util/compat.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "safer/account.h"
#include "safer/action.h"
#include "safer/arena.h"
#include "safer/auth.h"
#include "safer/equality.h"
#include "safer/funding.h"
#include "safer/plan.h"
#include "safer/store.h"
#include "testdb.h"

/* 2026-12-02T10:00:00Z: the tests' clock. */
#define NOW INT64_C(1796205600)
#define PASSWORD "plum-lantern-orbit-42"

static const char PLAN_A[] =
    "{\"safer_plan\": 1, \"partnership\": {\"name\": \"Safer Test\", \"code\": \"E22000001\"},\n"
    " \"plan\": {\"title\": \"Plan A\", \"period\": {\"from\": \"2021\", \"to\": \"2024\"},"
    " \"source\": \"s\"},\n"
    " \"groups\": [{\"id\": \"exec\", \"name\": \"Test Executive Group\", \"kind\": "
    "\"executive\"},\n"
    "  {\"id\": \"sub\", \"name\": \"Burglary Sub-group\", \"kind\": \"subgroup\"}],\n"
    " \"priorities\": [{\"id\": \"burglary\", \"title\": \"Reduce burglary\"},\n"
    "  {\"id\": \"asb\", \"title\": \"Reduce ASB\"}]}\n";
static const char PLAN_B[] =
    "{\"safer_plan\": 1, \"partnership\": {\"name\": \"Other\", \"code\": \"E22000002\"},\n"
    " \"plan\": {\"title\": \"Plan B\", \"period\": {\"from\": \"2021\", \"to\": \"2024\"},"
    " \"source\": \"s\"},\n"
    " \"groups\": [{\"id\": \"youth\", \"name\": \"Youth Group\", \"kind\": \"subgroup\"}],\n"
    " \"priorities\": [{\"id\": \"p\", \"title\": \"P\"}]}\n";

struct fix {
    struct safer_store *st;
    char target[600];
    struct safer_actor op;
    struct safer_actor admin, coord, analyst, prac, exec, member, pub, coord_b;
    int64_t act1, act2, act_b; /* two actions of A, one of B */
};

static void store_plan(struct safer_store *st, const char *json)
{
    struct safer_plan p;
    struct safer_err err = {0};
    struct safer_plan_stats s;
    if (safer_plan_parse(json, strlen(json), "plan.json", &p, &err) < 0 ||
        safer_plan_store(st, &p, &s, &err) < 0)
        fail_msg("%s", err.msg);
    safer_plan_release(&p);
}

/* A person of partnership `code` with `role`, signed in. */
static void person(struct fix *f, const char *email, const char *code, enum safer_role role,
                   struct safer_actor *out)
{
    struct safer_err err = {0};
    char token[SAFER_TOKEN_SIZE], session[SAFER_TOKEN_SIZE];
    struct safer_link_info li;
    if (safer_user_add(f->st, &f->op, email, email, "Test Borough Council", code, role, NOW, token,
                       &err) < 0 ||
        safer_link_info(f->st, token, NOW, &li, &err) < 0)
        fail_msg("%s: %s", email, err.msg);
    char totp[16] = "";
    if (li.needs_totp)
        snprintf(totp, sizeof(totp), "%06lld",
                 (long long)safer_totp_code(li.totp_secret, NOW / 30, 6));
    if (safer_link_use(f->st, token, PASSWORD, strlen(PASSWORD), li.needs_totp ? totp : NULL, NOW,
                       &err) < 0)
        fail_msg("%s: %s", email, err.msg);
    if (li.needs_totp)
        snprintf(totp, sizeof(totp), "%06lld",
                 (long long)safer_totp_code(li.totp_secret, NOW / 30 + 2, 6));
    if (safer_login(f->st, email, PASSWORD, strlen(PASSWORD), li.needs_totp ? totp : NULL, false,
                    code, NOW + 60, session, out, &err) < 0)
        fail_msg("%s: %s", email, err.msg);
    assert_int_equal(out->role, role);
}

static int64_t action(struct fix *f, const struct safer_actor *who, const char *title)
{
    struct safer_action_fields a = {.title = title};
    struct safer_err err = {0};
    int64_t id = 0;
    if (safer_action_add(f->st, who, &a, NOW, &id, NULL, &err) < 0)
        fail_msg("%s", err.msg);
    return id;
}

static int setup(void **state)
{
    struct fix *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    struct safer_err err = {0};
    if (safer_auth_init(&err) < 0)
        fail_msg("%s", err.msg);
    testdb_new("money", f->target, sizeof(f->target));
    if (safer_store_open(&f->st, f->target, &err) < 0)
        fail_msg("%s", err.msg);
    safer_actor_operator(&f->op);
    store_plan(f->st, PLAN_A);
    store_plan(f->st, PLAN_B);
    person(f, "admin@test.example", "E22000001", SAFER_ROLE_ADMINISTRATOR, &f->admin);
    person(f, "coord@test.example", "E22000001", SAFER_ROLE_COORDINATOR, &f->coord);
    person(f, "analyst@test.example", "E22000001", SAFER_ROLE_ANALYST, &f->analyst);
    person(f, "prac@test.example", "E22000001", SAFER_ROLE_PRACTITIONER, &f->prac);
    person(f, "exec@test.example", "E22000001", SAFER_ROLE_EXECUTIVE, &f->exec);
    person(f, "member@test.example", "E22000001", SAFER_ROLE_MEMBER, &f->member);
    safer_actor_public(&f->pub, f->coord.partnership_id);
    person(f, "coord@other.example", "E22000002", SAFER_ROLE_COORDINATOR, &f->coord_b);
    f->act1 = action(f, &f->coord, "Target hardening for repeat burglary victims");
    f->act2 = action(f, &f->coord, "Diversionary activities in the town centre");
    f->act_b = action(f, &f->coord_b, "Another partnership's action");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fix *f = *state;
    safer_store_close(f->st);
    testdb_drop(f->target);
    free(f);
    return 0;
}

/* ---- the audit log ---- */

struct audit_count {
    size_t rows, denied;
    char last_action[64], last_before[2048], last_after[4096], last_record[64];
};

static int count_row(const struct safer_audit_row *r, void *ctx)
{
    struct audit_count *c = ctx;
    c->rows++;
    c->denied += strcmp(r->action, "denied") == 0;
    snprintf(c->last_action, sizeof(c->last_action), "%s", r->action);
    snprintf(c->last_before, sizeof(c->last_before), "%s", r->before ? r->before : "NULL");
    snprintf(c->last_after, sizeof(c->last_after), "%s", r->after ? r->after : "NULL");
    snprintf(c->last_record, sizeof(c->last_record), "%s/%s", r->record_type ? r->record_type : "",
             r->record_id ? r->record_id : "");
    return 0;
}

static struct audit_count audit(struct fix *f)
{
    struct audit_count c;
    memset(&c, 0, sizeof(c));
    struct safer_err err = {0};
    if (safer_audit_each(f->st, &f->op, NULL, count_row, &c, &err) < 0)
        fail_msg("%s", err.msg);
    return c;
}

/* The messages of `fe`, "field: message|..." */
static void messages(const struct safer_field_errors *fe, char *out, size_t cap)
{
    size_t at = 0;
    out[0] = '\0';
    for (size_t i = 0; i < fe->n && at < cap; i++)
        at += (size_t)snprintf(out + at, cap - at, "%s%s: %s", i ? "|" : "", fe->e[i].field,
                               fe->e[i].message);
}

/* ---- money ---- */

static void test_money_parse_and_format(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        int rc;
        int64_t pence;
    } cases[] = {
        {"£12,500", 0, 1250000},
        {"12500.50", 0, 1250050},
        {"12,500.5", 0, 1250050},
        {"  £0.10 ", 0, 10},
        {"1,234,567.89", 0, 123456789},
        {"0", 0, 0},
        {"1000000000", 0, SAFER_MONEY_MAX},
        {"£1,000,000,000.00", 0, SAFER_MONEY_MAX},
        {"1,000,000,000.01", SAFER_ETOOBIG, 0},
        {"99999999999999999999999", SAFER_ETOOBIG, 0},
        {"", SAFER_EINVAL, 0},
        {"£", SAFER_EINVAL, 0},
        {"-5", SAFER_EINVAL, 0},
        {"£-5", SAFER_EINVAL, 0},
        {"+5", SAFER_EINVAL, 0},
        {"12,50", SAFER_EINVAL, 0},
        {"1234,567", SAFER_EINVAL, 0},
        {",500", SAFER_EINVAL, 0},
        {"1,,500", SAFER_EINVAL, 0},
        {"12.", SAFER_EINVAL, 0},
        {"12.345", SAFER_EINVAL, 0},
        {".5", SAFER_EINVAL, 0},
        {"1 000", SAFER_EINVAL, 0},
        {"12e3", SAFER_EINVAL, 0},
        {"$12", SAFER_EINVAL, 0},
        {"12 pounds", SAFER_EINVAL, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t p = -1;
        int rc = safer_money_parse(cases[i].in, &p);
        if (rc != cases[i].rc || (rc == 0 && p != cases[i].pence))
            fail_msg("'%s': rc %d pence %lld, expected rc %d pence %lld", cases[i].in, rc,
                     (long long)p, cases[i].rc, (long long)cases[i].pence);
    }
    assert_int_equal(safer_money_parse(NULL, &(int64_t){0}), SAFER_EINVAL);
    char out[SAFER_MONEY_TEXT];
    static const struct {
        int64_t pence;
        const char *text;
    } fmt[] = {
        {1250000, "£12,500.00"}, {5, "£0.05"}, {0, "£0.00"}, {-500, "-£5.00"},
        {99999, "£999.99"}, {100000, "£1,000.00"}, {SAFER_MONEY_MAX, "£1,000,000,000.00"},
        {INT64_MIN, "-£92,233,720,368,547,758.08"},
    };
    for (size_t i = 0; i < sizeof(fmt) / sizeof(fmt[0]); i++) {
        safer_money_format(fmt[i].pence, out);
        assert_string_equal(out, fmt[i].text);
    }
    assert_string_equal(safer_funding_status_label("applied"), "Applied for");
    assert_string_equal(safer_equality_characteristic_label("marriage and civil partnership"),
                        "Marriage and civil partnership");
}

/* ---- equality impact assessments ---- */

static const char *const SOME[] = {"sex", "age", " race ", "age"};

static struct safer_equality_fields eia(const char *year, const char *review)
{
    struct safer_equality_fields e = {
        .group_key = "",
        .year = year,
        .characteristics = SOME,
        .ncharacteristics = 4,
        .evidence = "Victim profile from police.uk records (illustrative).",
        .findings = "Older residents are over-represented among burglary victims.",
        .mitigations = "Target hardening offered to every repeat victim over 65.",
        .review_date = review,
    };
    return e;
}

static void test_equality_add_get_change(void **state)
{
    struct fix *f = *state;
    struct safer_err err = {0};
    struct safer_field_errors fe;
    struct safer_equality_fields in = eia("2021", "2026-11-30");
    int64_t id = 0;
    assert_int_equal(safer_equality_add(f->st, &f->coord, &in, NOW, &id, &fe, &err), 0);
    assert_true(id > 0);
    struct audit_count c = audit(f);
    assert_string_equal(c.last_action, "equality-add");
    assert_string_equal(c.last_before, "NULL");
    assert_string_equal(c.last_after,
                        "{\"group_key\": \"\", \"year\": 2021, \"characteristics\": "
                        "\"age\\nrace\\nsex\", \"evidence\": \"Victim profile from police.uk "
                        "records (illustrative).\", \"findings\": \"Older residents are "
                        "over-represented among burglary victims.\", \"mitigations\": \"Target "
                        "hardening offered to every repeat victim over 65.\", \"review_date\": "
                        "\"2026-11-30\"}");

    /* A member reads it: an EIA is a public document of the partnership. */
    struct safer_arena a;
    safer_arena_init(&a);
    struct safer_equality e;
    assert_int_equal(safer_equality_get(f->st, &f->member, id, NOW, &a, &e, &err), 0);
    assert_null(e.group_key);
    assert_int_equal(e.year, 2021);
    assert_int_equal(e.ncharacteristics, 3);
    assert_string_equal(e.characteristics[0], "age");
    assert_string_equal(e.characteristics[1], "race");
    assert_string_equal(e.characteristics[2], "sex");
    assert_true(e.review_overdue); /* 2026-11-30 is before the tests' today */
    assert_int_equal(e.version, 1);
    assert_int_equal(safer_equality_get(f->st, &f->member, id, NOW - 86400 * 3, &a, &e, &err), 0);
    assert_false(e.review_overdue);

    /* A stale form is a conflict, and nothing changes or is logged. */
    size_t rows = audit(f).rows;
    struct safer_equality_fields ch = eia("2021", "2027-03-31");
    ch.group_key = "sub";
    assert_int_equal(safer_equality_change(f->st, &f->coord, id, 7, &ch, NOW, &fe, &err),
                     SAFER_ECONFLICT);
    assert_int_equal(audit(f).rows, rows);
    assert_int_equal(safer_equality_change(f->st, &f->coord, id, 1, &ch, NOW, &fe, &err), 0);
    c = audit(f);
    assert_int_equal(c.rows, rows + 1);
    assert_string_equal(c.last_action, "equality-change");
    assert_string_equal(c.last_before, "{\"group_key\": \"\", \"review_date\": \"2026-11-30\"}");
    assert_string_equal(c.last_after,
                        "{\"group_key\": \"sub\", \"review_date\": \"2027-03-31\"}");
    assert_int_equal(safer_equality_get(f->st, &f->coord, id, NOW, &a, &e, &err), 0);
    assert_string_equal(e.group_key, "sub");
    assert_string_equal(e.group_name, "Burglary Sub-group");
    assert_false(e.review_overdue);
    assert_int_equal(e.version, 2);
    /* The same again changes nothing and logs nothing. */
    assert_int_equal(safer_equality_change(f->st, &f->coord, id, 2, &ch, NOW, &fe, &err), 0);
    assert_int_equal(audit(f).rows, rows + 1);

    /* The partnership's own plan, a later year: the list puts it first. */
    struct safer_equality_fields own = eia("2022", "2027-06-30");
    int64_t id2;
    assert_int_equal(safer_equality_add(f->st, &f->admin, &own, NOW, &id2, &fe, &err), 0);
    struct safer_equality *v;
    size_t n;
    assert_int_equal(safer_equality_list(f->st, &f->exec, NOW, &a, &v, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].id, id2);
    assert_int_equal(v[1].id, id);
    safer_arena_release(&a);
}

static void test_equality_form_messages(void **state)
{
    struct fix *f = *state;
    struct safer_err err = {0};
    struct safer_field_errors fe;
    char got[2048];
    struct safer_equality_fields ok = eia("2023", "2027-03-31");
    int64_t id;
    assert_int_equal(safer_equality_add(f->st, &f->coord, &ok, NOW, &id, &fe, &err), 0);
    struct audit_count c0 = audit(f);

    struct safer_equality_fields empty = {.year = " "};
    assert_int_equal(safer_equality_add(f->st, &f->coord, &empty, NOW, &id, &fe, &err),
                     SAFER_EINVAL);
    assert_int_equal(id, 0);
    messages(&fe, got, sizeof(got));
    assert_string_equal(got, "year: Enter the plan year|"
                             "characteristics: Choose at least one protected characteristic|"
                             "evidence: Enter the evidence considered|"
                             "findings: Enter the findings|"
                             "mitigations: Enter the mitigating actions|"
                             "review_date: Enter the date of the next review");

    static const char *const odd[] = {"age", "height"};
    struct safer_equality_fields bad = eia("21", "2027-02-30");
    bad.group_key = "nope";
    bad.characteristics = odd;
    bad.ncharacteristics = 2;
    bad.findings = "bell\a";
    assert_int_equal(safer_equality_add(f->st, &f->coord, &bad, NOW, &id, &fe, &err),
                     SAFER_EINVAL);
    messages(&fe, got, sizeof(got));
    assert_string_equal(got, "group_key: Choose the partnership's plan or one of its groups|"
                             "year: Plan year must be a year from 2000 to 2100, like 2021|"
                             "characteristics: Choose protected characteristics from the list|"
                             "findings: Findings must be plain text, without control characters|"
                             "review_date: Review date must be a real date, like 2026-03-31");

    /* One assessment a plan and year. */
    struct safer_equality_fields again = eia("2023", "2027-03-31");
    assert_int_equal(safer_equality_add(f->st, &f->coord, &again, NOW, &id, &fe, &err),
                     SAFER_EINVAL);
    messages(&fe, got, sizeof(got));
    assert_string_equal(got,
                        "year: This plan already has an equality impact assessment for 2023");

    /* Nothing was saved, nothing logged. */
    struct audit_count c1 = audit(f);
    assert_int_equal(c1.rows, c0.rows);
}

/* ---- grants ---- */

static struct safer_funding_fields grant(const char *amount, const char *spent)
{
    struct safer_funding_fields g = {
        .funder = "Kent Police and Crime Commissioner",
        .scheme = "Crime Reduction Grant (illustrative)",
        .amount = amount,
        .spent = spent,
        .period_from = "2021-04-01",
        .period_to = "2022-03-31",
        .priority_key = "burglary",
        .status = "awarded",
    };
    return g;
}

static void test_funding_add_spend_totals(void **state)
{
    struct fix *f = *state;
    struct safer_err err = {0};
    struct safer_field_errors fe;
    int64_t ids[] = {f->act2, f->act1, f->act2};
    struct safer_funding_fields g = grant("£12,500", "");
    g.action_ids = ids;
    g.nactions = 3;
    int64_t pcc = 0;
    assert_int_equal(safer_funding_add(f->st, &f->coord, &g, NOW, &pcc, &fe, &err), 0);
    struct audit_count c = audit(f);
    assert_string_equal(c.last_action, "funding-add");
    char want[1024];
    snprintf(want, sizeof(want),
             "{\"funder\": \"Kent Police and Crime Commissioner\", \"scheme\": \"Crime Reduction "
             "Grant (illustrative)\", \"amount\": 1250000, \"spent\": 0, \"period_from\": "
             "\"2021-04-01\", \"period_to\": \"2022-03-31\", \"priority_key\": \"burglary\", "
             "\"status\": \"awarded\", \"actions\": \"%lld,%lld\"}",
             (long long)(f->act1 < f->act2 ? f->act1 : f->act2),
             (long long)(f->act1 < f->act2 ? f->act2 : f->act1));
    assert_string_equal(c.last_after, want);

    struct safer_funding_fields s = grant("5000", "1,000.50");
    s.funder = "Safer Maidstone Partnership Executive Group";
    s.scheme = NULL;
    s.priority_key = NULL;
    s.status = NULL; /* an application */
    int64_t fund = 0;
    assert_int_equal(safer_funding_add(f->st, &f->coord, &s, NOW, &fund, &fe, &err), 0);
    struct safer_funding_fields d = grant("700", NULL);
    d.status = "declined";
    int64_t declined;
    assert_int_equal(safer_funding_add(f->st, &f->coord, &d, NOW, &declined, &fe, &err), 0);

    /* A member sees the grant and the titles of what it pays for. */
    struct safer_arena a;
    safer_arena_init(&a);
    struct safer_funding x;
    assert_int_equal(safer_funding_get(f->st, &f->member, pcc, NOW, &a, &x, &err), 0);
    assert_int_equal(x.amount, 1250000);
    assert_int_equal(x.spent, 0);
    assert_int_equal(x.remaining, 1250000);
    assert_string_equal(x.priority_title, "Reduce burglary");
    assert_int_equal(x.nactions, 2);
    assert_string_equal(x.actions[0].title, "Diversionary activities in the town centre");
    assert_string_equal(x.actions[0].status, "not-started");
    assert_string_equal(x.actions[1].title, "Target hardening for repeat burglary victims");

    /* Record spend: remaining goes down; the audit row says by how much. */
    struct safer_funding_fields spend = grant("12500", "£4,250.25");
    int64_t one[] = {f->act1};
    spend.action_ids = one;
    spend.nactions = 1;
    spend.delivered = "Locks fitted at 40 homes (illustrative).";
    size_t rows = audit(f).rows;
    assert_int_equal(safer_funding_change(f->st, &f->coord, pcc, 2, &spend, NOW, &fe, &err),
                     SAFER_ECONFLICT);
    assert_int_equal(audit(f).rows, rows);
    assert_int_equal(safer_funding_change(f->st, &f->coord, pcc, 1, &spend, NOW, &fe, &err), 0);
    c = audit(f);
    assert_int_equal(c.rows, rows + 1);
    assert_string_equal(c.last_action, "funding-change");
    snprintf(want, sizeof(want), "{\"spent\": 0, \"delivered\": null, \"actions\": \"%lld,%lld\"}",
             (long long)(f->act1 < f->act2 ? f->act1 : f->act2),
             (long long)(f->act1 < f->act2 ? f->act2 : f->act1));
    assert_string_equal(c.last_before, want);
    snprintf(want, sizeof(want),
             "{\"spent\": 425025, \"delivered\": \"Locks fitted at 40 homes (illustrative).\", "
             "\"actions\": \"%lld\"}",
             (long long)f->act1);
    assert_string_equal(c.last_after, want);
    assert_int_equal(safer_funding_get(f->st, &f->exec, pcc, NOW, &a, &x, &err), 0);
    assert_int_equal(x.remaining, 1250000 - 425025);
    assert_int_equal(x.version, 2);
    assert_int_equal(x.nactions, 1);
    /* Unchanged: nothing written, nothing logged. */
    assert_int_equal(safer_funding_change(f->st, &f->coord, pcc, 2, &spend, NOW, &fe, &err), 0);
    assert_int_equal(audit(f).rows, rows + 1);

    /* Totals: the awarded grant; the application on its own; not the
     * declined one. */
    struct safer_funding *v;
    size_t n;
    struct safer_funding_totals t;
    assert_int_equal(safer_funding_list(f->st, &f->member, NOW, &a, &v, &n, &t, &err), 0);
    assert_int_equal(n, 3);
    assert_int_equal(t.amount, 1250000);
    assert_int_equal(t.spent, 425025);
    assert_int_equal(t.remaining, 1250000 - 425025);
    assert_int_equal(t.grants, 1);
    assert_int_equal(t.applied, 500000);
    assert_int_equal(t.applications, 1);
    assert_int_equal(t.npriorities, 1);
    assert_string_equal(t.by_priority[0].key, "burglary");
    assert_int_equal(t.by_priority[0].amount, 1250000);

    /* Award the application: it joins the totals, under no priority, last. */
    struct safer_funding y;
    assert_int_equal(safer_funding_get(f->st, &f->coord, fund, NOW, &a, &y, &err), 0);
    assert_string_equal(y.status, "applied");
    s.status = "awarded";
    assert_int_equal(safer_funding_change(f->st, &f->coord, fund, 1, &s, NOW, &fe, &err), 0);
    assert_int_equal(safer_funding_list(f->st, &f->member, NOW, &a, &v, &n, &t, &err), 0);
    assert_int_equal(t.amount, 1750000);
    assert_int_equal(t.spent, 425025 + 100050);
    assert_int_equal(t.npriorities, 2);
    assert_null(t.by_priority[1].key);
    assert_int_equal(t.by_priority[1].spent, 100050);
    assert_int_equal(t.applications, 0);
    safer_arena_release(&a);
}

static void test_funding_form_messages(void **state)
{
    struct fix *f = *state;
    struct safer_err err = {0};
    struct safer_field_errors fe;
    char got[2048];
    struct audit_count c0 = audit(f);
    struct safer_arena a;
    safer_arena_init(&a);
    struct safer_funding *v;
    size_t n0, n;
    assert_int_equal(safer_funding_list(f->st, &f->coord, NOW, &a, &v, &n0, NULL, &err), 0);

    struct safer_funding_fields empty = {.funder = "  "};
    int64_t id = 0;
    assert_int_equal(safer_funding_add(f->st, &f->coord, &empty, NOW, &id, &fe, &err),
                     SAFER_EINVAL);
    messages(&fe, got, sizeof(got));
    assert_string_equal(got, "funder: Enter who gives the grant|"
                             "amount: Enter the amount of the grant|"
                             "period_from: Enter the start of the period|"
                             "period_to: Enter the end of the period");

    int64_t ids[] = {f->act1, f->act_b};
    struct safer_funding_fields bad = grant("12.345", "-£20");
    bad.period_from = "2022-04-01";
    bad.period_to = "2022-03-31";
    bad.priority_key = "p"; /* the other partnership's */
    bad.status = "spent";
    bad.action_ids = ids;
    bad.nactions = 2;
    assert_int_equal(safer_funding_add(f->st, &f->coord, &bad, NOW, &id, &fe, &err),
                     SAFER_EINVAL);
    messages(&fe, got, sizeof(got));
    assert_string_equal(got,
                        "amount: Amount must be an amount of money, like £12,500 or 12500.50|"
                        "spent: Spend may not be negative|"
                        "period_to: The end of the period must be the same as or after its start|"
                        "status: Choose a status|"
                        "priority_key: Choose a priority of the partnership's plan|"
                        "actions: Choose actions of the partnership's plan");

    struct safer_funding_fields more = grant("0", "1000000000.01");
    more.period_from = "2022-02-29";
    assert_int_equal(safer_funding_add(f->st, &f->coord, &more, NOW, &id, &fe, &err),
                     SAFER_EINVAL);
    messages(&fe, got, sizeof(got));
    assert_string_equal(got, "amount: Amount must be more than £0|"
                             "spent: Spend must be £1,000,000,000.00 or less|"
                             "period_from: Start of the period must be a real date, like "
                             "2026-03-31");

    /* A change with mistakes saves nothing either. */
    struct safer_funding_fields good = grant("100", "10");
    assert_int_equal(safer_funding_add(f->st, &f->coord, &good, NOW, &id, &fe, &err), 0);
    size_t rows = audit(f).rows;
    struct safer_funding_fields worse = grant("100", "-1");
    assert_int_equal(safer_funding_change(f->st, &f->coord, id, 1, &worse, NOW, &fe, &err),
                     SAFER_EINVAL);
    assert_int_equal(audit(f).rows, rows);
    struct safer_funding x;
    assert_int_equal(safer_funding_get(f->st, &f->coord, id, NOW, &a, &x, &err), 0);
    assert_int_equal(x.spent, 1000);
    assert_int_equal(x.version, 1);

    assert_int_equal(audit(f).rows, c0.rows + 1);
    assert_int_equal(safer_funding_list(f->st, &f->coord, NOW, &a, &v, &n, NULL, &err), 0);
    assert_int_equal(n, n0 + 1);
    safer_arena_release(&a);
}

/* ---- who may do what ---- */

static void test_money_permissions(void **state)
{
    struct fix *f = *state;
    struct safer_err err = {0};
    struct safer_field_errors fe;
    struct safer_equality_fields e = eia("2030", "2031-03-31");
    struct safer_funding_fields g = grant("1", "");
    int64_t eid, gid;
    assert_int_equal(safer_equality_add(f->st, &f->coord, &e, NOW, &eid, &fe, &err), 0);
    assert_int_equal(safer_funding_add(f->st, &f->coord, &g, NOW, &gid, &fe, &err), 0);
    const struct {
        const struct safer_actor *who;
        bool read, write;
    } cases[] = {
        {&f->pub, false, false},    {&f->member, true, false}, {&f->exec, true, false},
        {&f->prac, true, false},    {&f->analyst, true, false}, {&f->coord, true, true},
        {&f->admin, true, true},
    };
    struct safer_arena a;
    safer_arena_init(&a);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct safer_actor *who = cases[i].who;
        struct audit_count c0 = audit(f);
        size_t denied = 0;
        struct safer_equality x;
        struct safer_funding y;
        struct safer_equality *ev;
        struct safer_funding *fv;
        size_t n;
        int want = cases[i].read ? 0 : SAFER_EDENIED;
        assert_int_equal(safer_equality_get(f->st, who, eid, NOW, &a, &x, &err), want);
        assert_int_equal(safer_equality_list(f->st, who, NOW, &a, &ev, &n, &err), want);
        assert_int_equal(safer_funding_get(f->st, who, gid, NOW, &a, &y, &err), want);
        assert_int_equal(safer_funding_list(f->st, who, NOW, &a, &fv, &n, NULL, &err), want);
        denied += cases[i].read ? 0 : 4;
        /* A write that would change something: the review date, the spend. */
        char review[11], spent[8];
        snprintf(review, sizeof(review), "2031-04-%02zu", i + 1);
        snprintf(spent, sizeof(spent), "0.%02zu", i + 1);
        e.review_date = review;
        g.spent = spent;
        int64_t ev_version = 0, g_version = 0;
        if (safer_equality_get(f->st, &f->coord, eid, NOW, &a, &x, &err) == 0)
            ev_version = x.version;
        if (safer_funding_get(f->st, &f->coord, gid, NOW, &a, &y, &err) == 0)
            g_version = y.version;
        want = cases[i].write ? 0 : SAFER_EDENIED;
        assert_int_equal(safer_equality_change(f->st, who, eid, ev_version, &e, NOW, &fe, &err),
                         want);
        assert_int_equal(safer_funding_change(f->st, who, gid, g_version, &g, NOW, &fe, &err),
                         want);
        char year[8];
        snprintf(year, sizeof(year), "%zu", 2040 + i);
        struct safer_equality_fields e2 = eia(year, "2041-03-31");
        int64_t nid;
        assert_int_equal(safer_equality_add(f->st, who, &e2, NOW, &nid, &fe, &err), want);
        assert_int_equal(safer_funding_add(f->st, who, &g, NOW, &nid, &fe, &err), want);
        denied += cases[i].write ? 0 : 4;
        struct audit_count c1 = audit(f);
        if (c1.denied != c0.denied + denied)
            fail_msg("case %zu: %zu refusals logged, expected %zu", i, c1.denied - c0.denied,
                     denied);
        if (!cases[i].write) {
            /* Nothing but the refusals: the records stand as they were. */
            assert_int_equal(c1.rows, c0.rows + denied);
            assert_string_equal(c1.last_action, "denied");
            assert_int_equal(safer_funding_get(f->st, &f->coord, gid, NOW, &a, &y, &err), 0);
            assert_int_equal(y.version, g_version);
        } else {
            assert_int_equal(c1.rows, c0.rows + 4);
        }
    }
    safer_arena_release(&a);
}

static void test_money_other_partnership(void **state)
{
    struct fix *f = *state;
    struct safer_err err = {0};
    struct safer_field_errors fe;
    struct safer_equality_fields e = eia("2035", "2036-03-31");
    struct safer_funding_fields g = grant("1", "");
    int64_t eid, gid;
    assert_int_equal(safer_equality_add(f->st, &f->coord, &e, NOW, &eid, &fe, &err), 0);
    assert_int_equal(safer_funding_add(f->st, &f->coord, &g, NOW, &gid, &fe, &err), 0);
    struct safer_arena a;
    safer_arena_init(&a);
    struct safer_equality x;
    struct safer_funding y;
    assert_int_equal(safer_equality_get(f->st, &f->coord_b, eid, NOW, &a, &x, &err),
                     SAFER_ENOTFOUND);
    assert_int_equal(safer_funding_get(f->st, &f->coord_b, gid, NOW, &a, &y, &err),
                     SAFER_ENOTFOUND);
    assert_int_equal(safer_equality_change(f->st, &f->coord_b, eid, 1, &e, NOW, &fe, &err),
                     SAFER_ENOTFOUND);
    g.priority_key = "p";
    assert_int_equal(safer_funding_change(f->st, &f->coord_b, gid, 1, &g, NOW, &fe, &err),
                     SAFER_ENOTFOUND);
    /* B's own lists hold none of A's. */
    struct safer_funding *fv;
    size_t n;
    assert_int_equal(safer_funding_list(f->st, &f->coord_b, NOW, &a, &fv, &n, NULL, &err), 0);
    for (size_t i = 0; i < n; i++)
        assert_true(fv[i].id != gid);
    safer_arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_money_parse_and_format),
        cmocka_unit_test(test_equality_add_get_change),
        cmocka_unit_test(test_equality_form_messages),
        cmocka_unit_test(test_funding_add_spend_totals),
        cmocka_unit_test(test_funding_form_messages),
        cmocka_unit_test(test_money_permissions),
        cmocka_unit_test(test_money_other_partnership),
    };
    return cmocka_run_group_tests_name("money", tests, setup, teardown);
}
