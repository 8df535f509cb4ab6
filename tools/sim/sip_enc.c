/* sip_enc.c: SIP text of the IMS Mw interface (TS 24.229, RFC 3261), written with
 * literal copies and integer formatting. Tags, branches and Call-IDs are derived
 * from an id by hashing, so that later messages of a dialog need no stored text. */
#include "sip_enc.h"

#include <string.h>

#include "sim.h"

#define D IMS_DOMAIN
#define ICSI "+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.mmtel\""

char *sip_put_cell(char *p, uint16_t tac, uint32_t eci)
{
	static const char hx[] = "0123456789ABCDEF";
	PUT_LIT(p, IMS_MCCMNC);
	for (int i = 3; i >= 0; i--)
		*p++ = hx[(tac >> (4 * i)) & 15];
	for (int i = 6; i >= 0; i--)
		*p++ = hx[(eci >> (4 * i)) & 15];
	return p;
}

static char *pani(char *p, const struct sip_party *x)
{
	PUT_LIT(p, "P-Access-Network-Info: 3GPP-E-UTRAN-FDD; utran-cell-id-3gpp=");
	p = sip_put_cell(p, x->tac, x->eci);
	PUT_LIT(p, "\r\n");
	return p;
}

static char *pcscf_host(char *p, uint8_t n)
{
	PUT_LIT(p, "pcscf");
	p = put_u64(p, (uint64_t)n + 1);
	PUT_LIT(p, "." D);
	return p;
}

static char *impu_sip(char *p, uint64_t number)
{
	PUT_LIT(p, "sip:+");
	p = put_u64(p, number);
	PUT_LIT(p, "@" D);
	return p;
}

static char *ue_contact_uri(char *p, const struct sip_party *x)
{
	PUT_LIT(p, "sip:");
	p = put_u64(p, x->imsi);
	*p++ = '@';
	p = put_ipv4(p, x->ue_ip);
	PUT_LIT(p, ":5060");
	return p;
}

static char *net_contact_uri(char *p, uint64_t number)
{
	PUT_LIT(p, "sip:+");
	p = put_u64(p, number);
	PUT_LIT(p, "@scscf1." D ":5060");
	return p;
}

static char *branch(char *p, uint64_t seed)
{
	PUT_LIT(p, "z9hG4bK");
	return put_hex(p, mix64(seed), 16);
}

static char *via_pcscf(char *p, uint8_t pcscf, uint64_t seed)
{
	PUT_LIT(p, "Via: SIP/2.0/UDP ");
	p = put_ipv4(p, PCSCF_IP(pcscf));
	PUT_LIT(p, ":5060;branch=");
	p = branch(p, seed);
	PUT_LIT(p, "\r\n");
	return p;
}

static char *via_ue(char *p, uint32_t ip, uint64_t seed)
{
	PUT_LIT(p, "Via: SIP/2.0/UDP ");
	p = put_ipv4(p, ip);
	PUT_LIT(p, ":5060;received=");
	p = put_ipv4(p, ip);
	PUT_LIT(p, ";rport=5060;branch=");
	p = branch(p, seed);
	PUT_LIT(p, "\r\n");
	return p;
}

static char *via_scscf(char *p, uint64_t seed)
{
	PUT_LIT(p, "Via: SIP/2.0/UDP 10.20.0.1:5060;branch=");
	p = branch(p, seed);
	PUT_LIT(p, "\r\n");
	return p;
}

static char *content_length(char *p, size_t n)
{
	PUT_LIT(p, "Content-Length: ");
	p = put_u64(p, n);
	PUT_LIT(p, "\r\n\r\n");
	return p;
}

static size_t sdp(char *out, const struct sip_party *x, uint64_t sess, uint16_t port)
{
	char *p = out;
	PUT_LIT(p, "v=0\r\no=- ");
	p = put_u64(p, sess);
	PUT_LIT(p, " 1 IN IP4 ");
	p = put_ipv4(p, x->ue_ip);
	PUT_LIT(p, "\r\ns=-\r\nc=IN IP4 ");
	p = put_ipv4(p, x->ue_ip);
	PUT_LIT(p, "\r\nt=0 0\r\nm=audio ");
	p = put_u64(p, port);
	PUT_LIT(p, " RTP/AVP 104 102\r\n"
		   "a=rtpmap:104 AMR-WB/16000/1\r\n"
		   "a=rtpmap:102 telephone-event/16000\r\n"
		   "a=ptime:20\r\n"
		   "a=sendrecv\r\n");
	return (size_t)(p - out);
}

