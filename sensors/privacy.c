/* privacy.c: keyed pseudonyms of subscriber identifiers (see privacy.h and
 * docs/PRIVACY.md). Subkeys are HMAC-SHA256(file key, label); the digits after the
 * kept prefix go through a format-preserving Feistel permutation of [0, 10^d)
 * (FE1 of Bellare, Ristenpart, Rogaway and Stegers, as in Botan) whose round
 * function is SipHash-2-4 keyed by the subkey and tweaked by the kept prefix. */
#include "privacy.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "denwatch/ident.h"
#include "denwatch/log.h"
#include "window.h"

#define ROUNDS 10
#define FPE_MAX_DIGITS 18 /* 10^18 < 2^63: one uint64 */
#define SK crypto_shorthash_siphash24_KEYBYTES

enum { K_IMSI, K_MSISDN, K_IMEI, K_CONTACT, K_LONG, K_CALL_ID, K_IMEI_BLOCK, K_COUNT };

static const char *const labels[K_COUNT] = {
	"denwatch/privacy/v1/imsi",    "denwatch/privacy/v1/msisdn",
	"denwatch/privacy/v1/imei",    "denwatch/privacy/v1/contact",
	"denwatch/privacy/v1/long",    "denwatch/privacy/v1/call_id",
	"denwatch/privacy/v1/imei_block",
};

struct dw_privacy {
	uint8_t k[K_COUNT][SK];
	bool imei_blocks; /* privacy.imei_serial = blocks */
};

struct dw_privacy *dw_privacy_from_key(const uint8_t *key, size_t len)
{
	if (len < DW_PRIVACY_KEY_MIN || len > DW_PRIVACY_KEY_MAX || sodium_init() < 0)
		return NULL;
	struct dw_privacy *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	for (int i = 0; i < K_COUNT; i++) {
		crypto_auth_hmacsha256_state st;
		uint8_t mac[crypto_auth_hmacsha256_BYTES];
		crypto_auth_hmacsha256_init(&st, key, len);
		crypto_auth_hmacsha256_update(&st, (const uint8_t *)labels[i], strlen(labels[i]));
		crypto_auth_hmacsha256_final(&st, mac);
		memcpy(p->k[i], mac, SK);
		sodium_memzero(mac, sizeof mac);
		sodium_memzero(&st, sizeof st);
	}
	return p;
}

void dw_privacy_set_imei_blocks(struct dw_privacy *p, bool on)
{
	p->imei_blocks = on;
}

void dw_privacy_free(struct dw_privacy *p)
{
	if (!p)
		return;
	sodium_memzero(p, sizeof *p);
	free(p);
}

/* ---- the key file ---- */

/* Reads the key file into buf; returns its length or -1 with why in err. */
static long read_key_file(const char *path, uint8_t *buf, size_t cap, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open: %s", strerror(errno));
		return -1;
	}
	struct stat sb;
	long n = -1;
	if (fstat(fd, &sb) != 0)
		snprintf(err, errlen, "cannot stat: %s", strerror(errno));
	else if (!S_ISREG(sb.st_mode))
		snprintf(err, errlen, "not a regular file");
	else if (sb.st_mode & (S_IRWXG | S_IRWXO))
		snprintf(err, errlen, "mode %03o lets group or others read it (chmod 600)",
			 (unsigned)(sb.st_mode & 0777));
	else {
		size_t got = 0;
		ssize_t r = 0;
		while (got < cap && (r = read(fd, buf + got, cap - got)) != 0) {
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				break;
			got += (size_t)r;
		}
		if (got < cap && r < 0)
			snprintf(err, errlen, "cannot read: %s", strerror(errno));
		else if (got < DW_PRIVACY_KEY_MIN)
			snprintf(err, errlen, "%zu bytes, a key needs at least %d", got,
				 DW_PRIVACY_KEY_MIN);
		else if (got > DW_PRIVACY_KEY_MAX)
			snprintf(err, errlen, "longer than %d bytes: not a key file",
				 DW_PRIVACY_KEY_MAX);
		else
			n = (long)got;
	}
	close(fd);
	return n;
}

