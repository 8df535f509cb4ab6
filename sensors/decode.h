/* decode.h: the layered packet decoder. It takes a captured frame (time, frame
 * number, link type, bytes), walks link layer, IP (with fragment reassembly),
 * GTP-U tunnels, UDP, TCP (stream reassembly and framing) and SCTP (DATA chunks),
 * and calls a handler for each transport payload with a struct dw_packet. It
 * knows nothing about libpcap or the dissectors, so it is tested on its own. */
#ifndef DENWATCH_SENSOR_DECODE_H
#define DENWATCH_SENSOR_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "denwatch/config.h"
#include "netstats.h"
#include "packet.h"
#include "tcp.h" /* dw_framer_fn, dw_payload_fn, DW_FRAME_* */

struct dw_decoder_opts {
	bool gtpu_decap;             /* capture.gtpu_decap */
	uint32_t frag_max_datagrams; /* capture.frag_max_datagrams */
	uint32_t frag_timeout_s;     /* capture.frag_timeout_s */
	uint32_t tcp_max_streams;    /* capture.tcp_max_streams */
	uint32_t tcp_stream_max_kb;  /* capture.tcp_stream_max_kb */
	uint32_t tcp_timeout_s;      /* capture.tcp_timeout_s */
};

/* The options from the capture section of the config. */
void dw_decoder_opts_init(struct dw_decoder_opts *o, const struct dw_config *cfg);

struct dw_decoder;

/* on_payload receives every UDP payload, every SCTP user message and every
 * message framed out of a TCP stream by framer (NULL: in-order TCP bytes are
 * handed on as they come). arg is passed to both. */
struct dw_decoder *dw_decoder_new(const struct dw_decoder_opts *o, dw_payload_fn on_payload,
				  dw_framer_fn framer, void *arg);
void dw_decoder_free(struct dw_decoder *d);

/* Whether frames of this libpcap link type (DLT_*) can be decoded. */
bool dw_decoder_linktype_ok(int linktype);
/* Decodes one frame of caplen captured bytes. */
void dw_decode_frame(struct dw_decoder *d, int64_t ts_us, uint64_t frame, int linktype,
		     const uint8_t *p, size_t caplen);
/* Packet time moved on without packets (live capture): time out fragments and
 * idle streams. */
void dw_decoder_advance(struct dw_decoder *d, int64_t ts_us);
const struct dw_netstats *dw_decoder_stats(const struct dw_decoder *d);

#endif
