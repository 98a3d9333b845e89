#!/bin/bash
# What our senders put on the wire must decode cleanly: STT traffic of
# stt-tunnel (pings of 56, 8972 and 30000 bytes, kernel GSO and --no-tso)
# and of stt-send --target (several inner kinds and sizes) is captured on
# the receiving veth and decoded by stt-dump --strict (no warning at all)
# and by tshark's STT dissector (frames recognised, no STT expert info).
# Negative controls: a capture with a non-zero window and one with STT
# version 1 must make stt-dump --strict fail, and tshark flag the version.
. "$(dirname "$0")/lab.sh"
lab_init
command -v tcpdump >/dev/null || lab_skip "needs tcpdump"
command -v tshark >/dev/null || lab_skip "needs tshark"
TOOLS=$(dirname "$STT_TUNNEL")
STT_SEND=${STT_SEND:-$TOOLS/stt-send}
STT_DUMP=${STT_DUMP:-$TOOLS/stt-dump}
[ -x "$STT_SEND" ] || lab_skip "no stt-send at $STT_SEND"
[ -x "$STT_DUMP" ] || lab_skip "no stt-dump at $STT_DUMP"
# tshark's STT dissector must win over TCP's on port 7471. Its own checksum
# check (stt.check_checksum) is not used: in tshark 4.0 it calls every
# correct checksum bad ("should be 0x0000"); the outer checksums are
# verified by the TCP dissector instead (tcp_csum_ok). tshark's warning
# about running as root goes to stderr, dropped.
TSHARK="tshark -o ip.try_heuristic_first:TRUE"
# every expert item the STT dissector of tshark 4.0 can raise
STT_EXPERT="stt.checksum_bad.expert || stt.data_offset_bad.expert || stt.version_unknown.expert || stt.l4offset_bad.expert || stt.mss_bad.expert"

CAP_PID=""
cap_start() { # NAME: capture STT on B's veth into $LAB_DIR/NAME.pcap
	CAP="$LAB_DIR/$1.pcap"
	ip netns exec "$NSB" tcpdump -i ub -n -U --immediate-mode -B 16384 -w "$CAP" \
		"tcp port 7471" 2>"$LAB_DIR/$1.err" &
	CAP_PID=$!
	lab_capture_wait "$LAB_DIR/$1.err"
}
# cap_stop: tcpdump drops what it has not read yet when told to stop, so
# wait until the file (written per packet, -U) stops growing for 3 looks
# in a row (at most 20 s), then stop it.
cap_stop() {
	local size last=-1 same=0
	for _ in $(seq 1 100); do
		size=$(stat -c %s "$CAP")
		if [ "$size" = "$last" ]; then
			same=$((same + 1))
			[ $same -ge 3 ] && break
		else
			same=0
		fi
		last=$size
		sleep 0.2
	done
	kill -TERM "$CAP_PID"
	wait "$CAP_PID"
}

# dump_clean PCAP: stt-dump --strict -v exits 0 and saw STT frames
dump_clean() {
	"$STT_DUMP" --strict -v -r "$1" >"$1.dump" 2>"$1.dump.err"
	local rc=$?
	tail -n 8 "$1.dump.err"
	tail -n 3 "${1%.pcap}.err"	# tcpdump's counters: dropped by kernel?
	grep -m 5 'warning' "$1.dump"
	[ $rc = 0 ] && grep -q ' STT frames' "$1.dump.err" && grep -q 'STT ctx' "$1.dump"
}
# dump_strict_fails PCAP: stt-dump --strict exits 1 (a warning)
dump_strict_fails() {
	"$STT_DUMP" --strict -r "$1" >"$1.dump" 2>"$1.dump.err"
	local rc=$?
	grep -m 3 'warning' "$1.dump"
	[ $rc = 1 ]
}
# tshark_count PCAP FILTER: number of packets FILTER matches
tshark_count() {
	$TSHARK -r "$1" -Y "$2" -T fields -e frame.number 2>/dev/null | grep -c .
}
# tshark_clean PCAP: tshark decodes STT segments, none has expert info
tshark_clean() {
	local ids bad
	ids=$($TSHARK -r "$1" -Y stt -T fields -e stt.pkt_id 2>/dev/null | grep -c .)
	bad=$(tshark_count "$1" "$STT_EXPERT")
	echo "tshark: $ids STT segments with a packet id, $bad with STT expert info"
	$TSHARK -r "$1" -Y "$STT_EXPERT" 2>/dev/null | head -n 3
	[ "$ids" -gt 0 ] && [ "$bad" -eq 0 ]
}

