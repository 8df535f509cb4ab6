/* test_sip_msg.c: the SIP message parser and value parsers on real message texts
 * (the VoLTE and SCTP captures, RFC 3261 section 24, TS 24.229 forms) and on
 * hostile inputs (truncation at every length, lengths past the end, 10,000
 * headers, NUL bytes, 100 kB lines, broken URIs). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../sensors/proto/sip_msg.h"
#include "test_sip_fixtures.h"

static struct slice S(const char *s)
{
	struct slice r = { (const uint8_t *)s, strlen(s) };
	return r;
}

static enum sip_parse_status parse_str(struct sip_msg *m, const char *s)
{
	return sip_msg_parse(m, (const uint8_t *)s, strlen(s));
}

/* Parses a copy in an exact-size heap buffer so ASan sees a one-byte over-read. */
static enum sip_parse_status parse_exact(struct sip_msg *m, const uint8_t *p, size_t len)
{
	uint8_t *b = malloc(len ? len : 1);
	assert_non_null(b);
	memcpy(b, p, len);
	enum sip_parse_status r = sip_msg_parse(m, b, len);
	free(b);
	return r;
}

static void volte_register(void **state)
{
	(void)state;
	struct sip_msg m;
	assert_int_equal(sip_msg_parse(&m, fx_volte_27, sizeof fx_volte_27), SIP_OK);
	assert_true(m.is_request);
	assert_int_equal(m.method, SIP_M_REGISTER);
	assert_true(sip_slice_ieq(m.call_id, "5PC5dBCGDQ0csFmFPQXQjE57"));
	assert_int_equal(m.cseq, 10);
	assert_int_equal(m.cseq_method, SIP_M_REGISTER);
	assert_true(sip_slice_ieq(m.branch, "z9hG4bK0iTZW12JDCCkuJn"));
	assert_int_equal(m.content_length, 0);
	assert_int_equal(m.body.len, 0);
	char cell[DW_CELL_MAX], imei[DW_IMEI_LEN + 1], imsi[DW_IMSI_MAX + 1];
	assert_true(sip_msg_cell(&m, cell));
	/* 310 410, TAC 0x0001, ECI 0x1a2d001 */
	assert_string_equal(cell, "310-410-1-27447297");
	assert_true(sip_instance_imei(&m, imei));
	assert_string_equal(imei, "35999999000001");
	/* username="263734@imstest.lan" is not an IMSI-based private identity */
	assert_false(sip_digest_imsi(sip_msg_header(&m, SIP_H_AUTHORIZATION, 0)->value, imsi));
}

static void volte_register_ok(void **state)
{
	(void)state;
	struct sip_msg m;
	assert_int_equal(sip_msg_parse(&m, fx_volte_29, sizeof fx_volte_29), SIP_OK);
	assert_false(m.is_request);
	assert_int_equal(m.status, 200);
	assert_int_equal(m.method, SIP_M_REGISTER);
	char num[DW_NUMBER_MAX + 1];
	assert_true(sip_hdr_number(&m, SIP_H_PAU, true, num));
	assert_string_equal(num, "88270006");
}

static void volte_message_body(void **state)
{
	(void)state;
	struct sip_msg m;
	assert_int_equal(sip_msg_parse(&m, fx_volte_90, sizeof fx_volte_90), SIP_OK);
	assert_int_equal(m.method, SIP_M_MESSAGE);
	assert_int_equal(m.body.len, 20);
	assert_int_equal(m.body.p[0], 0x00); /* RP-DATA MS->N */
	char num[DW_NUMBER_MAX + 1];
	assert_true(sip_hdr_number(&m, SIP_H_PPI, false, num));
	assert_string_equal(num, "88270006");
	struct sip_uri u;
	assert_true(sip_uri_parse(m.ruri, &u));
	assert_int_equal(u.scheme, SIP_SCHEME_TEL);
	assert_true(u.global);
}

