/* stt-send: craft STT frames and send them, or write them to a pcap file,
 * with every header field settable and the impairments a receiver must
 * survive (drop, loss, reorder, duplicate, overlap, coalesce, interleave,
 * per-segment ECN/DSCP). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "send.h"
#include "stt/capture.h"
#include "stt/io.h"

#define PKT_CAP (STT_MAX_FRAME_LEN + 256)

/* Inner packet facts that the STT header's defaults come from. */
struct inner_facts {
	bool is_ipv4, is_ipv6;
	bool l4_tcp;
	size_t l4_off;
	size_t l4_len; /* by the IP header's lengths; 0 if unknown */
	struct stt_addr src, dst;
	uint8_t tos;
};

static void inner_facts_get(const uint8_t *f, size_t len, struct inner_facts *x)
{
	struct stt_inner in;
	stt_inner_decode(f, len, &in);
	memset(x, 0, sizeof(*x));
	x->is_ipv4 = in.is_ipv4;
	x->is_ipv6 = in.is_ipv6;
	bool ip = in.is_ipv4 || in.is_ipv6;
	x->l4_tcp = ip && in.l4_proto == 6 && in.l4_off && !in.l4_truncated && !in.ip_fragment;
	x->l4_off = in.l4_off;
	if (ip && in.l4_off > in.l3_off && in.ip_total_len >= in.l4_off - in.l3_off)
		x->l4_len = in.ip_total_len - (in.l4_off - in.l3_off);
	x->src = in.ip_src;
	x->dst = in.ip_dst;
	x->tos = ip ? in.tos : 0;
}

/* --inner-tso: leave in the inner TCP checksum what a sender using TSO
 * leaves (the pseudo-header sum), for the decapsulating end to finish.
 * Returns false when the inner packet is not a whole TCP segment. */
static bool inner_make_partial(uint8_t *f, size_t len, const struct inner_facts *x)
{
	if (!x->l4_tcp || !x->l4_len || x->l4_off + x->l4_len > len || x->l4_len < 20 ||
	    x->l4_off > 255)
		return false;
	stt_put_be16(f + x->l4_off + 16,
		     stt_csum_pseudo_only(&x->src, &x->dst, 6, (uint32_t)x->l4_len));
	return true;
}

