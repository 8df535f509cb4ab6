/* sim.h: the simulator's internal interfaces. The world (sites, cells, people and
 * their devices) is built once by world.c; engine.c walks packet time with a heap of
 * pending message jobs and asks the encoders (sip_enc.c, sms_enc.c, gtp_enc.c) to
 * write each message through the pcap writer (pcapw.c). Not used outside tools/sim. */
#ifndef DW_SIM_H
#define DW_SIM_H

#include "denwatch/hash.h"
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "denwatch/config.h"

/* ---- random numbers: xoshiro256** seeded by splitmix64 (rng.c) ---- */
struct rng {
	uint64_t s[4];
};
void rng_seed(struct rng *r, uint64_t seed);
static inline uint64_t rng_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}
static inline uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t res = rng_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rng_rotl(s[3], 45);
	return res;
}
/* Uniform in [0, 1). */
static inline double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}
/* Uniform in [0, n); n > 0. */
static inline uint64_t rng_below(struct rng *r, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)rng_next(r) * n) >> 64);
}
static inline bool rng_chance(struct rng *r, double p)
{
	return rng_unit(r) < p;
}
double rng_exp(struct rng *r, double mean);
/* Lognormal with the given median and sigma of the underlying normal. */
double rng_lognormal(struct rng *r, double median, double sigma);
/* A 64-bit mix for tokens derived from ids (tags, branches, Call-IDs). */
static inline uint64_t mix64(uint64_t x)
{
	return dw_mix64(x + 0x9e3779b97f4a7c15ULL); /* one splitmix64 step */
}

/* ---- pcap writer with Ethernet/IPv4/UDP framing (pcapw.c) ---- */
struct pcapw {
	int fd;
	bool direct;  /* opened with O_DIRECT: writes in aligned blocks */
	uint8_t *buf; /* the buffer being filled: bufs[cur] */
	uint8_t *bufs[2];
	int cur;
	size_t len, cap;
	uint64_t written; /* bytes of the file so far */
	/* The writer thread and the buffer it is writing. */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	const uint8_t *pending;
	size_t pending_len;
	bool busy, stop;
	uint64_t packets, bytes;
	uint16_t ip_id;
	int err; /* errno of the first failed write */
};
#define PCAPW_MAX_PAYLOAD 1472
int pcapw_open(struct pcapw *w, const char *path);
int pcapw_close(struct pcapw *w);
/* Space for a UDP payload of up to PCAPW_MAX_PAYLOAD bytes; write into it and then
 * call pcapw_commit with the payload's length. */
uint8_t *pcapw_begin(struct pcapw *w);
void pcapw_commit(struct pcapw *w, uint64_t t_us, uint32_t src_ip, uint16_t sport,
		  uint32_t dst_ip, uint16_t dport, size_t payload_len);
/* Internet checksum helpers, exposed for tests. */
uint16_t inet_checksum(const uint8_t *p, size_t n, uint32_t sum);

/* ---- text building for SIP (sip_enc.c) ---- */
static inline char *put_mem(char *p, const void *s, size_t n)
{
	__builtin_memcpy(p, s, n);
	return p + n;
}
#define PUT_LIT(p, lit) ((p) = put_mem((p), (lit), sizeof(lit) - 1))
char *put_str(char *p, const char *s);
char *put_u64(char *p, uint64_t v);
/* Fixed-width lower-case hex. */
char *put_hex(char *p, uint64_t v, int width);
/* Digits of v, zero-padded to width. */
char *put_dec_w(char *p, uint64_t v, int width);
char *put_ipv4(char *p, uint32_t ip);

/* ---- SMS relay and transfer layer encodings (sms_enc.c) ---- */
/* Address as used in TP-DA/TP-OA (TS 23.040 9.1.2.5): international E.164. */
size_t sms_tp_address(uint8_t *out, uint64_t number);
/* SMS-SUBMIT TPDU with a GSM 7-bit text (TS 23.040 9.2.2.2). */
size_t sms_submit(uint8_t *out, uint8_t mr, uint64_t dest, const char *text);
/* SMS-DELIVER TPDU (TS 23.040 9.2.2.1); scts_epoch is the SMSC timestamp (UTC). */
size_t sms_deliver(uint8_t *out, uint64_t orig, int64_t scts_epoch, const char *text);
/* RP-DATA (TS 24.011 7.3.1): mo = MS->network (RP-DA = SMSC), else network->MS
 * (RP-OA = SMSC). */
size_t rp_data(uint8_t *out, bool mo, uint8_t mr, uint64_t smsc, const uint8_t *tpdu,
	       size_t tpdu_len);
/* GSM 7-bit default alphabet packing of ASCII letters, digits and basic
 * punctuation; returns octets written; septets in *nsept. */
size_t gsm7_pack(uint8_t *out, const char *text, size_t *nsept);

/* ---- the world ---- */
enum role { ROLE_NORMAL, ROLE_DEN, ROLE_CALL_CENTRE, ROLE_M2M, ROLE_HUB };

struct site {
	char id[8]; /* "S0001" */
	double lat, lon;
	uint16_t tac;
	uint32_t enb;
	uint8_t pcscf;
	uint8_t sgw;
	uint8_t mme;
};

