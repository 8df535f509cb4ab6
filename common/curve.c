/* curve.c: CurveZMQ keys, the allow-list and the ZAP handler (RFC 27 of the
 * ZeroMQ RFCs, "ZAP"). The handler runs in its own thread on the correlator's
 * context, bound to inproc://zeromq.zap.01, and accepts a CURVE client only when
 * its public key is in the allow-list; each refused key is logged once. */
#include "denwatch/curve.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "denwatch/log.h"

#define ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define MAX_REFUSED_LOGGED 256

static bool z85_key_valid(const char *k)
{
	uint8_t bin[32];
	return strlen(k) == DW_Z85_KEY_LEN && zmq_z85_decode(bin, k) != NULL;
}

static int write_file(const char *path, const char *text, mode_t mode, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0 || fchmod(fd, mode) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	size_t n = strlen(text);
	ssize_t w = write(fd, text, n);
	if (w != (ssize_t)n || fsync(fd) != 0) {
		snprintf(err, errlen, "%s: %s", path, w < 0 ? strerror(errno) : "short write");
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int dw_curve_keypair_write(const char *dir, const char *name, int force, char *pub_out,
			   char *err, size_t errlen)
{
	char pub[DW_Z85_KEY_LEN + 1], sec[DW_Z85_KEY_LEN + 1];
	char ppath[4096], spath[4096], text[256];
	if (zmq_curve_keypair(pub, sec) != 0) {
		snprintf(err, errlen, "cannot make a CURVE key pair: %s", zmq_strerror(errno));
		return -1;
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	snprintf(ppath, sizeof ppath, "%s/%s.pub", dir, name);
	snprintf(spath, sizeof spath, "%s/%s.secret", dir, name);
	if (!force && access(spath, F_OK) == 0) {
		snprintf(err, errlen, "%s: exists; not replacing a secret key (use --force)", spath);
		return -1;
	}
	snprintf(text, sizeof text, "# denwatch CURVE secret key of %s (Z85); keep private\n%s\n",
		 name, sec);
	if (write_file(spath, text, 0600, err, errlen))
		return -1;
	snprintf(text, sizeof text, "# denwatch CURVE public key of %s (Z85)\n%s\n", name, pub);
	if (write_file(ppath, text, 0644, err, errlen))
		return -1;
	if (pub_out)
		memcpy(pub_out, pub, sizeof pub);
	return 0;
}

int dw_keygen_main(const char *role, int argc, char **argv)
{
	const char *out = NULL;
	int force = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
			out = argv[++i];
		else if (strcmp(argv[i], "--force") == 0)
			force = 1;
		else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("usage: %s keygen --out DIR [--force]\n"
			       "Writes a CURVE key pair: DIR/%s.pub and DIR/%s.secret (mode 0600).\n",
			       dw_log_prog(), role, role);
			return DW_EXIT_OK;
		} else {
			dw_error("keygen: unknown argument '%s' (usage: keygen --out DIR [--force])",
				 argv[i]);
			return DW_EXIT_USAGE;
		}
	}
	if (!out) {
		dw_error("keygen: --out DIR is required");
		return DW_EXIT_USAGE;
	}
	if (!zmq_has("curve")) {
		dw_error("keygen: this libzmq has no CURVE support");
		return DW_EXIT_FAIL;
	}
	char err[DW_ERR_LEN], pub[DW_Z85_KEY_LEN + 1];
	if (dw_curve_keypair_write(out, role, force, pub, err, sizeof err)) {
		dw_error("keygen: %s", err);
		return DW_EXIT_FAIL;
	}
	printf("wrote %s/%s.pub and %s/%s.secret\n", out, role, out, role);
	if (strcmp(role, "sensor") == 0)
		printf("allow this sensor on the correlator with this line in its "
		       "transport.allow_list file:\n%s <sensor name>\n",
		       pub);
	else
		printf("copy %s/%s.pub to each sensor (transport.server_public_key)\n", out, role);
	return DW_EXIT_OK;
}

int dw_curve_read_key(const char *path, int secret, char out[DW_Z85_KEY_LEN + 1], char *err,
		      size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	struct stat sb;
	if (secret && fstat(fileno(f), &sb) == 0 && (sb.st_mode & 077)) {
		snprintf(err, errlen, "%s: secret key readable by others (chmod 600 it)", path);
		fclose(f);
		return -1;
	}
	char line[256];
	int found = -1, bad = 0;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = 0;
		char *p = line + strspn(line, " \t");
		if (*p == '#' || *p == 0)
			continue;
		p[strcspn(p, " \t")] = 0;
		if (!z85_key_valid(p)) {
			snprintf(err, errlen, "%s: not a Z85 CURVE key (40 characters)", path);
			bad = 1;
			break;
		}
		memcpy(out, p, DW_Z85_KEY_LEN + 1);
		found = 0;
		break;
	}
	if (found && !bad)
		snprintf(err, errlen, "%s: no key in the file", path);
	fclose(f);
	return found;
}

