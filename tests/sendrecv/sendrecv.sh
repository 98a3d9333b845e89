#!/usr/bin/env bash
# stt-send and stt-recv against each other, through pcap files: no network,
# no root. Usage: sendrecv.sh CASE STT_SEND STT_RECV
#
# Every case prints "TEST: name [ OK ]" or "[FAIL]" lines, and each check
# that can pass is paired with a control that must fail the same way on
# deliberately broken input, so that a check that always passes shows up.
set -u
case_name=$1
SEND=$2
RECV=$3
DUMP=${4:-}
CONFORM=${5:-}
T=$(mktemp -d "${TMPDIR:-/tmp}/sttsr.XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0

# ok, fail, check, check_not
. "$(dirname "$0")/common.sh"

# stats FILE.pcap [recv args...]: stt-recv's counters as compact JSON
stats() {
	local pcap=$1
	shift
	"$RECV" -r "$pcap" -q --no-stats --stats-json - "$@"
}
# has JSON KEY VALUE: the compact JSON holds "KEY":VALUE
has() { case "$1" in *"\"$2\":$3,"* | *"\"$2\":$3}"*) return 0 ;; esac; return 1; }

# roundtrip NAME SEND-ARGS...: stt-send -w / --write-inner, stt-recv -r
# --decap, and the two inner pcaps must be byte-identical.
roundtrip() {
	local name=$1
	shift
	rm -f "$T/o.pcap" "$T/i.pcap" "$T/d.pcap"
	if ! "$SEND" -q -w "$T/o.pcap" --write-inner "$T/i.pcap" "$@"; then
		fail "$name: stt-send ran" "stt-send $*"
		return
	fi
	if ! "$RECV" -r "$T/o.pcap" -q --no-stats -w "$T/d.pcap"; then
		fail "$name: stt-recv ran"
		return
	fi
	check "$name: inner frames byte-identical" cmp -s "$T/i.pcap" "$T/d.pcap"
}

# delivered PCAP N [recv args]: stt-recv delivers exactly N frames
delivered() {
	local pcap=$1 n=$2
	shift 2
	local s
	s=$(stats "$pcap" "$@")
	has "$s" delivered "$n"
}

case_roundtrip() {
	roundtrip "ping ipv4" --ping --count 3 --size 3000
	roundtrip "udp" --udp --count 2 --size 200
	roundtrip "tcp-syn" --tcp-syn --size 9000
	roundtrip "arp" --arp
	roundtrip "inner ipv6" --ping --inner-ipv6 --size 5000
	roundtrip "outer ipv6" --udp --src 2001:db8::1 --dst 2001:db8::2 --size 4000
	roundtrip "largest frame" --udp --size 65503 --src 2001:db8::1 --dst 2001:db8::2
	roundtrip "one-byte segments" --ping --size 40 --segment-size 1
	roundtrip "tso super-packet" --tcp-syn --size 20000 --tso
	roundtrip "header fields" --context 0xffffffffffffffff --vlan 4095 --pcp 7 --mss 1400 \
		--l4-offset 34 --stt-flags 0x06 --window 65535 --urg 1 --tcp-flags ACK,URG
	roundtrip "frames from --inner-pcap" --udp --count 4 --size 1500 --seed 9
	cp "$T/i.pcap" "$T/src-inner.pcap"
	roundtrip "--inner-pcap source" --inner-pcap "$T/src-inner.pcap"
	check "--inner-pcap: same frames as its source" cmp -s "$T/src-inner.pcap" "$T/d.pcap"

	# Negative control: the comparison notices other bytes.
	"$SEND" -q -w "$T/o.pcap" --count 2 --size 3000 --seed 1
	"$SEND" -q -w "$T/x.pcap" --write-inner "$T/i2.pcap" --count 2 --size 3000 --seed 2
	"$RECV" -r "$T/o.pcap" -q --no-stats -w "$T/d.pcap"
	check_not "control: other seed, other inner bytes" cmp -s "$T/i2.pcap" "$T/d.pcap"
}

