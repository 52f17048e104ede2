/*
 * test_store_plan.c - partnerships' plans in the store (lib/store/store_plan.c)
 * on either engine (SAFER_TEST_PG selects PostgreSQL): a plan reads back as
 * it was read from its file; the plan that applies to an area is found by
 * the partnership's code, by its districts and through the district to CSP
 * lookup, and none for an area of another partnership; importing replaces
 * that partnership's plan and no other; a refused plan changes nothing.
 * The partnerships themselves are found by row id and by code, and listed
 * (lib/store/store_partnership.c).
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

#include "safer/partnership.h"
#include "safer/plan.h"
#include "safer/store.h"
#include "testfix.h"

/* Two partnerships of the fixtures' lookup (lookup_csp.csv): E22000001
 * (district E07000001) and E22000002 (district E07000002). */
static const char PLAN_A[] =
    "{\"safer_plan\": 1, \"about\": \"a\",\n"
    " \"partnership\": {\"name\": \"Safer Test\", \"code\": \"E22000001\", \"note\": \"n\"},\n"
    " \"plan\": {\"title\": \"Plan A\", \"period\": {\"from\": \"2019-04\", \"to\": \"2022-03\"},\n"
    "          \"updated\": \"2021-06\", \"source\": \"the council\"},\n"
    " \"groups\": [\n"
    "  {\"id\": \"sub\", \"name\": \"Burglary Sub-group\", \"kind\": \"subgroup\",\n"
    "   \"reports_to\": \"exec\", \"remit\": [\"an action plan\", \"indicators\"]},\n"
    "  {\"id\": \"exec\", \"name\": \"Test Executive Group\", \"kind\": \"executive\",\n"
    "   \"meets\": \"quarterly\", \"source\": \"p. 9\"}],\n"
    " \"priorities\": [\n"
    "  {\"id\": \"burglary\", \"title\": \"Burglary\", \"objective\": \"o\",\n"
    "   \"description\": \"d\",\n"
    "   \"categories\": [\"Burglary\", \"Robbery\"], \"police_uk_cannot_show\": \"c\",\n"
    "   \"groups\": [\"sub\", \"exec\"], \"source\": \"p. 14\"},\n"
    "  {\"id\": \"asb\", \"title\": \"ASB \\u2019s\", \"cross_cutting\": true,\n"
    "   \"categories\": [\"Anti-social behaviour\"]}],\n"
    " \"scoring\": {\"volume\": 2, \"rate\": 0.25, \"trend\": 1, \"harm\": 3,\n"
    "             \"public_concern\": 0},\n"
    " \"harm_weights\": {\"source\": \"somewhere\", \"weights\": {\"Robbery\": 7.5, \"Burglary\": "
    "3}},\n"
    " \"peers\": [{\"code\": \"E22000003\", \"name\": \"Peer\"}, {\"code\": \"E22000004\"}]}\n";

/* The second partnership, known by its district, no CSP code given. */
static const char PLAN_B[] =
    "{\"safer_plan\": 1, \"partnership\": {\"name\": \"Other\", \"districts\": [\"E07000002\"]},\n"
    " \"plan\": {\"title\": \"Plan B\", \"period\": {\"from\": \"2020\", \"to\": \"2023\"},"
    " \"source\": \"s\"},\n"
    " \"groups\": [{\"id\": \"exec\", \"name\": \"Other Executive\", \"kind\": \"executive\"}],\n"
    " \"priorities\": [{\"id\": \"p\", \"title\": \"P\", \"groups\": [\"exec\"]}]}\n";

static void parse(const char *json, struct safer_plan *p)
{
    struct safer_err err = {0};
    if (safer_plan_parse(json, strlen(json), "dir/plan.json", p, &err) < 0)
        fail_msg("%s", err.msg);
}

static void store(struct safer_store *st, const struct safer_plan *p, bool replaced)
{
    struct safer_plan_stats s;
    struct safer_err err = {0};
    if (safer_plan_store(st, p, &s, &err) < 0)
        fail_msg("%s", err.msg);
    assert_int_equal(s.priorities, p->npriorities);
    assert_int_equal(s.groups, p->ngroups);
    assert_int_equal(s.replaced, replaced);
}

static void same_text(const char *a, const char *b)
{
    if (!a || !b)
        assert_true(a == b);
    else
        assert_string_equal(a, b);
}

static void same_list(const char **a, size_t na, const char **b, size_t nb)
{
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++)
        assert_string_equal(a[i], b[i]);
}

