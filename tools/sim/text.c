/* text.c: fast text emitters for SIP messages: literal copies and integer
 * formatting without snprintf, since the simulator writes millions of headers. */
#include "sim.h"

#include <string.h>

char *put_str(char *p, const char *s)
{
	size_t n = strlen(s);
	memcpy(p, s, n);
	return p + n;
}

static const char digit_pairs[201] = "00010203040506070809101112131415161718192021222324"
				     "25262728293031323334353637383940414243444546474849"
				     "50515253545556575859606162636465666768697071727374"
				     "75767778798081828384858687888990919293949596979899";

char *put_u64(char *p, uint64_t v)
{
	char tmp[20];
	int n = 20;
	while (v >= 100) {
		unsigned r = (unsigned)(v % 100);
		v /= 100;
		n -= 2;
		memcpy(tmp + n, digit_pairs + 2 * r, 2);
	}
	if (v >= 10) {
		n -= 2;
		memcpy(tmp + n, digit_pairs + 2 * v, 2);
	} else {
		tmp[--n] = (char)('0' + v);
	}
	memcpy(p, tmp + n, (size_t)(20 - n));
	return p + (20 - n);
}

char *put_dec_w(char *p, uint64_t v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

char *put_hex(char *p, uint64_t v, int width)
{
	static const char hx[] = "0123456789abcdef";
	for (int i = width - 1; i >= 0; i--) {
		p[i] = hx[v & 15];
		v >>= 4;
	}
	return p + width;
}

static char *put_octet(char *p, unsigned v)
{
	if (v >= 100) {
		*p++ = (char)('0' + v / 100);
		memcpy(p, digit_pairs + 2 * (v % 100), 2);
		return p + 2;
	}
	if (v >= 10) {
		memcpy(p, digit_pairs + 2 * v, 2);
		return p + 2;
	}
	*p = (char)('0' + v);
	return p + 1;
}

char *put_ipv4(char *p, uint32_t ip)
{
	p = put_octet(p, ip >> 24);
	*p++ = '.';
	p = put_octet(p, (ip >> 16) & 255);
	*p++ = '.';
	p = put_octet(p, (ip >> 8) & 255);
	*p++ = '.';
	return put_octet(p, ip & 255);
}
