/* mkcap: write a synthetic STT capture for benchmarks and tests.
 *
 * Frames of mixed sizes (ARP, ICMP, small and large TCP, UDP) from a few
 * tunnels, segmented the way a TSO sender does, written with libstt's
 * segment builders and pcap writer. Deterministic for a given seed.
 *
 *   mkcap [options] OUT.pcap
 *     --segments N   stop once N segments are written (default 1000)
 *     --frames N     stop after N frames instead
 *     --seed N       (default 1)
 *     --mss N        payload bytes per segment (default 1448)
 *     --window N     TCP window on every segment (default 0; OVS sends 65535)
 *     --linktype N   link type to claim in the file header (default 1)
 *     --ipv6         outer IPv6 (default IPv4)
 *     --raw          no outer Ethernet (LINKTYPE_RAW)
 *     --size N       every inner frame N bytes (default: a mix up to 64000)
 *     --port N       STT destination port (default 7471)
 *     --interleave   interleave the segments of consecutive frames */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stt/capture.h"
#include "stt/stt.h"

struct opts {
	uint64_t segments, frames, seed;
	unsigned mss, window, port, size;
	int linktype;
	bool ipv6, raw, interleave;
	const char *out;
};

static uint64_t rng_state;

static uint32_t rnd(void)
{
	/* xorshift64*: deterministic and good enough for a traffic mix */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 32);
}

static void usage_exit(const char *msg)
{
	fprintf(stderr, "mkcap: %s\nUsage: mkcap [--segments N | --frames N] [--seed N] [--mss N] "
			"[--window N] [--linktype N] [--ipv6] [--raw] [--size N] [--port N] "
			"[--interleave] OUT.pcap\n",
		msg);
	exit(2);
}

static uint64_t num(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);
	if (!*s || *end)
		usage_exit("bad number");
	return v;
}

static void parse(int argc, char **argv, struct opts *o)
{
	memset(o, 0, sizeof(*o));
	o->segments = 1000;
	o->seed = 1;
	o->mss = 1448;
	o->port = STT_DEFAULT_PORT;
	o->linktype = STT_LINK_ETHERNET;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define ARG(name) (!strcmp(a, name) && v && (i++, 1))
		if (ARG("--segments"))
			o->segments = num(v);
		else if (ARG("--frames"))
			o->frames = num(v), o->segments = 0;
		else if (ARG("--seed"))
			o->seed = num(v);
		else if (ARG("--mss"))
			o->mss = (unsigned)num(v);
		else if (ARG("--window"))
			o->window = (unsigned)num(v);
		else if (ARG("--linktype"))
			o->linktype = (int)num(v);
		else if (ARG("--size"))
			o->size = (unsigned)num(v);
		else if (ARG("--port"))
			o->port = (unsigned)num(v);
		else if (!strcmp(a, "--ipv6"))
			o->ipv6 = true;
		else if (!strcmp(a, "--raw"))
			o->raw = true;
		else if (!strcmp(a, "--interleave"))
			o->interleave = true;
		else if (a[0] == '-' && a[1])
			usage_exit("unknown option");
		else
			o->out = a;
#undef ARG
	}
	if (!o->out)
		usage_exit("no output file");
	if (o->mss < 1 || o->mss > 65000)
		usage_exit("--mss out of range");
	if (o->size > STT_MAX_INNER_LEN || (o->size && o->size < 14))
		usage_exit("--size out of range");
}

static unsigned pick_size(const struct opts *o)
{
	if (o->size)
		return o->size;
	/* Mostly MTU-sized and small packets, some TSO-sized frames. */
	unsigned r = rnd() % 100;
	if (r < 10)
		return 42; /* ARP */
	if (r < 25)
		return 98; /* ICMP echo */
	if (r < 40)
		return 66 + rnd() % 200;
	if (r < 80)
		return 1514;
	if (r < 92)
		return 2000 + rnd() % 8000;
	return 20000 + rnd() % 44000;
}