case_determinism() {
	"$SEND" -q -w "$T/a.pcap" --count 4 --size 5000 --reorder --loss 0.2 --duplicate all --seed 7
	"$SEND" -q -w "$T/b.pcap" --count 4 --size 5000 --reorder --loss 0.2 --duplicate all --seed 7
	"$SEND" -q -w "$T/c.pcap" --count 4 --size 5000 --reorder --loss 0.2 --duplicate all --seed 8
	check "same options, same bytes" cmp -s "$T/a.pcap" "$T/b.pcap"
	check_not "control: another seed, other bytes" cmp -s "$T/a.pcap" "$T/c.pcap"

	# timestamps: --start-time, then +--interval per segment
	"$SEND" -q -w "$T/t.pcap" --size 3000 --start-time 1700000123.000042 --interval 1ms
	local ts
	ts=$(tcpdump -tt -nn -r "$T/t.pcap" 2>/dev/null | awk '{print $1}' | tr '\n' ' ')
	check "timestamps start and step as asked" [ "$ts" = "1700000123.000042 1700000123.001042 1700000123.002042 " ]
	ts=$(tcpdump -tt -nn -r "$T/a.pcap" 2>/dev/null | awk 'NR==1{print $1}')
	check "default start time 1700000000.000000" [ "$ts" = "1700000000.000000" ]
	check_not "control: the comparison sees another time" [ "$ts" = "1700000000.000100" ]
}

case_drop() {
	"$SEND" -q -w "$T/o.pcap" --size 4000 --drop 1
	check "drop: frame not delivered" delivered "$T/o.pcap" 0
	local s
	s=$(stats "$T/o.pcap")
	check "drop: counted incomplete at end of input" has "$s" flushed 1
	"$SEND" -q -w "$T/o.pcap" --size 4000
	check_not "control: without --drop it is delivered" delivered "$T/o.pcap" 0
	# --drop F:N only hits frame F
	"$SEND" -q -w "$T/o.pcap" --size 4000 --count 3 --drop 1:0
	check "drop F:N: the other frames arrive" delivered "$T/o.pcap" 2
	# --loss 1 loses everything, --loss 0 nothing
	"$SEND" -q -w "$T/o.pcap" --size 4000 --count 3 --loss 1
	check "loss 1: nothing delivered" delivered "$T/o.pcap" 0
	"$SEND" -q -w "$T/o.pcap" --size 4000 --count 3 --loss 0
	check "loss 0: everything delivered" delivered "$T/o.pcap" 3
}

case_reorder() {
	local how
	for how in "--reorder" "--reverse" "--duplicate all" "--duplicate 1" "--reorder --duplicate all" "--coalesce 2" "--coalesce 3 --reverse" "--interleave --count 4" "--interleave=3 --count 6 --reorder"; do
		# shellcheck disable=SC2086
		roundtrip "$how" --size 6000 $how
		# shellcheck disable=SC2086
		"$SEND" -q -w "$T/plain.pcap" --size 6000 $(echo "$how" | grep -o -- '--count [0-9]*')
		check_not "$how: segments differ from the plain run" cmp -s "$T/plain.pcap" "$T/o.pcap"
	done
	"$SEND" -q -w "$T/o.pcap" --size 6000 --duplicate all
	local s
	s=$(stats "$T/o.pcap")
	check "duplicate all: delivered once" has "$s" delivered 1
	check "duplicate all: 5 duplicates absorbed" has "$s" duplicates 5
	"$SEND" -q -w "$T/o.pcap" --size 6000 --coalesce 2
	s=$(stats "$T/o.pcap")
	check "coalesce 2: 5 segments become 3" has "$s" segments 3
}

case_overlap() {
	"$SEND" -q -w "$T/o.pcap" --size 4000 --overlap
	local s
	s=$(stats "$T/o.pcap")
	check "overlap: not delivered" has "$s" delivered 0
	check "overlap: counted as a conflict" has "$s" overlap_conflict 1
	"$SEND" -q -w "$T/o.pcap" --size 40 --overlap
	check "overlap on a one-segment frame: not delivered" delivered "$T/o.pcap" 0
	"$SEND" -q -w "$T/o.pcap" --size 4000 --overlap --reorder --count 3
	check "overlap + reorder: not delivered" delivered "$T/o.pcap" 0
	"$SEND" -q -w "$T/o.pcap" --size 4000 --duplicate 0
	check_not "control: an identical overlap is delivered" delivered "$T/o.pcap" 0
}

