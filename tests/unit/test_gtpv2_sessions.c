/* test_gtpv2_sessions.c: the GTPv2-C dissector through the pipeline: events of
 * real message sequences, TEID attribution of Modify Bearer / Delete Session,
 * request/response matching by sequence number, piggybacked messages, the
 * session table's bound and eviction. Events are read back from --dump events
 * JSON lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../sensors/pipeline.h"
#include "../../sensors/proto/gtpv2.h"

struct ctx {
	struct dw_config cfg;
	struct dw_pipeline *pl;
	FILE *out;
	char *buf;
	size_t len;
	uint64_t frame;
	uint8_t dst[4]; /* IPv4 destination of the next packets, 0.0.0.0 = none */
};

static void ctx_open(struct ctx *c, const char *set)
{
	memset(c, 0, sizeof *c);
	char err[DW_ERR_LEN];
	dw_config_init(&c->cfg);
	if (set)
		assert_int_equal(dw_config_set(&c->cfg, set, err, sizeof err), 0);
	c->out = open_memstream(&c->buf, &c->len);
	assert_non_null(c->out);
	struct dw_pipeline_opts o = {.output = DW_OUT_EVENTS, .out = c->out};
	c->pl = dw_pipeline_new(&c->cfg, &o);
	assert_non_null(c->pl);
}

/* Finishes and returns the events as a JSON array (caller frees). */
static json_t *ctx_events(struct ctx *c)
{
	assert_int_equal(dw_pipeline_finish(c->pl), 0);
	fflush(c->out);
	json_t *arr = json_array();
	char *save = NULL;
	for (char *line = strtok_r(c->buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		json_error_t e;
		json_t *j = json_loads(line, 0, &e);
		assert_non_null(j);
		json_array_append_new(arr, j);
	}
	return arr;
}

static char *ctx_stats(struct ctx *c)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);
	dw_pipeline_print_stats(c->pl, f);
	fclose(f);
	return s;
}

static void ctx_close(struct ctx *c)
{
	dw_pipeline_free(c->pl);
	fclose(c->out);
	free(c->buf);
	dw_config_free(&c->cfg);
}

static enum dw_parse_result feed(struct ctx *c, const char *hex)
{
	size_t n = strlen(hex) / 2;
	uint8_t *b = malloc(n ? n : 1);
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		sscanf(hex + 2 * i, "%2x", &v);
		b[i] = (uint8_t)v;
	}
	struct dw_packet pkt = {.ts_us = 1772409600000000LL + (int64_t)c->frame * 1000,
				.frame = ++c->frame,
				.l4 = DW_L4_UDP,
				.sport = 2123,
				.dport = 2123};
	if (c->dst[0]) {
		pkt.ip_version = 4;
		memcpy(pkt.dst, c->dst, 4);
	}
	dw_pipeline_advance(c->pl, pkt.ts_us);
	enum dw_parse_result r = dw_dissector_gtpv2.parse(c->pl, &pkt, b, n);
	free(b);
	return r;
}

static const char *str(json_t *arr, size_t i, const char *k)
{
	json_t *v = json_object_get(json_array_get(arr, i), k);
	assert_non_null(v);
	return json_string_value(v);
}

