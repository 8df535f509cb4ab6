/* truth.c: truth.json, the ground truth of a run (format in docs/TRUTH.md): den
 * sites with their gateways, SIMs and IMEIs; negative sites and their kind; and
 * per subscriber what was generated, counted as the messages were written. */
#include "sim.h"

#include <errno.h>
#include <inttypes.h>

static const char *const role_names[] = {"normal", "den", "call_centre", "m2m", "hub"};

static void u64_list(FILE *f, const uint64_t *v, size_t n, int width)
{
	fputc('[', f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s\"%0*" PRIu64 "\"", i ? ", " : "", width, v[i]);
	fputc(']', f);
}

static void write_den(FILE *f, const struct world *w, const struct den *d, int64_t t0)
{
	fprintf(f,
		"    { \"site_id\": \"%s\", \"start\": %" PRId64 ", \"end\": %" PRId64
		",\n",
		w->sites[d->site].id, t0 + d->start, t0 + d->end);
	fputs("      \"gateways\": [", f);
	for (uint32_t g = 0; g < d->ngw; g++) {
		const struct gateway *gw = &w->gws[d->gw0 + g];
		fprintf(f,
			"%s\n        { \"tac\": \"%08" PRIu64
			"\", \"ports\": %u, \"imeis\": ",
			g ? "," : "", gw->tac, gw->ports);
		u64_list(f, gw->imeis, gw->nimeis, 14);
		fputs(" }", f);
	}
	fputs(" ],\n      \"imsis\": [", f);
	uint32_t k = 0;
	for (uint32_t i = 0; i < d->nsims; i++) {
		const struct sub *s = &w->subs[d->sims[i]];
		if (s->seen)
			fprintf(f, "%s\"%015" PRIu64 "\"", k++ ? ", " : "", s->imsi);
	}
	fputs("],\n      \"msisdns\": [", f);
	k = 0;
	for (uint32_t i = 0; i < d->nsims; i++) {
		const struct sub *s = &w->subs[d->sims[i]];
		if (s->seen)
			fprintf(f, "%s\"%" PRIu64 "\"", k++ ? ", " : "", s->msisdn);
	}
	fputs("],\n      \"imeis\": [", f);
	k = 0;
	for (uint32_t g = 0; g < d->ngw; g++) {
		const struct gateway *gw = &w->gws[d->gw0 + g];
		for (uint32_t i = 0; i < gw->nimeis; i++)
			fprintf(f, "%s\"%014" PRIu64 "\"", k++ ? ", " : "", gw->imeis[i]);
	}
	fputs("] }", f);
}

int truth_write(const struct world *w, const struct sim_stats *st, const char *path)
{
	const struct sim_params *p = w->p;
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	static char buf[1 << 20];
	setvbuf(f, buf, _IOFBF, sizeof buf);
	fprintf(f, "{\n  \"format\": 1, \"preset\": \"%s\", \"seed\": %" PRIu64 ",\n",
		p->preset, p->seed);
	fprintf(f, "  \"start\": %" PRId64 ", \"end\": %" PRId64 ",\n", p->start_epoch,
		st->end_epoch);
	fputs("  \"mcc\": 460, \"mnc\": \"01\",\n", f);
	fprintf(f,
		"  \"stats\": { \"ims_packets\": %" PRIu64 ", \"s11_packets\": %" PRIu64
		", \"cells_used\": %" PRIu64 ", \"sites\": %u, \"cells\": %u },\n",
		st->ims_packets, st->s11_packets, st->cells_used, w->nsites, w->ncells);
	fputs("  \"dens\": [", f);
	for (uint32_t d = 0; d < w->ndens; d++) {
		fputs(d ? ",\n" : "\n", f);
		write_den(f, w, &w->dens[d], p->start_epoch);
	}
	fputs(w->ndens ? "\n  ],\n" : "],\n", f);
	fputs("  \"negatives\": [", f);
	int n = 0;
	const struct {
		uint32_t site;
		const char *kind;
	} neg[] = {{w->cc_site, "call_centre"},
		   {w->m2m_site, "m2m"},
		   {w->hub_site, "transport_hub"},
		   {w->festival_site, "festival"}};
	for (int i = 0; i < 4; i++)
		if (neg[i].site != UINT32_MAX)
			fprintf(f, "%s\n    { \"site_id\": \"%s\", \"kind\": \"%s\" }",
				n++ ? "," : "", w->sites[neg[i].site].id, neg[i].kind);
	fputs(n ? "\n  ],\n" : "],\n", f);
	fputs("  \"subscribers\": [", f);
	n = 0;
	for (uint32_t i = 0; i < w->nsubs; i++) {
		const struct sub *s = &w->subs[i];
		if (!s->seen)
			continue;
		fprintf(f,
			"%s\n    { \"imsi\": \"%015" PRIu64 "\", \"msisdn\": \"%" PRIu64
			"\", \"imeis\": ",
			n++ ? "," : "", s->imsi, s->msisdn);
		u64_list(f, s->imei, s->nimei, 14);
		fprintf(f,
			", \"role\": \"%s\", \"site_id\": \"%s\", \"calls_out\": %u, "
			"\"calls_in\": %u, \"sms_out\": %u, \"sms_in\": %u, "
			"\"data_sessions\": %u }",
			role_names[s->role], w->sites[s->site].id, s->calls_out,
			s->calls_in, s->sms_out, s->sms_in, s->data_sessions);
	}
	fputs(n ? "\n  ]\n}\n" : "]\n}\n", f);
	int err = ferror(f) ? (errno ? errno : EIO) : 0;
	if (fclose(f) != 0 && !err)
		err = errno ? errno : EIO;
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}
