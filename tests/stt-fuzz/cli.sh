#!/bin/bash
# --help, --version and usage errors (exit 2 with a one-line reason).
set -u
fuzz=$1
fail=0
expect() { # expect STATUS REGEX args...
	local st=$1 re=$2
	shift 2
	local out
	out=$("$fuzz" "$@" 2>&1)
	local rc=$?
	if [ $rc != "$st" ] || ! grep -Eq -e "$re" <<<"$out"; then
		echo "FAIL: stt-fuzz $*: exit $rc (want $st), output: $out"
		fail=1
	else
		echo "ok: stt-fuzz $*"
	fi
}
expect 0 "Usage: stt-fuzz --local" --help
expect 0 "stt-fuzz \(sttkit\) [0-9]" --version
expect 2 "exactly one of --local and --target"
expect 2 "exactly one of --local and --target" --local --target 192.0.2.2
expect 2 "--cases: expected a number" --local --cases x
expect 2 "--cases and --duration exclude" --local --cases 5 --duration 1
expect 2 "needs --inner-target" --target 192.0.2.2
expect 2 "not an IPv4 or IPv6 address" --target nowhere --inner-target 198.51.100.2
expect 2 "self-test-broken: expected" --local --self-test-broken=bogus
expect 2 "unrecognized option|unknown option" --local --bogus
exit $fail
