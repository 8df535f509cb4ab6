/* sms.c: RP (TS 24.011 7.3, 8.2) and TPDU (TS 23.040 9.2) decoding for SMS over
 * IP (TS 24.341). Every byte through the cursor; every length field checked
 * against what is left before it is used. */
#include "sms.h"

#include <string.h>

#include "denwatch/cursor.h"

#define RP_ADDR_MAX 11 /* TS 24.011 8.2.5.1/8.2.5.2: up to 11 octets of contents */
#define RP_UD_MAX 233
#define TP_ADDR_MAX_SEMI 20 /* TS 23.040 9.1.2.5: up to 10 octets of digits */
#define RP_IEI_USER_DATA 0x41

/* GSM 7-bit default alphabet (TS 23.038 6.2.1) to ASCII where the two agree; the
 * rest becomes '?'. Enough for alphanumeric originators such as "BANK". */
static char gsm7_ascii(uint8_t c)
{
	if (c == 0x00)
		return '@';
	if (c == 0x02)
		return '$';
	if (c == 0x11)
		return '_';
	if ((c >= 0x20 && c <= 0x23) || (c >= 0x25 && c <= 0x3f) || (c >= 0x41 && c <= 0x5a) ||
	    (c >= 0x61 && c <= 0x7a))
		return (char)c;
	return '?';
}

static const char semi_octet_chars[16] = "0123456789*#abc?";

/* Semi-octet digits, low nibble first, 0xF filler allowed only as the last nibble. */
static bool decode_digits(const uint8_t *p, size_t nsemi, char *out, size_t outlen)
{
	if (nsemi + 1 > outlen)
		return false;
	for (size_t i = 0; i < nsemi; i++) {
		uint8_t nib = (i & 1) ? p[i / 2] >> 4 : p[i / 2] & 0x0f;
		if (nib == 0x0f)
			return false;
		out[i] = semi_octet_chars[nib];
	}
	out[nsemi] = '\0';
	return true;
}

static bool decode_alnum(const uint8_t *p, size_t noct, size_t nchars, char *out, size_t outlen)
{
	if (nchars + 1 > outlen)
		nchars = outlen - 1;
	for (size_t i = 0; i < nchars; i++) {
		size_t bit = i * 7, byte = bit / 8, shift = bit % 8;
		if (byte >= noct)
			return false;
		unsigned v = p[byte] >> shift;
		if (shift > 1 && byte + 1 < noct)
			v |= (unsigned)p[byte + 1] << (8 - shift);
		out[i] = gsm7_ascii((uint8_t)(v & 0x7f));
	}
	out[nchars] = '\0';
	return true;
}

/* RP-Originator/Destination Address: length octet, then TON/NPI and BCD digits. */
static bool rp_address(struct cursor *c, struct sms_addr *a, bool must_be_empty)
{
	uint8_t len;
	if (!cur_u8(c, &len))
		return false;
	memset(a, 0, sizeof *a);
	if (len == 0)
		return true;
	if (must_be_empty || len > RP_ADDR_MAX)
		return false;
	struct cursor v;
	uint8_t tonnpi;
	if (!cur_sub(c, len, &v) || !cur_u8(&v, &tonnpi))
		return false;
	a->present = true;
	a->ton = (tonnpi >> 4) & 7;
	a->npi = tonnpi & 0x0f;
	size_t noct = cur_left(&v);
	size_t nsemi = noct * 2;
	if (noct && (v.p[noct - 1] >> 4) == 0x0f)
		nsemi--;
	return decode_digits(v.p, nsemi, a->text, sizeof a->text);
}

/* TP address (TS 23.040 9.1.2.5): length in semi-octets, TON/NPI, value. */
static bool tp_address(struct cursor *c, struct sms_addr *a)
{
	uint8_t nsemi, tonnpi;
	if (!cur_u8(c, &nsemi) || !cur_u8(c, &tonnpi))
		return false;
	if (nsemi > TP_ADDR_MAX_SEMI)
		return false;
	memset(a, 0, sizeof *a);
	a->present = true;
	a->ton = (tonnpi >> 4) & 7;
	a->npi = tonnpi & 0x0f;
	size_t noct = (nsemi + 1u) / 2;
	struct slice s;
	if (!cur_take(c, noct, &s))
		return false;
	if (a->ton == SMS_TON_ALPHANUMERIC)
		return decode_alnum(s.p, noct, nsemi * 4u / 7u, a->text, sizeof a->text);
	return decode_digits(s.p, nsemi, a->text, sizeof a->text);
}

/* Octets of user data for TP-UDL under a data coding scheme (TS 23.038 4). */
static size_t ud_octets(uint8_t dcs, uint8_t udl)
{
	bool septets;
	switch (dcs >> 4) {
	case 0x0: case 0x1: case 0x2: case 0x3: /* general data coding */
	case 0x4: case 0x5: case 0x6: case 0x7: /* automatic deletion group */
		septets = ((dcs >> 2) & 3) == 0;
		break;
	case 0xc: case 0xd: /* message waiting, GSM 7-bit */
		septets = true;
		break;
	case 0xf:
		septets = (dcs & 0x04) == 0;
		break;
	default:
		septets = false;
		break;
	}
	return septets ? ((size_t)udl * 7 + 7) / 8 : udl;
}

