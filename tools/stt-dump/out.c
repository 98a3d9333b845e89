/* The stdout buffer: text and JSON are appended here and written with
 * write(2) in large chunks, so printing a line costs a few stores rather
 * than a stdio call per field. */
#include "dump.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct out_buf g_out;

void out_init(size_t cap, bool line_buffered)
{
	g_out.buf = malloc(cap);
	if (!g_out.buf) {
		fprintf(stderr, "stt-dump: out of memory\n");
		exit(2);
	}
	g_out.cap = cap;
	g_out.len = 0;
	g_out.line_buffered = line_buffered;
}

void out_flush(void)
{
	size_t done = 0;
	while (done < g_out.len && !g_out.failed) {
		ssize_t n = write(STDOUT_FILENO, g_out.buf + done, g_out.len - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* EPIPE (| head) and friends: stop writing, not reading. */
			g_out.failed = true;
			break;
		}
		done += (size_t)n;
	}
	g_out.len = 0;
}

void out_free(void)
{
	out_flush();
	free(g_out.buf);
	g_out.buf = NULL;
}

void out_slow_reserve(size_t n)
{
	out_flush();
	if (n > g_out.cap) {
		char *nb = realloc(g_out.buf, n);
		if (!nb) {
			fprintf(stderr, "stt-dump: out of memory\n");
			exit(2);
		}
		g_out.buf = nb;
		g_out.cap = n;
	}
}

void out_str(const char *s)
{
	out_mem(s, strlen(s));
}

void out_u64(uint64_t v)
{
	char tmp[24];
	int i = 24;
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	out_mem(tmp + i, (size_t)(24 - i));
}

void out_dec_pad(uint64_t v, unsigned width)
{
	char tmp[24];
	int i = 24;
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v && i > 0);
	while (24 - i < (int)width && i > 0)
		tmp[--i] = '0';
	out_mem(tmp + i, (size_t)(24 - i));
}

static const char hexdig[] = "0123456789abcdef";

void out_hex(uint64_t v, unsigned min_digits)
{
	char tmp[16];
	int i = 16;
	do {
		tmp[--i] = hexdig[v & 15];
		v >>= 4;
	} while (v);
	while (16 - i < (int)min_digits && i > 0)
		tmp[--i] = '0';
	out_mem(tmp + i, (size_t)(16 - i));
}

void fmt_addr(const struct stt_addr *a, char *buf, size_t cap)
{
	if (a->family == 4) {
		char *p = buf;
		for (int k = 0; k < 4; k++) {
			unsigned b = a->a[k];
			if (b >= 100)
				*p++ = (char)('0' + b / 100);
			if (b >= 10)
				*p++ = (char)('0' + (b / 10) % 10);
			*p++ = (char)('0' + b % 10);
			if (k < 3)
				*p++ = '.';
		}
		*p = 0;
		return;
	}
	if (a->family == 6) {
		stt_addr_format(a, buf, cap);
		return;
	}
	snprintf(buf, cap, "?");
}

void out_addr(const struct stt_addr *a)
{
	char buf[64];
	fmt_addr(a, buf, sizeof(buf));
	out_str(buf);
}

void out_mac(const uint8_t m[6])
{
	char *p = out_reserve(17);
	for (int k = 0; k < 6; k++) {
		*p++ = hexdig[m[k] >> 4];
		*p++ = hexdig[m[k] & 15];
		if (k < 5)
			*p++ = ':';
	}
	g_out.len += 17;
}

void out_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = out_reserve(512);
	int n = vsnprintf(p, 512, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n >= 512) {
		p = out_reserve((size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(p, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	g_out.len += (size_t)n;
}

void out_line_end(void)
{
	out_char('\n');
	if (g_out.line_buffered)
		out_flush();
}
