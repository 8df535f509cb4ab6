/* test_net_tcp.c: TCP stream reassembly: in order, out of order, retransmitted,
 * overlapping, gaps, garbage, buffer and stream caps, timeouts, through a line
 * framer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pcap/dlt.h>

#include "net_build.h"

static struct dw_netstats S;
static struct rec R;

static void rec_stream(void *arg, const void *owner, const struct dw_packet *pkt,
		       const uint8_t *p, size_t len)
{
	(void)owner;
	rec_payload(arg, pkt, p, len);
}

static struct dw_tcp *new_tcp(uint32_t streams, size_t bytes)
{
	memset(&S, 0, sizeof S);
	memset(&R, 0, sizeof R);
	struct dw_tcp_opts o = { .max_streams = streams, .max_bytes = bytes,
				 .timeout_us = 300000000 };
	return dw_tcp_new(&o, &S, line_framer, rec_stream, &R);
}

static struct dw_packet pkt_port(uint16_t sport, int64_t ts)
{
	struct dw_packet p = { .ts_us = ts, .ip_version = 4, .sport = sport, .dport = 5060,
			       .l4 = DW_L4_TCP };
	p.src[0] = 10;
	p.dst[0] = 11;
	return p;
}

static void seg(struct dw_tcp *t, uint16_t sport, uint32_t seq, const char *data)
{
	struct dw_packet p = pkt_port(sport, 1);
	dw_tcp_segment(t, &p, seq, DW_TCP_ACK, (const uint8_t *)data, strlen(data));
}

static void in_order(void **state)
{
	(void)state;
	struct dw_tcp *t = new_tcp(16, 4096);
	struct dw_packet p = pkt_port(1000, 1);
	dw_tcp_segment(t, &p, 99, DW_TCP_SYN, NULL, 0);
	seg(t, 1000, 100, "one\ntw");
	seg(t, 1000, 106, "o\nthree\n");
	assert_int_equal(R.n, 3);
	assert_int_equal(R.len, 14);
	assert_memory_equal(R.data, "one\ntwo\nthree\n", 14);
	assert_int_equal(R.sizes[1], 4);
	assert_int_equal(S.tcp_messages, 3);
	assert_int_equal(S.tcp_streams, 1);
	dw_tcp_free(t);
}

static void out_of_order(void **state)
{
	(void)state;
	struct dw_tcp *t = new_tcp(16, 4096);
	seg(t, 1000, 100, "one\n");
	seg(t, 1000, 108, "three\n");
	seg(t, 1000, 114, "four\n");
	assert_int_equal(R.n, 1);
	seg(t, 1000, 104, "two\n");
	assert_int_equal(R.n, 4);
	assert_memory_equal(R.data, "one\ntwo\nthree\nfour\n", 19);
	assert_int_equal(S.tcp_out_of_order, 2);
	dw_tcp_free(t);
}

static void retransmitted(void **state)
{
	(void)state;
	struct dw_tcp *t = new_tcp(16, 4096);
	seg(t, 1000, 100, "one\n");
	seg(t, 1000, 100, "one\n");
	seg(t, 1000, 102, "e\n");
	/* The same out-of-order segment twice. */
	seg(t, 1000, 108, "three\n");
	seg(t, 1000, 108, "three\n");
	seg(t, 1000, 104, "two\n");
	assert_int_equal(R.n, 3);
	assert_memory_equal(R.data, "one\ntwo\nthree\n", 14);
	assert_int_equal(S.tcp_retransmissions, 3);
	dw_tcp_free(t);
}

static void overlapping(void **state)
{
	(void)state;
	struct dw_tcp *t = new_tcp(16, 4096);
	seg(t, 1000, 100, "one\ntw");
	/* Starts 2 bytes back, with different bytes there: the first copy wins. */
	seg(t, 1000, 104, "XXo\n");
	assert_int_equal(R.n, 2);
	assert_memory_equal(R.data, "one\ntwo\n", 8);
	assert_int_equal(S.tcp_overlaps, 1);
	/* An out-of-order segment overlapping what arrives later. */
	seg(t, 1000, 110, "ee\n");
	seg(t, 1000, 108, "three\n");
	assert_int_equal(R.n, 3);
	assert_memory_equal(R.data + 8, "three\n", 6);
	dw_tcp_free(t);
}

