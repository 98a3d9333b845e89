/* STT frame header and TCP-like header codecs, and address helpers. */
#include <arpa/inet.h>
#include <string.h>

#include "stt/cursor.h"
#include "stt/wire.h"

int stt_frame_hdr_decode(const uint8_t *p, size_t len, struct stt_frame_hdr *h)
{
	struct stt_cur c = stt_cur_make(p, len);

	if (!stt_cur_has(&c, STT_FRAME_HDR_LEN))
		return -1;
	h->version = stt_get_u8(&c);
	h->flags = stt_get_u8(&c);
	h->l4_offset = stt_get_u8(&c);
	h->reserved = stt_get_u8(&c);
	h->mss = stt_get_be16(&c);
	h->vlan_tci = stt_get_be16(&c);
	h->context_id = stt_get_be64(&c);
	h->padding = stt_get_be16(&c);
	return c.err ? -1 : 0;
}

void stt_frame_hdr_encode(const struct stt_frame_hdr *h, uint8_t out[STT_FRAME_HDR_LEN])
{
	out[0] = h->version;
	out[1] = h->flags;
	out[2] = h->l4_offset;
	out[3] = h->reserved;
	stt_put_be16(out + 4, h->mss);
	stt_put_be16(out + 6, h->vlan_tci);
	stt_put_be64(out + 8, h->context_id);
	stt_put_be16(out + 16, h->padding);
}

int stt_tcp_hdr_decode(const uint8_t *p, size_t len, struct stt_tcp_hdr *t)
{
	struct stt_cur c = stt_cur_make(p, len);
	uint8_t off;

	if (!stt_cur_has(&c, STT_TCP_HDR_LEN))
		return -1;
	t->sport = stt_get_be16(&c);
	t->dport = stt_get_be16(&c);
	t->seq = stt_get_be32(&c);
	t->ack = stt_get_be32(&c);
	off = stt_get_u8(&c);
	t->doff = off >> 4;
	t->rsvd = off & 0x0f;
	t->flags = stt_get_u8(&c);
	t->window = stt_get_be16(&c);
	t->csum = stt_get_be16(&c);
	t->urg = stt_get_be16(&c);
	return c.err ? -1 : 0;
}

void stt_tcp_hdr_encode(const struct stt_tcp_hdr *t, uint8_t out[STT_TCP_HDR_LEN])
{
	stt_put_be16(out, t->sport);
	stt_put_be16(out + 2, t->dport);
	stt_put_be32(out + 4, t->seq);
	stt_put_be32(out + 8, t->ack);
	out[12] = (uint8_t)((t->doff << 4) | (t->rsvd & 0x0f));
	out[13] = t->flags;
	stt_put_be16(out + 14, t->window);
	stt_put_be16(out + 16, t->csum);
	stt_put_be16(out + 18, t->urg);
}

bool stt_addr_eq(const struct stt_addr *x, const struct stt_addr *y)
{
	if (x->family != y->family)
		return false;
	return memcmp(x->a, y->a, x->family == 6 ? 16 : 4) == 0;
}

int stt_addr_parse(const char *s, struct stt_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (!s)
		return -1;
	if (inet_pton(AF_INET, s, out->a) == 1) {
		out->family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out->a) == 1) {
		out->family = 6;
		return 0;
	}
	memset(out, 0, sizeof(*out));
	return -1;
}

char *stt_addr_format(const struct stt_addr *a, char *buf, size_t cap)
{
	const char *unset = "-";

	if (!buf || cap == 0)
		return buf;
	if (a->family == 4 || a->family == 6) {
		int af = a->family == 4 ? AF_INET : AF_INET6;

		if (inet_ntop(af, a->a, buf, (socklen_t)(cap > 0x7fffffff ? 0x7fffffff : cap)))
			return buf;
		unset = "?"; /* buffer too small */
	}
	if (cap >= 2) {
		buf[0] = unset[0];
		buf[1] = '\0';
	} else {
		buf[0] = '\0';
	}
	return buf;
}
