#!/usr/bin/env bash
# Active mode against stt-tunnel in the netns lab (tests/lab/lab.sh): host
# B runs stt-tunnel towards host A; in host A, stt-conform plays A's tunnel
# endpoint and pings B's inner address through B's tunnel, over the IPv4
# and the IPv6 underlay.
#   active_tunnel.sh STT-CONFORM STT-TUNNEL WORKDIR
set -u
conform=$1
export STT_TUNNEL=$2
dir=$3
. "$(dirname "$0")/../lab/lab.sh"
lab_init
rm -rf "$dir" && mkdir -p "$dir"

v() { awk -v id="$2" '$1 == id {print $3}' "$1"; }
verdict() { # report, requirement, wanted
	local got
	got=$(v "$1" "$2")
	[ "$got" == "$3" ] || { echo "$2: expected $3, got $got"; grep "^$2 " "$1"; return 1; }
}

run_conform() { # report-name target extra...
	local name=$1 target=$2
	shift 2
	inA "$conform" --target "$target" --inner-target $IB --inner-src $IA --context $LAB_CONTEXT \
		--wait 1000 --no-color --json "$dir/$name.json" "$@" >"$dir/$name.txt" 2>"$dir/$name.err"
	echo $? >"$dir/$name.rc"
}

for under in v4 v6; do
	lab_reset
	lab_underlay off off
	if [ $under = v6 ]; then
		lab_tunnel B "--v6"
		target=$UB6
	else
		lab_tunnel B ""
		target=$UB4
	fi
	ip -n "$NSB" link set stt0 up
	ip -n "$NSB" addr add $IB/24 dev stt0
	# A's kernel must not answer B's segments with RST.
	inA nft add table inet cftest 2>/dev/null &&
		inA nft add chain inet cftest input '{ type filter hook input priority 0; }' &&
		inA nft add rule inet cftest input tcp dport 7471 drop
	inA ping -c1 -W1 "$target" >/dev/null 2>&1
	run_conform "$under" "$target"
	r=$dir/$under.txt
	sed 's/^/# /' "$r" | grep -v 'PASS *$' | head -40
	check "$under: stt-tunnel answers through the tunnel" verdict "$r" STT-IMPL-DPORT PASS
	check "$under: multi-segment frames" verdict "$r" STT-3.2-SEQ-OFFSET PASS
	check "$under: out-of-order segments" verdict "$r" STT-IMPL-OUT-OF-ORDER PASS
	check "$under: duplicates never complete early" verdict "$r" STT-IMPL-DUP-NO-EARLY PASS
	check "$under: lost segment delivers nothing" verdict "$r" STT-IMPL-INCOMPLETE-DROP PASS
	check "$under: conflicting overlap never delivered" verdict "$r" STT-IMPL-OVERLAP-CONFLICT PASS
	check "$under: unknown context dropped" verdict "$r" STT-IMPL-CONTEXT-UNKNOWN-DROP PASS
	check "$under: version 1 dropped" verdict "$r" STT-IMPL-VERSION-DROP PASS
	check "$under: ARP with IP flags still answered" verdict "$r" STT-3.1.1-NONIP-IGNORED PASS
	check "$under: robustness" verdict "$r" STT-IMPL-REASM-MEMORY PASS
	check "$under: tunnel's own acks are unique" verdict "$r" STT-3.2-ACK-UNIQUE PASS
	check "$under: tunnel's source ports are ephemeral" verdict "$r" STT-3.2-SPORT-EPHEMERAL PASS
	check "$under: no MUST failure (exit 0)" test "$(cat "$dir/$under.rc")" = 0
done
lab_done
