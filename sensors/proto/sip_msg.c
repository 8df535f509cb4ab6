/* sip_msg.c: SIP message parsing (RFC 3261 sections 7, 20 and 25; TS 24.229 7.2A
 * for the P- headers). A message is read line by line through the cursor into
 * slices of the caller's buffer; header values are parsed only when asked for.
 * No copies, no fixed buffers filled without a bound, no recursion. */
#include "sip_msg.h"

#include <string.h>

/* ---- small text helpers over slices ---- */

static inline char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

static inline bool is_ws(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static inline bool is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* RFC 3261 25.1 token characters: alphanumerics and -.!%*_+`'~ */
static bool is_token(uint8_t c)
{
	static const uint32_t bits[8] = {
		0x00000000, 0x03ff6ca2, 0x87fffffe, 0x47ffffff, 0, 0, 0, 0,
	};
	return (bits[c >> 5] >> (c & 31)) & 1u;
}

static struct slice trim(struct slice s)
{
	while (s.len && is_ws(s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len && is_ws(s.p[s.len - 1]))
		s.len--;
	return s;
}

static struct slice sub(struct slice s, size_t from, size_t to)
{
	struct slice r = { s.p + from, to - from };
	return r;
}

static bool mem_ieq(const uint8_t *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lower((char)a[i]) != lower(b[i]))
			return false;
	return true;
}

bool sip_slice_ieq(struct slice a, const char *s)
{
	size_t n = strlen(s);
	return a.len == n && mem_ieq(a.p, s, n);
}

bool sip_slice_iprefix(struct slice a, const char *s)
{
	size_t n = strlen(s);
	return a.len >= n && mem_ieq(a.p, s, n);
}

static bool slice_icontains(struct slice a, const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; n && i + n <= a.len; i++)
		if (mem_ieq(a.p + i, s, n))
			return true;
	return false;
}

static size_t find_char(struct slice s, size_t from, char c)
{
	for (size_t i = from; i < s.len; i++)
		if (s.p[i] == (uint8_t)c)
			return i;
	return s.len;
}

/* ---- name tables ---- */

struct name_entry {
	const char *name;
	uint8_t len;
	char compact;
	int id;
};

#define NAME(s, c, id) { s, sizeof s - 1, c, id }
static const struct name_entry header_names[] = {
	NAME("via", 'v', SIP_H_VIA),
	NAME("from", 'f', SIP_H_FROM),
	NAME("to", 't', SIP_H_TO),
	NAME("call-id", 'i', SIP_H_CALL_ID),
	NAME("cseq", 0, SIP_H_CSEQ),
	NAME("contact", 'm', SIP_H_CONTACT),
	NAME("content-type", 'c', SIP_H_CONTENT_TYPE),
	NAME("content-length", 'l', SIP_H_CONTENT_LENGTH),
	NAME("route", 0, SIP_H_ROUTE),
	NAME("expires", 0, SIP_H_EXPIRES),
	NAME("authorization", 0, SIP_H_AUTHORIZATION),
	NAME("p-asserted-identity", 0, SIP_H_PAI),
	NAME("p-preferred-identity", 0, SIP_H_PPI),
	NAME("p-called-party-id", 0, SIP_H_PCPID),
	NAME("p-associated-uri", 0, SIP_H_PAU),
	NAME("p-access-network-info", 0, SIP_H_PANI),
};

enum sip_hdr_id sip_hdr_lookup(const uint8_t *name, size_t len)
{
	size_t n = sizeof header_names / sizeof header_names[0];
	if (len == 0)
		return SIP_H_OTHER;
	char first = lower((char)name[0]);
	for (size_t i = 0; i < n; i++) {
		const struct name_entry *e = &header_names[i];
		if (len == 1 ? e->compact == first
			     : (e->len == len && e->name[0] == first && mem_ieq(name, e->name, len)))
			return (enum sip_hdr_id)e->id;
	}
	return SIP_H_OTHER;
}

static const char *const method_names[] = {
	[SIP_M_INVITE] = "INVITE",     [SIP_M_ACK] = "ACK",       [SIP_M_BYE] = "BYE",
	[SIP_M_CANCEL] = "CANCEL",     [SIP_M_REGISTER] = "REGISTER",
	[SIP_M_MESSAGE] = "MESSAGE",   [SIP_M_PRACK] = "PRACK",   [SIP_M_UPDATE] = "UPDATE",
	[SIP_M_INFO] = "INFO",         [SIP_M_OPTIONS] = "OPTIONS",
	[SIP_M_SUBSCRIBE] = "SUBSCRIBE", [SIP_M_NOTIFY] = "NOTIFY", [SIP_M_REFER] = "REFER",
	[SIP_M_PUBLISH] = "PUBLISH",
};

/* Methods are case-sensitive (RFC 3261 7.1). */
enum sip_method sip_method_lookup(const uint8_t *name, size_t len)
{
	for (size_t i = 1; i < sizeof method_names / sizeof method_names[0]; i++)
		if (method_names[i] && strlen(method_names[i]) == len &&
		    memcmp(name, method_names[i], len) == 0)
			return (enum sip_method)i;
	return SIP_M_UNKNOWN;
}

/* ---- start line ---- */

static bool parse_version(struct slice s)
{
	return sip_slice_ieq(s, "SIP/2.0");
}

static bool parse_status_line(struct sip_msg *m, struct slice line)
{
	/* SIP/2.0 SP 3DIGIT [SP reason] */
	if (line.len < 11 || !parse_version(sub(line, 0, 7)) || line.p[7] != ' ')
		return false;
	if (!is_digit(line.p[8]) || !is_digit(line.p[9]) || !is_digit(line.p[10]))
		return false;
	if (line.len > 11 && line.p[11] != ' ')
		return false;
	m->status = (uint16_t)((line.p[8] - '0') * 100 + (line.p[9] - '0') * 10 + (line.p[10] - '0'));
	if (m->status < 100 || m->status > 699)
		return false;
	m->is_request = false;
	return true;
}

static bool parse_request_line(struct sip_msg *m, struct slice line)
{
	size_t sp1 = find_char(line, 0, ' ');
	if (sp1 == 0 || sp1 >= line.len)
		return false;
	for (size_t i = 0; i < sp1; i++)
		if (!is_token(line.p[i]))
			return false;
	size_t sp2 = find_char(line, sp1 + 1, ' ');
	if (sp2 == sp1 + 1 || sp2 >= line.len)
		return false;
	if (!parse_version(sub(line, sp2 + 1, line.len)))
		return false;
	for (size_t i = sp1 + 1; i < sp2; i++)
		if (line.p[i] < 0x21 || line.p[i] > 0x7e)
			return false;
	m->is_request = true;
	m->method_name = sub(line, 0, sp1);
	m->method = sip_method_lookup(line.p, sp1);
	m->ruri = sub(line, sp1 + 1, sp2);
	return true;
}

static bool parse_start_line(struct sip_msg *m, struct slice line)
{
	if (line.len >= 8 && sip_slice_iprefix(line, "SIP/2.0 "))
		return parse_status_line(m, line);
	return parse_request_line(m, line);
}

/* ---- headers ---- */

static bool parse_uint(struct slice s, uint64_t max, uint64_t *out)
{
	if (s.len == 0 || s.len > 19)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < s.len; i++) {
		if (!is_digit(s.p[i]))
			return false;
		v = v * 10 + (uint64_t)(s.p[i] - '0');
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

static bool parse_cseq(struct sip_msg *m, struct slice v)
{
	size_t i = 0;
	while (i < v.len && is_digit(v.p[i]))
		i++;
	uint64_t n;
	if (!parse_uint(sub(v, 0, i), 0xffffffffu, &n))
		return false;
	struct slice meth = trim(sub(v, i, v.len));
	if (meth.len == 0 || i == 0 || !is_ws(v.p[i]))
		return false;
	for (size_t k = 0; k < meth.len; k++)
		if (!is_token(meth.p[k]))
			return false;
	m->cseq = (uint32_t)n;
	m->cseq_method = sip_method_lookup(meth.p, meth.len);
	return true;
}

const struct sip_hdr *sip_msg_header(const struct sip_msg *m, enum sip_hdr_id id, unsigned n)
{
	for (size_t i = 0; i < m->nknown; i++)
		if (m->known[i].id == id && n-- == 0)
			return &m->known[i];
	return NULL;
}

/* Stores a header we read; keeps the first Via only (the one whose branch
 * matters) and silently drops occurrences past the table. */
static struct sip_hdr *store_header(struct sip_msg *m, enum sip_hdr_id id, struct slice value)
{
	if (id == SIP_H_VIA && sip_msg_has(m, SIP_H_VIA))
		return NULL;
	m->present |= 1u << id;
	if (m->nknown >= SIP_MAX_KNOWN)
		return NULL;
	struct sip_hdr *h = &m->known[m->nknown++];
	h->id = id;
	h->value = value;
	return h;
}

static bool finish_headers(struct sip_msg *m)
{
	const struct sip_hdr *h = sip_msg_header(m, SIP_H_CALL_ID, 0);
	if (!h || h->value.len == 0)
		return false;
	m->call_id = h->value;
	h = sip_msg_header(m, SIP_H_CSEQ, 0);
	if (!h || !parse_cseq(m, h->value))
		return false;
	if (!m->is_request)
		m->method = m->cseq_method;
	h = sip_msg_header(m, SIP_H_CONTENT_LENGTH, 0);
	m->content_length = -1;
	if (h) {
		uint64_t cl;
		if (!parse_uint(h->value, 0x7fffffff, &cl))
			return false;
		m->content_length = (int64_t)cl;
	}
	h = sip_msg_header(m, SIP_H_VIA, 0);
	if (h) {
		size_t pos = 0;
		struct slice first;
		if (sip_list_next(h->value, &pos, &first)) {
			size_t semi = find_char(first, 0, ';');
			sip_param(sub(first, semi, first.len), "branch", &m->branch);
		}
	}
	return true;
}

enum sip_parse_status sip_msg_parse(struct sip_msg *m, const uint8_t *p, size_t len)
{
	memset(m, 0, sizeof *m);
	struct cursor c;
	cur_init(&c, p, len);
	struct slice line;
	if (!cur_line(&c, &line) || !parse_start_line(m, line))
		return SIP_MALFORMED;
	struct sip_hdr *last = NULL;
	bool have_last = false;
	for (;;) {
		if (!cur_line(&c, &line))
			return SIP_MALFORMED; /* no blank line: truncated */
		if (line.len == 0)
			break;
		if (++m->nlines > SIP_MAX_LINES)
			return SIP_MALFORMED;
		if (line.p[0] == ' ' || line.p[0] == '\t') {
			/* Folded continuation (RFC 3261 7.3.1): extends the value. */
			if (!have_last)
				return SIP_MALFORMED;
			if (last) {
				struct slice rest = trim(line);
				if (rest.len) {
					if (last->value.len == 0)
						last->value.p = rest.p;
					last->value.len = (size_t)(rest.p + rest.len - last->value.p);
				}
			}
			continue;
		}
		size_t colon = find_char(line, 0, ':');
		if (colon >= line.len)
			return SIP_MALFORMED;
		struct slice name = sub(line, 0, colon);
		while (name.len && (name.p[name.len - 1] == ' ' || name.p[name.len - 1] == '\t'))
			name.len--;
		if (name.len == 0)
			return SIP_MALFORMED;
		for (size_t i = 0; i < name.len; i++)
			if (!is_token(name.p[i]))
				return SIP_MALFORMED;
		have_last = true;
		last = NULL;
		enum sip_hdr_id id = sip_hdr_lookup(name.p, name.len);
		if (id != SIP_H_OTHER)
			last = store_header(m, id, trim(sub(line, colon + 1, line.len)));
	}
	if (!finish_headers(m))
		return SIP_MALFORMED;
	size_t left = cur_left(&c);
	if (m->content_length < 0) {
		m->body.p = c.p;
		m->body.len = left;
	} else {
		if ((uint64_t)m->content_length > left)
			return SIP_MALFORMED;
		m->body.p = c.p;
		m->body.len = (size_t)m->content_length;
	}
	return SIP_OK;
}

/* ---- lists, addresses, parameters ---- */

bool sip_list_next(struct slice v, size_t *pos, struct slice *entry)
{
	while (*pos < v.len) {
		size_t start = *pos, i = *pos;
		bool quoted = false;
		int angle = 0;
		for (; i < v.len; i++) {
			uint8_t ch = v.p[i];
			if (quoted) {
				if (ch == '\\')
					i++;
				else if (ch == '"')
					quoted = false;
			} else if (ch == '"') {
				quoted = true;
			} else if (ch == '<') {
				angle = 1;
			} else if (ch == '>') {
				angle = 0;
			} else if (ch == ',' && !angle) {
				break;
			}
		}
		size_t end = i < v.len ? i : v.len;
		*pos = end < v.len ? end + 1 : v.len;
		*entry = trim(sub(v, start, end));
		if (entry->len)
			return true;
	}
	return false;
}

bool sip_addr_parse(struct slice e, struct sip_addr *a)
{
	e = trim(e);
	bool quoted = false;
	for (size_t i = 0; i < e.len; i++) {
		uint8_t ch = e.p[i];
		if (quoted) {
			if (ch == '\\')
				i++;
			else if (ch == '"')
				quoted = false;
			continue;
		}
		if (ch == '"') {
			quoted = true;
		} else if (ch == '<') {
			size_t close = find_char(e, i + 1, '>');
			if (close >= e.len)
				return false;
			a->uri = trim(sub(e, i + 1, close));
			a->params = sub(e, close + 1, e.len);
			return a->uri.len > 0;
		}
	}
	if (quoted || e.len == 0)
		return false;
	/* addr-spec without <>: parameters after the URI belong to the header. */
	size_t semi = find_char(e, 0, ';');
	a->uri = trim(sub(e, 0, semi));
	a->params = sub(e, semi, e.len);
	return a->uri.len > 0;
}

bool sip_param(struct slice params, const char *name, struct slice *value)
{
	size_t i = 0, nlen = strlen(name);
	while (i < params.len) {
		while (i < params.len && (params.p[i] == ';' || is_ws(params.p[i])))
			i++;
		size_t ns = i;
		while (i < params.len && params.p[i] != '=' && params.p[i] != ';' && !is_ws(params.p[i]))
			i++;
		struct slice pname = sub(params, ns, i);
		while (i < params.len && is_ws(params.p[i]))
			i++;
		struct slice pval = { params.p + i, 0 };
		if (i < params.len && params.p[i] == '=') {
			i++;
			while (i < params.len && is_ws(params.p[i]))
				i++;
			if (i < params.len && params.p[i] == '"') {
				size_t vs = ++i;
				while (i < params.len && params.p[i] != '"') {
					if (params.p[i] == '\\')
						i++;
					i++;
				}
				if (i > params.len)
					i = params.len;
				pval = sub(params, vs, i);
				if (i < params.len)
					i++;
			} else {
				size_t vs = i;
				while (i < params.len && params.p[i] != ';')
					i++;
				pval = trim(sub(params, vs, i));
			}
		}
		while (i < params.len && params.p[i] != ';')
			i++; /* junk after a quoted value */
		if (pname.len == nlen && mem_ieq(pname.p, name, nlen)) {
			*value = pval;
			return true;
		}
	}
	return false;
}

/* ---- URIs and identities ---- */

bool sip_uri_parse(struct slice uri, struct sip_uri *u)
{
	memset(u, 0, sizeof *u);
	uri = trim(uri);
	size_t colon = find_char(uri, 0, ':');
	if (colon >= uri.len)
		return false;
	struct slice scheme = sub(uri, 0, colon);
	struct slice rest = sub(uri, colon + 1, uri.len);
	struct slice uparams = { rest.p + rest.len, 0 }; /* parameters of the user part */
	struct slice params;                             /* URI parameters */
	if (sip_slice_ieq(scheme, "tel")) {
		u->scheme = SIP_SCHEME_TEL;
		size_t semi = find_char(rest, 0, ';');
		u->user = sub(rest, 0, semi);
		params = sub(rest, semi, rest.len);
		u->params = params;
	} else if (sip_slice_ieq(scheme, "sip") || sip_slice_ieq(scheme, "sips")) {
		u->scheme = scheme.len == 3 ? SIP_SCHEME_SIP : SIP_SCHEME_SIPS;
		size_t at = find_char(rest, 0, '@');
		size_t hs = 0;
		if (at < rest.len) {
			struct slice userinfo = sub(rest, 0, at);
			size_t semi = find_char(userinfo, 0, ';');
			size_t pw = find_char(userinfo, 0, ':');
			size_t uend = semi < pw ? semi : pw;
			u->user = sub(userinfo, 0, uend);
			if (semi < userinfo.len)
				uparams = sub(userinfo, semi, pw > semi ? userinfo.len : semi);
			hs = at + 1;
		}
		size_t he = hs;
		if (he < rest.len && rest.p[he] == '[') {
			he = find_char(rest, he, ']');
			if (he < rest.len)
				he++;
		} else {
			while (he < rest.len && rest.p[he] != ';' && rest.p[he] != ':' &&
			       rest.p[he] != '?')
				he++;
		}
		u->host = sub(rest, hs, he);
		size_t semi = find_char(rest, he, ';');
		size_t q = find_char(rest, semi, '?');
		params = sub(rest, semi, q);
		u->params = params;
		struct slice v;
		if (sip_param(params, "user", &v) && sip_slice_ieq(v, "phone"))
			u->user_phone = true;
	} else {
		u->scheme = SIP_SCHEME_OTHER;
		return true;
	}
	u->global = u->user.len > 0 && u->user.p[0] == '+';
	if (!sip_param(uparams, "phone-context", &u->phone_context))
		sip_param(params, "phone-context", &u->phone_context);
	return true;
}

bool sip_uri_number(const struct sip_uri *u, bool strict, char out[DW_NUMBER_MAX + 1])
{
	if (u->scheme == SIP_SCHEME_OTHER || u->user.len == 0)
		return false;
	if (u->scheme != SIP_SCHEME_TEL && strict && !u->global && !u->user_phone)
		return false;
	return dw_number_normalize((const char *)u->user.p, u->user.len, out, DW_NUMBER_MAX + 1);
}

static bool imsi_digits(struct slice s, char out[DW_IMSI_MAX + 1])
{
	if (s.len < 14 || s.len > DW_IMSI_MAX)
		return false;
	for (size_t i = 0; i < s.len; i++)
		if (!is_digit(s.p[i]))
			return false;
	memcpy(out, s.p, s.len);
	out[s.len] = '\0';
	return true;
}

static bool ims_domain(struct slice host)
{
	return sip_slice_iprefix(host, "ims.mnc") || slice_icontains(host, ".3gppnetwork.org");
}

bool sip_uri_imsi(const struct sip_uri *u, bool any_host, char out[DW_IMSI_MAX + 1])
{
	if ((u->scheme != SIP_SCHEME_SIP && u->scheme != SIP_SCHEME_SIPS) || u->global ||
	    u->user_phone)
		return false;
	/* Outside the IMS domain (a UE's contact address) only a full 15-digit
	 * IMSI is taken, so that short numeric user names are not mistaken. */
	if (!ims_domain(u->host) && (!any_host || u->user.len != DW_IMSI_MAX))
		return false;
	return imsi_digits(u->user, out);
}

bool sip_digest_imsi(struct slice auth, char out[DW_IMSI_MAX + 1])
{
	auth = trim(auth);
	if (!sip_slice_iprefix(auth, "Digest") || auth.len < 7 || !is_ws(auth.p[6]))
		return false;
	/* auth-params are comma separated; reuse the list walker and the parameter
	 * reader on each one. */
	struct slice params = sub(auth, 7, auth.len);
	size_t pos = 0;
	struct slice one, user;
	while (sip_list_next(params, &pos, &one)) {
		if (!sip_param(one, "username", &user))
			continue;
		size_t at = find_char(user, 0, '@');
		if (at >= user.len || !ims_domain(sub(user, at + 1, user.len)))
			return false;
		return imsi_digits(sub(user, 0, at), out);
	}
	return false;
}

bool sip_hdr_number(const struct sip_msg *m, enum sip_hdr_id id, bool strict,
		    char out[DW_NUMBER_MAX + 1])
{
	bool found = false;
	const struct sip_hdr *h;
	char tmp[DW_NUMBER_MAX + 1];
	for (unsigned n = 0; (h = sip_msg_header(m, id, n)) != NULL; n++) {
		size_t pos = 0;
		struct slice e;
		while (sip_list_next(h->value, &pos, &e)) {
			struct sip_addr a;
			struct sip_uri u;
			if (!sip_addr_parse(e, &a) || !sip_uri_parse(a.uri, &u))
				continue;
			char imsi[DW_IMSI_MAX + 1];
			if (sip_uri_imsi(&u, false, imsi) || !sip_uri_number(&u, strict, tmp))
				continue;
			if (u.global) {
				memcpy(out, tmp, sizeof tmp);
				return true;
			}
			if (!found) {
				memcpy(out, tmp, sizeof tmp);
				found = true;
			}
		}
	}
	return found;
}

bool sip_instance_imei(const struct sip_msg *m, char out[DW_IMEI_LEN + 1])
{
	const struct sip_hdr *h;
	for (unsigned n = 0; (h = sip_msg_header(m, SIP_H_CONTACT, n)) != NULL; n++) {
		size_t pos = 0;
		struct slice e, inst;
		while (sip_list_next(h->value, &pos, &e)) {
			struct sip_addr a;
			if (!sip_addr_parse(e, &a) || !sip_param(a.params, "+sip.instance", &inst))
				continue;
			inst = trim(inst);
			if (inst.len && inst.p[0] == '<') {
				inst.p++;
				inst.len--;
			}
			size_t gt = find_char(inst, 0, '>');
			inst.len = gt;
			if (!sip_slice_iprefix(inst, "urn:gsma:imei:"))
				continue;
			struct slice id = sub(inst, 14, inst.len);
			id.len = find_char(id, 0, ';'); /* ;svn=.. */
			if (dw_imei_normalize((const char *)id.p, id.len, out))
				return true;
		}
	}
	return false;
}

/* ---- P-Access-Network-Info (TS 24.229 7.2A.4) ---- */

/* "MCC MNC AREA CELL": mcc 3 digits, mnc 2 or 3 digits as the length says, then
 * area_hex and cell_hex hexadecimal digits. */
static bool cell_id_decode(struct slice s, size_t area_hex, size_t cell_hex, char out[DW_CELL_MAX])
{
	size_t rest = area_hex + cell_hex;
	if (s.len != 3 + 2 + rest && s.len != 3 + 3 + rest)
		return false;
	size_t mnclen = s.len - 3 - rest;
	for (size_t i = 0; i < 3 + mnclen; i++)
		if (!is_digit(s.p[i]))
			return false;
	uint16_t mcc = (uint16_t)((s.p[0] - '0') * 100 + (s.p[1] - '0') * 10 + (s.p[2] - '0'));
	char mnc[4];
	memcpy(mnc, s.p + 3, mnclen);
	mnc[mnclen] = '\0';
	uint64_t area = 0, cell = 0;
	size_t off = 3 + mnclen;
	for (size_t i = 0; i < rest; i++) {
		int v = hexval(s.p[off + i]);
		if (v < 0)
			return false;
		if (i < area_hex)
			area = area << 4 | (uint64_t)v;
		else
			cell = cell << 4 | (uint64_t)v;
	}
	int n = dw_cell_format(out, DW_CELL_MAX, mcc, mnc, (uint32_t)area, cell);
	return n > 0 && n < DW_CELL_MAX;
}

bool sip_pani_cell(struct slice pani, char out[DW_CELL_MAX])
{
	pani = trim(pani);
	size_t semi = find_char(pani, 0, ';');
	struct slice type = trim(sub(pani, 0, semi));
	struct slice params = sub(pani, semi, pani.len);
	struct slice id;
	if (sip_slice_iprefix(type, "3GPP-E-UTRAN")) {
		return sip_param(params, "utran-cell-id-3gpp", &id) && cell_id_decode(trim(id), 4, 7, out);
	} else if (sip_slice_iprefix(type, "3GPP-UTRAN")) {
		return sip_param(params, "utran-cell-id-3gpp", &id) && cell_id_decode(trim(id), 4, 7, out);
	} else if (sip_slice_iprefix(type, "3GPP-GERAN")) {
		return sip_param(params, "cgi-3gpp", &id) && cell_id_decode(trim(id), 4, 4, out);
	} else if (sip_slice_iprefix(type, "3GPP-NR")) {
		/* TAC (6 hex) then NR cell identity (9 hex, 36 bits). */
		return (sip_param(params, "utran-cell-id-3gpp", &id) || sip_param(params, "nrcgi", &id)) &&
		       cell_id_decode(trim(id), 6, 9, out);
	}
	return false;
}

bool sip_msg_cell(const struct sip_msg *m, char out[DW_CELL_MAX])
{
	bool found = false;
	char tmp[DW_CELL_MAX];
	const struct sip_hdr *h;
	for (unsigned n = 0; (h = sip_msg_header(m, SIP_H_PANI, n)) != NULL; n++) {
		size_t pos = 0;
		struct slice e, np;
		while (sip_list_next(h->value, &pos, &e)) {
			if (!sip_pani_cell(e, tmp))
				continue;
			size_t semi = find_char(e, 0, ';');
			if (sip_param(sub(e, semi, e.len), "network-provided", &np)) {
				memcpy(out, tmp, sizeof tmp);
				return true;
			}
			if (!found) {
				memcpy(out, tmp, sizeof tmp);
				found = true;
			}
		}
	}
	return found;
}

/* ---- probing and TCP framing ---- */

static bool start_line_ok(struct slice line)
{
	struct sip_msg m;
	return parse_start_line(&m, line);
}

bool sip_msg_probe(const uint8_t *p, size_t len)
{
	struct cursor c;
	cur_init(&c, p, len < 2048 ? len : 2048);
	struct slice line;
	return cur_line(&c, &line) && start_line_ok(line);
}

long sip_msg_frame(const uint8_t *p, size_t len)
{
	size_t crlf = 0;
	while (crlf < len && (p[crlf] == '\r' || p[crlf] == '\n'))
		crlf++;
	if (crlf)
		return (long)crlf; /* keep-alive (RFC 5626 4.4.1) */
	struct cursor c;
	cur_init(&c, p, len < SIP_MAX_HEAD ? len : SIP_MAX_HEAD);
	struct slice line;
	if (!cur_line(&c, &line)) {
		if (len >= 2048)
			return -1;
		for (size_t i = 0; i < len; i++)
			if ((p[i] < 0x20 || p[i] > 0x7e) && !(p[i] == '\r' && i + 1 == len))
				return -1; /* a start line is printable text */
		return 0;
	}
	if (!start_line_ok(line))
		return -1;
	int64_t cl = 0;
	bool have_cl = false;
	for (;;) {
		if (!cur_line(&c, &line))
			return len >= SIP_MAX_HEAD ? -1 : 0;
		if (line.len == 0)
			break;
		size_t colon = find_char(line, 0, ':');
		if (colon >= line.len || line.p[0] == ' ' || line.p[0] == '\t')
			continue;
		struct slice name = trim(sub(line, 0, colon));
		if (have_cl || sip_hdr_lookup(name.p, name.len) != SIP_H_CONTENT_LENGTH)
			continue; /* the first one counts, as in sip_msg_parse */
		have_cl = true;
		uint64_t v;
		if (!parse_uint(trim(sub(line, colon + 1, line.len)), 16u << 20, &v))
			return -1;
		cl = (int64_t)v;
	}
	size_t head = (size_t)(c.p - p);
	if ((uint64_t)cl > len - head)
		return 0;
	return (long)(head + (size_t)cl);
}
