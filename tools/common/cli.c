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

int stt_cli_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	char tail;
	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &tail) != 6)
		return -1;
	for (int i = 0; i < 6; i++) {
		if (v[i] > 0xff)
			return -1;
		mac[i] = (uint8_t)v[i];
	}
	return 0;
}

int stt_cli_parse_duration(const char *s, uint64_t bare_unit_ns, uint64_t *ns)
{
	char *end;
	double v = strtod(s, &end);
	double mult;
	if (end == s || !(v >= 0)) /* !(v >= 0): also NaN */
		return -1;
	if (!*end)
		mult = (double)bare_unit_ns;
	else if (strcmp(end, "s") == 0)
		mult = 1e9;
	else if (strcmp(end, "ms") == 0)
		mult = 1e6;
	else if (strcmp(end, "us") == 0)
		mult = 1e3;
	else if (strcmp(end, "ns") == 0)
		mult = 1;
	else
		return -1;
	double r = v * mult;
	if (r > 1e18)
		return -1;
	*ns = (uint64_t)(r + 0.5);
	return 0;
}
