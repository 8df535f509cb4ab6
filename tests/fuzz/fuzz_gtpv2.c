/* fuzz_gtpv2.c: libFuzzer harness for the GTPv2-C dissector: the message decoder
 * alone, then the dissector through a pipeline that keeps sessions, identities and
 * windows across inputs (small tables, so eviction paths run too). The input is
 * copied into an exact-size heap buffer so ASan sees a one-byte over-read. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../sensors/pipeline.h"
#include "../../sensors/proto/gtpv2.h"

static struct dw_config cfg;
static struct dw_pipeline *pl;

static int discard(void *arg, const struct dw_summary *s)
{
	(void)arg;
	(void)s;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int64_t ts = 1772409600000000LL;
	if (!pl) {
		char err[DW_ERR_LEN];
		dw_config_init(&cfg);
		dw_config_set(&cfg, "sensor.max_sessions=16", err, sizeof err);
		dw_config_set(&cfg, "sensor.max_subscribers=16", err, sizeof err);
		dw_config_set(&cfg, "sensor.max_cells=16", err, sizeof err);
		dw_config_set(&cfg, "window.seconds=10", err, sizeof err);
		struct dw_pipeline_opts o = {.output = DW_OUT_SINK, .sink = discard};
		pl = dw_pipeline_new(&cfg, &o);
		if (!pl)
			abort();
	}
	uint8_t *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	struct gtpv2_msg m;
	gtpv2_decode(buf, size, &m);
	struct dw_packet pkt = {
	    .ts_us = ts, .frame = 1, .l4 = DW_L4_UDP, .sport = 2123, .dport = 2123};
	ts += 1000000;
	dw_pipeline_advance(pl, pkt.ts_us);
	dw_dissector_gtpv2.parse(pl, &pkt, buf, size);
	free(buf);
	return 0;
}