static void gap_given_up(void **state)
{
	(void)state;
	struct dw_tcp *t = new_tcp(16, 64);
	seg(t, 1000, 100, "partial message wait");
	/* Bytes 120..199 never come; what follows fills the budget. */
	seg(t, 1000, 200, "\nnext message one\n");
	seg(t, 1000, 218, "next message two\n");
	seg(t, 1000, 235, "next message three\n");
	assert_int_equal(S.tcp_gaps, 1);
	assert_true(S.tcp_dropped_bytes >= 20);
	/* Resynchronized at 200: the lone "\n" is a message, then the rest. */
	assert_int_equal(R.n, 4);
	assert_memory_equal(R.data + 1, "next message one\nnext message two\n", 34);
	dw_tcp_free(t);
}

static void garbage_resync(void **state)
{
	(void)state;
	struct dw_tcp *t = new_tcp(16, 4096);
	seg(t, 1000, 100, "# junk\nhello\n# more junk");
	seg(t, 1000, 124, "\nworld\n");
	/* The junk's line end arrives later, alone: a line of its own. */
	assert_int_equal(R.n, 3);
	assert_memory_equal(R.data, "hello\n\nworld\n", 13);
	assert_int_equal(S.tcp_resyncs, 2);
	dw_tcp_free(t);
}

static void stream_buffer_cap(void **state)
{
	(void)state;
	struct dw_tcp *t = new_tcp(16, 64);
	char big[100];
	memset(big, 'x', sizeof big - 1);
	big[99] = 0;
	seg(t, 1000, 100, big); /* no line end, past the budget */
	assert_int_equal(S.tcp_overflows, 1);
	seg(t, 1000, 199, "tail\nok\n");
	assert_int_equal(R.n, 2); /* "tail\n" (a fragment, as the framer sees it), "ok\n" */
	dw_tcp_free(t);
}

static void stream_table_cap(void **state)
{
	(void)state;
	struct dw_tcp *t = new_tcp(16, 4096);
	for (uint16_t port = 1; port <= 20; port++)
		seg(t, port, 100, "half");
	assert_int_equal(dw_tcp_count(t), 16);
	assert_int_equal(S.tcp_evictions, 4);
	/* Port 1 was evicted: its rest is mid-stream garbage-free but starts a new
	 * stream; port 20 completes its line. */
	seg(t, 20, 104, " line\n");
	assert_int_equal(R.n, 1);
	assert_memory_equal(R.data, "half line\n", 10);
	dw_tcp_free(t);
}

static void idle_timeout_and_reset(void **state)
{
	(void)state;
	struct dw_tcp *t = new_tcp(16, 4096);
	seg(t, 1000, 100, "half");
	dw_tcp_expire(t, 400000000);
	assert_int_equal(S.tcp_timeouts, 1);
	assert_int_equal(dw_tcp_count(t), 0);
	seg(t, 1001, 100, "half");
	struct dw_packet p = pkt_port(1001, 2);
	dw_tcp_segment(t, &p, 104, DW_TCP_RST, NULL, 0);
	assert_int_equal(dw_tcp_count(t), 0);
	/* FIN with nothing outstanding closes the direction. */
	seg(t, 1002, 100, "line\n");
	p = pkt_port(1002, 3);
	dw_tcp_segment(t, &p, 105, DW_TCP_FIN | DW_TCP_ACK, NULL, 0);
	assert_int_equal(dw_tcp_count(t), 0);
	assert_int_equal(R.n, 1);
	dw_tcp_free(t);
}

