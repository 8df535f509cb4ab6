/* test_sms_rp.c: RP (TS 24.011) and TPDU (TS 23.040) decoding on real bytes: the
 * iPhone VoLTE capture's MESSAGE (RP-DATA + SMS-SUBMIT to "122", text "test") and
 * its 202's RP-ACK, SMS-DELIVER in the TS 23.040 layout, alphanumeric originators;
 * then every truncation and absurd length fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../sensors/proto/sms.h"

/* Frame 90 of volte_iphone_ims_sip_over_gtpu.pcap: the MESSAGE body. */
static const uint8_t volte_submit[] = { 0x00, 0x02, 0x00, 0x02, 0x91, 0xf7, 0x0d,
					0x01, 0x00, 0x03, 0x81, 0x21, 0xf2, 0x00,
					0x00, 0x04, 0xf4, 0xf2, 0x9c, 0x0e };
/* Frame 91: the 202 Accepted body, RP-ACK N->MS with an SMS-SUBMIT-REPORT. */
static const uint8_t volte_ack[] = { 0x03, 0x02, 0x41, 0x09, 0x01, 0x00, 0x41,
				     0x11, 0x41, 0x91, 0x81, 0x23, 0x80 };
/* RP-DATA N->MS from SMSC +861380020050 carrying an SMS-DELIVER from
 * +8613851872468, 7-bit "hello". */
static const uint8_t deliver[] = {
	0x01, 0x07, 0x07, 0x91, 0x68, 0x31, 0x08, 0x20, 0x00, 0x05, 0x00, 0x19,
	/* TPDU: MTI 00 + MMS, OA 13 digits international */
	0x04, 0x0d, 0x91, 0x68, 0x31, 0x58, 0x81, 0x27, 0x64, 0xf8, 0x00, 0x00,
	0x32, 0x40, 0x11, 0x41, 0x02, 0x00, 0x23, 0x05, 0xc8, 0x32, 0x9b, 0xfd, 0x06,
};
/* SMS-DELIVER from the alphanumeric originator "BANK" (7 semi-octets). */
static const uint8_t deliver_alnum[] = {
	0x01, 0x08, 0x07, 0x91, 0x68, 0x31, 0x08, 0x20, 0x00, 0x05, 0x00, 0x13,
	0x04, 0x07, 0xd0, 0xc2, 0xa0, 0x73, 0x09, 0x00, 0x08,
	0x32, 0x40, 0x11, 0x41, 0x02, 0x00, 0x23, 0x02, 0x4f, 0x60,
};
/* SMS-SUBMIT with a relative validity period and UCS2 text. */
static const uint8_t submit_vp[] = {
	0x00, 0x05, 0x00, 0x07, 0x91, 0x68, 0x31, 0x08, 0x20, 0x00, 0x05, 0x12,
	0x11, 0x09, 0x0b, 0x91, 0x68, 0x31, 0x00, 0x00, 0x00, 0xf2, 0x00, 0x08, 0xa7,
	0x04, 0x4f, 0x60, 0x59, 0x7d,
};
static const uint8_t rp_error[] = { 0x04, 0x09, 0x01, 0x6f };

static enum sms_status decode_exact(const uint8_t *p, size_t len, struct sms_rp *rp)
{
	uint8_t *b = malloc(len ? len : 1);
	assert_non_null(b);
	memcpy(b, p, len);
	enum sms_status r = sms_rp_decode(b, len, rp);
	free(b);
	return r;
}

static void volte_mo_submit(void **state)
{
	(void)state;
	struct sms_rp rp;
	assert_int_equal(sms_rp_decode(volte_submit, sizeof volte_submit, &rp), SMS_OK);
	assert_int_equal(rp.mti, SMS_RP_DATA_MS_N);
	assert_int_equal(rp.mr, 2);
	assert_false(rp.rp_oa.present);
	assert_string_equal(rp.rp_da.text, "7");
	assert_int_equal(rp.rp_da.ton, SMS_TON_INTERNATIONAL);
	assert_int_equal(rp.tp, SMS_TP_SUBMIT);
	assert_string_equal(rp.tp_addr.text, "122");
	assert_int_equal(rp.tp_addr.ton, 0);
	assert_int_equal(rp.tp_addr.npi, 1);
	assert_int_equal(rp.tp_udl, 4);
}

