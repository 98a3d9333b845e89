#!/usr/bin/env bash
# stt-recv --fault: each test-only fault of the echo target, offline. The
# echo of a capture goes to a pcap (stt-recv -r IN --echo-pcap OUT) with
# and without the fault; stt-dump --json (and stt-conform --pcap when it
# is built) must find the broken rule in the faulty echo and not in the
# clean one, so both the fault and the check are shown to bite.
#   faults.sh CASE STT-SEND STT-RECV STT-DUMP [STT-CONFORM]
# CASE is a fault name, "default" (the clean echo is conformant) or "cli".
set -u
case_name=$1 SEND=$2 RECV=$3 DUMP=$4 CONFORM=${5:-}
T=$(mktemp -d "${TMPDIR:-/tmp}/sttfault.XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0

# ok, fail, check, check_not; this script's names are longer
TEST_WIDTH=66
. "$(dirname "$0")/common.sh"

# echo IN OUT [stt-recv args...]: the offline echo of IN into OUT
echo_to() {
	local in=$1 out=$2
	shift 2
	rm -f "$out"
	"$RECV" -r "$in" -q --no-stats --echo-pcap "$out" "$@" 2>"$T/recv.err" ||
		fail "stt-recv -r $in --echo-pcap $out $* ran" "$(cat "$T/recv.err")"
}
# warns PCAP CHECK: how many warnings named CHECK stt-dump gives on PCAP
warns() { "$DUMP" -r "$1" --json --no-summary | grep -c "\"type\":\"warning\",\"check\":\"$2\""; }
# frames PCAP: frames stt-dump reassembles from PCAP
frames() { "$DUMP" -r "$1" --json --no-summary | grep -c '^{"type":"frame"'; }
# field PCAP REGEX: the distinct matches of REGEX in stt-dump's frame objects
field() { "$DUMP" -r "$1" --json --no-summary | grep '^{"type":"frame"' | grep -o "$2" | sort -u | tr '\n' ' '; }
# inner_tos PCAP: the inner IPv4 TOS byte (hex) of each echoed frame
inner_tos() { "$RECV" -r "$1" --raw -q --no-stats | cut -c31-32 | sort -u | tr '\n' ' '; }
# verdict PCAP REQ: stt-conform --pcap's verdict for REQ
verdict() { "$CONFORM" --pcap "$1" --no-color -q 2>/dev/null | awk -v id="$2" '$1 == id {print $3}'; }
# stat PCAP NAME: a statistic of stt-conform --pcap
stat() { "$CONFORM" --pcap "$1" --no-color -q 2>/dev/null | awk -v s="$2" '$1 == s {$1 = ""; print substr($0, 2)}'; }

# tx_fault FAULT INPUT CHECK REQ [extra stt-recv args]: a transmit-side
# fault must make stt-dump warn CHECK and stt-conform fail (or warn) REQ;
# the same echo without the fault must do neither.
tx_fault() {
	local f=$1 in=$2 chk=$3 req=$4
	shift 4
	echo_to "$in" "$T/clean.pcap" "$@"
	echo_to "$in" "$T/fault.pcap" --fault "$f" "$@"
	local n0 n1
	n0=$(warns "$T/clean.pcap" "$chk")
	n1=$(warns "$T/fault.pcap" "$chk")
	check "$f: stt-dump warns $chk ($n1 times)" [ "$n1" -gt 0 ]
	check "$f: control: no $chk without the fault" [ "$n0" = 0 ]
	if [ -n "$CONFORM" ]; then
		local v0 v1
		v0=$(verdict "$T/clean.pcap" "$req")
		v1=$(verdict "$T/fault.pcap" "$req")
		check "$f: stt-conform --pcap: $req is $v1 (FAIL or WARN)" \
			[ "$v1" = FAIL -o "$v1" = WARN ]
		check "$f: control: $req is PASS without the fault" [ "$v0" = PASS ]
	fi
}

# Inputs. Frames of 3032 bytes are 3 echo segments of 1448.
mk() { "$SEND" -q "$@" || fail "stt-send $* ran"; }
mk -w "$T/multi.pcap" --size 3000 --count 4 --inner-tos 2
mk -w "$T/small.pcap" --size 100 --count 4
# two inner flows, inner DSCP 10 and 46 (outer TOS = inner's)
mk -w "$T/f1.pcap" --count 2 --inner-tos 40
mk -w "$T/f2.pcap" --count 2 --inner-tos 184 --inner-src 198.51.100.3 --start-time 1700000001
mergecap -F pcap -w "$T/flows.pcap" "$T/f1.pcap" "$T/f2.pcap" 2>/dev/null ||
	cat "$T/f1.pcap" >"$T/flows.pcap" # no mergecap: the flow cases fail visibly

case $case_name in
default)
	echo_to "$T/flows.pcap" "$T/e.pcap"
	echo_to "$T/multi.pcap" "$T/m.pcap"
	local_w=$("$DUMP" -r "$T/e.pcap" --json --no-summary | grep -c '"type":"warning"')
	check "clean echo: stt-dump has no warning" [ "$local_w" = 0 ]
	local_w=$("$DUMP" -r "$T/m.pcap" --json --no-summary | grep -c '"type":"warning"')
	check "clean echo, 3-segment frames: stt-dump has no warning" [ "$local_w" = 0 ]
	check "clean echo: to the STT port 7471" [ "$(field "$T/e.pcap" '"dport":[0-9][0-9]*')" = '"dport":7471 ' ]
	ports=$(field "$T/e.pcap" '"stream_id":[0-9]*' | grep -o '[0-9][0-9]*')
	check "clean echo: one source port per inner flow (2 flows: $(echo $ports))" \
		[ "$(wc -w <<<"$ports")" = 2 ]
	inr=yes
	for p in $ports; do [ "$p" -ge 49152 ] || inr=no; done
	check "clean echo: source ports in 49152-65535" [ $inr = yes ]
	"$RECV" -r "$T/flows.pcap" -q --no-stats --echo-pcap "$T/e2.pcap" --seed 7
	check "clean echo: --seed changes the source-port hash" \
		[ "$(field "$T/e2.pcap" '"stream_id":[0-9]*')" != "$(field "$T/e.pcap" '"stream_id":[0-9]*')" ]
	check "clean echo: uniform DSCP, outer TOS = inner TOS (0x28, 0xb8)" \
		[ "$(field "$T/e.pcap" '"tos":[0-9]*')" = '"tos":184 "tos":40 ' ]
	# a sender must zero what a receiver must ignore: the echo does not
	# hand back the reserved bits and IP-assist fields it was sent
	mk -w "$T/h1.pcap" --reserved 165 --stt-flags 0xf4 --padding 7
	mk -w "$T/h2.pcap" --arp --stt-flags 0x0c --l4-offset 34 --start-time 1700000001
	mergecap -F pcap -w "$T/hdr.pcap" "$T/h1.pcap" "$T/h2.pcap" 2>/dev/null || cp "$T/h1.pcap" "$T/hdr.pcap"
	echo_to "$T/hdr.pcap" "$T/he.pcap"
	n_in=$("$DUMP" -r "$T/hdr.pcap" --json --no-summary | grep -c '"type":"warning"')
	n_out=$("$DUMP" -r "$T/he.pcap" --json --no-summary | grep -c '"type":"warning"')
	check "clean echo: reserved/padding/IP-assist fields zeroed (input: $n_in warnings)" \
		[ "$n_in" -ge 4 -a "$n_out" = 0 -a "$(frames "$T/he.pcap")" = 2 ]
	echo_to "$T/flows.pcap" "$T/p.pcap" --qos=pipe:8
	check "--qos=pipe:8: outer DSCP 8 whatever the inner" \
		[ "$(field "$T/p.pcap" '"tos":[0-9]*')" = '"tos":32 ' ]
	if [ -n "$CONFORM" ]; then
		for f in "$T/e.pcap" "$T/m.pcap"; do
			bad=$("$CONFORM" --pcap "$f" --no-color -q 2>/dev/null |
				awk '$1 ~ /^STT-/ && $3 != "PASS" && $3 != "SKIP"')
			check "clean echo: stt-conform --pcap: nothing but PASS/SKIP ($(basename "$f"))" \
				[ -z "$bad" ]
			[ -n "$bad" ] && echo "$bad"
		done
		check "clean echo: stt-conform sees the uniform model" \
			[ "$(stat "$T/e.pcap" tx.dscp_model)" = uniform ]
		check "clean echo: stt-conform sees normal-mode ECN" \
			[ "$(stat "$T/m.pcap" tx.ecn_mode)" = normal ]
	fi
	;;
