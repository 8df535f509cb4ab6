/* test_privacy_pseudonyms.c: privacy.subscriber_ids = hmac keeps formats and the
 * non-secret prefixes, is deterministic for a key and differs between keys, never
 * maps two identifiers to one pseudonym, leaves everything as it is in clear mode,
 * and refuses bad key files with one reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../sensors/privacy.h"
#include "../../sensors/window.h"
#include "denwatch/config.h"
#include "denwatch/ident.h"

static const uint8_t key_a[32] = "0123456789abcdef0123456789abcdef";
static const uint8_t key_b[32] = "0123456789abcdef0123456789abcdeF";

static void same_format(const char *in, const char *out, size_t keep)
{
	assert_int_equal(strlen(out), strlen(in));
	assert_true(dw_all_digits(out, strlen(in), strlen(in)));
	assert_memory_equal(out, in, keep);
}

static void formats_and_prefixes_are_kept(void **state)
{
	(void)state;
	struct dw_privacy *p = dw_privacy_from_key(key_a, sizeof key_a);
	assert_non_null(p);
	char out[DW_NUMBER_MAX + 1];
	dw_privacy_imsi(p, "460010000001234", out, sizeof out);
	same_format("460010000001234", out, 5);
	assert_string_not_equal(out, "460010000001234");
	dw_privacy_msisdn(p, "8613800001234", out, sizeof out);
	same_format("8613800001234", out, 2);
	assert_string_not_equal(out, "8613800001234");
	dw_privacy_imei(p, "86123400000101", out, sizeof out);
	same_format("86123400000101", out, 8);
	assert_string_not_equal(out, "86123400000101");
	/* leading zeros and short numbers stay digits of the same length */
	dw_privacy_msisdn(p, "10086", out, sizeof out);
	same_format("10086", out, 2);
	dw_privacy_msisdn(p, "123", out, sizeof out);
	same_format("123", out, 2);
	/* a number too long for one permutation: hashed digits, same length */
	const char *longnum = "8613800001234567890123456";
	dw_privacy_msisdn(p, longnum, out, sizeof out);
	same_format(longnum, out, 2);
	assert_string_not_equal(out, longnum);
	/* empty stays empty, a prefix alone stays as it is */
	dw_privacy_imsi(p, "", out, sizeof out);
	assert_string_equal(out, "");
	dw_privacy_msisdn(p, "86", out, sizeof out);
	assert_string_equal(out, "86");
	dw_privacy_free(p);
}

static void deterministic_and_keyed(void **state)
{
	(void)state;
	struct dw_privacy *a1 = dw_privacy_from_key(key_a, sizeof key_a);
	struct dw_privacy *a2 = dw_privacy_from_key(key_a, sizeof key_a);
	struct dw_privacy *b = dw_privacy_from_key(key_b, sizeof key_b);
	char x[16], y[16], z[16];
	dw_privacy_imsi(a1, "460010000001234", x, sizeof x);
	dw_privacy_imsi(a2, "460010000001234", y, sizeof y);
	dw_privacy_imsi(b, "460010000001234", z, sizeof z);
	assert_string_equal(x, y);
	assert_string_not_equal(x, z);
	dw_privacy_imei(a1, "86123400000101", x, sizeof x);
	dw_privacy_imei(b, "86123400000101", z, sizeof z);
	assert_string_not_equal(x, z);
	/* one number gets one pseudonym whether it is a subscriber's MSISDN or a peer */
	struct dw_event ev = { 0 }, copy;
	strcpy(ev.msisdn, "8613800001234");
	strcpy(ev.peer, "8613800001234");
	strcpy(ev.call_id, "abc@10.0.0.1");
	const struct dw_event *o = dw_privacy_event(a1, &ev, &copy);
	assert_ptr_equal(o, &copy);
	assert_string_equal(o->msisdn, o->peer);
	assert_string_not_equal(o->peer, "8613800001234");
	assert_string_not_equal(o->call_id, "abc@10.0.0.1");
	dw_privacy_free(a1);
	dw_privacy_free(a2);
	dw_privacy_free(b);
}

/* The permutation is a bijection: every 4-digit MSIN of one network maps to a
 * different pseudonym, so two subscribers are never merged. */
