#!/usr/bin/env bash
# Make the kernel-made captures: what the real Linux kernel's GSO, GRO and
# TSO do to STT traffic, recorded by tcpdump on a veth pair between two
# network namespaces. Needs root. The results are committed as produced
# (timestamps are real); rerun only to refresh them.
#
#   ns stt-pc-a  va 192.0.2.1  <--veth-->  vb 192.0.2.2  ns stt-pc-b
#
# pcaps/tools/gso-send hands the kernel one STT "TCP" super-packet through
# AF_PACKET + PACKET_VNET_HDR (gso_type TCPV4), as a TSO-using STT sender
# does. Captures written (into the directory given, default pcaps/):
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
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here}
NSA=stt-pc-a
NSB=stt-pc-b
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

cc -std=c11 -D_DEFAULT_SOURCE -O2 -Wall -Wextra -Werror -o "$work/gso-send" \
	"$here/tools/gso-send.c"

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
	local ns=$1 file=$2 log i
	shift 2
	log="$work/$(basename "$file").log"
	ip netns exec "$ns" tcpdump -U -s 0 -w "$file" "$@" 2>"$log" &
	tcpdump_pids+=($!)
	for i in $(seq 100); do
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

send() {
	ip netns exec "$NSA" "$work/gso-send" -i va -s 192.0.2.1 -d 192.0.2.2 -m "$MAC_B" "$@"
}

filter="tcp port 7471"

# 1. GRO on the receiver: segments made by GSO on va, coalesced on vb.
ip netns exec "$NSA" ethtool -K va tso off >/dev/null
ip netns exec "$NSB" ethtool -K vb gro on >/dev/null
start_capture "$NSB" "$work/kernel-gro.pcap" -i vb "$filter"
# Same inner flow, so the same source port (STT-NOTES: SHOULD be constant
# per inner flow).
send -l 20000 -a 0x5a5a0001 -p 50000
sleep 0.2
send -l 30000 -a 0x5a5a0101 -p 50000
stop_captures

# 2. Software GSO with full checksums, seen on the wire and, cooked, by
#    tcpdump -i any on the receiver.
ip netns exec "$NSA" ethtool -K va tx off tso off >/dev/null
ip netns exec "$NSB" ethtool -K vb gro off >/dev/null
start_capture "$NSA" "$work/kernel-gso-segments.pcap" -i va "$filter"
start_capture "$NSB" "$work/kernel-sll.pcap" -i any -y LINUX_SLL "$filter"
start_capture "$NSB" "$work/kernel-sll2.pcap" -i any -y LINUX_SLL2 "$filter"
send -l 5000 -a 0x5a5a0201 -p 50002
stop_captures

# 3. TSO on the sender: the capture shows one unsegmented super-packet
#    whose TCP checksum holds only the pseudo-header sum.
ip netns exec "$NSA" ethtool -K va tx on tso on >/dev/null
start_capture "$NSA" "$work/kernel-tso-sender.pcap" -i va "$filter"
send -l 64000 -a 0x5a5a0301 -p 50003
stop_captures

for f in kernel-gro kernel-gso-segments kernel-sll kernel-sll2 kernel-tso-sender; do
	cp "$work/$f.pcap" "$out/$f.pcap"
	echo "$f.pcap: $(tcpdump -nr "$out/$f.pcap" 2>/dev/null | wc -l) packets"
done
