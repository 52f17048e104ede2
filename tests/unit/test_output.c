/*
 * test_output.c - output sets (in memory, and folders put in place as a
 * unit) and streams.
 */
#include "util/compat.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "safer/buf.h"
#include "safer/output.h"

/* A fresh folder for one test, removed (with what it holds) at the end. */
struct scratch {
    char root[256];
    char dir[300]; /* root/out: the output folder */
};

static void sh(const char *fmt, ...) SAFER_PRINTF(1, 2);

static void sh(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    assert_int_equal(system(cmd), 0);
}

static void scratch_init(struct scratch *s)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(s->root, sizeof(s->root), "%s/safer-output.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(s->root));
    snprintf(s->dir, sizeof(s->dir), "%s/out", s->root);
}

static void scratch_release(struct scratch *s) { sh("rm -rf '%s'", s->root); }

static void put_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* The whole file, or "" when it cannot be read (static buffer). */
static const char *slurp(const char *dir, const char *name)
{
    static char text[4096];
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    text[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f)
        return text;
    size_t n = fread(text, 1, sizeof(text) - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

static int exists(const char *dir, const char *name)
{
    char path[512];
    struct stat sb;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return lstat(path, &sb) == 0;
}

/* Entries of `dir`, sorted, joined by spaces (static buffer). */
static const char *listing(const char *dir)
{
    static char out[2048];
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "ls -A '%s' | tr '\\n' ' '", dir);
    out[0] = '\0';
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, sizeof(out) - 1, p);
    out[n] = '\0';
    pclose(p);
    return out;
}

static int add_text(struct safer_output *o, const char *name, const char *text,
                    struct safer_err *err)
{
    struct safer_buf b;
    safer_buf_init(&b, 1 << 20);
    safer_buf_puts(&b, text);
    int rc = safer_output_add(o, name, &b, err);
    assert_int_equal(b.len, 0);
    safer_buf_release(&b);
    return rc;
}

/* Write a set of files `names` (space-separated, text = name) into s->dir. */
static int write_set(struct scratch *s, const char *names, unsigned flags, struct safer_err *err)
{
    struct safer_output o;
    int rc = safer_output_init_dir(&o, s->dir, flags, err);
    char list[256];
    snprintf(list, sizeof(list), "%s", names);
    for (char *save = NULL, *n = strtok_r(list, " ", &save); n && rc == 0;
         n = strtok_r(NULL, " ", &save))
        rc = add_text(&o, n, n, err);
    if (rc == 0)
        rc = safer_output_commit(&o, err);
    safer_output_release(&o);
    return rc;
}

static void test_output_in_memory(void **state)
{
    (void)state;
    struct safer_output o;
    struct safer_err err = {0};
    safer_output_init(&o);
    assert_null(safer_output_path(&o));
    assert_int_equal(add_text(&o, "summary.csv", "metric,value\n", &err), 0);
    assert_int_equal(add_text(&o, "index.html", "<!DOCTYPE html>", &err), 0);
    const struct safer_output_file *f = safer_output_find(&o, "summary.csv");
    assert_non_null(f);
    assert_int_equal(f->len, 13);
    assert_string_equal(f->data, "metric,value\n");
    assert_null(safer_output_find(&o, "nope.csv"));
    assert_int_equal(o.nfiles, 2);
    assert_int_equal(safer_output_commit(&o, &err), 0); /* nothing to do */
    safer_output_release(&o);
    assert_int_equal(o.nfiles, 0);
}

static void test_output_rejects_bad_names(void **state)
{
    (void)state;
    static const char *const bad[] = {"", ".hidden", "../x.csv", "a/b.csv", "..", ".",
                                      ".safer-output", "sp ace.csv", "new\nline"};
    struct safer_output o;
    safer_output_init(&o);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct safer_err err = {0};
        assert_int_equal(add_text(&o, bad[i], "x", &err), SAFER_EINVAL);
    }
    struct safer_err err = {0};
    assert_int_equal(add_text(&o, "a.csv", "x", &err), 0);
    assert_int_equal(add_text(&o, "a.csv", "y", &err), SAFER_EINVAL);
    assert_non_null(strstr(err.msg, "a.csv"));
    assert_int_equal(o.nfiles, 1);
    safer_output_release(&o);
}

