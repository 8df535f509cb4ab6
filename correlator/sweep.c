/* sweep.c: tune --sweep KEY=FROM:TO:STEP. For each value of the key, replays
 * the stored summaries on a scratch copy of the store (as tune --set does) and
 * compares the flags with the live ones, with the recorded verify outcomes and,
 * when given, with a simulator truth file: one row per value, so that an analyst
 * can choose a threshold from evidence. The live store is only read. */
#include "sweep.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "denwatch/log.h"
#include "scoring.h"

int dw_sweep_parse(struct dw_sweep *sw, const char *spec, char *err, size_t errlen)
{
	memset(sw, 0, sizeof *sw);
	const char *eq = strchr(spec, '=');
	if (!eq || eq == spec || (size_t)(eq - spec) >= sizeof sw->key) {
		snprintf(err, errlen, "--sweep %s: expected KEY=FROM:TO:STEP", spec);
		return -1;
	}
	memcpy(sw->key, spec, (size_t)(eq - spec));
	const char *p = eq + 1;
	double v[3];
	for (int i = 0; i < 3; i++) {
		char *end;
		errno = 0;
		v[i] = strtod(p, &end);
		if (end == p || errno || !isfinite(v[i]) || *end != (i < 2 ? ':' : '\0')) {
			snprintf(err, errlen, "--sweep %s: expected KEY=FROM:TO:STEP with numbers",
				 spec);
			return -1;
		}
		p = end + 1;
	}
	sw->from = v[0], sw->to = v[1], sw->step = v[2];
	if (sw->step <= 0 || sw->from > sw->to) {
		snprintf(err, errlen,
			 "--sweep %s: empty range (need FROM <= TO and STEP > 0; got from %g to "
			 "%g step %g)",
			 spec, sw->from, sw->to, sw->step);
		return -1;
	}
	double n = floor((sw->to - sw->from) / sw->step + 1e-9) + 1;
	if (n > DW_SWEEP_MAX) {
		snprintf(err, errlen, "--sweep %s: %.0f values; at most %d", spec, n,
			 DW_SWEEP_MAX);
		return -1;
	}
	sw->n = (int)n;
	return 0;
}

void dw_sweep_value(const struct dw_sweep *sw, int i, char *out, size_t outlen)
{
	double v = sw->from + i * sw->step;
	/* Round away the binary noise of from + i * step (0.1 + 2 * 0.1...). */
	v = round(v * 1e9) / 1e9;
	snprintf(out, outlen, "%.10g", v);
}

/* Flags a replay with cfg would raise, into *flags. Returns 0 or -1 (logged). */
static int replay(struct dw_store *st, const struct dw_config *cfg, struct strmap *flags)
{
	char path[PATH_MAX], err[DW_ERR_LEN];
	struct dw_store *copy = dw_store_scratch_copy(st, path, sizeof path, err, sizeof err);
	if (!copy) {
		dw_error("tune: %s", err);
		return -1;
	}
	int rc = -1;
	if (dw_store_reset_derived(copy) != 0 || dw_scoring_run(copy, cfg, 1) < 0) {
		dw_error("tune: replay failed");
	} else {
		dw_report_flags_load(dw_store_db(copy), flags);
		rc = 0;
	}
	dw_store_scratch_remove(copy, path);
	return rc;
}

static int count_missing(const struct strmap *a, const struct strmap *b)
{
	int n = 0;
	for (size_t i = 0; i < a->cap; i++)
		n += a->keys[i] && strmap_get(b, a->keys[i]) < 0;
	return n;
}

/* Sites of the recorded verify outcomes unknown to the store (e.g. the cell
 * table changed since): reported, never silently dropped. */
json_t *dw_report_unknown_outcome_sites(sqlite3 *db)
{
	json_t *a = json_array();
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(db, "SELECT DISTINCT site_id FROM verification ORDER BY site_id",
			       -1, &q, NULL) != SQLITE_OK)
		return a;
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *s = (const char *)sqlite3_column_text(q, 0);
		if (s && !dw_report_known_site(db, s))
			json_array_append_new(a, json_string(s));
	}
	sqlite3_finalize(q);
	return a;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Median time from a den's start to its first flag, over the flagged dens of an
 * evaluation; -1 when none is flagged. */
static double median_ttf(json_t *e)
{
	json_t *rows = json_object_get(e, "den_results"), *r;
	size_t i, n = 0;
	double *v = calloc(json_array_size(rows) + 1, sizeof *v);
	if (!v)
		return -1;
	json_array_foreach(rows, i, r) if (json_is_true(json_object_get(r, "flagged")))
		v[n++] = (double)json_integer_value(json_object_get(r, "time_to_flag_s"));
	double m = -1;
	if (n) {
		qsort(v, n, sizeof *v, cmp_double);
		m = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	}
	free(v);
	return m;
}

static void print_num(FILE *out, json_t *o, const char *k, bool have)
{
	if (have && o)
		fprintf(out, " %7.3f", json_number_value(json_object_get(o, k)));
	else
		fprintf(out, " %7s", "-");
}

