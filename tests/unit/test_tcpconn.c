/* Telling STT from a real TCP connection on the STT port (stt/tcpconn.h):
 * control packets, connections opened by a client's SYN (both
 * directions), STT segments with odd flags that must not open anything,
 * and the bound on what is remembered. */
#include <string.h>

#include "check.h"
#include "stt/tcpconn.h"

/* A parsed TCP packet: src:sport -> dst:dport, flags, payload bytes. */
static struct stt_outer pkt(const char *src, uint16_t sport, const char *dst, uint16_t dport,
			    uint8_t flags, size_t payload)
{
	struct stt_outer o;
	memset(&o, 0, sizeof(o));
	stt_addr_parse(src, &o.src);
	stt_addr_parse(dst, &o.dst);
	o.ip_version = o.src.family;
	o.tcp.sport = sport;
	o.tcp.dport = dport;
	o.tcp.flags = flags;
	o.payload_len = o.payload_wire_len = payload;
	return o;
}

int main(void)
{
	struct stt_tcpconn *t = stt_tcpconn_new();
	struct stt_outer o;
	uint64_t at = 0;

	check_test("STT segments and control packets without any connection");
	CHECK(t != NULL);
	o = pkt("192.0.2.1", 50000, "192.0.2.2", 7471, STT_TCP_ACK | STT_TCP_PSH, 100);
	CHECK_EQ(STT_TCP_IS_STT, stt_tcpconn_classify(t, &o, 1, &at));
	o = pkt("192.0.2.1", 50000, "192.0.2.2", 7471, STT_TCP_RST, 0);
	CHECK_EQ(STT_TCP_CONTROL, stt_tcpconn_classify(t, &o, 2, &at));
	o = pkt("192.0.2.1", 50000, "192.0.2.2", 7471, STT_TCP_FIN | STT_TCP_ACK, 0);
	CHECK_EQ(STT_TCP_CONTROL, stt_tcpconn_classify(t, &o, 3, &at));
	/* an STT segment with SYN|ACK set (a fuzzer's): no connection */
	o = pkt("192.0.2.1", 50000, "192.0.2.2", 7471, STT_TCP_SYN | STT_TCP_ACK, 100);
	CHECK_EQ(STT_TCP_IS_STT, stt_tcpconn_classify(t, &o, 4, &at));
	o = pkt("192.0.2.1", 50000, "192.0.2.2", 7471, STT_TCP_ACK | STT_TCP_PSH, 100);
	CHECK_EQ(STT_TCP_IS_STT, stt_tcpconn_classify(t, &o, 5, &at));

	check_test("a client's SYN opens a connection: both directions, until replaced");
	o = pkt("192.0.2.7", 40123, "192.0.2.2", 7471, STT_TCP_SYN, 0);
	CHECK_EQ(STT_TCP_CONTROL, stt_tcpconn_classify(t, &o, 10, &at));
	o = pkt("192.0.2.7", 40123, "192.0.2.2", 7471, STT_TCP_ACK | STT_TCP_PSH, 18);
	CHECK_EQ(STT_TCP_CONNECTION, stt_tcpconn_classify(t, &o, 11, &at));
	CHECK_EQ(10, at);
	o = pkt("192.0.2.2", 7471, "192.0.2.7", 40123, STT_TCP_ACK | STT_TCP_PSH, 99);
	CHECK_EQ(STT_TCP_CONNECTION, stt_tcpconn_classify(t, &o, 12, &at));
	/* another source port of the same client, and STT from the peer */
	o = pkt("192.0.2.7", 40124, "192.0.2.2", 7471, STT_TCP_ACK | STT_TCP_PSH, 18);
	CHECK_EQ(STT_TCP_IS_STT, stt_tcpconn_classify(t, &o, 13, &at));
	o = pkt("192.0.2.1", 50000, "192.0.2.2", 7471, STT_TCP_ACK | STT_TCP_PSH, 100);
	CHECK_EQ(STT_TCP_IS_STT, stt_tcpconn_classify(t, &o, 14, &at));

	check_test("IPv6 connections, kept apart from IPv4 ones");
	o = pkt("2001:db8::7", 40123, "2001:db8::2", 7471, STT_TCP_SYN, 0);
	CHECK_EQ(STT_TCP_CONTROL, stt_tcpconn_classify(t, &o, 20, &at));
	o = pkt("2001:db8::7", 40123, "2001:db8::2", 7471, STT_TCP_ACK, 10);
	CHECK_EQ(STT_TCP_CONNECTION, stt_tcpconn_classify(t, &o, 21, &at));
	CHECK_EQ(20, at);

	check_test("a flood of SYNs (fixed table): the newest stays known, STT unaffected");
	for (unsigned i = 0; i < 5 * STT_TCPCONN_MAX; i++) {
		o = pkt("203.0.113.9", (uint16_t)(1024 + i), "192.0.2.2", 7471, STT_TCP_SYN, 0);
		stt_tcpconn_classify(t, &o, 100 + i, &at);
	}
	o = pkt("203.0.113.9", (uint16_t)(1024 + 5 * STT_TCPCONN_MAX - 1), "192.0.2.2", 7471,
		STT_TCP_ACK, 5);
	CHECK_EQ(STT_TCP_CONNECTION, stt_tcpconn_classify(t, &o, 99999, &at));
	o = pkt("192.0.2.1", 50000, "192.0.2.2", 7471, STT_TCP_ACK | STT_TCP_PSH, 100);
	CHECK_EQ(STT_TCP_IS_STT, stt_tcpconn_classify(t, &o, 100000, &at));

	check_test("no tracker: only control packets are told apart");
	o = pkt("192.0.2.7", 40123, "192.0.2.2", 7471, STT_TCP_ACK | STT_TCP_PSH, 18);
	CHECK_EQ(STT_TCP_IS_STT, stt_tcpconn_classify(NULL, &o, 1, NULL));
	stt_tcpconn_free(t);
	return check_done();
}