cli)
	"$RECV" -r "$T/multi.pcap" --fault no-psh -q 2>"$T/err"
	check "--fault without --echo: usage error (exit 2)" [ $? = 2 ]
	"$RECV" -r "$T/multi.pcap" --echo-pcap "$T/e.pcap" --fault nonsense -q 2>"$T/err"
	check "--fault nonsense: usage error (exit 2)" [ $? = 2 ]
	check "--fault nonsense: the error names it" grep -q "nonsense" "$T/err"
	out=$("$RECV" -r "$T/multi.pcap" --fault list)
	check "--fault list names every fault (14)" [ "$(grep -c '^  [a-z]' <<<"$out")" = 14 ]
	"$RECV" -r "$T/multi.pcap" --echo-pcap "$T/e.pcap" --fault no-psh,window-ffff -q --no-stats \
		2>"$T/err"
	check "--fault a,b: both set, and a warning says so" \
		grep -q "TEST-ONLY faults on: no-psh,window-ffff" "$T/err"
	check "--fault a,b: both on the wire" \
		[ "$(warns "$T/e.pcap" tcp_psh_missing_last)" -gt 0 -a "$(warns "$T/e.pcap" tcp_window_nonzero)" -gt 0 ]
	"$RECV" -r "$T/multi.pcap" --echo-pcap "$T/e.pcap" --qos=pipe:64 2>/dev/null
	check "--qos=pipe:64: usage error (exit 2)" [ $? = 2 ]
	;;
