/* Fuzz target: the STT frame header decoder and the per-frame checks.
 * Invariants: decode accepts exactly the inputs of 18 bytes or more;
 * encode(decode(x)) gives back x's first 18 bytes; stt_check_frame on any
 * bytes emits only known checks with NUL-terminated details. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stt/checks.h"
#include "stt/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_frame_hdr: invariant failed: %s\n", what);
	abort();
}

static void on_finding(void *ctx, const struct stt_finding *f)
{
	unsigned *n = ctx;

	if ((unsigned)f->id >= STT_CHK__COUNT || !stt_check_def(f->id))
		fail("unknown check id");
	if (!memchr(f->detail, 0, sizeof(f->detail)))
		fail("detail not NUL-terminated");
	(*n)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stt_frame_hdr h;
	uint8_t out[STT_FRAME_HDR_LEN];
	int rc = stt_frame_hdr_decode(data, size, &h);
	unsigned findings = 0;

	if ((rc == 0) != (size >= STT_FRAME_HDR_LEN))
		fail("decode accepted a short header or refused a full one");
	if (rc != 0)
		return 0;
	stt_frame_hdr_encode(&h, out);
	if (memcmp(out, data, STT_FRAME_HDR_LEN) != 0)
		fail("encode(decode(x)) != x");

	if (size <= STT_MAX_FRAME_LEN) {
		struct stt_seg_rec rec = { .offset = 0, .len_lo = (uint16_t)size, .cookie = 1 };
		struct stt_reasm_frame f = {
			.data = data,
			.len = size,
			.nsegs = 1,
			.segs = &rec,
			.accepted_segs = 1,
			.have_first_tos = true,
		};

		f.key.src.family = f.key.dst.family = 4;
		stt_check_frame(&f, &h, NULL, on_finding, &findings);
		f.nsegs = 0;
		f.segs = NULL;
		stt_check_frame(&f, NULL, NULL, on_finding, &findings);
	}
	return 0;
}
