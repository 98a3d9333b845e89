#!/bin/bash
# Two underlay hosts in network namespaces joined by a veth pair, an
# stt-tunnel on each, and the inner network 198.51.100.0/24 over the TAPs.
# Sourced by the test scripts in this folder:
#
#   . lab.sh
#   lab_init                      # skip (77) unless root with netns support
#   for mode in $LAB_MODES        # "tso no-tso"; "no-tso" without STT_LINUX_IO
#   lab_underlay [gro on|off] [tso on|off]
#   lab_tunnel A "--no-tso"       # stt-tunnel in host A with extra options
#   lab_tunnel B ""
#   lab_inner                     # inner addresses on the TAPs
#   check "name" command...       # prints "TEST: name [ OK ]" or "[FAIL]"
#   lab_done                      # exit code: 1 if any check failed
#
# Everything (namespaces, processes, temp files) goes away on exit or
# failure through the EXIT trap. Only documentation addresses are used.

set -u

LAB_SKIP=77
STT_TUNNEL=${STT_TUNNEL:-stt-tunnel}
LAB_ID="$$$RANDOM"
NSA="sttA-$LAB_ID"
NSB="sttB-$LAB_ID"
LAB_DIR=""
LAB_FAILED=0
LAB_PIDS=()
# underlay addresses: host A, host B, and an outsider in B's namespace
UA4=192.0.2.1
UB4=192.0.2.2
UA6=2001:db8::1
UB6=2001:db8::2
IA=198.51.100.1
IB=198.51.100.2
LAB_CONTEXT=42
LAB_NOIO=0
LAB_MODES="tso no-tso"

lab_log() { echo "# $*"; }

lab_skip() {
	echo "SKIP: $*"
	exit $LAB_SKIP
}