/* The source address the kernel would use to reach dst. */
static void pick_source(const struct stt_addr *dst, struct stt_addr *src)
{
	int fam = dst->family == 6 ? AF_INET6 : AF_INET;
	int fd = socket(fam, SOCK_DGRAM, 0);
	if (fd < 0)
		stt_cli_die("socket: %m");
	struct sockaddr_storage ss;
	socklen_t sl;
	memset(&ss, 0, sizeof(ss));
	if (fam == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(9);
		memcpy(&sin->sin_addr, dst->a, 4);
		sl = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(9);
		memcpy(&sin6->sin6_addr, dst->a, 16);
		sl = sizeof(*sin6);
	}
	char buf[64];
	if (connect(fd, (struct sockaddr *)&ss, sl) != 0)
		stt_cli_die("no route to %s: %m", stt_addr_format(dst, buf, sizeof(buf)));
	sl = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
		stt_cli_die("getsockname: %m");
	close(fd);
	memset(src, 0, sizeof(*src));
	src->family = dst->family;
	if (fam == AF_INET)
		memcpy(src->a, &((struct sockaddr_in *)&ss)->sin_addr, 4);
	else
		memcpy(src->a, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
}

/* One frame being sent: its bytes, template and plan. */
struct frame_job {
	uint64_t fno;
	uint8_t *frame;
	size_t frame_len;
	uint8_t *inner;
	size_t inner_len;
	struct stt_outer_tmpl t;
	struct seg_plan plan;
	uint64_t last_ts;
	bool any_written;
	/* when a receiver would have it whole: each segment number seen once */
	bool *covered;
	size_t covered_cap;
	unsigned n_covered;
	bool complete;
	uint64_t complete_ts;
};

struct sender {
	struct send_opts *o;
	struct sink *pcap, *inner_pcap, *live;
#ifdef STT_LINUX_IO
	struct stt_underlay *gso;
#endif
	uint64_t rng_plan, rng_loss;
	uint64_t ack0;
	uint16_t ip_id;
	uint64_t packets, ts_ns;
	uint8_t pkt[PKT_CAP];
	uint8_t conflict[STT_MAX_FRAME_LEN];
	/* counters */
	uint64_t frames, segs_out, segs_dropped, segs_lost, segs_dup, segs_conflict, send_errors;
	uint64_t frame_start_ns; /* live pacing: when the run started */
};

static void frame_job_init(struct sender *s, struct frame_job *j, uint64_t fno)
{
	const struct send_opts *o = s->o;
	struct inner_facts x;
	inner_facts_get(j->inner, j->inner_len, &x);

	struct stt_frame_hdr h;
	memset(&h, 0, sizeof(h));
	h.version = o->version;
	if (o->stt_flags >= 0)
		h.flags = (uint8_t)o->stt_flags;
	else
		h.flags = (uint8_t)((x.is_ipv4 ? STT_F_IPV4 : 0) |
				    ((x.is_ipv4 || x.is_ipv6) && x.l4_tcp ? STT_F_TCP : 0));
	if (o->l4_offset >= 0)
		h.l4_offset = (uint8_t)o->l4_offset;
	else if (h.flags & STT_F_CSUM_PARTIAL)
		h.l4_offset = x.l4_off <= 255 ? (uint8_t)x.l4_off : 0;
	h.reserved = o->reserved;
	h.mss = o->mss;
	if (o->inner_tso && inner_make_partial(j->inner, j->inner_len, &x)) {
		if (o->stt_flags < 0)
			h.flags = (uint8_t)((h.flags & ~STT_F_CSUM_VERIFIED) | STT_F_CSUM_PARTIAL);
		if (o->l4_offset < 0)
			h.l4_offset = (uint8_t)x.l4_off;
		if (!o->mss)
			h.mss = (uint16_t)o->inner_tso;
	}
	h.vlan_tci = stt_vlan_tci(o->pcp, o->vlan_valid > 0, o->vlan_id);
	h.context_id = o->context;
	h.padding = o->padding;
	j->frame_len = stt_frame_build(&h, j->inner, j->inner_len, j->frame, STT_MAX_FRAME_LEN);
	if (!j->frame_len)
		stt_cli_die("frame %llu: inner frame of %zu bytes does not fit in an STT frame",
			    (unsigned long long)fno, j->inner_len);

	struct stt_outer_tmpl *t = &j->t;
	stt_outer_tmpl_defaults(t);
	memcpy(t->eth_src, o->src_mac, 6);
	memcpy(t->eth_dst, o->dst_mac, 6);
	t->src = o->src;
	t->dst = o->dst;
	/* by default: uniform DSCP model, RFC 6040 normal-mode ECN */
	static const struct stt_qos qos = { STT_DSCP_UNIFORM, 0, STT_ECN_NORMAL };
	uint8_t tos = stt_qos_encap(&qos, x.is_ipv4 || x.is_ipv6, x.tos);
	if (o->tos >= 0)
		tos = (uint8_t)o->tos;
	if (o->dscp >= 0)
		tos = stt_tos_make((uint8_t)o->dscp, stt_tos_ecn(tos));
	if (o->ecn >= 0)
		tos = stt_tos_make(stt_tos_dscp(tos), (uint8_t)o->ecn);
	t->tos = tos;
	t->ttl = o->ttl;
	t->ip_id = 0;
	t->sport = o->sport >= 0 ? (uint16_t)o->sport
				 : stt_flow_sport(j->inner, j->inner_len, (uint32_t)o->seed);
	t->dport = o->dport;
	t->ack = (uint32_t)(s->ack0 + fno * o->ack_step);
	t->window = o->window;
	t->urg = o->urg;
	t->tcp_flags = o->tcp_flags;
	t->last_flags = o->no_psh ? 0 : STT_TCP_PSH;
	t->csum_mode = o->csum == CSUM_PSEUDO ? STT_CSUM_MODE_PSEUDO
		       : o->csum == CSUM_ZERO ? STT_CSUM_MODE_ZERO
					       : STT_CSUM_MODE_FULL;
	plan_frame(o, fno, j->frame_len, &s->rng_plan, &j->plan);
	s->segs_dropped += j->plan.dropped;
	j->fno = fno;
	j->any_written = false;
	if (j->covered_cap < j->plan.total) {
		free(j->covered);
		j->covered = malloc(j->plan.total);
		if (!j->covered)
			stt_cli_die("out of memory");
		j->covered_cap = j->plan.total;
	}
	memset(j->covered, 0, j->covered_cap);
	j->n_covered = 0;
	j->complete = false;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void print_segment(const struct sender *s, const struct frame_job *j,
			  const struct seg_item *it, const uint8_t *pkt, size_t len, const char *fate)
{
	size_t tcp_at = stt_outer_hdr_len(&j->t) - STT_TCP_HDR_LEN;
	struct stt_tcp_hdr th;
	char fl[16], a[64], b[64];
	stt_tcp_hdr_decode(pkt + tcp_at, len - tcp_at, &th);
	format_tcp_flags(th.flags, fl, sizeof(fl));
	uint8_t tos;
	if (j->t.src.family == 6) {
		const uint8_t *ip = pkt + tcp_at - 40;
		tos = (uint8_t)(((ip[0] & 0x0f) << 4) | (ip[1] >> 4));
	} else {
		tos = pkt[tcp_at - 20 + 1];
	}
	printf("%llu.%06llu %s.%u > %s.%u: STT frame %llu seg %u off %u len %u seq %u:%u "
	       "ack %u [%s] tos 0x%02x%s%s%s\n",
	       (unsigned long long)(s->ts_ns / 1000000000ull),
	       (unsigned long long)(s->ts_ns % 1000000000ull / 1000),
	       stt_addr_format(&j->t.src, a, sizeof(a)), th.sport,
	       stt_addr_format(&j->t.dst, b, sizeof(b)), th.dport, (unsigned long long)j->fno,
	       it->index, it->off, it->len, stt_seq_frame_len(th.seq), stt_seq_offset(th.seq),
	       th.ack, fl, tos, it->duplicate ? " duplicate" : "",
	       it->conflict ? " overlap-conflict" : "", fate ? fate : "");
}

static void pace(struct sender *s, uint64_t fno)
{
	if (!s->live || s->o->rate <= 0)
		return;
	uint64_t due = s->frame_start_ns + (uint64_t)((double)fno * 1e9 / s->o->rate);
	uint64_t now = now_ns();
	if (due > now) {
		struct timespec d = { (time_t)((due - now) / 1000000000ull),
				      (long)((due - now) % 1000000000ull) };
		nanosleep(&d, NULL);
	}
}

#ifdef STT_LINUX_IO
static void send_gso(struct sender *s, struct frame_job *j)
{
	struct stt_outer_tmpl t = j->t;
	t.csum_mode = STT_CSUM_MODE_PSEUDO; /* the kernel finishes each segment's checksum */
	size_t n = stt_superpacket_build(&t, j->frame, j->frame_len, s->pkt, sizeof(s->pkt));
	if (!n)
		stt_cli_die("frame %llu: %zu bytes is too large for one super-packet",
			    (unsigned long long)j->fno, j->frame_len);
	size_t hdr = stt_outer_hdr_len(&t);
	struct stt_offload off;
	memset(&off, 0, sizeof(off));
	off.flags = STT_OFF_F_NEEDS_CSUM;
	off.gso_type = t.src.family == 6 ? STT_OFF_GSO_TCPV6 : STT_OFF_GSO_TCPV4;
	off.hdr_len = (uint16_t)hdr;
	off.gso_size = (uint16_t)s->o->segment_size;
	off.csum_start = (uint16_t)(hdr - STT_TCP_HDR_LEN);
	off.csum_offset = 16;
	if (s->o->verbose) {
		char a[64], b[64];
		printf("%s.%u > %s.%u: STT frame %llu super-packet len %zu ack %u, gso_size %u\n",
		       stt_addr_format(&t.src, a, sizeof(a)), t.sport,
		       stt_addr_format(&t.dst, b, sizeof(b)), t.dport, (unsigned long long)j->fno,
		       j->frame_len, t.ack, off.gso_size);
	}
	if (s->packets++ > 0)
		s->ts_ns += s->o->interval_ns;
	if (s->pcap)
		sink_pcap_write(s->pcap, s->ts_ns, s->pkt, n);
	if (stt_underlay_send_gso(s->gso, s->pkt, n, &off) != 0) {
		if (s->send_errors++ == 0)
			stt_cli_warn("frame %llu: GSO send failed: %m", (unsigned long long)j->fno);
	} else {
		s->segs_out++;
	}
}
#endif

static void emit(struct sender *s, struct frame_job *j, const struct seg_item *it)
{
	const struct send_opts *o = s->o;
	struct stt_outer_tmpl t = j->t;
	if (it->dscp >= 0)
		t.tos = stt_tos_make((uint8_t)it->dscp, stt_tos_ecn(t.tos));
	if (it->ecn >= 0)
		t.tos = stt_tos_make(stt_tos_dscp(t.tos), (uint8_t)it->ecn);
	t.ip_id = (uint16_t)(s->ip_id + s->packets);

	const uint8_t *payload = j->frame + it->off;
	if (it->conflict) {
		for (uint32_t i = 0; i < it->len; i++)
			s->conflict[i] = (uint8_t)~payload[i];
		payload = s->conflict;
	}
	bool is_last = !it->conflict && it->off + it->len == j->frame_len;
	uint16_t flen = o->frame_len >= 0 ? (uint16_t)o->frame_len : (uint16_t)j->frame_len;
	size_t n = stt_segment_write(&t, flen, (uint16_t)it->off, payload, it->len, is_last, 0,
				     s->pkt, sizeof(s->pkt));
	if (!n)
		stt_cli_die("frame %llu: cannot build segment at offset %u (%u bytes): too large "
			    "for one outer packet",
			    (unsigned long long)j->fno, it->off, it->len);
	if (t.src.family == 4 && n - (t.with_eth ? 14 : 0) > 65535)
		stt_cli_die("frame %llu: a %u-byte segment does not fit in one IPv4 packet; "
			    "lower --segment-size or the inner --size",
			    (unsigned long long)j->fno, it->len);
	size_t tcp_at = stt_outer_hdr_len(&t) - STT_TCP_HDR_LEN;
	if (o->csum == CSUM_BAD) {
		/* A value that is neither the full checksum nor the
		 * pseudo-header-only one: invert the full checksum. */
		uint16_t c = (uint16_t)((s->pkt[tcp_at + 16] << 8) | s->pkt[tcp_at + 17]);
		uint16_t pseudo = stt_csum_pseudo_only(&t.src, &t.dst, 6,
						       (uint32_t)(STT_TCP_HDR_LEN + it->len));
		uint16_t bad = (uint16_t)~c;
		if (bad == pseudo || bad == c || bad == 0 || bad == 0xffff)
			bad = (uint16_t)(c ^ 0x5a5a);
		stt_put_be16(s->pkt + tcp_at + 16, bad);
	}

	s->packets++;
	if (s->packets > 1)
		s->ts_ns += o->interval_ns;
	if (o->loss > 0 && send_rng_unit(&s->rng_loss) < o->loss) {
		s->segs_lost++;
		if (o->verbose)
			print_segment(s, j, it, s->pkt, n, " LOST");
		return;
	}
	if (it->duplicate)
		s->segs_dup++;
	if (it->conflict)
		s->segs_conflict++;
	if (o->verbose)
		print_segment(s, j, it, s->pkt, n, NULL);
	if (s->pcap)
		sink_pcap_write(s->pcap, s->ts_ns, s->pkt, n);
	if (s->live && sink_live_send(s->live, s->pkt, n, t.with_eth ? 14 : 0) != 0)
		s->send_errors++;
	s->segs_out++;
	j->last_ts = s->ts_ns;
	j->any_written = true;
	if (!it->conflict && it->index < j->plan.total && !j->covered[it->index]) {
		j->covered[it->index] = true;
		if (++j->n_covered == j->plan.total) {
			j->complete = true;
			j->complete_ts = s->ts_ns;
		}
	}
}

static void run(struct sender *s)
{
	const struct send_opts *o = s->o;
	unsigned group = o->interleave > 1 ? o->interleave : 1;
	struct frame_job *jobs = calloc(group, sizeof(*jobs));
	if (!jobs)
		stt_cli_die("out of memory");
	for (unsigned g = 0; g < group; g++) {
		jobs[g].frame = malloc(STT_MAX_FRAME_LEN);
		jobs[g].inner = malloc(STT_MAX_INNER_LEN);
		if (!jobs[g].frame || !jobs[g].inner)
			stt_cli_die("out of memory");
	}
	struct inner_src *src = inner_src_open(o);
	uint64_t fno = 0;
	bool more = true;
	s->ts_ns = o->start_ns;
	s->frame_start_ns = now_ns();
	while (more) {
		unsigned have = 0;
		for (; have < group; have++) {
			struct frame_job *j = &jobs[have];
			j->inner_len = inner_src_next(src, j->inner, STT_MAX_INNER_LEN);
			if (!j->inner_len) {
				more = false;
				break;
			}
			frame_job_init(s, j, fno++);
		}
		if (!have)
			break;
		pace(s, jobs[0].fno);
#ifdef STT_LINUX_IO
		if (s->gso) {
			for (unsigned k = 0; k < have; k++)
				send_gso(s, &jobs[k]);
		} else
#endif
		{
			/* round-robin over the group: one frame alone when not
			 * interleaving */
			for (size_t r = 0;; r++) {
				bool any = false;
				for (unsigned k = 0; k < have; k++) {
					if (r < jobs[k].plan.n) {
						emit(s, &jobs[k], &jobs[k].plan.items[r]);
						any = true;
					}
				}
				if (!any)
					break;
			}
		}
		for (unsigned k = 0; k < have; k++) {
			struct frame_job *j = &jobs[k];
			s->frames++;
			if (s->inner_pcap)
				/* stamped when a receiver would have completed
				 * it, so that stt-recv's --decap output of an
				 * unimpaired run is byte-identical */
				sink_pcap_write(s->inner_pcap,
						j->complete ? j->complete_ts
						: j->any_written ? j->last_ts
								 : s->ts_ns,
						j->inner, j->inner_len);
		}
	}
	inner_src_close(src);
	for (unsigned g = 0; g < group; g++) {
		free(jobs[g].frame);
		free(jobs[g].inner);
		free(jobs[g].covered);
		plan_free(&jobs[g].plan);
	}
	free(jobs);
}

static void open_live(struct sender *s)
{
	struct send_opts *o = s->o;
	if (!o->src.family)
		pick_source(&o->dst, &o->src);
	if (!o->iface) {
		s->live = sink_live_open(NULL, o->dst.family);
		return;
	}
	/* Link level: we need both MACs. */
	if (!o->src_mac_set) {
		unsigned mtu;
		char err[256];
		if (stt_io_iface_info(o->iface, o->src_mac, &mtu, err, sizeof(err)) != 0)
			stt_cli_die("%s", err);
	}
	if (!o->dst_mac_set) {
		/* Ask the kernel's neighbour table; have it resolve the
		 * address if it does not know it yet (up to a second). */
		int rc = stt_io_neigh_lookup(o->iface, &o->dst, o->dst_mac);
		for (int tries = 0; rc == 1 && tries < 10; tries++) {
			stt_io_neigh_solicit(&o->dst);
			struct timespec d = { 0, 100 * 1000000L };
			nanosleep(&d, NULL);
			rc = stt_io_neigh_lookup(o->iface, &o->dst, o->dst_mac);
		}
		if (rc != 0) {
			char b[64];
			stt_cli_die("%s: no link-layer address known for %s; give --dst-mac", o->iface,
				    stt_addr_format(&o->dst, b, sizeof(b)));
		}
	}
	if (o->tso) {
#ifdef STT_LINUX_IO
		struct stt_underlay_config cfg;
		char err[256];
		memset(&cfg, 0, sizeof(cfg));
		cfg.ifname = o->iface;
		cfg.backend = STT_IO_AFPACKET;
		cfg.tso = true;
		s->gso = stt_underlay_open(&cfg, err, sizeof(err));
		if (!s->gso)
			stt_cli_die("%s", err);
		if (!stt_underlay_can_gso(s->gso))
			stt_cli_die("%s: the AF_PACKET backend cannot hand super-packets to the kernel",
				    o->iface);
		return;
#else
		stt_cli_die("TSO needs the Linux I/O backends; rebuild with -DSTT_LINUX_IO=ON");
#endif
	}
	s->live = sink_live_open(o->iface, o->dst.family);
}

int main(int argc, char **argv)
{
	static struct send_opts o;
	static struct sender s;
	stt_cli_init(argv[0]);
	send_opts_parse(argc, argv, &o);

	s.o = &o;
	uint64_t r = o.seed ^ 0x73656e64ull; /* "send" */
	s.ack0 = o.ack_set ? o.ack : (uint32_t)send_rng_next(&r);
	s.ip_id = (uint16_t)send_rng_next(&r);
	s.rng_plan = o.seed ^ 0x706c616eull; /* "plan" */
	s.rng_loss = o.seed ^ 0x6c6f7373ull; /* "loss" */

	if (o.target)
		open_live(&s);
	if (o.write_file)
		s.pcap = sink_pcap_open(o.write_file);
	if (o.write_inner)
		s.inner_pcap = sink_pcap_open(o.write_inner);

	run(&s);

	sink_close(s.pcap);
	sink_close(s.inner_pcap);
	sink_close(s.live);
#ifdef STT_LINUX_IO
	if (s.gso)
		stt_underlay_close(s.gso);
#endif
	if (!o.quiet)
		fprintf(stderr,
			"%s: %llu frames, %llu %s (%llu dropped, %llu lost, %llu "
			"duplicates, %llu conflicting overlaps%s)\n",
			stt_cli_prog(), (unsigned long long)s.frames,
			(unsigned long long)s.segs_out,
			o.tso && o.target ? "super-packets sent"
			: o.target	  ? "segments sent"
					  : "segments written",
			(unsigned long long)s.segs_dropped, (unsigned long long)s.segs_lost,
			(unsigned long long)s.segs_dup, (unsigned long long)s.segs_conflict,
			s.send_errors ? ", SEND ERRORS" : "");
	return s.send_errors ? STT_EXIT_ERROR : STT_EXIT_OK;
}
