/* report.c: what investigators read and write: the ranked site list, one site's
 * evidence and activity, verification outcomes, GeoJSON/CSV/KML exports, and the
 * evaluation and tuning reports. Reads the tables scoring.c fills. */
#include "report.h"

#include <limits.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "denwatch/log.h"
#include "scoring.h"
#include "strmap.h"
#include "sweep.h"

static void iso_time(int64_t t, char *out, size_t outlen)
{
	if (t <= 0) {
		snprintf(out, outlen, "-");
		return;
	}
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const char *col_text(sqlite3_stmt *q, int i)
{
	const unsigned char *t = sqlite3_column_text(q, i);
	return t ? (const char *)t : "";
}

static json_t *col_coord(sqlite3_stmt *q, int i)
{
	if (sqlite3_column_type(q, i) == SQLITE_NULL)
		return json_null();
	return json_real(sqlite3_column_double(q, i));
}

static double round3(double v) { return (double)(long long)(v * 1000 + (v >= 0 ? 0.5 : -0.5)) / 1000; }

/* The suspicious SIMs recorded for a flagged site. */
static json_t *flag_sims(sqlite3 *db, const char *site)
{
	sqlite3_stmt *q;
	json_t *a = json_array();
	if (sqlite3_prepare_v2(db,
			       "SELECT imsi, msisdn, imeis, calls_out, sms_out, calls_in, sms_in,"
			       " rules, first_seen, last_seen FROM flag_sim WHERE site_id = ?"
			       " ORDER BY calls_out + sms_out DESC, sub",
			       -1, &q, NULL) != SQLITE_OK)
		return a;
	sqlite3_bind_text(q, 1, site, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(q) == SQLITE_ROW) {
		json_t *imeis = json_array(), *rules = json_array();
		char buf[512];
		snprintf(buf, sizeof buf, "%s", col_text(q, 2));
		for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ","))
			json_array_append_new(imeis, json_string(tok));
		snprintf(buf, sizeof buf, "%s", col_text(q, 7));
		for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ","))
			json_array_append_new(rules, json_string(tok));
		json_array_append_new(
			a, json_pack("{s:s, s:s, s:o, s:I, s:I, s:I, s:I, s:o, s:I, s:I}", "imsi",
				     col_text(q, 0), "msisdn", col_text(q, 1), "imeis", imeis,
				     "calls_out", (json_int_t)sqlite3_column_int64(q, 3), "sms_out",
				     (json_int_t)sqlite3_column_int64(q, 4), "calls_in",
				     (json_int_t)sqlite3_column_int64(q, 5), "sms_in",
				     (json_int_t)sqlite3_column_int64(q, 6), "rules", rules,
				     "first_flagged", (json_int_t)sqlite3_column_int64(q, 8),
				     "last_flagged", (json_int_t)sqlite3_column_int64(q, 9)));
	}
	sqlite3_finalize(q);
	return a;
}

/* One site object as `sites --json` prints it. evidence_text is the stored
 * evidence object {rules, sims, imeis}. */
static json_t *site_object(sqlite3 *db, sqlite3_stmt *q, bool flagged)
{
	/* columns: site_id, status, score, last_score, first, last, evidence, lat, lon,
	 * address, suspects */
	const char *site = col_text(q, 0);
	json_t *ev = json_loads(col_text(q, 6), 0, NULL);
	json_t *rules = ev ? json_incref(json_object_get(ev, "rules")) : NULL;
	json_t *imeis = json_array();
	json_t *evi = ev ? json_object_get(ev, "imeis") : NULL;
	size_t i;
	json_t *v;
	struct strmap seen;
	strmap_init(&seen);
	json_array_foreach(evi, i, v)
	{
		if (json_is_string(v) && strmap_get(&seen, json_string_value(v)) < 0) {
			strmap_put(&seen, json_string_value(v), 1);
			json_array_append(imeis, v);
		}
	}
	strmap_free(&seen);
	json_t *sims;
	if (flagged) {
		sims = flag_sims(db, site);
	} else {
		sims = json_array();
		json_t *es = ev ? json_object_get(ev, "sims") : NULL;
		json_array_foreach(es, i, v) json_array_append(sims, v);
	}
	char t1[32], t2[32];
	iso_time(sqlite3_column_int64(q, 4), t1, sizeof t1);
	iso_time(sqlite3_column_int64(q, 5), t2, sizeof t2);
	json_t *o = json_pack(
		"{s:s, s:f, s:f, s:s, s:o, s:o, s:s, s:o, s:I, s:o, s:o, s:I, s:I, s:s, s:s}",
		"site_id", site, "score", round3(sqlite3_column_double(q, 2)), "last_score",
		round3(sqlite3_column_double(q, 3)), "status", col_text(q, 1), "lat",
		col_coord(q, 7), "lon", col_coord(q, 8), "address", col_text(q, 9), "evidence",
		rules ? rules : json_array(), "subscribers",
		(json_int_t)(flagged ? (json_int_t)json_array_size(sims) : sqlite3_column_int64(q, 10)),
		"sims", sims, "imeis", imeis, "first_flagged", (json_int_t)sqlite3_column_int64(q, 4),
		"last_flagged", (json_int_t)sqlite3_column_int64(q, 5), "first_seen", t1, "last_seen",
		t2);
	json_decref(ev);
	return o;
}

static const char FLAG_SQL[] =
	"SELECT f.site_id, f.status, f.score, f.last_score, f.first_flagged, f.last_flagged,"
	" f.evidence, s.lat, s.lon, s.address, 0 FROM flag f"
	" LEFT JOIN site s ON s.site_id = f.site_id";