/* Magma nsa_connection.pcap: S11 attach, two Modify Bearers, detach. */
static void magma_s11_attributed(void **state)
{
	(void)state;
	struct ctx c;
	ctx_open(&c, NULL);
	assert_int_equal(
	    feed(&c,
		 "482000ca0000000000a4840003000100000100080022020101001041f056000d0018"
		 "22f210000122f210000e0100520001000663000100014f00050001000000007f000100"
		 "00480008000000c350000186a04d000300000000570009008a0002a100c0a83d954700"
		 "0900036f6169046970763480000100005300030022f2104e0023008080211001000010"
		 "810600000000830600000000000d00000a000005000010000011005d00240049000100"
		 "05500016003c0900000000000000000000000000000000000000005400010000"),
	    DW_PARSE_OK);
	assert_int_equal(
	    feed(&c,
		 "482100700002a10000a48400020002001000570009008b00000002c0a83d844f0005"
		 "00010c010102480008000000c350000186a04e00200080802110030000108106c0a812"
		 "81830608080404000d04c0a8128100100205dc5d001800490001000502000200100057"
		 "0009008100000002c0a83d85"),
	    DW_PARSE_OK);
	assert_int_equal(
	    feed(&c,
		 "482200270000000200a48500570005000a000000005d001200490001000557000900"
		 "80ca6fe0ddc0a812c7"),
	    DW_PARSE_OK);
	assert_int_equal(
	    feed(&c, "4823002a0002a10000a485000200020010005d0018004900010005020002001000"
		     "570009008100000002c0a83d85"),
	    DW_PARSE_OK);
	assert_int_equal(
	    feed(&c, "482400210000000200a48700570009008a0002a100c0a83d9549000100054d0003"
		     "00080000"),
	    DW_PARSE_OK);
	assert_int_equal(feed(&c, "4825000e0002a10000a48700020002001000"), DW_PARSE_OK);
	json_t *ev = ctx_events(&c);
	assert_int_equal(json_array_size(ev), 3);
	const char *ops[] = {"create", "modify", "delete"};
	const int frames[] = {1, 3, 5};
	for (size_t i = 0; i < 3; i++) {
		assert_string_equal(str(ev, i, "proto"), "gtpv2");
		assert_string_equal(str(ev, i, "kind"), "session");
		assert_string_equal(str(ev, i, "session_op"), ops[i]);
		assert_string_equal(str(ev, i, "imsi"), "222010100001140");
		assert_string_equal(str(ev, i, "cell"), "222-01-1-917760");
		assert_int_equal(
		    json_integer_value(json_object_get(json_array_get(ev, i), "frame")),
		    frames[i]);
	}
	/* the session is forgotten after Delete Session Response */
	char *stats = ctx_stats(&c);
	assert_non_null(strstr(stats, "gtpv2.sessions 0\n"));
	assert_non_null(strstr(stats, "gtpv2.unmatched_responses 0\n"));
	free(stats);
	json_decref(ev);
	ctx_close(&c);
}

/* nDPI gtp_c.pcap: the Delete Session Request goes to the PGW's S5/S8 TEID. */
static void ndpi_delete_attributed(void **state)
{
	(void)state;
	struct ctx c;
	ctx_open(&c, NULL);
	feed(&c, "482000f3000000004b5462000100080089674511223344f54c0006009876541234564b0"
		 "00800345678"
		 "90120102f356000d00189876541234987654123456785300030089475652000100064d0"
		 "0020000005700"
		 "090086355292040a6500024700090008696e7465726e6574800001000063000100014f0"
		 "0050001211717"
		 "017f00010002480008000000270f0000270f49000100055d003d00490001000554000d0"
		 "02131010910c0"
		 "a80101ffffff005700090284355292050a6500025000160018070000000000000000000"
		 "0000000000000"
		 "000000008400070001ac106b7100018400070101ac106b7200017200020000005f00020"
		 "00001");
	feed(&c, "482100d0355292044b5462000200020010005700090187355292060a6600024f0005000"
		 "1211717017f"
		 "00010001480008000000270f0000270f5d006c0049000100050200020010005400"
		 "2e002220001810dcdc0000ffff000030844107d013885107d0138870000010000f30844"
		 "107d0138851"
		 "07d013887000005700090285355292070a6600025000160018070000000000000000000"
		 "000000000000"
		 "0000000005e000400103a98050300010001880017006f6663732e6d6e633635342e6d63"
		 "633938372e67"
		 "7072738400070001ac106b7a0001");
	feed(&c, "4824001e355292064b546200490001000556000d0018987654123498765412345678");
	json_t *ev = ctx_events(&c);
	assert_int_equal(json_array_size(ev), 2);
	assert_string_equal(str(ev, 0, "msisdn"), "896745214365");
	assert_string_equal(str(ev, 0, "imei"), "43658709211020");
	assert_string_equal(str(ev, 1, "session_op"), "delete");
	assert_string_equal(str(ev, 1, "imsi"), "987654112233445");
	assert_string_equal(str(ev, 1, "msisdn"), "896745214365");
	json_decref(ev);
	ctx_close(&c);
}

/* Builders for synthetic sessions. */
static void csreq_hex(char *out, uint32_t seq, uint32_t mme_teid, const char *imsi_tbcd)
{
	/* header(12) + IMSI(4+8) + F-TEID(4+9): length field 33 */
	sprintf(out,
		"48200021"
		"00000000"
		"%06x00"
		"01000800%s"
		"570009008a%08xc0a80001",
		seq, imsi_tbcd, mme_teid);
}

