/*
 * file.c - opening input files without blocking, and reading a whole file
 * into memory under a size limit.
 */
#include "util/compat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/internal.h"

/*
 * A FIFO (or a device) named as an input would make open() or read() wait
 * for a writer for ever, possibly while the caller holds the store's write
 * lock. So the path is looked at first, then opened with O_NONBLOCK, which
 * never waits, and the descriptor looked at again: it is what will be read,
 * whatever the path names by then.
 */
int safer__open_regular(const char *path, struct stat *sb, struct safer_err *err)
{
    if (stat(path, sb) < 0)
        return safer_err_set(err, SAFER_EIO, "%s: cannot open: %s", path, strerror(errno));
    if (!S_ISREG(sb->st_mode))
        return safer_err_set(err, SAFER_EIO, "%s: not a regular file", path);
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return safer_err_set(err, SAFER_EIO, "%s: cannot open: %s", path, strerror(errno));
    if (fstat(fd, sb) < 0 || !S_ISREG(sb->st_mode)) {
        close(fd);
        return safer_err_set(err, SAFER_EIO, "%s: not a regular file", path);
    }
    /* Reads of a regular file do not wait for a writer: back to normal. */
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    return fd;
}

int safer__read_file(const char *path, unsigned long long limit, const char *limit_name,
                     char **out, size_t *len, struct safer_err *err)
{
    *out = NULL;
    *len = 0;
    struct stat sb;
    int fd = safer__open_regular(path, &sb, err);
    if (fd < 0)
        return fd;
    if ((unsigned long long)sb.st_size > limit) {
        close(fd);
        return safer_err_set(err, SAFER_ETOOBIG, "%s: larger than %llu bytes (limit %s)", path,
                             limit, limit_name);
    }
    size_t n = (size_t)sb.st_size, got = 0;
    char *buf = safer__xmalloc(n + 1);
    /* The file may shrink while it is read: stop at its end. */
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            free(buf);
            close(fd);
            return safer_err_set(err, SAFER_EIO, "%s: cannot read: %s", path, strerror(e));
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    buf[got] = '\0';
    close(fd);
    *out = buf;
    *len = got;
    return 0;
}
