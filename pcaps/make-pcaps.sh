#!/usr/bin/env bash
# Regenerate every crafted regression capture in pcaps/ from stt-send.
# Deterministic: every run writes byte-identical files (fixed --seed,
# --start-time and --interval; pcapedit.py rewrites are pure functions).
# The kernel-made captures (kernel-*.pcap) come from capture-gro.sh.
#
# Usage: pcaps/make-pcaps.sh [STT_SEND [OUT_DIR]]
#   STT_SEND defaults to build/tools/stt-send; OUT_DIR to pcaps/.
# After regenerating, refresh and REVIEW the expected outputs:
#   tests/golden/update-all.sh build/tools/stt-dump && git diff pcaps/
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
send=$(realpath "${1:-$here/../build/tools/stt-send}")
out=$(realpath "${2:-$here}")
edit="python3 $here/tools/pcapedit.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

[ -x "$send" ] || { echo "make-pcaps.sh: no stt-send at $send (build first)" >&2; exit 2; }

# gen NAME STT-SEND-ARGS...: one capture, documentation addresses, fixed
# time base. Options given later override these.
gen() {
	local name=$1
	shift
	"$send" -q --seed 1 --start-time 1700000000 --interval 100us --context 42 \
		--src 192.0.2.1 --dst 192.0.2.2 -w "$out/$name.pcap" "$@"
}

# tmpgen NAME ARGS...: the same into the scratch directory (inputs of
# pcapedit rewrites).
tmpgen() {
	local name=$1
	shift
	"$send" -q --seed 1 --start-time 1700000000 --interval 100us --context 42 \
		--src 192.0.2.1 --dst 192.0.2.2 -w "$tmp/$name.pcap" "$@"
}

# --- frames and reassembly --------------------------------------------
gen single --ping --size 100
gen multi-segment --ping --size 4000 --count 2
gen out-of-order --ping --size 6000 --reorder --seed 7
gen duplicate --ping --size 4000 --duplicate 1
gen overlap-conflict --ping --size 4000 --overlap
gen missing-segment --ping --size 4000 --drop 1
# Frame of 2912 bytes = 2 x 1448 + 16: the 16-byte last segment is lost.
# Wireshark declares such a frame complete (<= 20 bytes missing).
gen missing-tail-16 --ping --size 2880 --drop 2
gen coalesced --ping --size 8000 --coalesce 3
gen interleaved --ping --size 3000 --count 3 --interleave=3
# 65535-byte STT frame: 18 (STT header) + 14 (inner Ethernet) + 65503.
gen max-frame --ping --size 65503
gen tso-superpacket --tcp-syn --size 30000 --tso --csum pseudo --mss 1448 --stt-flags 0x0e --l4-offset 34

# --- outer encapsulations -----------------------------------------------
gen ipv6-outer --ping --size 3000 --src 2001:db8::1 --dst 2001:db8::2
gen port-7472 --ping --size 3000 --dport 7472
tmpgen base3000 --ping --size 3000
$edit relink sll "$tmp/base3000.pcap" "$out/sll.pcap"
$edit relink sll2 "$tmp/base3000.pcap" "$out/sll2.pcap"
$edit relink raw "$tmp/base3000.pcap" "$out/raw-ip.pcap"
$edit vlan 10 3 "$tmp/base3000.pcap" "$out/outer-vlan.pcap"
$edit ipopts "$tmp/base3000.pcap" "$out/ipv4-options.pcap"
# pcapng rather than pcap (the name keeps .pcap: stt-dump goes by content).
$edit pcapng "$tmp/base3000.pcap" "$out/pcapng-format.pcap"

# --- inner payloads -----------------------------------------------------
gen inner-ipv6 --ping --inner-ipv6 --inner-src 2001:db8:1::1 --inner-dst 2001:db8:1::2 --size 200
gen inner-arp --arp
gen inner-udp --udp --size 200
gen inner-tcp --tcp-syn
gen stt-vlan --ping --vlan 100 --pcp 5
# An inner frame that itself carries an 802.1Q tag.
tmpgen inner-src --ping --size 100 --write-inner "$tmp/inner.pcap"
$edit vlan 200 0 "$tmp/inner.pcap" "$tmp/inner-tagged.pcap"
gen inner-vlan-tagged --inner-pcap "$tmp/inner-tagged.pcap"

