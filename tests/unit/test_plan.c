/*
 * test_plan.c - reading a partnership's plan (lib/import/plan.c): a plan
 * read whole, and every way a file can be refused, one row each: what the
 * file says, the code, and the message (file, line and what is wrong).
 * After a refusal the plan is empty. The transcription of the Safer
 * Maidstone Partnership's plan (data/plans/) reads as the plan has it.
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

#include "safer/buf.h"
#include "safer/error.h"
#include "safer/limits.h"
#include "safer/plan.h"
#include "util/internal.h"

/* A whole plan: every key of the format once. */
static const char FULL[] =
    "{\n"                                                                   /* 1 */
    "  \"safer_plan\": 1,\n"                                                /* 2 */
    "  \"about\": \"a test plan\",\n"                                       /* 3 */
    "  \"partnership\": {\"name\": \"Safer Test\", \"code\": \"E22000001\",\n" /* 4 */
    "                  \"districts\": [\"E07000001\"], \"note\": \"made up\"},\n"
    "  \"plan\": {\"title\": \"Test plan\",\n"
    "           \"period\": {\"from\": \"2019\", \"to\": \"2022-03\"},\n"
    "           \"updated\": \"2021-06\", \"source\": \"nowhere\"},\n"
    "  \"groups\": [\n"                                                      /* 8 */
    "    {\"id\": \"exec\", \"name\": \"Test Executive Group\", \"kind\": \"executive\",\n"
    "     \"remit\": [\"lead\", \"fund\"], \"meets\": \"quarterly\", \"source\": \"p. 1\"},\n"
    "    {\"id\": \"sub\", \"name\": \"Test Sub-group\", \"kind\": \"subgroup\",\n"
    "     \"reports_to\": \"exec\"}\n"
    "  ],\n"
    "  \"priorities\": [\n"                                                  /* 14 */
    "    {\"id\": \"burglary\", \"title\": \"Reduce burglary\", \"objective\": \"fewer\",\n"
    "     \"description\": \"homes\\nand sheds\", \"categories\": [\"Burglary\", \"Robbery\"],\n"
    "     \"police_uk_cannot_show\": \"attempts\", \"groups\": [\"sub\", \"exec\"],\n"
    "     \"source\": \"p. 2\"},\n"
    "    {\"id\": \"asb\", \"title\": \"ASB\", \"cross_cutting\": true}\n"
    "  ],\n"
    "  \"scoring\": {\"volume\": 2, \"rate\": 0.5, \"trend\": 1, \"harm\": 0, "
    "\"public_concern\": 3},\n"
    "  \"harm_weights\": {\"source\": \"someone\", \"weights\": {\"Burglary\": 10, \"Robbery\": "
    "2.5e1}},\n"
    "  \"peers\": [{\"code\": \"E22000002\", \"name\": \"Other\"}, {\"code\": \"E22000003\"}],\n"
    "  \"actions\": [{\"id\": \"pop-up\", \"title\": \"Pop-up sessions\", \"priority\": \"burglary\",\n"
    "                \"group\": \"sub\", \"lead\": \"Test Council\", \"due\": \"2024-02-29\",\n"
    "                \"source\": \"p. 10\"},\n"
    "               {\"id\": \"2\", \"title\": \"Caf\u00e9s\", \"priority\": \"asb\", \"group\": \"exec\"}]\n"
    "}\n";