static bool tp_user_data(struct cursor *c, struct sms_rp *out)
{
	if (!cur_u8(c, &out->tp_udl))
		return false;
	return cur_skip(c, ud_octets(out->tp_dcs, out->tp_udl));
}

static enum sms_status tp_submit(struct cursor *c, uint8_t first, struct sms_rp *out)
{
	out->tp = SMS_TP_SUBMIT;
	if (!cur_u8(c, &out->tp_mr) || !tp_address(c, &out->tp_addr) || !cur_u8(c, &out->tp_pid) ||
	    !cur_u8(c, &out->tp_dcs))
		return SMS_MALFORMED;
	static const uint8_t vp_len[4] = { 0, 7, 1, 7 }; /* TP-VPF: none, enhanced, relative, absolute */
	if (!cur_skip(c, vp_len[(first >> 3) & 3]) || !tp_user_data(c, out))
		return SMS_MALFORMED;
	return SMS_OK;
}

static enum sms_status tp_deliver(struct cursor *c, struct sms_rp *out)
{
	out->tp = SMS_TP_DELIVER;
	if (!tp_address(c, &out->tp_addr) || !cur_u8(c, &out->tp_pid) || !cur_u8(c, &out->tp_dcs) ||
	    !cur_skip(c, 7) /* TP-SCTS */ || !tp_user_data(c, out))
		return SMS_MALFORMED;
	return SMS_OK;
}

enum sms_status sms_tpdu_decode(const uint8_t *p, size_t len, bool mo, struct sms_rp *out)
{
	struct cursor c;
	cur_init(&c, p, len);
	uint8_t first;
	if (!cur_u8(&c, &first))
		return SMS_MALFORMED;
	uint8_t mti = first & 3;
	if (mti == 3)
		return SMS_MALFORMED; /* reserved */
	if (mo) {
		if (mti == 1)
			return tp_submit(&c, first, out);
		out->tp = mti == 0 ? SMS_TP_DELIVER_REPORT : SMS_TP_COMMAND;
	} else {
		if (mti == 0)
			return tp_deliver(&c, out);
		out->tp = mti == 1 ? SMS_TP_SUBMIT_REPORT : SMS_TP_STATUS_REPORT;
	}
	return SMS_UNSUPPORTED;
}

/* RP-User-Data of RP-DATA: length octet then the TPDU. */
static enum sms_status rp_data(struct cursor *c, bool mo, struct sms_rp *out)
{
	if (!rp_address(c, &out->rp_oa, mo) || !rp_address(c, &out->rp_da, !mo))
		return SMS_MALFORMED;
	if (mo ? !out->rp_da.present : !out->rp_oa.present)
		return SMS_MALFORMED; /* the service centre address is mandatory */
	uint8_t udlen;
	struct cursor ud;
	if (!cur_u8(c, &udlen) || udlen == 0 || udlen > RP_UD_MAX || !cur_sub(c, udlen, &ud))
		return SMS_MALFORMED;
	return sms_tpdu_decode(ud.p, cur_left(&ud), mo, out);
}

/* Optional RP-User-Data IE (IEI 0x41) of RP-ACK / RP-ERROR: checked, not used. */
static bool rp_optional_ud(struct cursor *c)
{
	if (cur_left(c) == 0)
		return true;
	uint8_t iei, len;
	if (!cur_u8(c, &iei) || iei != RP_IEI_USER_DATA || !cur_u8(c, &len))
		return false;
	return cur_skip(c, len);
}

enum sms_status sms_rp_decode(const uint8_t *p, size_t len, struct sms_rp *out)
{
	memset(out, 0, sizeof *out);
	struct cursor c;
	cur_init(&c, p, len);
	uint8_t mti, cause_len;
	if (!cur_u8(&c, &mti) || !cur_u8(&c, &out->mr))
		return SMS_MALFORMED;
	if (mti > SMS_RP_SMMA_MS_N)
		return SMS_MALFORMED;
	out->mti = (enum sms_rp_mti)mti;
	switch (out->mti) {
	case SMS_RP_DATA_MS_N:
		return rp_data(&c, true, out);
	case SMS_RP_DATA_N_MS:
		return rp_data(&c, false, out);
	case SMS_RP_ACK_MS_N:
	case SMS_RP_ACK_N_MS:
		return rp_optional_ud(&c) ? SMS_OK : SMS_MALFORMED;
	case SMS_RP_ERROR_MS_N:
	case SMS_RP_ERROR_N_MS:
		/* RP-Cause: length (1..2), cause value, optional diagnostic. */
		if (!cur_u8(&c, &cause_len) || cause_len < 1 || cause_len > 2 ||
		    !cur_u8(&c, &out->cause) || !cur_skip(&c, cause_len - 1u))
			return SMS_MALFORMED;
		out->cause &= 0x7f;
		return rp_optional_ud(&c) ? SMS_OK : SMS_MALFORMED;
	case SMS_RP_SMMA_MS_N:
		return SMS_OK;
	}
	return SMS_MALFORMED;
}
