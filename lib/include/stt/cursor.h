/* Bounds-checked reads from packet bytes.
 *
 * Every byte libstt reads from a packet goes through these accessors, in
 * the spirit of tcpdump's GET_U_1/ND_TCHECK: a read past the end never
 * touches memory, it returns 0 and latches `err`, so a parser can do a run
 * of reads and check once. */
#ifndef STT_CURSOR_H
#define STT_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct stt_cur {
	const uint8_t *p;
	size_t len;
	size_t off;
	bool err; /* latched: some read ran past len */
};

static inline struct stt_cur stt_cur_make(const uint8_t *p, size_t len)
{
	struct stt_cur c = { p, len, 0, false };
	return c;
}

static inline size_t stt_cur_left(const struct stt_cur *c)
{
	return c->off <= c->len ? c->len - c->off : 0;
}

static inline bool stt_cur_has(const struct stt_cur *c, size_t n)
{
	return !c->err && stt_cur_left(c) >= n;
}

/* Pointer to the next n bytes, or NULL (and err set) if fewer remain. */
static inline const uint8_t *stt_cur_take(struct stt_cur *c, size_t n)
{
	if (!stt_cur_has(c, n)) {
		c->err = true;
		return NULL;
	}
	const uint8_t *r = c->p + c->off;
	c->off += n;
	return r;
}

static inline bool stt_cur_skip(struct stt_cur *c, size_t n)
{
	return stt_cur_take(c, n) != NULL;
}

static inline uint8_t stt_get_u8(struct stt_cur *c)
{
	const uint8_t *b = stt_cur_take(c, 1);
	return b ? b[0] : 0;
}

static inline uint16_t stt_get_be16(struct stt_cur *c)
{
	const uint8_t *b = stt_cur_take(c, 2);
	return b ? (uint16_t)((b[0] << 8) | b[1]) : 0;
}

static inline uint32_t stt_get_be32(struct stt_cur *c)
{
	const uint8_t *b = stt_cur_take(c, 4);
	return b ? ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) |
			   ((uint32_t)b[2] << 8) | b[3]
		 : 0;
}

static inline uint64_t stt_get_be64(struct stt_cur *c)
{
	uint64_t hi = stt_get_be32(c);
	uint64_t lo = stt_get_be32(c);
	return (hi << 32) | lo;
}

/* Peek without consuming; 0 if out of range (and err NOT latched). */
static inline uint8_t stt_peek_u8(const struct stt_cur *c, size_t at)
{
	return (!c->err && c->off + at < c->len) ? c->p[c->off + at] : 0;
}

/* Big-endian stores for encoders writing into buffers they sized. */
static inline void stt_put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void stt_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void stt_put_be64(uint8_t *p, uint64_t v)
{
	stt_put_be32(p, (uint32_t)(v >> 32));
	stt_put_be32(p + 4, (uint32_t)v);
}

#endif
