/* gtpv2.c: GTPv2-C dissector (TS 29.274) for S11/S5/S8 on UDP 2123.
 * Decodes the header (version 2, P/T flags, one piggybacked message), walks the IEs
 * through the table of gtpv2_ie.c (lengths checked, grouped IEs descended to a
 * bounded depth), and turns Create Session / Modify Bearer / Delete Session into
 * `session` and `location` events. Sessions are tracked by TEID and the address of
 * the node that owns it: a Create Session Request binds the sender's F-TEID to the
 * subscriber, its Response (same sequence number, header TEID = the requester's)
 * moves the binding to the responder's F-TEID, to which the later Modify Bearer and
 * Delete Session Requests are addressed; Delete Session Request ends it. */
#include "gtpv2.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../identity.h"
#include "../pipeline.h"
#include "denwatch/cursor.h"
#include "denwatch/str.h"

/* ---- decoding ---- */

static void tbcd(struct gtpv2_msg *m, struct slice v, char *out, size_t outlen)
{
	if (dw_tbcd_decode(v.p, v.len, out, outlen) < 0) {
		out[0] = '\0';
		m->bad_values++;
	}
}

static bool plmn(struct cursor *c, uint16_t *mcc, char mnc[4])
{
	uint8_t b[3];
	return cur_copy(c, b, 3) && dw_plmn_decode(b, mcc, mnc);
}

int gtpv2_uli_cell(const uint8_t *v, size_t len, char cell[DW_CELL_MAX])
{
	struct cursor c;
	cur_init(&c, v, len);
	uint8_t flags;
	cell[0] = '\0';
	if (!cur_u8(&c, &flags))
		return -1;
	uint16_t mcc;
	char mnc[4];
	uint16_t a, b;
	bool have_cgi = false, have_sai = false, have_tai = false, have_ecgi = false;
	uint16_t cgi_mcc = 0, sai_mcc = 0, ecgi_mcc = 0;
	char cgi_mnc[4] = "", sai_mnc[4] = "", ecgi_mnc[4] = "";
	uint16_t cgi_lac = 0, cgi_ci = 0, sai_lac = 0, sai_sac = 0, tac = 0;
	uint32_t eci = 0;
	bool ok = true;
	if (flags & 0x01) { /* CGI: PLMN, LAC, CI */
		ok = plmn(&c, &cgi_mcc, cgi_mnc) && cur_be16(&c, &cgi_lac) &&
		     cur_be16(&c, &cgi_ci);
		have_cgi = ok;
	}
	if (ok && (flags & 0x02)) { /* SAI: PLMN, LAC, SAC */
		ok = plmn(&c, &sai_mcc, sai_mnc) && cur_be16(&c, &sai_lac) &&
		     cur_be16(&c, &sai_sac);
		have_sai = ok;
	}
	if (ok && (flags & 0x04)) /* RAI: PLMN, LAC, RAC (2 octets) */
		ok = plmn(&c, &mcc, mnc) && cur_be16(&c, &a) && cur_be16(&c, &b);
	if (ok && (flags & 0x08)) { /* TAI: PLMN, TAC */
		ok = plmn(&c, &mcc, mnc) && cur_be16(&c, &tac);
		have_tai = ok;
	}
	if (ok && (flags & 0x10)) { /* ECGI: PLMN, 4 spare bits + 28-bit ECI */
		ok = plmn(&c, &ecgi_mcc, ecgi_mnc) && cur_be32(&c, &eci);
		eci &= 0x0fffffff;
		have_ecgi = ok;
	}
	if (ok && (flags & 0x20)) /* LAI: PLMN, LAC */
		ok = plmn(&c, &mcc, mnc) && cur_be16(&c, &a);
	if (ok && (flags & 0x40)) /* Macro eNodeB ID: PLMN, 20-bit id in 3 octets */
		ok = plmn(&c, &mcc, mnc) && cur_skip(&c, 3);
	if (ok && (flags & 0x80)) /* Extended Macro eNodeB ID */
		ok = plmn(&c, &mcc, mnc) && cur_skip(&c, 3);
	if (!ok)
		return -1;
	if (have_ecgi)
		dw_cell_format(cell, DW_CELL_MAX, ecgi_mcc, ecgi_mnc, have_tai ? tac : 0,
			       eci);
	else if (have_cgi)
		dw_cell_format(cell, DW_CELL_MAX, cgi_mcc, cgi_mnc, cgi_lac, cgi_ci);
	else if (have_sai)
		dw_cell_format(cell, DW_CELL_MAX, sai_mcc, sai_mnc, sai_lac, sai_sac);
	return 0;
}

