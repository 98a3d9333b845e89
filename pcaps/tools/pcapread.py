"""Read the packets of a classic pcap file (microsecond or nanosecond,
either byte order), standard library only. Shared by the test scripts
that look at captures (tests/golden/decap_roundtrip.py,
tests/fuzz/seed_from_pcaps.py); pcapedit.py keeps its own strict reader,
which also returns the record headers it rewrites."""
import struct


def read_packets(path):
    """(link type, [packet bytes]) of the pcap file at path. ValueError
    when it is not a classic pcap file (too short, pcapng, anything else).
    A record cut short at the end of the file ends the list."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise ValueError("%s: no pcap header" % path)
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        raise ValueError("%s: not a pcap file" % path)
    link = struct.unpack(end + "I", data[20:24])[0] & 0x0FFFFFFF
    out, off = [], 24
    while off + 16 <= len(data):
        caplen = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        body = data[off + 16:off + 16 + caplen]
        if len(body) < caplen:
            break
        out.append(body)
        off += 16 + caplen
    return link, out
