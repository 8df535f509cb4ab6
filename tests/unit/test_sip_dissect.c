/* test_sip_dissect.c: the SIP dissector from bytes to events: the iPhone VoLTE
 * trace's registration, call and SMS; the SCTP trace's rejected call; IMS legs as
 * TS 24.229 writes them on Mw (originating with ";orig", terminating with
 * P-Called-Party-ID and its own Call-ID); MT SMS; parse results for other methods,
 * keep-alives and broken messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../sensors/dissect.h"
#include "../../sensors/pipeline.h"
#include "../../sensors/proto/sip.h"
#include "test_sip_fixtures.h"

#define MAXEV 64
struct sink {
	struct dw_event ev[MAXEV];
	int n;
};

static void collect(void *arg, struct dw_event *ev)
{
	struct sink *s = arg;
	if (s->n < MAXEV)
		s->ev[s->n] = *ev;
	s->n++;
}

/* A real pipeline (JSON to /dev/null) owns the call table; its events come
 * straight to the sink. */
static struct dw_pipeline *PL;
static struct dw_config cfg;
static FILE *devnull;

static uint64_t frame_no; /* frames fed since setup, 1-based like tshark's */

static struct sink *setup_sink(void)
{
	static struct sink s;
	memset(&s, 0, sizeof s);
	frame_no = 0;
	dw_config_init(&cfg);
	devnull = fopen("/dev/null", "w");
	assert_non_null(devnull);
	struct dw_pipeline_opts opts = { .output = DW_OUT_EVENTS, .out = devnull };
	PL = dw_pipeline_new(&cfg, &opts);
	assert_non_null(PL);
	assert_int_equal(dw_sip_attach_sink(PL, 1000, 7200, collect, &s), 0);
	return &s;
}

static void teardown_sink(void)
{
	dw_pipeline_free(PL);
	PL = NULL;
	dw_config_free(&cfg);
	fclose(devnull);
}

static enum dw_parse_result feed(const void *p, size_t len, double ts)
{
	struct dw_packet pkt = { .ts_us = (int64_t)(ts * 1e6), .frame = ++frame_no, .l4 = DW_L4_UDP,
				 .sport = 5060, .dport = 5060 };
	uint8_t *b = malloc(len ? len : 1); /* exact size, for ASan */
	assert_non_null(b);
	memcpy(b, p, len);
	enum dw_parse_result r = dw_dissector_sip.parse(PL, &pkt, b, len);
	free(b);
	return r;
}

static enum dw_parse_result feed_str(const char *s, double ts)
{
	return feed(s, strlen(s), ts);
}

