/* Link layers in front of the outer IP header: Ethernet (with up to two
 * VLAN tags), Linux cooked captures v1 and v2, raw IP and BSD loopback. */
#include <string.h>

#include "outer_link.h"

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETH_HDR_LEN 14
#define SLL_HDR_LEN 16
#define SLL2_HDR_LEN 20
#define LOOP_HDR_LEN 4
#define ARPHRD_ETHER_NUM 1

bool stt_link_supported(int linktype)
{
	switch (linktype) {
	case STT_LINK_NULL:
	case STT_LINK_ETHERNET:
	case STT_LINK_RAW:
	case STT_LINK_RAW_DLT:
	case STT_LINK_LOOP:
	case STT_LINK_LINUX_SLL:
	case STT_LINK_IPV4:
	case STT_LINK_IPV6:
	case STT_LINK_LINUX_SLL2:
		return true;
	default:
		return false;
	}
}

/* libpcap's DLT names, which tcpdump -L and pcap tools print. */
const char *stt_link_name(int linktype)
{
	switch (linktype) {
	case STT_LINK_NULL:
		return "NULL";
	case STT_LINK_ETHERNET:
		return "EN10MB";
	case STT_LINK_RAW:
	case STT_LINK_RAW_DLT:
		return "RAW";
	case STT_LINK_LOOP:
		return "LOOP";
	case STT_LINK_LINUX_SLL:
		return "LINUX_SLL";
	case STT_LINK_IPV4:
		return "IPV4";
	case STT_LINK_IPV6:
		return "IPV6";
	case STT_LINK_LINUX_SLL2:
		return "LINUX_SLL2";
	default:
		return "unknown";
	}
}

enum stt_parse_status stt_outer_short(size_t need_end, size_t wirelen, const char **why,
				      const char *cut_msg, const char *short_msg)
{
	if (need_end <= wirelen) {
		*why = cut_msg;
		return STT_PARSE_TRUNCATED;
	}
	*why = short_msg;
	return STT_PARSE_MALFORMED;
}

static bool is_vlan_tpid(uint16_t t)
{
	return t == 0x8100 || t == 0x88a8 || t == 0x9100;
}

/* VLAN tags after an EtherType/protocol field (Ethernet, and cooked
 * captures of interfaces that keep tags in the data). */
static enum stt_parse_status vlan_tags(struct stt_cur *c, size_t wirelen, struct stt_outer *o,
				       const char **why)
{
	while (is_vlan_tpid(o->ethertype)) {
		if (o->n_vlans == STT_MAX_VLAN_TAGS) {
			*why = "VLAN: more than 2 tags, inner EtherType not decoded";
			return STT_PARSE_NOT_IP;
		}
		if (!stt_cur_has(c, 4))
			return stt_outer_short(c->off + 4, wirelen, why, "VLAN tag cut short",
					       "VLAN tag: packet ends inside the tag");
		o->vlan_tpid[o->n_vlans] = o->ethertype;
		o->vlan_tci[o->n_vlans] = stt_get_be16(c);
		o->ethertype = stt_get_be16(c);
		o->n_vlans++;
	}
	return STT_PARSE_OK;
}

/* BSD loopback: a 4-byte address family, host order for NULL (of the
 * machine that wrote the capture, which we cannot know) and network order
 * for LOOP. Both orders are tried; AF_INET6 differs between systems. */
static uint16_t loop_af_ethertype(uint32_t af)
{
	switch (af) {
	case 2:
		return ETHERTYPE_IPV4;
	case 10: /* Linux */
	case 24: /* NetBSD, OpenBSD, BSD/OS */
	case 28: /* FreeBSD, DragonFly */
	case 30: /* Darwin */
		return ETHERTYPE_IPV6;
	default:
		return 0;
	}
}

static enum stt_parse_status link_loop(struct stt_cur *c, size_t wirelen, struct stt_outer *o,
				       const char **why)
{
	const uint8_t *b = stt_cur_take(c, LOOP_HDR_LEN);
	uint32_t be, le;

	if (!b)
		return stt_outer_short(LOOP_HDR_LEN, wirelen, why, "loopback header cut short",
				       "loopback header: packet shorter than 4 bytes");
	be = ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
	le = ((uint32_t)b[3] << 24) | ((uint32_t)b[2] << 16) | ((uint32_t)b[1] << 8) | b[0];
	o->ethertype = loop_af_ethertype(be);
	if (!o->ethertype)
		o->ethertype = loop_af_ethertype(le);
	if (!o->ethertype) {
		*why = "loopback address family is neither IPv4 nor IPv6";
		return STT_PARSE_NOT_IP;
	}
	return STT_PARSE_OK;
}

/* Raw IP: the version nibble says which. */
static enum stt_parse_status link_raw(int linktype, struct stt_cur *c, size_t wirelen,
				      struct stt_outer *o, const char **why)
{
	unsigned v;

