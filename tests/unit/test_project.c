/*
 * test_project.c - problem-solving projects (project.h) on either engine
 * (SAFER_TEST_PG selects PostgreSQL), and their assessment:
 *
 * - Student's t quantile and the difference in differences against R 4.2.2
 *   (qt, lm, confint: tests/data/projects/make_fixtures.R wrote did.txt),
 *   to 1e-9, the comparison wards chosen as R chose them;
 * - adding, changing (a stale form is a conflict), responses; each change's
 *   audit row; every mistake a form can have, with nothing saved; who may do
 *   what, each refusal logged; another partnership's project not found;
 * - the assessment read from a synthetic borough's store: the project
 *   area's series is the sum of its wards', no comparison ward is in the
 *   project area or touches it, and the estimate is the one the same series
 *   give safer_did_compute.
 */
#include "util/compat.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "safer/account.h"
#include "safer/area.h"
#include "safer/auth.h"
#include "safer/counts.h"
#include "safer/plan.h"
#include "safer/police.h"
#include "safer/project.h"
#include "safer/stats.h"
#include "safer/synth.h"
#include "testfix.h"

#define FIRST (2016 * 12 + 2) /* 2016-03 */
#define MONTHS 30
#define NOW INT64_C(1796205600) /* 2026-12-02T10:00:00Z */
#define PASSWORD "plum-lantern-orbit-42"

static const char PLAN_A[] =
    "{\"safer_plan\": 1, \"partnership\": {\"name\": \"Synthetic partnership\","
    " \"code\": \"E22900001\", \"districts\": [\"E07900001\"]},\n"
    " \"plan\": {\"title\": \"Plan\", \"period\": {\"from\": \"2016\", \"to\": \"2019\"},"
    " \"source\": \"made up\"},\n"
    " \"groups\": [{\"id\": \"exec\", \"name\": \"Executive\", \"kind\": \"executive\"}],\n"
    " \"priorities\": [{\"id\": \"burglary\", \"title\": \"Burglary\"}]}\n";
static const char PLAN_B[] =
    "{\"safer_plan\": 1, \"partnership\": {\"name\": \"Other\", \"code\": \"E22000002\"},\n"
    " \"plan\": {\"title\": \"Plan B\", \"period\": {\"from\": \"2021\", \"to\": \"2024\"},"
    " \"source\": \"s\"},\n"
    " \"priorities\": [{\"id\": \"p\", \"title\": \"P\"}]}\n";

struct fixture {
    struct safer_store *st;
    char target[512];
    char dir[300];
    struct safer_actor op, coord, analyst, exec, member, pub, coord_b;
    char wards[12][16];
    size_t nwards;
};

static struct fixture F;

static void must(int rc, const struct safer_err *err)
{
    if (rc < 0)
        fail_msg("%s: %s", safer_errname(rc), err->msg);
}

static void store_plan(const char *json)
{
    struct safer_plan p;
    struct safer_err err = {0};
    struct safer_plan_stats s;
    must(safer_plan_parse(json, strlen(json), "plan.json", &p, &err), &err);
    must(safer_plan_store(F.st, &p, &s, &err), &err);
    safer_plan_release(&p);
}

/* A person of partnership `code` with `role`, signed in. */
static void person(const char *email, const char *code, enum safer_role role,
                   struct safer_actor *out)
{
    struct safer_err err = {0};
    char token[SAFER_TOKEN_SIZE], session[SAFER_TOKEN_SIZE];
    struct safer_link_info li;
    if (safer_user_add(F.st, &F.op, email, email, "Test Borough Council", code, role, NOW, token,
                       &err) < 0 ||
        safer_link_info(F.st, token, NOW, &li, &err) < 0)
        fail_msg("%s: %s", email, err.msg);
    char totp[16] = "";
    if (li.needs_totp)
        snprintf(totp, sizeof(totp), "%06lld",
                 (long long)safer_totp_code(li.totp_secret, NOW / 30, 6));
    if (safer_link_use(F.st, token, PASSWORD, strlen(PASSWORD), li.needs_totp ? totp : NULL, NOW,
                       &err) < 0)
        fail_msg("%s: %s", email, err.msg);
    if (safer_login(F.st, email, PASSWORD, strlen(PASSWORD), NULL, false, code, NOW + 60, session,
                    out, &err) < 0)
        fail_msg("%s: %s", email, err.msg);
    assert_int_equal(out->role, role);
}

