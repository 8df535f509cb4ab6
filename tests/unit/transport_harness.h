/* transport_harness.h: runs the real ingest loop in a thread on a free loopback
 * port, and builds the configs the transport tests use. */
#ifndef DENWATCH_TEST_TRANSPORT_HARNESS_H
#define DENWATCH_TEST_TRANSPORT_HARNESS_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../correlator/ingest.h"
#include "../../sensors/sender.h"
#include "denwatch/config.h"

static inline int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t l = sizeof a;
	bind(fd, (struct sockaddr *)&a, sizeof a);
	getsockname(fd, (struct sockaddr *)&a, &l);
	close(fd);
	return ntohs(a.sin_port);
}

/* A config with transport.curve=off, short timeouts, the given endpoint and
 * outbox directory, then the extra assignments. */
static inline struct dw_config *test_config(const char *endpoint, const char *outbox_dir,
				     const char *const *extra)
{
	struct dw_config *c = calloc(1, sizeof(*c));
	char err[DW_ERR_LEN], a[1200];
	dw_config_init(c);
	const char *base[] = { "transport.curve=off", "transport.ack_timeout_ms=300",
			       "transport.final_wait_s=20", "transport.batch_size=50",
			       "transport.window=400", "transport.reconnect_ms=20",
			       "transport.reconnect_max_ms=100", "transport.commit_interval_ms=20",
			       "transport.commit_batch=700", NULL };
	for (int i = 0; base[i]; i++)
		if (dw_config_set(c, base[i], err, sizeof err))
			fprintf(stderr, "# %s\n", err);
	snprintf(a, sizeof a, "transport.endpoint=%s", endpoint);
	dw_config_set(c, a, err, sizeof err);
	snprintf(a, sizeof a, "transport.outbox_dir=%s", outbox_dir);
	dw_config_set(c, a, err, sizeof err);
	for (int i = 0; extra && extra[i]; i++)
		if (dw_config_set(c, extra[i], err, sizeof err))
			fprintf(stderr, "# %s\n", err);
	return c;
}

static inline void test_config_free(struct dw_config *c)
{
	dw_config_free(c);
	free(c);
}

struct ingest_thread {
	pthread_t t;
	struct dw_config *cfg;
	struct dw_store *st;
	struct dw_ingest_opts opts;
	struct dw_ingest_stats stats;
	int rc;
};

static inline void *ingest_main(void *arg)
{
	struct ingest_thread *it = arg;
	it->rc = dw_ingest_run(it->cfg, it->st, &it->opts);
	return NULL;
}

static inline void ingest_start(struct ingest_thread *it, struct dw_config *cfg, struct dw_store *st,
			 int expect)
{
	memset(it, 0, sizeof(*it));
	it->cfg = cfg;
	it->st = st;
	it->opts.expect_sensors = expect;
	it->opts.stats = &it->stats;
	pthread_create(&it->t, NULL, ingest_main, it);
	usleep(200000); /* its signal handlers are in place */
}

static inline int ingest_join(struct ingest_thread *it)
{
	pthread_join(it->t, NULL);
	return it->rc;
}

/* Live mode ends on a signal, as the correlator process would. */
static inline int ingest_stop(struct ingest_thread *it)
{
	kill(getpid(), SIGTERM);
	return ingest_join(it);
}

static inline char *make_tmpdir(void)
{
	char *d = strdup("/tmp/dwtransport.XXXXXX");
	return mkdtemp(d);
}

static inline void remove_tmpdir(char *d)
{
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
	if (system(cmd) != 0)
		fprintf(stderr, "# cannot remove %s\n", d);
	free(d);
}

#endif