static void test_plan_reads_every_key(void **state)
{
    (void)state;
    struct safer_plan p;
    struct safer_err err = {0};
    if (safer_plan_parse(FULL, sizeof(FULL) - 1, "dir/test.json", &p, &err) < 0)
        fail_msg("%s", err.msg);
    assert_string_equal(p.code, "E22000001");
    assert_string_equal(p.csp_code, "E22000001");
    assert_string_equal(p.name, "Safer Test");
    assert_string_equal(p.note, "made up");
    assert_int_equal(p.ndistricts, 1);
    assert_string_equal(p.districts[0], "E07000001");
    assert_string_equal(p.about, "a test plan");
    assert_string_equal(p.title, "Test plan");
    assert_string_equal(p.period_from, "2019");
    assert_string_equal(p.period_to, "2022-03");
    assert_string_equal(p.updated, "2021-06");
    assert_string_equal(p.source, "nowhere");
    assert_string_equal(p.file, "test.json");
    assert_int_equal(strlen(p.checksum), 32);

    assert_int_equal(p.ngroups, 2);
    assert_string_equal(p.groups[0].key, "exec");
    assert_string_equal(p.groups[0].kind, "executive");
    assert_null(p.groups[0].parent);
    assert_int_equal(p.groups[0].nremit, 2);
    assert_string_equal(p.groups[0].remit[1], "fund");
    assert_string_equal(p.groups[0].meets, "quarterly");
    assert_string_equal(p.groups[1].parent, "exec");
    assert_null(p.groups[1].source);
    assert_ptr_equal(safer_plan_group(&p, "sub"), &p.groups[1]);
    assert_null(safer_plan_group(&p, "nobody"));

    assert_int_equal(p.npriorities, 2);
    const struct safer_plan_priority *r = &p.priorities[0];
    assert_string_equal(r->key, "burglary");
    assert_false(r->cross_cutting);
    assert_string_equal(r->description, "homes\nand sheds");
    assert_int_equal(r->ncategories, 2);
    assert_string_equal(r->categories[1], "Robbery");
    assert_string_equal(r->cannot_show, "attempts");
    assert_int_equal(r->ngroups, 2);
    assert_string_equal(r->groups[0], "sub");
    assert_true(p.priorities[1].cross_cutting);
    assert_int_equal(p.priorities[1].ncategories, 0);
    assert_null(p.priorities[1].objective);

    assert_true(p.weights.volume == 2 && p.weights.rate == 0.5 && p.weights.trend == 1 &&
                p.weights.harm == 0 && p.weights.concern == 3);
    assert_string_equal(p.harm.source, "someone");
    assert_int_equal(p.harm.n, 2);
    assert_true(p.harm.weights[0] == 10 && p.harm.weights[1] == 25);
    assert_int_equal(p.npeers, 2);
    assert_string_equal(p.peers[0].name, "Other");
    assert_null(p.peers[1].name);
    assert_int_equal(p.nactions, 2);
    assert_string_equal(p.actions[0].key, "pop-up");
    assert_string_equal(p.actions[0].title, "Pop-up sessions");
    assert_string_equal(p.actions[0].priority, "burglary");
    assert_string_equal(p.actions[0].group, "sub");
    assert_string_equal(p.actions[0].lead, "Test Council");
    assert_string_equal(p.actions[0].due, "2024-02-29");
    assert_string_equal(p.actions[0].source, "p. 10");
    assert_string_equal(p.actions[1].key, "2");
    assert_string_equal(p.actions[1].title, "Caf\xc3\xa9s");
    assert_null(p.actions[1].lead);
    assert_null(p.actions[1].due);
    assert_null(p.actions[1].source);
    safer_plan_release(&p);
    assert_int_equal(p.npriorities, 0);
    assert_null(p.code);
}

/* The smallest plan, and what is left out takes its default. */
#define MIN_HEAD                                                                                   \
    "{\"safer_plan\": 1, \"partnership\": {\"name\": \"P\", \"districts\": [\"E07000009\"]},\n"  \
    "\"plan\": {\"title\": \"T\", \"period\": {\"from\": \"2020\", \"to\": \"2021\"}, "    \
    "\"source\": \"S\"},\n"
#define MIN_PRIORITY "\"priorities\": [{\"id\": \"a\", \"title\": \"A\"}]"
#define MIN MIN_HEAD MIN_PRIORITY "}"
/* A plan whose partnership is `x` (on line 1), or whose plan part is `x`
 * (on line 2). */
#define PARTNERSHIP(x)                                                                             \
    "{\"safer_plan\": 1, \"partnership\": " x ",\n\"plan\": {\"title\": \"T\", "               \
    "\"period\": {\"from\": \"2020\", \"to\": \"2021\"}, \"source\": \"S\"},\n" MIN_PRIORITY "}"
/* A plan with group 'g', priority 'a' and the actions `x` from line 6. */
#define ACTIONS(x)                                                                                 \
    MIN_HEAD "\"groups\": [{\"id\": \"g\", \"name\": \"G\", \"kind\": \"subgroup\"}],\n" MIN_PRIORITY \
             ",\n\"actions\": [\n" x "]}"
#define PLAN(x)                                                                                    \
    "{\"safer_plan\": 1, \"partnership\": {\"name\": \"P\", \"code\": \"E22000001\"},\n"       \
    "\"plan\": " x ",\n" MIN_PRIORITY "}"

