#!/usr/bin/env python3
"""pcapedit: the few deterministic rewrites pcaps/make-pcaps.sh needs on
top of what stt-send writes (Ethernet pcaps): other link types, an outer
VLAN tag, IPv4 options, and the deliberately broken files. Standard
library only; a capture-making helper, not part of sttkit.

  pcapedit.py relink {raw,sll,sll2} IN OUT   strip Ethernet, write another link type
  pcapedit.py vlan ID PCP IN OUT             insert an 802.1Q tag after the MACs
  pcapedit.py ipopts IN OUT                  add 4 bytes of IPv4 options (Router Alert)
  pcapedit.py snaplen N IN OUT               cut every record to N bytes, as tcpdump -s N
  pcapedit.py cut-mid-record IN OUT          drop the second half of the last record
  pcapedit.py linktype N IN OUT              claim another link type in the file header
  pcapedit.py poke PKT OFF HEX IN OUT        overwrite bytes of packet PKT (1-based)
  pcapedit.py nonstt-tcp OUT                 an ordinary TCP exchange with port 7471
  pcapedit.py tcpcsum IN OUT                 recompute every IPv4/IPv6 TCP checksum (after poke)
  pcapedit.py strip-payload PKT IN OUT       make packet PKT a zero-length segment
  pcapedit.py fragment PKT IN OUT            split IPv4 packet PKT into two IP fragments
  pcapedit.py tcpopts PKT IN OUT             give packet PKT 4 bytes of TCP options (NOPs)
  pcapedit.py pcapng IN OUT                  the same packets in pcapng (SHB, IDB, EPBs)
  pcapedit.py inner-tcp IPLEN SEQ OUT        an inner TSO-sized TCP data segment (partial checksum)
  pcapedit.py shrink-frame PKT N IN OUT      cut single-segment frame PKT to an N-byte STT frame
"""
import struct
import sys

LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_LINUX_SLL = 113
LINKTYPE_LINUX_SLL2 = 276
MAGIC_US = 0xA1B2C3D4


def die(msg):
    sys.stderr.write("pcapedit: %s\n" % msg)
    sys.exit(2)


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        die("%s: too short for a pcap header" % path)
    magic, = struct.unpack("<I", data[:4])
    if magic != MAGIC_US:
        die("%s: not a little-endian microsecond pcap" % path)
    _, _, _, _, snaplen, linktype = struct.unpack("<HHiIII", data[4:24])
    recs = []
    off = 24
    while off < len(data):
        if off + 16 > len(data):
            die("%s: truncated record header at byte %d" % (path, off))
        sec, usec, caplen, wirelen = struct.unpack("<IIII", data[off:off + 16])
        off += 16
        if off + caplen > len(data):
            die("%s: truncated record at byte %d" % (path, off))
        recs.append([sec, usec, data[off:off + caplen], wirelen])
        off += caplen
    return linktype, snaplen, recs


def pcap_bytes(linktype, snaplen, recs):
    out = [struct.pack("<IHHiIII", MAGIC_US, 2, 4, 0, 0, snaplen, linktype)]
    for sec, usec, pkt, wirelen in recs:
        out.append(struct.pack("<IIII", sec, usec, len(pkt), wirelen))
        out.append(pkt)
    return b"".join(out)


def write_pcap(path, linktype, snaplen, recs):
    with open(path, "wb") as f:
        f.write(pcap_bytes(linktype, snaplen, recs))


