/* window.h: per-subscriber window aggregation (DESIGN 3.5 and 8). Completed events
 * are counted into the window of their subscriber (keyed by IMSI, or by MSISDN
 * while the IMSI is unknown) that holds their packet time; a window is closed when
 * packet time passes its end plus the grace period, and all are closed at the end
 * of input, in the order (window_start, imsi, msisdn) so that replays are equal.
 *
 * Bounded per subscriber: callees and SMS destinations are counted exactly up to
 * DW_WIN_EXACT_CONTACTS distinct numbers per window; past that, each kind goes into
 * a 64-register HyperLogLog (standard error about 13%, never below the exact count
 * reached before the switch) and the contact sketch is kept as a running bottom-k.
 * Cells: the DW_SUM_MAX_CELLS most frequent, exact while at most that many cells
 * are seen, then Space-Saving counts (a new cell replaces the least counted one).
 * IMEIs: the first DW_SUM_MAX_IMEIS kept; imeis_seen is exact up to that many, and
 * past it counts the others through a 64-bit bitmap of their hashes (a repeat
 * counts once; two IMEIs hashing alike count once: a lower bound).
 * The contact sketch is the bottom-k (DW_SUM_SKETCH_K) of dw_contact_hash() over
 * the callees and SMS destinations of the window. */
#ifndef DENWATCH_SENSOR_WINDOW_H
#define DENWATCH_SENSOR_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "denwatch/event.h"
#include "denwatch/summary.h"
#include "identity.h"

#define DW_WIN_EXACT_CONTACTS 32

struct dw_window_opts {
	uint32_t seconds;      /* window.seconds */
	uint32_t grace_s;      /* window.grace_seconds */
	uint32_t short_call_s; /* sensor.short_call_s */
	uint32_t seq_max_step; /* sensor.seq_max_step */
	uint32_t max_open; /* windows open at once; past it the oldest are closed early */
	uint64_t (*contact_hash)(const void *arg, const char *digits); /* NULL: dw_contact_hash */
	const void *contact_hash_arg;
};

struct dw_window_stats {
	uint64_t open, peak_open;
	uint64_t emitted;
	uint64_t merged; /* MSISDN-keyed windows merged into their IMSI's */
	uint64_t late;	 /* events for a window already closed (a new one opened) */
	uint64_t forced; /* windows closed early because max_open was reached */
	uint64_t no_subscriber; /* events with neither IMSI nor MSISDN: not counted */
	uint64_t estimated;	/* windows whose distinct counts became estimates */
	size_t bytes;		/* memory held by open windows and the index */
};

/* Receives each closed window; returning -1 stops and is passed up. */
typedef int (*dw_window_emit)(void *arg, const struct dw_summary *s);

struct dw_windows;

struct dw_windows *dw_windows_new(const struct dw_window_opts *o,
				  const struct dw_cells *cells, dw_window_emit emit,
				  void *arg);
void dw_windows_free(struct dw_windows *w);
/* Counts one completed event; cell_id is its interned cell. new_binding: the
 * event just bound its IMSI and MSISDN, so MSISDN-keyed windows are merged. */
int dw_windows_add(struct dw_windows *w, const struct dw_event *ev, uint32_t cell_id,
		   bool new_binding);
/* Closes the windows whose end plus grace is before ts_us. */
int dw_windows_advance(struct dw_windows *w, int64_t ts_us);
/* Closes every window. */
int dw_windows_flush(struct dw_windows *w);
void dw_windows_get_stats(const struct dw_windows *w, struct dw_window_stats *s);

/* The contact hash used by the sketch and the distinct counts: FNV-1a 64 of the
 * number's digits, lowest bit cleared. */
uint64_t dw_contact_hash(const char *digits);
/* Continues a sequential-dialling run: returns the new run length given the
 * previous callee (prev_valid false for the first call). */
uint32_t dw_seq_next(bool prev_valid, uint64_t prev, uint64_t cur, uint32_t run,
		     uint32_t max_step);
/* Numeric value of the last 18 digits of a number (non-digits ignored). */
uint64_t dw_number_value(const char *digits);

#endif
