/* main.c: denwatch-correlator: receives sensors' summaries (run), and the
 * investigator commands on the store: sites, show, verify, export, eval, tune
 * (DESIGN 8). Each subcommand lives in its own function with its own --help. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "denwatch/config.h"
#include "denwatch/curve.h"
#include "denwatch/log.h"
#include "ingest.h"
#include "report.h"
#include "denwatch/summary_json.h"
#include "scoring.h"
#include "store.h"
#include "sweep.h"

#define MAX_SETS 128

struct opts {
	const char *config;
	const char *sets[MAX_SETS];
	int nsets;
	const char *db;
	/* subcommand options */
	const char *bind, *status, *outcome, *note, *by, *format, *out, *truth;
	int expect_sensors;
	bool json, all;
	const char *site;
	const char *sensor_id;
	const char *sweep; /* tune --sweep KEY=FROM:TO:STEP */
};

struct subcmd {
	const char *name;
	int (*run)(struct opts *o, struct dw_config *cfg);
	const char *synopsis;
	const char *help;
	const char *optstring; /* letters of the long options it accepts, see OPTS */
	int positional;        /* 1: takes SITE */
};

static const char COMMON_HELP[] =
	"Common options:\n"
	"  -c FILE              config file (default config/denwatch.conf when present)\n"
	"  --set SECTION.KEY=VALUE\n"
	"                       override one config key; may be repeated\n"
	"  --db FILE            SQLite store (default: store.db from the config)\n"
	"  -h, --help           this help\n"
	"\n"
	"Exit status: 0 success, 1 failure, 2 bad usage or bad config.\n";

static int usage_error(const char *sub, const char *fmt, const char *arg)
{
	char msg[512];
	snprintf(msg, sizeof msg, fmt, arg);
	dw_error("%s%s%s (see --help)", sub ? sub : "", sub ? ": " : "", msg);
	return DW_EXIT_USAGE;
}

/* ---- store opening with errors that name where the path came from ---- */

static struct dw_store *open_store(const struct opts *o, const struct dw_config *cfg,
				   bool create)
{
	char err[DW_ERR_LEN], origin[300];
	const char *path = o->db ? o->db : dw_config_str(cfg, DWK_store_db);
	if (o->db)
		snprintf(origin, sizeof origin, "--db");
	else
		dw_config_origin(cfg, DWK_store_db, origin, sizeof origin);
	struct dw_store *st = create ? dw_store_open(path, err, sizeof err)
				     : dw_store_open_existing(path, err, sizeof err);
	if (!st)
		dw_error("%s: store.db: %s", origin, err);
	return st;
}

static int check_lists(const struct dw_config *cfg)
{
	char err[DW_ERR_LEN];
	if (dw_scoring_check_config(cfg, err, sizeof err) != 0) {
		dw_error("%s", err);
		return -1;
	}
	const char *cells = dw_config_str(cfg, DWK_sites_cells);
	if (*cells && access(cells, R_OK) != 0) {
		char origin[300];
		dw_config_origin(cfg, DWK_sites_cells, origin, sizeof origin);
		dw_error("%s: sites.cells: cannot open '%s': %s", origin, cells, strerror(errno));
		return -1;
	}
	return 0;
}

static int load_cells(struct dw_store *st, const struct dw_config *cfg)
{
	char err[DW_ERR_LEN], origin[300];
	if (dw_store_load_cells(st, dw_config_str(cfg, DWK_sites_cells), err, sizeof err) != 0) {
		dw_config_origin(cfg, DWK_sites_cells, origin, sizeof origin);
		dw_error("%s: sites.cells: %s", origin, err);
		return -1;
	}
	return 0;
}

/* ---- run ---- */

static int cmd_run(struct opts *o, struct dw_config *cfg)
{
	if (check_lists(cfg) != 0)
		return DW_EXIT_USAGE;
	struct dw_store *st = open_store(o, cfg, true);
	if (!st)
		return DW_EXIT_USAGE;
	if (load_cells(st, cfg) != 0) {
		dw_store_close(st);
		return DW_EXIT_USAGE;
	}
	struct dw_ingest_opts io = { .endpoint = o->bind, .expect_sensors = o->expect_sensors };
	int rc = dw_ingest_run(cfg, st, &io);
	dw_store_close(st);
	return rc;
}

