/* registry.c: the one table of dissectors and the rule that picks one for a
 * payload: a well-known port or SCTP PPID first, then payload probes (SIP runs on
 * any port). */
#include "dissect.h"

const struct dw_dissector *const dw_dissectors[] = {
	&dw_dissector_gtpv2,
	&dw_dissector_sip,
	NULL,
};

static bool port_in(const uint16_t *ports, uint16_t a, uint16_t b)
{
	for (int i = 0; i < 4 && ports[i]; i++)
		if (ports[i] == a || ports[i] == b)
			return true;
	return false;
}

static bool port_matches(const struct dw_dissector *d, const struct dw_packet *pkt)
{
	switch (pkt->l4) {
	case DW_L4_UDP:
		return port_in(d->udp_ports, pkt->sport, pkt->dport);
	case DW_L4_TCP:
		return port_in(d->tcp_ports, pkt->sport, pkt->dport);
	case DW_L4_SCTP:
		return (d->sctp_ppid && pkt->sctp_ppid == d->sctp_ppid) ||
		       port_in(d->sctp_ports, pkt->sport, pkt->dport);
	}
	return false;
}

const struct dw_dissector *dw_dissector_match(const struct dw_packet *pkt,
					      const uint8_t *p, size_t len)
{
	for (int i = 0; dw_dissectors[i]; i++)
		if (port_matches(dw_dissectors[i], pkt))
			return dw_dissectors[i];
	for (int i = 0; dw_dissectors[i]; i++)
		if (dw_dissectors[i]->probe && dw_dissectors[i]->probe(p, len))
			return dw_dissectors[i];
	return NULL;
}
