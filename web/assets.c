/*
 * assets.c - GET /assets/...: the compiled-in files of assets.h, with their
 * content type and a year-long cache (pages name them with ?v= of the
 * build's digest, so a new build's files are fetched anew). A path not in
 * the table is 404: nothing here reads the filesystem.
 */
#include "util/compat.h"

#include <string.h>

#include "assets.h"
#include "web.h"

int assets_get(struct web_req *req, struct web_resp *resp)
{
    for (size_t i = 0; i < web_nassets; i++) {
        const struct web_asset *a = &web_assets[i];
        if (strncmp(a->path, "/assets/", 8) == 0 && strcmp(a->path + 8, req->arg) == 0) {
            resp->content_type = a->type;
            resp->static_body = a->data;
            resp->static_len = a->len;
            resp->cache = "public, max-age=31536000, immutable";
            return 0;
        }
    }
    return SAFER_ENOTFOUND;
}
