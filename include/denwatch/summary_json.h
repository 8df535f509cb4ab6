/* summary_json.h: struct dw_summary <-> JSON object (jansson), with the field
 * names of DESIGN section 8. Used by `denwatch-sensor --dump summaries` and by the
 * correlator wherever summaries are read or shown as JSON. */
#ifndef DENWATCH_SUMMARY_JSON_H
#define DENWATCH_SUMMARY_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "denwatch/summary.h"

/* A new JSON object (the caller owns the reference), NULL when out of memory.
 * Keys in a fixed order; contact_sketch as 16-digit lower-case hex strings since
 * JSON numbers cannot carry 64-bit unsigned values. */
json_t *dw_summary_to_json(const struct dw_summary *s);

/* Reads an object written by dw_summary_to_json (missing optional counters are 0).
 * Returns 0, or -1 with the offending field and reason in err. */
int dw_summary_from_json(const json_t *j, struct dw_summary *s, char *err, size_t errlen);

#endif
