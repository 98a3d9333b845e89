#!/bin/bash
# Malformed segments and floods of partial frames from the peer's address
# are counted and dropped while a ping across the tunnel keeps working.
. "$(dirname "$0")/lab.sh"
lab_init
[ -x "$STT_INJECT" ] || lab_skip "no stt-lab-inject"
SB=$(lab_stats_file B)

lab_reset
lab_underlay on off
lab_tunnel A ""
lab_tunnel B "--stats-json 0.2 --stats-file $SB --mtu 9000"
lab_inner 9000
check "ping before the flood" ping_ok "$NSA" $IB 4000 2

inA ping -q -c 30 -i 0.1 -W 2 -s 4000 $IB >"$LAB_DIR/ping-during.txt" 2>&1 &
ping_pid=$!
for kind in badcsum zerolen range version conflict truncated; do
	check "inject 200 $kind segments" inject $kind 200
done
check "inject 4000 partial 60 KB frames (more than the 4 MiB cap)" inject partial 4000
wait $ping_pid
check "ping kept working during the flood" grep -q ' 0% packet loss' "$LAB_DIR/ping-during.txt"
check "ping after the flood" ping_ok "$NSA" $IB 4000 3
sleep 0.5
for f in rx_bad_csum rx_bad_version rx_malformed zero_len out_of_range overlap_conflict evicted; do
	v=$(json_field "$SB" $f)
	check "counted: $f = ${v:-missing}" test "${v:-0}" -gt 0
done
peak=$(json_field "$SB" mem_peak)
check "reassembly memory stayed under the cap (peak $peak)" test "${peak:-0}" -le 4194304
check "the tunnel is still running" kill -0 "${LAB_PIDS[1]}"
lab_done
