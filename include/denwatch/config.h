/* config.h: the INI configuration shared by every program.
 * Every key is declared once in a list (include/denwatch/keys/) with type, default,
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

/* The key ids. Every key gets an index DWX_<section>_<name> into the one table
 * (common/config_keys.c) and a typed id DWK_<section>_<name> in the enum of its
 * type, so that a misspelt key fails to compile and reading a key with the wrong
 * accessor is an -Wenum-conversion error. ENUM keys are read as strings. */
#define KEY_INT(s, n, ...) DWX_##s##_##n,
#define KEY_DBL(s, n, ...) DWX_##s##_##n,
#define KEY_BOOL(s, n, ...) DWX_##s##_##n,
#define KEY_STR(s, n, ...) DWX_##s##_##n,
#define KEY_ENUM(s, n, ...) DWX_##s##_##n,
enum dw_key_index {
#include "denwatch/keys/all.def"
	DW_KEY_COUNT
};
#undef KEY_INT
#undef KEY_DBL
#undef KEY_BOOL
#undef KEY_STR
#undef KEY_ENUM

/* One typed enum per accessor; each expands the lists with only its own type. */
#define DW_TYPED_(s, n, ...) DWK_##s##_##n = DWX_##s##_##n,
#define DW_SKIP_(s, n, ...)

#define KEY_INT DW_TYPED_
#define KEY_DBL DW_SKIP_
#define KEY_BOOL DW_SKIP_
#define KEY_STR DW_SKIP_
#define KEY_ENUM DW_SKIP_
enum dw_int_key {
#include "denwatch/keys/all.def"
	DW_INT_KEY_END_
};
#undef KEY_INT
#undef KEY_DBL
#define KEY_INT DW_SKIP_
#define KEY_DBL DW_TYPED_
enum dw_double_key {
#include "denwatch/keys/all.def"
	DW_DOUBLE_KEY_END_
};
#undef KEY_DBL
#undef KEY_BOOL
#define KEY_DBL DW_SKIP_
#define KEY_BOOL DW_TYPED_
enum dw_bool_key {
#include "denwatch/keys/all.def"
	DW_BOOL_KEY_END_
};
#undef KEY_BOOL
#undef KEY_STR
#undef KEY_ENUM
#define KEY_BOOL DW_SKIP_
#define KEY_STR DW_TYPED_
#define KEY_ENUM DW_TYPED_
enum dw_str_key {
#include "denwatch/keys/all.def"
	DW_STR_KEY_END_
};
#undef KEY_INT
#undef KEY_DBL
#undef KEY_BOOL
#undef KEY_STR
#undef KEY_ENUM
#undef DW_TYPED_
#undef DW_SKIP_

/* The table of every key, in DWX_ order. */
extern const struct dw_key_def dw_keys[DW_KEY_COUNT];

struct dw_config_value {
	char *text; /* normalized text of the value */
	long long i;
	double d;
	bool b;
	const char *origin; /* "default", a file name or "--set" */
	int line;           /* line in origin file, 0 otherwise */
};

struct dw_config {
	const struct dw_key_def *defs; /* dw_keys */
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

/* Typed accessors by key id (DWK_section_name); the id's enum type is the key's
 * type, so the compiler checks both name and type. */
long long dw_config_int(const struct dw_config *c, enum dw_int_key k);
double dw_config_double(const struct dw_config *c, enum dw_double_key k);
bool dw_config_bool(const struct dw_config *c, enum dw_bool_key k);
const char *dw_config_str(const struct dw_config *c, enum dw_str_key k);
/* Where a value came from, for error messages about its meaning
 * ("config/denwatch.conf:12"). Takes any typed id: they share the index space. */
void dw_config_origin(const struct dw_config *c, int k, char *out,
		      size_t outlen);
/* The index of "section.key", or -1: for keys named at run time (tune --set). */
long dw_config_find(const struct dw_config *c, const char *key);

/* Writes an annotated config file with every key. With c == NULL, defaults. */
void dw_config_write(FILE *f, const struct dw_config *c);

#endif
