/* The STT endpoint: contexts, peers, encapsulation, decapsulation. */
#include "stt/endpoint.h"

#include <stdlib.h>
#include <string.h>

#include "endpoint_internal.h"
#include "stt/csum.h"
#include "stt/cursor.h"
#include "stt/inner_build.h"
#include "stt/outer.h"
#include "stt/segment.h"

#define PROTO_TCP 6
#define PROTO_UDP 17
#define MAC_TABLE_SIZE 256 /* learned inner MACs per context */
#define MAC_TTL_NS (300ull * 1000000000ull)
/* Outer headers at most: Ethernet + VLAN + IPv6 + TCP. */
#define OUTER_HDR_MAX (18 + 40 + 20)
/* Room for one outer packet: headers + 64 KB. */
#define OUT_CAP (OUTER_HDR_MAX + 65536)
#define TXIN_CAP (65536 + 64)

struct ep_peer {
	struct stt_addr addr;
	uint8_t mac[6];
	bool mac_known;
};

struct mac_entry {
	uint8_t mac[6];
	uint8_t peer;
	bool used;
	uint64_t seen_ns;
};

struct ep_context {
	struct stt_ep_ctx_stats st;
	uint64_t peer_mask;
	struct mac_entry macs[MAC_TABLE_SIZE];
};

struct stt_endpoint {
	struct stt_endpoint_config cfg;
	struct stt_endpoint_ops ops;
	void *ctx;
	struct ep_peer peers[STT_EP_MAX_PEERS];
	unsigned npeers;
	struct ep_context ctxs[STT_EP_MAX_CONTEXTS];
	unsigned nctxs;
	struct stt_reasm *reasm;
	struct stt_ep_stats st;
	uint32_t next_frame_id;
	uint16_t next_ip_id;
	uint64_t now_ns;
	uint8_t *cur; /* the STT frame being sent: frame or txin */
	uint8_t frame[STT_MAX_FRAME_LEN];
	/* zero-copy input: the STT header goes in the first 18 bytes */
	uint8_t txin[STT_FRAME_HDR_LEN + TXIN_CAP];
	uint8_t out[OUT_CAP];
	uint8_t rxbuf[STT_MAX_FRAME_LEN];
	uint8_t split[STT_MAX_FRAME_LEN];
};

static void on_frame(void *arg, const struct stt_reasm_frame *f);

struct stt_endpoint *stt_endpoint_new(const struct stt_endpoint_config *cfg,
				      const struct stt_endpoint_ops *ops, void *ctx)
{
	struct stt_endpoint *ep;
	struct stt_reasm_ops rops = { .deliver = on_frame, .drop = NULL };

	if (!cfg || !ops || (cfg->local.family != 4 && cfg->local.family != 6))
		return NULL;
	ep = calloc(1, sizeof(*ep));
	if (!ep)
		return NULL;
	ep->cfg = *cfg;
	if (!ep->cfg.port)
		ep->cfg.port = STT_DEFAULT_PORT;
	if (!ep->cfg.underlay_mtu)
		ep->cfg.underlay_mtu = 1500;
	ep->ops = *ops;
	ep->ctx = ctx;
	ep->next_frame_id = cfg->seed * 2654435761u + 1;
	ep->next_ip_id = (uint16_t)(cfg->seed >> 7);
	ep->reasm = stt_reasm_new(&cfg->reasm, &rops, ep);
	if (!ep->reasm) {
		free(ep);
		return NULL;
	}
	return ep;
}

void stt_endpoint_free(struct stt_endpoint *ep)
{
	if (!ep)
		return;
	stt_reasm_free(ep->reasm);
	free(ep);
}

static int find_peer(const struct stt_endpoint *ep, const struct stt_addr *a)
{
	for (unsigned i = 0; i < ep->npeers; i++)
		if (stt_addr_eq(&ep->peers[i].addr, a))
			return (int)i;
	return -1;
}

int stt_endpoint_add_peer(struct stt_endpoint *ep, const struct stt_addr *addr, const uint8_t *mac)
{
	if (ep->npeers >= STT_EP_MAX_PEERS || addr->family != ep->cfg.local.family ||
	    find_peer(ep, addr) >= 0)
		return -1;
	struct ep_peer *p = &ep->peers[ep->npeers];
	p->addr = *addr;
	if (mac) {
		memcpy(p->mac, mac, 6);
		p->mac_known = true;
	}
	return (int)ep->npeers++;
}

