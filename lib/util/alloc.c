/*
 * alloc.c - allocation that aborts instead of returning NULL, and a few
 * small helpers shared across the library.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "../internal.h"

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
    if (n >= HUGE_ALLOC) {
        void *p = NULL;
        if (posix_memalign(&p, HUGE_PAGE, n) != 0 || !p)
            oom(n);
        madvise(p, n - n % HUGE_PAGE, MADV_HUGEPAGE);
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
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom(n * size);
    return p;
}

void *safer__xrealloc(void *p, size_t n)
{
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
