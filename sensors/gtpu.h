/* gtpu.h: GTP-U header decoding (3GPP TS 29.281) to reach the IP packet a G-PDU
 * carries: optional sequence / N-PDU / next-extension fields and chained
 * extension headers are skipped, every length checked. */
#ifndef DENWATCH_SENSOR_GTPU_H
#define DENWATCH_SENSOR_GTPU_H

#include <stddef.h>
#include <stdint.h>

enum { DW_GTPU_PORT = 2152 };

enum dw_gtpu_result {
	DW_GTPU_GPDU,      /* *inner / *inner_len: the tunnelled packet */
	DW_GTPU_OTHER,     /* echo, error indication, end marker...: nothing inside */
	DW_GTPU_MALFORMED, /* bad version, lengths or extension headers */
};

enum dw_gtpu_result dw_gtpu_decode(const uint8_t *p, size_t len, uint32_t *teid,
				   const uint8_t **inner, size_t *inner_len);

#endif
