/*
 * demo_survey.c - the demo's residents' survey: two fictional waves written
 * as a survey export (survey.csv), its mapping (survey-map.json) and age x
 * sex margins (survey-margins.csv) in the demo's data folder, and stored
 * through the real importer (safer_survey_import), which rakes them to
 * those margins and the store's ward populations.
 *
 * Nothing in it is anyone's answer. The latest wave has 2,350 rows, as the
 * plan's Residents' Survey had responses, drawn so that its weighted
 * estimates come out near the plan's headline figures (94% feel safe in
 * their local area in the day, 60% at night); the earlier wave is a
 * little less safe. Answers depend on age, sex and ward, and the sample
 * over-represents older residents, as postal surveys do, so that the
 * weights have work to do. The draws use a fixed seed: the demo is the
 * same every time.
 *
 * Five questions ask how much of a problem a kind of crime is in the local
 * area, each naming the police.uk category it measures concern about (the
 * public-concern component of section 9's scores). Their answers come
 * from a second seeded stream, so that the answers drawn before them, and
 * the headline figures, are as they were.
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/demo_internal.h"
#include "safer/buf.h"
#include "safer/lookup.h"
#include "safer/survey.h"
#include "util/internal.h"

static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double unif(uint64_t *s)
{
    return (double)(next(s) >> 11) * 0x1.0p-53;
}

static const char *const AGES[] = {"16-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+"};
/* Sampling weights of the raw age groups: the old answer more. */
static const double AGE_DRAW[] = {0.5, 0.8, 1.0, 1.2, 1.5, 1.6, 1.1};
/* The night-time effect of each raw group (logit scale): the young and
 * the oldest feel least safe. */
static const double AGE_NIGHT[] = {-0.2, 0.1, 0.2, 0.15, 0.0, -0.25, -0.6};

static const char *const SCALE[] = {"Very safe", "Fairly safe", "Neither safe nor unsafe",
                                    "Fairly unsafe", "Very unsafe", "Don't know"};
static const char *const ASB[] = {"A very big problem", "A fairly big problem",
                                  "Not a very big problem", "Not a problem at all", "Don't know"};

/* One of the "how much of a problem" questions, in the mapping. */
#define CONCERN_Q(key, column, what, category)                                                  \
    "    {\"key\": \"" key "\", \"column\": \"" column "\",\n"                                  \
    "     \"text\": \"How much of a problem are the following in your local area? " what "\",\n" \
    "     \"label\": \"think " what " is a big problem in their local area\",\n"               \
    "     \"count\": [\"A very big problem\", \"A fairly big problem\"],\n"                     \
    "     \"other\": [\"Not a very big problem\", \"Not a problem at all\"],\n"                 \
    "     \"out\": [\"Don't know\"],\n"                                                         \
    "     \"concern\": [\"" category "\"]}"

/* The concern questions' columns and their levels on the logit scale:
 * how likely an average ward's resident is to call each a big problem. */
#define NCONCERN 5
static const char *const CONCERN_COLUMNS = "Q8a Drug dealing or use,Q8b Burglary,"
                                           "Q8c Vehicle crime,Q8d Vandalism,Q8e Violence";
static const double CONCERN_LEVEL[NCONCERN] = {-0.55, -1.45, -1.0, -1.2, -1.75};
/* How much more a ward that feels less safe sees each as a problem. */
static const double CONCERN_WARD[NCONCERN] = {-0.9, -0.4, -0.5, -0.8, -0.7};

