#!/usr/bin/env bash
# Every check in the catalogue (enum stt_check in lib/include/stt/checks.h,
# STT_CHK_FOO_BAR <-> JSON name "foo_bar") is triggered by at least one
# regression capture: its name appears as a warning in some expected
# pcaps/*.json. A check added without a capture that shows it fails here.
# Usage: check-coverage.sh CHECKS_H PCAPS_DIR
set -uo pipefail
checks_h=$1
pcaps=$2
names=$(sed -n 's/^[[:space:]]*STT_CHK_\([A-Z0-9_]*\).*/\1/p' "$checks_h" |
	grep -v '^_' | tr '[:upper:]' '[:lower:]')
[ -n "$names" ] || { echo "FAIL: no STT_CHK_* names found in $checks_h"; exit 2; }
fail=0
n=0
for c in $names; do
	n=$((n + 1))
	if ! grep -lq "\"check\":\"$c\"" "$pcaps"/*.json; then
		echo "FAIL: check $c is triggered by no capture in pcaps/ (add one to make-pcaps.sh)"
		fail=1
	fi
done
[ $fail -eq 0 ] && echo "coverage: all $n catalogue checks are triggered by some capture"
exit $fail