static int load(const struct dw_config *cfg, struct dw_privacy **out)
{
	*out = NULL;
	if (strcmp(dw_config_str(cfg, DWK_privacy_subscriber_ids), "hmac") != 0)
		return 0;
	const char *path = dw_config_str(cfg, DWK_privacy_hmac_key_file);
	uint8_t buf[DW_PRIVACY_KEY_MAX + 1];
	char err[256];
	long n = read_key_file(path, buf, sizeof buf, err, sizeof err);
	if (n >= 0 && !(*out = dw_privacy_from_key(buf, (size_t)n)))
		snprintf(err, sizeof err, "cannot set up the key (out of memory)");
	if (*out)
		dw_privacy_set_imei_blocks(*out,
					   strcmp(dw_config_str(cfg, DWK_privacy_imei_serial), "blocks") == 0);
	sodium_memzero(buf, sizeof buf);
	if (*out)
		return 0;
	dw_error("privacy.hmac_key_file \"%s\": %s; privacy.subscriber_ids = hmac needs a "
		 "secret key file (make one with: denwatch-sensor privacy-keygen --out %s)",
		 path, err, path);
	return -1;
}

int dw_privacy_new(const struct dw_config *cfg, struct dw_privacy **out)
{
	return load(cfg, out);
}

int dw_privacy_check(const struct dw_config *cfg)
{
	struct dw_privacy *p;
	int rc = load(cfg, &p);
	dw_privacy_free(p);
	return rc;
}

/* ---- format-preserving permutation of digit strings ---- */

static uint64_t pow10u(unsigned d)
{
	uint64_t v = 1;
	while (d--)
		v *= 10;
	return v;
}

/* FE1: x in [0, a*b); each round maps (L, R) = (x / b, x % b) to a*R + (L + F(R)) % a,
 * a bijection of [0, a*b). */
static uint64_t fe1(const uint8_t key[SK], const char *tweak, size_t tlen, uint64_t x, unsigned d)
{
	uint64_t a, b;
	if (d == 1) {
		a = 2, b = 5;
	} else {
		a = pow10u(d / 2), b = pow10u(d - d / 2);
	}
	uint8_t msg[2 + 8 + 32];
	size_t tl = tlen < 32 ? tlen : 32;
	msg[1] = (uint8_t)d;
	memcpy(msg + 10, tweak, tl);
	for (int r = 0; r < ROUNDS; r++) {
		uint64_t L = x / b, R = x % b;
		msg[0] = (uint8_t)r;
		for (int i = 0; i < 8; i++)
			msg[2 + i] = (uint8_t)(R >> (8 * i));
		uint8_t h[8];
		crypto_shorthash_siphash24(h, msg, 10 + tl, key);
		uint64_t f = 0;
		for (int i = 0; i < 8; i++)
			f |= (uint64_t)h[i] << (8 * i);
		x = a * R + (L + f % a) % a;
	}
	return x;
}

