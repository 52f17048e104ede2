/*
 * fuzz_knox_events.c - the near-repeat test's event reader (bytes in,
 * events or a FILE:LINE message out), then the test itself on what was
 * read, with few permutations: everything freed.
 */
#include "util/compat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "safer/nearrepeat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    FILE *f = fmemopen((void *)data, size, "rb");
    if (!f)
        return 0;
    double *x, *y;
    int64_t *t;
    size_t n;
    struct safer_err err = {0};
    if (safer_knox_read_events(f, "fuzz.csv", &x, &y, &t, &n, &err) == 0) {
        static const double space[] = {0, 1, 200, 1000}, time[] = {0, 1, 7};
        struct safer_knox_opts o = {space, 4, time, 3, 3, 1, 1};
        struct safer_knox k;
        if (n <= 500 && safer_knox_compute(x, y, t, n, &o, &k, &err) == 0)
            safer_knox_release(&k);
        else if (n <= 500)
            safer_knox_release(&k);
        free(x);
        free(y);
        free(t);
    }
    fclose(f);
    return 0;
}