lab_init() {
	[ "$(id -u)" = 0 ] || lab_skip "needs root"
	command -v ip >/dev/null || lab_skip "needs iproute2"
	command -v ping >/dev/null || lab_skip "needs ping (iputils-ping)"
	[ -c /dev/net/tun ] || lab_skip "no /dev/net/tun"
	case "$STT_TUNNEL" in
	*/*) [ -x "$STT_TUNNEL" ] || lab_skip "no stt-tunnel at $STT_TUNNEL" ;;
	*) command -v "$STT_TUNNEL" >/dev/null || lab_skip "no stt-tunnel in PATH" ;;
	esac
	# A -DSTT_LINUX_IO=OFF build (LAB_NOIO=1) runs the same lab over its
	# portable backends: libpcap underlay, a plain TAP without offloads,
	# ARP/ND on the wire, and no firewall backend (lab_tunnel installs
	# the rule the tunnel prints). lab_need_linux_io skips what needs more.
	local v
	v=$("$STT_TUNNEL" --version 2>/dev/null)
	grep -q '^I/O backends:.* tap' <<<"$v" || lab_skip "stt-tunnel built without a TAP backend"
	if grep -q '^I/O backends:.* afpacket' <<<"$v"; then LAB_NOIO=0; else LAB_NOIO=1; fi
	# the segmentation modes a test runs: kernel GSO (tso) needs AF_PACKET
	LAB_MODES="tso no-tso"
	if [ "$LAB_NOIO" = 1 ]; then
		LAB_MODES="no-tso"
		lab_log "portable build (-DSTT_LINUX_IO=OFF): pcap underlay, plain TAP, ARP/ND on the wire"
		lab_log "SKIP tso mode: kernel GSO needs the Linux I/O backends (AF_PACKET); no-tso only"
	fi
	LAB_DIR=$(mktemp -d /tmp/stt-lab.XXXXXX)
	trap lab_cleanup EXIT
	trap 'exit 1' INT TERM
	ip netns add "$NSA" 2>/dev/null || lab_skip "no network namespace support"
	ip netns add "$NSB" || lab_skip "no network namespace support"
}

lab_cleanup() {
	local p
	for p in "${LAB_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${LAB_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	LAB_PIDS=()
	ip netns del "$NSA" 2>/dev/null
	ip netns del "$NSB" 2>/dev/null
	# LAB_KEEP=1 keeps the tunnels' logs (e.g. sanitizer reports) for a look
	if [ -n "$LAB_DIR" ] && [ "${LAB_KEEP:-0}" = 1 ]; then
		echo "# lab files kept in $LAB_DIR"
	elif [ -n "$LAB_DIR" ]; then
		rm -rf "$LAB_DIR"
	fi
	LAB_DIR=""
}

# Run a command in host A or B: inA ping ...
inA() { ip netns exec "$NSA" "$@"; }
inB() { ip netns exec "$NSB" "$@"; }
ns_of() { [ "$1" = A ] && echo "$NSA" || echo "$NSB"; }

# lab_underlay GRO TSO: the veth pair ua (in A) <-> ub (in B), IPv4 and
# IPv6 underlay addresses, GRO on the receiving side and TSO on the
# sending side as asked (TSO off makes the kernel's GSO cut our
# super-packets into real segments).
lab_underlay() {
	local gro=${1:-on} tso=${2:-off}
	ip -n "$NSA" link set lo up
	ip -n "$NSB" link set lo up
	ip -n "$NSA" link add ua type veth peer name ub netns "$NSB"
	ip -n "$NSA" addr add $UA4/24 dev ua
	ip -n "$NSB" addr add $UB4/24 dev ub
	ip -n "$NSA" addr add $UA6/64 dev ua nodad
	ip -n "$NSB" addr add $UB6/64 dev ub nodad
	ip -n "$NSA" link set ua up
	ip -n "$NSB" link set ub up
	if command -v ethtool >/dev/null; then
		inA ethtool -K ua tso "$tso" gro "$gro" >/dev/null 2>&1
		inB ethtool -K ub tso "$tso" gro "$gro" >/dev/null 2>&1
	fi
}

# lab_tunnel HOST "extra options" [tap] [context]: start stt-tunnel on
# host A or B towards the other and wait for its TAP.
lab_tunnel() {
	local host=$1 extra=${2:-} tap=${3:-stt0} ctx=${4:-$LAB_CONTEXT}
	local ns local remote log
	ns=$(ns_of "$host")
	if [ "$host" = A ]; then local=$UA4 remote=$UB4; else local=$UB4 remote=$UA4; fi
	case "$extra" in *--v6*)
		extra=${extra//--v6/}
		if [ "$host" = A ]; then local=$UA6 remote=$UB6; else local=$UB6 remote=$UA6; fi ;;
	esac
	log="$LAB_DIR/tunnel-$host-$tap.log"
	# shellcheck disable=SC2086
	ip netns exec "$ns" "$STT_TUNNEL" --tap "$tap" --local "$local" --remote "$remote" \
		--context "$ctx" $extra >"$log" 2>&1 &
	LAB_PIDS+=($!)
	lab_wait_link "$ns" "$tap" || {
		cat "$log" >&2
		echo "lab: stt-tunnel on $host did not create $tap" >&2
		exit 1
	}
	case "$extra" in *--no-firewall*) ;; *) lab_firewall "$ns" "$log" ;; esac
}

# lab_firewall NS LOG: in the portable build nothing installs the rule
# that keeps the kernel's TCP from answering STT with RST; the tunnel
# prints the exact nft command instead ("Run:" and the command on the next
# line of its log). Run that very command in NS, so the test also proves
# the printed command works. No-op in the Linux build.
lab_firewall() {
	local ns=$1 log=$2 cmd i
	[ "$LAB_NOIO" = 1 ] || return 0
	for i in $(seq 1 100); do
		grep -q 'Run:$' "$log" 2>/dev/null && break
		sleep 0.05
	done
	cmd=$(grep -A1 'Run:$' "$log" | tail -n 1 | sed 's/^ *//')
	case "$cmd" in
	"nft add table inet sttkit && "*) ;;
	*)
		cat "$log" >&2
		echo "lab: no nft command in the tunnel's log" >&2
		exit 1
		;;
	esac
	ip netns exec "$ns" sh -c "$cmd" || {
		echo "lab: the printed firewall command failed: $cmd" >&2
		exit 1
	}
}

# lab_need_linux_io WHAT: skip the rest of a test (exit 77 unless checks
# already ran, then end with their verdict) when it needs a Linux backend
# (AF_PACKET, TSO/GSO, TAP offloads, nftables) this build does not have.
lab_need_linux_io() {
	[ "$LAB_NOIO" = 1 ] || return 0
	echo "SKIP: $* (needs the Linux I/O backends; this build has -DSTT_LINUX_IO=OFF)"
	[ -n "${LAB_CHECKED:-}" ] && exit $LAB_FAILED
	exit $LAB_SKIP
}