static void no_two_identifiers_share_a_pseudonym(void **state)
{
	(void)state;
	struct dw_privacy *p = dw_privacy_from_key(key_a, sizeof key_a);
	static uint8_t seen[10000];
	memset(seen, 0, sizeof seen);
	int moved = 0;
	for (int i = 0; i < 10000; i++) {
		char in[24], out[24];
		snprintf(in, sizeof in, "46001%04d", i % 10000);
		dw_privacy_imsi(p, in, out, sizeof out);
		same_format(in, out, 5);
		int v = atoi(out + 5);
		assert_int_equal(seen[v], 0);
		seen[v] = 1;
		moved += v != i;
	}
	assert_true(moved > 9900);
	dw_privacy_free(p);
}

static void clear_mode_changes_nothing(void **state)
{
	(void)state;
	struct dw_summary s = { 0 }, copy;
	strcpy(s.imsi, "460010000001234");
	strcpy(s.msisdn, "8613800001234");
	s.n_imeis = 1;
	strcpy(s.imeis[0], "86123400000101");
	assert_ptr_equal(dw_privacy_summary(NULL, &s, &copy), &s);
	struct dw_event ev = { 0 }, ecopy;
	strcpy(ev.peer, "8613800001234");
	assert_ptr_equal(dw_privacy_event(NULL, &ev, &ecopy), &ev);
	char out[16];
	dw_privacy_imsi(NULL, "460010000001234", out, sizeof out);
	assert_string_equal(out, "460010000001234");
	assert_int_equal(dw_privacy_contact_hash(NULL, "8613800001234"),
			 dw_contact_hash("8613800001234"));

	struct dw_config c;
	dw_config_init(&c);
	struct dw_privacy *p = (struct dw_privacy *)&c; /* must be overwritten */
	assert_int_equal(dw_privacy_new(&c, &p), 0);
	assert_null(p);
	dw_config_free(&c);
}

static void summary_keeps_counters_and_tac(void **state)
{
	(void)state;
	struct dw_privacy *p = dw_privacy_from_key(key_a, sizeof key_a);
	struct dw_summary s = { 0 }, copy;
	strcpy(s.imsi, "460010000001234");
	strcpy(s.msisdn, "8613800001234");
	s.n_imeis = 2;
	s.imeis_seen = 2;
	strcpy(s.imeis[0], "86123400000101");
	strcpy(s.imeis[1], "86123400000102");
	s.calls_out = 7;
	s.n_sketch = 1;
	s.contact_sketch[0] = 42;
	const struct dw_summary *o = dw_privacy_summary(p, &s, &copy);
	assert_ptr_equal(o, &copy);
	assert_string_equal(s.imsi, "460010000001234"); /* the input is left alone */
	assert_string_not_equal(o->imsi, s.imsi);
	for (int i = 0; i < 2; i++) {
		same_format(s.imeis[i], o->imeis[i], DW_TAC_LEN);
		assert_string_not_equal(o->imeis[i], s.imeis[i]);
	}
	assert_string_not_equal(o->imeis[0], o->imeis[1]);
	assert_int_equal(o->calls_out, 7);
	assert_int_equal(o->contact_sketch[0], 42);
	/* the keyed contact hash differs from the clear one and between keys */
	struct dw_privacy *q = dw_privacy_from_key(key_b, sizeof key_b);
	uint64_t h = dw_privacy_contact_hash(p, "8613800001234");
	assert_int_equal(h & 1, 0);
	assert_true(h != dw_contact_hash("8613800001234"));
	assert_true(h != dw_privacy_contact_hash(q, "8613800001234"));
	assert_int_equal(h, dw_privacy_contact_hash(p, "8613800001234"));
	dw_privacy_free(p);
	dw_privacy_free(q);
}

/* privacy.imei_serial = blocks: TAC kept, distances inside a block of 1000
 * serials kept (modulo the block), the block itself moved. */
