#!/usr/bin/env bash
# Active mode against `stt-recv --echo`, a minimal STT target, in two
# network namespaces joined by a veth pair (documentation addresses only).
# The echo returns every delivered frame, so a case's answer is its own
# frame coming back; what stt-recv does not do (contexts, DSCP models) must
# show up as WARN/FAIL/SKIP, never as a fake PASS.
#   active_echo.sh STT-CONFORM STT-RECV MKPCAP WORKDIR
set -u
conform=$1 recv=$2 mkpcap=$3 dir=$4
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
command -v ip >/dev/null || { echo "SKIP: needs iproute2"; exit 77; }
# Runs in the build without the Linux I/O backends too: there stt-conform
# finds the target's MAC with its own ARP request (libpcap), not from the
# kernel's neighbour table.
"$conform" --version 2>/dev/null | grep -q '^I/O backends:.* afpacket' ||
	echo "# portable build (-DSTT_LINUX_IO=OFF): pcap underlay, ARP on the wire"
id=$$
A=cfA-$id B=cfB-$id
ip netns add "$A" 2>/dev/null || { echo "SKIP: no netns support"; exit 77; }
ip netns add "$B" || { ip netns del "$A"; exit 77; }
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
}
trap cleanup EXIT
rm -rf "$dir" && mkdir -p "$dir"
ip link add cfa-$id netns "$A" type veth peer name cfb-$id netns "$B"
ip -n "$A" addr add 192.0.2.1/24 dev cfa-$id
ip -n "$B" addr add 192.0.2.2/24 dev cfb-$id
ip -n "$A" link set cfa-$id up
ip -n "$B" link set cfb-$id up
ip -n "$A" link set lo up
ip -n "$B" link set lo up
# TSO off on our side: the kernel's GSO then cuts rx.gso's super-packet
# into real segments.
command -v ethtool >/dev/null && ip netns exec "$A" ethtool -K cfa-$id tso off >/dev/null 2>&1
# Neither kernel may answer STT segments with RST.
for ns in "$A" "$B"; do
	ip netns exec "$ns" nft add table inet cftest 2>/dev/null &&
		ip netns exec "$ns" nft add chain inet cftest input '{ type filter hook input priority 0; }' &&
		ip netns exec "$ns" nft add rule inet cftest input tcp dport 7471 drop
done
ip netns exec "$B" "$recv" -i cfb-$id --echo -q --no-stats --reasm-timeout 10s >"$dir/recv.out" 2>"$dir/recv.err" &
pid=$!
sleep 0.5
ip netns exec "$A" ping -c1 -W1 192.0.2.2 >/dev/null 2>&1 # fill the neighbour table

failures=0 passed=0
ip netns exec "$A" "$conform" --target 192.0.2.2 --inner-target 198.51.100.2 --wait 1000 --slow \
	--json "$dir/report.json" --keep-pcaps "$dir/pcaps" --no-color >"$dir/report.txt" 2>"$dir/progress.txt"
rc=$?
cat "$dir/report.txt"
v() { awk -v id="$1" '$1 == id {print $3}' "$dir/report.txt"; }
t() { # name, requirement, wanted verdict
	if [ "$(v "$2")" == "$3" ]; then
		printf 'TEST: %-60s [ OK ]\n' "$1"
		passed=$((passed + 1))
	else
		printf 'TEST: %-60s [FAIL]\n' "$1"
		echo "  $2: expected $3, got $(v "$2")"
		failures=$((failures + 1))
	fi
}
t "echo answers from a hashed port to 7471: DPORT PASS" STT-IMPL-DPORT PASS
t "multi-segment frames are reassembled" STT-3.2-SEQ-OFFSET PASS
t "out-of-order segments" STT-IMPL-OUT-OF-ORDER PASS
t "duplicates never complete a frame early" STT-IMPL-DUP-NO-EARLY PASS
t "a lost segment delivers nothing" STT-IMPL-INCOMPLETE-DROP PASS
t "conflicting overlap is not delivered" STT-IMPL-OVERLAP-CONFLICT PASS
t "reserved bits ignored" STT-3.1-RSVD-IGNORED PASS
t "bad checksum dropped" STT-IMPL-CSUM-BAD-DROP PASS
t "robustness: still answering after floods" STT-IMPL-REASM-MEMORY PASS
t "reassembly timeout measured (--slow)" STT-IMPL-REASM-TIMEOUT PASS
grep -q 'rx.reasm_timeout *between 5 and 15 s' "$dir/report.txt" && passed=$((passed + 1)) ||
	{ echo "TEST: the echo's 10 s timeout is bracketed 5-15 s [FAIL]"; failures=$((failures + 1)); }
