/*
 * fuzz_survey_map.c - the survey mapping reader (survey.h): bytes in, a
 * checked mapping or a message out, everything freed.
 */
#include "util/compat.h"

#include <stdint.h>
#include <stdlib.h>

#include "safer/survey.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct safer_survey_map *m = NULL;
    struct safer_err err = {0};
    if (safer_survey_map_parse((const char *)data, size, "fuzz.json", &m, &err) == 0)
        safer_survey_map_free(m);
    return 0;
}
