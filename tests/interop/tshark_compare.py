#!/usr/bin/env python3
"""Interop check: decode a capture with Wireshark's STT dissector (tshark)
and with stt-dump --json, and compare every reassembled frame field by
field. Standard library only.

Wireshark 4.x has known STT defects (spec/STT-NOTES.md). Where they make
the two disagree, this script says so explicitly ("WIRESHARK DEFECT")
and checks that stt-dump has it right instead:

  - it declares a frame complete when the last <= 20 bytes are missing:
    stt-dump must not deliver that frame, and must warn it incomplete;
  - it delivers a frame whose segments overlapped with different bytes:
    stt-dump must discard it and warn overlap_conflict;
  - port 7471 is hard-wired: captures on other ports are skipped;
  - stt.reassembled.length counts 20 bytes more than the STT frame (it
    includes the first segment's TCP-like header): compared as such.

Usage:
  tshark_compare.py STT_DUMP PCAP [-- STT_DUMP_ARGS...]
  tshark_compare.py --self-test STT_DUMP PCAP [-- ARGS...]
      the comparison must pass as is and fail for each deliberately
      wrong JSON (one field changed, a frame removed, a frame added)
Exit: 0 agree, 1 disagree, 2 setup error, 77 skipped (CTest SKIP).
"""
import copy
import json
import subprocess
import sys

SKIP = 77
TSHARK_PREFS = ["-o", "ip.try_heuristic_first:TRUE", "-o", "ipv6.try_heuristic_first:TRUE"]
FIELDS = [
    "frame.number", "frame.time_epoch", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "ip.len", "ip.hdr_len",
    "ipv6.plen", "stt.stream_id", "stt.dport", "stt.pkt_len", "stt.seg_off", "stt.pkt_id",
    "stt.version", "stt.flags", "stt.l4offset", "stt.reserved", "stt.mss", "stt.vlan.pcp",
    "stt.vlan.v", "stt.vlan.id", "stt.context_id", "stt.padding", "stt.segment",
    "stt.reassembled.length",
]
# Wireshark field -> (stt-dump JSON accessor, label). Both sides as ints.
FRAME_FIELDS = [
    ("stt.stream_id", lambda f: f["stream_id"]),
    ("stt.dport", lambda f: f["dport"]),
    ("stt.pkt_len", lambda f: f["pkt_len"]),
    ("stt.pkt_id", lambda f: f["pkt_id"]),
    ("stt.version", lambda f: f["version"]),
    ("stt.flags", lambda f: f["flags"]["value"]),
    ("stt.l4offset", lambda f: f["l4offset"]),
    ("stt.reserved", lambda f: f["reserved"]),
    ("stt.mss", lambda f: f["mss"]),
    ("stt.vlan.pcp", lambda f: f["vlan"]["pcp"]),
    ("stt.vlan.v", lambda f: 1 if f["vlan"]["v"] else 0),
    ("stt.vlan.id", lambda f: f["vlan"]["id"]),
    ("stt.context_id", lambda f: int(f["context_id"], 16)),
    ("stt.padding", lambda f: f["padding"]),
]
WIRESHARK_MAX_MISSING = 20


class Setup(Exception):
    pass


def as_int(s):
    s = s.strip()
    if s in ("", None):
        return None
    if s in ("True", "true"):
        return 1
    if s in ("False", "false"):
        return 0
    return int(s, 0)


def tshark_rows(pcap):
    """One dict per packet. All occurrences of every field are asked for
    (stt.segment is a list), and the first is kept for the others: with
    the inner frame dissected too, ip.src occurs twice and the outer one
    comes first."""
    cmd = ["tshark", "-n"] + TSHARK_PREFS + ["-r", pcap, "-T", "fields", "-E", "separator=\t",
                                              "-E", "occurrence=a", "-E", "aggregator=,"]
    for f in FIELDS:
        cmd += ["-e", f]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    except FileNotFoundError:
        raise Setup("tshark is not installed")
    rows = []
    for line in p.stdout.splitlines():
        cols = line.split("\t")
        if len(cols) != len(FIELDS):
            continue
        r = {f: c.split(",")[0] for f, c in zip(FIELDS, cols)}
        r["segments"] = [int(x) for x in cols[FIELDS.index("stt.segment")].split(",") if x]
        rows.append(r)
    return rows


