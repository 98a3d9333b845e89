#!/usr/bin/env bash
# stt-tunnel throughput against the kernel's VXLAN and the bare veth.
#
#   bench/tunnel.sh [BUILD_DIR] [SECONDS] [RUNS]
#
# Builds the lab topology (tests/lab/lab.sh: two network namespaces joined
# by a veth pair) and runs one iperf3 TCP stream (-P 1, default window,
# the same command for everyone) for SECONDS (default 5) over:
#   veth          the bare underlay (192.0.2.x), the ceiling
#   vxlan         the kernel's VXLAN over the same veth pair
#   stt           stt-tunnel, super-packets segmented by the kernel's GSO
#   stt-no-tso    stt-tunnel building every segment itself
#   stt-base      (only with STT_TUNNEL_BASE=path) another stt-tunnel
#                 binary, e.g. before a change, measured in the same run
# each RUNS times (default 3), contenders interleaved so that a busy
# moment of the machine hits all of them, and prints the medians.
#
# Three underlay settings, the same for every contender (GRO on both
# veths in all; BENCH_SETTINGS="..." picks some):
#   sw-gso   veth TSO off: the kernel cuts VXLAN's and STT's super-packets
#            into MTU-sized segments in software (skb_segment) on the
#            sending veth, as for a NIC without tunnel TSO
#   tso      veth TSO on (incl. tx-udp_tnl-segmentation): 64 KB packets
#            cross the veth whole, as with a NIC that segments in
#            hardware, VXLAN's UDP-tunnelled TCP included; the tunnel's
#            own segmentation is not affected
#   tso-plain  veth TSO on for TCP but tx-udp_tnl-segmentation off: a
#            NIC with plain TCP segmentation offload and none for UDP
#            tunnels, the case STT was designed for (its frames look
#            like TCP, so they are segmented "in hardware"; VXLAN's fall
#            back to software GSO)
#
# CPU s/GB is the CPU time (user + system, softirqs included as they run
# in our processes' context) of everything this script starts (iperf3 at
# both ends, the tunnels), from a cpuacct cgroup, per GB received; other
# work on the machine does not count. Without cgroup v1 cpuacct it falls
# back to all CPUs' busy time from /proc/stat (noisy on a shared machine).
# Needs root, iperf3 and ethtool. Not a test: numbers depend on the machine;
# compare the ratios within one run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
secs=${2:-5}
runs=${3:-3}
export STT_TUNNEL=${STT_TUNNEL:-$build/tools/stt-tunnel}
STT_TUNNEL_MAIN=$STT_TUNNEL
base=${STT_TUNNEL_BASE:-}

[ -x "$STT_TUNNEL" ] || { echo "tunnel.sh: no stt-tunnel at $STT_TUNNEL (build first)" >&2; exit 2; }
[ -z "$base" ] || [ -x "$base" ] || { echo "tunnel.sh: no stt-tunnel at $base" >&2; exit 2; }
command -v iperf3 >/dev/null || { echo "tunnel.sh: needs iperf3" >&2; exit 2; }
command -v ethtool >/dev/null || { echo "tunnel.sh: needs ethtool" >&2; exit 2; }
. "$here/../tests/lab/lab.sh"
lab_init

# ---- CPU accounting: our own cgroup, or all CPUs ----
CG=""
cg_setup() {
	local root=/sys/fs/cgroup/cpuacct
	[ -w "$root/cgroup.procs" ] || return 0
	CG="$root/sttbench-$$"
	mkdir "$CG" 2>/dev/null && echo $$ >"$CG/cgroup.procs" 2>/dev/null || CG=""
}
cg_cleanup() {
	[ -n "$CG" ] || return 0
	echo $$ >/sys/fs/cgroup/cpuacct/cgroup.procs 2>/dev/null
	rmdir "$CG" 2>/dev/null
}
cpu_ns() { # CPU time used so far, in ns
	if [ -n "$CG" ]; then
		cat "$CG/cpuacct.usage"
	else
		awk -v hz="$(getconf CLK_TCK)" \
			'/^cpu / { printf "%.0f", ($2 + $3 + $4 + $7 + $8 + $9) * 1e9 / hz }' /proc/stat
	fi
}
cg_setup
trap 'lab_cleanup; cg_cleanup' EXIT

# ---- one iperf3 run: NAME DST -> appends to RES_GBPS/RES_CPU ----
declare -A RES_GBPS RES_CPU
run_iperf() {
	local key=$1 dst=$2 out="$LAB_DIR/iperf.json" srv c0 c1 bytes used
	inB iperf3 -s -1 -B "$dst" >/dev/null 2>&1 &
	srv=$!
	sleep 0.5
	c0=$(cpu_ns)
	inA timeout $((secs + 20)) iperf3 -c "$dst" -P 1 -t "$secs" -J >"$out" 2>/dev/null
	c1=$(cpu_ns)
	kill "$srv" 2>/dev/null
	wait "$srv" 2>/dev/null
	bytes=$(grep -A8 '"sum_received"' "$out" | grep -o '"bytes":[[:space:]]*[0-9]*' | head -n1 |
		tr -dc '0-9')
	used=$(grep -A8 '"sum_received"' "$out" | grep -o '"seconds":[[:space:]]*[0-9.]*' |
		head -n1 | cut -d: -f2 | tr -d ' \t')
	if [ -z "$bytes" ] || [ "$bytes" = 0 ]; then
		echo "tunnel.sh: $key: iperf3 failed" >&2
		return
	fi
	RES_GBPS[$key]+="$(awk -v b="$bytes" -v s="$used" 'BEGIN { printf "%.2f", b * 8 / s / 1e9 }') "
	RES_CPU[$key]+="$(awk -v t=$((c1 - c0)) -v b="$bytes" 'BEGIN { printf "%.2f", t / 1e9 / (b / 1e9) }') "
}

