/* engine.c: walks packet time. A binary heap holds every pending job (a
 * subscriber's next activity, the next message of a call or SMS, a GTP response,
 * a den port's next attempt...), ordered by time and then by insertion, so the
 * output is in time order and memory follows concurrent activity, not packets.
 * Each job writes its message through the encoders into ims.pcap or s11.pcap and
 * schedules what follows. Counts for truth.json are taken as messages are written. */
#include "sim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "denwatch/log.h"
#include "gtp_enc.h"
#include "sip_enc.h"

#define DAY0 1772380800LL /* 2026-03-02 00:00 in UTC+8 */
#define US 1000000ULL
#define SMSC_NUMBER 8613010200500ULL
#define MGW_IP(n) (0x0a1e0001u + (uint32_t)(n)) /* 10.30.0.1 + n */
#define MME_IP(n) (0x0a280001u + (uint32_t)(n)) /* 10.40.0.1 + n */
#define SGW_IP(n) (0x0a320001u + (uint32_t)(n)) /* 10.50.0.1 + n */
#define SGWU_IP(n) (0x0a330001u + (uint32_t)(n))
#define PGW_IP 0x0a3c0001u
#define GTPC_PORT 2123

enum ev_kind {
	EV_REG,
	EV_REG_OK,
	EV_ACT,
	EV_MOVE,
	EV_SESS_END,
	EV_GTP_RESP,
	EV_CALL,
	EV_SMS,
	EV_PORT,
	EV_ROTATE,
	EV_M2M,
	EV_CC_IN,
	EV_HUB_ARRIVE,
	EV_HUB_LEAVE,
};

/* A pending job. Jobs at the same microsecond run in an order fixed by the heap's
 * operations alone, so runs are deterministic without a sequence number. */
struct ev {
	uint64_t t;
	void *obj;
	uint32_t kind, arg;
};

struct heap {
	struct ev *a;
	size_t n, cap;
};

struct step {
	uint64_t t;
	uint8_t m, term, byc;
};

#define CALL_STEPS 24
struct call {
	uint64_t id;
	struct sub *a, *b; /* b is NULL for a callee outside the network */
	uint64_t b_number;
	uint8_t n, i;
	struct step s[CALL_STEPS];
};

struct sms {
	uint64_t id;
	struct sub *a, *b;
	uint64_t dest;
	uint64_t t[4];
	uint8_t n, i, mr;
	const char *text;
};

struct engine {
	struct world *w;
	const struct sim_params *p;
	struct pcapw *ims, *s11;
	struct heap h;
	uint64_t start_us, end_us;
	struct rng rng;
	uint64_t call_no, sms_no, reg_no, sess_no;
	uint32_t gtp_seq[256];
	double rhythm[24], rmax;
	struct timespec wall0, wall_last;
	uint64_t next_progress;
};

/* ---- heap: 4-ary, shallower than binary for the ~10^5 pending jobs ---- */

static void schedule(struct engine *e, uint64_t t, enum ev_kind kind, void *obj,
		     uint32_t arg)
{
	if (t >= e->end_us) {
		/* Past the end: the job would write nothing; free what it owns. */
		if (kind == EV_CALL || kind == EV_SMS)
			free(obj);
		return;
	}
	struct heap *h = &e->h;
	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 4096;
		h->a = realloc(h->a, h->cap * sizeof *h->a);
		if (!h->a) {
			dw_error("out of memory");
			exit(1);
		}
	}
	struct ev v = {t, obj, (uint32_t)kind, arg};
	size_t i = h->n++;
	while (i > 0) {
		size_t parent = (i - 1) / 4;
		if (h->a[parent].t <= t)
			break;
		h->a[i] = h->a[parent];
		i = parent;
	}
	h->a[i] = v;
}

static struct ev heap_pop(struct heap *h)
{
	struct ev top = h->a[0];
	struct ev last = h->a[--h->n];
	size_t i = 0, n = h->n;
	for (;;) {
		size_t c = 4 * i + 1;
		if (c >= n)
			break;
		size_t best = c, end = c + 4 < n ? c + 4 : n;
		for (size_t k = c + 1; k < end; k++)
			if (h->a[k].t < h->a[best].t)
				best = k;
		if (h->a[best].t >= last.t)
			break;
		h->a[i] = h->a[best];
		i = best;
	}
	if (n)
		h->a[i] = last;
	return top;
}

/* ---- time ---- */

static int local_hour(uint64_t t_us)
{
	return (int)(((int64_t)(t_us / US) - DAY0) / 3600 % 24);
}

/* Next time of a Poisson process of per_day events a day, thinned by the
 * day/night rhythm. UINT64_MAX when it never fires. */
static uint64_t next_time(struct engine *e, uint64_t t, double per_day, bool rhythm)
{
	if (per_day <= 0)
		return UINT64_MAX;
	double lam =
	    per_day / 86400.0 * (rhythm ? e->rmax : 1.0); /* candidates per second */
	double ts = (double)t / US;
	for (int k = 0; k < 100000; k++) {
		ts += rng_exp(&e->rng, 1.0 / lam);
		if (ts * US >= (double)e->end_us)
			return UINT64_MAX;
		if (!rhythm || rng_unit(&e->rng) * e->rmax <
				   e->rhythm[local_hour((uint64_t)(ts * US))])
			return (uint64_t)(ts * US);
	}
	return UINT64_MAX;
}

