/* wire-client.c: a test client of the correlator's socket (build/tools/wire-client).
 *   send    delivers N synthetic summaries through the real sender and outbox
 *   blast   sends N summaries as fast as the socket takes them (no outbox), then an
 *           end-of-stream, and prints the rate at which the correlator committed them
 *   hostile sends random bytes, oversized, truncated, wrong-version, multi-frame
 *           and badly filled messages
 * Common options: --endpoint EP, --sensor-id ID, -n N, --first I (index of the
 * first synthetic summary), --set section.key=value, -c FILE. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "../sensors/sender.h"
#include "denwatch/config.h"
#include "denwatch/curve.h"
#include "denwatch/log.h"
#include "denwatch/wire.h"

struct opts {
	const char *mode, *endpoint, *sensor_id, *config;
	const char *sets[64];
	int nsets;
	unsigned long n, first, batch;
};

/* Summary i of a synthetic stream: distinct subscribers, 1000 per window. */
static void synth(struct dw_summary *s, unsigned long i)
{
	memset(s, 0, sizeof(*s));
	s->window_seconds = 300;
	s->window_start = 1772409600 + 300 * (int64_t)(i / 1000);
	snprintf(s->imsi, sizeof s->imsi, "46001%010lu", i % 10000000000ul);
	snprintf(s->msisdn, sizeof s->msisdn, "86139%08lu", i % 100000000ul);
	s->n_imeis = 1;
	s->imeis_seen = 1;
	snprintf(s->imeis[0], sizeof s->imeis[0], "35%012lu", i % 1000000000000ul);
	s->n_cells = 1;
	snprintf(s->cells[0].cell, sizeof s->cells[0].cell, "460-01-%lu-%lu", 4660 + i % 7,
		 19088743 + i % 97);
	s->cells[0].events = 3;
	s->calls_out = (uint32_t)(i % 9);
	s->calls_out_answered = s->calls_out / 2;
	s->calls_in = 2;
	s->sms_out = 1;
	s->distinct_callees = s->calls_out;
	s->data_sessions = 1;
	s->first_event_us = s->window_start * 1000000 + 1;
	s->last_event_us = s->first_event_us + 1000;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int mode_send(struct dw_config *cfg, const struct opts *o)
{
	struct dw_sender *snd = dw_sender_new(cfg, o->endpoint, o->sensor_id);
	if (!snd)
		return DW_EXIT_FAIL;
	struct dw_summary s;
	for (unsigned long i = o->first; i < o->first + o->n; i++) {
		synth(&s, i);
		if (dw_sender_sink(snd, &s)) {
			dw_sender_free(snd);
			return DW_EXIT_FAIL;
		}
	}
	int rc = dw_sender_finish(snd);
	dw_sender_free(snd);
	return rc == 0 ? DW_EXIT_OK : DW_EXIT_FAIL;
}

static void *raw_socket(void *ctx, struct dw_config *cfg, const struct opts *o)
{
	void *sock = zmq_socket(ctx, ZMQ_DEALER);
	int linger = 1000;
	zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger);
	if (dw_config_bool(cfg, DWK_transport_curve) && dw_curve_client_setup(sock, cfg))
		return NULL;
	const char *ep = o->endpoint ? o->endpoint : dw_config_str(cfg, DWK_transport_endpoint);
	if (zmq_connect(sock, ep)) {
		dw_error("%s: %s", ep, zmq_strerror(errno));
		return NULL;
	}
	return sock;
}

/* Waits for an acknowledgement of seq with end-of-stream; returns 0 or -1. */
static int wait_final_ack(void *sock, uint64_t seq, int timeout_s)
{
	double end = now_s() + timeout_s;
	struct dw_summary none[1];
	while (now_s() < end) {
		zmq_pollitem_t it = { sock, 0, ZMQ_POLLIN, 0 };
		if (zmq_poll(&it, 1, 100) <= 0)
			continue;
		zmq_msg_t m;
		zmq_msg_init(&m);
		if (zmq_msg_recv(&m, sock, 0) >= 0) {
			struct dw_wire_msg w;
			if (dw_wire_decode(zmq_msg_data(&m), zmq_msg_size(&m), 65536, &w, none, 0) ==
				    DW_WIRE_OK &&
			    w.type == DW_MSG_ACK && w.seq == seq && w.eos_done) {
				zmq_msg_close(&m);
				return 0;
			}
		}
		zmq_msg_close(&m);
	}
	return -1;
}

