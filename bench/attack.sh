#!/usr/bin/env bash
# Reassembly under attack: floods of partial frames, and adversarial orders.
#
#   bench/attack.sh [BUILD_DIR] [--quick] [--lab [SECONDS]]
#
# 1. In-process (bench/attack_bench.c, full speed): a legitimate peer's
#    9000-byte frames among partial 64 KB frames from 1000 spoofed sources
#    (and from the peer's own address) at 1:1, 10:1 and 100:1 attack
#    segments per legitimate one: legitimate frames delivered (target
#    >= 99% at 10:1), peak memory against the 4 MiB cap (checked after
#    every segment); then ns per segment for in-order and adversarial
#    orders at growing n, with the ratio largest/smallest n.
# 2. --lab (root): the lab's two stt-tunnels (tests/lab/lab.sh); host A
#    floods host B with stt-fuzz --kind flood at full speed, spoofing A's
#    own address (B's tunnel takes it for its peer), while A pings B
#    through the tunnel: ping replies received, B's reassembly memory peak
#    and drop counters. Not a test: numbers depend on the machine.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$here/../build
quick="" lab=0 secs=5
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=--quick ;;
	--lab) lab=1; case ${2:-} in [0-9]*) secs=$2; shift ;; esac ;;
	-*) echo "usage: attack.sh [BUILD_DIR] [--quick] [--lab [SECONDS]]" >&2; exit 2 ;;
	*) build=$1 ;;
	esac
	shift
done
bench=$build/bench/attack_bench
[ -x "$bench" ] || { echo "attack.sh: no $bench (build first)" >&2; exit 2; }

echo "== in-process reassembler =="
"$bench" $quick
status=$?
[ $lab = 1 ] || exit $status

echo
echo "== lab: stt-tunnel B flooded by host A for $secs s =="
export STT_TUNNEL=${STT_TUNNEL:-$build/tools/stt-tunnel}
fuzz=$build/tools/stt-fuzz
[ -x "$fuzz" ] || { echo "attack.sh: no $fuzz" >&2; exit 2; }
. "$here/../tests/lab/lab.sh"
lab_init
lab_underlay off off
lab_tunnel A "--no-tso"
lab_tunnel B "--no-tso --stats-json 0.5 --stats-file $(lab_stats_file B)"
lab_inner 1500
ping_ok "$NSA" $IB 56 2 >/dev/null || echo "attack.sh: warning: no ping across the tunnel before the flood"

count=$((secs * 50))
inA ping -q -c $count -i 0.02 -W 1 $IB >"$LAB_DIR/ping.txt" 2>&1 &
pingpid=$!
inA "$fuzz" --target $UB4 --iface ua --inner-target $IB --inner-src 198.51.100.99 \
	--context $LAB_CONTEXT --kind flood --rate 0 --probe-every 1000000 --duration "$secs" \
	--seed 1 -q -o "$LAB_DIR/findings" >"$LAB_DIR/fuzz.txt" 2>&1
wait $pingpid
sleep 1
grep -E "packets transmitted" "$LAB_DIR/ping.txt" | sed 's/^/  ping A->B during the flood: /'
tail -n 1 "$LAB_DIR/fuzz.txt" | sed 's/^/  /'
f=$(lab_stats_file B)
for k in rx_packets rx_frames mem_peak mem_held frames_delivered; do
	v=$(json_field "$f" $k)
	[ -n "$v" ] && printf '  B %-18s %s\n' "$k" "$v"
done
peak=$(json_field "$f" mem_peak)
if [ -n "$peak" ] && [ "$peak" -gt $((4 * 1024 * 1024)) ]; then
	echo "  FAIL: B's reassembly memory peak $peak is over the 4 MiB cap"
	status=1
fi
exit $status