def dump_json(dump, pcap, args):
    p = subprocess.run([dump, "-r", pcap, "--json"] + args, capture_output=True, text=True,
                       timeout=120)
    if p.returncode == 2:
        return None, p.stderr.strip()
    objs = []
    for n, line in enumerate(p.stdout.splitlines(), 1):
        try:
            objs.append(json.loads(line))
        except ValueError as e:
            raise Setup("stt-dump --json line %d is not JSON: %s" % (n, e))
    return objs, None


def seg_payload_len(r):
    """TCP-like payload bytes of one tshark row (20-byte header, no options)."""
    if r["ip.len"]:
        return as_int(r["ip.len"]) - as_int(r["ip.hdr_len"]) - 20
    if r["ipv6.plen"]:
        return as_int(r["ipv6.plen"]) - 20
    return None


def key_of(r):
    src = r["ip.src"] or r["ipv6.src"]
    dst = r["ip.dst"] or r["ipv6.dst"]
    return (src, dst, as_int(r["stt.pkt_id"]))


def covered(rows_upto, key, frame_len):
    """Bytes of [0, frame_len) covered by the segments of key seen so far."""
    spans = []
    for r in rows_upto:
        if r["stt.stream_id"] and key_of(r) == key:
            n = seg_payload_len(r)
            off = as_int(r["stt.seg_off"])
            if n is not None and off is not None and n > 0:
                spans.append((off, min(off + n, frame_len)))
    spans.sort()
    total, end = 0, 0
    for a, b in spans:
        a = max(a, end)
        if b > a:
            total += b - a
            end = b
    return total


class Report:
    def __init__(self, name):
        self.name = name
        self.fails = 0
        self.lines = []

    def ok(self, msg):
        self.lines.append("  ok: " + msg)

    def note(self, msg):
        self.lines.append("  " + msg)

    def fail(self, msg):
        self.fails += 1
        self.lines.append("  MISMATCH: " + msg)


# Where Wireshark delivers a frame that stt-dump (rightly) does not: the
# stt-dump warning that must be present for that frame, and what it means.
EXPLAINED = [
    ("incomplete_timeout", "WIRESHARK DEFECT: no reassembly timeout; it completes a frame whose "
     "first segment is older than the timeout, stt-dump gives up on it (incomplete_timeout)"),
    ("evicted", "WIRESHARK DEFECT: no memory limit; stt-dump evicted this frame under its "
     "memory cap (evicted)"),
    ("seg_out_of_range", "WIRESHARK DEFECT: it accepts segments reaching beyond the frame "
     "length; stt-dump drops them (seg_out_of_range), so the frame stays incomplete"),
    ("frame_too_short", "WIRESHARK DEFECT: it decodes a frame whose length cannot hold the "
     "STT header; stt-dump drops it (frame_too_short)"),
    ("frame_len_mismatch", "POLICY DIFFERENCE: Wireshark (like OVS) ignores a segment whose "
     "frame length differs from its frame's; stt-dump drops that segment (frame_len_mismatch)"),
    ("overlap_conflict", "WIRESHARK DEFECT: it delivers a frame whose segments overlapped with "
     "different bytes; stt-dump discards the frame (overlap_conflict)"),
    ("ip_fragmented", "STT-DUMP LIMITATION: Wireshark reassembles outer IP fragments, stt-dump "
     "does not decode fragments and warns ip_fragmented instead"),
]
TIMEOUT_S = 30


def evidence(check, krows):
    """Does Wireshark's own decode of the frame's segments (krows) show
    what stt-dump's warning claims? None: not checkable from its fields."""
    if check == "incomplete_timeout":
        t = [float(r["frame.time_epoch"]) for r in krows]
        return max(t) - min(t) > TIMEOUT_S
    if check == "seg_out_of_range":
        return any(as_int(r["stt.seg_off"]) + (seg_payload_len(r) or 0) > as_int(r["stt.pkt_len"])
                   for r in krows)
    if check == "frame_too_short":
        return any(as_int(r["stt.pkt_len"]) < 18 for r in krows)
    if check == "frame_len_mismatch":
        return len({as_int(r["stt.pkt_len"]) for r in krows}) > 1
    return None


# Fields that come from the TCP-like header itself (not from the STT
# frame header), still comparable when Wireshark misplaces the STT header.
TCP_FIELDS = ("stt.stream_id", "stt.dport", "stt.pkt_len", "stt.pkt_id")


