/* Where stt-send's packets go: a pcap file (Ethernet link type), or the
 * network through libnet (raw IP through the kernel's routing, or whole
 * Ethernet frames injected on an interface). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "send.h"
#include "stt/capture.h"

/* After our headers: <netinet/ip_icmp.h>, which libnet pulls in, defines
 * icmp_id and icmp_seq as macros that would rename struct stt_inner's
 * fields. */
#include <libnet.h>

struct sink {
	/* pcap file */
	struct stt_capw *w;
	/* live */
	libnet_t *net;
	bool link;
	int family;
	unsigned long errors;
};

struct sink *sink_pcap_open(const char *path)
{
	struct sink *s = calloc(1, sizeof(*s));
	if (!s)
		stt_cli_die("out of memory");
	char err[STT_CAP_ERRLEN];
	s->w = stt_capw_open(path, STT_LINK_ETHERNET, 0, 0, err);
	if (!s->w)
		stt_cli_die("%s", err);
	return s;
}

void sink_pcap_write(struct sink *s, uint64_t ts_ns, const uint8_t *pkt, size_t len)
{
	if (stt_capw_write(s->w, pkt, len, len, ts_ns) != 0)
		stt_cli_die("%s", stt_capw_error(s->w));
}

struct sink *sink_live_open(const char *iface, int family)
{
	struct sink *s = calloc(1, sizeof(*s));
	if (!s)
		stt_cli_die("out of memory");
	char err[LIBNET_ERRBUF_SIZE];
	s->family = family;
	s->link = iface != NULL;
	int type = iface ? LIBNET_LINK : (family == 6 ? LIBNET_RAW6 : LIBNET_RAW4);
	s->net = libnet_init(type, iface, err);
	if (!s->net)
		stt_cli_die("%s%s%s: %s (sending needs root or CAP_NET_RAW)",
			    iface ? "interface " : "raw IPv", iface ? iface : (family == 6 ? "6" : "4"),
			    iface ? "" : " socket", err);
	return s;
}

bool sink_live_is_link(const struct sink *s)
{
	return s->link;
}

int sink_live_send(struct sink *s, const uint8_t *pkt, size_t len, size_t eth_len)
{
	int n;
	if (s->link) {
		n = libnet_write_link(s->net, pkt, (uint32_t)len);
	} else if (s->family == 6) {
		n = libnet_write_raw_ipv6(s->net, pkt + eth_len, (uint32_t)(len - eth_len));
	} else {
		n = libnet_write_raw_ipv4(s->net, pkt + eth_len, (uint32_t)(len - eth_len));
	}
	if (n < 0) {
		/* the first failure says why; the count goes in the summary */
		if (s->errors++ == 0) {
			char msg[LIBNET_ERRBUF_SIZE];
			snprintf(msg, sizeof(msg), "%s", libnet_geterror(s->net));
			msg[strcspn(msg, "\n")] = '\0';
			stt_cli_warn("send failed: %s", msg);
		}
		return -1;
	}
	return 0;
}

void sink_close(struct sink *s)
{
	if (!s)
		return;
	if (s->w) {
		char err[STT_CAP_ERRLEN];
		if (stt_capw_close(s->w, err) != 0)
			stt_cli_die("%s", err);
	}
	if (s->net)
		libnet_destroy(s->net);
	free(s);
}