static void test_plan_defaults(void **state)
{
    (void)state;
    struct safer_plan p;
    struct safer_err err = {0};
    if (safer_plan_parse(MIN, sizeof(MIN) - 1, "min.json", &p, &err) < 0)
        fail_msg("%s", err.msg);
    /* No CSP code: known by its first district. */
    assert_string_equal(p.code, "E07000009");
    assert_null(p.csp_code);
    assert_int_equal(p.ngroups, 0);
    assert_int_equal(p.npeers, 0);
    assert_null(p.harm.source);
    assert_true(p.weights.volume == SAFER_PLAN_WEIGHT_DEFAULT &&
                p.weights.rate == SAFER_PLAN_WEIGHT_DEFAULT &&
                p.weights.trend == SAFER_PLAN_WEIGHT_DEFAULT &&
                p.weights.harm == SAFER_PLAN_WEIGHT_DEFAULT &&
                p.weights.concern == SAFER_PLAN_WEIGHT_DEFAULT);
    safer_plan_release(&p);

    /* A byte-order mark and surrounding space are no trouble. */
    static const char bom[] = "\xEF\xBB\xBF\n  " MIN "\n\n";
    if (safer_plan_parse(bom, sizeof(bom) - 1, "bom.json", &p, &err) < 0)
        fail_msg("%s", err.msg);
    safer_plan_release(&p);
}

struct bad {
    const char *json;
    int rc;
    const char *msg; /* the whole message starts with it */
};

