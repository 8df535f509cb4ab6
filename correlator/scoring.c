/* scoring.c: the detection model of DESIGN 6. For each closed window end W it
 * joins the summaries of [W - horizon, W) per subscriber (IMSI, else MSISDN),
 * attributes each subscriber to the site where most of its events were, judges
 * subscribers by behaviour and device rules, then sites by site rules, and keeps
 * the site scores, flags and their evidence. Aggregates (subscribers, IMEI-IMSI
 * links, per-site statistics) are built here when a window closes, not at insert. */
#include "scoring.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "denwatch/log.h"
#include "strmap.h"

#define SUB_MAX_SITES 8
#define SUB_MAX_IMEIS 8

/* Subscriber rules, in the order of their bits. */
enum {
	R_VOLUME,
	R_ASYMMETRY,
	R_FANOUT,
	R_ANSWER,
	R_SHORT,
	R_MEAN_DUR,
	R_SEQUENTIAL,
	R_STILL,
	R_NO_DATA,
	R_GATEWAY_TAC,
	R_IMEI_IMSIS,
	R_IMSI_IMEIS,
	R_NSUB
};
static const char *const SUB_RULE_NAMES[R_NSUB] = {
	"volume",     "asymmetry", "fanout",  "answer_ratio",    "short_calls",     "mean_duration",
	"sequential", "stillness", "no_data", "gateway_tac", "imei_many_imsis", "imsi_many_imeis"
};

struct params {
	int64_t ws, horizon, dev_horizon, baseline_s, baseline_min_s;
	double min_activity, volume_ph, asym, fanout_ratio, fanout_min, answer_max, min_calls,
		short_share, mean_dur_max, seq_min, still_min, no_data_max;
	double w_sub[R_NSUB];
	double imei_imsis_min, imsi_imeis_min, suspect_threshold, suspect_min_beh;
	double site_suspects_min, site_share, traffic_share, site_tac_min, serial_min,
		serial_span, rotation_min, lockstep_min, lockstep_s, lockstep_warmup,
		shared_jaccard, shared_min, baseline_rise, rule_cap, flag_threshold;
	double w_suspects, w_share, w_traffic, w_tacs, w_serial, w_rotation, w_lockstep,
		w_shared, w_baseline;
};

struct sub {
	char imsi[DW_IMSI_MAX + 1];
	char msisdn[DW_NUMBER_MAX + 1];
	bool dead; /* merged into another */
	uint32_t co, coa, cos, cosec, ci, so, si, callees, dests, seqmax, data;
	int64_t first_us;
	uint64_t winmask;
	int nsites;
	int site_ix[SUB_MAX_SITES];
	uint32_t site_ev[SUB_MAX_SITES];
	int nimeis;
	char imeis[SUB_MAX_IMEIS][DW_IMEI_LEN + 1];
	int nsk;
	uint64_t sk[DW_SUM_SKETCH_K];
	/* newest window only, for site statistics */
	bool in_new;
	uint32_t new_out, new_in;
	/* results */
	int site;
	bool active, suspect, allowed;
	uint32_t fired;
	double value[R_NSUB];
	double beh, dev;
	int64_t first_seen;
};

struct site {
	char id[DW_CELL_MAX + 8];
	/* per scored window */
	int nmem, capmem;
	int *mem; /* subscriber indexes */
	int subs, active, suspects;
	uint64_t out, sus_out, new_out, new_in;
	int new_subs;
};

struct rule_ev {
	const char *rule;
	double value, threshold, weight, contribution;
};

struct ctx {
	struct dw_store *st;
	sqlite3 *db;
	struct params p;
	struct strmap tacs, allow_num, allow_site;
	struct strmap cell_site; /* cgi -> site index */
	struct strmap site_ix;   /* site id -> site index */
	struct site *sites;
	int nsites, capsites;
	struct strmap msisdn_imsi; /* msisdn -> index in imsis */
	char (*imsis)[DW_IMSI_MAX + 1];
	int nimsis, capimsis;
	/* per scored window */
	struct sub *subs;
	int nsubs, capsubs;
	struct strmap sub_ix; /* "i<imsi>" / "m<msisdn>" -> sub index */
	int64_t W, data_start;
	sqlite3_stmt *up_sub, *up_dev, *q_first, *q_imei_n, *q_imsi_n, *up_stat, *q_base,
		*ins_score, *q_flag, *ins_flag, *upd_flag, *up_fsim, *ins_hist;
	bool failed;
};

/* ---- config and lists ---- */

