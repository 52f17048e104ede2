/*
 * test_svg.c - SVG charts and maps: every figure is well-formed XML with one
 * <svg> root and an accessible name; data text is escaped; maps carry a
 * scale bar, a north arrow and the attribution; NaN, negative values and
 * empty inputs are handled; the output is deterministic and independent of
 * the numeric locale; bad arguments fail before anything is written.
 */
#include "util/compat.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "safer/buf.h"
#include "safer/geom.h"
#include "safer/svg.h"

#define ATTRIBUTION                                                                                \
    "Contains public sector information licensed under the Open Government Licence v3.0. "        \
    "Contains OS data \xC2\xA9 Crown copyright and database right 2024"
#define EVIL "<script>alert(1)</script> & \"q\""

/* ----------------------------------------------------- a tiny XML checker */

struct xml_stats {
    size_t elements; /* start tags, self-closing included */
    size_t texts;    /* <text> elements */
    size_t paths, rects, circles, titles;
};

static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == ':' || c == '.';
}

/* Check an entity reference at s ('&'); returns its length or 0. */
static size_t entity_len(const char *s)
{
    static const char *const named[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
    for (size_t i = 0; i < 5; i++) {
        if (strncmp(s, named[i], strlen(named[i])) == 0)
            return strlen(named[i]);
    }
    size_t i = 1;
    if (s[i++] != '#')
        return 0;
    bool hex = s[i] == 'x';
    if (hex)
        i++;
    size_t start = i;
    while ((s[i] >= '0' && s[i] <= '9') ||
           (hex && ((s[i] >= 'a' && s[i] <= 'f') || (s[i] >= 'A' && s[i] <= 'F'))))
        i++;
    return i > start && s[i] == ';' ? i + 1 : 0;
}

/* Valid UTF-8 (no overlongs, surrogates or code points past U+10FFFF). */
static bool utf8_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t len = c < 0x80 ? 1 : (c >= 0xC2 && c <= 0xDF) ? 2 : (c >= 0xE0 && c <= 0xEF) ? 3
                                : (c >= 0xF0 && c <= 0xF4) ? 4 : 0;
        if (len == 0 || i + len > n)
            return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
        }
        if ((c == 0xE0 && s[i + 1] < 0xA0) || (c == 0xED && s[i + 1] > 0x9F) ||
            (c == 0xF0 && s[i + 1] < 0x90) || (c == 0xF4 && s[i + 1] > 0x8F))
            return false;
        i += len;
    }
    return true;
}

/*
 * Fail the test unless `s` is one well-formed <svg> element: balanced,
 * properly nested tags, quoted attributes without '<', '&' only in entity
 * references, no raw '>' in text (our escaper never leaves one), valid UTF-8.
 */