static void sctp_invite_pai_list(void **state)
{
	(void)state;
	struct sip_msg m;
	assert_int_equal(sip_msg_parse(&m, fx_sctp_2, sizeof fx_sctp_2), SIP_OK);
	assert_int_equal(m.method, SIP_M_INVITE);
	assert_int_equal(m.content_length, 657);
	assert_int_equal(m.body.len, 657);
	char num[DW_NUMBER_MAX + 1];
	/* <sip:9170000001@..;user=phone>,<tel:9170000001;phone-context=+7> */
	assert_true(sip_hdr_number(&m, SIP_H_PAI, true, num));
	assert_string_equal(num, "9170000001");
	struct sip_uri u;
	assert_true(sip_uri_parse(m.ruri, &u));
	assert_true(u.user_phone);
	assert_true(sip_uri_number(&u, true, num));
	assert_string_equal(num, "9275890000");
	assert_int_equal(sip_msg_parse(&m, fx_sctp_4, sizeof fx_sctp_4), SIP_OK);
	assert_int_equal(m.status, 403);
	assert_int_equal(m.method, SIP_M_INVITE);
}

static void compact_case_folding(void **state)
{
	(void)state;
	const char *msg = "INVITE sip:+8613800000002@ims.example;user=phone SIP/2.0\r\n"
			  "v: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\n"
			  "f: <tel:+8613800000001>;tag=a\r\n"
			  "t: <sip:+8613800000002@ims.example;user=phone>\r\n"
			  "i: abc@h\r\n"
			  "CSEQ: 5 INVITE\r\n"
			  "p-asserted-identity: \"A, B\" <sip:8613800000009@ims.example>,\r\n"
			  "  <tel:+8613800000001>\r\n"
			  "X-Unknown : whatever\r\n"
			  "c: application/sdp\r\n"
			  "l: 4\r\n"
			  "\r\n"
			  "v=0\r\n";
	struct sip_msg m;
	assert_int_equal(parse_str(&m, msg), SIP_OK);
	assert_true(sip_slice_ieq(m.call_id, "abc@h"));
	assert_int_equal(m.cseq, 5);
	assert_true(sip_slice_ieq(m.branch, "z9hG4bK1"));
	assert_int_equal(m.body.len, 4);
	assert_true(sip_msg_has(&m, SIP_H_CONTENT_TYPE));
	/* the folded second entry is global and wins over the first */
	char num[DW_NUMBER_MAX + 1];
	assert_true(sip_hdr_number(&m, SIP_H_PAI, false, num));
	assert_string_equal(num, "8613800000001");
	size_t pos = 0, n = 0;
	struct slice e;
	while (sip_list_next(sip_msg_header(&m, SIP_H_PAI, 0)->value, &pos, &e))
		n++;
	assert_int_equal(n, 2);
	assert_int_equal(sip_hdr_lookup((const uint8_t *)"I", 1), SIP_H_CALL_ID);
	assert_int_equal(sip_hdr_lookup((const uint8_t *)"P-CALLED-PARTY-ID", 17), SIP_H_PCPID);
	assert_int_equal(sip_hdr_lookup((const uint8_t *)"q", 1), SIP_H_OTHER);
}

static void rfc3261_invite(void **state)
{
	(void)state;
	const char *body = "v=0\r\no=alice 2890844526 2890844526 IN IP4 client.atlanta.example.com\r\n"
			   "s=-\r\nc=IN IP4 192.0.2.101\r\nt=0 0\r\nm=audio 49172 RTP/AVP 0\r\n"
			   "a=rtpmap:0 PCMU/8000\r\n";
	char msg[1024];
	snprintf(msg, sizeof msg,
		 "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
		 "Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9\r\n"
		 "Max-Forwards: 70\r\n"
		 "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n"
		 "To: Bob <sip:bob@biloxi.example.com>\r\n"
		 "Call-ID: 3848276298220188511@atlanta.example.com\r\n"
		 "CSeq: 1 INVITE\r\n"
		 "Contact: <sip:alice@client.atlanta.example.com;transport=tcp>\r\n"
		 "Content-Type: application/sdp\r\n"
		 "Content-Length: %zu\r\n\r\n%s",
		 strlen(body), body);
	struct sip_msg m;
	assert_int_equal(parse_str(&m, msg), SIP_OK);
	assert_int_equal(m.body.len, strlen(body));
	char num[DW_NUMBER_MAX + 1];
	assert_false(sip_hdr_number(&m, SIP_H_FROM, false, num)); /* alice is no number */
	assert_int_equal(sip_msg_frame((const uint8_t *)msg, strlen(msg)), (long)strlen(msg));
	/* RFC 3261 24.2 response, no reason phrase variations */
	const char *ok = "SIP/2.0 180 Ringing\r\n"
			 "Via: SIP/2.0/UDP server10.biloxi.com;branch=z9hG4bK4b43c2ff8.1\r\n"
			 "To: Bob <sip:bob@biloxi.com>;tag=a6c85cf\r\n"
			 "From: Alice <sip:alice@atlanta.com>;tag=1928301774\r\n"
			 "Call-ID: a84b4c76e66710\r\n"
			 "Contact: <sip:bob@192.0.2.4>\r\n"
			 "CSeq: 314159 INVITE\r\n"
			 "Content-Length: 0\r\n\r\n";
	assert_int_equal(parse_str(&m, ok), SIP_OK);
	assert_int_equal(m.status, 180);
	assert_int_equal(m.cseq, 314159);
}

