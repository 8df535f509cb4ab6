/* wire.c: the sensor <-> correlator messages (denwatch.proto) on top of protobuf-c:
 * an 8-byte header (magic, version, type, body length), then the body. Decoding
 * checks the header first, unpacks with a memory budget proportional to the
 * message's size, then validates every field against summary.h's limits. */
#include "denwatch/wire.h"

#include <stdlib.h>
#include <string.h>

#include "denwatch/denwatch.pb-c.h"
#include "denwatch/ident.h"

static const char *const err_names[DW_WIRE_NERR] = {
	[DW_WIRE_OK] = "ok",
	[DW_WIRE_TRUNCATED] = "truncated",
	[DW_WIRE_GARBAGE] = "garbage",
	[DW_WIRE_BAD_VERSION] = "wrong_version",
	[DW_WIRE_OVERSIZED] = "oversized",
	[DW_WIRE_BAD_TYPE] = "bad_type",
	[DW_WIRE_MALFORMED] = "malformed",
	[DW_WIRE_BAD_SENSOR_ID] = "bad_sensor_id",
	[DW_WIRE_BAD_SOFTWARE] = "bad_software",
	[DW_WIRE_BAD_SEQ] = "bad_seq",
	[DW_WIRE_TOO_MANY] = "too_many",
	[DW_WIRE_BAD_WINDOW] = "bad_window",
	[DW_WIRE_BAD_IMSI] = "bad_imsi",
	[DW_WIRE_BAD_MSISDN] = "bad_msisdn",
	[DW_WIRE_BAD_IMEI] = "bad_imei",
	[DW_WIRE_TOO_MANY_IMEIS] = "too_many_imeis",
	[DW_WIRE_BAD_CELL] = "bad_cell",
	[DW_WIRE_TOO_MANY_CELLS] = "too_many_cells",
	[DW_WIRE_BAD_SKETCH] = "bad_sketch",
	[DW_WIRE_BAD_TIMES] = "bad_times",
};

const char *dw_wire_strerror(enum dw_wire_err e)
{
	if ((unsigned)e >= DW_WIRE_NERR)
		return "unknown";
	return err_names[e];
}

int dw_buf_reserve(struct dw_buf *b, size_t extra)
{
	if (b->len + extra <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra)
		cap *= 2;
	uint8_t *p = realloc(b->p, cap);
	if (!p)
		return -1;
	b->p = p;
	b->cap = cap;
	return 0;
}