def ip_checksum(hdr):
    if len(hdr) % 2:
        hdr += b"\0"
    s = sum(struct.unpack("!%dH" % (len(hdr) // 2), hdr))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def eth_split(pkt):
    """(dst, src, ethertype, l3 payload) of an Ethernet frame, VLANs skipped."""
    off = 12
    etype, = struct.unpack("!H", pkt[off:off + 2])
    while etype in (0x8100, 0x88A8):
        off += 4
        etype, = struct.unpack("!H", pkt[off:off + 2])
    return pkt[0:6], pkt[6:12], etype, pkt[off + 2:]


def need_ethernet(linktype, what):
    if linktype != LINKTYPE_ETHERNET:
        die("%s needs an Ethernet capture (link type %d given)" % (what, linktype))


def cmd_relink(kind, src, dst):
    linktype, snaplen, recs = read_pcap(src)
    need_ethernet(linktype, "relink")
    out = []
    for sec, usec, pkt, wirelen in recs:
        _, smac, etype, l3 = eth_split(pkt)
        hdrlen = len(pkt) - len(l3)
        if kind == "raw":
            new, lt = l3, LINKTYPE_RAW
            newhdr = 0
        elif kind == "sll":
            # packet type 0 (to us), ARPHRD_ETHER, 6-byte address
            new = struct.pack("!HHH", 0, 1, 6) + smac + b"\0\0" + struct.pack("!H", etype) + l3
            lt, newhdr = LINKTYPE_LINUX_SLL, 16
        elif kind == "sll2":
            # protocol, reserved, ifindex 2, ARPHRD_ETHER, to us, 6-byte address
            new = struct.pack("!HHIHBB", etype, 0, 2, 1, 0, 6) + smac + b"\0\0" + l3
            lt, newhdr = LINKTYPE_LINUX_SLL2, 20
        else:
            die("relink: unknown kind %s (raw, sll, sll2)" % kind)
        out.append([sec, usec, new, wirelen - hdrlen + newhdr])
    write_pcap(dst, lt, snaplen, out)


def cmd_vlan(vid, pcp, src, dst):
    linktype, snaplen, recs = read_pcap(src)
    need_ethernet(linktype, "vlan")
    tag = struct.pack("!HH", 0x8100, (int(pcp) << 13) | int(vid))
    out = [[s, u, p[:12] + tag + p[12:], w + 4] for s, u, p, w in recs]
    write_pcap(dst, linktype, snaplen, out)


def cmd_ipopts(src, dst):
    """Router Alert (RFC 2113): 4 option bytes. The TCP checksum does not
    cover the IP header, so only IHL, total length and the IP checksum
    change."""
    linktype, snaplen, recs = read_pcap(src)
    need_ethernet(linktype, "ipopts")
    out = []
    for sec, usec, pkt, wirelen in recs:
        _, _, etype, l3 = eth_split(pkt)
        ethlen = len(pkt) - len(l3)
        if etype != 0x0800 or (l3[0] & 0x0F) != 5:
            out.append([sec, usec, pkt, wirelen])
            continue
        hdr = bytearray(l3[:20]) + b"\x94\x04\x00\x00"
        hdr[0] = 0x46
        total, = struct.unpack("!H", hdr[2:4])
        struct.pack_into("!H", hdr, 2, total + 4)
        struct.pack_into("!H", hdr, 10, 0)
        struct.pack_into("!H", hdr, 10, ip_checksum(bytes(hdr)))
        out.append([sec, usec, pkt[:ethlen] + bytes(hdr) + l3[20:], wirelen + 4])
    write_pcap(dst, linktype, snaplen, out)


def cmd_snaplen(n, src, dst):
    linktype, _, recs = read_pcap(src)
    n = int(n)
    write_pcap(dst, linktype, n, [[s, u, p[:n], w] for s, u, p, w in recs])


def cmd_cut_mid_record(src, dst):
    linktype, snaplen, recs = read_pcap(src)
    data = pcap_bytes(linktype, snaplen, recs)
    last = len(recs[-1][2])
    with open(dst, "wb") as f:
        f.write(data[:len(data) - last // 2])


def cmd_linktype(n, src, dst):
    _, snaplen, recs = read_pcap(src)
    write_pcap(dst, int(n), snaplen, recs)


def cmd_poke(pktno, off, hexbytes, src, dst):
    linktype, snaplen, recs = read_pcap(src)
    i, off = int(pktno) - 1, int(off, 0)
    b = bytes.fromhex(hexbytes)
    p = bytearray(recs[i][2])
    if off + len(b) > len(p):
        die("poke: offset %d + %d beyond packet %d (%d bytes)" % (off, len(b), i + 1, len(p)))
    p[off:off + len(b)] = b
    recs[i][2] = bytes(p)
    write_pcap(dst, linktype, snaplen, recs)


def tcp_packet(src, dst, sport, dport, seq, ack, flags, payload, ipid):
    """Ethernet/IPv4/TCP with correct checksums."""
    tcp = bytearray(struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags,
                                64240, 0, 0)) + payload
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
    struct.pack_into("!H", tcp, 16, ip_checksum(pseudo + bytes(tcp)))
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), ipid, 0x4000, 64, 6,
                               0, src, dst))
    struct.pack_into("!H", ip, 10, ip_checksum(bytes(ip)))
    eth = bytes.fromhex("02000000000b" "02000000000a" "0800")
    return eth + bytes(ip) + bytes(tcp)


def cmd_nonstt_tcp(dst):
    """A plain TCP client talking to port 7471: handshake, a request, its
    acknowledgment. Nothing here is STT; the sequence numbers are ordinary
    (their upper half is no frame length)."""
    a, b = bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2])
    req = b"GET / HTTP/1.0\r\n\r\n"
    isn_c, isn_s = 0x1234ABCD, 0x7F001000
    pkts = [
        tcp_packet(a, b, 40123, 7471, isn_c, 0, 0x02, b"", 1),
        tcp_packet(b, a, 7471, 40123, isn_s, isn_c + 1, 0x12, b"", 1),
        tcp_packet(a, b, 40123, 7471, isn_c + 1, isn_s + 1, 0x10, b"", 2),
        tcp_packet(a, b, 40123, 7471, isn_c + 1, isn_s + 1, 0x18, req, 3),
        tcp_packet(b, a, 7471, 40123, isn_s + 1, isn_c + 1 + len(req), 0x10, b"", 2),
    ]
    recs = [[1700000000, 1000 * i, p, len(p)] for i, p in enumerate(pkts)]
    write_pcap(dst, LINKTYPE_ETHERNET, 262144, recs)


