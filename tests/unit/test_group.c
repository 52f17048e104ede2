/*
 * test_group.c - the strategy kept in the workspace (lib/store/store_group.c)
 * on either engine (SAFER_TEST_PG selects PostgreSQL): changing a group
 * (members, organisations added, accounts linked, parent without cycles),
 * a priority (categories, links) and a group's annual plan; a stale form
 * is a conflict; every mistake named with nothing saved; who may do what,
 * each refusal logged; and a plan file's new fields, stored and written
 * back by safer_plan_write() to the same file.
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
#include "safer/auth.h"
#include "safer/group.h"
#include "safer/plan.h"
#include "safer/store.h"
#include "testdb.h"

/* 2026-12-02T10:00:00Z: the tests' clock. */
#define NOW INT64_C(1796205600)
#define PASSWORD "plum-lantern-orbit-42"

static const char PLAN_A[] =
    "{\"safer_plan\": 1, \"partnership\": {\"name\": \"Safer Test\", \"code\": \"E22000001\"},\n"
    " \"plan\": {\"title\": \"Plan A\", \"period\": {\"from\": \"2019\", \"to\": \"2022\"},"
    " \"source\": \"s\"},\n"
    " \"groups\": [{\"id\": \"exec\", \"name\": \"Test Executive Group\", \"kind\": "
    "\"executive\",\n"
    "   \"terms\": \"Strategic lead.\", \"members\": [{\"name\": \"A Chair\", \"organisation\":"
    " \"Test Borough Council\", \"role\": \"chair\"}]},\n"
    "  {\"id\": \"sub\", \"name\": \"Burglary Sub-group\", \"kind\": \"subgroup\","
    " \"reports_to\": \"exec\", \"meets\": \"monthly\",\n"
    "   \"plans\": [{\"year\": 2021, \"outcome\": \"Fewer burglaries.\"}]}],\n"
    " \"priorities\": [{\"id\": \"burglary\", \"title\": \"Reduce burglary\", \"categories\":"
    " [\"Burglary\"], \"groups\": [\"sub\"],\n"
    "   \"links\": [{\"kind\": \"county\", \"title\": \"Kent: acquisitive crime\"}]},\n"
    "  {\"id\": \"asb\", \"title\": \"Reduce ASB\", \"cross_cutting\": true}]}\n";

static const char PLAN_B[] =
    "{\"safer_plan\": 1, \"partnership\": {\"name\": \"Other\", \"code\": \"E22000002\"},\n"
    " \"plan\": {\"title\": \"Plan B\", \"period\": {\"from\": \"2020\", \"to\": \"2023\"},"
    " \"source\": \"s\"},\n"
    " \"groups\": [{\"id\": \"exec\", \"name\": \"Other Executive\", \"kind\": \"executive\"}],\n"
    " \"priorities\": [{\"id\": \"p\", \"title\": \"P\"}]}\n";

struct fix {
    struct safer_store *st;
    char target[600];
    struct safer_actor op, admin, coord, analyst, prac, exec, member, pub, coord_b;
};

static void store_plan(struct safer_store *st, const char *json)
{
    struct safer_plan p;
    struct safer_plan_stats s;
    struct safer_err err = {0};
    if (safer_plan_parse(json, strlen(json), "plan.json", &p, &err) < 0)
        fail_msg("%s", err.msg);
    if (safer_plan_store(st, &p, &s, &err) < 0)
        fail_msg("%s", err.msg);
    safer_plan_release(&p);
}

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
    if (li.needs_totp)
        snprintf(totp, sizeof(totp), "%06lld",
                 (long long)safer_totp_code(li.totp_secret, NOW / 30 + 2, 6));
    if (safer_login(f->st, email, PASSWORD, strlen(PASSWORD), li.needs_totp ? totp : NULL, false,
                    code, NOW + 60, session, out, &err) < 0)
        fail_msg("%s: %s", email, err.msg);
}