void dw_buf_free(struct dw_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

bool dw_sensor_id_valid(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n > DW_SENSOR_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

static bool printable(const char *s, size_t maxlen)
{
	size_t n = strlen(s);
	if (n > maxlen)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

/* "mcc-mnc-tac-cellid": four groups of 1 to 20 digits. */
static bool cell_valid(const char *c)
{
	size_t n = strlen(c);
	if (n == 0 || n >= DW_CELL_MAX)
		return false;
	int groups = 1, digits = 0;
	for (size_t i = 0; i < n; i++) {
		if (c[i] == '-') {
			if (digits == 0)
				return false;
			groups++;
			digits = 0;
		} else if (c[i] >= '0' && c[i] <= '9') {
			if (++digits > 20)
				return false;
		} else {
			return false;
		}
	}
	return groups == 4 && digits > 0;
}

/* The checks every summary passes, on the way out and on the way in. */
static enum dw_wire_err summary_check(const struct dw_summary *s)
{
	if (s->window_seconds == 0 || s->window_seconds > 86400 || s->window_start < 0 ||
	    s->window_start % s->window_seconds != 0)
		return DW_WIRE_BAD_WINDOW;
	if (s->imsi[0] && !dw_all_digits(s->imsi, 5, DW_IMSI_MAX))
		return DW_WIRE_BAD_IMSI;
	if (s->msisdn[0] && !dw_all_digits(s->msisdn, 1, DW_NUMBER_MAX))
		return DW_WIRE_BAD_MSISDN;
	if (s->n_imeis > DW_SUM_MAX_IMEIS || s->imeis_seen < s->n_imeis)
		return DW_WIRE_TOO_MANY_IMEIS;
	for (unsigned i = 0; i < s->n_imeis; i++)
		if (!dw_all_digits(s->imeis[i], DW_IMEI_LEN, DW_IMEI_LEN))
			return DW_WIRE_BAD_IMEI;
	if (s->n_cells > DW_SUM_MAX_CELLS)
		return DW_WIRE_TOO_MANY_CELLS;
	for (unsigned i = 0; i < s->n_cells; i++)
		if (!cell_valid(s->cells[i].cell))
			return DW_WIRE_BAD_CELL;
	if (s->n_sketch > DW_SUM_SKETCH_K)
		return DW_WIRE_BAD_SKETCH;
	for (unsigned i = 1; i < s->n_sketch; i++)
		if (s->contact_sketch[i] <= s->contact_sketch[i - 1])
			return DW_WIRE_BAD_SKETCH;
	if (s->first_event_us > s->last_event_us)
		return DW_WIRE_BAD_TIMES;
	return DW_WIRE_OK;
}

/* ---- encoding ---- */

static void put_header(uint8_t *h, enum dw_wire_type type, size_t body)
{
	h[0] = 'D';
	h[1] = 'W';
	h[2] = DW_WIRE_VERSION;
	h[3] = (uint8_t)type;
	h[4] = (uint8_t)(body >> 24);
	h[5] = (uint8_t)(body >> 16);
	h[6] = (uint8_t)(body >> 8);
	h[7] = (uint8_t)body;
}

static int encode_msg(struct dw_buf *out, enum dw_wire_type type, const ProtobufCMessage *m)
{
	size_t body = protobuf_c_message_get_packed_size(m);
	out->len = 0;
	if (body > DW_WIRE_MAX_MSG - DW_WIRE_HDR_LEN || dw_buf_reserve(out, DW_WIRE_HDR_LEN + body))
		return -1;
	put_header(out->p, type, body);
	protobuf_c_message_pack(m, out->p + DW_WIRE_HDR_LEN);
	out->len = DW_WIRE_HDR_LEN + body;
	return 0;
}

int dw_wire_encode_summary(const struct dw_summary *s, struct dw_buf *out)
{
	if (summary_check(s) != DW_WIRE_OK)
		return -1;
	Denwatch__Summary m = DENWATCH__SUMMARY__INIT;
	Denwatch__CellCount cells[DW_SUM_MAX_CELLS];
	Denwatch__CellCount *cellp[DW_SUM_MAX_CELLS];
	char *imeis[DW_SUM_MAX_IMEIS];
	uint64_t sketch[DW_SUM_SKETCH_K];

	m.window_start = s->window_start;
	m.window_seconds = s->window_seconds;
	m.imsi = (char *)s->imsi;
	m.msisdn = (char *)s->msisdn;
	m.imeis_seen = s->imeis_seen;
	for (unsigned i = 0; i < s->n_imeis; i++)
		imeis[i] = (char *)s->imeis[i];
	m.n_imeis = s->n_imeis;
	m.imeis = imeis;
	for (unsigned i = 0; i < s->n_cells; i++) {
		denwatch__cell_count__init(&cells[i]);
		cells[i].cell = (char *)s->cells[i].cell;
		cells[i].events = s->cells[i].events;
		cellp[i] = &cells[i];
	}
	m.n_cells = s->n_cells;
	m.cells = cellp;
	m.calls_out = s->calls_out;
	m.calls_out_answered = s->calls_out_answered;
	m.calls_out_short = s->calls_out_short;
	m.calls_out_failed = s->calls_out_failed;
	m.calls_out_seconds = s->calls_out_seconds;
	m.calls_in = s->calls_in;
	m.calls_in_answered = s->calls_in_answered;
	m.sms_out = s->sms_out;
	m.sms_in = s->sms_in;
	m.distinct_callees = s->distinct_callees;
	m.distinct_sms_dests = s->distinct_sms_dests;
	m.seq_run_max = s->seq_run_max;
	m.data_sessions = s->data_sessions;
	m.registrations = s->registrations;
	m.first_event_us = s->first_event_us;
	m.last_event_us = s->last_event_us;
	memcpy(sketch, s->contact_sketch, sizeof(uint64_t) * s->n_sketch);
	m.n_contact_sketch = s->n_sketch;
	m.contact_sketch = sketch;

	size_t n = denwatch__summary__get_packed_size(&m);
	if (dw_buf_reserve(out, n))
		return -1;
	denwatch__summary__pack(&m, out->p + out->len);
	out->len += n;
	return 0;
}

int dw_wire_encode_hello(struct dw_buf *out, const char *sensor_id, const char *software)
{
	if (!dw_sensor_id_valid(sensor_id) || !printable(software, DW_SOFTWARE_MAX))
		return -1;
	Denwatch__Hello m = DENWATCH__HELLO__INIT;
	m.sensor_id = (char *)sensor_id;
	m.software = (char *)software;
	m.schema = DW_WIRE_VERSION;
	return encode_msg(out, DW_MSG_HELLO, &m.base);
}

int dw_wire_encode_eos(struct dw_buf *out, const char *sensor_id, uint64_t last_seq)
{
	if (!dw_sensor_id_valid(sensor_id))
		return -1;
	Denwatch__EndOfStream m = DENWATCH__END_OF_STREAM__INIT;
	m.sensor_id = (char *)sensor_id;
	m.last_seq = last_seq;
	return encode_msg(out, DW_MSG_EOS, &m.base);
}

int dw_wire_encode_ack(struct dw_buf *out, const char *sensor_id, uint64_t acked_seq,
		       bool eos_done)
{
	if (!dw_sensor_id_valid(sensor_id))
		return -1;
	Denwatch__Ack m = DENWATCH__ACK__INIT;
	m.sensor_id = (char *)sensor_id;
	m.acked_seq = acked_seq;
	m.eos_done = eos_done;
	return encode_msg(out, DW_MSG_ACK, &m.base);
}

static int put_varint(struct dw_buf *out, uint64_t v)
{
	if (dw_buf_reserve(out, 10))
		return -1;
	do {
		uint8_t b = v & 0x7f;
		v >>= 7;
		out->p[out->len++] = (uint8_t)(b | (v ? 0x80 : 0));
	} while (v);
	return 0;
}

int dw_wire_batch_begin(struct dw_buf *out, const char *sensor_id, uint64_t first_seq)
{
	if (!dw_sensor_id_valid(sensor_id) || first_seq == 0)
		return -1;
	Denwatch__Batch m = DENWATCH__BATCH__INIT;
	m.sensor_id = (char *)sensor_id;
	m.first_seq = first_seq;
	return encode_msg(out, DW_MSG_BATCH, &m.base);
}

/* Field 3 (summaries), wire type 2: the tag, the length, the bytes. */
int dw_wire_batch_add(struct dw_buf *out, const void *payload, size_t len)
{
	if (put_varint(out, (3u << 3) | 2u) || put_varint(out, len) || dw_buf_reserve(out, len))
		return -1;
	memcpy(out->p + out->len, payload, len);
	out->len += len;
	return 0;
}

void dw_wire_batch_end(struct dw_buf *out)
{
	put_header(out->p, DW_MSG_BATCH, out->len - DW_WIRE_HDR_LEN);
}

int dw_wire_encode_batch(struct dw_buf *out, const char *sensor_id, uint64_t first_seq,
			 const struct dw_summary *s, size_t n)
{
	struct dw_buf one = { 0 };
	int rc = dw_wire_batch_begin(out, sensor_id, first_seq);
	for (size_t i = 0; i < n && rc == 0; i++) {
		one.len = 0;
		rc = dw_wire_encode_summary(&s[i], &one);
		if (rc == 0)
			rc = dw_wire_batch_add(out, one.p, one.len);
	}
	dw_buf_free(&one);
	if (rc == 0)
		dw_wire_batch_end(out);
	return rc;
}

/* ---- decoding ---- */

/* protobuf-c allocations counted against a budget, so that a small message of
 * many empty repeated fields cannot make the receiver allocate gigabytes. */
struct budget {
	size_t left;
};

static void *budget_alloc(void *data, size_t size)
{
	struct budget *b = data;
	if (size > b->left)
		return NULL;
	size_t *p = malloc(sizeof(size_t) + size);
	if (!p)
		return NULL;
	b->left -= size;
	p[0] = size;
	return p + 1;
}

static void budget_free(void *data, void *ptr)
{
	struct budget *b = data;
	if (!ptr)
		return;
	size_t *p = (size_t *)ptr - 1;
	b->left += p[0];
	free(p);
}

static enum dw_wire_err copy_str(char *dst, size_t dstsize, const char *src, enum dw_wire_err e)
{
	size_t n = strlen(src);
	if (n >= dstsize)
		return e;
	memcpy(dst, src, n + 1);
	return DW_WIRE_OK;
}

static enum dw_wire_err summary_from_pb(const Denwatch__Summary *m, struct dw_summary *s)
{
	enum dw_wire_err e;
	memset(s, 0, sizeof(*s));
	s->window_start = m->window_start;
	s->window_seconds = m->window_seconds;
	if ((e = copy_str(s->imsi, sizeof(s->imsi), m->imsi, DW_WIRE_BAD_IMSI)) ||
	    (e = copy_str(s->msisdn, sizeof(s->msisdn), m->msisdn, DW_WIRE_BAD_MSISDN)))
		return e;
	if (m->n_imeis > DW_SUM_MAX_IMEIS || m->imeis_seen > 255)
		return DW_WIRE_TOO_MANY_IMEIS;
	s->n_imeis = (uint8_t)m->n_imeis;
	s->imeis_seen = (uint8_t)m->imeis_seen;
	for (size_t i = 0; i < m->n_imeis; i++)
		if ((e = copy_str(s->imeis[i], sizeof(s->imeis[i]), m->imeis[i], DW_WIRE_BAD_IMEI)))
			return e;
	if (m->n_cells > DW_SUM_MAX_CELLS)
		return DW_WIRE_TOO_MANY_CELLS;
	s->n_cells = (uint8_t)m->n_cells;
	for (size_t i = 0; i < m->n_cells; i++) {
		if ((e = copy_str(s->cells[i].cell, sizeof(s->cells[i].cell), m->cells[i]->cell,
				  DW_WIRE_BAD_CELL)))
			return e;
		s->cells[i].events = m->cells[i]->events;
	}
	s->calls_out = m->calls_out;
	s->calls_out_answered = m->calls_out_answered;
	s->calls_out_short = m->calls_out_short;
	s->calls_out_failed = m->calls_out_failed;
	s->calls_out_seconds = m->calls_out_seconds;
	s->calls_in = m->calls_in;
	s->calls_in_answered = m->calls_in_answered;
	s->sms_out = m->sms_out;
	s->sms_in = m->sms_in;
	s->distinct_callees = m->distinct_callees;
	s->distinct_sms_dests = m->distinct_sms_dests;
	s->seq_run_max = m->seq_run_max;
	s->data_sessions = m->data_sessions;
	s->registrations = m->registrations;
	s->first_event_us = m->first_event_us;
	s->last_event_us = m->last_event_us;
	if (m->n_contact_sketch > DW_SUM_SKETCH_K)
		return DW_WIRE_BAD_SKETCH;
	s->n_sketch = (uint8_t)m->n_contact_sketch;
	if (m->n_contact_sketch)
		memcpy(s->contact_sketch, m->contact_sketch, sizeof(uint64_t) * m->n_contact_sketch);
	return summary_check(s);
}

static enum dw_wire_err sensor_id_from_pb(const char *id, char out[DW_SENSOR_ID_MAX + 1])
{
	if (!dw_sensor_id_valid(id))
		return DW_WIRE_BAD_SENSOR_ID;
	strcpy(out, id);
	return DW_WIRE_OK;
}

static enum dw_wire_err decode_batch(const uint8_t *body, size_t n, ProtobufCAllocator *a,
				     struct dw_wire_msg *m, struct dw_summary *sums, size_t cap)
{
	Denwatch__Batch *b = denwatch__batch__unpack(a, n, body);
	if (!b)
		return DW_WIRE_MALFORMED;
	enum dw_wire_err e = sensor_id_from_pb(b->sensor_id, m->sensor_id);
	if (!e && (b->first_seq == 0 || b->first_seq > (UINT64_C(1) << 62)))
		e = DW_WIRE_BAD_SEQ;
	if (!e && (b->n_summaries > cap || b->n_summaries > DW_WIRE_MAX_BATCH))
		e = DW_WIRE_TOO_MANY;
	m->seq = b->first_seq;
	m->n = b->n_summaries;
	for (size_t i = 0; !e && i < b->n_summaries; i++)
		e = summary_from_pb(b->summaries[i], &sums[i]);
	denwatch__batch__free_unpacked(b, a);
	return e;
}

enum dw_wire_err dw_wire_decode(const void *buf, size_t len, size_t max_len,
				struct dw_wire_msg *m, struct dw_summary *sums, size_t cap)
{
	const uint8_t *p = buf;
	memset(m, 0, sizeof(*m));
	if (max_len > DW_WIRE_MAX_MSG)
		max_len = DW_WIRE_MAX_MSG;
	if (len > max_len)
		return DW_WIRE_OVERSIZED;
	if ((len >= 1 && p[0] != 'D') || (len >= 2 && p[1] != 'W'))
		return DW_WIRE_GARBAGE;
	if (len < DW_WIRE_HDR_LEN)
		return DW_WIRE_TRUNCATED;
	if (p[2] != DW_WIRE_VERSION)
		return DW_WIRE_BAD_VERSION;
	size_t body = (size_t)p[4] << 24 | (size_t)p[5] << 16 | (size_t)p[6] << 8 | p[7];
	if (body > max_len - DW_WIRE_HDR_LEN)
		return DW_WIRE_OVERSIZED;
	if (body > len - DW_WIRE_HDR_LEN)
		return DW_WIRE_TRUNCATED;
	if (body < len - DW_WIRE_HDR_LEN)
		return DW_WIRE_GARBAGE;

	struct budget bud = { 8 * body + 65536 };
	ProtobufCAllocator a = { budget_alloc, budget_free, &bud };
	const uint8_t *b = p + DW_WIRE_HDR_LEN;
	enum dw_wire_err e = DW_WIRE_OK;
	m->type = p[3];
	switch (p[3]) {
	case DW_MSG_HELLO: {
		Denwatch__Hello *h = denwatch__hello__unpack(&a, body, b);
		if (!h)
			return DW_WIRE_MALFORMED;
		e = sensor_id_from_pb(h->sensor_id, m->sensor_id);
		if (!e && !printable(h->software, DW_SOFTWARE_MAX))
			e = DW_WIRE_BAD_SOFTWARE;
		if (!e) {
			strcpy(m->software, h->software);
			m->schema = h->schema;
			if (h->schema != DW_WIRE_VERSION)
				e = DW_WIRE_BAD_VERSION;
		}
		denwatch__hello__free_unpacked(h, &a);
		return e;
	}
	case DW_MSG_BATCH:
		return decode_batch(b, body, &a, m, sums, cap);
	case DW_MSG_EOS: {
		Denwatch__EndOfStream *x = denwatch__end_of_stream__unpack(&a, body, b);
		if (!x)
			return DW_WIRE_MALFORMED;
		e = sensor_id_from_pb(x->sensor_id, m->sensor_id);
		m->seq = x->last_seq;
		if (!e && x->last_seq > (UINT64_C(1) << 62))
			e = DW_WIRE_BAD_SEQ;
		denwatch__end_of_stream__free_unpacked(x, &a);
		return e;
	}
	case DW_MSG_ACK: {
		Denwatch__Ack *x = denwatch__ack__unpack(&a, body, b);
		if (!x)
			return DW_WIRE_MALFORMED;
		e = sensor_id_from_pb(x->sensor_id, m->sensor_id);
		m->seq = x->acked_seq;
		m->eos_done = x->eos_done;
		denwatch__ack__free_unpacked(x, &a);
		return e;
	}
	default:
		return DW_WIRE_BAD_TYPE;
	}
}

enum dw_wire_err dw_wire_decode_summary(const void *buf, size_t len, struct dw_summary *s)
{
	if (len > 65536)
		return DW_WIRE_OVERSIZED;
	struct budget bud = { 8 * len + 65536 };
	ProtobufCAllocator a = { budget_alloc, budget_free, &bud };
	Denwatch__Summary *m = denwatch__summary__unpack(&a, len, buf);
	if (!m)
		return DW_WIRE_MALFORMED;
	enum dw_wire_err e = summary_from_pb(m, s);
	denwatch__summary__free_unpacked(m, &a);
	return e;
}