/* ---- score: scoring of what is stored (batch, without the network) ---- */

static int cmd_score(struct opts *o, struct dw_config *cfg)
{
	if (check_lists(cfg) != 0)
		return DW_EXIT_USAGE;
	struct dw_store *st = open_store(o, cfg, false);
	if (!st)
		return DW_EXIT_USAGE;
	int rc = load_cells(st, cfg) == 0 && dw_scoring_run(st, cfg, 1) >= 0 ? DW_EXIT_OK
									   : DW_EXIT_FAIL;
	dw_store_close(st);
	return rc;
}

/* ---- import: summaries as JSON Lines (denwatch-sensor --dump summaries) ---- */

static int cmd_import(struct opts *o, struct dw_config *cfg)
{
	const char *path = o->site; /* the positional argument */
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (!f) {
		dw_error("import: %s: %s", path, strerror(errno));
		return DW_EXIT_FAIL;
	}
	struct dw_store *st = open_store(o, cfg, true);
	if (!st) {
		if (f != stdin)
			fclose(f);
		return DW_EXIT_USAGE;
	}
	const char *sensor = o->sensor_id ? o->sensor_id : "import";
	char *line = NULL;
	size_t cap = 0;
	uint64_t seq = 0;
	long added = 0, dup = 0;
	int rc = DW_EXIT_OK;
	const uint64_t batch = 5000; /* rows per transaction */
	if (dw_store_begin(st) != 0)
		rc = DW_EXIT_FAIL;
	while (rc == DW_EXIT_OK && getline(&line, &cap, f) > 0) {
		seq++;
		struct dw_summary s;
		char err[256];
		json_error_t je;
		json_t *j = json_loads(line, 0, &je);
		int bad = !j ? (snprintf(err, sizeof err, "not JSON: %s", je.text), -1)
			     : dw_summary_from_json(j, &s, err, sizeof err);
		json_decref(j);
		if (bad != 0) {
			dw_error("import: %s:%llu: %s", path, (unsigned long long)seq, err);
			rc = DW_EXIT_FAIL;
			break;
		}
		int r = dw_store_add_summary(st, sensor, seq, &s);
		if (r < 0)
			rc = DW_EXIT_FAIL;
		added += r == 1;
		dup += r == 0;
		if (seq % batch == 0 && (dw_store_commit(st) != 0 || dw_store_begin(st) != 0))
			rc = DW_EXIT_FAIL;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	if (rc == DW_EXIT_OK && dw_store_sensor_done(st, sensor, seq) == 0 &&
	    dw_store_commit(st) == 0) {
		fprintf(stderr, "%s: %ld summaries stored, %ld already there\n", sensor, added, dup);
	} else {
		dw_store_rollback(st);
		rc = DW_EXIT_FAIL;
	}
	dw_store_close(st);
	return rc;
}

/* ---- investigator commands: thin wrappers over report.c ---- */

static int with_store(struct opts *o, struct dw_config *cfg,
		      int (*fn)(struct dw_store *, const struct dw_config *, const struct opts *))
{
	struct dw_store *st = open_store(o, cfg, false);
	if (!st)
		return DW_EXIT_USAGE;
	int rc = fn(st, cfg, o);
	dw_store_close(st);
	return rc;
}

static const char *const STATUSES[] = { "new", "pending", "confirmed", "dismissed", NULL };

static bool one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

static int do_sites(struct dw_store *st, const struct dw_config *cfg, const struct opts *o)
{
	(void)cfg;
	return dw_report_sites(st, stdout, o->json, o->all, o->status);
}

static int cmd_sites(struct opts *o, struct dw_config *cfg)
{
	if (o->status && !one_of(o->status, STATUSES))
		return usage_error("sites", "--status %s: expected new|pending|confirmed|dismissed",
				   o->status);
	return with_store(o, cfg, do_sites);
}

static int do_show(struct dw_store *st, const struct dw_config *cfg, const struct opts *o)
{
	(void)cfg;
	return dw_report_show(st, stdout, o->site, o->json);
}

static int cmd_show(struct opts *o, struct dw_config *cfg) { return with_store(o, cfg, do_show); }

static int do_verify(struct dw_store *st, const struct dw_config *cfg, const struct opts *o)
{
	(void)cfg;
	const char *who = o->by ? o->by : getenv("USER");
	return dw_report_verify(st, o->site, o->outcome, o->note ? o->note : "",
				who && *who ? who : "unknown");
}

static int cmd_verify(struct opts *o, struct dw_config *cfg)
{
	static const char *const outcomes[] = { "confirmed", "dismissed", "pending", NULL };
	if (!o->outcome)
		return usage_error("verify", "%s", "--outcome confirmed|dismissed|pending is required");
	if (!one_of(o->outcome, outcomes))
		return usage_error("verify", "--outcome %s: expected confirmed|dismissed|pending",
				   o->outcome);
	return with_store(o, cfg, do_verify);
}

static int do_export(struct dw_store *st, const struct dw_config *cfg, const struct opts *o)
{
	(void)cfg;
	FILE *f = stdout;
	if (o->out && strcmp(o->out, "-") != 0 && !(f = fopen(o->out, "w"))) {
		dw_error("export: %s: %s", o->out, strerror(errno));
		return DW_EXIT_FAIL;
	}
	int rc = dw_report_export(st, f, o->format, o->all);
	if (f != stdout && fclose(f) != 0) {
		dw_error("export: %s: %s", o->out, strerror(errno));
		rc = DW_EXIT_FAIL;
	}
	return rc;
}

static int cmd_export(struct opts *o, struct dw_config *cfg)
{
	static const char *const formats[] = { "geojson", "csv", "kml", NULL };
	if (!o->format)
		return usage_error("export", "%s", "--format geojson|csv|kml is required");
	if (!one_of(o->format, formats))
		return usage_error("export", "--format %s: expected geojson|csv|kml", o->format);
	return with_store(o, cfg, do_export);
}

static int do_eval(struct dw_store *st, const struct dw_config *cfg, const struct opts *o)
{
	(void)cfg;
	return dw_report_eval(st, stdout, o->truth, o->json);
}

static int cmd_eval(struct opts *o, struct dw_config *cfg)
{
	if (!o->truth)
		return usage_error("eval", "%s", "--truth FILE is required");
	return with_store(o, cfg, do_eval);
}

static int do_tune(struct dw_store *st, const struct dw_config *cfg, const struct opts *o)
{
	return dw_report_tune(st, cfg, stdout, o->truth, o->json);
}

static int cmd_tune(struct opts *o, struct dw_config *cfg)
{
	if (o->nsets == 0 && !o->sweep)
		return usage_error("tune", "%s",
				   "give at least one --set KEY=VALUE or a --sweep KEY=FROM:TO:STEP to try");
	if (check_lists(cfg) != 0)
		return DW_EXIT_USAGE;
	if (!o->sweep)
		return with_store(o, cfg, do_tune);
	struct dw_sweep sw;
	char err[DW_ERR_LEN];
	if (dw_sweep_parse(&sw, o->sweep, err, sizeof err) != 0) {
		dw_error("tune: %s", err);
		return DW_EXIT_USAGE;
	}
	struct dw_store *st = open_store(o, cfg, false);
	if (!st)
		return DW_EXIT_USAGE;
	int rc = dw_report_sweep(st, cfg, stdout, &sw, o->truth, o->json);
	dw_store_close(st);
	return rc;
}

/* The CurveZMQ key pair tool is the transport's (denwatch/curve.h). */
static int keygen(int argc, char **argv)
{
	return dw_keygen_main("correlator", argc, argv);
}

/* ---- subcommand table and option parsing ---- */

enum { O_SET = 1000, O_DB, O_BIND, O_EXPECT, O_JSON, O_ALL, O_STATUS, O_OUTCOME, O_NOTE, O_BY,
       O_FORMAT, O_TRUTH, O_SENSOR_ID, O_SWEEP };

static const struct option LONGOPTS[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "set", required_argument, NULL, O_SET },
	{ "db", required_argument, NULL, O_DB },
	{ "bind", required_argument, NULL, O_BIND },
	{ "expect-sensors", required_argument, NULL, O_EXPECT },
	{ "json", no_argument, NULL, O_JSON },
	{ "all", no_argument, NULL, O_ALL },
	{ "status", required_argument, NULL, O_STATUS },
	{ "outcome", required_argument, NULL, O_OUTCOME },
	{ "note", required_argument, NULL, O_NOTE },
	{ "by", required_argument, NULL, O_BY },
	{ "format", required_argument, NULL, O_FORMAT },
	{ "truth", required_argument, NULL, O_TRUTH },
	{ "sensor-id", required_argument, NULL, O_SENSOR_ID },
	{ "sweep", required_argument, NULL, O_SWEEP },
	{ 0 }
};

