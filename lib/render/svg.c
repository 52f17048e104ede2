/*
 * svg.c - building blocks shared by the SVG charts and maps (see
 * include/safer/svg.h): the <svg> element with its accessible name, the
 * "no data" placeholder, locale-free number output, compact path data, text
 * width estimates and word wrapping, and 1-2-5 axis ticks.
 *
 * Numbers are never printed with "%f"/"%g": those follow LC_NUMERIC, and a
 * front end that calls setlocale(LC_ALL, "") in a locale with a decimal
 * comma would corrupt every coordinate. Values are rounded to integers
 * (tenths of a px for coordinates) and printed with "%lld", which no locale
 * changes.
 */
#include "util/compat.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "safer/html.h"
#include "safer/svg.h"

#define REF_WIDTH 680.0 /* px: A4 text width (180 mm) at 96 px per inch */

double safer_svg_scale(double width)
{
    return width > REF_WIDTH ? width / REF_WIDTH : 1.0;
}

/* ---------------------------------------------------------------- numbers */

/* Round to tenths, clamped so that the conversion is always defined. */
long long safer_svg_tenths(double v)
{
    if (!isfinite(v))
        return 0;
    v *= 10.0;
    if (v > 1e15)
        v = 1e15;
    if (v < -1e15)
        v = -1e15;
    return llround(v);
}

/* Write `t` tenths: 123 -> "12.3", 120 -> "12", -5 -> "-0.5" (or "-.5" if short). */
static void put_tenths(struct safer_buf *b, long long t, bool short_form)
{
    char tmp[32];
    int n;
    unsigned long long a = t < 0 ? 0ULL - (unsigned long long)t : (unsigned long long)t;
    unsigned long long ip = a / 10, fp = a % 10;
    const char *sign = t < 0 ? "-" : "";

    if (fp == 0)
        n = snprintf(tmp, sizeof(tmp), "%s%llu", sign, ip);
    else if (ip == 0 && short_form)
        n = snprintf(tmp, sizeof(tmp), "%s.%llu", sign, fp);
    else
        n = snprintf(tmp, sizeof(tmp), "%s%llu.%llu", sign, ip, fp);
    safer_buf_put(b, tmp, (size_t)n);
}

void safer_svg_num(struct safer_buf *b, double v)
{
    put_tenths(b, safer_svg_tenths(v), false);
}