static int setup(void **state)
{
    if (testfix_setup(state) != 0)
        return -1;
    struct safer_err err = {0};
    must(safer_auth_init(&err), &err);
    snprintf(F.dir, sizeof(F.dir), "%s/synth", testfix_dir);
    struct safer_synth_opts so;
    safer_synth_opts_init(&so);
    so.seed = 7;
    so.first_month = FIRST;
    so.months = MONTHS;
    so.rows = 12000;
    so.nwards = 12;
    so.vertices_per_ward = 20;
    so.flags = SAFER_SYNTH_DEMO;
    struct safer_synth_result res = {0};
    must(safer_synth_write(F.dir, &so, &res, &err), &err);
    const char **police = calloc(res.nfiles, sizeof(*police));
    size_t np = 0;
    for (size_t i = 0; i < res.nfiles; i++) {
        if (strstr(res.files[i], "/police/"))
            police[np++] = res.files[i];
    }
    F.st = testfix_store("project", 0, F.target, sizeof(F.target));
    struct safer_areas_stats as;
    struct safer_areas_opts ao = {.level = "ward"};
    char path[400];
    snprintf(path, sizeof(path), "%s/wards.geojson", F.dir);
    must(safer_areas_import(F.st, path, &ao, &as, &err), &err);
    snprintf(path, sizeof(path), "%s/lookup.csv", F.dir);
    testfix_lookup(F.st, path);
    snprintf(path, sizeof(path), "%s/csp_lookup.csv", F.dir);
    testfix_lookup(F.st, path);
    testfix_police(F.st, police, np);
    free(police);
    safer_synth_result_release(&res);
    safer_actor_operator(&F.op);
    store_plan(PLAN_A);
    store_plan(PLAN_B);
    person("coord@test.example", "E22900001", SAFER_ROLE_COORDINATOR, &F.coord);
    person("analyst@test.example", "E22900001", SAFER_ROLE_ANALYST, &F.analyst);
    person("exec@test.example", "E22900001", SAFER_ROLE_EXECUTIVE, &F.exec);
    person("member@test.example", "E22900001", SAFER_ROLE_MEMBER, &F.member);
    safer_actor_public(&F.pub, F.coord.partnership_id);
    person("coord@other.example", "E22000002", SAFER_ROLE_COORDINATOR, &F.coord_b);
    F.op.partnership_id = F.coord.partnership_id;

    struct safer_arena a;
    safer_arena_init(&a);
    struct safer_project_ward *w;
    size_t nw;
    must(safer_project_ward_choices(F.st, &F.coord, &a, &w, &nw, &err), &err);
    assert_int_equal(nw, 12);
    for (size_t i = 0; i < nw; i++)
        snprintf(F.wards[i], sizeof(F.wards[i]), "%s", w[i].code);
    F.nwards = nw;
    safer_arena_release(&a);
    return 0;
}

static int teardown(void **state)
{
    testfix_done(F.st, F.target);
    return testfix_teardown(state);
}

/* ---- Student's t and the difference in differences against R ---- */

static FILE *fixture_file(void)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/projects/did.txt", SAFER_TEST_DATA);
    FILE *fp = fopen(path, "r");
    if (!fp)
        fail_msg("cannot open %s", path);
    return fp;
}

/* The comma-separated numbers after the first `skip` fields of `line`. */
static size_t numbers(char *line, size_t skip, double *out, size_t cap)
{
    size_t n = 0, field = 0;
    for (char *tok = strtok(line, ",\n"); tok; tok = strtok(NULL, ",\n"), field++) {
        if (field < skip)
            continue;
        if (n < cap)
            out[n++] = strtod(tok, NULL);
    }
    return n;
}

static double worst; /* the largest difference from R seen, relative past 1 */

static void close_to(double got, double want, double tol, const char *what)
{
    double diff = fabs(got - want) / fmax(1.0, fabs(want));
    if (!(diff <= tol))
        fail_msg("%s: %.17g, R %.17g", what, got, want);
    if (diff > worst)
        worst = diff;
}

static void test_qt_matches_r(void **state)
{
    (void)state;
    FILE *fp = fixture_file();
    char line[8192];
    size_t n = 0;
    while (fgets(line, sizeof(line), fp)) {
        if (strncmp(line, "qt,", 3) != 0)
            continue;
        double v[3];
        assert_int_equal(numbers(line, 1, v, 3), 3);
        close_to(safer_qt(v[0], v[1]), v[2], 1e-12, "qt");
        n++;
    }
    fclose(fp);
    printf("qt: %zu quantiles, largest difference from R %.2g\n", n, worst);
    worst = 0;
    assert_true(n >= 10);
    assert_true(isnan(safer_qt(0.0, 3)));
    assert_true(isnan(safer_qt(0.5, 0)));
    assert_true(safer_qt(0.5, 3) == 0.0);
}

