/* test_window_counts.c: per-subscriber windows: closing by packet time plus grace,
 * counts per event kind and direction, sequential-dialling runs, distinct counts
 * at and beyond the exact cap, the bottom-k contact sketch, MSISDN -> IMSI merge,
 * cell and IMEI bounds, and the deterministic emission order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../sensors/window.h"

#define T0 1772409600LL /* a multiple of 60 and 300 */
#define S(x) ((int64_t)(x)*1000000)

struct sink {
	struct dw_summary s[64];
	int n;
};

static int collect(void *arg, const struct dw_summary *s)
{
	struct sink *k = arg;
	if (k->n < 64)
		k->s[k->n] = *s;
	k->n++;
	return 0;
}

struct fx {
	struct dw_cells *cells;
	struct dw_windows *w;
	struct sink sink;
};

static void fx_open(struct fx *f, uint32_t seconds, uint32_t grace, uint32_t step)
{
	memset(f, 0, sizeof *f);
	f->cells = dw_cells_new(1000);
	struct dw_window_opts o = {.seconds = seconds,
				   .grace_s = grace,
				   .short_call_s = 20,
				   .seq_max_step = step,
				   .max_open = 1000};
	f->w = dw_windows_new(&o, f->cells, collect, &f->sink);
	assert_non_null(f->w);
}

static void fx_close(struct fx *f)
{
	dw_windows_free(f->w);
	dw_cells_free(f->cells);
}

static void add(struct fx *f, int64_t ts_us, enum dw_event_kind kind,
		enum dw_direction dir, const char *imsi, const char *msisdn,
		const char *peer, const char *cell)
{
	struct dw_event ev;
	memset(&ev, 0, sizeof ev);
	ev.ts_us = ts_us;
	ev.kind = kind;
	ev.dir = dir;
	snprintf(ev.imsi, sizeof ev.imsi, "%s", imsi);
	snprintf(ev.msisdn, sizeof ev.msisdn, "%s", msisdn);
	snprintf(ev.peer, sizeof ev.peer, "%s", peer);
	snprintf(ev.cell, sizeof ev.cell, "%s", cell);
	if (kind == DW_EV_SESSION)
		ev.session_op = DW_SESSION_CREATE;
	assert_int_equal(dw_windows_advance(f->w, ts_us), 0);
	assert_int_equal(
	    dw_windows_add(f->w, &ev, dw_cells_intern(f->cells, cell), false), 0);
}

static void closes_on_packet_time_plus_grace(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f, 60, 10, 10);
	add(&f, S(T0 + 5), DW_EV_REGISTER, DW_DIR_NONE, "460010000000001", "", "", "");
	add(&f, S(T0 + 59) + 999999, DW_EV_REGISTER, DW_DIR_NONE, "460010000000001", "",
	    "", "");
	/* the next window's event does not close the first during the grace */
	add(&f, S(T0 + 61), DW_EV_REGISTER, DW_DIR_NONE, "460010000000001", "", "", "");
	assert_int_equal(dw_windows_advance(f.w, S(T0 + 70)), 0);
	assert_int_equal(f.sink.n, 0);
	assert_int_equal(dw_windows_advance(f.w, S(T0 + 70) + 1), 0);
	assert_int_equal(f.sink.n, 1);
	assert_int_equal(f.sink.s[0].window_start, T0);
	assert_int_equal(f.sink.s[0].window_seconds, 60);
	assert_int_equal(f.sink.s[0].registrations, 2);
	assert_int_equal(f.sink.s[0].first_event_us, S(T0 + 5));
	assert_int_equal(f.sink.s[0].last_event_us, S(T0 + 59) + 999999);
	assert_int_equal(dw_windows_flush(f.w), 0);
	assert_int_equal(f.sink.n, 2);
	assert_int_equal(f.sink.s[1].window_start, T0 + 60);
	assert_int_equal(f.sink.s[1].registrations, 1);
	fx_close(&f);
}

