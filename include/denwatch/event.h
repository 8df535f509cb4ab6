/* event.h: the normalized signalling event (DESIGN section 3.4). Dissectors turn
 * messages into events; the identity table completes them; the window aggregator
 * counts them. Also printed by `denwatch-sensor --dump events`. */
#ifndef DENWATCH_EVENT_H
#define DENWATCH_EVENT_H

#include <stdint.h>

#include "denwatch/ident.h"

enum dw_proto {
	DW_PROTO_SIP,
	DW_PROTO_GTPV2,
	DW_PROTO_DIAMETER,
	DW_PROTO_SMPP,
	DW_PROTO_MAP,
	DW_PROTO_GTPV1,
	DW_PROTO_COUNT
};

enum dw_event_kind {
	DW_EV_REGISTER,
	DW_EV_SESSION,  /* data session create / modify / delete: see session_op */
	DW_EV_LOCATION, /* a new cell without other activity (e.g. Modify Bearer ULI) */
	DW_EV_CALL_ATTEMPT,
	DW_EV_CALL_ANSWER,
	DW_EV_CALL_END,  /* with duration_s */
	DW_EV_CALL_FAIL, /* with status (SIP code, 487 for a cancelled call) */
	DW_EV_SMS_MO,
	DW_EV_SMS_MT,
	DW_EV_COUNT
};

enum dw_session_op { DW_SESSION_NONE, DW_SESSION_CREATE, DW_SESSION_MODIFY, DW_SESSION_DELETE };

/* Which party of a call this event belongs to: the originating leg counts for the
 * caller, the terminating leg for the callee (DESIGN section 8). */
enum dw_direction { DW_DIR_NONE, DW_DIR_MO, DW_DIR_MT };

#define DW_CALL_ID_MAX 128

struct dw_event {
	int64_t ts_us; /* packet time, microseconds since the epoch */
	uint64_t frame; /* frame number of the packet (struct dw_packet), 0 if none */
	enum dw_proto proto;
	enum dw_event_kind kind;
	enum dw_direction dir;
	enum dw_session_op session_op;
	char imsi[DW_IMSI_MAX + 1];
	char msisdn[DW_NUMBER_MAX + 1];
	char imei[DW_IMEI_LEN + 1];
	char peer[DW_NUMBER_MAX + 1]; /* the other party's number */
	char cell[DW_CELL_MAX];
	char call_id[DW_CALL_ID_MAX];
	uint32_t duration_s;
	uint16_t status;
};

const char *dw_proto_name(enum dw_proto p);
const char *dw_event_kind_name(enum dw_event_kind k);

#endif
