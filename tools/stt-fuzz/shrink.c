/* Delta debugging (Zeller's ddmin, the complement-only variant): try to
 * drop chunks of the kept segments, halving the chunk size when no chunk
 * can go, until single segments cannot go either. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

unsigned fz_shrink(unsigned n, bool *keep, fz_still_fails_fn fn, void *ctx, unsigned max_trials)
{
	unsigned *idx = malloc((n ? n : 1) * sizeof(*idx));
	bool *trial = malloc(n ? n : 1);
	unsigned kept = 0, trials = 0, chunks = 2;

	if (!idx || !trial) {
		free(idx);
		free(trial);
		return n;
	}
	for (unsigned i = 0; i < n; i++)
		if (keep[i])
			idx[kept++] = i;
	while (kept > 1) {
		bool removed = false;
		unsigned size = (kept + chunks - 1) / chunks;

		for (unsigned start = 0; start < kept; start += size) {
			if (max_trials && trials >= max_trials)
				goto out;
			unsigned end = start + size < kept ? start + size : kept;
			memcpy(trial, keep, n);
			for (unsigned j = start; j < end; j++)
				trial[idx[j]] = false;
			trials++;
			if (fn(ctx, trial)) {
				memcpy(keep, trial, n);
				memmove(idx + start, idx + end, (kept - end) * sizeof(*idx));
				kept -= end - start;
				removed = true;
				break;
			}
		}
		if (removed) {
			if (chunks > 2)
				chunks--;
		} else {
			if (size == 1)
				break;
			chunks = chunks * 2 < kept ? chunks * 2 : kept;
		}
	}
out:
	free(idx);
	free(trial);
	return kept;
}
