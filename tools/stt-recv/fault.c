/* --fault NAME: test-only deviations of the echo target.
 *
 * stt-conform proves its checks bite by running against an endpoint that
 * breaks one rule on purpose; stt-recv --echo with a fault is that
 * endpoint. Each name breaks one thing (docs/faults.md lists what, and
 * which requirement IDs must then fail). The transmit-side faults live in
 * echo.c, the receive-side ones in frame.c and main.c; this file parses the
 * names and keeps the copies of partial frames that deliver-incomplete
 * needs, since the reassembler never hands out an incomplete frame. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "recv.h"

static const struct {
	const char *name;
	unsigned bits;
	const char *what;
} faults[] = {
	{ "const-sport", FAULT_CONST_SPORT, "one source port (49152) for every inner flow" },
	{ "sport-varies", FAULT_SPORT_VARIES, "another source port on every segment of a frame" },
	{ "reuse-ack", FAULT_REUSE_ACK, "the same ack (frame id) for every frame" },
	{ "no-psh", FAULT_NO_PSH, "PSH never set, not even on the last segment" },
	{ "bad-seq-len", FAULT_BAD_SEQ_LEN,
	  "last segment's seq carries frame length + 1 (one-segment frames: length - 1)" },
	{ "window-ffff", FAULT_WINDOW_FFFF, "TCP window 0xFFFF on every segment (as OVS)" },
	{ "ack-flag-missing", FAULT_ACK_FLAG_MISSING, "ACK flag never set" },
	{ "dscp-pipe", FAULT_DSCP_PIPE_ENCAP | FAULT_DSCP_PIPE_DECAP,
	  "pipe behaviour under the uniform model: dscp-pipe-decap + dscp-pipe-encap" },
	{ "dscp-pipe-decap", FAULT_DSCP_PIPE_DECAP, "outer DSCP not copied into the inner" },
	{ "dscp-pipe-encap", FAULT_DSCP_PIPE_ENCAP, "outer DSCP 0 whatever the inner DSCP" },
	{ "ce-lost", FAULT_CE_LOST, "outer CE not carried into the inner at decapsulation" },
	{ "deliver-incomplete", FAULT_DELIVER_INCOMPLETE,
	  "incomplete frames delivered, missing bytes zero-filled" },
	{ "ignore-context", FAULT_IGNORE_CONTEXT, "--context N drops nothing" },
	{ "no-timeout", FAULT_NO_TIMEOUT, "incomplete frames never expire" },
};

#define N_FAULTS (sizeof(faults) / sizeof(faults[0]))

static void list_faults(void)
{
	printf("TEST-ONLY faults of %s --echo (see docs/faults.md):\n", stt_cli_prog());
	for (size_t i = 0; i < N_FAULTS; i++)
		printf("  %-19s %s\n", faults[i].name, faults[i].what);
}

void fault_parse(struct recv_opts *o, const char *arg)
{
	char buf[256];
	size_t n = strnlen(arg, sizeof(buf));
	if (n == sizeof(buf))
		stt_cli_usage_error("--fault: argument too long");
	memcpy(buf, arg, n + 1);
	char *save = NULL;
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "list") == 0 || strcmp(tok, "help") == 0) {
			list_faults();
			exit(STT_EXIT_OK);
		}
		size_t i = 0;
		while (i < N_FAULTS && strcmp(faults[i].name, tok) != 0)
			i++;
		if (i == N_FAULTS)
			stt_cli_usage_error("--fault: unknown fault '%s' (--fault list names them)", tok);
		o->faults |= faults[i].bits;
	}
}

void fault_format(unsigned bits, char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < N_FAULTS && n < cap; i++) {
		/* the combined names only when all their bits are set and no
		 * single name already said it */
		if ((bits & faults[i].bits) != faults[i].bits)
			continue;
		n += (size_t)snprintf(buf + n, cap - n, "%s%s", n ? "," : "", faults[i].name);
		bits &= ~faults[i].bits;
	}
}

/* deliver-incomplete ------------------------------------------------------ */

#define PARTIALS_MAX 64 /* frames tracked at once; 4 MB of copies at most */

struct partial {
	bool used;
	bool head, tail; /* offset 0 / the frame's last byte held */
	bool given;	 /* already handed out: never twice */
	struct stt_reasm_key key;
	uint16_t frame_len;
	unsigned segs;
	bool any_ce;
	uint8_t first_tos;
	uint64_t first_ts, last_ts;
	struct stt_outer outer; /* last segment's headers, for the echo's addresses */
	uint8_t *buf;		/* frame_len bytes, zero where nothing arrived */
};

struct partials {
	struct partial p[PARTIALS_MAX];
};

struct partials *partials_new(void)
{
	return calloc(1, sizeof(struct partials));
}

