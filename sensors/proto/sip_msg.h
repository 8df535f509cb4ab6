/* sip_msg.h: one SIP message as slices of the caller's buffer (RFC 3261 section 7):
 * start line, the headers we use found by a name table (case-insensitive, compact
 * forms, folded lines), the body bounded by Content-Length; and the value parsers
 * for addresses, numbers, IMSIs, IMEI instance URNs and P-Access-Network-Info cells
 * (TS 24.229 7.2A.4). Nothing here copies the message or keeps state. */
#ifndef DENWATCH_SENSOR_SIP_MSG_H
#define DENWATCH_SENSOR_SIP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "denwatch/cursor.h"
#include "denwatch/ident.h"

enum sip_method {
	SIP_M_UNKNOWN,
	SIP_M_INVITE,
	SIP_M_ACK,
	SIP_M_BYE,
	SIP_M_CANCEL,
	SIP_M_REGISTER,
	SIP_M_MESSAGE,
	SIP_M_PRACK,
	SIP_M_UPDATE,
	SIP_M_INFO,
	SIP_M_OPTIONS,
	SIP_M_SUBSCRIBE,
	SIP_M_NOTIFY,
	SIP_M_REFER,
	SIP_M_PUBLISH,
};

/* Headers the sensor reads; every other header is skipped after its name. */
enum sip_hdr_id {
	SIP_H_OTHER,
	SIP_H_VIA,
	SIP_H_FROM,
	SIP_H_TO,
	SIP_H_CALL_ID,
	SIP_H_CSEQ,
	SIP_H_CONTACT,
	SIP_H_CONTENT_TYPE,
	SIP_H_CONTENT_LENGTH,
	SIP_H_ROUTE,
	SIP_H_EXPIRES,
	SIP_H_AUTHORIZATION,
	SIP_H_PAI,  /* P-Asserted-Identity */
	SIP_H_PPI,  /* P-Preferred-Identity */
	SIP_H_PCPID, /* P-Called-Party-ID */
	SIP_H_PAU,  /* P-Associated-URI */
	SIP_H_PANI, /* P-Access-Network-Info */
	SIP_H_COUNT
};

/* Limits: a message with more header lines, or more occurrences of headers we
 * read, is malformed (a real one has a few dozen). */
#define SIP_MAX_LINES 1024
#define SIP_MAX_KNOWN 64
/* Longest header block searched by the TCP framer before giving up on a stream. */
#define SIP_MAX_HEAD 65536

struct sip_hdr {
	enum sip_hdr_id id;
	struct slice value; /* trimmed; a folded value spans its CR LF and leading white space */
};

struct sip_msg {
	bool is_request;
	enum sip_method method; /* request method, or the CSeq method of a response */
	struct slice method_name;
	struct slice ruri; /* request only */
	uint16_t status;   /* response only */
	uint32_t cseq;
	enum sip_method cseq_method;
	struct slice call_id;
	struct slice branch; /* of the top Via */
	int64_t content_length; /* -1 if absent */
	struct slice body;
	size_t nlines; /* header lines seen, folded ones included */
	size_t nknown;
	struct sip_hdr known[SIP_MAX_KNOWN];
	uint32_t present; /* bit per enum sip_hdr_id */
};

enum sip_parse_status { SIP_OK, SIP_MALFORMED };

/* Parses a whole message of len bytes. The body is Content-Length bytes after the
 * blank line (the rest of the buffer when the header is absent, as over UDP); a
 * Content-Length that is not a number or larger than what follows is malformed. */
enum sip_parse_status sip_msg_parse(struct sip_msg *m, const uint8_t *p, size_t len);

/* Header name (full or compact, any case) to id. */
enum sip_hdr_id sip_hdr_lookup(const uint8_t *name, size_t len);
enum sip_method sip_method_lookup(const uint8_t *name, size_t len);

/* The n-th occurrence of a header (0-based), or NULL. */
const struct sip_hdr *sip_msg_header(const struct sip_msg *m, enum sip_hdr_id id, unsigned n);
static inline bool sip_msg_has(const struct sip_msg *m, enum sip_hdr_id id)
{
	return (m->present >> id) & 1u;
}

