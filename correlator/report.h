/* report.h: the investigator commands on the store (DESIGN 8): ranked sites, one
 * site's evidence, verification outcomes, map exports, evaluation against a truth
 * file and threshold tuning by replay. Each returns an exit code. */
#ifndef DENWATCH_CORRELATOR_REPORT_H
#define DENWATCH_CORRELATOR_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "denwatch/config.h"
#include "store.h"

int dw_report_sites(struct dw_store *st, FILE *out, bool json, bool all, const char *status);
int dw_report_show(struct dw_store *st, FILE *out, const char *site, bool json);
int dw_report_verify(struct dw_store *st, const char *site, const char *outcome,
		     const char *note, const char *who);
int dw_report_export(struct dw_store *st, FILE *out, const char *format, bool all);
int dw_report_eval(struct dw_store *st, FILE *out, const char *truth_path, bool json);
/* Replays the store's summaries with cfg on a copy; compares with the live flags. */
int dw_report_tune(struct dw_store *st, const struct dw_config *cfg, FILE *out,
		   const char *truth_path, bool json);

#endif
