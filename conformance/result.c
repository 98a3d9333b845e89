/* Per-requirement aggregation and the profiles. */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "conform.h"

bool cf_quiet;

const char *cf_verdict_name(enum cf_verdict v)
{
	switch (v) {
	case CF_PASS:
		return "PASS";
	case CF_WARN:
		return "WARN";
	case CF_FAIL:
		return "FAIL";
	case CF_SKIP:
	default:
		return "SKIP";
	}
}

const char *cf_profile_name(enum cf_profile p)
{
	switch (p) {
	case CF_PROFILE_STRICT:
		return "strict";
	case CF_PROFILE_OVS:
		return "ovs";
	case CF_PROFILE_DEFAULT:
	default:
		return "default";
	}
}

int cf_profile_parse(const char *s, enum cf_profile *p)
{
	if (!strcmp(s, "default"))
		*p = CF_PROFILE_DEFAULT;
	else if (!strcmp(s, "strict"))
		*p = CF_PROFILE_STRICT;
	else if (!strcmp(s, "ovs"))
		*p = CF_PROFILE_OVS;
	else
		return -1;
	return 0;
}

void cf_report_init(struct cf_report *r, enum cf_profile profile, const char *mode,
		    const char *input)
{
	memset(r, 0, sizeof(*r));
	r->profile = profile;
	r->mode = mode;
	r->input = input;
	r->n = stt_requirement_count();
	r->res = calloc(r->n ? r->n : 1, sizeof(*r->res));
	if (!r->res)
		stt_cli_die("out of memory");
	for (size_t i = 0; i < r->n; i++)
		r->res[i].req = stt_requirement_at(i);
}

void cf_report_free(struct cf_report *r)
{
	free(r->res);
	for (size_t i = 0; i < r->n_notes; i++)
		free(r->notes[i]);
	memset(r, 0, sizeof(*r));
}

bool cf_case_matches(const char *glob, const char *name)
{
	if (!glob)
		return true;
	char pat[256];
	for (const char *p = glob;;) {
		size_t n = strcspn(p, ",");
		if (n < sizeof(pat)) {
			memcpy(pat, p, n);
			pat[n] = '\0';
			if (n && fnmatch(pat, name, 0) == 0)
				return true;
		}
		if (!p[n])
			return false;
		p += n + 1;
	}
}

const char *cf_dscp_model_name(enum cf_dscp_model m)
{
	return m == CF_DSCP_UNIFORM ? "uniform" : m == CF_DSCP_PIPE ? "pipe" : "any";
}

const char *cf_ecn_mode_name(enum cf_ecn_mode m)
{
	return m == CF_ECN_NORMAL ? "normal" : m == CF_ECN_COMPAT ? "compat" : "any";
}

size_t cf_report_select(struct cf_report *r, const char *glob, unsigned mode_mask)
{
	size_t matched = 0;
	for (size_t i = 0; i < cf_case_count(); i++) {
		const struct cf_case *c = cf_case_at(i);
		if (!(c->mode & mode_mask))
			continue;
		if (!cf_case_matches(glob, c->name))
			continue;
		matched++;
		for (size_t j = 0; j < r->n; j++)
			if (cf_case_covers(c, r->res[j].req->id))
				r->res[j].selected = true;
	}
	return matched;
}

struct cf_result *cf_report_get(struct cf_report *r, const char *req_id)
{
	if (!req_id)
		return NULL;
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->res[i].req->id, req_id))
			return &r->res[i];
	return NULL;
}

void cf_report_exercise(struct cf_report *r, const char *req_id, uint64_t n)
{
	struct cf_result *x = cf_report_get(r, req_id);
	if (x)
		x->exercised += n;
}

/* The verdict a violation earns from the requirement's level alone. */
static enum cf_verdict level_verdict(enum stt_level l)
{
	return l == STT_LVL_MUST ? CF_FAIL : CF_WARN;
}