def l3_of(pkt):
    """(offset of the IP header, ethertype) in an Ethernet frame."""
    _, _, etype, l3 = eth_split(pkt)
    return len(pkt) - len(l3), etype


def tcp_fix(pkt):
    """Recompute the TCP checksum of an Ethernet/IP/TCP packet in place."""
    p = bytearray(pkt)
    off, etype = l3_of(p)
    if etype == 0x0800 and p[off + 9] == 6:
        ihl = (p[off] & 0x0F) * 4
        total, = struct.unpack("!H", p[off + 2:off + 4])
        t = off + ihl
        tcplen = total - ihl
        pseudo = bytes(p[off + 12:off + 20]) + struct.pack("!BBH", 0, 6, tcplen)
    elif etype == 0x86DD and p[off + 6] == 6:
        plen, = struct.unpack("!H", p[off + 4:off + 6])
        t = off + 40
        tcplen = plen
        pseudo = bytes(p[off + 8:off + 40]) + struct.pack("!IxxxB", tcplen, 6)
    else:
        return bytes(p)
    struct.pack_into("!H", p, t + 16, 0)
    struct.pack_into("!H", p, t + 16, ip_checksum(pseudo + bytes(p[t:t + tcplen])))
    return bytes(p)


def cmd_tcpcsum(src, dst):
    linktype, snaplen, recs = read_pcap(src)
    need_ethernet(linktype, "tcpcsum")
    write_pcap(dst, linktype, snaplen, [[s, u, tcp_fix(p), w] for s, u, p, w in recs])


