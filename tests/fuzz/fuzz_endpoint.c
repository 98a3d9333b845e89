/* Fuzz target: the endpoint, both ways, with what a guest and a remote
 * sender control.
 *
 * A guest writes any frame and any virtio header into its TAP; a remote
 * peer sends any STT frame. Two endpoints, A (192.0.2.1) and B
 * (192.0.2.2), context 42 on both:
 *
 *  R1. round trip: the input's frame, with the input's offload metadata,
 *      is encapsulated by A (own segments or GSO super-packets, joined or
 *      gathered, copied or from the zero-copy buffer) and what A sends is
 *      fed to B;
 *  R2. forged: the input's bytes are taken as an STT frame (header and
 *      inner frame), cut into segments by the library's segmenter with an
 *      outer TOS from the input (CE included) and fed to B.
 *
 * Invariants (abort on failure):
 *  - every frame B delivers carries offload metadata that stays inside it
 *    (checksum start + offset + 2 <= length; a GSO type only with a
 *    partial checksum, a GSO size and a header length within the frame):
 *    these go to the kernel through the TAP's virtio header;
 *  - R1 without a partial checksum and with a frame A can carry whole
 *    (14..65517 bytes): B delivers exactly one frame, the same bytes, but
 *    for the DEI bit of an 802.1Q tag (it travels in the STT header,
 *    which has no room for it);
 *  - R2: what B delivers is the forged inner frame, with an 802.1Q tag
 *    added when V is set, and never more than one frame.
 *
 * Input: [0] mode bits (1 GSO, 2 gathered sends, 4 zero-copy buffer,
 * 8 pipe DSCP, 32 offload given, 64 small MTU, 128 R2 forced to version 0
 * and context 42), [1] outer TOS for R2, [2..11] offload (flags,
 * gso_type, hdr_len, gso_size, csum_start, csum_offset; 16-bit
 * big-endian), then the frame. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stt/cursor.h"
#include "stt/endpoint.h"
#include "stt/qos.h"
#include "stt/segment.h"
#include "stt/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HDR 12
#define MAX_IN 70000

static struct stt_endpoint *A, *B;
static unsigned ndeliv;
static size_t dlen;
static uint8_t dframe[70000];
static uint8_t pkt[70000];

#define ASSERT(c)                                                                            \
	do {                                                                                 \
		if (!(c)) {                                                                  \
			fprintf(stderr, "fuzz_endpoint: %s:%d: %s\n", __FILE__, __LINE__, #c); \
			abort();                                                             \
		}                                                                            \
	} while (0)

static void deliver(void *ctx, unsigned port, const uint8_t *frame, size_t len,
		    const struct stt_offload *off)
{
	(void)ctx;
	ASSERT(port == 0);
	ASSERT(len <= sizeof(dframe));
	if (off->flags & STT_OFF_F_NEEDS_CSUM)
		ASSERT((size_t)off->csum_start + off->csum_offset + 2 <= len);
	if (off->gso_type) {
		ASSERT(off->flags & STT_OFF_F_NEEDS_CSUM);
		ASSERT(off->gso_size > 0);
		ASSERT(off->hdr_len > off->csum_start && off->hdr_len <= len);
	}
	if (ndeliv++ == 0) {
		memcpy(dframe, frame, len);
		dlen = len;
	}
}

static int to_b(void *ctx, unsigned peer, const uint8_t *p, size_t len)
{
	(void)ctx, (void)peer;
	ASSERT(len <= sizeof(pkt));
	stt_endpoint_input(B, p, len, STT_EP_CSUM_UNKNOWN, 1000);
	return 0;
}

static int to_b_gso(void *ctx, unsigned peer, const uint8_t *p, size_t len,
		    const struct stt_offload *off)
{
	(void)ctx, (void)peer;
	ASSERT(off->gso_size > 0 && off->hdr_len < len);
	/* as a veth with TSO hands it over: whole, checksum partial */
	stt_endpoint_input(B, p, len, STT_EP_CSUM_PARTIAL, 1000);
	return 0;
}

static int join(const uint8_t *hdr, size_t hl, const uint8_t *payload, size_t pl)
{
	ASSERT(hl + pl <= sizeof(pkt));
	memcpy(pkt, hdr, hl);
	memcpy(pkt + hl, payload, pl);
	return (int)(hl + pl);
}

static int to_b_gso_parts(void *ctx, unsigned peer, const uint8_t *hdr, size_t hl,
			  const uint8_t *payload, size_t pl, const struct stt_offload *off)
{
	int n = join(hdr, hl, payload, pl);
	return to_b_gso(ctx, peer, pkt, (size_t)n, off);
}

static int to_b_csum_parts(void *ctx, unsigned peer, const uint8_t *hdr, size_t hl,
			   const uint8_t *payload, size_t pl, const struct stt_offload *off)
{
	int n = join(hdr, hl, payload, pl);
	ASSERT(off->flags & STT_OFF_F_NEEDS_CSUM);
	ASSERT((size_t)off->csum_start + off->csum_offset + 2 <= hl);
	(void)ctx, (void)peer;
	stt_endpoint_input(B, pkt, (size_t)n, STT_EP_CSUM_PARTIAL, 1000);
	return 0;
}

