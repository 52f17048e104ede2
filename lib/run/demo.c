/*
 * demo.c - the demo partnership from nothing (see safer/demo.h): generate,
 * import, assess, all inside the fresh folder of one output set, which is
 * then put in place; and the workspace of its partnership: partner
 * organisations, one account a role, the plan's actions under way.
 */
#include "util/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/internal.h"
#include "safer/account.h"
#include "safer/action.h"
#include "safer/area.h"
#include "safer/counts.h"
#include "safer/assess.h"
#include "safer/demo.h"
#include "safer/equality.h"
#include "safer/funding.h"
#include "safer/partnership.h"
#include "safer/lookup.h"
#include "safer/output.h"
#include "safer/plan.h"
#include "safer/police.h"
#include "safer/project.h"
#include "safer/stats.h"
#include "safer/store.h"
#include "safer/synth.h"
#include "run/demo_internal.h"

/* The demo partnership: the Safer Maidstone Partnership's plan, synthetic data. */
#define DEMO_TITLE "Safer Maidstone Partnership: strategic assessment (synthetic demo data)"
#define DEMO_CSP "E22900001" /* the synthetic Community Safety Partnership */
#define DEMO_DISTRICT "E07900001" /* its one synthetic district (lib/synth/synth.c) */
#define DEMO_STORE "demo.db"

/* data/plans/safer-maidstone-2021.json, built into the program by CMake
 * (build/generated/demo_plan.c): the demo reads nothing outside it. */
extern const unsigned char safer__demo_plan[];
extern const size_t safer__demo_plan_len;

static void report(const struct safer_demo_opts *opts, struct safer_demo_progress *p,
                   enum safer_demo_step step)
{
    p->step = step;
    if (opts->progress)
        opts->progress(opts->ctx, p);
}

/* `dir`/`name`, malloc'd. */
static char *path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = safer__xmalloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* Import the generated tables and police files in `data` into `st`. */
static int import_all(struct safer_store *st, const char *data, const struct safer_demo_opts *opts,
                      struct safer_demo_progress *p, struct safer_err *err)
{
    static const char *const lookups[] = {"lookup.csv", "csp_lookup.csv"};
    struct safer_areas_opts ao = {"ward", NULL, NULL, 0};
    struct safer_areas_stats as;
    char *path = path_in(data, "wards.geojson");
    int rc = safer_areas_import(st, path, &ao, &as, err);
    free(path);
    if (rc < 0)
        return rc;
    p->wards = as.features;
    report(opts, p, SAFER_DEMO_WARDS);

    for (size_t i = 0; i < 2 && rc == 0; i++) {
        struct safer_lookup_stats ls;
        path = path_in(data, lookups[i]);
        rc = safer_lookup_import(st, path, &ls, err);
        free(path);
    }
    struct safer_population_stats ps;
    if (rc == 0) {
        path = path_in(data, "population.csv");
        rc = safer_population_import(st, path, &ps, err);
        free(path);
    }
    if (rc == 0) {
        struct safer_deprivation_stats ds;
        path = path_in(data, "deprivation.csv");
        rc = safer_deprivation_import(st, path, &ds, err);
        free(path);
    }
    if (rc == 0) {
        /* The domains of deprivation (File 2), for the ward profiles. */
        struct safer_deprivation_stats ds;
        path = path_in(data, "deprivation_domains.csv");
        rc = safer_deprivation_import(st, path, &ds, err);
        free(path);
    }
    if (rc < 0)
        return rc;
    p->lsoas = ps.rows;
    report(opts, p, SAFER_DEMO_TABLES);

    path = path_in(data, "police");
    const char *paths[1] = {path};
    struct safer_import_opts io = {.threads = opts->threads};
    rc = safer_police_import(st, paths, 1, &io, &p->police, err);
    free(path);
    if (rc == 0)
        report(opts, p, SAFER_DEMO_POLICE);
    return rc;
}

/*
 * The demo partnership's plan: the Safer Maidstone Partnership's real plan
 * (our transcription of its June 2021 update), stored under the demo's
 * synthetic CSP and district codes in place of Maidstone's real ones, with
 * a note that says so: the plan is real, the figures beside it are not.
 */
