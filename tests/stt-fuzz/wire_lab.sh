#!/bin/bash
# stt-fuzz --target in the lab: host A runs stt-fuzz (no tunnel), host B
# runs stt-tunnel towards A. Checks:
#  1. against stt-tunnel for a few seconds: liveness holds, exit 0;
#  2. against a target that stops answering after a few hundred packets
#     (stt-recv --echo --count N): stt-fuzz notices, saves a reproducer
#     pcap and exits 1 (the liveness check bites);
#  3. against a target with a planted bug (stt-fuzz-wedge-target: a segment
#     one byte past the end of its frame wedges it for a second): stt-fuzz
#     loses liveness, shrinks the stream by replaying subsets and saves a
#     reproducer of one such segment.
# Needs root and network namespaces (else skip, 77).
. "$(dirname "$0")/../lab/lab.sh"
STT_FUZZ=${STT_FUZZ:?STT_FUZZ must point at the stt-fuzz binary}
STT_RECV=${STT_RECV:-}
STT_WEDGE=${STT_WEDGE:-}
lab_init

lab_underlay off off
lab_tunnel B ""
ip -n "$NSB" link set stt0 up
ip -n "$NSB" addr add $IB/24 dev stt0

out="$LAB_DIR/findings"
good() {
	inA "$STT_FUZZ" "$@" >"$LAB_DIR/good.out" 2>&1
	local rc=$?
	sed 's/^/#   /' "$LAB_DIR/good.out"
	return $rc
}
check "stt-fuzz --target stt-tunnel for 3 s: liveness holds" \
	good --target $UB4 --iface ua --inner-target $IB --inner-src $IA \
	--context $LAB_CONTEXT --duration 3 --rate 20000 --probe-every 20 --seed 7 -o "$out"
check "tunnel B is still running" kill -0 "${LAB_PIDS[0]}"

if [ -n "$STT_RECV" ] && [ -x "$STT_RECV" ]; then
	lab_stop_tunnels
	# a "broken" target: echoes frames back, then exits after 150 frames
	# ip netns exec directly, not the inB function: "&" on a function forks a
	# subshell, and killing that at cleanup would leave the program running
	ip netns exec "$NSB" "$STT_RECV" -i ub --echo -q --no-stats --count 150 >"$LAB_DIR/recv.log" 2>&1 &
	LAB_PIDS+=($!)
	sleep 0.5
	inA "$STT_FUZZ" --target $UB4 --iface ua --inner-target $IB --inner-src $IA \
		--context $LAB_CONTEXT --duration 20 --rate 20000 --probe-every 5 --seed 7 \
		--recover-wait 2 --probe-timeout 0.5 -q -o "$out" >"$LAB_DIR/broken.out" 2>&1
	rc=$?
	sed 's/^/#   /' "$LAB_DIR/broken.out"
	check "target that stops answering: stt-fuzz exits 1" test "$rc" = 1
	check "target that stops answering: liveness finding reported" \
		grep -q "FINDING: liveness lost" "$LAB_DIR/broken.out"
	check "target that stops answering: reproducer pcap saved" \
		sh -c "ls $out/*liveness*.pcap"
fi

if [ -n "$STT_WEDGE" ] && [ -x "$STT_WEDGE" ]; then
	lab_stop_tunnels
	ip netns exec "$NSB" "$STT_WEDGE" ub $UB4 1 >"$LAB_DIR/wedge.log" 2>&1 &
	LAB_PIDS+=($!)
	sleep 0.5
	rm -rf "$out"
	inA "$STT_FUZZ" --target $UB4 --iface ua --inner-target $IB --inner-src $IA \
		--context $LAB_CONTEXT --kind boundary --cases 20 --rate 0 --probe-every 1 --seed 3 \
		--probe-timeout 0.2 --recover-wait 5 -q -o "$out" >"$LAB_DIR/wedge.out" 2>&1
	rc=$?
	sed 's/^/#   /' "$LAB_DIR/wedge.out"
	check "planted bug: stt-fuzz exits 1" test "$rc" = 1
	check "planted bug: liveness finding shrunk" grep -q "shrunk to [0-9]* of" "$LAB_DIR/wedge.out"
	pcap=$(ls "$out"/*liveness*.pcap 2>/dev/null | head -n 1)
	check "planted bug: reproducer pcap saved" test -n "$pcap"
	if [ -n "$pcap" ] && command -v tcpdump >/dev/null; then
		# every packet kept must be needed: the minimal stream is the
		# one segment that runs one byte past its frame
		n=$(tcpdump -nr "$pcap" 2>/dev/null | wc -l)
		check "planted bug: reproducer is 1 packet (got $n)" test "$n" = 1
	fi
fi
lab_done