static void read_params(struct params *p, const struct dw_config *c)
{
#define I(k) ((double)dw_config_int(c, DWK_scoring_##k))
#define D(k) dw_config_double(c, DWK_scoring_##k)
	p->ws = dw_config_int(c, DWK_window_seconds);
	p->horizon = dw_config_int(c, DWK_scoring_horizon_s);
	p->dev_horizon = dw_config_int(c, DWK_scoring_device_horizon_s);
	p->baseline_s = dw_config_int(c, DWK_scoring_baseline_s);
	p->baseline_min_s = dw_config_int(c, DWK_scoring_baseline_min_s);
	p->min_activity = I(min_activity);
	p->volume_ph = D(volume_per_hour);
	p->asym = D(asymmetry_ratio);
	p->fanout_ratio = D(fanout_ratio);
	p->fanout_min = I(fanout_min);
	p->answer_max = D(answer_ratio_max);
	p->min_calls = I(min_calls);
	p->short_share = D(short_share);
	p->mean_dur_max = D(mean_duration_max_s);
	p->seq_min = I(seq_run_min);
	p->still_min = I(still_min_windows);
	p->no_data_max = I(no_data_max);
	static const enum dw_double_key wk[R_NSUB] = {
		DWK_scoring_w_volume,      DWK_scoring_w_asymmetry,     DWK_scoring_w_fanout,
		DWK_scoring_w_answer_ratio, DWK_scoring_w_short_calls,  DWK_scoring_w_mean_duration,
		DWK_scoring_w_sequential,  DWK_scoring_w_stillness,     DWK_scoring_w_no_data,
		DWK_scoring_w_gateway_tac, DWK_scoring_w_imei_many_imsis, DWK_scoring_w_imsi_many_imeis
	};
	for (int i = 0; i < R_NSUB; i++)
		p->w_sub[i] = dw_config_double(c, wk[i]);
	p->imei_imsis_min = I(imei_imsis_min);
	p->imsi_imeis_min = I(imsi_imeis_min);
	p->suspect_threshold = D(suspect_threshold);
	p->suspect_min_beh = D(suspect_min_behaviour);
	p->site_suspects_min = I(site_suspects_min);
	p->site_share = D(site_suspect_share);
	p->traffic_share = D(site_traffic_share);
	p->site_tac_min = I(site_tac_min);
	p->serial_min = I(serial_cluster_min);
	p->serial_span = I(serial_span);
	p->rotation_min = I(rotation_min);
	p->lockstep_min = I(lockstep_min);
	p->lockstep_s = I(lockstep_s);
	p->lockstep_warmup = I(lockstep_warmup_s);
	p->shared_jaccard = D(shared_list_jaccard);
	p->shared_min = I(shared_list_min);
	p->baseline_rise = D(baseline_rise);
	p->rule_cap = D(rule_cap);
	p->flag_threshold = D(flag_threshold);
	p->w_suspects = D(w_suspects);
	p->w_share = D(w_suspect_share);
	p->w_traffic = D(w_traffic_share);
	p->w_tacs = D(w_site_tacs);
	p->w_serial = D(w_serial_cluster);
	p->w_rotation = D(w_sim_rotation);
	p->w_lockstep = D(w_lock_step);
	p->w_shared = D(w_shared_list);
	p->w_baseline = D(w_baseline_rise);
#undef I
#undef D
}

/* Reads the first column of a CSV list with the given header's first field into m,
 * checking each value with valid(). */
static int load_list(struct strmap *m, const struct dw_config *cfg, enum dw_str_key key,
		     const char *first_col, bool (*valid)(const char *), char *err,
		     size_t errlen)
{
	const char *path = dw_config_str(cfg, key);
	char origin[256], name[80];
	snprintf(name, sizeof name, "%s.%s", dw_keys[key].section, dw_keys[key].name);
	dw_config_origin(cfg, key, origin, sizeof origin);
	if (!*path)
		return 0;
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s: cannot open '%s': %s", origin, name, path,
			 strerror(errno));
		return -1;
	}
	char line[1024];
	int lineno = 0, rv = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		line[strcspn(line, ",\r\n")] = '\0';
		if (lineno == 1) {
			if (strcmp(line, first_col) != 0) {
				snprintf(err, errlen, "%s: %s: %s:1: expected a header starting '%s'",
					 origin, name, path, first_col);
				rv = -1;
				break;
			}
			continue;
		}
		if (!line[0] || line[0] == '#')
			continue;
		if (!valid(line)) {
			snprintf(err, errlen, "%s: %s: %s:%d: '%s' is not a valid %s", origin, name,
				 path, lineno, line, first_col);
			rv = -1;
			break;
		}
		strmap_put(m, line, 1);
	}
	if (rv == 0 && lineno == 0) {
		snprintf(err, errlen, "%s: %s: %s: empty file, expected a header", origin, name,
			 path);
		rv = -1;
	}
	fclose(f);
	return rv;
}

static bool valid_tac(const char *s) { return dw_all_digits(s, DW_TAC_LEN, DW_TAC_LEN); }
static bool valid_number(const char *s) { return dw_all_digits(s, 3, DW_NUMBER_MAX); }
static bool valid_site(const char *s) { return *s && strlen(s) < DW_CELL_MAX + 8; }

static int load_lists(struct ctx *x, const struct dw_config *cfg, char *err, size_t errlen)
{
	if (load_list(&x->tacs, cfg, DWK_scoring_gateway_tacs, "tac", valid_tac, err, errlen) ||
	    load_list(&x->allow_num, cfg, DWK_scoring_allowlist_numbers, "msisdn", valid_number,
		      err, errlen) ||
	    load_list(&x->allow_site, cfg, DWK_scoring_allowlist_sites, "site_id", valid_site, err,
		      errlen))
		return -1;
	const char *extra = dw_config_str(cfg, DWK_scoring_extra_tacs);
	char origin[256];
	dw_config_origin(cfg, DWK_scoring_extra_tacs, origin, sizeof origin);
	for (const char *p = extra; *p;) {
		size_t n = strcspn(p, ", ");
		char tac[DW_TAC_LEN + 1];
		if (n != DW_TAC_LEN || !dw_all_digits((memcpy(tac, p, n), tac[n] = '\0', tac),
						      DW_TAC_LEN, DW_TAC_LEN)) {
			snprintf(err, errlen, "%s: scoring.extra_tacs: '%.*s' is not an 8-digit TAC",
				 origin, (int)n, p);
			return -1;
		}
		strmap_put(&x->tacs, tac, 1);
		p += n;
		p += strspn(p, ", ");
	}
	return 0;
}

int dw_scoring_check_config(const struct dw_config *cfg, char *err, size_t errlen)
{
	struct ctx x;
	memset(&x, 0, sizeof x);
	int rv = load_lists(&x, cfg, err, errlen);
	strmap_free(&x.tacs);
	strmap_free(&x.allow_num);
	strmap_free(&x.allow_site);
	return rv;
}

/* ---- sites ---- */

static int site_get(struct ctx *x, const char *id)
{
	int i = strmap_get(&x->site_ix, id);
	if (i >= 0)
		return i;
	if (x->nsites == x->capsites) {
		int cap = x->capsites ? x->capsites * 2 : 256;
		struct site *n = realloc(x->sites, (size_t)cap * sizeof *n);
		if (!n)
			abort();
		x->sites = n;
		x->capsites = cap;
	}
	struct site *s = &x->sites[x->nsites];
	memset(s, 0, sizeof *s);
	snprintf(s->id, sizeof s->id, "%s", id);
	strmap_put(&x->site_ix, s->id, x->nsites);
	return x->nsites++;
}