static void test_output_reports_a_full_buffer(void **state)
{
    (void)state;
    struct safer_output o;
    struct safer_buf b;
    struct safer_err err = {0};
    safer_output_init(&o);
    safer_buf_init(&b, 4);
    safer_buf_puts(&b, "too long");
    assert_int_equal(safer_output_add(&o, "big.csv", &b, &err), SAFER_ETOOBIG);
    assert_non_null(strstr(err.msg, "big.csv: output too large"));
    assert_int_equal(o.nfiles, 0);
    safer_buf_release(&b);
    safer_output_release(&o);
}

static void new_folder_then_replace(unsigned flags)
{
    struct scratch s;
    struct safer_err err = {0};
    scratch_init(&s);

    /* A new folder, with a manifest naming what was written. */
    assert_int_equal(write_set(&s, "a.csv rates.csv index.html", flags, &err), 0);
    assert_string_equal(listing(s.dir), ".safer-output a.csv index.html rates.csv ");
    assert_string_equal(slurp(s.dir, "a.csv"), "a.csv");
    assert_non_null(strstr(slurp(s.dir, ".safer-output"), "\nfile a.csv\nfile index.html\n"
                                                          "file rates.csv\n"));
    assert_string_equal(listing(s.root), "out ");

    /* A second run without rates.csv: nothing of the first run survives. */
    assert_int_equal(write_set(&s, "a.csv index.html", flags, &err), 0);
    assert_string_equal(listing(s.dir), ".safer-output a.csv index.html ");
    assert_string_equal(listing(s.root), "out ");

    /* An empty folder is fine too, and keeps its permissions. */
    sh("rm -rf '%s' && mkdir -m 0750 '%s'", s.dir, s.dir);
    assert_int_equal(write_set(&s, "b.csv", flags, &err), 0);
    struct stat sb;
    assert_int_equal(stat(s.dir, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0750);
    char path[512];
    snprintf(path, sizeof(path), "%s/b.csv", s.dir);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0133, 0); /* at most 0644 */
    assert_string_equal(listing(s.root), "out ");
    scratch_release(&s);
}

static void test_output_folder_put_in_place(void **state)
{
    (void)state;
    new_folder_then_replace(0);
}

static void test_output_folder_portable_swap(void **state)
{
    (void)state;
    new_folder_then_replace(SAFER_OUTPUT_NO_EXCHANGE);
}

static void test_output_refuses_foreign_files(void **state)
{
    (void)state;
    struct scratch s;
    struct safer_err err = {0};
    struct safer_output o;
    scratch_init(&s);

    /* No manifest: any entry is someone else's. */
    sh("mkdir '%s'", s.dir);
    put_file(s.dir, "notes.txt", "mine");
    assert_int_equal(safer_output_init_dir(&o, s.dir, 0, &err), SAFER_EINVAL);
    assert_non_null(strstr(err.msg, "holds 'notes.txt', which safer did not write"));
    safer_output_release(&o);
    assert_string_equal(listing(s.root), "out ");

    /* A manifest that does not name it. */
    sh("rm '%s/notes.txt'", s.dir);
    assert_int_equal(write_set(&s, "a.csv", 0, &err), 0);
    put_file(s.dir, "notes.txt", "mine");
    safer_err_clear(&err);
    assert_int_equal(write_set(&s, "a.csv", 0, &err), SAFER_EINVAL);
    assert_non_null(strstr(err.msg, "'notes.txt'"));
    assert_string_equal(slurp(s.dir, "notes.txt"), "mine");

    /* A link planted where a temporary file used to go changes nothing. */
    sh("rm '%s/notes.txt'", s.dir);
    put_file(s.root, "victim", "precious");
    sh("ln -s ../victim '%s/index.html.tmp'", s.dir);
    safer_err_clear(&err);
    assert_int_equal(write_set(&s, "index.html", 0, &err), SAFER_EINVAL);
    assert_string_equal(slurp(s.root, "victim"), "precious");
    assert_string_equal(listing(s.root), "out victim ");
    scratch_release(&s);
}

