/* privacy.h: privacy.subscriber_ids = hmac (DESIGN section 7, docs/PRIVACY.md):
 * keyed pseudonyms made at the sensor's output boundary. IMSI, MSISDN (and peer)
 * and IMEI keep their digit formats and their non-secret prefixes (MCC+MNC, a
 * country-code prefix, the TAC); the rest is replaced through a keyed permutation
 * of the digit strings, so the same key on every sensor gives the same pseudonyms
 * and two subscribers never share one. The contact hash behind the contact sketch
 * and the distinct counts becomes a keyed hash (SipHash-2-4). In clear mode every
 * function here leaves its input as it is. */
#ifndef DENWATCH_SENSOR_PRIVACY_H
#define DENWATCH_SENSOR_PRIVACY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "denwatch/config.h"
#include "denwatch/event.h"
#include "denwatch/summary.h"

#define DW_PRIVACY_KEY_MIN 32   /* bytes of secret in privacy.hmac_key_file */
#define DW_PRIVACY_KEY_MAX 4096 /* a longer file is not a key file */
#define DW_PRIVACY_IMSI_KEEP 5   /* MCC + MNC (2-digit MNC) */
#define DW_PRIVACY_MSISDN_KEEP 2 /* country-code prefix kept in MSISDNs and peers */
#define DW_PRIVACY_IMEI_KEEP DW_TAC_LEN
#define DW_PRIVACY_IMEI_BLOCK 1000 /* privacy.imei_serial = blocks: serials per block */

struct dw_privacy;

/* From the configuration: *out is NULL in clear mode. In hmac mode the key file
 * (privacy.hmac_key_file) must be a regular file of DW_PRIVACY_KEY_MIN to
 * DW_PRIVACY_KEY_MAX bytes, not accessible by group or others; otherwise one line
 * naming the file and the key is printed through dw_error() and -1 returned. */
int dw_privacy_new(const struct dw_config *cfg, struct dw_privacy **out);
/* The same checks without keeping anything: for a program's start-up. */
int dw_privacy_check(const struct dw_config *cfg);
/* From key bytes (the file's whole content); NULL if len is out of range. */
struct dw_privacy *dw_privacy_from_key(const uint8_t *key, size_t len);
void dw_privacy_free(struct dw_privacy *p);
/* privacy.imei_serial = blocks (off by default): see docs/PRIVACY.md. */
void dw_privacy_set_imei_blocks(struct dw_privacy *p, bool on);

/* Pseudonyms of one identifier into out (outlen >= strlen(in) + 1). With p NULL
 * the input is copied. Digits stay digits, the length stays the same. */
void dw_privacy_imsi(const struct dw_privacy *p, const char *in, char *out, size_t outlen);
void dw_privacy_msisdn(const struct dw_privacy *p, const char *in, char *out, size_t outlen);
void dw_privacy_imei(const struct dw_privacy *p, const char *in, char *out, size_t outlen);

/* The output boundary: returns s itself in clear mode (p NULL), else copy filled
 * with s's pseudonymized form. Counters, cells and the sketch are not touched. */
const struct dw_summary *dw_privacy_summary(const struct dw_privacy *p,
					    const struct dw_summary *s, struct dw_summary *copy);
/* The same for an event of --dump events: imsi, msisdn, imei, peer, and the
 * call_id (a keyed hash: it may hold numbers or addresses). */
const struct dw_event *dw_privacy_event(const struct dw_privacy *p, const struct dw_event *ev,
					struct dw_event *copy);

/* Contact hash for the window aggregator: with p NULL the clear FNV-1a hash of
 * window.h (dw_contact_hash), else a keyed SipHash of the digits; lowest bit
 * clear in both cases. arg is a const struct dw_privacy *. */
uint64_t dw_privacy_contact_hash(const void *arg, const char *digits);

/* `denwatch-sensor privacy-keygen --out FILE [--force]`: 32 random bytes, mode 0600. */
int dw_privacy_keygen_main(int argc, char **argv);

#endif
