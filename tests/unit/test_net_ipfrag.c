/* test_net_ipfrag.c: IPv4/IPv6 fragment reassembly: in order, out of order,
 * overlapping (first wins), duplicated, timed out, table full, hostile offsets,
 * and through the decoder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pcap/dlt.h>

#include "../../sensors/ipfrag.h"
#include "net_build.h"

static struct dw_netstats S;

static struct dw_fragkey key(uint32_t id)
{
	struct dw_fragkey k = { .version = 4, .proto = 17, .id = id };
	k.src[0] = 10;
	k.dst[0] = 11;
	return k;
}

/* Adds a fragment; returns the add result, freeing a completed datagram after
 * copying it to out (if given). */
static int add(struct dw_ipfrag *f, uint32_t id, int64_t ts, uint32_t off, bool more,
	       const char *data, char *out, size_t *outlen)
{
	struct dw_fragkey k = key(id);
	const uint8_t *whole = NULL;
	size_t n = 0;
	int r = dw_ipfrag_add(f, &k, ts, off, more, (const uint8_t *)data, strlen(data), &whole,
			      &n);
	if (r == 1) {
		if (out) {
			memcpy(out, whole, n);
			out[n] = 0;
		}
		if (outlen)
			*outlen = n;
		free((void *)whole);
	}
	return r;
}

static void in_order(void **state)
{
	(void)state;
	memset(&S, 0, sizeof S);
	struct dw_ipfrag *f = dw_ipfrag_new(16, 30000000, &S);
	char out[64];
	size_t n;
	assert_int_equal(add(f, 1, 0, 0, true, "AAAAAAAA", NULL, NULL), 0);
	assert_int_equal(add(f, 1, 0, 8, true, "BBBBBBBB", NULL, NULL), 0);
	assert_int_equal(add(f, 1, 0, 16, false, "CC", out, &n), 1);
	assert_int_equal(n, 18);
	assert_string_equal(out, "AAAAAAAABBBBBBBBCC");
	assert_int_equal(S.frag_reassembled, 1);
	assert_int_equal(dw_ipfrag_count(f), 0);
	dw_ipfrag_free(f);
}

static void out_of_order(void **state)
{
	(void)state;
	memset(&S, 0, sizeof S);
	struct dw_ipfrag *f = dw_ipfrag_new(16, 30000000, &S);
	char out[64];
	assert_int_equal(add(f, 2, 0, 16, false, "CC", NULL, NULL), 0);
	assert_int_equal(add(f, 2, 0, 0, true, "AAAAAAAA", NULL, NULL), 0);
	assert_int_equal(add(f, 2, 0, 8, true, "BBBBBBBB", out, NULL), 1);
	assert_string_equal(out, "AAAAAAAABBBBBBBBCC");
	dw_ipfrag_free(f);
}

static void overlapping_first_wins(void **state)
{
	(void)state;
	memset(&S, 0, sizeof S);
	struct dw_ipfrag *f = dw_ipfrag_new(16, 30000000, &S);
	char out[64];
	add(f, 3, 0, 0, true, "AAAAAAAA", NULL, NULL);
	add(f, 3, 0, 16, false, "CCCCCCCC", NULL, NULL);
	/* Covers the end of A, the hole, and the start of C. */
	assert_int_equal(add(f, 3, 0, 4, true, "xxxxBBBBBBBBxxxx", out, NULL), 1);
	assert_string_equal(out, "AAAAAAAABBBBBBBBCCCCCCCC");
	assert_int_equal(S.frag_overlaps, 1);
	dw_ipfrag_free(f);
}

static void duplicated(void **state)
{
	(void)state;
	memset(&S, 0, sizeof S);
	struct dw_ipfrag *f = dw_ipfrag_new(16, 30000000, &S);
	char out[64];
	add(f, 4, 0, 0, true, "AAAAAAAA", NULL, NULL);
	assert_int_equal(add(f, 4, 0, 0, true, "ZZZZZZZZ", NULL, NULL), 0);
	assert_int_equal(S.frag_duplicates, 1);
	assert_int_equal(add(f, 4, 0, 8, false, "B", out, NULL), 1);
	assert_string_equal(out, "AAAAAAAAB");
	dw_ipfrag_free(f);
}

static void timed_out(void **state)
{
	(void)state;
	memset(&S, 0, sizeof S);
	struct dw_ipfrag *f = dw_ipfrag_new(16, 30000000, &S);
	add(f, 5, 0, 0, true, "AAAAAAAA", NULL, NULL);
	/* 31 s of packet time later the first half is gone: the second alone
	 * does not complete anything. */
	assert_int_equal(add(f, 5, 31000000, 8, false, "B", NULL, NULL), 0);
	assert_int_equal(S.frag_timeouts, 1);
	dw_ipfrag_expire(f, 62000000);
	assert_int_equal(S.frag_timeouts, 2);
	assert_int_equal(dw_ipfrag_count(f), 0);
	assert_int_equal(S.frag_reassembled, 0);
	dw_ipfrag_free(f);
}