static void test_output_refuses_what_is_not_a_folder(void **state)
{
    (void)state;
    struct scratch s;
    struct safer_err err = {0};
    struct safer_output o;
    scratch_init(&s);
    put_file(s.root, "out", "a file");
    assert_int_equal(safer_output_init_dir(&o, s.dir, 0, &err), SAFER_EINVAL);
    assert_non_null(strstr(err.msg, "is not a folder"));
    sh("rm '%s' && mkdir '%s/real' && ln -s real '%s'", s.dir, s.root, s.dir);
    safer_err_clear(&err);
    assert_int_equal(safer_output_init_dir(&o, s.dir, 0, &err), SAFER_EINVAL);
    assert_non_null(strstr(err.msg, "symbolic link"));
    static const char *const names[] = {".", "..", "/", "", "a/..", "x/./"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        safer_err_clear(&err);
        assert_int_equal(safer_output_init_dir(&o, names[i], 0, &err), SAFER_EINVAL);
    }
    assert_string_equal(listing(s.root), "out real ");
    safer_output_release(&o);
    scratch_release(&s);
}

static void test_output_keeps_stores(void **state)
{
    (void)state;
    struct scratch s;
    struct safer_err err = {0};
    struct safer_output o;
    scratch_init(&s);

    /* A set that builds a store and a folder of its own in the new folder. */
    assert_int_equal(safer_output_init_dir(&o, s.dir, SAFER_OUTPUT_REPLACE_STORE, &err), 0);
    assert_non_null(safer_output_path(&o));
    put_file(safer_output_path(&o), "demo.db", "store");
    sh("mkdir '%s/data' && echo x > '%s/data/in.csv'", safer_output_path(&o),
       safer_output_path(&o));
    assert_int_equal(safer_output_add_store(&o, "demo.db", &err), 0);
    assert_int_equal(add_text(&o, "index.html", "report", &err), 0);
    assert_int_equal(safer_output_commit(&o, &err), 0);
    safer_output_release(&o);
    const char *m = slurp(s.dir, ".safer-output");
    assert_non_null(strstr(m, "\nfolder data\n"));
    assert_non_null(strstr(m, "\nstore demo.db\n"));
    assert_non_null(strstr(m, "\nfile index.html\n"));

    /* Something that does not rebuild the store may not replace it. */
    assert_int_equal(write_set(&s, "index.html", 0, &err), SAFER_EINVAL);
    assert_non_null(strstr(err.msg, "holds the store 'demo.db'"));
    assert_string_equal(slurp(s.dir, "demo.db"), "store");

    /* Removing the old folder follows no link out of it. */
    put_file(s.root, "victim", "precious");
    sh("ln -s ../../victim '%s/data/link' && mkdir '%s/keep'", s.dir, s.root);
    sh("ln -s ../keep '%s/data/dirlink'", s.dir);
    put_file(s.root, "keep/x", "kept");
    safer_err_clear(&err);
    assert_int_equal(write_set(&s, "index.html", SAFER_OUTPUT_REPLACE_STORE, &err), 0);
    assert_string_equal(listing(s.dir), ".safer-output index.html ");
    assert_string_equal(slurp(s.root, "victim"), "precious");
    assert_string_equal(slurp(s.root, "keep/x"), "kept");
    assert_string_equal(listing(s.root), "keep out victim ");
    scratch_release(&s);
}

