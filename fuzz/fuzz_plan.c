/*
 * fuzz_plan.c - the plan reader: bytes in, a checked plan or a message out,
 * everything freed.
 */
#include "util/compat.h"

#include <stdint.h>
#include <stdlib.h>

#include "safer/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct safer_plan p;
    struct safer_err err = {0};
    if (safer_plan_parse((const char *)data, size, "fuzz.json", &p, &err) == 0)
        safer_plan_release(&p);
    return 0;
}