/* A node's address (an F-TEID's, or a packet's destination) as a 32-bit key, 0
 * when absent: TEIDs are unique per node only. */
static uint32_t node_key(const uint8_t *addr, size_t len)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ addr[i]) * 16777619u;
	return len ? h | 1 : 0;
}

static bool fteid(struct gtpv2_msg *m, struct slice v, uint8_t inst)
{
	struct cursor c;
	uint8_t f;
	uint32_t teid;
	cur_init(&c, v.p, v.len);
	if (!cur_u8(&c, &f) || !cur_be32(&c, &teid))
		return false;
	size_t need = ((f & 0x80) ? 4 : 0) + ((f & 0x40) ? 16 : 0);
	if (cur_left(&c) < need)
		return false;
	/* the IPv4 address if any, else the IPv6 one */
	uint32_t node = node_key(c.p, (f & 0x80) ? 4 : (f & 0x40) ? 16 : 0);
	if (inst == 0) {
		m->has_sender_fteid = true;
		m->sender_teid = teid;
		m->sender_node = node;
		m->sender_if = f & 0x3f;
	} else if (inst == 1) {
		m->has_pgw_fteid = true;
		m->pgw_teid = teid;
		m->pgw_node = node;
	}
	return true;
}

/* The IE list in c at the given depth. Returns false when malformed. */
static bool walk_ies(struct gtpv2_msg *m, struct cursor *c, unsigned depth)
{
	while (cur_left(c) > 0) {
		uint8_t type, inst;
		uint16_t len;
		struct slice v;
		if (!cur_u8(c, &type) || !cur_be16(c, &len) || !cur_u8(c, &inst) ||
		    !cur_take(c, len, &v))
			return false;
		inst &= 0x0f;
		m->n_ies++;
		const struct gtpv2_ie_def *d = gtpv2_ie_def(type);
		if (d && len < d->min_len)
			return false;
		if (d && d->grouped) {
			if (depth + 1 >= GTPV2_MAX_DEPTH) {
				m->depth_skipped++;
				continue;
			}
			struct cursor sub;
			cur_init(&sub, v.p, v.len);
			if (!walk_ies(m, &sub, depth + 1))
				return false;
			continue;
		}
		if (depth == 0 && type == GTPV2_IE_ULI && inst != 0) {
			/* a ULI of another instance (seen in the wild on Modify Bearer)
			 * names the cell only when no instance-0 ULI does */
			char cell[DW_CELL_MAX];
			if (gtpv2_uli_cell(v.p, v.len, cell) < 0)
				return false;
			if (!m->uli_inst0) {
				memcpy(m->cell, cell, sizeof cell);
				m->has_uli = true;
			}
			continue;
		}
		if (depth == 0 && type == GTPV2_IE_FTEID) {
			if (!fteid(m, v, inst))
				return false;
			continue;
		}
		if (depth > 0 || inst != 0)
			continue;
		switch (type) {
		case GTPV2_IE_IMSI:
			tbcd(m, v, m->imsi, sizeof m->imsi);
			break;
		case GTPV2_IE_MSISDN:
			tbcd(m, v, m->msisdn, sizeof m->msisdn);
			break;
		case GTPV2_IE_MEI: {
			char d16[20];
			if (dw_tbcd_decode(v.p, v.len, d16, sizeof d16) < 0 ||
			    !dw_imei_normalize(d16, strlen(d16), m->imei)) {
				m->imei[0] = '\0';
				m->bad_values++;
			}
			break;
		}
		case GTPV2_IE_ULI:
			if (gtpv2_uli_cell(v.p, v.len, m->cell) < 0)
				return false;
			m->has_uli = true;
			m->uli_inst0 = true;
			break;
		case GTPV2_IE_CAUSE:
			m->has_cause = true;
			m->cause = v.p[0];
			break;
		case GTPV2_IE_RAT_TYPE:
			m->rat_type = v.p[0];
			break;
		default:
			break;
		}
	}
	return !c->err;
}

