/* fuzz_sip.c: libFuzzer harness for the SIP dissector. The input is read as a TCP
 * stream: split by the Content-Length framer, each message copied into an
 * exact-size buffer (so ASan sees a one-byte over-read) and parsed through the
 * whole dissector into a pipeline printing events to /dev/null; the input as one
 * UDP datagram is parsed too. The call table is kept small and expired as packet
 * time moves, so state from earlier inputs stays bounded. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../sensors/dissect.h"
#include "../../sensors/pipeline.h"
#include "../../sensors/proto/sip.h"
#include "../../sensors/proto/sip_msg.h"

static struct dw_pipeline *pl;
static int64_t now_us = 1772409600000000LL;

static void setup(void)
{
	static struct dw_config cfg;
	char err[DW_ERR_LEN];
	dw_config_init(&cfg);
	dw_config_set(&cfg, "sensor.max_calls=64", err, sizeof err);
	dw_config_set(&cfg, "sensor.call_timeout_s=60", err, sizeof err);
	struct dw_pipeline_opts opts = { .output = DW_OUT_EVENTS, .out = fopen("/dev/null", "w") };
	pl = dw_pipeline_new(&cfg, &opts);
	if (!pl)
		abort();
}

static void parse_copy(const uint8_t *p, size_t len)
{
	uint8_t *b = malloc(len ? len : 1);
	if (!b)
		return;
	memcpy(b, p, len);
	struct dw_packet pkt = { .ts_us = now_us, .l4 = DW_L4_TCP, .sport = 5060, .dport = 5060 };
	dw_dissector_sip.probe(b, len);
	dw_dissector_sip.parse(pl, &pkt, b, len);
	free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!pl)
		setup();
	now_us += 7000000; /* 7 s of packet time per input */
	dw_pipeline_advance(pl, now_us); /* expires calls through the SIP state hook */
	parse_copy(data, size);
	size_t off = 0;
	while (off < size) {
		long n = dw_dissector_sip.frame(data + off, size - off);
		if (n <= 0 || (size_t)n > size - off)
			break;
		parse_copy(data + off, (size_t)n);
		off += (size_t)n;
	}
	return 0;
}
