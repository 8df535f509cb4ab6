/* fuzz_ipfrag.c: libFuzzer harness for IP fragment reassembly. Input: a series
 * of fragments [id: 1][offset/8: 2][flags: 1][length: 1][bytes], with packet
 * time moving on so timeouts and evictions happen; a completed datagram must
 * have exactly the length the last fragment gave. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../sensors/ipfrag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dw_netstats st;
	memset(&st, 0, sizeof st);
	struct dw_ipfrag *f = dw_ipfrag_new(16, 30000000, &st);
	size_t off = 0;
	int64_t ts = 0;
	while (off + 5 <= size) {
		struct dw_fragkey k = { .version = (data[off + 3] & 2) ? 6 : 4, .proto = 17,
					.id = data[off] & 0x1f };
		uint32_t foff = (uint32_t)(data[off + 1] << 8 | data[off + 2]) * 8;
		bool more = data[off + 3] & 1;
		ts += (data[off + 3] >> 2) * 1000000;
		size_t n = data[off + 4];
		off += 5;
		if (n > size - off)
			n = size - off;
		uint8_t *buf = malloc(n ? n : 1);
		memcpy(buf, data + off, n);
		off += n;
		const uint8_t *whole;
		size_t whole_len;
		if (dw_ipfrag_add(f, &k, ts, foff, more, buf, n, &whole, &whole_len) == 1) {
			volatile uint8_t x = 0;
			for (size_t i = 0; i < whole_len; i++)
				x ^= whole[i];
			if (!more && whole_len != foff + n)
				abort();
			free((void *)whole);
		}
		free(buf);
	}
	if (dw_ipfrag_count(f) > 16)
		abort();
	dw_ipfrag_free(f);
	return 0;
}
