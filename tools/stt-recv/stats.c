/* stt-recv's counters: a few lines on stderr at exit, and the same numbers
 * as one JSON object for scripts (--stats-json). */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "recv.h"

void stats_print(const struct recv *r)
{
	const struct recv_counters *c = &r->cnt;
	const struct stt_reasm_stats *s = stt_reasm_stats(r->reasm);
	FILE *f = stderr;
	fprintf(f,
		"%s: %" PRIu64 " packets, %" PRIu64 " STT segments, %" PRIu64
		" frames reassembled, %" PRIu64 " delivered\n",
		stt_cli_prog(), c->packets, c->segments, c->frames, c->delivered);
	if (r->have_kernel_stats)
		fprintf(f, "%s: %" PRIu64 " packets dropped by the kernel (capture buffer)\n",
			stt_cli_prog(), c->kernel_drops);
	fprintf(f,
		"%s: skipped %" PRIu64 " not STT, %" PRIu64 " own, %" PRIu64 " malformed, %" PRIu64
		" truncated, %" PRIu64 " bad checksum\n",
		stt_cli_prog(), c->not_stt, c->own, c->malformed, c->truncated, c->bad_csum);
	fprintf(f,
		"%s: frames refused: %" PRIu64 " bad version, %" PRIu64 " too short, %" PRIu64
		" other context",
		stt_cli_prog(), c->bad_version, c->too_short, c->filtered);
	if (r->o->qos)
		fprintf(f, ", %" PRIu64 " ECN (CE over Not-ECT); %" PRIu64 " inner TOS rewritten",
			c->ecn_drops, c->tos_rewritten);
	fputc('\n', f);
	fprintf(f, "%s: reassembly: %" PRIu64 " duplicates, %" PRIu64 " partial duplicates",
		stt_cli_prog(), s->duplicates, s->partial_dups);
	for (int i = 0; i < STT_DROP__COUNT; i++)
		if (s->drops[i])
			fprintf(f, ", %" PRIu64 " %s", s->drops[i],
				stt_drop_reason_name((enum stt_drop_reason)i));
	fputc('\n', f);
	if (r->o->echo || c->warnings || c->out_errors)
		fprintf(f, "%s: %" PRIu64 " echoed (%" PRIu64 " failed), %" PRIu64
			   " warnings, %" PRIu64 " output errors\n",
			stt_cli_prog(), c->echoed, c->echo_errors, c->warnings, c->out_errors);
	if (r->o->faults & FAULT_DELIVER_INCOMPLETE)
		fprintf(f, "%s: %" PRIu64 " incomplete frames delivered (--fault deliver-incomplete)\n",
			stt_cli_prog(), c->partials);
}

int stats_write_json(const struct recv *r, const char *path)
{
	const struct recv_counters *c = &r->cnt;
	const struct stt_reasm_stats *s = stt_reasm_stats(r->reasm);
	json_t *j = json_object();
#define SET(name, v) json_object_set_new(j, name, json_integer((json_int_t)(v)))
	SET("packets", c->packets);
	SET("not_stt", c->not_stt);
	SET("own", c->own);
	SET("malformed", c->malformed);
	SET("truncated", c->truncated);
	SET("bad_csum", c->bad_csum);
	SET("segments", c->segments);
	SET("frames", c->frames);
	SET("bad_version", c->bad_version);
	SET("too_short", c->too_short);
	SET("other_context", c->filtered);
	SET("delivered", c->delivered);
	SET("warnings", c->warnings);
	SET("echoed", c->echoed);
	SET("echo_errors", c->echo_errors);
	SET("output_errors", c->out_errors);
	SET("ecn_drops", c->ecn_drops);
	SET("tos_rewritten", c->tos_rewritten);
	if (r->o->faults & FAULT_DELIVER_INCOMPLETE)
		SET("partials_delivered", c->partials);
	if (r->have_kernel_stats)
		SET("kernel_drops", c->kernel_drops);
#undef SET
	json_t *rs = json_object();
#define RSET(name, v) json_object_set_new(rs, name, json_integer((json_int_t)(v)))
	RSET("segments", s->segments);
	RSET("accepted", s->accepted);
	RSET("duplicates", s->duplicates);
	RSET("partial_dups", s->partial_dups);
	RSET("frames_started", s->frames_started);
	RSET("frames_delivered", s->frames_delivered);
	RSET("bytes_delivered", s->bytes_delivered);
	RSET("mem_peak", s->mem_peak);
#undef RSET
	json_t *drops = json_object();
	for (int i = 0; i < STT_DROP__COUNT; i++)
		json_object_set_new(drops, stt_drop_reason_name((enum stt_drop_reason)i),
				    json_integer((json_int_t)s->drops[i]));
	json_object_set_new(rs, "drops", drops);
	json_object_set_new(j, "reassembly", rs);

	int rc;
	if (strcmp(path, "-") == 0) {
		rc = json_dumpf(j, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		if (rc == 0)
			fputc('\n', stdout);
	} else {
		rc = json_dump_file(j, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	}
	json_decref(j);
	if (rc != 0)
		stt_cli_warn("%s: cannot write the statistics", path);
	return rc;
}
