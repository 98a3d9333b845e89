#!/bin/bash
# Only configured peers may send to us: anything else is dropped and
# counted, never delivered.
. "$(dirname "$0")/lab.sh"
lab_init
[ -x "$STT_INJECT" ] || lab_skip "no stt-lab-inject"
SB=$(lab_stats_file B)

lab_reset
lab_underlay on off
lab_tunnel A ""
# B accepts only 192.0.2.3, not A
ip netns exec "$NSB" "$STT_TUNNEL" --tap stt0 --local $UB4 --remote 192.0.2.3 --context 42 \
	--stats-json 0.2 --stats-file "$SB" >"$LAB_DIR/b.log" 2>&1 &
LAB_PIDS+=($!)
lab_wait_link "$NSB" stt0
lab_inner 1500
check_fails "ping from a host that is not B's peer fails" ping_ok "$NSA" $IB 56 2
sleep 0.5
check "B counted the frames of a stranger ($(json_field "$SB" rx_bad_peer))" \
	test "$(json_field "$SB" rx_bad_peer)" -gt 0

lab_reset
lab_underlay on off
lab_tunnel A ""
lab_tunnel B "--stats-json 0.2 --stats-file $SB"
lab_inner 1500
check "ping between peers works" ping_ok "$NSA" $IB 56 2
rx0=$(inB cat /sys/class/net/stt0/statistics/rx_packets)
check "inject 50 valid frames from 192.0.2.99" inject valid 50 192.0.2.99
sleep 0.5
rx1=$(inB cat /sys/class/net/stt0/statistics/rx_packets)
check "frames from a non-peer never delivered ($rx0 -> $rx1)" test "$rx1" -eq "$rx0"
check "and counted ($(json_field "$SB" rx_bad_peer) bad_peer)" test "$(json_field "$SB" rx_bad_peer)" -ge 50
# control: the same frames from the real peer's address are delivered
check "inject 50 valid frames from the peer's address" inject valid 50 $UA4
sleep 0.5
rx2=$(inB cat /sys/class/net/stt0/statistics/rx_packets)
check "control: from the peer they are delivered ($rx1 -> $rx2)" test "$rx2" -ge $((rx1 + 50))
# unknown context from the peer: counted, not delivered
check "inject 50 frames for context 999" inject valid 50 $UA4 999
sleep 0.5
rx3=$(inB cat /sys/class/net/stt0/statistics/rx_packets)
check "unknown context never delivered ($rx2 -> $rx3)" test "$rx3" -eq "$rx2"
check "and counted ($(json_field "$SB" rx_unknown_context))" test "$(json_field "$SB" rx_unknown_context)" -ge 50
lab_done
