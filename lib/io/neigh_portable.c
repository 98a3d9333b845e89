/* stt_io_neigh_lookup() without the Linux I/O backends: there is no
 * portable way to read the kernel's neighbour table, so we ask on the wire
 * ourselves (stt_io_neigh_probe, libpcap) and keep the answers in a small
 * cache of our own. The callers' pattern (lookup, solicit, lookup again a
 * little later; stt-tunnel re-looks-up known peers every few seconds)
 * then works unchanged:
 *   - an answer is kept NEIGH_TTL_MS, so periodic refreshes cost nothing
 *     until it ages out, and then one probe notices a moved peer;
 *   - a probe waits at most NEIGH_PROBE_MS (a LAN answers in well under a
 *     millisecond); after failed ones we say "unknown" without asking
 *     again for a hold that doubles from NEIGH_HOLD_MS up to
 *     NEIGH_HOLD_MAX_MS: a peer that is just coming up (a fresh link
 *     ignores the first solicitations for a second or so) is asked often,
 *     one that stays down stalls a caller's loop for ~6% of its time.
 * Not thread-safe: every sttkit tool resolves from one thread. */
#ifndef STT_LINUX_IO
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "io_internal.h"

#define NEIGH_CACHE 32
#define NEIGH_TTL_MS 30000u
#define NEIGH_HOLD_MS 100u
#define NEIGH_HOLD_MAX_MS 1600u
#define NEIGH_PROBE_MS 100u

struct neigh_entry {
	char ifname[IF_NAMESIZE];
	struct stt_addr ip;
	uint8_t mac[6];
	bool known;
	unsigned fails; /* probes failed in a row */
	uint64_t at_ms; /* when answered (known) or when the probe failed */
};

static struct neigh_entry cache[NEIGH_CACHE];

/* The entry for (ifname, ip), or the slot to reuse: a free one, else the
 * oldest. */
static struct neigh_entry *slot_for(const char *ifname, const struct stt_addr *ip, bool *hit)
{
	struct neigh_entry *victim = &cache[0];

	for (unsigned i = 0; i < NEIGH_CACHE; i++) {
		struct neigh_entry *e = &cache[i];
		if (e->ip.family && stt_addr_eq(&e->ip, ip) && strcmp(e->ifname, ifname) == 0) {
			*hit = true;
			return e;
		}
		if (!e->ip.family)
			victim = e;
		else if (victim->ip.family && e->at_ms < victim->at_ms)
			victim = e;
	}
	*hit = false;
	return victim;
}

int stt_io_neigh_lookup(const char *ifname, const struct stt_addr *ip, uint8_t mac[6])
{
	bool hit;
	struct neigh_entry *e = slot_for(ifname, ip, &hit);
	uint64_t now = (stt_io_now_ns() / 1000000u);

	if (hit && e->known && now - e->at_ms < NEIGH_TTL_MS) {
		memcpy(mac, e->mac, 6);
		return 0;
	}
	if (hit && !e->known && e->fails) {
		unsigned shift = e->fails - 1 < 4 ? e->fails - 1 : 4;
		uint64_t hold = (uint64_t)NEIGH_HOLD_MS << shift;
		if (hold > NEIGH_HOLD_MAX_MS)
			hold = NEIGH_HOLD_MAX_MS;
		if (now - e->at_ms < hold)
			return 1;
	}
	unsigned fails = hit && !e->known ? e->fails : 0;
	int rc = stt_io_neigh_probe(ifname, ip, mac, NEIGH_PROBE_MS, NULL, 0);
	if (rc < 0)
		return -1;
	memset(e, 0, sizeof(*e));
	e->fails = rc == 0 ? 0 : fails + 1;
	snprintf(e->ifname, sizeof(e->ifname), "%s", ifname);
	e->ip = *ip;
	e->known = rc == 0;
	e->at_ms = (stt_io_now_ns() / 1000000u);
	if (e->known)
		memcpy(e->mac, mac, 6);
	return rc;
}

/* Nothing to do: the next lookup asks on the wire itself (and the kernel's
 * own table, which a solicitation would fill, is not what we read). */
void stt_io_neigh_solicit(const struct stt_addr *ip)
{
	(void)ip;
}
#else
/* ISO C forbids an empty translation unit. */
typedef int stt_neigh_portable_unused;
#endif
