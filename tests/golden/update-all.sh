#!/usr/bin/env bash
# Regenerate every capture's expected output from the current stt-dump.
# Only after a human has reviewed the diff: `git diff pcaps/` afterwards.
# Usage: update-all.sh STT_DUMP [PCAPS_DIR]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dump=$1
pcaps=${2:-$here/../../pcaps}
rc=0
for n in $(awk '!/^#/ && NF { print $1 }' "$pcaps/manifest.txt"); do
	"$here/run-golden.sh" --update "$dump" "$pcaps" "$n" || rc=1
done
exit $rc
