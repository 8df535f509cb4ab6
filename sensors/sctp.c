/* sctp.c: SCTP common header and chunk walk (RFC 9260 sections 3 and 3.3.1).
 * Fragmented user messages (B/E flags) are rebuilt in a small fixed table of
 * partial messages keyed by association addresses, ports and stream; a piece
 * that does not continue the previous TSN drops the message (counted). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "denwatch/cursor.h"
#include "sctp.h"

enum {
	CHUNK_DATA = 0,
	FLAG_E = 0x01,
	FLAG_B = 0x02,
	PARTIALS = 64,            /* fragmented messages under reassembly at once */
	MAX_MESSAGE = 256 * 1024, /* bytes of one reassembled message */
};

struct partial {
	bool used;
	uint8_t version;
	uint8_t src[16], dst[16];
	uint16_t sport, dport, sid;
	uint32_t next_tsn, ppid;
	uint8_t *buf;
	size_t len, cap;
	uint64_t age;
};

struct dw_sctp {
	struct dw_netstats *st;
	dw_payload_fn deliver;
	void *arg;
	struct partial part[PARTIALS];
	uint64_t clock;
};

struct dw_sctp *dw_sctp_new(struct dw_netstats *st, dw_payload_fn deliver, void *arg)
{
	struct dw_sctp *s = calloc(1, sizeof *s);
	if (s) {
		s->st = st;
		s->deliver = deliver;
		s->arg = arg;
	}
	return s;
}

static void part_reset(struct dw_sctp *s, struct partial *m, bool dropped)
{
	if (dropped)
		s->st->sctp_frag_dropped++;
	free(m->buf);
	memset(m, 0, sizeof *m);
}

static struct partial *part_find(struct dw_sctp *s, const struct dw_packet *pkt, uint16_t sid)
{
	for (int i = 0; i < PARTIALS; i++) {
		struct partial *m = &s->part[i];
		if (m->used && m->sid == sid && m->sport == pkt->sport &&
		    m->dport == pkt->dport && m->version == pkt->ip_version &&
		    memcmp(m->src, pkt->src, 16) == 0 && memcmp(m->dst, pkt->dst, 16) == 0)
			return m;
	}
	return NULL;
}

static struct partial *part_new(struct dw_sctp *s, const struct dw_packet *pkt, uint16_t sid)
{
	struct partial *victim = &s->part[0];
	for (int i = 0; i < PARTIALS; i++) {
		if (!s->part[i].used) {
			victim = &s->part[i];
			break;
		}
		if (s->part[i].age < victim->age)
			victim = &s->part[i];
	}
	if (victim->used)
		part_reset(s, victim, true);
	victim->used = true;
	victim->version = pkt->ip_version;
	memcpy(victim->src, pkt->src, 16);
	memcpy(victim->dst, pkt->dst, 16);
	victim->sport = pkt->sport;
	victim->dport = pkt->dport;
	victim->sid = sid;
	return victim;
}

static bool part_append(struct partial *m, struct cursor *data)
{
	size_t n = cur_left(data);
	if (m->len + n > MAX_MESSAGE)
		return false;
	if (m->len + n > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 4096;
		while (cap < m->len + n)
			cap *= 2;
		uint8_t *b = realloc(m->buf, cap);
		if (!b)
			return false;
		m->buf = b;
		m->cap = cap;
	}
	cur_copy(data, m->buf + m->len, n);
	m->len += n;
	return true;
}

static void fragment(struct dw_sctp *s, struct dw_packet *pkt, uint8_t flags, uint32_t tsn,
		     uint16_t sid, uint32_t ppid, struct cursor *data)
{
	s->st->sctp_fragments++;
	struct partial *m = part_find(s, pkt, sid);
	if (flags & FLAG_B) {
		if (m)
			part_reset(s, m, true);
		m = part_new(s, pkt, sid);
		m->ppid = ppid;
	} else if (!m || tsn != m->next_tsn) {
		if (m)
			part_reset(s, m, true);
		else
			s->st->sctp_frag_dropped++;
		return;
	}
	m->next_tsn = tsn + 1;
	m->age = ++s->clock;
	if (!part_append(m, data)) {
		part_reset(s, m, true);
		return;
	}
	if (flags & FLAG_E) {
		pkt->sctp_ppid = m->ppid;
		s->st->sctp_reassembled++;
		s->deliver(s->arg, pkt, m->buf, m->len);
		part_reset(s, m, false);
	}
}

void dw_sctp_packet(struct dw_sctp *s, struct dw_packet *pkt, const uint8_t *p, size_t len)
{
	struct cursor c;
	cur_init(&c, p, len);
	uint32_t vtag = 0, csum = 0;
	cur_be16(&c, &pkt->sport);
	cur_be16(&c, &pkt->dport);
	cur_be32(&c, &vtag);
	cur_be32(&c, &csum);
	pkt->l4 = DW_L4_SCTP;
	if (c.err) {
		s->st->sctp_malformed++;
		return;
	}
	s->st->sctp_packets++;
	while (cur_left(&c) > 0) {
		uint8_t type = 0, flags = 0;
		uint16_t clen = 0;
		struct cursor chunk;
		cur_u8(&c, &type);
		cur_u8(&c, &flags);
		cur_be16(&c, &clen);
		if (c.err || clen < 4 || !cur_sub(&c, clen - 4u, &chunk)) {
			s->st->sctp_malformed++;
			return;
		}
		size_t pad = (4u - (clen & 3u)) & 3u; /* the last chunk may lack it */
		cur_skip(&c, cur_left(&c) < pad ? cur_left(&c) : pad);
		s->st->sctp_chunks++;
		if (type != CHUNK_DATA)
			continue;
		uint32_t tsn = 0, ppid = 0;
		uint16_t sid = 0, ssn = 0;
		cur_be32(&chunk, &tsn);
		cur_be16(&chunk, &sid);
		cur_be16(&chunk, &ssn);
		cur_be32(&chunk, &ppid);
		if (chunk.err || cur_left(&chunk) == 0) {
			s->st->sctp_malformed++;
			continue;
		}
		s->st->sctp_data_chunks++;
		if ((flags & (FLAG_B | FLAG_E)) != (FLAG_B | FLAG_E)) {
			fragment(s, pkt, flags, tsn, sid, ppid, &chunk);
			continue;
		}
		struct slice data;
		cur_take(&chunk, cur_left(&chunk), &data);
		pkt->sctp_ppid = ppid;
		s->deliver(s->arg, pkt, data.p, data.len);
	}
}

void dw_sctp_free(struct dw_sctp *s)
{
	if (!s)
		return;
	for (int i = 0; i < PARTIALS; i++)
		free(s->part[i].buf);
	free(s);
}
