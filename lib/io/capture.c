/* Capture files and live interfaces through libpcap, and a pcap writer.
 *
 * Files are filtered here rather than by pcap_setfilter() so that packet
 * numbers stay positions in the file (what Wireshark shows), whatever the
 * filter skips. Classic pcap files are mapped and walked in place (the
 * "mapped fast path" below), everything else goes through libpcap. The
 * writer is our own: a pcap file is a 24-byte header and 16-byte record
 * headers, and owning it lets us report write errors and choose the
 * timestamp resolution. */
#include "stt/capture.h"

#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct stt_cap {
	pcap_t *p;
	bool live;
	bool nano; /* timestamps in ns (else us) */
	bool have_prog;
	struct bpf_program prog;
	int snaplen;   /* effective */
	int cut;       /* opts.snaplen, 0 when not cutting */
	int linktype;
	int wait_fd; /* live: polled by live_next(), -1: libpcap waits */
	int wait_ms;
	uint64_t count;
	volatile sig_atomic_t stop;
	char *iobuf; /* stdio buffer of the file, freed after pcap_close() */
	/* classic pcap files are mapped and walked here (see map_open) */
	const uint8_t *map;
	size_t map_len, map_off;
	size_t map_released; /* pages below this were handed back */
	bool map_swapped;
	bool map_nano;
	uint32_t map_snapshot;
	char source[256];
	char err[STT_CAP_ERRLEN];
};

#define CAP_IOBUF (1u << 16)

static void set_err(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_err(char *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, STT_CAP_ERRLEN, fmt, ap);
	va_end(ap);
}

/* libpcap messages sometimes name the file already ("x.pcap: No such file
 * or directory"); do not say it twice. */
static void set_err_source(char *err, const char *source, const char *msg)
{
	size_t n = strlen(source);
	if (strncmp(msg, source, n) == 0 && msg[n] == ':')
		set_err(err, "%s", msg);
	else
		set_err(err, "%s: %s", source, msg);
}

static struct stt_cap *cap_alloc(const char *source)
{
	struct stt_cap *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	snprintf(c->source, sizeof(c->source), "%s", source);
	c->wait_fd = -1;
	return c;
}