/* Token seeds of a leg: one namespace per (leg id, purpose). */
static uint64_t tok(const struct sip_leg *l, unsigned what)
{
	return (l->id << 6) ^ ((uint64_t)l->term << 5) ^ what;
}

enum {
	T_CALLID = 1,
	T_CALLER_TAG,
	T_CALLEE_TAG,
	T_INV_UE,
	T_INV_NET,
	T_ACK_UE,
	T_ACK_NET,
	T_BYE_UE,
	T_BYE_NET,
	T_SESS
};

static const char *const start_lines[] = {
    [CM_100] = "SIP/2.0 100 Trying\r\n",
    [CM_180] = "SIP/2.0 180 Ringing\r\n",
    [CM_200_INVITE] = "SIP/2.0 200 OK\r\n",
    [CM_200_BYE] = "SIP/2.0 200 OK\r\n",
    [CM_200_CANCEL] = "SIP/2.0 200 OK\r\n",
    [CM_487] = "SIP/2.0 487 Request Terminated\r\n",
    [CM_486] = "SIP/2.0 486 Busy Here\r\n",
};

size_t sip_call_msg(char *out, const struct sip_leg *l, enum sip_call_msg m,
		    bool by_callee, bool *up, const struct sip_party **pani_of)
{
	*pani_of = NULL;
	const struct sip_party *ue =
	    l->term ? l->b : l->a; /* the party behind the P-CSCF */
	const struct sip_party *remote = l->term ? l->a : l->b;
	bool request = m == CM_INVITE || m == CM_ACK_2XX || m == CM_BYE ||
		       m == CM_CANCEL || m == CM_ACK_ERR;
	/* Which side sent the request of this transaction: the UE side (through the
	 * P-CSCF, two Vias) or the network side (S-CSCF, one Via). INVITE-transaction
	 * requests come from the caller's side: the UE on the originating leg, the
	 * network on the terminating leg. A BYE comes from whoever hung up. */
	bool caller_side_sends = !((m == CM_BYE || m == CM_200_BYE) && by_callee);
	bool ue_sends = caller_side_sends ? !l->term : l->term;
	*up = request ? ue_sends : !ue_sends;

	uint64_t txn_ue, txn_net;
	switch (m) {
	case CM_ACK_2XX:
		txn_ue = T_ACK_UE, txn_net = T_ACK_NET;
		break;
	case CM_BYE:
	case CM_200_BYE:
		txn_ue = T_BYE_UE, txn_net = T_BYE_NET;
		break;
	default:
		txn_ue = T_INV_UE, txn_net = T_INV_NET;
	}
	const char *method;
	unsigned cseq = 1;
	switch (m) {
	case CM_ACK_2XX:
	case CM_ACK_ERR:
		method = "ACK";
		break;
	case CM_BYE:
	case CM_200_BYE:
		method = "BYE";
		cseq = by_callee ? 1 : 2;
		break;
	case CM_CANCEL:
	case CM_200_CANCEL:
		method = "CANCEL";
		break;
	default:
		method = "INVITE";
	}

	char body[512];
	size_t body_len = 0;
	if (m == CM_INVITE)
		body_len = sdp(body, l->a, mix64(tok(l, T_SESS)) >> 40,
			       (uint16_t)(40000 + (mix64(l->id) & 0x3ffe)));
	else if (m == CM_200_INVITE)
		body_len = sdp(body, l->b, mix64(tok(l, T_SESS) + 1) >> 40,
			       (uint16_t)(50000 + (mix64(l->id + 1) & 0x3ffe)));

	char *p = out;
	/* Start line. */
	if (request) {
		p = put_str(p, method);
		*p++ = ' ';
		if (m == CM_INVITE) {
			if (l->term) {
				p = ue_contact_uri(p, ue);
			} else {
				PUT_LIT(p, "tel:+");
				p = put_u64(p, l->b->number);
			}
		} else if (m == CM_CANCEL || m == CM_ACK_ERR) {
			/* Same Request-URI as the INVITE. */
			if (l->term) {
				p = ue_contact_uri(p, ue);
			} else {
				PUT_LIT(p, "tel:+");
				p = put_u64(p, l->b->number);
			}
		} else if (ue_sends) {
			p = net_contact_uri(p, remote->number);
		} else {
			p = ue_contact_uri(p, ue);
		}
		PUT_LIT(p, " SIP/2.0\r\n");
	} else {
		p = put_str(p, start_lines[m]);
	}
	/* Via. */
	if (ue_sends) {
		p = via_pcscf(p, ue->pcscf, tok(l, txn_ue) + 1000);
		p = via_ue(p, ue->ue_ip, tok(l, txn_ue));
	} else {
		p = via_scscf(p, tok(l, txn_net));
	}
	if (request) {
		PUT_LIT(p, "Max-Forwards: ");
		p = put_u64(p, ue_sends ? 69 : 68);
		PUT_LIT(p, "\r\n");
		if (ue_sends) {
			PUT_LIT(p, "Route: <sip:scscf1." D ":5060;lr");
			if ((m == CM_INVITE || m == CM_CANCEL || m == CM_ACK_ERR) &&
			    !l->term)
				PUT_LIT(p, ";orig");
			PUT_LIT(p, ">\r\n");
		} else {
			PUT_LIT(p, "Route: <sip:");
			p = pcscf_host(p, ue->pcscf);
			PUT_LIT(p, ":5060;lr>\r\n");
		}
	}
	/* Record-Route on the INVITE and its dialog-forming responses. */
	if (m == CM_INVITE) {
		PUT_LIT(p, "Record-Route: <sip:");
		if (l->term)
			PUT_LIT(p, "scscf1." D);
		else
			p = pcscf_host(p, ue->pcscf);
		PUT_LIT(p, ":5060;lr>\r\n");
	} else if (m == CM_180 || m == CM_200_INVITE) {
		PUT_LIT(p, "Record-Route: <sip:scscf1." D ":5060;lr>, <sip:");
		p = pcscf_host(p, ue->pcscf);
		PUT_LIT(p, ":5060;lr>\r\n");
	}
	/* From and To: the caller's identity with its tag; the callee's with its tag
	 * once the dialog exists. A BYE from the callee swaps them. */
	bool have_callee_tag =
	    !(m == CM_INVITE || m == CM_CANCEL || m == CM_200_CANCEL || m == CM_100);
	bool swapped = (m == CM_BYE || m == CM_200_BYE) && by_callee;
	for (int k = 0; k < 2; k++) {
		bool caller = (k == 0) != swapped;
		if (k == 0)
			PUT_LIT(p, "From: <");
		else
			PUT_LIT(p, "To: <");
		if (caller) {
			p = impu_sip(p, l->a->number);
			PUT_LIT(p, ">;tag=");
			p = put_hex(p, mix64(tok(l, T_CALLER_TAG)), 10);
		} else {
			PUT_LIT(p, "tel:+");
			p = put_u64(p, l->b->number);
			*p++ = '>';
			if (have_callee_tag) {
				PUT_LIT(p, ";tag=");
				p = put_hex(p, mix64(tok(l, T_CALLEE_TAG)), 10);
			}
		}
		PUT_LIT(p, "\r\n");
	}
	PUT_LIT(p, "Call-ID: ");
	p = put_hex(p, mix64(tok(l, T_CALLID)), 16);
	*p++ = '@';
	if (l->term)
		PUT_LIT(p, "scscf1." D);
	else
		p = put_ipv4(p, l->a->ue_ip);
	PUT_LIT(p, "\r\nCSeq: ");
	p = put_u64(p, cseq);
	*p++ = ' ';
	p = put_str(p, m == CM_ACK_ERR || m == CM_ACK_2XX ? "ACK" : method);
	PUT_LIT(p, "\r\n");
	/* Contact on dialog-forming messages. */
	if (m == CM_INVITE || m == CM_180 || m == CM_200_INVITE) {
		bool ue_contact = (m == CM_INVITE) == !l->term;
		PUT_LIT(p, "Contact: <");
		if (ue_contact)
			p = ue_contact_uri(p, ue);
		else
			p = net_contact_uri(p, remote->number);
		PUT_LIT(p, ">;" ICSI "\r\n");
	}
	if (m == CM_INVITE) {
		PUT_LIT(p, "P-Asserted-Identity: <");
		p = impu_sip(p, l->a->number);
		PUT_LIT(p, ";user=phone>, <tel:+");
		p = put_u64(p, l->a->number);
		PUT_LIT(p, ">\r\n");
		if (l->term) {
			PUT_LIT(p, "P-Called-Party-ID: <tel:+");
			p = put_u64(p, l->b->number);
			PUT_LIT(p, ">\r\n");
		} else {
			p = pani(p, ue);
			*pani_of = ue;
		}
		PUT_LIT(p, "Allow: INVITE, ACK, CANCEL, BYE, UPDATE, PRACK, MESSAGE\r\n");
	} else if (l->term && (m == CM_180 || m == CM_200_INVITE || m == CM_486)) {
		p = pani(p, ue); /* the callee's cell */
		*pani_of = ue;
	} else if (m == CM_BYE && ue_sends) {
		p = pani(p, ue);
		*pani_of = ue;
	}
	if (body_len) {
		PUT_LIT(p, "Content-Type: application/sdp\r\n");
		p = content_length(p, body_len);
		memcpy(p, body, body_len);
		p += body_len;
	} else {
		p = content_length(p, 0);
	}
	return (size_t)(p - out);
}

