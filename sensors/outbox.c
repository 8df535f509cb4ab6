/* outbox.c: the sensor's durable outbox in SQLite (WAL). One table of
 * (seq, payload) and one of named integers; the next sequence number is kept there
 * so it survives the deletion of every acknowledged row. Writes go into one open
 * transaction that dw_outbox_flush commits: the sender flushes before it sends
 * anything, so a sequence number on the wire is always durable and never reused
 * for another summary after a crash. */
#include "outbox.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ST_PUT, ST_ACK, ST_READ, ST_COUNT, ST_FIRST, ST_MGET, ST_MSET, ST_N };

static const char *const sql[ST_N] = {
	[ST_PUT] = "INSERT INTO outbox(seq, payload) VALUES (?, ?)",
	[ST_ACK] = "DELETE FROM outbox WHERE seq <= ?",
	[ST_READ] = "SELECT seq, payload FROM outbox WHERE seq >= ? ORDER BY seq LIMIT ?",
	[ST_COUNT] = "SELECT count(*) FROM outbox",
	[ST_FIRST] = "SELECT min(seq) FROM outbox",
	[ST_MGET] = "SELECT value FROM meta WHERE key = ?",
	[ST_MSET] = "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
};

struct dw_outbox {
	sqlite3 *db;
	sqlite3_stmt *st[ST_N];
	bool in_tx;
	size_t pending;
	uint64_t next_seq;
	uint64_t saved_next; /* next_seq as last written to meta */
};

static int begin(struct dw_outbox *ob)
{
	if (ob->in_tx)
		return 0;
	if (sqlite3_exec(ob->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	ob->in_tx = true;
	return 0;
}

static int64_t scalar(sqlite3_stmt *st, int64_t none)
{
	int64_t v = none;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return v;
}

struct dw_outbox *dw_outbox_open(const char *path, bool sync_full, char *err, size_t errlen)
{
	struct dw_outbox *ob = calloc(1, sizeof(*ob));
	if (!ob) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	const char *why = NULL;
	char ddl[512];
	snprintf(ddl, sizeof ddl,
		 "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s; "
		 "PRAGMA locking_mode=EXCLUSIVE; "
		 "CREATE TABLE IF NOT EXISTS outbox(seq INTEGER PRIMARY KEY, payload BLOB NOT NULL); "
		 "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);",
		 sync_full ? "FULL" : "NORMAL");
	if (sqlite3_open_v2(path, &ob->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		why = ob->db ? sqlite3_errmsg(ob->db) : "cannot open";
		goto fail;
	}
	sqlite3_busy_timeout(ob->db, 200);
	if (sqlite3_exec(ob->db, ddl, NULL, NULL, NULL) != SQLITE_OK) {
		why = sqlite3_errmsg(ob->db);
		goto fail;
	}
	for (int i = 0; i < ST_N; i++)
		if (sqlite3_prepare_v2(ob->db, sql[i], -1, &ob->st[i], NULL) != SQLITE_OK) {
			why = sqlite3_errmsg(ob->db);
			goto fail;
		}
	/* Taking the write lock now keeps a second sensor of the same id out. */
	if (begin(ob)) {
		why = sqlite3_errmsg(ob->db);
		goto fail;
	}
	int64_t next = 1, top;
	dw_outbox_meta_get(ob, "next_seq", &next);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(ob->db, "SELECT max(seq) FROM outbox", -1, &st, NULL) == SQLITE_OK) {
		top = scalar(st, 0);
		sqlite3_finalize(st);
		if (top + 1 > next)
			next = top + 1;
	}
	ob->next_seq = ob->saved_next = next < 1 ? 1 : (uint64_t)next;
	if (dw_outbox_flush(ob)) {
		why = sqlite3_errmsg(ob->db);
		goto fail;
	}
	return ob;
fail:
	if (ob->db && (sqlite3_errcode(ob->db) == SQLITE_BUSY || sqlite3_errcode(ob->db) == SQLITE_LOCKED))
		why = "in use by another process (two sensors with one id?)";
	snprintf(err, errlen, "%s: %s", path, why ? why : "cannot open");
	dw_outbox_close(ob);
	return NULL;
}

void dw_outbox_close(struct dw_outbox *ob)
{
	if (!ob)
		return;
	if (ob->in_tx)
		dw_outbox_flush(ob);
	for (int i = 0; i < ST_N; i++)
		sqlite3_finalize(ob->st[i]);
	sqlite3_close(ob->db);
	free(ob);
}

uint64_t dw_outbox_put(struct dw_outbox *ob, const void *payload, size_t len)
{
	if (begin(ob))
		return 0;
	sqlite3_stmt *st = ob->st[ST_PUT];
	uint64_t seq = ob->next_seq;
	sqlite3_bind_int64(st, 1, (int64_t)seq);
	sqlite3_bind_blob(st, 2, payload, (int)len, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return 0;
	ob->next_seq++;
	ob->pending++;
	return seq;
}

long dw_outbox_ack(struct dw_outbox *ob, uint64_t seq)
{
	if (begin(ob))
		return -1;
	sqlite3_stmt *st = ob->st[ST_ACK];
	sqlite3_bind_int64(st, 1, (int64_t)seq);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	return (long)sqlite3_changes(ob->db);
}

int dw_outbox_flush(struct dw_outbox *ob)
{
	if (!ob->in_tx)
		return 0;
	if (ob->next_seq != ob->saved_next) {
		if (dw_outbox_meta_set(ob, "next_seq", (int64_t)ob->next_seq))
			return -1;
		ob->saved_next = ob->next_seq;
	}
	if (sqlite3_exec(ob->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	ob->in_tx = false;
	ob->pending = 0;
	return 0;
}

int dw_outbox_skip_to(struct dw_outbox *ob, uint64_t next)
{
	if (next <= ob->next_seq)
		return 0;
	if (begin(ob))
		return -1;
	ob->next_seq = next;
	return 0;
}

size_t dw_outbox_pending(const struct dw_outbox *ob)
{
	return ob->pending;
}

uint64_t dw_outbox_next_seq(const struct dw_outbox *ob)
{
	return ob->next_seq;
}

uint64_t dw_outbox_count(struct dw_outbox *ob)
{
	return (uint64_t)scalar(ob->st[ST_COUNT], 0);
}

uint64_t dw_outbox_first(struct dw_outbox *ob)
{
	return (uint64_t)scalar(ob->st[ST_FIRST], 0);
}

int dw_outbox_read(struct dw_outbox *ob, uint64_t from, size_t max_rows, dw_outbox_fn fn,
		   void *arg)
{
	sqlite3_stmt *st = ob->st[ST_READ];
	sqlite3_bind_int64(st, 1, (int64_t)from);
	sqlite3_bind_int64(st, 2, (int64_t)max_rows);
	int rc, ret = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ret = fn(arg, (uint64_t)sqlite3_column_int64(st, 0), sqlite3_column_blob(st, 1),
			 (size_t)sqlite3_column_bytes(st, 1));
		if (ret)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = -1;
	sqlite3_reset(st);
	return ret;
}

int dw_outbox_meta_get(struct dw_outbox *ob, const char *key, int64_t *value)
{
	sqlite3_stmt *st = ob->st[ST_MGET];
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*value = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

int dw_outbox_meta_set(struct dw_outbox *ob, const char *key, int64_t value)
{
	if (begin(ob))
		return -1;
	sqlite3_stmt *st = ob->st[ST_MSET];
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, value);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}
