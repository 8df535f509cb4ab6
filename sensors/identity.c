/* identity.c: the bounded subscriber table (see identity.h). Entries live in one
 * array (40 bytes each) on a least-recently-seen list; two open-addressing indexes
 * of 32-bit slots find them by IMSI and by MSISDN. Digits are packed into 64-bit
 * integers and cells interned, so a tracked subscriber costs about 56 bytes. */
#include "identity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "denwatch/hash.h"
#include "denwatch/ident.h"

#define LEN_SHIFT 57
#define NIL UINT32_MAX


uint64_t dw_digits_pack(const char *s)
{
	uint64_t v = 0;
	size_t n = 0;
	for (; s[n]; n++) {
		if (s[n] < '0' || s[n] > '9' || n >= DW_PACK_MAX_DIGITS)
			return 0;
		v = v * 10 + (uint64_t)(s[n] - '0');
	}
	if (n == 0)
		return 0;
	return ((uint64_t)n << LEN_SHIFT) | v;
}

void dw_digits_unpack(uint64_t v, char *out, size_t outlen)
{
	size_t n = (size_t)(v >> LEN_SHIFT);
	uint64_t x = dw_digits_value(v);
	if (outlen == 0)
		return;
	if (n >= outlen)
		n = 0;
	out[n] = '\0';
	size_t i = n;
	for (; i > 1; i -= 2) { /* two digits per division */
		unsigned d = (unsigned)(x % 100);
		x /= 100;
		out[i - 1] = (char)('0' + d % 10);
		out[i - 2] = (char)('0' + d / 10);
	}
	if (i == 1)
		out[0] = (char)('0' + x % 10);
}

uint64_t dw_digits_sort_key(uint64_t v)
{
	unsigned n = (unsigned)(v >> LEN_SHIFT);
	uint64_t x = dw_digits_value(v);
	for (unsigned i = n; i < DW_PACK_MAX_DIGITS; i++)
		x *= 10;
	return x * (DW_PACK_MAX_DIGITS + 1) + n;
}

/* ---- open-addressing index of 32-bit entry numbers, keyed through a callback ---- */

struct index {
	uint32_t *slot; /* entry + 1, 0 = empty */
	uint32_t mask;
	uint32_t n;
};

typedef uint64_t (*key_fn)(const void *ctx, uint32_t e);

static int index_grow(struct index *ix, const void *ctx, key_fn key)
{
	uint32_t nsize = ix->slot ? (ix->mask + 1) * 2 : 64;
	uint32_t *ns = calloc(nsize, sizeof *ns);
	if (!ns)
		return -1;
	for (uint32_t i = 0; ix->slot && i <= ix->mask; i++) {
		if (!ix->slot[i])
			continue;
		uint32_t h = (uint32_t)dw_mix64(key(ctx, ix->slot[i] - 1)) & (nsize - 1);
		while (ns[h])
			h = (h + 1) & (nsize - 1);
		ns[h] = ix->slot[i];
	}
	free(ix->slot);
	ix->slot = ns;
	ix->mask = nsize - 1;
	return 0;
}

static uint32_t index_find(const struct index *ix, const void *ctx, key_fn key,
			   uint64_t k)
{
	if (!ix->slot || !k)
		return NIL;
	for (uint32_t h = (uint32_t)dw_mix64(k) & ix->mask;; h = (h + 1) & ix->mask) {
		uint32_t s = ix->slot[h];
		if (!s)
			return NIL;
		if (key(ctx, s - 1) == k)
			return s - 1;
	}
}

static int index_add(struct index *ix, const void *ctx, key_fn key, uint32_t e)
{
	if ((!ix->slot || (ix->n + 1) * 2 > ix->mask + 1) && index_grow(ix, ctx, key) < 0)
		return -1;
	uint32_t h = (uint32_t)dw_mix64(key(ctx, e)) & ix->mask;
	while (ix->slot[h])
		h = (h + 1) & ix->mask;
	ix->slot[h] = e + 1;
	ix->n++;
	return 0;
}

