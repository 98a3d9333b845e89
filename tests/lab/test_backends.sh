#!/bin/bash
# The portable libpcap underlay backend: between two pcap endpoints, and
# between a pcap endpoint (own segments) and an AF_PACKET one (kernel GSO).
. "$(dirname "$0")/lab.sh"

lab_init
lab_reset
lab_underlay on off
lab_tunnel A "--backend pcap --mtu 9000"
lab_tunnel B "--backend pcap --mtu 9000"
lab_inner 9000
for s in 56 1472 8972; do check "pcap backend ping $s" ping_ok "$NSA" $IB $s 3; done
lab_need_linux_io "pcap <-> afpacket with kernel GSO"
lab_reset
lab_underlay on off
lab_tunnel A "--backend pcap --mtu 9000"
lab_tunnel B "--mtu 9000"
lab_inner 9000
for s in 56 1472 8972; do check "pcap backend <-> afpacket gso ping $s" ping_ok "$NSA" $IB $s 3; done
lab_done
