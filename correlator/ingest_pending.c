/* ingest_pending.c: TEMPORARY stand-in for correlator/ingest.c until the transport
 * branch is merged; the coordinator deletes this file at that merge. It only
 * reports that the receiving loop is missing. */
#include "ingest.h"

#include "denwatch/log.h"

int dw_ingest_run(struct dw_config *cfg, struct dw_store *st,
		  const struct dw_ingest_opts *opts)
{
	(void)cfg;
	(void)st;
	(void)opts;
	dw_error("run: the ZeroMQ receiver (correlator/ingest.c) is not in this build yet");
	return DW_EXIT_FAIL;
}