static void volte_rp_ack(void **state)
{
	(void)state;
	struct sms_rp rp;
	assert_int_equal(sms_rp_decode(volte_ack, sizeof volte_ack, &rp), SMS_OK);
	assert_int_equal(rp.mti, SMS_RP_ACK_N_MS);
	assert_int_equal(rp.tp, SMS_TP_NONE);
	assert_int_equal(sms_rp_decode(rp_error, sizeof rp_error, &rp), SMS_OK);
	assert_int_equal(rp.mti, SMS_RP_ERROR_MS_N);
	assert_int_equal(rp.cause, 0x6f);
	const uint8_t smma[] = { 0x06, 0x01 };
	assert_int_equal(sms_rp_decode(smma, sizeof smma, &rp), SMS_OK);
	assert_int_equal(rp.mti, SMS_RP_SMMA_MS_N);
}

static void mt_deliver(void **state)
{
	(void)state;
	struct sms_rp rp;
	assert_int_equal(sms_rp_decode(deliver, sizeof deliver, &rp), SMS_OK);
	assert_int_equal(rp.mti, SMS_RP_DATA_N_MS);
	assert_string_equal(rp.rp_oa.text, "861380020050");
	assert_int_equal(rp.tp, SMS_TP_DELIVER);
	assert_string_equal(rp.tp_addr.text, "8613851872468");
	assert_int_equal(rp.tp_addr.ton, SMS_TON_INTERNATIONAL);
	assert_int_equal(rp.tp_udl, 5);
	assert_int_equal(sms_rp_decode(deliver_alnum, sizeof deliver_alnum, &rp), SMS_OK);
	assert_int_equal(rp.tp_addr.ton, SMS_TON_ALPHANUMERIC);
	assert_string_equal(rp.tp_addr.text, "BANK");
}

static void submit_with_validity(void **state)
{
	(void)state;
	struct sms_rp rp;
	assert_int_equal(sms_rp_decode(submit_vp, sizeof submit_vp, &rp), SMS_OK);
	assert_int_equal(rp.tp, SMS_TP_SUBMIT);
	assert_int_equal(rp.tp_mr, 9);
	assert_string_equal(rp.tp_addr.text, "86130000002");
	assert_int_equal(rp.tp_dcs, 8);
}

static void other_tpdus(void **state)
{
	(void)state;
	struct sms_rp rp;
	/* RP-DATA MS->N with an SMS-COMMAND: well formed, not used */
	const uint8_t cmd[] = { 0x00, 0x01, 0x00, 0x02, 0x91, 0xf7, 0x02, 0x02, 0x00 };
	assert_int_equal(sms_rp_decode(cmd, sizeof cmd, &rp), SMS_UNSUPPORTED);
	/* N->MS STATUS-REPORT */
	const uint8_t sr[] = { 0x01, 0x01, 0x02, 0x91, 0xf7, 0x00, 0x02, 0x02, 0x00 };
	assert_int_equal(sms_rp_decode(sr, sizeof sr, &rp), SMS_UNSUPPORTED);
	/* reserved TP-MTI 11 */
	const uint8_t res[] = { 0x00, 0x01, 0x00, 0x02, 0x91, 0xf7, 0x01, 0x03 };
	assert_int_equal(sms_rp_decode(res, sizeof res, &rp), SMS_MALFORMED);
}