/* Which of the options above each subcommand accepts, by letter:
 * b bind, e expect-sensors, j json, a all, s status, O outcome, n note, y by,
 * f format, o -o, t truth, w sweep. */
static const struct subcmd SUBCMDS[] = {
	{ "run", cmd_run, "run [--bind ENDPOINT] [--db FILE] [--expect-sensors N]",
	  "Receives summaries from sensors over ZeroMQ, stores them in SQLite, and scores\n"
	  "every site each time a window closes (event time: the newest window end seen).\n"
	  "\n"
	  "  --bind ENDPOINT      ZeroMQ endpoint to bind (default transport.endpoint)\n"
	  "  --expect-sensors N   batch mode: exit 0 once N sensors have sent end-of-stream\n"
	  "                       and the final scoring is committed\n"
	  "\n"
	  "The cell-site table (sites.cells) is loaded into the store at start. Without\n"
	  "--expect-sensors it runs until SIGINT or SIGTERM; SIGHUP re-reads thresholds.\n",
	  "be", 0 },
	{ "sites", cmd_sites, "sites [--json] [--all] [--status new|pending|confirmed|dismissed]",
	  "Lists flagged sites ranked by score: site, address, coordinates, score, status,\n"
	  "number of suspicious SIMs, first and last time flagged (event time, UTC).\n"
	  "\n"
	  "  --json               an array of objects: site_id, score, status, lat, lon,\n"
	  "                       address, evidence [{rule, value, threshold, ...}],\n"
	  "                       subscribers (suspicious SIMs), sims, imeis,\n"
	  "                       first_flagged, last_flagged\n"
	  "  --all                also sites that were scored but never flagged (status none)\n"
	  "  --status S           only flags with that status\n",
	  "jas", 0 },
	{ "show", cmd_show, "show SITE [--json]",
	  "Shows everything about one site: why it was flagged (in words), each piece of\n"
	  "evidence ordered by its contribution to the score, the suspicious SIMs with\n"
	  "their numbers, IMEIs and volumes, the site's hourly activity, and the history\n"
	  "of its flag and verification outcomes.\n"
	  "\n"
	  "  --json               the same as one JSON object\n",
	  "j", 1 },
	{ "verify", cmd_verify, "verify SITE --outcome confirmed|dismissed|pending [--note TEXT]",
	  "Records the outcome of a field visit to a flagged site, with a note, who\n"
	  "(--by, else $USER) and when; the flag takes the outcome as its status.\n"
	  "\n"
	  "  --outcome O          confirmed (a den was found), dismissed (none), pending\n"
	  "  --note TEXT          what was found\n"
	  "  --by NAME            who verified (default $USER)\n",
	  "Ony", 1 },
	{ "export", cmd_export, "export --format geojson|csv|kml [-o FILE] [--all]",
	  "Writes the flagged sites for a map: GeoJSON (RFC 7946 FeatureCollection of\n"
	  "Points, [lon, lat]), KML 2.2 (Google Earth) or CSV with a header line.\n"
	  "\n"
	  "  --format F           geojson, csv or kml\n"
	  "  -o FILE              write to FILE instead of standard output\n"
	  "  --all                also scored sites that were never flagged\n",
	  "foa", 0 },
	{ "eval", cmd_eval, "eval --truth FILE [--json]",
	  "Compares the flagged sites with a simulator truth file: precision, recall and\n"
	  "F1, each den's time to its first flag (event time, from the den's start), the\n"
	  "negative sites flagged by kind, and any site id of the truth unknown to the\n"
	  "store.\n"
	  "\n"
	  "  --truth FILE         truth.json written by denwatch-sim\n"
	  "  --json               the result as one JSON object\n",
	  "tj", 0 },
	{ "tune", cmd_tune, "tune --set KEY=VALUE... | --sweep KEY=FROM:TO:STEP [--truth FILE] [--json]",
	  "Replays the stored summaries with other thresholds on a copy of the store and\n"
	  "prints the sites that would be newly flagged and no longer flagged, with\n"
	  "precision and recall against the recorded verify outcomes (and a truth file),\n"
	  "before and after. The live flags are not touched.\n"
	  "\n"
	  "  --set KEY=VALUE      a threshold or weight to try, e.g.\n"
	  "                       --set scoring.flag_threshold=4; may be repeated\n"
	  "  --sweep KEY=FROM:TO:STEP\n"
	  "                       replay once per value of KEY from FROM to TO by STEP\n"
	  "                       (after the --set values) and print one row per value:\n"
	  "                       sites flagged, newly and no longer flagged, precision\n"
	  "                       and recall against the verify outcomes and the truth\n"
	  "                       file; an empty range (FROM > TO, STEP <= 0) is an error\n"
	  "  --truth FILE         also compare with a simulator truth file; its sites\n"
	  "                       unknown to the store are reported\n"
	  "  --json               the result as one JSON object\n",
	  "tjw", 0 },
	{ "score", cmd_score, "score [--db FILE]",
	  "Scores the windows stored but not scored yet, as the end of a batch run does\n"
	  "(for stores filled by an interrupted run).\n",
	  "", 0 },
	{ "import", cmd_import, "import [--sensor-id NAME] FILE",
	  "Stores summaries given as JSON Lines, as 'denwatch-sensor --dump summaries'\n"
	  "prints them (FILE '-' is standard input), numbered by line under the sensor\n"
	  "id, so that importing a file twice stores it once. Then 'score' scores them.\n"
	  "Offline replays and tests use it; live sensors send over ZeroMQ (run).\n"
	  "\n"
	  "  --sensor-id NAME     the sensor the summaries come from (default import)\n",
	  "i", 1 },
	{ 0 }
};

