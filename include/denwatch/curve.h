/* curve.h: CurveZMQ for the sensor <-> correlator link (DESIGN 4): key pairs in
 * Z85 text files (secret ones mode 0600), the correlator's allow-list of sensor
 * public keys, and a ZAP handler thread that lets only those sensors in. */
#ifndef DENWATCH_CURVE_H
#define DENWATCH_CURVE_H

#include <stddef.h>
#include <stdint.h>

#include "denwatch/config.h"

#define DW_Z85_KEY_LEN 40

/* `denwatch-sensor keygen --out DIR` / `denwatch-correlator keygen --out DIR`:
 * role is "sensor" or "correlator"; argv[0] is "keygen". Writes DIR/<role>.pub and
 * DIR/<role>.secret. Returns an exit code. */
int dw_keygen_main(const char *role, int argc, char **argv);

/* Writes a new key pair as dir/name.pub and dir/name.secret (0600); refuses to
 * replace an existing secret unless force. Returns 0, or -1 with err filled. */
int dw_curve_keypair_write(const char *dir, const char *name, int force, char *pub_out,
			   char *err, size_t errlen);

/* Reads the one Z85 key of a key file ('#' lines ignored). A secret key file
 * readable by group or others is refused. Returns 0 or -1 with err filled. */
int dw_curve_read_key(const char *path, int secret, char out[DW_Z85_KEY_LEN + 1], char *err,
		      size_t errlen);

/* Sets up a socket as CURVE client (sensor) or server (correlator) from the
 * transport.* key files. Prints one line naming the file and the config key and
 * returns -1 when a key is missing or bad. */
int dw_curve_client_setup(void *sock, const struct dw_config *cfg);
int dw_curve_server_setup(void *sock, const struct dw_config *cfg);

/* The ZAP handler: loads transport.allow_list and answers the context's
 * authentication requests from a thread until dw_zap_stop. Must be started before
 * the server socket binds. Prints one line and returns NULL on error. */
struct dw_zap;
struct dw_zap *dw_zap_start(void *zmq_ctx, const struct dw_config *cfg);
void dw_zap_stop(struct dw_zap *z);
/* Handshakes accepted and refused so far. */
uint64_t dw_zap_accepted(const struct dw_zap *z);
uint64_t dw_zap_refused(const struct dw_zap *z);

#endif
