/* Portable underlay backend: libpcap live capture + pcap_inject. No
 * offloads: every segment is built by us, and the checksum status of what
 * arrives is unknown (the endpoint verifies it). */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io_internal.h"

#define PCAPIO_MAX_BATCH 64

struct pcapio {
	pcap_t *p;
	unsigned batch;
	uint8_t *bufs;
	struct stt_rx_pkt *fill; /* during pcap_dispatch */
	unsigned filled;
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
	uint8_t *buf;
	struct timespec ts;

	if (pio->filled >= pio->batch)
		return;
	buf = pio->bufs + (size_t)pio->filled * STT_IO_RX_BUF;
	p = &pio->fill[pio->filled++];
	memset(p, 0, sizeof(*p));
	p->len = h->caplen < STT_IO_RX_BUF ? h->caplen : STT_IO_RX_BUF;
	memcpy(buf, bytes, p->len);
	p->data = buf;
	p->wirelen = h->len;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	p->ts_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int pio_recv(struct stt_underlay *u, struct stt_rx_pkt *pkts, unsigned max)
{
	struct pcapio *pio = pio_of(u);
	unsigned want = max < pio->batch ? max : pio->batch;
	int rc;

	pio->fill = pkts;
	pio->filled = 0;
	unsigned saved = pio->batch;
	pio->batch = want;
	rc = pcap_dispatch(pio->p, (int)want, on_packet, (u_char *)(void *)pio);
	pio->batch = saved;
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
	free(pio->bufs);
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
	pio->batch = cfg->batch ? cfg->batch : 16;
	if (pio->batch > PCAPIO_MAX_BATCH)
		pio->batch = PCAPIO_MAX_BATCH;
	pio->bufs = malloc((size_t)pio->batch * STT_IO_RX_BUF);
	pio->p = pcap_create(cfg->ifname, ebuf);
	if (!pio->bufs || !pio->p) {
		stt_io_err(err, errlen, "pcap %s: %s", cfg->ifname, pio->bufs ? ebuf : "out of memory");
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
