/* pcapng.c: pcapng blocks read one at a time into a bounded buffer and decoded
 * through the cursor. Byte order comes from each section header; each interface
 * keeps its link type and timestamp resolution. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "denwatch/cursor.h"
#include "pcapng.h"

enum {
	BT_SHB = 0x0a0d0d0a,
	BT_IDB = 1,
	BT_OPB = 2,
	BT_SPB = 3,
	BT_EPB = 6,
	MAX_BLOCK = 16 * 1024 * 1024,
	MAX_IFACES = 256,
	OPT_TSRESOL = 9,
};

struct iface {
	int linktype;
	uint32_t snaplen;
	uint64_t units_per_s; /* timestamp units per second */
};

struct reader {
	bool swap; /* section written in the other byte order */
	struct iface ifs[MAX_IFACES];
	int nifs;
};

static bool rd32(struct reader *r, struct cursor *c, uint32_t *v)
{
	return r->swap ? cur_be32(c, v) : cur_le32(c, v);
}

static bool rd16(struct reader *r, struct cursor *c, uint16_t *v)
{
	return r->swap ? cur_be16(c, v) : cur_le16(c, v);
}

static bool host_le(void)
{
	const uint16_t one = 1;
	return *(const uint8_t *)&one == 1;
}

/* Interface description: link type, snap length, timestamp resolution. */
static bool parse_idb(struct reader *r, struct cursor *c)
{
	uint16_t lt = 0, res16 = 0;
	uint32_t snap = 0;
	rd16(r, c, &lt);
	rd16(r, c, &res16);
	rd32(r, c, &snap);
	if (c->err || r->nifs >= MAX_IFACES)
		return false;
	struct iface *f = &r->ifs[r->nifs++];
	f->linktype = lt;
	f->snaplen = snap;
	f->units_per_s = 1000000;
	while (cur_left(c) >= 4) {
		uint16_t code = 0, len = 0;
		rd16(r, c, &code);
		rd16(r, c, &len);
		if (code == 0)
			break;
		struct cursor v;
		if (!cur_sub(c, len, &v))
			return false;
		cur_skip(c, (4u - (len & 3u)) & 3u);
		uint8_t res;
		if (code == OPT_TSRESOL && cur_u8(&v, &res)) {
			uint64_t u = 1;
			int e = res & 0x7f;
			if (e > 19 && !(res & 0x80))
				return false;
			if (e > 63)
				return false;
			for (int i = 0; i < e; i++)
				u *= (res & 0x80) ? 2 : 10;
			f->units_per_s = u;
		}
	}
	return true;
}

static int64_t to_us(const struct iface *f, uint64_t t)
{
	if (f->units_per_s == 1000000)
		return (int64_t)t;
	if (f->units_per_s > 1000000)
		return (int64_t)(t / (f->units_per_s / 1000000));
	return (int64_t)(t * (1000000 / f->units_per_s));
}

/* A packet block's fields, or false when it is malformed. */
static bool parse_packet(struct reader *r, uint32_t type, struct cursor *c, int *iface,
			 int64_t *ts, struct slice *data)
{
	uint32_t ifid = 0, hi = 0, lo = 0, caplen = 0, orig = 0;
	if (type == BT_SPB) {
		rd32(r, c, &orig);
		if (r->nifs == 0)
			return false;
		caplen = orig;
		if (caplen > r->ifs[0].snaplen && r->ifs[0].snaplen)
			caplen = r->ifs[0].snaplen;
		if (caplen > cur_left(c))
			caplen = (uint32_t)cur_left(c);
		*iface = 0;
		*ts = 0;
		return cur_take(c, caplen, data);
	}
	if (type == BT_OPB) {
		uint16_t id16 = 0, drops = 0;
		rd16(r, c, &id16);
		rd16(r, c, &drops);
		ifid = id16;
	} else {
		rd32(r, c, &ifid);
	}
	rd32(r, c, &hi);
	rd32(r, c, &lo);
	rd32(r, c, &caplen);
	rd32(r, c, &orig);
	if (c->err || ifid >= (uint32_t)r->nifs)
		return false;
	*iface = (int)ifid;
	*ts = to_us(&r->ifs[ifid], (uint64_t)hi << 32 | lo);
	return cur_take(c, caplen, data);
}