/* Through the decoder: two SIP-like lines in three TCP segments over IPv4. */
static void decoder_tcp(void **state)
{
	(void)state;
	struct rec *r = calloc(1, sizeof *r);
	struct dw_decoder *d = new_decoder(r, true);
	const char *parts[] = { "INVITE x\n", "ACK", " y\n" };
	uint32_t seq = 1000;
	for (int i = 0; i < 3; i++) {
		struct fb f = { .n = 0 };
		size_t n = strlen(parts[i]);
		fb_ipv4(&f, 6, 20 + n, 1, 0, 1, 2);
		fb_tcp(&f, 40000, 5060, seq, 0x18);
		fb_str(&f, parts[i]);
		dw_decode_frame(d, 1, (uint64_t)i + 1, DLT_RAW, f.b, f.n);
		seq += (uint32_t)n;
	}
	assert_int_equal(r->n, 2);
	assert_memory_equal(r->data, "INVITE x\nACK y\n", 15);
	assert_int_equal(r->last.l4, DW_L4_TCP);
	assert_int_equal(r->last.frame, 3);
	assert_int_equal(dw_decoder_stats(d)->tcp_messages, 2);
	dw_decoder_free(d);
	free(r);
}

static void send_tcp(struct dw_decoder *d, uint16_t sport, uint16_t dport, uint32_t seq,
		     const uint8_t *p, size_t n)
{
	struct fb f = { .n = 0 };
	fb_ipv4(&f, 6, 20 + n, 1, 0, 1, 2);
	fb_tcp(&f, sport, dport, seq, 0x18);
	fb_bytes(&f, p, n);
	dw_decode_frame(d, 1, 1, DLT_RAW, f.b, f.n);
}

/* SIP over WebSocket (RFC 7118): the upgrade handshake is swallowed, a masked
 * text frame split over two segments is unmasked and handed on whole. */
static void websocket_frames(void **state)
{
	(void)state;
	struct rec *r = calloc(1, sizeof *r);
	struct dw_decoder *d = new_decoder(r, true);
	const char *get = "GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
			  "Sec-WebSocket-Protocol: sip\r\n\r\n";
	send_tcp(d, 43380, 8080, 1000, (const uint8_t *)get, strlen(get));
	assert_int_equal(r->n, 0);
	const char *msg = "OPTIONS sip:a SIP/2.0\n";
	size_t n = strlen(msg);
	uint8_t frame[64];
	const uint8_t key[4] = { 0x11, 0x22, 0x33, 0x44 };
	frame[0] = 0x81;
	frame[1] = (uint8_t)(0x80 | n);
	memcpy(frame + 2, key, 4);
	for (size_t i = 0; i < n; i++)
		frame[6 + i] = (uint8_t)msg[i] ^ key[i & 3];
	uint32_t seq = 1000 + (uint32_t)strlen(get);
	send_tcp(d, 43380, 8080, seq, frame, 9);
	assert_int_equal(r->n, 0);
	send_tcp(d, 43380, 8080, seq + 9, frame + 9, 6 + n - 9);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->len, n);
	assert_memory_equal(r->data, msg, n);
	assert_int_equal(dw_decoder_stats(d)->ws_frames, 1);
	/* A ping (control frame) is not handed on; a reserved opcode is garbage. */
	const uint8_t ping[] = { 0x89, 0x00, 0x83, 0x01, 'x' };
	send_tcp(d, 43380, 8080, seq + 6 + (uint32_t)n, ping, sizeof ping);
	assert_int_equal(r->n, 1);
	assert_int_equal(dw_decoder_stats(d)->tcp_resyncs, 1);
	dw_decoder_free(d);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(in_order),
		cmocka_unit_test(out_of_order),
		cmocka_unit_test(retransmitted),
		cmocka_unit_test(overlapping),
		cmocka_unit_test(gap_given_up),
		cmocka_unit_test(garbage_resync),
		cmocka_unit_test(stream_buffer_cap),
		cmocka_unit_test(stream_table_cap),
		cmocka_unit_test(idle_timeout_and_reset),
		cmocka_unit_test(decoder_tcp),
		cmocka_unit_test(websocket_frames),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