static int store_plan(struct safer_store *st, struct safer_plan *plan, struct safer_err *err)
{
    struct safer_plan p;
    int rc = safer_plan_parse((const char *)safer__demo_plan, safer__demo_plan_len,
                              "safer-maidstone-2021.json", &p, err);
    if (rc < 0)
        return rc;
    const char **districts = safer_arena_alloc(&p.arena, sizeof(char *));
    districts[0] = DEMO_DISTRICT;
    p.code = p.csp_code = DEMO_CSP;
    p.districts = districts;
    p.ndistricts = 1;
    p.note = "The demo applies the Safer Maidstone Partnership's real plan to synthetic data: "
             "its partnership code " DEMO_CSP " and district " DEMO_DISTRICT " are the demo's "
             "own, and every figure in this report is invented. The plan's priorities and "
             "groups are the real plan's.";
    p.file = "safer-maidstone-2021.json (built into safer)";
    struct safer_plan_stats stats;
    rc = safer_plan_store(st, &p, &stats, err);
    if (rc == 0)
        *plan = p; /* the caller releases it */
    else
        safer_plan_release(&p);
    return rc;
}

/* ---- the workspace ---- */

/* The partner organisations the seed plan names (the Safer Maidstone
 * Partnership's responsible authorities and partners), with their kind.
 * Kent Fire and Rescue Service is a responsible authority of every Kent
 * partnership, though the plan does not name it. */
static const struct {
    const char *name, *kind;
} DEMO_ORGS[] = {
    {"Maidstone Borough Council", "council"},
    {"Kent County Council", "council"},
    {"Kent Police", "police"},
    {"Kent Fire and Rescue Service", "fire"},
    {"NHS Kent and Medway Clinical Commissioning Group", "health"},
    {"National Probation Service", "probation"},
    {"Golding Homes", "housing"},
    {"Change Grow Live", "voluntary"},
    {"Kent Independent Domestic Abuse Services", "voluntary"},
};

/* One account a role, in the order of struct safer_demo_login. The public
 * is anyone not signed in; its account shows what they see, signed in. */
static const struct {
    enum safer_role role;
    const char *name, *org;
} DEMO_PEOPLE[SAFER_DEMO_LOGINS] = {
    {SAFER_ROLE_ADMINISTRATOR, "Demo Administrator", "Maidstone Borough Council"},
    {SAFER_ROLE_COORDINATOR, "Demo Coordinator", "Maidstone Borough Council"},
    {SAFER_ROLE_ANALYST, "Demo Analyst", "Kent Police"},
    {SAFER_ROLE_PRACTITIONER, "Demo Practitioner", "Maidstone Borough Council"},
    {SAFER_ROLE_EXECUTIVE, "Demo Executive", "Kent Police"},
    {SAFER_ROLE_MEMBER, "Demo Councillor", "Maidstone Borough Council"},
    {SAFER_ROLE_PUBLIC, "Demo Resident", "Members of the public"},
};

/* A random password: five groups of four hex digits of a fresh token (80
 * bits), joined by '-'. */
static void demo_password(char out[64])
{
    char t[SAFER_TOKEN_SIZE];
    safer_token_new(t);
    snprintf(out, 64, "%.4s-%.4s-%.4s-%.4s-%.4s", t, t + 4, t + 8, t + 12, t + 16);
}

/* Add the account of DEMO_PEOPLE[i] and set its password through its
 * set-up link (with a code from its new TOTP secret for the administrator). */
static int demo_account(struct safer_store *st, const struct safer_actor *op, size_t i,
                        int64_t now, struct safer_demo_login *out, struct safer_err *err)
{
    const char *role = safer_role_name(DEMO_PEOPLE[i].role);
    memset(out, 0, sizeof(*out));
    snprintf(out->email, sizeof(out->email), "%s@demo.example", role);
    out->role = DEMO_PEOPLE[i].role;
    char token[SAFER_TOKEN_SIZE];
    int rc = safer_user_add(st, op, out->email, DEMO_PEOPLE[i].name, DEMO_PEOPLE[i].org, DEMO_CSP,
                            out->role, now, token, err);
    struct safer_link_info li;
    if (rc == 0)
        rc = safer_link_info(st, token, now, &li, err);
    char code[24] = "";
    if (rc == 0 && li.needs_totp) {
        int64_t c = safer_totp_code(li.totp_secret, now / 30, 6);
        if (c < 0 || c > 999999)
            return safer_err_set(err, SAFER_EINVAL, "the demo administrator's TOTP secret");
        snprintf(code, sizeof(code), "%06lld", (long long)c);
    }
    /* A password the policy refuses (a deny-listed chance) is drawn again. */
    for (int tries = 0; rc == 0 && tries < 8; tries++) {
        demo_password(out->password);
        if (safer_password_policy(out->password, strlen(out->password), NULL) == 0)
            break;
    }
    if (rc == 0)
        rc = safer_link_use(st, token, out->password, strlen(out->password),
                            li.needs_totp ? code : NULL, now, err);
    return rc;
}

