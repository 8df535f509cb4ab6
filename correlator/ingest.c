/* ingest.c: the correlator's receiving loop (DESIGN 4 and 5). A ROUTER socket
 * (CURVE server with the ZAP allow-list when transport.curve is on) takes hello,
 * batch and end-of-stream messages from DEALER sensors. Each message is decoded
 * and validated (wire.c); summaries are deduplicated by (sensor id, sequence):
 * per sensor only the next sequence after the highest one stored is taken, so
 * the store holds every sensor's summaries 1..high without a gap and high is the
 * cumulative acknowledgement. Summaries go into one store transaction that is
 * committed every transport.commit_batch summaries or commit_interval_ms; only
 * then are the sensors acknowledged. Invalid messages are counted by reason and
 * logged once per peer. */
#include "ingest.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "denwatch/curve.h"
#include "denwatch/log.h"
#include "denwatch/wire.h"

/* The corr module's scoring entry point (correlator/scoring.h). */
int dw_scoring_run(struct dw_store *st, const struct dw_config *cfg, int final);

#define MAX_SENSORS 4096
#define MAX_PEERS 4096
#define RID_MAX 256
#define LINGER_MS 500
#define SCORING_EVERY_MS 1000

struct sensor {
	char id[DW_SENSOR_ID_MAX + 1];
	uint64_t high;    /* committed: every seq <= high is in the store */
	uint64_t pending; /* taken into the open transaction */
	uint8_t rid[RID_MAX]; /* where to send its acknowledgements */
	size_t rid_len;
	bool need_ack, eos_done, gap_logged, eos_logged;
	uint64_t eos_seq;
};

struct peer {
	uint8_t rid[RID_MAX];
	size_t rid_len;
};

struct ingest {
	struct dw_config *cfg;
	struct dw_store *st;
	void *ctx, *sock;
	struct dw_zap *zap;
	size_t max_msg, commit_batch;
	int64_t commit_interval_ms;

	struct sensor *sensors;
	size_t n_sensors;
	struct peer *bad_peers; /* peers already logged, a ring */
	size_t n_bad, bad_next;

	bool in_tx;
	size_t pending_n;
	int64_t first_pending_ms;
	struct dw_summary *sums;
	struct dw_buf out;
	struct dw_ingest_stats stats;
};

static volatile sig_atomic_t stop_flag, reload_flag;