int stt_endpoint_set_peer_mac(struct stt_endpoint *ep, unsigned peer, const uint8_t mac[6])
{
	if (peer >= ep->npeers)
		return -1;
	memcpy(ep->peers[peer].mac, mac, 6);
	ep->peers[peer].mac_known = true;
	return 0;
}

bool stt_endpoint_peer_mac_known(const struct stt_endpoint *ep, unsigned peer)
{
	return peer < ep->npeers && ep->peers[peer].mac_known;
}

unsigned stt_endpoint_peer_count(const struct stt_endpoint *ep)
{
	return ep->npeers;
}

const struct stt_addr *stt_endpoint_peer_addr(const struct stt_endpoint *ep, unsigned peer)
{
	return peer < ep->npeers ? &ep->peers[peer].addr : NULL;
}

static struct ep_context *ctx_by_port(struct stt_endpoint *ep, unsigned port)
{
	for (unsigned i = 0; i < ep->nctxs; i++)
		if (ep->ctxs[i].st.port == port)
			return &ep->ctxs[i];
	return NULL;
}

static struct ep_context *ctx_by_id(struct stt_endpoint *ep, uint64_t id)
{
	for (unsigned i = 0; i < ep->nctxs; i++)
		if (ep->ctxs[i].st.context_id == id)
			return &ep->ctxs[i];
	return NULL;
}

int stt_endpoint_add_context(struct stt_endpoint *ep, uint64_t context_id, unsigned port,
			     uint64_t peer_mask)
{
	if (ep->nctxs >= STT_EP_MAX_CONTEXTS || ctx_by_id(ep, context_id) || ctx_by_port(ep, port))
		return -1;
	struct ep_context *c = &ep->ctxs[ep->nctxs++];
	memset(c, 0, sizeof(*c));
	c->st.context_id = context_id;
	c->st.port = port;
	c->peer_mask = peer_mask;
	return 0;
}

/* ---- inner MAC learning: unicast to the peer behind a MAC, flood otherwise ---- */

static unsigned mac_hash(const uint8_t *m)
{
	uint32_t h = 2166136261u;
	for (int i = 0; i < 6; i++)
		h = (h ^ m[i]) * 16777619u;
	return h % MAC_TABLE_SIZE;
}

static void mac_learn(struct stt_endpoint *ep, struct ep_context *c, const uint8_t *mac,
		      unsigned peer)
{
	if (mac[0] & 1)
		return; /* never learn a group address */
	struct mac_entry *e = &c->macs[mac_hash(mac)];
	memcpy(e->mac, mac, 6);
	e->peer = (uint8_t)peer;
	e->used = true;
	e->seen_ns = ep->now_ns;
}

static int mac_lookup(const struct stt_endpoint *ep, const struct ep_context *c, const uint8_t *mac)
{
	const struct mac_entry *e = &c->macs[mac_hash(mac)];
	if (!e->used || memcmp(e->mac, mac, 6) != 0 || ep->now_ns - e->seen_ns > MAC_TTL_NS)
		return -1;
	return e->peer;
}

/* ---- encapsulation ---- */

static size_t seg_payload(const struct stt_endpoint *ep)
{
	size_t ip = ep->cfg.local.family == 6 ? 40 : 20;
	size_t mtu = ep->cfg.underlay_mtu;
	return mtu > ip + STT_TCP_HDR_LEN + 64 ? mtu - ip - STT_TCP_HDR_LEN : 64;
}

/* The STT frame header for an inner frame and its offload state. */
static void fill_frame_hdr(uint64_t context_id, const uint8_t *f, size_t len,
			   const struct stt_offload *off, struct stt_frame_hdr *h)
{
	struct stt_ep_inner in;

	memset(h, 0, sizeof(*h));
	h->context_id = context_id;
	stt_ep_inner_parse(f, len, &in);
	if (in.is_ipv4)
		h->flags |= STT_F_IPV4;
	if ((in.is_ipv4 || in.is_ipv6) && in.l4_proto == PROTO_TCP)
		h->flags |= STT_F_TCP;
	if (!off)
		return;
	if ((off->flags & STT_OFF_F_NEEDS_CSUM) && off->csum_start <= 255 &&
	    (size_t)off->csum_start + off->csum_offset + 2 <= len) {
		h->flags |= STT_F_CSUM_PARTIAL;
		h->l4_offset = (uint8_t)off->csum_start;
		uint8_t gso = off->gso_type & (uint8_t)~STT_OFF_GSO_ECN;
		if (gso == STT_OFF_GSO_TCPV4 || gso == STT_OFF_GSO_TCPV6)
			h->mss = off->gso_size;
	} else if (off->flags & STT_OFF_F_DATA_VALID) {
		h->flags |= STT_F_CSUM_VERIFIED;
	}
}

