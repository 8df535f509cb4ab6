/* dump.c: JSON Lines output of events and summaries (see dump.h). */
#include "dump.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "denwatch/summary_json.h"

static const char *dir_name(enum dw_direction d)
{
	return d == DW_DIR_MO ? "mo" : d == DW_DIR_MT ? "mt" : "";
}

static const char *op_name(enum dw_session_op op)
{
	switch (op) {
	case DW_SESSION_CREATE:
		return "create";
	case DW_SESSION_MODIFY:
		return "modify";
	case DW_SESSION_DELETE:
		return "delete";
	case DW_SESSION_NONE:
		break;
	}
	return "";
}

/* A JSON string of text that should be ASCII; bytes that are not valid UTF-8 are
 * replaced by '?' rather than failing the whole line. */
static json_t *safe_string(const char *t)
{
	json_t *j = json_string(t);
	if (j)
		return j;
	char buf[256];
	size_t n = 0;
	for (; t[n] && n + 1 < sizeof buf; n++)
		buf[n] = (unsigned char)t[n] < 0x80 ? t[n] : '?';
	buf[n] = '\0';
	return json_string(buf);
}

json_t *dw_event_to_json(const struct dw_event *ev)
{
	/* seconds with the microseconds as a fraction: 16 significant digits keep every
	 * microsecond of packet times before the year 2286 */
	double ts = (double)(ev->ts_us / 1000000) + (double)(ev->ts_us % 1000000) / 1e6;
	json_t *o = json_object();
	if (!o)
		return NULL;
	int rc = 0;
	rc |= json_object_set_new(o, "ts", json_real(ts));
	rc |= json_object_set_new(o, "proto", json_string(dw_proto_name(ev->proto)));
	rc |= json_object_set_new(o, "kind", json_string(dw_event_kind_name(ev->kind)));
	rc |= json_object_set_new(o, "imsi", safe_string(ev->imsi));
	rc |= json_object_set_new(o, "msisdn", safe_string(ev->msisdn));
	rc |= json_object_set_new(o, "imei", safe_string(ev->imei));
	rc |= json_object_set_new(o, "peer", safe_string(ev->peer));
	rc |= json_object_set_new(o, "cell", safe_string(ev->cell));
	rc |= json_object_set_new(o, "call_id", safe_string(ev->call_id));
	rc |= json_object_set_new(o, "duration_s", json_integer(ev->duration_s));
	rc |= json_object_set_new(o, "status", json_integer(ev->status));
	rc |= json_object_set_new(o, "dir", json_string(dir_name(ev->dir)));
	rc |= json_object_set_new(o, "session_op", json_string(op_name(ev->session_op)));
	rc |= json_object_set_new(o, "frame", json_integer((json_int_t)ev->frame));
	if (rc) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int dump(FILE *f, json_t *j)
{
	if (!j)
		return -1;
	/* one fwrite per line: json_dumpf would write piece by piece */
	const size_t flags = JSON_COMPACT | JSON_REAL_PRECISION(16);
	char stack[4096];
	char *buf = stack;
	size_t n = json_dumpb(j, stack, sizeof stack - 1, flags);
	if (n >= sizeof stack - 1) {
		buf = malloc(n + 1);
		if (buf)
			n = json_dumpb(j, buf, n, flags);
	}
	json_decref(j);
	int rc = 0;
	if (!buf || n == 0) {
		rc = -1;
	} else {
		buf[n] = '\n';
		if (fwrite(buf, 1, n + 1, f) != n + 1)
			rc = -1;
	}
	if (buf != stack)
		free(buf);
	return rc;
}

int dw_dump_event(FILE *f, const struct dw_event *ev)
{
	return dump(f, dw_event_to_json(ev));
}

/* ---- summaries: the same bytes as jansson writes, without building a tree ----
 * A summary line is one per subscriber and window, so on busy links it is written
 * hundreds of thousands of times a second; building and freeing a jansson tree for
 * each was a quarter of the sensor's time. Every string of a summary is digits,
 * letters and dashes (identities, canonical cells, hex sketch values): those need
 * no escaping, so they are copied as they are and numbers are written in decimal,
 * giving byte for byte what json_dumpb(dw_summary_to_json(s), JSON_COMPACT) gives.
 * Anything else (a string with another character, two cells of the same name)
 * goes through jansson as before. */

struct line {
	char *p, *end;
	bool bad; /* needs jansson */
};

static inline void put_raw(struct line *l, const char *t, size_t n)
{
	if (l->bad || (size_t)(l->end - l->p) < n) {
		l->bad = true;
		return;
	}
	memcpy(l->p, t, n);
	l->p += n;
}

static bool plain_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '-' || c == '.' || c == '_';
}

