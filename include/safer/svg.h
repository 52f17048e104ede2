/*
 * svg.h - charts and maps as inline SVG for the strategic assessment report.
 *
 * Each renderer appends one self-contained <svg> element to a struct
 * safer_buf: presentation attributes only (no <style>, no script, no external
 * references, no fonts to fetch), so it can be pasted into an HTML page, a
 * print stylesheet or a stand-alone .svg file. The element carries
 * width/height in px and a matching viewBox, plus style="max-width:100%;
 * height:auto", so it shrinks to the page width when printed on A4.
 *
 * Accessibility: the root has role="img" and aria-labelledby pointing at its
 * <title> (opts->title, required) and <desc> (opts->desc, or a generated
 * summary). Polygons, bars and series carry <title> tooltips. A chart is not
 * a substitute for a table: the caller publishes the numbers in an HTML
 * table next to it.
 *
 * Text from data (names, labels, captions) goes through safer_html_text() or
 * safer_html_attr(); nothing the caller passes is written unescaped. Numbers
 * are written from integers (coordinates rounded to 0.1 px), never with the
 * locale-dependent printf("%f"), so the same input gives the same bytes
 * whatever LC_NUMERIC says.
 *
 * Sizes: fonts are chosen for a width of about 680 px (the text width of an
 * A4 page at 96 px per inch), where labels print at 9-10 pt. A wider figure
 * scales its fonts by width / 680 so they print at the same size once the
 * figure is shrunk to the page.
 *
 * Errors: every renderer returns 0, SAFER_EINVAL for a bad argument (with
 * `err` naming it; nothing is written), SAFER_ETOOBIG when a limit below is
 * exceeded (nothing written), or the buffer's sticky error (SAFER_ETOOBIG once
 * the buffer's cap is reached, in which case the output is cut short). Empty
 * input (no series, no months, no bars, no polygons, no cells, or nothing but
 * NaN) is not an error: a placeholder of the requested size says "No data to
 * show".
 *
 * Hooks for page CSS and for tests: the scale bar, north arrow, attribution
 * and legend are <g>/<text> elements with class="safer-scale-bar",
 * "safer-north-arrow", "safer-attribution" and "safer-legend".
 */
#ifndef SAFER_SVG_H
#define SAFER_SVG_H

#include <stdbool.h>
#include <stddef.h>

#include "safer/buf.h"
#include "safer/error.h"
#include "safer/geom.h"

/* Limits (checked before anything is written). */
#define SAFER_SVG_MAX_SERIES 16   /* line chart series: colour x dash stays unique */
#define SAFER_SVG_MAX_CLASSES 7   /* choropleth classes */
#define SAFER_SVG_MIN_SIDE 120    /* px, smallest width or height accepted */
#define SAFER_SVG_MAX_SIDE 4000   /* px, largest width or height accepted */
#define SAFER_SVG_ID_MAX 32       /* bytes in opts->id */
#define SAFER_SVG_DEFAULT_WIDTH 680 /* px, when opts->width is 0 */
#define SAFER_SVG_STACK_BELOW 480   /* px: a narrower figure stacks its parts
                                     * (bar labels over their bars, a map's
                                     * legend under the map), see each renderer */

/* Options shared by every figure. Zero-initialise, then set what you need. */
struct safer_svg_opts {
    unsigned width;    /* px; 0 = 680 */
    unsigned height;   /* px; 0 = chosen from the content (see each renderer) */
    const char *id;    /* borrowed; prefix of the element ids, unique within
                        * the page: [A-Za-z][A-Za-z0-9_-]*, at most
                        * SAFER_SVG_ID_MAX bytes; NULL = "svg" */
    const char *title; /* borrowed; required: the accessible name, e.g.
                        * "Figure 3: all crime by month, Maidstone" */
    const char *desc;  /* borrowed; longer description; NULL = a generated one */
};

/* ------------------------------------------------------------------------ */
/* Line chart of monthly series.                                            */

struct safer_svg_series {
    const char *name;     /* borrowed; legend text and tooltip */
    const double *values; /* borrowed; one per month; NaN = missing (gap) */
};

/* Months first..last (inclusive, 0-based) shaded grey, labelled on top. */
struct safer_svg_month_range {
    size_t first, last;
    const char *label; /* borrowed; e.g. "Partial data"; may be NULL */
};

