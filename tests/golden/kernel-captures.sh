#!/usr/bin/env bash
# Re-run pcaps/capture-gro.sh (stt-send --tso through the kernel) into a scratch directory and check that the
# real kernel still does what the committed kernel-*.pcap files show
# (timestamps and exact GRO batching may differ, so the check is on
# structure, not bytes), and that the script leaves no namespace behind.
# Needs root; exits 77 (skipped) otherwise.
# Usage: kernel-captures.sh STT_DUMP STT_SEND PCAPS_DIR
set -uo pipefail
dump=$1
send=$2
pcaps=$(realpath "$3")
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root (network namespaces)"
	exit 77
fi
for t in ip tcpdump ethtool nft python3; do
	command -v "$t" >/dev/null || { echo "SKIP: $t not installed"; exit 77; }
done
if ! "$send" --version | grep -q '^I/O backends:.*afpacket'; then
	echo "SKIP: stt-send built without the AF_PACKET backend (STT_LINUX_IO=OFF)"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

if ! STT_NS_SUFFIX=kc$$ "$pcaps/capture-gro.sh" "$tmp" "$send" >"$tmp/log" 2>&1; then
	echo "FAIL: capture-gro.sh failed:"
	cat "$tmp/log"
	exit 1
fi
if ip netns list | grep -q "^stt-pc-.-kc$$"; then
	echo "FAIL: capture-gro.sh left a namespace behind: $(ip netns list | grep stt-pc-)"
	fail=1
fi

# check NAME PYTHON-EXPR: the expression over `frames` (complete frame
# objects of stt-dump --json) and `warnings` must hold.
check() {
	local name=$1 expr=$2 label=$3
	"$dump" -r "$tmp/$name.pcap" --json -v --no-summary >"$tmp/$name.json" 2>"$tmp/$name.err"
	if python3 - "$tmp/$name.json" "$expr" <<'PY'
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
frames = [o for o in objs if o["type"] == "frame" and o["complete"]]
warnings = [o for o in objs if o["type"] == "warning"]
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
	then
		echo "TEST: $name: $label [ OK ]"
	else
		echo "TEST: $name: $label [FAIL]"
		cat "$tmp/$name.json" "$tmp/$name.err" | cut -c1-300
		fail=1
	fi
}

check kernel-gro "len(frames) == 2 and not warnings and all(len(f['seg_off']) < (f['pkt_len'] + 1447) // 1448 for f in frames)" \
	"GRO coalesced segments (fewer than MSS-sized ones), both frames delivered, no warning"
check kernel-gso-segments "len(frames) == 1 and frames[0]['seg_off'] == [0, 1448, 2896, 4344] and not warnings" \
	"GSO cut 5000 bytes into 4 in-order segments, no warning"
check kernel-sll "len(frames) == 1 and frames[0]['pkt_len'] == 5000 and not warnings" "cooked v1 capture decodes"
check kernel-sll2 "len(frames) == 1 and frames[0]['pkt_len'] == 5000 and not warnings" "cooked v2 capture decodes"
check kernel-tso-sender "len(frames) == 1 and frames[0]['seg_off'] == [0] and frames[0]['pkt_len'] == 64000 and not warnings" \
	"TSO sender shows one 64000-byte super-packet, no warning"
exit $fail
