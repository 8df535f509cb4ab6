/* test_ident.c: canonical identifier forms, checked on spec examples. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "denwatch/ident.h"

static void tbcd_round_trip(void **state)
{
	(void)state;
	/* IMSI 987654112233445 as in the nDPI GTPv2 capture. */
	const uint8_t enc[] = { 0x89, 0x67, 0x45, 0x11, 0x22, 0x33, 0x44, 0xf5 };
	char out[20];
	assert_int_equal(dw_tbcd_decode(enc, sizeof enc, out, sizeof out), 15);
	assert_string_equal(out, "987654112233445");
	uint8_t back[8];
	assert_int_equal(dw_tbcd_encode("987654112233445", back, sizeof back), 8);
	assert_memory_equal(back, enc, 8);
}

static void tbcd_rejects_bad_nibbles_and_small_output(void **state)
{
	(void)state;
	const uint8_t bad[] = { 0x1a };
	char out[4];
	assert_int_equal(dw_tbcd_decode(bad, 1, out, sizeof out), -1);
	const uint8_t ok[] = { 0x21, 0x43, 0x65 };
	assert_int_equal(dw_tbcd_decode(ok, 3, out, sizeof out), -1);
}

static void imei_forms_match(void **state)
{
	(void)state;
	char a[15], b[15], c[15];
	assert_true(dw_imei_normalize("35442706-323347-9", 17, a));
	assert_true(dw_imei_normalize("3544270632334701", 16, b)); /* IMEISV */
	assert_true(dw_imei_normalize("35442706323347", 14, c));
	assert_string_equal(a, "35442706323347");
	assert_string_equal(b, a);
	assert_string_equal(c, a);
	assert_false(dw_imei_normalize("3544270632334", 13, a));
	assert_false(dw_imei_normalize("35442706x23347", 14, a));
}

static void imei_check_digit_is_luhn(void **state)
{
	(void)state;
	/* TS 23.003 Annex B example: IMEI 49015420323751 has check digit 8. */
	assert_int_equal(dw_imei_check_digit("49015420323751"), '8');
}

static void numbers_normalize(void **state)
{
	(void)state;
	char out[40];
	assert_true(dw_number_normalize("+8613800138000", 14, out, sizeof out));
	assert_string_equal(out, "8613800138000");
	assert_true(dw_number_normalize("9171969136;phone-context=+7", 27, out, sizeof out));
	assert_string_equal(out, "9171969136");
	assert_true(dw_number_normalize("+1-202-555-0100", 15, out, sizeof out));
	assert_string_equal(out, "12025550100");
	assert_false(dw_number_normalize("alice", 5, out, sizeof out));
	assert_false(dw_number_normalize("+", 1, out, sizeof out));
}

static void plmn_and_cell(void **state)
{
	(void)state;
	uint8_t enc[3];
	dw_plmn_encode(460, "01", enc);
	assert_int_equal(enc[0], 0x64);
	assert_int_equal(enc[1], 0xf0);
	assert_int_equal(enc[2], 0x10);
	uint16_t mcc;
	char mnc[4];
	assert_true(dw_plmn_decode(enc, &mcc, mnc));
	assert_int_equal(mcc, 460);
	assert_string_equal(mnc, "01");
	dw_plmn_encode(310, "410", enc);
	assert_true(dw_plmn_decode(enc, &mcc, mnc));
	assert_string_equal(mnc, "410");
	char cell[DW_CELL_MAX];
	dw_cell_format(cell, sizeof cell, 460, "01", 4660, 19088743);
	assert_string_equal(cell, "460-01-4660-19088743");
	dw_cell_format(cell, sizeof cell, 1, "01", 1, 1);
	assert_string_equal(cell, "001-01-1-1");
}

/* dw_cell_format writes what snprintf("%03u-%s-%u-%llu") writes, with the same
 * return value, for edge values and every output size (truncation included). */
static void cell_format_matches_snprintf(void **state)
{
	(void)state;
	static const uint16_t mccs[] = { 0, 1, 99, 460, 999, 1000, 65535 };
	static const char *const mncs[] = { "", "1", "01", "410" };
	static const uint32_t areas[] = { 0, 9, 4660, 65535, 4294967295u };
	static const uint64_t cells[] = { 0, 7, 19088743, 68719476735ull, UINT64_MAX };
	for (size_t a = 0; a < sizeof mccs / sizeof mccs[0]; a++)
		for (size_t b = 0; b < sizeof mncs / sizeof mncs[0]; b++)
			for (size_t c = 0; c < sizeof areas / sizeof areas[0]; c++)
				for (size_t d = 0; d < sizeof cells / sizeof cells[0]; d++)
					for (size_t len = 0; len <= 48; len += (len < 8 ? 1 : 5)) {
						char want[64], got[64];
						memset(want, '#', sizeof want);
						memset(got, '#', sizeof got);
						int wn = snprintf(want, len, "%03u-%s-%u-%llu", mccs[a],
								  mncs[b], areas[c],
								  (unsigned long long)cells[d]);
						int gn = dw_cell_format(got, len, mccs[a], mncs[b],
									areas[c], cells[d]);
						assert_int_equal(gn, wn);
						assert_memory_equal(got, want, sizeof want);
					}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tbcd_round_trip),
		cmocka_unit_test(cell_format_matches_snprintf),
		cmocka_unit_test(tbcd_rejects_bad_nibbles_and_small_output),
		cmocka_unit_test(imei_forms_match),
		cmocka_unit_test(imei_check_digit_is_luhn),
		cmocka_unit_test(numbers_normalize),
		cmocka_unit_test(plmn_and_cell),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
