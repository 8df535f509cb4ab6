/* sip.c: SIP dissector (RFC 3261, TS 24.229, SMS over IP TS 24.341). Parses a
 * message (sip_msg.c), decides what it means for a subscriber, and hands that to
 * the call table (sip_call.c), which emits the events. Originating legs carry
 * ";orig" in a Route URI; terminating legs carry P-Called-Party-ID; with neither,
 * a request is taken as originating from the UE side (PAI, else
 * P-Preferred-Identity, else From is the caller). */
#include "sip.h"

#include <stdio.h>
#include <string.h>

#include "../dissect.h"
#include "../pipeline.h"
#include "sip_msg.h"
#include "sms.h"

/* ---- per-pipeline state: the call table, owned by the pipeline ---- */

static void emit_to_pipeline(void *arg, struct dw_event *ev)
{
	dw_pipeline_emit((struct dw_pipeline *)arg, ev);
}

static int state_advance(void *state, struct dw_pipeline *pl, int64_t ts_us)
{
	(void)pl;
	sip_calls_expire(state, ts_us);
	return 0;
}

static void state_print(const void *state, FILE *f)
{
	struct sip_call_stats st;
	sip_calls_stats(state, &st);
	fprintf(f, "sip.calls %llu\n", (unsigned long long)st.active);
	fprintf(f, "sip.call_evictions %llu\n", (unsigned long long)st.evicted);
	fprintf(f, "sip.call_expiries %llu\n", (unsigned long long)st.expired);
}

static void state_free(void *state)
{
	sip_calls_free(state);
}

static const struct dw_proto_state_ops state_ops = {
	.advance = state_advance,
	.print_stats = state_print,
	.free = state_free,
};

int dw_sip_attach_sink(struct dw_pipeline *pl, size_t max_calls, uint32_t timeout_s,
		       sip_call_emit_fn emit, void *arg)
{
	struct sip_call_table *t = sip_calls_new(max_calls, timeout_s, emit, arg);
	if (!t)
		return -1;
	dw_pipeline_set_state(pl, DW_PROTO_SIP, t, &state_ops);
	return 0;
}

static struct sip_call_table *calls_of(struct dw_pipeline *pl)
{
	struct sip_call_table *t = dw_pipeline_state(pl, DW_PROTO_SIP);
	if (t)
		return t;
	const struct dw_config *cfg = dw_pipeline_config(pl);
	long long max = dw_config_int(cfg, DWK_sensor_max_calls);
	long long timeout = dw_config_int(cfg, DWK_sensor_call_timeout_s);
	if (dw_sip_attach_sink(pl, (size_t)max, (uint32_t)timeout, emit_to_pipeline, pl) < 0)
		return NULL;
	return dw_pipeline_state(pl, DW_PROTO_SIP);
}

void dw_sip_call_stats(struct dw_pipeline *pl, struct sip_call_stats *s)
{
	struct sip_call_table *t = dw_pipeline_state(pl, DW_PROTO_SIP);
	memset(s, 0, sizeof *s);
	if (t)
		sip_calls_stats(t, s);
}

/* ---- identities ---- */

struct who {
	char imsi[DW_IMSI_MAX + 1];
	char msisdn[DW_NUMBER_MAX + 1];
	char imei[DW_IMEI_LEN + 1];
	char peer[DW_NUMBER_MAX + 1];
	char cell[DW_CELL_MAX];
	char call_id[DW_CALL_ID_MAX];
};

/* A number in a URI, but never the IMSI of a contact address (sip:<IMSI>@ue-ip). */
static bool uri_number(struct slice uri, bool strict, char out[DW_NUMBER_MAX + 1])
{
	struct sip_uri u;
	char imsi[DW_IMSI_MAX + 1];
	return sip_uri_parse(uri, &u) && !sip_uri_imsi(&u, true, imsi) &&
	       sip_uri_number(&u, strict, out);
}

/* The caller: PAI, else P-Preferred-Identity (UE side), else From. */
static bool caller_number(const struct sip_msg *m, char out[DW_NUMBER_MAX + 1])
{
	return sip_hdr_number(m, SIP_H_PAI, false, out) || sip_hdr_number(m, SIP_H_PPI, false, out) ||
	       sip_hdr_number(m, SIP_H_FROM, false, out);
}

/* The callee as dialled: Request-URI, else To. */
static bool dialled_number(const struct sip_msg *m, char out[DW_NUMBER_MAX + 1])
{
	return uri_number(m->ruri, false, out) || sip_hdr_number(m, SIP_H_TO, false, out);
}

/* The callee of a terminating leg: P-Called-Party-ID, else a telephone-number
 * Request-URI, else To, else whatever number the Request-URI holds. */