enum dw_parse_result gtpv2_decode(const uint8_t *p, size_t len, struct gtpv2_msg *m)
{
	struct cursor c;
	uint8_t flags;
	memset(m, 0, sizeof *m);
	cur_init(&c, p, len);
	if (!cur_u8(&c, &flags))
		return DW_PARSE_MALFORMED;
	m->version = flags >> 5;
	if (m->version != 2)
		return m->version == 1 ? DW_PARSE_UNSUPPORTED : DW_PARSE_MALFORMED;
	m->piggyback = (flags & 0x10) != 0;
	m->has_teid = (flags & 0x08) != 0;
	if (!cur_u8(&c, &m->type) || !cur_be16(&c, &m->length))
		return DW_PARSE_MALFORMED;
	m->total = 4 + (size_t)m->length;
	struct cursor body;
	if (!cur_sub(&c, m->length, &body))
		return DW_PARSE_MALFORMED; /* the length claims more than the datagram */
	uint32_t seq;
	uint8_t spare;
	if (m->has_teid && !cur_be32(&body, &m->teid))
		return DW_PARSE_MALFORMED;
	if (!cur_be24(&body, &seq) || !cur_u8(&body, &spare))
		return DW_PARSE_MALFORMED;
	m->seq = seq;
	switch (m->type) {
	case GTPV2_CREATE_SESSION_REQUEST:
	case GTPV2_CREATE_SESSION_RESPONSE:
	case GTPV2_MODIFY_BEARER_REQUEST:
	case GTPV2_MODIFY_BEARER_RESPONSE:
	case GTPV2_DELETE_SESSION_REQUEST:
	case GTPV2_DELETE_SESSION_RESPONSE:
		if (!m->has_teid)
			return DW_PARSE_MALFORMED; /* these messages always carry a TEID
						    */
		return walk_ies(m, &body, 0) ? DW_PARSE_OK : DW_PARSE_MALFORMED;
	default:
		return DW_PARSE_UNSUPPORTED;
	}
}

/* ---- sessions by TEID ---- */

#define NIL UINT32_MAX

/* 40 bytes, one per session: keyed by the requester's TEID from the Create Session
 * Request until its Response, then by the responder's TEID, which the later Modify
 * Bearer and Delete Session Requests are addressed to; removed on the Delete
 * Session Request. The subscriber is kept by IMSI (or MSISDN when the request had
 * no IMSI); the identity table completes the rest of the event. */
struct sess {
	uint64_t who; /* packed IMSI, or packed MSISDN when who_msisdn */
	uint32_t teid;
	uint32_t node;	     /* key of the address of the node that owns the TEID */
	uint32_t seq;	     /* of the Create Session Request still unanswered */
	uint32_t cell_hash;  /* last cell named by a ULI, 0 none */
	uint32_t prev, next; /* least-recently-seen list */
	uint8_t pending;     /* a Create Session Response is awaited */
	uint8_t who_msisdn;
};
_Static_assert(sizeof(struct sess) == 40, "a session entry stays at 40 bytes");

struct gtpv2_state {
	struct sess *s;
	uint32_t n, cap, max;
	uint32_t head, tail, free_list;
	uint32_t *slot; /* index by TEID: entry + 1 */
	uint32_t mask, used;
	uint64_t tracked, peak, evictions, piggybacked, unmatched, unattributed;
	uint64_t depth_skipped, bad_values, v1;
};

static uint32_t teid_hash(uint32_t t)
{
	uint64_t x = t * UINT64_C(0x9e3779b97f4a7c15);
	return (uint32_t)(x >> 32);
}

/* The entry of (teid, node). With exact false, a TEID known only under another
 * node is taken when no entry has this node (addresses rewritten between the
 * nodes and the probe); entries of one TEID share a probe run of the index. */
static uint32_t sess_find(const struct gtpv2_state *st, uint32_t teid, uint32_t node,
			  bool exact)
{
	if (!st->slot || !teid)
		return NIL;
	uint32_t other = NIL;
	for (uint32_t h = teid_hash(teid) & st->mask; st->slot[h];
	     h = (h + 1) & st->mask) {
		const struct sess *x = &st->s[st->slot[h] - 1];
		if (x->teid != teid)
			continue;
		if (x->node == node)
			return st->slot[h] - 1;
		if (other == NIL)
			other = st->slot[h] - 1;
	}
	return exact ? NIL : other;
}

