/* outbox.h: the sensor's durable outbox, a small SQLite file per sensor holding
 * every summary (encoded, with its sequence number) until the correlator
 * acknowledges it. Sequence numbers start at 1 and continue across restarts,
 * even when every row has been acknowledged and deleted. */
#ifndef DENWATCH_SENSOR_OUTBOX_H
#define DENWATCH_SENSOR_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dw_outbox;

/* Opens or creates path (WAL; synchronous FULL when sync_full, else NORMAL),
 * locked for this process. On error returns NULL with "<path>: <why>" in err. */
struct dw_outbox *dw_outbox_open(const char *path, bool sync_full, char *err, size_t errlen);
/* Commits what is pending and closes. */
void dw_outbox_close(struct dw_outbox *ob);

/* Stores a payload under the next sequence number, inside the open transaction.
 * Returns the sequence number, or 0 on error. Nothing is durable, and nothing may
 * be sent, before dw_outbox_flush. */
uint64_t dw_outbox_put(struct dw_outbox *ob, const void *payload, size_t len);
/* Deletes every row up to seq (a cumulative acknowledgement), inside the open
 * transaction. Returns the number of rows deleted, -1 on error. */
long dw_outbox_ack(struct dw_outbox *ob, uint64_t seq);
/* Commits the open transaction. Returns 0 or -1. */
int dw_outbox_flush(struct dw_outbox *ob);
/* Puts not yet flushed. */
size_t dw_outbox_pending(const struct dw_outbox *ob);

/* Moves the next sequence number up to next (never down), durably at the next
 * flush. Returns 0 or -1. */
int dw_outbox_skip_to(struct dw_outbox *ob, uint64_t next);

/* The next sequence number to be given; rows held; lowest sequence held (0 when
 * empty). */
uint64_t dw_outbox_next_seq(const struct dw_outbox *ob);
uint64_t dw_outbox_count(struct dw_outbox *ob);
uint64_t dw_outbox_first(struct dw_outbox *ob);

/* Calls fn for rows seq >= from in order, at most max_rows rows and until fn
 * returns non-zero (fn's value is returned then). Returns 0, or -1 on error. */
typedef int (*dw_outbox_fn)(void *arg, uint64_t seq, const void *payload, size_t len);
int dw_outbox_read(struct dw_outbox *ob, uint64_t from, size_t max_rows, dw_outbox_fn fn,
		   void *arg);

/* Small named integers kept with the outbox (inside the open transaction). */
int dw_outbox_meta_get(struct dw_outbox *ob, const char *key, int64_t *value);
int dw_outbox_meta_set(struct dw_outbox *ob, const char *key, int64_t value);

#endif
