/* config.c: loading and validating config files and --set overrides against the
 * key tables. INI syntax is libinih's; this file only gives meaning to values. */
#include "denwatch/config.h"
#include "denwatch/log.h"

#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static long find_key(const struct dw_config *c, const char *section, size_t seclen,
		     const char *name)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct dw_key_def *k = &dw_keys[i];
		if (strlen(k->section) == seclen && strncmp(k->section, section, seclen) == 0 &&
		    strcmp(k->name, name) == 0)
			return (long)i;
	}
	return -1;
}

static bool parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "on", "true", "yes", "1" };
	static const char *const no[] = { "off", "false", "no", "0" };
	for (int i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0)
			return *out = true, true;
		if (strcasecmp(s, no[i]) == 0)
			return *out = false, true;
	}
	return false;
}

static bool choice_allowed(const char *choices, const char *s)
{
	size_t len = strlen(s);
	for (const char *p = choices; *p;) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);
		if (n == len && strncmp(p, s, n) == 0)
			return true;
		if (!bar)
			break;
		p = bar + 1;
	}
	return false;
}

/* Checks text against the key's type and range; fills a parsed value. */
static int parse_value(const struct dw_key_def *k, const char *text,
		       struct dw_config_value *out, char *why, size_t whylen)
{
	char *end;
	memset(out, 0, sizeof *out);
	switch (k->type) {
	case DW_KEY_INT: {
		errno = 0;
		long long v = strtoll(text, &end, 10);
		if (errno || end == text || *end) {
			snprintf(why, whylen, "'%s' is not an integer", text);
			return -1;
		}
		if ((double)v < k->min || (double)v > k->max) {
			snprintf(why, whylen, "%lld is out of range %.15g..%.15g", v, k->min,
				 k->max);
			return -1;
		}
		out->i = v;
		out->d = (double)v;
		break;
	}
	case DW_KEY_DOUBLE: {
		errno = 0;
		double v = strtod(text, &end);
		if (errno || end == text || *end || !isfinite(v)) {
			snprintf(why, whylen, "'%s' is not a number", text);
			return -1;
		}
		if (v < k->min || v > k->max) {
			snprintf(why, whylen, "%g is out of range %.15g..%.15g", v, k->min,
				 k->max);
			return -1;
		}
		out->d = v;
		break;
	}
	case DW_KEY_BOOL:
		if (!parse_bool(text, &out->b)) {
			snprintf(why, whylen, "'%s' is not on or off", text);
			return -1;
		}
		out->i = out->b;
		text = out->b ? "on" : "off";
		break;
	case DW_KEY_ENUM:
		if (!choice_allowed(k->choices, text)) {
			snprintf(why, whylen, "'%s' is not one of %s", text, k->choices);
			return -1;
		}
		break;
	case DW_KEY_STRING:
		break;
	}
	out->text = strdup(text);
	if (!out->text) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	return 0;
}

static void store_value(struct dw_config *c, size_t i, struct dw_config_value *v)
{
	free(c->v[i].text);
	c->v[i] = *v;
}

int dw_config_init(struct dw_config *c)
{
	memset(c, 0, sizeof *c);
	c->n = DW_KEY_COUNT;
	c->defs = dw_keys;
	c->v = calloc(c->n, sizeof *c->v);
	if (!c->v)
		abort();
	for (size_t i = 0; i < c->n; i++) {
		char why[256];
		struct dw_config_value v;
		if (parse_value(&dw_keys[i], dw_keys[i].def, &v, why, sizeof why) != 0) {
			/* A bad default is a bug in a key list: stop at once. */
			fprintf(stderr, "bad default for %s.%s: %s\n", dw_keys[i].section,
				dw_keys[i].name, why);
			abort();
		}
		v.origin = "default";
		store_value(c, i, &v);
	}
	return 0;
}

void dw_config_free(struct dw_config *c)
{
	for (size_t i = 0; c->v && i < c->n; i++)
		free(c->v[i].text);
	free(c->v);
	free(c->path);
	memset(c, 0, sizeof *c);
}

