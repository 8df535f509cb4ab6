/* sms.h: SMS over IP bodies (TS 24.341): the RP layer of TS 24.011 7.3 and the
 * TPDUs of TS 23.040 9.2 that carry the real destination (SMS-SUBMIT TP-DA) or
 * originator (SMS-DELIVER TP-OA). Decodes bytes only; knows nothing of SIP. */
#ifndef DENWATCH_SENSOR_SMS_H
#define DENWATCH_SENSOR_SMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "denwatch/ident.h"

/* RP-Message Type Indicator (TS 24.011 8.2.2). */
enum sms_rp_mti {
	SMS_RP_DATA_MS_N = 0,
	SMS_RP_DATA_N_MS = 1,
	SMS_RP_ACK_MS_N = 2,
	SMS_RP_ACK_N_MS = 3,
	SMS_RP_ERROR_MS_N = 4,
	SMS_RP_ERROR_N_MS = 5,
	SMS_RP_SMMA_MS_N = 6,
};

/* TP-Message-Type-Indicator with the direction folded in (TS 23.040 9.2.3.1). */
enum sms_tp_type {
	SMS_TP_NONE,
	SMS_TP_DELIVER,        /* N->MS 00 */
	SMS_TP_SUBMIT_REPORT,  /* N->MS 01 */
	SMS_TP_STATUS_REPORT,  /* N->MS 10 */
	SMS_TP_DELIVER_REPORT, /* MS->N 00 */
	SMS_TP_SUBMIT,         /* MS->N 01 */
	SMS_TP_COMMAND,        /* MS->N 10 */
};

#define SMS_TON_INTERNATIONAL 1
#define SMS_TON_ALPHANUMERIC 5

/* An address: digits (or, for TON alphanumeric, the GSM 7-bit text translated to
 * ASCII, unknown characters as '?'). */
struct sms_addr {
	uint8_t ton, npi;
	bool present;
	char text[DW_NUMBER_MAX + 1];
};

struct sms_rp {
	enum sms_rp_mti mti;
	uint8_t mr;
	uint8_t cause; /* RP-ERROR */
	struct sms_addr rp_oa, rp_da;
	enum sms_tp_type tp;
	struct sms_addr tp_addr; /* TP-DA of a SUBMIT, TP-OA of a DELIVER */
	uint8_t tp_mr;           /* SUBMIT */
	uint8_t tp_pid, tp_dcs, tp_udl;
};

enum sms_status { SMS_OK, SMS_MALFORMED, SMS_UNSUPPORTED };

/* Decodes an RP message (the body of an application/vnd.3gpp.sms MESSAGE).
 * SMS_OK: an RP-DATA with a SUBMIT or DELIVER TPDU, or an RP-ACK / RP-ERROR /
 * RP-SMMA (tp == SMS_TP_NONE). SMS_UNSUPPORTED: a well-formed RP-DATA carrying
 * another TPDU (reports, commands). SMS_MALFORMED: anything cut short or invalid. */
enum sms_status sms_rp_decode(const uint8_t *p, size_t len, struct sms_rp *out);

/* Decodes a TPDU alone; mo says which direction it travels (RP-DATA MS->N). */
enum sms_status sms_tpdu_decode(const uint8_t *p, size_t len, bool mo, struct sms_rp *out);

#endif
