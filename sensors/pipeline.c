/* pipeline.c: what happens to an event after its dissector: identity completion
 * (identity.c), then either one JSON line per event (--dump events) or counting
 * into per-subscriber windows (window.c) whose summaries go to JSON lines or to a
 * sink (the transport). Also owns the dissectors' per-protocol state. */
#include "pipeline.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "dump.h"
#include "identity.h"
#include "privacy.h"
#include "window.h"

struct proto_state {
	void *state;
	const struct dw_proto_state_ops *ops;
};

struct dw_pipeline {
	struct dw_pipeline_opts opts;
	const struct dw_config *cfg;
	struct dw_proto_stats stats[DW_PROTO_COUNT];
	struct proto_state ps[DW_PROTO_COUNT];
	struct dw_cells *cells;
	struct dw_ident *ident;
	struct dw_windows *win; /* NULL when printing events */
	struct dw_privacy *priv; /* NULL unless privacy.subscriber_ids = hmac */
	int failed;		/* the output or the sink failed: stop */
	uint64_t output_errors;
};

static int on_summary(void *arg, const struct dw_summary *s)
{
	struct dw_pipeline *pl = arg;
	struct dw_summary copy;
	s = dw_privacy_summary(pl->priv, s, &copy);
	if (pl->opts.output == DW_OUT_SINK)
		return pl->opts.sink ? pl->opts.sink(pl->opts.sink_arg, s) : 0;
	if (dw_dump_summary(pl->opts.out, s) < 0) {
		pl->output_errors++;
		return -1;
	}
	return 0;
}

struct dw_pipeline *dw_pipeline_new(const struct dw_config *cfg,
				    const struct dw_pipeline_opts *opts)
{
	struct dw_pipeline *pl = calloc(1, sizeof *pl);
	if (!pl)
		return NULL;
	pl->opts = *opts;
	if (!pl->opts.out)
		pl->opts.out = stdout;
	pl->cfg = cfg;
	long long max_subs = dw_config_int(cfg, DWK_sensor_max_subscribers);
	pl->cells = dw_cells_new((uint32_t)dw_config_int(cfg, DWK_sensor_max_cells));
	pl->ident = pl->cells ? dw_ident_new((uint32_t)max_subs, pl->cells) : NULL;
	if (!pl->ident || dw_privacy_new(cfg, &pl->priv) != 0)
		goto fail;
	if (opts->output != DW_OUT_EVENTS) {
		struct dw_window_opts wo = {
		    .seconds = (uint32_t)dw_config_int(cfg, DWK_window_seconds),
		    .grace_s = (uint32_t)dw_config_int(cfg, DWK_window_grace_seconds),
		    .short_call_s = (uint32_t)dw_config_int(cfg, DWK_sensor_short_call_s),
		    .seq_max_step = (uint32_t)dw_config_int(cfg, DWK_sensor_seq_max_step),
		    .max_open = (uint32_t)(2 * max_subs < UINT32_MAX ? 2 * max_subs
								     : UINT32_MAX - 1),
		    .contact_hash = dw_privacy_contact_hash, .contact_hash_arg = pl->priv,
		};
		pl->win = dw_windows_new(&wo, pl->cells, on_summary, pl);
		if (!pl->win)
			goto fail;
	}
	return pl;
fail:
	dw_pipeline_free(pl);
	return NULL;
}

const struct dw_config *dw_pipeline_config(const struct dw_pipeline *pl)
{
	return pl->cfg;
}

void *dw_pipeline_state(struct dw_pipeline *pl, enum dw_proto p)
{
	return (unsigned)p < DW_PROTO_COUNT ? pl->ps[p].state : NULL;
}

void dw_pipeline_set_state(struct dw_pipeline *pl, enum dw_proto p, void *state,
			   const struct dw_proto_state_ops *ops)
{
	if ((unsigned)p >= DW_PROTO_COUNT)
		return;
	struct proto_state *ps = &pl->ps[p];
	if (ps->state && ps->state != state && ps->ops && ps->ops->free)
		ps->ops->free(ps->state);
	ps->state = state;
	ps->ops = ops;
}

void dw_pipeline_emit(struct dw_pipeline *pl, struct dw_event *ev)
{
	if ((unsigned)ev->proto < DW_PROTO_COUNT)
		pl->stats[ev->proto].events++;
	uint32_t cell_id = 0;
	unsigned flags = dw_ident_complete(pl->ident, ev, &cell_id);
	if (pl->failed)
		return;
	if (!pl->win) {
		struct dw_event copy;
		if (dw_dump_event(pl->opts.out, dw_privacy_event(pl->priv, ev, &copy)) < 0) {
			pl->output_errors++;
			pl->failed = 1;
		}
		return;
	}
	if (dw_windows_add(pl->win, ev, cell_id, (flags & DW_IDENT_NEW_BINDING) != 0) < 0)
		pl->failed = 1;
}

