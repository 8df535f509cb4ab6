/* test_identity_table.c: digit packing, cell interning, IMSI <-> MSISDN <-> IMEI
 * <-> cell binding across events, rebinding, and least-recently-seen eviction. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../sensors/identity.h"

static void packing(void **state)
{
	(void)state;
	char out[DW_PACK_MAX_DIGITS + 1];
	const char *cases[] = {"0",
			       "001010000000064",
			       "460010000001234",
			       "8613800001234",
			       "12345678901234567",
			       "35123456000001"};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint64_t v = dw_digits_pack(cases[i]);
		assert_true(v != 0);
		dw_digits_unpack(v, out, sizeof out);
		assert_string_equal(out, cases[i]);
	}
	assert_true(dw_digits_pack("") == 0);
	assert_true(dw_digits_pack("123456789012345678") == 0); /* 18 digits */
	assert_true(dw_digits_pack("12a") == 0);
	assert_true(dw_digits_pack("01") != dw_digits_pack("1"));
	/* sort keys follow the text order */
	const char *sorted[] = {"",   "0",   "00", "001", "01",	  "1",
				"10", "100", "11", "2",	  "99999"};
	for (size_t i = 1; i < sizeof sorted / sizeof sorted[0]; i++)
		assert_true(dw_digits_sort_key(dw_digits_pack(sorted[i - 1])) <
			    dw_digits_sort_key(dw_digits_pack(sorted[i])));
}

static void cells(void **state)
{
	(void)state;
	struct dw_cells *c = dw_cells_new(100);
	assert_int_equal(dw_cells_intern(c, ""), 0);
	uint32_t a = dw_cells_intern(c, "460-01-4660-19088743");
	uint32_t b = dw_cells_intern(c, "460-01-4660-19088744");
	assert_true(a && b && a != b);
	assert_int_equal(dw_cells_intern(c, "460-01-4660-19088743"), a);
	assert_string_equal(dw_cells_name(c, b), "460-01-4660-19088744");
	assert_string_equal(dw_cells_name(c, 0), "");
	char name[32];
	for (int i = 0; i < 200; i++) {
		snprintf(name, sizeof name, "460-01-1-%d", i);
		dw_cells_intern(c, name);
	}
	assert_int_equal(dw_cells_count(c), 100);
	assert_int_equal(dw_cells_dropped(c), 102);
	assert_int_equal(dw_cells_intern(c, "460-01-4660-19088743"), a); /* still known */
	dw_cells_free(c);
}

static struct dw_event ev_of(const char *imsi, const char *msisdn, const char *imei,
			     const char *cell)
{
	struct dw_event ev;
	memset(&ev, 0, sizeof ev);
	snprintf(ev.imsi, sizeof ev.imsi, "%s", imsi);
	snprintf(ev.msisdn, sizeof ev.msisdn, "%s", msisdn);
	snprintf(ev.imei, sizeof ev.imei, "%s", imei);
	snprintf(ev.cell, sizeof ev.cell, "%s", cell);
	return ev;
}

static void binding_completes_events(void **state)
{
	(void)state;
	struct dw_cells *c = dw_cells_new(100);
	struct dw_ident *t = dw_ident_new(100, c);
	uint32_t cell;
	/* SIP REGISTER: IMSI + IMEI + cell; then 200 OK binds the MSISDN */
	struct dw_event e = ev_of("460010000001234", "", "35123456000001", "460-01-1-10");
	assert_int_equal(dw_ident_complete(t, &e, &cell), 0);
	assert_true(cell != 0);
	e = ev_of("460010000001234", "8613800001234", "", "");
	assert_int_equal(dw_ident_complete(t, &e, &cell), DW_IDENT_NEW_BINDING);
	assert_string_equal(e.imei, "35123456000001");
	assert_string_equal(e.cell, "460-01-1-10");
	/* a SIP call with only the MSISDN gets IMSI, IMEI and cell */
	e = ev_of("", "8613800001234", "", "");
	assert_int_equal(dw_ident_complete(t, &e, &cell), 0);
	assert_string_equal(e.imsi, "460010000001234");
	assert_string_equal(e.imei, "35123456000001");
	assert_string_equal(e.cell, "460-01-1-10");
	/* the cell moves */
	e = ev_of("", "8613800001234", "", "460-01-1-11");
	dw_ident_complete(t, &e, &cell);
	e = ev_of("460010000001234", "", "", "");
	dw_ident_complete(t, &e, &cell);
	assert_string_equal(e.cell, "460-01-1-11");
	assert_string_equal(e.msisdn, "8613800001234");
	struct dw_ident_stats st;
	dw_ident_get_stats(t, &st);
	assert_int_equal(st.tracked, 1);
	assert_int_equal(st.bindings, 1);
	dw_ident_free(t);
	dw_cells_free(c);
}

