/* test_pipeline_json.c: the pipeline end to end on synthetic events: identity
 * completion before counting, the JSON field names of --dump events and --dump
 * summaries (DESIGN 3.4 and 8), summary <-> JSON round trip, byte-identical output
 * across runs, and the sink. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../sensors/dump.h"
#include "../../sensors/pipeline.h"
#include "denwatch/summary_json.h"

#define T0 1772409600LL

static struct dw_event ev(int64_t ts_us, enum dw_proto proto, enum dw_event_kind kind,
			  enum dw_direction dir, const char *imsi, const char *msisdn,
			  const char *peer)
{
	struct dw_event e;
	memset(&e, 0, sizeof e);
	e.ts_us = ts_us;
	e.proto = proto;
	e.kind = kind;
	e.dir = dir;
	snprintf(e.imsi, sizeof e.imsi, "%s", imsi);
	snprintf(e.msisdn, sizeof e.msisdn, "%s", msisdn);
	snprintf(e.peer, sizeof e.peer, "%s", peer);
	return e;
}

/* Runs a fixed scenario through a pipeline; returns what it printed. */
static char *run(enum dw_output mode, dw_summary_sink sink, void *arg)
{
	struct dw_config cfg;
	char err[DW_ERR_LEN];
	dw_config_init(&cfg);
	assert_int_equal(dw_config_set(&cfg, "window.seconds=60", err, sizeof err), 0);
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	struct dw_pipeline_opts o = {
	    .output = mode, .out = out, .sink = sink, .sink_arg = arg};
	struct dw_pipeline *pl = dw_pipeline_new(&cfg, &o);
	assert_non_null(pl);
	struct dw_event e;
	/* REGISTER: IMSI, IMEI, cell */
	e = ev(T0 * 1000000 + 123456, DW_PROTO_SIP, DW_EV_REGISTER, DW_DIR_NONE,
	       "460010000001234", "", "");
	strcpy(e.imei, "35123456000001");
	strcpy(e.cell, "460-01-4660-19088743");
	e.frame = 1;
	dw_pipeline_advance(pl, e.ts_us);
	dw_pipeline_emit(pl, &e);
	/* 200 OK binds the MSISDN */
	e = ev(T0 * 1000000 + 200000, DW_PROTO_SIP, DW_EV_REGISTER, DW_DIR_NONE,
	       "460010000001234", "8613800001234", "");
	e.frame = 2;
	dw_pipeline_emit(pl, &e);
	/* a call with only the MSISDN */
	e = ev((T0 + 5) * 1000000, DW_PROTO_SIP, DW_EV_CALL_ATTEMPT, DW_DIR_MO, "",
	       "8613800001234", "8613900000001");
	strcpy(e.call_id, "abc\"\\\x01@host");
	e.frame = 3;
	dw_pipeline_advance(pl, e.ts_us);
	dw_pipeline_emit(pl, &e);
	/* a subscriber known only by MSISDN */
	e = ev((T0 + 6) * 1000000, DW_PROTO_SIP, DW_EV_SMS_MT, DW_DIR_MT, "",
	       "8613800005678", "8613800001234");
	e.frame = 4;
	dw_pipeline_emit(pl, &e);
	/* next window, after the first closed */
	e = ev((T0 + 200) * 1000000, DW_PROTO_GTPV2, DW_EV_SESSION, DW_DIR_NONE,
	       "460010000001234", "", "");
	e.session_op = DW_SESSION_CREATE;
	e.frame = 5;
	dw_pipeline_advance(pl, e.ts_us);
	dw_pipeline_emit(pl, &e);
	assert_int_equal(dw_pipeline_finish(pl), 0);
	assert_int_equal(dw_pipeline_stats(pl, DW_PROTO_SIP)->events, 4);
	char *stats = NULL;
	size_t slen = 0;
	FILE *sf = open_memstream(&stats, &slen);
	dw_pipeline_print_stats(pl, sf);
	fclose(sf);
	assert_non_null(strstr(stats, "identity.subscribers 2\n"));
	assert_non_null(strstr(stats, "memory.table_bytes_per_subscriber "));
	free(stats);
	dw_pipeline_free(pl);
	fclose(out);
	dw_config_free(&cfg);
	return buf;
}

