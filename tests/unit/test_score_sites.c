/* test_score_sites.c: the scoring flags a synthetic den site and none of the hard
 * negatives (call centre, M2M fleet with gateway-like TACs, transport hub, normal
 * homes); flags are updated, not duplicated; a replay in steps gives the same
 * flags as one batch; allow-listed sites and numbers are never flagged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../correlator/scoring.h"
#include "../../correlator/store.h"

#define T0 1772409600LL
#define WS 300
#define NWIN 24 /* two hours */

static char dir[64];
static char db[128];
static uint64_t seq_ims, seq_s11;

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/dwscoreXXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof db, "%s/t.db", dir);
	seq_ims = seq_s11 = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[256];
	if (getenv("DW_TEST_KEEP")) { /* for debugging: keep the store */
		fprintf(stderr, "kept %s\n", dir);
		return 0;
	}
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

struct who {
	char imsi[16], msisdn[16], imei[15];
};

static void ident(struct who *w, int group, int i, const char *tac, int serial)
{
	snprintf(w->imsi, sizeof w->imsi, "46001%02d%08d", group, i);
	snprintf(w->msisdn, sizeof w->msisdn, "86139%02d%06d", group, i);
	snprintf(w->imei, sizeof w->imei, "%s%06d", tac, serial);
}

/* The IMS probe knows the number (and not always the IMSI); the S11 probe knows
 * IMSI, number, IMEI and cell. Both are stored as a real deployment sends them. */
static void add(struct dw_store *st, int64_t ws, const struct who *w, const char *cell,
		uint32_t calls_out, uint32_t answered, uint32_t short_calls, uint32_t seconds,
		uint32_t calls_in, uint32_t sms_out, uint32_t sms_in, uint32_t callees,
		uint32_t dests, uint32_t seq_run, uint32_t data, bool ims_knows_imsi)
{
	struct dw_summary s;
	memset(&s, 0, sizeof s);
	s.window_start = ws;
	s.window_seconds = WS;
	if (ims_knows_imsi)
		strcpy(s.imsi, w->imsi);
	strcpy(s.msisdn, w->msisdn);
	s.n_cells = 1;
	strcpy(s.cells[0].cell, cell);
	s.cells[0].events = calls_out + sms_out + calls_in + sms_in;
	s.calls_out = calls_out, s.calls_out_answered = answered, s.calls_out_short = short_calls;
	s.calls_out_seconds = seconds, s.calls_in = calls_in, s.calls_in_answered = calls_in;
	s.sms_out = sms_out, s.sms_in = sms_in, s.distinct_callees = callees;
	s.distinct_sms_dests = dests, s.seq_run_max = seq_run;
	s.first_event_us = (ws + 10) * 1000000LL, s.last_event_us = (ws + 290) * 1000000LL;
	if (calls_out + sms_out + calls_in + sms_in)
		assert_int_equal(dw_store_add_summary(st, "ims", ++seq_ims, &s), 1);
	memset(&s, 0, sizeof s);
	s.window_start = ws;
	s.window_seconds = WS;
	strcpy(s.imsi, w->imsi);
	strcpy(s.msisdn, w->msisdn);
	s.n_imeis = 1;
	strcpy(s.imeis[0], w->imei);
	s.n_cells = 1;
	strcpy(s.cells[0].cell, cell);
	s.cells[0].events = 1 + data;
	s.data_sessions = data;
	s.first_event_us = (ws + 5) * 1000000LL, s.last_event_us = (ws + 200) * 1000000LL;
	assert_int_equal(dw_store_add_summary(st, "s11", ++seq_s11, &s), 1);
}