static void test_did_matches_r(void **state)
{
    (void)state;
    FILE *fp = fixture_file();
    char line[8192], name[64] = "";
    double project[64], cand[16 * 64], expect[6], chosen[16];
    bool eligible[16];
    size_t T = 0, S = 0, k = 0, nc = 0, nchosen = 0, cases = 0;
    while (fgets(line, sizeof(line), fp)) {
        double v[70];
        if (strncmp(line, "case,", 5) == 0) {
            snprintf(name, sizeof(name), "%.60s", line + 5);
            name[strcspn(name, "\n")] = '\0';
            nc = 0;
        } else if (strncmp(line, "T,", 2) == 0) {
            T = (size_t)atoi(line + 2);
        } else if (strncmp(line, "start,", 6) == 0) {
            S = (size_t)atoi(line + 6);
        } else if (strncmp(line, "k,", 2) == 0) {
            k = (size_t)atoi(line + 2);
        } else if (strncmp(line, "project,", 8) == 0) {
            assert_int_equal(numbers(line, 1, project, 64), T);
        } else if (strncmp(line, "cand,", 5) == 0) {
            assert_int_equal(numbers(line, 1, v, 70), T + 1);
            eligible[nc] = v[0] != 0.0;
            memcpy(cand + nc * T, v + 1, sizeof(double) * T);
            nc++;
        } else if (strncmp(line, "chosen,", 7) == 0) {
            nchosen = numbers(line, 1, chosen, 16);
        } else if (strncmp(line, "expect,", 7) == 0) {
            assert_int_equal(numbers(line, 1, expect, 6), 6);
        } else if (strncmp(line, "end", 3) == 0) {
            struct safer_did_input in = {.nmonths = T, .start = S, .project = project,
                                         .cand = cand, .eligible = eligible, .ncand = nc, .k = k};
            struct safer_did d;
            struct safer_err err = {0};
            must(safer_did_compute(&in, &d, &err), &err);
            if (d.k != nchosen)
                fail_msg("%s: %zu wards chosen, R %zu", name, d.k, nchosen);
            for (size_t i = 0; i < d.k; i++)
                if (d.chosen[i] != (size_t)chosen[i])
                    fail_msg("%s: comparison %zu is %zu, R %g", name, i, d.chosen[i], chosen[i]);
            close_to(d.estimate, expect[0], 1e-9, name);
            close_to(d.se, expect[1], 1e-9, name);
            close_to(d.lower, expect[2], 1e-9, name);
            close_to(d.upper, expect[3], 1e-9, name);
            close_to(d.scale, expect[4], 1e-12, name);
            close_to(d.df, expect[5], 0, name);
            /* The pre-period mean of the scaled comparison is the project's. */
            close_to(d.pre_comparison, d.pre_project, 1e-12, name);
            safer_did_release(&d);
            cases++;
        }
    }
    fclose(fp);
    printf("did: %zu cases, largest difference from R %.2g\n", cases, worst);
    assert_int_equal(cases, 4);
}

static void test_did_refuses(void **state)
{
    (void)state;
    double y[12] = {3, 4, 2, 5, 3, 4, 1, 2, 1, 2, 1, 1}, x[24], zero[12] = {0};
    for (size_t t = 0; t < 12; t++) {
        x[t] = y[t] + 1;
        x[12 + t] = 2 * y[t];
    }
    bool none[2] = {false, false};
    struct safer_did d;
    struct safer_err err = {0};
    struct safer_did_input in = {.nmonths = 12, .start = 5, .project = y, .cand = x, .ncand = 2};
    err = (struct safer_err){0};
    assert_int_equal(safer_did_compute(&in, &d, &err), SAFER_EINVAL);
    assert_non_null(strstr(err.msg, "at least 6 months"));
    in.start = 12; /* nothing after the start */
    err = (struct safer_err){0};
    assert_int_equal(safer_did_compute(&in, &d, &err), SAFER_EINVAL);
    in.start = 8;
    in.eligible = none;
    err = (struct safer_err){0};
    assert_int_equal(safer_did_compute(&in, &d, &err), SAFER_EINVAL);
    if (!strstr(err.msg, "no ward outside"))
        fail_msg("%s", err.msg);
    in.eligible = NULL;
    in.project = zero;
    err = (struct safer_err){0};
    assert_int_equal(safer_did_compute(&in, &d, &err), SAFER_EINVAL);
    assert_non_null(strstr(err.msg, "no record"));
    in.project = y;
    x[3] = -1;
    err = (struct safer_err){0};
    assert_int_equal(safer_did_compute(&in, &d, &err), SAFER_EINVAL);
    x[3] = 6;
    /* k = 1: the nearer candidate (2y, the same shape) is chosen. */
    in.k = 1;
    must(safer_did_compute(&in, &d, &err), &err);
    assert_int_equal(d.k, 1);
    assert_int_equal(d.chosen[0], 1);
    assert_true(d.distance[0] < 1e-15);
    assert_true(fabs(d.estimate) < 1e-12);
    safer_did_release(&d);
}