static void on_stop(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void on_hup(int sig)
{
	(void)sig;
	reload_flag = 1;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- peers and sensors ---- */

static void drop(struct ingest *in, const uint8_t *rid, size_t rid_len, zmq_msg_t *msg,
		 enum dw_wire_err why)
{
	in->stats.dropped++;
	in->stats.dropped_by[why]++;
	for (size_t i = 0; i < in->n_bad; i++)
		if (in->bad_peers[i].rid_len == rid_len && memcmp(in->bad_peers[i].rid, rid, rid_len) == 0)
			return;
	struct peer *p = &in->bad_peers[in->bad_next];
	in->bad_next = (in->bad_next + 1) % MAX_PEERS;
	if (in->n_bad < MAX_PEERS)
		in->n_bad++;
	memcpy(p->rid, rid, rid_len);
	p->rid_len = rid_len;
	in->stats.bad_peers++;
	const char *addr = msg ? zmq_msg_gets(msg, "Peer-Address") : NULL;
	LOG_WARN("ingest", "dropped a %s message from %s; further bad messages from this peer "
			   "are only counted",
		 dw_wire_strerror(why), addr ? addr : "a peer");
}

static struct sensor *sensor_get(struct ingest *in, const char *id)
{
	for (size_t i = 0; i < in->n_sensors; i++)
		if (strcmp(in->sensors[i].id, id) == 0)
			return &in->sensors[i];
	if (in->n_sensors == MAX_SENSORS)
		return NULL;
	struct sensor *s = &in->sensors[in->n_sensors++];
	memset(s, 0, sizeof(*s));
	snprintf(s->id, sizeof s->id, "%s", id);
	s->high = s->pending = dw_store_max_seq(in->st, id);
	LOG_INFO("ingest", "sensor %s: %llu summaries stored before", id, (unsigned long long)s->high);
	return s;
}

/* A sensor that finished before this correlator started (a restart after kill -9
 * in batch mode) has already sent its end-of-stream: count it as finished until it
 * sends more. */
static void preload_finished(void *arg, const char *sensor_id, uint64_t last_seq)
{
	struct sensor *s = sensor_get(arg, sensor_id);
	if (!s)
		return;
	s->eos_done = true;
	s->eos_seq = last_seq;
	LOG_INFO("ingest", "sensor %s finished before this start, at %llu", sensor_id,
		 (unsigned long long)last_seq);
}

static void set_route(struct sensor *s, const uint8_t *rid, size_t rid_len)
{
	memcpy(s->rid, rid, rid_len);
	s->rid_len = rid_len;
	s->need_ack = true;
}

/* ---- the store transaction ---- */

static int begin(struct ingest *in)
{
	if (in->in_tx)
		return 0;
	if (dw_store_begin(in->st)) {
		LOG_ERROR("ingest", "cannot begin a store transaction");
		return -1;
	}
	in->in_tx = true;
	in->first_pending_ms = now_ms();
	return 0;
}

static void send_ack(struct ingest *in, struct sensor *s)
{
	if (!s->rid_len ||
	    dw_wire_encode_ack(&in->out, s->id, s->high, s->eos_done && s->eos_seq == s->high))
		return;
	if (zmq_send(in->sock, s->rid, s->rid_len, ZMQ_SNDMORE | ZMQ_DONTWAIT) >= 0 &&
	    zmq_send(in->sock, in->out.p, in->out.len, ZMQ_DONTWAIT) >= 0)
		in->stats.acks++;
	else
		LOG_DEBUG("ingest", "sensor %s: ack not sent: %s", s->id, zmq_strerror(errno));
}

/* Commits what is pending, then acknowledges. Returns 0 or -1 (store failure:
 * nothing pending is acknowledged, the senders resend after a restart). */
static int commit(struct ingest *in)
{
	if (in->in_tx) {
		if (dw_store_commit(in->st)) {
			LOG_ERROR("ingest", "cannot commit %zu summaries to the store", in->pending_n);
			dw_store_rollback(in->st);
			in->in_tx = false;
			return -1;
		}
		in->in_tx = false;
		in->stats.commits++;
		in->stats.stored += in->pending_n;
		in->pending_n = 0;
	}
	for (size_t i = 0; i < in->n_sensors; i++) {
		struct sensor *s = &in->sensors[i];
		s->high = s->pending;
		if (s->need_ack) {
			send_ack(in, s);
			s->need_ack = false;
		}
	}
	return 0;
}

/* ---- messages ---- */

static int on_batch(struct ingest *in, struct sensor *s, const struct dw_wire_msg *m)
{
	in->stats.summaries += m->n;
	for (size_t i = 0; i < m->n; i++) {
		uint64_t seq = m->seq + i;
		if (seq <= s->pending) {
			in->stats.duplicates++;
			continue;
		}
		if (seq != s->pending + 1) {
			/* A gap: something before was lost on the way. Go-back-N: drop
			 * the rest, the sender resends from its first unacknowledged. */
			in->stats.out_of_order += m->n - i;
			if (!s->gap_logged)
				LOG_INFO("ingest", "sensor %s: got %llu after %llu; waiting for the resend",
					 s->id, (unsigned long long)seq, (unsigned long long)s->pending);
			s->gap_logged = true;
			break;
		}
		if (begin(in))
			return -1;
		int rc = dw_store_add_summary(in->st, s->id, seq, &in->sums[i]);
		if (rc < 0) {
			LOG_ERROR("ingest", "sensor %s: cannot store summary %llu", s->id,
				  (unsigned long long)seq);
			return -1;
		}
		if (rc == 0)
			in->stats.duplicates++;
		else
			in->pending_n++;
		s->pending = seq;
		s->gap_logged = false;
	}
	return 0;
}

static int on_eos(struct ingest *in, struct sensor *s, const struct dw_wire_msg *m)
{
	if (s->eos_done && m->seq == s->eos_seq)
		return 0; /* a resend: the acknowledgement says so again */
	if (m->seq != s->pending) {
		if (!s->eos_logged)
			LOG_WARN("ingest", "sensor %s: end-of-stream after %llu but %llu stored; "
					   "waiting for the rest",
				 s->id, (unsigned long long)m->seq, (unsigned long long)s->pending);
		s->eos_logged = true;
		return 0;
	}
	if (begin(in) || dw_store_sensor_done(in->st, s->id, m->seq)) {
		LOG_ERROR("ingest", "sensor %s: cannot record its end-of-stream", s->id);
		return -1;
	}
	if (!s->eos_done)
		in->stats.sensors_done++;
	s->eos_done = true; /* again, if it sent more since: a restarted sensor */
	s->eos_seq = m->seq;
	s->eos_logged = false;
	LOG_INFO("ingest", "sensor %s: end of stream after %llu summaries", s->id,
		 (unsigned long long)m->seq);
	return 1;
}

/* Receives and handles one message. Returns 1 when a commit is due now, 0, or
 * -1 on a store failure. */
static int handle_one(struct ingest *in)
{
	zmq_msg_t rid, msg;
	zmq_msg_init(&rid);
	zmq_msg_init(&msg);
	int ret = 0;
	if (zmq_msg_recv(&rid, in->sock, ZMQ_DONTWAIT) < 0) {
		zmq_msg_close(&rid);
		zmq_msg_close(&msg);
		return errno == EAGAIN ? 2 : 0;
	}
	in->stats.messages++;
	const uint8_t *r = zmq_msg_data(&rid);
	size_t rlen = zmq_msg_size(&rid);
	if (rlen > RID_MAX)
		rlen = RID_MAX;
	if (!zmq_msg_more(&rid)) { /* a routing id and nothing else */
		drop(in, r, rlen, NULL, DW_WIRE_TRUNCATED);
		goto out;
	}
	zmq_msg_recv(&msg, in->sock, 0);
	if (zmq_msg_more(&msg)) { /* one payload frame only: drain the rest */
		int more = 1;
		while (more) {
			zmq_msg_t extra;
			zmq_msg_init(&extra);
			if (zmq_msg_recv(&extra, in->sock, 0) < 0)
				more = 0;
			else
				more = zmq_msg_more(&extra);
			zmq_msg_close(&extra);
		}
		drop(in, r, rlen, &msg, DW_WIRE_GARBAGE);
		goto out;
	}
	struct dw_wire_msg m;
	enum dw_wire_err e = dw_wire_decode(zmq_msg_data(&msg), zmq_msg_size(&msg), in->max_msg,
					    &m, in->sums, DW_WIRE_MAX_BATCH);
	if (e == DW_WIRE_OK && m.type == DW_MSG_ACK)
		e = DW_WIRE_BAD_TYPE;
	if (e != DW_WIRE_OK) {
		drop(in, r, rlen, &msg, e);
		goto out;
	}
	/* With CURVE, an allow-list entry that names its sensor binds the key to
	 * that sensor id: one sensor cannot write into another's sequence. */
	const char *user = in->zap ? zmq_msg_gets(&msg, "User-Id") : NULL;
	if (user && *user && strcmp(user, m.sensor_id) != 0) {
		drop(in, r, rlen, &msg, DW_WIRE_BAD_SENSOR_ID);
		goto out;
	}
	struct sensor *s = sensor_get(in, m.sensor_id);
	if (!s) {
		drop(in, r, rlen, &msg, DW_WIRE_BAD_SENSOR_ID);
		goto out;
	}
	set_route(s, r, rlen);
	switch (m.type) {
	case DW_MSG_HELLO:
		LOG_INFO("ingest", "sensor %s (%s) says hello", s->id, m.software);
		break;
	case DW_MSG_BATCH:
		ret = on_batch(in, s, &m);
		break;
	case DW_MSG_EOS:
		ret = on_eos(in, s, &m);
		break;
	default:
		break;
	}
out:
	zmq_msg_close(&rid);
	zmq_msg_close(&msg);
	return ret;
}

/* ---- configuration reload (SIGHUP) ---- */

/* Re-reads the config file and takes its scoring.* and sites.* values, except
 * those set with --set; the rest (endpoint, store) needs a restart. A bad file
 * is reported and ignored. */
static void reload(struct ingest *in)
{
	struct dw_config *cfg = in->cfg, fresh;
	char err[DW_ERR_LEN];
	if (!cfg->path) {
		LOG_WARN("ingest", "SIGHUP: no config file to re-read");
		return;
	}
	dw_config_init(&fresh);
	if (dw_config_load_file(&fresh, cfg->path, err, sizeof err) != 0) {
		LOG_ERROR("ingest", "SIGHUP: %s; keeping the current thresholds", err);
		dw_config_free(&fresh);
		return;
	}
	size_t changed = 0;
	for (size_t i = 0; i < cfg->n && i < fresh.n; i++) {
		const char *sec = cfg->defs[i].section;
		if (strcmp(sec, "scoring") != 0 && strcmp(sec, "sites") != 0)
			continue;
		if (cfg->v[i].origin && strcmp(cfg->v[i].origin, "--set") == 0)
			continue; /* the command line still wins */
		if (strcmp(cfg->v[i].text, fresh.v[i].text) != 0)
			changed++;
		struct dw_config_value t = cfg->v[i];
		cfg->v[i] = fresh.v[i];
		fresh.v[i] = t;
	}
	dw_config_free(&fresh);
	LOG_WARN("ingest", "SIGHUP: re-read %s, %zu thresholds changed", cfg->path, changed);
}

/* ---- the loop ---- */

static int setup(struct ingest *in, const struct dw_ingest_opts *opts)
{
	struct dw_config *cfg = in->cfg;
	const char *ep = opts && opts->endpoint && *opts->endpoint
				 ? opts->endpoint
				 : dw_config_str(cfg, DWK_transport_endpoint);
	int hwm = (int)dw_config_int(cfg, DWK_transport_hwm), linger = 1000;
	in->max_msg = (size_t)dw_config_int(cfg, DWK_transport_max_message_kb) * 1024;
	/* ZeroMQ itself drops the connection of a peer sending more than twice the
	 * limit; between the limit and that, messages are counted as oversized. */
	int64_t zmax = (int64_t)in->max_msg * 2;
	in->commit_batch = (size_t)dw_config_int(cfg, DWK_transport_commit_batch);
	in->commit_interval_ms = dw_config_int(cfg, DWK_transport_commit_interval_ms);
	in->sensors = calloc(MAX_SENSORS, sizeof(*in->sensors));
	in->bad_peers = calloc(MAX_PEERS, sizeof(*in->bad_peers));
	in->sums = calloc(DW_WIRE_MAX_BATCH, sizeof(*in->sums));
	in->ctx = zmq_ctx_new();
	if (!in->sensors || !in->bad_peers || !in->sums || !in->ctx) {
		dw_error("run: out of memory");
		return -1;
	}
	dw_store_each_finished_sensor(in->st, preload_finished, in);
	bool curve = dw_config_bool(cfg, DWK_transport_curve);
	in->sock = zmq_socket(in->ctx, ZMQ_ROUTER);
	if (!in->sock) {
		dw_error("run: cannot create a ZeroMQ socket: %s", zmq_strerror(errno));
		return -1;
	}
	zmq_setsockopt(in->sock, ZMQ_LINGER, &linger, sizeof linger);
	zmq_setsockopt(in->sock, ZMQ_RCVHWM, &hwm, sizeof hwm);
	zmq_setsockopt(in->sock, ZMQ_SNDHWM, &hwm, sizeof hwm);
	zmq_setsockopt(in->sock, ZMQ_MAXMSGSIZE, &zmax, sizeof zmax);
	if (curve && dw_curve_server_setup(in->sock, cfg))
		return -1;
	/* The ZAP handler must be in place before the socket binds. */
	if (curve && !(in->zap = dw_zap_start(in->ctx, cfg)))
		return -1;
	if (zmq_bind(in->sock, ep) != 0) {
		dw_error("run: %s: cannot bind: %s (config transport.endpoint or --bind)", ep,
			 zmq_strerror(errno));
		return -1;
	}
	LOG_INFO("ingest", "listening on %s (CURVE %s)", ep, curve ? "on" : "off");
	return 0;
}

static void teardown(struct ingest *in, const struct dw_ingest_opts *opts)
{
	if (in->in_tx)
		dw_store_rollback(in->st);
	in->stats.auth_refused = dw_zap_refused(in->zap);
	if (in->sock)
		zmq_close(in->sock);
	dw_zap_stop(in->zap);
	if (in->ctx)
		zmq_ctx_term(in->ctx);
	struct dw_ingest_stats *s = &in->stats;
	char reasons[512] = "";
	size_t off = 0;
	for (int i = 1; i < DW_WIRE_NERR; i++)
		if (s->dropped_by[i] && off < sizeof reasons)
			off += (size_t)snprintf(reasons + off, sizeof reasons - off, " %s=%llu",
						dw_wire_strerror(i),
						(unsigned long long)s->dropped_by[i]);
	dw_log(s->dropped ? DW_LOG_WARN : DW_LOG_INFO, "ingest",
	       "%llu messages, %llu summaries stored, %llu duplicates, %llu out of order, %llu "
	       "commits; dropped %llu invalid messages from %llu peers%s; %llu handshakes refused",
	       (unsigned long long)s->messages, (unsigned long long)s->stored,
	       (unsigned long long)s->duplicates, (unsigned long long)s->out_of_order,
	       (unsigned long long)s->commits, (unsigned long long)s->dropped,
	       (unsigned long long)s->bad_peers, reasons, (unsigned long long)s->auth_refused);
	if (opts && opts->stats)
		*opts->stats = in->stats;
	free(in->sensors);
	free(in->bad_peers);
	free(in->sums);
	dw_buf_free(&in->out);
}

static size_t done_count(const struct ingest *in)
{
	size_t n = 0;
	for (size_t i = 0; i < in->n_sensors; i++)
		n += in->sensors[i].eos_done && in->sensors[i].high == in->sensors[i].eos_seq;
	return n;
}

int dw_ingest_run(struct dw_config *cfg, struct dw_store *st, const struct dw_ingest_opts *opts)
{
	struct ingest in = { .cfg = cfg, .st = st };
	int expect = opts ? opts->expect_sensors : 0;
	int rc = DW_EXIT_FAIL;
	bool final_done = false;
	int64_t linger_until = 0, last_scoring_ms = 0;
	uint64_t scored_commits = 0;
	struct sigaction sa = { 0 }, old_int, old_term, old_hup;
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, &old_hup);
	stop_flag = reload_flag = 0;

	if (setup(&in, opts))
		goto out;
	for (;;) {
		if (stop_flag) {
			rc = commit(&in) ? DW_EXIT_FAIL : DW_EXIT_OK;
			if (final_done && rc == DW_EXIT_OK)
				break;
			break;
		}
		if (reload_flag) {
			reload_flag = 0;
			reload(&in);
		}
		long timeout = 100;
		if (in.in_tx) {
			int64_t left = in.first_pending_ms + in.commit_interval_ms - now_ms();
			timeout = left < 0 ? 0 : left < timeout ? left : timeout;
		}
		zmq_pollitem_t it = { in.sock, 0, ZMQ_POLLIN, 0 };
		if (zmq_poll(&it, 1, timeout) < 0 && errno != EINTR) {
			dw_error("run: zmq_poll: %s", zmq_strerror(errno));
			break;
		}
		bool now = false;
		int r = 0;
		for (int i = 0; i < 1000 && in.pending_n < in.commit_batch; i++) {
			r = handle_one(&in);
			if (r == 2 || r < 0)
				break;
			if (r == 1)
				now = true;
		}
		if (r < 0)
			break;
		bool acks_due = false;
		for (size_t i = 0; i < in.n_sensors && !acks_due; i++)
			acks_due = in.sensors[i].need_ack;
		if (now || in.pending_n >= in.commit_batch ||
		    (in.in_tx && now_ms() - in.first_pending_ms >= in.commit_interval_ms) ||
		    (!in.in_tx && acks_due)) {
			if (commit(&in))
				break;
		}
		/* Live mode scores closed windows as event time advances, at most once
		 * a second so that scoring never holds up ingest; batch mode scores
		 * every window once, at the end (the same windows, the same flags). */
		if (expect == 0 && !in.in_tx && in.stats.commits != scored_commits &&
		    now_ms() - last_scoring_ms >= SCORING_EVERY_MS) {
			if (dw_scoring_run(st, cfg, 0) < 0)
				break;
			scored_commits = in.stats.commits;
			last_scoring_ms = now_ms();
		}
		if (expect > 0 && !final_done && done_count(&in) >= (size_t)expect && !in.in_tx) {
			LOG_INFO("ingest", "%d sensors finished: final scoring", expect);
			rc = dw_scoring_run(st, cfg, 1) < 0 ? DW_EXIT_FAIL : DW_EXIT_OK;
			if (rc != DW_EXIT_OK)
				break;
			final_done = true;
			/* Stay a moment to answer end-of-stream resends whose last
			 * acknowledgement was lost, so the sensors exit 0 too. */
			linger_until = now_ms() + LINGER_MS;
		}
		if (final_done && now_ms() >= linger_until && !in.in_tx)
			break;
	}
out:
	teardown(&in, opts);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	return rc;
}
