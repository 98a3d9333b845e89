/* lib/io/capture.c: the pcap writer and the two file readers (the mapped
 * walk of classic pcap files, and libpcap), which must agree packet for
 * packet and error for error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "stt/capture.h"

#define NPKT 5

static char dir[] = "/tmp/stt-test-capture-XXXXXX";
static char path[256];

static const uint64_t ts0 = 1767268800ull * 1000000000ull + 123456789ull;

/* Packet i: i + 60 bytes of (i + k), recorded as 2 bytes longer on the wire. */
static void make_pkt(unsigned i, uint8_t *p, size_t *len)
{
	*len = 60 + i;
	for (size_t k = 0; k < *len; k++)
		p[k] = (uint8_t)(i + k);
}

static int write_file(const char *name, unsigned flags)
{
	char err[STT_CAP_ERRLEN];
	uint8_t p[128];
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	struct stt_capw *w = stt_capw_open(path, 1, 0, flags, err);
	if (!w)
		return -1;
	for (unsigned i = 0; i < NPKT; i++) {
		make_pkt(i, p, &len);
		if (stt_capw_write(w, p, len, len + 2, ts0 + i * 1000000ull) < 0)
			return -1;
	}
	CHECK_EQ(NPKT, stt_capw_count(w));
	return stt_capw_close(w, err);
}

/* Read path back; expect every packet, timestamps at resolution res_ns. */
static void read_back(const char *what, uint64_t res_ns)
{
	char err[STT_CAP_ERRLEN];
	struct stt_cap_pkt pkt;
	uint8_t want[128];
	size_t len;

	check_test(what);
	struct stt_cap *c = stt_cap_open_file(path, NULL, err);
	CHECK(c != NULL);
	if (!c)
		return;
	CHECK_EQ(1, stt_cap_linktype(c));
	CHECK_EQ(STT_CAP_DEFAULT_SNAPLEN, stt_cap_snaplen(c));
	for (unsigned i = 0; i < NPKT; i++) {
		CHECK_EQ(STT_CAP_PACKET, stt_cap_next(c, &pkt));
		make_pkt(i, want, &len);
		CHECK_EQ(len, pkt.caplen);
		CHECK_EQ(len + 2, pkt.wirelen);
		CHECK_EQ(i + 1, pkt.number);
		uint64_t ts = ts0 + i * 1000000ull;
		CHECK_EQ(ts - ts % res_ns, pkt.ts_ns);
		CHECK(memcmp(want, pkt.data, len) == 0);
	}
	CHECK_EQ(STT_CAP_EOF, stt_cap_next(c, &pkt));
	CHECK_EQ(NPKT, stt_cap_count(c));
	stt_cap_close(c);
}

static void both_paths(const char *mapped, const char *libpcap, uint64_t res_ns)
{
	unsetenv("STT_CAP_NO_MAP");
	read_back(mapped, res_ns);
	setenv("STT_CAP_NO_MAP", "1", 1);
	read_back(libpcap, res_ns);
	unsetenv("STT_CAP_NO_MAP");
}

/* Open path with opts, read to the end; returns packets, *res the result
 * that ended it, err the error line. */
static unsigned drain(const struct stt_cap_opts *o, enum stt_cap_result *res, char *err,
		      size_t *last_caplen)
{
	char oerr[STT_CAP_ERRLEN];
	struct stt_cap_pkt pkt;
	unsigned n = 0;
	struct stt_cap *c = stt_cap_open_file(path, o, oerr);
	if (!c) {
		snprintf(err, STT_CAP_ERRLEN, "%s", oerr);
		*res = STT_CAP_ERROR;
		return 0;
	}
	while ((*res = stt_cap_next(c, &pkt)) == STT_CAP_PACKET) {
		n++;
		*last_caplen = pkt.caplen;
	}
	snprintf(err, STT_CAP_ERRLEN, "%s", stt_cap_error(c));
	stt_cap_close(c);
	return n;
}

int main(void)
{
	char err_m[STT_CAP_ERRLEN], err_l[STT_CAP_ERRLEN];
	enum stt_cap_result r_m, r_l;
	size_t cl_m = 0, cl_l = 0;

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 2;
	}

	check_test("write microsecond pcap");
	CHECK_EQ(0, write_file("us.pcap", 0));
	both_paths("read microsecond pcap, mapped", "read microsecond pcap, libpcap", 1000);

	check_test("write nanosecond pcap");
	CHECK_EQ(0, write_file("ns.pcap", STT_CAPW_NANO));
	both_paths("read nanosecond pcap, mapped", "read nanosecond pcap, libpcap", 1);

	check_test("snaplen cut and filter, both paths");
	struct stt_cap_opts o = { .snaplen = 61, .filter = "len >= 63" };
	unsigned n_m = drain(&o, &r_m, err_m, &cl_m);
	setenv("STT_CAP_NO_MAP", "1", 1);
	unsigned n_l = drain(&o, &r_l, err_l, &cl_l);
	unsetenv("STT_CAP_NO_MAP");
	/* wire lengths 62..66: "len >= 63" keeps four; caplen cut to 61 */
	CHECK_EQ(4, n_m);
	CHECK_EQ(4, n_l);
	CHECK_EQ(61, cl_m);
	CHECK_EQ(61, cl_l);
	CHECK_EQ(STT_CAP_EOF, r_m);

	check_test("bad filter names the file");
	struct stt_cap_opts bad = { .filter = "tcp port (" };
	drain(&bad, &r_m, err_m, &cl_m);
	CHECK_EQ(STT_CAP_ERROR, r_m);
	CHECK(strstr(err_m, "ns.pcap: bad filter expression") != NULL);

	check_test("truncated file: same error from both paths");
	FILE *f = fopen(path, "r+b");
	CHECK(f != NULL);
	if (f) {
		CHECK_EQ(0, ftruncate(fileno(f), 24 + 3 * 16 + 60 + 61 + 62 + 7));
		fclose(f);
	}
	n_m = drain(NULL, &r_m, err_m, &cl_m);
	setenv("STT_CAP_NO_MAP", "1", 1);
	n_l = drain(NULL, &r_l, err_l, &cl_l);
	unsetenv("STT_CAP_NO_MAP");
	CHECK_EQ(3, n_m);
	CHECK_EQ(3, n_l);
	CHECK_EQ(STT_CAP_ERROR, r_m);
	CHECK_EQ(STT_CAP_ERROR, r_l);
	CHECK(strcmp(err_m, err_l) == 0);
	CHECK(strstr(err_m, "truncated dump file; tried to read 16 header bytes, only got 7 "
			    "(after packet 3)") != NULL);
	if (strcmp(err_m, err_l) != 0)
		fprintf(stderr, "mapped: %s\nlibpcap: %s\n", err_m, err_l);

	check_test("missing file names the file");
	snprintf(path, sizeof(path), "%s/none.pcap", dir);
	drain(NULL, &r_m, err_m, &cl_m);
	CHECK_EQ(STT_CAP_ERROR, r_m);
	CHECK(strstr(err_m, "none.pcap: No such file") != NULL);

	check_test("writer reports an unwritable path");
	snprintf(path, sizeof(path), "%s/no/such/dir.pcap", dir);
	CHECK(stt_capw_open(path, 1, 0, 0, err_m) == NULL);
	CHECK(strstr(err_m, "dir.pcap: No such file") != NULL);

	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return check_done();
}