# stt-recv --echo serves every context: the case must not pass.
t "unknown context is delivered by the echo (WARN)" STT-IMPL-CONTEXT-UNKNOWN-DROP WARN
t "the echo's own transmissions: ack unique" STT-3.2-ACK-UNIQUE PASS
# The run reports its duration (the table's last line and the JSON).
if tail -1 "$dir/report.txt" | grep -Eq ', finished in [0-9]+\.[0-9] s\)$' &&
	grep -Eq '"duration_ms": [0-9]+' "$dir/report.json"; then
	printf 'TEST: %-60s [ OK ]\n' "the run's duration is reported"
	passed=$((passed + 1))
else
	printf 'TEST: %-60s [FAIL]\n' "the run's duration is reported"
	failures=$((failures + 1))
fi
[ -s "$dir/pcaps/rx.out-of-order.pcap" ] && passed=$((passed + 1)) ||
	{ echo "TEST: --keep-pcaps wrote per-case captures [FAIL]"; failures=$((failures + 1)); }

# Without the firewall rule the target's kernel answers a SYN to 7471 with
# an RST: rx.non-stt-tcp must catch it (the active cases bite).
if ip netns exec "$B" nft list table inet cftest >/dev/null 2>&1; then
	ip netns exec "$B" nft delete table inet cftest
	ip netns exec "$A" "$conform" --target 192.0.2.2 --inner-target 198.51.100.2 --wait 1000 \
		--case rx.non-stt-tcp --no-color -q >"$dir/rst.txt" 2>&1
	if awk '$1 == "STT-IMPL-NON-STT-NO-RST" {print $3}' "$dir/rst.txt" | grep -qx WARN; then
		printf 'TEST: %-60s [ OK ]\n' "an RST from the target's kernel is caught"
		passed=$((passed + 1))
	else
		printf 'TEST: %-60s [FAIL]\n' "an RST from the target's kernel is caught"
		cat "$dir/rst.txt"
		failures=$((failures + 1))
	fi
fi

# --replay: the 7 frames of a capture re-addressed to the target; the
# echo returns them and the report judges what it sent.
"$mkpcap" good "$dir/good.pcap"
ip netns exec "$A" "$conform" --target 192.0.2.2 --replay "$dir/good.pcap" --case 'tx.*' \
	--json "$dir/replay.json" -q >"$dir/replay.txt" 2>&1
rc2=$?
frames=$(grep -o '"rx.frames_from_target": [0-9]*' "$dir/replay.json" | grep -o '[0-9]*$')
if [ "$rc2" -ne 2 ] && [ "${frames:-0}" -ge 7 ]; then
	printf 'TEST: %-60s [ OK ]\n' "--replay sends a capture ($frames frames back)"
	passed=$((passed + 1))
else
	printf 'TEST: %-60s [FAIL]\n' "--replay sends a capture"
	echo "  exit $rc2, frames back ${frames:-none}"; cat "$dir/replay.txt"
	failures=$((failures + 1))
fi
echo "$passed passed, $failures failed (stt-conform exit $rc)"
[ $failures -eq 0 ]