static int compile_filter(struct stt_cap *c, const char *filter, char *err)
{
	if (!filter || !*filter)
		return 0;
	if (pcap_compile(c->p, &c->prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		set_err(err, "%s: bad filter expression '%s': %s", c->source, filter,
			pcap_geterr(c->p));
		return -1;
	}
	c->have_prog = true;
	return 0;
}

static void apply_cut(struct stt_cap *c, const struct stt_cap_opts *opts)
{
	int file_snap = pcap_snapshot(c->p);
	c->cut = (opts && opts->snaplen > 0) ? opts->snaplen : 0;
	c->snaplen = file_snap > 0 ? file_snap : STT_CAP_DEFAULT_SNAPLEN;
	if (c->cut && c->cut < c->snaplen)
		c->snaplen = c->cut;
}

/* The end of opening a file, mapped or through libpcap: link type, cut
 * and filter. c, or NULL (closed, err set). */
static struct stt_cap *file_ready(struct stt_cap *c, const struct stt_cap_opts *opts, char *err)
{
	c->linktype = pcap_datalink(c->p);
	apply_cut(c, opts);
	if (compile_filter(c, opts ? opts->filter : NULL, err) < 0) {
		stt_cap_close(c);
		return NULL;
	}
	return c;
}

/* --- the mapped fast path ---
 *
 * A classic pcap file (not pcapng, not a pipe) is mapped and its records
 * walked in place: libpcap would read(2) every byte into a stdio buffer and
 * copy it again into its own, which was a third of stt-dump's time. The
 * walk follows libpcap 1.10's sf-pcap.c rule for rule (snapshot length,
 * oversized records, truncation) and words its errors the same way; any
 * file it is not sure about (other versions, unusual link types, the
 * "modified" format) goes to libpcap instead. The handle is then a "dead"
 * pcap_t, used for filters and link-type names. */

#define PCAP_MAX_SNAPLEN 262144u /* libpcap's MAXIMUM_SNAPLEN */
#define MAP_RELEASE_STEP ((size_t)8 << 20) /* a multiple of any page size */

static uint32_t rd32(const uint8_t *p, bool swapped)
{
	uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	if (swapped)
		v = (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
	return v;
}

static uint16_t rd16(const uint8_t *p, bool swapped)
{
	uint16_t v = (uint16_t)(p[0] | p[1] << 8);
	return swapped ? (uint16_t)((v >> 8) | (v << 8)) : v;
}

/* LINKTYPE_* in the file -> DLT_* as libpcap reports it; 0 = not handled here */
static int map_dlt(uint32_t lt)
{
	switch (lt) {
	case 0: return DLT_NULL;
	case 1: return DLT_EN10MB;
	case 101: return DLT_RAW;
	case 108: return DLT_LOOP;
	case 113: return DLT_LINUX_SLL;
	case 228: return DLT_IPV4;
	case 229: return DLT_IPV6;
	case 276: return DLT_LINUX_SLL2;
	default: return -1;
	}
}

/* Returns 1 when mapped, 0 when libpcap should read the file. */
static int map_open(struct stt_cap *c, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 24 ||
	    (uint64_t)st.st_size > SIZE_MAX) {
		close(fd);
		return 0;
	}
	size_t len = (size_t)st.st_size;
	void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return 0;
	const uint8_t *h = m;
	uint32_t magic = rd32(h, false);
	bool swapped, nano;
	if (magic == 0xa1b2c3d4u || magic == 0xa1b23c4du)
		swapped = false;
	else if (magic == 0xd4c3b2a1u || magic == 0x4d3cb2a1u)
		swapped = true;
	else
		goto fallback;
	nano = (magic == 0xa1b23c4du || magic == 0x4d3cb2a1u);
	if (rd16(h + 4, swapped) != 2 || rd16(h + 6, swapped) != 4)
		goto fallback;
	uint32_t snaplen = rd32(h + 16, swapped);
	uint32_t lt = rd32(h + 20, swapped);
	if ((lt & 0xfc000000u) || map_dlt(lt) < 0)
		goto fallback; /* FCS length bits, or a link type libpcap maps */
	/* As libpcap: a zero or negative snapshot means the maximum; a large
	 * one is kept (records are bounded by PCAP_MAX_SNAPLEN anyway). */
	if (snaplen == 0 || (int32_t)snaplen < 0)
		snaplen = PCAP_MAX_SNAPLEN;
	c->p = pcap_open_dead_with_tstamp_precision(map_dlt(lt), (int)snaplen,
						    PCAP_TSTAMP_PRECISION_NANO);
	if (!c->p)
		goto fallback;
	madvise(m, len, MADV_SEQUENTIAL);
	c->map = h;
	c->map_len = len;
	c->map_off = 24;
	c->map_swapped = swapped;
	c->map_snapshot = snaplen;
	c->map_nano = nano;
	c->nano = true; /* map_next() hands out nanoseconds */
	return 1;
fallback:
	munmap(m, len);
	return 0;
}

/* The next record: 1, 0 at the end, -1 with c->err set. */
static int map_next(struct stt_cap *c, struct pcap_pkthdr *hdr, const uint8_t **data)
{
	size_t left = c->map_len - c->map_off;
	const uint8_t *r = c->map + c->map_off;
	if (left == 0)
		return 0;
	/* The previous packet is no longer valid: give back the pages read
	 * so far, in large steps, so that resident memory stays flat however
	 * big the file is. */
	if (c->map_off - c->map_released >= MAP_RELEASE_STEP) {
		size_t upto = c->map_off & ~(size_t)(MAP_RELEASE_STEP - 1);
		madvise((void *)(c->map + c->map_released), upto - c->map_released, MADV_DONTNEED);
		c->map_released = upto;
	}
	if (left < 16) {
		snprintf(c->err, sizeof(c->err),
			 "truncated dump file; tried to read 16 header bytes, only got %zu", left);
		return -1;
	}
	uint32_t caplen = rd32(r + 8, c->map_swapped);
	/* The record's fields are signed 32-bit (libpcap's pcap_timeval), and
	 * a microsecond fraction is scaled to nanoseconds as libpcap does for
	 * a nanosecond handle: what only a corrupt file notices, but the two
	 * paths must agree on it. */
	hdr->ts.tv_sec = (time_t)(int32_t)rd32(r, c->map_swapped);
	int64_t frac = (int32_t)rd32(r + 4, c->map_swapped);
	hdr->ts.tv_usec = (suseconds_t)(c->map_nano ? frac : frac * 1000);
	hdr->len = rd32(r + 12, c->map_swapped);
	left -= 16;
	if (caplen > PCAP_MAX_SNAPLEN) {
		if (caplen > c->map_snapshot)
			snprintf(c->err, sizeof(c->err),
				 "invalid packet capture length %u, bigger than snaplen of %u", caplen,
				 c->map_snapshot);
		else
			snprintf(c->err, sizeof(c->err),
				 "invalid packet capture length %u, bigger than maximum of %u", caplen,
				 PCAP_MAX_SNAPLEN);
		return -1;
	}
	if (caplen > left) {
		/* libpcap reads the snapshot's worth first, then discards the rest */
		uint32_t want = (caplen > c->map_snapshot && left < c->map_snapshot) ? c->map_snapshot
										   : caplen;
		snprintf(c->err, sizeof(c->err),
			 "truncated dump file; tried to read %u captured bytes, only got %zu", want,
			 left);
		return -1;
	}
	*data = r + 16;
	/* Records longer than the file's snapshot are cut to it, as libpcap does. */
	hdr->caplen = caplen > c->map_snapshot ? c->map_snapshot : caplen;
	c->map_off += 16 + (size_t)caplen;
	return 1;
}

struct stt_cap *stt_cap_open_file(const char *path, const struct stt_cap_opts *opts,
				  char err[STT_CAP_ERRLEN])
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	bool is_stdin = strcmp(path, "-") == 0;
	struct stt_cap *c = cap_alloc(is_stdin ? "stdin" : path);
	if (!c) {
		set_err(err, "%s: out of memory", path);
		return NULL;
	}
	/* STT_CAP_NO_MAP=1 forces libpcap (tests compare the two paths). */
	const char *nomap = getenv("STT_CAP_NO_MAP");
	if (!is_stdin && !(nomap && *nomap == '1') && map_open(c, path))
		return file_ready(c, opts, err);
	/* Our own FILE with a large buffer: libpcap reads records with
	 * fread(), and stdio's default 4 KiB buffer costs a read(2) per
	 * packet or two. */
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	if (!f) {
		set_err(err, "%s: %s", path, strerror(errno));
		free(c);
		return NULL;
	}
	c->iobuf = malloc(CAP_IOBUF);
	if (c->iobuf)
		setvbuf(f, c->iobuf, _IOFBF, CAP_IOBUF);
	c->p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (!c->p) {
		set_err_source(err, c->source, ebuf[0] ? ebuf : "cannot open");
		if (!is_stdin)
			fclose(f);
		free(c->iobuf);
		free(c);
		return NULL;
	}
	c->nano = pcap_get_tstamp_precision(c->p) == PCAP_TSTAMP_PRECISION_NANO;
	return file_ready(c, opts, err);
}