/* The next time it is hour h (plus up to jitter_s seconds) local time after t. */
static uint64_t next_local(struct engine *e, uint64_t t, double h, double jitter_s)
{
	int64_t ts = (int64_t)(t / US);
	int64_t day = DAY0 + (ts - DAY0) / 86400 * 86400;
	double target = (double)day + h * 3600 + rng_unit(&e->rng) * jitter_s;
	if (target * US <= (double)t)
		target += 86400;
	return (uint64_t)(target * US);
}

static uint64_t ms(struct engine *e, unsigned lo, unsigned hi)
{
	return (lo + rng_below(&e->rng, hi - lo + 1)) * 1000ULL;
}

static void progress(struct engine *e)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double since = (double)(now.tv_sec - e->wall_last.tv_sec) +
		       (double)(now.tv_nsec - e->wall_last.tv_nsec) / 1e9;
	if (since < 3.0 && !(e->p->verbose && since >= 1.0))
		return;
	double total = (double)(now.tv_sec - e->wall0.tv_sec) +
		       (double)(now.tv_nsec - e->wall0.tv_nsec) / 1e9;
	uint64_t pk = e->ims->packets + e->s11->packets;
	fprintf(stderr, "denwatch-sim: %llu packets, %.1f s, %.0f packets/s\n",
		(unsigned long long)pk, total, total > 0 ? (double)pk / total : 0.0);
	e->wall_last = now;
}

/* ---- parties and cells ---- */

static void mark_cell(struct engine *e, uint32_t cell)
{
	e->w->cell_used[cell] = 1;
}

static uint32_t cell_of_eci(uint32_t eci)
{
	return ((eci >> 8) - 40000) * 3 + (eci & 255) - 1;
}

static void party_of(struct engine *e, const struct sub *s, struct sip_party *x)
{
	const struct site *st = &e->w->sites[s->cur_cell / 3];
	x->number = s->msisdn;
	x->imsi = s->imsi;
	x->imei = s->imei[0];
	x->ue_ip = s->ue_ip;
	x->pcscf = st->pcscf;
	x->tac = st->tac;
	x->eci = cell_eci(e->w, s->cur_cell);
}

static void offnet_party(uint64_t number, struct sip_party *x)
{
	memset(x, 0, sizeof *x);
	x->number = number;
	x->ue_ip = MGW_IP(number % 8);
}

static void ims_commit(struct engine *e, uint64_t t, bool up, uint8_t pcscf, size_t n)
{
	if (n > PCAPW_MAX_PAYLOAD) {
		dw_error("internal error: SIP message of %zu bytes", n);
		abort();
	}
	if (up)
		pcapw_commit(e->ims, t, PCSCF_IP(pcscf), SIP_PORT, SCSCF_IP, SIP_PORT, n);
	else
		pcapw_commit(e->ims, t, SCSCF_IP, SIP_PORT, PCSCF_IP(pcscf), SIP_PORT, n);
}

/* ---- registration ---- */

static bool sub_active(const struct engine *e, const struct sub *s, uint64_t t)
{
	int64_t rel = (int64_t)((t - e->start_us) / US);
	if (s->role == ROLE_DEN) {
		const struct port *pt = s->port >= 0 ? &e->w->ports[s->port] : NULL;
		return pt && pt->sub == (int32_t)s->idx;
	}
	return rel >= s->active_from && rel < s->active_until;
}

static void do_register(struct engine *e, struct sub *s, uint64_t t)
{
	struct sip_party x;
	party_of(e, s, &x);
	uint64_t id = (1ULL << 40) + e->reg_no++;
	char *buf = (char *)pcapw_begin(e->ims);
	size_t n = sip_register(buf, &x, id);
	ims_commit(e, t, true, x.pcscf, n);
	mark_cell(e, s->cur_cell);
	s->registered = 1;
	s->seen = 1;
	if (s->port >= 0)
		gateway_add_imei(&e->w->gws[e->w->ports[s->port].gateway], s->imei[0]);
	/* The 200 OK names the id; the subscriber is found again through obj. */
	s->reg_no = (uint32_t)(id - (1ULL << 40));
	schedule(e, t + ms(e, 8, 60), EV_REG_OK, s, s->reg_no);
	schedule(
	    e,
	    t + (uint64_t)(e->p->reg_interval_s * (0.9 + 0.2 * rng_unit(&e->rng)) * US),
	    EV_REG, s, 0);
}

static void on_reg(struct engine *e, struct ev *v)
{
	struct sub *s = v->obj;
	if (sub_active(e, s, v->t))
		do_register(e, s, v->t);
}

static void on_reg_ok(struct engine *e, struct ev *v)
{
	struct sub *s = v->obj;
	struct sip_party x;
	party_of(e, s, &x);
	char *buf = (char *)pcapw_begin(e->ims);
	size_t n = sip_register_ok(buf, &x, (1ULL << 40) + v->arg);
	ims_commit(e, v->t, false, x.pcscf, n);
}

/* ---- GTPv2 sessions on S11 ---- */

