/* --list: the requirement catalogue from libstt with the cases that check
 * each requirement, as text, JSON or the Markdown of docs/conformance.md. */
#include <jansson.h>
#include <string.h>

#include "conform.h"

static const char *sides_name(unsigned sides)
{
	switch (sides & (STT_SIDE_TX | STT_SIDE_RX)) {
	case STT_SIDE_TX:
		return "tx";
	case STT_SIDE_RX:
		return "rx";
	case STT_SIDE_TX | STT_SIDE_RX:
		return "tx+rx";
	default:
		return "-";
	}
}

static void put_cases(FILE *f, const char *req_id, const char *sep, const char *quote)
{
	bool first = true;
	for (size_t i = 0; i < cf_case_count(); i++) {
		const struct cf_case *c = cf_case_at(i);
		if (!cf_case_covers(c, req_id))
			continue;
		fprintf(f, "%s%s%s%s", first ? "" : sep, quote, c->name, quote);
		first = false;
	}
	if (first)
		fputs("(none)", f);
}

void cf_list_text(FILE *f)
{
	for (size_t i = 0; i < stt_requirement_count(); i++) {
		const struct stt_requirement *q = stt_requirement_at(i);
		fprintf(f, "%-28s %-11s %-12s %s\n", q->id, stt_level_name(q->level), q->section,
			q->text);
		fprintf(f, "%-28s cases: ", "");
		put_cases(f, q->id, ", ", "");
		fputc('\n', f);
	}
	fprintf(f, "\ncases:\n");
	for (size_t j = 0; j < cf_case_count(); j++) {
		const struct cf_case *c = cf_case_at(j);
		fprintf(f, "  %-22s %s  %s\n", c->name, c->mode & CF_MODE_RX ? "rx" : "tx", c->summary);
	}
}

static json_t *mode_json(unsigned mode)
{
	json_t *a = json_array();
	if (mode & CF_MODE_TX)
		json_array_append_new(a, json_string("tx"));
	if (mode & CF_MODE_RX)
		json_array_append_new(a, json_string("rx"));
	return a;
}

int cf_list_json(FILE *f)
{
	json_t *root = json_object();
	json_t *reqs = json_array();
	for (size_t i = 0; i < stt_requirement_count(); i++) {
		const struct stt_requirement *q = stt_requirement_at(i);
		json_t *o = json_object();
		json_object_set_new(o, "id", json_string(q->id));
		json_object_set_new(o, "section", json_string(q->section));
		json_object_set_new(o, "level", json_string(stt_level_name(q->level)));
		json_object_set_new(o, "sides", mode_json((q->sides & STT_SIDE_TX ? CF_MODE_TX : 0) |
							  (q->sides & STT_SIDE_RX ? CF_MODE_RX : 0)));
		json_object_set_new(o, "text", json_string(q->text));
		json_t *cs = json_array();
		for (size_t j = 0; j < cf_case_count(); j++)
			if (cf_case_covers(cf_case_at(j), q->id))
				json_array_append_new(cs, json_string(cf_case_at(j)->name));
		json_object_set_new(o, "cases", cs);
		json_array_append_new(reqs, o);
	}
	json_object_set_new(root, "requirements", reqs);
	json_t *cases = json_array();
	for (size_t j = 0; j < cf_case_count(); j++) {
		const struct cf_case *c = cf_case_at(j);
		json_t *o = json_object();
		json_object_set_new(o, "name", json_string(c->name));
		json_object_set_new(o, "side", json_string(c->mode & CF_MODE_RX ? "rx" : "tx"));
		json_object_set_new(o, "summary", json_string(c->summary));
		json_t *rs = json_array();
		for (size_t i = 0; i < stt_requirement_count(); i++) {
			const struct stt_requirement *q = stt_requirement_at(i);
			if (cf_case_covers(c, q->id))
				json_array_append_new(rs, json_string(q->id));
		}
		json_object_set_new(o, "requirements", rs);
		json_t *ks = json_array();
		for (const enum stt_check *k = c->checks; k && *k != STT_CHK__COUNT; k++) {
			const struct stt_check_def *d = stt_check_def(*k);
			if (d)
				json_array_append_new(ks, json_string(d->name));
		}
		json_object_set_new(o, "checks", ks);
		json_array_append_new(cases, o);
	}
	json_object_set_new(root, "cases", cases);
	int rc = json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
	json_decref(root);
	return rc;
}

/* Markdown table cells: a '|' would end the cell, a newline the row. */
static void put_md(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
}

void cf_list_markdown(FILE *f)
{
	size_t n = stt_requirement_count();
	fprintf(f, "### Requirements (%zu)\n\n", n);
	fprintf(f, "| ID | level | section | side | requirement | cases |\n");
	fprintf(f, "|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < n; i++) {
		const struct stt_requirement *q = stt_requirement_at(i);
		fprintf(f, "| `%s` | %s | ", q->id, stt_level_name(q->level));
		put_md(f, q->section);
		fprintf(f, " | %s | ", sides_name(q->sides));
		put_md(f, q->text);
		fputs(" | ", f);
		put_cases(f, q->id, ", ", "`");
		fputs(" |\n", f);
	}
	fprintf(f, "\n### Cases (%zu)\n\n", cf_case_count());
	fprintf(f, "| case | side | what it does | requirements |\n");
	fprintf(f, "|---|---|---|---|\n");
	for (size_t j = 0; j < cf_case_count(); j++) {
		const struct cf_case *c = cf_case_at(j);
		fprintf(f, "| `%s` | %s | ", c->name, c->mode & CF_MODE_RX ? "rx" : "tx");
		put_md(f, c->summary);
		fputs(" | ", f);
		bool first = true;
		for (size_t i = 0; i < n; i++) {
			const struct stt_requirement *q = stt_requirement_at(i);
			if (!cf_case_covers(c, q->id))
				continue;
			fprintf(f, "%s`%s`", first ? "" : ", ", q->id);
			first = false;
		}
		fputs(" |\n", f);
	}
}