static void check_xml(const char *s, struct xml_stats *st)
{
    const char *stack[64];
    size_t depth = 0, roots = 0;
    const char *p = s;
    memset(st, 0, sizeof(*st));

    if (!utf8_ok((const unsigned char *)s, strlen(s)))
        fail_msg("output is not valid UTF-8");
    while (*p) {
        if (*p == '&') {
            size_t n = entity_len(p);
            if (!n)
                fail_msg("bare '&' at offset %td", p - s);
            p += n;
            continue;
        }
        if (*p == '>')
            fail_msg("raw '>' in text at offset %td", p - s);
        if (*p != '<') {
            if (depth == 0 && *p != '\n' && *p != ' ')
                fail_msg("text outside the root at offset %td", p - s);
            p++;
            continue;
        }
        if (strncmp(p, "<!--", 4) == 0) {
            const char *e = strstr(p, "-->");
            assert_non_null(e);
            p = e + 3;
            continue;
        }
        if (p[1] == '/') {
            const char *name = p + 2, *e = name;
            while (is_name_char(*e))
                e++;
            if (*e != '>')
                fail_msg("bad end tag at offset %td", p - s);
            if (depth == 0)
                fail_msg("end tag without start at offset %td", p - s);
            const char *open = stack[--depth];
            size_t n = (size_t)(e - name);
            if (strncmp(open, name, n) != 0 || is_name_char(open[n]))
                fail_msg("</%.*s> closes <%.20s at offset %td", (int)n, name, open, p - s);
            p = e + 1;
            continue;
        }
        const char *name = p + 1, *e = name;
        while (is_name_char(*e))
            e++;
        if (e == name)
            fail_msg("'<' not starting a tag at offset %td", p - s);
        size_t nlen = (size_t)(e - name);
        if (depth == 0) {
            roots++;
            if (nlen != 3 || strncmp(name, "svg", 3) != 0)
                fail_msg("root element is not <svg>");
        }
        st->elements++;
        if (nlen == 4 && strncmp(name, "text", 4) == 0)
            st->texts++;
        if (nlen == 4 && strncmp(name, "path", 4) == 0)
            st->paths++;
        if (nlen == 4 && strncmp(name, "rect", 4) == 0)
            st->rects++;
        if (nlen == 6 && strncmp(name, "circle", 6) == 0)
            st->circles++;
        if (nlen == 5 && strncmp(name, "title", 5) == 0)
            st->titles++;
        p = e;
        for (;;) {
            while (*p == ' ' || *p == '\n')
                p++;
            if (*p == '>' || (p[0] == '/' && p[1] == '>'))
                break;
            const char *an = p;
            while (is_name_char(*p))
                p++;
            if (p == an || *p != '=' || p[1] != '"')
                fail_msg("bad attribute at offset %td", p - s);
            p += 2;
            while (*p && *p != '"') {
                if (*p == '<')
                    fail_msg("'<' in attribute at offset %td", p - s);
                if (*p == '&') {
                    size_t n = entity_len(p);
                    if (!n)
                        fail_msg("bare '&' in attribute at offset %td", p - s);
                    p += n;
                    continue;
                }
                p++;
            }
            if (!*p)
                fail_msg("unterminated attribute");
            p++;
            if (*p != ' ' && *p != '\n' && *p != '>' && *p != '/')
                fail_msg("attributes not separated at offset %td", p - s);
        }
        if (*p == '>') {
            assert_true(depth < 64);
            stack[depth++] = name;
            p++;
        } else {
            p += 2;
        }
    }
    if (depth != 0)
        fail_msg("%zu elements left open", depth);
    assert_int_equal(roots, 1);
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* Things that must never appear: unescaped data, broken numbers, network or script. */
static void check_clean(const char *s)
{
    assert_null(strstr(s, "<script"));
    assert_null(strstr(s, "nan"));
    assert_null(strstr(s, "NaN"));
    assert_null(strstr(s, "inf\""));
    assert_null(strstr(s, "href"));
    assert_int_equal(count(s, "http"), 1); /* the xmlns only */
}

static void check_figure(const char *s, const char *id, struct xml_stats *st)
{
    char want[64];
    check_xml(s, st);
    check_clean(s);
    assert_non_null(strstr(s, "role=\"img\""));
    snprintf(want, sizeof(want), "aria-labelledby=\"%s-title\"", id);
    assert_non_null(strstr(s, want));
    snprintf(want, sizeof(want), "<title id=\"%s-title\">", id);
    assert_non_null(strstr(s, want));
    assert_non_null(strstr(s, "viewBox=\"0 0 "));
    assert_non_null(strstr(s, "style=\"max-width:100%;height:auto\""));
}

/* ------------------------------------------------------------ fixtures */

static const char *const months12[12] = {"2018-10", "2018-11", "2018-12", "2019-01",
                                         "2019-02", "2019-03", "2019-04", "2019-05",
                                         "2019-06", "2019-07", "2019-08", "2019-09"};

/*
 * Three areas in BNG metres around Maidstone:
 *   A: a 1 km square with a 400 m square hole (shell, hole);
 *   B: the 1 km square east of A, sharing its edge;
 *   C: a multipolygon of two triangles south of A and B.
 */
static double xy_a[] = {575000, 155000, 576000, 155000, 576000, 156000, 575000, 156000,
                        575000, 155000, 575300, 155300, 575300, 155700, 575700, 155700,
                        575700, 155300, 575300, 155300};
static uint32_t rings_a[] = {0, 5, 10};
static uint32_t parts_a[] = {0, 2};
static double xy_b[] = {576000, 155000, 577000, 155000, 577000, 156000, 576000, 156000,
                        576000, 155000};
static uint32_t rings_b[] = {0, 5};
static uint32_t parts_b[] = {0, 1};
static double xy_c[] = {575000, 154000, 576000, 154000, 575000, 154900, 575000, 154000,
                        576200, 154000, 577000, 154000, 577000, 154900, 576200, 154000};
static uint32_t rings_c[] = {0, 4, 8};
static uint32_t parts_c[] = {0, 1, 2};

static struct safer_geom make_geom(double *xy, uint32_t npoints, uint32_t *rings, uint32_t nrings,
                                   uint32_t *parts, uint32_t nparts)
{
    struct safer_geom g;
    memset(&g, 0, sizeof(g));
    g.xy = xy;
    g.npoints = npoints;
    g.ring_start = rings;
    g.nrings = nrings;
    g.part_start = parts;
    g.nparts = nparts;
    return g;
}

static void three_areas(struct safer_geom g[3])
{
    g[0] = make_geom(xy_a, 10, rings_a, 2, parts_a, 1);
    g[1] = make_geom(xy_b, 5, rings_b, 1, parts_b, 1);
    g[2] = make_geom(xy_c, 8, rings_c, 2, parts_c, 2);
}

static struct safer_buf render_buf(void)
{
    struct safer_buf b;
    safer_buf_init(&b, 16 << 20);
    return b;
}

/* -------------------------------------------------------- number helpers */

static void test_svg_format_number_table(void **state)
{
    (void)state;
    static const struct {
        double v;
        int dec;
        bool plus;
        const char *want;
    } rows[] = {
        {0, 0, false, "0"},
        {1234.5, 1, false, "1,234.5"},
        {-1234567, 0, false, "-1,234,567"},
        {999, 0, false, "999"},
        {1000, 0, false, "1,000"},
        {12, 0, true, "+12"},
        {-12.25, 1, true, "-12.3"},
        {-0.04, 1, true, "0.0"}, /* never "-0.0" */
        {0.05, 2, false, "0.05"},
        {3.14159, 6, false, "3.141590"},
        {42, 9, false, "42.000000"}, /* decimals clamp to 6 */
        {NAN, 1, false, "n/a"},
        {INFINITY, 0, false, "n/a"},
        {1e16, 0, false, "n/a"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char out[40];
        safer_svg_format_number(out, sizeof(out), rows[i].v, rows[i].dec, rows[i].plus);
        if (strcmp(out, rows[i].want) != 0)
            fail_msg("row %zu: got '%s' want '%s'", i, out, rows[i].want);
    }
}

static void test_svg_num_rounds_to_tenths(void **state)
{
    (void)state;
    struct safer_buf b = render_buf();
    static const double in[] = {0, 12, 12.34, 12.35, -0.5, -0.04, 1e300, NAN};
    for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
        safer_svg_num(&b, in[i]);
        safer_buf_puts(&b, ";");
    }
    assert_string_equal(b.ptr, "0;12;12.3;12.4;-0.5;0;100000000000000;0;");
    safer_buf_release(&b);
}

static void test_svg_nice_ticks_table(void **state)
{
    (void)state;
    static const struct {
        double lo, hi;
        int target;
        double first, step;
        size_t n;
    } rows[] = {
        {0, 1432, 5, 0, 500, 4},
        {0, 1, 5, 0, 0.2, 6},
        {-18.2, 45, 4, -20, 20, 5},
        {0, 0, 5, 0, 1, 2},
        {0, 88, 5, 0, 20, 6},
        {0, 7, 4, 0, 2, 5},
        {-3, 0, 3, -3, 1, 4},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        double first, step;
        size_t n = safer_svg_nice_ticks(rows[i].lo, rows[i].hi, rows[i].target, &first, &step);
        if (n != rows[i].n || fabs(first - rows[i].first) > 1e-9 || fabs(step - rows[i].step) > 1e-9)
            fail_msg("row %zu: got %zu ticks from %g by %g", i, n, first, step);
    }
    assert_int_equal(safer_svg_step_decimals(500), 0);
    assert_int_equal(safer_svg_step_decimals(0.2), 1);
    assert_int_equal(safer_svg_step_decimals(0.05), 2);
}

static void test_svg_wrap_breaks_at_spaces(void **state)
{
    (void)state;
    size_t st[4], ln[4];
    const char *s = "Contains public sector information licensed under the OGL";
    size_t n = safer_svg_wrap(s, 10, 120, st, ln, 4);
    assert_true(n >= 2);
    for (size_t i = 0; i < n; i++) {
        assert_true(ln[i] > 0);
        assert_true(s[st[i]] != ' ' && s[st[i] + ln[i] - 1] != ' ');
    }
    /* One word longer than a line is broken anywhere, on a character boundary. */
    n = safer_svg_wrap("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 10, 13, st, ln, 4);
    assert_true(n >= 2);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(ln[i] % 2, 0);
    assert_int_equal(safer_svg_wrap(NULL, 10, 100, st, ln, 4), 0);
    assert_int_equal(safer_svg_wrap("   ", 10, 100, st, ln, 4), 0);
}

static void test_svg_text_lines_truncates_with_ellipsis(void **state)
{
    (void)state;
    struct safer_buf b = render_buf();
    size_t n = safer_svg_text_lines(&b, 0, 10, 12, 12, 60, 1, "end", NULL,
                                    "Violence and sexual offences <b>");
    assert_int_equal(n, 1);
    assert_non_null(strstr(b.ptr, "\xE2\x80\xA6</text>"));
    assert_non_null(strstr(b.ptr, "text-anchor=\"end\""));
    assert_null(strstr(b.ptr, "<b>"));
    safer_buf_release(&b);
}

/* ------------------------------------------------------------ line chart */

static void test_svg_line_chart_well_formed(void **state)
{
    (void)state;
    double all[12] = {1210, 1185, 1302, 1250, 1120, 1275, 1330, 1412, 1390, 1440, 1380, 700};
    double vso[12] = {402, 380, 455, 430, NAN, 410, 440, 470, 482, 500, 470, 240};
    struct safer_svg_series ser[2] = {{"All crime", all}, {"Violence and sexual offences", vso}};
    struct safer_svg_month_range sh = {11, 11, "Partial month"};
    struct safer_svg_marker mk = {6, "New recording rules"};
    struct safer_svg_line_chart c = {.months = months12, .nmonths = 12, .series = ser,
                                     .nseries = 2, .y_label = "Crimes per month",
                                     .shaded = &sh, .nshaded = 1, .markers = &mk, .nmarkers = 1};
    struct safer_svg_opts o = {.id = "fig1", .title = "Crime by month"};
    struct safer_buf b = render_buf();
    struct xml_stats st;

    assert_int_equal(safer_svg_line_chart(&b, &o, &c, NULL), 0);
    check_figure(b.ptr, "fig1", &st);
    assert_non_null(strstr(b.ptr, "<desc id=\"fig1-desc\">"));
    assert_non_null(strstr(b.ptr, ">All crime</text>"));
    assert_non_null(strstr(b.ptr, ">Partial month</text>"));
    assert_non_null(strstr(b.ptr, ">New recording rules</text>"));
    assert_non_null(strstr(b.ptr, ">1,500</text>")); /* y ticks 0..1,500 with separators */
    assert_non_null(strstr(b.ptr, "width=\"680\" height=\"374\""));
    assert_null(strstr(b.ptr, "stroke-dasharray=\"4.5")); /* 2 series: solid lines */
    /* 12 months: every value gets a dot, the NaN month none: 12 + 11. */
    assert_int_equal(st.circles, 23);

    /* Deterministic: the same input gives the same bytes. */
    struct safer_buf b2 = render_buf();
    assert_int_equal(safer_svg_line_chart(&b2, &o, &c, NULL), 0);
    assert_int_equal(b.len, b2.len);
    assert_memory_equal(b.ptr, b2.ptr, b.len);
    safer_buf_release(&b);
    safer_buf_release(&b2);
}

static void test_svg_line_chart_escapes_data(void **state)
{
    (void)state;
    double v[3] = {1, 2, 3};
    const char *months[3] = {"2019-01", "<b>&", "2019-03"};
    struct safer_svg_series ser[1] = {{EVIL, v}};
    struct safer_svg_month_range sh = {0, 0, EVIL};
    struct safer_svg_line_chart c = {.months = months, .nmonths = 3, .series = ser, .nseries = 1,
                                     .y_label = EVIL, .shaded = &sh, .nshaded = 1};
    struct safer_svg_opts o = {.id = "x", .title = EVIL, .desc = EVIL};
    struct safer_buf b = render_buf();
    struct xml_stats st;

    assert_int_equal(safer_svg_line_chart(&b, &o, &c, NULL), 0);
    check_figure(b.ptr, "x", &st);
    assert_non_null(strstr(b.ptr, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;"));
    assert_non_null(strstr(b.ptr, "&lt;b&gt;&amp;"));
    safer_buf_release(&b);
}

static void test_svg_line_chart_gaps_and_lone_points(void **state)
{
    (void)state;
    /* 24 months (no dots on runs), values: run, gap, lone point, gap, run. */
    const char *months[24];
    char mb[24][8];
    double v[24];
    for (int i = 0; i < 24; i++) {
        snprintf(mb[i], sizeof(mb[i]), "%04d-%02d", 2018 + (i + 9) / 12, (i + 9) % 12 + 1);
        months[i] = mb[i];
        v[i] = i;
    }
    v[5] = NAN;
    v[7] = NAN;
    struct safer_svg_series ser[1] = {{"Drugs", v}};
    struct safer_svg_line_chart c = {.months = months, .nmonths = 24, .series = ser, .nseries = 1};
    struct safer_svg_opts o = {.id = "g", .title = "Gaps", .width = 500, .height = 300};
    struct safer_buf b = render_buf();
    struct xml_stats st;

    assert_int_equal(safer_svg_line_chart(&b, &o, &c, NULL), 0);
    check_figure(b.ptr, "g", &st);
    assert_int_equal(st.circles, 1); /* month 6 stands alone */
    /* The series path has two subpaths: "M..." and one relative "m". */
    const char *d = strstr(b.ptr, "stroke-linecap=\"round\" d=\"M");
    assert_non_null(d);
    const char *end = strchr(d + 27, '"');
    size_t moves = 0;
    for (const char *p = d + 26; p < end; p++)
        moves += *p == 'm';
    assert_int_equal(moves, 1);
    assert_non_null(strstr(b.ptr, "width=\"500\" height=\"300\""));
    safer_buf_release(&b);
}

static void test_svg_line_chart_dashes_over_four_series(void **state)
{
    (void)state;
    double v[3] = {1, 2, 3};
    struct safer_svg_series ser[6] = {{"a", v}, {"b", v}, {"c", v}, {"d", v}, {"e", v}, {"f", v}};
    struct safer_svg_line_chart c = {.months = months12, .nmonths = 3, .series = ser, .nseries = 4};
    struct safer_svg_opts o = {.id = "d", .title = "Dashes"};
    struct safer_buf b = render_buf();
    struct xml_stats st;

    assert_int_equal(safer_svg_line_chart(&b, &o, &c, NULL), 0);
    assert_null(strstr(b.ptr, "stroke-dasharray"));
    safer_buf_reset(&b);
    c.nseries = 6;
    assert_int_equal(safer_svg_line_chart(&b, &o, &c, NULL), 0);
    check_figure(b.ptr, "d", &st);
    /* Series 2..6 dashed, in the plot and in the legend. */
    assert_int_equal(count(b.ptr, "stroke-dasharray"), 10);
    safer_buf_release(&b);
}

static void test_svg_line_chart_negative_values_extend_axis(void **state)
{
    (void)state;
    double v[3] = {-12, 5, 30};
    struct safer_svg_series ser[1] = {{"Change", v}};
    struct safer_svg_line_chart c = {.months = months12, .nmonths = 3, .series = ser, .nseries = 1};
    struct safer_svg_opts o = {.id = "n", .title = "Negative"};
    struct safer_buf b = render_buf();
    struct xml_stats st;
    assert_int_equal(safer_svg_line_chart(&b, &o, &c, NULL), 0);
    check_figure(b.ptr, "n", &st);
    assert_non_null(strstr(b.ptr, ">-20</text>"));
    safer_buf_release(&b);
}

static void test_svg_line_chart_empty_is_placeholder(void **state)
{
    (void)state;
    double nan3[3] = {NAN, NAN, NAN};
    struct safer_svg_series ser[1] = {{"Nothing", nan3}};
    struct safer_svg_line_chart cases[3] = {
        {.months = months12, .nmonths = 3, .series = NULL, .nseries = 0},
        {.months = NULL, .nmonths = 0, .series = ser, .nseries = 1},
        {.months = months12, .nmonths = 3, .series = ser, .nseries = 1},
    };
    for (size_t i = 0; i < 3; i++) {
        struct safer_svg_opts o = {.id = "e", .title = "Empty"};
        struct safer_buf b = render_buf();
        struct xml_stats st;
        assert_int_equal(safer_svg_line_chart(&b, &o, &cases[i], NULL), 0);
        check_figure(b.ptr, "e", &st);
        assert_non_null(strstr(b.ptr, ">No data to show</text>"));
        assert_non_null(strstr(b.ptr, "class=\"safer-placeholder\""));
        safer_buf_release(&b);
    }
}

static void test_svg_line_chart_rejects_bad_arguments(void **state)
{
    (void)state;
    double v[3] = {1, 2, 3};
    struct safer_svg_series ser[SAFER_SVG_MAX_SERIES + 1];
    for (size_t i = 0; i < SAFER_SVG_MAX_SERIES + 1; i++) {
        ser[i].name = "s";
        ser[i].values = v;
    }
    struct safer_svg_month_range bad_range = {2, 3, "x"};
    struct safer_svg_month_range backwards = {2, 1, "x"};
    struct safer_svg_marker bad_marker = {3, "x"};
    struct safer_svg_series no_values[1] = {{"s", NULL}};
    const struct safer_svg_line_chart good = {.months = months12, .nmonths = 3, .series = ser,
                                              .nseries = 1};
    struct {
        struct safer_svg_line_chart c;
        struct safer_svg_opts o;
        int rc;
    } rows[] = {
        {good, {.title = NULL}, SAFER_EINVAL},
        {good, {.title = ""}, SAFER_EINVAL},
        {good, {.title = "t", .id = "1abc"}, SAFER_EINVAL},
        {good, {.title = "t", .id = "a\"b"}, SAFER_EINVAL},
        {good, {.title = "t", .id = "abcdefghijabcdefghijabcdefghijabc"}, SAFER_EINVAL},
        {good, {.title = "t", .width = 50}, SAFER_EINVAL},
        {good, {.title = "t", .width = 5000}, SAFER_EINVAL},
        {good, {.title = "t", .height = 10}, SAFER_EINVAL},
        {{.months = months12, .nmonths = 3, .series = ser, .nseries = SAFER_SVG_MAX_SERIES + 1},
         {.title = "t"},
         SAFER_ETOOBIG},
        {{.months = NULL, .nmonths = 3, .series = ser, .nseries = 1}, {.title = "t"}, SAFER_EINVAL},
        {{.months = months12, .nmonths = 3, .series = NULL, .nseries = 1},
         {.title = "t"},
         SAFER_EINVAL},
        {{.months = months12, .nmonths = 3, .series = no_values, .nseries = 1},
         {.title = "t"},
         SAFER_EINVAL},
        {{.months = months12, .nmonths = 3, .series = ser, .nseries = 1, .shaded = &bad_range,
          .nshaded = 1},
         {.title = "t"},
         SAFER_EINVAL},
        {{.months = months12, .nmonths = 3, .series = ser, .nseries = 1, .shaded = &backwards,
          .nshaded = 1},
         {.title = "t"},
         SAFER_EINVAL},
        {{.months = months12, .nmonths = 3, .series = ser, .nseries = 1, .markers = &bad_marker,
          .nmarkers = 1},
         {.title = "t"},
         SAFER_EINVAL},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct safer_buf b = render_buf();
        struct safer_err err = {0};
        int rc = safer_svg_line_chart(&b, &rows[i].o, &rows[i].c, &err);
        if (rc != rows[i].rc)
            fail_msg("row %zu: rc %d want %d", i, rc, rows[i].rc);
        assert_int_equal(b.len, 0); /* nothing written */
        assert_int_equal(err.code, rows[i].rc);
        assert_true(err.msg[0] != '\0');
        safer_buf_release(&b);
    }
    struct safer_buf b = render_buf();
    assert_int_equal(safer_svg_line_chart(&b, NULL, &good, NULL), SAFER_EINVAL);
    struct safer_svg_opts o = {.title = "t"};
    assert_int_equal(safer_svg_line_chart(&b, &o, NULL, NULL), SAFER_EINVAL);
    safer_buf_release(&b);
}

static void test_svg_line_chart_reports_full_buffer(void **state)
{
    (void)state;
    double v[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    struct safer_svg_series ser[1] = {{"s", v}};
    struct safer_svg_line_chart c = {.months = months12, .nmonths = 12, .series = ser, .nseries = 1};
    struct safer_svg_opts o = {.title = "t"};
    struct safer_buf b;
    safer_buf_init(&b, 1000);
    assert_int_equal(safer_svg_line_chart(&b, &o, &c, NULL), SAFER_ETOOBIG);
    assert_true(b.len <= 1000);
    safer_buf_release(&b);
}

/* ------------------------------------------------------------- bar chart */

static void test_svg_bar_chart_diverging_with_notes(void **state)
{
    (void)state;
    struct safer_svg_bar bars[] = {
        {"Violence and sexual offences", 12.4, "*"},
        {"Anti-social behaviour", -18.2, "*"},
        {"Other theft", NAN, NULL},
        {"Possession of weapons", 45.0, "\xE2\x80\xA0"},
        {EVIL, -1.0, NULL},
    };
    struct safer_svg_bar_chart c = {.bars = bars, .nbars = 5, .style = SAFER_SVG_BAR_DIVERGING,
                                    .decimals = 1, .unit = "%",
                                    .axis_label = "Change on previous year (%)",
                                    .footnote = "* Statistically significant. \xE2\x80\xA0 Not "
                                                "comparable."};
    struct safer_svg_opts o = {.id = "bars", .title = "Change by crime type"};
    struct safer_buf b = render_buf();
    struct xml_stats st;

    assert_int_equal(safer_svg_bar_chart(&b, &o, &c, NULL), 0);
    check_figure(b.ptr, "bars", &st);
    assert_int_equal(st.rects, 4); /* the NaN bar has no rect */
    assert_non_null(strstr(b.ptr, ">+12.4%*</text>"));
    assert_non_null(strstr(b.ptr, ">-18.2%*</text>"));
    assert_non_null(strstr(b.ptr, ">+45.0%\xE2\x80\xA0</text>"));
    assert_non_null(strstr(b.ptr, ">no data</text>"));
    assert_non_null(strstr(b.ptr, "class=\"safer-footnote\""));
    assert_non_null(strstr(b.ptr, "Statistically significant."));
    assert_non_null(strstr(b.ptr, "&lt;script&gt;"));
    /* Increases and decreases in different colours; a zero line. */
    assert_int_equal(count(b.ptr, "fill=\"#D55E00\""), 2);
    assert_int_equal(count(b.ptr, "fill=\"#0072B2\""), 2);
    assert_non_null(strstr(b.ptr, ">0</text>"));
    /* Negative bars end left of the zero line: their value labels are anchored at the end. */
    assert_int_equal(count(b.ptr, "class=\"safer-value\""), 4);
    safer_buf_release(&b);
}

static void test_svg_bar_chart_plain_and_empty(void **state)
{
    (void)state;
    struct safer_svg_bar bars[] = {{"Maidstone", 62.1, NULL}, {"Kent", 78.5, NULL}};
    struct safer_svg_bar_chart c = {.bars = bars, .nbars = 2, .decimals = 1};
    struct safer_svg_opts o = {.id = "p", .title = "Rates"};
    struct safer_buf b = render_buf();
    struct xml_stats st;

    assert_int_equal(safer_svg_bar_chart(&b, &o, &c, NULL), 0);
    check_figure(b.ptr, "p", &st);
    assert_non_null(strstr(b.ptr, ">62.1</text>"));
    assert_null(strstr(b.ptr, "+62.1"));
    assert_int_equal(count(b.ptr, "fill=\"#0072B2\""), 2);

    safer_buf_reset(&b);
    c.nbars = 0;
    assert_int_equal(safer_svg_bar_chart(&b, &o, &c, NULL), 0);
    check_figure(b.ptr, "p", &st);
    assert_non_null(strstr(b.ptr, "No data to show"));

    safer_buf_reset(&b);
    c.bars = NULL;
    c.nbars = 1;
    assert_int_equal(safer_svg_bar_chart(&b, &o, &c, NULL), SAFER_EINVAL);
    c.bars = bars;
    c.decimals = 7;
    assert_int_equal(safer_svg_bar_chart(&b, &o, &c, NULL), SAFER_EINVAL);
    c.decimals = 0;
    c.style = (enum safer_svg_bar_style)9;
    assert_int_equal(safer_svg_bar_chart(&b, &o, &c, NULL), SAFER_EINVAL);
    assert_int_equal(b.len, 0);
    safer_buf_release(&b);
}

static void test_svg_bar_chart_all_negative_and_all_nan(void **state)
{
    (void)state;
    struct safer_svg_bar neg[] = {{"a", -5, NULL}, {"b", -50, NULL}};
    struct safer_svg_bar nan[] = {{"a", NAN, NULL}, {"b", NAN, NULL}};
    struct safer_svg_bar_chart c = {.bars = neg, .nbars = 2, .style = SAFER_SVG_BAR_DIVERGING};
    struct safer_svg_opts o = {.id = "n", .title = "t", .height = 200};
    struct safer_buf b = render_buf();
    struct xml_stats st;

    assert_int_equal(safer_svg_bar_chart(&b, &o, &c, NULL), 0);
    check_figure(b.ptr, "n", &st);
    assert_non_null(strstr(b.ptr, ">-50</text>"));
    assert_non_null(strstr(b.ptr, "height=\"200\""));
    safer_buf_reset(&b);
    c.bars = nan;
    assert_int_equal(safer_svg_bar_chart(&b, &o, &c, NULL), 0);
    check_figure(b.ptr, "n", &st);
    assert_int_equal(count(b.ptr, ">no data</text>"), 2);
    safer_buf_release(&b);
}

/* ------------------------------------------------------------------ maps */

static void check_map_furniture(const char *s)
{
    assert_non_null(strstr(s, "class=\"safer-scale-bar\""));
    assert_non_null(strstr(s, "class=\"safer-north-arrow\""));
    assert_non_null(strstr(s, "class=\"safer-legend\""));
    assert_non_null(strstr(s, "class=\"safer-attribution\""));
    assert_non_null(strstr(s, "Open Government Licence v3.0."));
    assert_non_null(strstr(s, "\xC2\xA9 Crown copyright"));
    assert_non_null(strstr(s, ">N</text>"));
    /* The scale bar reads a round length in m or km. */
    const char *t = strstr(s, "<title>Scale bar: ");
    assert_non_null(t);
    t += strlen("<title>Scale bar: ");
    assert_true(t[0] == '1' || t[0] == '2' || t[0] == '5');
    while (*t >= '0' && *t <= '9')
        t++;
    assert_true(strncmp(t, " km<", 4) == 0 || strncmp(t, " m<", 3) == 0);
}

static void test_svg_choropleth_well_formed(void **state)
{
    (void)state;
    struct safer_geom g[3];
    three_areas(g);
    double values[3] = {12.5, NAN, 40};
    const char *names[3] = {"Allington", EVIL, "Bearsted"};
    const char *labels[3] = {"A", "B", NULL};
    struct safer_svg_choropleth m = {
        .areas = g, .values = values, .names = names, .labels = labels, .n = 3, .decimals = 1,
        .unit = " per 1,000",
        .frame = {.legend_title = "Crimes per 1,000 residents",
                  .caption = "Classes are quintiles.", .attribution = ATTRIBUTION}};
    struct safer_svg_opts o = {.id = "map1", .title = "Crime rate by ward"};
    struct safer_buf b = render_buf();
    struct xml_stats st;

    assert_int_equal(safer_svg_choropleth(&b, &o, &m, NULL), 0);
    check_figure(b.ptr, "map1", &st);
    check_map_furniture(b.ptr);
    assert_non_null(strstr(b.ptr, "fill-rule=\"evenodd\""));
    assert_non_null(strstr(b.ptr, "<pattern id=\"map1-nodata\""));
    assert_int_equal(count(b.ptr, "fill=\"url(#map1-nodata)\""), 2); /* area B and its legend swatch */
    assert_non_null(strstr(b.ptr, ">No data</text>"));
    assert_non_null(strstr(b.ptr, "<title>Allington: 12.5 per 1,000</title>"));
    assert_non_null(strstr(b.ptr, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;: no data"));
    assert_non_null(strstr(b.ptr, ">Classes are quintiles.</text>"));
    assert_non_null(strstr(b.ptr, ">A</text>"));
    /* Area A: one path, two rings (shell and hole) in one "d". */
    const char *a = strstr(b.ptr, "<g class=\"safer-areas\"");
    assert_non_null(a);
    const char *d = strstr(a, " d=\"M");
    assert_non_null(d);
    const char *e = strchr(d + 4, '"');
    size_t closes = 0;
    for (const char *p = d; p < e; p++)
        closes += *p == 'z';
    assert_int_equal(closes, 2);
    /* Two finite values: quantile limits give two classes. */
    assert_non_null(strstr(b.ptr, ">Under 40.0</text>"));
    assert_non_null(strstr(b.ptr, ">40.0 and over</text>"));

    struct safer_buf b2 = render_buf();
    assert_int_equal(safer_svg_choropleth(&b2, &o, &m, NULL), 0);
    assert_int_equal(b.len, b2.len);
    assert_memory_equal(b.ptr, b2.ptr, b.len);
    safer_buf_release(&b);
    safer_buf_release(&b2);
}

static void test_svg_choropleth_classes(void **state)
{
    (void)state;
    /* Ten copies of area B with values 1..10: quantile limits 3, 5, 7, 9. */
    struct safer_geom g[10];
    double v[10];
    for (int i = 0; i < 10; i++) {
        g[i] = make_geom(xy_b, 5, rings_b, 1, parts_b, 1);
        v[i] = i + 1;
    }
    struct safer_svg_choropleth m = {.areas = g, .values = v, .n = 10,
                                     .frame = {.attribution = ATTRIBUTION}};
    struct safer_svg_opts o = {.id = "q", .title = "Quantiles"};
    struct safer_buf b = render_buf();
    struct xml_stats st;

    assert_int_equal(safer_svg_choropleth(&b, &o, &m, NULL), 0);
    check_figure(b.ptr, "q", &st);
    assert_non_null(strstr(b.ptr, ">Under 3</text>"));
    assert_non_null(strstr(b.ptr, ">3 to under 5</text>"));
    assert_non_null(strstr(b.ptr, ">5 to under 7</text>"));
    assert_non_null(strstr(b.ptr, ">7 to under 9</text>"));
    assert_non_null(strstr(b.ptr, ">9 and over</text>"));
    assert_null(strstr(b.ptr, ">No data</text>"));
    assert_int_equal(count(b.ptr, "fill=\"#ffffb2\""), 3); /* 1, 2 and the swatch */
    assert_int_equal(count(b.ptr, "fill=\"#bd0026\""), 3); /* 9, 10 and the swatch */

    /* Given breaks. */
    double br[3] = {2.5, 5, 8};
    m.breaks = br;
    m.nbreaks = 3;
    m.decimals = 1;
    safer_buf_reset(&b);
    assert_int_equal(safer_svg_choropleth(&b, &o, &m, NULL), 0);
    assert_non_null(strstr(b.ptr, ">Under 2.5</text>"));
    assert_non_null(strstr(b.ptr, ">5.0 to under 8.0</text>"));
    assert_non_null(strstr(b.ptr, ">8.0 and over</text>"));

    /* All values equal: one class. */
    for (int i = 0; i < 10; i++)
        v[i] = 4;
    m.breaks = NULL;
    m.nbreaks = 0;
    safer_buf_reset(&b);
    assert_int_equal(safer_svg_choropleth(&b, &o, &m, NULL), 0);
    assert_non_null(strstr(b.ptr, ">4.0 to 4.0</text>"));

    /* Nothing but NaN: every area hatched, the legend says "No data". */
    for (int i = 0; i < 10; i++)
        v[i] = NAN;
    safer_buf_reset(&b);
    assert_int_equal(safer_svg_choropleth(&b, &o, &m, NULL), 0);
    check_figure(b.ptr, "q", &st);
    check_map_furniture(b.ptr);
    assert_int_equal(count(b.ptr, "fill=\"url(#q-nodata)\""), 11);
    safer_buf_release(&b);
}

static void test_svg_choropleth_empty_is_placeholder(void **state)
{
    (void)state;
    struct safer_svg_choropleth m = {.n = 0, .frame = {.attribution = ATTRIBUTION}};
    struct safer_svg_opts o = {.id = "e", .title = "No areas"};
    struct safer_buf b = render_buf();
    struct xml_stats st;

    assert_int_equal(safer_svg_choropleth(&b, &o, &m, NULL), 0);
    check_figure(b.ptr, "e", &st);
    assert_non_null(strstr(b.ptr, "No areas to show"));

    /* Areas without a single point are empty too. */
    struct safer_geom g;
    memset(&g, 0, sizeof(g));
    double v = 1;
    m.areas = &g;
    m.values = &v;
    m.n = 1;
    safer_buf_reset(&b);
    assert_int_equal(safer_svg_choropleth(&b, &o, &m, NULL), 0);
    check_figure(b.ptr, "e", &st);
    safer_buf_release(&b);
}

static void test_svg_choropleth_rejects_bad_arguments(void **state)
{
    (void)state;
    struct safer_geom g[3];
    three_areas(g);
    double v[3] = {1, 2, 3};
    double desc_breaks[2] = {5, 2};
    double nan_breaks[1] = {NAN};
    double many[SAFER_SVG_MAX_CLASSES] = {1, 2, 3, 4, 5, 6, 7};
    double bad_xy[] = {0, 0, 1, 0, NAN, 1, 0, 0};
    uint32_t bad_rings[] = {0, 4};
    uint32_t bad_parts[] = {0, 1};
    uint32_t past_end[] = {0, 9};
    struct safer_geom nan_geom = make_geom(bad_xy, 4, bad_rings, 1, bad_parts, 1);
    struct safer_geom broken = make_geom(xy_b, 5, past_end, 1, parts_b, 1);
    const struct safer_svg_choropleth good = {.areas = g, .values = v, .n = 3,
                                              .frame = {.attribution = ATTRIBUTION}};
    struct {
        struct safer_svg_choropleth m;
        int rc;
    } rows[6];
    for (size_t i = 0; i < 6; i++)
        rows[i].m = good;
    rows[0].m.frame.attribution = NULL;
    rows[0].rc = SAFER_EINVAL;
    rows[1].m.breaks = desc_breaks;
    rows[1].m.nbreaks = 2;
    rows[1].rc = SAFER_EINVAL;
    rows[2].m.breaks = nan_breaks;
    rows[2].m.nbreaks = 1;
    rows[2].rc = SAFER_EINVAL;
    rows[3].m.breaks = many;
    rows[3].m.nbreaks = SAFER_SVG_MAX_CLASSES;
    rows[3].rc = SAFER_ETOOBIG;
    rows[4].m.areas = &nan_geom;
    rows[4].m.n = 1;
    rows[4].rc = SAFER_EINVAL;
    rows[5].m.areas = &broken;
    rows[5].m.n = 1;
    rows[5].rc = SAFER_EINVAL;
    for (size_t i = 0; i < 6; i++) {
        struct safer_svg_opts o = {.title = "t"};
        struct safer_buf b = render_buf();
        struct safer_err err = {0};
        int rc = safer_svg_choropleth(&b, &o, &rows[i].m, &err);
        if (rc != rows[i].rc)
            fail_msg("row %zu: rc %d want %d", i, rc, rows[i].rc);
        assert_int_equal(b.len, 0);
        assert_true(err.msg[0] != '\0');
        safer_buf_release(&b);
    }
}

static void test_svg_choropleth_simplifies_dense_rings(void **state)
{
    (void)state;
    /* A circle of 5 km radius with 20 000 vertices: far more than 0.3 px apart allows. */
    enum { N = 20000 };
    double *xy = malloc(2 * (N + 1) * sizeof(double));
    assert_non_null(xy);
    for (int i = 0; i <= N; i++) {
        double a = 2 * M_PI * (i % N) / N;
        xy[2 * i] = 575000 + 5000 * cos(a);
        xy[2 * i + 1] = 155000 + 5000 * sin(a);
    }
    uint32_t rings[2] = {0, N + 1};
    uint32_t parts[2] = {0, 1};
    struct safer_geom g = make_geom(xy, N + 1, rings, 1, parts, 1);
    double v = 1;
    struct safer_svg_choropleth m = {.areas = &g, .values = &v, .n = 1,
                                     .frame = {.attribution = ATTRIBUTION}};
    struct safer_svg_opts o = {.id = "c", .title = "Circle"};
    struct safer_buf b = render_buf();
    struct xml_stats st;

    assert_int_equal(safer_svg_choropleth(&b, &o, &m, NULL), 0);
    check_figure(b.ptr, "c", &st);
    const char *d = strstr(strstr(b.ptr, "class=\"safer-areas\""), " d=\"M");
    const char *e = strchr(d + 4, '"');
    /* About 1,400 px of outline: a few hundred vertices, not 20 000 (~160 kB unsimplified). */
    assert_true(e - d < 8000);
    assert_true(e - d > 400);
    safer_buf_release(&b);
    free(xy);
}

static void test_svg_hotspot_map_well_formed(void **state)
{
    (void)state;
    /* A 6 x 4 grid of 250 m cells: a hot row, a cold block, one no-score cell. */
    struct safer_svg_cell cells[24];
    size_t n = 0;
    for (int r = 0; r < 4; r++) {
        for (int c = 0; c < 6; c++) {
            enum safer_svg_gi_class cls = SAFER_SVG_GI_NONE;
            if (r == 3)
                cls = SAFER_SVG_GI_HOT99;
            else if (r == 0 && c < 2)
                cls = SAFER_SVG_GI_COLD95;
            else if (r == 1 && c == 5)
                cls = SAFER_SVG_GI_NO_SCORE;
            cells[n++] = (struct safer_svg_cell){575000 + 250.0 * c, 155000 + 250.0 * r, cls};
        }
    }
    struct safer_geom g[3];
    three_areas(g);
    const char *wn[3] = {"Allington", EVIL, "Bearsted"};
    struct safer_svg_hotspot_map m = {.cells = cells, .ncells = n, .cell_size = 250, .wards = g,
                                      .ward_names = wn, .nwards = 3,
                                      .frame = {.caption = "Gi* on 250 m cells.",
                                                .attribution = ATTRIBUTION}};
    struct safer_svg_opts o = {.id = "hot", .title = "Hot spots"};
    struct safer_buf b = render_buf();
    struct xml_stats st;

    assert_int_equal(safer_svg_hotspot_map(&b, &o, &m, NULL), 0);
    check_figure(b.ptr, "hot", &st);
    check_map_furniture(b.ptr);
    assert_non_null(strstr(b.ptr, ">Hot spot, 99% confidence</text>"));
    assert_non_null(strstr(b.ptr, ">Cold spot, 99% confidence</text>"));
    assert_non_null(strstr(b.ptr, ">Not significant</text>"));
    assert_non_null(strstr(b.ptr, ">No score</text>"));
    assert_non_null(strstr(b.ptr, ">Ward boundary</text>"));
    assert_non_null(strstr(b.ptr, "<title>&lt;script&gt;"));
    assert_non_null(strstr(b.ptr, "class=\"safer-wards\" fill=\"none\""));
    /* The hot row of six cells is one rectangle: one "z" in its path. */
    const char *hot = strstr(b.ptr, "<path fill=\"#b2182b\"");
    assert_non_null(hot);
    const char *d = strstr(hot, " d=\"");
    const char *e = strchr(d + 4, '"');
    size_t closes = 0;
    for (const char *p = d; p < e; p++)
        closes += *p == 'z';
    assert_int_equal(closes, 1);
    /* The not-significant cells: one run in each of rows 0-2 (the others are at the ends). */
    const char *none = strstr(b.ptr, "<path fill=\"#f0f0f0\"");
    assert_non_null(none);
    d = strstr(none, " d=\"");
    e = strchr(d + 4, '"');
    closes = 0;
    for (const char *p = d; p < e; p++)
        closes += *p == 'z';
    assert_int_equal(closes, 3);

    /* Without no-score cells the legend leaves that class out. */
    cells[11].cls = SAFER_SVG_GI_NONE;
    safer_buf_reset(&b);
    assert_int_equal(safer_svg_hotspot_map(&b, &o, &m, NULL), 0);
    assert_null(strstr(b.ptr, ">No score</text>"));
    safer_buf_release(&b);
}

static void test_svg_hotspot_map_empty_and_bad(void **state)
{
    (void)state;
    struct safer_svg_cell cell = {575000, 155000, SAFER_SVG_GI_HOT90};
    struct safer_svg_hotspot_map m = {.cells = NULL, .ncells = 0, .cell_size = 250,
                                      .frame = {.attribution = ATTRIBUTION}};
    struct safer_svg_opts o = {.id = "h", .title = "Hot spots"};
    struct safer_buf b = render_buf();
    struct xml_stats st;

    assert_int_equal(safer_svg_hotspot_map(&b, &o, &m, NULL), 0);
    check_figure(b.ptr, "h", &st);
    assert_non_null(strstr(b.ptr, "No hot spot results to show"));
    safer_buf_reset(&b);

    m.cells = &cell;
    m.ncells = 1;
    m.cell_size = 0;
    assert_int_equal(safer_svg_hotspot_map(&b, &o, &m, NULL), SAFER_EINVAL);
    m.cell_size = NAN;
    assert_int_equal(safer_svg_hotspot_map(&b, &o, &m, NULL), SAFER_EINVAL);
    m.cell_size = 250;
    cell.cls = SAFER_SVG_GI_NCLASSES;
    assert_int_equal(safer_svg_hotspot_map(&b, &o, &m, NULL), SAFER_EINVAL);
    cell.cls = SAFER_SVG_GI_HOT90;
    cell.x = INFINITY;
    assert_int_equal(safer_svg_hotspot_map(&b, &o, &m, NULL), SAFER_EINVAL);
    cell.x = 575000;
    m.frame.attribution = "";
    assert_int_equal(safer_svg_hotspot_map(&b, &o, &m, NULL), SAFER_EINVAL);
    m.frame.attribution = ATTRIBUTION;
    m.nwards = 2; /* no array */
    assert_int_equal(safer_svg_hotspot_map(&b, &o, &m, NULL), SAFER_EINVAL);
    assert_int_equal(b.len, 0);
    m.nwards = 0;
    assert_int_equal(safer_svg_hotspot_map(&b, &o, &m, NULL), 0);
    check_figure(b.ptr, "h", &st);
    check_map_furniture(b.ptr);
    safer_buf_release(&b);
}

static void test_svg_gi_class_names(void **state)
{
    (void)state;
    static const char *const names[] = {"hot99",  "hot95",  "hot90",  "none",
                                        "cold90", "cold95", "cold99", "no_score"};
    for (int i = 0; i < SAFER_SVG_GI_NCLASSES; i++) {
        assert_int_equal(safer_svg_gi_class_from_name(names[i]), i);
        assert_string_equal(safer_svg_gi_class_name((enum safer_svg_gi_class)i), names[i]);
    }
    assert_int_equal(safer_svg_gi_class_from_name("HOT99"), SAFER_EINVAL);
    assert_int_equal(safer_svg_gi_class_from_name(""), SAFER_EINVAL);
    assert_int_equal(safer_svg_gi_class_from_name(NULL), SAFER_EINVAL);
    assert_null(safer_svg_gi_class_name(SAFER_SVG_GI_NCLASSES));
}

/* A decimal-comma locale must not change a single byte. */
static void test_svg_output_ignores_numeric_locale(void **state)
{
    (void)state;
    static const char *const locales[] = {"de_DE.UTF-8", "fr_FR.UTF-8", "de_DE", "fr_FR"};
    double v[3] = {1.25, 2.5, 3.75};
    struct safer_svg_series ser[1] = {{"s", v}};
    struct safer_svg_line_chart c = {.months = months12, .nmonths = 3, .series = ser, .nseries = 1};
    struct safer_svg_opts o = {.id = "l", .title = "Locale", .width = 701};
    struct safer_buf b1 = render_buf(), b2 = render_buf();

    assert_int_equal(safer_svg_line_chart(&b1, &o, &c, NULL), 0);
    const char *set = NULL;
    for (size_t i = 0; i < 4 && !set; i++)
        set = setlocale(LC_NUMERIC, locales[i]);
    if (!set) {
        safer_buf_release(&b1);
        safer_buf_release(&b2);
        skip(); /* no decimal-comma locale installed */
    }
    assert_int_equal(safer_svg_line_chart(&b2, &o, &c, NULL), 0);
    setlocale(LC_NUMERIC, "C");
    assert_int_equal(b1.len, b2.len);
    assert_memory_equal(b1.ptr, b2.ptr, b1.len);
    safer_buf_release(&b1);
    safer_buf_release(&b2);
}

static void test_svg_wide_figure_scales_fonts(void **state)
{
    (void)state;
    struct safer_svg_bar bars[] = {{"a", 1, NULL}};
    struct safer_svg_bar_chart c = {.bars = bars, .nbars = 1};
    struct safer_svg_opts o = {.id = "w", .title = "Wide", .width = 1360};
    struct safer_buf b = render_buf();
    assert_int_equal(safer_svg_bar_chart(&b, &o, &c, NULL), 0);
    assert_non_null(strstr(b.ptr, "font-size=\"26\"")); /* 13 px x 1360 / 680 */
    safer_buf_release(&b);
}

/* Every font size in `s` is at least `min` px (the figure shown at its own size). */
static void check_font_sizes(const char *s, double min)
{
    for (const char *p = strstr(s, "font-size=\""); p; p = strstr(p + 1, "font-size=\"")) {
        double v = strtod(p + strlen("font-size=\""), NULL);
        if (v < min)
            fail_msg("font-size %g under %g px", v, min);
    }
}

/* ---------------------------------------------- maps a reader can read */

/* A square ring [x, x + side] x [y, y + side] into g, with its arrays in mem (15 slots). */
static struct safer_geom square_geom(double x, double y, double side, double *xy, uint32_t *rp)
{
    const double v[10] = {x, y, x + side, y, x + side, y + side, x, y + side, x, y};
    memcpy(xy, v, sizeof(v));
    rp[0] = 0;
    rp[1] = 5;
    rp[2] = 0;
    rp[3] = 1;
    return make_geom(xy, 5, rp, 1, rp + 2, 1);
}

struct placed {
    double x, y; /* anchor: middle of the baseline */
    char text[16];
};

/* The labels of `s`'s <g class="safer-map-labels">: their texts and places. */
static size_t map_label_texts(const char *s, struct placed *out, size_t cap)
{
    const char *g = strstr(s, "<g class=\"safer-map-labels\">");
    assert_non_null(g);
    const char *end = strstr(g, "</g></g>");
    assert_non_null(end);
    size_t n = 0;
    for (const char *t = strstr(g, "<text x=\""); t && t < end; t = strstr(t + 1, "<text x=\"")) {
        assert_true(n < cap);
        out[n].x = strtod(t + strlen("<text x=\""), NULL);
        out[n].y = strtod(strstr(t, " y=\"") + 4, NULL);
        const char *gt = strchr(t, '>');
        const char *close = strstr(gt, "</text>");
        snprintf(out[n].text, sizeof(out[n].text), "%.*s", (int)(close - gt - 1), gt + 1);
        n++;
    }
    return n;
}

/*
 * A map names every area: 25 wards of 100 m in a town centre beside one of
 * 9 km, at 320 px, where the small ones are 3 px across: every number is
 * drawn, the small wards' beside them with a leader line, and no two
 * overlap.
 */
static void test_svg_choropleth_numbers_every_area(void **state)
{
    (void)state;
    enum { N = 26 };
    double xy[N][10];
    uint32_t rp[N][4];
    struct safer_geom g[N];
    double v[N];
    char num[N][8];
    const char *labels[N];
    for (int i = 0; i < N - 1; i++) {
        g[i] = square_geom(575000 + 100.0 * (i % 5), 155000 + 100.0 * (i / 5), 100, xy[i], rp[i]);
        v[i] = i;
    }
    g[N - 1] = square_geom(575500, 150000, 9000, xy[N - 1], rp[N - 1]);
    v[N - 1] = 3;
    for (int i = 0; i < N; i++) {
        snprintf(num[i], sizeof(num[i]), "%d", i + 1);
        labels[i] = num[i];
    }
    struct safer_svg_choropleth m = {.areas = g, .values = v, .labels = labels, .n = N,
                                     .frame = {.attribution = ATTRIBUTION}};
    struct safer_svg_opts o = {.id = "lab", .title = "Numbered", .width = 320};
    struct safer_buf b = render_buf();
    struct xml_stats st;
    assert_int_equal(safer_svg_choropleth(&b, &o, &m, NULL), 0);
    check_figure(b.ptr, "lab", &st);
    check_font_sizes(b.ptr, SAFER_SVG_FONT_TINY);
    struct placed p[N];
    assert_int_equal(map_label_texts(b.ptr, p, N), N);
    for (int i = 0; i < N; i++) {
        char want[16];
        snprintf(want, sizeof(want), "%d", i + 1);
        bool found = false;
        for (int k = 0; k < N; k++)
            found |= strcmp(p[k].text, want) == 0;
        if (!found)
            fail_msg("area %d has no label", i + 1);
        /* No two labels overlap: 11 px text, a digit about 6.2 px wide. */
        for (int k = i + 1; k < N; k++) {
            double wi = 6.2 * (double)strlen(p[i].text), wk = 6.2 * (double)strlen(p[k].text);
            if (fabs(p[i].x - p[k].x) < (wi + wk) / 2 && fabs(p[i].y - p[k].y) < 11)
                fail_msg("labels '%s' and '%s' overlap", p[i].text, p[k].text);
        }
    }
    /* The town centre's 100 m wards cannot hold theirs: leaders point to them. */
    assert_true(count(b.ptr, "<circle") > 0);
    assert_int_equal(count(b.ptr, "<circle"), count(b.ptr, "<path stroke=\"#0b0c0c\" stroke-width=\"0.8\" d=\"M"));
    safer_buf_release(&b);
}

/* The classes a map draws, for the caller to state: quantile limits and legend words. */
static void test_svg_quantile_breaks_and_class_labels(void **state)
{
    (void)state;
    double v[11] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, NAN}, br[SAFER_SVG_MAX_CLASSES - 1];
    assert_int_equal(safer_svg_quantile_breaks(v, 11, br), 4);
    assert_true(br[0] == 3 && br[1] == 5 && br[2] == 7 && br[3] == 9);
    char lab[64];
    assert_string_equal(safer_svg_class_label(lab, sizeof(lab), br, 4, 0, 1, 10, 1), "Under 3.0");
    assert_string_equal(safer_svg_class_label(lab, sizeof(lab), br, 4, 2, 1, 10, 0),
                        "5 to under 7");
    assert_string_equal(safer_svg_class_label(lab, sizeof(lab), br, 4, 4, 1, 10, 0), "9 and over");
    assert_string_equal(safer_svg_class_label(lab, sizeof(lab), br, 0, 0, 1.25, 1200, 1),
                        "1.3 to 1,200.0");
    /* Ties give fewer classes, never empty ones; one value or none gives none. */
    double ties[6] = {2, 2, 2, 7, 7, 7};
    assert_int_equal(safer_svg_quantile_breaks(ties, 6, br), 1);
    assert_true(br[0] == 7);
    assert_int_equal(safer_svg_quantile_breaks(ties, 1, br), 0);
    double nan[2] = {NAN, NAN};
    assert_int_equal(safer_svg_quantile_breaks(nan, 2, br), 0);
    /* Given back as the map's breaks, the legend says the same. */
    struct safer_geom g[10];
    for (int i = 0; i < 10; i++)
        g[i] = make_geom(xy_b, 5, rings_b, 1, parts_b, 1);
    size_t nb = safer_svg_quantile_breaks(v, 10, br);
    struct safer_svg_choropleth m = {.areas = g, .values = v, .n = 10, .breaks = br,
                                     .nbreaks = nb, .frame = {.attribution = ATTRIBUTION}};
    struct safer_svg_opts o = {.id = "q", .title = "Quantiles"};
    struct safer_buf b = render_buf();
    assert_int_equal(safer_svg_choropleth(&b, &o, &m, NULL), 0);
    for (size_t k = 0; k <= nb; k++) {
        char want[80];
        snprintf(want, sizeof(want), ">%s</text>",
                 safer_svg_class_label(lab, sizeof(lab), br, nb, k, 1, 10, 0));
        assert_non_null(strstr(b.ptr, want));
    }
    safer_buf_release(&b);
    /* The hot spot legend's words, for tables that name classes. */
    assert_string_equal(safer_svg_gi_class_label(SAFER_SVG_GI_HOT99), "Hot spot, 99% confidence");
    assert_string_equal(safer_svg_gi_class_label(SAFER_SVG_GI_NONE), "Not significant");
    assert_null(safer_svg_gi_class_label(SAFER_SVG_GI_NCLASSES));
}

/*
 * Small multiples: one map per panel over the same areas, each with its
 * title and its own classes written at the steps of its colour bar, one
 * north arrow and scale bar for all; as one figure or as separate panels
 * and their key, at the same scale.
 */
static void test_svg_small_multiples(void **state)
{
    (void)state;
    struct safer_geom g[3];
    three_areas(g);
    const char *names[3] = {"Allington", EVIL, "Bearsted"};
    const char *labels[3] = {"1", "2", "3"};
    double a[3] = {10, 20, 30}, b2[3] = {0.5, 0.25, NAN}, c[3] = {4, 4, 4};
    struct safer_svg_panel panels[3] = {
        {"All crime", a, NULL}, {"Burglary <b>", b2, NULL}, {"Shoplifting", c, NULL}};
    struct safer_svg_small_multiples m = {
        .areas = g, .names = names, .labels = labels, .n = 3, .panels = panels, .npanels = 3,
        .decimals = 2, .unit = " per 1,000",
        .frame = {.legend_title = "Records per 1,000 residents", .caption = "Quintiles.",
                  .attribution = ATTRIBUTION}};
    struct safer_svg_opts o = {.id = "sm", .title = "Figure 6"};
    struct safer_buf b = render_buf();
    struct xml_stats st;

    assert_int_equal(safer_svg_small_multiples(&b, &o, &m, NULL), 0);
    check_figure(b.ptr, "sm", &st);
    check_map_furniture(b.ptr);
    check_font_sizes(b.ptr, SAFER_SVG_FONT_TINY);
    assert_int_equal(count(b.ptr, "class=\"safer-panel\""), 3);
    assert_int_equal(count(b.ptr, "class=\"safer-north-arrow\""), 1);
    assert_int_equal(count(b.ptr, "class=\"safer-scale-bar\""), 1);
    assert_non_null(strstr(b.ptr, ">All crime</text>"));
    assert_non_null(strstr(b.ptr, ">Burglary &lt;b&gt;</text>"));
    /* Each panel's own limits at the steps of its bar: 20 and 30 for the
     * first; 0.50 for the second, whose NaN is hatched "No data"; one class
     * "4.00 to 4.00" for the third. */
    assert_non_null(strstr(b.ptr, ">20.00</text>"));
    assert_non_null(strstr(b.ptr, ">30.00</text>"));
    assert_non_null(strstr(b.ptr, ">0.50</text>"));
    assert_non_null(strstr(b.ptr, ">No data</text>"));
    assert_non_null(strstr(b.ptr, ">4.00 to 4.00</text>"));
    assert_non_null(strstr(b.ptr, "<title>Bearsted: no data</title>"));
    assert_int_equal(count(b.ptr, ">1</text>"), 3); /* the labels on every panel */
    /* The description gives every panel's classes. */
    assert_non_null(strstr(b.ptr, "3 maps of 3 areas shaded by Records per 1,000 residents"));
    assert_non_null(strstr(b.ptr, "Burglary &lt;b&gt;: 2 classes: Under 0.50; 0.50 and over."));
    /* Two panels side by side at 680 px: the second's title starts right of the middle. */
    const char *t2 = strstr(b.ptr, ">Burglary &lt;b&gt;</text>");
    const char *x2 = t2;
    while (x2 > b.ptr && strncmp(x2, "<text x=\"", 9) != 0)
        x2--;
    assert_true(strtod(x2 + 9, NULL) > 340);

    /* Parts: a panel alone has no north arrow, scale bar or heading; the key
     * alone has them and no panel; both at the one-a-row scale. */
    struct safer_svg_opts op = {.id = "sm-2", .title = "Figure 6b", .width = 320};
    safer_buf_reset(&b);
    assert_int_equal(safer_svg_small_multiple(&b, &op, &m, 1, NULL), 0);
    check_figure(b.ptr, "sm-2", &st);
    check_font_sizes(b.ptr, SAFER_SVG_FONT_TINY);
    assert_int_equal(count(b.ptr, "class=\"safer-panel\""), 1);
    assert_non_null(strstr(b.ptr, ">Burglary &lt;b&gt;</text>"));
    assert_null(strstr(b.ptr, ">All crime</text>"));
    assert_null(strstr(b.ptr, "safer-north-arrow"));
    assert_null(strstr(b.ptr, "Records per 1,000 residents</text>"));
    struct safer_svg_opts ok = {.id = "sm-key", .title = "Key", .width = 320};
    safer_buf_reset(&b);
    assert_int_equal(safer_svg_small_multiple(&b, &ok, &m, 3, NULL), 0);
    check_figure(b.ptr, "sm-key", &st);
    assert_null(strstr(b.ptr, "safer-panel"));
    assert_non_null(strstr(b.ptr, "class=\"safer-north-arrow\""));
    const char *key_bar = strstr(b.ptr, "<title>Scale bar: ");
    assert_non_null(key_bar);
    char key_scale[32];
    snprintf(key_scale, sizeof(key_scale), "%.*s", (int)(strchr(key_bar + 18, '<') - key_bar - 18),
             key_bar + 18);
    assert_non_null(strstr(b.ptr, "a scale bar of "));
    struct safer_svg_opts on = {.id = "sm-n", .title = "Narrow", .width = 320};
    safer_buf_reset(&b);
    assert_int_equal(safer_svg_small_multiples(&b, &on, &m, NULL), 0);
    char want[64];
    snprintf(want, sizeof(want), "<title>Scale bar: %s<", key_scale);
    assert_non_null(strstr(b.ptr, want));

    /* Errors: a panel without a title, too many panels, a part past the key. */
    assert_int_equal(safer_svg_small_multiple(&b, &op, &m, 4, NULL), SAFER_EINVAL);
    panels[2].title = NULL;
    assert_int_equal(safer_svg_small_multiples(&b, &o, &m, NULL), SAFER_EINVAL);
    panels[2].title = "Shoplifting";
    m.npanels = SAFER_SVG_MAX_PANELS + 1;
    assert_int_equal(safer_svg_small_multiples(&b, &o, &m, NULL), SAFER_ETOOBIG);
    m.npanels = 0;
    safer_buf_reset(&b);
    assert_int_equal(safer_svg_small_multiples(&b, &o, &m, NULL), 0);
    assert_non_null(strstr(b.ptr, "No areas to show"));
    safer_buf_release(&b);
}

/*
 * An inset: the hot spot map of one part, enlarged and clipped to it, its
 * cells numbered and the wards whose middle it shows named; and the frame
 * on the whole map that marks where it is.
 */
static void test_svg_hotspot_inset(void **state)
{
    (void)state;
    struct safer_geom g[3];
    three_areas(g);
    const char *names[3] = {"Allington", "Bearsted", "Coxheath"};
    /* A 12 x 8 grid of 250 m over the three areas; a hot cluster in A. */
    struct safer_svg_cell cells[96];
    for (int k = 0; k < 96; k++) {
        cells[k].x = 574500 + 250.0 * (k % 12);
        cells[k].y = 153750 + 250.0 * (k / 12);
        cells[k].cls = SAFER_SVG_GI_NONE;
    }
    cells[5 * 12 + 2].cls = SAFER_SVG_GI_HOT99;  /* 575000, 155000 */
    cells[5 * 12 + 3].cls = SAFER_SVG_GI_HOT95;
    cells[0].cls = SAFER_SVG_GI_COLD99;           /* far from the inset */
    struct safer_svg_cell_label labels[2] = {{575000, 155000, "1"}, {577250, 153750, "2"}};
    struct safer_svg_extent view = {574750, 154750, 575750, 155750};
    struct safer_svg_hotspot_map m = {.cells = cells, .ncells = 96, .cell_size = 250,
                                      .wards = g, .ward_names = names, .nwards = 3,
                                      .frame = {.attribution = ATTRIBUTION},
                                      .view = &view, .labels = labels, .nlabels = 2};
    struct safer_svg_opts o = {.id = "ins", .title = "Inset"};
    struct safer_buf b = render_buf();
    struct xml_stats st;

    assert_int_equal(safer_svg_hotspot_map(&b, &o, &m, NULL), 0);
    check_figure(b.ptr, "ins", &st);
    check_map_furniture(b.ptr);
    assert_non_null(strstr(b.ptr, "<clipPath id=\"ins-clip\">"));
    assert_non_null(strstr(b.ptr, "clip-path=\"url(#ins-clip)\""));
    /* 1 km across 440 px or so: the scale bar is in metres. */
    const char *bar = strstr(b.ptr, "<title>Scale bar: ");
    assert_non_null(bar);
    assert_true(strncmp(strchr(bar + 18, ' '), " m</title>", 10) == 0);
    /* The cold cell far away is not drawn; the hot ones are. */
    assert_null(strstr(b.ptr, "<title>Cold spot, 99% confidence</title>"));
    assert_non_null(strstr(b.ptr, "<title>Hot spot, 99% confidence</title>"));
    /* Cell 1 is in the view and numbered; cell 2 is outside it. */
    const char *cl = strstr(b.ptr, "class=\"safer-cell-labels\"");
    assert_non_null(cl);
    assert_non_null(strstr(cl, ">1</text>"));
    assert_null(strstr(cl, ">2</text>"));
    /* Allington's middle is in the view: named; Coxheath's is not. */
    assert_non_null(strstr(b.ptr, ">Allington</text>"));
    assert_null(strstr(b.ptr, ">Coxheath</text>"));
    assert_non_null(strstr(b.ptr, "Enlarged: 1,000 by 1,000 m"));

    /* The whole map marks the inset, named. */
    m.view = NULL;
    m.labels = NULL;
    m.nlabels = 0;
    m.mark = &view;
    m.mark_label = "Figure 8";
    safer_buf_reset(&b);
    assert_int_equal(safer_svg_hotspot_map(&b, &o, &m, NULL), 0);
    check_figure(b.ptr, "ins", &st);
    assert_non_null(strstr(b.ptr, "<g class=\"safer-inset-mark\"><rect x=\""));
    assert_non_null(strstr(b.ptr, ">Figure 8</text>"));
    assert_non_null(strstr(b.ptr, "<title>Cold spot, 99% confidence</title>"));
    assert_null(strstr(b.ptr, "clipPath"));
    assert_null(strstr(b.ptr, ">Allington</text>"));

    /* Bad extents and labels fail before anything is written. */
    struct safer_svg_extent flat = {574750, 154750, 574750, 155750};
    struct safer_svg_extent inf = {574750, 154750, INFINITY, 155750};
    struct safer_svg_cell_label bad = {575000, 155000, NULL};
    const struct {
        const struct safer_svg_extent *view, *mark;
        const struct safer_svg_cell_label *labels;
        size_t nlabels;
    } cases[] = {{&flat, NULL, NULL, 0}, {NULL, &inf, NULL, 0}, {NULL, NULL, NULL, 1},
                 {NULL, NULL, &bad, 1}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        m.view = cases[i].view;
        m.mark = cases[i].mark;
        m.labels = cases[i].labels;
        m.nlabels = cases[i].nlabels;
        safer_buf_reset(&b);
        assert_int_equal(safer_svg_hotspot_map(&b, &o, &m, NULL), SAFER_EINVAL);
        assert_int_equal(b.len, 0);
    }
    safer_buf_release(&b);
}

/* A phone-sized bar chart writes each label on its own line above its bar, whole. */
static void test_svg_narrow_bar_chart_stacks_labels(void **state)
{
    (void)state;
    struct safer_svg_bar bars[] = {
        {"Violence and sexual offences", 12.4, "*"},
        {"Anti-social behaviour", -18.2, NULL},
        {"Criminal damage and arson", 3.0, NULL},
    };
    struct safer_svg_bar_chart c = {.bars = bars, .nbars = 3, .style = SAFER_SVG_BAR_DIVERGING,
                                    .unit = "%", .axis_label = "Change on the previous 12 months (%)"};
    struct safer_svg_opts o = {.id = "nb", .title = "Change", .width = 320};
    struct safer_buf b = render_buf();
    struct xml_stats st;

    assert_int_equal(safer_svg_bar_chart(&b, &o, &c, NULL), 0);
    check_figure(b.ptr, "nb", &st);
    check_font_sizes(b.ptr, SAFER_SVG_FONT_TINY);
    /* Labels start at the left padding, in full, with a halo over the zero line. */
    assert_int_equal(count(b.ptr, "<text class=\"safer-bar-label\" x=\"10\""), 3);
    assert_non_null(strstr(b.ptr, ">Violence and sexual offences</text>"));
    assert_null(strstr(b.ptr, "\xE2\x80\xA6")); /* nothing cut short */
    assert_int_equal(count(b.ptr, "paint-order=\"stroke\""), 3);
    /* The axis label is moved in rather than cut at the right edge. */
    assert_non_null(strstr(b.ptr, ">Change on the previous 12 months (%)</text>"));
    safer_buf_release(&b);

    /* 680 px: the label column, right-aligned, as before. */
    o.width = 0;
    b = render_buf();
    assert_int_equal(safer_svg_bar_chart(&b, &o, &c, NULL), 0);
    assert_int_equal(count(b.ptr, "text-anchor=\"end\">Violence and sexual offences</text>"), 1);
    safer_buf_release(&b);
}

/* A phone-sized map gives the map the whole width and puts the legend under it. */
static void test_svg_narrow_map_stacks_legend(void **state)
{
    (void)state;
    struct safer_geom g[3];
    three_areas(g);
    double values[3] = {12.5, 20, 40};
    struct safer_svg_choropleth m = {
        .areas = g, .values = values, .n = 3, .decimals = 1,
        .frame = {.legend_title = "Crimes per 1,000 residents", .caption = "Quintiles.",
                  .attribution = ATTRIBUTION}};
    struct safer_svg_opts o = {.id = "nm", .title = "Crime rate by ward", .width = 320};
    struct safer_buf b = render_buf();
    struct xml_stats st;

    assert_int_equal(safer_svg_choropleth(&b, &o, &m, NULL), 0);
    check_figure(b.ptr, "nm", &st);
    check_font_sizes(b.ptr, SAFER_SVG_FONT_TINY);
    /* The furniture of every map; the attribution wraps to more lines. */
    assert_non_null(strstr(b.ptr, "class=\"safer-north-arrow\""));
    assert_non_null(strstr(b.ptr, "<title>Scale bar: "));
    assert_true(count(b.ptr, "class=\"safer-attribution\"") >= 3);
    /* Legend swatches at the left padding, below the map box (300 px wide, so at
     * least 150 px high), the north arrow and scale bar below them. */
    const char *leg = strstr(b.ptr, "<g class=\"safer-legend\">");
    assert_non_null(leg);
    const char *sw = strstr(leg, "<rect x=\"10\" y=\"");
    assert_non_null(sw);
    double legend_y = strtod(sw + strlen("<rect x=\"10\" y=\""), NULL);
    assert_true(legend_y > 160);
    const char *bar = strstr(b.ptr, "<g class=\"safer-scale-bar\">");
    assert_non_null(bar);
    const char *bar_rect = strstr(bar, "\" y=\"");
    assert_true(strtod(bar_rect + 5, NULL) > legend_y);
    safer_buf_release(&b);

    struct safer_svg_cell cells[2] = {{575000, 155000, SAFER_SVG_GI_HOT99},
                                      {575250, 155000, SAFER_SVG_GI_NONE}};
    struct safer_svg_hotspot_map hm = {.cells = cells, .ncells = 2, .cell_size = 250, .wards = g,
                                       .nwards = 3, .frame = {.attribution = ATTRIBUTION}};
    b = render_buf();
    assert_int_equal(safer_svg_hotspot_map(&b, &o, &hm, NULL), 0);
    check_figure(b.ptr, "nm", &st);
    check_font_sizes(b.ptr, SAFER_SVG_FONT_TINY);
    assert_non_null(strstr(b.ptr, ">Cold spot, 99% confidence</text>")); /* not cut */
    safer_buf_release(&b);
}

/* A narrow line chart whose legend takes rows keeps room for its plot, and
 * labels of neighbouring shaded months do not overprint each other. */
static void test_svg_narrow_line_chart(void **state)
{
    (void)state;
    double v[6][12];
    struct safer_svg_series ser[6];
    static const char *const names[6] = {"Violence and sexual offences", "Anti-social behaviour",
                                         "Criminal damage and arson", "Other theft",
                                         "Public order", "Vehicle crime"};
    for (size_t s = 0; s < 6; s++) {
        for (size_t i = 0; i < 12; i++)
            v[s][i] = (double)(100 * (s + 1) + 7 * i);
        ser[s] = (struct safer_svg_series){names[s], v[s]};
    }
    struct safer_svg_month_range sh[2] = {{2, 2, "partial"}, {3, 3, "missing"}};
    struct safer_svg_line_chart c = {.months = months12, .nmonths = 12, .series = ser,
                                     .nseries = 6, .shaded = sh, .nshaded = 2};
    struct safer_svg_opts o = {.id = "nl", .title = "By month", .width = 320};
    struct safer_buf b = render_buf();
    struct xml_stats st;

    assert_int_equal(safer_svg_line_chart(&b, &o, &c, NULL), 0);
    check_figure(b.ptr, "nl", &st);
    check_font_sizes(b.ptr, SAFER_SVG_FONT_TINY);
    const char *h = strstr(b.ptr, "height=\"");
    assert_true(strtod(h + strlen("height=\""), NULL) > 0.55 * 320 + 40);
    assert_int_equal(count(b.ptr, ">partial</text>") + count(b.ptr, ">missing</text>"), 1);
    /* Both ranges keep their tooltips. */
    assert_non_null(strstr(b.ptr, "<title>missing</title>"));
    safer_buf_release(&b);
}

/* The generated text alternatives say what the figures show, from their data. */
static void test_svg_descriptions_state_the_data(void **state)
{
    (void)state;
    double all[12] = {1210, 1185, 1302, 1250, 1120, 1275, 1330, 1412, 1390, 1440, 1380, 700};
    double vso[12] = {NAN, 380, 455, 430, NAN, 410, 440, 470, 482, 500, 470, 520};
    double flat[12] = {5, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, 5};
    struct safer_svg_series ser[3] = {{"All crime", all}, {"Violence", vso}, {"Robbery", flat}};
    struct safer_svg_month_range sh = {4, 5, "partial"};
    struct safer_svg_line_chart c = {.months = months12, .nmonths = 12, .series = ser,
                                     .nseries = 3, .y_label = "Crimes per month", .shaded = &sh,
                                     .nshaded = 1};
    struct safer_svg_opts o = {.id = "d", .title = "By month"};
    struct safer_buf b = render_buf();
    assert_int_equal(safer_svg_line_chart(&b, &o, &c, NULL), 0);
    assert_non_null(strstr(b.ptr, "<desc id=\"d-desc\">Line chart (Crimes per month) of 12 "
                                  "months to September 2019. All crime fell from 1,210 in October "
                                  "2018 to 700 in September 2019; highest 1,440 in July 2019, "
                                  "lowest 700 in September 2019. Violence rose from 380 in "
                                  "November 2018 to 520 in September 2019; highest 520 in "
                                  "September 2019, lowest 380 in November 2018; no value for 2 of "
                                  "the 12 months. Robbery was 5 in both October 2018 and "
                                  "September 2019; highest 5 in October 2018, lowest 5 in October "
                                  "2018; no value for 10 of the 12 months. Shaded: the 2 months "
                                  "to March 2019 (partial).</desc>"));
    safer_buf_release(&b);

    struct safer_svg_bar bars[] = {
        {"Violence", 12.4, "*"}, {"Burglary", -18.2, NULL}, {"Drugs", NAN, NULL}};
    struct safer_svg_bar_chart bc = {.bars = bars, .nbars = 3, .style = SAFER_SVG_BAR_DIVERGING,
                                     .decimals = 1, .unit = "%", .axis_label = "Change (%)",
                                     .footnote = "* significant."};
    b = render_buf();
    assert_int_equal(safer_svg_bar_chart(&b, &o, &bc, NULL), 0);
    assert_non_null(strstr(b.ptr, ">Bar chart (Change (%)) of 3 bars. Highest Violence +12.4%*, "
                                  "lowest Burglary -18.2%. 1 above zero, 1 below. 1 with no "
                                  "value. Violence +12.4%*; Burglary -18.2%; Drugs no data. * "
                                  "significant.</desc>"));
    safer_buf_release(&b);

    struct safer_geom g[3];
    three_areas(g);
    double values[3] = {12.5, NAN, 40};
    const char *mnames[3] = {"Allington", EVIL, "Bearsted"};
    struct safer_svg_choropleth m = {
        .areas = g, .values = values, .names = mnames, .n = 3, .decimals = 1,
        .unit = " per 1,000",
        .frame = {.legend_title = "Crimes per 1,000", .attribution = ATTRIBUTION}};
    b = render_buf();
    assert_int_equal(safer_svg_choropleth(&b, &o, &m, NULL), 0);
    assert_non_null(strstr(b.ptr, ">Map of 3 areas shaded by Crimes per 1,000 in 2 classes: Under "
                                  "40.0; 40.0 and over. Lowest 12.5 per 1,000 in Allington. "
                                  "Highest 40.0 per 1,000 in Bearsted. 1 with no data.</desc>"));
    safer_buf_release(&b);
}

/*
 * Areas not published (a public edition's "[c]"): cross-hatched with a
 * legend row of their own, never coloured by their value, and their value
 * in no tooltip, class limit or description; the classes are those of the
 * areas shown. Without the flags nothing of this is drawn.
 */
static void test_svg_hidden_areas_never_show_their_value(void **state)
{
    (void)state;
    struct safer_geom g[3];
    three_areas(g);
    double values[3] = {12.5, 987.6, 40};
    const unsigned char hidden[3] = {0, 1, 0};
    const char *names[3] = {"Allington", "Barming", "Bearsted"};
    struct safer_svg_choropleth m = {
        .areas = g, .values = values, .names = names, .n = 3, .decimals = 1,
        .unit = " per 1,000",
        .frame = {.legend_title = "Crimes per 1,000", .attribution = ATTRIBUTION},
        .hidden = hidden};
    struct safer_svg_opts o = {.id = "h", .title = "Hidden"};
    struct safer_buf b = render_buf();
    struct xml_stats st;

    assert_int_equal(safer_svg_choropleth(&b, &o, &m, NULL), 0);
    check_figure(b.ptr, "h", &st);
    check_map_furniture(b.ptr);
    assert_non_null(strstr(b.ptr, "<pattern id=\"h-hidden\""));
    assert_int_equal(count(b.ptr, "fill=\"url(#h-hidden)\""), 2); /* Barming and its swatch */
    assert_null(strstr(b.ptr, "url(#h-nodata)"));
    assert_non_null(strstr(b.ptr, "<title>Barming: [c] not published</title>"));
    assert_non_null(strstr(b.ptr, ">[c] not published</text>"));
    assert_null(strstr(b.ptr, "987"));
    assert_non_null(strstr(b.ptr, ">Map of 3 areas shaded by Crimes per 1,000 in 2 classes: Under "
                                  "40.0; 40.0 and over. Lowest 12.5 per 1,000 in Allington. "
                                  "Highest 40.0 per 1,000 in Bearsted. 1 not published ([c])."
                                  "</desc>"));

    /* Ten areas valued 1..10, the highest hidden: the quintiles of 1..9. */
    struct safer_geom g10[10];
    double v10[10];
    unsigned char h10[10] = {0};
    for (int i = 0; i < 10; i++) {
        g10[i] = make_geom(xy_b, 5, rings_b, 1, parts_b, 1);
        v10[i] = i + 1;
    }
    h10[9] = 1;
    struct safer_svg_choropleth q = {.areas = g10, .values = v10, .n = 10, .hidden = h10,
                                     .frame = {.attribution = ATTRIBUTION}};
    safer_buf_reset(&b);
    assert_int_equal(safer_svg_choropleth(&b, &o, &q, NULL), 0);
    assert_non_null(strstr(b.ptr, ">Under 2</text>"));
    assert_non_null(strstr(b.ptr, ">8 and over</text>"));
    assert_null(strstr(b.ptr, ">10"));
    assert_non_null(strstr(b.ptr, "Lowest 1. Highest 9. 1 not published ([c]).</desc>"));

    /* Without flags: the members' figure, no cross-hatching defined. */
    m.hidden = NULL;
    safer_buf_reset(&b);
    assert_int_equal(safer_svg_choropleth(&b, &o, &m, NULL), 0);
    assert_null(strstr(b.ptr, "h-hidden"));
    assert_null(strstr(b.ptr, "[c]"));
    assert_non_null(strstr(b.ptr, "<title>Barming: 987.6 per 1,000</title>"));

    /* A panel of small multiples: the same, beside its colour bar. */
    double a[3] = {10, 20, 30}, c[3] = {3, 2, 25};
    const unsigned char hc[3] = {1, 0, 1};
    struct safer_svg_panel panels[2] = {{"All crime", a, NULL}, {"Burglary", c, hc}};
    struct safer_svg_small_multiples sm = {
        .areas = g, .names = names, .n = 3, .panels = panels, .npanels = 2, .decimals = 0,
        .frame = {.legend_title = "Records", .attribution = ATTRIBUTION}};
    struct safer_svg_opts op = {.id = "hp", .title = "Panel", .width = 320};
    safer_buf_reset(&b);
    assert_int_equal(safer_svg_small_multiple(&b, &op, &sm, 1, NULL), 0);
    check_figure(b.ptr, "hp", &st);
    assert_int_equal(count(b.ptr, "fill=\"url(#hp-hidden)\""), 3);
    assert_non_null(strstr(b.ptr, "<title>Allington: [c] not published</title>"));
    assert_non_null(strstr(b.ptr, "<title>Bearsted: [c] not published</title>"));
    assert_non_null(strstr(b.ptr, "<title>Barming: 2</title>"));
    assert_non_null(strstr(b.ptr, ">[c] not published</text>"));
    assert_null(strstr(b.ptr, "25"));
    assert_null(strstr(b.ptr, ">3<"));
    assert_non_null(strstr(b.ptr, "Burglary: 1 class: 2 to 2. 2 not published ([c])."));
    /* The panel without hidden areas defines no cross-hatching. */
    safer_buf_reset(&b);
    assert_int_equal(safer_svg_small_multiple(&b, &op, &sm, 0, NULL), 0);
    assert_null(strstr(b.ptr, "hp-hidden"));
    safer_buf_release(&b);
}

/*
 * Months labelled as the report writes them ("October 2018") are read as
 * months: the labels keep to the calendar, and a shaded range of months
 * without values is named by its length and last month, never as a span
 * from one month without a value to another.
 */
static void test_svg_line_months_written_out(void **state)
{
    (void)state;
    static const char *const names[12] = {
        "March 2018",   "April 2018",   "May 2018",      "June 2018",
        "July 2018",    "August 2018",  "September 2018", "October 2018",
        "November 2018", "December 2018", "January 2019",  "February 2019"};
    double v[12] = {NAN, NAN, NAN, NAN, NAN, NAN, NAN, 1772, 1139, 799, 1602, 1479};
    struct safer_svg_series ser = {"All records", v};
    struct safer_svg_month_range sh[2] = {{0, 6, "no data"}, {8, 9, "partial"}};
    struct safer_svg_line_chart c = {.months = names, .nmonths = 12, .series = &ser,
                                     .nseries = 1, .shaded = sh, .nshaded = 2};
    struct safer_svg_opts o = {.id = "w", .title = "By month"};
    struct safer_buf b = render_buf();
    assert_int_equal(safer_svg_line_chart(&b, &o, &c, NULL), 0);
    assert_non_null(strstr(b.ptr, "Line chart of 12 months to February 2019. All records fell "
                                  "from 1,772 in October 2018 to 1,479 in February 2019; "));
    assert_non_null(strstr(b.ptr, "no value for 7 of the 12 months. Shaded: the 7 months to "
                                  "September 2018 (no data); the 2 months to December 2018 "
                                  "(partial).</desc>"));
    assert_null(strstr(b.ptr, "March 2018 to"));
    /* Quarterly labels fall on calendar quarters: January, April, July, October. */
    assert_non_null(strstr(b.ptr, ">January 2019</text>"));
    assert_non_null(strstr(b.ptr, ">October 2018</text>"));
    assert_null(strstr(b.ptr, ">March 2018</text>"));
    /* No line runs through the months without values: one subpath. */
    const char *d = strstr(b.ptr, "<g class=\"safer-series\"");
    assert_non_null(d);
    d = strstr(d, " d=\"M");
    assert_non_null(d);
    const char *end = strchr(d + 4, '"');
    for (const char *p = d + 5; p < end; p++)
        assert_true(*p != 'M');
    safer_buf_release(&b);
}

/* A hot spot map of classes other than Gi*'s: the caller's labels and
 * fills, every class in the legend, none of the Gi* words; bad styles. */
static void test_svg_hotspot_map_class_styles(void **state)
{
    (void)state;
    static const struct safer_svg_class_style styles[3] = {
        {"Never a hot spot", "#f0f0f0"}, {"Emerging", "#e66101"}, {"Persistent", "#b2182b"}};
    struct safer_svg_cell cells[4] = {{575000, 155000, 0}, {575250, 155000, 2},
                                      {575500, 155000, 2}, {575000, 155250, 0}};
    struct safer_geom g[3];
    three_areas(g);
    struct safer_svg_hotspot_map m = {.cells = cells, .ncells = 4, .cell_size = 250, .wards = g,
                                      .nwards = 3,
                                      .frame = {.legend_title = "Hot spots over time",
                                                .attribution = ATTRIBUTION},
                                      .styles = styles, .nstyles = 3};
    struct safer_svg_opts o = {.id = "p", .title = "Over time"};
    struct safer_buf b = render_buf();
    struct xml_stats st;
    assert_int_equal(safer_svg_hotspot_map(&b, &o, &m, NULL), 0);
    check_figure(b.ptr, "p", &st);
    check_map_furniture(b.ptr);
    assert_non_null(strstr(b.ptr, ">Never a hot spot</text>"));
    assert_non_null(strstr(b.ptr, ">Emerging</text>")); /* in the legend though no cell has it */
    assert_non_null(strstr(b.ptr, ">Persistent</text>"));
    assert_non_null(strstr(b.ptr, "by class: Never a hot spot 2, Emerging 0, Persistent 2"));
    assert_null(strstr(b.ptr, "confidence")); /* nor in the cells' tooltips */
    assert_non_null(strstr(b.ptr, "<title>Persistent</title>"));
    assert_null(strstr(b.ptr, "<path fill=\"#e66101\" stroke")); /* no cell: no path */
    /* The two persistent cells touch: one rectangle. */
    const char *per = strstr(b.ptr, "<path fill=\"#b2182b\"");
    assert_non_null(per);
    const char *d = strstr(per, " d=\""), *e = strchr(d + 4, '"');
    size_t closes = 0;
    for (const char *q = d; q < e; q++)
        closes += *q == 'z';
    assert_int_equal(closes, 1);

    struct safer_err err = {0};
    cells[1].cls = 3; /* past the styles */
    safer_buf_reset(&b);
    assert_int_equal(safer_svg_hotspot_map(&b, &o, &m, &err), SAFER_EINVAL);
    assert_non_null(strstr(err.msg, "cell 1 has unknown class 3"));
    cells[1].cls = 1;
    static const struct safer_svg_class_style unnamed[1] = {{NULL, "#000000"}};
    m.styles = unnamed;
    m.nstyles = 1;
    memset(&err, 0, sizeof(err));
    assert_int_equal(safer_svg_hotspot_map(&b, &o, &m, &err), SAFER_EINVAL);
    m.styles = styles;
    m.nstyles = SAFER_SVG_GI_NCLASSES + 1;
    memset(&err, 0, sizeof(err));
    assert_int_equal(safer_svg_hotspot_map(&b, &o, &m, &err), SAFER_EINVAL);
    assert_non_null(strstr(err.msg, "class styles"));
    safer_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_svg_format_number_table),
        cmocka_unit_test(test_svg_num_rounds_to_tenths),
        cmocka_unit_test(test_svg_nice_ticks_table),
        cmocka_unit_test(test_svg_wrap_breaks_at_spaces),
        cmocka_unit_test(test_svg_text_lines_truncates_with_ellipsis),
        cmocka_unit_test(test_svg_line_chart_well_formed),
        cmocka_unit_test(test_svg_line_chart_escapes_data),
        cmocka_unit_test(test_svg_line_chart_gaps_and_lone_points),
        cmocka_unit_test(test_svg_line_chart_dashes_over_four_series),
        cmocka_unit_test(test_svg_line_chart_negative_values_extend_axis),
        cmocka_unit_test(test_svg_line_chart_empty_is_placeholder),
        cmocka_unit_test(test_svg_line_chart_rejects_bad_arguments),
        cmocka_unit_test(test_svg_line_chart_reports_full_buffer),
        cmocka_unit_test(test_svg_bar_chart_diverging_with_notes),
        cmocka_unit_test(test_svg_bar_chart_plain_and_empty),
        cmocka_unit_test(test_svg_bar_chart_all_negative_and_all_nan),
        cmocka_unit_test(test_svg_choropleth_well_formed),
        cmocka_unit_test(test_svg_choropleth_classes),
        cmocka_unit_test(test_svg_choropleth_empty_is_placeholder),
        cmocka_unit_test(test_svg_choropleth_rejects_bad_arguments),
        cmocka_unit_test(test_svg_choropleth_simplifies_dense_rings),
        cmocka_unit_test(test_svg_hotspot_map_well_formed),
        cmocka_unit_test(test_svg_hotspot_map_empty_and_bad),
        cmocka_unit_test(test_svg_gi_class_names),
        cmocka_unit_test(test_svg_output_ignores_numeric_locale),
        cmocka_unit_test(test_svg_wide_figure_scales_fonts),
        cmocka_unit_test(test_svg_narrow_bar_chart_stacks_labels),
        cmocka_unit_test(test_svg_narrow_map_stacks_legend),
        cmocka_unit_test(test_svg_choropleth_numbers_every_area),
        cmocka_unit_test(test_svg_quantile_breaks_and_class_labels),
        cmocka_unit_test(test_svg_small_multiples),
        cmocka_unit_test(test_svg_hotspot_inset),
        cmocka_unit_test(test_svg_narrow_line_chart),
        cmocka_unit_test(test_svg_descriptions_state_the_data),
        cmocka_unit_test(test_svg_line_months_written_out),
        cmocka_unit_test(test_svg_hidden_areas_never_show_their_value),
        cmocka_unit_test(test_svg_hotspot_map_class_styles),
    };
    return cmocka_run_group_tests_name("svg", tests, NULL, NULL);
}