static int live_status(struct stt_cap *c, int rc, const char *what, char *err)
{
	if (rc == 0)
		return 0;
	if (rc > 0) /* warnings (e.g. promiscuous mode not supported): go on */
		return 0;
	const char *detail = pcap_geterr(c->p);
	if (!detail || !*detail)
		detail = pcap_statustostr(rc);
	set_err(err, "%s: %s: %s", c->source, what, detail);
	return -1;
}

struct stt_cap *stt_cap_open_live(const char *iface, const struct stt_cap_opts *opts,
				  char err[STT_CAP_ERRLEN])
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct stt_cap *c = cap_alloc(iface);
	if (!c) {
		set_err(err, "%s: out of memory", iface);
		return NULL;
	}
	c->live = true;
	c->p = pcap_create(iface, ebuf);
	if (!c->p) {
		set_err_source(err, iface, ebuf[0] ? ebuf : "cannot open");
		free(c);
		return NULL;
	}
	int snap = (opts && opts->snaplen > 0) ? opts->snaplen : STT_CAP_DEFAULT_SNAPLEN;
	pcap_set_snaplen(c->p, snap);
	pcap_set_promisc(c->p, opts && opts->promisc);
	c->wait_ms = (opts && opts->timeout_ms > 0) ? opts->timeout_ms : 1000;
	pcap_set_timeout(c->p, c->wait_ms);
	if (opts && opts->immediate)
		pcap_set_immediate_mode(c->p, 1);
	if (opts && opts->bufsize > 0)
		pcap_set_buffer_size(c->p, opts->bufsize);
	/* Nanoseconds where the platform has them; fine without. */
	(void)pcap_set_tstamp_precision(c->p, PCAP_TSTAMP_PRECISION_NANO);
	int rc = pcap_activate(c->p);
	if (rc < 0) {
		const char *detail = pcap_geterr(c->p);
		if (rc != PCAP_ERROR || !detail || !*detail)
			detail = pcap_statustostr(rc);
		const char *status = pcap_statustostr(rc);
		if ((rc == PCAP_ERROR_NO_SUCH_DEVICE || rc == PCAP_ERROR_PERM_DENIED) &&
		    *pcap_geterr(c->p) && strcmp(pcap_geterr(c->p), status) != 0)
			set_err(err, "%s: %s (%s)", iface, status, pcap_geterr(c->p));
		else if (rc == PCAP_ERROR_NO_SUCH_DEVICE || rc == PCAP_ERROR_PERM_DENIED)
			set_err(err, "%s: %s", iface, status);
		else
			set_err_source(err, iface, detail);
		stt_cap_close(c);
		return NULL;
	}
	c->nano = pcap_get_tstamp_precision(c->p) == PCAP_TSTAMP_PRECISION_NANO;
	c->linktype = pcap_datalink(c->p);
	c->snaplen = pcap_snapshot(c->p);
	c->cut = 0;
	if (compile_filter(c, opts ? opts->filter : NULL, err) < 0 ||
	    (c->have_prog && live_status(c, pcap_setfilter(c->p, &c->prog), "setting the filter", err) < 0)) {
		stt_cap_close(c);
		return NULL;
	}
	/* In immediate mode libpcap's blocking read does not come back at
	 * the read timeout while the interface is idle (libpcap 1.10 on
	 * Linux), and callers count on that timeout for their housekeeping
	 * (giving up incomplete frames, flushing output). So the waiting is
	 * ours: non-blocking reads and poll() with the timeout. Without a
	 * selectable descriptor, libpcap's blocking read stays. */
	int fd = pcap_get_selectable_fd(c->p);
	if (fd >= 0 && pcap_setnonblock(c->p, 1, ebuf) == 0)
		c->wait_fd = fd;
	return c;
}