static void volte_trace(void **state)
{
	(void)state;
	struct sink *s = setup_sink();
	/* times are those of the capture, relative */
	assert_int_equal(feed(fx_volte_27, sizeof fx_volte_27, 10.0), DW_PARSE_OK);
	assert_int_equal(s->n, 0);
	assert_int_equal(feed(fx_volte_29, sizeof fx_volte_29, 10.1), DW_PARSE_OK);
	assert_int_equal(s->n, 1);
	assert_int_equal(s->ev[0].kind, DW_EV_REGISTER);
	assert_int_equal(s->ev[0].proto, DW_PROTO_SIP);
	assert_string_equal(s->ev[0].msisdn, "88270006");
	assert_string_equal(s->ev[0].imei, "35999999000001");
	assert_string_equal(s->ev[0].cell, "310-410-1-27447297");
	assert_string_equal(s->ev[0].imsi, "");
	assert_string_equal(s->ev[0].call_id, "5PC5dBCGDQ0csFmFPQXQjE57");
	assert_int_equal(feed(fx_volte_31, sizeof fx_volte_31, 11), DW_PARSE_UNSUPPORTED); /* SUBSCRIBE */
	assert_int_equal(feed(fx_volte_34, sizeof fx_volte_34, 11), DW_PARSE_UNSUPPORTED); /* its 405 */
	assert_int_equal(feed(fx_volte_40, sizeof fx_volte_40, 20.0), DW_PARSE_OK);
	assert_int_equal(feed(fx_volte_40, sizeof fx_volte_40, 20.5), DW_PARSE_OK); /* retransmission */
	assert_int_equal(s->n, 2);
	struct dw_event *a = &s->ev[1];
	assert_int_equal(a->kind, DW_EV_CALL_ATTEMPT);
	assert_int_equal(a->dir, DW_DIR_MO);
	assert_string_equal(a->msisdn, "88270006"); /* P-Preferred-Identity: UE side */
	assert_string_equal(a->peer, "122");
	assert_string_equal(a->cell, "310-410-1-27447297");
	assert_string_equal(a->call_id, "zTHDK1uOm6wLihi3m15pRfSR");
	assert_int_equal(feed(fx_volte_43, sizeof fx_volte_43, 20.6), DW_PARSE_OK);
	assert_int_equal(feed(fx_volte_45, sizeof fx_volte_45, 21.0), DW_PARSE_OK);
	assert_int_equal(s->n, 2);
	assert_int_equal(feed(fx_volte_47, sizeof fx_volte_47, 25.0), DW_PARSE_OK);
	assert_int_equal(s->n, 3);
	assert_int_equal(s->ev[2].kind, DW_EV_CALL_ANSWER);
	assert_int_equal(feed(fx_volte_52, sizeof fx_volte_52, 25.1), DW_PARSE_OK);
	assert_int_equal(feed(fx_volte_80, sizeof fx_volte_80, 37.2), DW_PARSE_OK);
	assert_int_equal(feed(fx_volte_86, sizeof fx_volte_86, 37.3), DW_PARSE_OK);
	assert_int_equal(s->n, 4);
	assert_int_equal(s->ev[3].kind, DW_EV_CALL_END);
	assert_int_equal(s->ev[3].duration_s, 12);
	assert_string_equal(s->ev[3].msisdn, "88270006");
	assert_int_equal(feed(fx_volte_90, sizeof fx_volte_90, 40.0), DW_PARSE_OK);
	assert_int_equal(feed(fx_volte_91, sizeof fx_volte_91, 40.1), DW_PARSE_OK);
	assert_int_equal(s->n, 5);
	assert_int_equal(s->ev[4].kind, DW_EV_SMS_MO);
	assert_string_equal(s->ev[4].msisdn, "88270006");
	assert_string_equal(s->ev[4].peer, "122"); /* TP-DA, not the SMSC in the Request-URI */
	assert_string_equal(s->ev[4].cell, "310-410-1-27447297");
	teardown_sink();
}

static void sctp_rejected_call(void **state)
{
	(void)state;
	struct sink *s = setup_sink();
	assert_int_equal(feed(fx_sctp_2, sizeof fx_sctp_2, 1), DW_PARSE_OK);
	assert_int_equal(feed(fx_sctp_3, sizeof fx_sctp_3, 1.1), DW_PARSE_OK);
	assert_int_equal(feed(fx_sctp_4, sizeof fx_sctp_4, 1.2), DW_PARSE_OK);
	assert_int_equal(feed(fx_sctp_5, sizeof fx_sctp_5, 1.3), DW_PARSE_OK);
	assert_int_equal(s->n, 2);
	assert_int_equal(s->ev[0].kind, DW_EV_CALL_ATTEMPT);
	assert_string_equal(s->ev[0].msisdn, "9170000001");
	assert_string_equal(s->ev[0].peer, "9275890000");
	assert_int_equal(s->ev[1].kind, DW_EV_CALL_FAIL);
	assert_int_equal(s->ev[1].status, 403);
	assert_string_equal(s->ev[1].msisdn, "9170000001");
	struct sip_call_stats st;
	dw_sip_call_stats(PL, &st);
	assert_int_equal(st.active, 1);
	dw_pipeline_advance(PL, (int64_t)100e6);
	dw_sip_call_stats(PL, &st);
	assert_int_equal(st.active, 0);
	assert_int_equal(st.expired, 1);
	teardown_sink();
}

#define ORIG_INVITE                                                                              \
	"INVITE tel:+8613800000002 SIP/2.0\r\n"                                                  \
	"Via: SIP/2.0/UDP pcscf.ims.mnc001.mcc460.3gppnetwork.org;branch=z9hG4bKo1\r\n"          \
	"Via: SIP/2.0/UDP [2001:db8::5]:5060;branch=z9hG4bKue1\r\n"                              \
	"Route: <sip:scscf.ims.mnc001.mcc460.3gppnetwork.org;lr;orig>\r\n"                       \
	"P-Asserted-Identity: <sip:+8613800000001@ims.mnc001.mcc460.3gppnetwork.org;user=phone>\r\n" \
	"P-Asserted-Identity: <tel:+8613800000001>\r\n"                                          \
	"P-Access-Network-Info: 3GPP-E-UTRAN-FDD; utran-cell-id-3gpp=4600112340012345\r\n"       \
	"From: <sip:+8613800000001@ims.mnc001.mcc460.3gppnetwork.org>;tag=f1\r\n"                \
	"To: <tel:+8613800000002>\r\n"                                                           \
	"Contact: <sip:460010000000001@[2001:db8::5]:5060>;+sip.instance=\"<urn:gsma:imei:86123400-000101-0>\"\r\n" \
	"Call-ID: orig-1@pcscf\r\n"                                                              \
	"CSeq: 1 INVITE\r\n"                                                                     \
	"Content-Length: 0\r\n\r\n"