/* A dashed vertical line through month `month`, labelled on top. */
struct safer_svg_marker {
    size_t month;
    const char *label; /* borrowed; may be NULL */
};

struct safer_svg_line_chart {
    const char *const *months; /* borrowed; nmonths labels, e.g. "2018-10" or
                                  "October 2018" */
    size_t nmonths;
    const struct safer_svg_series *series; /* borrowed; nseries */
    size_t nseries;
    const char *y_label;       /* borrowed; e.g. "Crimes per month"; may be NULL */
    const struct safer_svg_month_range *shaded; /* borrowed; nshaded */
    size_t nshaded;
    const struct safer_svg_marker *markers;     /* borrowed; nmarkers */
    size_t nmarkers;
};

/*
 * Append a line chart: months along x (labels thinned to fit, aligned to
 * the calendar when they look like "YYYY-MM" or "October 2018"), a y axis
 * from 0 (lower when a value is negative) with 1-2-5 ticks, one line per
 * series in the Okabe-Ito palette, with dash patterns as well when there
 * are more than 4 series, and a legend on top. NaN leaves a gap; an
 * isolated value gets a dot. Shaded ranges and markers are drawn behind the
 * lines; the description names a shaded range by its length and last month
 * ("the 7 months to September 2018"). Default height: 0.55 x width.
 * EINVAL: NULL pointers with non-zero counts, a range or marker past the last
 * month, first > last. ETOOBIG: more than
 * SAFER_SVG_MAX_SERIES series.
 */
int safer_svg_line_chart(struct safer_buf *b, const struct safer_svg_opts *opts,
                         const struct safer_svg_line_chart *chart, struct safer_err *err);

/* ------------------------------------------------------------------------ */
/* Horizontal bar chart, optionally diverging around zero.                  */

struct safer_svg_bar {
    const char *label; /* borrowed; category, e.g. "Shoplifting" */
    double value;      /* NaN = no value ("no data" is written instead) */
    const char *note;  /* borrowed; short mark after the value, e.g. "*" or
                        * "\u2020"; NULL = none */
};

enum safer_svg_bar_style {
    SAFER_SVG_BAR_PLAIN = 0,  /* every bar blue */
    SAFER_SVG_BAR_DIVERGING,  /* increases vermillion, decreases blue, "+" shown */
};

struct safer_svg_bar_chart {
    const struct safer_svg_bar *bars; /* borrowed; drawn top to bottom in order */
    size_t nbars;
    enum safer_svg_bar_style style;
    int decimals;           /* digits after the point in value labels (0-6) */
    const char *unit;       /* borrowed; appended to value labels, e.g. "%"; may be NULL */
    const char *axis_label; /* borrowed; under the axis, e.g. "Change on 2018 (%)"; may be NULL */
    const char *footnote;   /* borrowed; under the chart, wrapped, e.g.
                             * "* statistically significant change"; may be NULL */
};

/*
 * Append a horizontal bar chart: category labels on the left (shortened with
 * an ellipsis past 40% of the width; the full text stays in the tooltip),
 * bars from a zero line, a value label past the end of each bar (the note
 * right after it), light vertical grid lines at the 1-2-5 ticks that fall
 * within the data's range (which the bars span, zero included), the axis label
 * and a wrapped footnote. A figure narrower than SAFER_SVG_STACK_BELOW puts
 * each category label on its own line above its bar, across the whole
 * width, so that labels are not cut short on a phone. Default height: 26 px
 * per bar (45 px stacked) plus axes and notes (capped at
 * SAFER_SVG_MAX_SIDE); a given height is shared out between the bars, which
 * may then be thin. A value label (number, unit, note) is cut at
 * 95 bytes. EINVAL: NULL bars with nbars > 0, bad style, decimals outside 0-6.
 */
int safer_svg_bar_chart(struct safer_buf *b, const struct safer_svg_opts *opts,
                        const struct safer_svg_bar_chart *chart, struct safer_err *err);

/* ------------------------------------------------------------------------ */
/* Maps. Geometry is in British National Grid metres (EPSG:27700): x is      */
/* easting, y is northing. North is up (grid north), one scale for both axes.*/

struct safer_svg_map_frame {
    const char *legend_title; /* borrowed; e.g. "Crimes per 1,000 residents"; may be NULL */
    const char *caption;      /* borrowed; wrapped under the map; may be NULL */
    const char *attribution;  /* borrowed; required, wrapped on the last lines, e.g.
                               * "Contains public sector information licensed under
                               * the Open Government Licence v3.0. Contains OS data
                               * \u00a9 Crown copyright and database right 2024" */
};

