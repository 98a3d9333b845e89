/* The liveness probe of a wire run: an ICMP echo request to an inner
 * address behind the target, inside a well-formed STT frame, and the
 * echo reply that must come back encapsulated (or the request itself,
 * from a target that echoes frames back, like stt-recv --echo). The probe
 * also answers ARP for our inner address, so that the far host can reply. */
#ifndef STT_FUZZ_PROBE_H
#define STT_FUZZ_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "stt/io.h"
#include "stt/wire.h"

struct fz_probe_cfg {
	struct stt_underlay *u;
	struct stt_addr local, target;
	uint8_t mac[6], target_mac[6];
	uint16_t port;
	uint64_t context;
	struct stt_addr inner_src, inner_target; /* IPv4 */
	uint64_t seed;
};

struct fz_probe;
struct fz_probe *fz_probe_new(const struct fz_probe_cfg *cfg);
void fz_probe_free(struct fz_probe *p);
/* Handle what has arrived (ARP requests, replies); never blocks. */
void fz_probe_pump(struct fz_probe *p);
/* One echo request; true when its reply came back within timeout_s. */
bool fz_probe_once(struct fz_probe *p, double timeout_s);

#endif
