/*
 * lookup.h - ONS geography lookups and population denominators.
 *
 * Lookups are recognised by their header: LSOA -> ward (-> district) with
 * columns LSOAyyCD, WDyyCD (and LADyyCD); ward -> district with WDyyCD and
 * LADyyCD; district -> Community Safety Partnership (-> police force area)
 * with LADyyCD and CSPyyCD (and PFAyyCD). Name columns (..NM) are kept when
 * present. Rows replace earlier rows with the same code. Any malformed row
 * fails the whole import with FILE:LINE, and nothing changes.
 */
#ifndef SAFER_LOOKUP_H
#define SAFER_LOOKUP_H

#include <stdbool.h>
#include <stddef.h>

#include "safer/arena.h"
#include "safer/error.h"

struct safer_store;

struct safer_lookup_stats {
    char kind[32]; /* "lsoa-ward", "ward-district" or "district-csp" */
    size_t rows;
    size_t replaced;
};

int safer_lookup_import(struct safer_store *st, const char *path, struct safer_lookup_stats *stats,
                        struct safer_err *err);

/*
 * Population by LSOA or ward from a CSV with a code column (LSOA code,
 * LSOAyyCD, WDyyCD, "LSOA code (2011)", "LSOA 2021 Code", "Ward 2022
 * Code") and a total population column (the first whose name starts with
 * "Total population", or is "population", "All Ages" or "Total"). Numbers
 * may carry thousands separators ("1,296"). The column's heading is kept
 * as the population's basis ("Total population: mid 2015 (excluding
 * prisoners)").
 *
 * An ONS mid-year estimate by single year of age (the layout of ONS's
 * "Lower layer Super Output Area population estimates" from mid-2022:
 * columns F0 to F90 and M0 to M90, 90 meaning 90 and over) is stored by
 * age and sex too, for weighting surveys (survey.h); the ages of each row
 * must sum to its total.
 */
#define SAFER_POPULATION_AGE_MAX 90 /* the last age: 90 and over */
#define SAFER_POPULATION_AGES (2 * (SAFER_POPULATION_AGE_MAX + 1)) /* F0..F90, M0..M90 */

struct safer_population_stats {
    char level[16];   /* "lsoa" or "ward" */
    char basis[256];  /* the population column's heading */
    size_t rows;
    double total;
    bool by_age_sex;  /* F0..M90 were read and stored */
};

int safer_population_import(struct safer_store *st, const char *path,
                            struct safer_population_stats *stats, struct safer_err *err);

/*
 * The residents of the n wards by sex and single year of age, summed into
 * out[SAFER_POPULATION_AGES] (females aged 0..90, then males): each ward's
 * stored estimate, else the sum of its LSOAs' when every LSOA of the
 * lookup has one. 1 when every ward has one; 0 with *missing the first
 * ward that has none when some have one, or *missing NULL when none has;
 * or a negative code.
 */
int safer_population_ages(struct safer_store *st, const char *const *wards, size_t n,
                          double *out, const char **missing, struct safer_err *err);

/*
 * Deprivation by LSOA from the English Indices of Deprivation (File 1 of
 * IoD2019: "LSOA code (2011)", "Index of Multiple Deprivation (IMD) Rank",
 * "Index of Multiple Deprivation (IMD) Decile"; ranks may carry thousands
 * separators). Decile 1 is the most deprived tenth of England's LSOAs.
 * File 2 of IoD2019 (the domains) is recognised by its domain columns
 * ("Income Rank (where 1 is most deprived)" ...): then each domain's rank
 * and decile (profile.h, enum safer_domain) are stored too, for every LSOA
 * of the file, in the same transaction.
 */
struct safer_deprivation_stats {
    size_t rows;
    int domains; /* domains read per LSOA: 0 (File 1) or 7 (File 2) */
};

int safer_deprivation_import(struct safer_store *st, const char *path,
                             struct safer_deprivation_stats *stats, struct safer_err *err);


/* A list of code pairs read back from the lookups. The strings live in
 * the list's arena and go with it. */
struct safer_pairs {
    char **a, **b; /* owned arrays; the strings are in `arena` */
    size_t n;
    struct safer_arena arena;
};
void safer_pairs_release(struct safer_pairs *p);

/* Codes with a number each, sorted by code (byte order). */
struct safer_values {
    char **code;   /* owned array; the strings are in `arena` */
    double *value; /* owned */
    size_t n;
    struct safer_arena arena;
};
void safer_values_release(struct safer_values *v);

/* LSOA code -> ward code, from the LSOA lookup, sorted by LSOA code. */
int safer_lookup_lsoa_wards(struct safer_store *st, struct safer_pairs *out, struct safer_err *err);

/* Ward code -> district code, from the ward and LSOA lookups. */
int safer_lookup_ward_districts(struct safer_store *st, struct safer_pairs *out,
                                struct safer_err *err);

/* The districts of Community Safety Partnership `csp` (empty when unknown),
 * and the partnership's name in *name (malloc'd, or NULL). */
int safer_lookup_csp_districts(struct safer_store *st, const char *csp, struct safer_pairs *out,
                               char **name, struct safer_err *err);

/* The name of district `code` from any lookup: *name is malloc'd, or NULL
 * when no lookup names it. */
int safer_lookup_district_name(struct safer_store *st, const char *code, char **name,
                               struct safer_err *err);

/* LSOA code -> IMD decile. */
int safer_deprivation_list(struct safer_store *st, struct safer_values *out,
                           struct safer_err *err);

/* Area code -> population at `level` ("lsoa" or "ward"), and the basis and
 * source of the figures in *basis (malloc'd, or NULL when none). */
int safer_population_list(struct safer_store *st, const char *level, struct safer_values *out,
                          char **basis, struct safer_err *err);

/* LSOA code -> district code, sorted by LSOA code: the LSOA lookup's
 * district, else the district the ward lookup gives its ward. LSOAs with
 * neither are left out. */
int safer_lookup_lsoa_districts(struct safer_store *st, struct safer_pairs *out,
                                struct safer_err *err);

/* The district -> Community Safety Partnership -> police force area lookup,
 * one row per district, sorted by district code. The strings live in the
 * arena and go with it; a name or force area the file did not give is "". */
struct safer_districts {
    char **code, **name, **csp, **csp_name, **pfa, **pfa_name; /* owned arrays of n */
    size_t n;
    struct safer_arena arena;
};
int safer_lookup_districts(struct safer_store *st, struct safer_districts *out,
                           struct safer_err *err);
void safer_districts_release(struct safer_districts *d);

#endif
