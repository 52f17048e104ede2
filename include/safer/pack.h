/*
 * pack.h - the papers a partnership takes to its meetings, each one
 * self-contained HTML document (inline CSS and SVG, no script, nothing
 * fetched) that prints on A4: a cover (the partnership, the date, the
 * plan's period), then a section a priority, each starting a new page,
 * with a running footer and page numbers (docs/workspace.md, Packs).
 *
 *  - The executive pack, for the executive group's quarterly meeting: the
 *    status (RAG) of each priority, the decisions asked of the group, and
 *    under each priority its indicators off target with their trend
 *    charts, its overdue actions with their leads and days overdue, and
 *    the updates of the last 90 days. It names people: the actor needs
 *    SAFER_PERM_VIEW_PLAN, which the library's calls it reads through
 *    (action.h, indicator.h) decide.
 *  - The scrutiny pack, for the council's crime and disorder committee
 *    (elected members): a summary in plain words, the priorities, each
 *    indicator with its status and trend, and the actions of each priority
 *    counted by status. Aggregates only: SAFER_PERM_VIEW_AGGREGATE, no
 *    person named, and computed counts from 1 to public_min - 1 suppressed
 *    whatever the actor's role, so that a coordinator's copy is the
 *    members' copy.
 *
 * The output depends only on the store and `now` (the pack's date).
 */
#ifndef SAFER_PACK_H
#define SAFER_PACK_H

#include <stdint.h>

#include "safer/account.h"
#include "safer/buf.h"
#include "safer/error.h"

struct safer_store;

enum safer_pack_kind { SAFER_PACK_EXECUTIVE = 0, SAFER_PACK_SCRUTINY };

/* "executive", "scrutiny". */
const char *safer_pack_name(enum safer_pack_kind kind);
/* SAFER_EINVAL, naming the kinds, for another name. */
int safer_pack_parse(const char *name, enum safer_pack_kind *out, struct safer_err *err);

/* Days of updates the executive pack shows. */
#define SAFER_PACK_RECENT_DAYS 90
/* Long overdue: an action overdue by more than this many days is a
 * decision asked of the executive group. */
#define SAFER_PACK_LONG_OVERDUE 90

/*
 * Append the pack of `kind` of the actor's partnership, as at `now`, to
 * `out`. SAFER_EDENIED (audited by the call that refused) when the actor
 * may not read it, SAFER_ENOTFOUND when the partnership has no plan, the
 * store's errors, or the buffer's (SAFER_ETOOBIG past its cap).
 */
int safer_pack_render(struct safer_store *st, const struct safer_actor *actor,
                      enum safer_pack_kind kind, int64_t now, struct safer_buf *out,
                      struct safer_err *err);

#endif
