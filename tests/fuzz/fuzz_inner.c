/* Fuzz target: the inner frame decoder and its one-line summary.
 * Invariants: offsets stay inside the frame; the summary is always
 * NUL-terminated within the buffer, its return value is the length it
 * wanted, and a truncated summary is a prefix of the full one. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stt/inner.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_inner: invariant failed: %s\n", what);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int flag_sets[] = { 0, STT_SUM_LINK, STT_SUM_QUIET,
					 STT_SUM_LINK | STT_SUM_QUIET | STT_SUM_NUMERIC };
	struct stt_inner in;
	char full[2048], small[24];

	stt_inner_decode(data, size, &in);
	if (in.l3_off > size || in.l4_off > size)
		fail("offset beyond the frame");
	if (in.n_vlans > STT_INNER_MAX_VLANS)
		fail("too many VLAN tags");
	for (size_t i = 0; i < sizeof(flag_sets) / sizeof(flag_sets[0]); i++) {
		size_t want = stt_inner_summary(data, size, &in, flag_sets[i], full, sizeof(full));
		size_t got = strnlen(full, sizeof(full));
		size_t want_small;

		if (got == sizeof(full))
			fail("summary not NUL-terminated");
		if (want < sizeof(full) && got != want)
			fail("summary length differs from the return value");
		want_small = stt_inner_summary(data, size, &in, flag_sets[i], small, sizeof(small));
		if (want_small != want)
			fail("return value depends on the buffer size");
		if (strnlen(small, sizeof(small)) == sizeof(small))
			fail("small summary not NUL-terminated");
		if (want < sizeof(full) && strncmp(small, full, strlen(small)) != 0)
			fail("truncated summary is not a prefix");
		stt_inner_summary(data, size, &in, flag_sets[i], NULL, 0);
	}
	return 0;
}
