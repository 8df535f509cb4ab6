/* ip.c: IPv4 (RFC 791) and IPv6 (RFC 8200) header decoding. Every length is
 * checked against the captured bytes before it is used; all reads go through the
 * cursor. */
#include <string.h>

#include "denwatch/cursor.h"
#include "ip.h"

enum {
	IPV6_HOPOPTS = 0,
	IPV6_ROUTING = 43,
	IPV6_FRAGMENT = 44,
	IPV6_ESP = 50,
	IPV6_AH = 51,
	IPV6_NONE = 59,
	IPV6_DSTOPTS = 60,
	IPV6_MOBILITY = 135,
	IPV6_MAX_EXT = 8, /* more extension headers than this: unsupported */
};

enum dw_ip_result dw_ipv4_decode(const uint8_t *p, size_t len, struct dw_ip *ip)
{
	struct cursor c;
	cur_init(&c, p, len);
	uint8_t vihl = 0, tos = 0, ttl = 0, proto = 0;
	uint16_t total = 0, id = 0, frag = 0, csum = 0;
	cur_u8(&c, &vihl);
	cur_u8(&c, &tos);
	cur_be16(&c, &total);
	cur_be16(&c, &id);
	cur_be16(&c, &frag);
	cur_u8(&c, &ttl);
	cur_u8(&c, &proto);
	cur_be16(&c, &csum);
	memset(ip, 0, sizeof *ip);
	cur_copy(&c, ip->src, 4);
	cur_copy(&c, ip->dst, 4);
	if (c.err)
		return DW_IP_TRUNCATED;
	size_t hlen = (size_t)(vihl & 0x0f) * 4;
	if ((vihl >> 4) != 4 || hlen < 20 || total < hlen)
		return DW_IP_MALFORMED;
	if (hlen > len || total > len)
		return DW_IP_TRUNCATED;
	struct cursor body;
	cur_init(&c, p, total);
	cur_skip(&c, hlen); /* options are not needed */
	cur_sub(&c, cur_left(&c), &body);
	ip->version = 4;
	ip->proto = proto;
	ip->payload = body.p;
	ip->payload_len = cur_left(&body);
	ip->frag_id = id;
	ip->more_fragments = (frag & 0x2000) != 0;
	ip->frag_offset = (uint32_t)(frag & 0x1fff) * 8;
	ip->is_fragment = ip->more_fragments || ip->frag_offset != 0;
	return DW_IP_OK;
}

static bool is_ext_header(uint8_t nh)
{
	return nh == IPV6_HOPOPTS || nh == IPV6_ROUTING || nh == IPV6_FRAGMENT ||
	       nh == IPV6_DSTOPTS || nh == IPV6_AH || nh == IPV6_MOBILITY;
}

enum dw_ip_result dw_ipv6_decode(const uint8_t *p, size_t len, struct dw_ip *ip,
				 struct dw_netstats *st)
{
	struct cursor c;
	cur_init(&c, p, len);
	uint32_t vtcfl = 0;
	uint16_t plen = 0;
	uint8_t nh = 0, hlim = 0;
	cur_be32(&c, &vtcfl);
	cur_be16(&c, &plen);
	cur_u8(&c, &nh);
	cur_u8(&c, &hlim);
	memset(ip, 0, sizeof *ip);
	cur_copy(&c, ip->src, 16);
	cur_copy(&c, ip->dst, 16);
	if (c.err)
		return DW_IP_TRUNCATED;
	if ((vtcfl >> 28) != 6)
		return DW_IP_MALFORMED;
	if (plen == 0 && nh == IPV6_HOPOPTS)
		return DW_IP_UNSUPPORTED; /* jumbogram */
	if (plen > cur_left(&c))
		return DW_IP_TRUNCATED;
	struct cursor b; /* the payload, bounded by the payload length */
	cur_sub(&c, plen, &b);
	ip->version = 6;
	for (int n = 0; is_ext_header(nh); n++) {
		if (n >= IPV6_MAX_EXT)
			return DW_IP_UNSUPPORTED;
		uint8_t next = 0, hl = 0;
		if (nh == IPV6_FRAGMENT) {
			uint16_t offflags = 0;
			uint32_t id = 0;
			cur_u8(&b, &next);
			cur_skip(&b, 1);
			cur_be16(&b, &offflags);
			cur_be32(&b, &id);
			if (b.err)
				return DW_IP_MALFORMED;
			ip->frag_offset = offflags & 0xfff8u;
			ip->more_fragments = (offflags & 1) != 0;
			ip->frag_id = id;
			ip->is_fragment = ip->more_fragments || ip->frag_offset != 0;
		} else {
			cur_u8(&b, &next);
			cur_u8(&b, &hl);
			size_t ext = nh == IPV6_AH ? ((size_t)hl + 2) * 4 : ((size_t)hl + 1) * 8;
			if (!cur_skip(&b, ext - 2))
				return DW_IP_MALFORMED;
		}
		st->ipv6_ext_headers++;
		nh = next;
		if (ip->is_fragment)
			break; /* what follows belongs to the reassembled datagram */
	}
	if (nh == IPV6_ESP)
		return DW_IP_UNSUPPORTED;
	ip->proto = nh;
	ip->payload = b.p;
	ip->payload_len = cur_left(&b);
	return DW_IP_OK;
}
