/* stt-conform internals: cases, per-requirement results, reports.
 *
 * The requirement catalogue lives in libstt (stt_requirement_*()); this
 * program only says which of its cases check which requirements and turns
 * what the cases saw into one verdict per requirement:
 *
 *   PASS  exercised and never violated
 *   FAIL  a MUST violated (under --profile strict also SHOULD/RECOMMENDED)
 *   WARN  a SHOULD/RECOMMENDED violated
 *   SKIP  not exercised by this run (with the reason)
 */
#ifndef STT_CONFORM_H
#define STT_CONFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "stt/checks.h"

/* Verdicts, ordered so that a larger value is worse. */
enum cf_verdict { CF_SKIP = 0, CF_PASS, CF_WARN, CF_FAIL };
const char *cf_verdict_name(enum cf_verdict v);

enum cf_profile {
	CF_PROFILE_DEFAULT = 0, /* MUST -> FAIL, SHOULD/RECOMMENDED -> WARN */
	CF_PROFILE_STRICT,	/* SHOULD/RECOMMENDED violations FAIL too */
	CF_PROFILE_OVS,		/* default, but OVS's known deviations are WARN */
};
const char *cf_profile_name(enum cf_profile p);
int cf_profile_parse(const char *s, enum cf_profile *p);

/* Where a case runs. TX cases judge what an implementation sends (any
 * capture, or the target's own transmissions in active mode); RX cases
 * send to a target and watch what it does. */
#define CF_MODE_TX 0x1
#define CF_MODE_RX 0x2

struct cf_active;

struct cf_case {
	const char *name;    /* "tx.segment-header", "rx.out-of-order" */
	unsigned mode;	     /* CF_MODE_* */
	const char *summary; /* one line */
	/* Requirements checked, NULL-terminated; may be NULL. */
	const char *const *reqs;
	/* Checks whose findings this case reports (their requirements are
	 * checked by this case too), terminated by STT_CHK__COUNT; may be
	 * NULL. */
	const enum stt_check *checks;
	/* Active mode: run against the target. NULL for TX cases. */
	void (*run)(struct cf_active *a, const struct cf_case *c);
};

size_t cf_case_count(void);
const struct cf_case *cf_case_at(size_t i);
const struct cf_case *cf_case_find(const char *name);
/* True if the case checks the requirement, directly or through a check. */
bool cf_case_covers(const struct cf_case *c, const char *req_id);
/* True if the case reports the check's findings. */
bool cf_case_has_check(const struct cf_case *c, enum stt_check chk);
/* The requirement a check enforces per the catalogue, or NULL. */
const struct stt_requirement *cf_check_requirement(enum stt_check chk);

/* Per-requirement result of a run. */
#define CF_REASON_LEN 256
struct cf_result {
	const struct stt_requirement *req;
	bool selected;		/* some selected case checks it */
	uint64_t exercised;	/* how many times something checked it */
	uint64_t violations;
	enum cf_verdict worst;	/* worst violation seen, before the profile */
	bool known_ovs;		/* every violation so far is a known OVS deviation */
	char reason[CF_REASON_LEN]; /* first violation (or skip reason) */
	char note[CF_REASON_LEN];   /* a PASS's remark (e.g. the model detected) */
	const char *first_case;	    /* case that reported the first violation */
	enum cf_verdict verdict;    /* final, after cf_report_finish() */
};

/* A statistic to print after the table ("tx.sport_distinct": 17). */
struct cf_stat {
	char key[48];
	char value[96];
	bool numeric; /* JSON writes num instead of the text */
	double num;
};

#define CF_MAX_STATS 48
#define CF_MAX_NOTES 32

/* What the target claims (--expect-dscp, --expect-ecn). Unset: the model
 * and mode are detected and reported, and either one passes. Set: the
 * other one is a violation of the claimed model's requirements. */
enum cf_dscp_model { CF_DSCP_ANY = 0, CF_DSCP_UNIFORM, CF_DSCP_PIPE };
enum cf_ecn_mode { CF_ECN_ANY = 0, CF_ECN_NORMAL, CF_ECN_COMPAT };
const char *cf_dscp_model_name(enum cf_dscp_model m);
const char *cf_ecn_mode_name(enum cf_ecn_mode m);

