/*
 * test_action.c - the partnership's actions (lib/store/store_action.c) on
 * either engine (SAFER_TEST_PG selects PostgreSQL): adding, changing (a
 * stale form is a conflict), posting dated updates that move the status
 * and progress; every message a form can get, with nothing saved; who may
 * do what, each refusal logged; another partnership's action not found;
 * days overdue from the caller's clock; lists in due order and filtered;
 * and the actions a plan file brings, kept as the workspace changed them
 * when the plan is imported again.
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
#include "safer/plan.h"
#include "safer/store.h"
#include "safer/view.h"
#include "testdb.h"

/* 2026-12-02T10:00:00Z: the tests' clock. */
#define NOW INT64_C(1796205600)
#define DAY INT64_C(86400)
#define PASSWORD "plum-lantern-orbit-42"

/* Partnership A: two priorities, two groups. */
static const char PLAN_A[] =
    "{\"safer_plan\": 1, \"partnership\": {\"name\": \"Safer Test\", \"code\": \"E22000001\"},\n"
    " \"plan\": {\"title\": \"Plan A\", \"period\": {\"from\": \"2019\", \"to\": \"2022\"},"
    " \"source\": \"s\"},\n"
    " \"groups\": [{\"id\": \"exec\", \"name\": \"Test Executive Group\", \"kind\": "
    "\"executive\"},\n"
    "  {\"id\": \"sub\", \"name\": \"Burglary Sub-group\", \"kind\": \"subgroup\"}],\n"
    " \"priorities\": [{\"id\": \"burglary\", \"title\": \"Reduce burglary\"},\n"
    "  {\"id\": \"asb\", \"title\": \"Reduce ASB\", \"cross_cutting\": true}]}\n";

/* Partnership B: used for lists, and as "another partnership". */
static const char PLAN_B[] =
    "{\"safer_plan\": 1, \"partnership\": {\"name\": \"Other\", \"code\": \"E22000002\"},\n"
    " \"plan\": {\"title\": \"Plan B\", \"period\": {\"from\": \"2020\", \"to\": \"2023\"},"
    " \"source\": \"s\"},\n"
    " \"groups\": [{\"id\": \"exec\", \"name\": \"Other Executive\", \"kind\": \"executive\"},\n"
    "  {\"id\": \"youth\", \"name\": \"Youth Group\", \"kind\": \"subgroup\"}],\n"
    " \"priorities\": [{\"id\": \"p\", \"title\": \"P\"}, {\"id\": \"q\", \"title\": \"Q\"}]}\n";

/* Partnership C: a plan with actions, imported twice. */
#define PLAN_C_HEAD                                                                            \
    "{\"safer_plan\": 1, \"partnership\": {\"name\": \"Third\", \"code\": \"E22000003\"},\n"   \
    " \"plan\": {\"title\": \"Plan C\", \"period\": {\"from\": \"2020\", \"to\": \"2023\"},"   \
    " \"source\": \"s\"},\n"                                                                   \
    " \"groups\": [{\"id\": \"da-forum\", \"name\": \"Domestic Abuse Forum\", \"kind\": "      \
    "\"subgroup\"}],\n"                                                                        \
    " \"priorities\": [{\"id\": \"da\", \"title\": \"Domestic abuse\"}],\n"
static const char PLAN_C1[] =
    PLAN_C_HEAD
    " \"actions\": [\n"
    "  {\"id\": \"champions\", \"title\": \"Support the roll out of Domestic Abuse Champions\",\n"
    "   \"priority\": \"da\", \"group\": \"da-forum\", \"source\": \"p. 15\",\n"
    "   \"lead\": \"Kent Independent Domestic Abuse Services\", \"due\": \"2022-03-31\"},\n"
    "  {\"id\": \"cradle\", \"title\": \"Deliver more awareness raising events\",\n"
    "   \"priority\": \"da\", \"group\": \"da-forum\"}]}\n";
/* The same plan a year on: one action reworded, one gone, one new. */
static const char PLAN_C2[] =
    PLAN_C_HEAD
    " \"actions\": [\n"
    "  {\"id\": \"champions\", \"title\": \"Reworded in the new file\",\n"
    "   \"priority\": \"da\", \"group\": \"da-forum\"},\n"
    "  {\"id\": \"one-stop-shop\", \"title\": \"Review the one-stop-shop's usage\",\n"
    "   \"priority\": \"da\", \"group\": \"da-forum\", \"due\": \"2023-01-31\"}]}\n";

struct fix {
    struct safer_store *st;
    char target[600];
    struct safer_actor op;
    /* Partnership A, one a role; prac2 a second practitioner. */
    struct safer_actor admin, coord, analyst, prac, prac2, exec, member, pub;
    /* Partnership B. */
    struct safer_actor coord_b, prac_b;
    /* Partnership C. */
    struct safer_actor coord_c;
};

static void store_plan(struct safer_store *st, const char *json, struct safer_plan_stats *stats)
{
    struct safer_plan p;
    struct safer_err err = {0};
    if (safer_plan_parse(json, strlen(json), "plan.json", &p, &err) < 0)
        fail_msg("%s", err.msg);
    struct safer_plan_stats s;
    if (safer_plan_store(st, &p, stats ? stats : &s, &err) < 0)
        fail_msg("%s", err.msg);
    safer_plan_release(&p);
}

/* A person of partnership `code` with `role`, set up through their link and
 * signed in: the actor a session would give. */
static void person(struct fix *f, const char *email, const char *code, enum safer_role role,
                   struct safer_actor *out)
{
    struct safer_err err = {0};
    char token[SAFER_TOKEN_SIZE], session[SAFER_TOKEN_SIZE];
    if (safer_user_add(f->st, &f->op, email, email, "Test Borough Council", code, role, NOW, token,
                       &err) < 0)
        fail_msg("%s: %s", email, err.msg);
    struct safer_link_info li;
    if (safer_link_info(f->st, token, NOW, &li, &err) < 0)
        fail_msg("%s: %s", email, err.msg);
    char totp[16] = "";
    if (li.needs_totp)
        snprintf(totp, sizeof(totp), "%06lld",
                 (long long)safer_totp_code(li.totp_secret, NOW / 30, 6));
    if (safer_link_use(f->st, token, PASSWORD, strlen(PASSWORD), li.needs_totp ? totp : NULL, NOW,
                       &err) < 0)
        fail_msg("%s: %s", email, err.msg);
    /* The administrator's code of a later step: a code works once. */
    if (li.needs_totp)
        snprintf(totp, sizeof(totp), "%06lld",
                 (long long)safer_totp_code(li.totp_secret, NOW / 30 + 2, 6));
    if (safer_login(f->st, email, PASSWORD, strlen(PASSWORD), li.needs_totp ? totp : NULL, false,
                    code, NOW + 60, session, out, &err) < 0)
        fail_msg("%s: %s", email, err.msg);
    assert_int_equal(out->role, role);
    assert_true(out->user_id > 0);
    assert_true(out->partnership_id > 0);
}

