#include "cli.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stt/version.h"

static const char *prog = "stt";

void stt_cli_init(const char *progname)
{
	const char *slash = progname ? strrchr(progname, '/') : NULL;
	prog = slash ? slash + 1 : (progname ? progname : prog);
}

const char *stt_cli_prog(void)
{
	return prog;
}

__attribute__((format(printf, 1, 0))) static void vsay(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void stt_cli_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}

void stt_cli_die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	exit(STT_EXIT_ERROR);
}

void stt_cli_usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n", prog);
	exit(STT_EXIT_ERROR);
}

void stt_cli_print_version(void)
{
	printf("%s (sttkit) %s\n", prog, STT_VERSION_STRING);
	printf("%s\n", pcap_lib_version());
	printf("I/O backends: %s\n", STT_IO_BACKENDS);
}

uint64_t stt_cli_parse_u64(const char *opt, const char *s, uint64_t min, uint64_t max)
{
	char *end = NULL;
	errno = 0;
	if (!s || !*s || *s == '-')
		stt_cli_usage_error("%s: expected a number, got '%s'", opt, s ? s : "");
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || *end)
		stt_cli_usage_error("%s: expected a number, got '%s'", opt, s);
	if (v < min || v > max)
		stt_cli_usage_error("%s: %llu is out of range %llu-%llu", opt, v,
				    (unsigned long long)min, (unsigned long long)max);
	return (uint64_t)v;
}

double stt_cli_parse_double(const char *opt, const char *s, double min, double max)
{
	char *end = NULL;
	errno = 0;
	double v = s ? strtod(s, &end) : 0;
	if (!s || !*s || errno || *end)
		stt_cli_usage_error("%s: expected a number, got '%s'", opt, s ? s : "");
	if (v < min || v > max)
		stt_cli_usage_error("%s: %g is out of range %g-%g", opt, v, min, max);
	return v;
}
