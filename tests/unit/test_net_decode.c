/* test_net_decode.c: link layers, IPv4/IPv6 headers, UDP, GTP-U and SCTP through
 * the decoder, on hand-built frames, including hostile lengths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pcap/dlt.h>

#include "net_build.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#define DLT_IPV6 229
#endif

static struct rec R;
static struct fb F;

/* IPv4 + UDP 5060 carrying "hello" after whatever is already in F. */
static void ipv4_udp_hello(void)
{
	fb_ipv4(&F, 17, 8 + 5, 1, 0, 0x0a000001, 0x0a000002);
	fb_udp(&F, 5060, 5061, 5);
	fb_str(&F, "hello");
}

static const struct dw_netstats *run(struct dw_decoder *d, int linktype)
{
	dw_decode_frame(d, 1000000, 1, linktype, F.b, F.n);
	return dw_decoder_stats(d);
}

static void ethernet_ipv4_udp(void **state)
{
	(void)state;
	struct dw_decoder *d = new_decoder(&R, false);
	F.n = 0;
	fb_eth(&F, 0x0800);
	ipv4_udp_hello();
	fb_zero(&F, 10); /* Ethernet padding past the IP total length */
	const struct dw_netstats *s = run(d, DLT_EN10MB);
	assert_int_equal(R.n, 1);
	assert_int_equal(R.len, 5);
	assert_memory_equal(R.data, "hello", 5);
	assert_int_equal(R.last.ip_version, 4);
	assert_int_equal(R.last.sport, 5060);
	assert_int_equal(R.last.dport, 5061);
	assert_int_equal(R.last.l4, DW_L4_UDP);
	assert_int_equal(R.last.src[3], 1);
	assert_int_equal(R.last.dst[3], 2);
	assert_int_equal(R.last.ts_us, 1000000);
	assert_int_equal(s->udp, 1);
	assert_int_equal(s->payloads, 1);
	dw_decoder_free(d);
}

static void vlan_and_qinq(void **state)
{
	(void)state;
	struct dw_decoder *d = new_decoder(&R, false);
	const uint16_t outer[] = { 0x8100, 0x88a8, 0x9100 };
	for (int i = 0; i < 3; i++) {
		F.n = 0;
		fb_zero(&F, 12);
		fb_be16(&F, outer[i]);
		fb_be16(&F, 100);
		fb_be16(&F, 0x8100);
		fb_be16(&F, 200);
		fb_be16(&F, 0x0800);
		ipv4_udp_hello();
		run(d, DLT_EN10MB);
	}
	assert_int_equal(R.n, 3);
	assert_int_equal(dw_decoder_stats(d)->vlan_tags, 6);
	/* Five tags: past the limit, not decoded. */
	F.n = 0;
	fb_zero(&F, 12);
	for (int i = 0; i < 5; i++) {
		fb_be16(&F, 0x8100);
		fb_be16(&F, 1);
	}
	fb_be16(&F, 0x0800);
	ipv4_udp_hello();
	run(d, DLT_EN10MB);
	assert_int_equal(R.n, 3);
	/* A tag cut short. */
	F.n = 0;
	fb_zero(&F, 12);
	fb_be16(&F, 0x8100);
	fb_be16(&F, 1);
	assert_int_equal(run(d, DLT_EN10MB)->link_truncated, 1);
	dw_decoder_free(d);
}

static void sll_and_sll2(void **state)
{
	(void)state;
	struct dw_decoder *d = new_decoder(&R, false);
	F.n = 0;
	fb_be16(&F, 0);      /* packet type */
	fb_be16(&F, 1);      /* ARPHRD_ETHER */
	fb_be16(&F, 6);      /* address length */
	fb_zero(&F, 8);      /* address */
	fb_be16(&F, 0x0800); /* protocol */
	ipv4_udp_hello();
	run(d, DLT_LINUX_SLL);
	assert_int_equal(R.n, 1);
	F.n = 0;
	fb_be16(&F, 0x86dd); /* protocol */
	fb_be16(&F, 0);      /* reserved */
	fb_be32(&F, 2);      /* interface index */
	fb_be16(&F, 1);      /* ARPHRD_ETHER */
	fb_u8(&F, 0);        /* packet type */
	fb_u8(&F, 6);        /* address length */
	fb_zero(&F, 8);
	fb_ipv6(&F, 17, 13, 9);
	fb_udp(&F, 5060, 5060, 5);
	fb_str(&F, "hello");
	run(d, DLT_LINUX_SLL2);
	assert_int_equal(R.n, 2);
	assert_int_equal(R.last.ip_version, 6);
	assert_int_equal(R.last.dst[15], 9);
	/* SLL carrying ARP: not IP. */
	F.n = 0;
	fb_zero(&F, 14);
	fb_be16(&F, 0x0806);
	fb_zero(&F, 28);
	assert_int_equal(run(d, DLT_LINUX_SLL)->link_not_ip, 1);
	/* A header cut short. */
	F.n = 10;
	assert_int_equal(run(d, DLT_LINUX_SLL2)->link_truncated, 1);
	dw_decoder_free(d);
}

