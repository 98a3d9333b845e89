/* The one mapping from a parsed outer packet to a reassembler segment
 * (see stt_seg_in_from_outer in stt/reasm.h). Kept apart from reasm.c so
 * the reassembler itself does not depend on the outer parser. */
#include <string.h>

#include "stt/outer.h"
#include "stt/reasm.h"
#include "stt/wire.h"

void stt_seg_in_from_outer(struct stt_seg_in *s, const struct stt_outer *o, uint64_t ts_ns)
{
	memset(s, 0, sizeof(*s));
	s->key.src = o->src;
	s->key.dst = o->dst;
	s->key.dport = o->tcp.dport;
	s->key.ack = o->tcp.ack;
	s->frame_len = stt_seq_frame_len(o->tcp.seq);
	s->offset = stt_seq_offset(o->tcp.seq);
	s->data = o->payload;
	s->len = o->payload_len;
	s->ts_ns = ts_ns;
	s->sport = o->tcp.sport;
	s->tcp_flags = o->tcp.flags;
	s->tos = o->tos;
}
