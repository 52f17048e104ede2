/*
 * output.c - sets of files written as a unit, and streams (see
 * safer/output.h for the contract, the manifest and the folder names).
 *
 * Folders are created with mkdir() under random names, which is as
 * exclusive as mkdtemp() but keeps the umask's mode (mkdtemp's 0700 would
 * make a published report unreadable to the web server's group). Trees are
 * removed through openat()/unlinkat() without following symbolic links.
 */
#include "util/compat.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/syscall.h>
#endif

#include "util/internal.h"
#include "safer/output.h"

/* A stream's buffer between flushes: far more than a writer holds back. */
#define SAFER_STREAM_MAX ((size_t)1 << 30)

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1) /* linux/fs.h */
#endif

/* Depth of folders removed with an old set (the demo's is 2). */
#define MAX_TREE_DEPTH 16
/* Names tried before giving up on creating a folder or file beside another. */
#define MAX_NAME_TRIES 100

/*
 * Every byte written to a file or descriptor by the library's outputs goes
 * through here: the one place for a test-only fault hook that fails the
 * Nth write.
 */
static int write_all(int fd, const char *p, size_t n, const char *what, struct safer_err *err)
{
    if (safer__fault(SAFER_FAULT_WRITE))
        return safer_err_set(err, SAFER_EIO, "%s: cannot write: %s", what, strerror(EIO));
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return safer_err_set(err, SAFER_EIO, "%s: cannot write: %s", what, strerror(errno));
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Letters, digits, '.', '_' and '-', not starting with '.'. */
static int valid_name(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > SAFER_LIMIT_OUTPUT_NAME || name[0] == '.')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

static char *join(const char *a, const char *sep, const char *b)
{
    size_t na = strlen(a), ns = strlen(sep), nb = strlen(b);
    char *s = safer__xmalloc(na + ns + nb + 1);
    memcpy(s, a, na);
    memcpy(s + na, sep, ns);
    memcpy(s + na + ns, b, nb + 1);
    return s;
}

/*
 * Split `path` (trailing slashes ignored) into what comes before its last
 * name, up to and including the slash ("" for a bare name), and that name.
 * Returns -1 when the last name is empty, "." or "..".
 */
static int split_path(const char *path, char **prefix, char **base)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    size_t i = n;
    while (i > 0 && path[i - 1] != '/')
        i--;
    if (n == i || (n - i == 1 && path[i] == '.') ||
        (n - i == 2 && path[i] == '.' && path[i + 1] == '.'))
        return -1;
    *prefix = safer__xstrndup(path, i);
    *base = safer__xstrndup(path + i, n - i);
    return 0;
}

/* Eight hex digits that differ between calls, threads and processes. The
 * names only need to be new: creation is exclusive and retried. */
static void random_suffix(char out[9], unsigned attempt)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    uint64_t x = (uint64_t)t.tv_nsec ^ ((uint64_t)t.tv_sec << 30) ^ ((uint64_t)getpid() << 20) ^
                 (uint64_t)(uintptr_t)&t ^ ((uint64_t)attempt << 52);
    /* splitmix64's finaliser */
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    x ^= x >> 31;
    snprintf(out, 9, "%08x", (unsigned)(x & 0xffffffffu));
}

/* Create a new folder "<prefix>.<base><tag>XXXXXXXX"; its path, or NULL. */
static char *make_sibling(const char *prefix, const char *base, const char *tag, const char *what,
                          struct safer_err *err)
{
    for (unsigned attempt = 0; attempt < MAX_NAME_TRIES; attempt++) {
        char sfx[9];
        random_suffix(sfx, attempt);
        size_t n = strlen(prefix) + strlen(base) + strlen(tag) + 11;
        char *p = safer__xmalloc(n);
        snprintf(p, n, "%s.%s%s%s", prefix, base, tag, sfx);
        if (mkdir(p, 0777) == 0)
            return p;
        int e = errno;
        free(p);
        if (e != EEXIST) {
            safer_err_set(err, SAFER_EIO, "%s: cannot create a folder beside it: %s", what,
                          strerror(e));
            return NULL;
        }
    }
    safer_err_set(err, SAFER_EIO, "%s: cannot create a folder beside it: every name tried exists",
                  what);
    return NULL;
}