#define TERM_INVITE                                                                              \
	"INVITE sip:460010000000002@[2001:db8::9]:5060 SIP/2.0\r\n"                              \
	"Via: SIP/2.0/UDP scscf.ims.mnc001.mcc460.3gppnetwork.org;branch=z9hG4bKt1\r\n"          \
	"P-Called-Party-ID: <tel:+8613800000002>\r\n"                                            \
	"P-Asserted-Identity: <tel:+8613800000001>\r\n"                                          \
	"P-Access-Network-Info: 3GPP-E-UTRAN-FDD; utran-cell-id-3gpp=4600112340012345\r\n"       \
	"From: <sip:+8613800000001@ims.mnc001.mcc460.3gppnetwork.org>;tag=b2\r\n"                \
	"To: <tel:+8613800000002>\r\n"                                                           \
	"Call-ID: term-1@scscf\r\n"                                                              \
	"CSeq: 1 INVITE\r\n"                                                                     \
	"Content-Length: 0\r\n\r\n"

#define RESPONSE(code, cid, extra)                                                               \
	"SIP/2.0 " code "\r\n"                                                                   \
	"Via: SIP/2.0/UDP x;branch=z9hG4bKx\r\n"                                                 \
	"From: <tel:+8613800000001>;tag=f1\r\n"                                                  \
	"To: <tel:+8613800000002>;tag=t9\r\n"                                                    \
	"Call-ID: " cid "\r\n"                                                                   \
	"CSeq: 1 INVITE\r\n" extra "Content-Length: 0\r\n\r\n"