int dw_report_sweep(struct dw_store *st, struct dw_config *cfg, FILE *out,
		    const struct dw_sweep *sw, const char *truth_path, bool json)
{
	char err[DW_ERR_LEN], val[64], assign[256];
	/* Every value must be acceptable to the key before any replay. */
	for (int i = 0; i < sw->n; i++) {
		dw_sweep_value(sw, i, val, sizeof val);
		snprintf(assign, sizeof assign, "%s=%s", sw->key, val);
		if (dw_config_set(cfg, assign, err, sizeof err) != 0) {
			dw_error("tune: --sweep: %s", err);
			return DW_EXIT_USAGE;
		}
	}
	json_t *truth = NULL;
	if (truth_path && !(truth = dw_report_truth_load(truth_path)))
		return DW_EXIT_FAIL;
	sqlite3 *db = dw_store_db(st);
	struct strmap live;
	dw_report_flags_load(db, &live);
	json_t *unknown_out = dw_report_unknown_outcome_sites(db);
	json_t *rows = json_array();
	json_t *unknown_truth = NULL;
	int rc = DW_EXIT_OK;
	for (int i = 0; i < sw->n; i++) {
		dw_sweep_value(sw, i, val, sizeof val);
		snprintf(assign, sizeof assign, "%s=%s", sw->key, val);
		dw_config_set(cfg, assign, err, sizeof err); /* checked above */
		struct strmap tuned;
		strmap_init(&tuned);
		if (replay(st, cfg, &tuned) != 0) {
			strmap_free(&tuned);
			rc = DW_EXIT_FAIL;
			break;
		}
		json_t *row = json_pack("{s:f, s:i, s:i, s:i, s:o}", "value", strtod(val, NULL),
					"flagged", (int)tuned.n, "newly_flagged",
					count_missing(&tuned, &live), "no_longer_flagged",
					count_missing(&live, &tuned), "outcomes",
					dw_report_against_outcomes(db, &tuned));
		if (truth) {
			json_t *e = dw_report_evaluate(db, &tuned, truth);
			if (!unknown_truth)
				unknown_truth = json_incref(json_object_get(e, "unknown_sites"));
			json_object_set_new(
				row, "truth",
				json_pack("{s:O, s:O, s:O, s:O, s:O, s:f}", "precision",
					  json_object_get(e, "precision"), "recall",
					  json_object_get(e, "recall"), "f1", json_object_get(e, "f1"),
					  "negatives_flagged", json_object_get(e, "negatives_flagged"),
					  "true_positives", json_object_get(e, "true_positives"),
					  "median_time_to_flag_s", median_ttf(e)));
			json_decref(e);
		}
		json_array_append_new(rows, row);
		strmap_free(&tuned);
	}
	if (!unknown_truth)
		unknown_truth = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(unknown_truth, i, v)
		dw_error("tune: %s names site %s, unknown to the store", truth_path,
			 json_string_value(v));
	json_array_foreach(unknown_out, i, v)
		dw_error("tune: a recorded verify outcome names site %s, unknown to the store",
			 json_string_value(v));
	if (rc != DW_EXIT_OK) {
		/* nothing to print */
	} else if (json) {
		json_t *res = json_pack("{s:s, s:f, s:f, s:f, s:i, s:o, s:O, s:O}", "key", sw->key,
					"from", sw->from, "to", sw->to, "step", sw->step,
					"flagged_live", (int)live.n, "rows", rows,
					"unknown_truth_sites", unknown_truth,
					"unknown_outcome_sites", unknown_out);
		json_dumpf(res, out, JSON_INDENT(2));
		fputc('\n', out);
		json_decref(res);
		rows = NULL;
	} else {
		json_t *o0 = json_object_get(json_array_get(rows, 0), "outcomes");
		json_int_t conf = json_integer_value(json_object_get(o0, "confirmed"));
		json_int_t dis = json_integer_value(json_object_get(o0, "dismissed"));
		fprintf(out, "sweep %s from %g to %g step %g: %d replays; flagged now %d\n",
			sw->key, sw->from, sw->to, sw->step, sw->n, (int)live.n);
		fprintf(out, "outcomes: %lld confirmed, %lld dismissed sites recorded by verify%s\n",
			(long long)conf, (long long)dis,
			conf + dis ? "" : " (none: the OUT columns are empty)");
		if (truth)
			fprintf(out, "truth: %s\n", truth_path);
		fprintf(out, "%12s %7s %5s %5s %7s %7s %7s %7s %7s %5s %7s\n", "VALUE", "FLAGGED", "NEW",
			"LOST", "OUT_P", "OUT_R", "TRUTH_P", "TRUTH_R", "F1", "NEGS", "TTF_S");
		json_t *r;
		json_array_foreach(rows, i, r)
		{
			json_t *oc = json_object_get(r, "outcomes"), *tr = json_object_get(r, "truth");
			fprintf(out, "%12g %7lld %5lld %5lld", json_number_value(json_object_get(r, "value")),
				(long long)json_integer_value(json_object_get(r, "flagged")),
				(long long)json_integer_value(json_object_get(r, "newly_flagged")),
				(long long)json_integer_value(json_object_get(r, "no_longer_flagged")));
			print_num(out, oc, "precision", conf + dis > 0);
			print_num(out, oc, "recall", conf > 0);
			print_num(out, tr, "precision", tr != NULL);
			print_num(out, tr, "recall", tr != NULL);
			print_num(out, tr, "f1", tr != NULL);
			double ttf = tr ? json_number_value(json_object_get(tr, "median_time_to_flag_s")) : -1;
			if (tr)
				fprintf(out, " %5lld", (long long)json_integer_value(
							       json_object_get(tr, "negatives_flagged")));
			else
				fprintf(out, " %5s", "-");
			if (ttf >= 0)
				fprintf(out, " %7.0f\n", ttf);
			else
				fprintf(out, " %7s\n", "-");
		}
		json_array_foreach(unknown_truth, i, v)
			fprintf(out, "unknown site in truth file: %s\n", json_string_value(v));
		json_array_foreach(unknown_out, i, v)
			fprintf(out, "unknown site in verify outcomes: %s\n", json_string_value(v));
	}
	json_decref(rows);
	json_decref(unknown_truth);
	json_decref(unknown_out);
	json_decref(truth);
	strmap_free(&live);
	return rc;
}
