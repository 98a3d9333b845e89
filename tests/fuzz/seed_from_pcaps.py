#!/usr/bin/env python3
"""Seed the outer-parser corpus from the regression captures in pcaps/:
every packet of every classic pcap file becomes one input of
corpus/outer/ in fuzz_outer's format (first byte: link type index, then
the packet, cut at 2048 bytes to keep the corpus small). Real captures,
including the kernel-made ones, reach parser paths hand-made seeds miss.
Re-run after adding captures, then commit the new files.
Usage: seed_from_pcaps.py [pcaps-dir [corpus-dir]]"""
import hashlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "pcaps", "tools"))
from pcapread import read_packets  # noqa: E402

PCAPS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "pcaps")
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "corpus", "outer")
# index into fuzz_outer.c's links[] for each pcap link type
LINK_INDEX = {1: 0, 101: 1, 12: 2, 0: 3, 108: 4, 228: 5, 229: 6, 113: 7, 276: 8}
MAX_BYTES = 2048


def packets(path):
    try:
        link, bodies = read_packets(path)
    except ValueError:
        return  # pcapng or not a capture: skipped
    for body in bodies:
        yield link, body


def main():
    os.makedirs(OUT, exist_ok=True)
    added = 0
    for name in sorted(os.listdir(PCAPS)):
        if not name.endswith(".pcap"):
            continue
        for link, body in packets(os.path.join(PCAPS, name)):
            if link not in LINK_INDEX:
                continue
            seed = bytes([LINK_INDEX[link]]) + body[:MAX_BYTES]
            digest = hashlib.sha1(seed).hexdigest()
            path = os.path.join(OUT, "pcap-" + digest)
            if not os.path.exists(path):
                with open(path, "wb") as f:
                    f.write(seed)
                added += 1
    print("seed_from_pcaps: %d new inputs in %s" % (added, OUT))


if __name__ == "__main__":
    main()
