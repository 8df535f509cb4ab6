/* store.c: the correlator's SQLite store: schema and migrations (PRAGMA
 * user_version), the batched insert path for summaries (append-ordered indexes
 * only), the cell-site table, and small helpers used by scoring and the commands.
 * Aggregates (subscribers, devices, site statistics) are built by scoring when a
 * window closes, never per inserted row (DESIGN 5). */
#include "store.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "denwatch/log.h"

#define MAX_SENSORS 256

struct sensor_state {
	char id[64];
	uint64_t last_seq;
	int64_t max_window;  /* newest window_start received */
	int64_t max_end;     /* newest window end received */
	int done;
	int dirty;
};

struct dw_store {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *ins_summary;
	sqlite3_stmt *upd_sensor;
	struct sensor_state sensors[MAX_SENSORS];
	int nsensors;
};

/* Migrations: MIGRATIONS[i] brings user_version i to i + 1. */
static const char *const MIGRATIONS[] = {
	/* 0 -> 1: the first schema. */
	"CREATE TABLE summary ("
	" id INTEGER PRIMARY KEY,"
	" sensor_id TEXT NOT NULL, seq INTEGER NOT NULL,"
	" window_start INTEGER NOT NULL, window_seconds INTEGER NOT NULL,"
	" imsi TEXT NOT NULL, msisdn TEXT NOT NULL,"
	" imeis TEXT NOT NULL, imeis_seen INTEGER NOT NULL, cells TEXT NOT NULL,"
	" calls_out INTEGER, calls_out_answered INTEGER, calls_out_short INTEGER,"
	" calls_out_failed INTEGER, calls_out_seconds INTEGER, calls_in INTEGER,"
	" calls_in_answered INTEGER, sms_out INTEGER, sms_in INTEGER,"
	" distinct_callees INTEGER, distinct_sms_dests INTEGER, seq_run_max INTEGER,"
	" data_sessions INTEGER, registrations INTEGER,"
	" first_event_us INTEGER, last_event_us INTEGER, sketch BLOB);"
	/* Both indexes grow at their end: per sensor, seq and windows ascend. */
	"CREATE UNIQUE INDEX summary_sensor_seq ON summary(sensor_id, seq);"
	"CREATE INDEX summary_window ON summary(window_start);"
	"CREATE TABLE sensor (sensor_id TEXT PRIMARY KEY, last_seq INTEGER NOT NULL,"
	" max_window INTEGER NOT NULL, max_end INTEGER NOT NULL, done INTEGER NOT NULL);"
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
	"CREATE TABLE cell (cgi TEXT PRIMARY KEY, site_id TEXT NOT NULL, lat REAL,"
	" lon REAL, azimuth REAL, address TEXT);"
	"CREATE TABLE site (site_id TEXT PRIMARY KEY, lat REAL, lon REAL, address TEXT);"
	"CREATE TABLE subscriber (imsi TEXT PRIMARY KEY, msisdn TEXT NOT NULL,"
	" first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL);"
	"CREATE INDEX subscriber_msisdn ON subscriber(msisdn);"
	"CREATE TABLE device_link (imei TEXT NOT NULL, imsi TEXT NOT NULL,"
	" first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,"
	" PRIMARY KEY (imei, imsi)) WITHOUT ROWID;"
	"CREATE INDEX device_link_imsi ON device_link(imsi);"
	"CREATE TABLE site_stat (site_id TEXT NOT NULL, window_start INTEGER NOT NULL,"
	" subscribers INTEGER NOT NULL, out_volume INTEGER NOT NULL,"
	" in_volume INTEGER NOT NULL, PRIMARY KEY (site_id, window_start)) WITHOUT ROWID;"
	"CREATE TABLE site_score (site_id TEXT NOT NULL, window_end INTEGER NOT NULL,"
	" score REAL NOT NULL, suspects INTEGER NOT NULL, evidence TEXT NOT NULL,"
	" PRIMARY KEY (site_id, window_end)) WITHOUT ROWID;"
	"CREATE TABLE flag (site_id TEXT PRIMARY KEY, status TEXT NOT NULL,"
	" score REAL NOT NULL, last_score REAL NOT NULL, first_flagged INTEGER NOT NULL,"
	" last_flagged INTEGER NOT NULL, evidence TEXT NOT NULL);"
	"CREATE TABLE flag_sim (site_id TEXT NOT NULL, sub TEXT NOT NULL,"
	" imsi TEXT NOT NULL, msisdn TEXT NOT NULL, imeis TEXT NOT NULL,"
	" calls_out INTEGER NOT NULL, sms_out INTEGER NOT NULL, calls_in INTEGER NOT NULL,"
	" sms_in INTEGER NOT NULL, rules TEXT NOT NULL,"
	" first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,"
	" PRIMARY KEY (site_id, sub)) WITHOUT ROWID;"
	"CREATE TABLE flag_history (id INTEGER PRIMARY KEY, site_id TEXT NOT NULL,"
	" status TEXT NOT NULL, event_time INTEGER, at_wall INTEGER NOT NULL,"
	" who TEXT NOT NULL, note TEXT NOT NULL);"
	"CREATE TABLE verification (id INTEGER PRIMARY KEY, site_id TEXT NOT NULL,"
	" outcome TEXT NOT NULL, note TEXT NOT NULL, who TEXT NOT NULL,"
	" at_wall INTEGER NOT NULL);",
};
#define SCHEMA_VERSION ((int)(sizeof MIGRATIONS / sizeof MIGRATIONS[0]))