static void raw_ip_link_types(void **state)
{
	(void)state;
	struct dw_decoder *d = new_decoder(&R, false);
	const int types[] = { DLT_RAW, DLT_IPV4, 101 };
	for (int i = 0; i < 3; i++) {
		F.n = 0;
		ipv4_udp_hello();
		run(d, types[i]);
	}
	F.n = 0;
	fb_ipv6(&F, 17, 13, 9);
	fb_udp(&F, 1, 5060, 5);
	fb_str(&F, "hello");
	run(d, DLT_IPV6);
	assert_int_equal(R.n, 4);
	F.n = 0;
	assert_int_equal(run(d, DLT_RAW)->link_truncated, 1);
	dw_decoder_free(d);
}

static void null_and_loop(void **state)
{
	(void)state;
	struct dw_decoder *d = new_decoder(&R, false);
	F.n = 0;
	fb_u8(&F, 2); /* AF_INET, little-endian host */
	fb_zero(&F, 3);
	ipv4_udp_hello();
	run(d, DLT_NULL);
	F.n = 0;
	fb_be32(&F, 2); /* AF_INET, big-endian host */
	ipv4_udp_hello();
	run(d, DLT_NULL);
	F.n = 0;
	fb_be32(&F, 30); /* AF_INET6 (macOS), DLT_LOOP is network order */
	fb_ipv6(&F, 17, 13, 9);
	fb_udp(&F, 1, 5060, 5);
	fb_str(&F, "hello");
	run(d, DLT_LOOP);
	assert_int_equal(R.n, 3);
	F.n = 0;
	fb_be32(&F, 7); /* some other family */
	assert_int_equal(run(d, DLT_LOOP)->link_not_ip, 1);
	F.n = 2;
	assert_int_equal(run(d, DLT_NULL)->link_truncated, 1);
	dw_decoder_free(d);
}

static void unsupported_link_type(void **state)
{
	(void)state;
	struct dw_decoder *d = new_decoder(&R, false);
	F.n = 0;
	ipv4_udp_hello();
	assert_int_equal(run(d, 147 /* DLT_USER0 */)->link_unsupported, 1);
	assert_false(dw_decoder_linktype_ok(147));
	assert_true(dw_decoder_linktype_ok(DLT_LINUX_SLL2));
	assert_int_equal(R.n, 0);
	dw_decoder_free(d);
}

static void ipv4_header_checks(void **state)
{
	(void)state;
	struct dw_decoder *d = new_decoder(&R, false);
	/* IHL 4: malformed. */
	F.n = 0;
	ipv4_udp_hello();
	F.b[0] = 0x44;
	assert_int_equal(run(d, DLT_RAW)->ip_malformed, 1);
	/* Total length shorter than the header. */
	F.n = 0;
	ipv4_udp_hello();
	F.b[2] = 0;
	F.b[3] = 19;
	assert_int_equal(run(d, DLT_RAW)->ip_malformed, 2);
	/* Total length past the captured bytes (snap length). */
	F.n = 0;
	ipv4_udp_hello();
	F.n -= 2;
	assert_int_equal(run(d, DLT_RAW)->ip_truncated, 1);
	/* IHL 15 (60 bytes) and total 100 past a 33-byte capture. */
	F.n = 0;
	ipv4_udp_hello();
	F.b[0] = 0x4f;
	F.b[3] = 100;
	assert_int_equal(run(d, DLT_RAW)->ip_truncated, 2);
	/* Version 5. */
	F.n = 0;
	ipv4_udp_hello();
	F.b[0] = 0x55;
	assert_int_equal(run(d, DLT_RAW)->ip_malformed, 3);
	/* Options (IHL 6) are skipped. */
	F.n = 0;
	fb_u8(&F, 0x46);
	fb_u8(&F, 0);
	fb_be16(&F, 24 + 13);
	fb_zero(&F, 5);
	fb_u8(&F, 17);
	fb_zero(&F, 10);
	fb_be32(&F, 0x01010101); /* option bytes */
	fb_udp(&F, 5060, 5060, 5);
	fb_str(&F, "hello");
	run(d, DLT_RAW);
	assert_int_equal(R.n, 1);
	assert_memory_equal(R.data, "hello", 5);
	/* Not UDP/TCP/SCTP. */
	F.n = 0;
	fb_ipv4(&F, 1, 8, 1, 0, 1, 2);
	fb_zero(&F, 8);
	assert_int_equal(run(d, DLT_RAW)->ip_proto_other, 1);
	dw_decoder_free(d);
}

