#!/usr/bin/env bash
# Passive mode bites: for each deliberately broken capture, the set of
# requirements that FAIL and the set that WARN are exactly the expected
# ones, and the exit status follows (1 with a FAIL, 0 without).
#   passive.sh STT-CONFORM MKPCAP WORKDIR
set -u
conform=$1 mkpcap=$2 dir=$3
rm -rf "$dir" && mkdir -p "$dir"
failures=0 passed=0

# scenario|profile|FAIL ids|WARN ids
cases='
good|default||
version|default|STT-3.1-VERSION-ZERO|
reserved|default|STT-3.1-RSVD-ZERO|
flags-reserved|default|STT-3.1-FLAGS-RSVD-ZERO|
csum-flags-both|default|STT-3.1-CSUM-FLAGS-EXCL|
flag-ipv4|default|STT-3.1-FLAG-IPV4|
padding|default||STT-IMPL-PADDING-ZERO
window|default||STT-3.2-WINDOW-ZERO
window|strict|STT-3.2-WINDOW-ZERO|
window|ovs||STT-3.2-WINDOW-ZERO
urgent|default||STT-3.2-URG-ZERO
urgent|strict|STT-3.2-URG-ZERO|
urgent|ovs||STT-3.2-URG-ZERO
no-psh|default||STT-3.2-PSH-LAST
syn|default||STT-3.2-FLAGS-OTHER-ZERO
ack-reuse|default|STT-3.2-ACK-UNIQUE|
ack-varied|default|STT-3.2-ACK-CONST|
ack-late|default||
sport-varied|default|STT-3.2-SPORT-CONST|
sport-low|default||STT-3.2-SPORT-EPHEMERAL STT-3.2-SPORT-FLOW
seq-len|default|STT-3.2-SEQ-LEN|
out-of-range|default|STT-3.2-SEQ-OFFSET|
bad-csum|default|STT-3.2-TCP-CSUM|
nonip-flags|default|STT-3.1.1-NONIP-ZERO|STT-IMPL-L4OFF-PARTIAL
ecn-bad|default|STT-3.3.1-ECN-ENCAP-COMPAT STT-3.3.1-ECN-ENCAP-NORMAL|STT-3.3.1-ECN-RFC6040
ecn-ovs|default|STT-3.3.1-ECN-ENCAP-NORMAL|STT-3.3.1-ECN-RFC6040
ecn-ovs|ovs||STT-3.3.1-ECN-ENCAP-NORMAL STT-3.3.1-ECN-RFC6040
dscp-mixed|default||STT-3.3.1-DSCP-PIPE-ENCAP STT-3.3.1-DSCP-UNIFORM-ENCAP
many-flows|default||
one-sport|default||STT-3.2-SPORT-ENTROPY
one-sport|strict|STT-3.2-SPORT-ENTROPY|
'

sorted() { tr ' ' '\n' | sed '/^$/d' | sort | tr '\n' ' '; }

while IFS='|' read -r scen profile want_fail want_warn; do
	[ -n "$scen" ] || continue
	pcap=$dir/$scen.pcap
	[ -f "$pcap" ] || "$mkpcap" "$scen" "$pcap" || { echo "mkpcap $scen failed"; exit 2; }
	out=$dir/$scen.$profile.tap
	"$conform" -q --tap --profile "$profile" --pcap "$pcap" >"$out"
	rc=$?
	got_fail=$(awk '/^not ok/ {print $5}' "$out" | sorted)
	got_warn=$(awk '/^ok/ && / WARN: / {print $4}' "$out" | sorted)
	want_fail=$(echo "$want_fail" | sorted)
	want_warn=$(echo "$want_warn" | sorted)
	want_rc=0
	[ -n "$want_fail" ] && want_rc=1
	name="passive $scen (profile $profile)"
	if [ "$got_fail" == "$want_fail" ] && [ "$got_warn" == "$want_warn" ] && [ $rc -eq $want_rc ]; then
		printf 'TEST: %-60s [ OK ]\n' "$name"
		passed=$((passed + 1))
	else
		printf 'TEST: %-60s [FAIL]\n' "$name"
		echo "  FAIL: expected [$want_fail], got [$got_fail]"
		echo "  WARN: expected [$want_warn], got [$got_warn]"
		echo "  exit: expected $want_rc, got $rc"
		failures=$((failures + 1))
	fi
done <<<"$cases"

# A frame that timed out and got its last segment late is one ack given
# up twice, not a frame sent under several acks: it shows as notes.
"$conform" -q --pcap "$dir/ack-late.pcap" --no-color | grep -q 'incomplete_timeout' \
	&& { echo "TEST: a late segment after the timeout is a note             [ OK ]"; passed=$((passed + 1)); } \
	|| { echo "TEST: a late segment after the timeout is a note             [FAIL]"; failures=$((failures + 1)); }
# Source-port entropy: hashed ports spread, one port for every flow does not.
stat() { "$conform" -q --pcap "$dir/$1.pcap" --no-color | awk -v k="$2" '$1 == k {$1 = ""; print substr($0, 2)}'; }
spread_many=$(stat many-flows tx.sport_spread)
spread_one=$(stat one-sport tx.sport_spread)
if [[ "$spread_many" == "consistent with uniform"* && "$spread_one" == "not uniform"* &&
	"$(stat one-sport tx.sport_distinct)" == 5 ]]; then
	echo "TEST: source-port spread: hashed uniform, constant not uniform  [ OK ]"
	passed=$((passed + 1))
else
	echo "TEST: source-port spread: hashed uniform, constant not uniform  [FAIL]"
	echo "  many-flows: $spread_many; one-sport: $spread_one"
	failures=$((failures + 1))
fi
# --case takes a comma-separated list: exactly the requirements of the
# cases named (tx.psh-last: PSH-LAST; tx.ack-id: ACK-CONST, ACK-UNIQUE).
rows=$("$conform" -q --pcap "$dir/many-flows.pcap" --case 'tx.psh-last,tx.ack-*' --no-color |
	awk '$1 ~ /^STT-/ {print $1}' | sort | tr '\n' ' ')
if [ "$rows" == "STT-3.2-ACK-CONST STT-3.2-ACK-UNIQUE STT-3.2-PSH-LAST " ]; then
	echo "TEST: --case with a comma-separated list of globs             [ OK ]"
	passed=$((passed + 1))
else
	echo "TEST: --case with a comma-separated list of globs             [FAIL]"
	echo "  rows: $rows"
	failures=$((failures + 1))
fi
# The reason names the packet and says what was expected.
"$conform" -q --pcap "$dir/version.pcap" --no-color | grep -q 'STT-3.1-VERSION-ZERO.*FAIL.*expected 0, got 1 (packet 4)' \
	&& { echo "TEST: reason says expected/got and the packet              [ OK ]"; passed=$((passed + 1)); } \
	|| { echo "TEST: reason says expected/got and the packet              [FAIL]"; failures=$((failures + 1)); }
# The OVS profile marks the deviation it forgave.
"$conform" -q --pcap "$dir/window.pcap" --profile ovs --no-color | grep -q 'WINDOW-ZERO.*WARN.*known OVS deviation' \
	&& { echo "TEST: ovs profile names the known deviation                [ OK ]"; passed=$((passed + 1)); } \
	|| { echo "TEST: ovs profile names the known deviation                [FAIL]"; failures=$((failures + 1)); }

echo "$passed passed, $failures failed"
[ $failures -eq 0 ]
