/* stt-tunnel: the pieces of one running tunnel, shared by its files. */
#ifndef STT_TUNNEL_H
#define STT_TUNNEL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "stt/endpoint.h"
#include "stt/io.h"
#include "stt/qos.h"

#define TUN_MAX_CONTEXTS 16
#define TUN_MAX_PEERS 16

struct tun_context_opt {
	uint64_t id;
	char tap[32];
	unsigned mtu;		/* 0: the global --mtu */
	uint64_t peer_mask;	/* bit i = peer i; 0 = every peer */
};

struct tun_opts {
	struct stt_addr local;
	uint16_t port;
	char iface[64];
	enum stt_io_backend backend;
	struct stt_qos qos;
	bool tso;
	bool firewall;
	unsigned mtu;		/* TAP MTU default */
	struct stt_addr peers[TUN_MAX_PEERS];
	unsigned npeers;
	struct tun_context_opt ctxs[TUN_MAX_CONTEXTS];
	unsigned nctxs;
	double stats_interval;	/* --stats-json seconds, 0 = off */
	char stats_file[256];
	bool quiet;
};

/* config.c: --config FILE.json into opts (adds to what is there). Returns
 * 0, or -1 after printing "FILE: field: problem". */
int tun_config_load(const char *path, struct tun_opts *o);

/* run.c: set up devices, loop until SIGINT/SIGTERM, tear down. Returns
 * the exit code. */
int tun_run(const struct tun_opts *o);

/* stats.c */
void tun_stats_print(FILE *f, struct stt_endpoint *ep, struct stt_underlay *u);
int tun_stats_json(FILE *f, struct stt_endpoint *ep, struct stt_underlay *u, double uptime_s);

#endif
