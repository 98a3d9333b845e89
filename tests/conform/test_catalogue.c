/* The catalogue is closed over the compiled tables: every requirement in
 * libstt's catalogue is checked by at least one stt-conform case, every
 * case checks at least one requirement, every requirement ID a case names
 * exists, and every check that enforces a requirement is reported by some
 * transmit-side case. */
#include <string.h>

#include "check.h"
#include "conform.h"

int main(void)
{
	check_test("every requirement has a case");
	for (size_t i = 0; i < stt_requirement_count(); i++) {
		const struct stt_requirement *q = stt_requirement_at(i);
		size_t n = 0;
		for (size_t j = 0; j < cf_case_count(); j++)
			n += cf_case_covers(cf_case_at(j), q->id);
		if (!n)
			fprintf(stderr, "requirement %s has no case\n", q->id);
		CHECK(n > 0);
	}

	check_test("every case has a requirement");
	for (size_t j = 0; j < cf_case_count(); j++) {
		const struct cf_case *c = cf_case_at(j);
		size_t n = 0;
		for (size_t i = 0; i < stt_requirement_count(); i++)
			n += cf_case_covers(c, stt_requirement_at(i)->id);
		if (!n)
			fprintf(stderr, "case %s checks no requirement\n", c->name);
		CHECK(n > 0);
	}

	check_test("requirement IDs named by cases exist");
	for (size_t j = 0; j < cf_case_count(); j++) {
		const struct cf_case *c = cf_case_at(j);
		for (const char *const *q = c->reqs; q && *q; q++) {
			if (!stt_requirement_find(*q))
				fprintf(stderr, "case %s names unknown requirement %s\n", c->name, *q);
			CHECK(stt_requirement_find(*q) != NULL);
		}
	}

	check_test("every enforcing check belongs to a tx case");
	for (unsigned k = 0; k < STT_CHK__COUNT; k++) {
		const struct stt_check_def *d = stt_check_def((enum stt_check)k);
		CHECK(d != NULL);
		if (!d || !d->req_id)
			continue;
		CHECK(stt_requirement_find(d->req_id) != NULL);
		size_t n = 0;
		for (size_t j = 0; j < cf_case_count(); j++)
			n += (cf_case_at(j)->mode & CF_MODE_TX) &&
			     cf_case_has_check(cf_case_at(j), (enum stt_check)k);
		if (n != 1)
			fprintf(stderr, "check %s is in %zu tx cases (want 1)\n", d->name, n);
		CHECK_EQ(1, n);
	}

	check_test("case names are unique and rx cases can run");
	for (size_t j = 0; j < cf_case_count(); j++) {
		const struct cf_case *c = cf_case_at(j);
		CHECK(cf_case_find(c->name) == c);
		CHECK(c->mode == CF_MODE_TX || c->mode == CF_MODE_RX);
		if (c->mode == CF_MODE_RX)
			CHECK(c->run != NULL);
		else
			CHECK(c->checks != NULL || c->reqs != NULL);
	}

	check_test("a case missing its requirement is detected");
	/* The coverage test above must be able to fail: a requirement no case
	 * names is found uncovered. */
	for (size_t j = 0; j < cf_case_count(); j++)
		CHECK(!cf_case_covers(cf_case_at(j), "STT-NO-SUCH-REQUIREMENT"));

	check_test("chi-square of the source-port spread");
	uint64_t even[16], skew[16] = { 0 };
	for (int i = 0; i < 16; i++)
		even[i] = 10;
	skew[3] = 160;
	CHECK(cf_chi_square16(even, 160) < 1e-9);
	CHECK(cf_chi_square16(skew, 160) > 2000.0); /* 15 * 160 = 2400 */
	CHECK_EQ(0, cf_sport_bucket(49152));
	CHECK_EQ(15, cf_sport_bucket(65535));
	return check_done();
}
