/* keys_correlator.c: config keys for the correlator's store, cell-site table and
 * scoring. Owned by the correlator. */
#include "denwatch/config.h"

const struct dw_key_def dw_keys_correlator[] = {
	{ "store", "db", DW_KEY_STRING, "denwatch.db", 0, 0, NULL,
	  "SQLite file holding summaries, sites, scores, flags and verification outcomes." },
	{ "sites", "cells", DW_KEY_STRING, "", 0, 0, NULL,
	  "Cell-site CSV (header cgi,site_id,lat,lon,azimuth,address) mapping each cell "
	  "to a physical site; empty means every cell is its own site." },
	{ 0 }
};
