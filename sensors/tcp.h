/* tcp.h: in-order TCP stream reassembly per direction (RFC 9293 sequence space)
 * for message protocols over TCP. Bytes are handed on in order; retransmitted and
 * overlapping bytes are ignored (first wins); out-of-order segments wait within a
 * byte budget; a framer cuts the stream into whole messages. The stream table is
 * bounded (least recently active dropped) and forgets idle streams. */
#ifndef DENWATCH_SENSOR_TCP_H
#define DENWATCH_SENSOR_TCP_H

#include <stddef.h>
#include <stdint.h>

#include "netstats.h"
#include "packet.h"

/* What a framer returns besides a message length (> 0). */
enum {
	DW_FRAME_NEED = 0,     /* the message is not complete yet */
	DW_FRAME_GARBAGE = -1, /* p does not start a message: skip to the next line */
	DW_FRAME_IGNORE = -2,  /* nobody wants this stream: skip it from now on */
};

/* Cuts the stream bytes at p into messages. *owner is the framer's own note for
 * this stream direction (NULL at first; e.g. the dissector it picked). */
typedef long (*dw_framer_fn)(void *arg, const void **owner, const struct dw_packet *pkt,
			     const uint8_t *p, size_t len);
/* Receives a whole message (or, with no framer, every in-order chunk). */
typedef void (*dw_payload_fn)(void *arg, const struct dw_packet *pkt, const uint8_t *p,
			      size_t len);

/* Receives a whole message framed out of a stream, with the framer's note for
 * the stream direction. */
typedef void (*dw_stream_fn)(void *arg, const void *owner, const struct dw_packet *pkt,
			     const uint8_t *p, size_t len);

struct dw_tcp_opts {
	uint32_t max_streams; /* stream directions held at once */
	size_t max_bytes;     /* buffered bytes per direction (in order + waiting) */
	int64_t timeout_us;   /* idle time after which a direction is forgotten */
};

enum {
	DW_TCP_FIN = 0x01,
	DW_TCP_SYN = 0x02,
	DW_TCP_RST = 0x04,
	DW_TCP_ACK = 0x10,
};

struct dw_tcp;

struct dw_tcp *dw_tcp_new(const struct dw_tcp_opts *o, struct dw_netstats *st,
			  dw_framer_fn framer, dw_stream_fn deliver, void *arg);
void dw_tcp_free(struct dw_tcp *t);
/* One segment of the direction pkt describes (addresses, ports, time). */
void dw_tcp_segment(struct dw_tcp *t, const struct dw_packet *pkt, uint32_t seq,
		    uint8_t flags, const uint8_t *p, size_t len);
/* Forgets directions idle since before ts_us minus the timeout. */
void dw_tcp_expire(struct dw_tcp *t, int64_t ts_us);
size_t dw_tcp_count(const struct dw_tcp *t);

#endif
