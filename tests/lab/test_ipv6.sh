#!/bin/bash
# STT over an IPv6 underlay, with kernel GSO and with our own segments.
. "$(dirname "$0")/lab.sh"
lab_init
LAB_INNER_V6=1

for mode in $LAB_MODES; do
	extra="--v6 --mtu 65000"
	[ "$mode" = no-tso ] && extra="$extra --no-tso"
	lab_reset
	lab_underlay on off
	lab_tunnel A "$extra"
	lab_tunnel B "$extra"
	lab_inner 65000
	for size in 56 1472 8972 30000 65000; do
		check "ping $size bytes over IPv6 underlay ($mode)" ping_ok "$NSA" $IB $size 3
	done
	check "inner IPv6 over IPv6 underlay ($mode)" sh -c \
		"ip -n $NSA addr add 2001:db8:1::1/64 dev stt0 nodad &&
		 ip -n $NSB addr add 2001:db8:1::2/64 dev stt0 nodad &&
		 ip netns exec $NSA ping -q -c 3 -i 0.2 -W 2 -s 4000 2001:db8:1::2"
done
lab_done
