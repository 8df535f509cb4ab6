/* decode.c: link layers (Ethernet with 802.1Q/QinQ, Linux SLL and SLL2, raw IP,
 * BSD null/loopback), then IP, GTP-U, UDP, TCP and SCTP down to the payloads
 * handed to the caller. All reads of packet bytes go through the cursor. */
#include <pcap/dlt.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "denwatch/cursor.h"
#include "gtpu.h"
#include "ip.h"
#include "ipfrag.h"
#include "sctp.h"
#include "ws.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#define DLT_IPV6 229
#endif

enum {
	LINKTYPE_RAW = 101, /* the file value, in case a caller passes it unmapped */
	ETH_IPV4 = 0x0800,
	ETH_IPV6 = 0x86dd,
	ETH_VLAN = 0x8100,
	ETH_QINQ = 0x88a8,
	ETH_QINQ_OLD = 0x9100,
	MAX_VLAN_TAGS = 4,
	MAX_DEPTH = 4, /* IP headers nested by tunnels */
	IPPROTO_IPIP_ = 4,
	IPPROTO_TCP_ = 6,
	IPPROTO_UDP_ = 17,
	IPPROTO_IPV6_ = 41,
	IPPROTO_SCTP_ = 132,
};

struct dw_decoder {
	struct dw_decoder_opts o;
	struct dw_netstats st;
	struct dw_ipfrag *frag;
	struct dw_tcp *tcp;
	struct dw_sctp *sctp;
	dw_payload_fn on_payload;
	dw_framer_fn framer;
	void *arg;
	uint8_t *ws_buf; /* an unmasked WebSocket payload */
	size_t ws_cap;
};

/* The note a TCP stream direction carries once it is known to be WebSocket. */
static const int ws_owner;

void dw_decoder_opts_init(struct dw_decoder_opts *o, const struct dw_config *cfg)
{
	o->gtpu_decap = dw_config_bool(cfg, DWK_capture_gtpu_decap);
	o->frag_max_datagrams = (uint32_t)dw_config_int(cfg, DWK_capture_frag_max_datagrams);
	o->frag_timeout_s = (uint32_t)dw_config_int(cfg, DWK_capture_frag_timeout_s);
	o->tcp_max_streams = (uint32_t)dw_config_int(cfg, DWK_capture_tcp_max_streams);
	o->tcp_stream_max_kb = (uint32_t)dw_config_int(cfg, DWK_capture_tcp_stream_max_kb);
	o->tcp_timeout_s = (uint32_t)dw_config_int(cfg, DWK_capture_tcp_timeout_s);
}

static void deliver(void *arg, const struct dw_packet *pkt, const uint8_t *p, size_t len)
{
	struct dw_decoder *d = arg;
	d->st.payloads++;
	d->on_payload(d->arg, pkt, p, len);
}

/* A framed TCP message: WebSocket frames are unwrapped (RFC 7118: one SIP
 * message per frame), handshakes swallowed, the rest handed on as it is. */
static void tcp_deliver(void *arg, const void *owner, const struct dw_packet *pkt,
			const uint8_t *p, size_t len)
{
	struct dw_decoder *d = arg;
	if (owner != &ws_owner) {
		deliver(d, pkt, p, len);
		return;
	}
	if (dw_ws_handshake(p, len) > 0)
		return;
	if (len > d->ws_cap) {
		uint8_t *b = realloc(d->ws_buf, len);
		if (!b)
			return;
		d->ws_buf = b;
		d->ws_cap = len;
	}
	uint8_t op = 0;
	long n = dw_ws_payload(p, len, d->ws_buf, &op);
	if (n <= 0 || op > 2)
		return; /* control frames, empty frames */
	d->st.ws_frames++;
	deliver(d, pkt, d->ws_buf, (size_t)n);
}

static long frame_cb(void *arg, const void **owner, const struct dw_packet *pkt,
		     const uint8_t *p, size_t len)
{
	struct dw_decoder *d = arg;
	if (*owner == &ws_owner)
		return dw_ws_frame(p, len);
	if (!*owner) {
		long h = dw_ws_handshake(p, len);
		if (h > 0)
			*owner = &ws_owner;
		if (h >= 0)
			return h;
	}
	return d->framer ? d->framer(d->arg, owner, pkt, p, len) : (long)len;
}

struct dw_decoder *dw_decoder_new(const struct dw_decoder_opts *o, dw_payload_fn on_payload,
				  dw_framer_fn framer, void *arg)
{
	struct dw_decoder *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->o = *o;
	d->on_payload = on_payload;
	d->framer = framer;
	d->arg = arg;
	struct dw_tcp_opts to = {
		.max_streams = o->tcp_max_streams,
		.max_bytes = (size_t)o->tcp_stream_max_kb * 1024,
		.timeout_us = (int64_t)o->tcp_timeout_s * 1000000,
	};
	d->frag = dw_ipfrag_new(o->frag_max_datagrams, (int64_t)o->frag_timeout_s * 1000000,
				&d->st);
	d->tcp = dw_tcp_new(&to, &d->st, frame_cb, tcp_deliver, d);
	d->sctp = dw_sctp_new(&d->st, deliver, d);
	if (!d->frag || !d->tcp || !d->sctp) {
		dw_decoder_free(d);
		return NULL;
	}
	return d;
}

