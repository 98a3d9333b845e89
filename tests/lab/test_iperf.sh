#!/bin/bash
# TCP through the tunnel (iperf3, 3 seconds), with kernel GSO and without.
. "$(dirname "$0")/lab.sh"
lab_init
command -v iperf3 >/dev/null || lab_skip "needs iperf3"

for mode in $LAB_MODES; do
	extra=""
	[ "$mode" = no-tso ] && extra="--no-tso"
	lab_reset
	lab_underlay on off
	lab_tunnel A "$extra"
	lab_tunnel B "$extra"
	lab_inner 1500
	ping_ok "$NSA" $IB 56 1 >/dev/null
	inB iperf3 -s -1 -D -B $IB >/dev/null 2>&1
	sleep 0.5
	out="$LAB_DIR/iperf-$mode.json"
	inA iperf3 -c $IB -t 3 -J >"$out" 2>"$out.err"
	rc=$?
	bps=$(grep -A8 '"sum_received"' "$out" | grep -o '"bits_per_second":[[:space:]]*[0-9.e+]*' | head -n1 |
		cut -d: -f2 | tr -d ' \t')
	[ $rc -eq 0 ] || { echo "# iperf3 exit $rc"; tail -n 5 "$out.err" "$out"; }
	check "iperf3 TCP through the tunnel ($mode): ${bps:-?} bit/s" test $rc -eq 0 -a -n "$bps"
done
lab_done
