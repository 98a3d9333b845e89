/* TAP version 13: one test point per requirement. SKIP is TAP's SKIP
 * directive; a WARN stays "ok" (only a FAIL breaks a TAP consumer's run)
 * and says why in the description and the YAML block. */
#include "conform.h"

/* TAP descriptions end at '#' (a directive follows) and at a newline. */
static void put_desc(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s == '#' || *s == '\n' ? ' ' : *s, f);
}

static void put_yaml_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

void cf_write_tap(FILE *f, const struct cf_report *r)
{
	unsigned n = 0;
	for (size_t i = 0; i < r->n; i++)
		n += r->res[i].selected;
	fprintf(f, "TAP version 13\n1..%u\n", n);
	unsigned k = 0;
	for (size_t i = 0; i < r->n; i++) {
		const struct cf_result *x = &r->res[i];
		if (!x->selected)
			continue;
		k++;
		fprintf(f, "%s %u - %s %s", x->verdict == CF_FAIL ? "not ok" : "ok", k, x->req->id,
			stt_level_name(x->req->level));
		switch (x->verdict) {
		case CF_SKIP:
			fputs(" # SKIP ", f);
			put_desc(f, x->reason);
			fputc('\n', f);
			continue;
		case CF_WARN:
			fputs(" WARN: ", f);
			put_desc(f, x->reason);
			break;
		default:
			break;
		}
		fputc('\n', f);
		if (x->verdict == CF_FAIL || x->verdict == CF_WARN) {
			fputs("  ---\n  verdict: ", f);
			fputs(cf_verdict_name(x->verdict), f);
			fputs("\n  section: ", f);
			put_yaml_str(f, x->req->section);
			fputs("\n  reason: ", f);
			put_yaml_str(f, x->reason);
			fprintf(f, "\n  violations: %llu\n  ...\n",
				(unsigned long long)x->violations);
		}
	}
}
