/* main.c: denwatch-sim, the network simulator. Parses the command line, sets up
 * the config with the chosen preset under it, builds the world and runs the
 * engine into DIR/ims.pcap, DIR/s11.pcap, DIR/cells.csv and DIR/truth.json. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "denwatch/config.h"
#include "denwatch/log.h"
#include "sim.h"

static const char usage_text[] =
    "Usage: denwatch-sim --preset tiny|city|metro --out DIR [--seed N] [-c FILE]\n"
    "                    [--set sim.KEY=VALUE]... [-v] [--help]\n"
    "\n"
    "Writes a synthetic carrier network as two probes see it, deterministically for\n"
    "a seed: the same seed and settings give byte-identical files.\n"
    "\n"
    "Output, in DIR (created when missing):\n"
    "  ims.pcap    SIP over UDP 5060 on the IMS Mw interface (P-CSCFs <-> S-CSCF):\n"
    "              REGISTER/200, calls (originating and terminating legs), SMS over IP\n"
    "              as MESSAGE with RP-DATA/SMS-SUBMIT and SMS-DELIVER bodies\n"
    "  s11.pcap    GTPv2-C over UDP 2123 on S11 (MMEs <-> SGWs): Create Session,\n"
    "              Modify Bearer (when a subscriber moves), Delete Session\n"
    "  cells.csv   the cell sites: cgi,site_id,lat,lon,azimuth,address\n"
    "  truth.json  what was generated: dens (site, gateways, SIMs, IMEIs), negative\n"
    "              sites and their kind, per-subscriber counts (docs/TRUTH.md)\n"
    "Both captures are classic pcap, Ethernet, microsecond time stamps; packet time\n"
    "starts on 2026-03-02 at sim.start_hour (UTC+8).\n"
    "\n"
    "Options:\n"
    "  --preset NAME    tiny   tests: a 4x4 grid, 150 phones, two dens, each hard\n"
    "                          negative; well under 50k packets\n"
    "                   city   the demo: a 12x12 grid, 10k phones, three dens; about\n"
    "                          2.2 million packets (1.4 GB) in seconds\n"
    "                   metro  benchmarks: a 24x24 grid, 50k phones, eight dens;\n"
    "                          11 million packets (7 GB), over 1 M packets/s\n"
    "  --out DIR        folder for the four files\n"
    "  --seed N         seed of the random generator (same as --set sim.seed=N)\n"
    "  -c FILE          config file (default config/denwatch.conf when it exists)\n"
    "  --set K=V        override a config key; every behaviour of the scenario is a\n"
    "                   sim.* key (see the [sim] section of config/denwatch.conf and\n"
    "                   docs/SIMULATOR.md). The preset fills only keys that neither\n"
    "                   the file nor --set gave, so both override the preset.\n"
    "  -v               progress on stderr even for short runs\n"
    "  -h, --help       this text\n"
    "\n"
    "Long runs print a progress line on stderr every few seconds.\n"
    "Exit status: 0 done, 1 failure while writing, 2 bad usage.\n"
    "\n"
    "Example: denwatch-sim --preset tiny --seed 7 --out /tmp/tiny \\\n"
    "             --set sim.dens=3 --set sim.den_answer_rate=0.05\n";

static int usage_error(const char *msg)
{
	dw_error("%s (see --help)", msg);
	return DW_EXIT_USAGE;
}

/* mkdir -p; returns 0 or -1 with errno. */
static int make_dirs(const char *path)
{
	char tmp[4096];
	size_t n = strlen(path);
	if (n == 0 || n >= sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(tmp, path, n + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
		return -1;
	struct stat st;
	if (stat(tmp, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	if (access(tmp, W_OK | X_OK) != 0)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	dw_log_init("denwatch-sim", DW_LOG_WARN);
	const char *preset = NULL, *out = NULL, *conf = NULL;
	const char **sets = calloc((size_t)argc + 1, sizeof *sets);
	char seedset[64];
	int nsets = 0, verbose = 0;
	static const struct option opts[] = {
	    {"preset", required_argument, NULL, 'p'},
	    {"out", required_argument, NULL, 'o'},
	    {"seed", required_argument, NULL, 's'},
	    {"set", required_argument, NULL, 'S'},
	    {"help", no_argument, NULL, 'h'},
	    {"verbose", no_argument, NULL, 'v'},
	    {NULL, 0, NULL, 0},
	};
	opterr = 0;
	int ch;
	while ((ch = getopt_long(argc, argv, ":c:hv", opts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			preset = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'c':
			conf = optarg;
			break;
		case 'S':
			sets[nsets++] = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		case 's': {
			char *end;
			errno = 0;
			unsigned long long v = strtoull(optarg, &end, 10);
			if (errno || end == optarg || *end || optarg[0] == '-' ||
			    v > 4294967295ULL) {
				char msg[128];
				snprintf(msg, sizeof msg,
					 "--seed: '%.40s' is not a number 0..4294967295",
					 optarg);
				free(sets);
				return usage_error(msg);
			}
			snprintf(seedset, sizeof seedset, "sim.seed=%llu", v);
			sets[nsets++] = seedset;
			break;
		}
		case 'h':
			fputs(usage_text, stdout);
			free(sets);
			return DW_EXIT_OK;
		case ':': {
			char msg[128];
			snprintf(msg, sizeof msg, "%s needs a value", argv[optind - 1]);
			free(sets);
			return usage_error(msg);
		}
		default: {
			char msg[128];
			snprintf(msg, sizeof msg, "unknown option '%.40s'",
				 argv[optind - 1]);
			free(sets);
			return usage_error(msg);
		}
		}
	}
	if (optind < argc) {
		char msg[128];
		snprintf(msg, sizeof msg, "unexpected argument '%.40s'", argv[optind]);
		free(sets);
		return usage_error(msg);
	}
	if (!preset) {
		free(sets);
		return usage_error("--preset tiny|city|metro is required");
	}
	bool known = false;
	for (int i = 0; sim_presets[i]; i++)
		known |= strcmp(sim_presets[i], preset) == 0;
	if (!known) {
		char msg[128];
		snprintf(msg, sizeof msg,
			 "--preset: '%.40s' is not one of tiny|city|metro", preset);
		free(sets);
		return usage_error(msg);
	}
	if (!out) {
		free(sets);
		return usage_error("--out DIR is required");
	}

	struct dw_config cfg;
	if (dw_config_setup(&cfg, conf, sets, nsets) != 0) {
		free(sets);
		dw_config_free(&cfg);
		return DW_EXIT_USAGE;
	}
	free(sets);
	int lvl = dw_log_level_parse(dw_config_str(&cfg, DWK_log_level));
	if (lvl >= 0)
		dw_log_set_level((enum dw_log_level)lvl);
	params_apply_preset(&cfg, preset);
	struct sim_params p;
	char err[DW_ERR_LEN];
	if (params_read(&p, &cfg, err, sizeof err) != 0) {
		dw_error("%s", err);
		dw_config_free(&cfg);
		return DW_EXIT_USAGE;
	}
	p.preset = preset;
	p.verbose = verbose;

	if (make_dirs(out) != 0) {
		dw_error("--out %s: cannot create or write the folder: %s", out,
			 strerror(errno));
		dw_config_free(&cfg);
		return DW_EXIT_USAGE;
	}
	char path[4][4200];
	static const char *const names[4] = {"ims.pcap", "s11.pcap", "cells.csv",
					     "truth.json"};
	for (int i = 0; i < 4; i++)
		snprintf(path[i], sizeof path[i], "%s/%s", out, names[i]);

	struct world w;
	world_build(&w, &p);
	int rc = DW_EXIT_OK;
	struct pcapw ims, s11;
	if (pcapw_open(&ims, path[0]) != 0) {
		dw_error("%s: %s", path[0], strerror(errno));
		world_free(&w);
		dw_config_free(&cfg);
		return DW_EXIT_USAGE;
	}
	if (pcapw_open(&s11, path[1]) != 0) {
		dw_error("%s: %s", path[1], strerror(errno));
		pcapw_close(&ims);
		world_free(&w);
		dw_config_free(&cfg);
		return DW_EXIT_USAGE;
	}
	struct sim_stats st;
	engine_run(&w, &ims, &s11, &st);
	if (pcapw_close(&ims) != 0) {
		dw_error("%s: cannot write: %s", path[0], strerror(errno));
		rc = DW_EXIT_FAIL;
	}
	if (pcapw_close(&s11) != 0 && rc == DW_EXIT_OK) {
		dw_error("%s: cannot write: %s", path[1], strerror(errno));
		rc = DW_EXIT_FAIL;
	}
	if (rc == DW_EXIT_OK && world_write_cells(&w, path[2]) != 0) {
		dw_error("%s: cannot write: %s", path[2], strerror(errno));
		rc = DW_EXIT_FAIL;
	}
	if (rc == DW_EXIT_OK && truth_write(&w, &st, path[3]) != 0) {
		dw_error("%s: cannot write: %s", path[3], strerror(errno));
		rc = DW_EXIT_FAIL;
	}
	if (verbose && rc == DW_EXIT_OK)
		fprintf(stderr,
			"denwatch-sim: %llu IMS packets, %llu S11 packets into %s\n",
			(unsigned long long)st.ims_packets,
			(unsigned long long)st.s11_packets, out);
	world_free(&w);
	dw_config_free(&cfg);
	return rc;
}
