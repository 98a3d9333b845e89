#!/bin/bash
# The receiving host's kernel TCP must not answer STT segments with RST:
# stt-tunnel installs an nftables rule. The negative control runs B with
# --no-firewall and must see RSTs, so the check is known to catch them.
. "$(dirname "$0")/lab.sh"
lab_init
command -v tcpdump >/dev/null || lab_skip "needs tcpdump"
command -v nft >/dev/null || lab_skip "needs nft"

RST_COUNT=0
count_rst() { # HOSTOPTS -> RST_COUNT: RSTs B sent during pings
	local extra=$1 cap="$LAB_DIR/rst.pcap" pid
	lab_reset
	lab_underlay on off
	lab_tunnel A ""
	lab_tunnel B "$extra"
	lab_inner 1500
	ip netns exec "$NSB" tcpdump -i ub -n -U --immediate-mode -w "$cap" 'tcp' 2>"$cap.err" &
	pid=$!
	lab_capture_wait "$cap.err"
	ping_ok "$NSA" $IB 56 3 >/dev/null
	ping_ok "$NSA" $IB 1400 3 >/dev/null
	sleep 0.5
	kill -TERM $pid
	wait $pid
	RST_COUNT=$(tcpdump -n -r "$cap" 'tcp[tcpflags] & tcp-rst != 0' 2>/dev/null | wc -l)
}

count_rst ""
n=$RST_COUNT
check "no RST from the receiving host ($n seen)" test "$n" -eq 0
if [ "$LAB_NOIO" = 1 ]; then
	# The portable build installs nothing: it printed the exact nft
	# command, and lab_tunnel ran that command (the zero above is its
	# proof); the table goes with the namespace, not with the tunnel.
	check "the tunnel printed a pasteable nft command" \
		grep -q "^  nft add table inet sttkit && .*tcp dport 7471 drop$" "$LAB_DIR"/tunnel-B-stt0.log
	check "that command's rule is in place" sh -c \
		"ip netns exec $NSB nft list table inet sttkit | grep -q 'ip daddr $UB4 tcp dport 7471 drop'"
	lab_log "SKIP table removed on exit: the portable build installs no table itself"
	lab_stop_tunnels
else
	table=$(grep -o 'table inet sttkit_[0-9_]*' "$LAB_DIR"/tunnel-B-stt0.log | head -n 1)
	check "nftables table installed ($table)" test -n "$table"
	lab_stop_tunnels
	check "nftables table removed on exit" sh -c "! ip netns exec $NSB nft list tables | grep -q sttkit_"
fi
count_rst "--no-firewall"
n=$RST_COUNT
check "control: without the rule the host does send RST ($n seen)" test "$n" -gt 0
lab_done