static int cell_site(struct ctx *x, const char *cgi)
{
	int i = strmap_get(&x->cell_site, cgi);
	if (i >= 0)
		return i;
	i = site_get(x, cgi); /* a cell missing from the table is its own site */
	strmap_put(&x->cell_site, cgi, i);
	return i;
}

static int load_cells(struct ctx *x)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(x->db, "SELECT cgi, site_id FROM cell", -1, &q, NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(q) == SQLITE_ROW) {
		int s = site_get(x, (const char *)sqlite3_column_text(q, 1));
		strmap_put(&x->cell_site, (const char *)sqlite3_column_text(q, 0), s);
	}
	sqlite3_finalize(q);
	return 0;
}

/* ---- MSISDN -> IMSI ---- */

static void bind_number(struct ctx *x, const char *msisdn, const char *imsi)
{
	int i = strmap_get(&x->msisdn_imsi, msisdn);
	if (i >= 0 && strcmp(x->imsis[i], imsi) == 0)
		return;
	if (x->nimsis == x->capimsis) {
		int cap = x->capimsis ? x->capimsis * 2 : 1024;
		void *n = realloc(x->imsis, (size_t)cap * sizeof *x->imsis);
		if (!n)
			abort();
		x->imsis = n;
		x->capimsis = cap;
	}
	snprintf(x->imsis[x->nimsis], sizeof x->imsis[0], "%s", imsi);
	strmap_put(&x->msisdn_imsi, msisdn, x->nimsis++);
}

static int load_numbers(struct ctx *x)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(x->db, "SELECT msisdn, imsi FROM subscriber WHERE msisdn != ''",
			       -1, &q, NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(q) == SQLITE_ROW)
		bind_number(x, (const char *)sqlite3_column_text(q, 0),
			    (const char *)sqlite3_column_text(q, 1));
	sqlite3_finalize(q);
	return 0;
}

/* ---- subscribers of one horizon ---- */

static void sketch_merge(uint64_t *dst, int *ndst, const uint64_t *src, int nsrc)
{
	uint64_t out[DW_SUM_SKETCH_K];
	int i = 0, j = 0, n = 0;
	while (n < DW_SUM_SKETCH_K && (i < *ndst || j < nsrc)) {
		uint64_t v;
		if (j >= nsrc || (i < *ndst && dst[i] < src[j]))
			v = dst[i++];
		else if (i >= *ndst || src[j] < dst[i])
			v = src[j++];
		else
			v = dst[i++], j++;
		out[n++] = v;
	}
	memcpy(dst, out, (size_t)n * sizeof *out);
	*ndst = n;
}

static void sub_add_site(struct sub *u, int site, uint32_t ev)
{
	for (int i = 0; i < u->nsites; i++)
		if (u->site_ix[i] == site) {
			u->site_ev[i] += ev;
			return;
		}
	if (u->nsites < SUB_MAX_SITES) {
		u->site_ix[u->nsites] = site;
		u->site_ev[u->nsites++] = ev;
	}
}

static void sub_add_imei(struct sub *u, const char *imei)
{
	for (int i = 0; i < u->nimeis; i++)
		if (strcmp(u->imeis[i], imei) == 0)
			return;
	if (u->nimeis < SUB_MAX_IMEIS)
		snprintf(u->imeis[u->nimeis++], sizeof u->imeis[0], "%s", imei);
}

static void sub_merge(struct sub *d, struct sub *s)
{
	d->co += s->co, d->coa += s->coa, d->cos += s->cos, d->cosec += s->cosec;
	d->ci += s->ci, d->so += s->so, d->si += s->si, d->callees += s->callees;
	d->dests += s->dests, d->data += s->data;
	if (s->seqmax > d->seqmax)
		d->seqmax = s->seqmax;
	if (s->first_us && (!d->first_us || s->first_us < d->first_us))
		d->first_us = s->first_us;
	d->winmask |= s->winmask;
	for (int i = 0; i < s->nsites; i++)
		sub_add_site(d, s->site_ix[i], s->site_ev[i]);
	for (int i = 0; i < s->nimeis; i++)
		sub_add_imei(d, s->imeis[i]);
	sketch_merge(d->sk, &d->nsk, s->sk, s->nsk);
	d->in_new |= s->in_new;
	d->new_out += s->new_out, d->new_in += s->new_in;
	if (!d->imsi[0])
		memcpy(d->imsi, s->imsi, sizeof d->imsi);
	if (!d->msisdn[0])
		memcpy(d->msisdn, s->msisdn, sizeof d->msisdn);
	s->dead = true;
}

static int sub_new(struct ctx *x)
{
	if (x->nsubs == x->capsubs) {
		int cap = x->capsubs ? x->capsubs * 2 : 4096;
		struct sub *n = realloc(x->subs, (size_t)cap * sizeof *n);
		if (!n)
			abort();
		x->subs = n;
		x->capsubs = cap;
	}
	memset(&x->subs[x->nsubs], 0, sizeof x->subs[0]);
	return x->nsubs++;
}

/* Finds or creates the subscriber of a summary, joining IMSI and MSISDN keys. */
static int sub_for(struct ctx *x, const char *imsi_in, const char *msisdn)
{
	char ki[DW_IMSI_MAX + 2], km[DW_NUMBER_MAX + 2];
	const char *imsi = imsi_in;
	if (!*imsi && *msisdn) {
		int b = strmap_get(&x->msisdn_imsi, msisdn);
		if (b >= 0)
			imsi = x->imsis[b];
	}
	if (!*imsi && !*msisdn)
		return -1;
	snprintf(ki, sizeof ki, "i%s", imsi);
	snprintf(km, sizeof km, "m%s", msisdn);
	int a = *imsi ? strmap_get(&x->sub_ix, ki) : -1;
	int b = *msisdn ? strmap_get(&x->sub_ix, km) : -1;
	int u;
	if (a >= 0 && b >= 0 && a != b) {
		sub_merge(&x->subs[a], &x->subs[b]);
		u = a;
	} else {
		u = a >= 0 ? a : b;
	}
	if (u < 0)
		u = sub_new(x);
	struct sub *s = &x->subs[u];
	if (*imsi) {
		snprintf(s->imsi, sizeof s->imsi, "%s", imsi);
		strmap_put(&x->sub_ix, ki, u);
	}
	if (*msisdn) {
		snprintf(s->msisdn, sizeof s->msisdn, "%s", msisdn);
		strmap_put(&x->sub_ix, km, u);
	}
	return u;
}

