/* Passive mode: the transmit-side checks over any capture file. */
#include <string.h>

#include "cli.h"
#include "conform.h"
#include "stt/capture.h"
#include "stt/outer.h"

int cf_passive_run(struct cf_report *r, const struct cf_passive_opts *o)
{
	char err[STT_CAP_ERRLEN];
	struct stt_cap_opts copts = { 0 };
	struct stt_cap *cap = stt_cap_open_file(o->path, &copts, err);
	if (!cap) {
		stt_cli_warn("%s", err);
		return -1;
	}
	int lt = stt_cap_linktype(cap);
	if (!stt_link_supported(lt)) {
		stt_cli_warn("%s: link type %d (%s) is not one stt-conform decodes", stt_cap_source(cap),
			     lt, stt_cap_link_name(lt));
		stt_cap_close(cap);
		return -1;
	}
	struct cf_txan *t = cf_txan_new(r, o->port);
	if (!t) {
		stt_cap_close(cap);
		stt_cli_warn("out of memory");
		return -1;
	}
	cf_progress("reading %s", stt_cap_source(cap));
	struct stt_cap_pkt p;
	enum stt_cap_result res;
	uint64_t last_ts = 0;
	while ((res = stt_cap_next(cap, &p)) == STT_CAP_PACKET) {
		cf_txan_packet(t, p.linktype, p.data, p.caplen, p.wirelen, p.ts_ns,
			       (uint32_t)p.number);
		last_ts = p.ts_ns;
		if (p.number % 1000000 == 0)
			cf_progress("%llu packets read", (unsigned long long)p.number);
	}
	if (res == STT_CAP_ERROR) {
		stt_cli_warn("%s", stt_cap_error(cap));
		cf_txan_free(t);
		stt_cap_close(cap);
		return -1;
	}
	cf_progress("%llu packets, %llu STT segments", (unsigned long long)stt_cap_count(cap),
		    (unsigned long long)cf_txan_stt_segments(t));
	cf_txan_finish(t, last_ts);
	cf_txan_free(t);
	stt_cap_close(cap);
	return 0;
}