static bool called_number(const struct sip_msg *m, char out[DW_NUMBER_MAX + 1])
{
	return sip_hdr_number(m, SIP_H_PCPID, false, out) || uri_number(m->ruri, true, out) ||
	       sip_hdr_number(m, SIP_H_TO, false, out) || uri_number(m->ruri, false, out);
}

/* The IMSI of a UE's contact address: its own Contact in a request it sends. */
static bool contact_imsi(const struct sip_msg *m, char out[DW_IMSI_MAX + 1])
{
	const struct sip_hdr *h;
	for (unsigned n = 0; (h = sip_msg_header(m, SIP_H_CONTACT, n)) != NULL; n++) {
		size_t pos = 0;
		struct slice e;
		while (sip_list_next(h->value, &pos, &e)) {
			struct sip_addr a;
			struct sip_uri u;
			if (sip_addr_parse(e, &a) && sip_uri_parse(a.uri, &u) && sip_uri_imsi(&u, true, out))
				return true;
		}
	}
	return false;
}

/* The callee's IMSI when a terminating request goes to its registered contact. */
static bool ruri_imsi(const struct sip_msg *m, char out[DW_IMSI_MAX + 1])
{
	struct sip_uri u;
	return sip_uri_parse(m->ruri, &u) && sip_uri_imsi(&u, true, out);
}

static bool is_originating(const struct sip_msg *m)
{
	const struct sip_hdr *h;
	for (unsigned n = 0; (h = sip_msg_header(m, SIP_H_ROUTE, n)) != NULL; n++) {
		size_t pos = 0;
		struct slice e, v;
		while (sip_list_next(h->value, &pos, &e)) {
			struct sip_addr a;
			struct sip_uri u;
			if (!sip_addr_parse(e, &a))
				continue;
			if (sip_param(a.params, "orig", &v))
				return true;
			if (sip_uri_parse(a.uri, &u) && sip_param(u.params, "orig", &v))
				return true;
		}
	}
	return false;
}

static bool has_to_tag(const struct sip_msg *m)
{
	const struct sip_hdr *h = sip_msg_header(m, SIP_H_TO, 0);
	struct sip_addr a;
	struct slice v;
	return h && sip_addr_parse(h->value, &a) && sip_param(a.params, "tag", &v);
}

static void call_id_copy(const struct sip_msg *m, char out[DW_CALL_ID_MAX])
{
	size_t n = m->call_id.len < DW_CALL_ID_MAX - 1 ? m->call_id.len : DW_CALL_ID_MAX - 1;
	memcpy(out, m->call_id.p, n);
	out[n] = '\0';
}

static void msg_init(struct sip_call_msg *cm, enum sip_call_input kind, const struct dw_packet *pkt,
		     const struct sip_msg *m, struct who *w)
{
	memset(cm, 0, sizeof *cm);
	cm->kind = kind;
	cm->ts_us = pkt->ts_us;
	call_id_copy(m, w->call_id);
	cm->call_id = w->call_id;
	cm->cseq = m->cseq;
	cm->frame = pkt->frame;
	cm->imsi = w->imsi;
	cm->msisdn = w->msisdn;
	cm->imei = w->imei;
	cm->peer = w->peer;
	cm->cell = w->cell;
}

/* ---- requests ---- */

static void on_invite(struct sip_call_table *t, const struct dw_packet *pkt, const struct sip_msg *m)
{
	struct who w = { 0 };
	struct sip_call_msg cm;
	if (has_to_tag(m)) {
		msg_init(&cm, SIP_CALL_TOUCH, pkt, m, &w);
		sip_calls_input(t, &cm);
		return;
	}
	bool terminating = !is_originating(m) && sip_msg_has(m, SIP_H_PCPID);
	msg_init(&cm, SIP_CALL_INVITE, pkt, m, &w);
	if (terminating) {
		cm.dir = DW_DIR_MT;
		called_number(m, w.msisdn);
		ruri_imsi(m, w.imsi);
		caller_number(m, w.peer);
	} else {
		cm.dir = DW_DIR_MO;
		caller_number(m, w.msisdn);
		dialled_number(m, w.peer);
		sip_msg_cell(m, w.cell);
		sip_instance_imei(m, w.imei); /* a UE-side INVITE's Contact may name it */
		contact_imsi(m, w.imsi);
	}
	sip_calls_input(t, &cm);
}

static bool zero_expiry(const struct sip_msg *m)
{
	const struct sip_hdr *h = sip_msg_header(m, SIP_H_EXPIRES, 0);
	if (h && sip_slice_ieq(h->value, "0"))
		return true;
	bool any = false;
	for (unsigned n = 0; (h = sip_msg_header(m, SIP_H_CONTACT, n)) != NULL; n++) {
		size_t pos = 0;
		struct slice e, v;
		while (sip_list_next(h->value, &pos, &e)) {
			struct sip_addr a;
			if (!sip_addr_parse(e, &a))
				continue;
			if (!sip_param(a.params, "expires", &v) || !sip_slice_ieq(v, "0"))
				return false;
			any = true;
		}
	}
	return any;
}