static void session_of(struct engine *e, const struct sub *s, struct gtp_session *g)
{
	const struct world *w = e->w;
	const struct site *home = &w->sites[s->home_cell / 3];
	const struct site *cur = &w->sites[s->cur_cell / 3];
	memset(g, 0, sizeof *g);
	g->imsi = s->imsi;
	g->msisdn = s->msisdn;
	g->imeisv = s->imei[0] * 100 + (s->imei[0] % 13) + 1;
	g->loc.mcc = 460;
	g->loc.mnc = "01";
	g->loc.tac = cur->tac;
	g->loc.eci = cell_eci(w, s->cur_cell);
	g->mme_teid = s->sess_mme_teid;
	g->sgw_teid = s->sess_sgw_teid;
	g->pgw_teid = (uint32_t)mix64(s->sess_no * 4 + 3) | 1;
	g->enb_teid =
	    (uint32_t)mix64(s->sess_no * 4 + 2 + ((uint64_t)s->cur_cell << 32)) | 1;
	g->mme_ip = MME_IP(home->mme);
	g->sgw_ip = SGW_IP(home->sgw);
	g->sgw_u_ip = SGWU_IP(home->sgw);
	g->pgw_ip = PGW_IP;
	g->enb_ip = 0x0a460000u + (cur->enb & 0xffff);
	g->ue_ip = 0x64400000u + (s->idx & 0x3fffff); /* 100.64.0.0/10 */
	g->apn = s->role == ROLE_M2M ? "m2m.iot" : "internet";
	g->ambr_ul_kbps = s->role == ROLE_M2M ? 256 : 50000;
	g->ambr_dl_kbps = s->role == ROLE_M2M ? 512 : 150000;
	g->ebi = 5;
	g->qci = 9;
}

static void gtp_send(struct engine *e, struct sub *s, uint64_t t, uint8_t type,
		     uint32_t seq)
{
	struct gtp_session g;
	session_of(e, s, &g);
	uint8_t *buf = pcapw_begin(e->s11);
	size_t n = 0;
	switch (type) {
	case 32:
		n = gtp_create_session_req(buf, &g, seq);
		break;
	case 33:
		n = gtp_create_session_resp(buf, &g, seq);
		break;
	case 34:
		n = gtp_modify_bearer_req(buf, &g, seq);
		break;
	case 35:
		n = gtp_modify_bearer_resp(buf, &g, seq);
		break;
	case 36:
		n = gtp_delete_session_req(buf, &g, seq);
		break;
	case 37:
		n = gtp_delete_session_resp(buf, &g, seq);
		break;
	}
	bool request = type % 2 == 0;
	if (request)
		pcapw_commit(e->s11, t, g.mme_ip, GTPC_PORT, g.sgw_ip, GTPC_PORT, n);
	else
		pcapw_commit(e->s11, t, g.sgw_ip, GTPC_PORT, g.mme_ip, GTPC_PORT, n);
	if (type == 32 || type == 34)
		mark_cell(e, s->cur_cell);
	s->seen = 1;
}

static void gtp_request(struct engine *e, struct sub *s, uint64_t t, uint8_t type)
{
	uint8_t mme = e->w->sites[s->home_cell / 3].mme;
	uint32_t seq = e->gtp_seq[mme] = (e->gtp_seq[mme] + 1) & 0xffffff;
	gtp_send(e, s, t, type, seq);
	schedule(e, t + ms(e, 2, 25), EV_GTP_RESP, s, (uint32_t)(type + 1) << 24 | seq);
}

static void on_gtp_resp(struct engine *e, struct ev *v)
{
	gtp_send(e, v->obj, v->t, (uint8_t)(v->arg >> 24), v->arg & 0xffffff);
}

/* A bijection of 32-bit numbers: distinct sessions get distinct, random-looking
 * TEIDs, so the sensor's TEID -> IMSI table never sees two live sessions collide. */
static uint32_t perm32(uint32_t x)
{
	x *= 0x9e3779b1u;
	x ^= x >> 16;
	x *= 0x85ebca6bu;
	x ^= x >> 13;
	return x ? x : 0xfffffffeu;
}

static void session_open(struct engine *e, struct sub *s, uint64_t t, double seconds)
{
	if (s->has_session)
		return;
	s->sess_no = (uint32_t)e->sess_no++;
	s->sess_mme_teid = perm32(s->sess_no * 2);
	s->sess_sgw_teid = perm32(s->sess_no * 2 + 1);
	s->has_session = 1;
	s->data_sessions++;
	gtp_request(e, s, t, 32);
	schedule(e, t + (uint64_t)(seconds * US) + ms(e, 100, 900), EV_SESS_END, s,
		 s->sess_no);
}

static void on_sess_end(struct engine *e, struct ev *v)
{
	struct sub *s = v->obj;
	if (!s->has_session || s->sess_no != v->arg)
		return;
	gtp_request(e, s, v->t, 36);
	s->has_session = 0;
}

static void move_to(struct engine *e, struct sub *s, uint64_t t, uint32_t cell)
{
	if (cell == s->cur_cell)
		return;
	s->cur_cell = cell;
	if (s->has_session)
		gtp_request(e, s, t, 34);
}

/* ---- calls ---- */

enum outcome { ANSWERED, NO_ANSWER, BUSY };

static void add_step(struct call *c, uint64_t t, enum sip_call_msg m, bool term, bool byc)
{
	if (c->n == CALL_STEPS)
		abort();
	c->s[c->n++] = (struct step){t, (uint8_t)m, term, byc};
}