static void call_and_sms_counts(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f, 300, 60, 10);
	const char *a = "460010000000001";
	for (int i = 0; i < 4; i++)
		add(&f, S(T0 + i), DW_EV_CALL_ATTEMPT, DW_DIR_MO, a, "", "8613900000001",
		    "c1");
	add(&f, S(T0 + 10), DW_EV_CALL_ANSWER, DW_DIR_MO, a, "", "8613900000001", "c1");
	add(&f, S(T0 + 11), DW_EV_CALL_ANSWER, DW_DIR_MO, a, "", "8613900000001", "c1");
	struct dw_event ev;
	memset(&ev, 0, sizeof ev);
	strcpy(ev.imsi, a);
	ev.kind = DW_EV_CALL_END;
	ev.dir = DW_DIR_MO;
	ev.ts_us = S(T0 + 20);
	ev.duration_s = 5;
	dw_windows_add(f.w, &ev, 0, false);
	ev.duration_s = 100;
	dw_windows_add(f.w, &ev, 0, false);
	ev.kind = DW_EV_CALL_FAIL;
	ev.status = 486;
	dw_windows_add(f.w, &ev, 0, false);
	add(&f, S(T0 + 30), DW_EV_CALL_ATTEMPT, DW_DIR_MT, a, "", "8613900000002", "c1");
	add(&f, S(T0 + 31), DW_EV_CALL_ANSWER, DW_DIR_MT, a, "", "8613900000002", "c1");
	add(&f, S(T0 + 32), DW_EV_SMS_MO, DW_DIR_MO, a, "", "8613900000003", "c2");
	add(&f, S(T0 + 33), DW_EV_SMS_MO, DW_DIR_MO, a, "", "8613900000003", "c2");
	add(&f, S(T0 + 34), DW_EV_SMS_MT, DW_DIR_MT, a, "", "8613900000004", "c2");
	add(&f, S(T0 + 35), DW_EV_SESSION, DW_DIR_NONE, a, "", "", "c3");
	dw_windows_flush(f.w);
	assert_int_equal(f.sink.n, 1);
	const struct dw_summary *s = &f.sink.s[0];
	assert_int_equal(s->calls_out, 4);
	assert_int_equal(s->calls_out_answered, 2);
	assert_int_equal(s->calls_out_short, 1);
	assert_int_equal(s->calls_out_seconds, 105);
	assert_int_equal(s->calls_out_failed, 1);
	assert_int_equal(s->calls_in, 1);
	assert_int_equal(s->calls_in_answered, 1);
	assert_int_equal(s->sms_out, 2);
	assert_int_equal(s->sms_in, 1);
	assert_int_equal(s->distinct_callees, 1);
	assert_int_equal(s->distinct_sms_dests, 1);
	assert_int_equal(s->data_sessions, 1);
	assert_int_equal(s->n_cells, 3);
	assert_string_equal(s->cells[0].cell, "c1");
	assert_int_equal(s->cells[0].events, 8);
	assert_string_equal(s->cells[1].cell, "c2");
	assert_int_equal(s->cells[2].events, 1);
	/* the sketch holds both contacts, ascending */
	assert_int_equal(s->n_sketch, 2);
	assert_true(s->contact_sketch[0] < s->contact_sketch[1]);
	fx_close(&f);
}

