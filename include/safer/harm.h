/*
 * harm.h - severity weights per police.uk category, and the harm they give.
 *
 * Harm is a count weighted by how serious its records are: the harm of a
 * set of records is the sum over them of their category's weight
 * (docs/statistics.md, Harm). safer carries a default weight for each of
 * the 14 police.uk categories, data/harm/weights.csv, built into the
 * program (no file is read at run time); its source, and which weights can
 * be traced to that source and which are estimates, are in
 * data/harm/README.md. A partnership replaces the default of any category
 * with its own weight (`safer import harm-weights FILE.csv`, stored in
 * table harm_weight); the categories it does not give keep the default.
 *
 * A weights file is CSV with a header row naming at least the columns
 * crime_type, weight and source (in any order; others, such as traced and
 * note, are read when present and otherwise ignored). Each row names one
 * of the 14 categories at most once, with a finite weight from 0 to
 * SAFER_HARM_WEIGHT_MAX and a source that is not empty. A mistake fails
 * the whole file with SAFER_EPARSE and "FILE:LINE: column: what".
 */
#ifndef SAFER_HARM_H
#define SAFER_HARM_H

#include <stddef.h>

#include "safer/error.h"

struct safer_store;

/* The police.uk categories (DESIGN.md), in byte order. */
#define SAFER_HARM_NCATS 14
extern const char *const safer_harm_categories[SAFER_HARM_NCATS];

/* The largest weight accepted. */
#define SAFER_HARM_WEIGHT_MAX 1e9

/* Bytes in a source or note. */
#define SAFER_HARM_TEXT_MAX 1024

/* Where a category's weight came from. */
enum safer_harm_origin {
    SAFER_HARM_NONE = 0,   /* no weight (only in a parsed file's categories it leaves out) */
    SAFER_HARM_DEFAULT,    /* data/harm/weights.csv, built in */
    SAFER_HARM_PARTNERSHIP /* the partnership's own, from the store */
};

struct safer_harm_weights {
    double weight[SAFER_HARM_NCATS];              /* NaN where origin is NONE */
    enum safer_harm_origin origin[SAFER_HARM_NCATS];
    char source[SAFER_HARM_NCATS][SAFER_HARM_TEXT_MAX]; /* "" where none */
    /* The traced column: 1 yes, 0 no, -1 not given. */
    int traced[SAFER_HARM_NCATS];
    size_t lines[SAFER_HARM_NCATS]; /* the file's line of each, 0 when none */
};

/* The index of police.uk category `name` in safer_harm_categories, or -1. */
int safer_harm_category(const char *name);

/*
 * Parse weights file `data` (len bytes; `path` names it in messages) into
 * *out, every category first set to origin NONE and weight NaN, then each
 * row's to `origin`. Returns the number of rows, or SAFER_EPARSE (`err`:
 * "path:line: column: what": an unknown category, a weight that is not a
 * number, negative or over SAFER_HARM_WEIGHT_MAX, a category given twice,
 * an empty source or one over SAFER_HARM_TEXT_MAX bytes, a missing
 * column, a malformed row) or SAFER_ETOOBIG (a row over a CSV limit).
 */
int safer_harm_parse(const char *data, size_t len, const char *path,
                     enum safer_harm_origin origin, struct safer_harm_weights *out,
                     struct safer_err *err);

/* The bytes of the built-in data/harm/weights.csv. */
const char *safer_harm_default_csv(size_t *len);

/* The built-in default weights: every category, origin DEFAULT. */
void safer_harm_default(struct safer_harm_weights *out);

/*
 * Store the weights in file `path` as the partnership's own (table
 * harm_weight), replacing every row stored before, in one transaction: a
 * file with any mistake changes nothing. Returns the number of categories
 * stored, or the parser's error, SAFER_EIO, SAFER_EDB.
 */
int safer_harm_import(struct safer_store *st, const char *path, struct safer_err *err);

/*
 * The weights in force: the default, with each category the store holds a
 * weight for replaced by that (origin PARTNERSHIP). Reads in its own read
 * transaction. SAFER_EDB on a store error; a stored row of an unknown
 * category is ignored.
 */
int safer_harm_load(struct safer_store *st, struct safer_harm_weights *out, struct safer_err *err);

/* ---- Hot spots over time (docs/statistics.md) ---- */

/* A grid square's class over consecutive periods. */
enum safer_persist_class {
    SAFER_PERSIST_NEVER = 0,    /* a hot spot in no period */
    SAFER_PERSIST_INTERMITTENT, /* a hot spot in some period, and none of the below */
    SAFER_PERSIST_FORMER,       /* hot before the recent periods, not in them */
    SAFER_PERSIST_EMERGING,     /* hot in the recent periods, not before them */
    SAFER_PERSIST_PERSISTENT,   /* hot in at least 80% of the periods */
    SAFER_PERSIST_NCLASSES
};

/* The recent periods of nperiods: max(1, floor(nperiods / 5)). */
size_t safer_persist_recent(size_t nperiods);

/*
 * The class of a square that was a hot spot (Gi* hot95 or hot99) in the
 * periods p where hot[p] is non-zero, p = 0 (oldest) .. nperiods - 1
 * (latest), nperiods >= 2. Rules, first that holds (R =
 * safer_persist_recent(nperiods), h hot periods, h_recent of the last R,
 * h_older of the first nperiods - R):
 *   persistent    5 h >= 4 nperiods
 *   emerging      h_older = 0 and h_recent >= 1
 *   former        h_older >= 1 and h_recent = 0
 *   intermittent  h >= 1
 *   never         otherwise.
 * SAFER_PERSIST_NEVER for nperiods < 2.
 */
enum safer_persist_class safer_persist_classify(const unsigned char *hot, size_t nperiods);

/* "persistent", "emerging", "former", "intermittent", "never"; NULL out of range. */
const char *safer_persist_class_name(enum safer_persist_class c);

#endif
