/*
 * concern.c - the public-concern component of a candidate priority's score
 * (survey.h, docs/plan.md "scoring"): the latest survey wave's weighted
 * percentage finding each police.uk category "a problem", scaled so that
 * the category of most concern scores 100.
 *
 * Only the overall estimates are used: a category's concern is the
 * partnership's, like its volume and trend. A category no question asks
 * about is scored neutral (the mean of those asked about), so that being
 * left out of a questionnaire neither raises nor lowers a category against
 * the others on average.
 */
#include "util/compat.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "safer/plan.h"
#include "safer/survey.h"

/* Does `line` appear as one whole line of `lines`? */
static bool has_line(const char *lines, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = lines; *p;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && memcmp(p, line, n) == 0)
            return true;
        if (!e)
            break;
        p = e + 1;
    }
    return false;
}

void safer_survey_concern(const struct safer_survey_results *r, struct safer_survey_concern *out)
{
    memset(out, 0, sizeof(*out));
    out->max = NAN;
    out->neutral = NAN;
    if (!r || r->nwaves == 0)
        return;
    out->wave = r->waves[r->nwaves - 1].name;
    /* The categories in safer_plan_categories' order (the importer admits
     * no other name), each with the highest pct of the questions naming it. */
    for (size_t k = 0; safer_plan_categories[k] && out->n < SAFER_SURVEY_MAX_CONCERN; k++) {
        const char *cat = safer_plan_categories[k];
        const struct safer_survey_row *best = NULL;
        for (size_t i = 0; i < r->nrows; i++) {
            const struct safer_survey_row *x = &r->rows[i];
            if (strcmp(x->wave, out->wave) != 0 || *x->domain || !x->concern ||
                !isfinite(x->e.p) || !has_line(x->concern, cat))
                continue;
            if (!best || x->e.p > best->e.p)
                best = x;
        }
        if (!best)
            continue;
        out->category[out->n] = cat;
        out->question[out->n] = best->question;
        out->pct[out->n] = best->e.p;
        out->n++;
    }
    if (out->n == 0)
        return;
    out->max = 0;
    for (size_t k = 0; k < out->n; k++)
        out->max = out->pct[k] > out->max ? out->pct[k] : out->max;
    double sum = 0;
    for (size_t k = 0; k < out->n; k++) {
        out->component[k] = out->max > 0 ? 100.0 * out->pct[k] / out->max : 0;
        sum += out->component[k];
    }
    out->neutral = sum / (double)out->n;
}

double safer_survey_concern_component(const struct safer_survey_concern *c,
                                      const char *category, bool *asked)
{
    *asked = false;
    if (c->n == 0)
        return NAN;
    for (size_t k = 0; k < c->n; k++)
        if (strcmp(c->category[k], category) == 0) {
            *asked = true;
            return c->component[k];
        }
    return c->neutral;
}
