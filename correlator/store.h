/* store.h: the correlator's SQLite store. The ingest path writes summaries in
 * batches (one transaction each, then acknowledges); scoring and the investigator
 * commands read and write sites, scores and flags. */
#ifndef DENWATCH_CORRELATOR_STORE_H
#define DENWATCH_CORRELATOR_STORE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "denwatch/summary.h"

struct dw_store;

/* Opens (creating and migrating as needed) the SQLite file in WAL mode. On error
 * returns NULL with "<path>: <why>" in err. */
struct dw_store *dw_store_open(const char *path, char *err, size_t errlen);
/* Opens an existing store without creating it (investigator commands). */
struct dw_store *dw_store_open_existing(const char *path, char *err, size_t errlen);
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
/* Calls fn for every sensor whose end-of-stream the store has recorded, with the
 * sequence number it ended at: a restarted batch correlator still counts them. */
void dw_store_each_finished_sensor(struct dw_store *st,
				   void (*fn)(void *arg, const char *sensor_id, uint64_t last_seq),
				   void *arg);

/* ---- below: used by scoring and the investigator commands ---- */

/* The underlying connection, for the correlator's own queries. */
sqlite3 *dw_store_db(struct dw_store *st);
const char *dw_store_path(const struct dw_store *st);

/* Replaces the cell-site table with the CSV (header
 * cgi,site_id,lat,lon,azimuth,address). path "" clears it (every cell its own
 * site). On error returns -1 with "<file>:<line>: <why>" in err. */
int dw_store_load_cells(struct dw_store *st, const char *path, char *err, size_t errlen);

/* Event time up to which every window is complete: in final mode the newest
 * window end stored; otherwise the oldest "newest window start" over the sensors
 * still sending (a sensor emits windows in order, so its windows before its
 * newest one are complete). 0 when nothing is stored. */
int64_t dw_store_closed_until(struct dw_store *st, int final);
/* Newest window end stored (event time), 0 if none. */
int64_t dw_store_event_time(struct dw_store *st);
/* Oldest window start stored, 0 if none. */
int64_t dw_store_first_window(struct dw_store *st);
/* Number of summaries stored. */
int64_t dw_store_summary_count(struct dw_store *st);

/* Integer values kept in the meta table (scoring progress). */
int64_t dw_store_meta_get(struct dw_store *st, const char *key, int64_t def);
int dw_store_meta_set(struct dw_store *st, const char *key, int64_t value);

/* Calls fn for each summary with from <= window_start < to, in store order. */
typedef int (*dw_summary_fn)(void *ctx, const char *sensor_id, const struct dw_summary *s);
int dw_store_each_summary(struct dw_store *st, int64_t from, int64_t to, dw_summary_fn fn,
			  void *ctx);

/* Empties every table derived from the summaries (subscribers, devices, site
 * statistics, scores, flags, verification outcomes are kept unless all). Used by
 * tune on a copy of the store. */
int dw_store_reset_derived(struct dw_store *st);

/* A scratch copy of the whole store for replays (tune): a new file in $TMPDIR (else
 * /tmp), filled with the SQLite backup API and opened. Its name goes into path.
 * NULL with the reason in err on failure (nothing is left behind). */
struct dw_store *dw_store_scratch_copy(struct dw_store *st, char *path, size_t pathlen,
				       char *err, size_t errlen);
/* Closes a scratch copy and deletes its file with its WAL and shared-memory files. */
void dw_store_scratch_remove(struct dw_store *copy, const char *path);

#endif