static void uris(void **state)
{
	(void)state;
	struct sip_uri u;
	char num[DW_NUMBER_MAX + 1], imsi[DW_IMSI_MAX + 1];
	assert_true(sip_uri_parse(S("tel:+86-138-0000-0001"), &u));
	assert_true(u.global);
	assert_true(sip_uri_number(&u, true, num));
	assert_string_equal(num, "8613800000001");
	assert_true(sip_uri_parse(S("tel:7042;phone-context=example.com"), &u));
	assert_true(sip_slice_ieq(u.phone_context, "example.com"));
	assert_true(sip_uri_number(&u, true, num));
	assert_string_equal(num, "7042");
	assert_true(sip_uri_parse(S("sip:+12125551212@server.phone2net.com;user=phone"), &u));
	assert_true(u.user_phone);
	assert_true(sip_uri_number(&u, true, num));
	assert_string_equal(num, "12125551212");
	assert_true(sip_uri_parse(S("sip:5551212;phone-context=+1212@example.com;user=phone"), &u));
	assert_true(sip_slice_ieq(u.phone_context, "+1212"));
	assert_true(sip_uri_number(&u, true, num));
	assert_string_equal(num, "5551212");
	assert_true(sip_uri_parse(S("sip:12345@host"), &u));
	assert_false(sip_uri_number(&u, true, num));
	assert_true(sip_uri_number(&u, false, num));
	assert_string_equal(num, "12345");
	assert_true(sip_uri_parse(S("sips:alice@atlanta.com"), &u));
	assert_int_equal(u.scheme, SIP_SCHEME_SIPS);
	assert_false(sip_uri_number(&u, false, num));
	assert_true(sip_uri_parse(S("sip:460010000001234@ims.mnc001.mcc460.3gppnetwork.org"), &u));
	assert_true(sip_uri_imsi(&u, false, imsi));
	assert_string_equal(imsi, "460010000001234");
	assert_true(sip_uri_parse(S("sip:460010000001234@10.0.0.7:5060"), &u));
	assert_false(sip_uri_imsi(&u, false, imsi));
	assert_true(sip_uri_imsi(&u, true, imsi));
	assert_true(sip_uri_parse(S("sip:46001000000123@10.0.0.7"), &u));
	assert_false(sip_uri_imsi(&u, true, imsi)); /* 14 digits outside the IMS domain */
	assert_true(sip_uri_parse(S("sip:+460010000001234@10.0.0.7"), &u));
	assert_false(sip_uri_imsi(&u, true, imsi));
	assert_true(sip_uri_parse(S("sip:[2001:db8::1]:5060;transport=tcp"), &u));
	assert_true(sip_slice_ieq(u.host, "[2001:db8::1]"));
	assert_int_equal(u.user.len, 0);
	/* broken ones: no crash, no number */
	assert_false(sip_uri_parse(S("garbage"), &u));
	assert_true(sip_uri_parse(S("tel:"), &u));
	assert_false(sip_uri_number(&u, false, num));
	assert_true(sip_uri_parse(S("sip:@"), &u));
	assert_false(sip_uri_number(&u, false, num));
	assert_true(sip_uri_parse(S("sip:[::1"), &u));
	assert_true(sip_uri_parse(S("tel:+123456789012345678901234567890123456"), &u));
	assert_false(sip_uri_number(&u, false, num)); /* longer than DW_NUMBER_MAX */
	struct sip_addr a;
	assert_false(sip_addr_parse(S("\"unterminated <sip:a@b>"), &a));
	assert_false(sip_addr_parse(S("<sip:a@b"), &a));
	assert_true(sip_addr_parse(S("\"Bob \\\"B\\\"\" <tel:+1>;tag=x"), &a));
	assert_true(sip_slice_ieq(a.uri, "tel:+1"));
}