/* What the demo does with one of the plan's actions (by its key in the
 * plan file): who leads it, when it is due (days from today, or none) and
 * the updates posted on it, oldest first. */
struct demo_update {
    int day; /* days from today: negative, in the past */
    const char *status, *progress, *note;
};
static const struct {
    const char *key, *org;
    bool practitioner; /* led by the demo practitioner */
    int start, due;    /* days from today; 0: none */
    struct demo_update up[2];
} DEMO_ACTIONS[] = {
    {"cpt-safer-socialising", "Maidstone Borough Council", true, -150, -14,
     {{-100, "on-track", "20", "Licensed venues in the town centre briefed on the scheme."},
      {-30, "at-risk", "45", "Two venues have not signed up yet; follow-up visits booked."}}},
    {"cpt-tobacco-alcohol-powers", "Maidstone Borough Council", true, -90, 21,
     {{-60, "on-track", "30", "Closure order powers reviewed with Kent Police licensing."}}},
    {"csu-self-neglect-summit", "Maidstone Borough Council", true, -120, -45,
     {{-50, "off-track", "10", "The venue fell through; the summit is to be rescheduled."}}},
    {"socp-drugs-money-laundering-ocg", "Kent Police", false, -200, -30,
     {{-40, "at-risk", "60", "Two warrants executed; financial investigation continues."}}},
    {"socp-puppy-farms", "Kent Police", false, -180, -5,
     {{-70, "on-track", "50", "Joint visits with licensing to three premises."},
      {-6, "complete", "100", "Two unlicensed breeders disrupted; case passed to licensing."}}},
    {"da-champions", "Kent Independent Domestic Abuse Services", false, -160, 60,
     {{-20, "on-track", "50", "Twelve Domestic Abuse Champions trained this quarter."}}},
    {"dcsm-my-place", "Kent County Council", false, -30, 120, {{0, NULL, NULL, NULL}}},
    {"csu-homeless-mental-health-funding", "NHS Kent and Medway Clinical Commissioning Group", false,
     -60, 200, {{0, NULL, NULL, NULL}}},
};

static void demo_day(int64_t now, int days, char out[11])
{
    time_t t = (time_t)(now + (int64_t)days * 86400);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* A form's first mistake as the error (the demo's own data: a bug). */
static int form_failed(const struct safer_field_errors *fe, const char *key, int rc,
                       struct safer_err *err)
{
    if (fe->n)
        return safer_err_set(err, rc, "the demo's action '%s': %s: %s", key, fe->e[0].field,
                             fe->e[0].message);
    return rc;
}

/* Leads, dates and updates on the plan's actions, as the coordinator and
 * the practitioner would give them. The list names no plan keys, so each
 * is found by its title in the plan (unique there). */
