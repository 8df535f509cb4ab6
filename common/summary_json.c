/* summary_json.c: struct dw_summary <-> jansson object (see summary_json.h). */
#include "denwatch/summary_json.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The plain 32-bit counters, in output order after the identity fields. */
#define U32_FIELDS(X)                                                                    \
	X(calls_out, true)                                                               \
	X(calls_out_answered, true)                                                      \
	X(calls_out_short, false)                                                        \
	X(calls_out_failed, false)                                                       \
	X(calls_out_seconds, true)                                                       \
	X(calls_in, true)                                                                \
	X(calls_in_answered, false)                                                      \
	X(sms_out, true)                                                                 \
	X(sms_in, true)                                                                  \
	X(distinct_callees, true)                                                        \
	X(distinct_sms_dests, true)                                                      \
	X(seq_run_max, true)                                                             \
	X(data_sessions, true)                                                           \
	X(registrations, false)

static int set_new(json_t *o, const char *k, json_t *v)
{
	return v ? json_object_set_new(o, k, v) : -1;
}

json_t *dw_summary_to_json(const struct dw_summary *s)
{
	json_t *o = json_object();
	json_t *imeis = json_array();
	json_t *cells = json_object();
	json_t *sketch = json_array();
	int rc = 0;
	if (!o || !imeis || !cells || !sketch)
		goto fail;
	for (unsigned i = 0; i < s->n_imeis && i < DW_SUM_MAX_IMEIS; i++)
		rc |= json_array_append_new(imeis, json_string(s->imeis[i]));
	for (unsigned i = 0; i < s->n_cells && i < DW_SUM_MAX_CELLS; i++)
		rc |= json_object_set_new(cells, s->cells[i].cell,
					  json_integer(s->cells[i].events));
	for (unsigned i = 0; i < s->n_sketch && i < DW_SUM_SKETCH_K; i++) {
		char hex[17];
		snprintf(hex, sizeof hex, "%016" PRIx64, s->contact_sketch[i]);
		rc |= json_array_append_new(sketch, json_string(hex));
	}
	rc |= set_new(o, "window_start", json_integer(s->window_start));
	rc |= set_new(o, "window_seconds", json_integer(s->window_seconds));
	rc |= set_new(o, "imsi", json_string(s->imsi));
	rc |= set_new(o, "msisdn", json_string(s->msisdn));
	rc |= json_object_set_new(o, "imeis", imeis);
	imeis = NULL;
	rc |= set_new(o, "imeis_seen", json_integer(s->imeis_seen));
	rc |= json_object_set_new(o, "cells", cells);
	cells = NULL;
#define PUT(name, req) rc |= set_new(o, #name, json_integer(s->name));
	U32_FIELDS(PUT)
#undef PUT
	rc |= set_new(o, "first_event_us", json_integer(s->first_event_us));
	rc |= set_new(o, "last_event_us", json_integer(s->last_event_us));
	rc |= json_object_set_new(o, "contact_sketch", sketch);
	sketch = NULL;
	if (rc)
		goto fail;
	return o;
fail:
	json_decref(o);
	json_decref(imeis);
	json_decref(cells);
	json_decref(sketch);
	return NULL;
}

static int bad(char *err, size_t errlen, const char *field, const char *why)
{
	snprintf(err, errlen, "%s: %s", field, why);
	return -1;
}

static int get_int(const json_t *j, const char *k, bool required, long long lo,
		   long long hi, long long *out, char *err, size_t errlen)
{
	json_t *v = json_object_get(j, k);
	*out = 0;
	if (!v)
		return required ? bad(err, errlen, k, "missing") : 0;
	if (!json_is_integer(v))
		return bad(err, errlen, k, "not an integer");
	long long x = json_integer_value(v);
	if (x < lo || x > hi)
		return bad(err, errlen, k, "out of range");
	*out = x;
	return 0;
}

static int get_str(const json_t *j, const char *k, char *out, size_t outlen, char *err,
		   size_t errlen)
{
	json_t *v = json_object_get(j, k);
	if (!v)
		return bad(err, errlen, k, "missing");
	if (!json_is_string(v))
		return bad(err, errlen, k, "not a string");
	if (json_string_length(v) >= outlen)
		return bad(err, errlen, k, "too long");
	memcpy(out, json_string_value(v), json_string_length(v) + 1);
	if (strlen(out) != json_string_length(v))
		return bad(err, errlen, k, "contains NUL");
	return 0;
}