void dw_decoder_free(struct dw_decoder *d)
{
	if (!d)
		return;
	dw_ipfrag_free(d->frag);
	dw_tcp_free(d->tcp);
	dw_sctp_free(d->sctp);
	free(d->ws_buf);
	free(d);
}

const struct dw_netstats *dw_decoder_stats(const struct dw_decoder *d)
{
	return &d->st;
}

void dw_decoder_advance(struct dw_decoder *d, int64_t ts_us)
{
	dw_ipfrag_expire(d->frag, ts_us);
	dw_tcp_expire(d->tcp, ts_us);
}

bool dw_decoder_linktype_ok(int linktype)
{
	switch (linktype) {
	case DLT_EN10MB:
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
	case DLT_RAW:
	case LINKTYPE_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
	case DLT_NULL:
	case DLT_LOOP:
		return true;
	}
	return false;
}

static void decode_ip(struct dw_decoder *d, struct dw_packet *pkt, const uint8_t *p,
		      size_t len, int depth);

static void decode_udp(struct dw_decoder *d, struct dw_packet *pkt, const uint8_t *p,
		       size_t len, int depth)
{
	struct cursor c;
	cur_init(&c, p, len);
	uint16_t ulen = 0, csum = 0;
	cur_be16(&c, &pkt->sport);
	cur_be16(&c, &pkt->dport);
	cur_be16(&c, &ulen);
	cur_be16(&c, &csum);
	struct slice body;
	if (c.err || ulen < 8 || !cur_take(&c, ulen - 8u, &body)) {
		d->st.udp_malformed++;
		return;
	}
	d->st.udp++;
	pkt->l4 = DW_L4_UDP;
	if (d->o.gtpu_decap && (pkt->dport == DW_GTPU_PORT || pkt->sport == DW_GTPU_PORT)) {
		const uint8_t *inner;
		size_t inner_len;
		uint32_t teid;
		d->st.gtpu_packets++;
		switch (dw_gtpu_decode(body.p, body.len, &teid, &inner, &inner_len)) {
		case DW_GTPU_GPDU:
			d->st.gtpu_decapsulated++;
			struct dw_packet in = *pkt;
			in.tunnelled = 1;
			decode_ip(d, &in, inner, inner_len, depth + 1);
			break;
		case DW_GTPU_OTHER:
			d->st.gtpu_other++;
			break;
		case DW_GTPU_MALFORMED:
			d->st.gtpu_malformed++;
			break;
		}
		return;
	}
	if (body.len > 0)
		deliver(d, pkt, body.p, body.len);
}

static void decode_tcp(struct dw_decoder *d, struct dw_packet *pkt, const uint8_t *p,
		       size_t len)
{
	struct cursor c;
	cur_init(&c, p, len);
	uint32_t seq = 0, ack = 0;
	uint8_t off = 0, flags = 0;
	cur_be16(&c, &pkt->sport);
	cur_be16(&c, &pkt->dport);
	cur_be32(&c, &seq);
	cur_be32(&c, &ack);
	cur_u8(&c, &off);
	cur_u8(&c, &flags);
	size_t hlen = (size_t)(off >> 4) * 4;
	cur_init(&c, p, len);
	struct slice body;
	if (hlen < 20 || !cur_skip(&c, hlen) || !cur_take(&c, cur_left(&c), &body)) {
		d->st.tcp_malformed++;
		return;
	}
	d->st.tcp_segments++;
	pkt->l4 = DW_L4_TCP;
	dw_tcp_segment(d->tcp, pkt, seq, flags, body.p, body.len);
}

static void decode_transport(struct dw_decoder *d, struct dw_packet *pkt, uint8_t proto,
			     const uint8_t *p, size_t len, int depth)
{
	switch (proto) {
	case IPPROTO_UDP_:
		decode_udp(d, pkt, p, len, depth);
		break;
	case IPPROTO_TCP_:
		decode_tcp(d, pkt, p, len);
		break;
	case IPPROTO_SCTP_:
		dw_sctp_packet(d->sctp, pkt, p, len);
		break;
	case IPPROTO_IPIP_:
	case IPPROTO_IPV6_:
		decode_ip(d, pkt, p, len, depth + 1);
		break;
	default:
		d->st.ip_proto_other++;
	}
}

