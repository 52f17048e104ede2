/*
 * test_export.c - stored records with their ward (lib/assess/export.c),
 * as rows (safer_export_police) and as CSV (safer_export_police_csv) into
 * a stream in memory, on either engine (SAFER_TEST_PG selects
 * PostgreSQL): the ward and how it was found, as
 * tests/data/police/README.md has it, and text guarded against
 * spreadsheet formulas while numbers are left alone.
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

#include "safer/area.h"
#include "safer/buf.h"
#include "safer/export.h"
#include "safer/lib.h"
#include "safer/lookup.h"
#include "safer/output.h"
#include "safer/police.h"
#include "safer/store.h"
#include "testfix.h"

#define DATA SAFER_TEST_DATA

/*
 * Test Police's 2019-03: text starting with each of = + - @ (a Crime ID, a
 * Location with quotes, an LSOA name, an outcome, a context, a crime
 * type), a negative longitude outside every ward, and a record with no
 * location whose LSOA the lookup maps to a ward that is not stored.
 */
static const char FORMULAS[] =
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context\n"
    "-1,2019-03,Test Police,Test Police,-0.5,51.5,\"=HYPERLINK(\"\"http://x\"\";\"\"y\"\")\","
    "E01000001,+Test 001A,Burglary,@SUM(A1),-context\n"
    ",2019-03,Test Police,Test Police,,,No Location,E01000009,Nowhere 001A,=1+1,,\n";

enum {
    WARDS = TESTFIX_WARDS,
    LOOKUP = TESTFIX_LOOKUP, /* with E01000009 in a ward whose boundary is not stored */
    KENT = TESTFIX_KENT_2019,
    FORMULA = 1 << 8, /* FORMULAS, above */
};

static struct safer_store *store_with(const char *name, unsigned what, char *target, size_t cap)
{
    struct safer_store *st = testfix_store(name, what & ~(unsigned)FORMULA, target, cap);
    char path[600];
    if (what & LOOKUP) {
        testfix_write("lookup-more.csv", "LSOA11CD,WD19CD\nE01000009,E05000099\n", path,
                      sizeof(path));
        testfix_lookup(st, path);
    }
    if (what & FORMULA) {
        testfix_write("export-formulas.csv", FORMULAS, path, sizeof(path));
        const char *p[1] = {path};
        testfix_police(st, p, 1);
    }
    return st;
}

/* Each record's Crime ID, ward_code and assigned_by, "id|ward|how;". */
struct seen {
    char text[2048];
    size_t len, rows;
    long stop_after; /* return -7 once this many rows were seen; < 0 never */
};

static int see(void *ctx, const char *const f[14])
{
    struct seen *s = ctx;
    if (s->stop_after >= 0 && (long)s->rows >= s->stop_after)
        return -7;
    for (int k = 0; k < 14; k++)
        assert_non_null(f[k]);
    s->len += (size_t)snprintf(s->text + s->len, sizeof(s->text) - s->len, "%s|%s|%s;", f[0], f[12],
                               f[13]);
    assert_true(s->len < sizeof(s->text));
    s->rows++;
    return 0;
}

static void test_export_assigns_each_record_as_the_readme_says(void **state)
{
    (void)state;
    /* tests/data/police/README.md, 2019-01-kent-street.csv lines 2 to 11:
     * point in Alpha; in Alpha's hole, so Beta; on the Alpha/Gamma edge;
     * in Gamma; in Gamma's detached part; far away; no location, LSOA
     * E01000001 (Alpha through the lookup); no location, no LSOA; on the
     * edge of Alpha's hole; in Alpha. */
    static const char *const ids[10] = {
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1",
        "",
        "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2",
        "c3",
        "c4",
        "c5",
        "c6",
        "c7",
        "c8",
        "c9",
    };
    static const struct {
        const char *what;
        unsigned store;
        const char *ward[10], *how[10];
        /* Test Police's two records: the negative longitude, and the LSOA
         * whose ward is not stored */
        const char *test_police;
    } cases[] = {
        {"wards and lookup",
         WARDS | LOOKUP | KENT | FORMULA,
         {"E05000001", "E05000002", "", "E05000003", "E05000003", "", "E05000001", "", "",
          "E05000001"},
         {"point", "point", "none", "point", "point", "none", "lsoa", "none", "none", "point"},
         "-1||none;||none;"},
        {"wards, no lookup",
         WARDS | KENT | FORMULA,
         {"E05000001", "E05000002", "", "E05000003", "E05000003", "", "", "", "", "E05000001"},
         {"point", "point", "none", "point", "point", "none", "none", "none", "none", "point"},
         "-1||none;||none;"},
        {"no wards",
         LOOKUP | KENT,
         {"", "", "", "", "", "", "", "", "", ""},
         {"none", "none", "none", "none", "none", "none", "none", "none", "none", "none"},
         ""},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        char target[512];
        struct safer_store *st = store_with("assign", cases[k].store, target, sizeof(target));
        char want[2048];
        size_t len = 0;
        for (size_t i = 0; i < 10; i++)
            len += (size_t)snprintf(want + len, sizeof(want) - len, "%s|%s|%s;", ids[i],
                                    cases[k].ward[i], cases[k].how[i]);
        snprintf(want + len, sizeof(want) - len, "%s", cases[k].test_police);
        struct seen s = {.stop_after = -1};
        struct safer_err err = {0};
        int rc = safer_export_police(st, NULL, see, &s, &err);
        if (rc < 0)
            fail_msg("%s: %s", cases[k].what, err.msg);
        if (strcmp(s.text, want) != 0)
            fail_msg("%s:\n got %s\nwant %s", cases[k].what, s.text, want);
        testfix_done(st, target);
    }
}