void cf_report_violation(struct cf_report *r, const char *req_id, const char *case_name,
			 bool known_ovs, const char *fmt, ...)
{
	struct cf_result *x = cf_report_get(r, req_id);
	if (!x)
		return;
	bool first = x->violations == 0;
	x->violations++;
	if (x->exercised < x->violations)
		x->exercised = x->violations;
	enum cf_verdict v = level_verdict(x->req->level);
	if (first)
		x->known_ovs = known_ovs;
	else if (!known_ovs)
		x->known_ovs = false;
	/* Keep the reason of the first violation: "expected X, got Y
	 * (packet N)" of the earliest packet is the one to look at. */
	if (first || (!known_ovs && x->known_ovs)) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(x->reason, sizeof(x->reason), fmt, ap);
		va_end(ap);
		x->first_case = case_name;
	}
	if (v > x->worst)
		x->worst = v;
}

void cf_report_note_pass(struct cf_report *r, const char *req_id, const char *fmt, ...)
{
	struct cf_result *x = cf_report_get(r, req_id);
	if (!x || x->note[0])
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->note, sizeof(x->note), fmt, ap);
	va_end(ap);
}

void cf_report_skip_reason(struct cf_report *r, const char *req_id, const char *fmt, ...)
{
	struct cf_result *x = cf_report_get(r, req_id);
	if (!x || x->reason[0])
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->reason, sizeof(x->reason), fmt, ap);
	va_end(ap);
}

static struct cf_stat *stat_slot(struct cf_report *r, const char *key)
{
	for (size_t i = 0; i < r->n_stats; i++)
		if (!strcmp(r->stats[i].key, key))
			return &r->stats[i];
	if (r->n_stats == CF_MAX_STATS)
		return NULL;
	struct cf_stat *s = &r->stats[r->n_stats++];
	snprintf(s->key, sizeof(s->key), "%s", key);
	return s;
}

void cf_report_stat_num(struct cf_report *r, const char *key, double v)
{
	struct cf_stat *s = stat_slot(r, key);
	if (!s)
		return;
	s->numeric = true;
	s->num = v;
	snprintf(s->value, sizeof(s->value), "%.15g", v);
}

void cf_report_stat(struct cf_report *r, const char *key, const char *fmt, ...)
{
	struct cf_stat *s = stat_slot(r, key);
	if (!s)
		return;
	s->numeric = false;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->value, sizeof(s->value), fmt, ap);
	va_end(ap);
}

void cf_report_note(struct cf_report *r, const char *fmt, ...)
{
	if (r->n_notes == CF_MAX_NOTES)
		return;
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	char *s = strdup(buf);
	if (s)
		r->notes[r->n_notes++] = s;
}

void cf_report_finish(struct cf_report *r)
{
	memset(r->counts, 0, sizeof(r->counts));
	for (size_t i = 0; i < r->n; i++) {
		struct cf_result *x = &r->res[i];
		if (!x->selected)
			continue;
		if (x->violations) {
			enum cf_verdict v = x->worst;
			if (r->profile == CF_PROFILE_STRICT && x->req->level != STT_LVL_INFO &&
			    x->req->level != STT_LVL_MAY)
				v = CF_FAIL;
			if (r->profile == CF_PROFILE_OVS && x->known_ovs) {
				v = CF_WARN;
				size_t l = strlen(x->reason);
				snprintf(x->reason + l, sizeof(x->reason) - l,
					 " [known OVS deviation]");
			}
			x->verdict = v;
		} else if (x->exercised) {
			x->verdict = CF_PASS;
			x->reason[0] = '\0';
		} else {
			x->verdict = CF_SKIP;
			if (!x->reason[0])
				snprintf(x->reason, sizeof(x->reason),
					 "not exercised by this %s",
					 strcmp(r->mode, "passive") ? "run" : "capture");
		}
		r->counts[x->verdict]++;
	}
}

int cf_report_exit_code(const struct cf_report *r)
{
	return r->counts[CF_FAIL] ? STT_EXIT_FINDINGS : STT_EXIT_OK;
}

void cf_progress(const char *fmt, ...)
{
	if (cf_quiet)
		return;
	va_list ap;
	fprintf(stderr, "%s: ", stt_cli_prog());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