static void print_help(FILE *f, const struct subcmd *sc)
{
	if (sc) {
		fprintf(f, "Usage: denwatch-correlator %s [-c FILE] [--set KEY=VALUE]...\n\n%s\n%s",
			sc->synopsis, sc->help, COMMON_HELP);
		return;
	}
	fprintf(f, "Usage: denwatch-correlator COMMAND [OPTIONS]\n\n"
		   "The correlator of denwatch: stores sensors' summaries, scores physical sites\n"
		   "for signs of a fraud den (GoIP gateways, SIM boxes) and serves investigators.\n\n"
		   "Commands:\n");
	for (const struct subcmd *s = SUBCMDS; s->name; s++)
		fprintf(f, "  %s\n", s->synopsis);
	fprintf(f, "  keygen [--out DIR]   write a CurveZMQ key pair (see keygen --help)\n");
	fprintf(f, "\n'denwatch-correlator COMMAND --help' explains each command.\n\n%s",
		COMMON_HELP);
}

static bool accepts(const struct subcmd *sc, int opt, int short_o)
{
	static const struct {
		int opt;
		char letter;
	} map[] = { { O_BIND, 'b' },    { O_EXPECT, 'e' }, { O_JSON, 'j' },  { O_ALL, 'a' },
		    { O_STATUS, 's' },  { O_OUTCOME, 'O' }, { O_NOTE, 'n' }, { O_BY, 'y' },
		    { O_FORMAT, 'f' },  { O_TRUTH, 't' }, { O_SENSOR_ID, 'i' }, { O_SWEEP, 'w' } };
	if (short_o)
		return strchr(sc->optstring, 'o') != NULL;
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (map[i].opt == opt)
			return strchr(sc->optstring, map[i].letter) != NULL;
	return true;
}