struct safer_svg_choropleth {
    const struct safer_geom *areas; /* borrowed; n polygons in EPSG:27700 metres */
    const double *values;           /* borrowed; n values; NaN = no data (hatched) */
    const char *const *names;       /* borrowed; n names for tooltips; may be NULL */
    const char *const *labels;      /* borrowed; n short labels drawn on the map,
                                     * entries may be NULL; NULL = no labels */
    size_t n;
    const double *breaks; /* borrowed; nbreaks ascending inner class limits,
                           * NULL = quantiles into 5 classes */
    size_t nbreaks;       /* classes = nbreaks + 1, at most SAFER_SVG_MAX_CLASSES */
    int decimals;         /* digits after the point in legend and tooltips (0-6) */
    const char *unit;     /* borrowed; appended to tooltip values; may be NULL */
    struct safer_svg_map_frame frame;
    /* Optional: n flags, non-zero for an area whose value is not published
     * (a public edition's "[c]"), or NULL for none. Such an area is drawn
     * cross-hatched, with the legend row SAFER_SVG_HIDDEN_LABEL and the
     * tooltip "name: [c] not published"; its value is never read, so that
     * neither its colour, the quantile classes, the tooltips nor the
     * description can give it away. */
    const unsigned char *hidden;
};

/* The legend's words for an area whose value is not published. */
#define SAFER_SVG_HIDDEN_LABEL "[c] not published"

/*
 * Append a choropleth map. A value v falls in class i, the number of limits
 * <= v, so limits belong to the class above them; the legend reads
 * "Under a", "a to under b", ..., "z and over" ("min to max" for a single
 * class) and shows "No data" (grey hatching) when a value is NaN, and
 * SAFER_SVG_HIDDEN_LABEL (grey cross-hatching) when an area is hidden; the
 * classes, extremes and counts of the description are of the areas shown.
 * Quantile limits are the values at ranks
 * floor(k n / 5) of the sorted finite values, k = 1..4, duplicates dropped,
 * so ties give fewer classes rather than empty ones. The palette is
 * ColorBrewer YlOrRd for the number of classes (colour-blind safe,
 * photocopy-friendly). Each polygon is one <path> (holes by the even-odd
 * rule) with a "name: value" tooltip; labels, when given (a number with a
 * key in the caller's table, say), are placed smallest area first, each at
 * the first spot from a point inside its polygon's largest part outwards
 * that overlaps no label already placed: inside the polygon when there is
 * room, else nearby with a thin leader line to it; a label with no room
 * within a few label heights is left out. The map fills the space left of a
 * legend column that also holds the north arrow and a scale bar of a round
 * length; caption (up to 6 lines) and attribution (up to 4) go underneath.
 * Default height: from the areas' aspect ratio, at least what the legend
 * column needs; a smaller given height lets the legend run into the scale
 * bar. EINVAL: NULL arrays with n > 0, no attribution, a
 * non-finite coordinate or a broken ring/part index in a polygon, breaks not
 * strictly ascending or not finite, decimals outside 0-6. ETOOBIG: more than
 * SAFER_SVG_MAX_CLASSES classes.
 */
int safer_svg_choropleth(struct safer_buf *b, const struct safer_svg_opts *opts,
                         const struct safer_svg_choropleth *map, struct safer_err *err);

/*
 * The inner class limits a choropleth draws `values` with when it is given
 * none (quantiles, as above): writes up to SAFER_SVG_MAX_CLASSES - 1
 * ascending limits to `breaks` and returns how many (0 when fewer than two
 * distinct finite values). Pass them back as the map's breaks, and to
 * safer_svg_class_label(), so that a caption or table states the classes
 * the map draws.
 */
size_t safer_svg_quantile_breaks(const double *values, size_t n,
                                 double breaks[SAFER_SVG_MAX_CLASSES - 1]);

/*
 * The legend text of class i (0-based) of a map with `nbreaks` inner limits
 * `breaks`, numbers rounded to `decimals` (0-6): "Under a", "a to under b",
 * ..., "z and over"; with no limits, the single class "lo to hi". Writes at
 * most `outsz` bytes (NUL included) to `out` and returns it.
 */
