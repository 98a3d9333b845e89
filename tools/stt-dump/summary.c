/* Counters, warning names, and the end-of-run summary on stderr: one
 * "N what" line per non-zero counter, in tcpdump's "N packets captured"
 * style, so scripts can grep it. */
#include "dump.h"

#include <stdio.h>

static const char *const own_names[] = {
	[DUMP_W_SNAPLEN_CUT - STT_CHK__COUNT] = "snaplen_cut",
	[DUMP_W_REASM_NOMEM - STT_CHK__COUNT] = "reasm_nomem",
	[DUMP_W_MALFORMED - STT_CHK__COUNT] = "malformed_packet",
	[DUMP_W_NOT_STT - STT_CHK__COUNT] = "not_stt",
};

const char *dump_warn_name(unsigned id)
{
	if (id < STT_CHK__COUNT) {
		const struct stt_check_def *def = stt_check_def((enum stt_check)id);
		return def && def->name ? def->name : "unknown";
	}
	if (id < DUMP_W_COUNT)
		return own_names[id - STT_CHK__COUNT];
	return "unknown";
}

const char *dump_warn_req(unsigned id)
{
	if (id < STT_CHK__COUNT) {
		const struct stt_check_def *def = stt_check_def((enum stt_check)id);
		return def ? def->req_id : NULL;
	}
	return NULL;
}

const char *dump_warn_level(unsigned id)
{
	if (id < STT_CHK__COUNT) {
		const struct stt_check_def *def = stt_check_def((enum stt_check)id);
		return def ? stt_level_name(def->level) : "INFO";
	}
	return stt_level_name(STT_LVL_INFO);
}

void dump_count_warning(struct dump *d, unsigned id)
{
	if (id < DUMP_W_COUNT)
		d->cnt.warnings[id]++;
	d->cnt.warnings_total++;
}

bool dump_any_warning(const struct dump *d)
{
	return d->cnt.warnings_total != 0;
}

static void line(uint64_t n, const char *what, bool always)
{
	if (n || always)
		fprintf(stderr, "%llu %s\n", (unsigned long long)n, what);
}

void dump_summary(struct dump *d)
{
	const struct dump_counters *c = &d->cnt;
	line(c->packets, "packets read", true);
	line(c->segments, "STT segments", true);
	line(c->frames, "STT frames", true);
	line(c->not_stt, "non-STT packets skipped", false);
	line(c->not_stt_on_port, "non-STT TCP packets on an STT port", false);
	line(c->fragments, "outer IP fragments", false);
	line(c->hdr_truncated, "packets with headers cut by the snaplen", false);
	line(c->malformed, "malformed packets", false);
	if (d->reasm) {
		const struct stt_reasm_stats *st = stt_reasm_stats(d->reasm);
		line(st->duplicates, "duplicate segments absorbed", false);
		for (unsigned r = 0; r < STT_DROP__COUNT; r++)
			if (st->drops[r])
				fprintf(stderr, "%llu dropped by reassembly (%s)\n",
					(unsigned long long)st->drops[r],
					stt_drop_reason_name((enum stt_drop_reason)r));
	}
	for (unsigned i = 0; i < DUMP_W_COUNT; i++)
		if (c->warnings[i])
			fprintf(stderr, "%llu warning%s (%s)\n", (unsigned long long)c->warnings[i],
				c->warnings[i] == 1 ? "" : "s", dump_warn_name(i));
	if (d->w)
		line(stt_capw_count(d->w), "packets written", true);
	if (d->decap)
		line(stt_capw_count(d->decap), "frames decapsulated", true);
	uint64_t recv, drop, ifdrop;
	if (d->cap && stt_cap_stats(d->cap, &recv, &drop, &ifdrop) == 0) {
		line(recv, "packets received by filter", true);
		line(drop, "packets dropped by kernel", true);
		line(ifdrop, "packets dropped by interface", false);
	}
}
