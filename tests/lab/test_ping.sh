#!/bin/bash
# Ping across the tunnel at 56, 1472, 8972, 30000 and 65000 bytes, with
# kernel GSO (TSO) and with our own segmentation (--no-tso), with GRO on
# and off on the receiving veth.
. "$(dirname "$0")/lab.sh"
lab_init

# The portable build (-DSTT_LINUX_IO=OFF) has no kernel GSO: its tunnel
# always segments itself (LAB_MODES is "no-tso" there).
for mode in $LAB_MODES; do
	for gro in on off; do
		extra=""
		[ "$mode" = no-tso ] && extra="--no-tso"
		lab_reset
		lab_underlay "$gro" off
		lab_tunnel A "$extra --mtu 65000 --stats-json 0.2 --stats-file $(lab_stats_file A)"
		lab_tunnel B "$extra --mtu 65000 --stats-json 0.2 --stats-file $(lab_stats_file B)"
		lab_inner 65000
		for size in 56 1472 8972 30000 65000; do
			check "ping $size bytes ($mode, gro $gro)" ping_ok "$NSA" $IB $size 3
		done
		sleep 0.5
		gso=$(json_field "$(lab_stats_file A)" tx_gso_packets)
		segs=$(json_field "$(lab_stats_file A)" tx_segments)
		# GRO coalescing is opportunistic: reported, not asserted
		lab_log "gro $gro: largest packet B received: $(json_field "$(lab_stats_file B)" rx_max_len) bytes"
		if [ "$mode" = tso ]; then
			check "sender used kernel GSO ($mode, gro $gro): $gso super-packets" test "${gso:-0}" -gt 0
		else
			check "sender segmented itself ($mode, gro $gro): $segs segments, $gso gso" \
				test "${gso:-1}" -eq 0 -a "${segs:-0}" -gt 0
		fi
	done
done
# ARP over the tunnel: the first ping resolved it; the neighbour entry
# must be the far TAP's MAC.
far_mac=$(ip -n "$NSB" -o link show stt0 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)
check "ARP resolved the far TAP's MAC" sh -c "ip -n $NSA neigh show $IB dev stt0 | grep -q $far_mac"
lab_done
