/* dump.h: the JSON Lines of `denwatch-sensor --dump events|summaries` (DESIGN 3.4
 * and 8), built with jansson, one compact object per line, keys in a fixed order
 * so that replays print identical bytes. */
#ifndef DENWATCH_SENSOR_DUMP_H
#define DENWATCH_SENSOR_DUMP_H

#include <jansson.h>
#include <stdio.h>

#include "denwatch/event.h"
#include "denwatch/summary.h"

/* The event as a JSON object: ts (seconds, microsecond fraction), proto, kind,
 * imsi, msisdn, imei, peer, cell, call_id, duration_s, status, dir ("mo", "mt" or
 * ""), session_op ("create", "modify", "delete" or ""), frame. Unknown text
 * fields are "". */
json_t *dw_event_to_json(const struct dw_event *ev);
/* Writes one line; returns 0 or -1 on an output error. */
int dw_dump_event(FILE *f, const struct dw_event *ev);
int dw_dump_summary(FILE *f, const struct dw_summary *s);

#endif
