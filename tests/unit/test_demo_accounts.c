/*
 * test_demo_accounts.c - the demo's workspace (lib/run/demo.c): one
 * account a role a person may hold, each of which signs in to the demo store with the
 * password the demo gives (the administrator with the second factor the
 * demo store waives, and only there); the practitioner leads actions, some
 * actions are overdue and some have updates, so a dashboard has work to
 * show.
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
#include "safer/store.h"
#include "testfix.h"

static void test_demo_accounts_sign_in(void **state)
{
    (void)state;
    char dir[400];
    snprintf(dir, sizeof(dir), "%s/demo", testfix_dir);
    struct safer_demo_login logins[SAFER_DEMO_LOGINS];
    memset(logins, 0, sizeof(logins));
    struct safer_demo_opts o = {.threads = 2, .logins = logins};
    struct safer_assessment a;
    struct safer_err err = {0};
    if (safer_demo_run(dir, &o, &a, &err) < 0)
        fail_msg("%s", err.msg);
    safer_assessment_release(&a);

    char db[450];
    snprintf(db, sizeof(db), "%s/demo.db", dir);
    struct safer_store *st;
    if (safer_store_open(&st, db, &err) < 0)
        fail_msg("%s", err.msg);
    char *waive = NULL;
    if (safer_store_get_meta(st, "demo_waive_totp", &waive, &err) < 0)
        fail_msg("%s", err.msg);
    assert_non_null(waive);
    assert_string_equal(waive, "1");
    free(waive);

    int64_t now = (int64_t)time(NULL);
    struct safer_actor prac = {0};
    bool seen[SAFER_ROLE_COUNT] = {false};
    for (size_t i = 0; i < SAFER_DEMO_LOGINS; i++) {
        const struct safer_demo_login *l = &logins[i];
        assert_null(strchr(l->email, ' '));
        assert_null(strchr(l->password, ' '));
        assert_int_equal(safer_password_policy(l->password, strlen(l->password), NULL), 0);
        assert_false(seen[l->role]);
        seen[l->role] = true;
        bool admin = l->role == SAFER_ROLE_ADMINISTRATOR;
        char token[SAFER_TOKEN_SIZE];
        struct safer_actor who;
        safer_err_clear(&err);
        if (safer_login(st, l->email, l->password, strlen(l->password), NULL, admin, "E22900001",
                        now, token, &who, &err) < 0)
            fail_msg("%s: %s", l->email, err.msg);
        assert_int_equal(who.role, l->role);
        if (l->role == SAFER_ROLE_PRACTITIONER)
            prac = who;
        /* Another's password does not work. */
        const char *wrong = logins[(i + 1) % SAFER_DEMO_LOGINS].password;
        assert_int_equal(safer_login(st, l->email, wrong, strlen(wrong), NULL, admin, "E22900001",
                                     now, token, &who, NULL),
                         SAFER_EAUTH);
    }
    /* An account of every role, the public's too. */
    for (int r = 0; r < SAFER_ROLE_COUNT; r++)
        assert_true(seen[r]);
    /* The administrator needs the code unless the caller waives it. */
    char token[SAFER_TOKEN_SIZE];
    struct safer_actor admin;
    assert_int_equal(safer_login(st, logins[0].email, logins[0].password,
                                 strlen(logins[0].password), NULL, false, "E22900001", now, token,
                                 &admin, NULL),
                     SAFER_EAUTH);

    /* The practitioner's own actions, overdue work, updates. */
    struct safer_arena ar;
    safer_arena_init(&ar);
    struct safer_action *v;
    size_t n;
    if (safer_action_list(st, &prac, NULL, now, &ar, &v, &n, &err) < 0)
        fail_msg("%s", err.msg);
    assert_int_equal(n, 15);
    size_t own = 0, overdue = 0, updated = 0, statuses = 0;
    bool status_seen[8] = {false};
    for (size_t i = 0; i < n; i++) {
        own += v[i].lead_user_id == prac.user_id;
        overdue += v[i].days_overdue > 0;
        updated += v[i].version > 1;
        for (int k = 0; safer_action_statuses[k]; k++) {
            if (strcmp(v[i].status, safer_action_statuses[k]) == 0 && !status_seen[k]) {
                status_seen[k] = true;
                statuses++;
            }
        }
    }
    assert_true(own >= 2);
    assert_true(overdue >= 2);
    assert_true(updated >= 5);
    assert_true(statuses >= 4);
    struct safer_action_query q = {.lead_user_id = prac.user_id};
    if (safer_action_list(st, &prac, &q, now, &ar, &v, &n, &err) < 0)
        fail_msg("%s", err.msg);
    assert_int_equal(n, own);
    struct safer_action x;
    struct safer_action_update *u;
    size_t nu;
    if (safer_action_get(st, &prac, v[0].id, now, &ar, &x, &u, &nu, &err) < 0)
        fail_msg("%s", err.msg);
    assert_true(nu >= 1);
    safer_arena_release(&ar);
    safer_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_demo_accounts_sign_in),
    };
    return cmocka_run_group_tests_name("demo accounts", tests, testfix_setup, testfix_teardown);
}
