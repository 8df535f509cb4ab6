/* capture.c: libpcap offline and live capture. Files are opened by us with a
 * large stdio buffer and handed to pcap_fopen_offline; for classic pcap files the
 * byte offset of each record is tracked, so that a truncated file is reported
 * where it breaks. Live capture uses pcap_create with immediate mode and a short
 * timeout, so a stop request is seen quickly. */
#include <errno.h>
#include <poll.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture.h"
#include "decode.h"
#include "denwatch/log.h"
#include "pcapng.h"

enum { LIVE_TIMEOUT_MS = 200, PCAP_FILE_HEADER = 24, PCAP_RECORD_HEADER = 16 };

void dw_capture_opts_init(struct dw_capture_opts *o, const struct dw_config *cfg,
			  const char *filter)
{
	o->snaplen = (int)dw_config_int(cfg, DWK_capture_snaplen);
	o->promisc = dw_config_bool(cfg, DWK_capture_promisc);
	o->buffer_mb = (int)dw_config_int(cfg, DWK_capture_buffer_mb);
	o->read_buffer_kb = (int)dw_config_int(cfg, DWK_capture_read_buffer_kb);
	o->filter = filter ? filter : dw_config_str(cfg, DWK_capture_filter);
}

static int set_filter(pcap_t *p, const char *filter, const char *what)
{
	if (!filter || !*filter)
		return 0;
	struct bpf_program prog;
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		dw_error("%s: bad filter \"%s\": %s", what, filter, pcap_geterr(p));
		return -1;
	}
	int rc = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
	if (rc != 0) {
		dw_error("%s: cannot set filter: %s", what, pcap_geterr(p));
		return -1;
	}
	return 0;
}

static int64_t ts_of(const struct pcap_pkthdr *h)
{
	return (int64_t)h->ts.tv_sec * 1000000 + (int64_t)h->ts.tv_usec;
}

static void warn_linktype(const char *what, int linktype)
{
	if (!dw_decoder_linktype_ok(linktype))
		dw_error("%s: link type %s (%d) is not decoded; its frames are counted and "
			 "skipped",
			 what, pcap_datalink_val_to_name(linktype) ? pcap_datalink_val_to_name(linktype) : "?",
			 linktype);
}

/* libpcap refuses some valid pcapng files (interfaces with different link types
 * or snapshot lengths): read those with our own reader, past the frames that
 * libpcap delivered already. */
static int pcapng_fallback(const char *path, FILE *fp, uint64_t delivered, const char *why,
			   dw_frame_fn fn, void *arg, volatile sig_atomic_t *stop,
			   struct dw_capture_stats *st)
{
	LOG_INFO("capture", "%s: libpcap: %s; using the built-in pcapng reader", path, why);
	struct dw_pcapng_result r;
	int x = dw_pcapng_read(fp, delivered, fn, arg, stop, &st->frames, &r);
	if (x < 0)
		return DW_EXIT_FAIL;
	if (x == 0)
		return DW_EXIT_OK;
	dw_error("%s: truncated or corrupt capture at byte %lld, after %" PRIu64
		 " frames: %s; the rest of this file is skipped",
		 path, r.bad_offset, st->frames, r.why);
	st->files_incomplete++;
	return DW_EXIT_INCOMPLETE;
}

/* One file. Returns DW_EXIT_OK, DW_EXIT_INCOMPLETE, or DW_EXIT_FAIL to stop. */
static int read_file(const char *path, const struct dw_capture_opts *o, dw_frame_fn fn,
		     void *arg, volatile sig_atomic_t *stop, struct dw_capture_stats *st,
		     char *iobuf, size_t iobuf_len)
{
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		dw_error("%s: %s", path, strerror(errno));
		return DW_EXIT_FAIL;
	}
	setvbuf(fp, iobuf, _IOFBF, iobuf_len);
	uint8_t magic[4] = { 0 };
	size_t got = fread(magic, 1, 4, fp);
	bool pcapng = got == 4 && magic[0] == 0x0a && magic[1] == 0x0d && magic[2] == 0x0d &&
		      magic[3] == 0x0a;
	rewind(fp);
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_MICRO,
							      errbuf);
	if (!p && pcapng) {
		int rc = pcapng_fallback(path, fp, 0, errbuf, fn, arg, stop, st);
		fclose(fp);
		st->files_read++;
		return rc;
	}
	if (!p) {
		fclose(fp);
		dw_error("%s: not a capture file that can be read (at byte 0): %s", path,
			 got < 4 ? "file too short" : errbuf);
		st->files_incomplete++;
		return DW_EXIT_INCOMPLETE;
	}
	if (set_filter(p, o->filter, path) != 0) {
		pcap_close(p);
		return DW_EXIT_FAIL;
	}
	int linktype = pcap_datalink(p);
	warn_linktype(path, linktype);
	long long offset = PCAP_FILE_HEADER; /* classic pcap: start of the next record */
	int rc = DW_EXIT_OK;
	uint64_t delivered = 0;
	for (;;) {
		if (*stop)
			break;
		struct pcap_pkthdr *h;
		const u_char *data;
		int r = pcap_next_ex(p, &h, &data);
		if (r == 1) {
			st->frames++;
			if (fn(arg, ts_of(h), st->frames, linktype, data, h->caplen) != 0) {
				rc = DW_EXIT_FAIL;
				break;
			}
			offset += PCAP_RECORD_HEADER + (long long)h->caplen;
			delivered++;
			continue;
		}
		if (r == PCAP_ERROR_BREAK)
			break; /* end of file */
		if (pcapng) {
			rc = pcapng_fallback(path, fp, delivered, pcap_geterr(p), fn, arg, stop, st);
			break;
		}
		dw_error("%s: truncated or corrupt capture at byte %lld, after %" PRIu64
			 " frames: %s; the rest of this file is skipped",
			 path, offset, st->frames, pcap_geterr(p));
		st->files_incomplete++;
		rc = DW_EXIT_INCOMPLETE;
		break;
	}
	pcap_close(p); /* closes fp */
	st->files_read++;
	return rc;
}

