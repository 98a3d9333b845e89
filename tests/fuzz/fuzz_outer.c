/* Fuzz target: the outer packet parser. The first byte picks the link
 * type and options; the rest is the packet. Invariants: everything the
 * parser points at is inside the captured bytes; a refusal always comes
 * with a reason; link names are never NULL. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stt/outer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_outer: invariant failed: %s\n", what);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int links[] = {
		STT_LINK_ETHERNET, STT_LINK_RAW,  STT_LINK_RAW_DLT,   STT_LINK_NULL,
		STT_LINK_LOOP,	   STT_LINK_IPV4, STT_LINK_IPV6,      STT_LINK_LINUX_SLL,
		STT_LINK_LINUX_SLL2, 147 /* a user DLT: unsupported */,
	};
	struct stt_outer o;
	const char *why = NULL;
	const uint8_t *pkt;
	size_t caplen, wirelen;
	enum stt_parse_status st;
	int link;

	if (size < 1)
		return 0;
	link = links[(data[0] & 0x0f) % (sizeof(links) / sizeof(links[0]))];
	pkt = data + 1;
	caplen = size - 1;
	/* bit 4: pretend the capture was cut (wirelen beyond caplen) */
	wirelen = (data[0] & 0x10) ? caplen + 100 : caplen;
	if (!stt_link_name(link))
		fail("NULL link name");
	memset(&o, 0xa5, sizeof(o)); /* garbage in: the parser must set what it reports */
	st = stt_outer_parse(link, pkt, caplen, wirelen, (data[0] & 0x20) != 0, &o, &why);
	if (st != STT_PARSE_OK) {
		if (!why || !*why)
			fail("refusal without a reason");
		return 0;
	}
	if (o.l3_off > caplen || o.l4_off > caplen || o.l4_off + o.tcp_hdr_len > caplen)
		fail("header offsets beyond the capture");
	if (o.payload_len > caplen || o.payload < pkt || o.payload + o.payload_len > pkt + caplen)
		fail("payload outside the capture");
	if (o.ip_version != 4 && o.ip_version != 6)
		fail("OK without an IP version");
	if (o.tcp_hdr_len < 20)
		fail("TCP header shorter than 20 bytes");
	if (o.truncated != (o.payload_len < o.payload_wire_len))
		fail("truncated flag disagrees with the lengths");
	if (o.n_vlans > STT_MAX_VLAN_TAGS)
		fail("too many VLAN tags");
	if (!stt_csum_verdict_name(o.csum))
		fail("NULL verdict name");
	return 0;
}