static json_t *collect_sites(struct dw_store *st, bool all, const char *status)
{
	sqlite3 *db = dw_store_db(st);
	json_t *arr = json_array();
	char sql[512];
	snprintf(sql, sizeof sql, "%s WHERE (?1 IS NULL OR f.status = ?1)", FLAG_SQL);
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK) {
		if (status)
			sqlite3_bind_text(q, 1, status, -1, SQLITE_TRANSIENT);
		while (sqlite3_step(q) == SQLITE_ROW)
			json_array_append_new(arr, site_object(db, q, true));
		sqlite3_finalize(q);
	}
	if (all && !status &&
	    sqlite3_prepare_v2(db,
			       "SELECT ss.site_id, 'none', ss.score, ss.score, 0, 0, ss.evidence,"
			       " s.lat, s.lon, s.address, ss.suspects FROM site_score ss"
			       " LEFT JOIN site s ON s.site_id = ss.site_id"
			       " WHERE ss.window_end = (SELECT max(window_end) FROM site_score x"
			       " WHERE x.site_id = ss.site_id)"
			       " AND ss.site_id NOT IN (SELECT site_id FROM flag)",
			       -1, &q, NULL) == SQLITE_OK) {
		while (sqlite3_step(q) == SQLITE_ROW)
			json_array_append_new(arr, site_object(db, q, false));
		sqlite3_finalize(q);
	}
	/* Rank: score, then site id, so that the order is stable. */
	size_t n = json_array_size(arr);
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0; j--) {
			json_t *a = json_array_get(arr, j - 1), *b = json_array_get(arr, j);
			double sa = json_real_value(json_object_get(a, "score"));
			double sb = json_real_value(json_object_get(b, "score"));
			if (sa > sb || (sa == sb && strcmp(json_string_value(json_object_get(a, "site_id")),
							   json_string_value(json_object_get(b, "site_id"))) <= 0))
				break;
			json_incref(a);
			json_array_set(arr, j - 1, b);
			json_array_set_new(arr, j, a);
		}
	return arr;
}

static void print_coord(FILE *out, json_t *v)
{
	if (json_is_number(v))
		fprintf(out, "%10.5f ", json_number_value(v));
	else
		fprintf(out, "%10s ", "-");
}

int dw_report_sites(struct dw_store *st, FILE *out, bool json, bool all, const char *status)
{
	json_t *arr = collect_sites(st, all, status);
	if (json) {
		json_dumpf(arr, out, JSON_INDENT(2));
		fputc('\n', out);
		json_decref(arr);
		return DW_EXIT_OK;
	}
	size_t n = json_array_size(arr);
	if (n == 0) {
		fprintf(out, "No %ssites%s.\n", all ? "scored " : "flagged ",
			status ? " with that status" : "");
		json_decref(arr);
		return DW_EXIT_OK;
	}
	fprintf(out, "%-4s %-14s %7s %-9s %4s %10s %10s %-20s %-20s %s\n", "RANK", "SITE", "SCORE",
		"STATUS", "SIMS", "LAT", "LON", "FIRST FLAGGED", "LAST FLAGGED", "ADDRESS");
	size_t i;
	json_t *o;
	json_array_foreach(arr, i, o)
	{
		fprintf(out, "%-4zu %-14s %7.2f %-9s %4lld ", i + 1,
			json_string_value(json_object_get(o, "site_id")),
			json_number_value(json_object_get(o, "score")),
			json_string_value(json_object_get(o, "status")),
			(long long)json_integer_value(json_object_get(o, "subscribers")));
		print_coord(out, json_object_get(o, "lat"));
		print_coord(out, json_object_get(o, "lon"));
		fprintf(out, "%-20s %-20s %s\n", json_string_value(json_object_get(o, "first_seen")),
			json_string_value(json_object_get(o, "last_seen")),
			json_string_value(json_object_get(o, "address")));
	}
	json_decref(arr);
	return DW_EXIT_OK;
}

/* ---- show ---- */

static const char *rule_phrase(const char *rule)
{
	static const struct {
		const char *rule, *phrase;
	} P[] = {
		{ "suspects", "%g SIMs here behave like SIM-box lines (bulk one-way calls or SMS)" },
		{ "suspect_share", "the suspicious SIMs are %.0f%% of the subscribers at the site" },
		{ "traffic_share", "the suspicious SIMs make %.0f%% of the site's outgoing calls and SMS" },
		{ "gateway_tacs", "%g active SIMs are in devices with a known gateway or SIM-box TAC" },
		{ "serial_cluster", "%g IMEIs of one TAC have close serial numbers (ports of one gateway)" },
		{ "sim_rotation", "%g SIMs or IMEIs change partner (SIM-bank rotation or IMEI changing)" },
		{ "lock_step", "%g SIMs appeared within a minute of each other" },
		{ "shared_list", "%g SIMs dial from a shared list of numbers" },
		{ "baseline_rise", "outgoing traffic is %.1f times the site's own baseline" },
	};
	for (size_t i = 0; i < sizeof P / sizeof P[0]; i++)
		if (strcmp(P[i].rule, rule) == 0)
			return P[i].phrase;
	return "%g";
}

