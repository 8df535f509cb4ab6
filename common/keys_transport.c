/* keys_transport.c: config keys for the ZeroMQ link between sensors and the
 * correlator, and the sensor's outbox. Owned by the transport code. */
#include "denwatch/config.h"

const struct dw_key_def dw_keys_transport[] = {
	{ "transport", "endpoint", DW_KEY_STRING, "tcp://127.0.0.1:7750", 0, 0, NULL,
	  "ZeroMQ endpoint: the correlator binds it, sensors connect to it." },
	{ "transport", "curve", DW_KEY_BOOL, "on", 0, 0, NULL,
	  "CurveZMQ authentication and encryption. Turn off only for tests and "
	  "demos on loopback." },
	{ 0 }
};
