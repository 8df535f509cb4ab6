/* netstats.c: printing the capture and decoding counters for --stats. */
#include <inttypes.h>

#include "netstats.h"

void dw_netstats_print(const struct dw_netstats *s, FILE *f)
{
#define DW_NETSTATS_PRINT(n) fprintf(f, "net.%s %" PRIu64 "\n", #n, s->n);
	DW_NETSTATS(DW_NETSTATS_PRINT)
#undef DW_NETSTATS_PRINT
}
