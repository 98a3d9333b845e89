/* stt-tunnel counters: human-readable (SIGUSR1) and JSON (--stats-json). */
#include <jansson.h>
#include <stdio.h>

#include "tunnel.h"

void tun_stats_print(FILE *f, struct stt_endpoint *ep, struct stt_underlay *u)
{
	struct stt_ep_stats s;
	struct stt_underlay_stats us;

	stt_endpoint_stats(ep, &s);
	stt_underlay_get_stats(u, &us);
	fprintf(f, "underlay: rx %llu packets %llu bytes (checksum valid %llu, partial %llu, "
		   "largest %llu), tx %llu packets + %llu gso, %llu errors, kernel drops %llu\n",
		(unsigned long long)us.rx_packets, (unsigned long long)us.rx_bytes,
		(unsigned long long)us.rx_csum_valid, (unsigned long long)us.rx_csum_partial,
		(unsigned long long)us.rx_max_len,
		(unsigned long long)us.tx_packets, (unsigned long long)us.tx_gso_packets,
		(unsigned long long)us.tx_errors, (unsigned long long)us.kernel_drops);
	fprintf(f, "endpoint: rx %llu packets, %llu frames; dropped: not_stt %llu malformed %llu "
		   "bad_peer %llu bad_csum %llu bad_version %llu bad_header %llu unknown_context %llu\n",
		(unsigned long long)s.rx_packets, (unsigned long long)s.rx_frames,
		(unsigned long long)s.rx_not_stt, (unsigned long long)s.rx_malformed,
		(unsigned long long)s.rx_bad_peer, (unsigned long long)s.rx_bad_csum,
		(unsigned long long)s.rx_bad_version, (unsigned long long)s.rx_bad_header,
		(unsigned long long)s.rx_unknown_context);
	fprintf(f, "endpoint: tx no_context %llu too_long %llu no_mac %llu errors %llu split %llu\n",
		(unsigned long long)s.tx_no_context, (unsigned long long)s.tx_too_long,
		(unsigned long long)s.tx_no_mac, (unsigned long long)s.tx_errors,
		(unsigned long long)s.tx_split);
	fprintf(f, "reassembly: %llu segments, %llu frames, %zu bytes held (peak %zu)",
		(unsigned long long)s.reasm.segments, (unsigned long long)s.reasm.frames_delivered,
		s.reasm.mem_held, s.reasm.mem_peak);
	for (int r = 0; r < STT_DROP__COUNT; r++)
		if (s.reasm.drops[r])
			fprintf(f, " %s %llu", stt_drop_reason_name((enum stt_drop_reason)r),
				(unsigned long long)s.reasm.drops[r]);
	fputc('\n', f);
	for (unsigned i = 0; i < stt_endpoint_context_count(ep); i++) {
		struct stt_ep_ctx_stats c;
		stt_endpoint_context_stats(ep, i, &c);
		fprintf(f, "context %llu: tx %llu frames %llu bytes (%llu segments, %llu gso, %llu tso "
			   "frames, %llu vlan, %llu drops), rx %llu frames %llu bytes (%llu ecn drops, "
			   "%llu CE, %llu vlan)\n",
			(unsigned long long)c.context_id, (unsigned long long)c.tx_frames,
			(unsigned long long)c.tx_bytes, (unsigned long long)c.tx_segments,
			(unsigned long long)c.tx_gso_packets, (unsigned long long)c.tx_tso_inner,
			(unsigned long long)c.tx_vlan_offloaded, (unsigned long long)c.tx_drops,
			(unsigned long long)c.rx_frames, (unsigned long long)c.rx_bytes,
			(unsigned long long)c.rx_ecn_drops, (unsigned long long)c.rx_ce_marked,
			(unsigned long long)c.rx_vlan_applied);
	}
	fflush(f);
}

#define U(x) json_integer((json_int_t)(x))

int tun_stats_json(FILE *f, struct stt_endpoint *ep, struct stt_underlay *u, double uptime_s)
{
	struct stt_ep_stats s;
	struct stt_underlay_stats us;
	json_t *root = json_object(), *drops = json_object(), *ctxs = json_array();

	stt_endpoint_stats(ep, &s);
	stt_underlay_get_stats(u, &us);
	json_object_set_new(root, "uptime_s", json_real(uptime_s));
	json_object_set_new(root, "underlay",
			    json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "rx_packets",
				      U(us.rx_packets), "rx_bytes", U(us.rx_bytes), "rx_csum_valid",
				      U(us.rx_csum_valid), "rx_csum_partial", U(us.rx_csum_partial),
				      "rx_max_len", U(us.rx_max_len), "tx_packets", U(us.tx_packets),
				      "tx_gso_packets", U(us.tx_gso_packets), "tx_bytes", U(us.tx_bytes),
				      "tx_errors", U(us.tx_errors), "kernel_drops", U(us.kernel_drops)));
	json_object_set_new(
		root, "endpoint",
		json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "rx_packets",
			  U(s.rx_packets), "rx_frames", U(s.rx_frames), "rx_not_stt", U(s.rx_not_stt),
			  "rx_malformed", U(s.rx_malformed), "rx_bad_peer", U(s.rx_bad_peer),
			  "rx_bad_csum", U(s.rx_bad_csum), "rx_bad_version", U(s.rx_bad_version),
			  "rx_bad_header", U(s.rx_bad_header), "rx_unknown_context",
			  U(s.rx_unknown_context), "tx_no_context", U(s.tx_no_context), "tx_too_long",
			  U(s.tx_too_long), "tx_no_mac", U(s.tx_no_mac), "tx_errors", U(s.tx_errors),
			  "tx_split", U(s.tx_split), "reasm_frames", U(s.reasm.frames_delivered)));
	for (int r = 0; r < STT_DROP__COUNT; r++)
		json_object_set_new(drops, stt_drop_reason_name((enum stt_drop_reason)r),
				    U(s.reasm.drops[r]));
	json_object_set_new(root, "reassembly",
			    json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}", "segments", U(s.reasm.segments),
				      "accepted", U(s.reasm.accepted), "duplicates",
				      U(s.reasm.duplicates), "mem_held", U(s.reasm.mem_held),
				      "mem_peak", U(s.reasm.mem_peak), "drops", drops));
	for (unsigned i = 0; i < stt_endpoint_context_count(ep); i++) {
		struct stt_ep_ctx_stats c;
		stt_endpoint_context_stats(ep, i, &c);
		json_array_append_new(
			ctxs, json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
					"context_id",
					U(c.context_id), "tx_frames", U(c.tx_frames), "tx_bytes",
					U(c.tx_bytes), "tx_segments", U(c.tx_segments), "tx_gso_packets",
					U(c.tx_gso_packets), "tx_tso_frames", U(c.tx_tso_inner),
					"tx_drops", U(c.tx_drops), "rx_frames", U(c.rx_frames),
					"rx_bytes", U(c.rx_bytes), "rx_ecn_drops", U(c.rx_ecn_drops),
					"rx_ce_marked", U(c.rx_ce_marked), "tx_vlan_frames",
					U(c.tx_vlan_offloaded), "rx_vlan_frames", U(c.rx_vlan_applied)));
	}
	json_object_set_new(root, "contexts", ctxs);
	int rc = json_dumpf(root, f, JSON_COMPACT);
	fputc('\n', f);
	json_decref(root);
	return rc;
}
