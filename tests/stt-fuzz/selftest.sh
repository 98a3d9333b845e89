#!/bin/bash
# The invariants bite: against a deliberately broken reassembler
# (--self-test-broken=MODE, test only) stt-fuzz must report the finding,
# name the invariant, save a readable reproducer pcap and exit 1.
set -u
fuzz=$1 mode=$2 out=$3
case $mode in
overlap) want="invariant overlap" ;;
cap) want="invariant cap" ;;
order) want="invariant (order|complete)" ;;
*) echo "unknown mode $mode"; exit 2 ;;
esac
rm -rf "$out"
log=$("$fuzz" --local --cases 3000 --seed 1 --self-test-broken="$mode" -q -o "$out")
rc=$?
echo "$log"
fail=0
[ $rc = 1 ] || { echo "FAIL: exit status $rc, expected 1"; fail=1; }
grep -Eq "FINDING .*$want" <<<"$log" || { echo "FAIL: no '$want' finding"; fail=1; }
tail -n 1 <<<"$log" | grep -Eq "^stt-fuzz: [0-9]+ cases, 1 findings \(seed 1\)$" ||
	{ echo "FAIL: last line"; fail=1; }
pcap=$(ls "$out"/*.pcap 2>/dev/null | head -n 1)
if [ -z "$pcap" ]; then
	echo "FAIL: no reproducer pcap in $out"
	fail=1
elif command -v tcpdump >/dev/null; then
	n=$(tcpdump -nr "$pcap" 2>/dev/null | wc -l)
	kept=$(grep -o "shrunk to [0-9]*" <<<"$log" | grep -o "[0-9]*$")
	echo "reproducer $pcap: $n packets (shrunk to $kept)"
	[ "$n" = "$kept" ] || { echo "FAIL: the pcap holds $n packets, not $kept"; fail=1; }
fi
# the order invariant itself (the differential run on a shuffled copy):
# seed 4 of the honest generators starts with a case in arrival order
if [ "$mode" = order ]; then
	rm -rf "$out.order"
	log=$("$fuzz" --local --cases 3000 --seed 4 --kind reorder,boundary --self-test-broken=order \
		-q -o "$out.order")
	rc=$?
	echo "$log"
	[ $rc = 1 ] || { echo "FAIL: --kind reorder,boundary: exit status $rc, expected 1"; fail=1; }
	grep -q "FINDING .*invariant order" <<<"$log" || { echo "FAIL: no order finding"; fail=1; }
	ls "$out.order"/*-order-shuffled.pcap >/dev/null 2>&1 ||
		{ echo "FAIL: no shuffled reproducer"; fail=1; }
fi
# and the same run against the real reassembler finds nothing
"$fuzz" --local --cases 3000 --seed 1 -q -o "$out.ok" | grep -q "3000 cases, 0 findings" ||
	{ echo "FAIL: the real reassembler has findings with the same seed"; fail=1; }
[ $fail = 0 ] && echo OK
exit $fail
