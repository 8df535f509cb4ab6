/* ipfrag.c: IP fragment reassembly with a bounded table. Each datagram keeps its
 * bytes in one buffer and the byte ranges received as a short sorted list; a new
 * fragment only fills holes, so overlaps cannot rewrite data (first wins). The
 * table is a hash for lookup plus a list in order of creation for timeouts and
 * for evicting the oldest when full. */
#include <stdlib.h>
#include <string.h>

#include "denwatch/cursor.h"
#include "ipfrag.h"

enum { MAX_RANGES = 64, MAX_DATAGRAM = 65535 };

struct range {
	uint32_t s, e; /* [s, e) */
};

struct dg {
	struct dg *hnext;        /* hash chain */
	struct dg *older, *newer; /* age list */
	struct dw_fragkey key;
	int64_t first_ts;
	uint8_t *buf;
	uint32_t cap;
	uint32_t total; /* payload length, known once the last fragment came */
	bool have_total;
	int nr;
	struct range r[MAX_RANGES];
};

struct dw_ipfrag {
	struct dg **buckets;
	size_t nbuckets; /* power of two */
	size_t count, max;
	int64_t timeout_us;
	struct dg *oldest, *newest;
	struct dw_netstats *st;
};

struct dw_ipfrag *dw_ipfrag_new(uint32_t max_datagrams, int64_t timeout_us,
				struct dw_netstats *st)
{
	struct dw_ipfrag *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	f->nbuckets = 16;
	while (f->nbuckets < (size_t)max_datagrams * 2 && f->nbuckets < (1u << 21))
		f->nbuckets <<= 1;
	f->buckets = calloc(f->nbuckets, sizeof *f->buckets);
	if (!f->buckets) {
		free(f);
		return NULL;
	}
	f->max = max_datagrams ? max_datagrams : 1;
	f->timeout_us = timeout_us;
	f->st = st;
	return f;
}

static size_t key_hash(const struct dw_fragkey *k)
{
	uint64_t h = 1469598103934665603ull;
	const uint8_t *parts[2] = { k->src, k->dst };
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 16; j++)
			h = (h ^ parts[i][j]) * 1099511628211ull;
	h = (h ^ k->id) * 1099511628211ull;
	h = (h ^ (uint64_t)(k->proto | k->version << 8)) * 1099511628211ull;
	return (size_t)(h ^ (h >> 29));
}

static bool key_eq(const struct dw_fragkey *a, const struct dw_fragkey *b)
{
	return a->id == b->id && a->proto == b->proto && a->version == b->version &&
	       memcmp(a->src, b->src, 16) == 0 && memcmp(a->dst, b->dst, 16) == 0;
}

static struct dg **find_slot(struct dw_ipfrag *f, const struct dw_fragkey *k)
{
	struct dg **pp = &f->buckets[key_hash(k) & (f->nbuckets - 1)];
	while (*pp && !key_eq(&(*pp)->key, k))
		pp = &(*pp)->hnext;
	return pp;
}

static void drop(struct dw_ipfrag *f, struct dg *d)
{
	struct dg **pp = find_slot(f, &d->key);
	if (*pp == d)
		*pp = d->hnext;
	if (d->older)
		d->older->newer = d->newer;
	else
		f->oldest = d->newer;
	if (d->newer)
		d->newer->older = d->older;
	else
		f->newest = d->older;
	f->count--;
	free(d->buf);
	free(d);
}

void dw_ipfrag_expire(struct dw_ipfrag *f, int64_t ts_us)
{
	while (f->oldest && ts_us - f->oldest->first_ts > f->timeout_us) {
		f->st->frag_timeouts++;
		drop(f, f->oldest);
	}
}

size_t dw_ipfrag_count(const struct dw_ipfrag *f)
{
	return f->count;
}

static struct dg *create(struct dw_ipfrag *f, struct dg **slot,
			 const struct dw_fragkey *k, int64_t ts_us)
{
	if (f->count >= f->max) {
		f->st->frag_evictions++;
		drop(f, f->oldest);
		slot = find_slot(f, k); /* the chain may have changed */
	}
	struct dg *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->key = *k;
	d->first_ts = ts_us;
	d->hnext = *slot;
	*slot = d;
	d->older = f->newest;
	if (f->newest)
		f->newest->newer = d;
	else
		f->oldest = d;
	f->newest = d;
	f->count++;
	return d;
}