static void pani_forms(void **state)
{
	(void)state;
	char cell[DW_CELL_MAX];
	assert_true(sip_pani_cell(S("3GPP-E-UTRAN-FDD;utran-cell-id-3gpp=31041000011a2d001"), cell));
	assert_string_equal(cell, "310-410-1-27447297");
	assert_true(sip_pani_cell(S("3GPP-E-UTRAN-TDD; utran-cell-id-3gpp=4600112340012345"), cell));
	assert_string_equal(cell, "460-01-4660-74565");
	assert_true(sip_pani_cell(S("3gpp-e-utran-fdd; utran-cell-id-3gpp=\"4600112340012345\""), cell));
	assert_string_equal(cell, "460-01-4660-74565");
	assert_false(sip_pani_cell(S("3GPP-UTRAN-FDD; utran-cell-id-3gpp=234150D0FCE11A"), cell));
	assert_true(sip_pani_cell(S("3GPP-UTRAN-FDD; utran-cell-id-3gpp=2341512340ABCDEF"), cell));
	assert_string_equal(cell, "234-15-4660-11259375");
	assert_true(sip_pani_cell(S("3GPP-GERAN; cgi-3gpp=46000123400ab"), cell));
	assert_string_equal(cell, "460-00-4660-171");
	assert_true(sip_pani_cell(S("3GPP-NR-FDD;utran-cell-id-3gpp=4600100abcd00000001f"), cell));
	assert_string_equal(cell, "460-01-43981-31");
	assert_true(sip_pani_cell(S("3GPP-NR-TDD;utran-cell-id-3gpp=310410000001fffffffff"), cell));
	assert_string_equal(cell, "310-410-1-68719476735");
	assert_false(sip_pani_cell(S("IEEE-802.11;i-wlan-node-id=ffeeddccbbaa"), cell));
	assert_false(sip_pani_cell(S("3GPP-E-UTRAN-FDD;utran-cell-id-3gpp=3104100001xa2d001"), cell));
	assert_false(sip_pani_cell(S("3GPP-E-UTRAN-FDD;utran-cell-id-3gpp=31041"), cell));
	assert_false(sip_pani_cell(S("3GPP-E-UTRAN-FDD"), cell));
	assert_false(sip_pani_cell(S("3GPP-E-UTRAN-FDD;utran-cell-id-3gpp="), cell));
	/* a network-provided value wins over the UE's */
	const char *msg = "MESSAGE tel:+7 SIP/2.0\r\nCall-ID: x\r\nCSeq: 1 MESSAGE\r\n"
			  "P-Access-Network-Info: 3GPP-E-UTRAN-FDD;utran-cell-id-3gpp=4600112340012345\r\n"
			  "P-Access-Network-Info: 3GPP-E-UTRAN-FDD;utran-cell-id-3gpp=4600112340054321;"
			  "network-provided\r\n\r\n";
	struct sip_msg m;
	assert_int_equal(parse_str(&m, msg), SIP_OK);
	assert_true(sip_msg_cell(&m, cell));
	assert_string_equal(cell, "460-01-4660-344865");
}

