/* ws.c: WebSocket framing (RFC 6455 section 5.2) as SIP over WebSocket (RFC 7118)
 * uses it: one SIP message per text or binary frame. Frame headers are read
 * through the cursor; payloads larger than MAX_FRAME are refused. */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "denwatch/cursor.h"
#include "ws.h"

enum { MAX_HANDSHAKE = 16384, MAX_FRAME = 1024 * 1024 };

static bool has_word(const uint8_t *p, size_t len, const char *w)
{
	size_t n = strlen(w);
	for (size_t i = 0; i + n <= len; i++) {
		size_t j = 0;
		while (j < n && tolower(p[i + j]) == w[j])
			j++;
		if (j == n)
			return true;
	}
	return false;
}

long dw_ws_handshake(const uint8_t *p, size_t len)
{
	static const char get[] = "GET ", resp[] = "HTTP/1.1 101";
	size_t g = len < 4 ? len : 4, r = len < 12 ? len : 12;
	if (len == 0 || (memcmp(p, get, g) != 0 && memcmp(p, resp, r) != 0))
		return -1;
	const uint8_t *end = memmem(p, len, "\r\n\r\n", 4);
	if (!end)
		return len > MAX_HANDSHAKE ? -1 : 0;
	size_t n = (size_t)(end - p) + 4;
	return has_word(p, n, "websocket") ? (long)n : -1;
}

/* Header fields of the frame at c; false when incomplete (c->err) or bad. */
static bool frame_header(struct cursor *c, uint8_t *opcode, bool *masked, uint64_t *plen)
{
	uint8_t b0 = 0, b1 = 0;
	cur_u8(c, &b0);
	cur_u8(c, &b1);
	*opcode = b0 & 0x0f;
	*masked = (b1 & 0x80) != 0;
	*plen = b1 & 0x7f;
	if (*plen == 126) {
		uint16_t v = 0;
		cur_be16(c, &v);
		*plen = v;
	} else if (*plen == 127) {
		uint32_t hi = 0, lo = 0;
		cur_be32(c, &hi);
		cur_be32(c, &lo);
		*plen = (uint64_t)hi << 32 | lo;
	}
	if (*masked)
		cur_skip(c, 4);
	return !c->err;
}

static bool opcode_ok(uint8_t op)
{
	return op <= 2 || (op >= 8 && op <= 10);
}

long dw_ws_frame(const uint8_t *p, size_t len)
{
	struct cursor c;
	cur_init(&c, p, len);
	uint8_t op;
	bool masked;
	uint64_t plen;
	if (!frame_header(&c, &op, &masked, &plen))
		return len >= 2 && !opcode_ok(p[0] & 0x0f) ? -1 : 0;
	if (!opcode_ok(op) || plen > MAX_FRAME)
		return -1;
	size_t head = len - cur_left(&c);
	return cur_left(&c) < plen ? 0 : (long)(head + plen);
}

long dw_ws_payload(const uint8_t *p, size_t len, uint8_t *out, uint8_t *opcode)
{
	struct cursor c;
	cur_init(&c, p, len);
	uint8_t op;
	bool masked;
	uint64_t plen;
	if (!frame_header(&c, &op, &masked, &plen) || plen > MAX_FRAME)
		return -1;
	size_t head = len - cur_left(&c);
	uint8_t key[4] = { 0 };
	if (masked) { /* the key is the 4 bytes before the payload */
		struct cursor k;
		cur_init(&k, p, len);
		cur_skip(&k, head - 4);
		if (!cur_copy(&k, key, 4))
			return -1;
	}
	if (!cur_copy(&c, out, plen))
		return -1;
	if (masked)
		for (uint64_t i = 0; i < plen; i++)
			out[i] ^= key[i & 3];
	*opcode = op;
	return (long)plen;
}
