/* Packet builders for the inner-decoder and checks tests: Ethernet (with
 * VLAN tags), IPv4/IPv6, TCP/UDP/ICMP/ICMPv6 and ARP, written into a
 * caller buffer. Addresses are from the documentation ranges. */
#ifndef STT_TEST_PKT_TESTLIB_H
#define STT_TEST_PKT_TESTLIB_H

#include <stdint.h>
#include <string.h>

#include "stt/csum.h"
#include "stt/cursor.h"
#include "stt/wire.h"

struct pkt {
	uint8_t b[70000];
	size_t len;
};

static const uint8_t PKT_MAC_A[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t PKT_MAC_B[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t PKT_IP4_A[4] = { 198, 51, 100, 1 };
static const uint8_t PKT_IP4_B[4] = { 198, 51, 100, 2 };
static const uint8_t PKT_IP6_A[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t PKT_IP6_B[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

/* xorshift32: the deterministic random stream of the robustness tests
 * (*x must not start at 0). */
static inline uint32_t pkt_rand(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* len bytes of that stream into b, one draw a byte. */
static inline void pkt_rand_fill(uint32_t *x, uint8_t *b, size_t len)
{
	for (size_t k = 0; k < len; k++)
		b[k] = (uint8_t)pkt_rand(x);
}

static inline void pkt_put(struct pkt *p, const void *d, size_t n)
{
	memcpy(p->b + p->len, d, n);
	p->len += n;
}

static inline void pkt_u8(struct pkt *p, uint8_t v) { p->b[p->len++] = v; }
static inline void pkt_u16(struct pkt *p, uint16_t v)
{
	stt_put_be16(p->b + p->len, v);
	p->len += 2;
}
static inline void pkt_u32(struct pkt *p, uint32_t v)
{
	stt_put_be32(p->b + p->len, v);
	p->len += 4;
}
static inline void pkt_fill(struct pkt *p, uint8_t v, size_t n)
{
	memset(p->b + p->len, v, n);
	p->len += n;
}

/* Ethernet header A -> B; tags: n (tpid, tci) pairs. */
static inline void pkt_eth(struct pkt *p, uint16_t type, unsigned ntags, const uint16_t *tags)
{
	p->len = 0;
	pkt_put(p, PKT_MAC_B, 6);
	pkt_put(p, PKT_MAC_A, 6);
	for (unsigned i = 0; i < ntags; i++) {
		pkt_u16(p, tags[2 * i]);
		pkt_u16(p, tags[2 * i + 1]);
	}
	pkt_u16(p, type);
}

/* IPv4 header; returns its offset. Total length and checksum are fixed
 * by pkt_ip4_finish once the payload is written. */
static inline size_t pkt_ip4(struct pkt *p, uint8_t proto, uint8_t tos, const uint8_t *opts,
			     size_t opt_len)
{
	size_t off = p->len;
	pkt_u8(p, (uint8_t)(0x40 | (5 + opt_len / 4)));
	pkt_u8(p, tos);
	pkt_u16(p, 0);
	pkt_u16(p, 1);
	pkt_u16(p, 0x4000);
	pkt_u8(p, 64);
	pkt_u8(p, proto);
	pkt_u16(p, 0);
	pkt_put(p, PKT_IP4_A, 4);
	pkt_put(p, PKT_IP4_B, 4);
	if (opt_len)
		pkt_put(p, opts, opt_len);
	return off;
}

static inline void pkt_ip4_finish(struct pkt *p, size_t ip_off)
{
	size_t hl = (size_t)(p->b[ip_off] & 0x0f) * 4;
	stt_put_be16(p->b + ip_off + 2, (uint16_t)(p->len - ip_off));
	stt_put_be16(p->b + ip_off + 10, 0);
	stt_put_be16(p->b + ip_off + 10, stt_csum_ipv4_hdr(p->b + ip_off, hl));
}

static inline size_t pkt_ip6(struct pkt *p, uint8_t nh, uint8_t tc)
{
	size_t off = p->len;
	pkt_u32(p, 0x60000000u | ((uint32_t)tc << 20));
	pkt_u16(p, 0);
	pkt_u8(p, nh);
	pkt_u8(p, 64);
	pkt_put(p, PKT_IP6_A, 16);
	pkt_put(p, PKT_IP6_B, 16);
	return off;
}

static inline void pkt_ip6_finish(struct pkt *p, size_t ip_off)
{
	stt_put_be16(p->b + ip_off + 4, (uint16_t)(p->len - ip_off - 40));
}

static inline void pkt_tcp(struct pkt *p, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
			   uint8_t flags, uint16_t win, const uint8_t *opts, size_t opt_len,
			   size_t payload)
{
	pkt_u16(p, sport);
	pkt_u16(p, dport);
	pkt_u32(p, seq);
	pkt_u32(p, ack);
	pkt_u8(p, (uint8_t)(((20 + opt_len) / 4) << 4));
	pkt_u8(p, flags);
	pkt_u16(p, win);
	pkt_u16(p, 0);
	pkt_u16(p, 0);
	if (opt_len)
		pkt_put(p, opts, opt_len);
	pkt_fill(p, 'x', payload);
}

static inline void pkt_udp(struct pkt *p, uint16_t sport, uint16_t dport, size_t payload)
{
	pkt_u16(p, sport);
	pkt_u16(p, dport);
	pkt_u16(p, (uint16_t)(8 + payload));
	pkt_u16(p, 0);
	pkt_fill(p, 'u', payload);
}

static inline void pkt_icmp_echo(struct pkt *p, uint8_t type, uint16_t id, uint16_t seq,
				 size_t payload)
{
	pkt_u8(p, type);
	pkt_u8(p, 0);
	pkt_u16(p, 0);
	pkt_u16(p, id);
	pkt_u16(p, seq);
	pkt_fill(p, 'a', payload);
}

/* Complete frames used by several tests. */
static inline void pkt_tcp4(struct pkt *p, uint8_t flags, size_t payload)
{
	pkt_eth(p, 0x0800, 0, NULL);
	size_t ip = pkt_ip4(p, 6, 0, NULL, 0);
	pkt_tcp(p, 40000, 5001, 1, 5, flags, 502, NULL, 0, payload);
	pkt_ip4_finish(p, ip);
}

static inline void pkt_udp4(struct pkt *p, size_t payload)
{
	pkt_eth(p, 0x0800, 0, NULL);
	size_t ip = pkt_ip4(p, 17, 0, NULL, 0);
	pkt_udp(p, 40000, 5000, payload);
	pkt_ip4_finish(p, ip);
}

static inline void pkt_tcp6(struct pkt *p, uint8_t flags, size_t payload)
{
	pkt_eth(p, 0x86dd, 0, NULL);
	size_t ip = pkt_ip6(p, 6, 0);
	pkt_tcp(p, 40000, 5001, 1, 5, flags, 502, NULL, 0, payload);
	pkt_ip6_finish(p, ip);
}

static inline void pkt_arp_request(struct pkt *p)
{
	pkt_eth(p, 0x0806, 0, NULL);
	pkt_u16(p, 1);
	pkt_u16(p, 0x0800);
	pkt_u8(p, 6);
	pkt_u8(p, 4);
	pkt_u16(p, 1);
	pkt_put(p, PKT_MAC_A, 6);
	pkt_put(p, PKT_IP4_A, 4);
	pkt_fill(p, 0, 6);
	pkt_put(p, PKT_IP4_B, 4);
}

#endif
