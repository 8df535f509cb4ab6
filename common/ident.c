/* ident.c: canonical identifier forms (see ident.h). TS 23.003 for IMSI, MSISDN,
 * IMEI; TS 24.008 10.5.1.3 for the PLMN encoding; TS 29.274 8.3/8.10/8.11 for TBCD. */
#include "denwatch/ident.h"

#include <stdio.h>
#include <string.h>

int dw_tbcd_decode(const uint8_t *in, size_t inlen, char *out, size_t outlen)
{
	size_t n = 0;
	for (size_t i = 0; i < inlen; i++) {
		uint8_t nib[2] = { (uint8_t)(in[i] & 0x0f), (uint8_t)(in[i] >> 4) };
		for (int k = 0; k < 2; k++) {
			if (nib[k] == 0x0f)
				goto done;
			if (nib[k] > 9 || n + 1 >= outlen)
				return -1;
			out[n++] = (char)('0' + nib[k]);
		}
	}
done:
	if (outlen == 0)
		return -1;
	out[n] = '\0';
	return (int)n;
}

int dw_tbcd_encode(const char *digits, uint8_t *out, size_t outlen)
{
	size_t len = strlen(digits);
	size_t nbytes = (len + 1) / 2;
	if (nbytes > outlen)
		return -1;
	for (size_t i = 0; i < nbytes; i++) {
		uint8_t lo = (uint8_t)(digits[2 * i] - '0');
		uint8_t hi = 2 * i + 1 < len ? (uint8_t)(digits[2 * i + 1] - '0') : 0x0f;
		if (lo > 9 || (hi > 9 && hi != 0x0f))
			return -1;
		out[i] = (uint8_t)(lo | (hi << 4));
	}
	return (int)nbytes;
}

bool dw_all_digits(const char *s, size_t minlen, size_t maxlen)
{
	size_t n = strlen(s);
	if (n < minlen || n > maxlen)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool dw_imei_normalize(const char *in, size_t inlen, char out[DW_IMEI_LEN + 1])
{
	char d[17];
	size_t n = 0;
	for (size_t i = 0; i < inlen; i++) {
		if (in[i] == '-')
			continue;
		if (in[i] < '0' || in[i] > '9' || n >= 16)
			return false;
		d[n++] = in[i];
	}
	if (n != 14 && n != 15 && n != 16)
		return false;
	memcpy(out, d, DW_IMEI_LEN);
	out[DW_IMEI_LEN] = '\0';
	return true;
}

char dw_imei_check_digit(const char imei14[DW_IMEI_LEN])
{
	int sum = 0;
	for (int i = 0; i < DW_IMEI_LEN; i++) {
		int v = imei14[i] - '0';
		if (i % 2 == 1) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	return (char)('0' + (10 - sum % 10) % 10);
}

bool dw_number_normalize(const char *in, size_t inlen, char *out, size_t outlen)
{
	size_t n = 0;
	size_t i = 0;
	if (i < inlen && in[i] == '+')
		i++;
	for (; i < inlen; i++) {
		char ch = in[i];
		if (ch == ';' || ch == '@')
			break;
		if (ch == '-' || ch == '.' || ch == '(' || ch == ')')
			continue;
		if (ch < '0' || ch > '9')
			return false;
		if (n + 1 >= outlen || n >= DW_NUMBER_MAX)
			return false;
		out[n++] = ch;
	}
	if (n == 0 || outlen == 0)
		return false;
	out[n] = '\0';
	return true;
}

/* Decimal digits of v ending at end (at least min digits); returns the start. */
static char *put_dec(char *end, uint64_t v, int min)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
		min--;
	} while (v || min > 0);
	return end;
}

/* snprintf(out, outlen, "%03u-%s-%u-%llu", ...) without the format machinery
 * (it runs for every located message); the same bytes and return value. */
int dw_cell_format(char *out, size_t outlen, uint16_t mcc, const char *mnc,
		   uint32_t lac_or_tac, uint64_t cell_id)
{
	char buf[128], num[24];
	size_t n = 0;
	char *d = put_dec(num + sizeof num, mcc, 3);
	size_t k = (size_t)(num + sizeof num - d);
	memcpy(buf + n, d, k);
	n += k;
	buf[n++] = '-';
	size_t ml = strnlen(mnc, 64);
	if (mnc[ml] != '\0')
		return snprintf(out, outlen, "%03u-%s-%u-%llu", mcc, mnc, lac_or_tac,
				(unsigned long long)cell_id);
	memcpy(buf + n, mnc, ml);
	n += ml;
	buf[n++] = '-';
	d = put_dec(num + sizeof num, lac_or_tac, 1);
	k = (size_t)(num + sizeof num - d);
	memcpy(buf + n, d, k);
	n += k;
	buf[n++] = '-';
	d = put_dec(num + sizeof num, cell_id, 1);
	k = (size_t)(num + sizeof num - d);
	memcpy(buf + n, d, k);
	n += k;
	if (outlen) {
		size_t c = n < outlen - 1 ? n : outlen - 1;
		memcpy(out, buf, c);
		out[c] = '\0';
	}
	return (int)n;
}

bool dw_plmn_decode(const uint8_t in[3], uint16_t *mcc, char mnc[4])
{
	uint8_t m1 = in[0] & 0x0f, m2 = in[0] >> 4, m3 = in[1] & 0x0f;
	uint8_t n3 = in[1] >> 4, n1 = in[2] & 0x0f, n2 = in[2] >> 4;
	if (m1 > 9 || m2 > 9 || m3 > 9 || n1 > 9 || n2 > 9 || (n3 > 9 && n3 != 0x0f))
		return false;
	*mcc = (uint16_t)(m1 * 100 + m2 * 10 + m3);
	mnc[0] = (char)('0' + n1);
	mnc[1] = (char)('0' + n2);
	if (n3 == 0x0f) {
		mnc[2] = '\0';
	} else {
		mnc[2] = (char)('0' + n3);
		mnc[3] = '\0';
	}
	return true;
}

void dw_plmn_encode(uint16_t mcc, const char *mnc, uint8_t out[3])
{
	uint8_t m1 = (uint8_t)(mcc / 100), m2 = (uint8_t)(mcc / 10 % 10), m3 = (uint8_t)(mcc % 10);
	uint8_t n1 = (uint8_t)(mnc[0] - '0'), n2 = (uint8_t)(mnc[1] - '0');
	uint8_t n3 = strlen(mnc) == 3 ? (uint8_t)(mnc[2] - '0') : 0x0f;
	out[0] = (uint8_t)(m1 | (m2 << 4));
	out[1] = (uint8_t)(m3 | (n3 << 4));
	out[2] = (uint8_t)(n1 | (n2 << 4));
}
