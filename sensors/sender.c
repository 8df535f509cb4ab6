/* sender.c: the sensor's side of the transport (DESIGN 4), after the zguide's
 * reliable patterns: each summary goes into the durable outbox under the next
 * sequence number; committed rows are sent over a DEALER socket in batches, at
 * most transport.window ahead of the correlator's cumulative acknowledgement;
 * acknowledged rows are deleted. After a (re)connection, or when no
 * acknowledgement comes for transport.ack_timeout_ms, the sender says hello again
 * and goes back to the first unacknowledged summary (go-back-N). Nothing here
 * blocks: the sink stores, sends what the socket takes and returns. */
#include "denwatch/log.h"
#include "denwatch/wire.h"
#include "denwatch/curve.h"
#include "sender.h"
#include "outbox.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#define SOFTWARE "denwatch-sensor/1"
#define FLUSH_MS 50

struct dw_sender {
	char id[DW_SENSOR_ID_MAX + 1];
	char endpoint[512];
	char outbox_path[1024];
	void *ctx, *sock, *mon;
	struct dw_outbox *ob;

	size_t batch_size, window, max_msg;
	int64_t ack_timeout_ms, final_wait_ms;

	uint64_t acked;    /* every seq <= acked is committed by the correlator */
	uint64_t sent;     /* every seq <= sent was sent in the current round */
	uint64_t durable;  /* every seq <= durable is committed in the outbox */
	int64_t last_progress_ms, last_flush_ms;
	bool connected, auth_logged, ahead_logged, heard;

	bool eos_wanted, eos_done;
	uint64_t eos_seq;
	int64_t eos_sent_ms; /* 0: not sent in this round */

	struct dw_buf msg, one;
	uint64_t resends;

