/* gtp_enc.c: GTPv2-C messages of the S11 interface (TS 29.274): Create Session,
 * Modify Bearer and Delete Session requests and responses, with the information
 * elements of TS 29.274 section 8 in type-length-instance form. */
#include "gtp_enc.h"

#include <string.h>

#include "denwatch/ident.h"

enum {
	IE_IMSI = 1,
	IE_CAUSE = 2,
	IE_APN = 71,
	IE_AMBR = 72,
	IE_EBI = 73,
	IE_MEI = 75,
	IE_MSISDN = 76,
	IE_INDICATION = 77,
	IE_PAA = 79,
	IE_BEARER_QOS = 80,
	IE_RAT = 82,
	IE_SERVING_NET = 83,
	IE_ULI = 86,
	IE_FTEID = 87,
	IE_BEARER_CTX = 93,
	IE_PDN_TYPE = 99,
	IE_APN_RESTRICTION = 127,
	IE_SELECTION_MODE = 128,
};

enum {
	FTEID_S1U_ENB = 0,
	FTEID_S1U_SGW = 1,
	FTEID_S5S8_PGW_C = 7,
	FTEID_S11_MME = 10,
	FTEID_S11_SGW = 11
};

static void be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void be32(uint8_t *p, uint32_t v)
{
	be16(p, (uint16_t)(v >> 16));
	be16(p + 2, (uint16_t)v);
}

/* Writes an IE header; the caller fills value and then calls ie_end. */
static uint8_t *ie_begin(uint8_t *p, uint8_t type, uint8_t instance)
{
	p[0] = type;
	p[3] = instance & 0x0f;
	return p + 4;
}

static uint8_t *ie_end(uint8_t *ie_value, uint8_t *end)
{
	be16(ie_value - 3, (uint16_t)(end - ie_value));
	return end;
}

static uint8_t *ie_bytes(uint8_t *p, uint8_t type, uint8_t inst, const void *v, size_t n)
{
	uint8_t *val = ie_begin(p, type, inst);
	memcpy(val, v, n);
	return ie_end(val, val + n);
}

static uint8_t *ie_u8(uint8_t *p, uint8_t type, uint8_t inst, uint8_t v)
{
	return ie_bytes(p, type, inst, &v, 1);
}

static uint8_t *ie_digits(uint8_t *p, uint8_t type, uint64_t number, int width)
{
	char d[24];
	/* width > 0 pads with leading zeros to that many digits. */
	int n = 0;
	char tmp[24];
	do {
		tmp[n++] = (char)('0' + number % 10);
		number /= 10;
	} while (number);
	while (n < width)
		tmp[n++] = '0';
	for (int i = 0; i < n; i++)
		d[i] = tmp[n - 1 - i];
	d[n] = '\0';
	uint8_t *val = ie_begin(p, type, 0);
	int len = dw_tbcd_encode(d, val, 12);
	return ie_end(val, val + len);
}

static uint8_t *ie_fteid(uint8_t *p, uint8_t inst, uint8_t iface, uint32_t teid,
			 uint32_t ip)
{
	uint8_t *val = ie_begin(p, IE_FTEID, inst);
	val[0] = (uint8_t)(0x80 | iface); /* V4 */
	be32(val + 1, teid);
	be32(val + 5, ip);
	return ie_end(val, val + 9);
}

static uint8_t *ie_uli(uint8_t *p, const struct gtp_loc *loc)
{
	uint8_t *val = ie_begin(p, IE_ULI, 0);
	val[0] = 0x18; /* ECGI and TAI present */
	dw_plmn_encode(loc->mcc, loc->mnc, val + 1);
	be16(val + 4, loc->tac);
	dw_plmn_encode(loc->mcc, loc->mnc, val + 6);
	be32(val + 9, loc->eci & 0x0fffffff);
	return ie_end(val, val + 13);
}

static uint8_t *ie_paa(uint8_t *p, uint32_t ip)
{
	uint8_t *val = ie_begin(p, IE_PAA, 0);
	val[0] = 1; /* IPv4 */
	be32(val + 1, ip);
	return ie_end(val, val + 5);
}

static uint8_t *ie_cause(uint8_t *p, uint8_t inst, uint8_t cause)
{
	uint8_t v[2] = {cause, 0};
	return ie_bytes(p, IE_CAUSE, inst, v, 2);
}

static uint8_t *ie_apn(uint8_t *p, const char *apn)
{
	uint8_t *val = ie_begin(p, IE_APN, 0);
	size_t o = 0;
	for (const char *s = apn; *s;) {
		const char *dot = strchr(s, '.');
		size_t n = dot ? (size_t)(dot - s) : strlen(s);
		val[o++] = (uint8_t)n;
		memcpy(val + o, s, n);
		o += n;
		s += n + (dot ? 1 : 0);
	}
	return ie_end(val, val + o);
}

static void bitrate40(uint8_t *p, uint64_t kbps)
{
	p[0] = (uint8_t)(kbps >> 32);
	be32(p + 1, (uint32_t)kbps);
}

static uint8_t *header(uint8_t *p, uint8_t type, uint32_t teid, uint32_t seq)
{
	p[0] = 0x48; /* version 2, TEID present */
	p[1] = type;
	be32(p + 4, teid);
	p[8] = (uint8_t)(seq >> 16);
	p[9] = (uint8_t)(seq >> 8);
	p[10] = (uint8_t)seq;
	p[11] = 0;
	return p + 12;
}

