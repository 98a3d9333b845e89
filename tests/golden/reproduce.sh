#!/usr/bin/env bash
# pcaps/make-pcaps.sh, run with the stt-send just built, must reproduce
# every crafted capture in pcaps/ byte for byte: the captures are what the
# script says they are, and stt-send's output has not drifted (if it
# changed on purpose: regenerate, update the expected outputs, review).
# Usage: reproduce.sh STT_SEND PCAPS_DIR
set -uo pipefail
send=$1
pcaps=$(realpath "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! "$pcaps/make-pcaps.sh" "$send" "$tmp" >"$tmp/log" 2>&1; then
	echo "FAIL: make-pcaps.sh failed:"
	cat "$tmp/log"
	exit 1
fi
fail=0
n=0
for f in "$tmp"/*.pcap; do
	n=$((n + 1))
	b=$(basename "$f")
	if [ ! -f "$pcaps/$b" ]; then
		echo "FAIL: make-pcaps.sh makes $b, which is not committed in pcaps/"
		fail=1
	elif ! cmp -s "$f" "$pcaps/$b"; then
		echo "FAIL: $b differs from what make-pcaps.sh makes now ($(cmp "$f" "$pcaps/$b" 2>&1 | head -1))"
		fail=1
	fi
done
for f in "$pcaps"/*.pcap; do
	b=$(basename "$f")
	case $b in kernel-*) continue ;; esac
	[ -f "$tmp/$b" ] || { echo "FAIL: $b is committed but make-pcaps.sh does not make it"; fail=1; }
done
[ $fail -eq 0 ] && echo "make-pcaps.sh reproduces all $n crafted captures byte for byte"
exit $fail
