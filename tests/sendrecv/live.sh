#!/usr/bin/env bash
# stt-send and stt-recv live, over a veth pair between two network
# namespaces (192.0.2.1 in A, 192.0.2.2 in B, 2001:db8::1/2 too):
#   A -> B and B -> A with raw IP sends (the kernel routes and resolves),
#   link-level sends on an interface, IPv6 outer, a dropped segment, TSO
#   through the kernel's GSO (AF_PACKET), and --echo (B sends each frame
#   back to A).
# Needs root and ip(8); exits 77 (skipped) otherwise. Everything it made
# is removed on exit.
#
# No timing thresholds: a receiver is known to be ready when a probe frame
# it was sent shows up in its output, and results are waited for by
# polling for the expected lines (bounded, generous).
set -u
SEND=$1
RECV=$2

# setup, start_recv, probe, stop_recv, expected_hex, wait_lines, ok, fail
# shellcheck source-path=SCRIPTDIR source=netns.sh
. "$(dirname "$0")/netns.sh"

# one_way NAME FROM-NS TO-NS TARGET RECV-IFACE [SEND-ARGS...]
one_way() {
	local name=$1 from=$2 to=$3 target=$4 iface=$5
	shift 5
	start_recv "$to" "$name" -i "$iface"
	if ! probe "$from" "$target" "$name"; then
		fail "$name: receiver ready" "$(cat "$T/$name.err")"
		stop_recv "$name"
		return
	fi
	expected_hex "$T/$name.hex" --dst "$target" "$@"
	if ! ip netns exec "$from" "$SEND" -q --target "$target" "$@" 2>"$T/$name.senderr"; then
		fail "$name: stt-send" "$(cat "$T/$name.senderr")"
		stop_recv "$name"
		return
	fi
	local got=0
	wait_lines "$T/$name.out" "$T/$name.hex" && got=1
	stop_recv "$name"
	if [ $got = 1 ]; then
		ok "$name: every inner frame arrived, byte-identical"
	else
		fail "$name: every inner frame arrived, byte-identical" \
			"receiver: $(cat "$T/$name.err")" "sender: $(cat "$T/$name.senderr")"
	fi
}

if ! setup; then
	echo "cannot build the namespaces: skipped"
	exit 77
fi

one_way "A->B ping" "$NA" "$NB" 192.0.2.2 "$VB" --ping --size 6000 --count 3 --context 1
one_way "B->A udp" "$NB" "$NA" 192.0.2.1 "$VA" --udp --size 3000 --count 2 --context 2
one_way "A->B impaired" "$NA" "$NB" 192.0.2.2 "$VB" --size 8000 --count 3 --reorder --segment-size 700 \
	--duplicate all --coalesce 2
one_way "A->B outer IPv6" "$NA" "$NB" 2001:db8::2 "$VB" --tcp-syn --size 4000 --count 2
MAC_B=$(inB cat "/sys/class/net/$VB/address")
one_way "A->B link-level on the interface" "$NA" "$NB" 192.0.2.2 "$VB" --iface "$VA" \
	--dst-mac "$MAC_B" --size 3000 --count 2
# The peer's MAC from the kernel's neighbour table (Linux backends) or
# from our own ARP request on the wire (-DSTT_LINUX_IO=OFF).
one_way "A->B link-level, neighbour looked up" "$NA" "$NB" 192.0.2.2 "$VB" --iface "$VA" \
	--size 3000 --count 2 --seed 3
one_way "A->B link-level over IPv6, neighbour looked up" "$NA" "$NB" 2001:db8::2 "$VB" \
	--iface "$VA" --size 3000 --count 2 --seed 4