static int slot_grow(struct gtpv2_state *st)
{
	uint32_t nsize = st->slot ? (st->mask + 1) * 2 : 256;
	uint32_t *ns = calloc(nsize, sizeof *ns);
	if (!ns)
		return -1;
	for (uint32_t i = 0; st->slot && i <= st->mask; i++) {
		if (!st->slot[i])
			continue;
		uint32_t h = teid_hash(st->s[st->slot[i] - 1].teid) & (nsize - 1);
		while (ns[h])
			h = (h + 1) & (nsize - 1);
		ns[h] = st->slot[i];
	}
	free(st->slot);
	st->slot = ns;
	st->mask = nsize - 1;
	return 0;
}

static void slot_del(struct gtpv2_state *st, uint32_t i)
{
	uint32_t h = teid_hash(st->s[i].teid) & st->mask;
	while (st->slot[h] && st->slot[h] != i + 1)
		h = (h + 1) & st->mask;
	if (!st->slot[h])
		return;
	st->slot[h] = 0;
	st->used--;
	for (uint32_t j = (h + 1) & st->mask; st->slot[j]; j = (j + 1) & st->mask) {
		uint32_t home = teid_hash(st->s[st->slot[j] - 1].teid) & st->mask;
		if (((j - home) & st->mask) >= ((j - h) & st->mask)) {
			st->slot[h] = st->slot[j];
			st->slot[j] = 0;
			h = j;
		}
	}
}

static void lru_unlink(struct gtpv2_state *st, uint32_t i)
{
	struct sess *x = &st->s[i];
	if (x->prev != NIL)
		st->s[x->prev].next = x->next;
	else
		st->head = x->next;
	if (x->next != NIL)
		st->s[x->next].prev = x->prev;
	else
		st->tail = x->prev;
}

static void lru_front(struct gtpv2_state *st, uint32_t i)
{
	struct sess *x = &st->s[i];
	x->prev = NIL;
	x->next = st->head;
	if (st->head != NIL)
		st->s[st->head].prev = i;
	st->head = i;
	if (st->tail == NIL)
		st->tail = i;
}

static void touch(struct gtpv2_state *st, uint32_t i)
{
	if (st->head != i) {
		lru_unlink(st, i);
		lru_front(st, i);
	}
}

static void sess_remove(struct gtpv2_state *st, uint32_t i)
{
	slot_del(st, i);
	lru_unlink(st, i);
	st->s[i].teid = 0;
	st->s[i].next = st->free_list;
	st->free_list = i;
	st->tracked--;
}

/* The entry of (teid, node), created (evicting the least recently seen when full). */
static uint32_t sess_get(struct gtpv2_state *st, uint32_t teid, uint32_t node)
{
	uint32_t i = sess_find(st, teid, node, true);
	if (i != NIL) {
		touch(st, i);
		return i;
	}
	if (!teid)
		return NIL;
	if (st->free_list == NIL && st->n >= st->max) {
		sess_remove(st, st->tail);
		st->evictions++;
	}
	if (st->free_list != NIL) {
		i = st->free_list;
		st->free_list = st->s[i].next;
	} else {
		if (st->n == st->cap) {
			uint32_t ncap = st->cap ? st->cap * 2 : 256;
			if (ncap > st->max)
				ncap = st->max;
			void *ns = realloc(st->s, (size_t)ncap * sizeof *st->s);
			if (!ns)
				return NIL;
			st->s = ns;
			st->cap = ncap;
		}
		i = st->n++;
	}
	if ((!st->slot || (st->used + 1) * 2 > st->mask + 1) && slot_grow(st) < 0) {
		st->s[i].next = st->free_list;
		st->free_list = i;
		return NIL;
	}
	memset(&st->s[i], 0, sizeof st->s[i]);
	st->s[i].teid = teid;
	st->s[i].node = node;
	uint32_t h = teid_hash(teid) & st->mask;
	while (st->slot[h])
		h = (h + 1) & st->mask;
	st->slot[h] = i + 1;
	st->used++;
	lru_front(st, i);
	if (++st->tracked > st->peak)
		st->peak = st->tracked;
	return i;
}

static void state_free(void *p)
{
	struct gtpv2_state *st = p;
	free(st->s);
	free(st->slot);
	free(st);
}

