# Sourced by the live sendrecv scripts (live.sh, idle_expiry.sh): two
# network namespaces joined by a veth pair (192.0.2.1 and 2001:db8::1 on
# $VA in $NA, 192.0.2.2 and 2001:db8::2 on $VB in $NB), and the helpers that
# start stt-recv there, wait until it listens and compare what it printed.
# The sourcing script sets SEND and RECV, then calls setup. Exits 77
# (skipped) without root and ip(8); everything made goes away on exit.
# (No set -u here: the sourcing script decides.)

if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null; then
	echo "live test needs root and ip(8): skipped"
	exit 77
fi

NA="sttsrA$$"
NB="sttsrB$$"
VA="sttA$$"
VB="sttB$$"
T=$(mktemp -d "${TMPDIR:-/tmp}/sttlive.XXXXXX")
pids=()
fails=0

cleanup() {
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	ip netns del "$NA" 2>/dev/null
	ip netns del "$NB" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap "exit 1" INT TERM HUP

# ok, fail, check, check_not
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

inA() { ip netns exec "$NA" "$@"; }
inB() { ip netns exec "$NB" "$@"; }

setup() {
	ip netns add "$NA" || return 1
	ip netns add "$NB" || return 1
	ip link add "$VA" netns "$NA" type veth peer name "$VB" netns "$NB" || return 1
	inA ip link set lo up
	inB ip link set lo up
	inA ip addr add 192.0.2.1/24 dev "$VA"
	inB ip addr add 192.0.2.2/24 dev "$VB"
	inA ip addr add 2001:db8::1/64 dev "$VA" nodad
	inB ip addr add 2001:db8::2/64 dev "$VB" nodad
	inA ip link set "$VA" up || return 1
	inB ip link set "$VB" up || return 1
	# Keep each host's TCP from answering STT segments with RSTs (the
	# echo replies go to port 7471 too, as any STT sender's do).
	if command -v nft >/dev/null; then
		local ns
		for ns in "$NA" "$NB"; do
			ip netns exec "$ns" nft -f - <<-EOF
			table inet sttsr {
				chain input {
					type filter hook input priority 0;
					tcp dport 7471 drop
					tcp sport 7471 drop
				}
			}
			EOF
		done
	fi
	return 0
}

# expected_hex OUT SEND-ARGS...: the inner frames stt-send would send, as
# stt-recv --raw prints them
expected_hex() {
	local out=$1
	shift
	local args=()
	while [ $# -gt 0 ]; do
		# the interface only matters for sending live
		if [ "$1" = --iface ]; then
			shift 2
			continue
		fi
		args+=("$1")
		shift
	done
	"$SEND" -q -w "$T/exp.pcap" "${args[@]}" &&
		"$RECV" -r "$T/exp.pcap" --raw -q --no-stats >"$out"
}

# wait_lines FILE EXPECTED: every line of EXPECTED appears in FILE
# (polled for up to 20 s)
wait_lines() {
	local i
	for i in $(seq 1 200); do
		if grep -q . "$2" && ! grep -v -x -F -f "$1" "$2" >/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# start_recv NS NAME ARGS...: stt-recv -i in the background with
# RECV_BASE and ARGS, its stdout in $T/NAME.out (probe() then waits until
# it is listening). RECV_BASE must keep --raw: probe() looks for hex lines.
# shellcheck disable=SC2034 # read by start_recv, set again by callers
RECV_BASE=(--raw -q --timeout 60s)
start_recv() {
	local ns=$1 name=$2
	shift 2
	ip netns exec "$ns" "$RECV" "${RECV_BASE[@]}" "$@" >"$T/$name.out" 2>"$T/$name.err" &
	pids+=($!)
	echo $! >"$T/$name.pid"
}

# probe FROM-NS TARGET NAME: send probe frames until the receiver NAME
# prints one (it is then known to be listening)
probe() {
	local ns=$1 target=$2 name=$3
	expected_hex "$T/probe.hex" --udp --size 64 --context 999 --seed 999 --dst "$target" || return 1
	local i
	for i in $(seq 1 100); do
		ip netns exec "$ns" "$SEND" -q --target "$target" --udp --size 64 --context 999 \
			--seed 999 2>/dev/null
		if grep -q -x -F -f "$T/probe.hex" "$T/$name.out" 2>/dev/null; then
			return 0
		fi
		sleep 0.2
	done
	return 1
}

stop_recv() {
	local p
	p=$(cat "$T/$1.pid")
	kill "$p" 2>/dev/null
	wait "$p" 2>/dev/null
}