static void decode_ip(struct dw_decoder *d, struct dw_packet *pkt, const uint8_t *p,
		      size_t len, int depth)
{
	if (depth >= MAX_DEPTH) {
		d->st.ip_too_deep++;
		return;
	}
	struct cursor c;
	cur_init(&c, p, len);
	uint8_t v = 0;
	cur_u8(&c, &v);
	struct dw_ip ip;
	enum dw_ip_result r;
	if (v >> 4 == 4) {
		r = dw_ipv4_decode(p, len, &ip);
		d->st.ipv4 += r == DW_IP_OK;
	} else if (v >> 4 == 6) {
		r = dw_ipv6_decode(p, len, &ip, &d->st);
		d->st.ipv6 += r == DW_IP_OK;
	} else {
		r = c.err ? DW_IP_TRUNCATED : DW_IP_MALFORMED;
	}
	switch (r) {
	case DW_IP_OK:
		break;
	case DW_IP_MALFORMED:
		d->st.ip_malformed++;
		return;
	case DW_IP_TRUNCATED:
		d->st.ip_truncated++;
		return;
	case DW_IP_UNSUPPORTED:
		d->st.ipv6_unsupported++;
		return;
	}
	pkt->ip_version = ip.version;
	memcpy(pkt->src, ip.src, 16);
	memcpy(pkt->dst, ip.dst, 16);
	if (!ip.is_fragment) {
		decode_transport(d, pkt, ip.proto, ip.payload, ip.payload_len, depth);
		return;
	}
	struct dw_fragkey k = { .version = ip.version, .proto = ip.proto, .id = ip.frag_id };
	memcpy(k.src, ip.src, 16);
	memcpy(k.dst, ip.dst, 16);
	const uint8_t *whole;
	size_t whole_len;
	if (dw_ipfrag_add(d->frag, &k, pkt->ts_us, ip.frag_offset, ip.more_fragments,
			  ip.payload, ip.payload_len, &whole, &whole_len) == 1) {
		decode_transport(d, pkt, ip.proto, whole, whole_len, depth);
		free((void *)whole);
	}
}

static void decode_ethertype(struct dw_decoder *d, struct dw_packet *pkt, struct cursor *c,
			     uint16_t type)
{
	for (int tags = 0; type == ETH_VLAN || type == ETH_QINQ || type == ETH_QINQ_OLD; tags++) {
		if (tags >= MAX_VLAN_TAGS) {
			d->st.link_not_ip++;
			return;
		}
		cur_skip(c, 2);
		cur_be16(c, &type);
		if (c->err) {
			d->st.link_truncated++;
			return;
		}
		d->st.vlan_tags++;
	}
	if (type != ETH_IPV4 && type != ETH_IPV6) {
		d->st.link_not_ip++;
		return;
	}
	struct slice rest;
	cur_take(c, cur_left(c), &rest);
	decode_ip(d, pkt, rest.p, rest.len, 0);
}

/* BSD loopback: the address family in the capturing host's byte order (DLT_NULL)
 * or in network order (DLT_LOOP). */
static bool family_is_ip(uint32_t af)
{
	return af == 2 || af == 24 || af == 28 || af == 30 || af == 10;
}

void dw_decode_frame(struct dw_decoder *d, int64_t ts_us, uint64_t frame, int linktype,
		     const uint8_t *p, size_t caplen)
{
	d->st.frames++;
	d->st.bytes += caplen;
	struct dw_packet pkt = { .ts_us = ts_us, .frame = frame };
	struct cursor c;
	cur_init(&c, p, caplen);
	uint16_t type = 0;
	uint32_t af = 0;
	switch (linktype) {
	case DLT_EN10MB:
		cur_skip(&c, 12);
		cur_be16(&c, &type);
		break;
	case DLT_LINUX_SLL:
		cur_skip(&c, 14);
		cur_be16(&c, &type);
		break;
	case DLT_LINUX_SLL2:
		cur_be16(&c, &type);
		cur_skip(&c, 18);
		break;
	case DLT_RAW:
	case LINKTYPE_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		if (caplen == 0)
			d->st.link_truncated++;
		else
			decode_ip(d, &pkt, p, caplen, 0);
		return;
	case DLT_NULL:
	case DLT_LOOP: {
		struct cursor peek = c;
		if (linktype == DLT_LOOP)
			cur_be32(&c, &af);
		else if (cur_le32(&c, &af) && af > 0xffff)
			cur_be32(&peek, &af); /* written by a big-endian host */
		if (c.err) {
			d->st.link_truncated++;
			return;
		}
		if (!family_is_ip(af)) {
			d->st.link_not_ip++;
			return;
		}
		struct slice rest;
		cur_take(&c, cur_left(&c), &rest);
		decode_ip(d, &pkt, rest.p, rest.len, 0);
		return;
	}
	default:
		d->st.link_unsupported++;
		return;
	}
	if (c.err) {
		d->st.link_truncated++;
		return;
	}
	decode_ethertype(d, &pkt, &c, type);
}
