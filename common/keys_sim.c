/* keys_sim.c: config keys of the simulator's scenario (the knobs of a preset).
 * Owned by tools/sim. */
#include "denwatch/config.h"

const struct dw_key_def dw_keys_sim[] = {
	{ "sim", "seed", DW_KEY_INT, "1", 0, 4294967295.0, NULL,
	  "Seed of the simulator's random generator; the same seed gives the same bytes." },
	{ 0 }
};
