/* event.c: names of protocols and event kinds as printed in JSON (DESIGN 3.4). */
#include "denwatch/event.h"

const char *dw_proto_name(enum dw_proto p)
{
	static const char *const names[DW_PROTO_COUNT] = { "sip",  "gtpv2", "diameter",
							    "smpp", "map",   "gtpv1" };
	return (unsigned)p < DW_PROTO_COUNT ? names[p] : "unknown";
}

const char *dw_event_kind_name(enum dw_event_kind k)
{
	static const char *const names[DW_EV_COUNT] = {
		"register",    "session",  "location", "call_attempt", "call_answer",
		"call_end",    "call_fail", "sms_mo",  "sms_mt",
	};
	return (unsigned)k < DW_EV_COUNT ? names[k] : "unknown";
}