static int demo_actions(struct safer_store *st, const struct safer_plan *plan,
                        const struct safer_actor *coord, const struct safer_actor *prac,
                        int64_t now, struct safer_err *err)
{
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_action *v;
    size_t n;
    int rc = safer_action_list(st, coord, NULL, now, &arena, &v, &n, err);
    for (size_t k = 0; rc == 0 && k < sizeof(DEMO_ACTIONS) / sizeof(DEMO_ACTIONS[0]); k++) {
        const char *key = DEMO_ACTIONS[k].key;
        const char *title = NULL;
        for (size_t i = 0; i < plan->nactions && !title; i++) {
            if (strcmp(plan->actions[i].key, key) == 0)
                title = plan->actions[i].title;
        }
        const struct safer_action *x = NULL;
        for (size_t i = 0; title && i < n && !x; i++) {
            if (strcmp(v[i].title, title) == 0)
                x = &v[i];
        }
        if (!x) {
            rc = safer_err_set(err, SAFER_EINVAL, "the demo's action '%s' is not in its plan", key);
            break;
        }
        char start[11], due[11];
        demo_day(now, DEMO_ACTIONS[k].start, start);
        demo_day(now, DEMO_ACTIONS[k].due, due);
        const struct safer_actor *lead = DEMO_ACTIONS[k].practitioner ? prac : coord;
        struct safer_action_fields f = {
            .title = x->title,
            .description = x->description,
            .priority_key = x->priority_key,
            .group_key = x->group_key,
            .lead_org = DEMO_ACTIONS[k].org,
            .lead_user_id = DEMO_ACTIONS[k].practitioner ? prac->user_id : 0,
            .start_date = start,
            .due_date = due,
            .status = x->status,
        };
        struct safer_field_errors fe;
        rc = safer_action_change(st, coord, x->id, x->version, &f, now, &fe, err);
        if (rc < 0)
            rc = form_failed(&fe, key, rc, err);
        for (size_t u = 0; rc == 0 && u < 2 && DEMO_ACTIONS[k].up[u].note; u++) {
            const struct demo_update *d = &DEMO_ACTIONS[k].up[u];
            char day[11];
            demo_day(now, d->day, day);
            rc = safer_action_post_update(st, lead, x->id, day, d->status, d->progress, d->note,
                                          now, &fe, err);
            if (rc < 0)
                rc = form_failed(&fe, key, rc, err);
        }
    }
    safer_arena_release(&arena);
    return rc;
}

/* ---- equality and money ---- */

/*
 * The equality impact assessment of the partnership's 2021 plan: the plan
 * says each sub-group carries out equalities analysis under the Equality
 * Act 2010; what it found is written for the demo, and says so.
 */
static const char *const DEMO_EIA_CHARACTERISTICS[] = {
    "age", "disability", "pregnancy and maternity", "race", "sex", "sexual orientation",
};
static const struct safer_equality_fields DEMO_EIA = {
    .group_key = "",
    .year = "2021",
    .characteristics = DEMO_EIA_CHARACTERISTICS,
    .ncharacteristics = sizeof(DEMO_EIA_CHARACTERISTICS) / sizeof(DEMO_EIA_CHARACTERISTICS[0]),
    .evidence = "Illustrative, written for the demo: not the partnership's assessment.\n"
                "The plan's priorities and actions; the synthetic police.uk records of the "
                "demo's wards; the Voice of Young Maidstone survey the plan cites.",
    .findings = "Domestic abuse and stalking fall mostly on women, and on pregnant women more "
                "than others.\n"
                "Young people are most affected by the plan's work on county lines and "
                "substance misuse.\n"
                "Hate crime reporting by race and sexual orientation is low, which may hide "
                "need.",
    .mitigations = "Domestic Abuse Champions trained to recognise abuse in pregnancy.\n"
                   "Activities for young people offered in the wards of most need, with "
                   "access for disabled young people checked.\n"
                   "Hate crime reporting promoted through community groups.",
    .review_date = "2022-04-30",
};

/* The grants the plan's Executive Group agrees (it is to "receive and
 * agree funds and funding applications"), by the keys of the actions
 * they pay for. Amounts and spend are illustrative; `scheme` says so. */
static const struct {
    struct safer_funding_fields f;
    const char *actions[3];
} DEMO_GRANTS[] = {
    {{.funder = "Safer Maidstone Partnership Executive Group (SMPEG)",
      .scheme = "Community safety fund (illustrative amounts)",
      .amount = "£15,000",
      .spent = "£9,750.50",
      .period_from = "2021-04-01",
      .period_to = "2022-03-31",
      .priority_key = "children-young-people",
      .status = "awarded",
      .delivered = "Illustrative: \"My Place\" sessions in two wards; Safer Socialising "
                   "Scheme training for licensed venues."},
     {"dcsm-my-place", "cpt-safer-socialising", NULL}},
    {{.funder = "Kent Police and Crime Commissioner (PCC)",
      .scheme = "Crime Reduction Grant (illustrative amount)",
      .amount = "36000",
      .spent = "36000",
      .period_from = "2021-04-01",
      .period_to = "2022-03-31",
      .priority_key = "domestic-abuse",
      .status = "closed",
      .delivered = "Illustrative: Domestic Abuse Champions trained across the borough and "
                   "awareness events held."},
     {"da-champions", "da-awareness-events", NULL}},
};

