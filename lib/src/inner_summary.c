/* One-line summaries of inner frames in tcpdump's style (tcpdump -n, with
 * -e and -q variants). Sequence numbers are printed absolute, as with
 * tcpdump -S: a one-line summary has no connection state to make them
 * relative. Whatever the decoder could not read is marked the way tcpdump
 * marks it: "[|ip]", "[|tcp]", "truncated-ip - N bytes missing!".
 *
 * The decoder's struct gives the layout; the few fields it does not keep
 * (UDP length, TCP options, ICMP error contents) are re-read here through
 * the cursor, never directly. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "stt/cursor.h"
#include "stt/inner.h"

struct sbuf {
	char *buf;
	size_t cap;
	size_t n; /* length wanted so far (may exceed cap) */
};

__attribute__((format(printf, 2, 3))) static void put(struct sbuf *s, const char *fmt, ...)
{
	va_list ap;
	char *dst = NULL;
	size_t room = 0;

	if (s->cap && s->n < s->cap) {
		dst = s->buf + s->n;
		room = s->cap - s->n;
	}
	va_start(ap, fmt);
	int r = vsnprintf(dst, room, fmt, ap);
	va_end(ap);
	if (r > 0)
		s->n += (size_t)r;
}

/* The common pieces are formatted by hand: vsnprintf() and inet_ntop()
 * were 40% of stt-dump's instructions. Same contract as put(): n counts
 * what was wanted, the buffer holds a NUL-terminated prefix of it. */
static void put_mem(struct sbuf *s, const char *p, size_t len)
{
	if (s->n < s->cap) {
		size_t room = s->cap - s->n - 1;
		size_t k = len < room ? len : room;
		memcpy(s->buf + s->n, p, k);
		s->buf[s->n + k] = '\0';
	}
	s->n += len;
}

static void put_s(struct sbuf *s, const char *str)
{
	put_mem(s, str, strlen(str));
}

/* Decimal digits of v at the end of buf[20]; returns where they start. */
static char *u64_digits(uint64_t v, char *end)
{
	char *p = end;
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return p;
}

static void put_u(struct sbuf *s, uint64_t v)
{
	char tmp[20];
	char *p = u64_digits(v, tmp + sizeof(tmp));
	put_mem(s, p, (size_t)(tmp + sizeof(tmp) - p));
}

/* Take back the last k characters (a separator nothing follows). */
static void unput(struct sbuf *s, size_t k)
{
	s->n = s->n > k ? s->n - k : 0;
	if (s->n < s->cap)
		s->buf[s->n] = '\0';
}