case_fields() {
	local out
	"$SEND" -q -w "$T/o.pcap" --size 200 --context 42 --vlan 100 --pcp 5
	out=$("$RECV" -r "$T/o.pcap" --no-stats)
	check "context and vlan reach the receiver" grep -q "ctx 0x2a, .*vlan 100 pcp 5" <<<"$out"
	"$SEND" -q -w "$T/o.pcap" --size 200 --vlan 100 --vlan-valid 0
	out=$("$RECV" -r "$T/o.pcap" --no-stats)
	check "--vlan-valid 0 clears V only" grep -q "tci 0x0064 (no V)" <<<"$out"
	check_not "control: no vlan valid claim" grep -q "vlan 100 pcp" <<<"$out"
	"$SEND" -q -w "$T/o.pcap" --size 200 --reserved 1 --padding 0xbeef
	out=$("$RECV" -r "$T/o.pcap" --no-stats -v)
	check "reserved and padding on the wire" grep -q "reserved 0x01, padding 0xbeef" <<<"$out"
	check "-v warns about non-zero padding" grep -q "warning: padding_nonzero" <<<"$out"
	"$SEND" -q -w "$T/o.pcap" --size 200
	out=$("$RECV" -r "$T/o.pcap" --no-stats -v)
	check_not "control: no padding warning on a clean frame" grep -q "warning: padding_nonzero" <<<"$out"

	# flags default from the inner packet
	"$SEND" -q -w "$T/o.pcap" --tcp-syn --size 200
	out=$("$RECV" -r "$T/o.pcap" --no-stats)
	check "tcp over ipv4: flags v4,tcp" grep -q "flags \[v4,tcp\]" <<<"$out"
	"$SEND" -q -w "$T/o.pcap" --udp --inner-ipv6 --size 200
	out=$("$RECV" -r "$T/o.pcap" --no-stats)
	check "udp over ipv6: no flags" grep -q "flags \[none\]" <<<"$out"

	# --inner-tso: a big inner TCP packet marked for segmentation
	"$SEND" -q -w "$T/o.pcap" --tcp-syn --size 9000 --inner-tso=1400
	out=$("$RECV" -r "$T/o.pcap" --no-stats -v)
	check "--inner-tso: partial, l4 offset and mss set" grep -q "flags \[v4,tcp,partial\], l4off 34, mss 1400" <<<"$out"
	check_not "--inner-tso: no TSO warning" grep -q "warning: tso_without_partial" <<<"$out"
	"$SEND" -q -w "$T/o.pcap" --tcp-syn --size 9000
	out=$("$RECV" -r "$T/o.pcap" --no-stats -v)
	check "control: without it, -v warns tso_without_partial" grep -q "warning: tso_without_partial" <<<"$out"

	# context filter
	"$SEND" -q -w "$T/o.pcap" --size 200 --context 7 --count 2
	check "--context 7 delivers context 7" delivered "$T/o.pcap" 2 --context 7
	check "--context 8 filters context 7" delivered "$T/o.pcap" 0 --context 8

	# version, checksum
	"$SEND" -q -w "$T/o.pcap" --size 200 --stt-version 1
	check "version 1: refused" delivered "$T/o.pcap" 0
	"$SEND" -q -w "$T/o.pcap" --size 3000 --csum bad
	check "bad checksum: refused" delivered "$T/o.pcap" 0
	check "bad checksum with --ignore-csum: delivered" delivered "$T/o.pcap" 1 --ignore-csum
	"$SEND" -q -w "$T/o.pcap" --size 3000 --csum pseudo
	check "pseudo-header checksum (offloaded): accepted" delivered "$T/o.pcap" 1
	# the frame length lie
	"$SEND" -q -w "$T/o.pcap" --size 3000 --frame-len 100
	check "lying frame length: not delivered" delivered "$T/o.pcap" 0

	# per-segment ECN / DSCP and per-frame TOS, read back with tcpdump -v
	"$SEND" -q -w "$T/o.pcap" --size 4000 --dscp 10 --seg-ecn 1:CE --seg-dscp 2:EF
	out=$(tcpdump -v -nn -r "$T/o.pcap" 2>/dev/null | grep -o 'tos 0x[0-9a-f]*' | tr '\n' ' ')
	check "per-segment TOS overrides" [ "$out" = "tos 0x28 tos 0x2b tos 0xb8 " ]
	"$SEND" -q -w "$T/o.pcap" --size 200 --inner-tos 0xb9
	out=$(tcpdump -v -nn -r "$T/o.pcap" 2>/dev/null | grep -o 'tos 0x[0-9a-f]*' | head -1)
	check "outer TOS copies the inner (uniform, RFC 6040 normal)" [ "$out" = "tos 0xb9" ]

	# --qos: RFC 6040 and RFC 2983 at decapsulation. The inner IPv4 TOS
	# is the second byte after the 14-byte Ethernet header: hex digits
	# 31-32 of the --raw line.
	local tos
	"$SEND" -q -w "$T/o.pcap" --size 4000 --inner-tos 2 --seg-ecn 2:CE
	tos=$("$RECV" -r "$T/o.pcap" --qos --raw -q --no-stats | cut -c31-32)
	check "--qos: CE on one segment marks the ECT(0) inner CE" [ "$tos" = 03 ]
	tos=$("$RECV" -r "$T/o.pcap" --raw -q --no-stats | cut -c31-32)
	check "control: without --qos the inner stays ECT(0)" [ "$tos" = 02 ]
	"$RECV" -r "$T/o.pcap" --qos -q --no-stats -w "$T/q.pcap"
	check "--qos: the rewritten IPv4 header checksum is right" \
		[ "$(tshark -r "$T/q.pcap" -o ip.check_checksum:TRUE -T fields -e ip.checksum.status 2>/dev/null)" = 1 ]
	"$SEND" -q -w "$T/o.pcap" --size 4000 --inner-tos 0 --seg-ecn 1:CE
	check "--qos: CE over a Not-ECT inner drops the frame" delivered "$T/o.pcap" 0 --qos
	check "control: without --qos it is delivered" delivered "$T/o.pcap" 1
	"$SEND" -q -w "$T/o.pcap" --size 200 --inner-tos 0 --dscp 10
	tos=$("$RECV" -r "$T/o.pcap" --qos --raw -q --no-stats | cut -c31-32)
	check "--qos (uniform): the outer DSCP reaches the inner" [ "$tos" = 28 ]
	tos=$("$RECV" -r "$T/o.pcap" --qos=pipe --raw -q --no-stats | cut -c31-32)
	check "--qos=pipe: the inner DSCP is left alone" [ "$tos" = 00 ]

	# JSON: one object per frame
	"$SEND" -q -w "$T/o.pcap" --size 200 --count 3 --context 5
	out=$("$RECV" -r "$T/o.pcap" --json --no-stats)
	check "--json: three frame objects" [ "$(grep -c '^{"type":"frame"' <<<"$out")" = 3 ]
	check "--json: context as hex string" grep -q '"context_id":"0x0000000000000005"' <<<"$out"
}

