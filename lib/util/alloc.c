/*
 * alloc.c - allocation that aborts instead of returning NULL, and a few
 * small helpers shared across the library.
 */
#include "util/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "util/internal.h"

static void oom(size_t n)
{
    fprintf(stderr, "safer: out of memory allocating %zu bytes\n", n);
    abort();
}

/*
 * Arrays of a record per element run to tens of megabytes. Touching them
 * page by page costs a fault per 4 KiB; asking for transparent huge pages
 * costs one per 2 MiB. The memory is still freed with free().
 */
#define HUGE_ALLOC (4u << 20)
#define HUGE_PAGE (2u << 20)

void *safer__xmalloc(size_t n)
{
    if (safer__fault(SAFER_FAULT_ALLOC))
        oom(n);
    if (n >= HUGE_ALLOC) {
        void *p = NULL;
        if (posix_memalign(&p, HUGE_PAGE, n) != 0 || !p)
            oom(n);
#if defined(MADV_HUGEPAGE) /* Linux; elsewhere the pages are just ordinary */
        madvise(p, n - n % HUGE_PAGE, MADV_HUGEPAGE);
#endif
        return p;
    }
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *safer__xcalloc(size_t n, size_t size)
{
    size_t bytes;
    if (safer__size_mul(n, size, &bytes) && bytes >= HUGE_ALLOC) {
        void *p = safer__xmalloc(bytes);
        memset(p, 0, bytes);
        return p;
    }
    if (safer__fault(SAFER_FAULT_ALLOC))
        oom(n * size);
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom(n * size);
    return p;
}

void *safer__xrealloc(void *p, size_t n)
{
    if (safer__fault(SAFER_FAULT_ALLOC))
        oom(n);
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

void *safer__xreallocarray(void *p, size_t n, size_t size)
{
    size_t bytes;
    if (!safer__size_mul(n, size, &bytes))
        oom(SIZE_MAX);
    return safer__xrealloc(p, bytes);
}

char *safer__xstrndup(const char *s, size_t n)
{
    char *p = safer__xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *safer__xstrdup(const char *s) { return safer__xstrndup(s, strlen(s)); }

void safer__grow(void **items, size_t size, size_t *cap, size_t need)
{
    if (need <= *cap)
        return;
    size_t n = *cap ? *cap : 16;
    while (n < need) {
        if (!safer__size_mul(n, 2, &n))
            oom(SIZE_MAX);
    }
    *items = safer__xreallocarray(*items, n, size);
    *cap = n;
}

int safer__parse_month(const char *p, size_t n)
{
    if (n != 7 || p[4] != '-')
        return -1;
    int y = 0;
    for (int i = 0; i < 4; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        y = y * 10 + (p[i] - '0');
    }
    if (p[5] < '0' || p[5] > '9' || p[6] < '0' || p[6] > '9')
        return -1;
    int m = (p[5] - '0') * 10 + (p[6] - '0');
    if (m < 1 || m > 12 || y < 1900)
        return -1;
    return safer__month_index(y, m);
}

void safer__format_month(int mi, char out[8])
{
    unsigned y = (unsigned)(mi / 12) % 10000u, m = (unsigned)(mi % 12) + 1u;
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '\0';
}

void safer__fmt_double(double v, char out[32])
{
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(out, 32, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            return;
    }
}

long safer__find_str(char *const *v, size_t n, const char *key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(v[mid], key);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/*
 * The fast path for a plain decimal ("-0.513191"): at most 15 digits and 22
 * decimals make the mantissa and the power of ten exact doubles, so one
 * division, correctly rounded, gives exactly what strtod would (Clinger's
 * fast path). Returns 0 with *out set, or -1 to fall back to strtod.
 */
int safer__fast_decimal(const char *p, size_t n, double *out)
{
    static const double P10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    size_t i = 0;
    int neg = 0;
    if (i < n && (p[i] == '-' || p[i] == '+'))
        neg = p[i++] == '-';
    uint64_t m = 0;
    int digits = 0, decimals = 0, dot = 0;
    for (; i < n; i++) {
        char c = p[i];
        if (c >= '0' && c <= '9') {
            m = m * 10 + (uint64_t)(c - '0');
            digits++;
            decimals += dot;
        } else if (c == '.' && !dot) {
            dot = 1;
        } else {
            return -1;
        }
    }
    if (digits == 0 || digits > 15 || decimals > 15)
        return -1;
    double v = (double)m / P10[decimals];
    *out = neg ? -v : v;
    return 0;
}
