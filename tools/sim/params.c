/* params.c: the presets (tiny for tests, city for the demo, metro for benchmarks)
 * as values of sim.* keys, and the reading of those keys into struct sim_params.
 * A preset only fills keys still at their default, so a config file and --set
 * always win. */
#include "sim.h"

#include <stdio.h>
#include <string.h>

struct preset_value {
	const char *key, *value;
};

static const struct preset_value tiny[] = {
    {"start_hour", "9"},
    {"hours", "4"},
    {"grid_rows", "4"},
    {"grid_cols", "4"},
    {"pcscfs", "2"},
    {"mmes", "1"},
    {"subscribers", "150"},
    {"dens", "2"},
    {"den_gateways", "1"},
    {"den_ports_min", "4"},
    {"den_ports_max", "8"},
    {"den_start_h", "0.5"},
    {"den_hours", "3"},
    {"den_rotation_s", "2700"},
    {"den_interval_s", "150"},
    {"cc_agents", "4"},
    {"cc_customers", "30"},
    {"m2m_devices", "8"},
    {"m2m_interval_s", "1200"},
    {"hub_passers", "40"},
    {"hub_dwell_s", "1200"},
    {NULL, NULL},
};

static const struct preset_value city[] = {{NULL, NULL}}; /* the key defaults */

static const struct preset_value metro[] = {
    {"grid_rows", "24"},
    {"grid_cols", "24"},
    {"pcscfs", "12"},
    {"mmes", "6"},
    {"subscribers", "50000"},
    {"data_per_day", "10"},
    {"dens", "8"},
    {"den_gateways", "3"},
    {"cc_agents", "40"},
    {"cc_customers", "1500"},
    {"m2m_devices", "300"},
    {"hub_passers", "8000"},
    {"spacing_m", "500"},
    {NULL, NULL},
};

const char *const sim_presets[] = {"tiny", "city", "metro", NULL};
static const struct preset_value *const preset_tables[] = {tiny, city, metro};

int params_apply_preset(struct dw_config *c, const char *preset)
{
	int n = -1;
	for (int i = 0; sim_presets[i]; i++)
		if (strcmp(sim_presets[i], preset) == 0)
			n = i;
	if (n < 0)
		return -1;
	for (const struct preset_value *v = preset_tables[n]; v->key; v++) {
		char key[64], origin[256], assign[128], err[DW_ERR_LEN];
		snprintf(key, sizeof key, "sim.%s", v->key);
		dw_config_origin(c, (int)dw_config_find(c, key), origin, sizeof origin);
		if (strcmp(origin, "default") != 0)
			continue;
		snprintf(assign, sizeof assign, "%s=%s", key, v->value);
		if (dw_config_set(c, assign, err, sizeof err) != 0)
			return -1; /* a bad preset table is a bug; caught by the tests */
	}
	return 0;
}

#define I(k) dw_config_int(c, DWK_sim_##k)
#define F(k) dw_config_double(c, DWK_sim_##k)
#define B(k) dw_config_bool(c, DWK_sim_##k)
#define S(k) dw_config_str(c, DWK_sim_##k)

static bool tac_ok(const char *s, size_t n)
{
	if (n != 8)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return s[0] != '0';
}

