/* net_build.h: builds test frames byte by byte for the decoder's unit tests
 * (Ethernet, VLAN, SLL, IPv4/IPv6, UDP, TCP, SCTP, GTP-U), and records what the
 * decoder hands on. Header-only, shared by tests/unit/test_net_*.c. */
#ifndef DENWATCH_TEST_NET_BUILD_H
#define DENWATCH_TEST_NET_BUILD_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../sensors/decode.h"
#include "denwatch/config.h"

struct fb {
	uint8_t b[70000];
	size_t n;
};

static inline void fb_u8(struct fb *f, uint8_t v)
{
	f->b[f->n++] = v;
}
static inline void fb_be16(struct fb *f, uint16_t v)
{
	fb_u8(f, (uint8_t)(v >> 8));
	fb_u8(f, (uint8_t)v);
}
static inline void fb_be32(struct fb *f, uint32_t v)
{
	fb_be16(f, (uint16_t)(v >> 16));
	fb_be16(f, (uint16_t)v);
}
static inline void fb_bytes(struct fb *f, const void *p, size_t n)
{
	memcpy(f->b + f->n, p, n);
	f->n += n;
}
static inline void fb_zero(struct fb *f, size_t n)
{
	memset(f->b + f->n, 0, n);
	f->n += n;
}
static inline void fb_str(struct fb *f, const char *s)
{
	fb_bytes(f, s, strlen(s));
}

static inline void fb_eth(struct fb *f, uint16_t type)
{
	fb_zero(f, 12);
	fb_be16(f, type);
}

/* IPv4 header with no options; payload_len bytes are to follow. */
static inline void fb_ipv4(struct fb *f, uint8_t proto, size_t payload_len, uint16_t id,
			   uint16_t frag, uint32_t src, uint32_t dst)
{
	fb_u8(f, 0x45);
	fb_u8(f, 0);
	fb_be16(f, (uint16_t)(20 + payload_len));
	fb_be16(f, id);
	fb_be16(f, frag);
	fb_u8(f, 64);
	fb_u8(f, proto);
	fb_be16(f, 0);
	fb_be32(f, src);
	fb_be32(f, dst);
}

static inline void fb_ipv6(struct fb *f, uint8_t nh, size_t payload_len, uint8_t last)
{
	fb_be32(f, 0x60000000);
	fb_be16(f, (uint16_t)payload_len);
	fb_u8(f, nh);
	fb_u8(f, 64);
	fb_zero(f, 15);
	fb_u8(f, 1);
	fb_zero(f, 15);
	fb_u8(f, last);
}

static inline void fb_udp(struct fb *f, uint16_t sport, uint16_t dport, size_t payload_len)
{
	fb_be16(f, sport);
	fb_be16(f, dport);
	fb_be16(f, (uint16_t)(8 + payload_len));
	fb_be16(f, 0);
}

static inline void fb_tcp(struct fb *f, uint16_t sport, uint16_t dport, uint32_t seq,
			  uint8_t flags)
{
	fb_be16(f, sport);
	fb_be16(f, dport);
	fb_be32(f, seq);
	fb_be32(f, 0);
	fb_u8(f, 0x50);
	fb_u8(f, flags);
	fb_be16(f, 65535);
	fb_be32(f, 0);
}

/* What the decoder handed on. */
struct rec {
	int n;
	struct dw_packet last;
	char data[65536];
	size_t len;   /* all payloads concatenated */
	size_t sizes[64];
};

static inline void rec_payload(void *arg, const struct dw_packet *pkt, const uint8_t *p,
			       size_t len)
{
	struct rec *r = arg;
	if (r->n < 64)
		r->sizes[r->n] = len;
	r->n++;
	r->last = *pkt;
	if (r->len + len <= sizeof r->data) {
		memcpy(r->data + r->len, p, len);
		r->len += len;
	}
}

/* A line framer: one message per "\n"-terminated line; '#' starts garbage. */
static inline long line_framer(void *arg, const void **owner, const struct dw_packet *pkt,
			       const uint8_t *p, size_t len)
{
	(void)arg;
	(void)owner;
	(void)pkt;
	if (p[0] == '#')
		return DW_FRAME_GARBAGE;
	const uint8_t *nl = memchr(p, '\n', len);
	return nl ? (long)(nl - p + 1) : DW_FRAME_NEED;
}

static inline struct dw_decoder *new_decoder(struct rec *r, bool framed)
{
	struct dw_config cfg;
	dw_config_init(&cfg);
	struct dw_decoder_opts o;
	dw_decoder_opts_init(&o, &cfg); /* the table's defaults */
	dw_config_free(&cfg);
	memset(r, 0, sizeof *r);
	return dw_decoder_new(&o, rec_payload, framed ? line_framer : NULL, r);
}

#endif
