/*
 * indicator.h - a partnership's indicators: the measures its plan tracks
 * progress by, each with a target, thresholds, a status per period, a
 * trend chart and comments (docs/workspace.md, Indicators).
 *
 * An indicator belongs to one partnership and, by key, to one of its plan's
 * priorities and one of its groups (keys outlive a re-import of the plan).
 * It is either
 *  - computed from the store: records of some police.uk categories (none
 *    named: all) in one ward or the partnership's whole area, as a count or
 *    a rate per 1,000 residents, per month, per quarter or over rolling 12
 *    months; its value for a period equals what `safer assess` reports for
 *    the same wards, categories and months (the count table, counts.h, and
 *    the assessment's populations; no publication is decoded); or
 *  - manual: values typed in per period, in a unit the indicator names; or
 *  - survey: the residents' survey (survey.h): the weighted per cent of
 *    respondents who give a counted answer to one question (its key), in
 *    the whole area or in one ward (a domain of the wave's one raked
 *    design), one point per stored wave that asks it, ordered by the
 *    wave's name; each point equals safer_survey_find()'s row for the same
 *    question, wave and domain exactly (100 x p, with the 95% interval,
 *    the base and the small-base warning). A question no stored wave asks
 *    yet is accepted: the series is empty until one does.
 *
 * A period is named by text: a month "2019-04", a calendar quarter
 * "2019-Q2" (April to June), or for rolling 12 months the last month,
 * "2019-04" meaning May 2018 to April 2019. A survey indicator's period is
 * the wave, named by the wave's name ("2023").
 *
 * The status of a period (RAG): variance = (value - target) / target x 100,
 * its sign turned round when up is good, so that a positive variance is
 * always worse than target; green when variance <= amber, amber when
 * variance <= red, red above. No status without a target, for a period
 * without all its months of data (partial), or for a suppressed point.
 *
 * Access (auth.h): defining and changing indicators, entering values and
 * comments need SAFER_PERM_EDIT_INDICATOR; lists and series
 * SAFER_PERM_VIEW_AGGREGATE, and a computed point whose count lies from 1
 * to public_min - 1 is suppressed (no count, value, variance or status)
 * unless the role may SAFER_PERM_VIEW_UNSUPPRESSED; so is a survey point
 * of one ward on a base under SAFER_SURVEY_SMALL_BASE, as the survey
 * estimates leave it out for such roles. Each call re-reads the
 * actor's role inside its one transaction and writes the audit row of a
 * change (or a refusal) there. An indicator of another partnership is
 * SAFER_ENOTFOUND, never SAFER_EDENIED.
 *
 * Strings and arrays handed back live in the caller's arena. A form's
 * mistakes name its fields: title, kind, priority_key, group_key,
 * categories, ward, measure, period, good, target, amber, red, unit,
 * question; a
 * value's period and value; a comment's period and note.
 */
#ifndef SAFER_INDICATOR_H
#define SAFER_INDICATOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "safer/account.h"
#include "safer/action.h"
#include "safer/arena.h"
#include "safer/buf.h"
#include "safer/error.h"
#include "safer/svg.h"

/* Limits on what a form may hold. */
#define SAFER_INDICATOR_TITLE_MAX 300
#define SAFER_INDICATOR_UNIT_MAX 60
#define SAFER_INDICATOR_QUESTION_MAX 64
#define SAFER_INDICATOR_NOTE_MAX 10000
/* Thresholds are variances in per cent, within +-this. */
#define SAFER_INDICATOR_THRESHOLD_MAX 1000.0

/* The status of a period. */
enum safer_rag { SAFER_RAG_NONE = 0, SAFER_RAG_GREEN, SAFER_RAG_AMBER, SAFER_RAG_RED };
/* "none", "green", "amber", "red". */
const char *safer_rag_name(enum safer_rag rag);
/* The words a page shows: "No status", "Green", "Amber", "Red". */
const char *safer_rag_label(enum safer_rag rag);

/*
 * The status of `value` against `target` (> 0) with thresholds amber < red
 * (per cent), up_is_good as the indicator says; *variance (may be NULL)
 * gets the variance, positive when worse. SAFER_RAG_NONE, variance NaN,
 * when value or target is not a finite number or target is not above 0.
 */
