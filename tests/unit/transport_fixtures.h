/* transport_fixtures.h: sample summaries for the transport tests (wire, outbox,
 * sender, ingest). Summary i of a stream is distinct and valid. */
#ifndef DENWATCH_TEST_TRANSPORT_FIXTURES_H
#define DENWATCH_TEST_TRANSPORT_FIXTURES_H

#include <stdio.h>
#include <string.h>

#include "denwatch/summary.h"

static inline void fixture_summary(struct dw_summary *s, unsigned i)
{
	memset(s, 0, sizeof(*s));
	s->window_seconds = 300;
	s->window_start = 1772409600 + 300 * (int64_t)(i / 1000);
	snprintf(s->imsi, sizeof s->imsi, "4600100%08u", i);
	snprintf(s->msisdn, sizeof s->msisdn, "86138%08u", i);
	s->n_imeis = 2;
	s->imeis_seen = 3;
	snprintf(s->imeis[0], sizeof s->imeis[0], "861234%08u", i);
	snprintf(s->imeis[1], sizeof s->imeis[1], "35123456%06u", i % 1000000);
	s->n_cells = 2;
	snprintf(s->cells[0].cell, sizeof s->cells[0].cell, "460-01-4660-%u", 19088743 + i % 7);
	s->cells[0].events = 10 + i % 5;
	strcpy(s->cells[1].cell, "460-01-4661-1");
	s->cells[1].events = 1;
	s->calls_out = i % 50;
	s->calls_out_answered = i % 20;
	s->calls_out_short = i % 3;
	s->calls_out_failed = 1;
	s->calls_out_seconds = 4000000000u;
	s->calls_in = 2;
	s->calls_in_answered = 1;
	s->sms_out = 7;
	s->sms_in = 1;
	s->distinct_callees = 9;
	s->distinct_sms_dests = 5;
	s->seq_run_max = 4;
	s->data_sessions = 0;
	s->registrations = 1;
	s->first_event_us = (int64_t)s->window_start * 1000000 + 5;
	s->last_event_us = s->first_event_us + 299000000;
	s->n_sketch = 3;
	s->contact_sketch[0] = 1;
	s->contact_sketch[1] = 0x8000000000000000ull + i;
	s->contact_sketch[2] = 0xffffffffffffffffull;
}

#endif