static void ims_legs(void **state)
{
	(void)state;
	struct sink *s = setup_sink();
	assert_int_equal(feed_str(ORIG_INVITE, 100), DW_PARSE_OK);
	assert_int_equal(feed_str(TERM_INVITE, 100.2), DW_PARSE_OK);
	assert_int_equal(s->n, 2);
	assert_int_equal(s->ev[0].dir, DW_DIR_MO);
	assert_string_equal(s->ev[0].msisdn, "8613800000001");
	assert_string_equal(s->ev[0].peer, "8613800000002");
	assert_string_equal(s->ev[0].cell, "460-01-4660-74565");
	assert_string_equal(s->ev[0].imei, "86123400000101");
	assert_int_equal(s->ev[0].frame, 1); /* events name the frame that made them */
	assert_int_equal(s->ev[1].frame, 2);
	assert_int_equal(s->ev[1].dir, DW_DIR_MT);
	assert_string_equal(s->ev[1].imei, "");
	assert_string_equal(s->ev[1].msisdn, "8613800000002");
	assert_string_equal(s->ev[1].peer, "8613800000001");
	assert_string_equal(s->ev[1].cell, ""); /* the caller's PANI is not the callee's */
	assert_string_equal(s->ev[1].imsi, "460010000000002"); /* the registered contact */
	assert_string_equal(s->ev[0].imsi, "460010000000001"); /* the caller's contact */
	assert_int_equal(feed_str(RESPONSE("180 Ringing", "term-1@scscf",
					   "P-Access-Network-Info: 3GPP-E-UTRAN-FDD; utran-cell-id-3gpp=46001567800abcde\r\n"),
				  101),
			 DW_PARSE_OK);
	assert_int_equal(s->n, 3);
	assert_int_equal(s->ev[2].kind, DW_EV_LOCATION);
	assert_string_equal(s->ev[2].msisdn, "8613800000002");
	assert_string_equal(s->ev[2].cell, "460-01-22136-703710");
	assert_int_equal(feed_str(RESPONSE("180 Ringing", "orig-1@pcscf", ""), 101.1), DW_PARSE_OK);
	assert_int_equal(feed_str(RESPONSE("200 OK", "term-1@scscf", ""), 105), DW_PARSE_OK);
	assert_int_equal(feed_str(RESPONSE("200 OK", "orig-1@pcscf", ""), 105.1), DW_PARSE_OK);
	assert_int_equal(s->n, 5);
	assert_int_equal(s->ev[3].kind, DW_EV_CALL_ANSWER);
	assert_int_equal(s->ev[3].frame, 5);
	assert_int_equal(s->ev[3].dir, DW_DIR_MT);
	assert_string_equal(s->ev[3].cell, "460-01-22136-703710");
	assert_int_equal(s->ev[4].dir, DW_DIR_MO);
	/* the 200 again from another hop, then BYE on both legs and its retransmission */
	assert_int_equal(feed_str(RESPONSE("200 OK", "orig-1@pcscf", ""), 105.2), DW_PARSE_OK);
	const char *bye = "BYE sip:x SIP/2.0\r\nCall-ID: orig-1@pcscf\r\nCSeq: 2 BYE\r\n\r\n";
	const char *bye2 = "BYE sip:x SIP/2.0\r\nCall-ID: term-1@scscf\r\nCSeq: 2 BYE\r\n\r\n";
	assert_int_equal(feed_str(bye, 135), DW_PARSE_OK);
	assert_int_equal(feed_str(bye, 135.5), DW_PARSE_OK);
	assert_int_equal(feed_str(bye2, 135.1), DW_PARSE_OK);
	assert_int_equal(s->n, 7);
	assert_int_equal(s->ev[5].kind, DW_EV_CALL_END);
	assert_int_equal(s->ev[5].duration_s, 30);
	assert_int_equal(s->ev[6].dir, DW_DIR_MT);
	/* a cancelled call: 487 after CANCEL, one failure */
	const char *inv2 = "INVITE tel:+8613800000003 SIP/2.0\r\n"
			   "Route: <sip:scscf;lr;orig>\r\nP-Asserted-Identity: <tel:+8613800000001>\r\n"
			   "Call-ID: c2\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
	const char *cancel = "CANCEL tel:+8613800000003 SIP/2.0\r\nCall-ID: c2\r\nCSeq: 1 CANCEL\r\n\r\n";
	assert_int_equal(feed_str(inv2, 200), DW_PARSE_OK);
	assert_int_equal(feed_str(cancel, 203), DW_PARSE_OK);
	assert_int_equal(feed_str(RESPONSE("487 Request Terminated", "c2", ""), 203.1), DW_PARSE_OK);
	assert_int_equal(s->n, 9);
	assert_int_equal(s->ev[8].kind, DW_EV_CALL_FAIL);
	assert_int_equal(s->ev[8].status, 487);
	/* 407 challenge then the INVITE again with credentials: one attempt */
	const char *inv3 = "INVITE sip:+8613800000004@ims.example;user=phone SIP/2.0\r\n"
			   "f: <sip:+8613800000001@ims.example>;tag=x\r\nt: <sip:+8613800000004@ims.example>\r\n"
			   "i: c3\r\nCSeq: 1 INVITE\r\nl: 0\r\n\r\n";
	const char *inv3b = "INVITE sip:+8613800000004@ims.example;user=phone SIP/2.0\r\n"
			    "f: <sip:+8613800000001@ims.example>;tag=x\r\nt: <sip:+8613800000004@ims.example>\r\n"
			    "i: c3\r\nCSeq: 2 INVITE\r\nProxy-Authorization: Digest username=\"u\"\r\nl: 0\r\n\r\n";
	assert_int_equal(feed_str(inv3, 300), DW_PARSE_OK);
	assert_int_equal(feed_str(RESPONSE("407 Proxy Authentication Required", "c3", ""), 300.1), DW_PARSE_OK);
	assert_int_equal(feed_str(inv3b, 300.2), DW_PARSE_OK);
	assert_int_equal(s->n, 10);
	assert_string_equal(s->ev[9].msisdn, "8613800000001"); /* From, no PAI */
	assert_string_equal(s->ev[9].peer, "8613800000004");
	teardown_sink();
}