static void setup(uint8_t mode)
{
	static const uint8_t mac_a[6] = { 2, 0, 0, 0, 0, 0xa }, mac_b[6] = { 2, 0, 0, 0, 0, 0xb };
	struct stt_endpoint_config c = { 0 };
	struct stt_endpoint_ops ops = { .tx = to_b, .tx_gso = to_b_gso, .deliver = deliver };
	struct stt_addr a, b;

	if (mode & 2) {
		ops.tx_gso_parts = to_b_gso_parts;
		ops.tx_csum_parts = to_b_csum_parts;
	}
	stt_endpoint_free(A);
	stt_endpoint_free(B);
	stt_addr_parse("192.0.2.1", &a);
	stt_addr_parse("192.0.2.2", &b);
	c.underlay_mtu = (mode & 64) ? 576 : 1500;
	c.use_gso = mode & 1;
	stt_qos_parse_dscp((mode & 8) ? "pipe:46" : "uniform", &c.qos);
	c.local = a;
	memcpy(c.local_mac, mac_a, 6);
	c.seed = 1;
	A = stt_endpoint_new(&c, &ops, NULL);
	c.local = b;
	memcpy(c.local_mac, mac_b, 6);
	c.seed = 2;
	B = stt_endpoint_new(&c, &ops, NULL);
	ASSERT(A && B);
	ASSERT(stt_endpoint_add_peer(A, &b, mac_b) == 0);
	ASSERT(stt_endpoint_add_peer(B, &a, mac_a) == 0);
	ASSERT(stt_endpoint_add_context(A, 42, 0, 0) == 0);
	ASSERT(stt_endpoint_add_context(B, 42, 0, 0) == 0);
}

/* R1: through A, then B. */
static void round_trip(uint8_t mode, const struct stt_offload *off, const uint8_t *f, size_t len)
{
	const uint8_t *src = f;

	setup(mode);
	ndeliv = 0;
	if (mode & 4) {
		size_t cap;
		uint8_t *zb = stt_endpoint_tx_buffer(A, &cap);
		if (len > cap)
			return;
		memcpy(zb, f, len);
		src = zb;
	}
	stt_endpoint_encap(A, 0, src, len, (mode & 32) ? off : NULL, 1000);
	bool plain = !(mode & 32) || !(off->flags & STT_OFF_F_NEEDS_CSUM);
	if (!plain || len < 14 || len > STT_MAX_INNER_LEN)
		return;
	ASSERT(ndeliv == 1);
	ASSERT(dlen == len);
	if (len >= 18 && f[12] == 0x81 && f[13] == 0x00) {
		/* an 802.1Q tag: back in place, DEI cleared */
		ASSERT(memcmp(dframe, f, 14) == 0);
		ASSERT(dframe[14] == (f[14] & 0xef));
		ASSERT(memcmp(dframe + 15, f + 15, len - 15) == 0);
	} else {
		ASSERT(memcmp(dframe, f, len) == 0);
	}
}

/* R2: the bytes as an STT frame from A's address, straight into B. */
static void forged(uint8_t mode, uint8_t tos, const uint8_t *f, size_t len)
{
	struct stt_outer_tmpl t;
	struct stt_frame_hdr h;
	size_t mss = (mode & 64) ? 536 : 1460;

	static uint8_t patched[65536];

	if (len > 65535)
		return;
	if ((mode & 128) && len >= STT_FRAME_HDR_LEN) {
		/* version 0 and our context: past the cheap rejections */
		memcpy(patched, f, len);
		patched[0] = 0;
		memcpy(patched + 8, "\0\0\0\0\0\0\0\x2a", 8);
		f = patched;
	}
	setup(mode);
	ndeliv = 0;
	stt_outer_tmpl_defaults(&t);
	t.with_eth = true;
	memcpy(t.eth_dst, "\x02\x00\x00\x00\x00\x0b", 6);
	memcpy(t.eth_src, "\x02\x00\x00\x00\x00\x0a", 6);
	stt_addr_parse("192.0.2.1", &t.src);
	stt_addr_parse("192.0.2.2", &t.dst);
	t.tos = tos;
	t.sport = 50000;
	t.dport = STT_DEFAULT_PORT;
	t.ack = 7;
	size_t n = stt_segment_count(len, mss);
	for (size_t i = 0; i < n; i++) {
		size_t pl = stt_segment_build(&t, f, len, mss, i, pkt, sizeof(pkt));
		ASSERT(pl > 0);
		stt_endpoint_input(B, pkt, pl, STT_EP_CSUM_UNKNOWN, 1000 + i);
	}
	ASSERT(ndeliv <= 1);
	if (!ndeliv)
		return;
	ASSERT(stt_frame_hdr_decode(f, len, &h) == 0);
	size_t ilen = len - STT_FRAME_HDR_LEN;
	if (stt_vlan_valid(h.vlan_tci)) {
		ASSERT(dlen == ilen + 4);
		ASSERT(memcmp(dframe, f + STT_FRAME_HDR_LEN, 12) == 0);
		ASSERT(dframe[12] == 0x81 && dframe[13] == 0x00);
		ASSERT(stt_vlan_id((uint16_t)(dframe[14] << 8 | dframe[15])) == stt_vlan_id(h.vlan_tci));
	} else {
		ASSERT(dlen == ilen);
		/* only QoS may have touched the inner IP header's TOS byte */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stt_cur c = stt_cur_make(data, size);
	struct stt_offload off;

	if (size < HDR || size - HDR > MAX_IN)
		return 0;
	uint8_t mode = stt_get_u8(&c), tos = stt_get_u8(&c);
	memset(&off, 0, sizeof(off));
	off.flags = stt_get_u8(&c);
	off.gso_type = stt_get_u8(&c);
	off.hdr_len = stt_get_be16(&c);
	off.gso_size = stt_get_be16(&c);
	off.csum_start = stt_get_be16(&c);
	off.csum_offset = stt_get_be16(&c);
	round_trip(mode, &off, data + HDR, size - HDR);
	forged(mode, tos, data + HDR, size - HDR);
	return 0;
}
