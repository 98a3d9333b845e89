/* --local: the generators against libstt's reassembler in this process. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fuzz.h"
#include "fuzzcli.h"

struct shrink_ctx {
	const struct fz_case *c;
	enum fz_broken broken;
	const char *invariant;
};

static bool still_fails(void *ctx, const bool *keep)
{
	struct shrink_ctx *s = ctx;
	struct fz_finding f;

	return fz_run_case(s->c, keep, s->broken, &f) && strcmp(f.invariant, s->invariant) == 0;
}

void fz_progress(const struct fz_opts *o, uint64_t cases, uint64_t start, uint64_t now,
		 const char *extra)
{
	double el = (double)(now - start) / 1e9;
	double left = o->duration > el ? o->duration - el : 0;
	char rest[64];

	if (o->quiet)
		return;
	if (o->cases)
		snprintf(rest, sizeof(rest), "of %llu", (unsigned long long)o->cases);
	else
		snprintf(rest, sizeof(rest), "%.0f s left", left);
	fprintf(stderr, "%s: %llu cases (%s), %.0f cases/s%s%s\n", stt_cli_prog(),
		(unsigned long long)cases, rest, el > 0 ? (double)cases / el : 0.0,
		extra ? ", " : "", extra ? extra : "");
}

/* Report a finding, shrink it, save the reproducer. */
static void report(const struct fz_opts *o, struct fz_case *c, const struct fz_finding *f0)
{
	struct shrink_ctx sc = { c, o->broken, f0->invariant };
	struct fz_finding f = *f0;
	bool *keep = malloc(c->nsegs ? c->nsegs : 1);
	char path[4096];

	if (!keep)
		stt_cli_die("out of memory");
	printf("%s: FINDING in case %llu (seed %llu, %s stream of %u segments): invariant %s: %s\n",
	       stt_cli_prog(), (unsigned long long)c->number, (unsigned long long)o->seed,
	       fz_kind_name(c->kind), c->nsegs, f.invariant, f.detail);
	memset(keep, 1, c->nsegs);
	unsigned kept = fz_shrink(c->nsegs, keep, still_fails, &sc, 2000);
	if (!fz_run_case(c, keep, o->broken, &f)) {
		/* cannot happen: every accepted step failed; keep all then */
		memset(keep, 1, c->nsegs);
		kept = c->nsegs;
		f = *f0;
	}
	printf("%s: shrunk to %u of %u segments: invariant %s: %s\n", stt_cli_prog(), kept,
	       c->nsegs, f.invariant, f.detail);
	if (fz_mkdir(o->out) == 0) {
		snprintf(path, sizeof(path), "%s/seed%llu-case%llu-%s.pcap", o->out,
			 (unsigned long long)o->seed, (unsigned long long)c->number, f.invariant);
		if (fz_write_pcap(path, c, keep, false) == 0)
			printf("%s: reproducer: %s (%u packets in arrival order)\n", stt_cli_prog(),
			       path, kept);
		if (!strcmp(f.invariant, "order")) {
			snprintf(path, sizeof(path), "%s/seed%llu-case%llu-%s-shuffled.pcap", o->out,
				 (unsigned long long)o->seed, (unsigned long long)c->number,
				 f.invariant);
			if (fz_write_pcap(path, c, keep, true) == 0)
				printf("%s: reproducer: %s (the same packets, shuffled)\n",
				       stt_cli_prog(), path);
		}
	}
	printf("%s: replay: %s --local --seed %llu --case %llu\n", stt_cli_prog(), stt_cli_prog(),
	       (unsigned long long)o->seed, (unsigned long long)c->number);
	free(keep);
}

int fz_local(const struct fz_opts *o)
{
	struct fz_case c;
	struct fz_finding f;
	uint64_t start = stt_io_now_ns(), next_progress = start + 1000000000ull;
	uint64_t cases = 0, findings = 0, first = 0, last = UINT64_MAX;

	if (o->one_case) {
		first = o->case_no;
		last = o->case_no + 1;
	}
	fz_case_init(&c);
	for (uint64_t i = first; i < last; i++) {
		if (!o->one_case && o->cases && cases >= o->cases)
			break;
		if (!o->one_case && !o->cases && (cases & 15) == 0) {
			uint64_t now = stt_io_now_ns();
			if ((double)(now - start) / 1e9 >= o->duration)
				break;
			if (now >= next_progress) {
				fz_progress(o, cases, start, now, NULL);
				next_progress = now + 1000000000ull;
			}
		} else if (o->cases && (cases & 15) == 0 && !o->quiet) {
			uint64_t now = stt_io_now_ns();
			if (now >= next_progress) {
				fz_progress(o, cases, start, now, NULL);
				next_progress = now + 1000000000ull;
			}
		}
		fz_generate(&c, fz_case_seed(o->seed, i), i);
		cases++;
		if (fz_run_case(&c, NULL, o->broken, &f)) {
			findings++;
			report(o, &c, &f);
			break;
		}
	}
	fz_case_free(&c);
	const struct fz_totals *t = fz_get_totals();
	/* a summary, not progress: printed with -q too */
	fprintf(stderr,
		"%s: %llu segments offered, %llu frames completed by the model, %llu delivered, %llu conflicting overlaps\n",
		stt_cli_prog(), (unsigned long long)t->segments, (unsigned long long)t->expected,
		(unsigned long long)t->delivered, (unsigned long long)t->conflicts);
	printf("%s: %llu cases, %llu findings (seed %llu)\n", stt_cli_prog(),
	       (unsigned long long)cases, (unsigned long long)findings,
	       (unsigned long long)o->seed);
	fflush(stdout);
	return findings ? STT_EXIT_FINDINGS : STT_EXIT_OK;
}
