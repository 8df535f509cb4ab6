/* config.h: the INI configuration shared by every program.
 * Every key is declared once in a table (common/keys_*.c) with type, default,
 * range and a description; the table validates files and --set overrides and
 * generates the annotated config/denwatch.conf (osmo_tdef's idea). */
#ifndef DENWATCH_CONFIG_H
#define DENWATCH_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum dw_key_type { DW_KEY_INT, DW_KEY_DOUBLE, DW_KEY_BOOL, DW_KEY_STRING, DW_KEY_ENUM };

struct dw_key_def {
	const char *section;
	const char *name;
	enum dw_key_type type;
	const char *def;     /* default value, as it would be written in the file */
	double min, max;     /* INT and DOUBLE: inclusive range */
	const char *choices; /* ENUM: "a|b|c" */
	const char *help;    /* what it means, for the generated config file */
};

/* Tables, each ended by an entry with section == NULL. One per owner, so that
 * sensor, correlator and simulator keys live beside the code that uses them. */
extern const struct dw_key_def dw_keys_core[];
extern const struct dw_key_def dw_keys_transport[];
extern const struct dw_key_def dw_keys_correlator[];
extern const struct dw_key_def dw_keys_sim[];

struct dw_config_value {
	char *text; /* normalized text of the value */
	long long i;
	double d;
	bool b;
	const char *origin; /* "default", a file name or "--set" */
	int line;           /* line in origin file, 0 otherwise */
};

struct dw_config {
	const struct dw_key_def **defs;
	struct dw_config_value *v;
	size_t n;
	char *path; /* file loaded, or NULL */
};

#define DW_CONFIG_DEFAULT_PATH "config/denwatch.conf"
#define DW_ERR_LEN 512

/* Fills c with every key's default. Returns 0. */
int dw_config_init(struct dw_config *c);
void dw_config_free(struct dw_config *c);

/* Reads an INI file over the current values. On error returns -1 and writes
 * "<file>:<line>: <section.key>: <reason>" into err. */
int dw_config_load_file(struct dw_config *c, const char *path, char *err, size_t errlen);

/* Applies "section.key=value". On error returns -1 and explains in err. */
int dw_config_set(struct dw_config *c, const char *assignment, char *err, size_t errlen);

/* Startup in one call: defaults, then the file (path; if it is NULL the default
 * path is read when it exists), then the --set assignments in order. Prints one
 * clear line through dw_error() and returns -1 on the first error. */
int dw_config_setup(struct dw_config *c, const char *path, const char *const *sets,
		    int nsets);

/* Typed accessors by "section.key". Asking for an undeclared key or the wrong
 * type is a programming error and aborts. */
long long dw_config_int(const struct dw_config *c, const char *key);
double dw_config_double(const struct dw_config *c, const char *key);
bool dw_config_bool(const struct dw_config *c, const char *key);
const char *dw_config_str(const struct dw_config *c, const char *key);
/* Where the value came from, for error messages about a value's meaning
 * ("config/denwatch.conf:12"). */
void dw_config_origin(const struct dw_config *c, const char *key, char *out, size_t outlen);

/* Writes an annotated config file with every key. With c == NULL, defaults. */
void dw_config_write(FILE *f, const struct dw_config *c);

#endif
