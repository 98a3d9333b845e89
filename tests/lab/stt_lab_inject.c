/* stt-lab-inject: send hand-made STT traffic, good and bad, from any
 * source address, for the lab tests (peer filtering, unknown contexts,
 * malformed and partial floods).
 *
 *   stt-lab-inject IFACE SRC DST DSTMAC KIND COUNT [CONTEXT]
 *
 * KIND: valid | badcsum | zerolen | range | version | partial | conflict |
 *       truncated | ipv4. "ipv4" carries an inner IPv4/UDP packet whose
 *       TOS is $INJ_INNER_TOS, under an outer TOS of $INJ_OUTER_TOS (for
 *       the RFC 6040 checks). Exit 0 when everything was sent, 2 on
 *       errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "stt/inner_build.h"
#include "stt/io.h"
#include "stt/segment.h"

static int die(const char *m)
{
	fprintf(stderr, "stt-lab-inject: %s\n", m);
	return 2;
}

/* The "ipv4" inner packet after its Ethernet header: IPv4/UDP from
 * 198.51.100.9 to the broadcast 198.51.100.255, port 9 to 9, no UDP
 * checksum, the rest of the 60-byte frame as payload. */
static int build_ipv4_udp(uint8_t *ip, size_t cap, uint8_t tos)
{
	struct stt_ip_fields f = { .proto = STT_IPPROTO_UDP, .tos = tos, .ttl = 64 };
	size_t l4 = cap - STT_IPV4_HDR_LEN;

	if (stt_addr_parse("198.51.100.9", &f.src) < 0 ||
	    stt_addr_parse("198.51.100.255", &f.dst) < 0 || !stt_build_ip(ip, cap, &f, l4) ||
	    !stt_build_udp(ip + STT_IPV4_HDR_LEN, l4, 9, 9, l4))
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct stt_outer_tmpl t;
	struct stt_frame_hdr h = { 0 };
	struct stt_underlay *u;
	struct stt_underlay_config uc = { 0 };
	static uint8_t inner[60000], frame[65535], pkt[70000];
	char err[256];
	uint8_t mac[6];
	unsigned mtu;

	if (argc < 7)
		return die("usage: IFACE SRC DST DSTMAC KIND COUNT [CONTEXT]");
	const char *kind = argv[5];
	unsigned long count = strtoul(argv[6], NULL, 0);
	h.context_id = argc > 7 ? strtoull(argv[7], NULL, 0) : 42;

	stt_outer_tmpl_defaults(&t);
	t.with_eth = true;
	if (stt_addr_parse(argv[2], &t.src) < 0 || stt_addr_parse(argv[3], &t.dst) < 0 ||
	    stt_cli_parse_mac(argv[4], t.eth_dst) < 0)
		return die("bad address");
	if (stt_io_iface_info(argv[1], mac, &mtu, err, sizeof(err)) < 0)
		return die(err);
	memcpy(t.eth_src, mac, 6);
	uc.ifname = argv[1];
	uc.rx = false;
	u = stt_underlay_open(&uc, err, sizeof(err));
	if (!u)
		return die(err);

	/* inner: a broadcast Ethernet frame with a local experimental type */
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t inner_src[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	bool v4 = !strcmp(kind, "ipv4");
	size_t ilen = strcmp(kind, "partial") == 0 ? 60000 : 60;
	memset(inner, 0xab, ilen);
	stt_build_eth(inner, ilen, bcast, inner_src, v4 ? STT_ETHERTYPE_IPV4 : 0x88b5);
	if (!strcmp(kind, "version"))
		h.version = 1;
	if (v4) {
		const char *it = getenv("INJ_INNER_TOS"), *ot = getenv("INJ_OUTER_TOS");
		if (build_ipv4_udp(inner + STT_ETH_HDR_LEN, ilen - STT_ETH_HDR_LEN,
				   (uint8_t)(it ? strtoul(it, NULL, 0) : 0)) < 0)
			return die("cannot build the inner IPv4 packet");
		t.tos = (uint8_t)(ot ? strtoul(ot, NULL, 0) : 0);
		h.flags = STT_F_IPV4;
	}
	size_t flen = stt_frame_build(&h, inner, ilen, frame, sizeof(frame));

	for (unsigned long i = 0; i < count; i++) {
		size_t n = 0;
		t.ack = 0x5000000u + (uint32_t)i;
		t.sport = (uint16_t)(49152 + (i & 0x3fff));
		if (!strcmp(kind, "valid") || !strcmp(kind, "version") || !strcmp(kind, "ipv4")) {
			n = stt_segment_write(&t, (uint16_t)flen, 0, frame, flen, true, 0, pkt, sizeof(pkt));
		} else if (!strcmp(kind, "badcsum")) {
			n = stt_segment_write(&t, (uint16_t)flen, 0, frame, flen, true, 0, pkt, sizeof(pkt));
			pkt[n - 1] ^= 0x5a; /* payload changed after the checksum */
		} else if (!strcmp(kind, "zerolen")) {
			n = stt_segment_write(&t, (uint16_t)flen, 0, frame, 0, true, 0, pkt, sizeof(pkt));
		} else if (!strcmp(kind, "range")) {
			n = stt_segment_write(&t, (uint16_t)flen, (uint16_t)(flen - 10), frame, 40, true, 0,
					      pkt, sizeof(pkt));
		} else if (!strcmp(kind, "partial")) {
			/* the first 1400 bytes of a 60 KB frame, never the rest */
			n = stt_segment_write(&t, (uint16_t)flen, 0, frame, 1400, false, 0, pkt, sizeof(pkt));
		} else if (!strcmp(kind, "conflict")) {
			n = stt_segment_write(&t, (uint16_t)flen, 0, frame, 40, false, 0, pkt, sizeof(pkt));
			if (n && stt_underlay_send(u, pkt, n) < 0)
				return die("send failed");
			frame[30] ^= 0xff; /* same offset range, other bytes */
			n = stt_segment_write(&t, (uint16_t)flen, 20, frame + 20, 40, false, 1, pkt, sizeof(pkt));
			frame[30] ^= 0xff;
		} else if (!strcmp(kind, "truncated")) {
			n = stt_segment_write(&t, (uint16_t)flen, 0, frame, flen, true, 0, pkt, sizeof(pkt));
			n = 14 + 20 + 10; /* the TCP header cut in half */
		} else {
			return die("unknown KIND");
		}
		if (!n || stt_underlay_send(u, pkt, n) < 0)
			return die("send failed");
	}
	stt_underlay_close(u);
	return 0;
}
