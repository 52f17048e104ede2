/*
 * fuzz_police_csv.c - the police.uk row parser: bytes in, parsed and
 * encoded publication blobs out, everything freed.
 */
#include "util/compat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "import/police_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The parser reads files: write the bytes to one, as the import does. */
    char path[] = "/tmp/fuzz-police-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 0;
    if (size && write(fd, data, size) != (ssize_t)size) {
        close(fd);
        unlink(path);
        return 0;
    }
    close(fd);
    struct safer__pfile f;
    memset(&f, 0, sizeof(f));
    f.path = path;
    uint64_t rows = 0;
    safer__police_parse_file(&f, 0, &rows, NULL);
    safer__pfile_release(&f);
    unlink(path);
    return 0;
}
