/* The host firewall rule that keeps the kernel's TCP from answering STT
 * segments with RST: one nftables table per instance, so that removal is
 * one command and several tunnels on one host coexist. We run nft(8)
 * rather than link libnftables: it is the same rule a user would type,
 * and what we print when we may not run it. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io_internal.h"

extern char **environ;

struct stt_nft {
	char table[64];
};

/* Run "nft -f -" with script on stdin; output to /dev/null unless
 * errbuf is given (then the first line of stderr goes there). */
static int run_nft(const char *script, char *err, size_t errlen)
{
	int in[2], out[2];
	pid_t pid;
	posix_spawn_file_actions_t fa;
	char *argv[] = { "nft", "-f", "-", NULL };
	int status = 0, rc;

	if (pipe2(in, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(out, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, out[1], 2);
	rc = posix_spawnp(&pid, "nft", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(out[1]);
	if (rc != 0) {
		stt_io_err(err, errlen, "cannot run nft: %s", strerror(rc));
		close(in[1]);
		close(out[0]);
		return -1;
	}
	/* A dead nft must not kill us with SIGPIPE: write with MSG-less
	 * semantics by ignoring EPIPE. */
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	(void)!write(in[1], script, strlen(script));
	signal(SIGPIPE, old);
	close(in[1]);

	char msg[512];
	size_t used = 0;
	ssize_t n;
	while ((n = read(out[0], msg + used, sizeof(msg) - 1 - used)) > 0 && used < sizeof(msg) - 1)
		used += (size_t)n;
	msg[used] = 0;
	close(out[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	char *nl = strchr(msg, '\n');
	if (nl)
		*nl = 0;
	stt_io_err(err, errlen, "nft failed: %s", used ? msg : "no output");
	return -1;
}

struct stt_nft *stt_nft_install(const struct stt_addr *local, uint16_t port, char *err,
				size_t errlen, char *cmd, size_t cmdlen)
{
	static unsigned seq;
	struct stt_nft *n = calloc(1, sizeof(*n));
	char a[48], script[512], match[96] = "";

	if (!n) {
		stt_io_err(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(n->table, sizeof(n->table), "sttkit_%ld_%u", (long)getpid(), seq++);
	if (local && local->family)
		snprintf(match, sizeof(match), "%s daddr %s ", local->family == 4 ? "ip" : "ip6",
			 stt_addr_format(local, a, sizeof(a)));
	/* Priority raw: before conntrack, so STT segments never create
	 * connection-tracking state either. */
	snprintf(script, sizeof(script),
		 "table inet %s {\n"
		 "  chain input {\n"
		 "    type filter hook input priority raw; policy accept;\n"
		 "    %stcp dport %u drop\n"
		 "  }\n"
		 "}\n",
		 n->table, match, port);
	if (cmd)
		snprintf(cmd, cmdlen,
			 "nft add table inet stt; nft add chain inet stt input "
			 "'{ type filter hook input priority raw; }'; "
			 "nft add rule inet stt input %stcp dport %u drop",
			 match, port);
	if (run_nft(script, err, errlen) < 0) {
		free(n);
		return NULL;
	}
	return n;
}

void stt_nft_remove(struct stt_nft *n)
{
	char script[128];

	if (!n)
		return;
	snprintf(script, sizeof(script), "delete table inet %s\n", n->table);
	run_nft(script, NULL, 0);
	free(n);
}

const char *stt_nft_table(const struct stt_nft *n)
{
	return n ? n->table : "";
}