/* One live read for stt_cap_next(): pcap_next_ex()'s return codes, 0
 * meaning nothing within the timeout. When the descriptor wakes up but
 * nothing is read, that counts as a timeout too: a stream of packets the
 * kernel filter lets through but libpcap does not hand out must not hold
 * off the caller's housekeeping. */
static int live_next(struct stt_cap *c, struct pcap_pkthdr **h, const u_char **data)
{
	int rc = pcap_next_ex(c->p, h, data);
	if (rc != 0 || c->wait_fd < 0)
		return rc;
	struct pollfd pf = { .fd = c->wait_fd, .events = POLLIN };
	if (poll(&pf, 1, c->wait_ms) <= 0) /* timeout, or a signal (EINTR) */
		return c->stop ? PCAP_ERROR_BREAK : 0;
	return pcap_next_ex(c->p, h, data);
}

struct stt_cap *stt_cap_open_read(const char *src, bool is_iface, const struct stt_cap_opts *opts,
				  char err[STT_CAP_ERRLEN])
{
	return is_iface ? stt_cap_open_live(src, opts, err) : stt_cap_open_file(src, opts, err);
}

enum stt_cap_result stt_cap_next(struct stt_cap *c, struct stt_cap_pkt *pkt)
{
	for (;;) {
		struct pcap_pkthdr *h, mh;
		const u_char *data;
		int rc;
		if (c->stop)
			return STT_CAP_EOF;
		if (c->map) {
			rc = map_next(c, &mh, &data);
			h = &mh;
			if (rc == 0)
				rc = PCAP_ERROR_BREAK;
		} else if (c->live) {
			rc = live_next(c, &h, &data);
		} else {
			rc = pcap_next_ex(c->p, &h, &data);
		}
		if (rc == 0)
			return STT_CAP_TIMEOUT;
		if (rc == PCAP_ERROR_BREAK)
			return STT_CAP_EOF;
		if (rc < 0) {
			char e[STT_CAP_ERRLEN];
			snprintf(e, sizeof(e), "%s", c->map ? c->err : pcap_geterr(c->p));
			if (c->count)
				set_err(c->err, "%s: %s (after packet %llu)", c->source,
					*e ? e : "read error", (unsigned long long)c->count);
			else
				set_err(c->err, "%s: %s (in the first packet)", c->source,
					*e ? e : "read error");
			return STT_CAP_ERROR;
		}
		c->count++;
		size_t caplen = h->caplen;
		if (c->cut && caplen > (size_t)c->cut)
			caplen = (size_t)c->cut;
		if (c->have_prog && !c->live) {
			struct pcap_pkthdr cut = *h;
			cut.caplen = (bpf_u_int32)caplen;
			if (!pcap_offline_filter(&c->prog, &cut, data))
				continue;
		}
		/* Corrupt files can hold negative or oversized fields: clamp the
		 * sum to the epoch rather than wrap. */
		int64_t sec = (int64_t)h->ts.tv_sec;
		int64_t frac = (int64_t)h->ts.tv_usec * (c->nano ? 1 : 1000);
		if (sec < 0 || sec > 9000000000ll)
			sec = 0, frac = 0;
		int64_t ns = sec * 1000000000ll + frac;
		pkt->ts_ns = ns < 0 ? 0 : (uint64_t)ns;
		pkt->data = data;
		pkt->caplen = caplen;
		pkt->wirelen = h->len < caplen ? caplen : h->len;
		pkt->linktype = c->linktype;
		pkt->number = c->count;
		return STT_CAP_PACKET;
	}
}

