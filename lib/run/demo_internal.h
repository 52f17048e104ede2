/*
 * demo_internal.h - the demo's parts beyond police.uk data, each in its
 * own file: synthetic files written beside the police.uk ones under
 * `data` and stored through the real importers.
 */
#ifndef SAFER_RUN_DEMO_INTERNAL_H
#define SAFER_RUN_DEMO_INTERNAL_H

#include "safer/error.h"

struct safer_store;

/* demo: surveys */
/* demo: visits */
/* demo: partner */

#endif
