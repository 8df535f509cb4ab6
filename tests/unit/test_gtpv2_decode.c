/* test_gtpv2_decode.c: GTPv2-C decoding on real bytes from the captures in
 * ../shared/captures/gtpv2 (udp.payload as tshark prints it) and on hostile
 * inputs: absurd lengths, truncated headers, deep grouped IEs, zero-length IEs,
 * piggyback flags that lie. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../sensors/proto/gtpv2.h"

/* Decodes hex into a heap buffer of exactly the right size (so ASan sees any
 * one-byte over-read). */
static uint8_t *unhex(const char *hex, size_t *len)
{
	size_t n = strlen(hex) / 2;
	uint8_t *b = malloc(n ? n : 1);
	assert_non_null(b);
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		b[i] = (uint8_t)v;
	}
	*len = n;
	return b;
}

static enum dw_parse_result decode_hex(const char *hex, struct gtpv2_msg *m)
{
	size_t len;
	uint8_t *b = unhex(hex, &len);
	enum dw_parse_result r = gtpv2_decode(b, len, m);
	free(b);
	return r;
}

/* nDPI gtp_c.pcap frame 1: Create Session Request */
static const char *ndpi_csreq =
    "482000f3000000004b5462000100080089674511223344f54c0006009876541234564b000800345678"
    "90120102f356000d00189876541234987654123456785300030089475652000100064d00020000005700"
    "090086355292040a6500024700090008696e7465726e6574800001000063000100014f00050001211717"
    "017f00010002480008000000270f0000270f49000100055d003d00490001000554000d002131010910c0"
    "a80101ffffff005700090284355292050a65000250001600180700000000000000000000000000000000"
    "000000008400070001ac106b7100018400070101ac106b7200017200020000005f0002000001";

static void create_session_request_fields(void **state)
{
	(void)state;
	struct gtpv2_msg m;
	assert_int_equal(decode_hex(ndpi_csreq, &m), DW_PARSE_OK);
	assert_int_equal(m.type, GTPV2_CREATE_SESSION_REQUEST);
	assert_true(m.has_teid);
	assert_int_equal(m.teid, 0);
	assert_int_equal(m.seq, 0x4b5462);
	assert_string_equal(m.imsi, "987654112233445");
	assert_string_equal(m.msisdn, "896745214365");
	/* MEI 436587092110203 (IMEI with check digit) -> 14 digits */
	assert_string_equal(m.imei, "43658709211020");
	/* TAI TAC 0x1234 + ECGI ECI 0x12345678 with its 4 spare bits cleared
	 * (TS 29.274 8.21.5); PLMN 98 76 54 = MCC 896, 3-digit MNC 457 */
	assert_string_equal(m.cell, "896-457-4660-36984440");
	assert_true(m.has_sender_fteid);
	assert_int_equal(m.sender_teid, 0x35529204);
	assert_int_equal(m.sender_if, 6);
	assert_int_equal(m.rat_type, 6);
	assert_false(m.piggyback);
}

static void create_session_response_fteid(void **state)
{
	(void)state;
	struct gtpv2_msg m;
	assert_int_equal(
	    decode_hex(
		"482100d0355292044b5462000200020010005700090187355292060a6600024f0005"
		"0001211717017f00010001480008000000270f0000270f5d006c004900010005020002"
		"00100054002e002220001810dcdc0000ffff000030844107d013885107d01388700000"
		"10000f30844107d013885107d013887000005700090285355292070a66000250001600"
		"180700000000000000000000000000000000000000005e000400103a98050300010001"
		"880017006f6663732e6d6e633635342e6d63633938372e677072738400070001ac106b"
		"7a0001",
		&m),
	    DW_PARSE_OK);
	assert_int_equal(m.type, GTPV2_CREATE_SESSION_RESPONSE);
	assert_int_equal(m.teid, 0x35529204);
	assert_true(m.has_cause);
	assert_int_equal(m.cause, 16);
	/* this test vector has no sender F-TEID (instance 0), only the PGW S5/S8
	 * control plane F-TEID (instance 1) that its Delete Session is sent to */
	assert_false(m.has_sender_fteid);
	assert_true(m.has_pgw_fteid);
	assert_int_equal(m.pgw_teid, 0x35529206);
}

