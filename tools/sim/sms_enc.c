/* sms_enc.c: SMS over IP bodies (application/vnd.3gpp.sms, TS 24.341): the relay
 * layer RP-DATA of TS 24.011 7.3.1 carrying an SMS-SUBMIT or SMS-DELIVER TPDU of
 * TS 23.040 9.2.2, with GSM 7-bit default alphabet text (TS 23.038 6.1.2.1). */
#include "sim.h"

#include <string.h>
#include <time.h>

/* Semi-octet (BCD, low nibble first) digits of an E.164 number; returns octets. */
static size_t bcd_number(uint8_t *out, uint64_t number, size_t *ndigits)
{
	char d[20];
	int n = 0;
	do {
		d[n++] = (char)(number % 10);
		number /= 10;
	} while (number);
	/* d holds digits least significant first; write most significant first. */
	size_t o = 0;
	for (int i = n - 1; i >= 0; i -= 2) {
		uint8_t lo = (uint8_t)d[i];
		uint8_t hi = i - 1 >= 0 ? (uint8_t)d[i - 1] : 0x0f;
		out[o++] = (uint8_t)(lo | (hi << 4));
	}
	*ndigits = (size_t)n;
	return o;
}

size_t sms_tp_address(uint8_t *out, uint64_t number)
{
	size_t nd;
	size_t n = bcd_number(out + 2, number, &nd);
	out[0] = (uint8_t)nd; /* TP address length counts useful semi-octets */
	out[1] = 0x91;	      /* ext, international number, ISDN/E.164 plan */
	return 2 + n;
}

/* RP address (TS 24.011 8.2.5.1/8.2.5.2): length in octets, then TON/NPI. */
static size_t rp_address(uint8_t *out, uint64_t number)
{
	size_t nd;
	size_t n = bcd_number(out + 2, number, &nd);
	out[0] = (uint8_t)(1 + n);
	out[1] = 0x91;
	return 2 + n;
}

static uint8_t gsm7_code(char c)
{
	/* Letters, digits, space and these punctuation marks have the same code in
	 * the GSM 7-bit default alphabet as in ASCII; anything else becomes '?'. */
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return (uint8_t)c;
	if (strchr(" !\"#%&'()*+,-./:;<=>?", c) && c)
		return (uint8_t)c;
	return '?';
}

size_t gsm7_pack(uint8_t *out, const char *text, size_t *nsept)
{
	size_t n = strlen(text), o = 0;
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		acc |= (uint32_t)gsm7_code(text[i]) << bits;
		bits += 7;
		while (bits >= 8) {
			out[o++] = (uint8_t)acc;
			acc >>= 8;
			bits -= 8;
		}
	}
	if (bits > 0)
		out[o++] = (uint8_t)acc;
	*nsept = n;
	return o;
}

size_t sms_submit(uint8_t *out, uint8_t mr, uint64_t dest, const char *text)
{
	size_t o = 0, nsept;
	out[o++] = 0x11; /* TP-MTI SMS-SUBMIT, TP-VPF relative, no reply path, no UDHI */
	out[o++] = mr;	 /* TP-MR */
	o += sms_tp_address(out + o, dest);
	out[o++] = 0x00; /* TP-PID: plain SME-to-SME */
	out[o++] = 0x00; /* TP-DCS: GSM 7-bit default alphabet, no class */
	out[o++] = 0xa7; /* TP-VP: 24 hours */
	size_t udl_at = o++;
	o += gsm7_pack(out + o, text, &nsept);
	out[udl_at] = (uint8_t)nsept; /* TP-UDL counts septets */
	return o;
}

static uint8_t swapped_bcd(int v)
{
	return (uint8_t)((v % 10) << 4 | (v / 10 % 10));
}

size_t sms_deliver(uint8_t *out, uint64_t orig, int64_t scts_epoch, const char *text)
{
	size_t o = 0, nsept;
	out[o++] = 0x04; /* TP-MTI SMS-DELIVER, TP-MMS: no more messages waiting */
	o += sms_tp_address(out + o, orig);
	out[o++] = 0x00; /* TP-PID */
	out[o++] = 0x00; /* TP-DCS */
	/* TP-SCTS (9.2.3.11): semi-octets, local time at +08:00 (32 quarter hours). */
	time_t t = (time_t)(scts_epoch + 8 * 3600);
	struct tm tm;
	gmtime_r(&t, &tm);
	out[o++] = swapped_bcd(tm.tm_year % 100);
	out[o++] = swapped_bcd(tm.tm_mon + 1);
	out[o++] = swapped_bcd(tm.tm_mday);
	out[o++] = swapped_bcd(tm.tm_hour);
	out[o++] = swapped_bcd(tm.tm_min);
	out[o++] = swapped_bcd(tm.tm_sec);
	out[o++] = swapped_bcd(32);
	size_t udl_at = o++;
	o += gsm7_pack(out + o, text, &nsept);
	out[udl_at] = (uint8_t)nsept;
	return o;
}

size_t rp_data(uint8_t *out, bool mo, uint8_t mr, uint64_t smsc, const uint8_t *tpdu,
	       size_t tpdu_len)
{
	size_t o = 0;
	out[o++] = mo ? 0x00 : 0x01; /* RP-DATA ms->n / n->ms */
	out[o++] = mr;		     /* RP-Message Reference */
	if (mo) {
		out[o++] = 0; /* RP-Originator Address: empty */
		o += rp_address(out + o, smsc);
	} else {
		o += rp_address(out + o, smsc);
		out[o++] = 0; /* RP-Destination Address: empty */
	}
	out[o++] = (uint8_t)tpdu_len; /* RP-User Data length */
	memcpy(out + o, tpdu, tpdu_len);
	return o + tpdu_len;
}