static void sentence(json_t *site, char *out, size_t outlen)
{
	json_t *ev = json_object_get(site, "evidence");
	size_t n = 0, i;
	json_t *r;
	n += (size_t)snprintf(out, outlen, "%s was flagged because ",
			      json_string_value(json_object_get(site, "site_id")));
	size_t k = json_array_size(ev);
	json_array_foreach(ev, i, r)
	{
		const char *rule = json_string_value(json_object_get(r, "rule"));
		double v = json_number_value(json_object_get(r, "value"));
		if (strstr(rule, "share"))
			v *= 100;
		char part[256];
		snprintf(part, sizeof part, rule_phrase(rule), v);
		n += (size_t)snprintf(out + n, n < outlen ? outlen - n : 0, "%s%s",
				      i == 0 ? "" : i + 1 == k ? ", and " : ", ", part);
	}
	if (n < outlen)
		snprintf(out + n, outlen - n, ".");
}

/* show: evidence by contribution to the score, largest first (ties by rule name),
 * whatever order it was stored in. */
static void order_by_contribution(json_t *ev)
{
	size_t n = json_array_size(ev);
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0; j--) {
			json_t *a = json_array_get(ev, j - 1), *b = json_array_get(ev, j);
			double ca = json_number_value(json_object_get(a, "contribution"));
			double cb = json_number_value(json_object_get(b, "contribution"));
			const char *ra = json_string_value(json_object_get(a, "rule"));
			const char *rb = json_string_value(json_object_get(b, "rule"));
			if (ca > cb || (ca == cb && strcmp(ra ? ra : "", rb ? rb : "") <= 0))
				break;
			json_incref(a);
			json_array_set(ev, j - 1, b);
			json_array_set_new(ev, j, a);
		}
}

/* The behaviour of a subscriber rule, in words, for the suspicious SIMs. */
static const char *sim_rule_words(const char *rule)
{
	static const struct {
		const char *rule, *words;
	} W[] = {
		{ "volume", "make calls or SMS at a machine's rate" },
		{ "asymmetry", "call out but are never called back" },
		{ "fanout", "contact mostly numbers they never contacted before" },
		{ "answer_ratio", "have most of their calls unanswered" },
		{ "short_calls", "have most answered calls cut short" },
		{ "mean_duration", "have very short calls on average" },
		{ "sequential", "dial runs of consecutive numbers" },
		{ "stillness", "never move from the site" },
		{ "no_data", "open no data sessions" },
		{ "gateway_tac", "sit in devices with a gateway TAC" },
		{ "imei_many_imsis", "share an IMEI with other SIMs" },
		{ "imsi_many_imeis", "move between IMEIs" },
	};
	for (size_t i = 0; i < sizeof W / sizeof W[0]; i++)
		if (strcmp(W[i].rule, rule) == 0)
			return W[i].words;
	return NULL;
}

/* " Of its N suspicious SIMs, a call out but ... (rule), b ..." : the three
 * subscriber rules most of the flagged SIMs fired, most common first. */
static void sims_sentence(json_t *site, char *out, size_t outlen)
{
	json_t *sims = json_object_get(site, "sims");
	size_t nsims = json_array_size(sims), i, k;
	json_t *sim, *r;
	if (!nsims || outlen == 0)
		return;
	struct strmap count;
	strmap_init(&count);
	json_array_foreach(sims, i, sim) json_array_foreach(json_object_get(sim, "rules"), k, r)
	{
		const char *rule = json_string_value(r);
		if (rule && sim_rule_words(rule)) {
			int c = strmap_get(&count, rule);
			strmap_put(&count, rule, c < 0 ? 1 : c + 1);
		}
	}
	size_t n = (size_t)snprintf(out, outlen, " Of its %zu suspicious SIMs", nsims);
	for (int pick = 0; pick < 3; pick++) {
		const char *best = NULL;
		int bc = 0;
		for (size_t j = 0; j < count.cap; j++)
			if (count.keys[j] && (count.vals[j] > bc ||
					      (count.vals[j] == bc && best && strcmp(count.keys[j], best) < 0))) {
				best = count.keys[j];
				bc = count.vals[j];
			}
		if (!best)
			break;
		n += (size_t)snprintf(out + n, n < outlen ? outlen - n : 0, "%s%d %s (%s)",
				      pick == 0 ? ", " : "; ", bc, sim_rule_words(best), best);
		strmap_put(&count, best, 0);
	}
	if (n < outlen)
		snprintf(out + n, outlen - n, ".");
	strmap_free(&count);
}

/* Why a scored site is not flagged: its score and what did or did not fire. */
static void not_flagged_sentence(json_t *site, char *out, size_t outlen)
{
	json_t *ev = json_object_get(site, "evidence");
	size_t n = (size_t)snprintf(out, outlen, "%s is not flagged; its latest score is %.2f",
				    json_string_value(json_object_get(site, "site_id")),
				    json_number_value(json_object_get(site, "score")));
	bool suspects = false;
	size_t i;
	json_t *r;
	json_array_foreach(ev, i, r)
	{
		const char *rule = json_string_value(json_object_get(r, "rule"));
		suspects |= rule && strcmp(rule, "suspects") == 0;
		n += (size_t)snprintf(out + n, n < outlen ? outlen - n : 0, "%s%s %.2f",
				      i == 0 ? ", from " : ", ", rule ? rule : "?",
				      json_number_value(json_object_get(r, "contribution")));
	}
	if (n < outlen)
		snprintf(out + n, outlen - n, "%s",
			 suspects ? "." : "; without enough suspicious SIMs (rule suspects) no score flags a site.");
}

