/* transport_store_double.h: a test-only stand-in for correlator/store.c and the
 * scoring entry point, so the transport tests can run the real ingest loop and
 * count exactly what it commits. Include it in exactly one test program. */
#ifndef DENWATCH_TEST_TRANSPORT_STORE_DOUBLE_H
#define DENWATCH_TEST_TRANSPORT_STORE_DOUBLE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../correlator/store.h"
#include "denwatch/config.h"
#include "transport_fixtures.h"

#define DOUBLE_SENSORS 8
#define DOUBLE_MAX_SEQ 100000

struct staged {
	int sensor;
	uint64_t seq;
	int content_ok;
};

struct dw_store {
	char ids[DOUBLE_SENSORS][72];
	int n_ids;
	uint64_t high[DOUBLE_SENSORS];
	uint8_t *count[DOUBLE_SENSORS]; /* committed copies of each seq */
	int bad_content;
	int done[DOUBLE_SENSORS];
	struct staged *stage;
	size_t n_stage;
	int staged_done[DOUBLE_SENSORS];
	int in_tx;
	int commits, rollbacks, store_dupes, final_scoring, scoring_calls;
};

static inline struct dw_store *double_new(void)
{
	struct dw_store *st = calloc(1, sizeof(*st));
	for (int i = 0; i < DOUBLE_SENSORS; i++)
		st->count[i] = calloc(DOUBLE_MAX_SEQ + 1, 1);
	st->stage = calloc(DOUBLE_MAX_SEQ, sizeof(*st->stage));
	return st;
}

static inline void double_free(struct dw_store *st)
{
	for (int i = 0; i < DOUBLE_SENSORS; i++)
		free(st->count[i]);
	free(st->stage);
	free(st);
}

static inline int double_sensor(struct dw_store *st, const char *id)
{
	for (int i = 0; i < st->n_ids; i++)
		if (strcmp(st->ids[i], id) == 0)
			return i;
	strcpy(st->ids[st->n_ids], id);
	return st->n_ids++;
}

/* Summaries stored exactly once each for seq 1..n, with the right content. */
static inline int double_exactly_once(struct dw_store *st, const char *id, uint64_t n)
{
	int s = double_sensor(st, id);
	for (uint64_t q = 1; q <= n; q++)
		if (st->count[s][q] != 1)
			return 0;
	return st->count[s][n + 1] == 0 && st->bad_content == 0;
}

int dw_store_begin(struct dw_store *st)
{
	st->in_tx = 1;
	return 0;
}

int dw_store_commit(struct dw_store *st)
{
	for (size_t i = 0; i < st->n_stage; i++) {
		struct staged *g = &st->stage[i];
		st->count[g->sensor][g->seq]++;
		if (g->seq > st->high[g->sensor])
			st->high[g->sensor] = g->seq;
		st->bad_content += !g->content_ok;
	}
	for (int i = 0; i < DOUBLE_SENSORS; i++)
		if (st->staged_done[i])
			st->done[i] = 1, st->staged_done[i] = 0;
	st->n_stage = 0;
	st->in_tx = 0;
	st->commits++;
	return 0;
}

int dw_store_rollback(struct dw_store *st)
{
	st->n_stage = 0;
	memset(st->staged_done, 0, sizeof st->staged_done);
	st->in_tx = 0;
	st->rollbacks++;
	return 0;
}

int dw_store_add_summary(struct dw_store *st, const char *sensor_id, uint64_t seq,
			 const struct dw_summary *s)
{
	int k = double_sensor(st, sensor_id);
	if (!st->in_tx || seq == 0 || seq > DOUBLE_MAX_SEQ || st->n_stage == DOUBLE_MAX_SEQ)
		return -1;
	if (st->count[k][seq]) {
		st->store_dupes++;
		return 0;
	}
	struct dw_summary want;
	fixture_summary(&want, (unsigned)(seq - 1));
	struct staged *g = &st->stage[st->n_stage++];
	g->sensor = k;
	g->seq = seq;
	g->content_ok = memcmp(&want, s, sizeof want) == 0;
	return 1;
}

int dw_store_sensor_done(struct dw_store *st, const char *sensor_id, uint64_t last_seq)
{
	(void)last_seq;
	st->staged_done[double_sensor(st, sensor_id)] = 1;
	return 0;
}

uint64_t dw_store_max_seq(struct dw_store *st, const char *sensor_id)
{
	return st->high[double_sensor(st, sensor_id)];
}

void dw_store_each_finished_sensor(struct dw_store *st,
				   void (*fn)(void *arg, const char *sensor_id, uint64_t last_seq),
				   void *arg)
{
	for (int i = 0; i < st->n_ids; i++)
		if (st->done[i])
			fn(arg, st->ids[i], st->high[i]);
}

int dw_scoring_run(struct dw_store *st, const struct dw_config *cfg, int final)
{
	(void)cfg;
	st->scoring_calls++;
	st->final_scoring += final != 0;
	return 0;
}

#endif
