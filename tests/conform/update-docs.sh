#!/usr/bin/env bash
# Regenerate the catalogue section of docs/conformance.md from the tool:
#   tests/conform/update-docs.sh build/conformance/stt-conform
set -eu
conform=$1
doc=$(cd "$(dirname "$0")/../.." && pwd)/docs/conformance.md
tmp=$(mktemp)
gen=$(mktemp)
trap 'rm -f "$tmp" "$gen"' EXIT
"$conform" --list --markdown >"$gen"
awk -v gen="$gen" '
	/^<!-- BEGIN stt-conform --list --markdown -->$/ { print; while ((getline l < gen) > 0) print l; skip = 1; next }
	/^<!-- END stt-conform --list --markdown -->$/ { skip = 0 }
	!skip { print }
' "$doc" >"$tmp"
cp "$tmp" "$doc"
