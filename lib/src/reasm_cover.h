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

/* Merge src[0, hi - lo) into data[lo, hi) whose coverage is bits: bytes
 * not held are copied and marked; bytes held are compared. Returns the
 * number of new bytes, or REASM_COVER_CONFLICT as soon as a held byte
 * differs (then half-updated: the caller discards the frame). O(hi - lo)
 * with word-sized steps over the bitmap. Serves a chunk (bits and data
 * of one chunk) and a flat frame (bits and data of the whole frame). */
int reasm_cover_merge(uint64_t *bits, uint8_t *data, unsigned lo, unsigned hi,
		      const uint8_t *src);

/* Mark bits [lo, hi) held (lo < hi). */
void reasm_cover_mark(uint64_t *bits, unsigned lo, unsigned hi);

#endif
