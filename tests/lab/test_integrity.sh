#!/bin/bash
# Every byte of a TCP stream arrives intact through the tunnel.
#
# iperf3 and ping do not look at the bytes they carry, and through a TAP
# with offloads the inner TCP checksum is never verified either: the
# sending kernel leaves it partial, the STT header says so, and the
# receiving kernel trusts it. A reassembly or zero-copy bug that delivers
# wrong bytes would pass every other lab test. So: 24 MB of random data
# over TCP from A to B, SHA-256 on both ends, with the underlay's TSO on
# (frames arrive whole: the reassembler's zero-copy path) and off
# (segments, coalesced in pieces by GRO: the copying path), with and
# without --no-tso.
#
# The check bites: a middlebox on A's underlay (an nftables netdev egress
# rule) rewrites one byte inside the first segment of every large STT
# frame; the tunnel cannot notice (the outer checksum is partial, as on
# any host with checksum offload) and the hashes must then differ.
. "$(dirname "$0")/lab.sh"
lab_init
command -v python3 >/dev/null || lab_skip "needs python3"

BYTES=$((24 * 1024 * 1024))
PORT=5301

# recv_hash: listen on IB:PORT, print the SHA-256 of everything received.
recv_py='
import hashlib, socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(1); s.settimeout(int(sys.argv[3]))
c, _ = s.accept(); c.settimeout(int(sys.argv[3])); h = hashlib.sha256(); n = 0
try:
    while True:
        b = c.recv(1 << 20)
        if not b: break
        h.update(b); n += len(b)
except OSError:
    pass
print(n, h.hexdigest())
'
# send_hash: send BYTES of seeded random data to IB:PORT (without an
# address: only print what that would be), print its size and hash.
send_py='
import hashlib, random, socket, sys
rnd = random.Random(7471); n = int(sys.argv[3]); h = hashlib.sha256()
c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=int(sys.argv[4])) if sys.argv[1] else None
while n > 0:
    b = rnd.randbytes(min(n, 1 << 20)); h.update(b); n -= len(b)
    if c: c.sendall(b)
if c: c.shutdown(socket.SHUT_WR); c.recv(1); c.close()
print(int(sys.argv[3]), h.hexdigest())
'
# what arrives when every byte is right
WANT=$(python3 -c "$send_py" "" 0 $BYTES 0)

# transfer LABEL [TIMEOUT]: one stream A -> B; sets GOT ("bytes hash")
transfer() {
	local out="$LAB_DIR/recv-$1.txt" srv t=${2:-30}
	ip netns exec "$NSB" python3 -c "$recv_py" $IB $PORT "$t" >"$out" 2>&1 &
	srv=$!
	sleep 0.5
	ip netns exec "$NSA" timeout $((2 * t)) python3 -c "$send_py" $IB $PORT $BYTES "$t" \
		>"$LAB_DIR/send-$1.txt" 2>&1
	wait "$srv"
	GOT=$(tail -n1 "$out")
	echo "# $1: want $WANT; received $GOT"
}

setup() { # underlay-tso(on|off) "tunnel options"
	lab_reset
	lab_underlay on "$1"
	lab_tunnel A "$2"
	lab_tunnel B "$2"
	lab_inner 1500
	ping_ok "$NSA" $IB 56 1 >/dev/null
}

for utso in on off; do
	for mode in "" "--no-tso"; do
		label="underlay-tso-$utso${mode:+-no-tso}"
		setup $utso "$mode"
		transfer "$label"
		check "24 MB intact through the tunnel ($label)" test "$GOT" = "$WANT"
	done
done

# The control: a byte rewritten on the wire must show up as a different
# hash. Offset 1000 of the TCP header + payload is inside the inner
# payload of every data frame's first segment (20-byte TCP header, 18-byte
# STT header, then 66 bytes of inner headers); ACK-only frames are shorter
# and left alone.
setup on ""
if ip netns exec "$NSA" nft -f - <<EOF 2>"$LAB_DIR/nft.err"
table netdev sttlab_corrupt {
	chain egress {
		type filter hook egress device "ua" priority 0;
		tcp dport 7471 meta length > 1200 @th,8000,8 set 0x5a
	}
}
EOF
then
	# through offloading TAPs nobody verifies the inner checksum and the
	# stream completes with other bytes; through plain TAPs (a build
	# without the Linux I/O backends) the receiving TCP drops every
	# rewritten segment and the stream stalls: either way not WANT
	transfer corrupted 5
	check "a byte rewritten on the wire changes what arrives (the check bites)" \
		test "$GOT" != "$WANT"
	ip netns exec "$NSA" nft delete table netdev sttlab_corrupt 2>/dev/null
else
	echo "# no nftables netdev egress hook here ($(head -n1 "$LAB_DIR/nft.err")): control not run"
fi
lab_done
