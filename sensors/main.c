/* main.c: denwatch-sensor. Reads capture files or an interface, decodes each
 * frame down to transport payloads (decode.c), hands each payload to the
 * dissector the registry picks, and drives the pipeline with packet time; the
 * pipeline prints JSON Lines (--dump) or hands summaries to the transport. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capture.h"
#include "decode.h"
#include "denwatch/config.h"
#include "denwatch/curve.h"
#include "denwatch/log.h"
#include "denwatch/wire.h"
#include "dissect.h"
#include "pipeline.h"
#include "privacy.h"
#include "sender.h"

#define PROG "denwatch-sensor"

static const char usage_text[] =
	"usage: denwatch-sensor -r FILE... | -i IFACE [-f BPF] [--connect ENDPOINT]\n"
	"                       [--sensor-id NAME] [--dump events|summaries] [--stats]\n"
	"                       [-c FILE] [--set section.key=value]... [--help]\n";

static const char help_text[] =
	"\n"
	"Reads IMS SIP and GTPv2-C signalling from capture files or a network interface,\n"
	"binds subscriber identities (IMSI, MSISDN, IMEI, cell), and turns them into\n"
	"per-subscriber window summaries, which it sends to the correlator, or prints\n"
	"as JSON Lines.\n"
	"\n"
	"Input (exactly one of):\n"
	"  -r FILE...          read capture files (pcap or pcapng) in the order given;\n"
	"                      every argument up to the next option is a file\n"
	"  -i IFACE            capture live on IFACE until SIGINT or SIGTERM; then every\n"
	"                      open window is closed and sent, nothing is lost\n"
	"\n"
	"Options:\n"
	"  -f BPF              BPF filter for the input (overrides capture.filter),\n"
	"                      e.g. -f 'udp port 5060 or udp port 2123 or udp port 2152'\n"
	"  --connect ENDPOINT  correlator to send summaries to (default transport.endpoint)\n"
	"  --sensor-id NAME    name of this sensor in the correlator's store\n"
	"                      (default sensor.id, else the host name)\n"
	"  --dump events       print every normalized event as one JSON object per line on\n"
	"                      stdout; nothing is sent\n"
	"  --dump summaries    print every closed window summary as one JSON object per\n"
	"                      line on stdout; nothing is sent\n"
	"  --stats             at exit, print counters on stderr, one \"name value\" per line:\n"
	"                      capture (net.*: frames, link types, IP, fragments, TCP\n"
	"                      streams, SCTP chunks, GTP-U), per protocol (<proto>.messages,\n"
	"                      .parsed, .malformed, .unsupported, .events) and the\n"
	"                      pipeline's tables\n"
	"  -c FILE             configuration file (default config/denwatch.conf if present)\n"
	"  --set S.K=V         override one configuration key; may be repeated\n"
	"  -h, --help          print this help\n"
	"\n"
	"  denwatch-sensor keygen --out DIR           this sensor's CurveZMQ key pair\n"
	"  denwatch-sensor privacy-keygen --out FILE  a key for privacy.subscriber_ids = hmac\n"
	"\n"
	"Configuration keys that matter most here:\n"
	"  capture.snaplen, capture.promisc, capture.buffer_mb    live capture\n"
	"  capture.filter                     BPF filter when -f is not given\n"
	"  capture.read_buffer_kb             stdio buffer for capture files (1024)\n"
	"  capture.gtpu_decap                 look inside GTP-U on UDP 2152 (on)\n"
	"  capture.frag_max_datagrams, capture.frag_timeout_s   IP reassembly bounds\n"
	"  capture.tcp_max_streams, capture.tcp_stream_max_kb, capture.tcp_timeout_s\n"
	"                                     TCP reassembly bounds\n"
	"  window.seconds, window.grace_seconds   summary windows, in packet time\n"
	"  sensor.max_subscribers, sensor.id, privacy.subscriber_ids\n"
	"  transport.endpoint, transport.curve\n"
	"\n"
	"Exit status:\n"
	"  0  all input read and every summary delivered\n"
	"  1  failure (a file that cannot be opened, capture error, transport failure)\n"
	"  2  usage error, or a bad configuration\n"
	"  3  incomplete input: a capture file was truncated or corrupt; what was read\n"
	"     is still summarized and output\n"
	"\n"
	"Examples:\n"
	"  denwatch-sensor -r day1.pcap day2.pcapng --dump summaries > summaries.jsonl\n"
	"  denwatch-sensor -r ims.pcap --dump events --stats\n"
	"  denwatch-sensor -i eth1 -f 'udp port 5060 or udp port 2123' \\\n"
	"      --connect tcp://correlator:7750 --sensor-id probe-3\n"
	"  denwatch-sensor -r s11.pcap --set window.seconds=60 --dump summaries\n";

struct args {
	const char **files;
	int nfiles;
	const char *iface;
	const char *filter;
	const char *connect;
	const char *sensor_id;
	const char *dump; /* NULL, "events" or "summaries" */
	bool stats;
	const char *config;
	const char **sets;
	int nsets;
};

