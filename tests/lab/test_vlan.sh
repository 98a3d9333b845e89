#!/bin/bash
# VLAN metadata (draft section 2.2). 802.1Q-tagged frames (VLAN 123,
# priority 5) enter A's TAP; A's tunnel moves the tag into the STT header
# (V set, VLAN ID, PCP) and carries the frame untagged; B's tunnel puts the
# tag back, so the frames leave B's TAP tagged as they were sent. Checked
# on the wire with stt-dump --json, on B's TAP with tcpdump -e and on the
# tunnels' counters. Control: untagged pings on the same tunnels carry no
# V and no VLAN ID. (Test kernels may lack 802.1Q interfaces, so the tagged
# frames are written to the TAP with a packet socket; super-frames with a
# tag are covered by the endpoint's unit test.)
. "$(dirname "$0")/lab.sh"
lab_init
command -v tcpdump >/dev/null || lab_skip "needs tcpdump"
command -v python3 >/dev/null || lab_skip "needs python3"
STT_DUMP=${STT_DUMP:-$(dirname "$STT_TUNNEL")/stt-dump}
[ -x "$STT_DUMP" ] || lab_skip "no stt-dump at $STT_DUMP"

lab_reset
lab_underlay on off
lab_tunnel A "--stats-json 3600"
lab_tunnel B "--stats-json 3600"
lab_inner 1500
ping_ok "$NSA" $IB 56 1 >/dev/null

CAP="$LAB_DIR/vlan.pcap"
ip netns exec "$NSB" tcpdump -i ub -n -U --immediate-mode -B 16384 -w "$CAP" \
	"tcp dst port 7471" 2>"$LAB_DIR/tcpdump.err" &
cap=$!
lab_capture_wait "$LAB_DIR/tcpdump.err"

ip netns exec "$NSB" tcpdump -i stt0 -e -n -U --immediate-mode -w "$LAB_DIR/tapB.pcap" \
	"udp port 9" 2>"$LAB_DIR/tcpdumpB.err" &
capb=$!
lab_capture_wait "$LAB_DIR/tcpdumpB.err"
# tagged UDP datagrams of 56 and 1372 bytes, 5 each, from A's TAP to B's
ip netns exec "$NSA" python3 -c '
import socket, struct, sys
dst = bytes.fromhex(sys.argv[1].replace(":", "")); src = bytes.fromhex(sys.argv[2].replace(":", ""))
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW); s.bind(("stt0", 0))
def csum(b):
    if len(b) % 2: b += b"\0"
    t = sum(struct.unpack("!%dH" % (len(b) // 2), b)); t = (t >> 16) + (t & 0xffff); t += t >> 16
    return ~t & 0xffff
for size in (56, 1372):
    for i in range(5):
        udp = struct.pack("!HHHH", 40000, 9, 8 + size, 0) + bytes([i]) * size
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i, 0, 64, 17, 0,
                         socket.inet_aton("198.51.100.1"), socket.inet_aton("198.51.100.2"))
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        tci = 5 << 13 | 123
        s.send(dst + src + struct.pack("!HH", 0x8100, tci) + b"\x08\x00" + ip + udp)
' "$(mac_of "$NSB" stt0)" "$(mac_of "$NSA" stt0)"
check "untagged ping on the same tunnels" ping_ok "$NSA" $IB 56

sleep 1
kill -TERM $cap $capb
wait $cap $capb 2>/dev/null
ip netns exec "$NSB" tcpdump -e -n -r "$LAB_DIR/tapB.pcap" >"$LAB_DIR/tapB.txt" 2>/dev/null
sed -n '1,2s/^/# B: /p' "$LAB_DIR/tapB.txt"
check "B's TAP delivers the 10 frames tagged again (vlan 123, p 5)" \
	test "$(grep -c 'vlan 123, p 5, ethertype IPv4' "$LAB_DIR/tapB.txt")" -eq 10
"$STT_DUMP" --json -r "$CAP" >"$LAB_DIR/vlan.json" 2>"$LAB_DIR/vlan.dump.err"

# frames_where EXPR: how many STT frames in the capture satisfy EXPR (on
# the frame object f) -- python, since jq is not among our dependencies
frames_where() {
	python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1]):
    f = json.loads(line)
    if f.get("type") == "frame" and eval(sys.argv[2]):
        n += 1
print(n)' "$LAB_DIR/vlan.json" "$1"
}
tagged=$(frames_where 'f["vlan"]["v"] and f["vlan"]["id"] == 123 and f["vlan"]["pcp"] == 5')
small=$(frames_where 'f["vlan"]["v"] and f["reassembled_length"] == 18 + 14 + 20 + 8 + 56')
untagged_icmp=$(frames_where 'not f["vlan"]["v"] and f["vlan"]["id"] == 0 and "198.51.100.1 > 198.51.100.2: ICMP" in f["inner"]["summary"]')
echo "# frames: $tagged with V/123/pcp 5 ($small of them 56-byte datagrams, untagged inside), $untagged_icmp untagged pings"
check "tagged frames carry V, VLAN 123, PCP 5 in the STT header" test "$tagged" -eq 10
check "and travel 4 bytes shorter: without their 802.1Q tag" test "$small" -eq 5
check "control: untagged pings carry no VLAN field" test "$untagged_icmp" -ge 3

lab_stop_tunnels
tx_vlan=$(grep '^{' "$LAB_DIR/tunnel-A-stt0.log" | tail -n1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["contexts"][0]["tx_vlan_frames"])')
rx_vlan=$(grep '^{' "$LAB_DIR/tunnel-B-stt0.log" | tail -n1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["contexts"][0]["rx_vlan_frames"])')
echo "# A tx_vlan_frames $tx_vlan, B rx_vlan_frames $rx_vlan"
check "counters: A moved tags into headers, B put them back" test "${tx_vlan:-0}" -eq 10 -a "${rx_vlan:-0}" -eq 10
lab_done