static json_t *line(const char *text, int n)
{
	const char *p = text;
	for (int i = 0; i < n; i++) {
		p = strchr(p, '\n');
		assert_non_null(p);
		p++;
	}
	json_error_t e;
	json_t *j = json_loadb(p, strcspn(p, "\n"), 0, &e);
	assert_non_null(j);
	return j;
}

static void events_json(void **state)
{
	(void)state;
	char *out = run(DW_OUT_EVENTS, NULL, NULL);
	/* the first line, byte for byte: fixed key order, microseconds kept */
	const char *want =
	    "{\"ts\":1772409600.123456,\"proto\":\"sip\",\"kind\":\"register\","
	    "\"imsi\":\"460010000001234\",\"msisdn\":\"\",\"imei\":\"35123456000001\","
	    "\"peer\":\"\",\"cell\":\"460-01-4660-19088743\",\"call_id\":\"\","
	    "\"duration_s\":0,\"status\":0,\"dir\":\"\",\"session_op\":\"\",\"frame\":1}"
	    "\n";
	assert_memory_equal(out, want, strlen(want));
	json_t *j = line(out, 2);
	assert_string_equal(json_string_value(json_object_get(j, "kind")),
			    "call_attempt");
	assert_string_equal(json_string_value(json_object_get(j, "dir")), "mo");
	/* completed from the identity table */
	assert_string_equal(json_string_value(json_object_get(j, "imsi")),
			    "460010000001234");
	assert_string_equal(json_string_value(json_object_get(j, "imei")),
			    "35123456000001");
	assert_string_equal(json_string_value(json_object_get(j, "cell")),
			    "460-01-4660-19088743");
	/* escaping by jansson */
	assert_string_equal(json_string_value(json_object_get(j, "call_id")),
			    "abc\"\\\x01@host");
	assert_true(json_real_value(json_object_get(j, "ts")) == 1772409605.0);
	json_decref(j);
	j = line(out, 4);
	assert_string_equal(json_string_value(json_object_get(j, "session_op")),
			    "create");
	assert_string_equal(json_string_value(json_object_get(j, "msisdn")),
			    "8613800001234");
	json_decref(j);
	free(out);
}

static void summaries_json(void **state)
{
	(void)state;
	char *out = run(DW_OUT_SUMMARIES, NULL, NULL);
	char *again = run(DW_OUT_SUMMARIES, NULL, NULL);
	assert_string_equal(out, again); /* byte-identical replays */
	free(again);
	/* window T0: the MSISDN-only subscriber first, then the IMSI's; then T0+180 */
	json_t *a = line(out, 0), *b = line(out, 1), *c = line(out, 2);
	assert_string_equal(json_string_value(json_object_get(a, "msisdn")),
			    "8613800005678");
	assert_string_equal(json_string_value(json_object_get(a, "imsi")), "");
	assert_int_equal(json_integer_value(json_object_get(a, "sms_in")), 1);
	const char *fields[] = {"window_start",
				"window_seconds",
				"imsi",
				"msisdn",
				"imeis",
				"cells",
				"calls_out",
				"calls_out_answered",
				"calls_out_seconds",
				"calls_in",
				"sms_out",
				"sms_in",
				"distinct_callees",
				"distinct_sms_dests",
				"seq_run_max",
				"data_sessions",
				"calls_out_short",
				"calls_out_failed",
				"calls_in_answered",
				"registrations",
				"imeis_seen",
				"first_event_us",
				"last_event_us",
				"contact_sketch"};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		assert_non_null(json_object_get(b, fields[i]));
	assert_int_equal(json_integer_value(json_object_get(b, "window_start")), T0);
	assert_int_equal(json_integer_value(json_object_get(b, "window_seconds")), 60);
	assert_string_equal(json_string_value(json_object_get(b, "imsi")),
			    "460010000001234");
	assert_string_equal(json_string_value(json_object_get(b, "msisdn")),
			    "8613800001234");
	assert_int_equal(json_integer_value(json_object_get(b, "calls_out")), 1);
	assert_int_equal(json_integer_value(json_object_get(b, "registrations")), 2);
	assert_int_equal(json_integer_value(json_object_get(b, "distinct_callees")), 1);
	assert_int_equal(json_integer_value(json_object_get(b, "seq_run_max")), 1);
	json_t *imeis = json_object_get(b, "imeis");
	assert_int_equal(json_array_size(imeis), 1);
	assert_string_equal(json_string_value(json_array_get(imeis, 0)),
			    "35123456000001");
	json_t *cells = json_object_get(b, "cells");
	assert_int_equal(
	    json_integer_value(json_object_get(cells, "460-01-4660-19088743")), 3);
	assert_int_equal(json_array_size(json_object_get(b, "contact_sketch")), 1);
	assert_int_equal(json_integer_value(json_object_get(c, "window_start")),
			 T0 + 180);
	assert_int_equal(json_integer_value(json_object_get(c, "data_sessions")), 1);
	/* round trip */
	struct dw_summary s;
	char err[128];
	assert_int_equal(dw_summary_from_json(b, &s, err, sizeof err), 0);
	json_t *back = dw_summary_to_json(&s);
	assert_true(json_equal(back, b));
	json_decref(back);
	json_decref(a);
	json_decref(b);
	json_decref(c);
	free(out);
}