int params_read(struct sim_params *p, const struct dw_config *c, char *err, size_t errlen)
{
	memset(p, 0, sizeof *p);
	p->seed = (uint64_t)I(seed);
	/* Day zero is 2026-03-02 00:00 in UTC+8, the network's local time. */
	p->start_epoch = 1772380800 + I(start_hour) * 3600;
	p->hours = F(hours);
	p->grid_rows = (uint32_t)I(grid_rows);
	p->grid_cols = (uint32_t)I(grid_cols);
	p->spacing_m = F(spacing_m);
	p->centre_lat = F(centre_lat);
	p->centre_lon = F(centre_lon);
	p->city = S(city);
	p->pcscfs = (uint32_t)I(pcscfs);
	p->mmes = (uint32_t)I(mmes);
	p->subscribers = (uint32_t)I(subscribers);
	p->calls_per_day = F(calls_per_day);
	p->sms_per_day = F(sms_per_day);
	p->data_per_day = F(data_per_day);
	p->answer_rate = F(answer_rate);
	p->busy_rate = F(busy_rate);
	p->onnet_share = F(onnet_share);
	p->call_median_s = F(call_median_s);
	p->call_sigma = F(call_sigma);
	p->contacts = (uint32_t)I(contacts);
	p->commuter_share = F(commuter_share);
	p->night_level = F(night_level);
	p->reg_interval_s = F(reg_interval_s);
	p->session_median_s = F(session_median_s);
	p->dens = (uint32_t)I(dens);
	p->den_gateways = (uint32_t)I(den_gateways);
	p->den_ports_min = (uint32_t)I(den_ports_min);
	p->den_ports_max = (uint32_t)I(den_ports_max);
	p->den_start_h = F(den_start_h);
	p->den_hours = F(den_hours);
	p->den_rotation_s = F(den_rotation_s);
	p->den_imei_change = F(den_imei_change);
	p->den_interval_s = F(den_interval_s);
	p->den_answer_rate = F(den_answer_rate);
	p->den_call_median_s = F(den_call_median_s);
	p->den_sms_share = F(den_sms_share);
	p->den_step_max = (uint32_t)I(den_step_max);
	p->den_tacs = S(den_tacs);
	p->call_centre = B(call_centre);
	p->cc_agents = (uint32_t)I(cc_agents);
	p->cc_customers = (uint32_t)I(cc_customers);
	p->cc_calls_per_hour = F(cc_calls_per_hour);
	p->cc_inbound_per_hour = F(cc_inbound_per_hour);
	p->cc_call_median_s = F(cc_call_median_s);
	p->cc_answer_rate = F(cc_answer_rate);
	p->m2m = B(m2m);
	p->m2m_devices = (uint32_t)I(m2m_devices);
	p->m2m_interval_s = F(m2m_interval_s);
	p->m2m_tac = S(m2m_tac);
	p->hub = B(hub);
	p->hub_passers = (uint32_t)I(hub_passers);
	p->hub_dwell_s = F(hub_dwell_s);
	p->den_random_dial = B(den_random_dial);
	p->den_neighbours = B(den_neighbours);
	p->den_at_hub = B(den_at_hub);
	p->cc_gateway = B(cc_gateway);
	p->festival = B(festival);
	p->festival_crowd = (uint32_t)I(festival_crowd);
	p->festival_start_h = F(festival_start_h);
	p->festival_hours = F(festival_hours);
	p->festival_rate = F(festival_rate);

	if (p->city[strcspn(p->city, ",\"\r\n")] != '\0') {
		snprintf(err, errlen,
			 "sim.city: '%s' may not hold commas, quotes or line breaks "
			 "(it goes into cells.csv)",
			 p->city);
		return -1;
	}
	if (p->den_ports_min > p->den_ports_max) {
		snprintf(err, errlen,
			 "sim.den_ports_min (%u) is above sim.den_ports_max (%u)",
			 p->den_ports_min, p->den_ports_max);
		return -1;
	}
	if (p->answer_rate + p->busy_rate > 1) {
		snprintf(err, errlen, "sim.answer_rate + sim.busy_rate is above 1");
		return -1;
	}
	const char *s = p->den_tacs;
	do {
		const char *comma = strchr(s, ',');
		size_t n = comma ? (size_t)(comma - s) : strlen(s);
		if (!tac_ok(s, n)) {
			snprintf(err, errlen,
				 "sim.den_tacs: '%.*s' is not an 8-digit TAC", (int)n, s);
			return -1;
		}
		s = comma ? comma + 1 : NULL;
	} while (s);
	if (!tac_ok(p->m2m_tac, strlen(p->m2m_tac))) {
		snprintf(err, errlen, "sim.m2m_tac: '%s' is not an 8-digit TAC",
			 p->m2m_tac);
		return -1;
	}
	uint32_t specials =
	    p->dens + (p->call_centre ? 1 : 0) + (p->m2m ? 1 : 0) + (p->hub ? 1 : 0) +
	    (p->festival ? 1 : 0);
	if ((uint64_t)p->grid_rows * p->grid_cols < specials) {
		snprintf(err, errlen,
			 "the grid has %u sites, too few for %u dens and negative sites",
			 p->grid_rows * p->grid_cols, specials);
		return -1;
	}
	/* SIMs the run may create; UE addresses come from 10.128.0.0/9. */
	double rotations = p->den_hours * 3600.0 / p->den_rotation_s + 2;
	double sims = (double)p->subscribers +
		      (double)p->dens * p->den_gateways * p->den_ports_max * rotations +
		      p->cc_agents + p->m2m_devices + p->hub_passers +
		      (p->festival ? p->festival_crowd : 0);
	if (sims > 8000000) {
		snprintf(err, errlen,
			 "the scenario needs %.0f SIMs (subscribers, den SIMs over all "
			 "rotations, "
			 "agents, modems, passers-by); at most 8000000",
			 sims);
		return -1;
	}
	if ((uint64_t)p->grid_rows * p->grid_cols > 200000) {
		snprintf(err, errlen, "the grid has more than 200000 sites");
		return -1;
	}
	return 0;
}