struct cf_report {
	enum cf_profile profile;
	const char *mode;  /* "passive" or "active" */
	const char *input; /* capture file or target */
	size_t n;
	struct cf_result *res; /* one per catalogue requirement, catalogue order */
	struct cf_stat stats[CF_MAX_STATS];
	size_t n_stats;
	char *notes[CF_MAX_NOTES];
	size_t n_notes;
	unsigned counts[4]; /* per cf_verdict, after finish */
	enum cf_dscp_model expect_dscp;
	enum cf_ecn_mode expect_ecn;
	double duration_s; /* active mode: how long the run took (0: not measured) */
};

/* True if name matches glob, a comma-separated list of fnmatch(3)
 * patterns ("rx.dscp,tx.*"); a NULL glob matches every name. */
bool cf_case_matches(const char *glob, const char *name);

/* Selection: glob over case names (NULL selects all), and a mode mask. */
void cf_report_init(struct cf_report *r, enum cf_profile profile, const char *mode,
		    const char *input);
void cf_report_free(struct cf_report *r);
/* Mark the requirements of the cases that match glob and mode. Returns how
 * many cases matched. */
size_t cf_report_select(struct cf_report *r, const char *glob, unsigned mode_mask);
struct cf_result *cf_report_get(struct cf_report *r, const char *req_id);

/* Record that a requirement was checked n times (no violation implied). */
void cf_report_exercise(struct cf_report *r, const char *req_id, uint64_t n);
/* Record a violation. known_ovs: the deviation OVS is known to have. */
void cf_report_violation(struct cf_report *r, const char *req_id, const char *case_name,
			 bool known_ovs, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* A PASS remark ("uniform DSCP model detected"); kept if nothing failed. */
void cf_report_note_pass(struct cf_report *r, const char *req_id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Why a requirement was not exercised (first one wins). */
void cf_report_skip_reason(struct cf_report *r, const char *req_id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void cf_report_stat(struct cf_report *r, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void cf_report_stat_num(struct cf_report *r, const char *key, double v);
void cf_report_note(struct cf_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Apply the profile, compute verdicts and counts. */
void cf_report_finish(struct cf_report *r);
/* Exit status: STT_EXIT_FINDINGS if any FAIL, else STT_EXIT_OK. */
int cf_report_exit_code(const struct cf_report *r);

/* Writers. Each returns 0, or -1 with errno set (file writers). */
void cf_write_table(FILE *f, const struct cf_report *r, bool color);
void cf_write_tap(FILE *f, const struct cf_report *r);
int cf_write_junit(const char *path, const struct cf_report *r);
int cf_write_json(const char *path, const struct cf_report *r);

/* Catalogue listings (--list, --list --json, --list --markdown). */
void cf_list_text(FILE *f);
int cf_list_json(FILE *f);
void cf_list_markdown(FILE *f);

/* Passive mode. */
struct cf_passive_opts {
	const char *path;
	uint16_t port; /* STT destination port */
	bool quiet;
};
/* Returns 0, or -1 after printing a one-line error (unreadable input). */
int cf_passive_run(struct cf_report *r, const struct cf_passive_opts *o);

/* Transmit-side analysis shared by passive mode and by active mode (on
 * what the target sends back): segments in, findings per requirement out. */
struct cf_txan;
struct cf_txan *cf_txan_new(struct cf_report *r, uint16_t port);
void cf_txan_free(struct cf_txan *t);
/* One captured packet; pktno is 1-based in its capture. */
void cf_txan_packet(struct cf_txan *t, int linktype, const uint8_t *pkt, size_t caplen,
		    size_t wirelen, uint64_t ts_ns, uint32_t pktno);
/* End of input: flush reassembly, compute statistics, record exercise. */
void cf_txan_finish(struct cf_txan *t, uint64_t now_ns);
uint64_t cf_txan_stt_segments(const struct cf_txan *t);
/* Active mode: also hand every reassembled frame to fn. */
typedef void (*cf_frame_hook)(void *ctx, const struct stt_reasm_frame *f,
			      const struct stt_frame_hdr *h, const struct stt_inner *in);
void cf_txan_set_hook(struct cf_txan *t, cf_frame_hook fn, void *ctx);
/* Active mode: also take segments sent from the STT port to another one. */
void cf_txan_accept_reversed(struct cf_txan *t);

/* Source-port entropy: judged over this many inner flows or more (each
 * of the 16 chi-square buckets then expects 5). */
#define CF_ENTROPY_MIN_FLOWS 80
/* Source-port entropy over inner flows (exposed for tests). */
double cf_chi_square16(const uint64_t bucket[16], uint64_t n);
unsigned cf_sport_bucket(uint16_t sport);

/* Progress lines on stderr ("[ 3/31] rx.duplicate ... PASS"). */
extern bool cf_quiet;
void cf_progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
