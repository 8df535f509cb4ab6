/* test_sip_call.c: the call table alone (no bytes): one attempt per party however
 * many retransmissions, hops and authentication retries pass; answer, end with
 * duration, failure with status, CANCEL as 487; both legs under one Call-ID;
 * timeouts in packet time; eviction when full; REGISTER pairing; SMS dedup. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../sensors/sip_call.h"

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

#define SEC 1000000LL

static void in(struct sip_call_table *t, enum sip_call_input kind, int64_t ts_s, const char *cid,
	       uint32_t cseq, enum dw_direction dir, const char *msisdn, const char *peer,
	       const char *cell)
{
	struct sip_call_msg m = { .kind = kind, .ts_us = ts_s * SEC, .call_id = cid, .cseq = cseq,
				  .dir = dir, .msisdn = msisdn, .peer = peer, .cell = cell };
	sip_calls_input(t, &m);
}

static void reject(struct sip_call_table *t, int64_t ts_s, const char *cid, uint16_t status)
{
	struct sip_call_msg m = { .kind = SIP_CALL_REJECT, .ts_us = ts_s * SEC, .call_id = cid,
				  .cseq = 1, .status = status };
	sip_calls_input(t, &m);
}

static void answered_call(void **state)
{
	(void)state;
	struct sink s = { 0 };
	struct sip_call_table *t = sip_calls_new(100, 7200, collect, &s);
	in(t, SIP_CALL_INVITE, 100, "c1", 1, DW_DIR_MO, "8613800000001", "8613800000002", "460-01-1-2");
	in(t, SIP_CALL_INVITE, 100, "c1", 1, DW_DIR_MO, "8613800000001", "8613800000002", NULL); /* retransmission */
	in(t, SIP_CALL_PROVISIONAL, 101, "c1", 1, DW_DIR_NONE, NULL, NULL, "460-01-9-9");
	in(t, SIP_CALL_ANSWER, 105, "c1", 1, DW_DIR_NONE, NULL, NULL, NULL);
	in(t, SIP_CALL_ANSWER, 105, "c1", 1, DW_DIR_NONE, NULL, NULL, NULL); /* retransmitted 200 */
	in(t, SIP_CALL_TOUCH, 105, "c1", 1, DW_DIR_NONE, NULL, NULL, NULL);  /* ACK */
	in(t, SIP_CALL_INVITE, 120, "c1", 3, DW_DIR_MO, "8613800000001", "8613800000002", NULL); /* re-INVITE */
	in(t, SIP_CALL_ANSWER, 120, "c1", 3, DW_DIR_NONE, NULL, NULL, NULL);
	in(t, SIP_CALL_BYE, 147, "c1", 4, DW_DIR_NONE, NULL, NULL, NULL);
	in(t, SIP_CALL_BYE, 148, "c1", 4, DW_DIR_NONE, NULL, NULL, NULL);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.ev[0].kind, DW_EV_CALL_ATTEMPT);
	assert_int_equal(s.ev[0].dir, DW_DIR_MO);
	assert_string_equal(s.ev[0].msisdn, "8613800000001");
	assert_string_equal(s.ev[0].peer, "8613800000002");
	assert_string_equal(s.ev[0].cell, "460-01-1-2");
	assert_string_equal(s.ev[0].call_id, "c1");
	assert_int_equal(s.ev[0].ts_us, 100 * SEC);
	assert_int_equal(s.ev[1].kind, DW_EV_CALL_ANSWER);
	assert_string_equal(s.ev[1].cell, "460-01-1-2"); /* the caller's cell, not the callee's */
	assert_int_equal(s.ev[2].kind, DW_EV_CALL_END);
	assert_int_equal(s.ev[2].duration_s, 42);
	assert_string_equal(s.ev[2].msisdn, "8613800000001");
	struct sip_call_stats st;
	sip_calls_stats(t, &st);
	assert_int_equal(st.active, 1);
	sip_calls_expire(t, (148 + SIP_CALL_LINGER_S + 1) * SEC);
	sip_calls_stats(t, &st);
	assert_int_equal(st.active, 0);
	assert_int_equal(st.expired, 1);
	assert_int_equal(s.n, 3);
	sip_calls_free(t);
}

