/*
 * file.c - reading a whole file into memory under a size limit.
 */
#include "util/compat.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/internal.h"

int safer__read_file(const char *path, unsigned long long limit, const char *limit_name,
                     char **out, size_t *len, struct safer_err *err)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return safer_err_set(err, SAFER_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fileno(f), &sb) < 0 || !S_ISREG(sb.st_mode)) {
        fclose(f);
        return safer_err_set(err, SAFER_EIO, "%s: not a regular file", path);
    }
    if ((unsigned long long)sb.st_size > limit) {
        fclose(f);
        return safer_err_set(err, SAFER_ETOOBIG, "%s: larger than %llu bytes (limit %s)", path,
                             limit, limit_name);
    }
    size_t n = (size_t)sb.st_size;
    char *buf = safer__xmalloc(n + 1);
    if (n && fread(buf, 1, n, f) != n) {
        int e = errno;
        free(buf);
        fclose(f);
        return safer_err_set(err, SAFER_EIO, "%s: cannot read: %s", path, strerror(e));
    }
    buf[n] = '\0';
    fclose(f);
    *out = buf;
    *len = n;
    return 0;
}