struct load_state {
	struct dw_config *c;
	const char *path;
	int line;          /* line being parsed, counted by the reader */
	unsigned char *seen; /* per key: set in this file already */
	char *err;
	size_t errlen;
	bool failed;
};

struct reader_ctx {
	FILE *f;
	struct load_state *st;
};

static char *line_reader(char *str, int num, void *stream)
{
	struct reader_ctx *rc = stream;
	char *r = fgets(str, num, rc->f);
	if (r)
		rc->st->line++;
	return r;
}

static int on_ini_value(void *user, const char *section, const char *name,
			const char *value)
{
	struct load_state *st = user;
	char why[256];
	long i = find_key(st->c, section, strlen(section), name);
	if (i < 0) {
		snprintf(st->err, st->errlen, "%s:%d: %s.%s: unknown key", st->path, st->line,
			 section, name);
		st->failed = true;
		return 0;
	}
	if (st->seen[i]) {
		snprintf(st->err, st->errlen, "%s:%d: %s.%s: set twice in this file",
			 st->path, st->line, section, name);
		st->failed = true;
		return 0;
	}
	struct dw_config_value v;
	if (parse_value(&dw_keys[i], value, &v, why, sizeof why) != 0) {
		snprintf(st->err, st->errlen, "%s:%d: %s.%s: %s", st->path, st->line, section,
			 name, why);
		st->failed = true;
		return 0;
	}
	v.origin = st->c->path;
	v.line = st->line;
	st->seen[i] = 1;
	store_value(st->c, (size_t)i, &v);
	return 1;
}

int dw_config_load_file(struct dw_config *c, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open config: %s", path, strerror(errno));
		return -1;
	}
	free(c->path);
	c->path = strdup(path);
	struct load_state st = { .c = c, .path = path, .err = err, .errlen = errlen };
	st.seen = calloc(c->n, 1);
	if (!c->path || !st.seen)
		abort();
	struct reader_ctx rc = { .f = f, .st = &st };
	int rv = ini_parse_stream(line_reader, &rc, on_ini_value, &st);
	fclose(f);
	free(st.seen);
	if (st.failed)
		return -1;
	if (rv != 0) {
		snprintf(err, errlen, "%s:%d: syntax error: expected [section] or key = value",
			 path, rv > 0 ? rv : st.line);
		return -1;
	}
	return 0;
}

int dw_config_set(struct dw_config *c, const char *assignment, char *err, size_t errlen)
{
	const char *eq = strchr(assignment, '=');
	const char *dot = strchr(assignment, '.');
	if (!eq || !dot || dot > eq || dot == assignment || eq == dot + 1) {
		snprintf(err, errlen, "--set %s: expected section.key=value", assignment);
		return -1;
	}
	char name[128];
	size_t nlen = (size_t)(eq - dot - 1);
	if (nlen >= sizeof name) {
		snprintf(err, errlen, "--set %s: key name too long", assignment);
		return -1;
	}
	memcpy(name, dot + 1, nlen);
	name[nlen] = '\0';
	long i = find_key(c, assignment, (size_t)(dot - assignment), name);
	if (i < 0) {
		snprintf(err, errlen, "--set %.*s: unknown key", (int)(eq - assignment),
			 assignment);
		return -1;
	}
	char why[256];
	struct dw_config_value v;
	if (parse_value(&dw_keys[i], eq + 1, &v, why, sizeof why) != 0) {
		snprintf(err, errlen, "--set %.*s: %s", (int)(eq - assignment), assignment, why);
		return -1;
	}
	v.origin = "--set";
	store_value(c, (size_t)i, &v);
	return 0;
}