static void table_full(void **state)
{
	(void)state;
	memset(&S, 0, sizeof S);
	struct dw_ipfrag *f = dw_ipfrag_new(16, 30000000, &S);
	for (uint32_t id = 100; id < 120; id++)
		add(f, id, id, 0, true, "AAAAAAAA", NULL, NULL);
	assert_int_equal(dw_ipfrag_count(f), 16);
	assert_int_equal(S.frag_evictions, 4);
	/* The oldest (100..103) are gone; 119 still completes. */
	assert_int_equal(add(f, 100, 200, 8, false, "B", NULL, NULL), 0);
	assert_int_equal(add(f, 119, 200, 8, false, "B", NULL, NULL), 1);
	dw_ipfrag_free(f);
}

static void hostile_fragments(void **state)
{
	(void)state;
	memset(&S, 0, sizeof S);
	struct dw_ipfrag *f = dw_ipfrag_new(16, 30000000, &S);
	/* Past 64 KiB. */
	assert_int_equal(add(f, 6, 0, 65528, true, "AAAAAAAAAAAAAAAA", NULL, NULL), -1);
	/* Empty non-last fragment. */
	assert_int_equal(add(f, 6, 0, 0, true, "", NULL, NULL), -1);
	/* Two different ends. */
	add(f, 7, 0, 16, false, "CC", NULL, NULL);
	assert_int_equal(add(f, 7, 0, 24, false, "DD", NULL, NULL), -1);
	/* Data past a known end. */
	add(f, 8, 0, 8, false, "CC", NULL, NULL);
	assert_int_equal(add(f, 8, 0, 16, true, "AAAAAAAA", NULL, NULL), -1);
	/* Many tiny holes: the range list is bounded. */
	int r = 0;
	for (uint32_t off = 0; off < 8 * 200 && r >= 0; off += 16)
		r = add(f, 9, 0, off, true, "AAAAAAAA", NULL, NULL);
	assert_int_equal(r, -1);
	assert_int_equal(S.frag_malformed, 5);
	dw_ipfrag_free(f);
}

/* Through the decoder: an IPv4 UDP datagram in two fragments, given out of order,
 * then an IPv6 one with a fragment header. */
static void decoder_reassembles(void **state)
{
	(void)state;
	struct rec *r = calloc(1, sizeof *r);
	struct dw_decoder *d = new_decoder(r, false);
	struct fb *f = calloc(1, sizeof *f);
	struct fb udp = { .n = 0 };
	fb_udp(&udp, 5060, 5060, 24);
	fb_str(&udp, "0123456789abcdefghijklmn");
	/* Second fragment: bytes 16..31 of the UDP datagram, MF clear. */
	fb_ipv4(f, 17, 16, 77, 2, 1, 2);
	fb_bytes(f, udp.b + 16, 16);
	dw_decode_frame(d, 1, 1, DLT_RAW, f->b, f->n);
	assert_int_equal(r->n, 0);
	f->n = 0;
	fb_ipv4(f, 17, 16, 77, 0x2000, 1, 2);
	fb_bytes(f, udp.b, 16);
	dw_decode_frame(d, 2, 2, DLT_RAW, f->b, f->n);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->len, 24);
	assert_memory_equal(r->data, "0123456789abcdefghijklmn", 24);
	/* IPv6: fragment header (44) then UDP. */
	for (int part = 0; part < 2; part++) {
		f->n = 0;
		size_t n = part == 0 ? 16 : 16;
		fb_ipv6(f, 44, 8 + n, 9);
		fb_u8(f, 17);
		fb_u8(f, 0);
		fb_be16(f, (uint16_t)(part == 0 ? 0x0001 : 16));
		fb_be32(f, 0xdeadbeef);
		fb_bytes(f, udp.b + part * 16, n);
		dw_decode_frame(d, 3, 3, DLT_IPV6, f->b, f->n);
	}
	assert_int_equal(r->n, 2);
	assert_int_equal(r->last.ip_version, 6);
	assert_int_equal(dw_decoder_stats(d)->frag_reassembled, 2);
	dw_decoder_free(d);
	free(f);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(in_order),
		cmocka_unit_test(out_of_order),
		cmocka_unit_test(overlapping_first_wins),
		cmocka_unit_test(duplicated),
		cmocka_unit_test(timed_out),
		cmocka_unit_test(table_full),
		cmocka_unit_test(hostile_fragments),
		cmocka_unit_test(decoder_reassembles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
