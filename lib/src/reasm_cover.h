/* Coverage of one reassembly chunk: a word-level bitmap of the bytes held
 * beside the bytes themselves. Internal to reasm*.c. */
#ifndef STT_REASM_COVER_H
#define STT_REASM_COVER_H

#include <stddef.h>
#include <stdint.h>

/* 2 KiB chunks: a 1-byte segment costs an attacker a 2.3 KiB charge at
 * most, and a 64 KB frame needs 32 of them. */
#define REASM_CHUNK_SHIFT 11
#define REASM_CHUNK_SIZE (1u << REASM_CHUNK_SHIFT)
#define REASM_CHUNK_WORDS (REASM_CHUNK_SIZE / 64)
#define REASM_MAX_CHUNKS ((65535u >> REASM_CHUNK_SHIFT) + 1)

struct reasm_chunk {
	union {
		uint64_t bits[REASM_CHUNK_WORDS]; /* bit i: data[i] held */
		struct reasm_chunk *next_free;	  /* while on the free list */
	} u;
	uint8_t data[REASM_CHUNK_SIZE];
};

/* Result of merging a piece into a chunk. */
#define REASM_COVER_CONFLICT (-1)

/* Merge src[0, hi - lo) into chunk bytes [lo, hi): bytes not held are
 * copied and marked; bytes held are compared. Returns the number of new
 * bytes, or REASM_COVER_CONFLICT as soon as a held byte differs (the chunk
 * is then half-updated: the caller discards the frame). O(hi - lo) with
 * word-sized steps over the bitmap. */
int reasm_cover_merge(struct reasm_chunk *c, unsigned lo, unsigned hi, const uint8_t *src);

#endif
