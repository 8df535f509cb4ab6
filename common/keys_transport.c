/* keys_transport.c: config keys for the ZeroMQ link between sensors and the
 * correlator, CurveZMQ keys, and the sensor's outbox. Owned by the transport code. */
#include "denwatch/config.h"

#define INT(s, n, d, lo, hi, h) { s, n, DW_KEY_INT, d, lo, hi, NULL, h }
#define BOOL(s, n, d, h) { s, n, DW_KEY_BOOL, d, 0, 0, NULL, h }
#define STR(s, n, d, h) { s, n, DW_KEY_STRING, d, 0, 0, NULL, h }
#define ENUM(s, n, d, c, h) { s, n, DW_KEY_ENUM, d, 0, 0, c, h }

const struct dw_key_def dw_keys_transport[] = {
	STR("transport", "endpoint", "tcp://127.0.0.1:7750",
	    "ZeroMQ endpoint: the correlator binds it, sensors connect to it."),
	BOOL("transport", "curve", "on",
	     "CurveZMQ authentication and encryption. Turn off only for tests and "
	     "demos on loopback."),
	STR("transport", "server_public_key", "config/keys/correlator.pub",
	    "CURVE: the correlator's public key (Z85), read by sensors. Written by "
	    "`denwatch-correlator keygen --out DIR`."),
	STR("transport", "server_secret_key", "config/keys/correlator.secret",
	    "CURVE: the correlator's secret key (Z85, mode 0600), read by the correlator."),
	STR("transport", "sensor_secret_key", "config/keys/sensor.secret",
	    "CURVE: this sensor's secret key (Z85, mode 0600); its public key is derived "
	    "from it. Written by `denwatch-sensor keygen --out DIR`."),
	STR("transport", "allow_list", "config/keys/allowed_sensors",
	    "CURVE: the sensor public keys the correlator accepts, one Z85 key per line, "
	    "optionally followed by the sensor id that key may send as; lines starting "
	    "with '#' are comments."),
	STR("transport", "outbox_dir", "outbox",
	    "Directory of the sensors' durable outboxes: one SQLite file <sensor id>.db "
	    "holding every summary not yet acknowledged by the correlator."),
	ENUM("transport", "outbox_sync", "full", "full|normal",
	     "SQLite synchronous mode of the outbox. full: a summary survives a power "
	     "loss once stored (one fsync per batch); normal: it survives a crash of the "
	     "sensor but the last batches may be lost with the machine."),
	INT("transport", "batch_size", "256", 1, 4096,
	    "Summaries per ZeroMQ message from a sensor."),
	INT("transport", "window", "8192", 1, 1000000,
	    "Summaries a sensor sends ahead of the correlator's acknowledgement."),
	INT("transport", "ack_timeout_ms", "3000", 10, 600000,
	    "With summaries unacknowledged and no acknowledgement for this long, the "
	    "sensor says hello again and resends from the first unacknowledged one."),
	INT("transport", "final_wait_s", "60", 0, 86400,
	    "At end of input, how long a sensor waits for the last acknowledgements "
	    "before it gives up and reports what remains in its outbox."),
	INT("transport", "hwm", "1000", 1, 1000000,
	    "ZeroMQ high-water mark (messages queued per peer) on both sides."),
	INT("transport", "max_message_kb", "1024", 4, 4096,
	    "Largest message the correlator accepts, in KiB; bigger ones are dropped and "
	    "counted. Sensors cut their batches to fit."),
	INT("transport", "reconnect_ms", "100", 10, 60000,
	    "First delay before a sensor reconnects; it doubles up to reconnect_max_ms."),
	INT("transport", "reconnect_max_ms", "5000", 10, 600000,
	    "Longest delay between a sensor's reconnection attempts."),
	INT("transport", "commit_batch", "5000", 1, 1000000,
	    "Summaries the correlator commits in one SQLite transaction at most."),
	INT("transport", "commit_interval_ms", "100", 1, 60000,
	    "Longest time a received summary waits before the correlator commits it "
	    "(and acknowledges it)."),
	{ 0 }
};
