/* Tunnel QoS (draft 3.3.1): DSCP by the RFC 2983 uniform or pipe model,
 * ECN by RFC 6040 (normal / compatibility encapsulation, the full
 * decapsulation table with its drop case). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stt/qos.h"

uint8_t stt_qos_encap(const struct stt_qos *q, bool inner_is_ip, uint8_t inner_tos)
{
	/* a non-IP payload has no TOS: DSCP 0, Not-ECT */
	uint8_t tos = inner_is_ip ? inner_tos : 0;
	uint8_t dscp = q->dscp_model == STT_DSCP_PIPE ? (uint8_t)(q->pipe_dscp & 0x3f)
						      : stt_tos_dscp(tos);
	/* RFC 6040 4.1: normal mode copies the ECN field (CE included);
	 * compatibility mode sends Not-ECT. */
	uint8_t ecn = q->ecn_mode == STT_ECN_NORMAL ? stt_tos_ecn(tos) : STT_ECN_NOT_ECT;

	return stt_tos_make(dscp, ecn);
}

int stt_ecn_decap(uint8_t inner_ecn, uint8_t outer_ecn)
{
	inner_ecn &= 3;
	outer_ecn &= 3;
	/* RFC 6040 section 4.2, Figure 4 */
	if (inner_ecn == STT_ECN_NOT_ECT)
		return outer_ecn == STT_ECN_CE ? -1 : STT_ECN_NOT_ECT;
	if (outer_ecn == STT_ECN_CE || inner_ecn == STT_ECN_CE)
		return STT_ECN_CE;
	if (outer_ecn == STT_ECN_ECT1)
		return STT_ECN_ECT1; /* ECT(0) inner under ECT(1) outer becomes ECT(1) */
	return inner_ecn;
}

int stt_qos_decap(const struct stt_qos *q, uint8_t inner_tos, uint8_t outer_first_tos, bool any_ce,
		  uint8_t *new_tos)
{
	/* draft 3.3.1: CE on any segment is CE for the frame; otherwise the
	 * first segment's ECN stands for the frame */
	uint8_t outer_ecn = any_ce ? STT_ECN_CE : stt_tos_ecn(outer_first_tos);
	int ecn = stt_ecn_decap(stt_tos_ecn(inner_tos), outer_ecn);

	if (ecn < 0)
		return -1;
	/* uniform: the first segment's DSCP (draft 3.3.1); pipe: untouched */
	uint8_t dscp = q->dscp_model == STT_DSCP_UNIFORM ? stt_tos_dscp(outer_first_tos)
							 : stt_tos_dscp(inner_tos);
	*new_tos = stt_tos_make(dscp, (uint8_t)ecn);
	return 0;
}

int stt_qos_parse_dscp(const char *s, struct stt_qos *q)
{
	if (!s)
		return -1;
	if (strcmp(s, "uniform") == 0) {
		q->dscp_model = STT_DSCP_UNIFORM;
		return 0;
	}
	if (strncmp(s, "pipe:", 5) != 0)
		return -1;
	const char *num = s + 5;
	if (*num < '0' || *num > '9')
		return -1; /* no sign, no blank, not empty */
	char *end;
	errno = 0;
	unsigned long v = strtoul(num, &end, 10);
	if (errno || *end != '\0' || v > 63)
		return -1;
	q->dscp_model = STT_DSCP_PIPE;
	q->pipe_dscp = (uint8_t)v;
	return 0;
}

int stt_qos_parse_ecn(const char *s, struct stt_qos *q)
{
	if (!s)
		return -1;
	if (strcmp(s, "normal") == 0)
		q->ecn_mode = STT_ECN_NORMAL;
	else if (strcmp(s, "compat") == 0)
		q->ecn_mode = STT_ECN_COMPAT;
	else
		return -1;
	return 0;
}