/* den_start: window index at which the den powers on. */
static void populate(struct dw_store *st, int den_start)
{
	char cells[256];
	snprintf(cells, sizeof cells, "%s/cells.csv", dir);
	write_text(cells, "cgi,site_id,lat,lon,azimuth,address\n"
			  "460-01-1-100,DEN,31.20,121.40,0,Room 1203\n"
			  "460-01-1-200,CALLC,31.21,121.41,0,Call centre\n"
			  "460-01-1-300,M2M,31.22,121.42,0,Logistics depot\n"
			  "460-01-1-400,HUB,31.23,121.43,0,Station\n"
			  "460-01-1-401,HUB,31.23,121.43,120,Station\n"
			  "460-01-1-500,HOMES,31.24,121.44,0,Homes\n");
	char err[256];
	assert_int_equal(dw_store_load_cells(st, cells, err, sizeof err), 0);
	for (int w = 0; w < NWIN; w++) {
		int64_t ws = T0 + (int64_t)w * WS;
		assert_int_equal(dw_store_begin(st), 0);
		struct who p;
		/* Homes: people at home with some background callers (baseline). */
		for (int i = 0; i < 30; i++) {
			ident(&p, 1, i, "35123456", 1000 + i * 977);
			add(st, ws, &p, i < 20 ? "460-01-1-500" : "460-01-1-100", (w + i) % 4 == 0, (w + i) % 4 == 0, 0,
			    (w + i) % 4 == 0 ? 120 : 0, (w + i) % 5 == 0, (w + i) % 6 == 0, (w + i) % 7 == 0,
			    (w + i) % 4 == 0, (w + i) % 6 == 0, 0, 1, true);
		}
		/* Den: 8 ports of one gateway, bulk short calls and SMS, no data. */
		if (w >= den_start)
			for (int i = 0; i < 8; i++) {
				ident(&p, 2, i, "86123400", 101 + i);
				add(st, ws, &p, "460-01-1-100", 14, 3, 3, 45, 0, 6, 0, 14, 6, 9, 0,
				    false);
			}
		/* Call centre: 10 agents, two-way, long answered calls to repeat contacts. */
		for (int i = 0; i < 10; i++) {
			ident(&p, 3, i, "35987654", 2000 + i * 13);
			add(st, ws, &p, "460-01-1-200", 6, 5, 0, 5 * 240, 4, 1, 1, 3, 1, 0, 0, true);
		}
		/* M2M fleet: modems of a gateway-listed TAC, close serials, data only. */
		for (int i = 0; i < 20; i++) {
			ident(&p, 4, i, "35467008", 500 + i);
			add(st, ws, &p, "460-01-1-300", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, true);
		}
		/* Hub: many people passing through, each normal and moving. */
		for (int i = 0; i < 60; i++) {
			ident(&p, 5, i, "35111111", 3000 + i * 101);
			const char *cell = (w + i) % 3 == 0 ? "460-01-1-400"
					   : (w + i) % 3 == 1 ? "460-01-1-401"
							      : "460-01-1-500";
			add(st, ws, &p, cell, 1, 1, 0, 90, 1, 1, 1, 1, 1, 0, 2, true);
		}
		assert_int_equal(dw_store_commit(st), 0);
	}
}

static void config(struct dw_config *cfg, const char *extra_set)
{
	char err[512];
	dw_config_init(cfg);
	const char *sets[] = { "scoring.gateway_tacs=", "scoring.extra_tacs=86123400,35467008",
			       "scoring.allowlist_numbers=", "scoring.allowlist_sites=" };
	for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++)
		assert_int_equal(dw_config_set(cfg, sets[i], err, sizeof err), 0);
	if (extra_set)
		assert_int_equal(dw_config_set(cfg, extra_set, err, sizeof err), 0);
}