/* The running sensor: what every callback needs. */
struct sensor {
	struct dw_config cfg;
	struct dw_pipeline *pl;
	struct dw_decoder *dec;
	int64_t last_ts;
	bool sink_failed;
	uint64_t unclaimed; /* payloads no dissector claimed */
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static int usage_error(const char *fmt, const char *arg)
{
	char msg[256];
	snprintf(msg, sizeof msg, fmt, arg);
	dw_error("%s (see --help)", msg);
	return DW_EXIT_USAGE;
}

/* Takes the value of an option: "--opt=value" or "--opt value". */
static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
	const char *a = argv[*i];
	size_t n = strlen(name);
	if (strncmp(a, name, n) == 0 && a[n] == '=')
		return a + n + 1;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

static bool is_opt(const char *a, const char *name)
{
	size_t n = strlen(name);
	return strncmp(a, name, n) == 0 && (a[n] == 0 || (a[n] == '=' && name[1] == '-'));
}

/* Returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, struct args *a)
{
	a->files = calloc((size_t)argc, sizeof *a->files);
	a->sets = calloc((size_t)argc, sizeof *a->sets);
	bool in_files = false;
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];
		const char *v;
		if (o[0] != '-' || o[1] == 0) {
			if (!in_files)
				return usage_error("unexpected argument \"%s\"", o);
			a->files[a->nfiles++] = o;
			continue;
		}
		in_files = false;
		if (is_opt(o, "-h") || is_opt(o, "--help")) {
			fputs(usage_text, stdout);
			fputs(help_text, stdout);
			return DW_EXIT_OK;
		} else if (is_opt(o, "-r")) {
			if (i + 1 >= argc || argv[i + 1][0] == '-')
				return usage_error("%s needs at least one capture file", o);
			in_files = true;
		} else if (is_opt(o, "--stats")) {
			a->stats = true;
		} else {
			static const char *const with_value[] = { "-i", "-f", "--connect",
								  "--sensor-id", "--dump", "-c",
								  "--set", NULL };
			int k = 0;
			while (with_value[k] && !is_opt(o, with_value[k]))
				k++;
			if (!with_value[k])
				return usage_error("unknown option \"%s\"", o);
			if (!(v = opt_value(argc, argv, &i, with_value[k])))
				return usage_error("%s needs a value", with_value[k]);
			switch (k) {
			case 0: a->iface = v; break;
			case 1: a->filter = v; break;
			case 2: a->connect = v; break;
			case 3: a->sensor_id = v; break;
			case 4: a->dump = v; break;
			case 5: a->config = v; break;
			case 6: a->sets[a->nsets++] = v; break;
			}
		}
	}
	if (a->nfiles == 0 && !a->iface)
		return usage_error("%s", "give capture files with -r FILE... or an interface with -i IFACE");
	if (a->nfiles > 0 && a->iface)
		return usage_error("%s", "-r and -i cannot be used together");
	if (a->dump && strcmp(a->dump, "events") != 0 && strcmp(a->dump, "summaries") != 0)
		return usage_error("--dump takes events or summaries, not \"%s\"", a->dump);
	return -1;
}

/* A payload from the decoder: the registry picks the dissector. */
static void on_payload(void *arg, const struct dw_packet *pkt, const uint8_t *p, size_t len)
{
	struct sensor *s = arg;
	const struct dw_dissector *d = dw_dissector_match(pkt, p, len);
	if (!d) {
		s->unclaimed++;
		return;
	}
	struct dw_proto_stats *ps = dw_pipeline_stats(s->pl, d->proto);
	ps->messages++;
	switch (d->parse(s->pl, pkt, p, len)) {
	case DW_PARSE_OK:
		ps->parsed++;
		break;
	case DW_PARSE_MALFORMED:
		ps->malformed++;
		break;
	case DW_PARSE_UNSUPPORTED:
		ps->unsupported++;
		break;
	}
}

/* TCP framing: the dissector picked for a stream direction cuts it. */
static long on_frame_tcp(void *arg, const void **owner, const struct dw_packet *pkt,
			 const uint8_t *p, size_t len)
{
	(void)arg;
	const struct dw_dissector *d = *owner;
	if (!d) {
		d = dw_dissector_match(pkt, p, len);
		if (!d)
			return DW_FRAME_GARBAGE; /* maybe mid-message: look at the next line */
		if (!d->frame)
			return DW_FRAME_IGNORE;
		*owner = d;
	}
	return d->frame(p, len);
}

static int on_frame(void *arg, int64_t ts_us, uint64_t frame, int linktype, const uint8_t *p,
		    size_t caplen)
{
	struct sensor *s = arg;
	if (ts_us > s->last_ts) {
		s->last_ts = ts_us;
		if (dw_pipeline_advance(s->pl, ts_us) != 0) {
			s->sink_failed = true;
			return -1;
		}
	}
	dw_decode_frame(s->dec, ts_us, frame, linktype, p, caplen);
	return 0;
}

/* Live capture without packets: wall-clock time is packet time. */
static void on_idle(void *arg, int64_t now_us)
{
	struct sensor *s = arg;
	if (now_us <= s->last_ts)
		return;
	s->last_ts = now_us;
	dw_decoder_advance(s->dec, now_us);
	if (dw_pipeline_advance(s->pl, now_us) != 0) {
		s->sink_failed = true;
		stop_requested = 1;
	}
}

static void print_stats(struct sensor *s, const struct dw_capture_stats *cs, FILE *f)
{
	fprintf(f, "capture.frames %" PRIu64 "\n", cs->frames);
	fprintf(f, "capture.files_read %" PRIu64 "\n", cs->files_read);
	fprintf(f, "capture.files_incomplete %" PRIu64 "\n", cs->files_incomplete);
	fprintf(f, "capture.kernel_received %" PRIu64 "\n", cs->kernel_received);
	fprintf(f, "capture.kernel_dropped %" PRIu64 "\n", cs->kernel_dropped);
	fprintf(f, "capture.if_dropped %" PRIu64 "\n", cs->if_dropped);
	dw_netstats_print(dw_decoder_stats(s->dec), f);
	fprintf(f, "dissect.unclaimed %" PRIu64 "\n", s->unclaimed);
	for (int p = 0; p < DW_PROTO_COUNT; p++) {
		const struct dw_proto_stats *ps = dw_pipeline_stats(s->pl, (enum dw_proto)p);
		const char *n = dw_proto_name((enum dw_proto)p);
		fprintf(f, "%s.messages %" PRIu64 "\n", n, ps->messages);
		fprintf(f, "%s.parsed %" PRIu64 "\n", n, ps->parsed);
		fprintf(f, "%s.malformed %" PRIu64 "\n", n, ps->malformed);
		fprintf(f, "%s.unsupported %" PRIu64 "\n", n, ps->unsupported);
		fprintf(f, "%s.events %" PRIu64 "\n", n, ps->events);
	}
	dw_pipeline_print_stats(s->pl, f);
}

/* Reads the input given on the command line through the pipeline and finishes
 * it. Returns the exit status. */
static int run_input(struct sensor *s, const struct args *a)
{
	struct dw_capture_opts co;
	dw_capture_opts_init(&co, &s->cfg, a->filter);
	struct dw_capture_stats cs = { 0 };
	int rc;
	if (a->iface)
		rc = dw_capture_live(a->iface, &co, on_frame, on_idle, s, &stop_requested, &cs);
	else
		rc = dw_capture_files(a->files, a->nfiles, &co, on_frame, s, &stop_requested,
				      &cs);
	if (dw_pipeline_finish(s->pl) != 0)
		s->sink_failed = true;
	if (a->stats)
		print_stats(s, &cs, stderr);
	if (s->sink_failed)
		return DW_EXIT_FAIL;
	return rc;
}

/* Sets up decoder and pipeline for the given output, then runs the input. */
static int run_with_output(struct sensor *s, const struct args *a,
			   const struct dw_pipeline_opts *po)
{
	s->pl = dw_pipeline_new(&s->cfg, po);
	struct dw_decoder_opts dopt;
	dw_decoder_opts_init(&dopt, &s->cfg);
	s->dec = dw_decoder_new(&dopt, on_payload, on_frame_tcp, s);
	if (!s->pl || !s->dec) {
		dw_error("out of memory setting up the pipeline");
		return DW_EXIT_FAIL;
	}
	int rc = run_input(s, a);
	if (fflush(stdout) != 0) {
		dw_error("writing the output: %s", strerror(errno));
		rc = DW_EXIT_FAIL;
	}
	return rc;
}

/* Names an offline input for dw_sender_resume_stream: every file's name, size
 * and modification time, and every config value (they shape the summaries). */
static void key_append(struct dw_buf *k, const char *part, int n)
{
	if (n <= 0)
		return;
	if (dw_buf_reserve(k, (size_t)n + 1) == 0) {
		memcpy(k->p + k->len, part, (size_t)n);
		k->len += (size_t)n;
		k->p[k->len] = 0;
	}
}

static void stream_key(const struct sensor *s, const struct args *a, struct dw_buf *k)
{
	char part[1024];
	for (int i = 0; i < a->nfiles; i++) {
		struct stat sb;
		memset(&sb, 0, sizeof sb);
		stat(a->files[i], &sb);
		int n = snprintf(part, sizeof part, "file %s %lld %lld\n", a->files[i],
				 (long long)sb.st_size, (long long)sb.st_mtime);
		key_append(k, part, n < (int)sizeof part ? n : (int)sizeof part - 1);
	}
	for (size_t i = 0; i < s->cfg.n; i++) {
		int n = snprintf(part, sizeof part, "%s.%s=%s\n", s->cfg.defs[i].section,
				 s->cfg.defs[i].name, s->cfg.v[i].text ? s->cfg.v[i].text : "");
		key_append(k, part, n < (int)sizeof part ? n : (int)sizeof part - 1);
	}
}

/* The transport path: summaries go through the durable outbox to the
 * correlator (sensors/sender.h). An offline replay ends with an end-of-stream
 * and waits for the last acknowledgements; a replay restarted on the same files
 * resumes where its outbox stood. */
static int run_transport(struct sensor *s, const struct args *a)
{
	struct dw_sender *snd = dw_sender_new(&s->cfg, a->connect, a->sensor_id);
	if (!snd)
		return DW_EXIT_FAIL;
	if (!a->iface) {
		struct dw_buf key = { 0 };
		stream_key(s, a, &key);
		if (key.p)
			dw_sender_resume_stream(snd, (const char *)key.p);
		dw_buf_free(&key);
	}
	struct dw_pipeline_opts po = {
		.output = DW_OUT_SINK, .sink = dw_sender_sink, .sink_arg = snd,
	};
	int rc = run_with_output(s, a, &po);
	if ((rc == DW_EXIT_OK || rc == DW_EXIT_INCOMPLETE) && dw_sender_finish(snd) != 0)
		rc = DW_EXIT_FAIL;
	dw_sender_free(snd);
	return rc;
}

/* `denwatch-sensor keygen --out DIR`: this sensor's CurveZMQ key pair. */
static int run_keygen(int argc, char **argv)
{
	return dw_keygen_main("sensor", argc, argv);
}

static void install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int main(int argc, char **argv)
{
	dw_log_init(PROG, DW_LOG_WARN);
	if (argc > 1 && strcmp(argv[1], "keygen") == 0)
		return run_keygen(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "privacy-keygen") == 0)
		return dw_privacy_keygen_main(argc - 1, argv + 1);
	struct args a = { 0 };
	int rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		goto out_args;
	struct sensor s = { 0 };
	if (dw_config_setup(&s.cfg, a.config, a.sets, a.nsets) != 0) {
		dw_config_free(&s.cfg);
		rc = DW_EXIT_USAGE;
		goto out_args;
	}
	int level = dw_log_level_parse(dw_config_str(&s.cfg, DWK_log_level));
	if (level >= 0)
		dw_log_set_level((enum dw_log_level)level);
	install_signals();
	if (dw_privacy_check(&s.cfg) != 0) {
		rc = DW_EXIT_FAIL;
	} else if (a.dump) {
		/* Reading files, lines go out in large writes (hundreds of thousands of
		 * summary lines a second); a live capture keeps stdio's default so that
		 * a reader of the pipe sees lines soon. */
		static char outbuf[1 << 16];
		if (!a.iface)
			setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
		struct dw_pipeline_opts po = {
			.output = strcmp(a.dump, "events") == 0 ? DW_OUT_EVENTS : DW_OUT_SUMMARIES,
			.out = stdout,
		};
		rc = run_with_output(&s, &a, &po);
	} else {
		rc = run_transport(&s, &a);
	}
	dw_decoder_free(s.dec);
	if (s.pl)
		dw_pipeline_free(s.pl);
	dw_config_free(&s.cfg);
out_args:
	free(a.files);
	free(a.sets);
	return rc;
}