case_echo() {
	"$SEND" -q -w "$T/o.pcap" --write-inner "$T/i.pcap" --size 3000 --count 2 \
		--src 192.0.2.10 --dst 192.0.2.20
	"$RECV" -r "$T/o.pcap" -q --no-stats --echo-pcap "$T/e.pcap"
	"$RECV" -r "$T/e.pcap" -q --no-stats -w "$T/d.pcap"
	check "echo: the echoed frames carry the same inner frames" cmp -s "$T/i.pcap" "$T/d.pcap"
	local out
	out=$("$RECV" -r "$T/e.pcap" --no-stats)
	# as an STT sender: to port 7471, from a port hashed from the inner flow
	check "echo: outer addresses swapped, to port 7471 from an ephemeral port" \
		grep -Eq "IP 192.0.2.20.(49|5[0-9]|6[0-5])[0-9]{3} > 192.0.2.10.7471:" <<<"$out"
	check_not "control: not sent the original way" grep -q "IP 192.0.2.10" <<<"$out"

	# the echo decapsulates by RFC 6040 (uniform DSCP) by default, and
	# echoes what it decapsulated: CE stays CE
	"$SEND" -q -w "$T/o.pcap" --size 3000 --inner-tos 2 --seg-ecn 1:CE
	"$RECV" -r "$T/o.pcap" -q --no-stats --echo-pcap "$T/e.pcap"
	local tos
	tos=$("$RECV" -r "$T/e.pcap" --raw -q --no-stats | cut -c31-32)
	check "echo: the echoed inner frame is CE" [ "$tos" = 03 ]
	tos=$(tcpdump -v -nn -r "$T/e.pcap" 2>/dev/null | grep -o 'tos 0x[0-9a-f]*' | sort -u)
	check "echo: CE copied to every outer header (RFC 6040 normal)" [ "$tos" = "tos 0x3" ]
	"$RECV" -r "$T/o.pcap" -q --no-stats --echo-pcap "$T/e.pcap" --fault ce-lost 2>/dev/null
	tos=$("$RECV" -r "$T/e.pcap" --raw -q --no-stats | cut -c31-32)
	check "control: with --fault ce-lost the echo is ECT(0)" [ "$tos" = 02 ]
	"$RECV" -r "$T/o.pcap" -q --no-stats -w "$T/d.pcap"
	tos=$("$RECV" -r "$T/o.pcap" --raw -q --no-stats | cut -c31-32)
	check "control: without --echo or --qos the inner is untouched (ECT(0))" [ "$tos" = 02 ]
}

