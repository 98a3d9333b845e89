#!/usr/bin/env bash
# Prove that the golden comparison bites: against a copy of one capture's
# expected files, the runner must pass when nothing is changed and fail
# (naming the difference) when the text output, the JSON output, the
# stderr or the exit code in the manifest is deliberately wrong.
#
# Usage: selftest.sh STT_DUMP PCAPS_DIR [NAME]   (NAME default: single)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dump=$1
pcaps=$(realpath "$2")
name=${3:-single}
runner="$here/run-golden.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

# A private pcaps directory: the capture, its expected files, its manifest
# line, so that each mutation below touches only the copy.
fresh() {
	rm -rf "$tmp/p"
	mkdir "$tmp/p"
	ln -s "$pcaps/$name.pcap" "$tmp/p/$name.pcap"
	cp "$pcaps/$name.txt" "$pcaps/$name.json" "$tmp/p/"
	[ -f "$pcaps/$name.stderr" ] && cp "$pcaps/$name.stderr" "$tmp/p/"
	awk -v n="$name" '$1 == n' "$pcaps/manifest.txt" >"$tmp/p/manifest.txt"
}

expect() { # expect pass|fail LABEL
	local want=$1 label=$2 out rc
	out=$("$runner" "$dump" "$tmp/p" "$name" 2>&1)
	rc=$?
	if { [ "$want" = pass ] && [ $rc -eq 0 ]; } ||
	   { [ "$want" = fail ] && [ $rc -eq 1 ] && grep -q "^FAIL $name" <<<"$out"; }; then
		echo "TEST: $label [ OK ]"
	else
		echo "TEST: $label [FAIL] (runner exit $rc, wanted $want)"
		echo "$out" | head -30
		failures=$((failures + 1))
	fi
}

fresh
expect pass "unchanged expected files match"

fresh
# Change one digit in the middle of the text output.
sed -i '1s/[0-9]/X/' "$tmp/p/$name.txt"
expect fail "a changed text line is caught"

fresh
printf '\n' >>"$tmp/p/$name.txt"
expect fail "an extra trailing newline is caught"

fresh
sed -i '0,/[0-9]/s/[0-9]/X/' "$tmp/p/$name.json"
expect fail "a changed JSON value is caught"

fresh
echo "stt-dump: an error that did not happen" >"$tmp/p/$name.stderr"
expect fail "unexpected stderr expectation is caught"

fresh
awk '{ $2 = ($2 == 0 ? 1 : 0); print }' "$tmp/p/manifest.txt" >"$tmp/p/m" && mv "$tmp/p/m" "$tmp/p/manifest.txt"
expect fail "a wrong exit code is caught"

fresh
rm "$tmp/p/$name.json"
expect fail "a missing expected file is caught"

# The coverage check must notice a catalogue check no capture triggers.
printf 'enum stt_check {\n\tSTT_CHK_TCP_WINDOW_NONZERO = 0,\n\tSTT_CHK_NOT_A_REAL_CHECK,\n\tSTT_CHK__COUNT\n};\n' >"$tmp/checks.h"
if out=$("$here/check-coverage.sh" "$tmp/checks.h" "$pcaps" 2>&1); then
	echo "TEST: coverage check catches an untested check [FAIL]"
	echo "$out"
	failures=$((failures + 1))
elif grep -q "not_a_real_check" <<<"$out" && ! grep -q "tcp_window_nonzero" <<<"$out"; then
	echo "TEST: coverage check catches an untested check [ OK ]"
else
	echo "TEST: coverage check catches an untested check [FAIL] (wrong names reported)"
	echo "$out"
	failures=$((failures + 1))
fi

[ $failures -eq 0 ] || { echo "$failures self-test(s) failed"; exit 1; }
echo "golden self-test: all mutations caught"
