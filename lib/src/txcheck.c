/* Cross-frame checks on what one sender transmits (draft 3.2):
 *  - ack_reused: a frame id used again within the window. A receiver
 *    cannot tell a reused id from the same frame sent twice, so both count.
 *    The window runs from the id's previous use.
 *  - sport_flow_unstable: one inner flow (addresses, protocol, ports) seen
 *    with a different outer source port than its previous frame.
 * Memory is bounded: each table holds at most max_entries and forgets the
 * least recently used entry first. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks_internal.h"

#define DEFAULT_WINDOW_NS (30ull * 1000000000ull)
#define DEFAULT_MAX_ENTRIES 4096
#define NIL UINT32_MAX

struct ack_key { /* memset before filling: compared with memcmp */
	struct stt_addr src, dst;
	uint16_t dport;
	uint32_t ack;
};

struct flow_key {
	struct stt_addr src, dst; /* outer: per sender */
	uint16_t dport;
	struct stt_addr isrc, idst; /* inner flow */
	uint8_t proto;
	uint16_t isport, idport;
};

#define KEY_MAX (sizeof(struct flow_key) > sizeof(struct ack_key) ? sizeof(struct flow_key) : sizeof(struct ack_key))

struct ent {
	uint8_t key[KEY_MAX];
	uint32_t hnext;	    /* hash chain */
	uint32_t hash;	    /* of key: chains compare it before the key */
	uint32_t prev, next; /* LRU list, head = most recent */
	uint64_t ts;
	uint32_t cookie;
	uint16_t val;
};

/* A fixed-capacity hash map with LRU replacement. */
struct lru {
	size_t key_len;
	uint32_t cap, n, nbuckets;
	uint32_t *buckets;
	struct ent *ents;
	uint32_t head, tail;
};

struct stt_txcheck {
	uint64_t window_ns;
	struct lru acks, flows;
};

/* Eight bytes at a time (a byte-at-a-time FNV over the ~80-byte flow key
 * was a visible share of stt-dump's time); keys are memset before filling,
 * so padding is zero and the tail beyond len is read as zero. */
