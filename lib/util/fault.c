/*
 * fault.c - fault injection for tests: fail the Nth database call,
 * allocation or file write. Inert unless armed; when armed, every counted
 * call costs one atomic increment.
 */
#include "util/compat.h"

#include <stdatomic.h>

#include "safer/lib.h"
#include "util/internal.h"

static atomic_ulong calls[SAFER_FAULT_KINDS];
static atomic_ulong fail_at[SAFER_FAULT_KINDS];

void safer_fault_arm(enum safer_fault_kind kind, unsigned long n)
{
    if ((unsigned)kind >= SAFER_FAULT_KINDS)
        return;
    atomic_store(&calls[kind], 0);
    atomic_store(&fail_at[kind], n);
}

unsigned long safer_fault_calls(enum safer_fault_kind kind)
{
    return (unsigned)kind < SAFER_FAULT_KINDS ? atomic_load(&calls[kind]) : 0;
}

const char *safer_fault_name(enum safer_fault_kind kind)
{
    static const char *const names[SAFER_FAULT_KINDS] = {"db", "alloc", "write"};
    return (unsigned)kind < SAFER_FAULT_KINDS ? names[kind] : NULL;
}

bool safer__fault(enum safer_fault_kind kind)
{
    unsigned long n = atomic_fetch_add_explicit(&calls[kind], 1, memory_order_relaxed) + 1;
    unsigned long at = atomic_load_explicit(&fail_at[kind], memory_order_relaxed);
    return at != 0 && n == at;
}
