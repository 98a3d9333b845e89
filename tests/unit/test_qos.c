/* Tunnel QoS: the RFC 6040 decapsulation table cell by cell (against a
 * table written out here from the RFC, not computed), encapsulation in
 * normal and compatibility mode, both RFC 2983 DSCP models, and parsing. */
#include <string.h>

#include "check.h"
#include "stt/qos.h"

#define DROP (-1)

/* RFC 6040 Figure 4, rows = inner, columns = outer, in the order
 * Not-ECT, ECT(0), ECT(1), CE. */
static const uint8_t order[4] = { STT_ECN_NOT_ECT, STT_ECN_ECT0, STT_ECN_ECT1, STT_ECN_CE };
static const int rfc6040[4][4] = {
	/* Not-ECT inner */ { STT_ECN_NOT_ECT, STT_ECN_NOT_ECT, STT_ECN_NOT_ECT, DROP },
	/* ECT(0) inner */ { STT_ECN_ECT0, STT_ECN_ECT0, STT_ECN_ECT1, STT_ECN_CE },
	/* ECT(1) inner */ { STT_ECN_ECT1, STT_ECN_ECT1, STT_ECN_ECT1, STT_ECN_CE },
	/* CE inner */ { STT_ECN_CE, STT_ECN_CE, STT_ECN_CE, STT_ECN_CE },
};

static void test_ecn_decap_table(void)
{
	check_test("ecn: RFC 6040 decapsulation, all 16 cells");
	for (int r = 0; r < 4; r++)
		for (int c = 0; c < 4; c++)
			CHECK_EQ(rfc6040[r][c], stt_ecn_decap(order[r], order[c]));

	check_test("ecn: the same table through stt_qos_decap (first-segment outer)");
	struct stt_qos q = { .dscp_model = STT_DSCP_PIPE };
	for (int r = 0; r < 4; r++) {
		for (int c = 0; c < 4; c++) {
			uint8_t out = 0xff;
			int rc = stt_qos_decap(&q, stt_tos_make(10, order[r]), stt_tos_make(46, order[c]),
					       false, &out);
			if (rfc6040[r][c] == DROP) {
				CHECK_EQ(-1, rc);
			} else {
				CHECK_EQ(0, rc);
				CHECK_EQ(stt_tos_make(10, (uint8_t)rfc6040[r][c]), out);
			}
		}
	}

	check_test("ecn: CE on any segment counts as CE for the frame");
	for (int r = 0; r < 4; r++) {
		for (int c = 0; c < 4; c++) {
			uint8_t out = 0xff;
			int rc = stt_qos_decap(&q, stt_tos_make(0, order[r]), stt_tos_make(0, order[c]),
					       true, &out);
			if (rfc6040[r][3] == DROP) {
				CHECK_EQ(-1, rc);
			} else {
				CHECK_EQ(0, rc);
				CHECK_EQ(rfc6040[r][3], stt_tos_ecn(out));
			}
		}
	}
}

static void test_ecn_encap(void)
{
	struct stt_qos q = { .dscp_model = STT_DSCP_UNIFORM, .ecn_mode = STT_ECN_NORMAL };

	check_test("ecn: normal mode copies the inner ECN, CE as CE");
	for (int i = 0; i < 4; i++)
		CHECK_EQ(order[i], stt_tos_ecn(stt_qos_encap(&q, true, stt_tos_make(0, order[i]))));
	CHECK_EQ(STT_ECN_CE, stt_tos_ecn(stt_qos_encap(&q, true, 0x03)));

	check_test("ecn: compatibility mode sends Not-ECT");
	q.ecn_mode = STT_ECN_COMPAT;
	for (int i = 0; i < 4; i++)
		CHECK_EQ(STT_ECN_NOT_ECT,
			 stt_tos_ecn(stt_qos_encap(&q, true, stt_tos_make(0, order[i]))));

	check_test("ecn: a non-IP payload is Not-ECT, DSCP 0 under uniform");
	q.ecn_mode = STT_ECN_NORMAL;
	CHECK_EQ(0, stt_qos_encap(&q, false, 0xbb));
}