static void auth_retry_and_failures(void **state)
{
	(void)state;
	struct sink s = { 0 };
	struct sip_call_table *t = sip_calls_new(100, 7200, collect, &s);
	/* INVITE, 407 (not passed in), INVITE with credentials CSeq 2, 486 */
	in(t, SIP_CALL_INVITE, 10, "a", 1, DW_DIR_MO, "111", "222", NULL);
	in(t, SIP_CALL_TOUCH, 10, "a", 1, DW_DIR_NONE, NULL, NULL, NULL);
	in(t, SIP_CALL_INVITE, 11, "a", 2, DW_DIR_MO, "111", "222", NULL);
	reject(t, 12, "a", 486);
	reject(t, 12, "a", 486);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.ev[1].kind, DW_EV_CALL_FAIL);
	assert_int_equal(s.ev[1].status, 486);
	assert_string_equal(s.ev[1].msisdn, "111");
	/* CANCEL: fails with 487 at once, the 487 answer adds nothing */
	in(t, SIP_CALL_INVITE, 20, "b", 1, DW_DIR_MO, "111", "333", NULL);
	in(t, SIP_CALL_CANCEL, 25, "b", 1, DW_DIR_NONE, NULL, NULL, NULL);
	reject(t, 25, "b", 487);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.ev[3].kind, DW_EV_CALL_FAIL);
	assert_int_equal(s.ev[3].status, 487);
	/* a response for a call never seen makes nothing */
	reject(t, 30, "unknown", 404);
	in(t, SIP_CALL_ANSWER, 30, "unknown", 1, DW_DIR_NONE, NULL, NULL, NULL);
	in(t, SIP_CALL_BYE, 30, "unknown", 1, DW_DIR_NONE, NULL, NULL, NULL);
	assert_int_equal(s.n, 4);
	/* a new INVITE with a higher CSeq on a failed Call-ID is a new attempt,
	 * a late copy of the old one is not */
	in(t, SIP_CALL_INVITE, 31, "a", 2, DW_DIR_MO, "111", "222", NULL);
	assert_int_equal(s.n, 4);
	in(t, SIP_CALL_INVITE, 32, "a", 5, DW_DIR_MO, "111", "222", NULL);
	assert_int_equal(s.n, 5);
	assert_int_equal(s.ev[4].kind, DW_EV_CALL_ATTEMPT);
	sip_calls_free(t);
}

static void both_legs_one_call_id(void **state)
{
	(void)state;
	struct sink s = { 0 };
	struct sip_call_table *t = sip_calls_new(100, 7200, collect, &s);
	in(t, SIP_CALL_INVITE, 0, "x", 1, DW_DIR_MO, "111", "222", "460-01-1-1");
	in(t, SIP_CALL_INVITE, 0, "x", 1, DW_DIR_MT, "222", "111", NULL);
	in(t, SIP_CALL_PROVISIONAL, 1, "x", 1, DW_DIR_NONE, NULL, NULL, "460-01-2-2");
	in(t, SIP_CALL_PROVISIONAL, 1, "x", 1, DW_DIR_NONE, NULL, NULL, "460-01-2-2");
	in(t, SIP_CALL_ANSWER, 3, "x", 1, DW_DIR_NONE, NULL, NULL, NULL);
	in(t, SIP_CALL_BYE, 13, "x", 2, DW_DIR_NONE, NULL, NULL, NULL);
	/* attempt MO, attempt MT, location MT, answer MO, answer MT, end MO, end MT */
	assert_int_equal(s.n, 7);
	assert_int_equal(s.ev[1].dir, DW_DIR_MT);
	assert_string_equal(s.ev[1].msisdn, "222");
	assert_string_equal(s.ev[1].peer, "111");
	assert_string_equal(s.ev[1].cell, "");
	assert_int_equal(s.ev[2].kind, DW_EV_LOCATION);
	assert_string_equal(s.ev[2].cell, "460-01-2-2");
	assert_int_equal(s.ev[3].kind, DW_EV_CALL_ANSWER);
	assert_int_equal(s.ev[3].dir, DW_DIR_MO);
	assert_string_equal(s.ev[3].cell, "460-01-1-1");
	assert_int_equal(s.ev[4].dir, DW_DIR_MT);
	assert_string_equal(s.ev[4].cell, "460-01-2-2");
	assert_int_equal(s.ev[5].duration_s, 10);
	assert_int_equal(s.ev[6].duration_s, 10);
	sip_calls_free(t);
}