static void test_output_refuses_bad_manifests(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "file ../escape\n", "file .safer-output\n", "thing a.csv\n", "file a.csv", "filea.csv\n",
        "file a.csv\nfile a.csv\n",
    };
    struct scratch s;
    scratch_init(&s);
    sh("mkdir '%s'", s.dir);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct safer_err err = {0};
        struct safer_output o;
        put_file(s.dir, ".safer-output", bad[i]);
        assert_int_equal(safer_output_init_dir(&o, s.dir, 0, &err), SAFER_EINVAL);
        assert_non_null(strstr(err.msg, "not a manifest safer wrote"));
        safer_output_release(&o);
    }
    /* A manifest that is a link is not read. */
    put_file(s.root, "m", "file a.csv\n");
    sh("rm '%s/.safer-output' && ln -s ../m '%s/.safer-output'", s.dir, s.dir);
    struct safer_err err = {0};
    struct safer_output o;
    assert_int_equal(safer_output_init_dir(&o, s.dir, 0, &err), SAFER_EINVAL);
    safer_output_release(&o);
    scratch_release(&s);
}

static void test_output_uncommitted_leaves_the_folder_alone(void **state)
{
    (void)state;
    struct scratch s;
    struct safer_err err = {0};
    struct safer_output o;
    scratch_init(&s);
    assert_int_equal(write_set(&s, "a.csv", 0, &err), 0);

    /* Released before the commit: the new folder goes, the old set stays. */
    assert_int_equal(safer_output_init_dir(&o, s.dir, 0, &err), 0);
    assert_int_equal(add_text(&o, "b.csv", "b", &err), 0);
    assert_false(exists(s.dir, "b.csv"));
    safer_output_release(&o);
    assert_string_equal(listing(s.dir), ".safer-output a.csv ");
    assert_string_equal(listing(s.root), "out ");

    /* Something foreign put there during the run: the commit refuses. */
    assert_int_equal(safer_output_init_dir(&o, s.dir, 0, &err), 0);
    assert_int_equal(add_text(&o, "b.csv", "b", &err), 0);
    put_file(s.dir, "late.txt", "mine");
    assert_int_equal(safer_output_commit(&o, &err), SAFER_EINVAL);
    assert_int_equal(add_text(&o, "c.csv", "c", &err), 0); /* still open */
    safer_output_release(&o);
    assert_string_equal(listing(s.dir), ".safer-output a.csv late.txt ");
    assert_string_equal(listing(s.root), "out ");

    /* A folder a killed run left beside it is ignored, and left. */
    sh("rm '%s/late.txt' && mkdir '%s/.out.safer-0badf00d' '%s/.out.safer-old-0badf00d'", s.dir,
       s.root, s.root);
    assert_int_equal(write_set(&s, "d.csv", 0, &err), 0);
    assert_string_equal(listing(s.dir), ".safer-output d.csv ");
    assert_string_equal(listing(s.root), ".out.safer-0badf00d .out.safer-old-0badf00d out ");
    scratch_release(&s);
}