char *safer_svg_class_label(char *out, size_t outsz, const double *breaks, size_t nbreaks,
                            size_t i, double lo, double hi, int decimals);

/* ------------------------------------------------------------------------ */
/* Small multiples: one choropleth per variable over the same areas.        */

#define SAFER_SVG_MAX_PANELS 12

struct safer_svg_panel {
    const char *title;    /* borrowed; e.g. "Burglary" */
    const double *values; /* borrowed; one per area; NaN = no data (hatched) */
    const unsigned char *hidden; /* borrowed; one flag per area, non-zero = not
                                  * published, as a choropleth's; may be NULL */
};

struct safer_svg_small_multiples {
    const struct safer_geom *areas; /* borrowed; n polygons in EPSG:27700 metres */
    const char *const *names;       /* borrowed; n names for tooltips; may be NULL */
    const char *const *labels;      /* borrowed; n short labels drawn on every panel
                                     * (entries may be NULL); NULL = none */
    size_t n;
    const struct safer_svg_panel *panels; /* borrowed; drawn left to right, top to bottom */
    size_t npanels;
    int decimals;      /* digits after the point in legends and tooltips (0-6) */
    const char *unit;  /* borrowed; appended to tooltip values; may be NULL */
    struct safer_svg_map_frame frame; /* legend_title: what the values are, under
                                       * the panels' titles ("Records per 1,000
                                       * residents"); may be NULL */
};

/*
 * Append small multiples: a map of the same areas for each panel, at one
 * scale, two side by side (one a row in a figure narrower than
 * SAFER_SVG_STACK_BELOW). Each panel has its title over it, its own classes
 * (quantiles of its values, as safer_svg_choropleth(), so that each shows
 * where its variable is high; colours do not compare across panels), the
 * same YlOrRd palette, the labels placed as on a choropleth, and under it a
 * stepped colour bar with each class limit written at the step it makes
 * ("No data" hatched beside it when a value is NaN, and
 * SAFER_SVG_HIDDEN_LABEL when an area is hidden). One north arrow and
 * one scale bar serve every panel; caption and attribution go underneath.
 * Default height: from the areas' aspect ratio. EINVAL: as for a
 * choropleth, and NULL panels or a panel without values or title.
 * ETOOBIG: more than SAFER_SVG_MAX_PANELS panels.
 */
int safer_svg_small_multiples(struct safer_buf *b, const struct safer_svg_opts *opts,
                              const struct safer_svg_small_multiples *map, struct safer_err *err);

/*
 * Small multiples as separate figures, for a page that lays the panels out
 * itself (a grid that puts two side by side where they fit, one a row where
 * not, so that no figure is ever scaled down): panel `part` alone (0 to
 * npanels - 1; its title, map and colour bar, with no heading, north arrow
 * or scale bar), or with part == npanels the frame alone (north arrow,
 * scale bar, caption and attribution). Drawn at one width, every panel and
 * the frame have the same scale, the one-panel-a-row layout of
 * safer_svg_small_multiples(). The heading (frame.legend_title) is the
 * page's to write. EINVAL as safer_svg_small_multiples(), and a part past
 * npanels.
 */
int safer_svg_small_multiple(struct safer_buf *b, const struct safer_svg_opts *opts,
                             const struct safer_svg_small_multiples *map, size_t part,
                             struct safer_err *err);

/* Getis-Ord Gi* class of a grid cell, from hot to cold. */
enum safer_svg_gi_class {
    SAFER_SVG_GI_HOT99 = 0,
    SAFER_SVG_GI_HOT95,
    SAFER_SVG_GI_HOT90,
    SAFER_SVG_GI_NONE,     /* not significant */
    SAFER_SVG_GI_COLD90,
    SAFER_SVG_GI_COLD95,
    SAFER_SVG_GI_COLD99,
    SAFER_SVG_GI_NO_SCORE, /* no z-score, e.g. every cell had the same count */
    SAFER_SVG_GI_NCLASSES
};

/*
 * The class named `name` ("hot99", "hot95", "hot90", "none", "cold90",
 * "cold95", "cold99", "no_score"; exact, lowercase), or SAFER_EINVAL.
 */
int safer_svg_gi_class_from_name(const char *name);

/* The short name of `cls` ("hot99" ...), or NULL when out of range. */
const char *safer_svg_gi_class_name(enum safer_svg_gi_class cls);

