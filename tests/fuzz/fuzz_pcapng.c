/* fuzz_pcapng.c: libFuzzer harness for the built-in pcapng reader (the fallback
 * for files libpcap refuses): the input is a whole file, read through fmemopen;
 * every packet handed on is read to its last byte. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../sensors/pcapng.h"

static int on_frame(void *arg, int64_t ts_us, uint64_t frame, int linktype, const uint8_t *p,
		    size_t caplen)
{
	(void)ts_us;
	(void)frame;
	(void)linktype;
	size_t *sum = arg;
	for (size_t i = 0; i < caplen; i++)
		*sum += p[i];
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	uint8_t *copy = malloc(size);
	memcpy(copy, data, size);
	FILE *fp = fmemopen(copy, size, "rb");
	if (fp) {
		static volatile sig_atomic_t stop;
		size_t sum = 0;
		uint64_t frame_no = 0;
		struct dw_pcapng_result r;
		dw_pcapng_read(fp, data[0] & 3, on_frame, &sum, &stop, &frame_no, &r);
		fclose(fp);
	}
	free(copy);
	return 0;
}
