/*
 * rules.c - the assessment's default thresholds.
 *
 * A month under 60% of its force's median is partial, as Kent's 2018-12
 * file (8,438 rows against about 16,000) is; so is a month whose
 * notifiable crime falls under 80% of its usual level (crime rarely moves
 * by a third in a month), or whose anti-social behaviour, which swings
 * with the season, falls under half of its own, by more than three
 * standard deviations of chance: Kent's 2018-11 file, whose crime is
 * 11,690 against about 15,000 in the months around it while its ASB is
 * steady. A change or a clustering is called significant at the
 * conventional 5% level (docs/assessment.md). A rate from fewer than ten
 * records is flagged: below ten the upper limit of its 95% interval is
 * over four times the lower (at 9 records, 4.1 to 17.1). The public
 * edition hides counts of 1 to 4, as police and council publications in
 * the UK commonly do.
 */
#include "util/compat.h"

#include "safer/rules.h"

void safer_rules_init(struct safer_rules *r)
{
    r->coverage_partial = 0.6;
    r->coverage_neighbours = 3;
    r->coverage_window = 6;
    r->coverage_min_months = 3;
    r->coverage_crime = 0.8;
    r->coverage_asb = 0.5;
    r->coverage_noise = 3;
    r->change_alpha = 0.05;
    r->clustering_alpha = 0.05;
    r->rate_few_records = 10;
    r->public_min = 5;
}
