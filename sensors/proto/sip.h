/* sip.h: the SIP dissector's call table (its only state) lives in the pipeline
 * (dw_pipeline_set_state, DW_PROTO_SIP): created on the first SIP message with
 * sensor.max_calls and sensor.call_timeout_s, expired by dw_pipeline_advance()
 * through the state's advance hook, printed by --stats ("sip.calls",
 * "sip.call_evictions", "sip.call_expiries") and freed with the pipeline. */
#ifndef DENWATCH_SENSOR_SIP_H
#define DENWATCH_SENSOR_SIP_H

#include <stddef.h>
#include <stdint.h>

#include "../sip_call.h"

struct dw_pipeline;

/* Gives pl a call table with explicit limits whose events go to emit(arg, ev)
 * instead of dw_pipeline_emit (tests, tools). Returns 0, or -1 without memory. */
int dw_sip_attach_sink(struct dw_pipeline *pl, size_t max_calls, uint32_t timeout_s,
		       sip_call_emit_fn emit, void *arg);

/* Table counters (zeros when pl has no SIP state yet). */
void dw_sip_call_stats(struct dw_pipeline *pl, struct sip_call_stats *s);

#endif