int dw_summary_from_json(const json_t *j, struct dw_summary *s, char *err, size_t errlen)
{
	long long x;
	memset(s, 0, sizeof *s);
	if (!json_is_object(j))
		return bad(err, errlen, "summary", "not an object");
	if (get_int(j, "window_start", true, 0, INT64_MAX, &x, err, errlen))
		return -1;
	s->window_start = x;
	if (get_int(j, "window_seconds", true, 1, UINT32_MAX, &x, err, errlen))
		return -1;
	s->window_seconds = (uint32_t)x;
	if (get_str(j, "imsi", s->imsi, sizeof s->imsi, err, errlen) ||
	    get_str(j, "msisdn", s->msisdn, sizeof s->msisdn, err, errlen))
		return -1;

	json_t *imeis = json_object_get(j, "imeis");
	if (!json_is_array(imeis))
		return bad(err, errlen, "imeis", "missing or not an array");
	if (json_array_size(imeis) > DW_SUM_MAX_IMEIS)
		return bad(err, errlen, "imeis", "too many");
	for (size_t i = 0; i < json_array_size(imeis); i++) {
		json_t *v = json_array_get(imeis, i);
		if (!json_is_string(v) || json_string_length(v) != DW_IMEI_LEN ||
		    !dw_all_digits(json_string_value(v), DW_IMEI_LEN, DW_IMEI_LEN))
			return bad(err, errlen, "imeis", "not a 14-digit IMEI");
		memcpy(s->imeis[i], json_string_value(v), DW_IMEI_LEN + 1);
	}
	s->n_imeis = (uint8_t)json_array_size(imeis);
	if (get_int(j, "imeis_seen", false, 0, UINT8_MAX, &x, err, errlen))
		return -1;
	s->imeis_seen = (uint8_t)(x > s->n_imeis ? x : s->n_imeis);

	json_t *cells = json_object_get(j, "cells");
	if (!json_is_object(cells))
		return bad(err, errlen, "cells", "missing or not an object");
	if (json_object_size(cells) > DW_SUM_MAX_CELLS)
		return bad(err, errlen, "cells", "too many");
	const char *name;
	json_t *v;
	json_object_foreach((json_t *)cells, name, v)
	{
		if (strlen(name) >= DW_CELL_MAX)
			return bad(err, errlen, "cells", "cell name too long");
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > UINT32_MAX)
			return bad(err, errlen, "cells",
				   "event count not a 32-bit count");
		struct dw_cell_count *c = &s->cells[s->n_cells++];
		snprintf(c->cell, sizeof c->cell, "%s", name);
		c->events = (uint32_t)json_integer_value(v);
	}

#define GET(name, req)                                                                   \
	if (get_int(j, #name, req, 0, UINT32_MAX, &x, err, errlen))                      \
		return -1;                                                               \
	s->name = (uint32_t)x;
	U32_FIELDS(GET)
#undef GET
	if (get_int(j, "first_event_us", false, INT64_MIN, INT64_MAX, &x, err, errlen))
		return -1;
	s->first_event_us = x;
	if (get_int(j, "last_event_us", false, INT64_MIN, INT64_MAX, &x, err, errlen))
		return -1;
	s->last_event_us = x;

	json_t *sk = json_object_get(j, "contact_sketch");
	if (sk) {
		if (!json_is_array(sk) || json_array_size(sk) > DW_SUM_SKETCH_K)
			return bad(err, errlen, "contact_sketch",
				   "not an array of at most 16");
		for (size_t i = 0; i < json_array_size(sk); i++) {
			json_t *h = json_array_get(sk, i);
			const char *t = json_string_value(h);
			char *end;
			if (!t || json_string_length(h) != 16 ||
			    strspn(t, "0123456789abcdefABCDEF") != 16)
				return bad(err, errlen, "contact_sketch",
					   "not 16 hex digits");
			s->contact_sketch[i] = strtoull(t, &end, 16);
			if (*end)
				return bad(err, errlen, "contact_sketch",
					   "not 16 hex digits");
		}
		s->n_sketch = (uint8_t)json_array_size(sk);
	}
	return 0;
}