/* Reads the key named by a config key; prints the one line on failure. */
static int config_key(const struct dw_config *cfg, enum dw_str_key cfgkey, int secret,
		      char out[DW_Z85_KEY_LEN + 1])
{
	char err[DW_ERR_LEN] = "";
	const char *path = dw_config_str(cfg, cfgkey);
	if (dw_curve_read_key(path, secret, out, err, sizeof err) == 0)
		return 0;
	const char *name = dw_keys[cfgkey].name;
	dw_error("%s (config transport.%s; transport.curve is on; make keys with `%s keygen "
		 "--out DIR`)",
		 err, name, strstr(name, "sensor") ? "denwatch-sensor" : "denwatch-correlator");
	return -1;
}

int dw_curve_client_setup(void *sock, const struct dw_config *cfg)
{
	char server[DW_Z85_KEY_LEN + 1], pub[DW_Z85_KEY_LEN + 1], sec[DW_Z85_KEY_LEN + 1];
	if (!zmq_has("curve")) {
		dw_error("transport.curve is on but this libzmq has no CURVE support");
		return -1;
	}
	if (config_key(cfg, DWK_transport_server_public_key, 0, server) ||
	    config_key(cfg, DWK_transport_sensor_secret_key, 1, sec))
		return -1;
	if (zmq_curve_public(pub, sec) != 0) {
		dw_error("%s: cannot derive the public key", dw_config_str(cfg, DWK_transport_sensor_secret_key));
		return -1;
	}
	if (zmq_setsockopt(sock, ZMQ_CURVE_SERVERKEY, server, DW_Z85_KEY_LEN) ||
	    zmq_setsockopt(sock, ZMQ_CURVE_PUBLICKEY, pub, DW_Z85_KEY_LEN) ||
	    zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, sec, DW_Z85_KEY_LEN)) {
		dw_error("cannot set CURVE keys: %s", zmq_strerror(errno));
		return -1;
	}
	return 0;
}

int dw_curve_server_setup(void *sock, const struct dw_config *cfg)
{
	char sec[DW_Z85_KEY_LEN + 1];
	int one = 1;
	if (!zmq_has("curve")) {
		dw_error("transport.curve is on but this libzmq has no CURVE support");
		return -1;
	}
	if (config_key(cfg, DWK_transport_server_secret_key, 1, sec))
		return -1;
	if (zmq_setsockopt(sock, ZMQ_CURVE_SERVER, &one, sizeof one) ||
	    zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, sec, DW_Z85_KEY_LEN) ||
	    zmq_setsockopt(sock, ZMQ_ZAP_DOMAIN, "denwatch", 8)) {
		dw_error("cannot set CURVE keys: %s", zmq_strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- allow-list and ZAP handler ---- */

struct allowed {
	uint8_t key[32];
	char name[64];
};

struct dw_zap {
	void *sock;
	pthread_t thread;
	atomic_bool stop;
	atomic_uint_fast64_t accepted, refused;
	struct allowed *allow;
	size_t n_allow;
	uint8_t logged[MAX_REFUSED_LOGGED][32];
	size_t n_logged;
	char path[1024];
};

static int load_allow_list(struct dw_zap *z, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		dw_error("%s: %s (config transport.allow_list; transport.curve is on)", path,
			 strerror(errno));
		return -1;
	}
	char line[512];
	int lineno = 0, rc = 0;
	size_t cap = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		line[strcspn(line, "\r\n")] = 0;
		char *k = line + strspn(line, " \t");
		if (!*k || *k == '#') /* '#' is a Z85 digit: comments are whole lines */
			continue;
		char *name = k + strcspn(k, " \t");
		if (*name)
			*name++ = 0;
		name += strspn(name, " \t");
		if (!z85_key_valid(k)) {
			dw_error("%s:%d: transport.allow_list: not a Z85 public key", path, lineno);
			rc = -1;
			break;
		}
		if (z->n_allow == cap) {
			cap = cap ? cap * 2 : 16;
			struct allowed *a = realloc(z->allow, cap * sizeof(*a));
			if (!a) {
				rc = -1;
				break;
			}
			z->allow = a;
		}
		struct allowed *a = &z->allow[z->n_allow++];
		zmq_z85_decode(a->key, k);
		name[strcspn(name, " \t")] = 0;
		snprintf(a->name, sizeof a->name, "%s", name); /* "" when not named */
	}
	fclose(f);
	if (rc == 0 && z->n_allow == 0)
		LOG_WARN("curve", "%s: the allow-list is empty: no sensor can connect", path);
	return rc;
}