static void digest_and_instance(void **state)
{
	(void)state;
	char imsi[DW_IMSI_MAX + 1], imei[DW_IMEI_LEN + 1];
	assert_true(sip_digest_imsi(S("Digest username=\"460010000001234@ims.mnc001.mcc460.3gppnetwork.org\","
				      " realm=\"ims.mnc001.mcc460.3gppnetwork.org\", nonce=\"\","
				      " uri=\"sip:ims.mnc001.mcc460.3gppnetwork.org\", response=\"\""),
				    imsi));
	assert_string_equal(imsi, "460010000001234");
	assert_true(sip_digest_imsi(S("Digest realm=\"x\",USERNAME = \"46001000000123@ims.mnc001.mcc460.3gppnetwork.org\""),
				    imsi));
	assert_string_equal(imsi, "46001000000123");
	assert_false(sip_digest_imsi(S("Digest username=\"alice@atlanta.com\""), imsi));
	assert_false(sip_digest_imsi(S("Basic dXNlcjpwYXNz"), imsi));
	assert_false(sip_digest_imsi(S("Digest username=\"46001000000123x@ims.mnc001.mcc460.3gppnetwork.org"), imsi));
	assert_false(sip_digest_imsi(S("Digest"), imsi));

	const char *msg = "REGISTER sip:ims.example SIP/2.0\r\nCall-ID: r\r\nCSeq: 1 REGISTER\r\n"
			  "Contact: <sip:1.2.3.4>;expires=600\r\n"
			  "m: <sip:460010000001234@10.0.0.1:5060>;+sip.instance=\"<urn:gsma:imei:86123400-000101-0;svn=01>\"\r\n"
			  "\r\n";
	struct sip_msg m;
	assert_int_equal(parse_str(&m, msg), SIP_OK);
	assert_true(sip_instance_imei(&m, imei));
	assert_string_equal(imei, "86123400000101");
	const char *bad = "REGISTER sip:ims.example SIP/2.0\r\nCall-ID: r\r\nCSeq: 1 REGISTER\r\n"
			  "Contact: <sip:a@b>;+sip.instance=\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\"\r\n"
			  "Contact: <sip:a@b>;+sip.instance=\"<urn:gsma:imei:12>\"\r\n"
			  "Contact: <sip:a@b>;+sip.instance=\"<urn:gsma:imei:\r\n\r\n";
	assert_int_equal(parse_str(&m, bad), SIP_OK);
	assert_false(sip_instance_imei(&m, imei));
}

static void framing(void **state)
{
	(void)state;
	const char *one = "MESSAGE tel:+7 SIP/2.0\r\nCall-ID: x\r\nCSeq: 1 MESSAGE\r\nContent-Length: 3\r\n\r\nabc";
	size_t n = strlen(one);
	char two[512];
	snprintf(two, sizeof two, "%s%s", one, one);
	assert_int_equal(sip_msg_frame((const uint8_t *)one, n), (long)n);
	assert_int_equal(sip_msg_frame((const uint8_t *)two, strlen(two)), (long)n);
	for (size_t k = 1; k < n; k++)
		assert_int_equal(sip_msg_frame((const uint8_t *)one, k), 0);
	assert_int_equal(sip_msg_frame((const uint8_t *)"\r\n\r\nINVITE", 10), 4);
	assert_int_equal(sip_msg_frame((const uint8_t *)"\x16\x03\x01\x02\x00 hello\r\n", 16), -1);
	assert_int_equal(sip_msg_frame((const uint8_t *)"HTTP/1.1 200 OK\r\n", 17), -1);
	const char *huge = "INVITE sip:a@b SIP/2.0\r\nl: 99999999999\r\n\r\n";
	assert_int_equal(sip_msg_frame((const uint8_t *)huge, strlen(huge)), -1);
	/* two Content-Length headers: framer and parser both take the first */
	const char *dup = "MESSAGE tel:+7 SIP/2.0\r\nCall-ID: x\r\nCSeq: 1 MESSAGE\r\nl: 2\r\n"
			  "Content-Length: 5\r\n\r\nabcde";
	assert_int_equal(sip_msg_frame((const uint8_t *)dup, strlen(dup)), (long)strlen(dup) - 3);
	struct sip_msg m;
	assert_int_equal(sip_msg_parse(&m, (const uint8_t *)dup, strlen(dup) - 3), SIP_OK);
	assert_int_equal(m.body.len, 2);
	const char *neg = "INVITE sip:a@b SIP/2.0\r\nContent-Length: -5\r\n\r\n";
	assert_int_equal(sip_msg_frame((const uint8_t *)neg, strlen(neg)), -1);
	/* a header block that never ends: more bytes wanted, then given up */
	size_t big = SIP_MAX_HEAD + 100;
	char *b = malloc(big);
	assert_non_null(b);
	memset(b, 'a', big);
	memcpy(b, "INVITE sip:a@b SIP/2.0\r\nX: ", 27);
	assert_int_equal(sip_msg_frame((const uint8_t *)b, 4000), 0);
	assert_int_equal(sip_msg_frame((const uint8_t *)b, big), -1);
	free(b);
	assert_true(sip_msg_probe(fx_volte_27, sizeof fx_volte_27));
	assert_true(sip_msg_probe(fx_volte_29, sizeof fx_volte_29));
	assert_false(sip_msg_probe((const uint8_t *)"GET / HTTP/1.1\r\n", 16));
	assert_false(sip_msg_probe((const uint8_t *)"SIP/2.0 20", 10));
}

