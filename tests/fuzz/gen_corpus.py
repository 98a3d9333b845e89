#!/usr/bin/env python3
"""Write the seed corpora of tests/fuzz/corpus/<target>/ (small, hand-made
inputs; re-run after changing an input format, then commit the files).
Usage: gen_corpus.py [corpus-dir]"""
import os
import struct
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus")


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ipv4(src, dst, proto, payload, tos=0, ident=1, frag=0x4000):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, tos, 20 + len(payload), ident, frag, 64, proto, 0,
                    bytes(src), bytes(dst))
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def ipv6(src, dst, nh, payload, tc=0):
    return struct.pack("!IHBB16s16s", (6 << 28) | (tc << 20), len(payload), nh, 64, bytes(src),
                       bytes(dst)) + payload


def tcp(sport, dport, seq, ack, flags, payload, window=0):
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 0x50, flags, window, 0, 0) + payload


def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def eth(ethertype, payload, vlans=()):
    h = bytes([0x02, 0, 0, 0, 0, 2]) + bytes([0x02, 0, 0, 0, 0, 1])
    for tpid, tci in vlans:
        h += struct.pack("!HH", tpid, tci)
    return h + struct.pack("!H", ethertype) + payload


A4 = [192, 0, 2, 1]
B4 = [192, 0, 2, 2]
A6 = [0x20, 0x01, 0x0d, 0xb8] + [0] * 11 + [1]
B6 = [0x20, 0x01, 0x0d, 0xb8] + [0] * 11 + [2]


def stt_hdr(flags=0x0C, l4=34, mss=1448, vlan=0, ctx=42, version=0, rsvd=0, pad=0):
    return struct.pack("!BBBBHHQH", version, flags, l4, rsvd, mss, vlan, ctx, pad)


def inner_tcp4(payload=b"hello"):
    return eth(0x0800, ipv4([198, 51, 100, 1], [198, 51, 100, 2], 6,
                            tcp(40000, 80, 1000, 2000, 0x18, payload, 512)))


def inner_udp6():
    return eth(0x86DD, ipv6([0x20, 0x01, 0x0d, 0xb8] + [0] * 12, [0x20, 0x01, 0x0d, 0xb8] + [0] * 11 + [9],
                            17, udp(5000, 53, b"\x12\x34\x01\x00")))


def inner_icmp():
    icmp = struct.pack("!BBHHH", 8, 0, 0, 7, 1) + b"\xab" * 56
    icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
    return eth(0x0800, ipv4([198, 51, 100, 1], [198, 51, 100, 2], 1, icmp))


def inner_arp():
    arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, b"\x02\0\0\0\0\x01",
                      bytes([198, 51, 100, 1]), b"\0" * 6, bytes([198, 51, 100, 2]))
    return eth(0x0806, arp)


def inner_vlan_ipv6_ext():
    # hop-by-hop (8 bytes) then TCP
    hbh = bytes([6, 0]) + b"\x01\x04\0\0\0\0"
    ip = ipv6([0x20, 0x01, 0x0d, 0xb8] + [0] * 12, [0x20, 0x01, 0x0d, 0xb8] + [0] * 11 + [9], 0,
              hbh + tcp(1, 2, 3, 4, 0x10, b""))
    return eth(0x86DD, ip, vlans=[(0x8100, 0x2064)])


