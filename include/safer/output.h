/*
 * output.h - what a call writes: a set of named files, kept in memory or
 * put in place in a folder as a unit; and a stream of bytes to one file or
 * descriptor.
 *
 * A set (struct safer_output) gathers plain-named files: index.html,
 * summary.csv and so on. In memory, each file's bytes stay in the set for
 * the caller, so a web page can send a CSV file or the report without a
 * temporary file. Bound to a folder DIR, the set is written into a fresh
 * folder beside DIR (created exclusively in DIR's parent) and swapped in for
 * DIR by safer_output_commit(): a reader of DIR sees the old set or the new
 * set, never a mixture, and nothing of an earlier run survives the swap (a
 * CSV file the new run does not write is gone with the rest of the old set).
 * On Linux the swap is renameat2(RENAME_EXCHANGE), one step; elsewhere, or
 * where the file system refuses it, DIR is renamed aside, the new folder
 * renamed into place and the old one removed, so a run killed between the
 * two renames leaves no DIR and the old set aside (see below).
 *
 * Only safer's own files are ever replaced. Every folder written holds a
 * manifest, SAFER_OUTPUT_MANIFEST, naming each entry safer put there. A
 * folder that holds anything its manifest does not name, or any entry at
 * all and no manifest, is refused with SAFER_EINVAL before anything is
 * written; so is a folder holding a store (the demo's demo.db) unless the
 * new set rebuilds it (SAFER_OUTPUT_REPLACE_STORE). A missing or empty
 * folder is fine. DIR cannot be a mount point (rename() cannot move one):
 * write into a folder inside it.
 *
 * Files are created with O_CREAT | O_EXCL | O_NOFOLLOW and mode 0644 (less
 * the umask), never through a symbolic link. The folders beside DIR are
 * named ".NAME.safer-XXXXXXXX" (a set being written, or after the swap the
 * old set being removed) and ".NAME.safer-old-XXXXXXXX" (the old set moved
 * aside by the portable swap). A run that is killed may leave one behind:
 * later runs ignore them (random names never collide with them) and never
 * remove them, since another run may be writing there; delete them by hand.
 * The swap guards against a killed process, not a power cut: nothing is
 * flushed to disk with fsync.
 *
 * Every byte written to a file or descriptor here goes through one
 * function (write_all in output.c), the place for a fault hook.
 *
 * A set or a stream belongs to one thread at a time.
 */
#ifndef SAFER_OUTPUT_H
#define SAFER_OUTPUT_H

#include <stddef.h>

#include "safer/buf.h"
#include "safer/error.h"

/* The manifest's name in every folder written by a set. */
#define SAFER_OUTPUT_MANIFEST ".safer-output"
/* Bytes in a manifest safer will read. */
#define SAFER_LIMIT_OUTPUT_MANIFEST (64u << 10)
/* Bytes in the name of a file of a set. */
#define SAFER_LIMIT_OUTPUT_NAME 100

enum safer_output_flags {
    /* The new set holds a store of its own (safer_output_add_store): a
     * folder holding an old store may be replaced. */
    SAFER_OUTPUT_REPLACE_STORE = 1 << 0,
    /* Swap by renaming aside even where RENAME_EXCHANGE works (tests). */
    SAFER_OUTPUT_NO_EXCHANGE = 1 << 1,
};

struct safer_output_file {
    char *name; /* owned */
    char *data; /* owned, NUL-terminated: the bytes of a set in memory;
                   NULL in a folder, where they went to disk when added */
    size_t len;
};

struct safer_output {
    struct safer_output_file *files; /* owned, in the order added */
    size_t nfiles, cap;
    char *dir;     /* owned: the folder the set replaces; NULL in memory */
    char *staging; /* owned: the fresh folder beside it; NULL in memory or
                      once committed */
    char **stores; /* owned: entries of the staging folder that are stores */
    size_t nstores;
    unsigned flags; /* enum safer_output_flags */
};

/* An empty set kept in memory. */
void safer_output_init(struct safer_output *o);

/*
 * An empty set that will replace folder `dir` (which need not exist) as a
 * unit. Checks `dir` as described above and creates the fresh folder beside
 * it. Returns 0; SAFER_EINVAL when `dir` is not a folder, is a symbolic
 * link, ends in "." or "..", or holds anything safer did not write (or a
 * store, without SAFER_OUTPUT_REPLACE_STORE), with nothing written; or
 * SAFER_EIO when the folder beside it cannot be created. `o` is a valid
 * empty set in memory after a failure.
 */