/* Finish a partial inner checksum in software (when the STT header cannot
 * say where it is: csum_start beyond 255). */
static void finish_inner_csum(uint8_t *f, size_t len, const struct stt_offload *off)
{
	size_t start = off->csum_start, at = start + off->csum_offset;
	if (start >= len || at + 2 > len)
		return;
	/* The field holds the pseudo-header sum: summing from csum_start with
	 * it in place gives the full checksum. */
	uint16_t c = stt_csum_fold(stt_csum_add(0, f + start, len - start));
	stt_put_be16(f + at, c);
}

/* Outer headers (Ethernet, IP, TCP with the pseudo-header checksum) of a
 * segment or super-packet carrying frame[off, off + len), without the
 * payload: the
 * segment writer is asked for an empty segment and the lengths it wrote
 * are then set to the real ones. Returns the header length or 0. */
static size_t seg_hdr_write(const struct stt_outer_tmpl *t, size_t frame_len, size_t off,
			    size_t len, bool is_last, unsigned index, uint8_t *out, size_t cap)
{
	size_t hdr = stt_segment_write(t, (uint16_t)frame_len, (uint16_t)off, NULL, 0, is_last,
				       index, out, cap);
	size_t l4_len = STT_TCP_HDR_LEN + len;
	size_t ip_len = t->src.family == 4 ? 20 : 0; /* counted in the length field */

	if (!hdr || l4_len + ip_len > 0xffff)
		return 0;
	uint8_t *tcp = out + hdr - STT_TCP_HDR_LEN;
	if (t->src.family == 4) {
		uint8_t *ip = tcp - 20;
		stt_put_be16(ip + 2, (uint16_t)(20 + l4_len));
		stt_put_be16(ip + 10, 0);
		stt_put_be16(ip + 10, stt_csum_ipv4_hdr(ip, 20));
	} else {
		stt_put_be16(tcp - 40 + 4, (uint16_t)l4_len);
	}
	stt_put_be16(tcp + 16, stt_csum_pseudo_only(&t->src, &t->dst, PROTO_TCP, (uint32_t)l4_len));
	return hdr;
}

/* One super-packet of frame[o, o + n) to the kernel: headers and payload
 * apart when the caller can gather them (no copy of the payload here),
 * else joined in ep->out. */
static int send_super(struct stt_endpoint *ep, unsigned pi, const struct stt_outer_tmpl *t,
		      size_t frame_len, size_t o, size_t n, unsigned index,
		      const struct stt_offload *g)
{
	bool last = o + n >= frame_len;

	if (ep->ops.tx_gso_parts) {
		uint8_t hdr[OUTER_HDR_MAX];
		size_t hl = seg_hdr_write(t, frame_len, o, n, last, index, hdr, sizeof(hdr));
		if (!hl)
			return -1;
		return ep->ops.tx_gso_parts(ep->ctx, pi, hdr, hl, ep->cur + o, n, g);
	}
	size_t plen = stt_segment_write(t, (uint16_t)frame_len, (uint16_t)o, ep->cur + o, n, last,
					index, ep->out, sizeof(ep->out));
	if (!plen)
		return -1;
	return ep->ops.tx_gso(ep->ctx, pi, ep->out, plen, g);
}

/* Our own segment i of n: with checksum offload, headers and payload
 * apart and the checksum left to the kernel; else built whole, checksum
 * and all, in ep->out. */