const-sport)
	echo_to "$T/flows.pcap" "$T/clean.pcap"
	echo_to "$T/flows.pcap" "$T/fault.pcap" --fault const-sport
	check "const-sport: one source port (49152) for two inner flows" \
		[ "$(field "$T/fault.pcap" '"stream_id":[0-9]*')" = '"stream_id":49152 ' ]
	check "const-sport: control: two source ports without the fault" \
		[ "$(field "$T/clean.pcap" '"stream_id":[0-9]*' | wc -w)" = 2 ]
	if [ -n "$CONFORM" ]; then
		check "const-sport: stt-conform tx.sport_distinct 1" \
			[ "$(stat "$T/fault.pcap" tx.sport_distinct)" = 1 ]
		check "const-sport: control: tx.sport_distinct 2" \
			[ "$(stat "$T/clean.pcap" tx.sport_distinct)" = 2 ]
	fi
	;;
sport-varies)
	tx_fault sport-varies "$T/multi.pcap" sport_varied STT-3.2-SPORT-CONST
	# small frames need --echo-mss to have segments to vary across
	tx_fault sport-varies "$T/small.pcap" sport_varied STT-3.2-SPORT-CONST --echo-mss 64
	;;
reuse-ack)
	tx_fault reuse-ack "$T/multi.pcap" ack_reused STT-3.2-ACK-UNIQUE
	check "reuse-ack: one ack for 4 frames" [ "$(field "$T/fault.pcap" '"pkt_id":[0-9]*' | wc -w)" = 1 ]
	;;
no-psh)
	tx_fault no-psh "$T/multi.pcap" tcp_psh_missing_last STT-3.2-PSH-LAST
	;;
bad-seq-len)
	tx_fault bad-seq-len "$T/multi.pcap" frame_len_mismatch STT-3.2-SEQ-LEN
	check "bad-seq-len: the frames do not reassemble" [ "$(frames "$T/fault.pcap")" = 0 ]
	# a one-segment frame claims one byte less than it carries
	tx_fault bad-seq-len "$T/small.pcap" seg_out_of_range STT-3.2-SEQ-OFFSET
	;;