static json_t *hourly(sqlite3 *db, const char *site)
{
	json_t *a = json_array();
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(db,
			       "SELECT (window_start / 3600) * 3600 AS h, max(subscribers),"
			       " sum(out_volume), sum(in_volume) FROM site_stat WHERE site_id = ?"
			       " GROUP BY h ORDER BY h",
			       -1, &q, NULL) != SQLITE_OK)
		return a;
	sqlite3_bind_text(q, 1, site, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(q) == SQLITE_ROW) {
		char t[32];
		iso_time(sqlite3_column_int64(q, 0), t, sizeof t);
		json_array_append_new(a, json_pack("{s:s, s:I, s:I, s:I}", "hour", t, "subscribers",
						   (json_int_t)sqlite3_column_int64(q, 1), "out",
						   (json_int_t)sqlite3_column_int64(q, 2), "in",
						   (json_int_t)sqlite3_column_int64(q, 3)));
	}
	sqlite3_finalize(q);
	return a;
}

static json_t *history(sqlite3 *db, const char *site)
{
	json_t *a = json_array();
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(db,
			       "SELECT status, event_time, at_wall, who, note FROM flag_history"
			       " WHERE site_id = ? ORDER BY id",
			       -1, &q, NULL) != SQLITE_OK)
		return a;
	sqlite3_bind_text(q, 1, site, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(q) == SQLITE_ROW) {
		char t[32];
		iso_time(sqlite3_column_int64(q, 2), t, sizeof t);
		json_array_append_new(a, json_pack("{s:s, s:I, s:s, s:s, s:s}", "status",
						   col_text(q, 0), "event_time",
						   (json_int_t)sqlite3_column_int64(q, 1), "at", t,
						   "who", col_text(q, 3), "note", col_text(q, 4)));
	}
	sqlite3_finalize(q);
	return a;
}

int dw_report_show(struct dw_store *st, FILE *out, const char *site, bool json)
{
	sqlite3 *db = dw_store_db(st);
	char sql[512];
	snprintf(sql, sizeof sql, "%s WHERE f.site_id = ?", FLAG_SQL);
	sqlite3_stmt *q;
	json_t *o = NULL;
	bool flagged = true;
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_text(q, 1, site, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(q) == SQLITE_ROW)
			o = site_object(db, q, true);
		sqlite3_finalize(q);
	}
	if (!o && sqlite3_prepare_v2(db,
				     "SELECT ss.site_id, 'none', ss.score, ss.score, 0, 0, ss.evidence,"
				     " s.lat, s.lon, s.address, ss.suspects FROM site_score ss"
				     " LEFT JOIN site s ON s.site_id = ss.site_id WHERE ss.site_id = ?"
				     " ORDER BY ss.window_end DESC LIMIT 1",
				     -1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_text(q, 1, site, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(q) == SQLITE_ROW)
			o = site_object(db, q, false);
		sqlite3_finalize(q);
		flagged = false;
	}
	if (!o) {
		dw_error("show: %s: no such scored site in %s", site, dw_store_path(st));
		return DW_EXIT_FAIL;
	}
	char why[4096];
	order_by_contribution(json_object_get(o, "evidence"));
	if (flagged) {
		sentence(o, why, sizeof why);
		size_t n = strlen(why);
		sims_sentence(o, why + n, sizeof why - n);
	} else {
		not_flagged_sentence(o, why, sizeof why);
	}
	json_object_set_new(o, "why", json_string(why));
	json_object_set_new(o, "hourly", hourly(db, site));
	json_object_set_new(o, "history", history(db, site));
	if (json) {
		json_dumpf(o, out, JSON_INDENT(2));
		fputc('\n', out);
		json_decref(o);
		return DW_EXIT_OK;
	}
	fprintf(out, "Site %s  %s\n", site, json_string_value(json_object_get(o, "address")));
	json_t *lat = json_object_get(o, "lat"), *lon = json_object_get(o, "lon");
	if (json_is_number(lat))
		fprintf(out, "Location  %.6f, %.6f\n", json_number_value(lat), json_number_value(lon));
	fprintf(out, "Status    %s   score %.2f (latest %.2f)   flagged %s .. %s\n\n",
		json_string_value(json_object_get(o, "status")),
		json_number_value(json_object_get(o, "score")),
		json_number_value(json_object_get(o, "last_score")),
		json_string_value(json_object_get(o, "first_seen")),
		json_string_value(json_object_get(o, "last_seen")));
	fprintf(out, "%s\n\nEvidence (by contribution to the score):\n", why);
	fprintf(out, "  %-16s %10s %10s %7s %12s\n", "RULE", "VALUE", "THRESHOLD", "WEIGHT",
		"CONTRIBUTION");
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(o, "evidence"), i, r)
	{
		fprintf(out, "  %-16s %10.3g %10.3g %7.2f %12.2f\n",
			json_string_value(json_object_get(r, "rule")),
			json_number_value(json_object_get(r, "value")),
			json_number_value(json_object_get(r, "threshold")),
			json_number_value(json_object_get(r, "weight")),
			json_number_value(json_object_get(r, "contribution")));
	}
	json_t *sims = json_object_get(o, "sims");
	fprintf(out, "\nSuspicious SIMs (%zu):\n", json_array_size(sims));
	fprintf(out, "  %-16s %-16s %6s %6s %6s %6s  %-32s %s\n", "IMSI", "MSISDN", "CALLS>",
		"SMS>", "CALLS<", "SMS<", "IMEIS", "RULES");
	json_array_foreach(sims, i, r)
	{
		char imeis[256] = "", rules[256] = "";
		size_t k, a = 0, b = 0;
		json_t *v;
		json_array_foreach(json_object_get(r, "imeis"), k, v) a += (size_t)snprintf(
			imeis + a, a < sizeof imeis ? sizeof imeis - a : 0, "%s%s", k ? "," : "",
			json_string_value(v));
		json_array_foreach(json_object_get(r, "rules"), k, v) b += (size_t)snprintf(
			rules + b, b < sizeof rules ? sizeof rules - b : 0, "%s%s", k ? "," : "",
			json_string_value(v));
		fprintf(out, "  %-16s %-16s %6lld %6lld %6lld %6lld  %-32s %s\n",
			json_string_value(json_object_get(r, "imsi")),
			json_string_value(json_object_get(r, "msisdn")),
			(long long)json_integer_value(json_object_get(r, "calls_out")),
			(long long)json_integer_value(json_object_get(r, "sms_out")),
			(long long)json_integer_value(json_object_get(r, "calls_in")),
			(long long)json_integer_value(json_object_get(r, "sms_in")), imeis, rules);
	}
	fprintf(out, "\nHourly activity (UTC, event time):\n  %-20s %11s %8s %8s\n", "HOUR",
		"SUBSCRIBERS", "OUT", "IN");
	json_array_foreach(json_object_get(o, "hourly"), i, r)
	{
		fprintf(out, "  %-20s %11lld %8lld %8lld\n",
			json_string_value(json_object_get(r, "hour")),
			(long long)json_integer_value(json_object_get(r, "subscribers")),
			(long long)json_integer_value(json_object_get(r, "out")),
			(long long)json_integer_value(json_object_get(r, "in")));
	}
	json_t *h = json_object_get(o, "history");
	if (json_array_size(h)) {
		fprintf(out, "\nHistory:\n");
		json_array_foreach(h, i, r)
		{
			fprintf(out, "  %s  %-9s by %s: %s\n", json_string_value(json_object_get(r, "at")),
				json_string_value(json_object_get(r, "status")),
				json_string_value(json_object_get(r, "who")),
				json_string_value(json_object_get(r, "note")));
		}
	}
	json_decref(o);
	return DW_EXIT_OK;
}

