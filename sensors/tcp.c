/* tcp.c: TCP stream reassembly per direction. A direction holds its next expected
 * sequence number, the in-order bytes not yet framed into a message, and a sorted
 * list of segments that arrived ahead of a hole. Payload bytes are copied only
 * when a message spans segments; whole messages in one segment are framed in
 * place. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "denwatch/cursor.h"
#include "tcp.h"

struct seg {
	struct seg *next;
	uint32_t seq;
	uint32_t len;
	uint8_t data[];
};

struct dir_key {
	uint8_t version;
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
};

struct stream {
	struct stream *hnext;
	struct stream *prev, *next; /* activity list, most recent first */
	struct dir_key key;
	int64_t last_ts;
	uint32_t next_seq;
	bool seq_known;
	bool ignored;
	const void *owner;
	uint8_t *buf; /* in-order bytes waiting for the rest of a message */
	size_t len, cap;
	struct seg *ooo; /* ahead of a hole, sorted by sequence number */
	size_t ooo_bytes;
};

struct dw_tcp {
	struct dw_tcp_opts o;
	struct stream **buckets;
	size_t nbuckets;
	size_t count;
	struct stream *mru, *lru;
	struct dw_netstats *st;
	dw_framer_fn framer;
	dw_stream_fn deliver;
	void *arg;
};

static int32_t seq_diff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

struct dw_tcp *dw_tcp_new(const struct dw_tcp_opts *o, struct dw_netstats *st,
			  dw_framer_fn framer, dw_stream_fn deliver, void *arg)
{
	struct dw_tcp *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->o = *o;
	if (t->o.max_streams == 0)
		t->o.max_streams = 1;
	t->nbuckets = 16;
	while (t->nbuckets < t->o.max_streams && t->nbuckets < (1u << 22))
		t->nbuckets <<= 1;
	t->buckets = calloc(t->nbuckets, sizeof *t->buckets);
	if (!t->buckets) {
		free(t);
		return NULL;
	}
	t->st = st;
	t->framer = framer;
	t->deliver = deliver;
	t->arg = arg;
	return t;
}

static void key_of(const struct dw_packet *pkt, struct dir_key *k)
{
	memset(k, 0, sizeof *k);
	k->version = pkt->ip_version;
	memcpy(k->src, pkt->src, 16);
	memcpy(k->dst, pkt->dst, 16);
	k->sport = pkt->sport;
	k->dport = pkt->dport;
}

static size_t key_hash(const struct dir_key *k)
{
	uint64_t h = 1469598103934665603ull;
	for (int j = 0; j < 16; j++)
		h = (h ^ k->src[j]) * 1099511628211ull;
	for (int j = 0; j < 16; j++)
		h = (h ^ k->dst[j]) * 1099511628211ull;
	h = (h ^ ((uint64_t)k->sport << 16 | k->dport)) * 1099511628211ull;
	return (size_t)(h ^ (h >> 31));
}

static bool key_eq(const struct dir_key *a, const struct dir_key *b)
{
	return a->sport == b->sport && a->dport == b->dport && a->version == b->version &&
	       memcmp(a->src, b->src, 16) == 0 && memcmp(a->dst, b->dst, 16) == 0;
}

static struct stream **slot_of(struct dw_tcp *t, const struct dir_key *k)
{
	struct stream **pp = &t->buckets[key_hash(k) & (t->nbuckets - 1)];
	while (*pp && !key_eq(&(*pp)->key, k))
		pp = &(*pp)->hnext;
	return pp;
}

static void list_unlink(struct dw_tcp *t, struct stream *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		t->mru = s->next;
	if (s->next)
		s->next->prev = s->prev;
	else
		t->lru = s->prev;
	s->prev = s->next = NULL;
}

static void list_push(struct dw_tcp *t, struct stream *s)
{
	s->next = t->mru;
	if (t->mru)
		t->mru->prev = s;
	else
		t->lru = s;
	t->mru = s;
}

static void clear_ooo(struct dw_tcp *t, struct stream *s, bool count)
{
	while (s->ooo) {
		struct seg *g = s->ooo;
		s->ooo = g->next;
		if (count)
			t->st->tcp_dropped_bytes += g->len;
		free(g);
	}
	s->ooo_bytes = 0;
}

