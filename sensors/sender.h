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

#endif
