/* TCP connections seen to open on an STT port (see stt/tcpconn.h). */
#include "stt/tcpconn.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "stt/wire.h"

#define PROBES 8

struct conn {
	bool used;
	uint8_t family;
	uint8_t a[16], b[16]; /* the lower (address, port) end first */
	uint16_t pa, pb;
	uint64_t opened_at, last_seen;
};

struct stt_tcpconn {
	unsigned n;	 /* connections held */
	uint64_t clock;	 /* classify calls: "least recently seen" */
	struct conn slot[STT_TCPCONN_MAX];
};

struct stt_tcpconn *stt_tcpconn_new(void)
{
	return calloc(1, sizeof(struct stt_tcpconn));
}

void stt_tcpconn_free(struct stt_tcpconn *t)
{
	free(t);
}

/* The connection's key, the same from both directions. */
static void key_of(const struct stt_outer *o, struct conn *k)
{
	size_t alen = o->src.family == 6 ? 16 : 4;
	int c = memcmp(o->src.a, o->dst.a, alen);
	bool src_low = c < 0 || (c == 0 && o->tcp.sport <= o->tcp.dport);

	memset(k, 0, sizeof(*k));
	k->family = o->src.family;
	memcpy(k->a, src_low ? o->src.a : o->dst.a, alen);
	memcpy(k->b, src_low ? o->dst.a : o->src.a, alen);
	k->pa = src_low ? o->tcp.sport : o->tcp.dport;
	k->pb = src_low ? o->tcp.dport : o->tcp.sport;
}

static bool same(const struct conn *x, const struct conn *k)
{
	return x->used && x->family == k->family && x->pa == k->pa && x->pb == k->pb &&
	       memcmp(x->a, k->a, 16) == 0 && memcmp(x->b, k->b, 16) == 0;
}

static unsigned hash_of(const struct conn *k)
{
	uint32_t h = 2166136261u;
	const uint8_t *parts[2] = { k->a, k->b };

	for (int p = 0; p < 2; p++)
		for (int i = 0; i < 16; i++)
			h = (h ^ parts[p][i]) * 16777619u;
	h = (h ^ k->pa) * 16777619u;
	h = (h ^ k->pb) * 16777619u;
	return h % STT_TCPCONN_MAX;
}

enum stt_tcp_kind stt_tcpconn_classify(struct stt_tcpconn *t, const struct stt_outer *o,
				       uint64_t pktno, uint64_t *opened_at)
{
	/* a client's SYN, without ACK: STT segments always carry ACK, so a
	 * fuzzed or odd STT segment with SYN set does not open anything */
	bool opens = (o->tcp.flags & STT_TCP_SYN) && !(o->tcp.flags & STT_TCP_ACK);
	bool control = o->payload_wire_len == 0 &&
		       (o->tcp.flags & (STT_TCP_SYN | STT_TCP_RST | STT_TCP_FIN));
	struct conn k;

	if (!t || (!opens && t->n == 0))
		return control ? STT_TCP_CONTROL : STT_TCP_IS_STT;
	t->clock++;
	key_of(o, &k);
	unsigned h = hash_of(&k), victim = h;
	for (unsigned i = 0; i < PROBES; i++) {
		struct conn *c = &t->slot[(h + i) % STT_TCPCONN_MAX];
		if (same(c, &k)) {
			c->last_seen = t->clock;
			if (opened_at)
				*opened_at = c->opened_at;
			return control ? STT_TCP_CONTROL : STT_TCP_CONNECTION;
		}
		struct conn *v = &t->slot[victim];
		if (!c->used || (v->used && c->last_seen < v->last_seen))
			victim = (h + i) % STT_TCPCONN_MAX;
	}
	if (opens) {
		struct conn *v = &t->slot[victim];
		if (!v->used)
			t->n++;
		*v = k;
		v->used = true;
		v->opened_at = pktno;
		v->last_seen = t->clock;
	}
	return control ? STT_TCP_CONTROL : STT_TCP_IS_STT;
}
