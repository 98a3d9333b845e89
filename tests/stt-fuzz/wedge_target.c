/* A deliberately fragile STT target for stt-fuzz's wire test.
 *
 *   stt-fuzz-wedge-target IFACE LOCAL_IP WEDGE_SECONDS
 *
 * Receives STT on IFACE (AF_PACKET), reassembles with libstt and sends
 * every frame back to its sender (addresses, MACs and ports swapped, a new
 * ack), like stt-recv --echo, so stt-fuzz's liveness probe is answered.
 * Its planted bug: a segment that runs exactly one byte past the end of
 * its frame (offset + length == frame length + 1) wedges it, and it
 * ignores everything for WEDGE_SECONDS, as a target that crashed and was
 * restarted would. stt-fuzz must notice, and shrink its stream down to
 * such a segment. Stops on SIGTERM/SIGINT. */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stt/io.h"
#include "stt/outer.h"
#include "stt/reasm.h"
#include "stt/segment.h"

static volatile sig_atomic_t stop;

static void on_signal(int s)
{
	(void)s;
	stop = 1;
}

struct target {
	struct stt_underlay *u;
	struct stt_reasm *r;
	const struct stt_outer *cur; /* the segment being offered */
	uint32_t ack;
	uint64_t wedges, echoed;
	uint8_t pkt[STT_MAX_FRAME_LEN + 256];
};

static void echo(void *ctx, const struct stt_reasm_frame *f)
{
	struct target *t = ctx;
	const struct stt_outer *o = t->cur;
	struct stt_outer_tmpl tm;

	stt_outer_tmpl_defaults(&tm);
	tm.with_eth = true;
	memcpy(tm.eth_src, o->eth_dst, 6);
	memcpy(tm.eth_dst, o->eth_src, 6);
	tm.src = f->key.dst;
	tm.dst = f->key.src;
	tm.sport = f->key.dport;
	tm.dport = o->tcp.sport;
	tm.ack = t->ack++;
	size_t n = stt_segment_count(f->len, 1400);
	for (size_t i = 0; i < n; i++) {
		size_t len = stt_segment_build(&tm, f->data, f->len, 1400, i, t->pkt, sizeof(t->pkt));
		if (len)
			stt_underlay_send(t->u, t->pkt, len);
	}
	t->echoed++;
}

int main(int argc, char **argv)
{
	struct target t;
	struct stt_addr local;
	char err[256];

	if (argc != 4 || stt_addr_parse(argv[2], &local) != 0) {
		fprintf(stderr, "usage: stt-fuzz-wedge-target IFACE LOCAL_IP WEDGE_SECONDS\n");
		return 2;
	}
	uint64_t wedge_ns = (uint64_t)(atof(argv[3]) * 1e9);
	memset(&t, 0, sizeof(t));
	t.ack = 0x77656467; /* "wedg" */
	struct stt_underlay_config uc = {
		.ifname = argv[1], .dport = STT_DEFAULT_PORT, .local = local, .rx = true,
	};
	t.u = stt_underlay_open(&uc, err, sizeof(err));
	if (!t.u) {
		fprintf(stderr, "stt-fuzz-wedge-target: %s\n", err);
		return 2;
	}
	struct stt_reasm_config rc = { .mem_cap = 4u << 20 };
	struct stt_reasm_ops ops = { .deliver = echo };
	t.r = stt_reasm_new(&rc, &ops, &t);
	if (!t.r)
		return 2;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);

	uint64_t wedged_until = 0;
	while (!stop) {
		struct pollfd p = { stt_underlay_fd(t.u), POLLIN, 0 };
		struct stt_rx_pkt pk[16];
		int n;

		poll(&p, 1, 100);
		while ((n = stt_underlay_recv(t.u, pk, 16)) > 0) {
			uint64_t now = stt_io_now_ns();
			for (int i = 0; i < n; i++) {
				struct stt_outer o;
				if (pk[i].outgoing || now < wedged_until)
					continue;
				if (stt_outer_parse(STT_LINK_ETHERNET, pk[i].data, pk[i].len,
						    pk[i].wirelen, false, &o, NULL) != STT_PARSE_OK ||
				    o.tcp.dport != STT_DEFAULT_PORT || !stt_addr_eq(&o.dst, &local))
					continue;
				struct stt_seg_in s;
				stt_seg_in_from_outer(&s, &o, now);
				if ((size_t)s.offset + s.len == (size_t)s.frame_len + 1) {
					/* the planted bug */
					wedged_until = now + wedge_ns;
					t.wedges++;
					fprintf(stderr, "stt-fuzz-wedge-target: wedged by a segment at offset %u, %zu bytes, frame length %u\n",
						s.offset, s.len, s.frame_len);
					continue;
				}
				t.cur = &o;
				stt_reasm_add(t.r, &s);
			}
		}
	}
	fprintf(stderr, "stt-fuzz-wedge-target: %llu frames echoed, wedged %llu times\n",
		(unsigned long long)t.echoed, (unsigned long long)t.wedges);
	stt_reasm_free(t.r);
	stt_underlay_close(t.u);
	return 0;
}
