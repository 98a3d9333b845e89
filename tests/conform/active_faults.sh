#!/usr/bin/env bash
# The proof that stt-conform's active checks bite: run it against
# `stt-recv --echo --fault NAME` (docs/faults.md) for every fault, in two
# network namespaces joined by a veth pair (documentation addresses
# only), and assert EXACTLY which requirement IDs FAIL and WARN: the ones
# the fault breaks, and no others. The clean echo must show neither.
# Each fault runs only the cases that can see it (--case), so the whole
# test takes about a minute; the timeout fault needs --slow and runs
# rx.timeout alone (32 s).
#   active_faults.sh STT-CONFORM STT-RECV WORKDIR
set -u
conform=$1 recv=$2 dir=$3
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
command -v ip >/dev/null || { echo "SKIP: needs iproute2"; exit 77; }
# Runs in the build without the Linux I/O backends too: there stt-conform
# finds the target's MAC with its own ARP request (libpcap), not from the
# kernel's neighbour table.
"$conform" --version 2>/dev/null | grep -q '^I/O backends:.* afpacket' ||
	echo "# portable build (-DSTT_LINUX_IO=OFF): pcap underlay, ARP on the wire"
id=$$
A=cfxA-$id B=cfxB-$id
ip netns add "$A" 2>/dev/null || { echo "SKIP: no netns support"; exit 77; }
ip netns add "$B" || { ip netns del "$A"; exit 77; }
pid=
stop_recv() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	pid=
}
cleanup() {
	stop_recv
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
}
trap cleanup EXIT
rm -rf "$dir" && mkdir -p "$dir"
ip link add cxa-$id netns "$A" type veth peer name cxb-$id netns "$B"
ip -n "$A" addr add 192.0.2.1/24 dev cxa-$id
ip -n "$B" addr add 192.0.2.2/24 dev cxb-$id
for ns in "$A" "$B"; do
	ip -n "$ns" link set lo up
done
ip -n "$A" link set cxa-$id up
ip -n "$B" link set cxb-$id up
# Neither kernel may answer STT segments with RST.
for ns in "$A" "$B"; do
	ip netns exec "$ns" nft add table inet cftest 2>/dev/null &&
		ip netns exec "$ns" nft add chain inet cftest input '{ type filter hook input priority 0; }' &&
		ip netns exec "$ns" nft add rule inet cftest input tcp dport 7471 drop
done

