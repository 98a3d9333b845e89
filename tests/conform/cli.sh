#!/usr/bin/env bash
# Command-line contract: usage and input errors exit 2 with one line
# naming the problem; --list works in its three forms.
#   cli.sh STT-CONFORM WORKDIR
set -u
conform=$1 dir=$2
rm -rf "$dir" && mkdir -p "$dir"
failures=0 passed=0
expect() { # name, wanted exit status, stderr pattern, command...
	local name=$1 want=$2 pat=$3
	shift 3
	"$@" >"$dir/out" 2>"$dir/err"
	local rc=$?
	if [ $rc -eq "$want" ] && { [ -z "$pat" ] || grep -q -- "$pat" "$dir/err"; }; then
		printf 'TEST: %-60s [ OK ]\n' "$name"
		passed=$((passed + 1))
	else
		printf 'TEST: %-60s [FAIL]\n' "$name"
		echo "  exit $rc (want $want); stderr: $(head -2 "$dir/err")"
		failures=$((failures + 1))
	fi
}

expect "no mode is a usage error" 2 "nothing to do" "$conform"
expect "unknown option" 2 "" "$conform" --bogus
expect "bad profile" 2 "expected default, strict or ovs" "$conform" --pcap x --profile lax
expect "missing file" 2 "no-such.pcap" "$conform" --pcap "$dir/no-such.pcap"
printf 'not a capture at all' >"$dir/junk.pcap"
expect "garbage file" 2 "junk.pcap" "$conform" --pcap "$dir/junk.pcap"
# a pcap header followed by a truncated record
printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x01\x00\x00\x00\x01\x00' >"$dir/trunc.pcap"
expect "truncated capture" 2 "trunc.pcap" "$conform" --pcap "$dir/trunc.pcap"
# a pcap of link type 147 (user 0): nothing we decode
printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x93\x00\x00\x00' >"$dir/user0.pcap"
expect "unsupported link type" 2 "link type 147" "$conform" --pcap "$dir/user0.pcap"
expect "--case matching nothing" 2 "matches no" "$conform" --pcap x --case 'zz.*'
expect "--case list matching nothing" 2 "matches no" "$conform" --pcap x --case 'zz.*,,yy'
expect "bad --expect-dscp" 2 "expected uniform or pipe" "$conform" --pcap x --expect-dscp both
expect "bad --expect-ecn" 2 "expected normal or compat" "$conform" --pcap x --expect-ecn ect
expect "--target without --inner-target" 2 "inner-target" "$conform" --target 192.0.2.1
expect "bad --target" 2 "expected a numeric" "$conform" --target nowhere
expect "--pcap and --target" 2 "exclude" "$conform" --pcap x --target 192.0.2.1 --inner-target 198.51.100.2
expect "bad --port" 2 "out of range" "$conform" --pcap x --port 70000
expect "--list" 0 "" "$conform" --list
grep -q '^STT-3.2-ACK-CONST .*MUST' "$dir/out" && grep -q 'cases: tx.ack-id' "$dir/out"
[ $? -eq 0 ] && passed=$((passed + 1)) || { echo "TEST: --list shows ID, level and cases [FAIL]"; failures=$((failures + 1)); }
expect "--list --json" 0 "" "$conform" --list --json
grep -q '"id": "STT-3.2-ACK-CONST"' "$dir/out" || { echo "TEST: --list --json content [FAIL]"; failures=$((failures + 1)); }
expect "--list --markdown" 0 "" "$conform" --list --markdown
grep -q '^| `STT-3.2-ACK-CONST` | MUST |' "$dir/out" || { echo "TEST: --list --markdown content [FAIL]"; failures=$((failures + 1)); }
expect "--version" 0 "" "$conform" --version
expect "--help" 0 "" "$conform" --help

# Every capture of the project's corpus (good, bad and broken): a report
# or a one-line error, never a crash (exit 0, 1 or 2 only).
corpus=$(dirname "$0")/../../pcaps
n=0 bad=0
for p in "$corpus"/*.pcap "$corpus"/*.pcapng; do
	[ -f "$p" ] || continue
	n=$((n + 1))
	"$conform" -q --pcap "$p" --json "$dir/corpus.json" >/dev/null 2>"$dir/corpus.err"
	rc=$?
	if [ $rc -gt 2 ] || { [ $rc -eq 2 ] && [ "$(wc -l <"$dir/corpus.err")" -ne 1 ]; }; then
		echo "  $p: exit $rc: $(head -3 "$dir/corpus.err")"
		bad=$((bad + 1))
	fi
done
if [ $bad -eq 0 ]; then
	printf 'TEST: %-60s [ OK ]\n' "$n corpus captures: report or one-line error"
	passed=$((passed + 1))
else
	printf 'TEST: %-60s [FAIL]\n' "corpus captures: $bad crashed or spoke too much"
	failures=$((failures + 1))
fi

echo "$passed passed, $failures failed"
[ $failures -eq 0 ]
