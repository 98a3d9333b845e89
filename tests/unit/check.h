/* A tiny test harness: CHECK() records a failure with file:line and the
 * expression, CHECK_EQ() prints "expected X, got Y"; main returns
 * check_done(), non-zero if anything failed. One "TEST: name [ OK ]" line
 * per check_test() block, as the kernel selftests print. */
#ifndef STT_TEST_CHECK_H
#define STT_TEST_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

static int check_failures;
static int check_test_failures;
static const char *check_test_name;

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "%s:%d: %s: check failed: %s\n", __FILE__, __LINE__,     \
				check_test_name ? check_test_name : "-", #cond);                  \
			check_failures++;                                                  \
			check_test_failures++;                                             \
		}                                                                          \
	} while (0)

#define CHECK_EQ(expected, got)                                                            \
	do {                                                                               \
		long long check_e_ = (long long)(expected), check_g_ = (long long)(got);   \
		if (check_e_ != check_g_) {                                                \
			fprintf(stderr, "%s:%d: %s: %s: expected %lld, got %lld\n", __FILE__,     \
				__LINE__, check_test_name ? check_test_name : "-", #got, check_e_, \
				check_g_);                                                         \
			check_failures++;                                                  \
			check_test_failures++;                                             \
		}                                                                          \
	} while (0)

static inline void check_test_end(void)
{
	if (check_test_name)
		printf("TEST: %-60s [%s]\n", check_test_name, check_test_failures ? "FAIL" : " OK ");
	check_test_name = NULL;
	check_test_failures = 0;
}

static inline void check_test(const char *name)
{
	check_test_end();
	check_test_name = name;
}

static inline int check_done(void)
{
	check_test_end();
	return check_failures ? 1 : 0;
}

#endif