static void seq_runs(void **state)
{
	(void)state;
	assert_int_equal(dw_seq_next(false, 0, 5, 0, 10), 1);
	assert_int_equal(dw_seq_next(true, 5, 6, 1, 10), 2);
	assert_int_equal(dw_seq_next(true, 5, 15, 3, 10), 4);
	assert_int_equal(dw_seq_next(true, 5, 16, 3, 10), 1);
	assert_int_equal(dw_seq_next(true, 5, 5, 3, 10),
			 1); /* repeated number breaks it */
	assert_int_equal(dw_seq_next(true, 5, 4, 3, 10), 1); /* descending breaks it */
	assert_int_equal(dw_number_value("+86-139-0000-0001"), 8613900000001ULL);

	struct fx f;
	fx_open(&f, 300, 60, 10);
	const char *callees[] = {"8613900000100", "8613900000101", "8613900000102",
				 "8613900000110", "8613900000111", "8613900000300",
				 "8613900000301", "8613900000100"};
	for (int i = 0; i < 8; i++)
		add(&f, S(T0 + i), DW_EV_CALL_ATTEMPT, DW_DIR_MO, "460010000000001", "",
		    callees[i], "");
	/* an MT call in between does not break the run */
	add(&f, S(T0 + 9), DW_EV_CALL_ATTEMPT, DW_DIR_MT, "460010000000001", "",
	    "8613900000555", "");
	dw_windows_flush(f.w);
	assert_int_equal(f.sink.s[0].seq_run_max, 5);
	assert_int_equal(f.sink.s[0].distinct_callees, 7);
	fx_close(&f);
}

static void distinct_cap_and_sketch(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f, 300, 60, 1);
	char num[32];
	/* exactly at the cap: exact */
	for (int i = 0; i < DW_WIN_EXACT_CONTACTS; i++) {
		snprintf(num, sizeof num, "86139%08d", i * 7);
		add(&f, S(T0 + 1), DW_EV_CALL_ATTEMPT, DW_DIR_MO, "460010000000001", "",
		    num, "");
		add(&f, S(T0 + 1), DW_EV_CALL_ATTEMPT, DW_DIR_MO, "460010000000001", "",
		    num, "");
	}
	/* far beyond: estimated */
	for (int i = 0; i < 2000; i++) {
		snprintf(num, sizeof num, "86137%08d", i * 13);
		add(&f, S(T0 + 2), DW_EV_CALL_ATTEMPT, DW_DIR_MO, "460010000000002", "",
		    num, "");
		add(&f, S(T0 + 2), DW_EV_SMS_MO, DW_DIR_MO, "460010000000002", "", num,
		    "");
	}
	/* just beyond: never below the exact count reached */
	for (int i = 0; i < DW_WIN_EXACT_CONTACTS + 1; i++) {
		snprintf(num, sizeof num, "86136%08d", i);
		add(&f, S(T0 + 3), DW_EV_SMS_MO, DW_DIR_MO, "460010000000003", "", num,
		    "");
	}
	struct dw_window_stats st;
	dw_windows_get_stats(f.w, &st);
	assert_int_equal(st.estimated, 2);
	dw_windows_flush(f.w);
	assert_int_equal(f.sink.n, 3);
	const struct dw_summary *s1 = &f.sink.s[0], *s2 = &f.sink.s[1],
				*s3 = &f.sink.s[2];
	assert_int_equal(s1->calls_out, 2 * DW_WIN_EXACT_CONTACTS);
	assert_int_equal(s1->distinct_callees, DW_WIN_EXACT_CONTACTS);
	assert_int_equal(s1->n_sketch, DW_SUM_SKETCH_K);
	assert_int_equal(s2->calls_out, 2000);
	assert_true(s2->distinct_callees > 1400 && s2->distinct_callees < 2600);
	assert_true(s2->distinct_sms_dests > 1400 && s2->distinct_sms_dests < 2600);
	assert_true(s3->distinct_sms_dests >= DW_WIN_EXACT_CONTACTS);
	/* bottom-k: the 16 smallest contact hashes, ascending, whatever the mode */
	uint64_t want[DW_SUM_SKETCH_K];
	int n = 0;
	for (int i = 0; i < 2000; i++) {
		snprintf(num, sizeof num, "86137%08d", i * 13);
		uint64_t h = dw_contact_hash(num);
		int pos = n;
		while (pos > 0 && want[pos - 1] > h)
			pos--;
		if (pos >= DW_SUM_SKETCH_K)
			continue;
		int last = n < DW_SUM_SKETCH_K ? n : DW_SUM_SKETCH_K - 1;
		memmove(&want[pos + 1], &want[pos], (size_t)(last - pos) * sizeof *want);
		want[pos] = h;
		if (n < DW_SUM_SKETCH_K)
			n++;
	}
	assert_int_equal(s2->n_sketch, DW_SUM_SKETCH_K);
	assert_memory_equal(s2->contact_sketch, want, sizeof want);
	/* a known value of the fixed hash: FNV-1a 64 of "1" is 0xaf63ac4c86019afc */
	assert_true(dw_contact_hash("1") ==
		    (UINT64_C(0xaf63ac4c86019afc) & ~UINT64_C(1)));
	fx_close(&f);
}