static void partial_clear(struct partial *p)
{
	free(p->buf);
	memset(p, 0, sizeof(*p));
}

void partials_free(struct partials *ps)
{
	if (!ps)
		return;
	for (size_t i = 0; i < PARTIALS_MAX; i++)
		partial_clear(&ps->p[i]);
	free(ps);
}

static bool key_eq(const struct stt_reasm_key *a, const struct stt_reasm_key *b)
{
	return a->ack == b->ack && a->dport == b->dport && stt_addr_eq(&a->src, &b->src) &&
	       stt_addr_eq(&a->dst, &b->dst);
}

static struct partial *partial_find(struct partials *ps, const struct stt_reasm_key *k)
{
	for (size_t i = 0; i < PARTIALS_MAX; i++)
		if (ps->p[i].used && key_eq(&ps->p[i].key, k))
			return &ps->p[i];
	return NULL;
}

/* A free slot, or the oldest one given back (its frame goes untracked). */
static struct partial *partial_slot(struct partials *ps)
{
	struct partial *old = &ps->p[0];
	for (size_t i = 0; i < PARTIALS_MAX; i++) {
		if (!ps->p[i].used)
			return &ps->p[i];
		if (ps->p[i].first_ts < old->first_ts)
			old = &ps->p[i];
	}
	partial_clear(old);
	return old;
}

/* Through frame_deliver(), as if the reassembler had completed it. */
static void partial_deliver(struct recv *r, struct partial *p)
{
	struct stt_reasm_frame f;
	memset(&f, 0, sizeof(f));
	f.key = p->key;
	f.data = p->buf;
	f.len = p->frame_len;
	f.first_ts_ns = p->first_ts;
	f.last_ts_ns = p->last_ts;
	f.accepted_segs = p->segs;
	f.any_ce = p->any_ce;
	f.have_first_tos = p->head;
	f.first_tos = p->first_tos;
	p->given = true;
	const struct stt_outer *outer = r->outer;
	const struct stt_cap_pkt *pkt = r->pkt;
	r->outer = &p->outer;
	r->pkt = NULL;
	r->in_partial = true;
	r->cnt.partials++;
	frame_deliver(r, &f);
	r->in_partial = false;
	r->outer = outer;
	r->pkt = pkt;
}

void partials_segment(struct recv *r, const struct stt_seg_in *seg, const struct stt_outer *o)
{
	struct partials *ps = r->partials;
	if (!ps || seg->frame_len < seg->offset || seg->len > (size_t)(seg->frame_len - seg->offset))
		return; /* the reassembler refuses these too */
	struct partial *p = partial_find(ps, &seg->key);
	if (p && p->frame_len != seg->frame_len)
		return; /* a length mismatch: not merged, as the reassembler does */
	if (!p) {
		p = partial_slot(ps);
		p->buf = calloc(1, seg->frame_len ? seg->frame_len : 1);
		if (!p->buf)
			return;
		p->used = true;
		p->key = seg->key;
		p->frame_len = seg->frame_len;
		p->first_ts = seg->ts_ns;
	}
	if (p->given)
		return;
	memcpy(p->buf + seg->offset, seg->data, seg->len);
	p->segs++;
	p->last_ts = seg->ts_ns;
	p->outer = *o;
	p->outer.payload = NULL; /* points into a packet that goes away */
	p->outer.payload_len = 0;
	if ((seg->tos & 3) == 3)
		p->any_ce = true;
	if (seg->offset == 0) {
		p->head = true;
		p->first_tos = seg->tos;
	}
	if (seg->offset + seg->len == seg->frame_len)
		p->tail = true;
	/* First and last bytes in, a middle one missing: out it goes now,
	 * as a receiver that counts the end of a frame as its completion. */
	if (p->head && p->tail)
		partial_deliver(r, p);
}

void partials_forget(struct recv *r, const struct stt_reasm_key *k)
{
	if (!r->partials || r->in_partial)
		return;
	struct partial *p = partial_find(r->partials, k);
	if (p)
		partial_clear(p);
}

void partials_given_up(struct recv *r, const struct stt_reasm_drop *d)
{
	if (!r->partials)
		return;
	struct partial *p = partial_find(r->partials, &d->key);
	if (!p)
		return;
	switch (d->reason) {
	case STT_DROP_TIMEOUT:
	case STT_DROP_EVICTED:
	case STT_DROP_FLUSHED:
		if (!p->given)
			partial_deliver(r, p);
		partial_clear(p);
		break;
	case STT_DROP_OVERLAP_CONFLICT:
	case STT_DROP_NOMEM:
		partial_clear(p);
		break;
	default:
		break; /* one segment refused: the frame goes on */
	}
}