static int send_segment(struct stt_endpoint *ep, unsigned pi, const struct stt_outer_tmpl *t,
			size_t frame_len, size_t mss, size_t i, size_t n)
{
	size_t o = i * mss, len = frame_len - o < mss ? frame_len - o : mss;

	if (ep->ops.tx_csum_parts) {
		uint8_t hdr[OUTER_HDR_MAX];
		size_t hl = seg_hdr_write(t, frame_len, o, len, i + 1 == n, (unsigned)i, hdr,
					  sizeof(hdr));
		struct stt_offload off = {
			.flags = STT_OFF_F_NEEDS_CSUM,
			.csum_start = (uint16_t)(hl - STT_TCP_HDR_LEN),
			.csum_offset = 16,
		};
		if (!hl)
			return -1;
		return ep->ops.tx_csum_parts(ep->ctx, pi, hdr, hl, ep->cur + o, len, &off);
	}
	size_t plen = stt_segment_build(t, ep->cur, frame_len, mss, i, ep->out, sizeof(ep->out));
	if (!plen)
		return -1;
	return ep->ops.tx(ep->ctx, pi, ep->out, plen);
}

static int send_to_peer(struct stt_endpoint *ep, struct ep_context *c, unsigned pi,
			struct stt_outer_tmpl *t, size_t frame_len)
{
	struct ep_peer *p = &ep->peers[pi];
	size_t mss = seg_payload(ep);
	int sent = 0;

	if (!p->mac_known) {
		ep->st.tx_no_mac++;
		c->st.tx_drops++;
		return 0;
	}
	memcpy(t->eth_dst, p->mac, 6);
	t->dst = p->addr;

	if (ep->cfg.use_gso && (ep->ops.tx_gso || ep->ops.tx_gso_parts) && frame_len > mss) {
		/* Super-packets of whole segments whose IP length fits 16 bits;
		 * GSO advances seq and the IPv4 id per segment, we do it per
		 * super-packet. */
		size_t hdr = stt_outer_hdr_len(t);
		size_t ip_part = ep->cfg.local.family == 6 ? 0 : 20;
		size_t chunk = (65535 - ip_part - STT_TCP_HDR_LEN) / mss * mss;
		unsigned index = 0;
		struct stt_offload g = {
			.flags = STT_OFF_F_NEEDS_CSUM,
			.gso_type = ep->cfg.local.family == 6 ? STT_OFF_GSO_TCPV6 : STT_OFF_GSO_TCPV4,
			.hdr_len = (uint16_t)hdr,
			.gso_size = (uint16_t)mss,
			.csum_start = (uint16_t)(hdr - STT_TCP_HDR_LEN),
			.csum_offset = 16,
		};
		t->csum_mode = STT_CSUM_MODE_PSEUDO;
		for (size_t o = 0; o < frame_len; o += chunk) {
			size_t n = frame_len - o < chunk ? frame_len - o : chunk;
			if (send_super(ep, pi, t, frame_len, o, n, index, &g) < 0) {
				ep->st.tx_errors++;
				c->st.tx_drops++;
				return sent;
			}
			index += (unsigned)((n + mss - 1) / mss);
			c->st.tx_gso_packets++;
			sent++;
		}
		t->ip_id = (uint16_t)(t->ip_id + index);
		return sent;
	}

	size_t n = stt_segment_count(frame_len, mss);
	t->csum_mode = ep->ops.tx_csum_parts ? STT_CSUM_MODE_PSEUDO : STT_CSUM_MODE_FULL;
	for (size_t i = 0; i < n; i++) {
		if (send_segment(ep, pi, t, frame_len, mss, i, n) < 0) {
			ep->st.tx_errors++;
			c->st.tx_drops++;
			return sent;
		}
		c->st.tx_segments++;
		sent++;
	}
	t->ip_id = (uint16_t)(t->ip_id + n);
	return sent;
}

/* The STT frame for an inner frame, in ep->cur: in place when the frame
 * sits in txin behind room for the header (the TAP read it there), else
 * copied into ep->frame. An outer 802.1Q tag moves into the header's VLAN
 * field (the offload offsets, counted from the start of the frame, move
 * with it). Returns the STT frame's length, 0 when it is too long. */
static size_t frame_place(struct stt_endpoint *ep, uint64_t context_id, const uint8_t *f,
			  size_t len, const struct stt_offload *off, struct stt_frame_hdr *h,
			  struct stt_offload *moved)
{
	uint16_t tci = stt_vlan_tag_of(f, len);
	bool in_txin = f == ep->txin + STT_FRAME_HDR_LEN;
	const uint8_t *inner = f;
	size_t ilen = len;