/* Everything the file said, and the file's name and checksum. */
static void same_plan(const struct safer_plan *a, const struct safer_plan *b)
{
    same_text(a->code, b->code);
    same_text(a->csp_code, b->csp_code);
    same_text(a->name, b->name);
    same_text(a->note, b->note);
    same_list(a->districts, a->ndistricts, b->districts, b->ndistricts);
    same_text(a->title, b->title);
    same_text(a->period_from, b->period_from);
    same_text(a->period_to, b->period_to);
    same_text(a->updated, b->updated);
    same_text(a->source, b->source);
    same_text(a->about, b->about);
    same_text(a->file, b->file);
    assert_string_equal(a->checksum, b->checksum);
    assert_int_equal(a->ngroups, b->ngroups);
    for (size_t i = 0; i < a->ngroups; i++) {
        const struct safer_plan_group *x = &a->groups[i], *y = &b->groups[i];
        same_text(x->key, y->key);
        same_text(x->name, y->name);
        same_text(x->kind, y->kind);
        same_text(x->parent, y->parent);
        same_text(x->meets, y->meets);
        same_text(x->source, y->source);
        same_list(x->remit, x->nremit, y->remit, y->nremit);
    }
    assert_int_equal(a->npriorities, b->npriorities);
    for (size_t i = 0; i < a->npriorities; i++) {
        const struct safer_plan_priority *x = &a->priorities[i], *y = &b->priorities[i];
        same_text(x->key, y->key);
        same_text(x->title, y->title);
        assert_int_equal(x->cross_cutting, y->cross_cutting);
        same_text(x->objective, y->objective);
        same_text(x->description, y->description);
        same_text(x->cannot_show, y->cannot_show);
        same_text(x->source, y->source);
        same_list(x->categories, x->ncategories, y->categories, y->ncategories);
        same_list(x->groups, x->ngroups, y->groups, y->ngroups);
    }
    assert_true(memcmp(&a->weights, &b->weights, sizeof(a->weights)) == 0);
    same_text(a->harm.source, b->harm.source);
    assert_int_equal(a->harm.n, b->harm.n);
    assert_int_equal(a->npeers, b->npeers);
    for (size_t i = 0; i < a->npeers; i++) {
        same_text(a->peers[i].code, b->peers[i].code);
        same_text(a->peers[i].name, b->peers[i].name);
    }
}

static struct safer_plan *load(struct safer_store *st, const char *area)
{
    struct safer_plan *p = NULL;
    struct safer_err err = {0};
    if (safer_plan_load(st, area, &p, &err) < 0)
        fail_msg("%s", err.msg);
    return p;
}

static void test_store_plan_round_trip(void **state)
{
    (void)state;
    char target[512];
    struct safer_store *st = testfix_store("plan_trip", TESTFIX_CSP, target, sizeof(target));
    struct safer_plan a;
    parse(PLAN_A, &a);
    store(st, &a, false);

    struct safer_plan *got = load(st, "E22000001");
    assert_non_null(got);
    same_plan(&a, got);
    /* Harm weights come back by category, in byte order. */
    assert_string_equal(got->harm.categories[0], "Burglary");
    assert_true(got->harm.weights[0] == 3 && got->harm.weights[1] == 7.5);
    safer_plan_free(got);

    /* District E07000001's CSP, through the lookup. */
    got = load(st, "E07000001");
    assert_non_null(got);
    assert_string_equal(got->code, "E22000001");
    safer_plan_free(got);

    /* No plan for the other partnership, nor without an area. */
    assert_null(load(st, "E07000002"));
    assert_null(load(st, "E22000002"));
    assert_null(load(st, "E07000099"));
    assert_null(load(st, NULL));

    /* The same file again: the same store. */
    struct safer_err err = {0};
    char d1[33], d2[33];
    assert_int_equal(safer_store_digest(st, d1, &err), 0);
    store(st, &a, true);
    assert_int_equal(safer_store_digest(st, d2, &err), 0);
    assert_string_equal(d1, d2);
    safer_plan_release(&a);
    testfix_done(st, target);
}