def cmd_strip_payload(pktno, src, dst):
    linktype, snaplen, recs = read_pcap(src)
    need_ethernet(linktype, "strip-payload")
    i = int(pktno) - 1
    p = bytearray(recs[i][2])
    off, etype = l3_of(p)
    if etype != 0x0800:
        die("strip-payload: packet %d is not IPv4" % (i + 1))
    ihl = (p[off] & 0x0F) * 4
    doff = (p[off + ihl + 12] >> 4) * 4
    end = off + ihl + doff
    del p[end:]
    struct.pack_into("!H", p, off + 2, ihl + doff)
    struct.pack_into("!H", p, off + 10, 0)
    struct.pack_into("!H", p, off + 10, ip_checksum(bytes(p[off:off + ihl])))
    recs[i][2] = tcp_fix(bytes(p))
    recs[i][3] = len(recs[i][2])
    write_pcap(dst, linktype, snaplen, recs)


def cmd_fragment(pktno, src, dst):
    """Split an IPv4 packet after the first 8-byte multiple past the TCP
    header into a first fragment (MF) and a last one, same IP ID."""
    linktype, snaplen, recs = read_pcap(src)
    need_ethernet(linktype, "fragment")
    i = int(pktno) - 1
    sec, usec, pkt, _ = recs[i]
    off, etype = l3_of(pkt)
    if etype != 0x0800:
        die("fragment: packet %d is not IPv4" % (i + 1))
    ihl = (pkt[off] & 0x0F) * 4
    body = pkt[off + ihl:]
    cut = 48
    if len(body) <= cut:
        die("fragment: packet %d too small to split" % (i + 1))
    frags = []
    for part, fo, mf in ((body[:cut], 0, 0x2000), (body[cut:], cut // 8, 0)):
        h = bytearray(pkt[off:off + ihl])
        struct.pack_into("!H", h, 2, ihl + len(part))
        struct.pack_into("!H", h, 6, mf | fo)
        struct.pack_into("!H", h, 10, 0)
        struct.pack_into("!H", h, 10, ip_checksum(bytes(h)))
        f = pkt[:off] + bytes(h) + part
        frags.append([sec, usec, f, len(f)])
    recs[i:i + 1] = frags
    write_pcap(dst, linktype, snaplen, recs)


def cmd_tcpopts(pktno, src, dst):
    """Insert four NOP option bytes after the 20-byte TCP header of packet
    PKT: data offset 6, payload unchanged."""
    linktype, snaplen, recs = read_pcap(src)
    need_ethernet(linktype, "tcpopts")
    i = int(pktno) - 1
    p = bytearray(recs[i][2])
    off, etype = l3_of(p)
    if etype != 0x0800:
        die("tcpopts: packet %d is not IPv4" % (i + 1))
    ihl = (p[off] & 0x0F) * 4
    t = off + ihl
    p[t + 20:t + 20] = b"\x01\x01\x01\x01"
    p[t + 12] = (6 << 4) | (p[t + 12] & 0x0F)
    total, = struct.unpack("!H", p[off + 2:off + 4])
    struct.pack_into("!H", p, off + 2, total + 4)
    struct.pack_into("!H", p, off + 10, 0)
    struct.pack_into("!H", p, off + 10, ip_checksum(bytes(p[off:off + ihl])))
    recs[i][2] = tcp_fix(bytes(p))
    recs[i][3] = len(recs[i][2])
    write_pcap(dst, linktype, snaplen, recs)


def pcapng_block(btype, body):
    pad = (-len(body)) % 4
    total = 12 + len(body) + pad
    return struct.pack("<II", btype, total) + body + b"\0" * pad + struct.pack("<I", total)


def cmd_pcapng(src, dst):
    """pcapng with one section, one interface (microsecond timestamps,
    the default if_tsresol) and one Enhanced Packet Block per packet. No
    options, so the bytes depend on nothing but the input."""
    linktype, snaplen, recs = read_pcap(src)
    out = [pcapng_block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)),
           pcapng_block(0x00000001, struct.pack("<HHI", linktype, 0, snaplen))]
    for sec, usec, pkt, wirelen in recs:
        ts = sec * 1000000 + usec
        out.append(pcapng_block(0x00000006, struct.pack("<IIIII", 0, ts >> 32, ts & 0xFFFFFFFF,
                                                        len(pkt), wirelen) + pkt))
    with open(dst, "wb") as f:
        f.write(b"".join(out))