int dw_pipeline_advance(struct dw_pipeline *pl, int64_t ts_us)
{
	for (int p = 0; p < DW_PROTO_COUNT; p++) {
		struct proto_state *ps = &pl->ps[p];
		if (ps->state && ps->ops && ps->ops->advance &&
		    ps->ops->advance(ps->state, pl, ts_us) < 0)
			pl->failed = 1;
	}
	if (pl->win && !pl->failed && dw_windows_advance(pl->win, ts_us) < 0)
		pl->failed = 1;
	return pl->failed ? -1 : 0;
}

int dw_pipeline_finish(struct dw_pipeline *pl)
{
	if (pl->win && !pl->failed && dw_windows_flush(pl->win) < 0)
		pl->failed = 1;
	if (pl->opts.output != DW_OUT_SINK && pl->opts.out && fflush(pl->opts.out) == EOF)
		pl->failed = 1;
	return pl->failed ? -1 : 0;
}

struct dw_proto_stats *dw_pipeline_stats(struct dw_pipeline *pl, enum dw_proto p)
{
	return &pl->stats[p];
}

static void stat(FILE *f, const char *name, unsigned long long v)
{
	fprintf(f, "%s %llu\n", name, v);
}

/* One "name value" per line, as the capture layer prints its counters. */
void dw_pipeline_print_stats(const struct dw_pipeline *pl, FILE *f)
{
	for (int p = 0; p < DW_PROTO_COUNT; p++) {
		const struct proto_state *ps = &pl->ps[p];
		if (ps->state && ps->ops && ps->ops->print_stats)
			ps->ops->print_stats(ps->state, f);
	}
	struct dw_ident_stats is;
	dw_ident_get_stats(pl->ident, &is);
	stat(f, "identity.subscribers", is.tracked);
	stat(f, "identity.subscribers_peak", is.peak);
	stat(f, "identity.capacity", is.capacity);
	stat(f, "identity.evictions", is.evictions);
	stat(f, "identity.bindings", is.bindings);
	stat(f, "identity.rebindings", is.rebindings);
	stat(f, "identity.untracked_long_ids", is.unpackable);
	stat(f, "identity.cells", dw_cells_count(pl->cells));
	stat(f, "identity.cells_dropped", dw_cells_dropped(pl->cells));
	size_t table_bytes = is.bytes + dw_cells_bytes(pl->cells);
	if (pl->win) {
		struct dw_window_stats ws;
		dw_windows_get_stats(pl->win, &ws);
		stat(f, "windows.open", ws.open);
		stat(f, "windows.open_peak", ws.peak_open);
		stat(f, "windows.emitted", ws.emitted);
		stat(f, "windows.merged", ws.merged);
		stat(f, "windows.late", ws.late);
		stat(f, "windows.forced_closes", ws.forced);
		stat(f, "windows.no_subscriber", ws.no_subscriber);
		stat(f, "windows.estimated", ws.estimated);
		table_bytes += ws.bytes;
	}
	/* bytes per tracked subscriber: the tables' own accounting (identity, cells,
	 * window pool at its peak size) and, for the whole process, peak RSS over the
	 * most subscribers tracked at once */
	struct rusage ru;
	unsigned long long rss = getrusage(RUSAGE_SELF, &ru) == 0
				     ? (unsigned long long)ru.ru_maxrss * 1024
				     : 0;
	unsigned long long subs = is.peak ? is.peak : 1;
	stat(f, "memory.peak_rss_bytes", rss);
	stat(f, "memory.table_bytes", table_bytes);
	stat(f, "memory.table_bytes_per_subscriber", table_bytes / subs);
	stat(f, "memory.rss_bytes_per_subscriber", rss / subs);
}

void dw_pipeline_free(struct dw_pipeline *pl)
{
	if (!pl)
		return;
	for (int p = 0; p < DW_PROTO_COUNT; p++) {
		struct proto_state *ps = &pl->ps[p];
		if (ps->state && ps->ops && ps->ops->free)
			ps->ops->free(ps->state);
	}
	dw_windows_free(pl->win);
	dw_privacy_free(pl->priv);
	dw_ident_free(pl->ident);
	dw_cells_free(pl->cells);
	free(pl);
}
