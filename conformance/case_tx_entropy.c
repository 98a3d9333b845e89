/* tx.flow-entropy in active mode: draw the target's answers on many inner
 * flows, so that the source-port spread of its transmissions can be
 * judged (txan_flows.c does the judging, passive mode included). One
 * active run otherwise sees two inner flows (ICMP and ARP), too few to
 * tell a hash from a constant.
 *
 * Each flow is an inner TCP SYN from another source port of ours to the
 * inner target: a host answers it (RST from a closed port, SYN-ACK from an
 * open one) on the same flow reversed; stt-recv --echo returns the SYN
 * itself. Either way each of our flows comes back as a flow of its own. */
#include <string.h>

#include "active_int.h"
#include "stt/csum.h"
#include "stt/cursor.h"

#define FLOW_DPORT 9 /* discard: closed on most hosts, so the answer is an RST */

/* Inner Ethernet + IPv4 + TCP SYN from our port sport; returns its length. */
static size_t inner_syn(struct cf_active *a, uint8_t *b, uint16_t sport, uint16_t ip_id)
{
	memcpy(b, a->inner_dst_mac, 6);
	memcpy(b + 6, a->o->inner_mac, 6);
	stt_put_be16(b + 12, 0x0800);
	uint8_t *ip = b + 14;
	memset(ip, 0, 40);
	ip[0] = 0x45;
	stt_put_be16(ip + 2, 40);
	stt_put_be16(ip + 4, ip_id);
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, a->inner_src.a, 4);
	memcpy(ip + 16, a->o->inner_target.a, 4);
	stt_put_be16(ip + 10, stt_csum_ipv4_hdr(ip, 20));
	uint8_t *tcp = ip + 20;
	stt_put_be16(tcp, sport);
	stt_put_be16(tcp + 2, FLOW_DPORT);
	stt_put_be32(tcp + 4, 0x53540000u + sport); /* any ISN */
	tcp[12] = 5 << 4;
	tcp[13] = STT_TCP_SYN;
	stt_put_be16(tcp + 14, 64240);
	stt_put_be16(tcp + 16, stt_csum_l4(&a->inner_src, &a->o->inner_target, 6, tcp, 20));
	return 14 + 40;
}

bool cf_flow_answer(struct cf_active *a, const struct stt_inner *in)
{
	if (!a->flow_base || !in->is_ipv4 || in->l4_proto != 6)
		return false;
	uint16_t ours;
	if (stt_addr_eq(&in->ip_src, &a->o->inner_target) && stt_addr_eq(&in->ip_dst, &a->inner_src) &&
	    in->sport == FLOW_DPORT)
		ours = in->dport; /* the host's answer */
	else if (stt_addr_eq(&in->ip_src, &a->inner_src) &&
		 stt_addr_eq(&in->ip_dst, &a->o->inner_target) && in->dport == FLOW_DPORT)
		ours = in->sport; /* our SYN, echoed */
	else
		return false;
	if (ours < a->flow_base || ours >= a->flow_base + CF_ENTROPY_FLOWS)
		return false;
	if (!a->flow_answered[ours - a->flow_base]) {
		a->flow_answered[ours - a->flow_base] = 1;
		a->flows_answered++;
	}
	return true;
}

void cf_tx_flow_entropy(struct cf_active *a, const struct cf_case *c)
{
	(void)c;
	struct cf_probe *p = &a->scratch;
	uint8_t inner[128];
	/* Our source ports: a block below the ephemeral range, so that they
	 * cannot be mistaken for the target's outer ports. */
	a->flow_base = 33000;
	memset(a->flow_answered, 0, sizeof(a->flow_answered));
	a->flows_answered = 0;
	for (unsigned i = 0; i < CF_ENTROPY_FLOWS; i++) {
		size_t ilen = inner_syn(a, inner, (uint16_t)(a->flow_base + i), (uint16_t)(0x4600 + i));
		memset(&p->h, 0, sizeof(p->h));
		p->h.flags = STT_F_IPV4 | STT_F_TCP;
		p->h.context_id = a->o->context;
		p->len = stt_frame_build(&p->h, inner, ilen, p->frame, sizeof(p->frame));
		if (!p->len)
			return;
		cf_tmpl(a, &p->t, inner, ilen);
		cf_send_probe(a, p, 1400);
		if (i % 16 == 15)
			cf_wait(a, -1, 1); /* take the answers in as they come */
	}
	uint64_t end = stt_io_now_ns() + (uint64_t)a->o->wait_ms * 1000000ull;
	while (a->flows_answered < CF_ENTROPY_FLOWS && stt_io_now_ns() < end)
		cf_wait(a, -1, 20);
	cf_report_stat_num(a->r, "tx.entropy_flows_answered", (double)a->flows_answered);
	if (a->flows_answered < CF_ENTROPY_MIN_FLOWS)
		cf_report_skip_reason(a->r, "STT-3.2-SPORT-ENTROPY",
				      "only %u of %u inner TCP flows to port %u were answered (%u needed)",
				      a->flows_answered, CF_ENTROPY_FLOWS, FLOW_DPORT, CF_ENTROPY_MIN_FLOWS);
}
