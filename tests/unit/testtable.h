/*
 * testtable.h - a reference fixture CSV (as the R scripts of tests/data
 * write them) read into rows of fields: the header line skipped, fields
 * cut in place at commas, surrounding quotes removed (no commas or quotes
 * inside a field). Include after <cmocka.h>: a fixture that cannot be read
 * fails the test.
 */
#ifndef SAFER_TESTTABLE_H
#define SAFER_TESTTABLE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TESTTABLE_FIELDS 8 /* fields kept a row; the rest are ignored */

struct table {
    char *text;
    char *(*rows)[TESTTABLE_FIELDS];
    size_t n;
};

static inline void table_load(struct table *t, const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        fail_msg("cannot open fixture '%s'", path);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    long len = ftell(fp);
    assert_true(len > 0);
    rewind(fp);
    t->text = malloc((size_t)len + 1);
    assert_non_null(t->text);
    assert_int_equal(fread(t->text, 1, (size_t)len, fp), (size_t)len);
    fclose(fp);
    t->text[len] = '\0';
    size_t lines = 0;
    for (long i = 0; i < len; i++)
        lines += t->text[i] == '\n';
    t->rows = calloc(lines + 1, sizeof(*t->rows));
    assert_non_null(t->rows);
    t->n = 0;
    char *p = strchr(t->text, '\n') + 1;
    while (*p) {
        char *eol = strchr(p, '\n');
        if (eol)
            *eol = '\0';
        int k = 0;
        char *f = p;
        for (;;) {
            char *c = strchr(f, ',');
            if (c)
                *c = '\0';
            if (*f == '"') {
                f++;
                f[strlen(f) - 1] = '\0';
            }
            if (k < TESTTABLE_FIELDS)
                t->rows[t->n][k++] = f;
            if (!c)
                break;
            f = c + 1;
        }
        t->n++;
        if (!eol)
            break;
        p = eol + 1;
    }
}

static inline void table_free(struct table *t)
{
    free(t->text);
    free(t->rows);
}

#endif