case_errors() {
	local rc
	"$SEND" -w "$T/o.pcap" --size 5 2>"$T/err"
	rc=$?
	check "stt-send: --size too small is a usage error (exit 2)" [ $rc = 2 ]
	check "stt-send: the error names the option" grep -q -- "--size" "$T/err"
	"$SEND" 2>/dev/null
	check "stt-send: nothing to do (exit 2)" [ $? = 2 ]
	"$SEND" -w "$T/o.pcap" --inner-pcap "$T/missing.pcap" 2>"$T/err"
	check "stt-send: missing inner pcap (exit 2)" [ $? = 2 ]
	check "stt-send: the error names the file" grep -q "missing.pcap" "$T/err"
	"$SEND" -w "$T/o.pcap" --seg-ecn 1:XX 2>/dev/null
	check "stt-send: bad ECN value (exit 2)" [ $? = 2 ]
	"$RECV" -r "$T/missing.pcap" 2>"$T/err"
	check "stt-recv: missing file (exit 2)" [ $? = 2 ]
	check "stt-recv: one-line error" [ "$(wc -l <"$T/err")" = 1 ]
	printf 'not a pcap at all' >"$T/junk.pcap"
	"$RECV" -r "$T/junk.pcap" 2>/dev/null
	check "stt-recv: garbage file (exit 2)" [ $? = 2 ]
	"$SEND" -q -w "$T/o.pcap" --size 200 --count 1
	"$RECV" -r "$T/o.pcap" -q --no-stats --count 2
	check "stt-recv: --count not reached (exit 1)" [ $? = 1 ]
	"$RECV" -r "$T/o.pcap" -q --no-stats --count 1
	check "stt-recv: --count reached (exit 0)" [ $? = 0 ]
	# damaged captures: never a crash (a signal), whatever the bytes say
	"$SEND" -q -w "$T/good.pcap" --size 5000 --count 3 --reorder --duplicate 1
	local size i off rc crashed=0 changed=0
	size=$(wc -c <"$T/good.pcap")
	"$RECV" -r "$T/good.pcap" -v --json --no-stats >"$T/good.out" 2>/dev/null
	RANDOM=4242
	for i in $(seq 1 40); do
		cp "$T/good.pcap" "$T/bad.pcap"
		for _ in 1 2 3 4; do
			off=$(((RANDOM * 32768 + RANDOM) % size))
			printf "\\x$(printf %02x $((RANDOM % 256)))" |
				dd of="$T/bad.pcap" bs=1 seek="$off" conv=notrunc status=none
		done
		"$RECV" -r "$T/bad.pcap" -v --json --no-stats >"$T/bad.out" 2>"$T/bad.err"
		rc=$?
		# a signal, or a sanitizer report in an instrumented build
		if [ $rc -ge 128 ] || grep -q "Sanitizer\|runtime error" "$T/bad.err"; then
			crashed=$((crashed + 1))
		fi
		cmp -s "$T/bad.out" "$T/good.out" || changed=$((changed + 1))
	done
	check "stt-recv: 40 damaged captures, no crash" [ $crashed = 0 ]
	check "control: the damage changed what stt-recv saw" [ $changed -gt 0 ]
	"$SEND" --help | grep -q -- "--seg-ecn"
	check "stt-send --help" [ $? = 0 ]
	"$RECV" --version | grep -q "sttkit"
	check "stt-recv --version" [ $? = 0 ]
}

