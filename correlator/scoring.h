/* scoring.h: the detection model (DESIGN 6, docs/DETECTION.md). Scores every site
 * on each closed window over the scoring horizon, records site scores and flags
 * with their evidence in the store. Time is event time: the windows stored. */
#ifndef DENWATCH_CORRELATOR_SCORING_H
#define DENWATCH_CORRELATOR_SCORING_H

#include <stddef.h>

#include "denwatch/config.h"
#include "store.h"

/* Scores every window that has closed since the last call (final: every window
 * stored, at end of input). Call outside a transaction: each scored window is
 * committed in its own. Cheap when nothing new has closed. Returns the number of
 * windows scored, or -1 on error (logged). */
int dw_scoring_run(struct dw_store *st, const struct dw_config *cfg, int final);

/* Checks the scoring lists named by the config (gateway TACs, allow-lists) can be
 * read. On error returns -1 with "<origin>: <key>: <file>:<line>: <why>" in err. */
int dw_scoring_check_config(const struct dw_config *cfg, char *err, size_t errlen);

#endif
