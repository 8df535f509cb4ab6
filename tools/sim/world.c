/* world.c: the simulated network's fixed part, built once from the knobs: a grid
 * of three-sector sites around a city centre (written as the cell-site CSV), the
 * subscribers with their devices and contacts, the dens with their gateways and
 * ports, and the hard-negative sites. Everything later happens in engine.c. */
#include "sim.h"

#include "denwatch/ident.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p) {
		fputs("denwatch-sim: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

/* Phone TACs of common handsets, for normal subscribers. */
static const uint64_t phone_tacs[] = {35332211, 35404111, 86453103, 35881409, 86769704,
				      35290611, 86892003, 35391110, 86011204, 35671308};

uint32_t cell_tac(const struct world *w, uint32_t cell)
{
	return w->sites[cell / 3].tac;
}

uint32_t cell_eci(const struct world *w, uint32_t cell)
{
	return w->sites[cell / 3].enb << 8 | (cell % 3 + 1);
}

void sub_add_imei(struct sub *s, uint64_t imei)
{
	for (uint8_t i = 0; i < s->nimei; i++)
		if (s->imei[i] == imei) {
			/* Keep the current IMEI first. */
			s->imei[i] = s->imei[0];
			s->imei[0] = imei;
			return;
		}
	if (s->nimei == SUB_MAX_IMEIS)
		s->nimei--; /* cannot happen: engine.c rotates the SIM first */
	memmove(s->imei + 1, s->imei, s->nimei * sizeof s->imei[0]);
	s->imei[0] = imei;
	s->nimei++;
}

void gateway_add_imei(struct gateway *g, uint64_t imei)
{
	for (uint32_t i = 0; i < g->nimeis; i++)
		if (g->imeis[i] == imei)
			return;
	if (g->nimeis == g->capimeis) {
		g->capimeis = g->capimeis ? 2 * g->capimeis : 16;
		g->imeis = realloc(g->imeis, g->capimeis * sizeof *g->imeis);
		if (!g->imeis)
			exit(1);
	}
	g->imeis[g->nimeis++] = imei;
}

/* IMSI and MSISDN of the k-th SIM: bijections of k, so every SIM is unique while
 * neighbouring SIMs do not get neighbouring numbers. */
static uint64_t imsi_of(uint64_t k)
{
	return 460010000000000ULL + (k * 3141592653ULL + 1234567ULL) % 10000000000ULL;
}
static uint64_t msisdn_of(uint64_t k)
{
	return 8618600000000ULL + (k * 27182819ULL + 4471ULL) % 100000000ULL;
}

uint32_t world_new_sim(struct world *w, enum role role, uint64_t imei, uint32_t site)
{
	if (w->nsubs == w->capsubs) {
		fputs("denwatch-sim: subscriber table full (bug)\n", stderr);
		exit(1);
	}
	uint32_t i = w->nsubs++;
	struct sub *s = &w->subs[i];
	memset(s, 0, sizeof *s);
	uint64_t k = w->alloc_next++;
	s->idx = i;
	s->imsi = imsi_of(k);
	s->msisdn = msisdn_of(k);
	if (imei)
		sub_add_imei(s, imei);
	s->role = (uint8_t)role;
	s->site = site;
	s->home_cell = s->work_cell = s->cur_cell = site * 3;
	s->ue_ip = 0x0a800000u + i + 1; /* 10.128.0.0/9 */
	s->port = -1;
	s->owner = -1;
	s->active_until = INT64_MAX;
	return i;
}

static uint64_t phone_imei(struct world *w)
{
	uint64_t tac =
	    phone_tacs[rng_below(&w->rng, sizeof phone_tacs / sizeof phone_tacs[0])];
	return tac * 1000000ULL + rng_below(&w->rng, 1000000);
}

static uint64_t offnet_number(struct world *w)
{
	/* Numbers of other operators (China Mobile 139, China Telecom 189). */
	return (rng_chance(&w->rng, 0.6) ? 8613900000000ULL : 8618900000000ULL) +
	       rng_below(&w->rng, 100000000);
}

static uint32_t pick_site_excluding(struct world *w, const uint8_t *taken)
{
	for (;;) {
		uint32_t s = (uint32_t)rng_below(&w->rng, w->nsites);
		if (!taken[s])
			return s;
	}
}

static void build_sites(struct world *w)
{
	const struct sim_params *p = w->p;
	w->nsites = p->grid_rows * p->grid_cols;
	w->ncells = w->nsites * 3;
	w->sites = xcalloc(w->nsites, sizeof *w->sites);
	w->cell_used = xcalloc(w->ncells, 1);
	double mlat = 111320.0, mlon = 111320.0 * cos(p->centre_lat * M_PI / 180.0);
	for (uint32_t r = 0; r < p->grid_rows; r++)
		for (uint32_t c = 0; c < p->grid_cols; c++) {
			uint32_t i = r * p->grid_cols + c;
			struct site *s = &w->sites[i];
			snprintf(s->id, sizeof s->id, "S%04u", i + 1);
			/* Jitter of a fifth of the spacing, as real sites never sit on a
			 * grid. */
			double dy =
			    ((double)r - (p->grid_rows - 1) / 2.0) * p->spacing_m +
			    (rng_unit(&w->rng) - 0.5) * p->spacing_m * 0.4;
			double dx =
			    ((double)c - (p->grid_cols - 1) / 2.0) * p->spacing_m +
			    (rng_unit(&w->rng) - 0.5) * p->spacing_m * 0.4;
			s->lat = p->centre_lat - dy / mlat;
			s->lon = p->centre_lon + dx / mlon;
			s->tac = (uint16_t)(0x2000 + (r / 4) * 64 + c / 4);
			s->enb = 40000 + i;
			s->pcscf = (uint8_t)((r / 2 * 7 + c / 2) % p->pcscfs);
			s->mme = (uint8_t)((r / 3 * 5 + c / 3) % p->mmes);
			s->sgw = s->mme;
		}
}

static uint32_t neighbour_site(struct world *w, uint32_t site)
{
	const struct sim_params *p = w->p;
	int r = (int)(site / p->grid_cols), c = (int)(site % p->grid_cols);
	for (int tries = 0; tries < 8; tries++) {
		int nr = r + (int)rng_below(&w->rng, 3) - 1,
		    nc = c + (int)rng_below(&w->rng, 3) - 1;
		if (nr >= 0 && nc >= 0 && nr < (int)p->grid_rows &&
		    nc < (int)p->grid_cols && (nr != r || nc != c))
			return (uint32_t)nr * p->grid_cols + (uint32_t)nc;
	}
	return site;
}

static void build_contacts(struct world *w, uint32_t first, uint32_t n)
{
	const struct sim_params *p = w->p;
	uint32_t per = p->contacts;
	w->capcontacts = n * per * 2 + 1;
	w->contacts = xcalloc(w->capcontacts, sizeof *w->contacts);
	/* Each subscriber gets a slot range of 2*per; half chosen by itself, half by
	 * the subscribers who chose it (so most on-net contacts are two-way). */
	uint32_t *fill = xcalloc(n, sizeof *fill);
	for (uint32_t i = 0; i < n; i++) {
		w->subs[first + i].contacts = i * per * 2;
		w->subs[first + i].ncontacts = 0;
	}
	for (uint32_t i = 0; i < n; i++) {
		struct sub *a = &w->subs[first + i];
		for (uint32_t k = 0; k < (per + 1) / 2 + 1 && fill[i] < per * 2; k++) {
			if (n > 1 && rng_chance(&w->rng, p->onnet_share)) {
				uint32_t j = (uint32_t)rng_below(&w->rng, n);
				if (j == i || fill[j] >= per * 2)
					continue;
				struct sub *b = &w->subs[first + j];
				w->contacts[a->contacts + fill[i]++] =
				    (struct contact){b->msisdn, (int32_t)b->idx};
				w->contacts[b->contacts + fill[j]++] =
				    (struct contact){a->msisdn, (int32_t)a->idx};
			} else {
				w->contacts[a->contacts + fill[i]++] =
				    (struct contact){offnet_number(w), -1};
			}
		}
	}
	for (uint32_t i = 0; i < n; i++)
		w->subs[first + i].ncontacts = fill[i];
	free(fill);
}

/* The first free site of the eight around site (row by row), else any free one:
 * neighbouring dens (sim.den_neighbours). */
static uint32_t free_neighbour(struct world *w, uint32_t site, const uint8_t *taken)
{
	const struct sim_params *p = w->p;
	int r = (int)(site / p->grid_cols), c = (int)(site % p->grid_cols);
	for (int dr = -1; dr <= 1; dr++)
		for (int dc = -1; dc <= 1; dc++) {
			int nr = r + dr, nc = c + dc;
			if ((dr || dc) && nr >= 0 && nc >= 0 && nr < (int)p->grid_rows &&
			    nc < (int)p->grid_cols &&
			    !taken[(uint32_t)nr * p->grid_cols + (uint32_t)nc])
				return (uint32_t)nr * p->grid_cols + (uint32_t)nc;
		}
	return pick_site_excluding(w, taken);
}


/* A festival crowd (sim.festival): passers-by (ROLE_HUB, owner 1) who arrive at
 * one site within half an hour and stay there for festival_hours. */
static void add_festival(struct world *w, uint8_t *taken)
{
	const struct sim_params *p = w->p;
	w->festival_site = pick_site_excluding(w, taken);
	taken[w->festival_site] = 1;
	for (uint32_t i = 0; i < p->festival_crowd; i++) {
		uint32_t s = world_new_sim(w, ROLE_HUB, phone_imei(w), w->festival_site);
		struct sub *x = &w->subs[s];
		x->owner = 1;
		x->home_cell = w->festival_site * 3 + (uint32_t)rng_below(&w->rng, 3);
		x->work_cell = neighbour_site(w, w->festival_site) * 3 +
			       (uint32_t)rng_below(&w->rng, 3);
		x->cur_cell = x->home_cell;
	}
}

static uint64_t den_tac(const struct sim_params *p, uint32_t n)
{
	uint32_t count = 1;
	for (const char *s = p->den_tacs; *s; s++)
		count += *s == ',';
	const char *s = p->den_tacs;
	for (uint32_t i = 0; i < n % count; i++)
		s = strchr(s, ',') + 1;
	return strtoull(s, NULL, 10);
}

int world_build(struct world *w, const struct sim_params *p)
{
	memset(w, 0, sizeof *w);
	w->p = p;
	rng_seed(&w->rng, p->seed * 0x100000001b3ULL + 17);
	build_sites(w);
	uint8_t *taken = xcalloc(w->nsites, 1);

	/* Den SIM pool: each port uses at most one SIM per rotation period. */
	double den_secs = p->den_hours * 3600.0;
	uint32_t rotations = (uint32_t)(den_secs / p->den_rotation_s) + 2;
	uint64_t max_ports = (uint64_t)p->dens * p->den_gateways * p->den_ports_max;
	uint64_t cap = (uint64_t)p->subscribers + max_ports * rotations +
		       (p->call_centre ? p->cc_agents : 0) +
		       (p->m2m ? p->m2m_devices : 0) + (p->hub ? p->hub_passers : 0) +
		       (p->festival ? p->festival_crowd : 0) + 16;
	w->capsubs = (uint32_t)cap;
	w->subs = xcalloc(w->capsubs, sizeof *w->subs);
	w->alloc_next = rng_below(&w->rng, 1000000);

	/* Normal subscribers. */
	for (uint32_t i = 0; i < p->subscribers; i++) {
		uint32_t home = (uint32_t)rng_below(&w->rng, w->nsites);
		uint32_t s = world_new_sim(w, ROLE_NORMAL, phone_imei(w), home);
		struct sub *x = &w->subs[s];
		x->home_cell = home * 3 + (uint32_t)rng_below(&w->rng, 3);
		x->work_cell = x->home_cell;
		if (rng_chance(&w->rng, p->commuter_share))
			x->work_cell = (uint32_t)rng_below(&w->rng, w->ncells);
		x->cur_cell = x->home_cell;
	}
	build_contacts(w, 0, p->subscribers);

	/* Dens. */
	w->ndens = p->dens;
	w->dens = xcalloc(w->ndens, sizeof *w->dens);
	w->ngws = p->dens * p->den_gateways;
	w->gws = xcalloc(w->ngws, sizeof *w->gws);
	w->ports = xcalloc(max_ports, sizeof *w->ports);
	for (uint32_t d = 0; d < w->ndens; d++) {
		struct den *dn = &w->dens[d];
		dn->site = d > 0 && p->den_neighbours
				   ? free_neighbour(w, w->dens[d - 1].site, taken)
				   : pick_site_excluding(w, taken);
		taken[dn->site] = 1;
		dn->start = (int64_t)(p->den_start_h * 3600);
		dn->end = dn->start + (int64_t)den_secs;
		dn->next_number = 8613800000000ULL + rng_below(&w->rng, 90000000);
		dn->gw0 = d * p->den_gateways;
		dn->ngw = p->den_gateways;
		dn->port0 = w->nports;
		for (uint32_t g = 0; g < dn->ngw; g++) {
			struct gateway *gw = &w->gws[dn->gw0 + g];
			gw->tac = den_tac(p, dn->gw0 + g);
			gw->ports = p->den_ports_min +
				    (uint32_t)rng_below(
					&w->rng, p->den_ports_max - p->den_ports_min + 1);
			gw->first_port = w->nports;
			uint64_t serial = rng_below(&w->rng, 900000);
			for (uint32_t k = 0; k < gw->ports; k++) {
				struct port *pt = &w->ports[w->nports++];
				pt->den = d;
				pt->gateway = dn->gw0 + g;
				pt->imei = gw->tac * 1000000ULL + serial + k;
				pt->serial_next =
				    serial + gw->ports + rng_below(&w->rng, 3);
				pt->sub = -1;
			}
		}
		dn->nports = w->nports - dn->port0;
		/* Pre-allocate the SIMs the den may insert; unused ones never appear. */
		dn->capsims = dn->nports * rotations;
		dn->sims = xcalloc(dn->capsims, sizeof *dn->sims);
		for (uint32_t k = 0; k < dn->capsims; k++) {
			uint32_t s = world_new_sim(w, ROLE_DEN, 0, dn->site);
			w->subs[s].owner = (int32_t)d;
			w->subs[s].active_until = -1; /* not inserted yet */
			dn->sims[k] = s;
		}
	}

	w->cc_site = w->m2m_site = w->hub_site = UINT32_MAX;
	if (p->call_centre) {
		w->cc_site = pick_site_excluding(w, taken);
		taken[w->cc_site] = 1;
		w->cc_first = w->nsubs;
		w->cc_n = p->cc_agents;
		/* sim.cc_gateway: the agents' SIMs sit in a GSM gateway (the first den
		 * TAC, consecutive serials) instead of in phones. */
		uint64_t gw_imei0 = p->cc_gateway ? den_tac(p, 0) * 1000000ULL + 500000 +
							rng_below(&w->rng, 400000)
						  : 0;
		for (uint32_t i = 0; i < p->cc_agents; i++) {
			uint32_t s = world_new_sim(
			    w, ROLE_CALL_CENTRE,
			    p->cc_gateway ? gw_imei0 + i : phone_imei(w), w->cc_site);
			w->subs[s].cur_cell = w->subs[s].home_cell =
			    w->subs[s].work_cell =
				w->cc_site * 3 + (uint32_t)rng_below(&w->rng, 3);
		}
		/* Customers: repeat callers and callees, mostly on-net. */
		w->ncustomers = p->cc_customers;
		w->customers = xcalloc(w->ncustomers, sizeof *w->customers);
		for (uint32_t i = 0; i < w->ncustomers; i++) {
			if (p->subscribers && rng_chance(&w->rng, 0.7)) {
				const struct sub *c =
				    &w->subs[rng_below(&w->rng, p->subscribers)];
				w->customers[i] =
				    (struct contact){c->msisdn, (int32_t)c->idx};
			} else {
				w->customers[i] = (struct contact){offnet_number(w), -1};
			}
		}
	}
	if (p->m2m) {
		w->m2m_site = pick_site_excluding(w, taken);
		taken[w->m2m_site] = 1;
		w->m2m_first = w->nsubs;
		w->m2m_n = p->m2m_devices;
		uint64_t tac = strtoull(p->m2m_tac, NULL, 10);
		uint64_t serial = rng_below(&w->rng, 500000);
		for (uint32_t i = 0; i < p->m2m_devices; i++) {
			uint32_t s = world_new_sim(
			    w, ROLE_M2M, tac * 1000000ULL + serial + i, w->m2m_site);
			w->subs[s].cur_cell = w->subs[s].home_cell =
			    w->subs[s].work_cell = w->m2m_site * 3 + i % 3;
		}
	}
	if (p->hub) {
		if (p->den_at_hub && w->ndens) {
			w->hub_site = w->dens[0].site;
		} else {
			w->hub_site = pick_site_excluding(w, taken);
			taken[w->hub_site] = 1;
		}
		for (uint32_t i = 0; i < p->hub_passers; i++) {
			uint32_t s =
			    world_new_sim(w, ROLE_HUB, phone_imei(w), w->hub_site);
			struct sub *x = &w->subs[s];
			x->home_cell = w->hub_site * 3 + (uint32_t)rng_below(&w->rng, 3);
			/* Where the passer-by goes on to. */
			x->work_cell = neighbour_site(w, w->hub_site) * 3 +
				       (uint32_t)rng_below(&w->rng, 3);
			x->cur_cell = x->home_cell;
		}
	}
	w->festival_site = UINT32_MAX;
	if (p->festival)
		add_festival(w, taken);
	free(taken);
	return 0;
}

void world_free(struct world *w)
{
	for (uint32_t g = 0; g < w->ngws; g++)
		free(w->gws[g].imeis);
	for (uint32_t d = 0; d < w->ndens; d++)
		free(w->dens[d].sims);
	free(w->gws);
	free(w->dens);
	free(w->ports);
	free(w->subs);
	free(w->contacts);
	free(w->customers);
	free(w->sites);
	free(w->cell_used);
}

static const char *const streets[] = {
    "Shennan Avenue", "Binhe Avenue",	     "Hongli Road",    "Beihuan Avenue",
    "Caitian Road",   "Huaqiang North Road", "Xinzhou Road",   "Fuzhong Road",
    "Jintian Road",   "Yitian Road",	     "Nanhai Avenue",  "Keyuan Road",
    "Qiaoxiang Road", "Meilin Road",	     "Huanggang Road", "Shangbu Road",
    "Bagua Road",     "Dongmen Road",	     "Wenjin Road",    "Baoan Avenue",
};
static const char *const districts[] = {"Futian District", "Luohu District",
					"Nanshan District", "Baoan District"};

int world_write_cells(const struct world *w, const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs("cgi,site_id,lat,lon,azimuth,address\n", f);
	const uint32_t nstreets = sizeof streets / sizeof streets[0];
	for (uint32_t i = 0; i < w->nsites; i++) {
		const struct site *s = &w->sites[i];
		uint32_t r = i / w->p->grid_cols, c = i % w->p->grid_cols;
		const char *street = streets[(r * 3 + c * 7) % nstreets];
		const char *district = districts[(r >= w->p->grid_rows / 2) * 2 +
						 (c >= w->p->grid_cols / 2)];
		unsigned number = 1 + (unsigned)((i * 37 + 11) % 480);
		for (uint32_t k = 0; k < 3; k++) {
			uint32_t cell = i * 3 + k;
			char cgi[DW_CELL_MAX];
			snprintf(cgi, sizeof cgi, "460-01-%u-%u", cell_tac(w, cell),
				 cell_eci(w, cell));
			fprintf(f, "%s,%s,%.6f,%.6f,%u,%u %s %s %s\n", cgi, s->id, s->lat,
				s->lon, k * 120, number, street, district, w->p->city);
		}
	}
	if (ferror(f)) {
		fclose(f);
		return -1;
	}
	return fclose(f);
}
