/*
 * store_harm.c - the partnership's own harm weights (harm.h; table
 * harm_weight of schema 6): stored a file at a time, read over the
 * built-in default.
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "safer/harm.h"
#include "store/store_impl.h"
#include "store/store_internal.h"
#include "util/internal.h"

int safer_harm_import(struct safer_store *st, const char *path, struct safer_err *err)
{
    char *data = NULL;
    size_t len = 0;
    struct safer_harm_weights *w = safer__xmalloc(sizeof(*w));
    struct safer__stmt *ins = NULL;
    /* A weights file has 15 short rows; 1 MiB is far more than any needs. */
    int rc = safer__read_file(path, 1u << 20, "1 MiB for a harm weights file", &data, &len, err);
    if (rc < 0)
        goto out;
    int rows = safer_harm_parse(data, len, path, SAFER_HARM_PARTNERSHIP, w, err);
    if (rows < 0) {
        rc = rows;
        goto out;
    }
    /* Everything is checked before the store is touched: all or nothing. */
    rc = safer__store_begin_write(st, err);
    if (rc < 0)
        goto out;
    rc = safer__db_exec(st->db, "DELETE FROM harm_weight", err);
    if (rc == 0)
        rc = safer__prep(st, "INSERT INTO harm_weight(crime_type, weight, source) VALUES(?, ?, ?)",
                         &ins, err);
    for (int k = 0; rc == 0 && k < SAFER_HARM_NCATS; k++) {
        if (w->origin[k] == SAFER_HARM_NONE)
            continue;
        safer__stmt_reset(ins);
        safer__bind_text(ins, 1, safer_harm_categories[k]);
        safer__bind_double(ins, 2, w->weight[k]);
        safer__bind_text(ins, 3, w->source[k]);
        rc = safer__step_done(ins, err);
    }
    safer__stmt_finalize(ins);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0)
        safer__store_rollback(st);
    else
        rc = rows;
out:
    free(data);
    free(w);
    return rc;
}

int safer__harm_read(struct safer_store *st, struct safer_harm_weights *out,
                     struct safer_err *err)
{
    safer_harm_default(out);
    struct safer__stmt *s;
    int rc = safer__prep(st, "SELECT crime_type, weight, source FROM harm_weight", &s, err);
    if (rc < 0)
        return rc;
    while ((rc = safer__step(s, err)) == 1) {
        const char *t = safer__col_text(s, 0), *src = safer__col_text(s, 2);
        int k = t ? safer_harm_category(t) : -1;
        double v = safer__col_double(s, 1);
        if (k < 0 || !isfinite(v) || v < 0)
            continue; /* not ours to judge here: the import checks */
        out->weight[k] = v;
        out->origin[k] = SAFER_HARM_PARTNERSHIP;
        out->traced[k] = -1;
        out->lines[k] = 0;
        snprintf(out->source[k], sizeof(out->source[k]), "%s", src ? src : "");
    }
    safer__stmt_finalize(s);
    return rc < 0 ? rc : 0;
}

int safer_harm_load(struct safer_store *st, struct safer_harm_weights *out, struct safer_err *err)
{
    int rc = safer__store_begin_read(st, err);
    if (rc < 0)
        return rc;
    rc = safer__harm_read(st, out, err);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    else
        safer__store_rollback(st);
    return rc;
}