static void test_dscp(void)
{
	struct stt_qos q = { .dscp_model = STT_DSCP_UNIFORM };
	uint8_t out;

	check_test("dscp: uniform copies inner DSCP out, every value");
	for (unsigned d = 0; d < 64; d++)
		CHECK_EQ(d, stt_tos_dscp(stt_qos_encap(&q, true, stt_tos_make((uint8_t)d, 0))));

	check_test("dscp: uniform copies the first segment's DSCP back in");
	for (unsigned d = 0; d < 64; d++) {
		CHECK_EQ(0, stt_qos_decap(&q, stt_tos_make(0, STT_ECN_ECT0),
					  stt_tos_make((uint8_t)d, STT_ECN_ECT0), false, &out));
		CHECK_EQ(stt_tos_make((uint8_t)d, STT_ECN_ECT0), out);
	}

	check_test("dscp: pipe sets the outer DSCP to the policy value");
	q.dscp_model = STT_DSCP_PIPE;
	q.pipe_dscp = 46;
	for (unsigned d = 0; d < 64; d++)
		CHECK_EQ(46, stt_tos_dscp(stt_qos_encap(&q, true, stt_tos_make((uint8_t)d, 0))));
	CHECK_EQ(46, stt_tos_dscp(stt_qos_encap(&q, false, 0)));

	check_test("dscp: pipe leaves the inner DSCP alone at decapsulation");
	for (unsigned d = 0; d < 64; d++) {
		CHECK_EQ(0, stt_qos_decap(&q, stt_tos_make((uint8_t)d, STT_ECN_NOT_ECT),
					  stt_tos_make(46, STT_ECN_NOT_ECT), false, &out));
		CHECK_EQ(stt_tos_make((uint8_t)d, STT_ECN_NOT_ECT), out);
	}
}

static void test_parse(void)
{
	struct stt_qos q;

	check_test("parse: uniform, pipe:N, normal, compat");
	memset(&q, 0, sizeof(q));
	q.dscp_model = STT_DSCP_PIPE;
	CHECK_EQ(0, stt_qos_parse_dscp("uniform", &q));
	CHECK_EQ(STT_DSCP_UNIFORM, q.dscp_model);
	CHECK_EQ(0, stt_qos_parse_dscp("pipe:46", &q));
	CHECK_EQ(STT_DSCP_PIPE, q.dscp_model);
	CHECK_EQ(46, q.pipe_dscp);
	CHECK_EQ(0, stt_qos_parse_dscp("pipe:0", &q));
	CHECK_EQ(0, q.pipe_dscp);
	CHECK_EQ(0, stt_qos_parse_dscp("pipe:63", &q));
	CHECK_EQ(63, q.pipe_dscp);
	CHECK_EQ(0, stt_qos_parse_ecn("compat", &q));
	CHECK_EQ(STT_ECN_COMPAT, q.ecn_mode);
	CHECK_EQ(0, stt_qos_parse_ecn("normal", &q));
	CHECK_EQ(STT_ECN_NORMAL, q.ecn_mode);

	check_test("parse: bad strings rejected, settings untouched");
	static const char *bad_dscp[] = { "", "pipe", "pipe:", "pipe:64", "pipe:-1", "pipe:+5",
					  "pipe: 5", "pipe:5x", "pipe:99999999999999999999",
					  "Uniform", "uniform ", "pipe:0x10", "pip:4" };
	q.dscp_model = STT_DSCP_PIPE;
	q.pipe_dscp = 12;
	for (size_t i = 0; i < sizeof(bad_dscp) / sizeof(bad_dscp[0]); i++) {
		CHECK_EQ(-1, stt_qos_parse_dscp(bad_dscp[i], &q));
		CHECK_EQ(STT_DSCP_PIPE, q.dscp_model);
		CHECK_EQ(12, q.pipe_dscp);
	}
	CHECK_EQ(-1, stt_qos_parse_dscp(NULL, &q));
	static const char *bad_ecn[] = { "", "Normal", "compatibility", "pipe:1" };
	for (size_t i = 0; i < sizeof(bad_ecn) / sizeof(bad_ecn[0]); i++)
		CHECK_EQ(-1, stt_qos_parse_ecn(bad_ecn[i], &q));
	CHECK_EQ(-1, stt_qos_parse_ecn(NULL, &q));
}

int main(void)
{
	test_ecn_decap_table();
	test_ecn_encap();
	test_dscp();
	test_parse();
	return check_done();
}
