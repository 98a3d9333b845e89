/* Small parsers for stt-send's option values. Each returns 0 or -1; the
 * caller names the option in its error. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "send.h"

int parse_mac(const char *s, uint8_t mac[6])
{
	return stt_cli_parse_mac(s, mac);
}

static const struct {
	const char *name;
	uint8_t bit;
} tcp_flag_names[] = {
	{ "FIN", STT_TCP_FIN }, { "SYN", STT_TCP_SYN }, { "RST", STT_TCP_RST },
	{ "PSH", STT_TCP_PSH }, { "ACK", STT_TCP_ACK }, { "URG", STT_TCP_URG },
	{ "ECE", STT_TCP_ECE }, { "CWR", STT_TCP_CWR },
};

/* "ACK,PSH" or "ack|syn" or a number ("0x18"); "" or "none" is 0. */
int parse_tcp_flags(const char *s, uint8_t *flags)
{
	if (isdigit((unsigned char)s[0])) {
		char *end;
		unsigned long v = strtoul(s, &end, 0);
		if (*end || v > 0xff)
			return -1;
		*flags = (uint8_t)v;
		return 0;
	}
	uint8_t f = 0;
	const char *p = s;
	while (*p) {
		size_t n = strcspn(p, ",|+ ");
		if (n == 4 && strncasecmp(p, "none", 4) == 0) {
			/* nothing */
		} else if (n > 0) {
			size_t i;
			for (i = 0; i < sizeof(tcp_flag_names) / sizeof(tcp_flag_names[0]); i++)
				if (strlen(tcp_flag_names[i].name) == n &&
				    strncasecmp(p, tcp_flag_names[i].name, n) == 0)
					break;
			if (i == sizeof(tcp_flag_names) / sizeof(tcp_flag_names[0]))
				return -1;
			f |= tcp_flag_names[i].bit;
		}
		p += n;
		if (*p)
			p++;
	}
	*flags = f;
	return 0;
}

void format_tcp_flags(uint8_t flags, char *buf, size_t cap)
{
	/* tcpdump's letters, in its order */
	static const struct {
		uint8_t bit;
		char c;
	} letters[] = { { STT_TCP_SYN, 'S' }, { STT_TCP_FIN, 'F' }, { STT_TCP_PSH, 'P' },
			{ STT_TCP_RST, 'R' }, { STT_TCP_URG, 'U' }, { STT_TCP_ECE, 'E' },
			{ STT_TCP_CWR, 'W' }, { STT_TCP_ACK, '.' } };
	size_t n = 0;
	for (size_t i = 0; i < sizeof(letters) / sizeof(letters[0]) && n + 1 < cap; i++)
		if (flags & letters[i].bit)
			buf[n++] = letters[i].c;
	if (n == 0 && cap > 4) {
		memcpy(buf, "none", 4);
		n = 4;
	}
	if (cap)
		buf[n < cap ? n : cap - 1] = '\0';
}

int parse_ecn(const char *s, uint8_t *ecn)
{
	static const struct {
		const char *name;
		uint8_t v;
	} names[] = {
		{ "not-ect", STT_ECN_NOT_ECT }, { "notect", STT_ECN_NOT_ECT }, { "none", STT_ECN_NOT_ECT },
		{ "ect1", STT_ECN_ECT1 },	{ "ect(1)", STT_ECN_ECT1 },	{ "ect0", STT_ECN_ECT0 },
		{ "ect(0)", STT_ECN_ECT0 },	{ "ce", STT_ECN_CE },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcasecmp(s, names[i].name) == 0) {
			*ecn = names[i].v;
			return 0;
		}
	}
	if (s[0] >= '0' && s[0] <= '3' && s[1] == '\0') {
		*ecn = (uint8_t)(s[0] - '0');
		return 0;
	}
	return -1;
}

/* A number 0-63, or EF, CSn, AFxy. */
int parse_dscp(const char *s, uint8_t *dscp)
{
	if (strcasecmp(s, "ef") == 0) {
		*dscp = 46;
		return 0;
	}
	if (strncasecmp(s, "cs", 2) == 0 && s[2] >= '0' && s[2] <= '7' && !s[3]) {
		*dscp = (uint8_t)((s[2] - '0') << 3);
		return 0;
	}
	if (strncasecmp(s, "af", 2) == 0 && s[2] >= '1' && s[2] <= '4' && s[3] >= '1' &&
	    s[3] <= '3' && !s[4]) {
		*dscp = (uint8_t)(((s[2] - '0') << 3) | ((s[3] - '0') << 1));
		return 0;
	}
	char *end;
	unsigned long v = strtoul(s, &end, 0);
	if (!*s || *end || v > 63)
		return -1;
	*dscp = (uint8_t)v;
	return 0;
}

int parse_epoch(const char *s, uint64_t *ns)
{
	uint64_t sec = 0, frac = 0;
	unsigned digits = 0;
	const char *p = s;
	if (!isdigit((unsigned char)*p))
		return -1;
	while (isdigit((unsigned char)*p)) {
		sec = sec * 10 + (uint64_t)(*p++ - '0');
		if (sec > 4000000000ull)
			return -1;
	}
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p)) {
			if (digits < 9) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				digits++;
			}
			p++;
		}
	}
	if (*p)
		return -1;
	while (digits++ < 9)
		frac *= 10;
	*ns = sec * 1000000000ull + frac;
	return 0;
}

int parse_duration(const char *s, uint64_t *ns)
{
	return stt_cli_parse_duration(s, 1000, ns); /* bare number: microseconds */
}
