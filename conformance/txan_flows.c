/* Inner flows of the transmitted frames and the source-port spread
 * across them: distinct ports and a chi-square figure over 16 buckets. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "conform.h"
#include "stt/cursor.h"
#include "stt/qos.h"
#include "txan_int.h"

static uint64_t hash_bytes(const uint8_t *p, size_t n)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ull;
	}
	return h;
}

/* The inner flow a frame belongs to: addresses, protocol and ports for
 * IP, MAC addresses and EtherType otherwise. */
static void flow_key(const struct stt_inner *in, uint8_t key[FLOW_KEY_LEN])
{
	memset(key, 0, FLOW_KEY_LEN);
	if (in->is_ipv4 || in->is_ipv6) {
		key[0] = in->is_ipv4 ? 4 : 6;
		key[1] = in->l4_proto;
		memcpy(key + 2, in->ip_src.a, 16);
		memcpy(key + 18, in->ip_dst.a, 16);
		stt_put_be16(key + 34, in->sport);
		stt_put_be16(key + 36, in->dport);
	} else {
		key[0] = 1;
		memcpy(key + 2, in->src, 6);
		memcpy(key + 8, in->dst, 6);
		stt_put_be16(key + 14, in->ethertype);
	}
}

void cf_flow_add(struct cf_txan *t, const struct stt_inner *in, uint16_t sport)
{
	uint8_t key[FLOW_KEY_LEN];
	flow_key(in, key);
	uint64_t h = hash_bytes(key, sizeof(key));
	for (size_t probe = 0; probe < MAX_FLOWS; probe++) {
		struct flow *fl = &t->flows[(h + probe) & (MAX_FLOWS - 1)];
		if (fl->used && !memcmp(fl->key, key, sizeof(key))) {
			fl->frames++;
			t->scope_n[SC_FLOW_MULTI]++;
			return;
		}
		if (!fl->used) {
			/* Keep the table at most 3/4 full so probes stay short. */
			if (t->n_flows >= MAX_FLOWS / 4 * 3) {
				t->flows_full = true;
				return;
			}
			fl->used = true;
			memcpy(fl->key, key, sizeof(key));
			fl->sport = sport;
			fl->frames = 1;
			t->n_flows++;
			return;
		}
	}
}

unsigned cf_sport_bucket(uint16_t sport)
{
	/* 16 buckets of 1024 ports over the position within a 16384-port
	 * window: the ephemeral range maps onto all of them. */
	return (sport % 16384u) / 1024u;
}

double cf_chi_square16(const uint64_t bucket[16], uint64_t n)
{
	if (!n)
		return 0.0;
	double e = (double)n / 16.0, chi = 0.0;
	for (unsigned i = 0; i < 16; i++) {
		double d = (double)bucket[i] - e;
		chi += d * d / e;
	}
	return chi;
}

static int cmp_u16(const void *a, const void *b)
{
	uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;
	return x < y ? -1 : x > y;
}

/* STT-3.2-SPORT-ENTROPY: the verdict is stricter than the statistic
 * (p = 0.001, 37.70 for 15 d.f.) so that a good hash WARNs once in a
 * thousand runs at most. Distinct ports: n hashed flows over a 16384-port
 * range collide little (about n * n / 32768 for small n), and even at
 * 49152 flows fill over 90% of the range, so fewer than half of
 * min(n, 16384) means the port does not depend on the flow. */
static void judge_entropy(struct cf_report *r, size_t n, size_t distinct, double chi)
{
	if (n < CF_ENTROPY_MIN_FLOWS) {
		cf_report_skip_reason(r, "STT-3.2-SPORT-ENTROPY",
				      "too few inner flows (%zu; %d needed: active mode draws them with tx.flow-entropy)",
				      n, CF_ENTROPY_MIN_FLOWS);
		return;
	}
	size_t range = n < 16384 ? n : 16384;
	if (distinct * 2 < range)
		cf_report_violation(r, "STT-3.2-SPORT-ENTROPY", "tx.flow-entropy", false,
				    "expected source ports spread over the inner flows, got %zu distinct "
				    "port%s for %zu flows",
				    distinct, distinct == 1 ? "" : "s", n);
	else if (chi > 37.70)
		cf_report_violation(r, "STT-3.2-SPORT-ENTROPY", "tx.flow-entropy", false,
				    "expected source ports uniform over 16 buckets, got chi-square %.1f "
				    "for %zu flows (15 d.f., p=0.001 at 37.70)",
				    chi, n);
	else
		cf_report_exercise(r, "STT-3.2-SPORT-ENTROPY", 1);
	const struct cf_result *x = cf_report_get(r, "STT-3.2-SPORT-ENTROPY");
	if (x && !x->violations)
		cf_report_note_pass(r, "STT-3.2-SPORT-ENTROPY",
				    "%zu distinct ports for %zu flows, chi-square %.1f", distinct, n, chi);
}

void cf_sport_stats(struct cf_txan *t)
{
	struct cf_report *r = t->r;
	uint64_t bucket[16] = { 0 };
	uint16_t *ports = malloc(sizeof(uint16_t) * (t->n_flows ? t->n_flows : 1));
	size_t n = 0;
	if (!ports)
		return;
	for (size_t i = 0; i < MAX_FLOWS; i++) {
		if (!t->flows[i].used)
			continue;
		ports[n++] = t->flows[i].sport;
		bucket[cf_sport_bucket(t->flows[i].sport)]++;
	}
	qsort(ports, n, sizeof(*ports), cmp_u16);
	size_t distinct = 0;
	for (size_t i = 0; i < n; i++)
		distinct += i == 0 || ports[i] != ports[i - 1];
	free(ports);
	cf_report_stat_num(r, "tx.inner_flows", (double)n);
	cf_report_stat_num(r, "tx.sport_distinct", (double)distinct);
	if (n) {
		double chi = cf_chi_square16(bucket, n);
		cf_report_stat_num(r, "tx.sport_chi2_16", (double)(long long)(chi * 100 + 0.5) / 100);
		/* 15 degrees of freedom: 30.58 is the p = 0.01 point. The test
		 * means something only when each bucket expects 5 or more. */
		if (n >= CF_ENTROPY_MIN_FLOWS)
			cf_report_stat(r, "tx.sport_spread", "%s (chi-square %.1f, 15 d.f., p=0.01 at 30.58)",
				       chi > 30.58 ? "not uniform" : "consistent with uniform", chi);
		else
			cf_report_stat(r, "tx.sport_spread",
				       "too few flows for a verdict (%zu; %d needed)", n,
				       CF_ENTROPY_MIN_FLOWS);
		judge_entropy(r, n, distinct, chi);
	} else {
		cf_report_skip_reason(r, "STT-3.2-SPORT-ENTROPY", "no inner flow seen");
	}
	if (t->flows_full)
		cf_report_note(r, "more than %d inner flows: source-port statistics cover the first ones",
			       MAX_FLOWS / 4 * 3);
}
