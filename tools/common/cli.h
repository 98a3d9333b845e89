/* What every sttkit command line shares: the program name in messages,
 * one-line errors, the --version banner and the exit-code convention.
 *
 * Exit codes (all tools):
 *   0  success
 *   1  the run worked but found problems (--strict warnings, a MUST
 *      failure in stt-conform, a fuzz finding, lost liveness)
 *   2  usage error, unreadable input, or a system call that failed */
#ifndef STT_CLI_H
#define STT_CLI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#define STT_EXIT_OK 0
#define STT_EXIT_FINDINGS 1
#define STT_EXIT_ERROR 2

void stt_cli_init(const char *progname);
const char *stt_cli_prog(void);

/* "prog: message\n" on stderr. */
void stt_cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Same, then exit(STT_EXIT_ERROR). */
_Noreturn void stt_cli_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "prog: message\nTry 'prog --help' for more information.\n", exit 2. */
_Noreturn void stt_cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* --version: "prog (sttkit) X.Y.Z", libpcap version, I/O backends. */
void stt_cli_print_version(void);

/* Strict integer parsing with range; on failure dies naming the option. */
uint64_t stt_cli_parse_u64(const char *opt, const char *s, uint64_t min, uint64_t max);
double stt_cli_parse_double(const char *opt, const char *s, double min, double max);

/* Value parsers that report failure (0 or -1) instead of dying, so each
 * tool keeps its own error message; shared so that every tool accepts the
 * same spellings. */
/* "aa:bb:cc:dd:ee:ff" (hex, one or two digits a byte). */
int stt_cli_parse_mac(const char *s, uint8_t mac[6]);
/* "5s", "500ms", "100us", "10ns"; a bare number counts in bare_unit_ns
 * (1000000000 for seconds, 1000 for microseconds). Rounds to the nearest
 * ns; refuses negative, NaN and more than 1e18 ns. */
int stt_cli_parse_duration(const char *s, uint64_t bare_unit_ns, uint64_t *ns);

#endif