/* Remove `name` in folder `dfd`, and everything below it, following no link. */
static int remove_tree(int dfd, const char *name, int depth)
{
    struct stat sb;
    if (fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(sb.st_mode))
        return unlinkat(dfd, name, 0) < 0 && errno != ENOENT ? -1 : 0;
    if (depth >= MAX_TREE_DEPTH)
        return -1;
    int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return -1;
    }
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
            remove_tree(dirfd(d), e->d_name, depth + 1) < 0)
            rc = -1;
    }
    closedir(d);
    if (rc == 0 && unlinkat(dfd, name, AT_REMOVEDIR) < 0)
        rc = -1;
    return rc;
}

/* Create `path` for writing, exclusively, never through a link. */
static int create_file(const char *path, const char *what, struct safer_err *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return safer_err_set(err, SAFER_EIO, "%s: cannot create: %s", what, strerror(errno));
    return fd;
}

/* Write `n` bytes to a new file `path`; `what` names it in messages. */
static int write_new_file(const char *path, const char *what, const char *p, size_t n,
                          struct safer_err *err)
{
    int fd = create_file(path, what, err);
    if (fd < 0)
        return fd;
    int rc = write_all(fd, p, n, what, err);
    if (close(fd) < 0 && rc == 0)
        rc = safer_err_set(err, SAFER_EIO, "%s: cannot write: %s", what, strerror(errno));
    return rc;
}

/* ---- what a folder holds ---- */

enum kind { KIND_FILE, KIND_FOLDER, KIND_STORE };
static const char *const kind_names[] = {"file", "folder", "store"};

/* The entries of an existing output folder, from its manifest. */
struct oldset {
    int exists; /* the folder exists */
    mode_t mode;
    char **names; /* owned: as the manifest lists them */
    enum kind *kinds;
    size_t n;
};

static void oldset_release(struct oldset *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->names[i]);
    free(s->names);
    free(s->kinds);
    memset(s, 0, sizeof(*s));
}

static long oldset_find(const struct oldset *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->names[i], name) == 0)
            return (long)i;
    return -1;
}

/* Parse manifest text into `s`; -1 when it is not one safer wrote. */
static int parse_manifest(char *text, struct oldset *s)
{
    size_t cap = 0;
    for (char *line = text; *line;) {
        char *nl = strchr(line, '\n');
        if (!nl)
            return -1; /* every line ends in LF */
        *nl = '\0';
        if (line[0] != '#' && line[0] != '\0') {
            char *sp = strchr(line, ' ');
            int k = -1;
            for (int i = 0; sp && i < 3; i++)
                if ((size_t)(sp - line) == strlen(kind_names[i]) &&
                    memcmp(line, kind_names[i], (size_t)(sp - line)) == 0)
                    k = i;
            if (k < 0 || !valid_name(sp + 1) || oldset_find(s, sp + 1) >= 0)
                return -1;
            SAFER__GROW(s->names, cap, s->n + 1);
            s->kinds = safer__xreallocarray(s->kinds, cap, sizeof(*s->kinds));
            s->names[s->n] = safer__xstrdup(sp + 1);
            s->kinds[s->n++] = (enum kind)k;
        }
        line = nl + 1;
    }
    return 0;
}

/* Read the manifest of folder `dfd` into `s`: 1 when there is one, 0 when
 * there is none, or an error naming `dir`. */