static uint32_t hash_key(const void *k, size_t len)
{
	const uint8_t *p = k;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ len;

	for (; len >= 8; p += 8, len -= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	if (len) {
		uint64_t w = 0;
		memcpy(&w, p, len);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
	}
	h ^= h >> 29;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 32;
	return (uint32_t)h;
}

static int lru_init(struct lru *m, size_t key_len, size_t cap)
{
	m->key_len = key_len;
	m->cap = (uint32_t)cap;
	m->n = 0;
	m->nbuckets = 1;
	while (m->nbuckets < m->cap)
		m->nbuckets <<= 1;
	m->buckets = malloc(m->nbuckets * sizeof(*m->buckets));
	m->ents = calloc(m->cap, sizeof(*m->ents));
	if (!m->buckets || !m->ents)
		return -1;
	for (uint32_t i = 0; i < m->nbuckets; i++)
		m->buckets[i] = NIL;
	m->head = m->tail = NIL;
	return 0;
}

static void lru_free(struct lru *m)
{
	free(m->buckets);
	free(m->ents);
}

static void list_unlink(struct lru *m, uint32_t i)
{
	struct ent *e = &m->ents[i];

	if (e->prev != NIL)
		m->ents[e->prev].next = e->next;
	else
		m->head = e->next;
	if (e->next != NIL)
		m->ents[e->next].prev = e->prev;
	else
		m->tail = e->prev;
}

static void list_push_head(struct lru *m, uint32_t i)
{
	struct ent *e = &m->ents[i];

	e->prev = NIL;
	e->next = m->head;
	if (m->head != NIL)
		m->ents[m->head].prev = i;
	m->head = i;
	if (m->tail == NIL)
		m->tail = i;
}

/* *hash is set for a following lru_insert() of the same key. */
static struct ent *lru_find(struct lru *m, const void *key, uint32_t *hash)
{
	uint32_t h = *hash = hash_key(key, m->key_len);

	for (uint32_t i = m->buckets[h & (m->nbuckets - 1)]; i != NIL; i = m->ents[i].hnext) {
		if (m->ents[i].hash == h && memcmp(m->ents[i].key, key, m->key_len) == 0) {
			list_unlink(m, i);
			list_push_head(m, i);
			return &m->ents[i];
		}
	}
	return NULL;
}

static void hash_remove(struct lru *m, uint32_t i)
{
	uint32_t b = m->ents[i].hash & (m->nbuckets - 1);
	uint32_t *pp = &m->buckets[b];

	while (*pp != NIL && *pp != i)
		pp = &m->ents[*pp].hnext;
	if (*pp == i)
		*pp = m->ents[i].hnext;
}

/* A new entry for key (not present), evicting the least recent if full. */
static struct ent *lru_insert(struct lru *m, const void *key, uint32_t hash)
{
	uint32_t i;

	if (m->n < m->cap) {
		i = m->n++;
	} else {
		i = m->tail;
		list_unlink(m, i);
		hash_remove(m, i);
	}
	struct ent *e = &m->ents[i];
	memset(e, 0, sizeof(*e));
	memcpy(e->key, key, m->key_len);
	e->hash = hash;
	uint32_t b = e->hash & (m->nbuckets - 1);
	e->hnext = m->buckets[b];
	m->buckets[b] = i;
	list_push_head(m, i);
	return e;
}

struct stt_txcheck *stt_txcheck_new(uint64_t window_ns, size_t max_entries)
{
	struct stt_txcheck *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	if (max_entries == 0)
		max_entries = DEFAULT_MAX_ENTRIES;
	if (max_entries > (1u << 24))
		max_entries = 1u << 24;
	t->window_ns = window_ns ? window_ns : DEFAULT_WINDOW_NS;
	if (lru_init(&t->acks, sizeof(struct ack_key), max_entries) != 0 ||
	    lru_init(&t->flows, sizeof(struct flow_key), max_entries) != 0) {
		stt_txcheck_free(t);
		return NULL;
	}
	return t;
}

void stt_txcheck_free(struct stt_txcheck *t)
{
	if (!t)
		return;
	lru_free(&t->acks);
	lru_free(&t->flows);
	free(t);
}

static uint32_t first_cookie(const struct stt_reasm_frame *f)
{
	return f->segs && f->nsegs ? f->segs[0].cookie : 0;
}

/* A duration in the largest unit that keeps it above 1 (a 100 us gap is
 * not "0 ms"). */
static const char *fmt_duration(uint64_t ns, char *buf, size_t cap)
{
	if (ns >= 1000000000ull && ns % 1000000000ull == 0)
		snprintf(buf, cap, "%llu s", (unsigned long long)(ns / 1000000000ull));
	else if (ns >= 1000000ull)
		snprintf(buf, cap, "%llu ms", (unsigned long long)(ns / 1000000ull));
	else if (ns >= 1000ull)
		snprintf(buf, cap, "%llu us", (unsigned long long)(ns / 1000ull));
	else
		snprintf(buf, cap, "%llu ns", (unsigned long long)ns);
	return buf;
}

static void check_ack(struct stt_txcheck *t, const struct stt_reasm_frame *f, stt_finding_fn fn,
		      void *ctx)
{
	struct ack_key k;

	memset(&k, 0, sizeof(k));
	k.src = f->key.src;
	k.dst = f->key.dst;
	k.dport = f->key.dport;
	k.ack = f->key.ack;
	uint64_t now = f->first_ts_ns;
	uint32_t h;
	struct ent *e = lru_find(&t->acks, &k, &h);
	if (e) {
		uint64_t age = now >= e->ts ? now - e->ts : e->ts - now;
		char win[32], gap[32];
		if (age < t->window_ns)
			stt_finding_emit(fn, ctx, STT_CHK_ACK_REUSED, first_cookie(f),
					 "ack 0x%08x: expected unused for %s, got reuse after %s (previous frame at packet %u)",
					 f->key.ack, fmt_duration(t->window_ns, win, sizeof(win)),
					 fmt_duration(age, gap, sizeof(gap)), e->cookie);
	} else {
		e = lru_insert(&t->acks, &k, h);
	}
	e->ts = now;
	e->cookie = first_cookie(f);
}

static void check_flow(struct stt_txcheck *t, const struct stt_reasm_frame *f,
		       const struct stt_inner *in, stt_finding_fn fn, void *ctx)
{
	struct flow_key k;
	char a[48], b[48];

	if (!f->segs || f->nsegs == 0)
		return; /* the frame's source port was not recorded */
	if (!(in->is_ipv4 || in->is_ipv6) || in->l3_truncated)
		return;
	uint16_t sport = f->segs[0].sport;
	memset(&k, 0, sizeof(k));
	k.src = f->key.src;
	k.dst = f->key.dst;
	k.dport = f->key.dport;
	k.isrc = in->ip_src;
	k.idst = in->ip_dst;
	k.proto = in->l4_proto;
	bool ports = (in->l4_proto == 6 || in->l4_proto == 17) && !in->ip_fragment &&
		     !in->l4_truncated;
	if (ports) {
		k.isport = in->sport;
		k.idport = in->dport;
	}
	uint32_t h;
	struct ent *e = lru_find(&t->flows, &k, &h);
	if (!e) {
		e = lru_insert(&t->flows, &k, h);
	} else if (e->val != sport && ports) {
		stt_finding_emit(fn, ctx, STT_CHK_SPORT_FLOW_UNSTABLE, first_cookie(f),
				 "source port of inner flow %s.%u > %s.%u proto %u: expected %u (packet %u), got %u",
				 stt_addr_format(&k.isrc, a, sizeof(a)), k.isport,
				 stt_addr_format(&k.idst, b, sizeof(b)), k.idport, k.proto, e->val,
				 e->cookie, sport);
	} else if (e->val != sport) {
		/* ICMP, fragments, other protocols: the flow has no ports */
		stt_finding_emit(fn, ctx, STT_CHK_SPORT_FLOW_UNSTABLE, first_cookie(f),
				 "source port of inner flow %s > %s proto %u: expected %u (packet %u), got %u",
				 stt_addr_format(&k.isrc, a, sizeof(a)),
				 stt_addr_format(&k.idst, b, sizeof(b)), k.proto, e->val, e->cookie,
				 sport);
	}
	e->val = sport;
	e->cookie = first_cookie(f);
	e->ts = f->first_ts_ns;
}

void stt_txcheck_frame(struct stt_txcheck *t, const struct stt_reasm_frame *f,
		       const struct stt_inner *in, stt_finding_fn fn, void *ctx)
{
	struct stt_inner local;

	if (!t || !f)
		return;
	check_ack(t, f, fn, ctx);
	if (!in) {
		size_t inner_len = f->len > STT_FRAME_HDR_LEN ? f->len - STT_FRAME_HDR_LEN : 0;
		stt_inner_decode(inner_len ? f->data + STT_FRAME_HDR_LEN : NULL, inner_len, &local);
		in = &local;
	}
	check_flow(t, f, in, fn, ctx);
}