static void msisdn_window_merges_into_imsi(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f, 300, 60, 10);
	add(&f, S(T0 + 1), DW_EV_CALL_ATTEMPT, DW_DIR_MO, "", "8613800000001",
	    "8613900000001", "c1");
	add(&f, S(T0 + 2), DW_EV_SMS_MO, DW_DIR_MO, "", "8613800000001", "8613900000002",
	    "c1");
	add(&f, S(T0 + 3), DW_EV_SESSION, DW_DIR_NONE, "460010000000001", "", "", "c1");
	struct dw_event ev;
	memset(&ev, 0, sizeof ev);
	ev.ts_us = S(T0 + 4);
	ev.kind = DW_EV_REGISTER;
	strcpy(ev.imsi, "460010000000001");
	strcpy(ev.msisdn, "8613800000001");
	assert_int_equal(dw_windows_add(f.w, &ev, 0, true), 0);
	struct dw_window_stats st;
	dw_windows_get_stats(f.w, &st);
	assert_int_equal(st.merged, 1);
	assert_int_equal(st.open, 1);
	dw_windows_flush(f.w);
	assert_int_equal(f.sink.n, 1);
	const struct dw_summary *s = &f.sink.s[0];
	assert_string_equal(s->imsi, "460010000000001");
	assert_string_equal(s->msisdn, "8613800000001");
	assert_int_equal(s->calls_out, 1);
	assert_int_equal(s->sms_out, 1);
	assert_int_equal(s->data_sessions, 1);
	assert_int_equal(s->registrations, 1);
	assert_int_equal(s->distinct_callees, 1);
	assert_int_equal(s->distinct_sms_dests, 1);
	assert_int_equal(s->cells[0].events, 3);
	assert_int_equal(s->first_event_us, S(T0 + 1));
	fx_close(&f);
}

static void bounds_and_order(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f, 300, 60, 10);
	char cell[40], imei[40];
	struct dw_event ev;
	for (int i = 0; i < 10; i++) {
		memset(&ev, 0, sizeof ev);
		ev.ts_us = S(T0 + 1);
		ev.kind = DW_EV_REGISTER;
		strcpy(ev.imsi, "460010000000009");
		snprintf(imei, sizeof imei, "351234560000%02d", i);
		strcpy(ev.imei, imei);
		snprintf(cell, sizeof cell, "c%d", i);
		/* cell c0 gets the most events */
		for (int k = 0; k < (i == 0 ? 5 : 1); k++)
			dw_windows_add(f.w, &ev, dw_cells_intern(f.cells, cell), false);
	}
	/* the last IMEI again: past the kept ones, a repeat counts once */
	for (int k = 0; k < 3; k++)
		dw_windows_add(f.w, &ev, 0, false);
	/* subscribers in scrambled order; MSISDN-only ones sort first ("" < digits) */
	add(&f, S(T0 + 2), DW_EV_REGISTER, DW_DIR_NONE, "460010000000002", "", "", "");
	add(&f, S(T0 + 2), DW_EV_REGISTER, DW_DIR_NONE, "", "8613800000002", "", "");
	add(&f, S(T0 + 2), DW_EV_REGISTER, DW_DIR_NONE, "46001000000001", "", "", "");
	add(&f, S(T0 + 2), DW_EV_REGISTER, DW_DIR_NONE, "", "8613800000001", "", "");
	/* an earlier window opened late still comes out first */
	add(&f, S(T0 - 299), DW_EV_REGISTER, DW_DIR_NONE, "460010000000005", "", "", "");
	dw_windows_flush(f.w);
	assert_int_equal(f.sink.n, 6);
	assert_int_equal(f.sink.s[0].window_start, T0 - 300);
	assert_string_equal(f.sink.s[1].msisdn, "8613800000001");
	assert_string_equal(f.sink.s[2].msisdn, "8613800000002");
	/* text order: "4600100000000" then '0' < '1' */
	assert_string_equal(f.sink.s[3].imsi, "460010000000002");
	assert_string_equal(f.sink.s[5].imsi, "46001000000001");
	const struct dw_summary *s = &f.sink.s[4];
	assert_string_equal(s->imsi, "460010000000009");
	assert_int_equal(s->n_imeis, DW_SUM_MAX_IMEIS);
	assert_true(s->imeis_seen >= 9 && s->imeis_seen <= 10); /* 6 past the kept, bitmap */
	assert_string_equal(s->imeis[0], "35123456000000");
	assert_int_equal(s->n_cells, DW_SUM_MAX_CELLS);
	assert_string_equal(s->cells[0].cell, "c0");
	assert_int_equal(s->cells[0].events, 5);
	fx_close(&f);
}

