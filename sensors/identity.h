/* identity.h: the sensor's bounded subscriber table binding IMSI <-> MSISDN <->
 * IMEI <-> last cell across protocols (DESIGN 3.3), and the compact forms it keeps
 * them in: digit strings packed into one integer, cells interned to small ids.
 * Every event is completed from it before it is counted. */
#ifndef DENWATCH_SENSOR_IDENTITY_H
#define DENWATCH_SENSOR_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "denwatch/event.h"

/* Packed digits: a string of 1..DW_PACK_MAX_DIGITS decimal digits in one uint64_t,
 * its length in the top bits so that leading zeros survive ("001010..." IMSIs).
 * 0 means "none". */
#define DW_PACK_MAX_DIGITS 17
uint64_t dw_digits_pack(const char *s);
/* Writes the digits back (out needs DW_PACK_MAX_DIGITS + 1 bytes); "" for 0. */
void dw_digits_unpack(uint64_t v, char *out, size_t outlen);
/* The numeric value of the digits (without the length). */
static inline uint64_t dw_digits_value(uint64_t v)
{
	return v & ((UINT64_C(1) << 57) - 1);
}
/* A key that sorts packed digit strings in the byte order of their text. */
uint64_t dw_digits_sort_key(uint64_t v);

/* Cells interned to ids 1..n (0 = none), names kept once. */
struct dw_cells;
struct dw_cells *dw_cells_new(uint32_t max_cells);
void dw_cells_free(struct dw_cells *c);
/* Id of the cell, added if new; 0 when the text is empty or the table is full
 * (counted in dropped). */
uint32_t dw_cells_intern(struct dw_cells *c, const char *cell);
const char *dw_cells_name(const struct dw_cells *c, uint32_t id);
uint32_t dw_cells_count(const struct dw_cells *c);
uint64_t dw_cells_dropped(const struct dw_cells *c);
size_t dw_cells_bytes(const struct dw_cells *c);

struct dw_ident;

struct dw_ident_stats {
	uint64_t tracked;    /* subscribers in the table now */
	uint64_t peak;	     /* most at once */
	uint64_t capacity;   /* sensor.max_subscribers */
	uint64_t evictions;  /* least recently seen dropped to make room */
	uint64_t bindings;   /* IMSI <-> MSISDN bindings learnt */
	uint64_t rebindings; /* an MSISDN or IMEI moved to another IMSI */
	uint64_t unpackable; /* identities too long to track (> DW_PACK_MAX_DIGITS) */
	size_t bytes;	     /* memory held by the table and its indexes */
};

/* Flags returned by dw_ident_complete. */
enum {
	DW_IDENT_NEW_BINDING = 1, /* the event's IMSI and MSISDN were just bound */
};

struct dw_ident *dw_ident_new(uint32_t max_subscribers, struct dw_cells *cells);
void dw_ident_free(struct dw_ident *t);
/* Completes the empty imsi/msisdn/imei/cell of ev from the table and records the
 * ones ev knows; *cell_id receives the event's interned cell (0 if none). */
unsigned dw_ident_complete(struct dw_ident *t, struct dw_event *ev, uint32_t *cell_id);
void dw_ident_get_stats(const struct dw_ident *t, struct dw_ident_stats *s);

#endif
