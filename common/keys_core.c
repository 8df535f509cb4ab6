/* keys_core.c: config keys for logging, capture, windows, the sensor's tables and
 * privacy. Owned by the sensor; read by every program that needs them. */
#include "denwatch/config.h"

#define INT(s, n, d, lo, hi, h) { s, n, DW_KEY_INT, d, lo, hi, NULL, h }
#define DBL(s, n, d, lo, hi, h) { s, n, DW_KEY_DOUBLE, d, lo, hi, NULL, h }
#define BOOL(s, n, d, h) { s, n, DW_KEY_BOOL, d, 0, 0, NULL, h }
#define STR(s, n, d, h) { s, n, DW_KEY_STRING, d, 0, 0, NULL, h }
#define ENUM(s, n, d, c, h) { s, n, DW_KEY_ENUM, d, 0, 0, c, h }

const struct dw_key_def dw_keys_core[] = {
	ENUM("log", "level", "warn", "error|warn|info|debug",
	     "Lowest level of log message written to stderr."),

	INT("capture", "snaplen", "65535", 64, 262144,
	    "Bytes kept of each packet on live capture. Signalling messages are small, "
	    "but SIP with SDP and GTP-C grouped IEs can pass 1500 bytes."),
	INT("capture", "buffer_mb", "64", 1, 4096,
	    "Kernel capture buffer for live capture, in MiB; raise it when --stats shows "
	    "kernel drops."),
	BOOL("capture", "promisc", "on", "Put the interface in promiscuous mode (tap or span port)."),
	STR("capture", "filter", "",
	    "BPF filter applied to every capture unless -f is given; empty means all packets."),
	INT("capture", "read_buffer_kb", "1024", 4, 65536,
	    "stdio buffer for capture files, in KiB; a 1 MiB buffer reads 6-13% faster than "
	    "the default."),
	INT("capture", "frag_max_datagrams", "4096", 16, 1048576,
	    "IPv4 datagrams under reassembly at once; the oldest is dropped (and counted) "
	    "past this."),
	INT("capture", "frag_timeout_s", "30", 1, 600,
	    "Seconds of packet time a partly reassembled IPv4 datagram is kept."),
	INT("capture", "tcp_max_streams", "65536", 16, 4194304,
	    "TCP streams reassembled at once; the least recently active is dropped past this."),
	INT("capture", "tcp_stream_max_kb", "256", 4, 65536,
	    "Buffered bytes per TCP stream direction waiting for a complete message; a "
	    "stream past this is reset and counted."),
	INT("capture", "tcp_timeout_s", "300", 1, 86400,
	    "Seconds of packet time after which an idle TCP stream is forgotten."),
	BOOL("capture", "gtpu_decap", "on",
	     "Look inside GTP-U tunnels (UDP 2152) for signalling, as S1-U/S5-U probes "
	     "carry VoLTE SIP in user-plane tunnels."),

	INT("window", "seconds", "300", 10, 86400,
	    "Length of a summary window in seconds of packet time; windows are aligned on "
	    "multiples of this."),
	INT("window", "grace_seconds", "60", 0, 3600,
	    "A window is closed when packet time passes its end plus this grace, to let "
	    "late packets of other links arrive."),

	INT("sensor", "max_subscribers", "2000000", 16, 100000000,
	    "Subscribers the identity table holds; the least recently seen is evicted "
	    "(and counted) past this."),
	INT("sensor", "max_calls", "1000000", 16, 100000000,
	    "Calls tracked at once by Call-ID; the oldest is evicted past this."),
	INT("sensor", "call_timeout_s", "7200", 60, 86400,
	    "Seconds of packet time after which a call with no final message is closed."),
	INT("sensor", "max_sessions", "2000000", 16, 100000000,
	    "GTP-C sessions tracked by TEID; the least recently seen is evicted past this."),
	INT("sensor", "max_cells", "1000000", 16, 100000000,
	    "Distinct cell ids the sensor interns (about 56 bytes each); cells past this "
	    "are not counted in summaries (and counted in --stats)."),
	INT("sensor", "short_call_s", "20", 1, 600,
	    "An answered outgoing call shorter than this counts as a short call."),
	INT("sensor", "seq_max_step", "10", 1, 1000,
	    "Callee numbers that ascend by at most this step continue a sequential-dialling run."),
	STR("sensor", "id", "",
	    "Name of this sensor in the correlator's store; empty means the host name."),

	ENUM("privacy", "subscriber_ids", "clear", "clear|hmac",
	     "clear: IMSI, MSISDN and IMEI leave the sensor as they are. hmac: the sensor "
	     "replaces them, in summaries and in --dump output, by keyed pseudonyms of the "
	     "same digit format (keyed permutation; subkeys by HMAC-SHA256 of "
	     "privacy.hmac_key_file), keeping MCC+MNC (5 digits), the MSISDN's first 2 "
	     "digits and the IMEI's TAC; the contact sketch hashes are keyed too. The same "
	     "key on every sensor gives the same pseudonyms. See docs/PRIVACY.md."),
	STR("privacy", "hmac_key_file", "config/hmac.key",
	    "Secret key for privacy.subscriber_ids = hmac: the file's bytes (32 to 4096), "
	    "mode 0600 (no group or other access), the same file on every sensor. Make one "
	    "with: denwatch-sensor privacy-keygen --out FILE. The sensor refuses to start in "
	    "hmac mode without it."),
	ENUM("privacy", "imei_serial", "permute", "permute|blocks",
	     "hmac mode, IMEI serials (6 digits after the TAC). permute: keyed permutation "
	     "of the whole serial; the serial_cluster rule cannot fire. blocks: the block of "
	     "1000 serials is permuted and the position in it rotated by a keyed offset, so "
	     "a gateway's close serials stay close (serial_cluster works unless a cluster "
	     "straddles a block edge); weaker: one known IMEI and its pseudonym reveal the "
	     "mapping of its whole block."),
	{ 0 }
};
