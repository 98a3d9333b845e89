#!/usr/bin/env bash
# The report writers agree with each other and with the exit status:
# TAP plan and counts, JUnit failures/skipped, JSON summary and verdicts.
#   reports.sh STT-CONFORM MKPCAP WORKDIR
set -u
conform=$1 mkpcap=$2 dir=$3
rm -rf "$dir" && mkdir -p "$dir"
failures=0 passed=0
t() { # name, command...
	local name=$1
	shift
	if "$@" >/dev/null 2>&1; then
		printf 'TEST: %-60s [ OK ]\n' "$name"
		passed=$((passed + 1))
	else
		printf 'TEST: %-60s [FAIL]\n' "$name"
		failures=$((failures + 1))
	fi
}

"$mkpcap" version "$dir/v.pcap" || exit 2
"$conform" -q --pcap "$dir/v.pcap" --junit "$dir/v.xml" --json "$dir/v.json" >"$dir/v.txt"
t "table exit status 1 on a MUST failure" test $? -eq 1
"$conform" -q --pcap "$dir/v.pcap" --tap >"$dir/v.tap"
t "tap exit status 1 on a MUST failure" test $? -eq 1

table_line=$(tail -1 "$dir/v.txt")
pass=$(sed -n 's/^\([0-9]*\) PASS.*/\1/p' <<<"$table_line")
fail=$(sed -n 's/.* \([0-9]*\) FAIL.*/\1/p' <<<"$table_line")
skip=$(sed -n 's/.* \([0-9]*\) SKIP.*/\1/p' <<<"$table_line")
total=$(grep -c '^STT-' "$dir/v.txt")

t "table summary counts" test "$fail" -eq 1
t "tap plan covers every requirement" grep -qx "1..$total" "$dir/v.tap"
t "tap has one not ok" test "$(grep -c '^not ok' "$dir/v.tap")" -eq 1
t "tap skips match the table" test "$(grep -c '# SKIP' "$dir/v.tap")" -eq "$skip"
t "tap yaml block carries the reason" grep -q 'reason: "version_nonzero: version: expected 0, got 1 (packet 4)"' "$dir/v.tap"
t "junit declares the failure count" grep -q "<testsuite name=\"stt-conform.passive\" tests=\"$total\" failures=\"1\" errors=\"0\" skipped=\"$skip\">" "$dir/v.xml"
t "junit has one failure element" test "$(grep -c '<failure ' "$dir/v.xml")" -eq 1
t "junit escapes quotes in reasons" grep -q 'message="version_nonzero: version: expected 0, got 1 (packet 4)"' "$dir/v.xml"
t "json summary" grep -q "\"fail\": 1" "$dir/v.json"
t "json pass count agrees" grep -q "\"pass\": $pass" "$dir/v.json"
t "json verdict of the failed requirement" grep -A4 '"id": "STT-3.1-VERSION-ZERO"' "$dir/v.json"
grep -A4 '"id": "STT-3.1-VERSION-ZERO"' "$dir/v.json" | grep -q '"verdict": "FAIL"'
t "json verdict is FAIL" test $? -eq 0
"$conform" -q --pcap "$dir/v.pcap" --json - >"$dir/stdout.json"
t "json on stdout replaces the table" grep -q '"tool": "stt-conform"' "$dir/stdout.json"
t "json on stdout has no table" bash -c "! grep -q '^STT-' '$dir/stdout.json'"

"$mkpcap" good "$dir/g.pcap" || exit 2
"$conform" -q --pcap "$dir/g.pcap" --tap >"$dir/g.tap"
t "exit status 0 without a FAIL" test $? -eq 0
t "no not ok on good traffic" bash -c "! grep -q '^not ok' '$dir/g.tap'"
"$conform" -q --pcap "$dir/g.pcap" --case 'tx.qos' --json "$dir/q.json" >"$dir/q.txt"
t "--case narrows the report" test "$(grep -c '^STT-' "$dir/q.txt")" -eq 5
t "--case report detects the uniform model" grep -q 'uniform model' "$dir/q.txt"

echo "$passed passed, $failures failed"
[ $failures -eq 0 ]
