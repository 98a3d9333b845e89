/* JUnit XML, as CI systems read it: one <testsuite>, one <testcase> per
 * requirement (classname = section). FAIL is a <failure>, SKIP a
 * <skipped>, WARN passes with the reason in <system-out>. */
#include <errno.h>
#include <stdio.h>

#include "conform.h"

static void put_xml(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		default:
			/* XML 1.0 has no way to write most control characters. */
			if (c < 0x20 && c != '\t' && c != '\n')
				fputc(' ', f);
			else
				fputc(c, f);
		}
	}
}

int cf_write_junit(const char *path, const struct cf_report *r)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	unsigned tests = r->counts[CF_PASS] + r->counts[CF_WARN] + r->counts[CF_FAIL] +
			 r->counts[CF_SKIP];
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f, "<testsuites name=\"stt-conform\" tests=\"%u\" failures=\"%u\" skipped=\"%u\">\n",
		tests, r->counts[CF_FAIL], r->counts[CF_SKIP]);
	fprintf(f, "  <testsuite name=\"stt-conform.");
	put_xml(f, r->mode);
	fprintf(f, "\" tests=\"%u\" failures=\"%u\" errors=\"0\" skipped=\"%u\">\n", tests,
		r->counts[CF_FAIL], r->counts[CF_SKIP]);
	fprintf(f, "    <properties>\n      <property name=\"profile\" value=\"%s\"/>\n",
		cf_profile_name(r->profile));
	fprintf(f, "      <property name=\"input\" value=\"");
	put_xml(f, r->input ? r->input : "-");
	fprintf(f, "\"/>\n    </properties>\n");
	for (size_t i = 0; i < r->n; i++) {
		const struct cf_result *x = &r->res[i];
		if (!x->selected)
			continue;
		fprintf(f, "    <testcase classname=\"stt.");
		put_xml(f, x->req->section);
		fprintf(f, "\" name=\"");
		put_xml(f, x->req->id);
		fprintf(f, "\">");
		switch (x->verdict) {
		case CF_FAIL:
			fprintf(f, "\n      <failure type=\"%s\" message=\"",
				stt_level_name(x->req->level));
			put_xml(f, x->reason);
			fprintf(f, "\">");
			put_xml(f, x->req->text);
			fprintf(f, "</failure>\n    ");
			break;
		case CF_SKIP:
			fprintf(f, "\n      <skipped message=\"");
			put_xml(f, x->reason);
			fprintf(f, "\"/>\n    ");
			break;
		case CF_WARN:
			fprintf(f, "\n      <system-out>WARN (%s): ", stt_level_name(x->req->level));
			put_xml(f, x->reason);
			fprintf(f, "</system-out>\n    ");
			break;
		case CF_PASS:
		default:
			if (x->note[0]) {
				fprintf(f, "\n      <system-out>");
				put_xml(f, x->note);
				fprintf(f, "</system-out>\n    ");
			}
			break;
		}
		fprintf(f, "</testcase>\n");
	}
	fprintf(f, "  </testsuite>\n</testsuites>\n");
	if (ferror(f)) {
		int e = errno;
		fclose(f);
		errno = e ? e : EIO;
		return -1;
	}
	return fclose(f) == 0 ? 0 : -1;
}
