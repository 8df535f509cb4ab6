/* summary.h: what a sensor says about one subscriber in one window (DESIGN 3.5 and
 * 8). Built by the sensor's window aggregator, carried by the wire format, stored
 * and scored by the correlator. Fixed-size and bounded: a subscriber's window never
 * grows past this struct, whatever the traffic. */
#ifndef DENWATCH_SUMMARY_H
#define DENWATCH_SUMMARY_H

#include <stdint.h>

#include "denwatch/ident.h"

#define DW_SUM_MAX_IMEIS 4
#define DW_SUM_MAX_CELLS 6
/* Bottom-k sketch of the contacts (callees and SMS destinations) of the window:
 * the k smallest 64-bit hashes of the numbers. Two subscribers' sketches give an
 * estimate of how much their contact lists overlap (shared dialling lists). */
#define DW_SUM_SKETCH_K 16

struct dw_cell_count {
	char cell[DW_CELL_MAX];
	uint32_t events;
};

struct dw_summary {
	int64_t window_start; /* seconds since the epoch, a multiple of window_seconds */
	uint32_t window_seconds;
	char imsi[DW_IMSI_MAX + 1];     /* "" when not known */
	char msisdn[DW_NUMBER_MAX + 1]; /* "" when not known */

	uint8_t n_imeis; /* kept; imeis_seen counts all, kept or not */
	uint8_t imeis_seen;
	char imeis[DW_SUM_MAX_IMEIS][DW_IMEI_LEN + 1];

	uint8_t n_cells; /* the cells with the most events, most first */
	struct dw_cell_count cells[DW_SUM_MAX_CELLS];

	uint32_t calls_out;          /* attempts, originating leg */
	uint32_t calls_out_answered;
	uint32_t calls_out_short;    /* answered and shorter than sensor.short_call_s */
	uint32_t calls_out_failed;   /* final failure response (busy, rejected, cancelled) */
	uint32_t calls_out_seconds;  /* sum of answered durations */
	uint32_t calls_in;           /* attempts, terminating leg */
	uint32_t calls_in_answered;
	uint32_t sms_out;
	uint32_t sms_in;
	uint32_t distinct_callees;
	uint32_t distinct_sms_dests;
	uint32_t seq_run_max; /* longest run of callees ascending by a small step */
	uint32_t data_sessions;
	uint32_t registrations;

	int64_t first_event_us; /* first and last event of the window, packet time */
	int64_t last_event_us;

	uint8_t n_sketch;
	uint64_t contact_sketch[DW_SUM_SKETCH_K]; /* ascending */
};

#endif
