/* --json FILE: the whole report, stable keys (see docs/conformance.md). */
#include <errno.h>
#include <jansson.h>
#include <string.h>

#include "conform.h"
#include "stt/version.h"

static json_t *cases_for(const char *req_id)
{
	json_t *a = json_array();
	for (size_t i = 0; i < cf_case_count(); i++) {
		const struct cf_case *c = cf_case_at(i);
		if (cf_case_covers(c, req_id))
			json_array_append_new(a, json_string(c->name));
	}
	return a;
}

static json_t *stat_value(const struct cf_stat *s)
{
	if (!s->numeric)
		return json_string(s->value);
	if (s->num == (double)(json_int_t)s->num)
		return json_integer((json_int_t)s->num);
	return json_real(s->num);
}

int cf_write_json(const char *path, const struct cf_report *r)
{
	json_t *root = json_object();
	json_object_set_new(root, "tool", json_string("stt-conform"));
	json_object_set_new(root, "version", json_string(STT_VERSION_STRING));
	json_object_set_new(root, "mode", json_string(r->mode));
	json_object_set_new(root, "input", r->input ? json_string(r->input) : json_null());
	json_object_set_new(root, "profile", json_string(cf_profile_name(r->profile)));
	json_t *sum = json_object();
	json_object_set_new(sum, "pass", json_integer(r->counts[CF_PASS]));
	json_object_set_new(sum, "fail", json_integer(r->counts[CF_FAIL]));
	json_object_set_new(sum, "warn", json_integer(r->counts[CF_WARN]));
	json_object_set_new(sum, "skip", json_integer(r->counts[CF_SKIP]));
	json_object_set_new(root, "summary", sum);
	if (r->duration_s > 0)
		json_object_set_new(root, "duration_ms",
				    json_integer((json_int_t)(r->duration_s * 1000 + 0.5)));
	json_t *res = json_array();
	for (size_t i = 0; i < r->n; i++) {
		const struct cf_result *x = &r->res[i];
		if (!x->selected)
			continue;
		json_t *o = json_object();
		json_object_set_new(o, "id", json_string(x->req->id));
		json_object_set_new(o, "section", json_string(x->req->section));
		json_object_set_new(o, "level", json_string(stt_level_name(x->req->level)));
		json_object_set_new(o, "verdict", json_string(cf_verdict_name(x->verdict)));
		const char *why = x->verdict == CF_PASS ? x->note : x->reason;
		json_object_set_new(o, "reason", json_string(why));
		json_object_set_new(o, "exercised", json_integer((json_int_t)x->exercised));
		json_object_set_new(o, "violations", json_integer((json_int_t)x->violations));
		if (x->first_case)
			json_object_set_new(o, "case", json_string(x->first_case));
		json_object_set_new(o, "cases", cases_for(x->req->id));
		json_array_append_new(res, o);
	}
	json_object_set_new(root, "results", res);
	json_t *st = json_object();
	for (size_t i = 0; i < r->n_stats; i++)
		json_object_set_new(st, r->stats[i].key, stat_value(&r->stats[i]));
	json_object_set_new(root, "statistics", st);
	json_t *notes = json_array();
	for (size_t i = 0; i < r->n_notes; i++)
		json_array_append_new(notes, json_string(r->notes[i]));
	json_object_set_new(root, "notes", notes);

	int rc;
	if (!strcmp(path, "-"))
		rc = json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	else
		rc = json_dump_file(root, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (!strcmp(path, "-"))
		fputc('\n', stdout);
	json_decref(root);
	if (rc != 0 && !errno)
		errno = EIO;
	return rc == 0 ? 0 : -1;
}