static void persist_new_window(struct ctx *x, const struct dw_summary *s, const char *imsi,
			       const char *msisdn)
{
	if (!*imsi)
		return;
	int64_t first = s->first_event_us ? s->first_event_us / 1000000 : s->window_start;
	int64_t last = s->last_event_us ? s->last_event_us / 1000000 : s->window_start;
	sqlite3_stmt *q = x->up_sub;
	sqlite3_reset(q);
	sqlite3_bind_text(q, 1, imsi, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, msisdn, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q, 3, first);
	sqlite3_bind_int64(q, 4, last);
	if (sqlite3_step(q) != SQLITE_DONE)
		x->failed = true;
	for (int i = 0; i < s->n_imeis; i++) {
		q = x->up_dev;
		sqlite3_reset(q);
		sqlite3_bind_text(q, 1, s->imeis[i], -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 2, imsi, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(q, 3, first);
		sqlite3_bind_int64(q, 4, last);
		if (sqlite3_step(q) != SQLITE_DONE)
			x->failed = true;
	}
}

static int on_summary(void *ctx, const char *sensor_id, const struct dw_summary *s)
{
	(void)sensor_id;
	struct ctx *x = ctx;
	if (*s->imsi && *s->msisdn)
		bind_number(x, s->msisdn, s->imsi);
	int ui = sub_for(x, s->imsi, s->msisdn);
	if (ui < 0)
		return 0;
	struct sub *u = &x->subs[ui];
	u->co += s->calls_out, u->coa += s->calls_out_answered, u->cos += s->calls_out_short;
	u->cosec += s->calls_out_seconds, u->ci += s->calls_in, u->so += s->sms_out;
	u->si += s->sms_in, u->callees += s->distinct_callees, u->dests += s->distinct_sms_dests;
	u->data += s->data_sessions;
	if (s->seq_run_max > u->seqmax)
		u->seqmax = s->seq_run_max;
	if (s->first_event_us && (!u->first_us || s->first_event_us < u->first_us))
		u->first_us = s->first_event_us;
	int64_t wi = (s->window_start - (x->W - x->p.horizon)) / x->p.ws;
	u->winmask |= 1ULL << (wi & 63);
	for (int i = 0; i < s->n_cells; i++)
		sub_add_site(u, cell_site(x, s->cells[i].cell), s->cells[i].events ? s->cells[i].events : 1);
	for (int i = 0; i < s->n_imeis; i++)
		sub_add_imei(u, s->imeis[i]);
	sketch_merge(u->sk, &u->nsk, s->contact_sketch, s->n_sketch);
	if (s->window_start == x->W - x->p.ws) {
		u->in_new = true;
		u->new_out += s->calls_out + s->sms_out;
		u->new_in += s->calls_in + s->sms_in;
		persist_new_window(x, s, u->imsi, u->msisdn);
	}
	return 0;
}

/* ---- subscriber rules ---- */

static int64_t count_links(struct ctx *x, sqlite3_stmt *q, const char *id)
{
	sqlite3_reset(q);
	sqlite3_bind_text(q, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q, 2, x->W - x->p.dev_horizon);
	int64_t n = 0;
	if (sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	return n;
}

static void fire(struct sub *u, int rule, double value, bool cond)
{
	u->value[rule] = value;
	if (cond)
		u->fired |= 1u << rule;
}

static void judge_sub(struct ctx *x, struct sub *u, double hours)
{
	const struct params *p = &x->p;
	int best = 0;
	for (int i = 1; i < u->nsites; i++)
		if (u->site_ev[i] > u->site_ev[best])
			best = i;
	u->site = u->nsites ? u->site_ix[best] : -1;
	double out = (double)u->co + u->so, in = (double)u->ci + u->si;
	u->allowed = *u->msisdn && strmap_get(&x->allow_num, u->msisdn) >= 0;
	u->active = out >= p->min_activity && !u->allowed;
	if (!u->active)
		return;
	double contacts = (double)u->callees + u->dests;
	/* Per hour of the time the subscriber has been seen in the horizon (from the
	 * start of its first window), so that a SIM that just started is judged on
	 * its own rate, not diluted by the hour before it existed. */
	if (u->first_us) {
		int64_t first_ws = (u->first_us / 1000000 / p->ws) * p->ws;
		double active = (double)(x->W - first_ws) / 3600.0;
		if (active < hours)
			hours = active;
	}
	if (hours < (double)p->ws / 3600.0)
		hours = (double)p->ws / 3600.0;
	fire(u, R_VOLUME, out / hours, out / hours >= p->volume_ph);
	fire(u, R_ASYMMETRY, out / (in + 1), out / (in + 1) >= p->asym);
	fire(u, R_FANOUT, contacts / out, contacts / out >= p->fanout_ratio && contacts >= p->fanout_min);
	if (u->co >= p->min_calls) {
		double ans = (double)u->coa / u->co;
		fire(u, R_ANSWER, ans, ans <= p->answer_max);
		if (u->coa > 0) {
			double sh = (double)u->cos / u->coa, mean = (double)u->cosec / u->coa;
			fire(u, R_SHORT, sh, sh >= p->short_share);
			fire(u, R_MEAN_DUR, mean, mean <= p->mean_dur_max);
		}
	}
	fire(u, R_SEQUENTIAL, u->seqmax, u->seqmax >= p->seq_min);
	int nwin = __builtin_popcountll(u->winmask);
	fire(u, R_STILL, nwin, u->nsites == 1 && nwin >= p->still_min);
	fire(u, R_NO_DATA, u->data, u->data <= p->no_data_max);

	/* Device rules. */
	bool tac = false;
	int64_t max_imsis = 0;
	for (int i = 0; i < u->nimeis; i++) {
		char t[DW_TAC_LEN + 1];
		memcpy(t, u->imeis[i], DW_TAC_LEN);
		t[DW_TAC_LEN] = '\0';
		if (strmap_get(&x->tacs, t) >= 0)
			tac = true;
		int64_t n = count_links(x, x->q_imei_n, u->imeis[i]);
		if (n > max_imsis)
			max_imsis = n;
	}
	fire(u, R_GATEWAY_TAC, tac, tac);
	fire(u, R_IMEI_IMSIS, (double)max_imsis, max_imsis >= p->imei_imsis_min);
	int64_t n_imeis = *u->imsi ? count_links(x, x->q_imsi_n, u->imsi) : u->nimeis;
	fire(u, R_IMSI_IMEIS, (double)n_imeis, n_imeis >= p->imsi_imeis_min);

	for (int r = 0; r < R_NSUB; r++) {
		if (!(u->fired & (1u << r)))
			continue;
		if (r >= R_GATEWAY_TAC)
			u->dev += p->w_sub[r];
		else
			u->beh += p->w_sub[r];
	}
	u->suspect = u->beh >= p->suspect_min_beh && u->beh + u->dev >= p->suspect_threshold;
}

/* ---- site rules ---- */

static void site_add_member(struct site *s, int ui)
{
	if (s->nmem == s->capmem) {
		s->capmem = s->capmem ? s->capmem * 2 : 16;
		s->mem = realloc(s->mem, (size_t)s->capmem * sizeof *s->mem);
		if (!s->mem)
			abort();
	}
	s->mem[s->nmem++] = ui;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static int cmp_str(const void *a, const void *b) { return strcmp(a, b); }

/* Largest number of IMEIs of one TAC whose serials lie within span. Writes the
 * cluster's first IMEI index into *first (in the sorted array). */
static int serial_cluster(char (*imeis)[DW_IMEI_LEN + 1], int n, long span, int *first)
{
	qsort(imeis, (size_t)n, sizeof *imeis, cmp_str);
	int best = 0;
	*first = 0;
	for (int i = 0, j = 0; j < n; j++) {
		while (i < j && (memcmp(imeis[i], imeis[j], DW_TAC_LEN) != 0 ||
				 atol(imeis[j] + DW_TAC_LEN) - atol(imeis[i] + DW_TAC_LEN) > span))
			i++;
		if (j - i + 1 > best) {
			best = j - i + 1;
			*first = i;
		}
	}
	return best;
}

static double jaccard(const struct sub *a, const struct sub *b)
{
	if (!a->nsk || !b->nsk)
		return 0;
	uint64_t u[DW_SUM_SKETCH_K];
	int nu = a->nsk;
	memcpy(u, a->sk, (size_t)nu * sizeof *u);
	sketch_merge(u, &nu, b->sk, b->nsk);
	int both = 0;
	for (int i = 0; i < nu; i++) {
		bool ina = false, inb = false;
		for (int k = 0; k < a->nsk && !ina; k++)
			ina = a->sk[k] == u[i];
		for (int k = 0; k < b->nsk && !inb; k++)
			inb = b->sk[k] == u[i];
		both += ina && inb;
	}
	return (double)both / nu;
}

static void add_rule(struct rule_ev *ev, int *n, const struct params *p, const char *rule,
		     double value, double threshold, double weight)
{
	if (value < threshold || threshold <= 0 || weight <= 0)
		return;
	double ratio = value / threshold;
	if (ratio > p->rule_cap)
		ratio = p->rule_cap;
	ev[*n] = (struct rule_ev){ rule, value, threshold, weight, weight * ratio };
	(*n)++;
}

static int cmp_contrib(const void *a, const void *b)
{
	const struct rule_ev *x = a, *y = b;
	return x->contribution < y->contribution ? 1 : x->contribution > y->contribution ? -1 : 0;
}

static double baseline_per_window(struct ctx *x, const struct site *s, bool *have)
{
	int64_t from = x->W - x->p.baseline_s, to = x->W - x->p.horizon;
	if (from < x->data_start)
		from = x->data_start;
	*have = to - from >= x->p.baseline_min_s && to > from;
	if (!*have)
		return 0;
	sqlite3_stmt *q = x->q_base;
	sqlite3_reset(q);
	sqlite3_bind_text(q, 1, s->id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q, 2, from);
	sqlite3_bind_int64(q, 3, to);
	double sum = 0;
	if (sqlite3_step(q) == SQLITE_ROW)
		sum = sqlite3_column_double(q, 0);
	return sum / ((double)(to - from) / x->p.ws);
}

static json_t *sub_json(const struct sub *u)
{
	json_t *imeis = json_array(), *rules = json_array();
	for (int i = 0; i < u->nimeis; i++)
		json_array_append_new(imeis, json_string(u->imeis[i]));
	for (int r = 0; r < R_NSUB; r++)
		if (u->fired & (1u << r))
			json_array_append_new(rules, json_string(SUB_RULE_NAMES[r]));
	return json_pack("{s:s, s:s, s:o, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:f, s:o}", "imsi",
			 u->imsi, "msisdn", u->msisdn, "imeis", imeis, "calls_out", (int)u->co,
			 "calls_out_answered", (int)u->coa, "calls_in", (int)u->ci, "sms_out",
			 (int)u->so, "sms_in", (int)u->si, "seq_run_max", (int)u->seqmax,
			 "data_sessions", (int)u->data, "suspicion", u->beh + u->dev, "rules",
			 rules);
}

static void record_flag(struct ctx *x, const struct site *s, double score, json_t *evidence)
{
	char *text = json_dumps(evidence, JSON_COMPACT);
	sqlite3_stmt *q = x->q_flag;
	sqlite3_reset(q);
	sqlite3_bind_text(q, 1, s->id, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		double best = sqlite3_column_double(q, 0);
		q = x->upd_flag;
		sqlite3_reset(q);
		sqlite3_bind_double(q, 1, score > best ? score : best);
		sqlite3_bind_double(q, 2, score);
		sqlite3_bind_int64(q, 3, x->W);
		sqlite3_bind_int(q, 4, score >= best);
		sqlite3_bind_text(q, 5, text, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 6, s->id, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(q) != SQLITE_DONE)
			x->failed = true;
	} else {
		q = x->ins_flag;
		sqlite3_reset(q);
		sqlite3_bind_text(q, 1, s->id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_double(q, 2, score);
		sqlite3_bind_double(q, 3, score);
		sqlite3_bind_int64(q, 4, x->W);
		sqlite3_bind_int64(q, 5, x->W);
		sqlite3_bind_text(q, 6, text, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(q) != SQLITE_DONE)
			x->failed = true;
		q = x->ins_hist;
		sqlite3_reset(q);
		sqlite3_bind_text(q, 1, s->id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(q, 2, x->W);
		if (sqlite3_step(q) != SQLITE_DONE)
			x->failed = true;
	}
	free(text);
	for (int i = 0; i < s->nmem; i++) {
		const struct sub *u = &x->subs[s->mem[i]];
		if (!u->suspect)
			continue;
		char imeis[SUB_MAX_IMEIS * (DW_IMEI_LEN + 1) + 1] = "", rules[256] = "";
		size_t n = 0;
		for (int k = 0; k < u->nimeis; k++)
			n += (size_t)snprintf(imeis + n, sizeof imeis - n, "%s%s", k ? "," : "", u->imeis[k]);
		n = 0;
		for (int r = 0; r < R_NSUB; r++)
			if (u->fired & (1u << r))
				n += (size_t)snprintf(rules + n, n < sizeof rules ? sizeof rules - n : 0,
						      "%s%s", n ? "," : "", SUB_RULE_NAMES[r]);
		char key[DW_NUMBER_MAX + 2];
		snprintf(key, sizeof key, "%s", *u->imsi ? u->imsi : u->msisdn);
		q = x->up_fsim;
		sqlite3_reset(q);
		int c = 1;
		sqlite3_bind_text(q, c++, s->id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, c++, key, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, c++, u->imsi, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, c++, u->msisdn, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, c++, imeis, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(q, c++, u->co);
		sqlite3_bind_int64(q, c++, u->so);
		sqlite3_bind_int64(q, c++, u->ci);
		sqlite3_bind_int64(q, c++, u->si);
		sqlite3_bind_text(q, c++, rules, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(q, c++, x->W);
		if (sqlite3_step(q) != SQLITE_DONE)
			x->failed = true;
	}
}

static void score_site(struct ctx *x, struct site *s)
{
	const struct params *p = &x->p;
	if (strmap_get(&x->allow_site, s->id) >= 0)
		return;
	struct rule_ev ev[16];
	int n = 0;
	add_rule(ev, &n, p, "suspects", s->suspects, p->site_suspects_min, p->w_suspects);
	bool gate = n > 0;
	if (s->subs > 0)
		add_rule(ev, &n, p, "suspect_share", (double)s->suspects / s->subs, p->site_share,
			 p->w_share);
	if (s->out > 0 && s->suspects > 0)
		add_rule(ev, &n, p, "traffic_share", (double)s->sus_out / (double)s->out,
			 p->traffic_share, p->w_traffic);

	/* Device signatures among the site's subscribers. */
	int tacs = 0, rot = 0, nim = 0;
	char(*imeis)[DW_IMEI_LEN + 1] = NULL;
	int cap = 0;
	int64_t *firsts = malloc((size_t)(s->nmem ? s->nmem : 1) * sizeof *firsts);
	int nfirst = 0;
	for (int i = 0; i < s->nmem; i++) {
		const struct sub *u = &x->subs[s->mem[i]];
		for (int k = 0; k < u->nimeis; k++) {
			if (nim == cap) {
				cap = cap ? cap * 2 : 64;
				imeis = realloc(imeis, (size_t)cap * sizeof *imeis);
				if (!imeis)
					abort();
			}
			memcpy(imeis[nim++], u->imeis[k], DW_IMEI_LEN + 1);
		}
		if (!u->active)
			continue;
		tacs += (u->fired >> R_GATEWAY_TAC) & 1;
		rot += ((u->fired >> R_IMEI_IMSIS) & 1) | ((u->fired >> R_IMSI_IMEIS) & 1);
		if (u->first_seen >= x->data_start + p->lockstep_warmup)
			firsts[nfirst++] = u->first_seen;
	}
	add_rule(ev, &n, p, "gateway_tacs", tacs, p->site_tac_min, p->w_tacs);
	add_rule(ev, &n, p, "sim_rotation", rot, p->rotation_min, p->w_rotation);
	int cfirst = 0, cluster = nim ? serial_cluster(imeis, nim, (long)p->serial_span, &cfirst) : 0;
	add_rule(ev, &n, p, "serial_cluster", cluster, p->serial_min, p->w_serial);
	qsort(firsts, (size_t)nfirst, sizeof *firsts, cmp_i64);
	int lock = 0;
	for (int i = 0, j = 0; j < nfirst; j++) {
		while (firsts[j] - firsts[i] > (int64_t)p->lockstep_s)
			i++;
		if (j - i + 1 > lock)
			lock = j - i + 1;
	}
	free(firsts);
	add_rule(ev, &n, p, "lock_step", lock, p->lockstep_min, p->w_lockstep);
	/* Shared dialling lists among the active subscribers (bounded pairwise). */
	int shared = 0, considered = 0;
	for (int i = 0; i < s->nmem && considered < 200; i++) {
		const struct sub *a = &x->subs[s->mem[i]];
		if (!a->active)
			continue;
		considered++;
		for (int j = 0, seen = 0; j < s->nmem && seen < 200; j++) {
			const struct sub *b = &x->subs[s->mem[j]];
			if (i == j || !b->active)
				continue;
			seen++;
			if (jaccard(a, b) >= p->shared_jaccard) {
				shared++;
				break;
			}
		}
	}
	add_rule(ev, &n, p, "shared_list", shared, p->shared_min, p->w_shared);
	if (s->suspects > 0) {
		bool have;
		double base = baseline_per_window(x, s, &have);
		if (have) {
			double span = (double)(x->W - x->data_start);
			if (span > p->horizon)
				span = (double)p->horizon;
			double now = (double)s->out / (span / (double)p->ws);
			add_rule(ev, &n, p, "baseline_rise", now / (base > 1 ? base : 1),
				 p->baseline_rise, p->w_baseline);
		}
	}
	if (n == 0) {
		free(imeis);
		return;
	}
	qsort(ev, (size_t)n, sizeof *ev, cmp_contrib);
	double score = 0;
	for (int i = 0; i < n; i++)
		score += ev[i].contribution;

	json_t *rules = json_array(), *sims = json_array(), *devs = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(rules, json_pack("{s:s, s:f, s:f, s:f, s:f}", "rule", ev[i].rule,
						       "value", ev[i].value, "threshold",
						       ev[i].threshold, "weight", ev[i].weight,
						       "contribution", ev[i].contribution));
	for (int i = 0; i < s->nmem; i++) {
		const struct sub *u = &x->subs[s->mem[i]];
		if (!u->suspect)
			continue;
		json_array_append_new(sims, sub_json(u));
		for (int k = 0; k < u->nimeis; k++)
			json_array_append_new(devs, json_string(u->imeis[k]));
	}
	if (cluster >= p->serial_min)
		for (int k = cfirst; k < cfirst + cluster; k++)
			json_array_append_new(devs, json_string(imeis[k]));
	free(imeis);
	json_t *evidence = json_pack("{s:o, s:o, s:o, s:i}", "rules", rules, "sims", sims, "imeis",
				     devs, "window_end", (json_int_t)x->W);
	char *text = json_dumps(evidence, JSON_COMPACT);
	sqlite3_stmt *q = x->ins_score;
	sqlite3_reset(q);
	sqlite3_bind_text(q, 1, s->id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q, 2, x->W);
	sqlite3_bind_double(q, 3, score);
	sqlite3_bind_int(q, 4, s->suspects);
	sqlite3_bind_text(q, 5, text, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(q) != SQLITE_DONE)
		x->failed = true;
	free(text);
	if (gate && score >= p->flag_threshold)
		record_flag(x, s, score, evidence);
	json_decref(evidence);
}

/* ---- one window ---- */

static int64_t first_seen(struct ctx *x, const struct sub *u)
{
	int64_t t = u->first_us / 1000000;
	if (!*u->imsi)
		return t;
	sqlite3_stmt *q = x->q_first;
	sqlite3_reset(q);
	sqlite3_bind_text(q, 1, u->imsi, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(q) == SQLITE_ROW)
		t = sqlite3_column_int64(q, 0);
	return t;
}

static int score_window(struct ctx *x, int64_t W)
{
	x->W = W;
	x->nsubs = 0;
	strmap_free(&x->sub_ix);
	strmap_init(&x->sub_ix);
	for (int i = 0; i < x->nsites; i++) {
		struct site *s = &x->sites[i];
		s->nmem = s->subs = s->active = s->suspects = s->new_subs = 0;
		s->out = s->sus_out = s->new_out = s->new_in = 0;
	}
	if (dw_store_begin(x->st) != 0)
		return -1;
	if (dw_store_each_summary(x->st, W - x->p.horizon, W, on_summary, x) != 0)
		x->failed = true;
	double span = (double)(W - x->data_start);
	if (span > x->p.horizon)
		span = (double)x->p.horizon;
	double hours = span / 3600.0;
	for (int i = 0; i < x->nsubs; i++) {
		struct sub *u = &x->subs[i];
		if (u->dead)
			continue;
		judge_sub(x, u, hours);
		if (u->site < 0)
			continue;
		struct site *s = &x->sites[u->site];
		site_add_member(s, i);
		s->subs++;
		s->out += u->co + u->so;
		if (u->in_new) {
			s->new_subs++;
			s->new_out += u->new_out;
			s->new_in += u->new_in;
		}
		if (u->active) {
			s->active++;
			u->first_seen = first_seen(x, u);
		}
		if (u->suspect) {
			s->suspects++;
			s->sus_out += u->co + u->so;
		}
	}
	for (int i = 0; i < x->nsites && !x->failed; i++) {
		struct site *s = &x->sites[i];
		if (s->new_subs) {
			sqlite3_stmt *q = x->up_stat;
			sqlite3_reset(q);
			sqlite3_bind_text(q, 1, s->id, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(q, 2, W - x->p.ws);
			sqlite3_bind_int(q, 3, s->new_subs);
			sqlite3_bind_int64(q, 4, (int64_t)s->new_out);
			sqlite3_bind_int64(q, 5, (int64_t)s->new_in);
			if (sqlite3_step(q) != SQLITE_DONE)
				x->failed = true;
		}
		if (s->nmem)
			score_site(x, s);
	}
	dw_store_meta_set(x->st, "scored_until", W);
	if (x->failed) {
		LOG_ERROR("scoring", "window ending %lld: %s", (long long)W, sqlite3_errmsg(x->db));
		dw_store_rollback(x->st);
		return -1;
	}
	return dw_store_commit(x->st);
}

static const struct {
	size_t off;
	const char *sql;
} STMTS[] = {
#define S(f, q) { offsetof(struct ctx, f), q }
	S(up_sub, "INSERT INTO subscriber (imsi, msisdn, first_seen, last_seen) VALUES (?,?,?,?)"
		  " ON CONFLICT(imsi) DO UPDATE SET"
		  " msisdn = CASE WHEN excluded.msisdn != '' THEN excluded.msisdn ELSE msisdn END,"
		  " first_seen = min(first_seen, excluded.first_seen),"
		  " last_seen = max(last_seen, excluded.last_seen)"),
	S(up_dev, "INSERT INTO device_link (imei, imsi, first_seen, last_seen) VALUES (?,?,?,?)"
		  " ON CONFLICT(imei, imsi) DO UPDATE SET"
		  " first_seen = min(first_seen, excluded.first_seen),"
		  " last_seen = max(last_seen, excluded.last_seen)"),
	S(q_first, "SELECT first_seen FROM subscriber WHERE imsi = ?"),
	S(q_imei_n, "SELECT count(*) FROM device_link WHERE imei = ? AND last_seen >= ?"),
	S(q_imsi_n, "SELECT count(*) FROM device_link WHERE imsi = ? AND last_seen >= ?"),
	S(up_stat, "INSERT OR REPLACE INTO site_stat (site_id, window_start, subscribers,"
		   " out_volume, in_volume) VALUES (?,?,?,?,?)"),
	S(q_base, "SELECT sum(out_volume) FROM site_stat WHERE site_id = ? AND window_start >= ?"
		  " AND window_start < ?"),
	S(ins_score, "INSERT OR REPLACE INTO site_score (site_id, window_end, score, suspects,"
		     " evidence) VALUES (?,?,?,?,?)"),
	S(q_flag, "SELECT score FROM flag WHERE site_id = ?"),
	S(ins_flag, "INSERT INTO flag (site_id, status, score, last_score, first_flagged,"
		    " last_flagged, evidence) VALUES (?, 'new', ?, ?, ?, ?, ?)"),
	S(upd_flag, "UPDATE flag SET score = ?, last_score = ?, last_flagged = ?,"
		    " evidence = CASE WHEN ? THEN ? ELSE evidence END WHERE site_id = ?"),
	S(up_fsim, "INSERT INTO flag_sim (site_id, sub, imsi, msisdn, imeis, calls_out, sms_out,"
		   " calls_in, sms_in, rules, first_seen, last_seen)"
		   " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?11)"
		   " ON CONFLICT(site_id, sub) DO UPDATE SET msisdn = excluded.msisdn,"
		   " imeis = excluded.imeis, calls_out = max(calls_out, excluded.calls_out),"
		   " sms_out = max(sms_out, excluded.sms_out),"
		   " calls_in = max(calls_in, excluded.calls_in),"
		   " sms_in = max(sms_in, excluded.sms_in), rules = excluded.rules,"
		   " last_seen = excluded.last_seen"),
	S(ins_hist, "INSERT INTO flag_history (site_id, status, event_time, at_wall, who, note)"
		    " VALUES (?, 'new', ?, strftime('%s','now'), 'correlator', 'flagged')"),
#undef S
};

static void ctx_free(struct ctx *x)
{
	for (size_t i = 0; i < sizeof STMTS / sizeof STMTS[0]; i++)
		sqlite3_finalize(*(sqlite3_stmt **)((char *)x + STMTS[i].off));
	strmap_free(&x->tacs);
	strmap_free(&x->allow_num);
	strmap_free(&x->allow_site);
	strmap_free(&x->cell_site);
	strmap_free(&x->site_ix);
	strmap_free(&x->msisdn_imsi);
	strmap_free(&x->sub_ix);
	for (int i = 0; i < x->nsites; i++)
		free(x->sites[i].mem);
	free(x->sites);
	free(x->imsis);
	free(x->subs);
}

int dw_scoring_run(struct dw_store *st, const struct dw_config *cfg, int final)
{
	struct params p;
	read_params(&p, cfg);
	int64_t budget_ms = dw_config_int(cfg, DWK_scoring_live_budget_ms);
	if (!final && budget_ms == 0)
		return 0;
	int64_t closed = dw_store_closed_until(st, final);
	int64_t done = dw_store_meta_get(st, "scored_until", 0);
	int64_t start = dw_store_meta_get(st, "data_start", 0);
	if (closed == 0 || (done && done + p.ws > closed))
		return 0;
	if (!start) {
		start = dw_store_first_window(st);
		dw_store_meta_set(st, "data_start", start);
	}
	int64_t W = done ? done + p.ws : (start / p.ws) * p.ws + p.ws;
	if (W > closed)
		return 0;

	struct ctx x;
	memset(&x, 0, sizeof x);
	x.st = st;
	x.db = dw_store_db(st);
	x.p = p;
	x.data_start = start;
	char err[DW_ERR_LEN];
	int rv = 0;
	if (load_lists(&x, cfg, err, sizeof err) != 0) {
		dw_error("%s", err);
		ctx_free(&x);
		return -1;
	}
	for (size_t i = 0; i < sizeof STMTS / sizeof STMTS[0]; i++) {
		sqlite3_stmt **q = (sqlite3_stmt **)((char *)&x + STMTS[i].off);
		if (sqlite3_prepare_v2(x.db, STMTS[i].sql, -1, q, NULL) != SQLITE_OK) {
			LOG_ERROR("scoring", "prepare: %s", sqlite3_errmsg(x.db));
			ctx_free(&x);
			return -1;
		}
	}
	if (load_cells(&x) != 0 || load_numbers(&x) != 0) {
		ctx_free(&x);
		return -1;
	}
	/* Live mode scores for at most scoring.live_budget_ms per call, so that the
	 * receiving loop keeps acknowledging; the next call goes on from there. */
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int n = 0;
	for (; W <= closed; W += p.ws) {
		if (score_window(&x, W) != 0) {
			rv = -1;
			break;
		}
		n++;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (!final && (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 > budget_ms) {
			W += p.ws;
			break;
		}
	}
	ctx_free(&x);
	LOG_DEBUG("scoring", "scored %d windows up to %lld", n, (long long)(W - p.ws));
	return rv < 0 ? -1 : n;
}
