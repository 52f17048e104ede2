/*
 * cmd_digest.c - `safer digest [--partnership CODE] [--lead EMAIL]`: each
 * lead's actions that are overdue or due within 30 days, one block a
 * person, for a mailer or a meeting pack. Actions with a lead organisation
 * and no lead person come last, under their organisation.
 */
#include "util/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli.h"
#include "safer/action.h"
#include "safer/arena.h"
#include "safer/partnership.h"
#include "safer/store.h"

enum { O_PARTNERSHIP, O_LEAD };
static const struct cli_opt opts[] = {
    [O_PARTNERSHIP] = {"partnership", "CODE", "the partnership (default: the store's only one)"},
    [O_LEAD] = {"lead", "EMAIL", "only this person's list"},
    {NULL, NULL, NULL},
};
static const struct cli_spec spec = {
    "usage: safer [--db PATH|URL] digest [--partnership CODE] [--lead EMAIL]\n",
    "Writes each lead's due work: their actions that are overdue, or due in\n"
    "the next 30 days and not finished, most overdue first; a block a person,\n"
    "headed 'To: EMAIL (NAME)', for a mailer or a meeting pack. Actions led by\n"
    "an organisation with no lead person follow, a block an organisation.\n",
    opts, 0, 0, 0, NULL};

/* Most overdue first, then by due date, then by title. */
static int by_lead_due(const void *pa, const void *pb)
{
    const struct safer_action *a = pa, *b = pb;
    const char *la = a->lead_email ? a->lead_email : "", *lb = b->lead_email ? b->lead_email : "";
    int c = (*la == '\0') - (*lb == '\0'); /* people before organisations */
    if (!c)
        c = strcmp(la, lb);
    if (!c && !*la)
        c = strcmp(a->lead_org ? a->lead_org : "", b->lead_org ? b->lead_org : "");
    if (!c)
        c = strcmp(a->due_date ? a->due_date : "9999", b->due_date ? b->due_date : "9999");
    if (!c)
        c = strcmp(a->title, b->title);
    return c;
}

int cmd_digest(int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(&spec, argc, argv, &args);
    if (status >= 0)
        return status;
    const char *lead = args.val[O_LEAD];
    struct safer_store *st = cli_open_store(CLI_STORE_EXISTING);
    if (!st)
        return EXIT_FAILED;
    struct safer_err err = {0};
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_partnership p;
    struct safer_actor op;
    int rc = cli_find_partnership(st, args.val[O_PARTNERSHIP], &arena, &p, &op, &err);
    struct safer_action *list = NULL;
    size_t n = 0;
    if (rc == 0) {
        struct safer_action_query q = {.due_only = true};
        rc = safer_action_list(st, &op, &q, (int64_t)time(NULL), &arena, &list, &n, &err);
    }
    safer_store_close(st);
    if (rc < 0) {
        safer_arena_release(&arena);
        return cli_fail(&err, rc);
    }
    qsort(list, n, sizeof(*list), by_lead_due);
    const char *prev = NULL;
    size_t shown = 0;
    for (size_t i = 0; i < n; i++) {
        const struct safer_action *a = &list[i];
        const char *who = a->lead_email ? a->lead_email : a->lead_org;
        if (!who || (lead && (!a->lead_email || strcasecmp(lead, a->lead_email) != 0)))
            continue;
        if (!prev || strcmp(prev, who) != 0) {
            if (a->lead_email)
                printf("%sTo: %s (%s)\n", shown ? "\n" : "", a->lead_email,
                       a->lead_name ? a->lead_name : "");
            else
                printf("%sLed by: %s (no lead person)\n", shown ? "\n" : "", a->lead_org);
            prev = who;
        }
        if (a->days_overdue > 0)
            printf("  overdue %lld day%s: %s (due %s, %s, %d%%)\n", (long long)a->days_overdue,
                   a->days_overdue == 1 ? "" : "s", a->title, a->due_date ? a->due_date : "",
                   safer_action_status_label(a->status), a->progress);
        else
            printf("  due %s: %s (%s, %d%%)\n", a->due_date ? a->due_date : "", a->title,
                   safer_action_status_label(a->status), a->progress);
        shown++;
    }
    if (shown == 0)
        printf("no actions due in the next 30 days or overdue in %s%s%s\n", p.code,
               lead ? " for " : "", lead ? lead : "");
    safer_arena_release(&arena);
    return EXIT_OK;
}