static bool digits_only(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Digits from a keyed hash, for what the permutation cannot take (more than
 * FPE_MAX_DIGITS digits, or non-digits): collisions need 10^19 tries. */
static void hash_digits(const uint8_t key[SK], const char *in, size_t n, char *out,
			size_t nout)
{
	uint8_t blk[crypto_generichash_BYTES_MAX];
	size_t used = sizeof blk;
	uint32_t ctr = 0;
	for (size_t i = 0; i < nout;) {
		if (used == sizeof blk) {
			crypto_generichash_state st;
			crypto_generichash_init(&st, key, SK, sizeof blk);
			crypto_generichash_update(&st, (const uint8_t *)&ctr, sizeof ctr);
			crypto_generichash_update(&st, (const uint8_t *)in, n);
			crypto_generichash_final(&st, blk, sizeof blk);
			ctr++;
			used = 0;
		}
		uint8_t v = blk[used++];
		if (v < 250)
			out[i++] = (char)('0' + v % 10);
	}
}

/* Keeps the first keep characters, replaces the rest. */
static void pseudonym(const struct dw_privacy *p, int kind, size_t keep, const char *in,
		      char *out, size_t outlen)
{
	size_t n = strlen(in);
	if (outlen == 0)
		return;
	if (n >= outlen)
		n = outlen - 1;
	memmove(out, in, n);
	out[n] = '\0';
	if (!p || n <= keep)
		return;
	size_t d = n - keep;
	if (d > FPE_MAX_DIGITS || !digits_only(in, n)) {
		hash_digits(p->k[K_LONG], in, n, out + keep, d);
		return;
	}
	uint64_t x = 0;
	for (size_t i = 0; i < d; i++)
		x = x * 10 + (uint64_t)(in[keep + i] - '0');
	x = fe1(p->k[kind], in, keep, x, (unsigned)d);
	for (size_t i = d; i-- > 0; x /= 10)
		out[keep + i] = (char)('0' + x % 10);
}

void dw_privacy_imsi(const struct dw_privacy *p, const char *in, char *out, size_t outlen)
{
	pseudonym(p, K_IMSI, DW_PRIVACY_IMSI_KEEP, in, out, outlen);
}

void dw_privacy_msisdn(const struct dw_privacy *p, const char *in, char *out, size_t outlen)
{
	pseudonym(p, K_MSISDN, DW_PRIVACY_MSISDN_KEEP, in, out, outlen);
}

/* privacy.imei_serial = blocks: the serial's high digits (its block of
 * DW_PRIVACY_IMEI_BLOCK serials) are permuted per TAC, and the low digits are
 * rotated by a keyed offset of the block, so serials of one block keep their
 * distances (modulo the block) and serial_cluster still sees a gateway's ports. */
static void imei_blocks(const struct dw_privacy *p, const char *in, char *out)
{
	char hi[DW_IMEI_LEN + 1];
	memcpy(hi, in, DW_TAC_LEN + 3);
	hi[DW_TAC_LEN + 3] = '\0';
	pseudonym(p, K_IMEI, DW_PRIVACY_IMEI_KEEP, hi, out, DW_TAC_LEN + 4);
	uint8_t h[8];
	crypto_shorthash_siphash24(h, (const uint8_t *)hi, DW_TAC_LEN + 3, p->k[K_IMEI_BLOCK]);
	uint64_t off = 0;
	for (int i = 0; i < 8; i++)
		off |= (uint64_t)h[i] << (8 * i);
	unsigned lo = (unsigned)atoi(in + DW_TAC_LEN + 3);
	lo = (unsigned)((lo + off % DW_PRIVACY_IMEI_BLOCK) % DW_PRIVACY_IMEI_BLOCK);
	snprintf(out + DW_TAC_LEN + 3, 4, "%03u", lo);
}

void dw_privacy_imei(const struct dw_privacy *p, const char *in, char *out, size_t outlen)
{
	if (p && p->imei_blocks && outlen > DW_IMEI_LEN && dw_all_digits(in, DW_IMEI_LEN, DW_IMEI_LEN))
		imei_blocks(p, in, out);
	else
		pseudonym(p, K_IMEI, DW_PRIVACY_IMEI_KEEP, in, out, outlen);
}

/* ---- the output boundary ---- */

const struct dw_summary *dw_privacy_summary(const struct dw_privacy *p,
					    const struct dw_summary *s, struct dw_summary *copy)
{
	if (!p)
		return s;
	*copy = *s;
	dw_privacy_imsi(p, s->imsi, copy->imsi, sizeof copy->imsi);
	dw_privacy_msisdn(p, s->msisdn, copy->msisdn, sizeof copy->msisdn);
	for (unsigned i = 0; i < s->n_imeis && i < DW_SUM_MAX_IMEIS; i++)
		dw_privacy_imei(p, s->imeis[i], copy->imeis[i], sizeof copy->imeis[i]);
	return copy;
}

const struct dw_event *dw_privacy_event(const struct dw_privacy *p, const struct dw_event *ev,
					struct dw_event *copy)
{
	if (!p)
		return ev;
	*copy = *ev;
	dw_privacy_imsi(p, ev->imsi, copy->imsi, sizeof copy->imsi);
	dw_privacy_msisdn(p, ev->msisdn, copy->msisdn, sizeof copy->msisdn);
	dw_privacy_imei(p, ev->imei, copy->imei, sizeof copy->imei);
	dw_privacy_msisdn(p, ev->peer, copy->peer, sizeof copy->peer);
	if (ev->call_id[0]) {
		uint8_t h[16];
		crypto_generichash(h, sizeof h, (const uint8_t *)ev->call_id, strlen(ev->call_id),
				   p->k[K_CALL_ID], SK);
		for (int i = 0; i < 16; i++)
			snprintf(copy->call_id + 2 * i, 3, "%02x", h[i]);
	}
	return copy;
}

uint64_t dw_privacy_contact_hash(const void *arg, const char *digits)
{
	const struct dw_privacy *p = arg;
	if (!p)
		return dw_contact_hash(digits);
	uint8_t h[8];
	crypto_shorthash_siphash24(h, (const uint8_t *)digits, strlen(digits), p->k[K_CONTACT]);
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)h[i] << (8 * i);
	return v & ~UINT64_C(1);
}