static void timeouts_in_packet_time(void **state)
{
	(void)state;
	struct sink s = { 0 };
	struct sip_call_table *t = sip_calls_new(100, 600, collect, &s);
	in(t, SIP_CALL_INVITE, 0, "ans", 1, DW_DIR_MO, "1", "2", NULL);
	in(t, SIP_CALL_ANSWER, 10, "ans", 1, DW_DIR_NONE, NULL, NULL, NULL);
	in(t, SIP_CALL_INVITE, 50, "ring", 1, DW_DIR_MO, "1", "3", NULL);
	in(t, SIP_CALL_TOUCH, 70, "ans", 2, DW_DIR_NONE, NULL, NULL, NULL); /* UPDATE refresh */
	assert_int_equal(s.n, 3);
	sip_calls_expire(t, 600 * SEC);
	assert_int_equal(s.n, 3);
	sip_calls_expire(t, 651 * SEC);
	assert_int_equal(s.n, 3); /* the unanswered one goes silently */
	sip_calls_expire(t, 671 * SEC);
	/* the answered call ends at its last message: 70 - 10 s */
	assert_int_equal(s.n, 4);
	assert_int_equal(s.ev[3].kind, DW_EV_CALL_END);
	assert_int_equal(s.ev[3].duration_s, 60);
	assert_int_equal(s.ev[3].ts_us, 70 * SEC);
	struct sip_call_stats st;
	sip_calls_stats(t, &st);
	assert_int_equal(st.active, 0);
	assert_int_equal(st.expired, 2);
	assert_int_equal(st.evicted, 0);
	/* a BYE after expiry finds nothing */
	in(t, SIP_CALL_BYE, 701, "ans", 3, DW_DIR_NONE, NULL, NULL, NULL);
	assert_int_equal(s.n, 4);
	sip_calls_free(t);
}

static void eviction_when_full(void **state)
{
	(void)state;
	struct sink s = { 0 };
	struct sip_call_table *t = sip_calls_new(16, 7200, collect, &s);
	char id[32];
	for (int i = 0; i < 1000; i++) {
		snprintf(id, sizeof id, "call-%d", i);
		struct sip_call_msg m = { .kind = SIP_CALL_INVITE, .ts_us = i * SEC, .call_id = id,
					  .cseq = 1, .dir = DW_DIR_MO, .msisdn = "1", .peer = "2" };
		sip_calls_input(t, &m);
	}
	struct sip_call_stats st;
	sip_calls_stats(t, &st);
	assert_int_equal(st.active, 16);
	assert_int_equal(st.evicted, 1000 - 16);
	/* the newest are kept: a retransmission of the last adds nothing */
	int before = s.n;
	in(t, SIP_CALL_INVITE, 1000, "call-999", 1, DW_DIR_MO, "1", "2", NULL);
	assert_int_equal(s.n, before);
	/* the oldest is gone: its answer makes nothing */
	in(t, SIP_CALL_ANSWER, 1000, "call-0", 1, DW_DIR_NONE, NULL, NULL, NULL);
	assert_int_equal(s.n, before);
	sip_calls_free(t);
}

static void many_open_calls(void **state)
{
	(void)state;
	struct sink s = { 0 };
	struct sip_call_table *t = sip_calls_new(100000, 7200, collect, &s);
	char id[32];
	for (int i = 0; i < 20000; i++) {
		snprintf(id, sizeof id, "%d@host", i);
		struct sip_call_msg m = { .kind = SIP_CALL_INVITE, .ts_us = 1000 * SEC + i, .call_id = id,
					  .cseq = 1, .dir = DW_DIR_MO, .msisdn = "1", .peer = "2" };
		sip_calls_input(t, &m);
	}
	struct sip_call_stats st;
	sip_calls_stats(t, &st);
	assert_int_equal(st.active, 20000);
	assert_int_equal(st.evicted, 0);
	assert_int_equal(s.n, 20000);
	/* every one is still found after the table grew */
	for (int i = 0; i < 20000; i += 997) {
		snprintf(id, sizeof id, "%d@host", i);
		int before = s.n;
		in(t, SIP_CALL_ANSWER, 1001, id, 1, DW_DIR_NONE, NULL, NULL, NULL);
		assert_int_equal(s.n, before + 1);
	}
	sip_calls_free(t);
}