int dw_config_setup(struct dw_config *c, const char *path, const char *const *sets,
		    int nsets)
{
	char err[DW_ERR_LEN];
	dw_config_init(c);
	const char *file = path;
	if (!file) {
		FILE *probe = fopen(DW_CONFIG_DEFAULT_PATH, "r");
		if (probe) {
			fclose(probe);
			file = DW_CONFIG_DEFAULT_PATH;
		}
	}
	if (file && dw_config_load_file(c, file, err, sizeof err) != 0) {
		dw_error("%s", err);
		return -1;
	}
	for (int i = 0; i < nsets; i++) {
		if (dw_config_set(c, sets[i], err, sizeof err) != 0) {
			dw_error("%s", err);
			return -1;
		}
	}
	return 0;
}

long dw_config_find(const struct dw_config *c, const char *key)
{
	const char *dot = strchr(key, '.');
	return dot ? find_key(c, key, (size_t)(dot - key), dot + 1) : -1;
}

long long dw_config_int(const struct dw_config *c, enum dw_int_key k)
{
	return c->v[k].i;
}

double dw_config_double(const struct dw_config *c, enum dw_double_key k)
{
	return c->v[k].d;
}

bool dw_config_bool(const struct dw_config *c, enum dw_bool_key k)
{
	return c->v[k].b;
}

const char *dw_config_str(const struct dw_config *c, enum dw_str_key k)
{
	return c->v[k].text;
}

void dw_config_origin(const struct dw_config *c, int k, char *out,
		      size_t outlen)
{
	if (c->v[k].line > 0)
		snprintf(out, outlen, "%s:%d", c->v[k].origin, c->v[k].line);
	else
		snprintf(out, outlen, "%s", c->v[k].origin);
}

static void write_wrapped_comment(FILE *f, const char *text)
{
	/* Wrap at about 80 columns on spaces, each line starting "; ". */
	const char *p = text;
	while (*p) {
		size_t n = strlen(p);
		if (n > 76) {
			n = 76;
			while (n > 0 && p[n] != ' ')
				n--;
			if (n == 0)
				n = 76;
		}
		fprintf(f, "; %.*s\n", (int)n, p);
		p += n;
		while (*p == ' ')
			p++;
	}
}

void dw_config_write(FILE *f, const struct dw_config *c)
{
	struct dw_config defaults;
	if (!c) {
		dw_config_init(&defaults);
		c = &defaults;
	}
	fprintf(f, "; denwatch configuration, read by denwatch-sensor, denwatch-correlator\n"
		   "; and denwatch-sim. Every key can be overridden on the command line with\n"
		   "; --set section.key=value. Generated from the key lists in include/denwatch/keys/\n"
		   "; by 'make config'; edit values freely, a key the programs do not know is an\n"
		   "; error.\n");
	const char *section = "";
	for (size_t i = 0; i < c->n; i++) {
		const struct dw_key_def *k = &dw_keys[i];
		/* Simulator knobs default to the chosen preset's values, so the file
		 * shows them commented out: uncommenting one pins it for every preset. */
		bool preset_knob = strcmp(k->section, "sim") == 0;
		if (strcmp(k->section, section) != 0) {
			section = k->section;
			fprintf(f, "\n[%s]\n", section);
			if (preset_knob)
				write_wrapped_comment(
					f, "Simulator knobs: each preset (--preset) sets its own "
					   "values; a key set here or with --set overrides the "
					   "preset.");
		}
		fprintf(f, "\n");
		write_wrapped_comment(f, k->help);
		switch (k->type) {
		case DW_KEY_INT:
		case DW_KEY_DOUBLE:
			fprintf(f, "; range %.15g..%.15g, default %s\n", k->min, k->max, k->def);
			break;
		case DW_KEY_ENUM:
			fprintf(f, "; one of %s, default %s\n", k->choices, k->def);
			break;
		case DW_KEY_BOOL:
			fprintf(f, "; on or off, default %s\n", k->def);
			break;
		case DW_KEY_STRING:
			break;
		}
		fprintf(f, "%s%s = %s\n", preset_knob ? "; " : "", k->name, c->v[i].text);
	}
	if (c == &defaults)
		dw_config_free(&defaults);
}