static const char MAP[] =
    "{\n"
    "  \"description\": \"Residents' Survey export (fictional demo data)\",\n"
    "  \"wave\": {\"column\": \"Survey year\"},\n"
    "  \"area\": {\"column\": \"LSOA\", \"kind\": \"lsoa\"},\n"
    "  \"age_band\": {\n"
    "    \"column\": \"Age\",\n"
    "    \"values\": {\"16-24\": \"16-34\", \"25-34\": \"16-34\", \"35-44\": \"35-54\",\n"
    "               \"45-54\": \"35-54\", \"55-64\": \"55-74\", \"65-74\": \"55-74\",\n"
    "               \"75+\": \"75+\"},\n"
    "    \"refused\": [\"Prefer not to say\"]\n"
    "  },\n"
    "  \"sex\": {\n"
    "    \"column\": \"Sex\",\n"
    "    \"values\": {\"Female\": \"Female\", \"Male\": \"Male\"},\n"
    "    \"refused\": [\"Prefer not to say\"]\n"
    "  },\n"
    "  \"questions\": [\n"
    "    {\"key\": \"safe_day\", \"column\": \"Q5a Safety during the day\",\n"
    "     \"text\": \"How safe or unsafe do you feel when outside in your local area during the "
    "day?\",\n"
    "     \"label\": \"feel safe in their local area during the day\",\n"
    "     \"count\": [\"Very safe\", \"Fairly safe\"],\n"
    "     \"other\": [\"Neither safe nor unsafe\", \"Fairly unsafe\", \"Very unsafe\"],\n"
    "     \"out\": [\"Don't know\"]},\n"
    "    {\"key\": \"safe_night\", \"column\": \"Q5b Safety after dark\",\n"
    "     \"text\": \"How safe or unsafe do you feel when outside in your local area after "
    "dark?\",\n"
    "     \"label\": \"feel safe in their local area at night\",\n"
    "     \"count\": [\"Very safe\", \"Fairly safe\"],\n"
    "     \"other\": [\"Neither safe nor unsafe\", \"Fairly unsafe\", \"Very unsafe\"],\n"
    "     \"out\": [\"Don't know\"]},\n"
    "    {\"key\": \"asb_problem\", \"column\": \"Q7 Anti-social behaviour\",\n"
    "     \"text\": \"How much of a problem is anti-social behaviour in your local area?\",\n"
    "     \"label\": \"think anti-social behaviour is a big problem in their local area\",\n"
    "     \"count\": [\"A very big problem\", \"A fairly big problem\"],\n"
    "     \"other\": [\"Not a very big problem\", \"Not a problem at all\"],\n"
    "     \"out\": [\"Don't know\"],\n"
    "     \"concern\": [\"Anti-social behaviour\"]},\n"
    CONCERN_Q("drugs_problem", "Q8a Drug dealing or use", "drug dealing or drug use",
              "Drugs") ",\n"
    CONCERN_Q("burglary_problem", "Q8b Burglary", "burglary", "Burglary") ",\n"
    CONCERN_Q("vehicle_problem", "Q8c Vehicle crime",
              "vehicle crime (theft of or from vehicles)", "Vehicle crime") ",\n"
    CONCERN_Q("damage_problem", "Q8d Vandalism", "vandalism or criminal damage",
              "Criminal damage and arson") ",\n"
    CONCERN_Q("violence_problem", "Q8e Violence", "violence or assault",
              "Violence and sexual offences") "\n"
    "  ]\n"
    "}\n";

/* Fictional age x sex shares of the residents aged 16 and over. */
static const char MARGINS[] = "sex,age_band,ward,population\n"
                              "Female,16-34,,24100\n"
                              "Female,35-54,,24800\n"
                              "Female,55-74,,21300\n"
                              "Female,75+,,9900\n"
                              "Male,16-34,,24600\n"
                              "Male,35-54,,24200\n"
                              "Male,55-74,,20100\n"
                              "Male,75+,,7400\n";

static int write_text(const char *dir, const char *name, const char *text, size_t len,
                      char **path_out, struct safer_err *err)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = safer__xmalloc(n);
    snprintf(path, n, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    int rc = 0;
    if (!f || fwrite(text, 1, len, f) != len)
        rc = safer_err_set(err, SAFER_EIO, "cannot write '%s'", path);
    if (f && fclose(f) != 0 && rc == 0)
        rc = safer_err_set(err, SAFER_EIO, "cannot write '%s'", path);
    if (rc < 0) {
        free(path);
        return rc;
    }
    *path_out = path;
    return 0;
}

static size_t pick(uint64_t *s, const double *w, size_t n)
{
    double t = 0;
    for (size_t i = 0; i < n; i++)
        t += w[i];
    double u = unif(s) * t;
    for (size_t i = 0; i < n; i++) {
        if (u < w[i])
            return i;
        u -= w[i];
    }
    return n - 1;
}

static double expit(double x)
{
    return 1 / (1 + exp(-x));
}

/* One wave's rows: `shift` moves every answer towards feeling safe. The
 * concern questions' answers come from `s2`. */