char *safer_svg_format_number(char *out, size_t outsz, double v, int decimals, bool plus)
{
    static const double pow10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
    char digits[32];

    if (outsz < 32) {
        if (outsz)
            out[0] = '\0';
        return out;
    }
    if (decimals < 0)
        decimals = 0;
    if (decimals > 6)
        decimals = 6;
    if (!isfinite(v)) {
        snprintf(out, outsz, "n/a");
        return out;
    }
    double a = fabs(v) * pow10[decimals];
    while (a >= 9e15 && decimals > 0) {
        decimals--;
        a = fabs(v) * pow10[decimals];
    }
    if (a >= 9e15) {
        snprintf(out, outsz, "n/a");
        return out;
    }
    long long t = llround(a);
    long long scale = (long long)pow10[decimals];
    long long ip = t / scale, fp = t % scale;
    const char *sign = t == 0 ? "" : v < 0 ? "-" : plus ? "+" : "";

    int nd = snprintf(digits, sizeof(digits), "%lld", ip);
    size_t o = 0;
    o += (size_t)snprintf(out, outsz, "%s", sign);
    for (int i = 0; i < nd; i++) {
        if (i > 0 && (nd - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
    if (decimals > 0) {
        out[o++] = '.';
        for (int i = decimals - 1; i >= 0; i--) {
            out[o + (size_t)i] = (char)('0' + fp % 10);
            fp /= 10;
        }
        out[o + (size_t)decimals] = '\0';
    }
    return out;
}

/* ------------------------------------------------------------------ ticks */

size_t safer_svg_nice_ticks(double lo, double hi, int target, double *first, double *step)
{
    if (!isfinite(lo) || !isfinite(hi)) {
        lo = 0;
        hi = 1;
    }
    if (lo > hi) {
        double t = lo;
        lo = hi;
        hi = t;
    }
    if (target < 1)
        target = 1;
    if (target > 20)
        target = 20;
    double range = hi - lo;
    if (!(range > 0)) {
        /* One value: a step of about its own size, so 0 shows as 0..1. */
        range = fabs(hi) > 0 ? fabs(hi) : 1.0;
        target = 1;
    }
    double raw = range / target;
    double mag = pow(10.0, floor(log10(raw)));
    double norm = raw / mag;
    double mult = norm <= 1.0 + 1e-9 ? 1 : norm <= 2.0 + 1e-9 ? 2 : norm <= 5.0 + 1e-9 ? 5 : 10;
    double st = mult * mag;
    double f = floor(lo / st + 1e-9) * st;
    double l = ceil(hi / st - 1e-9) * st;
    if (l <= f)
        l = f + st;
    double cnt = floor((l - f) / st + 0.5) + 1;
    size_t n = cnt < 2 ? 2 : (size_t)cnt;
    *first = f == 0 ? 0.0 : f; /* no "-0" */
    *step = st;
    return n;
}

int safer_svg_step_decimals(double step)
{
    double m = fabs(step);
    for (int d = 0; d < 6; d++) {
        if (fabs(m - floor(m + 0.5)) < 1e-6 * (m > 1 ? m : 1))
            return d;
        m *= 10;
    }
    return 6;
}

/* ------------------------------------------------------------------- text */

/* Advance widths of Arial (= Helvetica, Liberation Sans) in 1/1000 em, ASCII 32..126. */
static const unsigned short arial[95] = {
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, /*  !"#$%&'()*+,-./ */
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556,                               /* 0-9 */
    278, 278, 584, 584, 584, 556, 1015,                                             /* :;<=>?@ */
    667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,                /* A-M */
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611,                /* N-Z */
    278, 278, 278, 469, 556, 333,                                                   /* [\]^_` */
    556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833,                /* a-m */
    556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500,                /* n-z */
    334, 260, 334, 584,                                                             /* {|}~ */
};

/*
 * Width in 1/1000 em of the character at s[0] (of `n` > 0 bytes) and its
 * length in bytes. Ill-formed bytes count as one wide character each: they
 * will be shown as U+FFFD.
 */
static unsigned char_width(const unsigned char *s, size_t n, size_t *len)
{
    unsigned c = s[0];
    if (c < 0x80) {
        *len = 1;
        return c >= 32 && c < 127 ? arial[c - 32] : 600;
    }
    size_t l = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    for (size_t i = 1; i < l; i++) {
        if (i >= n || (s[i] & 0xC0) != 0x80) {
            l = 1;
            break;
        }
    }
    *len = l;
    if (l == 3 && c >= 0xE3 && c <= 0xED)
        return 1000; /* CJK and other full-width scripts: U+3000 upwards */
    if (l == 3 && c == 0xE2 && s[1] == 0x80 && (s[2] == 0xA0 || s[2] == 0xA1))
        return 556; /* dagger, double dagger */
    return 600;
}

static double widthn(const char *s, size_t n, double font_px)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned long total = 0;
    size_t i = 0;
    while (i < n) {
        size_t len;
        total += char_width(p + i, n - i, &len);
        i += len;
    }
    return (double)total / 1000.0 * font_px * 1.04;
}

double safer_svg_text_width(const char *s, double font_px)
{
    return s ? widthn(s, strlen(s), font_px) : 0.0;
}

/* Bytes of the longest prefix of s[0..n) no wider than `max_px`, on a character boundary. */
static size_t fit_prefix(const char *s, size_t n, double font_px, double max_px)
{
    const unsigned char *p = (const unsigned char *)s;
    double w = 0, k = font_px / 1000.0 * 1.04;
    size_t i = 0;
    while (i < n) {
        size_t len;
        double cw = char_width(p + i, n - i, &len) * k;
        if (w + cw > max_px)
            break;
        w += cw;
        i += len;
    }
    return i;
}

size_t safer_svg_wrap(const char *s, double font_px, double max_px, size_t *starts, size_t *lens,
                      size_t max_lines)
{
    if (!s || max_lines == 0)
        return 0;
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), pos = 0, nl = 0;
    double k = font_px / 1000.0 * 1.04;

    while (nl < max_lines) {
        while (pos < n && s[pos] == ' ')
            pos++;
        if (pos >= n)
            break;
        size_t end, next;
        if (nl == max_lines - 1) {
            end = next = n; /* the last allowed line takes the rest */
        } else {
            double w = 0;
            size_t i = pos, brk = SIZE_MAX;
            while (i < n) {
                size_t len;
                double cw = char_width(p + i, n - i, &len) * k;
                if (s[i] == ' ')
                    brk = i;
                if (w + cw > max_px && i > pos)
                    break;
                w += cw;
                i += len;
            }
            if (i >= n) {
                end = next = n;
            } else if (brk != SIZE_MAX && brk > pos) {
                end = brk;
                next = brk + 1;
            } else {
                end = next = i; /* one long word: break anywhere */
            }
        }
        while (end > pos && s[end - 1] == ' ')
            end--;
        starts[nl] = pos;
        lens[nl] = end - pos;
        nl++;
        pos = next;
    }
    return nl;
}

#define WRAP_MAX 16

size_t safer_svg_text_lines(struct safer_buf *b, double x, double y, double font_px,
                            double line_px, double max_px, size_t max_lines, const char *anchor,
                            const char *cls, const char *s)
{
    size_t starts[WRAP_MAX], lens[WRAP_MAX];
    if (max_lines > WRAP_MAX)
        max_lines = WRAP_MAX;
    size_t nl = safer_svg_wrap(s, font_px, max_px, starts, lens, max_lines);

    for (size_t i = 0; i < nl; i++) {
        size_t len = lens[i];
        bool cut = false;
        if (widthn(s + starts[i], len, font_px) > max_px) {
            len = fit_prefix(s + starts[i], len, font_px, max_px - widthn("\xE2\x80\xA6", 3, font_px));
            while (len > 0 && s[starts[i] + len - 1] == ' ')
                len--;
            cut = true;
        }
        safer_html_raw(b, "<text");
        if (cls) {
            safer_html_raw(b, " class=\"");
            safer_html_attr(b, cls);
            safer_html_raw(b, "\"");
        }
        safer_html_raw(b, " x=\"");
        safer_svg_num(b, x);
        safer_html_raw(b, "\" y=\"");
        safer_svg_num(b, y + (double)i * line_px);
        safer_html_raw(b, "\" font-size=\"");
        safer_svg_num(b, font_px);
        safer_html_raw(b, "\"");
        if (anchor && strcmp(anchor, "middle") == 0)
            safer_html_raw(b, " text-anchor=\"middle\"");
        else if (anchor && strcmp(anchor, "end") == 0)
            safer_html_raw(b, " text-anchor=\"end\"");
        safer_html_raw(b, ">");
        safer_html_textn(b, s + starts[i], len);
        if (cut)
            safer_html_raw(b, "\xE2\x80\xA6");
        safer_html_raw(b, "</text>\n");
    }
    return nl;
}

/* ------------------------------------------------------------------ paths */

void safer_svg_path_init(struct safer_svg_path *p, struct safer_buf *b)
{
    p->b = b;
    p->x = p->y = p->sx = p->sy = 0;
    p->last = 0;
}

/* Write a number of a path, separated from the previous one only when needed. */
static void path_num(struct safer_svg_path *p, long long t, bool after_letter)
{
    if (!after_letter && t >= 0)
        safer_buf_put(p->b, " ", 1);
    put_tenths(p->b, t, true);
}

void safer_svg_path_move(struct safer_svg_path *p, long long x10, long long y10)
{
    if (p->last == 0) {
        safer_buf_put(p->b, "M", 1);
        path_num(p, x10, true);
        path_num(p, y10, false);
        p->last = 'M'; /* pairs after "M" would be absolute: the next line-to needs its "l" */
    } else {
        safer_buf_put(p->b, "m", 1);
        path_num(p, x10 - p->x, true);
        path_num(p, y10 - p->y, false);
        p->last = 'm';
    }
    p->x = p->sx = x10;
    p->y = p->sy = y10;
}

void safer_svg_path_line(struct safer_svg_path *p, long long x10, long long y10)
{
    bool letter = false;
    /* After "m" further pairs are implicit relative line-tos; after "l" too. */
    if (p->last != 'l' && p->last != 'm') {
        safer_buf_put(p->b, "l", 1);
        letter = true;
    }
    path_num(p, x10 - p->x, letter);
    path_num(p, y10 - p->y, false);
    p->x = x10;
    p->y = y10;
    p->last = 'l';
}

void safer_svg_path_close(struct safer_svg_path *p)
{
    safer_buf_put(p->b, "z", 1);
    p->x = p->sx;
    p->y = p->sy;
    p->last = 'z';
}

/* ------------------------------------------------------- the svg element */

static bool id_ok(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > SAFER_SVG_ID_MAX)
        return false;
    if (!((id[0] >= 'A' && id[0] <= 'Z') || (id[0] >= 'a' && id[0] <= 'z')))
        return false;
    for (size_t i = 1; i < n; i++) {
        char c = id[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return false;
    }
    return true;
}

int safer_svg_check_opts(const struct safer_svg_opts *opts, struct safer_err *err)
{
    if (!opts)
        return safer_err_set(err, SAFER_EINVAL, "figure options missing");
    if (!opts->title || !opts->title[0])
        return safer_err_set(err, SAFER_EINVAL, "figure has no title (needed as its accessible name)");
    if (opts->id && !id_ok(opts->id))
        return safer_err_set(err, SAFER_EINVAL,
                             "figure id must be a letter then letters, digits, '-' or '_', "
                             "at most %d bytes",
                             SAFER_SVG_ID_MAX);
    unsigned w = opts->width ? opts->width : SAFER_SVG_DEFAULT_WIDTH;
    if (w < SAFER_SVG_MIN_SIDE || w > SAFER_SVG_MAX_SIDE ||
        (opts->height && (opts->height < SAFER_SVG_MIN_SIDE || opts->height > SAFER_SVG_MAX_SIDE)))
        return safer_err_set(err, SAFER_EINVAL, "figure size %ux%u outside %d..%d px", w,
                             opts->height, SAFER_SVG_MIN_SIDE, SAFER_SVG_MAX_SIDE);
    return 0;
}

int safer_svg_begin(struct safer_buf *b, const struct safer_svg_opts *opts, double width,
                    double height, const char *desc, struct safer_err *err)
{
    int rc = safer_svg_check_opts(opts, err);
    if (rc < 0)
        return rc;
    const char *id = opts->id ? opts->id : "svg";
    unsigned w = (unsigned)ceil(width), h = (unsigned)ceil(height);
    if (opts->desc)
        desc = opts->desc;

    /* The id was checked to hold only [A-Za-z0-9_-]: safe in attributes as it is. */
    safer_buf_putf(b,
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"safer-figure\" width=\"%u\" "
                   "height=\"%u\" viewBox=\"0 0 %u %u\" style=\"max-width:100%%;height:auto\" "
                   "role=\"img\" aria-labelledby=\"%s-title\"",
                   w, h, w, h, id);
    if (desc)
        safer_buf_putf(b, " aria-describedby=\"%s-desc\"", id);
    safer_html_raw(b, " font-family=\"Arial, Helvetica, 'Liberation Sans', 'Nimbus Sans', "
                      "sans-serif\" font-size=\"");
    safer_svg_num(b, SAFER_SVG_FONT * safer_svg_scale(width));
    safer_html_raw(b, "\" fill=\"#0b0c0c\">\n<title id=\"");
    safer_buf_puts(b, id);
    safer_html_raw(b, "-title\">");
    safer_html_text(b, opts->title);
    safer_html_raw(b, "</title>\n");
    if (desc) {
        safer_html_raw(b, "<desc id=\"");
        safer_buf_puts(b, id);
        safer_html_raw(b, "-desc\">");
        safer_html_text(b, desc);
        safer_html_raw(b, "</desc>\n");
    }
    return 0;
}

void safer_svg_end(struct safer_buf *b)
{
    safer_html_raw(b, "</svg>\n");
}

int safer_svg_placeholder(struct safer_buf *b, const struct safer_svg_opts *opts,
                          const char *message, struct safer_err *err)
{
    int rc = safer_svg_check_opts(opts, err);
    if (rc < 0)
        return rc;
    double w = opts->width ? opts->width : SAFER_SVG_DEFAULT_WIDTH;
    double h = opts->height ? opts->height : fmax(SAFER_SVG_MIN_SIDE, floor(w / 4));
    double s = safer_svg_scale(w);
    if (!message)
        message = "No data to show";

    rc = safer_svg_begin(b, opts, w, h, message, err);
    if (rc < 0)
        return rc;
    safer_html_raw(b, "<rect class=\"safer-placeholder\" x=\"0.5\" y=\"0.5\" width=\"");
    safer_svg_num(b, w - 1);
    safer_html_raw(b, "\" height=\"");
    safer_svg_num(b, h - 1);
    safer_html_raw(b, "\" fill=\"#f3f2f1\" stroke=\"#b1b4b6\"/>\n");
    safer_svg_text_lines(b, w / 2, h / 2 + 5 * s, SAFER_SVG_FONT * s * 1.15, 18 * s, w - 20 * s, 3,
                         "middle", NULL, message);
    safer_svg_end(b);
    return safer_buf_error(b);
}