/* Removes entry e (whose key is k) with backward-shift deletion. */
static void index_del(struct index *ix, const void *ctx, key_fn key, uint64_t k,
		      uint32_t e)
{
	if (!ix->slot || !k)
		return;
	uint32_t h = (uint32_t)dw_mix64(k) & ix->mask;
	while (ix->slot[h] && ix->slot[h] != e + 1)
		h = (h + 1) & ix->mask;
	if (!ix->slot[h])
		return;
	ix->slot[h] = 0;
	ix->n--;
	for (uint32_t j = (h + 1) & ix->mask; ix->slot[j]; j = (j + 1) & ix->mask) {
		uint32_t home = (uint32_t)dw_mix64(key(ctx, ix->slot[j] - 1)) & ix->mask;
		/* move slot j back to h when h lies cyclically in [home, j) */
		if (((j - home) & ix->mask) >= ((j - h) & ix->mask)) {
			ix->slot[h] = ix->slot[j];
			ix->slot[j] = 0;
			h = j;
		}
	}
}

/* ---- cells ---- */

struct dw_cells {
	char (*name)[DW_CELL_MAX]; /* name[id - 1] */
	uint32_t n, cap, max;
	struct index ix;
	uint64_t dropped;
};

static uint64_t str_hash(const char *s)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * UINT64_C(0x100000001b3);
	return h | 1; /* never 0, the index's "no key" */
}

static uint64_t cell_key(const void *ctx, uint32_t e)
{
	const struct dw_cells *c = ctx;
	return str_hash(c->name[e]);
}

struct dw_cells *dw_cells_new(uint32_t max_cells)
{
	struct dw_cells *c = calloc(1, sizeof *c);
	if (c)
		c->max = max_cells;
	return c;
}

void dw_cells_free(struct dw_cells *c)
{
	if (!c)
		return;
	free(c->name);
	free(c->ix.slot);
	free(c);
}

uint32_t dw_cells_intern(struct dw_cells *c, const char *cell)
{
	if (!cell[0])
		return 0;
	uint64_t k = str_hash(cell);
	if (c->ix.slot) {
		for (uint32_t h = (uint32_t)dw_mix64(k) & c->ix.mask; c->ix.slot[h];
		     h = (h + 1) & c->ix.mask) {
			uint32_t e = c->ix.slot[h] - 1;
			if (strcmp(c->name[e], cell) == 0)
				return e + 1;
		}
	}
	if (c->n >= c->max || strlen(cell) >= DW_CELL_MAX) {
		c->dropped++;
		return 0;
	}
	if (c->n == c->cap) {
		uint32_t ncap = c->cap ? c->cap * 2 : 64;
		void *nn = realloc(c->name, (size_t)ncap * sizeof *c->name);
		if (!nn) {
			c->dropped++;
			return 0;
		}
		c->name = nn;
		c->cap = ncap;
	}
	memset(c->name[c->n], 0, DW_CELL_MAX);
	strcpy(c->name[c->n], cell);
	if (index_add(&c->ix, c, cell_key, c->n) < 0) {
		c->dropped++;
		return 0;
	}
	return ++c->n;
}

const char *dw_cells_name(const struct dw_cells *c, uint32_t id)
{
	return id && id <= c->n ? c->name[id - 1] : "";
}

uint32_t dw_cells_count(const struct dw_cells *c)
{
	return c->n;
}

uint64_t dw_cells_dropped(const struct dw_cells *c)
{
	return c->dropped;
}

size_t dw_cells_bytes(const struct dw_cells *c)
{
	return (size_t)c->cap * DW_CELL_MAX + (c->ix.slot ? (c->ix.mask + 1) * 4u : 0);
}

/* ---- subscribers ---- */

struct entry {
	uint64_t imsi, msisdn, imei; /* packed digits, 0 = unknown */
	uint32_t cell;		     /* interned, 0 = unknown */
	uint32_t prev, next;	     /* least-recently-seen list; NIL ends */
};