static void ims_register(void **state)
{
	(void)state;
	struct sink *s = setup_sink();
	const char *reg =
		"REGISTER sip:ims.mnc001.mcc460.3gppnetwork.org SIP/2.0\r\n"
		"Via: SIP/2.0/UDP [2001:db8::7]:5060;branch=z9hG4bKr1\r\n"
		"From: <sip:460010000001234@ims.mnc001.mcc460.3gppnetwork.org>;tag=r\r\n"
		"To: <sip:460010000001234@ims.mnc001.mcc460.3gppnetwork.org>\r\n"
		"Contact: <sip:460010000001234@[2001:db8::7]:5060>;expires=600000;"
		"+sip.instance=\"<urn:gsma:imei:86123400-000101-0>\"\r\n"
		"Authorization: Digest username=\"460010000001234@ims.mnc001.mcc460.3gppnetwork.org\","
		"realm=\"ims.mnc001.mcc460.3gppnetwork.org\",uri=\"sip:ims.mnc001.mcc460.3gppnetwork.org\","
		"nonce=\"abc\",response=\"def\",algorithm=AKAv1-MD5\r\n"
		"P-Access-Network-Info: 3GPP-E-UTRAN-FDD;utran-cell-id-3gpp=4600112340012345\r\n"
		"Call-ID: reg-1\r\nCSeq: 2 REGISTER\r\nContent-Length: 0\r\n\r\n";
	const char *ok = "SIP/2.0 200 OK\r\nCall-ID: reg-1\r\nCSeq: 2 REGISTER\r\n"
			 "Contact: <sip:460010000001234@[2001:db8::7]:5060>;expires=600000\r\n"
			 "P-Associated-URI: <sip:460010000001234@ims.mnc001.mcc460.3gppnetwork.org>, "
			 "<sip:+8613800001234@ims.mnc001.mcc460.3gppnetwork.org;user=phone>, <tel:+8613800001234>\r\n"
			 "Content-Length: 0\r\n\r\n";
	assert_int_equal(feed_str(reg, 5), DW_PARSE_OK);
	assert_int_equal(feed_str(ok, 5.1), DW_PARSE_OK);
	assert_int_equal(s->n, 1);
	assert_int_equal(s->ev[0].kind, DW_EV_REGISTER);
	assert_string_equal(s->ev[0].imsi, "460010000001234");
	assert_string_equal(s->ev[0].msisdn, "8613800001234");
	assert_string_equal(s->ev[0].imei, "86123400000101");
	assert_string_equal(s->ev[0].cell, "460-01-4660-74565");
	/* de-registration: no event */
	const char *dereg = "REGISTER sip:ims.example SIP/2.0\r\nCall-ID: reg-2\r\nCSeq: 3 REGISTER\r\n"
			    "Contact: <sip:460010000001234@[2001:db8::7]:5060>;expires=0\r\n\r\n";
	const char *deok = "SIP/2.0 200 OK\r\nCall-ID: reg-2\r\nCSeq: 3 REGISTER\r\nExpires: 0\r\n\r\n";
	assert_int_equal(feed_str(dereg, 6), DW_PARSE_OK);
	assert_int_equal(feed_str(deok, 6.1), DW_PARSE_OK);
	assert_int_equal(s->n, 1);
	teardown_sink();
}