static void write_wave(struct safer_buf *b, uint64_t *s, uint64_t *s2, const char *year,
                       size_t rows, double shift, const struct safer_pairs *g)
{
    size_t nage = sizeof(AGES) / sizeof(AGES[0]);
    for (size_t i = 0; i < rows; i++) {
        /* Where: an LSOA, every one as likely, so small wards answer less. */
        size_t l = (size_t)(unif(s) * (double)g->n);
        /* A ward's own feeling of safety, fixed by its code. */
        uint64_t h = 0x5AFE;
        for (const char *c = g->b[l]; *c; c++)
            h = h * 31 + (unsigned char)*c;
        double ward_eff = (double)(next(&h) % 1000) / 1000.0 * 1.2 - 0.6;
        size_t age = pick(s, AGE_DRAW, nage);
        bool female = unif(s) < 0.56;
        double u = unif(s);
        const char *sex = u < 0.004 ? "Prefer not to say" : female ? "Female" : "Male";
        const char *agetext = unif(s) < 0.003 ? "Prefer not to say" : AGES[age];
        double day = 3.0 + shift + 0.5 * ward_eff - (age == 6 ? 0.5 : 0);
        double night = 0.58 + shift + ward_eff + AGE_NIGHT[age] - (female ? 0.35 : -0.3);
        double asb = -1.35 - 0.5 * shift - 0.9 * ward_eff + (age <= 1 ? -0.2 : 0.1);
        int ans[3];
        double p[3] = {expit(day), expit(night), expit(asb)};
        for (int q = 0; q < 3; q++) {
            double v = unif(s);
            if (v < 0.02) {
                ans[q] = q == 2 ? 4 : 5; /* Don't know */
                continue;
            }
            bool yes = unif(s) < p[q];
            double r = unif(s);
            if (q == 2)
                ans[q] = yes ? (r < 0.35 ? 0 : 1) : (r < 0.6 ? 2 : 3);
            else
                ans[q] = yes ? (r < 0.45 ? 0 : 1) : (r < 0.4 ? 2 : r < 0.8 ? 3 : 4);
        }
        bool blank_night = unif(s) < 0.01;
        safer_buf_putf(b, "%s,%s,%s,%s,%s,%s,%s", year, g->a[l], agetext, sex, SCALE[ans[0]],
                       blank_night ? "" : SCALE[ans[1]], ASB[ans[2]]);
        for (int q = 0; q < NCONCERN; q++) {
            double x = CONCERN_LEVEL[q] + CONCERN_WARD[q] * ward_eff - 0.4 * shift +
                       (age <= 1 ? 0.15 : 0);
            int a;
            if (unif(s2) < 0.04) {
                a = 4; /* Don't know */
            } else {
                bool yes = unif(s2) < expit(x);
                double r = unif(s2);
                a = yes ? (r < 0.3 ? 0 : 1) : (r < 0.55 ? 2 : 3);
            }
            safer_buf_putf(b, ",%s", ASB[a]);
        }
        safer_buf_puts(b, "\n");
    }
}

int safer__demo_survey(struct safer_store *st, const char *data, struct safer_err *err)
{
    struct safer_pairs g;
    memset(&g, 0, sizeof(g));
    char *csv = NULL, *map = NULL, *margins = NULL;
    struct safer_buf b;
    safer_buf_init(&b, 16u << 20);
    int rc = safer_lookup_lsoa_wards(st, &g, err);
    if (rc == 0 && g.n == 0)
        rc = safer_err_set(err, SAFER_EINVAL, "the demo store has no LSOAs for its survey");
    if (rc == 0) {
        uint64_t s = 20210601, s2 = 20211203;
        safer_buf_puts(&b, "Survey year,LSOA,Age,Sex,Q5a Safety during the day,"
                           "Q5b Safety after dark,Q7 Anti-social behaviour,");
        safer_buf_puts(&b, CONCERN_COLUMNS);
        safer_buf_puts(&b, "\n");
        write_wave(&b, &s, &s2, "2019", 2180, -0.3, &g);
        write_wave(&b, &s, &s2, "2021", 2350, 0, &g);
        rc = safer_buf_error(&b);
    }
    if (rc == 0)
        rc = write_text(data, "survey.csv", b.ptr, b.len, &csv, err);
    if (rc == 0)
        rc = write_text(data, "survey-map.json", MAP, sizeof(MAP) - 1, &map, err);
    if (rc == 0)
        rc = write_text(data, "survey-margins.csv", MARGINS, sizeof(MARGINS) - 1, &margins, err);
    if (rc == 0) {
        struct safer_survey_import_opts o = {.map = map, .margins = margins};
        struct safer_survey_import_stats stats;
        rc = safer_survey_import(st, csv, &o, &stats, err);
    }
    free(csv);
    free(map);
    free(margins);
    safer_buf_release(&b);
    safer_pairs_release(&g);
    return rc;
}
