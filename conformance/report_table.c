/* The readable table on stdout: ID, level, verdict, reason; then the
 * statistics and notes, then one summary line. */
#include <string.h>

#include "conform.h"

static const char *color_of(enum cf_verdict v)
{
	switch (v) {
	case CF_PASS:
		return "\033[32m";
	case CF_WARN:
		return "\033[33m";
	case CF_FAIL:
		return "\033[31m";
	case CF_SKIP:
	default:
		return "\033[2m";
	}
}

void cf_write_table(FILE *f, const struct cf_report *r, bool color)
{
	int idw = 2;
	for (size_t i = 0; i < r->n; i++) {
		int l = (int)strlen(r->res[i].req->id);
		if (r->res[i].selected && l > idw)
			idw = l;
	}
	fprintf(f, "%-*s  %-11s  %-6s  %s\n", idw, "ID", "LEVEL", "RESULT", "REASON");
	for (size_t i = 0; i < r->n; i++) {
		const struct cf_result *x = &r->res[i];
		if (!x->selected)
			continue;
		const char *why = x->verdict == CF_PASS ? x->note : x->reason;
		fprintf(f, "%-*s  %-11s  %s%-6s%s  %s\n", idw, x->req->id,
			stt_level_name(x->req->level), color ? color_of(x->verdict) : "",
			cf_verdict_name(x->verdict), color ? "\033[0m" : "", why);
	}
	if (r->n_stats) {
		fprintf(f, "\nstatistics:\n");
		for (size_t i = 0; i < r->n_stats; i++)
			fprintf(f, "  %-28s %s\n", r->stats[i].key, r->stats[i].value);
	}
	if (r->n_notes) {
		fprintf(f, "\nnotes:\n");
		for (size_t i = 0; i < r->n_notes; i++)
			fprintf(f, "  %s\n", r->notes[i]);
	}
	fprintf(f, "\n%u PASS, %u FAIL, %u WARN, %u SKIP (profile %s, %s %s",
		r->counts[CF_PASS], r->counts[CF_FAIL], r->counts[CF_WARN], r->counts[CF_SKIP],
		cf_profile_name(r->profile), r->mode, r->input ? r->input : "-");
	if (r->duration_s > 0)
		fprintf(f, ", finished in %.1f s", r->duration_s);
	fprintf(f, ")\n");
}
