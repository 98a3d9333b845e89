/* The case container: segments, keys and the byte arena they point into. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fuzz.h"

static struct stt_addr ep_src = { 4, { 192, 0, 2, 1 } };
static struct stt_addr ep_dst = { 4, { 192, 0, 2, 2 } };
static uint16_t ep_dport = STT_DEFAULT_PORT;
static uint64_t ep_context = 42;

static bool ep_wire;

void fz_set_wire(bool wire)
{
	ep_wire = wire;
}

bool fz_is_wire(void)
{
	return ep_wire;
}

uint64_t fz_context(void)
{
	return ep_context;
}

void fz_set_endpoints(const struct stt_addr *src, const struct stt_addr *dst, uint16_t dport,
		      uint64_t context)
{
	ep_context = context;
	if (src)
		ep_src = *src;
	if (dst)
		ep_dst = *dst;
	if (dport)
		ep_dport = dport;
}

void fz_case_init(struct fz_case *c)
{
	memset(c, 0, sizeof(*c));
}

void fz_case_reset(struct fz_case *c)
{
	c->nkeys = 0;
	c->nsegs = 0;
	c->arena_len = 0;
	c->ordered_check = false;
}

void fz_case_free(struct fz_case *c)
{
	free(c->segs);
	free(c->shuffle);
	free(c->arena);
	free(c->keys);
	memset(c, 0, sizeof(*c));
}

uint32_t fz_case_alloc(struct fz_case *c, size_t n)
{
	if (c->arena_len + n > c->arena_cap) {
		size_t cap = c->arena_cap ? c->arena_cap : 65536;
		while (cap < c->arena_len + n)
			cap *= 2;
		uint8_t *p = realloc(c->arena, cap);
		if (!p)
			stt_cli_die("out of memory (case arena of %zu bytes)", cap);
		c->arena = p;
		c->arena_cap = cap;
	}
	uint32_t at = (uint32_t)c->arena_len;
	c->arena_len += n;
	return at;
}

struct fz_seg *fz_case_push(struct fz_case *c)
{
	if (c->nsegs == c->capsegs) {
		unsigned cap = c->capsegs ? c->capsegs * 2 : 256;
		struct fz_seg *s = realloc(c->segs, cap * sizeof(*s));
		unsigned *p = realloc(c->shuffle, cap * sizeof(*p));
		if (!s || !p)
			stt_cli_die("out of memory (%u segments)", cap);
		c->segs = s;
		c->shuffle = p;
		c->capsegs = cap;
	}
	struct fz_seg *s = &c->segs[c->nsegs++];
	memset(s, 0, sizeof(*s));
	return s;
}

unsigned fz_case_add_key(struct fz_case *c, uint32_t src, uint32_t ack, int family)
{
	if (c->nkeys == c->capkeys) {
		unsigned cap = c->capkeys ? c->capkeys * 2 : 64;
		struct fz_key *p = realloc(c->keys, cap * sizeof(*p));
		if (!p)
			stt_cli_die("out of memory (%u keys)", cap);
		c->keys = p;
		c->capkeys = cap;
	}
	struct fz_key *k = &c->keys[c->nkeys];
	memset(k, 0, sizeof(*k));
	k->k.dport = ep_dport;
	k->k.ack = ack;
	k->honest = true;
	if (ep_wire)
		family = ep_src.family; /* a target listens on one family */
	if ((src == 0 || (ep_wire && src % 2 == 0)) && family == ep_src.family) {
		k->k.src = ep_src;
		k->k.dst = ep_dst;
	} else if (family == 6) {
		/* spoofed sources: 2001:db8:5::<n> */
		k->k.src.family = 6;
		k->k.src.a[0] = 0x20;
		k->k.src.a[1] = 0x01;
		k->k.src.a[2] = 0x0d;
		k->k.src.a[3] = 0xb8;
		k->k.src.a[5] = 5;
		k->k.src.a[12] = (uint8_t)(src >> 24);
		k->k.src.a[13] = (uint8_t)(src >> 16);
		k->k.src.a[14] = (uint8_t)(src >> 8);
		k->k.src.a[15] = (uint8_t)src;
		k->k.dst = k->k.src;
		memset(k->k.dst.a + 4, 0, 12);
		k->k.dst.a[15] = 2;
		if (ep_dst.family == 6)
			k->k.dst = ep_dst;
	} else {
		/* spoofed sources: 203.0.113.1-254 (documentation range) */
		k->k.src.family = 4;
		k->k.src.a[0] = 203;
		k->k.src.a[1] = 0;
		k->k.src.a[2] = 113;
		k->k.src.a[3] = (uint8_t)(1 + src % 254);
		k->k.dst = ep_dst.family == 4 ? ep_dst : (struct stt_addr){ 4, { 192, 0, 2, 2 } };
	}
	return c->nkeys++;
}