static int read_manifest(int dfd, const char *dir, struct oldset *s, struct safer_err *err)
{
    int fd = openat(dfd, SAFER_OUTPUT_MANIFEST, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        return 0;
    struct stat sb;
    int rc = -1;
    if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
        (unsigned long long)sb.st_size <= SAFER_LIMIT_OUTPUT_MANIFEST) {
        size_t n = (size_t)sb.st_size, got = 0;
        char *text = safer__xmalloc(n + 1);
        while (got < n) {
            ssize_t r = read(fd, text + got, n - got);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                break;
            got += (size_t)r;
        }
        text[got] = '\0';
        if (got == n && strlen(text) == n)
            rc = parse_manifest(text, s);
        free(text);
    }
    if (fd >= 0)
        close(fd);
    if (rc < 0)
        return safer_err_set(err, SAFER_EINVAL,
                             "'%s': its %s is not a manifest safer wrote (a regular file of at "
                             "most SAFER_LIMIT_OUTPUT_MANIFEST bytes): choose an empty or new folder",
                             dir, SAFER_OUTPUT_MANIFEST);
    return 1;
}

/*
 * May a set replace folder `dir`? Fills `s` with what it holds (nothing
 * when it does not exist). SAFER_EINVAL, saying why, when it may not.
 */
static int check_dir(const char *dir, unsigned flags, struct oldset *s, struct safer_err *err)
{
    memset(s, 0, sizeof(*s));
    struct stat sb;
    if (lstat(dir, &sb) < 0) {
        if (errno == ENOENT)
            return 0;
        return safer_err_set(err, SAFER_EIO, "%s: %s", dir, strerror(errno));
    }
    if (S_ISLNK(sb.st_mode))
        return safer_err_set(err, SAFER_EINVAL,
                             "'%s' is a symbolic link: name the output folder itself", dir);
    if (!S_ISDIR(sb.st_mode))
        return safer_err_set(err, SAFER_EINVAL, "'%s' exists and is not a folder", dir);
    s->exists = 1;
    s->mode = sb.st_mode & 07777;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0)
        return safer_err_set(err, SAFER_EIO, "%s: cannot read the folder: %s", dir,
                             strerror(errno));
    int rc = read_manifest(dfd, dir, s, err);
    DIR *d = rc < 0 ? NULL : fdopendir(dfd);
    if (!d) {
        close(dfd);
        if (rc >= 0)
            rc = safer_err_set(err, SAFER_EIO, "%s: cannot read the folder: %s", dir,
                               strerror(errno));
        oldset_release(s);
        return rc;
    }
    int have_manifest = rc == 1;
    rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        const char *name = e->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
            strcmp(name, SAFER_OUTPUT_MANIFEST) == 0)
            continue;
        long k = oldset_find(s, name);
        if (k < 0)
            rc = safer_err_set(err, SAFER_EINVAL,
                               "'%s' holds '%s', which safer did not write%s: choose an empty or "
                               "new folder",
                               dir, name, have_manifest ? "" : " (it has no " SAFER_OUTPUT_MANIFEST ")");
        else if (s->kinds[k] == KIND_STORE && !(flags & SAFER_OUTPUT_REPLACE_STORE))
            rc = safer_err_set(err, SAFER_EINVAL,
                               "'%s' holds the store '%s': write into another folder", dir, name);
    }
    closedir(d);
    if (rc < 0)
        oldset_release(s);
    return rc;
}

/* Remove the entries of old set `s` from folder `path`, then the folder.
 * Whatever cannot be removed stays there, beside the output folder. */
static void remove_old(const char *path, const struct oldset *s)
{
    int dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0)
        return;
    for (size_t i = 0; i < s->n; i++)
        remove_tree(dfd, s->names[i], 1);
    unlinkat(dfd, SAFER_OUTPUT_MANIFEST, 0);
    close(dfd);
    rmdir(path);
}

/* ---- sets ---- */

void safer_output_init(struct safer_output *o) { memset(o, 0, sizeof(*o)); }