static void imei_blocks_keep_distances(void **state)
{
	(void)state;
	struct dw_privacy *p = dw_privacy_from_key(key_a, sizeof key_a);
	dw_privacy_set_imei_blocks(p, true);
	char a[16], b[16], c[16];
	dw_privacy_imei(p, "86123400477526", a, sizeof a);
	dw_privacy_imei(p, "86123400477529", b, sizeof b);
	dw_privacy_imei(p, "86123400478526", c, sizeof c);
	same_format("86123400477526", a, DW_TAC_LEN);
	same_format("86123400477529", b, DW_TAC_LEN);
	assert_string_not_equal(a, "86123400477526");
	assert_memory_equal(a, b, DW_TAC_LEN + 3); /* same block */
	assert_int_equal((atoi(b + DW_TAC_LEN + 3) - atoi(a + DW_TAC_LEN + 3) + 1000) % 1000, 3);
	assert_memory_not_equal(a, c, DW_TAC_LEN + 3); /* the next block moved */
	/* off by default, and permute differs from blocks */
	dw_privacy_set_imei_blocks(p, false);
	dw_privacy_imei(p, "86123400477526", c, sizeof c);
	assert_string_not_equal(a, c);
	dw_privacy_free(p);
}

/* ---- key files ---- */

static char keypath[64];

static int try_key(const void *bytes, size_t n, mode_t mode)
{
	strcpy(keypath, "/tmp/dwkeyXXXXXX");
	int fd = mkstemp(keypath);
	assert_true(fd >= 0);
	if (n)
		assert_int_equal(write(fd, bytes, n), (ssize_t)n);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
	struct dw_config c;
	dw_config_init(&c);
	char err[DW_ERR_LEN], set[128];
	assert_int_equal(dw_config_set(&c, "privacy.subscriber_ids=hmac", err, sizeof err), 0);
	snprintf(set, sizeof set, "privacy.hmac_key_file=%s", keypath);
	assert_int_equal(dw_config_set(&c, set, err, sizeof err), 0);
	struct dw_privacy *p = NULL;
	int rc = dw_privacy_new(&c, &p);
	assert_true(rc == 0 ? p != NULL : p == NULL);
	assert_int_equal(dw_privacy_check(&c), rc);
	dw_privacy_free(p);
	dw_config_free(&c);
	unlink(keypath);
	return rc;
}

static void key_file_errors(void **state)
{
	(void)state;
	static uint8_t big[DW_PRIVACY_KEY_MAX + 1];
	assert_int_equal(try_key(key_a, 32, 0600), 0);
	assert_int_equal(try_key(key_a, 32, 0400), 0);
	assert_int_equal(try_key(key_a, 31, 0600), -1);     /* too short */
	assert_int_equal(try_key(key_a, 0, 0600), -1);      /* empty */
	assert_int_equal(try_key(key_a, 32, 0640), -1);     /* group can read */
	assert_int_equal(try_key(key_a, 32, 0604), -1);     /* others can read */
	assert_int_equal(try_key(big, sizeof big, 0600), -1); /* not a key file */
	assert_int_equal(try_key(big, sizeof big - 1, 0600), 0);
	/* missing file */
	struct dw_config c;
	dw_config_init(&c);
	char err[DW_ERR_LEN];
	assert_int_equal(dw_config_set(&c, "privacy.subscriber_ids=hmac", err, sizeof err), 0);
	assert_int_equal(
	    dw_config_set(&c, "privacy.hmac_key_file=/nonexistent/dw.key", err, sizeof err), 0);
	struct dw_privacy *p = NULL;
	assert_int_equal(dw_privacy_new(&c, &p), -1);
	assert_null(p);
	/* a directory */
	assert_int_equal(dw_config_set(&c, "privacy.hmac_key_file=/tmp", err, sizeof err), 0);
	assert_int_equal(dw_privacy_check(&c), -1);
	dw_config_free(&c);
	assert_null(dw_privacy_from_key(key_a, 31));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(formats_and_prefixes_are_kept),
		cmocka_unit_test(deterministic_and_keyed),
		cmocka_unit_test(no_two_identifiers_share_a_pseudonym),
		cmocka_unit_test(clear_mode_changes_nothing),
		cmocka_unit_test(summary_keeps_counters_and_tac),
		cmocka_unit_test(imei_blocks_keep_distances),
		cmocka_unit_test(key_file_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
