/*
 * period.c - the periods an indicator is reported by, and their names:
 * a month "2019-04", a calendar quarter "2019-Q2" (April to June), and
 * rolling 12 months named by their last month, "2019-04" for May 2018 to
 * April 2019 (docs/workspace.md, Indicators).
 */
#include "util/compat.h"

#include <stdio.h>
#include <string.h>

#include "util/internal.h"

static const char *const KINDS[] = {"month", "quarter", "rolling12"};

int safer__period_kind(const char *name)
{
    for (int k = 0; name && k < 3; k++) {
        if (strcmp(name, KINDS[k]) == 0)
            return k;
    }
    return -1;
}

const char *safer__period_kind_name(int kind)
{
    return kind >= 0 && kind < 3 ? KINDS[kind] : NULL;
}

void safer__period_span(int kind, int32_t month, int32_t *first, int32_t *last)
{
    switch (kind) {
    case SAFER__PERIOD_QUARTER:
        *first = month - month % 3;
        *last = *first + 2;
        break;
    case SAFER__PERIOD_ROLLING12:
        *first = month - 11;
        *last = month;
        break;
    default:
        *first = *last = month;
        break;
    }
}

void safer__period_label(int kind, int32_t month, char out[SAFER__PERIOD_LABEL])
{
    if (kind == SAFER__PERIOD_QUARTER) {
        char m[8];
        safer__format_month(month, m);
        snprintf(out, SAFER__PERIOD_LABEL, "%.4s-Q%d", m, (int)(month % 12) / 3 + 1);
        return;
    }
    safer__format_month(month, out);
}

int safer__period_parse(int kind, const char *text, int32_t *month)
{
    size_t n = text ? strlen(text) : 0;
    int m = -1;
    if (n == 10 && text[7] == '-' && text[8] >= '0' && text[8] <= '3' && text[9] >= '0' &&
        text[9] <= '9') {
        /* A date: the period it falls in (its day is checked against the month). */
        static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        m = safer__parse_month(text, 7);
        int d = (text[8] - '0') * 10 + (text[9] - '0');
        if (m >= 0) {
            int y = m / 12, mo = m % 12;
            int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            int max = mo == 1 && !leap ? 28 : days[mo];
            if (d < 1 || d > max)
                m = -1;
        }
    } else if (kind == SAFER__PERIOD_QUARTER && n == 7 && text[4] == '-' && text[5] == 'Q' &&
               text[6] >= '1' && text[6] <= '4') {
        /* The quarter's first month: "YYYY-01", "-04", "-07" or "-10". */
        static const char *const firsts[] = {"-01", "-04", "-07", "-10"};
        char first[8];
        memcpy(first, text, 4);
        memcpy(first + 4, firsts[text[6] - '1'], 4);
        m = safer__parse_month(first, 7);
    } else if (n == 7) {
        m = safer__parse_month(text, 7);
    }
    if (m < 0 || m < safer__month_index(1990, 1) || m > safer__month_index(2100, 12))
        return -1;
    if (kind == SAFER__PERIOD_QUARTER)
        m -= m % 3;
    *month = m;
    return 0;
}
