/* store.h: the correlator's SQLite store. The ingest path writes summaries in
 * batches (one transaction each, then acknowledges); scoring and the investigator
 * commands read and write sites, scores and flags. */
#ifndef DENWATCH_CORRELATOR_STORE_H
#define DENWATCH_CORRELATOR_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "denwatch/summary.h"

struct dw_store;

/* Opens (creating and migrating as needed) the SQLite file in WAL mode. On error
 * returns NULL with "<path>: <why>" in err. */
struct dw_store *dw_store_open(const char *path, char *err, size_t errlen);
void dw_store_close(struct dw_store *st);

int dw_store_begin(struct dw_store *st);
int dw_store_commit(struct dw_store *st);
int dw_store_rollback(struct dw_store *st);

/* Adds one summary received from a sensor. Returns 1 if stored, 0 if this
 * (sensor_id, seq) is already stored (a resend), -1 on error. */
int dw_store_add_summary(struct dw_store *st, const char *sensor_id, uint64_t seq,
			 const struct dw_summary *s);
/* Records that a sensor finished its input (end-of-stream) after seq last_seq. */
int dw_store_sensor_done(struct dw_store *st, const char *sensor_id, uint64_t last_seq);
/* Highest sequence number stored for a sensor, 0 if none. */
uint64_t dw_store_max_seq(struct dw_store *st, const char *sensor_id);

#endif