static void hostile_lengths(void **state)
{
	(void)state;
	struct sip_msg m;
	const char *pre = "INVITE sip:a@b SIP/2.0\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n";
	char msg[512];
	snprintf(msg, sizeof msg, "%sContent-Length: 10\r\n\r\nabc", pre);
	assert_int_equal(parse_str(&m, msg), SIP_MALFORMED);
	snprintf(msg, sizeof msg, "%sContent-Length: -1\r\n\r\nabc", pre);
	assert_int_equal(parse_str(&m, msg), SIP_MALFORMED);
	snprintf(msg, sizeof msg, "%sContent-Length: 99999999999999999999999\r\n\r\nabc", pre);
	assert_int_equal(parse_str(&m, msg), SIP_MALFORMED);
	snprintf(msg, sizeof msg, "%sContent-Length: 4294967299\r\n\r\nabc", pre);
	assert_int_equal(parse_str(&m, msg), SIP_MALFORMED);
	snprintf(msg, sizeof msg, "%sContent-Length: 2\r\n\r\nabc", pre);
	assert_int_equal(parse_str(&m, msg), SIP_OK);
	assert_int_equal(m.body.len, 2);
	/* missing CRLF: no blank line, no line end at all */
	snprintf(msg, sizeof msg, "%sContent-Length: 0\r\n", pre);
	assert_int_equal(parse_str(&m, msg), SIP_MALFORMED);
	assert_int_equal(parse_str(&m, "INVITE sip:a@b SIP/2.0"), SIP_MALFORMED);
	assert_int_equal(parse_str(&m, ""), SIP_MALFORMED);
	/* mandatory headers */
	assert_int_equal(parse_str(&m, "INVITE sip:a@b SIP/2.0\r\nCSeq: 1 INVITE\r\n\r\n"), SIP_MALFORMED);
	assert_int_equal(parse_str(&m, "INVITE sip:a@b SIP/2.0\r\nCall-ID: x\r\nCSeq: INVITE\r\n\r\n"),
			 SIP_MALFORMED);
	/* broken start lines and header lines */
	assert_int_equal(parse_str(&m, "INVITE  SIP/2.0\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n\r\n"), SIP_MALFORMED);
	assert_int_equal(parse_str(&m, "SIP/2.0 99 Low\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n\r\n"), SIP_MALFORMED);
	assert_int_equal(parse_str(&m, "SIP/2.0 2000 OK\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n\r\n"), SIP_MALFORMED);
	assert_int_equal(parse_str(&m, "INVITE sip:a@b SIP/2.0\r\n folded-first\r\nCall-ID: x\r\n\r\n"),
			 SIP_MALFORMED);
	assert_int_equal(parse_str(&m, "INVITE sip:a@b SIP/2.0\r\nno colon here\r\n\r\n"), SIP_MALFORMED);
	/* NUL bytes: in a value they are data, in a name or the start line malformed */
	static const char nul_value[] = "INVITE sip:a@b SIP/2.0\r\nCall-ID: x\0y\r\nCSeq: 1 INVITE\r\n\r\n";
	assert_int_equal(parse_exact(&m, (const uint8_t *)nul_value, sizeof nul_value - 1), SIP_OK);
	assert_int_equal(m.call_id.len, 3);
	static const char nul_name[] = "INVITE sip:a@b SIP/2.0\r\nCall\0ID: x\r\nCSeq: 1 INVITE\r\n\r\n";
	assert_int_equal(parse_exact(&m, (const uint8_t *)nul_name, sizeof nul_name - 1), SIP_MALFORMED);
	static const char nul_start[] = "INV\0TE sip:a@b SIP/2.0\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n\r\n";
	assert_int_equal(parse_exact(&m, (const uint8_t *)nul_start, sizeof nul_start - 1), SIP_MALFORMED);
}