def cmd_inner_tcp(iplen, seq, dst):
    """One inner Ethernet/IPv4/TCP data segment of IPLEN bytes, 198.51.100.1
    port 40000 to 198.51.100.2 port 5201, as a TSO-using guest hands it to
    its STT endpoint: the TCP checksum holds only the pseudo-header sum."""
    iplen, seq = int(iplen), int(seq, 0)
    if iplen < 40 or iplen > 65535:
        die("inner-tcp: IP length %d out of 40..65535" % iplen)
    a, b = bytes([198, 51, 100, 1]), bytes([198, 51, 100, 2])
    payload = bytes(ord("a") + i % 26 for i in range(iplen - 40))
    tcp = bytearray(struct.pack("!HHIIBBHHH", 40000, 5201, seq, 1, 5 << 4, 0x18, 502, 0, 0))
    pseudo = sum(struct.unpack("!4H", a + b)) + 6 + (iplen - 20)
    while pseudo >> 16:
        pseudo = (pseudo & 0xFFFF) + (pseudo >> 16)
    struct.pack_into("!H", tcp, 16, pseudo)
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, iplen, 0x100, 0x4000, 64, 6, 0, a, b))
    struct.pack_into("!H", ip, 10, ip_checksum(bytes(ip)))
    eth = bytes.fromhex("020000000102" "020000000101" "0800")
    frame = eth + bytes(ip) + bytes(tcp) + payload
    write_pcap(dst, LINKTYPE_ETHERNET, 262144, [[1700000000, 0, frame, len(frame)]])


def cmd_shrink_frame(pktno, n, src, dst):
    """Keep the first N payload bytes of packet PKT (a whole one-segment
    frame) and make seq say the frame is N bytes long."""
    linktype, snaplen, recs = read_pcap(src)
    need_ethernet(linktype, "shrink-frame")
    i, n = int(pktno) - 1, int(n)
    p = bytearray(recs[i][2])
    off, etype = l3_of(p)
    if etype != 0x0800:
        die("shrink-frame: packet %d is not IPv4" % (i + 1))
    ihl = (p[off] & 0x0F) * 4
    t = off + ihl
    doff = (p[t + 12] >> 4) * 4
    if t + doff + n > len(p):
        die("shrink-frame: packet %d has fewer than %d payload bytes" % (i + 1, n))
    del p[t + doff + n:]
    struct.pack_into("!H", p, t + 4, n)
    struct.pack_into("!H", p, off + 2, ihl + doff + n)
    struct.pack_into("!H", p, off + 10, 0)
    struct.pack_into("!H", p, off + 10, ip_checksum(bytes(p[off:off + ihl])))
    recs[i][2] = tcp_fix(bytes(p))
    recs[i][3] = len(recs[i][2])
    write_pcap(dst, linktype, snaplen, recs)


COMMANDS = {
    "relink": (cmd_relink, 3),
    "vlan": (cmd_vlan, 4),
    "ipopts": (cmd_ipopts, 2),
    "snaplen": (cmd_snaplen, 3),
    "cut-mid-record": (cmd_cut_mid_record, 2),
    "linktype": (cmd_linktype, 3),
    "poke": (cmd_poke, 5),
    "nonstt-tcp": (cmd_nonstt_tcp, 1),
    "tcpcsum": (cmd_tcpcsum, 2),
    "strip-payload": (cmd_strip_payload, 3),
    "fragment": (cmd_fragment, 3),
    "shrink-frame": (cmd_shrink_frame, 4),
    "tcpopts": (cmd_tcpopts, 3),
    "inner-tcp": (cmd_inner_tcp, 3),
    "pcapng": (cmd_pcapng, 2),
}


def main(argv):
    if len(argv) < 2 or argv[1] not in COMMANDS:
        sys.stderr.write(__doc__)
        sys.exit(2)
    fn, nargs = COMMANDS[argv[1]]
    if len(argv) - 2 != nargs:
        die("%s takes %d arguments" % (argv[1], nargs))
    fn(*argv[2:])


if __name__ == "__main__":
    main(sys.argv)
