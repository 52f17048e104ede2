/*
 * arena.c - blocks that double from 4 KiB up to 1 MiB; an allocation
 * larger than a quarter of the next block gets a block of its own, so a
 * large item never wastes a block's tail.
 */
#include "util/compat.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "safer/arena.h"
#include "util/internal.h"

struct safer_arena_block {
    struct safer_arena_block *next; /* older */
    size_t cap;
    alignas(max_align_t) unsigned char data[];
};

#define FIRST_BLOCK 4096u
#define MAX_BLOCK (1u << 20)
#define ALIGN (alignof(max_align_t))

void safer_arena_init(struct safer_arena *a) { memset(a, 0, sizeof(*a)); }

static struct safer_arena_block *new_block(size_t cap)
{
    size_t bytes;
    if (!safer__size_add(sizeof(struct safer_arena_block), cap, &bytes))
        bytes = SIZE_MAX; /* safer__xmalloc reports it */
    struct safer_arena_block *b = safer__xmalloc(bytes);
    b->cap = cap;
    b->next = NULL;
    return b;
}

void *safer_arena_alloc(struct safer_arena *a, size_t n)
{
    size_t need = (n + ALIGN - 1) & ~(ALIGN - 1);
    if (need < n)
        need = SIZE_MAX;
    if (a->head && a->head->cap - a->used >= need) {
        void *p = a->head->data + a->used;
        a->used += need;
        return p;
    }
    size_t cap = a->head ? a->head->cap * 2 : FIRST_BLOCK;
    if (cap > MAX_BLOCK)
        cap = MAX_BLOCK;
    if (need > cap / 4) {
        /* Its own block, behind the current one, which keeps its room. */
        struct safer_arena_block *b = new_block(need);
        a->total += need;
        if (a->head) {
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = NULL;
            a->head = b;
            a->used = need;
        }
        return b->data;
    }
    struct safer_arena_block *b = new_block(cap);
    b->next = a->head;
    a->head = b;
    a->total += cap;
    a->used = need;
    return b->data;
}

char *safer_arena_strndup(struct safer_arena *a, const char *s, size_t n)
{
    char *p = safer_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *safer_arena_strdup(struct safer_arena *a, const char *s)
{
    return safer_arena_strndup(a, s, strlen(s));
}

void safer_arena_release(struct safer_arena *a)
{
    struct safer_arena_block *b = a->head;
    while (b) {
        struct safer_arena_block *next = b->next;
        free(b);
        b = next;
    }
    memset(a, 0, sizeof(*a));
}
