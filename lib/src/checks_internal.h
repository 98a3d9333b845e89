/* Helpers shared by the check files (checks_segment.c, checks_frame.c,
 * txcheck.c); not part of the public API. */
#ifndef STT_CHECKS_INTERNAL_H
#define STT_CHECKS_INTERNAL_H

#include <stdint.h>

#include "stt/checks.h"

/* Build a finding ("expected X, got Y" detail) and hand it to fn. */
__attribute__((format(printf, 5, 6))) void
stt_finding_emit(stt_finding_fn fn, void *ctx, enum stt_check id, uint32_t cookie,
		 const char *fmt, ...);

/* TCP flags as tcpdump prints them: "[P.]", "[none]". */
const char *stt_tcp_flags_str(uint8_t f, char buf[12]);

#endif
