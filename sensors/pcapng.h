/* pcapng.h: a small pcapng reader (draft-ietf-opsawg-pcapng) for the files
 * libpcap refuses: several interfaces with different link types or snapshot
 * lengths in one file. Reads section headers, interface descriptions (with
 * if_tsresol), enhanced, simple and obsolete packet blocks. */
#ifndef DENWATCH_SENSOR_PCAPNG_H
#define DENWATCH_SENSOR_PCAPNG_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "capture.h"

struct dw_pcapng_result {
	uint64_t frames;     /* packets read (including skipped ones) */
	long long bad_offset; /* byte offset of the block that broke the file, or -1 */
	char why[128];
};

/* Reads fp from its start; the first `skip` packets are not handed to fn (they
 * were delivered already). Returns 0 at end of file, 1 when the file is
 * truncated or corrupt (see r), -1 when fn asked to stop. */
int dw_pcapng_read(FILE *fp, uint64_t skip, dw_frame_fn fn, void *arg,
		   volatile sig_atomic_t *stop, uint64_t *frame_no, struct dw_pcapng_result *r);

#endif
