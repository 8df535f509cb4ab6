/* wire.h: encoding and validating decoding of the messages between sensors and
 * the correlator (include/denwatch/denwatch.proto: 8-byte header, then protobuf).
 * A decoder never trusts the peer: every length, count, string and number is
 * checked against the limits below and summary.h's, and every rejection has a
 * named reason that the receiver counts. */
#ifndef DENWATCH_WIRE_H
#define DENWATCH_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "denwatch/summary.h"

#define DW_WIRE_VERSION 1
#define DW_WIRE_HDR_LEN 8
/* Hard limits; transport.max_message_kb and transport.batch_size stay below. */
#define DW_WIRE_MAX_MSG (4u << 20)
#define DW_WIRE_MAX_BATCH 4096
#define DW_SENSOR_ID_MAX 64
#define DW_SOFTWARE_MAX 32

enum dw_wire_type { DW_MSG_HELLO = 1, DW_MSG_BATCH = 2, DW_MSG_EOS = 3, DW_MSG_ACK = 4 };

enum dw_wire_err {
	DW_WIRE_OK = 0,
	DW_WIRE_TRUNCATED,    /* shorter than its header says, or than a header */
	DW_WIRE_GARBAGE,      /* no "DW" magic, or bytes after the body */
	DW_WIRE_BAD_VERSION,  /* another schema version */
	DW_WIRE_OVERSIZED,    /* past the receiver's size limit */
	DW_WIRE_BAD_TYPE,     /* unknown message type, or not expected here */
	DW_WIRE_MALFORMED,    /* the protobuf body does not parse */
	DW_WIRE_BAD_SENSOR_ID,
	DW_WIRE_BAD_SOFTWARE,
	DW_WIRE_BAD_SEQ,      /* sequence 0, or a batch running past 2^63 */
	DW_WIRE_TOO_MANY,     /* more summaries than the receiver takes, or the body
			       * unpacks into more memory than its size allows */
	DW_WIRE_BAD_WINDOW,   /* window_seconds 0 or > 1 day, start not aligned */
	DW_WIRE_BAD_IMSI,
	DW_WIRE_BAD_MSISDN,
	DW_WIRE_BAD_IMEI,
	DW_WIRE_TOO_MANY_IMEIS,
	DW_WIRE_BAD_CELL,
	DW_WIRE_TOO_MANY_CELLS,
	DW_WIRE_BAD_SKETCH,   /* too many hashes or not ascending */
	DW_WIRE_BAD_TIMES,    /* first_event_us after last_event_us */
	DW_WIRE_NERR
};

/* Short name of a reason, for counters and logs ("truncated", "bad_imsi"). */
const char *dw_wire_strerror(enum dw_wire_err e);

/* A growable byte buffer; zero-initialize, release with dw_buf_free. */
struct dw_buf {
	uint8_t *p;
	size_t len, cap;
};
int dw_buf_reserve(struct dw_buf *b, size_t extra);
void dw_buf_free(struct dw_buf *b);

/* Sensor id: 1 to DW_SENSOR_ID_MAX characters of [A-Za-z0-9._-]. */
bool dw_sensor_id_valid(const char *id);

/* One summary as a bare protobuf Summary (no header): the outbox payload. Appends
 * to out. Returns 0, or -1 if the summary is not valid (checked as a decoder
 * would) or memory fails. */
int dw_wire_encode_summary(const struct dw_summary *s, struct dw_buf *out);

/* Whole messages (header included), written over out's contents. Return 0 or -1. */
int dw_wire_encode_hello(struct dw_buf *out, const char *sensor_id, const char *software);
int dw_wire_encode_eos(struct dw_buf *out, const char *sensor_id, uint64_t last_seq);
int dw_wire_encode_ack(struct dw_buf *out, const char *sensor_id, uint64_t acked_seq,
		       bool eos_done);
/* A batch built from outbox payloads without re-encoding them: begin, add each
 * payload of consecutive sequence numbers, end (which fills in the header). */
int dw_wire_batch_begin(struct dw_buf *out, const char *sensor_id, uint64_t first_seq);
int dw_wire_batch_add(struct dw_buf *out, const void *payload, size_t len);
void dw_wire_batch_end(struct dw_buf *out);
/* The same from summaries, for tests and tools. */
int dw_wire_encode_batch(struct dw_buf *out, const char *sensor_id, uint64_t first_seq,
			 const struct dw_summary *s, size_t n);

/* A decoded message. seq is the batch's first sequence, the end-of-stream's last
 * one or the acknowledged one; n the number of summaries of a batch. */
struct dw_wire_msg {
	enum dw_wire_type type;
	char sensor_id[DW_SENSOR_ID_MAX + 1];
	char software[DW_SOFTWARE_MAX + 1];
	uint32_t schema;
	uint64_t seq;
	bool eos_done;
	size_t n;
};

/* Decodes and validates one message of len bytes. max_len is the receiver's size
 * limit; a batch's summaries go to sums (capacity cap; more is DW_WIRE_TOO_MANY).
 * On any error m and sums are left in an unspecified state. */
enum dw_wire_err dw_wire_decode(const void *buf, size_t len, size_t max_len,
				struct dw_wire_msg *m, struct dw_summary *sums, size_t cap);

/* Decodes one outbox payload (bare Summary) with the same checks. */
enum dw_wire_err dw_wire_decode_summary(const void *buf, size_t len, struct dw_summary *s);

#endif