/* ---- the store ---- */

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

static struct audit_count audit(void)
{
    struct audit_count c;
    memset(&c, 0, sizeof(c));
    struct safer_err err = {0};
    must(safer_audit_each(F.st, &F.op, NULL, count_row, &c, &err), &err);
    return c;
}

static int64_t add_project(const struct safer_actor *who, const char *const *wards, size_t n,
                           const char *start)
{
    struct safer_project_fields f = {
        .title = "Shepway burglary task force", .objective = "Fewer burglaries of homes",
        .category = "Burglary", .wards = wards, .nwards = n, .start_date = start};
    struct safer_field_errors fe;
    struct safer_err err = {0};
    int64_t id = 0;
    int rc = safer_project_add(F.st, who, &f, NOW, &id, &fe, &err);
    if (rc < 0)
        fail_msg("%s: %s (%s)", safer_errname(rc), err.msg, fe.n ? fe.e[0].message : "");
    return id;
}

static void test_project_records(void **state)
{
    (void)state;
    struct safer_err err = {0};
    struct safer_field_errors fe;
    const char *w2[] = {F.wards[0], F.wards[1], F.wards[0]};

    /* Every mistake of an empty form, in the form's order; nothing saved. */
    size_t rows = audit().rows;
    struct safer_project_fields empty = {.title = " ", .stage = "done"};
    int64_t id = 0;
    assert_int_equal(safer_project_add(F.st, &F.coord, &empty, NOW, &id, &fe, &err),
                     SAFER_EINVAL);
    const char *want[] = {"title", "objective", "category", "wards", "start_date", "stage"};
    assert_int_equal(fe.n, 6);
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(fe.e[i].field, want[i]);
    const char *alien[] = {"E05999999"};
    struct safer_project_fields bad = {.title = "t", .objective = "o", .category = "Burglary",
                                       .wards = alien, .nwards = 1, .start_date = "2018-02-30"};
    assert_int_equal(safer_project_add(F.st, &F.coord, &bad, NOW, &id, &fe, &err), SAFER_EINVAL);
    assert_int_equal(fe.n, 2);
    assert_string_equal(fe.e[0].field, "wards");
    assert_string_equal(fe.e[1].field, "start_date");
    assert_int_equal(audit().rows, rows);

    /* Added by the coordinator: the wards once each, by code; audited. */
    id = add_project(&F.coord, w2, 3, "2018-03-01");
    struct audit_count c = audit();
    assert_int_equal(c.rows, rows + 1);
    assert_string_equal(c.last_action, "project-add");
    if (!strstr(c.last_after, "\"category\": \"Burglary\""))
        fail_msg("%s", c.last_after);
    assert_non_null(strstr(c.last_after, "\"stage\": \"scanning\""));
    struct safer_arena a;
    safer_arena_init(&a);
    struct safer_project p;
    struct safer_project_response *r;
    size_t nr;
    must(safer_project_get(F.st, &F.exec, id, &a, &p, &r, &nr, &err), &err);
    assert_int_equal(p.nwards, 2);
    assert_true(strcmp(p.wards[0].code, p.wards[1].code) < 0);
    assert_int_equal(p.version, 1);
    assert_int_equal(nr, 0);

    /* Who may do what: each refusal logged. */
    rows = audit().rows;
    int64_t none = 0;
    assert_int_equal(safer_project_add(F.st, &F.analyst, &bad, NOW, &none, &fe, &err),
                     SAFER_EDENIED);
    assert_int_equal(safer_project_get(F.st, &F.member, id, &a, &p, NULL, NULL, &err),
                     SAFER_EDENIED);
    assert_int_equal(safer_project_get(F.st, &F.pub, id, &a, &p, NULL, NULL, &err),
                     SAFER_EDENIED);
    assert_int_equal(safer_project_response_add(F.st, &F.exec, id, "", "Kent Police", "Patrols",
                                                NOW, &fe, &err),
                     SAFER_EDENIED);
    c = audit();
    assert_int_equal(c.rows, rows + 4);
    assert_int_equal(c.denied >= 4, true);
    /* Another partnership's project is not found, for reading or writing. */
    assert_int_equal(safer_project_get(F.st, &F.coord_b, id, &a, &p, NULL, NULL, &err),
                     SAFER_ENOTFOUND);
    struct safer_project_fields g = {.title = "Renamed", .objective = "Fewer burglaries",
                                     .category = "Burglary", .wards = w2, .nwards = 2,
                                     .start_date = "2018-03-01", .stage = "response"};
    assert_int_equal(safer_project_change(F.st, &F.coord_b, id, 1, &g, NOW, &fe, &err),
                     SAFER_ENOTFOUND);

    /* A change: before and after of what changed; version moves on; a
     * stale form is refused and changes nothing. */
    rows = audit().rows;
    must(safer_project_change(F.st, &F.coord, id, 1, &g, NOW, &fe, &err), &err);
    c = audit();
    assert_string_equal(c.last_action, "project-change");
    assert_string_equal(c.last_before,
                        "{\"title\": \"Shepway burglary task force\", "
                        "\"objective\": \"Fewer burglaries of homes\", \"stage\": \"scanning\"}");
    assert_string_equal(c.last_after, "{\"title\": \"Renamed\", "
                                      "\"objective\": \"Fewer burglaries\", "
                                      "\"stage\": \"response\"}");
    g.title = "Stale";
    assert_int_equal(safer_project_change(F.st, &F.coord, id, 1, &g, NOW, &fe, &err),
                     SAFER_ECONFLICT);
    assert_int_equal(audit().rows, rows + 1);
    /* The same again changes nothing and logs nothing. */
    g.title = "Renamed";
    must(safer_project_change(F.st, &F.coord, id, 2, &g, NOW, &fe, &err), &err);
    assert_int_equal(audit().rows, rows + 1);

    /* A response: dated (empty: today), partners and what required. */
    assert_int_equal(safer_project_response_add(F.st, &F.coord, id, "2018-13-01", "", " ", NOW,
                                                &fe, &err),
                     SAFER_EINVAL);
    assert_int_equal(fe.n, 3);
    assert_string_equal(fe.e[0].field, "on_date");
    must(safer_project_response_add(F.st, &F.coord, id, "2018-03-05", "Kent Police, Golding Homes",
                                    "Target hardening of 40 homes", NOW, &fe, &err),
         &err);
    must(safer_project_response_add(F.st, &F.coord, id, "", "Maidstone Borough Council",
                                    "Street lighting", NOW, &fe, &err),
         &err);
    c = audit();
    assert_string_equal(c.last_action, "project-response");
    assert_non_null(strstr(c.last_after, "\"on_date\": \"2026-12-02\""));
    must(safer_project_get(F.st, &F.coord, id, &a, &p, &r, &nr, &err), &err);
    assert_int_equal(nr, 2);
    assert_string_equal(r[0].on_date, "2018-03-05");
    assert_string_equal(r[0].author, "coord@test.example");
    assert_string_equal(p.stage, "response");
    assert_int_equal(p.version, 4);

    struct safer_project *list;
    size_t n;
    must(safer_project_list(F.st, &F.exec, &a, &list, &n, &err), &err);
    assert_int_equal(n, 1);
    assert_int_equal(list[0].nwards, 2);
    must(safer_project_list(F.st, &F.coord_b, &a, &list, &n, &err), &err);
    assert_int_equal(n, 0);
    safer_arena_release(&a);
}