/* Load the assessment and the grants as the coordinator would. */
static int demo_money(struct safer_store *st, const struct safer_plan *plan,
                      const struct safer_actor *coord, int64_t now, struct safer_err *err)
{
    struct safer_field_errors fe;
    int64_t id;
    fe.n = 0;
    int rc = safer_equality_add(st, coord, &DEMO_EIA, now, &id, &fe, err);
    if (rc < 0 && fe.n)
        return safer_err_set(err, rc, "the demo's equality impact assessment: %s: %s",
                             fe.e[0].field, fe.e[0].message);
    if (rc < 0)
        return rc;
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_action *v;
    size_t n;
    rc = safer_action_list(st, coord, NULL, now, &arena, &v, &n, err);
    for (size_t g = 0; rc == 0 && g < sizeof(DEMO_GRANTS) / sizeof(DEMO_GRANTS[0]); g++) {
        int64_t ids[3];
        size_t nids = 0;
        for (size_t k = 0; rc == 0 && DEMO_GRANTS[g].actions[k]; k++) {
            const char *key = DEMO_GRANTS[g].actions[k], *title = NULL;
            for (size_t i = 0; i < plan->nactions && !title; i++) {
                if (strcmp(plan->actions[i].key, key) == 0)
                    title = plan->actions[i].title;
            }
            for (size_t i = 0; title && i < n; i++) {
                if (strcmp(v[i].title, title) == 0)
                    ids[nids++] = v[i].id;
            }
            if (nids != k + 1)
                rc = safer_err_set(err, SAFER_EINVAL, "the demo's action '%s' is not in its plan",
                                   key);
        }
        struct safer_funding_fields f = DEMO_GRANTS[g].f;
        f.action_ids = ids;
        f.nactions = nids;
        fe.n = 0;
        if (rc == 0)
            rc = safer_funding_add(st, coord, &f, now, &id, &fe, err);
        if (rc < 0 && fe.n)
            rc = safer_err_set(err, rc, "the demo's grant from %s: %s: %s", f.funder,
                               fe.e[0].field, fe.e[0].message);
    }
    safer_arena_release(&arena);
    return rc;
}

/*
 * projects: the task force's first problem-solving project. The seed's
 * focus area was the combined wards of Shepway South and Shepway North,
 * two neighbours; the synthetic borough has neither, so the demo takes the
 * two neighbouring wards (queen contiguity of their boundaries) with the
 * most burglaries between them, ties to the first by code, and a response
 * starting 12 months before the last month of data, so that its
 * assessment has 24 months before and 12 from it.
 */
