/*
 * publish.c - publish a strategic assessment: both editions computed into
 * memory, then stored as one edition (publish.h).
 */
#include "util/compat.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "safer/output.h"
#include "safer/publish.h"

/* A real date, "YYYY-MM-DD", no later than the UTC day of `now`. */
static int check_date(const char *d, int64_t now, struct safer_err *err)
{
    int y, m, day;
    char tail;
    if (!d || !*d)
        return safer_err_set(err, SAFER_EINVAL,
                             "say when the group approved the assessment (YYYY-MM-DD)");
    if (strlen(d) != 10 || d[4] != '-' || d[7] != '-' ||
        sscanf(d, "%4d-%2d-%2d%c", &y, &m, &day, &tail) != 3 || y < 1900 || m < 1 || m > 12 ||
        day < 1)
        return safer_err_set(err, SAFER_EINVAL,
                             "the approval date '%s' is not a date like 2026-03-31", d);
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (day > mdays[m - 1] + (m == 2 && leap))
        return safer_err_set(err, SAFER_EINVAL, "the approval date '%s' is not a real date", d);
    time_t t = (time_t)now;
    struct tm tm;
    gmtime_r(&t, &tm);
    char today[16];
    strftime(today, sizeof(today), "%Y-%m-%d", &tm);
    if (strcmp(d, today) > 0)
        return safer_err_set(err, SAFER_EINVAL,
                             "the approval date %s is after today (%s): publish once the group "
                             "has approved it",
                             d, today);
    return 0;
}

static void month_text(int32_t m, char out[16])
{
    snprintf(out, 16, "%04d-%02d", (int)(m / 12), (int)(m % 12) + 1);
}

int safer_publish(struct safer_store *st, const struct safer_actor *actor,
                  const struct safer_publish_opts *opts, int64_t now, int *edition,
                  struct safer_err *err)
{
    int rc = check_date(opts->approved_on, now, err);
    if (rc < 0)
        return rc;
    struct safer_arena arena;
    safer_arena_init(&arena);
    const char *code, *name, *area;
    rc = safer_publish_target(st, actor, opts->partnership, SAFER_PERM_EDIT_PLAN, &arena, &code,
                              &name, &area, err);
    if (rc < 0) {
        safer_arena_release(&arena);
        return rc;
    }

    struct safer_assess_opts o = opts->assess;
    if (!o.area)
        o.area = area;
    if (!o.title)
        o.title = name;
    struct safer_output members, pub;
    safer_output_init(&members);
    safer_output_init(&pub);
    struct safer_assessment a, ap;
    o.public_edition = 0;
    rc = safer_assess_run(st, &o, &members, &a, err);
    if (rc < 0)
        goto out_outputs;
    o.public_edition = 1;
    rc = safer_assess_run(st, &o, &pub, &ap, err);
    if (rc < 0)
        goto out_members;

    /* The files the members' edition was computed from (the public one
     * reads the same snapshot's publications). */
    size_t nin = 0;
    struct safer_published_input *in =
        safer_arena_alloc(&arena, (a.npublications ? a.npublications : 1) * sizeof(*in));
    for (size_t i = 0; i < a.npublications; i++) {
        if (!safer_assessment_pub_in_area(&a, i))
            continue;
        const struct safer_publication *p = &a.publications[i];
        char m[16];
        month_text(p->month, m);
        in[nin].force = p->force;
        in[nin].month = safer_arena_strdup(&arena, m);
        in[nin].file = p->file;
        in[nin].checksum = p->checksum;
        in[nin].records = a.pub_area ? a.pub_area[i] : p->rows;
        nin++;
    }
    int64_t records = 0;
    for (size_t w = 0; w < a.nwards; w++)
        records += a.ward_latest[w];
    char from[16], to[16];
    month_text(a.l12_start, from);
    month_text(a.latest, to);
    struct safer_published meta = {
        .title = a.title,
        .area = o.area,
        .period_from = from,
        .period_to = to,
        .approved_by = opts->approved_by,
        .approved_on = opts->approved_on,
        .records = records,
    };
    rc = safer_published_add(st, actor, code, &meta, in, nin, &members, &pub, now, edition, err);

    safer_assessment_release(&ap);
out_members:
    safer_assessment_release(&a);
out_outputs:
    safer_output_release(&members);
    safer_output_release(&pub);
    safer_arena_release(&arena);
    return rc;
}

int safer_report_live(struct safer_store *st, const struct safer_actor *actor,
                      bool public_edition, const struct safer_assess_opts *opts,
                      struct safer_output *out, struct safer_err *err)
{
    struct safer_arena arena;
    safer_arena_init(&arena);
    const char *code, *name, *area;
    int rc = safer_publish_target(st, actor, NULL,
                                  public_edition ? SAFER_PERM_VIEW_PUBLIC : SAFER_PERM_VIEW_PLAN,
                                  &arena, &code, &name, &area, err);
    if (rc == 0) {
        struct safer_assess_opts o = *opts;
        if (!o.area)
            o.area = area;
        if (!o.title)
            o.title = name;
        o.public_edition = public_edition;
        struct safer_assessment a;
        rc = safer_assess_run(st, &o, out, &a, err);
        if (rc == 0)
            safer_assessment_release(&a);
    }
    safer_arena_release(&arena);
    return rc;
}
