/* fuzz_tcp.c: libFuzzer harness for TCP stream reassembly and framing. Input: a
 * series of segments [stream: 1][flags: 1][sequence: 4][length: 1][bytes]; the
 * framer cuts lines, treats '#' as garbage and sometimes answers absurd lengths,
 * which the reassembler must refuse. Every delivered byte is read. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../sensors/tcp.h"

static void sink(void *arg, const void *owner, const struct dw_packet *pkt, const uint8_t *p,
		 size_t len)
{
	(void)owner;
	(void)pkt;
	size_t *sum = arg;
	for (size_t i = 0; i < len; i++)
		*sum += p[i];
}

static long framer(void *arg, const void **owner, const struct dw_packet *pkt,
		   const uint8_t *p, size_t len)
{
	(void)arg;
	(void)pkt;
	static const int tag;
	*owner = &tag;
	if (p[0] == '#')
		return DW_FRAME_GARBAGE;
	if (p[0] == '!')
		return DW_FRAME_IGNORE;
	if (p[0] == '~')
		return (long)len + 1000; /* a framer bug: longer than what it was given */
	const uint8_t *nl = memchr(p, '\n', len);
	return nl ? (long)(nl - p + 1) : DW_FRAME_NEED;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dw_netstats st;
	memset(&st, 0, sizeof st);
	size_t sum = 0;
	struct dw_tcp_opts o = { .max_streams = 4, .max_bytes = 512, .timeout_us = 60000000 };
	struct dw_tcp *t = dw_tcp_new(&o, &st, framer, sink, &sum);
	size_t off = 0;
	int64_t ts = 0;
	while (off + 7 <= size) {
		struct dw_packet pkt = { .ip_version = 4, .l4 = DW_L4_TCP };
		pkt.sport = data[off] & 7;
		pkt.dport = 5060;
		uint8_t flags = data[off + 1];
		uint32_t seq = (uint32_t)data[off + 2] << 24 | (uint32_t)data[off + 3] << 16 |
			       (uint32_t)data[off + 4] << 8 | data[off + 5];
		size_t n = data[off + 6];
		off += 7;
		if (n > size - off)
			n = size - off;
		ts += (data[off - 7] >> 3) * 5000000;
		pkt.ts_us = ts;
		uint8_t *buf = malloc(n ? n : 1);
		memcpy(buf, data + off, n);
		off += n;
		dw_tcp_segment(t, &pkt, seq, flags, buf, n);
		free(buf);
	}
	if (dw_tcp_count(t) > 4)
		abort();
	dw_tcp_free(t);
	return 0;
}