static void ipv6_extension_headers(void **state)
{
	(void)state;
	struct dw_decoder *d = new_decoder(&R, false);
	F.n = 0;
	fb_ipv6(&F, 0 /* hop-by-hop */, 8 + 16 + 13, 9);
	fb_u8(&F, 60); /* next: destination options */
	fb_u8(&F, 0);  /* 8 bytes */
	fb_zero(&F, 6);
	fb_u8(&F, 17);
	fb_u8(&F, 1); /* 16 bytes */
	fb_zero(&F, 14);
	fb_udp(&F, 5060, 5060, 5);
	fb_str(&F, "hello");
	const struct dw_netstats *s = run(d, DLT_IPV6);
	assert_int_equal(R.n, 1);
	assert_int_equal(s->ipv6_ext_headers, 2);
	/* Extension header longer than the payload. */
	F.n = 0;
	fb_ipv6(&F, 60, 8, 9);
	fb_u8(&F, 17);
	fb_u8(&F, 200);
	fb_zero(&F, 6);
	assert_int_equal(run(d, DLT_IPV6)->ip_malformed, 1);
	/* ESP: not decodable. */
	F.n = 0;
	fb_ipv6(&F, 50, 8, 9);
	fb_zero(&F, 8);
	assert_int_equal(run(d, DLT_IPV6)->ipv6_unsupported, 1);
	/* Payload length past the capture. */
	F.n = 0;
	fb_ipv6(&F, 17, 100, 9);
	fb_zero(&F, 8);
	assert_int_equal(run(d, DLT_IPV6)->ip_truncated, 1);
	/* Ten destination-options headers: too many. */
	F.n = 0;
	fb_ipv6(&F, 60, 80 + 13, 9);
	for (int i = 0; i < 10; i++) {
		fb_u8(&F, i < 9 ? 60 : 17);
		fb_zero(&F, 7);
	}
	fb_udp(&F, 5060, 5060, 5);
	fb_str(&F, "hello");
	assert_int_equal(run(d, DLT_IPV6)->ipv6_unsupported, 2);
	assert_int_equal(R.n, 1);
	dw_decoder_free(d);
}

/* GTP-U G-PDU with sequence number and two extension headers around an IPv4 UDP
 * datagram. */