/* ---- verify ---- */

int dw_report_verify(struct dw_store *st, const char *site, const char *outcome,
		     const char *note, const char *who)
{
	sqlite3 *db = dw_store_db(st);
	sqlite3_stmt *q;
	int64_t ev_time = -1;
	if (sqlite3_prepare_v2(db, "SELECT last_flagged FROM flag WHERE site_id = ?", -1, &q,
			       NULL) == SQLITE_OK) {
		sqlite3_bind_text(q, 1, site, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(q) == SQLITE_ROW)
			ev_time = sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
	}
	if (ev_time < 0) {
		dw_error("verify: %s: not a flagged site in %s", site, dw_store_path(st));
		return DW_EXIT_FAIL;
	}
	static const char *const SQL[] = {
		"INSERT INTO verification (site_id, outcome, note, who, at_wall)"
		" VALUES (?1, ?2, ?3, ?4, strftime('%s','now'))",
		"INSERT INTO flag_history (site_id, status, event_time, at_wall, who, note)"
		" VALUES (?1, ?2, ?5, strftime('%s','now'), ?4, ?3)",
		"UPDATE flag SET status = ?2 WHERE site_id = ?1",
	};
	if (dw_store_begin(st) != 0)
		goto fail;
	for (size_t i = 0; i < sizeof SQL / sizeof SQL[0]; i++) {
		if (sqlite3_prepare_v2(db, SQL[i], -1, &q, NULL) != SQLITE_OK)
			goto fail_tx;
		sqlite3_bind_text(q, 1, site, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 2, outcome, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 3, note, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 4, who, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(q, 5, ev_time);
		int rc = sqlite3_step(q);
		sqlite3_finalize(q);
		if (rc != SQLITE_DONE)
			goto fail_tx;
	}
	if (dw_store_commit(st) != 0)
		goto fail;
	printf("%s: %s by %s\n", site, outcome, who);
	return DW_EXIT_OK;
fail_tx:
	dw_store_rollback(st);
fail:
	dw_error("verify: %s: %s", dw_store_path(st), sqlite3_errmsg(db));
	return DW_EXIT_FAIL;
}

/* ---- export ---- */

static void xml_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\t' || *s == '\n')
				fputc(*s, f);
		}
	}
}

static void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void rules_list(json_t *site, char *out, size_t outlen)
{
	size_t i, n = 0;
	json_t *r;
	out[0] = '\0';
	json_array_foreach(json_object_get(site, "evidence"), i, r) n += (size_t)snprintf(
		out + n, n < outlen ? outlen - n : 0, "%s%s", i ? ";" : "",
		json_string_value(json_object_get(r, "rule")));
}