/* An inner Ethernet frame of exactly len bytes; returns the STT flags,
 * L4 offset and MSS that describe it. */
static void make_inner(uint8_t *f, unsigned len, unsigned mss, unsigned flow,
		       struct stt_frame_hdr *h)
{
	static const uint8_t mac_a[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x0a };
	static const uint8_t mac_b[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x0b };
	memset(f, 0, len);
	memcpy(f, mac_b, 6);
	memcpy(f + 6, mac_a, 6);
	memset(h, 0, sizeof(*h));
	h->context_id = 0x2a + (flow % 3);
	if (len == 42) { /* ARP request */
		stt_put_be16(f + 12, 0x0806);
		uint8_t *a = f + 14;
		stt_put_be16(a, 1);
		stt_put_be16(a + 2, 0x0800);
		a[4] = 6;
		a[5] = 4;
		stt_put_be16(a + 6, 1);
		memcpy(a + 8, mac_a, 6);
		a[14] = 198, a[15] = 51, a[16] = 100, a[17] = 1;
		a[24] = 198, a[25] = 51, a[26] = 100, a[27] = (uint8_t)(2 + flow % 8);
		return;
	}
	stt_put_be16(f + 12, 0x0800);
	uint8_t *ip = f + 14;
	bool icmp = len == 98, udp = !icmp && len < 300 && (flow & 1);
	unsigned ip_len = len - 14;
	ip[0] = 0x45;
	stt_put_be16(ip + 2, (uint16_t)ip_len);
	stt_put_be16(ip + 4, (uint16_t)rnd());
	ip[6] = 0x40;
	ip[8] = 64;
	ip[9] = icmp ? 1 : (udp ? 17 : 6);
	ip[12] = 198, ip[13] = 51, ip[14] = 100, ip[15] = 1;
	ip[16] = 198, ip[17] = 51, ip[18] = 100, ip[19] = (uint8_t)(2 + flow % 8);
	stt_put_be16(ip + 10, 0);
	stt_put_be16(ip + 10, stt_csum_ipv4_hdr(ip, 20));
	uint8_t *l4 = ip + 20;
	unsigned l4_len = ip_len - 20;
	struct stt_addr s = { .family = 4 }, d = { .family = 4 };
	memcpy(s.a, ip + 12, 4);
	memcpy(d.a, ip + 16, 4);
	h->flags = STT_F_IPV4;
	if (icmp) {
		l4[0] = 8;
		stt_put_be16(l4 + 4, 7);
		stt_put_be16(l4 + 6, (uint16_t)(rnd() % 100));
		for (unsigned i = 8; i < l4_len; i++)
			l4[i] = (uint8_t)i;
		stt_put_be16(l4 + 2, stt_csum_fold(stt_csum_add(0, l4, l4_len)));
		return;
	}
	if (udp) {
		stt_put_be16(l4, (uint16_t)(40000 + flow));
		stt_put_be16(l4 + 2, 53);
		stt_put_be16(l4 + 4, (uint16_t)l4_len);
		stt_put_be16(l4 + 6, stt_csum_l4(&s, &d, 17, l4, l4_len));
		return;
	}
	h->flags |= STT_F_TCP;
	stt_put_be16(l4, (uint16_t)(40000 + flow));
	stt_put_be16(l4 + 2, 80);
	stt_put_be32(l4 + 4, rnd());
	stt_put_be32(l4 + 8, rnd());
	l4[12] = 5 << 4;
	l4[13] = STT_TCP_ACK | STT_TCP_PSH;
	stt_put_be16(l4 + 14, 502);
	for (unsigned i = 20; i < l4_len; i++)
		l4[i] = (uint8_t)('a' + i % 26);
	if (l4_len - 20 > mss) {
		/* TSO: the receiver finishes the checksum and re-segments. */
		h->flags |= STT_F_CSUM_PARTIAL;
		h->l4_offset = 34;
		h->mss = (uint16_t)mss;
		stt_put_be16(l4 + 16, stt_csum_pseudo_only(&s, &d, 6, l4_len));
	} else {
		stt_put_be16(l4 + 16, stt_csum_l4(&s, &d, 6, l4, l4_len));
	}
}

