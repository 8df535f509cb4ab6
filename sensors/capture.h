/* capture.h: libpcap input, offline (capture files, pcap and pcapng, one after
 * the other, each read through a large stdio buffer) or live (an interface with
 * immediate delivery). Frames go to a callback with packet time and a frame
 * number that runs on across the files. */
#ifndef DENWATCH_SENSOR_CAPTURE_H
#define DENWATCH_SENSOR_CAPTURE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "denwatch/config.h"

struct dw_capture_opts {
	int snaplen;        /* capture.snaplen (live) */
	bool promisc;       /* capture.promisc (live) */
	int buffer_mb;      /* capture.buffer_mb (live) */
	int read_buffer_kb; /* capture.read_buffer_kb (files) */
	const char *filter; /* BPF; NULL or "" for none */
};

/* From the config; filter is -f when given, else capture.filter. */
void dw_capture_opts_init(struct dw_capture_opts *o, const struct dw_config *cfg,
			  const char *filter);

/* One frame. Returns 0, or -1 to stop reading (the callee has said why). */
typedef int (*dw_frame_fn)(void *arg, int64_t ts_us, uint64_t frame, int linktype,
			   const uint8_t *p, size_t caplen);
/* Live capture only: wall-clock time passes without packets. */
typedef void (*dw_idle_fn)(void *arg, int64_t now_us);

struct dw_capture_stats {
	uint64_t frames;
	uint64_t files_read;
	uint64_t files_incomplete; /* truncated, corrupt or unreadable */
	uint64_t kernel_received, kernel_dropped, if_dropped; /* live, from pcap_stats */
};

/* Reads the files in order. A file that is truncated or corrupt gets one line
 * naming it and the byte offset; the rest of the files are still read. Returns
 * DW_EXIT_OK, DW_EXIT_INCOMPLETE (some input was lost) or DW_EXIT_FAIL (a file
 * cannot be opened, a bad filter, or fn asked to stop). */
int dw_capture_files(const char *const *files, int nfiles, const struct dw_capture_opts *o,
		     dw_frame_fn fn, void *arg, volatile sig_atomic_t *stop,
		     struct dw_capture_stats *st);

/* Captures on iface until *stop becomes non-zero (a signal handler sets it).
 * Returns DW_EXIT_OK or DW_EXIT_FAIL (after printing why). */
int dw_capture_live(const char *iface, const struct dw_capture_opts *o, dw_frame_fn fn,
		    dw_idle_fn idle, void *arg, volatile sig_atomic_t *stop,
		    struct dw_capture_stats *st);

#endif