/* Returns when the call is over (its last message). */
static uint64_t start_call(struct engine *e, uint64_t t, struct sub *a, struct sub *b,
			   uint64_t b_number, enum outcome out, double dur_s,
			   double giveup_s)
{
	if (b && (!b->registered || b == a))
		b = NULL;
	struct call *c = calloc(1, sizeof *c);
	if (!c)
		exit(1);
	c->id = e->call_no++;
	c->a = a;
	c->b = b;
	c->b_number = b ? b->msisdn : b_number;
	uint64_t x = t;
	add_step(c, x, CM_INVITE, 0, 0);
	add_step(c, x += ms(e, 2, 12), CM_100, 0, 0);
	if (b) {
		add_step(c, x += ms(e, 5, 30), CM_INVITE, 1, 0);
		add_step(c, x += ms(e, 2, 12), CM_100, 1, 0);
	}
	if (out == BUSY) {
		x += ms(e, 300, 1500);
		if (b) {
			add_step(c, x, CM_486, 1, 0);
			add_step(c, x += ms(e, 1, 5), CM_ACK_ERR, 1, 0);
			x += ms(e, 2, 10);
		}
		add_step(c, x, CM_486, 0, 0);
		add_step(c, x += ms(e, 1, 5), CM_ACK_ERR, 0, 0);
		schedule(e, c->s[0].t, EV_CALL, c, 0);
		return x;
	}
	x += ms(e, 1200, 4500); /* until the callee rings */
	if (b) {
		add_step(c, x, CM_180, 1, 0);
		x += ms(e, 2, 10);
	}
	add_step(c, x, CM_180, 0, 0);
	if (out == NO_ANSWER) {
		x += (uint64_t)(giveup_s * US);
		add_step(c, x, CM_CANCEL, 0, 0);
		add_step(c, x += ms(e, 2, 10), CM_200_CANCEL, 0, 0);
		if (b) {
			add_step(c, x += ms(e, 2, 10), CM_CANCEL, 1, 0);
			add_step(c, x += ms(e, 2, 10), CM_200_CANCEL, 1, 0);
			add_step(c, x += ms(e, 1, 5), CM_487, 1, 0);
			add_step(c, x += ms(e, 1, 5), CM_ACK_ERR, 1, 0);
		}
		add_step(c, x += ms(e, 2, 10), CM_487, 0, 0);
		add_step(c, x += ms(e, 1, 5), CM_ACK_ERR, 0, 0);
		schedule(e, c->s[0].t, EV_CALL, c, 0);
		return x;
	}
	x += ms(e, 1500, 9000); /* until the callee answers */
	if (b) {
		add_step(c, x, CM_200_INVITE, 1, 0);
		x += ms(e, 2, 10);
	}
	add_step(c, x, CM_200_INVITE, 0, 0);
	add_step(c, x += ms(e, 20, 80), CM_ACK_2XX, 0, 0);
	if (b)
		add_step(c, x += ms(e, 2, 10), CM_ACK_2XX, 1, 0);
	x += (uint64_t)(dur_s * US);
	bool byc = rng_chance(&e->rng, 0.45);
	if (!byc) {
		add_step(c, x, CM_BYE, 0, 0);
		if (b) {
			add_step(c, x += ms(e, 2, 10), CM_BYE, 1, 0);
			add_step(c, x += ms(e, 10, 60), CM_200_BYE, 1, 0);
		}
		add_step(c, x += ms(e, 2, 10), CM_200_BYE, 0, 0);
	} else {
		if (b) {
			add_step(c, x, CM_BYE, 1, 1);
			x += ms(e, 2, 10);
		}
		add_step(c, x, CM_BYE, 0, 1);
		add_step(c, x += ms(e, 10, 60), CM_200_BYE, 0, 1);
		if (b)
			add_step(c, x += ms(e, 2, 10), CM_200_BYE, 1, 1);
	}
	schedule(e, c->s[0].t, EV_CALL, c, 0);
	return x;
}

static void on_call(struct engine *e, struct ev *v)
{
	struct call *c = v->obj;
	const struct step *st = &c->s[c->i];
	struct sip_party pa, pb;
	party_of(e, c->a, &pa);
	if (c->b)
		party_of(e, c->b, &pb);
	else
		offnet_party(c->b_number, &pb);
	struct sip_leg leg = {c->id, st->term, &pa, &pb, c->b != NULL};
	bool up;
	const struct sip_party *pani_of;
	char *buf = (char *)pcapw_begin(e->ims);
	size_t n =
	    sip_call_msg(buf, &leg, (enum sip_call_msg)st->m, st->byc, &up, &pani_of);
	ims_commit(e, v->t, up, st->term ? pb.pcscf : pa.pcscf, n);
	if (pani_of)
		mark_cell(e, cell_of_eci(pani_of->eci));
	if (st->m == CM_INVITE) {
		if (st->term) {
			c->b->calls_in++;
			c->b->seen = 1;
		} else {
			c->a->calls_out++;
			c->a->seen = 1;
		}
	}
	if (++c->i < c->n)
		schedule(e, c->s[c->i].t, EV_CALL, c, 0);
	else
		free(c);
}

static uint64_t call(struct engine *e, uint64_t t, struct sub *a, struct sub *b,
		     uint64_t number, enum outcome out, double dur_s, double giveup_s)
{
	return start_call(e, t, a, b, number, out, dur_s, giveup_s);
}

/* ---- SMS ---- */

static const char *const texts[] = {
    "On my way, see you in 10 minutes",
    "Call me when you are free",
    "Happy birthday! Have a great day",
    "Dinner at 7 tonight?",
    "Got it, thanks",
    "The meeting moved to 3pm, room 402",
    "Can you pick up some milk on the way home?",
    "Running late, sorry",
};
static const char *const spam[] = {
    "Congratulations! You have won 50000 yuan. Claim now: call 4008123456 today",
    "Your bank card is frozen. Verify at once: call 4006654321 or visit bank-check.cn",
    "Low interest loans approved in 5 minutes, no checks. Reply Y or call 4008877665",
};

