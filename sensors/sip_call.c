/* sip_call.c: the call table behind sip_call.h. Entries are found by Call-ID in a
 * chained hash table that grows by doubling, and kept on one of two lists in
 * order of last activity: "open" dialogs (expire after call_timeout_s) and
 * "done" ones (all legs final, remembered SIP_CALL_LINGER_S for retransmissions).
 * Each entry holds up to two legs, the originating (MO) and terminating (MT) one,
 * because a probe may see both legs of one call under a single Call-ID. */
#include "denwatch/str.h"
#include "sip_call.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum leg_state { LEG_NONE, LEG_TRYING, LEG_ANSWERED, LEG_ENDED, LEG_FAILED };

struct party {
	char imsi[DW_IMSI_MAX + 1];
	char msisdn[DW_NUMBER_MAX + 1];
	char imei[DW_IMEI_LEN + 1];
	char peer[DW_NUMBER_MAX + 1];
	char cell[DW_CELL_MAX];
};

struct leg {
	enum leg_state state;
	uint32_t cseq;
	int64_t ts_answer;
	struct party who;
};

struct call {
	struct call *hnext;        /* hash chain */
	struct call *prev, *next;  /* activity list */
	bool done;                 /* on the done list */
	uint32_t hash;
	int64_t last_us;
	struct leg leg[2];         /* [0] MO, [1] MT */
	bool reg_pending;          /* REGISTER seen, its 200 not yet */
	uint32_t reg_cseq;
	bool reg_emitted;
	uint32_t reg_emitted_cseq;
	struct party reg;
	uint32_t sms_cseq[2];      /* last SMS CSeq emitted per direction, +1 (0: none) */
	char id[DW_CALL_ID_MAX];
};

struct list {
	struct call *head, *tail;
};

struct sip_call_table {
	size_t max, n;
	int64_t timeout_us;
	sip_call_emit_fn emit;
	void *arg;
	struct call **buckets;
	size_t nbuckets; /* power of two */
	struct list open, done;
	uint64_t evicted, expired;
	uint64_t frame; /* of the message being handled; 0 while expiring */
};

static uint32_t hash_id(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}


static void set_if(char *dst, size_t dstlen, const char *src)
{
	if (src && src[0])
		dw_str_copy(dst, dstlen, src);
}

static void list_remove(struct list *l, struct call *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		l->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		l->tail = c->prev;
	c->prev = c->next = NULL;
}

static void list_append(struct list *l, struct call *c)
{
	c->prev = l->tail;
	c->next = NULL;
	if (l->tail)
		l->tail->next = c;
	else
		l->head = c;
	l->tail = c;
}

struct sip_call_table *sip_calls_new(size_t max_calls, uint32_t timeout_s,
				     sip_call_emit_fn emit, void *arg)
{
	struct sip_call_table *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->max = max_calls ? max_calls : 1;
	t->timeout_us = (int64_t)timeout_s * 1000000;
	t->emit = emit;
	t->arg = arg;
	t->nbuckets = 256;
	t->buckets = calloc(t->nbuckets, sizeof *t->buckets);
	if (!t->buckets) {
		free(t);
		return NULL;
	}
	return t;
}

void sip_calls_free(struct sip_call_table *t)
{
	if (!t)
		return;
	struct list *lists[2] = { &t->open, &t->done };
	for (int i = 0; i < 2; i++) {
		struct call *c = lists[i]->head;
		while (c) {
			struct call *next = c->next;
			free(c);
			c = next;
		}
	}
	free(t->buckets);
	free(t);
}

static struct call *find(struct sip_call_table *t, const char *id, uint32_t h)
{
	for (struct call *c = t->buckets[h & (t->nbuckets - 1)]; c; c = c->hnext)
		if (c->hash == h && strcmp(c->id, id) == 0)
			return c;
	return NULL;
}

static void grow(struct sip_call_table *t)
{
	size_t nb = t->nbuckets * 2;
	struct call **b = calloc(nb, sizeof *b);
	if (!b)
		return; /* keep the longer chains */
	for (size_t i = 0; i < t->nbuckets; i++) {
		struct call *c = t->buckets[i];
		while (c) {
			struct call *next = c->hnext;
			c->hnext = b[c->hash & (nb - 1)];
			b[c->hash & (nb - 1)] = c;
			c = next;
		}
	}
	free(t->buckets);
	t->buckets = b;
	t->nbuckets = nb;
}