passed=0 failures=0
ok() { printf 'TEST: %-66s [ OK ]\n' "$1"; passed=$((passed + 1)); }
bad() { printf 'TEST: %-66s [FAIL]\n' "$1"; failures=$((failures + 1)); }
sorted() { tr ' ' '\n' | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//'; }
ids() { awk -v v="$2" '$1 ~ /^STT-/ && $3 == v {print $1}' "$1" | sorted; }

# run NAME "STT-RECV ARGS" "STT-CONFORM ARGS" "FAIL IDS" "WARN IDS" [STAT=VALUE]
run() {
	local name=$1 rargs=$2 cargs=$3 want_fail want_warn
	want_fail=$(sorted <<<"$4")
	want_warn=$(sorted <<<"$5")
	local out="$dir/$name"
	# shellcheck disable=SC2086
	ip netns exec "$B" "$recv" -i cxb-$id --echo -q --no-stats --context 0 --seed 1 \
		--reasm-timeout 10s $rargs >"$out.recv.out" 2>"$out.recv.err" &
	pid=$!
	sleep 0.5
	# shellcheck disable=SC2086
	ip netns exec "$A" "$conform" --target 192.0.2.2 --inner-target 198.51.100.2 --wait 500 \
		--no-color -q $cargs >"$out.txt" 2>"$out.err"
	local rc=$?
	stop_recv
	local got_fail got_warn
	got_fail=$(ids "$out.txt" FAIL)
	got_warn=$(ids "$out.txt" WARN)
	local want_rc=0
	[ -n "$want_fail" ] && want_rc=1
	local extra=ok
	if [ $# -ge 6 ]; then
		local key=${6%%=*} val=${6#*=}
		local got
		got=$(awk -v k="$key" '$1 == k {$1 = ""; print substr($0, 2)}' "$out.txt")
		[[ "$got" == "$val"* ]] || extra="statistic $key: expected '$val', got '$got'"
	fi
	if [ "$got_fail" == "$want_fail" ] && [ "$got_warn" == "$want_warn" ] && [ $rc -eq $want_rc ] &&
		[ "$extra" == ok ]; then
		ok "$name"
	else
		bad "$name"
		echo "  FAIL: expected [$want_fail], got [$got_fail]"
		echo "  WARN: expected [$want_warn], got [$got_warn]"
		echo "  exit: expected $want_rc, got $rc"
		[ "$extra" == ok ] || echo "  $extra"
		sed 's/^/  | /' "$out.txt" "$out.err"
	fi
}

# The clean echo: every case but rx.timeout, nothing FAILs or WARNs.
run clean "" "" "" ""
# A claimed model the target does not have bites; the one it has passes.
run "clean, --expect-dscp uniform --expect-ecn normal" "" \
	"--case rx.dscp,tx.qos --expect-dscp uniform --expect-ecn normal" "" "" "rx.dscp_model=uniform"
run "clean, --expect-dscp pipe" "" "--case rx.dscp,tx.qos --expect-dscp pipe" "" \
	"STT-3.3.1-DSCP-PIPE-DECAP STT-3.3.1-DSCP-PIPE-ENCAP"
run "clean, --expect-ecn compat" "" "--case tx.qos,rx.ecn --expect-ecn compat" \
	"STT-3.3.1-ECN-ENCAP-COMPAT" ""

run const-sport "--fault const-sport" "--case tx.*" "" "STT-3.2-SPORT-ENTROPY" "tx.sport_distinct=1"
run "const-sport control" "" "--case tx.*" "" "" "tx.sport_spread=consistent with uniform"
run sport-varies "--fault sport-varies --echo-mss 100" "--case tx.*" "STT-3.2-SPORT-CONST" ""
run reuse-ack "--fault reuse-ack" "--case tx.*" "STT-3.2-ACK-UNIQUE" ""
run no-psh "--fault no-psh" "--case tx.*" "" "STT-3.2-PSH-LAST"
# One-segment frames 1 byte short: the segment overruns its frame, no
# answer reassembles (so rx.single-segment sees none and DPORT WARNs), and
# with one segment per frame no two lengths can disagree.
run bad-seq-len "--fault bad-seq-len" "--case tx.*,rx.single-segment" \
	"STT-3.2-SEQ-OFFSET" "STT-IMPL-DPORT"
run "bad-seq-len, multi-segment" "--fault bad-seq-len --echo-mss 100" "--case tx.*" \
	"STT-3.2-SEQ-LEN STT-3.2-SEQ-OFFSET" "STT-3.2-PSH-LAST"
run window-ffff "--fault window-ffff" "--case tx.*" "" "STT-3.2-WINDOW-ZERO"
run ack-flag-missing "--fault ack-flag-missing" "--case tx.*" "" "STT-3.2-ACK-FLAG"
run "dscp-pipe, no claim" "--fault dscp-pipe" "--case rx.dscp,tx.qos" "" "" "rx.dscp_model=pipe"
run "dscp-pipe, --expect-dscp uniform" "--fault dscp-pipe" "--case rx.dscp,tx.qos --expect-dscp uniform" "" \
	"STT-3.3.1-DSCP-UNIFORM-DECAP STT-3.3.1-DSCP-FIRST-SEG STT-3.3.1-DSCP-UNIFORM-ENCAP"
run "dscp-pipe-decap, --expect-dscp uniform" "--fault dscp-pipe-decap" \
	"--case rx.dscp,tx.qos --expect-dscp uniform" "" \
	"STT-3.3.1-DSCP-UNIFORM-DECAP STT-3.3.1-DSCP-FIRST-SEG"
run "dscp-pipe-encap, --expect-dscp uniform" "--fault dscp-pipe-encap" \
	"--case rx.dscp,tx.qos --expect-dscp uniform" "" "STT-3.3.1-DSCP-UNIFORM-ENCAP"
run ce-lost "--fault ce-lost" "--case rx.ecn" \
	"STT-3.3.1-ECN-DECAP-TABLE STT-3.3.1-ECN-DECAP-DROP" "STT-3.3.1-ECN-ANY-CE STT-3.3.1-ECN-RFC6040"
run deliver-incomplete "--fault deliver-incomplete" "--case rx.*" "" \
	"STT-IMPL-INCOMPLETE-DROP STT-IMPL-LEN-MISMATCH-DROP"
run ignore-context "--fault ignore-context" "--case rx.unknown-context" "" "STT-IMPL-CONTEXT-UNKNOWN-DROP"
run no-timeout "--fault no-timeout" "--slow --case rx.timeout" "" "STT-IMPL-REASM-TIMEOUT" \
	"rx.reasm_timeout=over 31 s"

echo "$passed passed, $failures failed"
[ $failures -eq 0 ]