static void magma_s11_requests(void **state)
{
	(void)state;
	struct gtpv2_msg m;
	assert_int_equal(
	    decode_hex(
		"482000ca0000000000a4840003000100000100080022020101001041f056000d0018"
		"22f210000122f210000e0100520001000663000100014f00050001000000007f000100"
		"00480008000000c350000186a04d000300000000570009008a0002a100c0a83d954700"
		"0900036f6169046970763480000100005300030022f2104e0023008080211001000010"
		"810600000000830600000000000d00000a000005000010000011005d00240049000100"
		"05500016003c0900000000000000000000000000000000000000005400010000",
		&m),
	    DW_PARSE_OK);
	assert_string_equal(m.imsi, "222010100001140");
	assert_string_equal(m.msisdn, "");
	assert_string_equal(m.cell, "222-01-1-917760");
	assert_int_equal(m.sender_teid, 0x2a100);
	assert_int_equal(m.sender_if, 10);
	/* Modify Bearer Request: header TEID is the SGW's, no IMSI */
	assert_int_equal(
	    decode_hex("482200270000000200a48500570005000a000000005d00120049000100"
		       "055700090080ca6fe0ddc0a812c7",
		       &m),
	    DW_PARSE_OK);
	assert_int_equal(m.type, GTPV2_MODIFY_BEARER_REQUEST);
	assert_int_equal(m.teid, 2);
	assert_string_equal(m.imsi, "");
	/* an F-TEID of 5 bytes (no address) is allowed by the minimum length */
	assert_true(m.has_sender_fteid);
}

static void modify_bearer_mei_and_uli(void **state)
{
	(void)state;
	struct gtpv2_msg m;
	/* PcapPlusPlus gtpv2.pcap frame 1 */
	assert_int_equal(
	    decode_hex(
		"4822006bd37d15901a4a430056000d001864f6292e1864f62901ce66215300030064"
		"f62952000100065700090086a43ed0306f47ec314800080000000800000008004b0008"
		"0053028970726123607200020023005d00120049000100055700090184a430f3e26f47"
		"ec430300010012",
		&m),
	    DW_PARSE_OK);
	assert_string_equal(m.imei, "35209807271632");
	assert_string_equal(m.cell, "466-92-11800-30303777");
	/* frame 5: the ULI has instance 12; still names the cell */
	assert_int_equal(
	    decode_hex("4c220019d37d15901a4a431056000d7c1864f6292e1864f62901ce6621", &m),
	    DW_PARSE_OK);
	assert_string_equal(m.cell, "466-92-11800-30303777");
	/* frame 6: the length says 42 bytes, 8 are there */
	assert_int_equal(decode_hex("4c22002ad37d15901a4a4310", &m), DW_PARSE_MALFORMED);
}

static void echo_with_piggyback(void **state)
{
	(void)state;
	struct gtpv2_msg m;
	const char *hex =
	    "500100090030390003000100114c21001400015666010932900100080033879334"
	    "495183f6";
	assert_int_equal(decode_hex(hex, &m), DW_PARSE_UNSUPPORTED);
	assert_int_equal(m.type, GTPV2_ECHO_REQUEST);
	assert_true(m.piggyback);
	assert_int_equal(m.total, 13);
	size_t len;
	uint8_t *b = unhex(hex, &len);
	assert_int_equal(gtpv2_decode(b + m.total, len - m.total, &m), DW_PARSE_OK);
	assert_int_equal(m.type, GTPV2_CREATE_SESSION_RESPONSE);
	assert_string_equal(m.imsi, "337839439415386");
	free(b);
}

static void hostile_headers(void **state)
{
	(void)state;
	struct gtpv2_msg m;
	assert_int_equal(decode_hex("", &m), DW_PARSE_MALFORMED);
	assert_int_equal(decode_hex("48", &m), DW_PARSE_MALFORMED);
	assert_int_equal(decode_hex("4820", &m), DW_PARSE_MALFORMED);
	assert_int_equal(decode_hex("482000", &m), DW_PARSE_MALFORMED);
	/* length 0xffff */
	assert_int_equal(decode_hex("4820ffff0000000000000100", &m), DW_PARSE_MALFORMED);
	/* T flag but only 4 bytes of body */
	assert_int_equal(decode_hex("4820000400000000", &m), DW_PARSE_MALFORMED);
	/* Create Session Request without the T flag */
	assert_int_equal(decode_hex("4020000400000100", &m), DW_PARSE_MALFORMED);
	/* version 1 (GTPv1-C shares the port) and version 3 */
	assert_int_equal(decode_hex("32100004000000000000", &m), DW_PARSE_UNSUPPORTED);
	assert_int_equal(decode_hex("682000080000000000000100", &m), DW_PARSE_MALFORMED);
	/* empty body: a well-formed message with no IE */
	assert_int_equal(decode_hex("48200008000000000000010000", &m), DW_PARSE_OK);
}