static void summary_round_trip_full(void **state)
{
	(void)state;
	struct dw_summary s, back;
	memset(&s, 0, sizeof s);
	s.window_start = 1772409600;
	s.window_seconds = 300;
	strcpy(s.imsi, "001010000000064");
	strcpy(s.msisdn, "8613800001234");
	s.n_imeis = DW_SUM_MAX_IMEIS;
	s.imeis_seen = 9;
	for (int i = 0; i < DW_SUM_MAX_IMEIS; i++) {
		strcpy(s.imeis[i], "35123456000000");
		s.imeis[i][DW_IMEI_LEN - 1] = (char)('0' + i);
	}
	s.n_cells = DW_SUM_MAX_CELLS;
	for (int i = 0; i < DW_SUM_MAX_CELLS; i++) {
		snprintf(s.cells[i].cell, sizeof s.cells[i].cell, "460-01-%d-4294967295", 65535 - i);
		s.cells[i].events = 4000000000u - (uint32_t)i;
	}
	s.calls_out = UINT32_MAX;
	s.calls_out_short = 7;
	s.seq_run_max = 12;
	s.first_event_us = 1772409600000001LL;
	s.last_event_us = 1772409899999999LL;
	s.n_sketch = DW_SUM_SKETCH_K;
	for (int i = 0; i < DW_SUM_SKETCH_K; i++)
		s.contact_sketch[i] = UINT64_C(0xfffffffffffffff0) + (uint64_t)i - 16;
	json_t *j = dw_summary_to_json(&s);
	assert_non_null(j);
	char err[128];
	assert_int_equal(dw_summary_from_json(j, &back, err, sizeof err), 0);
	assert_memory_equal(&s, &back, sizeof s);
	/* the text form too */
	char *text = json_dumps(j, JSON_COMPACT);
	json_error_t e;
	json_t *j2 = json_loads(text, 0, &e);
	assert_int_equal(dw_summary_from_json(j2, &back, err, sizeof err), 0);
	assert_memory_equal(&s, &back, sizeof s);
	free(text);
	json_decref(j2);
	json_decref(j);
}

static void summary_from_json_rejects(void **state)
{
	(void)state;
	struct dw_summary s;
	char err[128];
	const char *bad[] = {
	    "[]",
	    "{\"window_seconds\":60,\"imsi\":\"\",\"msisdn\":\"\",\"imeis\":[],\"cells\":"
	    "{}}",
	    "{\"window_start\":0,\"window_seconds\":60,\"imsi\":1,\"msisdn\":\"\","
	    "\"imeis\":[],"
	    "\"cells\":{}}",
	    "{\"window_start\":0,\"window_seconds\":60,\"imsi\":\"1234567890123456\","
	    "\"msisdn\":\"\",\"imeis\":[],\"cells\":{}}",
	    "{\"window_start\":0,\"window_seconds\":60,\"imsi\":\"\",\"msisdn\":\"\","
	    "\"imeis\":[\"123\"],\"cells\":{}}",
	    "{\"window_start\":0,\"window_seconds\":60,\"imsi\":\"\",\"msisdn\":\"\","
	    "\"imeis\":[],\"cells\":{\"a\":-1}}",
	    "{\"window_start\":0,\"window_seconds\":60,\"imsi\":\"\",\"msisdn\":\"\","
	    "\"imeis\":[],\"cells\":{},\"calls_out\":4294967296}",
	    "{\"window_start\":0,\"window_seconds\":60,\"imsi\":\"\",\"msisdn\":\"\","
	    "\"imeis\":[],\"cells\":{},\"contact_sketch\":[\"xyz\"]}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		json_error_t e;
		json_t *j = json_loads(bad[i], 0, &e);
		assert_non_null(j);
		err[0] = '\0';
		assert_int_equal(dw_summary_from_json(j, &s, err, sizeof err), -1);
		assert_true(err[0] != '\0');
		json_decref(j);
	}
}

