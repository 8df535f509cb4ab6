/* ip.h: IPv4 and IPv6 header decoding (RFC 791, RFC 8200) into one small struct:
 * addresses, upper protocol, payload bounds and fragment fields. Pure functions
 * over a byte range, so they are tested without any capture. */
#ifndef DENWATCH_SENSOR_IP_H
#define DENWATCH_SENSOR_IP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netstats.h"

struct dw_ip {
	uint8_t version; /* 4 or 6 */
	uint8_t proto;   /* upper-layer protocol (after IPv6 extension headers) */
	uint8_t src[16], dst[16];
	const uint8_t *payload; /* the bytes after the IP headers, within total length */
	size_t payload_len;
	/* Fragments: is_fragment when MF is set or the offset is not zero. */
	bool is_fragment;
	bool more_fragments;
	uint32_t frag_offset; /* in bytes */
	uint32_t frag_id;     /* IPv4: 16 bits; IPv6: 32 bits */
};

enum dw_ip_result {
	DW_IP_OK,
	DW_IP_MALFORMED,   /* bad version or lengths: counted in ip_malformed */
	DW_IP_TRUNCATED,   /* total length past the captured bytes: ip_truncated */
	DW_IP_UNSUPPORTED, /* well-formed but not decodable (ESP, jumbogram) */
};

/* Decodes the IPv4 header at p (len captured bytes). Bytes past the total length
 * (Ethernet padding) are not part of the payload. */
enum dw_ip_result dw_ipv4_decode(const uint8_t *p, size_t len, struct dw_ip *ip);
/* Decodes the IPv6 header and skips extension headers (hop-by-hop, routing,
 * destination options, AH, fragment); counts them in st. */
enum dw_ip_result dw_ipv6_decode(const uint8_t *p, size_t len, struct dw_ip *ip,
				 struct dw_netstats *st);

#endif
