#!/usr/bin/env python3
"""End-to-end payload check: what stt-send encapsulates is, byte for
byte, what stt-dump --decap hands back, through every impairment that
must not change the bytes delivered (reordering, duplicates, coalescing,
interleaving, IPv6 outer, the largest frame, a TSO super-packet), and
nothing at all comes back from a frame with conflicting overlap.

The golden text and JSON outputs only summarise inner packets; this
compares all of their bytes. Standard library only.

Usage: decap_roundtrip.py STT_SEND STT_DUMP
Exit: 0 all scenarios agree, 1 a mismatch, 2 setup error.
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "pcaps",
                                "tools"))
from pcapread import read_packets  # noqa: E402

COMMON = ["-q", "--seed", "1", "--start-time", "1700000000", "--context", "42",
          "--src", "192.0.2.1", "--dst", "192.0.2.2"]
# (label, stt-send arguments, frames expected back: "all" or 0)
SCENARIOS = [
    ("one segment", ["--ping", "--size", "100"], "all"),
    ("reordered", ["--ping", "--size", "6000", "--reorder", "--seed", "7"], "all"),
    ("every segment duplicated", ["--ping", "--size", "4000", "--duplicate", "all"], "all"),
    ("coalesced by 3", ["--ping", "--size", "8000", "--coalesce", "3"], "all"),
    ("3 frames interleaved, reversed", ["--udp", "--size", "3000", "--count", "3",
                                        "--interleave=3", "--reverse"], "all"),
    ("65535-byte frame", ["--ping", "--size", "65503"], "all"),
    ("IPv6 outer", ["--udp", "--size", "3000", "--src", "2001:db8::1", "--dst", "2001:db8::2"],
     "all"),
    ("ARP", ["--arp"], "all"),
    ("TSO super-packet", ["--tcp-syn", "--size", "30000", "--tso", "--csum", "pseudo"], "all"),
    ("conflicting overlap", ["--ping", "--size", "4000", "--overlap"], 0),
]


def packets(path):
    """Packet bytes of a pcap file."""
    return read_packets(path)[1]


def run_one(send, dump, tmp, label, args, expect):
    wire, inner, decap = (os.path.join(tmp, n) for n in ("wire.pcap", "in.pcap", "out.pcap"))
    subprocess.run([send] + COMMON + args + ["-w", wire, "--write-inner", inner], check=True)
    subprocess.run([dump, "-r", wire, "--decap", decap, "--no-summary"], check=True,
                   stdout=subprocess.DEVNULL)
    sent, got = packets(inner), packets(decap)
    want = sorted(sent) if expect == "all" else []
    if sorted(got) == want:
        print("TEST: %s: %d of %d inner frame(s) back, bytes identical [ OK ]"
              % (label, len(got), len(sent)))
        return True
    print("TEST: %s [FAIL]: sent %d inner frame(s) (%s bytes), expected %d back, got %d (%s bytes)"
          % (label, len(sent), [len(p) for p in sent], len(want), len(got),
             [len(p) for p in got]))
    for i, (a, b) in enumerate(zip(sorted(sent), sorted(got))):
        if a != b:
            n = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
            print("  frame %d: first difference at byte %d" % (i, n))
    return False


def self_check(send, dump, tmp):
    """The comparison must notice a changed byte: compare a decap against
    the inner frames of a run with one inner byte different."""
    a, b = os.path.join(tmp, "a.pcap"), os.path.join(tmp, "b.pcap")
    wire = os.path.join(tmp, "w.pcap")
    subprocess.run([send] + COMMON + ["--ping", "--size", "3000", "--inner-tos", "0",
                                      "-w", wire, "--write-inner", a], check=True)
    subprocess.run([send] + COMMON + ["--ping", "--size", "3000", "--inner-tos", "4",
                                      "-w", os.path.join(tmp, "x.pcap"), "--write-inner", b],
                   check=True)
    dec = os.path.join(tmp, "d.pcap")
    subprocess.run([dump, "-r", wire, "--decap", dec, "--no-summary"], check=True,
                   stdout=subprocess.DEVNULL)
    same = sorted(packets(dec)) == sorted(packets(a))
    differs = sorted(packets(dec)) != sorted(packets(b))
    ok = same and differs
    print("TEST: self-check: a one-byte difference in the inner frame is noticed [%s]"
          % (" OK " if ok else "FAIL"))
    return ok


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    send, dump = argv
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        try:
            for label, args, expect in SCENARIOS:
                ok &= run_one(send, dump, tmp, label, args, expect)
            ok &= self_check(send, dump, tmp)
        except (subprocess.CalledProcessError, ValueError) as e:
            print("decap_roundtrip: %s" % e)
            return 2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