static bool register_imsi(const struct sip_msg *m, char out[DW_IMSI_MAX + 1])
{
	const struct sip_hdr *h = sip_msg_header(m, SIP_H_AUTHORIZATION, 0);
	if (h && sip_digest_imsi(h->value, out))
		return true;
	static const enum sip_hdr_id ids[] = { SIP_H_TO, SIP_H_FROM, SIP_H_CONTACT };
	for (size_t k = 0; k < sizeof ids / sizeof ids[0]; k++) {
		for (unsigned n = 0; (h = sip_msg_header(m, ids[k], n)) != NULL; n++) {
			size_t pos = 0;
			struct slice e;
			while (sip_list_next(h->value, &pos, &e)) {
				struct sip_addr a;
				struct sip_uri u;
				if (sip_addr_parse(e, &a) && sip_uri_parse(a.uri, &u) &&
				    sip_uri_imsi(&u, ids[k] == SIP_H_CONTACT, out))
					return true;
			}
		}
	}
	return false;
}

static void on_register(struct sip_call_table *t, const struct dw_packet *pkt, const struct sip_msg *m)
{
	struct who w = { 0 };
	struct sip_call_msg cm;
	msg_init(&cm, zero_expiry(m) ? SIP_CALL_TOUCH : SIP_CALL_REGISTER, pkt, m, &w);
	register_imsi(m, w.imsi);
	sip_instance_imei(m, w.imei);
	sip_msg_cell(m, w.cell);
	sip_hdr_number(m, SIP_H_PAI, true, w.msisdn);
	sip_calls_input(t, &cm);
}

static bool content_type_is(const struct sip_msg *m, const char *type)
{
	const struct sip_hdr *h = sip_msg_header(m, SIP_H_CONTENT_TYPE, 0);
	if (!h)
		return false;
	struct slice v = h->value;
	size_t i = 0;
	while (i < v.len && v.p[i] != ';' && v.p[i] != ' ' && v.p[i] != '\t')
		i++;
	v.len = i;
	return sip_slice_ieq(v, type);
}

static enum dw_parse_result on_message(struct sip_call_table *t, const struct dw_packet *pkt,
				       const struct sip_msg *m)
{
	if (!content_type_is(m, "application/vnd.3gpp.sms"))
		return DW_PARSE_UNSUPPORTED; /* instant messaging, not SMS */
	struct sms_rp rp;
	switch (sms_rp_decode(m->body.p, m->body.len, &rp)) {
	case SMS_MALFORMED:
		return DW_PARSE_MALFORMED;
	case SMS_UNSUPPORTED:
		return DW_PARSE_UNSUPPORTED;
	case SMS_OK:
		break;
	}
	struct who w = { 0 };
	struct sip_call_msg cm;
	msg_init(&cm, SIP_CALL_SMS, pkt, m, &w);
	if (rp.mti == SMS_RP_DATA_MS_N && rp.tp == SMS_TP_SUBMIT) {
		cm.dir = DW_DIR_MO;
		caller_number(m, w.msisdn);
		sip_msg_cell(m, w.cell);
		sip_instance_imei(m, w.imei);
		contact_imsi(m, w.imsi);
	} else if (rp.mti == SMS_RP_DATA_N_MS && rp.tp == SMS_TP_DELIVER) {
		cm.dir = DW_DIR_MT;
		called_number(m, w.msisdn);
		ruri_imsi(m, w.imsi);
	} else {
		return DW_PARSE_OK; /* RP-ACK, RP-ERROR, RP-SMMA: no event */
	}
	memcpy(w.peer, rp.tp_addr.text, sizeof w.peer);
	sip_calls_input(t, &cm);
	return DW_PARSE_OK;
}

static enum dw_parse_result on_request(struct sip_call_table *t, const struct dw_packet *pkt,
				       const struct sip_msg *m)
{
	struct who w = { 0 };
	struct sip_call_msg cm;
	switch (m->method) {
	case SIP_M_INVITE:
		on_invite(t, pkt, m);
		return DW_PARSE_OK;
	case SIP_M_REGISTER:
		on_register(t, pkt, m);
		return DW_PARSE_OK;
	case SIP_M_MESSAGE:
		return on_message(t, pkt, m);
	case SIP_M_BYE:
		msg_init(&cm, SIP_CALL_BYE, pkt, m, &w);
		break;
	case SIP_M_CANCEL:
		msg_init(&cm, SIP_CALL_CANCEL, pkt, m, &w);
		break;
	case SIP_M_ACK:
	case SIP_M_PRACK:
	case SIP_M_UPDATE:
	case SIP_M_INFO:
		msg_init(&cm, SIP_CALL_TOUCH, pkt, m, &w);
		break;
	default:
		return DW_PARSE_UNSUPPORTED;
	}
	sip_calls_input(t, &cm);
	return DW_PARSE_OK;
}

