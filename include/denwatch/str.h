/* str.h: small string helpers for hot paths, where snprintf's format machinery
 * would cost more than the copy itself. */
#ifndef DENWATCH_STR_H
#define DENWATCH_STR_H

#include <stddef.h>
#include <string.h>

/* Copies the C string src into dst[dstlen] (dstlen > 0), cutting it to fit and
 * always terminating; a NULL src gives "". */
static inline void dw_str_copy(char *dst, size_t dstlen, const char *src)
{
	if (!src) {
		dst[0] = '\0';
		return;
	}
	size_t n = strnlen(src, dstlen - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

#endif