/* ---- events ---- */

static void emit_full(struct sip_call_table *t, const struct call *c, enum dw_event_kind kind,
		      enum dw_direction dir, const struct party *who, int64_t ts_us,
		      uint32_t duration_s, uint16_t status)
{
	struct dw_event ev;
	memset(&ev, 0, sizeof ev);
	ev.ts_us = ts_us;
	ev.frame = t->frame;
	ev.proto = DW_PROTO_SIP;
	ev.kind = kind;
	ev.dir = dir;
	dw_str_copy(ev.imsi, sizeof ev.imsi, who->imsi);
	dw_str_copy(ev.msisdn, sizeof ev.msisdn, who->msisdn);
	dw_str_copy(ev.imei, sizeof ev.imei, who->imei);
	dw_str_copy(ev.peer, sizeof ev.peer, who->peer);
	dw_str_copy(ev.cell, sizeof ev.cell, who->cell);
	dw_str_copy(ev.call_id, sizeof ev.call_id, c->id);
	ev.duration_s = duration_s;
	ev.status = status;
	t->emit(t->arg, &ev);
}

static void emit(struct sip_call_table *t, const struct call *c, enum dw_event_kind kind,
		 enum dw_direction dir, const struct party *who, int64_t ts_us)
{
	emit_full(t, c, kind, dir, who, ts_us, 0, 0);
}

static uint32_t seconds(int64_t from_us, int64_t to_us)
{
	if (to_us <= from_us)
		return 0;
	int64_t s = (to_us - from_us + 500000) / 1000000;
	return s > UINT32_MAX ? UINT32_MAX : (uint32_t)s;
}

static void leg_end(struct sip_call_table *t, struct call *c, int i, int64_t ts_us)
{
	struct leg *l = &c->leg[i];
	l->state = LEG_ENDED;
	emit_full(t, c, DW_EV_CALL_END, i == 0 ? DW_DIR_MO : DW_DIR_MT, &l->who, ts_us,
		  l->ts_answer ? seconds(l->ts_answer, ts_us) : 0, 0);
}

static void leg_fail(struct sip_call_table *t, struct call *c, int i, uint16_t status, int64_t ts_us)
{
	struct leg *l = &c->leg[i];
	l->state = LEG_FAILED;
	emit_full(t, c, DW_EV_CALL_FAIL, i == 0 ? DW_DIR_MO : DW_DIR_MT, &l->who, ts_us, 0, status);
}

/* ---- entry life ---- */

static bool is_done(const struct call *c)
{
	for (int i = 0; i < 2; i++)
		if (c->leg[i].state == LEG_TRYING || c->leg[i].state == LEG_ANSWERED)
			return false;
	return !c->reg_pending;
}

/* Closing without a final message: an answered call ends at its last message. */
static void close_entry(struct sip_call_table *t, struct call *c)
{
	for (int i = 0; i < 2; i++)
		if (c->leg[i].state == LEG_ANSWERED)
			leg_end(t, c, i, c->last_us);
}

static void drop(struct sip_call_table *t, struct call *c)
{
	struct call **pp = &t->buckets[c->hash & (t->nbuckets - 1)];
	while (*pp && *pp != c)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = c->hnext;
	list_remove(c->done ? &t->done : &t->open, c);
	t->n--;
	free(c);
}

static void evict_one(struct sip_call_table *t)
{
	/* Finished dialogs go first, then the least recently active open one. */
	struct call *c = t->done.head ? t->done.head : t->open.head;
	if (!c)
		return;
	close_entry(t, c);
	drop(t, c);
	t->evicted++;
}

static struct call *lookup_or_add(struct sip_call_table *t, const char *id, bool create)
{
	uint32_t h = hash_id(id);
	struct call *c = find(t, id, h);
	if (c || !create)
		return c;
	while (t->n >= t->max)
		evict_one(t);
	c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	dw_str_copy(c->id, sizeof c->id, id);
	c->hash = h;
	if (t->n >= t->nbuckets)
		grow(t);
	c->hnext = t->buckets[h & (t->nbuckets - 1)];
	t->buckets[h & (t->nbuckets - 1)] = c;
	list_append(&t->open, c);
	t->n++;
	return c;
}

