/*
 * test_pack.c - the packs (pack.h) and what they read besides the lists
 * (action.h, "summaries"), on the demo's workspace (SQLite, or PostgreSQL
 * under SAFER_TEST_PG): the counts by priority and status equal those of
 * the full list, and a member may have them but not the list; updates
 * since a day, their order and their refusals; the executive pack for
 * view-plan only, naming leads and the decisions asked; the scrutiny pack
 * the same bytes for a member, an executive and the operator (small counts
 * hidden whoever asks, no one named).
 */
#include "util/compat.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "safer/account.h"
#include "safer/action.h"
#include "safer/arena.h"
#include "safer/assess.h"
#include "safer/auth.h"
#include "safer/demo.h"
#include "safer/indicator.h"
#include "safer/pack.h"
#include "safer/store.h"
#include "testfix.h"

static struct {
    struct safer_store *st;
    char target[512];
    struct safer_demo_login logins[SAFER_DEMO_LOGINS];
    int64_t now;
} F;

static void must(int rc, const struct safer_err *err)
{
    if (rc < 0)
        fail_msg("%s: %s", safer_errname(rc), err->msg);
}

static int setup(void **state)
{
    if (testfix_setup(state) != 0)
        return -1;
    char dir[400];
    snprintf(dir, sizeof(dir), "%s/demo", testfix_dir);
    testdb_new("pack", F.target, sizeof(F.target));
    struct safer_demo_opts o = {.threads = 2, .logins = F.logins, .store = F.target};
    struct safer_assessment a;
    struct safer_err err = {0};
    must(safer_demo_run(dir, &o, &a, &err), &err);
    safer_assessment_release(&a);
    must(safer_store_open(&F.st, F.target, &err), &err);
    F.now = (int64_t)time(NULL);
    return 0;
}

static int teardown(void **state)
{
    testfix_done(F.st, F.target);
    return testfix_teardown(state);
}

/* The demo's person of `role`, signed in. */
static struct safer_actor as(enum safer_role role)
{
    for (size_t i = 0; i < SAFER_DEMO_LOGINS; i++) {
        const struct safer_demo_login *l = &F.logins[i];
        if (l->role != role)
            continue;
        char token[SAFER_TOKEN_SIZE];
        struct safer_actor a;
        struct safer_err err = {0};
        must(safer_login(F.st, l->email, l->password, strlen(l->password), NULL, true,
                         "E22900001", F.now, token, &a, &err),
             &err);
        return a;
    }
    fail_msg("the demo has no %s", safer_role_name(role));
    abort();
}

static struct safer_actor operator_of(const struct safer_actor *like)
{
    struct safer_actor op;
    safer_actor_operator(&op);
    op.partnership_id = like->partnership_id;
    return op;
}

static void test_pack_counts_equal_the_list(void **state)
{
    (void)state;
    struct safer_actor member = as(SAFER_ROLE_MEMBER);
    struct safer_actor op = operator_of(&member);
    struct safer_arena ar;
    safer_arena_init(&ar);
    struct safer_err err = {0};
    struct safer_action *v;
    size_t n;
    must(safer_action_list(F.st, &op, NULL, F.now, &ar, &v, &n, &err), &err);
    assert_true(n > 0);
    assert_int_equal(safer_action_list(F.st, &member, NULL, F.now, &ar, &v, &n, NULL),
                     SAFER_EDENIED);
    must(safer_action_list(F.st, &op, NULL, F.now, &ar, &v, &n, &err), &err);
    struct safer_action_count *c;
    size_t nc;
    must(safer_action_counts(F.st, &member, F.now, &ar, &c, &nc, &err), &err);
    assert_true(nc > 1);
    size_t total = 0;
    for (size_t i = 0; i < nc; i++) {
        size_t by[SAFER_ACTION_NSTATUS] = {0}, overdue = 0, all = 0;
        for (size_t j = 0; j < n; j++) {
            bool same = c[i].priority_key ? v[j].priority_key &&
                                                strcmp(c[i].priority_key, v[j].priority_key) == 0
                                          : !v[j].priority_key;
            if (!same)
                continue;
            for (int s = 0; s < SAFER_ACTION_NSTATUS; s++)
                by[s] += strcmp(v[j].status, safer_action_statuses[s]) == 0;
            overdue += v[j].days_overdue > 0;
            all++;
        }
        assert_memory_equal(by, c[i].by_status, sizeof(by));
        assert_int_equal(overdue, c[i].overdue);
        assert_int_equal(all, c[i].total);
        assert_true(all > 0);
        total += all;
        /* By key, none last. */
        if (i > 0)
            assert_true(!c[i].priority_key ||
                        strcmp(c[i - 1].priority_key, c[i].priority_key) < 0);
    }
    assert_int_equal(total, n);
    /* The public may not. */
    struct safer_actor pub;
    safer_actor_public(&pub, member.partnership_id);
    assert_int_equal(safer_action_counts(F.st, &pub, F.now, &ar, &c, &nc, NULL), SAFER_EDENIED);
    assert_null(c);
    assert_int_equal(nc, 0);
    safer_arena_release(&ar);
}

