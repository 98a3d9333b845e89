/* The parts of the I/O layer that need no privileges: backend names, the
 * receive filter, and clear errors for what cannot be opened. */
#include <string.h>

#include "check.h"
#include "stt/io.h"

/* Not in the public header: the filter expression builder. */
void stt_io_filter_expr(const struct stt_underlay_config *cfg, char *buf, size_t cap);

int main(void)
{
	struct stt_underlay_config c;
	enum stt_io_backend b;
	char buf[256], err[256];

	check_test("backend names round-trip; unknown names refused");
	CHECK_EQ(0, stt_io_backend_parse("pcap", &b));
	CHECK_EQ(STT_IO_PCAP, b);
	CHECK(strcmp(stt_io_backend_name(b), "pcap") == 0);
	CHECK_EQ(0, stt_io_backend_parse("auto", &b));
	CHECK_EQ(-1, stt_io_backend_parse("netmap", &b));
#ifdef STT_LINUX_IO
	CHECK_EQ(0, stt_io_backend_parse("afpacket", &b));
	CHECK_EQ(STT_IO_AFPACKET, b);
#else
	CHECK_EQ(-1, stt_io_backend_parse("afpacket", &b));
#endif

	check_test("receive filter: port and local address");
	memset(&c, 0, sizeof(c));
	c.dport = 7471;
	stt_addr_parse("192.0.2.1", &c.local);
	stt_io_filter_expr(&c, buf, sizeof(buf));
	CHECK(strcmp(buf, "tcp dst port 7471 and dst host 192.0.2.1") == 0);
	stt_addr_parse("2001:db8::2", &c.local);
	stt_io_filter_expr(&c, buf, sizeof(buf));
	CHECK(strcmp(buf, "tcp dst port 7471 and dst host 2001:db8::2") == 0);
	memset(&c.local, 0, sizeof(c.local));
	c.dport = 0;
	stt_io_filter_expr(&c, buf, sizeof(buf));
	CHECK(strcmp(buf, "tcp") == 0);
	c.filter_extra = "tcp port 9";
	stt_io_filter_expr(&c, buf, sizeof(buf));
	CHECK(strcmp(buf, "tcp port 9") == 0);

	check_test("opening a missing interface fails with its name");
	memset(&c, 0, sizeof(c));
	c.ifname = "nosuchif0";
	c.rx = true;
	err[0] = 0;
	CHECK(stt_underlay_open(&c, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "nosuchif0") != NULL);
	c.backend = STT_IO_PCAP;
	err[0] = 0;
	CHECK(stt_underlay_open(&c, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "nosuchif0") != NULL);
	c.ifname = "";
	CHECK(stt_underlay_open(&c, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "no underlay interface") != NULL);

	check_test("interface facts: lo, and a clear error for a missing one");
	uint8_t mac[6];
	unsigned mtu = 0;
	CHECK_EQ(0, stt_io_iface_info("lo", mac, &mtu, err, sizeof(err)));
	CHECK(mtu > 0);
	CHECK_EQ(-1, stt_io_iface_info("nosuchif0", mac, &mtu, err, sizeof(err)));
	CHECK(strstr(err, "nosuchif0") != NULL);
	struct stt_addr a;
	stt_addr_parse("127.0.0.1", &a);
	CHECK_EQ(0, stt_io_iface_by_addr(&a, buf, sizeof(buf), err, sizeof(err)));
	CHECK(strcmp(buf, "lo") == 0);
	stt_addr_parse("203.0.113.77", &a);
	CHECK_EQ(-1, stt_io_iface_by_addr(&a, buf, sizeof(buf), err, sizeof(err)));
	CHECK(strstr(err, "203.0.113.77") != NULL);

	check_test("TAP: a name longer than IFNAMSIZ is refused by name");
	struct stt_tap_config tc = { .name = "a-name-far-too-long-for-linux", .offload = true };
	err[0] = 0;
	CHECK(stt_tap_open(&tc, err, sizeof(err)) == NULL);
	CHECK(err[0] != 0);
	return check_done();
}