static void gtpu_with_extension_headers(void **state)
{
	(void)state;
	struct dw_decoder *d = new_decoder(&R, false);
	struct fb in = { .n = 0 };
	fb_ipv4(&in, 17, 13, 7, 0, 0x0a0a0a0a, 0x0b0b0b0b);
	fb_udp(&in, 5060, 5060, 5);
	fb_str(&in, "hello");
	size_t gtp_len = 4 + 4 + 8 + in.n; /* optional fields, two extensions, inner */
	F.n = 0;
	fb_eth(&F, 0x0800);
	fb_ipv4(&F, 17, 8 + 8 + gtp_len, 1, 0, 1, 2);
	fb_udp(&F, 2152, 2152, 8 + gtp_len);
	fb_u8(&F, 0x36); /* version 1, PT, E, S */
	fb_u8(&F, 255);
	fb_be16(&F, (uint16_t)gtp_len);
	fb_be32(&F, 0x11223344);
	fb_be16(&F, 1);  /* sequence */
	fb_u8(&F, 0);    /* N-PDU */
	fb_u8(&F, 0x85); /* next: PDU session container */
	fb_u8(&F, 1);
	fb_be16(&F, 0x0009);
	fb_u8(&F, 0x40); /* next: some other extension */
	fb_u8(&F, 2);
	fb_zero(&F, 6);
	fb_u8(&F, 0); /* no more */
	fb_bytes(&F, in.b, in.n);
	const struct dw_netstats *s = run(d, DLT_EN10MB);
	assert_int_equal(R.n, 1);
	assert_memory_equal(R.data, "hello", 5);
	assert_int_equal(R.last.tunnelled, 1);
	assert_int_equal(R.last.src[0], 0x0a);
	assert_int_equal(R.last.dst[0], 0x0b);
	assert_int_equal(s->gtpu_decapsulated, 1);
	/* Extension length 0: malformed. */
	size_t ext_len_at = 14 + 20 + 8 + 12;
	F.b[ext_len_at] = 0;
	assert_int_equal(run(d, DLT_EN10MB)->gtpu_malformed, 1);
	/* Extension length running past the GTP length. */
	F.b[ext_len_at] = 200;
	assert_int_equal(run(d, DLT_EN10MB)->gtpu_malformed, 2);
	F.b[ext_len_at] = 1;
	/* GTP length past the datagram. */
	F.b[14 + 20 + 8 + 2] = 0x7f;
	assert_int_equal(run(d, DLT_EN10MB)->gtpu_malformed, 3);
	/* Echo request: nothing inside. */
	F.n = 0;
	fb_ipv4(&F, 17, 8 + 12, 1, 0, 1, 2);
	fb_udp(&F, 40000, 2152, 12);
	fb_u8(&F, 0x32);
	fb_u8(&F, 1);
	fb_be16(&F, 4);
	fb_be32(&F, 0);
	fb_be32(&F, 0);
	assert_int_equal(run(d, DLT_RAW)->gtpu_other, 1);
	/* Version 2 on the GTP-U port: malformed. */
	F.b[28] = 0x48;
	assert_int_equal(run(d, DLT_RAW)->gtpu_malformed, 4);
	assert_int_equal(R.n, 1);
	dw_decoder_free(d);
}

static void fb_sctp_data(struct fb *f, uint8_t flags, uint32_t tsn, uint16_t sid,
			 uint32_t ppid, const char *data)
{
	size_t n = strlen(data);
	fb_u8(f, 0);
	fb_u8(f, flags);
	fb_be16(f, (uint16_t)(16 + n));
	fb_be32(f, tsn);
	fb_be16(f, sid);
	fb_be16(f, 0);
	fb_be32(f, ppid);
	fb_str(f, data);
	while (f->n % 4)
		fb_u8(f, 0);
}

static void sctp_frame(struct dw_decoder *d, struct fb *chunks)
{
	F.n = 0;
	fb_ipv4(&F, 132, 12 + chunks->n, 1, 0, 1, 2);
	fb_be16(&F, 2905);
	fb_be16(&F, 5060);
	fb_be32(&F, 0xabcdef);
	fb_be32(&F, 0);
	fb_bytes(&F, chunks->b, chunks->n);
	run(d, DLT_RAW);
}

static void sctp_chunks(void **state)
{
	(void)state;
	struct dw_decoder *d = new_decoder(&R, false);
	struct fb c = { .n = 0 };
	/* SACK, then two whole DATA chunks (one with a length not multiple of 4). */
	fb_u8(&c, 3);
	fb_u8(&c, 0);
	fb_be16(&c, 16);
	fb_zero(&c, 12);
	fb_sctp_data(&c, 3, 1, 0, 3, "hello");
	fb_sctp_data(&c, 3, 2, 0, 46, "world!!!");
	sctp_frame(d, &c);
	const struct dw_netstats *s = dw_decoder_stats(d);
	assert_int_equal(R.n, 2);
	assert_int_equal(R.sizes[0], 5);
	assert_int_equal(R.sizes[1], 8);
	assert_int_equal(R.last.sctp_ppid, 46);
	assert_int_equal(R.last.l4, DW_L4_SCTP);
	assert_int_equal(R.last.sport, 2905);
	assert_int_equal(s->sctp_chunks, 3);
	assert_int_equal(s->sctp_data_chunks, 2);
	/* A message in three fragments (B, middle, E) over two packets. */
	c.n = 0;
	fb_sctp_data(&c, 2, 10, 1, 46, "one ");
	fb_sctp_data(&c, 0, 11, 1, 46, "two ");
	sctp_frame(d, &c);
	c.n = 0;
	fb_sctp_data(&c, 1, 12, 1, 46, "three");
	sctp_frame(d, &c);
	assert_int_equal(R.n, 3);
	assert_memory_equal(R.data + 13, "one two three", 13);
	assert_int_equal(s->sctp_reassembled, 1);
	/* A middle piece whose start was never seen: dropped. */
	c.n = 0;
	fb_sctp_data(&c, 1, 40, 1, 46, "tail");
	sctp_frame(d, &c);
	assert_int_equal(s->sctp_frag_dropped, 1);
	/* Pieces out of TSN order: dropped. */
	c.n = 0;
	fb_sctp_data(&c, 2, 50, 2, 46, "a");
	fb_sctp_data(&c, 1, 52, 2, 46, "b");
	sctp_frame(d, &c);
	assert_int_equal(s->sctp_frag_dropped, 2);
	assert_int_equal(R.n, 3);
	/* Chunk length 2 (below its own header), chunk length past the packet. */
	c.n = 0;
	fb_u8(&c, 0);
	fb_u8(&c, 3);
	fb_be16(&c, 2);
	sctp_frame(d, &c);
	assert_int_equal(s->sctp_malformed, 1);
	c.n = 0;
	fb_u8(&c, 0);
	fb_u8(&c, 3);
	fb_be16(&c, 400);
	fb_zero(&c, 20);
	sctp_frame(d, &c);
	assert_int_equal(s->sctp_malformed, 2);
	/* DATA chunk with no user data. */
	c.n = 0;
	fb_sctp_data(&c, 3, 60, 0, 46, "");
	sctp_frame(d, &c);
	assert_int_equal(s->sctp_malformed, 3);
	assert_int_equal(R.n, 3);
	dw_decoder_free(d);
}

