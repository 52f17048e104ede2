/*
 * fuzz_geojson.c - the streaming GeoJSON reader: bytes in, areas out, freed.
 */
#include "util/compat.h"

#include <stdint.h>
#include <stdlib.h>

#include "safer/area.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct safer_area *a = NULL;
    size_t n = 0;
    struct safer_areas_stats st;
    struct safer_err err = {0};
    if (safer_areas_parse((const char *)data, size, "fuzz.geojson", NULL, &a, &n, &st, &err) == 0)
        safer_areas_free(a, n);
    return 0;
}