static void csresp_hex(char *out, uint32_t seq, uint32_t mme_teid, uint32_t sgw_teid)
{
	/* header(12) + Cause(4+2) + F-TEID(4+9) = 31, length 27 */
	sprintf(out,
		"4821001b%08x%06x00"
		"020002001000"
		"570009008b%08xc0a80002",
		mme_teid, seq, sgw_teid);
}

static void mbreq_hex(char *out, uint32_t seq, uint32_t sgw_teid, const char *uli)
{
	/* header + optional ULI (TAI+ECGI: 4+13) */
	if (uli)
		sprintf(out,
			"48220019%08x%06x00"
			"56000d0018%s",
			sgw_teid, seq, uli);
	else
		sprintf(out, "48220008%08x%06x00", sgw_teid, seq);
}

static void teid_attribution_and_location(void **state)
{
	(void)state;
	struct ctx c;
	char h[256];
	ctx_open(&c, NULL);
	csreq_hex(h, 7, 0x1111, "64000100000010f2"); /* IMSI 460010000000012 */
	assert_int_equal(feed(&c, h), DW_PARSE_OK);
	csresp_hex(h, 8, 0x1111, 0x2222); /* wrong sequence number: not matched */
	assert_int_equal(feed(&c, h), DW_PARSE_OK);
	mbreq_hex(h, 9, 0x2222, NULL);
	assert_int_equal(feed(&c, h), DW_PARSE_OK);
	csresp_hex(h, 7, 0x1111, 0x2222);
	assert_int_equal(feed(&c, h), DW_PARSE_OK);
	/* now attributed; the ULI names a new cell: session + location */
	mbreq_hex(h, 10, 0x2222,
		  "64f0100001"
		  "64f01001234567");
	assert_int_equal(feed(&c, h), DW_PARSE_OK);
	/* same cell again: session only */
	mbreq_hex(h, 11, 0x2222,
		  "64f0100001"
		  "64f01001234567");
	assert_int_equal(feed(&c, h), DW_PARSE_OK);
	char *st1 = ctx_stats(&c);
	assert_non_null(strstr(st1, "gtpv2.sessions 1\n")); /* one entry per session */
	free(st1);
	/* Delete Session Request: attributed, then forgotten; a retransmission is not */
	sprintf(h, "48240008%08x%06x00", 0x2222, 12);
	assert_int_equal(feed(&c, h), DW_PARSE_OK);
	assert_int_equal(feed(&c, h), DW_PARSE_OK);
	json_t *ev = ctx_events(&c);
	assert_int_equal(json_array_size(ev), 7);
	assert_string_equal(str(ev, 5, "session_op"), "delete");
	assert_string_equal(str(ev, 5, "imsi"), "460010000000012");
	assert_string_equal(str(ev, 6, "imsi"), "");
	assert_string_equal(str(ev, 0, "imsi"), "460010000000012");
	assert_string_equal(str(ev, 1, "imsi"), ""); /* before the response matched */
	assert_string_equal(str(ev, 2, "imsi"), "460010000000012");
	assert_string_equal(str(ev, 2, "kind"), "session");
	assert_string_equal(str(ev, 2, "cell"), "460-01-1-19088743");
	assert_string_equal(str(ev, 3, "kind"), "location");
	assert_string_equal(str(ev, 3, "imsi"), "460010000000012");
	assert_string_equal(str(ev, 4, "kind"), "session");
	char *stats = ctx_stats(&c);
	assert_non_null(strstr(stats, "gtpv2.unmatched_responses 1\n"));
	assert_non_null(strstr(stats, "gtpv2.unattributed 2\n"));
	assert_non_null(strstr(stats, "gtpv2.sessions 0\n"));
	free(stats);
	json_decref(ev);
	ctx_close(&c);
}