/* True if the slice equals s ignoring ASCII case. */
bool sip_slice_ieq(struct slice a, const char *s);
/* True if the slice starts with s ignoring ASCII case. */
bool sip_slice_iprefix(struct slice a, const char *s);

/* Iterates over the comma-separated entries of an address list header value
 * (commas inside quotes or <> do not separate). *pos starts at 0. */
bool sip_list_next(struct slice value, size_t *pos, struct slice *entry);

/* One name-addr / addr-spec with its header parameters ("Bob" <sip:b@h>;tag=1). */
struct sip_addr {
	struct slice uri;    /* inside <> when present */
	struct slice params; /* after the URI: ";tag=..;+sip.instance=..." (may be empty) */
};
bool sip_addr_parse(struct slice entry, struct sip_addr *a);

/* A URI taken apart: scheme tel, sip or sips; user part (for tel: the number);
 * host; user=phone; phone-context. */
enum sip_scheme { SIP_SCHEME_OTHER, SIP_SCHEME_SIP, SIP_SCHEME_SIPS, SIP_SCHEME_TEL };
struct sip_uri {
	enum sip_scheme scheme;
	struct slice user; /* without user parameters such as ;phone-context */
	struct slice host;
	bool user_phone;   /* ;user=phone */
	bool global;       /* number written with a leading '+' */
	struct slice phone_context;
	struct slice params; /* URI parameters after the host (";lr;orig") */
};
bool sip_uri_parse(struct slice uri, struct sip_uri *u);

/* The number in a tel: or sip: URI: digits of a tel: URI, or of a sip: user part
 * that is a telephone number. strict: a sip: user part counts only when it is
 * global ('+') or marked ;user=phone. */
bool sip_uri_number(const struct sip_uri *u, bool strict, char out[DW_NUMBER_MAX + 1]);
/* An IMSI-based identity (TS 23.003 13.3/13.4B): "<IMSI>@ims.mncXXX.mccYYY.3gppnetwork.org",
 * or, when any_host is set, a 15-digit "<IMSI>@host" (a UE's registered contact
 * address, as in REGISTER Contact, a UE's INVITE Contact or a terminating
 * Request-URI). Never a global number or a ;user=phone URI. */
bool sip_uri_imsi(const struct sip_uri *u, bool any_host, char out[DW_IMSI_MAX + 1]);
/* Digest username="<IMSI>@ims.mnc...": the IMSI of an IMS private identity. */
bool sip_digest_imsi(struct slice authorization, char out[DW_IMSI_MAX + 1]);

/* The value of parameter name in ";a=b;name=value;..." (quotes removed). */
bool sip_param(struct slice params, const char *name, struct slice *value);

/* Best number of an address list header (PAI, P-Associated-URI...): the first
 * global number, otherwise the first number. */
bool sip_hdr_number(const struct sip_msg *m, enum sip_hdr_id id, bool strict,
		    char out[DW_NUMBER_MAX + 1]);

/* IMEI from +sip.instance="<urn:gsma:imei:TAC-SNR-CD>" in a Contact, 14 digits. */
bool sip_instance_imei(const struct sip_msg *m, char out[DW_IMEI_LEN + 1]);

/* Cell from a P-Access-Network-Info value in the canonical form, or false when
 * the access type is not a 3GPP radio one or the id is malformed. */
bool sip_pani_cell(struct slice pani, char out[DW_CELL_MAX]);
/* Cell of the message: a network-provided PANI first, else the first one. */
bool sip_msg_cell(const struct sip_msg *m, char out[DW_CELL_MAX]);

/* Bytes of a complete message at the start of p for TCP: 0 if more bytes are
 * needed, -1 if p cannot start a SIP message. Leading CR LF keep-alives are a
 * message of their own. */
long sip_msg_frame(const uint8_t *p, size_t len);

/* Quick look: does p start like a SIP request or response? */
bool sip_msg_probe(const uint8_t *p, size_t len);

#endif