window-ffff)
	tx_fault window-ffff "$T/multi.pcap" tcp_window_nonzero STT-3.2-WINDOW-ZERO
	;;
ack-flag-missing)
	tx_fault ack-flag-missing "$T/multi.pcap" tcp_ack_missing STT-3.2-ACK-FLAG
	;;
dscp-pipe-encap | dscp-pipe)
	f=$case_name
	echo_to "$T/flows.pcap" "$T/clean.pcap"
	echo_to "$T/flows.pcap" "$T/fault.pcap" --fault "$f"
	check "$f: outer DSCP 0 for inner DSCP 10 and 46" \
		[ "$(field "$T/fault.pcap" '"tos":[0-9]*')" = '"tos":0 ' ]
	check "$f: control: outer TOS = inner's without the fault" \
		[ "$(field "$T/clean.pcap" '"tos":[0-9]*')" = '"tos":184 "tos":40 ' ]
	if [ -n "$CONFORM" ]; then
		check "$f: stt-conform: tx.dscp_model pipe" [ "$(stat "$T/fault.pcap" tx.dscp_model)" = pipe ]
		check "$f: stt-conform: STT-3.3.1-DSCP-UNIFORM-ENCAP no longer PASS" \
			[ "$(verdict "$T/fault.pcap" STT-3.3.1-DSCP-UNIFORM-ENCAP)" != PASS ]
		check "$f: control: tx.dscp_model uniform, UNIFORM-ENCAP PASS" \
			[ "$(stat "$T/clean.pcap" tx.dscp_model)" = uniform -a \
				"$(verdict "$T/clean.pcap" STT-3.3.1-DSCP-UNIFORM-ENCAP)" = PASS ]
	fi
	if [ "$f" = dscp-pipe ]; then
		mk -w "$T/d.pcap" --size 3000 --inner-tos 40 --dscp 46
		echo_to "$T/d.pcap" "$T/dc.pcap"
		echo_to "$T/d.pcap" "$T/df.pcap" --fault dscp-pipe
		check "dscp-pipe: inner DSCP 10 kept under outer DSCP 46" [ "$(inner_tos "$T/df.pcap")" = "28 " ]
		check "dscp-pipe: control: inner DSCP 46 (uniform)" [ "$(inner_tos "$T/dc.pcap")" = "b8 " ]
	fi
	;;
dscp-pipe-decap)
	mk -w "$T/d.pcap" --size 3000 --inner-tos 40 --dscp 46
	echo_to "$T/d.pcap" "$T/clean.pcap"
	echo_to "$T/d.pcap" "$T/fault.pcap" --fault dscp-pipe-decap
	check "dscp-pipe-decap: inner DSCP 10 kept under outer DSCP 46" \
		[ "$(inner_tos "$T/fault.pcap")" = "28 " ]
	check "dscp-pipe-decap: control: the inner takes DSCP 46 (uniform)" \
		[ "$(inner_tos "$T/clean.pcap")" = "b8 " ]
	check "dscp-pipe-decap: the echo's outer follows its inner (0x28)" \
		[ "$(field "$T/fault.pcap" '"tos":[0-9]*')" = '"tos":40 ' ]
	;;
ce-lost)
	mk -w "$T/ce.pcap" --size 3000 --inner-tos 2 --seg-ecn 1:CE
	echo_to "$T/ce.pcap" "$T/clean.pcap"
	echo_to "$T/ce.pcap" "$T/fault.pcap" --fault ce-lost
	check "ce-lost: CE on segment 1 lost: the inner stays ECT(0)" [ "$(inner_tos "$T/fault.pcap")" = "02 " ]
	check "ce-lost: control: the inner becomes CE" [ "$(inner_tos "$T/clean.pcap")" = "03 " ]
	check "ce-lost: control: CE on every outer header of the echo (normal)" \
		[ "$(field "$T/clean.pcap" '"tos":[0-9]*')" = '"tos":3 ' ]
	# CE over Not-ECT: RFC 6040 drops the frame; the fault delivers it
	mk -w "$T/ce0.pcap" --inner-tos 0 --ecn CE
	echo_to "$T/ce0.pcap" "$T/clean0.pcap"
	echo_to "$T/ce0.pcap" "$T/fault0.pcap" --fault ce-lost
	check "ce-lost: CE over Not-ECT echoed" [ "$(frames "$T/fault0.pcap")" = 1 ]
	check "ce-lost: control: CE over Not-ECT dropped" [ "$(frames "$T/clean0.pcap")" = 0 ]
	;;