static void state_print(const void *p, FILE *f)
{
	const struct gtpv2_state *st = p;
	fprintf(f, "gtpv2.sessions %llu\n", (unsigned long long)st->tracked);
	fprintf(f, "gtpv2.sessions_peak %llu\n", (unsigned long long)st->peak);
	fprintf(f, "gtpv2.sessions_capacity %u\n", st->max);
	fprintf(f, "gtpv2.session_evictions %llu\n", (unsigned long long)st->evictions);
	fprintf(f, "gtpv2.piggybacked %llu\n", (unsigned long long)st->piggybacked);
	fprintf(f, "gtpv2.unmatched_responses %llu\n", (unsigned long long)st->unmatched);
	fprintf(f, "gtpv2.unattributed %llu\n", (unsigned long long)st->unattributed);
	fprintf(f, "gtpv2.depth_skipped %llu\n", (unsigned long long)st->depth_skipped);
	fprintf(f, "gtpv2.bad_ids %llu\n", (unsigned long long)st->bad_values);
	fprintf(f, "gtpv2.gtpv1 %llu\n", (unsigned long long)st->v1);
}

static const struct dw_proto_state_ops state_ops = {
    .print_stats = state_print,
    .free = state_free,
};

static struct gtpv2_state *get_state(struct dw_pipeline *pl)
{
	struct gtpv2_state *st = dw_pipeline_state(pl, DW_PROTO_GTPV2);
	if (st)
		return st;
	st = calloc(1, sizeof *st);
	if (!st)
		return NULL;
	const struct dw_config *cfg = dw_pipeline_config(pl);
	st->max = (uint32_t)dw_config_int(cfg, DWK_sensor_max_sessions);
	st->head = st->tail = st->free_list = NIL;
	dw_pipeline_set_state(pl, DW_PROTO_GTPV2, st, &state_ops);
	return st;
}

/* ---- events ---- */

static uint32_t cell_hash(const char *cell)
{
	uint32_t h = 2166136261u;
	for (; *cell; cell++)
		h = (h ^ (uint8_t)*cell) * 16777619u;
	return h | 1;
}

static void unpack_into(uint64_t v, char *out, size_t outlen)
{
	if (!out[0] && v)
		dw_digits_unpack(v, out, outlen);
}

static void emit(struct dw_pipeline *pl, const struct dw_packet *pkt,
		 const struct gtpv2_msg *m, const struct sess *x, enum dw_event_kind kind,
		 enum dw_session_op op)
{
	struct dw_event ev;
	memset(&ev, 0, sizeof ev);
	ev.ts_us = pkt->ts_us;
	ev.frame = pkt->frame;
	ev.proto = DW_PROTO_GTPV2;
	ev.kind = kind;
	ev.session_op = op;
	dw_str_copy(ev.imsi, sizeof ev.imsi, m->imsi);
	dw_str_copy(ev.msisdn, sizeof ev.msisdn, m->msisdn);
	dw_str_copy(ev.imei, sizeof ev.imei, m->imei);
	dw_str_copy(ev.cell, sizeof ev.cell, m->cell);
	if (x && x->who_msisdn)
		unpack_into(x->who, ev.msisdn, sizeof ev.msisdn);
	else if (x)
		unpack_into(x->who, ev.imsi, sizeof ev.imsi);
	dw_pipeline_emit(pl, &ev);
}

static void remember(struct sess *x, const struct gtpv2_msg *m)
{
	uint64_t v;
	x->who = 0;
	x->who_msisdn = 0;
	if (m->imsi[0] && (v = dw_digits_pack(m->imsi))) {
		x->who = v;
	} else if (m->msisdn[0] && (v = dw_digits_pack(m->msisdn))) {
		x->who = v;
		x->who_msisdn = 1;
	}
	if (m->cell[0])
		x->cell_hash = cell_hash(m->cell);
}

/* Moves the session of request entry r to the responder's TEID. */
static void bind_responder(struct gtpv2_state *st, uint32_t r, uint32_t teid,
			   uint32_t node)
{
	struct sess req = st->s[r];
	sess_remove(st, r);
	if (!teid)
		return;
	uint32_t s = sess_get(st, teid, node);
	if (s == NIL)
		return;
	st->s[s].who = req.who;
	st->s[s].who_msisdn = req.who_msisdn;
	st->s[s].cell_hash = req.cell_hash;
}