size_t sip_register(char *out, const struct sip_party *x, uint64_t id)
{
	char *p = out;
	PUT_LIT(p, "REGISTER sip:" D " SIP/2.0\r\n");
	p = via_pcscf(p, x->pcscf, id * 4 + 1);
	p = via_ue(p, x->ue_ip, id * 4);
	PUT_LIT(p, "Max-Forwards: 69\r\nPath: <sip:term@");
	p = pcscf_host(p, x->pcscf);
	PUT_LIT(p, ":5060;lr>\r\nRequire: path\r\nSupported: path\r\n"
		   "P-Visited-Network-ID: \"" D "\"\r\nFrom: <sip:");
	p = put_u64(p, x->imsi);
	PUT_LIT(p, "@" D ">;tag=");
	p = put_hex(p, mix64(id * 4 + 2), 10);
	PUT_LIT(p, "\r\nTo: <sip:");
	p = put_u64(p, x->imsi);
	PUT_LIT(p, "@" D ">\r\nCall-ID: ");
	p = put_hex(p, mix64(id * 4 + 3), 16);
	*p++ = '@';
	p = put_ipv4(p, x->ue_ip);
	PUT_LIT(p, "\r\nCSeq: 2 REGISTER\r\nContact: <");
	p = ue_contact_uri(p, x);
	PUT_LIT(p, ">;+sip.instance=\"<urn:gsma:imei:");
	p = put_dec_w(p, x->imei / 1000000, 8);
	*p++ = '-';
	p = put_dec_w(p, x->imei % 1000000, 6);
	PUT_LIT(p, "-0>\";+g.3gpp.smsip;" ICSI ";expires=600000\r\n"
		   "Authorization: Digest username=\"");
	p = put_u64(p, x->imsi);
	PUT_LIT(p, "@" D "\", realm=\"" D "\", uri=\"sip:" D "\", nonce=\"");
	p = put_hex(p, mix64(id * 4 + 5), 16);
	p = put_hex(p, mix64(id * 4 + 6), 16);
	PUT_LIT(p, "\", response=\"");
	p = put_hex(p, mix64(id * 4 + 7), 16);
	p = put_hex(p, mix64(id * 4 + 8), 16);
	PUT_LIT(p, "\", algorithm=AKAv1-MD5\r\n");
	p = pani(p, x);
	PUT_LIT(p, "Expires: 600000\r\n");
	return (size_t)(content_length(p, 0) - out);
}