struct dw_ident {
	struct entry *e;
	uint32_t n, cap, max;
	uint32_t head, tail; /* head = most recently seen */
	uint32_t free_list;  /* through next */
	struct index by_imsi, by_msisdn;
	struct dw_cells *cells;
	struct dw_ident_stats st;
};

static uint64_t imsi_key(const void *ctx, uint32_t i)
{
	return ((const struct dw_ident *)ctx)->e[i].imsi;
}

static uint64_t msisdn_key(const void *ctx, uint32_t i)
{
	return ((const struct dw_ident *)ctx)->e[i].msisdn;
}

struct dw_ident *dw_ident_new(uint32_t max_subscribers, struct dw_cells *cells)
{
	struct dw_ident *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->max = max_subscribers;
	t->head = t->tail = t->free_list = NIL;
	t->cells = cells;
	t->st.capacity = max_subscribers;
	return t;
}

void dw_ident_free(struct dw_ident *t)
{
	if (!t)
		return;
	free(t->e);
	free(t->by_imsi.slot);
	free(t->by_msisdn.slot);
	free(t);
}

static void lru_unlink(struct dw_ident *t, uint32_t i)
{
	struct entry *x = &t->e[i];
	if (x->prev != NIL)
		t->e[x->prev].next = x->next;
	else
		t->head = x->next;
	if (x->next != NIL)
		t->e[x->next].prev = x->prev;
	else
		t->tail = x->prev;
}

static void lru_push_front(struct dw_ident *t, uint32_t i)
{
	struct entry *x = &t->e[i];
	x->prev = NIL;
	x->next = t->head;
	if (t->head != NIL)
		t->e[t->head].prev = i;
	t->head = i;
	if (t->tail == NIL)
		t->tail = i;
}

static void set_imsi(struct dw_ident *t, uint32_t i, uint64_t v)
{
	index_del(&t->by_imsi, t, imsi_key, t->e[i].imsi, i);
	t->e[i].imsi = v;
	if (v)
		index_add(&t->by_imsi, t, imsi_key, i);
}

static void set_msisdn(struct dw_ident *t, uint32_t i, uint64_t v)
{
	index_del(&t->by_msisdn, t, msisdn_key, t->e[i].msisdn, i);
	t->e[i].msisdn = v;
	if (v)
		index_add(&t->by_msisdn, t, msisdn_key, i);
}

static void remove_entry(struct dw_ident *t, uint32_t i)
{
	set_imsi(t, i, 0);
	set_msisdn(t, i, 0);
	lru_unlink(t, i);
	memset(&t->e[i], 0, sizeof t->e[i]);
	t->e[i].next = t->free_list;
	t->free_list = i;
	t->st.tracked--;
}

static uint32_t new_entry(struct dw_ident *t)
{
	uint32_t i;
	if (t->free_list != NIL) {
		i = t->free_list;
		t->free_list = t->e[i].next;
	} else if (t->n < t->max) {
		if (t->n == t->cap) {
			uint32_t ncap = t->cap ? t->cap * 2 : 256;
			if (ncap > t->max)
				ncap = t->max;
			void *ne = realloc(t->e, (size_t)ncap * sizeof *t->e);
			if (!ne)
				return NIL;
			t->e = ne;
			t->cap = ncap;
		}
		i = t->n++;
	} else {
		/* full: evict the least recently seen */
		remove_entry(t, t->tail);
		t->st.evictions++;
		i = t->free_list;
		t->free_list = t->e[i].next;
	}
	memset(&t->e[i], 0, sizeof t->e[i]);
	lru_push_front(t, i);
	if (++t->st.tracked > t->st.peak)
		t->st.peak = t->st.tracked;
	return i;
}

