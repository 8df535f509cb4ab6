/* ingest.h: the correlator's receiving loop: ZeroMQ socket (CURVE when on),
 * validation, deduplication by (sensor id, sequence), batched commits to the
 * store, acknowledgements, and scoring as event time advances (DESIGN 4, 5). */
#ifndef DENWATCH_CORRELATOR_INGEST_H
#define DENWATCH_CORRELATOR_INGEST_H

#include <stdint.h>

#include "denwatch/config.h"
#include "denwatch/wire.h"
#include "store.h"

/* What the receiving loop saw; printed at exit (log level info, or warn when
 * messages were dropped) and handed back through opts->stats. */
struct dw_ingest_stats {
	uint64_t messages;           /* received from any peer */
	uint64_t summaries;          /* summaries in valid batches */
	uint64_t stored;             /* committed to the store */
	uint64_t duplicates;         /* already stored: resends */
	uint64_t out_of_order;       /* past a gap: dropped, the sender resends */
	uint64_t commits, acks;
	uint64_t dropped;            /* invalid messages, all reasons */
	uint64_t dropped_by[DW_WIRE_NERR]; /* by reason (dw_wire_strerror) */
	uint64_t bad_peers;          /* peers that sent at least one invalid message */
	uint64_t auth_refused;       /* CURVE handshakes refused by the allow-list */
	uint64_t sensors_done;       /* end-of-streams recorded */
};

struct dw_ingest_opts {
	const char *endpoint; /* NULL: transport.endpoint */
	int expect_sensors;   /* > 0: batch mode, exit after that many end-of-streams */
	struct dw_ingest_stats *stats; /* optional: filled in on return */
};

/* Runs until a signal (live mode) or until expect_sensors sensors have finished
 * and the final scoring is committed (batch mode). Returns an exit code. */
int dw_ingest_run(struct dw_config *cfg, struct dw_store *st,
		  const struct dw_ingest_opts *opts);

#endif
