/* STT-3.2-ACK-CONST on a capture: a frame's segments sent under several
 * acks never complete. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "conform.h"
#include "stt/cursor.h"
#include "stt/qos.h"
#include "txan_int.h"

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Segments of one frame sent under several acks never complete: they show
 * up as incomplete frames of one sender, source port and frame length
 * whose byte ranges are disjoint and together cover the whole frame. */
void cf_ack_const_finish(struct cf_txan *t)
{
	bool *done = calloc(t->n_inc ? t->n_inc : 1, sizeof(bool));
	uint32_t *ranges = malloc(sizeof(uint32_t) * MAX_RANGES * 8);
	if (!done || !ranges)
		goto out;
	for (size_t i = 0; i < t->n_inc; i++) {
		struct incomplete *a = &t->inc[i];
		if (done[i])
			continue;
		size_t n = 0, members = 0;
		uint32_t acks[MAX_RANGES] = { 0 }, pkts[MAX_RANGES] = { 0 };
		uint64_t bytes = 0;
		for (size_t j = i; j < t->n_inc && members < MAX_RANGES; j++) {
			struct incomplete *b = &t->inc[j];
			if (done[j] || b->sport != a->sport || b->frame_len != a->frame_len ||
			    b->dport != a->dport || !stt_addr_eq(&a->src, &b->src) ||
			    !stt_addr_eq(&a->dst, &b->dst))
				continue;
			/* The same ack twice is one frame given up twice (a
			 * timeout, then late segments), not several acks. */
			bool seen = false;
			for (size_t m = 0; m < members; m++)
				seen |= acks[m] == b->ack;
			if (seen)
				continue;
			if (n + b->n_ranges > MAX_RANGES * 8)
				break;
			done[j] = true;
			acks[members] = b->ack;
			pkts[members] = b->first_pkt;
			members++;
			for (unsigned k = 0; k < b->n_ranges; k++) {
				ranges[n++] = (uint32_t)b->off[k] << 16 | b->len[k];
				bytes += b->len[k];
			}
		}
		if (members < 2 || bytes != a->frame_len)
			continue;
		qsort(ranges, n, sizeof(*ranges), cmp_u32);
		uint32_t end = 0;
		bool tiles = true;
		for (size_t k = 0; k < n && tiles; k++) {
			uint32_t off = ranges[k] >> 16, len = ranges[k] & 0xffff;
			tiles = off == end;
			end = off + len;
		}
		if (!tiles || end != a->frame_len)
			continue;
		cf_report_violation(t->r, "STT-3.2-ACK-CONST", "tx.ack-id", false,
				    "expected one ack for all segments of a %u-byte frame, got %zu "
				    "(0x%08x at packet %u, 0x%08x at packet %u%s)",
				    a->frame_len, members, acks[0], pkts[0], acks[1], pkts[1],
				    members > 2 ? ", ..." : "");
	}
out:
	free(done);
	free(ranges);
}