/* The assessment from the store: the same series give the same estimate,
 * and no comparison ward is in the project area or touches it. */
static void test_project_assess(void **state)
{
    (void)state;
    struct safer_err err = {0};
    const char *w[] = {F.wards[3], F.wards[4]};
    /* 18 months before the start, 12 from it. */
    char start[16];
    snprintf(start, sizeof(start), "%04d-%02d-01", (FIRST + 18) / 12, (FIRST + 18) % 12 + 1);
    int64_t id = add_project(&F.coord, w, 2, start);
    struct safer_arena a;
    safer_arena_init(&a);
    struct safer_project_assessment pa;
    must(safer_project_assess(F.st, &F.exec, id, 3, &a, &pa, &err), &err);
    assert_int_equal(pa.nmonths, MONTHS);
    assert_int_equal(pa.did.npre, 18);
    assert_int_equal(pa.did.npost, 12);
    assert_int_equal(pa.did.k, 3);
    assert_int_equal(pa.ncandidates, 10);

    /* Neighbours, from the stored boundaries. */
    struct safer_area *areas;
    size_t na;
    must(safer_areas_load(F.st, "ward", &areas, &na, &err), &err);
    assert_int_equal(na, 12);
    struct safer_geom g[12];
    for (size_t i = 0; i < na; i++)
        g[i] = areas[i].geom;
    struct safer_nb nb;
    safer_nb_init(&nb);
    must(safer_nb_queen(&nb, g, na, SAFER_NB_SNAP_DEFAULT, &err), &err);
    size_t touching = 0;
    bool adjacent[12];
    for (size_t i = 0; i < na; i++) {
        bool in = strcmp(areas[i].code, w[0]) == 0 || strcmp(areas[i].code, w[1]) == 0;
        bool adj = false;
        for (uint32_t e = nb.start[i]; e < nb.start[i + 1]; e++) {
            const char *o = areas[nb.adj[e]].code;
            adj = adj || strcmp(o, w[0]) == 0 || strcmp(o, w[1]) == 0;
        }
        touching += !in && adj;
        adjacent[i] = adj;
        for (size_t j = 0; j < pa.did.k; j++) {
            if (strcmp(pa.comparison_codes[j], areas[i].code) == 0) {
                assert_false(in);
                assert_false(adj);
            }
        }
    }
    assert_int_equal(pa.nexcluded_adjacent, touching);
    safer_nb_release(&nb);

    /* The project's series is the sum of its wards' Burglary counts, each
     * read on its own from the count table (counts.h). */
    double total = 0.0, mine = 0.0;
    for (size_t t = 0; t < pa.nmonths; t++)
        mine += pa.project[t];
    for (size_t i = 0; i < 2; i++) {
        struct safer_counts_query q = {.ward = w[i], .crime_type = "Burglary", .from = -1,
                                       .to = -1};
        struct safer_counts cs;
        must(safer_counts_query(F.st, &q, &cs, &err), &err);
        for (size_t j = 0; j < cs.n; j++)
            total += (double)cs.rows[j].count;
        safer_counts_release(&cs);
    }
    assert_true(mine > 0.0);
    assert_true(mine == total);
    assert_true(pa.did.lower <= pa.did.estimate && pa.did.estimate <= pa.did.upper);

    /* The same from series read ward by ward from the count table: the
     * other wards as candidates in code order, those touching the project
     * area not eligible; the same wards chosen, the same estimate. */
    double y[MONTHS] = {0}, x[12 * MONTHS] = {0};
    bool ok[12];
    const char *codes[12];
    size_t nc = 0;
    for (size_t i = 0; i < na; i++) {
        bool in = strcmp(areas[i].code, w[0]) == 0 || strcmp(areas[i].code, w[1]) == 0;
        struct safer_counts_query q = {.ward = areas[i].code, .crime_type = "Burglary",
                                       .from = -1, .to = -1};
        struct safer_counts cs;
        must(safer_counts_query(F.st, &q, &cs, &err), &err);
        double *row = in ? y : x + nc * MONTHS;
        for (size_t j = 0; j < cs.n; j++) {
            int32_t m = cs.rows[j].month - FIRST;
            assert_true(m >= 0 && m < MONTHS);
            row[m] += (double)cs.rows[j].count;
        }
        safer_counts_release(&cs);
        if (!in) {
            ok[nc] = !adjacent[i];
            codes[nc++] = areas[i].code;
        }
    }
    struct safer_did_input in = {.nmonths = MONTHS, .start = 18, .project = y, .cand = x,
                                 .eligible = ok, .ncand = nc, .k = 3};
    struct safer_did d;
    must(safer_did_compute(&in, &d, &err), &err);
    assert_int_equal(d.k, pa.did.k);
    for (size_t j = 0; j < d.k; j++)
        assert_string_equal(codes[d.chosen[j]], pa.comparison_codes[j]);
    assert_true(d.estimate == pa.did.estimate && d.se == pa.did.se);
    for (size_t t = 0; t < MONTHS; t++)
        assert_true(y[t] == pa.project[t]);
    safer_did_release(&d);
    safer_did_release(&pa.did);
    safer_areas_free(areas, na);

    /* Before any data: a clear refusal. */
    const char *w1[] = {F.wards[5]};
    int64_t early = add_project(&F.coord, w1, 1, "2016-05-01");
    assert_int_equal(safer_project_assess(F.st, &F.exec, early, 0, &a, &pa, &err), SAFER_EINVAL);
    assert_non_null(strstr(err.msg, "at least 6 months"));
    assert_int_equal(safer_project_assess(F.st, &F.member, early, 0, &a, &pa, &err),
                     SAFER_EDENIED);
    safer_arena_release(&a);
}

