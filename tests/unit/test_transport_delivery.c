/* test_transport_delivery.c: the real sender and the real ingest loop over a
 * loopback TCP socket deliver every summary exactly once into the store, also
 * when the correlator side stops and comes back mid-stream, and when two sensors
 * send at once. The store is a test double that counts each (sensor, seq). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/wait.h>

#include "denwatch/log.h"
#include "transport_harness.h"
#include "transport_store_double.h"

#define N 12000

static void exactly_once_across_a_correlator_restart(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), ep[64];
	snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", free_port());
	struct dw_config *cfg = test_config(ep, dir, NULL);
	struct dw_store *st = double_new();
	struct ingest_thread it;
	struct dw_summary s;

	ingest_start(&it, cfg, st, 0);
	struct dw_sender *snd = dw_sender_new(cfg, NULL, "probe-a");
	assert_non_null(snd);
	unsigned i = 0;
	for (; i < N / 3; i++) {
		fixture_summary(&s, i);
		assert_int_equal(dw_sender_sink(snd, &s), 0);
	}
	/* correlator goes away with summaries in flight */
	assert_int_equal(ingest_stop(&it), 0);
	uint64_t first_run = it.stats.stored;
	for (; i < 2 * N / 3; i++) {
		fixture_summary(&s, i);
		assert_int_equal(dw_sender_sink(snd, &s), 0);
	}
	/* and comes back, in batch mode this time */
	ingest_start(&it, cfg, st, 1);
	for (; i < N; i++) {
		fixture_summary(&s, i);
		assert_int_equal(dw_sender_sink(snd, &s), 0);
	}
	assert_int_equal(dw_sender_finish(snd), 0);
	dw_sender_free(snd);
	assert_int_equal(ingest_join(&it), 0);
	print_message("# first run stored %llu, second %llu (duplicates %llu, out of order %llu)\n",
		      (unsigned long long)first_run, (unsigned long long)it.stats.stored,
		      (unsigned long long)it.stats.duplicates,
		      (unsigned long long)it.stats.out_of_order);
	assert_true(first_run > 0 && first_run < N);
	assert_true(double_exactly_once(st, "probe-a", N));
	assert_int_equal(st->done[double_sensor(st, "probe-a")], 1);
	assert_int_equal(st->final_scoring, 1);
	assert_int_equal(it.stats.dropped, 0);

	/* a restarted sensor on an empty outbox numbers on, nothing is resent */
	snd = dw_sender_new(cfg, NULL, "probe-a");
	assert_non_null(snd);
	dw_sender_free(snd);
	double_free(st);
	test_config_free(cfg);
	remove_tmpdir(dir);
}

static void sensor_restart_resends_its_outbox(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), ep[64];
	snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", free_port());
	struct dw_config *cfg = test_config(ep, dir, NULL);
	struct dw_config *quick = test_config(ep, dir, (const char *[]){ "transport.final_wait_s=1", NULL });
	struct dw_store *st = double_new();
	struct dw_summary s;
	/* no correlator yet: everything stays in the outbox */
	struct dw_sender *snd = dw_sender_new(quick, NULL, "probe-b");
	assert_non_null(snd);
	for (unsigned i = 0; i < 3000; i++) {
		fixture_summary(&s, i);
		assert_int_equal(dw_sender_sink(snd, &s), 0);
	}
	assert_int_equal(dw_sender_finish(snd), -1); /* prints how many remain */
	dw_sender_free(snd);

	struct ingest_thread it;
	ingest_start(&it, cfg, st, 1);
	snd = dw_sender_new(cfg, NULL, "probe-b");
	assert_non_null(snd);
	for (unsigned i = 3000; i < 5000; i++) {
		fixture_summary(&s, i);
		assert_int_equal(dw_sender_sink(snd, &s), 0);
	}
	assert_int_equal(dw_sender_finish(snd), 0);
	dw_sender_free(snd);
	assert_int_equal(ingest_join(&it), 0);
	assert_true(double_exactly_once(st, "probe-b", 5000));
	double_free(st);
	test_config_free(cfg);
	test_config_free(quick);
	remove_tmpdir(dir);
}

