/* dissect.h: the dissector interface and the registry that picks a dissector for
 * a transport payload (one static table in registry.c, Suricata's and tcpdump's
 * idea). Adding a protocol = one file in sensors/proto/ + one line in the table. */
#ifndef DENWATCH_SENSOR_DISSECT_H
#define DENWATCH_SENSOR_DISSECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "denwatch/event.h"
#include "packet.h"

struct dw_pipeline;

enum dw_parse_result {
	DW_PARSE_OK,          /* understood (events may or may not have been emitted) */
	DW_PARSE_MALFORMED,   /* claims to be this protocol but breaks its rules */
	DW_PARSE_UNSUPPORTED, /* well-formed, but a message type we do not use */
};

struct dw_dissector {
	const char *name;
	enum dw_proto proto;
	uint16_t udp_ports[4];  /* well-known ports, 0-terminated */
	uint16_t tcp_ports[4];
	uint16_t sctp_ports[4];
	uint32_t sctp_ppid;     /* SCTP payload protocol identifier, 0 if none */
	/* Payload sniffing for protocols seen on any port (SIP). NULL: ports only. */
	bool (*probe)(const uint8_t *p, size_t len);
	/* Stream framing over TCP: the length of the complete message at the start of
	 * p, 0 if more bytes are needed, -1 if p cannot start a message of this
	 * protocol (the stream is then resynchronized or dropped and counted). NULL for
	 * datagram-only protocols. */
	long (*frame)(const uint8_t *p, size_t len);
	/* Parses one whole message (a UDP payload, an SCTP DATA chunk, or one framed
	 * TCP message) and emits events into the pipeline. */
	enum dw_parse_result (*parse)(struct dw_pipeline *pl, const struct dw_packet *pkt,
				      const uint8_t *p, size_t len);
};

/* The registry: NULL-terminated. */
extern const struct dw_dissector *const dw_dissectors[];

/* Picks a dissector: first by port (either side) and transport or SCTP PPID, then by
 * the probes. NULL when nothing claims the payload. */
const struct dw_dissector *dw_dissector_match(const struct dw_packet *pkt,
					      const uint8_t *p, size_t len);

/* Each protocol file exports its descriptor. */
extern const struct dw_dissector dw_dissector_sip;
extern const struct dw_dissector dw_dissector_gtpv2;

#endif
