/*
 * tasks.c - task groups with a thread budget, and a parallel loop on top.
 */
#include "util/compat.h"

#include <stdatomic.h>
#include <unistd.h>

#include "safer/lib.h"
#include "util/internal.h"
#include "util/tasks.h"

void safer__tasks_init(struct safer__tasks *g, unsigned threads)
{
    atomic_init(&g->budget, threads > 1 ? threads - 1 : 0);
}

/* Take a thread from the budget; 0 when none is left. */
static int take(struct safer__tasks *g)
{
    unsigned b = atomic_load(&g->budget);
    while (b > 0) {
        if (atomic_compare_exchange_weak(&g->budget, &b, b - 1))
            return 1;
    }
    return 0;
}

void safer__tasks_start(struct safer__tasks *g, struct safer__task *t, void *(*fn)(void *),
                        void *arg)
{
    t->fn = fn;
    t->arg = arg;
    t->threaded = 0;
    if (take(g)) {
        if (pthread_create(&t->tid, NULL, fn, arg) == 0) {
            t->threaded = 1;
            return;
        }
        atomic_fetch_add(&g->budget, 1);
    }
    fn(arg);
}

void safer__tasks_join(struct safer__tasks *g, struct safer__task *t)
{
    if (!t->threaded)
        return;
    pthread_join(t->tid, NULL);
    t->threaded = 0;
    atomic_fetch_add(&g->budget, 1);
}

struct loop {
    void (*fn)(void *ctx, size_t i);
    void *ctx;
    size_t n;
    atomic_size_t next;
};

static void *loop_run(void *arg)
{
    struct loop *l = arg;
    for (;;) {
        size_t i = atomic_fetch_add_explicit(&l->next, 1, memory_order_relaxed);
        if (i >= l->n)
            return NULL;
        l->fn(l->ctx, i);
    }
}

void safer__parallel_for(struct safer__tasks *g, size_t n, void (*fn)(void *ctx, size_t i),
                         void *ctx)
{
    enum { MAX_HELPERS = 63 };
    struct loop l = {fn, ctx, n, 0};
    struct safer__task t[MAX_HELPERS];
    size_t started = 0;
    while (started < MAX_HELPERS && started + 1 < n && atomic_load(&g->budget) > 0)
        safer__tasks_start(g, &t[started++], loop_run, &l);
    loop_run(&l);
    for (size_t k = 0; k < started; k++)
        safer__tasks_join(g, &t[k]);
}

unsigned safer_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1u : (unsigned)n;
}