static int count(struct dw_store *st, const char *sql)
{
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(dw_store_db(st), sql, -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	int n = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	return n;
}

static void flags_den_not_negatives(void **state)
{
	(void)state;
	char err[256];
	struct dw_store *st = dw_store_open(db, err, sizeof err);
	populate(st, 6);
	struct dw_config cfg;
	config(&cfg, NULL);
	assert_true(dw_scoring_run(st, &cfg, 1) > 0);
	assert_int_equal(count(st, "SELECT count(*) FROM flag WHERE site_id = 'DEN'"), 1);
	assert_int_equal(count(st, "SELECT count(*) FROM flag"), 1);
	/* Flagged soon after the den started (event time), and kept updated. */
	int first = count(st, "SELECT first_flagged FROM flag");
	int last = count(st, "SELECT last_flagged FROM flag");
	assert_true(first <= T0 + 6 * WS + 3 * WS);
	assert_int_equal(last, T0 + NWIN * WS);
	assert_int_equal(count(st, "SELECT count(*) FROM flag_history"), 1);
	/* Evidence names its rules, the eight SIMs (joined across both probes) and
	 * the gateway's IMEIs. */
	assert_int_equal(count(st, "SELECT count(*) FROM flag_sim WHERE site_id='DEN'"), 8);
	assert_int_equal(count(st, "SELECT count(*) FROM flag_sim WHERE msisdn = '' OR imsi = ''"), 0);
	assert_int_equal(count(st, "SELECT instr(evidence, '\"rule\":\"suspects\"') > 0 FROM flag"), 1);
	assert_int_equal(count(st, "SELECT instr(evidence, '\"rule\":\"serial_cluster\"') > 0 FROM flag"), 1);
	assert_int_equal(count(st, "SELECT instr(evidence, '86123400000101') > 0 FROM flag"), 1);
	/* Every window was scored; nothing is left to score. */
	assert_int_equal(dw_scoring_run(st, &cfg, 1), 0);
	dw_config_free(&cfg);
	dw_store_close(st);
}

static void replay_in_steps_gives_same_flags(void **state)
{
	(void)state;
	char err[256];
	struct dw_store *st = dw_store_open(db, err, sizeof err);
	populate(st, 4);
	struct dw_config cfg;
	config(&cfg, NULL);
	/* With no live budget, nothing is scored before the end. */
	struct dw_config none;
	config(&none, "scoring.live_budget_ms=0");
	assert_int_equal(dw_scoring_run(st, &none, 0), 0);
	assert_int_equal(count(st, "SELECT count(*) FROM site_score"), 0);
	dw_config_free(&none);
	/* Live: sensors not done; the frontier is the newest window start. */
	int n1 = 0, r;
	while ((r = dw_scoring_run(st, &cfg, 0)) > 0) /* live mode has a time budget */
		n1 += r;
	assert_int_equal(r, 0);
	assert_int_equal(n1, NWIN - 1);
	int n2 = dw_scoring_run(st, &cfg, 1);
	assert_int_equal(n2, 1);
	int first = count(st, "SELECT first_flagged FROM flag WHERE site_id='DEN'");
	double score;
	sqlite3_stmt *q;
	sqlite3_prepare_v2(dw_store_db(st), "SELECT score FROM flag", -1, &q, NULL);
	sqlite3_step(q);
	score = sqlite3_column_double(q, 0);
	sqlite3_finalize(q);
	/* Batch replay of the same store from scratch. */
	assert_int_equal(dw_store_reset_derived(st), 0);
	assert_int_equal(dw_scoring_run(st, &cfg, 1), NWIN);
	assert_int_equal(count(st, "SELECT first_flagged FROM flag WHERE site_id='DEN'"), first);
	assert_int_equal(count(st, "SELECT count(*) FROM flag"), 1);
	sqlite3_prepare_v2(dw_store_db(st), "SELECT score FROM flag", -1, &q, NULL);
	sqlite3_step(q);
	assert_true(sqlite3_column_double(q, 0) == score);
	sqlite3_finalize(q);
	dw_config_free(&cfg);
	dw_store_close(st);
}

static void allow_lists_are_honoured(void **state)
{
	(void)state;
	char err[256], path[160], set[200];
	struct dw_store *st = dw_store_open(db, err, sizeof err);
	populate(st, 0);
	struct dw_config cfg;
	snprintf(path, sizeof path, "%s/allow_sites.csv", dir);
	write_text(path, "site_id,note\nDEN,our own test lab\n");
	snprintf(set, sizeof set, "scoring.allowlist_sites=%s", path);
	config(&cfg, set);
	assert_true(dw_scoring_run(st, &cfg, 1) > 0);
	assert_int_equal(count(st, "SELECT count(*) FROM flag"), 0);
	dw_config_free(&cfg);

	snprintf(path, sizeof path, "%s/allow_numbers.csv", dir);
	write_text(path, "msisdn,note\n8613902000000\n8613902000001\n8613902000002\n"
			 "8613902000003\n8613902000004\n8613902000005\n8613902000006\n");
	snprintf(set, sizeof set, "scoring.allowlist_numbers=%s", path);
	config(&cfg, set);
	dw_store_reset_derived(st);
	assert_true(dw_scoring_run(st, &cfg, 1) > 0);
	/* One den SIM is left: fewer than site_suspects_min. */
	assert_int_equal(count(st, "SELECT count(*) FROM flag"), 0);
	dw_config_free(&cfg);
	dw_store_close(st);
}

static void device_rules_alone_never_flag(void **state)
{
	(void)state;
	char err[256];
	struct dw_store *st = dw_store_open(db, err, sizeof err);
	populate(st, 0);
	struct dw_config cfg;
	/* Device rules weigh enormously, behaviour cannot make a suspect: the den's
	 * gateway TAC, serial cluster and M2M modems still flag nothing. */
	config(&cfg, "scoring.suspect_min_behaviour=1000");
	char e2[256];
	assert_int_equal(dw_config_set(&cfg, "scoring.w_serial_cluster=100", e2, sizeof e2), 0);
	assert_int_equal(dw_config_set(&cfg, "scoring.w_site_tacs=100", e2, sizeof e2), 0);
	assert_true(dw_scoring_run(st, &cfg, 1) > 0);
	assert_int_equal(count(st, "SELECT count(*) FROM flag"), 0);
	/* ...though the M2M site's device evidence is scored and kept. */
	assert_true(count(st, "SELECT count(*) FROM site_score WHERE site_id = 'M2M'") > 0);
	dw_config_free(&cfg);
	dw_store_close(st);
}

static void bad_list_names_file_and_line(void **state)
{
	(void)state;
	char err[512], path[160], set[200];
	snprintf(path, sizeof path, "%s/tacs.csv", dir);
	write_text(path, "tac,vendor\n86123400,x\n8612340,short\n");
	snprintf(set, sizeof set, "scoring.gateway_tacs=%s", path);
	struct dw_config cfg;
	config(&cfg, set);
	assert_int_equal(dw_scoring_check_config(&cfg, err, sizeof err), -1);
	assert_non_null(strstr(err, "scoring.gateway_tacs"));
	assert_non_null(strstr(err, "tacs.csv:3:"));
	dw_config_free(&cfg);
	config(&cfg, "scoring.allowlist_sites=/nonexistent/allow.csv");
	assert_int_equal(dw_scoring_check_config(&cfg, err, sizeof err), -1);
	assert_non_null(strstr(err, "--set: scoring.allowlist_sites: cannot open '/nonexistent/allow.csv'"));
	dw_config_free(&cfg);
	config(&cfg, "scoring.extra_tacs=1234");
	assert_int_equal(dw_scoring_check_config(&cfg, err, sizeof err), -1);
	assert_non_null(strstr(err, "scoring.extra_tacs: '1234'"));
	dw_config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(flags_den_not_negatives, setup, teardown),
		cmocka_unit_test_setup_teardown(replay_in_steps_gives_same_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(allow_lists_are_honoured, setup, teardown),
		cmocka_unit_test_setup_teardown(device_rules_alone_never_flag, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_list_names_file_and_line, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