deliver-incomplete)
	# frame 0 lacks its middle segment, frame 1 its last, frame 2 is whole
	mk -w "$T/lost.pcap" --size 3000 --count 3 --drop 0:1 --drop 1:2
	echo_to "$T/lost.pcap" "$T/clean.pcap"
	echo_to "$T/lost.pcap" "$T/fault.pcap" --fault deliver-incomplete
	check "deliver-incomplete: 3 frames echoed, 2 of them incomplete" \
		[ "$(frames "$T/fault.pcap")" = 3 ]
	check "deliver-incomplete: control: only the whole frame echoed" [ "$(frames "$T/clean.pcap")" = 1 ]
	hex=$("$RECV" -r "$T/fault.pcap" --raw -q --no-stats)
	check "deliver-incomplete: frame 0's missing 1448 bytes are zeros" \
		[ "$(grep -c '0\{2896\}' <<<"$hex")" = 1 ]
	check "deliver-incomplete: frame 1's missing last 136 bytes are zeros" \
		[ "$(grep -c '[^0]0\{272\}$' <<<"$hex")" = 1 ]
	st=$("$RECV" -r "$T/lost.pcap" -q --no-stats --stats-json - --echo-pcap "$T/x.pcap" \
		--fault deliver-incomplete 2>/dev/null)
	check "deliver-incomplete: --stats-json partials_delivered 2" grep -q '"partials_delivered":2' <<<"$st"
	st=$("$RECV" -r "$T/lost.pcap" --no-stats --json --echo-pcap "$T/x.pcap" \
		--fault deliver-incomplete 2>/dev/null)
	check "deliver-incomplete: --json marks them complete:false" \
		[ "$(grep -c '"complete":false' <<<"$st")" = 2 ]
	;;
ignore-context)
	mk -w "$T/ctx.pcap" --count 2 --context 7
	echo_to "$T/ctx.pcap" "$T/clean.pcap" --context 5
	echo_to "$T/ctx.pcap" "$T/fault.pcap" --context 5 --fault ignore-context
	check "ignore-context: context 7 echoed under --context 5" [ "$(frames "$T/fault.pcap")" = 2 ]
	check "ignore-context: control: dropped without the fault" [ "$(frames "$T/clean.pcap")" = 0 ]
	echo_to "$T/ctx.pcap" "$T/own.pcap" --context 7
	check "ignore-context: control: --context 7 echoes its own" [ "$(frames "$T/own.pcap")" = 2 ]
	;;
no-timeout)
	# 3 segments 20 s apart: the last comes 40 s after the first, after
	# the default 30 s reassembly timeout
	mk -w "$T/late.pcap" --size 3000 --interval 20s
	echo_to "$T/late.pcap" "$T/clean.pcap"
	echo_to "$T/late.pcap" "$T/fault.pcap" --fault no-timeout
	check "no-timeout: a frame completed after 40 s is echoed" [ "$(frames "$T/fault.pcap")" = 1 ]
	check "no-timeout: control: it expired at 30 s without the fault" [ "$(frames "$T/clean.pcap")" = 0 ]
	echo_to "$T/late.pcap" "$T/f2.pcap" --fault no-timeout --reasm-timeout 1s
	check "no-timeout: wins over --reasm-timeout" [ "$(frames "$T/f2.pcap")" = 1 ]
	;;
*)
	echo "unknown case $case_name"
	exit 2
	;;
esac
echo "$fails failed"
[ $fails = 0 ]