static int demo_project(struct safer_store *st, const struct safer_actor *coord, int64_t now,
                        struct safer_err *err)
{
    struct safer_area *areas = NULL;
    size_t na = 0;
    int rc = safer_areas_load(st, "ward", &areas, &na, err);
    if (rc < 0)
        return rc;
    int64_t *burglary = safer__xcalloc(na + 1, sizeof(int64_t));
    int32_t last = 0;
    struct safer_counts_query q = {.ward = NULL, .crime_type = "Burglary", .from = -1, .to = -1};
    struct safer_counts c;
    rc = safer_counts_query(st, &q, &c, err);
    for (size_t i = 0; rc == 0 && i < c.n; i++) {
        if (c.rows[i].month > last)
            last = c.rows[i].month;
        for (size_t w = 0; w < na; w++) {
            if (strcmp(areas[w].code, c.rows[i].ward) == 0)
                burglary[w] += c.rows[i].count;
        }
    }
    if (rc == 0)
        safer_counts_release(&c);
    struct safer_geom *g = safer__xmalloc(sizeof(*g) * (na + 1));
    for (size_t w = 0; w < na; w++)
        g[w] = areas[w].geom;
    struct safer_nb nb;
    safer_nb_init(&nb);
    if (rc == 0 && na >= 2)
        rc = safer_nb_queen(&nb, g, na, SAFER_NB_SNAP_DEFAULT, err);
    free(g);
    int64_t best = -1;
    char pair[2][32] = {"", ""};
    for (size_t i = 0; rc == 0 && na >= 2 && i < na; i++) {
        for (uint32_t e = nb.start[i]; e < nb.start[i + 1]; e++) {
            size_t j = nb.adj[e];
            if (j > i && burglary[i] + burglary[j] > best) {
                best = burglary[i] + burglary[j];
                snprintf(pair[0], sizeof(pair[0]), "%s", areas[i].code);
                snprintf(pair[1], sizeof(pair[1]), "%s", areas[j].code);
            }
        }
    }
    safer_nb_release(&nb);
    free(burglary);
    safer_areas_free(areas, na);
    if (rc == 0 && best < 0)
        rc = safer_err_set(err, SAFER_EINVAL, "the demo has no two neighbouring wards");
    if (rc < 0)
        return rc;
    int32_t start = last - 11;
    char start_date[32];
    snprintf(start_date, sizeof(start_date), "%04d-%02d-01", start / 12, start % 12 + 1);
    const char *wards[2] = {pair[0], pair[1]};
    struct safer_project_fields f = {
        .title = "Task force focus area: burglary",
        .objective = "Reduce burglary in the task force's first focus area, the two "
                     "neighbouring wards with the most burglaries in the borough, and make "
                     "homes there harder to break into.",
        .category = "Burglary",
        .wards = wards,
        .nwards = 2,
        .start_date = start_date,
        .stage = "assessment",
        .scanning = "The strategic assessment showed disproportionate levels of burglary in "
                    "these two wards, alongside deprivation and health inequality.",
        .analysis = "Most burglaries were of homes on a few streets, at night, through rear "
                    "doors and windows; several homes were burgled more than once.",
    };
    struct safer_field_errors fe = {.n = 0};
    int64_t id = 0;
    rc = safer_project_add(st, coord, &f, now, &id, &fe, err);
    if (rc < 0 && fe.n)
        return safer_err_set(err, rc, "the demo's project: %s: %s", fe.e[0].field,
                             fe.e[0].message);
    if (rc == 0)
        rc = safer_project_response_add(st, coord, id, start_date,
                                        "Kent Police, Maidstone Borough Council",
                                        "Target hardening of repeat victims' homes and their "
                                        "neighbours, and visible patrols at night.",
                                        now, &fe, err);
    return rc;
}

/*
 * The demo partnership's workspace: its partner organisations, one account
 * a role (set up through its link), and leads, dates and updates on the
 * plan's actions. The administrator's second factor is waived at sign-in
 * to this store only (meta demo_waive_totp).
 */
static int demo_workspace(struct safer_store *st, const struct safer_plan *plan,
                          struct safer_demo_login *logins, struct safer_err *err)
{
    int64_t now = (int64_t)time(NULL);
    struct safer_actor op;
    safer_actor_operator(&op);
    int rc = safer_auth_init(err);
    for (size_t i = 0; rc == 0 && i < sizeof(DEMO_ORGS) / sizeof(DEMO_ORGS[0]); i++) {
        int64_t id;
        rc = safer_org_add(st, &op, DEMO_ORGS[i].name, DEMO_ORGS[i].kind, &id, err);
    }
    for (size_t i = 0; rc == 0 && i < SAFER_DEMO_LOGINS; i++)
        rc = demo_account(st, &op, i, now, &logins[i], err);
    if (rc == 0)
        rc = safer_store_set_meta(st, "demo_waive_totp", "1", err);
    /* The coordinator and the practitioner sign in, as they would to work. */
    struct safer_actor coord, prac;
    char session[SAFER_TOKEN_SIZE];
    if (rc == 0)
        rc = safer_login(st, logins[1].email, logins[1].password, strlen(logins[1].password), NULL,
                         false, DEMO_CSP, now, session, &coord, err);
    if (rc == 0)
        rc = safer_login(st, logins[3].email, logins[3].password, strlen(logins[3].password), NULL,
                         false, DEMO_CSP, now, session, &prac, err);
    if (rc == 0)
        rc = demo_actions(st, plan, &coord, &prac, now, err);
    if (rc == 0)
        rc = demo_money(st, plan, &coord, now, err); /* equality and money */
    if (rc == 0)
        rc = demo_project(st, &coord, now, err); /* projects */
    if (rc == 0)
        rc = safer_session_end(st, &coord, coord.session_id, now, err);
    if (rc == 0)
        rc = safer_session_end(st, &prac, prac.session_id, now, err);
    return rc;
}