static void test_store_plan_replaces_one_partnership(void **state)
{
    (void)state;
    char target[512];
    struct safer_store *st = testfix_store("plan_replace", TESTFIX_CSP, target, sizeof(target));
    struct safer_plan a, b;
    parse(PLAN_A, &a);
    parse(PLAN_B, &b);
    store(st, &a, false);
    store(st, &b, false);

    /* B is known by its district, which is also how its area is named. */
    struct safer_plan *got = load(st, "E07000002");
    assert_non_null(got);
    same_plan(&b, got);
    safer_plan_free(got);
    /* E22000002 is B's partnership in the lookup: B named no CSP code, but
     * its district is one of E22000002's. */
    got = load(st, "E22000002");
    assert_non_null(got);
    assert_string_equal(got->code, "E07000002");
    safer_plan_free(got);

    /* A new plan of A, with one group and one priority, replaces A's. */
    static const char A2[] =
        "{\"safer_plan\": 1, \"partnership\": {\"name\": \"Safer Test, renamed\", "
        "\"code\": \"E22000001\", \"districts\": [\"E07000001\"]},\n"
        " \"plan\": {\"title\": \"Plan A2\", \"period\": {\"from\": \"2022\", \"to\": \"2025\"},"
        " \"source\": \"s\"},\n"
        " \"groups\": [{\"id\": \"exec\", \"name\": \"New Executive\", \"kind\": \"executive\"}],\n"
        " \"priorities\": [{\"id\": \"v\", \"title\": \"Violence\", \"groups\": [\"exec\"],\n"
        " \"categories\": [\"Violence and sexual offences\"]}]}\n";
    struct safer_plan a2;
    parse(A2, &a2);
    store(st, &a2, true);
    got = load(st, "E22000001");
    same_plan(&a2, got);
    safer_plan_free(got);
    /* Found by its district too, now that it names one. */
    got = load(st, "E07000001");
    assert_string_equal(got->title, "Plan A2");
    safer_plan_free(got);
    got = load(st, "E07000002");
    same_plan(&b, got);
    safer_plan_free(got);

    /* A plan naming B's district for A is refused, and changes nothing. */
    static const char CLAIM[] =
        "{\"safer_plan\": 1, \"partnership\": {\"name\": \"Greedy\", \"code\": \"E22000001\","
        " \"districts\": [\"E07000001\", \"E07000002\"]},\n"
        " \"plan\": {\"title\": \"T\", \"period\": {\"from\": \"2022\", \"to\": \"2025\"},"
        " \"source\": \"s\"},\n"
        " \"priorities\": [{\"id\": \"v\", \"title\": \"V\"}]}\n";
    struct safer_plan c;
    parse(CLAIM, &c);
    struct safer_err err = {0};
    char d1[33], d2[33];
    assert_int_equal(safer_store_digest(st, d1, &err), 0);
    struct safer_plan_stats s;
    assert_int_equal(safer_plan_store(st, &c, &s, &err), SAFER_EINVAL);
    assert_non_null(strstr(err.msg, "district 'E07000002' belongs to the stored partnership "
                                    "'E07000002' ('Other')"));
    assert_int_equal(safer_store_digest(st, d2, &err), 0);
    assert_string_equal(d1, d2);

    safer_plan_release(&a);
    safer_plan_release(&a2);
    safer_plan_release(&b);
    safer_plan_release(&c);
    testfix_done(st, target);
}

/* The same plans on two stores give the same digest, whatever ids the
 * rows got: a failed import in between uses up ids on PostgreSQL. */
static void test_store_plan_digest_ignores_row_ids(void **state)
{
    (void)state;
    char t1[512], t2[512];
    struct safer_store *s1 = testfix_store("plan_ids1", 0, t1, sizeof(t1));
    struct safer_store *s2 = testfix_store("plan_ids2", 0, t2, sizeof(t2));
    struct safer_plan a, b;
    parse(PLAN_A, &a);
    parse(PLAN_B, &b);
    store(s1, &a, false);
    store(s1, &b, false);
    store(s2, &b, false);
    store(s2, &a, false);
    store(s2, &a, true);
    struct safer_err err = {0};
    char d1[33], d2[33];
    assert_int_equal(safer_store_digest(s1, d1, &err), 0);
    assert_int_equal(safer_store_digest(s2, d2, &err), 0);
    assert_string_equal(d1, d2);
    safer_plan_release(&a);
    safer_plan_release(&b);
    testfix_done(s1, t1);
    testfix_done(s2, t2);
}