/* ---- a place drawn as a polygon ---- */

static void test_polygon_parse(void **state)
{
    (void)state;
    struct safer_geom g;
    char *canon = NULL;
    struct safer_err err = {0};
    /* Corners a line, closed for the writer; commas or spaces. */
    assert_int_equal(safer_area_polygon_parse("0.50, 51.20\n0.52 51.20\n\n0.52,51.22\n0.50, 51.22\n",
                                              &g, &canon, &err),
                     0);
    assert_int_equal(g.nparts, 1);
    assert_int_equal(g.nrings, 1);
    assert_int_equal(g.npoints, 5);
    assert_string_equal(canon, "0.500000, 51.200000\n0.520000, 51.200000\n0.520000, 51.220000\n"
                               "0.500000, 51.220000\n");
    safer_geom_release(&g);
    /* Its own canonical text reads back the same. */
    char *again = NULL;
    assert_int_equal(safer_area_polygon_parse(canon, &g, &again, &err), 0);
    assert_string_equal(again, canon);
    safer_geom_release(&g);
    free(again);
    free(canon);
    /* A GeoJSON geometry with a hole keeps it, as GeoJSON. */
    assert_int_equal(
        safer_area_polygon_parse("{\"type\": \"Polygon\", \"coordinates\": [[[0.5, 51.2], [0.52, "
                                 "51.2], [0.52, 51.22], [0.5, 51.22], [0.5, 51.2]], [[0.505, "
                                 "51.205], [0.51, 51.205], [0.51, 51.21], [0.505, 51.205]]]}",
                                 &g, &canon, &err),
        0);
    assert_int_equal(g.nrings, 2);
    assert_true(strncmp(canon, "{\"type\":\"Polygon\"", 17) == 0);
    safer_geom_release(&g);
    free(canon);

    static const char *const bad[][2] = {
        {"", "no corners given"},
        {"0.5, 51.2\n0.52, 51.2\n", "a polygon needs at least 3 corners"},
        {"0.5, 51.2\nbarn\n0.5, 51.3\n", "line 2 is not a corner"},
        {"0.5, 51.2, 7\n0.52, 51.2\n0.5, 51.3\n", "line 1 holds more than a longitude"},
        {"0.50, 51.20\n0.52, 51.22\n0.52, 51.20\n0.50, 51.22\n", "crosses itself"},
        {"51.20, 0.50\n51.20, 0.52\n51.22, 0.52\n", "latitude first"},
        {"{\"type\": \"MultiPolygon\", \"coordinates\": [[[[0.5, 51.2], [0.52, 51.2], [0.52, "
         "51.22], [0.5, 51.2]]], [[[0.6, 51.2], [0.62, 51.2], [0.62, 51.22], [0.6, 51.2]]]]}",
         "not a MultiPolygon"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        canon = NULL;
        memset(&err, 0, sizeof(err));
        assert_true(safer_area_polygon_parse(bad[i][0], &g, &canon, &err) < 0);
        if (!strstr(err.msg, bad[i][1]))
            fail_msg("%zu: '%s' does not say '%s'", i, err.msg, bad[i][1]);
        assert_null(canon);
        assert_int_equal(g.npoints, 0);
    }
}

static void test_project_polygon(void **state)
{
    (void)state;
    struct safer_err err = {0};
    struct safer_arena a;
    safer_arena_init(&a);
    /* A rectangle over the middle of the fourth ward and beyond it. */
    struct safer_area *areas;
    size_t na;
    must(safer_areas_load(F.st, "ward", &areas, &na, &err), &err);
    const struct safer_geom *w3 = NULL;
    for (size_t i = 0; i < na; i++)
        if (strcmp(areas[i].code, F.wards[3]) == 0)
            w3 = &areas[i].geom;
    assert_non_null(w3);
    double cx = (w3->minx + w3->maxx) / 2, cy = (w3->miny + w3->maxy) / 2;
    double hx = (w3->maxx - w3->minx) * 0.4, hy = (w3->maxy - w3->miny) * 0.4;
    double x0 = cx - hx, x1 = cx + hx, y0 = cy - hy, y1 = cy + hy;
    char place[256];
    snprintf(place, sizeof(place), "%.6f, %.6f\n%.6f, %.6f\n%.6f, %.6f\n%.6f, %.6f\n", x0, y0, x1,
             y0, x1, y1, x0, y1);
    char start[16];
    snprintf(start, sizeof(start), "%04d-%02d-01", (FIRST + 18) / 12, (FIRST + 18) % 12 + 1);

    /* Wards or a polygon, not both; a bad polygon is the form's mistake. */
    const char *w[] = {F.wards[3]};
    struct safer_project_fields f = {.title = "Station Road burglary",
                                     .objective = "Fewer burglaries by the station",
                                     .category = "Burglary",
                                     .wards = w,
                                     .nwards = 1,
                                     .place = place,
                                     .start_date = start};
    struct safer_field_errors fe;
    int64_t id = 0;
    assert_int_equal(safer_project_add(F.st, &F.coord, &f, NOW, &id, &fe, &err), SAFER_EINVAL);
    assert_int_equal(fe.n, 1);
    assert_string_equal(fe.e[0].field, "place");
    f.nwards = 0;
    f.place = "0.50, 51.20\n0.52, 51.22\n0.52, 51.20\n0.50, 51.22\n";
    assert_int_equal(safer_project_add(F.st, &F.coord, &f, NOW, &id, &fe, &err), SAFER_EINVAL);
    assert_non_null(strstr(fe.e[0].message, "crosses itself"));
    f.place = NULL;
    assert_int_equal(safer_project_add(F.st, &F.coord, &f, NOW, &id, &fe, &err), SAFER_EINVAL);
    assert_string_equal(fe.e[0].field, "wards");

    f.place = place;
    must(safer_project_add(F.st, &F.coord, &f, NOW, &id, &fe, &err), &err);
    struct safer_project p;
    struct safer_project_response *r;
    size_t nr;
    must(safer_project_get(F.st, &F.exec, id, &a, &p, &r, &nr, &err), &err);
    assert_string_equal(p.place, place);
    assert_int_equal(p.nwards, 0);

    struct safer_project_assessment pa;
    must(safer_project_assess(F.st, &F.exec, id, 3, &a, &pa, &err), &err);
    assert_int_equal(pa.nmonths, MONTHS);
    assert_int_equal(pa.did.npre, 18);
    /* The oracle: every Burglary record whose point is in the rectangle,
     * by month, counted directly. */
    struct safer_crimes c = {0};
    must(safer_crimes_load(F.st, &c, &err), &err);
    double want[MONTHS] = {0};
    double sum = 0;
    for (size_t b = 0; b < c.nbatches; b++) {
        for (size_t i = c.batches[b].first; i < c.batches[b].first + c.batches[b].count; i++) {
            int32_t k = c.loc[i];
            if (k < 0 || strcmp(c.types[c.type[i]], "Burglary") != 0)
                continue;
            double x = c.xy[2 * k], y = c.xy[2 * k + 1];
            int m = c.batches[b].month - FIRST;
            if (x >= x0 && x <= x1 && y >= y0 && y <= y1 && m >= 0 && m < MONTHS)
                want[m] += 1;
        }
    }
    safer_crimes_release(&c);
    for (size_t t = 0; t < MONTHS; t++) {
        assert_true(pa.project[t] == want[t]);
        sum += want[t];
    }
    assert_true(sum > 0);
    /* The ward it lies in is no comparison ward. */
    for (size_t j = 0; j < pa.did.k; j++)
        assert_string_not_equal(pa.comparison_codes[j], F.wards[3]);
    assert_true(pa.ncandidates < F.nwards);
    safer_did_release(&pa.did);
    safer_areas_free(areas, na);
    safer_arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qt_matches_r),
        cmocka_unit_test(test_did_matches_r),
        cmocka_unit_test(test_did_refuses),
        cmocka_unit_test(test_project_records),
        cmocka_unit_test(test_project_assess),
        cmocka_unit_test(test_polygon_parse),
        cmocka_unit_test(test_project_polygon),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