def compare(rows, objs, rep):
    frames = [o for o in objs if o.get("type") == "frame"]
    warnings = [o for o in objs if o.get("type") == "warning"]
    ours = {f["packet"]: f for f in frames}
    by_num = {as_int(r["frame.number"]): r for r in rows}
    matched = set()

    def key_packets(key):
        return {as_int(r["frame.number"]) for r in rows if r["stt.stream_id"] and key_of(r) == key}

    def warned(check, key):
        """stt-dump warned `check` about a packet of this frame (or named its
        id). An IP fragment's warning names the first fragment, which
        Wireshark does not list as an STT packet: any fragment warning
        counts."""
        pkts = key_packets(key)
        if check == "ip_fragmented":
            return any(w.get("check") == check for w in warnings)
        ack = "0x%08x" % key[2]
        for w in warnings:
            if w.get("check") == check and (w.get("packet") in pkts or ack in w.get("detail", "")):
                return True
        for f in frames:
            if check in f.get("warnings", []) and f["packet"] in pkts:
                return True
        return False

    theirs = [r for r in rows if r["stt.version"] != ""]
    for t in theirs:
        num = as_int(t["frame.number"])
        key = key_of(t)
        f = ours.get(num)
        label = "frame completed by packet %d (ack 0x%08x)" % (num, key[2])
        if f is None or not f.get("complete"):
            if f is not None and not t["segments"] and not t["stt.reassembled.length"]:
                # A snaplen-cut frame: both sides decode the header they have.
                rep.note("%s: snaplen-cut; both decode its STT header, neither reassembles it"
                         % label)
                label = "header of cut frame at packet %d" % num
            else:
                frame_len = as_int(t["stt.pkt_len"])
                have = covered([r for r in rows if as_int(r["frame.number"]) <= num], key,
                               frame_len)
                missing = frame_len - have
                if 0 < missing <= WIRESHARK_MAX_MISSING:
                    rep.note("WIRESHARK DEFECT: %s declared complete with %d byte(s) missing"
                             % (label, missing))
                    if any(warned(c, key) for c in ("incomplete_eof", "incomplete_timeout")):
                        rep.ok("stt-dump does not deliver it and warns it incomplete")
                    else:
                        rep.fail("stt-dump neither delivers %s nor warns it incomplete" % label)
                    continue
                why = [(check, text) for check, text in EXPLAINED if warned(check, key)]
                if why:
                    rep.note("%s: Wireshark delivers it, stt-dump does not:" % label)
                    krows = [r for r in rows if r["stt.stream_id"] and key_of(r) == key
                             and as_int(r["frame.number"]) <= num]
                    for check, text in why:
                        rep.note("  " + text)
                        ev = evidence(check, krows)
                        if ev is False:
                            rep.fail("%s: stt-dump warned %s, but Wireshark's decode of the "
                                     "segments shows no such thing" % (label, check))
                        elif ev:
                            rep.ok("Wireshark's own fields confirm %s" % check)
                    rep.ok("stt-dump warned as it should")
                    continue
                rep.fail("%s: Wireshark reassembled it, stt-dump has no complete frame there"
                         % label)
                continue
        matched.add(num)
        fields = FRAME_FIELDS
        if f.get("complete") and "tcp_options" in warnings_of(f, warnings):
            rep.note("WIRESHARK DEFECT: %s has TCP options; Wireshark ignores the data offset "
                     "and reads the options as the STT header (stt-dump warns tcp_options and "
                     "skips them); comparing the TCP-like header fields only" % label)
            fields = [x for x in FRAME_FIELDS if x[0] in TCP_FIELDS]
        bad = 0
        for field, get in fields:
            want = as_int(t[field])
            got = get(f)
            if want != got:
                rep.fail("%s: %s: Wireshark %s, stt-dump %s" % (label, field, want, got))
                bad += 1
        if not f.get("complete"):
            if not bad:
                rep.ok("%s: %d header fields agree" % (label, len(fields)))
            continue
        # Segments: the offsets of the segments Wireshark put in the frame
        # (it lists an absorbed duplicate too: compare the distinct ones).
        if t["segments"]:
            want_offs = sorted({as_int(by_num[n]["stt.seg_off"]) for n in t["segments"]
                                if n in by_num})
        else:
            want_offs = [as_int(t["stt.seg_off"])]
        got_offs = sorted(set(f["seg_off"]))
        if len(got_offs) != len(f["seg_off"]):
            rep.fail("%s: stt-dump lists a segment offset twice: %s" % (label, f["seg_off"]))
            bad += 1
        if want_offs != got_offs:
            rep.fail("%s: segment offsets: Wireshark %s, stt-dump %s"
                     % (label, want_offs, got_offs))
            bad += 1
        rl = as_int(t["stt.reassembled.length"])
        if rl is not None:
            # Wireshark counts the first segment's 20-byte TCP-like header.
            if rl - 20 != f["reassembled_length"]:
                rep.fail("%s: stt.reassembled.length %d (- 20) vs stt-dump %s"
                         % (label, rl, f["reassembled_length"]))
                bad += 1
        if not bad:
            rep.ok("%s: %d fields and %d segment offset(s) agree" % (label, len(fields),
                                                                     len(got_offs)))

    for num, f in sorted(ours.items()):
        if num not in matched and f.get("complete"):
            rep.fail("stt-dump delivered a frame at packet %d (ack 0x%08x) that Wireshark "
                     "did not reassemble" % (num, f["pkt_id"]))
    if not theirs and not ours:
        rep.ok("neither side reassembled a frame")


