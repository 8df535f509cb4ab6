/* sip.h: what the pipeline calls to drive the SIP dissector's call table (its
 * only state): create it with the configured limits, let packet time expire calls,
 * free it. The table is found by the pipeline pointer, so the dissector interface
 * (dissect.h) stays stateless. */
#ifndef DENWATCH_SENSOR_SIP_H
#define DENWATCH_SENSOR_SIP_H

#include <stddef.h>
#include <stdint.h>

#include "denwatch/config.h"
#include "../sip_call.h"

struct dw_pipeline;

/* Creates the call table of pl with sensor.max_calls and sensor.call_timeout_s.
 * Optional: without it the first SIP message creates one with the defaults.
 * Returns 0, or -1 when out of memory. */
int dw_sip_attach(struct dw_pipeline *pl, const struct dw_config *cfg);

/* The same with explicit limits and an event sink other than dw_pipeline_emit
 * (tests, tools): events for pl go to emit(arg, ev). pl is only a key here. */
int dw_sip_attach_sink(struct dw_pipeline *pl, size_t max_calls, uint32_t timeout_s,
		       sip_call_emit_fn emit, void *arg);

/* Packet time has reached now_us: expires idle calls (an answered call expiring
 * emits its call_end through dw_pipeline_emit). Cheap; call it from
 * dw_pipeline_advance(). A no-op when pl has no SIP state. */
void dw_sip_calls_expire(struct dw_pipeline *pl, int64_t now_us);

/* Table counters for --stats (zeros when pl has no SIP state). */
void dw_sip_call_stats(struct dw_pipeline *pl, struct sip_call_stats *s);

/* Frees pl's call table; call it from dw_pipeline_free() (before pl is freed,
 * since a new pipeline at the same address would otherwise find it). */
void dw_sip_detach(struct dw_pipeline *pl);

#endif