int dw_report_export(struct dw_store *st, FILE *out, const char *format, bool all)
{
	json_t *arr = collect_sites(st, all, NULL);
	size_t i;
	json_t *o;
	if (strcmp(format, "geojson") == 0) {
		json_t *features = json_array();
		json_array_foreach(arr, i, o)
		{
			json_t *lat = json_object_get(o, "lat"), *lon = json_object_get(o, "lon");
			json_t *geom = json_is_number(lat)
					       ? json_pack("{s:s, s:[O, O]}", "type", "Point",
							   "coordinates", lon, lat)
					       : json_null();
			json_t *props = json_deep_copy(o);
			json_object_del(props, "lat");
			json_object_del(props, "lon");
			json_array_append_new(features,
					      json_pack("{s:s, s:s, s:o, s:o}", "type", "Feature", "id",
							json_string_value(json_object_get(o, "site_id")),
							"geometry", geom, "properties", props));
		}
		json_t *fc = json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", features);
		json_dumpf(fc, out, JSON_INDENT(1));
		fputc('\n', out);
		json_decref(fc);
	} else if (strcmp(format, "csv") == 0) {
		fprintf(out, "site_id,status,score,lat,lon,address,subscribers,first_flagged,"
			     "last_flagged,rules\n");
		json_array_foreach(arr, i, o)
		{
			char rules[512];
			rules_list(o, rules, sizeof rules);
			csv_field(out, json_string_value(json_object_get(o, "site_id")));
			fprintf(out, ",%s,%.3f,", json_string_value(json_object_get(o, "status")),
				json_number_value(json_object_get(o, "score")));
			json_t *lat = json_object_get(o, "lat"), *lon = json_object_get(o, "lon");
			if (json_is_number(lat))
				fprintf(out, "%.6f,%.6f,", json_number_value(lat), json_number_value(lon));
			else
				fputs(",,", out);
			csv_field(out, json_string_value(json_object_get(o, "address")));
			fprintf(out, ",%lld,%s,%s,", (long long)json_integer_value(json_object_get(o, "subscribers")),
				json_string_value(json_object_get(o, "first_seen")),
				json_string_value(json_object_get(o, "last_seen")));
			csv_field(out, rules);
			fputc('\n', out);
		}
	} else {
		fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			     "<kml xmlns=\"http://www.opengis.net/kml/2.2\">\n<Document>\n"
			     "<name>denwatch flagged sites</name>\n");
		json_array_foreach(arr, i, o)
		{
			char rules[512];
			rules_list(o, rules, sizeof rules);
			fprintf(out, "<Placemark id=\"");
			xml_escaped(out, json_string_value(json_object_get(o, "site_id")));
			fprintf(out, "\">\n<name>");
			xml_escaped(out, json_string_value(json_object_get(o, "site_id")));
			fprintf(out, "</name>\n<description>");
			char desc[1024];
			snprintf(desc, sizeof desc, "score %.2f, status %s, %lld suspicious SIMs; %s; rules: %s",
				 json_number_value(json_object_get(o, "score")),
				 json_string_value(json_object_get(o, "status")),
				 (long long)json_integer_value(json_object_get(o, "subscribers")),
				 json_string_value(json_object_get(o, "address")), rules);
			xml_escaped(out, desc);
			fprintf(out, "</description>\n");
			json_t *lat = json_object_get(o, "lat"), *lon = json_object_get(o, "lon");
			if (json_is_number(lat))
				fprintf(out, "<Point><coordinates>%.6f,%.6f,0</coordinates></Point>\n",
					json_number_value(lon), json_number_value(lat));
			fprintf(out, "</Placemark>\n");
		}
		fprintf(out, "</Document>\n</kml>\n");
	}
	json_decref(arr);
	return ferror(out) ? DW_EXIT_FAIL : DW_EXIT_OK;
}

/* ---- eval and tune ---- */

struct flagset {
	struct strmap ids; /* site id -> first_flagged */
};