static void test_pack_updates_since(void **state)
{
    (void)state;
    struct safer_actor exec = as(SAFER_ROLE_EXECUTIVE);
    struct safer_actor member = as(SAFER_ROLE_MEMBER);
    struct safer_arena ar;
    safer_arena_init(&ar);
    struct safer_err err = {0};
    struct safer_action_recent *r;
    size_t n;
    assert_int_equal(safer_action_updates_since(F.st, &exec, "2026-02-30", F.now, &ar, &r, &n,
                                                &err),
                     SAFER_EINVAL);
    assert_non_null(strstr(err.msg, "since"));
    assert_int_equal(safer_action_updates_since(F.st, &exec, "yesterday", F.now, &ar, &r, &n,
                                                NULL),
                     SAFER_EINVAL);
    assert_int_equal(safer_action_updates_since(F.st, &member, "2000-01-01", F.now, &ar, &r, &n,
                                                NULL),
                     SAFER_EDENIED);
    must(safer_action_updates_since(F.st, &exec, "2000-01-01", F.now, &ar, &r, &n, &err), &err);
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++) {
        assert_non_null(r[i].action_title);
        assert_non_null(r[i].update.author);
        assert_true(strcmp(r[i].update.on_date, "2000-01-01") >= 0);
        if (i > 0)
            assert_true(strcmp(r[i - 1].update.on_date, r[i].update.on_date) >= 0);
    }
    /* Since the newest day: that day's only; since a later one: none. */
    const char *newest = r[0].update.on_date;
    size_t m;
    struct safer_action_recent *r2;
    must(safer_action_updates_since(F.st, &exec, newest, F.now, &ar, &r2, &m, &err), &err);
    assert_true(m >= 1 && m <= n);
    for (size_t i = 0; i < m; i++)
        assert_string_equal(r2[i].update.on_date, newest);
    must(safer_action_updates_since(F.st, &exec, "9999-12-31", F.now, &ar, &r2, &m, &err), &err);
    assert_int_equal(m, 0);
    safer_arena_release(&ar);
}

static char *render(const struct safer_actor *a, enum safer_pack_kind kind, int want)
{
    struct safer_buf b;
    safer_buf_init(&b, 16u << 20);
    struct safer_err err = {0};
    int rc = safer_pack_render(F.st, a, kind, F.now, &b, &err);
    if (rc != want)
        fail_msg("%s pack as %s: %s, expected %s (%s)", safer_pack_name(kind),
                 safer_role_name(a->role), safer_errname(rc), safer_errname(want), err.msg);
    if (safer_buf_addc(&b, '\0') < 0)
        fail_msg("out of memory");
    size_t len;
    return safer_buf_detach(&b, &len);
}

static size_t occurrences(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

static void test_pack_executive(void **state)
{
    (void)state;
    struct safer_actor exec = as(SAFER_ROLE_EXECUTIVE);
    struct safer_actor member = as(SAFER_ROLE_MEMBER);
    struct safer_actor pub;
    safer_actor_public(&pub, exec.partnership_id);
    free(render(&member, SAFER_PACK_EXECUTIVE, SAFER_EDENIED));
    free(render(&pub, SAFER_PACK_EXECUTIVE, SAFER_EDENIED));
    char *h = render(&exec, SAFER_PACK_EXECUTIVE, 0);
    assert_non_null(strstr(h, "<!DOCTYPE html>"));
    assert_non_null(strstr(h, "@page{size:A4"));
    assert_non_null(strstr(h, "Safer Maidstone Partnership Executive Group (SMPEG)"));
    assert_true(occurrences(h, "<section class=\"priority\">") >= 8);
    assert_non_null(strstr(h, "Demo Practitioner"));
    assert_null(strstr(h, "<script"));
    /* Every action off track is a decision asked, with its lead. */
    struct safer_arena ar;
    safer_arena_init(&ar);
    struct safer_err err = {0};
    struct safer_action *v;
    size_t n, off = 0;
    must(safer_action_list(F.st, &exec, NULL, F.now, &ar, &v, &n, &err), &err);
    const char *decisions = strstr(h, "<h2>Decisions asked of the group</h2>");
    assert_non_null(decisions);
    const char *end = strstr(decisions, "</ol>");
    assert_non_null(end);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(v[i].status, "off-track") != 0)
            continue;
        off++;
        const char *t = strstr(decisions, v[i].title);
        assert_true(t && t < end);
    }
    assert_true(off > 0);
    assert_int_equal(occurrences(decisions, "<li>") >= off, 1);
    safer_arena_release(&ar);
    free(h);
}