# A dropped segment: the frame after it arrives, the impaired one must not.
start_recv "$NB" drop -i "$VB"
if probe "$NA" 192.0.2.2 drop; then
	expected_hex "$T/dropped.hex" --dst 192.0.2.2 --size 3000 --seed 5 --context 5
	expected_hex "$T/after.hex" --dst 192.0.2.2 --size 3000 --seed 6 --context 6
	inA "$SEND" -q --target 192.0.2.2 --size 3000 --seed 5 --context 5 --drop 1
	inA "$SEND" -q --target 192.0.2.2 --size 3000 --seed 6 --context 6
	if wait_lines "$T/drop.out" "$T/after.hex"; then
		ok "drop: the next frame arrived"
		if grep -q -x -F -f "$T/dropped.hex" "$T/drop.out"; then
			fail "drop: the frame missing a segment was not delivered"
		else
			ok "drop: the frame missing a segment was not delivered"
		fi
	else
		fail "drop: the next frame arrived"
	fi
else
	fail "drop: receiver ready"
fi
stop_recv drop

# TSO: one super-packet per frame, cut by the kernel's GSO on a veth with
# TSO off (the AF_PACKET vnet backend).
if "$SEND" --version | grep -q afpacket && command -v ethtool >/dev/null; then
	inA ethtool -K "$VA" tso off >/dev/null 2>&1
	one_way "A->B --tso through kernel GSO" "$NA" "$NB" 192.0.2.2 "$VB" --iface "$VA" --tso \
		--tcp-syn --size 30000 --count 2
else
	echo "TSO part skipped: built without the AF_PACKET backend (or no ethtool)"
fi

# --tap: the inner frames go into a TAP device in B; the kernel counts
# what it received there (one frame per line stt-recv printed).
TAP="sttT$$"
if ! "$SEND" --version | grep -q " tap"; then
	echo "TAP part skipped: built without the Linux TAP backend"
else
start_recv "$NB" tap -i "$VB" --tap "$TAP"
if probe "$NA" 192.0.2.2 tap; then
	expected_hex "$T/tap.hex" --dst 192.0.2.2 --size 2000 --count 3 --seed 21
	inA "$SEND" -q --target 192.0.2.2 --size 2000 --count 3 --seed 21
	if wait_lines "$T/tap.out" "$T/tap.hex"; then
		rx=$(inB cat "/sys/class/net/$TAP/statistics/rx_packets" 2>/dev/null)
		lines=$(wc -l <"$T/tap.out")
		if [ "${rx:-0}" = "$lines" ]; then
			ok "tap: every delivered frame entered the TAP device ($rx)"
		else
			fail "tap: every delivered frame entered the TAP device" \
				"TAP rx_packets ${rx:-none}, frames delivered $lines"
		fi
	else
		fail "tap: frames arrived" "$(cat "$T/tap.err")"
	fi
else
	fail "tap: receiver ready" "$(cat "$T/tap.err")"
fi
stop_recv tap
fi

# --echo: B sends every frame back; A's receiver sees the replies (its own
# transmissions, from its MAC, are not counted as received).
start_recv "$NB" echoer -i "$VB" --echo
start_recv "$NA" back -i "$VA"
if probe "$NA" 192.0.2.2 echoer; then
	expected_hex "$T/echo.hex" --dst 192.0.2.2 --size 5000 --count 3 --seed 11 --context 11
	inA "$SEND" -q --target 192.0.2.2 --size 5000 --count 3 --seed 11 --context 11
	if wait_lines "$T/back.out" "$T/echo.hex"; then
		ok "echo: every frame came back to A, byte-identical"
	else
		fail "echo: every frame came back to A, byte-identical" "$(cat "$T/back.err" "$T/echoer.err")"
	fi
else
	fail "echo: receiver ready"
fi
stop_recv back
stop_recv echoer
if grep -q "echoed" "$T/echoer.err" && ! grep -q " 0 echoed" "$T/echoer.err"; then
	ok "echo: the echoer counted its echoes"
else
	fail "echo: the echoer counted its echoes" "$(cat "$T/echoer.err")"
fi

echo "$fails failed"
[ $fails = 0 ]