/* ---- responses ---- */

static enum dw_parse_result on_response(struct sip_call_table *t, const struct dw_packet *pkt,
					const struct sip_msg *m)
{
	struct who w = { 0 };
	struct sip_call_msg cm;
	uint16_t st = m->status;
	switch (m->cseq_method) {
	case SIP_M_INVITE:
		if (st == 100 || st == 401 || st == 407) {
			/* Trying, or an authentication challenge the caller answers with a
			 * new INVITE of the same call. */
			msg_init(&cm, SIP_CALL_TOUCH, pkt, m, &w);
		} else if (st < 200) {
			msg_init(&cm, SIP_CALL_PROVISIONAL, pkt, m, &w);
			sip_msg_cell(m, w.cell);
		} else if (st < 300) {
			msg_init(&cm, SIP_CALL_ANSWER, pkt, m, &w);
			sip_msg_cell(m, w.cell);
		} else {
			msg_init(&cm, SIP_CALL_REJECT, pkt, m, &w);
			cm.status = st;
			sip_msg_cell(m, w.cell);
		}
		break;
	case SIP_M_REGISTER:
		if (st >= 200 && st < 300 && !zero_expiry(m)) {
			msg_init(&cm, SIP_CALL_REGISTERED, pkt, m, &w);
			if (!sip_hdr_number(m, SIP_H_PAU, true, w.msisdn) &&
			    !sip_hdr_number(m, SIP_H_PAI, true, w.msisdn))
				sip_hdr_number(m, SIP_H_PAU, false, w.msisdn);
		} else {
			msg_init(&cm, SIP_CALL_TOUCH, pkt, m, &w);
		}
		break;
	case SIP_M_MESSAGE:
		/* 202 Accepted (its RP-ACK body, if any, makes no event). */
	case SIP_M_BYE:
	case SIP_M_CANCEL:
	case SIP_M_ACK:
	case SIP_M_PRACK:
	case SIP_M_UPDATE:
	case SIP_M_INFO:
		msg_init(&cm, SIP_CALL_TOUCH, pkt, m, &w);
		break;
	default:
		return DW_PARSE_UNSUPPORTED;
	}
	sip_calls_input(t, &cm);
	return DW_PARSE_OK;
}

/* ---- dissector ---- */

static bool only_whitespace(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != '\r' && p[i] != '\n' && p[i] != ' ' && p[i] != '\t' && p[i] != '\0')
			return false;
	return true;
}

/* Does the payload try to be SIP (an upper-case method or "SIP/" first)? Other
 * payloads on a SIP port (keep-alives such as "hello", RTP) are not SIP at all
 * and count as unsupported, not malformed. */
static bool claims_sip(const uint8_t *p, size_t len)
{
	if (sip_msg_probe(p, len))
		return true;
	size_t i = 0;
	while (i < len && i < 32 && ((p[i] >= 'A' && p[i] <= 'Z') || p[i] == '-'))
		i++;
	return i >= 3 && i < len && (p[i] == ' ' || p[i] == '/');
}

static enum dw_parse_result sip_parse(struct dw_pipeline *pl, const struct dw_packet *pkt,
				      const uint8_t *p, size_t len)
{
	struct sip_msg m;
	if (sip_msg_parse(&m, p, len) != SIP_OK) {
		/* Parsed messages always claim to be SIP (their start line does), so
		 * only a failure needs the closer look. */
		if (only_whitespace(p, len) || !claims_sip(p, len))
			return DW_PARSE_UNSUPPORTED; /* keep-alive or not SIP */
		return DW_PARSE_MALFORMED;
	}
	struct sip_call_table *calls = calls_of(pl);
	if (!calls)
		return DW_PARSE_UNSUPPORTED; /* out of memory: counted, not fatal */
	return m.is_request ? on_request(calls, pkt, &m) : on_response(calls, pkt, &m);
}

static bool sip_probe(const uint8_t *p, size_t len)
{
	return sip_msg_probe(p, len);
}

static long sip_frame(const uint8_t *p, size_t len)
{
	return sip_msg_frame(p, len);
}

const struct dw_dissector dw_dissector_sip = {
	.name = "sip",
	.proto = DW_PROTO_SIP,
	.udp_ports = { 5060 },
	.tcp_ports = { 5060 },
	.sctp_ports = { 5060 },
	.probe = sip_probe,
	.frame = sip_frame,
	.parse = sip_parse,
};
