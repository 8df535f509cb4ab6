/* test_transport_hostile.c: a peer that sends random bytes, oversized frames,
 * truncated, wrong-version, multi-frame and badly filled messages does not stop
 * the correlator: a good sensor afterwards gets every summary committed, and the
 * counters show each drop by its reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <zmq.h>

#include "denwatch/log.h"
#include "denwatch/wire.h"
#include "transport_harness.h"
#include "transport_store_double.h"

static void send_raw(void *sock, const void *p, size_t n)
{
	assert_true(zmq_send(sock, p, n, 0) == (int)n);
}

static void hostile_peer_then_good_sensor(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), ep[64];
	snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", free_port());
	struct dw_config *cfg = test_config(ep, dir, (const char *[]){ "transport.max_message_kb=64", NULL });
	struct dw_store *st = double_new();
	struct ingest_thread it;
	ingest_start(&it, cfg, st, 1);

	void *ctx = zmq_ctx_new(), *bad = zmq_socket(ctx, ZMQ_DEALER);
	int linger = 2000;
	zmq_setsockopt(bad, ZMQ_LINGER, &linger, sizeof linger);
	assert_int_equal(zmq_connect(bad, ep), 0);
	/* random bytes of many lengths */
	uint8_t buf[70000];
	srand(7);
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (uint8_t)rand();
	buf[0] = 'x';
	for (size_t n = 1; n < 2000; n += 97)
		send_raw(bad, buf, n);
	send_raw(bad, "", 0);
	/* a good message cut short, one of version 2, one with bytes after it */
	struct dw_buf b = { 0 };
	struct dw_summary s;
	fixture_summary(&s, 0);
	assert_int_equal(dw_wire_encode_batch(&b, "evil", 1, &s, 1), 0);
	send_raw(bad, b.p, b.len - 3);
	b.p[2] = 2;
	send_raw(bad, b.p, b.len);
	b.p[2] = DW_WIRE_VERSION;
	assert_int_equal(dw_buf_reserve(&b, 4), 0);
	send_raw(bad, b.p, b.len + 4);
	/* multi-frame */
	zmq_send(bad, b.p, b.len, ZMQ_SNDMORE);
	send_raw(bad, b.p, b.len);
	/* a non-digit IMSI (the encoder refuses it, so patch the bytes) */
	size_t at = 0;
	for (size_t i = 0; i + 15 <= b.len; i++)
		if (memcmp(b.p + i, s.imsi, 15) == 0)
			at = i;
	assert_true(at > 0);
	b.p[at + 3] = 'A';
	send_raw(bad, b.p, b.len);
	/* an acknowledgement is not something a sensor sends */
	assert_int_equal(dw_wire_encode_ack(&b, "evil", 5, false), 0);
	send_raw(bad, b.p, b.len);
	/* an oversized frame with a valid header (under ZeroMQ's own 2x cut-off) */
	memcpy(buf, "DW\x01\x02", 4);
	send_raw(bad, buf, 64 * 1024 + 1);
	usleep(300000);
	/* past twice the limit: ZeroMQ drops the connection */
	static uint8_t huge[200 * 1024];
	send_raw(bad, huge, sizeof huge);
	usleep(200000);

	/* a good sensor still gets through */
	struct dw_sender *snd = dw_sender_new(cfg, NULL, "good");
	assert_non_null(snd);
	for (unsigned i = 0; i < 2000; i++) {
		fixture_summary(&s, i);
		assert_int_equal(dw_sender_sink(snd, &s), 0);
	}
	assert_int_equal(dw_sender_finish(snd), 0);
	dw_sender_free(snd);
	assert_int_equal(ingest_join(&it), 0);
	assert_true(double_exactly_once(st, "good", 2000));
	assert_int_equal(st->n_ids, 1); /* nothing of "evil" reached the store */

	struct dw_ingest_stats *c = &it.stats;
	for (int i = 1; i < DW_WIRE_NERR; i++)
		if (c->dropped_by[i])
			print_message("# dropped %s: %llu\n", dw_wire_strerror(i),
				      (unsigned long long)c->dropped_by[i]);
	assert_int_equal(c->dropped_by[DW_WIRE_GARBAGE], 21 + 2);
	assert_int_equal(c->dropped_by[DW_WIRE_TRUNCATED], 2);
	assert_int_equal(c->dropped_by[DW_WIRE_BAD_VERSION], 1);
	assert_int_equal(c->dropped_by[DW_WIRE_BAD_IMSI], 1);
	assert_int_equal(c->dropped_by[DW_WIRE_BAD_TYPE], 1);
	assert_int_equal(c->dropped_by[DW_WIRE_OVERSIZED], 1);
	assert_int_equal(c->bad_peers, 1);
	assert_int_equal(c->stored, 2000);

	zmq_close(bad);
	zmq_ctx_term(ctx);
	dw_buf_free(&b);
	double_free(st);
	test_config_free(cfg);
	remove_tmpdir(dir);
}

int main(void)
{
	dw_log_init("denwatch-test", getenv("DW_TEST_LOG") ? DW_LOG_DEBUG : DW_LOG_WARN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hostile_peer_then_good_sensor),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
