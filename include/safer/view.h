/*
 * view.h - a page drawn once for everyone who would be shown the same.
 *
 * The dashboard a coordinator sees is the one every coordinator of the
 * partnership sees that day, until something in the store changes. A front
 * end may hand the store the part of a page it drew from the store's
 * records (not its own header, which names the person), and ask for it
 * back on the next request. The store decides who shares it (the same
 * partnership, the same role as the store's access decision finds it, the
 * same day) and for how long (until the next change to the store, which
 * moves its generation), and it decides access first: a person who may
 * not see the page gets SAFER_EDENIED, audited, as the calls the page was
 * drawn from would have answered.
 *
 * Call inside a read scope (safer_store_read_begin()), so that the access
 * decision, the generation and the records are of one snapshot. A handle
 * keeps a view for itself (one handle, one thread): a server with several
 * handles draws a page once on each.
 */
#ifndef SAFER_VIEW_H
#define SAFER_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "safer/account.h"
#include "safer/error.h"

struct safer_store;

/* Pages a front end keeps (the number is the front end's choice). */
enum safer_view_page {
    SAFER_VIEW_DASHBOARD = 1,
    SAFER_VIEW_INDICATOR_JSON, /* one indicator's series (`item`: its id) */
    SAFER_VIEW_WARDS,          /* the wards; one ward's profile (`item`: its code) */
    SAFER_VIEW_SURVEYS,
};

/*
 * The view of `page` (of record `item` on a page of one record, else NULL)
 * kept for those who see what `actor` sees, at `now` (Unix time): 1 with
 * *bytes and *len set (valid until the next call on the handle), 0 when
 * none is kept (draw the page, then safer_view_keep()), or an error:
 * SAFER_EDENIED when the actor may not have `perm`.
 */
int safer_view_find(struct safer_store *st, const struct safer_actor *actor,
                    enum safer_view_page page, const char *item, enum safer_perm perm,
                    int64_t now, const char **bytes, size_t *len, struct safer_err *err);

/* Keep `len` bytes as that view. Only after a find that answered 0 in the
 * same read scope, with nothing changed between: then it is what those
 * actors would be shown. Keeping nothing is not an error. */
void safer_view_keep(struct safer_store *st, const struct safer_actor *actor,
                     enum safer_view_page page, const char *item, int64_t now,
                     const char *bytes, size_t len);

#endif