	memset(h, 0, sizeof(*h));
	if (tci) {
		uint8_t *dst;

		if (off) {
			*moved = *off;
			moved->csum_start = (uint16_t)(off->csum_start >= 16 ? off->csum_start - 4 : 0);
			moved->hdr_len = (uint16_t)(off->hdr_len >= 16 ? off->hdr_len - 4 : 0);
			off = moved;
		}
		ilen = len - 4;
		if (ilen > STT_MAX_INNER_LEN)
			return 0;
		if (in_txin) {
			/* slide the MAC addresses over the tag, in place */
			dst = ep->txin + STT_FRAME_HDR_LEN + 4;
			memmove(dst, f, 12);
		} else {
			dst = ep->frame + STT_FRAME_HDR_LEN;
			memcpy(dst, f, 12);
			memcpy(dst + 12, f + 16, len - 16);
		}
		inner = dst;
	}
	fill_frame_hdr(context_id, inner, ilen, off, h);
	h->vlan_tci = tci;
	if (tci || in_txin) {
		if (ilen > STT_MAX_INNER_LEN)
			return 0;
		ep->cur = (uint8_t *)inner - STT_FRAME_HDR_LEN;
		stt_frame_hdr_encode(h, ep->cur);
		return STT_FRAME_HDR_LEN + ilen;
	}
	ep->cur = ep->frame;
	return stt_frame_build(h, f, len, ep->frame, sizeof(ep->frame));
}

static int encap_one(struct stt_endpoint *ep, struct ep_context *c, const uint8_t *f, size_t len,
		     const struct stt_offload *off)
{
	struct stt_frame_hdr h;
	struct stt_ep_inner in;
	struct stt_outer_tmpl t;
	struct stt_offload moved;
	size_t frame_len;
	int sent = 0;

	frame_len = frame_place(ep, c->st.context_id, f, len, off, &h, &moved);
	if (!frame_len) {
		ep->st.tx_too_long++;
		c->st.tx_drops++;
		return 0;
	}
	if (h.vlan_tci) {
		/* from here on, the frame as carried: without its tag */
		f = ep->cur + STT_FRAME_HDR_LEN;
		len -= 4;
		if (off)
			off = &moved;
		c->st.tx_vlan_offloaded++;
	}
	if (off && (off->flags & STT_OFF_F_NEEDS_CSUM) && !(h.flags & STT_F_CSUM_PARTIAL))
		finish_inner_csum(ep->cur + STT_FRAME_HDR_LEN, len, off);

	stt_ep_inner_parse(f, len, &in);
	stt_outer_tmpl_defaults(&t);
	t.with_eth = true;
	memcpy(t.eth_src, ep->cfg.local_mac, 6);
	t.src = ep->cfg.local;
	t.ttl = ep->cfg.ttl;
	t.tos = stt_qos_encap(&ep->cfg.qos, in.is_ipv4 || in.is_ipv6, in.tos);
	t.sport = stt_flow_sport(f, len, ep->cfg.seed);
	t.dport = ep->cfg.port;
	t.ack = ep->next_frame_id++;
	t.ip_id = ep->next_ip_id;

	int dst = len >= 6 && !(f[0] & 1) ? mac_lookup(ep, c, f) : -1;
	for (unsigned pi = 0; pi < ep->npeers; pi++) {
		if (dst >= 0 && (unsigned)dst != pi)
			continue;
		if (c->peer_mask && !(c->peer_mask & (1ull << pi)))
			continue;
		sent += send_to_peer(ep, c, pi, &t, frame_len);
	}
	ep->next_ip_id = t.ip_id;
	if (sent) {
		c->st.tx_frames++;
		c->st.tx_bytes += len;
		if (h.mss)
			c->st.tx_tso_inner++;
	}
	return sent;
}

struct split_ctx {
	struct stt_endpoint *ep;
	struct ep_context *c;
	int sent;
};

static int encap_piece(void *arg, const uint8_t *piece, size_t len, const struct stt_offload *off)
{
	struct split_ctx *s = arg;
	s->sent += encap_one(s->ep, s->c, piece, len, off);
	return 0;
}