int safer_output_init_dir(struct safer_output *o, const char *dir, unsigned flags,
                          struct safer_err *err)
{
    safer_output_init(o);
    char *prefix, *base;
    if (split_path(dir, &prefix, &base) < 0)
        return safer_err_set(err, SAFER_EINVAL,
                             "'%s': name the output folder itself (not '.', '..' or '/')", dir);
    /* Without trailing slashes, which would make lstat() and rename() follow a link. */
    char *path = join(prefix, "", base);
    struct oldset s;
    int rc = check_dir(path, flags, &s, err);
    oldset_release(&s);
    if (rc == 0) {
        o->staging = make_sibling(prefix, base, ".safer-", path, err);
        if (!o->staging)
            rc = SAFER_EIO;
    }
    free(prefix);
    free(base);
    if (rc < 0) {
        free(path);
        return rc;
    }
    o->dir = path;
    o->flags = flags;
    return 0;
}

const char *safer_output_path(const struct safer_output *o) { return o->staging; }

const struct safer_output_file *safer_output_find(const struct safer_output *o, const char *name)
{
    for (size_t i = 0; i < o->nfiles; i++)
        if (strcmp(o->files[i].name, name) == 0)
            return &o->files[i];
    return NULL;
}

int safer_output_add(struct safer_output *o, const char *name, struct safer_buf *b,
                     struct safer_err *err)
{
    int rc = 0;
    if (!valid_name(name) || safer_output_find(o, name))
        rc = safer_err_set(err, SAFER_EINVAL, "'%s': not a new name for an output file", name);
    else if (safer_buf_error(b))
        rc = safer_err_set(err, safer_buf_error(b), "%s: output too large", name);
    else if (o->dir && !o->staging)
        rc = safer_err_set(err, SAFER_EINVAL, "%s: the output is already in place", name);
    if (rc < 0) {
        safer_buf_reset(b);
        return rc;
    }
    struct safer_output_file f = {safer__xstrdup(name), NULL, b->len};
    if (o->dir) {
        char *path = join(o->staging, "/", name), *what = join(o->dir, "/", name);
        rc = write_new_file(path, what, b->ptr, b->len, err);
        free(path);
        free(what);
        safer_buf_reset(b);
    } else {
        f.data = safer_buf_detach(b, NULL);
    }
    if (rc < 0) {
        free(f.name);
        return rc;
    }
    SAFER__GROW(o->files, o->cap, o->nfiles + 1);
    o->files[o->nfiles++] = f;
    return 0;
}

