/*
 * test_exchange.c - actions and indicators imported from the CSV templates
 * and the partnership exported (lib/store/store_exchange*.c), on either
 * engine (SAFER_TEST_PG selects PostgreSQL), by people of each role: who
 * may import and export, each refusal changing nothing and logged; rows
 * written and audited as the person; a file with one bad row among good
 * ones keeps nothing; a dry run keeps nothing; the export as a set in
 * memory and as JSON.
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
#include "safer/exchange.h"
#include "safer/indicator.h"
#include "safer/output.h"
#include "safer/plan.h"
#include "safer/store.h"
#include "testdb.h"

#define NOW INT64_C(1796205600)
#define PASSWORD "plum-lantern-orbit-42"

static const char PLAN[] =
    "{\"safer_plan\": 1, \"partnership\": {\"name\": \"Safer Test\", \"code\": \"E22000001\"},\n"
    " \"plan\": {\"title\": \"Plan\", \"period\": {\"from\": \"2019\", \"to\": \"2022\"},"
    " \"source\": \"s\"},\n"
    " \"groups\": [{\"id\": \"exec\", \"name\": \"Test Executive Group\", \"kind\": "
    "\"executive\"}],\n"
    " \"priorities\": [{\"id\": \"burglary\", \"title\": \"Reduce burglary\"}]}\n";

struct fix {
    struct safer_store *st;
    char target[600];
    char dir[600];
    char files[8][700]; /* written by file(), removed at the end */
    size_t nfiles;
    struct safer_actor op, coord, analyst, member;
};

static void person(struct fix *f, const char *email, enum safer_role role,
                   struct safer_actor *out)
{
    struct safer_err err = {0};
    char token[SAFER_TOKEN_SIZE], session[SAFER_TOKEN_SIZE];
    if (safer_user_add(f->st, &f->op, email, email, "Test Borough Council", "E22000001", role, NOW,
                       token, &err) < 0)
        fail_msg("%s: %s", email, err.msg);
    struct safer_link_info li;
    if (safer_link_info(f->st, token, NOW, &li, &err) < 0 || li.needs_totp)
        fail_msg("%s: %s", email, err.msg);
    if (safer_link_use(f->st, token, PASSWORD, strlen(PASSWORD), NULL, NOW, &err) < 0)
        fail_msg("%s: %s", email, err.msg);
    if (safer_login(f->st, email, PASSWORD, strlen(PASSWORD), NULL, false, "E22000001", NOW + 60,
                    session, out, &err) < 0)
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
    testdb_new("exchange", f->target, sizeof(f->target));
    if (safer_store_open(&f->st, f->target, &err) < 0)
        fail_msg("%s", err.msg);
    safer_actor_operator(&f->op);
    struct safer_plan p;
    struct safer_plan_stats s;
    if (safer_plan_parse(PLAN, strlen(PLAN), "plan.json", &p, &err) < 0 ||
        safer_plan_store(f->st, &p, &s, &err) < 0)
        fail_msg("%s", err.msg);
    safer_plan_release(&p);
    person(f, "coord@test.example", SAFER_ROLE_COORDINATOR, &f->coord);
    person(f, "analyst@test.example", SAFER_ROLE_ANALYST, &f->analyst);
    person(f, "member@test.example", SAFER_ROLE_MEMBER, &f->member);
    const char *tmp = getenv("TMPDIR");
    snprintf(f->dir, sizeof(f->dir), "%s/safer-unit-exchange-%ld", tmp && *tmp ? tmp : "/tmp",
             (long)getpid());
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fix *f = *state;
    for (size_t i = 0; i < f->nfiles; i++)
        unlink(f->files[i]);
    safer_store_close(f->st);
    testdb_drop(f->target);
    free(f);
    return 0;
}