def warnings_of(f, warnings):
    names = set(f.get("warnings", []))
    names.update(w.get("check") for w in warnings if w.get("packet") == f["packet"])
    return names


def run(dump, pcap, args, mutate=None):
    if any(a == "--port" or a.startswith("--port=") for a in args):
        print("SKIP %s: Wireshark's STT dissector only knows port 7471" % pcap)
        return SKIP
    objs, err = dump_json(dump, pcap, args)
    if objs is None:
        print("SKIP %s: stt-dump refuses this input (%s); nothing to compare" % (pcap, err))
        return SKIP
    rows = tshark_rows(pcap)
    if mutate:
        objs = mutate(objs)
    rep = Report(pcap)
    compare(rows, objs, rep)
    print("%s %s" % ("FAIL" if rep.fails else "ok", pcap))
    print("\n".join(rep.lines))
    return 1 if rep.fails else 0


def first_frame_index(objs):
    for i, o in enumerate(objs):
        if o.get("type") == "frame" and o.get("complete"):
            return i
    return None


def mutations():
    def change(field, fn):
        def m(objs):
            objs = copy.deepcopy(objs)
            i = first_frame_index(objs)
            objs[i] = fn(objs[i])
            return objs
        return "%s changed" % field, m

    def ctx(f):
        f["context_id"] = "0x%016x" % (int(f["context_id"], 16) ^ 1)
        return f

    def flags(f):
        f["flags"]["value"] ^= 0x04
        return f

    def sport(f):
        f["stream_id"] ^= 0x100
        return f

    def offs(f):
        f["seg_off"] = f["seg_off"] + [99]
        return f

    def drop(objs):
        objs = copy.deepcopy(objs)
        del objs[first_frame_index(objs)]
        return objs

    def extra(objs):
        objs = copy.deepcopy(objs)
        f = copy.deepcopy(objs[first_frame_index(objs)])
        f["packet"] += 100000
        return objs + [f]

    return [change("context_id", ctx), change("flags", flags), change("stream_id", sport),
            change("seg_off", offs), ("a frame removed", drop), ("a frame added", extra)]


def drop_warnings(objs):
    """stt-dump's output without any warning: where Wireshark's defects
    were excused by stt-dump's warnings, the comparison must now fail."""
    objs = copy.deepcopy([o for o in objs if o.get("type") != "warning"])
    for o in objs:
        o["warnings"] = []
    return objs


def self_test(dump, pcap, args):
    rc = run(dump, pcap, args)
    if rc != 0:
        print("self-test: the unmodified comparison must pass first (got %d)" % rc)
        return 1
    objs, _ = dump_json(dump, pcap, args)
    if objs is None:
        print("self-test: stt-dump refuses %s" % pcap)
        return 2
    todo = mutations() if first_frame_index(objs) is not None else []
    if any(o.get("type") == "warning" for o in objs):
        todo.append(("the warnings that excuse Wireshark's defects removed", drop_warnings))
    if not todo:
        print("self-test: %s has neither a complete frame nor a warning to mutate" % pcap)
        return 2
    failures = 0
    for label, m in todo:
        rc = run(dump, pcap, args, mutate=m)
        if rc == 1:
            print("TEST: wrong JSON (%s) is caught [ OK ]" % label)
        else:
            print("TEST: wrong JSON (%s) is caught [FAIL] (exit %d)" % (label, rc))
            failures += 1
    return 1 if failures else 0


def main(argv):
    selftest = False
    if argv and argv[0] == "--self-test":
        selftest = True
        argv = argv[1:]
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    dump, pcap = argv[0], argv[1]
    args = argv[2:]
    if args and args[0] == "--":
        args = args[1:]
    try:
        return self_test(dump, pcap, args) if selftest else run(dump, pcap, args)
    except Setup as e:
        print("tshark_compare: %s" % e)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