# --- one capture per warning (checks.h) ---------------------------------
gen w-tcp-window-nonzero --ping --window 65535
gen w-tcp-urg-nonzero --ping --urg 7
gen w-tcp-ack-missing --ping --tcp-flags none
gen w-tcp-psh-missing-last --ping --size 3000 --no-psh
gen w-tcp-psh-not-last --ping --size 3000 --tcp-flags ACK,PSH
gen w-tcp-flags-other --ping --tcp-flags ACK,FIN
# Data offset 6: four NOP option bytes before the payload.
tmpgen doff --ping
$edit tcpopts 1 "$tmp/doff.pcap" "$out/w-tcp-options.pcap"
gen w-tcp-csum-bad --ping --csum bad
gen w-sport-not-ephemeral --ping --sport 1234
# A zero-length segment: the duplicate of the only segment, emptied.
tmpgen zero --ping --duplicate 0
$edit strip-payload 2 "$tmp/zero.pcap" "$out/w-seg-zero-len.pcap"
gen w-seg-out-of-range --ping --size 3000 --frame-len 2000
gen w-frame-too-short --ping --frame-len 10
tmpgen frag --ping --size 200
$edit fragment 1 "$tmp/frag.pcap" "$out/w-ip-fragmented.pcap"
gen w-version-nonzero --ping --stt-version 1
gen w-flags-reserved --ping --stt-flags 0x54
gen w-reserved-nonzero --ping --reserved 0xab
gen w-padding-nonzero --ping --padding 0x1234
gen w-vlan-id-without-v --ping --vlan 100 --vlan-valid 0
gen w-csum-flags-both --tcp-syn --stt-flags 0x0f --l4-offset 34
gen w-l4off-partial-zero --tcp-syn --stt-flags 0x0e --l4-offset 0
gen w-l4off-without-partial --tcp-syn --stt-flags 0x0c --l4-offset 34
gen w-l4off-outside --tcp-syn --stt-flags 0x0e --l4-offset 250
gen w-l4off-mismatch --tcp-syn --stt-flags 0x0e --l4-offset 38
gen w-mss-without-partial --ping --mss 1448 --stt-flags 0x04
gen w-tso-without-partial --tcp-syn --size 4000 --mss 1448 --stt-flags 0x0c --l4-offset 0
gen w-flag-ipv4-mismatch --ping --inner-ipv6 --inner-src 2001:db8:1::1 --inner-dst 2001:db8:1::2 --stt-flags 0x04
gen w-flag-tcp-mismatch --udp --stt-flags 0x0c
gen w-flags-non-ip --arp --stt-flags 0x0c
# An STT frame of 28 bytes: the header and 10 bytes, no room for an
# inner Ethernet header.
tmpgen tiny --ping
$edit shrink-frame 1 28 "$tmp/tiny.pcap" "$out/w-inner-too-short.pcap"
# Second segment's source port changed (and its checksum made right).
tmpgen sportvar --ping --size 3000
$edit poke 2 34 c000 "$tmp/sportvar.pcap" "$tmp/sportvar2.pcap"
$edit tcpcsum "$tmp/sportvar2.pcap" "$out/w-sport-varied.pcap"
# Second segment claims a frame length of 4000 instead of 3032.
tmpgen lenmis --ping --size 3000
$edit poke 2 38 0fa0 "$tmp/lenmis.pcap" "$tmp/lenmis2.pcap"
$edit tcpcsum "$tmp/lenmis2.pcap" "$out/w-frame-len-mismatch.pcap"
# 20 s between segments: the frame's 30 s timeout passes before its third.
gen w-incomplete-timeout --ping --size 3000 --interval 20s
gen w-ack-reused --ping --count 3 --ack 77 --ack-step 0
# One inner flow, two source ports: two runs merged by time.
tmpgen flow-a --ping --count 2 --sport 50001 --ack 1000 --interval 1ms
tmpgen flow-b --ping --count 2 --sport 50002 --ack 2000 --interval 1ms --start-time 1700000000.000500
mergecap -F pcap -w "$out/w-sport-flow-unstable.pcap" "$tmp/flow-a.pcap" "$tmp/flow-b.pcap"
# Memory pressure: four interleaved 20000-byte frames (run with a small
# --mem-cap in manifest.txt).
gen w-evicted --ping --size 20000 --count 4 --interleave=4

# --- bad input ------------------------------------------------------------
tmpgen bad --ping --size 3000
$edit cut-mid-record "$tmp/bad.pcap" "$out/bad-truncated.pcap"
$edit snaplen 96 "$tmp/bad.pcap" "$out/bad-snaplen-96.pcap"
$edit linktype 147 "$tmp/bad.pcap" "$out/bad-unknown-linktype.pcap"
$edit nonstt-tcp "$out/bad-non-stt-tcp.pcap"
# IPv4 header length 3 words (less than the 5-word minimum).
$edit poke 1 14 43 "$tmp/bad.pcap" "$out/bad-corrupt-ip.pcap"
printf 'this is not a pcap file\n' >"$out/bad-not-pcap.pcap"

n=$(find "$out" -maxdepth 1 -name "*.pcap" | wc -l)
echo "make-pcaps.sh: $n captures in $out"
