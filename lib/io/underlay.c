/* Backend selection and the thin dispatch of the underlay interface. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "io_internal.h"

void stt_io_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

const char *stt_io_backend_name(enum stt_io_backend b)
{
	switch (b) {
	case STT_IO_AFPACKET:
		return "afpacket";
	case STT_IO_PCAP:
		return "pcap";
	case STT_IO_AUTO:
	default:
		return "auto";
	}
}

int stt_io_backend_parse(const char *s, enum stt_io_backend *b)
{
	if (!strcmp(s, "auto"))
		*b = STT_IO_AUTO;
	else if (!strcmp(s, "pcap"))
		*b = STT_IO_PCAP;
#ifdef STT_LINUX_IO
	else if (!strcmp(s, "afpacket"))
		*b = STT_IO_AFPACKET;
#endif
	else
		return -1;
	return 0;
}

void stt_io_filter_expr(const struct stt_underlay_config *cfg, char *buf, size_t cap)
{
	char host[64] = "";
	char a[48];

	if (cfg->filter_extra) {
		snprintf(buf, cap, "%s", cfg->filter_extra);
		return;
	}
	if (cfg->local.family)
		snprintf(host, sizeof(host), " and dst host %s",
			 stt_addr_format(&cfg->local, a, sizeof(a)));
	if (cfg->dport)
		snprintf(buf, cap, "tcp dst port %u%s", cfg->dport, host);
	else
		snprintf(buf, cap, "tcp%s", host);
}

struct stt_underlay *stt_underlay_open(const struct stt_underlay_config *cfg, char *err,
				       size_t errlen)
{
	struct stt_underlay *u = calloc(1, sizeof(*u));
	enum stt_io_backend b = cfg->backend;
	int rc;

	if (!u) {
		stt_io_err(err, errlen, "out of memory");
		return NULL;
	}
	if (!cfg->ifname || !*cfg->ifname) {
		stt_io_err(err, errlen, "no underlay interface given");
		free(u);
		return NULL;
	}
#ifdef STT_LINUX_IO
	if (b == STT_IO_AUTO)
		b = STT_IO_AFPACKET;
#else
	if (b == STT_IO_AUTO)
		b = STT_IO_PCAP;
#endif
	u->backend = b;
	switch (b) {
#ifdef STT_LINUX_IO
	case STT_IO_AFPACKET:
		rc = stt_afpacket_open(u, cfg, err, errlen);
		break;
#endif
	case STT_IO_PCAP:
		rc = stt_pcapio_open(u, cfg, err, errlen);
		break;
	default:
		stt_io_err(err, errlen, "I/O backend '%s' is not built in", stt_io_backend_name(b));
		rc = -1;
		break;
	}
	if (rc < 0) {
		free(u);
		return NULL;
	}
	return u;
}

void stt_underlay_close(struct stt_underlay *u)
{
	if (!u)
		return;
	u->ops->close(u);
	free(u);
}

int stt_underlay_fd(const struct stt_underlay *u)
{
	return u->ops->fd(u);
}

enum stt_io_backend stt_underlay_backend(const struct stt_underlay *u)
{
	return u->backend;
}

bool stt_underlay_can_gso(const struct stt_underlay *u)
{
	return u->ops->can_gso(u);
}

int stt_underlay_send(struct stt_underlay *u, const uint8_t *frame, size_t len)
{
	int rc = u->ops->send(u, frame, len);
	if (rc < 0) {
		u->st.tx_errors++;
	} else {
		u->st.tx_packets++;
		u->st.tx_bytes += len;
	}
	return rc;
}

int stt_underlay_send_batch(struct stt_underlay *u, const uint8_t *const *frames,
			    const size_t *lens, unsigned n)
{
	int rc = u->ops->send_batch(u, frames, lens, n);
	if (rc < 0) {
		u->st.tx_errors += n;
		return rc;
	}
	for (int i = 0; i < rc; i++) {
		u->st.tx_packets++;
		u->st.tx_bytes += lens[i];
	}
	u->st.tx_errors += n - (unsigned)rc;
	return rc;
}

int stt_underlay_send_gso_parts(struct stt_underlay *u, const uint8_t *hdr, size_t hdr_len,
				const uint8_t *payload, size_t payload_len,
				const struct stt_offload *off)
{
	if (!u->ops->can_gso(u)) {
		errno = EOPNOTSUPP;
		return -1;
	}
	int rc = u->ops->send_gso(u, hdr, hdr_len, payload, payload_len, off);
	if (rc < 0) {
		u->st.tx_errors++;
	} else {
		u->st.tx_gso_packets++;
		u->st.tx_bytes += hdr_len + payload_len;
	}
	return rc;
}

int stt_underlay_send_gso(struct stt_underlay *u, const uint8_t *frame, size_t len,
			  const struct stt_offload *off)
{
	return stt_underlay_send_gso_parts(u, frame, len, NULL, 0, off);
}

bool stt_underlay_can_csum(const struct stt_underlay *u)
{
	return u->ops->send_csum_batch && u->ops->can_csum && u->ops->can_csum(u);
}

int stt_underlay_send_csum_batch(struct stt_underlay *u, const struct stt_tx_parts *pkts,
				 unsigned n, const struct stt_offload *off)
{
	if (!stt_underlay_can_csum(u)) {
		errno = EOPNOTSUPP;
		return -1;
	}
	int rc = u->ops->send_csum_batch(u, pkts, n, off);
	if (rc < 0) {
		u->st.tx_errors += n;
		return rc;
	}
	for (int i = 0; i < rc; i++) {
		u->st.tx_packets++;
		u->st.tx_bytes += pkts[i].hdr_len + pkts[i].payload_len;
	}
	u->st.tx_errors += n - (unsigned)rc;
	return rc;
}

int stt_underlay_recv(struct stt_underlay *u, struct stt_rx_pkt *pkts, unsigned max)
{
	int n = u->ops->recv(u, pkts, max);
	for (int i = 0; i < n; i++) {
		u->st.rx_packets++;
		u->st.rx_bytes += pkts[i].len;
		if (pkts[i].csum == STT_RX_CSUM_VALID)
			u->st.rx_csum_valid++;
		else if (pkts[i].csum == STT_RX_CSUM_PARTIAL)
			u->st.rx_csum_partial++;
		if (pkts[i].wirelen > u->st.rx_max_len)
			u->st.rx_max_len = pkts[i].wirelen;
	}
	return n;
}

void stt_underlay_get_stats(struct stt_underlay *u, struct stt_underlay_stats *s)
{
	*s = u->st;
	if (u->ops->stats)
		u->ops->stats(u, s);
}
