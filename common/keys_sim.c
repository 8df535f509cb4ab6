/* keys_sim.c: config keys of the simulator's scenario (the knobs of a preset).
 * Owned by tools/sim. The defaults are the city preset; tools/sim/params.c holds
 * the tiny and metro values, applied to every key a file or --set left alone. */
#include "denwatch/config.h"

#define INT(n, d, lo, hi, h)                                                             \
	{                                                                                \
		"sim", n, DW_KEY_INT, d, lo, hi, NULL, h                                 \
	}
#define DBL(n, d, lo, hi, h)                                                             \
	{                                                                                \
		"sim", n, DW_KEY_DOUBLE, d, lo, hi, NULL, h                              \
	}
#define BOOL(n, d, h)                                                                    \
	{                                                                                \
		"sim", n, DW_KEY_BOOL, d, 0, 0, NULL, h                                  \
	}
#define STR(n, d, h)                                                                     \
	{                                                                                \
		"sim", n, DW_KEY_STRING, d, 0, 0, NULL, h                                \
	}

const struct dw_key_def dw_keys_sim[] = {
    INT("seed", "1", 0, 4294967295.0,
	"Seed of the simulator's random generator; the same seed gives the same bytes."),
    INT("start_hour", "8", 0, 23,
	"Local hour (UTC+8) of 2026-03-02 at which packet time starts."),
    DBL("hours", "24", 0.1, 168, "Length of the scenario in hours of packet time."),
    INT("grid_rows", "12", 1, 200,
	"Rows of the grid of cell sites (three sectors each)."),
    INT("grid_cols", "12", 1, 200, "Columns of the grid of cell sites."),
    DBL("spacing_m", "600", 100, 10000, "Distance between neighbouring sites in metres."),
    DBL("centre_lat", "22.5431", -89, 89,
	"Latitude of the grid's centre (Shenzhen Futian)."),
    DBL("centre_lon", "114.0579", -180, 180, "Longitude of the grid's centre."),
    STR("city", "Shenzhen", "City name written in the sites' street addresses."),
    INT("pcscfs", "4", 1, 200, "P-CSCFs on the IMS probe; sites are shared among them."),
    INT("mmes", "2", 1, 200,
	"MME/SGW pairs on the S11 probe; sites are shared among them."),
    INT("subscribers", "10000", 0, 10000000, "Normal subscribers (phones) in the grid."),
    DBL("calls_per_day", "6", 0, 1000, "Mean calls a normal subscriber makes per day."),
    DBL("sms_per_day", "3", 0, 1000, "Mean SMS a normal subscriber sends per day."),
    DBL("data_per_day", "6", 0, 1000,
	"Mean data sessions (GTPv2 Create Session) a normal subscriber opens per day."),
    DBL("answer_rate", "0.8", 0, 1, "Share of normal calls that are answered."),
    DBL("busy_rate", "0.05", 0, 1,
	"Share of normal calls that meet a busy callee (486)."),
    DBL("onnet_share", "0.7", 0, 1,
	"Share of a normal subscriber's contacts that are on this network (seen with a "
	"terminating leg); the rest are numbers of other operators."),
    DBL("call_median_s", "60", 1, 7200,
	"Median duration of an answered normal call in seconds (lognormal)."),
    DBL("call_sigma", "1.0", 0, 3, "Sigma of the lognormal call durations."),
    INT("contacts", "10", 1, 200,
	"Contacts of a normal subscriber (two-way call graph)."),
    DBL("commuter_share", "0.6", 0, 1,
	"Share of normal subscribers who work at another site and commute twice a day."),
    DBL("night_level", "0.08", 0, 1,
	"Activity at night (02:00-05:00 local) relative to the daytime peak."),
    DBL("reg_interval_s", "3600", 60, 86400, "Seconds between IMS re-registrations."),
    DBL("session_median_s", "600", 5, 86400,
	"Median length of a data session in seconds."),
    INT("dens", "3", 0, 1000, "Dens (sites with GoIP gateways)."),
    INT("den_gateways", "2", 1, 64, "GoIP gateways per den."),
    INT("den_ports_min", "4", 1, 128, "Fewest SIM ports of a gateway."),
    INT("den_ports_max", "32", 1, 128, "Most SIM ports of a gateway."),
    DBL("den_start_h", "2", 0, 168, "Hours after the start at which dens switch on."),
    DBL("den_hours", "14", 0.1, 168, "Hours a den works."),
    DBL("den_rotation_s", "1800", 60, 86400,
	"Seconds between SIM rotations of a gateway port (new IMSI/MSISDN on the same "
	"IMEI)."),
    DBL("den_imei_change", "0.2", 0, 1,
	"Probability that a port changes its IMEI instead of its SIM at a rotation (the "
	"same SIM re-registers with a new IMEI of the gateway's TAC)."),
    DBL("den_interval_s", "40", 1, 86400,
	"Mean idle seconds between a den port's attempts (call or SMS)."),
    DBL("den_answer_rate", "0.12", 0, 1, "Share of den calls that are answered."),
    DBL("den_call_median_s", "15", 1, 3600, "Median duration of an answered den call."),
    DBL("den_sms_share", "0.3", 0, 1,
	"Share of a den port's attempts that are bulk SMS."),
    INT("den_step_max", "3", 1, 1000,
	"Largest step between consecutive numbers of a den's shared dial list."),
    STR("den_tacs", "86723203,86230104",
	"Comma-separated TACs (8 digits) of GoIP gateways; gateway n uses entry n mod "
	"count."),
    BOOL("call_centre", "on",
	 "Add a call centre (hard negative: busy, two-way, long calls)."),
    INT("cc_agents", "20", 1, 10000, "Agents (SIMs) of the call centre."),
    INT("cc_customers", "300", 1, 1000000,
	"Customers of the call centre (repeat callers and callees, mostly on-net)."),
    DBL("cc_calls_per_hour", "6", 0, 3600, "Outbound calls per agent per working hour."),
    DBL("cc_inbound_per_hour", "4", 0, 3600, "Inbound calls per agent per working hour."),
    DBL("cc_call_median_s", "180", 1, 7200, "Median duration of a call-centre call."),
    DBL("cc_answer_rate", "0.75", 0, 1,
	"Share of the call centre's outbound calls answered."),
    BOOL("m2m", "on", "Add an M2M fleet (hard negative: modem TAC, data only)."),
    INT("m2m_devices", "60", 1, 1000000,
	"Modems of the M2M fleet (consecutive serials)."),
    DBL("m2m_interval_s", "900", 10, 86400, "Seconds between a modem's data sessions."),
    STR("m2m_tac", "86147604", "TAC (8 digits) of the M2M fleet's modems."),
    BOOL("hub", "on", "Add a transport hub (hard negative: many passers-by)."),
    INT("hub_passers", "1500", 1, 10000000, "Passers-by seen at the transport hub."),
    DBL("hub_dwell_s", "1500", 60, 86400, "Median time a passer-by spends at the hub."),
    /* Scenario variants of the quality matrix (tests/quality/scenarios.conf). */
    BOOL("den_random_dial", "off",
	 "Dens dial random numbers instead of stepping through a shared list "
	 "(no sequential dialling)."),
    BOOL("den_neighbours", "off",
	 "Place each den after the first at a site next to the previous den's site."),
    BOOL("den_at_hub", "off",
	 "Place the transport hub at the first den's site (a den hiding in a crowd)."),
    BOOL("cc_gateway", "off",
	 "The call centre's mobile SIMs sit in a GSM gateway (TAC of den_tacs, "
	 "consecutive serials) instead of in phones."),
    BOOL("festival", "off",
	 "Add a festival crowd at one site (hard negative kind festival: many people "
	 "staying for hours, calling and texting more than usual)."),
    INT("festival_crowd", "400", 1, 10000000, "People in the festival crowd."),
    DBL("festival_start_h", "1", 0, 168,
	"Hours after the start at which the festival crowd arrives (within 30 min)."),
    DBL("festival_hours", "3", 0.1, 168, "Hours the festival crowd stays."),
    DBL("festival_rate", "3", 0, 100,
	"Calls, SMS and data sessions of a festival-goer relative to a normal "
	"subscriber's rate."),
    {0}};
