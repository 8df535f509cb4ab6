/* window.c: per-subscriber window aggregation (see window.h). Open windows live in
 * one array with a free list, found through an open-addressing index on
 * (subscriber key, window start), and chained per window start ("generation") so
 * that closing a window start touches only its own windows. */
#include "denwatch/hash.h"
#include "window.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NIL UINT32_MAX
#define MSISDN_KEY_BIT (UINT64_C(1) << 63)
#define HLL_P 6
#define HLL_M (1u << HLL_P)

/* Past the exact cap: one HyperLogLog per kind and a running bottom-k sketch. */
struct big {
	uint8_t hll[2][HLL_M];
	uint32_t exact[2]; /* distinct counts reached before the switch */
	uint8_t n_sketch;
	uint64_t sketch[DW_SUM_SKETCH_K];
};

enum { KIND_CALLEE = 0, KIND_SMS = 1 };

/* Most windows see one IMEI and one or two cells: those live in the window, the
 * rest in a block allocated when a window first needs it. */
#define INLINE_IMEIS 1
#define INLINE_CELLS 2
struct win_more {
	uint64_t imei[DW_SUM_MAX_IMEIS - INLINE_IMEIS];
	uint32_t cell[DW_SUM_MAX_CELLS - INLINE_CELLS];
	uint32_t cell_n[DW_SUM_MAX_CELLS - INLINE_CELLS];
	uint64_t imei_bits; /* IMEIs past the kept ones, one bit per hash bucket */
};

struct win {
	uint64_t imsi, msisdn; /* packed; the key is imsi, or msisdn | MSISDN_KEY_BIT */
	int64_t start;	       /* seconds */
	int64_t first_us, last_us;
	uint64_t imei0; /* the first IMEI; more in ->more */
	uint32_t cell[INLINE_CELLS], cell_n[INLINE_CELLS];
	uint32_t calls_out, calls_out_answered, calls_out_short, calls_out_failed;
	uint32_t calls_out_seconds, calls_in, calls_in_answered, sms_out, sms_in;
	uint32_t data_sessions, registrations;
	uint32_t gen_next; /* next window of the same start */
	uint64_t seq_prev;
	uint32_t seq_run, seq_max;
	union {
		uint64_t *list; /* contact hash | kind, exact mode */
		struct big *big;
	} ct;
	struct win_more *more; /* IMEIs and cells past the inline ones, when seen */
	uint8_t n_ct, cap_ct, is_big, n_imei, imeis_seen, n_cell, seq_valid;
};
_Static_assert(sizeof(struct win) <= 152, "an open window stays small");

struct gen {
	int64_t start;
	uint32_t head;
	uint32_t count;
};

struct dw_windows {
	struct dw_window_opts o;
	const struct dw_cells *cells;
	dw_window_emit emit;
	void *arg;
	struct win *w;
	uint32_t n, cap, free_list;
	uint32_t *slot; /* index: window + 1 */
	uint32_t mask, used;
	struct gen *gens; /* ascending start */
	uint32_t n_gens, cap_gens;
	int64_t now_s;
	struct dw_window_stats st;
};


uint64_t dw_contact_hash(const char *digits)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	for (; *digits; digits++)
		h = (h ^ (uint8_t)*digits) * UINT64_C(0x100000001b3);
	return h & ~UINT64_C(1);
}

uint64_t dw_number_value(const char *digits)
{
	uint64_t v = 0;
	for (; *digits; digits++)
		if (*digits >= '0' && *digits <= '9')
			v = (v % UINT64_C(100000000000000000)) * 10 +
			    (uint64_t)(*digits - '0');
	return v;
}

uint32_t dw_seq_next(bool prev_valid, uint64_t prev, uint64_t cur, uint32_t run,
		     uint32_t max_step)
{
	if (prev_valid && cur > prev && cur - prev <= max_step)
		return run + 1;
	return 1;
}

static uint64_t win_key(const struct win *x)
{
	return x->imsi ? x->imsi : (x->msisdn | MSISDN_KEY_BIT);
}