enum safer_rag safer_indicator_rag(double value, double target, double amber, double red,
                                   bool up_is_good, double *variance);

/* What a person fills in: text as the form posts it. */
struct safer_indicator_fields {
    const char *title;
    const char *kind;         /* "computed", "manual" or "survey" */
    const char *priority_key; /* a priority of the partnership's plan, or NULL/"" */
    const char *group_key;    /* a group of the partnership's plan, or NULL/"" */
    const char *const *categories; /* computed: police.uk categories, none for all */
    size_t ncategories;
    const char *ward;    /* computed, survey: a ward code of the area, or NULL/"" for
                            the whole area */
    const char *measure; /* "count" or "rate" (computed; manual ones are "count");
                            survey: "percent", or NULL/"" */
    const char *period;  /* "month", "quarter" or "rolling12"; survey: "wave" or NULL/"" */
    const char *good;    /* "down" or "up" */
    const char *target;  /* a number above 0 (survey: up to 100), or NULL/"" for none */
    const char *amber, *red; /* variances in per cent, amber < red */
    const char *unit;    /* manual: what the values are ("%", "people"), or NULL;
                            a survey indicator's is "%" */
    const char *question; /* survey: the question's key (letters, digits, '_', '-';
                             up to SAFER_INDICATOR_QUESTION_MAX), required */
};

/* One period of an indicator's series. */
struct safer_indicator_point {
    const char *period;  /* "2019-04", "2019-Q2"; for rolling 12 months the last month */
    int32_t first, last; /* the months it covers (month indexes, inclusive) */
    int months;          /* months in the period: 1, 3 or 12 */
    int months_with_data; /* computed: of those, months the store holds data for */
    bool partial;        /* computed: a month without data; no status */
    bool suppressed;     /* a count from 1 to public_min - 1 not shown: no count,
                            population, value, variance or status */
    int64_t count;       /* computed: records; 0 when suppressed */
    double population;   /* rate: residents of the ward or area; NaN without */
    double value;        /* the count, the rate per 1,000 (not annualised), or the
                            value entered; NaN when there is none */
    double variance;     /* per cent, positive when worse; NaN without a status */
    enum safer_rag rag;
    /* Survey: the 95% confidence interval of value (per cent; NaN when
     * none or suppressed), the respondents in the base (0 when suppressed)
     * and the small-base warning (base < SAFER_SURVEY_SMALL_BASE). The
     * value is 100 x the weighted proportion; first, last and months are 0. */
    double lo, hi;
    int64_t base;
    bool small;
};

struct safer_indicator {
    int64_t id;
    const char *key; /* the plan file's id, or NULL */
    const char *title;
    const char *kind;
    const char *priority_key, *group_key; /* or NULL */
    const char **categories;              /* none: every category */
    size_t ncategories;
    const char *ward; /* "" for the whole area */
    const char *measure, *period, *good;
    bool has_target;
    double target, amber, red;
    const char *unit; /* or NULL */
    const char *question; /* survey: the question's key; else NULL */
    const char *question_label; /* survey: its label in the latest stored wave that
                                   asks it ("feel safe in their area at night"), or
                                   NULL when none does yet */
    int64_t version;
    const char *updated_at;
    /* From safer_indicator_list(): the latest period with a status, else
     * the latest period (has_latest false when the series is empty). */
    bool has_latest;
    struct safer_indicator_point latest;
};

struct safer_indicator_comment {
    int64_t id;
    const char *period;
    const char *at;     /* when it was written, UTC */
    const char *author; /* name, "operator", or NULL for a role that may not
                           see names (SAFER_PERM_VIEW_PLAN) */
    const char *note;
};

/* What lists and series show. Zero for the defaults. */
struct safer_indicator_query {
    const char *priority_key, *group_key; /* list only: a filter, or NULL */
    bool off_target;   /* list only: those whose latest status is amber or red */
    int64_t public_min; /* suppression threshold; 0: the rules' default (5) */
    bool suppress;      /* suppress as for a role that may not view-unsuppressed,
                           whatever the actor's role: a document for such readers
                           (the scrutiny committee's pack, pack.h) */
};

