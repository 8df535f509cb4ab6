/* sender.h: the sensor's side of the transport: every summary goes into the
 * durable outbox with a sequence number, is sent over ZeroMQ, and leaves the
 * outbox only when the correlator acknowledges it (DESIGN section 4). */
#ifndef DENWATCH_SENSOR_SENDER_H
#define DENWATCH_SENSOR_SENDER_H

#include "denwatch/config.h"
#include "denwatch/summary.h"

struct dw_sender;

/* Connects to endpoint (NULL: transport.endpoint) as sensor_id (NULL:
 * sensor.id or the host name), opening the outbox and resending what it holds.
 * Prints one clear line and returns NULL on error. */
struct dw_sender *dw_sender_new(const struct dw_config *cfg, const char *endpoint,
				const char *sensor_id);
/* A dw_summary_sink: stores the summary in the outbox, sends it, services acks. */
int dw_sender_sink(void *sender, const struct dw_summary *s);
/* End of input: sends end-of-stream and waits up to transport's final wait for
 * every summary to be acknowledged. Returns 0 when all are, else prints how many
 * remain in the outbox and returns -1. */
int dw_sender_finish(struct dw_sender *snd);
void dw_sender_free(struct dw_sender *snd);

/* Offline replays (-r): names the input (e.g. a hash of the file names, sizes and
 * modification times, and the sensor's settings). When the outbox remembers an
 * unfinished stream of the same key, the first summaries the sink is given, as
 * many as that stream had already numbered, are dropped as already sent: a sensor
 * killed and restarted on the same files resumes without sending a summary
 * twice (the pipeline is deterministic in packet time). Call before the first
 * summary. Returns the number that will be skipped. */
uint64_t dw_sender_resume_stream(struct dw_sender *snd, const char *stream_key);

#endif
