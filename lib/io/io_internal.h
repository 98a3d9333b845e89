/* The backend interface behind struct stt_underlay (stt/io.h). */
#ifndef STT_IO_INTERNAL_H
#define STT_IO_INTERNAL_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>

#include "stt/io.h"

struct stt_underlay_backend_ops {
	int (*fd)(const struct stt_underlay *u);
	bool (*can_gso)(const struct stt_underlay *u);
	bool (*can_csum)(const struct stt_underlay *u); /* may be NULL: no */
	int (*send)(struct stt_underlay *u, const uint8_t *frame, size_t len);
	int (*send_batch)(struct stt_underlay *u, const uint8_t *const *frames, const size_t *lens,
			  unsigned n);
	/* One super-packet given as outer headers + payload (payload may
	 * be NULL/0): a gather write, so the payload is not copied first. */
	int (*send_gso)(struct stt_underlay *u, const uint8_t *hdr, size_t hdr_len,
			const uint8_t *payload, size_t payload_len, const struct stt_offload *off);
	/* Optional (NULL: no checksum offload). */
	int (*send_csum_batch)(struct stt_underlay *u, const struct stt_tx_parts *pkts, unsigned n,
			       const struct stt_offload *off);
	int (*recv)(struct stt_underlay *u, struct stt_rx_pkt *pkts, unsigned max);
	void (*stats)(struct stt_underlay *u, struct stt_underlay_stats *s);
	void (*close)(struct stt_underlay *u);
};

struct stt_underlay {
	const struct stt_underlay_backend_ops *ops;
	enum stt_io_backend backend;
	void *priv;
	struct stt_underlay_stats st;
};

/* Backend constructors: fill u->ops and u->priv. Return 0 or -1 (err set). */
/* A TAP device, whichever backend opened it (tap_linux.c: virtio-net
 * header offloads; tap_portable.c: none). tap_common.c holds what both
 * do the same way. */
struct stt_tap {
	int fd;
	char name[IF_NAMESIZE];
	bool offload; /* virtio_net_hdr on every read and write */
};
/* MTU (when non-zero) and IFF_UP (when up) on interface name. 0 or -1. */
int stt_io_tap_set_link(const char *name, unsigned mtu, bool up, char *err, size_t errlen);

int stt_afpacket_open(struct stt_underlay *u, const struct stt_underlay_config *cfg, char *err,
		      size_t errlen);
int stt_pcapio_open(struct stt_underlay *u, const struct stt_underlay_config *cfg, char *err,
		    size_t errlen);

/* The receive filter as a pcap expression, into buf. */
void stt_io_filter_expr(const struct stt_underlay_config *cfg, char *buf, size_t cap);

/* snprintf into err when err is not NULL. */
void stt_io_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define STT_IO_RX_BUF (65536 + 256) /* one GSO/GRO packet of up to 64 KB */

/* ---- receive batches (rxbatch.c), the bookkeeping both backends share ---- */

#define STT_IO_DEFAULT_BATCH 16
#define STT_IO_MAX_BATCH 64

/* n slots of STT_IO_RX_BUF bytes, one per packet of a receive call. */
struct stt_rxbatch {
	unsigned n;
	uint8_t *bufs;
};

/* want slots (cfg->batch: 0 means the default; clamped to the maximum).
 * 0, or -1 when out of memory. */
int stt_rxbatch_init(struct stt_rxbatch *b, unsigned want);
void stt_rxbatch_free(struct stt_rxbatch *b);

static inline uint8_t *stt_rxbatch_slot(const struct stt_rxbatch *b, unsigned i)
{
	return b->bufs + (size_t)i * STT_IO_RX_BUF;
}

/* Describe a packet received into slot (caplen bytes offered, cut to the
 * slot; wirelen on the wire) at ts_ns; checksum status and direction
 * start unknown. Inline: it runs per packet in the receive loops. */
static inline void stt_rx_pkt_init(struct stt_rx_pkt *p, uint8_t *slot, size_t caplen,
				   size_t wirelen, uint64_t ts_ns)
{
	memset(p, 0, sizeof(*p));
	p->data = slot;
	p->len = caplen < STT_IO_RX_BUF ? caplen : STT_IO_RX_BUF;
	p->wirelen = wirelen;
	p->ts_ns = ts_ns;
}

#endif
