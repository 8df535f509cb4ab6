/* gtpv2.c: GTPv2-C dissector (TS 29.274). PLACEHOLDER until the GTPv2-C work
 * lands: claims UDP 2123 and parses nothing. */
#include "../dissect.h"

static enum dw_parse_result gtpv2_parse(struct dw_pipeline *pl, const struct dw_packet *pkt,
					const uint8_t *p, size_t len)
{
	(void)pl;
	(void)pkt;
	(void)p;
	(void)len;
	return DW_PARSE_UNSUPPORTED;
}

const struct dw_dissector dw_dissector_gtpv2 = {
	.name = "gtpv2",
	.proto = DW_PROTO_GTPV2,
	.udp_ports = { 2123 },
	.parse = gtpv2_parse,
};