static void send_sms(struct engine *e, uint64_t t, struct sub *a, struct sub *b,
		     uint64_t dest, const char *text)
{
	if (b && (!b->registered || b == a))
		b = NULL;
	struct sms *m = calloc(1, sizeof *m);
	if (!m)
		exit(1);
	m->id = (2ULL << 40) + e->sms_no++;
	m->a = a;
	m->b = b;
	m->dest = b ? b->msisdn : dest;
	m->text = text;
	m->mr = (uint8_t)a->sms_mr++;
	m->t[0] = t;
	m->t[1] = t + ms(e, 5, 40);
	m->n = 2;
	if (b) {
		m->t[2] = m->t[1] + ms(e, 600, 4000);
		m->t[3] = m->t[2] + ms(e, 50, 600);
		m->n = 4;
	}
	schedule(e, t, EV_SMS, m, 0);
}

static void on_sms(struct engine *e, struct ev *v)
{
	struct sms *m = v->obj;
	bool mo = m->i < 2;
	struct sub *ue = mo ? m->a : m->b;
	struct sip_party x;
	party_of(e, ue, &x);
	char *buf = (char *)pcapw_begin(e->ims);
	size_t n;
	bool up;
	uint64_t id = m->id * 2 + !mo;
	if (m->i % 2 == 0) {
		uint8_t tpdu[200], body[240];
		size_t tl =
		    mo ? sms_submit(tpdu, m->mr, m->dest, m->text)
		       : sms_deliver(tpdu, m->a->msisdn, (int64_t)(v->t / US), m->text);
		size_t bl = rp_data(body, mo, (uint8_t)(m->mr + (mo ? 0 : 128)),
				    SMSC_NUMBER, tpdu, tl);
		n = sip_sms_message(buf, mo, &x, SMSC_NUMBER, id, body, bl);
		up = mo;
		if (mo) {
			m->a->sms_out++;
			mark_cell(e, ue->cur_cell);
		} else {
			m->b->sms_in++;
		}
		ue->seen = 1;
	} else {
		n = sip_sms_202(buf, mo, &x, SMSC_NUMBER, id);
		up = !mo;
		if (!mo)
			mark_cell(e, ue->cur_cell);
	}
	ims_commit(e, v->t, up, x.pcscf, n);
	if (++m->i < m->n)
		schedule(e, m->t[m->i], EV_SMS, m, 0);
	else
		free(m);
}

/* ---- normal subscribers, call-centre agents and passers-by ---- */

static double act_rate(const struct engine *e, const struct sub *s)
{
	const struct sim_params *p = e->p;
	double r = p->calls_per_day + p->sms_per_day + p->data_per_day;
	if (s->role == ROLE_HUB && s->owner == 1) /* festival crowd */
		return p->festival_rate * r;
	return s->role == ROLE_HUB ? 2 * r : r;
}

static double call_duration(struct engine *e, double median, double sigma, double lo,
			    double hi)
{
	double d = rng_lognormal(&e->rng, median, sigma);
	return d < lo ? lo : d > hi ? hi : d;
}

static enum outcome pick_outcome(struct engine *e, double answer, double busy)
{
	double u = rng_unit(&e->rng);
	return u < answer ? ANSWERED : u < answer + busy ? BUSY : NO_ANSWER;
}

static void normal_act(struct engine *e, struct sub *s, uint64_t t)
{
	const struct sim_params *p = e->p;
	double total = p->calls_per_day + p->sms_per_day + p->data_per_day;
	double u = rng_unit(&e->rng) * total;
	if (u < p->calls_per_day + p->sms_per_day && !s->ncontacts) {
		/* Passers-by: anyone, on this network or not. */
		struct sub *b = NULL;
		uint64_t number = 8613900000000ULL + rng_below(&e->rng, 100000000);
		if (p->subscribers && rng_chance(&e->rng, p->onnet_share))
			b = &e->w->subs[rng_below(&e->rng, p->subscribers)];
		if (u < p->calls_per_day)
			call(e, t, s, b, number,
			     pick_outcome(e, p->answer_rate, p->busy_rate),
			     call_duration(e, p->call_median_s, p->call_sigma, 3,
					   3 * 3600),
			     8 + 30 * rng_unit(&e->rng));
		else
			send_sms(e, t, s, b, number, texts[rng_below(&e->rng, 8)]);
	} else if (u < p->calls_per_day + p->sms_per_day) {
		/* Favour the first contacts: the minimum of two uniform picks. */
		uint32_t i = (uint32_t)rng_below(&e->rng, s->ncontacts);
		uint32_t j = (uint32_t)rng_below(&e->rng, s->ncontacts);
		const struct contact *c = &e->w->contacts[s->contacts + (i < j ? i : j)];
		struct sub *b = c->sub >= 0 ? &e->w->subs[c->sub] : NULL;
		if (u < p->calls_per_day)
			call(e, t, s, b, c->number,
			     pick_outcome(e, p->answer_rate, p->busy_rate),
			     call_duration(e, p->call_median_s, p->call_sigma, 3,
					   3 * 3600),
			     8 + 30 * rng_unit(&e->rng));
		else
			send_sms(e, t, s, b, c->number, texts[rng_below(&e->rng, 8)]);
	} else if (u >= p->calls_per_day + p->sms_per_day) {
		session_open(e, s, t, rng_lognormal(&e->rng, p->session_median_s, 1.0));
	}
}

static void on_act(struct engine *e, struct ev *v)
{
	struct sub *s = v->obj;
	if (!sub_active(e, s, v->t))
		return;
	if (s->registered)
		normal_act(e, s, v->t);
	schedule(e, next_time(e, v->t, act_rate(e, s), true), EV_ACT, s, 0);
}

