/* Robustness and timing: malformed bursts and partial floods must leave
 * the target answering; the reassembly timeout; no RST to non-STT TCP. */
#include <string.h>

#include "active_int.h"
#include "stt/cursor.h"

#define MSS 80

void cf_rx_robustness(struct cf_active *a, const struct cf_case *c)
{
	(void)c;
	struct cf_probe *p = &a->scratch;
	static uint8_t junk[STT_MAX_FRAME_LEN];
	uint32_t x = 0x2545F491u;
	for (size_t i = 0; i < sizeof(junk); i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5; /* xorshift: fixed, repeatable bytes */
		junk[i] = (uint8_t)x;
	}
	/* 1. 300 malformed segments: random frame lengths and offsets,
	 * version != 0 headers, zero lengths, out-of-range. */
	if (cf_probe_build(a, p, 0, 56) != 0)
		return;
	struct stt_outer_tmpl t = p->t;
	for (unsigned i = 0; i < 300; i++) {
		t.ack = a->ack++;
		uint16_t flen = (uint16_t)(junk[i * 4] << 8 | junk[i * 4 + 1]);
		uint16_t off = (uint16_t)(junk[i * 4 + 2] % 64) * 8;
		size_t len = junk[i * 4 + 3] % 200;
		if (off + len > flen)
			len = off < flen ? flen - off : 0;
		cf_send_seg(a, &t, junk, flen, off, len, i % 2, i);
		if (i % 50 == 0)
			cf_wait(a, -1, 1);
	}
	/* 2. 400 first segments of 60000-byte frames that never complete:
	 * 560 KB of state a receiver must bound. */
	for (unsigned i = 0; i < 400; i++) {
		t.ack = a->ack++;
		cf_send_seg(a, &t, junk, 60000, 0, 1400, false, i);
		if (i % 50 == 0)
			cf_wait(a, -1, 1);
	}
	cf_wait(a, -1, 100);
	if (cf_ping(a, 56, 1400) || cf_ping(a, 56, 1400))
		cf_pass(a, "STT-IMPL-REASM-MEMORY", "still answering after 300 malformed segments and 400 partial frames");
	else
		cf_fail(a, "STT-IMPL-REASM-MEMORY",
			"expected answers after 300 malformed segments and 400 partial 60000-byte frames, got none");
}

void cf_rx_timeout(struct cf_active *a, const struct cf_case *c)
{
	(void)c;
	if (!a->o->slow) {
		cf_skip(a, "STT-IMPL-REASM-TIMEOUT", "needs --slow (waits 31 s)");
		return;
	}
	/* Three frames held at once, missing their last segment, completed
	 * after 5, 15 and 31 s: which ones still complete brackets the
	 * timeout. The 31 s one must have expired (OVS: 30 s). */
	static struct cf_probe held[3];
	static const unsigned after_s[3] = { 5, 15, 31 };
	bool done[3];
	for (int k = 0; k < 3; k++) {
		struct cf_probe *p = &held[k];
		if (cf_probe_build(a, p, 0, 320) != 0)
			return;
		size_t n = (p->len + MSS - 1) / MSS;
		for (size_t i = 0; i + 1 < n; i++)
			cf_send_seg(a, &p->t, p->frame, (uint16_t)p->len, (uint16_t)(i * MSS), MSS,
				    false, (unsigned)i);
	}
	uint64_t t0 = stt_io_now_ns();
	for (int k = 0; k < 3; k++) {
		struct cf_probe *p = &held[k];
		uint64_t due = t0 + (uint64_t)after_s[k] * 1000000000ull, now = stt_io_now_ns();
		cf_progress("rx.timeout: completing a frame held %u s", after_s[k]);
		if (due > now)
			cf_wait(a, -1, (unsigned)((due - now) / 1000000ull));
		size_t n = (p->len + MSS - 1) / MSS, off = (n - 1) * MSS;
		cf_send_seg(a, &p->t, p->frame, (uint16_t)p->len, (uint16_t)off, p->len - off, true,
			    (unsigned)n - 1);
		done[k] = cf_wait(a, p->seq, a->o->wait_ms);
	}
	const char *bracket = !done[0]   ? "under 5 s"
			      : !done[1] ? "between 5 and 15 s"
			      : !done[2] ? "between 15 and 31 s"
					 : "over 31 s";
	cf_report_stat(a->r, "rx.reasm_timeout", "%s", bracket);
	if (done[2]) {
		cf_fail(a, "STT-IMPL-REASM-TIMEOUT",
			"expected a frame completed 31 s after its first segment to have expired, got it delivered");
		return;
	}
	if (!cf_ping(a, 56, 1400)) {
		cf_fail(a, "STT-IMPL-REASM-TIMEOUT", "expected answers after the timeout, got none");
		return;
	}
	cf_pass(a, "STT-IMPL-REASM-TIMEOUT", "incomplete frames expire %s after the first segment", bracket);
}

void cf_rx_non_stt(struct cf_active *a, const struct cf_case *c)
{
	(void)c;
	struct cf_probe *p = &a->scratch;
	if (cf_probe_build(a, p, 0, 0) != 0)
		return;
	/* A plain TCP SYN from an ephemeral port to the STT port. */
	struct stt_outer_tmpl t = p->t;
	a->syn_port = (uint16_t)(49152 + (a->icmp_id % 16000));
	t.sport = a->syn_port;
	t.ack = 0;
	t.tcp_flags = STT_TCP_SYN;
	t.last_flags = 0;
	t.window = 64240;
	uint64_t before = a->saw_rst;
	cf_send_seg(a, &t, p->frame, 0x1234, 0, 0, false, 0);
	cf_wait(a, -1, a->o->wait_ms);
	if (a->saw_rst > before)
		cf_fail(a, "STT-IMPL-NON-STT-NO-RST",
			"expected no answer to a TCP SYN to port %u, got an RST", a->o->port);
	else
		cf_pass(a, "STT-IMPL-NON-STT-NO-RST", NULL);
}