static int setup(void **state)
{
    struct fix *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    struct safer_err err = {0};
    if (safer_auth_init(&err) < 0)
        fail_msg("%s", err.msg);
    testdb_new("action", f->target, sizeof(f->target));
    if (safer_store_open(&f->st, f->target, &err) < 0)
        fail_msg("%s", err.msg);
    safer_actor_operator(&f->op);
    store_plan(f->st, PLAN_A, NULL);
    store_plan(f->st, PLAN_B, NULL);
    store_plan(f->st, PLAN_C1, NULL);
    person(f, "admin@test.example", "E22000001", SAFER_ROLE_ADMINISTRATOR, &f->admin);
    person(f, "coord@test.example", "E22000001", SAFER_ROLE_COORDINATOR, &f->coord);
    person(f, "analyst@test.example", "E22000001", SAFER_ROLE_ANALYST, &f->analyst);
    person(f, "prac@test.example", "E22000001", SAFER_ROLE_PRACTITIONER, &f->prac);
    person(f, "prac2@test.example", "E22000001", SAFER_ROLE_PRACTITIONER, &f->prac2);
    person(f, "exec@test.example", "E22000001", SAFER_ROLE_EXECUTIVE, &f->exec);
    person(f, "member@test.example", "E22000001", SAFER_ROLE_MEMBER, &f->member);
    safer_actor_public(&f->pub, f->coord.partnership_id);
    person(f, "coord@other.example", "E22000002", SAFER_ROLE_COORDINATOR, &f->coord_b);
    person(f, "prac@other.example", "E22000002", SAFER_ROLE_PRACTITIONER, &f->prac_b);
    person(f, "coord@third.example", "E22000003", SAFER_ROLE_COORDINATOR, &f->coord_c);
    assert_true(f->coord.partnership_id != f->coord_b.partnership_id);
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

/* ---- helpers ---- */

static int64_t add(struct fix *f, const struct safer_actor *who,
                   const struct safer_action_fields *a)
{
    struct safer_field_errors fe;
    struct safer_err err = {0};
    int64_t id = 0;
    if (safer_action_add(f->st, who, a, NOW, &id, &fe, &err) < 0)
        fail_msg("%s (%zu field errors, first: %s)", err.msg, fe.n, fe.n ? fe.e[0].message : "");
    assert_int_equal(fe.n, 0);
    assert_true(id > 0);
    return id;
}

static void get(struct fix *f, const struct safer_actor *who, int64_t id, int64_t now,
                struct safer_arena *a, struct safer_action *out,
                struct safer_action_update **u, size_t *nu)
{
    struct safer_err err = {0};
    if (safer_action_get(f->st, who, id, now, a, out, u, nu, &err) < 0)
        fail_msg("%s", err.msg);
}

struct audit_count {
    size_t rows, denied;
    char last_action[64], last_before[1024], last_after[2048], last_record[64];
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

/* Everything about the actions of partnership `who` is in: a text to
 * compare before and after a refused call. */
static void snapshot(struct fix *f, const struct safer_actor *who, char *out, size_t cap)
{
    struct safer_arena a;
    safer_arena_init(&a);
    struct safer_action *v;
    size_t n;
    struct safer_err err = {0};
    if (safer_action_list(f->st, who, NULL, NOW, &a, &v, &n, &err) < 0)
        fail_msg("%s", err.msg);
    size_t at = (size_t)snprintf(out, cap, "%zu:", n);
    for (size_t i = 0; i < n && at < cap; i++) {
        struct safer_action_update *u;
        size_t nu;
        struct safer_action x;
        get(f, who, v[i].id, NOW, &a, &x, &u, &nu);
        at += (size_t)snprintf(out + at, cap - at, "[%lld %s %s %s %d v%lld u%zu]",
                               (long long)x.id, x.title, x.status, x.due_date ? x.due_date : "-",
                               x.progress, (long long)x.version, nu);
    }
    safer_arena_release(&a);
}

/* ---- adding, changing, updating ---- */

static void test_action_add_get_change(void **state)
{
    struct fix *f = *state;
    struct safer_action_fields in = {
        .title = "  Review the one-stop-shop's opening hours  ",
        .description = "Temporal and geographical data\nfrom the one-stop-shop.",
        .priority_key = "burglary",
        .group_key = "sub",
        .lead_user_id = f->prac.user_id,
        .start_date = "2026-04-01",
        .due_date = "2027-03-31",
    };
    struct audit_count before = audit(f);
    int64_t id = add(f, &f->coord, &in);
    struct audit_count after = audit(f);
    assert_int_equal(after.rows, before.rows + 1);
    assert_string_equal(after.last_action, "action-add");
    char rec[64];
    snprintf(rec, sizeof(rec), "action/%lld", (long long)id);
    assert_string_equal(after.last_record, rec);
    assert_string_equal(after.last_before, "NULL");
    char want[1024];
    /* Added in the workspace: the key action-ID, for a file to name it by. */
    snprintf(want, sizeof(want),
             "{\"key\": \"action-%lld\", "
             "\"title\": \"Review the one-stop-shop's opening hours\", \"description\": "
             "\"Temporal and geographical data\\nfrom the one-stop-shop.\", \"priority_key\": "
             "\"burglary\", \"group_key\": \"sub\", \"lead_user_id\": %lld, \"start_date\": "
             "\"2026-04-01\", \"due_date\": \"2027-03-31\", \"status\": \"not-started\", "
             "\"progress\": 0}",
             (long long)id, (long long)f->prac.user_id);
    assert_string_equal(after.last_after, want);

    struct safer_arena a;
    safer_arena_init(&a);
    struct safer_action x;
    struct safer_action_update *u;
    size_t nu;
    get(f, &f->exec, id, NOW, &a, &x, &u, &nu);
    assert_int_equal(x.id, id);
    assert_string_equal(x.title, "Review the one-stop-shop's opening hours");
    assert_string_equal(x.priority_key, "burglary");
    assert_string_equal(x.priority_title, "Reduce burglary");
    assert_string_equal(x.group_key, "sub");
    assert_string_equal(x.group_name, "Burglary Sub-group");
    assert_int_equal(x.lead_user_id, f->prac.user_id);
    assert_string_equal(x.lead_email, "prac@test.example");
    assert_null(x.lead_org);
    assert_string_equal(x.status, "not-started");
    assert_string_equal(safer_action_status_label(x.status), "Not started");
    assert_int_equal(x.progress, 0);
    assert_int_equal(x.version, 1);
    assert_int_equal(x.days_overdue, 0);
    assert_string_equal(x.updated_at, "2026-12-02T10:00:00Z");
    assert_int_equal(nu, 0);

    /* A change: only what changed is logged, before and after. */
    struct safer_action_fields ch = in;
    ch.title = "Review the one-stop-shop";
    ch.lead_user_id = 0;
    ch.status = "on-track";
    struct safer_field_errors fe;
    struct safer_err err = {0};
    assert_int_equal(safer_action_change(f->st, &f->coord, id, 1, &ch, NOW + 60, &fe, &err), 0);
    after = audit(f);
    assert_string_equal(after.last_action, "action-change");
    snprintf(want, sizeof(want),
             "{\"title\": \"Review the one-stop-shop's opening hours\", \"lead_user_id\": %lld, "
             "\"status\": \"not-started\"}",
             (long long)f->prac.user_id);
    assert_string_equal(after.last_before, want);
    assert_string_equal(after.last_after, "{\"title\": \"Review the one-stop-shop\", "
                                          "\"lead_user_id\": null, \"status\": \"on-track\"}");
    get(f, &f->coord, id, NOW, &a, &x, &u, &nu);
    assert_int_equal(x.version, 2);
    assert_string_equal(x.title, "Review the one-stop-shop");
    assert_int_equal(x.lead_user_id, 0);
    assert_null(x.lead_email);
    assert_string_equal(x.updated_at, "2026-12-02T10:01:00Z");

    /* The same form again changes nothing and logs nothing. */
    size_t rows = after.rows;
    assert_int_equal(safer_action_change(f->st, &f->coord, id, 2, &ch, NOW + 120, &fe, &err), 0);
    assert_int_equal(audit(f).rows, rows);
    get(f, &f->coord, id, NOW, &a, &x, &u, &nu);
    assert_int_equal(x.version, 2);

    /* A form built from version 1 is stale now. */
    char snap1[4096], snap2[4096];
    snapshot(f, &f->coord, snap1, sizeof(snap1));
    ch.title = "Someone else's idea";
    assert_int_equal(safer_action_change(f->st, &f->coord, id, 1, &ch, NOW, &fe, &err),
                     SAFER_ECONFLICT);
    assert_non_null(strstr(err.msg, "changed by someone else"));
    snapshot(f, &f->coord, snap2, sizeof(snap2));
    assert_string_equal(snap1, snap2);
    assert_int_equal(audit(f).rows, rows);
    safer_arena_release(&a);
}

static void test_action_post_update(void **state)
{
    struct fix *f = *state;
    struct safer_action_fields in = {.title = "Support the Safer Socialising Scheme",
                                     .priority_key = "asb", .due_date = "2026-11-01",
                                     .lead_user_id = f->prac.user_id};
    int64_t id = add(f, &f->coord, &in);
    struct safer_field_errors fe;
    struct safer_err err = {0};
    assert_int_equal(safer_action_post_update(f->st, &f->coord, id, "2026-10-01", "on-track", "20",
                                              "Venues signed up.", NOW, &fe, &err),
                     0);
    struct audit_count c = audit(f);
    assert_string_equal(c.last_action, "action-update");
    assert_string_equal(c.last_before, "{\"status\": \"not-started\", \"progress\": 0}");
    assert_string_equal(c.last_after, "{\"status\": \"on-track\", \"progress\": 20, \"on_date\": "
                                      "\"2026-10-01\", \"note\": \"Venues signed up.\"}");
    /* No date: the update is about today (of `now`, UTC). */
    assert_int_equal(safer_action_post_update(f->st, &f->prac, id, "", " at-risk ", "35",
                                              "  Two venues\nwithdrew.  ", NOW + 3600, &fe, &err),
                     0);
    struct safer_arena a;
    safer_arena_init(&a);
    struct safer_action x;
    struct safer_action_update *u;
    size_t nu;
    get(f, &f->exec, id, NOW, &a, &x, &u, &nu);
    assert_string_equal(x.status, "at-risk");
    assert_int_equal(x.progress, 35);
    assert_int_equal(x.version, 3);
    assert_int_equal(x.days_overdue, 31);
    assert_int_equal(nu, 2);
    /* Newest first. */
    assert_string_equal(u[0].on_date, "2026-12-02");
    assert_string_equal(u[0].status, "at-risk");
    assert_int_equal(u[0].progress, 35);
    assert_string_equal(u[0].note, "Two venues\nwithdrew.");
    assert_string_equal(u[0].author, "prac@test.example");
    assert_string_equal(u[0].at, "2026-12-02T11:00:00Z");
    assert_string_equal(u[1].on_date, "2026-10-01");
    assert_string_equal(u[1].author, "coord@test.example");
    /* Complete: no longer overdue. */
    assert_int_equal(safer_action_post_update(f->st, &f->coord, id, "2026-12-01", "complete", "100",
                                              "Done.", NOW, &fe, &err),
                     0);
    get(f, &f->exec, id, NOW, &a, &x, &u, &nu);
    assert_int_equal(x.days_overdue, 0);
    assert_int_equal(nu, 3);
    /* The operator writes as "operator". */
    struct safer_actor op = f->op;
    op.partnership_id = f->coord.partnership_id;
    assert_int_equal(safer_action_post_update(f->st, &op, id, NULL, "complete", "100",
                                              "Checked.", NOW, &fe, &err),
                     0);
    get(f, &f->exec, id, NOW, &a, &x, &u, &nu);
    assert_string_equal(u[0].author, "operator");
    safer_arena_release(&a);
}

/* ---- forms ---- */

struct want {
    const char *field, *message;
};

static void expect_errors(const struct safer_field_errors *fe, const struct want *w, size_t n,
                          const char *what)
{
    if (fe->n != n) {
        for (size_t i = 0; i < fe->n; i++)
            print_error("  %s: %s\n", fe->e[i].field, fe->e[i].message);
        fail_msg("%s: %zu field errors, expected %zu", what, fe->n, n);
    }
    for (size_t i = 0; i < n; i++) {
        if (strcmp(fe->e[i].field, w[i].field) != 0 || strcmp(fe->e[i].message, w[i].message) != 0)
            fail_msg("%s: error %zu is %s '%s', expected %s '%s'", what, i, fe->e[i].field,
                     fe->e[i].message, w[i].field, w[i].message);
    }
}

static void test_action_form_messages(void **state)
{
    struct fix *f = *state;
    char long_title[2 * SAFER_ACTION_TITLE_MAX + 8], ok_title[2 * SAFER_ACTION_TITLE_MAX + 8];
    /* Characters, not bytes: 'é' is two bytes. */
    for (int i = 0; i < SAFER_ACTION_TITLE_MAX; i++)
        memcpy(ok_title + 2 * i, "\xc3\xa9", 2);
    ok_title[2 * SAFER_ACTION_TITLE_MAX] = '\0';
    memcpy(long_title, ok_title, 2 * SAFER_ACTION_TITLE_MAX);
    memcpy(long_title + 2 * SAFER_ACTION_TITLE_MAX, "x", 2);
    const struct {
        struct safer_action_fields in;
        struct want w[6];
        size_t n;
    } cases[] = {
        {{.title = NULL}, {{"title", "Enter a title"}}, 1},
        {{.title = " \n "}, {{"title", "Enter a title"}}, 1},
        {{.title = long_title}, {{"title", "Title must be 300 characters or fewer"}}, 1},
        {{.title = "a\x01"}, {{"title", "Title must be plain text, without control characters"}},
         1},
        {{.title = "t", .due_date = "2026-02-29"},
         {{"due_date", "Due date must be a real date, like 2026-03-31"}}, 1},
        {{.title = "t", .due_date = "31/03/2026"},
         {{"due_date", "Due date must be a real date, like 2026-03-31"}}, 1},
        {{.title = "t", .start_date = "2026-13-01"},
         {{"start_date", "Start date must be a real date, like 2026-03-31"}}, 1},
        {{.title = "t", .start_date = "2026-05-01", .due_date = "2026-04-30"},
         {{"due_date", "Due date must be the same as or after the start date"}}, 1},
        {{.title = "t", .status = "done"}, {{"status", "Choose a status"}}, 1},
        {{.title = "t", .priority_key = "nope"},
         {{"priority_key", "Choose a priority of the partnership's plan"}}, 1},
        /* Partnership B's priority and group are not A's. */
        {{.title = "t", .priority_key = "p", .group_key = "youth"},
         {{"priority_key", "Choose a priority of the partnership's plan"},
          {"group_key", "Choose a group of the partnership's plan"}}, 2},
        {{.title = "t", .lead_org = "Nobody Ltd"},
         {{"lead_org", "Choose a lead organisation from the list"}}, 1},
        {{.title = "t", .lead_user_id = -1},
         {{"lead_user_id", "Choose a lead from the people of the partnership"}}, 1},
        /* Everything at once, in the form's order. */
        {{.title = "", .priority_key = "x", .group_key = "y", .start_date = "2026-01-01",
          .due_date = "2026-02-30", .status = "?"},
         {{"title", "Enter a title"},
          {"priority_key", "Choose a priority of the partnership's plan"},
          {"group_key", "Choose a group of the partnership's plan"},
          {"due_date", "Due date must be a real date, like 2026-03-31"},
          {"status", "Choose a status"}},
         5},
    };
    char snap1[8192], snap2[8192];
    snapshot(f, &f->coord, snap1, sizeof(snap1));
    size_t rows = audit(f).rows;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct safer_field_errors fe;
        struct safer_err err = {0};
        int64_t id = -7;
        char what[32];
        snprintf(what, sizeof(what), "case %zu", i);
        assert_int_equal(safer_action_add(f->st, &f->coord, &cases[i].in, NOW, &id, &fe, &err),
                         SAFER_EINVAL);
        assert_int_equal(id, 0);
        expect_errors(&fe, cases[i].w, cases[i].n, what);
    }
    /* A lead of another partnership. */
    struct safer_action_fields other = {.title = "t", .lead_user_id = f->prac_b.user_id};
    struct safer_field_errors fe;
    struct safer_err err = {0};
    assert_int_equal(safer_action_add(f->st, &f->coord, &other, NOW, NULL, &fe, &err),
                     SAFER_EINVAL);
    const struct want lead[] = {{"lead_user_id", "Choose a lead from the people of the partnership"}};
    expect_errors(&fe, lead, 1, "lead of B");

    /* Nothing was saved or logged. */
    snapshot(f, &f->coord, snap2, sizeof(snap2));
    assert_string_equal(snap1, snap2);
    assert_int_equal(audit(f).rows, rows);

    /* 300 characters is fine; a change needs a status. */
    struct safer_action_fields ok = {.title = ok_title};
    int64_t id = add(f, &f->coord, &ok);
    snapshot(f, &f->coord, snap1, sizeof(snap1));
    rows = audit(f).rows;
    struct safer_action_fields ch = {.title = "t", .status = ""};
    assert_int_equal(safer_action_change(f->st, &f->coord, id, 1, &ch, NOW, &fe, &err),
                     SAFER_EINVAL);
    const struct want st[] = {{"status", "Choose a status"}};
    expect_errors(&fe, st, 1, "change without status");

    /* An update's form. */
    const struct {
        const char *on_date, *status, *progress, *note;
        struct want w[4];
        size_t n;
    } up[] = {
        {NULL, "on-track", "10", NULL, {{"note", "Enter what has happened"}}, 1},
        {NULL, "on-track", "10", " \n", {{"note", "Enter what has happened"}}, 1},
        {NULL, "on-track", "101", "n", {{"progress", "Progress must be a whole number from 0 to 100"}},
         1},
        {NULL, "on-track", "-1", "n", {{"progress", "Progress must be a whole number from 0 to 100"}},
         1},
        {NULL, "on-track", "4.5", "n", {{"progress", "Progress must be a whole number from 0 to 100"}},
         1},
        {NULL, "on-track", "", "n", {{"progress", "Progress must be a whole number from 0 to 100"}},
         1},
        {NULL, "on-track", "0100", "n",
         {{"progress", "Progress must be a whole number from 0 to 100"}}, 1},
        {NULL, "", "10", "n", {{"status", "Choose a status"}}, 1},
        {"2026-02-29", "on-track", "10", "n", {{"on_date", "Date must be a real date, like 2026-03-31"}},
         1},
        {"yesterday", NULL, "x", "",
         {{"on_date", "Date must be a real date, like 2026-03-31"},
          {"status", "Choose a status"},
          {"progress", "Progress must be a whole number from 0 to 100"},
          {"note", "Enter what has happened"}},
         4},
    };
    for (size_t i = 0; i < sizeof(up) / sizeof(up[0]); i++) {
        char what[32];
        snprintf(what, sizeof(what), "update %zu", i);
        assert_int_equal(safer_action_post_update(f->st, &f->coord, id, up[i].on_date, up[i].status,
                                                  up[i].progress, up[i].note, NOW, &fe, &err),
                         SAFER_EINVAL);
        expect_errors(&fe, up[i].w, up[i].n, what);
    }
    snapshot(f, &f->coord, snap2, sizeof(snap2));
    assert_string_equal(snap1, snap2);
    assert_int_equal(audit(f).rows, rows);
}

/* ---- who may do what ---- */

static void test_action_permissions(void **state)
{
    struct fix *f = *state;
    struct safer_action_fields in = {.title = "Led by the practitioner", .due_date = "2027-01-31",
                                     .lead_user_id = f->prac.user_id};
    int64_t own = add(f, &f->coord, &in);
    struct safer_action_fields in2 = {.title = "Led by no one"};
    int64_t other = add(f, &f->coord, &in2);

    const struct safer_actor *who[] = {&f->admin, &f->coord, &f->analyst, &f->prac,
                                       &f->exec,  &f->member, &f->pub};
    for (size_t i = 0; i < sizeof(who) / sizeof(who[0]); i++) {
        const struct safer_actor *a = who[i];
        enum safer_role r = a->role;
        struct safer_field_errors fe;
        struct safer_err err = {0};
        char what[64];
        snprintf(what, sizeof(what), "role %s", safer_role_name(r));
        struct audit_count c0 = audit(f);
        char snap1[16384], snap2[16384];
        snapshot(f, &f->coord, snap1, sizeof(snap1));

        /* Reading. */
        struct safer_arena ar;
        safer_arena_init(&ar);
        struct safer_action x, *v;
        size_t n;
        int rc = safer_action_get(f->st, a, own, NOW, &ar, &x, NULL, NULL, &err);
        int want = safer_role_may(r, SAFER_PERM_VIEW_PLAN) ? 0 : SAFER_EDENIED;
        if (rc != want)
            fail_msg("%s: get gave %s", what, safer_errname(rc));
        rc = safer_action_list(f->st, a, NULL, NOW, &ar, &v, &n, &err);
        if (rc != want)
            fail_msg("%s: list gave %s", what, safer_errname(rc));
        safer_arena_release(&ar);
        size_t denied = want ? 2 : 0;

        /* Adding and changing. */
        want = safer_role_may(r, SAFER_PERM_EDIT_PLAN) ? 0 : SAFER_EDENIED;
        struct safer_action_fields bad = {.title = ""};
        rc = safer_action_add(f->st, a, &bad, NOW, NULL, &fe, &err);
        /* A refusal comes before the form is read. */
        if (rc != (want ? SAFER_EDENIED : SAFER_EINVAL))
            fail_msg("%s: add gave %s", what, safer_errname(rc));
        rc = safer_action_change(f->st, a, other, 99, &in2, NOW, &fe, &err);
        if (rc != (want ? SAFER_EDENIED : SAFER_ECONFLICT))
            fail_msg("%s: change gave %s", what, safer_errname(rc));
        denied += want ? 2 : 0;

        /* Updating: any action with UPDATE_ACTION; one's own with
         * UPDATE_OWN_ACTION. Probe with a form that is wrong, so that an
         * allowed call saves nothing either. */
        bool any = safer_role_may(r, SAFER_PERM_UPDATE_ACTION);
        bool mine = any || (safer_role_may(r, SAFER_PERM_UPDATE_OWN_ACTION) &&
                            a->user_id == f->prac.user_id);
        rc = safer_action_post_update(f->st, a, own, NULL, "on-track", "10", "", NOW, &fe, &err);
        if (rc != (mine ? SAFER_EINVAL : SAFER_EDENIED))
            fail_msg("%s: update of own gave %s", what, safer_errname(rc));
        rc = safer_action_post_update(f->st, a, other, NULL, "on-track", "10", "", NOW, &fe, &err);
        if (rc != (any ? SAFER_EINVAL : SAFER_EDENIED))
            fail_msg("%s: update of other gave %s", what, safer_errname(rc));
        denied += !mine + !any;

        /* Every refusal is logged, and nothing else is. */
        struct audit_count c1 = audit(f);
        if (c1.rows != c0.rows + denied || c1.denied != c0.denied + denied)
            fail_msg("%s: %zu audit rows and %zu refusals logged, expected %zu", what,
                     c1.rows - c0.rows, c1.denied - c0.denied, denied);
        snapshot(f, &f->coord, snap2, sizeof(snap2));
        assert_string_equal(snap1, snap2);
    }

    /* What the brief of each role says, whatever the table. */
    assert_false(safer_role_may(SAFER_ROLE_EXECUTIVE, SAFER_PERM_UPDATE_OWN_ACTION));
    assert_false(safer_role_may(SAFER_ROLE_MEMBER, SAFER_PERM_UPDATE_OWN_ACTION));
    assert_false(safer_role_may(SAFER_ROLE_PUBLIC, SAFER_PERM_UPDATE_OWN_ACTION));
    assert_false(safer_role_may(SAFER_ROLE_PRACTITIONER, SAFER_PERM_UPDATE_ACTION));

    /* The practitioner updates their own action; the other practitioner may
     * not, and the refusal names the record. */
    struct safer_field_errors fe;
    struct safer_err err = {0};
    assert_int_equal(safer_action_post_update(f->st, &f->prac, own, "2026-11-30", "on-track", "25",
                                              "First meeting held.", NOW, &fe, &err),
                     0);
    assert_int_equal(safer_action_post_update(f->st, &f->prac2, own, "2026-11-30", "on-track", "50",
                                              "Not mine.", NOW, &fe, &err),
                     SAFER_EDENIED);
    struct audit_count c = audit(f);
    assert_string_equal(c.last_action, "denied");
    char rec[64];
    snprintf(rec, sizeof(rec), "action/%lld", (long long)own);
    assert_string_equal(c.last_record, rec);
    /* Nor may the practitioner change the action itself. */
    struct safer_actor p = f->prac;
    assert_int_equal(safer_action_change(f->st, &p, own, 2, &in, NOW, &fe, &err), SAFER_EDENIED);
}

static void test_action_other_partnership(void **state)
{
    struct fix *f = *state;
    struct safer_action_fields in = {.title = "Partnership A's own"};
    int64_t id = add(f, &f->coord, &in);
    struct safer_arena a;
    safer_arena_init(&a);
    struct safer_action x;
    struct safer_field_errors fe;
    struct safer_err err = {0};
    assert_int_equal(safer_action_get(f->st, &f->coord_b, id, NOW, &a, &x, NULL, NULL, &err),
                     SAFER_ENOTFOUND);
    assert_int_equal(safer_action_change(f->st, &f->coord_b, id, 1, &in, NOW, &fe, &err),
                     SAFER_ENOTFOUND);
    assert_int_equal(safer_action_post_update(f->st, &f->coord_b, id, NULL, "on-track", "10", "n",
                                              NOW, &fe, &err),
                     SAFER_ENOTFOUND);
    /* Even for a practitioner, who may update only their own. */
    assert_int_equal(safer_action_post_update(f->st, &f->prac_b, id, NULL, "on-track", "10", "n",
                                              NOW, &fe, &err),
                     SAFER_ENOTFOUND);
    struct safer_action *v;
    size_t n;
    assert_int_equal(safer_action_list(f->st, &f->coord_b, NULL, NOW, &a, &v, &n, &err), 0);
    for (size_t i = 0; i < n; i++)
        assert_true(v[i].id != id);
    /* Unknown ids alike. */
    assert_int_equal(safer_action_get(f->st, &f->coord, INT64_C(999999), NOW, &a, &x, NULL, NULL,
                                      &err),
                     SAFER_ENOTFOUND);
    safer_arena_release(&a);
}

/* ---- lists ---- */

static void test_action_list_order_filters_overdue(void **state)
{
    struct fix *f = *state;
    const struct safer_actor *c = &f->coord_b;
    struct safer_action_fields in[] = {
        {.title = "no due date", .priority_key = "p"},
        {.title = "ten days overdue", .priority_key = "p", .group_key = "youth",
         .due_date = "2026-11-22"},
        {.title = "due next year", .priority_key = "q", .due_date = "2027-06-01"},
        {.title = "due today", .priority_key = "q", .due_date = "2026-12-02"},
        {.title = "finished long ago", .due_date = "2026-01-01"},
        {.title = "due within the month", .group_key = "youth", .due_date = "2026-12-20",
         .lead_user_id = f->prac_b.user_id},
        {.title = "also ten days overdue", .due_date = "2026-11-22"},
    };
    int64_t id[7];
    for (size_t i = 0; i < 7; i++)
        id[i] = add(f, c, &in[i]);
    struct safer_field_errors fe;
    struct safer_err err = {0};
    assert_int_equal(safer_action_post_update(f->st, c, id[4], NULL, "complete", "100", "Done.", NOW,
                                              &fe, &err),
                     0);

    struct safer_arena a;
    safer_arena_init(&a);
    struct safer_action *v;
    size_t n;
    assert_int_equal(safer_action_list(f->st, c, NULL, NOW, &a, &v, &n, &err), 0);
    const size_t order[] = {4, 1, 6, 3, 5, 2, 0};
    assert_int_equal(n, 7);
    for (size_t i = 0; i < n; i++) {
        if (v[i].id != id[order[i]])
            fail_msg("list position %zu is '%s'", i, v[i].title);
    }
    assert_int_equal(v[0].days_overdue, 0); /* complete */
    assert_int_equal(v[1].days_overdue, 10);
    assert_int_equal(v[2].days_overdue, 10);
    assert_int_equal(v[3].days_overdue, 0); /* due today is not late */
    assert_int_equal(v[6].days_overdue, 0);
    assert_string_equal(v[1].group_name, "Youth Group");
    assert_string_equal(v[1].priority_title, "P");
    assert_string_equal(v[4].lead_email, "prac@other.example");

    /* days_overdue runs from the caller's clock: a minute before midnight
     * UTC on 2026-12-02 it is still ten days, just after it eleven. */
    assert_int_equal(safer_action_list(f->st, c, NULL, NOW + 14 * 3600 - 60, &a, &v, &n, &err), 0);
    assert_int_equal(v[1].days_overdue, 10);
    assert_int_equal(safer_action_list(f->st, c, NULL, NOW + 14 * 3600, &a, &v, &n, &err), 0);
    assert_int_equal(v[1].days_overdue, 11);
    assert_int_equal(v[3].days_overdue, 1);

    struct safer_action_query q = {.priority_key = "p"};
    assert_int_equal(safer_action_list(f->st, c, &q, NOW, &a, &v, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].id, id[1]);
    assert_int_equal(v[1].id, id[0]);
    q = (struct safer_action_query){.group_key = "youth"};
    assert_int_equal(safer_action_list(f->st, c, &q, NOW, &a, &v, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].id, id[1]);
    assert_int_equal(v[1].id, id[5]);
    q = (struct safer_action_query){.lead_user_id = f->prac_b.user_id};
    assert_int_equal(safer_action_list(f->st, c, &q, NOW, &a, &v, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].id, id[5]);
    /* Due: overdue or within 30 days, and not finished. */
    q = (struct safer_action_query){.due_only = true};
    assert_int_equal(safer_action_list(f->st, c, &q, NOW, &a, &v, &n, &err), 0);
    assert_int_equal(n, 4);
    assert_int_equal(v[0].id, id[1]);
    assert_int_equal(v[1].id, id[6]);
    assert_int_equal(v[2].id, id[3]);
    assert_int_equal(v[3].id, id[5]);
    q = (struct safer_action_query){.priority_key = "q", .due_only = true};
    assert_int_equal(safer_action_list(f->st, c, &q, NOW, &a, &v, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].id, id[3]);
    q = (struct safer_action_query){.priority_key = "none"};
    assert_int_equal(safer_action_list(f->st, c, &q, NOW, &a, &v, &n, &err), 0);
    assert_int_equal(n, 0);
    assert_null(v);
    safer_arena_release(&a);
}

/* ---- actions from a plan file ---- */

static const struct safer_action *by_title(const struct safer_action *v, size_t n,
                                           const char *title)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(v[i].title, title) == 0)
            return &v[i];
    }
    fail_msg("no action '%s'", title);
    return NULL;
}