static uint32_t neighbour_cell(struct engine *e, uint32_t cell)
{
	const struct sim_params *p = e->p;
	uint32_t site = cell / 3;
	int r = (int)(site / p->grid_cols), c = (int)(site % p->grid_cols);
	int nr = r + (int)rng_below(&e->rng, 3) - 1,
	    nc = c + (int)rng_below(&e->rng, 3) - 1;
	if (nr < 0 || nc < 0 || nr >= (int)p->grid_rows || nc >= (int)p->grid_cols)
		nr = r, nc = c;
	return ((uint32_t)nr * p->grid_cols + (uint32_t)nc) * 3 +
	       (uint32_t)rng_below(&e->rng, 3);
}

/* Commuters: home -> transit -> work -> transit -> home, with a day's timing.
 * Others go out to a neighbouring site now and then. Passers-by at the hub walk
 * between its sectors. */
static void on_move(struct engine *e, struct ev *v)
{
	struct sub *s = v->obj;
	uint64_t t = v->t, next;
	if (!sub_active(e, s, t))
		return;
	if (s->role == ROLE_HUB) {
		uint32_t site = s->home_cell / 3;
		move_to(e, s, t,
			site * 3 +
			    (s->cur_cell % 3 + 1 + (uint32_t)rng_below(&e->rng, 2)) % 3);
		schedule(e, t + (uint64_t)(rng_exp(&e->rng, 400) * US) + US, EV_MOVE, s,
			 0);
		return;
	}
	if (s->work_cell == s->home_cell) {
		if (s->cur_cell == s->home_cell) {
			move_to(e, s, t, neighbour_cell(e, s->home_cell));
			next = t + (uint64_t)((1800 + rng_exp(&e->rng, 3600)) * US);
		} else {
			move_to(e, s, t, s->home_cell);
			next = t + (uint64_t)(rng_exp(&e->rng, 5 * 3600) * US);
		}
		schedule(e, next, EV_MOVE, s, 0);
		return;
	}
	switch (s->move_state) {
	case 0: /* at home, leaving for work */
		move_to(e, s, t, neighbour_cell(e, s->home_cell));
		next = t + ms(e, 600000, 1800000);
		break;
	case 1: /* on the way */
		move_to(e, s, t, s->work_cell);
		next = next_local(e, t, 17, 3 * 3600);
		break;
	case 2: /* at work, leaving for home */
		move_to(e, s, t, neighbour_cell(e, s->work_cell));
		next = t + ms(e, 600000, 1800000);
		break;
	default:
		move_to(e, s, t, s->home_cell);
		next = next_local(e, t, 7, 2.5 * 3600);
		break;
	}
	s->move_state = (uint8_t)((s->move_state + 1) % 4);
	schedule(e, next, EV_MOVE, s, 0);
}

/* A phone's first REGISTER falls at a random time in the first quarter hour and
 * its activity starts after it, so every call and SMS of a subscriber comes after
 * the registration that binds its IMSI to its MSISDN (sensors attribute IMS
 * events to IMSIs through it). Spread over minutes, this is not the lock-step
 * power-on of a den's ports, which register within seconds. */
static uint64_t first_register(struct engine *e)
{
	double spread = e->p->reg_interval_s < 900 ? e->p->reg_interval_s : 900;
	return e->start_us + (uint64_t)(rng_unit(&e->rng) * spread * US);
}

static void start_normal(struct engine *e, struct sub *s)
{
	uint64_t t = first_register(e);
	int h = local_hour(e->start_us);
	if (s->work_cell != s->home_cell && h >= 9 && h < 17) {
		s->cur_cell = s->work_cell;
		s->move_state = 2;
		schedule(e, next_local(e, e->start_us, 17, 3 * 3600), EV_MOVE, s, 0);
	} else if (s->work_cell != s->home_cell) {
		s->move_state = 0;
		schedule(e, next_local(e, e->start_us, 7, 2.5 * 3600), EV_MOVE, s, 0);
	} else {
		schedule(e, t + (uint64_t)(rng_exp(&e->rng, 5 * 3600) * US), EV_MOVE, s,
			 0);
	}
	schedule(e, t, EV_REG, s, 0);
	schedule(e, next_time(e, t + US, act_rate(e, s), true), EV_ACT, s, 0);
}

/* Call-centre agents work 08:00-21:00: outbound calls to repeat customers (EV_ACT)
 * and inbound calls from them (EV_CC_IN). */
static bool cc_open(uint64_t t)
{
	int h = local_hour(t);
	return h >= 8 && h < 21;
}

static void on_cc_act(struct engine *e, struct sub *s, uint64_t t)
{
	const struct sim_params *p = e->p;
	uint64_t next;
	if (!cc_open(t)) {
		next = next_local(e, t, 8, 900);
	} else {
		const struct contact *c =
		    &e->w->customers[rng_below(&e->rng, e->w->ncustomers)];
		struct sub *b = c->sub >= 0 ? &e->w->subs[c->sub] : NULL;
		uint64_t end =
		    call(e, t, s, b, c->number, pick_outcome(e, p->cc_answer_rate, 0.05),
			 call_duration(e, p->cc_call_median_s, 0.6, 20, 3600),
			 15 + 20 * rng_unit(&e->rng));
		next = end + (uint64_t)(rng_exp(&e->rng,
						3600.0 / (p->cc_calls_per_hour + 1e-9)) *
					US);
	}
	schedule(e, next, EV_ACT, s, 0);
}