static void flagset_load(sqlite3 *db, struct strmap *m)
{
	sqlite3_stmt *q;
	strmap_init(m);
	if (sqlite3_prepare_v2(db, "SELECT site_id, first_flagged FROM flag", -1, &q, NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(q) == SQLITE_ROW)
		strmap_put(m, col_text(q, 0), (int)sqlite3_column_int64(q, 1));
	sqlite3_finalize(q);
}

static bool known_site(sqlite3 *db, const char *site)
{
	sqlite3_stmt *q;
	bool known = false;
	if (sqlite3_prepare_v2(db,
			       "SELECT 1 FROM site WHERE site_id = ?1 UNION ALL"
			       " SELECT 1 FROM site_stat WHERE site_id = ?1 LIMIT 1",
			       -1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_text(q, 1, site, -1, SQLITE_TRANSIENT);
		known = sqlite3_step(q) == SQLITE_ROW;
		sqlite3_finalize(q);
	}
	return known;
}

static json_t *load_truth(const char *path)
{
	json_error_t e;
	json_t *t = json_load_file(path, 0, &e);
	if (!t) {
		dw_error("%s:%d: cannot read truth file: %s", path, e.line, e.text);
		return NULL;
	}
	if (!json_is_array(json_object_get(t, "dens"))) {
		dw_error("%s: not a denwatch-sim truth file: no \"dens\" array", path);
		json_decref(t);
		return NULL;
	}
	return t;
}

/* Precision, recall, F1 and the per-den and per-negative details of a flag set. */
static json_t *evaluate(sqlite3 *db, const struct strmap *flags, json_t *truth)
{
	json_t *dens = json_object_get(truth, "dens"), *negs = json_object_get(truth, "negatives");
	json_t *den_rows = json_array(), *neg_kinds = json_object(), *unknown = json_array();
	json_t *neg_sites = json_array();
	struct strmap den_ids;
	strmap_init(&den_ids);
	size_t i;
	json_t *d;
	int tp = 0, ndens = 0;
	json_array_foreach(dens, i, d)
	{
		const char *site = json_string_value(json_object_get(d, "site_id"));
		if (!site || strmap_get(&den_ids, site) >= 0)
			continue;
		strmap_put(&den_ids, site, 1);
		ndens++;
		if (!known_site(db, site))
			json_array_append_new(unknown, json_string(site));
		int first = strmap_get(flags, site);
		json_int_t start = json_integer_value(json_object_get(d, "start"));
		json_t *row = json_pack("{s:s, s:b}", "site_id", site, "flagged", first >= 0);
		if (first >= 0) {
			tp++;
			json_object_set_new(row, "first_flag", json_integer(first));
			json_object_set_new(row, "time_to_flag_s", json_integer((json_int_t)first - start));
		}
		json_array_append_new(den_rows, row);
	}
	int neg_flagged = 0;
	json_array_foreach(negs, i, d)
	{
		const char *site = json_string_value(json_object_get(d, "site_id"));
		const char *kind = json_string_value(json_object_get(d, "kind"));
		if (!site)
			continue;
		if (!kind)
			kind = "unknown";
		if (!known_site(db, site))
			json_array_append_new(unknown, json_string(site));
		json_int_t n = json_integer_value(json_object_get(neg_kinds, kind));
		bool hit = strmap_get(flags, site) >= 0 && strmap_get(&den_ids, site) < 0;
		json_object_set_new(neg_kinds, kind, json_integer(n + hit));
		if (hit) {
			neg_flagged++;
			json_array_append_new(neg_sites, json_pack("{s:s, s:s}", "site_id", site, "kind", kind));
		}
	}
	strmap_free(&den_ids);
	int nflag = (int)flags->n;
	double p = nflag ? (double)tp / nflag : (ndens ? 0 : 1);
	double r = ndens ? (double)tp / ndens : 1;
	double f1 = p + r > 0 ? 2 * p * r / (p + r) : 0;
	return json_pack("{s:i, s:i, s:i, s:f, s:f, s:f, s:o, s:i, s:o, s:o, s:o}", "dens", ndens,
			 "flagged", nflag, "true_positives", tp, "precision", round3(p), "recall",
			 round3(r), "f1", round3(f1), "den_results", den_rows, "negatives_flagged",
			 neg_flagged, "negatives_flagged_by_kind", neg_kinds, "negative_sites_flagged",
			 neg_sites, "unknown_sites", unknown);
}

static void print_eval(FILE *out, json_t *e)
{
	fprintf(out, "dens %lld, flagged sites %lld, true positives %lld\n",
		(long long)json_integer_value(json_object_get(e, "dens")),
		(long long)json_integer_value(json_object_get(e, "flagged")),
		(long long)json_integer_value(json_object_get(e, "true_positives")));
	fprintf(out, "precision %.3f  recall %.3f  F1 %.3f\n",
		json_number_value(json_object_get(e, "precision")),
		json_number_value(json_object_get(e, "recall")),
		json_number_value(json_object_get(e, "f1")));
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(e, "den_results"), i, r)
	{
		const char *site = json_string_value(json_object_get(r, "site_id"));
		if (json_is_true(json_object_get(r, "flagged")))
			fprintf(out, "den %s: flagged %lld s after it started\n", site,
				(long long)json_integer_value(json_object_get(r, "time_to_flag_s")));
		else
			fprintf(out, "den %s: NOT flagged\n", site);
	}
	fprintf(out, "negative sites flagged: %lld", (long long)json_integer_value(json_object_get(e, "negatives_flagged")));
	const char *k;
	json_t *v;
	int first = 1;
	json_object_foreach(json_object_get(e, "negatives_flagged_by_kind"), k, v)
	{
		fprintf(out, "%s%s %lld", first ? " (" : ", ", k, (long long)json_integer_value(v));
		first = 0;
	}
	fprintf(out, "%s\n", first ? "" : ")");
	json_array_foreach(json_object_get(e, "negative_sites_flagged"), i, r)
		fprintf(out, "negative %s (%s): FLAGGED\n", json_string_value(json_object_get(r, "site_id")),
			json_string_value(json_object_get(r, "kind")));
	json_array_foreach(json_object_get(e, "unknown_sites"), i, r)
		fprintf(out, "unknown site in truth file: %s\n", json_string_value(r));
}

int dw_report_eval(struct dw_store *st, FILE *out, const char *truth_path, bool json)
{
	json_t *truth = load_truth(truth_path);
	if (!truth)
		return DW_EXIT_FAIL;
	struct strmap flags;
	flagset_load(dw_store_db(st), &flags);
	json_t *e = evaluate(dw_store_db(st), &flags, truth);
	strmap_free(&flags);
	json_decref(truth);
	size_t unknown = json_array_size(json_object_get(e, "unknown_sites"));
	if (unknown)
		dw_error("eval: %zu site id(s) of %s are unknown to the store", unknown, truth_path);
	if (json) {
		json_dumpf(e, out, JSON_INDENT(2));
		fputc('\n', out);
	} else {
		print_eval(out, e);
	}
	json_decref(e);
	return DW_EXIT_OK;
}

/* Precision / recall of a flag set against the latest verify outcome of each site. */
static json_t *against_outcomes(sqlite3 *db, const struct strmap *flags)
{
	sqlite3_stmt *q;
	int conf = 0, dis = 0, conf_flagged = 0, dis_flagged = 0;
	if (sqlite3_prepare_v2(db,
			       "SELECT site_id, outcome FROM verification v WHERE id ="
			       " (SELECT max(id) FROM verification x WHERE x.site_id = v.site_id)"
			       " AND outcome != 'pending'",
			       -1, &q, NULL) == SQLITE_OK) {
		while (sqlite3_step(q) == SQLITE_ROW) {
			bool f = strmap_get(flags, col_text(q, 0)) >= 0;
			if (strcmp(col_text(q, 1), "confirmed") == 0)
				conf++, conf_flagged += f;
			else
				dis++, dis_flagged += f;
		}
		sqlite3_finalize(q);
	}
	double p = conf_flagged + dis_flagged ? (double)conf_flagged / (conf_flagged + dis_flagged) : 0;
	double r = conf ? (double)conf_flagged / conf : 0;
	return json_pack("{s:i, s:i, s:f, s:f}", "confirmed", conf, "dismissed", dis, "precision",
			 round3(p), "recall", round3(r));
}

static json_t *diff(const struct strmap *a, const struct strmap *b)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < a->cap; i++)
		if (a->keys[i] && strmap_get(b, a->keys[i]) < 0)
			json_array_append_new(arr, json_string(a->keys[i]));
	return arr;
}