struct count {
	int n;
	int fail_at;
};

static int sink(void *arg, const struct dw_summary *s)
{
	struct count *c = arg;
	(void)s;
	return ++c->n == c->fail_at ? -1 : 0;
}

static void sink_output(void **state)
{
	(void)state;
	struct count c = {0, 0};
	char *out = run(DW_OUT_SINK, sink, &c);
	assert_int_equal(c.n, 3);
	assert_string_equal(out, ""); /* nothing printed */
	free(out);
}

/* dw_dump_summary writes its lines without a jansson tree: each must be the
 * very bytes json_dumpb(dw_summary_to_json(s), JSON_COMPACT) gives, for plain
 * summaries, full ones, negative and extreme numbers, and the cases that go
 * through jansson (characters that need escaping, two cells of one name). */
static void expect_same_line(const struct dw_summary *s)
{
	char *got = NULL;
	size_t got_len = 0;
	FILE *f = open_memstream(&got, &got_len);
	assert_non_null(f);
	assert_int_equal(dw_dump_summary(f, s), 0);
	fclose(f);
	json_t *j = dw_summary_to_json(s);
	assert_non_null(j);
	char *want = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(16));
	json_decref(j);
	assert_non_null(want);
	assert_int_equal(got_len, strlen(want) + 1);
	assert_memory_equal(got, want, strlen(want));
	assert_int_equal(got[got_len - 1], '\n');
	free(want);
	free(got);
}

static void summary_line_matches_jansson(void **state)
{
	(void)state;
	struct dw_summary s;
	memset(&s, 0, sizeof s);
	expect_same_line(&s); /* all empty */
	s.window_start = 1772409600;
	s.window_seconds = 300;
	strcpy(s.imsi, "460010000001234");
	strcpy(s.msisdn, "8613800001234");
	s.n_imeis = DW_SUM_MAX_IMEIS;
	s.imeis_seen = 255;
	for (unsigned i = 0; i < DW_SUM_MAX_IMEIS; i++)
		snprintf(s.imeis[i], sizeof s.imeis[i], "3512345600000%u", i);
	s.n_cells = DW_SUM_MAX_CELLS;
	for (unsigned i = 0; i < DW_SUM_MAX_CELLS; i++) {
		snprintf(s.cells[i].cell, sizeof s.cells[i].cell, "460-01-%u-68719476735", 4660 + i);
		s.cells[i].events = i == 0 ? UINT32_MAX : i * 7;
	}
	s.calls_out = UINT32_MAX;
	s.calls_out_answered = 1;
	s.calls_out_short = 10;
	s.calls_out_failed = 99;
	s.calls_out_seconds = 100;
	s.calls_in = 12345;
	s.sms_out = 4294967;
	s.distinct_callees = 1000000000;
	s.first_event_us = INT64_MAX;
	s.last_event_us = -1;
	s.n_sketch = DW_SUM_SKETCH_K;
	for (unsigned i = 0; i < DW_SUM_SKETCH_K; i++)
		s.contact_sketch[i] = i == 0 ? 0 : UINT64_MAX - i * 0x0123456789abcdefull;
	expect_same_line(&s);
	s.window_start = INT64_MIN;
	s.first_event_us = -1772409600123456;
	expect_same_line(&s);
	/* needs escaping: jansson writes it */
	strcpy(s.msisdn, "86\"13\\8/0");
	expect_same_line(&s);
	strcpy(s.msisdn, "8613800001234");
	strcpy(s.cells[2].cell, "cell \x01 x");
	expect_same_line(&s);
	/* two cells of one name: jansson keeps one key */
	strcpy(s.cells[2].cell, s.cells[4].cell);
	expect_same_line(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(events_json),
	    cmocka_unit_test(summaries_json),
	    cmocka_unit_test(summary_line_matches_jansson),
	    cmocka_unit_test(summary_round_trip_full),
	    cmocka_unit_test(summary_from_json_rejects),
	    cmocka_unit_test(sink_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
