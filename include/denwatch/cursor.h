/* cursor.h: the one bounds-checked reader for untrusted bytes.
 * Every dissector reads packet bytes only through these functions. A failed read
 * sets a sticky error flag and returns false, so a parser can do a run of reads
 * and check once (tcpdump's GET_* / ND_TCHECK idea, without longjmp). */
#ifndef DENWATCH_CURSOR_H
#define DENWATCH_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct cursor {
	const uint8_t *p;
	const uint8_t *end;
	bool err; /* sticky: set by the first short read, never cleared */
};

/* A view of bytes that belong to someone else (packet or reassembly buffer). */
struct slice {
	const uint8_t *p;
	size_t len;
};

static inline void cur_init(struct cursor *c, const void *buf, size_t len)
{
	c->p = (const uint8_t *)buf;
	c->end = c->p + len;
	c->err = false;
}

static inline size_t cur_left(const struct cursor *c)
{
	return c->err ? 0 : (size_t)(c->end - c->p);
}

static inline bool cur_fail(struct cursor *c)
{
	c->err = true;
	return false;
}

static inline bool cur_need(struct cursor *c, size_t n)
{
	if (c->err || (size_t)(c->end - c->p) < n)
		return cur_fail(c);
	return true;
}

static inline bool cur_skip(struct cursor *c, size_t n)
{
	if (!cur_need(c, n))
		return false;
	c->p += n;
	return true;
}

static inline bool cur_u8(struct cursor *c, uint8_t *v)
{
	if (!cur_need(c, 1))
		return false;
	*v = c->p[0];
	c->p += 1;
	return true;
}

static inline bool cur_be16(struct cursor *c, uint16_t *v)
{
	if (!cur_need(c, 2))
		return false;
	*v = (uint16_t)((c->p[0] << 8) | c->p[1]);
	c->p += 2;
	return true;
}

static inline bool cur_be24(struct cursor *c, uint32_t *v)
{
	if (!cur_need(c, 3))
		return false;
	*v = ((uint32_t)c->p[0] << 16) | ((uint32_t)c->p[1] << 8) | c->p[2];
	c->p += 3;
	return true;
}

static inline bool cur_be32(struct cursor *c, uint32_t *v)
{
	if (!cur_need(c, 4))
		return false;
	*v = ((uint32_t)c->p[0] << 24) | ((uint32_t)c->p[1] << 16) |
	     ((uint32_t)c->p[2] << 8) | c->p[3];
	c->p += 4;
	return true;
}

static inline bool cur_le16(struct cursor *c, uint16_t *v)
{
	if (!cur_need(c, 2))
		return false;
	*v = (uint16_t)(c->p[0] | (c->p[1] << 8));
	c->p += 2;
	return true;
}

static inline bool cur_le32(struct cursor *c, uint32_t *v)
{
	if (!cur_need(c, 4))
		return false;
	*v = (uint32_t)c->p[0] | ((uint32_t)c->p[1] << 8) |
	     ((uint32_t)c->p[2] << 16) | ((uint32_t)c->p[3] << 24);
	c->p += 4;
	return true;
}

/* Take n bytes as a slice without copying. */
static inline bool cur_take(struct cursor *c, size_t n, struct slice *out)
{
	if (!cur_need(c, n))
		return false;
	out->p = c->p;
	out->len = n;
	c->p += n;
	return true;
}

/* Split off the next n bytes as a cursor of their own (a TLV value, say). */
static inline bool cur_sub(struct cursor *c, size_t n, struct cursor *sub)
{
	struct slice s;
	if (!cur_take(c, n, &s))
		return false;
	cur_init(sub, s.p, s.len);
	return true;
}

/* Copy n bytes out. */
static inline bool cur_copy(struct cursor *c, void *dst, size_t n)
{
	if (!cur_need(c, n))
		return false;
	memcpy(dst, c->p, n);
	c->p += n;
	return true;
}

/* Next text line, without its CR LF or LF. False when no line end is left: a line
 * without its terminator is incomplete input, not a line. Does not set err, so a
 * text parser can tell "no more lines" from a short read elsewhere. */
static inline bool cur_line(struct cursor *c, struct slice *line)
{
	if (c->err)
		return false;
	const uint8_t *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
	if (!nl)
		return false;
	line->p = c->p;
	line->len = (size_t)(nl - c->p);
	if (line->len > 0 && line->p[line->len - 1] == '\r')
		line->len--;
	c->p = nl + 1;
	return true;
}

#endif