static void test_stream_file_appears_whole(void **state)
{
    (void)state;
    struct scratch s;
    struct safer_err err = {0};
    struct safer_stream st;
    char path[512];
    scratch_init(&s);
    snprintf(path, sizeof(path), "%s/export.csv", s.root);
    put_file(s.root, "export.csv", "old");

    assert_int_equal(safer_stream_open(&st, path, &err), 0);
    safer_buf_puts(&st.buf, "new,");
    assert_int_equal(safer_stream_flush(&st, &err), 0);
    safer_buf_puts(&st.buf, "rows\n");
    assert_string_equal(slurp(s.root, "export.csv"), "old");
    assert_int_equal(safer_stream_commit(&st, &err), 0);
    safer_stream_release(&st);
    assert_string_equal(slurp(s.root, "export.csv"), "new,rows\n");
    assert_string_equal(listing(s.root), "export.csv ");

    /* Not committed: the temporary file goes, the old file stays. */
    assert_int_equal(safer_stream_open(&st, path, &err), 0);
    safer_buf_puts(&st.buf, "half");
    assert_int_equal(safer_stream_flush(&st, &err), 0);
    safer_stream_release(&st);
    assert_string_equal(slurp(s.root, "export.csv"), "new,rows\n");
    assert_string_equal(listing(s.root), "export.csv ");

    /* A link at the path is replaced, not followed. */
    put_file(s.root, "victim", "precious");
    sh("rm '%s' && ln -s victim '%s'", path, path);
    assert_int_equal(safer_stream_open(&st, path, &err), 0);
    safer_buf_puts(&st.buf, "x\n");
    assert_int_equal(safer_stream_commit(&st, &err), 0);
    safer_stream_release(&st);
    assert_string_equal(slurp(s.root, "victim"), "precious");
    assert_string_equal(slurp(s.root, "export.csv"), "x\n");

    /* A folder in the way, or no folder to write in. */
    sh("rm '%s' && mkdir '%s'", path, path);
    assert_int_equal(safer_stream_open(&st, path, &err), 0);
    assert_int_equal(safer_stream_commit(&st, &err), SAFER_EIO);
    safer_stream_release(&st);
    assert_string_equal(listing(s.root), "export.csv victim ");
    snprintf(path, sizeof(path), "%s/no/such/file.csv", s.root);
    safer_err_clear(&err);
    assert_int_equal(safer_stream_open(&st, path, &err), SAFER_EIO);
    assert_non_null(strstr(err.msg, "no/such/file.csv: cannot write"));
    safer_stream_release(&st);
    scratch_release(&s);
}

static void test_stream_memory_and_descriptor(void **state)
{
    (void)state;
    struct safer_err err = {0};
    struct safer_stream st;
    safer_stream_init_memory(&st, 8);
    safer_buf_puts(&st.buf, "abc");
    assert_int_equal(safer_stream_flush(&st, &err), 0);
    assert_int_equal(safer_stream_commit(&st, &err), 0);
    assert_string_equal(st.buf.ptr, "abc");
    safer_buf_puts(&st.buf, "defghij");
    assert_int_equal(safer_stream_commit(&st, &err), SAFER_ETOOBIG);
    safer_stream_release(&st);

    int fds[2];
    assert_int_equal(pipe(fds), 0);
    safer_stream_init_fd(&st, fds[1], "the pipe");
    safer_buf_puts(&st.buf, "through");
    assert_int_equal(safer_stream_commit(&st, &err), 0);
    safer_stream_release(&st);
    char got[16] = "";
    assert_int_equal(read(fds[0], got, sizeof(got) - 1), 7);
    assert_string_equal(got, "through");
    close(fds[0]);
    /* The descriptor is the caller's: still open, and a closed one fails. */
    close(fds[1]);
    safer_err_clear(&err);
    safer_stream_init_fd(&st, fds[1], "the pipe");
    safer_buf_puts(&st.buf, "x");
    assert_int_equal(safer_stream_commit(&st, &err), SAFER_EIO);
    assert_non_null(strstr(err.msg, "the pipe: cannot write"));
    safer_stream_release(&st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_output_in_memory),
        cmocka_unit_test(test_output_rejects_bad_names),
        cmocka_unit_test(test_output_reports_a_full_buffer),
        cmocka_unit_test(test_output_folder_put_in_place),
        cmocka_unit_test(test_output_folder_portable_swap),
        cmocka_unit_test(test_output_refuses_foreign_files),
        cmocka_unit_test(test_output_refuses_what_is_not_a_folder),
        cmocka_unit_test(test_output_keeps_stores),
        cmocka_unit_test(test_output_refuses_bad_manifests),
        cmocka_unit_test(test_output_uncommitted_leaves_the_folder_alone),
        cmocka_unit_test(test_stream_file_appears_whole),
        cmocka_unit_test(test_stream_memory_and_descriptor),
    };
    return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
