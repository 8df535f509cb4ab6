/* test_cursor.c: the bounded reader never reads past the end and its error sticks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "denwatch/cursor.h"

static void reads_big_endian_fields(void **state)
{
	(void)state;
	const uint8_t b[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	struct cursor c;
	cur_init(&c, b, sizeof b);
	uint8_t u8;
	uint16_t u16;
	uint32_t u24, u32;
	assert_true(cur_u8(&c, &u8));
	assert_true(cur_be16(&c, &u16));
	assert_true(cur_be24(&c, &u24));
	assert_true(cur_be32(&c, &u32));
	assert_int_equal(u8, 1);
	assert_int_equal(u16, 0x0203);
	assert_int_equal(u24, 0x040506);
	assert_int_equal(u32, 0x0708090a);
	assert_int_equal(cur_left(&c), 0);
	assert_false(c.err);
}

static void short_read_fails_and_sticks(void **state)
{
	(void)state;
	const uint8_t b[] = { 1, 2, 3 };
	struct cursor c;
	cur_init(&c, b, sizeof b);
	uint32_t v = 0xdead;
	assert_false(cur_be32(&c, &v));
	assert_int_equal(v, 0xdead); /* untouched on failure */
	assert_true(c.err);
	uint8_t u8;
	assert_false(cur_u8(&c, &u8)); /* sticky even though a byte is left */
	assert_int_equal(cur_left(&c), 0);
}

static void sub_cursor_is_bounded(void **state)
{
	(void)state;
	const uint8_t b[] = { 0xaa, 0xbb, 0xcc, 0xdd };
	struct cursor c, sub;
	cur_init(&c, b, sizeof b);
	assert_true(cur_sub(&c, 2, &sub));
	uint16_t v;
	assert_true(cur_be16(&sub, &v));
	assert_int_equal(v, 0xaabb);
	uint8_t u8;
	assert_false(cur_u8(&sub, &u8));
	assert_false(c.err); /* the parent is not affected */
	assert_false(cur_sub(&c, 3, &sub));
	assert_true(c.err);
}

static void lines_need_terminators(void **state)
{
	(void)state;
	const char *text = "A: 1\r\nB: 2\nC";
	struct cursor c;
	cur_init(&c, text, 13);
	struct slice l;
	assert_true(cur_line(&c, &l));
	assert_int_equal(l.len, 4);
	assert_memory_equal(l.p, "A: 1", 4);
	assert_true(cur_line(&c, &l));
	assert_int_equal(l.len, 4);
	assert_false(cur_line(&c, &l)); /* "C" has no line end */
	assert_false(c.err);
}

static void skip_past_end_fails(void **state)
{
	(void)state;
	const uint8_t b[4] = { 0 };
	struct cursor c;
	cur_init(&c, b, sizeof b);
	assert_false(cur_skip(&c, (size_t)-1));
	assert_true(c.err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_big_endian_fields),
		cmocka_unit_test(short_read_fails_and_sticks),
		cmocka_unit_test(sub_cursor_is_bounded),
		cmocka_unit_test(lines_need_terminators),
		cmocka_unit_test(skip_past_end_fails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