static const struct bad BAD[] = {
    /* The file as a whole. */
    {"", SAFER_EPARSE, "t.json: empty file: no plan in it"},
    {" \n\t", SAFER_EPARSE, "t.json: empty file: no plan in it"},
    {"{\"safer_plan\": 1,\n\"partnership\": {", SAFER_EPARSE, "t.json:2: not valid JSON: "},
    {"{\"a\": 1}\nx", SAFER_EPARSE, "t.json:2: not valid JSON: "},
    {"{\"a\": \"\xC3\x28\"}", SAFER_EPARSE, "t.json:1: not valid JSON: "},
    {"[1, 2]", SAFER_EPARSE, "t.json:1: a plan is one JSON object ({...}), not a list"},
    {"\"plan\"", SAFER_EPARSE, "t.json:1: a plan is one JSON object ({...}), not a string"},
    {MIN_HEAD MIN_PRIORITY ",\n\"prioritis\": []}", SAFER_EPARSE,
     "t.json:4: unknown key 'prioritis' in the plan (the format has: safer_plan, about, "},
    {MIN_HEAD MIN_PRIORITY ",\n\"about\": \"x\",\n\"about\": \"y\"}", SAFER_EPARSE,
     "t.json:5: key 'about' appears twice in the plan"},
    {"{\"safer_plan\": 1,\n\"partnership\": {\"name\": \"P\", \"code\": \"E22000001\"}}",
     SAFER_EPARSE, "t.json:1: the plan has no 'plan'"},
    {"{\"safer_plan\": 2, \"partnership\": {\"name\": \"P\", \"code\": \"E22000001\"},\n"
     "\"plan\": {\"title\": \"T\", \"period\": {\"from\": \"2020\", \"to\": \"2021\"}, "
     "\"source\": \"S\"},\n" MIN_PRIORITY "}",
     SAFER_EPARSE, "t.json:1: 'safer_plan' is 2, a format this program does not read (it reads 1)"},
    {"{\"safer_plan\": \"1\"}", SAFER_EPARSE,
     "t.json:1: 'safer_plan' in the plan must be a number, not a string"},
    {MIN_HEAD "\"priorities\": null}", SAFER_EPARSE,
     "t.json:3: 'priorities' in the plan must be a list, not null"},

    /* The partnership. */
    {"{\"safer_plan\": 1, \"partnership\": {\"name\": \"P\"},\n"
     "\"plan\": {\"title\": \"T\", \"period\": {\"from\": \"2020\", \"to\": \"2021\"}, "
     "\"source\": \"S\"},\n" MIN_PRIORITY "}",
     SAFER_EPARSE, "t.json:1: 'partnership' needs its 'code'"},
    {PARTNERSHIP("{\"name\": \"P\", \"code\": \"E2200001\"}"),
     SAFER_EPARSE, "t.json:1: 'code' in 'partnership' is not an area code like 'E22000142'"},
    {PARTNERSHIP("{\"name\": \"P\", \"districts\": [\"e07000001\"]}"),
     SAFER_EPARSE, "t.json:1: 'districts' in 'partnership' is not an area code"},
    {PARTNERSHIP("{\"name\": \"P\", \"districts\": [\"E07000001\", \"E07000001\"]}"),
     SAFER_EPARSE, "t.json:1: 'districts' in 'partnership' names 'E07000001' twice"},
    {PARTNERSHIP("{\"name\": \"P\", \"districts\": [7]}"), SAFER_EPARSE,
     "t.json:1: 'districts' in 'partnership' must be a list of strings, not hold a number"},
    {PARTNERSHIP("{\"name\": \"  \", \"code\": \"E22000001\"}"),
     SAFER_EPARSE, "t.json:1: 'name' in 'partnership' is empty"},
    {PARTNERSHIP("{\"name\": \"a\\tb\", \"code\": \"E22000001\"}"),
     SAFER_EPARSE, "t.json:1: 'name' in 'partnership' holds a control character"},
    {PARTNERSHIP("{\"name\": \"P\", \"code\": \"E22000001\", \"nmae\": 1}"),
     SAFER_EPARSE, "t.json:1: unknown key 'nmae' in 'partnership'"},

    /* The plan's period. */
    {PLAN("{\"title\": \"T\", \"period\": {\"from\": \"2019-13\", \"to\": \"2021\"}, "
          "\"source\": \"S\"}"),
     SAFER_EPARSE, "t.json:2: 'from' in 'period' must be a year (1990 to 2100) or a month"},
    {PLAN("{\"title\": \"T\", \"period\": {\"from\": \"1919\", \"to\": \"2021\"}, "
          "\"source\": \"S\"}"),
     SAFER_EPARSE, "t.json:2: 'from' in 'period' must be a year"},
    {PLAN("{\"title\": \"T\", \"period\": {\"from\": \"2022\", \"to\": \"2021-06\"}, "
          "\"source\": \"S\"}"),
     SAFER_EPARSE, "t.json:2: the plan's period runs from '2022' to '2021-06': backwards"},
    {PLAN("{\"title\": \"T\", \"period\": {\"from\": \"2021-07\", \"to\": \"2021-06\"}, "
          "\"source\": \"S\"}"),
     SAFER_EPARSE, "t.json:2: the plan's period runs from '2021-07' to '2021-06': backwards"},
    {PLAN("{\"title\": \"T\", \"period\": {\"from\": \"2021\"}, \"source\": \"S\"}"),
     SAFER_EPARSE, "t.json:2: 'period' has no 'to'"},

    /* Priorities. */
    {MIN_HEAD "\"priorities\": []}", SAFER_EPARSE,
     "t.json:3: 'priorities' is empty: a plan has at least one priority"},
    {MIN_HEAD "\"priorities\": [\"a\"]}", SAFER_EPARSE,
     "t.json:3: each entry of 'priorities' must be an object ({...}), not a string"},
    {MIN_HEAD "\"priorities\": [{\"id\": \"A\", \"title\": \"A\"}]}", SAFER_EPARSE,
     "t.json:3: 'id' in priority 1 must be an id of small letters, digits and '-'"},
    {MIN_HEAD "\"priorities\": [{\"id\": \"a\", \"title\": \"A\"},\n"
              "{\"id\": \"a\", \"title\": \"B\"}]}",
     SAFER_EPARSE, "t.json:4: two priorities have the id 'a'"},
    {MIN_HEAD "\"priorities\": [{\"id\": \"a\", \"titel\": \"A\"}]}", SAFER_EPARSE,
     "t.json:3: unknown key 'titel' in priority 1 (the format has: id, title, "},
    {MIN_HEAD "\"priorities\": [{\"id\": \"a\"}]}", SAFER_EPARSE,
     "t.json:3: priority 1 has no 'title'"},
    {MIN_HEAD "\"priorities\": [{\"id\": \"a\", \"title\": \"A\", \"cross_cutting\": \"yes\"}]}",
     SAFER_EPARSE, "t.json:3: 'cross_cutting' in priority 1 must be true or false, not a string"},
    {MIN_HEAD "\"priorities\": [{\"id\": \"a\", \"title\": \"A\",\n"
              "\"categories\": [\"Burglery\"]}]}",
     SAFER_EPARSE, "t.json:4: 'Burglery' in 'categories' of priority 1 is not a police.uk crime "
                   "category"},
    {MIN_HEAD "\"priorities\": [{\"id\": \"a\", \"title\": \"A\",\n"
              "\"categories\": [\"Drugs\", \"Drugs\"]}]}",
     SAFER_EPARSE, "t.json:4: 'categories' in priority 1 names 'Drugs' twice"},
    {MIN_HEAD "\"priorities\": [{\"id\": \"a\", \"title\": \"A\",\n\"groups\": [\"exec\"]}]}",
     SAFER_EPARSE, "t.json:4: 'exec' in 'groups' of priority 1 is no group's id"},

    /* Groups. */
    {MIN_HEAD "\"groups\": [{\"id\": \"g\", \"name\": \"G\", \"kind\": \"board\"}],\n" MIN_PRIORITY
              "}",
     SAFER_EPARSE, "t.json:3: 'kind' of group 1 is 'board', not one of: executive, partnership, "},
    {MIN_HEAD "\"groups\": [{\"id\": \"g\", \"name\": \"G\", \"kind\": \"meeting\"},\n"
              "{\"id\": \"g\", \"name\": \"H\", \"kind\": \"meeting\"}],\n" MIN_PRIORITY "}",
     SAFER_EPARSE, "t.json:4: two groups have the id 'g'"},
    {MIN_HEAD "\"groups\": [{\"id\": \"g\", \"name\": \"G\", \"kind\": \"meeting\",\n"
              "\"reports_to\": \"h\"}],\n" MIN_PRIORITY "}",
     SAFER_EPARSE, "t.json:4: group 'g' reports to 'h', which is no group's id"},
    {MIN_HEAD "\"groups\": [{\"id\": \"g\", \"name\": \"G\", \"kind\": \"meeting\",\n"
              "\"reports_to\": \"g\"}],\n" MIN_PRIORITY "}",
     SAFER_EPARSE, "t.json:4: group 'g' reports to itself (through 'reports_to')"},
    {MIN_HEAD "\"groups\": [{\"id\": \"g\", \"name\": \"G\", \"kind\": \"meeting\", "
              "\"reports_to\": \"h\"},\n{\"id\": \"h\", \"name\": \"H\", \"kind\": \"meeting\", "
              "\"reports_to\": \"g\"}],\n" MIN_PRIORITY "}",
     SAFER_EPARSE, "t.json:3: group 'g' reports to itself (through 'reports_to')"},
    {MIN_HEAD "\"groups\": [{\"id\": \"g\", \"name\": \"G\", \"kind\": \"meeting\",\n"
              "\"remit\": [\"x\", \"\"]}],\n" MIN_PRIORITY "}",
     SAFER_EPARSE, "t.json:4: 'remit' in group 1 is empty"},
    {MIN_HEAD "\"groups\": {\"id\": \"g\"},\n" MIN_PRIORITY "}", SAFER_EPARSE,
     "t.json:3: 'groups' in the plan must be a list, not an object"},

    /* Scoring. */
    {MIN_HEAD MIN_PRIORITY ",\n\"scoring\": {\"volume\": 101}}", SAFER_EPARSE,
     "t.json:4: 'volume' in 'scoring' must be a number from 0 to 100, not 101"},
    {MIN_HEAD MIN_PRIORITY ",\n\"scoring\": {\"trend\": -1}}", SAFER_EPARSE,
     "t.json:4: 'trend' in 'scoring' must be a number from 0 to 100, not -1"},
    {MIN_HEAD MIN_PRIORITY ",\n\"scoring\": {\"harm\": 1e999}}", SAFER_EPARSE,
     "t.json:4: 'harm' in 'scoring' must be a number from 0 to 100"},
    {MIN_HEAD MIN_PRIORITY ",\n\"scoring\": {\"volume\": 0, \"rate\": 0, \"trend\": 0, "
                           "\"harm\": 0, \"public_concern\": 0}}",
     SAFER_EPARSE, "t.json:4: every weight in 'scoring' is 0: nothing would be scored"},
    {MIN_HEAD MIN_PRIORITY ",\n\"scoring\": {\"concern\": 1}}", SAFER_EPARSE,
     "t.json:4: unknown key 'concern' in 'scoring' (the format has: volume, rate, trend, harm, "
     "public_concern)"},

    /* Harm weights. */
    {MIN_HEAD MIN_PRIORITY ",\n\"harm_weights\": {\"weights\": {\"Drugs\": 1}}}", SAFER_EPARSE,
     "t.json:4: 'harm_weights' has no 'source'"},
    {MIN_HEAD MIN_PRIORITY ",\n\"harm_weights\": {\"source\": \"s\", \"weights\": {}}}",
     SAFER_EPARSE, "t.json:4: 'weights' in 'harm_weights' is empty"},
    {MIN_HEAD MIN_PRIORITY ",\n\"harm_weights\": {\"source\": \"s\", \"weights\": {\"Drug\": 1}}}",
     SAFER_EPARSE, "t.json:4: 'Drug' in 'weights' of 'harm_weights' is not a police.uk crime "
                   "category"},
    {MIN_HEAD MIN_PRIORITY ",\n\"harm_weights\": {\"source\": \"s\", \"weights\": {\"Drugs\": "
                           "\"1\"}}}",
     SAFER_EPARSE, "t.json:4: the weight of 'Drugs' must be a number, not a string"},
    {MIN_HEAD MIN_PRIORITY ",\n\"harm_weights\": {\"source\": \"s\", \"weights\": {\"Drugs\": 1,\n"
                           "\"Drugs\": 2}}}",
     SAFER_EPARSE, "t.json:5: key 'Drugs' appears twice in 'weights'"},
    {MIN_HEAD MIN_PRIORITY ",\n\"harm_weights\": {\"source\": \"s\", \"weights\": {\"Drugs\": "
                           "-2}}}",
     SAFER_EPARSE, "t.json:4: 'Drugs' in 'harm_weights' must be a number from 0 to 1e+09"},

    /* Peers. */
    {MIN_HEAD MIN_PRIORITY ",\n\"peers\": [{\"code\": \"E07000009\"}]}", SAFER_EPARSE,
     "t.json:4: peer 'E07000009' is the partnership itself"},
    {MIN_HEAD MIN_PRIORITY ",\n\"peers\": [{\"code\": \"E22000002\"},\n{\"code\": "
                           "\"E22000002\"}]}",
     SAFER_EPARSE, "t.json:5: peer 'E22000002' is listed twice"},
    {MIN_HEAD MIN_PRIORITY ",\n\"peers\": [{\"name\": \"x\"}]}", SAFER_EPARSE,
     "t.json:4: peer 1 has no 'code'"},
    {MIN_HEAD MIN_PRIORITY ",\n\"peers\": [\"E22000002\"]}", SAFER_EPARSE,
     "t.json:4: each entry of 'peers' must be an object ({...}), not a string"},

    /* Actions: each names a priority and a group of the plan. */
    {ACTIONS("{\"id\": \"x\", \"title\": \"T\", \"priority\": \"zz\", \"group\": \"g\"}"),
     SAFER_EPARSE, "t.json:6: 'priority' of action 1 is 'zz', which is no priority's id"},
    {ACTIONS("{\"id\": \"x\", \"title\": \"T\", \"priority\": \"a\", \"group\": \"nope\"}"),
     SAFER_EPARSE, "t.json:6: 'nope' in 'group' of action 1 is no group's id"},
    {ACTIONS("{\"id\": \"x\", \"priority\": \"a\", \"group\": \"g\"}"), SAFER_EPARSE,
     "t.json:6: action 1 has no 'title'"},
    {ACTIONS("{\"id\": \"x\", \"title\": \"T\", \"priority\": \"a\"}"), SAFER_EPARSE,
     "t.json:6: action 1 has no 'group'"},
    {ACTIONS("{\"id\": \"x\", \"title\": \"T\", \"priority\": \"a\", \"group\": \"g\",\n"
             "\"owner\": \"me\"}"),
     SAFER_EPARSE,
     "t.json:7: unknown key 'owner' in action 1 (the format has: id, title, priority, group, "
     "lead, due, source)"},
    {ACTIONS("{\"id\": \"x\", \"title\": \"T\", \"priority\": \"a\", \"group\": \"g\", "
             "\"due\": \"2022-02-29\"}"),
     SAFER_EPARSE, "t.json:6: 'due' in action 1 must be a real day (1990 to 2100), like '2022-03-31'"},
    {ACTIONS("{\"id\": \"x\", \"title\": \"T\", \"priority\": \"a\", \"group\": \"g\", "
             "\"due\": 20220101}"),
     SAFER_EPARSE, "t.json:6: 'due' in action 1 must be a string, not a number"},
    {ACTIONS("{\"id\": \"x\", \"title\": \"T\", \"priority\": \"a\", \"group\": \"g\"},\n"
             "{\"id\": \"x\", \"title\": \"U\", \"priority\": \"a\", \"group\": \"g\"}"),
     SAFER_EPARSE, "t.json:7: two actions have the id 'x'"},
    {ACTIONS("{\"id\": \"x\", \"title\": \"T\", \"priority\": \"a\", \"group\": \"g\"},\n"
             "{\"id\": \"Y Z\", \"title\": \"U\", \"priority\": \"a\", \"group\": \"g\"}"),
     SAFER_EPARSE, "t.json:7: 'id' in action 2 must be an id of small letters"},
    {ACTIONS("{\"id\": \"x\", \"title\": \"one\\ntwo\", \"priority\": \"a\", \"group\": \"g\"}"),
     SAFER_EPARSE,
     "t.json:6: 'title' of action 1 must be one line of at most 300 characters (the workspace's "
     "limit)"},
    {ACTIONS("{\"id\": \"x\", \"title\": \"\", \"priority\": \"a\", \"group\": \"g\"}"),
     SAFER_EPARSE, "t.json:6: 'title' in action 1 is empty"},
    {ACTIONS("\"x\""), SAFER_EPARSE,
     "t.json:6: each entry of 'actions' must be an object ({...}), not a string"},
    {MIN_HEAD MIN_PRIORITY ",\n\"actions\": {}}", SAFER_EPARSE,
     "t.json:4: 'actions' in the plan must be a list, not an object"},

    /* Limits. */
    {"{\"a\": [[[[[[[[1]]]]]]]]}", SAFER_ETOOBIG,
     "t.json:1: values nested more than 8 deep (limit SAFER_LIMIT_PLAN_DEPTH)"},
};