/* A file of `text` in the test's temporary folder; its path in out. */
static void file(struct fix *f, const char *name, const char *text, char *out, size_t cap)
{
    snprintf(out, cap, "%s-%s", f->dir, name);
    if (f->nfiles < 8)
        snprintf(f->files[f->nfiles++], sizeof(f->files[0]), "%s", out);
    FILE *fp = fopen(out, "wb");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

struct said {
    char lines[8][300];
    size_t n;
};

static void on_mistake(void *ctx, const char *msg)
{
    struct said *s = ctx;
    if (s->n < 8)
        snprintf(s->lines[s->n], sizeof(s->lines[0]), "%s", msg);
    s->n++;
}

static size_t actions(struct fix *f)
{
    struct safer_arena a;
    safer_arena_init(&a);
    struct safer_action *v;
    size_t n;
    struct safer_err err = {0};
    if (safer_action_list(f->st, &f->coord, NULL, NOW, &a, &v, &n, &err) < 0)
        fail_msg("%s", err.msg);
    safer_arena_release(&a);
    return n;
}

static int count_row(const struct safer_audit_row *row, void *ctx)
{
    struct said *s = ctx;
    if (s->n < 8)
        snprintf(s->lines[s->n], sizeof(s->lines[0]), "%s %s", row->actor_email, row->action);
    s->n++;
    return 0;
}

static const char GOOD[] =
    "key,title,description,priority,group,lead_organisation,lead_person,start,due,status,"
    "progress\n"
    "a1,First,,burglary,exec,,coord@test.example,01/04/2021,2022-03-31,on track,10\n"
    "a2,Second,,Reduce burglary,test executive group,,,,,,\n";

/* Only those who may edit the plan import actions; a refusal changes
 * nothing and is logged; the rows are audited as the person. */
static void test_exchange_actions_who_may(void **state)
{
    struct fix *f = *state;
    char path[700];
    file(f, "good.csv", GOOD, path, sizeof(path));
    struct safer_exchange_stats s;
    struct safer_err err = {0};
    const struct safer_actor *refused[] = {&f->analyst, &f->member};
    for (size_t i = 0; i < 2; i++) {
        struct safer_err e = {0};
        assert_int_equal(safer_exchange_import(f->st, refused[i], SAFER_EXCHANGE_ACTIONS, path, 0,
                                               NOW, &s, NULL, NULL, &e),
                         SAFER_EDENIED);
    }
    assert_int_equal(actions(f), 0);
    struct safer_audit_filter af = {.record = "action"};
    struct said log = {.n = 0};
    assert_int_equal(safer_audit_each(f->st, &f->op, &af, count_row, &log, &err), 0);
    assert_int_equal(log.n, 2);
    assert_string_equal(log.lines[0], "analyst@test.example denied");

    assert_int_equal(safer_exchange_import(f->st, &f->coord, SAFER_EXCHANGE_ACTIONS, path, 0, NOW,
                                           &s, NULL, NULL, &err),
                     0);
    assert_int_equal(s.rows, 2);
    assert_int_equal(s.added, 2);
    assert_int_equal(s.rejected, 0);
    assert_int_equal(actions(f), 2);
    log.n = 0;
    assert_int_equal(safer_audit_each(f->st, &f->op, &af, count_row, &log, &err), 0);
    assert_int_equal(log.n, 4);
    assert_string_equal(log.lines[2], "coord@test.example action-add");
    assert_string_equal(log.lines[3], "coord@test.example action-add");

    /* The analyst keeps indicators; the member may not. */
    file(f, "ind.csv",
         "key,title,priority,group,kind,categories,ward,measure,period,good,target,amber,red,unit\n"
         "i1,Burglaries,burglary,,computed,Burglary,,count,month,down,10,5,10,\n",
         path, sizeof(path));
    assert_int_equal(safer_exchange_import(f->st, &f->member, SAFER_EXCHANGE_INDICATORS, path, 0,
                                           NOW, &s, NULL, NULL, &err),
                     SAFER_EDENIED);
    struct safer_err e2 = {0};
    assert_int_equal(safer_exchange_import(f->st, &f->analyst, SAFER_EXCHANGE_INDICATORS, path, 0,
                                           NOW, &s, NULL, NULL, &e2),
                     0);
    assert_int_equal(s.added, 1);
}

/* One bad row among good ones: every row checked, each mistake said,
 * nothing kept; a dry run of a good file keeps nothing either. */
static void test_exchange_all_or_nothing(void **state)
{
    struct fix *f = *state;
    size_t before = actions(f);
    char path[700];
    file(f, "mixed.csv",
         "key,title,description,priority,group,lead_organisation,lead_person,start,due,status,"
         "progress\n"
         "m1,Good,,,,,,,,,\n"
         "m2,,,,,,,2026-02-30,,,\n"
         "m3,Also good,,,,,,,,,\n",
         path, sizeof(path));
    struct safer_exchange_stats s;
    struct said said = {.n = 0};
    struct safer_err err = {0};
    assert_int_equal(safer_exchange_import(f->st, &f->coord, SAFER_EXCHANGE_ACTIONS, path, 0, NOW,
                                           &s, on_mistake, &said, &err),
                     SAFER_EPARSE);
    assert_int_equal(s.rows, 3);
    assert_int_equal(s.rejected, 1);
    assert_int_equal(s.mistakes, 2);
    assert_int_equal(s.added, 0);
    assert_int_equal(said.n, 2);
    assert_non_null(strstr(said.lines[0], "mixed.csv:3: title: Enter a title"));
    assert_non_null(strstr(said.lines[1], "mixed.csv:3: start: Start date must be a real date"));
    assert_int_equal(actions(f), before);

    file(f, "dry.csv", GOOD, path, sizeof(path));
    struct safer_err e2 = {0};
    assert_int_equal(safer_exchange_import(f->st, &f->coord, SAFER_EXCHANGE_ACTIONS, path,
                                           SAFER_EXCHANGE_DRY_RUN, NOW, &s, NULL, NULL, &e2),
                     0);
    assert_int_equal(s.rows, 2);
    assert_int_equal(actions(f), before);
}

/* The export: refused without view-plan; in memory, actions.csv in the
 * template's columns; the JSON document. */
static void test_exchange_export(void **state)
{
    struct fix *f = *state;
    struct safer_output out;
    safer_output_init(&out);
    struct safer_err err = {0};
    assert_int_equal(safer_exchange_export_csv(f->st, &f->member, NOW, &out, &err),
                     SAFER_EDENIED);
    safer_output_release(&out);
    safer_output_init(&out);
    struct safer_err e2 = {0};
    assert_int_equal(safer_exchange_export_csv(f->st, &f->analyst, NOW, &out, &e2), 0);
    const struct safer_output_file *a = safer_output_find(&out, "actions.csv");
    assert_non_null(a);
    assert_non_null(strstr(a->data, "key,title,description,priority,group,lead_organisation,"
                                    "lead_person,start,due,status,progress\r\n"));
    assert_non_null(strstr(a->data, "\r\na1,First,,burglary,exec,,coord@test.example,"
                                    "2021-04-01,2022-03-31,on-track,10\r\n"));
    assert_non_null(safer_output_find(&out, "people.csv"));
    assert_null(strstr(safer_output_find(&out, "people.csv")->data, "argon2"));
    safer_output_release(&out);

    struct safer_buf b;
    safer_buf_init(&b, 1 << 24);
    struct safer_err e3 = {0};
    assert_int_equal(safer_exchange_export_json(f->st, &f->coord, NOW, &b, &e3), 0);
    assert_non_null(strstr(b.ptr, "{\"format\":\"safer-partnership\",\"version\":1,"));
    assert_non_null(strstr(b.ptr, "\"categories\":[\"Burglary\"]"));
    assert_non_null(strstr(b.ptr, "\"updates\":[]"));
    safer_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exchange_actions_who_may),
        cmocka_unit_test(test_exchange_all_or_nothing),
        cmocka_unit_test(test_exchange_export),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
