/*
 * test_police.c - the police.uk import: the dictionary undo that keeps a
 * rejected row's strings out of a publication's blob.
 */
#include "util/compat.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/colblob.h"

static void test_police_dict_truncate_undoes_the_last_strings(void **state)
{
    (void)state;
    struct safer__dict d;
    safer__dict_init(&d);
    char s[16];
    /* Enough strings to rehash the table a few times. */
    for (int i = 0; i < 200; i++) {
        snprintf(s, sizeof(s), "v%d", i);
        assert_int_equal(safer__dict_intern(&d, s, strlen(s)), i);
    }
    safer__dict_truncate(&d, 150);
    assert_int_equal(d.count, 150);
    for (int i = 0; i < 150; i++) {
        snprintf(s, sizeof(s), "v%d", i);
        assert_int_equal(safer__dict_intern(&d, s, strlen(s)), i);
    }
    /* A removed string is new again, at the next index. */
    assert_int_equal(safer__dict_intern(&d, "v199", 4), 150);
    assert_int_equal(safer__dict_intern(&d, "v150", 4), 151);
    assert_int_equal(d.count, 152);
    /* Text with a NUL byte is refused, and nothing is added. */
    assert_int_equal(safer__dict_intern_text(&d, "a\0b", 3), SAFER_EPARSE);
    assert_int_equal(d.count, 152);
    assert_int_equal(safer__dict_intern_text(&d, "v3", 2), 3);
    assert_int_equal(safer__dict_intern_text(&d, "new", 3), 152 + SAFER__DICT_NEW);
    safer__dict_release(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_police_dict_truncate_undoes_the_last_strings),
    };
    return cmocka_run_group_tests_name("police", tests, NULL, NULL);
}