static void test_pack_scrutiny_same_for_everyone(void **state)
{
    (void)state;
    struct safer_actor member = as(SAFER_ROLE_MEMBER);
    struct safer_actor exec = as(SAFER_ROLE_EXECUTIVE);
    struct safer_actor analyst = as(SAFER_ROLE_ANALYST);
    struct safer_actor op = operator_of(&member);
    struct safer_actor pub;
    safer_actor_public(&pub, member.partnership_id);
    free(render(&pub, SAFER_PACK_SCRUTINY, SAFER_EDENIED));

    /* An indicator of one ward and a rare category, by month: some of its
     * counts are from 1 to 4, which the operator and an analyst may see. */
    struct safer_arena ar;
    safer_arena_init(&ar);
    struct safer_err err = {0};
    struct safer_indicator_ward *w;
    size_t nw;
    must(safer_indicator_wards(F.st, &op, F.now, &ar, &w, &nw, &err), &err);
    assert_true(nw > 0);
    static const char *const cats[] = {"Possession of weapons"};
    struct safer_indicator_fields f = {.title = "Weapons in one ward", .kind = "computed",
                                       .priority_key = "children-young-people",
                                       .categories = cats, .ncategories = 1, .ward = w[0].code,
                                       .measure = "count", .period = "month", .good = "down",
                                       .amber = "0", .red = "10"};
    int64_t id;
    struct safer_field_errors fe = {0};
    must(safer_indicator_add(F.st, &op, &f, F.now, &id, &fe, &err), &err);
    struct safer_indicator ind;
    struct safer_indicator_point *p;
    size_t np, small = 0;
    must(safer_indicator_get(F.st, &analyst, id, NULL, F.now, &ar, &ind, &p, &np, NULL, NULL,
                             &err),
         &err);
    for (size_t i = 0; i < np; i++)
        small += p[i].count >= 1 && p[i].count <= 4;
    assert_true(small > 0);
    struct safer_indicator_query q = {.suppress = true};
    must(safer_indicator_get(F.st, &analyst, id, &q, F.now, &ar, &ind, &p, &np, NULL, NULL,
                             &err),
         &err);
    size_t hidden = 0;
    for (size_t i = 0; i < np; i++)
        hidden += p[i].suppressed;
    assert_int_equal(hidden, small);

    char *m = render(&member, SAFER_PACK_SCRUTINY, 0);
    char *e = render(&exec, SAFER_PACK_SCRUTINY, 0);
    char *a = render(&analyst, SAFER_PACK_SCRUTINY, 0);
    char *o = render(&op, SAFER_PACK_SCRUTINY, 0);
    assert_string_equal(m, e);
    assert_string_equal(m, a);
    assert_string_equal(m, o);
    assert_non_null(strstr(m, "Weapons in one ward"));
    assert_non_null(strstr(m, "<td class=\"n\">[c]"));
    assert_true(occurrences(m, "<section class=\"priority\">") >= 8);
    assert_non_null(strstr(m, "Actions by status"));
    for (size_t i = 0; i < SAFER_DEMO_LOGINS; i++)
        assert_null(strstr(m, F.logins[i].email));
    assert_null(strstr(m, "Demo "));
    assert_null(strstr(m, "<script"));
    free(m);
    free(e);
    free(a);
    free(o);
    safer_arena_release(&ar);
}

static void test_pack_names(void **state)
{
    (void)state;
    enum safer_pack_kind k;
    assert_int_equal(safer_pack_parse("executive", &k, NULL), 0);
    assert_int_equal(k, SAFER_PACK_EXECUTIVE);
    assert_int_equal(safer_pack_parse("scrutiny", &k, NULL), 0);
    assert_int_equal(k, SAFER_PACK_SCRUTINY);
    struct safer_err err = {0};
    assert_int_equal(safer_pack_parse("Scrutiny", &k, &err), SAFER_EINVAL);
    assert_non_null(strstr(err.msg, "executive or scrutiny"));
    assert_string_equal(safer_pack_name(SAFER_PACK_SCRUTINY), "scrutiny");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pack_names),
        cmocka_unit_test(test_pack_counts_equal_the_list),
        cmocka_unit_test(test_pack_updates_since),
        cmocka_unit_test(test_pack_executive),
        cmocka_unit_test(test_pack_scrutiny_same_for_everyone),
    };
    return cmocka_run_group_tests_name("pack", tests, setup, teardown);
}
