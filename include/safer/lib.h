/*
 * lib.h - the library as a whole: its version, and the thread count a front
 * end passes to the calls that can use more than one thread.
 *
 * The library keeps no mutable state of its own: everything lives in the
 * objects a caller holds, so any number of threads may call it, each with
 * its own store handle. No call starts a thread unless its caller gives it
 * a thread count above 1.
 */
#ifndef SAFER_LIB_H
#define SAFER_LIB_H

/* The version, as the build set it ("0.1.0"). */
const char *safer_version(void);

/* The number of online processors (at least 1): what a command-line front
 * end passes as its thread count. */
unsigned safer_cores(void);

#endif