static void put_mac(struct sbuf *s, const uint8_t m[6])
{
	put(s, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static const char *addr_str(const struct stt_addr *a, char *buf, size_t cap)
{
	if (a->family != 6 && cap >= INET_ADDRSTRLEN) { /* dotted quad, the common case */
		char *q = buf;
		for (int i = 0; i < 4; i++) {
			char tmp[20];
			char *p = u64_digits(a->a[i], tmp + sizeof(tmp));
			while (p < tmp + sizeof(tmp))
				*q++ = *p++;
			*q++ = i < 3 ? '.' : '\0';
		}
		return buf;
	}
	if (!inet_ntop(a->family == 6 ? AF_INET6 : AF_INET, a->a, buf, (socklen_t)cap))
		snprintf(buf, cap, "?");
	return buf;
}

static const char *ethertype_name(uint16_t t)
{
	switch (t) {
	case 0x0800: return "IPv4";
	case 0x0806: return "ARP";
	case 0x86dd: return "IPv6";
	case 0x8100: return "802.1Q";
	case 0x88a8: return "802.1Q-QinQ";
	case 0x9100: return "802.1Q-9100";
	case 0x9200: return "802.1Q-9200";
	case 0x8035: return "Reverse ARP";
	case 0x8847: return "MPLS unicast";
	case 0x8848: return "MPLS multicast";
	case 0x88cc: return "LLDP";
	case 0x8809: return "Slow Protocols";
	case 0x888e: return "EAPOL";
	case 0x8863: return "PPPoE D";
	case 0x8864: return "PPPoE S";
	default: return "Unknown";
	}
}

static void put_ethertype(struct sbuf *s, uint16_t t, bool quiet)
{
	if (quiet)
		put(s, "%s", ethertype_name(t));
	else
		put(s, "ethertype %s (0x%04x)", ethertype_name(t), t);
}

/* -e: "MAC > MAC, ethertype X (0x...), length N: vlan 10, p 0, ethertype ..., " */
static void put_link(struct sbuf *s, const struct stt_inner *in, size_t len, bool quiet)
{
	put_mac(s, in->src);
	put(s, " > ");
	put_mac(s, in->dst);
	uint16_t first = in->n_vlans ? in->vlan_tpid[0] : in->ethertype;
	if (first < 0x0600) {
		put(s, " 802.3, length %zu: ", len);
		return;
	}
	put(s, ", ");
	put_ethertype(s, first, quiet);
	put(s, ", length %zu: ", len);
	for (unsigned i = 0; i < in->n_vlans; i++) {
		uint16_t tci = in->vlan_tci[i];
		uint16_t next = i + 1 < in->n_vlans ? in->vlan_tpid[i + 1] : in->ethertype;
		put(s, "vlan %u, p %u%s, ", tci & 0x0fffu, tci >> 13, (tci & 0x1000) ? ", DEI" : "");
		put_ethertype(s, next, quiet);
		put(s, ", ");
	}
}

static void put_arp(struct sbuf *s, const uint8_t *frame, size_t len, const struct stt_inner *in,
		    bool link)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	size_t alen = len - in->l3_off;

	if (!link)
		put(s, "ARP, ");
	if (in->l3_truncated) {
		put(s, "[|arp]");
		return;
	}
	if (in->arp_spa.family != 4) {
		struct stt_cur c = stt_cur_make(frame + in->l3_off, alen);
		uint16_t htype = stt_get_be16(&c), ptype = stt_get_be16(&c);
		put(s, "hardware type %u, protocol 0x%04x, opcode %u, length %zu", htype, ptype,
		    in->arp_op, alen);
		return;
	}
	switch (in->arp_op) {
	case 1:
		put(s, "Request who-has %s tell %s", addr_str(&in->arp_tpa, a, sizeof(a)),
		    addr_str(&in->arp_spa, b, sizeof(b)));
		break;
	case 2:
		put(s, "Reply %s is-at ", addr_str(&in->arp_spa, a, sizeof(a)));
		put_mac(s, in->arp_sha);
		break;
	case 3: put(s, "Reverse Request"); break;
	case 4: put(s, "Reverse Reply"); break;
	case 8: put(s, "InARP Request"); break;
	case 9: put(s, "InARP Reply"); break;
	default: put(s, "Unknown (%u)", in->arp_op); break;
	}
	put(s, ", length %zu", alen);
}

static void put_tcp_flags(struct sbuf *s, uint8_t f)
{
	static const struct {
		uint8_t bit;
		char c;
	} order[] = { { 0x01, 'F' }, { 0x02, 'S' }, { 0x04, 'R' }, { 0x08, 'P' },
		      { 0x10, '.' }, { 0x20, 'U' }, { 0x40, 'E' }, { 0x80, 'W' } };
	char out[8];
	size_t n = 0;

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (f & order[i].bit)
			out[n++] = order[i].c;
	put_mem(s, "Flags [", 7);
	if (n)
		put_mem(s, out, n);
	else
		put_mem(s, "none", 4);
	put_mem(s, "]", 1);
}

/* TCP options as tcpdump prints them: "options [mss 1460,sackOK,...]".
 * Returns false if they run past the frame (the caller marks [|tcp]). */
static bool put_tcp_options(struct sbuf *s, const uint8_t *p, size_t len)
{
	struct stt_cur c = stt_cur_make(p, len);
	bool first = true;

	put_s(s, ", options [");
	while (stt_cur_left(&c) > 0) {
		uint8_t kind = stt_get_u8(&c);
		if (!first)
			put_mem(s, ",", 1);
		first = false;
		if (kind == 0) {
			put(s, "eol");
			break;
		}
		if (kind == 1) {
			put_mem(s, "nop", 3);
			continue;
		}
		uint8_t olen = stt_get_u8(&c);
		if (c.err || olen < 2 || !stt_cur_has(&c, (size_t)olen - 2)) {
			put(s, "bad opt]");
			return true;
		}
		struct stt_cur o = stt_cur_make(stt_cur_take(&c, (size_t)olen - 2), (size_t)olen - 2);
		switch (kind) {
		case 2:
			put_s(s, "mss ");
			put_u(s, stt_get_be16(&o));
			break;
		case 3:
			put_s(s, "wscale ");
			put_u(s, stt_get_u8(&o));
			break;
		case 4:
			put_s(s, "sackOK");
			break;
		case 5:
			put(s, "sack %u", (unsigned)(o.len / 8));
			while (stt_cur_has(&o, 8)) {
				uint32_t l = stt_get_be32(&o), r = stt_get_be32(&o);
				put(s, " {%u:%u}", l, r);
			}
			break;
		case 8: {
			uint32_t val = stt_get_be32(&o), ecr = stt_get_be32(&o);
			put_s(s, "TS val ");
			put_u(s, val);
			put_s(s, " ecr ");
			put_u(s, ecr);
			break;
		}
		default:
			put(s, "unknown-%u", kind);
			break;
		}
		if (o.err)
			put(s, "[bad opt]");
	}
	put_mem(s, "]", 1);
	return true;
}

/* Address prefixes of the L4 printers. src == NULL: the addresses were
 * already printed before IPv6 extension headers, and tcpdump then shows
 * the ports alone ("HBH 40000 > 5000: UDP, length 10"). */
static void put_ports(struct sbuf *s, const char *src, const char *dst, const struct stt_inner *in)
{
	if (src) {
		put_s(s, src);
		put_mem(s, ".", 1);
	}
	put_u(s, in->sport);
	put_mem(s, " > ", 3);
	if (src) {
		put_s(s, dst);
		put_mem(s, ".", 1);
	}
	put_u(s, in->dport);
	put_mem(s, ": ", 2);
}

static void put_addrs(struct sbuf *s, const char *src, const char *dst)
{
	if (src) {
		put_s(s, src);
		put_mem(s, " > ", 3);
		put_s(s, dst);
		put_mem(s, ": ", 2);
	}
}

/* Are the first n bytes of the L4 header inside the frame? */
static bool l4_has(const struct stt_inner *in, size_t len, size_t n)
{
	return in->l4_off <= len && len - in->l4_off >= n;
}

static void put_tcp(struct sbuf *s, const uint8_t *frame, size_t len, const struct stt_inner *in,
		    const char *src, const char *dst, bool quiet)
{
	if (in->l4_truncated) {
		if (l4_has(in, len, 4)) {
			put_ports(s, src, dst, in);
			put(s, " [|tcp]");
		} else if (src) {
			put(s, "%s > %s: [|tcp]", src, dst);
		} else {
			put(s, "[|tcp]");
		}
		return;
	}
	put_ports(s, src, dst, in);
	struct stt_cur c = stt_cur_make(frame + in->l4_off, len - in->l4_off);
	size_t hl = (size_t)(stt_peek_u8(&c, 12) >> 4) * 4;
	if (hl < 20) {
		put(s, "tcp %zu [bad hdr length %zu - too short, < 20]", in->l4_payload_len + hl, hl);
		return;
	}
	if (quiet) {
		put(s, "tcp %zu", in->l4_payload_len);
		return;
	}
	uint8_t f = in->tcp_flags;
	put_tcp_flags(s, f);
	if (in->l4_payload_len > 0 || (f & 0x07)) {
		put_mem(s, ", seq ", 6);
		put_u(s, in->tcp_seq);
	}
	if (in->l4_payload_len > 0) {
		put_mem(s, ":", 1);
		put_u(s, (uint32_t)(in->tcp_seq + in->l4_payload_len));
	}
	if (f & 0x10) {
		put_mem(s, ", ack ", 6);
		put_u(s, in->tcp_ack);
	}
	put_mem(s, ", win ", 6);
	put_u(s, in->tcp_win);
	if (f & 0x20) {
		stt_cur_skip(&c, 18);
		put(s, ", urg %u", stt_get_be16(&c));
	}
	if (hl > 20) {
		if (!l4_has(in, len, hl)) {
			put(s, " [|tcp]");
			return;
		}
		put_tcp_options(s, frame + in->l4_off + 20, hl - 20);
	}
	put_mem(s, ", length ", 9);
	put_u(s, in->l4_payload_len);
}

static void put_udp(struct sbuf *s, const uint8_t *frame, size_t len, const struct stt_inner *in,
		    const char *src, const char *dst)
{
	if (in->l4_truncated) {
		put_addrs(s, src, dst);
		put(s, " [|udp]");
		return;
	}
	struct stt_cur c = stt_cur_make(frame + in->l4_off, len - in->l4_off);
	stt_cur_skip(&c, 4);
	uint16_t ulen = stt_get_be16(&c);

	put_ports(s, src, dst, in);
	if (ulen < 8) {
		put(s, "truncated-udplength %u", ulen);
		return;
	}
	/* tcpdump prints the smaller of the UDP and IP payload lengths */
	size_t l = (size_t)ulen - 8;
	if (in->l4_payload_len < l)
		l = in->l4_payload_len;
	put_s(s, "UDP, length ");
	put_u(s, l);
}

static void put_icmp_unreach(struct sbuf *s, const uint8_t *frame, size_t len,
			     const struct stt_inner *in)
{
	/* the offending datagram's IP header follows the 8-byte ICMP header */
	struct stt_cur c = stt_cur_make(frame + in->l4_off, len - in->l4_off);
	char a[INET6_ADDRSTRLEN];
	stt_cur_skip(&c, 8);
	uint8_t vihl = stt_get_u8(&c);
	stt_cur_skip(&c, 8);
	uint8_t proto = stt_get_u8(&c);
	stt_cur_skip(&c, 6);
	const uint8_t *dst = stt_cur_take(&c, 4);
	if (c.err || (vihl >> 4) != 4) {
		put(s, "ICMP unreachable - code %u", in->icmp_code);
		return;
	}
	struct stt_addr d = { .family = 4 };
	memcpy(d.a, dst, 4);
	addr_str(&d, a, sizeof(a));
	switch (in->icmp_code) {
	case 0: put(s, "ICMP net %s unreachable", a); return;
	case 1: put(s, "ICMP host %s unreachable", a); return;
	case 2: put(s, "ICMP %s protocol %u unreachable", a, proto); return;
	case 3: {
		size_t ihl = (size_t)(vihl & 0x0f) * 4;
		stt_cur_skip(&c, ihl > 20 ? ihl - 20 : 0);
		stt_cur_skip(&c, 2);
		uint16_t port = stt_get_be16(&c);
		if (c.err || (proto != 6 && proto != 17))
			put(s, "ICMP %s port unreachable", a);
		else
			put(s, "ICMP %s %s port %u unreachable", a, proto == 6 ? "tcp" : "udp", port);
		return;
	}
	case 4: put(s, "ICMP %s unreachable - need to frag", a); return;
	default: put(s, "ICMP %s unreachable - code %u", a, in->icmp_code); return;
	}
}

static void put_icmp(struct sbuf *s, const uint8_t *frame, size_t len, const struct stt_inner *in,
		     const char *src, const char *dst)
{
	put_addrs(s, src, dst);
	if (in->l4_truncated) {
		put(s, " [|icmp]");
		return;
	}
	switch (in->icmp_type) {
	case 0:
	case 8:
		put(s, "ICMP echo %s, id %u, seq %u", in->icmp_type ? "request" : "reply",
		    in->icmp_id, in->icmp_seq);
		break;
	case 3: put_icmp_unreach(s, frame, len, in); break;
	case 4: put(s, "ICMP source quench"); break;
	case 5: put(s, "ICMP redirect"); break;
	case 9: put(s, "ICMP router advertisement"); break;
	case 10: put(s, "ICMP router solicitation"); break;
	case 11:
		put(s, "ICMP %s", in->icmp_code ? "ip reassembly time exceeded"
						: "time exceeded in-transit");
		break;
	case 12: put(s, "ICMP parameter problem"); break;
	case 13: put(s, "ICMP time stamp request"); break;
	case 14: put(s, "ICMP time stamp reply"); break;
	default: put(s, "ICMP type-#%u", in->icmp_type); break;
	}
	put(s, ", length %zu", in->l4_payload_len);
}

static void put_icmp6(struct sbuf *s, const uint8_t *frame, size_t len, const struct stt_inner *in,
		      const char *src, const char *dst)
{
	char t[INET6_ADDRSTRLEN];

	put_addrs(s, src, dst);
	if (in->l4_truncated) {
		put(s, " [|icmp6]");
		return;
	}
	put(s, "ICMP6, ");
	switch (in->icmp_type) {
	case 128:
	case 129:
		put(s, "echo %s, id %u, seq %u", in->icmp_type == 128 ? "request" : "reply",
		    in->icmp_id, in->icmp_seq);
		break;
	case 135:
	case 136: {
		struct stt_cur c = stt_cur_make(frame + in->l4_off, len - in->l4_off);
		stt_cur_skip(&c, 8);
		const uint8_t *tgt = stt_cur_take(&c, 16);
		if (!tgt) {
			put(s, " [|icmp6]");
			return;
		}
		struct stt_addr a = { .family = 6 };
		memcpy(a.a, tgt, 16);
		if (in->icmp_type == 135)
			put(s, "neighbor solicitation, who has %s", addr_str(&a, t, sizeof(t)));
		else
			put(s, "neighbor advertisement, tgt is %s", addr_str(&a, t, sizeof(t)));
		break;
	}
	case 1: put(s, "destination unreachable"); break;
	case 2: put(s, "packet too big"); break;
	case 3: put(s, "time exceeded in-transit"); break;
	case 4: put(s, "parameter problem"); break;
	case 133: put(s, "router solicitation"); break;
	case 134: put(s, "router advertisement"); break;
	case 137: put(s, "redirect"); break;
	case 143: put(s, "multicast listener report v2"); break;
	default: put(s, "type %u", in->icmp_type); break;
	}
	put(s, ", length %zu", in->l4_payload_len);
}

static void put_other(struct sbuf *s, const char *src, const char *dst, const struct stt_inner *in)
{
	if (src)
		put(s, "%s > %s:  ip-proto-%u %zu", src, dst, in->l4_proto, in->l4_payload_len);
	else
		put(s, "ip-proto-%u %zu", in->l4_proto, in->l4_payload_len);
}

/* tcpdump names the IPv6 extension headers it walks, after the
 * addresses: "HBH ", "DSTOPT ", "frag (offset|length) ". Returns false
 * when nothing follows (a non-first fragment). */
static bool put_ip6_ext(struct sbuf *s, const uint8_t *frame, size_t len,
			const struct stt_inner *in, bool *any)
{
	struct stt_cur c = stt_cur_make(frame + in->l3_off, len - in->l3_off);
	stt_cur_skip(&c, 6);
	uint8_t nh = stt_get_u8(&c);
	stt_cur_skip(&c, 33);
	size_t left = in->ip_total_len - 40u;

	*any = false;
	for (unsigned i = 0; i < 8 && !c.err; i++) {
		size_t start = c.off;
		uint8_t next = stt_get_u8(&c), hlen = stt_get_u8(&c);
		size_t ext_len = nh == 44 ? 8 : nh == 51 ? ((size_t)hlen + 2) * 4 : ((size_t)hlen + 1) * 8;
		switch (nh) {
		case 0: put(s, "HBH "); break;
		case 60: put(s, "DSTOPT "); break;
		case 43: {
			uint8_t type = stt_get_u8(&c), segleft = stt_get_u8(&c);
			put(s, "srcrt (len=%u, type=%u, segleft=%u) ", hlen, type, segleft);
			break;
		}
		case 51: {
			stt_cur_skip(&c, 2);
			uint32_t spi = stt_get_be32(&c), seq = stt_get_be32(&c);
			put(s, "AH(spi=0x%08x,seq=0x%x): ", spi, seq);
			break;
		}
		case 135: put(s, "mobility: "); break;
		case 44: {
			uint16_t off = stt_get_be16(&c) & 0xfff8;
			size_t after = left > 8 ? left - 8 : 0;
			put(s, "frag (%u|%zu)", off, after);
			*any = true;
			if (off != 0)
				return false;
			put(s, " ");
			break;
		}
		default:
			return true;
		}
		*any = true;
		c.off = start;
		if (!stt_cur_skip(&c, ext_len))
			return true;
		left = left > ext_len ? left - ext_len : 0;
		nh = next;
	}
	return true;
}

static void put_ip(struct sbuf *s, const uint8_t *frame, size_t len, const struct stt_inner *in,
		   bool link, bool quiet)
{
	char sbuf[INET6_ADDRSTRLEN], dbuf[INET6_ADDRSTRLEN];
	const char *src = sbuf, *dst = dbuf;
	size_t avail = len - in->l3_off;
	bool v6 = in->is_ipv6;

	if (!link)
		put_s(s, v6 ? "IP6 " : "IP ");
	if (in->l3_truncated) {
		if (in->ip_src.family == 0) { /* fixed header cut short */
			put(s, v6 ? "[|ip6]" : "[|ip]");
			return;
		}
		struct stt_cur c = stt_cur_make(frame + in->l3_off, avail);
		uint8_t vihl = stt_peek_u8(&c, 0);
		if ((vihl >> 4) != (v6 ? 6 : 4))
			put(s, "bad-version %u", vihl >> 4);
		else if (v6)
			put(s, "[|ip6]"); /* extension headers cut or too many */
		else if ((vihl & 0x0f) < 5)
			put(s, "bad-hlen %u", (vihl & 0x0f) * 4);
		else if (in->ip_total_len < (vihl & 0x0f) * 4)
			put(s, "bad-len %u", in->ip_total_len);
		else
			put(s, "[|ip]"); /* options cut */
		return;
	}
	if (in->ip_total_len > avail) {
		if (v6)
			put(s, "truncated-ip6 - %zu bytes missing!", in->ip_total_len - avail);
		else
			put(s, "truncated-ip - %zu bytes missing! ", in->ip_total_len - avail);
	}
	addr_str(&in->ip_src, sbuf, sizeof(sbuf));
	addr_str(&in->ip_dst, dbuf, sizeof(dbuf));
	const char *psrc = src, *pdst = dst; /* NULL: addresses already printed */
	if (v6) {
		struct sbuf probe = { NULL, 0, 0 };
		bool any;
		put_ip6_ext(&probe, frame, len, in, &any);
		if (any) {
			put(s, "%s > %s: ", src, dst);
			if (!put_ip6_ext(s, frame, len, in, &any))
				return;
			psrc = pdst = NULL;
		}
	}
	if (in->ip_fragment && !v6) {
		put(s, "%s > %s: ip-proto-%u", src, dst, in->l4_proto);
		return;
	}
	if (in->ip_fragment) { /* v6 without a fragment header seen: cannot be */
		put(s, "[|ip6]");
		return;
	}
	src = psrc;
	dst = pdst;
	switch (in->l4_proto) {
	case 6: put_tcp(s, frame, len, in, src, dst, quiet); break;
	case 17: put_udp(s, frame, len, in, src, dst); break;
	case 1:
	case 58:
		/* ICMP belongs to IPv4, ICMPv6 to IPv6; crossed, they are
		 * just another protocol number */
		if (!v6 && in->l4_proto == 1) {
			put_icmp(s, frame, len, in, src, dst);
			break;
		}
		if (v6 && in->l4_proto == 58) {
			put_icmp6(s, frame, len, in, src, dst);
			break;
		}
		put_other(s, src, dst, in);
		break;
	default:
		put_other(s, src, dst, in);
		break;
	}
}

size_t stt_inner_summary(const uint8_t *frame, size_t len, const struct stt_inner *in, int flags,
			 char *buf, size_t cap)
{
	struct sbuf s = { buf, cap, 0 };
	struct stt_inner local;
	bool link = flags & STT_SUM_LINK, quiet = flags & STT_SUM_QUIET;

	if (cap)
		buf[0] = '\0';
	/* in must describe these bytes; one that cannot (offsets past the
	 * end) is not trusted with pointer arithmetic: decode afresh */
	if (!in || in->l3_off > len || in->l4_off > len) {
		stt_inner_decode(frame, len, &local);
		in = &local;
	}
	if (!in->eth_ok) {
		put(&s, "[|ether]");
		return s.n;
	}
	bool vlan_cut = in->l3_truncated && (in->ethertype == 0x8100 || in->ethertype == 0x88a8 ||
					     in->ethertype == 0x9100 || in->ethertype == 0x9200);
	if (link)
		put_link(&s, in, len, quiet);
	if (vlan_cut) {
		put(&s, "[|vlan]");
		return s.n;
	}
	switch (in->ethertype) {
	case 0x0806:
		put_arp(&s, frame, len, in, link);
		break;
	case 0x0800:
	case 0x86dd:
		put_ip(&s, frame, len, in, link, quiet);
		break;
	default:
		/* tcpdump shows the link header for payloads it cannot name */
		if (!link)
			put_link(&s, in, len, quiet);
		/* no dangling separator: "...length 60:" / "...(0x1234)" */
		unput(&s, in->n_vlans ? 2 : 1);
		break;
	}
	return s.n;
}
