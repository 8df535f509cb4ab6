/* sip_enc.h: SIP messages on the IMS Mw interface (P-CSCF <-> S-CSCF) as the
 * simulator writes them: registration, calls on the originating and terminating
 * legs, and SMS over IP (TS 24.229, TS 24.341, RFC 3261). See sip_enc.c. */
#ifndef DW_SIM_SIP_ENC_H
#define DW_SIM_SIP_ENC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IMS_DOMAIN "ims.mnc001.mcc460.3gppnetwork.org"
#define IMS_MCCMNC "46001"
#define SCSCF_IP 0x0a140001u			  /* 10.20.0.1 */
#define PCSCF_IP(n) (0x0a0a0001u + (uint32_t)(n)) /* 10.10.0.1 + n */
#define SIP_PORT 5060

struct sip_party {
	uint64_t number; /* E.164 digits */
	uint64_t imsi;	 /* 0 for a party outside the network */
	uint64_t imei;	 /* 14 digits, for REGISTER */
	uint32_t ue_ip;
	uint8_t pcscf;
	uint16_t tac;
	uint32_t eci;
};

/* One leg of a call: originating (caller's P-CSCF <-> S-CSCF) or terminating
 * (S-CSCF <-> callee's P-CSCF). id seeds the leg's tags, branches and Call-ID. */
struct sip_leg {
	uint64_t id;
	bool term;
	const struct sip_party *a, *b; /* caller, callee */
	bool b_onnet;
};

enum sip_call_msg {
	CM_INVITE,
	CM_100,
	CM_180,
	CM_200_INVITE,
	CM_ACK_2XX,
	CM_BYE,
	CM_200_BYE,
	CM_CANCEL,
	CM_200_CANCEL,
	CM_487,
	CM_486,
	CM_ACK_ERR,
};

/* Writes one message of a call leg. For BYE and its 200, by_callee tells which
 * party hung up. Returns the message's length. Packets go P-CSCF -> S-CSCF when
 * *up is set on return, S-CSCF -> P-CSCF otherwise. *pani_of is the party whose
 * cell the message carries in P-Access-Network-Info, or NULL. */
size_t sip_call_msg(char *out, const struct sip_leg *leg, enum sip_call_msg m,
		    bool by_callee, bool *up, const struct sip_party **pani_of);

/* REGISTER from the UE (through its P-CSCF) and the S-CSCF's 200 OK. */
size_t sip_register(char *out, const struct sip_party *p, uint64_t id);
size_t sip_register_ok(char *out, const struct sip_party *p, uint64_t id);

/* MESSAGE with an SMS: mo = originating leg to the SMSC (body RP-DATA MS->N
 * with SMS-SUBMIT); otherwise the terminating leg to the recipient (RP-DATA N->MS
 * with SMS-DELIVER). p is the UE-side party (sender for MO, recipient for MT). */
size_t sip_sms_message(char *out, bool mo, const struct sip_party *p, uint64_t smsc,
		       uint64_t id, const uint8_t *body, size_t body_len);
size_t sip_sms_202(char *out, bool mo, const struct sip_party *p, uint64_t smsc,
		   uint64_t id);

/* The PANI cell text "46001" + TAC (4 hex) + ECI (7 hex), exposed for tests. */
char *sip_put_cell(char *p, uint16_t tac, uint32_t eci);

#endif
