/*
 * rules.c - the assessment's default thresholds.
 *
 * A month under 60% of its force's median is partial, as Kent's 2018-12
 * file (8,438 rows against about 16,000) is; a change or a clustering is
 * called significant at the conventional 5% level (docs/assessment.md).
 */
#include "util/compat.h"

#include "safer/rules.h"

void safer_rules_init(struct safer_rules *r)
{
    r->coverage_partial = 0.6;
    r->change_alpha = 0.05;
    r->clustering_alpha = 0.05;
}
