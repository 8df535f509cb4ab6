/* test_wire_codec.c: every message type survives encode/decode unchanged, and every
 * kind of malformed input is rejected with its named reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "denwatch/denwatch.pb-c.h"
#include "denwatch/wire.h"
#include "transport_fixtures.h"

static struct dw_summary sums[DW_WIRE_MAX_BATCH];

static enum dw_wire_err decode(const struct dw_buf *b, struct dw_wire_msg *m)
{
	return dw_wire_decode(b->p, b->len, DW_WIRE_MAX_MSG, m, sums, DW_WIRE_MAX_BATCH);
}

static void hello_round_trip(void **state)
{
	(void)state;
	struct dw_buf b = { 0 };
	struct dw_wire_msg m;
	assert_int_equal(dw_wire_encode_hello(&b, "probe-ims.1", "denwatch 0.1"), 0);
	assert_int_equal(decode(&b, &m), DW_WIRE_OK);
	assert_int_equal(m.type, DW_MSG_HELLO);
	assert_string_equal(m.sensor_id, "probe-ims.1");
	assert_string_equal(m.software, "denwatch 0.1");
	assert_int_equal(m.schema, DW_WIRE_VERSION);
	dw_buf_free(&b);
}

static void eos_and_ack_round_trip(void **state)
{
	(void)state;
	struct dw_buf b = { 0 };
	struct dw_wire_msg m;
	assert_int_equal(dw_wire_encode_eos(&b, "s1", 123456789012ull), 0);
	assert_int_equal(decode(&b, &m), DW_WIRE_OK);
	assert_int_equal(m.type, DW_MSG_EOS);
	assert_string_equal(m.sensor_id, "s1");
	assert_true(m.seq == 123456789012ull);
	assert_int_equal(dw_wire_encode_ack(&b, "s1", 77, true), 0);
	assert_int_equal(decode(&b, &m), DW_WIRE_OK);
	assert_int_equal(m.type, DW_MSG_ACK);
	assert_true(m.seq == 77 && m.eos_done);
	assert_int_equal(dw_wire_encode_ack(&b, "s1", 0, false), 0);
	assert_int_equal(decode(&b, &m), DW_WIRE_OK);
	assert_true(m.seq == 0 && !m.eos_done);
	dw_buf_free(&b);
}

static void batch_round_trip(void **state)
{
	(void)state;
	enum { N = 300 };
	struct dw_summary *in = calloc(N, sizeof *in);
	for (unsigned i = 0; i < N; i++)
		fixture_summary(&in[i], i);
	/* an almost empty summary too: only a window and an MSISDN */
	memset(&in[N - 1], 0, sizeof in[N - 1]);
	in[N - 1].window_seconds = 60;
	strcpy(in[N - 1].msisdn, "1");
	struct dw_buf b = { 0 };
	struct dw_wire_msg m;
	assert_int_equal(dw_wire_encode_batch(&b, "s1", 1000, in, N), 0);
	assert_int_equal(decode(&b, &m), DW_WIRE_OK);
	assert_int_equal(m.type, DW_MSG_BATCH);
	assert_true(m.seq == 1000);
	assert_int_equal(m.n, N);
	for (unsigned i = 0; i < N; i++)
		assert_memory_equal(&sums[i], &in[i], sizeof in[i]);
	/* the same summary as an outbox payload */
	struct dw_buf one = { 0 };
	struct dw_summary back;
	assert_int_equal(dw_wire_encode_summary(&in[5], &one), 0);
	assert_int_equal(dw_wire_decode_summary(one.p, one.len, &back), DW_WIRE_OK);
	assert_memory_equal(&back, &in[5], sizeof back);
	/* an empty batch is valid (nothing to store) */
	assert_int_equal(dw_wire_encode_batch(&b, "s1", 1, NULL, 0), 0);
	assert_int_equal(decode(&b, &m), DW_WIRE_OK);
	assert_int_equal(m.n, 0);
	dw_buf_free(&one);
	dw_buf_free(&b);
	free(in);
}