static int parse(int argc, char **argv, const struct subcmd *sc, struct opts *o)
{
	opterr = 0;
	optind = 2;
	int c, idx;
	while ((c = getopt_long(argc, argv, ":c:o:h", LONGOPTS, &idx)) != -1) {
		if (c == '?') {
			if (optopt)
				return usage_error(sc->name, "unknown option -%c", (char[]){ (char)optopt, 0 });
			return usage_error(sc->name, "unknown option %s", argv[optind - 1]);
		}
		if (c == ':')
			return usage_error(sc->name, "option %s needs a value", argv[optind - 1]);
		if (!accepts(sc, c, c == 'o'))
			return usage_error(sc->name, "option %s does not apply here", argv[optind - 1]);
		switch (c) {
		case 'h':
			print_help(stdout, sc);
			return -1;
		case 'c': o->config = optarg; break;
		case 'o': o->out = optarg; break;
		case O_SET:
			if (o->nsets == MAX_SETS)
				return usage_error(sc->name, "%s", "too many --set options");
			o->sets[o->nsets++] = optarg;
			break;
		case O_DB: o->db = optarg; break;
		case O_BIND: o->bind = optarg; break;
		case O_EXPECT: {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || end == optarg || n < 1 || n > 10000)
				return usage_error(sc->name, "--expect-sensors %s: expected 1..10000",
						   optarg);
			o->expect_sensors = (int)n;
			break;
		}
		case O_JSON: o->json = true; break;
		case O_ALL: o->all = true; break;
		case O_STATUS: o->status = optarg; break;
		case O_OUTCOME: o->outcome = optarg; break;
		case O_NOTE: o->note = optarg; break;
		case O_BY: o->by = optarg; break;
		case O_FORMAT: o->format = optarg; break;
		case O_TRUTH: o->truth = optarg; break;
		case O_SENSOR_ID: o->sensor_id = optarg; break;
		case O_SWEEP: o->sweep = optarg; break;
		}
	}
	int npos = argc - optind;
	if (npos > sc->positional)
		return usage_error(sc->name, "unexpected argument '%s'", argv[optind + sc->positional]);
	if (npos < sc->positional)
		return usage_error(sc->name, "%s", strcmp(sc->name, "import") == 0 ? "FILE is required" : "SITE is required");
	if (sc->positional)
		o->site = argv[optind];
	return 0;
}

