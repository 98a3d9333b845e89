#!/bin/bash
# Same seed and --cases: the same last line and the same totals; another
# seed: different totals (so the comparison can tell runs apart).
set -u
fuzz=$1
fail=0
run() { "$fuzz" --local --cases 1500 --seed "$1" -q 2>&1 | grep -E "cases,|segments offered"; }
a=$(run 5) b=$(run 5) c=$(run 6)
echo "seed 5: $a"
echo "seed 5: $b"
echo "seed 6: $c"
if [ "$a" != "$b" ]; then echo "FAIL: two runs with seed 5 differ"; fail=1; fi
if ! grep -q "1500 cases, 0 findings (seed 5)" <<<"$a"; then echo "FAIL: last line of seed 5"; fail=1; fi
if [ "$(sed -n 1p <<<"$a")" = "$(sed -n 1p <<<"$c")" ]; then
	echo "FAIL: seeds 5 and 6 offered the same segments: the comparison cannot tell runs apart"
	fail=1
fi
# --case N replays one case of the run exactly
one=$("$fuzz" --local --seed 5 --case 17 -q)
if ! grep -q "^stt-fuzz: 1 cases, 0 findings (seed 5)$" <<<"$one"; then
	echo "FAIL: --case 17: $one"
	fail=1
fi
[ $fail = 0 ] && echo "OK"
exit $fail