/* Moves an entry to the end of its list after activity, and between lists when
 * it becomes finished (or open again). */
static void touch(struct sip_call_table *t, struct call *c, int64_t ts_us)
{
	if (ts_us > c->last_us)
		c->last_us = ts_us;
	list_remove(c->done ? &t->done : &t->open, c);
	c->done = is_done(c);
	list_append(c->done ? &t->done : &t->open, c);
}

/* ---- inputs ---- */

static void party_from(struct party *p, const struct sip_call_msg *m)
{
	memset(p, 0, sizeof *p);
	dw_str_copy(p->imsi, sizeof p->imsi, m->imsi);
	dw_str_copy(p->msisdn, sizeof p->msisdn, m->msisdn);
	dw_str_copy(p->imei, sizeof p->imei, m->imei);
	dw_str_copy(p->peer, sizeof p->peer, m->peer);
	dw_str_copy(p->cell, sizeof p->cell, m->cell);
}

static void on_invite(struct sip_call_table *t, struct call *c, const struct sip_call_msg *m)
{
	int i = m->dir == DW_DIR_MT ? 1 : 0;
	struct leg *l = &c->leg[i];
	switch (l->state) {
	case LEG_TRYING:
		/* A retransmission, another hop of the same leg, or the retry after an
		 * authentication challenge: one attempt. */
		if (m->cseq > l->cseq)
			l->cseq = m->cseq;
		return;
	case LEG_ANSWERED:
		return; /* re-INVITE */
	case LEG_ENDED:
	case LEG_FAILED:
		if (m->cseq <= l->cseq)
			return; /* late retransmission */
		break;
	case LEG_NONE:
		break;
	}
	l->state = LEG_TRYING;
	l->cseq = m->cseq;
	l->ts_answer = 0;
	party_from(&l->who, m);
	emit(t, c, DW_EV_CALL_ATTEMPT, i == 0 ? DW_DIR_MO : DW_DIR_MT, &l->who, m->ts_us);
}

static void on_provisional(struct sip_call_table *t, struct call *c, const struct sip_call_msg *m)
{
	struct leg *l = &c->leg[1];
	if (l->state != LEG_TRYING || !m->cell || !m->cell[0] || strcmp(l->who.cell, m->cell) == 0)
		return;
	/* The callee's cell, known before any answer. */
	dw_str_copy(l->who.cell, sizeof l->who.cell, m->cell);
	emit(t, c, DW_EV_LOCATION, DW_DIR_MT, &l->who, m->ts_us);
}

static void on_answer(struct sip_call_table *t, struct call *c, const struct sip_call_msg *m)
{
	for (int i = 0; i < 2; i++) {
		struct leg *l = &c->leg[i];
		if (l->state != LEG_TRYING)
			continue;
		l->state = LEG_ANSWERED;
		l->ts_answer = m->ts_us;
		if (i == 1)
			set_if(l->who.cell, sizeof l->who.cell, m->cell);
		emit(t, c, DW_EV_CALL_ANSWER, i == 0 ? DW_DIR_MO : DW_DIR_MT, &l->who, m->ts_us);
	}
}

static void on_reject(struct sip_call_table *t, struct call *c, uint16_t status, const struct sip_call_msg *m)
{
	for (int i = 0; i < 2; i++) {
		if (c->leg[i].state != LEG_TRYING)
			continue;
		if (i == 1)
			set_if(c->leg[i].who.cell, sizeof c->leg[i].who.cell, m->cell);
		leg_fail(t, c, i, status, m->ts_us);
	}
}

static void on_bye(struct sip_call_table *t, struct call *c, const struct sip_call_msg *m)
{
	for (int i = 0; i < 2; i++)
		if (c->leg[i].state == LEG_ANSWERED || c->leg[i].state == LEG_TRYING)
			leg_end(t, c, i, m->ts_us);
}

