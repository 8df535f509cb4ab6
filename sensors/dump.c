/* dump.c: JSON Lines output of events and summaries (see dump.h). */
#include "dump.h"

#include <stdlib.h>

#include "denwatch/summary_json.h"

static const char *dir_name(enum dw_direction d)
{
	return d == DW_DIR_MO ? "mo" : d == DW_DIR_MT ? "mt" : "";
}

static const char *op_name(enum dw_session_op op)
{
	switch (op) {
	case DW_SESSION_CREATE:
		return "create";
	case DW_SESSION_MODIFY:
		return "modify";
	case DW_SESSION_DELETE:
		return "delete";
	case DW_SESSION_NONE:
		break;
	}
	return "";
}

/* A JSON string of text that should be ASCII; bytes that are not valid UTF-8 are
 * replaced by '?' rather than failing the whole line. */
static json_t *safe_string(const char *t)
{
	json_t *j = json_string(t);
	if (j)
		return j;
	char buf[256];
	size_t n = 0;
	for (; t[n] && n + 1 < sizeof buf; n++)
		buf[n] = (unsigned char)t[n] < 0x80 ? t[n] : '?';
	buf[n] = '\0';
	return json_string(buf);
}

json_t *dw_event_to_json(const struct dw_event *ev)
{
	/* seconds with the microseconds as a fraction: 16 significant digits keep every
	 * microsecond of packet times before the year 2286 */
	double ts = (double)(ev->ts_us / 1000000) + (double)(ev->ts_us % 1000000) / 1e6;
	json_t *o = json_object();
	if (!o)
		return NULL;
	int rc = 0;
	rc |= json_object_set_new(o, "ts", json_real(ts));
	rc |= json_object_set_new(o, "proto", json_string(dw_proto_name(ev->proto)));
	rc |= json_object_set_new(o, "kind", json_string(dw_event_kind_name(ev->kind)));
	rc |= json_object_set_new(o, "imsi", safe_string(ev->imsi));
	rc |= json_object_set_new(o, "msisdn", safe_string(ev->msisdn));
	rc |= json_object_set_new(o, "imei", safe_string(ev->imei));
	rc |= json_object_set_new(o, "peer", safe_string(ev->peer));
	rc |= json_object_set_new(o, "cell", safe_string(ev->cell));
	rc |= json_object_set_new(o, "call_id", safe_string(ev->call_id));
	rc |= json_object_set_new(o, "duration_s", json_integer(ev->duration_s));
	rc |= json_object_set_new(o, "status", json_integer(ev->status));
	rc |= json_object_set_new(o, "dir", json_string(dir_name(ev->dir)));
	rc |= json_object_set_new(o, "session_op", json_string(op_name(ev->session_op)));
	rc |= json_object_set_new(o, "frame", json_integer((json_int_t)ev->frame));
	if (rc) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int dump(FILE *f, json_t *j)
{
	if (!j)
		return -1;
	/* one fwrite per line: json_dumpf would write piece by piece */
	const size_t flags = JSON_COMPACT | JSON_REAL_PRECISION(16);
	char stack[4096];
	char *buf = stack;
	size_t n = json_dumpb(j, stack, sizeof stack - 1, flags);
	if (n >= sizeof stack - 1) {
		buf = malloc(n + 1);
		if (buf)
			n = json_dumpb(j, buf, n, flags);
	}
	json_decref(j);
	int rc = 0;
	if (!buf || n == 0) {
		rc = -1;
	} else {
		buf[n] = '\n';
		if (fwrite(buf, 1, n + 1, f) != n + 1)
			rc = -1;
	}
	if (buf != stack)
		free(buf);
	return rc;
}

int dw_dump_event(FILE *f, const struct dw_event *ev)
{
	return dump(f, dw_event_to_json(ev));
}

int dw_dump_summary(FILE *f, const struct dw_summary *s)
{
	return dump(f, dw_summary_to_json(s));
}
