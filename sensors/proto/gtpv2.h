/* gtpv2.h: GTPv2-C (TS 29.274) message decoding, apart from the dissector's
 * session tracking so that tests and the fuzzer can check decoded fields. */
#ifndef DENWATCH_SENSOR_GTPV2_H
#define DENWATCH_SENSOR_GTPV2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../dissect.h"
#include "denwatch/ident.h"

enum {
	GTPV2_ECHO_REQUEST = 1,
	GTPV2_ECHO_RESPONSE = 2,
	GTPV2_CREATE_SESSION_REQUEST = 32,
	GTPV2_CREATE_SESSION_RESPONSE = 33,
	GTPV2_MODIFY_BEARER_REQUEST = 34,
	GTPV2_MODIFY_BEARER_RESPONSE = 35,
	GTPV2_DELETE_SESSION_REQUEST = 36,
	GTPV2_DELETE_SESSION_RESPONSE = 37,
};

/* IE types used (TS 29.274 8.1). */
enum {
	GTPV2_IE_IMSI = 1,
	GTPV2_IE_CAUSE = 2,
	GTPV2_IE_APN = 71,
	GTPV2_IE_MEI = 75,
	GTPV2_IE_MSISDN = 76,
	GTPV2_IE_RAT_TYPE = 82,
	GTPV2_IE_SERVING_NETWORK = 83,
	GTPV2_IE_ULI = 86,
	GTPV2_IE_FTEID = 87,
	GTPV2_IE_BEARER_CONTEXT = 93,
};

/* The declarative IE table: what the walker checks before any value is used. */
struct gtpv2_ie_def {
	uint8_t type;
	const char *name;
	uint16_t min_len; /* shorter is malformed */
	bool grouped;	  /* value is itself a list of IEs */
};
/* NULL for types not in the table (walked over unchecked). */
const struct gtpv2_ie_def *gtpv2_ie_def(uint8_t type);

/* Grouped IEs are descended at most this deep; deeper ones are skipped unread. */
#define GTPV2_MAX_DEPTH 4
/* Messages in one datagram: the first and at most this many piggybacked ones. */
#define GTPV2_MAX_PIGGYBACK 1

struct gtpv2_msg {
	uint8_t version;
	bool piggyback; /* P flag */
	bool has_teid;	/* T flag */
	uint8_t type;
	uint16_t length; /* header length field */
	uint32_t teid;
	uint32_t seq;
	size_t total; /* bytes of this message: 4 + length */
	/* top-level IEs, instance 0 */
	char imsi[DW_IMSI_MAX + 1];
	char msisdn[DW_NUMBER_MAX + 1];
	char imei[DW_IMEI_LEN + 1];
	char cell[DW_CELL_MAX];
	bool has_uli;
	bool uli_inst0; /* the cell came from an instance-0 ULI */
	bool has_sender_fteid;
	uint32_t sender_teid;
	uint32_t sender_node; /* key of the F-TEID's address, 0 if none */
	uint8_t sender_if;    /* interface type */
	bool has_pgw_fteid;   /* instance 1: PGW S5/S8 control plane F-TEID */
	uint32_t pgw_teid;
	uint32_t pgw_node;
	bool has_cause;
	uint8_t cause;
	uint8_t rat_type;
	uint32_t n_ies;		/* IEs walked at every depth */
	uint32_t depth_skipped; /* grouped IEs left unread past GTPV2_MAX_DEPTH */
	uint32_t bad_values;	/* identity IEs whose digits did not decode */
};

/* Decodes the one message at the start of p (a piggybacked one follows it at
 * m->total when m->piggyback). DW_PARSE_UNSUPPORTED for another GTP version (v1
 * shares port 2123); DW_PARSE_MALFORMED when a length or IE breaks the rules. */
enum dw_parse_result gtpv2_decode(const uint8_t *p, size_t len, struct gtpv2_msg *m);

/* ULI value (TS 29.274 8.21) to the canonical cell: ECGI with the TAI's TAC
 * ("mcc-mnc-tac-eci"), else CGI ("mcc-mnc-lac-ci"), else SAI ("mcc-mnc-lac-sac").
 * Returns -1 if the flagged fields do not fit, 0 otherwise (cell "" when the ULI
 * names only an area). */
int gtpv2_uli_cell(const uint8_t *v, size_t len, char cell[DW_CELL_MAX]);

#endif