#define SUB_MAX_IMEIS 4
struct sub {
	uint64_t imsi, msisdn;
	uint64_t imei[SUB_MAX_IMEIS]; /* 14-digit TAC+SNR as a number; imei[0] current */
	uint8_t nimei;
	uint8_t role;
	uint8_t has_session;
	uint8_t registered;
	uint8_t seen;	    /* some packet of it was written */
	uint8_t move_state; /* engine.c: where a commuter is */
	uint32_t idx;
	uint32_t home_cell, work_cell, cur_cell;
	uint32_t site; /* home site, for truth */
	uint32_t ue_ip;
	uint32_t contacts, ncontacts; /* range in world.contacts */
	uint32_t sess_mme_teid, sess_sgw_teid, sess_no;
	uint32_t reg_no;
	uint32_t sms_mr;
	uint32_t calls_out, calls_in, sms_out, sms_in, data_sessions;
	int32_t port;			   /* den port holding this SIM, or -1 */
	int32_t owner;			   /* den / cc / fleet / hub index, or -1 */
	int64_t active_from, active_until; /* seconds relative to start */
};

struct contact {
	uint64_t number;
	int32_t sub; /* index of an on-net subscriber, or -1 */
};

struct gateway {
	uint64_t tac; /* 8 digits */
	uint32_t ports;
	uint32_t first_port;
	uint64_t *imeis; /* every IMEI any of its ports used */
	uint32_t nimeis, capimeis;
};

struct port {
	uint32_t den, gateway;
	uint64_t imei;
	int32_t sub; /* SIM in it now */
	uint64_t serial_next;
};

struct den {
	uint32_t site;
	uint32_t gw0, ngw;
	uint32_t port0, nports;
	int64_t start, end;   /* seconds relative to the scenario start */
	uint64_t next_number; /* the shared dial list's cursor */
	uint64_t *sims;
	uint32_t nsims, capsims; /* subscriber indices */
};

struct sim_params; /* the knobs, see params.c */

struct world {
	const struct sim_params *p;
	struct site *sites;
	uint32_t nsites, ncells; /* cells = 3 per site; cell c belongs to site c/3 */
	struct sub *subs;
	uint32_t nsubs, capsubs;
	struct contact *contacts;
	uint32_t ncontacts, capcontacts;
	struct den *dens;
	uint32_t ndens;
	struct gateway *gws;
	uint32_t ngws;
	struct port *ports;
	uint32_t nports;
	uint32_t cc_site, m2m_site, hub_site; /* UINT32_MAX when absent */
	uint32_t festival_site;	       /* UINT32_MAX when absent; its crowd: ROLE_HUB, owner 1 */
	uint32_t cc_first, cc_n, m2m_first, m2m_n;
	uint32_t ncustomers;
	struct contact *customers;
	uint64_t alloc_next; /* identity allocator for SIMs */
	uint8_t *cell_used;
	struct rng rng;
};

int world_build(struct world *w, const struct sim_params *p);
void world_free(struct world *w);
/* Adds a subscriber with a fresh IMSI/MSISDN; returns its index. */
uint32_t world_new_sim(struct world *w, enum role role, uint64_t imei, uint32_t site);
void sub_add_imei(struct sub *s, uint64_t imei);
void gateway_add_imei(struct gateway *g, uint64_t imei);
uint32_t cell_tac(const struct world *w, uint32_t cell);
uint32_t cell_eci(const struct world *w, uint32_t cell);
int world_write_cells(const struct world *w, const char *path);

/* ---- the parameters (params.c) ---- */
struct sim_params {
	const char *preset;
	uint64_t seed;
	int64_t start_epoch; /* packet time zero */
	double hours;
	uint32_t grid_rows, grid_cols;
	double spacing_m, centre_lat, centre_lon;
	const char *city;
	uint32_t pcscfs, mmes;
	uint32_t subscribers;
	double calls_per_day, sms_per_day, data_per_day;
	double answer_rate, busy_rate, onnet_share;
	double call_median_s, call_sigma;
	uint32_t contacts;
	double commuter_share, night_level;
	double reg_interval_s;
	double session_median_s;
	uint32_t dens, den_gateways, den_ports_min, den_ports_max;
	double den_start_h, den_hours, den_rotation_s, den_imei_change;
	double den_interval_s, den_answer_rate, den_call_median_s, den_sms_share;
	uint32_t den_step_max;
	const char *den_tacs;
	bool call_centre;
	uint32_t cc_agents, cc_customers;
	double cc_calls_per_hour, cc_inbound_per_hour, cc_call_median_s, cc_answer_rate;
	bool m2m;
	uint32_t m2m_devices;
	double m2m_interval_s;
	const char *m2m_tac;
	bool hub;
	uint32_t hub_passers;
	double hub_dwell_s;
	/* quality-matrix variants */
	bool den_random_dial, den_neighbours, den_at_hub, cc_gateway, festival;
	uint32_t festival_crowd;
	double festival_start_h, festival_hours, festival_rate;
	int verbose;
};

extern const char *const sim_presets[]; /* NULL-terminated names */
/* Applies the preset's value to every sim.* key still at its default. Returns -1
 * for an unknown preset. */
int params_apply_preset(struct dw_config *c, const char *preset);
/* Reads the knobs out of the config; returns -1 with a reason in err. */
int params_read(struct sim_params *p, const struct dw_config *c, char *err,
		size_t errlen);

/* ---- the engine (engine.c) ---- */
struct sim_stats {
	uint64_t ims_packets, s11_packets;
	uint64_t cells_used;
	int64_t end_epoch;
};
int engine_run(struct world *w, struct pcapw *ims, struct pcapw *s11,
	       struct sim_stats *st);

/* ---- truth.json (truth.c) ---- */
int truth_write(const struct world *w, const struct sim_stats *st, const char *path);

#endif