static bool grow(struct dg *d, uint32_t need)
{
	if (need <= d->cap)
		return true;
	uint32_t cap = d->cap ? d->cap : 2048;
	while (cap < need)
		cap *= 2;
	if (cap > MAX_DATAGRAM)
		cap = MAX_DATAGRAM;
	uint8_t *b = realloc(d->buf, cap);
	if (!b)
		return false;
	d->buf = b;
	d->cap = cap;
	return true;
}

/* Copies the parts of [s, e) not yet held; returns the bytes copied. */
static uint32_t fill_holes(struct dg *d, uint32_t s, uint32_t e, const uint8_t *p)
{
	uint32_t copied = 0, pos = s;
	for (int i = 0; i <= d->nr && pos < e; i++) {
		uint32_t hole_end = i < d->nr ? d->r[i].s : e;
		if (hole_end > e)
			hole_end = e;
		if (hole_end > pos) {
			struct cursor c;
			cur_init(&c, p, e - s);
			cur_skip(&c, pos - s);
			cur_copy(&c, d->buf + pos, hole_end - pos);
			copied += hole_end - pos;
		}
		if (i < d->nr && d->r[i].e > pos)
			pos = d->r[i].e;
	}
	return copied;
}

/* Adds [s, e) to the sorted range list, merging neighbours. False when the list
 * would grow past MAX_RANGES. */
static bool add_range(struct dg *d, uint32_t s, uint32_t e)
{
	struct range out[MAX_RANGES + 1];
	int n = 0, i = 0;
	while (i < d->nr && d->r[i].e < s)
		out[n++] = d->r[i++];
	struct range m = { s, e };
	while (i < d->nr && d->r[i].s <= m.e) {
		if (d->r[i].s < m.s)
			m.s = d->r[i].s;
		if (d->r[i].e > m.e)
			m.e = d->r[i].e;
		i++;
	}
	out[n++] = m;
	if (n > MAX_RANGES)
		return false;
	while (i < d->nr) {
		if (n >= MAX_RANGES)
			return false;
		out[n++] = d->r[i++];
	}
	memcpy(d->r, out, (size_t)n * sizeof out[0]);
	d->nr = n;
	return true;
}

int dw_ipfrag_add(struct dw_ipfrag *f, const struct dw_fragkey *key, int64_t ts_us,
		  uint32_t offset, bool more, const uint8_t *p, size_t len,
		  const uint8_t **out, size_t *outlen)
{
	f->st->frag_fragments++;
	dw_ipfrag_expire(f, ts_us);
	if ((len == 0 && more) || len > MAX_DATAGRAM || offset + len > MAX_DATAGRAM ||
	    (more && key->version == 6 && len % 8 != 0)) {
		f->st->frag_malformed++;
		return -1;
	}
	uint32_t s = offset, e = offset + (uint32_t)len;
	struct dg **slot = find_slot(f, key);
	struct dg *d = *slot ? *slot : create(f, slot, key, ts_us);
	if (!d)
		return -1;
	bool bad = false;
	if (!more) {
		if (d->have_total && d->total != e)
			bad = true;
		else if (d->nr > 0 && d->r[d->nr - 1].e > e)
			bad = true;
		d->have_total = true;
		d->total = e;
	} else if (d->have_total && e > d->total) {
		bad = true;
	}
	if (!bad && !grow(d, e))
		bad = true;
	if (bad) {
		f->st->frag_malformed++;
		drop(f, d);
		return -1;
	}
	uint32_t copied = fill_holes(d, s, e, p);
	if (copied == 0 && e > s)
		f->st->frag_duplicates++;
	else if (copied < e - s)
		f->st->frag_overlaps++;
	if (e > s && !add_range(d, s, e)) {
		f->st->frag_malformed++;
		drop(f, d);
		return -1;
	}
	if (!d->have_total || d->nr != 1 || d->r[0].s != 0 || d->r[0].e != d->total)
		return 0;
	/* Complete: hand the buffer over and forget the datagram. */
	*out = d->buf;
	*outlen = d->total;
	d->buf = NULL;
	drop(f, d);
	f->st->frag_reassembled++;
	return 1;
}

void dw_ipfrag_free(struct dw_ipfrag *f)
{
	if (!f)
		return;
	while (f->oldest)
		drop(f, f->oldest);
	free(f->buckets);
	free(f);
}
