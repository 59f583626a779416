#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/cursor.h"

static void test_reads_advance_and_fail_without_moving(void **state)
{
	(void)state;
	const uint8_t buf[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07 };
	struct rd r;
	rd_init(&r, buf, sizeof(buf));
	uint8_t b;
	uint16_t h;
	uint32_t w;
	assert_true(rd_u8(&r, &b));
	assert_int_equal(b, 0x01);
	assert_true(rd_u16be(&r, &h));
	assert_int_equal(h, 0x0203);
	assert_true(rd_u32be(&r, &w));
	assert_int_equal(w, 0x04050607);
	assert_true(rd_done(&r));
	/* A failed read leaves the cursor in place. */
	rd_init(&r, buf, 3);
	assert_true(rd_u8(&r, &b));
	assert_false(rd_u32be(&r, &w));
	assert_int_equal(rd_left(&r), 2);
	assert_true(rd_u16be(&r, &h));
	assert_int_equal(h, 0x0203);
}

static void test_sub_reader_is_bounded(void **state)
{
	(void)state;
	const uint8_t buf[] = { 0x00, 0x02, 0xaa, 0xbb, 0xcc };
	struct rd r, sub;
	rd_init(&r, buf, sizeof(buf));
	uint16_t len;
	assert_true(rd_u16be(&r, &len));
	assert_true(rd_sub(&r, len, &sub));
	uint32_t w;
	assert_false(rd_u32be(&sub, &w)); /* cannot run past its container */
	uint16_t h;
	assert_true(rd_u16be(&sub, &h));
	assert_int_equal(h, 0xaabb);
	assert_true(rd_done(&sub));
	assert_int_equal(rd_left(&r), 1);
	/* A declared length larger than what is left fails. */
	rd_init(&r, buf, sizeof(buf));
	assert_false(rd_sub(&r, 6, &sub));
	assert_int_equal(rd_left(&r), 5);
}

static void test_u24_u64_peek_skip_ptr(void **state)
{
	(void)state;
	const uint8_t buf[] = { 1, 2, 3, 0, 0, 0, 0, 0, 0, 1, 0, 9 };
	struct rd r;
	rd_init(&r, buf, sizeof(buf));
	uint32_t v24;
	assert_true(rd_u24be(&r, &v24));
	assert_int_equal(v24, 0x010203);
	uint64_t v64;
	assert_true(rd_u64be(&r, &v64));
	assert_true(v64 == 0x100ULL);
	uint8_t b;
	assert_true(rd_peek_u8(&r, &b));
	assert_int_equal(b, 9);
	assert_int_equal(rd_left(&r), 1);
	assert_false(rd_skip(&r, 2));
	const uint8_t *p;
	assert_true(rd_ptr(&r, 1, &p));
	assert_int_equal(*p, 9);
	assert_false(rd_ptr(&r, 1, &p));
}

static void test_writer_sticky_error_and_patch(void **state)
{
	(void)state;
	uint8_t buf[6];
	struct wr w;
	wr_init(&w, buf, sizeof(buf));
	size_t off = wr_reserve(&w, 2);
	assert_int_equal(off, 0);
	assert_true(wr_u32be(&w, 0xdeadbeef));
	assert_true(wr_patch_u16be(&w, off, 6));
	assert_true(wr_ok(&w));
	assert_int_equal(wr_len(&w), 6);
	assert_int_equal(buf[1], 6);
	assert_int_equal(buf[2], 0xde);
	assert_false(wr_u8(&w, 1));
	assert_false(wr_ok(&w));
	assert_int_equal(wr_len(&w), 6);
	/* Once failed, later writes that would fit still fail. */
	wr_init(&w, buf, sizeof(buf));
	assert_false(wr_bytes(&w, "1234567", 7));
	assert_false(wr_u8(&w, 1));
	assert_int_equal(wr_len(&w), 0);
	assert_false(wr_patch_u8(&w, 3, 1));
}

static void test_u24_range(void **state)
{
	(void)state;
	uint8_t buf[4];
	struct wr w;
	wr_init(&w, buf, sizeof(buf));
	assert_false(wr_u24be(&w, 0x1000000));
	assert_false(wr_ok(&w));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads_advance_and_fail_without_moving),
		cmocka_unit_test(test_sub_reader_is_bounded),
		cmocka_unit_test(test_u24_u64_peek_skip_ptr),
		cmocka_unit_test(test_writer_sticky_error_and_patch),
		cmocka_unit_test(test_u24_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