int stt_endpoint_encap(struct stt_endpoint *ep, unsigned port, const uint8_t *frame, size_t len,
		       const struct stt_offload *off, uint64_t now_ns)
{
	struct ep_context *c = ctx_by_port(ep, port);

	ep->now_ns = now_ns;
	if (!c) {
		ep->st.tx_no_context++;
		return 0;
	}
	if (len > STT_MAX_INNER_LEN) {
		/* A TCP super-frame from a TAP whose GSO limit exceeds what
		 * one STT frame can carry: cut it into super-frames that fit. */
		struct split_ctx s = { ep, c, 0 };
		if (off && stt_ep_split_tso(frame, len, off, STT_MAX_INNER_LEN, ep->split,
					    sizeof(ep->split), encap_piece, &s) > 0) {
			ep->st.tx_split++;
			return s.sent;
		}
		ep->st.tx_too_long++;
		c->st.tx_drops++;
		return 0;
	}
	return encap_one(ep, c, frame, len, off);
}

uint8_t *stt_endpoint_tx_buffer(struct stt_endpoint *ep, size_t *cap)
{
	*cap = TXIN_CAP;
	return ep->txin + STT_FRAME_HDR_LEN;
}

/* ---- decapsulation ---- */

void stt_endpoint_input(struct stt_endpoint *ep, const uint8_t *pkt, size_t len,
			enum stt_ep_rx_csum csum, uint64_t now_ns)
{
	struct stt_outer o;
	const char *why = NULL;
	enum stt_parse_status ps;
	int pi;

	ep->now_ns = now_ns;
	ep->st.rx_packets++;
	ps = stt_outer_parse(STT_LINK_ETHERNET, pkt, len, len, csum == STT_EP_CSUM_UNKNOWN, &o, &why);
	if (ps == STT_PARSE_NOT_IP || ps == STT_PARSE_NOT_TCP) {
		ep->st.rx_not_stt++;
		return;
	}
	if (ps != STT_PARSE_OK) {
		ep->st.rx_malformed++;
		return;
	}
	if (o.truncated) {
		/* a packet larger than the receive buffer: never complete */
		ep->st.rx_malformed++;
		return;
	}
	if (!stt_addr_eq(&o.dst, &ep->cfg.local) || o.tcp.dport != ep->cfg.port) {
		ep->st.rx_not_stt++;
		return;
	}
	pi = find_peer(ep, &o.src);
	if (pi < 0) {
		ep->st.rx_bad_peer++;
		return;
	}
	if (csum == STT_EP_CSUM_UNKNOWN) {
		bool ok = o.csum == STT_CSUM_OK ||
			  (o.csum == STT_CSUM_PARTIAL && ep->cfg.accept_partial_csum);
		if (!ok) {
			if (o.csum == STT_CSUM_UNCHECKED)
				ep->st.rx_malformed++;
			else
				ep->st.rx_bad_csum++;
			return;
		}
	}
	if (!ep->peers[pi].mac_known && o.has_eth) {
		memcpy(ep->peers[pi].mac, o.eth_src, 6);
		ep->peers[pi].mac_known = true;
	}

	struct stt_seg_in s;
	stt_seg_in_from_outer(&s, &o, now_ns);
	s.user = (uint16_t)pi;
	stt_reasm_add(ep->reasm, &s);
}

/* The offload metadata the local kernel should get for a decapsulated
 * frame: partial checksum (and GSO when the MSS says the sender had a
 * super-frame) or "already verified". Returns false when the header's
 * claims do not fit the inner frame. */
static bool frame_offload(const struct stt_frame_hdr *h, const uint8_t *f, size_t len,
			  const struct stt_ep_inner *in, struct stt_offload *off)
{
	memset(off, 0, sizeof(*off));
	if (h->flags & STT_F_CSUM_PARTIAL) {
		bool tcp = h->flags & STT_F_TCP;
		off->flags = STT_OFF_F_NEEDS_CSUM;
		off->csum_start = h->l4_offset;
		off->csum_offset = tcp ? 16 : 6;
		if ((size_t)off->csum_start + off->csum_offset + 2 > len)
			return false;
		if (tcp && h->mss && in->l4_off == h->l4_offset && in->tcp_hdr_len &&
		    (in->is_ipv4 || in->is_ipv6)) {
			size_t hdr = in->l4_off + in->tcp_hdr_len;
			if (len > hdr + h->mss) {
				off->gso_type = in->is_ipv4 ? STT_OFF_GSO_TCPV4 : STT_OFF_GSO_TCPV6;
				off->gso_size = h->mss;
				off->hdr_len = (uint16_t)hdr;
				if (f[in->l4_off + 13] & STT_TCP_CWR)
					off->gso_type |= STT_OFF_GSO_ECN;
			}
		}
	} else if (h->flags & STT_F_CSUM_VERIFIED) {
		off->flags = STT_OFF_F_DATA_VALID;
	}
	return true;
}

