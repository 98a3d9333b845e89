/* The host firewall without the Linux I/O backends: nothing is installed
 * (we do not run nft(8) or pfctl(8) from a portable build), but the caller
 * gets the rule to add by hand. On Linux that is an exact nft command line
 * a user can paste: the same rule the Linux backend installs, in a table of
 * its own ("sttkit") so that "nft delete table inet sttkit" removes it. */
#ifndef STT_LINUX_IO
#include <stdio.h>

#include "io_internal.h"

struct stt_nft *stt_nft_install(const struct stt_addr *local, uint16_t port, char *err,
				size_t errlen, char *cmd, size_t cmdlen)
{
	char a[48], match[96] = "";

	stt_io_err(err, errlen, "no firewall backend built in (-DSTT_LINUX_IO=OFF)");
	if (!cmd)
		return NULL;
	if (local && local->family)
		snprintf(match, sizeof(match), "%s daddr %s ", local->family == 4 ? "ip" : "ip6",
			 stt_addr_format(local, a, sizeof(a)));
#ifdef __linux__
	/* priority raw (-300): before conntrack, as the Linux backend does */
	snprintf(cmd, cmdlen,
		 "nft add table inet sttkit && "
		 "nft add chain inet sttkit input '{ type filter hook input priority raw; }' && "
		 "nft add rule inet sttkit input %stcp dport %u drop",
		 match, port);
#else
	snprintf(cmd, cmdlen, "a rule dropping inbound TCP to %s port %u (pf: block drop in proto "
			      "tcp to %s port %u)",
		 local && local->family ? a : "any", port, local && local->family ? a : "any",
		 port);
#endif
	return NULL;
}

void stt_nft_remove(struct stt_nft *n)
{
	(void)n;
}

const char *stt_nft_table(const struct stt_nft *n)
{
	(void)n;
	return "";
}
#else
/* ISO C forbids an empty translation unit. */
typedef int stt_nft_portable_unused;
#endif
