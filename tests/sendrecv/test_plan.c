/* stt-send's segmentation plan and option parsers, in-process: which byte
 * ranges go out in which order for each impairment, and what the value
 * parsers accept and refuse. */
#include <string.h>

#include "check.h"
#include "send.h"

static void opts_base(struct send_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->segment_size = 1000;
	o->duplicate = -1;
}

/* Every byte of [0, len) covered exactly once by the non-duplicate,
 * non-conflict items. */
static int covers_once(const struct seg_plan *p, size_t len)
{
	static unsigned char seen[65536];
	memset(seen, 0, len);
	for (size_t i = 0; i < p->n; i++) {
		const struct seg_item *it = &p->items[i];
		if (it->duplicate || it->conflict)
			continue;
		for (uint32_t b = it->off; b < it->off + it->len; b++) {
			if (b >= len || seen[b])
				return 0;
			seen[b] = 1;
		}
	}
	for (size_t b = 0; b < len; b++)
		if (!seen[b])
			return 0;
	return 1;
}

int main(void)
{
	struct send_opts o;
	struct seg_plan p = { 0 };
	uint64_t rng = 1;

	check_test("plan: plain cut at the segment size");
	opts_base(&o);
	plan_frame(&o, 0, 3500, &rng, &p);
	CHECK_EQ(4, p.n);
	CHECK_EQ(4, p.total);
	CHECK_EQ(0, p.items[0].off);
	CHECK_EQ(3000, p.items[3].off);
	CHECK_EQ(500, p.items[3].len);
	CHECK(covers_once(&p, 3500));

	check_test("plan: --drop N and --drop F:N");
	opts_base(&o);
	o.drops[0] = (struct seg_drop){ -1, 1 };
	o.drops[1] = (struct seg_drop){ 2, 0 };
	o.n_drops = 2;
	plan_frame(&o, 0, 3500, &rng, &p);
	CHECK_EQ(3, p.n);
	CHECK_EQ(1, p.dropped);
	CHECK_EQ(4, p.total);
	CHECK_EQ(2000, p.items[1].off);
	CHECK(!covers_once(&p, 3500)); /* the point of dropping */
	plan_frame(&o, 2, 3500, &rng, &p);
	CHECK_EQ(2, p.n); /* frame 2 loses segment 0 as well */

	check_test("plan: --coalesce numbers segments after merging");
	opts_base(&o);
	o.coalesce = 3;
	o.drops[0] = (struct seg_drop){ -1, 1 };
	o.n_drops = 1;
	plan_frame(&o, 0, 7500, &rng, &p); /* 8 cuts -> 3 merged: 0-2, 3-5, 6-7 */
	CHECK_EQ(3, p.total);
	CHECK_EQ(2, p.n);
	CHECK_EQ(3000, p.items[0].len);
	CHECK_EQ(6000, p.items[1].off);
	CHECK_EQ(1500, p.items[1].len);

	check_test("plan: --duplicate all doubles every segment in place");
	opts_base(&o);
	o.duplicate = -2;
	plan_frame(&o, 0, 2500, &rng, &p);
	CHECK_EQ(6, p.n);
	for (size_t i = 0; i < p.n; i += 2) {
		CHECK(!p.items[i].duplicate);
		CHECK(p.items[i + 1].duplicate);
		CHECK_EQ(p.items[i].off, p.items[i + 1].off);
	}
	CHECK(covers_once(&p, 2500));

	check_test("plan: --reverse and --reorder keep the bytes, change the order");
	opts_base(&o);
	o.reverse = true;
	plan_frame(&o, 0, 3500, &rng, &p);
	CHECK_EQ(3000, p.items[0].off);
	CHECK_EQ(0, p.items[3].off);
	CHECK(covers_once(&p, 3500));
	opts_base(&o);
	o.reorder = true;
	for (uint64_t seed = 0; seed < 50; seed++) {
		uint64_t r = seed;
		plan_frame(&o, 0, 2500, &r, &p); /* 3 segments: the identity is likely */
		int in_order = p.items[0].off < p.items[1].off && p.items[1].off < p.items[2].off;
		CHECK(!in_order);
		CHECK(covers_once(&p, 2500));
	}

	check_test("plan: --overlap precedes the first segment, inside it");
	opts_base(&o);
	o.overlap = true;
	plan_frame(&o, 0, 2500, &rng, &p);
	CHECK_EQ(4, p.n);
	CHECK(p.items[0].conflict);
	CHECK_EQ(500, p.items[0].off);
	CHECK_EQ(500, p.items[0].len);
	CHECK_EQ(0, p.items[1].off);
	CHECK(covers_once(&p, 2500));
	plan_frame(&o, 0, 40, &rng, &p); /* one segment: still a strict part of it */
	CHECK_EQ(2, p.n);
	CHECK(p.items[0].len < 40);

	check_test("plan: per-segment ECN and DSCP overrides");
	opts_base(&o);
	o.seg_ecn[0] = (struct seg_override){ 2, 3 };
	o.n_seg_ecn = 1;
	o.seg_dscp[0] = (struct seg_override){ 0, 46 };
	o.n_seg_dscp = 1;
	plan_frame(&o, 0, 3500, &rng, &p);
	CHECK_EQ(46, p.items[0].dscp);
	CHECK_EQ(-1, p.items[0].ecn);
	CHECK_EQ(-1, p.items[1].ecn);
	CHECK_EQ(3, p.items[2].ecn);
	CHECK_EQ(-1, p.items[2].dscp);

	check_test("plan: --tso is one segment");
	opts_base(&o);
	o.tso = true;
	plan_frame(&o, 0, 60000, &rng, &p);
	CHECK_EQ(1, p.n);
	CHECK_EQ(60000, p.items[0].len);

	check_test("parse: TCP flags");
	uint8_t fl = 0;
	CHECK_EQ(0, parse_tcp_flags("ACK,PSH,SYN", &fl));
	CHECK_EQ(STT_TCP_ACK | STT_TCP_PSH | STT_TCP_SYN, fl);
	CHECK_EQ(0, parse_tcp_flags("0x12", &fl));
	CHECK_EQ(0x12, fl);
	CHECK_EQ(0, parse_tcp_flags("none", &fl));
	CHECK_EQ(0, fl);
	CHECK_EQ(-1, parse_tcp_flags("ACK,BOGUS", &fl));
	CHECK_EQ(-1, parse_tcp_flags("0x100", &fl));

	check_test("parse: ECN and DSCP names");
	uint8_t v = 0;
	CHECK_EQ(0, parse_ecn("CE", &v));
	CHECK_EQ(3, v);
	CHECK_EQ(0, parse_ecn("ect(0)", &v));
	CHECK_EQ(2, v);
	CHECK_EQ(-1, parse_ecn("4", &v));
	CHECK_EQ(0, parse_dscp("EF", &v));
	CHECK_EQ(46, v);
	CHECK_EQ(0, parse_dscp("AF41", &v));
	CHECK_EQ(34, v);
	CHECK_EQ(0, parse_dscp("CS6", &v));
	CHECK_EQ(48, v);
	CHECK_EQ(-1, parse_dscp("64", &v));
	CHECK_EQ(-1, parse_dscp("AF44", &v));

	check_test("parse: epoch and durations, exactly");
	uint64_t ns = 0;
	CHECK_EQ(0, parse_epoch("1700000000.000001", &ns));
	CHECK_EQ(1700000000000001000ull, ns);
	CHECK_EQ(0, parse_epoch("1700000123.123456789", &ns));
	CHECK_EQ(1700000123123456789ull, ns);
	CHECK_EQ(-1, parse_epoch("17e8", &ns));
	CHECK_EQ(-1, parse_epoch("-1", &ns));
	CHECK_EQ(0, parse_duration("100us", &ns));
	CHECK_EQ(100000, ns);
	CHECK_EQ(0, parse_duration("1.5ms", &ns));
	CHECK_EQ(1500000, ns);
	CHECK_EQ(0, parse_duration("7", &ns));
	CHECK_EQ(7000, ns);
	CHECK_EQ(-1, parse_duration("3 fortnights", &ns));

	check_test("parse: MAC addresses");
	uint8_t mac[6];
	CHECK_EQ(0, parse_mac("02:53:54:00:00:0a", mac));
	CHECK_EQ(0x0a, mac[5]);
	CHECK_EQ(-1, parse_mac("02:53:54:00:00", mac));
	CHECK_EQ(-1, parse_mac("02:53:54:00:00:100", mac));
	CHECK_EQ(-1, parse_mac("02:53:54:00:00:0a:", mac));

	plan_free(&p);
	return check_done();
}
