/* sweep.h: tune --sweep KEY=FROM:TO:STEP: replays the stored summaries once per
 * value of one scoring key and prints precision and recall along the sweep,
 * against the recorded verify outcomes and, when given, a simulator truth file.
 * Also the evaluation helpers of report.c that it shares. */
#ifndef DENWATCH_CORRELATOR_SWEEP_H
#define DENWATCH_CORRELATOR_SWEEP_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>

#include "denwatch/config.h"
#include "store.h"
#include "strmap.h"

struct dw_sweep {
	char key[128]; /* section.key */
	double from, to, step;
	int n; /* values along the sweep */
};

/* Parses "KEY=FROM:TO:STEP". Returns 0, or -1 with the reason in err (usage
 * error: a malformed spec, STEP <= 0, FROM > TO: an empty range, or more than
 * DW_SWEEP_MAX values). */
#define DW_SWEEP_MAX 200
int dw_sweep_parse(struct dw_sweep *sw, const char *spec, char *err, size_t errlen);
/* The i-th value, as text for dw_config_set. */
void dw_sweep_value(const struct dw_sweep *sw, int i, char *out, size_t outlen);

/* Runs the sweep with cfg (the --set values already applied; cfg is changed).
 * Returns an exit code: 2 when a value is refused by the key's definition. */
int dw_report_sweep(struct dw_store *st, struct dw_config *cfg, FILE *out,
		    const struct dw_sweep *sw, const char *truth_path, bool json);

/* report.c's evaluation helpers (see report.c). */
void dw_report_flags_load(sqlite3 *db, struct strmap *m);
json_t *dw_report_truth_load(const char *path);
json_t *dw_report_evaluate(sqlite3 *db, const struct strmap *flags, json_t *truth);
json_t *dw_report_against_outcomes(sqlite3 *db, const struct strmap *flags);
bool dw_report_known_site(sqlite3 *db, const char *site);
/* Sites of the recorded verify outcomes that the store does not know. */
json_t *dw_report_unknown_outcome_sites(sqlite3 *db);

#endif