/* Header damage: truncated, garbage, version, size, type. */
static void header_errors(void **state)
{
	(void)state;
	struct dw_summary s;
	fixture_summary(&s, 1);
	struct dw_buf b = { 0 };
	struct dw_wire_msg m;
	assert_int_equal(dw_wire_encode_batch(&b, "s1", 1, &s, 1), 0);
	for (size_t cut = 0; cut < b.len; cut++) {
		enum dw_wire_err e = dw_wire_decode(b.p, cut, DW_WIRE_MAX_MSG, &m, sums, 1);
		assert_int_equal(e, DW_WIRE_TRUNCATED);
	}
	b.p[0] = 'X';
	assert_int_equal(decode(&b, &m), DW_WIRE_GARBAGE);
	b.p[0] = 'D';
	b.p[2] = 2;
	assert_int_equal(decode(&b, &m), DW_WIRE_BAD_VERSION);
	b.p[2] = DW_WIRE_VERSION;
	b.p[3] = 9;
	assert_int_equal(decode(&b, &m), DW_WIRE_BAD_TYPE);
	b.p[3] = DW_MSG_BATCH;
	assert_int_equal(dw_wire_decode(b.p, b.len, b.len - 1, &m, sums, 1), DW_WIRE_OVERSIZED);
	/* a header that claims more than the limit, in a short frame */
	b.p[4] = 0x7f;
	assert_int_equal(dw_wire_decode(b.p, b.len, 1 << 20, &m, sums, 1), DW_WIRE_OVERSIZED);
	b.p[4] = 0;
	/* trailing bytes after the body */
	assert_int_equal(dw_buf_reserve(&b, 1), 0);
	b.p[b.len++] = 0;
	assert_int_equal(decode(&b, &m), DW_WIRE_GARBAGE);
	b.len--;
	/* a body that is not protobuf */
	memset(b.p + DW_WIRE_HDR_LEN, 0xff, b.len - DW_WIRE_HDR_LEN);
	assert_int_equal(decode(&b, &m), DW_WIRE_MALFORMED);
	/* more summaries than the receiver takes */
	struct dw_summary two[2] = { s, s };
	assert_int_equal(dw_wire_encode_batch(&b, "s1", 1, two, 2), 0);
	assert_int_equal(dw_wire_decode(b.p, b.len, DW_WIRE_MAX_MSG, &m, sums, 1), DW_WIRE_TOO_MANY);
	/* a hello of another schema */
	Denwatch__Hello h = DENWATCH__HELLO__INIT;
	h.sensor_id = "s1";
	h.software = "x";
	h.schema = 7;
	uint8_t raw[128] = { 'D', 'W', DW_WIRE_VERSION, DW_MSG_HELLO };
	size_t n = denwatch__hello__pack(&h, raw + 8);
	raw[7] = (uint8_t)n;
	assert_int_equal(dw_wire_decode(raw, 8 + n, 1024, &m, sums, 1), DW_WIRE_BAD_VERSION);
	dw_buf_free(&b);
}

/* A batch of one summary built from a protobuf message we damage on purpose. */
static enum dw_wire_err decode_pb_summary(Denwatch__Summary *ps, uint64_t first_seq,
					  const char *sensor)
{
	Denwatch__Batch bt = DENWATCH__BATCH__INIT;
	Denwatch__Summary *arr[1] = { ps };
	bt.sensor_id = (char *)sensor;
	bt.first_seq = first_seq;
	bt.n_summaries = 1;
	bt.summaries = arr;
	size_t n = denwatch__batch__get_packed_size(&bt);
	uint8_t *raw = malloc(8 + n);
	raw[0] = 'D', raw[1] = 'W', raw[2] = DW_WIRE_VERSION, raw[3] = DW_MSG_BATCH;
	raw[4] = (uint8_t)(n >> 24), raw[5] = (uint8_t)(n >> 16), raw[6] = (uint8_t)(n >> 8),
	raw[7] = (uint8_t)n;
	denwatch__batch__pack(&bt, raw + 8);
	struct dw_wire_msg m;
	enum dw_wire_err e = dw_wire_decode(raw, 8 + n, DW_WIRE_MAX_MSG, &m, sums, 4);
	free(raw);
	return e;
}