struct pending {
	uint8_t frame[STT_MAX_FRAME_LEN];
	size_t len, next_seg, nsegs;
	struct stt_outer_tmpl t;
};

int main(int argc, char **argv)
{
	struct opts o;
	char err[STT_CAP_ERRLEN];
	static uint8_t inner[STT_MAX_INNER_LEN];
	static uint8_t pkt[STT_MAX_FRAME_LEN + 128];
	static struct pending pend[2];

	parse(argc, argv, &o);
	rng_state = o.seed * 0x9E3779B97F4A7C15ull + 1;
	int lt = o.linktype;
	if (o.raw && lt == STT_LINK_ETHERNET)
		lt = STT_LINK_RAW;
	struct stt_capw *w = stt_capw_open(o.out, lt, 262144, 0, err);
	if (!w) {
		fprintf(stderr, "mkcap: %s\n", err);
		return 2;
	}
	uint64_t ts = 1767268800ull * 1000000000ull; /* 2026-01-01 12:00:00 UTC */
	uint64_t segs = 0, frames = 0;
	uint32_t ack = 1;
	unsigned npend = o.interleave ? 2 : 1;

	for (;;) {
		bool stop = o.frames ? frames >= o.frames : segs >= o.segments;
		/* start frames in the empty slots */
		for (unsigned k = 0; k < npend && !stop; k++) {
			struct pending *p = &pend[k];
			if (p->next_seg < p->nsegs)
				continue;
			unsigned flow = rnd() % 8;
			unsigned len = pick_size(&o);
			struct stt_frame_hdr h;
			make_inner(inner, len, o.mss, flow, &h);
			p->len = stt_frame_build(&h, inner, len, p->frame, sizeof(p->frame));
			stt_outer_tmpl_defaults(&p->t);
			p->t.src.family = p->t.dst.family = o.ipv6 ? 6 : 4;
			if (o.ipv6) {
				stt_addr_parse("2001:db8::1", &p->t.src);
				stt_addr_parse("2001:db8::2", &p->t.dst);
				p->t.src.a[15] = (uint8_t)(1 + flow % 3);
			} else {
				stt_addr_parse("192.0.2.1", &p->t.src);
				stt_addr_parse("192.0.2.2", &p->t.dst);
				p->t.src.a[3] = (uint8_t)(1 + flow % 3);
			}
			p->t.with_eth = !o.raw;
			p->t.sport = stt_flow_sport(inner, len, 7);
			p->t.dport = (uint16_t)o.port;
			p->t.ack = ack++;
			p->t.ip_id = (uint16_t)rnd();
			p->t.window = (uint16_t)o.window;
			p->next_seg = 0;
			p->nsegs = stt_segment_count(p->len, o.mss);
			frames++;
			stop = o.frames ? frames >= o.frames : segs >= o.segments;
		}
		bool any = false;
		for (unsigned k = 0; k < npend; k++) {
			struct pending *p = &pend[k];
			if (p->next_seg >= p->nsegs)
				continue;
			any = true;
			size_t n = stt_segment_build(&p->t, p->frame, p->len, o.mss, p->next_seg, pkt,
						     sizeof(pkt));
			p->next_seg++;
			if (!n) {
				fprintf(stderr, "mkcap: segment build failed\n");
				return 2;
			}
			if (stt_capw_write(w, pkt, n, n, ts) < 0) {
				fprintf(stderr, "mkcap: %s\n", stt_capw_error(w));
				return 2;
			}
			segs++;
			ts += 10000 + rnd() % 5000;
		}
		if (!any)
			break;
	}
	if (stt_capw_close(w, err) < 0) {
		fprintf(stderr, "mkcap: %s\n", err);
		return 2;
	}
	fprintf(stderr, "mkcap: %s: %llu frames, %llu segments\n", o.out,
		(unsigned long long)frames, (unsigned long long)segs);
	return 0;
}