static void test_plan_refusals(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++) {
        struct safer_plan p;
        struct safer_err err = {0};
        int rc = safer_plan_parse(BAD[i].json, strlen(BAD[i].json), "t.json", &p, &err);
        if (rc != BAD[i].rc || strncmp(err.msg, BAD[i].msg, strlen(BAD[i].msg)) != 0)
            fail_msg("case %zu: got %s '%s', expected %s '%s...'", i, safer_errname(rc), err.msg,
                     safer_errname(BAD[i].rc), BAD[i].msg);
        /* Nothing is left over. */
        assert_null(p.code);
        assert_int_equal(p.npriorities, 0);
        assert_int_equal(p.ngroups, 0);
        assert_null(p.arena.head);
    }
}

/* The limits that need big inputs. */
static void test_plan_limits(void **state)
{
    (void)state;
    struct safer_plan p;
    struct safer_err err = {0};
    struct safer_buf b;
    safer_buf_init(&b, 4 * SAFER_LIMIT_PLAN_FILE);

    /* A text longer than SAFER_LIMIT_PLAN_TEXT. */
    safer_buf_puts(&b, "{\"about\": \"");
    for (int i = 0; i <= SAFER_LIMIT_PLAN_TEXT; i++)
        safer_buf_puts(&b, "x");
    safer_buf_puts(&b, "\"}");
    assert_int_equal(safer_plan_parse(b.ptr, b.len, "t.json", &p, &err), SAFER_ETOOBIG);
    assert_string_equal(err.msg, "t.json:1: a value longer than 8192 bytes (limit "
                                 "SAFER_LIMIT_PLAN_TEXT)");

    /* More entries in a list than SAFER_LIMIT_PLAN_ITEMS. */
    safer_buf_reset(&b);
    safer_err_clear(&err);
    safer_buf_puts(&b, "{\"peers\": [");
    for (int i = 0; i <= SAFER_LIMIT_PLAN_ITEMS; i++)
        safer_buf_puts(&b, i ? ",\n1" : "1");
    safer_buf_puts(&b, "]}");
    assert_int_equal(safer_plan_parse(b.ptr, b.len, "t.json", &p, &err), SAFER_ETOOBIG);
    assert_string_equal(err.msg, "t.json:501: more than 500 entries in one list or object (limit "
                                 "SAFER_LIMIT_PLAN_ITEMS)");

    /* A file larger than SAFER_LIMIT_PLAN_FILE. */
    safer_buf_reset(&b);
    safer_err_clear(&err);
    while (b.len <= SAFER_LIMIT_PLAN_FILE)
        safer_buf_puts(&b, "                                ");
    assert_int_equal(safer_plan_parse(b.ptr, b.len, "t.json", &p, &err), SAFER_ETOOBIG);
    assert_string_equal(err.msg, "t.json: larger than 1048576 bytes (limit SAFER_LIMIT_PLAN_FILE)");
    assert_int_equal(safer_buf_error(&b), 0);
    safer_buf_release(&b);
}