int main(int argc, char **argv)
{
	dw_log_init("denwatch-correlator", DW_LOG_WARN);
	if (argc < 2)
		return usage_error(NULL, "%s", "a command is required: run, sites, show, verify, export, eval, tune");
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		print_help(stdout, NULL);
		return DW_EXIT_OK;
	}
	if (strcmp(argv[1], "keygen") == 0) /* its own options: see its --help */
		return keygen(argc - 1, argv + 1);
	const struct subcmd *sc = SUBCMDS;
	while (sc->name && strcmp(sc->name, argv[1]) != 0)
		sc++;
	if (!sc->name)
		return usage_error(NULL, "unknown command '%s'", argv[1]);
	struct opts o = { 0 };
	int rc = parse(argc, argv, sc, &o);
	if (rc == -1)
		return DW_EXIT_OK;
	if (rc != 0)
		return rc;
	struct dw_config cfg;
	if (dw_config_setup(&cfg, o.config, o.sets, o.nsets) != 0) {
		dw_config_free(&cfg);
		return DW_EXIT_USAGE;
	}
	int lvl = dw_log_level_parse(dw_config_str(&cfg, DWK_log_level));
	if (lvl >= 0)
		dw_log_set_level((enum dw_log_level)lvl);
	rc = sc->run(&o, &cfg);
	dw_config_free(&cfg);
	return rc;
}