int dw_pcapng_read(FILE *fp, uint64_t skip, dw_frame_fn fn, void *arg,
		   volatile sig_atomic_t *stop, uint64_t *frame_no, struct dw_pcapng_result *res)
{
	struct reader *r = calloc(1, sizeof *r);
	size_t cap = 65536;
	uint8_t *buf = malloc(cap);
	int rc = 0;
	long long off = 0;
	memset(res, 0, sizeof *res);
	res->bad_offset = -1;
	if (!r || !buf) {
		free(r);
		free(buf);
		snprintf(res->why, sizeof res->why, "out of memory");
		res->bad_offset = 0;
		return 1;
	}
	rewind(fp);
	for (;;) {
		if (*stop)
			break;
		uint8_t head[12];
		size_t got = fread(head, 1, 12, fp);
		if (got == 0)
			break;
		struct cursor c;
		cur_init(&c, head, got);
		uint32_t type = 0, len = 0, bom = 0;
		cur_le32(&c, &type);
		if (type == BT_SHB) {
			cur_skip(&c, 4);
			cur_le32(&c, &bom);
			r->swap = bom == 0x1a2b3c4d ? !host_le() : host_le();
			if (bom != 0x1a2b3c4d && bom != 0x4d3c2b1a) {
				snprintf(res->why, sizeof res->why, "bad byte-order magic");
				goto bad;
			}
			r->nifs = 0;
			cur_init(&c, head + 4, got - 4);
		} else {
			cur_init(&c, head, got);
			rd32(r, &c, &type);
		}
		rd32(r, &c, &len);
		if (c.err || got < 12) {
			snprintf(res->why, sizeof res->why, "truncated block header");
			goto bad;
		}
		if (len < 12 || len % 4 != 0 || len > MAX_BLOCK) {
			snprintf(res->why, sizeof res->why, "bad block length %u", len);
			goto bad;
		}
		if (len > cap) {
			uint8_t *b = realloc(buf, len);
			if (!b) {
				snprintf(res->why, sizeof res->why, "out of memory for a %u-byte block", len);
				goto bad;
			}
			buf = b;
			cap = len;
		}
		memcpy(buf, head, 12);
		if (fread(buf + 12, 1, len - 12, fp) != len - 12) {
			snprintf(res->why, sizeof res->why, "block of %u bytes cut short", len);
			goto bad;
		}
		struct cursor body;
		cur_init(&body, buf + 8, len - 12); /* without the trailing length */
		if (type == BT_SHB) {
			cur_skip(&body, 4); /* byte-order magic, checked above */
		} else if (type == BT_IDB) {
			if (!parse_idb(r, &body)) {
				snprintf(res->why, sizeof res->why, "bad interface description");
				goto bad;
			}
		} else if (type == BT_EPB || type == BT_SPB || type == BT_OPB) {
			int ifc = 0;
			int64_t ts = 0;
			struct slice data;
			if (!parse_packet(r, type, &body, &ifc, &ts, &data)) {
				snprintf(res->why, sizeof res->why, "bad packet block");
				goto bad;
			}
			res->frames++;
			if (res->frames > skip) {
				++*frame_no;
				if (fn(arg, ts, *frame_no, r->ifs[ifc].linktype, data.p, data.len) != 0) {
					rc = -1;
					break;
				}
			}
		}
		off += len;
	}
	free(buf);
	free(r);
	return rc;
bad:
	res->bad_offset = off;
	free(buf);
	free(r);
	return 1;
}