static void test_export_csv_guards_text_but_not_numbers(void **state)
{
    (void)state;
    char target[512];
    struct safer_store *st =
        store_with("csv", WARDS | LOOKUP | KENT | FORMULA, target, sizeof(target));
    struct safer_stream out;
    safer_stream_init_memory(&out, (size_t)1 << 20);
    struct safer_err err = {0};
    int rc = safer_export_police_csv(st, NULL, &out, &err);
    if (rc < 0)
        fail_msg("%s", err.msg);
    const char *csv = out.buf.ptr;
    static const char header[] =
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
        "Crime type,Last outcome category,Context,ward_code,assigned_by\n";
    assert_true(strncmp(csv, header, sizeof(header) - 1) == 0);
    /* Kent Police's records come first (force order), then Test Police's. */
    static const char *const lines[] = {
        /* "0.70" comes back as the shortest decimal of the stored number */
        "\nc5,2019-01,Kent Police,Kent Police,0.7,51.3,On or near Elsewhere,E01009999,Other 001A,"
        "Drugs,Local resolution,,,none\n",
        "\n,2019-01,Kent Police,Kent Police,0.507,51.207,\"On or near High Street, Upper\","
        "E01000002,Test 001B,Anti-social behaviour,,,E05000002,point\n",
        "\nc6,2019-01,Kent Police,Kent Police,,,No Location,E01000001,Test 001A,Shoplifting,"
        "Under investigation,,E05000001,lsoa\n",
        /* text starting = + - @ gets an apostrophe; the longitude does not */
        "\n'-1,2019-03,Test Police,Test "
        "Police,-0.5,51.5,\"'=HYPERLINK(\"\"http://x\"\";\"\"y\"\")\","
        "E01000001,'+Test 001A,Burglary,'@SUM(A1),'-context,,none\n",
        "\n,2019-03,Test Police,Test Police,,,No Location,E01000009,Nowhere 001A,'=1+1,,,,none\n",
    };
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        if (!strstr(csv, lines[i]))
            fail_msg("no line%s in\n%s", lines[i], csv);
    }
    /* A header and twelve records, each on one line. */
    size_t nl = 0;
    for (const char *p = csv; *p; p++)
        nl += *p == '\n';
    assert_int_equal(nl, 1 + 10 + 2);
    assert_int_equal(csv[out.buf.len - 1], '\n');
    safer_stream_release(&out);
    testfix_done(st, target);
}

static void test_export_of_an_empty_store_is_the_header(void **state)
{
    (void)state;
    char target[512];
    struct safer_store *st = store_with("empty", WARDS, target, sizeof(target));
    struct safer_stream out;
    safer_stream_init_memory(&out, (size_t)1 << 20);
    struct safer_err err = {0};
    assert_int_equal(safer_export_police_csv(st, NULL, &out, &err), 0);
    assert_string_equal(out.buf.ptr,
                        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
                        "LSOA code,LSOA name,Crime type,Last outcome category,Context,ward_code,"
                        "assigned_by\n");
    safer_stream_release(&out);
    testfix_done(st, target);
}

static void test_export_stops_when_asked_or_when_it_fails(void **state)
{
    (void)state;
    char target[512];
    struct safer_store *st = store_with("stop", WARDS | LOOKUP | KENT, target, sizeof(target));
    struct safer_err err = {0};

    /* The callback's negative value stops the export and is returned. */
    struct seen s = {.stop_after = 4};
    assert_int_equal(safer_export_police(st, NULL, see, &s, &err), -7);
    assert_int_equal(s.rows, 4);

    /* A stream with room for less than the export: its limit, reported. */
    struct safer_stream out;
    safer_stream_init_memory(&out, 300);
    assert_int_equal(safer_export_police_csv(st, NULL, &out, &err), SAFER_ETOOBIG);
    safer_stream_release(&out);

    /* The store failing at each of the first database calls. */
    for (unsigned long at = 1; at <= 4; at++) {
        struct seen t = {.stop_after = -1};
        safer_err_clear(&err);
        safer_fault_arm(SAFER_FAULT_DB, at);
        int rc = safer_export_police(st, NULL, see, &t, &err);
        safer_fault_arm(SAFER_FAULT_DB, 0);
        assert_int_equal(rc, SAFER_EDB);
        assert_true(strlen(err.msg) > 0);
        assert_int_equal(t.rows, 0);
    }
    /* The handle still works. */
    struct seen all = {.stop_after = -1};
    assert_int_equal(safer_export_police(st, NULL, see, &all, &err), 0);
    assert_int_equal(all.rows, 10);
    testfix_done(st, target);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_export_assigns_each_record_as_the_readme_says),
        cmocka_unit_test(test_export_csv_guards_text_but_not_numbers),
        cmocka_unit_test(test_export_of_an_empty_store_is_the_header),
        cmocka_unit_test(test_export_stops_when_asked_or_when_it_fails),
    };
    return cmocka_run_group_tests_name("export", tests, testfix_setup, testfix_teardown);
}