static size_t finish(uint8_t *msg, uint8_t *end)
{
	be16(msg + 2, (uint16_t)(end - msg - 4));
	return (size_t)(end - msg);
}

size_t gtp_create_session_req(uint8_t *out, const struct gtp_session *s, uint32_t seq)
{
	uint8_t *p = header(out, 32, 0, seq);
	p = ie_digits(p, IE_IMSI, s->imsi, 0);
	p = ie_digits(p, IE_MSISDN, s->msisdn, 0);
	p = ie_digits(p, IE_MEI, s->imeisv, 16);
	p = ie_uli(p, &s->loc);
	uint8_t plmn[3];
	dw_plmn_encode(s->loc.mcc, s->loc.mnc, plmn);
	p = ie_bytes(p, IE_SERVING_NET, 0, plmn, 3);
	p = ie_u8(p, IE_RAT, 0, 6); /* EUTRAN */
	p = ie_fteid(p, 0, FTEID_S11_MME, s->mme_teid, s->mme_ip);
	p = ie_fteid(p, 1, FTEID_S5S8_PGW_C, 0, s->pgw_ip);
	p = ie_apn(p, s->apn);
	p = ie_u8(p, IE_SELECTION_MODE, 0, 0); /* MS or network provided, verified */
	p = ie_u8(p, IE_PDN_TYPE, 0, 1);       /* IPv4 */
	p = ie_paa(p, 0);
	p = ie_u8(p, IE_APN_RESTRICTION, 0, 0);
	uint8_t ambr[8];
	be32(ambr, s->ambr_ul_kbps);
	be32(ambr + 4, s->ambr_dl_kbps);
	p = ie_bytes(p, IE_AMBR, 0, ambr, 8);
	uint8_t *ctx = ie_begin(p, IE_BEARER_CTX, 0);
	uint8_t *q = ie_u8(ctx, IE_EBI, 0, s->ebi);
	uint8_t qos[22] = {0};
	qos[0] = (uint8_t)(9 << 2 | 1); /* PL 9, PVI on, PCI off */
	qos[1] = s->qci;
	bitrate40(qos + 2, 0);
	bitrate40(qos + 7, 0);
	q = ie_bytes(q, IE_BEARER_QOS, 0, qos, sizeof qos);
	p = ie_end(ctx, q);
	return finish(out, p);
}

size_t gtp_create_session_resp(uint8_t *out, const struct gtp_session *s, uint32_t seq)
{
	uint8_t *p = header(out, 33, s->mme_teid, seq);
	p = ie_cause(p, 0, 16); /* Request accepted */
	p = ie_fteid(p, 0, FTEID_S11_SGW, s->sgw_teid, s->sgw_ip);
	p = ie_fteid(p, 1, FTEID_S5S8_PGW_C, s->pgw_teid, s->pgw_ip);
	p = ie_paa(p, s->ue_ip);
	p = ie_u8(p, IE_APN_RESTRICTION, 0, 0);
	uint8_t *ctx = ie_begin(p, IE_BEARER_CTX, 0);
	uint8_t *q = ie_u8(ctx, IE_EBI, 0, s->ebi);
	q = ie_cause(q, 0, 16);
	q = ie_fteid(q, 0, FTEID_S1U_SGW, s->sgw_teid ^ 0x40000000u, s->sgw_u_ip);
	p = ie_end(ctx, q);
	return finish(out, p);
}

size_t gtp_modify_bearer_req(uint8_t *out, const struct gtp_session *s, uint32_t seq)
{
	uint8_t *p = header(out, 34, s->sgw_teid, seq);
	p = ie_uli(p, &s->loc);
	uint8_t *ctx = ie_begin(p, IE_BEARER_CTX, 0);
	uint8_t *q = ie_u8(ctx, IE_EBI, 0, s->ebi);
	q = ie_fteid(q, 0, FTEID_S1U_ENB, s->enb_teid, s->enb_ip);
	p = ie_end(ctx, q);
	return finish(out, p);
}

size_t gtp_modify_bearer_resp(uint8_t *out, const struct gtp_session *s, uint32_t seq)
{
	uint8_t *p = header(out, 35, s->mme_teid, seq);
	p = ie_cause(p, 0, 16);
	uint8_t *ctx = ie_begin(p, IE_BEARER_CTX, 0);
	uint8_t *q = ie_u8(ctx, IE_EBI, 0, s->ebi);
	q = ie_cause(q, 0, 16);
	q = ie_fteid(q, 0, FTEID_S1U_SGW, s->sgw_teid ^ 0x40000000u, s->sgw_u_ip);
	p = ie_end(ctx, q);
	return finish(out, p);
}

size_t gtp_delete_session_req(uint8_t *out, const struct gtp_session *s, uint32_t seq)
{
	uint8_t *p = header(out, 36, s->sgw_teid, seq);
	p = ie_u8(p, IE_EBI, 0, s->ebi); /* Linked EPS Bearer ID */
	uint8_t ind[3] = {0x08, 0, 0};	 /* OI: operation indication, forward to PGW */
	p = ie_bytes(p, IE_INDICATION, 0, ind, 3);
	return finish(out, p);
}

size_t gtp_delete_session_resp(uint8_t *out, const struct gtp_session *s, uint32_t seq)
{
	uint8_t *p = header(out, 37, s->mme_teid, seq);
	p = ie_cause(p, 0, 16);
	return finish(out, p);
}
