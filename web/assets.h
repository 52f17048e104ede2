/*
 * assets.h - the files the pages load (govuk-frontend's CSS, script, fonts
 * and images, and our own safer.css and safer.js), compiled into the
 * program by CMake from web/node_modules/govuk-frontend and web/assets/.
 * No path of a request ever reaches the filesystem: a request names an
 * entry of this table or gets 404.
 */
#ifndef SAFER_WEB_ASSETS_H
#define SAFER_WEB_ASSETS_H

#include <stddef.h>

struct web_asset {
    const char *path; /* "/assets/fonts/light-94a07e06a1-v2.woff2" */
    const char *type; /* "font/woff2" */
    const unsigned char *data;
    size_t len;
};

/* Generated at configure time (CMakeLists.txt). */
extern const struct web_asset web_assets[];
extern const size_t web_nassets;
/* A digest of every asset's bytes: pages load "/assets/x.css?v=VERSION" so
 * that a new build's files are fetched despite the year-long cache. */
extern const char web_assets_version[];

#endif
