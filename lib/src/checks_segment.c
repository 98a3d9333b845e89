/* Checks on one outer segment: the TCP-like header (draft 3.2), its
 * checksum and the SEQ-carried frame length / offset. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "checks_internal.h"
#include "stt/csum.h"

void stt_finding_emit(stt_finding_fn fn, void *ctx, enum stt_check id, uint32_t cookie,
		      const char *fmt, ...)
{
	struct stt_finding f;
	va_list ap;

	if (!fn)
		return;
	memset(&f, 0, sizeof(f));
	f.id = id;
	f.cookie = cookie;
	va_start(ap, fmt);
	vsnprintf(f.detail, sizeof(f.detail), fmt, ap);
	va_end(ap);
	fn(ctx, &f);
}

const char *stt_tcp_flags_str(uint8_t f, char buf[12])
{
	static const char letters[] = "FSRP.UEW"; /* tcpdump's order, bit 0 first */
	size_t n = 0;

	buf[n++] = '[';
	for (unsigned i = 0; i < 8; i++)
		if (f & (1u << i))
			buf[n++] = letters[i];
	if (n == 1) {
		memcpy(buf, "[none]", 7);
		return buf;
	}
	buf[n++] = ']';
	buf[n] = '\0';
	return buf;
}

/* The checksum value the segment should carry: computed over the
 * pseudo-header, the header as seen (checksum field zeroed), its options
 * and the payload. Only called when the parser verified the checksum, so
 * every byte summed is in the packet. */
static uint16_t expected_csum(const struct stt_outer *o)
{
	struct stt_tcp_hdr t = o->tcp;
	uint8_t hdr[STT_TCP_HDR_LEN];
	size_t opt_len = o->tcp_hdr_len > STT_TCP_HDR_LEN ? o->tcp_hdr_len - STT_TCP_HDR_LEN : 0;
	size_t l4_len = o->tcp_hdr_len + o->payload_wire_len;
	uint32_t sum;

	t.csum = 0;
	stt_tcp_hdr_encode(&t, hdr);
	sum = stt_csum_pseudo(&o->src, &o->dst, 6, (uint32_t)l4_len);
	sum = stt_csum_add(sum, hdr, sizeof(hdr));
	if (opt_len && o->payload)
		sum = stt_csum_add(sum, o->payload - opt_len, opt_len);
	if (o->payload_len)
		sum = stt_csum_add(sum, o->payload, o->payload_len);
	return stt_csum_fold(sum);
}

#define OTHER_FLAGS (STT_TCP_SYN | STT_TCP_FIN | STT_TCP_RST | STT_TCP_URG | STT_TCP_ECE | STT_TCP_CWR)

void stt_check_segment(const struct stt_outer *o, uint32_t cookie, stt_finding_fn fn, void *ctx)
{
	const struct stt_tcp_hdr *t = &o->tcp;
	uint16_t frame_len = stt_seq_frame_len(t->seq), off = stt_seq_offset(t->seq);
	size_t plen = o->payload_wire_len, end = (size_t)off + plen;
	char fb[12];

	if (t->window != 0)
		stt_finding_emit(fn, ctx, STT_CHK_TCP_WINDOW_NONZERO, cookie,
				 "window: expected 0, got %u", t->window);
	if (t->urg != 0)
		stt_finding_emit(fn, ctx, STT_CHK_TCP_URG_NONZERO, cookie,
				 "urgent pointer: expected 0, got %u", t->urg);
	if (!(t->flags & STT_TCP_ACK))
		stt_finding_emit(fn, ctx, STT_CHK_TCP_ACK_MISSING, cookie,
				 "flags: expected ACK set, got %s", stt_tcp_flags_str(t->flags, fb));
	if (t->flags & OTHER_FLAGS)
		stt_finding_emit(fn, ctx, STT_CHK_TCP_FLAGS_OTHER, cookie,
				 "flags: expected only ACK/PSH, got %s",
				 stt_tcp_flags_str(t->flags, fb));
	if (t->doff != 5)
		stt_finding_emit(fn, ctx, STT_CHK_TCP_OPTIONS, cookie,
				 "data offset: expected 5, got %u", t->doff);
	if (o->csum == STT_CSUM_BAD)
		stt_finding_emit(fn, ctx, STT_CHK_TCP_CSUM_BAD, cookie,
				 "checksum: expected 0x%04x, got 0x%04x", expected_csum(o), t->csum);
	if (t->sport < STT_EPHEMERAL_MIN)
		stt_finding_emit(fn, ctx, STT_CHK_SPORT_NOT_EPHEMERAL, cookie,
				 "source port: expected 49152-65535, got %u", t->sport);
	if (o->ip_version == 4 && (o->ip_frag & 0x3fff))
		stt_finding_emit(fn, ctx, STT_CHK_IP_FRAGMENTED, cookie,
				 "IP fragment: expected none, got MF %u, offset %u",
				 (o->ip_frag >> 13) & 1u, (o->ip_frag & 0x1fffu) * 8);
	if (frame_len < STT_FRAME_HDR_LEN)
		stt_finding_emit(fn, ctx, STT_CHK_FRAME_TOO_SHORT, cookie,
				 "frame length: expected >= %u, got %u", STT_FRAME_HDR_LEN, frame_len);
	if (plen == 0) {
		stt_finding_emit(fn, ctx, STT_CHK_SEG_ZERO_LEN, cookie,
				 "payload length: expected > 0, got 0");
		return; /* neither first nor last of anything: PSH is moot */
	}
	if (end > frame_len) {
		stt_finding_emit(fn, ctx, STT_CHK_SEG_OUT_OF_RANGE, cookie,
				 "offset + length: expected <= frame length %u, got %u + %zu = %zu",
				 frame_len, off, plen, end);
		return;
	}
	bool last = end == frame_len, psh = t->flags & STT_TCP_PSH;
	if (last && !psh)
		stt_finding_emit(fn, ctx, STT_CHK_TCP_PSH_MISSING_LAST, cookie,
				 "PSH on the last segment (offset %u + length %zu = frame length %u): expected set, got clear",
				 off, plen, frame_len);
	else if (!last && psh)
		stt_finding_emit(fn, ctx, STT_CHK_TCP_PSH_NOT_LAST, cookie,
				 "PSH on a non-last segment (offset %u + length %zu < frame length %u): expected clear, got set",
				 off, plen, frame_len);
}