static void hostile_lengths(void **state)
{
	(void)state;
	struct dw_decoder *d = new_decoder(&R, false);
	/* Frames shorter than every header, down to zero bytes. */
	for (size_t n = 0; n < 14 + 20 + 8; n++) {
		F.n = 0;
		fb_eth(&F, 0x0800);
		ipv4_udp_hello();
		F.n = n;
		dw_decode_frame(d, 1, 1, DLT_EN10MB, F.b, F.n);
	}
	assert_int_equal(R.n, 0);
	/* UDP length past the IP payload, and below its own header. */
	F.n = 0;
	ipv4_udp_hello();
	F.b[24] = 0x10;
	assert_int_equal(run(d, DLT_RAW)->udp_malformed, 1);
	F.b[24] = 0;
	F.b[25] = 7;
	assert_int_equal(run(d, DLT_RAW)->udp_malformed, 2);
	/* TCP data offset below 5 and past the segment. */
	F.n = 0;
	fb_ipv4(&F, 6, 20, 1, 0, 1, 2);
	fb_tcp(&F, 1, 5060, 1, 0x18);
	F.b[32] = 0x40;
	assert_int_equal(run(d, DLT_RAW)->tcp_malformed, 1);
	F.b[32] = 0xf0;
	assert_int_equal(run(d, DLT_RAW)->tcp_malformed, 2);
	/* An SCTP packet shorter than its common header. */
	F.n = 0;
	fb_ipv4(&F, 132, 6, 1, 0, 1, 2);
	fb_zero(&F, 6);
	assert_int_equal(run(d, DLT_RAW)->sctp_malformed, 1);
	/* GTP-U inside GTP-U inside ...: stops at the depth limit. */
	struct fb in = { .n = 0 };
	fb_ipv4(&in, 17, 13, 7, 0, 1, 2);
	fb_udp(&in, 5060, 5060, 5);
	fb_str(&in, "hello");
	for (int i = 0; i < 6; i++) {
		struct fb out = { .n = 0 };
		fb_ipv4(&out, 17, 8 + 8 + in.n, 1, 0, 1, 2);
		fb_udp(&out, 2152, 2152, 8 + in.n);
		fb_u8(&out, 0x30);
		fb_u8(&out, 255);
		fb_be16(&out, (uint16_t)in.n);
		fb_be32(&out, 1);
		fb_bytes(&out, in.b, in.n);
		in = out;
	}
	F = in;
	assert_int_equal(run(d, DLT_RAW)->ip_too_deep, 1);
	assert_int_equal(R.n, 0);
	dw_decoder_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ethernet_ipv4_udp),
		cmocka_unit_test(vlan_and_qinq),
		cmocka_unit_test(sll_and_sll2),
		cmocka_unit_test(raw_ip_link_types),
		cmocka_unit_test(null_and_loop),
		cmocka_unit_test(unsupported_link_type),
		cmocka_unit_test(ipv4_header_checks),
		cmocka_unit_test(ipv6_extension_headers),
		cmocka_unit_test(gtpu_with_extension_headers),
		cmocka_unit_test(sctp_chunks),
		cmocka_unit_test(hostile_lengths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
