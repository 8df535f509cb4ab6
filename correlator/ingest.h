/* ingest.h: the correlator's receiving loop: ZeroMQ socket (CURVE when on),
 * validation, deduplication by (sensor id, sequence), batched commits to the
 * store, acknowledgements, and scoring as event time advances (DESIGN 4, 5). */
#ifndef DENWATCH_CORRELATOR_INGEST_H
#define DENWATCH_CORRELATOR_INGEST_H

#include "denwatch/config.h"
#include "store.h"

struct dw_ingest_opts {
	const char *endpoint; /* NULL: transport.endpoint */
	int expect_sensors;   /* > 0: batch mode, exit after that many end-of-streams */
};

/* Runs until a signal (live mode) or until expect_sensors sensors have finished
 * and the final scoring is committed (batch mode). Returns an exit code. */
int dw_ingest_run(struct dw_config *cfg, struct dw_store *st,
		  const struct dw_ingest_opts *opts);

#endif
