/* sumjson.h: one summary from its JSON form (a line of `denwatch-sensor --dump
 * summaries`, DESIGN 8), for offline imports into the store. */
#ifndef DENWATCH_CORRELATOR_SUMJSON_H
#define DENWATCH_CORRELATOR_SUMJSON_H

#include <stddef.h>

#include "denwatch/summary.h"

/* Parses one JSON object into s. Unknown fields are ignored; missing counters
 * are 0. Returns -1 with the reason in err when the text is not a summary. */
int dw_summary_from_json(const char *text, struct dw_summary *s, char *err, size_t errlen);

#endif
