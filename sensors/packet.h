/* packet.h: what the capture layer knows about a transport payload when it hands
 * it to a dissector: packet time, frame number, addresses and ports. */
#ifndef DENWATCH_SENSOR_PACKET_H
#define DENWATCH_SENSOR_PACKET_H

#include <stdint.h>

enum dw_l4 { DW_L4_UDP, DW_L4_TCP, DW_L4_SCTP };

struct dw_packet {
	int64_t ts_us;   /* packet time, microseconds since the epoch */
	uint64_t frame;  /* 1-based frame number across the inputs, as tshark counts
			    within one file (frame.number) */
	uint8_t ip_version; /* 4 or 6, of the innermost IP header */
	uint8_t src[16], dst[16]; /* IPv4 in the first 4 bytes */
	uint16_t sport, dport;
	enum dw_l4 l4;
	uint32_t sctp_ppid; /* SCTP payload protocol identifier, 0 otherwise */
	uint8_t tunnelled;  /* 1 when found inside GTP-U */
};

#endif