/* The transcription of the seed plan: its five priorities and three
 * cross-cutting themes, its groups with their remits, and where each came
 * from. */
static void test_plan_maidstone_transcription(void **state)
{
    (void)state;
    char *data;
    size_t len;
    struct safer_err err = {0};
    const char *path = SAFER_PLANS "/safer-maidstone-2021.json";
    if (safer__read_file(path, SAFER_LIMIT_PLAN_FILE, "limit", &data, &len, &err) < 0)
        fail_msg("%s", err.msg);
    struct safer_plan p;
    if (safer_plan_parse(data, len, path, &p, &err) < 0)
        fail_msg("%s", err.msg);
    free(data);
    assert_string_equal(p.code, "E22000142");
    assert_string_equal(p.districts[0], "E07000110");
    assert_string_equal(p.name, "Safer Maidstone Partnership");
    assert_string_equal(p.period_from, "2019");
    assert_string_equal(p.period_to, "2022");
    assert_string_equal(p.updated, "2021-06");
    assert_int_equal(p.npriorities, 8);
    size_t cross = 0;
    for (size_t i = 0; i < p.npriorities; i++) {
        cross += p.priorities[i].cross_cutting;
        assert_non_null(p.priorities[i].source);
        assert_non_null(p.priorities[i].cannot_show);
        /* The five priorities have the plan's objective; the themes none. */
        assert_true((p.priorities[i].objective != NULL) == !p.priorities[i].cross_cutting);
    }
    assert_int_equal(cross, 3);
    assert_string_equal(p.priorities[2].title,
                        "Reducing the harm caused by domestic abuse (including stalking)");
    const struct safer_plan_group *g = safer_plan_group(&p, "smpeg");
    assert_non_null(g);
    assert_string_equal(g->kind, "executive");
    assert_int_equal(g->nremit, 5);
    assert_string_equal(safer_plan_group(&p, "smp")->parent, "smpeg");
    assert_string_equal(safer_plan_group(&p, "csvg")->meets, "weekly");
    assert_string_equal(safer_plan_group(&p, "crime-and-disorder-committee")->kind, "scrutiny");
    for (size_t i = 0; i < p.ngroups; i++)
        assert_non_null(p.groups[i].source);
    /* Every bullet of the five "Year 3 - What will we do?" lists, by the
     * group the plan names for it. */
    assert_int_equal(p.nactions, 15);
    static const char *const groups[] = {"socp", "socp", "socp", "domestic-abuse-forum",
                                         "domestic-abuse-forum", "dcsm", "dcsm", "dcsm",
                                         "community-protection-team", "community-protection-team",
                                         "community-protection-team", "community-protection-team",
                                         "community-safety-unit", "community-safety-unit",
                                         "community-safety-unit"};
    for (size_t i = 0; i < p.nactions; i++) {
        assert_string_equal(p.actions[i].group, groups[i]);
        assert_non_null(strstr(p.actions[i].source, "Year 3 - What will we do?"));
        assert_null(p.actions[i].due);
    }
    assert_string_equal(p.actions[3].title,
                        "Support the roll out of Domestic Abuse Champions across Maidstone and "
                        "Kent in partnership with Kent Independent Domestic Abuse Services");
    assert_string_equal(p.actions[3].priority, "domestic-abuse");
    safer_plan_release(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_reads_every_key),
        cmocka_unit_test(test_plan_defaults),
        cmocka_unit_test(test_plan_refusals),
        cmocka_unit_test(test_plan_limits),
        cmocka_unit_test(test_plan_maidstone_transcription),
    };
    return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