	if (!stt_cur_has(c, 1))
		return stt_outer_short(1, wirelen, why, "raw IP: nothing captured",
				       "raw IP: empty packet");
	v = stt_peek_u8(c, 0) >> 4;
	if ((v == 4 && linktype != STT_LINK_IPV6) || (v == 6 && linktype != STT_LINK_IPV4)) {
		o->ethertype = v == 4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6;
		return STT_PARSE_OK;
	}
	*why = linktype == STT_LINK_IPV4   ? "IPv4 link type: IP version field is not 4"
	       : linktype == STT_LINK_IPV6 ? "IPv6 link type: IP version field is not 6"
					   : "raw IP: version field is neither 4 nor 6";
	return STT_PARSE_MALFORMED;
}

static enum stt_parse_status link_ethernet(struct stt_cur *c, size_t wirelen, struct stt_outer *o,
					   const char **why)
{
	const uint8_t *b = stt_cur_take(c, 12);

	if (!b || !stt_cur_has(c, 2))
		return stt_outer_short(ETH_HDR_LEN, wirelen, why, "Ethernet header cut short",
				       "Ethernet header: packet shorter than 14 bytes");
	o->has_eth = true;
	memcpy(o->eth_dst, b, 6);
	memcpy(o->eth_src, b + 6, 6);
	o->ethertype = stt_get_be16(c);
	return vlan_tags(c, wirelen, o, why);
}

/* Linux cooked capture v1: packet type, ARPHRD type, address length,
 * 8 address bytes, protocol. */
static enum stt_parse_status link_sll(struct stt_cur *c, size_t wirelen, struct stt_outer *o,
				      const char **why)
{
	uint16_t hatype, halen;
	const uint8_t *addr;

	if (!stt_cur_has(c, SLL_HDR_LEN))
		return stt_outer_short(SLL_HDR_LEN, wirelen, why, "Linux SLL header cut short",
				       "Linux SLL header: packet shorter than 16 bytes");
	o->sll_pkttype = stt_get_be16(c);
	hatype = stt_get_be16(c);
	halen = stt_get_be16(c);
	addr = stt_cur_take(c, 8);
	o->ethertype = stt_get_be16(c);
	if (hatype == ARPHRD_ETHER_NUM && halen == 6 && addr)
		memcpy(o->eth_src, addr, 6); /* the only link address SLL keeps */
	return vlan_tags(c, wirelen, o, why);
}

/* Linux cooked capture v2: protocol first, then reserved, ifindex, ARPHRD
 * type, packet type, address length and 8 address bytes. */
static enum stt_parse_status link_sll2(struct stt_cur *c, size_t wirelen, struct stt_outer *o,
				       const char **why)
{
	uint16_t hatype;
	uint8_t halen;
	const uint8_t *addr;

	if (!stt_cur_has(c, SLL2_HDR_LEN))
		return stt_outer_short(SLL2_HDR_LEN, wirelen, why, "Linux SLL2 header cut short",
				       "Linux SLL2 header: packet shorter than 20 bytes");
	o->ethertype = stt_get_be16(c);
	stt_cur_skip(c, 2 + 4); /* reserved, interface index */
	hatype = stt_get_be16(c);
	o->sll_pkttype = stt_get_u8(c);
	halen = stt_get_u8(c);
	addr = stt_cur_take(c, 8);
	if (hatype == ARPHRD_ETHER_NUM && halen == 6 && addr)
		memcpy(o->eth_src, addr, 6);
	return vlan_tags(c, wirelen, o, why);
}

enum stt_parse_status stt_outer_link(int linktype, struct stt_cur *c, size_t wirelen,
				     struct stt_outer *o, const char **why)
{
	enum stt_parse_status st;

	switch (linktype) {
	case STT_LINK_ETHERNET:
		st = link_ethernet(c, wirelen, o, why);
		break;
	case STT_LINK_LINUX_SLL:
		st = link_sll(c, wirelen, o, why);
		break;
	case STT_LINK_LINUX_SLL2:
		st = link_sll2(c, wirelen, o, why);
		break;
	case STT_LINK_RAW:
	case STT_LINK_RAW_DLT:
	case STT_LINK_IPV4:
	case STT_LINK_IPV6:
		st = link_raw(linktype, c, wirelen, o, why);
		break;
	case STT_LINK_NULL:
	case STT_LINK_LOOP:
		st = link_loop(c, wirelen, o, why);
		break;
	default:
		*why = "link type not supported";
		return STT_PARSE_UNSUPPORTED_LINK;
	}
	if (st != STT_PARSE_OK)
		return st;
	o->l3_off = c->off;
	if (o->ethertype != ETHERTYPE_IPV4 && o->ethertype != ETHERTYPE_IPV6) {
		*why = "EtherType is neither IPv4 nor IPv6";
		return STT_PARSE_NOT_IP;
	}
	return STT_PARSE_OK;
}
