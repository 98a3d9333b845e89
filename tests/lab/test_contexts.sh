#!/bin/bash
# Two contexts on one host pair stay apart; a frame with a context the
# receiver does not know is never delivered.
. "$(dirname "$0")/lab.sh"
lab_init
lab_reset
lab_underlay on off
SA=$(lab_stats_file A) SB=$(lab_stats_file B)
# host A: contexts 42 (stt0) and 43 (stt1); host B: 42 (stt0), 43 (stt1)
cat >"$LAB_DIR/a.json" <<JSON
{ "local": "$UA4", "peers": ["$UB4"],
  "contexts": [ { "id": 42, "tap": "stt0" }, { "id": 43, "tap": "stt1" } ] }
JSON
sed "s/$UA4/X/; s/$UB4/$UA4/; s/X/$UB4/" "$LAB_DIR/a.json" >"$LAB_DIR/b.json"
lab_tunnel_cmd A --config "$LAB_DIR/a.json" --stats-json 0.2 --stats-file "$SA"
lab_tunnel_cmd B --config "$LAB_DIR/b.json" --stats-json 0.2 --stats-file "$SB"
lab_wait_link "$NSA" stt1 && lab_wait_link "$NSB" stt1
# the portable build prints the firewall rule rather than installing it
lab_firewall "$NSA" "$(ls "$LAB_DIR"/tunnel-A-cmd*.log)"
lab_firewall "$NSB" "$(ls "$LAB_DIR"/tunnel-B-cmd*.log)"
lab_inner 1500 stt0 198.51.100.1 198.51.100.2
lab_inner 1500 stt1 203.0.113.1 203.0.113.2
check "context 42 carries traffic" ping_ok "$NSA" 198.51.100.2 1000 3
check "context 43 carries traffic" ping_ok "$NSA" 203.0.113.2 1000 3
# Isolation: frames of context 42 must never come out of B's stt1. Watch
# stt1's receive counter while only context 42 is busy.
b1_before=$(ip netns exec "$NSB" cat /sys/class/net/stt1/statistics/rx_packets)
ip netns exec "$NSA" ping -q -c 20 -i 0.05 -W 1 198.51.100.2 >/dev/null
b1_after=$(ip netns exec "$NSB" cat /sys/class/net/stt1/statistics/rx_packets)
check "context 42 traffic never reaches context 43's TAP ($b1_before -> $b1_after)" \
	test "$b1_before" -eq "$b1_after"
# Negative control: the same counter does move when context 43 is used.
ip netns exec "$NSA" ping -q -c 5 -i 0.05 -W 1 203.0.113.2 >/dev/null
b1_ctl=$(ip netns exec "$NSB" cat /sys/class/net/stt1/statistics/rx_packets)
check "control: context 43 traffic does reach it ($b1_after -> $b1_ctl)" test "$b1_ctl" -gt "$b1_after"

# Unknown context: B only knows 42; A sends 77.
lab_stop_tunnels
lab_reset
lab_underlay on off
lab_tunnel A "" stt0 77
lab_tunnel B "--stats-json 0.2 --stats-file $SB" stt0 42
lab_inner 1500
check_fails "ping with a context the peer does not know fails" ping_ok "$NSA" $IB 56 2
sleep 0.5
unk=$(json_field "$SB" rx_unknown_context)
check "unknown context counted ($unk) and nothing delivered" test "${unk:-0}" -gt 0
lab_done