# lab_tunnel_cmd HOST args...: start stt-tunnel with exactly these args.
lab_tunnel_cmd() {
	local host=$1 ns log
	shift
	ns=$(ns_of "$host")
	log="$LAB_DIR/tunnel-$host-cmd$RANDOM.log"
	ip netns exec "$ns" "$STT_TUNNEL" "$@" >"$log" 2>&1 &
	LAB_PIDS+=($!)
	LAB_LAST_LOG=$log
}

lab_wait_link() {
	local ns=$1 dev=$2 i
	for i in $(seq 1 100); do
		ip -n "$ns" link show "$dev" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	return 1
}

# lab_inner [mtu] [tap] [addrA] [addrB]: inner addresses and MTU on the TAPs.
# IPv6 stays off on the TAPs unless LAB_INNER_V6=1: its background chatter
# (MLD reports, router solicitations) would move the counters the tests
# watch.
lab_inner() {
	local mtu=${1:-1500} tap=${2:-stt0} a=${3:-$IA} b=${4:-$IB}
	if [ "${LAB_INNER_V6:-0}" != 1 ]; then
		inA sysctl -qw "net.ipv6.conf.$tap.disable_ipv6=1"
		inB sysctl -qw "net.ipv6.conf.$tap.disable_ipv6=1"
	fi
	ip -n "$NSA" link set "$tap" mtu "$mtu" up
	ip -n "$NSB" link set "$tap" mtu "$mtu" up
	ip -n "$NSA" addr add "$a/24" dev "$tap"
	ip -n "$NSB" addr add "$b/24" dev "$tap"
}

# Stop the tunnels (SIGTERM) and wait: their logs stay in $LAB_DIR.
lab_stop_tunnels() {
	local p
	for p in "${LAB_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${LAB_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	LAB_PIDS=()
}

# lab_reset: both namespaces anew, for the next configuration.
lab_reset() {
	lab_stop_tunnels
	ip netns del "$NSA" 2>/dev/null
	ip netns del "$NSB" 2>/dev/null
	ip netns add "$NSA"
	ip netns add "$NSB"
}

# Counters of the tunnel in HOST via SIGUSR1 are on its stderr log; the
# JSON form is easier to test: lab_stats HOST -> last JSON line.
lab_stats_file() { echo "$LAB_DIR/stats-$1.json"; }

check() {
	local name=$1
	shift
	LAB_CHECKED=1
	if "$@" >"$LAB_DIR/check.out" 2>&1; then
		printf 'TEST: %-60s [ OK ]\n' "$name"
	else
		printf 'TEST: %-60s [FAIL]\n' "$name"
		sed 's/^/#   /' "$LAB_DIR/check.out" | tail -n 15
		LAB_FAILED=1
	fi
}

# check_fails NAME command...: the command must fail (a negative control).
check_fails() {
	local name=$1
	shift
	LAB_CHECKED=1
	if "$@" >"$LAB_DIR/check.out" 2>&1; then
		printf 'TEST: %-60s [FAIL]\n' "$name"
		echo "#   expected failure, got success"
		LAB_FAILED=1
	else
		printf 'TEST: %-60s [ OK ]\n' "$name"
	fi
}

# ping_ok NS DST SIZE [count]: all echo replies come back.
ping_ok() {
	local ns=$1 dst=$2 size=$3 count=${4:-3}
	ip netns exec "$ns" ping -q -c "$count" -i 0.2 -W 2 -s "$size" "$dst"
}

# json_field FILE KEY: the value of an integer counter anywhere in the last
# JSON line of FILE (first occurrence).
json_field() {
	tail -n 1 "$1" | grep -o "\"$2\":[0-9]*" | head -n 1 | cut -d: -f2
}

# wait until tcpdump says it is listening (its stderr in FILE)
lab_capture_wait() {
	local i
	for i in $(seq 1 100); do
		grep -q 'listening on' "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}
lab_done() {
	exit $LAB_FAILED
}

# mac_of NS DEV
mac_of() {
	ip -n "$1" -o link show "$2" | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2
}

# inject HOST KIND COUNT [SRC] [CONTEXT]: hand-made STT traffic from host
# A's underlay (source address SRC, default A's) to host B.
inject() {
	local kind=$1 count=$2 src=${3:-$UA4} ctx=${4:-$LAB_CONTEXT}
	inA "$STT_INJECT" ua "$src" $UB4 "$(mac_of "$NSB" ub)" "$kind" "$count" "$ctx"
}
STT_INJECT=${STT_INJECT:-$(dirname "$STT_TUNNEL")/../tests/lab/stt-lab-inject}