const char *stt_cap_error(const struct stt_cap *c)
{
	return c->err;
}

uint64_t stt_cap_count(const struct stt_cap *c)
{
	return c->count;
}

const char *stt_cap_source(const struct stt_cap *c)
{
	return c->source;
}

int stt_cap_linktype(const struct stt_cap *c)
{
	return c->linktype;
}

int stt_cap_snaplen(const struct stt_cap *c)
{
	return c->snaplen;
}

bool stt_cap_is_live(const struct stt_cap *c)
{
	return c->live;
}

const char *stt_cap_link_name(int linktype)
{
	const char *n = pcap_datalink_val_to_name(linktype);
	return n ? n : "unknown";
}

const char *stt_cap_link_description(int linktype)
{
	const char *n = pcap_datalink_val_to_description(linktype);
	return n ? n : "unknown";
}

int stt_cap_stats(struct stt_cap *c, uint64_t *received, uint64_t *dropped, uint64_t *if_dropped)
{
	struct pcap_stat st;
	if (!c->live || pcap_stats(c->p, &st) < 0)
		return -1;
	*received = st.ps_recv;
	*dropped = st.ps_drop;
	*if_dropped = st.ps_ifdrop;
	return 0;
}

void stt_cap_break(struct stt_cap *c)
{
	c->stop = 1;
	pcap_breakloop(c->p);
}

void stt_cap_close(struct stt_cap *c)
{
	if (!c)
		return;
	if (c->have_prog)
		pcap_freecode(&c->prog);
	if (c->p)
		pcap_close(c->p); /* closes the FILE too (stdin included) */
	if (c->map)
		munmap((void *)c->map, c->map_len);
	free(c->iobuf);
	free(c);
}

/* --- writer --- */

struct stt_capw {
	FILE *f;
	bool is_stdout;
	bool failed;
	bool nano;
	uint32_t snaplen;
	uint64_t count;
	char path[256];
	char err[STT_CAP_ERRLEN];
	char *buf;
};

