/* sumjson.c: reads the JSON form of a summary with jansson, checking types and
 * bounds (identifiers' lengths, the fixed arrays of struct dw_summary). */
#include "sumjson.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int get_u32(json_t *o, const char *key, uint32_t *out, char *err, size_t errlen)
{
	json_t *v = json_object_get(o, key);
	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > (json_int_t)UINT32_MAX) {
		snprintf(err, errlen, "%s: expected a count", key);
		return -1;
	}
	*out = (uint32_t)json_integer_value(v);
	return 0;
}

static int get_str(json_t *o, const char *key, char *out, size_t outlen, char *err,
		   size_t errlen)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v) || strlen(json_string_value(v)) >= outlen) {
		snprintf(err, errlen, "%s: expected a string of at most %zu characters", key,
			 outlen - 1);
		return -1;
	}
	strcpy(out, json_string_value(v));
	return 0;
}

int dw_summary_from_json(const char *text, struct dw_summary *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	json_error_t je;
	json_t *o = json_loads(text, 0, &je);
	if (!o || !json_is_object(o)) {
		snprintf(err, errlen, "not a JSON object: %s", o ? "wrong type" : je.text);
		json_decref(o);
		return -1;
	}
	int rv = -1;
	json_t *ws = json_object_get(o, "window_start");
	if (!json_is_integer(ws) || json_integer_value(ws) < 0) {
		snprintf(err, errlen, "window_start: expected epoch seconds");
		goto out;
	}
	s->window_start = json_integer_value(ws);
	s->window_seconds = 300;
	static const struct {
		const char *key;
		size_t off;
	} U32[] = {
#define F(k) { #k, offsetof(struct dw_summary, k) }
		F(window_seconds), F(calls_out), F(calls_out_answered), F(calls_out_short),
		F(calls_out_failed), F(calls_out_seconds), F(calls_in), F(calls_in_answered),
		F(sms_out), F(sms_in), F(distinct_callees), F(distinct_sms_dests), F(seq_run_max),
		F(data_sessions), F(registrations),
#undef F
	};
	for (size_t i = 0; i < sizeof U32 / sizeof U32[0]; i++)
		if (get_u32(o, U32[i].key, (uint32_t *)((char *)s + U32[i].off), err, errlen) != 0)
			goto out;
	if (s->window_seconds == 0) {
		snprintf(err, errlen, "window_seconds: must be positive");
		goto out;
	}
	if (get_str(o, "imsi", s->imsi, sizeof s->imsi, err, errlen) ||
	    get_str(o, "msisdn", s->msisdn, sizeof s->msisdn, err, errlen))
		goto out;
	json_t *v, *a = json_object_get(o, "imeis");
	size_t i;
	json_array_foreach(a, i, v)
	{
		if (!json_is_string(v) || strlen(json_string_value(v)) != DW_IMEI_LEN) {
			snprintf(err, errlen, "imeis: expected 14-digit IMEIs");
			goto out;
		}
		if (s->n_imeis < DW_SUM_MAX_IMEIS)
			strcpy(s->imeis[s->n_imeis++], json_string_value(v));
	}
	uint32_t seen = s->n_imeis;
	if (get_u32(o, "imeis_seen", &seen, err, errlen))
		goto out;
	s->imeis_seen = (uint8_t)(seen > 255 ? 255 : seen);
	const char *cell;
	json_object_foreach(json_object_get(o, "cells"), cell, v)
	{
		if (strlen(cell) >= DW_CELL_MAX || !json_is_integer(v) || json_integer_value(v) < 0) {
			snprintf(err, errlen, "cells: expected {\"mcc-mnc-tac-cell\": events}");
			goto out;
		}
		if (s->n_cells < DW_SUM_MAX_CELLS) {
			strcpy(s->cells[s->n_cells].cell, cell);
			s->cells[s->n_cells++].events = (uint32_t)json_integer_value(v);
		}
	}
	json_t *fe = json_object_get(o, "first_event_us"), *le = json_object_get(o, "last_event_us");
	if (json_is_integer(fe))
		s->first_event_us = json_integer_value(fe);
	if (json_is_integer(le))
		s->last_event_us = json_integer_value(le);
	json_array_foreach(json_object_get(o, "contact_sketch"), i, v)
	{
		if (s->n_sketch == DW_SUM_SKETCH_K)
			break;
		if (json_is_integer(v))
			s->contact_sketch[s->n_sketch++] = (uint64_t)json_integer_value(v);
		else if (json_is_string(v))
			s->contact_sketch[s->n_sketch++] = strtoull(json_string_value(v), NULL, 0);
	}
	qsort(s->contact_sketch, s->n_sketch, sizeof s->contact_sketch[0], cmp_u64);
	rv = 0;
out:
	json_decref(o);
	return rv;
}