/* safer_plan_import reads the file, and a file error names it. */
static void test_store_plan_import_file(void **state)
{
    (void)state;
    char target[512], path[600];
    struct safer_store *st = testfix_store("plan_file", 0, target, sizeof(target));
    testfix_write("plan-a.json", PLAN_A, path, sizeof(path));
    struct safer_plan_stats s;
    struct safer_err err = {0};
    char *code = NULL;
    assert_int_equal(safer_plan_import(st, path, &s, &code, &err), 0);
    assert_string_equal(code, "E22000001");
    free(code);
    struct safer_plan *got = load(st, "E22000001");
    assert_string_equal(got->file, "plan-a.json");
    safer_plan_free(got);

    testfix_write("bad.json", "{\"safer_plan\": 1,\n\"x\": 1}", path, sizeof(path));
    assert_int_equal(safer_plan_import(st, path, &s, &code, &err), SAFER_EPARSE);
    assert_non_null(strstr(err.msg, "bad.json:2: unknown key 'x' in the plan"));
    assert_null(code);
    safer_err_clear(&err);
    assert_int_equal(safer_plan_import(st, "/nonexistent/plan.json", &s, NULL, &err), SAFER_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent/plan.json: cannot open"));
    testfix_done(st, target);
}

/* A session knows its partnership by row id; pages want its code and name. */
/*
 * A handle keeps the plan it read (safer_plan_current) while the store is
 * unchanged: the same plan again; a plan stored through another handle is
 * read at the next call.
 */
static void test_store_plan_current_follows_changes(void **state)
{
    (void)state;
    char target[512];
    struct safer_store *st = testfix_store("plan_current", TESTFIX_CSP, target, sizeof(target));
    struct safer_plan a;
    parse(PLAN_A, &a);
    store(st, &a, false);
    struct safer_err err = {0};
    const struct safer_plan *p1 = NULL, *p2 = NULL;
    assert_int_equal(safer_plan_current(st, "E22000001", &p1, &err), 0);
    assert_non_null(p1);
    assert_string_equal(p1->title, "Plan A");
    assert_int_equal(safer_plan_current(st, "E22000001", &p2, &err), 0);
    assert_ptr_equal(p1, p2);
    const struct safer_plan *none = p1;
    assert_int_equal(safer_plan_current(st, "E07000002", &none, &err), 0);
    assert_null(none);

    struct safer_store *other = NULL;
    assert_int_equal(safer_store_open_existing(&other, target, &err), 0);
    char *changed = strdup(PLAN_A);
    memcpy(strstr(changed, "Plan A"), "Plan Z", 6);
    struct safer_plan z;
    parse(changed, &z);
    store(other, &z, true);
    safer_store_close(other);
    assert_int_equal(safer_plan_current(st, "E22000001", &p2, &err), 0);
    assert_non_null(p2);
    assert_string_equal(p2->title, "Plan Z");
    safer_plan_release(&z);
    safer_plan_release(&a);
    free(changed);
    testfix_done(st, target);
}

static void test_store_partnerships(void **state)
{
    (void)state;
    char target[512];
    struct safer_store *st = testfix_store("partnerships", 0, target, sizeof(target));
    struct safer_arena arena = SAFER_ARENA_INIT;
    struct safer_partnership *v;
    size_t n = 99;
    struct safer_err err = {0};
    assert_int_equal(safer_partnership_list(st, &arena, &v, &n, &err), 0);
    assert_int_equal(n, 0);
    assert_null(v);
    struct safer_plan a, b;
    struct safer_plan_stats s;
    parse(PLAN_A, &a);
    parse(PLAN_B, &b);
    assert_int_equal(safer_plan_store(st, &b, &s, &err), 0);
    assert_int_equal(safer_plan_store(st, &a, &s, &err), 0);
    assert_int_equal(safer_partnership_list(st, &arena, &v, &n, &err), 0);
    assert_int_equal(n, 2);
    /* By name: a's name sorts before b's or after, as the names say. */
    const struct safer_partnership *pa = strcmp(v[0].code, "E22000001") == 0 ? &v[0] : &v[1];
    const struct safer_partnership *pb = pa == &v[0] ? &v[1] : &v[0];
    assert_true(strcmp(v[0].name, v[1].name) <= 0);
    assert_string_equal(pa->name, a.name);
    assert_string_equal(pb->code, "E07000002"); /* known by its district */
    struct safer_partnership one;
    assert_int_equal(safer_partnership_info(st, pb->id, &arena, &one, &err), 0);
    assert_int_equal(one.id, pb->id);
    assert_string_equal(one.code, "E07000002");
    assert_string_equal(one.name, b.name);
    assert_int_equal(safer_partnership_find(st, "E22000001", &arena, &one, &err), 0);
    assert_int_equal(one.id, pa->id);
    assert_int_equal(safer_partnership_info(st, pa->id + pb->id + 100, &arena, &one, &err),
                     SAFER_ENOTFOUND);
    safer_err_clear(&err);
    assert_int_equal(safer_partnership_find(st, "E22999999", &arena, &one, &err),
                     SAFER_ENOTFOUND);
    assert_non_null(strstr(err.msg, "no partnership 'E22999999'"));
    safer_plan_release(&a);
    safer_plan_release(&b);
    safer_arena_release(&arena);
    testfix_done(st, target);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_plan_round_trip),
        cmocka_unit_test(test_store_plan_replaces_one_partnership),
        cmocka_unit_test(test_store_plan_digest_ignores_row_ids),
        cmocka_unit_test(test_store_plan_import_file),
        cmocka_unit_test(test_store_plan_current_follows_changes),
        cmocka_unit_test(test_store_partnerships),
    };
    return cmocka_run_group_tests_name("store_plan", tests, testfix_setup, testfix_teardown);
}
