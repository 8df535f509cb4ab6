/* test_store_basic.c: the store keeps what it is given, once: (sensor, seq)
 * dedupe, summaries read back field for field, sensor progress across reopen,
 * the closed-window frontier, schema version, and cell CSV errors with lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../correlator/store.h"

static char dir[64];
static char db[128];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/dwstoreXXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof db, "%s/t.db", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd);
}

static void fill(struct dw_summary *s, int64_t ws, const char *imsi)
{
	memset(s, 0, sizeof *s);
	s->window_start = ws;
	s->window_seconds = 300;
	snprintf(s->imsi, sizeof s->imsi, "%s", imsi);
	snprintf(s->msisdn, sizeof s->msisdn, "8613800000001");
	s->n_imeis = 2;
	s->imeis_seen = 3;
	strcpy(s->imeis[0], "86123400000101");
	strcpy(s->imeis[1], "35123456000001");
	s->n_cells = 2;
	strcpy(s->cells[0].cell, "460-01-4660-19088743");
	s->cells[0].events = 7;
	strcpy(s->cells[1].cell, "460-01-4660-19088744");
	s->cells[1].events = 1;
	s->calls_out = 11, s->calls_out_answered = 3, s->calls_out_short = 2;
	s->calls_out_failed = 5, s->calls_out_seconds = 99, s->calls_in = 1;
	s->sms_out = 4, s->distinct_callees = 10, s->seq_run_max = 6, s->data_sessions = 2;
	s->first_event_us = ws * 1000000 + 5, s->last_event_us = ws * 1000000 + 299000000;
	s->n_sketch = 3;
	s->contact_sketch[0] = 1, s->contact_sketch[1] = 0x8000000000000001ULL;
	s->contact_sketch[2] = UINT64_MAX;
}

static int got;
static struct dw_summary back;
static int keep(void *ctx, const char *sensor, const struct dw_summary *s)
{
	(void)ctx;
	assert_string_equal(sensor, "s11");
	back = *s;
	got++;
	return 0;
}

static void dedupe_and_roundtrip(void **state)
{
	(void)state;
	char err[256];
	struct dw_store *st = dw_store_open(db, err, sizeof err);
	assert_non_null(st);
	struct dw_summary s;
	fill(&s, 1772409600, "460010000001234");
	assert_int_equal(dw_store_begin(st), 0);
	assert_int_equal(dw_store_add_summary(st, "s11", 1, &s), 1);
	assert_int_equal(dw_store_add_summary(st, "s11", 1, &s), 0); /* resend */
	assert_int_equal(dw_store_add_summary(st, "ims", 1, &s), 1);  /* other sensor */
	assert_int_equal(dw_store_commit(st), 0);
	assert_int_equal(dw_store_summary_count(st), 2);
	assert_int_equal(dw_store_max_seq(st, "s11"), 1);
	assert_int_equal(dw_store_max_seq(st, "nobody"), 0);
	got = 0;
	sqlite3_exec(dw_store_db(st), "DELETE FROM summary WHERE sensor_id = 'ims'", 0, 0, 0);
	assert_int_equal(dw_store_each_summary(st, 0, INT64_MAX, keep, NULL), 0);
	assert_int_equal(got, 1);
	assert_memory_equal(&back, &s, sizeof s);
	dw_store_close(st);

	/* Progress survives a reopen; the schema version is set. */
	st = dw_store_open(db, err, sizeof err);
	assert_non_null(st);
	assert_int_equal(dw_store_max_seq(st, "s11"), 1);
	sqlite3_stmt *q;
	sqlite3_prepare_v2(dw_store_db(st), "PRAGMA user_version", -1, &q, NULL);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(q, 0), 1);
	sqlite3_finalize(q);
	sqlite3_prepare_v2(dw_store_db(st), "PRAGMA journal_mode", -1, &q, NULL);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0), "wal");
	sqlite3_finalize(q);
	dw_store_close(st);
}

static void rollback_forgets_progress(void **state)
{
	(void)state;
	char err[256];
	struct dw_store *st = dw_store_open(db, err, sizeof err);
	struct dw_summary s;
	fill(&s, 1772409600, "460010000001234");
	dw_store_begin(st);
	assert_int_equal(dw_store_add_summary(st, "x", 7, &s), 1);
	dw_store_rollback(st);
	assert_int_equal(dw_store_max_seq(st, "x"), 0);
	assert_int_equal(dw_store_summary_count(st), 0);
	dw_store_close(st);
}

