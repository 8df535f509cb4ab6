/* sip_call.h: SIP dialog state per Call-ID, kept apart from the bytes (sngrep's
 * sip_call.c idea). The SIP dissector feeds it what a message means (an initial
 * INVITE of an originating or terminating leg, a ringing or answering response, a
 * rejection, CANCEL, BYE, a REGISTER and its 200, an SMS); the table turns that
 * into call_attempt / call_answer / call_end / call_fail / register / sms events,
 * once per party even when retransmissions or several hops of the same leg pass
 * the probe. Bounded (max_calls, oldest evicted and counted) and timed out in
 * packet time. */
#ifndef DENWATCH_SENSOR_SIP_CALL_H
#define DENWATCH_SENSOR_SIP_CALL_H

#include <stddef.h>
#include <stdint.h>

#include "denwatch/event.h"

struct sip_call_table;

typedef void (*sip_call_emit_fn)(void *arg, struct dw_event *ev);

enum sip_call_input {
	SIP_CALL_INVITE,      /* initial INVITE of a leg (dir MO or MT) with the party */
	SIP_CALL_PROVISIONAL, /* 180/183 to INVITE: may carry the callee's cell */
	SIP_CALL_ANSWER,      /* 2xx to INVITE */
	SIP_CALL_REJECT,      /* final 3xx-6xx to INVITE (not an auth challenge) */
	SIP_CALL_CANCEL,      /* CANCEL request: the call fails with 487 */
	SIP_CALL_BYE,         /* BYE request: the call ends */
	SIP_CALL_TOUCH,       /* any other in-dialog message: keeps the call alive */
	SIP_CALL_REGISTER,    /* REGISTER request: remembers IMSI, IMEI, cell */
	SIP_CALL_REGISTERED,  /* 200 to REGISTER: emits register with the MSISDN */
	SIP_CALL_SMS,         /* SMS in a MESSAGE (dir MO: sms_mo, MT: sms_mt) */
};

/* What one message means. Strings may be NULL or empty when unknown. */
struct sip_call_msg {
	enum sip_call_input kind;
	int64_t ts_us;
	const char *call_id; /* NUL-terminated, at most DW_CALL_ID_MAX - 1 bytes kept */
	uint32_t cseq;
	uint64_t frame;        /* frame number of the packet, copied into events */
	enum dw_direction dir; /* INVITE, SMS */
	uint16_t status;       /* REJECT */
	const char *imsi, *msisdn, *imei, *peer, *cell;
};

struct sip_call_stats {
	uint64_t active;  /* entries held now */
	uint64_t evicted; /* dropped because the table was full */
	uint64_t expired; /* dropped after call_timeout_s (or the linger of finished ones) */
};

/* Seconds a finished dialog is remembered to absorb retransmissions (64*T1). */
#define SIP_CALL_LINGER_S 32

struct sip_call_table *sip_calls_new(size_t max_calls, uint32_t timeout_s,
				     sip_call_emit_fn emit, void *arg);
void sip_calls_free(struct sip_call_table *t);

void sip_calls_input(struct sip_call_table *t, const struct sip_call_msg *m);

/* Packet time is now: drops dialogs idle past the timeout (an answered call
 * gets its call_end with the duration up to its last message). Cheap when
 * nothing is due. */
void sip_calls_expire(struct sip_call_table *t, int64_t now_us);

/* End of input: closes every answered call as expiry would. */
void sip_calls_flush(struct sip_call_table *t);

void sip_calls_stats(const struct sip_call_table *t, struct sip_call_stats *s);

#endif