static void on_cc_in(struct engine *e, struct ev *v)
{
	const struct sim_params *p = e->p;
	struct sub *agent = v->obj;
	uint64_t t = v->t, next;
	if (!cc_open(t)) {
		next = next_local(e, t, 8, 900);
	} else {
		const struct contact *c =
		    &e->w->customers[rng_below(&e->rng, e->w->ncustomers)];
		struct sub *caller = c->sub >= 0 ? &e->w->subs[c->sub] : NULL;
		if (caller && caller->registered)
			call(e, t, caller, agent, 0, pick_outcome(e, 0.92, 0.03),
			     call_duration(e, p->cc_call_median_s, 0.6, 20, 3600), 30);
		next = t + (uint64_t)(rng_exp(&e->rng,
					      3600.0 / (p->cc_inbound_per_hour + 1e-9)) *
				      US);
	}
	schedule(e, next, EV_CC_IN, agent, 0);
}

static void on_act_any(struct engine *e, struct ev *v)
{
	struct sub *s = v->obj;
	if (s->role == ROLE_CALL_CENTRE)
		on_cc_act(e, s, v->t);
	else
		on_act(e, v);
}

/* ---- the transport hub ---- */

static void on_hub_arrive(struct engine *e, struct ev *v)
{
	struct sub *s = v->obj;
	s->cur_cell = s->home_cell;
	do_register(e, s, v->t);
	double dwell = s->owner == 1 /* festival: stays to the end, give or take */
			       ? e->p->festival_hours * 3600 * (0.85 + 0.15 * rng_unit(&e->rng))
			       : call_duration(e, e->p->hub_dwell_s, 0.5, 120, 6 * 3600);
	session_open(e, s, v->t + ms(e, 500, 3000), dwell + 120);
	schedule(e, v->t + (uint64_t)(rng_exp(&e->rng, 400) * US) + US, EV_MOVE, s, 0);
	schedule(e, next_time(e, v->t + 5 * US, act_rate(e, s), true), EV_ACT, s, 0);
	schedule(e, v->t + (uint64_t)(dwell * US), EV_HUB_LEAVE, s, 0);
}

static void on_hub_leave(struct engine *e, struct ev *v)
{
	struct sub *s = v->obj;
	move_to(e, s, v->t, s->work_cell);
	s->active_until = (int64_t)((v->t - e->start_us) / US);
	s->registered = 0;
}

/* ---- M2M fleet ---- */

static void on_m2m(struct engine *e, struct ev *v)
{
	struct sub *s = v->obj;
	session_open(e, s, v->t, 20 + 100 * rng_unit(&e->rng));
	schedule(e,
		 v->t + (uint64_t)(e->p->m2m_interval_s *
				   (0.9 + 0.2 * rng_unit(&e->rng)) * US),
		 EV_M2M, s, 0);
}

/* ---- dens ---- */

static void on_rotate(struct engine *e, struct ev *v)
{
	struct world *w = e->w;
	struct port *pt = v->obj;
	struct den *d = &w->dens[pt->den];
	uint32_t portno = (uint32_t)(pt - w->ports);
	uint64_t den_end = e->start_us + (uint64_t)d->end * US;
	if (v->t >= den_end)
		return;
	bool first = pt->sub < 0;
	/* A SIM keeps at most SUB_MAX_IMEIS IMEIs, so truth lists every one of them:
	 * past that the port rotates its SIM instead. */
	if (!first && w->subs[pt->sub].nimei < SUB_MAX_IMEIS &&
	    rng_chance(&e->rng, e->p->den_imei_change)) {
		/* The gateway's IMEI is edited: same SIM, new IMEI of the same TAC. */
		pt->imei = w->gws[pt->gateway].tac * 1000000ULL + pt->serial_next++;
		struct sub *s = &w->subs[pt->sub];
		sub_add_imei(s, pt->imei);
		do_register(e, s, v->t);
	} else if (d->nsims < d->capsims) {
		if (!first) {
			struct sub *old = &w->subs[pt->sub];
			old->registered = 0;
			old->port = -1;
		}
		struct sub *s = &w->subs[d->sims[d->nsims++]];
		s->port = (int32_t)portno;
		s->cur_cell = s->home_cell = s->work_cell = d->site * 3 + pt->gateway % 3;
		sub_add_imei(s, pt->imei);
		pt->sub = (int32_t)s->idx;
		do_register(e, s, v->t);
	}
	if (first)
		schedule(e, v->t + ms(e, 5000, 30000), EV_PORT, pt, 0);
	schedule(e, v->t + (uint64_t)(e->p->den_rotation_s * US) + ms(e, 0, 4000),
		 EV_ROTATE, pt, 0);
}

static void on_port(struct engine *e, struct ev *v)
{
	const struct sim_params *p = e->p;
	struct world *w = e->w;
	struct port *pt = v->obj;
	struct den *d = &w->dens[pt->den];
	uint64_t den_end = e->start_us + (uint64_t)d->end * US;
	if (v->t >= den_end || pt->sub < 0)
		return;
	struct sub *s = &w->subs[pt->sub];
	uint64_t number = d->next_number;
	if (p->den_random_dial) /* no shared list: anyone in a block of 90 M numbers */
		number = 8613800000000ULL + rng_below(&e->rng, 90000000);
	else
		d->next_number += 1 + rng_below(&e->rng, p->den_step_max);
	uint64_t end = v->t;
	if (rng_chance(&e->rng, p->den_sms_share)) {
		send_sms(e, v->t, s, NULL, number, spam[rng_below(&e->rng, 3)]);
		end += ms(e, 1000, 4000);
	} else {
		end = call(e, v->t, s, NULL, number,
			   pick_outcome(e, p->den_answer_rate, 0.08),
			   call_duration(e, p->den_call_median_s, 0.6, 2, 600),
			   6 + 14 * rng_unit(&e->rng));
	}
	schedule(e, end + (uint64_t)(rng_exp(&e->rng, p->den_interval_s) * US), EV_PORT,
		 pt, 0);
}

