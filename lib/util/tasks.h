/*
 * tasks.h - the threads a library call may use, and no more.
 *
 * A library call starts no thread of its own accord: its caller says how
 * many threads it may use (the CLI passes the number of cores, a server what
 * its pool allows), and the call runs its parallel parts through a task
 * group with that budget. A task started when the budget is spent runs on
 * the calling thread there and then, so a call's results never depend on
 * how many threads it had: every task writes only its own outputs.
 */
#ifndef SAFER_TASKS_H
#define SAFER_TASKS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

struct safer__task {
    void *(*fn)(void *arg);
    void *arg;
    pthread_t tid;
    int threaded; /* running on a thread of its own, to be joined */
};

struct safer__tasks {
    _Atomic unsigned budget; /* threads besides the calling one that may still
                                start; tasks may start tasks of their own */
};

/* A group that may use `threads` threads in all, the calling one included
 * (0 counts as 1: the calling thread only). */
void safer__tasks_init(struct safer__tasks *g, unsigned threads);

/* Run fn(arg): on a new thread when the budget allows, else now, here. */
void safer__tasks_start(struct safer__tasks *g, struct safer__task *t, void *(*fn)(void *),
                        void *arg);

/* Wait for a started task (a task run inline is already done); returns its
 * thread to the budget. Joining twice does nothing. */
void safer__tasks_join(struct safer__tasks *g, struct safer__task *t);

/*
 * Run fn(ctx, i) for every i in [0, n) on the calling thread and as many
 * of the group's spare threads as help, each taking the next index in
 * turn. Returns when all are done, with the threads back in the budget.
 */
void safer__parallel_for(struct safer__tasks *g, size_t n, void (*fn)(void *ctx, size_t i),
                         void *ctx);

#endif
