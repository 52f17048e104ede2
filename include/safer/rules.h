/*
 * rules.h - the thresholds of the strategic assessment, in one place.
 *
 * Each rule is used twice: where a verdict is made (a month is partial, a
 * change is significant, ward totals cluster) and where the report states
 * it ("under 60% of the median", "adjusted p < 0.05"). Both read the same
 * struct safer_rules: the assessment keeps a copy of the rules it was
 * computed with (safer_assessment.rules), and the report takes its
 * verdicts and prints its numbers from that copy, so the text cannot
 * disagree with the figures.
 *
 * Not here: the Gi* class levels (adjusted p below 0.01, 0.05, 0.10). They
 * are part of the definition of the classes, whose names say them ("hot99"
 * is 99% confidence), so they are constants next to the classes in stats.h
 * (SAFER_GI_P99, SAFER_GI_P95, SAFER_GI_P90), read by both the
 * classification and the report. Nor are the LSOAs "in the most deprived
 * 20%" (IMD deciles 1 and 2), which a CSV column name states.
 */
#ifndef SAFER_RULES_H
#define SAFER_RULES_H

struct safer_rules {
    /*
     * A force-month is partial when its file has fewer data rows than this
     * fraction of the median rows of that force's stored months: 0 marks
     * no month partial, 1 every month under the median. Default 0.6.
     */
    double coverage_partial;
    /*
     * Coverage is also judged for each series of a force's months apart:
     * notifiable crime (every type but anti-social behaviour) and
     * anti-social behaviour (docs/assessment.md, Coverage). A month's usual
     * level of a series is the median, per day, of the same series in the
     * force's nearest months with a file: up to coverage_neighbours of
     * them on each side, no further than coverage_window months away
     * (defaults 3 and 6). A series with fewer than coverage_min_months
     * such months (default 3), or one the force publishes in none of its
     * months, is not judged for that month.
     */
    int coverage_neighbours;
    int coverage_window;
    int coverage_min_months;
    /*
     * A month is partial when a judged series falls under this fraction of
     * its usual level: crime rarely moves by a third in a month, so
     * coverage_crime is 0.8; anti-social behaviour swings with the season,
     * so coverage_asb is 0.5.
     */
    double coverage_crime;
    double coverage_asb;
    /*
     * ... and only when the shortfall is more than coverage_noise standard
     * deviations of a Poisson count with the usual level as its mean, so
     * that a series of a few records a month is not flagged by chance.
     * Default 3.
     */
    double coverage_noise;
    /*
     * A change test is significant when its Benjamini-Hochberg adjusted
     * p-value is below this (and both windows are complete). Default 0.05.
     */
    double change_alpha;
    /*
     * The summary says ward totals cluster in space when Moran's I's
     * one-sided p-value (row-standardised weights) is below this.
     * Default 0.05.
     */
    double clustering_alpha;
    /*
     * A ward's rate from fewer records than this is flagged as resting on
     * few records: below 10, the upper limit of its 95% interval is over
     * four times the lower. Default 10.
     */
    int rate_few_records;
    /*
     * The public edition hides every count from 1 to public_min - 1, and
     * the counts that would give them away. Default 5, the threshold most
     * UK police and council publications use.
     */
    int public_min;
};

/* Set `r` to the default rules (the values above). */
void safer_rules_init(struct safer_rules *r);

#endif
