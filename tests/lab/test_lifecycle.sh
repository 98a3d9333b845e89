#!/bin/bash
# The command line and the life of the process: usage errors exit 2 with a
# one-line message, SIGUSR1 prints counters and the tunnel keeps running,
# --stats-json writes JSON, SIGTERM removes the TAP and the nftables table.
. "$(dirname "$0")/lab.sh"
lab_init

check "--help exits 0" "$STT_TUNNEL" --help
if [ "$LAB_NOIO" = 1 ]; then
	check "--version names the backends" sh -c \
		"'$STT_TUNNEL' --version | grep -qx 'I/O backends: pcap libnet tap-plain neigh-pcap'"
else
	check "--version names the backends" sh -c \
		"'$STT_TUNNEL' --version | grep -qx 'I/O backends: pcap libnet afpacket tap nftables'"
fi
check_fails "missing --remote is a usage error" "$STT_TUNNEL" --tap x --local $UA4 --context 1
check "  ... with exit code 2" sh -c "'$STT_TUNNEL' --tap x --local $UA4 --context 1; [ \$? -eq 2 ]"
check_fails "bad --dscp rejected" "$STT_TUNNEL" --tap x --local $UA4 --remote $UB4 --context 1 --dscp pipe:99
check_fails "mixed address families rejected" "$STT_TUNNEL" --tap x --local $UA4 --remote $UB6 --context 1
echo '{ "contexts": [ { "id": -1, "tap": "x" } ] }' >"$LAB_DIR/bad.json"
check "bad config names the file and field" sh -c \
	"'$STT_TUNNEL' --config '$LAB_DIR/bad.json' --local $UA4 --remote $UB4 2>&1 | grep -q 'bad.json: contexts\[0\]'"
check_fails "no interface holds --local" inA "$STT_TUNNEL" --tap x --local 203.0.113.9 --remote $UB4 --context 1

lab_reset
lab_underlay on off
lab_tunnel A ""
log="$LAB_DIR/tunnel-B-stt0.log"
lab_tunnel B "--stats-json 0.2"
lab_inner 1500
check "ping" ping_ok "$NSA" $IB 56 2
kill -USR1 "${LAB_PIDS[1]}"
sleep 0.5
check "SIGUSR1 prints counters" grep -q '^context 42: tx' "$log"
check "and the tunnel keeps running" kill -0 "${LAB_PIDS[1]}"
check "--stats-json writes JSON lines to stdout" grep -q '^{"uptime_s":.*"contexts":\[{"context_id":42' "$log"
# the portable build installs no table of its own (lab_tunnel ran the
# printed command instead): nothing to see come and go
[ "$LAB_NOIO" = 1 ] && NFT_OWN=false || NFT_OWN=true
$NFT_OWN && check "nftables table present" sh -c "ip netns exec $NSB nft list tables | grep -q sttkit_"
kill -TERM "${LAB_PIDS[1]}"
wait "${LAB_PIDS[1]}"
rc=$?
check "SIGTERM: clean exit ($rc)" test $rc -eq 0
check "SIGTERM: TAP removed" sh -c "! ip -n $NSB link show stt0 2>/dev/null"
$NFT_OWN && check "SIGTERM: nftables table removed" sh -c "! ip netns exec $NSB nft list tables | grep -q sttkit_"
check "SIGINT too" sh -c "kill -INT ${LAB_PIDS[0]}; sleep 0.5; ! ip -n $NSA link show stt0 2>/dev/null"

# A TAP deleted under a running tunnel: it says so and exits (2), rule removed.
lab_reset
lab_underlay on off
lab_tunnel B ""
ip -n "$NSB" link del stt0
wait "${LAB_PIDS[0]}"
rc=$?
LAB_PIDS=()
check "TAP deleted under it: exits 2 ($rc)" test $rc -eq 2
check "  ... naming the TAP" grep -q 'stt0: read' "$LAB_DIR/tunnel-B-stt0.log"
$NFT_OWN && check "  ... and removes its nftables table" sh -c "! ip netns exec $NSB nft list tables | grep -q sttkit_"
$NFT_OWN || lab_log "SKIP nftables table checks: the portable build installs no table itself"
lab_done
