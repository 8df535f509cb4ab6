/* fuzz_wire.c: libFuzzer harness for the wire decoder (common/wire.c). Any input
 * is decoded as a message and as an outbox payload; whatever decodes must encode
 * again and decode to the same summaries. Seeds: tests/fuzz/corpus/wire/. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "denwatch/wire.h"

static struct dw_summary sums[DW_WIRE_MAX_BATCH], again[DW_WIRE_MAX_BATCH];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy, so that ASan sees a one-byte over-read */
	uint8_t *buf = malloc(size ? size : 1);
	memcpy(buf, data, size);
	struct dw_wire_msg m, m2;
	if (dw_wire_decode(buf, size, DW_WIRE_MAX_MSG, &m, sums, DW_WIRE_MAX_BATCH) == DW_WIRE_OK &&
	    m.type == DW_MSG_BATCH && m.n > 0) {
		struct dw_buf b = { 0 };
		if (dw_wire_encode_batch(&b, m.sensor_id, m.seq, sums, m.n) != 0)
			abort();
		if (dw_wire_decode(b.p, b.len, DW_WIRE_MAX_MSG, &m2, again, DW_WIRE_MAX_BATCH) !=
			    DW_WIRE_OK ||
		    m2.n != m.n || memcmp(sums, again, m.n * sizeof sums[0]) != 0)
			abort();
		dw_buf_free(&b);
	}
	struct dw_summary s;
	dw_wire_decode_summary(buf, size, &s);
	free(buf);
	return 0;
}
