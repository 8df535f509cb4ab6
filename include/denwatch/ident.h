/* ident.h: subscriber and network identifiers in their canonical text forms, shared
 * by sensor (decoding), simulator (encoding) and correlator (joining).
 *   IMSI   up to 15 digits                      (TS 23.003 2.2)
 *   MSISDN E.164 digits, no '+', no prefix       (TS 23.003 3.3)
 *   IMEI   14 digits: TAC (8) + serial (6); the check digit of an IMEI and the
 *          software version of an IMEISV are dropped so both forms of one device
 *          match (TS 23.003 6.2)
 *   cell   "mcc-mnc-lac_or_tac-cellid" in decimal, mnc with its 2 or 3 digits as
 *          broadcast (DESIGN section 5), e.g. "460-01-4660-19088743" */
#ifndef DENWATCH_IDENT_H
#define DENWATCH_IDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DW_IMSI_MAX 15
#define DW_MSISDN_MAX 15
#define DW_IMEI_LEN 14
#define DW_TAC_LEN 8
#define DW_CELL_MAX 40 /* "mcc-mnc-tac-cellid" with NR 36-bit cell ids fits */
#define DW_NUMBER_MAX 32 /* a dialled number as seen: up to 32 digits kept */

/* Decodes TBCD (digits in nibbles, low nibble first, 0xF filler) as used by GTPv2
 * IMSI/MSISDN/MEI IEs and MAP. Stops at the filler. Returns digits written, or -1
 * if a nibble is not a digit or out does not fit (out is NUL-terminated). */
int dw_tbcd_decode(const uint8_t *in, size_t inlen, char *out, size_t outlen);

/* Encodes digits as TBCD; returns bytes written or -1. */
int dw_tbcd_encode(const char *digits, uint8_t *out, size_t outlen);

/* Normalizes an IMEI (15 digits), IMEISV (16 digits) or bare TAC+SNR (14 digits),
 * ignoring '-' separators as in "urn:gsma:imei:35442706-323347-9", into 14 digits.
 * Returns false if the input is not one of those forms. */
bool dw_imei_normalize(const char *in, size_t inlen, char out[DW_IMEI_LEN + 1]);

/* Luhn check digit of a 14-digit TAC+SNR, for encoders that write full IMEIs. */
char dw_imei_check_digit(const char imei14[DW_IMEI_LEN]);

/* Extracts the E.164 digits of a number as written in tel:/sip: user parts or
 * SMS addresses: drops a leading '+', visual separators ('-', '.', '(', ')');
 * stops at ';' or '@'. Returns false if no digit or a non-digit is left, or if
 * there are more than DW_NUMBER_MAX digits. */
bool dw_number_normalize(const char *in, size_t inlen, char *out, size_t outlen);

/* Writes the canonical cell form. mnc is given as text ("01", "001"). */
int dw_cell_format(char *out, size_t outlen, uint16_t mcc, const char *mnc,
		   uint32_t lac_or_tac, uint64_t cell_id);

/* Decodes the 3-byte PLMN encoding of TS 24.008 10.5.1.3 / TS 29.274 8.18 into mcc
 * and mnc text (2 or 3 digits). Returns false on non-digit nibbles. */
bool dw_plmn_decode(const uint8_t in[3], uint16_t *mcc, char mnc[4]);
/* Encodes mcc/mnc into the 3-byte PLMN form. */
void dw_plmn_encode(uint16_t mcc, const char *mnc, uint8_t out[3]);

/* Digits only, of exactly the given length range. */
bool dw_all_digits(const char *s, size_t minlen, size_t maxlen);

#endif