/*
 * Define an indicator in the actor's partnership. A form's mistakes go into
 * `fe` (every one, in the form's order) with SAFER_EINVAL, and nothing is
 * saved: an unknown category, a ward outside the area, a priority or group
 * the plan does not have are mistakes like the rest.
 */
int safer_indicator_add(struct safer_store *st, const struct safer_actor *actor,
                        const struct safer_indicator_fields *f, int64_t now, int64_t *id,
                        struct safer_field_errors *fe, struct safer_err *err);

/* Change an indicator's definition. `version` is the version the form was
 * built from: SAFER_ECONFLICT when someone changed it since. Its kind does
 * not change. */
int safer_indicator_change(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                           int64_t version, const struct safer_indicator_fields *f, int64_t now,
                           struct safer_field_errors *fe, struct safer_err *err);

/*
 * Enter a manual indicator's value for a period: `period` names it as the
 * indicator's periods are named, or is a date "YYYY-MM-DD" in it. A value
 * entered before for the same period is replaced; the audit row keeps both.
 */
int safer_indicator_set_value(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                              const char *period, const char *value, int64_t now,
                              struct safer_field_errors *fe, struct safer_err *err);

/* Add a comment on a period of an indicator (computed or manual). */
int safer_indicator_comment(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                            const char *period, const char *note, int64_t now,
                            struct safer_field_errors *fe, struct safer_err *err);

/*
 * The partnership's indicators matching `q` (may be NULL), in the order
 * they were defined, each with its latest point (a dashboard's "indicators
 * off target" is q->off_target). One read transaction: the caller's when
 * one is open (the assessment's snapshot), else its own.
 */
int safer_indicator_list(struct safer_store *st, const struct safer_actor *actor,
                         const struct safer_indicator_query *q, int64_t now,
                         struct safer_arena *arena,
                         struct safer_indicator **out, size_t *n, struct safer_err *err);

/*
 * One indicator, its series (oldest period first) and its comments (newest
 * first). A computed indicator has one point per period over the months
 * from the first to the last the store holds a police.uk file of the
 * area's forces for; a manual one a point per period entered.
 */
int safer_indicator_get(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                        const struct safer_indicator_query *q, int64_t now,
                        struct safer_arena *arena,
                        struct safer_indicator *out, struct safer_indicator_point **points,
                        size_t *npoints, struct safer_indicator_comment **comments,
                        size_t *ncomments, struct safer_err *err);

/* A question of the stored survey waves, for a form's choice. */
struct safer_indicator_question {
    const char *key, *label; /* the label of the latest wave (by name) that asks it */
};

/* The questions the stored survey waves ask (SAFER_PERM_VIEW_AGGREGATE),
 * by label; strings and the array in `arena`. */
int safer_indicator_questions(struct safer_store *st, const struct safer_actor *actor,
                              int64_t now, struct safer_arena *arena,
                              struct safer_indicator_question **out, size_t *n,
                              struct safer_err *err);

/* A ward of the partnership's area, for a form's choice of ward. */
struct safer_indicator_ward {
    const char *code, *name;
};

/* The wards of the actor's partnership's area (SAFER_PERM_VIEW_AGGREGATE),
 * by code; strings and the array in `arena`. */
int safer_indicator_wards(struct safer_store *st, const struct safer_actor *actor, int64_t now,
                          struct safer_arena *arena, struct safer_indicator_ward **out, size_t *n,
                          struct safer_err *err);

/*
 * A small trend chart of a series as one <svg> element (svg.h's rules:
 * role="img", <title> and <desc>): the target as a dashed line, each point
 * a dot coloured by its status, partial and suppressed points hollow and
 * named in their tooltips. The page gives the table of the numbers beside
 * it. Errors as svg.h's renderers.
 */
int safer_indicator_svg(struct safer_buf *b, const struct safer_indicator *ind,
                        const struct safer_indicator_point *points, size_t n,
                        const struct safer_svg_opts *opts, struct safer_err *err);

#endif