static uint32_t dst_node(const struct dw_packet *pkt)
{
	return node_key(pkt->dst, pkt->ip_version == 4	 ? 4
				  : pkt->ip_version == 6 ? 16
							 : 0);
}

static void on_message(struct dw_pipeline *pl, struct gtpv2_state *st,
		       const struct dw_packet *pkt, const struct gtpv2_msg *m)
{
	uint32_t i;
	struct sess *x = NULL;
	st->depth_skipped += m->depth_skipped;
	st->bad_values += m->bad_values;
	switch (m->type) {
	case GTPV2_CREATE_SESSION_REQUEST:
		if (m->has_sender_fteid &&
		    (i = sess_get(st, m->sender_teid, m->sender_node)) != NIL) {
			x = &st->s[i];
			remember(x, m);
			x->seq = m->seq;
			x->pending = 1;
		}
		emit(pl, pkt, m, x, DW_EV_SESSION, DW_SESSION_CREATE);
		break;
	case GTPV2_CREATE_SESSION_RESPONSE: {
		uint32_t r = sess_find(st, m->teid, dst_node(pkt), false);
		if (r == NIL || !st->s[r].pending || st->s[r].seq != m->seq) {
			st->unmatched++;
			break;
		}
		bool accepted = !m->has_cause || (m->cause >= 16 && m->cause <= 63);
		/* the responder's TEID (instance 0); test vectors without one have the
		 * PGW's S5/S8 control TEID (instance 1) that later requests go to */
		if (!accepted)
			sess_remove(st, r);
		else if (m->has_sender_fteid)
			bind_responder(st, r, m->sender_teid, m->sender_node);
		else
			bind_responder(st, r, m->has_pgw_fteid ? m->pgw_teid : 0,
				       m->pgw_node);
		break;
	}
	case GTPV2_MODIFY_BEARER_REQUEST:
	case GTPV2_DELETE_SESSION_REQUEST: {
		i = sess_find(st, m->teid, dst_node(pkt), false);
		if (i != NIL) {
			touch(st, i);
			x = &st->s[i];
		} else if (!m->imsi[0]) {
			st->unattributed++;
		}
		bool modify = m->type == GTPV2_MODIFY_BEARER_REQUEST;
		emit(pl, pkt, m, x, DW_EV_SESSION,
		     modify ? DW_SESSION_MODIFY : DW_SESSION_DELETE);
		if (x && m->cell[0] && x->cell_hash != cell_hash(m->cell)) {
			emit(pl, pkt, m, x, DW_EV_LOCATION, DW_SESSION_NONE);
			x->cell_hash = cell_hash(m->cell);
		}
		if (x && !modify)
			sess_remove(st,
				    i); /* a retransmitted request goes unattributed */
		break;
	}
	default:
		break;
	}
}

static enum dw_parse_result gtpv2_parse(struct dw_pipeline *pl,
					const struct dw_packet *pkt, const uint8_t *p,
					size_t len)
{
	struct gtpv2_state *st = get_state(pl);
	if (!st)
		return DW_PARSE_MALFORMED;
	enum dw_parse_result res = DW_PARSE_UNSUPPORTED;
	size_t off = 0;
	for (int k = 0; k <= GTPV2_MAX_PIGGYBACK; k++) {
		struct gtpv2_msg m;
		enum dw_parse_result r = gtpv2_decode(p + off, len - off, &m);
		if (r == DW_PARSE_MALFORMED)
			return DW_PARSE_MALFORMED;
		if (k > 0 && m.version != 2)
			return DW_PARSE_MALFORMED; /* a piggybacked message is GTPv2 */
		if (k > 0)
			st->piggybacked++;
		if (r == DW_PARSE_UNSUPPORTED && m.version == 1) {
			st->v1++;
			return DW_PARSE_UNSUPPORTED;
		}
		if (r == DW_PARSE_OK) {
			on_message(pl, st, pkt, &m);
			res = DW_PARSE_OK;
		}
		if (!m.piggyback)
			return res;
		off += m.total;
		if (k == GTPV2_MAX_PIGGYBACK || off >= len)
			return DW_PARSE_MALFORMED; /* the P flag promises a message that
						      is not there */
	}
	return res;
}

const struct dw_dissector dw_dissector_gtpv2 = {
    .name = "gtpv2",
    .proto = DW_PROTO_GTPV2,
    .udp_ports = {2123},
    .parse = gtpv2_parse,
};
