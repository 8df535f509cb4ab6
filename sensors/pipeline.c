/* pipeline.c: PLACEHOLDER until identity binding and windows land: counts and,
 * in events mode, prints nothing yet. Keeps the sensor linkable. */
#include <stdlib.h>

#include "pipeline.h"

struct dw_pipeline {
	struct dw_pipeline_opts opts;
	struct dw_proto_stats stats[DW_PROTO_COUNT];
};

struct dw_pipeline *dw_pipeline_new(const struct dw_config *cfg,
				    const struct dw_pipeline_opts *opts)
{
	(void)cfg;
	struct dw_pipeline *pl = calloc(1, sizeof *pl);
	if (pl)
		pl->opts = *opts;
	return pl;
}

void dw_pipeline_emit(struct dw_pipeline *pl, struct dw_event *ev)
{
	pl->stats[ev->proto].events++;
}

int dw_pipeline_advance(struct dw_pipeline *pl, int64_t ts_us)
{
	(void)pl;
	(void)ts_us;
	return 0;
}

int dw_pipeline_finish(struct dw_pipeline *pl)
{
	(void)pl;
	return 0;
}

struct dw_proto_stats *dw_pipeline_stats(struct dw_pipeline *pl, enum dw_proto p)
{
	return &pl->stats[p];
}

void dw_pipeline_print_stats(const struct dw_pipeline *pl, FILE *f)
{
	(void)pl;
	(void)f;
}

void dw_pipeline_free(struct dw_pipeline *pl)
{
	free(pl);
}