static void hostile_ies(void **state)
{
	(void)state;
	struct gtpv2_msg m;
	/* IMSI IE claiming 0xffff bytes */
	assert_int_equal(decode_hex("4820000c0000000000000100"
				    "01ffff00",
				    &m),
			 DW_PARSE_MALFORMED);
	/* IE header cut after the type */
	assert_int_equal(decode_hex("482000090000000000000100"
				    "01",
				    &m),
			 DW_PARSE_MALFORMED);
	/* zero-length IMSI (minimum 1) */
	assert_int_equal(decode_hex("4820000c0000000000000100"
				    "01000000",
				    &m),
			 DW_PARSE_MALFORMED);
	/* zero-length IE of an unknown type: fine */
	assert_int_equal(decode_hex("4820000c0000000000000100"
				    "fe000000",
				    &m),
			 DW_PARSE_OK);
	/* zero-length grouped Bearer Context: fine */
	assert_int_equal(decode_hex("4820000c0000000000000100"
				    "5d000000",
				    &m),
			 DW_PARSE_OK);
	/* F-TEID with the V4 flag and no address */
	assert_int_equal(decode_hex("482000110000000000000100"
				    "57000500"
				    "8a00000001",
				    &m),
			 DW_PARSE_MALFORMED);
	/* ULI with TAI and ECGI flags and only the TAI */
	assert_int_equal(decode_hex("482000120000000000000100"
				    "56000600"
				    "1822f2100001",
				    &m),
			 DW_PARSE_MALFORMED);
	/* IMSI with a non-digit nibble: kept out, message still understood */
	assert_int_equal(decode_hex("4820000e0000000000000100"
				    "01000200"
				    "a1f2",
				    &m),
			 DW_PARSE_OK);
	assert_string_equal(m.imsi, "");
	assert_int_equal(m.bad_values, 1);
	/* MEI of 10 digits: not an IMEI */
	assert_int_equal(decode_hex("482000110000000000000100"
				    "4b000500"
				    "2143658709",
				    &m),
			 DW_PARSE_OK);
	assert_string_equal(m.imei, "");
}

/* Builds a message whose body is a chain of `depth` nested Bearer Contexts with an
 * IMSI at the bottom. */
static uint8_t *nested(unsigned depth, size_t *outlen)
{
	size_t inner = 4 + 8; /* IMSI IE */
	size_t total = 12 + inner + 4 * (size_t)depth;
	uint8_t *b = calloc(1, total);
	assert_non_null(b);
	size_t body = total - 4;
	b[0] = 0x48;
	b[1] = 32;
	b[2] = (uint8_t)(body >> 8);
	b[3] = (uint8_t)body;
	b[10] = 1; /* seq */
	size_t off = 12;
	for (unsigned d = 0; d < depth; d++) {
		size_t l = total - off - 4;
		b[off] = 93;
		b[off + 1] = (uint8_t)(l >> 8);
		b[off + 2] = (uint8_t)l;
		off += 4;
	}
	const uint8_t imsi[] = {1,    0,    8,	  0,	0x64, 0x00,
				0x10, 0x00, 0x00, 0x00, 0x10, 0xf2};
	memcpy(b + off, imsi, sizeof imsi);
	*outlen = total;
	return b;
}

static void nested_grouped_ies(void **state)
{
	(void)state;
	struct gtpv2_msg m;
	size_t len;
	uint8_t *b = nested(2, &len);
	assert_int_equal(gtpv2_decode(b, len, &m), DW_PARSE_OK);
	assert_int_equal(m.depth_skipped, 0);
	assert_string_equal(m.imsi,
			    ""); /* an IMSI inside a group is not the subscriber's */
	free(b);
	b = nested(1000, &len);
	assert_int_equal(gtpv2_decode(b, len, &m), DW_PARSE_OK);
	assert_int_equal(m.depth_skipped, 1);
	assert_true(m.n_ies <= GTPV2_MAX_DEPTH + 1);
	free(b);
	/* nested groups whose inner length overruns its parent */
	b = nested(3, &len);
	b[12 + 4 + 2] = 0xff;
	assert_int_equal(gtpv2_decode(b, len, &m), DW_PARSE_MALFORMED);
	free(b);
}