int dw_capture_files(const char *const *files, int nfiles, const struct dw_capture_opts *o,
		     dw_frame_fn fn, void *arg, volatile sig_atomic_t *stop,
		     struct dw_capture_stats *st)
{
	size_t iobuf_len = (size_t)o->read_buffer_kb * 1024;
	char *iobuf = malloc(iobuf_len);
	if (!iobuf) {
		dw_error("out of memory for the read buffer");
		return DW_EXIT_FAIL;
	}
	int rc = DW_EXIT_OK;
	for (int i = 0; i < nfiles && !*stop; i++) {
		int r = read_file(files[i], o, fn, arg, stop, st, iobuf, iobuf_len);
		if (r == DW_EXIT_FAIL) {
			rc = r;
			break;
		}
		if (r == DW_EXIT_INCOMPLETE)
			rc = r;
	}
	free(iobuf);
	return rc;
}

static int64_t now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

struct live_ctx {
	dw_frame_fn fn;
	void *arg;
	int linktype;
	struct dw_capture_stats *st;
	pcap_t *p;
	bool failed;
};

static void live_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct live_ctx *lc = (struct live_ctx *)user;
	lc->st->frames++;
	if (lc->fn(lc->arg, ts_of(h), lc->st->frames, lc->linktype, data, h->caplen) != 0) {
		lc->failed = true;
		pcap_breakloop(lc->p);
	}
}

static int live_open(pcap_t *p, const char *iface, const struct dw_capture_opts *o)
{
	pcap_set_snaplen(p, o->snaplen);
	pcap_set_promisc(p, o->promisc);
	pcap_set_buffer_size(p, o->buffer_mb * 1024 * 1024);
	pcap_set_timeout(p, LIVE_TIMEOUT_MS);
	pcap_set_immediate_mode(p, 1);
	int r = pcap_activate(p);
	if (r < 0) {
		dw_error("%s: cannot capture: %s", iface,
			 r == PCAP_ERROR ? pcap_geterr(p) : pcap_statustostr(r));
		return -1;
	}
	if (r > 0)
		LOG_WARN("capture", "%s: %s", iface,
			 r == PCAP_WARNING ? pcap_geterr(p) : pcap_statustostr(r));
	return set_filter(p, o->filter, iface);
}

int dw_capture_live(const char *iface, const struct dw_capture_opts *o, dw_frame_fn fn,
		    dw_idle_fn idle, void *arg, volatile sig_atomic_t *stop,
		    struct dw_capture_stats *st)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_create(iface, errbuf);
	if (!p) {
		dw_error("%s: cannot capture: %s", iface, errbuf);
		return DW_EXIT_FAIL;
	}
	if (live_open(p, iface, o) != 0) {
		pcap_close(p);
		return DW_EXIT_FAIL;
	}
	struct live_ctx lc = { .fn = fn, .arg = arg, .linktype = pcap_datalink(p), .st = st, .p = p };
	warn_linktype(iface, lc.linktype);
	LOG_INFO("capture", "capturing on %s", iface);
	/* Non-blocking reads after our own poll with a timeout: a signal or the
	 * timeout returns control here, whatever libpcap's own timeout does. */
	int fd = pcap_get_selectable_fd(p);
	if (fd < 0 || pcap_setnonblock(p, 1, errbuf) != 0) {
		dw_error("%s: cannot poll the capture: %s", iface, fd < 0 ? "no descriptor" : errbuf);
		pcap_close(p);
		return DW_EXIT_FAIL;
	}
	int rc = DW_EXIT_OK;
	while (!*stop && !lc.failed) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int pr = poll(&pfd, 1, LIVE_TIMEOUT_MS);
		if (pr < 0 && errno != EINTR) {
			dw_error("%s: poll: %s", iface, strerror(errno));
			rc = DW_EXIT_FAIL;
			break;
		}
		if (pr > 0 && pcap_dispatch(p, -1, live_packet, (u_char *)&lc) == PCAP_ERROR) {
			dw_error("%s: capture failed: %s", iface, pcap_geterr(p));
			rc = DW_EXIT_FAIL;
			break;
		}
		if (idle)
			idle(arg, now_us());
	}
	/* What the kernel holds already belongs to the capture. */
	while (!lc.failed && pcap_dispatch(p, -1, live_packet, (u_char *)&lc) > 0)
		;
	if (lc.failed)
		rc = DW_EXIT_FAIL;
	struct pcap_stat ps;
	if (pcap_stats(p, &ps) == 0) {
		st->kernel_received = ps.ps_recv;
		st->kernel_dropped = ps.ps_drop;
		st->if_dropped = ps.ps_ifdrop;
	}
	pcap_close(p);
	return rc;
}
