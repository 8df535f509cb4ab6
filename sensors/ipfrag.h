/* ipfrag.h: IP fragment reassembly (RFC 791, RFC 8200 section 4.5) with bounded
 * memory: at most max datagrams under reassembly (the oldest is dropped past
 * that), each dropped when timeout of packet time passes without completion.
 * Overlapping fragments never overwrite bytes already held (first wins). */
#ifndef DENWATCH_SENSOR_IPFRAG_H
#define DENWATCH_SENSOR_IPFRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netstats.h"

struct dw_fragkey {
	uint8_t version, proto;
	uint32_t id;
	uint8_t src[16], dst[16];
};

struct dw_ipfrag;

struct dw_ipfrag *dw_ipfrag_new(uint32_t max_datagrams, int64_t timeout_us,
				struct dw_netstats *st);
void dw_ipfrag_free(struct dw_ipfrag *f);

/* Adds one fragment: offset in bytes, more = the MF flag. Returns 1 when the
 * datagram is complete: *out (malloc'd; the caller frees it) and *outlen then
 * give its payload; 0 when it is held; -1 when it was dropped (malformed). */
int dw_ipfrag_add(struct dw_ipfrag *f, const struct dw_fragkey *key, int64_t ts_us,
		  uint32_t offset, bool more, const uint8_t *p, size_t len,
		  const uint8_t **out, size_t *outlen);
/* Drops datagrams older than the timeout at packet time ts_us. */
void dw_ipfrag_expire(struct dw_ipfrag *f, int64_t ts_us);
/* Datagrams held now. */
size_t dw_ipfrag_count(const struct dw_ipfrag *f);

#endif