static void field_errors(void **state)
{
	(void)state;
	char *imeis[5] = { "86123400000101", "86123400000102", "86123400000103",
			   "86123400000104", "86123400000105" };
	Denwatch__CellCount cc[7];
	Denwatch__CellCount *ccp[7];
	for (int i = 0; i < 7; i++) {
		denwatch__cell_count__init(&cc[i]);
		cc[i].cell = "460-01-1-2";
		ccp[i] = &cc[i];
	}
	uint64_t sk[17];
	for (int i = 0; i < 17; i++)
		sk[i] = (uint64_t)i + 1;
#define BASE()                                                                           \
	Denwatch__Summary p = DENWATCH__SUMMARY__INIT;                                   \
	p.window_seconds = 300;                                                          \
	p.window_start = 600;                                                            \
	p.imsi = "460010000000001";                                                      \
	p.msisdn = "8613800000001"
	{
		BASE();
		assert_int_equal(decode_pb_summary(&p, 1, "s1"), DW_WIRE_OK);
		assert_int_equal(decode_pb_summary(&p, 0, "s1"), DW_WIRE_BAD_SEQ);
		assert_int_equal(decode_pb_summary(&p, 1, ""), DW_WIRE_BAD_SENSOR_ID);
		assert_int_equal(decode_pb_summary(&p, 1, "a b"), DW_WIRE_BAD_SENSOR_ID);
		assert_int_equal(decode_pb_summary(&p, 1, "../etc"), DW_WIRE_BAD_SENSOR_ID);
	}
	{
		BASE();
		p.imsi = "46001000000000x";
		assert_int_equal(decode_pb_summary(&p, 1, "s1"), DW_WIRE_BAD_IMSI);
		p.imsi = "4600100000000012"; /* 16 digits */
		assert_int_equal(decode_pb_summary(&p, 1, "s1"), DW_WIRE_BAD_IMSI);
	}
	{
		BASE();
		p.msisdn = "+8613800000001";
		assert_int_equal(decode_pb_summary(&p, 1, "s1"), DW_WIRE_BAD_MSISDN);
		p.msisdn = "123456789012345678901234567890123"; /* 33 digits */
		assert_int_equal(decode_pb_summary(&p, 1, "s1"), DW_WIRE_BAD_MSISDN);
	}
	{
		BASE();
		p.n_imeis = 5;
		p.imeis = imeis;
		p.imeis_seen = 5;
		assert_int_equal(decode_pb_summary(&p, 1, "s1"), DW_WIRE_TOO_MANY_IMEIS);
		p.n_imeis = 2;
		p.imeis_seen = 1; /* fewer seen than kept */
		assert_int_equal(decode_pb_summary(&p, 1, "s1"), DW_WIRE_TOO_MANY_IMEIS);
		p.imeis_seen = 2;
		char *bad[1] = { "8612340000010" };
		p.imeis = bad;
		p.n_imeis = 1;
		assert_int_equal(decode_pb_summary(&p, 1, "s1"), DW_WIRE_BAD_IMEI);
	}
	{
		BASE();
		p.n_cells = 7;
		p.cells = ccp;
		assert_int_equal(decode_pb_summary(&p, 1, "s1"), DW_WIRE_TOO_MANY_CELLS);
		p.n_cells = 1;
		cc[0].cell = "460-01-1";
		assert_int_equal(decode_pb_summary(&p, 1, "s1"), DW_WIRE_BAD_CELL);
		cc[0].cell = "460-01-1-2'; DROP TABLE x";
		assert_int_equal(decode_pb_summary(&p, 1, "s1"), DW_WIRE_BAD_CELL);
		cc[0].cell = "460-01-1-2";
		assert_int_equal(decode_pb_summary(&p, 1, "s1"), DW_WIRE_OK);
	}
	{
		BASE();
		p.n_contact_sketch = 17;
		p.contact_sketch = sk;
		assert_int_equal(decode_pb_summary(&p, 1, "s1"), DW_WIRE_BAD_SKETCH);
		sk[1] = 1; /* not ascending */
		p.n_contact_sketch = 3;
		assert_int_equal(decode_pb_summary(&p, 1, "s1"), DW_WIRE_BAD_SKETCH);
	}
	{
		BASE();
		p.window_start = 601;
		assert_int_equal(decode_pb_summary(&p, 1, "s1"), DW_WIRE_BAD_WINDOW);
		p.window_start = 600;
		p.window_seconds = 0;
		assert_int_equal(decode_pb_summary(&p, 1, "s1"), DW_WIRE_BAD_WINDOW);
		p.window_seconds = 300;
		p.first_event_us = 10;
		p.last_event_us = 9;
		assert_int_equal(decode_pb_summary(&p, 1, "s1"), DW_WIRE_BAD_TIMES);
	}
}

/* A small message of many empty summaries may not unpack into a large allocation. */
static void expansion_is_bounded(void **state)
{
	(void)state;
	size_t n = 1 << 20;
	uint8_t *raw = malloc(n);
	raw[0] = 'D', raw[1] = 'W', raw[2] = DW_WIRE_VERSION, raw[3] = DW_MSG_BATCH;
	size_t body = n - 8;
	raw[4] = (uint8_t)(body >> 24), raw[5] = (uint8_t)(body >> 16), raw[6] = (uint8_t)(body >> 8),
	raw[7] = (uint8_t)body;
	for (size_t i = 8; i + 1 < n; i += 2)
		raw[i] = 0x1a, raw[i + 1] = 0;
	struct dw_wire_msg m;
	enum dw_wire_err e = dw_wire_decode(raw, n, DW_WIRE_MAX_MSG, &m, sums, DW_WIRE_MAX_BATCH);
	assert_true(e == DW_WIRE_MALFORMED || e == DW_WIRE_TOO_MANY);
	free(raw);
}

static void encoder_refuses_invalid(void **state)
{
	(void)state;
	struct dw_summary s;
	struct dw_buf b = { 0 };
	fixture_summary(&s, 3);
	strcpy(s.imsi, "12a");
	assert_int_equal(dw_wire_encode_summary(&s, &b), -1);
	assert_int_equal(dw_wire_encode_hello(&b, "bad id", "x"), -1);
	assert_int_equal(dw_wire_batch_begin(&b, "s1", 0), -1);
	assert_string_equal(dw_wire_strerror(DW_WIRE_BAD_IMSI), "bad_imsi");
	assert_string_equal(dw_wire_strerror(DW_WIRE_NERR), "unknown");
	dw_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hello_round_trip),
		cmocka_unit_test(eos_and_ack_round_trip),
		cmocka_unit_test(batch_round_trip),
		cmocka_unit_test(header_errors),
		cmocka_unit_test(field_errors),
		cmocka_unit_test(expansion_is_bounded),
		cmocka_unit_test(encoder_refuses_invalid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