size_t sip_register_ok(char *out, const struct sip_party *x, uint64_t id)
{
	char *p = out;
	PUT_LIT(p, "SIP/2.0 200 OK\r\n");
	p = via_pcscf(p, x->pcscf, id * 4 + 1);
	p = via_ue(p, x->ue_ip, id * 4);
	PUT_LIT(p, "From: <sip:");
	p = put_u64(p, x->imsi);
	PUT_LIT(p, "@" D ">;tag=");
	p = put_hex(p, mix64(id * 4 + 2), 10);
	PUT_LIT(p, "\r\nTo: <sip:");
	p = put_u64(p, x->imsi);
	PUT_LIT(p, "@" D ">;tag=");
	p = put_hex(p, mix64(id * 4 + 10), 10);
	PUT_LIT(p, "\r\nCall-ID: ");
	p = put_hex(p, mix64(id * 4 + 3), 16);
	*p++ = '@';
	p = put_ipv4(p, x->ue_ip);
	PUT_LIT(p, "\r\nCSeq: 2 REGISTER\r\nContact: <");
	p = ue_contact_uri(p, x);
	PUT_LIT(p, ">;expires=600000\r\nPath: <sip:term@");
	p = pcscf_host(p, x->pcscf);
	PUT_LIT(p, ":5060;lr>\r\nService-Route: <sip:orig@scscf1." D ":5060;lr>\r\n"
		   "P-Associated-URI: <");
	p = impu_sip(p, x->number);
	PUT_LIT(p, ">, <tel:+");
	p = put_u64(p, x->number);
	PUT_LIT(p, ">\r\n");
	return (size_t)(content_length(p, 0) - out);
}

