/* test_outbox_durable.c: the outbox keeps summaries and the sequence across a
 * close and reopen, deletes on acknowledgement, and is locked to one process. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../sensors/outbox.h"

static char dir[] = "/tmp/dwoutbox.XXXXXX";
static char path[256];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/dwoutbox.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/s1.db", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

struct collect {
	uint64_t seqs[64];
	char payloads[64][16];
	size_t n;
};

static int collect_fn(void *arg, uint64_t seq, const void *p, size_t len)
{
	struct collect *c = arg;
	c->seqs[c->n] = seq;
	memcpy(c->payloads[c->n], p, len < 15 ? len : 15);
	c->payloads[c->n][len < 15 ? len : 15] = 0;
	c->n++;
	return 0;
}

static void survives_reopen_and_sequence_continues(void **state)
{
	(void)state;
	char err[256];
	struct dw_outbox *ob = dw_outbox_open(path, true, err, sizeof err);
	assert_non_null(ob);
	assert_int_equal(dw_outbox_next_seq(ob), 1);
	char p[16];
	for (int i = 1; i <= 10; i++) {
		snprintf(p, sizeof p, "sum%d", i);
		assert_int_equal(dw_outbox_put(ob, p, strlen(p)), i);
	}
	assert_int_equal(dw_outbox_pending(ob), 10);
	assert_int_equal(dw_outbox_flush(ob), 0);
	assert_int_equal(dw_outbox_pending(ob), 0);
	dw_outbox_close(ob);

	ob = dw_outbox_open(path, false, err, sizeof err);
	assert_non_null(ob);
	assert_int_equal(dw_outbox_count(ob), 10);
	assert_int_equal(dw_outbox_first(ob), 1);
	assert_int_equal(dw_outbox_next_seq(ob), 11);
	struct collect c = { 0 };
	assert_int_equal(dw_outbox_read(ob, 4, 3, collect_fn, &c), 0);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.seqs[0], 4);
	assert_string_equal(c.payloads[2], "sum6");

	/* acknowledge everything: the rows go, the sequence does not restart */
	assert_int_equal(dw_outbox_ack(ob, 10), 10);
	assert_int_equal(dw_outbox_flush(ob), 0);
	assert_int_equal(dw_outbox_count(ob), 0);
	assert_int_equal(dw_outbox_first(ob), 0);
	dw_outbox_close(ob);
	ob = dw_outbox_open(path, true, err, sizeof err);
	assert_non_null(ob);
	assert_int_equal(dw_outbox_next_seq(ob), 11);
	assert_int_equal(dw_outbox_put(ob, "x", 1), 11);
	assert_int_equal(dw_outbox_ack(ob, 5), 0);
	dw_outbox_close(ob); /* close commits pending puts */
	ob = dw_outbox_open(path, true, err, sizeof err);
	assert_int_equal(dw_outbox_count(ob), 1);
	assert_int_equal(dw_outbox_next_seq(ob), 12);
	int64_t v = 0;
	assert_int_equal(dw_outbox_meta_set(ob, "stream_done", 42), 0);
	assert_int_equal(dw_outbox_meta_get(ob, "stream_done", &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(dw_outbox_meta_get(ob, "nothing", &v), -1);
	dw_outbox_close(ob);
}

/* Unflushed puts are lost with a crash, and their numbers are given again: that is
 * why the sender flushes before sending. */
static void unflushed_puts_vanish_in_a_crash(void **state)
{
	(void)state;
	char err[256];
	pid_t pid = fork();
	if (pid == 0) {
		struct dw_outbox *ob = dw_outbox_open(path, true, err, sizeof err);
		dw_outbox_put(ob, "a", 1);
		dw_outbox_flush(ob);
		dw_outbox_put(ob, "b", 1);
		_exit(0); /* no close: as kill -9 */
	}
	int status;
	waitpid(pid, &status, 0);
	struct dw_outbox *ob = dw_outbox_open(path, true, err, sizeof err);
	assert_non_null(ob);
	assert_int_equal(dw_outbox_count(ob), 1);
	assert_int_equal(dw_outbox_next_seq(ob), 2);
	dw_outbox_close(ob);
}

static void one_process_at_a_time(void **state)
{
	(void)state;
	char err[256];
	struct dw_outbox *ob = dw_outbox_open(path, true, err, sizeof err);
	assert_non_null(ob);
	pid_t pid = fork();
	if (pid == 0) {
		struct dw_outbox *o2 = dw_outbox_open(path, true, err, sizeof err);
		_exit(o2 == NULL && strstr(err, "in use") ? 0 : 1);
	}
	int status;
	waitpid(pid, &status, 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	dw_outbox_close(ob);
	assert_null(dw_outbox_open("/nonexistent/dir/x.db", true, err, sizeof err));
	assert_non_null(strstr(err, "/nonexistent/dir/x.db: "));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(survives_reopen_and_sequence_continues, setup, teardown),
		cmocka_unit_test_setup_teardown(unflushed_puts_vanish_in_a_crash, setup, teardown),
		cmocka_unit_test_setup_teardown(one_process_at_a_time, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