static void ie_table(void **state)
{
	(void)state;
	assert_non_null(gtpv2_ie_def(GTPV2_IE_BEARER_CONTEXT));
	assert_true(gtpv2_ie_def(GTPV2_IE_BEARER_CONTEXT)->grouped);
	assert_int_equal(gtpv2_ie_def(GTPV2_IE_FTEID)->min_len, 5);
	assert_string_equal(gtpv2_ie_def(GTPV2_IE_ULI)->name, "ULI");
	assert_null(gtpv2_ie_def(250));
	int listed = 0;
	for (int t = 0; t < 256; t++) {
		const struct gtpv2_ie_def *d = gtpv2_ie_def((uint8_t)t);
		if (d) {
			assert_int_equal(d->type, t);
			listed++;
		}
	}
	assert_int_equal(listed, 26); /* every row of the table is found */
}

static void uli_forms(void **state)
{
	(void)state;
	char cell[DW_CELL_MAX];
	/* CGI only: 460-01, LAC 0x1234, CI 0x5678 */
	const uint8_t cgi[] = {0x01, 0x64, 0xf0, 0x10, 0x12, 0x34, 0x56, 0x78};
	assert_int_equal(gtpv2_uli_cell(cgi, sizeof cgi, cell), 0);
	assert_string_equal(cell, "460-01-4660-22136");
	/* SAI only */
	const uint8_t sai[] = {0x02, 0x64, 0xf0, 0x10, 0x00, 0x01, 0x00, 0x02};
	assert_int_equal(gtpv2_uli_cell(sai, sizeof sai, cell), 0);
	assert_string_equal(cell, "460-01-1-2");
	/* RAI + LAI only: areas, no cell */
	const uint8_t rai_lai[] = {0x24, 0x64, 0xf0, 0x10, 0, 1, 2,
				   0,	 0x64, 0xf0, 0x10, 0, 1};
	assert_int_equal(gtpv2_uli_cell(rai_lai, sizeof rai_lai, cell), 0);
	assert_string_equal(cell, "");
	/* ECGI without TAI: TAC unknown, written 0; 3-digit MNC 001 */
	const uint8_t ecgi[] = {0x10, 0x64, 0x10, 0x00, 0x01, 0x23, 0x45, 0x67};
	assert_int_equal(gtpv2_uli_cell(ecgi, sizeof ecgi, cell), 0);
	assert_string_equal(cell, "460-001-0-19088743");
	/* CGI + TAI + ECGI + Macro eNB: ECGI wins */
	const uint8_t all[] = {0x59, 0x64, 0xf0, 0x10, 0,    1,	   0,	 2,    0x64,
			       0xf0, 0x10, 0x12, 0x34, 0x64, 0xf0, 0x10, 0x01, 0x23,
			       0x45, 0x67, 0x64, 0xf0, 0x10, 1,	   2,	 3};
	assert_int_equal(gtpv2_uli_cell(all, sizeof all, cell), 0);
	assert_string_equal(cell, "460-01-4660-19088743");
	/* Macro eNB flag with 2 of its 6 bytes */
	const uint8_t menb[] = {0x40, 0x64, 0xf0};
	assert_int_equal(gtpv2_uli_cell(menb, sizeof menb, cell), -1);
	assert_int_equal(gtpv2_uli_cell(menb, 0, cell), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(create_session_request_fields),
	    cmocka_unit_test(create_session_response_fteid),
	    cmocka_unit_test(magma_s11_requests),
	    cmocka_unit_test(modify_bearer_mei_and_uli),
	    cmocka_unit_test(echo_with_piggyback),
	    cmocka_unit_test(hostile_headers),
	    cmocka_unit_test(hostile_ies),
	    cmocka_unit_test(nested_grouped_ies),
	    cmocka_unit_test(ie_table),
	    cmocka_unit_test(uli_forms),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
