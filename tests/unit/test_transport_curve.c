/* test_transport_curve.c: with transport.curve=on, keys made by keygen, an
 * allow-listed sensor is accepted and its summaries committed, a sensor with
 * another key is refused (and counted), and both sides refuse to start when a
 * key file is missing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "denwatch/curve.h"
#include "denwatch/log.h"
#include "transport_harness.h"
#include "transport_store_double.h"

static struct dw_config *curve_config(const char *ep, const char *dir, const char *sensor_key,
				      const char *final_wait)
{
	char a[4][600];
	snprintf(a[0], sizeof a[0], "transport.server_public_key=%s/keys/correlator.pub", dir);
	snprintf(a[1], sizeof a[1], "transport.server_secret_key=%s/keys/correlator.secret", dir);
	snprintf(a[2], sizeof a[2], "transport.sensor_secret_key=%s/keys/%s.secret", dir, sensor_key);
	snprintf(a[3], sizeof a[3], "transport.allow_list=%s/keys/allowed", dir);
	const char *extra[] = { "transport.curve=on", a[0], a[1], a[2], a[3], final_wait, NULL };
	return test_config(ep, dir, extra);
}

static void allow_listed_in_other_key_out(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), ep[64], kdir[300], err[DW_ERR_LEN], pub[DW_Z85_KEY_LEN + 1];
	snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", free_port());
	snprintf(kdir, sizeof kdir, "%s/keys", dir);
	assert_int_equal(dw_curve_keypair_write(kdir, "correlator", 0, NULL, err, sizeof err), 0);
	assert_int_equal(dw_curve_keypair_write(kdir, "sensor", 0, pub, err, sizeof err), 0);
	assert_int_equal(dw_curve_keypair_write(kdir, "intruder", 0, NULL, err, sizeof err), 0);
	/* a secret is never replaced by accident, and is private */
	assert_int_equal(dw_curve_keypair_write(kdir, "sensor", 0, NULL, err, sizeof err), -1);
	struct stat sb;
	char path[400];
	snprintf(path, sizeof path, "%s/sensor.secret", kdir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	snprintf(path, sizeof path, "%s/allowed", kdir);
	FILE *f = fopen(path, "w");
	fprintf(f, "# sensors allowed\n%s probe-ims\n", pub);
	fclose(f);

	struct dw_config *good = curve_config(ep, dir, "sensor", "transport.final_wait_s=20");
	struct dw_config *bad = curve_config(ep, dir, "intruder", "transport.final_wait_s=1");
	struct dw_store *st = double_new();
	struct ingest_thread it;
	ingest_start(&it, good, st, 1);
	struct dw_summary s;

	struct dw_sender *snd = dw_sender_new(bad, NULL, "intruder");
	assert_non_null(snd);
	for (unsigned i = 0; i < 10; i++) {
		fixture_summary(&s, i);
		assert_int_equal(dw_sender_sink(snd, &s), 0);
	}
	assert_int_equal(dw_sender_finish(snd), -1);
	dw_sender_free(snd);

	/* an allowed key sending as another sensor id than the allow-list names */
	struct dw_config *quick = curve_config(ep, dir, "sensor", "transport.final_wait_s=1");
	snd = dw_sender_new(quick, NULL, "probe-other");
	assert_non_null(snd);
	for (unsigned i = 0; i < 10; i++) {
		fixture_summary(&s, i);
		assert_int_equal(dw_sender_sink(snd, &s), 0);
	}
	assert_int_equal(dw_sender_finish(snd), -1);
	dw_sender_free(snd);
	test_config_free(quick);

	snd = dw_sender_new(good, NULL, "probe-ims");
	assert_non_null(snd);
	for (unsigned i = 0; i < 500; i++) {
		fixture_summary(&s, i);
		assert_int_equal(dw_sender_sink(snd, &s), 0);
	}
	assert_int_equal(dw_sender_finish(snd), 0);
	dw_sender_free(snd);
	assert_int_equal(ingest_join(&it), 0);
	assert_true(double_exactly_once(st, "probe-ims", 500));
	assert_int_equal(st->n_ids, 1);
	assert_true(it.stats.auth_refused >= 1);
	assert_true(it.stats.dropped_by[DW_WIRE_BAD_SENSOR_ID] >= 1);
	print_message("# handshakes refused: %llu\n", (unsigned long long)it.stats.auth_refused);

	double_free(st);
	test_config_free(good);
	test_config_free(bad);
	remove_tmpdir(dir);
}

static void missing_keys_refuse_to_start(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), ep[64];
	snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", free_port());
	struct dw_config *c = curve_config(ep, dir, "sensor", "transport.final_wait_s=1");
	assert_null(dw_sender_new(c, NULL, "s1"));
	struct dw_store *st = double_new();
	struct dw_ingest_opts o = { .expect_sensors = 1 };
	assert_int_equal(dw_ingest_run(c, st, &o), DW_EXIT_FAIL);
	/* with the server key present, the missing allow-list stops it */
	char kdir[300], err[DW_ERR_LEN];
	snprintf(kdir, sizeof kdir, "%s/keys", dir);
	assert_int_equal(dw_curve_keypair_write(kdir, "correlator", 0, NULL, err, sizeof err), 0);
	assert_int_equal(dw_ingest_run(c, st, &o), DW_EXIT_FAIL);
	double_free(st);
	test_config_free(c);
	remove_tmpdir(dir);
}

static void keygen_command(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), out[400];
	snprintf(out, sizeof out, "%s/k", dir);
	char *argv[] = { "keygen", "--out", out, NULL };
	assert_int_equal(dw_keygen_main("sensor", 3, argv), 0);
	assert_int_equal(dw_keygen_main("sensor", 3, argv), DW_EXIT_FAIL);
	char *bad[] = { "keygen", "--bogus", NULL };
	assert_int_equal(dw_keygen_main("sensor", 2, bad), DW_EXIT_USAGE);
	char key[DW_Z85_KEY_LEN + 1], err[DW_ERR_LEN], p[500];
	snprintf(p, sizeof p, "%s/sensor.pub", out);
	assert_int_equal(dw_curve_read_key(p, 0, key, err, sizeof err), 0);
	snprintf(p, sizeof p, "%s/sensor.secret", out);
	assert_int_equal(dw_curve_read_key(p, 1, key, err, sizeof err), 0);
	chmod(p, 0644);
	assert_int_equal(dw_curve_read_key(p, 1, key, err, sizeof err), -1);
	assert_non_null(strstr(err, "chmod 600"));
	remove_tmpdir(dir);
}

int main(void)
{
	dw_log_init("denwatch-test", getenv("DW_TEST_LOG") ? DW_LOG_DEBUG : DW_LOG_WARN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(allow_listed_in_other_key_out),
		cmocka_unit_test(missing_keys_refuse_to_start),
		cmocka_unit_test(keygen_command),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