static void msisdn_first_then_imsi(void **state)
{
	(void)state;
	struct dw_cells *c = dw_cells_new(100);
	struct dw_ident *t = dw_ident_new(100, c);
	uint32_t cell;
	struct dw_event e = ev_of("", "8613800009999", "", "460-01-1-20");
	dw_ident_complete(t, &e, &cell);
	e = ev_of("460010000009999", "", "35123456000009", "");
	dw_ident_complete(t, &e, &cell);
	struct dw_ident_stats st;
	dw_ident_get_stats(t, &st);
	assert_int_equal(st.tracked, 2);
	/* the binding folds the MSISDN-only entry into the IMSI's */
	e = ev_of("460010000009999", "8613800009999", "", "");
	assert_int_equal(dw_ident_complete(t, &e, &cell), DW_IDENT_NEW_BINDING);
	dw_ident_get_stats(t, &st);
	assert_int_equal(st.tracked, 1);
	e = ev_of("", "8613800009999", "", "");
	dw_ident_complete(t, &e, &cell);
	assert_string_equal(e.imsi, "460010000009999");
	assert_string_equal(e.imei, "35123456000009");
	assert_string_equal(e.cell, "460-01-1-20");
	/* the MSISDN moves to another SIM */
	e = ev_of("460010000008888", "8613800009999", "", "");
	assert_int_equal(dw_ident_complete(t, &e, &cell), DW_IDENT_NEW_BINDING);
	e = ev_of("", "8613800009999", "", "");
	dw_ident_complete(t, &e, &cell);
	assert_string_equal(e.imsi, "460010000008888");
	e = ev_of("460010000009999", "", "", "");
	dw_ident_complete(t, &e, &cell);
	assert_string_equal(e.msisdn, "");
	dw_ident_get_stats(t, &st);
	assert_int_equal(st.rebindings, 1);
	dw_ident_free(t);
	dw_cells_free(c);
}

static void eviction_least_recently_seen(void **state)
{
	(void)state;
	struct dw_cells *c = dw_cells_new(100);
	struct dw_ident *t = dw_ident_new(16, c);
	uint32_t cell;
	char imsi[40], msisdn[24];
	for (int i = 0; i < 16; i++) {
		snprintf(imsi, sizeof imsi, "4600100000%05d", i);
		snprintf(msisdn, sizeof msisdn, "86138%08d", i);
		struct dw_event e = ev_of(imsi, msisdn, "", "");
		dw_ident_complete(t, &e, &cell);
	}
	/* touch subscriber 0 so that 1 is the least recently seen */
	struct dw_event e = ev_of("460010000000000", "", "", "");
	dw_ident_complete(t, &e, &cell);
	e = ev_of("460010000099999", "", "", "");
	dw_ident_complete(t, &e, &cell);
	struct dw_ident_stats st;
	dw_ident_get_stats(t, &st);
	assert_int_equal(st.tracked, 16);
	assert_int_equal(st.evictions, 1);
	e = ev_of("", "8613800000000", "", "");
	dw_ident_complete(t, &e, &cell);
	assert_string_equal(e.imsi, "460010000000000");
	e = ev_of("", "8613800000001", "", ""); /* evicted: unknown again */
	dw_ident_complete(t, &e, &cell);
	assert_string_equal(e.imsi, "");
	/* many more: the table never grows past its bound */
	for (int i = 0; i < 5000; i++) {
		snprintf(imsi, sizeof imsi, "4600200000%05d", i);
		snprintf(msisdn, sizeof msisdn, "86139%08d", i);
		e = ev_of(imsi, msisdn, "", "");
		dw_ident_complete(t, &e, &cell);
	}
	dw_ident_get_stats(t, &st);
	assert_int_equal(st.tracked, 16);
	assert_true(st.evictions > 5000);
	assert_true(st.bytes < 16 * 64 + 2 * 4 * 64 + 1024);
	/* the last one is still complete */
	e = ev_of("", "8613900004999", "", "");
	dw_ident_complete(t, &e, &cell);
	assert_string_equal(e.imsi, "460020000004999");
	dw_ident_free(t);
	dw_cells_free(c);
}

static void unpackable_ids(void **state)
{
	(void)state;
	struct dw_cells *c = dw_cells_new(100);
	struct dw_ident *t = dw_ident_new(100, c);
	uint32_t cell;
	struct dw_event e = ev_of("", "123456789012345678901", "", "");
	assert_int_equal(dw_ident_complete(t, &e, &cell), 0);
	struct dw_ident_stats st;
	dw_ident_get_stats(t, &st);
	assert_int_equal(st.tracked, 0);
	assert_int_equal(st.unpackable, 1);
	/* nothing to bind on */
	e = ev_of("", "", "35123456000001", "460-01-1-1");
	assert_int_equal(dw_ident_complete(t, &e, &cell), 0);
	dw_ident_free(t);
	dw_cells_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(packing),
	    cmocka_unit_test(cells),
	    cmocka_unit_test(binding_completes_events),
	    cmocka_unit_test(msisdn_first_then_imsi),
	    cmocka_unit_test(eviction_least_recently_seen),
	    cmocka_unit_test(unpackable_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
