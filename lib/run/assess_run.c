/*
 * assess_run.c - the assessment as one job: compute, then the CSV files and
 * the report into an output set. It sits above assess/ and render/ (the
 * report reads an assessment), so that neither has to include the other.
 */
#include "util/compat.h"

#include "util/tasks.h"
#include "safer/assess.h"
#include "safer/buf.h"
#include "safer/limits.h"
#include "safer/output.h"
#include "safer/report.h"

struct report_job {
    const struct safer_assessment *a;
    struct safer_buf html;
    int rc;
    struct safer_err err;
};

static void *render_report(void *arg)
{
    struct report_job *j = arg;
    j->rc = safer_report_render(j->a, &j->html, &j->err);
    return NULL;
}

int safer_assess_run(struct safer_store *st, const struct safer_assess_opts *opts,
                     struct safer_output *out, struct safer_assessment *a, struct safer_err *err)
{
    int rc = safer_assess_compute(st, opts, a, err);
    if (rc < 0)
        return rc;
    /* The report and the CSV files only read the assessment: make both at
     * once. The report goes into the set after the CSV files, so the set's
     * writes come in the same order whatever the thread count. */
    struct safer__tasks g;
    struct safer__task t;
    struct report_job rj = {.a = a, .rc = 0};
    safer_buf_init(&rj.html, SAFER_LIMIT_REPORT);
    safer__tasks_init(&g, opts->threads);
    safer__tasks_start(&g, &t, render_report, &rj);
    rc = safer_assess_write_csv(a, out, err);
    safer__tasks_join(&g, &t);
    if (rc == 0 && rj.rc < 0)
        rc = safer_err_set(err, rj.rc, "%s", safer_err_msg(&rj.err, rj.rc));
    if (rc == 0)
        rc = safer_output_add(out, "index.html", &rj.html, err);
    safer_buf_release(&rj.html);
    if (rc < 0)
        safer_assessment_release(a);
    return rc;
}