/* The legend's text for `cls` ("Hot spot, 99% confidence" ...), or NULL when
 * out of range: a table that names classes uses it, so that the table and
 * the map say the same. */
const char *safer_svg_gi_class_label(enum safer_svg_gi_class cls);

struct safer_svg_class_style {
    const char *label; /* borrowed; the legend's text */
    const char *fill;  /* static; "#rrggbb", or NULL for hatching */
};
struct safer_svg_cell {
    double x, y; /* lower-left corner: easting, northing in metres */
    enum safer_svg_gi_class cls;
};

/* Text written in a cell of a hot spot map: the number of its row in a table, say. */
struct safer_svg_cell_label {
    double x, y;      /* lower-left corner of the cell, as in safer_svg_cell */
    const char *text; /* borrowed; short */
};

/* A rectangle in metres: easting and northing of two opposite corners. */
struct safer_svg_extent {
    double minx, miny, maxx, maxy;
};

struct safer_svg_hotspot_map {
    const struct safer_svg_cell *cells; /* borrowed; ncells squares */
    size_t ncells;
    double cell_size;                   /* metres, side of every cell (> 0) */
    const struct safer_geom *wards;     /* borrowed; nwards outlines, EPSG:27700 */
    const char *const *ward_names;      /* borrowed; nwards tooltips; may be NULL */
    size_t nwards;
    struct safer_svg_map_frame frame;   /* legend_title NULL = "Hot and cold
                                         * spots (Gi*)" */
    /* Optional (zero = none): */
    const struct safer_svg_extent *view; /* borrowed; show only this part, enlarged
                                          * (an inset): cells and wards are clipped
                                          * to it, and wards whose inside point
                                          * falls in it are named */
    const struct safer_svg_extent *mark; /* borrowed; outline this part (where an
                                          * inset enlarges) */
    const char *mark_label;              /* borrowed; written by the outline, e.g.
                                          * "Figure 8"; may be NULL */
    const struct safer_svg_cell_label *labels; /* borrowed; nlabels texts in cells */
    size_t nlabels;
    /* Optional: classes of another kind than Gi*'s (hot spots over time,
     * say): a cell's cls indexes styles[0 .. nstyles) (at most
     * SAFER_SVG_GI_NCLASSES), drawn in that order, each with its legend
     * text and fill (NULL: hatched as "No score"), every one in the legend.
     * NULL: the Gi* classes. */
    const struct safer_svg_class_style *styles;
    size_t nstyles;
};

/*
 * Append a hot spot map: cells filled by class on the RdBu diverging
 * palette (hot red, cold blue, not significant very light grey, no score
 * hatched), merged into runs along each row and one <path> per class to keep
 * the file small; ward outlines on top (no fill); legend, north arrow, scale
 * bar, caption and attribution as for the choropleth. The legend lists the
 * seven Gi* classes, plus "No score" when a cell has it. With a view, the
 * map shows that extent only (clipped), and names the wards inside it; a
 * mark is outlined in black with its label; cell labels are written in
 * bold in their cells, on a white halo. Default height: from the extent
 * of cells and wards (of the view, with one). EINVAL: NULL arrays with
 * counts, a class out of range, a non-finite corner, cell_size <= 0 or not
 * finite, no attribution, a broken ward geometry, a view or mark that is
 * not finite or has no area, a label without text.
 */
int safer_svg_hotspot_map(struct safer_buf *b, const struct safer_svg_opts *opts,
                          const struct safer_svg_hotspot_map *map, struct safer_err *err);

/* ------------------------------------------------------------------------ */
/* Building blocks, for figures of other shapes (used by the renderers).    */

/* Font sizes in px at a 680 px wide figure; multiply by safer_svg_scale(). */
#define SAFER_SVG_FONT 13.0       /* labels, legend */
#define SAFER_SVG_FONT_SMALL 12.0 /* tick labels, captions */
#define SAFER_SVG_FONT_TINY 11.0  /* attribution, notes */

/* The font scale for a figure `width` px wide: max(1, width / 680). */
double safer_svg_scale(double width);

/*
 * Estimated advance width in px of UTF-8 `s` set in Arial/Helvetica (or a
 * metric-compatible Liberation Sans or Nimbus Sans) at `font_px`, from
 * per-character widths, rounded up a little to be safe.
 */
double safer_svg_text_width(const char *s, double font_px);