static void on_register(struct call *c, const struct sip_call_msg *m)
{
	c->reg_pending = true;
	c->reg_cseq = m->cseq;
	/* Keep what earlier REGISTERs of this Call-ID said when this one is silent
	 * (the second REGISTER after a 401 usually repeats everything anyway). */
	set_if(c->reg.imsi, sizeof c->reg.imsi, m->imsi);
	set_if(c->reg.imei, sizeof c->reg.imei, m->imei);
	set_if(c->reg.cell, sizeof c->reg.cell, m->cell);
	set_if(c->reg.msisdn, sizeof c->reg.msisdn, m->msisdn);
}

static void on_registered(struct sip_call_table *t, struct call *c, const struct sip_call_msg *m)
{
	if (c->reg_emitted && c->reg_emitted_cseq >= m->cseq)
		return; /* a retransmitted 200, or the same 200 on another hop */
	set_if(c->reg.msisdn, sizeof c->reg.msisdn, m->msisdn);
	set_if(c->reg.imsi, sizeof c->reg.imsi, m->imsi);
	c->reg_pending = false;
	c->reg_emitted = true;
	c->reg_emitted_cseq = m->cseq;
	emit(t, c, DW_EV_REGISTER, DW_DIR_NONE, &c->reg, m->ts_us);
}

static void on_sms(struct sip_call_table *t, struct call *c, const struct sip_call_msg *m)
{
	int i = m->dir == DW_DIR_MT ? 1 : 0;
	if (c->sms_cseq[i] && c->sms_cseq[i] - 1 >= m->cseq)
		return; /* retransmission, or the same MESSAGE on another hop */
	c->sms_cseq[i] = m->cseq + 1;
	struct party who;
	party_from(&who, m);
	emit(t, c, i == 0 ? DW_EV_SMS_MO : DW_EV_SMS_MT, i == 0 ? DW_DIR_MO : DW_DIR_MT, &who,
	     m->ts_us);
}

void sip_calls_input(struct sip_call_table *t, const struct sip_call_msg *m)
{
	if (!m->call_id || !m->call_id[0])
		return;
	bool create = m->kind == SIP_CALL_INVITE || m->kind == SIP_CALL_REGISTER ||
		      m->kind == SIP_CALL_REGISTERED || m->kind == SIP_CALL_SMS;
	sip_calls_expire(t, m->ts_us);
	char id[DW_CALL_ID_MAX];
	dw_str_copy(id, sizeof id, m->call_id);
	struct call *c = lookup_or_add(t, id, create);
	if (!c)
		return;
	t->frame = m->frame;
	switch (m->kind) {
	case SIP_CALL_INVITE:
		on_invite(t, c, m);
		break;
	case SIP_CALL_PROVISIONAL:
		on_provisional(t, c, m);
		break;
	case SIP_CALL_ANSWER:
		on_answer(t, c, m);
		break;
	case SIP_CALL_REJECT:
		on_reject(t, c, m->status, m);
		break;
	case SIP_CALL_CANCEL:
		on_reject(t, c, 487, m);
		break;
	case SIP_CALL_BYE:
		on_bye(t, c, m);
		break;
	case SIP_CALL_TOUCH:
		break;
	case SIP_CALL_REGISTER:
		on_register(c, m);
		break;
	case SIP_CALL_REGISTERED:
		on_registered(t, c, m);
		break;
	case SIP_CALL_SMS:
		on_sms(t, c, m);
		break;
	}
	touch(t, c, m->ts_us);
	t->frame = 0;
}

static void expire_list(struct sip_call_table *t, struct list *l, int64_t idle_us, int64_t now_us)
{
	while (l->head && l->head->last_us + idle_us < now_us) {
		struct call *c = l->head;
		close_entry(t, c);
		drop(t, c);
		t->expired++;
	}
}

void sip_calls_expire(struct sip_call_table *t, int64_t now_us)
{
	expire_list(t, &t->done, (int64_t)SIP_CALL_LINGER_S * 1000000, now_us);
	expire_list(t, &t->open, t->timeout_us, now_us);
}

void sip_calls_flush(struct sip_call_table *t)
{
	for (struct call *c = t->open.head; c; c = c->next)
		close_entry(t, c);
}

void sip_calls_stats(const struct sip_call_table *t, struct sip_call_stats *s)
{
	s->active = t->n;
	s->evicted = t->evicted;
	s->expired = t->expired;
}