static void sms_over_ip(void **state)
{
	(void)state;
	struct sink *s = setup_sink();
	/* RP-DATA N->MS with SMS-DELIVER from +8613851872468 */
	static const uint8_t rp[] = {
		0x01, 0x07, 0x07, 0x91, 0x68, 0x31, 0x08, 0x20, 0x00, 0x05, 0x00, 0x19,
		0x04, 0x0d, 0x91, 0x68, 0x31, 0x58, 0x81, 0x27, 0x64, 0xf8, 0x00, 0x00,
		0x32, 0x40, 0x11, 0x41, 0x02, 0x00, 0x23, 0x05, 0xc8, 0x32, 0x9b, 0xfd, 0x06,
	};
	char msg[1024];
	int n = snprintf(msg, sizeof msg,
			 "MESSAGE sip:460010000000002@[2001:db8::9]:5060 SIP/2.0\r\n"
			 "P-Called-Party-ID: <tel:+8613800000002>\r\n"
			 "P-Asserted-Identity: <sip:+861380020050@ims.example;user=phone>\r\n"
			 "Call-ID: mt-1\r\nCSeq: 1 MESSAGE\r\n"
			 "Content-Type: application/vnd.3gpp.sms\r\nContent-Length: %zu\r\n\r\n",
			 sizeof rp);
	memcpy(msg + n, rp, sizeof rp);
	assert_int_equal(feed(msg, (size_t)n + sizeof rp, 1), DW_PARSE_OK);
	assert_int_equal(feed(msg, (size_t)n + sizeof rp, 1.5), DW_PARSE_OK); /* retransmission */
	assert_int_equal(s->n, 1);
	assert_int_equal(s->ev[0].kind, DW_EV_SMS_MT);
	assert_int_equal(s->ev[0].dir, DW_DIR_MT);
	assert_string_equal(s->ev[0].msisdn, "8613800000002");
	assert_string_equal(s->ev[0].imsi, "460010000000002");
	assert_string_equal(s->ev[0].peer, "8613851872468");
	/* without P-Called-Party-ID and To, the contact's IMSI is no number */
	n = snprintf(msg, sizeof msg,
		     "MESSAGE sip:460010000000002@[2001:db8::9]:5060 SIP/2.0\r\n"
		     "Call-ID: mt-3\r\nCSeq: 1 MESSAGE\r\n"
		     "Content-Type: application/vnd.3gpp.sms\r\nContent-Length: %zu\r\n\r\n",
		     sizeof rp);
	memcpy(msg + n, rp, sizeof rp);
	assert_int_equal(feed(msg, (size_t)n + sizeof rp, 1.7), DW_PARSE_OK);
	assert_int_equal(s->n, 2);
	assert_string_equal(s->ev[1].msisdn, "");
	assert_string_equal(s->ev[1].imsi, "460010000000002");
	/* the same with the RP body cut short: malformed */
	snprintf(msg, sizeof msg,
		 "MESSAGE tel:+7 SIP/2.0\r\nCall-ID: mt-2\r\nCSeq: 1 MESSAGE\r\n"
		 "Content-Type: application/vnd.3gpp.sms\r\nContent-Length: 3\r\n\r\n\x01\x07\x07");
	assert_int_equal(feed_str(msg, 2), DW_PARSE_MALFORMED);
	/* instant messaging is not SMS */
	assert_int_equal(feed_str("MESSAGE sip:bob@b SIP/2.0\r\nCall-ID: im\r\nCSeq: 1 MESSAGE\r\n"
				  "Content-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello",
				  3),
			 DW_PARSE_UNSUPPORTED);
	/* an RP-ACK in a MESSAGE: fine, no event */
	const char ack[] = "MESSAGE tel:+7 SIP/2.0\r\nCall-ID: ack\r\nCSeq: 1 MESSAGE\r\n"
			   "Content-Type: application/vnd.3gpp.sms\r\nContent-Length: 2\r\n\r\n\x02\x05";
	assert_int_equal(feed(ack, sizeof ack - 1, 4), DW_PARSE_OK);
	assert_int_equal(s->n, 2);
	teardown_sink();
}

static void parse_results(void **state)
{
	(void)state;
	struct sink *s = setup_sink();
	assert_int_equal(feed_str("OPTIONS sip:a@b SIP/2.0\r\nCall-ID: o\r\nCSeq: 1 OPTIONS\r\n\r\n", 1),
			 DW_PARSE_UNSUPPORTED);
	assert_int_equal(feed_str("SIP/2.0 200 OK\r\nCall-ID: o\r\nCSeq: 1 OPTIONS\r\n\r\n", 1),
			 DW_PARSE_UNSUPPORTED);
	assert_int_equal(feed_str("NOTIFY sip:a@b SIP/2.0\r\nCall-ID: o\r\nCSeq: 1 NOTIFY\r\n\r\n", 1),
			 DW_PARSE_UNSUPPORTED);
	assert_int_equal(feed_str("\r\n\r\n", 1), DW_PARSE_UNSUPPORTED);
	assert_int_equal(feed_str("INVITE sip:a@b SIP/2.0\r\nCall-ID: o\r\n", 1), DW_PARSE_MALFORMED);
	assert_int_equal(feed("\x00\x01\x02", 3, 1), DW_PARSE_UNSUPPORTED); /* not SIP at all */
	assert_int_equal(feed_str("hello", 1), DW_PARSE_UNSUPPORTED);
	assert_int_equal(feed_str("INVITE  SIP/2.0\r\n\r\n", 1), DW_PARSE_MALFORMED);
	assert_int_equal(feed_str("SIP/2.0 2000 OK\r\n\r\n", 1), DW_PARSE_MALFORMED);
	assert_int_equal(feed("", 0, 1), DW_PARSE_UNSUPPORTED);
	assert_int_equal(s->n, 0);
	/* registration of the descriptor */
	assert_non_null(dw_dissector_sip.frame);
	assert_non_null(dw_dissector_sip.probe);
	assert_int_equal(dw_dissector_sip.proto, DW_PROTO_SIP);
	teardown_sink();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(volte_trace),
		cmocka_unit_test(sctp_rejected_call),
		cmocka_unit_test(ims_legs),
		cmocka_unit_test(ims_register),
		cmocka_unit_test(sms_over_ip),
		cmocka_unit_test(parse_results),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