static int mode_blast(struct dw_config *cfg, const struct opts *o)
{
	void *ctx = zmq_ctx_new(), *sock = raw_socket(ctx, cfg, o);
	if (!sock)
		return DW_EXIT_FAIL;
	const char *id = o->sensor_id ? o->sensor_id : "blast";
	struct dw_buf msg = { 0 }, one = { 0 };
	struct dw_summary s;
	double t0 = now_s();
	uint64_t seq = 1;
	for (unsigned long i = 0; i < o->n;) {
		dw_wire_batch_begin(&msg, id, seq);
		unsigned long k = 0;
		for (; k < o->batch && i < o->n; k++, i++) {
			synth(&s, o->first + i);
			one.len = 0;
			dw_wire_encode_summary(&s, &one);
			dw_wire_batch_add(&msg, one.p, one.len);
		}
		dw_wire_batch_end(&msg);
		if (zmq_send(sock, msg.p, msg.len, 0) < 0) {
			dw_error("send: %s", zmq_strerror(errno));
			return DW_EXIT_FAIL;
		}
		seq += k;
	}
	double t1 = now_s();
	dw_wire_encode_eos(&msg, id, seq - 1);
	zmq_send(sock, msg.p, msg.len, 0);
	int rc = wait_final_ack(sock, seq - 1, 600);
	double t2 = now_s();
	if (rc == 0)
		printf("blast: %lu summaries sent in %.2f s, all committed after %.2f s: %.0f "
		       "summaries/s\n",
		       o->n, t1 - t0, t2 - t0, o->n / (t2 - t0));
	else
		dw_error("blast: no final acknowledgement");
	zmq_close(sock);
	zmq_ctx_term(ctx);
	dw_buf_free(&msg);
	dw_buf_free(&one);
	return rc == 0 ? DW_EXIT_OK : DW_EXIT_FAIL;
}

static int mode_hostile(struct dw_config *cfg, const struct opts *o)
{
	void *ctx = zmq_ctx_new(), *sock = raw_socket(ctx, cfg, o);
	if (!sock)
		return DW_EXIT_FAIL;
	size_t max = (size_t)dw_config_int(cfg, DWK_transport_max_message_kb) * 1024;
	uint8_t *buf = malloc(max + 1);
	srand(1);
	for (size_t i = 0; i <= max; i++)
		buf[i] = (uint8_t)rand();
	buf[0] = 'x';
	int sent = 0;
	for (size_t n = 1; n < 4000; n += 211, sent++) /* random bytes */
		zmq_send(sock, buf, n, 0);
	struct dw_buf b = { 0 };
	struct dw_summary s;
	synth(&s, 0);
	dw_wire_encode_batch(&b, "hostile", 1, &s, 1);
	zmq_send(sock, b.p, b.len - 5, 0); /* truncated */
	b.p[2] = DW_WIRE_VERSION + 1;
	zmq_send(sock, b.p, b.len, 0); /* wrong version */
	b.p[2] = DW_WIRE_VERSION;
	zmq_send(sock, b.p, b.len, ZMQ_SNDMORE); /* two frames */
	zmq_send(sock, b.p, b.len, 0);
	for (size_t i = 0; i + 15 <= b.len; i++) /* non-digit IMSI */
		if (memcmp(b.p + i, s.imsi, 15) == 0)
			b.p[i + 2] = 'Z';
	zmq_send(sock, b.p, b.len, 0);
	memcpy(buf, "DW\x01\x02", 4);
	zmq_send(sock, buf, max + 1, 0); /* oversized */
	sent += 5;
	printf("hostile: sent %d bad messages\n", sent);
	zmq_close(sock);
	zmq_ctx_term(ctx);
	free(buf);
	dw_buf_free(&b);
	return DW_EXIT_OK;
}

static int usage(void)
{
	fprintf(stderr, "usage: wire-client send|blast|hostile [--endpoint EP] [--sensor-id ID] "
			"[-n N] [--first I] [--batch B] [-c FILE] [--set k=v]...\n");
	return DW_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	struct opts o = { .n = 1000, .batch = 256 };
	dw_log_init("wire-client", DW_LOG_WARN);
	if (argc < 2)
		return usage();
	o.mode = argv[1];
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v)
			return usage();
		if (!strcmp(a, "--endpoint"))
			o.endpoint = v;
		else if (!strcmp(a, "--sensor-id"))
			o.sensor_id = v;
		else if (!strcmp(a, "-n"))
			o.n = strtoul(v, NULL, 10);
		else if (!strcmp(a, "--first"))
			o.first = strtoul(v, NULL, 10);
		else if (!strcmp(a, "--batch"))
			o.batch = strtoul(v, NULL, 10);
		else if (!strcmp(a, "-c"))
			o.config = v;
		else if (!strcmp(a, "--set") && o.nsets < 64)
			o.sets[o.nsets++] = v;
		else
			return usage();
		i++;
	}
	if (o.batch == 0 || o.batch > DW_WIRE_MAX_BATCH)
		o.batch = 256;
	struct dw_config cfg;
	if (dw_config_setup(&cfg, o.config, o.sets, o.nsets))
		return DW_EXIT_USAGE;
	int rc;
	if (!strcmp(o.mode, "send"))
		rc = mode_send(&cfg, &o);
	else if (!strcmp(o.mode, "blast"))
		rc = mode_blast(&cfg, &o);
	else if (!strcmp(o.mode, "hostile"))
		rc = mode_hostile(&cfg, &o);
	else
		rc = usage();
	dw_config_free(&cfg);
	return rc;
}
