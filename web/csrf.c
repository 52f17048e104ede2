/*
 * csrf.c - the form token (WEB-02). Every form that posts carries a hidden
 * csrf_token; the server compares it, before any handler runs, with
 *   - the session's token (account.h: safer_actor.csrf), when signed in;
 *   - else the pre-session token of the csrf cookie, set by the page that
 *     drew the form (sign-in, account set-up): a page of another site can
 *     neither read nor set that cookie (HttpOnly, SameSite=Strict), so it
 *     cannot forge the pair.
 * Comparison is in constant time (auth.h: safer_token_equal).
 */
#include "util/compat.h"

#include <string.h>

#include "safer/auth.h"
#include "web.h"

char *web_random_token(struct web_req *req)
{
    char *t = safer_arena_alloc(req->arena, SAFER_TOKEN_SIZE);
    safer_token_new(t);
    return t;
}

const char *web_csrf_token(struct web_req *req, struct web_resp *resp)
{
    if (req->signed_in)
        return req->actor.csrf;
    if (!req->pre_csrf) {
        req->pre_csrf = web_random_token(req);
        web_set_cookie(req, resp, WEB_COOKIE_CSRF, req->pre_csrf, -1);
    }
    return req->pre_csrf;
}

bool web_csrf_ok(const struct web_req *req)
{
    const char *sent = web_param(&req->form, "csrf_token");
    if (!sent || !*sent || web_param_count(&req->form, "csrf_token") != 1)
        return false;
    const char *want = req->signed_in ? req->actor.csrf : req->pre_csrf;
    if (!want || strlen(want) != SAFER_TOKEN_SIZE - 1 || strlen(sent) != SAFER_TOKEN_SIZE - 1)
        return false;
    return safer_token_equal(sent, want);
}