# stt-recv --json writes stt-dump's frame objects (docs/json-schema.md)
# and its text lines are stt-dump -tt's frame lines.
# A real TCP connection on port 7471 (handshake, request): stt-recv takes
# none of it as STT (stt/tcpconn.h); control: the same packets without the
# opening SYN are taken as STT segments.
case_realtcp() {
	local P st
	P="$(dirname "$0")/../../pcaps/bad-non-stt-tcp.pcap"
	st=$(stats "$P")
	echo "# $st"
	check "stt-recv: a TCP connection on the STT port is not STT" has "$st" segments 0
	check "stt-recv: all its packets counted as not_stt" has "$st" not_stt 5
	"$DUMP" -r "$P" -w "$T/nosyn.pcap" "not tcp[13] & 2 != 0" 2>/dev/null
	st=$(stats "$T/nosyn.pcap")
	echo "# without the SYN: $st"
	check_not "control: without its SYN the connection is read as STT" has "$st" segments 0
	[ -n "$CONFORM" ] || return 0
	"$CONFORM" --pcap "$P" --no-color >"$T/c.txt" 2>&1
	check "stt-conform --pcap: 0 STT segments" \
		grep -q "5 packets, 0 STT segments" "$T/c.txt"
	"$CONFORM" --pcap "$T/nosyn.pcap" --no-color >"$T/c.txt" 2>&1
	check "control: stt-conform reads it as STT without its SYN" \
		grep -q "2 packets, 2 STT segments" "$T/c.txt"
}

case_dumpparity() {
	if [ -z "$DUMP" ]; then
		echo "no stt-dump given"
		return 1
	fi
	local args
	for args in "--size 4000 --count 2 --reorder" "--tcp-syn --size 1400 --context 0x1234567890abcdef" \
		"--inner-ipv6 --udp --src 2001:db8::1 --dst 2001:db8::2 --size 3000" "--arp --vlan 12 --pcp 3" \
		"--duplicate all --size 5000 --count 2" "--drop 1 --count 3 --size 3000"; do
		# shellcheck disable=SC2086
		"$SEND" -q -w "$T/p.pcap" $args
		"$DUMP" -r "$T/p.pcap" --json 2>/dev/null | grep '^{"type":"frame"' >"$T/d.json"
		"$RECV" -r "$T/p.pcap" --json --no-stats >"$T/r.json"
		check "$args: JSON frames as stt-dump's" cmp -s "$T/d.json" "$T/r.json"
		"$DUMP" -r "$T/p.pcap" -tt 2>/dev/null | grep -v '^ ' >"$T/d.txt"
		"$RECV" -r "$T/p.pcap" --no-stats >"$T/r.txt"
		check "$args: text lines as stt-dump -tt's" cmp -s "$T/d.txt" "$T/r.txt"
	done
	# control: another capture gives other lines
	"$SEND" -q -w "$T/q.pcap" --size 4000 --count 2 --seed 2
	"$RECV" -r "$T/q.pcap" --json --no-stats >"$T/r.json"
	check_not "control: other frames, other JSON" cmp -s "$T/d.json" "$T/r.json"
}

if ! declare -F "case_$case_name" >/dev/null; then
	echo "unknown case $case_name" >&2
	exit 2
fi
"case_$case_name"
[ $fails = 0 ]