static void destroy(struct dw_tcp *t, struct stream *s)
{
	struct stream **pp = slot_of(t, &s->key);
	if (*pp == s)
		*pp = s->hnext;
	list_unlink(t, s);
	t->st->tcp_dropped_bytes += s->len;
	clear_ooo(t, s, true);
	free(s->buf);
	free(s);
	t->count--;
}

void dw_tcp_expire(struct dw_tcp *t, int64_t ts_us)
{
	while (t->lru && ts_us - t->lru->last_ts > t->o.timeout_us) {
		t->st->tcp_timeouts++;
		destroy(t, t->lru);
	}
}

size_t dw_tcp_count(const struct dw_tcp *t)
{
	return t->count;
}

static struct stream *lookup(struct dw_tcp *t, const struct dir_key *k, bool create)
{
	struct stream **pp = slot_of(t, k);
	if (*pp || !create)
		return *pp;
	if (t->count >= t->o.max_streams) {
		t->st->tcp_evictions++;
		destroy(t, t->lru);
		pp = slot_of(t, k);
	}
	struct stream *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->key = *k;
	*pp = s;
	list_push(t, s);
	t->count++;
	t->st->tcp_streams++;
	return s;
}

/* Frames messages out of p[0..n); returns the bytes consumed. */
static size_t frame_run(struct dw_tcp *t, struct stream *s, const struct dw_packet *pkt,
			const uint8_t *p, size_t n)
{
	size_t off = 0;
	while (off < n && !s->ignored) {
		long r = t->framer ? t->framer(t->arg, &s->owner, pkt, p + off, n - off)
				   : (long)(n - off);
		if (r > 0 && (size_t)r <= n - off) {
			t->st->tcp_messages++;
			t->deliver(t->arg, s->owner, pkt, p + off, (size_t)r);
			off += (size_t)r;
		} else if (r == DW_FRAME_NEED || r > 0) {
			break;
		} else if (r == DW_FRAME_IGNORE) {
			s->ignored = true;
		} else {
			t->st->tcp_resyncs++;
			const uint8_t *nl = memchr(p + off, '\n', n - off);
			size_t skip = nl ? (size_t)(nl - (p + off)) + 1 : n - off;
			t->st->tcp_dropped_bytes += skip;
			off += skip;
		}
	}
	if (s->ignored) {
		t->st->tcp_dropped_bytes += n - off;
		off = n;
	}
	return off;
}

static bool buf_reserve(struct stream *s, size_t need)
{
	if (need <= s->cap)
		return true;
	size_t cap = s->cap ? s->cap : 4096;
	while (cap < need)
		cap *= 2;
	uint8_t *b = realloc(s->buf, cap);
	if (!b)
		return false;
	s->buf = b;
	s->cap = cap;
	return true;
}

/* In-order bytes: frame them, keeping what is left of an incomplete message. */
static void push_in_order(struct dw_tcp *t, struct stream *s, const struct dw_packet *pkt,
			  const uint8_t *p, size_t n)
{
	s->next_seq += (uint32_t)n;
	if (s->ignored) {
		t->st->tcp_dropped_bytes += n;
		return;
	}
	struct cursor c;
	cur_init(&c, p, n);
	if (s->len == 0) {
		size_t used = frame_run(t, s, pkt, p, n);
		cur_skip(&c, used);
	}
	size_t rest = cur_left(&c);
	if (rest == 0)
		return;
	if (s->len + rest + s->ooo_bytes > t->o.max_bytes || !buf_reserve(s, s->len + rest)) {
		t->st->tcp_overflows++;
		t->st->tcp_dropped_bytes += s->len + rest;
		s->len = 0;
		return;
	}
	cur_copy(&c, s->buf + s->len, rest);
	bool was_empty = s->len == 0;
	s->len += rest;
	if (was_empty)
		return; /* these bytes were framed above already */
	size_t used = frame_run(t, s, pkt, s->buf, s->len);
	memmove(s->buf, s->buf + used, s->len - used);
	s->len -= used;
}