static void hostile(void **state)
{
	(void)state;
	struct sms_rp rp;
	const struct {
		const uint8_t *p;
		size_t len;
	} ok[] = { { volte_submit, sizeof volte_submit }, { volte_ack, sizeof volte_ack },
		   { deliver, sizeof deliver }, { deliver_alnum, sizeof deliver_alnum },
		   { submit_vp, sizeof submit_vp }, { rp_error, sizeof rp_error } };
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		assert_int_equal(decode_exact(ok[i].p, ok[i].len, &rp), SMS_OK);
		/* every truncation is malformed, except an RP-ACK/ERROR cut exactly
		 * before its optional user data */
		for (size_t n = 0; n < ok[i].len; n++) {
			enum sms_status r = decode_exact(ok[i].p, n, &rp);
			if (r == SMS_OK)
				assert_true((ok[i].p[0] == 3 && n == 2) || (ok[i].p[0] == 4 && n == 4));
			else
				assert_int_equal(r, SMS_MALFORMED);
		}
	}
	uint8_t b[sizeof volte_submit];
	/* RP-DA length past the end / over the limit */
	memcpy(b, volte_submit, sizeof b);
	b[3] = 0xff;
	assert_int_equal(decode_exact(b, sizeof b, &rp), SMS_MALFORMED);
	/* RP-OA present in MS->N */
	memcpy(b, volte_submit, sizeof b);
	b[2] = 0x01;
	assert_int_equal(decode_exact(b, sizeof b, &rp), SMS_MALFORMED);
	/* RP-User-Data length past the end */
	memcpy(b, volte_submit, sizeof b);
	b[6] = 0x0e;
	assert_int_equal(decode_exact(b, sizeof b, &rp), SMS_MALFORMED);
	/* TP-DA length past the end, and over 20 semi-octets */
	memcpy(b, volte_submit, sizeof b);
	b[9] = 0x13;
	assert_int_equal(decode_exact(b, sizeof b, &rp), SMS_MALFORMED);
	b[9] = 0xff;
	assert_int_equal(decode_exact(b, sizeof b, &rp), SMS_MALFORMED);
	/* TP-UDL past the end */
	memcpy(b, volte_submit, sizeof b);
	b[15] = 0x05;
	assert_int_equal(decode_exact(b, sizeof b, &rp), SMS_MALFORMED);
	/* filler nibble in the middle of digits */
	memcpy(b, volte_submit, sizeof b);
	b[11] = 0xf1;
	assert_int_equal(decode_exact(b, sizeof b, &rp), SMS_MALFORMED);
	/* RP-MTI 7, RP-ERROR cause length 0 or 200, wrong IEI in RP-ACK */
	const uint8_t mti7[] = { 0x07, 0x00 };
	assert_int_equal(decode_exact(mti7, sizeof mti7, &rp), SMS_MALFORMED);
	const uint8_t err0[] = { 0x05, 0x00, 0x00 };
	assert_int_equal(decode_exact(err0, sizeof err0, &rp), SMS_MALFORMED);
	const uint8_t err200[] = { 0x05, 0x00, 0xc8, 0x01 };
	assert_int_equal(decode_exact(err200, sizeof err200, &rp), SMS_MALFORMED);
	const uint8_t ackiei[] = { 0x02, 0x00, 0x42, 0x00 };
	assert_int_equal(decode_exact(ackiei, sizeof ackiei, &rp), SMS_MALFORMED);
	const uint8_t acklen[] = { 0x02, 0x00, 0x41, 0xff, 0x00 };
	assert_int_equal(decode_exact(acklen, sizeof acklen, &rp), SMS_MALFORMED);
	assert_int_equal(sms_rp_decode(NULL, 0, &rp), SMS_MALFORMED);
	/* every single-byte value in every position: no crash, a defined result */
	uint8_t fuzz[sizeof deliver];
	for (size_t i = 0; i < sizeof deliver; i++) {
		for (int v = 0; v < 256; v++) {
			memcpy(fuzz, deliver, sizeof fuzz);
			fuzz[i] = (uint8_t)v;
			enum sms_status r = decode_exact(fuzz, sizeof fuzz, &rp);
			assert_true(r == SMS_OK || r == SMS_MALFORMED || r == SMS_UNSUPPORTED);
			if (r == SMS_OK && rp.tp != SMS_TP_NONE)
				assert_true(strlen(rp.tp_addr.text) <= DW_NUMBER_MAX);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(volte_mo_submit),
		cmocka_unit_test(volte_rp_ack),
		cmocka_unit_test(mt_deliver),
		cmocka_unit_test(submit_with_validity),
		cmocka_unit_test(other_tpdus),
		cmocka_unit_test(hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