static const struct allowed *find_allowed(const struct dw_zap *z, const uint8_t key[32])
{
	for (size_t i = 0; i < z->n_allow; i++)
		if (memcmp(z->allow[i].key, key, 32) == 0)
			return &z->allow[i];
	return NULL;
}

static void log_refusal_once(struct dw_zap *z, const uint8_t key[32], const char *addr)
{
	for (size_t i = 0; i < z->n_logged; i++)
		if (memcmp(z->logged[i], key, 32) == 0)
			return;
	if (z->n_logged < MAX_REFUSED_LOGGED)
		memcpy(z->logged[z->n_logged++], key, 32);
	char z85[DW_Z85_KEY_LEN + 1];
	zmq_z85_encode(z85, key, 32);
	LOG_WARN("curve", "refused a sensor from %s: public key %s is not in %s", addr, z85,
		 z->path);
}

/* Receives one ZAP request (up to 7 frames, more are drained) and answers it. */
static void zap_serve_one(struct dw_zap *z)
{
	char frames[7][256];
	size_t lens[7] = { 0 };
	int n = 0, more = 1;
	while (more) {
		zmq_msg_t msg;
		zmq_msg_init(&msg);
		if (zmq_msg_recv(&msg, z->sock, 0) < 0) {
			zmq_msg_close(&msg);
			return;
		}
		if (n < 7) {
			size_t l = zmq_msg_size(&msg);
			lens[n] = l < sizeof frames[n] - 1 ? l : sizeof frames[n] - 1;
			memcpy(frames[n], zmq_msg_data(&msg), lens[n]);
			frames[n][lens[n]] = 0;
		}
		n++;
		more = zmq_msg_more(&msg);
		zmq_msg_close(&msg);
	}
	const char *status = "400", *text = "not allowed", *user = "";
	const struct allowed *a = NULL;
	if (n >= 7 && strcmp(frames[0], "1.0") == 0 && strcmp(frames[5], "CURVE") == 0 &&
	    lens[6] == 32) {
		a = find_allowed(z, (const uint8_t *)frames[6]);
		if (a) {
			status = "200", text = "OK", user = a->name;
			z->accepted++;
		} else {
			z->refused++;
			log_refusal_once(z, (const uint8_t *)frames[6], frames[3]);
		}
	} else {
		z->refused++;
		LOG_WARN("curve", "refused a connection: not a CURVE handshake");
	}
	const char *reply[6] = { "1.0", n >= 2 ? frames[1] : "", status, text, user, "" };
	size_t rlen[6] = { 3, n >= 2 ? lens[1] : 0, 3, strlen(text), strlen(user), 0 };
	for (int i = 0; i < 6; i++)
		zmq_send(z->sock, reply[i], rlen[i], i < 5 ? ZMQ_SNDMORE : 0);
}

static void *zap_thread(void *arg)
{
	struct dw_zap *z = arg;
	while (!atomic_load(&z->stop)) {
		zmq_pollitem_t it = { z->sock, 0, ZMQ_POLLIN, 0 };
		int rc = zmq_poll(&it, 1, 100);
		if (rc < 0 && errno == ETERM)
			break;
		if (rc > 0)
			zap_serve_one(z);
	}
	return NULL;
}

struct dw_zap *dw_zap_start(void *ctx, const struct dw_config *cfg)
{
	struct dw_zap *z = calloc(1, sizeof(*z));
	if (!z)
		return NULL;
	snprintf(z->path, sizeof z->path, "%s", dw_config_str(cfg, DWK_transport_allow_list));
	if (load_allow_list(z, z->path))
		goto fail;
	z->sock = zmq_socket(ctx, ZMQ_REP);
	int linger = 0;
	if (!z->sock || zmq_setsockopt(z->sock, ZMQ_LINGER, &linger, sizeof linger) ||
	    zmq_bind(z->sock, ZAP_ENDPOINT)) {
		dw_error("cannot start the ZAP handler: %s", zmq_strerror(errno));
		goto fail;
	}
	if (pthread_create(&z->thread, NULL, zap_thread, z) != 0) {
		dw_error("cannot start the ZAP handler thread");
		goto fail;
	}
	return z;
fail:
	if (z->sock)
		zmq_close(z->sock);
	free(z->allow);
	free(z);
	return NULL;
}

void dw_zap_stop(struct dw_zap *z)
{
	if (!z)
		return;
	atomic_store(&z->stop, true);
	pthread_join(z->thread, NULL);
	zmq_close(z->sock);
	free(z->allow);
	free(z);
}

uint64_t dw_zap_accepted(const struct dw_zap *z)
{
	return z ? atomic_load(&((struct dw_zap *)z)->accepted) : 0;
}

uint64_t dw_zap_refused(const struct dw_zap *z)
{
	return z ? atomic_load(&((struct dw_zap *)z)->refused) : 0;
}