static int setup(void **state)
{
    struct fix *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    struct safer_err err = {0};
    if (safer_auth_init(&err) < 0)
        fail_msg("%s", err.msg);
    testdb_new("group", f->target, sizeof(f->target));
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

struct audit_count {
    size_t rows, denied;
    char last_action[64], last_before[2048], last_after[2048], last_record[128];
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

static struct safer_plan *strategy(struct fix *f, const struct safer_actor *who)
{
    struct safer_plan *p = NULL;
    struct safer_err err = {0};
    if (safer_strategy_get(f->st, who, NOW, &p, &err) < 0)
        fail_msg("%s", err.msg);
    assert_non_null(p);
    return p;
}

static const struct safer_plan_group *group(const struct safer_plan *p, const char *key)
{
    const struct safer_plan_group *g = safer_plan_group(p, key);
    assert_non_null(g);
    return g;
}

/* The exec group's form as a person would send it, meets changed. */
static struct safer_group_fields exec_form(struct safer_group_member_fields *m, int64_t account)
{
    m[0] = (struct safer_group_member_fields){"A Chair", "Test Borough Council", "chair", 0};
    m[1] = (struct safer_group_member_fields){"Chief Inspector B", "Test Police", "vice-chair",
                                              account};
    m[2] = (struct safer_group_member_fields){"", "", "member", 0}; /* an empty row */
    return (struct safer_group_fields){"Test Executive Group", "executive", "", "Quarterly",
                                       "Strategic lead.\nAgrees funding.",
                                       "Lead the partnership\n\n  Agree funding  ", m, 3};
}

static void test_group_change(void **state)
{
    struct fix *f = *state;
    struct safer_err err = {0};
    struct safer_field_errors fe;
    struct safer_group_member_fields m[3];
    struct safer_group_fields form = exec_form(m, f->prac.user_id);
    struct safer_plan *p = strategy(f, &f->coord);
    int64_t v = group(p, "exec")->version;
    assert_int_equal(v, 1);
    assert_string_equal(group(p, "exec")->terms, "Strategic lead.");
    assert_int_equal(group(p, "exec")->nmembers, 1);
    safer_plan_free(p);

    if (safer_group_change(f->st, &f->coord, "exec", v, &form, NOW, &fe, &err) < 0)
        fail_msg("%s (%zu, %s)", err.msg, fe.n, fe.n ? fe.e[0].message : "");
    struct audit_count c = audit(f);
    assert_string_equal(c.last_action, "group-change");
    assert_string_equal(c.last_record, "group/exec");
    assert_non_null(strstr(c.last_before, "\"meets\": null"));
    assert_non_null(strstr(c.last_after, "\"meets\": \"Quarterly\""));
    assert_non_null(strstr(c.last_after, "Chief Inspector B, Test Police, vice-chair, "
                                         "prac@test.example"));

    p = strategy(f, &f->coord);
    const struct safer_plan_group *g = group(p, "exec");
    assert_int_equal(g->version, 2);
    assert_string_equal(g->meets, "Quarterly");
    assert_string_equal(g->terms, "Strategic lead.\nAgrees funding.");
    assert_int_equal(g->nremit, 2);
    assert_string_equal(g->remit[1], "Agree funding");
    assert_int_equal(g->nmembers, 2);
    assert_string_equal(g->members[1].organisation, "Test Police");
    assert_string_equal(g->members[1].role, "vice-chair");
    assert_string_equal(g->members[1].account, "prac@test.example");
    safer_plan_free(p);

    /* A member's role reads everything but the accounts. */
    p = strategy(f, &f->member);
    assert_null(group(p, "exec")->members[1].account);
    assert_string_equal(group(p, "exec")->members[1].name, "Chief Inspector B");
    safer_plan_free(p);

    /* The same form again: stale. */
    c = audit(f);
    assert_int_equal(safer_group_change(f->st, &f->coord, "exec", v, &form, NOW, &fe, &err),
                     SAFER_ECONFLICT);
    assert_int_equal(audit(f).rows, c.rows);
    /* Another partnership's coordinator does not find it changed; theirs is untouched. */
    p = strategy(f, &f->coord_b);
    assert_null(group(p, "exec")->meets);
    safer_plan_free(p);
    assert_int_equal(safer_group_change(f->st, &f->coord_b, "sub", 1, &form, NOW, &fe, &err),
                     SAFER_ENOTFOUND);
}

static void test_group_form_errors(void **state)
{
    struct fix *f = *state;
    struct safer_err err = {0};
    struct safer_field_errors fe;
    struct safer_plan *p = strategy(f, &f->coord);
    int64_t v = group(p, "exec")->version;
    safer_plan_free(p);
    struct safer_group_member_fields m[2] = {
        {"", "Kent Fire", "member", 0},         /* no name */
        {"Someone", NULL, "boss", 0},           /* no such role */
    };
    /* exec reports to sub, which reports to exec: a cycle. */
    struct safer_group_fields form = {" ", "club", "sub", "x\001y", NULL, NULL, m, 2};
    struct audit_count c = audit(f);
    assert_int_equal(safer_group_change(f->st, &f->coord, "exec", v, &form, NOW, &fe, &err),
                     SAFER_EINVAL);
    const char *want[][2] = {
        {"name", "Enter the group's name"},
        {"kind", "Choose what kind of group it is"},
        {"parent", "A group cannot report to itself"},
        {"meets", "How often it meets must be plain text"},
        {"member_name_1", "Enter the name of member 1"},
        {"member_role_2", "Choose the role of member 2"},
    };
    assert_int_equal(fe.n, sizeof(want) / sizeof(want[0]));
    for (size_t i = 0; i < fe.n; i++) {
        assert_string_equal(fe.e[i].field, want[i][0]);
        assert_non_null(strstr(fe.e[i].message, want[i][1]));
    }
    /* An account of another partnership. */
    struct safer_group_member_fields m2[1] = {{"X", NULL, "member", f->coord_b.user_id}};
    struct safer_group_fields ok = {"N", "executive", NULL, NULL, NULL, NULL, m2, 1};
    assert_int_equal(safer_group_change(f->st, &f->coord, "exec", v, &ok, NOW, &fe, &err),
                     SAFER_EINVAL);
    assert_int_equal(fe.n, 1);
    assert_string_equal(fe.e[0].field, "member_account_1");
    /* Nothing saved, nothing logged, no organisation added. */
    assert_int_equal(audit(f).rows, c.rows);
    p = strategy(f, &f->coord);
    assert_int_equal(group(p, "exec")->version, v);
    assert_string_equal(group(p, "exec")->name, "Test Executive Group");
    safer_plan_free(p);
}

static void test_permissions(void **state)
{
    struct fix *f = *state;
    struct safer_err err = {0};
    struct safer_field_errors fe;
    struct safer_group_member_fields m[3];
    struct safer_group_fields form = exec_form(m, 0);
    struct safer_priority_fields pf = {"T", NULL, NULL, false, NULL, 0, NULL, 0};
    const struct safer_actor *no[] = {&f->analyst, &f->prac, &f->exec, &f->member, &f->pub};
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
        struct audit_count c0 = audit(f);
        assert_int_equal(safer_group_change(f->st, no[i], "sub", 1, &form, NOW, &fe, &err),
                         SAFER_EDENIED);
        struct audit_count c1 = audit(f);
        assert_int_equal(c1.denied, c0.denied + 1);
        assert_string_equal(c1.last_record, "group/sub");
        assert_int_equal(safer_priority_change(f->st, no[i], "asb", 1, &pf, NOW, &fe, &err),
                         SAFER_EDENIED);
        assert_int_equal(safer_group_plan_set(f->st, no[i], "sub", 2022, 0, "x", NOW, &fe, &err),
                         SAFER_EDENIED);
        c1 = audit(f);
        assert_int_equal(c1.denied, c0.denied + 3);
        assert_string_equal(c1.last_record, "group-plan/sub/2022");
    }
    /* Reading: every signed-in role but the public's. */
    struct safer_plan *p = NULL;
    struct audit_count c0 = audit(f);
    assert_int_equal(safer_strategy_get(f->st, &f->pub, NOW, &p, &err), SAFER_EDENIED);
    assert_null(p);
    assert_int_equal(audit(f).denied, c0.denied + 1);
    p = strategy(f, &f->member);
    assert_string_equal(group(p, "sub")->meets, "monthly");
    safer_plan_free(p);
}

static void test_priority_change(void **state)
{
    struct fix *f = *state;
    struct safer_err err = {0};
    struct safer_field_errors fe;
    const char *cats[] = {"Anti-social behaviour", "Public order", "Anti-social behaviour"};
    struct safer_priority_link_fields links[] = {{"commissioner", "Safer in Kent: ASB"},
                                                 {"county", ""}};
    struct safer_priority_fields pf = {"Reduce anti-social behaviour", "Objective text",
                                       "Focus text", true, cats, 3, links, 2};
    assert_int_equal(safer_priority_change(f->st, &f->coord, "asb", 1, &pf, NOW, &fe, &err), 0);
    struct audit_count c = audit(f);
    assert_string_equal(c.last_action, "priority-change");
    assert_string_equal(c.last_record, "priority/asb");
    assert_non_null(strstr(c.last_after, "Anti-social behaviour\\nPublic order"));
    struct safer_plan *p = strategy(f, &f->coord);
    const struct safer_plan_priority *r = &p->priorities[1];
    assert_string_equal(r->key, "asb");
    assert_int_equal(r->version, 2);
    assert_string_equal(r->objective, "Objective text");
    assert_string_equal(r->description, "Focus text");
    assert_int_equal(r->ncategories, 2);
    assert_int_equal(r->nlinks, 1);
    assert_string_equal(r->links[0].kind, "commissioner");
    safer_plan_free(p);

    /* Mistakes, each named; a stale form. */
    const char *bad[] = {"Burglary", "Shoplifiting"};
    struct safer_priority_link_fields bl[] = {{"parish", "Somewhere"}};
    struct safer_priority_fields bf = {"", NULL, NULL, false, bad, 2, bl, 1};
    assert_int_equal(safer_priority_change(f->st, &f->coord, "asb", 2, &bf, NOW, &fe, &err),
                     SAFER_EINVAL);
    assert_int_equal(fe.n, 3);
    assert_string_equal(fe.e[0].field, "title");
    assert_string_equal(fe.e[1].field, "categories");
    assert_non_null(strstr(fe.e[1].message, "Shoplifiting"));
    assert_string_equal(fe.e[2].field, "link_kind_1");
    assert_int_equal(safer_priority_change(f->st, &f->coord, "asb", 1, &pf, NOW, &fe, &err),
                     SAFER_ECONFLICT);
    assert_int_equal(safer_priority_change(f->st, &f->coord, "nope", 1, &pf, NOW, &fe, &err),
                     SAFER_ENOTFOUND);
    assert_int_equal(audit(f).rows, c.rows);
}

static void test_group_plan(void **state)
{
    struct fix *f = *state;
    struct safer_err err = {0};
    struct safer_field_errors fe;
    assert_int_equal(safer_group_plan_set(f->st, &f->coord, "sub", 2022, 0, " Safer homes. ", NOW,
                                          &fe, &err),
                     0);
    assert_string_equal(audit(f).last_action, "plan-add");
    assert_int_equal(safer_group_plan_set(f->st, &f->coord, "sub", 2022, 0, "Again", NOW, &fe,
                                          &err),
                     SAFER_ECONFLICT);
    assert_int_equal(safer_group_plan_set(f->st, &f->coord, "sub", 2021, 1, "Fewer burglaries, "
                                          "and faster.", NOW, &fe, &err),
                     0);
    struct audit_count c = audit(f);
    assert_string_equal(c.last_action, "plan-change");
    assert_string_equal(c.last_record, "group-plan/sub/2021");
    assert_string_equal(c.last_before, "{\"outcome\": \"Fewer burglaries.\"}");
    assert_int_equal(safer_group_plan_set(f->st, &f->coord, "sub", 2021, 2, "  ", NOW, &fe, &err),
                     SAFER_EINVAL);
    assert_int_equal(fe.n, 1);
    assert_string_equal(fe.e[0].field, "outcome");
    assert_int_equal(safer_group_plan_set(f->st, &f->coord, "nope", 2021, 0, "x", NOW, &fe, &err),
                     SAFER_ENOTFOUND);
    assert_int_equal(safer_group_plan_set(f->st, &f->coord, "sub", 1800, 0, "x", NOW, &fe, &err),
                     SAFER_ENOTFOUND);
    assert_int_equal(audit(f).rows, c.rows);
    struct safer_plan *p = strategy(f, &f->coord);
    const struct safer_plan_group *g = group(p, "sub");
    assert_int_equal(g->nplans, 2);
    assert_int_equal(g->plans[0].year, 2021);
    assert_int_equal(g->plans[0].version, 2);
    assert_string_equal(g->plans[1].outcome, "Safer homes.");
    safer_plan_free(p);

    /* Plan years run April to March. */
    assert_int_equal(safer_plan_year_of(NOW), 2026);
    assert_int_equal(safer_plan_year_of(INT64_C(1772323200)), 2025); /* 2026-03-01 */
    struct safer_action x = {.status = "complete", .due_date = "2022-03-31"};
    assert_true(safer_action_in_plan_year(&x, 2021));
    assert_false(safer_action_in_plan_year(&x, 2022));
    x.due_date = NULL;
    x.start_date = "2022-04-01";
    assert_true(safer_action_in_plan_year(&x, 2022));
    x.status = "on-track";
    assert_true(safer_action_in_plan_year(&x, 2019));
}

/* A file with every new field: written back from the store, read again
 * and written again, the same bytes; a mistake names file, line, field. */
static void test_file_round_trip(void **state)
{
    struct fix *f = *state;
    struct safer_err err = {0};
    struct safer_plan *p = NULL;
    if (safer_plan_load(f->st, "E22000001", &p, &err) < 0 || !p)
        fail_msg("%s", err.msg);
    struct safer_buf one, two;
    safer_buf_init(&one, 1 << 20);
    safer_buf_init(&two, 1 << 20);
    assert_int_equal(safer_plan_write(p, &one, &err), 0);
    safer_plan_free(p);
    assert_non_null(strstr(one.ptr, "\"plans\""));
    assert_non_null(strstr(one.ptr, "\"links\""));
    assert_non_null(strstr(one.ptr, "\"terms\""));
    struct safer_plan q;
    if (safer_plan_parse(one.ptr, one.len, "export.json", &q, &err) < 0)
        fail_msg("%s", err.msg);
    struct safer_plan_stats s;
    assert_int_equal(safer_plan_store(f->st, &q, &s, &err), 0);
    safer_plan_release(&q);
    if (safer_plan_load(f->st, "E22000001", &p, &err) < 0 || !p)
        fail_msg("%s", err.msg);
    assert_int_equal(safer_plan_write(p, &two, &err), 0);
    safer_plan_free(p);
    assert_string_equal(one.ptr, two.ptr);
    safer_buf_release(&one);
    safer_buf_release(&two);

    static const struct {
        const char *from, *to, *msg;
    } bad[] = {
        {"\"role\": \"chair\"", "\"role\": \"boss\"",
         "plan.json:4: 'role' of member 1 of group 1 is 'boss'"},
        {"\"year\": 2021", "\"year\": 2021.5", "plan.json:6: 'year' of plan 1 of group 2"},
        {"\"kind\": \"county\"", "\"kind\": \"parish\"", "plan.json:8: 'kind' of link 1 of "
                                                         "priority 1 is 'parish'"},
        {"\"terms\": \"Strategic lead.\"", "\"terms\": \"\"", "plan.json:4: 'terms' in group 1 "
                                                              "is empty"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char text[sizeof(PLAN_A) + 64];
        const char *at = strstr(PLAN_A, bad[i].from);
        assert_non_null(at);
        memset(&err, 0, sizeof(err));
        snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - PLAN_A), PLAN_A, bad[i].to,
                 at + strlen(bad[i].from));
        assert_int_equal(safer_plan_parse(text, strlen(text), "plan.json", &q, &err),
                         SAFER_EPARSE);
        if (!strstr(err.msg, bad[i].msg))
            fail_msg("%s: got '%s'", bad[i].msg, err.msg);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group_change),
        cmocka_unit_test(test_group_form_errors),
        cmocka_unit_test(test_permissions),
        cmocka_unit_test(test_priority_change),
        cmocka_unit_test(test_group_plan),
        cmocka_unit_test(test_file_round_trip),
    };
    return cmocka_run_group_tests_name("group", tests, setup, teardown);
}