# tcp_csum_ok PCAP: tshark's TCP dissector finds every outer checksum of
# stt-send (source A) good. Not for the tunnel's segments: those are
# checksum-offloaded and a veth capture shows the partial sum.
tcp_csum_ok() {
	local st
	st=$(tshark -o tcp.check_checksum:TRUE -r "$1" -Y "ip.src == $UA4" \
		-T fields -e tcp.checksum.status 2>/dev/null |
		sort | uniq -c)
	echo "tcp.checksum.status (1 good, 0 bad, 2 unverified): $st"
	[ -n "$st" ] && ! echo "$st" | grep -qv ' 1$'
}

# csum_words_ok DUMP: the segment lines of stt-dump -v (from dump_clean)
# give each checksum as ok or offloaded (partial), never bad or unchecked
csum_words_ok() {
	local words
	words=$(grep -o 'csum [a-z]*' "$1" | sort | uniq -c)
	echo "$words"
	[ -n "$words" ] && ! echo "$words" | grep -qv 'csum \(ok\|offloaded\)$'
}

setup() { # TUNNEL_OPTS
	lab_reset
	lab_underlay off off
	lab_tunnel A "$1 --mtu 65000"
	lab_tunnel B "$1 --mtu 65000"
	lab_inner 65000
}

for mode in $LAB_MODES; do
	extra=""
	[ "$mode" = no-tso ] && extra="--no-tso"
	setup "$extra"
	cap_start "tunnel-$mode"
	for size in 56 8972 30000; do
		check "ping $size bytes through the tunnel ($mode)" ping_ok "$NSA" $IB $size 2
	done
	cap_stop
	check "stt-dump --strict: stt-tunnel traffic is clean ($mode)" dump_clean "$LAB_DIR/tunnel-$mode.pcap"
	check "tshark: stt-tunnel traffic decodes as STT, no expert info ($mode)" \
		tshark_clean "$LAB_DIR/tunnel-$mode.pcap"
	check "stt-dump: every tunnel segment's checksum is ok or offloaded ($mode)" \
		csum_words_ok "$LAB_DIR/tunnel-$mode.pcap.dump"
done

# send_capture NAME stt-send options...: send live from A to B and capture
send_capture() {
	local name=$1
	shift
	cap_start "$name"
	inA "$STT_SEND" --target $UB4 --context $LAB_CONTEXT -q "$@" || return 1
	cap_stop
}

# the tunnel stays up on B from the last setup; what it does with the
# frames does not matter here, only what stt-send put on the wire
send_capture send --ping -s 100 -c 2 &&
send_capture send2 --ping -s 5000 --seed 2 &&
send_capture send3 --udp -s 300 --seed 3 &&
send_capture send4 --arp --seed 4 &&
send_capture send5 --tcp-syn --seed 5
check "stt-send --target: frames captured" test -s "$LAB_DIR/send5.pcap"
for f in send send2 send3 send4 send5; do
	kind=$(case $f in send) echo "ping 100 x2";; send2) echo "ping 5000";;
		send3) echo "udp 300";; send4) echo arp;; send5) echo tcp-syn;; esac)
	check "stt-dump --strict: stt-send $kind is clean" dump_clean "$LAB_DIR/$f.pcap"
	check "tshark: stt-send $kind decodes as STT, no expert info" tshark_clean "$LAB_DIR/$f.pcap"
	check "tshark: stt-send $kind outer TCP checksums good" tcp_csum_ok "$LAB_DIR/$f.pcap"
done

# Negative controls: the same checks bite on frames that break the rules.
send_capture bad-window --ping -s 100 --window 65535
check "control: stt-dump --strict fails on window 65535" dump_strict_fails "$LAB_DIR/bad-window.pcap"
check_fails "control: dump_clean rejects the window 65535 capture" dump_clean "$LAB_DIR/bad-window.pcap"
send_capture bad-version --ping -s 100 --stt-version 1
check "control: stt-dump --strict fails on STT version 1" dump_strict_fails "$LAB_DIR/bad-version.pcap"
check_fails "control: tshark_clean rejects the STT version 1 capture" tshark_clean "$LAB_DIR/bad-version.pcap"
send_capture bad-csum --ping -s 100 --csum bad
check_fails "control: tcp_csum_ok rejects a --csum bad capture" tcp_csum_ok "$LAB_DIR/bad-csum.pcap"
lab_done
