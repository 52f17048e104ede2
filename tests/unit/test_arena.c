/*
 * test_arena.c - memory for a request or a command, freed at once: every
 * item keeps its bytes until the arena is released, items are aligned,
 * large items get blocks of their own, and an arena is usable again after
 * its release. Run under ASan, a use after release or a leak shows.
 */
#include "util/compat.h"

#include <setjmp.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "safer/arena.h"

static void test_arena_items_keep_their_bytes(void **state)
{
    (void)state;
    struct safer_arena a = SAFER_ARENA_INIT;
    enum { N = 5000 };
    static char *item[N];
    /* Sizes from 0 to 3 KiB, and now and then one larger than a block. */
    for (size_t i = 0; i < N; i++) {
        size_t n = i % 97 == 0 ? 300000 + i : (i * 37) % 3072;
        item[i] = safer_arena_alloc(&a, n + 1);
        assert_non_null(item[i]);
        assert_int_equal((uintptr_t)item[i] % alignof(max_align_t), 0);
        memset(item[i], (int)(i % 251) + 1, n);
        item[i][n] = '\0';
    }
    for (size_t i = 0; i < N; i++) {
        size_t n = i % 97 == 0 ? 300000 + i : (i * 37) % 3072;
        assert_int_equal(strlen(item[i]), n);
        for (size_t k = 0; k < n; k += 512)
            assert_int_equal((unsigned char)item[i][k], i % 251 + 1);
    }
    assert_true(a.total >= (size_t)N * 1500);
    safer_arena_release(&a);
    assert_null(a.head);
    assert_int_equal(a.total, 0);
}

static void test_arena_strings_and_reuse(void **state)
{
    (void)state;
    struct safer_arena a;
    safer_arena_init(&a);
    for (int round = 0; round < 3; round++) {
        char *s = safer_arena_strdup(&a, "E05004982");
        char *t = safer_arena_strndup(&a, "Allington, the island", 9);
        char *e = safer_arena_strdup(&a, "");
        assert_string_equal(s, "E05004982");
        assert_string_equal(t, "Allington");
        assert_string_equal(e, "");
        assert_true(s != t && t != e);
        safer_arena_release(&a);
    }
    /* Releasing an empty arena does nothing. */
    safer_arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena_items_keep_their_bytes),
        cmocka_unit_test(test_arena_strings_and_reuse),
    };
    return cmocka_run_group_tests_name("arena", tests, NULL, NULL);
}