/* The inner frame to deliver: the reassembled one as it is, or, when QoS
 * rewrites its TOS, a copy in ep->rxbuf (the reassembler's buffer must
 * stay as received). NULL when RFC 6040 says drop. */
static const uint8_t *decap_qos(struct stt_endpoint *ep, struct ep_context *c,
				const struct stt_reasm_frame *f, const uint8_t *inner, size_t ilen,
				struct stt_ep_inner *in)
{
	uint8_t tos;

	if (!in->is_ipv4 && !in->is_ipv6)
		return inner;
	if (stt_qos_decap(&ep->cfg.qos, in->tos, f->first_tos, f->any_ce, &tos) < 0) {
		c->st.rx_ecn_drops++;
		return NULL;
	}
	if (tos == in->tos)
		return inner;
	if ((tos & 3) == 3 && (in->tos & 3) != 3)
		c->st.rx_ce_marked++;
	memcpy(ep->rxbuf, inner, ilen);
	stt_ep_inner_set_tos(ep->rxbuf, ilen, in, tos);
	return ep->rxbuf;
}

static void on_frame(void *arg, const struct stt_reasm_frame *f)
{
	struct stt_endpoint *ep = arg;
	struct stt_frame_hdr h;
	struct stt_ep_inner in;
	struct stt_offload off;
	struct ep_context *c;
	size_t ilen;
	const uint8_t *inner;

	ep->st.rx_frames++;
	if (stt_frame_hdr_decode(f->data, f->len, &h) < 0 || f->len < STT_FRAME_HDR_LEN + 14) {
		ep->st.rx_bad_header++;
		return;
	}
	if (h.version != 0) {
		ep->st.rx_bad_version++;
		return;
	}
	c = ctx_by_id(ep, h.context_id);
	if (!c) {
		ep->st.rx_unknown_context++;
		return;
	}
	ilen = f->len - STT_FRAME_HDR_LEN;
	stt_ep_inner_parse(f->data + STT_FRAME_HDR_LEN, ilen, &in);
	inner = decap_qos(ep, c, f, f->data + STT_FRAME_HDR_LEN, ilen, &in);
	if (!inner)
		return;
	if (!frame_offload(&h, inner, ilen, &in, &off)) {
		ep->st.rx_bad_header++;
		return;
	}
	if (stt_vlan_valid(h.vlan_tci)) {
		/* the tag the sender took off (or asks us to apply) goes back
		 * after the MAC addresses; offsets past it move by 4 */
		size_t n = stt_vlan_insert(inner, ilen, h.vlan_tci, ep->rxbuf, sizeof(ep->rxbuf));
		if (!n) {
			ep->st.rx_bad_header++;
			return;
		}
		inner = ep->rxbuf;
		ilen = n;
		if (off.flags & STT_OFF_F_NEEDS_CSUM)
			off.csum_start = (uint16_t)(off.csum_start + 4);
		if (off.hdr_len)
			off.hdr_len = (uint16_t)(off.hdr_len + 4);
		c->st.rx_vlan_applied++;
	}
	int pi = find_peer(ep, &f->key.src);
	if (pi >= 0)
		mac_learn(ep, c, inner + 6, (unsigned)pi);
	c->st.rx_frames++;
	c->st.rx_bytes += ilen;
	ep->ops.deliver(ep->ctx, c->st.port, inner, ilen, &off);
}

void stt_endpoint_tick(struct stt_endpoint *ep, uint64_t now_ns)
{
	ep->now_ns = now_ns;
	stt_reasm_expire(ep->reasm, now_ns);
}

void stt_endpoint_stats(const struct stt_endpoint *ep, struct stt_ep_stats *s)
{
	*s = ep->st;
	s->reasm = *stt_reasm_stats(ep->reasm);
}

unsigned stt_endpoint_context_count(const struct stt_endpoint *ep)
{
	return ep->nctxs;
}

int stt_endpoint_context_stats(const struct stt_endpoint *ep, unsigned i,
			       struct stt_ep_ctx_stats *s)
{
	if (i >= ep->nctxs)
		return -1;
	*s = ep->ctxs[i].st;
	return 0;
}
