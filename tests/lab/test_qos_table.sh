#!/bin/bash
# The RFC 6040 decapsulation table, all 16 cells, checked on the inner
# header that tunnel B writes to its TAP: stt-send --target on host A sends
# STT frames with a chosen inner and outer ECN, tcpdump on B's stt0 sees
# what is delivered. Also CE on one non-first segment of a multi-segment
# frame, and DSCP on decapsulation: uniform copies the first segment's outer
# DSCP into the inner header, pipe leaves the inner alone. The table is the
# one of /work/shared/spec/STT-NOTES.md ("Tunnel QoS rules").
. "$(dirname "$0")/lab.sh"
lab_init
command -v tcpdump >/dev/null || lab_skip "needs tcpdump"
STT_SEND=${STT_SEND:-$(dirname "$STT_TUNNEL")/stt-send}
[ -x "$STT_SEND" ] || lab_skip "no stt-send at $STT_SEND"

ECN_NAME=(Not-ECT "ECT(1)" "ECT(0)" CE)	# by codepoint 0..3
# expected inner ECN codepoint after decapsulation, or "drop":
# EXPECT[inner*4+outer], codepoints 0 Not-ECT, 1 ECT(1), 2 ECT(0), 3 CE
# (the spec's table has ECT(0) before ECT(1); same cells)
EXPECT=(
	0 0 0 drop	# inner Not-ECT: outer Not-ECT, ECT(1), ECT(0), CE
	1 1 1 3		# inner ECT(1)
	2 1 2 3		# inner ECT(0)
	3 3 3 3		# inner CE
)

CAP_PID=""
CAP=""
cap_start() { # NAME: capture echo requests written to B's TAP
	CAP="$LAB_DIR/$1.pcap"
	ip netns exec "$NSB" tcpdump -i stt0 -n -U --immediate-mode -w "$CAP" \
		'icmp[icmptype] == icmp-echo' 2>"$LAB_DIR/$1.err" &
	CAP_PID=$!
	lab_capture_wait "$LAB_DIR/$1.err"
}
# delivered: "LENGTH TOS" of each inner echo request in $CAP
delivered() {
	tcpdump -n -v -r "$CAP" 2>/dev/null |
		sed -n 's/.*tos \(0x[0-9a-f]*\),.*length \([0-9]*\)).*/\2 \1/p'
}
# cap_stop: the sentinel frame (inner length 999, sent last) shows that B
# has handled everything sent before it; give up after 10 s.
cap_stop() {
	for _ in $(seq 1 100); do
		delivered | grep -q '^999 ' && break
		sleep 0.1
	done
	sleep 0.2
	kill -TERM "$CAP_PID"
	wait "$CAP_PID"
}
# send stt-send options...: one STT frame from A's underlay to tunnel B
send() {
	inA "$STT_SEND" --target $UB4 --src $UA4 --context $LAB_CONTEXT -q --ping \
		--inner-dst-mac "$B_MAC" "$@"
}
sentinel() { send -s 999 --inner-tos 0; }

# tos_is LENGTH WANT: the inner packet of that length arrived once with TOS
# WANT ("drop": it did not arrive)
tos_is() {
	local len=$1 want=$2 got
	got=$(delivered | awk -v l="$len" '$1 == l { print $2 }' | tr '\n' ' ')
	echo "inner length $len: delivered TOS [${got% }], expected $want"
	if [ "$want" = drop ]; then
		[ -z "$got" ]
	else
		[ "$got" = "$(printf '0x%x ' "$want")" ]
	fi
}

setup() { # TUNNEL_OPTS of B
	lab_reset
	lab_underlay on off
	lab_tunnel A ""
	lab_tunnel B "$1"
	lab_inner 1500
	B_MAC=$(mac_of "$NSB" stt0)
}

setup ""
# All 16 cells, one single-segment frame each; inner and outer DSCP 0 so
# the delivered TOS is just the ECN field. Inner length 200 + cell number.
cap_start table
for inner in 0 1 2 3; do
	for outer in 0 1 2 3; do
		send -s $((200 + inner * 4 + outer)) --inner-tos $inner --tos $outer --seed $((inner * 4 + outer + 1))
	done
done
# Multi-segment frames (4000 bytes: 3 segments), outer ECT(0) everywhere
# except CE on segment 1 or 2 (not the first).
send -s 4000 --inner-tos 2 --tos 2 --seg-ecn 2:3 --seed 31	# ECT(0), CE on seg 2
send -s 4001 --inner-tos 1 --tos 2 --seg-ecn 1:3 --seed 32	# ECT(1), CE on seg 1
send -s 4002 --inner-tos 0 --tos 2 --seg-ecn 1:3 --seed 33	# Not-ECT, CE on seg 1
send -s 4003 --inner-tos 2 --tos 2 --seed 34			# control: no CE
# DSCP uniform: inner DSCP 10 (0x28); outer DSCP 46 (0xb8) on every segment,
# or only on the first, or only on a later one.
send -s 300 --inner-tos 0x28 --tos 0xb8 --seed 41
send -s 3000 --inner-tos 0x28 --tos 0x28 --seg-dscp 0:46 --seed 42
send -s 3001 --inner-tos 0x28 --tos 0x28 --seg-dscp 1:46 --seed 43
sentinel
cap_stop

for inner in 0 1 2 3; do
	for outer in 0 1 2 3; do
		want=${EXPECT[inner * 4 + outer]}
		[ "$want" = drop ] && wname=drop || wname=${ECN_NAME[want]}
		check "RFC 6040: inner ${ECN_NAME[inner]} + outer ${ECN_NAME[outer]} -> $wname" \
			tos_is $((200 + inner * 4 + outer)) "$want"
	done
done
check "RFC 6040: CE on segment 2 of 3 marks inner ECT(0) CE" tos_is 4000 3
check "RFC 6040: CE on segment 1 of 3 marks inner ECT(1) CE" tos_is 4001 3
check "RFC 6040: CE on segment 1 of 3 drops an inner Not-ECT frame" tos_is 4002 drop
check "control: 3 segments without CE keep inner ECT(0)" tos_is 4003 2
check "DSCP uniform: outer DSCP 46 copied into the inner header" tos_is 300 0xb8
check "DSCP uniform: the first segment's outer DSCP 46 is copied" tos_is 3000 0xb8
check "DSCP uniform: a later segment's DSCP 46 is ignored (first's 10)" tos_is 3001 0x28
# The comparator bites: a wrong expectation and a missing drop are noticed.
check_fails "control: tos_is notices a wrong expected TOS" tos_is 300 0x28
check_fails "control: tos_is notices a delivered frame expected dropped" tos_is 4003 drop
check_fails "control: tos_is notices a dropped frame expected delivered" tos_is 203 0

setup "--dscp pipe:46"
cap_start pipe
send -s 300 --inner-tos 0x28 --tos 0xb8 --seed 51	# DSCP 46 outside, 10 inside
send -s 301 --inner-tos 0x2a --tos 0x03 --seed 52	# ECN still decapsulated
sentinel
cap_stop
check "DSCP pipe: inner DSCP 10 untouched under outer DSCP 46" tos_is 300 0x28
check "DSCP pipe: RFC 6040 still applies (ECT(0) + CE -> CE)" tos_is 301 0x2b
lab_done
