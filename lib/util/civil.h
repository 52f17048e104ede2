/*
 * civil.h - calendar dates as counts of days (the proleptic Gregorian
 * calendar; day 0 is 1970-01-01, a Thursday), for records dated to the
 * day such as service visits. No time zones: a date is the one written.
 */
#ifndef SAFER_UTIL_CIVIL_H
#define SAFER_UTIL_CIVIL_H

#include <stdint.h>

/* Days since 1970-01-01 of year y, month m (1..12), day d (1..31). */
int32_t safer__days_from_civil(int y, int m, int d);
/* And back. */
void safer__civil_from_days(int32_t z, int *y, int *m, int *d);
/* 0 Monday .. 6 Sunday. */
int safer__weekday(int32_t z);

#endif
