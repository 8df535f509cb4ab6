/* fuzz_decode.c: libFuzzer harness for the whole decoder (link layers, IP,
 * fragments, GTP-U, UDP, TCP streams, SCTP). Input: one byte choosing the link
 * type, then frames as [length: 2 bytes big-endian][bytes], each copied into a
 * heap buffer of exactly its size so ASan sees a one-byte over-read. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../sensors/decode.h"
#include "denwatch/config.h"

static const int linktypes[] = { 1 /* EN10MB */, 113 /* SLL */, 276 /* SLL2 */, 12 /* RAW */,
				 228 /* IPV4 */, 229 /* IPV6 */, 0 /* NULL */, 108 /* LOOP */ };

static void sink(void *arg, const struct dw_packet *pkt, const uint8_t *p, size_t len)
{
	(void)pkt;
	size_t *sum = arg;
	for (size_t i = 0; i < len; i++)
		*sum += p[i]; /* touch every byte */
}

/* Messages end at a blank line; '#' is garbage; a few bytes say "ignore". */
static long framer(void *arg, const void **owner, const struct dw_packet *pkt,
		   const uint8_t *p, size_t len)
{
	(void)arg;
	(void)owner;
	(void)pkt;
	if (p[0] == '#')
		return DW_FRAME_GARBAGE;
	if (p[0] == '!')
		return DW_FRAME_IGNORE;
	const uint8_t *e = memmem(p, len, "\r\n\r\n", 4);
	return e ? (long)(e - p + 4) : DW_FRAME_NEED;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static struct dw_config cfg;
	static int ready;
	if (!ready)
		ready = (dw_config_init(&cfg), 1);
	struct dw_decoder_opts o;
	dw_decoder_opts_init(&o, &cfg);
	o.frag_max_datagrams = 16;
	o.tcp_max_streams = 16;
	o.tcp_stream_max_kb = 4;
	size_t sum = 0;
	struct dw_decoder *d = dw_decoder_new(&o, sink, data[0] & 0x80 ? NULL : framer, &sum);
	int linktype = linktypes[data[0] % (sizeof linktypes / sizeof linktypes[0])];
	size_t off = 1;
	int64_t ts = 0;
	for (uint64_t frame = 1; off + 2 <= size; frame++) {
		size_t n = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (n > size - off)
			n = size - off;
		uint8_t *buf = malloc(n ? n : 1);
		memcpy(buf, data + off, n);
		off += n;
		ts += (int64_t)(n % 7) * 10000000; /* let timeouts happen */
		dw_decode_frame(d, ts, frame, linktype, buf, n);
		free(buf);
	}
	dw_decoder_free(d);
	return 0;
}