/* ---- the run ---- */

static void setup_rhythm(struct engine *e)
{
	static const double shape[24] = {0.25, 0.12, 0.03, 0, 0,    0.05, 0.25, 0.6,
					 0.85, 0.95, 1,	   1, 0.95, 0.9,  0.9,	0.95,
					 1,    1,    1,	   1, 0.95, 0.85, 0.65, 0.45};
	double sum = 0;
	for (int h = 0; h < 24; h++) {
		e->rhythm[h] = e->p->night_level + (1 - e->p->night_level) * shape[h];
		sum += e->rhythm[h];
	}
	/* Normalize to a daily mean of 1 so per-day rates hold over a day. */
	e->rmax = 0;
	for (int h = 0; h < 24; h++) {
		e->rhythm[h] *= 24 / sum;
		if (e->rhythm[h] > e->rmax)
			e->rmax = e->rhythm[h];
	}
}

static void seed_jobs(struct engine *e)
{
	struct world *w = e->w;
	const struct sim_params *p = e->p;
	for (uint32_t i = 0; i < w->nsubs; i++) {
		struct sub *s = &w->subs[i];
		switch (s->role) {
		case ROLE_NORMAL:
			start_normal(e, s);
			break;
		case ROLE_CALL_CENTRE: {
			uint64_t t = first_register(e);
			schedule(e, t, EV_REG, s, 0);
			schedule(e, t + ms(e, 60000, 600000), EV_ACT, s, 0);
			schedule(e, t + ms(e, 60000, 900000), EV_CC_IN, s, 0);
			break;
		}
		case ROLE_M2M:
			schedule(e,
				 e->start_us + (uint64_t)(rng_unit(&e->rng) *
							  p->m2m_interval_s * US),
				 EV_M2M, s, 0);
			break;
		case ROLE_HUB: {
			double span = p->hours * 3600;
			double at = s->owner == 1 /* festival crowd */
					? p->festival_start_h * 3600 + rng_unit(&e->rng) * 1800
					: rng_unit(&e->rng) * span * 0.95;
			s->active_from = (int64_t)at;
			schedule(e, e->start_us + (uint64_t)(at * US), EV_HUB_ARRIVE, s,
				 0);
			break;
		}
		default:
			break;
		}
	}
	for (uint32_t k = 0; k < w->nports; k++) {
		struct port *pt = &w->ports[k];
		const struct den *d = &w->dens[pt->den];
		/* Ports power on in lock-step, within seconds of each other. */
		schedule(e, e->start_us + (uint64_t)d->start * US + ms(e, 0, 5000),
			 EV_ROTATE, pt, 0);
	}
}

int engine_run(struct world *w, struct pcapw *ims, struct pcapw *s11,
	       struct sim_stats *st)
{
	struct engine e;
	memset(&e, 0, sizeof e);
	e.w = w;
	e.p = w->p;
	e.ims = ims;
	e.s11 = s11;
	e.start_us = (uint64_t)w->p->start_epoch * US;
	e.end_us = e.start_us + (uint64_t)(w->p->hours * 3600 * US);
	rng_seed(&e.rng, w->p->seed ^ 0x5eed5eed5eedULL);
	setup_rhythm(&e);
	clock_gettime(CLOCK_MONOTONIC, &e.wall0);
	e.wall_last = e.wall0;
	seed_jobs(&e);
	uint64_t count = 0;
	while (e.h.n) {
		struct ev v = heap_pop(&e.h);
		switch ((enum ev_kind)v.kind) {
		case EV_REG:
			on_reg(&e, &v);
			break;
		case EV_REG_OK:
			on_reg_ok(&e, &v);
			break;
		case EV_ACT:
			on_act_any(&e, &v);
			break;
		case EV_MOVE:
			on_move(&e, &v);
			break;
		case EV_SESS_END:
			on_sess_end(&e, &v);
			break;
		case EV_GTP_RESP:
			on_gtp_resp(&e, &v);
			break;
		case EV_CALL:
			on_call(&e, &v);
			break;
		case EV_SMS:
			on_sms(&e, &v);
			break;
		case EV_PORT:
			on_port(&e, &v);
			break;
		case EV_ROTATE:
			on_rotate(&e, &v);
			break;
		case EV_M2M:
			on_m2m(&e, &v);
			break;
		case EV_CC_IN:
			on_cc_in(&e, &v);
			break;
		case EV_HUB_ARRIVE:
			on_hub_arrive(&e, &v);
			break;
		case EV_HUB_LEAVE:
			on_hub_leave(&e, &v);
			break;
		}
		if ((++count & 0xffff) == 0)
			progress(&e);
	}
	free(e.h.a);
	st->ims_packets = ims->packets;
	st->s11_packets = s11->packets;
	st->end_epoch = (int64_t)(e.end_us / US);
	st->cells_used = 0;
	for (uint32_t c = 0; c < w->ncells; c++)
		st->cells_used += w->cell_used[c];
	return 0;
}