static void truncation_everywhere(void **state)
{
	(void)state;
	const struct {
		const uint8_t *p;
		size_t len;
	} fx[] = { { fx_volte_27, sizeof fx_volte_27 }, { fx_volte_40, sizeof fx_volte_40 },
		   { fx_volte_90, sizeof fx_volte_90 }, { fx_sctp_2, sizeof fx_sctp_2 } };
	for (size_t i = 0; i < sizeof fx / sizeof fx[0]; i++) {
		struct sip_msg m;
		assert_int_equal(parse_exact(&m, fx[i].p, fx[i].len), SIP_OK);
		for (size_t n = 0; n < fx[i].len; n++) {
			/* every shorter prefix is cut in the headers or the body */
			assert_int_equal(parse_exact(&m, fx[i].p, n), SIP_MALFORMED);
			long f = sip_msg_frame(fx[i].p, n);
			assert_true(f == 0);
		}
		assert_int_equal(sip_msg_frame(fx[i].p, fx[i].len), (long)fx[i].len);
	}
}

static char *repeat_headers(size_t count, const char *line)
{
	const char *head = "INVITE sip:a@b SIP/2.0\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n";
	size_t ll = strlen(line);
	size_t len = strlen(head) + count * ll + 3;
	char *b = malloc(len);
	assert_non_null(b);
	char *w = b + sprintf(b, "%s", head);
	for (size_t i = 0; i < count; i++) {
		memcpy(w, line, ll);
		w += ll;
	}
	memcpy(w, "\r\n", 3);
	return b;
}

static void many_and_long_headers(void **state)
{
	(void)state;
	struct sip_msg m;
	char *b = repeat_headers(10000, "X-Filler: 1\r\n");
	assert_int_equal(parse_str(&m, b), SIP_MALFORMED);
	free(b);
	b = repeat_headers(10000, "Route: <sip:p@h;lr>\r\n");
	assert_int_equal(parse_str(&m, b), SIP_MALFORMED);
	free(b);
	/* under the line limit: a known header past the table is dropped, not fatal */
	b = repeat_headers(500, "P-Asserted-Identity: <tel:+1234>\r\n");
	assert_int_equal(parse_str(&m, b), SIP_OK);
	assert_int_equal(m.nknown, SIP_MAX_KNOWN);
	free(b);
	/* a 100 kB header line, known and unknown */
	size_t big = 100 * 1024;
	char *line = malloc(big + 64);
	assert_non_null(line);
	strcpy(line, "P-Asserted-Identity: <tel:+");
	size_t l = strlen(line);
	memset(line + l, '1', big);
	strcpy(line + l + big, ">\r\n");
	b = repeat_headers(1, line);
	assert_int_equal(parse_str(&m, b), SIP_OK);
	char num[DW_NUMBER_MAX + 1];
	assert_false(sip_hdr_number(&m, SIP_H_PAI, false, num));
	free(b);
	line[0] = 'Y';
	b = repeat_headers(1, line);
	assert_int_equal(parse_str(&m, b), SIP_OK);
	free(b);
	free(line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(volte_register),
		cmocka_unit_test(volte_register_ok),
		cmocka_unit_test(volte_message_body),
		cmocka_unit_test(sctp_invite_pai_list),
		cmocka_unit_test(compact_case_folding),
		cmocka_unit_test(rfc3261_invite),
		cmocka_unit_test(uris),
		cmocka_unit_test(pani_forms),
		cmocka_unit_test(digest_and_instance),
		cmocka_unit_test(framing),
		cmocka_unit_test(hostile_lengths),
		cmocka_unit_test(truncation_everywhere),
		cmocka_unit_test(many_and_long_headers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