/* Two SGWs hand out the same TEID: the destination address tells them apart. */
static void same_teid_two_sgws(void **state)
{
	(void)state;
	struct ctx c;
	char h[256];
	ctx_open(&c, NULL);
	const uint8_t mme[4] = {192, 168, 0, 1};
	csreq_hex(h, 1, 0x1111, "64000100000010f2"); /* 460010000000012 */
	feed(&c, h);
	csreq_hex(h, 2, 0x3333, "64000100000020f3"); /* 460010000000023 */
	feed(&c, h);
	memcpy(c.dst, mme, 4);
	/* SGW A 192.168.0.2 and SGW B 192.168.0.3 both answer with TEID 0x2222 */
	sprintf(h,
		"4821001b%08x%06x00"
		"020002001000"
		"570009008b%08xc0a80002",
		0x1111, 1, 0x2222);
	feed(&c, h);
	sprintf(h,
		"4821001b%08x%06x00"
		"020002001000"
		"570009008b%08xc0a80003",
		0x3333, 2, 0x2222);
	feed(&c, h);
	const uint8_t sgw_b[4] = {192, 168, 0, 3}, sgw_a[4] = {192, 168, 0, 2};
	memcpy(c.dst, sgw_b, 4);
	mbreq_hex(h, 3, 0x2222, NULL);
	feed(&c, h);
	memcpy(c.dst, sgw_a, 4);
	mbreq_hex(h, 4, 0x2222, NULL);
	feed(&c, h);
	json_t *ev = ctx_events(&c);
	assert_int_equal(json_array_size(ev), 4);
	assert_string_equal(str(ev, 2, "imsi"), "460010000000023");
	assert_string_equal(str(ev, 3, "imsi"), "460010000000012");
	json_decref(ev);
	ctx_close(&c);
}

static void session_table_bounded(void **state)
{
	(void)state;
	struct ctx c;
	char h[256], imsi[40];
	ctx_open(&c, "sensor.max_sessions=16");
	for (uint32_t k = 0; k < 20; k++) {
		/* IMSI 4600100000000kk as TBCD */
		sprintf(imsi, "640010000000%01x%01xf%01x", k / 10, 0, k % 10);
		csreq_hex(h, 100 + k, 0x1000 + k, imsi);
		assert_int_equal(feed(&c, h), DW_PARSE_OK);
	}
	char *stats = ctx_stats(&c);
	assert_non_null(strstr(stats, "gtpv2.sessions 16\n"));
	assert_non_null(strstr(stats, "gtpv2.session_evictions 4\n"));
	free(stats);
	/* the oldest sessions were evicted: their responses are unmatched */
	csresp_hex(h, 100, 0x1000, 0x9000);
	feed(&c, h);
	csresp_hex(h, 119, 0x1000 + 19, 0x9019);
	feed(&c, h);
	stats = ctx_stats(&c);
	assert_non_null(strstr(stats, "gtpv2.unmatched_responses 1\n"));
	free(stats);
	json_t *ev = ctx_events(&c);
	assert_int_equal(json_array_size(ev), 20);
	json_decref(ev);
	ctx_close(&c);
}

static void piggyback_and_lies(void **state)
{
	(void)state;
	struct ctx c;
	ctx_open(&c, NULL);
	/* Echo Request + piggybacked Create Session Response: understood, no event */
	assert_int_equal(
	    feed(&c, "500100090030390003000100114c21001400015666010932900100080033879334"
		     "495183f6"),
	    DW_PARSE_OK);
	/* P flag with two stray bytes after the message */
	assert_int_equal(feed(&c, "500100090030390003000100113132"), DW_PARSE_MALFORMED);
	/* P flag with nothing after */
	assert_int_equal(feed(&c, "50010009003039000300010011"), DW_PARSE_MALFORMED);
	/* a chain of piggybacked messages beyond the one allowed */
	assert_int_equal(feed(&c, "5001000900303900030001001150010009003039000300010011"
				  "40010009003039000300010011"),
			 DW_PARSE_MALFORMED);
	/* plain Echo: unsupported (2 piggybacked messages decoded above, one in the
	 * malformed chain) */
	assert_int_equal(feed(&c, "40010009003039000300010011"), DW_PARSE_UNSUPPORTED);
	char *stats = ctx_stats(&c);
	assert_non_null(strstr(stats, "gtpv2.piggybacked 2\n"));
	free(stats);
	json_t *ev = ctx_events(&c);
	assert_int_equal(json_array_size(ev), 0);
	json_decref(ev);
	ctx_close(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(magma_s11_attributed),
	    cmocka_unit_test(ndpi_delete_attributed),
	    cmocka_unit_test(teid_attribution_and_location),
	    cmocka_unit_test(same_teid_two_sgws),
	    cmocka_unit_test(session_table_bounded),
	    cmocka_unit_test(piggyback_and_lies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
