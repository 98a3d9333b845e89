/* Tunnel QoS (draft 3.3.1): DSCP per RFC 2983 (uniform / pipe), ECN per
 * RFC 6040 (normal / compatibility on encapsulation, the full table on
 * decapsulation). TOS bytes are DSCP << 2 | ECN. */
#ifndef STT_QOS_H
#define STT_QOS_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define STT_ECN_NOT_ECT 0
#define STT_ECN_ECT1 1
#define STT_ECN_ECT0 2
#define STT_ECN_CE 3

static inline uint8_t stt_tos_dscp(uint8_t tos) { return tos >> 2; }
static inline uint8_t stt_tos_ecn(uint8_t tos) { return tos & 3; }
static inline uint8_t stt_tos_make(uint8_t dscp, uint8_t ecn) { return (uint8_t)((dscp << 2) | (ecn & 3)); }

enum stt_dscp_model { STT_DSCP_UNIFORM = 0, STT_DSCP_PIPE };
enum stt_ecn_mode { STT_ECN_NORMAL = 0, STT_ECN_COMPAT };

struct stt_qos {
	enum stt_dscp_model dscp_model;
	uint8_t pipe_dscp; /* outer DSCP under the pipe model */
	enum stt_ecn_mode ecn_mode;
};

/* Outer TOS for an inner TOS (inner_is_ip false: non-IP payload, treated as
 * DSCP 0 / Not-ECT under uniform). */
uint8_t stt_qos_encap(const struct stt_qos *q, bool inner_is_ip, uint8_t inner_tos);

/* RFC 6040 decapsulation of the ECN field alone: returns the new inner ECN,
 * or -1 when the frame must be dropped (outer CE over Not-ECT inner). */
int stt_ecn_decap(uint8_t inner_ecn, uint8_t outer_ecn);

/* New inner TOS at decapsulation. outer_first_tos: the offset-0 segment's
 * outer TOS; any_ce: some segment carried CE (counts as CE for the frame).
 * Returns 0 and sets *new_tos, or -1 for the RFC 6040 drop case. */
int stt_qos_decap(const struct stt_qos *q, uint8_t inner_tos, uint8_t outer_first_tos, bool any_ce,
		  uint8_t *new_tos);

/* Parse "uniform" or "pipe:N" (N = DSCP 0-63). Returns 0 or -1. */
int stt_qos_parse_dscp(const char *s, struct stt_qos *q);
/* Parse "normal" or "compat". Returns 0 or -1. */
int stt_qos_parse_ecn(const char *s, struct stt_qos *q);

#ifdef __cplusplus
}
#endif
#endif
