/* keys_correlator.c: config keys for the correlator's store, cell-site table and
 * scoring. Owned by the correlator. Every threshold and weight of the detection
 * model (DESIGN 6, docs/DETECTION.md) is here. */
#include "denwatch/config.h"

#define INT(s, n, d, lo, hi, h) { s, n, DW_KEY_INT, d, lo, hi, NULL, h }
#define DBL(s, n, d, lo, hi, h) { s, n, DW_KEY_DOUBLE, d, lo, hi, NULL, h }
#define STR(s, n, d, h) { s, n, DW_KEY_STRING, d, 0, 0, NULL, h }
#define W(n, d, h) DBL("scoring", n, d, 0, 100, h)

const struct dw_key_def dw_keys_correlator[] = {
	STR("store", "db", "denwatch.db",
	    "SQLite file holding summaries, sites, scores, flags and verification outcomes."),

	STR("sites", "cells", "",
	    "Cell-site CSV (header cgi,site_id,lat,lon,azimuth,address) mapping each cell "
	    "to a physical site; empty means every cell is its own site."),

	/* Horizons. */
	INT("scoring", "horizon_s", "3600", 300, 86400,
	    "Scoring horizon in seconds of event time: each closed window, every site is "
	    "scored on the summaries of the last horizon_s seconds."),
	INT("scoring", "live_budget_ms", "1000", 0, 600000,
	    "While sensors are still sending, scoring runs after commits for at most this "
	    "many milliseconds at a time so that acknowledgements keep flowing; 0 scores "
	    "only at the end of a batch run (benchmarks)."),
	INT("scoring", "device_horizon_s", "86400", 300, 2592000,
	    "Horizon of the slow device signals (IMEI with many IMSIs, IMSI with many "
	    "IMEIs), in seconds of event time."),
	INT("scoring", "baseline_s", "86400", 3600, 2592000,
	    "How far back a site's own baseline of outgoing traffic reaches, in seconds."),
	INT("scoring", "baseline_min_s", "3600", 0, 2592000,
	    "A site's baseline is used only when this much history lies before the "
	    "horizon; younger sites have no baseline rule."),

	/* Lists. */
	STR("scoring", "gateway_tacs", "config/gateway_tacs.csv",
	    "CSV (header tac,vendor,model,kind) of IMEI type allocation codes of known "
	    "GoIP gateways, SIM boxes and modems; empty for none."),
	STR("scoring", "extra_tacs", "",
	    "More gateway TACs, comma-separated 8-digit codes, added to the gateway_tacs "
	    "file (handy for --set in a demo or a quick test)."),
	STR("scoring", "allowlist_numbers", "config/allowlist_numbers.csv",
	    "CSV (header msisdn,note) of numbers never counted as suspicious: the "
	    "carrier's test SIMs and probes, known call centres, enterprise trunks."),
	STR("scoring", "allowlist_sites", "config/allowlist_sites.csv",
	    "CSV (header site_id,note) of sites never flagged (the carrier's own "
	    "buildings, licensed call centres)."),

	/* Subscriber rules. */
	INT("scoring", "min_activity", "7", 1, 100000,
	    "Outgoing call attempts plus SMS over the horizon below which a subscriber "
	    "is not judged by behaviour at all."),
	DBL("scoring", "volume_per_hour", "20", 1, 100000,
	    "Rule volume: outgoing call attempts plus SMS per hour at or above this."),
	DBL("scoring", "asymmetry_ratio", "5", 1, 100000,
	    "Rule asymmetry: outgoing / (incoming + 1), calls and SMS together, at or above "
	    "this."),
	DBL("scoring", "fanout_ratio", "0.8", 0, 1,
	    "Rule fanout: distinct callees and SMS destinations per outgoing attempt at or "
	    "above this (few repeated contacts)..."),
	INT("scoring", "fanout_min", "10", 1, 100000,
	    "...and at least this many distinct contacts over the horizon."),
	DBL("scoring", "answer_ratio_max", "0.4", 0, 1,
	    "Rule answer_ratio: answered / attempted outgoing calls at or below this "
	    "(needs scoring.min_calls attempts)."),
	INT("scoring", "min_calls", "3", 1, 100000,
	    "Outgoing call attempts needed before the call-shape rules (answer_ratio, "
	    "short_calls, mean_duration) are judged."),
	DBL("scoring", "short_share", "0.5", 0, 1,
	    "Rule short_calls: share of answered calls shorter than sensor.short_call_s "
	    "at or above this."),
	DBL("scoring", "mean_duration_max_s", "30", 0, 86400,
	    "Rule mean_duration: mean answered call duration in seconds at or below this."),
	INT("scoring", "seq_run_min", "5", 2, 100000,
	    "Rule sequential: a run of callee numbers ascending by a small step at least "
	    "this long."),
	INT("scoring", "still_min_windows", "3", 1, 10000,
	    "Rule stillness: seen at one site only, in at least this many windows of the "
	    "horizon."),
	INT("scoring", "no_data_max", "0", 0, 100000,
	    "Rule no_data: at most this many data sessions over the horizon beside "
	    "heavy voice or SMS use."),
	W("w_volume", "1.0", "Weight of rule volume in a subscriber's suspicion."),
	W("w_asymmetry", "1.0", "Weight of rule asymmetry in a subscriber's suspicion."),
	W("w_fanout", "1.0", "Weight of rule fanout in a subscriber's suspicion."),
	W("w_answer_ratio", "1.0", "Weight of rule answer_ratio in a subscriber's suspicion."),
	W("w_short_calls", "0.75", "Weight of rule short_calls in a subscriber's suspicion."),
	W("w_mean_duration", "0.5", "Weight of rule mean_duration in a subscriber's suspicion."),
	W("w_sequential", "1.5", "Weight of rule sequential in a subscriber's suspicion."),
	W("w_stillness", "0.5", "Weight of rule stillness in a subscriber's suspicion."),
	W("w_no_data", "0.5", "Weight of rule no_data in a subscriber's suspicion."),

	/* Device rules, per subscriber. */
	INT("scoring", "imei_imsis_min", "3", 2, 10000,
	    "Rule imei_many_imsis: one IMEI seen with at least this many IMSIs over the "
	    "device horizon (SIM bank rotation)."),
	INT("scoring", "imsi_imeis_min", "3", 2, 10000,
	    "Rule imsi_many_imeis: one IMSI seen with at least this many IMEIs over the "
	    "device horizon (IMEI changing)."),
	W("w_gateway_tac", "1.0",
	  "Weight of rule gateway_tac (IMEI TAC on the gateway list) in a subscriber's "
	  "suspicion."),
	W("w_imei_many_imsis", "1.0", "Weight of rule imei_many_imsis in a subscriber's suspicion."),
	W("w_imsi_many_imeis", "1.0", "Weight of rule imsi_many_imeis in a subscriber's suspicion."),
	DBL("scoring", "suspect_threshold", "4", 0, 1000,
	    "A subscriber is suspicious when its weighted rules add up to this..."),
	DBL("scoring", "suspect_min_behaviour", "3", 0, 1000,
	    "...and its behaviour rules alone (not device rules: IMEIs can be edited) "
	    "reach this."),

	/* Site rules. */
	INT("scoring", "site_suspects_min", "2", 1, 100000,
	    "Rule suspects: at least this many suspicious subscribers at the site. A "
	    "site is never flagged without this rule."),
	DBL("scoring", "site_suspect_share", "0.2", 0, 1,
	    "Rule suspect_share: suspicious subscribers / subscribers active at the site at "
	    "or above this."),
	DBL("scoring", "site_traffic_share", "0.3", 0, 1,
	    "Rule traffic_share: the suspicious subscribers' share of the site's outgoing "
	    "calls and SMS at or above this."),
	INT("scoring", "site_tac_min", "2", 1, 100000,
	    "Rule gateway_tacs: at least this many active SIMs at the site in devices with "
	    "a gateway TAC."),
	INT("scoring", "serial_cluster_min", "4", 2, 100000,
	    "Rule serial_cluster: at least this many IMEIs of one TAC at the site whose "
	    "serials lie within scoring.serial_span (the ports of one gateway)."),
	INT("scoring", "serial_span", "64", 1, 1000000,
	    "Largest spread of IMEI serial numbers counted as one cluster."),
	INT("scoring", "rotation_min", "1", 1, 100000,
	    "Rule sim_rotation: at least this many IMEIs at the site with many IMSIs, or "
	    "IMSIs with many IMEIs."),
	INT("scoring", "lockstep_min", "4", 2, 100000,
	    "Rule lock_step: at least this many active SIMs at the site first seen within "
	    "scoring.lockstep_s of each other."),
	INT("scoring", "lockstep_s", "60", 1, 86400,
	    "Seconds within which first appearances count as lock-step."),
	INT("scoring", "lockstep_warmup_s", "600", 0, 86400,
	    "First appearances this close to the start of the data are not counted (the "
	    "whole population appears when capture starts)."),
	DBL("scoring", "shared_list_jaccard", "0.2", 0, 1,
	    "Two SIMs share a dialling list when the estimated Jaccard overlap of their "
	    "contacts reaches this..."),
	INT("scoring", "shared_list_min", "3", 2, 100000,
	    "...rule shared_list: at least this many SIMs at the site share a list with "
	    "another."),
	DBL("scoring", "baseline_rise", "3", 1, 100000,
	    "Rule baseline_rise: the site's outgoing traffic per window over the horizon at "
	    "or above this multiple of its own baseline."),
	DBL("scoring", "rule_cap", "2", 1, 100,
	    "A site rule's contribution is weight x min(value / threshold, rule_cap), so "
	    "that one extreme rule cannot outweigh the rest."),
	W("w_suspects", "2.0", "Weight of site rule suspects."),
	W("w_suspect_share", "1.0", "Weight of site rule suspect_share."),
	W("w_traffic_share", "1.0", "Weight of site rule traffic_share."),
	W("w_site_tacs", "0.75", "Weight of site rule gateway_tacs."),
	W("w_serial_cluster", "1.0", "Weight of site rule serial_cluster."),
	W("w_sim_rotation", "0.75", "Weight of site rule sim_rotation."),
	W("w_lock_step", "0.75", "Weight of site rule lock_step."),
	W("w_shared_list", "0.75", "Weight of site rule shared_list."),
	W("w_baseline_rise", "0.5", "Weight of site rule baseline_rise."),
	DBL("scoring", "flag_threshold", "5", 0, 1000,
	    "A site is flagged when its score reaches this (and rule suspects fired)."),
	{ 0 }
};