/* Hands on waiting segments that the in-order edge has reached. */
static void drain_ooo(struct dw_tcp *t, struct stream *s, const struct dw_packet *pkt)
{
	while (s->ooo && seq_diff(s->ooo->seq, s->next_seq) <= 0) {
		struct seg *g = s->ooo;
		s->ooo = g->next;
		s->ooo_bytes -= g->len;
		int32_t d = seq_diff(s->next_seq, g->seq); /* bytes already delivered */
		if ((int64_t)d < (int64_t)g->len)
			push_in_order(t, s, pkt, g->data + d, g->len - (uint32_t)d);
		free(g);
	}
}

static void hold_ooo(struct dw_tcp *t, struct stream *s, const struct dw_packet *pkt,
		     uint32_t seq, const uint8_t *p, size_t n)
{
	struct seg **pp = &s->ooo;
	while (*pp && seq_diff((*pp)->seq, seq) < 0)
		pp = &(*pp)->next;
	if (*pp && (*pp)->seq == seq && (*pp)->len >= n) {
		t->st->tcp_retransmissions++;
		return;
	}
	t->st->tcp_out_of_order++;
	struct seg *g = malloc(sizeof *g + n);
	if (!g)
		return;
	struct cursor c;
	cur_init(&c, p, n);
	cur_copy(&c, g->data, n);
	g->seq = seq;
	g->len = (uint32_t)n;
	g->next = *pp;
	*pp = g;
	s->ooo_bytes += n;
	if (s->len + s->ooo_bytes > t->o.max_bytes) {
		/* Give up on the hole: what was waiting for it is lost; carry on at
		 * the first segment after it. */
		t->st->tcp_gaps++;
		t->st->tcp_dropped_bytes += s->len;
		s->len = 0;
		s->owner = NULL;
		s->next_seq = s->ooo->seq;
		drain_ooo(t, s, pkt);
	}
}

void dw_tcp_segment(struct dw_tcp *t, const struct dw_packet *pkt, uint32_t seq,
		    uint8_t flags, const uint8_t *p, size_t len)
{
	dw_tcp_expire(t, pkt->ts_us);
	struct dir_key k;
	key_of(pkt, &k);
	if (flags & DW_TCP_RST) {
		struct stream *s = lookup(t, &k, false);
		if (s)
			destroy(t, s);
		return;
	}
	if (len == 0 && !(flags & DW_TCP_SYN)) {
		struct stream *s = lookup(t, &k, false);
		/* FIN with nothing outstanding: the direction is done. */
		if (s && (flags & DW_TCP_FIN) && s->seq_known && s->next_seq == seq &&
		    s->len == 0 && !s->ooo)
			destroy(t, s);
		return;
	}
	struct stream *s = lookup(t, &k, true);
	if (!s)
		return;
	s->last_ts = pkt->ts_us;
	list_unlink(t, s);
	list_push(t, s);
	if (flags & DW_TCP_SYN) {
		/* A new connection on these ports starts afresh. */
		t->st->tcp_dropped_bytes += s->len;
		s->len = 0;
		clear_ooo(t, s, true);
		s->owner = NULL;
		s->ignored = false;
		s->next_seq = seq + 1;
		s->seq_known = true;
		if (len == 0)
			return;
		seq++;
	}
	if (!s->seq_known) { /* picked up mid-stream */
		s->next_seq = seq;
		s->seq_known = true;
	}
	int32_t d = seq_diff(seq, s->next_seq);
	if (len > 0x7fffffff)
		return;
	if ((int64_t)d + (int64_t)len <= 0) {
		t->st->tcp_retransmissions++;
		return;
	}
	if (d > 0) {
		hold_ooo(t, s, pkt, seq, p, len);
		return;
	}
	if (d < 0) {
		t->st->tcp_overlaps++;
		p += -(int64_t)d;
		len -= (size_t)(-(int64_t)d);
	}
	push_in_order(t, s, pkt, p, len);
	drain_ooo(t, s, pkt);
}

void dw_tcp_free(struct dw_tcp *t)
{
	if (!t)
		return;
	while (t->mru)
		destroy(t, t->mru);
	free(t->buckets);
	free(t);
}
