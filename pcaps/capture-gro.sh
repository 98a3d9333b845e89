#!/usr/bin/env bash
# Make the kernel-made captures: what the real Linux kernel's GSO, GRO and
# TSO do to STT traffic, recorded by tcpdump on a veth pair between two
# network namespaces. Needs root. The results are committed as produced
# (timestamps are real); rerun only to refresh them.
#
#   ns stt-pc-a-N va 192.0.2.1  <--veth-->  vb 192.0.2.2  ns stt-pc-b-N
#
# `stt-send --tso --target ... --iface va` hands the kernel one STT "TCP"
# super-packet through AF_PACKET + PACKET_VNET_HDR (gso_type TCPV4,
# gso_size 1448, NEEDS_CSUM), as a TSO-using STT sender does. The inner
# packet is a TSO-sized TCP segment (STT flags csum-partial|IPv4|TCP, L4
# offset 34, MSS 1448). Captures written (into OUT_DIR, default pcaps/):
#
#   kernel-gro.pcap          on vb, TSO off on va, GRO on on vb: the
#                            receiver's view of GRO-coalesced segments
#   kernel-gso-segments.pcap on va, TSO and tx checksumming off: the
#                            kernel's software segmentation, full checksums
#   kernel-sll.pcap          same traffic, tcpdump -i any in stt-pc-b
#                            (LINKTYPE_LINUX_SLL)
#   kernel-sll2.pcap         same, tcpdump -i any -y LINUX_SLL2
#   kernel-tso-sender.pcap   on va with TSO on: the unsegmented 64 KB
#                            super-packet with its pseudo-header checksum
#
# The receiving namespace drops tcp dport 7471 with nftables so its TCP
# stack does not answer with RSTs (which would pollute the captures).
# Addresses are documentation ranges only; namespaces go away on exit.
#
# Usage: capture-gro.sh [OUT_DIR [STT_SEND]]   (STT_SEND default build/tools/stt-send)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=$(realpath "${1:-$here}")
send_bin=$(realpath "${2:-$here/../build/tools/stt-send}")
# Unique names, so that two runs (two build trees testing at once) never
# collide; STT_NS_SUFFIX lets a caller know them.
suffix=${STT_NS_SUFFIX:-$$}
NSA=stt-pc-a-$suffix
NSB=stt-pc-b-$suffix
MAC_A=02:00:00:00:00:0a
MAC_B=02:00:00:00:00:0b
work=$(mktemp -d)
tcpdump_pids=()

cleanup() {
	local pid
	for pid in "${tcpdump_pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	ip netns del "$NSA" 2>/dev/null || true
	ip netns del "$NSB" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

if [ "$(id -u)" != 0 ]; then
	echo "capture-gro.sh: needs root (network namespaces, AF_PACKET)" >&2
	exit 2
fi

if [ ! -x "$send_bin" ]; then
	echo "capture-gro.sh: no stt-send at $send_bin (build first, or give its path)" >&2
	exit 2
fi

ip netns add "$NSA"
ip netns add "$NSB"
ip link add va netns "$NSA" address "$MAC_A" type veth peer vb netns "$NSB" address "$MAC_B"
ip -n "$NSA" addr add 192.0.2.1/24 dev va
ip -n "$NSB" addr add 192.0.2.2/24 dev vb
ip -n "$NSA" link set va up
ip -n "$NSB" link set vb up
ip -n "$NSA" link set lo up
ip -n "$NSB" link set lo up
ip netns exec "$NSB" nft -f - <<'EOF'
table inet stt {
	chain input {
		type filter hook input priority 0; policy accept;
		tcp dport 7471 drop
	}
}
EOF

# start_capture NS FILE TCPDUMP-ARGS...: start tcpdump and wait until it
# is listening (it says so on stderr), so nothing sent later is missed.
start_capture() {
	local ns=$1 file=$2 log
	shift 2
	log="$work/$(basename "$file").log"
	ip netns exec "$ns" tcpdump -U -s 0 -w "$file" "$@" 2>"$log" &
	tcpdump_pids+=($!)
	for _ in $(seq 100); do
		grep -q 'listening on' "$log" && return 0
		sleep 0.1
	done
	echo "capture-gro.sh: tcpdump did not start: $(cat "$log")" >&2
	exit 1
}

stop_captures() {
	local pid
	sleep 1
	for pid in "${tcpdump_pids[@]}"; do
		kill -INT "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	tcpdump_pids=()
}

# send FRAME_LEN ACK INNER_SEQ: one STT frame of FRAME_LEN bytes (18-byte
# STT header + 14-byte inner Ethernet + inner IP packet) carrying a TCP
# data segment, as one super-packet.
send() {
	local frame_len=$1 ack=$2 seq=$3
	python3 "$here/tools/pcapedit.py" inner-tcp $((frame_len - 32)) "$seq" "$work/inner.pcap"
	ip netns exec "$NSA" "$send_bin" -q --tso --target 192.0.2.2 --iface va \
		--dst-mac "$MAC_B" --src 192.0.2.1 --seed 1 --context 42 --sport 50000 \
		--inner-pcap "$work/inner.pcap" --mss 1448 --stt-flags 0x0e --l4-offset 34 \
		--ack "$ack"
}

filter="tcp port 7471"

# 1. GRO on the receiver: segments made by GSO on va, coalesced on vb.
ip netns exec "$NSA" ethtool -K va tso off >/dev/null
ip netns exec "$NSB" ethtool -K vb gro on >/dev/null
start_capture "$NSB" "$work/kernel-gro.pcap" -i vb "$filter"
# One inner flow throughout, so one source port (STT-NOTES: SHOULD be
# constant per inner flow).
send 20000 0x5a5a0001 1000
sleep 0.2
send 30000 0x5a5a0101 20928
stop_captures

# 2. Software GSO with full checksums, seen on the wire and, cooked, by
#    tcpdump -i any on the receiver.
ip netns exec "$NSA" ethtool -K va tx off tso off >/dev/null
ip netns exec "$NSB" ethtool -K vb gro off >/dev/null
start_capture "$NSA" "$work/kernel-gso-segments.pcap" -i va "$filter"
start_capture "$NSB" "$work/kernel-sll.pcap" -i any -y LINUX_SLL "$filter"
start_capture "$NSB" "$work/kernel-sll2.pcap" -i any -y LINUX_SLL2 "$filter"
send 5000 0x5a5a0201 50856
stop_captures

# 3. TSO on the sender: the capture shows one unsegmented super-packet
#    whose TCP checksum holds only the pseudo-header sum.
ip netns exec "$NSA" ethtool -K va tx on tso on >/dev/null
start_capture "$NSA" "$work/kernel-tso-sender.pcap" -i va "$filter"
send 64000 0x5a5a0301 55784
stop_captures

for f in kernel-gro kernel-gso-segments kernel-sll kernel-sll2 kernel-tso-sender; do
	cp "$work/$f.pcap" "$out/$f.pcap"
	echo "$f.pcap: $(tcpdump -nr "$out/$f.pcap" 2>/dev/null | wc -l) packets"
done