static void test_action_plan_import_keeps_workspace(void **state)
{
    struct fix *f = *state;
    const struct safer_actor *c = &f->coord_c;
    struct safer_arena a;
    safer_arena_init(&a);
    struct safer_action *v;
    size_t n;
    struct safer_err err = {0};
    /* The first import (in setup) brought two actions, not started. */
    assert_int_equal(safer_action_list(f->st, c, NULL, NOW, &a, &v, &n, &err), 0);
    assert_int_equal(n, 2);
    const struct safer_action *ch =
        by_title(v, n, "Support the roll out of Domestic Abuse Champions");
    assert_string_equal(ch->status, "not-started");
    assert_string_equal(ch->lead_org, "Kent Independent Domestic Abuse Services");
    assert_string_equal(ch->due_date, "2022-03-31");
    assert_string_equal(ch->group_name, "Domestic Abuse Forum");
    assert_string_equal(ch->priority_title, "Domestic abuse");
    int64_t champions = ch->id;

    /* The workspace rewords one and records progress. */
    struct safer_action_fields in = {.title = "Domestic Abuse Champions across Maidstone",
                                     .priority_key = "da", .group_key = "da-forum",
                                     .lead_org = "Kent Independent Domestic Abuse Services",
                                     .due_date = "2022-06-30", .status = "on-track"};
    struct safer_field_errors fe;
    assert_int_equal(safer_action_change(f->st, c, champions, 1, &in, NOW, &fe, &err), 0);
    assert_int_equal(safer_action_post_update(f->st, c, champions, NULL, "at-risk", "40",
                                              "Training delayed.", NOW, &fe, &err),
                     0);

    /* The same file again adds nothing. */
    struct safer_plan_stats stats;
    store_plan(f->st, PLAN_C1, &stats);
    assert_int_equal(stats.actions, 0);
    assert_true(stats.replaced);

    /* The next year's file: the reworded action keeps the workspace's
     * words and state, the one the file dropped stays, the new one comes. */
    struct audit_count c0 = audit(f);
    store_plan(f->st, PLAN_C2, &stats);
    assert_int_equal(stats.actions, 1);
    struct audit_count c1 = audit(f);
    assert_int_equal(c1.rows, c0.rows + 1);
    assert_string_equal(c1.last_action, "action-add");
    assert_string_equal(c1.last_before, "NULL");
    assert_string_equal(c1.last_after,
                        "{\"key\": \"one-stop-shop\", \"title\": \"Review the one-stop-shop's "
                        "usage\", \"priority_key\": \"da\", \"group_key\": \"da-forum\", "
                        "\"due_date\": \"2023-01-31\", \"status\": \"not-started\", "
                        "\"progress\": 0}");
    assert_int_equal(safer_action_list(f->st, c, NULL, NOW, &a, &v, &n, &err), 0);
    assert_int_equal(n, 3);
    ch = by_title(v, n, "Domestic Abuse Champions across Maidstone");
    assert_int_equal(ch->id, champions);
    assert_string_equal(ch->status, "at-risk");
    assert_int_equal(ch->progress, 40);
    assert_string_equal(ch->due_date, "2022-06-30");
    assert_int_equal(ch->version, 3);
    by_title(v, n, "Deliver more awareness raising events");
    ch = by_title(v, n, "Review the one-stop-shop's usage");
    assert_string_equal(ch->status, "not-started");
    assert_int_equal(ch->days_overdue, 1401);
    safer_arena_release(&a);
}