	/* offline replay resume (dw_sender_resume_stream) */
	bool stream;
	uint64_t stream_skip, stream_count, stream_saved;
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int mkdirs(const char *dir)
{
	char p[1024];
	snprintf(p, sizeof p, "%s", dir);
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = 0;
			if (mkdir(p, 0755) != 0 && errno != EEXIST)
				return -1;
			*s = '/';
		}
	return mkdir(p, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

static int pick_id(struct dw_sender *snd, const struct dw_config *cfg, const char *sensor_id)
{
	const char *id = sensor_id && *sensor_id ? sensor_id : dw_config_str(cfg, DWK_sensor_id);
	if (*id) {
		if (!dw_sensor_id_valid(id)) {
			dw_error("sensor id '%s': use 1 to %d of A-Z a-z 0-9 . _ -", id,
				 DW_SENSOR_ID_MAX);
			return -1;
		}
		snprintf(snd->id, sizeof snd->id, "%s", id);
		return 0;
	}
	char host[256] = "";
	gethostname(host, sizeof host - 1);
	size_t j = 0;
	for (size_t i = 0; host[i] && j < DW_SENSOR_ID_MAX; i++) {
		char c = host[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  c == '.' || c == '_' || c == '-';
		snd->id[j++] = ok ? c : '-';
	}
	snd->id[j] = 0;
	if (j == 0)
		strcpy(snd->id, "sensor");
	return 0;
}

static int open_socket(struct dw_sender *snd, const struct dw_config *cfg)
{
	int hwm = (int)dw_config_int(cfg, DWK_transport_hwm), zero = 0, one = 1;
	int rivl = (int)dw_config_int(cfg, DWK_transport_reconnect_ms);
	int rmax = (int)dw_config_int(cfg, DWK_transport_reconnect_max_ms);
	int64_t maxin = 65536;
	char mon_ep[64];
	snd->ctx = zmq_ctx_new();
	snd->sock = snd->ctx ? zmq_socket(snd->ctx, ZMQ_DEALER) : NULL;
	if (!snd->sock) {
		dw_error("cannot create a ZeroMQ socket: %s", zmq_strerror(errno));
		return -1;
	}
	zmq_setsockopt(snd->sock, ZMQ_LINGER, &zero, sizeof zero);
	zmq_setsockopt(snd->sock, ZMQ_SNDHWM, &hwm, sizeof hwm);
	zmq_setsockopt(snd->sock, ZMQ_RCVHWM, &hwm, sizeof hwm);
	/* ZMQ_IMMEDIATE stays off on purpose: with it, a disconnection throws away
	 * the pipe, and with it an acknowledgement already received but not yet
	 * read (the correlator's last one, sent just before it exits). What a
	 * dead connection swallows is resent anyway (go-back-N, transport.window
	 * bounds it). */
	(void)one;
	zmq_setsockopt(snd->sock, ZMQ_RECONNECT_IVL, &rivl, sizeof rivl);
	zmq_setsockopt(snd->sock, ZMQ_RECONNECT_IVL_MAX, &rmax, sizeof rmax);
	zmq_setsockopt(snd->sock, ZMQ_MAXMSGSIZE, &maxin, sizeof maxin);
	if (dw_config_bool(cfg, DWK_transport_curve) && dw_curve_client_setup(snd->sock, cfg))
		return -1;
	snprintf(mon_ep, sizeof mon_ep, "inproc://dw-sender-monitor-%p", (void *)snd);
	if (zmq_socket_monitor(snd->sock, mon_ep,
			       ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_HANDSHAKE_SUCCEEDED |
				       ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
				       ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
				       ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) != 0 ||
	    !(snd->mon = zmq_socket(snd->ctx, ZMQ_PAIR)) || zmq_connect(snd->mon, mon_ep) != 0) {
		dw_error("cannot monitor the ZeroMQ socket: %s", zmq_strerror(errno));
		return -1;
	}
	zmq_setsockopt(snd->mon, ZMQ_LINGER, &zero, sizeof zero);
	if (zmq_connect(snd->sock, snd->endpoint) != 0) {
		dw_error("%s: cannot connect: %s (config transport.endpoint or --connect)",
			 snd->endpoint, zmq_strerror(errno));
		return -1;
	}
	return 0;
}

static int pump(struct dw_sender *snd, bool force_flush);

/* A brand-new outbox: before numbering anything, hear from the correlator (up
 * to ack_timeout_ms), whose answer to our hello says how far this sensor id
 * already got there; when an outbox was lost, numbering goes on from there
 * instead of reusing numbers the correlator would drop as duplicates. */
static void wait_for_correlator(struct dw_sender *snd)
{
	int64_t end = now_ms() + snd->ack_timeout_ms;
	while (!snd->heard && now_ms() < end) {
		zmq_pollitem_t it[2] = { { snd->sock, 0, ZMQ_POLLIN, 0 },
					 { snd->mon, 0, ZMQ_POLLIN, 0 } };
		zmq_poll(it, 2, 20);
		pump(snd, false);
	}
}

struct dw_sender *dw_sender_new(const struct dw_config *cfg, const char *endpoint,
				const char *sensor_id)
{
	struct dw_sender *snd = calloc(1, sizeof(*snd));
	if (!snd)
		return NULL;
	if (pick_id(snd, cfg, sensor_id))
		goto fail;
	snprintf(snd->endpoint, sizeof snd->endpoint, "%s",
		 endpoint && *endpoint ? endpoint : dw_config_str(cfg, DWK_transport_endpoint));
	snd->batch_size = (size_t)dw_config_int(cfg, DWK_transport_batch_size);
	snd->window = (size_t)dw_config_int(cfg, DWK_transport_window);
	snd->max_msg = (size_t)dw_config_int(cfg, DWK_transport_max_message_kb) * 1024;
	snd->ack_timeout_ms = dw_config_int(cfg, DWK_transport_ack_timeout_ms);
	snd->final_wait_ms = dw_config_int(cfg, DWK_transport_final_wait_s) * 1000;

	const char *dir = dw_config_str(cfg, DWK_transport_outbox_dir);
	char err[DW_ERR_LEN];
	if (mkdirs(dir)) {
		dw_error("%s: cannot create the outbox directory: %s (config transport.outbox_dir)",
			 dir, strerror(errno));
		goto fail;
	}
	snprintf(snd->outbox_path, sizeof snd->outbox_path, "%s/%s.db", dir, snd->id);
	snd->ob = dw_outbox_open(snd->outbox_path,
				 strcmp(dw_config_str(cfg, DWK_transport_outbox_sync), "full") == 0, err,
				 sizeof err);
	if (!snd->ob) {
		dw_error("outbox %s", err);
		goto fail;
	}
	snd->durable = dw_outbox_next_seq(snd->ob) - 1;
	uint64_t first = dw_outbox_first(snd->ob);
	snd->acked = snd->sent = first ? first - 1 : snd->durable;
	if (first)
		LOG_INFO("transport", "outbox %s holds %llu unacknowledged summaries; resending",
			 snd->outbox_path, (unsigned long long)(snd->durable - snd->acked));
	if (open_socket(snd, cfg))
		goto fail;
	snd->last_progress_ms = snd->last_flush_ms = now_ms();
	if (snd->durable == 0)
		wait_for_correlator(snd);
	return snd;
fail:
	dw_sender_free(snd);
	return NULL;
}

static int send_msg(struct dw_sender *snd)
{
	return zmq_send(snd->sock, snd->msg.p, snd->msg.len, ZMQ_DONTWAIT) < 0 ? -1 : 0;
}

static void say_hello(struct dw_sender *snd)
{
	if (dw_wire_encode_hello(&snd->msg, snd->id, SOFTWARE) == 0)
		send_msg(snd);
}

/* Go back to the first unacknowledged summary (and resend the end-of-stream). */
static void go_back(struct dw_sender *snd)
{
	if (snd->sent > snd->acked)
		snd->resends++;
	snd->sent = snd->acked;
	snd->eos_sent_ms = 0;
	snd->last_progress_ms = now_ms();
}

static void service_monitor(struct dw_sender *snd)
{
	for (;;) {
		zmq_msg_t ev, addr;
		zmq_msg_init(&ev);
		if (zmq_msg_recv(&ev, snd->mon, ZMQ_DONTWAIT) < 0) {
			zmq_msg_close(&ev);
			return;
		}
		uint16_t event = 0;
		if (zmq_msg_size(&ev) >= 2)
			memcpy(&event, zmq_msg_data(&ev), 2);
		zmq_msg_close(&ev);
		zmq_msg_init(&addr);
		zmq_msg_recv(&addr, snd->mon, 0);
		zmq_msg_close(&addr);
		switch (event) {
		case ZMQ_EVENT_HANDSHAKE_SUCCEEDED:
			snd->connected = true;
			say_hello(snd);
			go_back(snd);
			LOG_INFO("transport", "connected to %s", snd->endpoint);
			break;
		case ZMQ_EVENT_DISCONNECTED:
			snd->connected = false;
			break;
		case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
		case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
		case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
			if (!snd->auth_logged)
				LOG_ERROR("transport",
					  "%s refused this sensor (CURVE keys: is its public key in "
					  "the correlator's allow-list, and transport.curve the same "
					  "on both sides?)",
					  snd->endpoint);
			snd->auth_logged = true;
			break;
		}
	}
}

static void on_ack(struct dw_sender *snd, const struct dw_wire_msg *m)
{
	if (strcmp(m->sensor_id, snd->id) != 0)
		return;
	snd->heard = true;
	uint64_t a = m->seq;
	LOG_DEBUG("transport", "ack %llu%s (acked %llu, sent %llu)", (unsigned long long)a,
		  m->eos_done ? " with end-of-stream" : "", (unsigned long long)snd->acked,
		  (unsigned long long)snd->sent);
	if (a > snd->durable) {
		/* The correlator holds more of this sensor than the outbox ever gave:
		 * the outbox was lost. Numbering on from there keeps new summaries
		 * from being dropped as duplicates. */
		if (dw_outbox_count(snd->ob) == 0 && dw_outbox_pending(snd->ob) == 0) {
			LOG_WARN("transport", "correlator has summaries up to %llu but the outbox "
					      "starts at %llu: numbering on from there",
				 (unsigned long long)a, (unsigned long long)snd->durable + 1);
			if (dw_outbox_skip_to(snd->ob, a + 1) || dw_outbox_flush(snd->ob))
				LOG_ERROR("transport", "outbox %s: cannot renumber", snd->outbox_path);
			snd->durable = snd->acked = snd->sent = a;
		} else if (!snd->ahead_logged) {
			snd->ahead_logged = true;
			LOG_ERROR("transport", "correlator acknowledges %llu, past this outbox's %llu",
				  (unsigned long long)a, (unsigned long long)snd->durable);
		}
		return;
	}
	if (a > snd->acked) {
		snd->acked = a;
		if (snd->sent < a)
			snd->sent = a;
		dw_outbox_ack(snd->ob, a);
		snd->last_progress_ms = now_ms();
	}
	if (m->eos_done && snd->eos_wanted && a == snd->eos_seq)
		snd->eos_done = true;
}

static void service_acks(struct dw_sender *snd)
{
	static struct dw_summary none[1];
	for (;;) {
		zmq_msg_t msg;
		zmq_msg_init(&msg);
		if (zmq_msg_recv(&msg, snd->sock, ZMQ_DONTWAIT) < 0) {
			zmq_msg_close(&msg);
			return;
		}
		struct dw_wire_msg m;
		if (dw_wire_decode(zmq_msg_data(&msg), zmq_msg_size(&msg), 65536, &m, none, 0) ==
			    DW_WIRE_OK &&
		    m.type == DW_MSG_ACK)
			on_ack(snd, &m);
		zmq_msg_close(&msg);
	}
}

struct batch_fill {
	struct dw_sender *snd;
	uint64_t last;
};

static int add_row(void *arg, uint64_t seq, const void *p, size_t len)
{
	struct batch_fill *bf = arg;
	if (bf->last && bf->snd->msg.len + len + 16 > bf->snd->max_msg)
		return 1;
	if (dw_wire_batch_add(&bf->snd->msg, p, len))
		return -1;
	bf->last = seq;
	return 0;
}

static int flush_outbox(struct dw_sender *snd)
{
	if (snd->stream && snd->stream_count != snd->stream_saved) {
		if (dw_outbox_meta_set(snd->ob, "stream_count", (int64_t)snd->stream_count)) {
			dw_error("outbox %s: cannot record the stream position", snd->outbox_path);
			return -1;
		}
		snd->stream_saved = snd->stream_count;
	}
	if (dw_outbox_flush(snd->ob)) {
		dw_error("outbox %s: cannot commit", snd->outbox_path);
		return -1;
	}
	snd->durable = dw_outbox_next_seq(snd->ob) - 1;
	snd->last_flush_ms = now_ms();
	return 0;
}

static void send_batches(struct dw_sender *snd)
{
	while (snd->connected && snd->sent < snd->durable && snd->sent - snd->acked < snd->window) {
		size_t room = snd->window - (size_t)(snd->sent - snd->acked);
		size_t n = snd->batch_size < room ? snd->batch_size : room;
		struct batch_fill bf = { snd, 0 };
		if (dw_wire_batch_begin(&snd->msg, snd->id, snd->sent + 1) ||
		    dw_outbox_read(snd->ob, snd->sent + 1, n, add_row, &bf) < 0 || bf.last == 0)
			return;
		dw_wire_batch_end(&snd->msg);
		if (send_msg(snd))
			return; /* at the high-water mark or no connection: later */
		snd->sent = bf.last;
	}
	if (snd->eos_wanted && !snd->eos_done && snd->connected && snd->acked == snd->eos_seq &&
	    !snd->eos_sent_ms && dw_wire_encode_eos(&snd->msg, snd->id, snd->eos_seq) == 0 &&
	    send_msg(snd) == 0) {
		snd->eos_sent_ms = now_ms();
		LOG_DEBUG("transport", "sent end-of-stream after %llu", (unsigned long long)snd->eos_seq);
	}
}

/* One round of everything that needs doing; never waits. */
static int pump(struct dw_sender *snd, bool force_flush)
{
	service_monitor(snd);
	service_acks(snd);
	int64_t now = now_ms();
	bool waiting = snd->sent > snd->acked || (snd->eos_sent_ms && !snd->eos_done);
	if (snd->connected && waiting && now - snd->last_progress_ms > snd->ack_timeout_ms) {
		LOG_INFO("transport", "no acknowledgement for %lld ms: resending from %llu",
			 (long long)(now - snd->last_progress_ms),
			 (unsigned long long)snd->acked + 1);
		say_hello(snd);
		go_back(snd);
	}
	size_t pending = dw_outbox_pending(snd->ob);
	if (force_flush || pending >= snd->batch_size || now - snd->last_flush_ms >= FLUSH_MS)
		if (flush_outbox(snd))
			return -1;
	send_batches(snd);
	return 0;
}

/* FNV-1a, 63 bits: the stream key as an integer of the outbox's meta table. */
static int64_t key_hash(const char *k)
{
	uint64_t h = 1469598103934665603ull;
	for (; *k; k++)
		h = (h ^ (uint8_t)*k) * 1099511628211ull;
	return (int64_t)(h >> 1);
}

uint64_t dw_sender_resume_stream(struct dw_sender *snd, const char *stream_key)
{
	int64_t want = key_hash(stream_key), have = -1, count = 0;
	snd->stream = true;
	if (dw_outbox_meta_get(snd->ob, "stream_key", &have) == 0 && have == want &&
	    dw_outbox_meta_get(snd->ob, "stream_count", &count) == 0 && count > 0) {
		snd->stream_skip = snd->stream_count = snd->stream_saved = (uint64_t)count;
		LOG_WARN("transport", "resuming an unfinished replay: its first %lld summaries were "
				      "numbered before; skipping them",
			 (long long)count);
		return (uint64_t)count;
	}
	dw_outbox_meta_set(snd->ob, "stream_key", want);
	dw_outbox_meta_set(snd->ob, "stream_count", 0);
	dw_outbox_flush(snd->ob);
	snd->stream_skip = snd->stream_count = snd->stream_saved = 0;
	return 0;
}

int dw_sender_sink(void *arg, const struct dw_summary *s)
{
	struct dw_sender *snd = arg;
	if (snd->stream_skip > 0) {
		snd->stream_skip--;
		return pump(snd, false);
	}
	snd->one.len = 0;
	if (dw_wire_encode_summary(s, &snd->one)) {
		LOG_WARN("transport", "dropped an invalid summary (imsi '%s', msisdn '%s')", s->imsi,
			 s->msisdn);
		snd->stream_count++; /* counted, so that a resumed replay skips it too */
		return 0;
	}
	if (dw_outbox_put(snd->ob, snd->one.p, snd->one.len) == 0) {
		dw_error("outbox %s: cannot store a summary", snd->outbox_path);
		return -1;
	}
	snd->stream_count++;
	return pump(snd, false);
}

int dw_sender_finish(struct dw_sender *snd)
{
	if (flush_outbox(snd))
		return -1;
	snd->eos_wanted = true;
	snd->eos_seq = snd->durable;
	int64_t deadline = now_ms() + snd->final_wait_ms;
	while (!(snd->eos_done && snd->acked == snd->eos_seq)) {
		if (pump(snd, false))
			return -1;
		int64_t left = deadline - now_ms();
		if (left <= 0)
			break;
		zmq_pollitem_t it[2] = { { snd->sock, 0, ZMQ_POLLIN, 0 },
					 { snd->mon, 0, ZMQ_POLLIN, 0 } };
		zmq_poll(it, 2, left < 50 ? left : 50);
	}
	if (snd->eos_done && snd->acked == snd->eos_seq) {
		/* The stream is complete: a later run of the same input is a new one. */
		if (snd->stream) {
			dw_outbox_meta_set(snd->ob, "stream_key", -1);
			snd->stream = false;
		}
		flush_outbox(snd);
		return 0;
	}
	flush_outbox(snd);
	uint64_t left = dw_outbox_count(snd->ob);
	dw_error("%llu summaries remain in the outbox %s: %s did not acknowledge them within "
		 "%lld s (transport.final_wait_s); they are resent on the next start",
		 (unsigned long long)left, snd->outbox_path, snd->endpoint,
		 (long long)snd->final_wait_ms / 1000);
	return -1;
}

void dw_sender_free(struct dw_sender *snd)
{
	if (!snd)
		return;
	if (snd->sock) {
		zmq_socket_monitor(snd->sock, NULL, 0);
		zmq_close(snd->sock);
	}
	if (snd->mon)
		zmq_close(snd->mon);
	if (snd->ctx)
		zmq_ctx_term(snd->ctx);
	dw_outbox_close(snd->ob);
	dw_buf_free(&snd->msg);
	dw_buf_free(&snd->one);
	free(snd);
}