unsigned dw_ident_complete(struct dw_ident *t, struct dw_event *ev, uint32_t *cell_id)
{
	unsigned flags = 0;
	uint64_t imsi = ev->imsi[0] ? dw_digits_pack(ev->imsi) : 0;
	uint64_t msisdn = ev->msisdn[0] ? dw_digits_pack(ev->msisdn) : 0;
	uint64_t imei = ev->imei[0] ? dw_digits_pack(ev->imei) : 0;
	if ((ev->imsi[0] && !imsi) || (ev->msisdn[0] && !msisdn))
		t->st.unpackable++;
	uint32_t cell = ev->cell[0] ? dw_cells_intern(t->cells, ev->cell) : 0;
	*cell_id = cell;

	uint32_t ei = index_find(&t->by_imsi, t, imsi_key, imsi);
	/* An MSISDN is indexed for one entry at most: when the IMSI's entry already
	 * holds it, that entry is what the MSISDN index would find (one lookup, one
	 * cache miss, less per event). */
	uint32_t em = ei != NIL && msisdn && t->e[ei].msisdn == msisdn
			  ? ei
			  : index_find(&t->by_msisdn, t, msisdn_key, msisdn);
	uint32_t i;
	if (imsi) {
		if (em != NIL && em != ei) {
			if (t->e[em].imsi == 0 && ei == NIL) {
				/* the MSISDN-only entry learns its IMSI */
				ei = em;
				set_imsi(t, ei, imsi);
				flags |= DW_IDENT_NEW_BINDING;
				t->st.bindings++;
			} else if (t->e[em].imsi == 0) {
				/* fold the MSISDN-only entry into the IMSI's */
				struct entry old = t->e[em];
				remove_entry(t, em);
				if (!t->e[ei].imei)
					t->e[ei].imei = old.imei;
				if (!t->e[ei].cell)
					t->e[ei].cell = old.cell;
			} else {
				/* the MSISDN now belongs to another IMSI */
				set_msisdn(t, em, 0);
				t->st.rebindings++;
			}
		}
		if (ei == NIL) {
			ei = new_entry(t);
			if (ei == NIL)
				return 0;
			set_imsi(t, ei, imsi);
		}
		i = ei;
		if (msisdn && t->e[i].msisdn != msisdn) {
			if (t->e[i].msisdn)
				t->st.rebindings++;
			else
				t->st.bindings++;
			set_msisdn(t, i, msisdn);
			flags |= DW_IDENT_NEW_BINDING;
		}
	} else if (msisdn) {
		if (em == NIL) {
			em = new_entry(t);
			if (em == NIL)
				return 0;
			set_msisdn(t, em, msisdn);
		}
		i = em;
	} else {
		return 0; /* nothing to bind on */
	}

	struct entry *x = &t->e[i];
	if (!ev->imsi[0] && x->imsi)
		dw_digits_unpack(x->imsi, ev->imsi, sizeof ev->imsi);
	if (!ev->msisdn[0] && x->msisdn)
		dw_digits_unpack(x->msisdn, ev->msisdn, sizeof ev->msisdn);
	if (imei) {
		if (x->imei && x->imei != imei)
			t->st.rebindings++;
		x->imei = imei;
	} else if (x->imei) {
		dw_digits_unpack(x->imei, ev->imei, sizeof ev->imei);
	}
	if (cell) {
		x->cell = cell;
	} else if (x->cell && !ev->cell[0]) {
		const char *name = dw_cells_name(t->cells, x->cell);
		size_t n = strnlen(name, sizeof ev->cell - 1);
		memcpy(ev->cell, name, n);
		ev->cell[n] = '\0';
		*cell_id = x->cell;
	}
	if (t->head != i) {
		lru_unlink(t, i);
		lru_push_front(t, i);
	}
	return flags;
}

void dw_ident_get_stats(const struct dw_ident *t, struct dw_ident_stats *s)
{
	*s = t->st;
	s->bytes = (size_t)t->cap * sizeof *t->e +
		   (t->by_imsi.slot ? (t->by_imsi.mask + 1) * 4u : 0) +
		   (t->by_msisdn.slot ? (t->by_msisdn.mask + 1) * 4u : 0);
}
