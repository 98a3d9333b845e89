#!/usr/bin/env bash
# stt-tunnel throughput against the kernel's VXLAN and the bare veth.
#
#   bench/tunnel.sh [BUILD_DIR] [SECONDS]
#
# Builds the lab topology (tests/lab/lab.sh: two network namespaces joined
# by a veth pair) and runs iperf3 TCP for SECONDS (default 5) over:
#   veth          the bare underlay (192.0.2.x), the ceiling
#   vxlan         the kernel's VXLAN over the same veth pair
#   stt           stt-tunnel, super-packets segmented by the kernel's GSO
#   stt --no-tso  stt-tunnel building every segment itself
# and prints Gbit/s, CPU seconds per GB moved (all CPUs, from /proc/stat:
# both hosts share this kernel, so this counts sender, receiver and the
# tunnel processes) and the ratios to veth and VXLAN. Needs root, iperf3
# and ethtool. Not a test: numbers depend on the machine.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
secs=${2:-5}
export STT_TUNNEL=${STT_TUNNEL:-$build/tools/stt-tunnel}

[ -x "$STT_TUNNEL" ] || { echo "tunnel.sh: no stt-tunnel at $STT_TUNNEL (build first)" >&2; exit 2; }
command -v iperf3 >/dev/null || { echo "tunnel.sh: needs iperf3" >&2; exit 2; }
. "$here/../tests/lab/lab.sh"
lab_init

busy_ticks() { # CPU ticks spent not idle, all CPUs
	awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat
}

declare -A GBPS CPUGB
run_iperf() { # NAME DST
	local name=$1 dst=$2 out="$LAB_DIR/$1.json" t0 t1 bytes secs_used hz
	inB iperf3 -s -1 -D -B "$dst" >/dev/null 2>&1
	sleep 0.5
	hz=$(getconf CLK_TCK)
	t0=$(busy_ticks)
	inA iperf3 -c "$dst" -t "$secs" -J >"$out" 2>/dev/null
	t1=$(busy_ticks)
	bytes=$(grep -A8 '"sum_received"' "$out" | grep -o '"bytes":[[:space:]]*[0-9]*' | head -n1 |
		tr -dc '0-9')
	secs_used=$(grep -A8 '"sum_received"' "$out" | grep -o '"seconds":[[:space:]]*[0-9.]*' |
		head -n1 | cut -d: -f2 | tr -d ' \t')
	if [ -z "$bytes" ] || [ "$bytes" = 0 ]; then
		echo "tunnel.sh: $name: iperf3 failed" >&2
		GBPS[$name]=0 CPUGB[$name]=0
		return
	fi
	GBPS[$name]=$(awk -v b="$bytes" -v s="$secs_used" 'BEGIN { printf "%.2f", b * 8 / s / 1e9 }')
	CPUGB[$name]=$(awk -v t=$((t1 - t0)) -v hz="$hz" -v b="$bytes" \
		'BEGIN { printf "%.2f", t / hz / (b / 1e9) }')
}

fresh() {
	lab_reset
	lab_underlay on off
}

fresh
run_iperf veth $UB4

fresh
ip -n "$NSA" link add vx0 type vxlan id 42 local $UA4 remote $UB4 dstport 4789 dev ua
ip -n "$NSB" link add vx0 type vxlan id 42 local $UB4 remote $UA4 dstport 4789 dev ub
ip -n "$NSA" addr add $IA/24 dev vx0
ip -n "$NSB" addr add $IB/24 dev vx0
ip -n "$NSA" link set vx0 up
ip -n "$NSB" link set vx0 up
run_iperf vxlan $IB

fresh
lab_tunnel A "--quiet"
lab_tunnel B "--quiet"
lab_inner 1500
ping_ok "$NSA" $IB 56 1 >/dev/null
run_iperf stt $IB

fresh
lab_tunnel A "--quiet --no-tso"
lab_tunnel B "--quiet --no-tso"
lab_inner 1500
ping_ok "$NSA" $IB 56 1 >/dev/null
run_iperf stt-no-tso $IB
lab_stop_tunnels

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
printf '%-12s %10s %14s %10s %10s\n' path Gbit/s "CPU s/GB" "vs veth" "vs vxlan"
for n in veth vxlan stt stt-no-tso; do
	printf '%-12s %10s %14s %10s %10s\n' "$n" "${GBPS[$n]}" "${CPUGB[$n]}" \
		"$(ratio "${GBPS[$n]}" "${GBPS[veth]}")" "$(ratio "${GBPS[$n]}" "${GBPS[vxlan]}")"
done
echo "(iperf3 TCP, ${secs}s each, one stream; CPU over all $(nproc) CPUs)"
