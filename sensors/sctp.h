/* sctp.h: SCTP (RFC 9260) packet decoding: the DATA chunks of a packet are handed
 * on one user message at a time, with their payload protocol identifier; messages
 * fragmented over several DATA chunks are reassembled when their pieces arrive in
 * TSN order, otherwise dropped and counted. */
#ifndef DENWATCH_SENSOR_SCTP_H
#define DENWATCH_SENSOR_SCTP_H

#include <stddef.h>
#include <stdint.h>

#include "netstats.h"
#include "packet.h"
#include "tcp.h" /* dw_payload_fn */

struct dw_sctp;

struct dw_sctp *dw_sctp_new(struct dw_netstats *st, dw_payload_fn deliver, void *arg);
void dw_sctp_free(struct dw_sctp *s);
/* One SCTP packet (common header first); pkt has addresses and time filled in;
 * ports, l4 and the PPID are set here. */
void dw_sctp_packet(struct dw_sctp *s, struct dw_packet *pkt, const uint8_t *p, size_t len);

#endif