/* ---- privacy-keygen ---- */

int dw_privacy_keygen_main(int argc, char **argv)
{
	const char *out = NULL;
	bool force = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
			out = argv[++i];
		} else if (strcmp(argv[i], "--force") == 0) {
			force = true;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("usage: %s privacy-keygen --out FILE [--force]\n"
			       "Writes %d random bytes (mode 0600) for privacy.hmac_key_file; "
			       "copy the same file to every sensor.\n",
			       dw_log_prog(), DW_PRIVACY_KEY_MIN);
			return DW_EXIT_OK;
		} else {
			dw_error("privacy-keygen: unknown argument \"%s\" (usage: privacy-keygen "
				 "--out FILE [--force])",
				 argv[i]);
			return DW_EXIT_USAGE;
		}
	}
	if (!out) {
		dw_error("privacy-keygen: --out FILE is required");
		return DW_EXIT_USAGE;
	}
	if (sodium_init() < 0) {
		dw_error("privacy-keygen: libsodium failed to initialize");
		return DW_EXIT_FAIL;
	}
	int fd = open(out, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (force ? O_TRUNC : O_EXCL),
		      0600);
	if (fd < 0) {
		dw_error("privacy-keygen: %s: %s%s", out, strerror(errno),
			 errno == EEXIST ? " (use --force to replace it)" : "");
		return DW_EXIT_FAIL;
	}
	uint8_t key[DW_PRIVACY_KEY_MIN];
	randombytes_buf(key, sizeof key);
	bool ok = fchmod(fd, 0600) == 0 && write(fd, key, sizeof key) == (ssize_t)sizeof key;
	int saved = errno;
	sodium_memzero(key, sizeof key);
	if (close(fd) != 0 && ok) {
		ok = false;
		saved = errno;
	}
	if (!ok) {
		dw_error("privacy-keygen: %s: %s", out, strerror(saved));
		return DW_EXIT_FAIL;
	}
	printf("wrote %s (%d bytes, mode 0600); set privacy.hmac_key_file to it on every "
	       "sensor\n",
	       out, DW_PRIVACY_KEY_MIN);
	return DW_EXIT_OK;
}