static uint32_t slot_hash(uint64_t key, int64_t start)
{
	return (uint32_t)dw_mix64(key ^ dw_mix64((uint64_t)start));
}

/* ---- index on (key, start) ---- */

static int index_grow(struct dw_windows *w)
{
	uint32_t nsize = w->slot ? (w->mask + 1) * 2 : 256;
	uint32_t *ns = calloc(nsize, sizeof *ns);
	if (!ns)
		return -1;
	for (uint32_t i = 0; w->slot && i <= w->mask; i++) {
		if (!w->slot[i])
			continue;
		const struct win *x = &w->w[w->slot[i] - 1];
		uint32_t h = slot_hash(win_key(x), x->start) & (nsize - 1);
		while (ns[h])
			h = (h + 1) & (nsize - 1);
		ns[h] = w->slot[i];
	}
	free(w->slot);
	w->slot = ns;
	w->mask = nsize - 1;
	return 0;
}

static uint32_t index_find(const struct dw_windows *w, uint64_t key, int64_t start)
{
	if (!w->slot)
		return NIL;
	for (uint32_t h = slot_hash(key, start) & w->mask; w->slot[h];
	     h = (h + 1) & w->mask) {
		const struct win *x = &w->w[w->slot[h] - 1];
		if (x->start == start && win_key(x) == key)
			return w->slot[h] - 1;
	}
	return NIL;
}

static int index_add(struct dw_windows *w, uint32_t i)
{
	if ((!w->slot || (w->used + 1) * 2 > w->mask + 1) && index_grow(w) < 0)
		return -1;
	const struct win *x = &w->w[i];
	uint32_t h = slot_hash(win_key(x), x->start) & w->mask;
	while (w->slot[h])
		h = (h + 1) & w->mask;
	w->slot[h] = i + 1;
	w->used++;
	return 0;
}

static void index_del(struct dw_windows *w, uint32_t i)
{
	const struct win *x = &w->w[i];
	uint32_t h = slot_hash(win_key(x), x->start) & w->mask;
	while (w->slot[h] && w->slot[h] != i + 1)
		h = (h + 1) & w->mask;
	if (!w->slot[h])
		return;
	w->slot[h] = 0;
	w->used--;
	for (uint32_t j = (h + 1) & w->mask; w->slot[j]; j = (j + 1) & w->mask) {
		const struct win *y = &w->w[w->slot[j] - 1];
		uint32_t home = slot_hash(win_key(y), y->start) & w->mask;
		if (((j - home) & w->mask) >= ((j - h) & w->mask)) {
			w->slot[h] = w->slot[j];
			w->slot[j] = 0;
			h = j;
		}
	}
}

/* ---- lifecycle ---- */

struct dw_windows *dw_windows_new(const struct dw_window_opts *o,
				  const struct dw_cells *cells, dw_window_emit emit,
				  void *arg)
{
	struct dw_windows *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	w->o = *o;
	if (w->o.seconds == 0)
		w->o.seconds = 300;
	if (w->o.max_open == 0)
		w->o.max_open = UINT32_MAX - 1;
	w->cells = cells;
	w->emit = emit;
	w->arg = arg;
	w->free_list = NIL;
	w->now_s = INT64_MIN;
	return w;
}

static void win_release(struct win *x)
{
	free(x->more);
	x->more = NULL;
	if (x->is_big)
		free(x->ct.big);
	else
		free(x->ct.list);
	x->ct.list = NULL;
}