static void frontier_waits_for_every_sensor(void **state)
{
	(void)state;
	char err[256];
	struct dw_store *st = dw_store_open(db, err, sizeof err);
	struct dw_summary s;
	const int64_t t0 = 1772409600;
	assert_int_equal(dw_store_closed_until(st, 0), 0);
	dw_store_begin(st);
	fill(&s, t0, "1");
	dw_store_add_summary(st, "a", 1, &s);
	fill(&s, t0 + 900, "1");
	dw_store_add_summary(st, "a", 2, &s);
	fill(&s, t0 + 300, "2");
	dw_store_add_summary(st, "b", 1, &s);
	dw_store_commit(st);
	/* a is at t0+900, b at t0+300: windows ending by t0+300 are complete. */
	assert_int_equal(dw_store_closed_until(st, 0), t0 + 300);
	assert_int_equal(dw_store_closed_until(st, 1), t0 + 1200);
	dw_store_begin(st);
	dw_store_sensor_done(st, "b", 1);
	dw_store_commit(st);
	assert_int_equal(dw_store_closed_until(st, 0), t0 + 900);
	dw_store_begin(st);
	dw_store_sensor_done(st, "a", 2);
	dw_store_commit(st);
	assert_int_equal(dw_store_closed_until(st, 0), t0 + 1200);
	assert_int_equal(dw_store_event_time(st), t0 + 1200);
	dw_store_close(st);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void cell_csv_errors_name_the_line(void **state)
{
	(void)state;
	char err[512], csv[160];
	struct dw_store *st = dw_store_open(db, err, sizeof err);
	snprintf(csv, sizeof csv, "%s/cells.csv", dir);
	write_text(csv, "cgi,site_id,lat,lon,azimuth,address\n"
			"460-01-1-1,S1,31.2,121.4,0,\"No. 5, Road\"\n"
			"460-01-1-2,S1,31.2,121.4,120,\n"
			"460-01-1-3,S2,95,121.4,0,x\n");
	assert_int_equal(dw_store_load_cells(st, csv, err, sizeof err), -1);
	assert_non_null(strstr(err, "cells.csv:4:"));
	write_text(csv, "cell,site\n");
	assert_int_equal(dw_store_load_cells(st, csv, err, sizeof err), -1);
	assert_non_null(strstr(err, ":1: expected header"));
	write_text(csv, "cgi,site_id,lat,lon,azimuth,address\n"
			"460-01-1-1,S1,31.2,121.4,0,\"No. 5, Road\"\n"
			"460-01-1-2,S1,31.2,121.4,120,\n");
	assert_int_equal(dw_store_load_cells(st, csv, err, sizeof err), 0);
	sqlite3_stmt *q;
	sqlite3_prepare_v2(dw_store_db(st), "SELECT count(*), min(address) FROM site", -1, &q, NULL);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(q, 0), 1);
	assert_string_equal((const char *)sqlite3_column_text(q, 1), "No. 5, Road");
	sqlite3_finalize(q);
	assert_int_equal(dw_store_load_cells(st, "/nonexistent.csv", err, sizeof err), -1);
	assert_non_null(strstr(err, "/nonexistent.csv: cannot open"));
	dw_store_close(st);
}

static void garbage_file_is_refused(void **state)
{
	(void)state;
	char err[512], bad[160];
	snprintf(bad, sizeof bad, "%s/garbage.db", dir);
	write_text(bad, "this is not a database, just some text that is long enough to matter\n");
	struct dw_store *st = dw_store_open(bad, err, sizeof err);
	assert_null(st);
	assert_non_null(strstr(err, bad));
	assert_null(dw_store_open_existing("/nonexistent/x.db", err, sizeof err));
	assert_non_null(strstr(err, "/nonexistent/x.db"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(dedupe_and_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(rollback_forgets_progress, setup, teardown),
		cmocka_unit_test_setup_teardown(frontier_waits_for_every_sensor, setup, teardown),
		cmocka_unit_test_setup_teardown(cell_csv_errors_name_the_line, setup, teardown),
		cmocka_unit_test_setup_teardown(garbage_file_is_refused, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
