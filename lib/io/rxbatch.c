/* Receive-batch storage and the receive clock, shared by the underlay
 * backends (afpacket_linux.c, pcap_io.c): both hand out up to a batch of
 * packets per call, each copied or received into its own slot. */
#include <stdlib.h>
#include <time.h>

#include "io_internal.h"

uint64_t stt_io_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int stt_rxbatch_init(struct stt_rxbatch *b, unsigned want)
{
	b->n = want ? want : STT_IO_DEFAULT_BATCH;
	if (b->n > STT_IO_MAX_BATCH)
		b->n = STT_IO_MAX_BATCH;
	b->bufs = malloc((size_t)b->n * STT_IO_RX_BUF);
	return b->bufs ? 0 : -1;
}

void stt_rxbatch_free(struct stt_rxbatch *b)
{
	free(b->bufs);
	b->bufs = NULL;
}