static const char INSERT_SQL[] =
	"INSERT OR IGNORE INTO summary (sensor_id, seq, window_start, window_seconds,"
	" imsi, msisdn, imeis, imeis_seen, cells, calls_out, calls_out_answered,"
	" calls_out_short, calls_out_failed, calls_out_seconds, calls_in,"
	" calls_in_answered, sms_out, sms_in, distinct_callees, distinct_sms_dests,"
	" seq_run_max, data_sessions, registrations, first_event_us, last_event_us,"
	" sketch) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

static const char SELECT_COLS[] =
	"SELECT sensor_id, window_start, window_seconds, imsi, msisdn, imeis,"
	" imeis_seen, cells, calls_out, calls_out_answered, calls_out_short,"
	" calls_out_failed, calls_out_seconds, calls_in, calls_in_answered, sms_out,"
	" sms_in, distinct_callees, distinct_sms_dests, seq_run_max, data_sessions,"
	" registrations, first_event_us, last_event_us, sketch FROM summary";

static int exec(struct dw_store *st, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		LOG_ERROR("store", "%s: %s", st->path, msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int user_version(sqlite3 *db)
{
	sqlite3_stmt *s;
	int v = -1;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

static int migrate(struct dw_store *st, char *err, size_t errlen)
{
	int v = user_version(st->db);
	if (v < 0) {
		snprintf(err, errlen, "%s: not a readable SQLite database: %s", st->path,
			 sqlite3_errmsg(st->db));
		return -1;
	}
	if (v > SCHEMA_VERSION) {
		snprintf(err, errlen, "%s: schema version %d is newer than this program's %d",
			 st->path, v, SCHEMA_VERSION);
		return -1;
	}
	for (; v < SCHEMA_VERSION; v++) {
		char *msg = NULL;
		char pragma[64];
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d;", v + 1);
		if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(st->db, MIGRATIONS[v], NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(st->db, pragma, NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(st->db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
			snprintf(err, errlen, "%s: cannot migrate schema to version %d: %s",
				 st->path, v + 1, msg ? msg : sqlite3_errmsg(st->db));
			sqlite3_free(msg);
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	return 0;
}

static int load_sensors(struct dw_store *st)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db,
			       "SELECT sensor_id, last_seq, max_window, max_end, done FROM sensor",
			       -1, &s, NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(s) == SQLITE_ROW && st->nsensors < MAX_SENSORS) {
		struct sensor_state *ss = &st->sensors[st->nsensors++];
		memset(ss, 0, sizeof *ss);
		snprintf(ss->id, sizeof ss->id, "%s", (const char *)sqlite3_column_text(s, 0));
		ss->last_seq = (uint64_t)sqlite3_column_int64(s, 1);
		ss->max_window = sqlite3_column_int64(s, 2);
		ss->max_end = sqlite3_column_int64(s, 3);
		ss->done = sqlite3_column_int(s, 4);
	}
	sqlite3_finalize(s);
	return 0;
}

static struct dw_store *open_common(const char *path, int flags, char *err, size_t errlen)
{
	struct dw_store *st = calloc(1, sizeof *st);
	if (!st) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	st->path = strdup(path);
	if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot open database: %s", path,
			 st->db ? sqlite3_errmsg(st->db) : "out of memory");
		dw_store_close(st);
		return NULL;
	}
	sqlite3_busy_timeout(st->db, 5000);
	char *msg = NULL;
	if (sqlite3_exec(st->db,
			 "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
			 " PRAGMA foreign_keys=OFF; PRAGMA temp_store=MEMORY;"
			 " PRAGMA cache_size=-16384;",
			 NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "%s: not a usable SQLite database: %s", path,
			 msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		dw_store_close(st);
		return NULL;
	}
	if (migrate(st, err, errlen) != 0 || load_sensors(st) != 0 ||
	    sqlite3_prepare_v2(st->db, INSERT_SQL, -1, &st->ins_summary, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(st->db,
			       "INSERT INTO sensor (sensor_id, last_seq, max_window, max_end, done)"
			       " VALUES (?,?,?,?,?) ON CONFLICT(sensor_id) DO UPDATE SET"
			       " last_seq=excluded.last_seq, max_window=excluded.max_window,"
			       " max_end=excluded.max_end, done=excluded.done",
			       -1, &st->upd_sensor, NULL) != SQLITE_OK) {
		if (!err[0] || strncmp(err, path, strlen(path)) != 0)
			snprintf(err, errlen, "%s: cannot prepare the store: %s", path,
				 sqlite3_errmsg(st->db));
		dw_store_close(st);
		return NULL;
	}
	return st;
}

struct dw_store *dw_store_open(const char *path, char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = '\0';
	return open_common(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			   err, errlen);
}

struct dw_store *dw_store_open_existing(const char *path, char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = '\0';
	if (access(path, F_OK) != 0) {
		snprintf(err, errlen, "%s: cannot open database: %s", path, strerror(errno));
		return NULL;
	}
	return open_common(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, err, errlen);
}

void dw_store_close(struct dw_store *st)
{
	if (!st)
		return;
	sqlite3_finalize(st->ins_summary);
	sqlite3_finalize(st->upd_sensor);
	if (st->db)
		sqlite3_close(st->db);
	free(st->path);
	free(st);
}

sqlite3 *dw_store_db(struct dw_store *st) { return st->db; }
const char *dw_store_path(const struct dw_store *st) { return st->path; }

int dw_store_begin(struct dw_store *st) { return exec(st, "BEGIN IMMEDIATE"); }

static int flush_sensors(struct dw_store *st)
{
	for (int i = 0; i < st->nsensors; i++) {
		struct sensor_state *ss = &st->sensors[i];
		if (!ss->dirty)
			continue;
		sqlite3_stmt *s = st->upd_sensor;
		sqlite3_reset(s);
		sqlite3_bind_text(s, 1, ss->id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, (int64_t)ss->last_seq);
		sqlite3_bind_int64(s, 3, ss->max_window);
		sqlite3_bind_int64(s, 4, ss->max_end);
		sqlite3_bind_int(s, 5, ss->done);
		if (sqlite3_step(s) != SQLITE_DONE) {
			LOG_ERROR("store", "%s: sensor %s: %s", st->path, ss->id,
				  sqlite3_errmsg(st->db));
			return -1;
		}
		ss->dirty = 0;
	}
	return 0;
}

int dw_store_commit(struct dw_store *st)
{
	if (flush_sensors(st) != 0)
		return -1;
	return exec(st, "COMMIT");
}

int dw_store_rollback(struct dw_store *st)
{
	int rv = exec(st, "ROLLBACK");
	/* The in-memory sensor states may hold rolled-back progress: reload. */
	st->nsensors = 0;
	load_sensors(st);
	return rv;
}

static struct sensor_state *sensor_get(struct dw_store *st, const char *id)
{
	for (int i = 0; i < st->nsensors; i++)
		if (strcmp(st->sensors[i].id, id) == 0)
			return &st->sensors[i];
	if (st->nsensors == MAX_SENSORS || strlen(id) >= sizeof st->sensors[0].id)
		return NULL;
	struct sensor_state *ss = &st->sensors[st->nsensors++];
	memset(ss, 0, sizeof *ss);
	snprintf(ss->id, sizeof ss->id, "%s", id);
	ss->dirty = 1;
	return ss;
}

/* The insert path's text columns, built without printf (it is hot). */
static size_t put(char *out, size_t n, size_t cap, const char *src, size_t len)
{
	if (n + len < cap) {
		memcpy(out + n, src, len);
		n += len;
	}
	out[n < cap ? n : cap - 1] = '\0';
	return n;
}

/* "a,b,c" from the summary's IMEIs. */
static void join_imeis(const struct dw_summary *s, char *out, size_t outlen)
{
	size_t n = 0;
	out[0] = '\0';
	for (int i = 0; i < s->n_imeis && i < DW_SUM_MAX_IMEIS; i++) {
		if (i)
			n = put(out, n, outlen, ",", 1);
		n = put(out, n, outlen, s->imeis[i], strnlen(s->imeis[i], DW_IMEI_LEN));
	}
}

/* "cell=events,cell=events". */
static void join_cells(const struct dw_summary *s, char *out, size_t outlen)
{
	size_t n = 0;
	out[0] = '\0';
	for (int i = 0; i < s->n_cells && i < DW_SUM_MAX_CELLS; i++) {
		char num[12];
		size_t k = sizeof num;
		uint32_t v = s->cells[i].events;
		do {
			num[--k] = (char)('0' + v % 10);
			v /= 10;
		} while (v);
		if (i)
			n = put(out, n, outlen, ",", 1);
		n = put(out, n, outlen, s->cells[i].cell, strnlen(s->cells[i].cell, DW_CELL_MAX - 1));
		n = put(out, n, outlen, "=", 1);
		n = put(out, n, outlen, num + k, sizeof num - k);
	}
}

int dw_store_add_summary(struct dw_store *st, const char *sensor_id, uint64_t seq,
			 const struct dw_summary *s)
{
	struct sensor_state *ss = sensor_get(st, sensor_id);
	if (!ss) {
		LOG_ERROR("store", "too many sensors or sensor id too long: %s", sensor_id);
		return -1;
	}
	char imeis[DW_SUM_MAX_IMEIS * (DW_IMEI_LEN + 1) + 1];
	char cells[DW_SUM_MAX_CELLS * (DW_CELL_MAX + 12) + 1];
	uint8_t sketch[DW_SUM_SKETCH_K * 8];
	int nsk = s->n_sketch > DW_SUM_SKETCH_K ? DW_SUM_SKETCH_K : s->n_sketch;
	join_imeis(s, imeis, sizeof imeis);
	join_cells(s, cells, sizeof cells);
	for (int i = 0; i < nsk; i++)
		for (int b = 0; b < 8; b++)
			sketch[i * 8 + b] = (uint8_t)(s->contact_sketch[i] >> (8 * b));

	sqlite3_stmt *q = st->ins_summary;
	sqlite3_reset(q);
	int c = 1;
	sqlite3_bind_text(q, c++, sensor_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, c++, (int64_t)seq);
	sqlite3_bind_int64(q, c++, s->window_start);
	sqlite3_bind_int64(q, c++, s->window_seconds);
	sqlite3_bind_text(q, c++, s->imsi, (int)strnlen(s->imsi, sizeof s->imsi), SQLITE_STATIC);
	sqlite3_bind_text(q, c++, s->msisdn, (int)strnlen(s->msisdn, sizeof s->msisdn),
			  SQLITE_STATIC);
	sqlite3_bind_text(q, c++, imeis, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, c++, s->imeis_seen);
	sqlite3_bind_text(q, c++, cells, -1, SQLITE_STATIC);
	const uint32_t counters[] = { s->calls_out,        s->calls_out_answered,
				      s->calls_out_short,  s->calls_out_failed,
				      s->calls_out_seconds, s->calls_in,
				      s->calls_in_answered, s->sms_out,
				      s->sms_in,           s->distinct_callees,
				      s->distinct_sms_dests, s->seq_run_max,
				      s->data_sessions,    s->registrations };
	for (size_t i = 0; i < sizeof counters / sizeof counters[0]; i++)
		sqlite3_bind_int64(q, c++, counters[i]);
	sqlite3_bind_int64(q, c++, s->first_event_us);
	sqlite3_bind_int64(q, c++, s->last_event_us);
	sqlite3_bind_blob(q, c++, sketch, nsk * 8, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE) {
		LOG_ERROR("store", "%s: insert summary: %s", st->path, sqlite3_errmsg(st->db));
		return -1;
	}
	if (sqlite3_changes(st->db) == 0)
		return 0;
	if (seq > ss->last_seq)
		ss->last_seq = seq;
	if (s->window_start > ss->max_window)
		ss->max_window = s->window_start;
	int64_t end = s->window_start + (int64_t)s->window_seconds;
	if (end > ss->max_end)
		ss->max_end = end;
	ss->dirty = 1;
	return 1;
}

int dw_store_sensor_done(struct dw_store *st, const char *sensor_id, uint64_t last_seq)
{
	struct sensor_state *ss = sensor_get(st, sensor_id);
	if (!ss)
		return -1;
	ss->done = 1;
	if (last_seq > ss->last_seq)
		ss->last_seq = last_seq;
	ss->dirty = 1;
	return 0;
}

uint64_t dw_store_max_seq(struct dw_store *st, const char *sensor_id)
{
	for (int i = 0; i < st->nsensors; i++)
		if (strcmp(st->sensors[i].id, sensor_id) == 0)
			return st->sensors[i].last_seq;
	return 0;
}

void dw_store_each_finished_sensor(struct dw_store *st,
				   void (*fn)(void *arg, const char *sensor_id, uint64_t last_seq),
				   void *arg)
{
	for (int i = 0; i < st->nsensors; i++)
		if (st->sensors[i].done)
			fn(arg, st->sensors[i].id, st->sensors[i].last_seq);
}

int64_t dw_store_event_time(struct dw_store *st)
{
	int64_t t = 0;
	for (int i = 0; i < st->nsensors; i++)
		if (st->sensors[i].max_end > t)
			t = st->sensors[i].max_end;
	return t;
}

int64_t dw_store_closed_until(struct dw_store *st, int final)
{
	if (final)
		return dw_store_event_time(st);
	int64_t t = INT64_MAX;
	int any = 0, all_done = 1;
	for (int i = 0; i < st->nsensors; i++) {
		const struct sensor_state *ss = &st->sensors[i];
		if (ss->max_end == 0)
			continue;
		any = 1;
		if (ss->done)
			continue;
		all_done = 0;
		if (ss->max_window < t)
			t = ss->max_window;
	}
	if (!any)
		return 0;
	return all_done ? dw_store_event_time(st) : t;
}

static int64_t query_int(struct dw_store *st, const char *sql, int64_t def)
{
	sqlite3_stmt *s;
	int64_t v = def;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return def;
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

int64_t dw_store_first_window(struct dw_store *st)
{
	return query_int(st, "SELECT min(window_start) FROM summary", 0);
}

int64_t dw_store_summary_count(struct dw_store *st)
{
	return query_int(st, "SELECT count(*) FROM summary", 0);
}

int64_t dw_store_meta_get(struct dw_store *st, const char *key, int64_t def)
{
	sqlite3_stmt *s;
	int64_t v = def;
	if (sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key = ?", -1, &s, NULL) !=
	    SQLITE_OK)
		return def;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

int dw_store_meta_set(struct dw_store *st, const char *key, int64_t value)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db,
			       "INSERT INTO meta (key, value) VALUES (?, ?)"
			       " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
			       -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, value);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void split_imeis(const char *text, struct dw_summary *s)
{
	const char *p = text;
	while (*p && s->n_imeis < DW_SUM_MAX_IMEIS) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		if (n == DW_IMEI_LEN) {
			memcpy(s->imeis[s->n_imeis], p, n);
			s->imeis[s->n_imeis][n] = '\0';
			s->n_imeis++;
		}
		if (!comma)
			break;
		p = comma + 1;
	}
}

static void split_cells(const char *text, struct dw_summary *s)
{
	const char *p = text;
	while (*p && s->n_cells < DW_SUM_MAX_CELLS) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		const char *eq = memchr(p, '=', n);
		if (eq && (size_t)(eq - p) < DW_CELL_MAX) {
			struct dw_cell_count *cc = &s->cells[s->n_cells++];
			memcpy(cc->cell, p, (size_t)(eq - p));
			cc->cell[eq - p] = '\0';
			cc->events = (uint32_t)strtoul(eq + 1, NULL, 10);
		}
		if (!comma)
			break;
		p = comma + 1;
	}
}

static void row_to_summary(sqlite3_stmt *q, struct dw_summary *s)
{
	memset(s, 0, sizeof *s);
	int c = 1;
	s->window_start = sqlite3_column_int64(q, c++);
	s->window_seconds = (uint32_t)sqlite3_column_int64(q, c++);
	snprintf(s->imsi, sizeof s->imsi, "%s", (const char *)sqlite3_column_text(q, c++));
	snprintf(s->msisdn, sizeof s->msisdn, "%s", (const char *)sqlite3_column_text(q, c++));
	split_imeis((const char *)sqlite3_column_text(q, c++), s);
	s->imeis_seen = (uint8_t)sqlite3_column_int(q, c++);
	split_cells((const char *)sqlite3_column_text(q, c++), s);
	uint32_t *counters[] = { &s->calls_out,        &s->calls_out_answered,
				 &s->calls_out_short,  &s->calls_out_failed,
				 &s->calls_out_seconds, &s->calls_in,
				 &s->calls_in_answered, &s->sms_out,
				 &s->sms_in,           &s->distinct_callees,
				 &s->distinct_sms_dests, &s->seq_run_max,
				 &s->data_sessions,    &s->registrations };
	for (size_t i = 0; i < sizeof counters / sizeof counters[0]; i++)
		*counters[i] = (uint32_t)sqlite3_column_int64(q, c++);
	s->first_event_us = sqlite3_column_int64(q, c++);
	s->last_event_us = sqlite3_column_int64(q, c++);
	const uint8_t *blob = sqlite3_column_blob(q, c);
	int bytes = sqlite3_column_bytes(q, c);
	for (int i = 0; blob && i < bytes / 8 && i < DW_SUM_SKETCH_K; i++) {
		uint64_t v = 0;
		for (int b = 0; b < 8; b++)
			v |= (uint64_t)blob[i * 8 + b] << (8 * b);
		s->contact_sketch[s->n_sketch++] = v;
	}
}

int dw_store_each_summary(struct dw_store *st, int64_t from, int64_t to, dw_summary_fn fn,
			  void *ctx)
{
	char sql[sizeof SELECT_COLS + 96];
	snprintf(sql, sizeof sql, "%s WHERE window_start >= ? AND window_start < ? ORDER BY window_start, id",
		 SELECT_COLS);
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(st->db, sql, -1, &q, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(q, 1, from);
	sqlite3_bind_int64(q, 2, to);
	int rc, rv = 0;
	struct dw_summary s;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		row_to_summary(q, &s);
		if ((rv = fn(ctx, (const char *)sqlite3_column_text(q, 0), &s)) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		rv = -1;
	sqlite3_finalize(q);
	return rv;
}

int dw_store_reset_derived(struct dw_store *st)
{
	return exec(st, "DELETE FROM subscriber; DELETE FROM device_link;"
			" DELETE FROM site_stat; DELETE FROM site_score; DELETE FROM flag;"
			" DELETE FROM flag_sim; DELETE FROM flag_history;"
			" DELETE FROM meta WHERE key = 'scored_until';");
}

static int copy_to(struct dw_store *st, const char *path, char *err, size_t errlen)
{
	sqlite3 *dst;
	if (sqlite3_open(path, &dst) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(dst));
		sqlite3_close(dst);
		return -1;
	}
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", st->db, "main");
	int rc = b ? sqlite3_backup_step(b, -1) : SQLITE_ERROR;
	if (b)
		sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
		snprintf(err, errlen, "%s: copy failed: %s", path, sqlite3_errmsg(dst));
	sqlite3_close(dst);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void remove_db_files(const char *path)
{
	char side[PATH_MAX + 8];
	unlink(path);
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
}

struct dw_store *dw_store_scratch_copy(struct dw_store *st, char *path, size_t pathlen,
				       char *err, size_t errlen)
{
	const char *tmpdir = getenv("TMPDIR");
	snprintf(path, pathlen, "%s/dwtune.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create a scratch copy %s: %s", path, strerror(errno));
		return NULL;
	}
	close(fd);
	struct dw_store *copy = NULL;
	if (copy_to(st, path, err, errlen) != 0 ||
	    !(copy = dw_store_open_existing(path, err, errlen))) {
		remove_db_files(path);
		return NULL;
	}
	return copy;
}

void dw_store_scratch_remove(struct dw_store *copy, const char *path)
{
	dw_store_close(copy);
	remove_db_files(path);
}

/* ---- cell-site CSV ---- */

/* Splits one CSV line in place into at most max fields; handles "quoted, fields"
 * with "" escapes. Returns the number of fields. */
static int csv_split(char *line, char **fields, int max)
{
	int n = 0;
	char *p = line;
	while (n < max) {
		char *out = p;
		fields[n++] = p;
		if (*p == '"') {
			p++;
			while (*p) {
				if (*p == '"' && p[1] == '"') {
					*out++ = '"';
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					*out++ = *p++;
				}
			}
			while (*p && *p != ',')
				p++;
			*out = '\0';
			if (*p == ',') {
				p++;
				continue;
			}
			break;
		}
		while (*p && *p != ',')
			p++;
		if (*p == ',') {
			*p++ = '\0';
			continue;
		}
		break;
	}
	return n;
}

static void chomp(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

int dw_store_load_cells(struct dw_store *st, const char *path, char *err, size_t errlen)
{
	if (exec(st, "BEGIN IMMEDIATE; DELETE FROM cell; DELETE FROM site;") != 0) {
		snprintf(err, errlen, "%s: cannot write the cell table", st->path);
		return -1;
	}
	if (!path || !*path)
		return exec(st, "COMMIT");
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		exec(st, "ROLLBACK");
		return -1;
	}
	sqlite3_stmt *ic = NULL, *is = NULL;
	sqlite3_prepare_v2(st->db,
			   "INSERT OR REPLACE INTO cell (cgi, site_id, lat, lon, azimuth, address)"
			   " VALUES (?,?,?,?,?,?)",
			   -1, &ic, NULL);
	sqlite3_prepare_v2(st->db,
			   "INSERT OR IGNORE INTO site (site_id, lat, lon, address) VALUES (?,?,?,?)",
			   -1, &is, NULL);
	char line[4096];
	int lineno = 0, rv = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		chomp(line);
		if (lineno == 1) {
			if (strncmp(line, "cgi,site_id,lat,lon", 19) != 0) {
				snprintf(err, errlen,
					 "%s:1: expected header cgi,site_id,lat,lon,azimuth,address",
					 path);
				rv = -1;
				break;
			}
			continue;
		}
		if (!line[0] || line[0] == '#')
			continue;
		char *fld[6] = { 0 };
		int n = csv_split(line, fld, 6);
		char *end1 = NULL, *end2 = NULL;
		double lat = n >= 3 ? strtod(fld[2], &end1) : 0;
		double lon = n >= 4 ? strtod(fld[3], &end2) : 0;
		if (n < 4 || !*fld[0] || !*fld[1] || end1 == fld[2] || end2 == fld[3] || lat < -90 ||
		    lat > 90 || lon < -180 || lon > 180) {
			snprintf(err, errlen,
				 "%s:%d: expected cgi,site_id,lat,lon[,azimuth,address] with "
				 "lat in -90..90 and lon in -180..180",
				 path, lineno);
			rv = -1;
			break;
		}
		const char *addr = n >= 6 ? fld[5] : "";
		sqlite3_reset(ic);
		sqlite3_bind_text(ic, 1, fld[0], -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ic, 2, fld[1], -1, SQLITE_TRANSIENT);
		sqlite3_bind_double(ic, 3, lat);
		sqlite3_bind_double(ic, 4, lon);
		if (n >= 5 && *fld[4])
			sqlite3_bind_double(ic, 5, strtod(fld[4], NULL));
		else
			sqlite3_bind_null(ic, 5);
		sqlite3_bind_text(ic, 6, addr, -1, SQLITE_TRANSIENT);
		sqlite3_reset(is);
		sqlite3_bind_text(is, 1, fld[1], -1, SQLITE_TRANSIENT);
		sqlite3_bind_double(is, 2, lat);
		sqlite3_bind_double(is, 3, lon);
		sqlite3_bind_text(is, 4, addr, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(ic) != SQLITE_DONE || sqlite3_step(is) != SQLITE_DONE) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, sqlite3_errmsg(st->db));
			rv = -1;
			break;
		}
	}
	if (rv == 0 && lineno == 0) {
		snprintf(err, errlen, "%s: empty file, expected a header line", path);
		rv = -1;
	}
	fclose(f);
	sqlite3_finalize(ic);
	sqlite3_finalize(is);
	if (rv != 0) {
		exec(st, "ROLLBACK");
		return -1;
	}
	return exec(st, "COMMIT");
}
