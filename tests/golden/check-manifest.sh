#!/usr/bin/env bash
# Every capture in pcaps/ is listed in manifest.txt and README.md and has
# its expected files; every manifest entry has its capture. A capture added
# without expected output (or an expected file left behind) fails here.
# Usage: check-manifest.sh PCAPS_DIR
set -uo pipefail
pcaps=$1
fail=0
listed=$(awk '!/^#/ && NF { print $1 }' "$pcaps/manifest.txt" | sort)
present=$(find "$pcaps" -maxdepth 1 -name "*.pcap" -printf "%f\n" | sed "s/\\.pcap$//" | sort)
for n in $(comm -23 <(echo "$present") <(echo "$listed")); do
	echo "FAIL: $n.pcap is not in manifest.txt"; fail=1
done
for n in $listed; do
	[ -f "$pcaps/$n.pcap" ] || { echo "FAIL: manifest lists $n but $n.pcap is missing"; fail=1; }
	for ext in txt json; do
		[ -f "$pcaps/$n.$ext" ] || { echo "FAIL: $n.$ext (expected output) is missing"; fail=1; }
	done
	grep -q "$n\.pcap" "$pcaps/README.md" || { echo "FAIL: $n.pcap is not described in README.md"; fail=1; }
done
for f in "$pcaps"/*.txt "$pcaps"/*.json "$pcaps"/*.stderr; do
	[ -e "$f" ] || continue
	b=$(basename "$f"); [ "$b" = manifest.txt ] && continue; b=${b%.*}
	grep -qx "$b" <<<"$listed" || { echo "FAIL: $(basename "$f") belongs to no manifest entry"; fail=1; }
done
dups=$(echo "$listed" | uniq -d)
[ -z "$dups" ] || { echo "FAIL: listed twice in manifest.txt: $dups"; fail=1; }
size=$(du -sk --exclude=tools "$pcaps" | cut -f1)
[ "$size" -le 3072 ] || { echo "FAIL: pcaps/ holds ${size} KiB, over the 3 MiB budget"; fail=1; }
[ $fail -eq 0 ] && echo "manifest: $(echo "$listed" | wc -w) captures, all listed, described and with expected output (${size} KiB)"
exit $fail