static void register_pairing(void **state)
{
	(void)state;
	struct sink s = { 0 };
	struct sip_call_table *t = sip_calls_new(100, 7200, collect, &s);
	struct sip_call_msg reg = { .kind = SIP_CALL_REGISTER, .ts_us = 1 * SEC, .call_id = "r",
				    .cseq = 1, .imsi = "460010000001234", .imei = "86123400000101",
				    .cell = "460-01-1-1" };
	sip_calls_input(t, &reg);
	reg.cseq = 2;
	reg.imsi = NULL; /* silent second REGISTER after a 401: the first one's data stays */
	reg.ts_us = 2 * SEC;
	sip_calls_input(t, &reg);
	assert_int_equal(s.n, 0);
	struct sip_call_msg ok = { .kind = SIP_CALL_REGISTERED, .ts_us = 3 * SEC, .call_id = "r",
				   .cseq = 2, .msisdn = "8613800001234" };
	sip_calls_input(t, &ok);
	sip_calls_input(t, &ok); /* retransmitted 200 */
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ev[0].kind, DW_EV_REGISTER);
	assert_string_equal(s.ev[0].imsi, "460010000001234");
	assert_string_equal(s.ev[0].msisdn, "8613800001234");
	assert_string_equal(s.ev[0].imei, "86123400000101");
	assert_string_equal(s.ev[0].cell, "460-01-1-1");
	/* re-registration an hour later on the same Call-ID */
	reg.cseq = 3;
	reg.ts_us = 3600 * SEC;
	sip_calls_input(t, &reg);
	ok.cseq = 3;
	ok.ts_us = 3600 * SEC;
	sip_calls_input(t, &ok);
	assert_int_equal(s.n, 2);
	/* a 200 whose REGISTER the probe missed still binds the number */
	struct sip_call_msg lone = { .kind = SIP_CALL_REGISTERED, .ts_us = 4000 * SEC,
				     .call_id = "other", .cseq = 7, .msisdn = "8613800009999" };
	sip_calls_input(t, &lone);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.ev[2].msisdn, "8613800009999");
	assert_string_equal(s.ev[2].imsi, "");
	sip_calls_free(t);
}

static void sms_dedup(void **state)
{
	(void)state;
	struct sink s = { 0 };
	struct sip_call_table *t = sip_calls_new(100, 7200, collect, &s);
	in(t, SIP_CALL_SMS, 1, "m1", 2, DW_DIR_MO, "111", "122", "460-01-1-1");
	in(t, SIP_CALL_SMS, 1, "m1", 2, DW_DIR_MO, "111", "122", "460-01-1-1"); /* second hop */
	in(t, SIP_CALL_SMS, 2, "m1", 3, DW_DIR_MO, "111", "123", NULL);         /* next one */
	in(t, SIP_CALL_SMS, 2, "m1", 3, DW_DIR_MT, "123", "111", NULL);         /* delivered */
	assert_int_equal(s.n, 3);
	assert_int_equal(s.ev[0].kind, DW_EV_SMS_MO);
	assert_string_equal(s.ev[0].peer, "122");
	assert_int_equal(s.ev[2].kind, DW_EV_SMS_MT);
	assert_string_equal(s.ev[2].msisdn, "123");
	/* empty or absent Call-ID: nothing */
	in(t, SIP_CALL_SMS, 3, "", 1, DW_DIR_MO, "1", "2", NULL);
	struct sip_call_msg m = { .kind = SIP_CALL_SMS, .call_id = NULL };
	sip_calls_input(t, &m);
	assert_int_equal(s.n, 3);
	sip_calls_free(t);
}

static void long_call_id_and_flush(void **state)
{
	(void)state;
	struct sink s = { 0 };
	struct sip_call_table *t = sip_calls_new(100, 7200, collect, &s);
	char id[400];
	memset(id, 'z', sizeof id - 1);
	id[sizeof id - 1] = '\0';
	in(t, SIP_CALL_INVITE, 0, id, 1, DW_DIR_MO, "1", "2", NULL);
	in(t, SIP_CALL_ANSWER, 5, id, 1, DW_DIR_NONE, NULL, NULL, NULL);
	assert_int_equal(s.n, 2);
	assert_int_equal(strlen(s.ev[0].call_id), DW_CALL_ID_MAX - 1);
	sip_calls_flush(t);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.ev[2].kind, DW_EV_CALL_END);
	sip_calls_flush(t);
	assert_int_equal(s.n, 3);
	sip_calls_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(answered_call),
		cmocka_unit_test(auth_retry_and_failures),
		cmocka_unit_test(both_legs_one_call_id),
		cmocka_unit_test(timeouts_in_packet_time),
		cmocka_unit_test(eviction_when_full),
		cmocka_unit_test(many_open_calls),
		cmocka_unit_test(register_pairing),
		cmocka_unit_test(sms_dedup),
		cmocka_unit_test(long_call_id_and_flush),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