size_t sip_sms_message(char *out, bool mo, const struct sip_party *x, uint64_t smsc,
		       uint64_t id, const uint8_t *body, size_t body_len)
{
	char *p = out;
	PUT_LIT(p, "MESSAGE ");
	if (mo) {
		p = impu_sip(p, smsc);
		PUT_LIT(p, ";user=phone SIP/2.0\r\n");
		p = via_pcscf(p, x->pcscf, id * 4 + 1);
		p = via_ue(p, x->ue_ip, id * 4);
		PUT_LIT(p, "Max-Forwards: 69\r\nRoute: <sip:scscf1." D
			   ":5060;lr;orig>\r\nFrom: <");
		p = impu_sip(p, x->number);
		PUT_LIT(p, ">;tag=");
		p = put_hex(p, mix64(id * 4 + 2), 10);
		PUT_LIT(p, "\r\nTo: <");
		p = impu_sip(p, smsc);
		PUT_LIT(p, ";user=phone>\r\nP-Asserted-Identity: <");
		p = impu_sip(p, x->number);
		PUT_LIT(p, ";user=phone>, <tel:+");
		p = put_u64(p, x->number);
		PUT_LIT(p, ">\r\n");
		p = pani(p, x);
	} else {
		p = ue_contact_uri(p, x);
		PUT_LIT(p, " SIP/2.0\r\n");
		p = via_scscf(p, id * 4);
		PUT_LIT(p, "Max-Forwards: 68\r\nRoute: <sip:");
		p = pcscf_host(p, x->pcscf);
		PUT_LIT(p, ":5060;lr>\r\nFrom: <");
		p = impu_sip(p, smsc);
		PUT_LIT(p, ";user=phone>;tag=");
		p = put_hex(p, mix64(id * 4 + 2), 10);
		PUT_LIT(p, "\r\nTo: <tel:+");
		p = put_u64(p, x->number);
		PUT_LIT(p, ">\r\nP-Asserted-Identity: <");
		p = impu_sip(p, smsc);
		PUT_LIT(p, ";user=phone>\r\nP-Called-Party-ID: <tel:+");
		p = put_u64(p, x->number);
		PUT_LIT(p, ">\r\n");
	}
	PUT_LIT(p, "Call-ID: ");
	p = put_hex(p, mix64(id * 4 + 3), 16);
	*p++ = '@';
	if (mo)
		p = put_ipv4(p, x->ue_ip);
	else
		PUT_LIT(p, "scscf1." D);
	PUT_LIT(p, "\r\nCSeq: 1 MESSAGE\r\nRequest-Disposition: no-fork\r\n"
		   "Accept-Contact: *;+g.3gpp.smsip\r\n"
		   "Content-Type: application/vnd.3gpp.sms\r\n");
	p = content_length(p, body_len);
	memcpy(p, body, body_len);
	return (size_t)(p + body_len - out);
}

size_t sip_sms_202(char *out, bool mo, const struct sip_party *x, uint64_t smsc,
		   uint64_t id)
{
	char *p = out;
	PUT_LIT(p, "SIP/2.0 202 Accepted\r\n");
	if (mo) {
		p = via_pcscf(p, x->pcscf, id * 4 + 1);
		p = via_ue(p, x->ue_ip, id * 4);
		PUT_LIT(p, "From: <");
		p = impu_sip(p, x->number);
		PUT_LIT(p, ">;tag=");
		p = put_hex(p, mix64(id * 4 + 2), 10);
		PUT_LIT(p, "\r\nTo: <");
		p = impu_sip(p, smsc);
		PUT_LIT(p, ";user=phone>;tag=");
	} else {
		p = via_scscf(p, id * 4);
		PUT_LIT(p, "From: <");
		p = impu_sip(p, smsc);
		PUT_LIT(p, ";user=phone>;tag=");
		p = put_hex(p, mix64(id * 4 + 2), 10);
		PUT_LIT(p, "\r\nTo: <tel:+");
		p = put_u64(p, x->number);
		PUT_LIT(p, ">;tag=");
	}
	p = put_hex(p, mix64(id * 4 + 11), 10);
	PUT_LIT(p, "\r\nCall-ID: ");
	p = put_hex(p, mix64(id * 4 + 3), 16);
	*p++ = '@';
	if (mo)
		p = put_ipv4(p, x->ue_ip);
	else
		PUT_LIT(p, "scscf1." D);
	PUT_LIT(p, "\r\nCSeq: 1 MESSAGE\r\n");
	if (!mo)
		p = pani(p, x);
	return (size_t)(content_length(p, 0) - out);
}
