/*
 * page_pack.c - the packs as documents of their own (pack.h):
 * GET /packs/executive (view-plan) and GET /packs/scrutiny
 * (view-aggregate). Each is one HTML file with inline styles and no
 * script, served under the documents' policy (WEB_DOCUMENT_CSP) as the
 * assessment report is, for the browser to print on A4. What a person may
 * read the library decides: the route's permission is the first gate, the
 * library's calls the second.
 */
#include "util/compat.h"

#include "page.h"
#include "safer/pack.h"

static int send_pack(struct web_req *req, struct web_resp *resp, enum safer_pack_kind kind)
{
    int rc = safer_pack_render(req->st, &req->actor, kind, req->now, &resp->body, &req->err);
    if (rc < 0) {
        safer_buf_reset(&resp->body);
        resp->body.err = 0;
        return rc;
    }
    resp->content_type = "text/html; charset=utf-8";
    resp->csp = WEB_DOCUMENT_CSP;
    resp->private_page = true;
    return 0;
}

int page_pack_executive_get(struct web_req *req, struct web_resp *resp)
{
    return send_pack(req, resp, SAFER_PACK_EXECUTIVE);
}

int page_pack_scrutiny_get(struct web_req *req, struct web_resp *resp)
{
    return send_pack(req, resp, SAFER_PACK_SCRUTINY);
}
