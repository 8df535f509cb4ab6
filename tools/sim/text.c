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

char *put_u64(char *p, uint64_t v)
{
	char tmp[20];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
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

char *put_ipv4(char *p, uint32_t ip)
{
	p = put_u64(p, ip >> 24);
	*p++ = '.';
	p = put_u64(p, (ip >> 16) & 255);
	*p++ = '.';
	p = put_u64(p, (ip >> 8) & 255);
	*p++ = '.';
	return put_u64(p, ip & 255);
}