int safer_output_init_dir(struct safer_output *o, const char *dir, unsigned flags,
                          struct safer_err *err);

/* The fresh folder a set bound to a folder is written into (for a caller
 * that builds an entry there itself, such as a store), or NULL. */
const char *safer_output_path(const struct safer_output *o);

/*
 * Add file `name` (letters, digits, '.', '_' and '-', not starting with
 * '.', at most SAFER_LIMIT_OUTPUT_NAME bytes) with the bytes of `b`. In
 * memory the set takes the bytes over; in a folder they are written at
 * once. Either way `b` is left empty, ready for reuse (its `max` kept).
 * Returns 0; SAFER_EINVAL for a bad or repeated name, the buffer's sticky
 * error (ETOOBIG: "output too large"), or SAFER_EIO when the file cannot be
 * written.
 */
int safer_output_add(struct safer_output *o, const char *name, struct safer_buf *b,
                     struct safer_err *err);

/*
 * Record that the caller built store `name` (a file, named as above) in
 * safer_output_path() itself: the manifest marks it as a store, which only
 * a set with SAFER_OUTPUT_REPLACE_STORE replaces. SAFER_EINVAL in memory or
 * for a bad name.
 */
int safer_output_add_store(struct safer_output *o, const char *name, struct safer_err *err);

/* File `name` of the set, or NULL. In a folder its `data` is NULL. */
const struct safer_output_file *safer_output_find(const struct safer_output *o, const char *name);

/*
 * Put a set bound to a folder in place: write the manifest (every entry of
 * the fresh folder, the caller's own included), check the folder again,
 * swap, then remove the old set. Does nothing in memory. Returns 0;
 * SAFER_EINVAL when the folder no longer passes the check (something was
 * put there meanwhile), SAFER_EIO when the swap fails; then the folder is
 * as it was. Failing to remove the old set afterwards is not an error: it
 * is left beside DIR, as a killed run would leave it.
 */
int safer_output_commit(struct safer_output *o, struct safer_err *err);

/* Free the set. A set bound to a folder and not committed has its fresh
 * folder removed; `dir` is untouched. The set is empty, in memory, after. */
void safer_output_release(struct safer_output *o);

/*
 * A stream: bytes to one destination, buffered in `buf`. A writer appends
 * to `buf` with the safer_buf calls and calls safer_stream_flush() now and
 * then to bound the memory used (SAFER_STREAM_CHUNK is a good size).
 *
 *   memory      the bytes stay in `buf` for the caller (up to its max);
 *   descriptor  written to a descriptor the caller owns (standard output);
 *   file        written to a temporary file created exclusively beside
 *               `path` and renamed over it by safer_stream_commit(), so
 *               `path` holds the old file or the whole new one. A
 *               symbolic link at `path` is replaced, never followed.
 */
struct safer_stream {
    struct safer_buf buf; /* bytes not yet written (all of them in memory) */
    int fd;               /* -1 in memory */
    int own_fd;           /* the temporary file's descriptor, ours to close */
    char *path;           /* owned: where the bytes go, for messages */
    char *tmp;            /* owned: the temporary file, or NULL */
};

#define SAFER_STREAM_CHUNK ((size_t)1 << 20)

void safer_stream_init_memory(struct safer_stream *s, size_t max);
/* `name` names the descriptor in messages ("standard output"). */
void safer_stream_init_fd(struct safer_stream *s, int fd, const char *name);
/* Create the temporary file for `path`; SAFER_EIO (naming it) when it
 * cannot be created. After a failure `s` is a valid stream in memory. */
int safer_stream_open(struct safer_stream *s, const char *path, struct safer_err *err);

/* Write out what `buf` holds (nothing in memory). Returns 0, the buffer's
 * sticky error, or SAFER_EIO. */
int safer_stream_flush(struct safer_stream *s, struct safer_err *err);

/* Flush, and put a file in place: the temporary file renamed over `path`. */
int safer_stream_commit(struct safer_stream *s, struct safer_err *err);

/* Free the stream; an uncommitted temporary file is removed. */
void safer_stream_release(struct safer_stream *s);

#endif