/* ---- a request's reads in one transaction ---- */

/* The reads of a read scope (safer_store_read_begin) take one snapshot;
 * the list kept by the handle follows the store's changes, made through
 * this handle or another; a refusal inside a scope is logged; days overdue
 * follow the caller's clock even for a kept list. */
static void test_action_read_scope(void **state)
{
    struct fix *f = *state;
    struct safer_err err = {0};
    struct safer_store *st2;
    if (safer_store_open(&st2, f->target, &err) < 0)
        fail_msg("%s", err.msg);
    struct safer_arena a;
    safer_arena_init(&a);
    struct safer_action *v;
    size_t n0, n;
    struct safer_action_fields late = {.title = "Due last month", .due_date = "2026-11-02"};
    int64_t late_id = add(f, &f->coord, &late);

    assert_int_equal(safer_store_read_begin(f->st, &err), 0);
    assert_int_equal(safer_action_list(f->st, &f->coord, NULL, NOW, &a, &v, &n0, &err), 0);
    assert_true(n0 > 0);
    /* Another handle adds one: this snapshot does not see it, even kept. */
    struct safer_field_errors fe;
    struct safer_action_fields in = {.title = "Added by another handle"};
    int64_t id2 = 0;
    assert_int_equal(safer_action_add(st2, &f->coord, &in, NOW, &id2, &fe, &err), 0);
    assert_int_equal(safer_action_list(f->st, &f->coord, NULL, NOW, &a, &v, &n, &err), 0);
    assert_int_equal(n, n0);
    /* The clock moves the days overdue of the kept list. */
    int64_t d0 = -1, d10 = -1;
    for (size_t i = 0; i < n; i++)
        if (v[i].id == late_id)
            d0 = v[i].days_overdue;
    assert_int_equal(safer_action_list(f->st, &f->coord, NULL, NOW + 10 * DAY, &a, &v, &n, &err),
                     0);
    for (size_t i = 0; i < n; i++)
        if (v[i].id == late_id)
            d10 = v[i].days_overdue;
    assert_int_equal(d0, 30);
    assert_int_equal(d10, 40);
    safer_store_read_end(f->st);

    /* A new scope sees it. */
    assert_int_equal(safer_store_read_begin(f->st, &err), 0);
    assert_int_equal(safer_action_list(f->st, &f->coord, NULL, NOW, &a, &v, &n, &err), 0);
    assert_int_equal(n, n0 + 1);
    /* A refusal in a scope is logged, and the scope reads on after it. */
    struct audit_count c0 = audit(f);
    assert_int_equal(safer_action_list(f->st, &f->member, NULL, NOW, &a, &v, &n, &err),
                     SAFER_EDENIED);
    assert_int_equal(audit(f).denied, c0.denied + 1);
    assert_int_equal(safer_action_list(f->st, &f->coord, NULL, NOW, &a, &v, &n, &err), 0);
    assert_int_equal(n, n0 + 1);
    /* A change through this handle in a scope, then a read in it. */
    struct safer_action_fields in3 = {.title = "Added inside a scope"};
    assert_int_equal(safer_action_add(f->st, &f->coord, &in3, NOW, NULL, &fe, &err), 0);
    assert_int_equal(safer_action_list(f->st, &f->coord, NULL, NOW, &a, &v, &n, &err), 0);
    assert_int_equal(n, n0 + 2);
    safer_store_read_end(f->st);
    safer_store_read_end(f->st); /* a second end does nothing */

    /* Outside any scope, as before. */
    assert_int_equal(safer_action_list(f->st, &f->coord, NULL, NOW, &a, &v, &n, &err), 0);
    assert_int_equal(n, n0 + 2);
    safer_arena_release(&a);
    safer_store_close(st2);
}