static void put_str(struct line *l, const char *t, size_t max)
{
	size_t n = strnlen(t, max);
	for (size_t i = 0; i < n; i++)
		if (!plain_char(t[i]))
			l->bad = true;
	put_raw(l, "\"", 1);
	put_raw(l, t, n);
	put_raw(l, "\"", 1);
}

static void put_int(struct line *l, long long v)
{
	static const char pairs[] = "00010203040506070809101112131415161718192021222324"
				    "25262728293031323334353637383940414243444546474849"
				    "50515253545556575859606162636465666768697071727374"
				    "75767778798081828384858687888990919293949596979899";
	char b[24];
	size_t i = sizeof b;
	if (v >= 0 && v < 10) { /* most counters */
		char c = (char)('0' + v);
		put_raw(l, &c, 1);
		return;
	}
	unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;
	while (u >= 100) {
		unsigned d = (unsigned)(u % 100) * 2;
		u /= 100;
		b[--i] = pairs[d + 1];
		b[--i] = pairs[d];
	}
	if (u >= 10) {
		b[--i] = pairs[u * 2 + 1];
		b[--i] = pairs[u * 2];
	} else {
		b[--i] = (char)('0' + u);
	}
	if (v < 0)
		b[--i] = '-';
	put_raw(l, b + i, sizeof b - i);
}

/* ,"key": with its length known at compile time */
#define KEY(l, name) put_raw((l), ",\"" name "\":", sizeof(",\"" name "\":") - 1)

static size_t summary_line(const struct dw_summary *s, char *buf, size_t cap)
{
	struct line l = { buf, buf + cap, false };
	put_raw(&l, "{\"window_start\":", sizeof "{\"window_start\":" - 1);
	put_int(&l, s->window_start);
	KEY(&l, "window_seconds");
	put_int(&l, s->window_seconds);
	KEY(&l, "imsi");
	put_str(&l, s->imsi, sizeof s->imsi);
	KEY(&l, "msisdn");
	put_str(&l, s->msisdn, sizeof s->msisdn);
	KEY(&l, "imeis");
	put_raw(&l, "[", 1);
	for (unsigned i = 0; i < s->n_imeis && i < DW_SUM_MAX_IMEIS; i++) {
		if (i)
			put_raw(&l, ",", 1);
		put_str(&l, s->imeis[i], sizeof s->imeis[i]);
	}
	put_raw(&l, "]", 1);
	KEY(&l, "imeis_seen");
	put_int(&l, s->imeis_seen);
	KEY(&l, "cells");
	put_raw(&l, "{", 1);
	for (unsigned i = 0; i < s->n_cells && i < DW_SUM_MAX_CELLS; i++) {
		for (unsigned j = 0; j < i; j++)
			if (strncmp(s->cells[i].cell, s->cells[j].cell, DW_CELL_MAX) == 0)
				l.bad = true; /* jansson keeps one key */
		if (i)
			put_raw(&l, ",", 1);
		put_str(&l, s->cells[i].cell, sizeof s->cells[i].cell);
		put_raw(&l, ":", 1);
		put_int(&l, s->cells[i].events);
	}
	put_raw(&l, "}", 1);
	/* the counters in summary_json.c's order */
#define PUT(name)                                                                        \
	KEY(&l, #name);                                                                  \
	put_int(&l, s->name);
	PUT(calls_out)
	PUT(calls_out_answered)
	PUT(calls_out_short)
	PUT(calls_out_failed)
	PUT(calls_out_seconds)
	PUT(calls_in)
	PUT(calls_in_answered)
	PUT(sms_out)
	PUT(sms_in)
	PUT(distinct_callees)
	PUT(distinct_sms_dests)
	PUT(seq_run_max)
	PUT(data_sessions)
	PUT(registrations)
#undef PUT
	KEY(&l, "first_event_us");
	put_int(&l, s->first_event_us);
	KEY(&l, "last_event_us");
	put_int(&l, s->last_event_us);
	KEY(&l, "contact_sketch");
	put_raw(&l, "[", 1);
	static const char hex[] = "0123456789abcdef";
	for (unsigned i = 0; i < s->n_sketch && i < DW_SUM_SKETCH_K; i++) {
		char h[18];
		h[0] = '"';
		for (int k = 0; k < 16; k++)
			h[1 + k] = hex[(s->contact_sketch[i] >> (60 - 4 * k)) & 15];
		h[17] = '"';
		if (i)
			put_raw(&l, ",", 1);
		put_raw(&l, h, 18);
	}
	put_raw(&l, "]}", 2);
	return l.bad ? 0 : (size_t)(l.p - buf);
}

int dw_dump_summary(FILE *f, const struct dw_summary *s)
{
	char buf[4096];
	size_t n = summary_line(s, buf, sizeof buf - 1);
	if (n == 0)
		return dump(f, dw_summary_to_json(s));
	buf[n] = '\n';
	return fwrite(buf, 1, n + 1, f) == n + 1 ? 0 : -1;
}