#define CAPW_BUFSIZE (1u << 20)

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static int capw_put(struct stt_capw *w, const void *p, size_t n)
{
	if (w->failed)
		return -1;
	if (n && fwrite(p, 1, n, w->f) != n) {
		set_err(w->err, "%s: write failed after packet %llu: %s", w->path,
			(unsigned long long)w->count, strerror(errno));
		w->failed = true;
		return -1;
	}
	return 0;
}

struct stt_capw *stt_capw_open(const char *path, int linktype, int snaplen, unsigned flags,
			       char err[STT_CAP_ERRLEN])
{
	struct stt_capw *w = calloc(1, sizeof(*w));
	if (!w) {
		set_err(err, "%s: out of memory", path);
		return NULL;
	}
	w->is_stdout = strcmp(path, "-") == 0;
	snprintf(w->path, sizeof(w->path), "%s", w->is_stdout ? "stdout" : path);
	w->f = w->is_stdout ? stdout : fopen(path, "wb");
	if (!w->f) {
		set_err(err, "%s: %s", path, strerror(errno));
		free(w);
		return NULL;
	}
	/* A big buffer for files; stdout keeps its own (setvbuf is only
	 * allowed before any other use of a stream). */
	if (!w->is_stdout) {
		w->buf = malloc(CAPW_BUFSIZE);
		if (w->buf)
			setvbuf(w->f, w->buf, _IOFBF, CAPW_BUFSIZE);
	}
	w->nano = flags & STT_CAPW_NANO;
	w->snaplen = snaplen > 0 ? (uint32_t)snaplen : STT_CAP_DEFAULT_SNAPLEN;
	uint8_t hdr[24];
	put_le32(hdr, w->nano ? 0xa1b23c4du : 0xa1b2c3d4u);
	put_le16(hdr + 4, 2);
	put_le16(hdr + 6, 4);
	put_le32(hdr + 8, 0);  /* thiszone */
	put_le32(hdr + 12, 0); /* sigfigs */
	put_le32(hdr + 16, w->snaplen);
	put_le32(hdr + 20, (uint32_t)linktype);
	if (capw_put(w, hdr, sizeof(hdr)) < 0) {
		set_err(err, "%s", w->err);
		stt_capw_close(w, NULL);
		return NULL;
	}
	return w;
}

int stt_capw_write(struct stt_capw *w, const uint8_t *pkt, size_t caplen, size_t wirelen,
		   uint64_t ts_ns)
{
	uint8_t rec[16];
	if (caplen > w->snaplen)
		caplen = w->snaplen;
	if (wirelen < caplen)
		wirelen = caplen;
	if (wirelen > UINT32_MAX)
		wirelen = UINT32_MAX;
	uint64_t sec = ts_ns / 1000000000ull;
	uint32_t frac = (uint32_t)(ts_ns % 1000000000ull);
	put_le32(rec, (uint32_t)sec);
	put_le32(rec + 4, w->nano ? frac : frac / 1000u);
	put_le32(rec + 8, (uint32_t)caplen);
	put_le32(rec + 12, (uint32_t)wirelen);
	if (capw_put(w, rec, sizeof(rec)) < 0 || capw_put(w, pkt, caplen) < 0)
		return -1;
	w->count++;
	return 0;
}

int stt_capw_flush(struct stt_capw *w)
{
	if (w->failed)
		return -1;
	if (fflush(w->f) != 0) {
		set_err(w->err, "%s: write failed after packet %llu: %s", w->path,
			(unsigned long long)w->count, strerror(errno));
		w->failed = true;
		return -1;
	}
	return 0;
}

const char *stt_capw_error(const struct stt_capw *w)
{
	return w->err;
}

uint64_t stt_capw_count(const struct stt_capw *w)
{
	return w->count;
}

int stt_capw_close(struct stt_capw *w, char err[STT_CAP_ERRLEN])
{
	if (!w)
		return 0;
	int rc = stt_capw_flush(w);
	if (!w->is_stdout && fclose(w->f) != 0 && rc == 0) {
		set_err(w->err, "%s: close failed: %s", w->path, strerror(errno));
		rc = -1;
	}
	if (rc < 0 && err)
		set_err(err, "%s", w->err);
	free(w->buf);
	free(w);
	return rc;
}
