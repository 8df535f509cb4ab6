/* sip.c: SIP dissector (RFC 3261, TS 24.229). PLACEHOLDER until the SIP work
 * lands: recognizes SIP by its first line and parses nothing. */
#include <string.h>

#include "../dissect.h"

static bool sip_probe(const uint8_t *p, size_t len)
{
	return len >= 8 && (memcmp(p, "SIP/2.0 ", 8) == 0 || memmem(p, len < 200 ? len : 200, " SIP/2.0\r\n", 10));
}

static enum dw_parse_result sip_parse(struct dw_pipeline *pl, const struct dw_packet *pkt,
				      const uint8_t *p, size_t len)
{
	(void)pl;
	(void)pkt;
	(void)p;
	(void)len;
	return DW_PARSE_UNSUPPORTED;
}

const struct dw_dissector dw_dissector_sip = {
	.name = "sip",
	.proto = DW_PROTO_SIP,
	.udp_ports = { 5060 },
	.tcp_ports = { 5060 },
	.sctp_ports = { 5060 },
	.probe = sip_probe,
	.parse = sip_parse,
};
