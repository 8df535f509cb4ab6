/* pipeline.h: what happens to events after a dissector: identity binding, call
 * state, per-subscriber windows, and output (JSON lines or a summary sink such as
 * the transport). The capture layer drives it with packet time. */
#ifndef DENWATCH_SENSOR_PIPELINE_H
#define DENWATCH_SENSOR_PIPELINE_H

#include <stdint.h>
#include <stdio.h>

#include "denwatch/config.h"
#include "denwatch/event.h"
#include "denwatch/summary.h"

struct dw_pipeline;

/* Receives each closed summary; returns 0, or -1 to stop the sensor (the sink has
 * printed why). */
typedef int (*dw_summary_sink)(void *arg, const struct dw_summary *s);

enum dw_output { DW_OUT_EVENTS, DW_OUT_SUMMARIES, DW_OUT_SINK };

struct dw_pipeline_opts {
	enum dw_output output;
	FILE *out; /* DW_OUT_EVENTS / DW_OUT_SUMMARIES: JSON Lines go here */
	dw_summary_sink sink;
	void *sink_arg;
};

struct dw_proto_stats {
	uint64_t messages;    /* handed to the dissector */
	uint64_t parsed;      /* DW_PARSE_OK */
	uint64_t malformed;   /* DW_PARSE_MALFORMED */
	uint64_t unsupported; /* DW_PARSE_UNSUPPORTED */
	uint64_t events;      /* events emitted */
};

struct dw_pipeline *dw_pipeline_new(const struct dw_config *cfg,
				    const struct dw_pipeline_opts *opts);
/* Dissectors hand each event here; fields they do not know are left empty and
 * filled from the identity table where possible. */
void dw_pipeline_emit(struct dw_pipeline *pl, struct dw_event *ev);
/* Packet time has reached ts_us: close windows past their end plus grace, expire
 * calls and table entries. Called by the capture layer on every packet (cheap). */
int dw_pipeline_advance(struct dw_pipeline *pl, int64_t ts_us);
/* End of input: close every window. Returns -1 if the sink failed. */
int dw_pipeline_finish(struct dw_pipeline *pl);
struct dw_proto_stats *dw_pipeline_stats(struct dw_pipeline *pl, enum dw_proto p);
/* The configuration the pipeline was made with (a dissector's limits). */
const struct dw_config *dw_pipeline_config(const struct dw_pipeline *pl);

/* Per-protocol state a dissector keeps across messages (GTPv2 sessions by TEID,
 * SIP calls by Call-ID), owned by the pipeline: created by the dissector on first
 * use and registered here; the pipeline calls advance with packet time (expiry),
 * print_stats for --stats, and free at the end. Any hook may be NULL. */
struct dw_proto_state_ops {
	int (*advance)(void *state, struct dw_pipeline *pl, int64_t ts_us);
	void (*print_stats)(const void *state, FILE *f);
	void (*free)(void *state);
};
void *dw_pipeline_state(struct dw_pipeline *pl, enum dw_proto p);
void dw_pipeline_set_state(struct dw_pipeline *pl, enum dw_proto p, void *state,
			   const struct dw_proto_state_ops *ops);

/* Table sizes and evictions, printed by --stats. */
void dw_pipeline_print_stats(const struct dw_pipeline *pl, FILE *f);
void dw_pipeline_free(struct dw_pipeline *pl);

#endif