int dw_report_tune(struct dw_store *st, const struct dw_config *cfg, FILE *out,
		   const char *truth_path, bool json)
{
	json_t *truth = truth_path ? load_truth(truth_path) : NULL;
	if (truth_path && !truth)
		return DW_EXIT_FAIL;
	char path[PATH_MAX], err[DW_ERR_LEN];
	struct dw_store *copy = dw_store_scratch_copy(st, path, sizeof path, err, sizeof err);
	if (!copy) {
		dw_error("tune: %s", err);
		json_decref(truth);
		return DW_EXIT_FAIL;
	}
	int rc = DW_EXIT_FAIL;
	struct strmap live, tuned;
	flagset_load(dw_store_db(st), &live);
	strmap_init(&tuned);
	if (dw_store_reset_derived(copy) != 0 || dw_scoring_run(copy, cfg, 1) < 0) {
		dw_error("tune: replay failed");
		goto done;
	}
	strmap_free(&tuned);
	flagset_load(dw_store_db(copy), &tuned);
	json_t *unknown_out = dw_report_unknown_outcome_sites(dw_store_db(st));
	size_t ui;
	json_t *uv;
	json_array_foreach(unknown_out, ui, uv)
		dw_error("tune: a recorded verify outcome names site %s, unknown to the store",
			 json_string_value(uv));
	json_t *res = json_pack("{s:o, s:o, s:o, s:i, s:i, s:o, s:o}", "unknown_outcome_sites", unknown_out,
				"newly_flagged", diff(&tuned, &live),
				"no_longer_flagged", diff(&live, &tuned), "flagged_live", (int)live.n,
				"flagged_tuned", (int)tuned.n, "outcomes_live",
				against_outcomes(dw_store_db(st), &live), "outcomes_tuned",
				against_outcomes(dw_store_db(st), &tuned));
	if (truth) {
		json_t *tl = evaluate(dw_store_db(st), &live, truth);
		size_t i;
		json_t *u;
		json_array_foreach(json_object_get(tl, "unknown_sites"), i, u)
			dw_error("tune: %s names site %s, unknown to the store", truth_path,
				 json_string_value(u));
		json_object_set_new(res, "truth_live", tl);
		json_object_set_new(res, "truth_tuned", evaluate(dw_store_db(copy), &tuned, truth));
	}
	if (json) {
		json_dumpf(res, out, JSON_INDENT(2));
		fputc('\n', out);
	} else {
		fprintf(out, "flagged now %d, with the new settings %d\n", (int)live.n, (int)tuned.n);
		size_t i;
		json_t *v;
		fprintf(out, "newly flagged:");
		json_array_foreach(json_object_get(res, "newly_flagged"), i, v) fprintf(out, " %s",
										    json_string_value(v));
		fprintf(out, "%s\nno longer flagged:", json_array_size(json_object_get(res, "newly_flagged")) ? "" : " none");
		json_array_foreach(json_object_get(res, "no_longer_flagged"), i, v) fprintf(out, " %s",
											json_string_value(v));
		fprintf(out, "%s\n", json_array_size(json_object_get(res, "no_longer_flagged")) ? "" : " none");
		json_t *ol = json_object_get(res, "outcomes_live"), *ot = json_object_get(res, "outcomes_tuned");
		fprintf(out, "against verify outcomes (%lld confirmed, %lld dismissed): precision %.3f -> %.3f, recall %.3f -> %.3f\n",
			(long long)json_integer_value(json_object_get(ol, "confirmed")),
			(long long)json_integer_value(json_object_get(ol, "dismissed")),
			json_number_value(json_object_get(ol, "precision")),
			json_number_value(json_object_get(ot, "precision")),
			json_number_value(json_object_get(ol, "recall")),
			json_number_value(json_object_get(ot, "recall")));
		if (truth) {
			json_t *tl = json_object_get(res, "truth_live"), *tt = json_object_get(res, "truth_tuned");
			fprintf(out, "against %s: precision %.3f -> %.3f, recall %.3f -> %.3f\n", truth_path,
				json_number_value(json_object_get(tl, "precision")),
				json_number_value(json_object_get(tt, "precision")),
				json_number_value(json_object_get(tl, "recall")),
				json_number_value(json_object_get(tt, "recall")));
			json_t *u;
			json_array_foreach(json_object_get(tl, "unknown_sites"), i, u)
				fprintf(out, "unknown site in truth file: %s\n", json_string_value(u));
		}
	}
	json_decref(res);
	rc = DW_EXIT_OK;
done:
	dw_store_scratch_remove(copy, path);
	strmap_free(&live);
	strmap_free(&tuned);
	json_decref(truth);
	return rc;
}

/* ---- for tune --sweep (sweep.c): the evaluation helpers above, exported ---- */

void dw_report_flags_load(sqlite3 *db, struct strmap *m) { flagset_load(db, m); }
json_t *dw_report_truth_load(const char *path) { return load_truth(path); }
json_t *dw_report_evaluate(sqlite3 *db, const struct strmap *flags, json_t *truth)
{
	return evaluate(db, flags, truth);
}
json_t *dw_report_against_outcomes(sqlite3 *db, const struct strmap *flags)
{
	return against_outcomes(db, flags);
}
bool dw_report_known_site(sqlite3 *db, const char *site) { return known_site(db, site); }