void dw_windows_free(struct dw_windows *w)
{
	if (!w)
		return;
	for (uint32_t g = 0; g < w->n_gens; g++)
		for (uint32_t i = w->gens[g].head; i != NIL; i = w->w[i].gen_next)
			win_release(&w->w[i]);
	free(w->w);
	free(w->slot);
	free(w->gens);
	free(w);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static struct gen *gen_get(struct dw_windows *w, int64_t start)
{
	uint32_t g = 0;
	while (g < w->n_gens && w->gens[g].start < start)
		g++;
	if (g < w->n_gens && w->gens[g].start == start)
		return &w->gens[g];
	if (w->n_gens == w->cap_gens) {
		uint32_t ncap = w->cap_gens ? w->cap_gens * 2 : 8;
		void *ng = realloc(w->gens, ncap * sizeof *w->gens);
		if (!ng)
			return NULL;
		w->gens = ng;
		w->cap_gens = ncap;
	}
	memmove(&w->gens[g + 1], &w->gens[g], (w->n_gens - g) * sizeof *w->gens);
	w->n_gens++;
	w->gens[g] = (struct gen){.start = start, .head = NIL, .count = 0};
	return &w->gens[g];
}

static int close_gen(struct dw_windows *w, uint32_t g);

/* The window of key at start, created if absent. */
static uint32_t win_get(struct dw_windows *w, uint64_t imsi, uint64_t msisdn,
			int64_t start)
{
	uint64_t key = imsi ? imsi : (msisdn | MSISDN_KEY_BIT);
	uint32_t i = index_find(w, key, start);
	if (i != NIL)
		return i;
	while (w->st.open >= w->o.max_open && w->n_gens > 0) {
		w->st.forced += w->gens[0].count;
		if (close_gen(w, 0) < 0)
			return NIL;
	}
	struct gen *gp = gen_get(w, start);
	if (!gp)
		return NIL;
	if (w->free_list != NIL) {
		i = w->free_list;
		w->free_list = w->w[i].gen_next;
	} else {
		if (w->n == w->cap) {
			uint32_t ncap = w->cap ? w->cap * 2 : 256;
			void *nw = realloc(w->w, (size_t)ncap * sizeof *w->w);
			if (!nw)
				return NIL;
			w->w = nw;
			w->cap = ncap;
		}
		i = w->n++;
	}
	struct win *x = &w->w[i];
	memset(x, 0, sizeof *x);
	x->imsi = imsi;
	x->msisdn = msisdn;
	x->start = start;
	x->gen_next = gp->head;
	gp->head = i;
	gp->count++;
	if (index_add(w, i) < 0)
		return NIL;
	if (++w->st.open > w->st.peak_open)
		w->st.peak_open = w->st.open;
	if (w->now_s != INT64_MIN && start + w->o.seconds + w->o.grace_s < w->now_s)
		w->st.late++;
	return i;
}

/* ---- contacts ---- */

static void hll_add(uint8_t *reg, uint64_t h)
{
	uint64_t x = dw_mix64(h);
	uint32_t j = (uint32_t)(x >> (64 - HLL_P));
	uint64_t rest = (x << HLL_P) | (UINT64_C(1) << (HLL_P - 1));
	uint8_t rank = (uint8_t)(__builtin_clzll(rest) + 1);
	if (rank > reg[j])
		reg[j] = rank;
}

static uint32_t hll_estimate(const uint8_t *reg, uint32_t floor_count)
{
	double sum = 0;
	uint32_t zeros = 0;
	for (uint32_t j = 0; j < HLL_M; j++) {
		sum += ldexp(1.0, -reg[j]);
		zeros += reg[j] == 0;
	}
	double e = 0.709 * HLL_M * HLL_M / sum;
	if (e <= 2.5 * HLL_M && zeros)
		e = HLL_M * log((double)HLL_M / zeros);
	uint32_t r = (uint32_t)(e + 0.5);
	return r < floor_count ? floor_count : r;
}

static void sketch_add(uint64_t *sk, uint8_t *n, uint64_t h)
{
	uint8_t k = *n;
	uint8_t pos = 0;
	while (pos < k && sk[pos] < h)
		pos++;
	if (pos < k && sk[pos] == h)
		return;
	if (pos >= DW_SUM_SKETCH_K)
		return;
	uint8_t last = k < DW_SUM_SKETCH_K ? k : DW_SUM_SKETCH_K - 1;
	memmove(&sk[pos + 1], &sk[pos], (size_t)(last - pos) * sizeof *sk);
	sk[pos] = h;
	if (k < DW_SUM_SKETCH_K)
		(*n)++;
}

static void to_big(struct dw_windows *w, struct win *x)
{
	struct big *b = calloc(1, sizeof *b);
	if (!b)
		return; /* stay exact and stop adding: counts become lower bounds */
	for (uint32_t i = 0; i < x->n_ct; i++) {
		uint64_t e = x->ct.list[i];
		unsigned kind = (unsigned)(e & 1);
		hll_add(b->hll[kind], e & ~UINT64_C(1));
		b->exact[kind]++;
		sketch_add(b->sketch, &b->n_sketch, e & ~UINT64_C(1));
	}
	free(x->ct.list);
	x->ct.big = b;
	x->is_big = 1;
	w->st.estimated++;
}

static void contact_add(struct dw_windows *w, struct win *x, const char *number,
			unsigned kind)
{
	if (!number[0])
		return;
	uint64_t h = w->o.contact_hash ? w->o.contact_hash(w->o.contact_hash_arg, number)
				       : dw_contact_hash(number);
	if (x->is_big) {
		hll_add(x->ct.big->hll[kind], h);
		sketch_add(x->ct.big->sketch, &x->ct.big->n_sketch, h);
		return;
	}
	uint64_t e = h | kind;
	for (uint32_t i = 0; i < x->n_ct; i++)
		if (x->ct.list[i] == e)
			return;
	if (x->n_ct == DW_WIN_EXACT_CONTACTS) {
		to_big(w, x);
		if (x->is_big)
			contact_add(w, x, number, kind);
		return;
	}
	if (x->n_ct == x->cap_ct) {
		uint8_t ncap = x->cap_ct ? (uint8_t)(x->cap_ct * 2) : 4;
		void *nl = realloc(x->ct.list, ncap * sizeof *x->ct.list);
		if (!nl)
			return;
		x->ct.list = nl;
		x->cap_ct = ncap;
	}
	x->ct.list[x->n_ct++] = e;
}

/* ---- counting ---- */

static uint64_t *imei_at(struct win *x, uint32_t i)
{
	return i < INLINE_IMEIS ? &x->imei0 : &x->more->imei[i - INLINE_IMEIS];
}

static uint32_t *cell_at(struct win *x, uint32_t i)
{
	return i < INLINE_CELLS ? &x->cell[i] : &x->more->cell[i - INLINE_CELLS];
}

static uint32_t *count_at(struct win *x, uint32_t i)
{
	return i < INLINE_CELLS ? &x->cell_n[i] : &x->more->cell_n[i - INLINE_CELLS];
}

static bool need_more(struct win *x)
{
	if (!x->more)
		x->more = calloc(1, sizeof *x->more);
	return x->more != NULL;
}

static void imei_add(struct win *x, uint64_t imei)
{
	for (uint32_t i = 0; i < x->n_imei; i++)
		if (*imei_at(x, i) == imei)
			return;
	if (x->n_imei < DW_SUM_MAX_IMEIS) {
		if (x->n_imei < INLINE_IMEIS || need_more(x)) {
			*imei_at(x, x->n_imei++) = imei;
			x->imeis_seen++;
		}
		return;
	}
	/* past the kept ones: a repeat sets the same bit and counts once */
	uint64_t bit = UINT64_C(1) << (dw_mix64(imei) & 63);
	if (!(x->more->imei_bits & bit) && x->imeis_seen < UINT8_MAX) {
		x->more->imei_bits |= bit;
		x->imeis_seen++;
	}
}

static void cell_add(struct win *x, uint32_t cell, uint32_t n)
{
	uint32_t min = 0;
	for (uint32_t i = 0; i < x->n_cell; i++) {
		if (*cell_at(x, i) == cell) {
			*count_at(x, i) += n;
			return;
		}
		if (*count_at(x, i) < *count_at(x, min))
			min = i;
	}
	if (x->n_cell < DW_SUM_MAX_CELLS) {
		if (x->n_cell >= INLINE_CELLS && !need_more(x))
			return;
		*cell_at(x, x->n_cell) = cell;
		*count_at(x, x->n_cell) = n;
		x->n_cell++;
	} else { /* Space-Saving: the new cell inherits the least count */
		*cell_at(x, min) = cell;
		*count_at(x, min) += n;
	}
}

static bool is_mt(const struct dw_event *ev)
{
	return ev->dir == DW_DIR_MT;
}

static void count_event(struct dw_windows *w, struct win *x, const struct dw_event *ev,
			uint32_t cell_id)
{
	switch (ev->kind) {
	case DW_EV_REGISTER:
		x->registrations++;
		break;
	case DW_EV_SESSION:
		if (ev->session_op == DW_SESSION_CREATE)
			x->data_sessions++;
		break;
	case DW_EV_LOCATION:
		break;
	case DW_EV_CALL_ATTEMPT:
		if (is_mt(ev)) {
			x->calls_in++;
		} else {
			x->calls_out++;
			contact_add(w, x, ev->peer, KIND_CALLEE);
			if (ev->peer[0]) {
				uint64_t v = dw_number_value(ev->peer);
				x->seq_run = dw_seq_next(x->seq_valid, x->seq_prev, v,
							 x->seq_run, w->o.seq_max_step);
				x->seq_prev = v;
				x->seq_valid = 1;
				if (x->seq_run > x->seq_max)
					x->seq_max = x->seq_run;
			}
		}
		break;
	case DW_EV_CALL_ANSWER:
		if (is_mt(ev))
			x->calls_in_answered++;
		else
			x->calls_out_answered++;
		break;
	case DW_EV_CALL_END:
		if (!is_mt(ev)) {
			x->calls_out_seconds += ev->duration_s;
			if (ev->duration_s < w->o.short_call_s)
				x->calls_out_short++;
		}
		break;
	case DW_EV_CALL_FAIL:
		if (!is_mt(ev))
			x->calls_out_failed++;
		break;
	case DW_EV_SMS_MO:
		x->sms_out++;
		contact_add(w, x, ev->peer, KIND_SMS);
		break;
	case DW_EV_SMS_MT:
		x->sms_in++;
		break;
	case DW_EV_COUNT:
		break;
	}
	if (ev->imei[0]) {
		uint64_t imei = dw_digits_pack(ev->imei);
		if (imei)
			imei_add(x, imei);
	}
	if (cell_id)
		cell_add(x, cell_id, 1);
	if (x->first_us == 0 && x->last_us == 0) {
		x->first_us = x->last_us = ev->ts_us;
	} else {
		if (ev->ts_us < x->first_us)
			x->first_us = ev->ts_us;
		if (ev->ts_us > x->last_us)
			x->last_us = ev->ts_us;
	}
}

/* Folds window src into dst (the same window start) and frees src's contents. */
static void win_merge(struct dw_windows *w, struct win *dst, struct win *src)
{
	if (!dst->msisdn)
		dst->msisdn = src->msisdn;
	for (uint32_t i = 0; i < src->n_imei; i++)
		imei_add(dst, *imei_at(src, i));
	for (uint32_t i = 0; i < src->n_cell; i++)
		cell_add(dst, *cell_at(src, i), *count_at(src, i));
	dst->calls_out += src->calls_out;
	dst->calls_out_answered += src->calls_out_answered;
	dst->calls_out_short += src->calls_out_short;
	dst->calls_out_failed += src->calls_out_failed;
	dst->calls_out_seconds += src->calls_out_seconds;
	dst->calls_in += src->calls_in;
	dst->calls_in_answered += src->calls_in_answered;
	dst->sms_out += src->sms_out;
	dst->sms_in += src->sms_in;
	dst->data_sessions += src->data_sessions;
	dst->registrations += src->registrations;
	if (src->seq_max > dst->seq_max)
		dst->seq_max = src->seq_max;
	if (!dst->seq_valid && src->seq_valid) {
		dst->seq_prev = src->seq_prev;
		dst->seq_run = src->seq_run;
		dst->seq_valid = 1;
	}
	if (src->first_us || src->last_us) {
		if ((!dst->first_us && !dst->last_us) || src->first_us < dst->first_us)
			dst->first_us = src->first_us;
		if (src->last_us > dst->last_us)
			dst->last_us = src->last_us;
	}
	if (src->is_big) {
		if (!dst->is_big)
			to_big(w, dst);
		if (dst->is_big) {
			struct big *d = dst->ct.big, *s = src->ct.big;
			for (int k = 0; k < 2; k++) {
				for (uint32_t j = 0; j < HLL_M; j++)
					if (s->hll[k][j] > d->hll[k][j])
						d->hll[k][j] = s->hll[k][j];
				if (s->exact[k] > d->exact[k])
					d->exact[k] = s->exact[k];
			}
			for (uint32_t j = 0; j < s->n_sketch; j++)
				sketch_add(d->sketch, &d->n_sketch, s->sketch[j]);
		}
	} else {
		for (uint32_t i = 0; i < src->n_ct; i++) {
			uint64_t e = src->ct.list[i];
			unsigned kind = (unsigned)(e & 1);
			uint64_t h = e & ~UINT64_C(1);
			if (dst->is_big) {
				hll_add(dst->ct.big->hll[kind], h);
				sketch_add(dst->ct.big->sketch, &dst->ct.big->n_sketch,
					   h);
				continue;
			}
			bool found = false;
			for (uint32_t j = 0; j < dst->n_ct && !found; j++)
				found = dst->ct.list[j] == e;
			if (found)
				continue;
			if (dst->n_ct == DW_WIN_EXACT_CONTACTS) {
				to_big(w, dst);
				if (dst->is_big) {
					hll_add(dst->ct.big->hll[kind], h);
					sketch_add(dst->ct.big->sketch,
						   &dst->ct.big->n_sketch, h);
				}
				continue;
			}
			if (dst->n_ct == dst->cap_ct) {
				uint8_t ncap =
				    dst->cap_ct ? (uint8_t)(dst->cap_ct * 2) : 4;
				void *nl =
				    realloc(dst->ct.list, ncap * sizeof *dst->ct.list);
				if (!nl)
					continue;
				dst->ct.list = nl;
				dst->cap_ct = ncap;
			}
			dst->ct.list[dst->n_ct++] = e;
		}
	}
	win_release(src);
}

/* Unlinks window i from its generation, the index and the pool. */
static void win_drop(struct dw_windows *w, uint32_t i)
{
	struct win *x = &w->w[i];
	for (uint32_t g = 0; g < w->n_gens; g++) {
		if (w->gens[g].start != x->start)
			continue;
		uint32_t *pp = &w->gens[g].head;
		while (*pp != NIL && *pp != i)
			pp = &w->w[*pp].gen_next;
		if (*pp == i) {
			*pp = x->gen_next;
			w->gens[g].count--;
		}
		break;
	}
	index_del(w, i);
	win_release(x);
	x->gen_next = w->free_list;
	w->free_list = i;
	w->st.open--;
}

/* The event just bound imsi and msisdn: windows opened under the MSISDN alone go
 * into the IMSI's windows of the same start. */
static int merge_binding(struct dw_windows *w, uint64_t imsi, uint64_t msisdn)
{
	for (uint32_t g = 0; g < w->n_gens; g++) {
		int64_t start = w->gens[g].start;
		uint32_t m = index_find(w, msisdn | MSISDN_KEY_BIT, start);
		if (m == NIL)
			continue;
		uint32_t d = win_get(w, imsi, msisdn, start);
		if (d == NIL)
			return -1;
		m = index_find(w, msisdn | MSISDN_KEY_BIT,
			       start); /* pool may have moved */
		if (m == NIL)
			continue;
		win_merge(w, &w->w[d], &w->w[m]);
		win_drop(w, m);
		w->st.merged++;
	}
	return 0;
}

int dw_windows_add(struct dw_windows *w, const struct dw_event *ev, uint32_t cell_id,
		   bool new_binding)
{
	uint64_t imsi = ev->imsi[0] ? dw_digits_pack(ev->imsi) : 0;
	uint64_t msisdn = ev->msisdn[0] ? dw_digits_pack(ev->msisdn) : 0;
	if (!imsi && !msisdn) {
		w->st.no_subscriber++;
		return 0;
	}
	if (new_binding && imsi && msisdn && merge_binding(w, imsi, msisdn) < 0)
		return -1;
	/* A late event (packet time already went past it, as when a second capture
	 * file starts earlier than the first ended) runs its own clock: windows
	 * before it plus the grace are closed, so late windows do not pile up. */
	if (w->now_s != INT64_MIN && ev->ts_us < w->now_s * 1000000) {
		while (w->n_gens > 0 &&
		       ev->ts_us >
			   (w->gens[0].start + w->o.seconds + w->o.grace_s) * 1000000)
			if (close_gen(w, 0) < 0)
				return -1;
	}
	int64_t start =
	    floor_div(floor_div(ev->ts_us, 1000000), w->o.seconds) * w->o.seconds;
	uint32_t i = win_get(w, imsi, msisdn, start);
	if (i == NIL)
		return -1;
	struct win *x = &w->w[i];
	if (imsi && msisdn)
		x->msisdn = msisdn;
	count_event(w, x, ev, cell_id);
	return 0;
}

/* ---- closing ---- */

static void fill_summary(const struct dw_windows *w, struct win *x,
			 struct dw_summary *s)
{
	memset(s, 0, sizeof *s);
	s->window_start = x->start;
	s->window_seconds = w->o.seconds;
	dw_digits_unpack(x->imsi, s->imsi, sizeof s->imsi);
	dw_digits_unpack(x->msisdn, s->msisdn, sizeof s->msisdn);
	s->n_imeis = x->n_imei;
	s->imeis_seen = x->imeis_seen;
	for (uint32_t i = 0; i < x->n_imei; i++)
		dw_digits_unpack(*imei_at(x, i), s->imeis[i], sizeof s->imeis[i]);
	uint32_t cell[DW_SUM_MAX_CELLS], cell_n[DW_SUM_MAX_CELLS];
	for (uint32_t i = 0; i < x->n_cell; i++) {
		cell[i] = *cell_at(x, i);
		cell_n[i] = *count_at(x, i);
	}
	/* cells: most events first, then by name */
	uint32_t order[DW_SUM_MAX_CELLS];
	for (uint32_t i = 0; i < x->n_cell; i++) {
		uint32_t j = i;
		while (j > 0) {
			uint32_t p = order[j - 1];
			int c = cell_n[p] != cell_n[i]
				    ? (cell_n[p] < cell_n[i] ? 1 : -1)
				    : strcmp(dw_cells_name(w->cells, cell[p]),
					     dw_cells_name(w->cells, cell[i]));
			if (c <= 0)
				break;
			order[j] = p;
			j--;
		}
		order[j] = i;
	}
	s->n_cells = x->n_cell;
	for (uint32_t i = 0; i < x->n_cell; i++) {
		const char *name = dw_cells_name(w->cells, cell[order[i]]);
		size_t n = strnlen(name, sizeof s->cells[i].cell - 1);
		memcpy(s->cells[i].cell, name, n);
		s->cells[i].cell[n] = '\0';
		s->cells[i].events = cell_n[order[i]];
	}
	s->calls_out = x->calls_out;
	s->calls_out_answered = x->calls_out_answered;
	s->calls_out_short = x->calls_out_short;
	s->calls_out_failed = x->calls_out_failed;
	s->calls_out_seconds = x->calls_out_seconds;
	s->calls_in = x->calls_in;
	s->calls_in_answered = x->calls_in_answered;
	s->sms_out = x->sms_out;
	s->sms_in = x->sms_in;
	s->seq_run_max = x->seq_max;
	s->data_sessions = x->data_sessions;
	s->registrations = x->registrations;
	s->first_event_us = x->first_us;
	s->last_event_us = x->last_us;
	if (x->is_big) {
		const struct big *b = x->ct.big;
		s->distinct_callees =
		    hll_estimate(b->hll[KIND_CALLEE], b->exact[KIND_CALLEE]);
		s->distinct_sms_dests =
		    hll_estimate(b->hll[KIND_SMS], b->exact[KIND_SMS]);
		s->n_sketch = b->n_sketch;
		memcpy(s->contact_sketch, b->sketch, b->n_sketch * sizeof *b->sketch);
	} else {
		for (uint32_t i = 0; i < x->n_ct; i++) {
			uint64_t e = x->ct.list[i];
			if (e & 1)
				s->distinct_sms_dests++;
			else
				s->distinct_callees++;
			sketch_add(s->contact_sketch, &s->n_sketch, e & ~UINT64_C(1));
		}
	}
}

struct sort_item {
	uint64_t k1, k2;
	uint32_t i;
};

static inline bool item_less(const struct sort_item *x, const struct sort_item *y)
{
	return x->k1 != y->k1 ? x->k1 < y->k1 : x->k2 < y->k2;
}

/* Stable bottom-up merge sort of a[n] through tmp[n] (qsort's comparator calls
 * were most of closing a generation); the result ends in a. */
static void sort_items(struct sort_item *a, struct sort_item *tmp, uint32_t n)
{
	struct sort_item *src = a, *dst = tmp;
	for (uint32_t width = 1; width < n; width *= 2) {
		for (uint32_t lo = 0; lo < n; lo += 2 * width) {
			uint32_t mid = lo + width < n ? lo + width : n;
			uint32_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			uint32_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				dst[k++] = item_less(&src[j], &src[i]) ? src[j++] : src[i++];
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
		}
		struct sort_item *t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, (size_t)n * sizeof *a);
}

/* Emits and frees every window of generation g, in (imsi, msisdn) order. */
static int close_gen(struct dw_windows *w, uint32_t g)
{
	struct gen gen = w->gens[g];
	memmove(&w->gens[g], &w->gens[g + 1], (w->n_gens - g - 1) * sizeof *w->gens);
	w->n_gens--;
	struct sort_item *items = malloc((size_t)(gen.count ? gen.count : 1) * 2 * sizeof *items);
	if (!items)
		return -1;
	uint32_t n = 0;
	for (uint32_t i = gen.head; i != NIL && n < gen.count; i = w->w[i].gen_next) {
		items[n].k1 = dw_digits_sort_key(w->w[i].imsi);
		items[n].k2 = dw_digits_sort_key(w->w[i].msisdn);
		items[n].i = i;
		n++;
	}
	sort_items(items, items + (gen.count ? gen.count : 1), n);
	int rv = 0;
	struct dw_summary s;
	for (uint32_t k = 0; k < n; k++) {
		uint32_t i = items[k].i;
		struct win *x = &w->w[i];
		if (rv == 0) {
			fill_summary(w, x, &s);
			w->st.emitted++;
			if (w->emit && w->emit(w->arg, &s) < 0)
				rv = -1;
		}
		index_del(w, i);
		win_release(x);
		x->gen_next = w->free_list;
		w->free_list = i;
		w->st.open--;
	}
	free(items);
	return rv;
}

int dw_windows_advance(struct dw_windows *w, int64_t ts_us)
{
	int64_t now_s = floor_div(ts_us, 1000000);
	w->now_s = now_s;
	while (w->n_gens > 0 &&
	       ts_us > (w->gens[0].start + w->o.seconds + w->o.grace_s) * 1000000)
		if (close_gen(w, 0) < 0)
			return -1;
	return 0;
}

int dw_windows_flush(struct dw_windows *w)
{
	while (w->n_gens > 0)
		if (close_gen(w, 0) < 0)
			return -1;
	return 0;
}

void dw_windows_get_stats(const struct dw_windows *w, struct dw_window_stats *s)
{
	*s = w->st;
	size_t contacts = 0;
	for (uint32_t g = 0; g < w->n_gens; g++)
		for (uint32_t i = w->gens[g].head; i != NIL; i = w->w[i].gen_next)
			contacts += (w->w[i].is_big ? sizeof(struct big)
						    : w->w[i].cap_ct * sizeof(uint64_t)) +
				    (w->w[i].more ? sizeof(struct win_more) : 0);
	s->bytes =
	    (size_t)w->cap * sizeof *w->w + (w->slot ? (w->mask + 1) * 4u : 0) + contacts;
}
