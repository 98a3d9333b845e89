/* Portable underlay backend: libpcap live capture + pcap_inject. No
 * offloads: every segment is built by us, and the checksum status of what
 * arrives is unknown (the endpoint verifies it). */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "io_internal.h"

struct pcapio {
	pcap_t *p;
	struct stt_rxbatch rx;
	struct stt_rx_pkt *fill; /* during pcap_dispatch */
	unsigned want, filled;
	uint64_t kernel_drops;
};

static struct pcapio *pio_of(const struct stt_underlay *u)
{
	return u->priv;
}

static int pio_fd(const struct stt_underlay *u)
{
	return pcap_get_selectable_fd(pio_of(u)->p);
}

static bool pio_can_gso(const struct stt_underlay *u)
{
	(void)u;
	return false;
}

static int pio_send(struct stt_underlay *u, const uint8_t *frame, size_t len)
{
	return pcap_inject(pio_of(u)->p, frame, len) < 0 ? -1 : 0;
}

static int pio_send_batch(struct stt_underlay *u, const uint8_t *const *frames, const size_t *lens,
			  unsigned n)
{
	unsigned i;
	for (i = 0; i < n; i++)
		if (pio_send(u, frames[i], lens[i]) < 0)
			break;
	return i ? (int)i : -1;
}

static int pio_send_gso(struct stt_underlay *u, const uint8_t *hdr, size_t hdr_len,
			const uint8_t *payload, size_t payload_len, const struct stt_offload *off)
{
	(void)u, (void)hdr, (void)hdr_len, (void)payload, (void)payload_len, (void)off;
	errno = EOPNOTSUPP;
	return -1;
}

static void on_packet(u_char *arg, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct pcapio *pio = (struct pcapio *)(void *)arg;
	struct stt_rx_pkt *p;
	uint8_t *slot;

	if (pio->filled >= pio->want)
		return;
	slot = stt_rxbatch_slot(&pio->rx, pio->filled);
	p = &pio->fill[pio->filled++];
	stt_rx_pkt_init(p, slot, h->caplen, h->len, stt_io_now_ns());
	memcpy(slot, bytes, p->len);
}

static int pio_recv(struct stt_underlay *u, struct stt_rx_pkt *pkts, unsigned max)
{
	struct pcapio *pio = pio_of(u);
	int rc;

	pio->fill = pkts;
	pio->filled = 0;
	pio->want = max < pio->rx.n ? max : pio->rx.n;
	rc = pcap_dispatch(pio->p, (int)pio->want, on_packet, (u_char *)(void *)pio);
	if (rc < 0)
		return -1;
	return (int)pio->filled;
}

static void pio_stats(struct stt_underlay *u, struct stt_underlay_stats *s)
{
	struct pcap_stat ps;
	if (pcap_stats(pio_of(u)->p, &ps) == 0)
		s->kernel_drops = ps.ps_drop;
}

static void pio_close(struct stt_underlay *u)
{
	struct pcapio *pio = pio_of(u);
	if (!pio)
		return;
	if (pio->p)
		pcap_close(pio->p);
	stt_rxbatch_free(&pio->rx);
	free(pio);
	u->priv = NULL;
}

static const struct stt_underlay_backend_ops pio_ops = {
	.fd = pio_fd,
	.can_gso = pio_can_gso,
	.send = pio_send,
	.send_batch = pio_send_batch,
	.send_gso = pio_send_gso,
	.recv = pio_recv,
	.stats = pio_stats,
	.close = pio_close,
};

int stt_pcapio_open(struct stt_underlay *u, const struct stt_underlay_config *cfg, char *err,
		    size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	char expr[256];
	struct bpf_program prog;
	struct pcapio *pio = calloc(1, sizeof(*pio));

	if (!pio) {
		stt_io_err(err, errlen, "out of memory");
		return -1;
	}
	u->priv = pio;
	u->ops = &pio_ops;
	int slots = stt_rxbatch_init(&pio->rx, cfg->batch);
	pio->p = pcap_create(cfg->ifname, ebuf);
	if (slots < 0 || !pio->p) {
		stt_io_err(err, errlen, "pcap %s: %s", cfg->ifname, slots == 0 ? ebuf : "out of memory");
		pio_close(u);
		return -1;
	}
	pcap_set_snaplen(pio->p, STT_IO_RX_BUF);
	pcap_set_promisc(pio->p, 0);
	pcap_set_immediate_mode(pio->p, 1);
	pcap_set_buffer_size(pio->p, 8 << 20);
	if (pcap_activate(pio->p) < 0) {
		stt_io_err(err, errlen, "pcap %s: %s", cfg->ifname, pcap_geterr(pio->p));
		pio_close(u);
		return -1;
	}
	if (pcap_datalink(pio->p) != DLT_EN10MB) {
		stt_io_err(err, errlen, "pcap %s: link type %s is not Ethernet", cfg->ifname,
			   pcap_datalink_val_to_name(pcap_datalink(pio->p)));
		pio_close(u);
		return -1;
	}
	stt_io_filter_expr(cfg, expr, sizeof(expr));
	if (!cfg->rx)
		snprintf(expr, sizeof(expr), "less 1"); /* send only: let nothing in */
	if (pcap_compile(pio->p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0 ||
	    pcap_setfilter(pio->p, &prog) < 0) {
		stt_io_err(err, errlen, "filter '%s': %s", expr, pcap_geterr(pio->p));
		pio_close(u);
		return -1;
	}
	pcap_freecode(&prog);
	pcap_setdirection(pio->p, PCAP_D_IN);
	if (pcap_setnonblock(pio->p, 1, ebuf) < 0) {
		stt_io_err(err, errlen, "pcap %s: %s", cfg->ifname, ebuf);
		pio_close(u);
		return -1;
	}
	return 0;
}
