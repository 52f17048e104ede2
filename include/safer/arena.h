/*
 * arena.h - memory for one request or one command, freed at once.
 *
 * An arena hands out memory from large blocks and frees all of it in one
 * call, so a request (a page of the server) or a command that makes many
 * small allocations with one lifetime -- the strings of a lookup read for
 * one assessment, say -- neither frees them one by one nor leaks one. Items
 * are never freed singly. Like safer__xmalloc, an allocation never returns
 * NULL: running out of memory ends the program with a message, which is
 * acceptable because every input-driven size is capped first.
 *
 * An arena belongs to one thread at a time.
 */
#ifndef SAFER_ARENA_H
#define SAFER_ARENA_H

#include <stddef.h>

struct safer_arena_block;

struct safer_arena {
    struct safer_arena_block *head; /* owned: the newest block, linked to the older */
    size_t used;                    /* bytes used of head */
    size_t total;                   /* bytes held in all blocks */
};

#define SAFER_ARENA_INIT {NULL, 0, 0}

void safer_arena_init(struct safer_arena *a);

/* `n` bytes aligned for any type, valid until the arena is reset or released. */
void *safer_arena_alloc(struct safer_arena *a, size_t n);

/* A copy of `s` (n bytes, then a NUL), and of a NUL-terminated string. */
char *safer_arena_strndup(struct safer_arena *a, const char *s, size_t n);
char *safer_arena_strdup(struct safer_arena *a, const char *s);

/* Free everything; the arena is empty and may be used again. */
void safer_arena_release(struct safer_arena *a);

#endif