static void max_open_forces_close(void **state)
{
	(void)state;
	struct fx f;
	memset(&f, 0, sizeof f);
	f.cells = dw_cells_new(10);
	struct dw_window_opts o = {.seconds = 60,
				   .grace_s = 3600,
				   .short_call_s = 20,
				   .seq_max_step = 10,
				   .max_open = 4};
	f.w = dw_windows_new(&o, f.cells, collect, &f.sink);
	char imsi[40];
	for (int i = 0; i < 10; i++) {
		snprintf(imsi, sizeof imsi, "4600100000000%02d", i);
		add(&f, S(T0 + 60 * i), DW_EV_REGISTER, DW_DIR_NONE, imsi, "", "", "");
	}
	struct dw_window_stats st;
	dw_windows_get_stats(f.w, &st);
	assert_true(st.open <= 4);
	assert_int_equal(st.forced, 6);
	assert_int_equal(f.sink.n, 6);
	fx_close(&f);
}

/* A second capture file that starts where the first started: its events are late,
 * run their own clock, and do not pile up as open windows. */
static void second_file_rewinds_time(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f, 60, 10, 10);
	int64_t last = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (int t = 0; t < 600; t += 5) {
			struct dw_event ev;
			memset(&ev, 0, sizeof ev);
			ev.ts_us = S(T0 + t);
			ev.kind = pass ? DW_EV_SESSION : DW_EV_REGISTER;
			ev.session_op = DW_SESSION_CREATE;
			strcpy(ev.imsi, "460010000000001");
			if (ev.ts_us >
			    last) { /* the capture layer's clock never goes back */
				last = ev.ts_us;
				dw_windows_advance(f.w, ev.ts_us);
			}
			assert_int_equal(dw_windows_add(f.w, &ev, 0, false), 0);
		}
	}
	struct dw_window_stats st;
	dw_windows_get_stats(f.w, &st);
	assert_true(st.peak_open <= 3);
	assert_int_equal(st.late, 9); /* windows 0..8 of the second pass */
	dw_windows_flush(f.w);
	uint32_t reg = 0, data = 0;
	for (int i = 0; i < f.sink.n && i < 64; i++) {
		reg += f.sink.s[i].registrations;
		data += f.sink.s[i].data_sessions;
	}
	assert_int_equal(f.sink.n,
			 19); /* the last window of the first pass was still open */
	assert_int_equal(reg, 120);
	assert_int_equal(data, 120);
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(closes_on_packet_time_plus_grace),
	    cmocka_unit_test(call_and_sms_counts),
	    cmocka_unit_test(seq_runs),
	    cmocka_unit_test(distinct_cap_and_sketch),
	    cmocka_unit_test(msisdn_window_merges_into_imsi),
	    cmocka_unit_test(bounds_and_order),
	    cmocka_unit_test(max_open_forces_close),
	    cmocka_unit_test(second_file_rewinds_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
