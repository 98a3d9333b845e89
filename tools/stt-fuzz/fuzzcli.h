/* stt-fuzz command-line options and the two modes. */
#ifndef STT_FUZZCLI_H
#define STT_FUZZCLI_H

#include <stdbool.h>
#include <stdint.h>

#include "fuzz.h"
#include "stt/wire.h"

struct fz_opts {
	bool local;
	const char *target;
	double duration;    /* seconds */
	uint64_t seed;
	uint64_t cases;	    /* 0: until --duration */
	bool one_case;	    /* --case N: only case N */
	uint64_t case_no;
	const char *out;
	enum fz_broken broken;
	bool quiet;
	/* wire */
	double rate;	    /* packets per second, 0: as fast as possible */
	const char *iface;
	uint64_t context;
	const char *inner_target;
	const char *inner_src;
	uint64_t probe_every;
	double probe_timeout; /* seconds */
	double recover_wait;  /* seconds */
	uint16_t port;
};

void fz_progress(const struct fz_opts *o, uint64_t cases, uint64_t start, uint64_t now,
		 const char *extra);
int fz_local(const struct fz_opts *o);
int fz_wire(const struct fz_opts *o);

#endif