int safer_output_add_store(struct safer_output *o, const char *name, struct safer_err *err)
{
    if (!o->staging || !valid_name(name))
        return safer_err_set(err, SAFER_EINVAL, "'%s': not a store of an output folder", name);
    o->stores = safer__xreallocarray(o->stores, o->nstores + 1, sizeof(*o->stores));
    o->stores[o->nstores++] = safer__xstrdup(name);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Write the manifest of the staging folder: each entry, sorted, with its kind. */
static int write_manifest(struct safer_output *o, struct safer_err *err)
{
    DIR *d = opendir(o->staging);
    if (!d)
        return safer_err_set(err, SAFER_EIO, "%s: cannot read the folder: %s", o->staging,
                             strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        SAFER__GROW(names, cap, n + 1);
        names[n++] = safer__xstrdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof(*names), cmp_str);
    struct safer_buf b;
    safer_buf_init(&b, SAFER_LIMIT_OUTPUT_MANIFEST);
    safer_buf_puts(&b, "# safer: the entries safer wrote here, replaced together by its next "
                       "run\n");
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct stat sb;
        enum kind k = KIND_FILE;
        for (size_t j = 0; j < o->nstores; j++)
            if (strcmp(o->stores[j], names[i]) == 0)
                k = KIND_STORE;
        char *path = join(o->staging, "/", names[i]);
        if (k == KIND_FILE && lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
            k = KIND_FOLDER;
        free(path);
        if (!valid_name(names[i]))
            rc = safer_err_set(err, SAFER_EINVAL, "%s: '%s' is not a name safer writes", o->dir,
                               names[i]);
        safer_buf_putf(&b, "%s %s\n", kind_names[k], names[i]);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (rc == 0 && safer_buf_error(&b))
        rc = safer_err_set(err, safer_buf_error(&b),
                           "%s: too many entries for the manifest (limit SAFER_LIMIT_OUTPUT_MANIFEST)",
                           o->dir);
    if (rc == 0) {
        char *path = join(o->staging, "/", SAFER_OUTPUT_MANIFEST);
        char *what = join(o->dir, "/", SAFER_OUTPUT_MANIFEST);
        rc = write_new_file(path, what, b.ptr, b.len, err);
        free(path);
        free(what);
    }
    safer_buf_release(&b);
    return rc;
}

/* Swap folders `a` and `b` in one step; -1 with errno set when that fails
 * (ENOSYS or EINVAL: not on this system or file system). */
static int exchange(const char *a, const char *b)
{
#if defined(__linux__) && defined(SYS_renameat2)
    return (int)syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
#else
    (void)a;
    (void)b;
    errno = ENOSYS;
    return -1;
#endif
}

/*
 * Put the staging folder in place of existing folder `dir`. Returns the
 * path of the folder that now holds the old set (owned), or NULL with
 * `err` set and `dir` as it was.
 */
static char *swap_in(struct safer_output *o, struct safer_err *err)
{
    if (!(o->flags & SAFER_OUTPUT_NO_EXCHANGE)) {
        if (exchange(o->staging, o->dir) == 0)
            return safer__xstrdup(o->staging);
        if (errno != ENOSYS && errno != EINVAL) {
            safer_err_set(err, SAFER_EIO, "%s: cannot put the new files in place: %s", o->dir,
                          strerror(errno));
            return NULL;
        }
    }
    /* The portable way: the old folder aside, the new one in its place. */
    char *prefix, *base;
    if (split_path(o->dir, &prefix, &base) < 0)
        return NULL; /* checked by safer_output_init_dir */
    char *aside = make_sibling(prefix, base, ".safer-old-", o->dir, err);
    free(prefix);
    free(base);
    if (!aside)
        return NULL;
    if (rename(o->dir, aside) < 0) {
        safer_err_set(err, SAFER_EIO, "%s: cannot move the old files aside: %s", o->dir,
                      strerror(errno));
        rmdir(aside);
        free(aside);
        return NULL;
    }
    if (rename(o->staging, o->dir) < 0) {
        safer_err_set(err, SAFER_EIO, "%s: cannot put the new files in place: %s", o->dir,
                      strerror(errno));
        rename(aside, o->dir);
        free(aside);
        return NULL;
    }
    return aside;
}

int safer_output_commit(struct safer_output *o, struct safer_err *err)
{
    if (!o->dir || !o->staging)
        return 0;
    int rc = write_manifest(o, err);
    if (rc < 0)
        return rc;
    /* Twice at most: a folder that appears between the check and a plain
     * rename is checked again and swapped. */
    for (int attempt = 0; attempt < 2; attempt++) {
        struct oldset s;
        rc = check_dir(o->dir, o->flags, &s, err);
        if (rc < 0)
            return rc;
        if (!s.exists) {
            if (rename(o->staging, o->dir) == 0)
                goto done;
            if (errno != EEXIST && errno != ENOTEMPTY)
                return safer_err_set(err, SAFER_EIO, "%s: cannot put the new files in place: %s",
                                     o->dir, strerror(errno));
            continue;
        }
        /* The new folder takes the old one's permissions. */
        if (chmod(o->staging, s.mode) < 0) {
            oldset_release(&s);
            return safer_err_set(err, SAFER_EIO, "%s: %s", o->staging, strerror(errno));
        }
        char *old = swap_in(o, err);
        if (!old) {
            oldset_release(&s);
            return SAFER_EIO;
        }
        remove_old(old, &s);
        free(old);
        oldset_release(&s);
        goto done;
    }
    return safer_err_set(err, SAFER_EIO, "%s: cannot put the new files in place: it keeps changing",
                         o->dir);
done:
    free(o->staging);
    o->staging = NULL;
    return 0;
}

void safer_output_release(struct safer_output *o)
{
    if (o->staging)
        remove_tree(AT_FDCWD, o->staging, 0);
    for (size_t i = 0; i < o->nfiles; i++) {
        free(o->files[i].name);
        free(o->files[i].data);
    }
    for (size_t i = 0; i < o->nstores; i++)
        free(o->stores[i]);
    free(o->files);
    free(o->stores);
    free(o->dir);
    free(o->staging);
    safer_output_init(o);
}

/* ---- streams ---- */

void safer_stream_init_memory(struct safer_stream *s, size_t max)
{
    memset(s, 0, sizeof(*s));
    safer_buf_init(&s->buf, max);
    s->fd = -1;
    s->path = safer__xstrdup("output");
}

void safer_stream_init_fd(struct safer_stream *s, int fd, const char *name)
{
    safer_stream_init_memory(s, SAFER_STREAM_MAX);
    s->fd = fd;
    free(s->path);
    s->path = safer__xstrdup(name);
}

int safer_stream_open(struct safer_stream *s, const char *path, struct safer_err *err)
{
    safer_stream_init_memory(s, SAFER_STREAM_MAX);
    char *prefix, *base;
    if (split_path(path, &prefix, &base) < 0)
        return safer_err_set(err, SAFER_EINVAL, "'%s' is not a file name", path);
    int e = EEXIST;
    for (unsigned attempt = 0; attempt < MAX_NAME_TRIES && e == EEXIST; attempt++) {
        char sfx[9];
        random_suffix(sfx, attempt);
        size_t n = strlen(prefix) + strlen(base) + 20;
        char *tmp = safer__xmalloc(n);
        snprintf(tmp, n, "%s.%s.safer-%s", prefix, base, sfx);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd >= 0) {
            s->fd = fd;
            s->own_fd = 1;
            s->tmp = tmp;
            free(s->path);
            s->path = safer__xstrdup(path);
            e = 0;
        } else {
            e = errno;
            free(tmp);
        }
    }
    free(prefix);
    free(base);
    if (e != 0)
        return safer_err_set(err, SAFER_EIO, "%s: cannot write: %s", path,
                             e == EEXIST ? "no free temporary name beside it" : strerror(e));
    return 0;
}

int safer_stream_flush(struct safer_stream *s, struct safer_err *err)
{
    if (safer_buf_error(&s->buf))
        return safer_err_set(err, safer_buf_error(&s->buf), "%s: output too large", s->path);
    if (s->fd < 0)
        return 0;
    int rc = write_all(s->fd, s->buf.ptr, s->buf.len, s->path, err);
    safer_buf_reset(&s->buf);
    return rc;
}

int safer_stream_commit(struct safer_stream *s, struct safer_err *err)
{
    int rc = safer_stream_flush(s, err);
    if (rc < 0 || !s->own_fd)
        return rc;
    s->own_fd = 0;
    int fd = s->fd;
    s->fd = -1;
    if (close(fd) < 0)
        return safer_err_set(err, SAFER_EIO, "%s: cannot write: %s", s->path, strerror(errno));
    if (rename(s->tmp, s->path) < 0)
        return safer_err_set(err, SAFER_EIO, "%s: cannot write: %s", s->path, strerror(errno));
    free(s->tmp);
    s->tmp = NULL;
    return 0;
}

void safer_stream_release(struct safer_stream *s)
{
    if (s->own_fd)
        close(s->fd);
    if (s->tmp)
        unlink(s->tmp);
    free(s->tmp);
    free(s->path);
    safer_buf_release(&s->buf);
    memset(s, 0, sizeof(*s));
    safer_buf_init(&s->buf, 0);
    s->fd = -1;
}
