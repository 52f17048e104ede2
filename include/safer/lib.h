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

/* The version, as the build set it ("0.2.0"). */
const char *safer_version(void);

/* The number of online processors (at least 1): what a command-line front
 * end passes as its thread count. */
unsigned safer_cores(void);

/*
 * Fault injection, for tests: make the Nth call of a kind fail as a real
 * failure would. Database calls fail with SAFER_EDB; allocations end the
 * program with "out of memory" (as a real one does: the library's
 * allocations never return NULL); file writes fail with SAFER_EIO. The
 * counters are the library's only process-wide state: atomic, and inert
 * until armed.
 */
enum safer_fault_kind { SAFER_FAULT_DB, SAFER_FAULT_ALLOC, SAFER_FAULT_WRITE, SAFER_FAULT_KINDS };

/* From now on, call `n` (1-based) of `kind` fails; 0 disarms. Restarts the count. */
void safer_fault_arm(enum safer_fault_kind kind, unsigned long n);

/* Calls of `kind` since the program started or the kind was last armed. */
unsigned long safer_fault_calls(enum safer_fault_kind kind);

/* The kind's name ("db", "alloc", "write"), or NULL. */
const char *safer_fault_name(enum safer_fault_kind kind);

#endif