def write(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def stt_segment(frame, off, length, l3="eth4", ack=7, flags=0x10):
    seg = tcp(50000, 7471, (len(frame) << 16) | off, ack, flags, frame[off:off + length])
    if l3 in ("eth4", "raw4", "sll4", "sll2_4", "null4", "vlan4"):
        ip = ipv4(A4, B4, 6, seg)
    else:
        ip = ipv6(A6, B6, 6, seg)
    return ip


def main():
    # frame_hdr: STT frames (header + inner)
    write("frame_hdr", "tcp4", stt_hdr() + inner_tcp4())
    write("frame_hdr", "tso_partial", stt_hdr(flags=0x0E, l4=34, mss=1448) + inner_tcp4(b"x" * 3000))
    write("frame_hdr", "udp6", stt_hdr(flags=0x00, l4=0) + inner_udp6())
    write("frame_hdr", "arp_vlan", stt_hdr(flags=0, l4=0, mss=0, vlan=0x1064) + inner_arp())
    write("frame_hdr", "bad_fields", stt_hdr(flags=0xF3, l4=200, version=1, rsvd=9, pad=1, vlan=0x0064) + inner_icmp())
    write("frame_hdr", "hdr_only", stt_hdr())
    write("frame_hdr", "short17", stt_hdr()[:17])
    write("frame_hdr", "empty", b"")

    # outer: first byte = link index (see fuzz_outer.c) | 0x20 verify csum
    frame = stt_hdr() + inner_tcp4()
    ip4 = stt_segment(frame, 0, len(frame))
    ip6 = stt_segment(frame, 0, len(frame), l3="eth6")
    write("outer", "eth_ipv4", bytes([0x20]) + eth(0x0800, ip4))
    write("outer", "eth_ipv6", bytes([0x20]) + eth(0x86DD, ip6))
    write("outer", "eth_vlan2", bytes([0x20]) + eth(0x0800, ip4, vlans=[(0x88A8, 10), (0x8100, 20)]))
    write("outer", "raw4", bytes([0x21]) + ip4)
    write("outer", "raw6_dlt12", bytes([0x22]) + ip6)
    write("outer", "null_loop", bytes([0x23]) + struct.pack("<I", 2) + ip4)
    write("outer", "openbsd_loop", bytes([0x24]) + struct.pack(">I", 24) + ip6)
    write("outer", "ipv4_link", bytes([0x25]) + ip4)
    write("outer", "ipv6_link", bytes([0x26]) + ip6)
    write("outer", "sll", bytes([0x27]) + struct.pack("!HHH8sH", 0, 1, 6, b"\x02\0\0\0\0\x01\0\0", 0x0800) + ip4)
    write("outer", "sll2", bytes([0x28]) + struct.pack("!HHIHBB8s", 0x0800, 0, 2, 1, 0, 6, b"\x02\0\0\0\0\x01\0\0") + ip4)
    write("outer", "unsupported", bytes([0x29]) + ip4)
    write("outer", "truncated", bytes([0x30]) + eth(0x0800, ip4)[:60])
    write("outer", "fragment", bytes([0x20]) + eth(0x0800, ipv4(A4, B4, 6, ip4[20:60], frag=0x2000)))
    write("outer", "udp", bytes([0x20]) + eth(0x0800, ipv4(A4, B4, 17, udp(1, 7471, b"abc"))))
    write("outer", "arp", bytes([0x20]) + inner_arp())
    write("outer", "tcp_options", bytes([0x20]) + eth(0x0800, ipv4(A4, B4, 6,
          struct.pack("!HHIIBBHHH", 50000, 7471, 0, 1, 0x60, 0x10, 0, 0, 0) + b"\x01\x01\x01\x00" + b"z")))
    write("outer", "gso_len0", bytes([0x21]) + ip4[:2] + b"\0\0" + ip4[4:])

    # reasm: records of 7 bytes [flags, flen, off, len] (+ payload if bit 3)
    def rec(key, flen, off, length, raw=False, big=False, step=0, payload=b""):
        b = key | (0x08 if raw else 0) | (0x10 if big else 0) | (step << 5)
        return struct.pack("!BHHH", b, flen, off, length) + payload

    # small frame of 18 + 282 = 300 bytes (flen field 282 folds to 300)
    inorder = b"".join(rec(0, 282, o, 100) for o in (0, 100, 200))
    write("reasm", "in_order", inorder)
    write("reasm", "reverse", b"".join(rec(1, 282, o, 100) for o in (200, 100, 0)))
    write("reasm", "dups", b"".join(rec(2, 282, o, 150) for o in (0, 0, 75, 150, 150, 0)))
    write("reasm", "coalesced", rec(3, 282, 0, 300) + rec(3, 282, 100, 100))
    write("reasm", "interleaved", b"".join(rec(k, 500 + k, o, 130) for o in (0, 130, 260, 390) for k in range(8)))
    write("reasm", "conflict", rec(0, 282, 0, 200) + rec(0, 282, 100, 50, raw=True, payload=b"\xee" * 50)
          + rec(0, 282, 200, 100))
    write("reasm", "len_mismatch", rec(0, 282, 0, 100) + rec(0, 283, 100, 100) + rec(0, 282, 100, 200))
    write("reasm", "bad_segments", rec(0, 282, 0, 0) + rec(0, 10, 0, 5, big=True) + rec(0, 100, 90, 20, big=True))
    write("reasm", "big_64k", b"".join(rec(4, 65535, o, min(8948, 65535 - o), big=True) for o in range(0, 65535, 8948)))
    write("reasm", "big_partial_steps", b"".join(rec(5, 65535, o, 1, big=True, step=3) for o in range(0, 65535, 4000)))
    write("reasm", "timeout_then_tail", rec(6, 282, 0, 200) + rec(6, 282, 200, 100, step=7) * 6)
    write("reasm", "late_dup_then_reuse", inorder + rec(0, 282, 0, 100) + rec(0, 282, 0, 300, raw=True, payload=bytes(range(256)) + b"\x01" * 44))

    # inner: Ethernet frames
    write("inner", "tcp4", inner_tcp4())
    write("inner", "udp6", inner_udp6())
    write("inner", "icmp", inner_icmp())
    write("inner", "arp", inner_arp())
    write("inner", "vlan_ipv6_hbh", inner_vlan_ipv6_ext())
    write("inner", "ipv4_fragment", eth(0x0800, ipv4([198, 51, 100, 1], [198, 51, 100, 2], 6, b"\0" * 16, frag=0x0010)))
    write("inner", "truncated_ip", inner_tcp4()[:30])
    write("inner", "short_eth", b"\x02\0\0\0\0\x02\x02\0")
    write("inner", "unknown_ethertype", eth(0x88CC, b"\x02\x07\x04" + b"\0" * 40))


if __name__ == "__main__":
    main()
