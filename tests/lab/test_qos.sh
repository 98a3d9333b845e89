#!/bin/bash
# Tunnel QoS on the wire: DSCP uniform and pipe (RFC 2983), ECN normal and
# compat on encapsulation, and the RFC 6040 decapsulation of CE (marks an
# ECN-capable inner packet, drops a Not-ECT one).
. "$(dirname "$0")/lab.sh"
lab_init
command -v tcpdump >/dev/null || lab_skip "needs tcpdump"
SB=$(lab_stats_file B)

CAP_PID=""
cap_start() { # NS DEV FILTER
	ip netns exec "$1" tcpdump -i "$2" -n -U --immediate-mode -w "$LAB_DIR/$2.pcap" "$3" \
		2>"$LAB_DIR/$2.err" &
	CAP_PID=$!
	lab_capture_wait "$LAB_DIR/$2.err"
}
cap_stop() { # DEV -> decoded text on stdout
	sleep 0.3
	kill -TERM $CAP_PID
	wait $CAP_PID
	tcpdump -n -v -r "$LAB_DIR/$1.pcap" 2>/dev/null
}

# setup QOS_OPTS (both ends)
setup() {
	lab_reset
	lab_underlay on off
	lab_tunnel A "$1"
	lab_tunnel B "$1 --stats-json 0.2 --stats-file $SB"
	lab_inner 1500
	ping_ok "$NSA" $IB 56 1 >/dev/null
}

# tos_seen OUTER_TOS INNER_TOS PING_TOS: ping A->B with PING_TOS; outer on
# ub and inner on B's stt0 must show the given TOS values.
tos_seen() {
	local outer=$1 inner=$2 q=$3 o i
	cap_start "$NSB" ub "tcp dst port 7471"
	ip netns exec "$NSB" tcpdump -i stt0 -n -U --immediate-mode -w "$LAB_DIR/stt0.pcap" icmp \
		2>"$LAB_DIR/stt0.err" &
	local p2=$!
	lab_capture_wait "$LAB_DIR/stt0.err"
	inA ping -c 2 -i 0.2 -Q "$q" $IB
	o=$(cap_stop ub)
	kill -TERM $p2
	wait $p2
	i=$(tcpdump -n -v -r "$LAB_DIR/stt0.pcap" 'icmp[icmptype] == icmp-echo' 2>/dev/null)
	echo "outer: $(echo "$o" | grep -o 'tos 0x[0-9a-f]*' | sort -u | tr '\n' ' ')"
	echo "inner: $(echo "$i" | grep -o 'tos 0x[0-9a-f]*' | sort -u | tr '\n' ' ')"
	echo "$o" | grep -q "tos $outer[,)]" && echo "$i" | grep -q "tos $inner[,)]"
}

setup ""
check "uniform: DSCP 10 + ECT(0) copied to the outer header" tos_seen 0x2a 0x2a 0x2a
check_fails "control: the check notices a wrong outer TOS" tos_seen 0xb8 0x2a 0x2a
setup "--dscp pipe:46"
check "pipe:46: outer DSCP 46, inner DSCP 10 kept" tos_seen 0xba 0x2a 0x2a
setup "--ecn compat"
check "ECN compat: outer Not-ECT" tos_seen 0x28 0x2a 0x2a

if [ -x "$STT_INJECT" ]; then
	setup ""
	f0=$(json_field "$SB" rx_frames)
	INJ_INNER_TOS=0x02 INJ_OUTER_TOS=0x03 inject ipv4 10
	sleep 0.5
	check "RFC 6040: outer CE over inner ECT(0) marks CE ($(json_field "$SB" rx_ce_marked))" \
		test "$(json_field "$SB" rx_ce_marked)" -ge 10
	INJ_INNER_TOS=0x00 INJ_OUTER_TOS=0x03 inject ipv4 10
	sleep 0.5
	check "RFC 6040: outer CE over inner Not-ECT drops ($(json_field "$SB" rx_ecn_drops))" \
		test "$(json_field "$SB" rx_ecn_drops)" -ge 10
	d0=$(json_field "$SB" rx_ecn_drops) c0=$(json_field "$SB" rx_ce_marked)
	INJ_INNER_TOS=0x00 INJ_OUTER_TOS=0x02 inject ipv4 10
	sleep 0.5
	check "control: outer ECT(0) over Not-ECT neither drops nor marks" \
		test "$(json_field "$SB" rx_ecn_drops)" -eq "$d0" -a "$(json_field "$SB" rx_ce_marked)" -eq "$c0"
fi
lab_done
