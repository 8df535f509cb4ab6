/* gtpu.c: GTP-U (3GPP TS 29.281 section 5) decapsulation. The length field counts
 * the bytes after the 8-byte mandatory header, including the optional fields and
 * extension headers; the payload is bounded by it (trailing bytes ignored). */
#include "denwatch/cursor.h"
#include "gtpu.h"

enum { GTPU_GPDU_TYPE = 255, FLAG_E = 0x04, FLAG_S = 0x02, FLAG_PN = 0x01 };

enum dw_gtpu_result dw_gtpu_decode(const uint8_t *p, size_t len, uint32_t *teid,
				   const uint8_t **inner, size_t *inner_len)
{
	struct cursor c, body;
	cur_init(&c, p, len);
	uint8_t flags, type;
	uint16_t length;
	cur_u8(&c, &flags);
	cur_u8(&c, &type);
	cur_be16(&c, &length);
	cur_be32(&c, teid);
	if (c.err || (flags >> 5) != 1 || !(flags & 0x10))
		return DW_GTPU_MALFORMED;
	if (!cur_sub(&c, length, &body))
		return DW_GTPU_MALFORMED;
	if (flags & (FLAG_E | FLAG_S | FLAG_PN)) {
		uint8_t next = 0;
		cur_skip(&body, 3); /* sequence number, N-PDU number */
		cur_u8(&body, &next);
		if (!(flags & FLAG_E))
			next = 0;
		for (int n = 0; next != 0 && !body.err; n++) {
			uint8_t units = 0;
			if (n >= 16 || !cur_u8(&body, &units) || units == 0)
				return DW_GTPU_MALFORMED;
			cur_skip(&body, (size_t)units * 4 - 2);
			cur_u8(&body, &next);
		}
		if (body.err)
			return DW_GTPU_MALFORMED;
	}
	if (type != GTPU_GPDU_TYPE)
		return DW_GTPU_OTHER;
	struct slice s;
	if (!cur_take(&body, cur_left(&body), &s))
		return DW_GTPU_MALFORMED;
	*inner = s.p;
	*inner_len = s.len;
	return DW_GTPU_GPDU;
}
