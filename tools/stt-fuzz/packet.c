/* Segments as outer packets: for reproducer pcaps and for the wire. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "fuzz.h"
#include "stt/capture.h"
#include "stt/outer.h"
#include "stt/segment.h"

/* Locally administered MACs unless a wire run knows the real ones. */
static uint8_t mac_src[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static uint8_t mac_dst[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };

static uint32_t ack_salt;

void fz_set_ack_salt(uint32_t salt)
{
	ack_salt = salt;
}

void fz_seg_tmpl_macs(const uint8_t src[6], const uint8_t dst[6])
{
	memcpy(mac_src, src, 6);
	memcpy(mac_dst, dst, 6);
}

size_t fz_seg_packet(const struct fz_case *c, unsigned i, uint8_t *out, size_t cap)
{
	const struct fz_seg *s = &c->segs[i];
	struct stt_outer_tmpl t;

	if (s->raw) {
		if (s->len > cap)
			return 0;
		memcpy(out, c->arena + s->data, s->len);
		return s->len;
	}
	const struct stt_reasm_key *k = &c->keys[s->key].k;
	stt_outer_tmpl_defaults(&t);
	t.with_eth = true;
	memcpy(t.eth_src, mac_src, 6);
	memcpy(t.eth_dst, mac_dst, 6);
	t.src = k->src;
	t.dst = k->dst;
	t.dport = k->dport;
	t.ack = k->ack ^ ack_salt;
	t.sport = (uint16_t)(STT_EPHEMERAL_MIN + (k->ack & 0x3fff));
	t.ip_id = (uint16_t)i;
	return stt_segment_write(&t, s->frame_len, s->off, c->arena + s->data, s->len,
				 (size_t)s->off + s->len == s->frame_len, 0, out, cap);
}

int fz_mkdir(const char *dir)
{
	if (mkdir(dir, 0777) == 0 || errno == EEXIST)
		return 0;
	stt_cli_warn("cannot create directory %s: %s", dir, strerror(errno));
	return -1;
}

int fz_write_pcap(const char *path, const struct fz_case *c, const bool *keep, bool shuffled)
{
	static uint8_t pkt[STT_MAX_FRAME_LEN + 256];
	char err[STT_CAP_ERRLEN];
	struct stt_capw *w = stt_capw_open(path, STT_LINK_ETHERNET, 0, 0, err);
	uint64_t ts = 1000000000ull;

	if (!w) {
		stt_cli_warn("%s", err);
		return -1;
	}
	for (unsigned j = 0; j < c->nsegs; j++) {
		unsigned i = shuffled ? c->shuffle[j] : j;
		if (keep && !keep[i])
			continue;
		size_t n = fz_seg_packet(c, i, pkt, sizeof(pkt));
		if (!n && c->segs[i].raw)
			n = 0; /* an empty raw packet is still a packet */
		else if (!n)
			continue;
		if (stt_capw_write(w, pkt, n, n, ts) != 0) {
			stt_cli_warn("%s", stt_capw_error(w));
			stt_capw_close(w, NULL);
			return -1;
		}
		ts += 1000; /* 1 us apart: the order is the arrival order */
	}
	if (stt_capw_close(w, err) != 0) {
		stt_cli_warn("%s", err);
		return -1;
	}
	return 0;
}