/*
 * Split `s` into lines no wider than `max_px` at `font_px`, breaking at
 * spaces (a word longer than a line is broken anywhere, on a character
 * boundary). Writes the byte offset and length of each line to starts/lens
 * (up to `max_lines`; when there are more, the last one holds the rest and
 * is cut short with an ellipsis by safer_svg_text_lines). Returns the number
 * of lines (0 for NULL or empty `s`).
 */
size_t safer_svg_wrap(const char *s, double font_px, double max_px, size_t *starts, size_t *lens,
                      size_t max_lines);

/*
 * Append <text> lines of `s` (escaped) wrapped to `max_px`, the first baseline at
 * (x, y), each further line `line_px` lower, with text-anchor `anchor`
 * ("start", "middle" or "end") and optional `cls` class (NULL = none).
 * Returns the number of lines written (at most `max_lines`, itself capped
 * at 16); text that does not fit ends in an ellipsis.
 */
size_t safer_svg_text_lines(struct safer_buf *b, double x, double y, double font_px,
                            double line_px, double max_px, size_t max_lines, const char *anchor,
                            const char *cls, const char *s);

/*
 * Append `v` rounded to 0.1, shortest form: 12, 12.5, -0.5 (no exponent,
 * no locale). Non-finite values are written as 0.
 */
void safer_svg_num(struct safer_buf *b, double v);

/*
 * Format `v` for people into `out` (`outsz` >= 32 bytes): rounded to
 * `decimals` (0-6) digits, thousands separated by commas ("12,345.6"),
 * a leading "+" for positive values when `plus`, and "-" for negative ones
 * (never "-0"). Fewer decimals are used when a value is too large for
 * them; non-finite values and magnitudes of 9e15 or more give "n/a".
 * Locale-independent. Returns `out` (an empty string if outsz < 32).
 */
char *safer_svg_format_number(char *out, size_t outsz, double v, int decimals, bool plus);

/*
 * 1-2-5 ticks covering [lo, hi] with about `target` intervals: sets
 * *first, *step and returns the number of ticks (>= 2). The range is
 * widened to [first, first + (n - 1) * step]. lo == hi widens to one step.
 */
size_t safer_svg_nice_ticks(double lo, double hi, int target, double *first, double *step);

/* Digits after the point needed to print multiples of `step` exactly (0-6). */
int safer_svg_step_decimals(double step);

/* `v` px in tenths of a px, rounded; non-finite gives 0, huge values clamp. */
long long safer_svg_tenths(double v);

/*
 * Compact path data ("d"), coordinates in tenths of a px: the first point
 * absolute, everything after relative ("M12.5 30l3-4 .5 2z"), so that
 * neighbouring polygons that share vertices share them exactly.
 */
struct safer_svg_path {
    struct safer_buf *b;  /* borrowed */
    long long x, y;       /* current point */
    long long sx, sy;     /* start of the current subpath (where "z" returns) */
    char last;            /* last command written, 0 before the first */
};
void safer_svg_path_init(struct safer_svg_path *p, struct safer_buf *b);
void safer_svg_path_move(struct safer_svg_path *p, long long x10, long long y10);
void safer_svg_path_line(struct safer_svg_path *p, long long x10, long long y10);
void safer_svg_path_close(struct safer_svg_path *p);

/* Check `opts` as every renderer does: 0 or SAFER_EINVAL (see the fields). */
int safer_svg_check_opts(const struct safer_svg_opts *opts, struct safer_err *err);

/*
 * Check `opts`, then append the opening <svg> of a `width` x `height` px
 * figure (rounded up; the caller's opts->width/height are not consulted)
 * with its <title> and <desc>: opts->desc, else `desc` (NULL = no <desc>).
 * Close it with safer_svg_end(). Returns 0 or SAFER_EINVAL, writing nothing
 * on error.
 */
int safer_svg_begin(struct safer_buf *b, const struct safer_svg_opts *opts, double width,
                    double height, const char *desc, struct safer_err *err);
void safer_svg_end(struct safer_buf *b);

/*
 * Append a complete placeholder figure, a grey box saying `message`
 * (NULL = "No data to show"), of the size in `opts` (height 0 = width / 4).
 * Returns 0, SAFER_EINVAL or the buffer's error.
 */
int safer_svg_placeholder(struct safer_buf *b, const struct safer_svg_opts *opts,
                          const char *message, struct safer_err *err);

#endif