/* A store given to the demo must hold nothing of anyone's. */
static int check_empty(struct safer_store *st, struct safer_err *err)
{
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_partnership *ps;
    size_t np = 0, nr = 0;
    struct safer_publication *pubs = NULL;
    int rc = safer_partnership_list(st, &arena, &ps, &np, err);
    if (rc == 0)
        rc = safer_publications_list(st, &pubs, &nr, err);
    free(pubs);
    safer_arena_release(&arena);
    if (rc == 0 && (np || nr))
        rc = safer_err_set(err, SAFER_EINVAL,
                           "%s holds %zu partnership(s) and %zu police.uk publication(s): the "
                           "demo is built only in an empty store",
                           safer_store_name(st), np, nr);
    return rc;
}

int safer_demo_run(const char *dir, const struct safer_demo_opts *opts, struct safer_assessment *a,
                   struct safer_err *err)
{
    memset(a, 0, sizeof(*a));
    struct safer_output out;
    int rc = safer_output_init_dir(&out, dir, SAFER_OUTPUT_REPLACE_STORE, err);
    if (rc < 0)
        return rc;
    struct safer_demo_progress p;
    memset(&p, 0, sizeof(p));
    char *data = path_in(safer_output_path(&out), "data");
    char *db = path_in(safer_output_path(&out), DEMO_STORE);

    struct safer_synth_opts so;
    safer_synth_opts_init(&so);
    so.nwards = 26;
    so.rows = 60000; /* about Maidstone's volume: 1,700 records a month */
    so.district_name = "Maidstone (synthetic)";
    struct safer_synth_result res = {0};
    rc = safer_synth_write(data, &so, &res, err);
    safer_synth_result_release(&res);
    if (rc < 0)
        goto out;
    report(opts, &p, SAFER_DEMO_GENERATED);

    struct safer_store *st;
    rc = safer_store_open(&st, opts->store ? opts->store : db, err);
    if (rc < 0)
        goto out;
    if (opts->store && (rc = check_empty(st, err)) < 0) {
        safer_store_close(st);
        goto out;
    }
    /* Nothing in it is real: no licence or copyright line may claim otherwise. */
    rc = safer_store_set_meta(st, "synthetic", "yes", err);
    if (rc == 0)
        rc = import_all(st, data, opts, &p, err);
    struct safer_plan plan;
    safer_plan_init(&plan);
    if (rc == 0)
        rc = store_plan(st, &plan, err);
    struct safer_demo_login logins[SAFER_DEMO_LOGINS];
    if (rc == 0)
        rc = demo_workspace(st, &plan, logins, err);
    safer_plan_release(&plan);
    /* The public's voice, services and partner data, through their importers. */
    if (rc == 0)
        rc = safer__demo_survey(st, data, err);
    /* demo: surveys */
    if (rc == 0)
        rc = safer__demo_visits(st, data, so.first_month + so.months - 12, err);
    /* demo: visits */
    if (rc == 0)
        rc = safer__demo_partner(st, data, err);
    /* demo: partner */
    if (rc == 0) {
        struct safer_assess_opts ao = {
            .to = -1, .area = DEMO_CSP, .cell = 250, .title = DEMO_TITLE, .threads = opts->threads};
        rc = safer_assess_run(st, &ao, &out, a, err);
    }
    safer_store_close(st);
    if (rc == 0 && !opts->store)
        rc = safer_output_add_store(&out, DEMO_STORE, err);
    if (rc == 0)
        rc = safer_output_commit(&out, err);
    if (rc < 0)
        safer_assessment_release(a);
    else if (opts->logins)
        memcpy(opts->logins, logins, sizeof(logins));
out:
    free(data);
    free(db);
    safer_output_release(&out);
    return rc;
}