static void two_sensors_at_once(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), ep[64];
	snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", free_port());
	struct dw_config *cfg = test_config(ep, dir, NULL);
	struct dw_store *st = double_new();
	struct ingest_thread it;
	struct dw_summary s;
	ingest_start(&it, cfg, st, 2);
	struct dw_sender *a = dw_sender_new(cfg, NULL, "ims"), *b = dw_sender_new(cfg, NULL, "s11");
	assert_non_null(a);
	assert_non_null(b);
	for (unsigned i = 0; i < 4000; i++) {
		fixture_summary(&s, i);
		assert_int_equal(dw_sender_sink(a, &s), 0);
		assert_int_equal(dw_sender_sink(b, &s), 0);
	}
	assert_int_equal(dw_sender_finish(a), 0);
	assert_int_equal(dw_sender_finish(b), 0);
	dw_sender_free(a);
	dw_sender_free(b);
	assert_int_equal(ingest_join(&it), 0);
	assert_true(double_exactly_once(st, "ims", 4000));
	assert_true(double_exactly_once(st, "s11", 4000));
	assert_int_equal(it.stats.sensors_done, 2);
	double_free(st);
	test_config_free(cfg);
	remove_tmpdir(dir);
}

/* A sensor killed mid-replay and started again on the same input resumes where
 * its outbox stood: every summary exactly once, under the same numbers. */
static void killed_replay_resumes(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), ep[64];
	snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", free_port());
	struct dw_config *cfg = test_config(ep, dir, NULL);
	struct dw_summary s;
	pid_t pid = fork();
	if (pid == 0) {
		struct dw_sender *snd = dw_sender_new(cfg, NULL, "replay");
		if (!snd || dw_sender_resume_stream(snd, "capture-A") != 0)
			_exit(1);
		for (unsigned i = 0; i < 2987; i++) {
			fixture_summary(&s, i);
			dw_sender_sink(snd, &s);
		}
		_exit(0); /* as kill -9: no flush, no close */
	}
	int status;
	waitpid(pid, &status, 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	struct dw_store *st = double_new();
	struct ingest_thread it;
	ingest_start(&it, cfg, st, 1);
	struct dw_sender *snd = dw_sender_new(cfg, NULL, "replay");
	assert_non_null(snd);
	uint64_t skip = dw_sender_resume_stream(snd, "capture-A");
	print_message("# resumed after %llu summaries\n", (unsigned long long)skip);
	assert_true(skip > 0 && skip <= 2987);
	for (unsigned i = 0; i < 5000; i++) { /* the whole input again */
		fixture_summary(&s, i);
		assert_int_equal(dw_sender_sink(snd, &s), 0);
	}
	assert_int_equal(dw_sender_finish(snd), 0);
	dw_sender_free(snd);
	assert_int_equal(ingest_join(&it), 0);
	assert_true(double_exactly_once(st, "replay", 5000));
	/* finished: the same input again is a new stream */
	snd = dw_sender_new(cfg, NULL, "replay");
	assert_int_equal(dw_sender_resume_stream(snd, "capture-A"), 0);
	dw_sender_free(snd);
	double_free(st);
	test_config_free(cfg);
	remove_tmpdir(dir);
}

/* The outbox of a sensor is lost (disk replaced, file deleted): the new one
 * hears from the correlator how far this sensor id got and numbers on from
 * there, so its new summaries are not dropped as duplicates. */
static void lost_outbox_numbers_on(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), ep[64], path[300];
	snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", free_port());
	struct dw_config *cfg = test_config(ep, dir, NULL);
	struct dw_store *st = double_new();
	struct ingest_thread it;
	struct dw_summary s;
	ingest_start(&it, cfg, st, 0);
	struct dw_sender *snd = dw_sender_new(cfg, NULL, "lost");
	for (unsigned i = 0; i < 100; i++) {
		fixture_summary(&s, i);
		assert_int_equal(dw_sender_sink(snd, &s), 0);
	}
	assert_int_equal(dw_sender_finish(snd), 0);
	dw_sender_free(snd);
	snprintf(path, sizeof path, "rm -f %s/lost.db*", dir);
	assert_int_equal(system(path), 0);
	snd = dw_sender_new(cfg, NULL, "lost");
	assert_non_null(snd);
	for (unsigned i = 100; i < 150; i++) {
		fixture_summary(&s, i);
		assert_int_equal(dw_sender_sink(snd, &s), 0);
	}
	assert_int_equal(dw_sender_finish(snd), 0);
	dw_sender_free(snd);
	assert_int_equal(ingest_stop(&it), 0);
	assert_true(double_exactly_once(st, "lost", 150));
	double_free(st);
	test_config_free(cfg);
	remove_tmpdir(dir);
}

int main(void)
{
	dw_log_init("denwatch-test", getenv("DW_TEST_LOG") ? DW_LOG_DEBUG : DW_LOG_WARN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exactly_once_across_a_correlator_restart),
		cmocka_unit_test(sensor_restart_resends_its_outbox),
		cmocka_unit_test(two_sensors_at_once),
		cmocka_unit_test(killed_replay_resumes),
		cmocka_unit_test(lost_outbox_numbers_on),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