median() { # numbers... -> median, or 0
	printf '%s\n' "$@" | grep . | sort -g |
		awk '{ v[NR] = $1 } END { if (!NR) print 0; else if (NR % 2) print v[(NR + 1) / 2];
			else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ---- the contenders ----
fresh() { # underlay setting
	lab_reset
	case $1 in
	tso) lab_underlay on on ;;
	tso-plain)
		lab_underlay on on
		local ns dev
		for ns in "$NSA:ua" "$NSB:ub"; do
			dev=${ns#*:}
			ip netns exec "${ns%%:*}" ethtool -K "$dev" tx-udp_tnl-segmentation off \
				tx-udp_tnl-csum-segmentation off >/dev/null 2>&1
		done ;;
	*) lab_underlay on off ;;
	esac
}
offloads_of() { # NS DEV -> "tso on gso on gro on ..."
	ip netns exec "$1" ethtool -k "$2" 2>/dev/null | awk -F': ' '
		$1 == "tcp-segmentation-offload" { t = $2 } $1 == "generic-segmentation-offload" { g = $2 }
		$1 == "generic-receive-offload" { r = $2 } $1 == "tx-udp_tnl-segmentation" { u = $2 }
		$1 == "tx-checksumming" { c = $2 }
		END { printf "csum %s tso %s udp_tnl %s gso %s gro %s", c, t, u, g, r }' | sed 's/ \[fixed\]//g'
}
start_stt() { # binary "options"
	STT_TUNNEL=$1
	lab_tunnel A "--quiet $2"
	lab_tunnel B "--quiet $2"
	STT_TUNNEL=$STT_TUNNEL_MAIN
	lab_inner 1500
	ping_ok "$NSA" $IB 56 1 >/dev/null
}
contender() { # NAME SETTING: set it up and run iperf3 once
	local name=$1 set=$2
	fresh "$set"
	[ -n "${UNDERLAY_INFO[$set]:-}" ] || UNDERLAY_INFO[$set]="ua: $(offloads_of "$NSA" ua); ub: $(offloads_of "$NSB" ub)"
	case $name in
	veth)
		run_iperf "$name/$set" $UB4 ;;
	vxlan)
		ip -n "$NSA" link add vx0 type vxlan id 42 local $UA4 remote $UB4 dstport 4789 dev ua
		ip -n "$NSB" link add vx0 type vxlan id 42 local $UB4 remote $UA4 dstport 4789 dev ub
		ip -n "$NSA" addr add $IA/24 dev vx0
		ip -n "$NSB" addr add $IB/24 dev vx0
		ip -n "$NSA" link set vx0 up
		ip -n "$NSB" link set vx0 up
		run_iperf "$name/$set" $IB ;;
	stt) start_stt "$STT_TUNNEL_MAIN" ""; run_iperf "$name/$set" $IB ;;
	stt-no-tso) start_stt "$STT_TUNNEL_MAIN" "--no-tso"; run_iperf "$name/$set" $IB ;;
	stt-base) start_stt "$base" ""; run_iperf "$name/$set" $IB ;;
	esac
	lab_stop_tunnels
}

declare -A UNDERLAY_INFO
names="veth vxlan stt stt-no-tso"
[ -n "$base" ] && names="$names stt-base"
settings=${BENCH_SETTINGS:-"sw-gso tso tso-plain"}
for r in $(seq 1 "$runs"); do
	for set in $settings; do
		for n in $names; do
			contender "$n" "$set"
		done
	done
	echo "# run $r of $runs done" >&2
done

# ---- the table ----
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
offload_note() { # NAME
	case $1 in
	veth) echo "-" ;;
	vxlan) echo "kernel vxlan: GSO super-packets, GRO" ;;
	stt | stt-base) echo "TAP vnet TSO4/6+CSUM, GSO super-packets" ;;
	stt-no-tso) echo "TAP vnet TSO4/6+CSUM, own segments" ;;
	esac
}
echo "iperf3 TCP, -P 1, ${secs}s, median of $runs runs; CPU: $([ -n "$CG" ] && echo "cpuacct cgroup of the bench" || echo "all $(nproc) CPUs (/proc/stat)")"
for set in $settings; do
	echo
	echo "underlay $set: ${UNDERLAY_INFO[$set]:-?}"
	printf '%-11s %8s %9s %8s %8s %10s  %s\n' path Gbit/s "CPU s/GB" "vs veth" "vs vxlan" "CPU/vxlan" offloads
	for n in $names; do
		# shellcheck disable=SC2086
		g=$(median ${RES_GBPS[$n/$set]:-}) c=$(median ${RES_CPU[$n/$set]:-})
		gv=$(median ${RES_GBPS[veth/$set]:-}) gx=$(median ${RES_GBPS[vxlan/$set]:-})
		cx=$(median ${RES_CPU[vxlan/$set]:-})
		printf '%-11s %8s %9s %8s %8s %10s  %s\n' "$n" "$g" "$c" "$(ratio "$g" "$gv")" \
			"$(ratio "$g" "$gx")" "$(ratio "$c" "$cx")" "$(offload_note "$n")"
	done
	for n in $names; do
		printf '  %-11s Gbit/s: %s CPU s/GB: %s\n' "$n" "${RES_GBPS[$n/$set]:-}" "${RES_CPU[$n/$set]:-}"
	done
done