/* A page kept for those who would be shown the same (view.h). */
static void test_action_view(void **state)
{
    struct fix *f = *state;
    struct safer_err err = {0};
    const char *b;
    size_t n;
    const enum safer_view_page page = SAFER_VIEW_DASHBOARD;
    const enum safer_perm perm = SAFER_PERM_VIEW_AGGREGATE;
    /* Outside a read scope nothing is kept. */
    assert_int_equal(safer_view_find(f->st, &f->coord, page, NULL, perm, NOW, &b, &n, &err), 0);
    safer_view_keep(f->st, &f->coord, page, NULL, NOW, "outside", 7);
    assert_int_equal(safer_store_read_begin(f->st, &err), 0);
    assert_int_equal(safer_view_find(f->st, &f->coord, page, NULL, perm, NOW, &b, &n, &err), 0);
    safer_view_keep(f->st, &f->coord, page, NULL, NOW, "coordinator's", 13);
    assert_int_equal(safer_view_find(f->st, &f->coord, page, NULL, perm, NOW, &b, &n, &err), 1);
    assert_int_equal(n, 13);
    assert_memory_equal(b, "coordinator's", 13);
    /* A page of one record: kept for each record apart. */
    assert_int_equal(safer_view_find(f->st, &f->coord, page, "7", perm, NOW, &b, &n, &err), 0);
    safer_view_keep(f->st, &f->coord, page, "7", NOW, "record 7", 8);
    assert_int_equal(safer_view_find(f->st, &f->coord, page, "7", perm, NOW, &b, &n, &err), 1);
    assert_memory_equal(b, "record 7", 8);
    assert_int_equal(safer_view_find(f->st, &f->coord, page, "8", perm, NOW, &b, &n, &err), 0);
    assert_int_equal(safer_view_find(f->st, &f->coord, page, NULL, perm, NOW, &b, &n, &err), 1);
    assert_memory_equal(b, "coordinator's", 13);
    /* Another role, another partnership: their own. */
    assert_int_equal(safer_view_find(f->st, &f->analyst, page, NULL, perm, NOW, &b, &n, &err), 0);
    assert_int_equal(safer_view_find(f->st, &f->coord_b, page, NULL, perm, NOW, &b, &n, &err), 0);
    /* Partnership B's coordinator's, kept apart from A's. */
    safer_view_keep(f->st, &f->coord_b, page, NULL, NOW, "partnership B's", 15);
    assert_int_equal(safer_view_find(f->st, &f->coord_b, page, NULL, perm, NOW, &b, &n, &err), 1);
    assert_memory_equal(b, "partnership B's", 15);
    assert_int_equal(safer_view_find(f->st, &f->analyst, page, NULL, perm, NOW, &b, &n, &err), 0);
    safer_store_read_end(f->st);

    /* The next scope, nothing changed: kept, for that day only. */
    assert_int_equal(safer_store_read_begin(f->st, &err), 0);
    assert_int_equal(safer_view_find(f->st, &f->coord, page, NULL, perm, NOW, &b, &n, &err), 1);
    assert_int_equal(safer_view_find(f->st, &f->coord, page, NULL, perm, NOW + DAY, &b, &n, &err), 0);
    safer_store_read_end(f->st);
    /* A change to the store (through any handle) and it is gone. */
    struct safer_field_errors fe;
    struct safer_action_fields in = {.title = "A change"};
    assert_int_equal(safer_action_add(f->st, &f->coord, &in, NOW, NULL, &fe, &err), 0);
    assert_int_equal(safer_store_read_begin(f->st, &err), 0);
    assert_int_equal(safer_view_find(f->st, &f->coord, page, NULL, perm, NOW, &b, &n, &err), 0);
    /* A person who may not see it is refused, and the refusal logged. */
    struct audit_count c0 = audit(f);
    assert_int_equal(safer_view_find(f->st, &f->pub, page, NULL, perm, NOW, &b, &n, &err),
                     SAFER_EDENIED);
    assert_int_equal(audit(f).denied, c0.denied + 1);
    /* A keep with no find that missed before it keeps nothing. */
    safer_view_keep(f->st, &f->coord, page, NULL, NOW, "stale", 5);
    assert_int_equal(safer_view_find(f->st, &f->coord, page, NULL, perm, NOW, &b, &n, &err), 0);
    safer_store_read_end(f->st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_action_add_get_change),
        cmocka_unit_test(test_action_post_update),
        cmocka_unit_test(test_action_form_messages),
        cmocka_unit_test(test_action_permissions),
        cmocka_unit_test(test_action_other_partnership),
        cmocka_unit_test(test_action_list_order_filters_overdue),
        cmocka_unit_test(test_action_plan_import_keeps_workspace),
        cmocka_unit_test(test_action_read_scope),
        cmocka_unit_test(test_action_view),
    };
    return cmocka_run_group_tests_name("action", tests, setup, teardown);
}
